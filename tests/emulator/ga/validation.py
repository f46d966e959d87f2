# -*- coding: utf-8 -*-
# Copyright (c) multicloud.listeners contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Validate Global Accelerator requests against botocore's own service model.

botocore validates parameters on the client side only partly (types, required members
and minimums).  The service also enforces maximums, ranges, enums and patterns; this
module walks the operation's input shape and checks every constraint the model holds,
so a request the service would reject is rejected here too.

Messages follow the service's validation wording ("1 validation error detected: Value
'70000' at 'portRanges.1.member.fromPort' failed to satisfy constraint: ...").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Shapes whose constraint failures the service reports as InvalidPortRangeException
# rather than InvalidArgumentException.
PORT_SHAPES = frozenset(["PortNumber"])


@dataclass
class Failure:
    """One failed constraint."""

    path: str  # service-style member path, e.g. "portRanges.1.member.fromPort"
    value: object
    constraint: str
    shape_name: str

    def describe(self):
        return "Value %s at '%s' failed to satisfy constraint: %s" % (
            _format_value(self.value), self.path, self.constraint)


def _format_value(value):
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "'%s'" % str(value).lower()
    if isinstance(value, (list, dict)):
        return "'%s'" % (value,)
    return "'%s'" % value


def _member_path(parent, member_name):
    name = member_name[:1].lower() + member_name[1:]
    return "%s.%s" % (parent, name) if parent else name


def validate(shape, params):
    """Return the list of ``Failure`` for ``params`` against the input ``shape``."""
    failures = []
    _check_structure(shape, params, "", failures)
    return failures


def summarize(failures):
    """The service-style message for a non-empty list of failures."""
    count = len(failures)
    head = "%d validation error%s detected: " % (count, "" if count == 1 else "s")
    return head + "; ".join(failure.describe() for failure in failures)


def error_code(failures):
    """InvalidPortRangeException when only port numbers are wrong, else InvalidArgumentException."""
    if all(failure.shape_name in PORT_SHAPES for failure in failures):
        return "InvalidPortRangeException"
    return "InvalidArgumentException"


def _check(shape, value, path, failures):
    kind = shape.type_name
    checker = _CHECKERS.get(kind)
    if checker is not None:
        checker(shape, value, path, failures)


def _fail(failures, shape, value, path, constraint):
    failures.append(Failure(path or shape.name, value, constraint, shape.name))


def _check_structure(shape, value, path, failures):
    if not isinstance(value, dict):
        _fail(failures, shape, value, path, "Member must be a structure")
        return
    for name in shape.required_members:
        member = shape.members[name]
        if value.get(member.serialization.get("name", name)) is None:
            _fail(failures, member, None, _member_path(path, name), "Member must not be null")
    for name, member in shape.members.items():
        wire_name = member.serialization.get("name", name)
        if value.get(wire_name) is not None:
            _check(member, value[wire_name], _member_path(path, name), failures)


def _check_list(shape, value, path, failures):
    if not isinstance(value, list):
        _fail(failures, shape, value, path, "Member must be a list")
        return
    _check_length(shape, value, path, failures)
    for index, item in enumerate(value, start=1):
        item_path = "%s.%d.member" % (path, index)
        if item is None:
            _fail(failures, shape.member, None, item_path, "Member must not be null")
        else:
            _check(shape.member, item, item_path, failures)


def _check_map(shape, value, path, failures):
    if not isinstance(value, dict):
        _fail(failures, shape, value, path, "Member must be a map")
        return
    _check_length(shape, value, path, failures)
    for key, item in value.items():
        _check(shape.key, key, "%s.key" % path, failures)
        _check(shape.value, item, "%s.value" % path, failures)


def _check_string(shape, value, path, failures):
    if not isinstance(value, str):
        _fail(failures, shape, value, path, "Member must be a string")
        return
    _check_length(shape, value, path, failures)
    enum = shape.metadata.get("enum")
    if enum and value not in enum:
        _fail(failures, shape, value, path, "Member must satisfy enum value set: [%s]" % ", ".join(enum))
    pattern = shape.metadata.get("pattern")
    if pattern and not re.search(pattern, value):
        _fail(failures, shape, value, path, "Member must satisfy regular expression pattern: %s" % pattern)


def _check_integer(shape, value, path, failures):
    if isinstance(value, bool) or not isinstance(value, int):
        _fail(failures, shape, value, path, "Member must be an integer")
        return
    _check_range(shape, value, path, failures)


def _check_float(shape, value, path, failures):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        _fail(failures, shape, value, path, "Member must be a number")
        return
    _check_range(shape, value, path, failures)


def _check_boolean(shape, value, path, failures):
    if not isinstance(value, bool):
        _fail(failures, shape, value, path, "Member must be a boolean")


def _check_timestamp(shape, value, path, failures):
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        _fail(failures, shape, value, path, "Member must be a timestamp")


def _check_blob(shape, value, path, failures):
    if not isinstance(value, str):
        _fail(failures, shape, value, path, "Member must be a base64-encoded string")


def _check_length(shape, value, path, failures):
    low, high = shape.metadata.get("min"), shape.metadata.get("max")
    if low is not None and len(value) < low:
        _fail(failures, shape, value, path, "Member must have length greater than or equal to %s" % low)
    if high is not None and len(value) > high:
        _fail(failures, shape, value, path, "Member must have length less than or equal to %s" % high)


def _check_range(shape, value, path, failures):
    low, high = shape.metadata.get("min"), shape.metadata.get("max")
    if low is not None and value < low:
        _fail(failures, shape, value, path, "Member must have value greater than or equal to %s" % low)
    if high is not None and value > high:
        _fail(failures, shape, value, path, "Member must have value less than or equal to %s" % high)


_CHECKERS = {
    "structure": _check_structure,
    "list": _check_list,
    "map": _check_map,
    "string": _check_string,
    "integer": _check_integer,
    "long": _check_integer,
    "float": _check_float,
    "double": _check_float,
    "boolean": _check_boolean,
    "timestamp": _check_timestamp,
    "blob": _check_blob,
}
