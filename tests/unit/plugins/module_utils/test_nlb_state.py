# -*- coding: utf-8 -*-
# Copyright (c) multicloud.listeners contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The pure NLB listener logic: normalize, validate, compare, predict, request, token."""

import copy

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ansible_collections.multicloud.listeners.plugins.module_utils import _nlb_state as state

LISTENER_ID = "lsn-demo0000000000001@443"

TCPSSL_BODY = {
    "RegionId": "cn-hangzhou", "LoadBalancerId": "nlb-demo0000000000001", "ListenerId": LISTENER_ID,
    "ListenerProtocol": "TCPSSL", "ListenerPort": 443, "StartPort": "0", "EndPort": "0",
    "ListenerDescription": "demo_tcpssl_443", "ServerGroupId": "sgp-ssl0000000000001", "IdleTimeout": 900,
    "SecurityPolicyId": "tls_cipher_policy_1_0", "CertificateIds": ["12315790-cn-hangzhou"], "CaCertificateIds": [],
    "CaEnabled": False, "AlpnEnabled": False, "ProxyProtocolEnabled": False,
    "ProxyProtocolV2Config": {"Ppv2VpcIdEnabled": False, "Ppv2PrivateLinkEpIdEnabled": False, "Ppv2PrivateLinkEpsIdEnabled": False},
    "SecSensorEnabled": False, "ListenerStatus": "Running", "Cps": 0, "Mss": 0,
    "Tags": [{"TagKey": "env", "TagValue": "demo"}], "RequestId": "REQ",
}


def tcpssl():
    return state.normalize_listener(copy.deepcopy(TCPSSL_BODY))


def listener(protocol="TCP", **attributes):
    current = tcpssl()
    current.update(listener_protocol=protocol, security_policy_id=None, certificate_ids=[], alpn_policy=None)
    current.update(attributes)
    return current


# --- normalize ---------------------------------------------------------------------------------


def test_normalize_get_listener_attribute_body():
    assert tcpssl() == {
        "listener_id": LISTENER_ID, "load_balancer_id": "nlb-demo0000000000001", "listener_protocol": "TCPSSL",
        "listener_port": 443, "listener_status": "Running", "start_port": 0, "end_port": 0, "region_id": "cn-hangzhou",
        "listener_description": "demo_tcpssl_443", "server_group_id": "sgp-ssl0000000000001",
        "security_policy_id": "tls_cipher_policy_1_0", "certificate_ids": ["12315790-cn-hangzhou"], "ca_certificate_ids": [],
        "ca_enabled": False, "idle_timeout": 900, "proxy_protocol_enabled": False,
        "proxy_protocol_v2_config": {"ppv2_vpc_id_enabled": False, "ppv2_private_link_ep_id_enabled": False,
                                     "ppv2_private_link_eps_id_enabled": False},
        "sec_sensor_enabled": False, "alpn_enabled": False, "alpn_policy": None, "cps": 0, "mss": 0,
        "tags": {"env": "demo"},
    }


def test_normalize_list_entry_spells_tags_differently():
    body = dict(TCPSSL_BODY, Tags=[{"Key": "env", "Value": "demo"}])
    assert state.normalize_listener(body) == tcpssl()


@pytest.mark.parametrize("body, key, expected", [
    ({}, "certificate_ids", []),
    ({"CertificateIds": ["b", "a", "b"]}, "certificate_ids", ["a", "b"]),
    ({}, "ca_enabled", False),
    ({"CaEnabled": "true"}, "ca_enabled", True),
    ({"CaEnabled": "False"}, "ca_enabled", False),
    ({"IdleTimeout": "60"}, "idle_timeout", 60),
    ({}, "cps", None),
    ({"ListenerPort": "8080"}, "listener_port", 8080),
    ({"AlpnPolicy": ""}, "alpn_policy", None),
    ({"ProxyProtocolV2Config": '{"Ppv2VpcIdEnabled": true}'}, "proxy_protocol_v2_config",
     {"ppv2_vpc_id_enabled": True, "ppv2_private_link_ep_id_enabled": False, "ppv2_private_link_eps_id_enabled": False}),
    ({"ProxyProtocolV2Config": "not json"}, "proxy_protocol_v2_config",
     {"ppv2_vpc_id_enabled": False, "ppv2_private_link_ep_id_enabled": False, "ppv2_private_link_eps_id_enabled": False}),
    ({}, "tags", {}),
])
def test_normalize_values(body, key, expected):
    assert state.normalize_listener(body)[key] == expected


def test_listener_key_and_attributes():
    current = tcpssl()
    assert state.listener_key(current) == {"load_balancer_id": "nlb-demo0000000000001", "protocol": "TCPSSL", "port": 443}
    assert sorted(state.listener_attributes(current)) == sorted(state.ATTRIBUTES)


# --- desired and validation ------------------------------------------------------------------------


def test_desired_keeps_only_what_is_set():
    params = dict((name, None) for name in state.ATTRIBUTES)
    params.update(certificate_ids=["b", "a", "a"], cps=0, proxy_protocol_v2_config={"ppv2_vpc_id_enabled": True,
                                                                                    "ppv2_private_link_ep_id_enabled": None,
                                                                                    "ppv2_private_link_eps_id_enabled": None})
    assert state.desired_attributes(params) == {"certificate_ids": ["a", "b"], "cps": 0,
                                                "proxy_protocol_v2_config": {"ppv2_vpc_id_enabled": True}}


def test_desired_drops_an_empty_v2_config():
    assert state.desired_attributes({"proxy_protocol_v2_config": dict((key, None) for key in state.PPV2_KEYS)}) == {}


@pytest.mark.parametrize("desired", [
    {"listener_description": "ab"},
    {"listener_description": "x" * 256},
    {"listener_description": u"监听器_web-1.a;b/c@d,e"},
    {"listener_description": u"\u4e00\u9fff"},  # the first and last character of the CJK Unified Ideographs block
    {"listener_description": "AZaz09,.;/@_-"},
    {"cps": 0}, {"cps": 1000000}, {"mss": 0}, {"mss": 1500}, {"idle_timeout": 10}, {"idle_timeout": 900},
    # above 900 is left to the service (allow-listed accounts; check mode's DryRun validates it)
    {"idle_timeout": 901}, {"idle_timeout": 3600},
    {"certificate_ids": ["a"]}, {"certificate_ids": []}, {"ca_certificate_ids": ["a"]},
    {"alpn_policy": "HTTP2Optional"},
])
def test_validate_desired_accepts(desired):
    assert state.validate_desired(desired) == []


@pytest.mark.parametrize("desired, message", [
    ({"listener_description": "a"},
     "listener_description must be 2 to 256 characters of ASCII letters, digits, Chinese characters (U+4E00-U+9FFF) "
     "and , . ; / @ _ -, got 'a'."),
    ({"listener_description": "x" * 257}, "listener_description must be 2 to 256 characters"),
    ({"listener_description": "has space"}, "got 'has space'."),
    ({"listener_description": "semi:colon"}, "got 'semi:colon'."),
    ({"cps": -1}, "cps must be an integer from 0 to 1000000, got -1."),
    ({"cps": 1000001}, "cps must be an integer from 0 to 1000000, got 1000001."),
    ({"mss": 1501}, "mss must be an integer from 0 to 1500, got 1501."),
    ({"idle_timeout": 9}, "idle_timeout must be an integer from 10 to 3600 seconds, got 9."),
    ({"idle_timeout": 3601}, "idle_timeout must be an integer from 10 to 3600 seconds, got 3601."),
    ({"idle_timeout": True}, "idle_timeout must be an integer from 10 to 3600 seconds, got True."),
    ({"certificate_ids": ["a", "b"]}, "certificate_ids accepts at most one ID, got 2: a, b."),
    ({"ca_certificate_ids": ["a", "b"]}, "ca_certificate_ids accepts at most one ID, got 2: a, b."),
    ({"alpn_policy": "HTTP3"}, "alpn_policy must be one of HTTP1Only, HTTP2Only, HTTP2Optional, HTTP2Preferred, got 'HTTP3'."),
])
def test_validate_desired_refuses(desired, message):
    errors = state.validate_desired(desired)
    assert len(errors) == 1
    assert message in errors[0]


@pytest.mark.parametrize("description", [
    u"caf\u00e9_web",  # accented Latin: \w took it, the service does not
    u"\u0432\u0435\u0431",  # Cyrillic
    u"\u30a6\u30a7\u30d6",  # katakana
    u"web\uff11\uff12",  # full-width digits
    u"\u3400\u3401",  # CJK extension A: not in the documented set (see DESCRIPTION_PATTERN)
    u"web\u00b2",  # superscript two, a Unicode digit
    "web\n",  # a trailing newline: re.match with $ accepted it
    "x" * 255 + "\n",  # 256 characters ending in a newline
    "x" * 256 + "\n",  # 257 characters ending in a newline
    "\nweb",
    "web\t1",
])
def test_validate_desired_refuses_what_the_service_refuses_in_a_description(description):
    errors = state.validate_desired({"listener_description": description})
    assert errors == [
        "listener_description must be 2 to 256 characters of ASCII letters, digits, Chinese characters (U+4E00-U+9FFF) "
        "and , . ; / @ _ -, got %r." % (description,)
    ]


def test_validate_desired_reports_every_error():
    assert len(state.validate_desired({"cps": -1, "mss": -1})) == 2


@pytest.mark.parametrize("protocol, desired, message", [
    ("UDP", {"idle_timeout": 21}, "idle_timeout must be an integer from 10 to 20 seconds on a UDP listener, got 21."),
    ("TCP", {"mss": 100, "alpn_enabled": False},
     "alpn_enabled can only be set on TCPSSL listeners (listener_protocol is TCP)."),
    ("UDP", {"mss": 1400},
     "mss cannot be set to 1400 on a UDP listener (listener_protocol is UDP); mss is allowed on TCP and TCPSSL listeners only."),
    ("UDP", {"idle_timeout": 900}, "idle_timeout must be an integer from 10 to 20 seconds on a UDP listener, got 900."),
    ("UDP", {"certificate_ids": []}, "certificate_ids can only be set on TCPSSL listeners (listener_protocol is UDP)."),
])
def test_validate_desired_with_the_natural_key_protocol(protocol, desired, message):
    assert state.validate_desired(desired, protocol) == [message]


@pytest.mark.parametrize("protocol, desired", [
    ("UDP", {"idle_timeout": 20}), ("TCPSSL", {"mss": 1, "alpn_enabled": True}),
    ("TCP", {"mss": 1400}), ("TCP", {"mss": 0}), ("TCP", {"idle_timeout": 3600}), ("TCPSSL", {"idle_timeout": 1800}),
])
def test_validate_desired_with_protocol_accepts(protocol, desired):
    assert state.validate_desired(desired, protocol) == []


@pytest.mark.parametrize("current, desired, message", [
    (listener("UDP", listener_id="lsn-u"), {"idle_timeout": 30},
     "idle_timeout must be an integer from 10 to 20 seconds on a UDP listener, got 30."),
    (listener("TCP", listener_id="lsn-t"), {"security_policy_id": "tls_cipher_policy_1_2"},
     "security_policy_id can only be set on TCPSSL listeners (listener lsn-t is TCP)."),
    (listener("UDP", listener_id="lsn-u"), {"mss": 1400},
     "mss cannot be set to 1400 on a UDP listener (listener lsn-u is UDP); mss is allowed on TCP and TCPSSL listeners only."),
    (listener("UDP", listener_id="lsn-u"), {"idle_timeout": 901},
     "idle_timeout must be an integer from 10 to 20 seconds on a UDP listener, got 901."),
    (tcpssl(), {"alpn_enabled": True},
     "alpn_policy is required when enabling ALPN on listener %s, which has no ALPN policy; "
     "use one of HTTP1Only, HTTP2Only, HTTP2Optional, HTTP2Preferred." % LISTENER_ID),
    (tcpssl(), {"certificate_ids": []},
     "certificate_ids cannot be emptied: UpdateListenerAttribute has no way to send an empty list (listener %s has "
     "12315790-cn-hangzhou); a TCPSSL listener needs one server certificate, give its replacement instead." % LISTENER_ID),
    (dict(tcpssl(), ca_certificate_ids=["ca-1"]), {"ca_certificate_ids": [], "ca_enabled": False},
     "ca_certificate_ids cannot be emptied: UpdateListenerAttribute has no way to send an empty list (listener %s has "
     "ca-1); use ca_enabled=false to stop mutual authentication." % LISTENER_ID),
])
def test_validate_for_listener_refuses(current, desired, message):
    assert state.validate_for_listener(desired, current) == [message]


@pytest.mark.parametrize("current, desired", [
    (tcpssl(), {"alpn_enabled": True, "alpn_policy": "HTTP2Only"}),
    (dict(tcpssl(), alpn_policy="HTTP1Only"), {"alpn_enabled": True}),
    (dict(tcpssl(), alpn_enabled=True, alpn_policy="HTTP1Only"), {"alpn_enabled": True}),
    (listener("UDP"), {"idle_timeout": 15, "cps": 5}),
    (listener("TCP"), {"idle_timeout": 900, "server_group_id": "sgp-2"}),
    (listener("TCP"), {"mss": 1400}),
    (listener("TCP"), {"idle_timeout": 3600}),
    (tcpssl(), {"mss": 1500, "idle_timeout": 1200}),
    (tcpssl(), {"ca_certificate_ids": []}),
])
def test_validate_for_listener_accepts(current, desired):
    assert state.validate_for_listener(desired, current) == []


@pytest.mark.parametrize("kwargs, message", [
    ({"listener_protocol": "HTTP"}, "listener_protocol must be one of TCP, UDP, TCPSSL, got 'HTTP'."),
    ({"listener_port": 70000}, "listener_port must be an integer from 0 to 65535, got 70000."),
    ({"client_token": "x" * 65}, "client_token must be 1 to 64 printable ASCII characters without spaces"),
    ({"client_token": u"tök"}, "client_token must be 1 to 64 printable ASCII characters without spaces"),
    ({"client_token": "a b"}, "client_token must be 1 to 64 printable ASCII characters without spaces"),
    ({"client_token": ""}, "client_token must be 1 to 64 printable ASCII characters without spaces, got ''."),
    ({"client_token": "tab\tbed"}, "client_token must be 1 to 64 printable ASCII characters without spaces"),
    ({"client_token": "del\x7f"}, "client_token must be 1 to 64 printable ASCII characters without spaces"),
    ({"client_token": "token\n"}, "client_token must be 1 to 64 printable ASCII characters without spaces"),
    # ansible-core passes a YAML boolean through to a type=int option: true must not mean 1 second
    ({"wait_timeout": True}, "wait_timeout must be an integer from 1 to 3600 seconds, got True (a boolean, not a number of seconds)."),
    ({"wait_timeout": False}, "wait_timeout must be an integer from 1 to 3600 seconds, got False (a boolean, not a number of seconds)."),
    ({"wait_timeout": 0}, "wait_timeout must be an integer from 1 to 3600 seconds, got 0."),
    ({"wait_timeout": -1}, "wait_timeout must be an integer from 1 to 3600 seconds, got -1."),
    ({"wait_timeout": 3601}, "wait_timeout must be an integer from 1 to 3600 seconds, got 3601."),
])
def test_validate_identity(kwargs, message):
    errors = state.validate_identity(**kwargs)
    assert len(errors) == 1 and errors[0].startswith(message)


@pytest.mark.parametrize("client_token, wait_timeout", [
    ("a" * 64, 1), ("!~" * 32, 3600), ("x", 300), (None, None),
])
def test_validate_identity_accepts(client_token, wait_timeout):
    assert state.validate_identity("TCPSSL", 0, client_token, wait_timeout) == []


# --- compare, predict, request ------------------------------------------------------------------------


@pytest.mark.parametrize("desired, expected", [
    ({}, {}),
    ({"idle_timeout": 900, "cps": 0, "listener_description": "demo_tcpssl_443"}, {}),
    ({"idle_timeout": 600}, {"idle_timeout": 600}),
    ({"certificate_ids": ["12315790-cn-hangzhou"]}, {}),
    ({"certificate_ids": ["12315791-cn-hangzhou"]}, {"certificate_ids": ["12315791-cn-hangzhou"]}),
    ({"ca_certificate_ids": []}, {}),
    ({"proxy_protocol_v2_config": {"ppv2_vpc_id_enabled": False}}, {}),
    ({"proxy_protocol_v2_config": {"ppv2_vpc_id_enabled": True}},
     {"proxy_protocol_v2_config": {"ppv2_vpc_id_enabled": True, "ppv2_private_link_ep_id_enabled": False,
                                   "ppv2_private_link_eps_id_enabled": False}}),
    ({"alpn_enabled": True, "alpn_policy": "HTTP2Only", "ca_enabled": False},
     {"alpn_enabled": True, "alpn_policy": "HTTP2Only"}),
])
def test_compute_changes(desired, expected):
    assert state.compute_changes(tcpssl(), desired) == expected


def test_compute_changes_compares_id_lists_as_sets():
    current = dict(tcpssl(), certificate_ids=["b", "a"])
    assert state.compute_changes(current, {"certificate_ids": ["a", "b"]}) == {}


def test_v2_config_keeps_the_keys_not_set():
    current = tcpssl()
    current["proxy_protocol_v2_config"] = dict(current["proxy_protocol_v2_config"], ppv2_private_link_ep_id_enabled=True)
    changes = state.compute_changes(current, {"proxy_protocol_v2_config": {"ppv2_vpc_id_enabled": True}})
    assert changes["proxy_protocol_v2_config"] == {"ppv2_vpc_id_enabled": True, "ppv2_private_link_ep_id_enabled": True,
                                                   "ppv2_private_link_eps_id_enabled": False}


def test_predict_and_plan_changes():
    current = tcpssl()
    changes = {"idle_timeout": 600, "certificate_ids": ["x"]}
    predicted = state.predict_listener(current, changes)
    assert predicted == dict(current, idle_timeout=600, certificate_ids=["x"])
    assert current["idle_timeout"] == 900
    assert state.plan_changes(current, changes) == {
        "certificate_ids": {"before": ["12315790-cn-hangzhou"], "after": ["x"]},
        "idle_timeout": {"before": 900, "after": 600},
    }


def test_build_update_request_uses_api_field_names_and_only_the_changes():
    changes = {"idle_timeout": 600, "certificate_ids": ["x"], "alpn_enabled": True,
               "proxy_protocol_v2_config": {"ppv2_vpc_id_enabled": True, "ppv2_private_link_ep_id_enabled": False,
                                            "ppv2_private_link_eps_id_enabled": False}}
    assert state.build_update_request(LISTENER_ID, changes, "tok", region_id="cn-hangzhou") == {
        "ListenerId": LISTENER_ID, "ClientToken": "tok", "RegionId": "cn-hangzhou", "IdleTimeout": 600,
        "CertificateIds": ["x"], "AlpnEnabled": True,
        "ProxyProtocolV2Config": {"Ppv2VpcIdEnabled": True, "Ppv2PrivateLinkEpIdEnabled": False, "Ppv2PrivateLinkEpsIdEnabled": False},
    }


def test_build_update_request_dry_run():
    request = state.build_update_request(LISTENER_ID, {"cps": 1}, "tok", dry_run=True)
    assert request == {"ListenerId": LISTENER_ID, "ClientToken": "tok", "DryRun": True, "Cps": 1}


def test_client_token_is_stable_and_depends_on_the_change():
    current = tcpssl()
    token = state.derive_client_token(LISTENER_ID, current, {"idle_timeout": 600})
    assert token == state.derive_client_token(LISTENER_ID, copy.deepcopy(current), {"idle_timeout": 600})
    assert len(token) == 32 and token.isalnum()
    assert token != state.derive_client_token(LISTENER_ID, current, {"idle_timeout": 601})
    assert token != state.derive_client_token(LISTENER_ID, dict(current, idle_timeout=800), {"idle_timeout": 600})
    assert token != state.derive_client_token("lsn-other", current, {"idle_timeout": 600})
    assert token != state.derive_client_token(LISTENER_ID, current, {"idle_timeout": 600}, dry_run=True)
    # attributes that do not change do not count
    assert token == state.derive_client_token(LISTENER_ID, dict(current, cps=5), {"idle_timeout": 600})


# --- properties -------------------------------------------------------------------------------------

ids = st.lists(st.sampled_from(["a", "b", "c"]), max_size=1)
ppv2 = st.fixed_dictionaries({}, optional=dict((key, st.booleans()) for key in state.PPV2_KEYS))
attribute_values = {
    "listener_description": st.sampled_from(["web_1", "web_2", u"监听器"]),
    "server_group_id": st.sampled_from(["sgp-1", "sgp-2"]),
    "security_policy_id": st.sampled_from(["tls_cipher_policy_1_0", "tls_cipher_policy_1_2"]),
    "certificate_ids": ids,
    "ca_certificate_ids": ids,
    "ca_enabled": st.booleans(),
    "idle_timeout": st.integers(10, 900),
    "proxy_protocol_enabled": st.booleans(),
    "proxy_protocol_v2_config": ppv2,
    "sec_sensor_enabled": st.booleans(),
    "alpn_enabled": st.booleans(),
    "alpn_policy": st.sampled_from(state.ALPN_POLICIES),
    "cps": st.integers(0, 1000000),
    "mss": st.integers(0, 1500),
}
desired_states = st.fixed_dictionaries({}, optional=attribute_values)


@st.composite
def current_listeners(draw):
    current = tcpssl()
    for name, values in attribute_values.items():
        value = draw(values)
        if name == "proxy_protocol_v2_config":
            value = dict(current[name], **value)
        current[name] = value
    return current


def _holds(current, desired):
    """Every desired attribute is what ``current`` holds (lists as sets, v2 config key by key)."""
    for name, value in desired.items():
        if name == "proxy_protocol_v2_config":
            if any(current[name][key] != flag for key, flag in value.items()):
                return False
        elif name in state.ID_LIST_ATTRIBUTES:
            if set(current[name]) != set(value):
                return False
        elif current[name] != value:
            return False
    return True


@settings(max_examples=200, deadline=None)
@given(current_listeners(), desired_states)
def test_applying_the_changes_yields_the_desired_state(current, desired):
    desired = state.desired_attributes(desired)
    changes = state.compute_changes(current, desired)
    predicted = state.predict_listener(current, changes)
    assert _holds(predicted, desired)
    assert state.compute_changes(predicted, desired) == {}
    assert set(changes) <= set(desired)
    for name in set(state.ATTRIBUTES) - set(changes):
        assert predicted[name] == current[name]


@settings(max_examples=100, deadline=None)
@given(current_listeners())
def test_a_listener_compared_with_itself_has_no_change(current):
    assert state.compute_changes(current, state.listener_attributes(current)) == {}


@settings(max_examples=100, deadline=None)
@given(current_listeners(), desired_states)
def test_the_request_carries_exactly_the_changes(current, desired):
    changes = state.compute_changes(current, state.desired_attributes(desired))
    request = state.build_update_request(LISTENER_ID, changes, "tok")
    assert set(request) - {"ListenerId", "ClientToken"} == set(state.API_FIELD[name] for name in changes)
