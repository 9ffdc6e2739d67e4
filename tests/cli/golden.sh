#!/bin/sh
# Golden command-line cases (TAP).  Each tests/cli/cases/*.t file is in the
# format of cram: an indented "  $ command" line, the expected standard
# output indented by two spaces, and "  [N]" for a non-zero exit status;
# other lines are comments.  "#requires: realdata" (or "samples") skips a
# file when that input is absent.  Commands run with sh in a scratch folder;
# `mumtool` is the built program, $SRCDIR the source tree, $REALDATA the
# shared real packages.  Only standard output is compared (add 2>&1 to
# compare standard error too).
#
# Usage: golden.sh [CASE.t...]    (default: every case)
set -u
: "${MUMTOOL:?MUMTOOL must point at the built mumtool}"
SRCDIR=${MUM_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
REALDATA=${MUM_REALDATA:-$SRCDIR/../shared/realdata}
export SRCDIR REALDATA MUMTOOL

if [ $# -eq 0 ]; then
    set -- "$SRCDIR"/tests/cli/cases/*.t
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/mum-golden.XXXXXX") || exit 99
trap 'rm -rf "$work"' EXIT INT TERM

# Split every case file into numbered command/expected/exit triples.
n=0
for t in "$@"; do
    name=$(basename "$t" .t)
    skip=""
    if grep -q '^#requires: realdata' "$t" && [ ! -d "$REALDATA/msu" ]; then
        skip="real data absent (set MUM_REALDATA)"
    fi
    if grep -q '^#requires: samples' "$t" && [ ! -d "$SRCDIR/samples/kb943650" ]; then
        skip="samples absent"
    fi
    awk -v dir="$work" -v name="$name" -v start="$n" -v skip="$skip" '
        function flush() {
            if (cmd != "") {
                f = sprintf("%s/%05d", dir, idx)
                print cmd > (f ".cmd"); close(f ".cmd")
                printf "%s", out > (f ".out"); close(f ".out")
                print code > (f ".rc"); close(f ".rc")
                print name ": " line > (f ".name"); close(f ".name")
                print skip > (f ".skip"); close(f ".skip")
            }
            cmd = ""; out = ""; code = 0
        }
        BEGIN { idx = start; cmd = ""; out = ""; code = 0 }
        /^  \$ / { flush(); idx++; cmd = substr($0, 5); line = FNR; next }
        /^  > / && cmd != "" && out == "" { cmd = cmd "\n" substr($0, 5); next }
        /^  \[[0-9]+\]$/ && cmd != "" { code = substr($0, 4, length($0) - 4) + 0; next }
        /^  / && cmd != "" { out = out substr($0, 3) "\n"; next }
        { }
        END { flush(); print idx > (dir "/count") }
    ' "$t"
    n=$(cat "$work/count")
done

echo "1..$n"
i=1
fails=0
while [ "$i" -le "$n" ]; do
    f=$(printf '%s/%05d' "$work" "$i")
    label=$(cat "$f.name")
    skip=$(cat "$f.skip")
    if [ -n "$skip" ]; then
        echo "ok $i - $label # SKIP $skip"
        i=$((i + 1))
        continue
    fi
    scratch="$work/run$i"
    mkdir "$scratch"
    # the samples, for examples that read them (samples/kb943650/*.msu)
    ln -s "$SRCDIR/samples" "$scratch/samples"
    {
        echo 'mumtool() { "$MUMTOOL" "$@"; }'
        cat "$f.cmd"
    } > "$scratch/.script"
    (cd "$scratch" && sh ./.script) > "$f.actual" 2> "$f.stderr"
    rc=$?
    want_rc=$(cat "$f.rc")
    if [ "$rc" -eq "$want_rc" ] && cmp -s "$f.out" "$f.actual"; then
        echo "ok $i - $label"
    else
        echo "not ok $i - $label"
        echo "# command: $(head -n 1 "$f.cmd")"
        [ "$rc" -eq "$want_rc" ] || echo "# exit status $rc, expected $want_rc"
        diff -u "$f.out" "$f.actual" | sed 's/^/# /'
        sed 's/^/# stderr: /' "$f.stderr"
        fails=$((fails + 1))
    fi
    i=$((i + 1))
done
exit 0
