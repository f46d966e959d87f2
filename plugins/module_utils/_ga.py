# -*- coding: utf-8 -*-
# Copyright (c) multicloud.listeners contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The AWS Global Accelerator edge: every GA API call of the collection goes through here.

One retry policy (``GA_RETRY``), one error handler (``GlobalAccelerator.call``) and the
DEPLOYED waiter botocore does not have.  The listener logic itself lives in _ga_state.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

try:
    import botocore
except ImportError:
    pass  # AnsibleAWSModule reports the missing library

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

from ansible_collections.multicloud.listeners.plugins.module_utils._ga_state import listener_from_api

GA_CONTROL_PLANE_REGION = "us-west-2"
PAGE_SIZE = 100  # the API's maximum: a no-op task on an accelerator reads one page
# botocore retries throttling and 5xx itself a few times; this policy adds GA's own codes and a
# longer, jittered horizon on top (bounded: 8 attempts, at most ~60 s of sleeping).
GA_RETRY = AWSRetry.jittered_backoff(
    retries=8, delay=1, backoff=2.0, max_delay=15,
    catch_extra_error_codes=["ThrottlingException", "InternalServiceErrorException"],
)


class WaitTimeout(Exception):
    """The accelerator did not reach DEPLOYED within the timeout."""


class GlobalAccelerator:
    """A thin wrapper around the boto3 ``globalaccelerator`` client for one module run."""

    def __init__(self, module):
        self.module = module
        region = GA_CONTROL_PLANE_REGION
        if module.params.get("endpoint_url") and module.region:
            region = module.region  # a custom endpoint (emulator, partition) signs for the user's region
        self.client = module.client("globalaccelerator", retry_decorator=GA_RETRY, region=region)

    def call(self, operation, failure, not_found=None, **params):
        """Run one API call with retries; a failure ends the task through fail_json_aws.

        With ``not_found`` (an error code), that error returns None instead of failing.
        """
        try:
            return getattr(self.client, operation)(aws_retry=True, **params)
        except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
            if not_found and isinstance(e, is_boto3_error_code(not_found, e)):
                return None
            self.module.fail_json_aws(e, msg=failure)

    def paginate(self, operation, key, failure, not_found=None, **params):
        """All items of a list call (each page retried on its own); None when ``not_found`` was answered."""
        items = []
        params["MaxResults"] = PAGE_SIZE
        while True:
            page = self.call(operation, failure, not_found, **params)
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
            self.call("delete_endpoint_group", "Failed to delete endpoint group %s" % group_arn, EndpointGroupArn=group_arn)
        self.call("delete_listener", "Failed to delete listener %s" % listener_arn, ListenerArn=listener_arn)

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
