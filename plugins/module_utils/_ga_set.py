# -*- coding: utf-8 -*-
# Copyright (c) multicloud.listeners contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure logic for the listeners of one accelerator handled as a set (``ga_accelerator_listeners``).

Each declared entry is matched the way ``ga_listener`` matches its one listener (same protocol
and port-range set; else the single overlapping listener of the protocol, updated in place; else a
new listener), except that an existing listener serves at most one entry.  The result is a list of
steps in an order the service accepts (deletes, then updates, then creates), with the accelerator's
listeners after them.  The listener quota is checked before the first write.  Nothing here talks to AWS.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.multicloud.listeners.plugins.module_utils._ga_state import LISTENER_QUOTA
from ansible_collections.multicloud.listeners.plugins.module_utils._ga_state import ListenerInputError
from ansible_collections.multicloud.listeners.plugins.module_utils._ga_state import ListenerMatchError
from ansible_collections.multicloud.listeners.plugins.module_utils._ga_state import desired_listener
from ansible_collections.multicloud.listeners.plugins.module_utils._ga_state import format_ranges
from ansible_collections.multicloud.listeners.plugins.module_utils._ga_state import listener_plan
from ansible_collections.multicloud.listeners.plugins.module_utils._ga_state import listener_changes
from ansible_collections.multicloud.listeners.plugins.module_utils._ga_state import normalize_port_ranges
from ansible_collections.multicloud.listeners.plugins.module_utils._ga_state import ranges_overlap
from ansible_collections.multicloud.listeners.plugins.module_utils._listener_set import UNDECLARED
from ansible_collections.multicloud.listeners.plugins.module_utils._listener_set import order_writes


class ListenerSetRejected(ValueError):
    """The service would refuse the set; ``code`` is its error code, ``step`` the step it refuses."""

    def __init__(self, code, message, step=None):
        super(ListenerSetRejected, self).__init__(message)
        self.code = code
        self.step = step


def _label(entry):
    return "%s %s" % (entry["protocol"], format_ranges(entry["port_ranges"]))


ENTRY_CHOICES = {
    "protocol": ("TCP", "UDP"),
    "client_affinity": ("NONE", "SOURCE_IP"),
    "state": ("present", "absent"),
}
ENTRY_KEYS = ("protocol", "port_ranges", "client_affinity", "state", "force")
ENTRY_REQUIRED = ("protocol", "port_ranges")
TRUE_WORDS = ("true", "yes", "on", "1")
FALSE_WORDS = ("false", "no", "off", "0")


def _entry_bool(name, value):
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in TRUE_WORDS or text in FALSE_WORDS:
        return text in TRUE_WORDS
    raise ListenerInputError("%s: %r is not a boolean; allowed: true or false" % (name, value))


def _check_entry_keys(entry, name):
    """The entry's keys and choices, with the entry's index in every message (the module's spec leaves them to us)."""
    if not isinstance(entry, dict):
        raise ListenerInputError("%s: %r is not a listener; allowed: a dict with keys %s" % (name, entry, ", ".join(ENTRY_KEYS)))
    unknown = sorted(str(key) for key in entry if key not in ENTRY_KEYS)
    if unknown:
        raise ListenerInputError("%s: unknown key %s; allowed keys: %s" % (name, ", ".join(unknown), ", ".join(ENTRY_KEYS)))
    for key in ENTRY_REQUIRED:
        if entry.get(key) is None:
            raise ListenerInputError("%s.%s: required, but the entry has none (its keys: %s)"
                                     % (name, key, ", ".join(sorted(str(item) for item in entry)) or "none"))
    for key, choices in ENTRY_CHOICES.items():
        value = entry.get(key)
        if value is not None and value not in choices:
            raise ListenerInputError("%s.%s: %r; allowed: %s" % (name, key, value, ", ".join(choices)))


def validate_entries(entries, option="listeners"):
    """Normalize the declared entries; raise ListenerInputError naming the entry and what is allowed.

    Each entry comes back as ``{"index", "protocol", "port_ranges" (sorted, to_port filled in),
    "client_affinity" (None: keep), "state", "force"}``.  Two present entries of one protocol
    must not share a port, and no listener may be declared both present and absent.  Unknown keys,
    missing keys and wrong choices are named with the entry's index (``listeners[2].port_range``).
    """
    normalized = []
    for index, entry in enumerate(entries or []):
        name = "%s[%d]" % (option, index)
        _check_entry_keys(entry, name)
        normalized.append({
            "index": index,
            "protocol": entry["protocol"],
            "port_ranges": normalize_port_ranges(entry.get("port_ranges"), name + ".port_ranges"),
            "client_affinity": entry.get("client_affinity"),
            "state": entry.get("state") or "present",
            "force": _entry_bool(name + ".force", entry["force"]) if entry.get("force") is not None else False,
        })
    for later in normalized:
        for earlier in normalized[:later["index"]]:
            if earlier["protocol"] != later["protocol"]:
                continue
            if earlier["port_ranges"] == later["port_ranges"]:
                raise ListenerInputError(
                    "%s[%d]: %s is already declared by %s[%d]; allowed: each listener declared once"
                    % (option, later["index"], _label(later), option, earlier["index"]))
            both_present = earlier["state"] == later["state"] == "present"
            if both_present and ranges_overlap(earlier["port_ranges"], later["port_ranges"]):
                raise ListenerInputError(
                    "%s[%d].port_ranges: %s overlaps %s[%d] (%s); allowed: ports no other present %s entry declares"
                    % (option, later["index"], format_ranges(later["port_ranges"]), option, earlier["index"],
                       _label(earlier), later["protocol"]))
    return normalized


def _overlapping(listeners, entry, claimed):
    return [item for item in listeners if item["listener_arn"] not in claimed
            and item["protocol"] == entry["protocol"] and ranges_overlap(item["port_ranges"], entry["port_ranges"])]


def match_entries(listeners, entries, option="listeners"):
    """``[(entry, current listener or None)]`` in the entries' order.

    Exact matches (protocol and port-range set) are claimed first; then each present entry
    without one takes the single unclaimed listener of its protocol that overlaps it (an update in
    place), or none (a create).  Several such listeners raise ListenerMatchError.  An absent entry
    matches only exactly, like ``ga_listener`` without ``listener_arn``.
    """
    claimed = set()
    matched = {}
    for entry in entries:
        for item in listeners:
            if item["listener_arn"] not in claimed and item["protocol"] == entry["protocol"] \
                    and item["port_ranges"] == entry["port_ranges"]:
                matched[entry["index"]] = item
                claimed.add(item["listener_arn"])
                break
    for entry in entries:
        if entry["index"] in matched or entry["state"] != "present":
            continue
        overlapping = _overlapping(listeners, entry, claimed)
        if len(overlapping) > 1:
            raise ListenerMatchError(
                "%s[%d]: %s overlaps %d %s listeners on the accelerator (%s); allowed: ports that overlap at most one "
                "listener not declared by another entry (use ga_listener with listener_arn to say which one to change)"
                % (option, entry["index"], _label(entry), len(overlapping), entry["protocol"],
                   "; ".join("%s: %s" % (item["listener_arn"], format_ranges(item["port_ranges"])) for item in overlapping)))
        if overlapping:
            matched[entry["index"]] = overlapping[0]
            claimed.add(overlapping[0]["listener_arn"])
    return [(entry, matched.get(entry["index"])) for entry in entries]


def _step(action, entry, current, after, force=False):
    return {"action": action, "entry": entry, "current": current, "after": after, "force": force,
            "changes": listener_changes(current if action != "create" else {}, after if action != "delete" else {})}


def plan_set(listeners, entries, accelerator_arn, purge=False, purge_force=False, quota=LISTENER_QUOTA):
    """What converging ``listeners`` (the accelerator's, normalized) to ``entries`` takes.

    Returns ``(steps, writes, after)``: ``steps`` has one step per entry in the entries' order
    (action ``none`` when in sync) followed by one delete per purged listener; ``writes`` the
    steps that write, in the order to apply them; ``after`` the accelerator's listeners once
    applied (a new listener's ARN is None).  A step is ``{"action", "entry", "current",
    "after", "force", "changes"}``; a purge step's ``entry`` is None.  Raises
    ListenerMatchError (ambiguous entry) or ListenerSetRejected (over the listener quota).
    """
    steps = []
    claimed = set()
    for entry, current in match_entries(listeners, entries):
        if current is not None:
            claimed.add(current["listener_arn"])
        if entry["state"] == "absent":
            action = "delete" if current is not None else "none"
            steps.append(_step(action, entry, current, None, entry["force"]))
            continue
        after = desired_listener(current, entry, accelerator_arn)
        changes = listener_changes(current, after)
        action = "create" if current is None else ("update" if changes else "none")
        steps.append(_step(action, entry, current, after))
    if purge:
        for item in listeners:
            if item["listener_arn"] not in claimed:
                steps.append(_step("delete", None, item, None, purge_force))
    removed = set(step["current"]["listener_arn"] for step in steps if step["action"] == "delete")
    replaced = dict((step["current"]["listener_arn"], step["after"]) for step in steps if step["action"] in ("update", "none")
                    and step["current"] is not None)
    after = [replaced.get(item["listener_arn"], item) for item in listeners if item["listener_arn"] not in removed]
    after.extend(step["after"] for step in steps if step["action"] == "create")
    creates = [step for step in steps if step["action"] == "create"]
    if creates and len(after) > quota:
        step = creates[0]
        raise ListenerSetRejected("LimitExceededException", (
            "listeners: the accelerator %s would have %d listeners; the service would refuse the creates beyond %d "
            "(LimitExceededException): allowed: at most %d listeners per accelerator (set purge, or declare fewer)"
            % (accelerator_arn, len(after), quota, quota)), step)
    # Deletes first (they free ports and quota), then updates in the entries' order, then creates.  This
    # order never makes two listeners of a protocol overlap on the way: an entry takes over a listener
    # only when that is the one unclaimed listener its ports overlap, so the ports an update moves onto
    # belong to listeners that are deleted, or were taken over by an earlier entry and updated before
    # it; the entries themselves do not overlap (validate_entries).  test_ga_set checks this property.
    writes = order_writes(steps)
    return steps, writes, sorted_listeners(after)


def sorted_listeners(listeners):
    """Listeners in a stable order for results and diffs: protocol, then first port."""
    return sorted(listeners, key=lambda item: (item["protocol"], item["port_ranges"][0]["from_port"], item["listener_arn"] or ""))


def undeclared_records(listeners):
    """One ``plan`` record per listener kept undeclared (``_listener_set.undeclared``), action ``undeclared``.

    The fields of a ``none`` record (resource, id, key) and no changes: the listener stays as it is.
    """
    return [listener_plan(UNDECLARED, item, item) for item in listeners]
