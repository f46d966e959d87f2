#!/usr/bin/env bash
# The drift check end to end against the emulators, with tools/drift_check.py (CI) and the drift_gate role (AWX):
#   setup       apply the declared listeners (listeners.yml)
#   in_sync     drift_check.py -> exit 0; the gate passes and publishes status in_sync
#   drifted     a GA and an NLB listener changed behind Ansible's back -> exit 2, two updates with before/after;
#               the gate fails with "Drift:" and publishes the artifact
#   undeclared  (after re-applying) a GA and an NLB listener created behind its back -> exit 2, 2 undeclared;
#               the gate fails, or only reports with drift_gate_fail_on_drift=false
#   refused     a change the NLB DryRun refuses -> exit 1 (the preview failed); the gate never runs
# check_drift.py holds what each phase must show (exit status, JSON drift object and records, Markdown, printed plan).
# Run by tests/integration/test_targets.py with INTEGRATION_VARS (credentials, endpoints) in the environment.
set -euo pipefail
cd "$(dirname "$0")"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
tool=../../../../tools/drift_check.py

# shellcheck source=../setup_emulator/files/plain_output.sh
source ../setup_emulator/files/plain_output.sh

playbook() {  # playbook PLAYBOOK [options]: an ordinary run that must succeed
  echo "== ansible-playbook $*"
  ansible-playbook -i inventory.yml -e @"$INTEGRATION_VARS" "$@"
}

check() {  # check PHASE [options]: drift_check.py on listeners.yml, its exit status and files checked
  local phase=$1 rc=0
  shift
  echo "== $phase: drift_check.py"
  python "$tool" --json "$out/$phase.json" --markdown "$out/$phase.md" -- \
    -i inventory.yml -e @"$INTEGRATION_VARS" listeners.yml "$@" > "$out/$phase.log" 2>&1 || rc=$?
  cat "$out/$phase.log"
  python check_drift.py wrapper "$phase" "$rc" "$out"
}

gate() {  # gate PHASE [options]: gate.yml in check mode; the json stdout callback shows the set_stats artifacts (as AWX does)
  local phase=$1 rc=0
  shift
  echo "== $phase: the drift_gate role"
  ANSIBLE_STDOUT_CALLBACK=ansible.posix.json ANSIBLE_SHOW_CUSTOM_STATS=true ansible-playbook -i inventory.yml -e @"$INTEGRATION_VARS" gate.yml \
    --check --diff "$@" > "$out/$phase.gate.json" 2> "$out/$phase.gate.err" || rc=$?
  cat "$out/$phase.gate.err"
  python check_drift.py gate "$phase" "$rc" "$out"
}

playbook listeners.yml
check in_sync
gate in_sync

# A gate aimed at nothing (a misspelt result variable) fails; it does not pass as "in sync"
echo "== misspelt: the drift_gate role with a result variable nobody registered"
rc=0
ansible-playbook -i inventory.yml -e @"$INTEGRATION_VARS" gate.yml --check \
  -e '{"drift_gate_result_variables": ["ga_listener_result"]}' > "$out/misspelt.log" 2>&1 || rc=$?
cat "$out/misspelt.log"
[ "$rc" != 0 ] || { echo "runme.sh: the gate passed although it read no result" >&2; exit 1; }
grep -q 'The drift gate found no registered result: drift_gate_result_variables \["ga_listener_result"\]' "$out/misspelt.log" \
  || { echo "runme.sh: the gate did not name the variable it could not find" >&2; exit 1; }

playbook behind_the_back.yml -e drift_change=edit
check drifted
gate drifted

playbook listeners.yml
playbook behind_the_back.yml -e drift_change=add
check undeclared
gate undeclared
gate undeclared_report -e drift_gate_fail_on_drift=false
# The AWX playbook (previews, then the gate) under drift_check.py: the gate only reports, the tool exits 2 for drift
rc=0
python "$tool" --json "$out/undeclared_awx.json" --markdown "$out/undeclared_awx.md" -- \
  -i inventory.yml -e @"$INTEGRATION_VARS" gate.yml > "$out/undeclared_awx.log" 2>&1 || rc=$?
cat "$out/undeclared_awx.log"
[ "$rc" = 2 ] || { echo "runme.sh: drift_check.py on gate.yml exited $rc; wanted 2 (drift)" >&2; exit 1; }
grep -q '"status": "drift"' "$out/undeclared_awx.json" || { echo "runme.sh: no drift status in the plan JSON" >&2; exit 1; }

check refused -e drift_tcpssl_server_group=sgp-tcpudp00000000001
gate refused -e drift_tcpssl_server_group=sgp-tcpudp00000000001
