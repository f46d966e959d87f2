# -*- coding: utf-8 -*-
# Copyright (c) multicloud.listeners contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure Global Accelerator listener logic: validation, normalization, matching,
change computation, prediction of the service's rejections, token derivation.

Nothing here imports boto3 or talks to AWS: the same functions serve the modules,
the roles and the unit tests.  A listener is always handled in one normalized shape::

    {"listener_arn": str or None, "accelerator_arn": str, "protocol": "TCP" | "UDP",
     "port_ranges": [{"from_port": int, "to_port": int}, ...] (sorted), "client_affinity": "NONE" | "SOURCE_IP"}
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.multicloud.listeners.plugins.module_utils._common import derive_token
from ansible_collections.multicloud.listeners.plugins.module_utils._common import field_changes
from ansible_collections.multicloud.listeners.plugins.module_utils._common import plan_record

PROTOCOLS = ("TCP", "UDP")
CLIENT_AFFINITIES = ("NONE", "SOURCE_IP")
PORT_MIN = 1
PORT_MAX = 65535
MAX_PORT_RANGES = 10
LISTENER_QUOTA = 10  # listeners per accelerator (default service quota)
COMPARED_FIELDS = ("protocol", "port_ranges", "client_affinity")

_ACCELERATOR_ARN = r"arn:aws[a-z-]*:globalaccelerator::\d{12}:accelerator/[0-9a-zA-Z-]{1,64}"
ACCELERATOR_ARN_RE = re.compile(r"^%s$" % _ACCELERATOR_ARN)
LISTENER_ARN_RE = re.compile(r"^(%s)/listener/[0-9a-zA-Z]{1,64}$" % _ACCELERATOR_ARN)
ACCELERATOR_ARN_SHAPE = "arn:aws:globalaccelerator::<account id>:accelerator/<id>"
LISTENER_ARN_SHAPE = ACCELERATOR_ARN_SHAPE + "/listener/<id>"


class ListenerInputError(ValueError):
    """The task's options cannot describe a valid listener (message names option, value, allowed)."""


class ListenerMatchError(ValueError):
    """The accelerator's listeners do not let the task's listener be identified unambiguously."""


# --- validation / normalization of the task's options ---------------------------------------

def format_ranges(port_ranges):
    """``[{"from_port": 80, "to_port": 81}, ...]`` -> ``"80-81, 443"`` for messages."""
    parts = []
    for item in port_ranges:
        if item["from_port"] == item["to_port"]:
            parts.append("%d" % item["from_port"])
        else:
            parts.append("%d-%d" % (item["from_port"], item["to_port"]))
    return ", ".join(parts)


PORT_RANGE_KEYS = ("from_port", "to_port")
PORT_RANGE_SHAPE = "a port (80) or a range ({from_port: 8080, to_port: 8090}; to_port defaults to from_port)"


def _port_value(value):
    """An integer port as the task gave it (an int, or digits in a string), else the value unchanged."""
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return value


def normalize_port_ranges(port_ranges, option="port_ranges"):
    """Validate the ``port_ranges`` option and return it sorted, ``to_port`` filled in.

    Each item is a range ``{"from_port": N, "to_port": M}`` or, as a shorthand, a plain port ``N``
    (``{"from_port": N}``).  Raises ListenerInputError naming the option, the value and what is allowed.
    """
    if port_ranges is not None and not isinstance(port_ranges, list):
        raise ListenerInputError("%s: %r is not a list; allowed: a list of 1 to %d items, each %s"
                                 % (option, port_ranges, MAX_PORT_RANGES, PORT_RANGE_SHAPE))
    if not port_ranges:
        raise ListenerInputError("%s: an empty list was given; allowed: 1 to %d port ranges" % (option, MAX_PORT_RANGES))
    if len(port_ranges) > MAX_PORT_RANGES:
        raise ListenerInputError("%s: %d port ranges were given; allowed: 1 to %d port ranges per listener"
                                 % (option, len(port_ranges), MAX_PORT_RANGES))
    ranges = []
    for index, item in enumerate(port_ranges):
        name = "%s[%d]" % (option, index)
        item = _port_value(item)
        if isinstance(item, int) and not isinstance(item, bool):
            item = {"from_port": item}
        if not isinstance(item, dict):
            raise ListenerInputError("%s: %r is neither a port nor a range; allowed: %s" % (name, item, PORT_RANGE_SHAPE))
        unknown = sorted(str(key) for key in item if key not in PORT_RANGE_KEYS)
        if unknown:
            raise ListenerInputError("%s: unknown key %s; allowed keys: from_port, to_port" % (name, ", ".join(unknown)))
        from_port = _port_value(item.get("from_port"))
        to_port = _port_value(item.get("to_port"))
        if to_port is None:
            to_port = from_port
        for key, value in (("from_port", from_port), ("to_port", to_port)):
            if not isinstance(value, int) or isinstance(value, bool) or not PORT_MIN <= value <= PORT_MAX:
                raise ListenerInputError("%s.%s: %r is not a valid port; allowed: an integer from %d to %d"
                                         % (name, key, value, PORT_MIN, PORT_MAX))
        if from_port > to_port:
            raise ListenerInputError("%s: from_port %d is greater than to_port %d; allowed: from_port <= to_port"
                                     % (name, from_port, to_port))
        ranges.append({"from_port": from_port, "to_port": to_port, "index": index})
    ranges.sort(key=lambda r: (r["from_port"], r["to_port"]))
    for first, second in zip(ranges, ranges[1:]):
        if second["from_port"] <= first["to_port"]:
            low, high = sorted((first, second), key=lambda r: r["index"])
            raise ListenerInputError(
                "%s[%d] (%s) overlaps %s[%d] (%s); allowed: port ranges of one listener must not overlap"
                % (option, high["index"], format_ranges([high]), option, low["index"], format_ranges([low])))
    return [{"from_port": r["from_port"], "to_port": r["to_port"]} for r in ranges]


def accelerator_arn_of(listener_arn):
    """The accelerator ARN a listener ARN belongs to (the ARN's prefix)."""
    match = LISTENER_ARN_RE.match(listener_arn or "")
    return match.group(1) if match else None


def validate_arns(params):
    """Check the shapes of ``listener_arn`` / ``accelerator_arn`` and that they agree."""
    listener_arn = params.get("listener_arn")
    accelerator_arn = params.get("accelerator_arn")
    if listener_arn is not None and not LISTENER_ARN_RE.match(listener_arn):
        raise ListenerInputError("listener_arn: %r is not a Global Accelerator listener ARN; allowed: %s"
                                 % (listener_arn, LISTENER_ARN_SHAPE))
    if accelerator_arn is not None and not ACCELERATOR_ARN_RE.match(accelerator_arn):
        raise ListenerInputError("accelerator_arn: %r is not a Global Accelerator accelerator ARN; allowed: %s"
                                 % (accelerator_arn, ACCELERATOR_ARN_SHAPE))
    if listener_arn and accelerator_arn and accelerator_arn_of(listener_arn) != accelerator_arn:
        raise ListenerInputError("listener_arn: %r does not belong to accelerator_arn %r; allowed: a listener of that accelerator"
                                 % (listener_arn, accelerator_arn))
    if params.get("accelerator_name") is not None and not params["accelerator_name"].strip():
        raise ListenerInputError("accelerator_name: an empty name was given; allowed: the name of an existing accelerator")


def validate_options(params):
    """Check the task's options before any API call; return the normalized desired listener fields.

    ``params`` is the module's params.  Returns a dict with ``protocol``, ``port_ranges``
    and ``client_affinity`` (each None when the task leaves it as it is).
    """
    validate_arns(params)
    listener_arn = params.get("listener_arn")
    if params.get("wait_timeout") is not None and params["wait_timeout"] < 0:
        raise ListenerInputError("wait_timeout: %r; allowed: 0 or more seconds" % (params["wait_timeout"],))
    port_ranges = params.get("port_ranges")
    desired = {
        "protocol": params.get("protocol"),
        "port_ranges": normalize_port_ranges(port_ranges) if port_ranges is not None else None,
        "client_affinity": params.get("client_affinity"),
    }
    if listener_arn is None:
        missing = [key for key in ("protocol", "port_ranges") if desired[key] is None]
        if missing:
            raise ListenerInputError("%s: required to identify the listener when listener_arn is not given"
                                     % " and ".join(missing))
    return desired


# --- the service's listeners, normalized ---------------------------------------------------

def listener_from_api(listener, accelerator_arn=None):
    """A DescribeListener / ListListeners / CreateListener ``Listener`` -> the normalized dict."""
    arn = listener["ListenerArn"]
    return {
        "listener_arn": arn,
        "accelerator_arn": accelerator_arn or accelerator_arn_of(arn),
        "protocol": listener["Protocol"],
        "port_ranges": sorted(({"from_port": r["FromPort"], "to_port": r["ToPort"]} for r in listener["PortRanges"]),
                              key=lambda r: (r["from_port"], r["to_port"])),
        "client_affinity": listener.get("ClientAffinity") or "NONE",
    }


def ranges_overlap(first, second):
    """True when any range of ``first`` shares a port with any range of ``second``."""
    return any(a["from_port"] <= b["to_port"] and b["from_port"] <= a["to_port"] for a in first for b in second)


def find_listener(listeners, protocol, port_ranges):
    """Which existing listener a task means, given its protocol and port ranges.

    Returns ``(listener, how)``: ``how`` is ``"exact"`` (same protocol and port-range set),
    ``"overlap"`` (the single listener of the protocol whose ports overlap: it is updated
    in place) or ``None`` (no listener: create one).  Several overlapping listeners of the
    protocol raise ListenerMatchError.  A listener of the other protocol never matches.
    """
    same_protocol = [item for item in listeners if item["protocol"] == protocol]
    for item in same_protocol:
        if item["port_ranges"] == port_ranges:
            return item, "exact"
    overlapping = [item for item in same_protocol if ranges_overlap(item["port_ranges"], port_ranges)]
    if len(overlapping) > 1:
        raise ListenerMatchError(
            "port_ranges %s overlap %d %s listeners on the accelerator (%s); pass listener_arn to say which one to change"
            % (format_ranges(port_ranges), len(overlapping), protocol,
               "; ".join("%s: %s" % (item["listener_arn"], format_ranges(item["port_ranges"])) for item in overlapping)))
    if overlapping:
        return overlapping[0], "overlap"
    return None, None


# --- what would change, and would the service accept it ------------------------------------

def desired_listener(current, desired, accelerator_arn):
    """The listener after the task: ``desired`` fields over ``current`` (None: a new listener)."""
    base = dict(current) if current else {
        "listener_arn": None, "accelerator_arn": accelerator_arn, "protocol": None, "port_ranges": None,
        "client_affinity": "NONE",
    }
    for key in COMPARED_FIELDS:
        if desired.get(key) is not None:
            base[key] = desired[key]
    return base


def listener_changes(current, after):
    """``{field: {"before", "after"}}`` for the listener fields that differ."""
    return field_changes(current, after, COMPARED_FIELDS)


def update_request(listener_arn, changes):
    """The UpdateListener parameters that send only the differing fields."""
    request = {"ListenerArn": listener_arn}
    if "port_ranges" in changes:
        request["PortRanges"] = [{"FromPort": r["from_port"], "ToPort": r["to_port"]} for r in changes["port_ranges"]["after"]]
    if "protocol" in changes:
        request["Protocol"] = changes["protocol"]["after"]
    if "client_affinity" in changes:
        request["ClientAffinity"] = changes["client_affinity"]["after"]
    return request


def create_request(listener, token):
    """The CreateListener parameters for a new listener."""
    return {
        "AcceleratorArn": listener["accelerator_arn"],
        "PortRanges": [{"FromPort": r["from_port"], "ToPort": r["to_port"]} for r in listener["port_ranges"]],
        "Protocol": listener["protocol"],
        "ClientAffinity": listener["client_affinity"],
        "IdempotencyToken": token,
    }


def predict_rejection(listeners, after, quota=LISTENER_QUOTA):
    """The service's refusal of ``after`` beside ``listeners`` as ``(error code, message)``, or None.

    Checks what the module can see: overlap with another listener of the same protocol
    on the accelerator (InvalidPortRangeException) and the listener quota
    (LimitExceededException) for a new listener.
    """
    others = [item for item in listeners if item["listener_arn"] != after["listener_arn"]]
    for item in others:
        if item["protocol"] == after["protocol"] and ranges_overlap(item["port_ranges"], after["port_ranges"]):
            return "InvalidPortRangeException", (
                "port_ranges %s overlap the %s listener %s (%s) on accelerator %s; the service would refuse it "
                "(InvalidPortRangeException): allowed: ports no other %s listener of the accelerator uses"
                % (format_ranges(after["port_ranges"]), item["protocol"], item["listener_arn"],
                   format_ranges(item["port_ranges"]), after["accelerator_arn"], after["protocol"]))
    if after["listener_arn"] is None and len(listeners) >= quota:
        return "LimitExceededException", (
            "accelerator %s already has %d listeners; the service would refuse another (LimitExceededException): "
            "allowed: at most %d listeners per accelerator" % (after["accelerator_arn"], len(listeners), quota))
    return None


def create_token(accelerator_arn, listener, listeners, started):
    """The IdempotencyToken for creating ``listener`` in one task.

    Derived from the accelerator, the desired listener, the listeners the accelerator holds and
    the moment the task decided to create it (``started``, epoch seconds).  It is computed once,
    so every retry of that create within the task sends the same token and a create whose answer
    was lost is answered with the listener it made, never a second one.  A later task reads the
    listeners first and finds that listener, so it needs no token of its own.  The moment keeps
    two creates of the same listener apart (one deleted in between): the service answers a token
    it has seen with the listener it made for it, even when that one was deleted since.
    """
    return derive_token("ga_listener", {
        "accelerator": accelerator_arn,
        "protocol": listener["protocol"],
        "port_ranges": listener["port_ranges"],
        "client_affinity": listener["client_affinity"],
        "existing": sorted(item["listener_arn"] for item in listeners),
        "started": "%.6f" % started,
    })


def listener_plan(action, current, after, wanted=None):
    """The ``plan`` record of a task (see _common.plan_record).

    ``wanted`` (the listener the task looked for) names it when neither ``current`` nor
    ``after`` exists, as when ``state=absent`` finds nothing to delete.
    """
    shown = (after if action != "delete" else current) or wanted
    key = None
    if shown:
        key = {"accelerator_arn": shown["accelerator_arn"], "protocol": shown["protocol"],
               "port_ranges": shown["port_ranges"]}
    changes = listener_changes(current if action != "create" else {}, after if action != "delete" else {})
    return plan_record("ga_listener", action, (current or after or {}).get("listener_arn"), key, changes)


def write_landed(action, current, after, held, before):
    """Did a write whose call failed for good take effect?  ``held`` is what a read afterwards found.

    Returns the listener the service holds for the write (``{}`` for a delete that happened), or None
    when the write did not take effect.  A create counts when a listener of the wanted protocol and
    ports exists that ``before`` (the listeners read before the writes) did not have; an update when
    the listener has the wanted fields; a delete when the listener is gone.
    """
    if action == "delete":
        gone = all(item["listener_arn"] != current["listener_arn"] for item in held)
        return {} if gone else None
    if action == "update":
        for item in held:
            if item["listener_arn"] == current["listener_arn"] and not listener_changes(item, after):
                return item
        return None
    known = set(item["listener_arn"] for item in before)
    for item in held:
        if item["listener_arn"] not in known and item["protocol"] == after["protocol"] \
                and item["port_ranges"] == after["port_ranges"]:
            return item
    return None
