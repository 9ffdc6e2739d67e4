#!/bin/sh
# The README's library example is real (TAP): tests/api/readme_example.c is
# exactly the README's C block, it builds against the installed-style public
# API (libmum.la, no internal headers) and prints what the README says.
set -u
SRCDIR=${MUM_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILDDIR=${MUM_BUILDDIR:-.}
echo "1..2"
awk '/^## Using libmum/{on=1} on && /^```c$/{inb=1; next} inb && /^```$/{exit} inb{print}' \
    "$SRCDIR/README.md" | cmp -s - "$SRCDIR/tests/api/readme_example.c"
if [ $? -eq 0 ]; then
    echo "ok 1 - tests/api/readme_example.c is the README's example"
else
    echo "not ok 1 - tests/api/readme_example.c is the README's example"
fi
out=$("$BUILDDIR/tests/api/readme_example")
if [ "$out" = "x86_microsoft-windows-tcpip-binaries_31bf3856ad364e35_6.0.6001.22222_none_b39411bf7f924877" ]; then
    echo "ok 2 - the example prints the keyform the README promises"
else
    echo "not ok 2 - the example prints the keyform the README promises"
    echo "# got: $out"
fi
exit 0
