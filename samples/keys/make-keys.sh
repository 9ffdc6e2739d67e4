#!/bin/sh
# Makes the THROWAWAY TEST keys and certificates the samples are signed with.
# They protect nothing: the private keys are committed on purpose so that
# `make samples` is deterministic.  NEVER trust samples/test-ca.pem for
# anything but these samples.
#
# Run once (it was, to make the committed files); running it again makes
# new keys, and then every signed sample changes.
#
#   test-ca.key / test-ca.pem       "mumtool TEST CA" (self-signed root)
#   signer.key  / signer.pem        "mumtool TEST package signer", issued by the test CA
#   rogue-ca.key / rogue-ca.pem     "mumtool TEST rogue CA", trusted by nobody
#   rogue-signer.key / .pem         issued by the rogue CA (the untrusted-signature twin)
#
# Validity 2000-01-01 .. 2099-12-31, so the samples' fixed signing time
# (2008-07-15) falls inside it.
set -eu
cd "$(dirname "$0")"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

ca() { # name subject
    openssl req -x509 -newkey rsa:2048 -nodes -keyout "$1.key" -subj "$2" \
        -days 36500 -sha256 -out "$work/$1.tmp.pem" \
        -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign \
        -addext subjectKeyIdentifier=hash 2>/dev/null
    # re-issue with fixed dates through 'openssl ca' (req -x509 cannot set them)
    mkdir -p "$work/$1"
    : > "$work/$1/index.txt"
    echo 01 > "$work/$1/serial"
    cat > "$work/$1/ca.cnf" <<CNF
[ca]
default_ca = this
[this]
dir = $work/$1
database = \$dir/index.txt
serial = \$dir/serial
new_certs_dir = \$dir
default_md = sha256
policy = any
unique_subject = no
copy_extensions = none
[any]
commonName = supplied
organizationName = optional
[v3_ca]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[v3_signer]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = codeSigning
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
CNF
    openssl req -new -key "$1.key" -subj "$2" -out "$work/$1.csr"
    openssl ca -batch -config "$work/$1/ca.cnf" -selfsign -keyfile "$1.key" \
        -startdate 20000101000000Z -enddate 20991231235959Z -extensions v3_ca \
        -in "$work/$1.csr" -out "$1.pem" 2>/dev/null
}

leaf() { # name subject issuer
    openssl req -new -newkey rsa:2048 -nodes -keyout "$1.key" -subj "$2" -out "$work/$1.csr" 2>/dev/null
    openssl ca -batch -config "$work/$3/ca.cnf" -cert "$3.pem" -keyfile "$3.key" \
        -startdate 20000101000000Z -enddate 20991231235959Z -extensions v3_signer \
        -in "$work/$1.csr" -out "$work/$1.full" 2>/dev/null
    openssl x509 -in "$work/$1.full" -out "$1.pem"
}

ca test-ca "/O=mumtool/CN=mumtool TEST CA (throwaway, for the samples only)"
leaf signer "/O=mumtool/CN=mumtool TEST package signer (throwaway)" test-ca
ca rogue-ca "/O=mumtool/CN=mumtool TEST rogue CA (trusted by nobody)"
leaf rogue-signer "/O=mumtool/CN=mumtool TEST rogue signer (throwaway)" rogue-ca
openssl x509 -in test-ca.pem -out test-ca.pem
openssl x509 -in rogue-ca.pem -out rogue-ca.pem
echo "made: $(ls ./*.key ./*.pem | tr '\n' ' ')"
