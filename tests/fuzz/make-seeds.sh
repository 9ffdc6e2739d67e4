#!/bin/sh
# make-seeds.sh MUMTOOL MKPE OUTDIR - the seed inputs the catalog and pe
# corpora were grown from with libFuzzer (see README.md): small catalogs made
# by 'mumtool cat create' (v1 and v2, unsigned, signed with the throwaway
# test CA, RFC 3161 timestamped by osslsigncode's own TSA) and PE images
# made by mkpe (PE32, PE32+, one signed by osslsigncode).  No real
# (Microsoft) file is used.
set -eu
mumtool=$1 mkpe=$2 out=$3
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/mum-seeds.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
sh "$here/../tools/make-test-ca.sh" "$work/ca"
ca=$work/ca
mkdir -p "$out/catalog" "$out/pe"
cd "$work"
printf 'hello\n' > a.txt
"$mkpe" --sections 1 a.dll
"$mkpe" --pe32plus --sections 2 --overlay 13 b.dll
t="--time 2024-01-01"
"$mumtool" cat create -o "$out/catalog/seed-v2-unsigned" $t --attr OSAttr=2:6.1 a.txt
"$mumtool" cat create -o "$out/catalog/seed-v1-unsigned" $t --v1 a.txt a.dll
"$mumtool" cat create -o "$out/catalog/seed-v2-signed" $t --key "$ca/signer.key" --cert "$ca/signer.pem" a.dll
"$mumtool" cat create -o "$out/catalog/seed-v1-signed-sha1" $t --v1 --sha1 \
    --key "$ca/signer.key" --cert "$ca/signer.pem" --description seed a.txt
"$mumtool" cat create -o s.cat $t --key "$ca/signer.key" --cert "$ca/signer.pem" a.txt
osslsigncode add -TSA-certs "$ca/tsa.pem" -TSA-key "$ca/tsa.key" -TSA-time 1704067200 \
    -in s.cat -out "$out/catalog/seed-v2-timestamped" >/dev/null
cp a.dll "$out/pe/seed-pe32"
cp b.dll "$out/pe/seed-pe32plus-unaligned"
osslsigncode sign -h sha256 -certs "$ca/signer.pem" -key "$ca/signer.key" -in a.dll \
    -out "$out/pe/seed-pe32-signed" >/dev/null
