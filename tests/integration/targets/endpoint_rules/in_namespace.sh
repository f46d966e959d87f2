#!/usr/bin/env bash
# Started by runme.sh inside `unshare -n`: the emulators on this namespace's loopback, then playbook.yml.
set -euo pipefail
cd "$(dirname "$0")"
work=$(mktemp -d)
emulators_pid=
cleanup() {
  if [ -n "$emulators_pid" ]; then kill "$emulators_pid" 2>/dev/null || true; wait "$emulators_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

python ../../../emulator/serve.py --env-file "$work/emulators.env" --deploy-seconds 0 --job-seconds 0 >/dev/null 2>"$work/emulators.log" &
emulators_pid=$!
for _ in $(seq 1 300); do
  [ -f "$work/emulators.env" ] && break
  kill -0 "$emulators_pid" 2>/dev/null || { cat "$work/emulators.log"; echo "endpoint_rules: the emulators did not start" >&2; exit 1; }
  sleep 0.1
done
# shellcheck disable=SC1091
. "$work/emulators.env"
[ -n "${GA_ENDPOINT_URL:-}" ] && [ -n "${NLB_ENDPOINT_URL:-}" ] || { echo "endpoint_rules: no emulator endpoints" >&2; exit 1; }

# Nothing of the caller's AWS/Alibaba environment may choose an endpoint or credentials here.
for name in $(env | sed -n 's/^\(AWS_[A-Z_]*\|ALICLOUD_[A-Z_]*\|ALIBABA_CLOUD_[A-Z_]*\)=.*/\1/p'); do unset "$name"; done
export HOME="$work/home" AWS_CONFIG_FILE="$work/aws-config" AWS_SHARED_CREDENTIALS_FILE="$work/aws-credentials"
export AWS_EC2_METADATA_DISABLED=true ANSIBLE_ASYNC_DIR="$work/async"
mkdir -p "$HOME/.aliyun"

ANSIBLE_NOCOLOR=1 ansible-playbook playbook.yml -e "@${INTEGRATION_VARS}" \
  -e "ga_endpoint_url=$GA_ENDPOINT_URL" -e "nlb_endpoint_url=$NLB_ENDPOINT_URL" -e "endpoint_rules_work=$work"
