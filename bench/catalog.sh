#!/bin/sh
# Benchmark: parse and verify a catalog with 'mumtool cat verify' against
# 'osslsigncode verify' on the same file, measured in the same run and
# reported as a ratio (wall time per run, whole processes on both sides).
#   1. the largest real catalog of ../shared/realdata/msu ($MUM_REALDATA);
#   2. a large catalog made here: 'mumtool cat create' over $BENCH_FILES
#      small files (default 5000), signed with the throwaway test CA.
# Usage: bench/catalog.sh [RUNS]   (MUMTOOL: the mumtool to time; default
# ./mumtool in the build tree).  No assertion: it prints figures.
set -eu
SRCDIR=$(cd "$(dirname "$0")/.." && pwd)
MUMTOOL=${MUMTOOL:-./mumtool}
REALDATA=${MUM_REALDATA:-$SRCDIR/../shared/realdata}
runs=${1:-200}
files=${BENCH_FILES:-5000}
for tool in osslsigncode cabextract; do
    command -v $tool >/dev/null 2>&1 || { echo "bench: $tool is not installed"; exit 1; }
done
[ -x "$MUMTOOL" ] || { echo "bench: no mumtool at $MUMTOOL (set MUMTOOL)"; exit 1; }
# In a build tree mumtool is libtool's wrapper script, whose shell start-up
# would be timed too: time the program it wraps.
if head -c 2 "$MUMTOOL" | grep -q '#!'; then
    libs=$(dirname "$MUMTOOL")/.libs
    for p in "$libs/lt-mumtool" "$libs/mumtool"; do
        if [ -x "$p" ]; then
            MUMTOOL=$p
            LD_LIBRARY_PATH=$libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
            export LD_LIBRARY_PATH
            break
        fi
    done
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/mum-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

now_ns() { date +%s%N; }
# time_runs N command...: average milliseconds per run (3 decimals)
time_runs() {
    n=$1
    shift
    "$@" >/dev/null 2>&1 || true # warm the cache
    t0=$(now_ns)
    i=0
    while [ $i -lt "$n" ]; do
        "$@" >/dev/null 2>&1 || true
        i=$((i + 1))
    done
    t1=$(now_ns)
    echo "$t0 $t1 $n" | awk '{ printf "%.3f", ($2 - $1) / 1e6 / $3 }'
}

compare() { # label catalog runs
    ours=$(time_runs "$3" "$MUMTOOL" cat verify "$2")
    theirs=$(time_runs "$3" osslsigncode verify -in "$2")
    list=$(time_runs "$3" "$MUMTOOL" cat "$2")
    members=$("$MUMTOOL" cat --json "$2" | grep -c '"tag":')
    echo "$1: $(basename "$2") ($(wc -c < "$2") bytes, $members members), $3 runs each"
    echo "  mumtool cat verify (parse + verify)   $ours ms/run"
    echo "  mumtool cat (parse + list)            $list ms/run"
    echo "  osslsigncode verify                   $theirs ms/run"
    echo "$ours $theirs" | awk '{ printf "  ratio mumtool/osslsigncode            %.2f\n", $1 / $2 }'
}

if [ -d "$REALDATA/msu" ]; then
    for f in "$REALDATA"/msu/*; do
        d="$work/real/$(basename "$f")"
        cabextract -q -d "$d" "$f" >/dev/null 2>&1 || true
        for inner in "$d"/Windows*.cab; do
            [ -f "$inner" ] && cabextract -q -d "$d/inner" "$inner" >/dev/null 2>&1 || true
        done
    done
    largest=$(find "$work/real" -name '*.cat' -exec wc -c {} + | grep -v ' total$' | sort -n | tail -n 1 | awk '{ print $2 }')
    compare "largest real catalog" "$largest" "$runs"
else
    echo "largest real catalog: skipped, no real data at $REALDATA (set MUM_REALDATA)"
fi

sh "$SRCDIR/tests/tools/make-test-ca.sh" "$work/ca" >/dev/null
mkdir "$work/files"
i=0
while [ $i -lt "$files" ]; do
    echo "file $i" > "$work/files/f$i.txt"
    i=$((i + 1))
done
t0=$(now_ns)
(cd "$work/files" && ls | "$MUMTOOL" cat create -o "$work/big.cat" --time 2024-01-01 \
    --key "$work/ca/signer.key" --cert "$work/ca/signer.pem" --list -)
t1=$(now_ns)
echo "$t0 $t1 $files" | awk '{ printf "made a catalog of %d files in %.0f ms\n", $3, ($2 - $1) / 1e6 }'
compare "large made catalog" "$work/big.cat" $((runs / 20 > 3 ? runs / 20 : 3))
