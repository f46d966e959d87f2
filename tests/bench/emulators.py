# -*- coding: utf-8 -*-
# Copyright (c) multicloud.listeners contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The GA and NLB emulators for the benchmark: zero simulated latency, the benchmark's seeds, 127.0.0.1 only."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request

SERVE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "emulator", "serve.py")
GA_WRITES = frozenset(["CreateListener", "UpdateListener", "DeleteListener", "DeleteEndpointGroup"])
NLB_WRITES = frozenset(["UpdateListenerAttribute", "CreateListener", "DeleteListener", "StartListener",
                        "StopListener"])


class Emulators:
    """Both emulators in one subprocess; ``ga_url`` / ``nlb_url`` once started."""

    def __init__(self, workdir, ga_seed_path, nlb_seed_path):
        self.workdir = workdir
        self.command = [sys.executable, SERVE, "--ga-seed", ga_seed_path, "--nlb-seed", nlb_seed_path,
                        "--deploy-seconds", "0", "--job-seconds", "0", "--ga-port", "0", "--nlb-port", "0",
                        "--env-file", os.path.join(workdir, "emulators.env")]
        self.process = None
        self.ga_url = self.nlb_url = None

    def start(self, timeout=30.0):
        env_file = self.command[-1]
        if os.path.exists(env_file):
            os.remove(env_file)
        with open(os.path.join(self.workdir, "emulators.log"), "w", encoding="utf-8") as log:
            self.process = subprocess.Popen(  # pylint: disable=consider-using-with
                self.command, stdout=subprocess.DEVNULL, stderr=log)
        deadline = time.monotonic() + timeout
        while not os.path.exists(env_file):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the emulators did not start; see %s/emulators.log" % self.workdir)
            time.sleep(0.05)
        with open(env_file, encoding="utf-8") as handle:
            urls = dict(line.strip().split("=", 1) for line in handle if "=" in line)
        self.ga_url, self.nlb_url = urls["GA_ENDPOINT_URL"], urls["NLB_ENDPOINT_URL"]
        return self

    def stop(self):
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()

    def reset(self, job_seconds=0.0):
        """Both emulators back to their seeds, with empty call logs; NLB jobs last ``job_seconds``.

        The job duration is a setting of the NLB emulator, not of its state (a reset keeps it), so it is
        set on every reset: a scenario that asks for 1 s jobs leaves nothing behind for the next one.
        """
        for url in (self.ga_url, self.nlb_url):
            _admin(url, "reset", method="POST", body={})
        answer = _admin(self.nlb_url, "config", method="POST", body={"job_seconds": job_seconds})
        if "error" in answer or answer.get("job_seconds") != job_seconds:
            raise RuntimeError("the NLB emulator refused job_seconds=%s: %s" % (job_seconds, answer))

    def calls(self):
        """``{"ga": [...], "nlb": [...]}``: every API call since the last reset, in order."""
        return {"ga": _admin(self.ga_url, "calls")["calls"], "nlb": _admin(self.nlb_url, "calls")["calls"]}


def _admin(base_url, path, method="GET", body=None):
    data = json.dumps(body).encode("utf-8") if body is not None else None
    request = urllib.request.Request("%s/_emulator/%s" % (base_url, path), data=data, method=method,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:  # nosec: loopback emulator only
        return json.loads(response.read().decode("utf-8"))


def count_calls(calls):
    """``(reads, writes, dry_runs)`` over both emulators' call logs."""
    reads = writes = dry_runs = 0
    for cloud, writes_of_cloud in (("ga", GA_WRITES), ("nlb", NLB_WRITES)):
        for call in calls[cloud]:
            if call["operation"] not in writes_of_cloud:
                reads += 1
            elif call.get("dry_run"):
                dry_runs += 1
            else:
                writes += 1
    return reads, writes, dry_runs


def operation_counts(calls):
    """``{"cloud:Operation": count}`` over both emulators' call logs (a DryRun counted as ``Operation(DryRun)``)."""
    counts = {}
    for cloud in ("ga", "nlb"):
        for call in calls[cloud]:
            name = "%s:%s%s" % (cloud, call["operation"], "(DryRun)" if call.get("dry_run") else "")
            counts[name] = counts.get(name, 0) + 1
    return counts
