# -*- coding: utf-8 -*-
# Copyright (c) multicloud.listeners contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Make the collection importable as ``ansible_collections.multicloud.listeners`` (through a link
under .cache/collections, beside amazon.aws from the ``ansible`` package) and the emulators as
``emulator``, for every test under tests/; and report each suite as it ends (tests/suite_progress.py)."""

import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COLLECTIONS = os.path.join(ROOT, ".cache", "collections")
LINK = os.path.join(COLLECTIONS, "ansible_collections", "multicloud", "listeners")

if not os.path.islink(LINK):
    os.makedirs(os.path.dirname(LINK), exist_ok=True)
    try:
        os.symlink(os.path.join("..", "..", "..", ".."), LINK)
    except FileExistsError:  # another xdist worker made it first
        pass
for path in (COLLECTIONS, os.path.join(ROOT, "tests")):
    if path not in sys.path:
        sys.path.insert(0, path)


def pytest_configure(config):
    import suite_progress  # pylint: disable=import-outside-toplevel  # tests/ is on sys.path only from here

    suite_progress.register(config)
