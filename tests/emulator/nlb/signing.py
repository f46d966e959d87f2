# -*- coding: utf-8 -*-
# Copyright (c) multicloud.listeners contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Verify Alibaba Cloud V3 (``ACS3-HMAC-SHA256``) request signatures.

The client sends ``Authorization: ACS3-HMAC-SHA256 Credential=<key>,SignedHeaders=<a;b>,Signature=<hex>``.
The signature is ``hex(HMAC-SHA256(secret, "ACS3-HMAC-SHA256\\n" + hex(SHA256(canonical_request))))`` over::

    METHOD \\n path \\n sorted, RFC 3986-encoded query \\n "name:value\\n" per signed header \\n
    signed header names \\n hex(SHA256(body))

The body hash is computed here from the bytes received, so a body that does not match
``x-acs-content-sha256`` (or was altered) fails like a wrong secret does.
"""

from __future__ import annotations

import hashlib
import hmac
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timezone
from urllib.parse import parse_qsl, quote, unquote

from . import errors

ALGORITHM = "ACS3-HMAC-SHA256"
MAX_CLOCK_SKEW = 900  # seconds a request date may differ from ours; nonces are remembered as long
DATE_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
REQUIRED_SIGNED_HEADERS = ("host", "x-acs-action", "x-acs-content-sha256", "x-acs-date",
                           "x-acs-signature-nonce", "x-acs-version")


@dataclass(frozen=True)
class Credential:
    """One access key's secret; STS keys also carry the token they must be sent with."""

    secret: str
    token: str | None = None
    expires: float | None = None  # epoch seconds after which the STS token is expired
    read_only: bool = False  # writes answer Forbidden.NoPermission


DEFAULT_CREDENTIALS = {
    "LTAIemulator00000000": Credential("emulator-secret-key"),
    "STS.emulator0000000": Credential("emulator-sts-secret", "emulator-security-token"),
    "STS.emulatorexpired0": Credential("emulator-sts-secret", "emulator-expired-token", expires=0.0),
    "LTAIemulatorreadonly": Credential("emulator-readonly-secret", read_only=True),
}


def build_credentials(spec=None):
    """Credentials from ``{access_key: (secret, token_or_None)}`` (or a dict / ``Credential`` per key)."""
    if spec is None:
        return dict(DEFAULT_CREDENTIALS)
    table = {}
    for access_key, value in spec.items():
        if isinstance(value, Credential):
            table[access_key] = value
        elif isinstance(value, dict):
            table[access_key] = Credential(**value)
        else:
            table[access_key] = Credential(*value)
    return table


def percent_encode(text):
    """RFC 3986 encoding: everything but ``A-Z a-z 0-9 - _ . ~`` becomes ``%XX`` (upper-case hex)."""
    return quote(text, safe="~")


def canonical_query(query_string):
    pairs = sorted((percent_encode(key), percent_encode(value))
                   for key, value in parse_qsl(query_string, keep_blank_values=True))
    return "&".join("%s=%s" % pair for pair in pairs)


def canonical_request(request, signed_headers, payload_hash):
    path = quote(unquote(request.path or "/"), safe="/~")
    headers = "".join("%s:%s\n" % (name, request.headers.get(name, "").strip()) for name in signed_headers)
    return "\n".join([request.method.upper(), path, canonical_query(request.query_string), headers,
                      ";".join(signed_headers), payload_hash])


def string_to_sign(request, signed_headers):
    payload_hash = hashlib.sha256(request.body or b"").hexdigest()
    digest = hashlib.sha256(canonical_request(request, signed_headers, payload_hash).encode("utf-8")).hexdigest()
    return "%s\n%s" % (ALGORITHM, digest)


def sign(secret, text):
    return hmac.new(secret.encode("utf-8"), text.encode("utf-8"), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Authorization:
    """The parts of an ``Authorization`` header."""

    access_key: str
    signed_headers: tuple
    signature: str


def parse_authorization(header):
    """Split the ``Authorization`` header; a missing or malformed one is an ``IncompleteSignature``."""
    if not header:
        raise errors.incomplete_signature("The Authorization header is missing.")
    algorithm, _space, rest = header.strip().partition(" ")
    if algorithm != ALGORITHM:
        if algorithm.startswith("ACS3-"):
            raise errors.invalid_signature_method(algorithm)
        raise errors.incomplete_signature("Unsupported authorization scheme.")
    fields = {}
    for part in rest.split(","):
        name, sep, value = part.strip().partition("=")
        if sep:
            fields[name] = value
    if not all(fields.get(name) for name in ("Credential", "SignedHeaders", "Signature")):
        raise errors.incomplete_signature("Credential, SignedHeaders and Signature are required.")
    signed = tuple(name.strip().lower() for name in fields["SignedHeaders"].split(";") if name.strip())
    return Authorization(fields["Credential"], signed, fields["Signature"].lower())


class SignatureVerifier:
    """Checks one request's signature, date, nonce and credentials; remembers nonces for replay detection."""

    def __init__(self, credentials, clock=time.time):
        self.credentials = credentials
        self.clock = clock
        self._nonces = OrderedDict()  # nonce -> when it was used, oldest first
        self._lock = threading.Lock()

    def verify(self, request):
        """Return the caller's ``(access_key, Credential)`` or raise the error the cloud would answer."""
        auth = parse_authorization(request.headers.get("authorization"))
        self._check_signed_headers(auth, request)
        self._check_date(request.headers.get("x-acs-date", ""))
        credential = self.credentials.get(auth.access_key)
        if credential is None:
            raise errors.access_key_not_found()
        self._check_token(credential, request.headers.get("x-acs-security-token"))
        expected_input = string_to_sign(request, auth.signed_headers)
        if not hmac.compare_digest(sign(credential.secret, expected_input), auth.signature):
            raise errors.signature_mismatch(expected_input)
        self._use_nonce(request.headers.get("x-acs-signature-nonce", ""))
        return auth.access_key, credential

    def credential_for(self, request):
        """The credential named by an already verified request."""
        auth = parse_authorization(request.headers.get("authorization"))
        return self.credentials[auth.access_key]

    @staticmethod
    def _check_signed_headers(auth, request):
        required = set(REQUIRED_SIGNED_HEADERS)
        if "x-acs-security-token" in request.headers:
            required.add("x-acs-security-token")
        unsigned = sorted(required - set(auth.signed_headers))
        if unsigned:
            raise errors.incomplete_signature("These headers must be signed: %s." % ";".join(unsigned))
        absent = sorted(name for name in auth.signed_headers if name not in request.headers)
        if absent:
            raise errors.incomplete_signature("Signed headers are missing from the request: %s." % ";".join(absent))

    def _check_date(self, text):
        try:
            sent = datetime.strptime(text, DATE_FORMAT).replace(tzinfo=timezone.utc).timestamp()
        except ValueError:
            raise errors.timestamp_format() from None
        if abs(self.clock() - sent) > MAX_CLOCK_SKEW:
            raise errors.timestamp_expired()

    def _check_token(self, credential, token):
        if credential.token is None:
            if token:
                raise errors.security_token_mismatch()
            return
        if not token:
            raise errors.missing_security_token()
        if not hmac.compare_digest(token, credential.token):
            raise errors.security_token_malformed()
        if credential.expires is not None and self.clock() >= credential.expires:
            raise errors.security_token_expired()

    def _use_nonce(self, nonce):
        now = self.clock()
        with self._lock:
            while self._nonces and now - next(iter(self._nonces.values())) > MAX_CLOCK_SKEW:
                self._nonces.popitem(last=False)
            if nonce in self._nonces:
                raise errors.nonce_used()
            self._nonces[nonce] = now
