#!/bin/sh
# A cabinet's Authenticode digest and signature (TAP): what `mumtool info`
# computes equals the "Calculated message digest" of `osslsigncode verify` -
# on the real signed KB2465285 packages and the cabinets inside them, and on
# cabinets made with gcab and signed here with a throwaway key, with SHA-1
# and with SHA-256, on their own and nested in another cabinet.  Then the
# verdicts: mumtool's signed digest is osslsigncode's "Current message
# digest" and integrity holds where osslsigncode's two digests agree; the
# KB2938772 cabinets carry none; a cabinet signed with the throwaway test CA
# (tests/tools/make-test-ca.sh) is trusted with --trust on its root exactly
# when `osslsigncode verify -CAfile` accepts it, signed-untrusted without
# (an untrusted-root warning against the built-in anchors, integrity only
# with --no-default-trust); the real ones are trusted by the built-in anchors;
# a flipped data byte fails integrity (file-digest) where osslsigncode's
# digests differ; a cut signature is an error, not a crash.
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

# the first value of JSON key $3 in the container at nested path $2 of
# `mumtool info --json $1` (further arguments go to mumtool)
field() {
    input=$1 path=$2 key=$3
    shift 3
    "$MUMTOOL" info --json "$@" "$input" | awk -v path="$path" -v key="$key" '
        /"path":/ { p = $2; gsub(/[",]/, "", p); inbox = (p == path) }
        inbox && $1 == "\"" key "\":" { v = $2; gsub(/[",]/, "", v); print v; exit }'
}

# mumtool's digest of the cabinet at nested path $2 of input $1, for algorithm $3
mum() {
    field "$1" "$2" "$3"
}

# osslsigncode's signed ("Current") and computed digests, lower case
ossl_current() {
    osslsigncode verify -in "$1" 2>/dev/null | awk '
        /^Current message digest/ { c = tolower($5) }
        /^Calculated message digest/ { print c, tolower($5); exit }'
}

# The verdict on a cabinet signed by Microsoft: intact for both tools,
# trusted by mumtool's built-in anchors, and the same signed digest.
verdict_real() { # input nested-path signed-file description
    set -- "$1" "$2" "$3" "$4" $(ossl_current "$3")
    status=$(field "$1" "$2" status)
    signed=$(field "$1" "$2" digest)
    if [ $# -eq 6 ] && [ "$5" = "$6" ] && [ "$status" = trusted ] && [ "$signed" = "$5" ]; then
        report ok "$4: intact for both, trusted by the built-in anchors, signed digest $signed"
    else
        report "not ok" "$4: osslsigncode signed/computed '${5:-}' '${6:-}', mumtool $status, signed '$signed'"
    fi
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

plan=16
real=""
[ -d "$REALDATA/msu" ] && real=yes && plan=$((plan + 14))
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
        verdict_real "$msu" "" "$msu" "Windows6.1-KB2465285-$arch.msu"
        for inner in "Windows6.1-KB2465285-$arch.cab" WSUSSCAN.cab; do
            verdict_real "$msu" "$inner" "$d/$inner" "$inner inside the .msu"
        done
    done
    for arch in x64 x86; do
        cab="$REALDATA/msu/Windows8.1-KB2938772-$arch.cab"
        status=$(field "$cab" "" status)
        if [ "$status" = none ] && osslsigncode verify -in "$cab" 2>&1 | grep -q "No signature found"; then
            report ok "Windows8.1-KB2938772-$arch.cab: no signature for both"
        else
            report "not ok" "Windows8.1-KB2938772-$arch.cab: no signature for both (mumtool '$status')"
        fi
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

# ---- verdicts with the throwaway test CA ----
sh "${MUM_SRCDIR:-.}/tests/tools/make-test-ca.sh" "$work/ca" || exit 99
ca=$work/ca

# exit status, status and signed digest of `mumtool info --json [options] CAB` at path ""
verdict() { # cab [options]
    cab=$1
    shift
    "$MUMTOOL" info --json "$@" "$cab" > "$work/info.json" 2> "$work/info.err"
    rc=$?
    st=$(field "$cab" "" status "$@")
    fc=$(field "$cab" "" failedCheck "$@")
}
for h in sha1 sha256; do
    osslsigncode sign -certs "$ca/signer.pem" -key "$ca/signer.key" -h "$h" -in stored.cab -out "ca-$h.cab" \
        >/dev/null 2>&1
    verdict "ca-$h.cab" --trust "$ca/root.pem"
    if [ "$rc" -eq 0 ] && [ "$st" = trusted ] &&
        osslsigncode verify -CAfile "$ca/root.pem" -in "ca-$h.cab" 2>/dev/null | grep -q "^Succeeded"; then
        report ok "test CA, $h: trusted with --trust root.pem, and osslsigncode -CAfile accepts it"
    else
        report "not ok" "test CA, $h: trusted with --trust root.pem (exit $rc, status '$st')"
    fi
done
verdict ca-sha256.cab
if [ "$rc" -eq 1 ] && [ "$st" = signed-untrusted ] && grep -q signature.untrusted-root "$work/info.json"; then
    report ok "test CA: signed-untrusted without --trust (not a built-in root: a warning, exit 1)"
else
    report "not ok" "test CA: signed-untrusted without --trust, exit 1 (exit $rc, status '$st')"
fi
verdict ca-sha256.cab --no-default-trust
if [ "$rc" -eq 0 ] && [ "$st" = signed-untrusted ] && grep -q signature.no-anchors "$work/info.json"; then
    report ok "test CA: with --no-default-trust and no --trust, integrity only (signature.no-anchors, exit 0)"
else
    report "not ok" "test CA: --no-default-trust, integrity only, exit 0 (exit $rc, status '$st')"
fi
verdict ca-sha256.cab --trust "$ca/other.pem"
if [ "$rc" -eq 1 ] && [ "$st" = signed-untrusted ] && grep -q signature.untrusted-root "$work/info.json" &&
    ! osslsigncode verify -CAfile "$ca/other.pem" -in ca-sha256.cab 2>/dev/null | grep -q "^Succeeded"; then
    report ok "test CA: an unrelated anchor leaves it untrusted (exit 1), and osslsigncode rejects it"
else
    report "not ok" "test CA: an unrelated anchor leaves it untrusted (exit $rc, status '$st')"
fi
rm -rf outer2 && mkdir outer2 && cp ca-sha256.cab outer2/inner.cab && (cd outer2 && gcab -c ../outer2.cab inner.cab >/dev/null)
st=$(field outer2.cab inner.cab status --trust "$ca/root.pem")
outer=$(field outer2.cab "" status --trust "$ca/root.pem")
if [ "$st" = trusted ] && [ "$outer" = none ]; then
    report ok "test CA: a signed cabinet nested in an unsigned one is trusted, the outer one has none"
else
    report "not ok" "test CA: nested signed cabinet (inner '$st', outer '$outer')"
fi
# one flipped byte inside the cabinet's data: the first byte of the first
# CFDATA block of the stored cabinet (at the folder's coffCabStart, byte 60
# of a signed header; its data 8 bytes on), the block's checksum set to 0
# ("none"), so readers still read it
cp ca-sha256.cab ca-flip.cab
start=$(od -An -tu4 -j60 -N4 ca-flip.cab | tr -d ' ')
printf 'J' | dd of=ca-flip.cab bs=1 seek=$((start + 8)) conv=notrunc 2>/dev/null
printf '\000\000\000\000' | dd of=ca-flip.cab bs=1 seek="$start" conv=notrunc 2>/dev/null
verdict ca-flip.cab --trust "$ca/root.pem"
set -- $(ossl_current ca-flip.cab)
if [ "$rc" -eq 1 ] && [ "$st" = integrity-failed ] && [ "$fc" = file-digest ] && [ $# -eq 2 ] && [ "$1" != "$2" ]; then
    report ok "a flipped data byte: integrity-failed (file-digest), exit 1; osslsigncode's digests differ too"
else
    report "not ok" "a flipped data byte (exit $rc, status '$st', check '$fc', osslsigncode '$*')"
fi
# the file cut inside the signature
sigat=$(od -An -tu4 -j44 -N4 ca-sha256.cab | tr -d ' ')
siglen=$(od -An -tu4 -j48 -N4 ca-sha256.cab | tr -d ' ')
head -c $((sigat + siglen / 2)) ca-sha256.cab > ca-cut.cab
verdict ca-cut.cab
# is corrupt input: info cannot run (exit 3) and says where the file ends
if [ "$rc" -eq 3 ] && grep -q "^mumtool: ca-cut.cab: at offset $((sigat + siglen / 2)): truncated" "$work/info.err"; then
    report ok "a file cut inside its signature: exit 3, the file and the offset named"
else
    report "not ok" "a file cut inside its signature (exit $rc, status '$st')"
    sed 's/^/# /' "$work/info.err"
fi
# the signature cut and the header's length with it: consistent, but no whole DER
cp ca-cut.cab ca-short.cab
half=$((siglen / 2))
printf "$(printf '\\%03o\\%03o\\%03o\\%03o' $((half & 255)) $((half >> 8 & 255)) $((half >> 16 & 255)) $((half >> 24)))" |
    dd of=ca-short.cab bs=1 seek=48 conv=notrunc 2>/dev/null
verdict ca-short.cab
if [ "$rc" -eq 1 ] && [ "$st" = malformed ] && grep -q container.signature-malformed "$work/info.json" &&
    ! osslsigncode verify -in ca-short.cab 2>/dev/null | grep -q "^Succeeded"; then
    report ok "a signature cut with its length: malformed, container.signature-malformed, exit 1"
else
    report "not ok" "a signature cut with its length (exit $rc, status '$st')"
    sed 's/^/# /' "$work/info.err"
fi
exit 0
