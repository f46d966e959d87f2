# -*- coding: utf-8 -*-
# Copyright (c) multicloud.listeners contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the collection's filter plugins share (controller side)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleFilterError


def refusals_as_filter_errors(function):
    """``function`` as a filter: a ``ValueError`` (bad input, named by the pure code) fails the task as a filter
    error with its text, not as a traceback."""
    def wrapped(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except ValueError as error:
            raise AnsibleFilterError(str(error))
    return wrapped
