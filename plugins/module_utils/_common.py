# -*- coding: utf-8 -*-
# Copyright (c) multicloud.listeners contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure helpers shared by every module of the collection (no SDK imports).

- ``derive_token``: deterministic idempotency / client tokens.
- ``field_changes``: the fields that differ between two normalized states.
- ``parse_endpoint_url`` / ``is_loopback_host`` / ``check_endpoint_url``: endpoint URLs parsed one way for
  both clouds, and the rule for ``http://`` endpoints (``plain_http_problem`` gives it as texts).
- ``plan_record``: the structured account of what a task did or would do, which
  every module returns as ``plan`` and the ``multicloud.listeners.plan`` callback
  collects into one summary.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import ipaddress
import json
import re
import socket
import ssl

from collections import namedtuple

PLAN_ACTIONS = ("create", "update", "delete", "none", "undeclared")


def derive_token(namespace, data, length=32):
    """Return a stable token for ``data`` (any JSON-able value) in ``namespace``.

    The same request always yields the same token, so a write retried after a
    timeout is recognised by the service instead of being applied twice.
    """
    canonical = json.dumps([namespace, data], sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:length]


def field_changes(before, after, keys=None):
    """Return ``{key: {"before": b, "after": a}}`` for the keys whose values differ.

    ``keys`` limits the comparison (default: every key of either side).  Values are
    compared as given: normalize both sides first (sorted lists, same types).
    """
    before = before or {}
    after = after or {}
    if keys is None:
        keys = sorted(set(before) | set(after))
    changes = {}
    for key in keys:
        if before.get(key) != after.get(key):
            changes[key] = {"before": before.get(key), "after": after.get(key)}
    return changes


def describe_changes(changes):
    """``field_changes`` output as text for messages: ``cps: 0 -> 100, server_group_id: 'a' -> 'b'``."""
    return ", ".join("%s: %r -> %r" % (key, change["before"], change["after"]) for key, change in sorted(changes.items()))


def plan_record(resource, action, identity, key, changes=None):
    """Build the ``plan`` return value of a task.

    :arg resource: what kind of thing, e.g. ``ga_listener``.
    :arg action: one of ``PLAN_ACTIONS``.
    :arg identity: the ARN or ID of the resource (``None`` for a create not yet made).
    :arg key: the natural key, e.g. ``{"accelerator_arn": ..., "protocol": ..., "port_ranges": ...}``.
    :arg changes: the output of ``field_changes`` (only what differs).
    """
    if action not in PLAN_ACTIONS:
        raise ValueError("unknown plan action %r" % (action,))
    return {
        "resource": resource,
        "action": action,
        "id": identity,
        "key": key,
        "changes": changes or {},
    }


class EndpointUrlError(ValueError):
    """An endpoint URL the collection will not use; the message names where it came from and what is allowed."""


ENDPOINT_SCHEMES = ("http", "https")
LOOPBACK_RULE = "loopback hosts (127.0.0.0/8, localhost, ::1)"
_URL = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*)://(?P<authority>[^/?#]*)(?P<path>[^?#]*)(?P<rest>[?#].*)?\Z", re.S)
_HOST_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_HOST_NAME = re.compile(r"%s(?:\.%s)*\.?\Z" % (_HOST_LABEL, _HOST_LABEL))
_PATH = re.compile(r"(?:/[A-Za-z0-9._~%!$&'()*+,;=:-]*)*\Z")


class EndpointUrl(namedtuple("EndpointUrl", "scheme host port path")):
    """A parsed endpoint: lower-case ``scheme`` and ``host`` (IPv6 without brackets), ``port`` (int or None), ``path``."""

    @property
    def netloc(self):
        host = "[%s]" % self.host if ":" in self.host else self.host
        return host if self.port is None else "%s:%d" % (host, self.port)


def parse_endpoint_url(url, source="endpoint_url", default_scheme=None, allow_path=False):
    """Parse an endpoint URL the one way the whole collection reads them; raise ``EndpointUrlError``.

    Anything two HTTP stacks could read differently is refused rather than guessed, so the host
    judged here is the host the SDK connects to: whitespace and control characters, non-ASCII
    characters, backslashes (urllib3 reads ``\\`` as a path separator, Python's ``urlsplit`` does
    not: ``http://192.0.2.1\\@127.0.0.1``), user information (``user@``), schemes other than
    ``http`` / ``https``, an empty or malformed host or port, a query or fragment, and a path
    unless ``allow_path``.  Without ``://`` the URL is refused, or read as ``default_scheme://url``.
    ``source`` names where the URL came from in the messages (an option, a variable).
    """
    def refuse(why):
        return EndpointUrlError("%s %r %s" % (source, url, why))

    if not isinstance(url, str) or not url:
        raise refuse("is empty; use https://host[:port].")
    for position, char in enumerate(url):
        if char.isspace() or ord(char) < 32 or 127 <= ord(char) < 160:
            raise refuse("contains whitespace or a control character (position %d); remove it." % position)
        if ord(char) > 127:
            raise refuse("contains the non-ASCII character %r; write the host in its ASCII (xn--) form." % char)
    if "\\" in url:
        raise refuse("contains a backslash, which HTTP clients do not all read the same way; remove it.")
    text = url
    if "://" not in text:
        if default_scheme is None:
            raise refuse("has no scheme; use https://host[:port] (or http:// for a loopback host).")
        text = "%s://%s" % (default_scheme, text)
    match = _URL.match(text)
    if not match:
        raise refuse("is not a URL; use https://host[:port].")
    scheme = match.group("scheme").lower()
    if scheme not in ENDPOINT_SCHEMES:
        raise refuse("must use https:// (or http:// for a loopback host), got %s://." % scheme)
    if "@" in text:
        raise refuse("must not carry user information (user@host) or any '@'; credentials go in their own options.")
    path = match.group("path")
    if allow_path:
        if not _PATH.match(path):
            raise refuse("has a path with characters other than letters, digits and ._~%!$&'()*+,;=:-.")
    elif path not in ("", "/"):
        raise refuse("must be a scheme, a host and an optional port, with no path.")
    if match.group("rest"):
        raise refuse("must not have a query (?) or fragment (#).")
    authority = match.group("authority")
    host, port = authority, None
    if authority.startswith("["):
        host, bracket, after = authority[1:].partition("]")
        try:
            if "%" in host:  # a zone ID (fe80::1%eth0) names a local interface: not an endpoint
                raise ValueError(host)
            ipaddress.IPv6Address(u"%s" % host)
        except ValueError:
            raise refuse("has an invalid IPv6 host %r." % ("[%s]" % host,))
        if not bracket:
            raise refuse("has an unclosed '[' in its host.")
        port = after[1:] if after.startswith(":") else None
        if after and port is None:
            raise refuse("has text after its IPv6 host.")
    elif ":" in authority:
        host, dummy, port = authority.partition(":")
    if not host:
        raise refuse("has no host; use https://host[:port].")
    if not authority.startswith("[") and not _HOST_NAME.match(host):
        raise refuse("has an invalid host %r: allowed are letters, digits, '-' and '.' (or an [IPv6] address)." % host)
    if port is not None:
        if not port.isdigit() or not 0 < int(port) < 65536:
            raise refuse("has an invalid port %r: allowed are 1-65535." % port)
        port = int(port)
    return EndpointUrl(scheme, host.lower(), port, path)


def is_loopback_host(host):
    """True only for ``localhost`` itself and literal loopback addresses (127.0.0.0/8, ``::1``).

    Other names, ``*.localhost`` included, are resolved through DNS and may point anywhere.
    """
    host = (host or "").lower()
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(u"%s" % host).is_loopback
    except ValueError:
        return False


def check_endpoint_url(url, allow_http, source="endpoint_url", default_scheme=None, allow_path=False):
    """``parse_endpoint_url`` plus the plain-HTTP rule; return ``(EndpointUrl, warning or None)``.

    ``http://`` is allowed for loopback hosts; elsewhere only with ``allow_http`` (and then with
    a warning), otherwise ``EndpointUrlError`` is raised.
    """
    endpoint = parse_endpoint_url(url, source, default_scheme, allow_path)
    if endpoint.scheme != "http" or is_loopback_host(endpoint.host):
        return endpoint, None
    if not allow_http:
        raise EndpointUrlError("%s %r uses plain HTTP, which is allowed only for %s; use https:// or set allow_http_endpoint=true."
                               % (source, url, LOOPBACK_RULE))
    return endpoint, "%s %s uses plain HTTP to a non-loopback host: requests and answers travel unencrypted." % (source, url)


def plain_http_problem(endpoint_url, allow_http, source="endpoint_url", allow_path=True):
    """``check_endpoint_url`` as ``(error, warning)`` texts; no URL (None or empty) is no problem."""
    if not endpoint_url:
        return None, None
    try:
        return None, check_endpoint_url(endpoint_url, allow_http, source, allow_path=allow_path)[1]
    except EndpointUrlError as exc:
        return str(exc), None


# --- transport failures that retrying cannot heal ---------------------------------------------


def exception_chain(exc, limit=30):
    """``exc`` and every exception it wraps (``inner_exception``, ``__cause__``, ``__context__``,
    urllib3's ``reason``, exceptions among ``args``, botocore's ``kwargs['error']``), breadth first."""
    seen = []
    todo = [exc]
    while todo and len(seen) < limit:
        current = todo.pop(0)
        if not isinstance(current, BaseException) or any(current is known for known in seen):
            continue
        seen.append(current)
        kwargs = getattr(current, "kwargs", None)
        todo.extend([getattr(current, "inner_exception", None), current.__cause__, current.__context__,
                     getattr(current, "reason", None), kwargs.get("error") if isinstance(kwargs, dict) else None])
        todo.extend(arg for arg in getattr(current, "args", ()) if isinstance(arg, BaseException))
    return seen


def _failed_host(chain):
    """``host:port`` of the connection that failed, from urllib3's pool or botocore's endpoint_url."""
    for error in chain:
        holder = getattr(error, "pool", None) or getattr(error, "conn", None)
        if getattr(holder, "host", None):
            port = getattr(holder, "port", None)
            return "%s:%s" % (holder.host, port) if port else holder.host
        kwargs = getattr(error, "kwargs", None)
        if isinstance(kwargs, dict) and kwargs.get("endpoint_url"):
            netloc = kwargs["endpoint_url"].split("://", 1)[-1].split("/", 1)[0]
            return netloc.rsplit("@", 1)[-1]
    for error in chain:
        found = re.search(r"host='([^']+)', port=(\d+)", str(error))
        if found:
            return "%s:%s" % found.groups()
    return "?"


def endpoint_failure(exc, tls_hint, host=None, dns_hint="check the region and endpoint_url"):
    """What a transport failure says about the endpoint, when retrying cannot help.

    Returns ``(text, retryable)`` for a TLS failure (certificate verification or handshake:
    never retryable; ``tls_hint`` is appended) or a name that could not be resolved (retryable
    only for the resolver's temporary failure; ``dns_hint`` is appended), else ``(None, None)``.  ``host`` (``host[:port]``)
    defaults to the one the failed connection names; the text never holds the request URL (its
    query string carries the request).
    """
    chain = exception_chain(exc)
    host = host or _failed_host(chain)
    for error in chain:
        if isinstance(error, ssl.SSLCertVerificationError):
            reason = getattr(error, "verify_message", None) or getattr(error, "reason", None) or str(error)
            return "certificate verification failed for host %s (%s); %s" % (host, reason, tls_hint), False
    for error in chain:
        if isinstance(error, ssl.SSLError):
            return "the TLS handshake with host %s failed (%s); %s" % (host, getattr(error, "reason", None) or error, tls_hint), False
    for error in chain:
        if isinstance(error, socket.gaierror):
            name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
            return ("could not resolve the host name %s (%s); %s"
                    % (name.strip("[]"), error.strerror or error, dns_hint)), error.errno == getattr(socket, "EAI_AGAIN", None)
    return None, None
