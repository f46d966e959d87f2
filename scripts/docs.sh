#!/usr/bin/env bash
# Documentation checks and generation.
#   docs.sh lint  - antsibull-docs lint-collection-docs (plugins and docs/), antsibull-changelog lint
#   docs.sh build - regenerate the module reference in docs/reference/ from the plugins' own docs
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"
case "${1:-lint}" in
  lint)
    # "all": resolve amazon.aws from the installed collections (its doc fragments) instead of copying dependencies
    antsibull-docs lint-collection-docs --plugin-docs --skip-rstcheck --validate-collection-refs all .
    antsibull-changelog lint
    ;;
  build)
    rm -rf docs/reference && mkdir -p docs/reference
    antsibull-docs collection --use-current --dest-dir docs/reference --output-format simplified-rst multicloud.listeners
    ;;
  *) echo "usage: $0 lint|build" >&2; exit 2 ;;
esac
