# -*- coding: utf-8 -*-
# Copyright (c) multicloud.listeners contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure logic for the listeners of one NLB load balancer handled as a set (``nlb_load_balancer_listeners``).

No SDK import.  The cloud-neutral parts (purge guard, write order, undeclared listeners, the
partial-failure report) are ``_listener_set``; the attribute rules are ``_nlb_state``'s.  Here:

- ``entry_argument_spec`` / ``validate_entries``: the declared entries, checked before any call
  (ports, ranges, duplicates, port-class conflicts, the attribute rules per protocol).
- ``plan_set``: entries matched to the load balancer's listeners by protocol and port (or port
  range), the steps (create / update / delete / none, then one delete per purged listener), the
  rules that need the current listener, the predicted conflicts and quota, and the writes split
  into batches that can be sent together and whose jobs are then awaited together.
- ``build_create_request`` / ``build_delete_request`` / ``write_token``: the requests and their
  ClientTokens.

Port classes (NLB listener overview): TCP and TCPSSL listeners share one port space on a load
balancer, UDP has its own; a port-range listener (``ListenerPort: 0``, ``StartPort``..``EndPort``)
occupies every port of its range.  Default quota: 50 listeners per load balancer (NLB quotas page).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.multicloud.listeners.plugins.module_utils._common import derive_token
from ansible_collections.multicloud.listeners.plugins.module_utils._common import field_changes
from ansible_collections.multicloud.listeners.plugins.module_utils._common import plan_record
from ansible_collections.multicloud.listeners.plugins.module_utils._listener_set import UNDECLARED
from ansible_collections.multicloud.listeners.plugins.module_utils._listener_set import order_writes
from ansible_collections.multicloud.listeners.plugins.module_utils._nlb_state import ALPN_POLICIES
from ansible_collections.multicloud.listeners.plugins.module_utils._nlb_state import API_FIELD
from ansible_collections.multicloud.listeners.plugins.module_utils._nlb_state import LISTENER_PROTOCOLS
from ansible_collections.multicloud.listeners.plugins.module_utils._nlb_state import PPV2_FIELDS
from ansible_collections.multicloud.listeners.plugins.module_utils._nlb_state import PPV2_KEYS
from ansible_collections.multicloud.listeners.plugins.module_utils._nlb_state import compute_changes
from ansible_collections.multicloud.listeners.plugins.module_utils._nlb_state import desired_attributes
from ansible_collections.multicloud.listeners.plugins.module_utils._nlb_state import listener_attributes
from ansible_collections.multicloud.listeners.plugins.module_utils._nlb_state import plan_changes
from ansible_collections.multicloud.listeners.plugins.module_utils._nlb_state import predict_listener
from ansible_collections.multicloud.listeners.plugins.module_utils._nlb_state import validate_desired
from ansible_collections.multicloud.listeners.plugins.module_utils._nlb_state import validate_for_listener

PLAN_RESOURCE = "nlb_listener"
LISTENER_QUOTA = 50  # listeners per load balancer (default quota, NLB quotas page)
MAX_IN_FLIGHT = 10  # writes sent before their jobs are awaited together
PORT_MIN = 1
PORT_MAX = 65535
PORT_CLASS = {"TCP": "TCP/TCPSSL", "TCPSSL": "TCP/TCPSSL", "UDP": "UDP"}
CLIENT_TOKEN_PREFIX_MAX = 31  # a prefix, "-", 32 hex characters: the API's 64 at most
STOPPED_STATUS = "Stopped"
# What the service holds for an attribute a create does not send (CreateListener request documentation).
CREATE_DEFAULTS = {
    "listener_description": None,
    "security_policy_id": None,
    "certificate_ids": [],
    "ca_certificate_ids": [],
    "ca_enabled": False,
    "proxy_protocol_enabled": False,
    "proxy_protocol_v2_config": dict((key, False) for key in PPV2_KEYS),
    "sec_sensor_enabled": False,
    "alpn_enabled": False,
    "alpn_policy": None,
    "cps": 0,
    "mss": 0,
}
# The create defaults that depend on the protocol (CreateListener request documentation): IdleTimeout "Default value:
# 900" for TCP and TCPSSL, "20" for UDP; SecurityPolicyId "tls_cipher_policy_1_0 (default)", TCPSSL only. A protocol
# missing from an attribute's table has no value for it (None).
CREATE_DEFAULTS_BY_PROTOCOL = {
    "idle_timeout": {"TCP": 900, "TCPSSL": 900, "UDP": 20},
    "security_policy_id": {"TCPSSL": "tls_cipher_policy_1_0"},
}
# Not the service's codes (those come with a refused DryRun or write): the reason a set is refused before any write.
CONFLICT_CODE = "Conflict.Port"
QUOTA_CODE = "QuotaExceeded.QuotaInsufficient"


class ListenerSetInputError(ValueError):
    """The declared entries cannot be applied; the message names each entry and what is allowed."""


class ListenerSetRejected(ValueError):
    """The service would refuse the set (``code``); ``step`` is the step it would refuse."""

    def __init__(self, code, message, step):
        super(ListenerSetRejected, self).__init__(message)
        self.code = code
        self.step = step


def attribute_argument_spec():
    """The attribute options of an entry: those of ``nlb_listener_attribute``, with the same names."""
    return dict(
        listener_description=dict(type="str"),
        server_group_id=dict(type="str"),
        security_policy_id=dict(type="str"),
        certificate_ids=dict(type="list", elements="str"),
        ca_certificate_ids=dict(type="list", elements="str"),
        ca_enabled=dict(type="bool"),
        idle_timeout=dict(type="int"),
        proxy_protocol_enabled=dict(type="bool"),
        proxy_protocol_v2_config=dict(type="dict", options=dict((key, dict(type="bool")) for key in PPV2_KEYS)),
        sec_sensor_enabled=dict(type="bool"),
        alpn_enabled=dict(type="bool"),
        alpn_policy=dict(type="str", choices=list(ALPN_POLICIES)),
        cps=dict(type="int"),
        mss=dict(type="int"),
    )


def entry_argument_spec():
    """The suboptions of ``listeners``."""
    spec = dict(
        listener_protocol=dict(type="str", choices=list(LISTENER_PROTOCOLS), required=True),
        listener_port=dict(type="int", required=True),
        start_port=dict(type="int"),
        end_port=dict(type="int"),
        state=dict(type="str", choices=["present", "absent"], default="present"),
    )
    spec.update(attribute_argument_spec())
    return spec


# --- ports ------------------------------------------------------------------------------------------------


def port_span(item):
    """``(first, last)`` port of a listener or entry (its range for ``listener_port: 0``)."""
    if item["listener_port"] == 0:
        return item["start_port"], item["end_port"]
    return item["listener_port"], item["listener_port"]


def natural_key(item):
    """Protocol and port, or protocol and range: what names a listener on its load balancer."""
    first, last = port_span(item)
    if item["listener_port"] == 0:
        return (item["listener_protocol"], 0, first, last)
    return (item["listener_protocol"], first, None, None)


def label(item):
    """``TCP:80`` or ``TCP:10000-10010`` for messages."""
    first, last = port_span(item)
    ports = "%s" % first if item["listener_port"] != 0 else "%s-%s" % (first, last)
    return "%s:%s" % (item["listener_protocol"], ports)


def conflict(one, other):
    """True when two listeners cannot both exist: same port class and a shared port."""
    if PORT_CLASS.get(one["listener_protocol"]) != PORT_CLASS.get(other["listener_protocol"]):
        return False
    first, last = port_span(one)
    other_first, other_last = port_span(other)
    if None in (first, last, other_first, other_last):
        return False
    return first <= other_last and other_first <= last


def entry_name(entry, option="listeners"):
    return "%s[%d] (%s)" % (option, entry["index"], label(entry))


# --- the declared entries -------------------------------------------------------------------------------


def _port_errors(name, entry):
    errors = []
    port, start, end = entry.get("listener_port"), entry.get("start_port"), entry.get("end_port")

    def bad(value):
        return isinstance(value, bool) or not isinstance(value, int) or not PORT_MIN <= value <= PORT_MAX

    if port == 0:
        if start is None or end is None:
            errors.append("%s: listener_port 0 declares a port range and needs start_port and end_port; allowed: both, "
                          "%d-%d, start_port below end_port." % (name, PORT_MIN, PORT_MAX))
        else:
            for key, value in (("start_port", start), ("end_port", end)):
                if bad(value):
                    errors.append("%s.%s: %r is not a port; allowed: an integer from %d to %d." % (name, key, value, PORT_MIN, PORT_MAX))
            if not bad(start) and not bad(end) and start >= end:
                errors.append("%s: start_port %d is not below end_port %d; allowed: a range whose last port is greater than "
                              "its first (the API's rule)." % (name, start, end))
    elif bad(port):
        errors.append("%s.listener_port: %r is not a port; allowed: an integer from %d to %d, or 0 with start_port and end_port."
                      % (name, port, PORT_MIN, PORT_MAX))
    elif start is not None or end is not None:
        errors.append("%s: start_port and end_port go only with listener_port 0 (a port-range listener); listener_port is %d."
                      % (name, port))
    return errors


def validate_entries(entries, option="listeners"):
    """Normalize the declared entries; raise ListenerSetInputError with every problem found.

    Each entry comes back as ``{"index", "listener_protocol", "listener_port", "start_port",
    "end_port", "state", "desired"}`` (``desired``: ``_nlb_state.desired_attributes``).  Checked:
    ports (1-65535, 0 only with a range, range bounds), the attribute rules of
    ``nlb_listener_attribute`` for the entry's protocol, each listener declared once, and no two
    present entries that would share a port of one port class.
    """
    normalized = []
    errors = []
    for index, entry in enumerate(entries or []):
        name = "%s[%d]" % (option, index)
        protocol = entry.get("listener_protocol")
        if protocol not in LISTENER_PROTOCOLS:
            errors.append("%s.listener_protocol: %r; allowed: %s." % (name, protocol, ", ".join(LISTENER_PROTOCOLS)))
            continue
        port_errors = _port_errors(name, entry)
        errors.extend(port_errors)
        if port_errors:
            continue
        item = {
            "index": index,
            "listener_protocol": protocol,
            "listener_port": entry["listener_port"],
            "start_port": entry.get("start_port") if entry["listener_port"] == 0 else None,
            "end_port": entry.get("end_port") if entry["listener_port"] == 0 else None,
            "state": entry.get("state") or "present",
            "desired": desired_attributes(entry),
        }
        errors.extend("%s: %s" % (entry_name(item, option), error) for error in validate_desired(item["desired"], protocol))
        normalized.append(item)
    for position, later in enumerate(normalized):
        for earlier in normalized[:position]:
            if natural_key(earlier) == natural_key(later):
                errors.append("%s is already declared by %s[%d]; allowed: each listener declared once."
                              % (entry_name(later, option), option, earlier["index"]))
            elif earlier["state"] == later["state"] == "present" and conflict(earlier, later):
                errors.append("%s shares a port with %s; allowed: ports no other present entry of the %s port class "
                              "declares (TCP and TCPSSL listeners share one port space, UDP has its own)."
                              % (entry_name(later, option), entry_name(earlier, option), PORT_CLASS[later["listener_protocol"]]))
    if errors:
        raise ListenerSetInputError(" ".join(errors))
    return normalized


def validate_client_token_prefix(prefix):
    """The refusal for a ``client_token`` prefix, or None."""
    if prefix is None:
        return None
    if not prefix or len(prefix) > CLIENT_TOKEN_PREFIX_MAX or not all(32 < ord(char) < 127 for char in prefix):
        return ("client_token: %r; allowed: a prefix of 1 to %d printable ASCII characters without spaces (each write's "
                "token is the prefix, '-' and 32 characters derived from the write)" % (prefix, CLIENT_TOKEN_PREFIX_MAX))
    return None


# --- steps ------------------------------------------------------------------------------------------------


def _predicted_create(entry, load_balancer_id, region_id=None):
    """The listener a create makes, as the modules return listeners (ID unknown until the answer)."""
    listener = {
        "listener_id": None,
        "load_balancer_id": load_balancer_id,
        "listener_protocol": entry["listener_protocol"],
        "listener_port": entry["listener_port"],
        "listener_status": "Running",
        "start_port": entry["start_port"] if entry["listener_port"] == 0 else 0,
        "end_port": entry["end_port"] if entry["listener_port"] == 0 else 0,
        "region_id": region_id,
        "server_group_id": None,
        "tags": {},
    }
    listener.update((name, value) for name, value in CREATE_DEFAULTS.items())
    listener.update((name, values.get(entry["listener_protocol"])) for name, values in CREATE_DEFAULTS_BY_PROTOCOL.items())
    if entry["listener_protocol"] == "UDP":
        listener["mss"] = None
    for name, value in entry["desired"].items():
        if name == "proxy_protocol_v2_config":
            merged = dict(listener[name])
            merged.update(value)
            value = merged
        listener[name] = list(value) if isinstance(value, list) else value
    return listener


def _create_errors(entry, option="listeners"):
    """Rules of a create that the entry alone decides, checked once the read says it is a create."""
    errors = []
    desired = entry["desired"]
    name = entry_name(entry, option)
    if not desired.get("server_group_id"):
        errors.append("%s: server_group_id is required to create the listener (the load balancer has no %s listener)."
                      % (name, label(entry)))
    if entry["listener_protocol"] == "TCPSSL" and not desired.get("certificate_ids"):
        # CreateListener: a TCPSSL listener needs its server certificate (MissingParam.Certificate)
        errors.append("%s: certificate_ids is required to create a TCPSSL listener (its server certificate)." % name)
    if desired.get("alpn_enabled") is True and not desired.get("alpn_policy"):
        errors.append("%s: alpn_policy is required to create a listener with alpn_enabled=true; use one of %s."
                      % (name, ", ".join(ALPN_POLICIES)))
    return errors


def _step(action, entry, current, after, changes=None):
    return {"action": action, "entry": entry, "current": current, "after": after, "changes": changes or {},
            "dependent": False, "blocked_by": []}


def step_record(step, load_balancer_id):
    """The ``plan`` record of a step."""
    shown = step["after"] if step["action"] != "delete" and step["after"] is not None else step["current"]
    if shown is None:
        shown = dict(step["entry"], load_balancer_id=load_balancer_id)
    key = {"load_balancer_id": shown.get("load_balancer_id") or load_balancer_id, "protocol": shown["listener_protocol"],
           "port": shown["listener_port"]}
    if shown["listener_port"] == 0:
        key["start_port"], key["end_port"] = port_span(shown)
    if step["action"] == "create":
        changes = field_changes({}, listener_attributes(step["after"]), keys=sorted(step["entry"]["desired"]))
    elif step["action"] == "update":
        changes = plan_changes(step["current"], step["changes"])
    else:
        changes = {}
    identity = (step["current"] or {}).get("listener_id") or (step["after"] or {}).get("listener_id")
    record = plan_record(PLAN_RESOURCE, step["action"], identity, key, changes)
    if step["current"] is not None and step["current"].get("listener_status") == STOPPED_STATUS and step["action"] != "delete":
        record["listener_status"] = STOPPED_STATUS
    return record


def undeclared_records(listeners, load_balancer_id):
    """One ``plan`` record per listener kept undeclared (``_listener_set.undeclared``), action ``undeclared``.

    The fields of a ``none`` record (resource, id, key, ``listener_status`` when stopped) and no changes.
    """
    return [step_record(_step(UNDECLARED, None, item, None), load_balancer_id) for item in listeners]


def sorted_listeners(listeners):
    """Listeners in a stable order for results and diffs: first port, protocol, ID."""
    return sorted(listeners, key=lambda item: (port_span(item)[0] or 0, item["listener_protocol"], item.get("listener_id") or ""))


def plan_set(listeners, entries, load_balancer_id, purge=False, quota=LISTENER_QUOTA, in_flight=MAX_IN_FLIGHT,
             region_id=None, option="listeners"):
    """What converging ``listeners`` (the load balancer's, normalized) to ``entries`` takes.

    Returns ``(steps, batches, after)``: ``steps``, one per entry in their order (``none`` when in
    sync), then one delete per purged listener; ``batches``, the writes in the order to send them
    (``_listener_set.order_writes``: deletes, updates, creates) cut into lists of at most
    ``in_flight``, each sent whole before its jobs are awaited; ``after``, the listeners once
    applied.  A create that needs a port or a quota place a delete of the set frees waits for a
    later batch (the deleted listener holds both until its job ends): its step says
    ``dependent`` and names the listeners in ``blocked_by``.

    Raises ListenerSetInputError (rules that need the current listener, the server group of a
    create) or ListenerSetRejected (a create that would share a port with a kept listener, or
    more listeners than ``quota``).
    """
    by_key = {}
    for item in listeners:
        by_key.setdefault(natural_key(item), item)
    steps = []
    errors = []
    claimed = set()
    for entry in entries:
        current = by_key.get(natural_key(entry))
        if current is not None:
            claimed.add(current["listener_id"])
        if entry["state"] == "absent":
            steps.append(_step("delete" if current is not None else "none", entry, current, None))
            continue
        if current is None:
            errors.extend(_create_errors(entry, option))
            steps.append(_step("create", entry, None, _predicted_create(entry, load_balancer_id, region_id)))
            continue
        errors.extend("%s: %s" % (entry_name(entry, option), error) for error in validate_for_listener(entry["desired"], current))
        changes = compute_changes(current, entry["desired"])
        steps.append(_step("update" if changes else "none", entry, current, predict_listener(current, changes), changes))
    if errors:
        raise ListenerSetInputError(" ".join(errors))
    if purge:
        steps.extend(_step("delete", None, item, None) for item in listeners if item["listener_id"] not in claimed)
    deleted = [step["current"] for step in steps if step["action"] == "delete"]
    deleted_ids = set(item["listener_id"] for item in deleted)
    replaced = dict((step["current"]["listener_id"], step["after"]) for step in steps
                    if step["current"] is not None and step["action"] in ("update", "none"))
    after = [replaced.get(item["listener_id"], item) for item in listeners if item["listener_id"] not in deleted_ids]
    creates = [step for step in steps if step["action"] == "create"]
    for step in creates:
        for item in after:
            if conflict(step["after"], item):
                raise ListenerSetRejected(CONFLICT_CODE, (
                    "%s would share a port with listener %s (%s), which the task keeps; the service would refuse the create. "
                    "Allowed: ports no other listener of the %s port class holds (declare %s with state: absent, or "
                    "set purge: true without declaring it)"
                    % (entry_name(step["entry"], option), item["listener_id"], label(item), PORT_CLASS[item["listener_protocol"]],
                       label(item))), step)
    total = len(after) + len(creates)
    if creates and total > quota:
        raise ListenerSetRejected(QUOTA_CODE, (
            "%s: load balancer %s would have %d listeners; the service would refuse the creates beyond its quota of %d. "
            "Allowed: at most %d listeners per load balancer (declare fewer, or delete some with state: absent or purge)"
            % (option, load_balancer_id, total, quota, quota)), creates[0])
    # A delete frees its port and its quota place only when its job has ended: a create that needs
    # either waits for a batch after the one holding the delete.
    free_places = quota - len(listeners)
    for step in creates:
        blockers = [item for item in deleted if conflict(step["after"], item)]
        if blockers or free_places <= 0:
            step["dependent"] = True
            step["blocked_by"] = [item["listener_id"] for item in blockers]
        else:
            free_places -= 1
    writes = order_writes(steps)
    first = [step for step in writes if not step["dependent"]]
    second = [step for step in writes if step["dependent"]]
    batches = [first[start:start + in_flight] for start in range(0, len(first), in_flight)]
    batches.extend(second[start:start + in_flight] for start in range(0, len(second), in_flight))
    after = after + [step["after"] for step in creates]
    return steps, batches, sorted_listeners(after)


# --- requests and tokens -----------------------------------------------------------------------------------


def write_token(operation, identity, request, decided_at, prefix=None, dry_run=False):
    """The ClientToken of one write of a task.

    Derived from the operation, the resource (``identity``: the listener ID, or the load balancer
    and natural key of a create), the request's fields (without ClientToken / DryRun) and the
    moment the task decided to write (``decided_at``, epoch seconds, taken once per task): every
    retry of the write inside the task sends the same token, so a write whose answer was lost is
    never applied twice; a later task reads first and finds what this one made.  The moment keeps
    two tasks apart (a listener deleted and declared again is created again).  A DryRun has its own
    token, so the service never takes the real write for a replay of the preview.
    """
    data = {"identity": identity, "request": dict((key, value) for key, value in request.items() if key not in ("ClientToken", "DryRun")),
            "decided_at": "%.6f" % decided_at}
    if dry_run:
        data["dry_run"] = True
    token = derive_token("nlb:%s" % operation, data)
    return "%s-%s" % (prefix, token) if prefix else token


def _api_value(name, value):
    if name == "proxy_protocol_v2_config":
        return dict((field, value[key]) for key, field in PPV2_FIELDS if key in value)
    return list(value) if isinstance(value, list) else value


def build_create_request(load_balancer_id, entry, region_id=None):
    """The CreateListener request (API field names, without ClientToken) for a present entry."""
    request = {"LoadBalancerId": load_balancer_id, "ListenerProtocol": entry["listener_protocol"],
               "ListenerPort": entry["listener_port"]}
    if entry["listener_port"] == 0:
        request["StartPort"], request["EndPort"] = entry["start_port"], entry["end_port"]
    if region_id:
        request["RegionId"] = region_id
    for name, value in entry["desired"].items():
        if isinstance(value, list) and not value:
            continue  # nothing to send; the listener starts without
        request[API_FIELD[name]] = _api_value(name, value)
    return request


def build_delete_request(listener_id, region_id=None):
    """The DeleteListener request (without ClientToken)."""
    request = {"ListenerId": listener_id}
    if region_id:
        request["RegionId"] = region_id
    return request
