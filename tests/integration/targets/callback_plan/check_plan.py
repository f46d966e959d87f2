# -*- coding: utf-8 -*-
# Copyright (c) multicloud.listeners contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Assertions of runme.sh on what the plan callback printed and wrote in one phase.

    python check_plan.py PHASE OUTDIR     compare OUTDIR/PHASE.log (the plan printed at its end), PHASE.json and
                                          PHASE.md (when written) with expected/PHASE.{txt,json,md}
    python check_plan.py quiet OUTDIR     the run of OUTDIR/quiet.log used no module of the collection: no plan printed,
                                          and quiet.json is an empty plan
    python check_plan.py reset-calls      clear both emulators' call logs
    python check_plan.py no-writes        assert the emulators got no write since reset-calls (DryRun aside)

Listener ARNs the GA emulator made up are replaced by ``listener/<host protocol ports>`` (learnt from the
JSON files of the earlier phases) and NLB request IDs by ``<request id>`` before comparing, so a listener
shown with another listener's ID still fails.  PLAN_EXPECTED_UPDATE=1 rewrites the expected files.
"""

from __future__ import (absolute_import, division, print_function)

__metaclass__ = type

import difflib
import glob
import json
import os
import re
import sys
from urllib.request import Request, urlopen

HERE = os.path.dirname(os.path.abspath(__file__))
EXPECTED = os.path.join(HERE, "expected")
SECRETS = ("emulator-secret-key",)
GA_WRITES = ("CreateListener", "UpdateListener", "DeleteListener", "DeleteEndpointGroup")


def fail(message):
    sys.exit("check_plan.py: " + message)


def integration_vars():
    with open(os.environ["INTEGRATION_VARS"], encoding="utf-8") as handle:
        return json.load(handle)


def emulator(url, method="GET"):
    with urlopen(Request(url, method=method), timeout=10) as response:  # nosec: the local emulators
        body = response.read()
    return json.loads(body) if body else None


def listener_names(outdir):
    """``{listener ARN: "host PROTOCOL ports"}`` for every GA listener the phases so far recorded."""
    names = {}
    for path in sorted(glob.glob(os.path.join(outdir, "*.json"))):
        with open(path, encoding="utf-8") as handle:
            report = json.load(handle)
        for host in report["hosts"]:
            for item in host["listeners"]:
                if item["resource"] == "ga_listener" and item["id"] and item["key"]:
                    ports = ",".join(str(part["from_port"]) for part in item["key"]["port_ranges"])
                    names[item["id"]] = "%s %s %s" % (host["name"], item["key"]["protocol"], ports)
    return names


def mask(text, names):
    for arn, name in sorted(names.items(), key=lambda pair: -len(pair[0])):
        text = text.replace(arn, arn.split("/listener/")[0] + "/listener/<%s>" % name)
        text = text.replace("listener/" + arn.split("/listener/")[1], "listener/<%s>" % name)
    text = re.sub(r'"request_id": "[^"]+"', '"request_id": "<request id>"', text)
    if re.search(r"listener/[0-9a-f]{8}\b", text):
        fail("a GA listener ID that no phase recorded:\n" + text)
    return text


def printed_plan(log):
    """The plan the callback printed: from its banner (after the recap) to its totals line, which ends the output."""
    lines = log.rstrip("\n").splitlines()
    starts = [index for index, line in enumerate(lines) if re.match(r"^LISTENER (PLAN|CHANGES) \(", line)]
    if len(starts) != 1:
        fail("expected one plan banner in the output, found %d:\n%s" % (len(starts), log[-5000:]))
    if "PLAY RECAP" not in "\n".join(lines[:starts[0]]):
        fail("the plan is not printed after the play recap:\n" + log[-5000:])
    if not re.match(r"^(Plan|Applied): ", lines[-1]):
        fail("the output does not end with the plan's totals line:\n" + log[-5000:])
    plan = lines[starts[0]:]
    plan[0] = re.sub(r" \*+$", "", plan[0])
    return "\n".join(plan) + "\n"


def compare(name, actual):
    path = os.path.join(EXPECTED, name)
    if os.environ.get("PLAN_EXPECTED_UPDATE"):
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(actual)
        return
    with open(path, encoding="utf-8") as handle:
        expected = handle.read()
    if actual != expected:
        diff = difflib.unified_diff(expected.splitlines(True), actual.splitlines(True), "expected/" + name, "actual")
        fail("%s differs:\n%s" % (name, "".join(diff)))


def check_phase(phase, outdir):
    with open(os.path.join(outdir, phase + ".log"), encoding="utf-8") as handle:
        log = handle.read()
    names = listener_names(outdir)
    compare(phase + ".txt", mask(printed_plan(log), names))
    texts = [log]
    for suffix in ("json", "md"):
        path = os.path.join(outdir, "%s.%s" % (phase, suffix))
        if os.path.exists(path):
            with open(path, encoding="utf-8") as handle:
                text = handle.read()
            if suffix == "json":
                json.loads(text)
            compare("%s.%s" % (phase, suffix), mask(text, names))
            texts.append(text)
    for text in texts:
        for secret in SECRETS:
            if secret in text:
                fail("a credential of the modules' arguments reached the output of phase %s" % phase)
    print("check_plan.py: %s: the printed plan and its files are as expected" % phase)


def check_quiet(outdir):
    with open(os.path.join(outdir, "quiet.log"), encoding="utf-8") as handle:
        log = handle.read()
    if "LISTENER" in log or "Plan:" in log:
        fail("a run without the collection's modules printed a plan:\n" + log)
    with open(os.path.join(outdir, "quiet.json"), encoding="utf-8") as handle:
        report = json.load(handle)
    empty = {"create": 0, "update": 0, "delete": 0, "none": 0, "undeclared": 0, "failed": 0}
    in_sync = {"status": "in_sync", "changes": 0, "undeclared": 0, "failed": 0}
    if report != {"schema_version": 1, "collection": "multicloud.listeners", "mode": "apply", "totals": empty,
                  "drift": in_sync, "hosts": []}:
        fail("quiet.json is not an empty plan: %s" % report)
    print("check_plan.py: quiet: nothing printed, an empty plan written")


def check_no_writes():
    variables = integration_vars()
    ga_calls = emulator(variables["emulator_ga_admin_url"] + "/_emulator/calls")["calls"]
    nlb_calls = emulator(variables["emulator_nlb_admin_url"] + "/_emulator/calls")["calls"]
    writes = [call["operation"] for call in ga_calls if call["operation"] in GA_WRITES]
    writes += [call["operation"] for call in nlb_calls if call["operation"] == "UpdateListenerAttribute" and not call["dry_run"]]
    if writes:
        fail("the check-mode run wrote: %s" % ", ".join(writes))
    dry_runs = [call for call in nlb_calls if call["operation"] == "UpdateListenerAttribute"]
    if len(dry_runs) != 3:
        fail("expected 3 NLB DryRun previews, got %d" % len(dry_runs))
    print("check_plan.py: no write reached the emulators; %d DryRun previews" % len(dry_runs))


def reset_calls():
    variables = integration_vars()
    for url in (variables["emulator_ga_admin_url"], variables["emulator_nlb_admin_url"]):
        emulator(url + "/_emulator/calls", method="DELETE")


def main(argv):
    if argv[1:] == ["reset-calls"]:
        reset_calls()
    elif argv[1:] == ["no-writes"]:
        check_no_writes()
    elif len(argv) == 3 and argv[1] == "quiet":
        check_quiet(argv[2])
    elif len(argv) == 3:
        check_phase(argv[1], argv[2])
    else:
        fail("usage: check_plan.py PHASE OUTDIR | reset-calls | no-writes")


if __name__ == "__main__":
    main(sys.argv)
