# -*- coding: utf-8 -*-
# Copyright (c) multicloud.listeners contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every error the NLB emulator answers with: code, message and HTTP status in one place.

Codes, messages and statuses follow the NLB 2022-04-30 API reference (the per-operation
"Error codes" tables) and the Alibaba Cloud common (gateway) error codes.  Where the
reference is silent the choice is marked "not documented" below.
"""

from __future__ import annotations

from ..common import ServiceError

# --- gateway: routing, signature, credentials ---------------------------------------


def missing_action():
    return ServiceError("MissingParameter",
                        'The input parameter "Action" that is mandatory for processing this request is not supplied.',
                        400)


def invalid_action(action):
    return ServiceError("InvalidAction.NotFound",
                        "Specified api is not found, please check your url and method. (%s)" % action, 404)


def invalid_version(version):
    # not documented for NLB: the gateway's answer for a known action with an unknown version
    return ServiceError("InvalidVersion", "Specified parameter Version is not valid. (%s)" % version, 400)


def unsupported_method(method):
    return ServiceError("UnsupportedHTTPMethod", "Specified http method %s is not supported." % method, 400)


def incomplete_signature(detail):
    return ServiceError("IncompleteSignature",
                        "The request signature does not conform to Aliyun standards. %s" % detail, 400)


def signature_mismatch(string_to_sign):
    return ServiceError("SignatureDoesNotMatch",
                        "Specified signature does not match our calculation. server string to sign is:%s"
                        % string_to_sign, 400)


def invalid_signature_method(method):
    return ServiceError("InvalidSignatureMethod", "Specified signature method %s is not supported." % method, 400)


def access_key_not_found():
    return ServiceError("InvalidAccessKeyId.NotFound", "Specified access key is not found.", 404)


def missing_security_token():
    return ServiceError("MissingSecurityToken", "SecurityToken is mandatory for this action.", 400)


def security_token_malformed():
    return ServiceError("InvalidSecurityToken.Malformed", "Specified SecurityToken is malformed.", 400)


def security_token_expired():
    return ServiceError("InvalidSecurityToken.Expired", "Specified SecurityToken is expired.", 400)


def security_token_mismatch():
    return ServiceError("InvalidSecurityToken.MismatchWithAccessKey",
                        "Specified SecurityToken mismatch with the AccessKey.", 400)


def timestamp_format():
    return ServiceError("InvalidTimeStamp.Format", "Specified time stamp or date value is not well formatted.", 400)


def timestamp_expired():
    return ServiceError("InvalidTimeStamp.Expired", "Specified time stamp or date value is expired.", 400)


def nonce_used():
    return ServiceError("SignatureNonceUsed", "Specified signature nonce was used already.", 400)


def no_permission():
    return ServiceError("Forbidden.NoPermission", "Authentication is failed for NoPermission.", 403)


# --- parameters -----------------------------------------------------------------------


def invalid_parameter(name):
    """A value of the wrong type (``IdleTimeout=abc``, ``DryRun=maybe``)."""
    return ServiceError("InvalidParameter", 'The specified parameter "%s" is not valid.' % name, 400)


def missing_param(name):
    return ServiceError("MissingParam.%s" % name, "The parameter of %s is missing." % name, 400)


def illegal_param(name):
    """The documented catch-all ``IllegalParam``: a value outside its range or not allowed here."""
    return ServiceError("IllegalParam", "The param of %s is illegal." % name, 400)


def illegal_idle_timeout():
    return ServiceError("IllegalParam.IdleTimeout", "The param of IdleTimeout is illegal.", 400)


def illegal_description():
    return ServiceError("IllegalParam.ListenerDescription",
                        "The parameter ListenerDescription of listener is illegal.", 400)


def illegal_port():
    """CreateListener: a port or port range outside 1-65535, or a range whose end is not above its start."""
    return ServiceError("IllegalParam.Port", "The param of Port is illegal.", 400)


def missing_server_group_id():
    # CreateListener documents this one with "param" where the generic MissingParam.%s says "parameter"
    return ServiceError("MissingParam.ServerGroupId", "The param of ServerGroupId is missing.", 400)


def missing_certificate():
    """CreateListener: a TCPSSL listener needs a server certificate."""
    return ServiceError("MissingParam.Certificate", "The param of certificate is missing.", 400)


def mss_on_udp():
    """CreateListener's own code for Mss on a UDP listener (UpdateListenerAttribute answers plain IllegalParam)."""
    return ServiceError("IllegalParam.MssConflictWithUdpAndGeneve",
                        "The param of MssConflictWithUdpAndGeneve is illegal.", 400)


def any_port_listener_needs_any_port_group():
    return ServiceError("IllegalParam.AnyPortListenerConflictWithNonAnyPortServerGroup",
                        "The param of AnyPortListenerConflictWithNonAnyPortServerGroup is illegal.", 400)


def single_port_listener_with_any_port_group():
    return ServiceError("IllegalParam.NonAnyPortListenerConflictWithAnyPortServerGroup",
                        "The param of NonAnyPortListenerConflictWithAnyPortServerGroup is illegal.", 400)


def port_conflict(port):
    return ServiceError("Conflict.Port", "The Port [%s] is conflict." % port, 400)


def listener_quota_exceeded(used, quota):
    # CreateListener documents QuotaExceeded.%s and QuotaExceeded.QuotaInsufficient with this message; the quota
    # is named as on the NLB quotas page
    return ServiceError("QuotaExceeded.QuotaInsufficient",
                        "The quota of nlb_quota_loadbalancer_listeners_num is exceeded, usage %d/%d." % (used, quota),
                        400)


def illegal_certificate_count():
    return ServiceError("IllegalParamSize.certificateIds",
                        "The param size of certificateIds or caCertificateIds is illegal.", 400)


def preserve_client_ip_conflict():
    return ServiceError("IllegalParam.PreserveClientIpSwitch",
                        "The server group associated with the tcpssl listener does not support enabling "
                        "PreserveClientIp.", 400)


def protocol_mismatch(listener_protocol, server_group_protocol):
    return ServiceError("Mismatch.Protocol", "The Protocol is mismatched for %s and %s."
                        % (listener_protocol, server_group_protocol), 400)


def vpc_mismatch(first, second):
    return ServiceError("Mismatch.VpcId", "The VpcId is mismatched for %s and %s." % (first, second), 400)


# --- resources and state --------------------------------------------------------------


def load_balancer_not_found():
    return ServiceError("ResourceNotFound.loadBalancer", "The specified resource of loadbalancer is not found.", 404)


def listener_not_found(listener_id):
    return ServiceError("ResourceNotFound.listener", "The specified resource %s is not found." % listener_id, 404)


def server_group_not_found():
    return ServiceError("ResourceNotFound.serverGroup", "The specified resource of serverGroup is not found.", 404)


def certificate_not_found(certificate_id):
    # documented with HTTP 400 (unlike the other ResourceNotFound.* codes)
    return ServiceError("ResourceNotFound.Certificate",
                        "The specified resource %s is not found." % certificate_id, 400)


def ca_certificate_not_found():
    return ServiceError("ResourceNotFound.CaCertificate",
                        "The specified resource of CaCertificate is not found.", 404)


def security_policy_not_found():
    return ServiceError("ResourceNotFound.securitypolicy",
                        "The specified resource of securitypolicy is not found.", 404)


def job_not_found():
    return ServiceError("ResourceNotFound.JobId", "The specified resource of JobId is not found.", 404)


def listener_incorrect_status(listener_id):
    return ServiceError("IncorrectStatus.listener", "The status of listener [%s] is incorrect." % listener_id, 400)


def load_balancer_incorrect_status(load_balancer_id):
    return ServiceError("IncorrectStatus.loadbalancer",
                        "The status of loadbalancer [%s] is incorrect." % load_balancer_id, 400)


def idempotence_mismatch():
    return ServiceError("IdempotenceSignatureMismatch",
                        "The idempotence token of request is same with the prev one, but the signature is different.",
                        400)


def dry_run_operation():
    return ServiceError("DryRunOperation", "Request validation has been passed with DryRun flag set.", 400)
