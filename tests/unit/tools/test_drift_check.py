# -*- coding: utf-8 -*-
# Copyright (c) multicloud.listeners contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""tools/drift_check.py: its exit status (like terraform plan -detailed-exitcode), the command and its environment."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import subprocess
import sys

import pytest

from ansible_collections.multicloud.listeners.tools import drift_check as dc

SCRIPT = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))),
                      "tools", "drift_check.py")


def report(status, changes=0, undeclared=0, failed=0):
    return {"schema_version": 1, "drift": {"status": status, "changes": changes, "undeclared": undeclared, "failed": failed}}


@pytest.mark.parametrize("rc, plan, problem, code, text", [
    (0, report("in_sync"), None, 0, "in sync: 0 changes, 0 undeclared, 0 failed"),
    (0, report("drift", changes=1), None, 2, "drift: 1 changes, 0 undeclared, 0 failed"),
    (0, report("drift", undeclared=2), None, 2, "drift: 0 changes, 2 undeclared, 0 failed"),
    (0, report("failed", changes=1, failed=1), None, 1, "the preview failed: 1 changes, 0 undeclared, 1 failed"),
    (2, report("drift", changes=1), None, 1,
     "the preview failed: ansible-playbook exited with 2; plan so far: 1 changes, 0 undeclared, 0 failed"),
    (4, None, "no plan JSON at p.json (No such file or directory)", 1, "the preview failed: ansible-playbook exited with 4"),
    (0, None, "no plan JSON at p.json (No such file or directory)", 1,
     "the preview failed: no plan JSON at p.json (No such file or directory)"),
    (0, {"schema_version": 1}, None, 1, "the preview failed: the plan JSON has no valid drift object"),
    (0, report("perhaps"), None, 1, "the preview failed: the plan JSON has no valid drift object"),
    (0, dict(report("in_sync"), drift={"status": "in_sync", "changes": True, "undeclared": 0, "failed": 0}), None, 1,
     "the preview failed: the plan JSON has no valid drift object"),
    (0, [1], None, 1, "the preview failed: the plan JSON has no valid drift object"),
])
def test_verdict(rc, plan, problem, code, text):
    assert dc.verdict(rc, plan, problem) == (code, text)


@pytest.mark.parametrize("content, why", [
    (None, "no plan JSON at"),
    ("{not json", "is not valid JSON"),
    ("[]", "is not a plan"),
])
def test_read_report_says_why(tmp_path, content, why):
    path = tmp_path / "plan.json"
    if content is not None:
        path.write_text(content)
    got, problem = dc.read_report(str(path))
    assert got is None and why in problem


@pytest.mark.parametrize("current, expected", [
    (None, "multicloud.listeners.plan"),
    ("", "multicloud.listeners.plan"),
    ("ansible.posix.profile_tasks", "ansible.posix.profile_tasks,multicloud.listeners.plan"),
    ("a, multicloud.listeners.plan ,b", "a,multicloud.listeners.plan,b"),
])
def test_callbacks_enabled_keeps_the_users(current, expected):
    assert dc.callbacks_enabled(current) == expected


@pytest.mark.parametrize("argv, command", [
    (["-i", "inv", "site.yml"], ["ansible-playbook", "-i", "inv", "site.yml", "--check", "--diff"]),
    (["--", "site.yml", "-C"], ["ansible-playbook", "site.yml", "-C", "--diff"]),
    (["--json", "out/p.json", "site.yml", "--diff", "--check", "-e", "x=1"],
     ["ansible-playbook", "site.yml", "--diff", "--check", "-e", "x=1"]),
    # the user's own setting of the gate is overridden: the tool judges the drift
    (["site.yml", "-e", "drift_gate_fail_on_drift=true"],
     ["ansible-playbook", "site.yml", "-e", "drift_gate_fail_on_drift=true", "--check", "--diff"]),
])
def test_command(argv, command):
    assert dc.command(dc.parse_args(argv)) == command + ["-e", "drift_gate_fail_on_drift=false"]


def test_environment_sets_the_callback_and_paths(tmp_path):
    options = dc.parse_args(["--json", str(tmp_path / "p.json"), "--markdown", "p.md", "site.yml"])
    env = dc.environment(options, {"ANSIBLE_CALLBACKS_ENABLED": "ansible.posix.timer", "PATH": os.environ["PATH"]})
    assert env["ANSIBLE_CALLBACKS_ENABLED"] == "ansible.posix.timer,multicloud.listeners.plan"
    assert env["MULTICLOUD_PLAN_JSON"] == str(tmp_path / "p.json")
    assert env["MULTICLOUD_PLAN_MARKDOWN"] == os.path.abspath("p.md")


def fake_playbook(tmp_path, rc, plan):
    """An ansible-playbook stand-in that writes ``plan`` where the callback would and exits ``rc``."""
    script = tmp_path / "fake-playbook"
    script.write_text("#!%s\nimport json, os, sys\nprint('PLAY RECAP', sys.argv[1:], os.environ['ANSIBLE_CALLBACKS_ENABLED'])\n"
                      "plan = %r\nif plan is not None:\n    open(os.environ['MULTICLOUD_PLAN_JSON'], 'w').write(json.dumps(plan))\n"
                      "sys.exit(%d)\n" % (sys.executable, plan, rc))
    script.chmod(0o755)
    return str(script)


@pytest.mark.parametrize("rc, plan, code, verdict", [
    (0, report("in_sync"), 0, "drift_check: in sync: 0 changes, 0 undeclared, 0 failed (exit 0; "),
    (0, report("drift", undeclared=1), 2, "drift_check: drift: 0 changes, 1 undeclared, 0 failed (exit 2; "),
    (2, report("failed", failed=1), 1, "drift_check: the preview failed: ansible-playbook exited with 2"),
    (0, None, 1, "drift_check: the preview failed: no plan JSON at "),
])
def test_the_script_streams_then_exits_like_detailed_exitcode(tmp_path, rc, plan, code, verdict):
    stale = tmp_path / "p.json"
    stale.write_text(json.dumps(report("in_sync")))  # a stale plan from an earlier run must never count
    env = dict(os.environ, ANSIBLE_CALLBACKS_ENABLED="ansible.posix.timer")
    completed = subprocess.run([sys.executable, SCRIPT, "--ansible-playbook", fake_playbook(tmp_path, rc, plan),
                                "--json", str(stale), "--markdown", str(tmp_path / "p.md"), "site.yml"],
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=False)
    lines = completed.stdout.splitlines()
    assert completed.returncode == code, completed.stdout
    assert lines[0] == "PLAY RECAP ['site.yml', '--check', '--diff', '-e', 'drift_gate_fail_on_drift=false'] ansible.posix.timer,multicloud.listeners.plan"
    assert lines[-1].startswith(verdict)


def test_usage_errors_exit_1_not_2():
    completed = subprocess.run([sys.executable, SCRIPT], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               check=False)
    assert completed.returncode == 1
    assert "no ansible-playbook arguments" in completed.stdout
    helped = subprocess.run([sys.executable, SCRIPT, "--help"], stdout=subprocess.PIPE, text=True, check=False)
    assert helped.returncode == 0 and "exit 0 when the listeners are in sync, 2 when they drifted" in " ".join(helped.stdout.split())
