# -*- coding: utf-8 -*-
# Copyright (c) multicloud.listeners contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Turn the benchmark's raw measurements into medians, ratios, target checks and Markdown."""

from __future__ import annotations

import statistics

import seeds

MODULES = {"ga": "ga_listener", "nlb": "nlb_listener_attribute"}  # one listener per task: the floor's shape
SET_MODULES = {"ga": "ga_accelerator_listeners", "nlb": "nlb_load_balancer_listeners"}  # one accelerator / LB per task
SDK_NAMES = {"ga": "boto3 script", "nlb": "Alibaba Cloud SDK script"}
CLI = "aws_cli"
PING = "ping"
MODE_LABELS = {"noop": "no-op", "change": "change", "check": "check mode"}
MODES = ("noop", "change", "check")
NOOP_FLOOR_RATIO = 1.2
CLI_SPEEDUP = 2.0
LINEARITY = 0.10
RSS_LIMIT_MIB = 120.0
SET_RATIO = 1.2  # NLB set per-listener time against the GA set module's, at SET_RATIO_SIZES
SET_RATIO_SIZES = (55, 100)
ONE_LOAD_BALANCER_RATIO = 3.0  # a change of 20 listeners on one load balancer against a change of 1
BEGIN = "<!-- BEGIN GENERATED RESULTS (tests/bench/bench.py) -->"
END = "<!-- END GENERATED RESULTS -->"


def _number(value, digits=2):
    text = ("%%.%df" % digits) % value
    return text.rstrip("0").rstrip(".") if "." in text else text


def calls_text(reads, writes, dry_runs, listeners):
    """API calls per listener, e.g. ``2 reads + 1 write``."""
    parts = []
    for count, word in ((reads, "read"), (writes, "write"), (dry_runs, "DryRun")):
        if count:
            per = count / float(listeners)
            parts.append("%s %s%s" % (_number(per), word, "" if per == 1 or word == "DryRun" else "s"))
    return " + ".join(parts) or "0"


def module_tasks():
    """``[(cloud, task)]`` of every module the benchmark runs, the per-listener ones first."""
    return list(MODULES.items()) + list(SET_MODULES.items())


class Summary:
    """Medians of the raw results, looked up by (task, mode, size)."""

    def __init__(self, results):
        self.results = results
        self.sizes = sorted({run["size"] for run in results["runs"]})
        self.runs = {}
        for run in results["runs"]:
            self.runs.setdefault((run["task"], run["mode"], run["size"]), []).append(run)
        self.sdk = {}
        for run in results["sdk"]:
            self.sdk.setdefault((run["cloud"], run["mode"]), []).append(run["seconds"])

    def has(self, task, mode, size):
        return (task, mode, size) in self.runs

    def seconds(self, task, mode, size):
        """Median wall time of the ansible-playbook runs."""
        return statistics.median(run["seconds"] for run in self.runs[(task, mode, size)])

    def per_listener(self, task, mode, size):
        return self.seconds(task, mode, size) / size

    def calls(self, task, mode, size):
        run = self.runs[(task, mode, size)][-1]
        return run["reads"], run["writes"], run["dry_runs"]

    def repeats(self, task, mode, size):
        return len(self.runs[(task, mode, size)])

    def sdk_seconds(self, cloud, mode):
        """Median wall time of one SDK-script process handling one listener."""
        return statistics.median(self.sdk[(cloud, mode)])

    def floor(self, cloud, mode, size):
        """Ansible's own per-listener cost at this size plus one SDK process per listener."""
        return self.per_listener(PING, "noop", size) + self.sdk_seconds(cloud, mode)

    def per_item_listener(self, task, mode, size):
        """Median seconds per listener of one loop item (Ansible's start-up is in no item); None when not recorded.

        A set module's item handles one accelerator's or load balancer's listeners (up to PER_GROUP of
        them), so its item time is divided by that many.
        """
        items = [seconds for run in self.runs.get((task, mode, size), []) for seconds in run.get("item_seconds") or []]
        if not items:
            return None
        per_item = min(size, seeds.PER_GROUP) if task in SET_MODULES.values() else 1
        return statistics.median(items) / per_item


# --- tables ---------------------------------------------------------------------------------------------------------

def _row(cells):
    return "| " + " | ".join(cells) + " |"


def results_table(summary, memory):
    header = ["task", "listeners", "s / listener", "floor s / listener", "x floor", "x CLI", "API calls / listener",
              "peak RSS MiB"]
    lines = [_row(header), _row(["---"] * 3 + ["---:"] * 3 + ["---", "---:"])]
    for size in summary.sizes:
        if summary.has(PING, "noop", size):
            lines.append(_row(["`ansible.builtin.ping` (Ansible's per-task floor)", str(size),
                               "%.3f" % summary.per_listener(PING, "noop", size), "", "", "", "0",
                               _mib(memory.get("ping/noop"))]))
    for cloud in ("ga", "nlb"):
        for mode in MODES:
            if (cloud, mode) in summary.sdk:
                lines.append(_row(["%s, %s (SDK floor)" % (SDK_NAMES[cloud], MODE_LABELS[mode]), "1 per process",
                                   "%.3f" % summary.sdk_seconds(cloud, mode), "", "", "", "",
                                   _mib(memory.get("sdk_%s/%s" % (cloud, mode)))]))
        lines.extend(_task_rows(summary, memory, cloud, MODULES[cloud]))
        if cloud in SET_MODULES:
            lines.extend(_task_rows(summary, memory, cloud, SET_MODULES[cloud]))
        if cloud == "ga":
            lines.extend(_task_rows(summary, memory, cloud, CLI))
    return "\n".join(lines)


def _task_rows(summary, memory, cloud, task):
    rows = []
    for mode in MODES:
        for size in summary.sizes:
            if not summary.has(task, mode, size):
                continue
            seconds = summary.per_listener(task, mode, size)
            floor = summary.floor(cloud, mode, size) if (cloud, mode) in summary.sdk else None
            versus_cli = ""
            if cloud == "ga" and task != CLI and summary.has(CLI, mode, size):
                versus_cli = "%.2f" % (seconds / summary.per_listener(CLI, mode, size))
            label = "`%s` %s" % (task, MODE_LABELS[mode]) if task != CLI else "AWS CLI tasks, %s" % MODE_LABELS[mode]
            job = summary.runs[(task, mode, size)][-1].get("job_seconds")
            if job and mode == "change":
                label += " (NLB jobs of %g s)" % job
            rows.append(_row([label, str(size), "%.3f" % seconds, "%.3f" % floor if floor else "",
                              "%.2f" % (seconds / floor) if floor else "", versus_cli,
                              calls_text(*summary.calls(task, mode, size), listeners=size),
                              _mib(memory.get("%s/%s" % (task, mode)))]))
    return rows


def _mib(value):
    return "%.0f" % value if value is not None else ""


# --- targets --------------------------------------------------------------------------------------------------------

def _verdict(passed):
    return "**met**" if passed else "**not met**"


def target_lines(summary, memory):
    lines = []
    for cloud in ("ga", "nlb"):
        task = MODULES[cloud]
        for size in summary.sizes:
            if summary.has(task, "noop", size) and (cloud, "noop") in summary.sdk:
                ratio = summary.per_listener(task, "noop", size) / summary.floor(cloud, "noop", size)
                lines.append("- `%s` no-op, %d listener(s): %.2f x floor (target <= %.1f): %s"
                             % (task, size, ratio, NOOP_FLOOR_RATIO, _verdict(ratio <= NOOP_FLOOR_RATIO)))
    for task in (MODULES["ga"], SET_MODULES["ga"]):
        for size in summary.sizes:
            if summary.has(task, "change", size) and summary.has(CLI, "change", size):
                speedup = summary.per_listener(CLI, "change", size) / summary.per_listener(task, "change", size)
                lines.append("- `%s` change, %d listener(s): %.2f x faster than the AWS CLI tasks (target >= %.0f): %s"
                             % (task, size, speedup, CLI_SPEEDUP, _verdict(speedup >= CLI_SPEEDUP)))
    lines.extend(set_ratio_lines(summary))
    lines.extend(_linearity_lines(summary))
    for key in sorted(memory):
        if key.split("/")[0] in [task for dummy, task in module_tasks()]:
            lines.append("- peak RSS of the `%s` process: %.0f MiB (target < %.0f): %s"
                         % (key, memory[key], RSS_LIMIT_MIB, _verdict(memory[key] < RSS_LIMIT_MIB)))
    return lines


def _linearity_lines(summary):
    """Per-listener time of one loop item at each size from 10 up: the issue's "per-listener time at 100
    within 10% of per-listener time at 10", with ansible-playbook's start-up (in no item) left out.

    The verdict compares the module's item time with the ``ping`` item time of the same size: the
    scenarios of one size run back to back (round-robin), so a machine that is slower for a few
    minutes slows both, and the ratio keeps only what grows with the number of listeners."""
    sizes = [size for size in summary.sizes if size >= 10]
    if len(sizes) < 2:
        return ["- linearity: needs two sizes from 10 listeners up (e.g. 10, 100); skipped"]
    pings = [summary.per_item_listener(PING, "noop", size) for size in sizes]
    if None in pings:
        return ["- linearity: no loop-item times recorded; skipped"]
    lines = []
    for task in [PING] + [task for dummy, task in module_tasks()]:
        for mode in MODES:
            values = [summary.per_item_listener(task, mode, size) for size in sizes]
            if None not in values:
                lines.append(_linearity_line(task, mode, sizes, values, pings))
    return lines


def _linearity_line(task, mode, sizes, values, pings):
    drift = values[-1] / values[0] - 1.0
    text = ("- linearity of `%s` %s: %s s per listener per loop item (median; %+.0f%% from %d to %d listeners"
            % (task, MODE_LABELS[mode], ", ".join("%.3f at %d" % (value, size) for value, size in zip(values, sizes)),
               100 * drift, sizes[0], sizes[-1]))
    if task == PING:
        return text + "): reference, Ansible's own loop and the machine"
    if task in SET_MODULES.values():
        return text + ("): reference, an item is one accelerator or load balancer (%d listeners), and at %d listeners "
                       "there is only one" % (seeds.PER_GROUP, sizes[0]))
    relative = (values[-1] / pings[-1]) / (values[0] / pings[0]) - 1.0
    return text + "; %+.0f%% against ping's item at the same size) (target within %.0f%%): %s" % (
        100 * relative, 100 * LINEARITY, _verdict(abs(relative) <= LINEARITY))


def load_balancers(size):
    """How many load balancers (or accelerators) hold the first ``size`` listeners: the set modules' tasks."""
    return -(-size // seeds.PER_GROUP)


def set_ratio_lines(summary):
    """The NLB set module against the GA set module, per listener, in each mode measured for both."""
    lines = []
    nlb, ga = SET_MODULES["nlb"], SET_MODULES["ga"]
    for mode in MODES:
        for size in SET_RATIO_SIZES:
            if not (summary.has(nlb, mode, size) and summary.has(ga, mode, size)):
                continue
            ratio = summary.per_listener(nlb, mode, size) / summary.per_listener(ga, mode, size)
            line = ("- `%s` %s, %d listeners: %.3f s per listener, %.2f x `%s`'s %.3f (target <= %.1f): %s"
                    % (nlb, MODE_LABELS[mode], size, summary.per_listener(nlb, mode, size), ratio, ga,
                       summary.per_listener(ga, mode, size), SET_RATIO, _verdict(ratio <= SET_RATIO)))
            job = summary.runs[(nlb, mode, size)][-1].get("job_seconds") or 0.0
            if mode == "change" and job:
                waited = load_balancers(size) * job / size
                line += (". Of it, at least %.3f s per listener is the NLB jobs themselves: %d load balancers, one "
                         "task each, one after the other, each awaiting %g s jobs (the GA runs deploy in 0 s); "
                         "without it, %.2f x" % (waited, load_balancers(size), job,
                                                 (summary.per_listener(nlb, mode, size) - waited)
                                                 / summary.per_listener(ga, mode, size)))
                if summary.has(nlb, "noop", size):
                    # A change cannot cost less than the same tasks' no-op plus each task's wait for its jobs: the
                    # tasks of a loop run one after the other, so the waits add up.
                    floor = summary.per_listener(nlb, "noop", size) + waited
                    line += ("; its floor, this run's no-op of the same size plus those waits, is %.3f s per listener, "
                             "already %.2f x" % (floor, floor / summary.per_listener(ga, mode, size)))
            lines.append(line)
    return lines


def one_load_balancer_lines(results):
    """The change of 20 listeners on one load balancer against the change of 1: a table and the target."""
    runs = {}
    for run in results.get("one_load_balancer", []):
        runs.setdefault(run["size"], []).append(run)
    if len(runs) < 2:
        return []
    sizes = sorted(runs)
    lines = ["One `%s` task, a change of N listeners of one load balancer (NLB jobs of %g s, median of %d runs):"
             % (SET_MODULES["nlb"], runs[sizes[0]][-1].get("job_seconds", 0.0), len(runs[sizes[0]])), "",
             _row(["listeners changed", "seconds", "API calls (last run)"]), _row(["---:", "---:", "---"])]
    medians = {}
    for size in sizes:
        medians[size] = statistics.median(run["seconds"] for run in runs[size])
        counts = runs[size][-1].get("calls") or {}
        lines.append(_row([str(size), "%.2f" % medians[size],
                           ", ".join("%d %s" % (count, name.split(":", 1)[1]) for name, count in sorted(counts.items()))]))
    ratio = medians[sizes[-1]] / medians[sizes[0]]
    verdict = _verdict(ratio < ONE_LOAD_BALANCER_RATIO)
    lines += ["", "- a change of %d listeners on one load balancer: %.2f s, %.2f x the change of %d (%.2f s) "
                  "(target < %.0f x): %s" % (sizes[-1], medians[sizes[-1]], ratio, sizes[0], medians[sizes[0]],
                                             ONE_LOAD_BALANCER_RATIO, verdict)]
    return lines


def batch_lines(results):
    """The SDK scripts handling every listener in one process: what the per-task process model costs."""
    return ["- %s, %s, %d listeners in one process: %.3f s per listener"
            % (SDK_NAMES[run["cloud"]], MODE_LABELS[run["mode"]], run["size"], run["seconds"] / run["size"])
            for run in results.get("sdk_batch", [])]


# --- import profile and machine -------------------------------------------------------------------------------------

def import_lines(imports, top=8):
    lines = []
    for name in sorted(imports):
        profile = imports[name]
        ranked = sorted(profile["packages"].items(), key=lambda item: -item[1])[:top]
        own = profile["packages"].get("multicloud.listeners", 0.0)
        lines.append("- `%s`: %.0f ms of imports; the collection's own code %.1f ms. Largest: %s"
                     % (name, profile["total_ms"], own, ", ".join("%s %.0f" % item for item in ranked)))
    return lines


def machine_lines(machine, settings):
    keys = ("date", "cpu", "cores", "memory", "os", "python", "ansible-core", "boto3", "botocore",
            "alibabacloud-nlb20220430", "awscli", "load average before", "load average after")
    lines = ["- %s: %s" % (key, machine[key]) for key in keys if key in machine]
    lines.append("- settings: %s" % ", ".join("%s=%s" % item for item in sorted(settings.items())))
    if busy(machine):
        lines.append("- **the machine was busy during this run** (load average above half its cores): "
                     "the numbers are noisy; rerun on a quiet machine before drawing conclusions")
    return lines


def busy(machine):
    """True when the load average (1 min) before or after the run was above half the cores."""
    try:
        cores = float(machine["cores"])
        loads = [float(machine[key].split()[0]) for key in ("load average before", "load average after")]
    except (KeyError, ValueError, IndexError):
        return False
    return max(loads) > cores / 2.0


def markdown(results):
    summary = Summary(results)
    memory = results.get("memory", {})
    parts = [
        BEGIN, "",
        "### Machine and settings", "", "\n".join(machine_lines(results["machine"], results["settings"])), "",
        "### Results (medians)", "", results_table(summary, memory), "",
        "For reference, the SDK floor scripts with one process for all listeners (the SDK imported once):", "",
        "\n".join(batch_lines(results)), "",
        "### Targets", "", "\n".join(target_lines(summary, memory)), "",
        "### One load balancer, 20 listeners changed against 1", "",
        "\n".join(one_load_balancer_lines(results) or ["(not measured in this run)"]), "",
        "### Where a module's time goes (`python -X importtime`, ms, self time per package, median)", "",
        "\n".join(import_lines(results.get("imports", {}))), "",
        "![seconds per listener against the number of listeners](benchmark.png)", "",
        END,
    ]
    return "\n".join(parts)


def replace_generated(document, generated):
    """``document`` with the text between the markers replaced (appended when the markers are missing)."""
    if BEGIN in document and END in document:
        head = document.split(BEGIN, 1)[0]
        tail = document.split(END, 1)[1]
        return head + generated + tail
    return document.rstrip("\n") + "\n\n" + generated + "\n"
