# -*- coding: utf-8 -*-
# Copyright (c) multicloud.listeners contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Steps and assertions of runme.sh (the adoption round trip), against the emulators of INTEGRATION_VARS.

    python adopt_check.py seed                    reload both emulators with their default seeds plus the "adopt"
                                                  environment below (an accelerator and two load balancers that have
                                                  listeners, several with attributes off the services' defaults)
    python adopt_check.py reset-calls             clear both call logs
    python adopt_check.py calls GA_OPS NLB_OPS    assert the exact operations called since reset-calls, in order
                                                  (comma-separated, "-" for none); every NLB call a read or a DryRun
    python adopt_check.py file PATH MODE          assert the generated file: header, and exactly the expected variables
    python adopt_check.py edit PATH WHAT          change one value in the generated file (ga-affinity or nlb-idle)
    python adopt_check.py plan JSON FIELD         assert the plan has exactly one write record, an update of FIELD only
"""

from __future__ import (absolute_import, division, print_function)

__metaclass__ = type

import json
import os
import re
import sys
from urllib.request import Request, urlopen

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", "..", ".."))
ACCOUNT = "123456789012"
ACCELERATOR = "arn:aws:globalaccelerator::%s:accelerator/5f0e4c1a-0000-4a5b-8c3d-0000000000ad" % ACCOUNT
LB_WEB = "nlb-adopt000000000001"
LB_API = "nlb-adopt000000000002"
GA_READS = ("ListAccelerators", "ListListeners", "DescribeAccelerator", "DescribeListener", "ListEndpointGroups")
NLB_READS = ("ListListeners", "GetListenerAttribute", "GetJobStatus")
PPV2_OFF = {"Ppv2VpcIdEnabled": False, "Ppv2PrivateLinkEpIdEnabled": False, "Ppv2PrivateLinkEpsIdEnabled": False}

# The environment to adopt: what a team built by hand before using the roles.
GA_ACCELERATOR = {
    "arn": ACCELERATOR, "name": "env-adopt", "created": "2024-06-01T09:00:00Z",
    "listeners": [
        {"protocol": "TCP", "port_ranges": ["80", "443"], "client_affinity": "SOURCE_IP"},
        {"protocol": "UDP", "port_ranges": ["53"], "client_affinity": "NONE"},
        {"protocol": "TCP", "port_ranges": ["8000-8010"], "client_affinity": "NONE"},
        {"protocol": "UDP", "port_ranges": ["4000-4010", "5000"], "client_affinity": "SOURCE_IP"},
    ],
}


def _listener(load_balancer, protocol, port, server_group, start=0, end=0, **fields):
    body = {"ListenerId": "lsn-adopt%s%s@%s" % (load_balancer[-1], protocol.lower(), port or start),
            "LoadBalancerId": load_balancer, "ListenerProtocol": protocol, "ListenerPort": port,
            "StartPort": str(start), "EndPort": str(end), "ServerGroupId": server_group,
            "IdleTimeout": 20 if protocol == "UDP" else 900, "ProxyProtocolEnabled": False,
            "ProxyProtocolV2Config": dict(PPV2_OFF), "SecSensorEnabled": False, "Cps": 0}
    if protocol != "UDP":
        body["Mss"] = 0
    if protocol == "TCPSSL":
        body.update({"SecurityPolicyId": "tls_cipher_policy_1_0", "CertificateIds": ["12315790-cn-hangzhou"],
                     "CaCertificateIds": [], "CaEnabled": False, "AlpnEnabled": False})
    body.update(fields)
    return body


NLB_LOAD_BALANCERS = [
    {"LoadBalancerId": LB_WEB, "LoadBalancerName": "adopt-web", "RegionId": "cn-hangzhou", "VpcId": "vpc-main0000000000001",
     "LoadBalancerStatus": "Active"},
    {"LoadBalancerId": LB_API, "LoadBalancerName": "adopt-api", "RegionId": "cn-hangzhou", "VpcId": "vpc-main0000000000001",
     "LoadBalancerStatus": "Active"},
]
NLB_LISTENERS = [
    _listener(LB_WEB, "TCP", 80, "sgp-tcp0000000000001", ListenerDescription="adopt_web_80", IdleTimeout=300),
    _listener(LB_WEB, "TCPSSL", 443, "sgp-ssl0000000000001", SecurityPolicyId="tls_cipher_policy_1_2",
              CertificateIds=["12315791-cn-hangzhou"], CaEnabled=True, CaCertificateIds=["139a00604ad-cn-hangzhou"],
              AlpnEnabled=True, AlpnPolicy="HTTP2Preferred"),
    _listener(LB_WEB, "UDP", 53, "sgp-udp0000000000001", Cps=500),
    _listener(LB_API, "TCP", 8080, "sgp-tcp0000000000002", ProxyProtocolEnabled=True,
              ProxyProtocolV2Config=dict(PPV2_OFF, Ppv2VpcIdEnabled=True), Mss=1200, SecSensorEnabled=True),
    _listener(LB_API, "TCP", 0, "sgp-anytcp0000000001", start=10000, end=10010),
    _listener(LB_API, "UDP", 0, "sgp-anyudp0000000001", start=20000, end=20010, IdleTimeout=15),
]

# What adopt.yml writes, by mode.
EXPECTED_GA = {
    "non_default": [
        {"protocol": "TCP", "port_ranges": [{"from_port": 80, "to_port": 80}, {"from_port": 443, "to_port": 443}],
         "client_affinity": "SOURCE_IP"},
        {"protocol": "TCP", "port_ranges": [{"from_port": 8000, "to_port": 8010}]},
        {"protocol": "UDP", "port_ranges": [{"from_port": 53, "to_port": 53}]},
        {"protocol": "UDP", "port_ranges": [{"from_port": 4000, "to_port": 4010}, {"from_port": 5000, "to_port": 5000}],
         "client_affinity": "SOURCE_IP"},
    ],
}
EXPECTED_GA["all"] = [dict({"client_affinity": "NONE"}, **entry) for entry in EXPECTED_GA["non_default"]]
PPV2_ALL_OFF = {"ppv2_vpc_id_enabled": False, "ppv2_private_link_ep_id_enabled": False, "ppv2_private_link_eps_id_enabled": False}
COMMON_ALL = {"proxy_protocol_enabled": False, "proxy_protocol_v2_config": PPV2_ALL_OFF, "sec_sensor_enabled": False, "cps": 0}


def _entry(load_balancer, protocol, port, attributes, start=None, end=None):
    entry = {"load_balancer_id": load_balancer, "listener_protocol": protocol, "listener_port": port}
    if port == 0:
        entry["start_port"], entry["end_port"] = start, end
    entry["attributes"] = attributes
    return entry


EXPECTED_NLB = {
    "non_default": [
        _entry(LB_WEB, "TCP", 80, {"listener_description": "adopt_web_80", "server_group_id": "sgp-tcp0000000000001",
                                   "idle_timeout": 300}),
        _entry(LB_WEB, "TCPSSL", 443, {"server_group_id": "sgp-ssl0000000000001", "security_policy_id": "tls_cipher_policy_1_2",
                                       "certificate_ids": ["12315791-cn-hangzhou"], "ca_certificate_ids": ["139a00604ad-cn-hangzhou"],
                                       "ca_enabled": True, "alpn_enabled": True, "alpn_policy": "HTTP2Preferred"}),
        _entry(LB_WEB, "UDP", 53, {"server_group_id": "sgp-udp0000000000001", "cps": 500}),
        _entry(LB_API, "TCP", 0, {"server_group_id": "sgp-anytcp0000000001"}, 10000, 10010),
        _entry(LB_API, "TCP", 8080, {"server_group_id": "sgp-tcp0000000000002", "proxy_protocol_enabled": True,
                                     "proxy_protocol_v2_config": {"ppv2_vpc_id_enabled": True}, "sec_sensor_enabled": True,
                                     "mss": 1200}),
        _entry(LB_API, "UDP", 0, {"server_group_id": "sgp-anyudp0000000001", "idle_timeout": 15}, 20000, 20010),
    ],
    "all": [
        _entry(LB_WEB, "TCP", 80, dict(COMMON_ALL, listener_description="adopt_web_80", server_group_id="sgp-tcp0000000000001",
                                       idle_timeout=300, mss=0)),
        _entry(LB_WEB, "TCPSSL", 443, dict(COMMON_ALL, server_group_id="sgp-ssl0000000000001",
                                           security_policy_id="tls_cipher_policy_1_2", certificate_ids=["12315791-cn-hangzhou"],
                                           ca_certificate_ids=["139a00604ad-cn-hangzhou"], ca_enabled=True, idle_timeout=900,
                                           alpn_enabled=True, alpn_policy="HTTP2Preferred", mss=0)),
        _entry(LB_WEB, "UDP", 53, dict(COMMON_ALL, server_group_id="sgp-udp0000000000001", idle_timeout=20, cps=500)),
        _entry(LB_API, "TCP", 0, dict(COMMON_ALL, server_group_id="sgp-anytcp0000000001", idle_timeout=900, mss=0), 10000, 10010),
        _entry(LB_API, "TCP", 8080, dict(COMMON_ALL, server_group_id="sgp-tcp0000000000002", idle_timeout=900,
                                         proxy_protocol_enabled=True, sec_sensor_enabled=True, mss=1200,
                                         proxy_protocol_v2_config=dict(PPV2_ALL_OFF, ppv2_vpc_id_enabled=True))),
        _entry(LB_API, "UDP", 0, dict(COMMON_ALL, server_group_id="sgp-anyudp0000000001", idle_timeout=15), 20000, 20010),
    ],
}


def fail(message):
    sys.exit("adopt_check.py: " + message)


def endpoints():
    with open(os.environ["INTEGRATION_VARS"], encoding="utf-8") as handle:
        variables = json.load(handle)
    return variables["emulator_ga_admin_url"], variables["emulator_nlb_admin_url"]


def admin(url, method="GET", body=None):
    data = json.dumps(body).encode() if body is not None else None
    request = Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    with urlopen(request, timeout=10) as response:  # nosec: the local emulators
        text = response.read()
    return json.loads(text) if text else None


def seed():
    ga_url, nlb_url = endpoints()
    with open(os.path.join(ROOT, "tests", "emulator", "ga", "seed.json"), encoding="utf-8") as handle:
        ga_seed = json.load(handle)
    with open(os.path.join(ROOT, "tests", "emulator", "nlb", "seed.json"), encoding="utf-8") as handle:
        nlb_seed = json.load(handle)
    ga_seed["accelerators"].append(GA_ACCELERATOR)
    nlb_seed["load_balancers"].extend(NLB_LOAD_BALANCERS)
    nlb_seed["listeners"].extend(NLB_LISTENERS)
    admin(ga_url + "/_emulator/reset", "POST", {"seed": ga_seed})
    admin(nlb_url + "/_emulator/reset", "POST", {"seed": nlb_seed})


def reset_calls():
    for url in endpoints():
        admin(url + "/_emulator/calls", "DELETE")


def calls(ga_expected, nlb_expected):
    ga_url, nlb_url = endpoints()
    for name, url, expected, reads in (("GA", ga_url, ga_expected, GA_READS), ("NLB", nlb_url, nlb_expected, NLB_READS)):
        log = admin(url + "/_emulator/calls")["calls"]
        operations = [call["operation"] for call in log]
        wanted = [] if expected == "-" else expected.split(",")
        if operations != wanted:
            fail("%s calls: expected %s, got %s" % (name, wanted, operations))
        writes = [call["operation"] for call in log if call["operation"] not in reads and not call.get("dry_run")]
        if writes:
            fail("%s: write calls were made: %s" % (name, writes))
        errors = [(call["operation"], call["error"]) for call in log if call.get("error")]
        if errors:
            fail("%s: calls failed: %s" % (name, errors))
    print("adopt_check.py: calls as expected (GA %s; NLB %s)" % (ga_expected, nlb_expected))


def load(path):
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def check_file(path, mode):
    text = load(path)
    header = text.split("\n---\n")[0]
    if not re.match(r"^# Generated by multicloud\.listeners docs/examples/adopt/adopt\.yml on \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\n",
                    header):
        fail("%s: no generated header with the time:\n%s" % (path, text[:400]))
    for name in ("env-adopt", LB_WEB, LB_API, "role_vars: %s" % mode):
        if name not in header:
            fail("%s: the header does not name %s:\n%s" % (path, name, header))
    data = yaml.safe_load(text)
    expected = {"ga_listeners_accelerator_name": "env-adopt", "ga_listeners_listeners": EXPECTED_GA[mode],
                "nlb_listener_attributes_listeners": EXPECTED_NLB[mode]}
    if data != expected:
        fail("%s (%s) differs from what was expected:\n%s\nexpected:\n%s" % (
            path, mode, json.dumps(data, indent=1, sort_keys=True), json.dumps(expected, indent=1, sort_keys=True)))
    if list(data) != list(expected):
        fail("%s: variables in the order %s" % (path, list(data)))
    print("adopt_check.py: %s holds the %s variables of %d GA and %d NLB listeners" % (
        path, mode, len(data["ga_listeners_listeners"]), len(data["nlb_listener_attributes_listeners"])))


def edit(path, what):
    """One value changed by text, as a user edits the file (comments and layout kept)."""
    text = load(path)
    if what == "nlb-idle":
        old, new = "    idle_timeout: 300\n", "    idle_timeout: 120\n"
    elif what == "ga-affinity":
        # the UDP 53 listener's client_affinity, NONE -> SOURCE_IP (in `all` every entry has one)
        old = "- protocol: UDP\n  port_ranges:\n  - from_port: 53\n    to_port: 53\n  client_affinity: NONE\n"
        new = old.replace("NONE", "SOURCE_IP")
    else:
        fail("unknown edit %s" % what)
    if text.count(old) != 1:
        fail("%s: expected the text %r once" % (path, old))
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text.replace(old, new))


def plan(path, field):
    with open(path, encoding="utf-8") as handle:
        report = json.load(handle)
    records = [record for host in report["hosts"] for record in host["listeners"]]
    writes = [record for record in records if record["action"] in ("create", "update", "delete")]
    failed = [record for record in records if record.get("failed")]
    if failed:
        fail("failed records in the plan: %s" % json.dumps(failed, indent=1))
    if len(writes) != 1 or writes[0]["action"] != "update" or sorted(writes[0]["changes"]) != [field]:
        fail("expected one update of %s, the plan has: %s" % (field, json.dumps(writes, indent=1)))
    print("adopt_check.py: the plan is one update of %s (%s), %d listeners in all" % (
        field, json.dumps(writes[0]["changes"][field], sort_keys=True), len(records)))


def main(argv):
    command, args = argv[1], argv[2:]
    if command == "seed":
        seed()
    elif command == "reset-calls":
        reset_calls()
    elif command == "calls":
        calls(*args)
    elif command == "file":
        check_file(*args)
    elif command == "edit":
        edit(*args)
    elif command == "plan":
        plan(*args)
    else:
        fail("unknown command %s" % command)


if __name__ == "__main__":
    main(sys.argv)
