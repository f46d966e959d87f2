# -*- coding: utf-8 -*-
# Copyright (c) multicloud.listeners contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The repository-wide checks, as pytest tests so that `make test` runs them beside the others
(in parallel, on pytest-xdist workers) and ends with one summary line."""

import os
import subprocess

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run(*command):
    completed = subprocess.run(["bash", "-c", "source scripts/env.sh && " + " ".join(command)], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=False)
    return completed.returncode, completed.stdout


@pytest.mark.parametrize("name, command", [
    ("ansible-test sanity (every test)", "bash scripts/sanity.sh"),
    ("ansible-lint --profile production", "ansible-lint --offline --profile production --nocolor"),
    ("antsibull-docs lint-collection-docs and changelog lint", "bash scripts/docs.sh lint"),
])
def test_check_passes(name, command):
    code, output = run(command)
    assert code == 0, "%s failed:\n%s" % (name, output[-30000:])
