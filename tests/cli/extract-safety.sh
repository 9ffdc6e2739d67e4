#!/bin/sh
# mumtool extract under faults and hostile input (TAP): no file is ever left
# under its final name unless it is complete and, for a payload a manifest
# (or an express index) describes, of the digest given there.  Cabinets are
# made here with gcab; the signed samples (samples/kb943650) and, when
# present, the real packages ($MUM_REALDATA) are cut at 1%, 50% and 99% and
# inside their signature, and one gets a byte of its data changed.  Faults:
# a file-size limit (ulimit -f) midway, SIGKILL, SIGTERM, SIGINT, SIGHUP and
# SIGPIPE at a known byte (the test-only hook
# MUMTOOL_TEST_EXTRACT_RAISE=SIG:BYTES) and a SIGTERM from outside; a full
# file system (a 1 MiB tmpfs, when this user may mount one); the output
# bounds (--max-output, the default --max-ratio); --keep-going; --force
# replacing a symbolic link instead of writing through it.
set -u
: "${MUMTOOL:?}"
SRCDIR=${MUM_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
SRCDIR=$(cd "$SRCDIR" && pwd)
REALDATA=${MUM_REALDATA:-$SRCDIR/../shared/realdata}
if ! command -v gcab >/dev/null 2>&1; then
    echo "1..0 # SKIP gcab is not installed"
    exit 0
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/mum-xsafe.XXXXXX") || exit 99
mnt=""
cleanup() {
    [ -n "$mnt" ] && umount "$mnt" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 99' INT TERM

n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); echo "not ok $n - $1"; }
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
check() { # description, then a command that must succeed
    d=$1
    shift
    if "$@"; then ok "$d"; else notok "$d"; fi
}
# no temporary under $1
no_partial() { [ -z "$(find "$1" -name '*.mumtool-partial-*' 2>/dev/null)" ]; }
# no file at all under $1 (folders may exist)
no_files() { [ -z "$(find "$1" -type f 2>/dev/null)" ]; }
cd "$work" || exit 99

# ---- fixtures, made here ----
mkdir -p src/x86_foo_31bf3856ad364e35_1.0.0.0_none_0123456789abcdef
stem=x86_foo_31bf3856ad364e35_1.0.0.0_none_0123456789abcdef
printf 'good payload\n' > src/$stem/foo.dll
# the manifest's DigestValue: base64 of the payload's SHA-256
digest=$(printf 'good payload\n' | openssl dgst -sha256 -binary | openssl base64)
cat > src/$stem.manifest <<EOF
<?xml version="1.0" encoding="utf-8"?>
<assembly xmlns="urn:schemas-microsoft-com:asm.v3" manifestVersion="1.0">
<assemblyIdentity name="foo" version="1.0.0.0" processorArchitecture="x86" language="neutral" publicKeyToken="31bf3856ad364e35" versionScope="nonSxS"/>
<file name="foo.dll" destinationPath="\$(runtime.system32)\\"><asmv2:hash xmlns:asmv2="urn:schemas-microsoft-com:asm.v2" xmlns:dsig="http://www.w3.org/2000/09/xmldsig#"><dsig:Transforms><dsig:Transform Algorithm="urn:schemas-microsoft-com:HashTransforms.Identity"/></dsig:Transforms><dsig:DigestMethod Algorithm="http://www.w3.org/2000/09/xmldsig#sha256"/><dsig:DigestValue>$digest</dsig:DigestValue></asmv2:hash></file>
</assembly>
EOF
(cd src && gcab -c ../good.cab $stem.manifest $stem/foo.dll &&
    gcab -c ../late.cab $stem/foo.dll $stem.manifest &&
    printf 'evil payload\n' > $stem/foo.dll &&
    gcab -c ../bad.cab $stem.manifest $stem/foo.dll &&
    gcab -c ../badlate.cab $stem/foo.dll $stem.manifest) || { echo "Bail out! gcab failed"; exit 1; }
mkdir -p abc && printf 'a\n' > abc/a.txt && printf 'b\n' > abc/b.txt && printf 'c\n' > abc/c.txt
(cd abc && gcab -c ../abc.cab a.txt b.txt c.txt) || exit 99
# 10 MiB and 40 MiB of zeros, a little file before each
mkdir -p z && printf 'small\n' > z/small.txt
head -c 10485760 /dev/zero > z/zero.bin
(cd z && gcab -c -z ../z10.cab small.txt zero.bin) || exit 99
head -c 41943040 /dev/zero > z/zero.bin
(cd z && gcab -c -z ../z40.cab small.txt zero.bin) || exit 99
rm -f z/zero.bin

# ---- digests ----
for c in good late; do
    rm -rf o
    "$MUMTOOL" extract $c.cab -C o 2> err
    rc=$?
    check "$c.cab (manifest $( [ $c = good ] && echo before || echo after ) payload): written, exit 0" \
        test $rc -eq 0 -a "$(cat o/$stem/foo.dll 2>/dev/null)" = "good payload"
    check "$c.cab: no temporary left" no_partial o
done
for c in bad badlate; do
    rm -rf o
    "$MUMTOOL" extract $c.cab -C o 2> err
    rc=$?
    check "$c.cab: a payload that is not its manifest's digest is not written (exit 1)" \
        test $rc -eq 1 -a ! -e o/$stem/foo.dll -a -f o/$stem.manifest
    check "$c.cab: the message names it and the manifest" \
        grep -q "o/$stem/foo.dll: not written: its SHA-256 is not the DigestValue in $stem.manifest" err
    check "$c.cab: no temporary left" no_partial o
done

# ---- the samples and the real packages extract whole, digests matching ----
# (the real .msu files are left out: their WSUSSCAN.cab holds 5 000 files)
for f in "$SRCDIR"/samples/kb943650/*.msu "$REALDATA"/msu/*.cab "$REALDATA"/hyperv/*.cab; do
    [ -f "$f" ] || continue
    b=$(basename "$f")
    rm -rf o
    # an express cabinet's entries as stored (--raw): its files are rebuilt
    # by default, which extract-express.py checks
    raw=
    "$MUMTOOL" ls "$f" | grep -qi '_manifest_\.cix\.xml' && raw=--raw
    "$MUMTOOL" extract $raw "$f" -C o 2> err
    rc=$?
    # the files `ls --json` lists, nested cabinets' included (those become folders)
    want=$("$MUMTOOL" ls --json "$f" | python3 -c '
import json, sys
def files(es):
    return sum(files(e.get("entries", [])) if e["kind"] != "file" else 1 for e in es)
print(files(json.load(sys.stdin)["entries"]))')
    got=$(find o -type f | wc -l)
    check "$b: exit 0, all $want files written, no temporary" test $rc -eq 0 -a "$got" -eq "$want"
    no_partial o || notok "$b: temporaries left"
done
[ -d "$REALDATA/msu" ] || skip "real packages" "real data absent (set MUM_REALDATA)"

# ---- a real cabinet repacked with one byte changed: the payload (checked
# against its manifest) or the express blob (against the express index) is
# not written; the rest is ----
tamper() { # cabinet, file in it to change, label, message[, option]
    rm -rf t o && mkdir t
    "$MUMTOOL" extract ${5:-} "$1" -C t 2> /dev/null || { notok "$3: extract the original"; return; }
    printf '\377' | dd of="t/$2" bs=1 seek=100 conv=notrunc 2> /dev/null
    # in the cabinet's own order (manifests and the index first)
    (cd t && "$MUMTOOL" ls "$1" | awk '{ print $2 }' | tr '\n' '\0' | xargs -0 gcab -c ../tampered.cab) ||
        { notok "$3: repack"; return; }
    "$MUMTOOL" extract ${5:-} tampered.cab -C o 2> err
    rc=$?
    check "$3: exit 1, not written, the others are ($(find o -type f | wc -l))" \
        test $rc -eq 1 -a ! -e "o/$2" -a "$(find o -type f | wc -l)" -eq "$(find t -type f | wc -l | awk '{ print $1 - 1 }')"
    check "$3: the message names it and what it was checked against" grep -q "o/$2: not written: $4" err
    check "$3: no temporary left" no_partial o
}
if [ -d "$REALDATA/msu" ]; then
    tamper "$REALDATA/msu/Windows8.1-KB2938772-x86.cab" \
        x86_microsoft-windows-ndis-tdi-bindingengine_31bf3856ad364e35_6.3.9600.17039_none_d2efa07f40f470f6/netcfgx.dll \
        "KB2938772 with netcfgx.dll changed" \
        "its SHA-256 is not the DigestValue in x86_microsoft-windows-ndis-tdi-bindingengine_31bf3856ad364e35_6.3.9600.17039_none_d2efa07f40f470f6.manifest"
    tamper "$REALDATA/msu/Windows6.1-KB2883457-x86.cab" 0 "KB2883457 with express blob 0 changed" \
        "its SHA-1 is not the hash in _manifest_.cix.xml" --raw
fi

# ---- truncated and cut cabinets: exit 3, file and offset named, nothing written
# (cut inside the file table, the walk refuses it; past it, extract does,
# from the header's cbCabinet or signature offset) ----
cut_at() { # file, bytes, label
    head -c "$2" "$1" > cut.cab
    rm -rf o
    "$MUMTOOL" extract cut.cab -C o 2> err
    rc=$?
    check "$3: exit 3" test $rc -eq 3
    check "$3: the message names the file and the offset" grep -q "^mumtool: cut.cab: at offset [0-9][0-9]*: " err
    check "$3: no file written" no_files o
}
# offset and length of a signed cabinet's signature (header bytes 44-51)
sigpos() {
    od -An -tu4 -j44 -N8 "$1"
}
truncations() { # file, name
    size=$(wc -c < "$1")
    for pct in 1 50 99; do
        cut_at "$1" $((size * pct / 100)) "$2 cut at $pct%"
    done
    set -- "$1" "$2" $(sigpos "$1")
    if [ "$(od -An -tu1 -j30 -N1 "$1" | tr -d ' ')" -ge 4 ] && [ "${3:-0}" -gt 0 ]; then
        cut_at "$1" $(($3 + $4 / 2)) "$2 cut inside its signature"
    fi
}
truncations "$SRCDIR/samples/kb943650/Windows6.0-KB943650-x86.msu" "sample .msu"
if [ -d "$REALDATA/hyperv" ]; then
    truncations "$REALDATA/hyperv/windows6.2-hypervintegrationservices-x86.cab" "Hyper-V cabinet"
    truncations "$REALDATA/msu/Windows8.1-KB2938772-x86.cab" "KB2938772 cabinet"
else
    skip "real cabinets cut" "real data absent (set MUM_REALDATA)"
fi

# ---- corrupt data midway (a byte flipped in netcfgx.dll's blocks): exit 3,
# the file being written removed, the files before it complete ----
if [ -f "$REALDATA/msu/Windows8.1-KB2938772-x86.cab" ]; then
    cp "$REALDATA/msu/Windows8.1-KB2938772-x86.cab" flip.cab && chmod u+w flip.cab
    printf '\125' | dd of=flip.cab bs=1 seek=100000 conv=notrunc 2> /dev/null
    rm -rf o
    "$MUMTOOL" extract flip.cab -C o 2> err
    rc=$?
    check "corrupt data midway: exit 3, netcfgx.dll absent, no temporary" \
        test $rc -eq 3 -a -z "$(find o -name netcfgx.dll)" -a -n "$(find o -name update.mum)"
    no_partial o || notok "corrupt data midway: temporary left"
    check "corrupt data midway: the message names the entry" grep -q "^mumtool: flip.cab!.*/netcfgx.dll: " err
else
    skip "corrupt data midway" "real data absent (set MUM_REALDATA)"
fi

# ---- a write error midway: a file-size limit ----
rm -rf o
(ulimit -f 2048 && exec "$MUMTOOL" extract --max-ratio 0 z10.cab -C o) 2> err
rc=$?
check "file-size limit: exit 3" test $rc -eq 3
check "file-size limit: the file before is complete, the big one absent" \
    test "$(cat o/small.txt 2>/dev/null)" = small -a ! -e o/zero.bin
check "file-size limit: no temporary left" no_partial o
check "file-size limit: the message names the file" grep -q "o/zero.bin: File too large" err

# ---- signals at a known point ----
rm -rf o
MUMTOOL_TEST_EXTRACT_RAISE=9:2M "$MUMTOOL" extract --max-ratio 0 z10.cab -C o 2> /dev/null
rc=$?
check "SIGKILL after 2 MiB: killed (exit $rc)" test $rc -eq 137
check "SIGKILL: no zero.bin under its final name" test ! -e o/zero.bin
left=$(find o -name '.zero.bin.mumtool-partial-??????' -type f -perm 600)
check "SIGKILL: what is left is .zero.bin.mumtool-partial-XXXXXX, mode 0600" test -n "$left"
check "SIGKILL: nothing else but the small file" \
    test "$(find o -type f | wc -l)" -eq 2 -a "$(cat o/small.txt)" = small
# A signal the test's own parent ignores (nohup ignores SIGHUP) stays ignored
# in mumtool, as it should: run it with the signal's default action
# (coreutils' env --default-signal) so the test checks the handler.
defsig=false
env --default-signal=HUP true 2> /dev/null && defsig=true
for sig in 1 2 13 15; do
    rm -rf o
    run_sig=
    $defsig && run_sig="env --default-signal=$sig"
    MUMTOOL_TEST_EXTRACT_RAISE=$sig:2M $run_sig "$MUMTOOL" extract --max-ratio 0 z10.cab -C o 2> /dev/null
    rc=$?
    check "signal $sig after 2 MiB: dies of it (exit $rc)" test $rc -eq $((128 + sig))
    check "signal $sig: the temporary is removed, zero.bin absent" \
        test ! -e o/zero.bin -a "$(find o -type f)" = o/small.txt
done
# from outside, whenever it lands: either finished whole or nothing left
rm -rf o
"$MUMTOOL" extract --max-ratio 0 z40.cab -C o 2> /dev/null &
pid=$!
sleep 0.1
kill -TERM $pid 2> /dev/null
wait $pid
rc=$?
if [ $rc -eq 0 ]; then
    check "SIGTERM from outside (too late): complete" test "$(wc -c < o/zero.bin)" -eq 41943040
else
    check "SIGTERM from outside: exit 143, no zero.bin, no temporary" \
        test $rc -eq 143 -a ! -e o/zero.bin
fi
check "SIGTERM from outside: no temporary" no_partial o

# ---- output bounds ----
rm -rf o
"$MUMTOOL" extract --max-output 1M z10.cab -C o 2> err
rc=$?
check "--max-output 1M on 10 MiB: exit 3, no zero.bin, no temporary" \
    test $rc -eq 3 -a ! -e o/zero.bin
no_partial o || notok "--max-output: temporary left"
check "--max-output: the message names the limit and the option" \
    grep -q "the output would exceed 1048576 bytes, the --max-output limit (raise it with --max-output" err
rm -rf o
"$MUMTOOL" extract z40.cab -C o 2> err
rc=$?
check "default ratio: 40 MiB of zeros in $(wc -c < z40.cab) bytes refused (exit 3)" \
    test $rc -eq 3 -a ! -e o/zero.bin
check "default ratio: the message names --max-ratio" grep -q "200 times the input.*--max-ratio" err
no_partial o || notok "default ratio: temporary left"
rm -rf o
"$MUMTOOL" extract --max-ratio 0 --max-output 64M z40.cab -C o 2> err
check "--max-ratio 0 lifts it" test $? -eq 0 -a "$(wc -c < o/zero.bin)" -eq 41943040
rm -rf o
"$MUMTOOL" extract --max-output 1x z10.cab -C o 2> /dev/null
check "--max-output 1x: usage error" test $? -eq 2

# ---- a full file system ----
mkdir -p small
if mount -t tmpfs -o size=1m tmpfs small 2> /dev/null; then
    mnt=$work/small
    "$MUMTOOL" extract --max-ratio 0 z10.cab -C small/o 2> err
    rc=$?
    check "full file system: exit 3 before writing" test $rc -eq 3 -a ! -e small/o/zero.bin
    check "full file system: the message says so" grep -q "o/zero.bin: needs 10485760 bytes, and the file system has [0-9]* free" err
    no_partial small || notok "full file system: temporary left"
    umount small && mnt=""
else
    skip "full file system" "cannot mount a tmpfs here"
fi

# ---- --keep-going ----
rm -rf o && mkdir o && printf 'mine\n' > o/b.txt
"$MUMTOOL" extract abc.cab -C o 2> err
rc=$?
check "stops at the first failure (exit 3): a written, c not" \
    test $rc -eq 3 -a -f o/a.txt -a ! -e o/c.txt -a "$(cat o/b.txt)" = mine
rm -rf o && mkdir o && printf 'mine\n' > o/b.txt
"$MUMTOOL" extract --keep-going abc.cab -C o 2> err
rc=$?
check "--keep-going: a and c written, b kept, exit 3" \
    test $rc -eq 3 -a -f o/a.txt -a -f o/c.txt -a "$(cat o/b.txt)" = mine
check "--keep-going: one line naming b.txt" \
    test "$(cat err)" = "mumtool: o/b.txt: exists (use --force to overwrite)"

# ---- --force replaces a symbolic link, never writes through it ----
rm -rf o outside && mkdir o outside && printf 'outside\n' > outside/t && ln -s ../outside/t o/a.txt
"$MUMTOOL" extract abc.cab -C o 2> err
check "a symbolic link in place, no --force: exit 3, target intact" \
    test $? -eq 3 -a "$(cat outside/t)" = outside -a -L o/a.txt
"$MUMTOOL" extract --force abc.cab -C o 2> err
check "--force: the link is replaced by the file, its target intact" \
    test $? -eq 0 -a ! -L o/a.txt -a "$(cat o/a.txt)" = a -a "$(cat outside/t)" = outside
check "--force: no temporary left" no_partial o

echo "1..$n"
