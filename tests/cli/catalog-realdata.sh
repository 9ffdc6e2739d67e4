#!/bin/sh
# The real catalogs of ../shared/realdata/msu (TAP): the v2 catalogs of the
# KB2938772 cabinets and the v1 catalogs inside the KB2465285 express
# cabinets.  Checked against independent tools and against the packages
# themselves:
#  - every catalog parses; the members that carry a digest in
#    SPC_INDIRECT_DATA, with their digests, are the ones 'osslsigncode verify
#    -verbose' lists, and the member count is the number of CTL entries
#    'openssl asn1parse' finds;
#  - every .mum is a member of its same-named .cat, every manifest of some
#    catalog of its cabinet, netcfgx.dll by its Authenticode digest;
#  - every signature is trusted with the built-in anchors (Microsoft's
#    roots), evaluated at its timestamp's time, and intact but
#    signed-untrusted with --no-default-trust (exit 0 both); with only the
#    issuing CAs (taken from the catalogs by openssl) as anchors, trusted at
#    the timestamp's time; the four Hyper-V catalogs are trusted too (44 in
#    all); a flipped byte in a member's digest
#    fails integrity, a truncated catalog is an error at an offset, and
#    unsigned.cat is unsigned;
#  - 'mumtool cat create' rebuilds the certificate trust lists of a v2 and a
#    v1 catalog byte for byte from the files they list.
set -u
: "${MUMTOOL:?}"
SRCDIR=${MUM_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
REALDATA=${MUM_REALDATA:-$SRCDIR/../shared/realdata}

if [ ! -d "$REALDATA/msu" ]; then
    echo "1..0 # SKIP real data absent at $REALDATA (set MUM_REALDATA)"
    exit 0
fi
for tool in cabextract osslsigncode openssl; do
    if ! command -v $tool >/dev/null 2>&1; then
        echo "1..0 # SKIP $tool is not installed (tools/install-deps)"
        exit 0
    fi
done
work=$(mktemp -d "${TMPDIR:-/tmp}/mum-realcat.XXXXXX") || exit 99
trap 'rm -rf "$work"' EXIT INT TERM

n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); echo "not ok $n - $1"; }
check() { # description command...
    desc=$1
    shift
    if "$@" > "$work/out" 2>&1; then ok "$desc"; else not_ok "$desc"; sed 's/^/# /' "$work/out" | head -n 20; fi
}

# Unpack: the cabinets, and the inner cabinet of each .msu.
for f in "$REALDATA"/msu/*.cab "$REALDATA"/msu/*.msu; do
    [ -f "$f" ] || continue
    d="$work/$(basename "$f")"
    cabextract -q -d "$d" "$f" >/dev/null 2>&1
    for inner in "$d"/Windows*.cab; do
        [ -f "$inner" ] && cabextract -q -d "$d/inner" "$inner" >/dev/null 2>&1
    done
done
# The folders holding a package's files (cabinet or inner cabinet).
pkgdirs=$(for d in "$work"/*.cab "$work"/*.msu/inner; do [ -d "$d" ] && echo "$d"; done)

# A package folder's name for messages: the cabinet, or the .msu for an inner one.
label() { case $1 in */inner) basename "$(dirname "$1")" ;; *) basename "$1" ;; esac; }

# Digests of members with SPC_INDIRECT_DATA, upper-case, one per line.
ours_indirect() {
    "$MUMTOOL" cat --json "$1" | awk '
        /^  "members": \[/ { on = 1 }
        on && /"digest":/ { d = $2; gsub(/[",]/, "", d) }
        on && /"dataType":/ { if ($2 != "null,") print toupper(d) }'
}
oracle_indirect() {
    osslsigncode verify -verbose -in "$1" 2>/dev/null | awk '
        /^Catalog members:/ { on = 1; next }
        /^Signature Index/ { on = 0 }
        on && /Message digest:/ { print $3 }'
}
# CTL entries by openssl: OCTET STRING identifiers at depth 8 inside the CTL.
oracle_count() {
    openssl asn1parse -inform DER -in "$1" 2>/dev/null | awk '
        /:1\.3\.6\.1\.4\.1\.311\.10\.1$/ { want = 1; next }
        want == 1 { split($0, a, ":"); start = a[1] + 0; match($0, /hl= *[0-9]+/); hl = substr($0, RSTART + 3) + 0
                    match($0, / l= *[0-9]+/); len = substr($0, RSTART + 3) + 0; end = start + hl + len; want = 2; next }
        want == 2 { split($0, a, ":"); if (a[1] + 0 >= end) want = 3 }
        want == 2 && /d=8 .*OCTET STRING/ { c++ }
        END { print c + 0 }'
}

cats=$(find "$work" -name '*.cat' | sort)
ncat=$(printf '%s\n' "$cats" | grep -c .)
[ "$ncat" -ge 28 ] && ok "found $ncat catalogs" || not_ok "found only $ncat catalogs"

for c in $cats; do
    name=$(basename "$c")
    ours_indirect "$c" | sort > "$work/ours"
    oracle_indirect "$c" | sort > "$work/oracle"
    if [ -s "$work/oracle" ] && cmp -s "$work/ours" "$work/oracle"; then
        ok "$name: $(wc -l < "$work/ours") digests as osslsigncode lists them"
    else
        not_ok "$name: digests as osslsigncode lists them"
        diff "$work/oracle" "$work/ours" | sed 's/^/# /' | head
    fi
    count=$("$MUMTOOL" cat --json "$c" | grep -c '"tag":')
    want=$(oracle_count "$c")
    [ "$count" = "$want" ] && ok "$name: $count members, as openssl counts" \
        || not_ok "$name: $count members, openssl counts $want"
    "$MUMTOOL" cat verify "$c" > "$work/v" 2>&1
    rc=$?
    if [ $rc -eq 0 ] && grep -q ': trusted$' "$work/v" && grep -q '^  evaluated at .*(timestamp)$' "$work/v"; then
        ok "$name: trusted at its timestamp's time with the built-in anchors (exit 0)"
    else
        not_ok "$name: trusted at its timestamp's time with the built-in anchors (exit $rc)"
        sed 's/^/# /' "$work/v"
    fi
    "$MUMTOOL" cat verify --no-default-trust "$c" > "$work/v" 2>&1
    rc=$?
    if [ $rc -eq 0 ] && grep -q ': signed-untrusted$' "$work/v" && grep -q '^  integrity *ok$' "$work/v"; then
        ok "$name: intact, signed-untrusted with --no-default-trust (exit 0)"
    else
        not_ok "$name: intact, signed-untrusted with --no-default-trust (exit $rc)"
        sed 's/^/# /' "$work/v"
    fi
done

# Every .mum is in its same-named .cat (names compared without case).
for d in $pkgdirs; do
    for mum in "$d"/*.mum; do
        base=$(basename "$mum" .mum)
        cat=$(find "$d" -maxdepth 1 -iname "$base.cat" | head -n 1)
        check "$(label "$d"): $(basename "$mum") is in $(basename "$cat")" "$MUMTOOL" cat check "$cat" "$mum"
    done
done

# Every manifest is in a catalog of its cabinet.
for d in $pkgdirs; do
    total=0 missing=""
    for m in "$d"/*.manifest; do
        [ -f "$m" ] || continue
        total=$((total + 1))
        found=no
        for c in "$d"/*.cat; do
            if "$MUMTOOL" cat check "$c" "$m" >/dev/null 2>&1; then found=yes; break; fi
        done
        [ $found = yes ] || missing="$missing $(basename "$m")"
    done
    if [ $total -gt 0 ] && [ -z "$missing" ]; then
        ok "$(label "$d"): all $total manifests are in a catalog of the cabinet"
    else
        not_ok "$(label "$d"): manifests in no catalog ($total manifests):$missing"
    fi
done

# netcfgx.dll is listed by its Authenticode digest.
for d in "$work"/Windows8.1-KB2938772-*.cab; do
    for dll in "$d"/*/netcfgx.dll; do
        hit=""
        for c in "$d"/*.cat; do
            if "$MUMTOOL" cat check "$c" "$dll" > "$work/hit" 2>&1 && grep -q 'by authenticode-sha256' "$work/hit"; then
                hit=$(basename "$c")
                break
            fi
        done
        [ -n "$hit" ] && ok "$(basename "$d"): $(basename "$(dirname "$dll")" | cut -c1-40).../netcfgx.dll is in $hit by Authenticode digest" \
            || not_ok "$(basename "$d"): $(dirname "$dll")/netcfgx.dll by Authenticode digest"
    done
done

# Trust, with anchors taken from the catalogs: the signer's CA (in the
# catalog's certificates) and the timestamp's CA (in the catalog's
# certificates for a countersignature, in the RFC 3161 token otherwise).
pem_of() { # PEM bundle, subject pattern -> that certificate
    awk -v pat="$2" '/^subject=/ { keep = ($0 ~ pat) } /BEGIN CERT/ { buf = "" } { buf = buf $0 "\n" }
        /END CERT/ && keep { printf "%s", buf; exit }' "$1"
}
# The DER element that starts at an offset of a file.
element() { # file offset out
    hdr=$(openssl asn1parse -inform DER -in "$1" 2>/dev/null | awk -v o="$2" '
        { split($0, a, ":"); if (a[1] + 0 == o) { match($0, /hl= *[0-9]+/); hl = substr($0, RSTART + 3) + 0
          match($0, / l= *[0-9]+/); print hl + substr($0, RSTART + 3); exit } }')
    tail -c +$(($2 + 1)) "$1" | head -c "${hdr:-0}" > "$3"
}
# The offset of the element two lines after an OID's line in asn1parse output
# (the OID, its [0] or SET, then the element).
after_oid() { # file oid-pattern
    openssl asn1parse -inform DER -in "$1" 2>/dev/null | awk -v pat="$2" '$0 ~ pat { getline; getline; split($0, a, ":"); print a[1] + 0; exit }'
}

v2="$work/Windows8.1-KB2938772-x64.cab/update.cat"
openssl pkcs7 -inform DER -in "$v2" -print_certs > "$work/v2.pem" 2>/dev/null
pem_of "$work/v2.pem" "Production PCA 2011" > "$work/pca2011.pem"
# the RFC 3161 token is the value of the unsigned attribute 1.3.6.1.4.1.311.3.3.1
element "$v2" "$(after_oid "$v2" ':1\.3\.6\.1\.4\.1\.311\.3\.3\.1$')" "$work/tok.der"
openssl cms -verify -noverify -inform DER -in "$work/tok.der" -certsout "$work/tok.pem" -out /dev/null 2>/dev/null
openssl crl2pkcs7 -nocrl -certfile "$work/tok.pem" 2>/dev/null | openssl pkcs7 -print_certs > "$work/tok2.pem" 2>/dev/null
pem_of "$work/tok2.pem" "Time-Stamp PCA 2010" > "$work/tspca2010.pem"
"$MUMTOOL" cat verify --no-default-trust --trust "$work/pca2011.pem" --trust "$work/tspca2010.pem" "$v2" > "$work/v" 2>&1
rc=$?
if [ $rc -eq 0 ] && grep -q ': trusted$' "$work/v" && grep -q 'evaluated at   2014-03-04T23:17:39Z (timestamp)' "$work/v"; then
    ok "v2 update.cat: trusted at its RFC 3161 timestamp with Microsoft's CAs as anchors"
else
    not_ok "v2 update.cat: trusted at its RFC 3161 timestamp (exit $rc)"
    sed 's/^/# /' "$work/v"
fi
"$MUMTOOL" cat verify --no-default-trust --trust "$work/pca2011.pem" --trust "$work/tspca2010.pem" --at 2015-01-01 "$v2" > "$work/v" 2>&1
rc=$?
[ $rc -eq 1 ] && grep -q ': expired$' "$work/v" && grep -q 'signature.expired' "$work/v" \
    && ok "v2 update.cat: expired when evaluated after its signer's certificate (2015-01-01)" \
    || { not_ok "v2 update.cat: expired at 2015-01-01 (exit $rc)"; sed 's/^/# /' "$work/v"; }
"$MUMTOOL" cat verify --no-default-trust --trust "$work/tspca2010.pem" "$v2" > "$work/v" 2>&1
rc=$?
[ $rc -eq 1 ] && grep -q 'signature.untrusted-root' "$work/v" \
    && ok "v2 update.cat: an unrelated anchor leaves it untrusted (exit 1)" \
    || { not_ok "v2 update.cat: untrusted with an unrelated anchor (exit $rc)"; sed 's/^/# /' "$work/v"; }

v1="$work/Windows6.1-KB2465285-x64.msu/inner/update.cat"
openssl pkcs7 -inform DER -in "$v1" -print_certs > "$work/v1.pem" 2>/dev/null
pem_of "$work/v1.pem" "Windows Verification PCA" > "$work/vpca.pem"
pem_of "$work/v1.pem" "CN = Microsoft Time-Stamp PCA$" > "$work/tspca.pem"
"$MUMTOOL" cat verify --no-default-trust --trust "$work/vpca.pem" --trust "$work/tspca.pem" "$v1" > "$work/v" 2>&1
rc=$?
if [ $rc -eq 0 ] && grep -q ': trusted$' "$work/v" && grep -q 'countersignature' "$work/v" &&
    grep -q 'evaluated at   2010-12-22T23:46:57Z (timestamp)' "$work/v"; then
    ok "v1 update.cat: trusted at its countersignature's time with Microsoft's CAs as anchors"
else
    not_ok "v1 update.cat: trusted at its countersignature's time (exit $rc)"
    sed 's/^/# /' "$work/v"
fi

# The Hyper-V Integration Services catalogs: trusted by the built-in anchors
# too, at their timestamps' time (all cat verify'd at once: exit 0 only if
# each is trusted).
if [ -d "$REALDATA/hyperv" ]; then
    mkdir -p "$work/hv"
    for f in "$REALDATA"/hyperv/*.cab; do
        "$MUMTOOL" extract "$f" -C "$work/hv/$(basename "$f")" >/dev/null 2>&1
    done
    find "$work/hv" -name '*.cat' > "$work/hvcats"
    hv=$(wc -l < "$work/hvcats")
    # shellcheck disable=SC2046
    "$MUMTOOL" cat verify $(cat "$work/hvcats") > "$work/v" 2>&1
    rc=$?
    trusted=$(grep -c ': trusted$' "$work/v")
    at_ts=$(grep -c '^  evaluated at .*(timestamp)$' "$work/v")
    [ "$hv" -gt 0 ] && [ $rc -eq 0 ] && [ "$trusted" -eq "$hv" ] && [ "$at_ts" -eq "$hv" ] \
        && ok "the $hv Hyper-V catalogs: trusted at their timestamps' time with the built-in anchors" \
        || { not_ok "the Hyper-V catalogs: $trusted of $hv trusted, $at_ts at the timestamp (exit $rc)"; sed 's/^/# /' "$work/v" | head -40; }
fi

# One flipped byte in a member's digest.
tag=$("$MUMTOOL" cat --json "$v2" | sed -n 's/^ *"tag": "\(d23e2f27[0-9a-f]*\)".*/\1/p')
off=$(od -An -tx1 -v "$v2" | tr -d ' \n' | grep -bo "$tag" | head -n 1 | cut -d: -f1)
cp "$v2" "$work/flip.cat"
printf '\377' | dd of="$work/flip.cat" bs=1 seek=$((off / 2 + 3)) conv=notrunc 2>/dev/null
"$MUMTOOL" cat verify "$work/flip.cat" > "$work/v" 2>&1
rc=$?
[ -n "$tag" ] && [ $rc -eq 1 ] && grep -q ': integrity-failed$' "$work/v" && grep -q 'signature.content-digest' "$work/v" \
    && ok "a flipped byte in a member's digest fails integrity (content-digest, exit 1)" \
    || { not_ok "a flipped byte fails integrity (exit $rc)"; sed 's/^/# /' "$work/v"; }

# A truncated catalog.
head -c 4000 "$v2" > "$work/cut.cat"
"$MUMTOOL" cat verify "$work/cut.cat" > "$work/v" 2>&1
rc=$?
[ $rc -eq 3 ] && grep -q 'cut.cat: at offset 0: not a PKCS#7 signature: an element of 8818 bytes runs past the end of the data' "$work/v" \
    && ok "a truncated catalog is an error at an offset (exit 3)" \
    || { not_ok "a truncated catalog is an error at an offset (exit $rc)"; sed 's/^/# /' "$work/v"; }

# unsigned.cat
"$MUMTOOL" cat verify "$REALDATA/unsigned.cat" > "$work/v" 2>&1
rc=$?
[ $rc -eq 1 ] && grep -q 'unsigned.cat: unsigned$' "$work/v" && grep -q 'signature.unsigned' "$work/v" \
    && ok "unsigned.cat is unsigned (exit 1)" \
    || { not_ok "unsigned.cat is unsigned (exit $rc)"; sed 's/^/# /' "$work/v"; }

# Rebuild certificate trust lists byte for byte.
ctl_of() { # catalog out: its CTL (the SEQUENCE after the CTL content type and [0])
    element "$1" "$(after_oid "$1" ':1\.3\.6\.1\.4\.1\.311\.10\.1$')" "$2"
}
rebuild() { # label catalog version files...
    label=$1 cat=$2 ver=$3
    shift 3
    info=$("$MUMTOOL" cat --json "$cat")
    t=$(printf '%s\n' "$info" | sed -n 's/^  "thisUpdate": "\(.*\)",$/\1/p')
    id=$(printf '%s\n' "$info" | sed -n 's/^  "listId": "\(.*\)",$/\1/p')
    os=$(printf '%s\n' "$info" | awk '/"name": "OSAttr"/ { getline; getline; v = $2; sub(/^"/, "", v); sub(/"$/, "", v); print v; exit }')
    "$MUMTOOL" cat create -o "$work/re.cat" --force "$ver" --time "$t" --list-id "$id" \
        --attr "OSAttr:0x10001=$os" --no-file-names "$@" 2> "$work/err"
    ctl_of "$cat" "$work/a.ctl"
    ctl_of "$work/re.cat" "$work/b.ctl"
    if [ -s "$work/a.ctl" ] && cmp -s "$work/a.ctl" "$work/b.ctl"; then
        ok "$label: the rebuilt list is byte for byte Microsoft's ($(wc -c < "$work/a.ctl") bytes)"
    else
        not_ok "$label: the rebuilt list is byte for byte Microsoft's"
        sed 's/^/# /' "$work/err"
        cmp "$work/a.ctl" "$work/b.ctl" | sed 's/^/# /'
    fi
}
d="$work/Windows8.1-KB2938772-x64.cab"
p2=$(find "$d" -maxdepth 1 -name 'Package_2_for_KB2938772*.cat')
members=""
for f in "$d"/*.mum "$d"/*.manifest "$d"/*/*; do
    "$MUMTOOL" cat check "$p2" "$f" >/dev/null 2>&1 && members="$members
$f"
done
old_ifs=$IFS
IFS='
'
# shellcheck disable=SC2086
rebuild "v2 $(basename "$p2")" "$p2" --v2 $members
IFS=$old_ifs
rebuild "v1 update.cat of KB2465285" "$v1" --v1 "$work/Windows6.1-KB2465285-x64.msu/inner/update.mum"

echo "1..$n"
