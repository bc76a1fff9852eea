#!/usr/bin/env bash
# Development TLS material for docker-compose: a CA, a server certificate for every service name the compose file
# uses, and (for trying mutual TLS) a client certificate for one partner agency. Never for production: mount the
# deployment's own certificates at /etc/mappa/tls instead.
#
#   scripts/dev-certs.sh [DIR]        default DIR: deploy/tls (git ignores the generated files)
#
# Writes ca.pem/ca.key, server.pem/server.key, agency-ca.pem/agency-ca.key and police-scotland.pem/.key.
set -euo pipefail
dir="${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/deploy/tls}"
mkdir -p "$dir"
cd "$dir"
command -v openssl >/dev/null || { echo "dev-certs: openssl is required" >&2; exit 1; }

days=825
names="riskassessment riskassessment-2 caseconference caseconference-2 scheduling scheduling-2 grpc-balancer suite localhost"
san="$(for n in $names; do printf 'DNS:%s,' "$n"; done)IP:127.0.0.1"

new_ca() { # file-stem subject
    openssl ecparam -name prime256v1 -genkey -noout -out "$1.key"
    openssl req -x509 -new -key "$1.key" -sha256 -days "$days" -subj "$2" \
        -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" -out "$1.pem"
}

issue() { # file-stem subject ca-stem extensions
    openssl ecparam -name prime256v1 -genkey -noout -out "$1.key"
    openssl req -new -key "$1.key" -subj "$2" -out "$1.csr"
    openssl x509 -req -in "$1.csr" -CA "$3.pem" -CAkey "$3.key" -CAcreateserial -sha256 -days "$days" \
        -extfile <(printf '%s\n' "$4") -out "$1.pem"
    rm -f "$1.csr"
}

new_ca ca "/CN=MAPPA suite development CA"
issue server "/CN=mappa-suite" ca "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=$san"

new_ca agency-ca "/CN=MAPPA partner agencies development CA"
issue police-scotland "/CN=police-gateway/O=Police Scotland" agency-ca "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=clientAuth"

chmod 644 ./*.pem
chmod 644 server.key   # read by the services' non-root user inside the containers; development only
echo "dev-certs: wrote $(ls "$dir" | tr '\n' ' ')in $dir"
