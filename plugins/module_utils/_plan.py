# -*- coding: utf-8 -*-
# Copyright (c) multicloud.listeners contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The plan records of a run, read from module results, described, and judged for drift (no SDK import).

Shared by the ``multicloud.listeners.plan`` callback (which prints and writes the plan) and the
``multicloud.listeners.plan_drift`` filter (which the ``drift_gate`` role runs on registered results):

- ``records_of``: the plan records of one module result (a task, or a loop with ``results``), each with
  ``failed``, ``action``, ``resource``, ``id``, ``key``, ``changes`` and ``error``;
- ``describe_listener`` / ``format_changes`` / ``record_line``: a record as one line of text;
- ``drift_class`` / ``drift_summary``: each record is a change (create, update, delete), an undeclared
  listener (kept because purge is off), a failure, or in sync; the summary
  ``{"status": "in_sync" | "drift" | "failed", "changes", "undeclared", "failed"}`` is what a CI gate reads.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

COLLECTION_PREFIX = "multicloud.listeners."
WRITE_ACTIONS = ("create", "update", "delete")
UNDECLARED = "undeclared"
ACTIONS = WRITE_ACTIONS + ("none", UNDECLARED)
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


# An undeclared listener has no label word: its line says "not declared, kept" after the listener.
LABELS = {"create": "+ create", "update": "~ update", "delete": "- delete", "none": "= unchanged", UNDECLARED: "?"}
FAILED_LABEL = "! failed"
UNDECLARED_TEXT = "not declared, kept"
LABEL_WIDTH = max(len(label) for label in list(LABELS.values()) + [FAILED_LABEL])


def record_kind(record):
    return "failed" if record["failed"] else record["action"]


def record_line(record, mode="check"):
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
    elif record.get("action") == UNDECLARED:
        details.append(UNDECLARED_TEXT)
    elif changes:
        details.append(changes)
    if details:
        text += ": " + "; ".join(details)
    return text


# --- drift -------------------------------------------------------------------------------

DRIFT_CLASSES = ("changes", UNDECLARED, "failed", "in_sync")
IN_SYNC, DRIFT, FAILED = "in_sync", "drift", "failed"


def drift_class(record):
    """``failed`` (a failed record), ``undeclared``, ``changes`` (create, update, delete) or ``in_sync`` (none)."""
    if record.get("failed"):
        return "failed"
    action = record.get("action")
    if action == UNDECLARED:
        return UNDECLARED
    if action in WRITE_ACTIONS:
        return "changes"
    return "in_sync"


def drift_summary(records, failed_hosts=0):
    """``{"status", "changes", "undeclared", "failed"}`` of the records of a run.

    ``status`` is ``failed`` when a record failed or ``failed_hosts`` (hosts that failed or were
    unreachable, whatever the task) is not zero, else ``drift`` when something would change or a
    listener is kept undeclared, else ``in_sync``.
    """
    counts = dict((name, 0) for name in DRIFT_CLASSES)
    for record in records:
        counts[drift_class(record)] += 1
    if counts["failed"] or failed_hosts:
        status = FAILED
    elif counts["changes"] or counts[UNDECLARED]:
        status = DRIFT
    else:
        status = IN_SYNC
    return {"status": status, "changes": counts["changes"], UNDECLARED: counts[UNDECLARED], "failed": counts["failed"]}


def drift_lines(records):
    """The records that are not in sync, one line each: ``staging: ~ update    <listener>: <changes>``."""
    return ["%s: %s" % (record.get("host") or "localhost", record_line(record))
            for record in records if drift_class(record) != "in_sync"]


def drift_verdict(summary):
    """One line: ``in sync``, ``drift: 2 changes, 1 undeclared`` or ``failed: 1 failed record``."""
    if summary["status"] == IN_SYNC:
        return "in sync: no change, no undeclared listener"
    parts = ["%d change%s" % (summary["changes"], "" if summary["changes"] == 1 else "s"),
             "%d undeclared" % summary[UNDECLARED]]
    if summary["status"] == FAILED:
        parts.append("%d failed" % summary["failed"])
    return "%s: %s" % (summary["status"], ", ".join(parts))
