# -*- coding: utf-8 -*-
# Copyright (c) multicloud.listeners contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment:
    """Options the Global Accelerator modules add to amazon.aws's common ones."""

    DOCUMENTATION = r"""
options:
  allow_http_endpoint:
    description:
      - Allow a plain C(http://) endpoint to a host that is not a loopback address.
      - Plain HTTP to C(127.0.0.0/8), C(localhost) or C(::1) (a local emulator) is always allowed; other names, C(*.localhost)
        included, are resolved through DNS and do not count as loopback. Elsewhere plain HTTP is refused unless this is
        set, and then a warning says that requests travel unencrypted.
      - The rule applies to the endpoint the client really uses, wherever it comes from (O(endpoint_url), or botocore's own
        settings E(AWS_ENDPOINT_URL_GLOBAL_ACCELERATOR), E(AWS_ENDPOINT_URL) and C(endpoint_url) in the AWS config file).
        It is checked before the first request, and the message says where the endpoint came from.
    type: bool
    default: false
notes:
  - An endpoint URL is C(https://host[:port]) or C(http://host[:port]) with an optional path. URLs that HTTP clients read
    differently are refused before any request, whatever their source - backslashes, user information (C(user@)), whitespace,
    control or non-ASCII characters, an empty or malformed host or port, a query or a fragment, and schemes other than
    C(http) and C(https).
  - Requests are signed for C(us-west-2), the Global Accelerator control plane, also with a custom endpoint.
  - A TLS certificate the client does not trust fails the task at once (it is not retried), naming the host; set
    O(validate_certs=false) only for an endpoint you trust, or give its CA bundle with O(aws_ca_bundle).
  - "C(module_defaults) with C(group/aws) or C(group/amazon.aws.aws) does not reach this module: a collection cannot
    join another collection's action group, so an existing C(group/aws: {profile: prod}) is silently not applied here.
    Use C(group/multicloud.listeners.aws) instead: it holds this collection's AWS modules and every module of
    amazon.aws's C(aws) group, so one block sets both."
"""
