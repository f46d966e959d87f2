#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) multicloud.listeners contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: nlb_listener_attribute
short_description: Manage the attributes of an Alibaba Cloud NLB listener
version_added: 0.1.0
description:
  - Sets the attributes of an existing Alibaba Cloud Network Load Balancer (NLB, API 2022-04-30) listener, idempotently.
  - The task reads the listener, compares only the options that are set (ID lists as sets, O(proxy_protocol_v2_config)
    key by key) and calls C(UpdateListenerAttribute) only when something differs, with only the differing fields.
  - The listener is found by O(listener_id), or by O(load_balancer_id), O(listener_protocol) and O(listener_port)
    (C(ListListeners), every page), so roles reused across environments need no listener IDs.
  - In check mode, a difference is sent to the service as C(UpdateListenerAttribute) with C(DryRun=true). The service
    validates the change without applying it; the task reports C(changed) and the predicted listener when the
    precheck passes (C(DryRunOperation)) and fails with the service's code and message when it does not.
  - After a change, the task waits for the update job (C(GetJobStatus)) and for the listener to be C(Running) again,
    then returns the listener as the service holds it.
  - The module neither creates nor deletes listeners.
author:
  - multicloud.listeners maintainers (@multicloud)
options:
  listener_id:
    description:
      - The ID of the listener. Mutually exclusive with O(load_balancer_id), O(listener_protocol) and O(listener_port).
    type: str
  load_balancer_id:
    description:
      - The ID of the load balancer of the listener, used with O(listener_protocol) and O(listener_port) when
        O(listener_id) is not known. No listener or several with that key fail the task.
    type: str
  listener_protocol:
    description: The protocol of the listener, with O(load_balancer_id).
    type: str
    choices: [TCP, UDP, TCPSSL]
  listener_port:
    description: The port of the listener (0-65535; 0 for a listener on a port range), with O(load_balancer_id).
    type: int
  listener_description:
    description:
      - The name of the listener, 2 to 256 characters of ASCII letters, digits, Chinese characters (the CJK Unified
        Ideographs block, U+4E00-U+9FFF) and C(,) C(.) C(;) C(/) C(@) C(_) C(-).
      - Other letters (accented Latin, Cyrillic, kana, full-width digits), spaces and line breaks are refused before any
        call, as the service refuses them.
    type: str
  server_group_id:
    description: The server group the listener forwards to.
    type: str
  security_policy_id:
    description:
      - The TLS security policy, a system policy such as V(tls_cipher_policy_1_2) or the ID of a custom policy.
      - TCPSSL listeners only.
    type: str
  certificate_ids:
    description:
      - The server certificate, a list of at most one ID. Compared as a set.
      - TCPSSL listeners only. The certificate can be replaced but not removed (the API cannot send an empty list).
    type: list
    elements: str
  ca_certificate_ids:
    description:
      - The CA certificate for mutual authentication, a list of at most one ID. Compared as a set.
      - TCPSSL listeners only. The certificate can be replaced but not removed (the API cannot send an empty list);
        O(ca_enabled=false) stops mutual authentication.
    type: list
    elements: str
  ca_enabled:
    description: Whether mutual TLS authentication is enabled. TCPSSL listeners only.
    type: bool
  idle_timeout:
    description:
      - The idle connection timeout in seconds, 10-20 for UDP listeners.
      - For TCP and TCPSSL listeners the documented range is 10-900; the service accepts more on accounts it has
        allowed to, so values up to 3600 are sent and left to the service to judge (in check mode its C(DryRun)
        validates them).
    type: int
  proxy_protocol_enabled:
    description: Whether the Proxy protocol passes client addresses to the backend servers.
    type: bool
  proxy_protocol_v2_config:
    description:
      - What the Proxy protocol v2 passes to the backend servers. Only the keys that are set are compared; the others
        keep the listener's values.
    type: dict
    suboptions:
      ppv2_vpc_id_enabled:
        description: Pass the VPC ID.
        type: bool
      ppv2_private_link_ep_id_enabled:
        description: Pass the PrivateLink endpoint ID.
        type: bool
      ppv2_private_link_eps_id_enabled:
        description: Pass the PrivateLink endpoint service ID.
        type: bool
  sec_sensor_enabled:
    description: Whether fine-grained monitoring is enabled.
    type: bool
  alpn_enabled:
    description:
      - Whether Application-Layer Protocol Negotiation is enabled. TCPSSL listeners only.
      - Enabling it on a listener that has no ALPN policy needs O(alpn_policy).
    type: bool
  alpn_policy:
    description: The ALPN policy. TCPSSL listeners only.
    type: str
    choices: [HTTP1Only, HTTP2Only, HTTP2Optional, HTTP2Preferred]
  cps:
    description: The maximum number of new connections per second per zone, 0-1000000; V(0) means unlimited.
    type: int
  mss:
    description:
      - The maximum TCP segment size in bytes, 0-1500; V(0) keeps the segment size.
      - TCP and TCPSSL listeners only; refused on UDP listeners (before any call when O(listener_protocol) is given,
        otherwise once the listener is read).
    type: int
  wait:
    description: After an update, wait for its job to succeed and for the listener to be C(Running) again.
    type: bool
    default: true
  wait_timeout:
    description: How many seconds to wait, in total, for the job and the listener, 1-3600.
    type: int
    default: 300
  client_token:
    description:
      - The C(ClientToken) of the update, which makes a retried request idempotent on the service side (1 to 64
        printable ASCII characters without spaces).
      - When omitted, it is derived from the listener ID and the changed fields' values before and after, so the same
        change from the same state always carries the same token.
    type: str
requirements:
  - alibabacloud-nlb20220430 >= 4.0
extends_documentation_fragment:
  - multicloud.listeners.alicloud
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
    details:
      - A difference is sent with C(DryRun=true), so the service validates the change; nothing is applied.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: full
    details: Returns the listener's attributes before and after.
  idempotent:
    description: When run twice in a row outside check mode, with the same arguments, the second invocation indicates no change.
    support: full
    details: A run without a difference makes read calls only.
  action_group:
    description: Use C(group/multicloud.listeners.alicloud) in C(module_defaults) to set the common options once.
    support: full
    membership: [multicloud.listeners.alicloud]
notes:
  - The C(ListListeners) entry carries every attribute, so a listener found by its natural key is read once, with no
    C(GetListenerAttribute) call.
  - With O(wait=false), RV(listener) is the predicted listener and the job may still be running.
seealso:
  - module: multicloud.listeners.nlb_listener_info
  - name: UpdateListenerAttribute API reference
    description: The NLB API call this module makes.
    link: https://www.alibabacloud.com/help/en/slb/network-load-balancer/developer-reference/api-nlb-2022-04-30-updatelistenerattribute
"""

EXAMPLES = r"""
- name: Set NLB listener attributes with shared credentials
  module_defaults:
    group/multicloud.listeners.alicloud:
      alicloud_region: cn-hangzhou
  block:
    - name: Point the TCP 80 listener of a load balancer at the green server group (found by its natural key)
      multicloud.listeners.nlb_listener_attribute:
        load_balancer_id: nlb-wb7r6dlwetvt5j7y4n
        listener_protocol: TCP
        listener_port: 80
        server_group_id: sgp-atstuj3rtop7k2m1q
        idle_timeout: 600
        listener_description: web_tcp_80
      register: web

    - name: Show the listener as the service holds it
      ansible.builtin.debug:
        var: web.listener

- name: Preview a certificate rotation; the service validates it with DryRun
  multicloud.listeners.nlb_listener_attribute:
    alicloud_region: cn-hangzhou
    listener_id: lsn-bp1bpn0kn908w4nbw7y4n@443
    certificate_ids: [12315791-cn-hangzhou]
    alpn_enabled: true
    alpn_policy: HTTP2Preferred
  check_mode: true
  diff: true

- name: Enable the Proxy protocol v2 with the VPC ID, leaving the other v2 keys as they are
  multicloud.listeners.nlb_listener_attribute:
    alicloud_region: cn-hangzhou
    listener_id: lsn-bp1bpn0kn908w4nbw7y4n@80
    proxy_protocol_enabled: true
    proxy_protocol_v2_config:
      ppv2_vpc_id_enabled: true
    wait_timeout: 600

- name: Credentials from a profile of the aliyun CLI (~/.aliyun/config.json), endpoint in the VPC
  multicloud.listeners.nlb_listener_attribute:
    alicloud_region: cn-hangzhou
    profile: nlb-admin
    # or a RAM role to assume with those credentials: alicloud_assume_role_arn: acs:ram::123456789012:role/ansible-nlb
    endpoint_url: nlb-vpc.cn-hangzhou.aliyuncs.com
    listener_id: lsn-bp1bpn0kn908w4nbw7y4n@80
    cps: 10000
"""

RETURN = r"""
listener:
  description:
    - The listener after the task, as GetListenerAttribute returns it in snake_case.
    - In check mode and with O(wait=false), the listener as predicted.
  returned: always
  type: dict
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
job_id:
  description: The ID of the update job.
  returned: when an update was sent (not in check mode)
  type: str
  sample: 72dcd26b-f12d-4c27-b3af-18f6aed5****
diff:
  description: The listener's attributes (the options of this module) before and after.
  returned: in diff mode
  type: dict
  contains:
    before:
      description: The attributes before the task, in the shape of RV(listener) without the identity and status fields.
      type: dict
      sample: {"idle_timeout": 900, "cps": 0, "listener_description": "web_tcp_80", "server_group_id": "sgp-atstuj3rtoptyui****"}
    after:
      description: The attributes after the task (predicted in check mode), in the same shape.
      type: dict
      sample: {"idle_timeout": 60, "cps": 0, "listener_description": "web_tcp_80", "server_group_id": "sgp-atstuj3rtoptyui****"}
plan:
  description:
    - What the task did, or would do in check mode, for the C(multicloud.listeners.plan) callback.
    - Also returned by a failed check-mode preview and a failed update, with RV(plan.error).
  returned: always, and on failures of the preview or the update
  type: dict
  contains:
    resource:
      description: Always C(nlb_listener).
      type: str
      sample: nlb_listener
    action:
      description: V(update) when something differs, else V(none).
      type: str
      sample: update
    id:
      description: The listener's ID.
      type: str
      sample: lsn-bp1bpn0kn908w4nbw****@80
    key:
      description: The listener's natural key.
      type: dict
      contains:
        load_balancer_id:
          description: The ID of the load balancer.
          type: str
          sample: nlb-83ckzc8d4xlp8o****
        protocol:
          description: The listener's protocol.
          type: str
          sample: TCP
        port:
          description: The listener's port.
          type: int
          sample: 80
    changes:
      description: Each attribute that differs, with its value before and after.
      type: dict
      sample: {"idle_timeout": {"before": 900, "after": 600}}
    error:
      description: Why the service refused the preview or the update.
      returned: when the preview or the update failed
      type: dict
      contains:
        code:
          description: The service's error code.
          type: str
          sample: Mismatch.VpcId
        message:
          description: The service's error message.
          type: str
          sample: The VpcId is mismatched.
        request_id:
          description: The ID of the failed request.
          type: str
          sample: 365F4154-92F6-4AE4-92F8-7FF34B540710
error:
  description: The error of a failed API call.
  returned: on API failures
  type: dict
  contains:
    code:
      description: The service's error code, null when the request got no answer.
      type: str
      sample: IncorrectStatus.listener
    message:
      description: The service's error message.
      type: str
      sample: The status of listener [lsn-bp1bpn0kn908w4nbw****@80] is incorrect.
    request_id:
      description: The ID of the failed request, for Alibaba Cloud support.
      type: str
      sample: 2198BD6D-9EBB-5E1C-9C48-E0ABB79CF831
retries:
  description: How many times the failed API call was retried before the task gave up (0 when it was not retried).
  returned: when an API call failed
  type: int
  sample: 5
"""

from ansible_collections.multicloud.listeners.plugins.module_utils._alicloud import AlicloudApiError
from ansible_collections.multicloud.listeners.plugins.module_utils._alicloud import AlicloudModule
from ansible_collections.multicloud.listeners.plugins.module_utils._alicloud import is_retryable
from ansible_collections.multicloud.listeners.plugins.module_utils._common import describe_changes
from ansible_collections.multicloud.listeners.plugins.module_utils._common import plan_record
from ansible_collections.multicloud.listeners.plugins.module_utils._identity import check_module_identity
from ansible_collections.multicloud.listeners.plugins.module_utils._listener_set import LOST_ANSWER_NOTE
from ansible_collections.multicloud.listeners.plugins.module_utils._nlb import ListenerLookupError
from ansible_collections.multicloud.listeners.plugins.module_utils._nlb import NlbListenerApi
from ansible_collections.multicloud.listeners.plugins.module_utils._nlb import listener_identity_spec
from ansible_collections.multicloud.listeners.plugins.module_utils._nlb_set import attribute_argument_spec
from ansible_collections.multicloud.listeners.plugins.module_utils._nlb_state import build_update_request
from ansible_collections.multicloud.listeners.plugins.module_utils._nlb_state import compute_changes
from ansible_collections.multicloud.listeners.plugins.module_utils._nlb_state import derive_client_token
from ansible_collections.multicloud.listeners.plugins.module_utils._nlb_state import desired_attributes
from ansible_collections.multicloud.listeners.plugins.module_utils._nlb_state import listener_attributes
from ansible_collections.multicloud.listeners.plugins.module_utils._nlb_state import listener_key
from ansible_collections.multicloud.listeners.plugins.module_utils._nlb_state import plan_changes
from ansible_collections.multicloud.listeners.plugins.module_utils._nlb_state import predict_listener
from ansible_collections.multicloud.listeners.plugins.module_utils._nlb_state import validate_desired
from ansible_collections.multicloud.listeners.plugins.module_utils._nlb_state import validate_for_listener
from ansible_collections.multicloud.listeners.plugins.module_utils._nlb_state import validate_identity

PLAN_RESOURCE = "nlb_listener"


class NlbListenerAttribute:
    """One nlb_listener_attribute task: read the listener, compare, send only the difference."""

    def __init__(self, module):
        self.module = module
        self.params = module.params
        check_module_identity(module, "nlb_listener_attribute")
        self.desired = desired_attributes(self.params)
        self._validate_options()
        self.api = NlbListenerApi(module)

    @staticmethod
    def define_module():
        argument_spec = listener_identity_spec()
        argument_spec.update(attribute_argument_spec())  # the same attribute options as the set module's entries
        argument_spec.update(
            wait=dict(type="bool", default=True),
            wait_timeout=dict(type="int", default=300),
            client_token=dict(type="str", no_log=False),
        )
        return AlicloudModule(
            "nlb",
            argument_spec=argument_spec,
            required_one_of=[("listener_id", "load_balancer_id")],
            mutually_exclusive=[("listener_id", "load_balancer_id"), ("listener_id", "listener_protocol"), ("listener_id", "listener_port")],
            required_by={"load_balancer_id": ("listener_protocol", "listener_port")},
            supports_check_mode=True,
        )

    def _validate_options(self):
        params = self.params
        errors = validate_identity(params["listener_protocol"], params["listener_port"], params["client_token"], params["wait_timeout"])
        errors.extend(validate_desired(self.desired, params["listener_protocol"]))
        if errors:
            self.module.fail_json(msg=" ".join(errors))

    # --- read -------------------------------------------------------------------------------
    def read_listener(self):
        params = self.params
        try:
            if params["listener_id"]:
                return self.api.get_listener(params["listener_id"])
            return self.api.find_listener(params["load_balancer_id"], params["listener_protocol"], params["listener_port"])
        except ListenerLookupError as exc:
            self.module.fail_json(msg=str(exc))
        except AlicloudApiError as error:
            if params["listener_id"]:
                what = "read listener %s" % params["listener_id"]
            else:
                what = "list the listeners of load balancer %s" % params["load_balancer_id"]
            self.module.fail_api_error(error, "Failed to %s" % what, listener={})

    # --- the task ---------------------------------------------------------------------------
    def run(self):
        current = self.read_listener()
        errors = validate_for_listener(self.desired, current)
        if errors:
            self.module.fail_json(msg=" ".join(errors), listener=current)
        changes = compute_changes(current, self.desired)
        action = "update" if changes else "none"
        plan = plan_record(PLAN_RESOURCE, action, current["listener_id"], listener_key(current), plan_changes(current, changes))
        if not changes:
            return self._result(False, current, current, plan)
        if self.module.check_mode:
            self._preview(current, changes, plan)
            return self._result(True, current, predict_listener(current, changes), plan)
        job_id, after = self._update(current, changes, plan)
        result = self._result(True, current, after, plan)
        result["job_id"] = job_id
        return result

    def _client_token(self, current, changes, dry_run=False, replaced_job=None):
        if self.params["client_token"]:
            return self.params["client_token"]
        return derive_client_token(current["listener_id"], current, changes, dry_run=dry_run, replaced_job=replaced_job)

    def _request(self, current, changes, dry_run=False, replaced_job=None):
        return build_update_request(current["listener_id"], changes, self._client_token(current, changes, dry_run, replaced_job),
                                    region_id=self.module.region, dry_run=dry_run)

    def _preview(self, current, changes, plan):
        """Check mode: UpdateListenerAttribute with DryRun; the service's precheck decides."""
        try:
            self.api.preview_update(self._request(current, changes, dry_run=True), self.module.deadline(self.params["wait_timeout"]))
        except AlicloudApiError as error:
            self.module.fail_api_error(error, "The service rejected the change to listener %s (DryRun; %s)"
                                       % (current["listener_id"], describe_changes(plan["changes"])),
                                       listener=current, plan=dict(plan, error=error.to_dict()))

    def _update(self, current, changes, plan, replaced_job=None):
        """Send the update; with ``wait``, wait for the job and the listener, then return what the service holds."""
        deadline = self.module.deadline(self.params["wait_timeout"])
        listener_id = current["listener_id"]
        try:
            job_id, dummy = self.api.update_listener(self._request(current, changes, replaced_job=replaced_job), deadline)
        except AlicloudApiError as error:
            self._update_failed(error, current, changes, plan)
        if not self.params["wait"]:
            return job_id, predict_listener(current, changes)
        what = "the update of listener %s" % listener_id
        failure = dict(listener=current, plan=plan, changed=True)  # the write was accepted, whatever the wait says
        if job_id:
            self.module.wait_for_job(self.api.get_job_status, job_id, deadline, self.params["wait_timeout"], what, **failure)
        try:
            running, after = self.api.wait_until_running(listener_id, deadline)
        except AlicloudApiError as error:
            self.module.fail_api_error(error, "The service accepted %s (job %s), but reading the listener failed" % (what, job_id),
                                       job_id=job_id, **failure)
        if not running:
            self.module.fail_json(
                msg="Timed out after %s seconds waiting for listener %s to be Running; last status: %s. "
                    "The service accepted the write (job %s)." % (self.params["wait_timeout"], listener_id, after.get("listener_status"), job_id),
                job_id=job_id, **failure)
        left = compute_changes(after, self.desired)
        if left and not self.params["client_token"] and not replaced_job and compute_changes(after, changes) == changes:
            # Nothing landed: the derived token matched the same change made earlier (A -> B -> A -> B),
            # so the service answered with that old job. Send the change once more under a fresh token.
            return self._update(after, changes, plan, replaced_job=job_id or "none")
        if left:
            self.module.warn("After job %s, listener %s still differs in: %s." % (job_id, listener_id, ", ".join(sorted(left))))
        return job_id, after

    def _update_failed(self, error, current, changes, plan):
        """The update failed for good: read the listener once more, since only its answers may have been lost."""
        listener_id = current["listener_id"]
        failure = "Failed to update listener %s (%s)" % (listener_id, describe_changes(plan["changes"]))
        held = None
        if is_retryable(error):  # no answer, 5xx or throttling: the write may have been applied; a refusal was not
            try:
                held = self.api.get_listener(listener_id)
            except AlicloudApiError:
                held = None
        if held is not None and not compute_changes(held, changes):
            self.module.fail_api_error(error, failure + "; a read afterwards shows the change was applied (its answers were lost), "
                                       "but the job could not be followed", listener=held, changed=True,
                                       plan=dict(plan, note=LOST_ANSWER_NOTE))
        self.module.fail_api_error(error, failure, listener=held or current, plan=dict(plan, error=error.to_dict()))

    def _result(self, changed, before, after, plan):
        result = {"changed": changed, "listener": after, "plan": plan}
        if self.module._diff:
            result["diff"] = {"before": listener_attributes(before), "after": listener_attributes(after)}
        return result


def main():
    module = NlbListenerAttribute.define_module()
    task = NlbListenerAttribute(module)
    module.exit_json(**task.run())


if __name__ == "__main__":
    main()
