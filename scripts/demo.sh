#!/usr/bin/env bash
# make demo: start the emulators, apply the example playbook, apply it again (changed=0), preview an edit with
# --check --diff, then the environments example: preview prod, preview staging (a new NLB listener, its create
# validated by the service's DryRun), apply staging (the listener is created).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"
mkdir -p .cache/demo
env_file=.cache/demo/emulators.env
rm -f "$env_file"
python tests/emulator/serve.py --ga-port 0 --nlb-port 0 --env-file "$env_file" --deploy-seconds 0.3 --job-seconds 0.3 > .cache/demo/emulators.log 2>&1 &
emulators=$!
trap 'kill $emulators 2>/dev/null; wait $emulators 2>/dev/null || true' EXIT
for _ in $(seq 100); do [ -s "$env_file" ] && break; sleep 0.1; done
# shellcheck disable=SC1090
source "$env_file"
echo "Emulators: GA $GA_ENDPOINT_URL, NLB $NLB_ENDPOINT_URL (tests/emulator/README.md)"

# The emulators' test credentials, passed the way users pass real ones: through the environment.
export AWS_ACCESS_KEY_ID=AKIAEMULATOR00000000 AWS_SECRET_ACCESS_KEY=emulator-secret-key AWS_REGION=us-west-2
export AWS_URL=$GA_ENDPOINT_URL
export ALICLOUD_ACCESS_KEY=LTAIemulator00000000 ALICLOUD_SECRET_KEY=emulator-secret-key ALICLOUD_REGION=cn-hangzhou
export ALICLOUD_NLB_ENDPOINT_URL=$NLB_ENDPOINT_URL
export ANSIBLE_LOCALHOST_WARNING=false ANSIBLE_INVENTORY_UNPARSED_WARNING=false
# Colour only on a terminal: a log saved to a file or read through a pipe gets plain text.
if [ -t 1 ]; then
  export ANSIBLE_NOCOLOR=0
  step() { printf '\n\033[1m== %s\033[0m\n$ %s\n' "$1" "$2"; }
else
  export ANSIBLE_NOCOLOR=1
  step() { printf '\n== %s\n$ %s\n' "$1" "$2"; }
fi

playbook=docs/examples/demo/listeners.yml
cat <<'TEXT'
The modules, in one line each:
  ga_accelerator_listeners     an accelerator's listeners as a set: declare them all, the task makes the accelerator match
  ga_listener                  one GA listener, found by ARN or by accelerator + protocol + ports; the others are untouched
  nlb_load_balancer_listeners  an Alibaba Cloud NLB load balancer's listeners as a set: created, updated, deleted
                               (run by the nlb_listener_attributes role, one task per load balancer)
  nlb_listener_attribute       one existing NLB listener's attributes, found by ID or by load balancer + protocol + port
TEXT

step "1. Apply the listeners: GA creates TCP 80,443 and UDP 443 on demo-accelerator (it has none);
   the existing NLB listener TCP:80 gets its description (nlb_listener_attribute; a new NLB listener is step 5)" \
  "ansible-playbook $playbook"
ansible-playbook "$playbook"

step "2. Apply again: nothing to change (changed=0), only reads" "ansible-playbook $playbook"
out=$(ansible-playbook "$playbook") && printf '%s\n' "$out"
grep -q "changed=0" <<<"$out" || { echo "demo: the second run changed something" >&2; exit 1; }

edit=(-e demo_https_port=8443 -e demo_client_affinity=SOURCE_IP -e demo_idle_timeout=60 -e demo_proxy_protocol=true)
step "3. Preview an edit before the change window: HTTPS moves to 8443 (TCP 80,443 -> 80,8443 in place; UDP 443 is
   purged and UDP 8443 created), SOURCE_IP affinity, NLB idle timeout and proxy protocol; GA predicted locally,
   NLB validated by the service's DryRun" \
  "ansible-playbook $playbook --check --diff ${edit[*]}"
# The plan callback adds one summary at the end (docs/plan-callback.md); the JSON and Markdown copies are for CI.
ANSIBLE_CALLBACKS_ENABLED=multicloud.listeners.plan \
  MULTICLOUD_PLAN_JSON=.cache/demo/plan.json MULTICLOUD_PLAN_MARKDOWN=.cache/demo/plan.md \
  ansible-playbook "$playbook" --check --diff "${edit[@]}"
echo "(the plan is also in .cache/demo/plan.json and .cache/demo/plan.md)"

envs=docs/examples/environments
# staging is previewed on its own in step 5, before it is applied; dev works the same way (its own inventory)
step "4. Preview prod: one playbook for every environment; the inventory's group_vars say which accelerator, load
   balancer and listeners (dev and staging have inventories of their own)" \
  "ansible-playbook -i $envs/inventories/prod $envs/listeners.yml --check --diff"
ANSIBLE_CALLBACKS_ENABLED=multicloud.listeners.plan \
  ansible-playbook -i "$envs/inventories/prod" "$envs/listeners.yml" --check --diff

step "5. Preview staging: it declares a new NLB listener, TCP 8080, that no environment has yet, and opts in to
   creating it (nlb_listener_attributes_create: true). The create is sent with DryRun: the service checked it
   (port free, server group, quota) and changed nothing" \
  "ansible-playbook -i $envs/inventories/staging $envs/listeners.yml --check --diff"
out=$(ANSIBLE_CALLBACKS_ENABLED=multicloud.listeners.plan \
  ansible-playbook -i "$envs/inventories/staging" "$envs/listeners.yml" --check --diff) && printf '%s\n' "$out"
grep -q "+ create.*TCP:8080 on nlb-stg" <<<"$out" || { echo "demo: the staging preview shows no NLB create" >&2; exit 1; }

step "6. Apply staging: GA creates TCP 80,443 and UDP 443 on env-staging; NLB creates TCP 8080 (CreateListener, its
   job awaited) and rotates the TCPSSL 443 certificate, in one task for nlb-stg" \
  "ansible-playbook -i $envs/inventories/staging $envs/listeners.yml"
ANSIBLE_CALLBACKS_ENABLED=multicloud.listeners.plan \
  ansible-playbook -i "$envs/inventories/staging" "$envs/listeners.yml"

printf '\nDemo done. The emulators stop now; `make emulators` keeps them running on ports 4601/4602.\n'
printf 'Next: drift checks in CI (docs/drift-checks.md), adopting existing listeners (docs/adopting-listeners.md).\n'
