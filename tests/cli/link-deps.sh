#!/bin/sh
# What a start of mumtool loads (TAP).  Every symbol of mumtool and libmum
# resolves when the dynamic loader binds them all at once (LD_BIND_NOW), so
# a static libarchive that needs a library nobody loads fails here and not
# in a user's first verify.  libmum exports no libarchive symbol.  With
# libarchive's cabinet reader linked in (configure's default when
# libarchive.a links with zlib alone: MUM_STATIC_LIBARCHIVE), the start
# loads neither libarchive.so nor what it brings (libxml2, ICU, libstdc++),
# which cost 4 ms of every start (doc/performance.md).
set -u
: "${MUM_BUILDDIR:?}"
MUMTOOL=${MUMTOOL:-$MUM_BUILDDIR/mumtool}
lib="$MUM_BUILDDIR/.libs/libmum.so.0"

n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); echo "not ok $n - $1"; shift; for l in "$@"; do printf '%s\n' "$l" | sed 's/^/# /'; done; }
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }

echo "1..4"
if out=$(LD_BIND_NOW=1 "$MUMTOOL" --version 2>&1); then
    ok "mumtool starts with every symbol bound at load (LD_BIND_NOW=1)"
else
    notok "mumtool starts with every symbol bound at load (LD_BIND_NOW=1)" "$out"
fi

if [ -n "${MUM_INSTALLED:-}" ] || [ ! -f "$lib" ]; then
    skip "libmum.so defines no libarchive symbol" "no built libmum.so.0 in $MUM_BUILDDIR/.libs"
    skip "libmum.so does not need libarchive.so" "no built libmum.so.0"
    skip "mumtool's start loads no libarchive, libxml2, ICU or libstdc++" "no built libmum.so.0"
    exit 0
fi
if ! command -v nm >/dev/null 2>&1 || ! command -v readelf >/dev/null 2>&1; then
    skip "libmum.so defines no libarchive symbol" "no nm or readelf (binutils)"
    skip "libmum.so does not need libarchive.so" "no nm or readelf (binutils)"
else
    defined=$(nm -D --defined-only "$lib" | awk '$3 ~ /^archive_/ {print $3}')
    if [ -z "$defined" ]; then
        ok "libmum.so defines no libarchive symbol"
    else
        notok "libmum.so defines no libarchive symbol" "$(echo "$defined" | head -n 5)"
    fi
    needed=$(readelf -d "$lib" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
    if ! grep -q '^#define MUM_STATIC_LIBARCHIVE 1' "$MUM_BUILDDIR/config.h"; then
        skip "libmum.so does not need libarchive.so" "configured with the shared libarchive"
    elif echo "$needed" | grep -q '^libarchive\.so'; then
        notok "libmum.so does not need libarchive.so" "needed: $(echo $needed)"
    else
        ok "libmum.so does not need libarchive.so"
    fi
fi

if ! grep -q '^#define MUM_STATIC_LIBARCHIVE 1' "$MUM_BUILDDIR/config.h"; then
    skip "mumtool's start loads no libarchive, libxml2, ICU or libstdc++" "configured with the shared libarchive"
else
    # the libtool wrapper runs the real program; the loader lists what it maps
    loaded=$(LD_LIBRARY_PATH="$MUM_BUILDDIR/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
             LD_TRACE_LOADED_OBJECTS=1 "$MUM_BUILDDIR/.libs/mumtool" 2>&1)
    extra=$(echo "$loaded" | grep -E 'libarchive|libxml2|libicu|libstdc\+\+' || true)
    if echo "$loaded" | grep -q 'libmum\.so' && [ -z "$extra" ]; then
        ok "mumtool's start loads no libarchive, libxml2, ICU or libstdc++"
    else
        notok "mumtool's start loads no libarchive, libxml2, ICU or libstdc++" "$loaded"
    fi
fi
