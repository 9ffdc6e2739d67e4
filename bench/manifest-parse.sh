#!/bin/sh
# Manifest parse throughput: libmum's typed parser against plain expat with
# empty handlers, over the same files, measured in the same run (make bench).
#
#   bench/manifest-parse.sh [DIR]
#
# DIR defaults to a fresh set made by bench/gen-manifests.py (COUNT files,
# default 4000, in the shapes of the real Windows 7 / 8.1 packages).  Every
# file is read into memory first; each program then parses all of them
# ROUNDS times (default 5) and keeps its fastest round; the four programs
# take turns, TRIES times (default 3), and the best of each is reported:
#
#   expat          plain expat, empty start/end/text handlers (the baseline)
#   expat-ns       the same with namespace processing, which manifests need
#   mumtool-parse  mum_manifest_parse: the whole typed model
#   +check         the same plus mum_manifest_check (findings, name check)
#
# Ratios are throughput against the plain expat baseline (1.00 = as fast).
# Run from the build folder (make bench does), or set BENCH_BIN.
#
# With --instructions (needs valgrind), each program's instructions for one
# round are counted instead (callgrind, two rounds minus one, so loading the
# files does not count) and the ratio is baseline / program: slower, but the
# same on a busy machine, where CPU time varies from run to run.
set -eu
mode=time
if [ "${1:-}" = --instructions ]; then
    mode=instructions
    shift
fi
here=$(cd "$(dirname "$0")" && pwd)
bin=${BENCH_BIN:-./bench}
COUNT=${COUNT:-4000}
ROUNDS=${ROUNDS:-5}
TRIES=${TRIES:-3}
PY=${PYTHON3:-python3}

for p in expat-baseline manifest-bench; do
    [ -x "$bin/$p" ] || { echo "$0: $bin/$p not built (make bench builds it)" >&2; exit 2; }
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/mum-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
if [ $# -ge 1 ]; then
    dir=$1
else
    dir=$tmp/manifests
    "$PY" "$here/gen-manifests.py" --count "$COUNT" "$dir"
fi

if [ "$mode" = instructions ]; then
    command -v valgrind >/dev/null 2>&1 || { echo "$0: --instructions needs valgrind" >&2; exit 2; }
    # the programs may be libtool wrappers: run valgrind on the real one
    run=""
    [ -x ./libtool ] && run="./libtool --mode=execute"
    count() { # rounds program args... -> instructions
        r=$1
        shift
        $run valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" "$dir" "$r" 2>&1 >/dev/null |
            sed -n 's/.*Collected : *\([0-9]*\).*/\1/p' | tail -n 1
    }
    echo "dir:   $dir (instructions of one round: two rounds minus one)"
    printf '%-22s %14s %8s\n' program instructions ratio
    base=""
    for spec in "expat:expat-baseline" "expat-ns:expat-baseline --ns" "mumtool-parse:manifest-bench" \
        "mumtool-parse+check:manifest-bench --check"; do
        label=${spec%%:*}
        # shellcheck disable=SC2086
        set -- $bin/${spec#*:}
        n=$(($(count 2 "$@") - $(count 1 "$@")))
        [ -n "$base" ] || base=$n
        printf '%-22s %14s %8s\n' "$label" "$n" "$(echo "$base $n" | awk '{ printf "%.2f", $1 / $2 }')"
    done
    exit 0
fi

best() { # label -> best mb_per_s over the tries
    sed -n "s/^$1 .*mb_per_s=\([0-9.]*\)$/\1/p" "$tmp/runs" | sort -g | tail -n 1
}
: > "$tmp/runs"
t=0
while [ "$t" -lt "$TRIES" ]; do
    "$bin/expat-baseline" "$dir" "$ROUNDS" >> "$tmp/runs"
    "$bin/expat-baseline" --ns "$dir" "$ROUNDS" >> "$tmp/runs"
    "$bin/manifest-bench" "$dir" "$ROUNDS" >> "$tmp/runs"
    "$bin/manifest-bench" --check "$dir" "$ROUNDS" >> "$tmp/runs"
    t=$((t + 1))
done

head -n 1 "$tmp/runs" | sed 's/^[^ ]* \(files=[0-9]*\) \(bytes=[0-9]*\).*/input: \1 \2/'
echo "dir:   $dir (rounds $ROUNDS, tries $TRIES, best of each)"
base=$(best expat)
printf '%-22s %10s %8s\n' program MB/s ratio
for label in expat expat-ns mumtool-parse mumtool-parse+check; do
    v=$(best "$label")
    printf '%-22s %10s %8s\n' "$label" "$v" "$(echo "$v $base" | awk '{ printf "%.2f", $1 / $2 }')"
done
