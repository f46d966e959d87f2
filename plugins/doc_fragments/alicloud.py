# -*- coding: utf-8 -*-
# Copyright (c) multicloud.listeners contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    """The common options of the collection's Alibaba Cloud modules."""

    DOCUMENTATION = r"""
options:
  alicloud_access_key:
    description:
      - Alibaba Cloud AccessKey ID.
      - When neither this nor O(alicloud_secret_key) is set (here or in the environment), credentials come from
        O(ecs_role_name), O(profile) or O(shared_credentials_file), or else from the default credential chain of
        C(alibabacloud-credentials) (environment, OIDC role, C(~/.aliyun/config.json), C(~/.alibabacloud/credentials),
        ECS RAM role, credentials URI).
      - If not set, the environment variables E(ALICLOUD_ACCESS_KEY), E(ALICLOUD_ACCESS_KEY_ID) and
        E(ALIBABA_CLOUD_ACCESS_KEY_ID) are tried in that order.
      - Mutually exclusive with O(profile), wherever each comes from (as in amazon.aws) - a task that sets O(profile) while
        E(ALICLOUD_ACCESS_KEY) is in the environment fails, naming both. Set O(alicloud_access_key) and
        O(alicloud_secret_key) to an empty string to use the profile anyway.
    type: str
    aliases: [access_key, access_key_id]
  alicloud_secret_key:
    description:
      - Alibaba Cloud AccessKey secret. Required with O(alicloud_access_key).
      - If not set, the environment variables E(ALICLOUD_SECRET_KEY), E(ALICLOUD_SECRET_ACCESS_KEY) and
        E(ALIBABA_CLOUD_ACCESS_KEY_SECRET) are tried in that order.
    type: str
    aliases: [secret_key, secret_access_key]
  alicloud_security_token:
    description:
      - The STS security token that goes with temporary O(alicloud_access_key) and O(alicloud_secret_key).
      - If not set, the environment variables E(ALICLOUD_SECURITY_TOKEN) and E(ALIBABA_CLOUD_SECURITY_TOKEN) are tried.
    type: str
    aliases: [security_token]
  alicloud_region:
    description:
      - The region of the resources, for example V(cn-hangzhou). Required, from one of the sources below.
      - If not set, the environment variables E(ALICLOUD_REGION), E(ALICLOUD_REGION_ID) and E(ALIBABA_CLOUD_REGION_ID) are tried,
        then the C(region_id) of the selected aliyun CLI profile - O(profile) (or E(ALICLOUD_PROFILE), E(ALIBABA_CLOUD_PROFILE)),
        else the current profile of O(shared_credentials_file) or C(~/.aliyun/config.json).
    type: str
    aliases: [region, region_id]
  profile:
    description:
      - A profile of the aliyun CLI configuration file (see O(shared_credentials_file)) to take credentials from.
      - Cannot be combined with O(alicloud_access_key) (see there). If not set, the environment variable E(ALICLOUD_PROFILE)
        is tried; E(ALIBABA_CLOUD_PROFILE) is honoured by the default credential chain.
      - Its C(region_id) is the default of O(alicloud_region).
    type: str
  shared_credentials_file:
    description:
      - The aliyun CLI configuration file that holds O(profile). Defaults to C(~/.aliyun/config.json).
      - If not set, the environment variable E(ALICLOUD_SHARED_CREDENTIALS_FILE) is tried.
    type: path
  alicloud_assume_role_arn:
    description:
      - The ARN of a RAM role to assume (STS AssumeRole) with the credentials found otherwise, for example
        V(acs:ram::123456789012:role/ansible).
      - If not set, the environment variable E(ALICLOUD_ASSUME_ROLE_ARN) is tried.
    type: str
    aliases: [assume_role_arn]
  alicloud_assume_role_session_name:
    description:
      - The session name used when assuming O(alicloud_assume_role_arn). Defaults to V(ansible-multicloud-listeners).
      - If not set, the environment variable E(ALICLOUD_ASSUME_ROLE_SESSION_NAME) is tried.
    type: str
    aliases: [assume_role_session_name]
  ecs_role_name:
    description:
      - The RAM role attached to the ECS instance the module runs on; credentials come from the instance metadata service.
      - If not set, the environment variables E(ALICLOUD_ECS_ROLE_NAME) and E(ALIBABA_CLOUD_ECS_METADATA) are tried.
    type: str
    aliases: [role_name]
  endpoint_url:
    description:
      - The API endpoint. Defaults to C(<product>.<region>.aliyuncs.com) over HTTPS, for example C(nlb.cn-hangzhou.aliyuncs.com).
      - Accepts a host (HTTPS), such as the VPC endpoint C(nlb-vpc.cn-hangzhou.aliyuncs.com), C(https://host[:port]),
        or C(http://host:port) for a loopback host (C(127.0.0.0/8), C(localhost), C(::1)), for example a local emulator.
        Plain HTTP to any other host needs O(allow_http_endpoint=true); C(*.localhost) names are resolved through DNS and
        do not count as loopback.
      - Parsed the same way as the AWS modules' endpoints - URLs that HTTP clients read differently are refused before any
        request (backslashes, user information, whitespace, control or non-ASCII characters, a path, a query, a fragment,
        an empty or malformed host or port, schemes other than C(http) and C(https)).
      - If not set, the environment variable E(ALICLOUD_NLB_ENDPOINT_URL) is tried (for the NLB modules).
    type: str
    aliases: [alicloud_endpoint_url]
  allow_http_endpoint:
    description:
      - Allow an C(http://) O(endpoint_url) whose host is not a loopback address. The module then warns that requests
        travel unencrypted. Plain HTTP to loopback hosts is always allowed.
    type: bool
    default: false
  validate_certs:
    description:
      - Verify the endpoint's TLS certificate. Set to V(false) only for a private endpoint with a self-signed certificate.
      - A certificate that fails verification fails the task at once (it is not retried), naming the host.
    type: bool
    default: true
requirements:
  - python >= 3.8
  - alibabacloud-tea-openapi
  - alibabacloud-credentials >= 1.0
notes:
  - API calls that fail with C(Throttling*), C(SystemBusy), C(ServiceUnavailable), an HTTP 5xx answer or no answer at all
    are retried with jittered exponential backoff (at most 6 attempts within 60 seconds). Writes are retried only with the
    same C(ClientToken), so the service applies them at most once.
  - Failures return C(error) with the service's C(code), C(message) and C(request_id).
  - A certificate or TLS handshake failure is not retried; nor is a host name the resolver says does not exist (the
    message names the host, not the request).
"""
