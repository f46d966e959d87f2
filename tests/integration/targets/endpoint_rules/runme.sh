#!/usr/bin/env bash
# Credentials and signed requests go only where the endpoint rules allow (issue 11, section 4).
# Every case runs inside a network namespace that has only loopback (unshare -n): a module that broke
# a rule and connected to 192.0.2.1 or resolved a name would fail there instead of leaving the machine.
# The emulators of the runner listen on the host's loopback, which the namespace cannot reach, so
# in_namespace.sh starts its own pair inside; playbook.yml asserts each refusal's message and that
# those emulators' call logs show no call, then the cases that must succeed (and their exact calls).
# Run by tests/integration/test_targets.py with INTEGRATION_VARS (credentials, endpoints) in the environment.
set -euo pipefail
cd "$(dirname "$0")"
if ! unshare -n true 2>/dev/null; then
  echo "endpoint_rules: 'unshare -n' is not permitted here (needs root or user namespaces); the cases must not run outside one" >&2
  exit 1
fi
exec unshare -n bash -c 'ip link set lo up && exec bash ./in_namespace.sh'
