#!/bin/sh
# "-" reads a container from standard input, streamed (TAP).  For the sample
# signed MSU, the signed cabinet inside it (taken out at test time), an
# unsigned fixture cabinet and, when $MUM_REALDATA is there, a genuine MSU:
# `cat FILE | mumtool CMD -` gives what `mumtool CMD FILE` gives, the input's
# name ("-" for standard input) aside, for ls, ls --json, info, verify
# --format json (signatures digested in both algorithms, as nothing can be
# read ahead) and extract.  `cat` and `show` read a catalog and a manifest
# from standard input.  What cannot work says so: "-" twice, something that
# is not a cabinet, a cut stream (exit 3, "-" and the offset named, ls
# listing what came before the cut).
set -u
: "${MUMTOOL:?}"
SRCDIR=${MUM_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
REALDATA=${MUM_REALDATA:-$SRCDIR/../shared/realdata}
work=$(mktemp -d "${TMPDIR:-/tmp}/mum-stdin.XXXXXX") || exit 99
trap 'rm -rf "$work"' EXIT INT TERM

n=0
report() { # ok|"not ok" description
    n=$((n + 1))
    echo "$1 $n - $2"
}
check() { # description command...: ok when the command succeeds
    what=$1
    shift
    if "$@"; then report ok "$what"; else report "not ok" "$what"; fi
}

msu="$SRCDIR/samples/kb943650/Windows6.0-KB943650-x86.msu"
"$MUMTOOL" extract "$msu" -C "$work/x" --no-descend >/dev/null 2>&1
"$MUMTOOL" extract "$msu" -C "$work/y" >/dev/null 2>&1
inner="$work/x/Windows6.0-KB943650-x86.cab"
inputs="$msu $inner $SRCDIR/tests/fixtures/containers/names.cab"
real="$REALDATA/msu/Windows6.1-KB2465285-x86.msu"
if [ -f "$real" ]; then
    inputs="$inputs $real"
else
    echo "# SKIP real data absent (set MUM_REALDATA): $REALDATA; the samples only"
fi

# the same output and exit status from the file and from standard input
# (the file's name in the file's output replaced by "-")
same() { # label file args... (the input goes last)
    label=$1 file=$2
    shift 2
    "$MUMTOOL" "$@" "$file" > "$work/f.out" 2> "$work/f.err"
    frc=$?
    "$MUMTOOL" "$@" - < "$file" > "$work/s.out" 2> "$work/s.err"
    src=$?
    # a pipe, not a redirected file: nothing can be read twice or seeked
    cat "$file" | "$MUMTOOL" "$@" - > "$work/p.out" 2> "$work/p.err"
    prc=$?
    esc=$(printf '%s' "$file" | sed 's/[][\.*^$|]/\\&/g')
    base=$(basename "$file" | sed 's/[][\.*^$|]/\\&/g')
    # info evaluates chains now: the second may differ between two runs
    sed -e "s|$esc|-|g" -e "s|$base|-|g" -e '/evaluated at .*(now)/d' "$work/f.out" > "$work/f.norm"
    for o in p s; do
        sed '/evaluated at .*(now)/d' "$work/$o.out" > "$work/$o.tmp" && mv "$work/$o.tmp" "$work/$o.out"
    done
    if [ "$frc" -eq "$prc" ] && [ "$src" -eq "$prc" ] && [ -s "$work/p.out" ] &&
        cmp -s "$work/f.norm" "$work/p.out" && cmp -s "$work/p.out" "$work/s.out"; then
        report ok "$* on $label: the same from a pipe (exit $prc)"
    else
        report "not ok" "$* on $label: file exit $frc, pipe exit $prc, redirect exit $src"
        diff "$work/f.norm" "$work/p.out" | head -5 | sed 's/^/# /'
        head -3 "$work/p.err" | sed 's/^/# /'
    fi
}

for f in $inputs; do
    label=$(basename "$f")
    same "$label" "$f" ls
    same "$label" "$f" ls --json
    same "$label" "$f" ls --hash
    same "$label" "$f" info
    same "$label" "$f" verify --format json
    # extract: the same tree
    rm -rf "$work/e1" "$work/e2"
    "$MUMTOOL" extract "$f" -C "$work/e1" >/dev/null 2>&1
    r1=$?
    cat "$f" | "$MUMTOOL" extract - -C "$work/e2" >/dev/null 2>"$work/err"
    r2=$?
    check "extract - on $label: the same exit status as from the file ($r1, $r2), files written" \
        test "$r1" -eq "$r2" -a -n "$(ls "$work/e2")"
    check "extract - on $label: identical trees" diff -r "$work/e1" "$work/e2"
done

# the MSU's kind is told by its contents, not its name
cat "$msu" | "$MUMTOOL" verify --format json - > "$work/v.json" 2>/dev/null
check "verify - on the sample MSU: kind msu" grep -q '"kind": *"msu"' "$work/v.json"

# cat and show of one file from standard input
catf="$work/y/Windows6.0-KB943650-x86.cab/Package_1_for_kb943650~31bf3856ad364e35~x86~~6.0.1.0.cat"
"$MUMTOOL" cat "$catf" | tail -n +2 > "$work/c1"
cat "$catf" | "$MUMTOOL" cat - > "$work/c2"
check "cat - lists the catalog as cat FILE does" \
    sh -c 'test "$(head -1 "$1")" = "-" && tail -n +2 "$1" | cmp -s - "$2" && test -s "$2"' sh "$work/c2" "$work/c1"
cat "$catf" | "$MUMTOOL" cat verify --no-default-trust - > "$work/c3"
check "cat verify - names the input '-'" grep -q '^-: ' "$work/c3"
man=$(ls "$work"/y/*.cab/*tcpip-binaries*.manifest | head -1)
"$MUMTOOL" show --no-name-check "$man" > "$work/m1"
cat "$man" | "$MUMTOOL" show - > "$work/m2"
esc=$(printf '%s' "$man" | sed 's/[][\.*^$|]/\\&/g')
check "show - shows the manifest as show FILE does" \
    sh -c 'sed "s|$3|-|g" "$1" | cmp -s - "$2" && test -s "$2"' sh "$work/m1" "$work/m2" "$esc"

# what cannot work says so
cat "$msu" | "$MUMTOOL" verify - - > /dev/null 2> "$work/err"
rc=$?
check "verify - -: exit 3, standard input can be read only once (exit $rc)" \
    sh -c 'test "$1" -eq 3 && grep -q "more than once" "$2"' sh "$rc" "$work/err"
echo "not a cabinet" | "$MUMTOOL" ls - > /dev/null 2> "$work/err"
rc=$?
check "ls - on text: exit 3, '-' and offset 0 named (exit $rc)" \
    sh -c 'test "$1" -eq 3 && grep -q "^mumtool: -: at offset 0: not a cabinet" "$2"' sh "$rc" "$work/err"

# a cut stream: what was read, then the error naming "-" and the offset
"$MUMTOOL" ls "$msu" > "$work/whole.ls"
size=$(wc -c < "$msu")
for p in 50 97; do
    bytes=$((size * p / 100))
    for cmd in ls info verify; do
        head -c "$bytes" "$msu" | "$MUMTOOL" "$cmd" - > "$work/out" 2> "$work/err"
        rc=$?
        check "$cmd - on the MSU cut at $p%: exit 3, '-' and offset $bytes named (exit $rc)" \
            sh -c 'test "$1" -eq 3 && test "$(wc -l < "$2")" -eq 1 && grep -q "^mumtool: -: .*offset $3" "$2"' \
            sh "$rc" "$work/err" "$bytes"
        if [ "$cmd" = ls ]; then
            got=$(wc -l < "$work/out")
            check "ls - on the MSU cut at $p%: the first $got lines of the whole listing" \
                sh -c 'test "$1" -gt 0 && head -n "$1" "$2" | cmp -s - "$3"' sh "$got" "$work/whole.ls" "$work/out"
        fi
    done
done
echo "1..$n"
exit 0
