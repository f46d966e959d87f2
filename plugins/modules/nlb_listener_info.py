#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) multicloud.listeners contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: nlb_listener_info
short_description: List Alibaba Cloud NLB listeners and their attributes
version_added: 0.1.0
description:
  - Lists the listeners of an Alibaba Cloud Network Load Balancer (C(ListListeners), every page), optionally only those of
    one protocol and port, or returns one listener by its ID (C(GetListenerAttribute)).
  - Listeners come back in the shape that M(multicloud.listeners.nlb_listener_attribute) returns.
  - With O(role_vars), it also returns the listeners as the variables of the role
    R(multicloud.listeners.nlb_listener_attributes,ansible_collections.multicloud.listeners.nlb_listener_attributes_role),
    to bring a load balancer's existing listeners under Ansible (see the collection's C(docs/adopting-listeners.md)).
author:
  - multicloud.listeners maintainers (@multicloud)
options:
  listener_id:
    description:
      - The ID of one listener. A listener that does not exist gives an empty RV(listeners).
      - Mutually exclusive with O(load_balancer_id).
    type: str
  load_balancer_id:
    description: The ID of the load balancer whose listeners to list.
    type: str
  listener_protocol:
    description: With O(load_balancer_id), list only the listeners of this protocol.
    type: str
    choices: [TCP, UDP, TCPSSL]
  listener_port:
    description: With O(load_balancer_id), list only the listeners on this port.
    type: int
  role_vars:
    description:
      - Also return RV(role_vars), the variables of the C(multicloud.listeners.nlb_listener_attributes) role that
        declare the listeners read, so that the role's first run with them changes nothing.
      - V(none) returns no RV(role_vars).
      - V(non_default) keeps only the attributes that differ from the service's defaults, those of C(CreateListener)
        (C(idle_timeout) 900 on TCP and TCPSSL and 20 on UDP, C(security_policy_id) V(tls_cipher_policy_1_0), C(cps)
        and C(mss) 0, every switch off), plus what creating the listener again needs, C(server_group_id) always and
        C(certificate_ids) on TCPSSL listeners.
      - V(all) keeps every attribute that the listener's protocol takes (no TLS attributes on TCP and UDP listeners,
        no C(mss) on UDP ones).
      - Either way an attribute the listener has no value for (no description, no ALPN policy, no CA certificate) is
        left out, as the role leaves an omitted attribute as it is. Tags and the listener's status are not role
        variables. Listeners being deleted are left out.
      - Values that the service holds but the role's rules refuse (a description with a space, made in the console)
        are returned as they are, with a warning naming them.
    type: str
    choices: [none, non_default, all]
    default: none
    version_added: 0.3.0
requirements:
  - alibabacloud-nlb20220430 >= 4.0
extends_documentation_fragment:
  - multicloud.listeners.alicloud
  - multicloud.listeners.info_attributes
attributes:
  action_group:
    description: Use C(group/multicloud.listeners.alicloud) in C(module_defaults) to set the common options once.
    support: full
    membership: [multicloud.listeners.alicloud]
seealso:
  - module: multicloud.listeners.nlb_listener_attribute
"""

EXAMPLES = r"""
- name: List the listeners of a load balancer
  multicloud.listeners.nlb_listener_info:
    alicloud_region: cn-hangzhou
    load_balancer_id: nlb-wb7r6dlwetvt5j7y4n
  register: nlb

- name: Show their protocols and ports
  ansible.builtin.debug:
    msg: "{{ nlb.listeners | map(attribute='listener_protocol') | zip(nlb.listeners | map(attribute='listener_port')) | list }}"

- name: The TCPSSL listener on 443, with shared options
  module_defaults:
    group/multicloud.listeners.alicloud:
      alicloud_region: cn-hangzhou
  multicloud.listeners.nlb_listener_info:
    load_balancer_id: nlb-wb7r6dlwetvt5j7y4n
    listener_protocol: TCPSSL
    listener_port: 443

- name: The listeners as the nlb_listener_attributes role's variables, only what differs from the service's defaults
  multicloud.listeners.nlb_listener_info:
    alicloud_region: cn-hangzhou
    load_balancer_id: nlb-wb7r6dlwetvt5j7y4n
    role_vars: non_default
  register: nlb_adopted

- name: Show them as YAML (docs/examples/adopt/adopt.yml writes them to an environment's group_vars)
  ansible.builtin.debug:
    msg: "{{ nlb_adopted.role_vars | ansible.builtin.to_nice_yaml(indent=2) }}"

- name: One listener by ID
  multicloud.listeners.nlb_listener_info:
    alicloud_region: cn-hangzhou
    listener_id: lsn-bp1bpn0kn908w4nbw7y4n@443
"""

RETURN = r"""
listeners:
  description: The listeners in the order the service lists them; one or none with O(listener_id).
  returned: always
  type: list
  elements: dict
  contains:
    listener_id:
      description: The listener's ID.
      type: str
      sample: lsn-bp1bpn0kn908w4nbw****@80
    load_balancer_id:
      description: The ID of the listener's load balancer.
      type: str
      sample: nlb-wb7r6dlwetvt5j****
    listener_protocol:
      description: The listener's protocol, C(TCP), C(UDP) or C(TCPSSL).
      type: str
      sample: TCP
    listener_port:
      description: The listener's port, C(0) for a listener on a port range.
      type: int
      sample: 80
    start_port:
      description: The first port of a port-range listener.
      type: int
      sample: 0
    end_port:
      description: The last port of a port-range listener.
      type: int
      sample: 0
    listener_status:
      description: The listener's status, for example C(Running) or C(Configuring).
      type: str
      sample: Running
    region_id:
      description: The region of the load balancer.
      type: str
      sample: cn-hangzhou
    listener_description:
      description: The listener's name.
      type: str
      sample: web_tcp_80
    server_group_id:
      description: The server group the listener forwards to.
      type: str
      sample: sgp-atstuj3rtop****
    security_policy_id:
      description: The TLS security policy (TCPSSL listeners).
      type: str
      sample: tls_cipher_policy_1_2
    certificate_ids:
      description: The server certificate IDs, sorted.
      type: list
      elements: str
      sample: ["12315790-cn-hangzhou"]
    ca_certificate_ids:
      description: The CA certificate IDs, sorted.
      type: list
      elements: str
      sample: []
    ca_enabled:
      description: Whether mutual authentication is enabled.
      type: bool
      sample: false
    idle_timeout:
      description: The idle connection timeout in seconds.
      type: int
      sample: 900
    proxy_protocol_enabled:
      description: Whether the Proxy protocol is enabled.
      type: bool
      sample: false
    proxy_protocol_v2_config:
      description: What the Proxy protocol v2 passes to the backend servers.
      type: dict
      contains:
        ppv2_vpc_id_enabled:
          description: Whether the VPC ID is passed.
          type: bool
          sample: false
        ppv2_private_link_ep_id_enabled:
          description: Whether the PrivateLink endpoint ID is passed.
          type: bool
          sample: false
        ppv2_private_link_eps_id_enabled:
          description: Whether the PrivateLink endpoint service ID is passed.
          type: bool
          sample: false
    sec_sensor_enabled:
      description: Whether fine-grained monitoring is enabled.
      type: bool
      sample: false
    alpn_enabled:
      description: Whether ALPN is enabled.
      type: bool
      sample: false
    alpn_policy:
      description: The ALPN policy, null when none is set.
      type: str
      sample: HTTP2Preferred
    cps:
      description: The new connections per second limit per zone, C(0) for unlimited.
      type: int
      sample: 0
    mss:
      description: The maximum TCP segment size, C(0) to keep it.
      type: int
      sample: 0
    tags:
      description: The listener's tags.
      type: dict
      sample: {"env": "prod"}
role_vars:
  description:
    - The variables of the C(multicloud.listeners.nlb_listener_attributes) role that declare the listeners read.
    - Entries are sorted by load balancer, protocol and port.
  returned: when O(role_vars) is not V(none)
  type: dict
  sample:
    nlb_listener_attributes_listeners:
      - load_balancer_id: nlb-wb7r6dlwetvt5j7y4n
        listener_protocol: TCP
        listener_port: 80
        attributes:
          server_group_id: sgp-atstuj3rtop7k2m1q
          idle_timeout: 300
  contains:
    nlb_listener_attributes_listeners:
      description:
        - One entry per listener, C(load_balancer_id), C(listener_protocol), C(listener_port) (C(start_port) and
          C(end_port) for a port-range listener) and C(attributes).
      type: list
      elements: dict
      returned: always
error:
  description: The error of a failed API call.
  returned: on API failures
  type: dict
  contains:
    code:
      description: The service's error code, null when the request got no answer.
      type: str
      sample: Forbidden.NoPermission
    message:
      description: The service's error message.
      type: str
      sample: You are not authorized to do this action.
    request_id:
      description: The ID of the failed request.
      type: str
      sample: 365F4154-92F6-4AE4-92F8-7FF34B540710
retries:
  description: How many times the failed API call was retried before the task gave up (0 when it was not retried).
  returned: when an API call failed
  type: int
  sample: 5
"""

from ansible_collections.multicloud.listeners.plugins.module_utils._adopt import ROLE_VARS_CHOICES
from ansible_collections.multicloud.listeners.plugins.module_utils._adopt import nlb_refusals
from ansible_collections.multicloud.listeners.plugins.module_utils._adopt import nlb_role_vars
from ansible_collections.multicloud.listeners.plugins.module_utils._alicloud import AlicloudApiError
from ansible_collections.multicloud.listeners.plugins.module_utils._alicloud import AlicloudModule
from ansible_collections.multicloud.listeners.plugins.module_utils._identity import check_module_identity
from ansible_collections.multicloud.listeners.plugins.module_utils._nlb import NlbListenerApi
from ansible_collections.multicloud.listeners.plugins.module_utils._nlb import listener_identity_spec
from ansible_collections.multicloud.listeners.plugins.module_utils._nlb_state import validate_identity

NOT_FOUND_CODE_PREFIX = "ResourceNotFound"


class NlbListenerInfo:
    """One nlb_listener_info task: read only."""

    def __init__(self, module):
        self.module = module
        self.params = module.params
        check_module_identity(module, "nlb_listener_info")
        errors = validate_identity(self.params["listener_protocol"], self.params["listener_port"])
        if errors:
            module.fail_json(msg=" ".join(errors))
        self.api = NlbListenerApi(module)

    @staticmethod
    def define_module():
        spec = listener_identity_spec()
        spec["role_vars"] = dict(type="str", choices=list(ROLE_VARS_CHOICES), default="none")
        return AlicloudModule(
            "nlb",
            argument_spec=spec,
            required_one_of=[("listener_id", "load_balancer_id")],
            mutually_exclusive=[("listener_id", "load_balancer_id"), ("listener_id", "listener_protocol"), ("listener_id", "listener_port")],
            supports_check_mode=True,
        )

    def listeners(self):
        params = self.params
        try:
            if params["listener_id"]:
                return [self.api.get_listener(params["listener_id"])]
            return self.api.list_listeners(params["load_balancer_id"], params["listener_protocol"], params["listener_port"])
        except AlicloudApiError as error:
            if params["listener_id"] and (error.code or "").startswith(NOT_FOUND_CODE_PREFIX):
                return []
            if params["listener_id"]:
                what = "read listener %s" % params["listener_id"]
            else:
                what = "list the listeners of load balancer %s" % params["load_balancer_id"]
            self.module.fail_api_error(error, "Failed to %s" % what)
            raise  # not reached: fail_json exits


def main():
    module = NlbListenerInfo.define_module()
    info = NlbListenerInfo(module)
    listeners = info.listeners()
    result = dict(changed=False, listeners=listeners)
    if module.params["role_vars"] != "none":
        result["role_vars"] = nlb_role_vars(listeners, module.params["role_vars"])
        for problem in nlb_refusals(result["role_vars"]):
            module.warn("role_vars: the role would refuse a value the service holds; edit it before applying: %s" % problem)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
