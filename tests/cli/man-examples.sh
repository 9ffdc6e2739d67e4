#!/bin/sh
# Runs the EXAMPLES of doc/mumtool.1 (TAP): every "$ mumtool ..." line in an
# .EX/.EE block must print exactly the lines that follow it.  The examples are
# turned into a golden case file (tests/cli/golden.sh format) and run there.
set -u
SRCDIR=${MUM_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
work=$(mktemp -d "${TMPDIR:-/tmp}/mum-man.XXXXXX") || exit 99
trap 'rm -rf "$work"' EXIT INT TERM

# roff -> text for the escapes the examples use; exit status is not checked
# (the man page does not show it), so each command gets "|| true".
awk '
    /^\.SH EXAMPLES/ { on = 1; next }
    /^\.SH / { on = 0 }
    on && /^\.EX/ { inex = 1; next }
    on && /^\.EE/ { inex = 0; next }
    on && inex {
        line = $0
        gsub(/\\-/, "-", line); gsub(/\\\(ti/, "~", line); gsub(/\\\(aq/, "\047", line)
        gsub(/\\e/, "\\", line); gsub(/\\&/, "", line)
        if (line ~ /^\$ /) print "  " line " || true"; else print "  " line
    }
' "$SRCDIR/doc/mumtool.1" > "$work/man-examples.t"

if ! grep -q '^  \$ ' "$work/man-examples.t"; then
    echo "1..1"
    echo "not ok 1 - no examples found in doc/mumtool.1"
    exit 0
fi
sh "$SRCDIR/tests/cli/golden.sh" "$work/man-examples.t"
