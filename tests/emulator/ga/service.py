# -*- coding: utf-8 -*-
# Copyright (c) multicloud.listeners contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The AWS Global Accelerator API (JSON 1.1 over HTTP, SigV4) as an emulator ``Service``.

Every request is authenticated, validated against botocore's service model and then
applied to an in-memory ``GaState`` under ``self.lock``.  Answers and errors use the
service's wire format, so boto3 raises its modeled exception classes.
"""

from __future__ import annotations

import base64
import binascii
import copy
import hashlib
import json
import os
import sys
import time
import traceback
import uuid

import botocore.session

from ..common import Response, Service, ServiceError
from . import validation
from .auth import SigV4Verifier
from .state import (
    ACCELERATOR_ARN,
    ENDPOINT_GROUP_ARN,
    LISTENER_ARN,
    Listener,
    TokenRecord,
    accelerator_arn_of,
    listener_arn_of,
    load_seed,
    ranges_overlap,
)

SERVICE_NAME = "globalaccelerator"
SIGNING_REGION = "us-west-2"
CONTENT_TYPE = "application/x-amz-json-1.1"
DEFAULT_SEED_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "seed.json")
DEFAULT_PAGE_SIZE = 10  # the service's default MaxResults
INTERNAL_ERROR_STATUS = 400  # the API reference lists InternalServiceErrorException as HTTP 400

_SERVICE_MODEL = None


def service_model():
    """botocore's model of the Global Accelerator API (loaded once)."""
    global _SERVICE_MODEL  # pylint: disable=global-statement
    if _SERVICE_MODEL is None:
        _SERVICE_MODEL = botocore.session.get_session().get_service_model(SERVICE_NAME)
    return _SERVICE_MODEL


def load_default_seed():
    with open(DEFAULT_SEED_FILE, encoding="utf-8") as handle:
        return json.load(handle)


def _error(code, message):
    return ServiceError(code, message, 400)


class GlobalAcceleratorService(Service):
    """Emulates the standard-accelerator listener API of AWS Global Accelerator.

    ``seed`` is a dict in the format of ``seed.json`` (None: the default seed file),
    ``deploy_seconds`` how long an accelerator reads IN_PROGRESS after a change and
    ``credentials`` maps access key -> (secret key, session token or None).
    """

    name = SERVICE_NAME

    def __init__(self, seed=None, deploy_seconds=0.5, credentials=None):
        super().__init__()
        self.model = service_model()
        self.target_prefix = self.model.metadata["targetPrefix"] + "."
        self.verifier = SigV4Verifier(SERVICE_NAME, SIGNING_REGION, credentials)
        self.deploy_seconds = float(deploy_seconds)
        self.seed = copy.deepcopy(seed) if seed is not None else load_default_seed()
        self.operations = {
            "ListAccelerators": self.list_accelerators,
            "DescribeAccelerator": self.describe_accelerator,
            "CreateListener": self.create_listener,
            "UpdateListener": self.update_listener,
            "DeleteListener": self.delete_listener,
            "DescribeListener": self.describe_listener,
            "ListListeners": self.list_listeners,
            "ListEndpointGroups": self.list_endpoint_groups,
            "DeleteEndpointGroup": self.delete_endpoint_group,
        }
        self.data = load_seed(self.seed, time.time(), self.deploy_seconds)

    # --- Service hooks ------------------------------------------------------------------------------------------
    def operation_name(self, request):
        target = request.headers.get("x-amz-target", "")
        if target.startswith(self.target_prefix):
            return target[len(self.target_prefix):]
        return target or "?"

    def authenticate(self, request):
        self.verifier.verify(request)

    def dispatch(self, operation, request):
        handler = self.operations.get(operation)
        if handler is None or request.method != "POST" or request.path != "/":
            raise _error("UnknownOperationException", "Unknown operation %s" % operation)
        params = self._parse_body(request.body)
        try:
            self._validate(operation, params)
            with self.lock:
                result = handler(params)
        except ServiceError as err:
            err.params = params
            raise
        except Exception as exc:  # pylint: disable=broad-exception-caught
            traceback.print_exc(file=sys.stderr)
            raise ServiceError("InternalServiceErrorException", "Internal error: %s" % exc,
                               INTERNAL_ERROR_STATUS, params=params) from exc
        return self._answer(200, result), params

    def error_response(self, error, request):
        return self._answer(error.status, {"__type": error.code, "Message": error.message})

    def reset(self, seed=None):
        data = load_seed(copy.deepcopy(seed) if seed is not None else self.seed, time.time(), self.deploy_seconds)
        with self.lock:
            self.data = data

    def state(self):
        with self.lock:
            dumped = self.data.dump(time.time())
        dumped["deploy_seconds"] = self.deploy_seconds
        return dumped

    def configure(self, settings):
        with self.lock:
            if "deploy_seconds" in settings:
                self.deploy_seconds = float(settings["deploy_seconds"])
            effective = {"deploy_seconds": self.deploy_seconds}
        ignored = sorted(set(settings) - {"deploy_seconds"})
        if ignored:
            effective["ignored"] = ignored
        return effective

    # --- request plumbing ----------------------------------------------------------------------------------------
    @staticmethod
    def _answer(status, payload):
        return Response(status, payload, headers={"x-amzn-RequestId": str(uuid.uuid4())}, content_type=CONTENT_TYPE)

    @staticmethod
    def _parse_body(body):
        try:
            params = json.loads(body or b"{}")
        except ValueError as exc:
            raise _error("SerializationException", "Start of structure or map found where not expected.") from exc
        if not isinstance(params, dict):
            raise _error("SerializationException", "Expected a JSON object as the request body.")
        return params

    def _validate(self, operation, params):
        shape = self.model.operation_model(operation).input_shape
        failures = validation.validate(shape, params) if shape is not None else []
        if failures:
            raise _error(validation.error_code(failures), validation.summarize(failures))

    def _changed(self, accelerator):
        accelerator.touch(time.time(), self.deploy_seconds)

    # --- lookups -------------------------------------------------------------------------------------------------
    def _accelerator(self, arn):
        if not ACCELERATOR_ARN.fullmatch(arn):
            raise _error("InvalidArgumentException", "The accelerator ARN %s is not valid." % arn)
        accelerator = self.data.accelerators.get(arn)
        if accelerator is None:
            raise _error("AcceleratorNotFoundException", "Accelerator not found: %s" % arn)
        return accelerator

    def _listener(self, arn):
        """Return (accelerator, listener); a listener under a missing accelerator is not found either."""
        if not LISTENER_ARN.fullmatch(arn):
            raise _error("InvalidArgumentException", "The listener ARN %s is not valid." % arn)
        accelerator = self.data.accelerators.get(accelerator_arn_of(arn))
        listener = accelerator.listeners.get(arn) if accelerator else None
        if listener is None:
            raise _error("ListenerNotFoundException", "Listener not found: %s" % arn)
        return accelerator, listener

    def _endpoint_group(self, arn):
        """Return (accelerator, listener, endpoint group)."""
        if not ENDPOINT_GROUP_ARN.fullmatch(arn):
            raise _error("InvalidArgumentException", "The endpoint group ARN %s is not valid." % arn)
        accelerator = self.data.accelerators.get(accelerator_arn_of(arn))
        listener = accelerator.listeners.get(listener_arn_of(arn)) if accelerator else None
        group = listener.endpoint_groups.get(arn) if listener else None
        if group is None:
            raise _error("EndpointGroupNotFoundException", "Endpoint group not found: %s" % arn)
        return accelerator, listener, group

    # --- pagination ----------------------------------------------------------------------------------------------
    @staticmethod
    def _scope_digest(scope):
        return hashlib.sha256(scope.encode("utf-8")).hexdigest()[:16]

    def _page(self, items, params, scope, key, render):
        """One page of ``items`` (ordered by ``seq``) after the position in NextToken."""
        limit = params.get("MaxResults", DEFAULT_PAGE_SIZE)
        after = self._decode_token(params.get("NextToken"), scope)
        remaining = [item for item in items if after is None or item.seq > after]
        page = remaining[:limit]
        result = {key: [render(item) for item in page]}
        if len(remaining) > limit:
            result["NextToken"] = self._encode_token(scope, page[-1].seq)
        return result

    def _encode_token(self, scope, seq):
        data = json.dumps({"s": self._scope_digest(scope), "a": seq}, separators=(",", ":")).encode("utf-8")
        return base64.urlsafe_b64encode(data).decode("ascii")

    def _decode_token(self, token, scope):
        if token is None:
            return None
        try:
            data = json.loads(base64.urlsafe_b64decode(token.encode("ascii")))
            if data["s"] == self._scope_digest(scope) and isinstance(data["a"], int):
                return data["a"]
        except (ValueError, TypeError, KeyError, UnicodeError, binascii.Error):
            pass
        raise _error("InvalidNextTokenException", "The NextToken %s is not valid." % token)

    # --- listener rules ------------------------------------------------------------------------------------------
    @staticmethod
    def _port_ranges(params):
        ranges = [(item["FromPort"], item["ToPort"]) for item in params["PortRanges"]]
        for low, high in ranges:
            if low > high:
                raise _error("InvalidPortRangeException",
                             "The port range %d-%d is not valid: FromPort must not be greater than ToPort."
                             % (low, high))
        for index, first in enumerate(ranges):
            for second in ranges[index + 1:]:
                if ranges_overlap(first, second):
                    raise _error("InvalidPortRangeException",
                                 "The port ranges %d-%d and %d-%d overlap." % (first + second))
        return ranges

    @staticmethod
    def _check_no_overlap(accelerator, protocol, ranges, exclude=None):
        """Ports must be unique per protocol across the accelerator's listeners."""
        for other in accelerator.listeners.values():
            if other.arn == exclude or other.protocol != protocol:
                continue
            for mine in ranges:
                for theirs in other.port_ranges:
                    if ranges_overlap(mine, theirs):
                        raise _error("InvalidPortRangeException",
                                     "The %s port range %d-%d overlaps port range %d-%d of listener %s."
                                     % ((protocol,) + mine + theirs + (other.arn,)))

    def _new_listener_arn(self, accelerator):
        while True:
            arn = "%s/listener/%s" % (accelerator.arn, uuid.uuid4().hex[:8])
            if arn not in accelerator.listeners:
                return arn

    # --- operations ----------------------------------------------------------------------------------------------
    def list_accelerators(self, params):
        now = time.time()
        return self._page(list(self.data.accelerators.values()), params, "ListAccelerators", "Accelerators",
                          lambda accelerator: accelerator.describe(now))

    def describe_accelerator(self, params):
        return {"Accelerator": self._accelerator(params["AcceleratorArn"]).describe(time.time())}

    def create_listener(self, params):
        accelerator = self._accelerator(params["AcceleratorArn"])
        affinity = params.get("ClientAffinity", "NONE")
        request = (accelerator.arn, tuple((item["FromPort"], item["ToPort"]) for item in params["PortRanges"]),
                   params["Protocol"], affinity)
        token = params["IdempotencyToken"]
        record = self.data.tokens.get(token)
        if record is not None:
            if record.request != request:
                raise _error("InvalidArgumentException",
                             "The IdempotencyToken %s was already used for a different CreateListener request."
                             % token)
            listener = accelerator.listeners.get(record.listener_arn)
            return {"Listener": listener.describe() if listener else copy.deepcopy(record.response)}

        ranges = self._port_ranges(params)
        if len(accelerator.listeners) >= accelerator.listener_quota:
            raise _error("LimitExceededException",
                         "The accelerator %s already has the maximum of %d listeners."
                         % (accelerator.arn, accelerator.listener_quota))
        self._check_no_overlap(accelerator, params["Protocol"], ranges)
        listener = Listener(arn=self._new_listener_arn(accelerator), protocol=params["Protocol"],
                            port_ranges=ranges, client_affinity=affinity, seq=self.data.next_seq())
        accelerator.listeners[listener.arn] = listener
        self._changed(accelerator)
        self.data.tokens[token] = TokenRecord(request, listener.arn, listener.describe())
        return {"Listener": listener.describe()}

    def update_listener(self, params):
        accelerator, listener = self._listener(params["ListenerArn"])
        ranges = self._port_ranges(params) if "PortRanges" in params else listener.port_ranges
        protocol = params.get("Protocol", listener.protocol)
        self._check_no_overlap(accelerator, protocol, ranges, exclude=listener.arn)
        listener.port_ranges = list(ranges)
        listener.protocol = protocol
        listener.client_affinity = params.get("ClientAffinity", listener.client_affinity)
        self._changed(accelerator)
        return {"Listener": listener.describe()}

    def delete_listener(self, params):
        accelerator, listener = self._listener(params["ListenerArn"])
        if listener.endpoint_groups:
            raise _error("AssociatedEndpointGroupFoundException",
                         "The listener %s has %d endpoint group(s). Delete them before deleting the listener."
                         % (listener.arn, len(listener.endpoint_groups)))
        del accelerator.listeners[listener.arn]
        self._changed(accelerator)
        return {}

    def describe_listener(self, params):
        return {"Listener": self._listener(params["ListenerArn"])[1].describe()}

    def list_listeners(self, params):
        accelerator = self._accelerator(params["AcceleratorArn"])
        return self._page(list(accelerator.listeners.values()), params, "ListListeners " + accelerator.arn,
                          "Listeners", Listener.describe)

    def list_endpoint_groups(self, params):
        listener = self._listener(params["ListenerArn"])[1]
        return self._page(list(listener.endpoint_groups.values()), params, "ListEndpointGroups " + listener.arn,
                          "EndpointGroups", lambda group: group.describe(listener))

    def delete_endpoint_group(self, params):
        accelerator, listener, group = self._endpoint_group(params["EndpointGroupArn"])
        del listener.endpoint_groups[group.arn]
        self._changed(accelerator)
        return {}
