# -*- coding: utf-8 -*-
# Copyright (c) multicloud.listeners contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The SDK floor for ga_listener: boto3 alone, making the calls the module makes, for each listener of a set.

    python sdk_ga.py --endpoint-url URL --mode noop|change|check LISTENERS.json

Per listener: ListListeners of its accelerator (one page), find the listener by port, compare the client
affinity; ``change`` then sends UpdateListener and polls DescribeAccelerator until DEPLOYED.  Credentials
come from the standard AWS environment variables.  Prints ``{"listeners": N, "changed": M}``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

import boto3

REGION = "us-west-2"
DESIRED_AFFINITY = {"noop": "NONE", "change": "SOURCE_IP", "check": "SOURCE_IP"}


def find_listener(client, accelerator_arn, port):
    listeners = client.list_listeners(AcceleratorArn=accelerator_arn, MaxResults=100)["Listeners"]
    return next(item for item in listeners if item["PortRanges"][0]["FromPort"] == port)


def wait_deployed(client, accelerator_arn, delay=0.5):
    while client.describe_accelerator(AcceleratorArn=accelerator_arn)["Accelerator"]["Status"] != "DEPLOYED":
        time.sleep(delay)


def converge(client, listener, mode):
    """One listener; True when it differs from what is wanted."""
    desired = DESIRED_AFFINITY[mode]
    current = find_listener(client, listener["accelerator_arn"], listener["port"])
    if current["ClientAffinity"] == desired:
        return False
    if mode == "change":
        client.update_listener(ListenerArn=current["ListenerArn"], ClientAffinity=desired)
        wait_deployed(client, listener["accelerator_arn"])
    return True


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoint-url", required=True)
    parser.add_argument("--mode", choices=sorted(DESIRED_AFFINITY), required=True)
    parser.add_argument("listeners", help="JSON file: a list of {accelerator_arn, port}")
    args = parser.parse_args(argv)
    with open(args.listeners, encoding="utf-8") as handle:
        listeners = json.load(handle)
    client = boto3.client("globalaccelerator", region_name=REGION, endpoint_url=args.endpoint_url)
    changed = sum(converge(client, listener, args.mode) for listener in listeners)
    sys.stdout.write(json.dumps({"listeners": len(listeners), "changed": changed}) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
