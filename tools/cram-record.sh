#!/bin/sh
# Prints golden-case text for commands, to review and paste into
# tests/cli/cases/*.t:  MUMTOOL=_build/mumtool tools/cram-record.sh 'mumtool name parse X' ...
# Every recorded output must be read and checked by hand before it is kept.
set -u
: "${MUMTOOL:?}"
SRCDIR=${MUM_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
REALDATA=${MUM_REALDATA:-$SRCDIR/../shared/realdata}
export SRCDIR REALDATA MUMTOOL
for cmd in "$@"; do
    echo "  \$ $cmd"
    out=$(printf 'mumtool() { "$MUMTOOL" "$@"; }\n%s\n' "$cmd" | sh; echo "[rc=$?]")
    rc=$(printf '%s\n' "$out" | tail -n 1 | sed 's/\[rc=\(.*\)\]/\1/')
    printf '%s\n' "$out" | sed '$d' | sed 's/^/  /'
    [ "$rc" -ne 0 ] && echo "  [$rc]"
    echo
done
