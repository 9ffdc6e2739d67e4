#!/bin/sh
# make-seeds.sh MUMTOOL MKPE OUTDIR [CORPUS...] - the seed inputs the
# corpora below were grown from with libFuzzer (see README.md), written to
# OUTDIR/<corpus>/seed-*; CORPUS is any of catalog, pe, extract and diff
# (default: all four).  No real (Microsoft) file is used.
#
# - catalog, pe: small catalogs made by 'mumtool cat create' (v1 and v2,
#   unsigned, signed with the throwaway test CA, RFC 3161 timestamped by
#   osslsigncode's own TSA) and PE images made by mkpe (PE32, PE32+, one
#   signed by osslsigncode).  The signatures differ at each run.
# - extract: the cabinets and the MSU of tests/fixtures/containers (hostile
#   names, nesting, an express cabinet, data before the file table).
# - diff: two inputs in one (fuzz_diff.c: a 16-bit little-endian length of
#   the first, then both): two cabinets gcab makes of the manifest
#   fixtures (tests/fixtures/manifest) and a payload, a package manifest
#   and a changed copy of it (a folder each), and a cabinet against a
#   manifest.
set -eu
mumtool=$1 mkpe=$2 out=$3
shift 3
corpora=${*:-catalog pe extract diff}
here=$(cd "$(dirname "$0")" && pwd)
fixtures=$here/../fixtures
work=$(mktemp -d "${TMPDIR:-/tmp}/mum-seeds.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
wants() { case " $corpora " in *" $1 "*) return 0 ;; esac; return 1; }

if wants extract; then
    mkdir -p "$out/extract"
    for f in plain names nested deep express reordered trailing; do
        cp "$fixtures/containers/$f.cab" "$out/extract/seed-$f"
    done
    cp "$fixtures/containers/Windows6.1-KB9999999-x64.msu" "$out/extract/seed-msu"
fi

if wants diff; then
    mkdir -p "$out/diff" "$work/v1" "$work/v2"
    mum=Package_1_for_KB1000001~31bf3856ad364e35~amd64~~6.3.1.0.mum
    man=amd64_contoso-widget_31bf3856ad364e35_1.2.3.4_none_d647602d3fb21d93.manifest
    cp "$fixtures/manifest/$mum" "$work/v1/$mum"
    cp "$fixtures/manifest/contoso-widget.manifest" "$work/v1/$man"
    printf abc > "$work/v1/widget.dll"
    # the second version: the package one version up, the payload changed
    # under the same component version
    mum2=$(echo "$mum" | sed 's/6\.3\.1\.0/6.3.2.0/')
    sed 's/version="6\.3\.1\.0"/version="6.3.2.0"/' "$work/v1/$mum" > "$work/v2/$mum2"
    cp "$work/v1/$man" "$work/v2/$man"
    printf abd > "$work/v2/widget.dll"
    touch -d @1704067200 "$work"/v1/* "$work"/v2/*
    (cd "$work/v1" && gcab -c -n "$work/v1.cab" ./*)
    (cd "$work/v2" && gcab -c -n "$work/v2.cab" ./*)
    # both inputs in one: the first one's length (16 bits, little-endian), then both
    pair() {
        n=$(wc -c < "$1")
        printf "\\$(printf %o $((n % 256)))\\$(printf %o $((n / 256)))" > "$3"
        cat "$1" "$2" >> "$3"
    }
    pair "$work/v1.cab" "$work/v1.cab" "$out/diff/seed-cab-same"
    pair "$work/v1.cab" "$work/v2.cab" "$out/diff/seed-cab-changed"
    pair "$work/v1/$mum" "$work/v2/$mum2" "$out/diff/seed-mum-changed"
    pair "$work/v1.cab" "$work/v2/$mum2" "$out/diff/seed-cab-mum"
fi

wants catalog || wants pe || exit 0
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
