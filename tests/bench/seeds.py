# -*- coding: utf-8 -*-
# Copyright (c) multicloud.listeners contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The benchmark's emulator seeds and listener sets, generated in code (nothing big is committed).

Both clouds get the same shape: ``GROUPS`` accelerators / load balancers with ``PER_GROUP`` TCP
listeners each, every listener in its default state (GA client affinity ``NONE``, NLB idle timeout
900 s).  A set of N listeners is the first N in group-major order, so 10 listeners sit on one
accelerator and 100 fill all ten.  The NLB seed has one more load balancer, ``WIDE_ID``, with
``WIDE_LISTENERS`` TCP listeners: the "change of 20 listeners on one load balancer" scenario.
"""

from __future__ import annotations

import json
import os

GROUPS = 10
PER_GROUP = 10
FIRST_PORT = 8001
ACCOUNT_ID = "123456789012"
GA_ACCELERATOR_ARN = "arn:aws:globalaccelerator::%s:accelerator/be0c0000-0000-4000-8000-%012x"
NLB_REGION = "cn-hangzhou"
NLB_VPC = "vpc-bench000000000001"
NLB_IDLE_TIMEOUT = 900
WIDE_LISTENERS = 20  # on one load balancer, under the emulator's default quota of 50 listeners per load balancer


def ga_accelerator_arn(group):
    return GA_ACCELERATOR_ARN % (ACCOUNT_ID, group + 1)


def ga_listener_arn(group, port):
    return "%s/listener/%08x" % (ga_accelerator_arn(group), port)


def nlb_load_balancer_id(group):
    return "nlb-bench%012d" % (group + 1)


def nlb_listener_id(group, port):
    return "lsn-bench%012d@%d" % (group + 1, port)


def _ports(count=PER_GROUP):
    return range(FIRST_PORT, FIRST_PORT + count)


WIDE_ID = nlb_load_balancer_id(GROUPS)  # the load balancer after the GROUPS ones


def ga_seed():
    """GROUPS accelerators named bench-accelerator-NN, each with PER_GROUP single-port TCP listeners."""
    accelerators = []
    for group in range(GROUPS):
        listeners = [{"arn": ga_listener_arn(group, port), "protocol": "TCP", "port_ranges": [str(port)],
                      "client_affinity": "NONE"} for port in _ports()]
        accelerators.append({"arn": ga_accelerator_arn(group), "name": "bench-accelerator-%02d" % group,
                             "created": "2024-06-01T00:00:00Z", "listeners": listeners})
    return {"account_id": ACCOUNT_ID, "listener_quota": PER_GROUP, "accelerators": accelerators}


def nlb_seed():
    """GROUPS load balancers, each with a server group and PER_GROUP TCP listeners, plus WIDE_ID with
    WIDE_LISTENERS of them."""
    seed = {"load_balancers": [], "server_groups": [], "listeners": []}
    for group in range(GROUPS + 1):
        load_balancer_id = nlb_load_balancer_id(group)
        server_group_id = "sgp-bench%012d" % (group + 1)
        seed["load_balancers"].append({"LoadBalancerId": load_balancer_id, "LoadBalancerName": "bench-%02d" % group,
                                       "RegionId": NLB_REGION, "VpcId": NLB_VPC, "LoadBalancerStatus": "Active"})
        seed["server_groups"].append({"ServerGroupId": server_group_id, "ServerGroupName": "bench-tcp-%02d" % group,
                                      "Protocol": "TCP", "RegionId": NLB_REGION, "VpcId": NLB_VPC})
        for port in _ports(WIDE_LISTENERS if load_balancer_id == WIDE_ID else PER_GROUP):
            seed["listeners"].append({
                "ListenerId": nlb_listener_id(group, port), "LoadBalancerId": load_balancer_id,
                "ListenerProtocol": "TCP", "ListenerPort": port, "ListenerDescription": "bench_tcp_%d" % port,
                "ServerGroupId": server_group_id, "IdleTimeout": NLB_IDLE_TIMEOUT,
            })
    return seed


def listener_set(count):
    """The first ``count`` listeners, group-major: what one benchmark run manages."""
    if not 0 < count <= GROUPS * PER_GROUP:
        raise ValueError("a run manages 1 to %d listeners, not %d" % (GROUPS * PER_GROUP, count))
    listeners = []
    for index in range(count):
        group, port = divmod(index, PER_GROUP)
        port += FIRST_PORT
        listeners.append({
            "port": port,
            "accelerator_arn": ga_accelerator_arn(group),
            "listener_arn": ga_listener_arn(group, port),
            "load_balancer_id": nlb_load_balancer_id(group),
            "listener_id": nlb_listener_id(group, port),
        })
    return listeners


def wide_listener_set(count):
    """The first ``count`` listeners of the WIDE_ID load balancer (NLB only: no accelerator holds them)."""
    if not 0 < count <= WIDE_LISTENERS:
        raise ValueError("the wide load balancer has 1 to %d listeners, not %d" % (WIDE_LISTENERS, count))
    return [{"port": port, "load_balancer_id": WIDE_ID, "listener_id": nlb_listener_id(GROUPS, port)}
            for port in _ports(count)]


def write_json(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=1, sort_keys=True)
    return path
