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
  - A listener that a set module (M(multicloud.listeners.ga_accelerator_listeners),
    M(multicloud.listeners.nlb_load_balancer_listeners)) finds but that no entry declares, kept because purge is off,
    is drift of its own kind, always shown (a line C(?) ... C(not declared, kept)) and counted (C(2 undeclared)).
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
      - Its C(drift) object (C(status) V(in_sync), V(drift) or V(failed), with counts) is what a CI drift check
        reads, see C(docs/drift-checks.md) and C(tools/drift_check.py).
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

from ansible_collections.multicloud.listeners.plugins.module_utils._plan import ACTIONS
from ansible_collections.multicloud.listeners.plugins.module_utils._plan import COLLECTION_PREFIX
from ansible_collections.multicloud.listeners.plugins.module_utils._plan import UNDECLARED
from ansible_collections.multicloud.listeners.plugins.module_utils._plan import UNDECLARED_TEXT
from ansible_collections.multicloud.listeners.plugins.module_utils._plan import describe_listener
from ansible_collections.multicloud.listeners.plugins.module_utils._plan import drift_summary
from ansible_collections.multicloud.listeners.plugins.module_utils._plan import format_error
from ansible_collections.multicloud.listeners.plugins.module_utils._plan import format_value
from ansible_collections.multicloud.listeners.plugins.module_utils._plan import is_collection_module
from ansible_collections.multicloud.listeners.plugins.module_utils._plan import record_kind
from ansible_collections.multicloud.listeners.plugins.module_utils._plan import record_line
from ansible_collections.multicloud.listeners.plugins.module_utils._plan import records_of
from ansible_collections.multicloud.listeners.plugins.module_utils._plan import result_records
from ansible_collections.multicloud.listeners.plugins.module_utils._plan import shown_changes

SCHEMA_VERSION = 1
TOTAL_KEYS = ACTIONS + ("failed",)

# The pure parts (reading results into records, describing a record, drift) are module_utils/_plan.py,
# shared with the plan_drift filter.


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


def build_report(records, default_mode="apply", failed_hosts=0):
    """The plan as a dict: the document the JSON file holds (``schema_version`` 1).

    ``mode`` is ``check`` when every record comes from check mode, ``apply`` when none does,
    ``mixed`` otherwise, and ``default_mode`` without records.  Hosts are sorted by name; a
    host's listeners keep the order in which their tasks ended.  ``drift`` is the summary a CI
    gate reads (``_plan.drift_summary``); ``failed_hosts`` counts the hosts that failed or were
    unreachable in the run, with or without a record.
    """
    hosts = {}
    for record in records:
        hosts.setdefault(record["host"], []).append(record)
    return {
        "schema_version": SCHEMA_VERSION,
        "collection": COLLECTION_PREFIX.rstrip("."),
        "mode": _mode(records, default_mode),
        "totals": _totals(records),
        "drift": drift_summary(records, failed_hosts),
        "hosts": [{"name": name, "totals": _totals(hosts[name]), "listeners": hosts[name]} for name in sorted(hosts)],
    }


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
    undeclared = ", %d %s" % (totals[UNDECLARED], UNDECLARED) if totals.get(UNDECLARED) else ""
    return "%s, %d unchanged%s, %d failed." % (text, totals["none"], undeclared, totals["failed"])


def _host_summary(totals, mode):
    apply_words = {"create": "added", "update": "changed", "delete": "destroyed"}
    plan_words = {"create": "to add", "update": "to change", "delete": "to destroy"}
    words = apply_words if mode == "apply" else plan_words
    parts = ["%d %s" % (totals[name], words[name]) for name in ("create", "update", "delete") if totals[name]]
    parts.extend("%d %s" % (totals[name], word) for name, word in (("none", "unchanged"), (UNDECLARED, UNDECLARED), ("failed", "failed"))
                 if totals.get(name))
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
            lines.append((record_kind(record), "  " + record_line(record, report["mode"])))
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
            details = UNDECLARED_TEXT if kind == UNDECLARED else _md_changes(record)
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
    UNDECLARED: C.COLOR_WARN,
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
        failed_hosts = [name for name in getattr(stats, "processed", {})
                        if stats.failures.get(name) or stats.dark.get(name)]
        report = build_report(records, "check" if context.CLIARGS.get("check") else "apply", len(failed_hosts))
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
