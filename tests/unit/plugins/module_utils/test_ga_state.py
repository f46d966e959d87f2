# -*- coding: utf-8 -*-
# Copyright (c) multicloud.listeners contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The pure GA listener logic: validation, matching, changes, prediction, tokens."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ansible_collections.multicloud.listeners.plugins.module_utils import _ga_state as ga

ACC = "arn:aws:globalaccelerator::123456789012:accelerator/1234abcd-abcd-1234-abcd-1234abcdefab"
OTHER_ACC = "arn:aws:globalaccelerator::123456789012:accelerator/99999999-abcd-1234-abcd-1234abcdefab"


def rng(a, b=None):
    return {"from_port": a, "to_port": a if b is None else b}


def listener(arn_suffix, protocol, *ranges, affinity="NONE"):
    return {"listener_arn": "%s/listener/%s" % (ACC, arn_suffix), "accelerator_arn": ACC, "protocol": protocol,
            "port_ranges": list(ranges), "client_affinity": affinity}


@pytest.mark.parametrize("given_ranges, expected", [
    ([{"from_port": 443}], [rng(443)]),
    ([{"from_port": 443, "to_port": None}, {"from_port": 80, "to_port": 81}], [rng(80, 81), rng(443)]),
    ([{"from_port": 1, "to_port": 65535}], [rng(1, 65535)]),
    ([{"from_port": p} for p in range(10, 20)], [rng(p) for p in range(10, 20)]),
])
def test_normalize_port_ranges_sorts_and_fills(given_ranges, expected):
    assert ga.normalize_port_ranges(given_ranges) == expected


@pytest.mark.parametrize("given_ranges, message", [
    ([], "port_ranges: an empty list was given; allowed: 1 to 10 port ranges"),
    ([{"from_port": p} for p in range(11)],
     "port_ranges: 11 port ranges were given; allowed: 1 to 10 port ranges per listener"),
    ([{"from_port": 70000}], "port_ranges[0].from_port: 70000 is not a valid port; allowed: an integer from 1 to 65535"),
    ([{"from_port": 0}], "port_ranges[0].from_port: 0 is not a valid port; allowed: an integer from 1 to 65535"),
    ([{"from_port": 80}, {"from_port": 80, "to_port": 65536}],
     "port_ranges[1].to_port: 65536 is not a valid port; allowed: an integer from 1 to 65535"),
    ([{"from_port": 90, "to_port": 80}],
     "port_ranges[0]: from_port 90 is greater than to_port 80; allowed: from_port <= to_port"),
    ([{"from_port": 8000, "to_port": 8010}, {"from_port": 8005}],
     "port_ranges[1] (8005) overlaps port_ranges[0] (8000-8010); allowed: port ranges of one listener must not overlap"),
    ([{"from_port": 443}, {"from_port": 80}, {"from_port": 443}],
     "port_ranges[2] (443) overlaps port_ranges[0] (443); allowed: port ranges of one listener must not overlap"),
])
def test_normalize_port_ranges_rejects(given_ranges, message):
    with pytest.raises(ga.ListenerInputError) as err:
        ga.normalize_port_ranges(given_ranges)
    assert str(err.value) == message


def params(**kwargs):
    base = {"listener_arn": None, "accelerator_arn": ACC, "accelerator_name": None, "protocol": "TCP",
            "port_ranges": [{"from_port": 80}], "client_affinity": None, "wait_timeout": 600}
    base.update(kwargs)
    return base


@pytest.mark.parametrize("overrides, message", [
    ({"listener_arn": "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/x/y/z"},
     "listener_arn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/x/y/z' is not a Global "
     "Accelerator listener ARN; allowed: arn:aws:globalaccelerator::<account id>:accelerator/<id>/listener/<id>"),
    ({"accelerator_arn": "accelerator/abc"},
     "accelerator_arn: 'accelerator/abc' is not a Global Accelerator accelerator ARN; allowed: "
     "arn:aws:globalaccelerator::<account id>:accelerator/<id>"),
    ({"listener_arn": OTHER_ACC + "/listener/abcd1234"},
     "listener_arn: '%s/listener/abcd1234' does not belong to accelerator_arn '%s'; allowed: a listener of that "
     "accelerator" % (OTHER_ACC, ACC)),
    ({"accelerator_arn": None, "accelerator_name": "  "},
     "accelerator_name: an empty name was given; allowed: the name of an existing accelerator"),
    ({"protocol": None}, "protocol: required to identify the listener when listener_arn is not given"),
    ({"protocol": None, "port_ranges": None},
     "protocol and port_ranges: required to identify the listener when listener_arn is not given"),
])
def test_validate_options_rejects(overrides, message):
    with pytest.raises(ga.ListenerInputError) as err:
        ga.validate_options(params(**overrides))
    assert str(err.value) == message


def test_validate_options_with_listener_arn_needs_nothing_else():
    desired = ga.validate_options(params(listener_arn=ACC + "/listener/abcd1234", protocol=None, port_ranges=None))
    assert desired == {"protocol": None, "port_ranges": None, "client_affinity": None}


@pytest.mark.parametrize("overrides, message", [
    # ansible-core passes a YAML boolean through to a type=int option: true must not mean 1 second
    ({"wait_timeout": True},
     "wait_timeout must be an integer from 1 to 86400 seconds, got True (a boolean, not a number of seconds)."),
    ({"wait_timeout": False},
     "wait_timeout must be an integer from 1 to 86400 seconds, got False (a boolean, not a number of seconds)."),
    # 0 would make every change fail after its write
    ({"wait_timeout": 0}, "wait_timeout must be an integer from 1 to 86400 seconds, got 0."),
    ({"wait_timeout": -1}, "wait_timeout must be an integer from 1 to 86400 seconds, got -1."),
    ({"wait_timeout": 86401}, "wait_timeout must be an integer from 1 to 86400 seconds, got 86401."),
    # botocore's model: IdempotencyToken is a string of at most 255 characters
    ({"idempotency_token": "t" * 256},
     "idempotency_token: '%s...' is 256 characters long; allowed: 1 to 255 characters" % ("t" * 40)),
    ({"idempotency_token": "t" * 1000},
     "idempotency_token: '%s...' is 1000 characters long; allowed: 1 to 255 characters" % ("t" * 40)),
    ({"idempotency_token": ""},
     "idempotency_token: an empty token was given; allowed: 1 to 255 characters, or omit the option to have one derived"),
])
def test_validate_options_refuses_run_options(overrides, message):
    with pytest.raises(ga.ListenerInputError) as err:
        ga.validate_options(params(**overrides))
    assert str(err.value) == message


@pytest.mark.parametrize("overrides", [
    {"wait_timeout": 1}, {"wait_timeout": 86400}, {"wait_timeout": None},
    {"idempotency_token": "t"}, {"idempotency_token": "t" * 255}, {"idempotency_token": None},
])
def test_validate_options_accepts_run_options(overrides):
    assert ga.validate_options(params(**overrides))["protocol"] == "TCP"


def test_accelerator_arn_of():
    assert ga.accelerator_arn_of(ACC + "/listener/0123abcd") == ACC
    assert ga.accelerator_arn_of(ACC) is None


def test_listener_from_api_sorts_ranges_and_derives_accelerator():
    api = {"ListenerArn": ACC + "/listener/0123abcd", "Protocol": "UDP",
           "PortRanges": [{"FromPort": 443, "ToPort": 443}, {"FromPort": 53, "ToPort": 53}]}
    assert ga.listener_from_api(api) == {
        "listener_arn": ACC + "/listener/0123abcd", "accelerator_arn": ACC, "protocol": "UDP",
        "port_ranges": [rng(53), rng(443)], "client_affinity": "NONE"}


TCP_WEB = listener("aaaa0001", "TCP", rng(80), rng(443))
UDP_WEB = listener("aaaa0002", "UDP", rng(443))
TCP_ALT = listener("aaaa0003", "TCP", rng(8000, 8100))


@pytest.mark.parametrize("protocol, ranges, expected, how", [
    ("TCP", [rng(80), rng(443)], TCP_WEB, "exact"),
    ("TCP", [rng(443)], TCP_WEB, "overlap"),  # ports changed in place
    ("UDP", [rng(443)], UDP_WEB, "exact"),
    ("UDP", [rng(80)], None, None),  # TCP 80 is never matched for UDP
    ("TCP", [rng(9000)], None, None),
    ("TCP", [rng(8050), rng(9000)], TCP_ALT, "overlap"),
])
def test_find_listener(protocol, ranges, expected, how):
    assert ga.find_listener([TCP_WEB, UDP_WEB, TCP_ALT], protocol, ranges) == (expected, how)


def test_find_listener_ambiguous_overlap_asks_for_arn():
    with pytest.raises(ga.ListenerMatchError) as err:
        ga.find_listener([TCP_WEB, UDP_WEB, TCP_ALT], "TCP", [rng(443, 8050)])
    assert "overlap 2 TCP listeners" in str(err.value)
    assert "pass listener_arn" in str(err.value)


def test_desired_listener_keeps_unset_fields_and_defaults_new_affinity():
    current = listener("aaaa0001", "TCP", rng(80), affinity="SOURCE_IP")
    after = ga.desired_listener(current, {"protocol": None, "port_ranges": [rng(81)], "client_affinity": None}, ACC)
    assert after["client_affinity"] == "SOURCE_IP" and after["port_ranges"] == [rng(81)]
    new = ga.desired_listener(None, {"protocol": "UDP", "port_ranges": [rng(53)], "client_affinity": None}, ACC)
    assert new == {"listener_arn": None, "accelerator_arn": ACC, "protocol": "UDP", "port_ranges": [rng(53)],
                   "client_affinity": "NONE"}


def test_update_request_sends_only_differences():
    current = listener("aaaa0001", "TCP", rng(80))
    after = dict(current, client_affinity="SOURCE_IP")
    changes = ga.listener_changes(current, after)
    assert changes == {"client_affinity": {"before": "NONE", "after": "SOURCE_IP"}}
    assert ga.update_request(current["listener_arn"], changes) == {
        "ListenerArn": current["listener_arn"], "ClientAffinity": "SOURCE_IP"}
    ports = ga.listener_changes(current, dict(current, port_ranges=[rng(81)], protocol="UDP"))
    assert ga.update_request("x", ports) == {"ListenerArn": "x", "Protocol": "UDP",
                                             "PortRanges": [{"FromPort": 81, "ToPort": 81}]}


@pytest.mark.parametrize("after, existing, code, fragment", [
    (dict(listener("new", "TCP", rng(443)), listener_arn=None), [TCP_WEB], "InvalidPortRangeException", "overlap the TCP listener"),
    (dict(listener("new", "UDP", rng(443, 444)), listener_arn=None), [UDP_WEB], "InvalidPortRangeException", "overlap the UDP listener"),
    (dict(listener("new", "TCP", rng(1)), listener_arn=None),
     [listener("q%07d" % i, "TCP", rng(100 + i)) for i in range(10)], "LimitExceededException", "at most 10 listeners"),
    (dict(TCP_ALT, protocol="UDP", port_ranges=[rng(443)]), [TCP_WEB, UDP_WEB, TCP_ALT], "InvalidPortRangeException",
     "overlap the UDP listener"),
])
def test_predict_rejection(after, existing, code, fragment):
    found_code, message = ga.predict_rejection(existing, after)
    assert found_code == code
    assert "(%s)" % code in message and fragment in message


@pytest.mark.parametrize("after, existing", [
    (dict(listener("new", "UDP", rng(80), rng(443, 444)), listener_arn=None), [TCP_WEB]),  # other protocol
    (dict(TCP_WEB, port_ranges=[rng(80), rng(444)]), [TCP_WEB, UDP_WEB]),  # its own old ports do not count
    (dict(listener("new", "TCP", rng(1)), listener_arn=None), [listener("q%07d" % i, "TCP", rng(100 + i)) for i in range(9)]),
])
def test_predict_rejection_accepts(after, existing):
    assert ga.predict_rejection(existing, after) is None


def test_create_token_is_deterministic_and_sensitive():
    new = dict(listener("x", "TCP", rng(80)), listener_arn=None)
    now = 1_700_000_000
    first = ga.create_token(ACC, new, [UDP_WEB], now)
    assert first == ga.create_token(ACC, dict(new), [dict(UDP_WEB)], now)  # the same create: the same token
    assert len(first) == 32
    assert first != ga.create_token(ACC, dict(new, port_ranges=[rng(81)]), [UDP_WEB], now)
    assert first != ga.create_token(OTHER_ACC, new, [UDP_WEB], now)
    assert first != ga.create_token(ACC, new, [UDP_WEB, TCP_ALT], now)
    # Another create of the same listener (the first one deleted since), a moment later: another token
    assert first != ga.create_token(ACC, new, [UDP_WEB], now + 0.001)


def test_listener_plan_records_actions():
    new = dict(listener("x", "TCP", rng(80)), listener_arn=None)
    create = ga.listener_plan("create", None, new)
    assert create["action"] == "create" and create["id"] is None
    assert create["changes"]["port_ranges"] == {"before": None, "after": [rng(80)]}
    delete = ga.listener_plan("delete", TCP_WEB, None)
    assert delete["id"] == TCP_WEB["listener_arn"] and delete["changes"]["protocol"] == {"before": "TCP", "after": None}
    assert delete["key"] == {"accelerator_arn": ACC, "protocol": "TCP", "port_ranges": [rng(80), rng(443)]}
    assert ga.listener_plan("none", TCP_WEB, TCP_WEB)["changes"] == {}
    nothing = ga.listener_plan("none", None, None, wanted=dict(new, port_ranges=[rng(81)]))
    assert nothing["id"] is None and nothing["key"]["port_ranges"] == [rng(81)]


ranges_strategy = st.lists(st.tuples(st.integers(1, 65535), st.integers(0, 50)), min_size=1, max_size=10)


@given(ranges_strategy, st.randoms())
def test_normalize_is_order_independent(pairs, rand):
    """Any order of the same valid ranges normalizes to the same sorted list (order never causes a change)."""
    items = [{"from_port": a, "to_port": min(a + w, 65535)} for a, w in pairs]
    try:
        expected = ga.normalize_port_ranges(items)
    except ga.ListenerInputError:
        return  # overlapping inputs are refused whatever the order
    shuffled = list(items)
    rand.shuffle(shuffled)
    assert ga.normalize_port_ranges(shuffled) == expected
    reordered = ga.normalize_port_ranges(shuffled)
    assert ga.listener_changes(dict(TCP_WEB, port_ranges=expected), dict(TCP_WEB, port_ranges=reordered)) == {}


PORT_LISTS = st.lists(st.integers(1, 65535), min_size=1, max_size=10, unique=True)


@given(st.sampled_from(ga.PROTOCOLS), st.sampled_from(ga.CLIENT_AFFINITIES), PORT_LISTS)
def test_applying_changes_yields_desired(protocol, affinity, ports):
    """Applying the computed UpdateListener request to the current listener gives the desired one."""
    desired = {"protocol": protocol, "port_ranges": ga.normalize_port_ranges([{"from_port": p} for p in ports]),
               "client_affinity": affinity}
    after = ga.desired_listener(TCP_WEB, desired, ACC)
    request = ga.update_request(TCP_WEB["listener_arn"], ga.listener_changes(TCP_WEB, after))
    applied = dict(TCP_WEB)
    if "PortRanges" in request:
        applied["port_ranges"] = sorted(({"from_port": r["FromPort"], "to_port": r["ToPort"]} for r in request["PortRanges"]),
                                        key=lambda r: (r["from_port"], r["to_port"]))
    applied["protocol"] = request.get("Protocol", applied["protocol"])
    applied["client_affinity"] = request.get("ClientAffinity", applied["client_affinity"])
    assert applied == after
    assert ga.listener_changes(applied, after) == {}
