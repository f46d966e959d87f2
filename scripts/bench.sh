#!/usr/bin/env bash
# make bench: the listener benchmark (tests/bench/bench.py) against the local emulators.
# The AWS CLI (awscli pins its own botocore) and matplotlib live in their own venv, .cache/bench-venv,
# never in .venv; the driver itself runs with .venv's python, the one the modules run with.
# Settings come from the environment (BENCH_SIZES, BENCH_REPEATS, ...) or the driver's flags:
#   bash scripts/bench.sh --help
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"

bench_venv="$ROOT/.cache/bench-venv"
requirements="$ROOT/tests/bench/requirements.txt"
stamp="$bench_venv/.installed"

# (Re)build the bench venv only when its requirements changed.
if [ ! -f "$stamp" ] || [ "$requirements" -nt "$stamp" ]; then
  echo "bench.sh: installing awscli and matplotlib into $bench_venv" >&2
  [ -x "$bench_venv/bin/python" ] || python3 -m venv "$bench_venv"
  "$bench_venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements"
  touch "$stamp"
fi

export BENCH_AWS_CLI="${BENCH_AWS_CLI:-$bench_venv/bin/aws}"
export BENCH_PLOT_PYTHON="${BENCH_PLOT_PYTHON:-$bench_venv/bin/python}"
exec python tests/bench/bench.py "$@"
