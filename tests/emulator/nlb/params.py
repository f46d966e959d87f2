# -*- coding: utf-8 -*-
# Copyright (c) multicloud.listeners contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Decode RPC-style parameters as the NLB SDK sends them.

Reads carry their parameters in the query string, writes in an
``application/x-www-form-urlencoded`` body.  Lists and objects travel flat
(``CertificateIds.1=...``, ``Tag.1.Key=...``), booleans as ``True``/``False`` and
``ProxyProtocolV2Config`` as a JSON string.  ``collect`` merges and URL-decodes both
sources, ``unflatten`` rebuilds lists and objects, and ``coerce`` checks each
parameter against the action's declared type.
"""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qsl

from . import errors

STRING = "string"
INTEGER = "integer"
BOOLEAN = "boolean"
STRING_LIST = "string_list"
TAG_LIST = "tag_list"
PPV2_JSON = "ppv2_json"

PPV2_KEYS = ("Ppv2VpcIdEnabled", "Ppv2PrivateLinkEpIdEnabled", "Ppv2PrivateLinkEpsIdEnabled")

_INTEGER_TEXT = re.compile(r"^[+-]?[0-9]+$")
_FORM = "application/x-www-form-urlencoded"


def collect(request):
    """Query-string and form-body parameters of a request: flat (``Tag.1.Key``) and URL-decoded."""
    flat = dict(parse_qsl(request.query_string, keep_blank_values=True))
    content_type = request.headers.get("content-type", "")
    if request.body and content_type.split(";")[0].strip().lower() == _FORM:
        flat.update(parse_qsl(request.body.decode("utf-8", errors="replace"), keep_blank_values=True))
    return flat


def unflatten(flat):
    """Rebuild lists and objects: ``{"A.1": x, "T.1.Key": k}`` becomes ``{"A": [x], "T": [{"Key": k}]}``."""
    tree = {}
    for key, value in flat.items():
        _insert(tree, key.split("."), value)
    return {str(key): _listify(value) for key, value in tree.items()}


def _insert(node, parts, value):
    head = _segment(parts[0])
    if len(parts) == 1:
        node[head] = value
        return
    child = node.get(head)
    if not isinstance(child, dict):
        child = node[head] = {}
    _insert(child, parts[1:], value)


def _segment(text):
    return int(text) if text.isdigit() else text


def _listify(node):
    """Dicts keyed only by list indexes become lists, in index order."""
    if not isinstance(node, dict):
        return node
    items = {key: _listify(value) for key, value in node.items()}
    if all(isinstance(key, int) for key in items):
        return [items[key] for key in sorted(items)]
    return {str(key): value for key, value in items.items()}


def coerce(params, spec):
    """Return ``params`` with each declared parameter converted to its type; unknown ones stay as sent."""
    typed = {}
    for name, value in params.items():
        kind = spec.get(name)
        typed[name] = value if kind is None else _CONVERTERS[kind](name, value)
    return typed


def _to_string(name, value):
    if not isinstance(value, str):
        raise errors.invalid_parameter(name)
    return value


def _to_integer(name, value):
    if not isinstance(value, str) or not _INTEGER_TEXT.match(value.strip()):
        raise errors.invalid_parameter(name)
    return int(value)


def _to_boolean(name, value):
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise errors.invalid_parameter(name)


def _to_string_list(name, value):
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise errors.invalid_parameter(name)
    return list(value)


def _to_tag_list(name, value):
    if not isinstance(value, list):
        raise errors.invalid_parameter(name)
    tags = []
    for item in value:
        if not isinstance(item, dict) or set(item) - {"Key", "Value"}:
            raise errors.invalid_parameter(name)
        if not all(isinstance(text, str) for text in item.values()):
            raise errors.invalid_parameter(name)
        tags.append(dict(item))
    return tags


def _to_ppv2(name, value):
    """``ProxyProtocolV2Config`` arrives as a JSON object of booleans; unknown keys are rejected."""
    if not isinstance(value, str):
        raise errors.invalid_parameter(name)
    try:
        config = json.loads(value)
    except ValueError:
        raise errors.invalid_parameter(name) from None
    if not isinstance(config, dict) or set(config) - set(PPV2_KEYS):
        raise errors.invalid_parameter(name)
    if not all(isinstance(flag, bool) for flag in config.values()):
        raise errors.invalid_parameter(name)
    return config


_CONVERTERS = {
    STRING: _to_string,
    INTEGER: _to_integer,
    BOOLEAN: _to_boolean,
    STRING_LIST: _to_string_list,
    TAG_LIST: _to_tag_list,
    PPV2_JSON: _to_ppv2,
}
