#!/bin/sh
# Authenticode digests of PE files against an independent implementation
# (TAP): osslsigncode signs test images made by tests/tools/mkpe with a
# throwaway key, and 'osslsigncode verify' prints the digest it calculates;
# 'mumtool cat hash' must give the same for the signed and for the unsigned
# image (the digest leaves the signature out).  With the real data, the same
# for netcfgx.dll of KB2938772, which Microsoft signed.
set -u
: "${MUMTOOL:?}"
SRCDIR=${MUM_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILDDIR=${MUM_BUILDDIR:-.}
REALDATA=${MUM_REALDATA:-$SRCDIR/../shared/realdata}
MKPE=$BUILDDIR/tests/tools/mkpe

if ! command -v osslsigncode >/dev/null 2>&1; then
    echo "1..0 # SKIP osslsigncode is not installed (tools/install-deps)"
    exit 0
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/mum-pe.XXXXXX") || exit 99
trap 'rm -rf "$work"' EXIT INT TERM
sh "$SRCDIR/tests/tools/make-test-ca.sh" "$work/ca" || exit 99

n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); echo "not ok $n - $1"; }

# The digest osslsigncode calculates for a signed file, upper-case hex.
oracle() {
    osslsigncode verify -in "$1" 2>/dev/null | sed -n 's/^Calculated message digest *: *\([0-9A-F]*\).*/\1/p'
}

# mumtool's Authenticode digest (sha1 or sha256), upper-case hex.
ours() {
    key=authenticodeSha1
    [ "$2" = sha256 ] && key=authenticodeSha256
    "$MUMTOOL" cat hash --json "$1" | sed -n "s/^ *\"$key\": \"\\([0-9a-f]*\\)\".*/\\1/p" | tr a-f A-F
}

compare() { # label file signed-file hash
    want=$(oracle "$3")
    got_signed=$(ours "$3" "$4")
    got_plain=$(ours "$2" "$4")
    if [ -n "$want" ] && [ "$want" = "$got_signed" ] && [ "$want" = "$got_plain" ]; then
        ok "$1: $4 $want"
    else
        not_ok "$1: $4"
        echo "# osslsigncode: $want"
        echo "# mumtool (signed file): $got_signed"
        echo "# mumtool (unsigned file): $got_plain"
    fi
}

for kind in pe32 pe32plus; do
    flag=""
    [ $kind = pe32plus ] && flag=--pe32plus
    for sections in 1 3 5; do
        # an overlay of 40 bytes keeps the file 8-aligned, 13 does not
        for overlay in 0 40 13; do
            label="$kind, $sections sections, $overlay bytes after them"
            img="$work/$kind-$sections-$overlay.dll"
            # shellcheck disable=SC2086
            "$MKPE" $flag --sections $sections --overlay $overlay --seed $sections "$img" || exit 99
            for hash in sha1 sha256; do
                osslsigncode sign -h $hash -certs "$work/ca/signer.pem" -key "$work/ca/signer.key" \
                    -in "$img" -out "$img.$hash.signed" >/dev/null 2>&1 || {
                    not_ok "$label: osslsigncode sign -h $hash"
                    continue
                }
                compare "$label" "$img" "$img.$hash.signed" $hash
            done
        done
    done
done

# A real, Microsoft-signed PE32+ file.
cab="$REALDATA/msu/Windows8.1-KB2938772-x64.cab"
if [ -f "$cab" ] && command -v cabextract >/dev/null 2>&1; then
    cabextract -q -d "$work/real" -F '*/netcfgx.dll' "$cab" >/dev/null 2>&1
    dll=$(find "$work/real" -path '*amd64_*' -name netcfgx.dll | head -n 1)
    if [ -n "$dll" ]; then
        compare "netcfgx.dll (amd64, KB2938772)" "$dll" "$dll" sha256
    else
        not_ok "netcfgx.dll extracted from $cab"
    fi
else
    n=$((n + 1))
    echo "ok $n - netcfgx.dll # SKIP real data or cabextract absent (set MUM_REALDATA)"
fi
echo "1..$n"
