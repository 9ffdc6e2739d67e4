#!/usr/bin/env python3
"""pa30write.py - an independent PA30 (MSDelta) writer, and a reader, for tests.

Written from our reading of the format (doc/pa30.md; the public Rust crate
jlevere/msdelta was the readable description we learnt it from), without
sharing code with libmum's decoder, so that the two can check each other:
what this module writes, src/lib's decoder must decode, and what Microsoft's
msdelta.dll wrote, this module's reader must decode to the same bytes.

The writer makes PA30 deltas of file type RAW from a list of operations
against a source: literals, and copies (LZ77 matches) whose encoding it picks
(the source at the same position, a repeat-offset slot, a signed offset from
the source position, a distance back in the window) or is told.  It writes
the body as the format has it: an empty (or, for tests, a hostile) RIFT table,
the "simple" flat prefix codes or the composite format (segments, each with
its main/length/aligned code lengths, delta-coded through a pre-tree), then the
symbols.  It is not a good compressor: greedy_ops() finds matches with a hash
of 4 bytes, which is plenty for tests and benchmarks.

    pa30write.py encode SOURCE TARGET OUT [--hash md5|sha1|sha256|none] [--simple] [--segments N]
    pa30write.py decode SOURCE DELTA OUT          (the reader: writes the target)
    pa30write.py info DELTA                       (the header and the body's shape)

As a module: make_delta(), greedy_ops(), decode(), read_header(); the hostile
variants are built with the keyword arguments of make_delta()/encode_body()
(tests/tools/gen-hostile-deltas.py).
"""
import argparse
import hashlib
import heapq
import struct
import sys

# ---- constants of the format -------------------------------------------------

MAGIC = b"PA30"
TYPE_RAW = 1
TYPE_I386, TYPE_AMD64 = 2, 8
HASH_NONE, HASH_MD5, HASH_SHA1, HASH_SHA256 = 0, 0x8003, 0x8004, 0x800C
HASH_NAMES = {"none": HASH_NONE, "md5": HASH_MD5, "sha1": HASH_SHA1, "sha256": HASH_SHA256}

MAIN_SYMS = 600           # 256 literals + 43 offset slots x 8 length slots
LEN_SYMS = 256
ALIGNED_SYMS = 16
ALL_LENGTHS = MAIN_SYMS + LEN_SYMS + ALIGNED_SYMS   # 872 code lengths per segment
PRETREE_SYMS = 39
MAX_CODE = 16             # longest code of the main, length and aligned trees
MAX_PRETREE_CODE = 15     # the pre-tree's lengths are 4-bit fields

# Offset slots: 0-2 a signed offset from the source position (14/16/18 bits),
# 3 the source at the same position, 4-6 the repeat offsets, 7.. a distance.
SLOT_SOURCE = 3
SLOT_LRU = 4
SLOT_DIST = 7
NUM_SLOTS = (MAIN_SYMS - 256) // 8   # 43


class FormatError(Exception):
    """A malformed delta; the message names the bit offset in the body."""


# ---- bit streams -------------------------------------------------------------
#
# Bits are taken least significant first.  The first 3 bits of every stream
# (the header's and the body's) hold how many bits of its last byte are unused.

class BitWriter:
    def __init__(self):
        self.out = bytearray()
        self.acc = 0
        self.n = 0
        self.bits(0, 3)

    def bits(self, value, n):
        if n == 0:
            return
        self.acc |= (value & ((1 << n) - 1)) << self.n
        self.n += n
        if self.n >= 64:
            k = self.n >> 3
            self.out += (self.acc & ((1 << (k * 8)) - 1)).to_bytes(k, "little")
            self.acc >>= k * 8
            self.n -= k * 8

    def bitpos(self):
        return len(self.out) * 8 + self.n

    def align(self):
        self.bits(0, (8 - self.n % 8) % 8)

    def varint(self, value):
        """The header integer: n zero bits then a one (n = 0..15), then the
        value in 4(n+1) bits.  Negative values take all 64 bits."""
        v = value & ((1 << 64) - 1)
        n = max(0, (v.bit_length() + 3) // 4 - 1)
        self.bits(1 << n, n + 1)
        self.bits(v, 4 * (n + 1))

    def number(self, value):
        """A long match length (>= 256): k zero bits then a one, then the
        value's low 8+k bits (its top bit, at 8+k, is implied)."""
        assert 256 <= value < (1 << 32)
        k = value.bit_length() - 9
        self.bits(1 << k, k + 1)
        self.bits(value, 8 + k)

    def buffer(self, data):
        self.varint(len(data))
        self.align()
        self.flush()
        self.out += data

    def flush(self):
        assert self.n % 8 == 0
        self.out += self.acc.to_bytes(self.n // 8, "little")
        self.acc = 0
        self.n = 0

    def finish(self):
        unused = (8 - self.n % 8) % 8
        self.align()
        self.flush()
        if self.out:
            self.out[0] = (self.out[0] & ~7) | unused
        return bytes(self.out)


class BitReader:
    def __init__(self, data, what="stream", base=0):
        if not data:
            raise FormatError("%s: empty" % what)
        self.data = bytes(data) + b"\0" * 8
        self.what = what
        self.base = base               # byte offset of the stream in the file
        self.end = len(data) * 8 - (data[0] & 7)
        self.pos = 3
        if self.end < 3:
            raise FormatError("%s: %d unused bits in a %d-byte stream" % (what, data[0] & 7, len(data)))

    def where(self):
        return "%s bit %d (byte %d of the file)" % (self.what, self.pos, self.base + self.pos // 8)

    def fail(self, msg):
        raise FormatError("%s: %s" % (self.where(), msg))

    def peek(self, n):
        p = self.pos
        b = p >> 3
        return (int.from_bytes(self.data[b:b + 9], "little") >> (p & 7)) & ((1 << n) - 1)

    def bits(self, n):
        if n == 0:
            return 0
        if self.pos + n > self.end:
            self.fail("the stream ends (%d bits wanted, %d left)" % (n, self.end - self.pos))
        if n > 56:
            lo = self.bits(32)
            return lo | (self.bits(n - 32) << 32)
        v = self.peek(n)
        self.pos += n
        return v

    def varint(self):
        low = self.peek(16)
        if low == 0:
            self.fail("an integer with more than 15 leading zero bits")
        n = (low & -low).bit_length() - 1
        self.bits(n + 1)
        return self.bits(4 * (n + 1))

    def signed_varint(self):
        v = self.varint()
        return v - (1 << 64) if v >= (1 << 63) else v

    def number(self):
        low = self.peek(32)
        if low == 0:
            self.fail("a long length with no stop bit")
        k = (low & -low).bit_length() - 1
        if k > 23:
            self.fail("a long length of %d bits" % (k + 9))
        self.bits(k + 1)
        return (1 << (8 + k)) | self.bits(8 + k)

    def align(self):
        self.pos = (self.pos + 7) & ~7

    def buffer(self, limit=None):
        size = self.signed_varint()
        self.align()
        if size < 0 or self.pos // 8 + size > (self.end + 7) // 8:
            self.fail("a buffer of %d bytes, %d left" % (size, (self.end + 7) // 8 - self.pos // 8))
        b = self.pos // 8
        self.pos += size * 8
        return self.data[b:b + size]


# ---- prefix codes --------------------------------------------------------------
#
# Canonical codes in msdelta's order: the LONGEST codes take the smallest
# values (starting at zero), symbols of one length in increasing order, and a
# code is sent most significant bit first.

def canonical_codes(lengths):
    """{symbol: (code, length)}; does not check that the lengths form a prefix
    code (kraft() does), so hostile tables can be written too."""
    maxlen = max(lengths) if lengths else 0
    count = [0] * (maxlen + 2)
    for length in lengths:
        count[length] += 1
    base = [0] * (maxlen + 2)
    acc = 0
    for length in range(maxlen, 0, -1):
        base[length] = acc
        acc = (acc + count[length]) >> 1
    codes = {}
    for sym, length in enumerate(lengths):
        if length:
            codes[sym] = (base[length], length)
            base[length] += 1
    return codes


def reverse_bits(v, n):
    r = 0
    for _ in range(n):
        r = (r << 1) | (v & 1)
        v >>= 1
    return r


def kraft(lengths):
    """0: a complete prefix code; > 0 over-subscribed; < 0 under-subscribed
    (in units of the longest code); an all-zero table is under-subscribed."""
    if not any(lengths):
        return -1
    m = max(lengths)
    return sum(1 << (m - x) for x in lengths if x) - (1 << m)


class Encoder:
    """Writes the symbols of one table: LSB-first writes of MSB-first codes."""

    def __init__(self, lengths):
        self.lengths = list(lengths)
        self.table = {}
        for sym, (code, length) in canonical_codes(lengths).items():
            self.table[sym] = (reverse_bits(code, length), length)

    def put(self, w, sym):
        code, length = self.table[sym]
        w.bits(code, length)


class Decoder:
    def __init__(self, lengths, what):
        k = kraft(lengths)
        if k != 0:
            raise FormatError("%s: the code lengths are %s" % (
                what, "over-subscribed" if k > 0 else "under-subscribed (incomplete)"))
        self.maxlen = max(lengths)
        self.table = [None] * (1 << self.maxlen)
        for sym, (code, length) in canonical_codes(lengths).items():
            r = reverse_bits(code, length)
            for hi in range(1 << (self.maxlen - length)):
                self.table[r | (hi << length)] = (sym, length)

    def get(self, r):
        sym, length = self.table[r.peek(self.maxlen)]
        if r.pos + length > r.end:
            r.fail("the stream ends inside a prefix code")
        r.pos += length
        return sym


def huffman_lengths(freqs, limit):
    """Code lengths (<= limit) of a complete prefix code over the symbols of
    non-zero frequency.  With fewer than two such symbols, the first unused
    symbols are added so that the code is still complete (a decoder that
    wants complete codes gets one; the extra symbols are never sent)."""
    freqs = list(freqs)
    used = [s for s, f in enumerate(freqs) if f]
    for s in range(len(freqs)):
        if len(used) >= 2:
            break
        if not freqs[s]:
            freqs[s] = 1
            used.append(s)
    heap = [(freqs[s], s, None) for s in used]
    heapq.heapify(heap)
    parent = {}
    nid = len(freqs)
    while len(heap) > 1:
        f1, a, _ = heapq.heappop(heap)
        f2, b, _ = heapq.heappop(heap)
        parent[a] = nid
        parent[b] = nid
        heapq.heappush(heap, (f1 + f2, nid, None))
        nid += 1
    depth = {}

    def d(node):
        n = 0
        while node in parent:
            node = parent[node]
            n += 1
        return n
    for s in used:
        depth[s] = min(d(s), limit)
    # Repair the Kraft sum after the cap: lengthen the deepest codes that can
    # be, then shorten the longest ones until the code is exactly complete.
    full = 1 << limit
    total = sum(1 << (limit - depth[s]) for s in used)
    order = sorted(used, key=lambda s: (freqs[s], -s))          # rarest first
    while total > full:
        s = max((s for s in order if depth[s] < limit), key=lambda s: (depth[s], -freqs[s]))
        total -= 1 << (limit - depth[s] - 1)
        depth[s] += 1
    while total < full:
        s = max(order, key=lambda s: (depth[s], freqs[s]))
        total += 1 << (limit - depth[s])
        depth[s] -= 1
    lengths = [0] * len(freqs)
    for s in used:
        lengths[s] = depth[s]
    assert kraft(lengths) == 0
    return lengths


def deepen(lengths, sym, to):
    """Lengthens sym's code to `to` bits, giving the other half of each split
    to an unused symbol (with length zero before), so that a complete code
    stays complete: how a table with the longest codes is made on purpose."""
    lengths = list(lengths)
    while lengths[sym] < to:
        lengths[sym] += 1
        lengths[lengths.index(0)] = lengths[sym]
    return lengths


def flat_lengths(n):
    """The 'simple' format's fixed code: every symbol, lengths differing by at
    most one (600 -> 424 of 9 bits and 176 of 10; 256 -> 8; 16 -> 4)."""
    bits = (n - 1).bit_length()
    short = (1 << bits) - n
    return [bits - 1] * short + [bits] * (n - short)


# ---- the code lengths of a segment, through the pre-tree ----------------------
#
# Pre-tree symbols: 0-16 a length; 17-19 the previous segment's length +1..+3;
# 20-22 the previous segment's length -1..-3; 23-30 a run repeating the length
# just written; 31-38 a run copying the previous segment's lengths.  The run
# count is 1, 2, 3, or for slot k >= 3 (1 << (k-1)) + k-1 more bits.

def run_code(count):
    if count <= 3:
        return count - 1, 0, 0
    k = count.bit_length()          # 4..7 -> 3, 8..15 -> 4, ...
    return k, count - (1 << (k - 1)), k - 1


def lengths_to_pretree(lengths, prev, allow_full_runs=False, short_runs=False):
    """Pre-tree symbols [(sym, extra, extra_bits)] for one segment's 872
    lengths.  msdelta refuses a run that reaches the last length, so runs stop
    one short of it unless allow_full_runs (a test of the decoder's bound).
    Runs are of 4 or more unless short_runs (then of 1 to 3 as well, so that
    every pre-code symbol gets used)."""
    out = []
    n = len(lengths)
    cap = n if allow_full_runs else n - 1
    least = 1 if short_runs else 4
    i = 0
    while i < n:
        run = 0
        while i + run < cap and lengths[i + run] == prev[i + run] and run < 127:
            run += 1
        if run >= least:
            c, x, xb = run_code(run)
            out.append((31 + c, x, xb))
            i += run
            continue
        if i > 0:
            run = 0
            while i + run < cap and lengths[i + run] == lengths[i - 1] and run < 127:
                run += 1
            if run >= least:
                c, x, xb = run_code(run)
                out.append((23 + c, x, xb))
                i += run
                continue
        diff = lengths[i] - prev[i]
        if 1 <= diff <= 3:
            out.append((16 + diff, 0, 0))
        elif -3 <= diff <= -1:
            out.append((19 - diff, 0, 0))
        else:
            out.append((lengths[i], 0, 0))
        i += 1
    return out


def read_lengths(r, pretree, prev, what):
    out = []
    while len(out) < ALL_LENGTHS:
        at = r.pos
        sym = pretree.get(r)
        if sym <= 16:
            out.append(sym)
        elif sym <= 22:
            v = prev[len(out)] + (sym - 16 if sym <= 19 else 19 - sym)
            if not 0 <= v <= MAX_CODE:
                r.pos = at
                r.fail("%s: length %d of symbol %d" % (what, v, len(out)))
            out.append(v)
        else:
            c = (sym - 23) & 7
            count = c + 1 if c < 3 else (1 << (c - 1)) | r.bits(c - 1)
            i = len(out)
            if i + count > ALL_LENGTHS - 1:
                r.pos = at
                r.fail("%s: a run of %d at length %d passes the table's end" % (what, count, i))
            if sym < 31:
                if i == 0:
                    r.pos = at
                    r.fail("%s: a run repeating the length before the first" % what)
                out.extend([out[-1]] * count)
            else:
                out.extend(prev[i:i + count])
    return out


# ---- operations and their symbols ------------------------------------------------
#
# A match copies from the window: the source followed by the target written so
# far, as one buffer of positions 0.. (source) and len(source).. (target).  A
# match at target offset i with distance d copies from window position
# len(source) + i - d, byte by byte (it may overlap what it writes).
#
# Offsets as sent (for a RAW delta, whose RIFT table is empty):
#   slot 3 ("source"): d = len(source), i.e. the source at position i;
#   slots 4-6 ("lru"): the distances of the last three matches;
#   slots 0-2 ("signed"): the source at position i - s for s in
#       [-0x2000, 0x2000) (14 bits), [-0xA000, 0xA000) (16), [-0x2A000, 0x2A000) (18);
#   slots 7.. ("dist"): d itself, with extra bits and, for d >= 64, its low
#       4 bits through the aligned tree.

def lru_update(lru, d):
    if lru[0] != d:
        old1 = lru[1]
        lru[1] = lru[0]
        lru[0] = d
        if old1 != d:
            lru[2] = old1


def dist_fields(d):
    """(slot, [(value, bits)], aligned or None) of a distance d >= 1."""
    if d <= 3:
        return SLOT_DIST + d, [], None
    hb = d.bit_length() - 1                  # d in [2^hb, 2^(hb+1))
    half = hb - 1
    e = 2 * (half + 1) + ((d >> half) & 1)   # extra_val: base (2 or 3) << half
    if half < 4:
        return None if e >= 36 else SLOT_DIST + e, [(d & ((1 << half) - 1), half)], None
    fields = [((d >> 4) & ((1 << (half - 4)) - 1), half - 4)]
    if e < 36:
        return SLOT_DIST + e, fields, d & 15
    # extra_val 36..63: slot 7 then a 1-3 bit prefix and 2-4 bits
    if e < 40:
        pre = [(0, 1), (e - 36, 2)]
    elif e < 48:
        pre = [(1, 1), (0, 1), (e - 40, 3)]
    else:
        pre = [(1, 1), (1, 1), (e - 48, 4)]
    return SLOT_DIST, pre + fields, d & 15


def signed_fields(s):
    if -0x2000 <= s < 0x2000:
        return 0, [(s + 0x2000, 14)]
    if -0xA000 <= s < 0xA000:
        return 1, [(s + 0xA000 if s < 0 else s + 0x6000, 16)]
    if -0x2A000 <= s < 0x2A000:
        return 2, [(s + 0x2A000 if s < 0 else s + 0x16000, 18)]
    return None, None


def length_fields(length):
    """(length slot, length-tree symbol or None, long number or None)."""
    assert length >= 2
    if length <= 8:
        return length - 1, None, None
    if length <= 263:
        return 0, length - 8, None
    return 0, 0, length - 8


class Symbol:
    """One coded item: a literal byte, or a match (slot, fields, length)."""
    __slots__ = ("lit", "slot", "fields", "aligned", "length", "distance")

    def __init__(self, lit=None, slot=None, fields=(), aligned=None, length=0, distance=0):
        self.lit = lit
        self.slot = slot
        self.fields = fields
        self.aligned = aligned
        self.length = length
        self.distance = distance


def match_symbol(kind, value, length):
    """A match of a given encoding: kind "source" (value unused), "lru"
    (value 0-2), "signed" (value s: source position i - s), "dist" (value d).
    No check that it is a valid copy: hostile deltas are made with it too."""
    if kind == "source":
        return Symbol(slot=SLOT_SOURCE, length=length)
    if kind == "lru":
        return Symbol(slot=SLOT_LRU + value, length=length)
    if kind == "signed":
        slot, fields = signed_fields(value)
        if slot is None:
            raise ValueError("signed offset %d out of range" % value)
        return Symbol(slot=slot, fields=fields, length=length)
    if kind == "dist":
        slot, fields, aligned = dist_fields(value)
        if slot is None:
            raise ValueError("distance %d cannot be sent" % value)
        return Symbol(slot=slot, fields=fields, aligned=aligned, length=length)
    raise ValueError(kind)


def plan(source, ops):
    """Turns operations into symbols and computes the target.

    ops: ("lit", bytes) | ("copy", window_pos, length) | ("match", kind,
    value, length).  A "copy" gets the cheapest encoding that reaches it (the
    source at the same position, a repeat offset, a signed offset, a distance);
    a "match" is sent as told and must still be a valid copy (invalid ones:
    encode_body(symbols=...) directly).  Returns (symbols, target bytes)."""
    R = len(source)
    win = bytearray(source)
    lru = [0, 0, 0]
    syms = []
    for op in ops:
        if op[0] == "lit":
            for b in op[1]:
                syms.append(Symbol(lit=b))
            win += op[1]
            continue
        i = len(win) - R
        if op[0] == "copy":
            _, start, length = op
            d = R + i - start
            if d == R:
                sym = Symbol(slot=SLOT_SOURCE, length=length)
            elif d in lru:
                sym = Symbol(slot=SLOT_LRU + lru.index(d), length=length)
            elif start < R and signed_fields(i - start)[0] is not None and abs(i - start) < 0x2000:
                sym = match_symbol("signed", i - start, length)
            else:
                sym = match_symbol("dist", d, length)
        else:
            _, kind, value, length = op
            sym = match_symbol(kind, value, length)
            d = {"source": R, "signed": R + value, "dist": value}.get(kind)
            if kind == "lru":
                d = lru[value]
        start = R + i - d
        if not (0 <= start < R + i) or length < 2:
            raise ValueError("op %r: window position %d at target offset %d" % (op, start, i))
        sym.distance = d
        syms.append(sym)
        lru_update(lru, d)
        if start + length <= len(win):
            win += win[start:start + length]
        else:
            for k in range(length):
                win.append(win[start + k])
    return syms, bytes(win[R:])


def symbol_counts(syms):
    main = [0] * MAIN_SYMS
    lens = [0] * LEN_SYMS
    aligned = [0] * ALIGNED_SYMS
    for s in syms:
        if s.lit is not None:
            main[s.lit] += 1
            continue
        ls, lsym, _ = length_fields(s.length)
        main[256 + s.slot * 8 + ls] += 1
        if lsym is not None:
            lens[lsym] += 1
        if s.aligned is not None:
            aligned[s.aligned] += 1
    return main, lens, aligned


def put_symbol(w, tables, s):
    main, lens, aligned = tables
    if s.lit is not None:
        main.put(w, s.lit)
        return
    ls, lsym, big = length_fields(s.length)
    main.put(w, 256 + s.slot * 8 + ls)
    for value, bits in s.fields:
        w.bits(value, bits)
    if s.aligned is not None:
        aligned.put(w, s.aligned)
    if lsym is not None:
        lens.put(w, lsym)
        if lsym == 0:
            w.number(big)


def encode_body(syms, source_len, simple=False, segments=1, rift=None,
                lengths_override=None, pretree_override=None, segment_count=None,
                boundaries=None, pretree_syms_hook=None, allow_full_runs=False,
                short_runs=False):
    """The body (the delta's second buffer): RIFT table, prefix codes, symbols.

    simple: the fixed flat codes (no composite format); segments: how many
    segments (each with its own codes) the symbols are cut into.  The other
    arguments make hostile bodies: rift=(count, entries) writes a RIFT table
    claiming `count` entries; lengths_override(seg, lengths) and
    pretree_override(lengths) may rewrite the code lengths sent (the symbols
    are then written with codes built from them, as far as they go);
    segment_count and boundaries replace what is sent; pretree_syms_hook(seg,
    syms) may rewrite a segment's pre-tree symbols."""
    w = BitWriter()
    if rift is None:
        w.bits(0, 1)
    else:
        count, entries = rift
        w.bits(1, 1)
        # Two IntFormats (source and target deltas): 126 positive and 126
        # negative symbols, every length sent (4 bits, minus one), then a
        # default length; 4 codes of 7 bits and 248 of 8: complete.
        int_lengths = [7 if k in (0, 1, 126, 127) else 8 for k in range(252)]
        for _ in range(2):
            w.bits(126, 8)
            w.bits(126, 8)
            w.bits(0, 8)
            for x in int_lengths:
                w.bits(x - 1, 4)
            w.bits(7, 4)
        w.varint(count)
        ienc = Encoder(int_lengths)
        for sd, td in entries:              # values 0..3 only (no extra bits)
            ienc.put(w, sd)
            ienc.put(w, td)
    if simple:
        w.bits(1, 1)
        tables = [tuple(Encoder(flat_lengths(n)) for n in (MAIN_SYMS, LEN_SYMS, ALIGNED_SYMS))]
        cuts = [0, len(syms)]
    else:
        w.bits(0, 1)
        # cut the symbols into segments of about equal output
        total = sum(1 if s.lit is not None else s.length for s in syms)
        cuts = [0]
        bounds = [source_len]
        done = 0
        for k, s in enumerate(syms):
            if len(cuts) < segments and done >= total * len(cuts) // segments and k > cuts[-1]:
                cuts.append(k)
                bounds.append(source_len + done)
            done += 1 if s.lit is not None else s.length
        cuts.append(len(syms))
        nseg = len(cuts) - 1
        w.varint(nseg if segment_count is None else segment_count)
        prevb = 0
        for b in (bounds if boundaries is None else boundaries):
            w.varint(b - prevb)
            prevb = b
        seg_lengths = []
        for k in range(nseg):
            m, ln, al = symbol_counts(syms[cuts[k]:cuts[k + 1]])
            lengths = (huffman_lengths(m, MAX_CODE) + huffman_lengths(ln, MAX_CODE)
                       + huffman_lengths(al, MAX_CODE))
            if lengths_override:
                lengths = lengths_override(k, lengths)
            seg_lengths.append(lengths)
        prev = [0] * ALL_LENGTHS
        pre_syms = []
        for k, lengths in enumerate(seg_lengths):
            ps = lengths_to_pretree(lengths, prev, allow_full_runs, short_runs)
            if pretree_syms_hook:
                ps = pretree_syms_hook(k, ps)
            pre_syms.append(ps)
            prev = lengths
        pf = [0] * PRETREE_SYMS
        for ps in pre_syms:
            for sym, _, _ in ps:
                pf[sym] += 1
        pl = huffman_lengths(pf, MAX_PRETREE_CODE)
        if pretree_override:
            pl = pretree_override(pl)
        for x in pl:
            w.bits(x, 4)
        pre = Encoder(pl)
        for ps in pre_syms:
            for sym, x, xb in ps:
                if sym in pre.table:
                    pre.put(w, sym)
                w.bits(x, xb)
        tables = []
        for lengths in seg_lengths:
            tables.append((Encoder(lengths[:MAIN_SYMS]),
                           Encoder(lengths[MAIN_SYMS:MAIN_SYMS + LEN_SYMS]),
                           Encoder(lengths[MAIN_SYMS + LEN_SYMS:])))
    for k in range(len(cuts) - 1):
        t = tables[k]
        for s in syms[cuts[k]:cuts[k + 1]]:
            try:
                put_symbol(w, t, s)
            except KeyError:                # a hostile table without that symbol
                return w.finish()
    return w.finish()


def target_hash(alg, data):
    if alg == HASH_NONE:
        return b""
    return {HASH_MD5: hashlib.md5, HASH_SHA1: hashlib.sha1, HASH_SHA256: hashlib.sha256}[alg](data).digest()


def make_header(target_size, hash_alg=HASH_MD5, digest=b"", file_type=TYPE_RAW,
                file_type_set=TYPE_RAW, flags=0, filetime=0, magic=MAGIC):
    """The header fields, up to (not including) the two buffers that follow."""
    w = BitWriter()
    w.varint(file_type_set)
    w.varint(file_type)
    w.varint(flags)
    w.varint(target_size)
    w.varint(hash_alg)
    w.buffer(digest)
    return w


def make_delta(source, ops=None, target=None, hash_alg=HASH_MD5, simple=False, segments=1,
               flags=0, file_type=TYPE_RAW, file_type_set=TYPE_RAW, target_size=None,
               digest=None, preprocess=b"", body=None, filetime=0x01DB0C0DE0000000,
               always_body=False, **body_args):
    """A whole PA30 delta.  Either ops (see plan()) or target (greedy_ops() is
    run).  target_size, digest, preprocess and body override what is written.
    An empty target gets an empty body unless always_body."""
    if ops is None:
        ops = greedy_ops(source, target)
    syms, tgt = plan(source, ops)
    if target is not None and tgt != target:
        raise AssertionError("plan() did not rebuild the target")
    if body is None:
        body = encode_body(syms, len(source), simple=simple, segments=segments, **body_args) \
            if tgt or always_body or body_args else b""
    if digest is None:
        digest = target_hash(hash_alg, tgt)
    w = make_header(len(tgt) if target_size is None else target_size, hash_alg, digest,
                    file_type, file_type_set, flags)
    w.buffer(preprocess)
    w.buffer(body)
    return MAGIC + struct.pack("<Q", filetime) + w.finish(), tgt


def greedy_ops(source, target, min_match=4):
    """Operations rebuilding target from source: at each position the longest
    match found through a hash of 4 bytes (the source and the target so far,
    the last position of each hash only), the source at the same position
    preferred, else a literal."""
    R = len(source)
    win = source + target
    heads = {}
    for p in range(0, R - 3):
        heads[win[p:p + 4]] = p
    ops = []
    lits = bytearray()
    i = 0
    n = len(target)
    while i < n:
        best, bstart = 0, 0
        p = R + i
        if i < R:                            # the source at the same position
            k = 0
            while i + k < n and k < R - i and win[i + k] == win[p + k]:
                k += 1
            if k >= min_match:
                best, bstart = k, i
        if best < 64 and i + 4 <= n:
            cand = heads.get(win[p:p + 4])
            if cand is not None:
                k = 0
                while i + k < n and win[cand + k] == win[p + k]:
                    k += 1
                if k > best:
                    best, bstart = k, cand
        if i + 4 <= n:
            heads[win[p:p + 4]] = p
        if best >= min_match:
            if lits:
                ops.append(("lit", bytes(lits)))
                lits = bytearray()
            ops.append(("copy", bstart, best))
            for q in range(p + 1, min(p + best, R + n - 3)):
                if best < 256:
                    heads[win[q:q + 4]] = q
            i += best
        else:
            lits.append(target[i])
            i += 1
    if lits:
        ops.append(("lit", bytes(lits)))
    return ops



# ---- PE file types: a tiny PE builder, the preprocessing data ------------------
#
# File types I386/AMD64 carry a preprocessing buffer (doc/pa30.md, "PE file
# types"): the target's ImageBase (64 bits), a 32-bit field (the target's
# CheckSum by the Rust reading; 0 in every delta seen), its TimeDateStamp,
# a RIFT table of the target's layout (RVA -> file offset), one bit of CLI
# metadata, a RIFT table mapping source RVAs to target RVAs, one bit of a
# CLI token map.  The body is then decoded against the source as
# transformed for the target.  This writer knows only the transforms that
# move no address (pe_transform); with an identity RVA map and the source's
# own layout, the address transforms are the identity.

PE_MARK_NON_EXE, PE_IMPORTS, PE_EXPORTS, PE_RESOURCES, PE_RELOCATIONS = 0x2, 0x4, 0x8, 0x10, 0x20
PE_JMPS_X86, PE_CALLS_X86, PE_DISASM_X64, PE_PDATA_X64 = 0x80, 0x100, 0x200, 0x400
PE_UNBIND, PE_CLI_DISASM, PE_CLI_METADATA, PE_IGNORE_SIZE_LIMIT = 0x2000, 0x4000, 0x8000, 0x20000
PE_FLAGS_AMD64 = 0xE63E           # what Windows' PE deltas of amd64 images carry
PE_FLAGS_I386 = 0xE1BE            # the same transforms for i386 (calls and jumps, no x64)

PE_FILE_ALIGN, PE_SECT_ALIGN = 0x200, 0x1000
DIR_EXPORT, DIR_IMPORT, DIR_RESOURCE, DIR_EXCEPTION, DIR_BASERELOC = 0, 1, 2, 3, 5
DIR_BOUND_IMPORT, DIR_CLR = 11, 14


class TinyPE:
    """A small PE image: the headers at 0 (e_lfanew 0x80), then the sections'
    raw data at file alignment.  The offsets of the fields are kept so that
    hostile variants can be made by patching.

    sections: [(name, data, characteristics)]; each gets a VirtualAddress of
    its own (section alignment, from 0x1000) and raw data (file alignment)
    unless its data is None (then no raw data, like .bss).  dirs: {index:
    (rva, size)}."""

    def __init__(self, arch="amd64", sections=(), image_base=None, timestamp=0x5F000000,
                 checksum=0, dirs=None, ndirs=16):
        self.plus = arch == "amd64"
        self.arch = arch
        self.lfanew = 0x80
        self.coff = self.lfanew + 4
        self.opt = self.coff + 20
        fixed = 112 if self.plus else 96
        self.opt_size = fixed + 8 * ndirs
        self.dirs_at = self.opt + fixed
        self.sections_at = self.opt + self.opt_size
        if image_base is None:
            image_base = 0x180000000 if self.plus else 0x10000000
        hdr_end = self.sections_at + 40 * len(sections)
        raw = _align(hdr_end, PE_FILE_ALIGN)
        va = PE_SECT_ALIGN
        self.layout = [(0, 0)]
        table = bytearray()
        blobs = []
        self.section_rva = {}
        for name, data, chars in sections:
            vsize = len(data) if data is not None else 0x1000
            rsize = _align(len(data), PE_FILE_ALIGN) if data else 0
            rptr = raw if data else 0
            table += struct.pack("<8sIIIIIIHHI", name.encode()[:8], vsize, va, rsize, rptr,
                                 0, 0, 0, 0, chars)
            if data:
                blobs.append((rptr, data))
                self.layout.append((va, rptr))
            self.section_rva[name] = (va, rptr)
            raw += rsize
            va += _align(max(vsize, 1), PE_SECT_ALIGN)
        img = bytearray(raw)
        img[0:2] = b"MZ"
        struct.pack_into("<I", img, 0x3C, self.lfanew)
        img[self.lfanew:self.lfanew + 4] = b"PE\0\0"
        machine = 0x8664 if self.plus else 0x14C
        struct.pack_into("<HHIIIHH", img, self.coff, machine, len(sections), timestamp, 0, 0,
                         self.opt_size, 0x2022 if self.plus else 0x2102)
        struct.pack_into("<H", img, self.opt, 0x20B if self.plus else 0x10B)
        if self.plus:
            struct.pack_into("<Q", img, self.opt + 24, image_base)
        else:
            struct.pack_into("<I", img, self.opt + 28, image_base)
        struct.pack_into("<II", img, self.opt + 32, PE_SECT_ALIGN, PE_FILE_ALIGN)
        struct.pack_into("<I", img, self.opt + 56, va)                   # SizeOfImage
        struct.pack_into("<I", img, self.opt + 60, _align(hdr_end, PE_FILE_ALIGN))
        struct.pack_into("<I", img, self.opt + 64, checksum)
        struct.pack_into("<H", img, self.opt + 68, 3)                    # console
        struct.pack_into("<I", img, self.dirs_at - 4, ndirs)
        for i, (rva, size) in (dirs or {}).items():
            struct.pack_into("<II", img, self.dirs_at + 8 * i, rva, size)
        img[self.sections_at:self.sections_at + len(table)] = table
        for rptr, data in blobs:
            img[rptr:rptr + len(data)] = data
        self.image = img

    def bytes(self):
        return bytes(self.image)


def _align(n, a):
    return (n + a - 1) // a * a


def tiny_pe(rng=None, arch="amd64", code_size=0x800, image_base=None, timestamp=0x5F000000,
            idata=True, reloc=True, extra=b"", dirs=None, **kw):
    """A plausible small image: .text (code-like bytes), .rdata, .idata (an
    import descriptor, its thunks and names) and .reloc (one block), with
    the import and relocation directories pointing at them.  Deterministic
    for a given rng state."""
    import random as _random
    rng = rng or _random.Random(7)
    vocab = [bytes(rng.randrange(256) for _ in range(rng.randrange(2, 9))) for _ in range(60)]
    code = bytearray()
    while len(code) < code_size:
        code += rng.choice(vocab) if rng.random() < 0.85 else b"\xcc" * rng.randrange(1, 16)
    code = bytes(code[:code_size])
    rdata = b"tiny image for PA30 tests\0" + bytes(rng.randrange(256) for _ in range(200)) + extra
    secs = [(".text", code, 0x60000020), (".rdata", rdata, 0x40000040)]
    # the RVAs the sections get: 0x1000 each, in order
    next_rva = PE_SECT_ALIGN + _align(len(code), PE_SECT_ALIGN) + _align(len(rdata), PE_SECT_ALIGN)
    d = {}
    if idata:
        base = next_rva
        w = 8 if arch == "amd64" else 4
        # descriptor (20) + terminator (20), ILT and IAT of one entry + 0,
        # a hint/name, the DLL name
        ilt = base + 40
        iat = ilt + 2 * w
        hint = iat + 2 * w
        dll = hint + 16
        blob = struct.pack("<IIIII", ilt, 0, 0, dll, iat) + bytes(20)
        entry = (lambda v: struct.pack("<Q" if w == 8 else "<I", v))
        blob += entry(hint) + entry(0) + entry(hint) + entry(0)
        blob += struct.pack("<H", 1) + b"ExitProcess\0".ljust(14, b"\0") + b"KERNEL32.dll\0"
        secs.append((".idata", blob, 0x40000040))
        d[DIR_IMPORT] = (base, 40)
        next_rva += _align(len(blob), PE_SECT_ALIGN)
    if reloc:
        # one block for .text: four entries (DIR64 on amd64, HIGHLOW on i386),
        # as a linker writes it (sorted, 4-byte aligned: no padding entry
        # needed), so that rewriting the blocks gives the same bytes
        typ = 10 if arch == "amd64" else 3
        entries = [typ << 12 | off for off in (0x10, 0x40, 0x80, 0x100)]
        blob = struct.pack("<II", PE_SECT_ALIGN, 8 + 2 * len(entries)) + \
            b"".join(struct.pack("<H", e) for e in entries)
        secs.append((".reloc", blob, 0x42000040))
        d[DIR_BASERELOC] = (next_rva, len(blob))
    d.update(dirs or {})
    return TinyPE(arch, secs, image_base, timestamp, dirs=d, **kw)


def pe_view(img):
    """(plus, coff, opt, sections, nsections) of an image, or None."""
    if len(img) < 0x40 or img[:2] != b"MZ":
        return None
    pe = struct.unpack_from("<I", img, 0x3C)[0]
    if pe + 4 + 20 + 2 > len(img) or img[pe:pe + 4] != b"PE\0\0":
        return None
    coff = pe + 4
    nsec, = struct.unpack_from("<H", img, coff + 2)
    opt_size, = struct.unpack_from("<H", img, coff + 16)
    opt = coff + 20
    magic, = struct.unpack_from("<H", img, opt)
    if magic not in (0x10B, 0x20B) or opt + opt_size > len(img):
        return None
    return magic == 0x20B, coff, opt, opt + opt_size, nsec


def pe_layout(img):
    """The layout table Windows writes for an image: (0, 0), then
    (VirtualAddress, PointerToRawData) of each section that has both."""
    plus, coff, opt, sec, nsec = pe_view(img)
    out = [(0, 0)]
    for i in range(nsec):
        va, rsize, rptr = struct.unpack_from("<III", img, sec + 40 * i + 12)
        if va and rptr:
            out.append((va, rptr))
    return out


def pe_transform(source, flags, image_base, timestamp):
    """The source as libmum transforms it when no address moves (an identity
    RVA map, the same layout): .idata made read/write for PE_UNBIND, the
    CheckSum zeroed, the target's TimeDateStamp and ImageBase written."""
    if not source:
        return source
    img = bytearray(source)
    plus, coff, opt, sec, nsec = pe_view(img)
    if flags & PE_UNBIND:
        for i in range(nsec):
            s = sec + 40 * i
            if img[s:s + 8] == b".idata\0\0":
                c, = struct.unpack_from("<I", img, s + 36)
                struct.pack_into("<I", img, s + 36, c | 0xC0000000)
    struct.pack_into("<I", img, opt + 64, 0)
    struct.pack_into("<I", img, coff + 4, timestamp)
    if plus:
        struct.pack_into("<Q", img, opt + 24, image_base)
    else:
        struct.pack_into("<I", img, opt + 28, image_base)
    return bytes(img)


INT_LENGTHS = [7 if k in (0, 1, 126, 127) else 8 for k in range(252)]


def int_fields(v):
    """(IntFormat symbol, extra value, extra bits) of a signed 64-bit value:
    magnitude classes 0..125 for v >= 0, 126.. for ~v when v < 0."""
    v &= (1 << 64) - 1
    neg = v >= 1 << 63
    u = (~v) & ((1 << 64) - 1) if neg else v
    if u <= 3:
        m, extra, nb = u, 0, 0
    else:
        half = u.bit_length() - 2
        m = 2 * (half + 1) + ((u >> half) & 1)
        extra, nb = u & ((1 << half) - 1), half
    return m + (126 if neg else 0), extra, nb


def write_rift(w, entries, count=None, int_lengths=None, counts=(126, 126, 0)):
    """A RIFT table of (source, target) entries (any 64-bit values, in the
    order given: the deltas between consecutive ones are sent).  None: the
    'absent' bit.  count and int_lengths/counts override what is sent
    (hostile tables)."""
    if entries is None:
        w.bits(0, 1)
        return
    w.bits(1, 1)
    lengths = int_lengths or INT_LENGTHS
    for _ in range(2):
        npos, nneg, ndef = counts
        w.bits(npos, 8)
        w.bits(nneg, 8)
        w.bits(ndef, 8)
        for x in lengths[:npos]:
            w.bits(x - 1, 4)
        for x in lengths[126:126 + nneg]:
            w.bits(x - 1, 4)
        w.bits(7, 4)
    w.varint(len(entries) if count is None else count)
    enc = Encoder(lengths)
    ps = pd = 0
    for s, t in entries:
        for v in (s - ps, (t - s) - pd):
            sym, extra, nb = int_fields(v)
            enc.put(w, sym)
            w.bits(extra, nb)
        ps, pd = s, t - s


def pe_preprocess(image_base, timestamp, layout, rva_map=(), checksum=0, cli_metadata=False,
                  cli_map=False, stop=None, trailing_bit=True):
    """The preprocessing buffer of a PE delta.  stop: the name of a field
    before which the stream ends (a truncation at that field: 'base-high',
    'checksum', 'timestamp', 'layout', 'cli', 'rva-map', 'cli-map')."""
    w = BitWriter()
    fields = [
        ("base-low", lambda: w.bits(image_base & 0xFFFFFFFF, 32)),
        ("base-high", lambda: w.bits(image_base >> 32, 32)),
        ("checksum", lambda: w.bits(checksum, 32)),
        ("timestamp", lambda: w.bits(timestamp, 32)),
        ("layout", lambda: write_rift(w, layout)),
        ("cli", lambda: w.bits(int(cli_metadata), 1)),
        ("rva-map", lambda: write_rift(w, rva_map)),
        ("cli-map", lambda: w.bits(int(cli_map), 1) if trailing_bit or cli_map else None),
    ]
    for name, put in fields:
        if name == stop:
            break
        put()
    return w.finish()


def make_pe_delta(source, target, file_type=TYPE_AMD64, flags=PE_FLAGS_AMD64, image_base=None,
                  timestamp=None, layout=None, rva_map=None, hash_alg=HASH_MD5, preprocess=None,
                  segments=1, **kw):
    """A PE delta: the preprocessing data (by default the target's ImageBase
    and TimeDateStamp, the source's layout, an identity RVA map of its
    sections) and a body made against the source as transformed for it
    (pe_transform).  Returns (delta, target)."""
    tv = pe_view(target)
    if image_base is None:
        image_base = struct.unpack_from("<Q" if tv[0] else "<I", target,
                                        tv[2] + (24 if tv[0] else 28))[0]
    if timestamp is None:
        timestamp = struct.unpack_from("<I", target, tv[1] + 4)[0]
    if layout is None:
        layout = pe_layout(source) if source else [(0, 0)]
    if rva_map is None:
        rva_map = [(va, va) for va, _ in layout]
    if preprocess is None:
        preprocess = pe_preprocess(image_base, timestamp, layout, rva_map)
    body_source = pe_transform(source, flags, image_base, timestamp)
    return make_delta(body_source, target=target, hash_alg=hash_alg, flags=flags,
                      file_type=file_type, file_type_set=file_type | TYPE_RAW,
                      preprocess=preprocess, segments=segments, **kw)


def read_preprocess(pre):
    """The PE preprocessing fields (the reader's side): a dict, or
    FormatError."""
    r = BitReader(pre, "preprocessing")
    f = {"image_base": r.bits(32) | r.bits(32) << 32, "checksum": r.bits(32),
         "timestamp": r.bits(32)}

    def rift():
        if not r.bits(1):
            return []
        decs = []
        for _ in range(2):
            npos, nneg, ndef = r.bits(8), r.bits(8), r.bits(8)
            if npos != 126 or nneg != 126:
                r.fail("an IntFormat this reader does not take (%d, %d, %d)" % (npos, nneg, ndef))
            ln = [r.bits(4) + 1 for _ in range(252)]
            r.bits(4)
            decs.append(Decoder(ln, "IntFormat"))
        n = r.varint()
        if n > (r.end - r.pos) // 2:
            r.fail("a RIFT table of %d entries" % n)
        out = []
        s = d = 0
        for _ in range(n):
            vals = []
            for dec in decs:
                sym = dec.get(r)
                m = sym % 126
                v = m if m <= 3 else (((m & 1) + 2) << ((m >> 1) - 1)) | r.bits((m >> 1) - 1)
                vals.append(~v if sym >= 126 else v)
            s += vals[0]
            d += vals[1]
            out.append((s, s + d))
        return out
    f["layout"] = rift()
    if r.bits(1):
        r.fail("CLI metadata")
    f["rva_map"] = rift()
    if r.pos < r.end and r.bits(1):
        r.fail("a CLI token map")
    return f

# ---- the reader ---------------------------------------------------------------------

def read_header(delta):
    """(fields dict, preprocess bytes, body bytes, body offset in the file)."""
    if len(delta) < 13 or delta[:4] not in (b"PA30",):
        raise FormatError("not a PA30 delta")
    r = BitReader(delta[12:], "header", 12)
    h = {"filetime": struct.unpack("<Q", delta[4:12])[0]}
    h["file_type_set"] = r.signed_varint()
    h["file_type"] = r.signed_varint()
    h["flags"] = r.signed_varint()
    h["target_size"] = r.signed_varint()
    h["hash_alg"] = r.signed_varint()
    h["hash"] = r.buffer()
    pre = r.buffer()
    # the body's offset: read_buffer aligns then takes the bytes
    size = r.signed_varint()
    r.align()
    off = 12 + r.pos // 8
    if size < 0 or off + size > len(delta):
        raise FormatError("header: a body of %d bytes at byte %d, %d left" % (size, off, len(delta) - off))
    return h, pre, delta[off:off + size], off


def decode(source, delta, check_hash=True, stats=None):
    """Applies a RAW delta (the reader, an oracle independent of libmum)."""
    h, pre, body, off = read_header(delta)
    if h["file_type"] in (TYPE_I386, TYPE_AMD64) and source:
        # only what moves no address: an identity map, the source's layout
        f = read_preprocess(pre)
        if any(s != t for s, t in f["rva_map"]) or sorted(f["layout"]) != sorted(pe_layout(source)):
            raise FormatError("a PE delta whose transforms move addresses")
        source = pe_transform(source, h["flags"], f["image_base"], f["timestamp"])
    elif h["file_type"] not in (TYPE_RAW, TYPE_I386, TYPE_AMD64):
        raise FormatError("file type %#x is not RAW" % h["file_type"])
    n = h["target_size"]
    R = len(source)
    if n == 0 and not body:
        return b""
    r = BitReader(body, "body", off)
    if r.bits(1):
        r.fail("a RIFT table in a RAW delta")
    if r.bits(1):
        segs = [tuple(Decoder(flat_lengths(k), "flat") for k in (MAIN_SYMS, LEN_SYMS, ALIGNED_SYMS))]
        bounds = [R]
        if stats is not None:
            stats["simple"] = True
    else:
        nseg = r.varint()
        if not 1 <= nseg <= 1024:
            r.fail("%d segments" % nseg)
        bounds = []
        acc = 0
        for _ in range(nseg):
            acc += r.signed_varint()
            bounds.append(acc)
        pl = [r.bits(4) for _ in range(PRETREE_SYMS)]
        pre_at = r.pos
        pre_t = Decoder(pl, "pre-tree")
        prev = [0] * ALL_LENGTHS
        segs = []
        for k in range(nseg):
            at = r.pos
            lengths = read_lengths(r, pre_t, prev, "segment %d" % k)
            parts = (lengths[:MAIN_SYMS], lengths[MAIN_SYMS:MAIN_SYMS + LEN_SYMS],
                     lengths[MAIN_SYMS + LEN_SYMS:])
            try:
                segs.append(tuple(Decoder(p, "segment %d %s tree" % (k, nm))
                                  for p, nm in zip(parts, ("main", "length", "aligned"))))
            except FormatError as e:
                r.pos = at
                r.fail(str(e))
            if stats is not None:
                stats.setdefault("tables", []).append([kraft(p) for p in parts])
            prev = lengths
        if stats is not None:
            stats.update(simple=False, segments=nseg, bounds=bounds, pretree=pl, pretree_at=pre_at)
    win = bytearray(source)
    end = R + n
    lru = [0, 0, 0]
    seg = 0
    while len(win) < end:
        pos = len(win)
        while seg + 1 < len(segs) and pos >= bounds[seg + 1]:
            seg += 1
        main, lens, aligned = segs[seg]
        at = r.pos
        sym = main.get(r)
        if sym < 256:
            win.append(sym)
            if stats is not None:
                stats["literals"] = stats.get("literals", 0) + 1
            continue
        slot, ls = (sym - 256) >> 3, (sym - 256) & 7
        if slot < 3:
            bits = (14, 16, 18)[slot]
            v = r.bits(bits)
            if slot == 0:
                s = v - 0x2000
            elif slot == 1:
                s = v - 0xA000 if v < 0x8000 else v - 0x6000
            else:
                s = v - 0x16000 if v >= 0x20000 else v - 0x2A000
            d = R + s
        elif slot == SLOT_SOURCE:
            d = R
        elif slot < SLOT_DIST:
            d = lru[slot - SLOT_LRU]
        else:
            e = slot - SLOT_DIST
            if e == 0:
                if r.bits(1) == 0:
                    e = 36 + r.bits(2)
                elif r.bits(1) == 0:
                    e = 40 + r.bits(3)
                else:
                    e = 48 + r.bits(4)
            if e <= 3:
                d = e
            else:
                half = (e >> 1) - 1
                base = (e & 1) + 2
                if half < 4:
                    d = (base << half) | r.bits(half)
                else:
                    d = (((base << (half - 4)) | r.bits(half - 4)) << 4) | aligned.get(r)
        if ls:
            length = ls + 1
        else:
            k = lens.get(r)
            length = (k if k else r.number()) + 8
        if stats is not None:
            c = stats.setdefault("slots", [0] * NUM_SLOTS)
            c[slot] += 1
        lru_update(lru, d)
        start = pos - d
        if not 0 <= start < pos:
            r.pos = at
            r.fail("a match at target offset %d from window position %d (distance %d)"
                   % (pos - R, start, d))
        if pos + length > end:
            if stats is not None:
                stats["clipped"] = stats.get("clipped", 0) + 1
            r.pos = at
            r.fail("a match of %d bytes at target offset %d passes the target's end (%d)"
                   % (length, pos - R, n))
        if start + length <= pos:
            win += win[start:start + length]
        else:
            for k in range(length):
                win.append(win[start + k])
    out = bytes(win[R:])
    if stats is not None:
        stats["unused_bits"] = r.end - r.pos
    if check_hash and h["hash_alg"]:
        if h["hash_alg"] not in (HASH_MD5, HASH_SHA1, HASH_SHA256):
            raise FormatError("hash algorithm %#x" % h["hash_alg"])
        if target_hash(h["hash_alg"], out) != h["hash"]:
            raise FormatError("the target's hash differs from the header's")
    return out


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    e = sub.add_parser("encode")
    e.add_argument("source")
    e.add_argument("target")
    e.add_argument("out")
    e.add_argument("--hash", default="md5", choices=sorted(HASH_NAMES))
    e.add_argument("--simple", action="store_true")
    e.add_argument("--segments", type=int, default=1)
    e.add_argument("--flags", type=lambda s: int(s, 0), default=0)
    d = sub.add_parser("decode")
    d.add_argument("source")
    d.add_argument("delta")
    d.add_argument("out")
    i = sub.add_parser("info")
    i.add_argument("delta")
    i.add_argument("--source")
    a = ap.parse_args(argv)
    if a.cmd == "encode":
        src = open(a.source, "rb").read()
        tgt = open(a.target, "rb").read()
        delta, _ = make_delta(src, target=tgt, hash_alg=HASH_NAMES[a.hash], simple=a.simple,
                              segments=a.segments, flags=a.flags)
        open(a.out, "wb").write(delta)
        return 0
    if a.cmd == "decode":
        try:
            out = decode(open(a.source, "rb").read(), open(a.delta, "rb").read())
        except FormatError as ex:
            print("%s: %s" % (a.delta, ex), file=sys.stderr)
            return 1
        open(a.out, "wb").write(out)
        return 0
    delta = open(a.delta, "rb").read()
    h, pre, body, off = read_header(delta)
    for k, v in h.items():
        print("%s: %s" % (k, v.hex() if isinstance(v, bytes) else hex(v) if k != "target_size" else v))
    print("preprocess: %d bytes; body: %d bytes at %d" % (len(pre), len(body), off))
    if a.source:
        st = {}
        decode(open(a.source, "rb").read(), delta, stats=st)
        for k, v in st.items():
            print("%s: %s" % (k, v))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
