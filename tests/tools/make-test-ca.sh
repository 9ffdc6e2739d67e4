#!/bin/sh
# make-test-ca.sh DIR - makes throwaway certificates and keys for the tests,
# with the openssl command line, into DIR (created; must not exist yet).
# Nothing here is committed: the tests run this at test time.  Validity
# periods are fixed dates, so tests can evaluate chains in the past:
#
#   root.pem/.key        a self-signed CA ("mumtool test root"), 2019-2045
#   signer.pem/.key      code signing, issued by root, 2019-2045
#   inter.pem/.key       an intermediate CA issued by root, 2019-2045
#   leaf.pem/.key        code signing, issued by inter (needs --chain inter.pem)
#   tls.pem/.key         issued by root for server authentication only
#   expired.pem/.key     code signing, issued by root, valid only in 2020
#   tsa.pem/.key         time stamping (critical EKU), issued by root
#   other.pem/.key       an unrelated self-signed CA, 2019-2045
#   other-tsa.pem/.key   time stamping, issued by other
set -eu
dir=$1
mkdir "$dir"
cd "$dir"
from=20190101000000Z
until=20450101000000Z

mkdir ca.d
: > ca.d/index.txt
echo 02 > ca.d/serial
cat > ca.cnf <<'EOC'
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
email_in_dn = no
[anything]
organizationName = optional
commonName = supplied
[req]
distinguished_name = dn
[dn]
[ca_ext]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[code]
basicConstraints = CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = codeSigning
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[tls]
basicConstraints = CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
authorityKeyIdentifier = keyid
[tsa]
basicConstraints = CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = critical,timeStamping
authorityKeyIdentifier = keyid
EOC

request() { # name subject
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1.key" 2>/dev/null
    openssl req -new -config ca.cnf -key "$1.key" -subj "$2" -out "$1.csr" 2>/dev/null
}

selfsigned() { # name subject
    request "$1" "$2"
    openssl ca -batch -config ca.cnf -selfsign -keyfile "$1.key" -in "$1.csr" -out "$1.pem" \
        -notext -extensions ca_ext -startdate $from -enddate $until 2>/dev/null
}

issue() { # name subject issuer extensions [start end]
    request "$1" "$2"
    openssl ca -batch -config ca.cnf -cert "$3.pem" -keyfile "$3.key" -in "$1.csr" -out "$1.pem" \
        -notext -extensions "$4" -startdate "${5:-$from}" -enddate "${6:-$until}" 2>/dev/null
}

selfsigned root "/O=mumtool tests/CN=mumtool test root"
selfsigned other "/O=mumtool tests/CN=mumtool unrelated root"
issue signer "/O=mumtool tests/CN=mumtool test signer" root code
issue inter "/O=mumtool tests/CN=mumtool test intermediate" root ca_ext
issue leaf "/O=mumtool tests/CN=mumtool test leaf" inter code
issue tls "/O=mumtool tests/CN=mumtool test server" root tls
issue expired "/O=mumtool tests/CN=mumtool expired signer" root code 20200101000000Z 20201231000000Z
issue tsa "/O=mumtool tests/CN=mumtool test TSA" root tsa
issue other-tsa "/O=mumtool tests/CN=mumtool unrelated TSA" other tsa
rm -rf ca.d ca.cnf ./*.csr
