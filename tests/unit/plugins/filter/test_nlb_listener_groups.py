# -*- coding: utf-8 -*-
# Copyright (c) multicloud.listeners contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.multicloud.listeners.plugins.filter.nlb_listener_groups import FilterModule
from ansible_collections.multicloud.listeners.plugins.filter.nlb_listener_groups import group_entries
from ansible_collections.multicloud.listeners.plugins.filter.nlb_listener_groups import groups_filter
from ansible_collections.multicloud.listeners.plugins.filter.nlb_listener_groups import missing_entries

A = "nlb-a"
B = "nlb-b"


def entry(lb, protocol, port, **extra):
    return dict(load_balancer_id=lb, listener_protocol=protocol, listener_port=port, **extra)


@pytest.mark.parametrize("entries, expected", [
    ([], []),
    (None, []),
    ([entry(A, "TCP", 80, attributes={"idle_timeout": 60, "cps": None})],
     [{"load_balancer_id": A, "listeners": [{"listener_protocol": "TCP", "listener_port": 80, "idle_timeout": 60}]}]),
    ([entry(B, "TCP", 80), entry(A, "UDP", 53, state="absent"), entry(B, "TCPSSL", 443, attributes={})],
     [{"load_balancer_id": B, "listeners": [{"listener_protocol": "TCP", "listener_port": 80},
                                            {"listener_protocol": "TCPSSL", "listener_port": 443}]},
      {"load_balancer_id": A, "listeners": [{"listener_protocol": "UDP", "listener_port": 53, "state": "absent"}]}]),
    ([entry(A, "UDP", 0, start_port=1000, end_port=1010, listener_id=None)],
     [{"load_balancer_id": A, "listeners": [{"listener_protocol": "UDP", "listener_port": 0, "start_port": 1000,
                                             "end_port": 1010}]}]),
    ([entry("", "UDP", 53)], [{"load_balancer_id": "", "listeners": [{"listener_protocol": "UDP", "listener_port": 53}]}]),
    ([{"load_balancer_id": A}, entry(B, "TCP", 80)],
     [{"load_balancer_id": A, "listeners": []}, {"load_balancer_id": B, "listeners": [{"listener_protocol": "TCP",
                                                                                      "listener_port": 80}]}]),
])
def test_group_entries(entries, expected):
    assert group_entries(entries) == expected


@pytest.mark.parametrize("entries, message", [
    ([{"listener_id": "lsn-1@80"}],
     "nlb_listener_attributes_listeners[0]: listener_id lsn-1@80 is no longer supported; name the listener by "
     "load_balancer_id, listener_protocol and listener_port."),
    (["x"], "nlb_listener_attributes_listeners[0]: a dict is required, got 'x'."),
])
def test_group_entries_refused(entries, message):
    with pytest.raises(ValueError) as error:
        group_entries(entries)
    assert str(error.value) == message


def existing(lb, protocol, port, start=0, end=0):
    return dict(load_balancer_id=lb, listener_protocol=protocol, listener_port=port, start_port=start, end_port=end)


@pytest.mark.parametrize("entries, listeners, expected", [
    ([], [], []),
    ([entry(A, "TCP", 80)], [existing(A, "TCP", 80)], []),
    ([entry(A, "TCP", 80)], [existing(B, "TCP", 80)], ["nlb_listener_attributes_listeners[0] (nlb-a TCP:80)"]),
    ([entry(A, "TCP", 80), entry(A, "UDP", 80)], [existing(A, "TCP", 80)],
     ["nlb_listener_attributes_listeners[1] (nlb-a UDP:80)"]),
    ([entry(A, "TCP", 8080, state="absent")], [], []),
    ([{"load_balancer_id": A}], [], []),
    ([entry(A, "UDP", 0, start_port=1000, end_port=1010)], [existing(A, "UDP", 0, "1000", "1010")], []),
    ([entry(A, "UDP", 0, start_port=1000, end_port=1011)], [existing(A, "UDP", 0, 1000, 1010)],
     ["nlb_listener_attributes_listeners[0] (nlb-a UDP:0)"]),
])
def test_missing_entries(entries, listeners, expected):
    assert missing_entries(entries, listeners) == expected


def test_filter_errors_are_filter_errors():
    with pytest.raises(AnsibleFilterError, match="listener_id lsn-1@80"):
        FilterModule().filters()["nlb_listener_groups"]([{"listener_id": "lsn-1@80"}])


class RecordingDisplay:
    def __init__(self):
        self.warnings = []

    def warning(self, message):
        self.warnings.append(message)


@pytest.mark.parametrize("entries, warned", [
    ([], True),
    ([entry(A, "TCP", 80)], False),
    ([{"load_balancer_id": A}], False),
])
def test_groups_filter_warns_only_for_an_empty_list(entries, warned):
    display = RecordingDisplay()
    assert groups_filter(entries, display=display) == group_entries(entries)
    expected = ["nlb_listener_attributes_listeners is an empty list: this role run declares no listener and changes "
                "nothing (check the variable that sets it)."] if warned else []
    assert display.warnings == expected
