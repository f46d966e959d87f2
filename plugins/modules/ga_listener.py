#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) multicloud.listeners contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: ga_listener
short_description: Manage AWS Global Accelerator listeners
version_added: 0.1.0
description:
  - Create, update and delete the listeners of an AWS Global Accelerator standard accelerator.
  - The task reads the accelerator's listeners, compares them with what it asks for and writes only the difference.
    Port ranges are compared as sets, so their order never causes a change.
  - A listener is found by O(listener_arn), or on the accelerator by its protocol and port ranges, so roles reused
    across environments need no ARNs.
  - Check mode makes no write call. It predicts the listener and fails the preview when the service would refuse
    the change (ports used by another listener of the same protocol, the listener quota).
  - The Global Accelerator control plane lives in C(us-west-2). The client signs its requests for that region whatever
    O(region) says, also with a custom O(endpoint_url).
author:
  - multicloud.listeners maintainers (@multicloud)
options:
  state:
    description:
      - V(present) creates or updates the listener, V(absent) deletes it.
      - With V(absent) and no O(listener_arn), only a listener with the same protocol and the same set of port ranges
        is deleted.
      - With V(absent), O(listener_arn) and a O(protocol) or O(port_ranges) that the listener does not have, the task
        fails before any write, naming both.
    type: str
    choices: [present, absent]
    default: present
  listener_arn:
    description:
      - The ARN of an existing listener.
      - Needed to change a listener's protocol, or when several listeners of the protocol overlap the desired ports.
      - With O(accelerator_arn) or O(accelerator_name) as well, they must name the listener's accelerator; otherwise
        the task fails before any write, naming both.
      - An empty or whitespace value (for example a variable that rendered to nothing) is refused before any API call.
    type: str
  accelerator_arn:
    description:
      - The ARN of the accelerator. Mutually exclusive with O(accelerator_name).
      - One of O(accelerator_arn), O(accelerator_name) or O(listener_arn) is required.
    type: str
  accelerator_name:
    description:
      - The name of the accelerator, resolved with ListAccelerators. No accelerator or several with that name fail
        the task.
    type: str
  protocol:
    description:
      - The listener's protocol. Required unless O(listener_arn) is given.
      - A TCP and a UDP listener may use the same ports, so a listener of the other protocol is never changed in
        place; changing the protocol needs O(listener_arn).
    type: str
    choices: [TCP, UDP]
  port_ranges:
    description:
      - The ports the listener accepts, 1 to 10 ranges that do not overlap. Required unless O(listener_arn) is given.
      - When no listener with this exact set exists, the single listener of O(protocol) whose ports overlap these is
        updated in place (this is how ports are changed); with none, a listener is created.
    type: list
    elements: dict
    suboptions:
      from_port:
        description: The first port of the range, 1-65535.
        type: int
        required: true
      to_port:
        description: The last port of the range, 1-65535. Defaults to O(port_ranges[].from_port).
        type: int
  client_affinity:
    description:
      - V(SOURCE_IP) sends a client to the same endpoint for every connection; V(NONE) does not.
      - When omitted, an existing listener keeps its value and a new one gets V(NONE).
    type: str
    choices: [NONE, SOURCE_IP]
  idempotency_token:
    description:
      - The token that makes a create request idempotent on the service side.
      - When omitted, a token is derived from the accelerator, the desired listener and the moment the task
        decides to create it. Every retry of the create within the task sends it, so a create whose answer was lost
        never makes a second listener, and a listener deleted and created again gets a token of its own.
      - A token given here makes every task send the same one; the service answers a token it has seen with the
        listener it made for it, even after that listener was deleted.
      - 1 to 255 characters (the API's limit); an empty or longer token is refused before any call.
    type: str
  force:
    description:
      - With O(state=absent), delete the listener's endpoint groups first.
      - Without it, deleting a listener that still has endpoint groups fails and names them.
    type: bool
    default: false
  wait:
    description: After a change, wait until the accelerator's status is C(DEPLOYED).
    type: bool
    default: true
  wait_timeout:
    description: How many seconds to wait for C(DEPLOYED), 1-86400.
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
      - Makes no write call; returns the predicted listener and fails when the service would refuse the change.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: full
    details: Returns the listener before and after.
  idempotent:
    description: When run twice in a row outside check mode, with the same arguments, the second invocation indicates no change.
    support: full
    details: A second run with the same options changes nothing and makes only read calls.
  action_group:
    description: Use C(group/multicloud.listeners.aws) in C(module_defaults) to set the common options once.
    support: full
    membership: [multicloud.listeners.aws]
notes:
  - Module defaults for this module and amazon.aws's can be set together with the group
    C(group/multicloud.listeners.aws).
  - When a write call fails for good (every retry failed or its answers were lost), the task reads the listeners
    once more and reports what the service holds; a write that took effect is reported with C(changed=true).
"""

EXAMPLES = r"""
- name: Preview and apply listeners with shared credentials
  module_defaults:
    group/multicloud.listeners.aws:
      region: us-west-2
  block:
    - name: A TCP listener for HTTP and HTTPS, found by its ports on a named accelerator
      multicloud.listeners.ga_listener:
        accelerator_name: web-accelerator
        protocol: TCP
        port_ranges:
          - from_port: 80
          - from_port: 443
        client_affinity: SOURCE_IP
      register: web

    - name: The UDP listener on the same ports (a TCP and a UDP listener may share ports)
      multicloud.listeners.ga_listener:
        accelerator_arn: "{{ web.listener.accelerator_arn }}"
        protocol: UDP
        port_ranges:
          - from_port: 443

- name: Move the TCP listener from 443 to 8443 (the overlapping listener is updated in place)
  multicloud.listeners.ga_listener:
    accelerator_name: web-accelerator
    protocol: TCP
    port_ranges:
      - from_port: 80
      - from_port: 8443
  check_mode: true
  diff: true

- name: Change a listener's protocol (here to TCP), which needs its ARN
  multicloud.listeners.ga_listener:
    listener_arn: arn:aws:globalaccelerator::123456789012:accelerator/1234abcd-abcd-1234-abcd-1234abcdef01/listener/0123abcd
    protocol: TCP

- name: Delete a listener and its endpoint groups
  multicloud.listeners.ga_listener:
    accelerator_name: web-accelerator
    protocol: TCP
    port_ranges:
      - from_port: 80
      - from_port: 8443
    state: absent
    force: true
"""

RETURN = r"""
listener:
  description: The listener after the task (predicted in check mode), C({}) once absent.
  returned: always
  type: dict
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
      contains:
        from_port:
          description: The first port of the range.
          type: int
          sample: 80
        to_port:
          description: The last port of the range.
          type: int
          sample: 80
    client_affinity:
      description: The listener's client affinity.
      type: str
      sample: NONE
diff:
  description: The listener before and after, in the shape of RV(listener).
  returned: in diff mode
  type: dict
  contains:
    before:
      description: The listener before the task, C({}) when it did not exist.
      type: dict
      sample: {}
    after:
      description: The listener after the task, C({}) once deleted.
      type: dict
      sample:
        listener_arn: arn:aws:globalaccelerator::123456789012:accelerator/1234abcd-abcd-1234-abcd-1234abcdef56/listener/0123abcd
        accelerator_arn: arn:aws:globalaccelerator::123456789012:accelerator/1234abcd-abcd-1234-abcd-1234abcdef56
        protocol: TCP
        port_ranges: [{"from_port": 80, "to_port": 80}]
        client_affinity: NONE
plan:
  description:
    - What the task did, or would do in check mode, for the C(multicloud.listeners.plan) callback.
    - Also returned when the task fails because the service would refuse the change, with RV(plan.error).
  returned: always, and when the service would refuse the change
  type: dict
  contains:
    resource:
      description: Always C(ga_listener).
      type: str
      sample: ga_listener
    action:
      description: V(create), V(update), V(delete) or V(none).
      type: str
      sample: update
    id:
      description: The listener's ARN; null for a listener not created yet.
      type: str
      sample: arn:aws:globalaccelerator::123456789012:accelerator/1234abcd-abcd-1234-abcd-1234abcdef56/listener/0123abcd
    key:
      description:
        - The listener's natural key; with O(state=absent) and nothing to delete, the listener the task looked for.
        - Null when no listener is concerned (O(listener_arn) of a listener that does not exist).
      type: dict
      contains:
        accelerator_arn:
          description: The accelerator's ARN.
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
          sample: [{"from_port": 80, "to_port": 80}, {"from_port": 8443, "to_port": 8443}]
    changes:
      description: Each field that differs, with its value before and after.
      type: dict
      sample: {"port_ranges": {"before": [{"from_port": 443, "to_port": 443}], "after": [{"from_port": 8443, "to_port": 8443}]}}
    error:
      description: Why the service would refuse the change; the task fails.
      returned: when the service would refuse the change
      type: dict
      contains:
        code:
          description: The error code the service would answer with.
          type: str
          sample: InvalidPortRangeException
        message:
          description: The task's failure message.
          type: str
          sample: >-
            port_ranges 80, 8443 overlap the TCP listener ... (InvalidPortRangeException): allowed: ports no other TCP
            listener of the accelerator uses
        request_id:
          description: Always null, as the refusal is predicted without a request.
          type: str
          sample: null
retries:
  description: How many times the failed API call was retried before the task gave up (0 when it was not retried).
  returned: when an API call failed
  type: int
  sample: 5
"""

import time

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.multicloud.listeners.plugins.module_utils._ga import GA_ARGUMENT_SPEC
from ansible_collections.multicloud.listeners.plugins.module_utils._ga import GlobalAccelerator
from ansible_collections.multicloud.listeners.plugins.module_utils._ga import WaitTimeout
from ansible_collections.multicloud.listeners.plugins.module_utils._ga_state import ListenerInputError
from ansible_collections.multicloud.listeners.plugins.module_utils._ga_state import ListenerMatchError
from ansible_collections.multicloud.listeners.plugins.module_utils._ga_state import accelerator_arn_of
from ansible_collections.multicloud.listeners.plugins.module_utils._ga_state import create_request
from ansible_collections.multicloud.listeners.plugins.module_utils._ga_state import create_token
from ansible_collections.multicloud.listeners.plugins.module_utils._ga_state import desired_listener
from ansible_collections.multicloud.listeners.plugins.module_utils._ga_state import find_listener
from ansible_collections.multicloud.listeners.plugins.module_utils._ga_state import listener_changes
from ansible_collections.multicloud.listeners.plugins.module_utils._ga_state import listener_plan
from ansible_collections.multicloud.listeners.plugins.module_utils._ga_state import predict_rejection
from ansible_collections.multicloud.listeners.plugins.module_utils._ga_state import update_request
from ansible_collections.multicloud.listeners.plugins.module_utils._ga_state import format_ranges
from ansible_collections.multicloud.listeners.plugins.module_utils._ga_state import validate_options
from ansible_collections.multicloud.listeners.plugins.module_utils._ga_state import write_landed
from ansible_collections.multicloud.listeners.plugins.module_utils._identity import absent_conflict
from ansible_collections.multicloud.listeners.plugins.module_utils._identity import accelerator_conflict
from ansible_collections.multicloud.listeners.plugins.module_utils._identity import check_module_identity
from ansible_collections.multicloud.listeners.plugins.module_utils._listener_set import LOST_ANSWER_NOTE


class GAListener:
    """One ga_listener task: read the accelerator's listeners, compare, write only the difference."""

    def __init__(self, module):
        self.module = module
        self.params = module.params
        check_module_identity(module, "ga_listener")
        try:
            self.desired = validate_options(self.params)
        except ListenerInputError as e:
            module.fail_json(msg=str(e))
        self.api = GlobalAccelerator(module)
        self.result = {"changed": False, "listener": {}}

    @staticmethod
    def define_module():
        return AnsibleAWSModule(
            argument_spec=dict(
                state=dict(type="str", choices=["present", "absent"], default="present"),
                listener_arn=dict(type="str"),
                accelerator_arn=dict(type="str"),
                accelerator_name=dict(type="str"),
                protocol=dict(type="str", choices=["TCP", "UDP"]),
                port_ranges=dict(type="list", elements="dict", options=dict(
                    from_port=dict(type="int", required=True),
                    to_port=dict(type="int"),
                )),
                client_affinity=dict(type="str", choices=["NONE", "SOURCE_IP"]),
                idempotency_token=dict(type="str", no_log=False),
                force=dict(type="bool", default=False),
                wait=dict(type="bool", default=True),
                wait_timeout=dict(type="int", default=600),
                **GA_ARGUMENT_SPEC
            ),
            mutually_exclusive=[("accelerator_arn", "accelerator_name")],
            required_one_of=[("listener_arn", "accelerator_arn", "accelerator_name")],
            supports_check_mode=True,
        )

    # --- reading ------------------------------------------------------------------------
    def _accelerator_arn(self):
        if self.params["listener_arn"]:
            accelerator_arn = accelerator_arn_of(self.params["listener_arn"])
            if self.params["accelerator_name"]:
                # both name the accelerator: they must agree before anything is written
                named = self.api.accelerator_arn_by_name(self.params["accelerator_name"])
                conflict = accelerator_conflict(self.params["listener_arn"], accelerator_arn, self.params["accelerator_name"], named)
                if conflict:
                    self.module.fail_json(msg=conflict)
            return accelerator_arn
        if self.params["accelerator_arn"]:
            return self.params["accelerator_arn"]
        return self.api.accelerator_arn_by_name(self.params["accelerator_name"])

    def _current(self, listeners):
        """The existing listener the task means, or None."""
        if self.params["listener_arn"]:
            return next((item for item in listeners if item["listener_arn"] == self.params["listener_arn"]), None)
        try:
            listener, how = find_listener(listeners, self.desired["protocol"], self.desired["port_ranges"])
        except ListenerMatchError as e:
            self.module.fail_json(msg=str(e))
        if self.params["state"] == "absent" and how != "exact":
            return None  # absent without an ARN deletes only an exact match
        return listener

    # --- the two states -----------------------------------------------------------------
    def present(self):
        accelerator_arn = self._accelerator_arn()
        listeners = self.api.listeners(accelerator_arn)
        current = self._current(listeners)
        if current is None and self.params["listener_arn"]:
            self.module.fail_json(msg="listener_arn: %s was not found on accelerator %s; allowed: an existing listener, "
                                      "or omit listener_arn to create one" % (self.params["listener_arn"], accelerator_arn))
        after = desired_listener(current, self.desired, accelerator_arn)
        changes = listener_changes(current, after)
        action = "create" if current is None else ("update" if changes else "none")
        if action != "none":
            rejection = predict_rejection(listeners, after)
            if rejection:
                self._finish(action, current, after, failure=rejection)
            if not self.module.check_mode:
                after = self._write(action, current, after, changes, listeners)
        self._finish(action, current, after)

    def absent(self):
        listener_arn = self.params["listener_arn"]
        accelerator_arn = self._accelerator_arn()
        listeners = self.api.listeners(accelerator_arn, missing_ok=bool(listener_arn))
        current = self._current(listeners or [])
        if current is None:
            wanted = None if listener_arn else dict(self.desired, accelerator_arn=accelerator_arn)
            self._finish("none", None, None, wanted=wanted)
        conflict = absent_conflict(current, self.desired["protocol"], self.desired["port_ranges"], format_ranges) if listener_arn else None
        if conflict:
            self.result["listener"] = current
            self.module.fail_json(msg=conflict, **self.result)
        groups = self.api.endpoint_group_arns(current["listener_arn"])
        if groups and not self.params["force"]:
            self._finish("delete", current, None, failure=("AssociatedEndpointGroupFoundException", (
                "listener %s still has endpoint groups (%s); set force: true to delete them with the listener"
                % (current["listener_arn"], ", ".join(groups)))))
        if not self.module.check_mode:
            self.api.failure_result = self._write_failure("delete", current, None, listeners)
            self.api.delete_listener(current["listener_arn"], groups)
            self.api.failure_result = None
            self._wait(current["accelerator_arn"], "listener %s was deleted" % current["listener_arn"],
                       plan=listener_plan("delete", current, None))
        self._finish("delete", current, None)

    # --- writing ------------------------------------------------------------------------
    def _write(self, action, current, after, changes, listeners):
        self.api.failure_result = self._write_failure(action, current, after, listeners)
        if action == "create":
            token = self.params["idempotency_token"] or create_token(after["accelerator_arn"], after, listeners, time.time())
            written = self.api.create_listener(create_request(after, token))
        else:
            written = self.api.update_listener(update_request(after["listener_arn"], changes))
        self.api.failure_result = None
        self._wait(written["accelerator_arn"], "listener %s was %sd" % (written["listener_arn"], action), written,
                   listener_plan(action, current, written))
        return written

    def _write_failure(self, action, current, after, listeners):
        """The account of a write that failed for good: read once more, since its answer may be all that was lost."""
        def report(code, message, request_id, uncertain):
            accelerator_arn = (current or after)["accelerator_arn"]
            held = self.api.read_back(accelerator_arn) if uncertain else None
            landed = None if held is None else write_landed(action, current, after, held, listeners)
            if landed is None:
                plan = listener_plan(action, current, after)
                plan["error"] = {"code": code, "message": message, "request_id": request_id}
                return {"listener": current or {}, "plan": plan}
            plan = listener_plan(action, current, landed or None)
            plan["note"] = LOST_ANSWER_NOTE
            return {"changed": True, "listener": landed, "plan": plan,
                    "msg": "%s; a read afterwards shows the %s was applied (%s)" % (
                        message, action, (landed or current)["listener_arn"])}
        return report

    def _wait(self, accelerator_arn, accepted, listener=None, plan=None):
        """Wait for DEPLOYED; a timeout or a failing poll fails the task but still reports the accepted change."""
        if not self.params["wait"]:
            return
        written = {"changed": True, "listener": listener or {}, "plan": plan}
        self.api.failure_result = lambda code, message, request_id, uncertain: dict(
            written, msg="The change was accepted (%s), but waiting for DEPLOYED failed: %s" % (accepted, message))
        try:
            self.api.wait_deployed(accelerator_arn, self.params["wait_timeout"])
        except WaitTimeout as e:
            self.module.fail_json(msg="The change was accepted (%s), but %s" % (accepted, e), **written)
        self.api.failure_result = None

    def _finish(self, action, current, after, failure=None, wanted=None):
        """Exit with the listener, the plan and the diff; ``failure`` is ``(error code, message)``."""
        self.result["changed"] = action != "none"
        self.result["listener"] = after or {}
        self.result["plan"] = listener_plan(action, current, after, wanted)
        if self.module._diff:
            self.result["diff"] = {"before": current or {}, "after": after or {}}
        if failure:
            code, message = failure
            self.result["changed"] = False
            self.result["plan"]["error"] = {"code": code, "message": message, "request_id": None}
            self.module.fail_json(msg=message, **self.result)
        self.module.exit_json(**self.result)


def main():
    module = GAListener.define_module()
    listener = GAListener(module)
    if module.params["state"] == "present":
        listener.present()
    else:
        listener.absent()


if __name__ == "__main__":
    main()
