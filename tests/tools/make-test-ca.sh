#!/bin/sh
# make-test-ca.sh DIR - makes throwaway certificates and keys for the tests,
# with the openssl command line, into DIR (created; must not exist yet).
# Nothing here is committed: the tests run this at test time.
#
#   root.pem/.key        a self-signed CA ("mumtool test root")
#   signer.pem/.key      code signing, issued by root
#   inter.pem/.key       an intermediate CA issued by root
#   leaf.pem/.key        code signing, issued by inter (needs --chain inter.pem)
#   tls.pem/.key         issued by root for server authentication only
#   expired.pem/.key     code signing, issued by root, valid only in 2020
#   other.pem/.key       an unrelated self-signed CA
set -eu
dir=$1
mkdir "$dir"
cd "$dir"
days=3650

key() { openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1.key" 2>/dev/null; }

ca_ext='basicConstraints=critical,CA:TRUE
keyUsage=critical,keyCertSign,cRLSign
subjectKeyIdentifier=hash'
code_ext='basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=codeSigning
authorityKeyIdentifier=keyid'
tls_ext='basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
authorityKeyIdentifier=keyid'

selfsigned() { # name subject
    key "$1"
    openssl req -new -x509 -key "$1.key" -out "$1.pem" -subj "$2" -days $days \
        -addext "basicConstraints=critical,CA:TRUE" \
        -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
}

issue() { # name subject issuer extensions serial
    key "$1"
    openssl req -new -key "$1.key" -out "$1.csr" -subj "$2" 2>/dev/null
    printf '%s\n' "$4" > "$1.ext"
    openssl x509 -req -in "$1.csr" -CA "$3.pem" -CAkey "$3.key" -set_serial "$5" -days $days \
        -extfile "$1.ext" -out "$1.pem" 2>/dev/null
}

selfsigned root "/O=mumtool tests/CN=mumtool test root"
selfsigned other "/O=mumtool tests/CN=mumtool unrelated root"
issue signer "/O=mumtool tests/CN=mumtool test signer" root "$code_ext" 2
issue inter "/O=mumtool tests/CN=mumtool test intermediate" root "$ca_ext
authorityKeyIdentifier=keyid" 3
issue leaf "/O=mumtool tests/CN=mumtool test leaf" inter "$code_ext" 4
issue tls "/O=mumtool tests/CN=mumtool test server" root "$tls_ext" 5

# A certificate valid only in 2020 needs 'openssl ca', which takes dates.
key expired
openssl req -new -key expired.key -out expired.csr -subj "/O=mumtool tests/CN=mumtool expired signer" 2>/dev/null
mkdir ca.d
: > ca.d/index.txt
echo 06 > ca.d/serial
cat > ca.cnf <<EOC
[ca]
default_ca = tca
[tca]
dir = ca.d
database = ca.d/index.txt
new_certs_dir = ca.d
serial = ca.d/serial
default_md = sha256
policy = anything
unique_subject = no
[anything]
organizationName = optional
commonName = supplied
[code]
$code_ext
EOC
openssl ca -batch -config ca.cnf -cert root.pem -keyfile root.key -in expired.csr \
    -out expired.pem -notext -extensions code \
    -startdate 20200101000000Z -enddate 20201231000000Z 2>/dev/null
rm -rf ca.d ca.cnf ./*.csr ./*.ext ./*.srl
