#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) multicloud.listeners contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: ga_accelerator_listeners
short_description: Manage the listeners of an AWS Global Accelerator accelerator as a set, in one task
version_added: 0.2.0
description:
  - Converge several listeners of one standard accelerator in one task, optionally deleting the listeners that are not
    declared (O(purge)).
  - The task reads the accelerator's listeners once, compares every declared listener with them, and writes only the
    difference. It waits for C(DEPLOYED) once, after the last write. For many listeners this is much faster than a
    loop of M(multicloud.listeners.ga_listener) tasks, which start one module process per listener.
  - Each entry of O(listeners) is matched like M(multicloud.listeners.ga_listener) matches its listener (same protocol
    and set of port ranges; else the single overlapping listener of the protocol, updated in place; else a new
    listener), except that an existing listener serves at most one entry.
  - Everything the module can foresee the service refusing (overlapping ports, the listener quota, a listener with
    endpoint groups to delete without O(listeners[].force)) fails the task before the first write, so a refused set is
    never half applied. The writes are ordered so that no two listeners overlap on the way (deletes, then updates,
    then creates).
  - Check mode makes no write call; it returns the predicted listeners and the plan.
  - The Global Accelerator control plane lives in C(us-west-2). The client signs its requests for that region whatever
    O(region) says, also with a custom O(endpoint_url).
author:
  - multicloud.listeners maintainers (@multicloud)
options:
  accelerator_arn:
    description:
      - The ARN of the accelerator. Exactly one of O(accelerator_arn) and O(accelerator_name) is required.
    type: str
  accelerator_name:
    description:
      - The name of the accelerator, resolved with ListAccelerators. No accelerator or several with that name fail
        the task.
    type: str
  listeners:
    description:
      - The declared listeners of the accelerator. Listeners that are not declared are kept unless O(purge) is set.
      - Two present entries of one protocol may not share a port, and each listener is declared once.
    type: list
    elements: dict
    default: []
    suboptions:
      protocol:
        description: The listener's protocol.
        type: str
        choices: [TCP, UDP]
        required: true
      port_ranges:
        description:
          - The ports the listener accepts, 1 to 10 ranges that do not overlap.
          - Each item is a range, a dict with C(from_port) and C(to_port) (both 1-65535; C(to_port) defaults to
            C(from_port)), or, as a shorthand, a plain port such as C(443).
        type: list
        elements: raw
        required: true
      client_affinity:
        description:
          - V(SOURCE_IP) sends a client to the same endpoint for every connection; V(NONE) does not.
          - When omitted, an existing listener keeps its value and a new one gets V(NONE).
        type: str
        choices: [NONE, SOURCE_IP]
      state:
        description:
          - V(present) creates or updates the listener, V(absent) deletes the listener with exactly this protocol and
            set of port ranges, if there is one.
        type: str
        choices: [present, absent]
        default: present
      force:
        description:
          - With O(listeners[].state=absent), delete the listener's endpoint groups first. Without it, deleting a
            listener that still has endpoint groups fails the task before any write and names them.
        type: bool
        default: false
  purge:
    description:
      - Delete the accelerator's listeners that no entry of O(listeners) declares (by exact match or update in place).
      - With O(listeners=[]) this is refused unless O(delete_all_listeners=true), so that a list that is empty by
        mistake (a misspelled variable) never deletes every listener.
    type: bool
    default: false
    aliases: [purge_listeners]
  delete_all_listeners:
    description:
      - The explicit opt-in for deleting every listener of the accelerator. Allowed only with O(purge=true) and
        O(listeners=[]); refused otherwise.
    type: bool
    default: false
    version_added: 0.3.0
  purge_force:
    description: When purging, also delete the endpoint groups of the purged listeners.
    type: bool
    default: false
  wait:
    description: After the last change, wait until the accelerator's status is C(DEPLOYED).
    type: bool
    default: true
  wait_timeout:
    description:
      - How many seconds to wait for C(DEPLOYED), 1 to 86400 (a boolean or 0 is refused before any call).
    type: int
    default: 600
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
  - multicloud.listeners.ga
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
    details:
      - Makes no write call; returns the predicted listeners and fails when the service would refuse a change.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: full
    details: Returns the accelerator's listeners before and after.
  idempotent:
    description: When run twice in a row outside check mode, with the same arguments, the second invocation indicates no change.
    support: full
    details: A second run with the same options changes nothing and makes only read calls.
  action_group:
    description: Use C(group/multicloud.listeners.aws) in C(module_defaults) to set the common options once.
    support: full
    membership: [multicloud.listeners.aws]
notes:
  - Each create sends an IdempotencyToken derived like M(multicloud.listeners.ga_listener)'s, from the listener and
    the moment the task makes it, so a create retried after a lost answer never creates a second listener, and a
    listener deleted and declared again is created again.
  - When an API call fails after some writes were applied (an endpoint group deleted before its listener counts),
    the task fails with C(changed=true) and its RV(plan) lists the writes that were applied, followed by the one that
    failed.
  - When a write call fails for good (every retry failed or its answers were lost), the task reads the listeners
    once more and reports what the service holds; a write that took effect counts as applied (C(changed=true)).
  - An entry's keys are checked by the module, so a typo (C(port_range)) fails naming the key and the entry's index.
  - The role P(multicloud.listeners.ga_listeners#role) declares an accelerator's listeners with this module.
"""

EXAMPLES = r"""
- name: The listeners of the web accelerator, and nothing else
  multicloud.listeners.ga_accelerator_listeners:
    accelerator_name: web-accelerator
    listeners:
      - protocol: TCP
        port_ranges:
          - from_port: 80
          - from_port: 443
        client_affinity: SOURCE_IP
      - protocol: UDP
        port_ranges:
          - from_port: 443
      - protocol: TCP
        port_ranges:
          - from_port: 8080
            to_port: 8090
        state: absent
    purge: true
    region: us-west-2

- name: Preview the same change
  multicloud.listeners.ga_accelerator_listeners:
    accelerator_arn: arn:aws:globalaccelerator::123456789012:accelerator/1234abcd-abcd-1234-abcd-1234abcdef01
    listeners:
      - protocol: TCP
        port_ranges:
          - from_port: 80
  check_mode: true
  diff: true
"""

RETURN = r"""
listeners:
  description:
    - The accelerator's listeners after the task (predicted in check mode), sorted by protocol and first port.
    - Each in the shape of M(multicloud.listeners.ga_listener)'s C(listener) return value.
  returned: always; after a failed write, what a read afterwards found (absent when that read failed too)
  type: list
  elements: dict
  contains:
    listener_arn:
      description: The listener's ARN; null for a listener predicted in check mode and not created yet.
      type: str
      sample: arn:aws:globalaccelerator::123456789012:accelerator/1234abcd-abcd-1234-abcd-1234abcdef56/listener/0123abcd
    accelerator_arn:
      description: The ARN of the listener's accelerator.
      type: str
      sample: arn:aws:globalaccelerator::123456789012:accelerator/1234abcd-abcd-1234-abcd-1234abcdef56
    protocol:
      description: The listener's protocol.
      type: str
      sample: TCP
    port_ranges:
      description: The listener's port ranges, sorted.
      type: list
      elements: dict
      sample: [{"from_port": 80, "to_port": 80}, {"from_port": 443, "to_port": 443}]
    client_affinity:
      description: The listener's client affinity.
      type: str
      sample: NONE
accelerator_arn:
  description: The accelerator's ARN.
  returned: when the accelerator was found
  type: str
  sample: arn:aws:globalaccelerator::123456789012:accelerator/1234abcd-abcd-1234-abcd-1234abcdef56
diff:
  description: The accelerator's listeners before and after, in the shape of RV(listeners).
  returned: in diff mode
  type: dict
  contains:
    before:
      description: C({"listeners"}) before the task.
      type: dict
      sample: {"listeners": []}
    after:
      description: C({"listeners"}) after the task.
      type: dict
      sample: {"listeners": []}
plan:
  description:
    - What the task did, or would do in check mode, for the C(multicloud.listeners.plan) callback, one record per
      entry of O(listeners) in their order (action V(none) when in sync), then one per purged listener, then one per
      listener kept undeclared (action V(undeclared), the listeners of RV(undeclared)).
    - When the task fails because the service would refuse a change, only the refused record, with RV(plan[].error).
      When an API call fails after some writes, the applied records and the failed one.
  returned: always
  type: list
  elements: dict
  contains:
    resource:
      description: Always C(ga_listener).
      type: str
      sample: ga_listener
    action:
      description:
        - V(create), V(update), V(delete) or V(none) (in sync).
        - V(undeclared) for a listener that no entry declares and that the task keeps (O(purge) is off); such a
          record has no changes and writes nothing.
      type: str
      sample: update
    id:
      description: The listener's ARN; null for a listener not created yet.
      type: str
      sample: arn:aws:globalaccelerator::123456789012:accelerator/1234abcd-abcd-1234-abcd-1234abcdef56/listener/0123abcd
    key:
      description: The listener's natural key (accelerator ARN, protocol, port ranges).
      type: dict
      sample: {"accelerator_arn": "arn:aws:globalaccelerator::123456789012:accelerator/1234abcd", "protocol": "TCP",
               "port_ranges": [{"from_port": 80, "to_port": 80}]}
    changes:
      description: Each field that differs, with its value before and after.
      type: dict
      sample: {"client_affinity": {"before": "NONE", "after": "SOURCE_IP"}}
    error:
      description: Why the service refused or would refuse this change; the task fails.
      returned: when the task failed on this listener
      type: dict
      contains:
        code:
          description: The error code the service answered or would answer with.
          type: str
          sample: InvalidPortRangeException
        message:
          description: The task's failure message.
          type: str
          sample: listeners[1] ... overlaps the TCP listener ...
        request_id:
          description: The request ID of the failed call; null for a refusal predicted before any write.
          type: str
          sample: null
    note:
      description: Set on a write whose call failed but which a read afterwards shows was applied.
      returned: when a write's answers were lost but the write took effect
      type: str
      sample: the answers were lost, but a read afterwards shows the service applied it
undeclared:
  description:
    - The accelerator's listeners that no entry of O(listeners) declares and that the task kept (O(purge) is off),
      in the shape of RV(listeners). Empty when every listener is declared or purged.
    - A drift check can read it, and the C(multicloud.listeners.plan) callback lists them.
  returned: when the accelerator was read
  type: list
  elements: dict
  sample: []
  version_added: 0.3.0
wait_error:
  description: The error of the DEPLOYED wait that failed after every write was applied.
  returned: when waiting for DEPLOYED failed with an API or connection error
  type: dict
  sample: {"code": "ThrottlingException", "message": "Rate exceeded", "request_id": null}
  version_added: 0.3.0
retries:
  description: How many times the failed API call was retried before the task gave up (0 when it was not retried).
  returned: when an API call failed
  type: int
  sample: 5
"""

import time

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.multicloud.listeners.plugins.module_utils._bounds import GA_WAIT_TIMEOUT_MAX
from ansible_collections.multicloud.listeners.plugins.module_utils._bounds import check_wait_timeout
from ansible_collections.multicloud.listeners.plugins.module_utils._ga import GA_ARGUMENT_SPEC
from ansible_collections.multicloud.listeners.plugins.module_utils._ga import GlobalAccelerator
from ansible_collections.multicloud.listeners.plugins.module_utils._ga import WaitTimeout
from ansible_collections.multicloud.listeners.plugins.module_utils._ga_set import ListenerSetRejected
from ansible_collections.multicloud.listeners.plugins.module_utils._ga_set import plan_set
from ansible_collections.multicloud.listeners.plugins.module_utils._ga_set import sorted_listeners
from ansible_collections.multicloud.listeners.plugins.module_utils._ga_set import undeclared_records
from ansible_collections.multicloud.listeners.plugins.module_utils._ga_set import validate_entries
from ansible_collections.multicloud.listeners.plugins.module_utils._ga_state import ListenerInputError
from ansible_collections.multicloud.listeners.plugins.module_utils._ga_state import ListenerMatchError
from ansible_collections.multicloud.listeners.plugins.module_utils._ga_state import create_request
from ansible_collections.multicloud.listeners.plugins.module_utils._ga_state import create_token
from ansible_collections.multicloud.listeners.plugins.module_utils._ga_state import listener_plan
from ansible_collections.multicloud.listeners.plugins.module_utils._ga_state import update_request
from ansible_collections.multicloud.listeners.plugins.module_utils._ga_state import validate_arns
from ansible_collections.multicloud.listeners.plugins.module_utils._ga_state import write_landed
from ansible_collections.multicloud.listeners.plugins.module_utils._identity import check_module_identity
from ansible_collections.multicloud.listeners.plugins.module_utils._listener_set import LOST_ANSWER_NOTE
from ansible_collections.multicloud.listeners.plugins.module_utils._listener_set import SetProgress
from ansible_collections.multicloud.listeners.plugins.module_utils._listener_set import purge_problem
from ansible_collections.multicloud.listeners.plugins.module_utils._listener_set import undeclared


def step_plan(step, accelerator_arn):
    """The ``plan`` record of one step (an absent entry with nothing to delete names what it looked for)."""
    wanted = None
    if step["current"] is None and step["after"] is None:
        entry = step["entry"]
        wanted = {"accelerator_arn": accelerator_arn, "protocol": entry["protocol"], "port_ranges": entry["port_ranges"]}
    return listener_plan(step["action"], step["current"], step["after"], wanted)


class AcceleratorListeners:
    """One ga_accelerator_listeners task: one read, the differences written in a safe order, one wait."""

    def __init__(self, module):
        self.module = module
        self.params = module.params
        check_module_identity(module, "ga_accelerator_listeners")
        try:
            validate_arns(self.params)
            wait_timeout_error = check_wait_timeout(self.params["wait_timeout"], GA_WAIT_TIMEOUT_MAX)
            if wait_timeout_error:
                raise ListenerInputError(wait_timeout_error)
            self.entries = validate_entries(self.params["listeners"])
        except ListenerInputError as e:
            module.fail_json(msg=str(e))
        parent = "accelerator %s" % (self.params["accelerator_arn"] or repr(self.params["accelerator_name"]))
        problem = purge_problem(self.entries, self.params["purge"], self.params["delete_all_listeners"], parent)
        if problem:
            module.fail_json(msg=problem)
        if not self.entries and not self.params["purge"]:
            module.warn("listeners: no listener is declared, so this task changes nothing (check the variable that "
                        "sets listeners).")
        self.api = GlobalAccelerator(module)
        self.progress = SetProgress()
        self.result = {"changed": False, "listeners": [], "plan": [], "undeclared": []}

    @staticmethod
    def define_module():
        return AnsibleAWSModule(
            argument_spec=dict(
                accelerator_arn=dict(type="str"),
                accelerator_name=dict(type="str"),
                # The entries' keys are checked by _ga_set.validate_entries rather than by suboptions, so that a
                # message names the entry's index and an unknown key (a typo), and ports may be plain integers.
                listeners=dict(type="list", elements="dict", default=[]),
                purge=dict(type="bool", default=False, aliases=["purge_listeners"]),
                delete_all_listeners=dict(type="bool", default=False),
                purge_force=dict(type="bool", default=False),
                wait=dict(type="bool", default=True),
                wait_timeout=dict(type="int", default=600),
                **GA_ARGUMENT_SPEC
            ),
            mutually_exclusive=[("accelerator_arn", "accelerator_name")],
            required_one_of=[("accelerator_arn", "accelerator_name")],
            supports_check_mode=True,
        )

    def run(self):
        accelerator_arn = self.params["accelerator_arn"] or self.api.accelerator_arn_by_name(self.params["accelerator_name"])
        self.result["accelerator_arn"] = accelerator_arn
        listeners = sorted_listeners(self.api.listeners(accelerator_arn))
        self.result["listeners"] = listeners
        try:
            steps, writes, after = plan_set(listeners, self.entries, accelerator_arn,
                                            self.params["purge"], self.params["purge_force"])
        except ListenerMatchError as e:
            self.module.fail_json(msg=str(e), **self.result)
        except ListenerSetRejected as e:
            self._refuse(e.step, accelerator_arn, e.code, str(e))
        self.result["undeclared"] = undeclared(listeners, steps, "listener_arn")
        for step in writes:
            if step["action"] == "delete":
                step["endpoint_groups"] = self.api.endpoint_group_arns(step["current"]["listener_arn"])
                if step["endpoint_groups"] and not step["force"]:
                    option = "purge_force" if step["entry"] is None else "listeners[%d].force" % step["entry"]["index"]
                    self._refuse(step, accelerator_arn, "AssociatedEndpointGroupFoundException", (
                        "listener %s still has endpoint groups (%s); set %s: true to delete them with the listener"
                        % (step["current"]["listener_arn"], ", ".join(step["endpoint_groups"]), option)))
        if not self.module.check_mode and writes:
            after = self._apply(accelerator_arn, listeners, writes, after)
        self.result["changed"] = bool(writes)
        self.result["listeners"] = after
        self.result["plan"] = [step_plan(step, accelerator_arn) for step in steps] + undeclared_records(self.result["undeclared"])
        if self.module._diff:
            self.result["diff"] = {"before": {"listeners": listeners}, "after": {"listeners": after}}
        self.module.exit_json(**self.result)

    def _refuse(self, step, accelerator_arn, code, message):
        """Fail before any write: the plan holds the refused step with the service's error code."""
        record = step_plan(step, accelerator_arn) if step is not None else None
        if record is not None:
            record["error"] = {"code": code, "message": message, "request_id": None}
        self.result["plan"] = [record] if record is not None else []
        self.module.fail_json(msg=message, **self.result)

    def _apply(self, accelerator_arn, listeners, writes, predicted):
        """Make the writes in order; a failing call reports the ones already applied and the one that failed."""
        updated = {}
        for step in writes:
            self.api.failure_result = self._write_failure(step, accelerator_arn, listeners)
            if step["action"] == "delete":
                self.api.delete_listener(step["current"]["listener_arn"], step["endpoint_groups"])
            elif step["action"] == "update":
                step["after"] = self.api.update_listener(update_request(step["current"]["listener_arn"], step["changes"]))
                updated[step["after"]["listener_arn"]] = step["after"]
            else:
                token = create_token(accelerator_arn, step["after"], listeners, time.time())
                step["after"] = self.api.create_listener(create_request(step["after"], token))
            self.progress.done(step_plan(step, accelerator_arn))
        after = [updated.get(item["listener_arn"], item) for item in predicted if item["listener_arn"] is not None]
        after = sorted_listeners(after + [step["after"] for step in writes if step["action"] == "create"])
        if self.params["wait"]:
            self.api.failure_result = self._wait_failure(accelerator_arn, after)
            try:
                self.api.wait_deployed(accelerator_arn, self.params["wait_timeout"])
            except WaitTimeout as e:
                self.module.fail_json(msg=self.progress.wait_message(str(e)),
                                      listeners=after, accelerator_arn=accelerator_arn, undeclared=self.result["undeclared"],
                                      **self.progress.failure_fields())
        self.api.failure_result = None
        return after

    def _write_failure(self, step, accelerator_arn, before):
        """The account of a write that failed for good: read once more, since its answer may be all that was lost."""
        def report(code, message, request_id, uncertain):
            record = step_plan(step, accelerator_arn)
            held = self.api.read_back(accelerator_arn) if uncertain else None
            landed = None if held is None else write_landed(step["action"], step["current"], step["after"], held, before)
            if landed is not None:
                record = step_plan(dict(step, after=landed or None), accelerator_arn)
                record["note"] = LOST_ANSWER_NOTE
                self.progress.done(record)
                failed = None
            else:
                failed = {"code": code, "message": message, "request_id": request_id}
            fields = self.progress.failure_fields(None if failed is None else record, failed)
            fields.update(accelerator_arn=accelerator_arn, undeclared=self.result["undeclared"],
                          msg=self.progress.message(message if failed else "%s (a read afterwards shows it was applied)" % message))
            if held is not None:
                fields["listeners"] = sorted_listeners(held)
            return fields
        return report

    def _wait_failure(self, accelerator_arn, after):
        """The account of a failure while waiting for DEPLOYED: every write was applied."""
        def report(code, message, request_id, uncertain):
            fields = self.progress.failure_fields()
            fields.update(accelerator_arn=accelerator_arn, listeners=after, undeclared=self.result["undeclared"],
                          msg=self.progress.wait_message("waiting for DEPLOYED failed: %s" % message),
                          wait_error={"code": code, "message": message, "request_id": request_id})
            return fields
        return report


def main():
    module = AcceleratorListeners.define_module()
    AcceleratorListeners(module).run()


if __name__ == "__main__":
    main()
