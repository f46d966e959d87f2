# -*- coding: utf-8 -*-
# Copyright (c) multicloud.listeners contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The drift summary of registered results of the collection's modules (the drift_gate role's filter)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.multicloud.listeners.plugins.module_utils._plan import drift_lines
from ansible_collections.multicloud.listeners.plugins.module_utils._plan import drift_summary
from ansible_collections.multicloud.listeners.plugins.module_utils._plan import drift_verdict
from ansible_collections.multicloud.listeners.plugins.module_utils._plan import records_of
from ansible_collections.multicloud.listeners.plugins.plugin_utils._filters import refusals_as_filter_errors


def _pairs(results):
    """``(host, result)`` for each item: ``{"host", "result"}`` or a registered result alone (host None)."""
    if isinstance(results, dict):
        results = [results]
    if not isinstance(results, (list, tuple)):
        raise ValueError("plan_drift: the input must be a list of registered results, got %s" % type(results).__name__)
    pairs = []
    for index, item in enumerate(results):
        if item is None:
            continue
        if not isinstance(item, dict):
            raise ValueError("plan_drift: item %d is %r; allowed: a registered result (a dict) or {host, result}"
                             % (index, item))
        if set(item) == {"host", "result"}:
            if item["result"] is None:
                continue
            if not isinstance(item["result"], dict):
                raise ValueError("plan_drift: item %d (host %s): the result is %r; allowed: a registered result (a dict)"
                                 % (index, item["host"], item["result"]))
            pairs.append((item["host"], item["result"]))
        else:
            pairs.append((None, item))
    return pairs


def plan_drift(results):
    """``{"status", "changes", "undeclared", "failed", "verdict", "lines"}`` of registered results.

    Each result is read like the plan callback reads a task's result (a loop's ``results`` item by item,
    a set module's list of plan records, a failed task as a failure); results of other modules carry
    no ``plan`` and count for nothing, unless they failed.
    """
    records = []
    for host, result in _pairs(results):
        records.extend(records_of(host, None, None, result, bool(result.get("failed")), False))
    summary = drift_summary(records)
    summary["verdict"] = drift_verdict(summary)
    summary["lines"] = drift_lines(records)
    return summary


class FilterModule(object):
    def filters(self):
        return {"plan_drift": refusals_as_filter_errors(plan_drift)}
