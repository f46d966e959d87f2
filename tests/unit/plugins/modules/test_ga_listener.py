# -*- coding: utf-8 -*-
# Copyright (c) multicloud.listeners contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""ga_listener and ga_listener_info against botocore's Stubber, which checks every request
against the service model; the queue of stubbed responses is the exact list of calls allowed."""

import json

import boto3
import pytest
from botocore.stub import ANY, Stubber

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.multicloud.listeners.plugins.module_utils import _ga
from ansible_collections.multicloud.listeners.plugins.module_utils._ga_state import create_token
from ansible_collections.multicloud.listeners.plugins.modules import ga_listener, ga_listener_info
from ansible_collections.multicloud.listeners.tests.unit.plugins.modules.module_runner import run_module

ACC = "arn:aws:globalaccelerator::123456789012:accelerator/1234abcd-abcd-1234-abcd-1234abcdefab"
L1 = ACC + "/listener/aaaa0001"
L2 = ACC + "/listener/aaaa0002"
EG = L1 + "/endpoint-group/0123456789ab"
NOW = 1_700_000_000
CREDS = {"access_key": "AKIAEXAMPLE", "secret_key": "secret-example", "region": "eu-west-1"}


@pytest.fixture
def stub(monkeypatch):
    client = boto3.client("globalaccelerator", region_name="us-west-2", aws_access_key_id="x", aws_secret_access_key="y")
    regions = []

    def fake_client(self, service, **extra):
        regions.append(extra.get("region"))
        assert extra["config"].retries == {"mode": "standard", "total_max_attempts": 1}  # one retry policy: ours
        return client

    monkeypatch.setattr(AnsibleAWSModule, "client", fake_client)
    monkeypatch.setattr(_ga.time, "sleep", lambda seconds: None)
    monkeypatch.setattr(ga_listener.time, "time", lambda: NOW)
    with Stubber(client) as stubber:
        stubber.regions = regions
        yield stubber
        stubber.assert_no_pending_responses()


def run(module, capsys, check_mode=False, diff=False, **args):
    return run_module(module, capsys, dict(CREDS, **args), check_mode, diff)


def api_listener(arn, protocol, *ports, affinity="NONE"):
    return {"ListenerArn": arn, "Protocol": protocol, "ClientAffinity": affinity,
            "PortRanges": [{"FromPort": p, "ToPort": p} for p in ports]}


def listed(stub, *listeners, next_token=None, token_in=None):
    params = {"AcceleratorArn": ACC, "MaxResults": 100}
    if token_in:
        params["NextToken"] = token_in
    response = {"Listeners": list(listeners)}
    if next_token:
        response["NextToken"] = next_token
    stub.add_response("list_listeners", response, params)


def accelerator_status(stub, *statuses):
    for status in statuses:
        stub.add_response("describe_accelerator", {"Accelerator": {"AcceleratorArn": ACC, "Status": status}},
                          {"AcceleratorArn": ACC})


def test_no_change_reads_one_page_and_uses_us_west_2(stub, capsys):
    listed(stub, api_listener(L1, "TCP", 443, 80))
    result = run(ga_listener, capsys, accelerator_arn=ACC, protocol="TCP",
                 port_ranges=[{"from_port": 80}, {"from_port": 443}])
    assert result["changed"] is False
    assert result["listener"]["port_ranges"] == [{"from_port": 80, "to_port": 80}, {"from_port": 443, "to_port": 443}]
    assert result["plan"]["action"] == "none"
    assert stub.regions == ["us-west-2"]


def test_create_sends_derived_token_and_waits(stub, capsys):
    listed(stub, api_listener(L2, "UDP", 53))
    desired = {"listener_arn": None, "accelerator_arn": ACC, "protocol": "TCP",
               "port_ranges": [{"from_port": 80, "to_port": 80}], "client_affinity": "NONE"}
    existing = [{"listener_arn": L2}]
    stub.add_response("create_listener", {"Listener": api_listener(L1, "TCP", 80)}, {
        "AcceleratorArn": ACC, "PortRanges": [{"FromPort": 80, "ToPort": 80}], "Protocol": "TCP",
        "ClientAffinity": "NONE", "IdempotencyToken": create_token(ACC, desired, existing, NOW)})
    accelerator_status(stub, "IN_PROGRESS", "IN_PROGRESS", "DEPLOYED")
    result = run(ga_listener, capsys, diff=True, accelerator_arn=ACC, protocol="TCP", port_ranges=[{"from_port": 80}])
    assert result["changed"] is True
    assert result["listener"]["listener_arn"] == L1
    assert result["diff"] == {"before": {}, "after": result["listener"]}
    assert result["plan"]["action"] == "create"


def test_check_mode_create_makes_no_write(stub, capsys):
    listed(stub)
    result = run(ga_listener, capsys, check_mode=True, accelerator_arn=ACC, protocol="UDP",
                 port_ranges=[{"from_port": 53}])
    assert result["changed"] is True
    assert result["listener"] == {"listener_arn": None, "accelerator_arn": ACC, "protocol": "UDP",
                                  "port_ranges": [{"from_port": 53, "to_port": 53}], "client_affinity": "NONE"}


def test_overlapping_listener_is_updated_in_place_with_only_the_ports(stub, capsys):
    listed(stub, api_listener(L1, "TCP", 80, 443, affinity="SOURCE_IP"), api_listener(L2, "UDP", 443))
    stub.add_response("update_listener", {"Listener": api_listener(L1, "TCP", 80, 8443, affinity="SOURCE_IP")},
                      {"ListenerArn": L1, "PortRanges": [{"FromPort": 80, "ToPort": 80}, {"FromPort": 8443, "ToPort": 8443}]})
    result = run(ga_listener, capsys, diff=True, wait=False, accelerator_arn=ACC, protocol="TCP",
                 port_ranges=[{"from_port": 8443}, {"from_port": 80}])
    assert result["changed"] is True
    assert result["diff"]["before"]["port_ranges"][1] == {"from_port": 443, "to_port": 443}
    assert result["diff"]["after"]["port_ranges"][1] == {"from_port": 8443, "to_port": 8443}
    assert result["listener"]["client_affinity"] == "SOURCE_IP"
    assert list(result["plan"]["changes"]) == ["port_ranges"]


def test_predicted_overlap_fails_before_any_write(stub, capsys):
    listed(stub, api_listener(L1, "TCP", 80), api_listener(L2, "TCP", 443))
    result = run(ga_listener, capsys, listener_arn=L1, port_ranges=[{"from_port": 80}, {"from_port": 443}])
    assert result["failed"] is True
    assert "InvalidPortRangeException" in result["msg"] and L2 in result["msg"]
    assert result["plan"]["error"] == {"code": "InvalidPortRangeException", "message": result["msg"], "request_id": None}


def test_by_name_reads_every_page(stub, capsys):
    stub.add_response("list_accelerators", {"Accelerators": [{"AcceleratorArn": "arn:other", "Name": "a"}],
                                            "NextToken": "t1"}, {"MaxResults": 100})
    stub.add_response("list_accelerators", {"Accelerators": [{"AcceleratorArn": ACC, "Name": "web"}]},
                      {"MaxResults": 100, "NextToken": "t1"})
    listed(stub, api_listener(L2, "UDP", 53), next_token="p2")
    listed(stub, api_listener(L1, "TCP", 80), token_in="p2")
    result = run(ga_listener_info, capsys, accelerator_name="web")
    assert [item["listener_arn"] for item in result["listeners"]] == [L1, L2]


def test_absent_with_endpoint_groups_needs_force(stub, capsys):
    listed(stub, api_listener(L1, "TCP", 80))
    stub.add_response("list_endpoint_groups", {"EndpointGroups": [{"EndpointGroupArn": EG}]},
                      {"ListenerArn": L1, "MaxResults": 100})
    result = run(ga_listener, capsys, state="absent", accelerator_arn=ACC, protocol="TCP", port_ranges=[{"from_port": 80}])
    assert result["failed"] is True
    assert result["msg"] == "listener %s still has endpoint groups (%s); set force: true to delete them with the listener" % (L1, EG)


def test_absent_force_deletes_groups_then_listener(stub, capsys):
    listed(stub, api_listener(L1, "TCP", 80))
    stub.add_response("list_endpoint_groups", {"EndpointGroups": [{"EndpointGroupArn": EG}]},
                      {"ListenerArn": L1, "MaxResults": 100})
    stub.add_response("delete_endpoint_group", {}, {"EndpointGroupArn": EG})
    stub.add_response("delete_listener", {}, {"ListenerArn": L1})
    accelerator_status(stub, "DEPLOYED")
    result = run(ga_listener, capsys, state="absent", force=True, listener_arn=L1)
    assert result["changed"] is True and result["listener"] == {}
    assert result["plan"]["action"] == "delete"


def test_absent_by_arn_on_missing_accelerator_is_unchanged(stub, capsys):
    stub.add_client_error("list_listeners", "AcceleratorNotFoundException", http_status_code=400)
    result = run(ga_listener, capsys, state="absent", listener_arn=L1)
    assert result["changed"] is False


def test_api_error_names_the_code(stub, capsys):
    listed(stub)
    stub.add_client_error("create_listener", "AccessDeniedException", "not allowed", http_status_code=400,
                          expected_params={"AcceleratorArn": ACC, "PortRanges": ANY, "Protocol": "TCP",
                                           "ClientAffinity": "NONE", "IdempotencyToken": ANY})
    result = run(ga_listener, capsys, accelerator_arn=ACC, protocol="TCP", port_ranges=[{"from_port": 80}])
    assert result["failed"] is True
    assert "AccessDeniedException" in result["msg"]


def fake_clock(monkeypatch):
    """time.sleep advances time.monotonic: a 1-second wait_timeout runs out after two polls, without waiting."""
    clock = [0.0]
    monkeypatch.setattr(_ga.time, "monotonic", lambda: clock[0])
    monkeypatch.setattr(_ga.time, "sleep", lambda seconds: clock.__setitem__(0, clock[0] + seconds))


def test_wait_timeout_reports_the_accepted_change(stub, capsys, monkeypatch):
    listed(stub, api_listener(L1, "TCP", 80))
    stub.add_response("update_listener", {"Listener": api_listener(L1, "TCP", 80, affinity="SOURCE_IP")},
                      {"ListenerArn": L1, "ClientAffinity": "SOURCE_IP"})
    accelerator_status(stub, "IN_PROGRESS", "IN_PROGRESS")
    fake_clock(monkeypatch)
    result = run(ga_listener, capsys, wait_timeout=1, listener_arn=L1, client_affinity="SOURCE_IP")
    assert result["failed"] is True and result["changed"] is True
    assert result["msg"].startswith("The change was accepted (listener %s was updated), but accelerator" % L1)
    assert result["msg"].endswith("last status: IN_PROGRESS")
    assert result["listener"]["client_affinity"] == "SOURCE_IP"


@pytest.mark.parametrize("args, message", [
    ({"accelerator_arn": ACC, "protocol": "TCP", "port_ranges": [{"from_port": 70000}]},
     "port_ranges[0].from_port: 70000 is not a valid port; allowed: an integer from 1 to 65535"),
    ({"accelerator_arn": ACC, "protocol": "HTTP", "port_ranges": [{"from_port": 80}]},
     "value of protocol must be one of: TCP, UDP, got: HTTP"),
    ({"listener_arn": "arn:nope"},
     "listener_arn: 'arn:nope' is not a Global Accelerator listener ARN; allowed: "
     "arn:aws:globalaccelerator::<account id>:accelerator/<id>/listener/<id>"),
])
def test_bad_input_fails_without_calls(stub, capsys, args, message):
    result = run(ga_listener, capsys, **args)
    assert result["failed"] is True
    assert result["msg"] == message


def test_throttling_is_retried_then_succeeds(stub, capsys):
    stub.add_client_error("list_listeners", "ThrottlingException", "Rate exceeded", http_status_code=400)
    stub.add_client_error("list_listeners", "InternalServiceErrorException", "oops", http_status_code=500)
    listed(stub, api_listener(L1, "TCP", 80))
    result = run(ga_listener, capsys, accelerator_arn=ACC, protocol="TCP", port_ranges=[{"from_port": 80}])
    assert result["changed"] is False


def test_retries_are_bounded_and_reported(stub, capsys):
    for dummy in range(6):
        stub.add_client_error("list_listeners", "ThrottlingException", "Rate exceeded", http_status_code=400)
    result = run(ga_listener, capsys, accelerator_arn=ACC, protocol="TCP", port_ranges=[{"from_port": 80}])
    assert result["failed"] is True
    assert "gave up after 6 attempts" in result["msg"]
    assert "retried on: ThrottlingException" in result["msg"]
    assert result["retries"] == 5


def test_client_errors_are_not_retried(stub, capsys):
    stub.add_client_error("list_listeners", "AccessDeniedException", "no", http_status_code=400)
    result = run(ga_listener, capsys, accelerator_arn=ACC, protocol="TCP", port_ranges=[{"from_port": 80}])
    assert result["failed"] is True and result["retries"] == 0
    assert "AccessDeniedException" in result["msg"]


def test_delete_whose_answer_was_lost_counts_as_done(stub, capsys):
    listed(stub, api_listener(L1, "TCP", 80))
    stub.add_response("list_endpoint_groups", {"EndpointGroups": []}, {"ListenerArn": L1, "MaxResults": 100})
    stub.add_client_error("delete_listener", "InternalServiceErrorException", "lost", http_status_code=500)
    stub.add_client_error("delete_listener", "ListenerNotFoundException", "gone", http_status_code=400)
    result = run(ga_listener, capsys, state="absent", wait=False, listener_arn=L1)
    assert result["changed"] is True and result["listener"] == {}


def test_plain_http_to_a_remote_host_is_refused_before_any_call(stub, capsys):
    result = run(ga_listener, capsys, endpoint_url="http://10.9.8.7:4601", accelerator_arn=ACC, protocol="TCP",
                 port_ranges=[{"from_port": 80}])
    assert result["failed"] is True
    assert result["msg"].startswith("endpoint_url 'http://10.9.8.7:4601' uses plain HTTP, which is allowed only for loopback")


def test_plain_http_opt_in_warns(stub, capsys):
    listed(stub, api_listener(L1, "TCP", 80))
    result = run(ga_listener, capsys, endpoint_url="http://10.9.8.7:4601", allow_http_endpoint=True,
                 accelerator_arn=ACC, protocol="TCP", port_ranges=[{"from_port": 80}])
    assert result["changed"] is False
    assert "plain HTTP to a non-loopback host" in json.dumps(result["warnings"])


def test_a_delete_failing_after_its_groups_went_is_a_change(stub, capsys):
    listed(stub, api_listener(L1, "TCP", 80))
    stub.add_response("list_endpoint_groups", {"EndpointGroups": [{"EndpointGroupArn": EG}]},
                      {"ListenerArn": L1, "MaxResults": 100})
    stub.add_response("delete_endpoint_group", {}, {"EndpointGroupArn": EG})
    stub.add_client_error("delete_listener", "AccessDeniedException", "not allowed", http_status_code=400,
                          expected_params={"ListenerArn": L1})
    result = run(ga_listener, capsys, state="absent", force=True, listener_arn=L1)
    assert result["failed"] is True and result["changed"] is True
    assert "AccessDeniedException" in result["msg"]


ACC_B = "arn:aws:globalaccelerator::123456789012:accelerator/bbbbbbbb-abcd-1234-abcd-1234abcdefab"


def test_a_listener_arn_of_another_accelerator_than_the_named_one_is_refused_before_any_write(stub, capsys):
    stub.add_response("list_accelerators", {"Accelerators": [{"AcceleratorArn": ACC_B, "Name": "b"}]}, {"MaxResults": 100})
    result = run(ga_listener, capsys, listener_arn=L1, accelerator_name="b", protocol="TCP", port_ranges=[{"from_port": 81}])
    assert result["failed"] is True and not result.get("changed")
    assert result["msg"] == ("listener_arn %s belongs to accelerator %s, but accelerator_name 'b' names accelerator %s; "
                             "allowed: options that name the same accelerator (give one of them)" % (L1, ACC, ACC_B))


def test_a_listener_arn_with_its_own_accelerator_name_is_used(stub, capsys):
    stub.add_response("list_accelerators", {"Accelerators": [{"AcceleratorArn": ACC, "Name": "a"}]}, {"MaxResults": 100})
    listed(stub, api_listener(L1, "TCP", 80))
    result = run(ga_listener, capsys, listener_arn=L1, accelerator_name="a")
    assert result["changed"] is False and result["listener"]["listener_arn"] == L1


@pytest.mark.parametrize("args, differs", [
    ({"protocol": "UDP"}, "protocol UDP (the listener's is TCP)"),
    ({"port_ranges": [{"from_port": 443}]}, "port_ranges 443 (the listener's are 80)"),
    ({"protocol": "UDP", "port_ranges": [{"from_port": 80}, {"from_port": 443}]},
     "protocol UDP (the listener's is TCP) and port_ranges 80, 443 (the listener's are 80)"),
])
def test_absent_by_arn_with_other_protocol_or_ports_deletes_nothing(stub, capsys, args, differs):
    listed(stub, api_listener(L1, "TCP", 80))
    result = run(ga_listener, capsys, state="absent", listener_arn=L1, **args)
    assert result["failed"] is True and result["changed"] is False
    assert result["msg"] == ("listener_arn %s and %s do not name the same listener; nothing was deleted. Allowed with "
                             "state=absent: listener_arn alone, or with the protocol and port_ranges the listener has" % (L1, differs))


def test_absent_by_arn_with_its_own_protocol_and_ports_deletes_it(stub, capsys):
    listed(stub, api_listener(L1, "TCP", 80))
    stub.add_response("list_endpoint_groups", {"EndpointGroups": []}, {"ListenerArn": L1, "MaxResults": 100})
    stub.add_response("delete_listener", {}, {"ListenerArn": L1})
    result = run(ga_listener, capsys, state="absent", wait=False, listener_arn=L1, protocol="TCP", port_ranges=[{"from_port": 80}])
    assert result["changed"] is True


@pytest.mark.parametrize("option", ["listener_arn", "accelerator_arn", "accelerator_name"])
@pytest.mark.parametrize("value", ["", "   ", None])
def test_a_blank_identity_option_is_refused_without_calls(stub, capsys, option, value):
    result = run(ga_listener, capsys, protocol="TCP", port_ranges=[{"from_port": 80}], **{option: value})
    assert result["failed"] is True
    shown = "null" if value is None else repr(value)
    assert result["msg"].startswith("%s: %s was given, which names no resource" % (option, shown))


def test_a_create_whose_answers_were_all_lost_reports_the_listener_the_service_made(stub, capsys):
    listed(stub, api_listener(L2, "UDP", 53))
    for dummy in range(6):
        stub.add_client_error("create_listener", "InternalServiceErrorException", "lost", http_status_code=500)
    listed(stub, api_listener(L2, "UDP", 53), api_listener(L1, "TCP", 80))
    result = run(ga_listener, capsys, accelerator_arn=ACC, protocol="TCP", port_ranges=[{"from_port": 80}])
    assert result["failed"] is True and result["changed"] is True
    assert result["listener"]["listener_arn"] == L1
    assert result["plan"]["action"] == "create" and "error" not in result["plan"]
    assert "a read afterwards shows the create was applied (%s)" % L1 in result["msg"]


def test_a_failed_update_that_did_not_land_is_not_a_change(stub, capsys):
    listed(stub, api_listener(L1, "TCP", 80))
    stub.add_client_error("update_listener", "AccessDeniedException", "no", http_status_code=400)  # a refusal: no read back
    result = run(ga_listener, capsys, listener_arn=L1, client_affinity="SOURCE_IP")
    assert result["failed"] is True and result["changed"] is False
    assert result["plan"]["error"]["code"] == "AccessDeniedException"


def test_a_failing_deployed_poll_after_a_create_reports_the_listener_and_plan(stub, capsys):
    listed(stub)
    stub.add_response("create_listener", {"Listener": api_listener(L1, "TCP", 80)}, None)
    stub.add_client_error("describe_accelerator", "AccessDeniedException", "no", http_status_code=400)
    result = run(ga_listener, capsys, accelerator_arn=ACC, protocol="TCP", port_ranges=[{"from_port": 80}])
    assert result["failed"] is True and result["changed"] is True
    assert result["listener"]["listener_arn"] == L1
    assert result["plan"]["action"] == "create" and result["plan"]["id"] == L1
    assert result["msg"].startswith("The change was accepted (listener %s was created), but waiting for DEPLOYED failed" % L1)


# --- ga_listener_info role_vars (adoption) ----------------------------------------------------------------------


@pytest.mark.parametrize("args, expected_accelerator", [
    ({"accelerator_arn": ACC}, {"ga_listeners_accelerator_arn": ACC}),
    ({"listener_arn": L1}, {"ga_listeners_accelerator_arn": ACC}),
])
@pytest.mark.parametrize("mode, affinity", [("non_default", {}), ("all", {"client_affinity": "NONE"})])
def test_info_role_vars(stub, capsys, args, expected_accelerator, mode, affinity):
    listed(stub, api_listener(L2, "UDP", 53), api_listener(L1, "TCP", 443, 80, affinity="SOURCE_IP"))
    result = run(ga_listener_info, capsys, role_vars=mode, **args)
    tcp = {"protocol": "TCP", "port_ranges": [{"from_port": 80, "to_port": 80}, {"from_port": 443, "to_port": 443}],
           "client_affinity": "SOURCE_IP"}
    udp = dict({"protocol": "UDP", "port_ranges": [{"from_port": 53, "to_port": 53}]}, **affinity)
    assert result["role_vars"] == dict(expected_accelerator, ga_listeners_listeners=[tcp] if "listener_arn" in args else [tcp, udp])
    assert [item["listener_arn"] for item in result["listeners"]] == ([L1] if "listener_arn" in args else [L1, L2])


def test_info_role_vars_by_name_keep_the_name(stub, capsys):
    stub.add_response("list_accelerators", {"Accelerators": [{"AcceleratorArn": ACC, "Name": "web"}]}, {"MaxResults": 100})
    listed(stub, api_listener(L1, "TCP", 80))
    result = run(ga_listener_info, capsys, accelerator_name="web", role_vars="non_default")
    assert result["role_vars"] == {"ga_listeners_accelerator_name": "web",
                                   "ga_listeners_listeners": [{"protocol": "TCP", "port_ranges": [{"from_port": 80, "to_port": 80}]}]}


def test_info_without_role_vars_returns_none(stub, capsys):
    listed(stub, api_listener(L1, "TCP", 80))
    assert "role_vars" not in run(ga_listener_info, capsys, accelerator_arn=ACC)


@pytest.mark.parametrize("value", ["full", "ALL", ""])
def test_info_bad_role_vars_fails_before_any_call(stub, capsys, value):
    result = run(ga_listener_info, capsys, accelerator_arn=ACC, role_vars=value)
    assert result["failed"] is True
    assert result["msg"] == "value of role_vars must be one of: none, non_default, all, got: %s" % value
