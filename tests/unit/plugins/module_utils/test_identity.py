# -*- coding: utf-8 -*-
# Copyright (c) multicloud.listeners contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The identity rule: for any identity option of any module, null, "" and whitespace are refused with zero calls.

The pure check is driven directly, and every module is run in-process with a client factory that records any
attempt to build a client (GA) or to call the service (NLB): a refused identity must not reach either.
"""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.multicloud.listeners.plugins.module_utils import _identity
from ansible_collections.multicloud.listeners.plugins.module_utils import _nlb
from ansible_collections.multicloud.listeners.plugins.modules import ga_accelerator_listeners
from ansible_collections.multicloud.listeners.plugins.modules import ga_listener
from ansible_collections.multicloud.listeners.plugins.modules import ga_listener_info
from ansible_collections.multicloud.listeners.plugins.modules import nlb_listener_attribute
from ansible_collections.multicloud.listeners.plugins.modules import nlb_listener_info
from ansible_collections.multicloud.listeners.tests.unit.plugins.modules.module_runner import run_module

ACC = "arn:aws:globalaccelerator::123456789012:accelerator/1234abcd-abcd-1234-abcd-1234abcdefab"
GA_CREDS = {"access_key": "AKIAEXAMPLE", "secret_key": "secret-example", "region": "us-west-2"}
NLB_CREDS = {"alicloud_access_key": "LTAIunit", "alicloud_secret_key": "unit-secret", "alicloud_region": "cn-hangzhou"}

# module -> (module object, credentials, valid arguments that name a resource by other options)
MODULES = {
    "ga_listener": (ga_listener, GA_CREDS, {"protocol": "TCP", "port_ranges": [{"from_port": 80}]}),
    "ga_listener_info": (ga_listener_info, GA_CREDS, {}),
    "ga_accelerator_listeners": (ga_accelerator_listeners, GA_CREDS, {"listeners": []}),
    "nlb_listener_attribute": (nlb_listener_attribute, NLB_CREDS, {"idle_timeout": 15}),
    "nlb_listener_info": (nlb_listener_info, NLB_CREDS, {}),
}
CASES = [(name, option) for name in sorted(MODULES) for option in _identity.IDENTITY_OPTIONS[name]]
BLANKS = st.one_of(st.none(), st.text(alphabet=" \t\n\r\x0b\x0c\u00a0\u3000", max_size=6))


class CallMade(AssertionError):
    pass


@pytest.fixture
def no_calls(monkeypatch):
    calls = []

    def refuse(*args, **kwargs):
        calls.append(args)
        raise CallMade("a client was built for a refused identity")

    monkeypatch.setattr(AnsibleAWSModule, "client", refuse)
    monkeypatch.setattr(_nlb, "_load_sdk_client_class", refuse)
    return calls


@pytest.mark.parametrize("value, shown", [(None, "null"), ("", "''"), ("   ", "'   '"), ("\t\n", "'\\t\\n'")])
@pytest.mark.parametrize("name, option", CASES)
def test_the_pure_check_refuses_blank_values(name, option, value, shown):
    problems = _identity.identity_problems(name, {option: value})
    assert problems == [_identity.blank_problem(option, value)]
    assert problems[0].startswith("%s: %s was given, which names no resource; allowed: " % (option, shown))


@pytest.mark.parametrize("name", sorted(_identity.IDENTITY_OPTIONS))
def test_the_pure_check_passes_values_and_left_out_options(name):
    given = dict((option, "x-1") for option in _identity.IDENTITY_OPTIONS[name])
    assert _identity.identity_problems(name, given) == []
    assert _identity.identity_problems(name, {}) == []


@pytest.mark.parametrize("name, option", CASES)
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=BLANKS)
def test_every_module_refuses_a_blank_identity_without_a_call(no_calls, capsys, name, option, value):
    module, creds, args = MODULES[name]
    del no_calls[:]  # the fixture lives across hypothesis examples
    if option in ("listener_protocol", "listener_port"):  # parts of a natural key: the other parts are given
        args = dict(args, load_balancer_id="nlb-demo", listener_protocol="TCP", listener_port=80)
    result = run_module(module, capsys, dict(creds, **dict(args, **{option: value})))
    assert result["failed"] is True
    assert option in result["msg"]  # ours, or ansible-core's own refusal (choices, types, exclusive options)
    assert "Traceback" not in result["msg"]
    assert no_calls == []
