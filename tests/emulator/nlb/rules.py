# -*- coding: utf-8 -*-
# Copyright (c) multicloud.listeners contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The documented rules an ``UpdateListenerAttribute`` request must pass.

``check_update`` raises the first failing rule's error, in this order: fields that do not
apply to the listener's protocol, value ranges and formats, certificate counts, the
referenced server group / security policy / certificates, then combinations
(``AlpnEnabled`` needs a policy, ``CaEnabled`` needs a CA certificate).
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
IDLE_TIMEOUT_RANGES = {"TCP": (10, 900), "TCPSSL": (10, 900), "UDP": (10, 20)}
CPS_RANGE = (0, 1000000)
MSS_RANGE = (0, 1500)
ALPN_POLICIES = ("HTTP1Only", "HTTP2Only", "HTTP2Optional", "HTTP2Preferred")
SERVER_GROUP_PROTOCOLS = {"TCP": ("TCP", "TCP_UDP"), "UDP": ("UDP", "TCP_UDP"), "TCPSSL": ("TCP",)}
SYSTEM_SECURITY_POLICIES = ("tls_cipher_policy_1_0", "tls_cipher_policy_1_1", "tls_cipher_policy_1_2",
                            "tls_cipher_policy_1_2_strict", "tls_cipher_policy_1_2_strict_with_1_3")
# 2-256 characters: letters (Latin and CJK), digits and , . ; / @ _ -
DESCRIPTION_PATTERN = re.compile(r"^[A-Za-z0-9\u4e00-\u9fff,.;/@_-]{2,256}$")


def check_update(listener, changes, catalog):
    """Raise the error for the first rule ``changes`` break on ``listener``; ``catalog`` resolves references."""
    protocol = listener["ListenerProtocol"]
    check_protocol_fields(protocol, changes)
    check_values(protocol, changes)
    check_certificate_counts(changes)
    check_references(listener, changes, catalog)
    check_combinations(listener, changes)


def check_protocol_fields(protocol, changes):
    """TLS fields exist only on TCPSSL listeners, Mss only on TCP and TCPSSL ones."""
    if protocol != "TCPSSL":
        for name in TCPSSL_ONLY_FIELDS:
            if name in changes:
                raise errors.illegal_param(name)
    if "Mss" in changes and protocol not in MSS_PROTOCOLS:
        raise errors.illegal_param("Mss")


def check_values(protocol, changes):
    if "ListenerDescription" in changes and not DESCRIPTION_PATTERN.match(changes["ListenerDescription"]):
        raise errors.illegal_description()
    if "IdleTimeout" in changes and not _within(changes["IdleTimeout"], IDLE_TIMEOUT_RANGES[protocol]):
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
