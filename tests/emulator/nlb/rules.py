# -*- coding: utf-8 -*-
# Copyright (c) multicloud.listeners contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The documented rules an ``UpdateListenerAttribute`` or ``CreateListener`` request must pass.

``check_update`` raises the first failing rule's error, in this order: fields that do not
apply to the listener's protocol, value ranges and formats, certificate counts, the
referenced server group / security policy / certificates, then combinations
(``AlpnEnabled`` needs a policy, ``CaEnabled`` needs a CA certificate).

``check_create`` first checks the request on its own (required parameters, protocol,
ports, tags), then the same attribute rules as an update on the listener-to-be, then the
load balancer (exists, idle, a free port of the protocol's class, the listener quota).
Sources: the CreateListener / UpdateListenerAttribute API reference (parameters and
"Error codes" tables), the SDK 4.1.3 request models, the NLB listener overview (ports) and
the NLB quotas page (50 listeners per load balancer).
"""

from __future__ import annotations

import re

from . import errors

UPDATABLE_FIELDS = (
    "ListenerDescription", "ServerGroupId", "IdleTimeout", "SecurityPolicyId", "CertificateIds",
    "CaCertificateIds", "CaEnabled", "ProxyProtocolEnabled", "ProxyProtocolV2Config", "SecSensorEnabled",
    "AlpnEnabled", "AlpnPolicy", "Cps", "Mss",
)
TCPSSL_ONLY_FIELDS = ("CertificateIds", "CaCertificateIds", "CaEnabled", "SecurityPolicyId", "AlpnEnabled",
                      "AlpnPolicy")
MSS_PROTOCOLS = ("TCP", "TCPSSL")
LISTENER_PROTOCOLS = ("TCP", "UDP", "TCPSSL")
# IdleTimeout: documented 10-900 on TCP/TCPSSL, 10-20 on UDP (SDK 4.1.3 CreateListenerRequest docstring);
# allow-listed accounts may go higher on TCP/TCPSSL: the emulator's "idle_timeout_max" setting raises the 900
IDLE_TIMEOUT_RANGES = {"TCP": (10, 900), "TCPSSL": (10, 900), "UDP": (10, 20)}
DEFAULT_LIMITS = {"listener_quota": 50, "idle_timeout_max": 900}
PORT_RANGE = (1, 65535)
# TCP and TCPSSL listeners share one port space on a load balancer, UDP has its own (NLB listener overview)
PORT_CLASSES = {"TCP": "TCP", "TCPSSL": "TCP", "UDP": "UDP"}
MAX_TAGS = 20
TAG_KEY_MAX, TAG_VALUE_MAX = 64, 128
TAG_FORBIDDEN = ("aliyun", "acs:")
CPS_RANGE = (0, 1000000)
MSS_RANGE = (0, 1500)
ALPN_POLICIES = ("HTTP1Only", "HTTP2Only", "HTTP2Optional", "HTTP2Preferred")
SERVER_GROUP_PROTOCOLS = {"TCP": ("TCP", "TCP_UDP"), "UDP": ("UDP", "TCP_UDP"), "TCPSSL": ("TCP",)}
SYSTEM_SECURITY_POLICIES = ("tls_cipher_policy_1_0", "tls_cipher_policy_1_1", "tls_cipher_policy_1_2",
                            "tls_cipher_policy_1_2_strict", "tls_cipher_policy_1_2_strict_with_1_3")
# 2-256 characters: ASCII letters, Chinese characters, digits and , . ; / @ _ - (API reference, zh and en).
# Used with fullmatch: "$" would also match before a trailing newline ("web\n").
DESCRIPTION_PATTERN = re.compile(r"[A-Za-z0-9\u4e00-\u9fff,.;/@_-]{2,256}")


def check_update(listener, changes, catalog):
    """Raise the error for the first rule ``changes`` break on ``listener``; ``catalog`` resolves references."""
    protocol = listener["ListenerProtocol"]
    check_protocol_fields(protocol, changes)
    check_values(protocol, changes, limits_of(catalog))
    check_certificate_counts(changes)
    check_references(listener, changes, catalog)
    check_long_idle_timeout(listener, changes, catalog)
    check_combinations(listener, changes)


def limits_of(catalog):
    return getattr(catalog, "limits", DEFAULT_LIMITS)


def check_protocol_fields(protocol, changes, mss_error=None):
    """TLS fields exist only on TCPSSL listeners, Mss only on TCP and TCPSSL ones (SDK 4.1.3: Mss "takes effect
    only for TCP and TCPSSL listeners").  Mss on UDP: ``mss_error()``, else plain IllegalParam (as for updates)."""
    if protocol != "TCPSSL":
        for name in TCPSSL_ONLY_FIELDS:
            if name in changes:
                raise errors.illegal_param(name)
    if "Mss" in changes and protocol not in MSS_PROTOCOLS:
        raise mss_error() if mss_error else errors.illegal_param("Mss")


def idle_timeout_range(protocol, limits):
    low, high = IDLE_TIMEOUT_RANGES[protocol]
    if protocol in MSS_PROTOCOLS:  # TCP and TCPSSL: the allow-listed maximum when one is configured
        high = max(high, limits.get("idle_timeout_max", high))
    return low, high


def check_values(protocol, changes, limits=None):
    limits = DEFAULT_LIMITS if limits is None else limits
    if "ListenerDescription" in changes and not DESCRIPTION_PATTERN.fullmatch(changes["ListenerDescription"]):
        raise errors.illegal_description()
    if "IdleTimeout" in changes and not _within(changes["IdleTimeout"], idle_timeout_range(protocol, limits)):
        raise errors.illegal_idle_timeout()
    if "Cps" in changes and not _within(changes["Cps"], CPS_RANGE):
        raise errors.illegal_param("Cps")
    if "Mss" in changes and not _within(changes["Mss"], MSS_RANGE):
        raise errors.illegal_param("Mss")
    if "AlpnPolicy" in changes and changes["AlpnPolicy"] not in ALPN_POLICIES:
        raise errors.illegal_param("AlpnPolicy")


def check_certificate_counts(changes):
    """One server certificate and at most one CA certificate; a repeated ID counts twice."""
    if "CertificateIds" in changes and len(changes["CertificateIds"]) != 1:
        raise errors.illegal_certificate_count()
    if "CaCertificateIds" in changes and len(changes["CaCertificateIds"]) > 1:
        raise errors.illegal_certificate_count()


def check_references(listener, changes, catalog):
    if "ServerGroupId" in changes:
        check_server_group(listener, catalog.server_group(changes["ServerGroupId"], listener["RegionId"]),
                           catalog.load_balancer(listener["LoadBalancerId"]))
    policy_id = changes.get("SecurityPolicyId")
    if policy_id is not None and not catalog.has_security_policy(policy_id, listener["RegionId"]):
        raise errors.security_policy_not_found()
    for certificate_id in changes.get("CertificateIds", []):
        if not catalog.has_certificate(certificate_id, "Server", listener["RegionId"]):
            raise errors.certificate_not_found(certificate_id)
    for certificate_id in changes.get("CaCertificateIds", []):
        if not catalog.has_certificate(certificate_id, "CA", listener["RegionId"]):
            raise errors.ca_certificate_not_found()


def check_server_group(listener, server_group, load_balancer):
    """Same VPC as the load balancer, a protocol the listener can forward to, and for TCPSSL no client IP
    preservation."""
    if server_group is None:
        raise errors.server_group_not_found()
    if server_group["VpcId"] != load_balancer["VpcId"]:
        raise errors.vpc_mismatch(server_group["ServerGroupId"], load_balancer["LoadBalancerId"])
    protocol = listener["ListenerProtocol"]
    if server_group["Protocol"] not in SERVER_GROUP_PROTOCOLS[protocol]:
        raise errors.protocol_mismatch(protocol, server_group["Protocol"])
    if protocol == "TCPSSL" and server_group.get("PreserveClientIpEnabled"):
        raise errors.preserve_client_ip_conflict()
    # a port range listener (ListenerPort 0) forwards to a server group with any-port forwarding, a
    # single-port listener to one without (CreateListener error codes IllegalParam.*AnyPort*)
    range_listener = listener.get("ListenerPort") == 0
    if range_listener and not server_group.get("AnyPortEnabled"):
        raise errors.any_port_listener_needs_any_port_group()
    if not range_listener and server_group.get("AnyPortEnabled"):
        raise errors.single_port_listener_with_any_port_group()


def check_long_idle_timeout(listener, changes, catalog):
    """An IdleTimeout above the documented 900 (allow-listed accounts) is refused when the listener's server
    group preserves client IPs (Terraform alicloud provider notes on idle_timeout; NOTES.md)."""
    timeout = changes.get("IdleTimeout")
    if timeout is None or timeout <= IDLE_TIMEOUT_RANGES["TCP"][1] or listener["ListenerProtocol"] == "UDP":
        return
    group = catalog.server_group(changes.get("ServerGroupId", listener.get("ServerGroupId")), listener["RegionId"])
    if group is not None and group.get("PreserveClientIpEnabled"):
        raise errors.illegal_idle_timeout()


def check_combinations(listener, changes):
    """Judge the listener as it would be after the change."""
    after = dict(listener, **changes)
    if after.get("AlpnEnabled") and not after.get("AlpnPolicy"):
        raise errors.missing_param("AlpnPolicy")
    if after.get("CaEnabled") and not after.get("CaCertificateIds"):
        raise errors.missing_param("CaCertificateIds")


def _within(value, bounds):
    low, high = bounds
    return low <= value <= high


# --- CreateListener --------------------------------------------------------------------------


def check_create_request(params):
    """The rules a CreateListener request must pass on its own; returns ``(protocol, port, start, end)``."""
    for name in ("LoadBalancerId", "ListenerProtocol", "ListenerPort"):
        if params.get(name) is None or params.get(name) == "":
            raise errors.missing_param(name)
    if not params.get("ServerGroupId"):
        raise errors.missing_server_group_id()
    protocol = params["ListenerProtocol"]
    if protocol not in LISTENER_PROTOCOLS:
        raise errors.illegal_param("ListenerProtocol")
    port, start, end = check_ports(params["ListenerPort"], params.get("StartPort"), params.get("EndPort"))
    check_tags(params.get("Tag", []))
    return protocol, port, start, end


def check_ports(port, start, end):
    """ListenerPort 1-65535, or 0 with StartPort < EndPort, both 1-65535 (CreateListener parameters)."""
    if port != 0:
        if not _within(port, PORT_RANGE):
            raise errors.illegal_port()
        if start or end:  # not documented: a range given with a single port is refused rather than ignored
            raise errors.illegal_port()
        return port, None, None
    for name, value in (("StartPort", start), ("EndPort", end)):
        if value is None:
            raise errors.missing_param(name)
    if not (_within(start, PORT_RANGE) and _within(end, PORT_RANGE)) or start >= end:
        raise errors.illegal_port()
    return 0, start, end


def check_tags(tags):
    """Up to 20 tags; keys 1-64 and values 0-128 characters, neither starting with ``aliyun`` or ``acs:`` nor
    containing ``http://`` / ``https://`` (CreateListener ``Tag``).  The codes are not documented: IllegalParam."""
    if len(tags) > MAX_TAGS:
        raise errors.illegal_param("Tag")
    for index, tag in enumerate(tags, 1):
        key, value = tag.get("Key"), tag.get("Value", "")
        if not key or len(key) > TAG_KEY_MAX or not _tag_text_allowed(key):
            raise errors.illegal_param("Tag.%d.Key" % index)
        if len(value) > TAG_VALUE_MAX or (value and not _tag_text_allowed(value)):
            raise errors.illegal_param("Tag.%d.Value" % index)


def _tag_text_allowed(text):
    lowered = text.lower()
    return not lowered.startswith(TAG_FORBIDDEN) and "http://" not in lowered and "https://" not in lowered


def check_create_attributes(listener, attributes, catalog):
    """The UpdateListenerAttribute rules on the listener-to-be, plus: a TCPSSL listener needs a certificate."""
    protocol = listener["ListenerProtocol"]
    check_protocol_fields(protocol, attributes, mss_error=errors.mss_on_udp)
    check_values(protocol, attributes, limits_of(catalog))
    check_certificate_counts(attributes)
    if protocol == "TCPSSL" and not attributes.get("CertificateIds"):
        raise errors.missing_certificate()
    check_references(listener, attributes, catalog)
    check_long_idle_timeout(listener, attributes, catalog)
    check_combinations(listener, attributes)


def port_span(listener):
    """The ports a listener occupies, as an inclusive ``(first, last)``."""
    if listener["ListenerPort"]:
        return listener["ListenerPort"], listener["ListenerPort"]
    return int(listener["StartPort"]), int(listener["EndPort"])


def check_port_free(protocol, span, neighbours):
    """One listener per port class and port on a load balancer; a range occupies each of its ports."""
    for other in neighbours:
        if PORT_CLASSES[other["ListenerProtocol"]] != PORT_CLASSES[protocol]:
            continue
        first, last = port_span(other)
        if first <= span[1] and span[0] <= last:
            raise errors.port_conflict(span[0] if span[0] == span[1] else "%d-%d" % span)


def check_quota(neighbours, limits):
    quota = limits.get("listener_quota", DEFAULT_LIMITS["listener_quota"])
    if len(neighbours) >= quota:
        raise errors.listener_quota_exceeded(len(neighbours), quota)
