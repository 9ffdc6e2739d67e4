#!/bin/sh
# doc/architecture.md stays true of the tree (TAP): every source file it
# names exists, every judge_*.c of src/lib is in its table of rule
# families, and the one thread home and digest module it names are the
# files that start threads and compute digests (the tests
# one-thread-home.sh and digest-one-module.sh check the latter two).
set -u
SRCDIR=${MUM_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
doc="$SRCDIR/doc/architecture.md"
echo "1..3"
missing=
for f in $(grep -o '`[a-z_0-9]*\.[ch]`' "$doc" | tr -d '`' | sort -u); do
    [ -e "$SRCDIR/src/lib/$f" ] || [ -e "$SRCDIR/src/cli/$f" ] || missing="$missing $f"
done
if [ -z "$missing" ]; then
    echo "ok 1 - every source file doc/architecture.md names exists"
else
    echo "not ok 1 - every source file doc/architecture.md names exists"
    echo "# missing:$missing"
fi
absent=
for f in "$SRCDIR"/src/lib/judge_*.c; do
    b=$(basename "$f")
    grep -q "^| \`$b\` |" "$doc" || absent="$absent $b"
done
if [ -z "$absent" ]; then
    echo "ok 2 - every judge_*.c is in the table of rule families"
else
    echo "not ok 2 - every judge_*.c is in the table of rule families"
    echo "# not in the table:$absent"
fi
if grep -q '`pool.c` is the only file that starts a thread' "$doc" &&
    grep -q '`digest.c` owns every message digest' "$doc"; then
    echo "ok 3 - the doc names pool.c and digest.c as the homes of threads and digests"
else
    echo "not ok 3 - the doc names pool.c and digest.c as the homes of threads and digests"
fi
