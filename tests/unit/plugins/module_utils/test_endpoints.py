# -*- coding: utf-8 -*-
# Copyright (c) multicloud.listeners contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one endpoint URL parser of both clouds (_common.parse_endpoint_url), the loopback rule and
the description of transport failures that retrying cannot heal.  Pure: nothing connects."""

import socket
import ssl

import pytest

from ansible_collections.multicloud.listeners.plugins.module_utils import _common
from ansible_collections.multicloud.listeners.plugins.module_utils._common import EndpointUrl
from ansible_collections.multicloud.listeners.plugins.module_utils._common import EndpointUrlError


@pytest.mark.parametrize("url, parsed", [
    ("http://127.0.0.1:4601", EndpointUrl("http", "127.0.0.1", 4601, "")),
    ("HTTPS://Nlb.CN-Hangzhou.aliyuncs.com", EndpointUrl("https", "nlb.cn-hangzhou.aliyuncs.com", None, "")),
    ("https://globalaccelerator.us-west-2.amazonaws.com/", EndpointUrl("https", "globalaccelerator.us-west-2.amazonaws.com", None, "/")),
    ("http://[::1]:8080", EndpointUrl("http", "::1", 8080, "")),
    ("https://host.example:65535", EndpointUrl("https", "host.example", 65535, "")),
    ("https://fqdn.example.:443", EndpointUrl("https", "fqdn.example.", 443, "")),
])
def test_accepted_urls(url, parsed):
    assert _common.parse_endpoint_url(url) == parsed


def test_netloc_and_default_scheme():
    assert _common.parse_endpoint_url("nlb-vpc.cn-hangzhou.aliyuncs.com", default_scheme="https").netloc == "nlb-vpc.cn-hangzhou.aliyuncs.com"
    assert _common.parse_endpoint_url("http://[::1]:80").netloc == "[::1]:80"
    assert _common.parse_endpoint_url("https://proxy.example/ga/v1", allow_path=True).path == "/ga/v1"


# Tricky URLs: each one is read differently by some HTTP stack (urllib3, requests, urlsplit) or is not an endpoint.
@pytest.mark.parametrize("url, why", [
    ("http://192.0.2.1\\@127.0.0.1", "contains a backslash, which HTTP clients do not all read the same way; remove it."),
    ("http://127.0.0.1\\.example.com", "contains a backslash"),
    ("http://192.0.2.1@127.0.0.1", "must not carry user information (user@host) or any '@'"),
    ("http://user:pw@127.0.0.1:80", "must not carry user information"),
    ("http://127.0.0.1:80/@192.0.2.1", "must not carry user information"),
    ("http://127.0.0.1 .example.com", "contains whitespace or a control character (position 16); remove it."),
    ("http://127.0.0.1\t:80", "contains whitespace or a control character (position 16)"),
    ("http://127.0.0.1:80\n", "contains whitespace or a control character (position 19)"),
    (" http://127.0.0.1", "contains whitespace or a control character (position 0)"),
    ("http://127.0.0.1\x00.example.com", "contains whitespace or a control character"),
    ("http://127.0.0.1\x7f", "contains whitespace or a control character"),
    ("https://ex\u0430mple.com", "contains the non-ASCII character"),
    ("https://127.0.0.1\uff0e1", "contains the non-ASCII character"),
    ("ftp://127.0.0.1", "must use https:// (or http:// for a loopback host), got ftp://."),
    ("file:///etc/passwd", "must use https:// (or http:// for a loopback host), got file://."),
    ("httpx://127.0.0.1", "got httpx://"),
    ("127.0.0.1:4601", "has no scheme; use https://host[:port] (or http:// for a loopback host)."),
    ("//127.0.0.1", "has no scheme"),
    ("http:/127.0.0.1", "has no scheme"),
    ("http://", "has no host; use https://host[:port]."),
    ("http://:80", "has no host"),
    ("http://[::1", "has an unclosed '[' in its host."),
    ("http://[::1]80", "has text after its IPv6 host."),
    ("http://[127.0.0.1]", "has an invalid IPv6 host '[127.0.0.1]'."),
    ("http://[fe80::1%25lo]", "has an invalid IPv6 host"),
    ("http://127.0.0.1%2f@x", "must not carry user information"),
    ("http://127.0.0.1%2e", "has an invalid host '127.0.0.1%2e'"),
    ("http://host_name.example", "has an invalid host 'host_name.example'"),
    ("http://-host.example", "has an invalid host"),
    ("http://127.0.0.1:0", "has an invalid port '0': allowed are 1-65535."),
    ("http://127.0.0.1:65536", "has an invalid port '65536'"),
    ("http://127.0.0.1:+80", "has an invalid port '+80'"),
    ("http://127.0.0.1:80:81", "has an invalid port '80:81'"),
    ("http://127.0.0.1:", "has an invalid port ''"),
    ("http://127.0.0.1/path", "must be a scheme, a host and an optional port, with no path."),
    ("https://nlb.example.com/path?x=1", "with no path."),  # the path is named first
    ("http://127.0.0.1?x=1", "must not have a query (?) or fragment (#)."),
    ("http://127.0.0.1#frag", "must not have a query (?) or fragment (#)."),
    ("", "is empty; use https://host[:port]."),
    (None, "is empty"),
])
def test_refused_urls_name_the_option_and_the_reason(url, why):
    with pytest.raises(EndpointUrlError) as exc:
        _common.parse_endpoint_url(url)
    assert str(exc.value).startswith("endpoint_url %r " % (url,))
    assert why in str(exc.value)


def test_a_path_is_refused_unless_allowed_and_then_only_plain_characters():
    assert _common.parse_endpoint_url("https://h.example/a/b", allow_path=True).path == "/a/b"
    with pytest.raises(EndpointUrlError, match="has a path with characters other than"):
        _common.parse_endpoint_url("https://h.example/a/b<", allow_path=True)


def test_the_source_names_where_the_url_came_from():
    with pytest.raises(EndpointUrlError) as exc:
        _common.parse_endpoint_url("ftp://x", source="AWS_ENDPOINT_URL")
    assert str(exc.value) == "AWS_ENDPOINT_URL 'ftp://x' must use https:// (or http:// for a loopback host), got ftp://."


@pytest.mark.parametrize("host, expected", [
    ("127.0.0.1", True), ("127.255.0.9", True), ("::1", True), ("[::1]", True), ("localhost", True), ("LocalHost", True),
    ("foo.localhost", False), ("localhost.", False), ("localhost.example.com", False), ("127.0.0.1.nip.io", False),
    ("0x7f.1", False), ("2130706433", False), ("127.1", False), ("::ffff:127.0.0.1", False), ("0.0.0.0", False),
    ("10.0.0.1", False), ("", False), (None, False),
])
def test_only_literal_loopback_addresses_and_localhost_are_loopback(host, expected):
    assert _common.is_loopback_host(host) is expected


@pytest.mark.parametrize("url, allow, warns", [
    ("http://127.0.0.1:4601", False, False),
    ("http://localhost:4601", False, False),
    ("http://[::1]:4601", False, False),
    ("https://192.0.2.1", False, False),
    ("http://192.0.2.1:80", True, True),
    ("http://foo.localhost:80", True, True),
])
def test_check_endpoint_url_plain_http_rule(url, allow, warns):
    endpoint, warning = _common.check_endpoint_url(url, allow)
    assert bool(warning) is warns
    if warns:
        assert warning == "endpoint_url %s uses plain HTTP to a non-loopback host: requests and answers travel unencrypted." % url


@pytest.mark.parametrize("url", ["http://192.0.2.1", "http://foo.localhost:8080", "http://127.0.0.1.example.com", "http://0x7f000001"])
def test_plain_http_to_anything_but_a_literal_loopback_is_refused(url):
    with pytest.raises(EndpointUrlError) as exc:
        _common.check_endpoint_url(url, False, source="the endpoint from the AWS environment (AWS_ENDPOINT_URL)")
    assert str(exc.value) == (
        "the endpoint from the AWS environment (AWS_ENDPOINT_URL) %r uses plain HTTP, which is allowed only for loopback hosts "
        "(127.0.0.0/8, localhost, ::1); use https:// or set allow_http_endpoint=true." % url)


def test_plain_http_problem_reports_parse_errors_too():
    error, warning = _common.plain_http_problem("http://192.0.2.1\\@127.0.0.1", True)
    assert "contains a backslash" in error and warning is None
    assert _common.plain_http_problem(None, False) == (None, None)
    assert _common.plain_http_problem("https://h.example/path", False) == (None, None)  # paths allowed by default (botocore)


# --- transport failures --------------------------------------------------------------------------------


class Wrapper(Exception):
    """Stands for an SDK exception that wraps the real cause (darabonba's inner_exception, urllib3's reason)."""

    def __init__(self, inner=None, reason=None, pool=None):
        super(Wrapper, self).__init__("HTTPSConnectionPool(host='nlb.example', port=443): Max retries exceeded with url: "
                                      "/?Signature=secret-ish&RegionId=cn-hangzhou")
        self.inner_exception = inner
        self.reason = reason
        self.pool = pool


class Pool:
    host, port = "127.0.0.1", 8443


def certificate_error():
    error = ssl.SSLCertVerificationError(1, "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed certificate")
    error.verify_message = "self-signed certificate"
    return error


def test_a_certificate_failure_names_the_host_and_the_hint_and_is_not_retryable():
    text, retryable = _common.endpoint_failure(Wrapper(inner=Wrapper(reason=certificate_error(), pool=Pool())), "HINT")
    assert (text, retryable) == ("certificate verification failed for host 127.0.0.1:8443 (self-signed certificate); HINT", False)


def test_another_tls_failure_is_not_retryable():
    text, retryable = _common.endpoint_failure(Wrapper(reason=ssl.SSLError(1, "[SSL: WRONG_VERSION_NUMBER] wrong version number")), "HINT")
    assert text.startswith("the TLS handshake with host nlb.example:443 failed (") and text.endswith("; HINT")
    assert retryable is False


@pytest.mark.parametrize("errno, retryable", [(socket.EAI_NONAME, False), (socket.EAI_AGAIN, True)])
def test_a_dns_failure_names_only_the_host(errno, retryable):
    text, found_retryable = _common.endpoint_failure(Wrapper(reason=socket.gaierror(errno, "Name or service not known")), "HINT")
    assert text == "could not resolve the host name nlb.example (Name or service not known); check the region and endpoint_url"
    assert found_retryable is retryable
    assert "Signature" not in text


def test_other_failures_are_left_alone():
    assert _common.endpoint_failure(Wrapper(reason=ConnectionRefusedError(111, "refused")), "HINT") == (None, None)
