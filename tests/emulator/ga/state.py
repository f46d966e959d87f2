# -*- coding: utf-8 -*-
# Copyright (c) multicloud.listeners contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""In-memory Global Accelerator resources, their ARNs and the seed loader.

Resources render themselves in the shapes of botocore's output model (``describe``).
An accelerator's ``Status`` is computed lazily: it reads ``IN_PROGRESS`` until
``busy_until`` and ``DEPLOYED`` afterwards.
"""

from __future__ import annotations

import datetime
import hashlib
import itertools
import re
from dataclasses import dataclass, field

DEFAULT_ACCOUNT_ID = "123456789012"
DEFAULT_LISTENER_QUOTA = 10
PROTOCOLS = ("TCP", "UDP")
AFFINITIES = ("NONE", "SOURCE_IP")

_UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
_ACCELERATOR = r"arn:aws:globalaccelerator::(?P<account>[0-9]{12}):accelerator/" + _UUID
_LISTENER = _ACCELERATOR + r"/listener/[0-9a-f]{8}"
ACCELERATOR_ARN = re.compile(_ACCELERATOR)
LISTENER_ARN = re.compile(_LISTENER)
ENDPOINT_GROUP_ARN = re.compile(_LISTENER + r"/endpoint-group/[0-9a-f]{12}")


def accelerator_arn_of(arn):
    """The accelerator part of a listener or endpoint group ARN."""
    return arn.split("/listener/")[0]


def listener_arn_of(arn):
    """The listener part of an endpoint group ARN."""
    return arn.split("/endpoint-group/")[0]


def ranges_overlap(first, second):
    """True when two (from_port, to_port) ranges share a port."""
    return first[0] <= second[1] and second[0] <= first[1]


def _digest(*parts):
    return hashlib.sha256("#".join(str(part) for part in parts).encode("utf-8")).hexdigest()


@dataclass
class EndpointGroup:
    arn: str
    region: str
    seq: int
    endpoints: list = field(default_factory=list)  # EndpointDescription dicts
    traffic_dial_percentage: float = 100.0
    health_check_port: int | None = None  # None: the listener's first port
    health_check_protocol: str = "TCP"
    health_check_path: str | None = None
    health_check_interval_seconds: int = 30
    threshold_count: int = 3
    port_overrides: list = field(default_factory=list)

    def describe(self, listener):
        description = {
            "EndpointGroupArn": self.arn,
            "EndpointGroupRegion": self.region,
            "EndpointDescriptions": [dict(endpoint) for endpoint in self.endpoints],
            "TrafficDialPercentage": self.traffic_dial_percentage,
            "HealthCheckPort": self.health_check_port or listener.port_ranges[0][0],
            "HealthCheckProtocol": self.health_check_protocol,
            "HealthCheckIntervalSeconds": self.health_check_interval_seconds,
            "ThresholdCount": self.threshold_count,
            "PortOverrides": [dict(override) for override in self.port_overrides],
        }
        if self.health_check_protocol != "TCP":
            description["HealthCheckPath"] = self.health_check_path or "/"
        return description


@dataclass
class Listener:
    arn: str
    protocol: str
    port_ranges: list  # [(from_port, to_port)] in the order given
    client_affinity: str
    seq: int
    endpoint_groups: dict = field(default_factory=dict)  # arn -> EndpointGroup

    def describe(self):
        return {
            "ListenerArn": self.arn,
            "PortRanges": [{"FromPort": low, "ToPort": high} for low, high in self.port_ranges],
            "Protocol": self.protocol,
            "ClientAffinity": self.client_affinity,
        }

    def dump(self):
        dumped = self.describe()
        dumped["EndpointGroups"] = [group.describe(self) for group in self.endpoint_groups.values()]
        return dumped


@dataclass
class Accelerator:
    arn: str
    name: str
    seq: int
    created: float
    modified: float
    enabled: bool = True
    ip_address_type: str = "IPV4"
    busy_until: float = 0.0
    listener_quota: int = DEFAULT_LISTENER_QUOTA
    ip_addresses: list = field(default_factory=list)
    dns_name: str = ""
    listeners: dict = field(default_factory=dict)  # arn -> Listener

    def status(self, now):
        return "IN_PROGRESS" if now < self.busy_until else "DEPLOYED"

    def touch(self, now, deploy_seconds):
        """Record a change: IN_PROGRESS for ``deploy_seconds`` from now."""
        self.modified = now
        self.busy_until = now + deploy_seconds

    def describe(self, now):
        description = {
            "AcceleratorArn": self.arn,
            "Name": self.name,
            "IpAddressType": self.ip_address_type,
            "Enabled": self.enabled,
            "IpSets": [{"IpFamily": "IPv4", "IpAddresses": list(self.ip_addresses), "IpAddressFamily": "IPv4"}],
            "DnsName": self.dns_name,
            "Status": self.status(now),
            "CreatedTime": self.created,
            "LastModifiedTime": self.modified,
        }
        if self.ip_address_type == "DUAL_STACK":
            suffix = _digest(self.arn, "ipv6")
            description["IpSets"].append({
                "IpFamily": "IPv6",
                "IpAddresses": ["2600:9000:a%s::%s" % (suffix[:3], suffix[3:7]),
                                "2600:9000:a%s::%s" % (suffix[7:10], suffix[10:14])],
                "IpAddressFamily": "IPv6",
            })
            description["DualStackDnsName"] = self.dns_name.replace(
                ".awsglobalaccelerator.com", ".dualstack.awsglobalaccelerator.com")
        return description

    def dump(self, now):
        dumped = self.describe(now)
        dumped["ListenerQuota"] = self.listener_quota
        dumped["Listeners"] = [listener.dump() for listener in self.listeners.values()]
        return dumped


@dataclass
class TokenRecord:
    """What one CreateListener IdempotencyToken was used for."""

    request: tuple  # normalized request: (accelerator arn, port ranges, protocol, affinity)
    listener_arn: str
    response: dict  # the listener as first created, answered again if it is gone


class GaState:
    """All accelerators of the emulated account."""

    def __init__(self, account_id=DEFAULT_ACCOUNT_ID, listener_quota=DEFAULT_LISTENER_QUOTA):
        self.account_id = account_id
        self.listener_quota = listener_quota
        self.accelerators = {}  # arn -> Accelerator, in creation order
        self.tokens = {}  # IdempotencyToken -> TokenRecord
        self._seq = itertools.count(1)

    def next_seq(self):
        return next(self._seq)

    def dump(self, now):
        return {
            "account_id": self.account_id,
            "listener_quota": self.listener_quota,
            "accelerators": [accelerator.dump(now) for accelerator in self.accelerators.values()],
            "idempotency_tokens": {token: record.listener_arn for token, record in self.tokens.items()},
        }


# --- seed loading -------------------------------------------------------------------------------------------------

class SeedError(ValueError):
    """The seed data is not usable."""


def _timestamp(value, default):
    if value is None:
        return default
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    try:
        moment = datetime.datetime.fromisoformat(str(value))
    except ValueError as exc:
        raise SeedError("seed: invalid timestamp %r" % (value,)) from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    return moment.timestamp()


def parse_port_range(value):
    """Read "80", "1000-2000", [1000, 2000] or {"FromPort": .., "ToPort": ..} as (from, to)."""
    if isinstance(value, dict):
        low, high = value.get("FromPort"), value.get("ToPort")
    elif isinstance(value, (list, tuple)) and len(value) == 2:
        low, high = value
    elif isinstance(value, (str, int)) and not isinstance(value, bool):
        low, dummy, high = str(value).partition("-")
        high = high or low
    else:
        raise SeedError("seed: invalid port range %r" % (value,))
    try:
        low, high = int(low), int(high)
    except (TypeError, ValueError) as exc:
        raise SeedError("seed: invalid port range %r" % (value,)) from exc
    if not 1 <= low <= high <= 65535:
        raise SeedError("seed: invalid port range %r" % (value,))
    return low, high


def _choice(value, allowed, what):
    if value not in allowed:
        raise SeedError("seed: %s must be one of %s, got %r" % (what, ", ".join(allowed), value))
    return value


def _check_arn(arn, pattern, what, account_id):
    match = pattern.fullmatch(arn or "")
    if not match:
        raise SeedError("seed: %r is not a valid %s ARN" % (arn, what))
    if match.group("account") != account_id:
        raise SeedError("seed: %s ARN %r is not in account %s" % (what, arn, account_id))
    return arn


class SeedLoader:
    """Builds a ``GaState`` from seed data (see ``seed.json`` for the format)."""

    def __init__(self, seed, now, deploy_seconds):
        self.seed = seed or {}
        self.now = now
        self.deploy_seconds = deploy_seconds
        self.state = GaState(str(self.seed.get("account_id", DEFAULT_ACCOUNT_ID)),
                             int(self.seed.get("listener_quota", DEFAULT_LISTENER_QUOTA)))
        self.arns = set()

    def load(self):
        for index, item in enumerate(self.seed.get("accelerators", [])):
            accelerator = self._accelerator(index, item)
            self.state.accelerators[accelerator.arn] = accelerator
        return self.state

    def _unique(self, arn):
        if arn in self.arns:
            raise SeedError("seed: duplicate ARN %s" % arn)
        self.arns.add(arn)
        return arn

    def _accelerator(self, index, item):
        if not item.get("name"):
            raise SeedError("seed: accelerator #%d has no name" % index)
        arn = _check_arn(item.get("arn"), ACCELERATOR_ARN, "accelerator", self.state.account_id)
        created = _timestamp(item.get("created"), self.now)
        digest = _digest(arn)
        accelerator = Accelerator(
            arn=self._unique(arn),
            name=str(item["name"]),
            seq=self.state.next_seq(),
            created=created,
            modified=_timestamp(item.get("modified"), created),
            enabled=bool(item.get("enabled", True)),
            ip_address_type=_choice(item.get("ip_address_type", "IPV4"), ("IPV4", "DUAL_STACK"), "ip_address_type"),
            listener_quota=int(item.get("listener_quota", self.state.listener_quota)),
            ip_addresses=list(item.get("ip_addresses") or [
                "75.2.%d.%d" % (int(digest[0:2], 16), int(digest[2:4], 16)),
                "99.83.%d.%d" % (int(digest[4:6], 16), int(digest[6:8], 16)),
            ]),
            dns_name=item.get("dns_name") or "a%s.awsglobalaccelerator.com" % digest[8:24],
        )
        if _choice(item.get("status", "DEPLOYED"), ("DEPLOYED", "IN_PROGRESS"), "status") == "IN_PROGRESS":
            accelerator.busy_until = self.now + float(item.get("in_progress_seconds", self.deploy_seconds))
        for position, listener_item in enumerate(item.get("listeners", [])):
            listener = self._listener(accelerator, position, listener_item)
            accelerator.listeners[listener.arn] = listener
        return accelerator

    def _listener(self, accelerator, position, item):
        arn = item.get("arn") or "%s/listener/%s" % (accelerator.arn, _digest(accelerator.arn, position)[:8])
        _check_arn(arn, LISTENER_ARN, "listener", self.state.account_id)
        if accelerator_arn_of(arn) != accelerator.arn:
            raise SeedError("seed: listener %s is not under accelerator %s" % (arn, accelerator.arn))
        protocol = _choice(item.get("protocol", "TCP"), PROTOCOLS, "protocol")
        ranges = [parse_port_range(value) for value in item.get("port_ranges", [])]
        if not 1 <= len(ranges) <= 10:
            raise SeedError("seed: listener %s needs 1 to 10 port ranges" % arn)
        for other in accelerator.listeners.values():
            if other.protocol == protocol and any(ranges_overlap(mine, theirs)
                                                  for mine in ranges for theirs in other.port_ranges):
                raise SeedError("seed: listener %s overlaps listener %s" % (arn, other.arn))
        listener = Listener(
            arn=self._unique(arn),
            protocol=protocol,
            port_ranges=ranges,
            client_affinity=_choice(item.get("client_affinity", "NONE"), AFFINITIES, "client_affinity"),
            seq=self.state.next_seq(),
        )
        for group_position, group_item in enumerate(item.get("endpoint_groups", [])):
            group = self._endpoint_group(listener, group_position, group_item)
            listener.endpoint_groups[group.arn] = group
        return listener

    def _endpoint_group(self, listener, position, item):
        arn = item.get("arn") or "%s/endpoint-group/%s" % (listener.arn, _digest(listener.arn, position)[:12])
        _check_arn(arn, ENDPOINT_GROUP_ARN, "endpoint group", self.state.account_id)
        if listener_arn_of(arn) != listener.arn:
            raise SeedError("seed: endpoint group %s is not under listener %s" % (arn, listener.arn))
        if not item.get("region"):
            raise SeedError("seed: endpoint group %s has no region" % arn)
        endpoints = []
        for endpoint in item.get("endpoints", []):
            endpoints.append({
                "EndpointId": endpoint["id"],
                "Weight": int(endpoint.get("weight", 128)),
                "HealthState": endpoint.get("health_state", "HEALTHY"),
                "ClientIPPreservationEnabled": bool(endpoint.get("client_ip_preservation", False)),
            })
        return EndpointGroup(
            arn=self._unique(arn),
            region=item["region"],
            seq=self.state.next_seq(),
            endpoints=endpoints,
            traffic_dial_percentage=float(item.get("traffic_dial_percentage", 100.0)),
            health_check_port=item.get("health_check_port"),
            health_check_protocol=_choice(item.get("health_check_protocol", "TCP"), ("TCP", "HTTP", "HTTPS"),
                                          "health_check_protocol"),
            health_check_path=item.get("health_check_path"),
        )


def load_seed(seed, now, deploy_seconds):
    """Build the state described by ``seed`` (a dict as in ``seed.json``)."""
    return SeedLoader(seed, now, deploy_seconds).load()
