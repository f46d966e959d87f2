# -*- coding: utf-8 -*-
# Copyright (c) multicloud.listeners contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The NLB emulator driven by the real Alibaba Cloud SDK (alibabacloud_nlb20220430) over HTTP."""

from __future__ import annotations

import hashlib
import json
import time
import urllib.error
import urllib.request
import uuid
from datetime import datetime, timedelta, timezone
from urllib.parse import urlencode

import pytest

from emulator.common import EmulatorServer
from emulator.nlb import NlbService

nlb_client = pytest.importorskip("alibabacloud_nlb20220430.client")
nlb_models = pytest.importorskip("alibabacloud_nlb20220430.models")
openapi_exceptions = pytest.importorskip("alibabacloud_tea_openapi.exceptions")
openapi_models = pytest.importorskip("alibabacloud_tea_openapi.utils_models")
openapi_utils = pytest.importorskip("alibabacloud_tea_openapi.utils")
dara_exceptions = pytest.importorskip("darabonba.exceptions")
dara_request = pytest.importorskip("darabonba.request")
dara_runtime = pytest.importorskip("darabonba.runtime")

ACCESS_KEY = "LTAIemulator00000000"
SECRET = "emulator-secret-key"
STS_KEY = "STS.emulator0000000"
STS_SECRET = "emulator-sts-secret"
STS_TOKEN = "emulator-security-token"
JOB_SECONDS = 0.2

DEMO_TCP = "lsn-demo0000000000001@80"
DEMO_UDP = "lsn-demo0000000000001@53"
DEMO_SSL = "lsn-demo0000000000001@443"
DEV_SSL = "lsn-dev00000000000001@443"
PAGE_LB = "nlb-page0000000000001"
CERT = "12315790-cn-hangzhou"
CERT_2 = "12315791-cn-hangzhou"
CA_CERT = "139a00604ad-cn-hangzhou"
CA_CERT_2 = "139a00604ae-cn-hangzhou"


# --- fixtures and helpers --------------------------------------------------------------


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


def make_client(server, access_key=ACCESS_KEY, secret=SECRET, token=None, read_timeout=None):
    config = openapi_models.Config(access_key_id=access_key, access_key_secret=secret, security_token=token,
                                   region_id="cn-hangzhou", endpoint="127.0.0.1:%d" % server.httpd.server_address[1],
                                   protocol="http", read_timeout=read_timeout)
    return nlb_client.Client(config)


def admin(server, method, path, body=None):
    data = None if body is None else json.dumps(body).encode("utf-8")
    request = urllib.request.Request(server.url + path, data=data, method=method)
    with urllib.request.urlopen(request, timeout=5) as response:
        return json.loads(response.read())


def calls(server, operation=None):
    path = "/_emulator/calls" + ("?operation=" + operation if operation else "")
    return admin(server, "GET", path)["calls"]


def get(client, listener_id):
    return client.get_listener_attribute(nlb_models.GetListenerAttributeRequest(listener_id=listener_id)).body


def update(client, listener_id, **fields):
    request = nlb_models.UpdateListenerAttributeRequest(listener_id=listener_id, **fields)
    return client.update_listener_attribute(request).body


def job_status(client, job_id):
    return client.get_job_status(nlb_models.GetJobStatusRequest(job_id=job_id)).body.status


def wait_for_job(client, job_id, timeout=3.0):
    deadline = time.monotonic() + timeout
    while job_status(client, job_id) != "Succeeded":
        assert time.monotonic() < deadline, "job %s did not finish" % job_id
        time.sleep(0.05)


def list_listeners(client, **criteria):
    return client.list_listeners(nlb_models.ListListenersRequest(**criteria)).body


def expect_error(call, code, status, exception=None):
    with pytest.raises(exception or openapi_exceptions.ClientException) as caught:
        call()
    assert caught.value.code == code
    assert caught.value.status_code == status
    assert caught.value.request_id
    return caught.value


def jobs(server):
    return admin(server, "GET", "/_emulator/state")["jobs"]


def raw_call(server, action, query=None, body=b"", **overrides):
    """Sign a request with the SDK's own signer, optionally alter it, and send it with urllib."""
    host = "127.0.0.1:%d" % server.httpd.server_address[1]
    headers = {
        "host": host, "x-acs-action": action, "x-acs-version": overrides.get("version", "2022-04-30"),
        "x-acs-date": overrides.get("date", datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")),
        "x-acs-signature-nonce": overrides.get("nonce", uuid.uuid4().hex),
        "x-acs-content-sha256": hashlib.sha256(body).hexdigest(),
    }
    if body:
        headers["content-type"] = "application/x-www-form-urlencoded"
    signed = dara_request.DaraRequest()
    signed.method, signed.pathname, signed.query, signed.headers = "POST", "/", dict(query or {}), headers
    headers["Authorization"] = openapi_utils.Utils.get_authorization(
        signed, "ACS3-HMAC-SHA256", headers["x-acs-content-sha256"], ACCESS_KEY, overrides.get("secret", SECRET))
    url = server.url + "/" + ("?" + urlencode(query) if query else "")
    request = urllib.request.Request(url, data=overrides.get("send_body", body), headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


# --- reads ---------------------------------------------------------------------------------


def test_get_listener_attribute_returns_every_field(client):
    body = get(client, DEMO_SSL)
    assert body.request_id
    assert (body.listener_id, body.load_balancer_id, body.region_id) == (DEMO_SSL, "nlb-demo0000000000001",
                                                                         "cn-hangzhou")
    assert (body.listener_protocol, body.listener_port, body.listener_status) == ("TCPSSL", 443, "Running")
    assert (body.start_port, body.end_port) == ("0", "0")
    assert body.listener_description == "demo_tcpssl_443"
    assert body.server_group_id == "sgp-ssl0000000000001"
    assert body.security_policy_id == "tls_cipher_policy_1_0"
    assert body.certificate_ids == [CERT]
    assert body.ca_certificate_ids == []
    assert (body.ca_enabled, body.alpn_enabled, body.alpn_policy) == (False, False, None)
    assert (body.idle_timeout, body.cps, body.mss) == (900, 0, 0)
    assert (body.proxy_protocol_enabled, body.sec_sensor_enabled) == (False, False)
    ppv2 = body.proxy_protocol_v2config
    assert (ppv2.ppv_2vpc_id_enabled, ppv2.ppv_2private_link_ep_id_enabled,
            ppv2.ppv_2private_link_eps_id_enabled) == (False, False, False)
    assert [(tag.tag_key, tag.tag_value) for tag in body.tags] == [("env", "demo")]


def test_tcp_and_udp_listeners_leave_out_tls_fields(client):
    tcp = get(client, DEMO_TCP)
    assert (tcp.listener_protocol, tcp.idle_timeout, tcp.mss) == ("TCP", 900, 0)
    assert tcp.certificate_ids is None and tcp.security_policy_id is None and tcp.alpn_enabled is None
    udp = get(client, DEMO_UDP)
    assert (udp.listener_protocol, udp.idle_timeout, udp.mss) == ("UDP", 20, None)


def test_get_unknown_listener_is_not_found(client):
    error = expect_error(lambda: get(client, "lsn-missing000000000@80"), "ResourceNotFound.listener", 404)
    assert "lsn-missing000000000@80" in error.message


def test_get_listener_in_another_region_is_not_found(client):
    request = nlb_models.GetListenerAttributeRequest(listener_id=DEMO_TCP, region_id="cn-shanghai")
    expect_error(lambda: client.get_listener_attribute(request), "ResourceNotFound.listener", 404)


def test_get_with_dry_run_answers_dry_run_operation(client):
    request = nlb_models.GetListenerAttributeRequest(listener_id=DEMO_TCP, dry_run=True)
    expect_error(lambda: client.get_listener_attribute(request), "DryRunOperation", 400)


def test_list_listeners_pages_through_25_listeners(client):
    seen, token, pages = [], None, []
    while True:
        body = list_listeners(client, load_balancer_ids=[PAGE_LB], max_results=10, next_token=token)
        assert (body.total_count, body.max_results) == (25, 10)
        pages.append(len(body.listeners))
        seen.extend(listener.listener_id for listener in body.listeners)
        token = body.next_token
        if not token:
            break
    assert pages == [10, 10, 5]
    assert token == ""
    assert seen == ["lsn-page0000000000001@%d" % port for port in range(8001, 8026)]


def test_list_listeners_defaults_to_20_per_page(client):
    body = list_listeners(client, load_balancer_ids=[PAGE_LB])
    assert (len(body.listeners), body.max_results, body.total_count) == (20, 20, 25)
    assert body.next_token


def test_list_listeners_filters(client):
    tls = list_listeners(client, listener_protocol="TCPSSL", max_results=100)
    assert sorted(listener.listener_id for listener in tls.listeners) == sorted(
        [DEMO_SSL, DEV_SSL, "lsn-stg00000000000001@443", "lsn-prd00000000000001@443"])
    by_id = list_listeners(client, listener_ids=[DEMO_UDP, DEV_SSL])
    assert [listener.listener_id for listener in by_id.listeners] == [DEMO_UDP, DEV_SSL]
    tagged = list_listeners(client, tag=[nlb_models.ListListenersRequestTag(key="env", value="dev")])
    assert {listener.listener_id for listener in tagged.listeners} == {"lsn-dev00000000000001@80", DEV_SSL}
    assert [(tag.key, tag.value) for tag in tagged.listeners[0].tags] == [("env", "dev")]


@pytest.mark.parametrize("criteria, field", [
    ({"max_results": 0}, "MaxResults"),
    ({"max_results": 101}, "MaxResults"),
    ({"next_token": "not-a-token"}, "NextToken"),
    ({"listener_protocol": "HTTP"}, "ListenerProtocol"),
])
def test_list_listeners_rejects_bad_criteria(client, criteria, field):
    error = expect_error(lambda: list_listeners(client, **criteria), "IllegalParam", 400)
    assert field in error.message


def test_next_token_is_bound_to_its_query(client):
    token = list_listeners(client, load_balancer_ids=[PAGE_LB], max_results=10).next_token
    expect_error(lambda: list_listeners(client, max_results=10, next_token=token), "IllegalParam", 400)


# --- asynchronous update ---------------------------------------------------------------------


def test_update_lands_only_when_the_job_succeeds(server, client):
    job_id = update(client, DEMO_TCP, idle_timeout=60).job_id
    assert job_id
    assert job_status(client, job_id) == "Processing"
    during = get(client, DEMO_TCP)
    assert (during.listener_status, during.idle_timeout) == ("Configuring", 900)
    listed = list_listeners(client, listener_ids=[DEMO_TCP]).listeners[0]
    assert listed.listener_status == "Configuring"
    wait_for_job(client, job_id)
    after = get(client, DEMO_TCP)
    assert (after.listener_status, after.idle_timeout) == ("Running", 60)
    assert [job["Status"] for job in jobs(server)] == ["Succeeded"]


def test_update_changes_only_the_sent_fields(client):
    before = get(client, DEMO_SSL).to_map()
    ppv2 = nlb_models.UpdateListenerAttributeRequestProxyProtocolV2Config(ppv_2vpc_id_enabled=True)
    job_id = update(client, DEMO_SSL, certificate_ids=[CERT_2], proxy_protocol_v2config=ppv2,
                    listener_description="新的_listener-443").job_id
    wait_for_job(client, job_id)
    after = get(client, DEMO_SSL).to_map()
    changed = {key for key in before if key != "RequestId" and before[key] != after[key]}
    assert changed == {"CertificateIds", "ProxyProtocolV2Config", "ListenerDescription"}
    assert after["CertificateIds"] == [CERT_2]
    assert after["ListenerDescription"] == "新的_listener-443"
    assert after["ProxyProtocolV2Config"] == {"Ppv2VpcIdEnabled": True, "Ppv2PrivateLinkEpIdEnabled": False,
                                              "Ppv2PrivateLinkEpsIdEnabled": False}


def test_update_while_configuring_is_incorrect_status(server, client):
    update(client, DEMO_TCP, idle_timeout=60)
    error = expect_error(lambda: update(client, DEMO_TCP, idle_timeout=120), "IncorrectStatus.listener", 400)
    assert DEMO_TCP in error.message
    expect_error(lambda: update(client, DEMO_TCP, cps=10, dry_run=True), "IncorrectStatus.listener", 400)
    assert len(jobs(server)) == 1


def test_job_seconds_can_be_changed_through_the_admin_path(server, client):
    assert admin(server, "POST", "/_emulator/config", {"job_seconds": 0}) == {"job_seconds": 0.0}
    job_id = update(client, DEMO_TCP, cps=100).job_id
    assert job_status(client, job_id) == "Succeeded"
    assert get(client, DEMO_TCP).cps == 100


def test_unknown_job_is_not_found(client):
    expect_error(lambda: job_status(client, "00000000-0000-0000-0000-000000000000"), "ResourceNotFound.JobId", 404)
    expect_error(lambda: job_status(client, None), "MissingParam.JobId", 400)


# --- DryRun -------------------------------------------------------------------------------------


def test_passing_dry_run_changes_nothing(server, client):
    error = expect_error(lambda: update(client, DEMO_SSL, idle_timeout=60, certificate_ids=[CERT_2], dry_run=True),
                         "DryRunOperation", 400)
    assert "Request validation has been passed with DryRun flag set." in error.message
    body = get(client, DEMO_SSL)
    assert (body.listener_status, body.idle_timeout, body.certificate_ids) == ("Running", 900, [CERT])
    assert jobs(server) == []
    logged = calls(server, "UpdateListenerAttribute")[-1]
    assert (logged["dry_run"], logged["error"], logged["status"]) == (True, "DryRunOperation", 400)
    assert logged["params"]["DryRun"] is True


def test_failing_dry_run_answers_the_validation_error(server, client):
    expect_error(lambda: update(client, DEMO_TCP, idle_timeout=5, dry_run=True), "IllegalParam.IdleTimeout", 400)
    logged = calls(server, "UpdateListenerAttribute")[-1]
    assert (logged["dry_run"], logged["error"]) == (True, "IllegalParam.IdleTimeout")
    assert jobs(server) == []


@pytest.mark.parametrize("listener_id, fields", [
    (DEMO_TCP, {"idle_timeout": 10}),
    (DEMO_TCP, {"idle_timeout": 900, "mss": 1500, "cps": 1000000}),
    (DEMO_UDP, {"idle_timeout": 20}),
    (DEMO_TCP, {"server_group_id": "sgp-tcpudp00000000001"}),
    (DEMO_UDP, {"server_group_id": "sgp-tcpudp00000000001"}),
    (DEMO_TCP, {"server_group_id": "sgp-tcpip000000000001"}),
    (DEMO_SSL, {"server_group_id": "sgp-tcp0000000000002"}),
    (DEMO_SSL, {"security_policy_id": "spy-demo0000000000001"}),
    (DEMO_SSL, {"security_policy_id": "tls_cipher_policy_1_2_strict_with_1_3"}),
    (DEMO_SSL, {"alpn_enabled": True, "alpn_policy": "HTTP2Preferred"}),
    (DEMO_SSL, {"ca_enabled": True, "ca_certificate_ids": [CA_CERT]}),
    (DEMO_TCP, {"listener_description": "Web,前端.v2;a/b@c_d-e"}),
    (DEMO_TCP, {"listener_description": "x" * 256}),
    (DEMO_TCP, {"proxy_protocol_enabled": True, "sec_sensor_enabled": True}),
])
def test_valid_updates_pass_dry_run(client, listener_id, fields):
    expect_error(lambda: update(client, listener_id, dry_run=True, **fields), "DryRunOperation", 400)


# --- validation rules ---------------------------------------------------------------------------

RULES = [
    ("lsn-missing000000000@80", {"idle_timeout": 60}, "ResourceNotFound.listener", 404),
    (None, {"idle_timeout": 60}, "MissingParam.ListenerId", 400),
    (DEMO_TCP, {"idle_timeout": 9}, "IllegalParam.IdleTimeout", 400),
    (DEMO_TCP, {"idle_timeout": 901}, "IllegalParam.IdleTimeout", 400),
    (DEMO_SSL, {"idle_timeout": 901}, "IllegalParam.IdleTimeout", 400),
    (DEMO_UDP, {"idle_timeout": 21}, "IllegalParam.IdleTimeout", 400),
    (DEMO_UDP, {"idle_timeout": 9}, "IllegalParam.IdleTimeout", 400),
    (DEMO_TCP, {"idle_timeout": "abc"}, "InvalidParameter", 400),
    (DEMO_TCP, {"cps": "1.5"}, "InvalidParameter", 400),
    (DEMO_TCP, {"dry_run": "maybe"}, "InvalidParameter", 400),
    (DEMO_SSL, {"certificate_ids": [CERT, CERT_2]}, "IllegalParamSize.certificateIds", 400),
    (DEMO_SSL, {"certificate_ids": [CERT, CERT]}, "IllegalParamSize.certificateIds", 400),
    (DEMO_SSL, {"ca_certificate_ids": [CA_CERT, CA_CERT_2]}, "IllegalParamSize.certificateIds", 400),
    (DEMO_SSL, {"certificate_ids": ["99999999-cn-hangzhou"]}, "ResourceNotFound.Certificate", 400),
    (DEMO_SSL, {"certificate_ids": [CA_CERT]}, "ResourceNotFound.Certificate", 400),
    (DEMO_SSL, {"ca_certificate_ids": ["139a0060000-cn-hangzhou"]}, "ResourceNotFound.CaCertificate", 404),
    (DEMO_SSL, {"security_policy_id": "spy-missing0000000001"}, "ResourceNotFound.securitypolicy", 404),
    (DEMO_TCP, {"server_group_id": "sgp-missing0000000001"}, "ResourceNotFound.serverGroup", 404),
    (DEMO_TCP, {"server_group_id": "sgp-udp0000000000001"}, "Mismatch.Protocol", 400),
    (DEMO_UDP, {"server_group_id": "sgp-tcp0000000000001"}, "Mismatch.Protocol", 400),
    (DEMO_SSL, {"server_group_id": "sgp-tcpudp00000000001"}, "Mismatch.Protocol", 400),
    (DEMO_SSL, {"server_group_id": "sgp-udp0000000000001"}, "Mismatch.Protocol", 400),
    (DEMO_SSL, {"server_group_id": "sgp-tcpip000000000001"}, "IllegalParam.PreserveClientIpSwitch", 400),
    (DEMO_TCP, {"server_group_id": "sgp-othervpc00000001"}, "Mismatch.VpcId", 400),
    (DEMO_TCP, {"certificate_ids": [CERT]}, "IllegalParam", 400),
    (DEMO_TCP, {"ca_certificate_ids": [CA_CERT]}, "IllegalParam", 400),
    (DEMO_TCP, {"ca_enabled": False}, "IllegalParam", 400),
    (DEMO_UDP, {"security_policy_id": "tls_cipher_policy_1_2"}, "IllegalParam", 400),
    (DEMO_UDP, {"alpn_enabled": False}, "IllegalParam", 400),
    (DEMO_TCP, {"alpn_policy": "HTTP1Only"}, "IllegalParam", 400),
    (DEMO_UDP, {"mss": 100}, "IllegalParam", 400),
    (DEMO_SSL, {"alpn_policy": "HTTP3Only"}, "IllegalParam", 400),
    (DEMO_TCP, {"cps": -1}, "IllegalParam", 400),
    (DEMO_TCP, {"cps": 1000001}, "IllegalParam", 400),
    (DEMO_SSL, {"mss": 1501}, "IllegalParam", 400),
    (DEMO_TCP, {"listener_description": "a"}, "IllegalParam.ListenerDescription", 400),
    (DEMO_TCP, {"listener_description": "x" * 257}, "IllegalParam.ListenerDescription", 400),
    (DEMO_TCP, {"listener_description": "has space"}, "IllegalParam.ListenerDescription", 400),
    (DEMO_TCP, {"listener_description": "bang!"}, "IllegalParam.ListenerDescription", 400),
    (DEMO_SSL, {"alpn_enabled": True}, "MissingParam.AlpnPolicy", 400),
    (DEMO_SSL, {"ca_enabled": True}, "MissingParam.CaCertificateIds", 400),
]


@pytest.mark.parametrize("dry_run", [False, True], ids=["real", "dry-run"])
@pytest.mark.parametrize("listener_id, fields, code, status", RULES, ids=[rule[2] + "-" + str(index)
                                                                          for index, rule in enumerate(RULES)])
def test_update_rules(server, client, listener_id, fields, code, status, dry_run):
    state_before = admin(server, "GET", "/_emulator/state")["listeners"]
    extra = {"dry_run": True} if dry_run and "dry_run" not in fields else {}
    expect_error(lambda: update(client, listener_id, **fields, **extra), code, status)
    assert admin(server, "GET", "/_emulator/state")["listeners"] == state_before
    assert jobs(server) == []


@pytest.mark.parametrize("field, value", [
    ("certificate_ids", [CERT]), ("ca_certificate_ids", [CA_CERT]), ("ca_enabled", True),
    ("security_policy_id", "tls_cipher_policy_1_2"), ("alpn_enabled", True), ("alpn_policy", "HTTP2Only"),
])
def test_tls_only_fields_name_the_field_on_tcp(client, field, value):
    error = expect_error(lambda: update(client, DEMO_TCP, **{field: value}), "IllegalParam", 400)
    wire_name = {"certificate_ids": "CertificateIds", "ca_certificate_ids": "CaCertificateIds",
                 "ca_enabled": "CaEnabled", "security_policy_id": "SecurityPolicyId", "alpn_enabled": "AlpnEnabled",
                 "alpn_policy": "AlpnPolicy"}[field]
    assert "The param of %s is illegal." % wire_name in error.message


# --- idempotency --------------------------------------------------------------------------------


def test_same_client_token_and_request_returns_the_same_job(server, client):
    first = update(client, DEMO_TCP, idle_timeout=60, client_token="token-1").job_id
    second = update(client, DEMO_TCP, idle_timeout=60, client_token="token-1").job_id
    assert first == second
    wait_for_job(client, first)
    third = update(client, DEMO_TCP, idle_timeout=60, client_token="token-1").job_id
    assert third == first
    assert len(jobs(server)) == 1
    assert get(client, DEMO_TCP).listener_status == "Running"


def test_reused_client_token_with_another_request_is_rejected(server, client):
    update(client, DEMO_TCP, idle_timeout=60, client_token="token-2")
    expect_error(lambda: update(client, DEMO_TCP, idle_timeout=61, client_token="token-2"),
                 "IdempotenceSignatureMismatch", 400)
    expect_error(lambda: update(client, DEMO_UDP, idle_timeout=15, client_token="token-2"),
                 "IdempotenceSignatureMismatch", 400)
    assert len(jobs(server)) == 1


# --- authentication ------------------------------------------------------------------------------


def test_wrong_secret_is_signature_does_not_match(server):
    error = expect_error(lambda: get(make_client(server, secret="not-the-secret"), DEMO_TCP),
                         "SignatureDoesNotMatch", 400)
    assert "ACS3-HMAC-SHA256" in error.message


def test_unknown_access_key_is_not_found(server):
    expect_error(lambda: get(make_client(server, access_key="LTAIunknown000000000"), DEMO_TCP),
                 "InvalidAccessKeyId.NotFound", 404)


def test_sts_credentials_with_their_token_work(server):
    assert get(make_client(server, STS_KEY, STS_SECRET, STS_TOKEN), DEMO_TCP).listener_id == DEMO_TCP


@pytest.mark.parametrize("access_key, secret, token, code", [
    (STS_KEY, STS_SECRET, "not-the-token", "InvalidSecurityToken.Malformed"),
    (STS_KEY, STS_SECRET, None, "MissingSecurityToken"),
    ("STS.emulatorexpired0", STS_SECRET, "emulator-expired-token", "InvalidSecurityToken.Expired"),
    (ACCESS_KEY, SECRET, STS_TOKEN, "InvalidSecurityToken.MismatchWithAccessKey"),
])
def test_bad_security_tokens_are_rejected(server, access_key, secret, token, code):
    expect_error(lambda: get(make_client(server, access_key, secret, token), DEMO_TCP), code, 400)


def test_read_only_key_cannot_write(server):
    reader = make_client(server, "LTAIemulatorreadonly", "emulator-readonly-secret")
    assert get(reader, DEMO_TCP).listener_id == DEMO_TCP
    expect_error(lambda: update(reader, DEMO_TCP, idle_timeout=60), "Forbidden.NoPermission", 403)
    expect_error(lambda: update(reader, DEMO_TCP, idle_timeout=60, dry_run=True), "Forbidden.NoPermission", 403)


def test_raw_request_signed_like_the_sdk_is_accepted(server):
    status, body = raw_call(server, "GetListenerAttribute", {"ListenerId": DEMO_TCP})
    assert status == 200 and body["ListenerId"] == DEMO_TCP


def test_altered_body_breaks_the_signature(server):
    body = urlencode({"ListenerId": DEMO_TCP, "IdleTimeout": "60"}).encode()
    status, answer = raw_call(server, "UpdateListenerAttribute", body=body,
                              send_body=body.replace(b"60", b"61"))
    assert (status, answer["Code"]) == (400, "SignatureDoesNotMatch")


def test_replayed_nonce_is_rejected(server):
    nonce = uuid.uuid4().hex
    assert raw_call(server, "GetListenerAttribute", {"ListenerId": DEMO_TCP}, nonce=nonce)[0] == 200
    status, answer = raw_call(server, "GetListenerAttribute", {"ListenerId": DEMO_TCP}, nonce=nonce)
    assert (status, answer["Code"]) == (400, "SignatureNonceUsed")


def test_stale_date_is_rejected(server):
    stale = (datetime.now(timezone.utc) - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    status, answer = raw_call(server, "GetListenerAttribute", {"ListenerId": DEMO_TCP}, date=stale)
    assert (status, answer["Code"]) == (400, "InvalidTimeStamp.Expired")


def test_unsigned_request_is_incomplete_signature(server):
    request = urllib.request.Request(server.url + "/?ListenerId=x", data=b"", method="POST",
                                     headers={"x-acs-action": "GetListenerAttribute", "x-acs-version": "2022-04-30"})
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=5)  # pylint: disable=consider-using-with
    answer = json.loads(caught.value.read())
    assert (caught.value.code, answer["Code"]) == (400, "IncompleteSignature")
    assert set(answer) >= {"RequestId", "HostId", "Code", "Message", "Recommend"}


def test_unknown_action_and_wrong_version(server):
    status, answer = raw_call(server, "DeleteEverything")
    assert (status, answer["Code"]) == (404, "InvalidAction.NotFound")
    status, answer = raw_call(server, "GetListenerAttribute", {"ListenerId": DEMO_TCP}, version="2014-05-15")
    assert (status, answer["Code"]) == (400, "InvalidVersion")


# --- admin path: call log, faults, reset ---------------------------------------------------------


def test_call_log_records_decoded_parameters(server, client):
    ppv2 = nlb_models.UpdateListenerAttributeRequestProxyProtocolV2Config(ppv_2vpc_id_enabled=True)
    expect_error(lambda: update(client, DEMO_SSL, certificate_ids=[CERT_2], proxy_protocol_v2config=ppv2,
                                idle_timeout=60, dry_run=True), "DryRunOperation", 400)
    update(client, DEMO_SSL, idle_timeout=61)
    logged = calls(server, "UpdateListenerAttribute")
    assert [call["operation"] for call in logged] == ["UpdateListenerAttribute"] * 2
    dry, real = logged
    assert dry["params"] == {"ListenerId": DEMO_SSL, "CertificateIds": [CERT_2], "IdleTimeout": 60, "DryRun": True,
                             "ProxyProtocolV2Config": {"Ppv2VpcIdEnabled": True}}
    assert (dry["dry_run"], dry["error"]) == (True, "DryRunOperation")
    assert (real["params"], real["status"], real["dry_run"], real["error"]) == (
        {"ListenerId": DEMO_SSL, "IdleTimeout": 61}, 200, False, None)
    assert "ACS3-HMAC-SHA256" not in json.dumps(calls(server))
    admin(server, "DELETE", "/_emulator/calls")
    assert calls(server) == []


def test_injected_error_applies_to_the_next_n_calls(server, client):
    admin(server, "POST", "/_emulator/faults", {"operation": "GetListenerAttribute", "count": 2,
                                                "error": "SystemBusy", "status": 400, "message": "busy"})
    expect_error(lambda: get(client, DEMO_TCP), "SystemBusy", 400)
    expect_error(lambda: get(client, DEMO_TCP), "SystemBusy", 400)
    assert get(client, DEMO_TCP).listener_id == DEMO_TCP
    assert [call["error"] for call in calls(server, "GetListenerAttribute")] == ["SystemBusy", "SystemBusy", None]


def test_injected_503_is_a_server_exception(server, client):
    admin(server, "POST", "/_emulator/faults", {"operation": "*", "error": "ServiceUnavailable", "status": 503})
    expect_error(lambda: get(client, DEMO_TCP), "ServiceUnavailable", 503, openapi_exceptions.ServerException)


def test_dropped_connection_is_a_transport_error(server, client):
    admin(server, "POST", "/_emulator/faults", {"operation": "GetListenerAttribute", "drop": True})
    with pytest.raises(dara_exceptions.UnretryableException):
        get(client, DEMO_TCP)
    assert calls(server)[-1]["error"] == "dropped"


def test_lost_answer_after_the_write_then_retry_with_the_same_token(server, client):
    admin(server, "POST", "/_emulator/faults", {"operation": "UpdateListenerAttribute", "drop": True, "after": True})
    with pytest.raises(dara_exceptions.UnretryableException):
        update(client, DEMO_TCP, idle_timeout=60, client_token="lost-answer")
    created = jobs(server)
    assert len(created) == 1
    assert update(client, DEMO_TCP, idle_timeout=60, client_token="lost-answer").job_id == created[0]["JobId"]
    assert len(jobs(server)) == 1


def test_injected_delay(server):
    admin(server, "POST", "/_emulator/faults", [{"operation": "GetListenerAttribute", "delay": 0.3},
                                                {"operation": "ListListeners", "delay": 0.6}])
    started = time.monotonic()
    assert get(make_client(server), DEMO_TCP).listener_id == DEMO_TCP
    assert time.monotonic() - started >= 0.3
    with pytest.raises(dara_exceptions.UnretryableException):
        list_listeners(make_client(server, read_timeout=300))
    deadline = time.monotonic() + 3
    while not calls(server, "ListListeners"):  # the delayed call still completes on the server side
        assert time.monotonic() < deadline
        time.sleep(0.05)


def test_reset_restores_the_seed_or_loads_a_given_one(server, client):
    admin(server, "POST", "/_emulator/config", {"job_seconds": 0})
    update(client, DEMO_TCP, idle_timeout=60)
    assert get(client, DEMO_TCP).idle_timeout == 60
    admin(server, "POST", "/_emulator/reset")
    assert calls(server) == [] and jobs(server) == []
    assert get(client, DEMO_TCP).idle_timeout == 900
    seed = {
        "load_balancers": [{"LoadBalancerId": "nlb-x", "RegionId": "cn-hangzhou", "VpcId": "vpc-x"}],
        "listeners": [{"ListenerId": "lsn-x@81", "LoadBalancerId": "nlb-x", "ListenerProtocol": "UDP",
                       "ListenerPort": 81}],
    }
    admin(server, "POST", "/_emulator/reset", {"seed": seed})
    only = list_listeners(client)
    assert [(item.listener_id, item.idle_timeout, item.listener_status) for item in only.listeners] == [
        ("lsn-x@81", 20, "Running")]
    expect_error(lambda: get(client, DEMO_TCP), "ResourceNotFound.listener", 404)


def test_state_dump(server, client):
    update(client, DEMO_TCP, idle_timeout=60)
    state = admin(server, "GET", "/_emulator/state")
    assert state["job_seconds"] == JOB_SECONDS
    assert {item["LoadBalancerId"] for item in state["load_balancers"]} == {
        "nlb-demo0000000000001", "nlb-dev00000000000001", "nlb-stg00000000000001", "nlb-prd00000000000001", PAGE_LB}
    assert len(state["listeners"]) == 34
    assert state["jobs"][0]["Changes"] == {"IdleTimeout": 60}
    assert state["jobs"][0]["Status"] == "Processing"
