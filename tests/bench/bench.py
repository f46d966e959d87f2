# -*- coding: utf-8 -*-
# Copyright (c) multicloud.listeners contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The listener benchmark behind ``make bench``: module overhead against its floors and the CLI approach.

    python tests/bench/bench.py [--sizes 1,10,55,100] [--repeats 3] [--large-repeats 1] [--sdk-runs 10] ...

Every option also reads an environment variable (BENCH_SIZES, BENCH_REPEATS, ...; see ``--help``).  The
emulators run on 127.0.0.1 with zero simulated latency, so what is measured is the cost of Ansible, the
SDKs and the modules, not of the network.  Results go to .cache/bench/results.json, the generated part of
docs/benchmark.md and (with ``--plot-python``) docs/benchmark.png.
"""

from __future__ import annotations

import argparse
import datetime
import glob
import importlib.metadata
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass

import emulators
import measure
import report
import seeds

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PLAYBOOKS = os.path.join(HERE, "playbooks")
ANSIBLE_PLAYBOOK = os.path.join(os.path.dirname(sys.executable), "ansible-playbook")  # the venv's, beside python
CREDENTIALS = {
    "bench_aws_access_key": "AKIAEMULATOR00000000",
    "bench_aws_secret_key": "emulator-secret-key",
    "bench_alicloud_access_key": "LTAIemulator00000000",
    "bench_alicloud_secret_key": "emulator-secret-key",
}


# NLB jobs of the set module's runs last this long (the other runs: 0 s), so that awaiting the jobs of a load
# balancer's writes together, not one after the other, shows in the numbers (issue 12).
NLB_SET_JOB_SECONDS = 1.0
ONE_LOAD_BALANCER_SIZES = (1, seeds.WIDE_LISTENERS)  # a change of 1 listener, then of 20, on one load balancer


@dataclass(frozen=True)
class Scenario:
    """One playbook run shape: ``task`` (results key), its cloud, playbook and mode; ``job_seconds`` of NLB jobs."""

    task: str
    cloud: str
    playbook: str
    mode: str
    job_seconds: float = 0.0

    def command(self, vars_files):
        command = [ANSIBLE_PLAYBOOK, "-i", "localhost,", os.path.join(PLAYBOOKS, self.playbook)]
        for path in vars_files:
            command += ["-e", "@" + path]
        return command + (["--check"] if self.mode == "check" else [])


def expected_writes(cloud, mode, size):
    """``(writes, dry_runs)`` a correct run makes: a run that does less measures nothing."""
    if mode == "change":
        return size, 0
    if mode == "check" and cloud == "nlb":
        return 0, size
    return 0, 0


def scenarios(modes, large_modes, size, large_from):
    chosen = modes if size < large_from else large_modes
    found = [Scenario(report.PING, "", "ping.yml", "noop")]
    for mode in chosen:
        found.append(Scenario(report.MODULES["ga"], "ga", "ga_listener.yml", mode))
        found.append(Scenario(report.SET_MODULES["ga"], "ga", "ga_accelerator_listeners.yml", mode))
        if mode != "check":  # ansible.builtin.command does not run in check mode
            found.append(Scenario(report.CLI, "ga", "aws_cli.yml", mode))
        found.append(Scenario(report.MODULES["nlb"], "nlb", "nlb_listener_attribute.yml", mode))
        found.append(nlb_set_scenario(mode))
    return found


def nlb_set_scenario(mode):
    return Scenario(report.SET_MODULES["nlb"], "nlb", "nlb_load_balancer_listeners.yml", mode, NLB_SET_JOB_SECONDS)


# --- options --------------------------------------------------------------------------------------------------------

def _env(name, default):
    return os.environ.get(name, default)


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=_env("BENCH_SIZES", "1,10,55,100"),
                        help="listener counts, comma-separated (BENCH_SIZES; default 1,10,55,100; at most 100)")
    parser.add_argument("--repeats", type=int, default=int(_env("BENCH_REPEATS", "3")),
                        help="runs per scenario below --large-from listeners (BENCH_REPEATS; default 3)")
    parser.add_argument("--large-repeats", type=int, default=int(_env("BENCH_LARGE_REPEATS", "1")),
                        help="runs per scenario from --large-from listeners (BENCH_LARGE_REPEATS; default 1)")
    parser.add_argument("--large-from", type=int, default=int(_env("BENCH_LARGE_FROM", "50")),
                        help="the size from which --large-repeats and --large-modes apply (BENCH_LARGE_FROM)")
    parser.add_argument("--modes", default=_env("BENCH_MODES", "noop,change,check"),
                        help="modes below --large-from (BENCH_MODES; default noop,change,check)")
    parser.add_argument("--large-modes", default=_env("BENCH_LARGE_MODES", "noop,change"),
                        help="modes from --large-from (BENCH_LARGE_MODES; default noop,change)")
    parser.add_argument("--tasks", default=_env("BENCH_TASKS", ""),
                        help="only these tasks, comma-separated, e.g. ping,ga_accelerator_listeners,"
                             "nlb_load_balancer_listeners (BENCH_TASKS; default every task)")
    parser.add_argument("--sdk-runs", type=int, default=int(_env("BENCH_SDK_RUNS", "10")),
                        help="single-listener SDK-script processes per mode (BENCH_SDK_RUNS; default 10)")
    parser.add_argument("--import-runs", type=int, default=int(_env("BENCH_IMPORT_RUNS", "3")),
                        help="python -X importtime runs per module (BENCH_IMPORT_RUNS; default 3)")
    parser.add_argument("--aws-cli", default=_env("BENCH_AWS_CLI", ""),
                        help="the aws executable (BENCH_AWS_CLI); without it the CLI approach is skipped")
    parser.add_argument("--plot-python", default=_env("BENCH_PLOT_PYTHON", ""),
                        help="a python with matplotlib for docs/benchmark.png (BENCH_PLOT_PYTHON)")
    parser.add_argument("--workdir", default=os.path.join(ROOT, ".cache", "bench"))
    parser.add_argument("--doc", default=os.path.join(ROOT, "docs", "benchmark.md"),
                        help="the Markdown file whose generated section is rewritten ('' to skip)")
    parser.add_argument("--report-only", action="store_true",
                        help="measure nothing: write the report, the Markdown and the plot again from the last run's "
                             "results (WORKDIR/results.json)")
    args = parser.parse_args(argv)
    args.sizes = sorted({int(size) for size in args.sizes.split(",") if size.strip()})
    args.modes = [mode for mode in args.modes.split(",") if mode]
    args.large_modes = [mode for mode in args.large_modes.split(",") if mode]
    args.tasks = [task for task in args.tasks.split(",") if task]
    known = [report.PING, report.CLI] + [task for dummy, task in report.module_tasks()]
    unknown = [task for task in args.tasks if task not in known]
    if unknown:
        parser.error("--tasks: unknown %s; known: %s" % (", ".join(unknown), ", ".join(known)))
    return args


def wanted(args, task):
    return not args.tasks or task in args.tasks


def settings_of(args):
    return {"sizes": "/".join(str(size) for size in args.sizes), "repeats": args.repeats,
            "large_repeats": args.large_repeats, "large_from": args.large_from, "modes": "/".join(args.modes),
            "large_modes": "/".join(args.large_modes), "sdk_runs": args.sdk_runs, "import_runs": args.import_runs,
            "tasks": "/".join(args.tasks) or "all", "nlb_set_job_seconds": NLB_SET_JOB_SECONDS}


# --- the benchmark --------------------------------------------------------------------------------------------------

class Bench:
    """One benchmark session: the emulators, the generated files and the raw results."""

    def __init__(self, args, emulator_pair):
        self.args = args
        self.emulators = emulator_pair
        self.workdir = args.workdir
        self.logs = os.path.join(self.workdir, "logs")
        os.makedirs(self.logs, exist_ok=True)
        self.env = child_environment(os.path.join(self.workdir, "remote-tmp"))
        self.connection = seeds.write_json(os.path.join(self.workdir, "connection.json"), dict(
            CREDENTIALS, bench_ga_endpoint_url=emulator_pair.ga_url, bench_nlb_endpoint_url=emulator_pair.nlb_url,
            bench_aws_cli=args.aws_cli or "aws"))
        self.results = {"runs": [], "sdk": [], "sdk_batch": [], "memory": {}, "imports": {}, "one_load_balancer": []}

    def listeners_file(self, size, mode="noop", wide=False):
        path = os.path.join(self.workdir, "listeners-%d-%s%s.json" % (size, mode, "-wide" if wide else ""))
        listeners = seeds.wide_listener_set(size) if wide else seeds.listener_set(size)
        return seeds.write_json(path, {"bench_listeners": listeners, "bench_mode": mode})

    def log_path(self, name):
        return os.path.join(self.logs, name + ".log")

    # --- playbook runs ---

    def run_playbook(self, scenario, size, wide=False):
        self.emulators.reset(scenario.job_seconds)
        vars_files = [self.connection, self.listeners_file(size, scenario.mode, wide)]
        log = self.log_path("%s-%s-%d%s" % (scenario.task, scenario.mode, size, "-wide" if wide else ""))
        items_file = os.path.join(self.workdir, "items.json")
        if os.path.exists(items_file):
            os.remove(items_file)
        env = dict(self.env, ANSIBLE_CALLBACK_PLUGINS=os.path.join(HERE, "callback"), ANSIBLE_CALLBACKS_ENABLED="bench_items",
                   BENCH_ITEMS_FILE=items_file)
        seconds = measure.timed_run(scenario.command(vars_files), env, log)
        calls = self.checked_calls(scenario.task, scenario.cloud, scenario.mode, size, log)
        return dict(calls, task=scenario.task, mode=scenario.mode, size=size, seconds=seconds,
                    item_seconds=measure.last_loop_items(items_file), job_seconds=scenario.job_seconds,
                    calls=emulators.operation_counts(self.emulators.calls()))

    def checked_calls(self, task, cloud, mode, size, log):
        """The calls of the run that just ended, as counts; fail when its writes are not what it measures."""
        reads, writes, dry_runs = emulators.count_calls(self.emulators.calls())
        if (writes, dry_runs) != expected_writes(cloud, mode, size):
            raise RuntimeError("%s %s with %d listeners made %d writes and %d DryRuns, expected %s; see %s"
                               % (task, mode, size, writes, dry_runs, expected_writes(cloud, mode, size), log))
        return {"reads": reads, "writes": writes, "dry_runs": dry_runs}

    def playbook_plan(self):
        """``[(repetition, size, scenario)]``, repetitions outermost so that drift spreads over every scenario."""
        plan = []
        largest = max(self.args.repeats, self.args.large_repeats)
        for repetition in range(largest):
            for size in self.args.sizes:
                large = size >= self.args.large_from
                if repetition >= (self.args.large_repeats if large else self.args.repeats):
                    continue
                for scenario in scenarios(self.args.modes, self.args.large_modes, size, self.args.large_from):
                    if (scenario.task != report.CLI or self.args.aws_cli) and wanted(self.args, scenario.task):
                        plan.append((repetition, size, scenario))
        return plan

    def run_playbooks(self):
        plan = self.playbook_plan()
        warmed = set()
        started = time.perf_counter()
        for index, (repetition, size, scenario) in enumerate(plan, 1):
            if scenario.playbook not in warmed:  # first run of a playbook: compile caches, not measured
                self.run_playbook(scenario, 1)
                warmed.add(scenario.playbook)
            run = self.run_playbook(scenario, size)
            self.results["runs"].append(run)
            progress("[%d/%d] %-24s %-6s %3d listeners, run %d: %6.2f s (%.3f s/listener; %.0f s so far)"
                     % (index, len(plan), scenario.task, scenario.mode, size, repetition + 1, run["seconds"],
                        run["seconds"] / size, time.perf_counter() - started))

    def run_one_load_balancer(self):
        """A change of 1 listener, then of 20, on one load balancer (WIDE_ID), round-robin over --repeats."""
        if not wanted(self.args, report.SET_MODULES["nlb"]):
            return
        scenario = nlb_set_scenario("change")
        started = time.perf_counter()
        for repetition in range(self.args.repeats):
            for size in ONE_LOAD_BALANCER_SIZES:
                run = self.run_playbook(scenario, size, wide=True)
                self.results["one_load_balancer"].append(run)
                progress("one load balancer: %s change of %2d listener(s), run %d: %6.2f s (%.0f s so far)"
                         % (scenario.task, size, repetition + 1, run["seconds"], time.perf_counter() - started))

    # --- the SDK floor ---

    def sdk_command(self, cloud, mode, listeners_path):
        script = os.path.join(HERE, "sdk_%s.py" % cloud)
        url = self.emulators.ga_url if cloud == "ga" else self.emulators.nlb_url
        return [sys.executable, script, "--endpoint-url", url, "--mode", mode, listeners_path]

    def sdk_listeners(self, size, first=0):
        listeners = seeds.listener_set(seeds.GROUPS * seeds.PER_GROUP)
        chosen = [listeners[(first + index) % len(listeners)] for index in range(size)]
        path = os.path.join(self.workdir, "sdk-%d-%d.json" % (size, first))
        return seeds.write_json(path, chosen)

    def run_sdk(self, cloud, mode, size, first=0):
        self.emulators.reset()
        log = self.log_path("sdk-%s-%s-%d" % (cloud, mode, size))
        seconds = measure.timed_run(self.sdk_command(cloud, mode, self.sdk_listeners(size, first)), self.env, log)
        calls = self.checked_calls("sdk_%s.py" % cloud, cloud, mode, size, log)
        return dict(calls, cloud=cloud, mode=mode, size=size, seconds=seconds)

    def run_sdk_floor(self):
        clouds = set(cloud for cloud, task in report.module_tasks() if wanted(self.args, task))
        for cloud in [cloud for cloud in ("ga", "nlb") if cloud in clouds]:
            for mode in report.MODES:
                self.run_sdk(cloud, mode, 1)  # warm-up
                for index in range(self.args.sdk_runs):
                    self.results["sdk"].append(self.run_sdk(cloud, mode, 1, first=index * 7))
                batch = self.run_sdk(cloud, mode, max(self.args.sizes))
                self.results["sdk_batch"].append(batch)
                single = statistics.median(run["seconds"] for run in self.results["sdk"]
                                           if (run["cloud"], run["mode"]) == (cloud, mode))
                progress("SDK floor %-3s %-6s: %.3f s per process (one listener); %d listeners in one process: "
                         "%.3f s/listener" % (cloud, mode, single, batch["size"], batch["seconds"] / batch["size"]))

    # --- the module processes themselves ---

    def capture_payloads(self):
        """``{(task, mode): AnsiballZ file}``: one kept payload per module and mode, exactly as Ansible runs it.

        Running such a file again starts the module process Ansible starts (module_utils imported from the
        payload's zip), so its memory and imports are the real ones.
        """
        payloads = {}
        chosen = [Scenario(report.PING, "", "ping.yml", "noop")]
        chosen += [Scenario(task, cloud, task + ".yml", mode) for cloud, task in report.module_tasks()
                   for mode in report.MODES if wanted(self.args, task)]
        for scenario in chosen:
            keep = os.path.join(self.workdir, "payloads", "%s-%s" % (scenario.task, scenario.mode))
            shutil.rmtree(keep, ignore_errors=True)
            env = dict(self.env, ANSIBLE_KEEP_REMOTE_FILES="1", ANSIBLE_REMOTE_TMP=keep)
            self.emulators.reset()
            measure.timed_run(scenario.command([self.connection, self.listeners_file(1, scenario.mode)]), env,
                              self.log_path("payload-%s-%s" % (scenario.task, scenario.mode)))
            found = glob.glob(os.path.join(keep, "*", "AnsiballZ_*.py"))
            if len(found) != 1:
                raise RuntimeError("expected one AnsiballZ file under %s, found %d" % (keep, len(found)))
            payloads[(scenario.task, scenario.mode)] = found[0]
        return payloads

    def measure_memory(self, payloads):
        memory = self.results["memory"]
        for (task, mode), payload in sorted(payloads.items()):
            self.emulators.reset()
            memory["%s/%s" % (task, mode)] = measure.peak_rss_mib(
                [sys.executable, payload], self.env, self.log_path("rss-%s-%s" % (task, mode)))
        for cloud in sorted(set(cloud for cloud, task in report.module_tasks() if wanted(self.args, task))):
            for mode in report.MODES:
                self.emulators.reset()
                memory["sdk_%s/%s" % (cloud, mode)] = measure.peak_rss_mib(
                    self.sdk_command(cloud, mode, self.sdk_listeners(1)), self.env, self.log_path("rss-sdk"))
        if self.args.aws_cli and wanted(self.args, report.CLI):
            self.emulators.reset()
            for mode in ("noop", "change"):
                memory["%s/%s" % (report.CLI, mode)] = measure.peak_rss_mib(
                    aws_cli_command(self.args.aws_cli, self.emulators.ga_url, mode), self.env,
                    self.log_path("rss-aws-cli"))
        progress("peak RSS (MiB): " + ", ".join("%s %.0f" % item for item in sorted(memory.items())))

    def profile_imports(self, payloads):
        commands = {task: [sys.executable, payloads[(task, "noop")]]
                    for task in [report.PING] + [task for dummy, task in report.module_tasks()]
                    if (task, "noop") in payloads}
        commands.update({"sdk_%s.py" % cloud: self.sdk_command(cloud, "noop", self.sdk_listeners(1))
                         for cloud, task in report.module_tasks() if wanted(self.args, task)})
        for name, command in commands.items():
            total, packages = measure.import_profile(command, self.env, self.args.import_runs)
            self.results["imports"][name] = {"total_ms": total, "packages": packages}
        progress("import profile:\n" + "\n".join(report.import_lines(self.results["imports"])))


def aws_cli_command(aws_cli, ga_url, mode):
    listener = seeds.listener_set(1)[0]
    common = ["--endpoint-url", ga_url, "--region", "us-west-2", "--output", "json"]
    if mode == "change":
        return [aws_cli, "globalaccelerator", "update-listener", "--listener-arn", listener["listener_arn"],
                "--client-affinity", "SOURCE_IP"] + common
    return [aws_cli, "globalaccelerator", "list-listeners", "--accelerator-arn", listener["accelerator_arn"],
            "--max-results", "100"] + common


def child_environment(remote_tmp):
    """The environment of every measured process: emulator credentials, nothing read from the user's home,
    and Ansible's module temporary files inside the work directory."""
    return dict(os.environ, ANSIBLE_REMOTE_TMP=remote_tmp, AWS_ACCESS_KEY_ID=CREDENTIALS["bench_aws_access_key"],
                AWS_SECRET_ACCESS_KEY=CREDENTIALS["bench_aws_secret_key"], AWS_CONFIG_FILE=os.devnull,
                AWS_SHARED_CREDENTIALS_FILE=os.devnull, AWS_EC2_METADATA_DISABLED="true",
                ALIBABA_CLOUD_ACCESS_KEY_ID=CREDENTIALS["bench_alicloud_access_key"],
                ALIBABA_CLOUD_ACCESS_KEY_SECRET=CREDENTIALS["bench_alicloud_secret_key"],
                ANSIBLE_NOCOLOR="1", ANSIBLE_FORCE_COLOR="0")


def progress(message):
    sys.stdout.write(message + "\n")
    sys.stdout.flush()


# --- machine description --------------------------------------------------------------------------------------------

def _first_line_with(path, prefix):
    try:
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                if line.startswith(prefix):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown"


def _version(distribution):
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def machine(aws_cli):
    info = {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": _first_line_with("/proc/cpuinfo", "model name"),
        "cores": str(os.cpu_count()),
        "memory": _first_line_with("/proc/meminfo", "MemTotal"),
        "os": platform.platform(),
        "python": platform.python_version(),
        "load average before": "%.2f %.2f %.2f" % os.getloadavg(),
    }
    for distribution in ("ansible-core", "boto3", "botocore", "alibabacloud-nlb20220430"):
        info[distribution] = _version(distribution)
    if aws_cli:
        completed = subprocess.run([aws_cli, "--version"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                   text=True, check=False)
        info["awscli"] = completed.stdout.strip()
    return info


# --- outputs --------------------------------------------------------------------------------------------------------

def write_outputs(args, results):
    results_path = seeds.write_json(os.path.join(args.workdir, "results.json"), results)
    generated = report.markdown(results)
    progress("\n" + generated)
    if args.doc:
        with open(args.doc, encoding="utf-8") as handle:
            document = handle.read()
        with open(args.doc, "w", encoding="utf-8") as handle:
            handle.write(report.replace_generated(document, generated))
        progress("wrote %s" % args.doc)
    if args.plot_python:
        image = os.path.join(os.path.dirname(args.doc) if args.doc else args.workdir, "benchmark.png")
        subprocess.run([args.plot_python, os.path.join(HERE, "plot.py"), results_path, image], check=True)
        progress("wrote %s" % image)
    else:
        progress("no --plot-python / BENCH_PLOT_PYTHON: the plot was not drawn")


def main(argv=None):
    args = parse_args(argv)
    if not args.sizes or args.sizes[0] < 1 or args.sizes[-1] > seeds.GROUPS * seeds.PER_GROUP:
        raise SystemExit("--sizes: 1 to %d listeners" % (seeds.GROUPS * seeds.PER_GROUP))
    os.makedirs(args.workdir, exist_ok=True)
    if args.report_only:
        results_path = os.path.join(args.workdir, "results.json")
        if not os.path.exists(results_path):
            raise SystemExit("--report-only: no results in %s; run the benchmark first" % results_path)
        with open(results_path, encoding="utf-8") as handle:
            write_outputs(args, json.load(handle))
        return 0
    ga_seed = seeds.write_json(os.path.join(args.workdir, "ga-seed.json"), seeds.ga_seed())
    nlb_seed = seeds.write_json(os.path.join(args.workdir, "nlb-seed.json"), seeds.nlb_seed())
    started = time.perf_counter()
    info = machine(args.aws_cli)
    with emulators.Emulators(args.workdir, ga_seed, nlb_seed) as emulator_pair:
        bench = Bench(args, emulator_pair)
        payloads = bench.capture_payloads()
        bench.measure_memory(payloads)
        bench.profile_imports(payloads)
        bench.run_sdk_floor()
        bench.run_playbooks()
        bench.run_one_load_balancer()
    info["load average after"] = "%.2f %.2f %.2f" % os.getloadavg()
    settings = settings_of(args)
    settings["wall_minutes"] = "%.1f" % ((time.perf_counter() - started) / 60.0)
    bench.results.update(machine=info, settings=settings)
    write_outputs(args, bench.results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
