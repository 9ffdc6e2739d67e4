#!/bin/sh
# The rules are documented where users look (TAP): schemas/rules.json is
# exactly 'mumtool rules --json', the man page's RULES section names every
# rule and no other, and doc/windows-semantics.md (what Windows does, rule by
# rule) has a section for every rule and names no rule that does not exist.
set -u
: "${MUMTOOL:?}"
SRCDIR=${MUM_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
work=$(mktemp -d "${TMPDIR:-/tmp}/mum-rules.XXXXXX") || exit 99
trap 'rm -rf "$work"' EXIT INT TERM

echo "1..5"
"$MUMTOOL" rules --json > "$work/rules.json"
if cmp -s "$work/rules.json" "$SRCDIR/schemas/rules.json"; then
    echo "ok 1 - schemas/rules.json matches 'mumtool rules --json' (regenerate: make update-rules)"
else
    echo "not ok 1 - schemas/rules.json matches 'mumtool rules --json' (regenerate: make update-rules)"
    diff -u "$SRCDIR/schemas/rules.json" "$work/rules.json" | sed 's/^/# /'
fi

sed -n 's/^ *"id": "\(.*\)",$/\1/p' "$work/rules.json" | sort > "$work/ids"
awk '/^\.SH RULES/ { on = 1; next } /^\.SH / { on = 0 } on && /^\.BR [a-z0-9\\-]+\.[a-z0-9\\-]+ "/ { print $2 }' \
    "$SRCDIR/doc/mumtool.1" | sed 's/\\-/-/g' | sort > "$work/documented"
missing=$(comm -23 "$work/ids" "$work/documented")
stale=$(comm -13 "$work/ids" "$work/documented")
if [ -s "$work/ids" ] && [ -z "$missing" ]; then
    echo "ok 2 - the man page documents every rule"
else
    echo "not ok 2 - the man page documents every rule"
    echo "$missing" | sed 's/^/# undocumented: /'
fi
if [ -z "$stale" ]; then
    echo "ok 3 - the man page documents no rule that does not exist"
else
    echo "not ok 3 - the man page documents no rule that does not exist"
    echo "$stale" | sed 's/^/# stale: /'
fi

# doc/windows-semantics.md: one '### `id`' section per rule; any `module.name`
# it mentions (module: a prefix some rule id has) must be a rule.
audit="$SRCDIR/doc/windows-semantics.md"
sed -n 's/^### `\([^`]*\)`.*$/\1/p' "$audit" | sort -u > "$work/sections"
sed 's/\..*//' "$work/ids" | sort -u > "$work/modules"
grep -o '`[a-z0-9-]*\.[a-z0-9-]*`' "$audit" | tr -d '`' |
    awk -F. 'NR == FNR { m[$0] = 1; next } ($1 in m)' "$work/modules" - |
    cat - "$work/sections" | sort -u > "$work/named"
missing=$(comm -23 "$work/ids" "$work/sections")
stale=$(comm -13 "$work/ids" "$work/named")
if [ -s "$work/sections" ] && [ -z "$missing" ]; then
    echo "ok 4 - doc/windows-semantics.md has a section for every rule"
else
    echo "not ok 4 - doc/windows-semantics.md has a section for every rule"
    echo "$missing" | sed 's/^/# no section: /'
fi
if [ -z "$stale" ]; then
    echo "ok 5 - doc/windows-semantics.md names no rule that does not exist"
else
    echo "not ok 5 - doc/windows-semantics.md names no rule that does not exist"
    echo "$stale" | sed 's/^/# not a rule: /'
fi
exit 0
