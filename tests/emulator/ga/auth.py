# -*- coding: utf-8 -*-
# Copyright (c) multicloud.listeners contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""AWS Signature Version 4 verification for the Global Accelerator emulator.

The signature is recomputed with botocore's own signer (``SigV4Auth``) over a request
rebuilt from the headers the client says it signed, then compared with the one sent.
Errors are answered with the codes and wording of the AWS front end.
"""

from __future__ import annotations

import datetime
import hmac
import re
from typing import NamedTuple

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from ..common import ServiceError

ALGORITHM = "AWS4-HMAC-SHA256"
TIMESTAMP_FORMAT = "%Y%m%dT%H%M%SZ"
MAX_CLOCK_SKEW = datetime.timedelta(minutes=5)

# access key -> (secret key, session token or None for long-term keys)
DEFAULT_CREDENTIALS = {
    "AKIAEMULATOR00000000": ("emulator-secret-key", None),
    "ASIAEMULATOR00000000": ("emulator-sts-secret", "emulator-session-token"),
}

SIGNATURE_MISMATCH = (
    "The request signature we calculated does not match the signature you provided. "
    "Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
)
INVALID_TOKEN = "The security token included in the request is invalid."

_AUTH_PARAM = re.compile(r"\s*([A-Za-z]+)=([^,\s]*)\s*")


class CredentialScope(NamedTuple):
    """The parts of ``Credential=AKID/20240101/us-west-2/globalaccelerator/aws4_request``."""

    access_key: str
    date: str
    region: str
    service: str
    terminator: str


def _incomplete(message):
    return ServiceError("IncompleteSignatureException", message, 400)


def _invalid_signature(message):
    return ServiceError("InvalidSignatureException", message, 403)


def _unrecognized_client():
    return ServiceError("UnrecognizedClientException", INVALID_TOKEN, 403)


class SigV4Verifier:
    """Checks the ``Authorization`` header of a request against known credentials."""

    def __init__(self, service_name, region, credentials=None):
        self.service_name = service_name
        self.region = region
        self.credentials = dict(DEFAULT_CREDENTIALS if credentials is None else credentials)

    def verify(self, request, now=None):
        """Raise ServiceError unless ``request`` carries a valid signature."""
        header = request.headers.get("authorization")
        if not header:
            raise ServiceError("MissingAuthenticationTokenException", "Missing Authentication Token", 403)
        fields = self._parse_authorization(header)
        scope = self._parse_credential(fields["Credential"])
        amz_date = request.headers.get("x-amz-date")
        if not amz_date:
            raise _incomplete("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. "
                              "Authorization=%s" % header)
        try:
            signed_at = datetime.datetime.strptime(amz_date, TIMESTAMP_FORMAT).replace(tzinfo=datetime.timezone.utc)
        except ValueError as exc:
            raise _incomplete("The X-Amz-Date header '%s' is not a valid ISO-8601 basic timestamp." % amz_date) from exc

        secret, token = self._lookup(scope.access_key, request.headers.get("x-amz-security-token"))
        self._check_scope(amz_date, scope)
        self._check_clock(signed_at, now or datetime.datetime.now(datetime.timezone.utc))
        signed_headers = fields["SignedHeaders"].split(";")
        if "host" not in signed_headers:
            raise _invalid_signature("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.")
        expected = self._signature(request, signed_headers, amz_date, Credentials(scope.access_key, secret, token))
        if not hmac.compare_digest(expected, fields["Signature"]):
            raise _invalid_signature(SIGNATURE_MISMATCH)
        return scope.access_key

    @staticmethod
    def _parse_authorization(header):
        algorithm, dummy, rest = header.strip().partition(" ")
        if algorithm != ALGORITHM:
            raise _incomplete("Unsupported AWS 'algorithm': '%s'." % algorithm)
        fields = {}
        for part in rest.split(","):
            match = _AUTH_PARAM.fullmatch(part)
            if not match:
                raise _incomplete("Authorization header requires each component to be of the form key=value. "
                                  "Authorization=%s" % header)
            fields[match.group(1)] = match.group(2)
        missing = [name for name in ("Credential", "SignedHeaders", "Signature") if not fields.get(name)]
        if missing:
            raise _incomplete(" ".join("Authorization header requires '%s' parameter." % name for name in missing)
                              + " Authorization=%s" % header)
        return fields

    @staticmethod
    def _parse_credential(credential):
        parts = credential.split("/")
        if len(parts) != 5 or not all(parts):
            raise _incomplete("Credential must have exactly 5 slash-delimited elements, "
                              "e.g. keyid/date/region/service/term, got '%s'" % credential)
        return CredentialScope(*parts)

    def _lookup(self, access_key, token):
        """Return (secret, token) for a known key whose session token matches."""
        known = self.credentials.get(access_key)
        if known is None:
            raise _unrecognized_client()
        secret, expected_token = known
        if (token or None) != expected_token:
            raise _unrecognized_client()
        return secret, token

    def _check_scope(self, amz_date, scope):
        if scope.date != amz_date[:8]:
            raise _invalid_signature(
                "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: "
                "'%s' != '%s', from '%s'." % (scope.date, amz_date[:8], amz_date))
        if scope.region != self.region:
            raise _invalid_signature("Credential should be scoped to a valid region. ")
        if scope.service != self.service_name:
            raise _invalid_signature("Credential should be scoped to correct service: '%s'. " % self.service_name)
        if scope.terminator != "aws4_request":
            raise _invalid_signature("Credential should be scoped with a valid terminator: 'aws4_request', "
                                     "not '%s'." % scope.terminator)

    @staticmethod
    def _check_clock(signed_at, now):
        def stamp(moment):
            return moment.strftime(TIMESTAMP_FORMAT)

        if signed_at < now - MAX_CLOCK_SKEW:
            raise _invalid_signature("Signature expired: %s is now earlier than %s (%s - 5 min.)" % (
                stamp(signed_at), stamp(now - MAX_CLOCK_SKEW), stamp(now)))
        if signed_at > now + MAX_CLOCK_SKEW:
            raise _invalid_signature("Signature not yet current: %s is still later than %s (%s + 5 min.)" % (
                stamp(signed_at), stamp(now + MAX_CLOCK_SKEW), stamp(now)))

    def _signature(self, request, signed_headers, amz_date, credentials):
        """Recompute the signature with botocore's signer over the signed parts of ``request``."""
        headers = {name: request.headers.get(name, "") for name in signed_headers}
        url = "http://%s%s" % (request.headers.get("host", ""), request.raw_path or request.path)
        rebuilt = AWSRequest(method=request.method, url=url, headers=headers, data=request.body)
        rebuilt.context["timestamp"] = amz_date
        signer = SigV4Auth(credentials, self.service_name, self.region)
        canonical = signer.canonical_request(rebuilt)
        return signer.signature(signer.string_to_sign(rebuilt, canonical), rebuilt)
