# -*- coding: utf-8 -*-
# Copyright (c) multicloud.listeners contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters of the nlb_listener_attributes role: its entries grouped per load balancer, and the missing ones."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.utils.display import Display
from ansible_collections.multicloud.listeners.plugins.plugin_utils._filters import refusals_as_filter_errors

KEY_OPTIONS = ("listener_protocol", "listener_port", "start_port", "end_port", "state")
VARIABLE = "nlb_listener_attributes_listeners"
EMPTY_WARNING = ("%s is an empty list: this role run declares no listener and changes nothing (check the variable "
                 "that sets it)." % VARIABLE)


def _name(index, entry):
    return "%s[%d] (%s %s:%s)" % (VARIABLE, index, entry.get("load_balancer_id"), entry.get("listener_protocol"),
                                  entry.get("listener_port"))


def group_entries(entries):
    """``[{load_balancer_id, listeners}]`` in the order the load balancers first appear; each listener entry in the
    shape of nlb_load_balancer_listeners' ``listeners`` (key options plus the entry's ``attributes``)."""
    groups = []
    by_id = {}
    errors = []
    for index, entry in enumerate(entries or []):
        if not isinstance(entry, dict):
            errors.append("%s[%d]: a dict is required, got %r." % (VARIABLE, index, entry))
            continue
        if entry.get("listener_id"):
            errors.append("%s[%d]: listener_id %s is no longer supported; name the listener by load_balancer_id, "
                          "listener_protocol and listener_port." % (VARIABLE, index, entry["listener_id"]))
            continue
        # An empty or blank ID is passed on: the modules refuse it before any call, naming the option.
        load_balancer_id = entry.get("load_balancer_id")
        if load_balancer_id not in by_id:
            by_id[load_balancer_id] = {"load_balancer_id": load_balancer_id, "listeners": []}
            groups.append(by_id[load_balancer_id])
        if entry.get("listener_protocol") is None and entry.get("listener_port") is None:
            continue  # names the load balancer only (with no listener of its own: for a purge of all its listeners)
        listener = dict((key, entry[key]) for key in KEY_OPTIONS if entry.get(key) is not None)
        listener.update(dict((key, value) for key, value in (entry.get("attributes") or {}).items() if value is not None))
        by_id[load_balancer_id]["listeners"].append(listener)
    if errors:
        raise ValueError(" ".join(errors))
    return groups


def _key(item):
    port = int(item.get("listener_port") or 0)
    if port == 0:
        return (item.get("listener_protocol"), 0, int(item.get("start_port") or 0), int(item.get("end_port") or 0))
    return (item.get("listener_protocol"), port, 0, 0)


def missing_entries(entries, listeners):
    """The names of the present entries whose listener is not among ``listeners`` (nlb_listener_info's shape, any
    load balancer), in the order of ``entries``."""
    existing = set((item.get("load_balancer_id"), _key(item)) for item in listeners or [])
    missing = []
    for index, entry in enumerate(entries or []):
        if entry.get("listener_id") or entry.get("state", "present") == "absent" or entry.get("listener_protocol") is None:
            continue
        if (entry.get("load_balancer_id"), _key(entry)) not in existing:
            missing.append(_name(index, entry))
    return missing


def groups_filter(entries, display=None):
    """The ``nlb_listener_groups`` filter: ``group_entries``, and a warning when nothing is declared.

    The role has no task of its own for the warning (a skipped one would print a line in every run); Ansible shows
    the same warning once, however many of the role's tasks evaluate the filter.
    """
    groups = group_entries(entries)
    if isinstance(entries, list) and not entries:
        (display or Display()).warning(EMPTY_WARNING)
    return groups


class FilterModule(object):
    def filters(self):
        return {"nlb_listener_groups": refusals_as_filter_errors(groups_filter),
                "nlb_listener_missing": refusals_as_filter_errors(missing_entries)}
