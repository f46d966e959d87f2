# -*- coding: utf-8 -*-
# Copyright (c) multicloud.listeners contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The pure logic of ga_accelerator_listeners: entry validation, matching, ordering, prediction."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ansible_collections.multicloud.listeners.plugins.module_utils import _ga_set as gs
from ansible_collections.multicloud.listeners.plugins.module_utils._listener_set import order_writes
from ansible_collections.multicloud.listeners.plugins.module_utils._listener_set import undeclared
from ansible_collections.multicloud.listeners.plugins.module_utils._ga_state import ListenerInputError
from ansible_collections.multicloud.listeners.plugins.module_utils._ga_state import ListenerMatchError
from ansible_collections.multicloud.listeners.plugins.module_utils._ga_state import ranges_overlap
from ansible_collections.multicloud.listeners.tests.unit.plugins.module_utils.test_ga_state import ACC
from ansible_collections.multicloud.listeners.tests.unit.plugins.module_utils.test_ga_state import listener
from ansible_collections.multicloud.listeners.tests.unit.plugins.module_utils.test_ga_state import rng


def entry(protocol, *ports, **extra):
    ranges = [{"from_port": p[0], "to_port": p[1]} if isinstance(p, tuple) else {"from_port": p} for p in ports]
    return dict({"protocol": protocol, "port_ranges": ranges}, **extra)


def plan(listeners, *entries, **kwargs):
    return gs.plan_set(listeners, gs.validate_entries(list(entries)), ACC, **kwargs)


def actions(steps):
    return [step["action"] for step in steps]


# --- validation ----------------------------------------------------------------------------

def test_entries_are_normalized_with_defaults():
    [normalized] = gs.validate_entries([entry("TCP", 443, (80, 81))])
    assert normalized == {"index": 0, "protocol": "TCP", "port_ranges": [rng(80, 81), rng(443)],
                          "client_affinity": None, "state": "present", "force": False}


@pytest.mark.parametrize("entries, message", [
    ([entry("TCP")], "listeners[0].port_ranges: an empty list was given; allowed: 1 to 10 port ranges"),
    ([entry("TCP", 80), entry("TCP", 70000)],
     "listeners[1].port_ranges[0].from_port: 70000 is not a valid port; allowed: an integer from 1 to 65535"),
    ([entry("TCP", (80, 90)), entry("UDP", 80), entry("TCP", 85)],
     "listeners[2].port_ranges: 85 overlaps listeners[0] (TCP 80-90); allowed: ports no other present TCP entry declares"),
    ([entry("TCP", 80), entry("TCP", 80, state="absent")],
     "listeners[1]: TCP 80 is already declared by listeners[0]; allowed: each listener declared once"),
    ([entry("UDP", 53, state="absent"), entry("UDP", 53, state="absent")],
     "listeners[1]: UDP 53 is already declared by listeners[0]; allowed: each listener declared once"),
])
def test_bad_entries_name_the_entry(entries, message):
    with pytest.raises(ListenerInputError) as error:
        gs.validate_entries(entries)
    assert str(error.value) == message


def test_a_present_and_an_absent_entry_may_overlap():
    assert len(gs.validate_entries([entry("TCP", (80, 90)), entry("TCP", 85, state="absent")])) == 2


# --- matching and actions ------------------------------------------------------------------

def test_in_sync_set_needs_no_write():
    current = [listener("a", "TCP", rng(80), rng(443)), listener("b", "UDP", rng(53), affinity="SOURCE_IP")]
    steps, writes, after = plan(current, entry("UDP", 53), entry("TCP", 443, 80, client_affinity="NONE"))
    assert actions(steps) == ["none", "none"]
    assert writes == []
    assert after == gs.sorted_listeners(current)


def test_create_update_delete_and_keep():
    current = [listener("a", "TCP", rng(80)), listener("b", "TCP", rng(443)), listener("c", "UDP", rng(53)),
               listener("d", "TCP", rng(9000))]
    steps, writes, after = plan(current,
                                entry("TCP", 80, client_affinity="SOURCE_IP"),     # update a in place
                                entry("TCP", 443, 8443),                          # overlaps b: moves its ports
                                entry("UDP", 53, state="absent"),                 # deletes c
                                entry("UDP", 5000),                               # creates
                                entry("TCP", 7000, state="absent"))               # nothing to delete
    assert actions(steps) == ["update", "update", "delete", "create", "none"]
    assert steps[0]["changes"] == {"client_affinity": {"before": "NONE", "after": "SOURCE_IP"}}
    assert list(steps[1]["changes"]) == ["port_ranges"]
    assert actions(writes) == ["delete", "update", "update", "create"]
    assert [(item["protocol"], item["port_ranges"][0]["from_port"], item["listener_arn"] is None) for item in after] == [
        ("TCP", 80, False), ("TCP", 443, False), ("TCP", 9000, False), ("UDP", 5000, True)]


def test_purge_deletes_only_what_no_entry_claims():
    current = [listener("a", "TCP", rng(80)), listener("b", "TCP", rng(443)), listener("c", "UDP", rng(53))]
    steps, writes, after = plan(current, entry("TCP", 80), entry("TCP", 443, 444), purge=True, purge_force=True)
    assert actions(steps) == ["none", "update", "delete"]
    assert steps[2]["entry"] is None and steps[2]["current"]["listener_arn"].endswith("/c") and steps[2]["force"] is True
    assert actions(writes) == ["delete", "update"]
    assert [item["listener_arn"][-1] for item in after] == ["a", "b"]


def test_purge_with_no_entries_deletes_everything():
    current = [listener("a", "TCP", rng(80)), listener("b", "UDP", rng(80))]
    steps, writes, after = plan(current, purge=True)
    assert actions(writes) == ["delete", "delete"] and after == []


def test_an_absent_entry_claims_its_listener_before_an_overlapping_present_one():
    current = [listener("a", "TCP", rng(80), rng(443))]
    steps, writes, _after = plan(current, entry("TCP", 80), entry("TCP", 80, 443, state="absent"))
    assert actions(steps) == ["create", "delete"]
    assert actions(writes) == ["delete", "create"]


def test_exact_matches_are_claimed_before_overlaps():
    current = [listener("a", "TCP", rng(80, 90)), listener("b", "TCP", rng(95))]
    # Entry 0 overlaps a only once b is claimed exactly by entry 1, which comes later.
    steps, _writes, _after = plan(current, entry("TCP", (85, 95)), entry("TCP", 95, state="absent"))
    assert actions(steps) == ["update", "delete"]
    assert steps[0]["current"]["listener_arn"].endswith("/a")


def test_an_entry_overlapping_two_unclaimed_listeners_is_ambiguous():
    current = [listener("a", "TCP", rng(80)), listener("b", "TCP", rng(443))]
    with pytest.raises(ListenerMatchError) as error:
        plan(current, entry("TCP", 80, 443, 8443))
    assert str(error.value).startswith("listeners[0]: TCP 80, 443, 8443 overlaps 2 TCP listeners on the accelerator")


def test_a_listener_serves_one_entry():
    current = [listener("a", "TCP", rng(80, 81))]
    steps, writes, after = plan(current, entry("TCP", 80), entry("TCP", 81))
    assert actions(steps) == ["update", "create"]
    assert actions(writes) == ["update", "create"]
    assert [item["port_ranges"] for item in after] == [[rng(80)], [rng(81)]]


# --- what the service would refuse ---------------------------------------------------------

def test_the_listener_quota_is_predicted():
    current = [listener("l%d" % port, "TCP", rng(port)) for port in range(1, 10)]
    with pytest.raises(gs.ListenerSetRejected) as error:
        plan(current, entry("UDP", 1), entry("UDP", 2))
    assert error.value.code == "LimitExceededException"
    assert error.value.step["entry"]["index"] == 0
    # Deleting one makes room: deletes are made before creates.
    steps, writes, after = plan(current, entry("UDP", 1), entry("UDP", 2), entry("TCP", 1, state="absent"))
    assert actions(writes) == ["delete", "create", "create"] and len(after) == 10


def test_updates_are_ordered_so_no_two_listeners_overlap_on_the_way():
    current = [listener("a", "TCP", rng(80, 81)), listener("b", "TCP", rng(90, 95))]
    # a takes 80-92 (overlapping b's old ports), b moves to 93-99 first; entry 0 claims b, entry 1 then a.
    steps, writes, after = plan(current, entry("TCP", (93, 99)), entry("TCP", (80, 92)))
    assert actions(steps) == ["update", "update"]
    assert [step["current"]["listener_arn"][-1] for step in writes] == ["b", "a"]
    assert [item["port_ranges"] for item in after] == [[rng(80, 92)], [rng(93, 99)]]


def test_a_swap_is_ambiguous_before_any_write():
    current = [listener("a", "TCP", rng(80), rng(1000)), listener("b", "TCP", rng(90), rng(2000))]
    # Entry 0 wants a's 1000 and b's 90: it overlaps both, so which one moves is not the module's guess.
    with pytest.raises(ListenerMatchError) as error:
        plan(current, entry("TCP", 1000, 90), entry("TCP", 2000, 80))
    assert "listeners[0]: TCP 90, 1000 overlaps 2 TCP listeners" in str(error.value)


def test_a_deleted_listener_frees_its_ports_before_an_update_takes_them():
    current = [listener("a", "TCP", rng(80)), listener("b", "TCP", rng(90))]
    steps, writes, after = plan(current, entry("UDP", 1), entry("TCP", 90, state="absent"), entry("TCP", 80, 85, 90))
    assert actions(steps) == ["create", "delete", "update"]
    assert actions(writes) == ["delete", "update", "create"]
    assert [item["port_ranges"] for item in after] == [[rng(80), rng(85), rng(90)], [rng(1)]]


# --- properties ----------------------------------------------------------------------------

PORTS = st.integers(min_value=1, max_value=40)


@st.composite
def scenarios(draw):
    listeners = []
    for protocol in ("TCP", "UDP"):
        taken = sorted(draw(st.sets(PORTS, max_size=6)))
        for port in taken:
            listeners.append(listener("%s%d" % (protocol.lower(), port), protocol, rng(port),
                                      affinity=draw(st.sampled_from(["NONE", "SOURCE_IP"]))))
    entries = []
    for protocol in ("TCP", "UDP"):
        for port in sorted(draw(st.sets(PORTS, max_size=6))):
            width = draw(st.integers(min_value=0, max_value=5))
            entries.append(entry(protocol, (port, min(40, port + width)), state=draw(st.sampled_from(["present", "absent"])),
                                 client_affinity=draw(st.sampled_from([None, "NONE", "SOURCE_IP"]))))
    return listeners, entries, draw(st.booleans())


def simulate(listeners, writes):
    """Apply the writes one by one, asserting that no intermediate state has two overlapping listeners."""
    state = dict((item["listener_arn"], item) for item in listeners)
    for number, step in enumerate(writes):
        if step["action"] == "delete":
            del state[step["current"]["listener_arn"]]
        else:
            key = step["current"]["listener_arn"] if step["action"] == "update" else ("new", number)
            state[key] = step["after"]
        items = list(state.values())
        for i, first in enumerate(items):
            for second in items[i + 1:]:
                assert not (first["protocol"] == second["protocol"]
                            and ranges_overlap(first["port_ranges"], second["port_ranges"])), (first, second)
    return state


@settings(max_examples=300, deadline=None)
@given(scenarios())
def test_any_accepted_plan_applies_safely_and_converges(scenario):
    listeners, raw_entries, purge = scenario
    try:
        entries = gs.validate_entries(raw_entries)
        steps, writes, after = gs.plan_set(listeners, entries, ACC, purge=purge, quota=100)
    except (ListenerInputError, ListenerMatchError, gs.ListenerSetRejected):
        return
    final = simulate(listeners, writes)
    assert gs.sorted_listeners(list(final.values())) == after
    # Converged: planning again from the result changes nothing (new listeners get ARNs first).
    named = [dict(item, listener_arn=item["listener_arn"] or "%s/listener/new%d" % (ACC, n)) for n, item in enumerate(after)]
    again, rewrites, _after = gs.plan_set(named, gs.validate_entries(raw_entries), ACC, purge=purge, quota=100)
    assert rewrites == [] and all(step["action"] == "none" for step in again)
    # Every present entry is there, every absent one is not.
    for item in entries:
        there = [x for x in after if x["protocol"] == item["protocol"] and x["port_ranges"] == item["port_ranges"]]
        assert len(there) == (1 if item["state"] == "present" else 0)


# --- undeclared listeners in the plan ---------------------------------------------------------


def test_undeclared_listeners_get_a_plan_record_each_and_no_write():
    current = [listener("a", "TCP", rng(80)), listener("d", "TCP", rng(9000)), listener("u", "UDP", rng(53))]
    steps, writes, dummy_after = plan(current, entry("TCP", 80, client_affinity="SOURCE_IP"))
    kept = undeclared(current, steps, "listener_arn")
    records = gs.undeclared_records(kept)
    assert records == [
        {"resource": "ga_listener", "action": "undeclared", "id": ACC + "/listener/d",
         "key": {"accelerator_arn": ACC, "protocol": "TCP", "port_ranges": [rng(9000)]}, "changes": {}},
        {"resource": "ga_listener", "action": "undeclared", "id": ACC + "/listener/u",
         "key": {"accelerator_arn": ACC, "protocol": "UDP", "port_ranges": [rng(53)]}, "changes": {}},
    ]
    assert actions(writes) == ["update"]
    # an undeclared record never counts as a write, wherever it ends up
    assert order_writes(steps + [dict(record, entry=None, current=None) for record in records]) == writes


def test_no_undeclared_record_when_every_listener_is_declared_or_purged():
    current = [listener("a", "TCP", rng(80)), listener("d", "TCP", rng(9000))]
    steps, dummy, dummy_after = plan(current, entry("TCP", 80), purge=True)
    assert actions(steps) == ["none", "delete"]
    assert gs.undeclared_records(undeclared(current, steps, "listener_arn")) == []
