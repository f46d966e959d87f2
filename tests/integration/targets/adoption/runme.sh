#!/usr/bin/env bash
# Adoption round trip, with the documented playbooks and an inventory laid out like docs/examples/environments:
#   1. seed the emulators with an environment built by hand ("adopt": accelerator env-adopt, load balancers
#      nlb-adopt...1 and ...2, listeners with attributes off the services' defaults)
#   2. for role_vars non_default, then all:
#      adopt.yml writes inventories/adopt/group_vars/listeners/listeners.yml     -> exact variables, reads only
#      (run again without adopt_overwrite: refused before any API call)
#      environments/listeners.yml applies the roles with them                    -> changed=0, exact reads, no write
#      one value edited in the file, environments/listeners.yml --check          -> a plan of one update of that field
# Run by tests/integration/test_targets.py with INTEGRATION_VARS (credentials, endpoints) in the environment.
set -euo pipefail
cd "$(dirname "$0")"
root=$(cd ../../../.. && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# shellcheck source=../setup_emulator/files/plain_output.sh
source ../setup_emulator/files/plain_output.sh
export ANSIBLE_CALLBACKS_ENABLED=multicloud.listeners.plan
# Credentials and endpoints as a user gives them (docs/testing-with-emulators.md); the playbooks name neither.
eval "$(python - <<'PY'
import json, os, shlex
v = json.load(open(os.environ["INTEGRATION_VARS"]))
for name, value in (("AWS_ACCESS_KEY_ID", v["aws_access_key"]), ("AWS_SECRET_ACCESS_KEY", v["aws_secret_key"]),
                    ("AWS_REGION", v["aws_region"]), ("AWS_URL", v["ga_endpoint_url"]),
                    ("ALICLOUD_ACCESS_KEY", v["alicloud_access_key"]), ("ALICLOUD_SECRET_KEY", v["alicloud_secret_key"]),
                    ("ALICLOUD_REGION", v["alicloud_region"]), ("ALICLOUD_NLB_ENDPOINT_URL", v["nlb_endpoint_url"])):
    print("export %s=%s" % (name, shlex.quote(value)))
PY
)"

inventory=$work/inventories/adopt
generated=$inventory/group_vars/listeners/listeners.yml
mkdir -p "$inventory/group_vars/listeners"
cat > "$inventory/hosts.yml" <<'YAML'
---
listeners:
  hosts:
    adopt:
      ansible_connection: local
      ansible_python_interpreter: "{{ ansible_playbook_python }}"
YAML
cat > "$inventory/group_vars/listeners/main.yml" <<'YAML'
---
alicloud_region: cn-hangzhou
adopt_ga_accelerator_name: env-adopt
adopt_nlb_load_balancer_ids: [nlb-adopt000000000002, nlb-adopt000000000001]
YAML

# run NAME PLAYBOOK [options]: output in $work/NAME.log, shown; fails the target when the run fails
run() {
  local name=$1 playbook=$2
  shift 2
  echo "== $name: ansible-playbook -i inventories/adopt $playbook $*"
  if ! ansible-playbook -i "$inventory" "$playbook" "$@" > "$work/$name.log" 2>&1; then
    cat "$work/$name.log"
    echo "runme.sh: the $name run failed" >&2
    return 1
  fi
  cat "$work/$name.log"
}

recap_changed() {  # the changed= count of the host in a run's recap
  sed -n 's/^adopt .*changed=\([0-9]*\).*/\1/p' "$1"
}

python adopt_check.py seed
for mode in non_default all; do
  python adopt_check.py reset-calls
  overwrite=$([ "$mode" = all ] && echo true || echo false)
  run "adopt-$mode" "$root/docs/examples/adopt/adopt.yml" -e adopt_role_vars=$mode -e adopt_overwrite=$overwrite
  python adopt_check.py calls ListAccelerators,ListListeners ListListeners,ListListeners
  python adopt_check.py file "$generated" $mode
  cp "$generated" "$work/adopted-$mode.yml"

  # the file exists now: a second adoption without adopt_overwrite is refused before any API call (checked once)
  if [ "$mode" = non_default ]; then
    python adopt_check.py reset-calls
    if ansible-playbook -i "$inventory" "$root/docs/examples/adopt/adopt.yml" > "$work/refused-$mode.log" 2>&1; then
      cat "$work/refused-$mode.log"; echo "runme.sh: adopt.yml overwrote $generated without adopt_overwrite" >&2; exit 1
    fi
    grep -q "listeners.yml exists; allowed: a new file, or adopt_overwrite=true to replace it" "$work/refused-$mode.log" || {
      cat "$work/refused-$mode.log"; echo "runme.sh: the refusal does not say why" >&2; exit 1; }
    python adopt_check.py calls - -
    cmp "$generated" "$work/adopted-$mode.yml"
    # a blank accelerator name (a variable that rendered to nothing) is refused, not skipped, before any API call
    if ansible-playbook -i "$inventory" "$root/docs/examples/adopt/adopt.yml" -e adopt_overwrite=true \
        -e '{"adopt_ga_accelerator_name": " "}' > "$work/blank-$mode.log" 2>&1; then
      cat "$work/blank-$mode.log"; echo "runme.sh: adopt.yml accepted a blank accelerator name" >&2; exit 1
    fi
    grep -q "neither blank" "$work/blank-$mode.log" || {
      cat "$work/blank-$mode.log"; echo "runme.sh: the blank name was not refused by the check" >&2; exit 1; }
    python adopt_check.py calls - -
    cmp "$generated" "$work/adopted-$mode.yml"
  fi

  # apply the roles with the adopted variables: nothing changes, only reads
  python adopt_check.py reset-calls
  MULTICLOUD_PLAN_JSON=$work/apply-$mode.json run "apply-$mode" "$root/docs/examples/environments/listeners.yml"
  [ "$(recap_changed "$work/apply-$mode.log")" = 0 ] || { echo "runme.sh: the apply with $mode variables changed something" >&2; exit 1; }
  # GA: the accelerator by name, its listeners (one page). NLB: the role's existence check (one ListListeners per load
  # balancer), then one nlb_load_balancer_listeners task per load balancer (one ListListeners each).
  python adopt_check.py calls ListAccelerators,ListListeners ListListeners,ListListeners,ListListeners,ListListeners

  # one value edited by hand -> a preview of exactly one update of that field
  if [ "$mode" = non_default ]; then edit=nlb-idle field=idle_timeout; else edit=ga-affinity field=client_affinity; fi
  python adopt_check.py edit "$generated" $edit
  python adopt_check.py reset-calls
  MULTICLOUD_PLAN_JSON=$work/edited-$mode.json run "edited-$mode" "$root/docs/examples/environments/listeners.yml" --check --diff
  python adopt_check.py plan "$work/edited-$mode.json" $field
done
echo "runme.sh: both modes adopted, applied without a change, and one edit previewed as one update"
