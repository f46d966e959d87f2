# -*- coding: utf-8 -*-
# Copyright (c) multicloud.listeners contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""tests/bench/report.py: the NLB set against GA set lines, with the jobs' share and the floor of a change."""

import os
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "bench"))

import report  # noqa: E402  pylint: disable=wrong-import-position


def run(task, mode, size, seconds, job_seconds=None):
    return {"task": task, "mode": mode, "size": size, "seconds": seconds, "job_seconds": job_seconds,
            "reads": 1, "writes": 0, "dry_runs": 0}


def summary(*runs):
    return report.Summary({"runs": list(runs), "sdk": []})


def test_change_line_gives_the_jobs_share_and_the_floor_of_one_task_after_another():
    lines = report.set_ratio_lines(summary(
        run("ga_accelerator_listeners", "change", 100, 10.0),
        run("nlb_load_balancer_listeners", "change", 100, 24.0, job_seconds=1.0),
        run("nlb_load_balancer_listeners", "noop", 100, 12.0),
        run("ga_accelerator_listeners", "noop", 100, 10.0),
    ))
    assert lines[0].startswith("- `nlb_load_balancer_listeners` no-op, 100 listeners: 0.120 s per listener, 1.20 x")
    assert lines[0].endswith("**met**")
    change = lines[1]
    assert "0.240 s per listener, 2.40 x `ga_accelerator_listeners`'s 0.100 (target <= 1.2): **not met**" in change
    # 10 load balancers, one after the other, each waiting 1 s: 0.1 s per listener; without it 0.14 / 0.1
    assert "at least 0.100 s per listener is the NLB jobs themselves: 10 load balancers" in change
    assert "without it, 1.40 x" in change
    # the floor: the no-op of the same size (0.12) plus the waits (0.1) is 0.22 s per listener, 2.2 x GA's change
    assert change.endswith("its floor, this run's no-op of the same size plus those waits, is 0.220 s per listener, "
                           "already 2.20 x")


@pytest.mark.parametrize("missing", ["noop", "job"])
def test_change_line_without_the_no_op_or_the_job_has_no_floor(missing):
    runs = [run("ga_accelerator_listeners", "change", 55, 5.5),
            run("nlb_load_balancer_listeners", "change", 55, 6.0, job_seconds=None if missing == "job" else 1.0)]
    if missing != "noop":
        runs.append(run("nlb_load_balancer_listeners", "noop", 55, 5.0))
    lines = report.set_ratio_lines(summary(*runs))
    change = [line for line in lines if " change, " in line]
    assert len(change) == 1 and "floor" not in change[0]
