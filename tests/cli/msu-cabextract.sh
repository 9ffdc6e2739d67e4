#!/bin/sh
# `mumtool ls` lists, nested, exactly what cabextract lists (TAP): for every
# package of $MUM_REALDATA/msu, the sizes and names of `cabextract -l`, and
# for every cabinet inside, cabextract's listing of that cabinet once taken
# out, joined with '!' - in the same order.
set -u
: "${MUMTOOL:?}"
REALDATA=${MUM_REALDATA:-$(cd "$(dirname "$0")/../.." && pwd)/../shared/realdata}
if [ ! -d "$REALDATA/msu" ]; then
    echo "1..0 # SKIP real data absent (set MUM_REALDATA): $REALDATA/msu"
    exit 0
fi
if ! command -v cabextract >/dev/null 2>&1; then
    echo "1..0 # SKIP cabextract is not installed"
    exit 0
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/mum-cabx.XXXXXX") || exit 99
trap 'rm -rf "$work"' EXIT INT TERM

# expected FILE PREFIX: "size path" lines for FILE and the cabinets in it
# (each cabinet inside is listed in a subshell: the variables stay apart)
expected() {
    list=$(mktemp "$work/list.XXXXXX")
    cabextract -l "$1" 2>/dev/null |
        awk -F ' [|] ' '/^ *[0-9]+ [|] / { s = $1; gsub(/ /, "", s); print s "\t" $3 }' > "$list"
    while IFS='	' read -r e_size e_name; do
        printf '%s %s%s\n' "$e_size" "$2" "$e_name"
        case "$e_name" in
        *.cab | *.CAB | *.msu | *.MSU)
            (
                d=$(mktemp -d "$work/x.XXXXXX")
                cabextract -q -d "$d" -F "$e_name" "$1" >/dev/null 2>&1
                expected "$d/$e_name" "$2$e_name!"
            )
            ;;
        esac
    done < "$list"
}

set -- "$REALDATA"/msu/*
echo "1..$#"
i=0
for f in "$@"; do
    i=$((i + 1))
    name=$(basename "$f")
    expected "$f" "" > "$work/want"
    "$MUMTOOL" ls "$f" > "$work/out" 2> "$work/err"
    rc=$?
    awk '{ size = $1; sub(/^ *[0-9]+  /, ""); print size " " $0 }' "$work/out" > "$work/got"
    n=$(wc -l < "$work/want")
    if [ "$rc" -eq 0 ] && [ "$n" -gt 0 ] && cmp -s "$work/want" "$work/got"; then
        echo "ok $i - $name: $n entries, nested, as cabextract lists them"
    else
        echo "not ok $i - $name: $n entries, nested, as cabextract lists them"
        echo "# exit status $rc"
        sed 's/^/# stderr: /' "$work/err"
        diff "$work/want" "$work/got" | head -20 | sed 's/^/# /'
    fi
done
exit 0
