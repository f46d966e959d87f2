# -*- coding: utf-8 -*-
# Copyright (c) multicloud.listeners contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A fake ``alibabacloud_nlb20220430`` client for the NLB module tests.

It stands in for the SDK client class at the ``_nlb.py`` edge: the modules build real
SDK request models, the fake reads them with ``to_map()`` (the API field names the wire
carries), keeps a call log and answers like the service (``DryRunOperation`` for a
passing DryRun, ``ClientException`` for errors, jobs and listener status).
"""

import copy
import json
from types import SimpleNamespace

from alibabacloud_tea_openapi.exceptions import ClientException

LISTENERS = [
    {"RegionId": "cn-hangzhou", "LoadBalancerId": "nlb-demo", "ListenerId": "lsn-demo@80", "ListenerProtocol": "TCP",
     "ListenerPort": 80, "StartPort": "0", "EndPort": "0", "ListenerDescription": "demo_tcp_80", "ServerGroupId": "sgp-tcp",
     "IdleTimeout": 900, "ProxyProtocolEnabled": False,
     "ProxyProtocolV2Config": {"Ppv2VpcIdEnabled": False, "Ppv2PrivateLinkEpIdEnabled": False, "Ppv2PrivateLinkEpsIdEnabled": False},
     "SecSensorEnabled": False, "ListenerStatus": "Running", "Cps": 0, "Mss": 0, "Tags": [{"Key": "env", "Value": "demo"}]},
    {"RegionId": "cn-hangzhou", "LoadBalancerId": "nlb-demo", "ListenerId": "lsn-demo@53", "ListenerProtocol": "UDP",
     "ListenerPort": 53, "ListenerDescription": "demo_udp_53", "ServerGroupId": "sgp-udp", "IdleTimeout": 20,
     "ProxyProtocolEnabled": False, "SecSensorEnabled": False, "ListenerStatus": "Running", "Cps": 0},
    {"RegionId": "cn-hangzhou", "LoadBalancerId": "nlb-demo", "ListenerId": "lsn-demo@443", "ListenerProtocol": "TCPSSL",
     "ListenerPort": 443, "ListenerDescription": "demo_tcpssl_443", "ServerGroupId": "sgp-ssl", "IdleTimeout": 900,
     "SecurityPolicyId": "tls_cipher_policy_1_0", "CertificateIds": ["cert-1"], "CaCertificateIds": [], "CaEnabled": False,
     "AlpnEnabled": False, "ProxyProtocolEnabled": False, "SecSensorEnabled": False, "ListenerStatus": "Running", "Cps": 0, "Mss": 0},
]
PAGE_SIZE = 2


def api_error(code, message, status=400, request_id="REQ-ERR"):
    return ClientException(status_code=status, code=code, message="code: %d, %s request id: %s" % (status, message, request_id),
                           data={"Code": code, "Message": message, "RequestId": request_id}, request_id=request_id)


def _answer(body):
    return SimpleNamespace(body=SimpleNamespace(to_map=lambda: copy.deepcopy(body)))


class FakeNlb:
    """The service state behind the fake client, and its call log."""

    def __init__(self, listeners=None):
        self.listeners = dict((item["ListenerId"], copy.deepcopy(item)) for item in (listeners or LISTENERS))
        self.calls = []  # (operation, request map)
        self.failures = {}  # operation -> list of exceptions raised by the next calls
        self.dry_run_error = None  # the error a DryRun answers with instead of DryRunOperation
        self.job_statuses = ["Succeeded"]  # what GetJobStatus answers, in turn (the last one repeats)
        self.configuring_reads = 0  # after an update, this many reads answer ListenerStatus "Configuring"
        self._configuring_left = 0
        self.configs = []
        self.ignored_fields = ()  # update fields the fake accepts but does not apply

    # the SDK client class: Client(config)
    def client_class(self):
        fake = self

        class Client:
            def __init__(self, config):
                fake.configs.append(config)

            def __getattr__(self, name):
                operation = name[:-len("_with_options")]
                return lambda request, runtime: fake.handle(operation, request.to_map(), runtime)

        return Client

    def operations(self):
        return [operation for operation, dummy in self.calls]

    def handle(self, operation, request, runtime):
        self.calls.append((operation, request))
        pending = self.failures.get(operation)
        if pending:
            raise pending.pop(0)
        return _answer(getattr(self, operation)(request))

    def _listener(self, listener_id):
        if listener_id not in self.listeners:
            raise api_error("ResourceNotFound.listener", "The specified resource %s is not found." % listener_id, 404)
        return self.listeners[listener_id]

    def get_listener_attribute(self, request):
        listener = copy.deepcopy(self._listener(request["ListenerId"]))
        if self._configuring_left > 0:
            self._configuring_left -= 1
            listener["ListenerStatus"] = "Configuring"
        for tag in listener.get("Tags", []):
            tag["TagKey"], tag["TagValue"] = tag.pop("Key"), tag.pop("Value")
        return dict(listener, RequestId="REQ-GET")

    def list_listeners(self, request):
        matches = [item for item in self.listeners.values()
                   if item["LoadBalancerId"] in request.get("LoadBalancerIds", [item["LoadBalancerId"]])
                   and item["ListenerProtocol"] == request.get("ListenerProtocol", item["ListenerProtocol"])]
        start = int(request.get("NextToken") or 0)
        page = matches[start:start + PAGE_SIZE]
        more = start + PAGE_SIZE < len(matches)
        return {"Listeners": copy.deepcopy(page), "NextToken": str(start + PAGE_SIZE) if more else "", "TotalCount": len(matches),
                "RequestId": "REQ-LIST"}

    def update_listener_attribute(self, request):
        listener = self._listener(request["ListenerId"])
        if request.get("DryRun"):
            raise self.dry_run_error or api_error("DryRunOperation", "Request validation has been passed with DryRun flag set.",
                                                  request_id="REQ-DRY")
        for name, value in request.items():
            if name not in ("ListenerId", "ClientToken", "RegionId", "DryRun") + tuple(self.ignored_fields):
                listener[name] = json.loads(value) if name == "ProxyProtocolV2Config" and isinstance(value, str) else value
        self._configuring_left = self.configuring_reads
        return {"JobId": "job-1", "RequestId": "REQ-UPDATE"}

    def get_job_status(self, request):
        status = self.job_statuses.pop(0) if len(self.job_statuses) > 1 else self.job_statuses[0]
        return {"Status": status, "RequestId": "REQ-JOB"}
