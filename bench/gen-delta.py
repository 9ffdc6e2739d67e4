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

    bench/gen-delta.py --pe [--mb N] [--seed S] OUTDIR

writes instead a pair of PE32+ images of about N MiB (default 4; sections
.text, .rdata, .data, .pdata, .reloc with that texture, made by
pa30write's TinyPE) as OUTDIR/source.bin and target.bin, the target made
from the source as above after a copy of its headers, and two deltas with
the same body: OUTDIR/pe.pa30 (file type AMD64, flags 0xe63e: its
preprocessing data carries the source's own ImageBase, TimeDateStamp and
layout, and an identity RVA map of the sections, so the source transforms
change no byte) and OUTDIR/raw.pa30 (file type RAW).  Decoding both
measures what the PE path costs on top of the body: the preprocessing
data, the copy of the source, the transforms' passes over the image.
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


def write_files(outdir, files):
    os.makedirs(outdir, exist_ok=True)
    for name, data in files:
        with open(os.path.join(outdir, name + ".tmp"), "wb") as f:
            f.write(data)
        os.replace(os.path.join(outdir, name + ".tmp"), os.path.join(outdir, name))


def pe_pair(a, rng):
    n = a.mb << 20
    blob = make_source(rng, n)
    # the sections' shares of the image: code first, as in a DLL
    cuts = [0, n * 70 // 100, n * 85 // 100, n * 92 // 100, n * 97 // 100, n]
    names = [(".text", 0x60000020), (".rdata", 0x40000040), (".data", 0xC0000040),
             (".pdata", 0x40000040), (".reloc", 0x42000040)]
    secs = [(nm, blob[cuts[k]:cuts[k + 1]], ch) for k, (nm, ch) in enumerate(names)]
    img = P.TinyPE("amd64", secs, 0x180000000, 0x5F5E1000, checksum=0)
    src = img.bytes()
    layout = P.pe_layout(src)
    ops = [("copy", 0, img.sections_at + 40 * len(secs))] + make_ops(rng, src, len(src))
    syms, target = P.plan(src, ops)
    body = P.encode_body(syms, len(src), segments=max(1, a.mb // 4))
    pre = P.pe_preprocess(0x180000000, 0x5F5E1000, layout, [(va, va) for va, _ in layout])
    # the transforms change nothing in this source (CheckSum 0, the same
    # stamp and base, no .idata), so one body serves both file types
    assert P.pe_transform(src, P.PE_FLAGS_AMD64, 0x180000000, 0x5F5E1000) == src
    out = []
    for name, ftype, flags, prep in (("pe.pa30", P.TYPE_AMD64, P.PE_FLAGS_AMD64, pre),
                                     ("raw.pa30", P.TYPE_RAW, 0, b"")):
        w = P.make_header(len(target), P.HASH_NONE, b"", ftype, ftype | P.TYPE_RAW, flags)
        w.buffer(prep)
        w.buffer(body)
        out.append((name, P.MAGIC + bytes(8) + w.finish()))
    if a.mb <= 8:
        assert P.decode(src, out[0][1]) == target and P.decode(src, out[1][1]) == target
    write_files(a.outdir, [("source.bin", src), ("target.bin", target)] + out)
    print("%s: PE32+ images of %d and %d bytes, deltas of %d (AMD64) and %d (RAW) bytes"
          % (a.outdir, len(src), len(target), len(out[0][1]), len(out[1][1])))


def main():
    ap = argparse.ArgumentParser(description="a large PA30 delta for make bench-delta")
    ap.add_argument("--mb", type=int)
    ap.add_argument("--seed", type=int, default=21)
    ap.add_argument("--pe", action="store_true",
                    help="a pair of PE images and their AMD64 and RAW deltas")
    ap.add_argument("outdir")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    if a.pe:
        a.mb = a.mb or 4
        return pe_pair(a, rng)
    a.mb = a.mb or 100
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
