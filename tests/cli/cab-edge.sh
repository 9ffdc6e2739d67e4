#!/bin/sh
# Hostile and unusual cabinets (TAP, one test per file of
# $MUM_REALDATA/cab-edge): `mumtool ls`, `ls --hash`, `info` and `extract`
# each end, within the time bound this harness sets, with a listing (exit 0
# or 1) or with exactly one line on standard error naming the file and exit
# 3 - never a crash - and extract writes nothing outside its folder.  The
# exact listings and messages are in tests/cli/cases/cab-edge.t.
set -u
: "${MUMTOOL:?}"
REALDATA=${MUM_REALDATA:-$(cd "$(dirname "$0")/../.." && pwd)/../shared/realdata}
BOUND=${MUM_TEST_TIMEOUT:-60}
if [ ! -d "$REALDATA/cab-edge" ]; then
    echo "1..0 # SKIP real data absent (set MUM_REALDATA): $REALDATA/cab-edge"
    exit 0
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/mum-edge.XXXXXX") || exit 99
trap 'rm -rf "$work"' EXIT INT TERM

set -- "$REALDATA"/cab-edge/*
echo "1..$#"
i=0
for f in "$@"; do
    i=$((i + 1))
    name=$(basename "$f")
    problems=""
    rm -rf "$work/run"
    mkdir -p "$work/run/beside"
    for cmd in "ls" "ls --hash" "info" "extract -C $work/run/out"; do
        # shellcheck disable=SC2086
        timeout "$BOUND" "$MUMTOOL" $cmd "$f" > "$work/out" 2> "$work/err"
        rc=$?
        lines=$(wc -l < "$work/err")
        case $rc in
        0 | 1) ;;
        3)
            if [ "$lines" -ne 1 ] || ! grep -q "^mumtool: .*$name" "$work/err"; then
                problems="$problems; '$cmd' exit 3 with $lines lines on stderr"
            fi
            ;;
        124) problems="$problems; '$cmd' ran past ${BOUND}s" ;;
        *) problems="$problems; '$cmd' exit $rc" ;;
        esac
    done
    # nothing outside the output folder
    outside=$(cd "$work/run" && find . -mindepth 1 ! -path './out' ! -path './out/*' ! -path './beside' | head -3)
    [ -z "$outside" ] || problems="$problems; written outside the folder: $outside"
    if [ -z "$problems" ]; then
        echo "ok $i - $name"
    else
        echo "not ok $i - $name"
        echo "#${problems#;}"
    fi
done
exit 0
