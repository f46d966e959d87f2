#!/usr/bin/env bash
# ansible-test sanity, offline, from a copy of the tree laid out as ansible_collections/multicloud/listeners
# with amazon.aws (from the `ansible` package) beside it.  Every test runs; HOME points into .cache/ so the
# sanity venvs and caches stay inside the clone and are reused by the next run.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"
tree="$ROOT/.cache/sanity/ansible_collections"
dest="$tree/multicloud/listeners"
mkdir -p "$dest"
# refresh the copy (keep tests/output: ansible-test's own cache of results and venv metadata)
find "$dest" -mindepth 1 -maxdepth 1 ! -name tests -exec rm -rf {} +
find "$dest/tests" -mindepth 1 -maxdepth 1 ! -name output -exec rm -rf {} + 2>/dev/null || true
git ls-files -z --cached --others --exclude-standard | while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done \
  | xargs -0 cp --parents -t "$dest"
site=$(python -c "import ansible_collections; print(list(ansible_collections.__path__)[0])")
ln -sfn "$site/amazon" "$tree/amazon"
export HOME="$ROOT/.cache/home"
mkdir -p "$HOME/.ansible/test/cache"
cp tests/sanity/get_pip_offline.py "$HOME/.ansible/test/cache/get_pip_24_2.py"
cd "$dest"
[ -d .git ] || git init -q  # its own repo: otherwise ansible-test asks the clone's git, which ignores .cache/
exec ansible-test sanity --python 3.11 --local --color no "$@"
