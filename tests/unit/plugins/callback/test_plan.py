# -*- coding: utf-8 -*-
# Copyright (c) multicloud.listeners contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The multicloud.listeners.plan callback: collecting plan records from results, and rendering them."""

import json
import os
import subprocess
import sys
import textwrap

import pytest
import yaml

from ansible_collections.multicloud.listeners.plugins.callback import plan as cb
from ansible_collections.multicloud.listeners.plugins.module_utils import _plan as pl
from ansible_collections.multicloud.listeners.plugins.module_utils._common import field_changes
from ansible_collections.multicloud.listeners.plugins.module_utils._common import plan_record

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))))
ACC = "arn:aws:globalaccelerator::123456789012:accelerator/acc-staging"
LSN = ACC + "/listener/0a0b0080"
SECRET = "s3cr3t-never-shown"
GA = "multicloud.listeners.ga_listener"
NLB = "multicloud.listeners.nlb_listener_attribute"


def ranges(*ports):
    return [{"from_port": port, "to_port": port} for port in ports]


def ga_key(protocol="TCP", ports=(80, 443)):
    return {"accelerator_arn": ACC, "protocol": protocol, "port_ranges": ranges(*ports)}


def ga_listener(protocol="TCP", ports=(80, 443), affinity="NONE", arn=LSN):
    return {"listener_arn": arn, "accelerator_arn": ACC, "protocol": protocol, "port_ranges": ranges(*ports),
            "client_affinity": affinity}


FIELDS = ("protocol", "port_ranges", "client_affinity")
GA_UPDATE = plan_record("ga_listener", "update", LSN, ga_key(),
                        field_changes(ga_listener(), ga_listener(affinity="SOURCE_IP"), FIELDS))
GA_CREATE = plan_record("ga_listener", "create", None, ga_key(ports=(8080,)),
                        field_changes({}, ga_listener(ports=(8080,), arn=None), FIELDS))
GA_DELETE = plan_record("ga_listener", "delete", ACC + "/listener/0a0b0053", ga_key("UDP", (53,)),
                        field_changes(ga_listener("UDP", (53,)), {}, FIELDS))
GA_GONE = plan_record("ga_listener", "none", None, None)
NLB_KEY = {"load_balancer_id": "nlb-stg00000000000001", "protocol": "TCP", "port": 80}
NLB_UPDATE = plan_record("nlb_listener", "update", "lsn-stg00000000000001@80", NLB_KEY,
                         {"idle_timeout": {"before": 900, "after": 60}})
NLB_NONE = plan_record("nlb_listener", "none", "lsn-stg00000000000001@443",
                       {"load_balancer_id": "nlb-stg00000000000001", "protocol": "TCPSSL", "port": 443})
NLB_NONE_PRD = plan_record("nlb_listener", "none", "lsn-prd00000000000001@443",
                           {"load_balancer_id": "nlb-prd00000000000001", "protocol": "TCPSSL", "port": 443})
NLB_REJECTED = dict(
    plan_record("nlb_listener", "update", "lsn-prd00000000000001@443",
                {"load_balancer_id": "nlb-prd00000000000001", "protocol": "TCPSSL", "port": 443},
                {"server_group_id": {"before": "sgp-prd00000000000002", "after": "sgp-tcpudp00000000001"}}),
    error={"code": "Mismatch.Protocol", "message": "The Protocol is mismatched for TCPSSL and TCP_UDP.", "request_id": "REQ-1"})


def module_result(plan, failed=False, msg=None, **extra):
    """A module's return value, with what the callback must never print (its arguments)."""
    result = {"changed": plan["action"] != "none", "plan": plan, "listener": {"secret": SECRET},
              "invocation": {"module_args": {"secret_key": SECRET, "alicloud_secret_key": SECRET}}}
    if failed:
        result.update(failed=True, changed=False, msg=msg or "The service rejected the change (DryRun)")
    result.update(extra)
    return result


def record(host, plan, module=GA, failed=False, check_mode=True, task="Listeners", msg=None):
    return pl.make_record(host, task, module, module_result(plan, failed, msg), failed, check_mode)


def sample_records(check_mode=True):
    return [
        record("staging", GA_UPDATE, check_mode=check_mode),
        record("staging", GA_DELETE, check_mode=check_mode),
        record("staging", GA_CREATE, check_mode=check_mode),
        record("staging", NLB_UPDATE, NLB, check_mode=check_mode),
        record("staging", NLB_NONE, NLB, check_mode=check_mode),
        record("prod", NLB_REJECTED, NLB, failed=True, check_mode=check_mode, task="NLB attributes"),
        record("prod", NLB_NONE_PRD, NLB, check_mode=check_mode),
    ]


# --- records ---------------------------------------------------------------------------------


def test_record_keeps_only_the_plan_fields():
    got = record("staging", NLB_UPDATE, NLB)
    assert got == {
        "host": "staging", "task": "Listeners", "module": NLB, "check_mode": True, "failed": False,
        "action": "update", "resource": "nlb_listener", "id": "lsn-stg00000000000001@80", "key": NLB_KEY,
        "changes": {"idle_timeout": {"before": 900, "after": 60}}, "error": None, "accelerator_name": None,
    }
    assert SECRET not in json.dumps(got)


def test_record_takes_the_accelerator_name_the_task_gave_and_no_other_argument():
    result = module_result(GA_UPDATE)
    result["invocation"]["module_args"]["accelerator_name"] = "web-accelerator"
    got = pl.make_record("staging", "Listeners", GA, result, False, True)
    assert got["accelerator_name"] == "web-accelerator"
    assert SECRET not in json.dumps(got)


@pytest.mark.parametrize("result", [
    {},
    {"invocation": None},
    {"invocation": {"module_args": None}},
    {"invocation": {"module_args": {"accelerator_arn": ACC}}},
    {"invocation": {"module_args": {"accelerator_name": None}}},
    {"invocation": {"module_args": {"accelerator_name": "  "}}},
    {"invocation": {"module_args": {"accelerator_name": ["a"]}}},
    {"invocation": "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"},
])
def test_accelerator_name_absent_or_unusable_is_none(result):
    assert pl.accelerator_name(result) is None


def test_set_module_records_each_carry_the_accelerator_name():
    result = set_result([GA_UPDATE, GA_CREATE])
    result["invocation"] = {"module_args": {"accelerator_name": "env-staging", "aws_secret_key": SECRET}}
    got = cb.records_of("staging", "Set", SET, result, False, True)
    assert [record["accelerator_name"] for record in got] == ["env-staging", "env-staging"]
    assert SECRET not in json.dumps(got)


def test_failed_preview_keeps_the_service_error():
    got = record("prod", NLB_REJECTED, NLB, failed=True)
    assert got["failed"] is True
    assert got["action"] == "update"
    assert got["error"] == {"code": "Mismatch.Protocol", "message": "The Protocol is mismatched for TCPSSL and TCP_UDP.",
                            "request_id": "REQ-1"}


def test_failed_with_a_plan_but_no_error_takes_the_message():
    got = record("prod", GA_UPDATE, failed=True, msg="port_ranges 443 overlap ... (InvalidPortRangeException)")
    assert got["error"] == {"code": None, "message": "port_ranges 443 overlap ... (InvalidPortRangeException)", "request_id": None}
    assert got["action"] == "update"


def test_failure_without_a_plan_is_kept_with_its_message():
    result = {"failed": True, "msg": "cps must be an integer from 0 to 1000000, got -7.",
              "invocation": {"module_args": {"alicloud_secret_key": SECRET}}}
    got = pl.make_record("prod", "Bad input", NLB, result, True, False)
    assert got["action"] is None and got["resource"] is None and got["key"] is None
    assert got["error"]["message"] == "cps must be an integer from 0 to 1000000, got -7."
    assert SECRET not in json.dumps(got)


@pytest.mark.parametrize("result, failed", [
    ({"changed": False}, False),  # an info module: no plan
    ({"plan": "not a dict"}, False),
    ({"plan": {"action": "replace", "resource": "x"}}, False),  # unknown action
    ({"skipped": True, "plan": GA_UPDATE}, False),
    ({"skipped": True, "failed": True}, True),
    ("not a dict", False),
])
def test_results_without_a_usable_plan_give_no_record(result, failed):
    assert pl.make_record("h", "t", GA, result, failed, True) is None


def test_loop_results_give_one_record_per_item():
    result = {"changed": True, "results": [
        module_result(GA_UPDATE),
        {"skipped": True, "item": 2},
        module_result(NLB_REJECTED, failed=True),
        "garbage",
    ]}
    got = cb.records_of("prod", "Loop", GA, result, True, True)
    assert [(item["action"], item["failed"]) for item in got] == [("update", False), ("update", True)]


SET = "multicloud.listeners.ga_accelerator_listeners"


def set_result(plans, failed=False, msg=None):
    """A ga_accelerator_listeners result: ``plan`` is a list of records."""
    result = {"changed": any(plan["action"] != "none" for plan in plans), "plan": plans, "listeners": [{"secret": SECRET}]}
    if failed:
        result.update(failed=True, msg=msg or "Failed to update listener")
    return result


def test_a_list_plan_gives_one_record_per_listener():
    got = cb.records_of("staging", "Set", SET, set_result([GA_UPDATE, GA_DELETE, GA_GONE]), False, True)
    assert [(item["action"], item["id"], item["failed"]) for item in got] == [
        ("update", LSN, False), ("delete", GA_DELETE["id"], False), ("none", None, False)]
    assert SECRET not in json.dumps(got)


def test_a_failed_set_marks_only_the_records_with_an_error():
    failed = dict(GA_CREATE, error={"code": "AccessDeniedException", "message": "no", "request_id": "R-1"})
    got = cb.records_of("prod", "Set", SET, set_result([GA_UPDATE, failed], failed=True), True, False)
    assert [(item["action"], item["failed"], (item["error"] or {}).get("code")) for item in got] == [
        ("update", False, None), ("create", True, "AccessDeniedException")]


def test_a_failed_set_without_an_error_record_adds_its_message():
    got = cb.records_of("prod", "Set", SET, set_result([GA_UPDATE], failed=True, msg="accelerator not DEPLOYED"), True, False)
    assert [(item["action"], item["failed"]) for item in got] == [("update", False), (None, True)]
    assert got[1]["error"]["message"] == "accelerator not DEPLOYED"


def test_a_failed_set_with_an_empty_plan_is_one_failure():
    got = cb.records_of("prod", "Set", SET, set_result([], failed=True, msg="listeners[1]: bad"), True, False)
    assert [(item["action"], item["failed"], item["error"]["message"]) for item in got] == [(None, True, "listeners[1]: bad")]


def test_loop_items_with_list_plans_are_flattened():
    result = {"changed": True, "results": [set_result([GA_UPDATE, GA_GONE]), {"skipped": True}, set_result([GA_CREATE])]}
    got = cb.records_of("prod", "Loop", SET, result, False, True)
    assert [item["action"] for item in got] == ["update", "none", "create"]


@pytest.mark.parametrize("name, ours", [
    ("multicloud.listeners.ga_listener", True),
    ("multicloud.listeners.nlb_listener_attribute", True),
    ("multicloud.listenersx.ga_listener", False),
    ("ansible.builtin.debug", False),
    ("ga_listener", False),
    (None, False),
])
def test_is_collection_module(name, ours):
    assert cb.is_collection_module(name) is ours


# --- counting each listener once -------------------------------------------------------------------


def test_final_loop_result_replaces_the_items():
    collector = cb.Collector()
    first, second = record("staging", GA_UPDATE), record("staging", GA_CREATE)
    collector.add_item(("staging", "task-1"), [first])
    collector.add_item(("staging", "task-1"), [second])
    collector.add_final(("staging", "task-1"), [first, second], is_loop=True)
    assert collector.records() == [first, second]


def test_final_result_stripped_of_its_items_keeps_the_items():
    # a stdout callback may delete `results` from its copy; the items collected before stay
    collector = cb.Collector()
    first = record("staging", GA_UPDATE)
    collector.add_item(("staging", "task-1"), [first])
    collector.add_final(("staging", "task-1"), [], is_loop=False)
    assert collector.records() == [first]


def test_items_without_a_final_result_are_kept():
    collector = cb.Collector()
    first = record("staging", GA_UPDATE)
    collector.add_item(("staging", "task-1"), [first])
    assert collector.records() == [first]
    collector.discard(("staging", "task-1"))
    assert collector.records() == [first]


def test_a_task_that_runs_twice_counts_twice():
    # a handler flushed twice has the same task object: each run is its own result
    collector = cb.Collector()
    first, again = record("staging", GA_UPDATE), record("staging", GA_UPDATE)
    collector.add_final(("staging", "handler"), [first], is_loop=False)
    collector.add_final(("staging", "handler"), [again], is_loop=False)
    assert len(collector.records()) == 2


# --- the callback, driven with fake result objects ----------------------------------------------------


class FakeHost:
    def __init__(self, name):
        self.name = name

    def get_name(self):
        return self.name


class FakeTask:
    def __init__(self, action, name="Listeners", uuid="task-1", check_mode=None):
        self.action = action
        self.name = name
        self._uuid = uuid
        self.check_mode = check_mode
        self._resolved_action = None

    def get_name(self):
        return self.name

    @property
    def resolved_action(self):
        return {"ga_listener": GA, "nlb_listener_attribute": NLB}.get(self.action, "ansible.builtin." + self.action)


class NewResult:
    """ansible-core 2.19: public host / task / result / task_fields."""

    def __init__(self, host, task, result, check_mode=True):
        self.host = FakeHost(host)
        self.task = task
        self.result = result
        self.task_fields = {"check_mode": check_mode}


class OldResult:
    """ansible-core 2.17 / 2.18: _host / _task / _result / _task_fields."""

    def __init__(self, host, task, result, check_mode=True):
        self._host = FakeHost(host)
        self._task = task
        self._result = result
        self._task_fields = {"check_mode": check_mode}


class FakeDisplay:
    verbosity = 0

    def __init__(self):
        self.lines = []

    def banner(self, text):
        self.lines.append(("banner", text))

    def display(self, text, color=None):
        self.lines.append((color, text))

    def warning(self, text):
        self.lines.append(("warning", text))


def callback(**options):
    plugin = cb.CallbackModule(display=FakeDisplay())
    plugin._plugin_options.update({"json_path": None, "markdown_path": None, "show_unchanged": False, "display": True})
    plugin._plugin_options.update(options)
    return plugin


@pytest.mark.parametrize("result_class", [NewResult, OldResult])
def test_loop_items_then_final_result_count_once(result_class):
    plugin = callback()
    task = FakeTask(GA)
    items = [module_result(GA_UPDATE), module_result(GA_CREATE)]
    for item in items:
        plugin.v2_runner_item_on_ok(result_class("staging", task, item))
    plugin.v2_runner_on_ok(result_class("staging", task, {"changed": True, "results": items}))
    assert [item["action"] for item in plugin.collector.records()] == ["update", "create"]


def test_failed_loop_item_with_ignore_errors():
    plugin = callback()
    task = FakeTask(NLB, uuid="nlb")
    ok, rejected = module_result(NLB_UPDATE), module_result(NLB_REJECTED, failed=True)
    plugin.v2_runner_item_on_ok(NewResult("prod", task, ok))
    plugin.v2_runner_item_on_failed(NewResult("prod", task, rejected))
    plugin.v2_runner_on_failed(NewResult("prod", task, {"failed": True, "results": [ok, rejected]}), ignore_errors=True)
    got = plugin.collector.records()
    assert [(item["action"], item["failed"]) for item in got] == [("update", False), ("update", True)]
    assert got[1]["error"]["code"] == "Mismatch.Protocol"


def test_only_the_collections_modules_are_read():
    plugin = callback()
    plugin.v2_runner_on_ok(NewResult("staging", FakeTask("ansible.builtin.set_fact"), {"plan": GA_UPDATE}))
    plugin.v2_runner_on_ok(NewResult("staging", FakeTask("debug"), {"plan": GA_UPDATE}))
    plugin.v2_runner_on_failed(NewResult("staging", FakeTask("ansible.builtin.command"), {"failed": True, "msg": "x"}))
    assert plugin.collector.records() == []


def test_short_names_resolve_through_the_collections_keyword():
    plugin = callback()
    plugin.v2_runner_on_ok(NewResult("staging", FakeTask("nlb_listener_attribute"), module_result(NLB_UPDATE)))
    assert plugin.collector.records()[0]["module"] == NLB


def test_check_mode_comes_from_the_task():
    plugin = callback()
    plugin.v2_runner_on_ok(NewResult("staging", FakeTask(GA, uuid="a"), module_result(GA_UPDATE), check_mode=True))
    plugin.v2_runner_on_ok(NewResult("staging", FakeTask(GA, uuid="b"), module_result(GA_CREATE), check_mode=False))
    assert [item["check_mode"] for item in plugin.collector.records()] == [True, False]
    assert cb.build_report(plugin.collector.records())["mode"] == "mixed"


def test_skipped_and_unreachable_are_ignored():
    plugin = callback()
    plugin.v2_runner_on_skipped(NewResult("staging", FakeTask(GA), {"skipped": True}))
    plugin.v2_runner_on_unreachable(NewResult("staging", FakeTask(GA), {"unreachable": True}))
    assert plugin.collector.records() == []


def test_stats_print_the_plan_with_colors_and_write_the_files(tmp_path):
    json_path, md_path = tmp_path / "out" / "plan.json", tmp_path / "out" / "plan.md"
    plugin = callback(json_path=str(json_path), markdown_path=str(md_path))
    for index, item in enumerate(sample_records()):
        task = FakeTask(item["module"], name=item["task"], uuid="t%d" % index)
        failed = item["failed"]
        plan = {key: item[key] for key in pl.PLAN_FIELDS}
        if item["error"]:
            plan["error"] = item["error"]
        result = NewResult(item["host"], task, module_result(plan, failed))
        if failed:
            plugin.v2_runner_on_failed(result, ignore_errors=True)
        else:
            plugin.v2_runner_on_ok(result)
    plugin.v2_playbook_on_stats(None)
    lines = plugin._display.lines
    assert lines[0] == ("banner", "LISTENER PLAN (check mode: a preview, nothing was changed)")
    assert [text for dummy, text in lines[1:]] == cb.render_text(cb.build_report(sample_records())).splitlines()[1:]
    colors = dict((text.split()[1], color) for color, text in lines if text.startswith("  "))
    assert colors == {"update": cb.C.COLOR_CHANGED, "create": cb.C.COLOR_OK, "delete": cb.C.COLOR_ERROR, "failed": cb.C.COLOR_ERROR}
    assert json.loads(json_path.read_text()) == cb.build_report(sample_records())
    assert md_path.read_text() == cb.render_markdown(cb.build_report(sample_records()))
    for text in (json_path.read_text(), md_path.read_text(), "\n".join(text for dummy, text in lines)):
        assert SECRET not in text
        assert "module_args" not in text


def test_nothing_collected_prints_nothing_but_writes_an_empty_plan(tmp_path):
    json_path = tmp_path / "plan.json"
    plugin = callback(json_path=str(json_path))
    plugin.v2_runner_on_ok(NewResult("staging", FakeTask("ansible.builtin.debug"), {"msg": "hi"}))
    plugin.v2_playbook_on_stats(None)
    assert plugin._display.lines == []
    report = json.loads(json_path.read_text())
    assert report["hosts"] == [] and set(report["totals"].values()) == {0}


def test_display_false_writes_only_the_files(tmp_path):
    md_path = tmp_path / "plan.md"
    plugin = callback(markdown_path=str(md_path), display=False)
    plugin.v2_runner_on_ok(NewResult("staging", FakeTask(GA), module_result(GA_UPDATE)))
    plugin.v2_playbook_on_stats(None)
    assert plugin._display.lines == []
    assert "client_affinity" in md_path.read_text()


def test_an_unwritable_path_is_a_warning(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    plugin = callback(json_path=str(blocker / "plan.json"))
    plugin.v2_runner_on_ok(NewResult("staging", FakeTask(GA), module_result(GA_UPDATE)))
    plugin.v2_playbook_on_stats(None)
    assert plugin._display.lines[0][0] == "warning"
    assert "could not write" in plugin._display.lines[0][1]


# --- the report (JSON) -----------------------------------------------------------------------------


RECORD_KEYS = {"host", "task", "module", "check_mode", "failed", "action", "resource", "id", "key", "changes", "error",
               "accelerator_name"}


def test_report_schema_is_stable():
    report = cb.build_report(sample_records())
    assert set(report) == {"schema_version", "collection", "mode", "totals", "drift", "hosts"}
    assert report["schema_version"] == 1
    assert report["collection"] == "multicloud.listeners"
    assert report["mode"] == "check"
    assert report["totals"] == {"create": 1, "update": 2, "delete": 1, "none": 2, "undeclared": 0, "failed": 1}
    assert report["drift"] == {"status": "failed", "changes": 4, "undeclared": 0, "failed": 1}
    assert [host["name"] for host in report["hosts"]] == ["prod", "staging"]
    for host in report["hosts"]:
        assert set(host) == {"name", "totals", "listeners"}
        assert set(host["totals"]) == {"create", "update", "delete", "none", "undeclared", "failed"}
        for item in host["listeners"]:
            assert set(item) == RECORD_KEYS
    assert report["hosts"][1]["totals"] == {"create": 1, "update": 2, "delete": 1, "none": 1, "undeclared": 0, "failed": 0}
    assert [item["action"] for item in report["hosts"][1]["listeners"]] == ["update", "delete", "create", "update", "none"]


def test_report_json_is_deterministic():
    first = cb.render_json(cb.build_report(sample_records()))
    assert first == cb.render_json(cb.build_report(sample_records()))
    assert json.loads(first) == cb.build_report(sample_records())
    assert first.endswith("}\n")


@pytest.mark.parametrize("modes, default, expected", [
    ([True, True], "apply", "check"),
    ([False], "check", "apply"),
    ([True, False], "apply", "mixed"),
    ([], "check", "check"),
    ([], "apply", "apply"),
])
def test_report_mode(modes, default, expected):
    records = [record("h", GA_UPDATE, check_mode=mode) for mode in modes]
    assert cb.build_report(records, default)["mode"] == expected


# --- rendering -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("value, text", [
    (None, "null"),
    (True, "true"),
    (False, "false"),
    (900, "900"),
    ("sgp-1", "sgp-1"),
    ("two\n  lines", "two lines"),
    ([], "[]"),
    (["12315790-cn-hangzhou", "12315791-cn-hangzhou"], "12315790-cn-hangzhou,12315791-cn-hangzhou"),
    (ranges(80, 443), "80,443"),
    ([{"from_port": 7000, "to_port": 7010}, {"from_port": 9000}], "7000-7010,9000"),
    ({"b": True, "a": None}, "{a: null, b: true}"),
])
def test_format_value(value, text):
    assert cb.format_value(value) == text


@pytest.mark.parametrize("plan, text", [
    (GA_UPDATE, "ga_listener TCP 80,443 on accelerator/acc-staging (listener/0a0b0080)"),
    (GA_CREATE, "ga_listener TCP 8080 on accelerator/acc-staging"),
    (GA_GONE, "ga_listener (absent, nothing to delete)"),
    (NLB_UPDATE, "nlb_listener TCP:80 on nlb-stg00000000000001 (lsn-stg00000000000001@80)"),
    (plan_record("future_thing", "update", "arn:aws:svc:us-east-1:123456789012:thing/1", {"b": 2, "a": [1]}),
     "future_thing a=1 b=2 (thing/1)"),
])
def test_describe_listener(plan, text):
    assert cb.describe_listener(record("h", plan)) == text


@pytest.mark.parametrize("plan, text", [
    (GA_UPDATE, "ga_listener TCP 80,443 on accelerator/acc-staging named web accelerator (listener/0a0b0080)"),
    (GA_CREATE, "ga_listener TCP 8080 on accelerator/acc-staging named web accelerator"),
    (NLB_UPDATE, "nlb_listener TCP:80 on nlb-stg00000000000001 (lsn-stg00000000000001@80)"),  # not a GA key: no name
])
def test_describe_listener_names_the_accelerator_the_task_named(plan, text):
    result = module_result(plan)
    result["invocation"]["module_args"]["accelerator_name"] = "web\n  accelerator"  # on one line
    assert cb.describe_listener(pl.make_record("h", "t", GA, result, False, True)) == text


def test_describe_a_failure_without_a_plan():
    got = pl.make_record("h", "Bad input", NLB, {"failed": True, "msg": "no"}, True, True)
    assert cb.describe_listener(got) == "multicloud.listeners.nlb_listener_attribute (task: Bad input)"


@pytest.mark.parametrize("plan, text", [
    (GA_UPDATE, "client_affinity: NONE -> SOURCE_IP"),
    (GA_CREATE, "client_affinity: NONE"),  # protocol and ports are in the listener's key already
    (GA_DELETE, ""),
    (NLB_NONE, ""),
    (plan_record("nlb_listener", "update", "l", NLB_KEY, {
        "proxy_protocol_v2_config": {"before": {"ppv2_vpc_id_enabled": False, "ppv2_private_link_ep_id_enabled": False},
                                     "after": {"ppv2_vpc_id_enabled": True, "ppv2_private_link_ep_id_enabled": False}},
        "certificate_ids": {"before": ["a"], "after": ["b"]},
        "alpn_policy": {"before": None, "after": "HTTP2Preferred"}}),
     "alpn_policy: null -> HTTP2Preferred, certificate_ids: a -> b, proxy_protocol_v2_config.ppv2_vpc_id_enabled: false -> true"),
])
def test_format_changes(plan, text):
    assert pl.format_changes(record("h", plan)) == text


EXPECTED_TEXT = textwrap.dedent("""\
    LISTENER PLAN (check mode: a preview, nothing was changed)
    prod (1 unchanged, 1 failed):
      ! failed    nlb_listener TCPSSL:443 on nlb-prd00000000000001 (lsn-prd00000000000001@443): update server_group_id: \
sgp-prd00000000000002 -> sgp-tcpudp00000000001; error Mismatch.Protocol: The Protocol is mismatched for TCPSSL and TCP_UDP.
    staging (1 to add, 2 to change, 1 to destroy, 1 unchanged):
      ~ update    ga_listener TCP 80,443 on accelerator/acc-staging (listener/0a0b0080): client_affinity: NONE -> SOURCE_IP
      - delete    ga_listener UDP 53 on accelerator/acc-staging (listener/0a0b0053)
      + create    ga_listener TCP 8080 on accelerator/acc-staging: client_affinity: NONE
      ~ update    nlb_listener TCP:80 on nlb-stg00000000000001 (lsn-stg00000000000001@80): idle_timeout: 900 -> 60
    Plan: 1 to add, 2 to change, 1 to destroy, 2 unchanged, 1 failed.
    """)


def test_render_text():
    assert cb.render_text(cb.build_report(sample_records())) == EXPECTED_TEXT


def test_render_text_show_unchanged():
    text = cb.render_text(cb.build_report(sample_records()), show_unchanged=True)
    unchanged = [line for line in text.splitlines() if line.startswith("  = unchanged")]
    assert unchanged == [
        "  = unchanged nlb_listener TCPSSL:443 on nlb-prd00000000000001 (lsn-prd00000000000001@443)",
        "  = unchanged nlb_listener TCPSSL:443 on nlb-stg00000000000001 (lsn-stg00000000000001@443)",
    ]
    assert len(text.splitlines()) == len(EXPECTED_TEXT.splitlines()) + 2


def test_render_text_applied():
    records = [record("staging", GA_UPDATE, check_mode=False), record("staging", NLB_NONE, NLB, check_mode=False),
               record("staging", GA_GONE, check_mode=False)]
    assert cb.render_text(cb.build_report(records)) == textwrap.dedent("""\
        LISTENER CHANGES (applied)
        staging (1 changed, 2 unchanged):
          ~ update    ga_listener TCP 80,443 on accelerator/acc-staging (listener/0a0b0080): client_affinity: NONE -> SOURCE_IP
        Applied: 0 added, 1 changed, 0 destroyed, 2 unchanged, 0 failed.
        """)


def test_render_text_no_changes():
    records = [record("prod", NLB_NONE, NLB)]
    assert cb.render_text(cb.build_report(records)) == textwrap.dedent("""\
        LISTENER PLAN (check mode: a preview, nothing was changed)
        prod (1 unchanged): no changes
        Plan: 0 to add, 0 to change, 0 to destroy, 1 unchanged, 0 failed.
        """)


def test_render_text_mixed_marks_the_previews():
    records = [record("staging", GA_UPDATE, check_mode=True), record("staging", NLB_UPDATE, NLB, check_mode=False)]
    lines = cb.render_text(cb.build_report(records)).splitlines()
    assert lines[0] == "LISTENER PLAN (partly check mode: only the tasks not in check mode were applied)"
    assert lines[2].endswith("(listener/0a0b0080) [check mode]: client_affinity: NONE -> SOURCE_IP")
    assert "[check mode]" not in lines[3]


def test_render_lines_kinds():
    kinds = [kind for kind, dummy in cb.render_lines(cb.build_report(sample_records()))]
    assert kinds == ["title", "host", "failed", "host", "update", "delete", "create", "update", "totals"]


EXPECTED_MARKDOWN = textwrap.dedent("""\
    ## Listener plan (check mode: a preview, nothing was changed)

    **Plan: 1 to add, 2 to change, 1 to destroy, 2 unchanged, 1 failed.**

    ### prod

    1 unchanged, 1 failed.

    | action | listener | changes |
    | --- | --- | --- |
    | **failed** update | `nlb_listener TCPSSL:443 on nlb-prd00000000000001 (lsn-prd00000000000001@443)` | \
`server_group_id`: `sgp-prd00000000000002` -> `sgp-tcpudp00000000001`<br>**error** \
`Mismatch.Protocol: The Protocol is mismatched for TCPSSL and TCP_UDP.` |

    ### staging

    1 to add, 2 to change, 1 to destroy, 1 unchanged.

    | action | listener | changes |
    | --- | --- | --- |
    | update | `ga_listener TCP 80,443 on accelerator/acc-staging (listener/0a0b0080)` | `client_affinity`: `NONE` -> `SOURCE_IP` |
    | delete | `ga_listener UDP 53 on accelerator/acc-staging (listener/0a0b0053)` |  |
    | create | `ga_listener TCP 8080 on accelerator/acc-staging` | `client_affinity`: `NONE` |
    | update | `nlb_listener TCP:80 on nlb-stg00000000000001 (lsn-stg00000000000001@80)` | `idle_timeout`: `900` -> `60` |
    """)


def test_render_markdown():
    assert cb.render_markdown(cb.build_report(sample_records())) == EXPECTED_MARKDOWN


def test_render_markdown_escapes_table_cells():
    plan = plan_record("nlb_listener", "update", "l", NLB_KEY, {"listener_description": {"before": "a|b", "after": "c`d"}})
    row = [line for line in cb.render_markdown(cb.build_report([record("h", plan, NLB)])).splitlines() if line.startswith("| update")][0]
    assert row.endswith("| `listener_description`: `a\\|b` -> `c'd` |")
    assert row.count(" | ") == 2


def test_render_markdown_unchanged_host_and_empty_plan():
    text = cb.render_markdown(cb.build_report([record("prod", NLB_NONE, NLB)]))
    assert "### prod\n\n1 unchanged.\n\nNo changes.\n" in text
    shown = cb.render_markdown(cb.build_report([record("prod", NLB_NONE, NLB)]), show_unchanged=True)
    assert "| unchanged | `nlb_listener TCPSSL:443 on nlb-stg00000000000001 (lsn-stg00000000000001@443)` |  |" in shown
    empty = cb.render_markdown(cb.build_report([], "apply"))
    assert empty.startswith("## Listener changes (applied)\n\n**Applied: 0 added, 0 changed, 0 destroyed, 0 unchanged, 0 failed.**\n")
    assert "No listener of `multicloud.listeners` was touched." in empty


# --- the documentation and Ansible's option handling ------------------------------------------------


def test_documented_options_are_the_ones_used():
    doc = yaml.safe_load(cb.DOCUMENTATION)
    assert doc["name"] == "plan" and doc["type"] == "aggregate"
    assert set(doc["options"]) == {"json_path", "markdown_path", "show_unchanged", "display"}
    for name, option in doc["options"].items():
        assert option["env"] == [{"name": "MULTICLOUD_PLAN_" + {"json_path": "JSON", "markdown_path": "MARKDOWN"}.get(name, name.upper())}]
        assert option["ini"] == [{"section": "callback_multicloud_plan", "key": name}]


def test_ansible_resolves_the_options_from_ini_and_environment(tmp_path):
    """Load the callback through Ansible's plugin loader (in a subprocess: the loader changes the import system)."""
    config = tmp_path / "ansible.cfg"
    config.write_text("[callback_multicloud_plan]\njson_path = %s/from-ini.json\nshow_unchanged = true\n" % tmp_path)
    script = textwrap.dedent("""\
        import json
        from ansible.plugins.loader import callback_loader, init_plugin_loader
        init_plugin_loader()
        plugin = callback_loader.get("multicloud.listeners.plan")
        plugin.set_options()
        print(json.dumps(dict((name, plugin.get_option(name)) for name in ("json_path", "markdown_path", "show_unchanged", "display"))))
        """)
    env = dict(os.environ, ANSIBLE_CONFIG=str(config), MULTICLOUD_PLAN_MARKDOWN=str(tmp_path / "from-env.md"),
               MULTICLOUD_PLAN_DISPLAY="false", ANSIBLE_COLLECTIONS_PATH=os.path.join(ROOT, ".cache", "collections"))
    env.pop("MULTICLOUD_PLAN_JSON", None)
    env.pop("MULTICLOUD_PLAN_SHOW_UNCHANGED", None)
    completed = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=False)
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout.strip().splitlines()[-1]) == {
        "json_path": str(tmp_path / "from-ini.json"), "markdown_path": str(tmp_path / "from-env.md"),
        "show_unchanged": True, "display": False,
    }


# --- undeclared listeners and the drift object ------------------------------------------------------

GA_SET = "multicloud.listeners.ga_accelerator_listeners"
NLB_SET = "multicloud.listeners.nlb_load_balancer_listeners"
GA_UNDECLARED = plan_record("ga_listener", "undeclared", ACC + "/listener/0a0b9000", ga_key(ports=(9000,)))
NLB_UNDECLARED = plan_record("nlb_listener", "undeclared", "lsn-stg00000000000001@8443",
                             {"load_balancer_id": "nlb-stg00000000000001", "protocol": "TCP", "port": 8443})


def set_of(*plans, **extra):
    result = {"changed": False, "plan": list(plans), "invocation": {"module_args": {"secret_key": SECRET}}}
    result.update(extra)
    return result


def undeclared_records():
    return (cb.records_of("staging", "GA set", GA_SET, set_of(GA_UPDATE, GA_UNDECLARED), False, True)
            + cb.records_of("staging", "NLB set", NLB_SET, set_of(NLB_NONE, NLB_UNDECLARED), False, True))


def test_undeclared_records_are_their_own_kind():
    records = undeclared_records()
    assert [(item["action"], item["failed"]) for item in records] == [
        ("update", False), ("undeclared", False), ("none", False), ("undeclared", False)]
    report = cb.build_report(records)
    assert report["totals"] == {"create": 0, "update": 1, "delete": 0, "none": 1, "undeclared": 2, "failed": 0}
    assert report["drift"] == {"status": "drift", "changes": 1, "undeclared": 2, "failed": 0}


def test_undeclared_lines_totals_and_host_summary():
    text = cb.render_text(cb.build_report(undeclared_records()))
    assert text.splitlines()[1:] == [
        "staging (1 to change, 1 unchanged, 2 undeclared):",
        "  ~ update    ga_listener TCP 80,443 on accelerator/acc-staging (listener/0a0b0080): client_affinity: NONE -> SOURCE_IP",
        "  ?           ga_listener TCP 9000 on accelerator/acc-staging (listener/0a0b9000): not declared, kept",
        "  ?           nlb_listener TCP:8443 on nlb-stg00000000000001 (lsn-stg00000000000001@8443): not declared, kept",
        "Plan: 0 to add, 1 to change, 0 to destroy, 1 unchanged, 2 undeclared, 0 failed.",
    ]
    kinds = [kind for kind, dummy in cb.render_lines(cb.build_report(undeclared_records()))]
    assert kinds.count("undeclared") == 2


def test_undeclared_only_is_not_no_changes():
    records = cb.records_of("prod", "GA set", GA_SET, set_of(GA_UNDECLARED), False, True)
    lines = cb.render_text(cb.build_report(records)).splitlines()
    assert lines[1] == "prod (1 undeclared):"
    assert lines[-1] == "Plan: 0 to add, 0 to change, 0 to destroy, 0 unchanged, 1 undeclared, 0 failed."


def test_undeclared_in_markdown():
    markdown = cb.render_markdown(cb.build_report(undeclared_records()))
    assert ("| undeclared | `nlb_listener TCP:8443 on nlb-stg00000000000001 (lsn-stg00000000000001@8443)` "
            "| not declared, kept |") in markdown.splitlines()
    assert "**Plan: 0 to add, 1 to change, 0 to destroy, 1 unchanged, 2 undeclared, 0 failed.**" in markdown
    assert SECRET not in markdown


def test_totals_line_without_undeclared_is_unchanged():
    assert cb.totals_text({"create": 1, "update": 0, "delete": 0, "none": 2, "undeclared": 0, "failed": 0}, "check") == \
        "Plan: 1 to add, 0 to change, 0 to destroy, 2 unchanged, 0 failed."


def test_undeclared_kept_beside_a_refused_set_preview():
    refused = dict(NLB_UPDATE, error={"code": "Mismatch.Protocol", "message": "no", "request_id": "R"})
    records = cb.records_of("prod", "NLB set", NLB_SET, set_of(refused, NLB_UNDECLARED, failed=True), True, True)
    assert [(item["action"], item["failed"]) for item in records] == [("update", True), ("undeclared", False)]
    assert cb.build_report(records)["drift"] == {"status": "failed", "changes": 0, "undeclared": 1, "failed": 1}


class FakeStats:
    def __init__(self, failures=None, dark=None, hosts=("staging", "prod")):
        self.processed = dict((name, 1) for name in hosts)
        self.failures = failures or {}
        self.dark = dark or {}


@pytest.mark.parametrize("stats, status", [
    (FakeStats(), "drift"),
    (FakeStats(failures={"prod": 1}), "failed"),
    (FakeStats(dark={"prod": 1}), "failed"),
    (None, "drift"),
])
def test_json_drift_object_counts_failed_hosts(tmp_path, stats, status):
    path = tmp_path / "plan.json"
    plugin = callback(json_path=str(path))
    plugin.v2_runner_on_ok(NewResult("staging", FakeTask(GA_SET), set_of(GA_UPDATE, GA_UNDECLARED)))
    plugin.v2_playbook_on_stats(stats)
    report = json.loads(path.read_text())
    assert report["drift"] == {"status": status, "changes": 1, "undeclared": 1, "failed": 0}
    assert report["totals"]["undeclared"] == 1
    assert [item["action"] for item in report["hosts"][0]["listeners"]] == ["update", "undeclared"]
