# -*- coding: utf-8 -*-
# Copyright (c) multicloud.listeners contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""How the benchmark measures: wall time of a command, peak RSS of one process, and an import-time profile."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import time


class CommandFailed(RuntimeError):
    """A measured command did not exit 0; the message names its log."""


def timed_run(command, env, log_path):
    """Run ``command`` to completion; return its wall time in seconds (output goes to ``log_path``)."""
    with open(log_path, "w", encoding="utf-8") as log:
        started = time.perf_counter()
        completed = subprocess.run(command, env=env, stdout=log, stderr=subprocess.STDOUT, check=False)
        elapsed = time.perf_counter() - started
    if completed.returncode != 0:
        raise CommandFailed("%s exited %d; see %s" % (os.path.basename(command[0]), completed.returncode, log_path))
    return elapsed


def last_loop_items(path):
    """The item durations (seconds) of the last task that looped, from tests/bench/callback/bench_items.py."""
    with open(path, encoding="utf-8") as handle:
        tasks = json.load(handle)["tasks"]
    looped = [task["items"] for task in tasks if task["items"]]
    return looped[-1] if looped else []


def peak_rss_mib(command, env, log_path):
    """The maximum resident set size of the process ``command`` starts (wait4's rusage), in MiB.

    Only that process counts: a child it starts itself is not included.
    """
    with open(log_path, "w", encoding="utf-8") as log:
        process = subprocess.Popen(  # pylint: disable=consider-using-with
            command, env=env, stdout=log, stderr=subprocess.STDOUT)
        dummy, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise CommandFailed("%s exited %d; see %s" % (os.path.basename(command[0]), process.returncode, log_path))
    return usage.ru_maxrss / 1024.0  # Linux reports KiB


def parse_importtime(text):
    """``[(self_us, cumulative_us, depth, module)]`` from ``python -X importtime`` output."""
    entries = []
    for line in text.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        self_us, cumulative_us, name = line[len("import time:"):].split("|", 2)
        depth = (len(name) - len(name.lstrip(" ")) - 1) // 2
        entries.append((int(self_us), int(cumulative_us), depth, name.strip()))
    return entries


def package_of(module):
    """The group an imported module is charged to: its distribution-level package."""
    parts = module.split(".")
    if parts[0] == "ansible_collections" and len(parts) >= 3:
        return ".".join(parts[1:3])  # amazon.aws, multicloud.listeners
    return parts[0]


def import_profile(command, env, runs):
    """Median over ``runs`` of the import time per package (self times summed), in ms, plus the total."""
    samples = []
    for dummy in range(runs):
        completed = subprocess.run(command, env=dict(env, PYTHONPROFILEIMPORTTIME="1"), stdout=subprocess.DEVNULL,
                                   stderr=subprocess.PIPE, text=True, check=False)
        totals = {}
        for self_us, dummy_cumulative, dummy_depth, module in parse_importtime(completed.stderr):
            totals[package_of(module)] = totals.get(package_of(module), 0) + self_us / 1000.0
        samples.append(totals)
    packages = set().union(*samples)
    profile = {name: statistics.median(sample.get(name, 0.0) for sample in samples) for name in packages}
    total = statistics.median(sum(sample.values()) for sample in samples)
    return total, profile
