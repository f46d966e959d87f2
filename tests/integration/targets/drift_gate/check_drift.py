# -*- coding: utf-8 -*-
# Copyright (c) multicloud.listeners contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Assertions of runme.sh on one phase of the drift check.

    python check_drift.py wrapper PHASE RC OUTDIR   tools/drift_check.py exited RC; PHASE.json, PHASE.md, PHASE.log
    python check_drift.py gate PHASE RC OUTDIR      gate.yml exited RC; PHASE.gate.json (the json stdout callback)
"""

from __future__ import (absolute_import, division, print_function)

__metaclass__ = type

import json
import os
import sys

ACC = "arn:aws:globalaccelerator::123456789012:accelerator/5f0e4c1a-0000-4a5b-8c3d-000000000008"
GA_WEB = "ga_listener TCP 80,443 on accelerator/5f0e4c1a-0000-4a5b-8c3d-000000000008 named env-prod"
GA_9000 = "ga_listener TCP 9000 on accelerator/5f0e4c1a-0000-4a5b-8c3d-000000000008 named env-prod"
NLB_80 = "nlb_listener TCP:80 on nlb-prd00000000000001 (lsn-prd00000000000001@80)"
NLB_8443 = "nlb_listener TCP:8443 on nlb-prd00000000000001"
NLB_443 = "nlb_listener TCPSSL:443 on nlb-prd00000000000001 (lsn-prd00000000000001@443)"
# A registered result carries no module arguments, so the gate's lines name the accelerator by its ID only
GATE_GA_WEB = "ga_listener TCP 80,443 on accelerator/5f0e4c1a-0000-4a5b-8c3d-000000000008 (listener/"
GATE_GA_9000 = "ga_listener TCP 9000 on accelerator/5f0e4c1a-0000-4a5b-8c3d-000000000008 (listener/"
SECRETS = ("emulator-secret-key",)


def summary(status, changes=0, undeclared=0, failed=0):
    return {"status": status, "changes": changes, "undeclared": undeclared, "failed": failed}


# What each phase shows: the exit status, the JSON drift object, the records that are not in sync
# (resource, action, failed, changes; an undeclared record: its key's port), and what the Markdown and the
# printed plan must name.
WRAPPER = {
    "in_sync": {
        "exit": 0, "drift": summary("in_sync"), "records": [],
        "markdown": ["### prod\n\n3 unchanged.\n\nNo changes."],
        "log": ["prod (3 unchanged): no changes", "Plan: 0 to add, 0 to change, 0 to destroy, 3 unchanged, 0 failed.",
                "drift_check: in sync: 0 changes, 0 undeclared, 0 failed (exit 0;"],
    },
    "drifted": {
        "exit": 2, "drift": summary("drift", changes=2),
        "records": [("ga_listener", "update", False, {"client_affinity": {"before": "SOURCE_IP", "after": "NONE"}}),
                    ("nlb_listener", "update", False, {"idle_timeout": {"before": 60, "after": 900}})],
        "markdown": ["| update | `%s" % GA_WEB, "`client_affinity`: `SOURCE_IP` -> `NONE`",
                     "| update | `%s` | `idle_timeout`: `60` -> `900` |" % NLB_80],
        "log": ["  ~ update    %s (listener/" % GA_WEB, "client_affinity: SOURCE_IP -> NONE",
                "  ~ update    %s: idle_timeout: 60 -> 900" % NLB_80,
                "Plan: 0 to add, 2 to change, 0 to destroy, 1 unchanged, 0 failed.",
                "drift_check: drift: 2 changes, 0 undeclared, 0 failed (exit 2;"],
    },
    "undeclared": {
        "exit": 2, "drift": summary("drift", undeclared=2),
        "records": [("ga_listener", "undeclared", False, 9000), ("nlb_listener", "undeclared", False, 8443)],
        "markdown": ["| undeclared | `%s (listener/" % GA_9000, "| undeclared | `%s (lsn-" % NLB_8443, "| not declared, kept |",
                     "**Plan: 0 to add, 0 to change, 0 to destroy, 3 unchanged, 2 undeclared, 0 failed.**"],
        "log": ["prod (3 unchanged, 2 undeclared):", "  ?           %s (listener/" % GA_9000, "): not declared, kept",
                "  ?           %s (lsn-" % NLB_8443,
                "Plan: 0 to add, 0 to change, 0 to destroy, 3 unchanged, 2 undeclared, 0 failed.",
                "drift_check: drift: 0 changes, 2 undeclared, 0 failed (exit 2;"],
    },
    "refused": {
        "exit": 1, "drift": summary("failed", undeclared=2, failed=1),
        "records": [("ga_listener", "undeclared", False, 9000), ("nlb_listener", "update", True,
                                                                 {"server_group_id": {"before": "sgp-prd00000000000002",
                                                                                      "after": "sgp-tcpudp00000000001"}}),
                    ("nlb_listener", "undeclared", False, 8443)],
        "markdown": ["| **failed** update | `%s` |" % NLB_443, "Mismatch.Protocol"],
        "log": ["  ! failed    %s: update server_group_id: sgp-prd00000000000002 -> sgp-tcpudp00000000001; "
                "error Mismatch.Protocol" % NLB_443,
                "drift_check: the preview failed: ansible-playbook exited with 2; plan so far: 0 changes, 2 undeclared, 1 failed "
                "(exit 1;"],
    },
}

GATE = {
    "in_sync": {"rc": 0, "status": "in_sync", "counts": (0, 0, 0), "lines": [], "failure": None},
    "drifted": {"rc": 2, "status": "drift", "counts": (2, 0, 0), "lines": ["prod: ~ update    " + GATE_GA_WEB, "prod: ~ update    " + NLB_80],
                "failure": "Drift: 2 change(s), 0 undeclared listener(s): prod: ~ update    " + GATE_GA_WEB},
    "undeclared": {"rc": 2, "status": "drift", "counts": (0, 2, 0), "lines": ["prod: ?           " + GATE_GA_9000, "prod: ?           " + NLB_8443],
                   "failure": "Drift: 0 change(s), 2 undeclared listener(s): prod: ?           " + GATE_GA_9000},
    "undeclared_report": {"rc": 0, "status": "drift", "counts": (0, 2, 0),
                          "lines": ["prod: ?           " + GATE_GA_9000, "prod: ?           " + NLB_8443], "failure": None},
}


def fail(message):
    sys.exit("check_drift.py: " + message)


def read(path):
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def record_view(item):
    if item["action"] == "undeclared":
        port = item["key"].get("port") or item["key"]["port_ranges"][0]["from_port"]
        if item["changes"] != {} or not item["id"]:
            fail("an undeclared record has changes or no ID: %s" % item)
        return (item["resource"], item["action"], item["failed"], port)
    return (item["resource"], item["action"], item["failed"], item["changes"])


def check_wrapper(phase, rc, outdir):
    expected = WRAPPER[phase]
    log = read(os.path.join(outdir, phase + ".log"))
    if rc != expected["exit"]:
        fail("%s: drift_check.py exited %d, expected %d:\n%s" % (phase, rc, expected["exit"], log[-4000:]))
    report = json.loads(read(os.path.join(outdir, phase + ".json")))
    if report["drift"] != expected["drift"]:
        fail("%s: drift object %s, expected %s" % (phase, report["drift"], expected["drift"]))
    records = [record_view(item) for host in report["hosts"] for item in host["listeners"]
               if item["action"] != "none" or item["failed"]]
    if records != expected["records"]:
        fail("%s: records %s, expected %s" % (phase, records, expected["records"]))
    if report["totals"]["undeclared"] != expected["drift"]["undeclared"]:
        fail("%s: totals.undeclared is %s" % (phase, report["totals"]["undeclared"]))
    markdown = read(os.path.join(outdir, phase + ".md"))
    for text, name in ((markdown, "Markdown"), (log, "output")):
        for wanted in expected["markdown" if name == "Markdown" else "log"]:
            if wanted not in text:
                fail("%s: the %s does not say %r:\n%s" % (phase, name, wanted, text[-4000:]))
        for secret in SECRETS:
            if secret in text:
                fail("%s: a credential reached the %s" % (phase, name))
    last = log.rstrip("\n").splitlines()[-1]
    if not last.startswith("drift_check: "):
        fail("%s: the verdict is not the last line: %r" % (phase, last))
    print("check_drift.py: %s: exit %d, %s" % (phase, rc, report["drift"]))


def gate_failure(output):
    for play in output["plays"]:
        for task in play["tasks"]:
            for host, result in task["hosts"].items():
                if result.get("failed") and not result.get("ignore_errors"):
                    return task["task"]["name"], host, result.get("msg"), json.dumps(result)
    return None


def check_gate(phase, rc, outdir):
    output = json.loads(read(os.path.join(outdir, phase + ".gate.json")))
    failure = gate_failure(output)
    stats = output.get("global_custom_stats") or {}
    if phase == "refused":
        # every environment host failed its preview: Ansible ends the playbook before the gate
        if rc != 2 or failure is None or not failure[0].endswith("Converge the listeners of each load balancer"):
            fail("refused: expected the NLB preview task to fail the run (exit 2), got exit %d, failure %s" % (rc, failure))
        if "Mismatch.Protocol" not in failure[3] or "multicloud_listeners_drift" in stats:
            fail("refused: %s; artifacts %s" % (failure[:3], stats))
        print("check_drift.py: refused: the preview's own task failed the run, no gate artifact")
        return
    expected = GATE[phase]
    if rc != expected["rc"]:
        fail("%s: the gate run exited %d, expected %d (failure: %s)" % (phase, rc, expected["rc"], failure))
    drift = stats.get("multicloud_listeners_drift")
    if not isinstance(drift, dict):
        fail("%s: no multicloud_listeners_drift artifact in %s" % (phase, stats))
    if (drift["status"], (drift["changes"], drift["undeclared"], drift["failed"])) != (expected["status"], expected["counts"]):
        fail("%s: artifact %s, expected %s %s" % (phase, drift, expected["status"], expected["counts"]))
    if len(drift["lines"]) != len(expected["lines"]) or not all(
            line.startswith(start) for line, start in zip(drift["lines"], expected["lines"])):
        fail("%s: artifact lines %s, expected lines starting %s" % (phase, drift["lines"], expected["lines"]))
    if expected["failure"] is None:
        if failure is not None:
            fail("%s: the gate failed: %s" % (phase, failure))
    elif failure is None or not failure[0].endswith(": Fail on drift") or not str(failure[2]).startswith(expected["failure"]):
        fail("%s: expected the gate to fail with %r, got %s" % (phase, expected["failure"], failure))
    print("check_drift.py: gate %s: exit %d, artifact %s" % (phase, rc, dict((k, drift[k]) for k in ("status", "changes", "undeclared", "failed"))))


def main(argv):
    if len(argv) != 5 or argv[1] not in ("wrapper", "gate"):
        fail("usage: check_drift.py wrapper|gate PHASE RC OUTDIR")
    (check_wrapper if argv[1] == "wrapper" else check_gate)(argv[2], int(argv[3]), argv[4])


if __name__ == "__main__":
    main(sys.argv)
