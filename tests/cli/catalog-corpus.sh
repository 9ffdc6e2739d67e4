#!/bin/sh
# Every file of the catalog fuzz corpus (tests/fuzz/corpus/catalog) through
# the command line (TAP): 'mumtool cat' and 'mumtool cat --json' on each,
# and 'mumtool cat verify' on all of them at once.  Each run ends with 0, 1
# or 3, never a crash (under the sanitizers, a report aborts the run), and
# a file that cannot be read gets one line on standard error naming it.
# The replay of the corpus (tests/fuzz/replay_catalog) runs the library
# alone; this runs the listing and the verdicts built on it.
set -u
: "${MUMTOOL:?MUMTOOL must point at the built mumtool}"
SRCDIR=${MUM_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
corpus=$SRCDIR/tests/fuzz/corpus/catalog
work=$(mktemp -d "${TMPDIR:-/tmp}/mum-catcorpus.XXXXXX") || exit 99
trap 'rm -rf "$work"' EXIT INT TERM

files=$(cd "$corpus" && LC_ALL=C ls)
count=$(printf '%s\n' "$files" | grep -c .)
echo "1..$((count + 1))"
n=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
notok() { n=$((n + 1)); echo "not ok $n - $*"; sed 's/^/# /' "$work/err" | head -n 20; }

# One run's exit status and standard error are acceptable for FILE.
judge() {
    rc=$1 file=$2
    case $rc in
    0 | 1) [ ! -s "$work/err" ] ;;
    3) [ "$(wc -l < "$work/err")" -eq 1 ] && grep -q "^mumtool: $file: " "$work/err" ;;
    *) false ;;
    esac
}

for f in $files; do
    path=$corpus/$f
    "$MUMTOOL" cat "$path" > "$work/out" 2> "$work/err"
    rc=$?
    if ! judge "$rc" "$path"; then
        notok "mumtool cat $f: exit $rc"
        continue
    fi
    "$MUMTOOL" cat --json "$path" > "$work/out" 2> "$work/err"
    rc2=$?
    if [ "$rc2" -ne "$rc" ] || ! judge "$rc2" "$path"; then
        notok "mumtool cat --json $f: exit $rc2 (text: $rc)"
        continue
    fi
    ok "mumtool cat [--json] $f: exit $rc"
done

# shellcheck disable=SC2086
(cd "$corpus" && "$MUMTOOL" cat verify $files) > "$work/out" 2> "$work/err"
rc=$?
bad=$(grep -v -c '^mumtool: [0-9a-z-]*: ' "$work/err")
if [ "$rc" -le 3 ] && [ "$bad" -eq 0 ]; then
    ok "mumtool cat verify on all $count files: exit $rc, $(wc -l < "$work/err") unreadable"
else
    notok "mumtool cat verify on all $count files: exit $rc, $bad stray lines on standard error"
fi
