#!/bin/sh
# The Authenticode API (mum/signature.h) on PE files, through
# tests/tools/pesig (TAP): images signed by osslsigncode with the throwaway
# test CA, and netcfgx.dll of KB2938772 as Microsoft signed it.  The
# verdicts: trusted with the right anchor, signed-untrusted without anchors
# or with the wrong one, integrity-failed (file-digest) once a byte of the
# file changes.
set -u
SRCDIR=${MUM_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILDDIR=${MUM_BUILDDIR:-.}
REALDATA=${MUM_REALDATA:-$SRCDIR/../shared/realdata}
PESIG=$BUILDDIR/tests/tools/pesig
MKPE=$BUILDDIR/tests/tools/mkpe

if ! command -v osslsigncode >/dev/null 2>&1; then
    echo "1..0 # SKIP osslsigncode is not installed (tools/install-deps)"
    exit 0
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/mum-authenticode.XXXXXX") || exit 99
trap 'rm -rf "$work"' EXIT INT TERM
sh "$SRCDIR/tests/tools/make-test-ca.sh" "$work/ca" || exit 99

n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); echo "not ok $n - $1"; }
expect() { # description want-exit pattern pesig-args...
    desc=$1 want=$2 pat=$3
    shift 3
    "$PESIG" "$@" > "$work/out" 2>&1
    rc=$?
    if [ $rc -eq "$want" ] && grep -q -- "$pat" "$work/out"; then
        ok "$desc"
    else
        not_ok "$desc (exit $rc, want $want and '$pat')"
        sed 's/^/# /' "$work/out"
    fi
}

"$MKPE" --pe32plus --sections 3 --overlay 13 "$work/img.dll" || exit 99
osslsigncode sign -h sha256 -certs "$work/ca/leaf.pem" -ac "$work/ca/inter.pem" -key "$work/ca/leaf.key" \
    -in "$work/img.dll" -out "$work/signed.dll" >/dev/null 2>&1 || exit 99
expect "signed with a chain: trusted with the root as anchor" 0 "signed.dll: trusted sha256 CN=mumtool test leaf" \
    --trust "$work/ca/root.pem" "$work/signed.dll"
expect "no anchors: signed-untrusted (no-anchors)" 1 "signed-untrusted no-anchors" "$work/signed.dll"
expect "an unrelated anchor: signed-untrusted (unknown-root)" 1 "signed-untrusted unknown-root" \
    --trust "$work/ca/other.pem" "$work/signed.dll"
cp "$work/signed.dll" "$work/changed.dll"
printf 'X' | dd of="$work/changed.dll" bs=1 seek=1200 conv=notrunc 2>/dev/null
expect "a changed byte: integrity-failed (file-digest)" 1 "integrity-failed file-digest" \
    --trust "$work/ca/root.pem" "$work/changed.dll"
expect "an unsigned file: no signature" 3 "not signed" "$work/img.dll"

cab="$REALDATA/msu/Windows8.1-KB2938772-x64.cab"
if [ -f "$cab" ] && command -v cabextract >/dev/null 2>&1; then
    cabextract -q -d "$work/real" -F '*/netcfgx.dll' "$cab" >/dev/null 2>&1
    dll=$(find "$work/real" -path '*amd64_*' -name netcfgx.dll | head -n 1)
    expect "netcfgx.dll: intact, signed-untrusted without anchors" 1 \
        "netcfgx.dll: signed-untrusted no-anchors sha256 CN=Microsoft Windows," "$dll"
    # Microsoft's CAs, from the file's own signature
    osslsigncode extract-signature -pem -in "$dll" -out "$work/sig.pem" >/dev/null 2>&1
    openssl pkcs7 -in "$work/sig.pem" -print_certs > "$work/certs.pem" 2>/dev/null
    awk '/^subject=/ { keep = /Production PCA 2011/ } /BEGIN CERT/ { buf = "" } { buf = buf $0 "\n" }
        /END CERT/ && keep { printf "%s", buf; exit }' "$work/certs.pem" > "$work/pca.pem"
    # the timestamp's CA travels in the RFC 3161 token, which pesig reads too:
    # trust the signer's CA only and the time cannot come from the timestamp
    expect "netcfgx.dll: the timestamp's signer is not trusted, so now is used" 1 \
        "time used: now" --trust "$work/pca.pem" "$dll"
    cp "$dll" "$work/netcfgx.dll"
    printf 'X' | dd of="$work/netcfgx.dll" bs=1 seek=5000 conv=notrunc 2>/dev/null
    expect "netcfgx.dll with a changed byte: integrity-failed (file-digest)" 1 "integrity-failed file-digest" \
        "$work/netcfgx.dll"
else
    n=$((n + 1))
    echo "ok $n - netcfgx.dll # SKIP real data or cabextract absent (set MUM_REALDATA)"
fi
echo "1..$n"
