#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) multicloud.listeners contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: ga_listener_info
short_description: List AWS Global Accelerator listeners
version_added: 0.1.0
description:
  - Lists the listeners of an accelerator (all pages), or returns one listener by its ARN.
  - Listeners come back in the shape that M(multicloud.listeners.ga_listener) returns, port ranges sorted.
author:
  - multicloud.listeners maintainers (@multicloud)
options:
  listener_arn:
    description: The ARN of one listener.
    type: str
  accelerator_arn:
    description: The ARN of the accelerator whose listeners to list.
    type: str
  accelerator_name:
    description: The name of the accelerator whose listeners to list; no accelerator or several with that name fail the task.
    type: str
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
  - multicloud.listeners.ga
  - multicloud.listeners.info_attributes
attributes:
  action_group:
    description: Use C(group/multicloud.listeners.aws) in C(module_defaults) to set the common options once.
    support: full
    membership: [multicloud.listeners.aws]
seealso:
  - module: multicloud.listeners.ga_listener
"""

EXAMPLES = r"""
- name: List the listeners of an accelerator, with credentials set once for the AWS modules
  module_defaults:
    group/multicloud.listeners.aws:
      profile: network-admin
      region: us-west-2
  multicloud.listeners.ga_listener_info:
    accelerator_name: web-accelerator
  register: web

- name: Show their ports
  ansible.builtin.debug:
    msg: "{{ web.listeners | map(attribute='port_ranges') | list }}"

- name: One listener by ARN
  multicloud.listeners.ga_listener_info:
    listener_arn: arn:aws:globalaccelerator::123456789012:accelerator/1234abcd-abcd-1234-abcd-1234abcdef01/listener/0123abcd
"""

RETURN = r"""
listeners:
  description: The listeners, sorted by protocol and ports; one or none with O(listener_arn).
  returned: always
  type: list
  elements: dict
  contains:
    listener_arn:
      description: The listener's ARN.
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
      sample: [{"from_port": 80, "to_port": 80}]
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
retries:
  description: How many times the failed API call was retried before the task gave up (0 when it was not retried).
  returned: when an API call failed
  type: int
  sample: 5
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.multicloud.listeners.plugins.module_utils._ga import GA_ARGUMENT_SPEC
from ansible_collections.multicloud.listeners.plugins.module_utils._ga import GlobalAccelerator
from ansible_collections.multicloud.listeners.plugins.module_utils._ga_state import ListenerInputError
from ansible_collections.multicloud.listeners.plugins.module_utils._ga_state import accelerator_arn_of
from ansible_collections.multicloud.listeners.plugins.module_utils._ga_state import validate_arns
from ansible_collections.multicloud.listeners.plugins.module_utils._identity import check_module_identity


def main():
    module = AnsibleAWSModule(
        argument_spec=dict(
            listener_arn=dict(type="str"),
            accelerator_arn=dict(type="str"),
            accelerator_name=dict(type="str"),
            **GA_ARGUMENT_SPEC
        ),
        mutually_exclusive=[("listener_arn", "accelerator_arn", "accelerator_name")],
        required_one_of=[("listener_arn", "accelerator_arn", "accelerator_name")],
        supports_check_mode=True,
    )
    check_module_identity(module, "ga_listener_info")
    try:
        validate_arns(module.params)
    except ListenerInputError as e:
        module.fail_json(msg=str(e))
    api = GlobalAccelerator(module)
    listener_arn = module.params["listener_arn"]
    if listener_arn:
        listeners = api.listeners(accelerator_arn_of(listener_arn), missing_ok=True) or []
        listeners = [item for item in listeners if item["listener_arn"] == listener_arn]
    else:
        accelerator_arn = module.params["accelerator_arn"] or api.accelerator_arn_by_name(module.params["accelerator_name"])
        listeners = api.listeners(accelerator_arn)
    listeners.sort(key=lambda item: (item["protocol"], item["port_ranges"][0]["from_port"], item["listener_arn"]))
    module.exit_json(changed=False, listeners=listeners)


if __name__ == "__main__":
    main()
