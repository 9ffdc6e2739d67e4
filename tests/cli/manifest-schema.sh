#!/bin/sh
# schemas/manifest.rng against manifests that do not need $MUM_REALDATA
# (TAP): the clean fixtures validate and the broken one does not (a schema
# that accepts anything fails here); and a sample made by
# bench/gen-manifests.py -- the benchmark's input -- validates and shows
# with no finding, so the benchmark measures manifests of the real shape.
set -u
: "${MUMTOOL:?MUMTOOL must point at the built mumtool}"
SRCDIR=${MUM_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
SCHEMA=$SRCDIR/schemas/manifest.rng
FIX=$SRCDIR/tests/fixtures/manifest

if ! command -v xmllint >/dev/null 2>&1; then
    echo "1..0 # SKIP xmllint not installed (tools/install-deps)"
    exit 0
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/mum-schema.XXXXXX") || exit 99
trap 'rm -rf "$work"' EXIT INT TERM

echo "1..5"
valid() { xmllint --noout --relaxng "$SCHEMA" "$@" > "$work/out" 2>&1; }

if valid "$FIX"/contoso-widget.manifest "$FIX"/Package_1_for_KB1000001*.mum; then
    echo "ok 1 - the clean fixtures validate"
else
    echo "not ok 1 - the clean fixtures validate"
    sed 's/^/# /' "$work/out"
fi
if valid "$FIX/broken-hash.manifest"; then
    echo "not ok 2 - broken-hash.manifest (a DigestValue that is not base64) does not validate"
else
    echo "ok 2 - broken-hash.manifest (a DigestValue that is not base64) does not validate"
fi
# an unknown asm.v3 element, a package without update
printf '<assembly xmlns="urn:schemas-microsoft-com:asm.v3" manifestVersion="1.0"><assemblyIdentity name="a" version="1.0.0.0" processorArchitecture="x86" publicKeyToken="31bf3856ad364e35"/><frobnicate/></assembly>' > "$work/u.manifest"
printf '<assembly xmlns="urn:schemas-microsoft-com:asm.v3" manifestVersion="1.0"><assemblyIdentity name="a" version="1.0.0.0" processorArchitecture="x86" publicKeyToken="31bf3856ad364e35"/><package/></assembly>' > "$work/p.mum"
if valid "$work/u.manifest" || valid "$work/p.mum"; then
    echo "not ok 3 - an unknown asm.v3 element, a package with no update do not validate"
else
    echo "ok 3 - an unknown asm.v3 element, a package with no update do not validate"
fi

PY=${PYTHON3:-python3}
if ! command -v "$PY" >/dev/null 2>&1; then
    echo "ok 4 - generated manifests validate # SKIP python3 not installed"
    echo "ok 5 - generated manifests show with no finding # SKIP python3 not installed"
    exit 0
fi
"$PY" "$SRCDIR/bench/gen-manifests.py" --count 120 --seed 7 "$work/gen" || exit 99
n=$(ls "$work/gen" | wc -l)
if valid "$work"/gen/*; then
    echo "ok 4 - $n generated manifests validate"
else
    echo "not ok 4 - $n generated manifests validate"
    grep -v 'validates$' "$work/out" | sed 's/^/# /' | head -20
fi
if "$MUMTOOL" show "$work"/gen/* > "$work/show" 2>&1; then
    echo "ok 5 - $n generated manifests show with no finding (names match identities)"
else
    echo "not ok 5 - $n generated manifests show with no finding (names match identities)"
    grep -E ': (error|warning|info):|^mumtool:' "$work/show" | sed 's/^/# /' | head -20
fi
exit 0
