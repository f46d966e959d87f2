# -*- coding: utf-8 -*-
# Copyright (c) multicloud.listeners contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Adoption: listeners as the info modules read them -> the variables of the collection's roles (no SDK import).

``ga_listener_info`` and ``nlb_listener_info`` return, with ``role_vars``, the variables of
``roles/ga_listeners`` and ``roles/nlb_listener_attributes`` that describe the listeners they read, so
that the first apply with them changes nothing:

- ``ga_role_vars``: ``ga_listeners_accelerator_name`` (or ``_arn``) and ``ga_listeners_listeners``;
- ``nlb_role_vars``: ``nlb_listener_attributes_listeners`` (load_balancer_id, listener_protocol,
  listener_port, start_port/end_port for a port range, attributes).

``non_default`` leaves out every attribute that holds its service default (``SERVICE_DEFAULTS``), ``all``
keeps every attribute the listener's protocol takes.  Either way an entry keeps what the set modules need
to create the listener again (``CREATE_KEYS``): a role variable that could not recreate the listener would
not describe it.  An attribute the service holds no value for (None) is left out in both modes: the roles
read a missing attribute as "leave it as it is", which is what the listener has.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.multicloud.listeners.plugins.module_utils._nlb_set import CREATE_DEFAULTS
from ansible_collections.multicloud.listeners.plugins.module_utils._nlb_set import CREATE_DEFAULTS_BY_PROTOCOL
from ansible_collections.multicloud.listeners.plugins.module_utils._nlb_set import ListenerSetInputError
from ansible_collections.multicloud.listeners.plugins.module_utils._nlb_set import validate_entries as validate_nlb_entries
from ansible_collections.multicloud.listeners.plugins.module_utils._nlb_state import ATTRIBUTES as NLB_ATTRIBUTES
from ansible_collections.multicloud.listeners.plugins.module_utils._nlb_state import ID_LIST_ATTRIBUTES
from ansible_collections.multicloud.listeners.plugins.module_utils._nlb_state import MSS_PROTOCOLS
from ansible_collections.multicloud.listeners.plugins.module_utils._nlb_state import PPV2_KEYS
from ansible_collections.multicloud.listeners.plugins.module_utils._nlb_state import TCPSSL_ONLY_ATTRIBUTES

ROLE_VARS_CHOICES = ("none", "non_default", "all")
# Listeners on their way out: the role could neither keep them nor find them once gone.
SKIPPED_NLB_STATUSES = ("Deleting", "Deleted")

# The service defaults: what a listener holds for an attribute its create request did not send.
# A value per protocol is a dict keyed by protocol; None means "no value" (such an attribute is never written).
#
# Global Accelerator, CreateListener ``ClientAffinity``: "The default value is NONE." (botocore's model,
#   botocore/data/globalaccelerator/2018-08-08/service-2.json, shape CreateListenerRequest.ClientAffinity).
# Alibaba Cloud NLB, CreateListener (API reference, and the SDK model
#   alibabacloud_nlb20220430/models/_create_listener_request.py, 4.1.3, whose docstrings are the reference's text):
#   IdleTimeout: "Default value: 900" for TCP and TCPSSL, "Default value: 20" for UDP;
#   SecurityPolicyId: "tls_cipher_policy_1_0 (default)" (TCPSSL only);
#   CaEnabled, ProxyProtocolEnabled, SecSensorEnabled, AlpnEnabled and the three
#   ProxyProtocolV2Config.Ppv2*Enabled: "false (default)";
#   Cps: "0 indicates that the number of connections is unlimited" and Mss: "0 indicates that the maximum
#   segment size (MSS) value of TCP packets remains unchanged": no default is written for these two, and
#   GetListenerAttribute answers 0 for a listener created without them (the value _nlb_set.CREATE_DEFAULTS
#   predicts);
#   ListenerDescription, AlpnPolicy, CertificateIds, CaCertificateIds: no default (empty).
SERVICE_DEFAULTS = {
    "ga": {
        "client_affinity": "NONE",
    },
    # The set module's create prediction (_nlb_set.CREATE_DEFAULTS and, per protocol, CREATE_DEFAULTS_BY_PROTOCOL),
    # plus the server group, which a create always gives.
    "nlb": dict(CREATE_DEFAULTS, server_group_id=None, **CREATE_DEFAULTS_BY_PROTOCOL),
}
# What the set modules need to create the listener (nlb_load_balancer_listeners refuses a create without
# server_group_id, and a TCPSSL create without its certificate: _nlb_set._create_errors); kept in non_default.
CREATE_KEYS = {
    "TCP": ("server_group_id",),
    "UDP": ("server_group_id",),
    "TCPSSL": ("server_group_id", "certificate_ids"),
}


class RoleVarsError(ValueError):
    """The ``role_vars`` option has a value that is not allowed."""


def check_mode_option(value, option="role_vars"):
    """The mode, or RoleVarsError naming the option, the value and the choices."""
    if value not in ROLE_VARS_CHOICES:
        raise RoleVarsError("%s: %r; allowed: %s" % (option, value, ", ".join(ROLE_VARS_CHOICES)))
    return value


def service_default(cloud, name, protocol=None):
    """The service's default for one attribute of a listener of ``protocol``."""
    value = SERVICE_DEFAULTS[cloud][name]
    if isinstance(value, dict) and name != "proxy_protocol_v2_config":
        return value.get(protocol)
    return value


# --- Global Accelerator -------------------------------------------------------------------------------


def _ga_sort_key(listener):
    return (listener["protocol"], [(item["from_port"], item["to_port"]) for item in listener["port_ranges"]])


def ga_entry(listener, mode):
    """One ``ga_listeners_listeners`` entry for a listener (``_ga_state.listener_from_api``'s shape)."""
    entry = {
        "protocol": listener["protocol"],
        "port_ranges": [{"from_port": item["from_port"], "to_port": item["to_port"]}
                        for item in sorted(listener["port_ranges"], key=lambda item: (item["from_port"], item["to_port"]))],
    }
    affinity = listener.get("client_affinity")
    if affinity is not None and (mode == "all" or affinity != service_default("ga", "client_affinity")):
        entry["client_affinity"] = affinity
    return entry


def ga_role_vars(listeners, mode, accelerator_name=None, accelerator_arn=None):
    """The variables of ``roles/ga_listeners`` for an accelerator's listeners.

    The accelerator is named as the task named it: by name when it had a name, else by ARN.
    Entries are sorted by protocol, then port ranges.
    """
    check_mode_option(mode)
    role_vars = {}
    if accelerator_name:
        role_vars["ga_listeners_accelerator_name"] = accelerator_name
    else:
        role_vars["ga_listeners_accelerator_arn"] = accelerator_arn
    role_vars["ga_listeners_listeners"] = [ga_entry(item, mode) for item in sorted(listeners, key=_ga_sort_key)]
    return role_vars


# --- Alibaba Cloud NLB -------------------------------------------------------------------------------


def nlb_applicable(name, protocol):
    """True when an attribute can be set on a listener of ``protocol`` (the role refuses it otherwise)."""
    if name in TCPSSL_ONLY_ATTRIBUTES and protocol != "TCPSSL":
        return False
    if name == "mss" and protocol not in MSS_PROTOCOLS:
        return False
    return True


def _nlb_value(name, value):
    if name in ID_LIST_ATTRIBUTES:
        return sorted(set(str(item) for item in value or []))
    if name == "proxy_protocol_v2_config":
        value = value or {}
        return dict((key, bool(value.get(key))) for key in PPV2_KEYS)
    return value


def nlb_attributes(listener, mode):
    """The ``attributes`` of one entry: every applicable attribute (``all``) or those off their default."""
    protocol = listener["listener_protocol"]
    attributes = {}
    for name in NLB_ATTRIBUTES:
        if not nlb_applicable(name, protocol) or listener.get(name) is None:
            continue
        value = _nlb_value(name, listener[name])
        default = service_default("nlb", name, protocol)
        if name == "proxy_protocol_v2_config":
            if mode != "all":
                # the role compares only the keys given: the ones off their default describe it
                value = dict((key, held) for key, held in value.items() if held != default[key])
            if not value:
                continue
        elif name in ID_LIST_ATTRIBUTES and not value:
            continue  # an empty list cannot be sent (UpdateListenerAttribute); none is what the listener has
        elif mode != "all" and value == default and name not in CREATE_KEYS[protocol]:
            continue
        attributes[name] = value
    return attributes


def _nlb_sort_key(listener):
    return (listener.get("load_balancer_id") or "", listener["listener_protocol"], listener["listener_port"] or 0,
            listener.get("start_port") or 0)


def nlb_entry(listener, mode):
    """One ``nlb_listener_attributes_listeners`` entry for a listener (``_nlb_state.normalize_listener``'s shape)."""
    entry = {
        "load_balancer_id": listener["load_balancer_id"],
        "listener_protocol": listener["listener_protocol"],
        "listener_port": listener["listener_port"],
    }
    if listener["listener_port"] == 0:
        entry["start_port"] = listener["start_port"]
        entry["end_port"] = listener["end_port"]
    entry["attributes"] = nlb_attributes(listener, mode)
    return entry


def nlb_role_vars(listeners, mode):
    """The variables of ``roles/nlb_listener_attributes`` for listeners of one or more load balancers.

    Entries are sorted by load balancer, protocol and port; listeners being deleted are left out.
    """
    check_mode_option(mode)
    kept = [item for item in listeners if item.get("listener_status") not in SKIPPED_NLB_STATUSES]
    return {"nlb_listener_attributes_listeners": [nlb_entry(item, mode) for item in sorted(kept, key=_nlb_sort_key)]}


NLB_VARIABLE = "nlb_listener_attributes_listeners"
NLB_KEY_OPTIONS = ("listener_protocol", "listener_port", "start_port", "end_port")


def nlb_refusals(role_vars):
    """What the role would refuse in ``role_vars`` (a value the service holds but the role's rules do not take,
    such as a description made in the console with a space), as messages; empty when the role takes it all.

    The entries are checked per load balancer, as the role hands them to ``nlb_load_balancer_listeners``.
    """
    by_load_balancer = {}
    for index, entry in enumerate(role_vars[NLB_VARIABLE]):
        item = dict((key, entry[key]) for key in NLB_KEY_OPTIONS if key in entry)
        item.update(entry["attributes"])
        by_load_balancer.setdefault(entry["load_balancer_id"], []).append((index, item))
    problems = []
    for load_balancer_id, items in sorted(by_load_balancer.items()):
        try:
            validate_nlb_entries([item for dummy, item in items], option="%s of %s" % (NLB_VARIABLE, load_balancer_id))
        except ListenerSetInputError as error:
            problems.append(str(error))
    return problems
