#!/bin/sh
# Truncated containers (TAP): a sample MSU and the signed cabinet inside it,
# and, when $MUM_REALDATA is there, a genuine Hyper-V cabinet and a genuine
# MSU, each cut at 1%, 50% and 99% of its length and inside its signature.
# Every command that reads containers - ls, info, verify, graph, diff against
# the whole file - must exit 3 ("could not run: corrupt input") with one line
# on standard error naming the cut file and an offset; ls lists what it read
# before the damage (a prefix of the whole file's listing, all of it when
# only the signature is cut, never empty when the file table is whole), and
# so does info past the file table.  `cat` on a cut catalog does the same.
set -u
: "${MUMTOOL:?}"
SRCDIR=${MUM_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
REALDATA=${MUM_REALDATA:-$SRCDIR/../shared/realdata}
work=$(mktemp -d "${TMPDIR:-/tmp}/mum-cut.XXXXXX") || exit 99
trap 'rm -rf "$work"' EXIT INT TERM

n=0
report() { # ok|"not ok" description
    n=$((n + 1))
    echo "$1 $n - $2"
}

# the sample MSU, and its signed inner cabinet taken out at test time
msu="$SRCDIR/samples/kb943650/Windows6.0-KB943650-x86.msu"
"$MUMTOOL" extract "$msu" -C "$work/x" --no-descend >/dev/null 2>&1
"$MUMTOOL" extract "$msu" -C "$work/y" >/dev/null 2>&1
inner="$work/x/Windows6.0-KB943650-x86.cab"
inputs="$msu $inner"
real=""
for f in "$REALDATA/hyperv/windows6.2-hypervintegrationservices-x86.cab" \
    "$REALDATA/msu/Windows6.1-KB2465285-x86.msu"; do
    [ -f "$f" ] && real="$real $f"
done

# the offset where the signature of a signed cabinet starts and its length
# (CFHEADER bytes 44-51), or nothing when it has none
le32() { od -An -tu4 -j"$2" -N4 "$1" | tr -d ' '; }

# cut FILE at BYTES into $work/cut/<name>, and check every command on it
check_cut() { # file bytes label
    file=$1 bytes=$2 label=$3
    name=$(basename "$file")
    mkdir -p "$work/cut"
    cut="$work/cut/$label-$name"
    head -c "$bytes" "$file" > "$cut"
    "$MUMTOOL" ls "$file" > "$work/whole.ls" 2>/dev/null
    for cmd in ls info verify graph diff; do
        if [ "$cmd" = diff ]; then
            "$MUMTOOL" diff "$file" "$cut" > "$work/out" 2> "$work/err"
        else
            "$MUMTOOL" "$cmd" "$cut" > "$work/out" 2> "$work/err"
        fi
        rc=$?
        lines=$(wc -l < "$work/err")
        what="$cmd on $name cut at $label ($bytes bytes)"
        if [ "$rc" -eq 3 ] && [ "$lines" -eq 1 ] && grep -q "^mumtool: $cut.*offset [0-9]" "$work/err"; then
            report ok "$what: exit 3, $(sed "s|$work/cut/||" "$work/err" | cut -c1-150)"
        else
            report "not ok" "$what: exit $rc, $lines lines on stderr"
            sed 's/^/# /' "$work/err" | head -5
        fi
        if [ "$cmd" = info ] && [ "$label" != 1% ]; then
            # what info read before the damage comes first, the input's kind too
            if grep -q "^kind: " "$work/out" && grep -q "^cabinets:" "$work/out"; then
                report ok "$what: shows what it read before the damage"
            else
                report "not ok" "$what: shows nothing of what it read"
            fi
        fi
        if [ "$cmd" = ls ]; then
            # what ls printed is the start of the whole file's listing
            got=$(wc -l < "$work/out")
            # past the file table (all cuts but 1%) at least the first entry is
            # named, even when its data is where the cut is
            if head -n "$got" "$work/whole.ls" | cmp -s - "$work/out" &&
                { [ "$label" = 1% ] || [ "$got" -gt 0 ]; } &&
                { [ "$label" != sig ] || [ "$got" -eq "$(wc -l < "$work/whole.ls")" ]; }; then
                report ok "$what: lists the $got entries read before the damage"
            else
                report "not ok" "$what: the listing is not the whole file's first $got lines"
            fi
        fi
    done
}

for f in $inputs $real; do
    size=$(wc -c < "$f")
    for p in 1 50 99; do
        check_cut "$f" $((size * p / 100)) "$p%"
    done
    at=$(le32 "$f" 44)
    len=$(le32 "$f" 48)
    flags=$(od -An -tu2 -j30 -N2 "$f" | tr -d ' ')
    if [ $((flags & 4)) -ne 0 ] && [ "$at" -gt 0 ] && [ "$len" -gt 0 ]; then
        check_cut "$f" $((at + len / 2)) sig
    else
        report "not ok" "$(basename "$f") should be a signed cabinet"
    fi
done
[ -n "$real" ] || echo "# SKIP real data absent (set MUM_REALDATA): $REALDATA; the samples only"

# a catalog cut at 1%, 50% and 99%
cat_in="$work/y/Windows6.0-KB943650-x86.cab/Package_1_for_kb943650~31bf3856ad364e35~x86~~6.0.1.0.cat"
size=$(wc -c < "$cat_in" 2>/dev/null || echo 0)
for p in 1 50 99; do
    cut="$work/cut-$p.cat"
    head -c $((size * p / 100)) "$cat_in" > "$cut"
    "$MUMTOOL" cat "$cut" > "$work/out" 2> "$work/err"
    rc=$?
    if [ "$size" -gt 0 ] && [ "$rc" -eq 3 ] && [ "$(wc -l < "$work/err")" -eq 1 ] &&
        grep -q "^mumtool: $cut.*offset [0-9]" "$work/err"; then
        report ok "cat on a catalog cut at $p%: exit 3, the file and an offset named"
    else
        report "not ok" "cat on a catalog cut at $p% (exit $rc)"
        sed 's/^/# /' "$work/err" | head -5
    fi
done
echo "1..$n"
exit 0
