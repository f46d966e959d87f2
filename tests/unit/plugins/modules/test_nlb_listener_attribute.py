# -*- coding: utf-8 -*-
# Copyright (c) multicloud.listeners contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""nlb_listener_attribute against a fake SDK client (see nlb_fake.py): the call log is asserted exactly."""

import itertools
import json
import time

import pytest

from ansible_collections.multicloud.listeners.plugins.module_utils import _alicloud
from ansible_collections.multicloud.listeners.plugins.module_utils import _nlb
from ansible_collections.multicloud.listeners.plugins.module_utils._nlb_state import derive_client_token
from ansible_collections.multicloud.listeners.plugins.module_utils._nlb_state import normalize_listener
from ansible_collections.multicloud.listeners.plugins.modules import nlb_listener_attribute
from ansible_collections.multicloud.listeners.tests.unit.plugins.modules.nlb_fake import FakeNlb
from ansible_collections.multicloud.listeners.tests.unit.plugins.modules.nlb_fake import api_error
from ansible_collections.multicloud.listeners.tests.unit.plugins.modules.module_runner import run_module

SECRET = "unit-secret-never-shown"
CREDS = {"alicloud_access_key": "LTAIunit", "alicloud_secret_key": SECRET, "alicloud_region": "cn-hangzhou"}
TCP = "lsn-demo@80"
TCPSSL = "lsn-demo@443"
UDP = "lsn-demo@53"


@pytest.fixture
def nlb(monkeypatch):
    fake = FakeNlb()
    monkeypatch.setattr(_nlb, "_load_sdk_client_class", fake.client_class)
    monkeypatch.setattr(_alicloud.time, "sleep", lambda seconds: None)
    return fake


def run(capsys, check_mode=False, diff=False, **args):
    return run_module(nlb_listener_attribute, capsys, dict(CREDS, **args), check_mode, diff, secret=SECRET)


def update_requests(nlb):
    return [request for operation, request in nlb.calls if operation == "update_listener_attribute"]


# --- no change --------------------------------------------------------------------------------------------


def test_nothing_to_change_reads_once(nlb, capsys):
    result = run(capsys, listener_id=TCP, idle_timeout=900, listener_description="demo_tcp_80", cps=0,
                 proxy_protocol_v2_config={"ppv2_vpc_id_enabled": False})
    assert result["changed"] is False
    assert nlb.operations() == ["get_listener_attribute"]
    assert nlb.calls[0][1] == {"ListenerId": TCP, "RegionId": "cn-hangzhou"}
    assert result["listener"]["listener_id"] == TCP and result["listener"]["tags"] == {"env": "demo"}
    assert result["plan"] == {"resource": "nlb_listener", "action": "none", "id": TCP,
                              "key": {"load_balancer_id": "nlb-demo", "protocol": "TCP", "port": 80}, "changes": {}}
    assert "diff" not in result and "job_id" not in result


def test_id_lists_compare_as_sets(nlb, capsys):
    nlb.listeners[TCPSSL]["CertificateIds"] = ["cert-1"]
    result = run(capsys, listener_id=TCPSSL, certificate_ids=["cert-1", "cert-1"], ca_certificate_ids=[])
    assert result["changed"] is False and nlb.operations() == ["get_listener_attribute"]


def test_check_mode_without_difference_makes_no_update(nlb, capsys):
    result = run(capsys, check_mode=True, diff=True, listener_id=TCP, idle_timeout=900)
    assert result["changed"] is False and nlb.operations() == ["get_listener_attribute"]
    assert result["diff"]["before"] == result["diff"]["after"]


# --- change ---------------------------------------------------------------------------------------------------


def test_change_sends_only_the_difference_waits_and_rereads(nlb, capsys):
    nlb.job_statuses = ["Processing", "processing", "Succeeded"]
    before = normalize_listener(nlb.listeners[TCP])
    result = run(capsys, diff=True, listener_id=TCP, idle_timeout=600, cps=0, server_group_id="sgp-tcp",
                 proxy_protocol_v2_config={"ppv2_vpc_id_enabled": True})
    assert result["changed"] is True
    assert nlb.operations() == ["get_listener_attribute", "update_listener_attribute", "get_job_status", "get_job_status",
                                "get_job_status", "get_listener_attribute"]
    changes = {"idle_timeout": 600, "proxy_protocol_v2_config": {"ppv2_vpc_id_enabled": True, "ppv2_private_link_ep_id_enabled": False,
                                                                 "ppv2_private_link_eps_id_enabled": False}}
    assert update_requests(nlb) == [{
        "ListenerId": TCP, "RegionId": "cn-hangzhou", "IdleTimeout": 600,
        "ClientToken": derive_client_token(TCP, before, changes),
        "ProxyProtocolV2Config": {"Ppv2VpcIdEnabled": True, "Ppv2PrivateLinkEpIdEnabled": False, "Ppv2PrivateLinkEpsIdEnabled": False},
    }]
    assert nlb.calls[2][1] == {"JobId": "job-1"}
    assert result["job_id"] == "job-1"
    assert result["listener"]["idle_timeout"] == 600
    assert result["listener"]["proxy_protocol_v2_config"]["ppv2_vpc_id_enabled"] is True
    assert result["diff"]["before"]["idle_timeout"] == 900 and result["diff"]["after"]["idle_timeout"] == 600
    assert "listener_status" not in result["diff"]["before"]
    assert result["plan"]["action"] == "update"
    assert result["plan"]["changes"]["idle_timeout"] == {"before": 900, "after": 600}
    assert sorted(result["plan"]["changes"]) == ["idle_timeout", "proxy_protocol_v2_config"]


def test_the_final_read_polls_until_the_listener_is_running(nlb, capsys):
    nlb.configuring_reads = 2
    result = run(capsys, listener_id=TCP, cps=200)
    assert nlb.operations() == ["get_listener_attribute", "update_listener_attribute", "get_job_status"] + ["get_listener_attribute"] * 3
    assert result["listener"]["listener_status"] == "Running" and result["listener"]["cps"] == 200


def test_warns_when_the_service_holds_something_else_after_the_job(nlb, capsys):
    nlb.ignored_fields = ("Cps",)
    result = run(capsys, listener_id=TCP, cps=100, idle_timeout=600)
    assert result["changed"] is True and result["listener"]["cps"] == 0 and result["listener"]["idle_timeout"] == 600
    assert "After job job-1, listener lsn-demo@80 still differs in: cps." in json.dumps(result["warnings"])


def test_without_wait_returns_the_prediction(nlb, capsys):
    result = run(capsys, listener_id=TCP, cps=100, wait=False)
    assert nlb.operations() == ["get_listener_attribute", "update_listener_attribute"]
    assert result["changed"] is True and result["job_id"] == "job-1" and result["listener"]["cps"] == 100


def test_a_given_client_token_is_sent(nlb, capsys):
    run(capsys, listener_id=TCP, cps=100, client_token="my-token-1")
    assert update_requests(nlb)[0]["ClientToken"] == "my-token-1"


def test_a_throttled_update_is_retried_with_the_same_token(nlb, capsys):
    nlb.failures["update_listener_attribute"] = [api_error("Throttling.User", "Request was denied due to user flow control.")]
    result = run(capsys, listener_id=TCP, cps=100)
    first, second = update_requests(nlb)
    assert first == second and len(first["ClientToken"]) == 32
    assert result["changed"] is True


def test_a_failed_job_fails_the_task(nlb, capsys):
    nlb.job_statuses = ["Failed"]
    result = run(capsys, listener_id=TCP, cps=100)
    assert result["failed"] is True
    assert result["msg"] == "Job job-1 for the update of listener lsn-demo@80 failed (status Failed)."
    assert result["job_id"] == "job-1" and result["plan"]["action"] == "update"


def test_a_refused_update_fails_with_the_code_and_plan(nlb, capsys):
    nlb.failures["update_listener_attribute"] = [api_error("Forbidden.NoPermission", "You are not authorized.", status=403)]
    result = run(capsys, listener_id=TCP, cps=100)
    assert result["msg"] == ("Failed to update listener lsn-demo@80 (cps: 0 -> 100): Forbidden.NoPermission: "
                             "You are not authorized. (RequestId: REQ-ERR)")
    assert result["error"] == {"code": "Forbidden.NoPermission", "message": "You are not authorized.",
                               "request_id": "REQ-ERR"}
    assert result["plan"]["error"] == result["error"]
    assert nlb.operations() == ["get_listener_attribute", "update_listener_attribute"]


def test_a_busy_listener_is_waited_for_and_the_update_resent(nlb, capsys):
    nlb.failures["update_listener_attribute"] = [api_error("IncorrectStatus.listener", "The status of listener [lsn-demo@80] is incorrect.")]
    result = run(capsys, listener_id=TCP, cps=100)
    assert result["changed"] is True and result["listener"]["cps"] == 100
    operations = nlb.operations()
    assert operations[:4] == ["get_listener_attribute", "update_listener_attribute", "get_listener_attribute", "update_listener_attribute"]
    tokens = [request["ClientToken"] for request in update_requests(nlb)]
    assert len(tokens) == 2 and tokens[0] == tokens[1]


def test_a_busy_listener_past_the_deadline_fails_with_the_code(nlb, capsys, monkeypatch):
    nlb.failures["update_listener_attribute"] = [api_error("IncorrectStatus.listener", "The status of listener [lsn-demo@80] is incorrect.")]
    clock = itertools.count(0, 100)  # every reading of the clock is 100 s after the one before
    monkeypatch.setattr(time, "monotonic", lambda: float(next(clock)))
    result = run(capsys, listener_id=TCP, cps=100, wait_timeout=1)
    assert result["failed"] is True
    assert result["error"]["code"] == "IncorrectStatus.listener"
    assert nlb.operations() == ["get_listener_attribute", "update_listener_attribute"]


def test_a_missing_listener_fails_with_the_code(nlb, capsys):
    result = run(capsys, listener_id="lsn-nope", cps=1)
    assert result["msg"] == ("Failed to read listener lsn-nope: ResourceNotFound.listener: "
                             "The specified resource lsn-nope is not found. (RequestId: REQ-ERR)")
    assert result["error"]["code"] == "ResourceNotFound.listener"


# --- check mode ---------------------------------------------------------------------------------------------------


def test_check_mode_sends_a_dry_run_and_predicts(nlb, capsys):
    before = dict(nlb.listeners[TCPSSL])
    result = run(capsys, check_mode=True, diff=True, listener_id=TCPSSL, certificate_ids=["cert-2"], alpn_enabled=True,
                 alpn_policy="HTTP2Preferred")
    assert result["changed"] is True
    assert nlb.operations() == ["get_listener_attribute", "update_listener_attribute"]
    request = update_requests(nlb)[0]
    assert request["DryRun"] is True
    assert {name: request[name] for name in ("CertificateIds", "AlpnEnabled", "AlpnPolicy")} == {
        "CertificateIds": ["cert-2"], "AlpnEnabled": True, "AlpnPolicy": "HTTP2Preferred"}
    assert set(request) == {"ListenerId", "RegionId", "ClientToken", "DryRun", "CertificateIds", "AlpnEnabled", "AlpnPolicy"}
    assert nlb.listeners[TCPSSL] == before
    assert result["listener"]["certificate_ids"] == ["cert-2"] and result["listener"]["alpn_policy"] == "HTTP2Preferred"
    assert result["diff"]["after"]["alpn_enabled"] is True and result["diff"]["before"]["alpn_enabled"] is False
    assert "job_id" not in result
    assert result["plan"]["action"] == "update"


def test_the_dry_run_token_differs_from_the_real_one(nlb, capsys):
    run(capsys, check_mode=True, listener_id=TCP, cps=5)
    run(capsys, listener_id=TCP, cps=5)
    dry, real = update_requests(nlb)
    assert dry["ClientToken"] != real["ClientToken"]


def test_a_failed_precheck_fails_the_preview_with_plan(nlb, capsys):
    nlb.dry_run_error = api_error("Mismatch.VpcId", "The VpcId is mismatched for sgp-other and nlb-demo.", request_id="REQ-VPC")
    result = run(capsys, check_mode=True, listener_id=TCP, server_group_id="sgp-other")
    assert result["failed"] is True
    assert result["msg"] == ("The service rejected the change to listener lsn-demo@80 (DryRun; server_group_id: 'sgp-tcp' -> 'sgp-other'): Mismatch.VpcId: "
                             "The VpcId is mismatched for sgp-other and nlb-demo. (RequestId: REQ-VPC)")
    assert result["error"] == {"code": "Mismatch.VpcId", "message": "The VpcId is mismatched for sgp-other and nlb-demo.",
                               "request_id": "REQ-VPC"}
    assert result["plan"]["action"] == "update" and result["plan"]["error"]["code"] == "Mismatch.VpcId"
    assert result["plan"]["changes"] == {"server_group_id": {"before": "sgp-tcp", "after": "sgp-other"}}
    assert nlb.operations() == ["get_listener_attribute", "update_listener_attribute"]


# --- natural key -------------------------------------------------------------------------------------------------------


def test_natural_key_uses_the_list_entry_as_the_read(nlb, capsys):
    result = run(capsys, load_balancer_id="nlb-demo", listener_protocol="TCP", listener_port=80, idle_timeout=900)
    assert result["changed"] is False
    assert nlb.operations() == ["list_listeners"]
    request = dict((name, value) for name, value in nlb.calls[0][1].items() if value != [])  # the model lists an empty Tag
    assert request == {"LoadBalancerIds": ["nlb-demo"], "ListenerProtocol": "TCP", "MaxResults": 100, "RegionId": "cn-hangzhou"}
    assert result["listener"]["listener_id"] == TCP


def test_natural_key_reads_every_page(nlb, capsys):
    for port in (81, 82, 83):
        nlb.listeners["lsn-demo@%d" % port] = dict(nlb.listeners[TCP], ListenerId="lsn-demo@%d" % port, ListenerPort=port)
    result = run(capsys, load_balancer_id="nlb-demo", listener_protocol="TCP", listener_port=83, cps=0)
    assert nlb.operations() == ["list_listeners", "list_listeners"]
    assert nlb.calls[1][1]["NextToken"] == "2"
    assert result["listener"]["listener_id"] == "lsn-demo@83"


@pytest.mark.parametrize("port, message", [
    (8080, "No TCP listener on port 8080 of load balancer nlb-demo; its TCP listeners: TCP:80."),
    (80, "Found 2 listeners for the TCP listener on port 80 of load balancer nlb-demo (lsn-demo@80, lsn-twin@80); use listener_id."),
])
def test_natural_key_none_or_several(nlb, capsys, port, message):
    nlb.listeners["lsn-twin@80"] = dict(nlb.listeners[TCP], ListenerId="lsn-twin@80")
    result = run(capsys, load_balancer_id="nlb-demo", listener_protocol="TCP", listener_port=port, cps=1)
    assert result["failed"] is True and result["msg"] == message
    assert "update_listener_attribute" not in nlb.operations()


@pytest.mark.parametrize("load_balancer_id, protocol, port, reads, message", [
    # a protocol the load balancer has no listener of: a second read names those it has
    ("nlb-demo", "UDP", 54, 2, "No UDP listener on port 54 of load balancer nlb-demo; its listeners: TCP:80, TCPSSL:443."),
    # no listener at all (a wrong region or ID reads nothing): the region is named
    ("nlb-other", "TCP", 80, 2, "No listener of load balancer nlb-other was found in region cn-hangzhou (ListListeners "
     "answered none of its listeners), so there is no TCP listener on port 80 of load balancer nlb-other: check that "
     "alicloud_region is the load balancer's region and that load_balancer_id is right."),
    # other ports of the same protocol: the first read is enough
    ("nlb-demo", "TCP", 81, 1, "No TCP listener on port 81 of load balancer nlb-demo; its TCP listeners: TCP:80."),
])
def test_natural_key_missing_names_the_cause(nlb, capsys, load_balancer_id, protocol, port, reads, message):
    del nlb.listeners["lsn-demo@53"]
    result = run(capsys, load_balancer_id=load_balancer_id, listener_protocol=protocol, listener_port=port, cps=1)
    assert result["failed"] is True and result["msg"] == message
    assert nlb.operations() == ["list_listeners"] * reads


# --- validation -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("args, message", [
    ({"listener_id": TCP, "listener_description": "x"},
     "listener_description must be 2 to 256 characters of ASCII letters, digits, Chinese characters (U+4E00-U+9FFF) "
     "and , . ; / @ _ -, got 'x'."),
    ({"listener_id": TCP, "cps": 1000001}, "cps must be an integer from 0 to 1000000, got 1000001."),
    ({"listener_id": TCP, "mss": 1501}, "mss must be an integer from 0 to 1500, got 1501."),
    ({"listener_id": TCP, "idle_timeout": 5}, "idle_timeout must be an integer from 10 to 3600 seconds, got 5."),
    ({"listener_id": TCPSSL, "certificate_ids": ["a", "b"]}, "certificate_ids accepts at most one ID, got 2: a, b."),
    ({"listener_id": TCPSSL, "ca_certificate_ids": ["a", "b"]}, "ca_certificate_ids accepts at most one ID, got 2: a, b."),
    ({"listener_id": TCPSSL, "alpn_policy": "HTTP3"},
     "value of alpn_policy must be one of: HTTP1Only, HTTP2Only, HTTP2Optional, HTTP2Preferred, got: HTTP3"),
    ({"load_balancer_id": "nlb-demo", "listener_protocol": "UDP", "listener_port": 53, "idle_timeout": 30},
     "idle_timeout must be an integer from 10 to 20 seconds on a UDP listener, got 30."),
    ({"load_balancer_id": "nlb-demo", "listener_protocol": "UDP", "listener_port": 53, "mss": 1400},
     "mss cannot be set to 1400 on a UDP listener (listener_protocol is UDP); mss is allowed on TCP and TCPSSL listeners only."),
    ({"load_balancer_id": "nlb-demo", "listener_protocol": "TCP", "listener_port": 70000},
     "listener_port must be an integer from 0 to 65535, got 70000."),
    ({"load_balancer_id": "nlb-demo", "listener_protocol": "TCP"}, "missing parameter(s) required by 'load_balancer_id': listener_port"),
    ({"listener_id": TCP, "listener_port": 80}, "parameters are mutually exclusive: listener_id|listener_port"),
    ({"cps": 1}, "one of the following is required: listener_id, load_balancer_id"),
    ({"listener_id": TCP, "cps": 1, "client_token": "x" * 65},
     "client_token must be 1 to 64 printable ASCII characters without spaces, got '%s'." % ("x" * 65)),
    ({"listener_id": TCP, "cps": 1, "wait_timeout": 0}, "wait_timeout must be an integer from 1 to 3600 seconds, got 0."),
    ({"listener_id": TCP, "cps": -1, "mss": -1},
     "cps must be an integer from 0 to 1000000, got -1. mss must be an integer from 0 to 1500, got -1."),
    ({"listener_id": TCP, "endpoint_url": "http://nlb.example.com"},
     "endpoint_url 'http://nlb.example.com' uses plain HTTP, which is allowed only for loopback hosts (127.0.0.0/8, localhost, ::1); "
     "use https:// or set allow_http_endpoint=true."),
])
def test_bad_input_fails_before_any_call(nlb, capsys, args, message):
    result = run(capsys, **args)
    assert result["failed"] is True
    assert result["msg"] == message
    assert nlb.calls == [] and nlb.configs == []


@pytest.mark.parametrize("listener_id, args, message", [
    (UDP, {"idle_timeout": 30}, "idle_timeout must be an integer from 10 to 20 seconds on a UDP listener, got 30."),
    (TCP, {"certificate_ids": ["c"], "security_policy_id": "tls_cipher_policy_1_2"},
     "security_policy_id, certificate_ids can only be set on TCPSSL listeners (listener lsn-demo@80 is TCP)."),
    (TCPSSL, {"alpn_enabled": True},
     "alpn_policy is required when enabling ALPN on listener lsn-demo@443, which has no ALPN policy; "
     "use one of HTTP1Only, HTTP2Only, HTTP2Optional, HTTP2Preferred."),
])
def test_listener_dependent_checks_fail_after_the_read_and_before_any_write(nlb, capsys, listener_id, args, message):
    result = run(capsys, listener_id=listener_id, **args)
    assert result["failed"] is True and result["msg"] == message
    assert nlb.operations() == ["get_listener_attribute"]


def test_the_sdk_gets_the_endpoint_and_credentials(nlb, capsys):
    run(capsys, listener_id=TCP, cps=0, endpoint_url="http://127.0.0.1:9999")
    config = nlb.configs[0]
    assert (config.endpoint, config.protocol, config.region_id, config.access_key_id) == ("127.0.0.1:9999", "http", "cn-hangzhou", "LTAIunit")


def test_endless_throttling_fails_saying_how_often_it_retried(nlb, capsys):
    nlb.failures["get_listener_attribute"] = [api_error("Throttling.User", "Request was denied due to user flow control.")] * 6
    result = run(capsys, listener_id=TCP, cps=100)
    assert result["failed"] is True and result["retries"] == 5
    assert result["msg"].startswith("Failed to read listener lsn-demo@80: Throttling.User: Request was denied due to user flow control.")
    assert "(gave up after 6 attempts in " in result["msg"]
    assert nlb.operations() == ["get_listener_attribute"] * 6


# --- exact aim: blank identities, lost answers ------------------------------------------------------------


@pytest.mark.parametrize("args, option", [
    ({"listener_id": ""}, "listener_id"),
    ({"listener_id": "  "}, "listener_id"),
    ({"listener_id": None, "load_balancer_id": "nlb-demo", "listener_protocol": "TCP", "listener_port": 80}, "listener_id"),
    ({"load_balancer_id": "", "listener_protocol": "UDP", "listener_port": 53}, "load_balancer_id"),
    ({"load_balancer_id": " \t", "listener_protocol": "UDP", "listener_port": 53}, "load_balancer_id"),
    ({"load_balancer_id": None, "listener_protocol": "UDP", "listener_port": 53}, "load_balancer_id"),
    ({"load_balancer_id": "nlb-demo", "listener_protocol": "", "listener_port": 53}, "listener_protocol"),
])
def test_a_blank_identity_option_is_refused_without_calls(nlb, capsys, args, option):
    result = run(capsys, idle_timeout=15, **args)
    assert result["failed"] is True
    assert option in result["msg"]  # ours ("names no resource") or ansible-core's (choices, mutually exclusive)
    assert nlb.operations() == []


def test_an_update_whose_answers_were_lost_is_read_back_and_reported(nlb, capsys):
    original = nlb.update_listener_attribute

    def applied_then_lost(request):
        original(request)
        raise api_error("ServiceUnavailable", "The request has failed due to a temporary failure of the server.", 503)

    nlb.update_listener_attribute = applied_then_lost
    result = run(capsys, listener_id=TCP, cps=100)
    assert result["failed"] is True and result["changed"] is True
    assert result["listener"]["cps"] == 100
    assert "a read afterwards shows the change was applied" in result["msg"]
    assert nlb.operations() == ["get_listener_attribute"] + ["update_listener_attribute"] * 6 + ["get_listener_attribute"]


def test_a_refused_update_is_not_read_back(nlb, capsys):
    nlb.failures["update_listener_attribute"] = [api_error("Forbidden", "no", 403)]
    result = run(capsys, listener_id=TCP, cps=100)
    assert result["failed"] is True and not result.get("changed")
    assert nlb.operations() == ["get_listener_attribute", "update_listener_attribute"]
