# -*- coding: utf-8 -*-
# Copyright (c) multicloud.listeners contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run every integration target against a fresh pair of emulators, one pytest test per target.

A target is a role under targets/ (as ansible-test lays them out): it is applied to localhost by
target.yml with the credentials and endpoint variables below.  A target with a ``runme.sh`` runs
that script instead, with the same variables in ``INTEGRATION_VARS`` (a JSON file) and the
endpoints in the environment.  Targets whose aliases say ``hidden`` or ``disabled`` are helpers.

Each target works in ``.cache/integration/<target>/`` inside the clone (emptied when it starts, kept after):
``output.log`` (the run's output), ``emulators.log``, ``vars.json``, and Ansible's local and remote temporary
files (AnsiballZ) and ``TMPDIR`` (``mktemp`` in a ``runme.sh``), so nothing is left under ``/tmp`` or ``~/.ansible``.
"""

import json
import os
import shutil
import subprocess
import sys
import time

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
TARGETS_DIR = os.path.join(HERE, "targets")
SERVE = os.path.join(ROOT, "tests", "emulator", "serve.py")
OUTPUT = os.path.join(ROOT, ".cache", "integration")
# The emulators' test credentials (tests/emulator/README.md)
CREDENTIALS = {
    "aws_access_key": "AKIAEMULATOR00000000",
    "aws_secret_key": "emulator-secret-key",
    "aws_region": "us-west-2",
    "alicloud_access_key": "LTAIemulator00000000",
    "alicloud_secret_key": "emulator-secret-key",
    "alicloud_region": "cn-hangzhou",
}


# The slowest targets (about 100 s or more alone), started first so that the run does not end on one of them
SLOW_FIRST = ("nlb_listener_attribute", "ga_accelerator_listeners", "drift_gate", "bad_input_matrix", "call_budget",
              "nlb_load_balancer_listeners", "role_ga_listeners", "adoption", "ga_listener", "exact_aim")


def _targets():
    names = []
    for name in sorted(os.listdir(TARGETS_DIR)):
        aliases_path = os.path.join(TARGETS_DIR, name, "aliases")
        aliases = open(aliases_path, encoding="utf-8").read().split() if os.path.exists(aliases_path) else []
        if "hidden" not in aliases and "disabled" not in aliases:
            names.append(name)
    return sorted(names, key=lambda name: (SLOW_FIRST.index(name) if name in SLOW_FIRST else len(SLOW_FIRST), name))


class Emulators:
    """Both emulators in a subprocess on free loopback ports."""

    def __init__(self, workdir):
        self.env_file = os.path.join(workdir, "emulators.env")
        self.process = subprocess.Popen(  # pylint: disable=consider-using-with
            [sys.executable, SERVE, "--ga-port", "0", "--nlb-port", "0", "--env-file", self.env_file,
             "--deploy-seconds", "0.3", "--job-seconds", "0.3"],
            stdout=subprocess.DEVNULL, stderr=open(os.path.join(workdir, "emulators.log"), "w", encoding="utf-8"))
        deadline = time.monotonic() + 30
        while not os.path.exists(self.env_file):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the emulators did not start: see %s" % os.path.join(workdir, "emulators.log"))
            time.sleep(0.05)
        with open(self.env_file, encoding="utf-8") as handle:
            self.endpoints = dict(line.strip().split("=", 1) for line in handle if "=" in line)

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture
def workdir(target):
    path = os.path.join(OUTPUT, target)
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    return path


@pytest.fixture
def emulators(workdir):
    running = Emulators(workdir)
    yield running
    running.stop()


@pytest.mark.parametrize("target", _targets())
def test_integration_target(target, emulators, workdir):
    ga_url = emulators.endpoints["GA_ENDPOINT_URL"]
    nlb_url = emulators.endpoints["NLB_ENDPOINT_URL"]
    variables = dict(CREDENTIALS, ga_endpoint_url=ga_url, emulator_ga_admin_url=ga_url,
                     nlb_endpoint_url=nlb_url, emulator_nlb_admin_url=nlb_url, integration_target=target)
    vars_file = os.path.join(workdir, "vars.json")
    with open(vars_file, "w", encoding="utf-8") as handle:
        handle.write(json.dumps(variables))
    env = dict(os.environ, ANSIBLE_ROLES_PATH=TARGETS_DIR, INTEGRATION_VARS=vars_file,
               GA_ENDPOINT_URL=ga_url, NLB_ENDPOINT_URL=nlb_url, ANSIBLE_FORCE_COLOR="0",
               ANSIBLE_LOCAL_TEMP=os.path.join(workdir, "ansible-tmp"),
               ANSIBLE_REMOTE_TEMP=os.path.join(workdir, "ansible-remote-tmp"), TMPDIR=os.path.join(workdir, "tmp"))
    os.makedirs(env["TMPDIR"])
    runme = os.path.join(TARGETS_DIR, target, "runme.sh")
    if os.path.exists(runme):
        command = ["bash", runme]
        cwd = os.path.dirname(runme)
    else:
        command = ["ansible-playbook", os.path.join(HERE, "target.yml"), "-e", "@%s" % vars_file]
        cwd = ROOT
    started = time.monotonic()
    completed = subprocess.run(command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, check=False)
    log = os.path.join(workdir, "output.log")
    with open(log, "w", encoding="utf-8") as handle:
        handle.write(completed.stdout)
    print("%s: %.1f s, exit %d" % (target, time.monotonic() - started, completed.returncode))
    assert completed.returncode == 0, "target %s failed (whole log: %s):\n%s" % (target, log, completed.stdout[-20000:])
