# -*- coding: utf-8 -*-
# Copyright (c) multicloud.listeners contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Alibaba Cloud base: options, endpoint parsing, error mapping, retries, polling, job waits, credentials."""

import contextlib
import json
import socket

import pytest
import requests
from alibabacloud_credentials import provider as providers
from alibabacloud_credentials.exceptions import CredentialException
from alibabacloud_tea_openapi.exceptions import ClientException, ServerException, ThrottlingException
from darabonba.exceptions import UnretryableException
from darabonba.policy.retry import RetryPolicyContext

from ansible.module_utils.testing import patch_module_args
from ansible_collections.multicloud.listeners.plugins.module_utils import _alicloud
from ansible_collections.multicloud.listeners.plugins.module_utils._alicloud import AlicloudApiError
from ansible_collections.multicloud.listeners.plugins.module_utils._alicloud import AlicloudModule
from ansible_collections.multicloud.listeners.plugins.module_utils._alicloud import EndpointError
from ansible_collections.multicloud.listeners.plugins.module_utils._alicloud import RetryPolicy

SECRET = "s3cr3t-Value-never-shown"
TOKEN = "sts-token-never-shown"
BASE_ARGS = {"alicloud_access_key": "LTAIexample", "alicloud_secret_key": SECRET, "alicloud_region": "cn-hangzhou"}
ENV_NAMES = [
    "ALICLOUD_ACCESS_KEY", "ALICLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_ID", "ALICLOUD_SECRET_KEY",
    "ALICLOUD_SECRET_ACCESS_KEY", "ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ALICLOUD_SECURITY_TOKEN", "ALIBABA_CLOUD_SECURITY_TOKEN",
    "ALICLOUD_REGION", "ALICLOUD_REGION_ID", "ALIBABA_CLOUD_REGION_ID", "ALICLOUD_PROFILE", "ALICLOUD_SHARED_CREDENTIALS_FILE",
    "ALICLOUD_ASSUME_ROLE_ARN", "ALICLOUD_ASSUME_ROLE_SESSION_NAME", "ALICLOUD_ECS_ROLE_NAME", "ALIBABA_CLOUD_ECS_METADATA",
    "ALICLOUD_NLB_ENDPOINT_URL", "ALIBABA_CLOUD_PROFILE",
]


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch, tmp_path):
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))  # no aliyun CLI configuration unless a test writes one


class FakeTime:
    """A clock that advances only when something sleeps."""

    def __init__(self):
        self.now = 1000.0
        self.sleeps = []

    def monotonic(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def fake_time(monkeypatch):
    fake = FakeTime()
    monkeypatch.setattr(_alicloud.time, "monotonic", fake.monotonic)
    monkeypatch.setattr(_alicloud.time, "sleep", fake.sleep)
    return fake


@pytest.fixture
def module_from():
    """Build an AlicloudModule from arguments that stay patched for the whole test (exit_json needs them)."""
    with contextlib.ExitStack() as stack:
        def build(args):
            stack.enter_context(patch_module_args(args))
            return AlicloudModule("nlb", argument_spec={}, supports_check_mode=True)
        yield build


@pytest.fixture
def make_module(module_from):
    """Like ``module_from``, with the base arguments plus overrides."""
    return lambda **args: module_from(dict(BASE_ARGS, **args))


def failure_of(capsys, func):
    with pytest.raises(SystemExit):
        func()
    out = capsys.readouterr().out
    return json.loads(out), out


# --- endpoint -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("url, endpoint, protocol", [
    (None, "nlb.cn-hangzhou.aliyuncs.com", "https"),
    ("", "nlb.cn-hangzhou.aliyuncs.com", "https"),
    ("nlb-vpc.cn-hangzhou.aliyuncs.com", "nlb-vpc.cn-hangzhou.aliyuncs.com", "https"),
    ("https://nlb.cn-shanghai.aliyuncs.com", "nlb.cn-shanghai.aliyuncs.com", "https"),
    ("https://nlb.example.internal:8443/", "nlb.example.internal:8443", "https"),
    ("http://127.0.0.1:38083", "127.0.0.1:38083", "http"),
    ("HTTP://127.1.2.3:80", "127.1.2.3:80", "http"),
    ("http://localhost:9000", "localhost:9000", "http"),
    ("http://[::1]:9000", "[::1]:9000", "http"),
])
def test_parse_endpoint_url(url, endpoint, protocol):
    assert _alicloud.parse_endpoint_url(url, "nlb", "cn-hangzhou") == (endpoint, protocol, None)


@pytest.mark.parametrize("url, message", [
    ("http://nlb.example.com:8080",
     "endpoint_url 'http://nlb.example.com:8080' uses plain HTTP, which is allowed only for loopback hosts "
     "(127.0.0.0/8, localhost, ::1); use https:// or set allow_http_endpoint=true."),
    ("ftp://host", "endpoint_url 'ftp://host' must use https:// (or http:// for a loopback host), got ftp://."),
    ("https://host/path", "endpoint_url 'https://host/path' must be a scheme, a host and an optional port, with no path."),
    ("https://user:pw@host", "endpoint_url 'https://user:pw@host' must not carry user information (user@host) or any '@'"),
    ("https://host?x=1", "endpoint_url 'https://host?x=1' must not have a query (?) or fragment (#)."),
    ("https://", "endpoint_url 'https://' has no host; use https://host[:port]."),
    ("https://host:99999", "endpoint_url 'https://host:99999' has an invalid port '99999': allowed are 1-65535."),
    ("http://192.0.2.1\\@127.0.0.1", "contains a backslash, which HTTP clients do not all read the same way; remove it."),
    ("http://foo.localhost:80", "endpoint_url 'http://foo.localhost:80' uses plain HTTP, which is allowed only for loopback hosts"),
    ("  ", "endpoint_url '  ' contains whitespace or a control character (position 0); remove it."),
])
def test_parse_endpoint_url_refuses(url, message):
    with pytest.raises(EndpointError) as exc:
        _alicloud.parse_endpoint_url(url, "nlb", "cn-hangzhou")
    assert message in str(exc.value)


def test_plain_http_to_another_host_needs_the_opt_in_and_warns():
    endpoint, protocol, warning = _alicloud.parse_endpoint_url("http://10.0.0.5:80", "nlb", "cn-hangzhou", allow_http=True)
    assert (endpoint, protocol) == ("10.0.0.5:80", "http")
    assert "plain HTTP to a non-loopback host" in warning


# --- error mapping and retry classification ----------------------------------------------------------


def client_exception(code, message, status=400, cls=ClientException, request_id="REQ-1"):
    return cls(status_code=status, code=code, message="code: %d, %s request id: %s" % (status, message, request_id),
               data={"Code": code, "Message": message, "RequestId": request_id}, request_id=request_id)


def transport_exception(inner):
    return UnretryableException(RetryPolicyContext(retries_attempted=1, exception=inner))


def test_api_error_from_client_exception():
    error = _alicloud.api_error_from_exception(client_exception("Mismatch.VpcId", "The VpcId is mismatched."))
    assert (error.code, error.message, error.request_id, error.status_code, error.kind) == (
        "Mismatch.VpcId", "The VpcId is mismatched.", "REQ-1", 400, "api")
    assert error.to_dict() == {"code": "Mismatch.VpcId", "message": "The VpcId is mismatched.", "request_id": "REQ-1"}
    assert error.describe() == "Mismatch.VpcId: The VpcId is mismatched. (RequestId: REQ-1)"


def test_api_error_strips_the_sdk_wrapping_when_data_is_missing():
    exc = ClientException(status_code=404, code="ResourceNotFound.listener",
                          message="code: 404, The listener is not found. request id: R2", request_id="R2")
    error = _alicloud.api_error_from_exception(exc)
    assert error.message == "The listener is not found."


@pytest.mark.parametrize("exc, kind, code, retryable", [
    (client_exception("Throttling.User", "Request was denied due to user flow control."), "api", "Throttling.User", True),
    (client_exception("Throttling", "Throttled", cls=ThrottlingException), "api", "Throttling", True),
    (client_exception("SystemBusy", "busy"), "api", "SystemBusy", True),
    (client_exception("ServiceUnavailable", "down", status=503, cls=ServerException), "api", "ServiceUnavailable", True),
    (client_exception("InternalError", "oops", status=500, cls=ServerException), "api", "InternalError", True),
    (client_exception("DryRunOperation", "passed"), "api", "DryRunOperation", False),
    (client_exception("IncorrectStatus.listener", "busy listener"), "api", "IncorrectStatus.listener", False),
    (client_exception("InvalidAccessKeyId.NotFound", "no key", status=404), "api", "InvalidAccessKeyId.NotFound", False),
    (transport_exception(requests.exceptions.ConnectionError("refused")), "transport", None, True),
    (transport_exception(requests.exceptions.ReadTimeout("slow")), "transport", None, True),
    (transport_exception(CredentialException("no credentials in the chain")), "credentials", None, False),
    (CredentialException("no credentials"), "credentials", None, False),
    (ValueError("odd"), "sdk", None, False),
])
def test_error_kinds_and_retries(exc, kind, code, retryable):
    error = _alicloud.api_error_from_exception(exc)
    assert (error.kind, error.code) == (kind, code)
    assert _alicloud.is_retryable(error) is retryable


def test_transport_and_credentials_messages():
    assert _alicloud.api_error_from_exception(transport_exception(requests.exceptions.ConnectionError("refused"))).message == (
        "The request did not get an answer: refused")
    assert _alicloud.api_error_from_exception(CredentialException("nothing found")).message == (
        "No usable Alibaba Cloud credentials: set alicloud_access_key and alicloud_secret_key (or ALICLOUD_ACCESS_KEY and "
        "ALICLOUD_SECRET_KEY), or profile / shared_credentials_file (an aliyun CLI profile), or ecs_role_name. "
        "The credential chain said: nothing found")


def test_the_credential_chain_detail_comes_last_without_its_stray_dollar():
    chain = ("unable to load credentials from any of the providers in the chain: ['EnvironmentVariableCredentialsProvider: "
             "Environment variable accessKeyId cannot be empty', 'ProfileCredentialsProvider: failed to get credential from "
             "credentials file: $/home/u/.alibabacloud/credentials.ini']")
    error = _alicloud.api_error_from_exception(transport_exception(CredentialException(chain)))
    assert error.kind == "credentials" and "\n" not in error.message
    assert error.message.startswith("No usable Alibaba Cloud credentials: set alicloud_access_key and alicloud_secret_key "
                                    "(or ALICLOUD_ACCESS_KEY and ALICLOUD_SECRET_KEY), or profile / shared_credentials_file")
    assert error.message.endswith("The credential chain said: " + chain.replace("$/home", "/home"))


def test_an_api_error_passes_through():
    error = AlicloudApiError("m", code="C")
    assert _alicloud.api_error_from_exception(error) is error


# --- retry policy and polling ----------------------------------------------------------------------------


class Flaky:
    def __init__(self, *outcomes):
        self.outcomes = list(outcomes)
        self.calls = 0

    def __call__(self):
        self.calls += 1
        outcome = self.outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome


def policy(**kwargs):
    time_ = FakeTime()
    kwargs.setdefault("uniform", lambda low, high: high)
    return RetryPolicy(sleep=time_.sleep, clock=time_.monotonic, **kwargs), time_


def test_retries_throttling_with_exponential_backoff():
    retry, time_ = policy()
    func = Flaky(client_exception("Throttling.User", "t"), client_exception("Throttling.User", "t"),
                 client_exception("ServiceUnavailable", "u", 503, ServerException), "ok")
    assert retry.run(func) == "ok"
    assert func.calls == 4 and retry.retries == 3
    assert time_.sleeps == [0.5, 1.0, 2.0]


def test_the_delay_is_jittered_between_half_and_the_full_cap():
    seen = []
    retry = RetryPolicy(uniform=lambda low, high: seen.append((low, high)) or low, max_delay=3.0)
    assert [retry.delay(n) for n in (1, 2, 3, 4)] == [0.25, 0.5, 1.0, 1.5]
    assert seen == [(0.25, 0.5), (0.5, 1.0), (1.0, 2.0), (1.5, 3.0)]


def test_a_non_retryable_error_is_raised_at_once():
    retry, time_ = policy()
    func = Flaky(client_exception("IllegalParam", "bad"))
    with pytest.raises(AlicloudApiError) as exc:
        retry.run(func)
    assert exc.value.code == "IllegalParam" and func.calls == 1 and time_.sleeps == []
    assert exc.value.describe() == "IllegalParam: bad (RequestId: REQ-1)"


def test_attempts_are_bounded():
    retry, dummy = policy(max_attempts=3)
    func = Flaky(*[client_exception("SystemBusy", "b")] * 5)
    with pytest.raises(AlicloudApiError) as exc:
        retry.run(func)
    assert func.calls == 3
    assert exc.value.attempts == 3
    assert exc.value.describe() == "SystemBusy: b (RequestId: REQ-1) (gave up after 3 attempts in 1.5 s)"


def test_total_time_is_bounded():
    retry, time_ = policy(max_attempts=100, max_seconds=5.0, max_delay=2.0)
    func = Flaky(*[client_exception("SystemBusy", "b")] * 100)
    with pytest.raises(AlicloudApiError):
        retry.run(func)
    assert sum(time_.sleeps) <= 5.0 and func.calls == 4  # 0.5 + 1 + 2, the next 2 s would pass 5 s


def test_a_write_without_client_token_is_not_retried():
    retry, dummy = policy()
    module = type("M", (), {"retry_policy": retry})()
    func = Flaky(transport_exception(requests.exceptions.ConnectionError("reset")), "ok")
    with pytest.raises(AlicloudApiError):
        AlicloudModule.call(module, func, write=True)
    assert func.calls == 1
    func = Flaky(transport_exception(requests.exceptions.ConnectionError("reset")), "ok")
    assert AlicloudModule.call(module, func, write=True, client_token="tok") == "ok"
    assert func.calls == 2


def test_poll_waits_first_unless_immediately():
    time_ = FakeTime()
    values = iter(["Processing", "processing", "Succeeded"])
    done, last = _alicloud.poll(lambda: next(values), lambda status: status == "Succeeded", time_.now + 60,
                                sleep=time_.sleep, clock=time_.monotonic)
    assert (done, last) == (True, "Succeeded")
    assert time_.sleeps == [0.5, 1.0, 2.0]
    time_ = FakeTime()
    done, last = _alicloud.poll(lambda: "Running", lambda status: True, time_.now + 60, immediately=True,
                                sleep=time_.sleep, clock=time_.monotonic)
    assert time_.sleeps == []


def test_poll_keeps_the_first_delay_for_the_steady_seconds_then_doubles():
    time_ = FakeTime()
    done, last = _alicloud.poll(lambda: "Processing", lambda status: False, time_.now + 8, sleep=time_.sleep,
                                clock=time_.monotonic, **_alicloud.JOB_POLL)
    assert (done, last) == (False, "Processing")
    # at once, then every 0.25 s until 2 s have passed, then 0.5, 1, 2 ... up to the deadline
    assert time_.sleeps == [0.25] * 8 + [0.5, 1.0, 2.0, 2.5]


FOUR_JOBS = [("a", "job-1"), ("b", "job-2"), ("c", "job-3"), ("d", "job-4")]


def job_statuses(answers):
    """A GetJobStatus stand-in answering ``answers[job_id]``; ``.asked`` lists the jobs asked for, in order."""
    def get_job_status(job_id):
        get_job_status.asked.append(job_id)
        return answers[job_id]
    get_job_status.asked = []
    return get_job_status


def test_poll_jobs_round_asks_for_the_oldest_job_first_and_stops_at_one_still_running():
    answers = {"job-1": "Succeeded", "job-2": "failed", "job-3": "Processing", "job-4": "Succeeded"}
    get_job_status = job_statuses(answers)
    pending = list(FOUR_JOBS)
    assert _alicloud.poll_jobs_round(pending, get_job_status) == [("a", "job-1", "succeeded"), ("b", "job-2", "failed")]
    # job-4 ended too, but it is asked for only once job-3, sent before it, has ended
    assert get_job_status.asked == ["job-1", "job-2", "job-3"]
    assert pending == [("c", "job-3"), ("d", "job-4")]
    answers["job-3"] = "Succeeded"
    assert _alicloud.poll_jobs_round(pending, get_job_status) == [("c", "job-3", "succeeded"), ("d", "job-4", "succeeded")]
    assert pending == []
    assert _alicloud.poll_jobs_round(pending, get_job_status) == []
    assert get_job_status.asked == ["job-1", "job-2", "job-3", "job-3", "job-4"]


def test_poll_jobs_round_every_asks_for_each_pending_job_once():
    get_job_status = job_statuses({"job-1": "Processing", "job-2": "Succeeded", "job-3": "Running", "job-4": "Failed"})
    pending = list(FOUR_JOBS)
    assert _alicloud.poll_jobs_round(pending, get_job_status, every=True) == [("b", "job-2", "succeeded"), ("d", "job-4", "failed")]
    assert get_job_status.asked == ["job-1", "job-2", "job-3", "job-4"]
    assert pending == [("a", "job-1"), ("c", "job-3")]


def test_poll_stops_at_the_deadline():
    time_ = FakeTime()
    done, last = _alicloud.poll(lambda: "Processing", lambda status: False, time_.now + 4,
                                sleep=time_.sleep, clock=time_.monotonic)
    assert (done, last) == (False, "Processing")
    assert sum(time_.sleeps) == 4


# --- the module base ----------------------------------------------------------------------------------------


def test_common_options_and_default_endpoint(make_module):
    module = make_module()
    assert (module.region, module.endpoint, module.protocol) == ("cn-hangzhou", "nlb.cn-hangzhou.aliyuncs.com", "https")
    assert module.params["validate_certs"] is True and module.params["allow_http_endpoint"] is False


@pytest.mark.parametrize("variables, option, value", [
    ({"ALICLOUD_ACCESS_KEY": "a1"}, "alicloud_access_key", "a1"),
    ({"ALIBABA_CLOUD_ACCESS_KEY_ID": "a2"}, "alicloud_access_key", "a2"),
    ({"ALICLOUD_REGION": "cn-beijing"}, "alicloud_region", "cn-beijing"),
    ({"ALIBABA_CLOUD_REGION_ID": "cn-shenzhen"}, "alicloud_region", "cn-shenzhen"),
    ({"ALIBABA_CLOUD_SECURITY_TOKEN": "t"}, "alicloud_security_token", "t"),
    ({"ALICLOUD_ECS_ROLE_NAME": "role"}, "ecs_role_name", "role"),
    ({"ALICLOUD_NLB_ENDPOINT_URL": "http://127.0.0.1:1234"}, "endpoint_url", "http://127.0.0.1:1234"),
])
def test_environment_fallbacks(module_from, monkeypatch, variables, option, value):
    for name, setting in variables.items():
        monkeypatch.setenv(name, setting)
    args = dict(BASE_ARGS)
    for name in ("alicloud_access_key", "alicloud_region"):
        if name == option:
            del args[name]
    module = module_from(args)
    assert module.params[option] == value


def test_secret_from_the_sdk_variable(module_from, monkeypatch):
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", "id")
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "sec")
    module = module_from({"alicloud_region": "cn-hangzhou"})
    assert (module.params["alicloud_access_key"], module.params["alicloud_secret_key"]) == ("id", "sec")


@pytest.mark.parametrize("drop, args, message", [
    ("alicloud_region", {}, "alicloud_region is required: set it, or the environment variable ALICLOUD_REGION or "
                            "ALIBABA_CLOUD_REGION_ID, or region_id in the selected aliyun CLI profile ("),
    ("", {"alicloud_region": ""}, "alicloud_region is required: set it, or the environment variable ALICLOUD_REGION or "
                                  "ALIBABA_CLOUD_REGION_ID, or region_id in the selected aliyun CLI profile ("),
    ("alicloud_secret_key", {},
     "alicloud_access_key and alicloud_secret_key go together: alicloud_access_key is set but alicloud_secret_key is not."),
    ("alicloud_access_key", {},
     "alicloud_access_key and alicloud_secret_key go together: alicloud_secret_key is set but alicloud_access_key is not."),
    ("", {"alicloud_secret_key": ""},
     "alicloud_access_key and alicloud_secret_key go together: alicloud_access_key is set but alicloud_secret_key is not."),
    ("", {"endpoint_url": "http://nlb.example.com"}, "uses plain HTTP, which is allowed only for loopback hosts"),
])
def test_bad_common_options_fail_before_any_call(module_from, capsys, drop, args, message):
    args = dict(BASE_ARGS, **args)
    args.pop(drop, None)
    result, out = failure_of(capsys, lambda: module_from(args))
    assert result["failed"] and message in result["msg"]
    assert SECRET not in out


def test_security_token_needs_keys(module_from, capsys):
    result, out = failure_of(capsys, lambda: module_from({"alicloud_region": "cn-hangzhou", "alicloud_security_token": TOKEN}))
    assert result["msg"] == "alicloud_security_token needs alicloud_access_key and alicloud_secret_key (the temporary keys it belongs to)."
    assert TOKEN not in out


def test_http_opt_in_warns(make_module, capsys):
    module = make_module(endpoint_url="http://10.1.2.3:8080", allow_http_endpoint=True)
    assert (module.endpoint, module.protocol) == ("10.1.2.3:8080", "http")
    result, dummy = failure_of(capsys, lambda: module.exit_json(changed=False))
    assert "plain HTTP to a non-loopback host" in json.dumps(result["warnings"])


def test_secrets_are_masked_in_failures(make_module, capsys):
    module = make_module(alicloud_security_token=TOKEN)
    error = AlicloudApiError("signature for %s / %s refused" % (SECRET, TOKEN), code="SignatureDoesNotMatch", request_id="R")
    result, out = failure_of(capsys, lambda: module.fail_api_error(error, "Failed to read listener lsn-1"))
    assert SECRET not in out and TOKEN not in out
    assert result["msg"].startswith("Failed to read listener lsn-1: SignatureDoesNotMatch: signature for ")
    assert result["error"]["code"] == "SignatureDoesNotMatch" and result["error"]["request_id"] == "R"


def test_sdk_config_with_keys_and_https(make_module):
    module = make_module(alicloud_security_token=TOKEN)
    config = module._sdk_config()
    assert (config.endpoint, config.protocol, config.region_id) == ("nlb.cn-hangzhou.aliyuncs.com", "https", "cn-hangzhou")
    assert (config.access_key_id, config.access_key_secret, config.security_token) == ("LTAIexample", SECRET, TOKEN)
    assert config.credential is None
    assert module.runtime_options().ignore_ssl is False
    assert make_module(validate_certs=False).runtime_options().ignore_ssl is True


def _source(config):
    return config.credential.cloud_credential.provider


@pytest.mark.parametrize("args, provider_class", [
    ({"alicloud_access_key": None, "alicloud_secret_key": None}, providers.DefaultCredentialsProvider),
    ({"alicloud_access_key": None, "alicloud_secret_key": None, "profile": "prod"}, providers.CLIProfileCredentialsProvider),
    ({"alicloud_access_key": None, "alicloud_secret_key": None, "shared_credentials_file": "/tmp/c.json"},
     providers.CLIProfileCredentialsProvider),
    ({"alicloud_access_key": None, "alicloud_secret_key": None, "ecs_role_name": "ecs-role"}, providers.EcsRamRoleCredentialsProvider),
    ({"alicloud_assume_role_arn": "acs:ram::1:role/r"}, providers.RamRoleArnCredentialsProvider),
])
def test_credentials_through_alibabacloud_credentials(make_module, args, provider_class):
    config = make_module(**args)._sdk_config()
    assert config.access_key_id is None
    assert isinstance(_source(config), provider_class)


def test_assume_role_uses_the_keys_as_source(make_module):
    config = make_module(alicloud_assume_role_arn="acs:ram::1:role/r", alicloud_assume_role_session_name="s1")._sdk_config()
    role = _source(config)
    assert isinstance(role._credentials_provider, providers.StaticAKCredentialsProvider)


def test_a_missing_sdk_is_reported_with_missing_required_lib(make_module, capsys):
    module = make_module()

    def missing():
        raise ImportError("No module named 'alibabacloud_nlb20220430'")

    result, dummy = failure_of(capsys, lambda: module.sdk_client(missing, "alibabacloud-nlb20220430"))
    assert "Failed to import the required Python library (alibabacloud-nlb20220430" in result["msg"]


def test_sdk_client_builds_the_client_with_the_config(make_module):
    module = make_module(endpoint_url="http://127.0.0.1:1")
    client = module.sdk_client(lambda: (lambda config: config), "x")
    assert (client.endpoint, client.protocol) == ("127.0.0.1:1", "http")


# --- job waiter -----------------------------------------------------------------------------------------------


def statuses(*values):
    seen = iter(values)
    calls = []

    def get_job_status(job_id):
        calls.append(job_id)
        return next(seen)
    get_job_status.calls = calls
    return get_job_status


def test_wait_for_job_until_succeeded_in_any_case(make_module, fake_time):
    module = make_module()
    get = statuses("Processing", "processing", "succeeded")
    assert module.wait_for_job(get, "job-1", module.deadline(300), 300, "the update") == "succeeded"
    assert get.calls == ["job-1"] * 3


def test_a_failed_job_fails_the_task(make_module, fake_time, capsys):
    module = make_module()
    get = statuses("Processing", "Failed")
    result, dummy = failure_of(capsys, lambda: module.wait_for_job(get, "job-2", module.deadline(300), 300, "the update of listener lsn-1"))
    assert result["msg"] == "Job job-2 for the update of listener lsn-1 failed (status Failed)."
    assert result["job_id"] == "job-2"


def test_a_job_timeout_names_the_last_status_and_the_accepted_write(make_module, fake_time, capsys):
    module = make_module()
    deadline = module.deadline(10)
    result, dummy = failure_of(capsys, lambda: module.wait_for_job(lambda job_id: "Processing", "job-3", deadline, 10,
                                                                   "the update of listener lsn-1", listener={"listener_id": "lsn-1"}))
    assert result["msg"] == ("Timed out after 10 seconds waiting for job job-3 (the update of listener lsn-1) to succeed; "
                             "last status: Processing. The service accepted the write (job job-3): it may still complete.")
    assert result["listener"] == {"listener_id": "lsn-1"}


def test_a_job_status_error_fails_with_the_code(make_module, fake_time, capsys):
    module = make_module()

    def broken(job_id):
        raise AlicloudApiError("The specified resource of JobId is not found.", code="ResourceNotFound.JobId", request_id="R9")

    result, dummy = failure_of(capsys, lambda: module.wait_for_job(broken, "job-4", module.deadline(10), 10, "the update"))
    assert result["msg"] == ("The service accepted the update (job job-4), but reading the job status failed: "
                             "ResourceNotFound.JobId: The specified resource of JobId is not found. (RequestId: R9)")
    assert result["error"]["code"] == "ResourceNotFound.JobId"


# --- region from the aliyun CLI profile ---------------------------------------------------------------------

CLI_CONFIG = {
    "current": "dev",
    "profiles": [
        {"name": "dev", "mode": "AK", "access_key_id": "LTAIdev", "access_key_secret": "dev-secret", "region_id": "cn-beijing"},
        {"name": "prod", "mode": "AK", "access_key_id": "LTAIprod", "access_key_secret": "prod-secret", "region_id": "cn-shanghai"},
        {"name": "noregion", "mode": "AK", "access_key_id": "LTAIx", "access_key_secret": "x"},
    ],
}
NO_KEYS = {}  # no keys and no region in the task (the fixture cleared the environment)


def write_cli_config(directory, config=None):
    path = directory / ".aliyun" / "config.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(CLI_CONFIG if config is None else config))
    return path


@pytest.mark.parametrize("args, variables, region", [
    ({}, {}, "cn-beijing"),  # the current profile of ~/.aliyun/config.json
    ({"profile": "prod"}, {}, "cn-shanghai"),
    ({}, {"ALICLOUD_PROFILE": "prod"}, "cn-shanghai"),
    ({}, {"ALIBABA_CLOUD_PROFILE": "prod"}, "cn-shanghai"),
    ({"profile": "prod", "alicloud_region": "cn-shenzhen"}, {}, "cn-shenzhen"),  # an explicit region wins
    ({"profile": "prod"}, {"ALICLOUD_REGION": "cn-wulanchabu"}, "cn-wulanchabu"),
])
def test_the_region_comes_from_the_selected_cli_profile(module_from, monkeypatch, tmp_path, args, variables, region):
    write_cli_config(tmp_path)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    module = module_from(dict(NO_KEYS, **args))
    assert module.region == region == module.params["alicloud_region"]
    assert module.endpoint == "nlb.%s.aliyuncs.com" % region


def test_the_region_comes_from_shared_credentials_file(module_from, tmp_path):
    path = write_cli_config(tmp_path / "elsewhere", {"current": "prod", "profiles": CLI_CONFIG["profiles"]})
    module = module_from(dict(NO_KEYS, shared_credentials_file=str(path)))
    assert module.region == "cn-shanghai"


@pytest.mark.parametrize("config, args, note", [
    (None, {}, "(%(home)s/.aliyun/config.json: not found)."),
    (CLI_CONFIG, {"profile": "nope"}, "(%(home)s/.aliyun/config.json: it has no profile 'nope')."),
    (CLI_CONFIG, {"profile": "noregion"}, "(%(home)s/.aliyun/config.json: its profile 'noregion' has no region_id)."),
    ({"profiles": []}, {}, "(%(home)s/.aliyun/config.json: it names no current profile)."),
    ("not json", {}, "(%(home)s/.aliyun/config.json: not readable JSON)."),
])
def test_no_region_anywhere_names_the_option_both_variables_and_the_profile(module_from, capsys, tmp_path, config, args, note):
    if config is not None:
        path = write_cli_config(tmp_path)
        if isinstance(config, str):
            path.write_text(config)
        else:
            path.write_text(json.dumps(config))
    result, dummy = failure_of(capsys, lambda: module_from(dict(NO_KEYS, **args)))
    assert result["msg"] == ("alicloud_region is required: set it, or the environment variable ALICLOUD_REGION or ALIBABA_CLOUD_REGION_ID, "
                             "or region_id in the selected aliyun CLI profile " + note % {"home": tmp_path})


# --- a profile together with access keys ------------------------------------------------------------------------


def test_a_profile_with_keys_from_the_environment_is_refused(module_from, monkeypatch, capsys):
    monkeypatch.setenv("ALICLOUD_ACCESS_KEY", "LTAIfromenv")
    monkeypatch.setenv("ALICLOUD_SECRET_KEY", SECRET)
    result, out = failure_of(capsys, lambda: module_from({"alicloud_region": "cn-hangzhou", "profile": "prod"}))
    assert result["msg"] == (
        "profile 'prod' and alicloud_access_key (from the environment variable ALICLOUD_ACCESS_KEY) are both set, so it is "
        "ambiguous which credentials to use: remove one, or set alicloud_access_key and alicloud_secret_key to '' to use the profile.")
    assert SECRET not in out


def test_a_profile_from_the_environment_with_keys_in_the_task_is_refused(module_from, monkeypatch, capsys):
    monkeypatch.setenv("ALICLOUD_PROFILE", "prod")
    result, dummy = failure_of(capsys, lambda: module_from(BASE_ARGS))
    assert result["msg"].startswith("profile 'prod' (from the environment variable ALICLOUD_PROFILE) and alicloud_access_key are both set")


def test_empty_keys_select_the_profile(module_from, monkeypatch, tmp_path):
    write_cli_config(tmp_path)
    monkeypatch.setenv("ALICLOUD_ACCESS_KEY", "LTAIfromenv")
    monkeypatch.setenv("ALICLOUD_SECRET_KEY", SECRET)
    module = module_from({"profile": "prod", "alicloud_access_key": "", "alicloud_secret_key": ""})
    config = module._sdk_config()
    assert config.access_key_id is None and isinstance(_source(config), providers.CLIProfileCredentialsProvider)
    assert module.region == "cn-shanghai"


# --- the SDK missing, TLS and DNS failures ----------------------------------------------------------------------


def test_a_missing_nlb_sdk_fails_with_missing_required_lib_before_any_request_model(make_module, capsys, monkeypatch):
    from ansible_collections.multicloud.listeners.plugins.module_utils import _nlb

    def missing():
        raise ImportError("No module named 'alibabacloud_nlb20220430'")

    monkeypatch.setattr(_nlb, "_sdk_models", missing)
    module = make_module()
    result, dummy = failure_of(capsys, lambda: _nlb.NlbListenerApi(module))
    assert result["msg"].startswith("Failed to import the required Python library (alibabacloud-nlb20220430 (and "
                                    "alibabacloud-tea-openapi and alibabacloud-credentials)) on ")
    assert "No module named" not in result["msg"]


@pytest.fixture
def tls_server(tmp_path):
    from ansible_collections.multicloud.listeners.tests.unit.plugins.module_utils.tls_server import SelfSignedTlsServer
    server = SelfSignedTlsServer(str(tmp_path))
    yield server
    server.close()


def test_an_untrusted_certificate_fails_at_once_naming_the_host(make_module, tls_server, fake_time):
    from ansible_collections.multicloud.listeners.plugins.module_utils._nlb import NlbListenerApi
    api = NlbListenerApi(make_module(endpoint_url=tls_server.url))
    with pytest.raises(AlicloudApiError) as exc:
        api.get_listener("lsn-1")
    assert exc.value.kind == "endpoint" and exc.value.attempts == 1 and fake_time.sleeps == []
    assert tls_server.connections == 1
    assert exc.value.describe() == (
        "Certificate verification failed for host 127.0.0.1:%d (self-signed certificate); set validate_certs=false only for "
        "an endpoint you trust (a private endpoint with a self-signed certificate)." % tls_server.port)


def test_a_host_that_does_not_resolve_is_named_without_the_request_url(make_module, monkeypatch, fake_time):
    from ansible_collections.multicloud.listeners.plugins.module_utils._nlb import NlbListenerApi
    asked = []

    def no_such_name(host, *args, **kwargs):
        asked.append(host)
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_such_name)  # nothing reaches a resolver
    api = NlbListenerApi(make_module(alicloud_region="cn-nowhere"))
    with pytest.raises(AlicloudApiError) as exc:
        api.get_listener("lsn-1")
    assert asked == ["nlb.cn-nowhere.aliyuncs.com"] and exc.value.attempts == 1
    assert exc.value.describe() == ("Could not resolve the host name nlb.cn-nowhere.aliyuncs.com (Name or service not known); "
                                    "check the region and endpoint_url.")
