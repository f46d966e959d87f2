#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) multicloud.listeners contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: nlb_load_balancer_listeners
short_description: Manage the listeners of an Alibaba Cloud NLB load balancer as a set, in one task
version_added: 0.3.0
description:
  - Converge the listeners of one Alibaba Cloud Network Load Balancer (NLB, API 2022-04-30) in one task. It creates the
    declared listeners that are missing, updates the attributes that differ, deletes the listeners declared absent and,
    with O(purge), the listeners no entry declares.
  - The task reads the load balancer's listeners with C(ListListeners) (one call per 100 listeners; its entries carry
    every attribute) and writes only the difference, C(CreateListener), C(UpdateListenerAttribute) with only the
    differing fields, and C(DeleteListener). A task with nothing to change makes only those reads.
  - Every write of a batch is sent before any job is awaited, then the jobs are awaited together until all succeed,
    then one final C(ListListeners) returns the listeners as the service holds them. The jobs are polled
    (C(GetJobStatus)) oldest first; a round asks for the oldest pending job, and for the next only once that one has
    ended. The rounds come at once, then every 0.25 seconds for 2 seconds, then less often, up to every 5 seconds.
    A batch holds at most 10 writes. A create that needs the port or the quota place of a listener the same task
    deletes goes in a later batch, once that delete's job has ended.
  - Each entry of O(listeners) names its listener by O(listeners[].listener_protocol) and O(listeners[].listener_port)
    (or the port range O(listeners[].start_port)-O(listeners[].end_port) with O(listeners[].listener_port=0)). Its
    attribute options have the names and rules of M(multicloud.listeners.nlb_listener_attribute); only the options
    that are set are compared.
  - Everything the module can foresee the service refusing fails the task before the first write and names the
    entry, so a refused set is never half applied; the writes are ordered deletes, updates, creates.
  - In check mode every write the task would make is sent with C(DryRun=true), so the service validates each one
    without applying it.
  - A listener is created started, as the service does. A C(Stopped) listener is reported (a warning and
    RV(plan[].listener_status)), never started.
author:
  - multicloud.listeners maintainers (@multicloud)
options:
  load_balancer_id:
    description:
      - The ID of the load balancer. An empty or blank value is refused before any call.
    type: str
    required: true
  listeners:
    description:
      - The declared listeners of the load balancer. Listeners that are not declared are kept (and returned in
        RV(undeclared)) unless O(purge) is set.
      - Each listener is declared once; two present entries may not share a port of one port class (TCP and TCPSSL
        listeners share one port space, UDP listeners have their own; a range occupies every port in it).
    type: list
    elements: dict
    default: []
    suboptions:
      listener_protocol:
        description: The listener's protocol.
        type: str
        choices: [TCP, UDP, TCPSSL]
        required: true
      listener_port:
        description:
          - The listener's port, 1-65535, or V(0) for a listener on the port range O(listeners[].start_port) to
            O(listeners[].end_port).
        type: int
        required: true
      start_port:
        description: The first port of a port-range listener (1-65535), with O(listeners[].listener_port=0) only.
        type: int
      end_port:
        description:
          - The last port of a port-range listener (1-65535, greater than O(listeners[].start_port)), with
            O(listeners[].listener_port=0) only.
        type: int
      state:
        description:
          - V(present) creates the listener or updates its attributes; V(absent) deletes it if it exists.
          - The attribute options of an absent entry are checked but not used.
        type: str
        choices: [present, absent]
        default: present
      listener_description:
        description:
          - The name of the listener, 2 to 256 characters of letters, digits, and C(,) C(.) C(;) C(/) C(@) C(_) C(-).
        type: str
      server_group_id:
        description:
          - The server group the listener forwards to. Required to create a listener.
        type: str
      security_policy_id:
        description:
          - The TLS security policy, a system policy such as V(tls_cipher_policy_1_2) or the ID of a custom policy.
          - TCPSSL listeners only. A new TCPSSL listener without it gets the service's default,
            V(tls_cipher_policy_1_0).
        type: str
      certificate_ids:
        description:
          - The server certificate, a list of at most one ID. Compared as a set. TCPSSL listeners only.
          - It can be replaced but not removed (the API cannot send an empty list).
        type: list
        elements: str
      ca_certificate_ids:
        description:
          - The CA certificate for mutual authentication, a list of at most one ID. Compared as a set. TCPSSL
            listeners only.
        type: list
        elements: str
      ca_enabled:
        description: Whether mutual TLS authentication is enabled. TCPSSL listeners only.
        type: bool
      idle_timeout:
        description:
          - The idle connection timeout in seconds, with the limits of
            M(multicloud.listeners.nlb_listener_attribute)'s O(multicloud.listeners.nlb_listener_attribute#module:idle_timeout)
            (10-20 on UDP listeners).
        type: int
      proxy_protocol_enabled:
        description: Whether the Proxy protocol passes client addresses to the backend servers.
        type: bool
      proxy_protocol_v2_config:
        description:
          - What the Proxy protocol v2 passes to the backend servers. Only the keys that are set are compared.
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
          - Enabling it needs O(listeners[].alpn_policy) unless the listener has one.
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
          - The maximum TCP segment size in bytes, 0-1500; V(0) keeps the segment size. Not on UDP listeners.
        type: int
  purge:
    description:
      - Delete the load balancer's listeners that no entry of O(listeners) declares.
      - With O(listeners=[]) this would delete every listener; that is refused unless O(delete_all_listeners=true)
        is also set.
    type: bool
    default: false
    aliases: [purge_listeners]
  delete_all_listeners:
    description:
      - The explicit opt-in for O(purge=true) with O(listeners=[]), which deletes every listener of the load
        balancer. Refused without O(purge) or with declared listeners.
    type: bool
    default: false
  wait:
    description:
      - After the last batch of writes, wait for their jobs to succeed and read the listeners once more.
      - Batches before the last one (more than 10 writes, or creates that wait for a delete) are always waited for.
    type: bool
    default: true
  wait_timeout:
    description: How many seconds to wait, in total, for the jobs of the task (and for busy listeners to be free).
    type: int
    default: 600
  client_token:
    description:
      - A prefix for the C(ClientToken) of every write (1 to 31 printable ASCII characters); each write's token is the
        prefix, C(-) and 32 characters derived from the write.
      - When omitted, the token is the derived part alone. It is derived from the listener (or the load balancer and
        the natural key of a create), the request's fields and the moment the task decided to write, so every retry of
        a write inside the task sends the same token and the service applies it once; a later task reads first and
        finds what an earlier one made.
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
      - Every write the task would make is sent with C(DryRun=true) (C(CreateListener), C(UpdateListenerAttribute),
        C(DeleteListener)), so the service validates it without applying it. A passing precheck
        (C(DryRunOperation)) is a predicted change.
      - A refused precheck fails the task after every write was checked, naming each refused entry (index, protocol
        and port) with the service's code and message; RV(plan) carries the code on each refused record.
      - A create that waits for a delete of the same task is not prechecked (the service would refuse it while the
        listener it replaces exists); a warning says so.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: full
    details: Returns the load balancer's listeners before and after.
  idempotent:
    description: When run twice in a row outside check mode, with the same arguments, the second invocation indicates no change.
    support: full
    details: A second run with the same options changes nothing and makes only the C(ListListeners) reads.
  action_group:
    description: Use C(group/multicloud.listeners.alicloud) in C(module_defaults) to set the common options once.
    support: full
    membership: [multicloud.listeners.alicloud]
notes:
  - Writes are retried on throttling, C(5xx) answers and lost answers with the same C(ClientToken), and sent again
    after a backoff while the listener or the load balancer is busy with another job (C(IncorrectStatus.listener),
    C(IncorrectStatus.loadbalancer)), until O(wait_timeout).
  - When a write or a job fails after others were applied, the task fails with C(changed=true); RV(plan) lists the
    applied writes followed by the failed one (with the service's code), and RV(listeners) is read once more.
  - The default quota of 50 listeners per load balancer is checked before the first write.
  - Listener tags are neither compared nor set.
seealso:
  - module: multicloud.listeners.nlb_listener_attribute
  - module: multicloud.listeners.nlb_listener_info
  - name: CreateListener API reference
    description: The NLB API call that creates a listener.
    link: https://www.alibabacloud.com/help/en/slb/network-load-balancer/developer-reference/api-nlb-2022-04-30-createlistener
"""

EXAMPLES = r"""
- name: The listeners of the web load balancer, and nothing else
  multicloud.listeners.nlb_load_balancer_listeners:
    alicloud_region: cn-hangzhou
    load_balancer_id: nlb-wb7r6dlwetvt5j7y4n
    listeners:
      - listener_protocol: TCP
        listener_port: 80
        server_group_id: sgp-atstuj3rtop7k2m1q
        idle_timeout: 600
        listener_description: web_tcp_80
      - listener_protocol: TCPSSL
        listener_port: 443
        server_group_id: sgp-ppdpc14gdm3x4o8k2z
        certificate_ids: [12315790-cn-hangzhou]
        security_policy_id: tls_cipher_policy_1_2
      - listener_protocol: UDP
        listener_port: 0
        start_port: 10000
        end_port: 10100
        server_group_id: sgp-u5xzqm2ab8kd0e1f7g
      - listener_protocol: TCP
        listener_port: 8080
        state: absent
    purge: true

- name: Preview the same change; the service prechecks every write (DryRun)
  multicloud.listeners.nlb_load_balancer_listeners:
    alicloud_region: cn-hangzhou
    load_balancer_id: nlb-wb7r6dlwetvt5j7y4n
    listeners:
      - listener_protocol: TCP
        listener_port: 80
        server_group_id: sgp-atstuj3rtop7k2m1q
  check_mode: true
  diff: true

- name: Delete every listener of a load balancer being retired
  multicloud.listeners.nlb_load_balancer_listeners:
    alicloud_region: cn-hangzhou
    load_balancer_id: nlb-r3t1r3dq8lb0x5w2v9
    listeners: []
    purge: true
    delete_all_listeners: true
"""

RETURN = r"""
listeners:
  description:
    - The load balancer's listeners after the task (predicted in check mode and with O(wait=false); a new listener's
      ID is null in check mode), sorted by first port and protocol.
    - Each in the shape of M(multicloud.listeners.nlb_listener_info)'s C(listeners) elements.
  returned: always
  type: list
  elements: dict
  sample: [{"listener_id": "lsn-bp1bpn0kn908w4nbw****@80", "load_balancer_id": "nlb-wb7r6dlwetvt5j****",
            "listener_protocol": "TCP", "listener_port": 80, "start_port": 0, "end_port": 0, "listener_status": "Running",
            "region_id": "cn-hangzhou", "listener_description": "web_tcp_80", "server_group_id": "sgp-atstuj3rtop****",
            "security_policy_id": null, "certificate_ids": [], "ca_certificate_ids": [], "ca_enabled": false,
            "idle_timeout": 600, "proxy_protocol_enabled": false,
            "proxy_protocol_v2_config": {"ppv2_vpc_id_enabled": false, "ppv2_private_link_ep_id_enabled": false,
                                         "ppv2_private_link_eps_id_enabled": false},
            "sec_sensor_enabled": false, "alpn_enabled": false, "alpn_policy": null, "cps": 0, "mss": 0, "tags": {}}]
load_balancer_id:
  description: The ID of the load balancer.
  returned: always
  type: str
  sample: nlb-wb7r6dlwetvt5j****
undeclared:
  description:
    - The listeners that no entry declares, kept because O(purge) is not set (in the shape of RV(listeners)).
    - Empty with O(purge=true).
  returned: always
  type: list
  elements: dict
  sample: []
diff:
  description: The load balancer's listeners before and after, in the shape of RV(listeners).
  returned: in diff mode
  type: dict
  contains:
    before:
      description: C({"listeners"}) before the task.
      type: dict
      sample: {"listeners": []}
    after:
      description: C({"listeners"}) after the task (predicted in check mode).
      type: dict
      sample: {"listeners": []}
plan:
  description:
    - What the task did, or would do in check mode, for the C(multicloud.listeners.plan) callback, one record per
      entry of O(listeners) in their order (action V(none) when in sync), then one per purged listener, then one per
      listener kept undeclared (action V(undeclared), the listeners of RV(undeclared)).
    - When a preview is refused, every record, the refused ones with RV(plan[].error). When a write or a job fails
      after others were applied, the applied records, then the failed ones. When the module refuses the set before
      any write, only the refused record.
  returned: always
  type: list
  elements: dict
  contains:
    resource:
      description: Always C(nlb_listener).
      type: str
      sample: nlb_listener
    action:
      description:
        - V(create), V(update), V(delete) or V(none) (in sync).
        - V(undeclared) for a listener that no entry declares and that the task keeps (O(purge) is off); such a
          record has no changes and writes nothing.
      type: str
      sample: create
    id:
      description: The listener's ID; null for a listener not created yet.
      type: str
      sample: lsn-bp1bpn0kn908w4nbw****@80
    key:
      description: The listener's natural key; C(start_port) and C(end_port) only for a port-range listener.
      type: dict
      sample: {"load_balancer_id": "nlb-wb7r6dlwetvt5j****", "protocol": "TCP", "port": 80}
    changes:
      description: Each attribute that differs (for a create, each attribute the entry sets), before and after.
      type: dict
      sample: {"idle_timeout": {"before": 900, "after": 600}}
    listener_status:
      description: C(Stopped) when the listener is stopped (the module does not start it).
      returned: for a stopped listener that is kept
      type: str
      sample: Stopped
    error:
      description: Why the service refused or would refuse this write; the task fails.
      returned: on the refused or failed records
      type: dict
      contains:
        code:
          description: The service's error code (or the one it would answer with).
          type: str
          sample: IncorrectStatus.listener
        message:
          description: The service's error message.
          type: str
          sample: The status of listener [lsn-bp1bpn0kn908w4nbw****@80] is incorrect.
        request_id:
          description: The ID of the failed request; null when predicted.
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
      sample: Throttling
    message:
      description: The service's error message.
      type: str
      sample: Request was denied due to request throttling.
    request_id:
      description: The ID of the failed request.
      type: str
      sample: 2198BD6D-9EBB-5E1C-9C48-E0ABB79CF831
retries:
  description: How many times the failed API call was retried before the task gave up (0 when it was not retried).
  returned: when an API call failed
  type: int
  sample: 5
"""

import time

from ansible_collections.multicloud.listeners.plugins.module_utils._alicloud import AlicloudApiError
from ansible_collections.multicloud.listeners.plugins.module_utils._alicloud import AlicloudModule
from ansible_collections.multicloud.listeners.plugins.module_utils._alicloud import JOB_FAILED
from ansible_collections.multicloud.listeners.plugins.module_utils._alicloud import JOB_POLL
from ansible_collections.multicloud.listeners.plugins.module_utils._alicloud import poll
from ansible_collections.multicloud.listeners.plugins.module_utils._alicloud import poll_jobs_round
from ansible_collections.multicloud.listeners.plugins.module_utils._identity import check_module_identity
from ansible_collections.multicloud.listeners.plugins.module_utils._listener_set import SetProgress
from ansible_collections.multicloud.listeners.plugins.module_utils._listener_set import purge_problem
from ansible_collections.multicloud.listeners.plugins.module_utils._listener_set import undeclared
from ansible_collections.multicloud.listeners.plugins.module_utils._nlb import NlbListenerApi
from ansible_collections.multicloud.listeners.plugins.module_utils._nlb_set import STOPPED_STATUS
from ansible_collections.multicloud.listeners.plugins.module_utils._nlb_set import ListenerSetInputError
from ansible_collections.multicloud.listeners.plugins.module_utils._nlb_set import ListenerSetRejected
from ansible_collections.multicloud.listeners.plugins.module_utils._nlb_set import build_create_request
from ansible_collections.multicloud.listeners.plugins.module_utils._nlb_set import build_delete_request
from ansible_collections.multicloud.listeners.plugins.module_utils._nlb_set import entry_argument_spec
from ansible_collections.multicloud.listeners.plugins.module_utils._nlb_set import entry_name
from ansible_collections.multicloud.listeners.plugins.module_utils._nlb_set import label
from ansible_collections.multicloud.listeners.plugins.module_utils._nlb_set import natural_key
from ansible_collections.multicloud.listeners.plugins.module_utils._nlb_set import plan_set
from ansible_collections.multicloud.listeners.plugins.module_utils._nlb_set import sorted_listeners
from ansible_collections.multicloud.listeners.plugins.module_utils._nlb_set import step_record
from ansible_collections.multicloud.listeners.plugins.module_utils._nlb_set import undeclared_records
from ansible_collections.multicloud.listeners.plugins.module_utils._nlb_set import validate_client_token_prefix
from ansible_collections.multicloud.listeners.plugins.module_utils._nlb_set import validate_entries
from ansible_collections.multicloud.listeners.plugins.module_utils._nlb_set import write_token
from ansible_collections.multicloud.listeners.plugins.module_utils._nlb_state import build_update_request
from ansible_collections.multicloud.listeners.plugins.module_utils._nlb_state import compute_changes
from ansible_collections.multicloud.listeners.plugins.module_utils._nlb_state import validate_identity

MODULE_NAME = "nlb_load_balancer_listeners"
LISTENER_GONE = "ResourceNotFound.listener"
OPERATIONS = {"create": ("create_listener", "CreateListener"), "update": ("update_listener_attribute", "UpdateListenerAttribute"),
              "delete": ("delete_listener", "DeleteListener")}


def describe_step(step):
    """``create listeners[2] (TCP:80)`` / ``delete purged listener lsn-1@80 (TCP:80)`` for messages."""
    if step["entry"] is not None:
        return "%s %s" % (step["action"], entry_name(step["entry"]))
    return "%s purged listener %s (%s)" % (step["action"], step["current"]["listener_id"], label(step["current"]))


class LoadBalancerListeners:
    """One nlb_load_balancer_listeners task: read, compare, send the writes in batches, await their jobs together."""

    def __init__(self, module):
        self.module = module
        self.params = module.params
        check_module_identity(module, MODULE_NAME)
        self.load_balancer_id = self.params["load_balancer_id"]
        errors = []
        errors.extend(validate_identity(wait_timeout=self.params["wait_timeout"]))
        problem = validate_client_token_prefix(self.params["client_token"])
        if problem:
            errors.append(problem)
        try:
            self.entries = validate_entries(self.params["listeners"])
        except ListenerSetInputError as error:
            errors.append(str(error))
            self.entries = []
        problem = purge_problem(self.params["listeners"], self.params["purge"], self.params["delete_all_listeners"],
                                "load balancer %s" % self.load_balancer_id)
        if problem:
            errors.append(problem)
        if errors:
            module.fail_json(msg=" ".join(errors))
        self.api = NlbListenerApi(module)
        self.decided_at = None
        self.result = {"changed": False, "load_balancer_id": self.load_balancer_id, "listeners": [], "plan": [], "undeclared": []}

    @staticmethod
    def define_module():
        return AlicloudModule(
            "nlb",
            argument_spec=dict(
                load_balancer_id=dict(type="str", required=True),
                listeners=dict(type="list", elements="dict", default=[], options=entry_argument_spec()),
                purge=dict(type="bool", default=False, aliases=["purge_listeners"]),
                delete_all_listeners=dict(type="bool", default=False),
                wait=dict(type="bool", default=True),
                wait_timeout=dict(type="int", default=600),
                client_token=dict(type="str", no_log=False),
            ),
            supports_check_mode=True,
        )

    # --- read ---------------------------------------------------------------------------------------------

    def _read(self, **failure):
        try:
            return sorted_listeners(self.api.list_listeners(self.load_balancer_id))
        except AlicloudApiError as error:
            self.module.fail_api_error(error, "Failed to list the listeners of load balancer %s" % self.load_balancer_id,
                                       **dict(self.result, **failure))

    # --- the task ------------------------------------------------------------------------------------------

    def run(self):
        before = self._read()
        self.result["listeners"] = before
        self.decided_at = time.time()
        purge = self.params["purge"]
        try:
            steps, batches, after = plan_set(before, self.entries, self.load_balancer_id, purge, region_id=self.module.region)
        except ListenerSetInputError as error:
            self.module.fail_json(msg=str(error), **self.result)
        except ListenerSetRejected as error:
            record = step_record(error.step, self.load_balancer_id)
            record["error"] = {"code": error.code, "message": str(error), "request_id": None}
            self.module.fail_json(msg=str(error), **dict(self.result, plan=[record]))
        for step in steps:
            step["record"] = step_record(step, self.load_balancer_id)
            if step["current"] is not None and step["action"] != "delete" and step["current"].get("listener_status") == STOPPED_STATUS:
                self.module.warn("%s: listener %s is Stopped; this module does not start it (StartListener)."
                                 % (entry_name(step["entry"]), step["current"]["listener_id"]))
        self.result["undeclared"] = [] if purge else undeclared(before, steps, "listener_id")
        self.result["plan"] = ([step["record"] for step in steps]
                               + undeclared_records(self.result["undeclared"], self.load_balancer_id))
        writes = [step for batch in batches for step in batch]
        if writes and self.module.check_mode:
            self._preview(writes)
        elif writes:
            after = self._apply(batches, after)
        self.result["changed"] = bool(writes)
        self.result["listeners"] = after
        if self.module._diff:
            self.result["diff"] = {"before": {"listeners": before}, "after": {"listeners": after}}
        self.module.exit_json(**self.result)

    def _request(self, step, dry_run=False):
        """``(operation, request fields with their ClientToken)`` of a write step."""
        operation, name = OPERATIONS[step["action"]]
        region = self.module.region
        if step["action"] == "create":
            fields = build_create_request(self.load_balancer_id, step["entry"], region_id=region)
            identity = {"load_balancer_id": self.load_balancer_id, "key": list(natural_key(step["entry"]))}
        elif step["action"] == "update":
            identity = step["current"]["listener_id"]
            fields = build_update_request(identity, step["changes"], None, region_id=region)
        else:
            identity = step["current"]["listener_id"]
            fields = build_delete_request(identity, region_id=region)
        fields["ClientToken"] = write_token(name, identity, fields, self.decided_at, self.params["client_token"], dry_run)
        return operation, fields

    # --- check mode ------------------------------------------------------------------------------------------

    def _preview(self, writes):
        """Every write with DryRun; all are checked before a refusal fails the task."""
        deadline = self.module.deadline(self.params["wait_timeout"])
        refused = []
        for step in writes:
            if step["dependent"]:
                blockers = ", ".join(step["blocked_by"]) or "the quota is full"
                self.module.warn("%s: not prechecked with DryRun: the service would refuse it while %s exists; the apply "
                                 "sends it once the delete's job has ended." % (describe_step(step), blockers))
                continue
            operation, fields = self._request(step, dry_run=True)
            try:
                self.api.preview_write(operation, fields, deadline)
            except AlicloudApiError as error:
                if error.kind != "api":
                    self.module.fail_api_error(error, "Failed to preview %s (DryRun)" % describe_step(step), **self.result)
                step["record"]["error"] = error.to_dict()
                refused.append("%s: %s" % (describe_step(step), error.describe()))
        if refused:
            self.module.fail_json(msg="The service refused %d of the %d writes of the preview (DryRun): %s"
                                  % (len(refused), len(writes), "; ".join(refused)), **self.result)

    # --- apply -------------------------------------------------------------------------------------------------

    def _apply(self, batches, predicted):
        """Send each batch whole, then await its jobs together; a failure reports what was applied."""
        deadline = self.module.deadline(self.params["wait_timeout"])
        progress = SetProgress()
        for number, batch in enumerate(batches):
            sent = []
            failed = []
            for step in batch:
                operation, fields = self._request(step)
                try:
                    body = self.api.send_write(operation, fields, deadline)
                except AlicloudApiError as error:
                    if step["action"] == "delete" and error.code == LISTENER_GONE:
                        # deleted since the read (by another task, or a delete this one waited for): what was wanted
                        progress.done(step["record"])
                        continue
                    failed.append((step, error.to_dict(), "Failed to %s" % describe_step(step), error))
                    break
                if step["action"] == "create":
                    step["after"]["listener_id"] = body.get("ListenerId")
                    step["record"]["id"] = body.get("ListenerId")
                sent.append((step, body.get("JobId")))
                progress.done(step["record"])
            last = number == len(batches) - 1
            if sent and (self.params["wait"] or not last or failed):
                failed.extend(self._await_jobs(sent, deadline, progress))
            if failed:
                self._fail_after_writes(progress, failed)
        if not self.params["wait"]:
            return predicted
        after = self._read(changed=True, plan=progress.applied)
        self._warn_about_drift(after)
        return after

    def _await_jobs(self, sent, deadline, progress):
        """Poll the jobs of the writes in ``sent`` together until each succeeded or failed; return the failures."""
        pending = [(step, job_id) for step, job_id in sent if job_id]
        failures = []
        asked = []  # the job of the last GetJobStatus call, named if that call fails

        def get_job_status(job_id):
            asked[:] = [job_id]
            return self.api.get_job_status(job_id)

        def fetch(every=False):
            for step, job_id, status in poll_jobs_round(pending, get_job_status, every):
                if status == JOB_FAILED:
                    progress.applied.remove(step["record"])
                    failures.append((step, {"code": None, "message": "job %s failed" % job_id, "request_id": None},
                                     "Job %s (%s) failed" % (job_id, describe_step(step)), None))
            return len(pending)

        try:
            done, dummy = poll(fetch, lambda left: left == 0, deadline, **JOB_POLL)
            if not done:
                # the rounds stop at the oldest running job: ask for each later one too before naming it as pending
                done = fetch(every=True) == 0
        except AlicloudApiError as error:
            step, job_id = [item for item in pending if item[1] == asked[0]][0]
            return failures + [(None, error.to_dict(), "reading the status of job %s (%s) failed" % (job_id, describe_step(step)),
                                error)]
        if not done:
            jobs = ", ".join("%s (%s)" % (job_id, describe_step(step)) for step, job_id in pending)
            return failures + [(None, None, "timed out after %s seconds waiting for jobs %s; the service accepted those writes: "
                                "they may still complete" % (self.params["wait_timeout"], jobs), None)]
        return failures

    def _fail_after_writes(self, progress, failed):
        """Fail with what was applied, the failed records, and the listeners as the service holds them now."""
        plan = list(progress.applied)
        for step, error, dummy, dummy_error in failed:
            if step is not None:
                plan.append(dict(step["record"], error=error) if error else step["record"])
        listeners = self._final_read()
        result = dict(self.result, changed=bool(progress.applied), plan=plan)
        if listeners is not None:
            result["listeners"] = listeners
            # A write whose answers were all lost may have been applied: the read says so.
            for step, error, dummy, dummy_error in failed:
                if step is not None and self._landed(step, listeners):
                    result["changed"] = True
        step, dummy, text, first_error = failed[0]
        if step is None:  # every write was accepted; the wait failed
            message = progress.wait_message(text)
        else:
            message = progress.message(text)
        if first_error is not None:
            message = "%s: %s" % (message, first_error.describe())
        if len(failed) > 1:
            message = "%s. Also: %s" % (message, "; ".join(
                item[2] + (": " + item[3].describe() if item[3] is not None else "") for item in failed[1:]))
        api_error = next((item[3] for item in failed if item[3] is not None), None)
        if api_error is not None:
            result["error"] = api_error.to_dict()
            result["retries"] = api_error.attempts - 1
        self.module.fail_json(msg=message, **result)

    def _final_read(self):
        try:
            return sorted_listeners(self.api.list_listeners(self.load_balancer_id))
        except AlicloudApiError as error:
            self.module.warn("Reading the listeners after the failure failed too: %s" % error.describe())
            return None

    @staticmethod
    def _landed(step, listeners):
        held = set(natural_key(item) for item in listeners)
        if step["action"] == "create":
            return natural_key(step["entry"]) in held
        if step["action"] == "delete":
            return step["current"]["listener_id"] not in set(item["listener_id"] for item in listeners)
        return False

    def _warn_about_drift(self, listeners):
        held = dict((natural_key(item), item) for item in listeners)
        for entry in self.entries:
            listener = held.get(natural_key(entry))
            if entry["state"] != "present" or listener is None:
                continue
            left = compute_changes(listener, entry["desired"])
            if left:
                self.module.warn("After the jobs, %s (listener %s) still differs in: %s."
                                 % (entry_name(entry), listener["listener_id"], ", ".join(sorted(left))))


def main():
    module = LoadBalancerListeners.define_module()
    LoadBalancerListeners(module).run()


if __name__ == "__main__":
    main()
