# -*- coding: utf-8 -*-
# Copyright (c) multicloud.listeners contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""module_defaults and action groups, as amazon.aws users write them (docs/getting-started.md, the GA modules' notes).

- ``group/multicloud.listeners.aws`` reaches amazon.aws's modules too (meta/runtime.yml extends amazon.aws.aws);
- ``group/aws`` and ``group/amazon.aws.aws`` do not reach this collection's modules (a collection cannot join
  another's group).

Each task gets ``endpoint_url`` and test credentials from one group only: a module they reached fails to connect
to that loopback endpoint; one they did not reach finds no credentials (the environment holds none). The
playbook runs in a network namespace with only loopback: a module that did not get the loopback endpoint would
otherwise try AWS itself.
"""

import json
import os
import subprocess

import pytest

# One worker runs this file's tests: they share a module-scoped fixture that is expensive to build.
pytestmark = pytest.mark.xdist_group("action_groups")

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ENDPOINT = "http://127.0.0.1:9"  # nothing listens there: every call is refused at once
PLAYBOOK = """
- hosts: localhost
  connection: local
  gather_facts: false
  vars:
    ansible_python_interpreter: "{{ ansible_playbook_python }}"
    defaults: {endpoint_url: "%(endpoint)s", region: eu-central-1,
               access_key: AKIAEMULATOR00000000, secret_key: emulator-secret-key}
  tasks:
    - name: group/multicloud.listeners.aws -> amazon.aws.aws_region_info
      module_defaults:
        group/multicloud.listeners.aws: "{{ defaults }}"
      amazon.aws.aws_region_info:
      register: ours_to_amazon
      ignore_errors: true

    - name: group/multicloud.listeners.aws -> multicloud.listeners.ga_listener_info
      module_defaults:
        group/multicloud.listeners.aws: "{{ defaults }}"
      multicloud.listeners.ga_listener_info:
        accelerator_name: web-accelerator
      register: ours_to_ours
      ignore_errors: true

    - name: group/aws -> multicloud.listeners.ga_listener_info
      module_defaults:
        group/aws: "{{ defaults }}"
      multicloud.listeners.ga_listener_info:
        accelerator_name: web-accelerator
      register: aws_to_ours
      ignore_errors: true

    - name: group/amazon.aws.aws -> multicloud.listeners.ga_listener_info
      module_defaults:
        group/amazon.aws.aws: "{{ defaults }}"
      multicloud.listeners.ga_listener_info:
        accelerator_name: web-accelerator
      register: amazon_to_ours
      ignore_errors: true

    - name: What reached each module
      ansible.builtin.copy:
        dest: "{{ result_file }}"
        content: >-
          {{ {'ours_to_amazon': ours_to_amazon, 'ours_to_ours': ours_to_ours,
              'aws_to_ours': aws_to_ours, 'amazon_to_ours': amazon_to_ours}
             | dict2items | items2dict(key_name='key', value_name='value')
             | to_json }}
"""


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    work = tmp_path_factory.mktemp("action-groups")
    playbook = work / "playbook.yml"
    playbook.write_text(PLAYBOOK % {"endpoint": ENDPOINT})
    result_file = work / "results.json"
    env = {name: value for name, value in os.environ.items() if not name.startswith(("AWS_", "ALICLOUD_"))}
    env.update(HOME=str(work), ANSIBLE_REMOTE_TEMP=str(work / "remote-tmp"), ANSIBLE_LOCAL_TEMP=str(work / "local-tmp"))
    script = "ip link set lo up && source scripts/env.sh && ansible-playbook %s -e result_file=%s" % (playbook, result_file)
    completed = subprocess.run(["unshare", "-n", "bash", "-c", script], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, check=False)
    assert completed.returncode == 0 and result_file.exists(), completed.stdout[-20000:]
    return json.loads(result_file.read_text())


REACHED = 'Could not connect to the endpoint URL: "%s/"' % ENDPOINT
NOT_REACHED = "Unable to locate credentials"


@pytest.mark.parametrize("task", ["ours_to_amazon", "ours_to_ours"])
def test_group_multicloud_listeners_aws_reaches_amazon_aws_and_our_modules(results, task):
    assert results[task]["failed"] and REACHED in results[task]["msg"], results[task]["msg"]


@pytest.mark.parametrize("task", ["aws_to_ours", "amazon_to_ours"])
def test_amazon_aws_groups_do_not_reach_our_modules(results, task):
    assert results[task]["failed"] and NOT_REACHED in results[task]["msg"], results[task]["msg"]
    assert ENDPOINT not in results[task]["msg"]
