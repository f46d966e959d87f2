# -*- coding: utf-8 -*-
# Copyright (c) multicloud.listeners contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Draw seconds per listener against the number of listeners from the benchmark's results.json.

    python plot.py .cache/bench/results.json docs/benchmark.png

Runs with the bench venv's python (matplotlib); imports nothing else from the benchmark.
"""

from __future__ import annotations

import json
import statistics
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  pylint: disable=wrong-import-position

LINES = [  # (task, mode, label, style)
    ("ga_listener", "noop", "ga_listener no-op", "C0-o"),
    ("ga_listener", "change", "ga_listener change", "C0-s"),
    ("ga_listener", "check", "ga_listener check mode", "C0-^"),
    ("ga_accelerator_listeners", "noop", "ga_accelerator_listeners no-op", "C1-o"),
    ("ga_accelerator_listeners", "change", "ga_accelerator_listeners change", "C1-s"),
    ("ga_accelerator_listeners", "check", "ga_accelerator_listeners check mode", "C1-^"),
    ("aws_cli", "noop", "AWS CLI tasks no-op", "C3--o"),
    ("aws_cli", "change", "AWS CLI tasks change", "C3--s"),
    ("nlb_listener_attribute", "noop", "nlb_listener_attribute no-op", "C2-o"),
    ("nlb_listener_attribute", "change", "nlb_listener_attribute change", "C2-s"),
    ("nlb_listener_attribute", "check", "nlb_listener_attribute check mode", "C2-^"),
    ("nlb_load_balancer_listeners", "noop", "nlb_load_balancer_listeners no-op", "C4-o"),
    ("nlb_load_balancer_listeners", "change", "nlb_load_balancer_listeners change", "C4-s"),
    ("nlb_load_balancer_listeners", "check", "nlb_load_balancer_listeners check mode", "C4-^"),
    ("ping", "noop", "ping task (Ansible floor)", "k:o"),
]
FLOORS = [  # (cloud, mode, label, style): the ping row plus one SDK-script process per listener
    ("ga", "noop", "floor: ping + boto3 script, no-op", "C0:"),
    ("nlb", "noop", "floor: ping + SDK script, no-op", "C2:"),
]


def medians(results):
    """``{(task, mode): {size: seconds per listener}}`` from the raw runs."""
    samples = {}
    for run in results["runs"]:
        samples.setdefault((run["task"], run["mode"], run["size"]), []).append(run["seconds"])
    curves = {}
    for (task, mode, size), seconds in samples.items():
        curves.setdefault((task, mode), {})[size] = statistics.median(seconds) / size
    return curves


def sdk_median(results, cloud, mode):
    seconds = [run["seconds"] for run in results["sdk"] if run["cloud"] == cloud and run["mode"] == mode]
    return statistics.median(seconds) if seconds else None


def draw(results, image_path):
    curves = medians(results)
    figure, axes = plt.subplots(figsize=(9, 5.5))
    for task, mode, label, style in LINES:
        curve = curves.get((task, mode))
        jobs = {run.get("job_seconds") for run in results["runs"] if (run["task"], run["mode"]) == (task, mode)}
        if mode == "change" and len(jobs) == 1 and jobs != {None} and jobs != {0.0}:
            label += " (NLB jobs of %g s)" % jobs.pop()
        if curve:
            sizes = sorted(curve)
            axes.plot(sizes, [curve[size] for size in sizes], style, label=label)
    ping = curves.get(("ping", "noop"), {})
    for cloud, mode, label, style in FLOORS:
        sdk = sdk_median(results, cloud, mode)
        if sdk is not None and ping:
            sizes = sorted(ping)
            axes.plot(sizes, [ping[size] + sdk for size in sizes], style, label=label)
    axes.set_xscale("log")
    sizes = sorted({run["size"] for run in results["runs"]})
    axes.set_xticks(sizes, [str(size) for size in sizes])
    axes.minorticks_off()
    axes.set_xlabel("listeners managed in one playbook run (one task with a loop)")
    axes.set_ylabel("seconds per listener (wall time / listeners)")
    jobs = sorted({run.get("job_seconds") for run in results["runs"] if run.get("job_seconds")})
    waits = " (NLB set: jobs of %s s)" % "/".join("%g" % job for job in jobs) if jobs else ""
    axes.set_title("multicloud.listeners against local emulators with zero latency%s (%s)"
                   % (waits, results["machine"]["date"]))
    axes.grid(True, which="both", alpha=0.3)
    axes.set_ylim(bottom=0)
    axes.legend(fontsize="small", ncol=2)
    figure.tight_layout()
    figure.savefig(image_path, dpi=110)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    with open(argv[0], encoding="utf-8") as handle:
        results = json.load(handle)
    draw(results, argv[1])
    return 0


if __name__ == "__main__":
    sys.exit(main())
