#!/bin/sh
# mumtool cat create (TAP): catalogs of test images (tests/tools/mkpe) and
# text files, signed with the throwaway test CA (tests/tools/make-test-ca.sh,
# made now) and checked by an independent verifier: 'osslsigncode verify
# -CAfile' accepts the catalogs and, with -catalog, finds the PE files in
# them by its own Authenticode digest.  Also: mumtool's own verdicts,
# reproducible output, and the errors of the command line.
set -u
: "${MUMTOOL:?}"
SRCDIR=${MUM_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILDDIR=${MUM_BUILDDIR:-.}
MKPE=$BUILDDIR/tests/tools/mkpe

if ! command -v osslsigncode >/dev/null 2>&1; then
    echo "1..0 # SKIP osslsigncode is not installed (tools/install-deps)"
    exit 0
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/mum-catcreate.XXXXXX") || exit 99
trap 'rm -rf "$work"' EXIT INT TERM
ca=$work/ca
sh "$SRCDIR/tests/tools/make-test-ca.sh" "$ca" || exit 99

n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); echo "not ok $n - $1"; }
run() { # description want-exit pattern command... (pattern on stdout+stderr)
    desc=$1 want=$2 pat=$3
    shift 3
    "$@" > "$work/out" 2>&1
    rc=$?
    if [ "$rc" -eq "$want" ] && { [ -z "$pat" ] || grep -q -- "$pat" "$work/out"; }; then
        ok "$desc"
    else
        not_ok "$desc (exit $rc, want $want${pat:+ and '$pat'})"
        sed 's/^/# /' "$work/out" | head -n 20
    fi
}

cd "$work" || exit 99
"$MKPE" --sections 2 a.dll && "$MKPE" --pe32plus --sections 3 --overlay 13 --seed 7 b.sys || exit 99
printf 'hello\n' > notes.txt
printf '<assembly/>\n' > x86_foo.manifest
sign="--key $ca/signer.key --cert $ca/signer.pem"

for v in v1 v2; do
    # shellcheck disable=SC2086
    run "$v: created and signed" 0 "" \
        "$MUMTOOL" cat create -o $v.cat --$v --time 2024-01-02T03:04:05Z --attr OSAttr=2:6.1,2:6.2 $sign \
        a.dll b.sys notes.txt x86_foo.manifest
    run "$v: mumtool says trusted with the test root" 0 "$v.cat: trusted" \
        "$MUMTOOL" cat verify --trust "$ca/root.pem" $v.cat
    run "$v: osslsigncode verify -CAfile accepts it" 0 "Succeeded" \
        osslsigncode verify -CAfile "$ca/root.pem" -in $v.cat
    run "$v: osslsigncode lists the PE files by Authenticode digest (catalog a.dll)" 0 "File is signed in catalog" \
        osslsigncode verify -CAfile "$ca/root.pem" -catalog $v.cat -in a.dll
    run "$v: osslsigncode lists the PE files by Authenticode digest (catalog b.sys, unaligned)" 0 \
        "File is signed in catalog" osslsigncode verify -CAfile "$ca/root.pem" -catalog $v.cat -in b.sys
    run "$v: every file is a member" 0 "notes.txt: member" \
        "$MUMTOOL" cat check $v.cat a.dll b.sys notes.txt x86_foo.manifest
done
run "v2 lists each file twice, v1 once" 0 "members      8" "$MUMTOOL" cat v2.cat
run "v1 lists each file once" 0 "members      4" "$MUMTOOL" cat v1.cat
run "File attributes carry the names" 0 "File=b.sys" "$MUMTOOL" cat v2.cat
run "the time is thisUpdate" 0 "this update  2024-01-02T03:04:05Z" "$MUMTOOL" cat v2.cat
run "and the signing time" 0 "signing time   2024-01-02T03:04:05Z" "$MUMTOOL" cat verify --trust "$ca/root.pem" v2.cat

# Reproducible: the same inputs in another order give the same bytes.
# shellcheck disable=SC2086
"$MUMTOOL" cat create -o again.cat --time 2024-01-02T03:04:05Z --attr OSAttr=2:6.1,2:6.2 $sign \
    x86_foo.manifest notes.txt b.sys a.dll 2> "$work/err"
cmp -s v2.cat again.cat && ok "the same inputs in another order give the same bytes" \
    || not_ok "the same inputs in another order give the same bytes"
SOURCE_DATE_EPOCH=1704164645 "$MUMTOOL" cat create -o sde.cat --attr OSAttr=2:6.1,2:6.2 $sign \
    a.dll b.sys notes.txt x86_foo.manifest 2> "$work/err"
cmp -s v2.cat sde.cat && ok "SOURCE_DATE_EPOCH stands in for --time" \
    || not_ok "SOURCE_DATE_EPOCH stands in for --time"

# Chain, SHA-1, description, a --list with hints.
printf 'a.dll\tHint=x86_foo_31bf3856ad364e35_1.0.0.0_none_0123456789abcdef\\a.dll\n# a comment\n\nnotes.txt\tFile=README\n' > list
run "signed by a leaf with its chain, SHA-1, with a description" 0 "" \
    "$MUMTOOL" cat create -o chain.cat --key "$ca/leaf.key" --cert "$ca/leaf.pem" --chain "$ca/inter.pem" --sha1 \
    --description "mumtool tests" --url "https://example.invalid/" --list list
run "osslsigncode accepts the chained SHA-1 catalog" 0 "Succeeded" \
    osslsigncode verify -CAfile "$ca/root.pem" -in chain.cat
run "mumtool trusts it through the carried intermediate" 0 "chain.cat: trusted" \
    "$MUMTOOL" cat verify --trust "$ca/root.pem" chain.cat
run "the --list attributes are kept" 0 'Hint=x86_foo_31bf3856ad364e35_1.0.0.0_none_0123456789abcdef\\a.dll' \
    "$MUMTOOL" cat chain.cat
run "a File attribute from the list replaces the name" 0 "File=README" "$MUMTOOL" cat chain.cat
run "the description is in the signature" 0 '"programName": "mumtool tests"' "$MUMTOOL" cat verify --json --trust "$ca/root.pem" chain.cat

# Verdicts of other signers.
run "an expired signer: expired" 1 "signature.expired" sh -c \
    "'$MUMTOOL' cat create -o exp.cat --key '$ca/expired.key' --cert '$ca/expired.pem' notes.txt &&
     '$MUMTOOL' cat verify --trust '$ca/root.pem' exp.cat"
run "a TLS certificate: wrong usage" 1 "signature.wrong-usage" sh -c \
    "'$MUMTOOL' cat create -o tls.cat --key '$ca/tls.key' --cert '$ca/tls.pem' notes.txt &&
     '$MUMTOOL' cat verify --trust '$ca/root.pem' tls.cat"
# An RFC 3161 timestamp (osslsigncode's own TSA, with the test TSA key):
# the expired signer is trusted at the time it signed.
run "timestamped in 2020, an expired signer is trusted at the timestamp's time" 0 \
    "evaluated at   2020-06-01T00:00:00Z (timestamp)" sh -c \
    "'$MUMTOOL' cat create -o e.cat --key '$ca/expired.key' --cert '$ca/expired.pem' notes.txt &&
     osslsigncode add -TSA-certs '$ca/tsa.pem' -TSA-key '$ca/tsa.key' -TSA-time 1590969600 -in e.cat -out ets.cat >/dev/null &&
     '$MUMTOOL' cat verify --trust '$ca/root.pem' ets.cat"
run "and osslsigncode agrees" 0 "Succeeded" \
    osslsigncode verify -CAfile "$ca/root.pem" -TSA-CAfile "$ca/root.pem" -in ets.cat
run "unsigned: unsigned" 1 "u.cat: unsigned" sh -c \
    "'$MUMTOOL' cat create -o u.cat notes.txt && '$MUMTOOL' cat verify u.cat"
run "a file not in the catalog" 1 "catalog.not-member" "$MUMTOOL" cat check u.cat a.dll
run "members without a file are listed (information)" 1 "catalog.member-unmatched" "$MUMTOOL" cat check u.cat a.dll

# Errors.
run "the output exists: refused" 3 "exists (use --force" "$MUMTOOL" cat create -o v2.cat notes.txt
run "--force replaces it" 0 "" "$MUMTOOL" cat create -o v2.cat --force notes.txt
run "--key without --cert" 2 "go together" "$MUMTOOL" cat create -o k.cat --key "$ca/signer.key" notes.txt
run "a bad --time" 2 "is not a time" "$MUMTOOL" cat create -o t.cat --time yesterday notes.txt
run "a bad --attr" 2 "is not NAME=VALUE" "$MUMTOOL" cat create -o t.cat --attr OSAttr notes.txt
run "a key that is not the certificate's" 3 "does not match the certificate" \
    "$MUMTOOL" cat create -o t.cat --key "$ca/signer.key" --cert "$ca/root.pem" notes.txt
run "a missing input" 3 "missing.txt: cannot open" "$MUMTOOL" cat create -o t.cat notes.txt missing.txt
[ -e t.cat ] && not_ok "a failed create leaves no output" || ok "a failed create leaves no output"
head -c 700 b.sys > cut.sys
run "a malformed PE file is an error at an offset" 3 "cut.sys: at offset" "$MUMTOOL" cat create -o t.cat cut.sys
run "no file" 2 "no FILE given" "$MUMTOOL" cat create -o t.cat
ls "$work" | grep -q 'tmp' && not_ok "no temporary file is left behind" || ok "no temporary file is left behind"
echo "1..$n"
