#!/usr/bin/env python
# -*- coding: utf-8 -*-
# Copyright (c) multicloud.listeners contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Start the GA and NLB emulators on 127.0.0.1 and serve until SIGINT/SIGTERM.

    python tests/emulator/serve.py [--ga-port 4601] [--nlb-port 4602] [--env-file FILE]

GA listens on 127.0.0.1:4601 and NLB on 127.0.0.1:4602 unless told otherwise (the ports the
docs use); ``--ga-port 0 --nlb-port 0`` picks free ports (for scripts and parallel test runs).
Prints ``GA_ENDPOINT_URL=...`` and ``NLB_ENDPOINT_URL=...`` (also written to
``--env-file`` as ``KEY=value`` lines, once both are listening).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from emulator.common import EmulatorServer  # noqa: E402  pylint: disable=wrong-import-position
from emulator.ga import GlobalAcceleratorService  # noqa: E402  pylint: disable=wrong-import-position
from emulator.nlb import NlbService  # noqa: E402  pylint: disable=wrong-import-position


# The ports the docs (docs/testing-with-emulators.md) and `make emulators` use.
DEFAULT_GA_PORT = 4601
DEFAULT_NLB_PORT = 4602


def _load(path):
    if not path:
        return None
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def build_servers(args):
    ga = GlobalAcceleratorService(seed=_load(args.ga_seed), deploy_seconds=args.deploy_seconds)
    nlb = NlbService(seed=_load(args.nlb_seed), job_seconds=args.job_seconds)
    return EmulatorServer(ga, args.ga_port), EmulatorServer(nlb, args.nlb_port)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ga-port", type=int, default=DEFAULT_GA_PORT,
                        help="port of the GA emulator on 127.0.0.1 (default: %(default)s; 0 picks a free port)")
    parser.add_argument("--nlb-port", type=int, default=DEFAULT_NLB_PORT,
                        help="port of the NLB emulator on 127.0.0.1 (default: %(default)s; 0 picks a free port)")
    parser.add_argument("--ga-seed", help="JSON seed file (default: tests/emulator/ga/seed.json)")
    parser.add_argument("--nlb-seed", help="JSON seed file (default: tests/emulator/nlb/seed.json)")
    parser.add_argument("--deploy-seconds", type=float, default=0.5,
                        help="how long an accelerator stays IN_PROGRESS after a change")
    parser.add_argument("--job-seconds", type=float, default=0.5,
                        help="how long an NLB job stays Processing")
    parser.add_argument("--env-file", help="write KEY=value lines with the endpoints here")
    args = parser.parse_args(argv)

    servers = [server.start() for server in build_servers(args)]
    lines = "GA_ENDPOINT_URL=%s\nNLB_ENDPOINT_URL=%s\n" % (servers[0].url, servers[1].url)
    if args.env_file:
        tmp = args.env_file + ".tmp"
        with open(tmp, "w", encoding="utf-8") as handle:
            handle.write(lines)
        os.replace(tmp, args.env_file)
    sys.stdout.write(lines)
    sys.stdout.flush()

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    for server in servers:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
