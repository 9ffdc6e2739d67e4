#!/bin/sh
# bench/verify.sh - `mumtool verify` on a large generated valid package
# against two baselines timed in the same run (make bench-verify; bench/
# README.md has the figures):
#   floor        bench/floor: libarchive decode + SHA-256 of every entry, one
#                thread (the container benchmark's floor)
#   floor-expat  bench/floor-expat: the floor plus a plain expat parse
#                (namespaces on, no handlers) of every .manifest and .mum
# Target (issue 7): verify at most 1.25x floor-expat.
#
# The package is one signed MSZIP cabinet made by bench/gen-verify-package.py
# (MUM_BENCH_MANIFESTS manifests, default 20000; MUM_BENCH_VERIFY_MB MiB of
# payload, default 300), cached in MUM_BENCH_CACHE (default bench-cache in
# the build folder) while the parameters are unchanged.  gcab 1.5 is
# quadratic in the file count (the first generation takes minutes) and
# writes corrupt cabinets past 65535 files or 2 GiB (DOMAIN.md section 9):
# the entry count is checked with bsdtar.  Before anything is timed, verify
# must pass on it with 0 errors (a benchmark of a failing verify means
# nothing) and both baselines must agree on every entry's SHA-256.
#
# The programs take turns, MUM_BENCH_RUNS times (default 5); the median
# wall-clock and CPU times of each are kept, with the spread of the wall
# times (min-max) and the largest peak RSS over the runs, each run timed by
# bench/timeit (TIMEIT: wall, CPU, peak RSS and page faults to the
# microsecond; without it /usr/bin/time, whose seconds have two decimals:
# 10 ms steps on the 0.1 s of 1 000 small packages).  verify decodes and
# computes SHA-256 on one thread, parses manifests (and computes SHA-1 and
# Authenticode digests) on the caller's, reads catalogs on a third and
# digests the cabinet for its signature on a fourth, so on an idle machine
# it uses two cores; the baselines use one.  Other work on the machine
# takes the second core: the load average is printed before and after.
# mumtool sets TZ (see src/cli/main.c): libarchive calls mktime() for every
# entry and glibc re-reads /etc/localtime each time TZ is unset; the
# baseline is timed a second time with TZ set too (floor-expat+TZ), and
# verify's ratio to it is printed beside the target's.
#
# The curve (issue 23): verify and floor-expat+TZ, taking turns, on packages
# of MUM_BENCH_CURVE manifests (default 2500 5000 10000 20000 40000 60000;
# payload in proportion, 300 MiB at 20 000, so that the curve shares the
# main package): wall, CPU and peak RSS as ratios to the floor of the same run, and the
# peak against the target 16 MiB + 3.5 KiB a manifest.  Past 45 000 files a
# package is a cabinet of nested cabinets (gen-verify-package.py).
# Start-up (issue 23): the CPU of verify on a 1-manifest package beyond
# that of `mumtool --version`, and MUM_BENCH_SMALL (default 1000) copies of
# it verified in one call against `cabextract -t` on the same, and as many
# distinct small packages (signed at different times: no signature is met
# twice) against `cabextract -t` on those.
# MUM_BENCH_QUICK=1: a quick look (curve 2500 5000, 3 runs, no memory table,
# 100 small packages).
#
# Peak memory: verify is also run on packages of the same manifest count
# with twice the payload, and of half the manifests with the same payload
# (MUM_BENCH_MEMORY=0 skips them; each is generated once and cached): its
# peak should follow the manifests (the graph), not the payload bytes.
set -eu
: "${MUMTOOL:?MUMTOOL must point at the built mumtool}"
# In a build tree with shared libraries, mumtool is libtool's wrapper script,
# which starts a shell before the program (20-30 ms a run): time the program
# itself, as it is installed, with its library found beside it.
bindir=$(dirname "$MUMTOOL")
if [ -x "$bindir/.libs/$(basename "$MUMTOOL")" ] && head -c 2 "$MUMTOOL" | grep -q '#!'; then
    MUMTOOL="$bindir/.libs/$(basename "$MUMTOOL")"
    LD_LIBRARY_PATH="$bindir/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
    export LD_LIBRARY_PATH
fi
: "${FLOOR:?FLOOR must point at the built bench/floor}"
: "${FLOOR_EXPAT:?FLOOR_EXPAT must point at the built bench/floor-expat}"
# optional: bench/floor-openssl, OpenSSL's own part of the 1-manifest verify
FLOOR_OPENSSL=${FLOOR_OPENSSL:-}
here=$(cd "$(dirname "$0")" && pwd)
TRUST=${MUM_BENCH_TRUST:-$here/../samples/test-ca.pem}
CACHE=${MUM_BENCH_CACHE:-bench-cache}
mkdir -p "$CACHE"
CACHE=$(cd "$CACHE" && pwd)
MANIFESTS=${MUM_BENCH_MANIFESTS:-20000}
PAYLOAD_MB=${MUM_BENCH_VERIFY_MB:-300}
RUNS=${MUM_BENCH_RUNS:-5}
MEMORY=${MUM_BENCH_MEMORY:-1}
CURVE=${MUM_BENCH_CURVE-2500 5000 10000 20000 40000 60000}
MAX_FILES=${MUM_BENCH_MAX_FILES:-45000} # files in one cabinet (tests of the nested layout lower it)
SMALL=${MUM_BENCH_SMALL:-1000}             # small packages verified in one call (0: none)
if [ "${MUM_BENCH_QUICK:-0}" != 0 ]; then
    MANIFESTS=${MUM_BENCH_MANIFESTS:-5000}
    PAYLOAD_MB=${MUM_BENCH_VERIFY_MB:-75}
    RUNS=${MUM_BENCH_RUNS:-3}
    MEMORY=0
    CURVE=${MUM_BENCH_CURVE-2500 5000}
    SMALL=${MUM_BENCH_SMALL:-100}
fi

. "$here/common.sh"
real_mumtool

for tool in gcab bsdtar osslsigncode python3; do
    command -v "$tool" >/dev/null 2>&1 || { echo "verify.sh: $tool is needed" >&2; exit 2; }
done
TIMEIT=${TIMEIT:-}
[ -n "$TIMEIT" ] || [ -x /usr/bin/time ] ||
    { echo "verify.sh: bench/timeit (TIMEIT) or /usr/bin/time (package time) is needed" >&2; exit 2; }

# package MANIFESTS PAYLOAD_MB: prints the cached cabinet's path, making it first
package() {
    cab="$CACHE/verify-m$1-p$2.cab"
    if [ ! -f "$cab" ]; then
        echo "generating $cab ($1 manifests, $2 MB of payload; gcab takes minutes) ..." >&2
        rm -f "$cab.tmp"
        python3 "$here/gen-verify-package.py" --out "$cab.tmp" --mumtool "$MUMTOOL" \
            --manifests "$1" --payload-mb "$2" --max-files "$MAX_FILES" > "$CACHE/.gen" || exit 1
        cat "$CACHE/.gen" >&2
        want=$(sed -n 's/.*: \([0-9]*\) entries.*/\1/p' "$CACHE/.gen")
        got=$("$FLOOR" "$cab.tmp" | wc -l) # the floor reads nested cabinets too
        if [ "$got" -ne "$want" ]; then
            echo "verify.sh: gcab wrote $got entries instead of $want: corrupt cabinet" >&2
            exit 1
        fi
        mv "$cab.tmp" "$cab"
    fi
    echo "$cab"
}

# check CABINET: verify passes with 0 errors; the baselines agree
check() {
    verify_passes verify.sh "$1" "$CACHE/.report"
    "$FLOOR" "$1" > "$CACHE/.floor"
    "$FLOOR_EXPAT" "$1" > "$CACHE/.floor-expat" 2> "$CACHE/.floor-expat.err"
    if ! cmp -s "$CACHE/.floor" "$CACHE/.floor-expat"; then
        echo "verify.sh: floor and floor-expat disagree on $1" >&2
        exit 1
    fi
    xml=$(grep -ci '\.\(manifest\|mum\)$' "$CACHE/.floor")
    if ! grep -q "^floor-expat: $xml manifests parsed" "$CACHE/.floor-expat.err"; then
        echo "verify.sh: floor-expat did not parse the $xml manifests of $1" >&2
        exit 1
    fi
    entries=$(wc -l < "$CACHE/.floor")
}

# run NAME COMMAND: one timed run, appended to $CACHE/.runs-NAME as
# "wall cpu rss_kb"
run() {
    if [ -n "$TIMEIT" ]; then
        "$TIMEIT" "$CACHE/.time" sh -c "$2" >/dev/null 2>&1
    else
        /usr/bin/time -f "%e %U %S %M %R" -o "$CACHE/.time" sh -c "$2" >/dev/null 2>&1
    fi || {
        echo "verify.sh: failed: $2" >&2
        exit 1
    }
    read -r wall user sys rss faults < "$CACHE/.time"
    echo "$wall $(awk "BEGIN { print $user + $sys }") $rss $faults" >> "$CACHE/.runs-$1"
}

# stats NAME: writes "median_wall median_cpu max_rss_kb min_wall max_wall"
# of NAME's runs to $CACHE/.stat, and their median count of page faults
# (minor: pages the process touched first, sh's included) to $CACHE/.faults
stats() {
    awk '{ print $1 }' "$CACHE/.runs-$1" | sort -n > "$CACHE/.w"
    awk '{ print $2 }' "$CACHE/.runs-$1" | sort -n > "$CACHE/.c"
    med='{ v[NR] = $1 } END { n = NR; print n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2 }'
    echo "$(awk "$med" "$CACHE/.w") $(awk "$med" "$CACHE/.c")" \
         "$(awk '$3 > r { r = $3 } END { print r }' "$CACHE/.runs-$1")" \
         "$(head -1 "$CACHE/.w") $(tail -1 "$CACHE/.w")" > "$CACHE/.stat"
    awk '{ print $4 }' "$CACHE/.runs-$1" | sort -n | awk "$med" > "$CACHE/.faults"
}

verify_cmd() {
    echo "'$MUMTOOL' verify --trust '$TRUST' '$1'"
}

cab=$(package "$MANIFESTS" "$PAYLOAD_MB")
memcabs=""
if [ "$MEMORY" != 0 ]; then
    memcabs="$(package "$MANIFESTS" $((PAYLOAD_MB * 2))) $(package $((MANIFESTS / 2)) "$PAYLOAD_MB")"
fi
check "$cab"
mb=$(awk "BEGIN { printf \"%.0f\", $(wc -c < "$cab") / 1e6 }")

echo "load average before: $(cut -d ' ' -f 1-3 /proc/loadavg) on $(nproc) cores" \
     "(another job may hold the second core: verify's decode thread then competes with it)"
echo "package: $(basename "$cab"): $entries entries, $xml manifests (.manifest + .mum)," \
     "$mb MB (MSZIP); $RUNS runs each, taking turns"
rm -f "$CACHE"/.runs-*
cat "$cab" > /dev/null
for i in $(seq "$RUNS"); do
    run floor "'$FLOOR' '$cab'"
    run floor-expat "'$FLOOR_EXPAT' '$cab'"
    run verify "$(verify_cmd "$cab")"
    # mumtool sets TZ (glibc then stops re-reading /etc/localtime in the
    # mktime() libarchive calls for every entry); the same for the baseline
    run floor-expat-tz "TZ=:/etc/localtime '$FLOOR_EXPAT' '$cab'"
done
stats floor; read -r t_f c_f m_f lo_f hi_f < "$CACHE/.stat"; f_f=$(cat "$CACHE/.faults")
stats floor-expat; read -r t_x c_x m_x lo_x hi_x < "$CACHE/.stat"; f_x=$(cat "$CACHE/.faults")
stats verify; read -r t_v c_v m_v lo_v hi_v < "$CACHE/.stat"; f_v=$(cat "$CACHE/.faults")
stats floor-expat-tz; read -r t_z c_z m_z lo_z hi_z < "$CACHE/.stat"; f_z=$(cat "$CACHE/.faults")
# page faults: each is a page touched for the first time, which costs CPU
# (on some virtual machines about 10 us a page)
printf '%-16s %8s %8s %10s %9s %8s %13s\n' program wall_s cpu_s cpu/wall peak_MiB faults wall_spread
for p in floor:$t_f:$c_f:$m_f:$lo_f:$hi_f:$f_f floor-expat:$t_x:$c_x:$m_x:$lo_x:$hi_x:$f_x \
         floor-expat+TZ:$t_z:$c_z:$m_z:$lo_z:$hi_z:$f_z "mumtool verify:$t_v:$c_v:$m_v:$lo_v:$hi_v:$f_v"; do
    echo "$p" | awk -F: '{ printf "%-16s %8.2f %8.2f %10.2f %9.1f %8d %6.2f-%-6.2f\n", $1, $2, $3, $3 / $2, $4 / 1024, $7,
                           $5, $6 }'
done
awk -v f="$t_f" -v x="$t_x" -v v="$t_v" -v cv="$c_v" -v cx="$c_x" -v z="$t_z" -v cz="$c_z" 'BEGIN {
    printf "floor-expat / floor      %5.2fx  (what parsing the manifests adds)\n", x / f
    printf "verify / floor           %5.2fx\n", v / f
    printf "verify / floor-expat     %5.2fx  target <= 1.25x: %s\n", v / x, v / x <= 1.25 ? "met" : "NOT MET"
    printf "verify / floor-expat+TZ  %5.2fx  (the baseline without its stat per entry either;" \
           " issue 23: <= 1.0x, aim 0.7x: %s)\n", v / z, v / z <= 1.0 ? "met" : "NOT MET"
    printf "verify cpu / floor-expat cpu %5.2fx  (all the work, on any core)\n", cv / cx
    printf "verify cpu / floor-expat+TZ cpu %5.2fx  (issue 23: <= 1.6x: %s)\n", cv / cz,
           cv / cz <= 1.6 ? "met" : "NOT MET" }'
echo "(wall and cpu: medians of $RUNS alternating runs, cpu is user+system; spread: min-max wall;" \
     "peak: largest RSS of the runs)"
echo "load average after: $(cut -d ' ' -f 1-3 /proc/loadavg)"

if [ -n "$CURVE" ]; then
    echo
    echo "the curve: verify against floor-expat+TZ in the same run (medians of $RUNS alternating" \
         "runs; payload 300 MiB for 20 000 manifests, in proportion)"
    echo "load average before: $(cut -d ' ' -f 1-3 /proc/loadavg)"
    printf '%9s %8s %8s %8s %6s %8s %6s %9s %9s %10s %8s %s\n' manifests entries floor_s verify_s wall_x \
        v_cpu_s cpu_x peak_MiB KiB/manif target_MiB v_faults verify_spread
    for m in $CURVE; do
        c=$(package "$m" $(( (m * 15 + 999) / 1000 )))
        check "$c" > /dev/null
        rm -f "$CACHE"/.runs-c*
        cat "$c" > /dev/null
        for i in $(seq "$RUNS"); do
            run cfloor "TZ=:/etc/localtime '$FLOOR_EXPAT' '$c'"
            run cverify "$(verify_cmd "$c")"
        done
        stats cfloor; read -r tf cf mf lof hif < "$CACHE/.stat"
        stats cverify; read -r tv cv mv lov hiv < "$CACHE/.stat"; fv=$(cat "$CACHE/.faults")
        awk -v m="$m" -v n="$entries" -v tf="$tf" -v cf="$cf" -v tv="$tv" -v cv="$cv" -v mv="$mv" \
            -v lo="$lov" -v hi="$hiv" -v fv="$fv" 'BEGIN {
            target = 16 + 3.5 * m / 1024
            printf "%9d %8d %8.2f %8.2f %5.2fx %8.2f %5.2fx %9.1f %9.2f %10.1f %8d %.2f-%.2f %s\n", m, n, tf, tv,
                   tv / tf, cv, cv / cf, mv / 1024, (mv / 1024 - 16) * 1024 / m, target, fv, lo, hi,
                   mv / 1024 <= target ? "" : "(peak over target)" }'
    done
    echo "(floor: floor-expat with TZ set; wall_x, cpu_x: verify / floor; KiB/manif: (peak - 16 MiB)" \
         "a manifest; target: 16 MiB + 3.5 KiB a manifest)"
    echo "load average after: $(cut -d ' ' -f 1-3 /proc/loadavg)"
fi

if [ "$SMALL" != 0 ]; then
    echo
    echo "start-up and small inputs (issue 23): a 1-manifest package, and $SMALL copies of it in one call"
    one=$(package 1 1)
    check "$one" > /dev/null
    dir="$CACHE/small-$SMALL"
    if [ ! -f "$dir/p$SMALL.cab" ]; then
        mkdir -p "$dir"
        for i in $(seq "$SMALL"); do cp "$one" "$dir/p$i.cab"; done
    fi
    # twice as many copies: the two sizes split each program's time into
    # what every call pays once (start-up, exit) and what each package adds
    SMALL2=$((SMALL * 2))
    dir2="$CACHE/small-$SMALL2"
    if [ ! -f "$dir2/p$SMALL2.cab" ]; then
        mkdir -p "$dir2"
        for i in $(seq "$SMALL2"); do cp "$one" "$dir2/p$i.cab"; done
    fi
    # Copies meet the library's caches of signatures already verified in
    # the process (signeddata.c, chain.c) after the first: the same count of
    # distinct packages (each signed at another time, so every signature is
    # checked) is timed too.
    ddir="$CACHE/small-distinct-$SMALL"
    if [ ! -f "$ddir/p$SMALL.cab" ]; then
        echo "generating $SMALL distinct small packages in $ddir ..." >&2
        mkdir -p "$ddir"
        for i in $(seq "$SMALL"); do
            python3 "$here/gen-verify-package.py" --out "$ddir/p$i.cab.tmp" --mumtool "$MUMTOOL" \
                --manifests 1 --payload-mb 1 --seed "$i" --time-shift "$i" > /dev/null || exit 1
            mv "$ddir/p$i.cab.tmp" "$ddir/p$i.cab"
        done
    fi
    check "$ddir/p$SMALL.cab" > /dev/null
    rm -f "$CACHE"/.runs-s*
    # one process's few ms of CPU vary from run to run: 50 in a loop
    loop() { echo "for i in \$(seq 50); do $1 >/dev/null 2>&1; done"; }
    cabx=false
    command -v cabextract >/dev/null 2>&1 && cabx=true
    for i in $(seq "$RUNS"); do
        run sversion "$(loop "'$MUMTOOL' --version")"
        run sone "$(loop "$(verify_cmd "$one")")"
        if [ -n "$FLOOR_OPENSSL" ]; then
            run sssl0 "$(loop "'$FLOOR_OPENSSL' 0")"
            run sssl1 "$(loop "'$FLOOR_OPENSSL' 1 '$here/../samples/test-ca.pem' '$here/../samples/keys/signer.pem'")"
        fi
        # each verify run right before cabextract's on the same set, so
        # that the two of a pair meet the machine in the same state
        run smany "'$MUMTOOL' verify --trust '$TRUST' '$dir'/p*.cab"
        if $cabx; then run scabx "cabextract -t -q '$dir'/p*.cab"; fi
        run sdist "'$MUMTOOL' verify --trust '$TRUST' '$ddir'/p*.cab"
        if $cabx; then run scabxd "cabextract -t -q '$ddir'/p*.cab"; fi
        run smany2 "'$MUMTOOL' verify --trust '$TRUST' '$dir2'/p*.cab"
        if $cabx; then run scabx2 "cabextract -t -q '$dir2'/p*.cab"; fi
    done
    stats sversion; read -r tv cv _ _ _ < "$CACHE/.stat"
    stats sone; read -r t1 c1 m1 _ _ < "$CACHE/.stat"
    stats smany; read -r tm cm mm lom him < "$CACHE/.stat"; fm=$(cat "$CACHE/.faults")
    awk -v cv="$cv" -v c1="$c1" 'BEGIN {
        printf "verify, 1 manifest: %.1f ms CPU a run, %.1f ms beyond mumtool --version (%.1f ms)" \
               " (issue 23: < 5 ms: %s)\n", c1 * 20, (c1 - cv) * 20, cv * 20, (c1 - cv) * 20 < 5 ? "met" : "NOT MET" }'
    if [ -n "$FLOOR_OPENSSL" ]; then
        stats sssl0; read -r _ c0s _ _ _ < "$CACHE/.stat"
        stats sssl1; read -r _ c1s _ _ _ < "$CACHE/.stat"
        awk -v a="$c0s" -v b="$c1s" -v cv="$cv" -v c1="$c1" 'BEGIN {
            printf "  of which OpenSSL alone (bench/floor-openssl: two certificates, a chain, a digest):" \
                   " %.1f ms beyond its own start; libmum and mumtool: %.1f ms\n", (b - a) * 20, (c1 - cv - b + a) * 20 }'
    fi
    printf 'verify, %d packages in one call: %.1f ms wall (%.1f-%.1f), %.1f ms CPU, peak %.1f MiB, %s page faults\n' \
        "$SMALL" "$(awk "BEGIN { print $tm * 1000 }")" "$(awk "BEGIN { print $lom * 1000 }")" \
        "$(awk "BEGIN { print $him * 1000 }")" "$(awk "BEGIN { print $cm * 1000 }")" \
        "$(awk "BEGIN { print $mm / 1024 }")" "$fm"
    if [ -f "$CACHE/.runs-scabx" ]; then
        # ratios of medians; n/a when a time is under the timer's resolution
        stats scabx; read -r tc cc _ loc hic < "$CACHE/.stat"
        awk -v tm="$tm" -v tc="$tc" -v cm="$cm" -v cc="$cc" -v lo="$loc" -v hi="$hic" 'BEGIN {
            cpu = cc > 0 ? sprintf("%.3fx", cm / cc) : "n/a"
            wall = tc > 0 ? sprintf("%.3fx", tm / tc) : "n/a"
            printf "cabextract -t on the same: %.1f ms wall (%.1f-%.1f), %.1f ms CPU; verify / cabextract" \
                   " %s wall, %s CPU (issue 23: <= 1x: %s)\n", tc * 1000, lo * 1000, hi * 1000, cc * 1000,
                   wall, cpu, tm <= tc ? "met" : "NOT MET" }'
        stats sdist; read -r td cd md lod hid < "$CACHE/.stat"
        stats scabxd; read -r tcd ccd _ locd hicd < "$CACHE/.stat"
        awk -v n="$SMALL" -v td="$td" -v cd="$cd" -v md="$md" -v lod="$lod" -v hid="$hid" \
            -v tc="$tcd" -v cc="$ccd" -v lo="$locd" -v hi="$hicd" 'BEGIN {
            wall = tc > 0 ? sprintf("%.3fx", td / tc) : "n/a"
            cpu = cc > 0 ? sprintf("%.3fx", cd / cc) : "n/a"
            printf "%d distinct packages (every signature checked): verify %.1f ms wall (%.1f-%.1f), %.1f ms CPU," \
                   " peak %.1f MiB; cabextract -t %.1f ms (%.1f-%.1f), %.1f ms CPU; %s wall, %s CPU" \
                   " (issue 23: <= 1x: %s)\n", n, td * 1000, lod * 1000, hid * 1000, cd * 1000, md / 1024,
                   tc * 1000, lo * 1000, hi * 1000, cc * 1000, wall, cpu, td <= tc ? "met" : "NOT MET" }'
        stats smany2; read -r tm2 _ _ lom2 him2 < "$CACHE/.stat"
        stats scabx2; read -r tc2 _ _ loc2 hic2 < "$CACHE/.stat"
        # wall = fixed + n * per package, through the medians at n and 2n
        awk -v n="$SMALL" -v tm="$tm" -v tm2="$tm2" -v tc="$tc" -v tc2="$tc2" -v lom2="$lom2" -v him2="$him2" \
            -v loc2="$loc2" -v hic2="$hic2" 'BEGIN {
            pv = (tm2 - tm) / n; fv = tm - n * pv
            pc = (tc2 - tc) / n; fc = tc - n * pc
            printf "%d copies: verify %.1f ms wall (%.1f-%.1f), cabextract -t %.1f ms (%.1f-%.1f): %.3fx\n",
                   2 * n, tm2 * 1000, lom2 * 1000, him2 * 1000, tc2 * 1000, loc2 * 1000, hic2 * 1000,
                   (tc2 > 0 ? tm2 / tc2 : 0)
            printf "  split through %d and %d copies: verify %.1f us a package + %.1f ms a call;" \
                   " cabextract -t %.1f us a package + %.1f ms a call", n, 2 * n, pv * 1e6, fv * 1000,
                   pc * 1e6, fc * 1000
            if (pv < pc && fv > fc)
                printf "; verify is the faster from about %d packages a call", (fv - fc) / (pc - pv) + 1
            printf "\n" }'
    else
        echo "(cabextract not installed: no comparison)"
    fi
    echo "(medians of $RUNS alternating runs; the 1-manifest figures are a loop of 50 runs / 50)"
fi

if [ -n "$memcabs" ]; then
    echo
    echo "verify's peak memory against the package's size (2 runs each: median wall, largest peak):"
    printf '%-26s %8s %11s %9s %8s\n' package entries payload_MiB peak_MiB wall_s
    for c in "$cab" $memcabs; do
        [ "$c" = "$cab" ] || check "$c" > /dev/null
        rm -f "$CACHE/.runs-mem"
        run mem "$(verify_cmd "$c")"
        run mem "$(verify_cmd "$c")"
        stats mem
        read -r t c_m m _ _ < "$CACHE/.stat"
        n=$(wc -l < "$CACHE/.floor")
        pm=$(basename "$c" .cab | sed 's/.*-p//')
        printf '%-26s %8d %11d %9.1f %8.2f\n' "$(basename "$c")" "$n" "$pm" \
            "$(awk "BEGIN { print $m / 1024 }")" "$t"
    done
    echo "(same manifests, twice the payload: the peak should stay; half the manifests: it should drop)"
fi
rm -f "$CACHE"/.runs-* "$CACHE/.time" "$CACHE/.stat"
