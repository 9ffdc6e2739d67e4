/*
 * delta_internal.h - what the modules of the PA30 decoder share: the bit
 * reader of the format (LSB first, a 64-bit buffer), the prefix-code tables,
 * and the LZ stage.  doc/pa30.md describes the format itself.
 *
 * delta_bits.c    the bit reader's slower parts (variable-length integers,
 *                 embedded buffers)
 * delta_huffman.c prefix codes: building the lookup tables, the slow path
 * delta_lz.c      the body: RIFT table, composite format, literal/match loop
 * delta.c         the header, the public API, the hash check, DCM
 * delta_pe.c      PE file types: preprocessing data, source transforms,
 *                 the copy map
 * delta_pe_x64.c  the amd64 length decoder of the DisasmX64 transform
 */
#ifndef MUM_DELTA_INTERNAL_H
#define MUM_DELTA_INTERNAL_H

#include "internal.h"

#include <mum/delta.h>

/* Why reading a header from a delta's first bytes stopped. */
typedef enum mum__delta_stop {
    MUM__DELTA_STOP_NONE = 0,       /* it did not: the header is whole */
    MUM__DELTA_STOP_MAGIC,          /* too short for a magic, or not PA30/PA31 (PA19: unsupported) */
    MUM__DELTA_STOP_TRUNCATED,      /* the bytes end inside the header's numbers */
    MUM__DELTA_STOP_TRUNCATED_HASH, /* they end inside the target's hash */
    MUM__DELTA_STOP_MALFORMED,      /* a number that is not one, or out of range */
    MUM__DELTA_STOP_LIMIT           /* a target hash longer than 64 bytes */
} mum__delta_stop;

/*
 * The header of a PA30 or PA31 delta read from p[0, size), which may be
 * only the delta's first bytes (MUM_PA30_HEADER_MAX are enough, as an
 * express cabinet's reader keeps): the fields up to and including the
 * target's hash, out->header_size being the bytes they take (the
 * preprocessing and body that follow are not read, and the target size is
 * not bounded: that is mum_delta_apply's).  The one reader of the header:
 * mum_delta_header_read and mum_delta_apply read it the same way, then
 * the rest.  On failure the message is on ctx, *stop says why and *offset
 * the byte where: for a truncation, the end of the bytes given.
 * Errors: MUM_EFORMAT, MUM_EUNSUPPORTED (PA19), MUM_ELIMIT.
 */
MUM_INTERNAL int mum__delta_header_prefix(mum_delta_header *out, mum_ctx *ctx, const uint8_t *p, size_t size,
                                          mum__delta_stop *stop, uint64_t *offset);

/*
 * A bit stream of the format: bytes read least significant bit first.  The
 * first 3 bits of every stream give how many bits of its last byte are
 * padding.  Reading past the end yields zero bits and is not an error by
 * itself: callers check mum__bits_overrun at their checkpoints (each symbol,
 * each table entry), which keeps the hot loop free of per-bit tests while
 * no decision is ever taken on bits that do not exist.
 */
typedef struct mum__bits {
    const uint8_t *p;
    size_t size;         /* bytes at p */
    size_t pos;          /* next byte to load (may run past size: zeros) */
    uint64_t buf;        /* loaded bits, next bit at bit 0 */
    unsigned n;          /* bits in buf */
    uint64_t end_bit;    /* bits of data: size * 8 - padding */
    uint64_t base;       /* offset of p[0] in the whole delta, for messages */
    mum_ctx *ctx;
} mum__bits;

/* Starts a stream over p[0, size) (which lies at byte `base` of the delta),
 * reading its 3-bit padding count.  Errors: MUM_EFORMAT (empty, or padding
 * that leaves less than nothing). */
MUM_INTERNAL int mum__bits_init(mum__bits *b, mum_ctx *ctx, const uint8_t *p, size_t size,
                                uint64_t base);

/* Bits consumed since the start of the stream (the padding count included). */
static inline uint64_t mum__bits_tell(const mum__bits *b)
{
    return (uint64_t)b->pos * 8 - b->n;
}

/* Whether more bits were consumed than the stream has. */
static inline bool mum__bits_overrun(const mum__bits *b)
{
    return mum__bits_tell(b) > b->end_bit;
}

static inline void mum__bits_refill_slow(mum__bits *b)
{
    while (b->n <= 56) {
        uint64_t byte = b->pos < b->size ? b->p[b->pos] : 0;
        b->buf |= byte << b->n;
        b->pos++;
        b->n += 8;
    }
}

/* Makes at least 56 bits available. */
static inline void mum__bits_refill(mum__bits *b)
{
    if (b->n > 56)
        return;
    if (b->pos + 8 <= b->size) {
        /* One unaligned load; the bytes above the whole ones taken are the
         * same bytes a later load puts there, so OR-ing them is harmless. */
        b->buf |= mum__le64(b->p + b->pos) << b->n;
        b->pos += (63 - b->n) >> 3;
        b->n |= 56;
    } else {
        mum__bits_refill_slow(b);
    }
}

/* The next k bits (k <= 56) without consuming them; refills as needed. */
static inline uint64_t mum__bits_peek(mum__bits *b, unsigned k)
{
    if (b->n < k)
        mum__bits_refill(b);
    return b->buf & ((UINT64_C(1) << k) - 1);
}

static inline void mum__bits_skip(mum__bits *b, unsigned k)
{
    b->buf >>= k;
    b->n -= k;
}

/* Reads k bits (0 <= k <= 56). */
static inline uint64_t mum__bits_get(mum__bits *b, unsigned k)
{
    if (k == 0)
        return 0;
    uint64_t v = mum__bits_peek(b, k);
    mum__bits_skip(b, k);
    return v;
}

/*
 * Records a malformed-delta error at the reader's current position:
 * "PA30 delta: byte N bit B: <what>".  Returns MUM_EFORMAT (or `status`).
 */
MUM_INTERNAL int mum__bits_error(const mum__bits *b, int status, const char *fmt, ...)
    MUM_PRINTF(3, 4);

/* The format's variable-length integer (a unary count of nibbles, then the
 * nibbles): 4 to 64 bits.  Errors: MUM_EFORMAT. */
MUM_INTERNAL int mum__bits_varint(mum__bits *b, uint64_t *out);
/* The match-length number of the body (>= 256).  Errors: MUM_EFORMAT. */
MUM_INTERNAL int mum__bits_number(mum__bits *b, uint32_t *out);
/* An embedded buffer: a varint size, alignment to a byte, the bytes.  *out
 * points into the stream's data; *out_base is its offset in the delta.
 * Errors: MUM_EFORMAT. */
MUM_INTERNAL int mum__bits_buffer(mum__bits *b, const uint8_t **out, size_t *out_size,
                                  uint64_t *out_base);

/* ---- prefix codes (delta_huffman.c) ---- */

#define MUM__HUFF_MAX_LEN 16

/*
 * A prefix code of up to `nsym` symbols.  Codes are canonical with the
 * longest codes numerically first, sent most significant bit first.
 * `fast` is indexed by the next `fast_bits` bits of the stream: an entry is
 * symbol | length << 16, or 0 for a code longer than fast_bits (the slow
 * path walks the code lengths then).
 */
typedef struct mum__huff {
    unsigned nsym;
    unsigned fast_bits;
    unsigned max_len;          /* 0: an empty code (no symbol can be read) */
    uint32_t *fast;            /* 1 << fast_bits entries */
    uint16_t count[MUM__HUFF_MAX_LEN + 1];
    uint32_t first[MUM__HUFF_MAX_LEN + 1]; /* the first code of each length */
    uint16_t index[MUM__HUFF_MAX_LEN + 1]; /* where each length starts in sorted */
    uint16_t *sorted;          /* symbols by length, then by value */
} mum__huff;

/* Allocates the tables of a code of nsym symbols (<= 1024) looked up on
 * fast_bits bits (<= 12).  Errors: MUM_ENOMEM. */
MUM_INTERNAL int mum__huff_init(mum__huff *h, mum_ctx *ctx, unsigned nsym, unsigned fast_bits);
MUM_INTERNAL void mum__huff_clear(mum__huff *h);
/*
 * Builds the code from its lengths (0: unused, else 1..16).  The lengths
 * must form a complete prefix code, or be all zero (an empty code).
 * Errors: MUM_EFORMAT (reported at b's position, with `what` naming the
 * table).
 */
MUM_INTERNAL int mum__huff_build(mum__huff *h, const uint8_t *lengths, const mum__bits *b,
                                 const char *what);
/* The slow path of mum__huff_read.  Errors: MUM_EFORMAT. */
MUM_INTERNAL int mum__huff_read_slow(const mum__huff *h, mum__bits *b, unsigned *sym);

/* Reads one symbol.  Errors: MUM_EFORMAT (an empty code, a code no symbol
 * has). */
static inline int mum__huff_read(const mum__huff *h, mum__bits *b, unsigned *sym)
{
    uint32_t e = h->fast[mum__bits_peek(b, h->fast_bits)];
    if (e >> 16) {
        mum__bits_skip(b, e >> 16);
        *sym = e & 0xffff;
        return MUM_OK;
    }
    return mum__huff_read_slow(h, b, sym);
}

/* ---- the body (delta_lz.c) ---- */

/* One entry of a RIFT table: a position of the source and where it went in
 * the target. */
typedef struct mum__rift {
    int64_t source;
    int64_t target;
} mum__rift;

/*
 * Decodes the compressed body `body` (at byte `base` of the delta) against
 * `source` into a new buffer of target_size bytes (+1), returned in *out
 * (owned: mum__free; NULL on error).  The buffer grows as the target is
 * built, up to target_size (checked by the caller against its limit).
 * `extra`/`nextra`: RIFT entries from the file-type preprocessing (part 2;
 * NULL/0 for RAW).  Errors: MUM_EFORMAT, MUM_ENOMEM, MUM_ELIMIT.
 */
/*
 * Reads a RIFT table (a presence bit, two IntFormat codes, a count, the
 * entries as sums of deltas; doc/pa30.md) into *out (mum__free; room for
 * `spare` more entries), *out_n entries, in stream order.  The body starts
 * with one; PE preprocessing data carries two more.
 * Errors: MUM_EFORMAT, MUM_ELIMIT (more than 2^20 entries), MUM_ENOMEM.
 */
MUM_INTERNAL int mum__delta_rift_table_read(mum__bits *b, size_t spare, mum__rift **out,
                                            size_t *out_n);

MUM_INTERNAL int mum__delta_lz_decode(uint8_t **out, mum_ctx *ctx, const uint8_t *body,
                                      size_t body_size, uint64_t base, const uint8_t *source,
                                      size_t source_size, size_t target_size,
                                      const mum__rift *extra, size_t nextra);

/* ---- PE file types (delta_pe.c) ---- */

/* A PE delta's preprocessing data and the source as transformed for it. */
typedef struct mum__delta_pe {
    uint64_t image_base;      /* the target's ImageBase */
    uint32_t checksum;        /* the 32 bits after it (0 in every delta seen) */
    uint32_t timestamp;       /* the target's TimeDateStamp */
    mum__rift *layout;        /* target RVA -> target file offset */
    size_t nlayout;
    mum__rift *rva_map;       /* source RVA -> target RVA */
    size_t nrva_map;
    uint8_t *source;          /* the transformed source (NULL: none) */
    size_t source_size;
    mum__rift *copy;          /* the copy map, RIFT entries for the body */
    size_t ncopy;
} mum__delta_pe;

/*
 * Reads the preprocessing data of a PE delta (header h) and transforms a
 * copy of the source as the flags ask, into pe->source, with the copy map
 * the body is decoded with into pe->copy.  What libmum does not perform
 * (the i386 jump and call transforms with a moving RVA map, managed images,
 * unknown flag bits) is refused, named.  mum__delta_pe_clear after,
 * whatever the result.
 * Errors: MUM_EFORMAT (malformed data, a source that is not a PE image),
 * MUM_EUNSUPPORTED, MUM_ELIMIT, MUM_ENOMEM.
 */
MUM_INTERNAL int mum__delta_pe_prepare(mum__delta_pe *pe, mum_ctx *ctx,
                                       const mum_delta_header *h, const uint8_t *pre,
                                       size_t pre_size, uint64_t pre_base,
                                       const uint8_t *source, size_t source_size);
MUM_INTERNAL void mum__delta_pe_clear(mum__delta_pe *pe);

/*
 * The source transforms alone, in place on image[0, size): CheckSum zeroed,
 * flag 0x2000 (unbinding), the target's TimeDateStamp, the transforms of
 * `flags` through the RVA map `map` (nmap entries sorted by source), the
 * target's ImageBase.  No refusal: mum__delta_pe_prepare decides what is
 * performed.  Errors: MUM_EFORMAT (naming the place), MUM_ENOMEM.
 */
MUM_INTERNAL int mum__delta_pe_transform(mum_ctx *ctx, uint8_t *image, size_t size,
                                         uint64_t flags, const mum__rift *map, size_t nmap,
                                         uint64_t target_base, uint32_t timestamp);

/*
 * Length-decodes the amd64 instruction at p[0, n) (at most 15 bytes
 * looked at) as Windows' transform DisasmX64 does (delta_pe_x64.c).
 * Returns its length, >= 1 when n >= 1 (an instruction cut short or not
 * known ends where Windows ends it); *field: the offset in it of its
 * RIP-relative disp32 or rel32, or -1.
 */
MUM_INTERNAL size_t mum__x64_insn(const uint8_t *p, size_t n, int *field);

/* ---- the i386 passes of PE file types (delta_pe_x86.c) ---- */

/* A section of the source image, as the i386 passes see it. */
typedef struct mum__pe_section {
    uint32_t va;              /* VirtualAddress */
    uint32_t vsize;           /* VirtualSize */
    uint32_t raw;             /* PointerToRawData */
    uint32_t raw_size;        /* SizeOfRawData */
    uint32_t flags;           /* Characteristics */
} mum__pe_section;

/*
 * The source image being transformed, for the i386 passes.  `owned` has one
 * byte per byte of `img`: non-zero when a transform owns that byte (a field
 * an RVA transform rewrote, or data outside code marked by flag 0x2), which
 * the instruction passes then leave alone, and neither rewrite nor treat as
 * a branch destination.  `map` is the RVA map (source RVA -> target RVA),
 * sorted by source.
 */
typedef struct mum__pe_x86 {
    uint8_t *img;
    size_t size;
    uint8_t *owned;
    const mum__pe_section *sec;
    unsigned nsec;
    uint32_t size_of_image;
    const mum__rift *map;
    size_t nmap;
    mum_ctx *ctx;             /* for the errors of the passes */
    uint64_t work, budget;    /* the passes' own bound (see delta_pe_x86.c) */
} mum__pe_x86;

/* Where `rva` (a source RVA) lies in the target: rva + the displacement of
 * the last entry of map[0, n) (sorted by source) at or before it; rva itself
 * before the first entry or with no entry. */
MUM_INTERNAL int64_t mum__rift_map(const mum__rift *map, size_t n, int64_t rva);

/* Flag 0x2: marks every byte outside the executable sections' data.
 * Errors: MUM_ELIMIT (as the passes below). */
MUM_INTERNAL int mum__pe_x86_mark_non_exe(mum__pe_x86 *x);
/* Flag 0x80: maps the displacements of E9 jumps and 0F 8x conditional
 * jumps (rel32 ones that do not fit a byte), shortening to EB / 7x those
 * whose mapped displacement fits a byte.  Errors: MUM_ELIMIT (sections that
 * overlap so much the scan would take more than 64 steps a byte). */
MUM_INTERNAL int mum__pe_x86_jmps(mum__pe_x86 *x);
/* Flag 0x100: maps the displacements of E8 calls.  Errors: as above. */
MUM_INTERNAL int mum__pe_x86_calls(mum__pe_x86 *x);

#endif /* MUM_DELTA_INTERNAL_H */
