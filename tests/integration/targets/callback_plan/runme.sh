#!/usr/bin/env bash
# The multicloud.listeners.plan callback end to end, on two inventory hosts (staging, prod) against the emulators:
#   1. setup      apply the listeners each environment has today            -> "LISTENER CHANGES (applied)", 4 added
#   2. preview    --check --diff of the listeners as they should be          -> creates, updates, a delete, no-ops and
#                 an NLB change the service refuses in DryRun; printed plan, JSON and Markdown; no write reached the APIs
#   3. apply      the same without the refused change                        -> what the preview announced, applied
#   4. recheck    --check again, with show_unchanged                         -> every listener unchanged
#   5. undeclared --check of the set modules declaring one listener of each   -> the others "? ... not declared, kept",
#                 counted in the totals and the JSON (drift object: status drift)
#   6. quiet      a playbook without the collection's modules                -> nothing printed, an empty JSON plan
# check_plan.py compares each phase with expected/ (PLAN_EXPECTED_UPDATE=1 rewrites them).
# Run by tests/integration/test_targets.py with INTEGRATION_VARS (credentials, endpoints) in the environment.
set -euo pipefail
cd "$(dirname "$0")"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# shellcheck source=../setup_emulator/files/plain_output.sh
source ../setup_emulator/files/plain_output.sh
export ANSIBLE_CALLBACKS_ENABLED=multicloud.listeners.plan

# run PHASE PLAYBOOK [ansible-playbook options]: the output goes to $out/PHASE.log (and is shown)
run() {
  local phase=$1 playbook=$2
  shift 2
  echo "== $phase: ansible-playbook $playbook $*"
  if ! ansible-playbook -i inventory.yml -e @"$INTEGRATION_VARS" "$playbook" "$@" > "$out/$phase.log" 2>&1; then
    cat "$out/$phase.log"
    echo "runme.sh: the $phase run failed" >&2
    return 1
  fi
  cat "$out/$phase.log"
}

MULTICLOUD_PLAN_JSON=$out/setup.json run setup setup.yml
python check_plan.py setup "$out"

python check_plan.py reset-calls
MULTICLOUD_PLAN_JSON=$out/preview.json MULTICLOUD_PLAN_MARKDOWN=$out/preview.md run preview listeners.yml --check --diff
python check_plan.py preview "$out"
python check_plan.py no-writes
grep -q '^+++ after' "$out/preview.log" || { echo "runme.sh: the default callback's --diff output is missing" >&2; exit 1; }

MULTICLOUD_PLAN_JSON=$out/apply.json run apply listeners.yml -e plan_include_rejected=false
python check_plan.py apply "$out"

MULTICLOUD_PLAN_JSON=$out/recheck.json MULTICLOUD_PLAN_MARKDOWN=$out/recheck.md MULTICLOUD_PLAN_SHOW_UNCHANGED=true \
  run recheck listeners.yml --check -e plan_include_rejected=false
python check_plan.py recheck "$out"

MULTICLOUD_PLAN_JSON=$out/undeclared.json MULTICLOUD_PLAN_MARKDOWN=$out/undeclared.md run undeclared undeclared.yml --check
python check_plan.py undeclared "$out"

MULTICLOUD_PLAN_JSON=$out/quiet.json run quiet no_listeners.yml
python check_plan.py quiet "$out"
