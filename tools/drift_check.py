#!/usr/bin/env python
# -*- coding: utf-8 -*-
# Copyright (c) multicloud.listeners contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Drift check of the listeners: ansible-playbook --check --diff with the plan callback, and an exit status like
``terraform plan -detailed-exitcode``.

    python drift_check.py [--json PATH] [--markdown PATH] [--] ANSIBLE-PLAYBOOK-ARGUMENTS...

Runs ``ansible-playbook ARGUMENTS --check --diff`` with the ``multicloud.listeners.plan`` callback added to the
enabled callbacks (the ones already enabled stay), its output streamed as it comes; the callback writes the plan as
JSON and Markdown. Then it prints one verdict line and exits with:

    0  in sync: nothing would change and no listener is kept undeclared
    2  drift: something would change (create, update, delete) or a listener exists that nothing declares
    1  the preview failed: ansible-playbook failed, a record failed (a DryRun the service refused), or the plan
       JSON is missing or unreadable; drift or not is unknown

Python 3, standard library only: it is shipped in the collection (tools/drift_check.py) and runs beside it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import argparse
import json
import os
import subprocess
import sys

CALLBACK = "multicloud.listeners.plan"
IN_SYNC, DRIFT, FAILED = 0, 2, 1
STATUS_EXIT = {"in_sync": IN_SYNC, "drift": DRIFT, "failed": FAILED}
COUNTS = ("changes", "undeclared", "failed")
PROG = "drift_check"


class ArgumentParser(argparse.ArgumentParser):
    """argparse exits 2 on a usage error, which here means drift: a usage error is a failed preview (1)."""

    def error(self, message):
        self.print_usage(sys.stderr)
        self.exit(FAILED, "%s: error: %s\n" % (self.prog, message))


def parse_args(argv):
    parser = ArgumentParser(
        prog=PROG, allow_abbrev=False,
        description="Run ansible-playbook --check --diff with the multicloud.listeners.plan callback and exit 0 when "
                    "the listeners are in sync, 2 when they drifted (changes or undeclared listeners), 1 when the "
                    "preview failed. Every argument it does not know goes to ansible-playbook.",
        epilog="example: %(prog)s --json plan.json --markdown plan.md -- -i inventories/prod listeners.yml")
    parser.add_argument("--json", default="listener-plan.json", metavar="PATH",
                        help="where the plan callback writes the plan as JSON (default: %(default)s)")
    parser.add_argument("--markdown", default="listener-plan.md", metavar="PATH",
                        help="where the plan callback writes the plan as Markdown (default: %(default)s)")
    parser.add_argument("--ansible-playbook", default="ansible-playbook", metavar="COMMAND", dest="ansible_playbook",
                        help="the ansible-playbook command to run (default: %(default)s, from PATH)")
    options, rest = parser.parse_known_args(argv)
    if rest and rest[0] == "--":
        rest = rest[1:]
    if not rest:
        parser.error("no ansible-playbook arguments: give at least the playbook")
    options.playbook_args = rest
    return options


def callbacks_enabled(current):
    """The enabled callbacks with the plan callback added: ``current`` (a comma-separated string) kept as is."""
    names = [name.strip() for name in (current or "").split(",") if name.strip()]
    if CALLBACK not in names:
        names.append(CALLBACK)
    return ",".join(names)


def configured_callbacks(env, ansible_playbook):
    """The callbacks the user enabled: the environment variable, else what ansible-config reads (ansible.cfg)."""
    if env.get("ANSIBLE_CALLBACKS_ENABLED") is not None:
        return env["ANSIBLE_CALLBACKS_ENABLED"]
    config = os.path.join(os.path.dirname(ansible_playbook), "ansible-config") if os.sep in ansible_playbook else "ansible-config"
    try:
        output = subprocess.run([config, "dump", "--format", "json"], env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, universal_newlines=True, check=False).stdout
        for setting in json.loads(output):
            if setting.get("name") == "CALLBACKS_ENABLED":
                value = setting.get("value") or []
                return ",".join(value) if isinstance(value, list) else str(value)
    except (OSError, ValueError, TypeError, AttributeError):
        pass
    return ""


# This tool judges the drift itself; a drift_gate play in the same playbook (the AWX layout) only reports, so that
# its failure on drift does not turn a drift (2) into a failed preview (1). Extra variables given last win.
GATE_REPORT_ONLY = ["-e", "drift_gate_fail_on_drift=false"]


def command(options):
    """``ansible-playbook ARGUMENTS --check --diff -e drift_gate_fail_on_drift=false`` (each flag once)."""
    args = list(options.playbook_args)
    for flag, short in (("--check", "-C"), ("--diff", "-D")):
        if flag not in args and short not in args:
            args.append(flag)
    return [options.ansible_playbook] + args + GATE_REPORT_ONLY


def environment(options, base):
    env = dict(base)
    env["ANSIBLE_CALLBACKS_ENABLED"] = callbacks_enabled(configured_callbacks(base, options.ansible_playbook))
    env["MULTICLOUD_PLAN_JSON"] = os.path.abspath(options.json)
    env["MULTICLOUD_PLAN_MARKDOWN"] = os.path.abspath(options.markdown)
    return env


def read_report(path):
    """The plan JSON as a dict, or ``(None, why)`` when it is missing or unreadable."""
    try:
        with open(path, encoding="utf-8") as handle:
            report = json.load(handle)
    except (OSError, IOError) as error:
        return None, "no plan JSON at %s (%s)" % (path, error.strerror or error)
    except ValueError as error:
        return None, "the plan JSON at %s is not valid JSON (%s)" % (path, error)
    if not isinstance(report, dict):
        return None, "the plan JSON at %s is not a plan" % path
    return report, None


def verdict(playbook_rc, report, problem=None):
    """``(exit status, one-line verdict)`` from ansible-playbook's status and the plan report (None when unreadable)."""
    drift = report.get("drift") if isinstance(report, dict) else None
    valid = isinstance(drift, dict) and drift.get("status") in STATUS_EXIT and all(
        isinstance(drift.get(name), int) and not isinstance(drift.get(name), bool) for name in COUNTS)
    counts = ", ".join("%d %s" % (drift[name], name) for name in COUNTS) if valid else ""
    if playbook_rc != 0:
        text = "the preview failed: ansible-playbook exited with %d" % playbook_rc
        return FAILED, text + ("; plan so far: %s" % counts if counts else "")
    if problem or not valid:
        return FAILED, "the preview failed: %s" % (problem or "the plan JSON has no valid drift object")
    code = STATUS_EXIT[drift["status"]]
    if code == FAILED:
        return FAILED, "the preview failed: %s" % counts
    if code == DRIFT:
        return DRIFT, "drift: %s" % counts
    return IN_SYNC, "in sync: %s" % counts


def main(argv=None):
    options = parse_args(sys.argv[1:] if argv is None else argv)
    json_path = os.path.abspath(options.json)
    for path in (json_path, os.path.abspath(options.markdown)):
        if os.path.exists(path):
            os.remove(path)  # never judge a stale plan
    try:
        playbook_rc = subprocess.call(command(options), env=environment(options, os.environ))
    except OSError as error:
        print("%s: cannot run %s: %s" % (PROG, options.ansible_playbook, error), file=sys.stderr)
        playbook_rc = None
    if playbook_rc is None:
        code, text = FAILED, "the preview failed: %s could not run" % options.ansible_playbook
    else:
        report, problem = read_report(json_path)
        code, text = verdict(playbook_rc, report, problem)
    sys.stdout.flush()
    print("%s: %s (exit %d; plan: %s, %s)" % (PROG, text, code, options.json, options.markdown))
    return code


if __name__ == "__main__":
    sys.exit(main())
