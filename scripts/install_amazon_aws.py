# Copyright (c) multicloud.listeners contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Put amazon.aws into the running venv without installing the whole ``ansible`` package (for ``make demo``).

Galaxy is not reachable from the build machines, so amazon.aws comes from the ``ansible`` package on PyPI,
pinned in requirements-dev.txt. Installing that package unpacks about 100 collections (some 470 MB, more
than a minute here); the demo needs one of them. This downloads the same pinned wheel (pip checks it) into
.cache/wheels and extracts only ``ansible_collections/amazon/aws/`` into site-packages, where the full
package would put it (so ``make test``, which installs the package, later overwrites it with the same files).
Does nothing when amazon.aws is already importable.
"""

import os
import re
import subprocess
import sys
import sysconfig
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PREFIX = "ansible_collections/amazon/aws/"


def pinned_version(path):
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            match = re.match(r"^ansible==(\S+)", line.strip())
            if match:
                return match.group(1)
    raise SystemExit("no ansible==<version> pin in %s" % path)


def main():
    site = sysconfig.get_paths()["purelib"]
    if os.path.exists(os.path.join(site, PREFIX, "MANIFEST.json")):
        return 0
    version = pinned_version(os.path.join(ROOT, "requirements-dev.txt"))
    wheels = os.path.join(ROOT, ".cache", "wheels")
    wheel = os.path.join(wheels, "ansible-%s-py3-none-any.whl" % version)
    if not os.path.exists(wheel):
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary", ":all:",
                        "--dest", wheels, "ansible==%s" % version], check=True)
    with zipfile.ZipFile(wheel) as archive:
        members = [name for name in archive.namelist() if name.startswith(PREFIX)]
        archive.extractall(site, members)
    print("amazon.aws from ansible %s: %d files in %s" % (version, len(members), os.path.join(site, PREFIX)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
