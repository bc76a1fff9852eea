#!/usr/bin/env bash
# Installs what the tests need beyond the .NET SDK, and does nothing (quickly) when it is all there:
# Debian packages for the servers and the real gRPC/AMQP peers, and the npm tools in tools/node.
set -euo pipefail
# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
MAPPA_LOG_TAG=install
repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

apt_packages=(
    rabbitmq-server                 # message broker for the messaging integration tests
    postgresql                      # database for the persistence integration tests
    python3-grpcio                  # a real gRPC peer (C-core) for the interoperability tests
    python3-grpc-tools              # protoc for Python stubs
    python3-pika                    # a real AMQP client
    python3-yaml                    # docker-compose.yml validation
    nghttp2-client                  # h2load, HTTP/2 load against the gRPC endpoints
)
# Not in Debian 12: python3-googleapis-common-protos (google.rpc.Status for Python); peers that need it
# compile google/rpc/status.proto themselves.
command -v npm >/dev/null 2>&1 || apt_packages+=(nodejs npm)

is_installed() {
    [[ $(dpkg-query -W -f='${Status}' "$1" 2>/dev/null) == "install ok installed" ]]
}

install_debian_packages() {
    local missing=() package
    for package in "${apt_packages[@]}"; do
        is_installed "$package" || missing+=("$package")
    done
    if (( ${#missing[@]} == 0 )); then
        log "Debian packages: all present"
        return
    fi
    (( EUID == 0 )) || die "missing Debian packages (${missing[*]}); run as root or: sudo apt-get install -y ${missing[*]}"
    log "Debian packages missing: ${missing[*]}"
    local attempt
    for attempt in 1 2 3; do
        apt-get update -qq -o DPkg::Lock::Timeout=600 && break
        (( attempt < 3 )) || die "apt-get update failed"
        log "apt-get update failed; retrying"
        sleep 5
    done
    local unavailable=()
    for package in "${missing[@]}"; do
        apt-cache policy "$package" | grep -q 'Candidate: [^(]' || unavailable+=("$package")
    done
    (( ${#unavailable[@]} == 0 )) || die "not available from the configured apt sources: ${unavailable[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=600 "${missing[@]}" >/dev/null
    log "Debian packages installed"
}

# npm ci wipes and refills node_modules; skip it while node_modules matches the committed lock file.
install_npm_tools() {
    local tools="$repo_root/tools/node" stamp wanted
    stamp="$tools/node_modules/.mappa-lock-sha256"
    wanted=$(sha256sum "$tools/package-lock.json" | cut -d' ' -f1)
    if [[ -f $stamp && $(<"$stamp") == "$wanted" && -x $tools/node_modules/.bin/buf ]]; then
        log "npm tools: up to date"
        return
    fi
    log "npm tools: installing from tools/node/package-lock.json"
    (cd "$tools" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
    echo "$wanted" >"$stamp"
}

install_debian_packages
install_npm_tools
