# -*- coding: utf-8 -*-
# Copyright (c) multicloud.listeners contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""ga_accelerator_listeners against botocore's Stubber: the queue of stubbed responses is the
exact list of calls allowed, in order, each checked against the service model."""

import boto3
import pytest
from botocore.stub import Stubber

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.multicloud.listeners.plugins.module_utils import _ga
from ansible_collections.multicloud.listeners.plugins.module_utils._ga_state import create_token
from ansible_collections.multicloud.listeners.plugins.modules import ga_accelerator_listeners as module
from ansible_collections.multicloud.listeners.tests.unit.plugins.modules.module_runner import run_module
from ansible_collections.multicloud.listeners.tests.unit.plugins.modules.test_ga_listener import ACC
from ansible_collections.multicloud.listeners.tests.unit.plugins.modules.test_ga_listener import CREDS
from ansible_collections.multicloud.listeners.tests.unit.plugins.modules.test_ga_listener import accelerator_status
from ansible_collections.multicloud.listeners.tests.unit.plugins.modules.test_ga_listener import api_listener
from ansible_collections.multicloud.listeners.tests.unit.plugins.modules.test_ga_listener import fake_clock
from ansible_collections.multicloud.listeners.tests.unit.plugins.modules.test_ga_listener import listed

NOW = 1_700_000_000
LA, LB, LC, LN = (ACC + "/listener/" + suffix for suffix in ("aaaa000a", "aaaa000b", "aaaa000c", "aaaa00ff"))
EG = LC + "/endpoint-group/0123456789ab"


@pytest.fixture
def stub(monkeypatch):
    client = boto3.client("globalaccelerator", region_name="us-west-2", aws_access_key_id="x", aws_secret_access_key="y")
    monkeypatch.setattr(AnsibleAWSModule, "client", lambda self, service, **extra: client)
    monkeypatch.setattr(_ga.time, "sleep", lambda seconds: None)
    monkeypatch.setattr(module.time, "time", lambda: NOW)
    with Stubber(client) as stubber:
        yield stubber
        stubber.assert_no_pending_responses()


def run(capsys, check_mode=False, diff=False, **args):
    return run_module(module, capsys, dict(CREDS, **dict({"accelerator_arn": ACC}, **args)), check_mode, diff)


def tcp(*ports, **extra):
    return dict({"protocol": "TCP", "port_ranges": [{"from_port": port} for port in ports]}, **extra)


def no_groups(stub, listener_arn):
    stub.add_response("list_endpoint_groups", {"EndpointGroups": []}, {"ListenerArn": listener_arn, "MaxResults": 100})


def seeded(stub):
    listed(stub, api_listener(LA, "TCP", 80), api_listener(LB, "TCP", 443), api_listener(LC, "UDP", 53))


def test_a_set_in_sync_is_one_read(stub, capsys):
    seeded(stub)
    result = run(capsys, listeners=[tcp(443), tcp(80, client_affinity="NONE"), {"protocol": "UDP", "port_ranges": [{"from_port": 53}]}])
    assert result["changed"] is False
    assert [record["action"] for record in result["plan"]] == ["none", "none", "none"]
    assert [record["id"] for record in result["plan"]] == [LB, LA, LC]
    assert [item["listener_arn"] for item in result["listeners"]] == [LA, LB, LC]


def test_check_mode_reads_only_and_predicts(stub, capsys):
    seeded(stub)
    no_groups(stub, LC)
    result = run(capsys, check_mode=True, diff=True, purge=True,
                 listeners=[tcp(80, client_affinity="SOURCE_IP"), tcp(443, 8443), tcp(9000)])
    assert result["changed"] is True
    assert [(record["action"], record["id"]) for record in result["plan"]] == [
        ("update", LA), ("update", LB), ("create", None), ("delete", LC)]
    assert [(item["listener_arn"], item["port_ranges"][-1]["from_port"]) for item in result["listeners"]] == [
        (LA, 80), (LB, 8443), (None, 9000)]
    assert len(result["diff"]["before"]["listeners"]) == 3 and result["diff"]["after"]["listeners"] == result["listeners"]


def test_apply_writes_in_order_and_waits_once(stub, capsys):
    seeded(stub)
    no_groups(stub, LC)
    stub.add_response("delete_listener", {}, {"ListenerArn": LC})
    stub.add_response("update_listener", {"Listener": api_listener(LA, "TCP", 80, affinity="SOURCE_IP")},
                      {"ListenerArn": LA, "ClientAffinity": "SOURCE_IP"})
    stub.add_response("update_listener", {"Listener": api_listener(LB, "TCP", 443, 8443)},
                      {"ListenerArn": LB, "PortRanges": [{"FromPort": 443, "ToPort": 443}, {"FromPort": 8443, "ToPort": 8443}]})
    existing = [{"listener_arn": arn} for arn in (LA, LB, LC)]
    new = {"accelerator_arn": ACC, "protocol": "TCP", "port_ranges": [{"from_port": 9000, "to_port": 9000}], "client_affinity": "NONE"}
    stub.add_response("create_listener", {"Listener": api_listener(LN, "TCP", 9000)}, {
        "AcceleratorArn": ACC, "PortRanges": [{"FromPort": 9000, "ToPort": 9000}], "Protocol": "TCP", "ClientAffinity": "NONE",
        "IdempotencyToken": create_token(ACC, new, existing, NOW)})
    accelerator_status(stub, "IN_PROGRESS", "DEPLOYED")
    result = run(capsys, purge=True, listeners=[tcp(80, client_affinity="SOURCE_IP"), tcp(443, 8443), tcp(9000)])
    assert result["changed"] is True
    assert [(record["action"], record["id"]) for record in result["plan"]] == [
        ("update", LA), ("update", LB), ("create", LN), ("delete", LC)]
    assert [item["listener_arn"] for item in result["listeners"]] == [LA, LB, LN]
    assert result["listeners"][0]["client_affinity"] == "SOURCE_IP"


def test_endpoint_groups_refuse_a_purge_before_any_write(stub, capsys):
    seeded(stub)
    stub.add_response("list_endpoint_groups", {"EndpointGroups": [{"EndpointGroupArn": EG}]}, {"ListenerArn": LC, "MaxResults": 100})
    result = run(capsys, purge=True, listeners=[tcp(80, client_affinity="SOURCE_IP"), tcp(443)])
    assert result["failed"] is True and result["changed"] is False
    assert result["msg"] == ("listener %s still has endpoint groups (%s); set purge_force: true to delete them with the listener"
                             % (LC, EG))
    assert [(record["action"], record["id"], record["error"]["code"]) for record in result["plan"]] == [
        ("delete", LC, "AssociatedEndpointGroupFoundException")]


def test_endpoint_groups_of_an_absent_entry_name_its_force(stub, capsys):
    seeded(stub)
    stub.add_response("list_endpoint_groups", {"EndpointGroups": [{"EndpointGroupArn": EG}]}, {"ListenerArn": LC, "MaxResults": 100})
    result = run(capsys, listeners=[tcp(80), {"protocol": "UDP", "port_ranges": [{"from_port": 53}], "state": "absent"}])
    assert result["failed"] is True
    assert "set listeners[1].force: true" in result["msg"]


def test_force_deletes_the_groups_first(stub, capsys):
    seeded(stub)
    stub.add_response("list_endpoint_groups", {"EndpointGroups": [{"EndpointGroupArn": EG}]}, {"ListenerArn": LC, "MaxResults": 100})
    stub.add_response("delete_endpoint_group", {}, {"EndpointGroupArn": EG})
    stub.add_response("delete_listener", {}, {"ListenerArn": LC})
    result = run(capsys, wait=False, listeners=[{"protocol": "UDP", "port_ranges": [{"from_port": 53}], "state": "absent", "force": True}])
    assert result["changed"] is True and [item["listener_arn"] for item in result["listeners"]] == [LA, LB]


def test_quota_refusal_names_the_first_create(stub, capsys):
    listed(stub, *(api_listener(ACC + "/listener/%08d" % port, "TCP", port) for port in range(1, 11)))
    result = run(capsys, listeners=[tcp(5000)])
    assert result["failed"] is True
    assert result["plan"][0]["action"] == "create" and result["plan"][0]["error"]["code"] == "LimitExceededException"
    assert "would have 11 listeners" in result["msg"]


def test_ambiguous_entry_fails_before_any_write(stub, capsys):
    seeded(stub)
    result = run(capsys, listeners=[tcp(80, 443, 8443)])
    assert result["failed"] is True and "listeners[0]: TCP 80, 443, 8443 overlaps 2 TCP listeners" in result["msg"]


def test_a_failed_write_reports_the_applied_ones(stub, capsys):
    seeded(stub)
    stub.add_response("update_listener", {"Listener": api_listener(LA, "TCP", 80, affinity="SOURCE_IP")},
                      {"ListenerArn": LA, "ClientAffinity": "SOURCE_IP"})
    stub.add_client_error("update_listener", "AccessDeniedException", "not allowed", http_status_code=400,
                          expected_params={"ListenerArn": LB, "ClientAffinity": "SOURCE_IP"})
    result = run(capsys, listeners=[tcp(80, client_affinity="SOURCE_IP"), tcp(443, client_affinity="SOURCE_IP")])
    assert result["failed"] is True and result["changed"] is True
    assert "AccessDeniedException" in result["msg"] and result["retries"] == 0
    assert [(record["action"], record["id"], (record.get("error") or {}).get("code")) for record in result["plan"]] == [
        ("update", LA, None), ("update", LB, "AccessDeniedException")]


def test_wait_timeout_reports_the_applied_writes(stub, capsys, monkeypatch):
    seeded(stub)
    stub.add_response("update_listener", {"Listener": api_listener(LA, "TCP", 80, affinity="SOURCE_IP")},
                      {"ListenerArn": LA, "ClientAffinity": "SOURCE_IP"})
    accelerator_status(stub, "IN_PROGRESS", "IN_PROGRESS")
    fake_clock(monkeypatch)
    result = run(capsys, wait_timeout=1, listeners=[tcp(80, client_affinity="SOURCE_IP")])
    assert result["failed"] is True and result["changed"] is True
    assert result["msg"].startswith("The service accepted 1 write (update TCP 80 (%s)), but accelerator" % LA)
    assert [record["id"] for record in result["plan"]] == [LA]


def test_by_name_resolves_the_accelerator(stub, capsys):
    stub.add_response("list_accelerators", {"Accelerators": [{"AcceleratorArn": ACC, "Name": "web"}]}, {"MaxResults": 100})
    seeded(stub)
    result = run_module(module, capsys, dict(CREDS, accelerator_name="web", listeners=[tcp(80)]))
    assert result["changed"] is False and result["accelerator_arn"] == ACC


@pytest.mark.parametrize("args, message", [
    ({"listeners": [tcp(80), tcp(80)]}, "listeners[1]: TCP 80 is already declared by listeners[0]; allowed: each listener declared once"),
    ({"listeners": [{"protocol": "TCP", "port_ranges": []}]}, "listeners[0].port_ranges: an empty list was given; allowed: 1 to 10 port ranges"),
    ({"listeners": [{"protocol": "SCTP", "port_ranges": [{"from_port": 1}]}]},
     "listeners[0].protocol: 'SCTP'; allowed: TCP, UDP"),
    ({"listeners": [tcp(80), {"protocol": "TCP", "port_range": [{"from_port": 81}]}]},
     "listeners[1]: unknown key port_range; allowed keys: protocol, port_ranges, client_affinity, state, force"),
    ({"listeners": [{"protocol": "TCP"}]}, "listeners[0].port_ranges: required, but the entry has none (its keys: protocol)"),
    ({"listeners": [{"protocol": "TCP", "port_ranges": [80, "x"]}]},
     "listeners[0].port_ranges[1]: 'x' is neither a port nor a range; allowed: a port (80) or a range "
     "({from_port: 8080, to_port: 8090}; to_port defaults to from_port)"),
    ({"listeners": [{"protocol": "TCP", "port_ranges": [{"from": 80}]}]},
     "listeners[0].port_ranges[0]: unknown key from; allowed keys: from_port, to_port"),
    ({"listeners": [tcp(80, force="maybe")]}, "listeners[0].force: 'maybe' is not a boolean; allowed: true or false"),
    ({"purge": True}, "purge: true with listeners: [] (no listener declared) would delete every listener of accelerator "
                      + ACC + "; allowed: declare the listeners to keep in listeners, or also set delete_all_listeners: true "
                      "to delete every listener"),
    ({"purge_listeners": True, "listeners": []}, "purge: true with listeners: [] (no listener declared) would delete every "
                                                 "listener of accelerator " + ACC),
    ({"delete_all_listeners": True}, "delete_all_listeners: true needs purge: true (and listeners: []); allowed: set both "
                                     "to delete every listener of accelerator " + ACC),
    ({"delete_all_listeners": True, "purge": True, "listeners": [tcp(80)]},
     "delete_all_listeners: true with 1 entries in listeners; allowed: delete_all_listeners only with listeners: [] "
     "(it deletes every listener, so declaring some contradicts it)"),
    ({"accelerator_arn": ""}, "accelerator_arn: '' was given, which names no resource; allowed: a Global Accelerator "
                              "accelerator ARN (leave the option out, or check the variable that set it)"),
    ({"wait_timeout": -1}, "wait_timeout must be an integer from 1 to 86400 seconds, got -1."),
    ({"wait_timeout": 0}, "wait_timeout must be an integer from 1 to 86400 seconds, got 0."),
    ({"wait_timeout": True}, "wait_timeout must be an integer from 1 to 86400 seconds, got True (a boolean, not a number of seconds)."),
    ({"accelerator_arn": "arn:nope"}, "accelerator_arn: 'arn:nope' is not a Global Accelerator accelerator ARN; allowed: "
                                      "arn:aws:globalaccelerator::<account id>:accelerator/<id>"),
])
def test_bad_input_fails_without_calls(stub, capsys, args, message):
    result = run(capsys, **args)
    assert result["failed"] is True
    assert result["msg"].startswith(message)


@pytest.mark.parametrize("name", ["", "  ", None])
def test_a_blank_accelerator_name_is_refused_without_calls(stub, capsys, name):
    result = run_module(module, capsys, dict(CREDS, accelerator_name=name, listeners=[tcp(80)]))
    assert result["failed"] is True
    assert result["msg"].startswith("accelerator_name: %s was given, which names no resource" % ("null" if name is None else repr(name)))


def test_plain_ports_are_a_shorthand_for_ranges(stub, capsys):
    seeded(stub)
    result = run(capsys, check_mode=True, listeners=[{"protocol": "TCP", "port_ranges": [8443, "8080", {"from_port": 9000, "to_port": 9001}]}])
    assert result["changed"] is True
    assert result["plan"][0]["action"] == "create"
    assert result["plan"][0]["key"]["port_ranges"] == [{"from_port": 8080, "to_port": 8080}, {"from_port": 8443, "to_port": 8443},
                                                       {"from_port": 9000, "to_port": 9001}]


def test_every_listener_is_deleted_only_with_the_opt_in(stub, capsys):
    seeded(stub)
    for arn in (LA, LB, LC):
        no_groups(stub, arn)
    result = run(capsys, check_mode=True, purge=True, delete_all_listeners=True)
    assert result["changed"] is True
    assert [record["action"] for record in result["plan"]] == ["delete", "delete", "delete"]


def test_kept_listeners_are_returned_as_undeclared(stub, capsys):
    seeded(stub)
    result = run(capsys, listeners=[tcp(80)])
    assert result["changed"] is False
    assert [item["listener_arn"] for item in result["undeclared"]] == [LB, LC]
    # one plan record each, after the entry's, with no changes: reported, never written
    assert [(record["action"], record["id"], record["changes"]) for record in result["plan"]] == [
        ("none", LA, {}), ("undeclared", LB, {}), ("undeclared", LC, {})]
    assert result["plan"][1]["key"] == dict((name, result["undeclared"][0][name]) for name in ("accelerator_arn", "protocol", "port_ranges"))


def test_an_empty_declaration_warns(stub, capsys):
    seeded(stub)
    result = run(capsys, listeners=[])
    assert result["changed"] is False and len(result["undeclared"]) == 3
    assert any("no listener is declared" in str(warning) for warning in result["warnings"])


def test_a_listener_delete_failing_after_its_groups_went_is_a_change(stub, capsys):
    seeded(stub)
    stub.add_response("list_endpoint_groups", {"EndpointGroups": [{"EndpointGroupArn": EG}]}, {"ListenerArn": LC, "MaxResults": 100})
    stub.add_response("delete_endpoint_group", {}, {"EndpointGroupArn": EG})
    stub.add_client_error("delete_listener", "AccessDeniedException", "not allowed", http_status_code=400,
                          expected_params={"ListenerArn": LC})
    result = run(capsys, listeners=[{"protocol": "UDP", "port_ranges": [{"from_port": 53}], "state": "absent", "force": True}])
    assert result["failed"] is True and result["changed"] is True
    assert [(record["action"], record["error"]["code"]) for record in result["plan"]] == [("delete", "AccessDeniedException")]


def test_each_create_gets_a_token_of_its_own_moment(stub, capsys, monkeypatch):
    """A listener deleted and declared again must not reuse the first create's token: the service answers a
    token it has seen with the listener it made for it, even a deleted one."""
    new = {"accelerator_arn": ACC, "protocol": "TCP", "port_ranges": [{"from_port": 9000, "to_port": 9000}],
           "client_affinity": "NONE"}
    tokens = [create_token(ACC, new, [], moment) for moment in (NOW, NOW + 1.5)]
    assert tokens[0] != tokens[1]
    for moment, token in zip((NOW, NOW + 1.5), tokens):
        monkeypatch.setattr(module.time, "time", lambda moment=moment: moment)
        listed(stub)
        stub.add_response("create_listener", {"Listener": api_listener(LN, "TCP", 9000)}, {
            "AcceleratorArn": ACC, "PortRanges": [{"FromPort": 9000, "ToPort": 9000}], "Protocol": "TCP",
            "ClientAffinity": "NONE", "IdempotencyToken": token})
        assert run(capsys, wait=False, listeners=[tcp(9000)])["changed"] is True


def _create_9000(stub, error=None, count=1):
    existing = [{"listener_arn": arn} for arn in (LA, LB, LC)]
    new = {"accelerator_arn": ACC, "protocol": "TCP", "port_ranges": [{"from_port": 9000, "to_port": 9000}], "client_affinity": "NONE"}
    params = {"AcceleratorArn": ACC, "PortRanges": [{"FromPort": 9000, "ToPort": 9000}], "Protocol": "TCP", "ClientAffinity": "NONE",
              "IdempotencyToken": create_token(ACC, new, existing, NOW)}
    for dummy in range(count):
        if error:
            stub.add_client_error("create_listener", error, "lost", http_status_code=500, expected_params=params)
        else:
            stub.add_response("create_listener", {"Listener": api_listener(LN, "TCP", 9000)}, params)


def test_a_create_whose_answers_were_all_lost_is_read_back_and_reported(stub, capsys):
    seeded(stub)
    stub.add_response("update_listener", {"Listener": api_listener(LA, "TCP", 80, affinity="SOURCE_IP")},
                      {"ListenerArn": LA, "ClientAffinity": "SOURCE_IP"})
    _create_9000(stub, "InternalServiceErrorException", count=6)
    # the read afterwards finds the listener the service made under the create's token
    listed(stub, api_listener(LA, "TCP", 80, affinity="SOURCE_IP"), api_listener(LB, "TCP", 443), api_listener(LC, "UDP", 53),
           api_listener(LN, "TCP", 9000))
    result = run(capsys, listeners=[tcp(80, client_affinity="SOURCE_IP"), tcp(9000)])
    assert result["failed"] is True and result["changed"] is True
    assert [(record["action"], record["id"]) for record in result["plan"]] == [("update", LA), ("create", LN)]
    assert "error" not in result["plan"][1] and "read afterwards" in result["plan"][1]["note"]
    assert LN in [item["listener_arn"] for item in result["listeners"]]
    assert "a read afterwards shows it was applied" in result["msg"] and "after the service applied 2 writes (update TCP 80" in result["msg"]


def test_a_create_that_failed_and_did_not_land_is_the_failed_step(stub, capsys):
    seeded(stub)
    _create_9000(stub, "InternalServiceErrorException", count=6)
    seeded(stub)
    result = run(capsys, listeners=[tcp(9000)])
    assert result["failed"] is True and result["changed"] is False
    assert [(record["action"], record["error"]["code"]) for record in result["plan"]] == [("create", "InternalServiceErrorException")]
    assert result["msg"].startswith("Failed to create the listener (gave up after 6 attempts")
    assert "), before any write was applied: An error occurred (InternalServiceErrorException)" in result["msg"]
    assert [item["listener_arn"] for item in result["listeners"]] == [LA, LB, LC]


def test_a_failing_wait_after_the_writes_reports_them(stub, capsys):
    seeded(stub)
    _create_9000(stub)
    stub.add_client_error("describe_accelerator", "AccessDeniedException", "no", http_status_code=400,
                          expected_params={"AcceleratorArn": ACC})
    result = run(capsys, listeners=[tcp(9000)])
    assert result["failed"] is True and result["changed"] is True
    assert [(record["action"], record["id"]) for record in result["plan"]] == [("create", LN)]
    assert [item["listener_arn"] for item in result["listeners"]] == [LA, LB, LN, LC]
    assert result["msg"].startswith("The service accepted 1 write (create TCP 9000 (%s)), but waiting for DEPLOYED failed" % LN)
    assert result["wait_error"]["code"] == "AccessDeniedException"
