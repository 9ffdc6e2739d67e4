#!/usr/bin/env python3
"""Generates a large PA30 delta for make bench-delta, with the independent
writer of tests/tools/pa30write.py: a source, a target made from it the way
a new version of a binary is made from the old one, and the RAW delta
between them (no hash, composite codes, several segments).

    bench/gen-delta.py [--mb N] [--seed S] OUTDIR

writes OUTDIR/source.bin, OUTDIR/target.bin and OUTDIR/delta.pa30 (and
checks that pa30write's own reader gives the target back).  The target is
about N MiB (default 100): stretches of the source at or near the same
position (sent as the source at the same position or as signed offsets,
mean 300 bytes), short matches (4-40 bytes) into the recent target or
through the repeat offsets, and literal runs (1-24 bytes), in proportions
30/35/35 of the operations: about 4 % of the target's bytes are literals,
15 % short matches.  The source has the texture of a program (a vocabulary
of short tokens, runs of zeros, noise: zlib takes it to about 40 %).
Deterministic for a given --seed.
"""
import argparse
import os
import random
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "tools"))
import pa30write as P  # noqa: E402


def binaryish(rng, n):
    vocab = [rng.randbytes(rng.randrange(2, 12)) for _ in range(400)]
    parts = []
    size = 0
    while size < n:
        r = rng.random()
        if r < 0.08:
            b = b"\0" * rng.randrange(4, 64)
        elif r < 0.2:
            b = rng.randbytes(rng.randrange(1, 16))
        else:
            b = rng.choice(vocab)
        parts.append(b)
        size += len(b)
    return b"".join(parts)[:n]


def make_source(rng, n):
    # a few distinct 1 MiB blocks, each copy of one with a few of its 4 KiB
    # pages replaced by noise, so that long exact repeats stay rare
    blocks = [binaryish(rng, 1 << 20) for _ in range(6)]
    out = bytearray()
    while len(out) < n:
        b = bytearray(rng.choice(blocks))
        for _ in range(rng.randrange(8, 32)):
            p = rng.randrange(0, len(b) - 4096)
            b[p:p + 4096] = rng.randbytes(4096)
        out += b
    return bytes(out[:n])


def make_ops(rng, src, n):
    R = len(src)
    ops = []
    pos = 0                     # target bytes made
    drift = 0                   # where the target is against the source
    recent = []                 # distances of recent short matches
    while pos < n:
        r = rng.random()
        if r < 0.35:
            k = rng.randrange(1, 25)
            s = R and (pos + drift) % max(1, R - 64)
            ops.append(("lit", src[s:s + k] if rng.random() < 0.3 else rng.randbytes(k)))
            pos += k
            if rng.random() < 0.3:
                drift += rng.randrange(-k, k + 1)
        elif r < 0.70 and pos > 64:
            k = rng.randrange(4, 41)
            if recent and rng.random() < 0.4:
                d = rng.choice(recent[-3:])
            else:
                d = rng.randrange(1, min(pos, 65536) + 1)
                recent.append(d)
            if d > R + pos:
                continue
            ops.append(("copy", R + pos - d, k))
            pos += k
        else:
            k = max(8, int(rng.expovariate(1 / 300)))
            s = pos + drift
            if rng.random() < 0.1:
                drift += rng.randrange(-4000, 4000)
                s = pos + drift
            if s < 0 or s + k > R:
                drift = 0
                s = pos
                if s + k > R:
                    continue
            ops.append(("copy", s, k))
            pos += k
    return ops


def main():
    ap = argparse.ArgumentParser(description="a large PA30 delta for make bench-delta")
    ap.add_argument("--mb", type=int, default=100)
    ap.add_argument("--seed", type=int, default=21)
    ap.add_argument("outdir")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    n = a.mb << 20
    src = make_source(rng, n)
    ops = make_ops(rng, src, n)
    syms, target = P.plan(src, ops)
    body = P.encode_body(syms, len(src), segments=max(1, a.mb // 4))
    w = P.make_header(len(target), P.HASH_NONE, b"")
    w.buffer(b"")
    w.buffer(body)
    delta = P.MAGIC + bytes(8) + w.finish()
    os.makedirs(a.outdir, exist_ok=True)
    lits = sum(len(o[1]) for o in ops if o[0] == "lit")
    if a.mb <= 8:
        assert P.decode(src, delta) == target
    for name, data in (("source.bin", src), ("target.bin", target), ("delta.pa30", delta)):
        with open(os.path.join(a.outdir, name + ".tmp"), "wb") as f:
            f.write(data)
        os.replace(os.path.join(a.outdir, name + ".tmp"), os.path.join(a.outdir, name))
    print("%s: target %d bytes, delta %d bytes, %d operations, %.1f %% literal bytes"
          % (a.outdir, len(target), len(delta), len(ops), 100.0 * lits / len(target)))


if __name__ == "__main__":
    main()
