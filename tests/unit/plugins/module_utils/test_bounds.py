# -*- coding: utf-8 -*-
# Copyright (c) multicloud.listeners contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The shared bounds of the run options: wait_timeout (both clouds) and GA's idempotency token."""

import pytest

from ansible_collections.multicloud.listeners.plugins.module_utils import _bounds as bounds


@pytest.mark.parametrize("value, maximum", [(1, 3600), (3600, 3600), (600, 86400), (86400, 86400)])
def test_wait_timeout_accepts(value, maximum):
    assert bounds.check_wait_timeout(value, maximum) is None


@pytest.mark.parametrize("value, maximum, message", [
    (True, 3600, "wait_timeout must be an integer from 1 to 3600 seconds, got True (a boolean, not a number of seconds)."),
    (False, 86400, "wait_timeout must be an integer from 1 to 86400 seconds, got False (a boolean, not a number of seconds)."),
    (0, 3600, "wait_timeout must be an integer from 1 to 3600 seconds, got 0."),
    (-5, 86400, "wait_timeout must be an integer from 1 to 86400 seconds, got -5."),
    (3601, 3600, "wait_timeout must be an integer from 1 to 3600 seconds, got 3601."),
    (600000, 86400, "wait_timeout must be an integer from 1 to 86400 seconds, got 600000."),  # milliseconds by mistake
    (1.5, 3600, "wait_timeout must be an integer from 1 to 3600 seconds, got 1.5."),
    ("600", 3600, "wait_timeout must be an integer from 1 to 3600 seconds, got '600'."),
])
def test_wait_timeout_refuses(value, maximum, message):
    assert bounds.check_wait_timeout(value, maximum) == message


def test_wait_timeout_names_the_option_it_is_given():
    assert bounds.check_wait_timeout(0, 60, option="nlb_listener_attributes_wait_timeout").startswith(
        "nlb_listener_attributes_wait_timeout must be an integer from 1 to 60 seconds")


def test_the_bounds():
    assert (bounds.NLB_WAIT_TIMEOUT_MAX, bounds.GA_WAIT_TIMEOUT_MAX, bounds.GA_IDEMPOTENCY_TOKEN_MAX_LENGTH) == (3600, 86400, 255)


@pytest.mark.parametrize("token", [None, "t", "t" * 255, u"t\u00f6ken"])
def test_idempotency_token_accepts(token):
    assert bounds.check_idempotency_token(token) is None


@pytest.mark.parametrize("token, message", [
    ("", "idempotency_token: an empty token was given; allowed: 1 to 255 characters, or omit the option to have one derived"),
    ("t" * 256, "idempotency_token: '%s...' is 256 characters long; allowed: 1 to 255 characters" % ("t" * 40)),
])
def test_idempotency_token_refuses(token, message):
    assert bounds.check_idempotency_token(token) == message
