# -*- coding: utf-8 -*-
# Copyright (c) multicloud.listeners contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The NLB 2022-04-30 API as the Alibaba Cloud SDK speaks it (RPC style, ACS3-HMAC-SHA256).

Requests are ``POST /`` with the action in ``x-acs-action`` and the version in
``x-acs-version``.  Answers are JSON with a ``RequestId``; errors carry ``Code``,
``Message``, ``RequestId``, ``HostId`` and ``Recommend`` with the documented HTTP status.

Operations: GetListenerAttribute, ListListeners, GetJobStatus and the asynchronous writes
(each returns a JobId): UpdateListenerAttribute, CreateListener (also a ListenerId),
DeleteListener, StartListener and StopListener.  Every write takes DryRun and ClientToken.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from urllib.parse import quote

from ..common import Response, Service, ServiceError
from . import errors, params as wire, rules
from .rules import UPDATABLE_FIELDS, check_update
from .signing import SignatureVerifier, build_credentials
from .store import NlbStore, apply_changes, digest_of, new_listener, page_offset, page_token, render_listener

API_VERSION = "2022-04-30"
JSON_TYPE = "application/json;charset=utf-8"
SEED_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "seed.json")
LISTENER_PROTOCOLS = rules.LISTENER_PROTOCOLS
MAX_FILTER_ITEMS = 20
PAGE_SIZE_RANGE = (1, 100)
DEFAULT_PAGE_SIZE = 20
WRITE_ACTIONS = ("UpdateListenerAttribute", "CreateListener", "DeleteListener", "StartListener", "StopListener")
# which listener statuses each write on an existing listener accepts; any other is IncorrectStatus.listener.
# Not documented for NLB: Start only from Stopped and Stop only from Running (the CLB reference says so for
# StartLoadBalancerListener); Delete and Update from either settled status (CLB DeleteLoadBalancerListener:
# "only listeners that are in the stopped or running state"), never while a job of the listener runs.
WRITABLE_STATUSES = {
    "UpdateListenerAttribute": ("Running", "Stopped"),
    "DeleteListener": ("Running", "Stopped"),
    "StartListener": ("Stopped",),
    "StopListener": ("Running",),
}
ADMIN_LIMITS = {"listener_quota": 0, "idle_timeout_max": 10}  # admin setting -> smallest accepted integer

GET_LISTENER_SPEC = {"ListenerId": wire.STRING, "RegionId": wire.STRING, "DryRun": wire.BOOLEAN,
                     "ClientToken": wire.STRING}
UPDATE_LISTENER_SPEC = {
    "ListenerId": wire.STRING, "RegionId": wire.STRING, "DryRun": wire.BOOLEAN, "ClientToken": wire.STRING,
    "ListenerDescription": wire.STRING, "ServerGroupId": wire.STRING, "SecurityPolicyId": wire.STRING,
    "CertificateIds": wire.STRING_LIST, "CaCertificateIds": wire.STRING_LIST, "CaEnabled": wire.BOOLEAN,
    "IdleTimeout": wire.INTEGER, "ProxyProtocolEnabled": wire.BOOLEAN, "ProxyProtocolV2Config": wire.PPV2_JSON,
    "SecSensorEnabled": wire.BOOLEAN, "AlpnEnabled": wire.BOOLEAN, "AlpnPolicy": wire.STRING, "Cps": wire.INTEGER,
    "Mss": wire.INTEGER,
}
LIST_LISTENERS_SPEC = {
    "LoadBalancerIds": wire.STRING_LIST, "ListenerIds": wire.STRING_LIST, "ListenerProtocol": wire.STRING,
    "MaxResults": wire.INTEGER, "NextToken": wire.STRING, "RegionId": wire.STRING, "SecSensorEnabled": wire.STRING,
    "Tag": wire.TAG_LIST,
}
GET_JOB_STATUS_SPEC = {"JobId": wire.STRING, "ClientToken": wire.STRING}
# CreateListener: the attributes of UpdateListenerAttribute plus the listener's identity, ports and tags
# (SDK 4.1.3 CreateListenerRequest; the SDK sends them all in the form body)
CREATE_LISTENER_SPEC = dict(
    {name: kind for name, kind in UPDATE_LISTENER_SPEC.items() if name != "ListenerId"},
    LoadBalancerId=wire.STRING, ListenerProtocol=wire.STRING, ListenerPort=wire.INTEGER, StartPort=wire.INTEGER,
    EndPort=wire.INTEGER, Tag=wire.TAG_LIST,
)
# DeleteListener, StartListener, StopListener (SDK 4.1.3 *ListenerRequest: the same four parameters)
LISTENER_ACTION_SPEC = {"ListenerId": wire.STRING, "RegionId": wire.STRING, "DryRun": wire.BOOLEAN,
                        "ClientToken": wire.STRING}


def load_default_seed():
    with open(SEED_FILE, encoding="utf-8") as handle:
        return json.load(handle)


def new_request_id():
    return str(uuid.uuid4()).upper()


def required(params, name):
    value = params.get(name)
    if value is None or value == "":
        raise errors.missing_param(name)
    return value


class NlbService(Service):
    """Alibaba Cloud Network Load Balancer, listener attributes and jobs only."""

    name = "nlb"

    def __init__(self, seed=None, job_seconds=0.5, credentials=None, clock=time.time):
        super().__init__()
        self.job_seconds = float(job_seconds)
        self.clock = clock
        self._seed = seed
        self._verifier = SignatureVerifier(build_credentials(credentials), clock)
        self._actions = {
            "GetListenerAttribute": (self._get_listener_attribute, GET_LISTENER_SPEC),
            "UpdateListenerAttribute": (self._update_listener_attribute, UPDATE_LISTENER_SPEC),
            "ListListeners": (self._list_listeners, LIST_LISTENERS_SPEC),
            "GetJobStatus": (self._get_job_status, GET_JOB_STATUS_SPEC),
            "CreateListener": (self._create_listener, CREATE_LISTENER_SPEC),
            "DeleteListener": (self._listener_action("DeleteListener"), LISTENER_ACTION_SPEC),
            "StartListener": (self._listener_action("StartListener"), LISTENER_ACTION_SPEC),
            "StopListener": (self._listener_action("StopListener"), LISTENER_ACTION_SPEC),
        }
        self.store = NlbStore(self._seed_data(None), clock)

    # --- Service hooks -----------------------------------------------------------------
    def operation_name(self, request):
        return request.headers.get("x-acs-action") or "?"

    def authenticate(self, request):
        self._verifier.verify(request)

    def dispatch(self, operation, request):
        params = wire.unflatten(wire.collect(request))
        dry_run = str(params.get("DryRun", "")).strip().lower() == "true"
        try:
            handler, spec = self._route(operation, request)
            params = wire.coerce(params, spec)
            if operation in WRITE_ACTIONS and self._verifier.credential_for(request).read_only:
                raise errors.no_permission()
            with self.lock:
                self.store.settle()
                result = handler(params)
        except ServiceError as err:
            err.params, err.dry_run = params, dry_run
            raise
        request_id = new_request_id()
        payload = dict({"RequestId": request_id}, **result)
        return Response(200, payload, {"x-acs-request-id": request_id}, JSON_TYPE), params

    def error_response(self, error, request):
        request_id = new_request_id()
        payload = {
            "RequestId": request_id,
            "HostId": request.headers.get("host", "nlb.aliyuncs.com"),
            "Code": error.code,
            "Message": error.message,
            "Recommend": "https://api.aliyun.com/troubleshoot?q=%s&product=Nlb&requestId=%s"
                         % (quote(error.code, safe=""), request_id),
        }
        return Response(error.status, payload, {"x-acs-request-id": request_id}, JSON_TYPE)

    def reset(self, seed=None):
        with self.lock:
            self.store = NlbStore(self._seed_data(seed), self.clock)

    def state(self):
        with self.lock:
            self.store.settle()
            return dict(self.store.dump(), job_seconds=self.job_seconds)

    def configure(self, settings):
        """Accepts ``{"job_seconds": float >= 0, "listener_quota": int >= 0, "idle_timeout_max": int >= 10}``.

        A bad value is reported under ``error`` and leaves its setting alone.  The answer holds
        ``job_seconds`` and each other setting that was sent.  ``listener_quota`` and
        ``idle_timeout_max`` belong to the state: a reset restores their defaults (50 and 900).
        """
        with self.lock:
            effective, problems = {}, []
            if "job_seconds" in settings:
                seconds = settings["job_seconds"]
                if isinstance(seconds, (int, float)) and not isinstance(seconds, bool) and seconds >= 0:
                    self.job_seconds = float(seconds)
                else:
                    problems.append("job_seconds must be a number >= 0")
            for name, smallest in ADMIN_LIMITS.items():
                if name not in settings:
                    continue
                value = settings[name]
                if isinstance(value, int) and not isinstance(value, bool) and value >= smallest:
                    self.store.limits[name] = value
                else:
                    problems.append("%s must be an integer >= %d" % (name, smallest))
                effective[name] = self.store.limits[name]
            if problems:
                effective["error"] = "; ".join(problems)
            effective["job_seconds"] = self.job_seconds
            return effective

    # --- routing -----------------------------------------------------------------------
    def _seed_data(self, seed):
        if seed is not None:
            return seed
        return self._seed if self._seed is not None else load_default_seed()

    def _route(self, operation, request):
        if request.method not in ("GET", "POST"):
            raise errors.unsupported_method(request.method)
        if operation == "?":
            raise errors.missing_action()
        if request.path != "/" or operation not in self._actions:
            raise errors.invalid_action(operation)
        version = request.headers.get("x-acs-version", "")
        if version != API_VERSION:
            raise errors.invalid_version(version)
        return self._actions[operation]

    # --- operations (called with the lock held, after settle) -------------------------
    def _get_listener_attribute(self, params):
        listener = self.store.find_listener(required(params, "ListenerId"), params.get("RegionId"))
        if params.get("DryRun"):
            raise errors.dry_run_operation()
        return render_listener(listener, "attribute")

    def _idempotent_write(self, action, params, write):
        """Run ``write(params)`` under the ClientToken rules shared by every write.

        A token must be ASCII.  The same token with the same parameters (DryRun and the token
        aside) answers the first result again without a second write, even once its job is
        done; the same token with other parameters is ``IdempotenceSignatureMismatch``.  A
        DryRun neither replays nor records.  ``write`` validates, raises ``DryRunOperation`` for
        a passing DryRun, and otherwise writes and returns the answer.
        """
        token = params.get("ClientToken")
        if token is not None and not token.isascii():
            raise errors.illegal_param("ClientToken")
        request_digest = digest_of({name: value for name, value in params.items()
                                    if name not in ("ClientToken", "DryRun")})
        if token and not params.get("DryRun"):
            earlier = self.store.replay(action, token, request_digest)
            if earlier is not None:
                return earlier
        result = write(params)
        if token:
            self.store.remember(action, token, request_digest, result)
        return result

    def _update_listener_attribute(self, params):
        return self._idempotent_write("UpdateListenerAttribute", params, self._apply_update)

    def _apply_update(self, params):
        listener = self.store.find_listener(required(params, "ListenerId"), params.get("RegionId"))
        changes = {name: params[name] for name in UPDATABLE_FIELDS if name in params}
        check_update(listener, changes, self.store)
        self.store.check_writable(listener, WRITABLE_STATUSES["UpdateListenerAttribute"])
        if params.get("DryRun"):
            raise errors.dry_run_operation()
        return {"JobId": self.store.start_job(listener, changes, self.job_seconds)}

    def _create_listener(self, params):
        return self._idempotent_write("CreateListener", params, self._apply_create)

    def _apply_create(self, params):
        protocol, port, start, end = rules.check_create_request(params)
        load_balancer = self.store.find_load_balancer(params["LoadBalancerId"], params.get("RegionId"))
        attributes = {name: params[name] for name in UPDATABLE_FIELDS if name in params}
        ports = {"StartPort": str(start), "EndPort": str(end)} if port == 0 else {}
        listener = new_listener(dict({
            "ListenerId": "lsn-%s@%d" % (uuid.uuid4().hex[:20], port),
            "LoadBalancerId": load_balancer["LoadBalancerId"], "ListenerProtocol": protocol, "ListenerPort": port,
            "Tags": params.get("Tag", []),
        }, **ports), load_balancer)
        rules.check_create_attributes(listener, attributes, self.store)
        self.store.check_load_balancer_idle(load_balancer)
        neighbours = self.store.listeners_of(load_balancer["LoadBalancerId"])
        rules.check_port_free(protocol, rules.port_span(listener), neighbours)
        rules.check_quota(neighbours, self.store.limits)
        if params.get("DryRun"):
            raise errors.dry_run_operation()
        apply_changes(listener, attributes)
        self.store.add_listener(listener)
        job_id = self.store.start_job(listener, {}, self.job_seconds, "CreateListener")
        return {"JobId": job_id, "ListenerId": listener["ListenerId"]}

    def _listener_action(self, action):
        """DeleteListener, StartListener and StopListener: the listener, its status, DryRun, a job."""

        def apply(params):
            listener = self.store.find_listener(required(params, "ListenerId"), params.get("RegionId"))
            self.store.check_writable(listener, WRITABLE_STATUSES[action])
            if params.get("DryRun"):
                raise errors.dry_run_operation()
            return {"JobId": self.store.start_job(listener, {}, self.job_seconds, action)}

        return lambda params: self._idempotent_write(action, params, apply)

    def _list_listeners(self, params):
        criteria = self._list_criteria(params)
        page_size = params.get("MaxResults", DEFAULT_PAGE_SIZE)
        if not PAGE_SIZE_RANGE[0] <= page_size <= PAGE_SIZE_RANGE[1]:
            raise errors.illegal_param("MaxResults")
        query_digest = digest_of(criteria)
        offset = 0
        if params.get("NextToken"):
            offset = page_offset(params["NextToken"], query_digest)
            if offset is None:
                raise errors.illegal_param("NextToken")
        matches = self.store.matching_listeners(criteria)
        page = matches[offset:offset + page_size]
        end = offset + len(page)
        return {
            "Listeners": [render_listener(listener, "list") for listener in page],
            "TotalCount": len(matches),
            "MaxResults": page_size,
            "NextToken": page_token(end, query_digest) if end < len(matches) else "",
        }

    @staticmethod
    def _list_criteria(params):
        criteria = {name: params[name] for name in ("LoadBalancerIds", "ListenerIds", "ListenerProtocol", "RegionId",
                                                    "Tag") if params.get(name)}
        for name in ("LoadBalancerIds", "ListenerIds", "Tag"):
            if len(criteria.get(name, [])) > MAX_FILTER_ITEMS:
                raise errors.illegal_param(name)
        if "ListenerProtocol" in criteria and criteria["ListenerProtocol"] not in LISTENER_PROTOCOLS:
            raise errors.illegal_param("ListenerProtocol")
        if params.get("SecSensorEnabled"):
            flag = params["SecSensorEnabled"].strip().lower()
            if flag not in ("true", "false"):
                raise errors.illegal_param("SecSensorEnabled")
            criteria["SecSensorEnabled"] = flag == "true"
        return criteria

    def _get_job_status(self, params):
        return {"Status": self.store.job(required(params, "JobId"))["Status"]}
