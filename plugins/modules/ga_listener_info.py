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
  - With O(role_vars), it also returns the listeners as the variables of the role
    R(multicloud.listeners.ga_listeners,ansible_collections.multicloud.listeners.ga_listeners_role), to bring an
    accelerator's existing listeners under Ansible (see the collection's C(docs/adopting-listeners.md)).
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
  role_vars:
    description:
      - Also return RV(role_vars), the variables of the C(multicloud.listeners.ga_listeners) role that declare the
        listeners read, so that the role's first run with them changes nothing.
      - V(none) returns no RV(role_vars).
      - V(non_default) leaves out C(client_affinity) where it is the service's default, V(NONE) (a listener created
        without it has V(NONE); the role leaves an omitted affinity as the listener has it).
      - V(all) writes every attribute of each listener.
    type: str
    choices: [none, non_default, all]
    default: none
    version_added: 0.3.0
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

- name: The listeners as the ga_listeners role's variables, only what differs from the service's defaults
  multicloud.listeners.ga_listener_info:
    accelerator_name: web-accelerator
    role_vars: non_default
  register: web_adopted

- name: Show them as YAML (docs/examples/adopt/adopt.yml writes them to an environment's group_vars)
  ansible.builtin.debug:
    msg: "{{ web_adopted.role_vars | ansible.builtin.to_nice_yaml(indent=2) }}"

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
role_vars:
  description:
    - The variables of the C(multicloud.listeners.ga_listeners) role that declare the listeners read (with
      O(listener_arn), that one listener).
    - The accelerator is named as the task named it (by name, else by ARN); entries are sorted by protocol, then ports.
  returned: when O(role_vars) is not V(none)
  type: dict
  sample:
    ga_listeners_accelerator_name: web-accelerator
    ga_listeners_listeners:
      - protocol: TCP
        port_ranges: [{from_port: 80, to_port: 80}, {from_port: 443, to_port: 443}]
        client_affinity: SOURCE_IP
      - protocol: UDP
        port_ranges: [{from_port: 53, to_port: 53}]
  contains:
    ga_listeners_accelerator_name:
      description: The accelerator's name, when the task named it by O(accelerator_name).
      type: str
      returned: with O(accelerator_name)
    ga_listeners_accelerator_arn:
      description: The accelerator's ARN, when the task named it by O(accelerator_arn) or O(listener_arn).
      type: str
      returned: without O(accelerator_name)
    ga_listeners_listeners:
      description: One entry per listener (C(protocol), C(port_ranges), and C(client_affinity) unless left out).
      type: list
      elements: dict
      returned: always
retries:
  description: How many times the failed API call was retried before the task gave up (0 when it was not retried).
  returned: when an API call failed
  type: int
  sample: 5
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.multicloud.listeners.plugins.module_utils._adopt import ROLE_VARS_CHOICES
from ansible_collections.multicloud.listeners.plugins.module_utils._adopt import ga_role_vars
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
            role_vars=dict(type="str", choices=list(ROLE_VARS_CHOICES), default="none"),
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
    result = dict(changed=False, listeners=listeners)
    if module.params["role_vars"] != "none":
        result["role_vars"] = ga_role_vars(listeners, module.params["role_vars"], accelerator_name=module.params["accelerator_name"],
                                           accelerator_arn=module.params["accelerator_arn"] or accelerator_arn_of(listener_arn))
    module.exit_json(**result)


if __name__ == "__main__":
    main()
