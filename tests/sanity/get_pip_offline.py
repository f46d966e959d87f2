# -*- coding: utf-8 -*-
# Copyright (c) multicloud.listeners contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Offline stand-in for ansible-test's get-pip bootstrap script.

ansible-test bootstraps pip in the venvs its sanity tests create by downloading
get-pip.py from a host these machines cannot reach; it first looks for a cached copy
at ~/.ansible/test/cache/get_pip_<version>.py.  `make sanity` puts this file there
(under a HOME inside .cache/): it installs pip with ensurepip and lets pip fetch the
requested versions from the package index as usual.
"""

import subprocess
import sys

SKIPPED = ("--no-setuptools", "--no-wheel")


def main():
    subprocess.check_call([sys.executable, "-m", "ensurepip", "--default-pip"])
    args = [arg for arg in sys.argv[1:] if arg not in SKIPPED]
    subprocess.check_call([sys.executable, "-m", "pip", "install"] + args)


if __name__ == "__main__":
    main()
