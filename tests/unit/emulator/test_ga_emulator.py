# -*- coding: utf-8 -*-
# Copyright (c) multicloud.listeners contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tests of the Global Accelerator emulator, driven through a real boto3 client."""

from __future__ import annotations

import datetime
import json
import threading
import time
import urllib.request

import boto3
import botocore.session
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError, ConnectionClosedError

from emulator.common import EmulatorServer, Request, ServiceError
from emulator.ga import GlobalAcceleratorService

ACCESS_KEY = "AKIAEMULATOR00000000"
SECRET_KEY = "emulator-secret-key"
STS_KEY = "ASIAEMULATOR00000000"
STS_SECRET = "emulator-sts-secret"
STS_TOKEN = "emulator-session-token"
REGION = "us-west-2"
TARGET_PREFIX = "GlobalAccelerator_V20180706."

ACCOUNT = "123456789012"
DEMO = "arn:aws:globalaccelerator::%s:accelerator/5f0e4c1a-0000-4a5b-8c3d-000000000001" % ACCOUNT
WEB = "arn:aws:globalaccelerator::%s:accelerator/5f0e4c1a-0000-4a5b-8c3d-000000000002" % ACCOUNT
BUSY = "arn:aws:globalaccelerator::%s:accelerator/5f0e4c1a-0000-4a5b-8c3d-000000000003" % ACCOUNT
WEB_TCP = WEB + "/listener/0a0b0080"
WEB_UDP = WEB + "/listener/0a0b0053"
WEB_GROUP = WEB_TCP + "/endpoint-group/0e0e0e0e0001"
MISSING_ACCELERATOR = "arn:aws:globalaccelerator::%s:accelerator/00000000-0000-4000-8000-000000000000" % ACCOUNT

DEPLOY_SECONDS = 0.2
# total_max_attempts counts the first call: no retry at all (retries={"max_attempts": 1} would retry once).
NO_RETRIES = Config(retries={"total_max_attempts": 1, "mode": "standard"}, connect_timeout=2, read_timeout=5)
MODEL = botocore.session.get_session().get_service_model("globalaccelerator")


def ports(*pairs):
    return [{"FromPort": low, "ToPort": high} for low, high in pairs]


@pytest.fixture(scope="module")
def server():
    running = EmulatorServer(GlobalAcceleratorService(deploy_seconds=DEPLOY_SECONDS), 0).start()
    yield running
    running.stop()


@pytest.fixture(autouse=True)
def fresh_state(server):
    """Every test starts from the default seed with an empty call log and no faults."""
    admin(server, "POST", "reset")
    admin(server, "POST", "config", {"deploy_seconds": DEPLOY_SECONDS})
    yield


def make_client(server, access_key=ACCESS_KEY, secret_key=SECRET_KEY, token=None, region=REGION):
    return boto3.client("globalaccelerator", region_name=region, endpoint_url=server.url,
                        aws_access_key_id=access_key, aws_secret_access_key=secret_key,
                        aws_session_token=token, config=NO_RETRIES)


@pytest.fixture
def client(server):
    return make_client(server)


def admin(server, method, path, body=None):
    data = json.dumps(body).encode("utf-8") if body is not None else None
    request = urllib.request.Request(server.url + "/_emulator/" + path, data=data, method=method)
    with urllib.request.urlopen(request, timeout=5) as response:
        return json.loads(response.read())


def signed_request(server, target, body, method="POST", service="globalaccelerator"):
    data = body if isinstance(body, bytes) else json.dumps(body).encode("utf-8")
    request = AWSRequest(method=method, url=server.url + "/", data=data, headers={
        "X-Amz-Target": target, "Content-Type": "application/x-amz-json-1.1"})
    SigV4Auth(Credentials(ACCESS_KEY, SECRET_KEY), service, REGION).add_auth(request)
    return request


def raw_call(server, target, body, sign=True, service="globalaccelerator"):
    """Send a hand-made (optionally signed) request; return (status, headers, parsed JSON body)."""
    data = body if isinstance(body, bytes) else json.dumps(body).encode("utf-8")
    request = signed_request(server, target, data, service=service)
    if not sign:
        del request.headers["Authorization"]
    prepared = urllib.request.Request(server.url + "/", data=data, method="POST", headers=dict(request.headers))
    try:
        with urllib.request.urlopen(prepared, timeout=5) as response:
            return response.status, response.headers, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as err:
        return err.code, err.headers, json.loads(err.read() or b"{}")


def error_of(excinfo):
    error = excinfo.value.response["Error"]
    return error["Code"], excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"], error["Message"]


def assert_matches_shape(shape, value, path="output"):
    """Every key of an answer is a member of botocore's output shape, with the right JSON type."""
    if shape.type_name == "structure":
        assert isinstance(value, dict), path
        unknown = set(value) - set(shape.members)
        assert not unknown, "%s: keys not in the model: %s" % (path, unknown)
        for name, item in value.items():
            assert_matches_shape(shape.members[name], item, path + "." + name)
    elif shape.type_name == "list":
        assert isinstance(value, list), path
        for index, item in enumerate(value):
            assert_matches_shape(shape.member, item, "%s[%d]" % (path, index))
    elif shape.type_name == "string":
        assert isinstance(value, str), path
        assert "enum" not in shape.metadata or value in shape.metadata["enum"], path
    elif shape.type_name == "integer":
        assert isinstance(value, int) and not isinstance(value, bool), path
    elif shape.type_name in ("float", "timestamp"):
        assert isinstance(value, (int, float)) and not isinstance(value, bool), path
    elif shape.type_name == "boolean":
        assert isinstance(value, bool), path


# --- reads of the seed ---------------------------------------------------------------------------------------------

def test_seed_accelerators_are_listed_in_order(client):
    answer = client.list_accelerators()
    names = [accelerator["Name"] for accelerator in answer["Accelerators"]]
    assert names == ["demo-accelerator", "web-accelerator", "busy-accelerator", "duplicate-name", "duplicate-name",
                     "env-dev", "env-staging", "env-prod"]
    assert "NextToken" not in answer
    demo = answer["Accelerators"][0]
    assert demo["AcceleratorArn"] == DEMO
    assert demo["Status"] == "DEPLOYED"
    assert demo["Enabled"] is True
    assert demo["DnsName"].endswith(".awsglobalaccelerator.com")
    assert demo["CreatedTime"] == datetime.datetime(2024, 5, 1, 9, 0, tzinfo=datetime.timezone.utc)
    assert demo["IpSets"][0]["IpAddressFamily"] == "IPv4" and len(demo["IpSets"][0]["IpAddresses"]) == 2
    assert answer["ResponseMetadata"]["RequestId"]


@pytest.mark.parametrize("operation, params", [
    ("ListAccelerators", {}),
    ("DescribeAccelerator", {"AcceleratorArn": WEB}),
    ("ListListeners", {"AcceleratorArn": WEB}),
    ("DescribeListener", {"ListenerArn": WEB_TCP}),
    ("ListEndpointGroups", {"ListenerArn": WEB_TCP}),
    ("CreateListener", {"AcceleratorArn": DEMO, "PortRanges": ports((80, 80)), "Protocol": "TCP",
                        "IdempotencyToken": "shape-check"}),
    ("UpdateListener", {"ListenerArn": WEB_UDP, "ClientAffinity": "SOURCE_IP"}),
])
def test_raw_answers_match_the_output_model(server, operation, params):
    status, headers, body = raw_call(server, TARGET_PREFIX + operation, params)
    assert status == 200, body
    assert headers["Content-Type"] == "application/x-amz-json-1.1"
    assert headers["x-amzn-RequestId"]
    assert_matches_shape(MODEL.operation_model(operation).output_shape, body)


def test_describe_web_listeners_and_endpoint_group(client):
    listeners = client.list_listeners(AcceleratorArn=WEB)["Listeners"]
    assert [item["ListenerArn"] for item in listeners] == [WEB_TCP, WEB_UDP]
    assert listeners[0]["PortRanges"] == ports((80, 80), (443, 443))
    assert listeners[1] == {"ListenerArn": WEB_UDP, "PortRanges": ports((53, 53)), "Protocol": "UDP",
                            "ClientAffinity": "NONE"}
    groups = client.list_endpoint_groups(ListenerArn=WEB_TCP)["EndpointGroups"]
    assert len(groups) == 1
    assert groups[0]["EndpointGroupArn"] == WEB_GROUP
    assert groups[0]["EndpointGroupRegion"] == "us-east-1"
    assert groups[0]["HealthCheckPort"] == 80
    assert groups[0]["EndpointDescriptions"][0]["EndpointId"].startswith("arn:aws:elasticloadbalancing:us-east-1:")


# --- listener lifecycle --------------------------------------------------------------------------------------------

def test_create_describe_update_delete_listener(client):
    created = client.create_listener(AcceleratorArn=DEMO, PortRanges=ports((443, 443), (80, 80)), Protocol="TCP",
                                     ClientAffinity="SOURCE_IP")["Listener"]
    arn = created["ListenerArn"]
    assert arn.startswith(DEMO + "/listener/") and len(arn.rsplit("/", 1)[1]) == 8
    assert created["PortRanges"] == ports((443, 443), (80, 80))  # order kept
    assert client.describe_listener(ListenerArn=arn)["Listener"] == created
    assert [item["ListenerArn"] for item in client.list_listeners(AcceleratorArn=DEMO)["Listeners"]] == [arn]

    updated = client.update_listener(ListenerArn=arn, PortRanges=ports((8443, 8443)))["Listener"]
    assert updated == dict(created, PortRanges=ports((8443, 8443)))  # protocol and affinity kept
    updated = client.update_listener(ListenerArn=arn, ClientAffinity="NONE")["Listener"]
    assert updated["PortRanges"] == ports((8443, 8443)) and updated["ClientAffinity"] == "NONE"
    updated = client.update_listener(ListenerArn=arn, Protocol="UDP")["Listener"]
    assert updated["Protocol"] == "UDP" and updated["PortRanges"] == ports((8443, 8443))

    client.delete_listener(ListenerArn=arn)
    with pytest.raises(client.exceptions.ListenerNotFoundException):
        client.describe_listener(ListenerArn=arn)
    assert client.list_listeners(AcceleratorArn=DEMO)["Listeners"] == []


def test_client_affinity_defaults_to_none(client):
    created = client.create_listener(AcceleratorArn=DEMO, PortRanges=ports((1000, 2000)), Protocol="UDP")
    assert created["Listener"]["ClientAffinity"] == "NONE"


def test_accelerator_is_in_progress_after_a_change_then_deployed(client):
    before = client.describe_accelerator(AcceleratorArn=DEMO)["Accelerator"]
    assert before["Status"] == "DEPLOYED"
    client.create_listener(AcceleratorArn=DEMO, PortRanges=ports((80, 80)), Protocol="TCP")
    after = client.describe_accelerator(AcceleratorArn=DEMO)["Accelerator"]
    assert after["Status"] == "IN_PROGRESS"
    assert after["LastModifiedTime"] > before["LastModifiedTime"]
    deadline = time.time() + 5
    while client.describe_accelerator(AcceleratorArn=DEMO)["Accelerator"]["Status"] != "DEPLOYED":
        assert time.time() < deadline, "accelerator never became DEPLOYED"
        time.sleep(0.05)
    assert time.time() - deadline + 5 >= DEPLOY_SECONDS * 0.5


def test_changes_while_in_progress_extend_the_deployment(client):
    listener = client.create_listener(AcceleratorArn=DEMO, PortRanges=ports((80, 80)), Protocol="TCP")["Listener"]
    time.sleep(DEPLOY_SECONDS * 0.75)
    client.update_listener(ListenerArn=listener["ListenerArn"], ClientAffinity="SOURCE_IP")
    time.sleep(DEPLOY_SECONDS * 0.5)  # past the first change's deployment, inside the second's
    assert client.describe_accelerator(AcceleratorArn=DEMO)["Accelerator"]["Status"] == "IN_PROGRESS"


@pytest.mark.parametrize("change", ["delete_listener", "delete_endpoint_group"])
def test_deletes_start_a_deployment(client, change):
    if change == "delete_listener":
        client.delete_listener(ListenerArn=WEB_UDP)
    else:
        client.delete_endpoint_group(EndpointGroupArn=WEB_GROUP)
    assert client.describe_accelerator(AcceleratorArn=WEB)["Accelerator"]["Status"] == "IN_PROGRESS"


def test_reads_do_not_start_a_deployment(client):
    client.describe_listener(ListenerArn=WEB_TCP)
    client.list_listeners(AcceleratorArn=WEB)
    assert client.describe_accelerator(AcceleratorArn=WEB)["Accelerator"]["Status"] == "DEPLOYED"


# --- idempotency ---------------------------------------------------------------------------------------------------

def test_same_idempotency_token_returns_the_same_listener(client):
    request = {"AcceleratorArn": DEMO, "PortRanges": ports((80, 80)), "Protocol": "TCP", "IdempotencyToken": "tok-1"}
    first = client.create_listener(**request)["Listener"]
    second = client.create_listener(**request)["Listener"]
    assert first == second
    assert len(client.list_listeners(AcceleratorArn=DEMO)["Listeners"]) == 1


def test_same_idempotency_token_with_a_different_request_is_rejected(client):
    client.create_listener(AcceleratorArn=DEMO, PortRanges=ports((80, 80)), Protocol="TCP", IdempotencyToken="tok-2")
    with pytest.raises(client.exceptions.InvalidArgumentException) as excinfo:
        client.create_listener(AcceleratorArn=DEMO, PortRanges=ports((81, 81)), Protocol="TCP",
                               IdempotencyToken="tok-2")
    assert "IdempotencyToken" in error_of(excinfo)[2]
    with pytest.raises(client.exceptions.InvalidArgumentException):
        client.create_listener(AcceleratorArn=WEB, PortRanges=ports((80, 80)), Protocol="TCP",
                               IdempotencyToken="tok-2")
    assert len(client.list_listeners(AcceleratorArn=DEMO)["Listeners"]) == 1
    assert len(client.list_listeners(AcceleratorArn=WEB)["Listeners"]) == 2


def test_fresh_tokens_create_new_listeners(client):
    client.create_listener(AcceleratorArn=DEMO, PortRanges=ports((80, 80)), Protocol="TCP")
    with pytest.raises(client.exceptions.InvalidPortRangeException):
        client.create_listener(AcceleratorArn=DEMO, PortRanges=ports((80, 80)), Protocol="TCP")


# --- port rules ----------------------------------------------------------------------------------------------------

def test_overlapping_ports_of_the_same_protocol_are_rejected(client):
    with pytest.raises(client.exceptions.InvalidPortRangeException) as excinfo:
        client.create_listener(AcceleratorArn=WEB, PortRanges=ports((400, 500)), Protocol="TCP")
    assert error_of(excinfo)[:2] == ("InvalidPortRangeException", 400)
    assert len(client.list_listeners(AcceleratorArn=WEB)["Listeners"]) == 2


def test_same_ports_with_another_protocol_are_allowed(client):
    created = client.create_listener(AcceleratorArn=WEB, PortRanges=ports((80, 80), (443, 443)), Protocol="UDP")
    assert created["Listener"]["Protocol"] == "UDP"
    created = client.create_listener(AcceleratorArn=WEB, PortRanges=ports((53, 53)), Protocol="TCP")
    assert created["Listener"]["Protocol"] == "TCP"


@pytest.mark.parametrize("ranges", [ports((90, 80)), ports((100, 200), (150, 160)), ports((10, 10), (10, 10))])
def test_invalid_ranges_within_one_request_are_rejected(client, ranges):
    with pytest.raises(client.exceptions.InvalidPortRangeException):
        client.create_listener(AcceleratorArn=DEMO, PortRanges=ranges, Protocol="TCP")


def test_update_checks_overlaps_but_not_with_itself(client):
    assert client.update_listener(ListenerArn=WEB_TCP, PortRanges=ports((443, 443), (80, 80)))
    with pytest.raises(client.exceptions.InvalidPortRangeException):
        client.update_listener(ListenerArn=WEB_UDP, Protocol="TCP", PortRanges=ports((443, 443)))
    with pytest.raises(client.exceptions.InvalidPortRangeException):
        client.update_listener(ListenerArn=WEB_TCP, Protocol="UDP", PortRanges=ports((50, 60)))
    listener = client.describe_listener(ListenerArn=WEB_UDP)["Listener"]
    assert listener["Protocol"] == "UDP" and listener["PortRanges"] == ports((53, 53))


# --- quota and dependencies ----------------------------------------------------------------------------------------

def test_listener_quota_is_enforced(client):
    assert len(client.list_listeners(AcceleratorArn=BUSY, MaxResults=100)["Listeners"]) == 10
    with pytest.raises(client.exceptions.LimitExceededException):
        client.create_listener(AcceleratorArn=BUSY, PortRanges=ports((9000, 9000)), Protocol="TCP")
    client.delete_listener(ListenerArn=client.list_listeners(AcceleratorArn=BUSY)["Listeners"][0]["ListenerArn"])
    client.create_listener(AcceleratorArn=BUSY, PortRanges=ports((9000, 9000)), Protocol="TCP")


def test_listener_quota_comes_from_the_seed(server, client):
    admin(server, "POST", "reset", {"seed": {"accelerators": [
        {"arn": DEMO, "name": "tiny", "listener_quota": 1, "listeners": [{"protocol": "UDP", "port_ranges": ["1"]}]},
    ]}})
    with pytest.raises(client.exceptions.LimitExceededException):
        client.create_listener(AcceleratorArn=DEMO, PortRanges=ports((80, 80)), Protocol="TCP")


def test_endpoint_group_blocks_listener_delete(client):
    with pytest.raises(client.exceptions.AssociatedEndpointGroupFoundException):
        client.delete_listener(ListenerArn=WEB_TCP)
    assert client.describe_listener(ListenerArn=WEB_TCP)
    client.delete_endpoint_group(EndpointGroupArn=WEB_GROUP)
    assert client.list_endpoint_groups(ListenerArn=WEB_TCP)["EndpointGroups"] == []
    with pytest.raises(client.exceptions.EndpointGroupNotFoundException):
        client.delete_endpoint_group(EndpointGroupArn=WEB_GROUP)
    client.delete_listener(ListenerArn=WEB_TCP)


# --- not found and malformed ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("operation, params, code", [
    ("describe_accelerator", {"AcceleratorArn": MISSING_ACCELERATOR}, "AcceleratorNotFoundException"),
    ("list_listeners", {"AcceleratorArn": MISSING_ACCELERATOR}, "AcceleratorNotFoundException"),
    ("create_listener", {"AcceleratorArn": MISSING_ACCELERATOR, "PortRanges": ports((80, 80)), "Protocol": "TCP"},
     "AcceleratorNotFoundException"),
    ("describe_listener", {"ListenerArn": DEMO + "/listener/deadbeef"}, "ListenerNotFoundException"),
    ("describe_listener", {"ListenerArn": MISSING_ACCELERATOR + "/listener/0a0b0080"}, "ListenerNotFoundException"),
    ("update_listener", {"ListenerArn": DEMO + "/listener/deadbeef"}, "ListenerNotFoundException"),
    ("delete_listener", {"ListenerArn": DEMO + "/listener/deadbeef"}, "ListenerNotFoundException"),
    ("list_endpoint_groups", {"ListenerArn": DEMO + "/listener/deadbeef"}, "ListenerNotFoundException"),
    ("delete_endpoint_group", {"EndpointGroupArn": WEB_TCP + "/endpoint-group/000000000000"},
     "EndpointGroupNotFoundException"),
    ("describe_accelerator", {"AcceleratorArn": "not-an-arn"}, "InvalidArgumentException"),
    ("describe_listener", {"ListenerArn": DEMO}, "InvalidArgumentException"),
    ("delete_endpoint_group", {"EndpointGroupArn": WEB_TCP}, "InvalidArgumentException"),
])
def test_errors_map_to_modeled_exception_classes(client, operation, params, code):
    with pytest.raises(getattr(client.exceptions, code)) as excinfo:
        getattr(client, operation)(**params)
    assert error_of(excinfo)[:2] == (code, 400)


# --- pagination ----------------------------------------------------------------------------------------------------

def test_list_listeners_pages(client):
    seen, token, pages = [], None, 0
    while True:
        kwargs = {"NextToken": token} if token else {}
        answer = client.list_listeners(AcceleratorArn=BUSY, MaxResults=3, **kwargs)
        assert len(answer["Listeners"]) <= 3
        seen.extend(item["ListenerArn"] for item in answer["Listeners"])
        pages += 1
        token = answer.get("NextToken")
        if not token:
            break
    assert pages == 4
    assert len(seen) == len(set(seen)) == 10
    ports_seen = [item["PortRanges"][0]["FromPort"] for item in client.list_listeners(AcceleratorArn=BUSY)["Listeners"]]
    assert ports_seen == list(range(8001, 8011))


def test_paginator_lists_all_accelerators(client):
    paginator = client.get_paginator("list_accelerators")
    pages = list(paginator.paginate(PaginationConfig={"PageSize": 3}))
    assert [len(page["Accelerators"]) for page in pages] == [3, 3, 2]


def test_pages_survive_deletes_between_calls(client):
    first = client.list_listeners(AcceleratorArn=BUSY, MaxResults=5)
    client.delete_listener(ListenerArn=first["Listeners"][0]["ListenerArn"])
    second = client.list_listeners(AcceleratorArn=BUSY, MaxResults=5, NextToken=first["NextToken"])
    assert [item["PortRanges"][0]["FromPort"] for item in second["Listeners"]] == [8006, 8007, 8008, 8009, 8010]
    assert "NextToken" not in second


def test_list_endpoint_groups_pages(server, client):
    groups = [{"region": region} for region in ("us-east-1", "eu-west-1", "ap-south-1")]
    admin(server, "POST", "reset", {"seed": {"accelerators": [
        {"arn": DEMO, "name": "groups", "listeners": [{"arn": DEMO + "/listener/00000001", "port_ranges": ["80"],
                                                       "endpoint_groups": groups}]},
    ]}})
    paginator = client.get_paginator("list_endpoint_groups")
    pages = list(paginator.paginate(ListenerArn=DEMO + "/listener/00000001", PaginationConfig={"PageSize": 2}))
    regions = [group["EndpointGroupRegion"] for page in pages for group in page["EndpointGroups"]]
    assert regions == ["us-east-1", "eu-west-1", "ap-south-1"]
    assert len(pages) == 2


@pytest.mark.parametrize("token", ["garbage!", "eyJ4IjoxfQ=="])
def test_invalid_next_token(client, token):
    with pytest.raises(client.exceptions.InvalidNextTokenException):
        client.list_listeners(AcceleratorArn=BUSY, NextToken=token)


def test_next_token_of_another_listing_is_invalid(client):
    token = client.list_listeners(AcceleratorArn=BUSY, MaxResults=2)["NextToken"]
    with pytest.raises(client.exceptions.InvalidNextTokenException):
        client.list_accelerators(NextToken=token)


# --- model validation ----------------------------------------------------------------------------------------------

def test_port_out_of_range_is_an_invalid_port_range(client):
    with pytest.raises(client.exceptions.InvalidPortRangeException) as excinfo:
        client.create_listener(AcceleratorArn=DEMO, PortRanges=ports((70000, 70000)), Protocol="TCP")
    assert "portRanges.1.member.fromPort" in error_of(excinfo)[2]


def test_too_many_port_ranges_is_an_invalid_argument(client):
    with pytest.raises(client.exceptions.InvalidArgumentException) as excinfo:
        client.create_listener(AcceleratorArn=DEMO, PortRanges=ports(*[(port, port) for port in range(1, 12)]),
                               Protocol="TCP")
    assert "less than or equal to 10" in error_of(excinfo)[2]


def test_unknown_protocol_is_an_invalid_argument(client):
    with pytest.raises(client.exceptions.InvalidArgumentException) as excinfo:
        client.create_listener(AcceleratorArn=DEMO, PortRanges=ports((80, 80)), Protocol="HTTP")
    assert "enum value set: [TCP, UDP]" in error_of(excinfo)[2]
    with pytest.raises(client.exceptions.InvalidArgumentException):
        client.update_listener(ListenerArn=WEB_TCP, ClientAffinity="STICKY")


def test_max_results_above_the_model_maximum(client):
    with pytest.raises(client.exceptions.InvalidArgumentException):
        client.list_accelerators(MaxResults=101)


def test_missing_required_member_and_bad_json(server):
    status, dummy, body = raw_call(server, TARGET_PREFIX + "DescribeListener", {})
    assert (status, body["__type"]) == (400, "InvalidArgumentException")
    assert "listenerArn" in body["Message"]
    status, dummy, body = raw_call(server, TARGET_PREFIX + "DescribeListener", b"{not json")
    assert (status, body["__type"]) == (400, "SerializationException")


def test_unknown_operation(server):
    status, dummy, body = raw_call(server, TARGET_PREFIX + "CreateAccelerator", {"Name": "x"})
    assert (status, body["__type"]) == (400, "UnknownOperationException")
    assert admin(server, "GET", "calls")["calls"][-1]["error"] == "UnknownOperationException"


# --- authentication ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("credentials, code", [
    ({"secret_key": "wrong-secret"}, "InvalidSignatureException"),
    ({"access_key": "AKIAUNKNOWN000000000"}, "UnrecognizedClientException"),
    ({"access_key": STS_KEY, "secret_key": STS_SECRET}, "UnrecognizedClientException"),
    ({"access_key": STS_KEY, "secret_key": STS_SECRET, "token": "wrong-token"}, "UnrecognizedClientException"),
    ({"token": "unexpected-token"}, "UnrecognizedClientException"),
    ({"region": "us-east-1"}, "InvalidSignatureException"),
])
def test_bad_credentials_are_rejected(server, credentials, code):
    client = make_client(server, **credentials)
    with pytest.raises(ClientError) as excinfo:
        client.list_accelerators()
    assert error_of(excinfo)[:2] == (code, 403)
    call = admin(server, "GET", "calls")["calls"][-1]
    assert (call["operation"], call["status"], call["error"]) == ("ListAccelerators", 403, code)


def test_signature_mismatch_message(server):
    with pytest.raises(ClientError) as excinfo:
        make_client(server, secret_key="wrong").list_accelerators()
    assert error_of(excinfo)[2].startswith("The request signature we calculated does not match the signature you")


def test_sts_credentials_with_the_session_token_work(server):
    client = make_client(server, access_key=STS_KEY, secret_key=STS_SECRET, token=STS_TOKEN)
    assert len(client.list_accelerators()["Accelerators"]) == 8


def test_unsigned_request_is_rejected(server):
    status, dummy, body = raw_call(server, TARGET_PREFIX + "ListAccelerators", {}, sign=False)
    assert (status, body["__type"]) == (403, "MissingAuthenticationTokenException")


def test_signature_scoped_to_another_service_is_rejected(server):
    status, dummy, body = raw_call(server, TARGET_PREFIX + "ListAccelerators", {}, service="ec2")
    assert (status, body["__type"]) == (403, "InvalidSignatureException")
    assert "globalaccelerator" in body["Message"]


def test_tampered_body_is_rejected(server):
    request = signed_request(server, TARGET_PREFIX + "ListAccelerators", {})
    tampered = urllib.request.Request(server.url + "/", data=b'{"MaxResults": 1}', method="POST",
                                      headers=dict(request.headers))
    with pytest.raises(urllib.error.HTTPError) as excinfo:
        urllib.request.urlopen(tampered, timeout=5)  # pylint: disable=consider-using-with
    assert excinfo.value.code == 403
    assert json.loads(excinfo.value.read())["__type"] == "InvalidSignatureException"


@pytest.mark.parametrize("skew_minutes, message", [(10, "Signature expired"), (-10, "Signature not yet current")])
def test_signature_outside_the_clock_skew_window(server, skew_minutes, message):
    signed = signed_request(server, TARGET_PREFIX + "ListAccelerators", {})
    request = Request(method="POST", path="/", query={}, query_string="", raw_path="/", body=signed.body,
                      headers={name.lower(): value for name, value in signed.headers.items()}
                      | {"host": server.url.split("//", 1)[1]})
    verifier = server.service.verifier
    assert verifier.verify(request) == ACCESS_KEY
    later = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(minutes=skew_minutes)
    with pytest.raises(ServiceError) as excinfo:
        verifier.verify(request, now=later)
    assert (excinfo.value.code, excinfo.value.status) == ("InvalidSignatureException", 403)
    assert excinfo.value.message.startswith(message)


def test_credentials_are_configurable(server):
    custom = EmulatorServer(GlobalAcceleratorService(credentials={"AKIACUSTOM0000000000": ("s3cret", None)}), 0)
    custom.start()
    try:
        assert make_client(custom, access_key="AKIACUSTOM0000000000", secret_key="s3cret").list_accelerators()
        with pytest.raises(ClientError) as excinfo:
            make_client(custom).list_accelerators()
        assert error_of(excinfo)[0] == "UnrecognizedClientException"
    finally:
        custom.stop()
    assert server.service.calls == []  # the other server saw nothing


# --- admin API -----------------------------------------------------------------------------------------------------

def test_call_log_records_operations_and_params(server, client):
    client.create_listener(AcceleratorArn=DEMO, PortRanges=ports((80, 80)), Protocol="TCP", IdempotencyToken="t")
    with pytest.raises(client.exceptions.ListenerNotFoundException):
        client.describe_listener(ListenerArn=DEMO + "/listener/deadbeef")
    calls = admin(server, "GET", "calls")["calls"]
    assert [call["operation"] for call in calls] == ["CreateListener", "DescribeListener"]
    assert calls[0]["params"] == {"AcceleratorArn": DEMO, "PortRanges": ports((80, 80)), "Protocol": "TCP",
                                  "IdempotencyToken": "t"}
    assert (calls[0]["status"], calls[0]["error"]) == (200, None)
    assert (calls[1]["status"], calls[1]["error"]) == (400, "ListenerNotFoundException")
    assert calls[1]["params"] == {"ListenerArn": DEMO + "/listener/deadbeef"}
    only = admin(server, "GET", "calls?operation=DescribeListener")["calls"]
    assert [call["seq"] for call in only] == [calls[1]["seq"]]
    assert admin(server, "DELETE", "calls") == {"calls": []}
    assert admin(server, "GET", "calls")["calls"] == []


def test_injected_error_for_the_next_calls(server, client):
    admin(server, "POST", "faults", {"operation": "DescribeListener", "count": 2, "error": "ThrottlingException",
                                     "message": "Rate exceeded"})
    for dummy in range(2):
        with pytest.raises(ClientError) as excinfo:
            client.describe_listener(ListenerArn=WEB_TCP)
        assert error_of(excinfo) == ("ThrottlingException", 400, "Rate exceeded")
    client.list_listeners(AcceleratorArn=WEB)  # other operations are not affected
    assert client.describe_listener(ListenerArn=WEB_TCP)["Listener"]["ListenerArn"] == WEB_TCP


def test_injected_internal_error_raises_the_modeled_exception(server, client):
    admin(server, "POST", "faults", {"operation": "*", "error": "InternalServiceErrorException", "status": 500})
    with pytest.raises(client.exceptions.InternalServiceErrorException):
        client.list_accelerators()


def test_injected_delay(server, client):
    admin(server, "POST", "faults", {"operation": "ListAccelerators", "delay": 0.3})
    started = time.monotonic()
    assert client.list_accelerators()["Accelerators"]
    assert time.monotonic() - started >= 0.3


def test_dropped_connection(server, client):
    admin(server, "POST", "faults", {"operation": "DescribeAccelerator", "drop": True})
    with pytest.raises(ConnectionClosedError):
        client.describe_accelerator(AcceleratorArn=DEMO)
    assert client.describe_accelerator(AcceleratorArn=DEMO)


def test_error_after_the_change_was_applied(server, client):
    admin(server, "POST", "faults", {"operation": "CreateListener", "error": "InternalServiceErrorException",
                                     "after": True})
    request = {"AcceleratorArn": DEMO, "PortRanges": ports((80, 80)), "Protocol": "TCP", "IdempotencyToken": "lost"}
    with pytest.raises(client.exceptions.InternalServiceErrorException):
        client.create_listener(**request)
    listeners = client.list_listeners(AcceleratorArn=DEMO)["Listeners"]
    assert len(listeners) == 1
    assert client.create_listener(**request)["Listener"] == listeners[0]  # the retry gets the same listener


def test_reset_restores_the_seed_and_state_dump(server, client):
    client.delete_listener(ListenerArn=WEB_UDP)
    admin(server, "POST", "faults", {"operation": "*", "error": "ThrottlingException"})
    assert admin(server, "POST", "reset") == {"reset": True}
    assert admin(server, "GET", "faults") == {"faults": []}
    state = admin(server, "GET", "state")
    assert state["deploy_seconds"] == DEPLOY_SECONDS
    web = [item for item in state["accelerators"] if item["AcceleratorArn"] == WEB][0]
    assert [listener["ListenerArn"] for listener in web["Listeners"]] == [WEB_TCP, WEB_UDP]
    assert web["Listeners"][0]["EndpointGroups"][0]["EndpointGroupArn"] == WEB_GROUP
    assert client.describe_listener(ListenerArn=WEB_UDP)


def test_reset_with_a_custom_seed(server, client):
    admin(server, "POST", "reset", {"seed": {"accelerators": [
        {"arn": DEMO, "name": "only-one", "status": "IN_PROGRESS", "enabled": False},
    ]}})
    accelerators = client.list_accelerators()["Accelerators"]
    assert [(item["Name"], item["Status"], item["Enabled"]) for item in accelerators] == [
        ("only-one", "IN_PROGRESS", False)]


def test_invalid_seed_is_refused_and_the_state_kept(server):
    service = server.service
    with pytest.raises(ValueError):
        service.reset({"accelerators": [{"arn": "arn:aws:globalaccelerator::1:accelerator/x", "name": "bad"}]})
    with pytest.raises(ValueError):
        service.reset({"accelerators": [{"arn": DEMO, "name": "a", "listeners": [
            {"port_ranges": ["80-90"]}, {"port_ranges": ["85"]}]}]})
    assert len(service.state()["accelerators"]) == 8


def test_config_sets_deploy_seconds(server, client):
    assert admin(server, "POST", "config", {"deploy_seconds": 0}) == {"deploy_seconds": 0.0}
    client.create_listener(AcceleratorArn=DEMO, PortRanges=ports((80, 80)), Protocol="TCP")
    assert client.describe_accelerator(AcceleratorArn=DEMO)["Accelerator"]["Status"] == "DEPLOYED"


# --- concurrency ---------------------------------------------------------------------------------------------------

def test_concurrent_creates_respect_the_quota(server):
    results = []

    def create(port):
        client = make_client(server)
        try:
            client.create_listener(AcceleratorArn=DEMO, PortRanges=ports((port, port)), Protocol="TCP")
            results.append("ok")
        except client.exceptions.LimitExceededException:
            results.append("limit")

    threads = [threading.Thread(target=create, args=(1000 + index,)) for index in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["limit"] * 2 + ["ok"] * 10
    assert len(make_client(server).list_listeners(AcceleratorArn=DEMO, MaxResults=100)["Listeners"]) == 10
