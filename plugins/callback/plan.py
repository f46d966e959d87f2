# -*- coding: utf-8 -*-
# Copyright (c) multicloud.listeners contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import (absolute_import, division, print_function)

__metaclass__ = type

DOCUMENTATION = r"""
---
name: plan
type: aggregate
short_description: Print one plan of the listener changes of a run, per inventory host, and write it as JSON and Markdown
version_added: 0.1.0
description:
  - Collects the C(plan) record that every module of this collection returns (what the task did, or would do in
    check mode) from every host and task of the run, and prints one summary at the end, like a Terraform plan.
  - A module that handles several listeners in one task (M(multicloud.listeners.ga_accelerator_listeners)) returns
    a list of records; each counts as one listener, and when the task fails only the records carrying an error are
    failures.
  - >-
    The plan is grouped by inventory host (one host per environment is the common layout). Each listener gets one
    line with its action and its changed fields (C(idle_timeout: 900 -> 60)); a preview the service refused
    (an NLB C(DryRun) with its error code) or a task of this collection that failed is listed as failed.
    A totals line ends it.
  - With C(--check) the plan says it is a preview and that nothing was changed; otherwise it reports what was applied.
  - Only results of modules of this collection are read, and of those only the C(plan) record, the task's name,
    the failure message and the check mode flag. Of the module arguments only C(accelerator_name) is read (from the
    result's C(invocation)), to name an accelerator beside its ID (C(on accelerator/5f0e4c1a-... named web)); no other
    argument reaches the output.
  - A run that uses no module of this collection prints nothing.
  - Works beside any stdout callback (the default one with C(--diff) included); the plan is printed after the recap.
  - Results hidden with C(no_log) carry no C(plan) and are left out.
author:
  - multicloud.listeners maintainers (@multicloud)
requirements:
  - Enable it with C(callbacks_enabled = multicloud.listeners.plan) in the C([defaults]) section of C(ansible.cfg),
    or with the E(ANSIBLE_CALLBACKS_ENABLED) environment variable.
options:
  json_path:
    description:
      - Write the plan to this file as JSON (schema version 1, described in the collection's C(docs/plan-callback.md)).
      - The file is written at the end of every run while the option is set, also when no listener was touched
        (an empty plan), so a CI job never reads a stale file. Missing directories are created.
    type: path
    env:
      - name: MULTICLOUD_PLAN_JSON
    ini:
      - section: callback_multicloud_plan
        key: json_path
  markdown_path:
    description:
      - Write the plan to this file as Markdown, to post on a merge request.
      - Written like O(json_path).
    type: path
    env:
      - name: MULTICLOUD_PLAN_MARKDOWN
    ini:
      - section: callback_multicloud_plan
        key: markdown_path
  show_unchanged:
    description:
      - Also list the listeners that need no change, one line each, in the printed plan and the Markdown file.
      - By default they are only counted (C(4 unchanged)), as in a Terraform plan. The JSON file always lists them.
    type: bool
    default: false
    env:
      - name: MULTICLOUD_PLAN_SHOW_UNCHANGED
    ini:
      - section: callback_multicloud_plan
        key: show_unchanged
  display:
    description:
      - Print the plan at the end of the run.
      - Set it to V(false) to write only the files, for example under a stdout callback that prints JSON.
    type: bool
    default: true
    env:
      - name: MULTICLOUD_PLAN_DISPLAY
    ini:
      - section: callback_multicloud_plan
        key: display
notes:
  - A task with a loop is counted once per loop item; the final result of the task (which repeats the items)
    replaces what was collected from its items, so no listener is counted twice.
  - A listener touched by several tasks gets one line per task.
seealso:
  - module: multicloud.listeners.ga_listener
  - module: multicloud.listeners.nlb_listener_attribute
"""

EXAMPLES = r"""
# ansible.cfg
# [defaults]
# callbacks_enabled = multicloud.listeners.plan
#
# [callback_multicloud_plan]
# json_path = plan/listeners.json
# markdown_path = plan/listeners.md

# or for one run:
# ANSIBLE_CALLBACKS_ENABLED=multicloud.listeners.plan MULTICLOUD_PLAN_JSON=plan.json \
#   ansible-playbook -i inventory listeners.yml --check --diff
"""

import json
import os
import tempfile

from ansible import constants as C
from ansible import context
from ansible.plugins.callback import CallbackBase

COLLECTION_PREFIX = "multicloud.listeners."
SCHEMA_VERSION = 1
ACTIONS = ("create", "update", "delete", "none")
TOTAL_KEYS = ACTIONS + ("failed",)
PLAN_FIELDS = ("resource", "action", "id", "key", "changes")
ERROR_FIELDS = ("code", "message", "request_id")

# --- collecting ---------------------------------------------------------------------
# Pure functions over plain dicts: no Ansible runtime needed (tests/unit/plugins/callback).


def is_collection_module(name):
    """True for a fully qualified name of a module of this collection."""
    return isinstance(name, str) and name.startswith(COLLECTION_PREFIX)


def _error(value):
    if not isinstance(value, dict):
        return None
    return dict((field, value.get(field)) for field in ERROR_FIELDS)


def accelerator_name(result):
    """The ``accelerator_name`` the task gave its GA module, from the result's ``invocation``, or None.

    The plan names an accelerator by its ARN; the name is what the user wrote.  Only this one
    argument is read (it is no secret); a result hidden by ``no_log`` has no ``invocation``.
    """
    invocation = result.get("invocation")
    arguments = invocation.get("module_args") if isinstance(invocation, dict) else None
    name = arguments.get("accelerator_name") if isinstance(arguments, dict) else None
    return name if isinstance(name, str) and name.strip() else None


def make_record(host, task, module, result, failed, check_mode):
    """The record of one module result (one task, or one loop item), or None.

    Only the ``plan`` fields are kept, with the task's name, the module, the failure and its
    message, and the ``accelerator_name`` the task gave (see ``accelerator_name``): never the
    module's other arguments or the rest of its return values.  A failed result without a
    ``plan`` (bad input, credentials) is kept as a failure with no action.
    """
    if not isinstance(result, dict) or result.get("skipped"):
        return None
    plan = result.get("plan")
    valid_plan = isinstance(plan, dict) and plan.get("action") in ACTIONS
    if not valid_plan and not failed:
        return None
    record = {
        "host": host,
        "task": task,
        "module": module,
        "check_mode": bool(check_mode),
        "failed": bool(failed),
        "action": None,
        "resource": None,
        "id": None,
        "key": None,
        "changes": {},
        "error": None,
        "accelerator_name": accelerator_name(result),
    }
    if valid_plan:
        for field in PLAN_FIELDS:
            record[field] = plan.get(field)
        record["changes"] = record["changes"] if isinstance(record["changes"], dict) else {}
    if failed:
        error = _error(plan.get("error")) if valid_plan else None
        if error is None:
            message = result.get("msg")
            error = {"code": None, "message": str(message) if message is not None else None, "request_id": None}
        record["error"] = error
    return record


def result_records(host, task, module, result, failed, check_mode):
    """The records of one module result.

    A module that handles one listener returns ``plan`` as one record; one that handles several
    (``ga_accelerator_listeners``) returns a list, and when it fails only the records that carry
    an ``error`` are failures (the others were applied before it).  A failed result whose records
    name no error adds one failure record with its message.
    """
    plans = result.get("plan") if isinstance(result, dict) else None
    if not isinstance(plans, list):
        record = make_record(host, task, module, result, failed, check_mode)
        return [record] if record is not None else []
    if result.get("skipped"):
        return []
    records = []
    for plan in plans:
        if isinstance(plan, dict) and plan.get("action") in ACTIONS:
            errored = failed and isinstance(plan.get("error"), dict)
            records.append(make_record(host, task, module, dict(result, plan=plan), errored, check_mode))
    if failed and not any(record["failed"] for record in records):
        records.append(make_record(host, task, module, dict(result, plan=None), True, check_mode))
    return records


def records_of(host, task, module, result, failed, check_mode):
    """The records of a task's result: those of each loop item when it has ``results``, else its own."""
    items = result.get("results") if isinstance(result, dict) else None
    if isinstance(items, list):
        records = []
        for item in items:
            if isinstance(item, dict):
                records.extend(result_records(host, task, module, item, bool(item.get("failed")), check_mode))
        return records
    return result_records(host, task, module, result, failed, check_mode)


class Collector:
    """Keeps the records of a run in the order the tasks ended, each listener result once.

    Loop items arrive one by one (``add_item``) and then again inside the task's final result
    (``add_final``).  The final result replaces the items collected for that host and task;
    items whose final result never came (an interrupted run) are kept by ``records``.
    A final result without ``results`` (another callback may strip it) keeps the items.
    """

    def __init__(self):
        self._done = []
        self._pending = {}

    def add_item(self, key, records):
        self._pending.setdefault(key, []).extend(records)

    def add_final(self, key, records, is_loop):
        pending = self._pending.pop(key, [])
        if is_loop or records:
            self._done.extend(records)
        else:
            self._done.extend(pending)

    def discard(self, key):
        """A task ended without a result worth reading (skipped, unreachable): keep what its items gave."""
        self._done.extend(self._pending.pop(key, []))

    def records(self):
        pending = [record for records in self._pending.values() for record in records]
        return self._done + pending


# --- the report (the JSON document) ---------------------------------------------------


def _totals(records):
    totals = dict((name, 0) for name in TOTAL_KEYS)
    for record in records:
        if record["failed"]:
            totals["failed"] += 1
        else:
            totals[record["action"]] += 1
    return totals


def _mode(records, default):
    modes = set(record["check_mode"] for record in records)
    if not modes:
        return default
    if len(modes) > 1:
        return "mixed"
    return "check" if modes == {True} else "apply"


def build_report(records, default_mode="apply"):
    """The plan as a dict: the document the JSON file holds (``schema_version`` 1).

    ``mode`` is ``check`` when every record comes from check mode, ``apply`` when none does,
    ``mixed`` otherwise, and ``default_mode`` without records.  Hosts are sorted by name; a
    host's listeners keep the order in which their tasks ended.
    """
    hosts = {}
    for record in records:
        hosts.setdefault(record["host"], []).append(record)
    return {
        "schema_version": SCHEMA_VERSION,
        "collection": COLLECTION_PREFIX.rstrip("."),
        "mode": _mode(records, default_mode),
        "totals": _totals(records),
        "hosts": [{"name": name, "totals": _totals(hosts[name]), "listeners": hosts[name]} for name in sorted(hosts)],
    }


# --- rendering -------------------------------------------------------------------------


def format_value(value):
    """A plan value as one short string: ports as ``80,443`` / ``7000-7010``, lists comma separated."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        if not value:
            return "[]"
        if all(isinstance(item, dict) and "from_port" in item for item in value):
            return ",".join(_format_range(item) for item in value)
        return ",".join(format_value(item) for item in value)
    if isinstance(value, dict):
        return "{%s}" % ", ".join("%s: %s" % (name, format_value(value[name])) for name in sorted(value))
    return " ".join(str(value).split())


def _format_range(item):
    low, high = item.get("from_port"), item.get("to_port")
    if high is None or high == low:
        return str(low)
    return "%s-%s" % (low, high)


def _short_id(value, parent=None):
    """The resource part of an ARN, without the parent's ARN when it is a prefix."""
    text = str(value)
    if parent and text.startswith(str(parent) + "/"):
        return text[len(str(parent)) + 1:]
    if text.startswith("arn:") and text.count(":") >= 5:
        return text.split(":", 5)[5]
    return text


def describe_listener(record):
    """The listener's identity: resource, natural key and ID, e.g.
    ``nlb_listener TCP:80 on nlb-prd00000000000001 (lsn-prd00000000000001@80)``; a GA listener's
    accelerator with the name the task gave, when it gave one:
    ``ga_listener TCP 80 on accelerator/5f0e4c1a-... named web (listener/0a0b0080)``."""
    key = record.get("key") if isinstance(record.get("key"), dict) else None
    resource = record.get("resource")
    if resource is None:
        return "%s (task: %s)" % (record.get("module") or "?", record.get("task") or "?")
    parent = None
    if key is None:
        # ga_listener with state=absent when the listener is already gone: no listener is concerned
        text = "%s (%s)" % (resource, "absent, nothing to delete" if record.get("action") == "none" else "no listener")
    elif "accelerator_arn" in key:
        parent = key.get("accelerator_arn")
        text = "%s %s %s on %s" % (resource, key.get("protocol"), format_value(key.get("port_ranges")), _short_id(parent))
        if record.get("accelerator_name"):
            text += " named %s" % " ".join(str(record["accelerator_name"]).split())
    elif "load_balancer_id" in key:
        parent = key.get("load_balancer_id")
        text = "%s %s:%s on %s" % (resource, key.get("protocol"), key.get("port"), parent)
    else:
        text = "%s %s" % (resource, " ".join("%s=%s" % (name, format_value(key[name])) for name in sorted(key)))
    if record.get("id"):
        text += " (%s)" % _short_id(record["id"], parent)
    elif key is not None and record.get("action") == "none":
        text += " (absent)"  # state=absent found no such listener
    return text


def _flat_changes(name, before, after):
    """Dicts (proxy_protocol_v2_config) are shown key by key, only the keys that differ."""
    if isinstance(before, dict) and isinstance(after, dict):
        pairs = []
        for sub in sorted(set(before) | set(after)):
            if before.get(sub) != after.get(sub):
                pairs.extend(_flat_changes("%s.%s" % (name, sub), before.get(sub), after.get(sub)))
        return pairs
    return [(name, before, after)]


def shown_changes(record):
    """The changes a line shows, as ``(field, before, after, created)``.

    An update shows each changed field (dicts key by key); a create shows its new values that are not
    already in its key (``created`` true, ``before`` None); a delete shows none.
    """
    action = record.get("action")
    if action == "delete":
        return []
    key = record.get("key") if isinstance(record.get("key"), dict) else {}
    shown = []
    for name in sorted(record.get("changes") or {}):
        change = record["changes"][name]
        if not isinstance(change, dict):
            continue
        before, after = change.get("before"), change.get("after")
        if action == "create":
            if name not in key or key[name] != after:
                shown.append((name, None, after, True))
            continue
        shown.extend((field, old, new, False) for field, old, new in _flat_changes(name, before, after))
    return shown


def format_changes(record):
    """``idle_timeout: 900 -> 60, listener_description: a -> b``; a create: ``client_affinity: NONE``."""
    parts = []
    for field, before, after, created in shown_changes(record):
        if created:
            parts.append("%s: %s" % (field, format_value(after)))
        else:
            parts.append("%s: %s -> %s" % (field, format_value(before), format_value(after)))
    return ", ".join(parts)


def format_error(error):
    if not error:
        return ""
    code, message = error.get("code"), error.get("message")
    message = " ".join(str(message).split()) if message else ""
    if code and message:
        return "%s: %s" % (code, message)
    return code or message


LABELS = {"create": "+ create", "update": "~ update", "delete": "- delete", "none": "= unchanged"}
FAILED_LABEL = "! failed"
LABEL_WIDTH = max(len(label) for label in list(LABELS.values()) + [FAILED_LABEL])


def record_kind(record):
    return "failed" if record["failed"] else record["action"]


def _record_line(record, mode):
    """``~ update    <listener>: <changes>``; a failure: ``! failed    <listener>: update <changes>; error <code>: <message>``."""
    kind = record_kind(record)
    label = FAILED_LABEL if kind == "failed" else LABELS[kind]
    text = "%s %s" % (label.ljust(LABEL_WIDTH), describe_listener(record))
    if mode == "mixed" and record["check_mode"]:
        text += " [check mode]"
    changes = format_changes(record)
    details = []
    if record["failed"]:
        if record.get("action"):
            details.append(" ".join(part for part in (record["action"], changes) if part))
        error = format_error(record.get("error"))
        if error:
            details.append("error " + error)
    elif changes:
        details.append(changes)
    if details:
        text += ": " + "; ".join(details)
    return text


TITLES = {
    "check": ("LISTENER PLAN", "check mode: a preview, nothing was changed"),
    "mixed": ("LISTENER PLAN", "partly check mode: only the tasks not in check mode were applied"),
    "apply": ("LISTENER CHANGES", "applied"),
}


def title(report):
    """``LISTENER PLAN (check mode: a preview, nothing was changed)`` or ``LISTENER CHANGES (applied)``."""
    return "%s (%s)" % TITLES[report["mode"]]


def totals_text(totals, mode):
    if mode == "apply":
        words = ("added", "changed", "destroyed")
        text = "Applied: %d %s, %d %s, %d %s" % (totals["create"], words[0], totals["update"], words[1], totals["delete"], words[2])
    else:
        text = "Plan: %d to add, %d to change, %d to destroy" % (totals["create"], totals["update"], totals["delete"])
    return "%s, %d unchanged, %d failed." % (text, totals["none"], totals["failed"])


def _host_summary(totals, mode):
    apply_words = {"create": "added", "update": "changed", "delete": "destroyed"}
    plan_words = {"create": "to add", "update": "to change", "delete": "to destroy"}
    words = apply_words if mode == "apply" else plan_words
    parts = ["%d %s" % (totals[name], words[name]) for name in ("create", "update", "delete") if totals[name]]
    parts.extend("%d %s" % (totals[name], word) for name, word in (("none", "unchanged"), ("failed", "failed")) if totals[name])
    return ", ".join(parts)


def _is_shown(record, show_unchanged):
    return show_unchanged or record["failed"] or record["action"] != "none"


def render_lines(report, show_unchanged=False):
    """The printed plan as ``(kind, text)`` pairs; kind is an action, ``failed``, ``title``, ``host`` or ``totals``."""
    lines = [("title", title(report))]
    for host in report["hosts"]:
        shown = [record for record in host["listeners"] if _is_shown(record, show_unchanged)]
        summary = _host_summary(host["totals"], report["mode"])
        lines.append(("host", "%s (%s):%s" % (host["name"], summary, "" if shown else " no changes")))
        for record in shown:
            lines.append((record_kind(record), "  " + _record_line(record, report["mode"])))
    lines.append(("totals", totals_text(report["totals"], report["mode"])))
    return lines


def render_text(report, show_unchanged=False):
    return "\n".join(text for dummy, text in render_lines(report, show_unchanged)) + "\n"


def _md_cell(text):
    """A table cell: pipes escaped (also inside code spans, as GitHub and GitLab read tables), on one line."""
    return str(text).replace("|", "\\|").replace("\n", " ")


def _md_code(text):
    return "`%s`" % str(text).replace("`", "'")


def _md_changes(record):
    parts = []
    for field, before, after, created in shown_changes(record):
        if created:
            parts.append("%s: %s" % (_md_code(field), _md_code(format_value(after))))
        else:
            parts.append("%s: %s -> %s" % (_md_code(field), _md_code(format_value(before)), _md_code(format_value(after))))
    return "<br>".join(parts)


def render_markdown(report, show_unchanged=False):
    """The plan as Markdown: a heading, the totals, and one table per host."""
    heading, mode = TITLES[report["mode"]]
    out = ["## %s (%s)" % (heading.capitalize(), mode), "",
           "**%s**" % totals_text(report["totals"], report["mode"]), ""]
    if not report["hosts"]:
        out.extend(["No listener of `multicloud.listeners` was touched.", ""])
    for host in report["hosts"]:
        shown = [record for record in host["listeners"] if _is_shown(record, show_unchanged)]
        out.extend(["### %s" % _md_cell(host["name"]), "", _host_summary(host["totals"], report["mode"]) + ".", ""])
        if not shown:
            out.extend(["No changes.", ""])
            continue
        out.extend(["| action | listener | changes |", "| --- | --- | --- |"])
        for record in shown:
            kind = record_kind(record)
            if kind == "failed":
                action = "**failed** %s" % (record.get("action") or "")
            else:
                action = "unchanged" if kind == "none" else kind
            if report["mode"] == "mixed" and record["check_mode"]:
                action += " (check mode)"
            details = _md_changes(record)
            error = format_error(record.get("error"))
            if error:
                details = (details + "<br>" if details else "") + "**error** " + _md_code(error)
            out.append("| %s | %s | %s |" % (action.strip(), _md_cell(_md_code(describe_listener(record))), _md_cell(details)))
        out.append("")
    return "\n".join(out)


def render_json(report):
    return json.dumps(report, indent=2, sort_keys=True) + "\n"


# --- the callback -------------------------------------------------------------------------

COLORS = {
    "create": C.COLOR_OK,
    "update": C.COLOR_CHANGED,
    "delete": C.COLOR_ERROR,
    "failed": C.COLOR_ERROR,
    "none": C.COLOR_SKIP,
}


def _attribute(obj, name):
    """``result.task`` (ansible-core 2.19+) or ``result._task`` (earlier releases)."""
    value = getattr(obj, name, None)
    return value if value is not None else getattr(obj, "_" + name, None)


def task_module(task):
    """The FQCN of the task's module: its action, or the action resolved through the ``collections`` keyword."""
    action = getattr(task, "action", None)
    if is_collection_module(action):
        return action
    resolved = getattr(task, "_resolved_action", None)
    if isinstance(resolved, str) and resolved:
        return resolved
    if isinstance(action, str) and action and "{" not in action:
        try:
            return task.resolved_action
        except Exception:  # pylint: disable=broad-exception-caught  # an unresolvable action is simply not ours
            return None
    return None


class CallbackModule(CallbackBase):
    """Collects the ``plan`` records of the collection's modules and prints one plan at the end."""

    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "multicloud.listeners.plan"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, display=None, options=None):
        super(CallbackModule, self).__init__(display=display, options=options)
        self.collector = Collector()

    # --- reading results ---------------------------------------------------------------
    def _context(self, result):
        """``(key, host, task name, module, check mode)``, or None when the task is not one of ours."""
        task = _attribute(result, "task")
        module = task_module(task) if task is not None else None
        if not is_collection_module(module):
            return None
        host = _attribute(result, "host")
        host_name = host.get_name() if host is not None else "localhost"
        fields = _attribute(result, "task_fields") or {}
        check_mode = fields.get("check_mode")
        if not isinstance(check_mode, bool):
            check_mode = getattr(task, "check_mode", None)
        if not isinstance(check_mode, bool):
            check_mode = bool(context.CLIARGS.get("check"))
        task_name = getattr(result, "task_name", None) or (task.get_name() if hasattr(task, "get_name") else str(task))
        key = (host_name, getattr(task, "_uuid", id(task)))
        return key, host_name, task_name, module, check_mode

    def _final(self, result, failed):
        found = self._context(result)
        if found is None:
            return
        key, host, task, module, check_mode = found
        data = _attribute(result, "result") or {}
        is_loop = isinstance(data.get("results"), list)
        self.collector.add_final(key, records_of(host, task, module, data, failed, check_mode), is_loop)

    def _item(self, result, failed):
        found = self._context(result)
        if found is None:
            return
        key, host, task, module, check_mode = found
        self.collector.add_item(key, result_records(host, task, module, _attribute(result, "result") or {}, failed, check_mode))

    def _ended(self, result):
        found = self._context(result)
        if found is not None:
            self.collector.discard(found[0])

    def v2_runner_on_ok(self, result):
        self._final(result, False)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._final(result, True)

    def v2_runner_item_on_ok(self, result):
        self._item(result, False)

    def v2_runner_item_on_failed(self, result):
        self._item(result, True)

    def v2_runner_on_skipped(self, result):
        self._ended(result)

    def v2_runner_on_unreachable(self, result):
        self._ended(result)

    # --- the end of the run --------------------------------------------------------------
    def _write(self, path, text):
        directory = os.path.dirname(os.path.abspath(path))
        try:
            if not os.path.isdir(directory):
                os.makedirs(directory)
            handle, temporary = tempfile.mkstemp(dir=directory, prefix=".plan-")
            with os.fdopen(handle, "w") as stream:
                stream.write(text)
            os.chmod(temporary, 0o644)
            os.replace(temporary, path)
        except OSError as error:
            self._display.warning("multicloud.listeners.plan: could not write %s: %s" % (path, error))

    def v2_playbook_on_stats(self, stats):
        records = self.collector.records()
        report = build_report(records, "check" if context.CLIARGS.get("check") else "apply")
        show_unchanged = self.get_option("show_unchanged")
        if self.get_option("json_path"):
            self._write(self.get_option("json_path"), render_json(report))
        if self.get_option("markdown_path"):
            self._write(self.get_option("markdown_path"), render_markdown(report, show_unchanged))
        if not records or not self.get_option("display"):
            return
        for kind, text in render_lines(report, show_unchanged):
            if kind == "title":
                self._display.banner(text)
            else:
                self._display.display(text, color=COLORS.get(kind))
