# -*- coding: utf-8 -*-
# Copyright (c) multicloud.listeners contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Bounds of the options that steer a run rather than describe a listener (pure, no SDK import).

``wait_timeout`` is declared ``type: int``, but ansible-core passes a YAML boolean
through unchanged (``wait_timeout: true`` reaches the module as ``True``, which
Python compares as 1), and ``0`` would make every change fail after its write.
Both are refused here, with one message, before any call.

Upper bounds: a wait longer than these is a mistake (typically milliseconds given
as seconds) that would hold the play for hours on a stuck resource.

- NLB (3600 s): the wait covers this task's own UpdateListenerAttribute job and the
  listener's return to ``Running``; those take seconds to a few minutes.
- GA (86400 s): the wait is for the whole accelerator to be ``DEPLOYED``, which any
  other writer to the same accelerator (endpoint groups, other listeners) keeps
  ``IN_PROGRESS``, so a long queue of changes can legitimately take much longer.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

NLB_WAIT_TIMEOUT_MAX = 3600
GA_WAIT_TIMEOUT_MAX = 86400
# botocore's globalaccelerator 2018-08-08 model, shape IdempotencyToken: a string of at most 255 characters.
# botocore validates types and minimums only, so a longer token would reach the service.
GA_IDEMPOTENCY_TOKEN_MAX_LENGTH = 255


def check_wait_timeout(value, maximum, option="wait_timeout"):
    """Return the error message for a wait of ``value`` seconds outside 1..``maximum``, else None.

    Booleans are refused (``True`` is not a number of seconds, whatever Python says).
    """
    if isinstance(value, bool):
        return "%s must be an integer from 1 to %d seconds, got %r (a boolean, not a number of seconds)." % (option, maximum, value)
    if not isinstance(value, int) or not 1 <= value <= maximum:
        return "%s must be an integer from 1 to %d seconds, got %r." % (option, maximum, value)
    return None


def check_idempotency_token(token, option="idempotency_token", maximum=GA_IDEMPOTENCY_TOKEN_MAX_LENGTH):
    """Return the error message for a GA idempotency token the service would refuse, or that says nothing.

    ``None`` (omitted) is fine: a token is derived.  An empty string is refused rather than silently
    replaced by a derived token; a token over ``maximum`` characters is refused before botocore sends it.
    """
    if token is None:
        return None
    if not token:
        return "%s: an empty token was given; allowed: 1 to %d characters, or omit the option to have one derived" % (option, maximum)
    if len(token) > maximum:
        shown = token if len(token) <= 40 else token[:40] + "..."
        return "%s: %r is %d characters long; allowed: 1 to %d characters" % (option, shown, len(token), maximum)
    return None
