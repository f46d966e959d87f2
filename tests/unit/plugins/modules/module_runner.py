# -*- coding: utf-8 -*-
# Copyright (c) multicloud.listeners contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run a module's main() in-process with task arguments and return its JSON result."""

import json

import pytest

from ansible.module_utils.common import warnings as module_warnings
from ansible.module_utils.testing import patch_module_args


def run_module(module, capsys, args, check_mode=False, diff=False, secret=None):
    """``module.main()`` with ``args``; ``secret``, when given, must not appear in the output."""
    args = dict(args)
    # A module process starts with no warnings; in this one test process, clear those of the previous run (they
    # are kept in module-level dicts and would appear in every later result).
    module_warnings._global_warnings.clear()  # pylint: disable=protected-access
    module_warnings._global_deprecations.clear()  # pylint: disable=protected-access
    if check_mode:
        args["_ansible_check_mode"] = True
    if diff:
        args["_ansible_diff"] = True
    with patch_module_args(args):
        with pytest.raises(SystemExit):
            module.main()
    out = capsys.readouterr().out
    if secret:
        assert secret not in out
    return json.loads(out)
