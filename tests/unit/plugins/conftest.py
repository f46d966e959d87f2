# -*- coding: utf-8 -*-
# Copyright (c) multicloud.listeners contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Module tests run the modules in the pytest process. Importing controller code (the callback's tests
do) flips ansible-core's ``is_controller`` flag, after which a module's warnings go to the controller's
display instead of into its result. Every test here runs as the module side would."""

import pytest

from ansible.module_utils import _internal


@pytest.fixture(autouse=True)
def module_side(request, monkeypatch):
    if "callback" not in request.node.nodeid:
        monkeypatch.setattr(_internal, "is_controller", False)
