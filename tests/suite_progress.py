# -*- coding: utf-8 -*-
# Copyright (c) multicloud.listeners contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A pytest plugin that says which suite is running and how long each took, as the run goes.

``make test`` runs every suite in one pytest session on xdist workers; pytest alone prints only dots.
This prints one line (instead of dots) when a suite starts (integration targets and the repository checks, which run for
minutes) and one when it ends (also each unit test file), with its wall time, and a table of the suites
by time before pytest's own summary line. It runs on the controller only (xdist forwards each worker's
``logstart`` / ``logreport`` / ``logfinish`` to it); pytest's exit status and summary are unchanged.

Suites are named from the test's node ID (see ``suite_of``):
``tests/unit/<path>`` -> ``units <path>``; an integration target -> ``integration <target>``;
a check of tests/checks/test_checks.py -> ``checks sanity|lint|docs``; tests/checks/test_packaging.py ->
``packaging``; another file under tests/checks -> ``checks <file>``.
"""

import re
import time

import pytest

TARGET = re.compile(r"^tests/integration/test_targets\.py::test_integration_target\[(?P<name>.+)\]$")
CHECK = re.compile(r"^tests/checks/test_checks\.py::test_check_passes\[(?P<name>.+)\]$")
# tests/checks/test_checks.py's parameters, by a phrase of their name (checked in this order)
CHECK_NAMES = (("ansible-test sanity", "sanity"), ("antsibull-docs", "docs"), ("ansible-lint", "lint"))
# The suites that get a "start" line: they are one long test each.
LONG_KINDS = ("integration", "checks")


def suite_of(nodeid):
    """``(kind, name)`` of the suite a test belongs to, from its node ID."""
    match = TARGET.match(nodeid)
    if match:
        return "integration", match.group("name")
    match = CHECK.match(nodeid)
    if match:
        name = next((short for phrase, short in CHECK_NAMES if phrase in match.group("name")), match.group("name"))
        return "checks", name
    path = nodeid.split("::", 1)[0]
    if path == "tests/checks/test_packaging.py":
        return "packaging", "build, install, execution environment"
    if path.startswith("tests/checks/"):
        return "checks", path[len("tests/checks/"):]
    if path.startswith("tests/unit/"):
        return "units", path[len("tests/unit/"):]
    return "tests", path


def format_elapsed(seconds):
    minutes, seconds = divmod(int(seconds), 60)
    return "%dm%02ds" % (minutes, seconds)


class Suite:
    def __init__(self, kind, name):
        self.kind, self.name = kind, name
        self.total = 0
        self.done = 0
        self.started = None
        self.finished = None
        self.outcomes = {}

    @property
    def label(self):
        return "%s %s" % (self.kind, self.name)

    def counts(self):
        found = {}
        for outcome in self.outcomes.values():
            found[outcome] = found.get(outcome, 0) + 1
        return ", ".join("%d %s" % (found[name], name) for name in ("passed", "failed", "skipped", "error") if name in found)


class SuiteProgress:
    """Counts each suite's tests (from the collection) and reports a suite when its last test ends."""

    def __init__(self, config):
        self.config = config
        self.suites = {}
        self.order = []
        self.counted = False
        self.session_start = time.monotonic()

    # --- what was collected -----------------------------------------------------------
    def _count(self, nodeids):
        if self.counted:
            return
        self.counted = True
        for nodeid in nodeids:
            self._suite(nodeid).total += 1

    def _suite(self, nodeid):
        key = suite_of(nodeid)
        if key not in self.suites:
            self.suites[key] = Suite(*key)
            self.order.append(key)
        return self.suites[key]

    def pytest_collection_finish(self, session):
        if not hasattr(self.config, "workerinput") and session.items:
            self._count(item.nodeid for item in session.items)

    @pytest.hookimpl(optionalhook=True)
    def pytest_xdist_node_collection_finished(self, node, ids):  # pylint: disable=unused-argument
        self._count(ids)

    # --- as tests run -------------------------------------------------------------------
    @pytest.hookimpl(tryfirst=True)
    def pytest_report_teststatus(self, report, config):  # pylint: disable=unused-argument
        """A passed test prints no dot (the suite lines say it); F, E, s and x are printed as usual."""
        if report.when == "call" and report.passed and not hasattr(report, "wasxfail") and config.option.verbose <= 0:
            return "passed", "", "PASSED"
        return None

    def _line(self, text):
        reporter = self.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            if reporter._tw.width_of_current_line:  # pylint: disable=protected-access  # after an F or s
                reporter._tw.line()  # pylint: disable=protected-access
            reporter.write_line("[%s] %s" % (format_elapsed(time.monotonic() - self.session_start), text))

    def pytest_runtest_logstart(self, nodeid, location):  # pylint: disable=unused-argument
        suite = self._suite(nodeid)
        if suite.started is None:
            suite.started = time.monotonic()
            if suite.kind in LONG_KINDS or suite.kind == "packaging":
                self._line("start %s" % suite.label)

    def pytest_runtest_logreport(self, report):
        suite = self._suite(report.nodeid)
        previous = suite.outcomes.get(report.nodeid)
        if report.failed:
            outcome = "failed" if report.when == "call" else "error"
        elif report.skipped:
            outcome = "skipped"
        else:
            outcome = "passed" if report.when == "call" else None
        if outcome is not None and previous not in ("failed", "error"):
            suite.outcomes[report.nodeid] = outcome

    def pytest_runtest_logfinish(self, nodeid, location):  # pylint: disable=unused-argument
        suite = self._suite(nodeid)
        suite.done += 1
        if suite.done == suite.total:
            suite.finished = time.monotonic()
            failed = any(outcome in ("failed", "error") for outcome in suite.outcomes.values())
            self._line("%s %s: %s in %.1f s" % ("FAIL" if failed else "done", suite.label, suite.counts(),
                                                suite.finished - suite.started))

    def pytest_terminal_summary(self, terminalreporter):
        ended = [self.suites[key] for key in self.order if self.suites[key].finished is not None]
        if not ended:
            return
        terminalreporter.section("suite times (wall clock; with -n, suites run side by side)")
        kinds = {}
        for suite in ended:
            kinds.setdefault(suite.kind, []).append(suite)
        for kind in ("units", "integration", "checks", "packaging", "tests"):
            if kind not in kinds:
                continue
            suites = kinds[kind]
            tests = sum(len(suite.outcomes) for suite in suites)
            slowest = max(suites, key=lambda suite: suite.finished - suite.started)
            terminalreporter.write_line("%-12s %3d suite(s), %4d tests, %6.1f s summed; slowest: %s (%.1f s)" % (
                kind, len(suites), tests, sum(suite.finished - suite.started for suite in suites),
                slowest.name, slowest.finished - slowest.started))


def register(config):
    """Register the plugin on the controller, once, when pytest prints to a terminal reporter."""
    if hasattr(config, "workerinput") or config.pluginmanager.has_plugin("suite-progress"):
        return
    config.pluginmanager.register(SuiteProgress(config), "suite-progress")
