# -*- coding: utf-8 -*-
# Copyright (c) multicloud.listeners contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The pure helpers every module shares."""

import pytest

from ansible_collections.multicloud.listeners.plugins.module_utils import _common


def test_derive_token_is_stable_and_namespaced():
    token = _common.derive_token("ns", {"b": [1, 2], "a": "x"})
    assert token == _common.derive_token("ns", {"a": "x", "b": [1, 2]})
    assert token != _common.derive_token("other", {"a": "x", "b": [1, 2]})
    assert len(_common.derive_token("ns", 1, length=16)) == 16


def test_field_changes_lists_only_differences():
    assert _common.field_changes({"a": 1, "b": 2}, {"a": 1, "b": 3}) == {"b": {"before": 2, "after": 3}}
    assert _common.field_changes(None, {"a": 1}, keys=["a"]) == {"a": {"before": None, "after": 1}}
    assert _common.field_changes({"a": 1, "c": 5}, {"a": 1}, keys=["a"]) == {}


def test_plan_record_rejects_unknown_actions():
    with pytest.raises(ValueError):
        _common.plan_record("x", "replace", None, None)
    record = _common.plan_record("x", "none", "id-1", {"k": 1})
    assert record == {"resource": "x", "action": "none", "id": "id-1", "key": {"k": 1}, "changes": {}}


@pytest.mark.parametrize("host, expected", [
    ("127.0.0.1", True), ("127.8.9.10", True), ("localhost", True), ("::1", True), ("[::1]", True),
    ("LOCALHOST", True), ("10.0.0.1", False), ("128.0.0.1", False), ("example.com", False), ("", False), (None, False), ("localhost.example.com", False),
])
def test_is_loopback_host(host, expected):
    assert _common.is_loopback_host(host) is expected


@pytest.mark.parametrize("url, allow, error, warning", [
    (None, False, False, False),
    ("https://globalaccelerator.example.com", False, False, False),
    ("http://127.0.0.1:4601", False, False, False),
    ("http://localhost:4601", False, False, False),
    ("http://10.1.2.3:8080", False, True, False),
    ("HTTP://example.com", False, True, False),
    ("http://10.1.2.3:8080", True, False, True),
])
def test_plain_http_problem(url, allow, error, warning):
    found_error, found_warning = _common.plain_http_problem(url, allow)
    assert bool(found_error) is error and bool(found_warning) is warning
    if found_error:
        assert found_error.startswith("endpoint_url %r uses plain HTTP" % url)
        assert "allow_http_endpoint=true" in found_error
