# -*- coding: utf-8 -*-
# Copyright (c) multicloud.listeners contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""How GlobalAccelerator builds its client: the endpoint rules applied to the endpoint botocore
really uses (option, AWS_ENDPOINT_URL*, config file), signing for us-west-2, and which transport
failures are retried.  The modules run in-process against the GA emulator or a TLS server on
127.0.0.1; a guard refuses any connection to another address, so a broken rule fails the test
instead of reaching the network."""

import errno
import ipaddress
import json
import socket

import botocore.exceptions
import pytest
import urllib3.exceptions

from emulator.common import EmulatorServer
from emulator.ga import GlobalAcceleratorService

from ansible_collections.multicloud.listeners.plugins.module_utils import _ga
from ansible_collections.multicloud.listeners.plugins.modules import ga_listener_info
from ansible_collections.multicloud.listeners.tests.unit.plugins.modules.module_runner import run_module

CREDS = {"access_key": "AKIAEMULATOR00000000", "secret_key": "emulator-secret-key"}
AWS_VARIABLES = ["AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_GLOBAL_ACCELERATOR", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE",
                 "AWS_DEFAULT_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_URL",
                 "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "AWS_CA_BUNDLE"]
REMOTE = "http://192.0.2.1"  # TEST-NET-1: never reached (the guard below refuses it)
PLAIN_HTTP_RULE = ("uses plain HTTP, which is allowed only for loopback hosts (127.0.0.0/8, localhost, ::1); "
                   "use https:// or set allow_http_endpoint=true.")


@pytest.fixture(autouse=True)
def aws_environment(monkeypatch, tmp_path):
    for name in AWS_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setattr(_ga.time, "sleep", lambda seconds: None)


@pytest.fixture(autouse=True)
def remote_connections(monkeypatch):
    """Refuse (and record) every connection to an address that is not loopback, and every name look-up but localhost."""
    attempts = []
    connect = socket.socket.connect
    getaddrinfo = socket.getaddrinfo

    def resolve_loopback_only(host, *args, **kwargs):
        try:
            ipaddress.ip_address(host)  # a literal address needs no look-up
            return getaddrinfo(host, *args, **kwargs)
        except ValueError:
            if host == "localhost":
                return getaddrinfo(host, *args, **kwargs)
        attempts.append(host)
        raise socket.gaierror(socket.EAI_NONAME, "refused by the test: no name look-ups")

    def loopback_only(self, address):
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and (host.startswith("127.") or host in ("::1", "localhost")):
            return connect(self, address)
        attempts.append(address)
        raise OSError(errno.ENETUNREACH, "refused by the test: not a loopback address")

    monkeypatch.setattr(socket.socket, "connect", loopback_only)
    monkeypatch.setattr(socket, "getaddrinfo", resolve_loopback_only)
    return attempts


@pytest.fixture
def emulator():
    server = EmulatorServer(GlobalAcceleratorService(deploy_seconds=0)).start()
    yield server
    server.stop()


def info(capsys, **args):
    return run_module(ga_listener_info, capsys, dict(CREDS, **args))


# --- signing region ------------------------------------------------------------------------------------


@pytest.mark.parametrize("region_args", [{"region": "eu-west-1"}, {}])
def test_a_custom_endpoint_is_signed_for_us_west_2_whatever_the_region(emulator, capsys, monkeypatch, region_args):
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    result = info(capsys, endpoint_url=emulator.url, accelerator_name="demo-accelerator", **region_args)
    assert result.get("failed") is not True, result.get("msg")
    assert [(call["operation"], call["error"]) for call in emulator.service.calls] == [
        ("ListAccelerators", None), ("ListListeners", None)]


# --- the endpoint the client really uses ---------------------------------------------------------------


def write_config(tmp_path, text):
    (tmp_path / "aws-config").write_text(text)


@pytest.mark.parametrize("variable", ["AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_GLOBAL_ACCELERATOR"])
def test_a_plain_http_endpoint_from_the_environment_is_refused_before_any_request(capsys, monkeypatch, remote_connections, variable):
    monkeypatch.setenv(variable, REMOTE)
    result = info(capsys, accelerator_name="demo-accelerator")
    assert result["failed"] is True
    assert result["msg"] == "the endpoint from the AWS environment (%s) %r %s" % (variable, REMOTE, PLAIN_HTTP_RULE)
    assert remote_connections == []


@pytest.mark.parametrize("config", [
    "[default]\nendpoint_url = %s\n" % REMOTE,
    "[default]\nservices = ga\n[services ga]\nglobal_accelerator =\n  endpoint_url = %s\n" % REMOTE,
])
def test_a_plain_http_endpoint_from_the_config_file_is_refused(capsys, tmp_path, remote_connections, config):
    write_config(tmp_path, config)
    result = info(capsys, accelerator_name="demo-accelerator")
    assert result["msg"] == ("the endpoint from the AWS environment/config (endpoint_url in the AWS config file) %r %s"
                             % (REMOTE, PLAIN_HTTP_RULE))
    assert remote_connections == []


def test_the_option_wins_over_the_environment_and_is_judged_itself(capsys, monkeypatch, emulator):
    monkeypatch.setenv("AWS_ENDPOINT_URL", REMOTE)
    result = info(capsys, endpoint_url=emulator.url, accelerator_name="demo-accelerator")
    assert result.get("failed") is not True, result.get("msg")
    assert [call["operation"] for call in emulator.service.calls] == ["ListAccelerators", "ListListeners"]


@pytest.mark.parametrize("url, why", [
    ("http://192.0.2.1\\@127.0.0.1", "contains a backslash, which HTTP clients do not all read the same way; remove it."),
    ("http://foo.localhost:4601", PLAIN_HTTP_RULE),
    ("http://192.0.2.1@127.0.0.1:4601", "must not carry user information (user@host) or any '@'"),
    ("ftp://127.0.0.1:4601", "must use https:// (or http:// for a loopback host), got ftp://."),
    ("127.0.0.1:4601", "has no scheme"),
])
def test_tricky_endpoint_urls_are_refused_before_any_request(capsys, remote_connections, url, why):
    result = info(capsys, endpoint_url=url, accelerator_name="demo-accelerator")
    assert result["failed"] is True
    assert result["msg"].startswith("endpoint_url %r " % url) and why in result["msg"]
    assert remote_connections == []


def test_the_http_opt_in_warns_for_an_environment_endpoint(capsys, monkeypatch, remote_connections):
    monkeypatch.setenv("AWS_ENDPOINT_URL", REMOTE)
    result = info(capsys, allow_http_endpoint=True, accelerator_name="demo-accelerator")
    assert ("the endpoint from the AWS environment (AWS_ENDPOINT_URL) %s uses plain HTTP to a non-loopback host: requests and "
            "answers travel unencrypted." % REMOTE) in json.dumps(result["warnings"])
    assert result["failed"] is True and remote_connections == [("192.0.2.1", 80)] * 6  # then tried 6 times (the guard refused)


# --- transport failures ----------------------------------------------------------------------------------


@pytest.fixture
def tls_server(tmp_path):
    from ansible_collections.multicloud.listeners.tests.unit.plugins.module_utils.tls_server import SelfSignedTlsServer
    server = SelfSignedTlsServer(str(tmp_path))
    yield server
    server.close()


def test_an_untrusted_certificate_fails_at_once_naming_the_host(capsys, tls_server):
    result = info(capsys, endpoint_url=tls_server.url, accelerator_name="demo-accelerator")
    assert result["failed"] is True and result["retries"] == 0
    assert tls_server.connections == 1
    assert result["msg"] == ("Failed to list accelerators: certificate verification failed for host 127.0.0.1:%d "
                             "(self-signed certificate); set validate_certs=false only for an endpoint you trust, or give its "
                             "CA bundle with aws_ca_bundle" % tls_server.port)


def _client_error(inner):
    return botocore.exceptions.HTTPClientError(error=inner)


@pytest.mark.parametrize("error, label", [
    (botocore.exceptions.SSLError(endpoint_url="https://h/", error=urllib3.exceptions.SSLError("bad certificate")), None),
    (_client_error(urllib3.exceptions.URLSchemeUnknown("ftp")), None),
    (_client_error(ValueError("bad url")), None),
    (_client_error(ConnectionResetError(104, "reset")), "HTTPClientError"),
    (botocore.exceptions.EndpointConnectionError(endpoint_url="https://h/", error=socket.gaierror(socket.EAI_NONAME, "unknown")), None),
    (botocore.exceptions.EndpointConnectionError(endpoint_url="https://h/", error=socket.gaierror(socket.EAI_AGAIN, "again")),
     "EndpointConnectionError"),
    (botocore.exceptions.EndpointConnectionError(endpoint_url="https://h/", error=ConnectionRefusedError(111, "refused")),
     "EndpointConnectionError"),
    (botocore.exceptions.ReadTimeoutError(endpoint_url="https://h/", error="slow"), "ReadTimeoutError"),
    (botocore.exceptions.ConnectionClosedError(endpoint_url="https://h/"), "ConnectionClosedError"),
])
def test_which_transport_failures_are_retried(error, label):
    assert _ga.RetryPolicy().reason(error) == label


@pytest.mark.parametrize("option, client_url, environ, source", [
    ("http://127.0.0.1:1", "http://127.0.0.1:1", {}, "endpoint_url"),
    (None, "http://h", {"AWS_ENDPOINT_URL": "http://h"}, "the endpoint from the AWS environment (AWS_ENDPOINT_URL)"),
    (None, "http://g", {"AWS_ENDPOINT_URL": "http://h", "AWS_ENDPOINT_URL_GLOBAL_ACCELERATOR": "http://g"},
     "the endpoint from the AWS environment (AWS_ENDPOINT_URL_GLOBAL_ACCELERATOR)"),
    (None, "http://c", {}, "the endpoint from the AWS environment/config (endpoint_url in the AWS config file)"),
])
def test_endpoint_source(option, client_url, environ, source):
    assert _ga.endpoint_source(option, client_url, environ) == source


def test_results_carry_no_secret(capsys, tls_server):
    out = json.dumps(info(capsys, endpoint_url=tls_server.url, accelerator_name="demo-accelerator"))
    assert CREDS["secret_key"] not in out


def test_an_unknown_host_is_named_with_where_ga_endpoints_come_from(capsys, remote_connections):
    result = info(capsys, endpoint_url="https://ga.invalid", accelerator_name="demo-accelerator")
    assert remote_connections == ["ga.invalid"] and result["retries"] == 0
    assert result["msg"] == ("Failed to list accelerators: could not resolve the host name ga.invalid (refused by the test: no name "
                             "look-ups); check endpoint_url, AWS_ENDPOINT_URL_GLOBAL_ACCELERATOR, AWS_ENDPOINT_URL and the AWS "
                             "config file")
