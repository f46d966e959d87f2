# -*- coding: utf-8 -*-
# Copyright (c) multicloud.listeners contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The AWS Global Accelerator edge: every GA API call of the collection goes through here.

One retry policy (``RetryPolicy``), one error handler (``GlobalAccelerator.call``) and the
DEPLOYED waiter botocore does not have.  The listener logic itself lives in _ga_state.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import random
import time

try:
    import botocore
    import botocore.config
except ImportError:
    pass  # AnsibleAWSModule reports the missing library

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

from ansible_collections.multicloud.listeners.plugins.module_utils._common import plain_http_problem
from ansible_collections.multicloud.listeners.plugins.module_utils._ga_state import listener_from_api

GA_CONTROL_PLANE_REGION = "us-west-2"
WRITE_OPERATIONS = frozenset(["create_listener", "update_listener", "delete_listener", "delete_endpoint_group"])
PAGE_SIZE = 100  # the API's maximum: a no-op task on an accelerator reads one page
# Options every GA module adds to amazon.aws's (documented in the multicloud.listeners.ga fragment)
GA_ARGUMENT_SPEC = dict(allow_http_endpoint=dict(type="bool", default=False))


class WaitTimeout(Exception):
    """The accelerator did not reach DEPLOYED within the timeout."""


class RetryPolicy:
    """Jittered exponential backoff, bounded in attempts and in total time.

    botocore's own retries are switched off for this client (its ``aws_config`` may turn them
    back on), so this is the one place that decides what is retried: throttling and transient
    server errors (amazon.aws's AWSRetry codes plus GA's own), HTTP 5xx, and transport failures
    (a refused or dropped connection, a read that timed out).  Writes are safe to retry: a create
    resends the same IdempotencyToken, an update the same values, and a delete whose first answer
    was lost is recognised by its not-found answer.
    """

    extra_codes = ("ThrottlingException", "InternalServiceErrorException", "ServiceUnavailableException")

    def __init__(self, attempts=6, base_delay=0.5, max_delay=8.0, budget=60.0):
        self.attempts = attempts
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.budget = budget

    def reason(self, error):
        """A short label for a retryable error, or None when it must not be retried."""
        if isinstance(error, (botocore.exceptions.ConnectionError, botocore.exceptions.HTTPClientError)):
            return type(error).__name__
        if isinstance(error, botocore.exceptions.ClientError):
            code = error.response.get("Error", {}).get("Code")
            status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0
            if AWSRetry.found(code, self.extra_codes) or status >= 500:
                return code or "HTTP %d" % status
        return None

    def delay(self, attempt):
        """Full jitter: a random pause up to base * 2^(attempt-1), capped."""
        return random.uniform(0, min(self.max_delay, self.base_delay * (2 ** (attempt - 1))))


class GlobalAccelerator:
    """A thin wrapper around the boto3 ``globalaccelerator`` client for one module run."""

    def __init__(self, module, retry=None):
        self.module = module
        self.retry = retry or RetryPolicy()
        error, warning = plain_http_problem(module.params.get("endpoint_url"), module.params.get("allow_http_endpoint"))
        if error:
            module.fail_json(msg=error)
        if warning:
            module.warn(warning)
        region = GA_CONTROL_PLANE_REGION
        if module.params.get("endpoint_url") and module.region:
            region = module.region  # a custom endpoint (emulator, partition) signs for the user's region
        no_sdk_retries = botocore.config.Config(retries={"mode": "standard", "total_max_attempts": 1})
        self.client = module.client("globalaccelerator", region=region, config=no_sdk_retries)
        # A task that makes writes sets this to a function (code, message, request id, uncertain) -> return values
        # a failed call adds to the task's failure, such as the writes it already applied; ``uncertain`` says the
        # failure may hide a write the service applied (its answers were lost).
        self.failure_result = None
        self.writes = 0  # write calls that succeeded: a later failure still reports changed=true

    def call(self, operation, failure, not_found=None, gone_on_retry=None, on_failure=None, **params):
        """Run one API call under the retry policy; a failure ends the task through fail_json_aws.

        With ``not_found`` (an error code), that error returns None instead of failing.  With
        ``gone_on_retry``, that error on a retried call returns ``{}`` (the first attempt worked
        but its answer was lost).  With ``on_failure`` (a function of the error), a call that fails
        for good returns its value instead of ending the task.
        """
        started = time.monotonic()
        retried = []
        while True:
            try:
                response = getattr(self.client, operation)(**params)
                if operation in WRITE_OPERATIONS:
                    self.writes += 1
                return response
            except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
                if not_found and isinstance(e, is_boto3_error_code(not_found, e)):
                    return None
                if gone_on_retry and retried and isinstance(e, is_boto3_error_code(gone_on_retry, e)):
                    return {}
                reason = self.retry.reason(e)
                pause = self.retry.delay(len(retried) + 1)
                elapsed = time.monotonic() - started
                if reason is None or len(retried) + 1 >= self.retry.attempts or elapsed + pause > self.retry.budget:
                    if retried:
                        failure = "%s (gave up after %d attempts in %.1f s; retried on: %s)" % (
                            failure, len(retried) + 1, elapsed, ", ".join(sorted(set(retried + [reason or "?"]))))
                    if on_failure is not None:
                        return on_failure(e)
                    extra = {"changed": True} if self.writes else {}
                    if self.failure_result is not None:
                        # the task's account of the failure: what it applied, what the service holds now, a message
                        # that says so; the callback runs once (a read it makes may fail too)
                        report, self.failure_result = self.failure_result, None
                        response = getattr(e, "response", None) or {}
                        # uncertain: a retryable failure (no answer, 5xx, throttling) may hide an applied write;
                        # a refusal (4xx) did not apply anything
                        extra.update(report(response.get("Error", {}).get("Code") or type(e).__name__, failure,
                                            response.get("ResponseMetadata", {}).get("RequestId"), reason is not None))
                        extra["changed"] = bool(extra.get("changed")) or self.writes > 0
                    self.module.fail_json_aws(e, msg=extra.pop("msg", failure), retries=len(retried), **extra)
                retried.append(reason)
                time.sleep(pause)

    def paginate(self, operation, key, failure, not_found=None, on_failure=None, **params):
        """All items of a list call (each page retried on its own); None when ``not_found`` was answered
        (or, with ``on_failure``, when a page failed for good)."""
        items = []
        params["MaxResults"] = PAGE_SIZE
        while True:
            page = self.call(operation, failure, not_found, on_failure=on_failure, **params)
            if page is None:
                return None
            items.extend(page.get(key, []))
            if not page.get("NextToken"):
                return items
            params["NextToken"] = page["NextToken"]

    # --- reads ---------------------------------------------------------------------------
    def accelerator_arn_by_name(self, name):
        """Resolve an accelerator name (ListAccelerators, all pages); fail on none or several."""
        accelerators = self.paginate("list_accelerators", "Accelerators", "Failed to list accelerators")
        arns = sorted(item["AcceleratorArn"] for item in accelerators if item.get("Name") == name)
        if not arns:
            self.module.fail_json(msg="accelerator_name: no accelerator is named %r; allowed: the name of an existing "
                                      "accelerator, or pass accelerator_arn" % (name,))
        if len(arns) > 1:
            self.module.fail_json(msg="accelerator_name: %d accelerators are named %r (%s); pass accelerator_arn to say which"
                                      % (len(arns), name, ", ".join(arns)))
        return arns[0]

    def listeners(self, accelerator_arn, missing_ok=False):
        """The accelerator's listeners, normalized (ListListeners, all pages).

        With ``missing_ok`` an unknown accelerator yields None instead of failing.
        """
        items = self.paginate("list_listeners", "Listeners", "Failed to list the listeners of accelerator %s" % accelerator_arn,
                              not_found="AcceleratorNotFoundException" if missing_ok else None, AcceleratorArn=accelerator_arn)
        if items is None:
            return None
        return [listener_from_api(item, accelerator_arn) for item in items]

    def read_back(self, accelerator_arn):
        """The accelerator's listeners after a write failed for good, or None when this read fails as well.

        A write whose every answer was lost may still have been applied: the task reads once more and
        reports what the service holds instead of guessing.
        """
        items = self.paginate("list_listeners", "Listeners", "Failed to read back the listeners of accelerator %s" % accelerator_arn,
                              on_failure=lambda error: None, AcceleratorArn=accelerator_arn)
        if items is None:
            return None
        return [listener_from_api(item, accelerator_arn) for item in items]

    def endpoint_group_arns(self, listener_arn):
        groups = self.paginate("list_endpoint_groups", "EndpointGroups",
                               "Failed to list the endpoint groups of listener %s" % listener_arn, ListenerArn=listener_arn)
        return sorted(item["EndpointGroupArn"] for item in groups)

    # --- writes --------------------------------------------------------------------------
    def create_listener(self, request):
        response = self.call("create_listener", "Failed to create the listener", **request)
        return listener_from_api(response["Listener"], request["AcceleratorArn"])

    def update_listener(self, request):
        response = self.call("update_listener", "Failed to update listener %s" % request["ListenerArn"], **request)
        return listener_from_api(response["Listener"])

    def delete_listener(self, listener_arn, endpoint_group_arns=()):
        for group_arn in endpoint_group_arns:
            self.call("delete_endpoint_group", "Failed to delete endpoint group %s" % group_arn,
                      gone_on_retry="EndpointGroupNotFoundException", EndpointGroupArn=group_arn)
        self.call("delete_listener", "Failed to delete listener %s" % listener_arn,
                  gone_on_retry="ListenerNotFoundException", ListenerArn=listener_arn)

    # --- waiting -------------------------------------------------------------------------
    def wait_deployed(self, accelerator_arn, timeout, first_delay=0.5, max_delay=10.0):
        """Poll DescribeAccelerator until its status is DEPLOYED (botocore has no GA waiter).

        Raises WaitTimeout with the seconds waited and the last status seen.
        """
        started = time.monotonic()
        delay = first_delay
        while True:
            accelerator = self.call("describe_accelerator", "Failed to read accelerator %s" % accelerator_arn,
                                    AcceleratorArn=accelerator_arn)["Accelerator"]
            status = accelerator.get("Status")
            if status == "DEPLOYED":
                return
            waited = time.monotonic() - started
            if waited + delay > timeout:
                raise WaitTimeout("accelerator %s did not reach DEPLOYED within %d seconds (waited %.1f s); "
                                  "last status: %s" % (accelerator_arn, timeout, waited, status))
            time.sleep(delay)
            delay = min(delay * 1.5, max_delay)
