#!/bin/sh
# A cabinet's Authenticode digest (TAP): what `mumtool info` computes
# equals the "Calculated message digest" of `osslsigncode verify` - on the
# real signed KB2465285 packages and the cabinets inside them, and on
# cabinets made with gcab and signed here with a throwaway key, with SHA-1
# and with SHA-256, on their own and nested in another cabinet.
set -u
: "${MUMTOOL:?}"
REALDATA=${MUM_REALDATA:-$(cd "$(dirname "$0")/../.." && pwd)/../shared/realdata}
for tool in osslsigncode openssl gcab cabextract; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "1..0 # SKIP $tool is not installed"
        exit 0
    fi
done
work=$(mktemp -d "${TMPDIR:-/tmp}/mum-sig.XXXXXX") || exit 99
trap 'rm -rf "$work"' EXIT INT TERM

n=0
report() { # ok|not ok, description
    n=$((n + 1))
    echo "$1 $n - $2"
}

# osslsigncode's digest (lower case) and algorithm of a signed cabinet
ossl() {
    osslsigncode verify -in "$1" 2>/dev/null | awk '
        /^Message digest algorithm  *:/ { alg = tolower($NF) }
        /^Calculated message digest/ { print alg, tolower($5); exit }'
}

# mumtool's digest of the cabinet at nested path $2 of input $1, for algorithm $3
mum() {
    "$MUMTOOL" info --json "$1" | awk -v path="$2" -v alg="$3" '
        /"path":/ { p = $2; gsub(/[",]/, "", p); inbox = (p == path) }
        inbox && $1 == "\"" alg "\":" { v = $2; gsub(/[",]/, "", v); print v; exit }'
}

check() { # input nested-path signed-file description
    set -- "$1" "$2" "$3" "$4" $(ossl "$3")
    if [ $# -lt 6 ]; then
        report "not ok" "$4: osslsigncode printed no digest"
        return
    fi
    got=$(mum "$1" "$2" "$5")
    if [ -n "$got" ] && [ "$got" = "$6" ]; then
        report ok "$4: $5 $got"
    else
        report "not ok" "$4: osslsigncode $5 $6, mumtool '$got'"
    fi
}

plan=7
real=""
[ -d "$REALDATA/msu" ] && real=yes && plan=$((plan + 6))
echo "1..$plan"

if [ -n "$real" ]; then
    for arch in x64 x86; do
        msu="$REALDATA/msu/Windows6.1-KB2465285-$arch.msu"
        check "$msu" "" "$msu" "Windows6.1-KB2465285-$arch.msu"
        d="$work/$arch"
        mkdir "$d"
        cabextract -q -d "$d" "$msu" >/dev/null 2>&1
        for inner in "Windows6.1-KB2465285-$arch.cab" WSUSSCAN.cab; do
            check "$msu" "$inner" "$d/$inner" "$inner inside the .msu, read in its stream"
        done
    done
fi

cd "$work" || exit 99
openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem -days 2 \
    -subj "/CN=mumtool throwaway test signer" >/dev/null 2>&1
printf 'hello, signed cabinet\n' > a.txt
seq 1 20000 > b.txt
cp "${MUM_SRCDIR:-.}/tests/fixtures/containers/nested.cab" c.bin 2>/dev/null || printf 'x' > c.bin
gcab -c -z mszip.cab a.txt b.txt c.bin >/dev/null
gcab -c stored.cab a.txt b.txt >/dev/null
for cab in mszip stored; do
    for h in sha1 sha256; do
        osslsigncode sign -certs cert.pem -key key.pem -h "$h" -in "$cab.cab" -out "$cab-$h.cab" >/dev/null 2>&1
        check "$cab-$h.cab" "" "$cab-$h.cab" "a $cab cabinet signed here with $h"
    done
done
# a signed cabinet nested in an unsigned one, its digest computed on the fly
mkdir outer && cp mszip-sha256.cab outer/inner.cab && (cd outer && gcab -c ../outer.cab inner.cab >/dev/null)
check outer.cab inner.cab mszip-sha256.cab "a signed cabinet nested in another"
# a signature whose bytes are changed leaves the digest alone; the data does not
cp stored-sha256.cab flipped.cab
size=$(wc -c < flipped.cab)
printf 'Z' | dd of=flipped.cab bs=1 seek=$((size - 40)) conv=notrunc 2>/dev/null
a=$(mum stored-sha256.cab "" sha256)
b=$(mum flipped.cab "" sha256)
if [ -n "$a" ] && [ "$a" = "$b" ]; then
    report ok "a changed signature byte leaves the digest as it was"
else
    report "not ok" "a changed signature byte leaves the digest as it was ($a, $b)"
fi
cp stored-sha256.cab data.cab
printf 'Z' | dd of=data.cab bs=1 seek=32 conv=notrunc 2>/dev/null # setID: covered, not checked by readers
c=$(mum data.cab "" sha256)
expected=$(ossl data.cab | awk '{ print $2 }')
if [ -n "$c" ] && [ "$c" != "$a" ] && [ "$c" = "$expected" ]; then
    report ok "a changed header byte changes the digest as osslsigncode computes it"
else
    report "not ok" "a changed header byte changes the digest ($a, $c, osslsigncode $expected)"
fi
exit 0
