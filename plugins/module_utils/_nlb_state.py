# -*- coding: utf-8 -*-
# Copyright (c) multicloud.listeners contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure logic for Alibaba Cloud NLB listener attributes (no SDK import).

The NLB API (2022-04-30) speaks PascalCase (``ListenerDescription``,
``ProxyProtocolV2Config.Ppv2VpcIdEnabled``); modules speak snake_case.  This
module converts between the two and holds everything that needs no network:

- ``normalize_listener``: a GetListenerAttribute body or a ListListeners entry
  (the SDK's ``to_map()`` form) -> the listener dict the modules return.
- ``desired_attributes`` / ``validate_desired`` / ``validate_for_listener``:
  the user's options, checked before any call and again once the listener is known.
- ``compute_changes`` / ``predict_listener``: what differs and what the listener
  will look like once the change is applied.
- ``build_update_request``: the UpdateListenerAttribute request for those changes.
- ``derive_client_token``: the ClientToken of that request, stable across retries.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import re

from ansible_collections.multicloud.listeners.plugins.module_utils._bounds import NLB_WAIT_TIMEOUT_MAX
from ansible_collections.multicloud.listeners.plugins.module_utils._bounds import check_wait_timeout
from ansible_collections.multicloud.listeners.plugins.module_utils._common import derive_token
from ansible_collections.multicloud.listeners.plugins.module_utils._common import field_changes

LISTENER_PROTOCOLS = ("TCP", "UDP", "TCPSSL")
ALPN_POLICIES = ("HTTP1Only", "HTTP2Only", "HTTP2Optional", "HTTP2Preferred")
RUNNING_STATUS = "Running"

# snake_case option / return key -> API field name, in the order of the documentation.
ATTRIBUTE_FIELDS = (
    ("listener_description", "ListenerDescription"),
    ("server_group_id", "ServerGroupId"),
    ("security_policy_id", "SecurityPolicyId"),
    ("certificate_ids", "CertificateIds"),
    ("ca_certificate_ids", "CaCertificateIds"),
    ("ca_enabled", "CaEnabled"),
    ("idle_timeout", "IdleTimeout"),
    ("proxy_protocol_enabled", "ProxyProtocolEnabled"),
    ("proxy_protocol_v2_config", "ProxyProtocolV2Config"),
    ("sec_sensor_enabled", "SecSensorEnabled"),
    ("alpn_enabled", "AlpnEnabled"),
    ("alpn_policy", "AlpnPolicy"),
    ("cps", "Cps"),
    ("mss", "Mss"),
)
ATTRIBUTES = tuple(name for name, dummy in ATTRIBUTE_FIELDS)
API_FIELD = dict(ATTRIBUTE_FIELDS)

PPV2_FIELDS = (
    ("ppv2_vpc_id_enabled", "Ppv2VpcIdEnabled"),
    ("ppv2_private_link_ep_id_enabled", "Ppv2PrivateLinkEpIdEnabled"),
    ("ppv2_private_link_eps_id_enabled", "Ppv2PrivateLinkEpsIdEnabled"),
)
PPV2_KEYS = tuple(name for name, dummy in PPV2_FIELDS)

IDENTITY_FIELDS = (
    ("listener_id", "ListenerId"),
    ("load_balancer_id", "LoadBalancerId"),
    ("listener_protocol", "ListenerProtocol"),
    ("listener_port", "ListenerPort"),
    ("listener_status", "ListenerStatus"),
    ("start_port", "StartPort"),
    ("end_port", "EndPort"),
    ("region_id", "RegionId"),
)

ID_LIST_ATTRIBUTES = ("certificate_ids", "ca_certificate_ids")
BOOLEAN_ATTRIBUTES = ("ca_enabled", "proxy_protocol_enabled", "sec_sensor_enabled", "alpn_enabled")
INTEGER_ATTRIBUTES = ("idle_timeout", "cps", "mss")
TCPSSL_ONLY_ATTRIBUTES = (
    "security_policy_id", "certificate_ids", "ca_certificate_ids", "ca_enabled", "alpn_enabled", "alpn_policy",
)
# Mss: "supported only by TCP listeners and listeners that use SSL over TCP" (SDK 4.1.3,
# UpdateListenerAttributeRequest.mss; the current API reference says the same).
MSS_PROTOCOLS = ("TCP", "TCPSSL")

# ListenerDescription: 2-256 characters of letters, digits and , . ; / @ _ - (API reference, en); the zh
# reference names Chinese and English letters.  An explicit class, not \w, which lets through every Unicode
# letter and digit (accented Latin, Cyrillic, kana, full-width digits) that the service refuses.  Chinese characters
# are the CJK Unified Ideographs block U+4E00-U+9FFF; the rare extension A (U+3400-U+4DBF) is left out, as
# the emulator leaves it out, because no document says the service takes it.  fullmatch: a trailing
# newline is refused too (re.match with $ would accept "web\n").
DESCRIPTION_LENGTH = (2, 256)
DESCRIPTION_PATTERN = re.compile(u"[A-Za-z0-9\u4e00-\u9fff,.;/@_-]{2,256}")
DESCRIPTION_ALLOWED = "ASCII letters, digits, Chinese characters (U+4E00-U+9FFF) and , . ; / @ _ -"
# IdleTimeout: documented 10-900 on TCP/TCPSSL, but the service takes more on accounts it allows (the
# alicloud Terraform provider dropped its 900 cap for this); values up to 3600 are left to the service
# (check mode's DryRun validates them).  UDP stays 10-20.
INTEGER_RANGES = {
    "cps": (0, 1000000),
    "mss": (0, 1500),
    "idle_timeout": (10, 3600),
}
UDP_IDLE_TIMEOUT = (10, 20)
EMPTYING_HINT = {
    "certificate_ids": "a TCPSSL listener needs one server certificate, give its replacement instead",
    "ca_certificate_ids": "use ca_enabled=false to stop mutual authentication",
}
PORT_RANGE = (0, 65535)
CLIENT_TOKEN_MAX_LENGTH = 64


# --- normalization -----------------------------------------------------------------


def _as_bool(value):
    """API booleans arrive as JSON booleans, or as "true"/"false" in some answers."""
    if value is None or isinstance(value, bool):
        return bool(value)
    return str(value).strip().lower() == "true"


def _as_int(value):
    if value is None or value == "":
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return value


def _as_id_list(value):
    """A sorted, de-duplicated list of IDs: order and repeats never count as a difference."""
    if value is None:
        return []
    if not isinstance(value, (list, tuple)):
        value = [value]
    return sorted(set(str(item) for item in value if item not in (None, "")))


def _as_ppv2_config(value):
    if isinstance(value, str):
        try:
            value = json.loads(value) if value.strip() else {}
        except ValueError:
            value = {}
    value = value or {}
    return dict((name, _as_bool(value.get(field))) for name, field in PPV2_FIELDS)


def _as_tags(value):
    """Tags as a dict; GetListenerAttribute says TagKey/TagValue, ListListeners Key/Value."""
    tags = {}
    for tag in value or []:
        if isinstance(tag, dict):
            key = tag.get("TagKey", tag.get("Key"))
            if key is not None:
                tags[key] = tag.get("TagValue", tag.get("Value"))
    return tags


def normalize_listener(body):
    """Return the snake_case listener dict for an API listener (PascalCase map).

    Absent toggles read as ``False`` and absent ID lists as ``[]`` (the service's
    defaults), so an option set to its default on a listener that omits it is no change.
    """
    body = body or {}
    listener = {}
    for name, field in IDENTITY_FIELDS:
        value = body.get(field)
        listener[name] = _as_int(value) if name in ("listener_port", "start_port", "end_port") else value
    for name, field in ATTRIBUTE_FIELDS:
        value = body.get(field)
        if name in ID_LIST_ATTRIBUTES:
            value = _as_id_list(value)
        elif name in BOOLEAN_ATTRIBUTES:
            value = _as_bool(value)
        elif name in INTEGER_ATTRIBUTES:
            value = _as_int(value)
        elif name == "proxy_protocol_v2_config":
            value = _as_ppv2_config(value)
        elif value == "":
            value = None
        listener[name] = value
    listener["tags"] = _as_tags(body.get("Tags"))
    return listener


def listener_attributes(listener):
    """The attribute part of a listener (what ``diff`` shows)."""
    return dict((name, listener.get(name)) for name in ATTRIBUTES)


def listener_key(listener):
    """The natural key of a listener, as recorded in ``plan``."""
    return {
        "load_balancer_id": listener.get("load_balancer_id"),
        "protocol": listener.get("listener_protocol"),
        "port": listener.get("listener_port"),
    }


# --- the user's options --------------------------------------------------------------


def desired_attributes(params):
    """The attributes the user set (``None`` means "leave as it is"), normalized."""
    desired = {}
    for name in ATTRIBUTES:
        value = params.get(name)
        if value is None:
            continue
        if name in ID_LIST_ATTRIBUTES:
            value = _as_id_list(value)
        elif name == "proxy_protocol_v2_config":
            value = dict((key, bool(value[key])) for key in PPV2_KEYS if value.get(key) is not None)
            if not value:
                continue
        desired[name] = value
    return desired


def _range_error(option, value, bounds, suffix=""):
    low, high = bounds
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        return "%s must be an integer from %d to %d%s, got %r." % (option, low, high, suffix, value)
    return None


def validate_identity(listener_protocol=None, listener_port=None, client_token=None, wait_timeout=None):
    """Check the options that identify the listener or steer the run; return error messages."""
    errors = []
    if listener_protocol is not None and listener_protocol not in LISTENER_PROTOCOLS:
        errors.append("listener_protocol must be one of %s, got %r." % (", ".join(LISTENER_PROTOCOLS), listener_protocol))
    if listener_port is not None:
        error = _range_error("listener_port", listener_port, PORT_RANGE)
        if error:
            errors.append(error)
    if client_token is not None:
        printable_ascii = all(32 < ord(char) < 127 for char in client_token)
        if not client_token or len(client_token) > CLIENT_TOKEN_MAX_LENGTH or not printable_ascii:
            errors.append(
                "client_token must be 1 to %d printable ASCII characters without spaces, got %r." % (CLIENT_TOKEN_MAX_LENGTH, client_token)
            )
    if wait_timeout is not None:
        error = check_wait_timeout(wait_timeout, NLB_WAIT_TIMEOUT_MAX)
        if error:
            errors.append(error)
    return errors


def validate_desired(desired, listener_protocol=None):
    """Check the desired attributes before any call; return a list of error messages.

    ``listener_protocol`` (when the user gave it as part of the natural key) lets the
    protocol-dependent checks run before the read as well.
    """
    errors = []
    description = desired.get("listener_description")
    if description is not None:
        low, high = DESCRIPTION_LENGTH
        if not low <= len(description) <= high or not DESCRIPTION_PATTERN.fullmatch(description):
            errors.append(
                "listener_description must be %d to %d characters of %s, got %r." % (low, high, DESCRIPTION_ALLOWED, description)
            )
    for name in ("cps", "mss", "idle_timeout"):
        if name in desired:
            error = _range_error(name, desired[name], INTEGER_RANGES[name], " seconds" if name == "idle_timeout" else "")
            if error:
                errors.append(error)
    for name in ID_LIST_ATTRIBUTES:
        if len(desired.get(name, [])) > 1:
            errors.append("%s accepts at most one ID, got %d: %s." % (name, len(desired[name]), ", ".join(desired[name])))
    policy = desired.get("alpn_policy")
    if policy is not None and policy not in ALPN_POLICIES:
        errors.append("alpn_policy must be one of %s, got %r." % (", ".join(ALPN_POLICIES), policy))
    if listener_protocol is not None:
        errors.extend(_protocol_errors(desired, listener_protocol, "listener_protocol is %s" % listener_protocol))
    return errors


def _protocol_errors(desired, protocol, context):
    errors = []
    if "idle_timeout" in desired and protocol == "UDP":
        error = _range_error("idle_timeout", desired["idle_timeout"], UDP_IDLE_TIMEOUT, " seconds on a UDP listener")
        if error:
            errors.append(error)
    if protocol != "TCPSSL":
        names = [name for name in TCPSSL_ONLY_ATTRIBUTES if name in desired]
        if names:
            errors.append("%s can only be set on TCPSSL listeners (%s)." % (", ".join(names), context))
    if "mss" in desired and protocol not in MSS_PROTOCOLS:
        errors.append("mss cannot be set to %r on a %s listener (%s); mss is allowed on %s listeners only."
                      % (desired["mss"], protocol, context, " and ".join(MSS_PROTOCOLS)))
    return errors


def validate_for_listener(desired, listener):
    """Checks that need the listener as the service holds it; return error messages."""
    protocol = listener.get("listener_protocol")
    context = "listener %s is %s" % (listener.get("listener_id"), protocol)
    errors = _protocol_errors(desired, protocol, context)
    for name in ID_LIST_ATTRIBUTES:
        if desired.get(name) == [] and listener.get(name):
            errors.append(
                "%s cannot be emptied: UpdateListenerAttribute has no way to send an empty list (listener %s has %s); %s."
                % (name, listener.get("listener_id"), ", ".join(listener[name]), EMPTYING_HINT[name])
            )
    enabling_alpn = desired.get("alpn_enabled") is True and not listener.get("alpn_enabled")
    if enabling_alpn and not desired.get("alpn_policy") and not listener.get("alpn_policy"):
        errors.append(
            "alpn_policy is required when enabling ALPN on listener %s, which has no ALPN policy; use one of %s."
            % (listener.get("listener_id"), ", ".join(ALPN_POLICIES))
        )
    return errors


# --- compare, predict, request ----------------------------------------------------------


def compute_changes(current, desired):
    """The attributes to send: ``{name: new value}`` for what differs, nothing else.

    ID lists compare as sets.  ``proxy_protocol_v2_config`` compares key by key (only
    the keys the user set); when one differs, the full config is sent, with the keys
    the user did not set kept as the listener has them.
    """
    changes = {}
    for name, value in desired.items():
        held = current.get(name)
        if name in ID_LIST_ATTRIBUTES:
            if set(_as_id_list(held)) != set(value):
                changes[name] = _as_id_list(value)
        elif name == "proxy_protocol_v2_config":
            held = _as_ppv2_config(dict((field, (held or {}).get(key)) for key, field in PPV2_FIELDS))
            if any(held[key] != value[key] for key in value):
                merged = dict(held)
                merged.update(value)
                changes[name] = merged
        elif held != value:
            changes[name] = value
    return changes


def predict_listener(current, changes):
    """The listener once ``changes`` are applied (what check mode returns)."""
    predicted = dict(current)
    for name, value in changes.items():
        predicted[name] = dict(value) if isinstance(value, dict) else (list(value) if isinstance(value, list) else value)
    return predicted


def plan_changes(current, changes):
    """``_common.field_changes`` over the changed attributes only."""
    return field_changes(listener_attributes(current), predict_listener(current, changes), keys=sorted(changes))


def build_update_request(listener_id, changes, client_token, region_id=None, dry_run=False):
    """The UpdateListenerAttribute request (API field names) that applies ``changes``."""
    request = {"ListenerId": listener_id, "ClientToken": client_token}
    if region_id:
        request["RegionId"] = region_id
    if dry_run:
        request["DryRun"] = True
    for name, value in changes.items():
        if name == "proxy_protocol_v2_config":
            value = dict((field, value[key]) for key, field in PPV2_FIELDS if key in value)
        elif isinstance(value, list):
            value = list(value)
        request[API_FIELD[name]] = value
    return request


def derive_client_token(listener_id, current, changes, dry_run=False, replaced_job=None):
    """A ClientToken derived from the listener and the change (before and after values).

    The same change from the same state always yields the same token, so a request
    retried after a lost answer is recognised by the service.  A DryRun gets its own
    token so the service never takes the real write for a replay of the preview.
    ``replaced_job`` salts the token when the service answered an earlier token with an
    old job (the same change made before, A -> B -> A -> B) and applied nothing.
    """
    data = {"listener_id": listener_id, "changes": plan_changes(current, changes)}
    if dry_run:
        data["dry_run"] = True
    if replaced_job:
        data["replaced_job"] = replaced_job
    return derive_token("nlb:UpdateListenerAttribute", data)
