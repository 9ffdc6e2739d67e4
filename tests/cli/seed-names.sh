#!/bin/sh
# The 26 component manifest names of the seed articles (TAP): the fixture is
# what tools/extract-seed-names.sh extracts, and every name parses and has
# its pseudo-key confirmed by 'mumtool name check'.
set -u
: "${MUMTOOL:?}"
SRCDIR=${MUM_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
SEEDS=${MUM_SEEDS:-$SRCDIR/../shared/seeds}
fixture="$SRCDIR/tests/fixtures/seed-manifest-names.txt"
work=$(mktemp -d "${TMPDIR:-/tmp}/mum-seed.XXXXXX") || exit 99
trap 'rm -rf "$work"' EXIT INT TERM

echo "1..5"
t=0
ok() { t=$((t + 1)); echo "ok $t - $1"; }
notok() { t=$((t + 1)); echo "not ok $t - $1"; shift; for l in "$@"; do echo "# $l"; done; }

grep -v '^#' "$fixture" > "$work/names"
count=$(wc -l < "$work/names")
distinct=$(sort -u "$work/names" | wc -l)
if [ "$count" -eq 26 ] && [ "$distinct" -eq 26 ]; then
    ok "fixture holds 26 distinct names"
else
    notok "fixture holds 26 distinct names" "found $count lines, $distinct distinct"
fi

if ls "$SEEDS"/001_*.txt >/dev/null 2>&1; then
    if sh "$SRCDIR/tools/extract-seed-names.sh" "$SEEDS" | cmp -s - "$fixture"; then
        ok "fixture is what tools/extract-seed-names.sh extracts from the seeds"
    else
        notok "fixture is what tools/extract-seed-names.sh extracts from the seeds"
    fi
else
    t=$((t + 1)); echo "ok $t - fixture matches the seeds # SKIP seeds absent (set MUM_SEEDS)"
fi

"$MUMTOOL" name check - < "$fixture" > "$work/check" 2>&1
rc=$?
confirmed=$(grep -c ': confirmed: versionScope=nonSxS, type=(absent)$' "$work/check")
if [ "$rc" -eq 0 ] && [ "$confirmed" -eq 26 ]; then
    ok "name check confirms all 26 pseudo-keys (exit 0)"
else
    notok "name check confirms all 26 pseudo-keys (exit 0)" "exit $rc, $confirmed confirmed" "$(grep -v ': confirmed' "$work/check" | head -5)"
fi

"$MUMTOOL" name parse --json - < "$fixture" > "$work/parse" 2>&1
rc=$?
comps=$(grep -c '"kind": "component"' "$work/parse")
clean=$(grep -c '"findings": \[\]' "$work/parse")
if [ "$rc" -eq 0 ] && [ "$comps" -eq 26 ] && [ "$clean" -eq 26 ]; then
    ok "name parse reads all 26 as components with no findings"
else
    notok "name parse reads all 26 as components with no findings" "exit $rc, $comps components, $clean clean"
fi

# Every architecture of the seeds, wow64 and the hash-named deployments are there.
missing=""
for want in '^X86_[0-9a-f]\{32\}_' '^Amd64_[0-9a-f]\{32\}_' '^Ia64_[0-9a-f]\{32\}_' '^Wow64_' '_6.1.7600.20882_'; do
    grep -q "$want" "$work/names" || missing="$missing $want"
done
if [ -z "$missing" ]; then
    ok "fixture covers x86, amd64, ia64, wow64, hash-named deployments and both seeds"
else
    notok "fixture covers x86, amd64, ia64, wow64, hash-named deployments and both seeds" "missing:$missing"
fi
exit 0
