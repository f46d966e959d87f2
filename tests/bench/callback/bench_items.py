# -*- coding: utf-8 -*-
# Copyright (c) multicloud.listeners contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The benchmark's item clock: how long each loop item of each task took, written as JSON.

Enabled only by tests/bench/bench.py (ANSIBLE_CALLBACK_PLUGINS points here), which reads the file
named by BENCH_ITEMS_FILE after the run.  An item's duration runs from the end of the item before it
(or the start of the task) to its own end, so it holds everything Ansible does for that item: templating,
the module process, the result.  The start-up of ansible-playbook is in no item.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: bench_items
type: aggregate
short_description: Record the duration of every loop item (benchmark only)
description:
  - When the playbook ends, writes each task's name and the seconds each of its loop items took, as JSON, to the
    file named by the environment variable C(BENCH_ITEMS_FILE).
requirements:
  - enabled in callbacks_enabled
"""

import json
import os
import time

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    """Keeps a clock per task: the task's start, then one duration per item as it ends."""

    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "bench_items"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, display=None, options=None):
        super(CallbackModule, self).__init__(display=display, options=options)
        self.tasks = []
        self.last = None

    def v2_playbook_on_task_start(self, task, is_conditional):
        self.tasks.append({"name": task.get_name(), "items": []})
        self.last = time.monotonic()

    def _item_done(self, result):
        now = time.monotonic()
        if self.tasks and self.last is not None:
            self.tasks[-1]["items"].append(now - self.last)
        self.last = now

    def v2_runner_item_on_ok(self, result):
        self._item_done(result)

    def v2_runner_item_on_failed(self, result):
        self._item_done(result)

    def v2_runner_item_on_skipped(self, result):
        self._item_done(result)

    def v2_playbook_on_stats(self, stats):
        path = os.environ.get("BENCH_ITEMS_FILE")
        if path:
            with open(path, "w", encoding="utf-8") as handle:
                json.dump({"tasks": self.tasks}, handle)
