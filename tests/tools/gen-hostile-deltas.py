#!/usr/bin/env python3
"""gen-hostile-deltas.py - PA30 deltas for the decoder's tests, made at test
time (nothing binary is committed) with the independent writer of
tests/tools/pa30write.py.

    gen-hostile-deltas.py [--seed N] [--only hostile|valid] [--check]
                          [--small-size N] [--fuzz-seeds SEEDDIR] OUTDIR

writes into OUTDIR the sources, the deltas, the expected targets and
OUTDIR/cases.tsv, one case a line:

    NAME <TAB> SOURCE <TAB> DELTA <TAB> EXPECT <TAB> WHAT

with EXPECT one of
    ok:TARGET        decodes to exactly the bytes of TARGET
    error:S1,S2      fails with one of these statuses (EFORMAT, ELIMIT, EUNSUPPORTED)
    any:TARGET       fails with EFORMAT/ELIMIT/EUNSUPPORTED or decodes to TARGET
                     (bit flips: the MD5 in the header catches a changed target)
    nocrash          any status, any output (bit flips of a delta without a hash)

The valid set: empty and 1-byte targets, random literal/match mixes in both
code formats, long and overlapping matches, every repeat-offset slot, every
offset class, every hash algorithm, flags 0x20000 and 0x100, an empty
source.  The hostile set: truncations at many points (of the file, and of
the body alone), single bit flips, and crafted deltas: prefix-code tables
overflowing, code lengths that are not a prefix code (over- and
under-subscribed, for each tree), match offsets before the window, lengths
past the target's end, target sizes past the limit, wrong hashes, absurd
RIFT and segment counts, the PE file types and other refused forms.
Deterministic for a given --seed.
"""
import argparse
import os
import random
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pa30write as P  # noqa: E402

FORMAT, LIMIT, UNSUP = "EFORMAT", "ELIMIT", "EUNSUPPORTED"
MAX_TARGET = 4 << 30


class Out:
    def __init__(self, d, check=False):
        self.d = d
        self.rows = []
        self.names = set()
        self.files = {}
        self.sources = {}
        self.check = check
        self.disagree = []

    def blob(self, name, data):
        if name.startswith("src-"):
            self.sources[name] = data
        path = os.path.join(self.d, name)
        with open(path, "wb") as f:
            f.write(data)
        return name

    def case(self, name, source, delta, expect, what, policy=False):
        """policy: refused by libmum's choice (a file type, a flag, a limit),
        so the independent reader, which has no such policy, may decode it."""
        assert name not in self.names, name
        self.names.add(name)
        if self.check and not policy:
            self.reader_check(name, source, delta, expect)
        self.blob(name + ".pa30", delta)
        if expect[0] in ("ok", "any"):
            tname = self.files.get(("t", expect[1]))
            if tname is None:
                tname = self.blob("target-%d.bin" % len(self.files), expect[1])
                self.files[("t", expect[1])] = tname
            e = "%s:%s" % (expect[0], tname)
        elif expect[0] == "error":
            e = "error:" + ",".join(expect[1])
        else:
            e = "nocrash"
        self.rows.append("\t".join((name, source, name + ".pa30", e, what)))

    def reader_check(self, name, source, delta, expect):
        """The cases checked against pa30write's own reader first: an 'ok'
        case must decode, an 'error' case must fail in it too (else the
        case does not test what it says)."""
        try:
            got = P.decode(self.sources[source], delta)
            err = None
        except (P.FormatError, ValueError, IndexError, KeyError) as e:
            got, err = None, "%s: %s" % (type(e).__name__, e)
        if expect[0] == "ok" and got != expect[1]:
            self.disagree.append("%s: the reader: %s" % (name, err or "another target"))
        elif expect[0] == "error" and err is None:
            self.disagree.append("%s: the reader decodes it" % name)
        elif expect[0] == "any" and err is None and got != expect[1]:
            self.disagree.append("%s: the reader gives another target" % name)

    def write(self):
        with open(os.path.join(self.d, "cases.tsv"), "w") as f:
            f.write("\n".join(self.rows) + "\n")


def binaryish(rng, n):
    """Bytes with the texture of a program: a vocabulary of short tokens,
    runs of zeros, some noise (zlib takes it to about a half)."""
    vocab = [bytes(rng.randrange(256) for _ in range(rng.randrange(2, 12))) for _ in range(300)]
    out = bytearray()
    while len(out) < n:
        r = rng.random()
        if r < 0.08:
            out += b"\0" * rng.randrange(4, 64)
        elif r < 0.2:
            out += bytes(rng.randrange(256) for _ in range(rng.randrange(1, 16)))
        else:
            out += rng.choice(vocab)
    return bytes(out[:n])


def mutate(rng, src, n_edits):
    t = bytearray(src)
    for _ in range(n_edits):
        p = rng.randrange(len(t) + 1)
        k = rng.random()
        if k < 0.4:
            t[p:p] = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 40)))
        elif k < 0.7:
            del t[p:p + rng.randrange(1, 200)]
        else:
            q = rng.randrange(len(src))
            t[p:p] = src[q:q + rng.randrange(8, 300)]
    return bytes(t)


def random_ops(rng, src, n_ops, lit_share=0.3):
    """A random valid mix of literals, source copies, repeat offsets,
    signed offsets, distances (overlapping ones too)."""
    R = len(src)
    ops = []
    pos = 0                      # target offset reached
    lru = [0, 0, 0]
    for _ in range(n_ops):
        r = rng.random()
        length = rng.choice((2, 3, 4, 5, 8, 9, 20, 100, 263, 264, 300, 1000, 5000))
        if r < lit_share or pos == 0 and R == 0:
            b = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 30)))
            ops.append(("lit", b))
            pos += len(b)
            continue
        k = rng.random()
        d = None
        if k < 0.2 and pos + length <= R:
            d = R                                            # the source here
        elif k < 0.4 and any(lru):
            slot = rng.randrange(3)
            if 0 < lru[slot] <= R + pos:
                d = lru[slot]
        elif k < 0.6 and R:
            s = rng.randrange(max(0, pos - R + 1), pos + 1) if rng.random() < 0.5 else \
                pos - rng.randrange(R) if R else 0
            if -0x2A000 <= s < 0x2A000 and 0 <= pos - s < R:
                d = R + s
        elif k < 0.75 and pos:
            d = rng.randrange(1, min(pos, 40) + 1)             # overlapping
        if d is None:
            d = rng.randrange(1, R + pos + 1) if R + pos else None
        if d is None:
            continue
        ops.append(("copy", R + pos - d, length))
        P.lru_update(lru, d)
        pos += length
    return ops


def delta_from_syms(source_len, syms, target_size, hash_alg=P.HASH_NONE, digest=b"",
                    file_type=P.TYPE_RAW, flags=0, **body_args):
    """A delta whose symbols are taken as given (no check that they make a
    valid copy: matches before the window, past the end...)."""
    body = P.encode_body(syms, source_len, **body_args)
    w = P.make_header(target_size, hash_alg, digest, file_type, P.TYPE_RAW, flags)
    w.buffer(b"")
    w.buffer(body)
    return P.MAGIC + struct.pack("<Q", 0x01DB0C0DE0000000) + w.finish()


def rewrap(delta, body=None, preprocess=None, **header):
    """The same delta with some header fields, its preprocess buffer or its
    body replaced."""
    h, pre, b, _ = P.read_header(delta)
    h.update(header)
    w = P.make_header(h["target_size"], h["hash_alg"], h["hash"], h["file_type"],
                      h["file_type_set"], h["flags"])
    w.buffer(pre if preprocess is None else preprocess)
    w.buffer(b if body is None else body)
    return P.MAGIC + struct.pack("<Q", h["filetime"]) + w.finish()


def valid_cases(out, rng, small_size):
    src = binaryish(rng, 300000)
    out.blob("src-main.bin", src)
    out.blob("src-empty.bin", b"")
    small = src[:small_size]
    out.blob("src-small.bin", small)

    d, t = P.make_delta(small, ops=[], hash_alg=P.HASH_MD5)
    out.case("valid-empty-target", "src-small.bin", d, ("ok", t), "an empty target, no body")
    d, t = P.make_delta(small, ops=[], hash_alg=P.HASH_NONE, simple=True, always_body=True)
    out.case("valid-empty-target-body", "src-small.bin", d, ("ok", t),
             "an empty target with a body of no symbols (simple codes)")
    d, t = P.make_delta(small, ops=[("lit", b"\x7f")])
    out.case("valid-one-byte", "src-small.bin", d, ("ok", t), "a 1-byte target, one literal")
    d, t = P.make_delta(small, ops=[("lit", b"\x00")], simple=True)
    out.case("valid-one-byte-simple", "src-small.bin", d, ("ok", t), "a 1-byte target, simple codes")
    d, t = P.make_delta(b"", ops=[("lit", b"abc"), ("match", "dist", 3, 5000), ("lit", b"x"),
                                  ("match", "lru", 0, 300)])
    out.case("valid-empty-source", "src-empty.bin", d, ("ok", t),
             "no source: literals and matches into the target itself")
    ops = [("lit", b"Z"), ("match", "dist", 1, 1 << 20), ("match", "source", 0, 200000),
           ("match", "dist", 1, 0x12345)]
    d, t = P.make_delta(src, ops=ops)
    out.case("valid-long-overlapping", "src-main.bin", d, ("ok", t),
             "matches of 1 MiB and 74 KiB overlapping their own output (distance 1)")
    # every repeat slot, every offset class, every length form
    ops = [("lit", b"ab"), ("match", "dist", 1, 5), ("match", "dist", 2, 3), ("match", "dist", 3, 9),
           ("copy", 10, 280000), ("match", "lru", 0, 4), ("match", "lru", 1, 4),
           ("match", "lru", 2, 4), ("match", "lru", 2, 7), ("match", "lru", 1, 8),
           ("match", "signed", -100, 20), ("match", "signed", 0x1fff, 7), ("match", "signed", -0x2000, 7),
           ("match", "signed", 0x3000, 7), ("match", "signed", -0x3000, 7),
           ("match", "signed", 0x9fff, 8), ("match", "signed", -0xa000, 9),
           ("match", "signed", 0x29fff, 264), ("match", "signed", -0x1000, 265)]
    ops += [("match", "dist", dd, rng.choice((2, 9, 263, 264, 70000)))
            for dd in (4, 5, 7, 8, 15, 16, 17, 31, 32, 63, 64, 65, 100, 1000, 4095, 70000,
                       1 << 17, (1 << 18) - 1, 1 << 18, (1 << 18) + 5, 1 << 19, 579999)]
    for simple in (True, False):
        d, t = P.make_delta(src, ops=ops, simple=simple, segments=3)
        out.case("valid-every-slot-%s" % ("simple" if simple else "composite"), "src-main.bin", d,
                 ("ok", t), "every offset class, repeat slot and length form")
    for alg in ("none", "md5", "sha1", "sha256"):
        tgt = mutate(rng, small, 5)
        d, t = P.make_delta(small, target=tgt, hash_alg=P.HASH_NAMES[alg])
        out.case("valid-hash-%s" % alg, "src-small.bin", d, ("ok", t), "target hash %s" % alg)
    for flags in (0x20000, 0x100):
        tgt = mutate(rng, small, 5)
        d, t = P.make_delta(small, target=tgt, flags=flags)
        out.case("valid-flags-%#x" % flags, "src-small.bin", d, ("ok", t), "RAW with flags %#x" % flags)
    # literals of Fibonacci frequencies and a code deepened to 16 bits; the
    # pre-code with runs of 1 to 3 too (with the rest: 38 of its 39 symbols)
    fib = [1, 1]
    while len(fib) < 25:
        fib.append(fib[-1] + fib[-2])
    skew = bytearray(b"".join(bytes([40 + k]) * f for k, f in enumerate(fib)))
    rng.shuffle(skew)
    ops = [("lit", bytes(skew[k:k + 50])) if k % 100 == 0 else ("copy", k * 7 % (len(small) - 30), 30)
           for k in range(0, 2 * len(skew), 50)]
    for short in (False, True):
        d, t = P.make_delta(small, ops=ops, segments=1 + short, short_runs=short,
                            lengths_override=lambda seg, ln: P.deepen(
                                ln[:P.MAIN_SYMS], ln.index(max(ln[:P.MAIN_SYMS])), 16)
                            + ln[P.MAIN_SYMS:])
        out.case("valid-long-codes%s" % ("-short-runs" if short else ""), "src-small.bin", d,
                 ("ok", t), "codes up to 16 bits%s" % (", pre-code runs of 1 to 3" if short else ""))
    tgt = mutate(rng, src, 60)
    d, t = P.make_delta(src, target=tgt, segments=5)
    out.case("valid-greedy-5-segments", "src-main.bin", d, ("ok", t),
             "a greedy delta of an edited source, 5 segments")
    for k in range(40):
        simple = k % 3 == 0
        segs = 1 + k % 4
        ops = random_ops(rng, src, rng.randrange(1, 120), lit_share=rng.choice((0.05, 0.3, 0.8)))
        d, t = P.make_delta(src, ops=ops, simple=simple, segments=segs,
                            hash_alg=(P.HASH_MD5, P.HASH_NONE)[k % 2])
        out.case("valid-random-%02d" % k, "src-main.bin", d, ("ok", t),
                 "random literals and matches (%s codes, %d segment(s))"
                 % ("simple" if simple else "composite", segs))
    for k in range(12):
        ops = random_ops(rng, small, rng.randrange(1, 40), lit_share=rng.choice((0.1, 0.5)))
        d, t = P.make_delta(small, ops=ops, simple=k % 2 == 0, segments=1 + k % 3,
                            hash_alg=(P.HASH_MD5, P.HASH_NONE, P.HASH_SHA256)[k % 3])
        out.case("valid-small-%02d" % k, "src-small.bin", d, ("ok", t),
                 "random literals and matches against the small source")
    return src, small


def hostile_cases(out, rng, src, small):
    tgt = mutate(rng, small, 12)
    base, t = P.make_delta(small, target=tgt, segments=2)
    base_s, _ = P.make_delta(small, target=tgt, simple=True)
    base_nohash, _ = P.make_delta(small, target=tgt, hash_alg=P.HASH_NONE)
    out.case("base", "src-small.bin", base, ("ok", t), "the delta the hostile ones are made from")
    out.case("base-simple", "src-small.bin", base_s, ("ok", t), "the same, simple codes")
    syms, _ = P.plan(small, P.greedy_ops(small, tgt))
    E = ("error", (FORMAT,))
    ANY = ("any", t)

    # -- truncations of the file, and of the body alone (re-wrapped) --
    for nm, dl in (("", base), ("simple-", base_s)):
        cuts = set(range(0, min(64, len(dl)))) | set(range(len(dl) - 16, len(dl)))
        cuts |= set(rng.sample(range(len(dl)), min(150, len(dl))))
        for c in sorted(cuts):
            out.case("cut-%s%05d" % (nm, c), "src-small.bin", dl[:c], E,
                     "the delta cut after %d of %d bytes" % (c, len(dl)))
        _, _, body, _ = P.read_header(dl)
        for c in sorted(set(range(0, min(48, len(body)))) | set(rng.sample(range(len(body)), 60))):
            out.case("bodycut-%s%05d" % (nm, c), "src-small.bin", rewrap(dl, body=body[:c]), E,
                     "the body cut after %d of %d bytes, its size field saying so" % (c, len(body)))
    # -- single bit flips --
    bits = set(range(min(len(base), 48) * 8)) | set(rng.sample(range(len(base) * 8), 400))
    for bit in sorted(bits):
        b = bytearray(base)
        b[bit // 8] ^= 1 << (bit % 8)
        out.case("flip-%06d" % bit, "src-small.bin", bytes(b), ANY,
                 "bit %d flipped (the MD5 must catch a changed target)" % bit)
    for bit in sorted(rng.sample(range(len(base_nohash) * 8), 150)):
        b = bytearray(base_nohash)
        b[bit // 8] ^= 1 << (bit % 8)
        out.case("flip-nohash-%06d" % bit, "src-small.bin", bytes(b), ("nocrash",),
                 "bit %d flipped in a delta without a hash" % bit)

    def crafted(name, what, expect, source="src-small.bin", data=None, policy=False, **kw):
        if data is None:
            data = delta_from_syms(len(small), syms, len(t), P.HASH_MD5, P.target_hash(P.HASH_MD5, t),
                                   **kw)
        out.case("crafted-" + name, source, data, expect, what, policy)

    # -- prefix-code tables --
    def set_len(tree, fn):
        off = {"main": 0, "length": P.MAIN_SYMS, "aligned": P.MAIN_SYMS + P.LEN_SYMS}[tree]
        n = {"main": P.MAIN_SYMS, "length": P.LEN_SYMS, "aligned": P.ALIGNED_SYMS}[tree]

        def ov(seg, lengths):
            if seg:
                return lengths
            part = lengths[off:off + n]
            fn(part)
            return lengths[:off] + part + lengths[off + n:]
        return ov

    def longest_shorter(part):
        m = max(part)
        if m == 1:
            # Two 1-bit codes: one shorter would be a lone 1-bit code, which
            # is valid; a third 1-bit code over-subscribes instead.
            part[part.index(0)] = 1
            return
        part[part.index(m)] = m - 1

    def longest_longer(part):
        m = max(part)
        part[part.index(m)] = m + 1

    def extra_symbol(part):
        part[part.index(0)] = max(part)

    def single(part):
        for k in range(len(part)):
            part[k] = 0
        part[0] = 1

    def all_zero(part):
        for k in range(len(part)):
            part[k] = 0

    for tree in ("main", "length", "aligned"):
        crafted("over-%s" % tree, "the %s code over-subscribed (a longest code one bit shorter)" % tree,
                E, lengths_override=set_len(tree, longest_shorter))
        crafted("under-%s" % tree, "the %s code under-subscribed (a longest code one bit longer)" % tree,
                E, lengths_override=set_len(tree, longest_longer))
        crafted("single-%s" % tree, "the %s code: one symbol of 1 bit (incomplete)" % tree,
                E, lengths_override=set_len(tree, single))
    crafted("extra-main", "the main code with one more symbol than a prefix code holds", E,
            lengths_override=set_len("main", extra_symbol))
    crafted("empty-main", "an empty main code (all lengths zero), symbols sent", E,
            lengths_override=set_len("main", all_zero))

    def pre_over(pl):
        m = max(pl)
        pl[pl.index(m)] = m - 1
        return pl

    def pre_under(pl):
        m = max(pl)
        pl[pl.index(m)] = m + 1 if m < 15 else 0
        return pl

    crafted("over-pretree", "the pre-code over-subscribed", E, pretree_override=pre_over)
    crafted("under-pretree", "the pre-code under-subscribed", E, pretree_override=pre_under)
    crafted("zero-pretree", "an all-zero pre-code", E, pretree_override=lambda pl: [0] * len(pl))

    def run_past_end(seg, ps):
        # stop at the 860th length and send a run of 100 copies
        at, keep = 0, []
        for s in ps:
            if at >= 860:
                break
            keep.append(s)
            at += 1 if s[0] < 23 else (lambda c: c + 1 if c < 3 else (1 << (c - 1)) | s[1])((s[0] - 23) & 7)
        c, x, xb = P.run_code(100)
        return keep + [(31 + c, x, xb)]

    crafted("run-past-end", "a run of code lengths passing the end of the table (more symbols than "
            "the alphabet)", E, pretree_syms_hook=run_past_end)

    def run_first(seg, ps):
        return [(23, 0, 0)] + ps[1:] if seg == 0 else ps
    crafted("run-at-start", "a run repeating 'the previous length' at the first length", E,
            pretree_syms_hook=run_first)

    def step_below(seg, ps):
        return [(20, 0, 0)] + ps[1:] if seg == 0 else ps
    crafted("step-below-zero", "a code length stepped to -1", E, pretree_syms_hook=step_below)
    # a step past 16: segment 0 has a (valid) 16-bit code, segment 1 steps it by +3
    holder = {}

    def over_keep(seg, lengths):
        if seg == 0:
            lengths = list(lengths)
            part = lengths[:P.MAIN_SYMS]
            j = part.index(max(part))
            lengths[:P.MAIN_SYMS] = P.deepen(part, j, 16)
            holder["j"] = j
        elif seg == 1:
            lengths = list(lengths)
            lengths[holder["j"]] = 19       # sent as "the previous length + 3"
        return lengths

    crafted("step-above-16", "a code length stepped to 19 (16 + 3)", E,
            lengths_override=over_keep, segments=2)

    # -- segments --
    crafted("segments-0", "a composite format of 0 segments", E, segment_count=0)
    crafted("segments-huge", "2^40 segments", ("error", (FORMAT, LIMIT)),
            segment_count=1 << 40)
    crafted("segments-1025", "1025 segments", ("error", (FORMAT, LIMIT)), segment_count=1025, policy=True)
    crafted("segments-more", "5 segments announced, 2 sent", ANY, segment_count=5, segments=2)
    crafted("segment-backwards", "segment boundaries going backwards", ANY, segments=3,
            boundaries=[len(small), len(small) + 400, len(small) + 100])

    # -- RIFT tables --
    crafted("rift-absurd", "a RIFT table of 2^40 entries", ("error", (FORMAT, LIMIT)), rift=(1 << 40, []))
    crafted("rift-2e62", "a RIFT table of 2^62 entries", ("error", (FORMAT, LIMIT)), rift=(1 << 62, []))
    crafted("rift-more", "a RIFT table of 1000 entries, 2 sent", ("error", (FORMAT, LIMIT)),
            rift=(1000, [(1, 0), (2, 0)]))
    crafted("rift-small", "a RIFT table of 3 entries in a RAW delta", ANY, rift=(3, [(1, 0), (2, 1), (3, 0)]))

    # -- matches outside the window, lengths past the end --
    R = len(small)

    def one(ops_syms, size, what, name, expect=E, **kw):
        crafted(name, what, expect, data=delta_from_syms(R, ops_syms, size, **kw))

    lit = [P.Symbol(lit=65)] * 10
    one(lit + [P.match_symbol("dist", R + 11, 20)], 30, "a match one byte before the window", "before-window-1")
    one(lit + [P.match_symbol("dist", 0xFFFFFF00, 20)], 30, "a match 4 GiB before the window", "before-window-4g")
    one([P.match_symbol("signed", 100, 20)], 20, "a signed offset before the source's start", "signed-before-source")
    one(lit + [P.match_symbol("lru", 0, 20)], 30, "repeat offset 0 before any match (distance 0)", "lru-initial")
    one(lit + [P.match_symbol("lru", 2, 20)], 30, "repeat slot 2 before any match", "lru-initial-2", simple=True)
    crafted("source-empty", "a copy of the source with an empty source", E, source="src-empty.bin",
            data=delta_from_syms(0, [P.match_symbol("source", 0, 20)], 20))
    win = bytearray(small) + b"A" * 10
    for k in range(R):
        win.append(win[10 + k])
    crafted("source-past-end", "a source copy running past the source's end into the target "
            "(valid: the window is the source then the target)", ("ok", bytes(win[R:])),
            data=delta_from_syms(R, lit + [P.match_symbol("source", 0, R)], R + 10))
    one(lit + [P.match_symbol("dist", 5, 50)], 40, "a match passing the target's end by 20 bytes", "past-end")
    one(lit + [P.match_symbol("dist", 5, 0xFFFFFFFF + 8)], 40, "a match of 2^32 + 7 bytes", "length-4g")
    one(lit + [P.match_symbol("dist", 5, 9)], 11, "a 9-byte match with 1 byte of target left", "past-end-1",
        simple=True)
    one([P.Symbol(lit=1)] * 20, 40, "20 bytes of symbols for a 40-byte target", "short-body")

    # -- header fields --
    crafted("target-limit", "a target size of 4 GiB + 1 (the limit is 4 GiB)", ("error", (LIMIT,)),
            data=rewrap(base, target_size=MAX_TARGET + 1), policy=True)
    crafted("target-2e62", "a target size of 2^62", ("error", (LIMIT,)), data=rewrap(base, target_size=1 << 62), policy=True)
    crafted("target-negative", "a target size of -1", ("error", (FORMAT, LIMIT)),
            data=rewrap(base, target_size=(1 << 64) - 1))
    crafted("target-larger", "a target size 100 bytes larger than the body makes", E,
            data=rewrap(base, target_size=len(t) + 100))
    crafted("target-smaller", "a target size 3 bytes smaller than the body makes", E,
            data=rewrap(base, target_size=len(t) - 3))
    bad = bytearray(P.target_hash(P.HASH_MD5, t))
    bad[7] ^= 0x40
    crafted("hash-md5-wrong", "a wrong MD5 of the target", E, data=rewrap(base, hash=bytes(bad)))
    crafted("hash-sha256-wrong", "a wrong SHA-256 of the target", E,
            data=rewrap(base, hash_alg=P.HASH_SHA256, hash=bytes(32)))
    crafted("hash-md5-short", "an MD5 of 15 bytes", ("error", (FORMAT, UNSUP)),
            data=rewrap(base, hash=bytes(bad[:15])))
    crafted("hash-65", "a target hash of 65 bytes", ("error", (LIMIT, FORMAT)),
            data=rewrap(base, hash=bytes(65)), policy=True)
    crafted("hash-alg-unknown", "hash algorithm 0x8099", ("error", (UNSUP, FORMAT)),
            data=rewrap(base, hash_alg=0x8099), policy=True)
    for ft in (2, 4, 8, 0x10, 0x20, 0x40, 0x80, 0x200):
        # a PE type over a RAW body: no PE preprocessing data (malformed) or a
        # type or flag libmum refuses
        crafted("type-%#x" % ft, "file type %#x over a RAW body" % ft, ("error", (UNSUP, FORMAT)),
                data=rewrap(base, file_type=ft, flags=0xe63e if ft == 8 else 0xe1fe), policy=True)
    crafted("type-0", "file type 0", ("error", (UNSUP, FORMAT)), data=rewrap(base, file_type=0), policy=True)
    crafted("reverse", "a reverse delta (file type set 0x101)", ("error", (UNSUP,)),
            data=rewrap(base, file_type_set=0x101), policy=True)
    # flag 0x1 set on a delta made without it: undoing the E8 translation
    # changes the target's E8 operands, and the header's hash catches it.
    crafted("flag-e8", "flag 0x1 (the E8 call translation) on a delta made without it",
            ("error", (FORMAT,)), data=rewrap(base, flags=1), policy=True)
    crafted("preprocess-raw", "a RAW delta with 8 bytes of preprocessing data", ANY,
            data=rewrap(base, preprocess=b"\x01" * 8))
    crafted("body-empty", "an empty body for a non-empty target", E, data=rewrap(base, body=b""))
    crafted("magic-pa19", "magic PA19", ("error", (UNSUP, FORMAT)), data=b"PA19" + base[4:], policy=True)
    crafted("magic-pa31", "magic PA31 on a PA30 body", ("error", (FORMAT, UNSUP, LIMIT)), data=b"PA31" + base[4:], policy=True)
    crafted("magic-bad", "no magic", E, data=b"PK\3\4" + base[4:])
    crafted("empty-file", "an empty file", E, data=b"")
    crafted("magic-only", "the magic and nothing else", E, data=b"PA30")
    crafted("header-only", "magic and file time, no fields", E, data=base[:12])
    w = P.BitWriter()
    w.bits(0, 16)                     # an integer of more than 64 bits
    crafted("varint-17", "an integer field with 16 leading zero bits", E,
            data=base[:12] + w.finish() + b"\xff" * 8)
    w = P.make_header(len(t), P.HASH_NONE, b"")
    w.buffer(b"")
    w.varint((1 << 63) - 1)           # the body's size
    crafted("body-size-huge", "a body size of 2^63 - 1", E, data=base[:12] + w.finish() + b"\0" * 16)
    crafted("number-long", "a long match length whose prefix has 24+ zero bits", E,
            data=broken_number(R, lit))


def broken_number(R, lit):
    """A delta whose one long length field is a run of 32 zero bits."""
    syms = lit + [P.match_symbol("dist", 5, 300)]
    # simple codes: the literals, the match symbol and its distance bits, then
    # the length symbol 0 (a long length) and 32 zero bits
    w = P.BitWriter()
    w.bits(0, 1)
    w.bits(1, 1)
    tabs = tuple(P.Encoder(P.flat_lengths(n)) for n in (P.MAIN_SYMS, P.LEN_SYMS, P.ALIGNED_SYMS))
    for s in lit:
        tabs[0].put(w, s.lit)
    m = syms[-1]
    tabs[0].put(w, 256 + m.slot * 8)
    for v, b in m.fields:
        w.bits(v, b)
    tabs[1].put(w, 0)
    w.bits(0, 32)
    w.bits(0xffffffff, 32)
    hw = P.make_header(400, P.HASH_NONE, b"")
    hw.buffer(b"")
    hw.buffer(w.finish())
    return P.MAGIC + bytes(8) + hw.finish()


def fuzz_seeds(gendir, seeddir, rng):
    """Seeds for tests/fuzz/fuzz_delta.c (a 16-bit source length, the
    source, the delta): the cases against the small and the empty source,
    all the valid and crafted ones and a few cuts and flips."""
    os.makedirs(seeddir, exist_ok=True)
    with open(os.path.join(gendir, "cases.tsv")) as f:
        rows = [line.rstrip("\n").split("\t") for line in f]
    rows = [r for r in rows if r[1] in ("src-small.bin", "src-empty.bin")]
    some = [r for r in rows if r[0].startswith(("cut-", "bodycut-", "flip-"))]
    pick = [r for r in rows if not r[0].startswith(("cut-", "bodycut-", "flip-"))]
    pick += rng.sample(some, 12)
    n = 0
    for name, src, delta, expect, what in pick:
        with open(os.path.join(gendir, src), "rb") as f:
            s = f.read()
        with open(os.path.join(gendir, delta), "rb") as f:
            d = f.read()
        if len(s) + len(d) > 8192:          # not seeds for libFuzzer's 4 KiB inputs
            continue
        word = len(s) | (0x8000 if name.startswith("crafted-hash") else 0)
        with open(os.path.join(seeddir, "seed-" + name), "wb") as f:
            f.write(struct.pack("<H", word) + s + d)
        n += 1
    print("%d seeds in %s" % (n, seeddir))


def main():
    ap = argparse.ArgumentParser(description="PA30 deltas for the decoder's tests")
    ap.add_argument("--seed", type=int, default=21)
    ap.add_argument("--only", choices=("hostile", "valid"))
    ap.add_argument("--check", action="store_true",
                    help="check every case with pa30write's reader first (slower)")
    ap.add_argument("--fuzz-seeds", metavar="DIR",
                    help="also write seeds for tests/fuzz/fuzz_delta.c into DIR")
    ap.add_argument("--small-size", type=int, default=5000,
                    help="bytes of the small source most cases use (default 5000)")
    ap.add_argument("outdir")
    a = ap.parse_args()
    os.makedirs(a.outdir, exist_ok=True)
    out = Out(a.outdir, a.check)
    rng = random.Random(a.seed)
    src, small = valid_cases(out, rng, a.small_size) if a.only != "hostile" else (None, None)
    if a.only == "hostile":
        src = binaryish(rng, 300000)
        small = src[:a.small_size]
        out.blob("src-main.bin", src)
        out.blob("src-small.bin", small)
        out.blob("src-empty.bin", b"")
    if a.only != "valid":
        hostile_cases(out, rng, src, small)
    out.write()
    print("%d cases in %s" % (len(out.rows), a.outdir))
    if a.fuzz_seeds:
        fuzz_seeds(a.outdir, a.fuzz_seeds, rng)
    if out.disagree:
        print("cases the independent reader does not agree with:\n  " + "\n  ".join(out.disagree),
              file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
