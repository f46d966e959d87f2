# -*- coding: utf-8 -*-
# Copyright (c) multicloud.listeners contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""tests/suite_progress.py: which suite a test belongs to, and a suite's end line when its last test ends."""

import pytest

import suite_progress


@pytest.mark.parametrize("nodeid, suite", [
    ("tests/unit/plugins/callback/test_plan.py::test_format_value[x]", ("units", "plugins/callback/test_plan.py")),
    ("tests/integration/test_targets.py::test_integration_target[ga_listener]", ("integration", "ga_listener")),
    ("tests/checks/test_checks.py::test_check_passes[ansible-test sanity (every test)-bash scripts/sanity.sh]",
     ("checks", "sanity")),
    ("tests/checks/test_checks.py::test_check_passes[ansible-lint --profile production-ansible-lint --offline]",
     ("checks", "lint")),
    ("tests/checks/test_checks.py::test_check_passes[antsibull-docs lint-collection-docs and changelog lint-bash "
     "scripts/docs.sh lint]", ("checks", "docs")),
    ("tests/checks/test_packaging.py::test_installed_module_runs[a]", ("packaging", "build, install, execution environment")),
    ("tests/checks/test_examples.py::test_examples_run_against_the_emulators[ga_listener]", ("checks", "test_examples.py")),
    ("tests/other/test_x.py::test_y", ("tests", "tests/other/test_x.py")),
])
def test_suite_of(nodeid, suite):
    assert suite_progress.suite_of(nodeid) == suite


class Report:
    def __init__(self, nodeid, when, outcome):
        self.nodeid, self.when = nodeid, when
        self.passed, self.failed, self.skipped = outcome == "passed", outcome == "failed", outcome == "skipped"


class Config:
    class pluginmanager:  # pylint: disable=invalid-name
        @staticmethod
        def get_plugin(name):  # pylint: disable=unused-argument
            return None


def test_a_suite_ends_with_its_last_test_and_counts_outcomes(monkeypatch):
    lines = []
    progress = suite_progress.SuiteProgress(Config())
    monkeypatch.setattr(progress, "_line", lines.append)
    ids = ["tests/unit/a.py::t1", "tests/unit/a.py::t2", "tests/unit/b.py::t1"]
    progress.pytest_xdist_node_collection_finished(None, ids)
    progress.pytest_xdist_node_collection_finished(None, ids)  # a second worker: counted once
    for nodeid, outcome in [(ids[0], "passed"), (ids[2], "skipped"), (ids[1], "failed")]:
        progress.pytest_runtest_logstart(nodeid, None)
        progress.pytest_runtest_logreport(Report(nodeid, "setup", "skipped" if outcome == "skipped" else "passed"))
        if outcome != "skipped":
            progress.pytest_runtest_logreport(Report(nodeid, "call", outcome))
        progress.pytest_runtest_logreport(Report(nodeid, "teardown", "passed"))
        progress.pytest_runtest_logfinish(nodeid, None)
    assert [line.split(" in ")[0] for line in lines] == [
        "done units b.py: 1 skipped",
        "FAIL units a.py: 1 passed, 1 failed",
    ]
