#!/usr/bin/env bash
# Regenerates the TLS test fixtures of this directory with the openssl command line (EC P-256
# keys, SHA-256 signatures, valid from 2000 to 2100 so that a wrong clock does not matter).
# They are throwaway credentials for the transport tests (tests/transport.rs,
# tests/c/test_transport.c) and protect nothing.
#
#   ca.pem                 the test CA (its key is not kept)
#   server.pem server.key  localhost, 127.0.0.1 and ::1, issued by ca.pem
#   client.pem client.key  a client certificate for mutual TLS, issued by ca.pem
#   client-combined.pem    client.pem followed by client.key
#   client-encrypted.key   client.key encrypted with the password "test password"
#   other-ca.pem           an unrelated CA that issued nothing here
#
#   tests/data/tls/make.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
touch "$tmp/index"
cat >"$tmp/ca.cnf" <<CNF
[ca]
default_ca = test
[test]
database = $tmp/index
new_certs_dir = $tmp
serial = $tmp/serial
default_md = sha256
policy = any
unique_subject = no
copy_extensions = none
[any]
commonName = supplied
[ca_ext]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign
[server_ext]
basicConstraints = CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost,IP:127.0.0.1,IP:::1
[client_ext]
basicConstraints = CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = clientAuth
CNF
echo 01 >"$tmp/serial"

newkey() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1"; }
sign() { # CSR OUT EXTENSIONS [CA options...]
    local csr="$1" out="$2" ext="$3"
    shift 3
    openssl ca -batch -config "$tmp/ca.cnf" -notext -startdate 20000101000000Z \
        -enddate 21000101000000Z -extensions "$ext" -in "$csr" -out "$out" "$@" 2>/dev/null
}
selfsigned_ca() { # NAME SUBJECT OUT
    newkey "$tmp/$1.key"
    openssl req -new -key "$tmp/$1.key" -subj "$2" -out "$tmp/$1.csr"
    sign "$tmp/$1.csr" "$3" ca_ext -selfsign -keyfile "$tmp/$1.key"
}
issue() { # NAME SUBJECT EXTENSIONS
    newkey "$1.key"
    openssl req -new -key "$1.key" -subj "$2" -out "$tmp/$1.csr"
    sign "$tmp/$1.csr" "$1.pem" "$3" -cert ca.pem -keyfile "$tmp/ca.key"
}

selfsigned_ca ca "/CN=libtuf test CA" ca.pem
selfsigned_ca other "/CN=libtuf unrelated test CA" other-ca.pem
issue server "/CN=localhost" server_ext
issue client "/CN=libtuf test client" client_ext
cat client.pem client.key >client-combined.pem
openssl pkcs8 -topk8 -in client.key -v2 aes-256-cbc -passout "pass:test password" \
    -out client-encrypted.key
chmod 644 ./*.pem ./*.key
