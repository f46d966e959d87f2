# -*- coding: utf-8 -*-
# Copyright (c) multicloud.listeners contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The SDK floor for nlb_listener_attribute: the Alibaba Cloud SDK alone, making the module's calls per listener.

    python sdk_nlb.py --endpoint-url http://127.0.0.1:PORT --mode noop|change|check LISTENERS.json

Per listener: GetListenerAttribute, compare the idle timeout; ``change`` then sends UpdateListenerAttribute,
polls GetJobStatus until Succeeded and reads the listener once more; ``check`` sends the update with
DryRun (a passing precheck answers DryRunOperation).  Credentials come from ALIBABA_CLOUD_ACCESS_KEY_ID and
ALIBABA_CLOUD_ACCESS_KEY_SECRET.  Prints ``{"listeners": N, "changed": M}``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from urllib.parse import urlsplit

from alibabacloud_nlb20220430 import models
from alibabacloud_nlb20220430.client import Client
from alibabacloud_tea_openapi.exceptions import ClientException
from alibabacloud_tea_openapi.utils_models import Config
from darabonba.runtime import RuntimeOptions

REGION = "cn-hangzhou"
DESIRED_IDLE_TIMEOUT = {"noop": 900, "change": 600, "check": 600}


def make_client(endpoint_url):
    parts = urlsplit(endpoint_url)
    return Client(Config(access_key_id=os.environ["ALIBABA_CLOUD_ACCESS_KEY_ID"],
                         access_key_secret=os.environ["ALIBABA_CLOUD_ACCESS_KEY_SECRET"],
                         region_id=REGION, endpoint=parts.netloc, protocol=parts.scheme))


class Floor:
    """The module's calls for one listener at a time, with one client and one set of runtime options."""

    def __init__(self, client):
        self.client = client
        self.runtime = RuntimeOptions()

    def read(self, listener_id):
        request = models.GetListenerAttributeRequest(listener_id=listener_id, region_id=REGION)
        return self.client.get_listener_attribute_with_options(request, self.runtime).body

    def update(self, listener_id, idle_timeout, dry_run):
        request = models.UpdateListenerAttributeRequest(listener_id=listener_id, region_id=REGION,
                                                        idle_timeout=idle_timeout, dry_run=dry_run)
        try:
            return self.client.update_listener_attribute_with_options(request, self.runtime).body.job_id
        except ClientException as error:
            if dry_run and error.code == "DryRunOperation":
                return None
            raise

    def wait_job(self, job_id, delay=0.5):
        request = models.GetJobStatusRequest(job_id=job_id)
        while self.client.get_job_status_with_options(request, self.runtime).body.status != "Succeeded":
            time.sleep(delay)

    def converge(self, listener_id, mode):
        """One listener; True when it differs from what is wanted."""
        desired = DESIRED_IDLE_TIMEOUT[mode]
        if self.read(listener_id).idle_timeout == desired:
            return False
        job_id = self.update(listener_id, desired, dry_run=mode == "check")
        if mode == "change":
            self.wait_job(job_id)
            self.read(listener_id)
        return True


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoint-url", required=True)
    parser.add_argument("--mode", choices=sorted(DESIRED_IDLE_TIMEOUT), required=True)
    parser.add_argument("listeners", help="JSON file: a list of {listener_id}")
    args = parser.parse_args(argv)
    with open(args.listeners, encoding="utf-8") as handle:
        listeners = json.load(handle)
    floor = Floor(make_client(args.endpoint_url))
    changed = sum(floor.converge(listener["listener_id"], args.mode) for listener in listeners)
    sys.stdout.write(json.dumps({"listeners": len(listeners), "changed": changed}) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
