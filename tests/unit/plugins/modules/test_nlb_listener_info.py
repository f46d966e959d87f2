# -*- coding: utf-8 -*-
# Copyright (c) multicloud.listeners contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""nlb_listener_info against the fake SDK client of nlb_fake.py."""

import json

import pytest

from ansible_collections.multicloud.listeners.plugins.module_utils import _nlb
from ansible_collections.multicloud.listeners.plugins.module_utils._nlb_state import normalize_listener
from ansible_collections.multicloud.listeners.plugins.modules import nlb_listener_info
from ansible_collections.multicloud.listeners.tests.unit.plugins.modules.nlb_fake import LISTENERS
from ansible_collections.multicloud.listeners.tests.unit.plugins.modules.nlb_fake import FakeNlb
from ansible_collections.multicloud.listeners.tests.unit.plugins.modules.nlb_fake import api_error
from ansible_collections.multicloud.listeners.tests.unit.plugins.modules.module_runner import run_module

CREDS = {"alicloud_access_key": "LTAIunit", "alicloud_secret_key": "unit-secret", "alicloud_region": "cn-hangzhou"}


@pytest.fixture
def nlb(monkeypatch):
    fake = FakeNlb()
    monkeypatch.setattr(_nlb, "_load_sdk_client_class", fake.client_class)
    return fake


def run(capsys, check_mode=False, **args):
    return run_module(nlb_listener_info, capsys, dict(CREDS, **args), check_mode, secret="unit-secret")


def test_lists_every_page_of_a_load_balancer(nlb, capsys):
    result = run(capsys, check_mode=True, load_balancer_id="nlb-demo")
    assert result["changed"] is False
    assert nlb.operations() == ["list_listeners", "list_listeners"]
    assert result["listeners"] == [normalize_listener(item) for item in LISTENERS]


@pytest.mark.parametrize("args, expected", [
    ({"listener_protocol": "TCPSSL"}, ["lsn-demo@443"]),
    ({"listener_port": 53}, ["lsn-demo@53"]),
    ({"listener_protocol": "TCP", "listener_port": 443}, []),
])
def test_filters(nlb, capsys, args, expected):
    result = run(capsys, load_balancer_id="nlb-demo", **args)
    assert [item["listener_id"] for item in result["listeners"]] == expected


def test_one_listener_by_id_in_the_attribute_shape(nlb, capsys):
    result = run(capsys, listener_id="lsn-demo@80")
    assert nlb.operations() == ["get_listener_attribute"]
    assert result["listeners"] == [normalize_listener(LISTENERS[0])]


def test_a_missing_listener_is_an_empty_list(nlb, capsys):
    result = run(capsys, listener_id="lsn-none")
    assert not result.get("failed")
    assert result["listeners"] == []


def test_other_errors_fail_with_the_code(nlb, capsys):
    nlb.failures["list_listeners"] = [api_error("Forbidden.NoPermission", "Authentication is failed for NoPermission.", 403)]
    result = run(capsys, load_balancer_id="nlb-demo")
    assert result["failed"] is True
    assert result["msg"] == ("Failed to list the listeners of load balancer nlb-demo: Forbidden.NoPermission: "
                             "Authentication is failed for NoPermission. (RequestId: REQ-ERR)")
    assert result["error"]["code"] == "Forbidden.NoPermission"


@pytest.mark.parametrize("args, message", [
    ({}, "one of the following is required: listener_id, load_balancer_id"),
    ({"listener_id": "lsn-1", "load_balancer_id": "nlb-1"}, "parameters are mutually exclusive: listener_id|load_balancer_id"),
    ({"load_balancer_id": "nlb-1", "listener_port": -1}, "listener_port must be an integer from 0 to 65535, got -1."),
])
def test_bad_input_fails_before_any_call(nlb, capsys, args, message):
    result = run(capsys, **args)
    assert result["failed"] is True and result["msg"] == message
    assert nlb.calls == []


# --- role_vars (adoption) ---------------------------------------------------------------------------------------


def test_no_role_vars_by_default(nlb, capsys):
    assert "role_vars" not in run(capsys, load_balancer_id="nlb-demo")


@pytest.mark.parametrize("mode, expected", [
    ("non_default", [
        {"load_balancer_id": "nlb-demo", "listener_protocol": "TCP", "listener_port": 80,
         "attributes": {"listener_description": "demo_tcp_80", "server_group_id": "sgp-tcp"}},
        {"load_balancer_id": "nlb-demo", "listener_protocol": "TCPSSL", "listener_port": 443,
         "attributes": {"listener_description": "demo_tcpssl_443", "server_group_id": "sgp-ssl", "certificate_ids": ["cert-1"]}},
        {"load_balancer_id": "nlb-demo", "listener_protocol": "UDP", "listener_port": 53,
         "attributes": {"listener_description": "demo_udp_53", "server_group_id": "sgp-udp"}},
    ]),
    ("all", [
        {"load_balancer_id": "nlb-demo", "listener_protocol": "TCP", "listener_port": 80,
         "attributes": {"listener_description": "demo_tcp_80", "server_group_id": "sgp-tcp", "idle_timeout": 900,
                        "proxy_protocol_enabled": False, "sec_sensor_enabled": False, "cps": 0, "mss": 0,
                        "proxy_protocol_v2_config": {"ppv2_vpc_id_enabled": False, "ppv2_private_link_ep_id_enabled": False,
                                                     "ppv2_private_link_eps_id_enabled": False}}},
    ]),
])
def test_role_vars_in_a_stable_order(nlb, capsys, mode, expected):
    result = run(capsys, load_balancer_id="nlb-demo", role_vars=mode)
    assert nlb.operations() == ["list_listeners", "list_listeners"]
    assert result["listeners"] == [normalize_listener(item) for item in LISTENERS]  # unchanged
    assert result["role_vars"]["nlb_listener_attributes_listeners"][:len(expected)] == expected
    assert "warnings" not in result, result.get("warnings")


def test_role_vars_warn_of_values_the_role_refuses(nlb, capsys):
    nlb.listeners["lsn-demo@80"]["ListenerDescription"] = "made in the console"
    result = run(capsys, listener_id="lsn-demo@80", role_vars="non_default")
    assert result["role_vars"]["nlb_listener_attributes_listeners"][0]["attributes"]["listener_description"] == "made in the console"
    [warning] = result["warnings"]
    assert ("role_vars: the role would refuse a value the service holds; edit it before applying: "
            "nlb_listener_attributes_listeners of nlb-demo[0] (TCP:80): listener_description must be") in json.dumps(warning)


@pytest.mark.parametrize("value", ["full", "None", ""])
def test_bad_role_vars_fails_before_any_call(nlb, capsys, value):
    result = run(capsys, load_balancer_id="nlb-demo", role_vars=value)
    assert result["failed"] is True
    assert result["msg"] == "value of role_vars must be one of: none, non_default, all, got: %s" % value
    assert nlb.calls == []
