# -*- coding: utf-8 -*-
# Copyright (c) multicloud.listeners contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The thin base of the collection's Alibaba Cloud modules.

- ``alicloud_argument_spec``: the common options (credentials, region, endpoint),
  named as in community.general / alibaba.alicloud, with ``ALICLOUD_*`` and
  ``ALIBABA_CLOUD_*`` environment fallbacks.
- ``parse_endpoint_url``: ``endpoint_url`` -> the SDK's ``Config(endpoint, protocol)``.
- ``AlicloudApiError`` / ``api_error_from_exception``: one shape for every SDK failure.
- ``RetryPolicy``: the one retry loop (jittered exponential backoff, bounded attempts
  and time); writes are retried only when they carry a ClientToken.
- ``AlicloudModule``: ``AnsibleModule`` plus the SDK client factory, ``call`` (every
  SDK call goes through it), ``fail_api_error`` and ``wait_for_job`` (GetJobStatus).

The SDK is imported only when a client is built (validation failures never pay for
it), and a missing SDK is reported with ``missing_required_lib``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import random
import re
import time
import traceback

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.basic import env_fallback
from ansible.module_utils.basic import missing_required_lib

from ansible_collections.multicloud.listeners.plugins.module_utils._common import EndpointUrlError
from ansible_collections.multicloud.listeners.plugins.module_utils._common import check_endpoint_url
from ansible_collections.multicloud.listeners.plugins.module_utils._common import endpoint_failure

USER_AGENT = "AnsibleCollection/multicloud.listeners"
SDK_CORE_PACKAGES = "alibabacloud-tea-openapi and alibabacloud-credentials"
ACCESS_KEY_VARIABLES = ("ALICLOUD_ACCESS_KEY", "ALICLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_ID")
REGION_VARIABLES = ("ALICLOUD_REGION", "ALICLOUD_REGION_ID", "ALIBABA_CLOUD_REGION_ID")
TLS_HINT = "set validate_certs=false only for an endpoint you trust (a private endpoint with a self-signed certificate)"
CREDENTIALS_HINT = ("No usable Alibaba Cloud credentials: set alicloud_access_key and alicloud_secret_key "
                    "(or ALICLOUD_ACCESS_KEY and ALICLOUD_SECRET_KEY), or profile / shared_credentials_file "
                    "(an aliyun CLI profile), or ecs_role_name.")

RETRYABLE_CODES = frozenset(["SystemBusy", "ServiceUnavailable"])
RETRYABLE_CODE_PREFIXES = ("Throttling",)
JOB_SUCCEEDED = "succeeded"
JOB_FAILED = "failed"


def alicloud_argument_spec(product):
    """The common options of every Alibaba Cloud module of the collection.

    :arg product: the product code (``nlb``), which names the endpoint variable
        ``ALICLOUD_<PRODUCT>_ENDPOINT_URL``.
    """
    return dict(
        alicloud_access_key=dict(
            type="str", aliases=["access_key", "access_key_id"], no_log=False,
            fallback=(env_fallback, list(ACCESS_KEY_VARIABLES)),
        ),
        alicloud_secret_key=dict(
            type="str", aliases=["secret_key", "secret_access_key"], no_log=True,
            fallback=(env_fallback, ["ALICLOUD_SECRET_KEY", "ALICLOUD_SECRET_ACCESS_KEY", "ALIBABA_CLOUD_ACCESS_KEY_SECRET"]),
        ),
        alicloud_security_token=dict(
            type="str", aliases=["security_token"], no_log=True,
            fallback=(env_fallback, ["ALICLOUD_SECURITY_TOKEN", "ALIBABA_CLOUD_SECURITY_TOKEN"]),
        ),
        alicloud_region=dict(
            type="str", aliases=["region", "region_id"],  # checked by check_common_options (it may come from a profile)
            fallback=(env_fallback, list(REGION_VARIABLES)),
        ),
        profile=dict(type="str", fallback=(env_fallback, ["ALICLOUD_PROFILE"])),
        shared_credentials_file=dict(type="path", fallback=(env_fallback, ["ALICLOUD_SHARED_CREDENTIALS_FILE"])),
        alicloud_assume_role_arn=dict(type="str", aliases=["assume_role_arn"], fallback=(env_fallback, ["ALICLOUD_ASSUME_ROLE_ARN"])),
        alicloud_assume_role_session_name=dict(
            type="str", aliases=["assume_role_session_name"], fallback=(env_fallback, ["ALICLOUD_ASSUME_ROLE_SESSION_NAME"]),
        ),
        ecs_role_name=dict(type="str", aliases=["role_name"], fallback=(env_fallback, ["ALICLOUD_ECS_ROLE_NAME", "ALIBABA_CLOUD_ECS_METADATA"])),
        endpoint_url=dict(type="str", aliases=["alicloud_endpoint_url"], fallback=(env_fallback, ["ALICLOUD_%s_ENDPOINT_URL" % product.upper()])),
        allow_http_endpoint=dict(type="bool", default=False),
        validate_certs=dict(type="bool", default=True),
    )


def _from_environment(option, value, variables, environ):
    """``option`` as a message names it: with the variable its value came from, when one holds it."""
    for name in variables:
        if environ.get(name):
            return "%s (from the environment variable %s)" % (option, name) if environ[name] == value else option
    return option


def check_common_options(params, environ=None, region_note=None):
    """Checks of the common options that argument_spec cannot express (empty values count as unset).

    ``region_note`` says what the look-up of an aliyun CLI profile's region found, for the message
    when no region is set anywhere.
    """
    environ = os.environ if environ is None else environ
    errors = []
    if not params.get("alicloud_region"):
        errors.append("alicloud_region is required: set it, or the environment variable ALICLOUD_REGION or ALIBABA_CLOUD_REGION_ID, "
                      "or region_id in the selected aliyun CLI profile%s." % (" (%s)" % region_note if region_note else ""))
    if params.get("profile") and params.get("alicloud_access_key"):
        errors.append(
            "%s and %s are both set, so it is ambiguous which credentials to use: remove one, or set alicloud_access_key and "
            "alicloud_secret_key to '' to use the profile." % (
                _from_environment("profile %r" % params["profile"], params["profile"], ("ALICLOUD_PROFILE",), environ),
                _from_environment("alicloud_access_key", params["alicloud_access_key"], ACCESS_KEY_VARIABLES, environ)))
    has_key, has_secret = bool(params.get("alicloud_access_key")), bool(params.get("alicloud_secret_key"))
    if has_key != has_secret:
        given, missing = ("alicloud_access_key", "alicloud_secret_key") if has_key else ("alicloud_secret_key", "alicloud_access_key")
        errors.append("alicloud_access_key and alicloud_secret_key go together: %s is set but %s is not." % (given, missing))
    if params.get("alicloud_security_token") and not (has_key and has_secret):
        errors.append("alicloud_security_token needs alicloud_access_key and alicloud_secret_key (the temporary keys it belongs to).")
    return errors


# --- endpoint ----------------------------------------------------------------------


EndpointError = EndpointUrlError  # the name this module used before the parser moved to _common


def default_endpoint_host(product, region):
    return "%s.%s.aliyuncs.com" % (product, region)


def parse_endpoint_url(endpoint_url, product, region, allow_http=False):
    """Map ``endpoint_url`` onto the SDK's ``Config(endpoint=..., protocol=...)``.

    Returns ``(endpoint, protocol, warning)``: ``endpoint`` is ``host[:port]``,
    ``protocol`` ``https`` or ``http``, ``warning`` a text or ``None``.
    Accepts nothing (``<product>.<region>.aliyuncs.com``), a bare host (HTTPS, e.g. the
    VPC endpoint ``nlb-vpc.cn-hangzhou.aliyuncs.com``), ``https://host[:port]`` and
    ``http://host:port``, the last only for loopback hosts unless ``allow_http``; the URL
    is parsed by ``_common.parse_endpoint_url``, the same parser as the AWS modules'.
    Raises ``EndpointError``.
    """
    if endpoint_url is None or endpoint_url == "":
        return default_endpoint_host(product, region), "https", None
    endpoint, warning = check_endpoint_url(endpoint_url, allow_http, default_scheme="https")
    return endpoint.netloc, endpoint.scheme, warning


# --- region from the aliyun CLI configuration ------------------------------------------------


def cli_config_path(params, environ=None):
    """The aliyun CLI configuration file: ``shared_credentials_file`` or ``$HOME/.aliyun/config.json``."""
    environ = os.environ if environ is None else environ
    if params.get("shared_credentials_file"):
        return params["shared_credentials_file"]
    return os.path.join(environ.get("HOME") or os.path.expanduser("~"), ".aliyun", "config.json")


def cli_profile_region(config, profile_name=None):
    """``(region_id or None, note)`` of the selected profile of a parsed aliyun CLI ``config.json``.

    The profile is ``profile_name``, else the file's ``current`` one (as alibabacloud-credentials
    selects it); ``note`` says why there is no region.
    """
    if not isinstance(config, dict):
        return None, "it is not a JSON object"
    name = profile_name or config.get("current")
    if not name:
        return None, "it names no current profile"
    for profile in config.get("profiles") or []:
        if isinstance(profile, dict) and profile.get("name") == name:
            if profile.get("region_id"):
                return profile["region_id"], None
            return None, "its profile %r has no region_id" % name
    return None, "it has no profile %r" % name


def region_from_cli_profile(params, environ=None):
    """``(region or None, note)``: the ``region_id`` of the selected aliyun CLI profile, if any."""
    environ = os.environ if environ is None else environ
    path = cli_config_path(params, environ)
    try:
        with open(path, encoding="utf-8") as handle:
            config = json.load(handle)
    except (OSError, ValueError) as exc:
        reason = "not found" if isinstance(exc, FileNotFoundError) else "not readable JSON"
        return None, "%s: %s" % (path, reason)
    region, why = cli_profile_region(config, params.get("profile") or environ.get("ALIBABA_CLOUD_PROFILE"))
    return region, None if region else "%s: %s" % (path, why)


# --- errors ------------------------------------------------------------------------------


class AlicloudApiError(Exception):
    """One failed SDK call, whatever the SDK raised.

    ``kind`` is ``api`` (the service answered with an error code), ``transport``
    (no answer: connection refused, reset, timeout), ``endpoint`` (the endpoint cannot
    work: its certificate is not trusted, its TLS handshake fails, its host name does
    not resolve), ``credentials`` (no usable credentials) or ``sdk`` (anything else
    the SDK raised).
    """

    def __init__(self, message, code=None, request_id=None, status_code=None, kind="api"):
        super(AlicloudApiError, self).__init__(message)
        self.code = code
        self.message = message
        self.request_id = request_id
        self.status_code = status_code
        self.kind = kind
        self.attempts = 1  # set by RetryPolicy.run when it gives up after retries
        self.elapsed = 0.0

    def to_dict(self):
        return {"code": self.code, "message": self.message, "request_id": self.request_id}

    def describe(self):
        text = "%s: %s" % (self.code, self.message) if self.code else self.message
        if self.request_id:
            text = "%s (RequestId: %s)" % (text, self.request_id)
        if self.attempts > 1:
            text = "%s (gave up after %d attempts in %.1f s)" % (text, self.attempts, self.elapsed)
        return text


def _clean_api_message(exc):
    """The service's own ``Message``, without the SDK's ``code: 400, ... request id: ...`` wrapping."""
    data = getattr(exc, "data", None)
    if isinstance(data, dict):
        message = data.get("Message") or data.get("message")
        if message:
            return str(message)
    message = getattr(exc, "message", None) or str(exc)
    prefix = "code: %s, " % getattr(exc, "status_code", "")
    if message.startswith(prefix):
        message = message[len(prefix):]
    marker = message.rfind(" request id: ")
    if marker > 0:
        message = message[:marker]
    return message


def _sdk_exception_classes():
    """``(api error classes, transport error classes)`` of the installed SDK."""
    api, transport = [], []
    try:
        from alibabacloud_tea_openapi.exceptions import AlibabaCloudException
        api.append(AlibabaCloudException)
    except ImportError:
        pass
    try:
        from darabonba.exceptions import UnretryableException as DaraUnretryable
        transport.append(DaraUnretryable)
    except ImportError:
        pass
    try:
        from Tea.exceptions import UnretryableException as TeaUnretryable
        transport.append(TeaUnretryable)
    except ImportError:
        pass
    return tuple(api), tuple(transport)


def _is_credentials_error(exc):
    name = type(exc).__name__
    return name == "CredentialException" or getattr(exc, "code", None) == "InvalidCredentials"


def _credentials_error(exc):
    """One line: where credentials can be given, then the credential chain's own detail."""
    detail = str(getattr(exc, "message", None) or exc)
    detail = re.sub(r"(: )\$(?=[/~\\A-Za-z])", r"\1", detail)  # the chain writes "credentials file: $/home/..."
    return AlicloudApiError("%s The credential chain said: %s" % (CREDENTIALS_HINT, detail), kind="credentials")


def api_error_from_exception(exc):
    """Convert whatever an SDK call raised into an ``AlicloudApiError``."""
    if isinstance(exc, AlicloudApiError):
        return exc
    api_classes, transport_classes = _sdk_exception_classes()
    if api_classes and isinstance(exc, api_classes):
        request_id = getattr(exc, "request_id", None)
        if request_id in ("None", ""):
            request_id = None
        kind = "credentials" if _is_credentials_error(exc) else "api"
        return AlicloudApiError(_clean_api_message(exc), code=getattr(exc, "code", None), request_id=request_id,
                                status_code=getattr(exc, "status_code", None), kind=kind)
    if transport_classes and isinstance(exc, transport_classes):
        inner = getattr(exc, "inner_exception", None) or exc
        if _is_credentials_error(inner):
            return _credentials_error(inner)
        text, retryable = endpoint_failure(inner, TLS_HINT)
        if text:
            # a certificate, handshake or unknown-host failure: say what was wrong (not the request URL), retry only a resolver hiccup
            return AlicloudApiError(text[0].upper() + text[1:] + ".", kind="transport" if retryable else "endpoint")
        return AlicloudApiError("The request did not get an answer: %s" % (inner,), kind="transport")
    if _is_credentials_error(exc):
        return _credentials_error(exc)
    return AlicloudApiError("%s: %s" % (type(exc).__name__, exc), kind="sdk")


def is_retryable(error):
    """Throttling*, SystemBusy, ServiceUnavailable, HTTP 5xx and transport failures.

    Not ``endpoint`` failures (certificate verification, TLS handshake, a host name that does
    not exist): the next attempt would fail the same way.
    """
    if error.kind == "transport":
        return True
    if error.kind != "api":
        return False
    code = error.code or ""
    if code in RETRYABLE_CODES or code.startswith(RETRYABLE_CODE_PREFIXES):
        return True
    return error.status_code is not None and 500 <= int(error.status_code) < 600


# --- retries and polling ----------------------------------------------------------------


class RetryPolicy:
    """Jittered exponential backoff, bounded by attempts and by total time.

    The delay before retry ``n`` (1-based) is drawn from ``[cap / 2, cap]`` with
    ``cap = min(max_delay, base_delay * 2 ** (n - 1))``.
    """

    def __init__(self, max_attempts=6, base_delay=0.5, max_delay=10.0, max_seconds=60.0, sleep=None, clock=None, uniform=None):
        self.max_attempts = max_attempts
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.max_seconds = max_seconds
        self.sleep = sleep  # None: time.sleep, looked up at call time (tests patch it)
        self.clock = clock  # None: time.monotonic
        self.uniform = uniform  # None: random.uniform
        self.retries = 0  # retries made by this policy so far (all calls)

    def delay(self, retry_number):
        cap = min(self.max_delay, self.base_delay * (2 ** (retry_number - 1)))
        return (self.uniform or random.uniform)(cap / 2.0, cap)

    def run(self, func, retry_allowed=True):
        """Call ``func()`` until it succeeds or fails for good; raise ``AlicloudApiError``."""
        clock = self.clock or time.monotonic
        started = clock()
        attempt = 0
        while True:
            attempt += 1
            try:
                return func()
            except Exception as exc:  # pylint: disable=broad-except
                error = api_error_from_exception(exc)
                error.attempts, error.elapsed = attempt, clock() - started
                if not retry_allowed or not is_retryable(error) or attempt >= self.max_attempts:
                    raise error
                pause = self.delay(attempt)
                if clock() - started + pause > self.max_seconds:
                    raise error
                self.retries += 1
                (self.sleep or time.sleep)(pause)


def poll(fetch, is_done, deadline, first_delay=0.5, max_delay=5.0, immediately=False, steady_seconds=0.0, sleep=None,
         clock=None):
    """Call ``fetch()`` until ``is_done(value)`` or the deadline; return ``(done, last value)``.

    Delays stay at ``first_delay`` for the first ``steady_seconds`` of the wait, then double up to ``max_delay``;
    they never overshoot the deadline. ``immediately`` makes the first call without a delay.
    """
    sleep = sleep or time.sleep
    clock = clock or time.monotonic
    steady_until = clock() + steady_seconds
    delay = first_delay
    value = None
    if not immediately:
        sleep(max(0.0, min(delay, deadline - clock())))
    while True:
        value = fetch()
        if is_done(value):
            return True, value
        remaining = deadline - clock()
        if remaining <= 0:
            return False, value
        if immediately:
            immediately = False
        elif clock() >= steady_until:
            delay = min(max_delay, delay * 2)
        sleep(min(delay, remaining))


# How a job is awaited (GetJobStatus): at once, then every 0.25 s for the first 2 s, so that a job that ends within
# them is seen within 0.25 s of its end, then less and less often, up to every 5 s. A round asks for one running job
# (poll_jobs_round), so the quick rounds cost one call each, however many jobs a task awaits.
JOB_POLL = {"immediately": True, "first_delay": 0.25, "steady_seconds": 2.0, "max_delay": 5.0}


def poll_jobs_round(pending, get_job_status, every=False):
    """One polling round over ``pending``, a list of ``(key, job_id)`` in the order the writes were sent.

    The oldest job's status is read first; a job that ended (``Succeeded`` or ``Failed``) is removed and the next one
    read, and the round stops at the first job still running: the jobs sent after it started later, so they are
    asked for in a later round. A round makes one ``GetJobStatus`` call plus one per job that ended, instead of one
    per pending job. ``every`` asks for every pending job once instead (the last look at the deadline, so that a
    timeout names only the jobs still running). Returns the ``(key, job_id, status)`` of the jobs that ended,
    statuses in lower case.
    """
    ended = []
    for item in list(pending):
        key, job_id = item
        status = (get_job_status(job_id) or "").lower()
        if status not in (JOB_SUCCEEDED, JOB_FAILED):
            if every:
                continue
            break
        pending.remove(item)
        ended.append((key, job_id, status))
    return ended


# --- the module base ------------------------------------------------------------------------


def _ecs_role_provider(providers, role_name):
    """The ECS RAM role provider, without the background refresh thread a one-shot module does not need."""
    try:
        return providers.EcsRamRoleCredentialsProvider(role_name=role_name, async_update_enabled=False)
    except TypeError:  # alibabacloud-credentials before async_update_enabled
        return providers.EcsRamRoleCredentialsProvider(role_name=role_name)


class AlicloudModule(AnsibleModule):
    """``AnsibleModule`` with the common Alibaba Cloud options and the SDK plumbing.

    :arg product: the product code (``nlb``): default endpoint ``<product>.<region>.aliyuncs.com``.
    """

    def __init__(self, product, argument_spec=None, **kwargs):
        spec = alicloud_argument_spec(product)
        spec.update(argument_spec or {})
        super(AlicloudModule, self).__init__(argument_spec=spec, **kwargs)
        self.product = product
        region_note = None
        if not self.params["alicloud_region"]:
            self.params["alicloud_region"], region_note = region_from_cli_profile(self.params)
        self.region = self.params["alicloud_region"]
        self.retry_policy = RetryPolicy()
        errors = check_common_options(self.params, region_note=region_note)
        if errors:
            self.fail_json(msg=" ".join(errors))
        try:
            self.endpoint, self.protocol, warning = parse_endpoint_url(
                self.params["endpoint_url"], product, self.region, allow_http=self.params["allow_http_endpoint"])
        except EndpointError as exc:
            self.fail_json(msg=str(exc))
        if warning:
            self.warn(warning)

    # -- client factory --

    def require_sdk(self, load, package):
        """``load()`` (an SDK import); a missing package fails the task with ``missing_required_lib``.

        :arg package: the PyPI name reported when the import fails.
        """
        try:
            return load()
        except ImportError:
            self.fail_json(msg=missing_required_lib("%s (and %s)" % (package, SDK_CORE_PACKAGES)), exception=traceback.format_exc())
            raise  # not reached: fail_json exits

    def sdk_client(self, load_client_class, package):
        """Build an SDK client: ``load_client_class()`` imports and returns the client class.

        :arg package: the PyPI name reported when the import fails.
        """
        client_class = self.require_sdk(load_client_class, package)
        config = self.require_sdk(self._sdk_config, package)
        try:
            return client_class(config)
        except Exception as exc:  # pylint: disable=broad-except
            error = api_error_from_exception(exc)
            self.fail_json(msg="Could not set up the Alibaba Cloud %s client: %s" % (self.product.upper(), error.describe()),
                           error=error.to_dict())

    def runtime_options(self):
        """The per-call SDK options (``validate_certs=false`` -> ``ignore_ssl``)."""
        try:
            from darabonba.runtime import RuntimeOptions
        except ImportError:
            from alibabacloud_tea_util.models import RuntimeOptions
        return RuntimeOptions(ignore_ssl=not self.params["validate_certs"])

    def _sdk_config(self):
        try:
            from alibabacloud_tea_openapi.utils_models import Config
        except ImportError:
            from alibabacloud_tea_openapi.models import Config
        params = self.params
        config = Config(region_id=self.region, endpoint=self.endpoint, protocol=self.protocol, user_agent=USER_AGENT)
        if params["alicloud_access_key"] and not params["alicloud_assume_role_arn"]:
            config.access_key_id = params["alicloud_access_key"]
            config.access_key_secret = params["alicloud_secret_key"]
            config.security_token = params["alicloud_security_token"]
        else:
            config.credential = self._credential_client()
        return config

    def _credential_client(self):
        """Credentials through ``alibabacloud-credentials`` (built only when no plain key pair does).

        Source: the given keys, else ``ecs_role_name``, else ``profile`` /
        ``shared_credentials_file`` (the aliyun CLI's ``config.json``), else the
        library's default chain (environment, OIDC, CLI profile, credentials file,
        ECS RAM role, credentials URI).  ``alicloud_assume_role_arn`` assumes that role
        with the source's credentials.
        """
        from alibabacloud_credentials.client import Client as CredentialClient
        from alibabacloud_credentials import provider as providers

        params = self.params
        if params["alicloud_access_key"]:
            if params["alicloud_security_token"]:
                source = providers.StaticSTSCredentialsProvider(
                    access_key_id=params["alicloud_access_key"], access_key_secret=params["alicloud_secret_key"],
                    security_token=params["alicloud_security_token"])
            else:
                source = providers.StaticAKCredentialsProvider(
                    access_key_id=params["alicloud_access_key"], access_key_secret=params["alicloud_secret_key"])
        elif params["ecs_role_name"]:
            source = _ecs_role_provider(providers, params["ecs_role_name"])
        elif params["profile"] or params["shared_credentials_file"]:
            source = providers.CLIProfileCredentialsProvider(profile_name=params["profile"], profile_file=params["shared_credentials_file"])
        else:
            source = providers.DefaultCredentialsProvider()
        if params["alicloud_assume_role_arn"]:
            source = providers.RamRoleArnCredentialsProvider(
                credentials_provider=source, role_arn=params["alicloud_assume_role_arn"],
                role_session_name=params["alicloud_assume_role_session_name"] or "ansible-multicloud-listeners",
                sts_region_id=self.region)
        return CredentialClient(provider=source)

    # -- calls, errors, jobs --

    def call(self, func, write=False, client_token=None):
        """Run one SDK call under the retry policy; raise ``AlicloudApiError``.

        A write is retried only when it carries a ClientToken: the retry sends the same
        token, so the service applies the change at most once.
        """
        return self.retry_policy.run(func, retry_allowed=not write or bool(client_token))

    def fail_api_error(self, error, msg, **result):
        """Fail the task with ``msg: <code>: <message>`` and ``error: {code, message, request_id}``."""
        self.fail_json(msg="%s: %s" % (msg, error.describe()), error=error.to_dict(), retries=error.attempts - 1, **result)

    def deadline(self, timeout):
        return time.monotonic() + timeout

    def wait_for_job(self, get_job_status, job_id, deadline, timeout, what, **result):
        """Poll ``get_job_status(job_id)`` (GetJobStatus) until ``Succeeded``, in any case.

        ``Failed`` fails the task; so does the deadline, with the last status seen and
        the note that the write was accepted (job ``job_id``).
        """
        seen = []

        def fetch():
            status = get_job_status(job_id)
            seen.append(status)
            if (status or "").lower() == JOB_FAILED:
                self.fail_json(msg="Job %s for %s failed (status %s)." % (job_id, what, status), job_id=job_id, **result)
            return status

        try:
            # the first poll is immediate: a quick job is seen done without a pause, a slow one costs one extra read
            done, status = poll(fetch, lambda status: (status or "").lower() == JOB_SUCCEEDED, deadline, **JOB_POLL)
        except AlicloudApiError as error:
            self.fail_api_error(error, "The service accepted %s (job %s), but reading the job status failed" % (what, job_id), job_id=job_id, **result)
        if not done:
            self.fail_json(
                msg="Timed out after %s seconds waiting for job %s (%s) to succeed; last status: %s. "
                    "The service accepted the write (job %s): it may still complete." % (timeout, job_id, what, status, job_id),
                job_id=job_id, **result)
        return status
