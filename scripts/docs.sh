#!/usr/bin/env bash
# Documentation checks and generation.
#   docs.sh lint  - antsibull-docs lint-collection-docs (plugins, roles and docs/), antsibull-changelog lint,
#                   and the check below
#   docs.sh check - docs/reference/ is what `build` generates from the current plugins and roles
#   docs.sh build - regenerate the module and role reference in docs/reference/ from their own docs
#                   (DOCUMENTATION / EXAMPLES / RETURN, meta/argument_specs.yml): never edit it by hand
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"

# Writes the reference into $1: one page per module and role, and index.rst, as reStructuredText that
# GitHub renders. --use-current documents the collection found on ANSIBLE_COLLECTIONS_PATH (this tree).
generate() {
  mkdir -p "$1"
  antsibull-docs collection --use-current --squash-hierarchy --fail-on-error --no-breadcrumbs \
    --output-format simplified-rst --cleanup everything --dest-dir "$1" multicloud.listeners
}

check() {
  local fresh status=0
  fresh=$(mktemp -d)
  generate "$fresh/reference"
  if ! diff -ru docs/reference "$fresh/reference" >"$fresh/diff" 2>&1; then
    head -60 "$fresh/diff"
    echo "docs/reference/ is out of date with the plugins' and roles' docs: run 'bash scripts/docs.sh build'" >&2
    status=1
  fi
  rm -rf "$fresh"
  return $status
}

case "${1:-lint}" in
  lint)
    # "dependent": lint a copy of the collection and of amazon.aws (its doc fragments), and validate references to
    # both. antsibull-docs copies a collection that sits in a git work tree with `git ls-files`, which would copy
    # nothing of the amazon.aws inside .venv/ (ignored by git): the ceiling makes it a plain copy. ("all" instead
    # loads the docs of every collection of the `ansible` package: minutes instead of seconds.)
    site=$(python -c "import ansible_collections; print(list(ansible_collections.__path__)[0])")
    GIT_CEILING_DIRECTORIES=$(dirname "$site") \
      antsibull-docs lint-collection-docs --plugin-docs --skip-rstcheck --validate-collection-refs dependent .
    antsibull-changelog lint
    check
    ;;
  check) check ;;
  build)
    generate docs/reference
    ;;
  *) echo "usage: $0 lint|check|build" >&2; exit 2 ;;
esac
