# -*- coding: utf-8 -*-
# Copyright (c) multicloud.listeners contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The NLB emulator's listener lifecycle (CreateListener, DeleteListener, StartListener, StopListener)
and the description / Mss / IdleTimeout rules, driven by the real Alibaba Cloud SDK over HTTP."""

from __future__ import annotations

import copy
import json
import re
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from emulator.common import EmulatorServer
from emulator.nlb import NlbService
from emulator.nlb.service import load_default_seed

nlb_client = pytest.importorskip("alibabacloud_nlb20220430.client")
nlb_models = pytest.importorskip("alibabacloud_nlb20220430.models")
openapi_exceptions = pytest.importorskip("alibabacloud_tea_openapi.exceptions")
openapi_models = pytest.importorskip("alibabacloud_tea_openapi.utils_models")
dara_exceptions = pytest.importorskip("darabonba.exceptions")

JOB_SECONDS = 0.2
DEMO_LB = "nlb-demo0000000000001"  # TCP 80, UDP 53, TCPSSL 443
DEV_LB = "nlb-dev00000000000001"  # TCP 80, TCPSSL 443
DEMO_TCP = "lsn-demo0000000000001@80"
DEMO_UDP = "lsn-demo0000000000001@53"
DEMO_SSL = "lsn-demo0000000000001@443"
SG_TCP = "sgp-tcp0000000000001"
SG_UDP = "sgp-udp0000000000001"
SG_TCP_UDP = "sgp-tcpudp00000000001"
SG_SSL = "sgp-ssl0000000000001"
SG_PRESERVE_IP = "sgp-tcpip000000000001"
SG_OTHER_VPC = "sgp-othervpc00000001"
SG_ANY_TCP = "sgp-anytcp0000000001"
SG_ANY_UDP = "sgp-anyudp0000000001"
CERT = "12315790-cn-hangzhou"
CERT_2 = "12315791-cn-hangzhou"
CA_CERT = "139a00604ad-cn-hangzhou"
LISTENER_ID = re.compile(r"^lsn-[0-9a-z]{20}@[0-9]+$")


# --- fixtures and helpers --------------------------------------------------------------------


@pytest.fixture(scope="module")
def server():
    emulator = EmulatorServer(NlbService(job_seconds=JOB_SECONDS), 0).start()
    yield emulator
    emulator.stop()


@pytest.fixture(autouse=True)
def fresh_state(server):
    admin(server, "POST", "/_emulator/reset")
    admin(server, "POST", "/_emulator/config", {"job_seconds": JOB_SECONDS})
    yield


@pytest.fixture
def client(server):
    return make_client(server)


def make_client(server, access_key="LTAIemulator00000000", secret="emulator-secret-key"):
    config = openapi_models.Config(access_key_id=access_key, access_key_secret=secret, region_id="cn-hangzhou",
                                   endpoint="127.0.0.1:%d" % server.httpd.server_address[1], protocol="http")
    return nlb_client.Client(config)


def admin(server, method, path, body=None):
    data = None if body is None else json.dumps(body).encode("utf-8")
    request = urllib.request.Request(server.url + path, data=data, method=method)
    with urllib.request.urlopen(request, timeout=5) as response:
        return json.loads(response.read())


def state(server):
    return admin(server, "GET", "/_emulator/state")


def jobs(server):
    return state(server)["jobs"]


def listener_ids(server, load_balancer_id):
    return sorted(item["ListenerId"] for item in state(server)["listeners"]
                  if item["LoadBalancerId"] == load_balancer_id)


def calls(server, operation=None):
    path = "/_emulator/calls" + ("?operation=" + operation if operation else "")
    return admin(server, "GET", path)["calls"]


def create(client, load_balancer_id=DEMO_LB, listener_protocol="TCP", listener_port=8080, server_group_id=SG_TCP,
           **fields):
    request = nlb_models.CreateListenerRequest(load_balancer_id=load_balancer_id, listener_protocol=listener_protocol,
                                               listener_port=listener_port, server_group_id=server_group_id, **fields)
    return client.create_listener(request).body


def delete(client, listener_id, **fields):
    return client.delete_listener(nlb_models.DeleteListenerRequest(listener_id=listener_id, **fields)).body


def start(client, listener_id, **fields):
    return client.start_listener(nlb_models.StartListenerRequest(listener_id=listener_id, **fields)).body


def stop(client, listener_id, **fields):
    return client.stop_listener(nlb_models.StopListenerRequest(listener_id=listener_id, **fields)).body


def update(client, listener_id, **fields):
    request = nlb_models.UpdateListenerAttributeRequest(listener_id=listener_id, **fields)
    return client.update_listener_attribute(request).body


def get(client, listener_id):
    return client.get_listener_attribute(nlb_models.GetListenerAttributeRequest(listener_id=listener_id)).body


def list_listeners(client, **criteria):
    return client.list_listeners(nlb_models.ListListenersRequest(max_results=100, **criteria)).body.listeners


def job_status(client, job_id):
    return client.get_job_status(nlb_models.GetJobStatusRequest(job_id=job_id)).body.status


def wait_for_job(client, job_id, timeout=3.0):
    deadline = time.monotonic() + timeout
    while job_status(client, job_id) != "Succeeded":
        assert time.monotonic() < deadline, "job %s did not finish" % job_id
        time.sleep(0.05)


def expect_error(call, code, status=400):
    with pytest.raises(openapi_exceptions.ClientException) as caught:
        call()
    assert (caught.value.code, caught.value.status_code) == (code, status), caught.value.message
    return caught.value


def tags(*pairs):
    return [nlb_models.CreateListenerRequestTag(key=key, value=value) for key, value in pairs]


def reseed(server, change):
    """Reset to the default seed after ``change(seed)`` edited a copy of it."""
    seed = copy.deepcopy(load_default_seed())
    change(seed)
    admin(server, "POST", "/_emulator/reset", {"seed": seed})


# --- CreateListener ----------------------------------------------------------------------------


def test_create_provisions_then_runs_the_listener(server, client):
    body = create(client, listener_port=8080, listener_description="web_8080")
    assert body.request_id and body.job_id
    assert LISTENER_ID.match(body.listener_id) and body.listener_id.endswith("@8080")
    assert job_status(client, body.job_id) == "Processing"
    during = get(client, body.listener_id)
    assert (during.listener_status, during.load_balancer_id, during.region_id) == (
        "Provisioning", DEMO_LB, "cn-hangzhou")
    assert [item.listener_status for item in list_listeners(client, listener_ids=[body.listener_id])] == [
        "Provisioning"]
    wait_for_job(client, body.job_id)
    after = get(client, body.listener_id)
    assert (after.listener_status, after.listener_protocol, after.listener_port) == ("Running", "TCP", 8080)
    assert (after.start_port, after.end_port) == ("0", "0")
    assert (after.listener_description, after.server_group_id) == ("web_8080", SG_TCP)
    assert (after.idle_timeout, after.cps, after.mss) == (900, 0, 0)  # the service's defaults for TCP
    assert after.certificate_ids is None and after.security_policy_id is None
    listed = list_listeners(client, load_balancer_ids=[DEMO_LB])
    assert [item.listener_id for item in listed][-1] == body.listener_id
    assert [job["Action"] for job in jobs(server)] == ["CreateListener"]


def test_create_takes_every_attribute_as_the_sdk_sends_it(server, client):
    ppv2 = nlb_models.CreateListenerRequestProxyProtocolV2Config(ppv_2vpc_id_enabled=True)
    body = create(client, listener_protocol="TCPSSL", listener_port=8443, server_group_id=SG_SSL,
                  certificate_ids=[CERT_2], ca_certificate_ids=[CA_CERT], ca_enabled=True,
                  security_policy_id="tls_cipher_policy_1_2", alpn_enabled=True, alpn_policy="HTTP2Preferred",
                  idle_timeout=60, cps=100, mss=1400, proxy_protocol_enabled=True, proxy_protocol_v2config=ppv2,
                  sec_sensor_enabled=True, listener_description="前端_tls-8443",
                  tag=tags(("env", "demo"), ("team", "")), client_token="create-all")
    wait_for_job(client, body.job_id)
    after = get(client, body.listener_id).to_map()
    assert {key: after[key] for key in ("ListenerProtocol", "ListenerPort", "CertificateIds", "CaCertificateIds",
                                        "CaEnabled", "SecurityPolicyId", "AlpnEnabled", "AlpnPolicy", "IdleTimeout",
                                        "Cps", "Mss", "ProxyProtocolEnabled", "SecSensorEnabled",
                                        "ListenerDescription", "ListenerStatus")} == {
        "ListenerProtocol": "TCPSSL", "ListenerPort": 8443, "CertificateIds": [CERT_2], "CaCertificateIds": [CA_CERT],
        "CaEnabled": True, "SecurityPolicyId": "tls_cipher_policy_1_2", "AlpnEnabled": True,
        "AlpnPolicy": "HTTP2Preferred", "IdleTimeout": 60, "Cps": 100, "Mss": 1400, "ProxyProtocolEnabled": True,
        "SecSensorEnabled": True, "ListenerDescription": "前端_tls-8443", "ListenerStatus": "Running"}
    assert after["ProxyProtocolV2Config"] == {"Ppv2VpcIdEnabled": True, "Ppv2PrivateLinkEpIdEnabled": False,
                                              "Ppv2PrivateLinkEpsIdEnabled": False}
    assert after["Tags"] == [{"TagKey": "env", "TagValue": "demo"}, {"TagKey": "team", "TagValue": ""}]
    listed = list_listeners(client, tag=[nlb_models.ListListenersRequestTag(key="team")])
    assert [item.listener_id for item in listed] == [body.listener_id]
    logged = calls(server, "CreateListener")[0]["params"]  # decoded from the SDK's form body
    assert logged["Tag"] == [{"Key": "env", "Value": "demo"}, {"Key": "team", "Value": ""}]
    assert logged["CertificateIds"] == [CERT_2] and logged["ProxyProtocolV2Config"] == {"Ppv2VpcIdEnabled": True}
    assert (logged["ListenerPort"], logged["AlpnEnabled"], logged["ClientToken"]) == (8443, True, "create-all")


def test_create_tcpssl_gets_the_tls_defaults(client):
    body = create(client, listener_protocol="TCPSSL", listener_port=8443, server_group_id=SG_SSL,
                  certificate_ids=[CERT])
    after = get(client, body.listener_id)
    assert (after.security_policy_id, after.ca_enabled, after.alpn_enabled, after.certificate_ids) == (
        "tls_cipher_policy_1_0", False, False, [CERT])


def test_create_udp_gets_the_udp_defaults(client):
    after = get(client, create(client, listener_protocol="UDP", listener_port=5353, server_group_id=SG_UDP)
                .listener_id)
    assert (after.idle_timeout, after.mss, after.listener_protocol) == (20, None, "UDP")


def test_create_port_range_listener(client):
    body = create(client, listener_port=0, start_port=10000, end_port=10100, server_group_id=SG_ANY_TCP)
    assert body.listener_id.endswith("@0")
    wait_for_job(client, body.job_id)
    after = get(client, body.listener_id)
    assert (after.listener_port, after.start_port, after.end_port) == (0, "10000", "10100")
    listed = list_listeners(client, listener_ids=[body.listener_id])[0]
    assert (listed.listener_port, listed.start_port, listed.end_port) == (0, "10000", "10100")


@pytest.mark.parametrize("load_balancer_id, protocol, port, server_group", [
    (DEMO_LB, "UDP", 80, SG_UDP),  # UDP shares a port with TCP
    (DEMO_LB, "UDP", 443, SG_UDP),  # ... and with TCPSSL
    (DEMO_LB, "TCP", 53, SG_TCP),  # TCP next to UDP 53
    (DEV_LB, "UDP", 53, SG_UDP),  # another load balancer's port 53
    ("nlb-stg00000000000001", "TCP", 8080, SG_TCP_UDP),
])
def test_ports_that_do_not_conflict(client, load_balancer_id, protocol, port, server_group):
    body = create(client, load_balancer_id=load_balancer_id, listener_protocol=protocol, listener_port=port,
                  server_group_id=server_group)
    wait_for_job(client, body.job_id)
    assert get(client, body.listener_id).listener_status == "Running"


@pytest.mark.parametrize("protocol, port, server_group, fields", [
    ("TCP", 80, SG_TCP, {}),  # the same protocol and port
    ("TCPSSL", 80, SG_SSL, {"certificate_ids": [CERT]}),  # TCPSSL and TCP form one port class
    ("TCP", 443, SG_TCP, {}),
    ("UDP", 53, SG_UDP, {}),
    ("TCP", 0, SG_ANY_TCP, {"start_port": 70, "end_port": 90}),  # a range over TCP 80
    ("TCP", 0, SG_ANY_TCP, {"start_port": 443, "end_port": 500}),  # a range starting on TCPSSL 443
    ("UDP", 0, SG_ANY_UDP, {"start_port": 1, "end_port": 53}),  # a range ending on UDP 53
])
def test_port_conflicts(server, client, protocol, port, server_group, fields):
    before = listener_ids(server, DEMO_LB)
    error = expect_error(lambda: create(client, listener_protocol=protocol, listener_port=port,
                                        server_group_id=server_group, **fields), "Conflict.Port")
    assert "The Port [" in error.message and "] is conflict." in error.message
    assert listener_ids(server, DEMO_LB) == before and jobs(server) == []


def test_port_ranges_must_not_overlap(client):
    first = create(client, listener_port=0, start_port=10000, end_port=10100, server_group_id=SG_ANY_TCP)
    wait_for_job(client, first.job_id)
    for start_port, end_port in ((10100, 10200), (9000, 10000), (10050, 10060), (9000, 11000)):
        expect_error(lambda: create(client, listener_port=0, start_port=start_port, end_port=end_port,
                                    server_group_id=SG_ANY_TCP), "Conflict.Port")
    expect_error(lambda: create(client, listener_protocol="TCPSSL", listener_port=10050, server_group_id=SG_SSL,
                                certificate_ids=[CERT]), "Conflict.Port")  # a single port inside the range
    create(client, listener_port=0, start_port=10101, end_port=10200, server_group_id=SG_ANY_TCP)  # adjacent
    create(client, listener_protocol="UDP", listener_port=0, start_port=10000, end_port=10100,
           server_group_id=SG_ANY_UDP)  # UDP has its own ports


def test_a_port_is_free_again_once_the_delete_job_is_done(client):
    job_id = delete(client, DEMO_TCP).job_id
    expect_error(lambda: create(client, listener_port=80), "Conflict.Port")  # still Deleting
    wait_for_job(client, job_id)
    assert create(client, listener_port=80).listener_id.endswith("@80")


def test_listener_quota(server, client):
    assert admin(server, "POST", "/_emulator/config", {"listener_quota": 3}) == {
        "listener_quota": 3, "job_seconds": JOB_SECONDS}
    error = expect_error(lambda: create(client), "QuotaExceeded.QuotaInsufficient")  # demo holds 3
    assert "nlb_quota_loadbalancer_listeners_num" in error.message and "usage 3/3" in error.message
    expect_error(lambda: create(client, dry_run=True), "QuotaExceeded.QuotaInsufficient")
    create(client, load_balancer_id=DEV_LB)  # dev holds 2
    expect_error(lambda: create(client, load_balancer_id=DEV_LB, listener_port=8081),
                 "QuotaExceeded.QuotaInsufficient")
    job_id = delete(client, DEMO_UDP).job_id
    expect_error(lambda: create(client), "QuotaExceeded.QuotaInsufficient")  # a Deleting listener still counts
    wait_for_job(client, job_id)
    create(client)
    admin(server, "POST", "/_emulator/reset")
    assert state(server)["limits"]["listener_quota"] == 50


def test_default_quota_is_50(server, client):
    for port in range(8001, 8048):  # demo holds 3
        create(client, listener_port=port)
    expect_error(lambda: create(client, listener_port=9000), "QuotaExceeded.QuotaInsufficient")
    assert len(listener_ids(server, DEMO_LB)) == 50


CREATE_RULES = [
    ({"load_balancer_id": None}, "MissingParam.LoadBalancerId", 400),
    ({"listener_protocol": None}, "MissingParam.ListenerProtocol", 400),
    ({"listener_port": None}, "MissingParam.ListenerPort", 400),
    ({"server_group_id": None}, "MissingParam.ServerGroupId", 400),
    ({"listener_protocol": "HTTP"}, "IllegalParam", 400),
    ({"listener_port": 65536}, "IllegalParam.Port", 400),
    ({"listener_port": -1}, "IllegalParam.Port", 400),
    ({"listener_port": 0, "server_group_id": SG_ANY_TCP, "end_port": 100}, "MissingParam.StartPort", 400),
    ({"listener_port": 0, "server_group_id": SG_ANY_TCP, "start_port": 100}, "MissingParam.EndPort", 400),
    ({"listener_port": 0, "server_group_id": SG_ANY_TCP, "start_port": 200, "end_port": 100}, "IllegalParam.Port", 400),
    ({"listener_port": 0, "server_group_id": SG_ANY_TCP, "start_port": 100, "end_port": 100}, "IllegalParam.Port", 400),
    ({"listener_port": 0, "server_group_id": SG_ANY_TCP, "start_port": 0, "end_port": 100}, "IllegalParam.Port", 400),
    ({"listener_port": 0, "server_group_id": SG_ANY_TCP, "start_port": 1, "end_port": 65536}, "IllegalParam.Port", 400),
    ({"listener_port": 8080, "start_port": 8080, "end_port": 8090}, "IllegalParam.Port", 400),
    ({"listener_port": "eighty"}, "InvalidParameter", 400),
    ({"load_balancer_id": "nlb-missing0000000001"}, "ResourceNotFound.loadBalancer", 404),
    ({"region_id": "cn-shanghai"}, "ResourceNotFound.loadBalancer", 404),
    ({"server_group_id": "sgp-missing0000000001"}, "ResourceNotFound.serverGroup", 404),
    ({"listener_protocol": "UDP", "server_group_id": SG_TCP}, "Mismatch.Protocol", 400),
    ({"listener_protocol": "TCP", "server_group_id": SG_UDP}, "Mismatch.Protocol", 400),
    ({"listener_protocol": "TCPSSL", "server_group_id": SG_TCP_UDP, "certificate_ids": [CERT]}, "Mismatch.Protocol",
     400),
    ({"listener_protocol": "TCPSSL", "server_group_id": SG_PRESERVE_IP, "certificate_ids": [CERT]},
     "IllegalParam.PreserveClientIpSwitch", 400),
    ({"server_group_id": SG_OTHER_VPC}, "Mismatch.VpcId", 400),
    ({"listener_port": 0, "start_port": 9000, "end_port": 9100},
     "IllegalParam.AnyPortListenerConflictWithNonAnyPortServerGroup", 400),
    ({"server_group_id": SG_ANY_TCP}, "IllegalParam.NonAnyPortListenerConflictWithAnyPortServerGroup", 400),
    ({"listener_protocol": "TCPSSL", "server_group_id": SG_SSL}, "MissingParam.Certificate", 400),
    ({"listener_protocol": "TCPSSL", "server_group_id": SG_SSL, "certificate_ids": [CERT, CERT_2]},
     "IllegalParamSize.certificateIds", 400),
    ({"listener_protocol": "TCPSSL", "server_group_id": SG_SSL, "certificate_ids": ["99999999-cn-hangzhou"]},
     "ResourceNotFound.Certificate", 400),
    ({"listener_protocol": "TCPSSL", "server_group_id": SG_SSL, "certificate_ids": [CERT],
      "security_policy_id": "spy-missing0000000001"}, "ResourceNotFound.securitypolicy", 404),
    ({"listener_protocol": "TCPSSL", "server_group_id": SG_SSL, "certificate_ids": [CERT], "alpn_enabled": True},
     "MissingParam.AlpnPolicy", 400),
    ({"listener_protocol": "TCPSSL", "server_group_id": SG_SSL, "certificate_ids": [CERT], "ca_enabled": True},
     "MissingParam.CaCertificateIds", 400),
    ({"listener_protocol": "UDP", "server_group_id": SG_UDP, "mss": 1400},
     "IllegalParam.MssConflictWithUdpAndGeneve", 400),
    ({"certificate_ids": [CERT]}, "IllegalParam", 400),
    ({"alpn_policy": "HTTP1Only"}, "IllegalParam", 400),
    ({"idle_timeout": 9}, "IllegalParam.IdleTimeout", 400),
    ({"idle_timeout": 901}, "IllegalParam.IdleTimeout", 400),
    ({"listener_protocol": "UDP", "server_group_id": SG_UDP, "idle_timeout": 21}, "IllegalParam.IdleTimeout", 400),
    ({"cps": 1000001}, "IllegalParam", 400),
    ({"mss": 1501}, "IllegalParam", 400),
    ({"listener_description": "a"}, "IllegalParam.ListenerDescription", 400),
    ({"listener_description": "web\n"}, "IllegalParam.ListenerDescription", 400),
    ({"tag": tags(*(("k%d" % index, "v") for index in range(21)))}, "IllegalParam", 400),
    ({"tag": tags(("aliyun-owner", "x"))}, "IllegalParam", 400),
    ({"tag": tags(("acs:env", "x"))}, "IllegalParam", 400),
    ({"tag": tags(("k" * 65, "x"))}, "IllegalParam", 400),
    ({"tag": tags(("env", "v" * 129))}, "IllegalParam", 400),
    ({"tag": tags(("env", "https://example.com"))}, "IllegalParam", 400),
]


@pytest.mark.parametrize("dry_run", [False, True], ids=["real", "dry-run"])
@pytest.mark.parametrize("fields, code, status", CREATE_RULES,
                         ids=["%s-%d" % (rule[1], index) for index, rule in enumerate(CREATE_RULES)])
def test_create_rules(server, client, fields, code, status, dry_run):
    before = state(server)["listeners"]
    arguments = dict(fields, dry_run=True) if dry_run else dict(fields)
    if arguments.get("listener_port") == "eighty":  # the SDK would not send a string: say it on the wire
        arguments["listener_port"] = None
        request = nlb_models.CreateListenerRequest(load_balancer_id=DEMO_LB, listener_protocol="TCP",
                                                   server_group_id=SG_TCP, dry_run=arguments.get("dry_run"))
        request.listener_port = "eighty"
        expect_error(lambda: client.create_listener(request), code, status)
    else:
        expect_error(lambda: create(client, **arguments), code, status)
    assert state(server)["listeners"] == before
    assert jobs(server) == []
    logged = calls(server, "CreateListener")[-1]
    assert (logged["error"], logged["dry_run"]) == (code, dry_run)


def test_update_keeps_the_any_port_rule(client):
    expect_error(lambda: update(client, DEMO_TCP, server_group_id=SG_ANY_TCP),
                 "IllegalParam.NonAnyPortListenerConflictWithAnyPortServerGroup")
    body = create(client, listener_port=0, start_port=10000, end_port=10100, server_group_id=SG_ANY_TCP)
    wait_for_job(client, body.job_id)
    expect_error(lambda: update(client, body.listener_id, server_group_id=SG_TCP),
                 "IllegalParam.AnyPortListenerConflictWithNonAnyPortServerGroup")
    wait_for_job(client, update(client, body.listener_id, server_group_id=SG_ANY_TCP, idle_timeout=60).job_id)
    assert get(client, body.listener_id).idle_timeout == 60


def test_tags_up_to_20_are_accepted(client):
    body = create(client, tag=tags(*(("k%02d" % index, "v") for index in range(20))))
    assert len(get(client, body.listener_id).tags) == 20


def test_create_on_a_busy_load_balancer_is_incorrect_status(server, client):
    reseed(server, lambda seed: seed["load_balancers"][0].update(LoadBalancerStatus="Configuring"))
    error = expect_error(lambda: create(client), "IncorrectStatus.loadbalancer")
    assert DEMO_LB in error.message
    expect_error(lambda: create(client, dry_run=True), "IncorrectStatus.loadbalancer")
    for action in (delete, stop, lambda c, lid: update(c, lid, idle_timeout=60)):
        expect_error(lambda: action(client, DEMO_TCP), "IncorrectStatus.loadbalancer")
    assert jobs(server) == []


# --- DryRun --------------------------------------------------------------------------------------


def test_passing_dry_run_create_changes_nothing(server, client):
    before = state(server)["listeners"]
    error = expect_error(lambda: create(client, dry_run=True, client_token="dry"), "DryRunOperation")
    assert "Request validation has been passed with DryRun flag set." in error.message
    assert state(server)["listeners"] == before and jobs(server) == []
    logged = calls(server, "CreateListener")[-1]
    assert (logged["dry_run"], logged["error"], logged["status"]) == (True, "DryRunOperation", 400)
    # a DryRun records no token: the real request with it creates the listener
    assert LISTENER_ID.match(create(client, client_token="dry").listener_id)


@pytest.mark.parametrize("action", [delete, stop])
def test_passing_dry_run_delete_and_stop_change_nothing(server, client, action):
    expect_error(lambda: action(client, DEMO_TCP, dry_run=True), "DryRunOperation")
    assert get(client, DEMO_TCP).listener_status == "Running"
    assert jobs(server) == []


def test_dry_run_start_of_a_stopped_listener(server, client):
    wait_for_job(client, stop(client, DEMO_TCP).job_id)
    expect_error(lambda: start(client, DEMO_TCP, dry_run=True), "DryRunOperation")
    expect_error(lambda: start(client, DEMO_UDP, dry_run=True), "IncorrectStatus.listener")
    assert get(client, DEMO_TCP).listener_status == "Stopped"
    assert len(jobs(server)) == 1


# --- ClientToken ---------------------------------------------------------------------------------


def test_create_token_replay_answers_the_first_result(server, client):
    first = create(client, client_token="create-1", listener_port=8080)
    second = create(client, client_token="create-1", listener_port=8080)
    assert (second.job_id, second.listener_id) == (first.job_id, first.listener_id)
    wait_for_job(client, first.job_id)
    third = create(client, client_token="create-1", listener_port=8080)
    assert (third.job_id, third.listener_id) == (first.job_id, first.listener_id)
    assert len(jobs(server)) == 1
    assert len(listener_ids(server, DEMO_LB)) == 4


def test_create_token_with_other_parameters_is_a_mismatch(server, client):
    create(client, client_token="create-2", listener_port=8080)
    expect_error(lambda: create(client, client_token="create-2", listener_port=8081),
                 "IdempotenceSignatureMismatch")
    expect_error(lambda: create(client, client_token="create-2", listener_port=8080, idle_timeout=60),
                 "IdempotenceSignatureMismatch")
    assert len(jobs(server)) == 1


def test_tokens_are_kept_per_action(server, client):
    created = create(client, client_token="shared-token")
    deleted = delete(client, DEMO_UDP, client_token="shared-token")
    assert created.job_id != deleted.job_id
    assert len(jobs(server)) == 2


@pytest.mark.parametrize("action", [delete, stop])
def test_listener_action_token_replay_and_mismatch(server, client, action):
    first = action(client, DEMO_TCP, client_token="act-1").job_id
    assert action(client, DEMO_TCP, client_token="act-1").job_id == first  # no IncorrectStatus: a replay
    wait_for_job(client, first)
    assert action(client, DEMO_TCP, client_token="act-1").job_id == first
    expect_error(lambda: action(client, DEMO_UDP, client_token="act-1"), "IdempotenceSignatureMismatch")
    assert len(jobs(server)) == 1


def test_create_answer_lost_after_the_write_then_retried_with_the_token(server, client):
    admin(server, "POST", "/_emulator/faults", {"operation": "CreateListener", "drop": True, "after": True})
    with pytest.raises(dara_exceptions.UnretryableException):
        create(client, client_token="lost", listener_port=8080)
    made = [item for item in state(server)["listeners"] if item["ListenerPort"] == 8080]
    assert len(made) == 1
    again = create(client, client_token="lost", listener_port=8080)
    assert again.listener_id == made[0]["ListenerId"]
    assert len(jobs(server)) == 1
    assert [(call["operation"], call["error"]) for call in calls(server, "CreateListener")] == [
        ("CreateListener", None), ("CreateListener", None)]


# --- DeleteListener, StopListener, StartListener ---------------------------------------------------


def test_delete_runs_a_job_then_the_listener_is_gone(server, client):
    job_id = delete(client, DEMO_UDP).job_id
    assert job_status(client, job_id) == "Processing"
    assert get(client, DEMO_UDP).listener_status == "Deleting"
    assert [item.listener_status for item in list_listeners(client, listener_ids=[DEMO_UDP])] == ["Deleting"]
    expect_error(lambda: delete(client, DEMO_UDP), "IncorrectStatus.listener")
    wait_for_job(client, job_id)
    expect_error(lambda: get(client, DEMO_UDP), "ResourceNotFound.listener", 404)
    assert [item.listener_id for item in list_listeners(client, load_balancer_ids=[DEMO_LB])] == [DEMO_TCP, DEMO_SSL]
    expect_error(lambda: delete(client, DEMO_UDP), "ResourceNotFound.listener", 404)
    assert [(job["Action"], job["ResourceId"], job["Status"]) for job in jobs(server)] == [
        ("DeleteListener", DEMO_UDP, "Succeeded")]


def test_delete_a_created_listener(client):
    body = create(client)
    wait_for_job(client, body.job_id)
    wait_for_job(client, delete(client, body.listener_id).job_id)
    assert body.listener_id not in [item.listener_id for item in list_listeners(client)]


def test_stop_then_start(server, client):
    job_id = stop(client, DEMO_TCP).job_id
    assert get(client, DEMO_TCP).listener_status == "Stopping"
    expect_error(lambda: start(client, DEMO_TCP), "IncorrectStatus.listener")
    wait_for_job(client, job_id)
    assert get(client, DEMO_TCP).listener_status == "Stopped"
    expect_error(lambda: stop(client, DEMO_TCP), "IncorrectStatus.listener")
    job_id = start(client, DEMO_TCP).job_id
    assert get(client, DEMO_TCP).listener_status == "Starting"
    wait_for_job(client, job_id)
    assert get(client, DEMO_TCP).listener_status == "Running"
    assert [job["Action"] for job in jobs(server)] == ["StopListener", "StartListener"]


def test_start_of_a_running_listener_is_incorrect_status(client):
    error = expect_error(lambda: start(client, DEMO_TCP), "IncorrectStatus.listener")
    assert "The status of listener [%s] is incorrect." % DEMO_TCP in error.message


def test_a_stopped_listener_can_be_updated_and_deleted(client):
    wait_for_job(client, stop(client, DEMO_TCP).job_id)
    job_id = update(client, DEMO_TCP, idle_timeout=60).job_id
    assert get(client, DEMO_TCP).listener_status == "Configuring"
    wait_for_job(client, job_id)
    after = get(client, DEMO_TCP)
    assert (after.listener_status, after.idle_timeout) == ("Stopped", 60)  # an update does not start it
    wait_for_job(client, delete(client, DEMO_TCP).job_id)
    expect_error(lambda: get(client, DEMO_TCP), "ResourceNotFound.listener", 404)


@pytest.mark.parametrize("action", [delete, start, stop])
def test_unknown_listener_is_not_found(client, action):
    expect_error(lambda: action(client, "lsn-missing000000000@80"), "ResourceNotFound.listener", 404)
    expect_error(lambda: action(client, None), "MissingParam.ListenerId", 400)
    expect_error(lambda: action(client, DEMO_TCP, region_id="cn-shanghai"), "ResourceNotFound.listener", 404)


def test_every_write_is_refused_while_a_job_of_the_listener_runs(server, client):
    body = create(client)
    for action in (delete, stop, start, lambda c, lid: update(c, lid, idle_timeout=60)):
        expect_error(lambda: action(client, body.listener_id), "IncorrectStatus.listener")
    update(client, DEMO_TCP, idle_timeout=60)
    for action in (delete, stop):
        expect_error(lambda: action(client, DEMO_TCP), "IncorrectStatus.listener")
        expect_error(lambda: action(client, DEMO_TCP, dry_run=True), "IncorrectStatus.listener")
    assert len(jobs(server)) == 2


def test_jobs_of_different_listeners_run_side_by_side(server, client):
    admin(server, "POST", "/_emulator/config", {"job_seconds": 1.0})  # room for seven calls on a busy machine
    job_ids = [create(client, listener_port=port).job_id for port in range(9001, 9006)]
    job_ids.append(delete(client, DEMO_UDP).job_id)
    job_ids.append(stop(client, DEMO_TCP).job_id)
    assert {job_status(client, job_id) for job_id in job_ids} == {"Processing"}
    time.sleep(1.05)
    assert {job_status(client, job_id) for job_id in job_ids} == {"Succeeded"}
    assert len(listener_ids(server, DEMO_LB)) == 3 + 5 - 1


def test_concurrent_creates_of_one_port_make_one_listener(server):
    def attempt(index):
        del index  # one call per worker
        try:
            return create(make_client(server), listener_port=9100).listener_id
        except openapi_exceptions.ClientException as err:
            return err.code

    with ThreadPoolExecutor(max_workers=6) as pool:
        answers = list(pool.map(attempt, range(6)))
    made = [answer for answer in answers if answer.startswith("lsn-")]
    assert len(made) == 1 and sorted(set(answers) - set(made)) == ["Conflict.Port"]
    assert [item["ListenerId"] for item in state(server)["listeners"] if item["ListenerPort"] == 9100] == made


def test_read_only_key_cannot_run_lifecycle_writes(server):
    reader = make_client(server, "LTAIemulatorreadonly", "emulator-readonly-secret")
    expect_error(lambda: create(reader), "Forbidden.NoPermission", 403)
    for action in (delete, start, stop):
        expect_error(lambda: action(reader, DEMO_TCP), "Forbidden.NoPermission", 403)
    assert jobs(server) == []


# --- admin path: faults, call log, reset, config ---------------------------------------------------


def test_faults_apply_to_the_new_actions(server, client):
    admin(server, "POST", "/_emulator/faults", [
        {"operation": "CreateListener", "error": "SystemBusy", "status": 400},
        {"operation": "DeleteListener", "error": "ServiceUnavailable", "status": 503},
    ])
    expect_error(lambda: create(client), "SystemBusy")
    with pytest.raises(openapi_exceptions.ServerException):
        delete(client, DEMO_UDP)
    assert jobs(server) == []
    create(client)
    delete(client, DEMO_UDP)
    assert [(call["operation"], call["error"]) for call in calls(server)] == [
        ("CreateListener", "SystemBusy"), ("DeleteListener", "ServiceUnavailable"),
        ("CreateListener", None), ("DeleteListener", None)]


def test_injected_delay_on_a_lifecycle_write(server, client):
    admin(server, "POST", "/_emulator/faults", {"operation": "StopListener", "delay": 0.3})
    started = time.monotonic()
    stop(client, DEMO_TCP)
    assert time.monotonic() - started >= 0.3
    assert [call["operation"] for call in calls(server)] == ["StopListener"]


def test_injected_error_after_the_stop_is_applied(server, client):
    admin(server, "POST", "/_emulator/faults", {"operation": "StopListener", "error": "SystemBusy", "after": True})
    expect_error(lambda: stop(client, DEMO_TCP), "SystemBusy")
    assert get(client, DEMO_TCP).listener_status == "Stopping"


def test_reset_forgets_created_listeners_and_restores_the_limits(server, client):
    admin(server, "POST", "/_emulator/config", {"idle_timeout_max": 3600, "listener_quota": 10})
    body = create(client, client_token="before-reset")
    admin(server, "POST", "/_emulator/reset")
    expect_error(lambda: get(client, body.listener_id), "ResourceNotFound.listener", 404)
    assert state(server)["limits"] == {"listener_quota": 50, "idle_timeout_max": 900}
    assert create(client, client_token="before-reset").listener_id != body.listener_id


@pytest.mark.parametrize("settings, error", [
    ({"listener_quota": -1}, "listener_quota must be an integer >= 0"),
    ({"listener_quota": "3"}, "listener_quota must be an integer >= 0"),
    ({"listener_quota": True}, "listener_quota must be an integer >= 0"),
    ({"idle_timeout_max": 9}, "idle_timeout_max must be an integer >= 10"),
    ({"idle_timeout_max": 1.5}, "idle_timeout_max must be an integer >= 10"),
])
def test_bad_config_values_are_reported_and_ignored(server, settings, error):
    answer = admin(server, "POST", "/_emulator/config", settings)
    assert answer["error"] == error
    assert state(server)["limits"] == {"listener_quota": 50, "idle_timeout_max": 900}


# --- issue 11: ListenerDescription, Mss, IdleTimeout ----------------------------------------------


@pytest.mark.parametrize("description", [
    "web\n",  # "$" matched before a trailing newline
    "x" * 256 + "\n",
    "\nweb",
    "café",
    "сервер",  # Cyrillic
    "カタカナ",  # kana
    "web１２",  # full-width digits
    "has space",
    "x" * 257,
])
def test_description_outside_the_documented_set_is_refused(server, client, description):
    expect_error(lambda: update(client, DEMO_TCP, listener_description=description),
                 "IllegalParam.ListenerDescription")
    expect_error(lambda: create(client, listener_description=description), "IllegalParam.ListenerDescription")
    assert jobs(server) == []


@pytest.mark.parametrize("description", ["ab", "x" * 256, "Web,前端.v2;a/b@c_d-e", "中文"])
def test_description_inside_the_documented_set_is_accepted(client, description):
    wait_for_job(client, update(client, DEMO_TCP, listener_description=description).job_id)
    assert get(client, DEMO_TCP).listener_description == description


@pytest.mark.parametrize("listener_id", [DEMO_TCP, DEMO_SSL])
def test_mss_is_accepted_on_tcp_and_tcpssl(client, listener_id):
    wait_for_job(client, update(client, listener_id, mss=1400).job_id)
    assert get(client, listener_id).mss == 1400


def test_mss_is_accepted_on_created_tcp_and_tcpssl_listeners(client):
    tcp = create(client, mss=1200)
    ssl = create(client, listener_protocol="TCPSSL", listener_port=8443, server_group_id=SG_SSL,
                 certificate_ids=[CERT], mss=1300)
    assert (get(client, tcp.listener_id).mss, get(client, ssl.listener_id).mss) == (1200, 1300)


def test_mss_is_refused_on_udp(server, client):
    error = expect_error(lambda: update(client, DEMO_UDP, mss=1400), "IllegalParam")
    assert "The param of Mss is illegal." in error.message
    expect_error(lambda: update(client, DEMO_UDP, mss=0), "IllegalParam")
    expect_error(lambda: create(client, listener_protocol="UDP", listener_port=5353, server_group_id=SG_UDP, mss=0),
                 "IllegalParam.MssConflictWithUdpAndGeneve")
    assert jobs(server) == []


def test_idle_timeout_above_900_needs_the_allow_list(server, client):
    expect_error(lambda: update(client, DEMO_TCP, idle_timeout=3600), "IllegalParam.IdleTimeout")
    assert admin(server, "POST", "/_emulator/config", {"idle_timeout_max": 3600}) == {
        "idle_timeout_max": 3600, "job_seconds": JOB_SECONDS}
    wait_for_job(client, update(client, DEMO_TCP, idle_timeout=3600).job_id)
    assert get(client, DEMO_TCP).idle_timeout == 3600
    update(client, DEMO_SSL, idle_timeout=1800)
    body = create(client, idle_timeout=3600)
    assert get(client, body.listener_id).idle_timeout == 3600
    expect_error(lambda: update(client, DEMO_SSL, idle_timeout=3601, dry_run=True), "IllegalParam.IdleTimeout")
    expect_error(lambda: update(client, DEMO_UDP, idle_timeout=21), "IllegalParam.IdleTimeout")  # UDP: 10-20
    expect_error(lambda: create(client, listener_protocol="UDP", listener_port=5353, server_group_id=SG_UDP,
                                idle_timeout=900), "IllegalParam.IdleTimeout")
    # not with a server group that preserves client IPs
    expect_error(lambda: update(client, DEMO_TCP, idle_timeout=1000, server_group_id=SG_PRESERVE_IP),
                 "IllegalParam.IdleTimeout")
    expect_error(lambda: create(client, listener_port=8081, idle_timeout=1000, server_group_id=SG_PRESERVE_IP),
                 "IllegalParam.IdleTimeout")
    wait_for_job(client, create(client, listener_port=8082, idle_timeout=900, server_group_id=SG_PRESERVE_IP).job_id)
