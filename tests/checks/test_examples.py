# -*- coding: utf-8 -*-
# Copyright (c) multicloud.listeners contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every EXAMPLES block of every module runs, as a user would paste it, against the emulators.

The only change made to an example's text is ``PLACEHOLDERS``: its placeholder IDs become IDs of the emulators'
default seeds (and the VPC endpoint the emulator's URL). Credentials come from where users keep them, set up
in a private HOME: ``~/.aws/credentials`` (a ``default`` and the ``network-admin`` profile the examples name)
and ``~/.aliyun/config.json`` (``default`` and ``nlb-admin``); endpoints from ``AWS_URL`` and
``ALICLOUD_NLB_ENDPOINT_URL``. No region is exported: an NLB example must name its region.

A module's examples run in their order in one play (later ones use what earlier ones registered), each
top-level example with ``ignore_errors`` so that every failing one is named, on fresh emulators. The play
runs in a network namespace with only loopback, emulators included: an example that would reach a real
cloud fails instead.
"""

import json
import os
import re
import subprocess
import sys

import pytest
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODULES_DIR = os.path.join(ROOT, "plugins", "modules")
SERVE = os.path.join(ROOT, "tests", "emulator", "serve.py")
MODULES = sorted(name[:-3] for name in os.listdir(MODULES_DIR) if name.endswith(".py") and not name.startswith("_"))

WEB = "arn:aws:globalaccelerator::123456789012:accelerator/5f0e4c1a-0000-4a5b-8c3d-000000000002"
PLACEHOLDER_ACCELERATOR = "arn:aws:globalaccelerator::123456789012:accelerator/1234abcd-abcd-1234-abcd-1234abcdef01"
# placeholder in the EXAMPLES -> the seed's ID (tests/emulator/*/seed.json); longest first when applied
PLACEHOLDERS = {
    PLACEHOLDER_ACCELERATOR + "/listener/0123abcd": WEB + "/listener/0a0b0053",  # web-accelerator's UDP 53
    PLACEHOLDER_ACCELERATOR: WEB,
    "nlb-wb7r6dlwetvt5j7y4n": "nlb-demo0000000000001",
    "sgp-atstuj3rtop7k2m1q": "sgp-tcp0000000000002",  # demo-tcp-green
    "sgp-ppdpc14gdm3x4o8k2z": "sgp-ssl0000000000001",  # the TCPSSL group
    "sgp-u5xzqm2ab8kd0e1f7g": "sgp-anyudp0000000001",  # any-port UDP forwarding, for a port range listener
    "nlb-r3t1r3dq8lb0x5w2v9": "nlb-page0000000000001",  # a load balancer whose listeners may all go
    "lsn-bp1bpn0kn908w4nbw7y4n": "lsn-demo0000000000001",
    "nlb-vpc.cn-hangzhou.aliyuncs.com": "__NLB_ENDPOINT_URL__",
}
AWS_KEYS = "aws_access_key_id = AKIAEMULATOR00000000\naws_secret_access_key = emulator-secret-key\n"
ALIYUN_PROFILE = {"mode": "AK", "access_key_id": "LTAIemulator00000000", "access_key_secret": "emulator-secret-key",
                  "region_id": "cn-hangzhou"}

RUN = r"""
set -euo pipefail
ip link set lo up
python=$1 serve=$2 work=$3 playbook=$4
"$python" "$serve" --ga-port 0 --nlb-port 0 --env-file "$work/emulators.env" --deploy-seconds 0.2 --job-seconds 0.2 \
  > "$work/emulators.log" 2>&1 &
emulators=$!
trap 'kill $emulators; wait $emulators || true' EXIT
for _ in $(seq 300); do [ -s "$work/emulators.env" ] && break; sleep 0.1; done
. "$work/emulators.env"
sed -i "s|__NLB_ENDPOINT_URL__|$NLB_ENDPOINT_URL|g" "$playbook"
export AWS_URL=$GA_ENDPOINT_URL ALICLOUD_NLB_ENDPOINT_URL=$NLB_ENDPOINT_URL
ansible-playbook "$playbook" > "$work/output.json"
"""


def examples_of(module):
    with open(os.path.join(MODULES_DIR, module + ".py"), encoding="utf-8") as handle:
        source = handle.read()
    match = re.search(r'^EXAMPLES = r"""(.*?)"""', source, re.S | re.M)
    assert match, "%s has no EXAMPLES" % module
    return match.group(1)


def with_seed_ids(text):
    for placeholder in sorted(PLACEHOLDERS, key=len, reverse=True):
        text = text.replace(placeholder, PLACEHOLDERS[placeholder])
    return text


def home(path):
    os.makedirs(os.path.join(path, ".aws"))
    with open(os.path.join(path, ".aws", "credentials"), "w", encoding="utf-8") as handle:
        handle.write("[default]\n%s\n[network-admin]\n%s" % (AWS_KEYS, AWS_KEYS))
    os.makedirs(os.path.join(path, ".aliyun"))
    profiles = [dict(ALIYUN_PROFILE, name=name) for name in ("default", "nlb-admin")]
    with open(os.path.join(path, ".aliyun", "config.json"), "w", encoding="utf-8") as handle:
        json.dump({"current": "default", "profiles": profiles}, handle)


def failures(output):
    """``[(example name, message)]`` of the failed tasks in the json callback's output."""
    found = []
    for play in output.get("plays", []):
        for task in play.get("tasks", []):
            result = task.get("hosts", {}).get("localhost", {})
            if result.get("failed"):
                found.append((task["task"]["name"], result.get("msg") or json.dumps(result)[:500]))
    return found


@pytest.mark.parametrize("module", MODULES)
def test_placeholders_are_valid_ids(module):
    text = examples_of(module)
    for arn in re.findall(r"arn:aws:globalaccelerator::\S+", text):
        assert re.match(r"^arn:aws:globalaccelerator::\d{12}:accelerator/[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}"
                        r"(/listener/[0-9a-f]{8})?$", arn), "%s: not a valid ARN: %s" % (module, arn)
    assert "*" not in re.sub(r"^\s*#.*$", "", text, flags=re.M), "%s: a masked ID (****) cannot be pasted" % module
    for placeholder in re.findall(r"\b(?:nlb|sgp|lsn)-[0-9a-z]{12,}|arn:aws:globalaccelerator::\S+", text):
        assert placeholder in PLACEHOLDERS or any(placeholder in key for key in PLACEHOLDERS), \
            "%s: %s is not mapped to a seed ID in PLACEHOLDERS" % (module, placeholder)


@pytest.mark.parametrize("module", MODULES)
def test_examples_run_against_the_emulators(module, tmp_path):
    tasks = yaml.safe_load(with_seed_ids(examples_of(module)))
    for task in tasks:
        task["ignore_errors"] = True
    play = [{"name": "EXAMPLES of %s" % module, "hosts": "localhost", "connection": "local", "gather_facts": False,
             "vars": {"ansible_python_interpreter": sys.executable}, "tasks": tasks}]
    playbook = tmp_path / "examples.yml"
    playbook.write_text(yaml.safe_dump(play, sort_keys=False))
    home(str(tmp_path / "home"))
    env = {name: value for name, value in os.environ.items() if not name.startswith(("AWS_", "ALICLOUD_", "ALIBABA_"))}
    env.update(HOME=str(tmp_path / "home"), ANSIBLE_STDOUT_CALLBACK="ansible.builtin.json",
               ANSIBLE_LOCALHOST_WARNING="false", ANSIBLE_REMOTE_TEMP=str(tmp_path / "remote-tmp"),
               ANSIBLE_LOCAL_TEMP=str(tmp_path / "local-tmp"), TMPDIR=str(tmp_path))
    script = "source scripts/env.sh && " + RUN
    completed = subprocess.run(["unshare", "-n", "bash", "-c", script, "run", sys.executable, SERVE, str(tmp_path),
                                str(playbook)], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, check=False)
    output_file = tmp_path / "output.json"
    text = output_file.read_text() if output_file.exists() else ""
    assert text.strip(), "%s: the playbook did not run:\n%s" % (module, completed.stdout[-5000:])
    output = json.loads(text[text.index("{"):])
    failed = failures(output)
    assert not failed, "%s: examples that do not run:\n%s" % (
        module, "\n".join("- %s: %s" % (name, message) for name, message in failed))
    assert completed.returncode == 0, completed.stdout[-5000:]
