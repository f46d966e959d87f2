# -*- coding: utf-8 -*-
# Copyright (c) multicloud.listeners contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The pure logic of nlb_load_balancer_listeners: entries, matching, port classes, quota, batches, requests, tokens."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ansible_collections.multicloud.listeners.plugins.module_utils import _nlb_set as ns
from ansible_collections.multicloud.listeners.plugins.module_utils._listener_set import undeclared
from ansible_collections.multicloud.listeners.plugins.module_utils._nlb_state import normalize_listener

LB = "nlb-test"


def entry(protocol, port, start=None, end=None, **extra):
    item = dict({"listener_protocol": protocol, "listener_port": port}, **extra)
    if start is not None:
        item["start_port"], item["end_port"] = start, end
    return item


def listener(protocol, port, start=0, end=0, status="Running", **fields):
    suffix = port if port else "%d-%d" % (start, end)
    body = dict({"ListenerId": "lsn-%s@%s" % (protocol.lower(), suffix), "LoadBalancerId": LB, "ListenerProtocol": protocol,
                 "ListenerPort": port, "StartPort": str(start), "EndPort": str(end), "ListenerStatus": status,
                 "ServerGroupId": "sgp-1", "IdleTimeout": 20 if protocol == "UDP" else 900, "Cps": 0}, **fields)
    return normalize_listener(body)


def plan(listeners, *entries, **kwargs):
    return ns.plan_set(listeners, ns.validate_entries(list(entries)), LB, **kwargs)


def actions(steps):
    return [step["action"] for step in steps]


# --- ports and entries ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("first, second, expected", [
    (entry("TCP", 80), entry("TCP", 80), True),
    (entry("TCP", 80), entry("TCPSSL", 80), True),
    (entry("TCPSSL", 443), entry("TCP", 443), True),
    (entry("TCP", 53), entry("UDP", 53), False),
    (entry("TCP", 0, 80, 90), entry("TCPSSL", 85), True),
    (entry("TCP", 0, 80, 90), entry("TCP", 91), False),
    (entry("UDP", 0, 80, 90), entry("UDP", 0, 90, 100), True),
    (entry("UDP", 0, 80, 90), entry("TCP", 0, 80, 90), False),
])
def test_port_classes(first, second, expected):
    assert ns.conflict(first, second) is expected
    assert ns.conflict(second, first) is expected


def test_entries_are_normalized():
    [single, ranged] = ns.validate_entries([entry("TCP", 80, server_group_id="sgp-1", certificate_ids=None),
                                            entry("UDP", 0, 1000, 2000, state="absent")])
    assert single == {"index": 0, "listener_protocol": "TCP", "listener_port": 80, "start_port": None, "end_port": None,
                      "state": "present", "desired": {"server_group_id": "sgp-1"}}
    assert ranged["start_port"] == 1000 and ranged["end_port"] == 2000 and ranged["state"] == "absent"
    assert ns.label(ranged) == "UDP:1000-2000" and ns.label(single) == "TCP:80"


@pytest.mark.parametrize("entries, message", [
    ([entry("TCP", 70000)], "listeners[0].listener_port: 70000 is not a port; allowed: an integer from 1 to 65535, or 0 with "
                            "start_port and end_port."),
    ([entry("TCP", -1)], "listeners[0].listener_port: -1 is not a port"),
    ([entry("TCP", 0)], "listeners[0]: listener_port 0 declares a port range and needs start_port and end_port"),
    ([entry("TCP", 0, 90, 80)], "listeners[0]: start_port 90 is not below end_port 80"),
    ([entry("TCP", 0, 90, 90)], "listeners[0]: start_port 90 is not below end_port 90"),
    ([entry("TCP", 0, 0, 80)], "listeners[0].start_port: 0 is not a port"),
    ([entry("TCP", 0, 10, 65536)], "listeners[0].end_port: 65536 is not a port"),
    ([entry("TCP", 80, 80, 90)], "listeners[0]: start_port and end_port go only with listener_port 0"),
    ([entry("TCP", 80), entry("TCP", 80, state="absent")], "listeners[1] (TCP:80) is already declared by listeners[0]"),
    ([entry("UDP", 0, 1, 9), entry("UDP", 0, 1, 9)], "listeners[1] (UDP:1-9) is already declared by listeners[0]"),
    ([entry("TCP", 443), entry("TCPSSL", 443)], "listeners[1] (TCPSSL:443) shares a port with listeners[0] (TCP:443)"),
    ([entry("UDP", 0, 100, 200), entry("UDP", 150)], "listeners[1] (UDP:150) shares a port with listeners[0] (UDP:100-200)"),
    ([entry("UDP", 53, idle_timeout=60)], "listeners[0] (UDP:53): idle_timeout must be an integer from 10 to 20"),
    ([entry("TCP", 80, certificate_ids=["a"])], "listeners[0] (TCP:80): certificate_ids can only be set on TCPSSL listeners"),
    ([entry("TCP", 80, cps=-1)], "listeners[0] (TCP:80): cps must be an integer from 0 to 1000000"),
    ([entry("SCTP", 80)], "listeners[0].listener_protocol: 'SCTP'; allowed: TCP, UDP, TCPSSL."),
])
def test_bad_entries_name_the_entry(entries, message):
    with pytest.raises(ns.ListenerSetInputError) as error:
        ns.validate_entries(entries)
    assert message in str(error.value)


def test_every_problem_is_reported_at_once():
    with pytest.raises(ns.ListenerSetInputError) as error:
        ns.validate_entries([entry("TCP", 70000), entry("UDP", 53, idle_timeout=60)])
    assert "listeners[0].listener_port" in str(error.value) and "listeners[1] (UDP:53)" in str(error.value)


@pytest.mark.parametrize("entries", [
    [entry("TCP", 53), entry("UDP", 53)],
    [entry("TCP", 80, state="absent"), entry("TCPSSL", 80)],
    [entry("TCP", 0, 80, 90), entry("TCP", 91)],
])
def test_entries_that_may_live_together(entries):
    assert len(ns.validate_entries(entries)) == len(entries)


@pytest.mark.parametrize("prefix, allowed", [(None, True), ("deploy-1", True), ("x" * 31, True), ("x" * 32, False), ("", False),
                                             ("with space", False), (u"caf\u00e9", False)])
def test_client_token_prefix(prefix, allowed):
    assert (ns.validate_client_token_prefix(prefix) is None) is allowed


# --- steps -----------------------------------------------------------------------------------------------------


def test_in_sync_needs_no_write():
    current = [listener("TCP", 80), listener("UDP", 53)]
    steps, batches, after = plan(current, entry("UDP", 53, idle_timeout=20), entry("TCP", 80))
    assert actions(steps) == ["none", "none"]
    assert batches == []
    assert after == ns.sorted_listeners(current)


def test_create_update_delete_none_and_purge():
    current = [listener("TCP", 80), listener("UDP", 53), listener("TCPSSL", 443), listener("TCP", 0, 1000, 2000)]
    steps, batches, after = plan(current,
                                 entry("TCP", 80, idle_timeout=600),              # update
                                 entry("UDP", 53, state="absent"),                # delete
                                 entry("TCP", 8080, server_group_id="sgp-2"),     # create
                                 entry("TCP", 7000, state="absent"),              # nothing to delete
                                 entry("TCP", 0, 1000, 2000),                     # in sync, by range
                                 purge=True)                                      # deletes TCPSSL 443
    assert actions(steps) == ["update", "delete", "create", "none", "none", "delete"]
    assert steps[-1]["entry"] is None and steps[-1]["current"]["listener_id"] == "lsn-tcpssl@443"
    assert steps[0]["changes"] == {"idle_timeout": 600}
    assert [[step["action"] for step in batch] for batch in batches] == [["delete", "delete", "update", "create"]]
    assert [(item["listener_protocol"], item["listener_port"], item["listener_id"]) for item in after] == [
        ("TCP", 80, "lsn-tcp@80"), ("TCP", 0, "lsn-tcp@1000-2000"), ("TCP", 8080, None)]
    assert after[0]["idle_timeout"] == 600


def test_without_purge_the_undeclared_stay():
    current = [listener("TCP", 80), listener("UDP", 53)]
    steps, batches, after = plan(current, entry("TCP", 80))
    assert actions(steps) == ["none"] and len(after) == 2


def test_a_range_entry_matches_only_the_same_range():
    current = [listener("UDP", 0, 100, 200)]
    steps, dummy, dummy_after = plan(current, entry("UDP", 0, 100, 200, state="absent"), entry("UDP", 0, 300, 400, state="absent"))
    assert actions(steps) == ["delete", "none"]


def test_the_rules_that_need_the_listener():
    current = [listener("TCPSSL", 443, CertificateIds=["c-1"])]
    with pytest.raises(ns.ListenerSetInputError) as error:
        plan(current, entry("TCPSSL", 443, certificate_ids=[], alpn_enabled=True), entry("TCP", 80),
             entry("TCPSSL", 444, server_group_id="s", alpn_enabled=True))
    message = str(error.value)
    assert "listeners[0] (TCPSSL:443): certificate_ids cannot be emptied" in message
    assert "listeners[0] (TCPSSL:443): alpn_policy is required when enabling ALPN on listener lsn-tcpssl@443" in message
    assert "listeners[1] (TCP:80): server_group_id is required to create the listener" in message
    assert "listeners[2] (TCPSSL:444): certificate_ids is required to create a TCPSSL listener" in message
    assert "listeners[2] (TCPSSL:444): alpn_policy is required to create a listener with alpn_enabled=true" in message


def test_an_absent_entry_needs_no_server_group():
    steps, batches, dummy = plan([], entry("TCP", 80, state="absent"))
    assert actions(steps) == ["none"] and batches == []


def test_a_create_on_a_kept_listener_port_is_rejected():
    current = [listener("TCP", 0, 80, 90)]
    with pytest.raises(ns.ListenerSetRejected) as error:
        plan(current, entry("TCPSSL", 85, server_group_id="s", certificate_ids=["c"]))
    assert error.value.code == "Conflict.Port"
    assert str(error.value).startswith("listeners[0] (TCPSSL:85) would share a port with listener lsn-tcp@80-90 (TCP:80-90), "
                                       "which the task keeps")
    assert error.value.step["action"] == "create"


def test_a_create_may_reuse_a_udp_port_of_a_tcp_listener():
    steps, batches, dummy = plan([listener("TCP", 53)], entry("UDP", 53, server_group_id="s"))
    assert actions(steps) == ["create"] and not steps[0]["dependent"]


def test_the_quota_is_checked_before_any_write():
    current = [listener("TCP", port) for port in range(1, 50)]
    plan(current, entry("TCP", 100, server_group_id="s"), quota=50)  # 50: allowed
    with pytest.raises(ns.ListenerSetRejected) as error:
        plan(current, entry("TCP", 100, server_group_id="s"), entry("TCP", 101, server_group_id="s"), quota=50)
    assert error.value.code == "QuotaExceeded.QuotaInsufficient"
    assert "load balancer nlb-test would have 51 listeners" in str(error.value)


def test_creates_that_need_a_freed_place_or_port_wait_for_a_later_batch():
    current = [listener("TCP", port) for port in range(1, 4)]
    steps, batches, after = plan(current, entry("TCP", 1, state="absent"), entry("TCPSSL", 1, server_group_id="s", certificate_ids=["c"]),
                                 entry("TCP", 2, state="absent"), entry("TCP", 100, server_group_id="s"), quota=3)
    assert [[(step["action"], step["entry"]["listener_port"]) for step in batch] for batch in batches] == [
        [("delete", 1), ("delete", 2)], [("create", 1), ("create", 100)]]
    assert steps[1]["blocked_by"] == ["lsn-tcp@1"] and steps[3]["blocked_by"] == []
    assert steps[3]["dependent"] is True
    assert len(after) == 3


def test_batches_hold_at_most_in_flight_writes():
    steps, batches, dummy = plan([], *[entry("TCP", port, server_group_id="s") for port in range(1, 24)])
    assert [len(batch) for batch in batches] == [10, 10, 3]


def test_a_purged_stopped_listener_is_not_flagged_but_a_kept_one_is():
    current = [listener("TCP", 80, status="Stopped"), listener("TCP", 81, status="Stopped")]
    steps, dummy, dummy_after = plan(current, entry("TCP", 80), purge=True)
    records = [ns.step_record(step, LB) for step in steps]
    assert records[0]["listener_status"] == "Stopped" and "listener_status" not in records[1]


def test_records():
    current = [listener("TCP", 80), listener("UDP", 0, 100, 200)]
    steps, dummy, dummy_after = plan(current, entry("TCP", 80, cps=10), entry("UDP", 0, 100, 200, state="absent"),
                                     entry("TCPSSL", 443, server_group_id="s", certificate_ids=["c"]),
                                     entry("TCP", 81, state="absent"))
    records = [ns.step_record(step, LB) for step in steps]
    assert records[0] == {"resource": "nlb_listener", "action": "update", "id": "lsn-tcp@80",
                          "key": {"load_balancer_id": LB, "protocol": "TCP", "port": 80},
                          "changes": {"cps": {"before": 0, "after": 10}}}
    assert records[1] == {"resource": "nlb_listener", "action": "delete", "id": "lsn-udp@100-200",
                          "key": {"load_balancer_id": LB, "protocol": "UDP", "port": 0, "start_port": 100, "end_port": 200},
                          "changes": {}}
    assert records[2]["id"] is None and records[2]["changes"] == {"certificate_ids": {"before": None, "after": ["c"]},
                                                                  "server_group_id": {"before": None, "after": "s"}}
    assert records[3] == {"resource": "nlb_listener", "action": "none", "id": None,
                          "key": {"load_balancer_id": LB, "protocol": "TCP", "port": 81}, "changes": {}}


def test_the_predicted_create_has_the_service_defaults():
    tls_entry = entry("TCPSSL", 443, server_group_id="s", certificate_ids=["c"], proxy_protocol_v2_config={"ppv2_vpc_id_enabled": True})
    steps, dummy, dummy_after = plan([], tls_entry, entry("UDP", 0, 10, 20, server_group_id="u"))
    tls, udp = steps[0]["after"], steps[1]["after"]
    assert tls["security_policy_id"] == "tls_cipher_policy_1_0" and tls["idle_timeout"] == 900 and tls["mss"] == 0
    assert tls["proxy_protocol_v2_config"] == {"ppv2_vpc_id_enabled": True, "ppv2_private_link_ep_id_enabled": False,
                                               "ppv2_private_link_eps_id_enabled": False}
    assert udp["idle_timeout"] == 20 and udp["mss"] is None and (udp["start_port"], udp["end_port"]) == (10, 20)


# --- requests and tokens -----------------------------------------------------------------------------------------


def test_create_request():
    [item] = ns.validate_entries([entry("TCPSSL", 0, 1000, 2000, server_group_id="s", certificate_ids=["c"], ca_certificate_ids=[],
                                        proxy_protocol_v2_config={"ppv2_vpc_id_enabled": True}, cps=5)])
    assert ns.build_create_request(LB, item, region_id="cn-hangzhou") == {
        "LoadBalancerId": LB, "ListenerProtocol": "TCPSSL", "ListenerPort": 0, "StartPort": 1000, "EndPort": 2000,
        "RegionId": "cn-hangzhou", "ServerGroupId": "s", "CertificateIds": ["c"], "Cps": 5,
        "ProxyProtocolV2Config": {"Ppv2VpcIdEnabled": True}}


def test_delete_request():
    assert ns.build_delete_request("lsn-1", "cn-hangzhou") == {"ListenerId": "lsn-1", "RegionId": "cn-hangzhou"}


def test_tokens():
    request = {"ListenerId": "lsn-1"}
    token = ns.write_token("DeleteListener", "lsn-1", request, 1.5)
    assert len(token) == 32
    assert token == ns.write_token("DeleteListener", "lsn-1", dict(request, ClientToken="x"), 1.5)  # retries reuse it
    assert token != ns.write_token("DeleteListener", "lsn-1", request, 2.5)  # another task
    assert token != ns.write_token("DeleteListener", "lsn-2", request, 1.5)
    assert token != ns.write_token("DeleteListener", "lsn-1", request, 1.5, dry_run=True)
    assert token != ns.write_token("CreateListener", "lsn-1", request, 1.5)
    assert ns.write_token("DeleteListener", "lsn-1", request, 1.5, prefix="p") == "p-" + token


# --- property: the batches never make two listeners conflict, nor pass the quota -----------------------------------

PROTOCOLS = st.sampled_from(["TCP", "UDP", "TCPSSL"])


@st.composite
def spans(draw):
    first = draw(st.integers(1, 30))
    if draw(st.booleans()):
        return first, 0, 0
    return 0, first, first + draw(st.integers(1, 5))


@st.composite
def scenarios(draw):
    listeners = []
    for protocol, (port, start, end) in draw(st.lists(st.tuples(PROTOCOLS, spans()), max_size=8)):
        candidate = listener(protocol, port, start, end)
        if all(not ns.conflict(candidate, item) for item in listeners):
            listeners.append(candidate)
    entries = []
    for protocol, (port, start, end), absent in draw(st.lists(st.tuples(PROTOCOLS, spans(), st.booleans()), max_size=8)):
        item = entry(protocol, port, start or None, end or None, server_group_id="s")
        if protocol == "TCPSSL":
            item["certificate_ids"] = ["c"]
        if absent:
            item["state"] = "absent"
        entries.append(item)
    return listeners, entries, draw(st.booleans()), draw(st.integers(1, 10)), draw(st.integers(1, 4))


def _valid(entries):
    try:
        return ns.validate_entries(entries)
    except ns.ListenerSetInputError:
        return None


@settings(max_examples=300, deadline=None)
@given(scenarios())
def test_applying_the_batches_in_order_never_makes_two_listeners_conflict(scenario):
    listeners, entries, purge, quota, in_flight = scenario
    normalized = _valid(entries)
    if normalized is None or len(listeners) > quota:
        return
    try:
        steps, batches, after = ns.plan_set(listeners, normalized, LB, purge, quota=quota, in_flight=in_flight)
    except ns.ListenerSetRejected:
        return
    # A batch's writes run at once and a delete frees its port and quota place only when the batch's jobs have
    # ended: within a batch, every listener before it and every one it creates must coexist, within the quota.
    held = dict((item["listener_id"], item) for item in listeners)
    for batch in batches:
        assert 1 <= len(batch) <= in_flight
        created = [step["after"] for step in batch if step["action"] == "create"]
        during = list(held.values()) + created
        for position, one in enumerate(during):
            for other in during[position + 1:]:
                assert not ns.conflict(one, other), (ns.label(one), ns.label(other))
        assert len(during) <= quota or not created
        for step in batch:
            if step["action"] == "delete":
                del held[step["current"]["listener_id"]]
        for number, item in enumerate(created):
            held["new-%d-%d" % (id(batch), number)] = item
    assert sorted(ns.natural_key(item) for item in held.values()) == sorted(ns.natural_key(item) for item in after)
    # and the set ends as declared: each present entry held, each absent one gone
    final = set(ns.natural_key(item) for item in after)
    for item in normalized:
        assert (ns.natural_key(item) in final) is (item["state"] == "present")


def test_undeclared_listeners_get_a_plan_record_each():
    current = [listener("TCP", 80), listener("UDP", 53, status="Stopped"), listener("TCP", 0, 100, 200)]
    steps, batches, dummy_after = plan(current, entry("TCP", 80, cps=10))
    records = ns.undeclared_records(undeclared(current, steps, "listener_id"), LB)
    assert records == [
        {"resource": "nlb_listener", "action": "undeclared", "id": "lsn-udp@53", "listener_status": "Stopped",
         "key": {"load_balancer_id": LB, "protocol": "UDP", "port": 53}, "changes": {}},
        {"resource": "nlb_listener", "action": "undeclared", "id": "lsn-tcp@100-200",
         "key": {"load_balancer_id": LB, "protocol": "TCP", "port": 0, "start_port": 100, "end_port": 200}, "changes": {}},
    ]
    assert [step["action"] for batch in batches for step in batch] == ["update"]
