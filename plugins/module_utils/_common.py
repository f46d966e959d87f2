# -*- coding: utf-8 -*-
# Copyright (c) multicloud.listeners contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure helpers shared by every module of the collection (no SDK imports).

- ``derive_token``: deterministic idempotency / client tokens.
- ``field_changes``: the fields that differ between two normalized states.
- ``is_loopback_host`` / ``plain_http_problem``: the rule for ``http://`` endpoints.
- ``plan_record``: the structured account of what a task did or would do, which
  every module returns as ``plan`` and the ``multicloud.listeners.plan`` callback
  collects into one summary.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import ipaddress
import json

from urllib.parse import urlsplit

PLAN_ACTIONS = ("create", "update", "delete", "none")


def derive_token(namespace, data, length=32):
    """Return a stable token for ``data`` (any JSON-able value) in ``namespace``.

    The same request always yields the same token, so a write retried after a
    timeout is recognised by the service instead of being applied twice.
    """
    canonical = json.dumps([namespace, data], sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:length]


def field_changes(before, after, keys=None):
    """Return ``{key: {"before": b, "after": a}}`` for the keys whose values differ.

    ``keys`` limits the comparison (default: every key of either side).  Values are
    compared as given: normalize both sides first (sorted lists, same types).
    """
    before = before or {}
    after = after or {}
    if keys is None:
        keys = sorted(set(before) | set(after))
    changes = {}
    for key in keys:
        if before.get(key) != after.get(key):
            changes[key] = {"before": before.get(key), "after": after.get(key)}
    return changes


def describe_changes(changes):
    """``field_changes`` output as text for messages: ``cps: 0 -> 100, server_group_id: 'a' -> 'b'``."""
    return ", ".join("%s: %r -> %r" % (key, change["before"], change["after"]) for key, change in sorted(changes.items()))


def plan_record(resource, action, identity, key, changes=None):
    """Build the ``plan`` return value of a task.

    :arg resource: what kind of thing, e.g. ``ga_listener``.
    :arg action: one of ``PLAN_ACTIONS``.
    :arg identity: the ARN or ID of the resource (``None`` for a create not yet made).
    :arg key: the natural key, e.g. ``{"accelerator_arn": ..., "protocol": ..., "port_ranges": ...}``.
    :arg changes: the output of ``field_changes`` (only what differs).
    """
    if action not in PLAN_ACTIONS:
        raise ValueError("unknown plan action %r" % (action,))
    return {
        "resource": resource,
        "action": action,
        "id": identity,
        "key": key,
        "changes": changes or {},
    }


def is_loopback_host(host):
    """True for ``localhost``, 127.0.0.0/8 and ``::1``."""
    host = (host or "").strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(u"%s" % host).is_loopback
    except ValueError:
        return False


def plain_http_problem(endpoint_url, allow_http):
    """The rule for plain-HTTP endpoints: allowed for loopback hosts, elsewhere only with an opt-in.

    Returns ``(error, warning)``: an error text when ``endpoint_url`` is ``http://`` to a
    non-loopback host without ``allow_http``, a warning text when it is allowed by the
    opt-in, otherwise ``(None, None)``.
    """
    if not endpoint_url or not endpoint_url.strip().lower().startswith("http://"):
        return None, None
    host = urlsplit(endpoint_url.strip()).hostname
    if is_loopback_host(host):
        return None, None
    if not allow_http:
        return ("endpoint_url %r uses plain HTTP, which is allowed only for loopback hosts (127.0.0.0/8, localhost, ::1); "
                "use https:// or set allow_http_endpoint=true." % (endpoint_url,)), None
    return None, ("endpoint_url %s uses plain HTTP to a non-loopback host: requests and answers travel unencrypted."
                  % (endpoint_url,))
