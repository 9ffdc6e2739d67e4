#!/bin/sh
# The man page is clean (TAP): 'mandoc -T lint' and 'man --warnings' say
# nothing about doc/mumtool.1 (each skipped when absent); its SYNOPSIS
# gives each form on a line of its own (none runs into the next) and names
# every command of src/cli/main.c's table; and it mentions no variable of
# the test suite (those Makefile.am exports to the tests, and the test
# hooks mumtool reads: getenv("..._TEST_...")).
set -u
SRCDIR=${MUM_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
PAGE="$SRCDIR/doc/mumtool.1"
work=$(mktemp -d "${TMPDIR:-/tmp}/mum-manlint.XXXXXX") || exit 99
trap 'rm -rf "$work"' EXIT INT TERM

n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); echo "not ok $n - $1"; shift; for l in "$@"; do printf '%s\n' "$l" | sed 's/^/# /'; done; }
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }

if command -v mandoc >/dev/null 2>&1; then
    if mandoc -T lint "$PAGE" >"$work/mandoc" 2>&1 && [ ! -s "$work/mandoc" ]; then
        ok "mandoc -T lint: no message"
    else
        notok "mandoc -T lint: no message" "$(cat "$work/mandoc")"
    fi
else
    skip "mandoc -T lint: no message" "mandoc is not installed (tools/install-deps installs it)"
fi

rendered=""
if command -v man >/dev/null 2>&1 && command -v groff >/dev/null 2>&1; then
    if LC_ALL=C.UTF-8 MANWIDTH=80 MAN_KEEP_FORMATTING= man --warnings -E UTF-8 -l "$PAGE" \
        >"$work/man.out" 2>"$work/man.err" && [ ! -s "$work/man.err" ]; then
        ok "man --warnings: no warning"
    else
        notok "man --warnings: no warning" "$(cat "$work/man.err")"
    fi
    rendered="$work/man.out"
elif command -v mandoc >/dev/null 2>&1; then
    skip "man --warnings: no warning" "man or groff is not installed"
    mandoc -T utf8 "$PAGE" >"$work/man.out" 2>/dev/null
    rendered="$work/man.out"
else
    skip "man --warnings: no warning" "man or groff is not installed"
fi

if [ -n "$rendered" ]; then
    # the SYNOPSIS as text, without the overstriking of bold
    sed 's/.\x08//g' "$rendered" | sed -n '/^SYNOPSIS/,/^[A-Z]/p' | sed '1d;$d' > "$work/synopsis"
    together=$(grep -n 'mumtool .*mumtool ' "$work/synopsis")
    if [ -s "$work/synopsis" ] && [ -z "$together" ]; then
        ok "SYNOPSIS: no line holds two forms"
    else
        notok "SYNOPSIS: no line holds two forms" "$together" "$(head -n 40 "$work/synopsis")"
    fi
    missing=""
    for cmd in $(sed -n '/commands\[\] = {/,/^};/s/^ *{"\([a-z]*\)", cmd_.*/\1/p' "$SRCDIR/src/cli/main.c"); do
        grep -q "^ *mumtool $cmd\( \|$\)" "$work/synopsis" || missing="$missing $cmd"
    done
    if [ -z "$missing" ]; then
        ok "SYNOPSIS: a form for every command, each at the start of a line"
    else
        notok "SYNOPSIS: a form for every command, each at the start of a line" "missing:$missing"
    fi
else
    skip "SYNOPSIS: no line holds two forms" "neither man nor mandoc is installed"
    skip "SYNOPSIS: a form for every command, each at the start of a line" "neither man nor mandoc is installed"
fi

vars=$( { sed -n 's/.*export \([A-Z_][A-Z0-9_]*\);.*/\1/p' "$SRCDIR/Makefile.am"
          sed -n 's/.*\(MUM_[A-Z_]*\)=.*export.*/\1/p' "$SRCDIR/Makefile.am"
          grep -ho 'getenv("[A-Z0-9_]*TEST[A-Z0-9_]*")' "$SRCDIR"/src/cli/*.c "$SRCDIR"/src/lib/*.c |
              sed 's/getenv("\(.*\)")/\1/'; } | sort -u)
found=""
for v in $vars; do
    # (the title line names the page MUMTOOL, not a variable)
    grep -v '^\.TH ' "$PAGE" | grep -q -w -- "$v" && found="$found $v"
done
if [ -n "$vars" ] && [ -z "$found" ]; then
    ok "the man page mentions no variable of the test suite ($(echo $vars))"
else
    notok "the man page mentions no variable of the test suite" "mentioned:$found" "checked: $(echo $vars)"
fi
echo "1..$n"
