# -*- coding: utf-8 -*-
# Copyright (c) multicloud.listeners contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""In-memory NLB state: load balancers, listeners, the resources listeners refer to, and jobs.

A change is not applied when it is accepted: ``start_job`` records it and puts the
listener in the job's transitional status (``Configuring``, ``Provisioning``, ``Deleting``,
``Stopping``, ``Starting``); ``settle`` (called before every access) finishes each job whose
time has come, in order: the listener gets the job's final status (``Running`` or
``Stopped``) and, for an update, the changes; a deleted listener disappears.  Nothing runs
in the background.  The caller holds the service lock around every method.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import uuid

from . import errors
from .params import PPV2_KEYS
from .rules import DEFAULT_LIMITS, SYSTEM_SECURITY_POLICIES, UPDATABLE_FIELDS

TLS_DEFAULTS = {
    "SecurityPolicyId": "tls_cipher_policy_1_0", "CertificateIds": [], "CaCertificateIds": [], "CaEnabled": False,
    "AlpnEnabled": False, "AlpnPolicy": None,
}
# response field order, as in the API reference examples
LISTENER_FIELDS = (
    "RegionId", "LoadBalancerId", "ListenerId", "ListenerProtocol", "ListenerPort", "StartPort", "EndPort",
    "ListenerDescription", "ServerGroupId", "IdleTimeout", "SecurityPolicyId", "CertificateIds", "CaCertificateIds",
    "CaEnabled", "AlpnEnabled", "AlpnPolicy", "ProxyProtocolEnabled", "ProxyProtocolV2Config", "SecSensorEnabled",
    "ListenerStatus", "Cps", "Mss",
)
PROCESSING = "Processing"
SUCCEEDED = "Succeeded"
# action -> (status while the job runs, status when it is done; None: the listener is gone)
JOB_TRANSITIONS = {
    "UpdateListenerAttribute": ("Configuring", None),  # back to the status it had (Running or Stopped)
    "CreateListener": ("Provisioning", "Running"),  # a new listener is started
    "DeleteListener": ("Deleting", None),
    "StopListener": ("Stopping", "Stopped"),
    "StartListener": ("Starting", "Running"),
}


def new_listener(entry, load_balancer):
    """A complete listener from a seed entry: unset fields get the cloud's defaults for the protocol."""
    protocol = entry["ListenerProtocol"]
    listener = {
        "RegionId": load_balancer["RegionId"], "StartPort": "0", "EndPort": "0", "ListenerDescription": None,
        "IdleTimeout": 20 if protocol == "UDP" else 900, "ProxyProtocolEnabled": False,
        "ProxyProtocolV2Config": {key: False for key in PPV2_KEYS}, "SecSensorEnabled": False,
        "ListenerStatus": "Running", "Cps": 0, "Mss": None if protocol == "UDP" else 0, "Tags": [],
    }
    listener.update({key: None for key in TLS_DEFAULTS} if protocol != "TCPSSL" else copy.deepcopy(TLS_DEFAULTS))
    listener.update(copy.deepcopy(entry))
    return listener


class NlbStore:
    """All state of one emulated account; rebuilt from a seed on reset."""

    def __init__(self, seed, clock):
        self.clock = clock
        self.load_balancers = _index(seed.get("load_balancers", []), "LoadBalancerId", {"LoadBalancerStatus": "Active"})
        self.server_groups = _index(seed.get("server_groups", []), "ServerGroupId",
                                    {"PreserveClientIpEnabled": False, "AnyPortEnabled": False})
        self.certificates = _index(seed.get("certificates", []), "CertificateId", {"CertificateType": "Server"})
        self.security_policies = _index(seed.get("security_policies", []), "SecurityPolicyId", {})
        self.listeners = {}
        for entry in seed.get("listeners", []):
            load_balancer = self.load_balancers.get(entry.get("LoadBalancerId"))
            if load_balancer is None:
                raise ValueError("seed listener %s names an unknown load balancer" % entry.get("ListenerId"))
            self.listeners[entry["ListenerId"]] = new_listener(entry, load_balancer)
        self.jobs = {}
        self.client_tokens = {}  # (action, token) -> (request fingerprint, response)
        self.limits = dict(DEFAULT_LIMITS)  # admin settings that change the rules; back to defaults on reset

    # --- catalog lookups (used by rules.check_update) -------------------------------
    def load_balancer(self, load_balancer_id):
        return self.load_balancers[load_balancer_id]

    def find_load_balancer(self, load_balancer_id, region_id=None):
        load_balancer = self.load_balancers.get(load_balancer_id)
        if load_balancer is None or (region_id and load_balancer["RegionId"] != region_id):
            raise errors.load_balancer_not_found()
        return load_balancer

    def server_group(self, server_group_id, region_id):
        group = self.server_groups.get(server_group_id)
        return group if group is not None and group["RegionId"] == region_id else None

    def has_security_policy(self, policy_id, region_id):
        if policy_id in SYSTEM_SECURITY_POLICIES:
            return True
        policy = self.security_policies.get(policy_id)
        return policy is not None and policy["RegionId"] == region_id

    def has_certificate(self, certificate_id, certificate_type, region_id):
        certificate = self.certificates.get(certificate_id)
        return (certificate is not None and certificate["CertificateType"] == certificate_type
                and certificate["RegionId"] == region_id)

    # --- listeners ---------------------------------------------------------------------
    def find_listener(self, listener_id, region_id=None):
        listener = self.listeners.get(listener_id)
        if listener is None or (region_id and listener["RegionId"] != region_id):
            raise errors.listener_not_found(listener_id)
        return listener

    @staticmethod
    def check_load_balancer_idle(load_balancer):
        if load_balancer["LoadBalancerStatus"] != "Active":
            raise errors.load_balancer_incorrect_status(load_balancer["LoadBalancerId"])

    def check_writable(self, listener, statuses=("Running",)):
        """A listener accepts a write only while its load balancer is idle and it is in one of ``statuses``
        (no job of its own running)."""
        self.check_load_balancer_idle(self.load_balancers[listener["LoadBalancerId"]])
        if listener["ListenerStatus"] not in statuses:
            raise errors.listener_incorrect_status(listener["ListenerId"])

    def matching_listeners(self, criteria):
        return [listener for listener in self.listeners.values() if _matches(listener, criteria)]

    def listeners_of(self, load_balancer_id):
        """Every listener the load balancer holds, including ones being created or deleted."""
        return [listener for listener in self.listeners.values() if listener["LoadBalancerId"] == load_balancer_id]

    def add_listener(self, listener):
        self.listeners[listener["ListenerId"]] = listener

    # --- jobs --------------------------------------------------------------------------
    def start_job(self, listener, changes, seconds, action="UpdateListenerAttribute"):
        """Record an asynchronous job on ``listener`` and put it in the action's transitional status."""
        now = self.clock()
        job_id = str(uuid.uuid4())
        during, final = JOB_TRANSITIONS[action]
        self.jobs[job_id] = {
            "JobId": job_id, "Action": action, "ResourceId": listener["ListenerId"],
            "Changes": copy.deepcopy(changes), "Status": PROCESSING, "CreatedAt": now, "FinishesAt": now + seconds,
            "FinalStatus": final or listener["ListenerStatus"],
        }
        listener["ListenerStatus"] = during
        return job_id

    def settle(self):
        """Finish every job whose time has come, oldest first."""
        now = self.clock()
        due = [job for job in self.jobs.values() if job["Status"] == PROCESSING and job["FinishesAt"] <= now]
        for job in sorted(due, key=lambda item: item["FinishesAt"]):
            listener = self.listeners.get(job["ResourceId"])
            if listener is not None and job["Action"] == "DeleteListener":
                del self.listeners[job["ResourceId"]]
            elif listener is not None:
                apply_changes(listener, job["Changes"])
                listener["ListenerStatus"] = job["FinalStatus"]
            job["Status"] = SUCCEEDED

    def job(self, job_id):
        job = self.jobs.get(job_id)
        if job is None:
            raise errors.job_not_found()
        return job

    # --- idempotency -------------------------------------------------------------------
    def replay(self, action, token, fingerprint):
        """The response first given for this token, if any; a token reused for another request is an error."""
        known = self.client_tokens.get((action, token))
        if known is None:
            return None
        if known[0] != fingerprint:
            raise errors.idempotence_mismatch()
        return copy.deepcopy(known[1])

    def remember(self, action, token, fingerprint, response):
        self.client_tokens[(action, token)] = (fingerprint, copy.deepcopy(response))

    def dump(self):
        return {
            "load_balancers": list(copy.deepcopy(self.load_balancers).values()),
            "listeners": [render_listener(listener, "attribute") for listener in self.listeners.values()],
            "server_groups": list(copy.deepcopy(self.server_groups).values()),
            "certificates": list(copy.deepcopy(self.certificates).values()),
            "security_policies": list(SYSTEM_SECURITY_POLICIES) + list(self.security_policies),
            "jobs": list(copy.deepcopy(self.jobs).values()),
            "limits": dict(self.limits),
        }


def apply_changes(listener, changes):
    for name in UPDATABLE_FIELDS:
        if name not in changes:
            continue
        if name == "ProxyProtocolV2Config":
            listener[name] = dict(listener[name], **changes[name])
        else:
            listener[name] = copy.deepcopy(changes[name])


def render_listener(listener, style):
    """The listener as GetListenerAttribute (``attribute``) or ListListeners (``list``) returns it.

    Unset fields are left out; the two operations spell tag fields differently.
    """
    view = {name: copy.deepcopy(listener[name]) for name in LISTENER_FIELDS if listener.get(name) is not None}
    key, value = ("TagKey", "TagValue") if style == "attribute" else ("Key", "Value")
    view["Tags"] = [{key: tag["Key"], value: tag.get("Value", "")} for tag in listener.get("Tags", [])]
    return view


def page_token(offset, fingerprint):
    return base64.urlsafe_b64encode(("%d:%s" % (offset, fingerprint)).encode("ascii")).decode("ascii").rstrip("=")


def page_offset(token, fingerprint):
    """The offset a NextToken stands for; a token from another query or a made-up one is ``None``."""
    try:
        text = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode("ascii")
        offset, owner = text.split(":", 1)
        return int(offset) if owner == fingerprint and int(offset) >= 0 else None
    except ValueError:  # bad base64, not ASCII, no ":" or not a number
        return None


def digest_of(data):
    """A short stable hash of JSON-able data (a query's criteria, a request's parameters)."""
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode("utf-8")).hexdigest()[:16]


def _index(items, key, defaults):
    return {item[key]: dict(defaults, **copy.deepcopy(item)) for item in items}


def _matches(listener, criteria):
    if criteria.get("RegionId") and listener["RegionId"] != criteria["RegionId"]:
        return False
    if criteria.get("LoadBalancerIds") and listener["LoadBalancerId"] not in criteria["LoadBalancerIds"]:
        return False
    if criteria.get("ListenerIds") and listener["ListenerId"] not in criteria["ListenerIds"]:
        return False
    if criteria.get("ListenerProtocol") and listener["ListenerProtocol"] != criteria["ListenerProtocol"]:
        return False
    if "SecSensorEnabled" in criteria and listener["SecSensorEnabled"] != criteria["SecSensorEnabled"]:
        return False
    return all(_has_tag(listener, tag) for tag in criteria.get("Tag", []))


def _has_tag(listener, wanted):
    for tag in listener.get("Tags", []):
        if tag["Key"] == wanted.get("Key") and ("Value" not in wanted or tag.get("Value") == wanted["Value"]):
            return True
    return False
