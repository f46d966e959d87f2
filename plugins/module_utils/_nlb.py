# -*- coding: utf-8 -*-
# Copyright (c) multicloud.listeners contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Alibaba Cloud NLB (2022-04-30) listener calls, built on ``_alicloud``.

``NlbListenerApi`` is the only code that touches ``alibabacloud_nlb20220430``:
GetListenerAttribute, ListListeners (all pages), UpdateListenerAttribute (real or
DryRun), GetJobStatus, and the wait for a listener to be ``Running`` again.  Every
call runs under ``AlicloudModule.call`` (one retry policy) and raises
``AlicloudApiError``; listeners come back normalized by ``_nlb_state``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from ansible_collections.multicloud.listeners.plugins.module_utils._alicloud import AlicloudApiError
from ansible_collections.multicloud.listeners.plugins.module_utils._alicloud import poll
from ansible_collections.multicloud.listeners.plugins.module_utils._nlb_state import LISTENER_PROTOCOLS
from ansible_collections.multicloud.listeners.plugins.module_utils._nlb_state import RUNNING_STATUS
from ansible_collections.multicloud.listeners.plugins.module_utils._nlb_state import normalize_listener

SDK_PACKAGE = "alibabacloud-nlb20220430"
DRY_RUN_PASSED = "DryRunOperation"
LISTENER_BUSY = "IncorrectStatus.listener"  # another change of the listener is still running
LIST_PAGE_SIZE = 100


def listener_identity_spec():
    """The options that identify listeners, shared by the NLB modules."""
    return dict(
        listener_id=dict(type="str"),
        load_balancer_id=dict(type="str"),
        listener_protocol=dict(type="str", choices=list(LISTENER_PROTOCOLS)),
        listener_port=dict(type="int"),
    )


def _load_sdk_client_class():
    from alibabacloud_nlb20220430.client import Client
    return Client


def _sdk_models():
    from alibabacloud_nlb20220430 import models
    return models


class ListenerLookupError(Exception):
    """The natural key matches no listener, or several."""


def describe_natural_key(load_balancer_id, listener_protocol, listener_port):
    return "%s listener on port %s of load balancer %s" % (listener_protocol or "any", listener_port, load_balancer_id)


def missing_listener_message(what, load_balancer_id, region, listeners, protocol=None):
    """Why no listener matched: the load balancer has none in this region, or not this one (with those it has).

    ``listeners`` are the load balancer's listeners as read (only those of ``protocol`` when it is given)."""
    if not listeners:
        return ("No listener of load balancer %s was found in region %s (ListListeners answered none of its listeners), "
                "so there is no %s: check that alicloud_region is the load balancer's region and that load_balancer_id "
                "is right." % (load_balancer_id, region, what))
    keys = sorted(set((item["listener_protocol"], item["listener_port"] or 0, item.get("start_port") or 0, item.get("end_port") or 0)
                      for item in listeners))
    names = ["%s:%s" % (name, port) if port else "%s:%s-%s" % (name, start, end) for name, port, start, end in keys]
    return "No %s; its %slisteners: %s." % (what, ("%s " % protocol) if protocol else "", ", ".join(names))


class NlbListenerApi:
    """The NLB listener calls of one module run (the client is built on first use)."""

    def __init__(self, module):
        self.module = module
        # the request models are built before the client: a missing SDK fails here with missing_required_lib
        module.require_sdk(_sdk_models, SDK_PACKAGE)
        self._client = None
        self._runtime = None

    @property
    def client(self):
        if self._client is None:
            self._client = self.module.sdk_client(_load_sdk_client_class, SDK_PACKAGE)
            self._runtime = self.module.runtime_options()
        return self._client

    def _call(self, operation, request, write=False):
        """Send one request (an SDK request model); return the answer body as an API map."""
        method = getattr(self.client, operation + "_with_options")
        response = self.module.call(lambda: method(request, self._runtime), write=write,
                                    client_token=getattr(request, "client_token", None))
        body = getattr(response, "body", None)
        return body.to_map() if body is not None else {}

    # --- reads ---

    def get_listener_body(self, listener_id):
        """GetListenerAttribute: the raw answer (API field names)."""
        request = _sdk_models().GetListenerAttributeRequest(listener_id=listener_id, region_id=self.module.region)
        return self._call("get_listener_attribute", request)

    def get_listener(self, listener_id):
        """GetListenerAttribute, normalized."""
        return normalize_listener(self.get_listener_body(listener_id))

    def list_listener_bodies(self, load_balancer_id=None, listener_protocol=None, listener_ids=None):
        """ListListeners, every page: the raw entries (API field names)."""
        models = _sdk_models()
        entries = []
        next_token = None
        while True:
            request = models.ListListenersRequest(
                load_balancer_ids=[load_balancer_id] if load_balancer_id else None,
                listener_ids=list(listener_ids) if listener_ids else None,
                listener_protocol=listener_protocol, region_id=self.module.region,
                max_results=LIST_PAGE_SIZE, next_token=next_token)
            body = self._call("list_listeners", request)
            entries.extend(body.get("Listeners") or [])
            next_token = body.get("NextToken")
            if not next_token:
                return entries

    def list_listeners(self, load_balancer_id, listener_protocol=None, listener_port=None):
        """The listeners of a load balancer (optionally one protocol / port), normalized.

        A blank load balancer ID is a bug in the caller, never "every load balancer": ListListeners without
        LoadBalancerIds answers the listeners of the whole region.
        """
        if not isinstance(load_balancer_id, str) or not load_balancer_id.strip():
            raise ValueError("list_listeners needs a load balancer ID, got %r" % (load_balancer_id,))
        listeners = [normalize_listener(entry) for entry in self.list_listener_bodies(load_balancer_id, listener_protocol)]
        if listener_port is not None:
            listeners = [listener for listener in listeners if listener["listener_port"] == listener_port]
        return listeners

    def find_listener(self, load_balancer_id, listener_protocol, listener_port):
        """The one listener with this natural key, normalized; raise ``ListenerLookupError`` for none or several.

        ListListeners (all pages, filtered by load balancer and protocol) is the read:
        its entries carry every field GetListenerAttribute returns, so no second read is made.
        """
        of_protocol = self.list_listeners(load_balancer_id, listener_protocol)
        listeners = [listener for listener in of_protocol
                     if listener["listener_protocol"] == listener_protocol and listener["listener_port"] == listener_port]
        what = describe_natural_key(load_balancer_id, listener_protocol, listener_port)
        if not listeners:
            # Only on this failure path: one more read, without the protocol, to name the cause (a wrong region or
            # load balancer ID reads no listener at all; an existing load balancer lists the listeners it has).
            if of_protocol:
                raise ListenerLookupError(missing_listener_message(what, load_balancer_id, self.module.region, of_protocol,
                                                                   listener_protocol))
            raise ListenerLookupError(missing_listener_message(what, load_balancer_id, self.module.region,
                                                               self.list_listeners(load_balancer_id)))
        if len(listeners) > 1:
            ids = ", ".join(sorted(str(listener["listener_id"]) for listener in listeners))
            raise ListenerLookupError("Found %d listeners for the %s (%s); use listener_id." % (len(listeners), what, ids))
        return listeners[0]

    # --- writes ---

    def _update_request(self, request_fields):
        return _sdk_models().UpdateListenerAttributeRequest().from_map(dict(request_fields))

    def _send_update(self, fields, deadline):
        """UpdateListenerAttribute; while the listener is busy with another change (``IncorrectStatus.listener``),
        wait for it to be Running again and resend, until ``deadline`` (``time.monotonic()``)."""
        while True:
            try:
                return self._call("update_listener_attribute", self._update_request(fields), write=True)
            except AlicloudApiError as error:
                if error.code != LISTENER_BUSY or deadline is None or time.monotonic() >= deadline:
                    raise
                running, dummy = self.wait_until_running(fields["ListenerId"], deadline)
                if not running:
                    raise

    def update_listener(self, request_fields, deadline=None):
        """UpdateListenerAttribute; return ``(job_id, request_id)``.

        ``request_fields`` is ``_nlb_state.build_update_request(...)`` (API field names,
        with the ClientToken that makes retries safe).
        """
        body = self._send_update(request_fields, deadline)
        return body.get("JobId"), body.get("RequestId")

    def preview_update(self, request_fields, deadline=None):
        """UpdateListenerAttribute with ``DryRun=true``: the service's precheck.

        Returns the request id when the precheck passed (``DryRunOperation``); raises
        ``AlicloudApiError`` with the service's code when it did not.
        """
        fields = dict(request_fields)
        fields["DryRun"] = True
        try:
            body = self._send_update(fields, deadline)
        except AlicloudApiError as error:
            if error.code == DRY_RUN_PASSED:
                return error.request_id
            raise
        self.module.warn("The service answered the DryRun UpdateListenerAttribute without DryRunOperation (RequestId: %s)."
                         % body.get("RequestId"))
        return body.get("RequestId")

    # --- waits ---

    def get_job_status(self, job_id):
        """GetJobStatus: the job's status as the service spells it."""
        body = self._call("get_job_status", _sdk_models().GetJobStatusRequest(job_id=job_id))
        return body.get("Status")

    def wait_until_running(self, listener_id, deadline):
        """Read the listener until it is ``Running``; return ``(done, last listener read)``.

        The first read is immediate: once the job has succeeded it is the final read.
        """
        return poll(lambda: self.get_listener(listener_id),
                    lambda listener: (listener.get("listener_status") or "").lower() == RUNNING_STATUS.lower(),
                    deadline, immediately=True)

    # --- listener lifecycle (nlb_load_balancer_listeners) ---

    BUSY_CODES = (LISTENER_BUSY, "IncorrectStatus.loadbalancer")  # a job of the listener / its load balancer still runs

    def _write_model(self, operation, fields):
        models = _sdk_models()
        model = {"create_listener": models.CreateListenerRequest, "delete_listener": models.DeleteListenerRequest,
                 "update_listener_attribute": models.UpdateListenerAttributeRequest}[operation]
        return model().from_map(dict(fields))

    def send_write(self, operation, fields, deadline=None):
        """CreateListener, DeleteListener or UpdateListenerAttribute (``operation`` in snake_case) with ``fields``
        (API field names, with their ClientToken); return the answer body.

        Throttling, 5xx and lost answers are retried with the same token by the shared retry policy
        (``AlicloudModule.call``).  While the listener or its load balancer is busy with another job
        (``IncorrectStatus.listener`` / ``IncorrectStatus.loadbalancer``), the same request is sent again
        after the policy's backoff, until ``deadline`` (``time.monotonic()``).
        """
        attempt = 0
        while True:
            try:
                return self._call(operation, self._write_model(operation, fields), write=True)
            except AlicloudApiError as error:
                if error.code not in self.BUSY_CODES or deadline is None or time.monotonic() >= deadline:
                    raise
                attempt += 1
                time.sleep(max(0.0, min(self.module.retry_policy.delay(attempt), deadline - time.monotonic())))

    def preview_write(self, operation, fields, deadline=None):
        """The same write with ``DryRun=true``: the service's precheck.

        Returns the request id when the precheck passed (``DryRunOperation``); raises
        ``AlicloudApiError`` with the service's code when it did not.
        """
        fields = dict(fields, DryRun=True)
        try:
            body = self.send_write(operation, fields, deadline)
        except AlicloudApiError as error:
            if error.code == DRY_RUN_PASSED:
                return error.request_id
            raise
        self.module.warn("The service answered the DryRun %s without DryRunOperation (RequestId: %s)."
                         % (operation, body.get("RequestId")))
        return body.get("RequestId")
