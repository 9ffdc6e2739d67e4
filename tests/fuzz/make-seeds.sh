#!/bin/sh
# make-seeds.sh MUMTOOL MKPE OUTDIR [CORPUS...] - the seed inputs the
# corpora below were grown from with libFuzzer (see README.md), written to
# OUTDIR/<corpus>/seed-*; CORPUS is any of catalog, pe, extract, diff and expect
# (default: all five).  No real (Microsoft) file is used.
#
# - catalog, pe: small catalogs made by 'mumtool cat create' (v1 and v2,
#   unsigned, signed with the throwaway test CA, RFC 3161 timestamped by
#   osslsigncode's own TSA) and PE images made by mkpe (PE32, PE32+, one
#   signed by osslsigncode).  The signatures differ at each run.
# - extract: the cabinets and the MSU of tests/fixtures/containers (hostile
#   names, nesting, an express cabinet, data before the file table).
# - diff: two inputs in one (fuzz_diff.c: a 16-bit little-endian length of
#   the first, then both): two cabinets gcab makes of the manifest
#   fixtures (tests/fixtures/manifest) and a payload, a package manifest
#   and a changed copy of it (a folder each), and a cabinet against a
#   manifest.
# - expect: small articles in each layout the man page lists (written
#   here, not taken from any article), samples/kb943650.expect.tsv and its
#   JSON form.
set -eu
mumtool=$1 mkpe=$2 out=$3
shift 3
corpora=${*:-catalog pe extract diff expect}
here=$(cd "$(dirname "$0")" && pwd)
fixtures=$here/../fixtures
work=$(mktemp -d "${TMPDIR:-/tmp}/mum-seeds.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
wants() { case " $corpora " in *" $1 "*) return 0 ;; esac; return 1; }

if wants extract; then
    mkdir -p "$out/extract"
    for f in plain names nested deep express reordered trailing; do
        cp "$fixtures/containers/$f.cab" "$out/extract/seed-$f"
    done
    cp "$fixtures/containers/Windows6.1-KB9999999-x64.msu" "$out/extract/seed-msu"
fi

if wants diff; then
    mkdir -p "$out/diff" "$work/v1" "$work/v2"
    mum=Package_1_for_KB1000001~31bf3856ad364e35~amd64~~6.3.1.0.mum
    man=amd64_contoso-widget_31bf3856ad364e35_1.2.3.4_none_d647602d3fb21d93.manifest
    cp "$fixtures/manifest/$mum" "$work/v1/$mum"
    cp "$fixtures/manifest/contoso-widget.manifest" "$work/v1/$man"
    printf abc > "$work/v1/widget.dll"
    # the second version: the package one version up, the payload changed
    # under the same component version
    mum2=$(echo "$mum" | sed 's/6\.3\.1\.0/6.3.2.0/')
    sed 's/version="6\.3\.1\.0"/version="6.3.2.0"/' "$work/v1/$mum" > "$work/v2/$mum2"
    cp "$work/v1/$man" "$work/v2/$man"
    printf abd > "$work/v2/widget.dll"
    touch -d @1704067200 "$work"/v1/* "$work"/v2/*
    (cd "$work/v1" && gcab -c -n "$work/v1.cab" ./*)
    (cd "$work/v2" && gcab -c -n "$work/v2.cab" ./*)
    # both inputs in one: the first one's length (16 bits, little-endian), then both
    pair() {
        n=$(wc -c < "$1")
        printf "\\$(printf %o $((n % 256)))\\$(printf %o $((n / 256)))" > "$3"
        cat "$1" "$2" >> "$3"
    }
    pair "$work/v1.cab" "$work/v1.cab" "$out/diff/seed-cab-same"
    pair "$work/v1.cab" "$work/v2.cab" "$out/diff/seed-cab-changed"
    pair "$work/v1/$mum" "$work/v2/$mum2" "$out/diff/seed-mum-changed"
    pair "$work/v1.cab" "$work/v2/$mum2" "$out/diff/seed-cab-mum"
fi

if wants expect; then
    mkdir -p "$out/expect"
    e=$out/expect
    cp "$here/../../samples/kb943650.expect.tsv" "$e/seed-tsv"
    "$mumtool" expect parse --format json - < "$e/seed-tsv" > "$e/seed-json"
    cat > "$e/seed-run-together" <<'END'
Title
For all supported 64-bit versions of Windows Server 2008
File nameFile versionFile sizeDateTimePlatform
Tcpip.sys6.0.6001.222221,419,83215-Jul-200806:38x64
Wfp.mofNot Applicable81418-Dec-200721:10Not Applicable
Fwpuclnt.dll6.0.6001.22222595,45615-Jul-200804:15x86
Article ID : 1
END
    cat > "$e/seed-spaced" <<'END'
File information
File name File version File size Date Time Platform
Ese.dll 6.5.7651.47 2,254,848 05-Sep-2006 20:35 x86
Wfp.mof Not applicable 814 5-Sep-2006 9:05 Not applicable

For all supported ARM64-based versions
| File name | File version | File size | Date | Time | Platform |
|---|---|---|---|---|---|
| My driver.sys | 10.0.22000.1 | 12,345 | 01-Feb-2022 | 10:00 | ARM64 |
Keywords: KB2
END
    cat > "$e/seed-fixed" <<'END'
Windows Server 2003, Itanium-based versions

   Date         Time   Version            Size    File name    Platform
   --------------------------------------------------------------------
   31-Aug-2005  03:41  5.2.3790.2520   2,104,320  Netcfgx.dll      IA-64
   31-Aug-2005  03:41                        100  Readme.txt
END
    cat > "$e/seed-blocks" <<'END'
Additional files for all supported 64-bit versions of Windows Server 2008
File nameWow64_microsoft-windows-a_31bf3856ad364e35_6.0.6001.22222_none_340db52c307512bb.manifest
File versionNot Applicable
File size71,155
Date (UTC)15-Jul-2008
Time (UTC)07:13
PlatformNot Applicable
File name: Update.mum
File size: 2,255
Platform: x64
END
fi

wants catalog || wants pe || exit 0
sh "$here/../tools/make-test-ca.sh" "$work/ca"
ca=$work/ca
mkdir -p "$out/catalog" "$out/pe"
cd "$work"
printf 'hello\n' > a.txt
"$mkpe" --sections 1 a.dll
"$mkpe" --pe32plus --sections 2 --overlay 13 b.dll
t="--time 2024-01-01"
"$mumtool" cat create -o "$out/catalog/seed-v2-unsigned" $t --attr OSAttr=2:6.1 a.txt
"$mumtool" cat create -o "$out/catalog/seed-v1-unsigned" $t --v1 a.txt a.dll
"$mumtool" cat create -o "$out/catalog/seed-v2-signed" $t --key "$ca/signer.key" --cert "$ca/signer.pem" a.dll
"$mumtool" cat create -o "$out/catalog/seed-v1-signed-sha1" $t --v1 --sha1 \
    --key "$ca/signer.key" --cert "$ca/signer.pem" --description seed a.txt
"$mumtool" cat create -o s.cat $t --key "$ca/signer.key" --cert "$ca/signer.pem" a.txt
osslsigncode add -TSA-certs "$ca/tsa.pem" -TSA-key "$ca/tsa.key" -TSA-time 1704067200 \
    -in s.cat -out "$out/catalog/seed-v2-timestamped" >/dev/null
cp a.dll "$out/pe/seed-pe32"
cp b.dll "$out/pe/seed-pe32plus-unaligned"
osslsigncode sign -h sha256 -certs "$ca/signer.pem" -key "$ca/signer.key" -in a.dll \
    -out "$out/pe/seed-pe32-signed" >/dev/null
