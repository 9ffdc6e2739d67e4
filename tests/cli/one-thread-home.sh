#!/bin/sh
# One home for threads (TAP): the library and the command make threads in
# src/lib/pool.c only; every parallel stage borrows them from its pool
# (src/lib/pool.h).
set -u
SRCDIR=${MUM_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}

echo "1..2"
calls=$(grep -rlE 'pthread_create[[:space:]]*\(' "$SRCDIR/src" "$SRCDIR/include" | sed "s|^$SRCDIR/||" | sort)
if [ "$calls" = "src/lib/pool.c" ]; then
    echo "ok 1 - pthread_create is called in src/lib/pool.c and nowhere else"
else
    echo "not ok 1 - pthread_create is called in src/lib/pool.c and nowhere else"
    echo "$calls" | sed 's/^/# called in: /'
fi
joins=$(grep -rlE 'pthread_(join|detach)[[:space:]]*\(' "$SRCDIR/src" "$SRCDIR/include" | sed "s|^$SRCDIR/||" | sort)
if [ "$joins" = "src/lib/pool.c" ]; then
    echo "ok 2 - threads are joined in src/lib/pool.c only"
else
    echo "not ok 2 - threads are joined in src/lib/pool.c only"
    echo "$joins" | sed 's/^/# joined in: /'
fi
