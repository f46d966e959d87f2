# -*- coding: utf-8 -*-
# Copyright (c) multicloud.listeners contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Adoption: listeners -> role variables, and the round trip through the set modules' pure planning."""

import copy

import pytest

from ansible_collections.multicloud.listeners.plugins.filter.nlb_listener_groups import group_entries
from ansible_collections.multicloud.listeners.plugins.module_utils import _adopt as ad
from ansible_collections.multicloud.listeners.plugins.module_utils import _ga_set
from ansible_collections.multicloud.listeners.plugins.module_utils import _nlb_set
from ansible_collections.multicloud.listeners.plugins.module_utils._ga_state import listener_from_api
from ansible_collections.multicloud.listeners.plugins.module_utils._nlb_state import normalize_listener

ACCELERATOR = "arn:aws:globalaccelerator::123456789012:accelerator/5f0e4c1a-0000-4a5b-8c3d-000000000002"
LB = "nlb-adopt000000000001"
PPV2_OFF = {"Ppv2VpcIdEnabled": False, "Ppv2PrivateLinkEpIdEnabled": False, "Ppv2PrivateLinkEpsIdEnabled": False}


def ga_listener(suffix, protocol, ranges, affinity="NONE"):
    return listener_from_api({"ListenerArn": "%s/listener/%s" % (ACCELERATOR, suffix), "Protocol": protocol,
                              "PortRanges": [{"FromPort": first, "ToPort": last} for first, last in ranges],
                              "ClientAffinity": affinity})


def nlb_listener(protocol, port, start=0, end=0, lb=LB, **fields):
    """A listener as GetListenerAttribute / ListListeners answer it, created with no optional attribute."""
    body = {"ListenerId": "lsn-%s@%s" % (protocol.lower(), port or "%d-%d" % (start, end)), "LoadBalancerId": lb,
            "ListenerProtocol": protocol, "ListenerPort": port, "StartPort": str(start), "EndPort": str(end),
            "ListenerStatus": "Running", "RegionId": "cn-hangzhou", "ServerGroupId": "sgp-1",
            "IdleTimeout": 20 if protocol == "UDP" else 900, "ProxyProtocolEnabled": False,
            "ProxyProtocolV2Config": dict(PPV2_OFF), "SecSensorEnabled": False, "Cps": 0}
    if protocol != "UDP":
        body["Mss"] = 0
    if protocol == "TCPSSL":
        body.update({"SecurityPolicyId": "tls_cipher_policy_1_0", "CertificateIds": ["cert-1"], "CaCertificateIds": [],
                     "CaEnabled": False, "AlpnEnabled": False})
    body.update(fields)
    return normalize_listener(body)


# --- the option ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["none", "non_default", "all"])
def test_mode_choices_pass(value):
    assert ad.check_mode_option(value) == value


@pytest.mark.parametrize("value", ["", "None", "nondefault", "ALL", None, True, 1])
def test_mode_refusal_names_option_value_and_choices(value):
    with pytest.raises(ad.RoleVarsError) as error:
        ad.check_mode_option(value)
    assert str(error.value) == "role_vars: %r; allowed: none, non_default, all" % (value,)


# --- the defaults table ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("cloud, name, protocol, expected", [
    ("ga", "client_affinity", "TCP", "NONE"),
    ("ga", "client_affinity", "UDP", "NONE"),
    ("nlb", "idle_timeout", "TCP", 900),
    ("nlb", "idle_timeout", "TCPSSL", 900),
    ("nlb", "idle_timeout", "UDP", 20),
    ("nlb", "security_policy_id", "TCPSSL", "tls_cipher_policy_1_0"),
    ("nlb", "security_policy_id", "TCP", None),
    ("nlb", "cps", "UDP", 0),
    ("nlb", "mss", "TCP", 0),
    ("nlb", "ca_enabled", "TCPSSL", False),
    ("nlb", "proxy_protocol_v2_config", "TCP",
     {"ppv2_vpc_id_enabled": False, "ppv2_private_link_ep_id_enabled": False, "ppv2_private_link_eps_id_enabled": False}),
    ("nlb", "listener_description", "TCP", None),
])
def test_service_defaults(cloud, name, protocol, expected):
    assert ad.service_default(cloud, name, protocol) == expected


def test_defaults_cover_every_nlb_attribute():
    assert sorted(ad.SERVICE_DEFAULTS["nlb"]) == sorted(ad.NLB_ATTRIBUTES)


@pytest.mark.parametrize("protocol", ["TCP", "UDP", "TCPSSL"])
def test_defaults_are_what_a_create_without_attributes_makes(protocol):
    """The table agrees with what the NLB set module predicts for a create that sends no optional attribute."""
    [entry] = _nlb_set.validate_entries([{"listener_protocol": protocol, "listener_port": 80, "server_group_id": "sgp-1",
                                          "certificate_ids": ["cert-1"] if protocol == "TCPSSL" else None}])
    dummy, dummy, [created] = _nlb_set.plan_set([], [entry], LB)
    for name in ad.NLB_ATTRIBUTES:
        if ad.nlb_applicable(name, protocol) and name not in ad.CREATE_KEYS[protocol]:
            assert created[name] == ad.service_default("nlb", name, protocol), name


# --- Global Accelerator -------------------------------------------------------------------------------------------

GA_LISTENERS = [
    ga_listener("0003", "UDP", [(53, 53)]),
    ga_listener("0001", "TCP", [(443, 443), (80, 80)], "SOURCE_IP"),
    ga_listener("0002", "TCP", [(8000, 8010)]),
]


@pytest.mark.parametrize("mode, expected", [
    ("non_default", [
        {"protocol": "TCP", "port_ranges": [{"from_port": 80, "to_port": 80}, {"from_port": 443, "to_port": 443}],
         "client_affinity": "SOURCE_IP"},
        {"protocol": "TCP", "port_ranges": [{"from_port": 8000, "to_port": 8010}]},
        {"protocol": "UDP", "port_ranges": [{"from_port": 53, "to_port": 53}]},
    ]),
    ("all", [
        {"protocol": "TCP", "port_ranges": [{"from_port": 80, "to_port": 80}, {"from_port": 443, "to_port": 443}],
         "client_affinity": "SOURCE_IP"},
        {"protocol": "TCP", "port_ranges": [{"from_port": 8000, "to_port": 8010}], "client_affinity": "NONE"},
        {"protocol": "UDP", "port_ranges": [{"from_port": 53, "to_port": 53}], "client_affinity": "NONE"},
    ]),
])
def test_ga_role_vars(mode, expected):
    assert ad.ga_role_vars(GA_LISTENERS, mode, accelerator_name="web") == {
        "ga_listeners_accelerator_name": "web", "ga_listeners_listeners": expected}


@pytest.mark.parametrize("name, arn, expected", [
    ("web", None, {"ga_listeners_accelerator_name": "web"}),
    ("web", ACCELERATOR, {"ga_listeners_accelerator_name": "web"}),
    (None, ACCELERATOR, {"ga_listeners_accelerator_arn": ACCELERATOR}),
])
def test_ga_accelerator_named_as_the_task_named_it(name, arn, expected):
    role_vars = ad.ga_role_vars([], "non_default", accelerator_name=name, accelerator_arn=arn)
    assert role_vars == dict(expected, ga_listeners_listeners=[])


@pytest.mark.parametrize("mode", ["non_default", "all"])
def test_ga_round_trip_changes_nothing(mode):
    """The entries pass the set module's validation and plan no write against the listeners they came from."""
    entries = _ga_set.validate_entries(ad.ga_role_vars(GA_LISTENERS, mode, accelerator_arn=ACCELERATOR)["ga_listeners_listeners"])
    steps, writes, dummy = _ga_set.plan_set(GA_LISTENERS, entries, ACCELERATOR, purge=True)
    assert [step["action"] for step in steps] == ["none", "none", "none"]
    assert writes == []


@pytest.mark.parametrize("mode", ["non_default", "all"])
def test_ga_one_edit_is_one_update_of_one_field(mode):
    role_vars = ad.ga_role_vars(GA_LISTENERS, mode, accelerator_arn=ACCELERATOR)
    role_vars["ga_listeners_listeners"][0]["client_affinity"] = "NONE"
    steps, dummy, dummy = _ga_set.plan_set(GA_LISTENERS, _ga_set.validate_entries(role_vars["ga_listeners_listeners"]),
                                           ACCELERATOR)
    assert [(step["action"], sorted(step["changes"])) for step in steps if step["action"] != "none"] == [
        ("update", ["client_affinity"])]


# --- NLB -------------------------------------------------------------------------------------------------------------

NLB_LISTENERS = [
    nlb_listener("TCPSSL", 443, SecurityPolicyId="tls_cipher_policy_1_2", AlpnEnabled=True, AlpnPolicy="HTTP2Preferred",
                 ListenerDescription="web_443"),
    nlb_listener("UDP", 53),
    nlb_listener("TCP", 80, IdleTimeout=300, Cps=100, ProxyProtocolV2Config=dict(PPV2_OFF, Ppv2VpcIdEnabled=True)),
    nlb_listener("TCP", 0, 10000, 10010, ServerGroupId="sgp-any", Mss=1200),
    nlb_listener("TCP", 8080, lb="nlb-adopt000000000000"),
]
NON_DEFAULT = [
    {"load_balancer_id": "nlb-adopt000000000000", "listener_protocol": "TCP", "listener_port": 8080,
     "attributes": {"server_group_id": "sgp-1"}},
    {"load_balancer_id": LB, "listener_protocol": "TCP", "listener_port": 0, "start_port": 10000, "end_port": 10010,
     "attributes": {"server_group_id": "sgp-any", "mss": 1200}},
    {"load_balancer_id": LB, "listener_protocol": "TCP", "listener_port": 80,
     "attributes": {"server_group_id": "sgp-1", "idle_timeout": 300, "proxy_protocol_v2_config": {"ppv2_vpc_id_enabled": True},
                    "cps": 100}},
    {"load_balancer_id": LB, "listener_protocol": "TCPSSL", "listener_port": 443,
     "attributes": {"listener_description": "web_443", "server_group_id": "sgp-1", "security_policy_id": "tls_cipher_policy_1_2",
                    "certificate_ids": ["cert-1"], "alpn_enabled": True, "alpn_policy": "HTTP2Preferred"}},
    {"load_balancer_id": LB, "listener_protocol": "UDP", "listener_port": 53, "attributes": {"server_group_id": "sgp-1"}},
]
COMMON_ALL = {"proxy_protocol_enabled": False, "sec_sensor_enabled": False, "cps": 0,
              "proxy_protocol_v2_config": {"ppv2_vpc_id_enabled": False, "ppv2_private_link_ep_id_enabled": False,
                                           "ppv2_private_link_eps_id_enabled": False}}


def test_nlb_role_vars_non_default():
    assert ad.nlb_role_vars(NLB_LISTENERS, "non_default") == {"nlb_listener_attributes_listeners": NON_DEFAULT}


@pytest.mark.parametrize("index, expected", [
    (0, dict(COMMON_ALL, server_group_id="sgp-1", idle_timeout=900, mss=0)),
    (4, dict(COMMON_ALL, server_group_id="sgp-1", idle_timeout=20)),  # UDP: no mss
    (3, dict(COMMON_ALL, listener_description="web_443", server_group_id="sgp-1", security_policy_id="tls_cipher_policy_1_2",
             certificate_ids=["cert-1"], ca_enabled=False, idle_timeout=900, mss=0, alpn_enabled=True,
             alpn_policy="HTTP2Preferred")),  # TCPSSL: no empty ca_certificate_ids (it cannot be sent)
])
def test_nlb_role_vars_all(index, expected):
    assert ad.nlb_role_vars(NLB_LISTENERS, "all")["nlb_listener_attributes_listeners"][index]["attributes"] == expected


def test_nlb_listeners_being_deleted_are_left_out():
    listeners = [nlb_listener("TCP", 80), nlb_listener("UDP", 53, ListenerStatus="Deleting")]
    assert [entry["listener_port"] for entry in ad.nlb_role_vars(listeners, "all")["nlb_listener_attributes_listeners"]] == [80]


@pytest.mark.parametrize("mode", ["non_default", "all"])
def test_nlb_round_trip_changes_nothing(mode):
    """Through the role's grouping filter and the set module's planning: each load balancer plans no write."""
    role_vars = ad.nlb_role_vars(NLB_LISTENERS, mode)
    assert ad.nlb_refusals(role_vars) == []
    groups = group_entries(role_vars["nlb_listener_attributes_listeners"])
    assert [group["load_balancer_id"] for group in groups] == ["nlb-adopt000000000000", LB]
    for group in groups:
        held = [item for item in NLB_LISTENERS if item["load_balancer_id"] == group["load_balancer_id"]]
        steps, batches, dummy = _nlb_set.plan_set(held, _nlb_set.validate_entries(group["listeners"]), group["load_balancer_id"],
                                                  purge=True)
        assert [step["action"] for step in steps] == ["none"] * len(held)
        assert batches == []


@pytest.mark.parametrize("mode", ["non_default", "all"])
def test_nlb_entries_recreate_the_listeners(mode):
    """Against a load balancer without them, the entries are creates the set module accepts, of the same listeners."""
    role_vars = ad.nlb_role_vars(NLB_LISTENERS, mode)
    for group in group_entries(role_vars["nlb_listener_attributes_listeners"]):
        held = [item for item in NLB_LISTENERS if item["load_balancer_id"] == group["load_balancer_id"]]
        steps, dummy, after = _nlb_set.plan_set([], _nlb_set.validate_entries(group["listeners"]), group["load_balancer_id"])
        assert [step["action"] for step in steps] == ["create"] * len(held)
        for created in after:
            [source] = [item for item in held if _nlb_set.natural_key(item) == _nlb_set.natural_key(created)]
            for name in ad.NLB_ATTRIBUTES:
                if name != "listener_description" or source[name] is not None:
                    assert created[name] == source[name], name


@pytest.mark.parametrize("mode, edit, field", [
    ("non_default", ("idle_timeout", 60), "idle_timeout"),
    ("all", ("idle_timeout", 60), "idle_timeout"),
    ("all", ("cps", 5), "cps"),
    ("non_default", ("listener_description", "renamed"), "listener_description"),
])
def test_nlb_one_edit_is_one_update_of_one_field(mode, edit, field):
    role_vars = copy.deepcopy(ad.nlb_role_vars(NLB_LISTENERS, mode))
    role_vars["nlb_listener_attributes_listeners"][2]["attributes"][edit[0]] = edit[1]
    [dummy, group] = group_entries(role_vars["nlb_listener_attributes_listeners"])
    held = [item for item in NLB_LISTENERS if item["load_balancer_id"] == LB]
    steps, dummy, dummy = _nlb_set.plan_set(held, _nlb_set.validate_entries(group["listeners"]), LB)
    assert [(step["action"], sorted(step["changes"])) for step in steps if step["action"] != "none"] == [("update", [field])]


@pytest.mark.parametrize("fields, expected", [
    ({"ListenerDescription": "made in the console"}, "listener_description must be"),
    ({"IdleTimeout": 5000}, "idle_timeout must be an integer from 10 to 3600"),
])
def test_nlb_values_the_role_refuses_are_reported(fields, expected):
    [problem] = ad.nlb_refusals(ad.nlb_role_vars([nlb_listener("TCP", 80, **fields)], "non_default"))
    assert problem.startswith("nlb_listener_attributes_listeners of %s[0] (TCP:80): " % LB)
    assert expected in problem
