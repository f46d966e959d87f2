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
      - Allow a plain C(http://) O(endpoint_url) to a host that is not a loopback address.
      - Plain HTTP to C(127.0.0.0/8), C(localhost) or C(::1) (a local emulator) is always allowed. Elsewhere it is refused
        unless this is set, and then a warning says that requests travel unencrypted.
    type: bool
    default: false
notes:
  - "C(module_defaults) with C(group/aws) or C(group/amazon.aws.aws) does not reach this module: a collection cannot
    join another collection's action group, so an existing C(group/aws: {profile: prod}) is silently not applied here.
    Use C(group/multicloud.listeners.aws) instead: it holds this collection's AWS modules and every module of
    amazon.aws's C(aws) group, so one block sets both."
"""
