# -*- coding: utf-8 -*-
# Copyright (c) multicloud.listeners contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What every set module of the collection shares, whatever the cloud (no SDK import).

A set module (``ga_accelerator_listeners``, ``nlb_load_balancer_listeners``) reads a parent's
listeners, matches its declared entries to them, and turns the result into *steps*: dicts with at
least ``action`` (``create``, ``update``, ``delete`` or ``none``), ``entry`` (the declared entry, or
None for a purged listener) and ``current`` (the listener as read, or None).  The cloud modules
keep their own matching, rules and edges; this module holds the parts that are really the same:

- ``purge_problem``: the purge guard (no purge of everything from a missing declaration);
- ``order_writes``: deletes, then updates, then creates (deletes free ports and quota first);
- ``undeclared``: the listeners that no entry declares and that are kept because purge is off (each
  set module adds one plan record per such listener, action ``undeclared``, after the entries' records;
  those records are reports, never writes);
- ``SetProgress``: the record of the writes applied so far, so that a failure after writes reports
  them: ``changed=true``, the applied plan records, then the failed one with the service's error.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

ACTION_ORDER = {"delete": 0, "update": 1, "create": 2}
# The plan action of a listener no entry declares, kept because purge is off: drift to report, not a write
UNDECLARED = "undeclared"
# The plan note of a write whose call failed for good but which a read afterwards shows was applied
LOST_ANSWER_NOTE = "the answers were lost, but a read afterwards shows the service applied it"
DELETE_ALL_OPTION = "delete_all_listeners"


def purge_problem(entries, purge, delete_all, parent, entries_option="listeners"):
    """The refusal text for a purge the task does not clearly mean, else None.

    ``purge`` with no declared entry would delete every listener of ``parent``: that is allowed only with
    the explicit opt-in ``delete_all_listeners``, so a misspelled or empty variable never wipes a parent.
    The opt-in is refused where it would not do what its name says (without purge, or with entries).
    """
    if purge and not entries and not delete_all:
        return ("purge: true with %s: [] (no listener declared) would delete every listener of %s; allowed: declare "
                "the listeners to keep in %s, or also set %s: true to delete every listener"
                % (entries_option, parent, entries_option, DELETE_ALL_OPTION))
    if delete_all and not purge:
        return ("%s: true needs purge: true (and %s: []); allowed: set both to delete every listener of %s"
                % (DELETE_ALL_OPTION, entries_option, parent))
    if delete_all and entries:
        return ("%s: true with %d entries in %s; allowed: %s only with %s: [] (it deletes every listener, so "
                "declaring some contradicts it)"
                % (DELETE_ALL_OPTION, len(entries), entries_option, DELETE_ALL_OPTION, entries_option))
    return None


def order_writes(steps):
    """The steps that write, in the order to apply them: deletes, updates (in step order), creates.

    ``none`` and ``undeclared`` steps or records write nothing and are left out.
    """
    return sorted((step for step in steps if step["action"] in ACTION_ORDER), key=lambda step: ACTION_ORDER[step["action"]])


def undeclared(listeners, steps, identity_key):
    """The listeners of ``listeners`` that no step names (kept, since a purged one has its own step)."""
    named = set(step["current"][identity_key] for step in steps if step.get("current"))
    return [item for item in listeners if item[identity_key] not in named]


def describe_record(record):
    """One plan record as text for messages: ``create TCP 80`` / ``delete arn...``."""
    key = record.get("key") or {}
    label = " ".join(str(key[name]) for name in ("protocol", "port") if key.get(name) is not None)
    if "port_ranges" in key and key["port_ranges"]:
        label = "%s %s" % (key.get("protocol"), ",".join(
            "%d" % item["from_port"] if item["from_port"] == item["to_port"] else "%d-%d" % (item["from_port"], item["to_port"])
            for item in key["port_ranges"]))
    if record.get("id"):
        label = ("%s (%s)" % (label, record["id"])) if label else record["id"]
    return "%s %s" % (record["action"], label or "?")


class SetProgress:
    """The writes of one set task applied so far, and the account of a failure after some of them.

    ``applied`` holds the plan records of the writes the service accepted, in order.
    """

    def __init__(self):
        self.applied = []

    def done(self, record):
        self.applied.append(record)

    def applied_text(self):
        """``2 writes (update TCP 80 (arn); create UDP 53)`` for messages."""
        records = "; ".join(describe_record(record) for record in self.applied)
        return "%d write%s (%s)" % (len(self.applied), "" if len(self.applied) == 1 else "s", records)

    def message(self, failure):
        """``failure`` followed by what was applied before it (or that nothing was).

        The cloud's error text may follow (``...: <code>: <message>``), so this reads as one clause.
        """
        if not self.applied:
            return "%s, before any write was applied" % (failure,)
        return "%s, after the service applied %s" % (failure, self.applied_text())

    def wait_message(self, failure):
        """Every write was accepted and then the wait failed: say what was written first."""
        return "The service accepted %s, but %s" % (self.applied_text(), failure)

    def failure_fields(self, failed_record=None, error=None):
        """The result fields of a failed set task: ``changed`` and ``plan`` (applied, then the failed step)."""
        plan = list(self.applied)
        if failed_record is not None:
            failed = dict(failed_record)
            if error is not None:
                failed["error"] = error
            plan.append(failed)
        return {"changed": bool(self.applied), "plan": plan}
