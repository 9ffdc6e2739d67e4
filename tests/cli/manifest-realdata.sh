#!/bin/sh
# Every .mum and .manifest of the real packages in $MUM_REALDATA/msu (TAP):
# extracted here with bsdtar (the MSUs' inner cabinet extracted again), each
# must parse with no error and no finding at warning or above -- which
# includes the file-name/identity check -- and validate against
# schemas/manifest.rng with xmllint.  Every file digest of KB2938772 (whose
# payloads are plain files) must equal sha256sum of the payload.  The
# express cabinets of KB2465285 hold their manifests raw and only payloads
# as PA30 deltas: that is checked against their _manifest_.cix.xml, and no
# manifest anywhere is delta-compressed (DCM).  (tests/cli/manifest-schema.sh
# checks that the schema rejects what it should.)
set -u
: "${MUMTOOL:?MUMTOOL must point at the built mumtool}"
SRCDIR=${MUM_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
REALDATA=${MUM_REALDATA:-$SRCDIR/../shared/realdata}
SCHEMA=$SRCDIR/schemas/manifest.rng

if [ ! -d "$REALDATA/msu" ]; then
    echo "1..0 # SKIP real data absent at $REALDATA (set MUM_REALDATA)"
    exit 0
fi
if ! command -v bsdtar >/dev/null 2>&1; then
    echo "1..0 # SKIP bsdtar not installed (tools/install-deps)"
    exit 0
fi
have_xmllint=yes
command -v xmllint >/dev/null 2>&1 || have_xmllint=no

work=$(mktemp -d "${TMPDIR:-/tmp}/mum-real.XXXXXX") || exit 99
trap 'rm -rf "$work"' EXIT INT TERM

# ---- extraction ----
# listed counts the manifests the cabinets' own listings name (bsdtar -t), to
# compare with what the extraction left on disk
listed=0
count_listed() {
    listed=$((listed + $(bsdtar -tf "$1" | grep -ci '\.\(mum\|manifest\)$')))
}
for f in "$REALDATA"/msu/*.cab "$REALDATA"/msu/*.msu; do
    [ -f "$f" ] || continue
    d="$work/$(basename "$f")"
    mkdir -p "$d"
    (cd "$d" && bsdtar -xf "$f") || { echo "Bail out! cannot extract $f"; exit 1; }
    case "$f" in
    *.msu)
        for inner in "$d"/*.cab; do
            [ "$(basename "$inner")" = WSUSSCAN.cab ] && continue
            mkdir -p "$inner.d"
            (cd "$inner.d" && bsdtar -xf "$inner") || { echo "Bail out! cannot extract $inner"; exit 1; }
            count_listed "$inner"
        done
        ;;
    *) count_listed "$f" ;;
    esac
done
find "$work" -type f \( -name '*.mum' -o -name '*.manifest' \) | LC_ALL=C sort > "$work/list"
count=$(wc -l < "$work/list")
express=$(find "$work" -name _manifest_.cix.xml | LC_ALL=C sort)
nexpress=$(printf '%s\n' "$express" | grep -c .)
# <file> elements of KB2938772, counted without mumtool
payloads=$(find "$work" -path '*KB2938772*' -name '*.manifest' -exec cat {} + | grep -o '<file ' | wc -l)

tests=$((2 * count + 3 + nexpress))
echo "1..$tests"
n=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
notok() { n=$((n + 1)); echo "not ok $n - $*"; }
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }

# every manifest the cabinets list (60 in the six packages of today: 39 .mum,
# 21 .manifest); fewer on disk means the extraction above lost some
if [ "$count" -eq "$listed" ] && [ "$count" -gt 0 ]; then
    ok "$count manifests extracted from $(ls "$REALDATA"/msu | wc -l) packages, as their listings name"
else
    notok "$listed manifests extracted from the packages, as their listings name (found $count)"
fi

# ---- each manifest: parse, no findings, name check; the schema ----
while IFS= read -r m; do
    rel=${m#"$work"/}
    if out=$("$MUMTOOL" show "$m" 2>&1); then
        ok "mumtool show $rel: no error, no finding"
    else
        notok "mumtool show $rel: no error, no finding"
        printf '%s\n' "$out" | grep -v '^  ' | sed 's/^/# /'
    fi
    if [ "$have_xmllint" = no ]; then
        skip "schema: $rel" "xmllint not installed"
    elif xmllint --noout --relaxng "$SCHEMA" "$m" > "$work/xl.out" 2>&1; then
        ok "schema: $rel validates"
    else
        notok "schema: $rel validates"
        grep -v 'namespace warning' "$work/xl.out" | sed 's/^/# /'
    fi
done < "$work/list"

# ---- digests against the payloads ----
bad=0
checked=0
for m in $(find "$work" -path '*KB2938772*' -name '*.manifest'); do
    dir=${m%.manifest}
    "$MUMTOOL" show "$m" | awk '
        $1 == "file" { name = $2; next }
        $1 == "sha256" && name != "" { print name, $2; name = "" }' > "$work/digests"
    while read -r name digest; do
        checked=$((checked + 1))
        actual=$(sha256sum "$dir/$name" 2>/dev/null | cut -d' ' -f1)
        if [ "$actual" != "$digest" ]; then
            bad=$((bad + 1))
            echo "# $m: $name: manifest says $digest, sha256sum says ${actual:-(no file)}"
        fi
    done < "$work/digests"
done
if [ "$bad" -eq 0 ] && [ "$checked" -eq "$payloads" ] && [ "$checked" -gt 0 ]; then
    ok "every file digest of KB2938772 ($checked) is the SHA-256 of its payload"
else
    notok "every file digest of KB2938772 is the SHA-256 of its payload ($bad of $checked differ; $payloads files)"
fi

# ---- express cabinets: manifests raw, payloads PA30; nothing is DCM ----
for cix in $express; do
    dir=$(dirname "$cix")
    rel=${dir#"$work"/}
    # <File name=... > ... <Source type="RAW|PA30" name="blob"> per file
    tr '>' '\n' < "$cix" | awk '
        /<File / { match($0, / name="[^"]*"/); name = substr($0, RSTART + 7, RLENGTH - 8) }
        /<Source / { match($0, /type="[^"]*"/); type = substr($0, RSTART + 6, RLENGTH - 7)
                     print type, name }' > "$work/sources"
    wrong=$(awk '($2 ~ /\.(mum|manifest)$/ && $1 != "RAW") { print }' "$work/sources")
    deltas=$(awk '$1 == "PA30"' "$work/sources" | wc -l)
    raw_manifests=$(awk '$1 == "RAW" && $2 ~ /\.(mum|manifest)$/' "$work/sources" | wc -l)
    blobs_ok=yes
    for b in "$dir"/[0-9]*; do
        [ -f "$b" ] || continue
        [ "$(head -c 4 "$b")" = PA30 ] || blobs_ok=no
    done
    if [ -z "$wrong" ] && [ "$deltas" -gt 0 ] && [ "$raw_manifests" -gt 0 ] && [ "$blobs_ok" = yes ]; then
        ok "$rel: its $raw_manifests manifests are stored raw; its $deltas PA30 blobs are payloads"
    else
        notok "$rel: manifests stored raw, PA30 blobs are payloads"
        printf '%s\n' "$wrong" | sed 's/^/# not raw: /'
    fi
done
dcm=0
while IFS= read -r m; do
    case "$(head -c 2 "$m")" in DC) dcm=$((dcm + 1)); echo "# DCM: $m" ;; esac
done < "$work/list"
if [ "$dcm" -eq 0 ]; then
    ok "no manifest in the real packages is delta-compressed (DCM)"
else
    notok "no manifest in the real packages is delta-compressed ($dcm are)"
fi

exit 0
