#!/bin/sh
# bench/express.sh - `mumtool verify` on an express (IPD) cabinet against
# the plain cabinet of the same files, timed in the same run (make
# bench-express).  Both come from one staging of
# bench/gen-verify-package.py --express (MUM_BENCH_EXPRESS_MANIFESTS
# manifests, default 2000; MUM_BENCH_EXPRESS_MB MiB of payload, default
# 100): the plain cabinet holds the payloads as they are, the express one
# as PA30 deltas against nothing (pa30write.py) with _manifest_.cix.xml, so
# verify rebuilds every payload before it checks it.  Cached in
# MUM_BENCH_CACHE (default bench-cache in the build folder).  Both must
# verify with 0 errors first.  The two take turns, MUM_BENCH_RUNS times
# (default 5); the medians of wall and CPU time and the largest peak RSS
# are printed, and the ratios express / plain.  MUM_BENCH_QUICK=1: 300
# manifests, 10 MiB, 3 runs.
set -eu
: "${MUMTOOL:?MUMTOOL must point at the built mumtool}"
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"
real_mumtool
TRUST=${MUM_BENCH_TRUST:-$here/../samples/test-ca.pem}
CACHE=${MUM_BENCH_CACHE:-bench-cache}
mkdir -p "$CACHE"
CACHE=$(cd "$CACHE" && pwd)
if [ "${MUM_BENCH_QUICK:-0}" != 0 ]; then
    M=${MUM_BENCH_EXPRESS_MANIFESTS:-300}
    MB=${MUM_BENCH_EXPRESS_MB:-10}
    RUNS=${MUM_BENCH_RUNS:-3}
else
    M=${MUM_BENCH_EXPRESS_MANIFESTS:-2000}
    MB=${MUM_BENCH_EXPRESS_MB:-100}
    RUNS=${MUM_BENCH_RUNS:-5}
fi
for tool in gcab osslsigncode python3; do
    command -v "$tool" >/dev/null 2>&1 || { echo "express.sh: $tool is needed" >&2; exit 2; }
done
[ -x /usr/bin/time ] || { echo "express.sh: /usr/bin/time is needed" >&2; exit 2; }

plain="$CACHE/express-m$M-p$MB-plain.cab"
express="$CACHE/express-m$M-p$MB-express.cab"
if [ ! -f "$plain" ] || [ ! -f "$express" ]; then
    echo "generating $plain and $express ($M manifests, $MB MiB of payload) ..." >&2
    rm -f "$plain.tmp" "$express.tmp"
    python3 "$here/gen-verify-package.py" --out "$plain.tmp" --express "$express.tmp" \
        --mumtool "$MUMTOOL" --manifests "$M" --payload-mb "$MB" >&2
    mv "$plain.tmp" "$plain"
    mv "$express.tmp" "$express"
fi
for c in "$plain" "$express"; do
    verify_passes express.sh "$c" "$CACHE/.xreport"
done

run() {
    /usr/bin/time -f "%e %U %S %M" -o "$CACHE/.xtime" "$MUMTOOL" verify --trust "$TRUST" -q "$2" \
        >/dev/null 2>&1 || { echo "express.sh: verify failed on $2" >&2; exit 1; }
    read -r wall user sys rss < "$CACHE/.xtime"
    echo "$wall $(awk "BEGIN { print $user + $sys }") $rss" >> "$CACHE/.xruns-$1"
}
# median of column $2 of file $1
median() {
    awk "{ print \$$2 }" "$1" | sort -n |
        awk '{ v[NR] = $1 } END { n = NR; print n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2 }'
}

echo "load average before: $(cut -d ' ' -f 1-3 /proc/loadavg) on $(nproc) cores"
echo "plain $(wc -c < "$plain") bytes, express $(wc -c < "$express") bytes; $RUNS runs each, taking turns"
rm -f "$CACHE"/.xruns-*
cat "$plain" "$express" > /dev/null
for i in $(seq "$RUNS"); do
    if [ $((i % 2)) -eq 1 ]; then
        run plain "$plain"
        run express "$express"
    else
        run express "$express"
        run plain "$plain"
    fi
done
printf '%-10s %8s %8s %9s\n' cabinet wall_s cpu_s peak_MiB
for k in plain express; do
    printf '%-10s %8.2f %8.2f %9.1f\n' "$k" "$(median "$CACHE/.xruns-$k" 1)" \
        "$(median "$CACHE/.xruns-$k" 2)" \
        "$(awk '$3 > r { r = $3 } END { print r / 1024 }' "$CACHE/.xruns-$k")"
done
awk -v pw="$(median "$CACHE/.xruns-plain" 1)" -v ew="$(median "$CACHE/.xruns-express" 1)" \
    -v pc="$(median "$CACHE/.xruns-plain" 2)" -v ec="$(median "$CACHE/.xruns-express" 2)" 'BEGIN {
    rc = 0
    if (pc > 0)
        rc = ec / pc
    printf "express / plain: %.2fx wall, %.2fx cpu (the payloads rebuilt from PA30 deltas)\n",
           ew / pw, rc }'
echo "(medians of $RUNS alternating runs; cpu is user+system)"
echo "load average after: $(cut -d ' ' -f 1-3 /proc/loadavg)"
rm -f "$CACHE"/.xruns-* "$CACHE/.xtime" "$CACHE/.xreport"
