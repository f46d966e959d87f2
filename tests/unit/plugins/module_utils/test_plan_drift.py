# -*- coding: utf-8 -*-
# Copyright (c) multicloud.listeners contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""module_utils/_plan.py: classifying plan records and the drift summary; the plan_drift filter on registered results."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.multicloud.listeners.plugins.filter.plan_drift import FilterModule
from ansible_collections.multicloud.listeners.plugins.filter.plan_drift import plan_drift
from ansible_collections.multicloud.listeners.plugins.module_utils import _plan as pl
from ansible_collections.multicloud.listeners.plugins.module_utils._common import plan_record

ACC = "arn:aws:globalaccelerator::123456789012:accelerator/acc-1"
GA_KEY = {"accelerator_arn": ACC, "protocol": "TCP", "port_ranges": [{"from_port": 80, "to_port": 80}]}
NLB_KEY = {"load_balancer_id": "nlb-1", "protocol": "TCP", "port": 80}


def rec(action, failed=False):
    return {"action": action, "failed": failed}


@pytest.mark.parametrize("record, kind", [
    (rec("create"), "changes"),
    (rec("update"), "changes"),
    (rec("delete"), "changes"),
    (rec("none"), "in_sync"),
    (rec("undeclared"), "undeclared"),
    (rec("update", failed=True), "failed"),
    (rec("undeclared", failed=True), "failed"),
    (rec(None, failed=True), "failed"),
])
def test_drift_class(record, kind):
    assert pl.drift_class(record) == kind


@pytest.mark.parametrize("actions, failed_hosts, expected", [
    ([], 0, {"status": "in_sync", "changes": 0, "undeclared": 0, "failed": 0}),
    (["none", "none"], 0, {"status": "in_sync", "changes": 0, "undeclared": 0, "failed": 0}),
    (["none", "update"], 0, {"status": "drift", "changes": 1, "undeclared": 0, "failed": 0}),
    (["undeclared", "none", "undeclared"], 0, {"status": "drift", "changes": 0, "undeclared": 2, "failed": 0}),
    (["create", "delete", "undeclared"], 0, {"status": "drift", "changes": 2, "undeclared": 1, "failed": 0}),
    (["update", "failed"], 0, {"status": "failed", "changes": 1, "undeclared": 0, "failed": 1}),
    (["none"], 1, {"status": "failed", "changes": 0, "undeclared": 0, "failed": 0}),
    ([], 2, {"status": "failed", "changes": 0, "undeclared": 0, "failed": 0}),
])
def test_drift_summary(actions, failed_hosts, expected):
    records = [rec("update", True) if action == "failed" else rec(action) for action in actions]
    assert pl.drift_summary(records, failed_hosts) == expected


@pytest.mark.parametrize("summary, text", [
    ({"status": "in_sync", "changes": 0, "undeclared": 0, "failed": 0}, "in sync: no change, no undeclared listener"),
    ({"status": "drift", "changes": 1, "undeclared": 2, "failed": 0}, "drift: 1 change, 2 undeclared"),
    ({"status": "drift", "changes": 3, "undeclared": 0, "failed": 0}, "drift: 3 changes, 0 undeclared"),
    ({"status": "failed", "changes": 0, "undeclared": 1, "failed": 1}, "failed: 0 changes, 1 undeclared, 1 failed"),
])
def test_drift_verdict(summary, text):
    assert pl.drift_verdict(summary) == text


def test_undeclared_line_has_no_changes_and_says_kept():
    record = pl.make_record("prod", "t", "m", {"plan": plan_record("nlb_listener", "undeclared", "lsn-1@80", NLB_KEY)},
                            False, True)
    assert pl.record_line(record) == "?           nlb_listener TCP:80 on nlb-1 (lsn-1@80): not declared, kept"


# --- the plan_drift filter -------------------------------------------------------------------------

def ga_set_result(*actions, **extra):
    result = {"changed": False, "plan": [plan_record("ga_listener", action, ACC + "/listener/" + str(index), GA_KEY)
                                         for index, action in enumerate(actions)],
              "invocation": {"module_args": {"secret_key": "s3cr3t"}}}
    result.update(extra)
    return result


def nlb_loop_result(*items):
    return {"changed": False, "msg": "All items completed", "results": list(items)}


def nlb_item(*actions, **extra):
    item = {"changed": False, "plan": [plan_record("nlb_listener", action, "lsn-%d@80" % index, NLB_KEY)
                                       for index, action in enumerate(actions)], "item": {"load_balancer_id": "nlb-1"}}
    item.update(extra)
    return item


def test_in_sync():
    got = plan_drift([{"host": "prod", "result": ga_set_result("none", "none")},
                      {"host": "prod", "result": nlb_loop_result(nlb_item("none"), {"skipped": True})}])
    assert got == {"status": "in_sync", "changes": 0, "undeclared": 0, "failed": 0,
                   "verdict": "in sync: no change, no undeclared listener", "lines": []}


def test_drift_with_lines_per_host():
    got = plan_drift([{"host": "prod", "result": ga_set_result("none", "undeclared")},
                      {"host": "staging", "result": nlb_loop_result(nlb_item("update"), nlb_item("none", "undeclared"))}])
    assert (got["status"], got["changes"], got["undeclared"], got["failed"]) == ("drift", 1, 2, 0)
    assert got["lines"] == [
        "prod: ?           ga_listener TCP 80 on accelerator/acc-1 (listener/1): not declared, kept",
        "staging: ~ update    nlb_listener TCP:80 on nlb-1 (lsn-0@80)",
        "staging: ?           nlb_listener TCP:80 on nlb-1 (lsn-1@80): not declared, kept",
    ]
    assert "s3cr3t" not in str(got)


def test_a_refused_preview_fails_and_keeps_its_undeclared():
    refused = nlb_item("update", "undeclared", failed=True, msg="The service refused 1 of the 1 writes")
    refused["plan"][0]["error"] = {"code": "Mismatch.Protocol", "message": "mismatched", "request_id": "R"}
    got = plan_drift([{"host": "prod", "result": nlb_loop_result(refused)}])
    assert (got["status"], got["changes"], got["undeclared"], got["failed"]) == ("failed", 0, 1, 1)
    assert "error Mismatch.Protocol: mismatched" in got["lines"][0]


def test_a_failed_task_without_plan_is_a_failure():
    got = plan_drift([{"failed": True, "msg": "listeners[0].port_ranges: 70000 is not a port"}])
    assert (got["status"], got["failed"]) == ("failed", 1)
    assert got["lines"] == ["localhost: ! failed    ? (task: ?): error listeners[0].port_ranges: 70000 is not a port"]


@pytest.mark.parametrize("results", [[], [None], [{"host": "prod", "result": None}], [{"changed": False, "msg": "x"}]])
def test_nothing_to_read_is_in_sync(results):
    assert plan_drift(results)["status"] == "in_sync"


@pytest.mark.parametrize("results, message", [
    ("text", "the input must be a list of registered results, got str"),
    ([1], "item 0 is 1; allowed: a registered result (a dict) or {host, result}"),
    ([{"host": "prod", "result": "x"}], "item 0 (host prod): the result is 'x'; allowed: a registered result (a dict)"),
])
def test_bad_input_is_named(results, message):
    with pytest.raises(AnsibleFilterError, match="plan_drift: " + pytest.importorskip("re").escape(message)):
        FilterModule().filters()["plan_drift"](results)
