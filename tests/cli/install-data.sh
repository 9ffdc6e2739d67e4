#!/bin/sh
# What 'make install' puts beside the program (TAP): 'make install-data
# DESTDIR=...' (the data half of 'make install': no program is relinked)
# installs every file of schemas/ unchanged in $(datadir)/mumtool/schemas,
# the bash completion as $(datadir)/bash-completion/completions/mumtool and
# the zsh one as $(datadir)/zsh/site-functions/_mumtool; the installed bash
# completion loads.
set -u
: "${MUM_BUILDDIR:?}"
SRCDIR=${MUM_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
work=$(mktemp -d "${TMPDIR:-/tmp}/mum-install.XXXXXX") || exit 99
trap 'rm -rf "$work"' EXIT INT TERM
# a make of its own, not a part of the 'make check' that runs this test
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES

n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); echo "not ok $n - $1"; shift; for l in "$@"; do printf '%s\n' "$l" | sed 's/^/# /'; done; }

if ${MAKE:-make} -s -C "$MUM_BUILDDIR" install-data DESTDIR="$work/root" prefix=/p >"$work/make.out" 2>&1; then
    ok "make install-data DESTDIR=... prefix=/p succeeds"
else
    notok "make install-data DESTDIR=... prefix=/p succeeds" "$(tail -n 20 "$work/make.out")"
fi
share="$work/root/p/share"

missing=""
differ=""
for f in "$SRCDIR"/schemas/*; do
    b=$(basename "$f")
    if [ ! -f "$share/mumtool/schemas/$b" ]; then
        missing="$missing $b"
    elif ! cmp -s "$f" "$share/mumtool/schemas/$b"; then
        differ="$differ $b"
    fi
done
if [ -z "$missing" ] && [ -z "$differ" ] && [ -e "$SRCDIR/schemas/manifest.rng" ]; then
    ok "every file of schemas/ is installed unchanged in \$(datadir)/mumtool/schemas"
else
    notok "every file of schemas/ is installed unchanged in \$(datadir)/mumtool/schemas" \
        "not installed (add it to dist_mumschema_DATA in Makefile.am):$missing" "changed:$differ"
fi
extra=$(cd "$share/mumtool/schemas" 2>/dev/null && for b in *; do [ -e "$SRCDIR/schemas/$b" ] || echo "$b"; done)
if [ -z "$extra" ]; then
    ok "nothing else is installed there"
else
    notok "nothing else is installed there" "$extra"
fi

if cmp -s "$SRCDIR/completion/mumtool.bash" "$share/bash-completion/completions/mumtool"; then
    ok "the bash completion is installed as \$(datadir)/bash-completion/completions/mumtool"
else
    notok "the bash completion is installed as \$(datadir)/bash-completion/completions/mumtool" \
        "$(ls -R "$share" 2>&1 | head -n 30)"
fi
if cmp -s "$SRCDIR/completion/_mumtool" "$share/zsh/site-functions/_mumtool"; then
    ok "the zsh completion is installed as \$(datadir)/zsh/site-functions/_mumtool"
else
    notok "the zsh completion is installed as \$(datadir)/zsh/site-functions/_mumtool" \
        "$(ls -R "$share" 2>&1 | head -n 30)"
fi
out=$(bash -c 'source "$1" && complete -p mumtool' sh "$share/bash-completion/completions/mumtool" 2>&1)
if [ "$out" = "complete -F _mumtool mumtool" ]; then
    ok "the installed bash completion loads"
else
    notok "the installed bash completion loads" "$out"
fi
echo "1..$n"
