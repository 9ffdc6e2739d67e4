#!/bin/sh
# bench/delta.sh - PA30 decode throughput (MB/s of target) against zlib
# inflate of the same target, measured in one program (bench/delta-bench),
# taking turns, on (a) the largest RAW delta of the real data,
# raw/cmd__to__notepad__raw.pa30 (when MUM_REALDATA has it), and (b) a
# delta of about MUM_BENCH_DELTA_MB MiB of target (default 100) made by
# bench/gen-delta.py with the independent writer, cached in MUM_BENCH_CACHE
# (default: bench-cache in the build folder).  Each is decoded in
# MUM_BENCH_RUNS runs (default 7; a run of the small real one decodes it
# about 140 times); medians are reported, and the ratio decode / inflate
# (issue 21's goal: at least 0.5).  Run by `make bench-delta`.
set -eu
: "${DELTA_BENCH:?DELTA_BENCH must point at the built bench/delta-bench}"
CACHE=${MUM_BENCH_CACHE:-bench-cache}
mkdir -p "$CACHE"
CACHE=$(cd "$CACHE" && pwd)
if [ "${MUM_BENCH_QUICK:-0}" != 0 ]; then
    MB=${MUM_BENCH_DELTA_MB:-8}
    RUNS=${MUM_BENCH_RUNS:-3}
    PEMB=${MUM_BENCH_PE_MB:-2}
else
    MB=${MUM_BENCH_DELTA_MB:-100}
    RUNS=${MUM_BENCH_RUNS:-7}
    PEMB=${MUM_BENCH_PE_MB:-4}
fi
PY=${PYTHON3:-python3}
here=$(cd "$(dirname "$0")" && pwd)
rd=${MUM_REALDATA:-$here/../../shared/realdata}

echo "load average before: $(cut -d ' ' -f 1-3 /proc/loadavg 2>/dev/null)"
status=0
if [ -f "$rd/pa30/raw/cmd__to__notepad__raw.pa30" ]; then
    "$DELTA_BENCH" "real cmd->notepad (RAW, msdelta.dll)" "$rd/pa30/sources_cmd.exe" \
        "$rd/pa30/raw/cmd__to__notepad__raw.pa30" "$rd/pa30/sources_notepad.exe" \
        "$RUNS" || status=1
else
    echo "real data: SKIPPED (no $rd/pa30/raw/cmd__to__notepad__raw.pa30; set MUM_REALDATA)"
fi

dir="$CACHE/delta-$MB"
if [ ! -f "$dir/delta.pa30" ]; then
    echo "generating a delta of $MB MiB of target in $dir (about 20 s per 100 MiB) ..." >&2
    "$PY" "$here/gen-delta.py" --mb "$MB" "$dir" >&2
fi
"$DELTA_BENCH" "generated $MB MiB (bench/gen-delta.py)" "$dir/source.bin" "$dir/delta.pa30" \
    "$dir/target.bin" "$RUNS" || status=1

dir="$CACHE/delta-pe-$PEMB"
if [ ! -f "$dir/pe.pa30" ]; then
    echo "generating a PE pair of $PEMB MiB in $dir ..." >&2
    "$PY" "$here/gen-delta.py" --pe --mb "$PEMB" "$dir" >&2
fi
"$DELTA_BENCH" "generated PE $PEMB MiB (AMD64, bench/gen-delta.py --pe)" "$dir/source.bin" \
    "$dir/pe.pa30" "$dir/target.bin" "$RUNS" "$dir/raw.pa30" || status=1
echo "load average after: $(cut -d ' ' -f 1-3 /proc/loadavg 2>/dev/null)"
exit $status
