#!/usr/bin/env bash
# Secrets never appear in module output, diffs, -vvv logs or failure messages: run every module with
# -vvv against the emulators using session credentials (a secret key and a token per cloud), then
# with a wrong secret, and search the whole output for each secret.
set -euo pipefail
out=$(mktemp)
trap 'rm -f "$out"' EXIT
ANSIBLE_NOCOLOR=1 ansible-playbook -vvv playbook.yml -e "@${INTEGRATION_VARS}" >"$out" 2>&1 || {
  tail -n 80 "$out"; echo "secrets_not_logged: the playbook failed" >&2; exit 1; }

# The run must have logged what we search: module invocations with their (masked) arguments, and a diff.
for expected in "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER" '"module_args"' '"before"' "InvalidSignatureException" "SignatureDoesNotMatch"; do
  grep -q -- "$expected" "$out" || { echo "secrets_not_logged: '$expected' is missing from the -vvv output" >&2; exit 1; }
done
for secret in emulator-sts-secret emulator-session-token emulator-security-token wrong-secret-value-1234; do
  if grep -n -- "$secret" "$out"; then
    echo "secrets_not_logged: the secret '$secret' appears in the output (lines above)" >&2
    exit 1
  fi
done
echo "secrets_not_logged: $(wc -l <"$out") lines of -vvv output, no secret in them"
