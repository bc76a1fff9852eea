#!/usr/bin/env bash
# Checks the contracts in protos/ with buf (installed in tools/node by scripts/install-deps.sh).
#
#   scripts/lint-protos.sh lint       buf lint (style rules from protos/buf.yaml; grpc/ and google/ are ignored)
#   scripts/lint-protos.sh breaking   buf breaking against the contracts before their latest change:
#                                     uncommitted changes are checked against HEAD; otherwise the newest commit
#                                     that touched protos/ is checked against its parent. MAPPA_BUF_AGAINST=<git ref>
#                                     picks another baseline (e.g. origin/main); MAPPA_BUF_AGAINST=none skips.
#   scripts/lint-protos.sh            both
#
# Exit status: 0 passed, 1 failed, 3 skipped (no earlier contracts to compare with).
set -euo pipefail
# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
MAPPA_LOG_TAG=buf
repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
buf="$repo_root/tools/node/node_modules/.bin/buf"
[[ -x $buf ]] || die "buf is not installed: run scripts/install-deps.sh"
cd "$repo_root"

lint() {
    "$buf" lint protos
    log "lint: passed ($(find protos -name '*.proto' | wc -l) files)"
}

# Prints the git revision to compare with, or nothing (with the reason on stderr) when there is none.
baseline() {
    if [[ -n ${MAPPA_BUF_AGAINST:-} ]]; then
        [[ $MAPPA_BUF_AGAINST == none ]] && { log "breaking: skipped (MAPPA_BUF_AGAINST=none)"; return; }
        git rev-parse -q --verify "$MAPPA_BUF_AGAINST^{commit}" || die "MAPPA_BUF_AGAINST=$MAPPA_BUF_AGAINST is not a commit"
        return
    fi
    git rev-parse -q --verify HEAD >/dev/null || { log "breaking: skipped (no commits yet)"; return; }
    if [[ -n $(git status --porcelain -- protos) ]]; then
        git rev-parse HEAD
        return
    fi
    local last
    last=$(git log -1 --format=%H -- protos)
    if [[ -z $last ]] || ! git rev-parse -q --verify "$last^" >/dev/null; then
        if [[ $(git rev-parse --is-shallow-repository) == true ]]; then
            log "breaking: skipped (a shallow clone: the commit before the contracts' latest change is missing)"
        else
            log "breaking: skipped (the contracts' latest change is the first commit: nothing earlier to compare with)"
        fi
        return
    fi
    git rev-parse "$last^"
}

breaking() {
    local against
    against=$(baseline)
    [[ -n $against ]] || exit 3
    if ! git ls-tree -r --name-only "$against" -- protos | grep -q '\.proto$'; then
        log "breaking: skipped (no contracts at ${against:0:12} to compare with)"
        exit 3
    fi
    baseline_dir=$(mktemp -d)
    trap 'rm -rf "$baseline_dir"' EXIT
    git archive "$against" protos | tar -x -C "$baseline_dir"
    "$buf" breaking protos --against "$baseline_dir/protos"
    log "breaking: passed against ${against:0:12} ($(git log -1 --format=%s "$against" | cut -c1-60))"
}

case "${1:-all}" in
    lint) lint ;;
    breaking) breaking ;;
    all) lint; breaking ;;
    *) echo "usage: $0 [lint|breaking|all]" >&2; exit 2 ;;
esac
