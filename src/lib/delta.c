/*
 * delta.c - PA30 deltas: the header, applying a delta, the target's hash,
 * DCM manifests.  The body's decoder is delta_lz.c; doc/pa30.md describes
 * the format.
 */
#include "config.h"

#include "delta_internal.h"
#include "digest.h"

#include <inttypes.h>
#include <stdio.h>

/* Where the bit stream of the header starts: after the magic and the
 * target's FILETIME. */
#define PA30_STREAM_OFFSET 12

/* DELTA_FLAG_E8: the x86 CALL/JMP translation, a transform of part 2 that
 * applies whatever the file type. */
#define DELTA_FLAG_E8 0x1
/* file_type_set bit of a reverse delta (ApplyDeltaGetReverse's output). */
#define DELTA_SET_REVERSE 0x100

const char *mum_delta_type_name(int64_t file_type)
{
    switch (file_type) {
    case MUM_DELTA_TYPE_RAW: return "raw";
    case MUM_DELTA_TYPE_I386: return "i386";
    case MUM_DELTA_TYPE_IA64: return "ia64";
    case MUM_DELTA_TYPE_AMD64: return "amd64";
    case MUM_DELTA_TYPE_CLI4_I386: return "cli4-i386";
    case MUM_DELTA_TYPE_CLI4_AMD64: return "cli4-amd64";
    case MUM_DELTA_TYPE_CLI4_ARM: return "cli4-arm";
    case MUM_DELTA_TYPE_CLI4_ARM64: return "cli4-arm64";
    default: return NULL;
    }
}

bool mum_delta_is_dcm(const void *data, size_t size)
{
    return data && size >= 4 && memcmp(data, "DCM\x01", 4) == 0;
}

/* The parts of a delta: its header, then where the preprocessing data and
 * the compressed body lie in it. */
typedef struct delta_parts {
    mum_delta_header h;
    const uint8_t *pre;
    size_t pre_size;
    uint64_t pre_base;
    const uint8_t *body;
    size_t body_size;
    uint64_t body_base;
    /* a header read from the delta's first bytes only
     * (mum__delta_header_prefix): where and why the reading stopped */
    bool prefix;
    mum__delta_stop stop;
    uint64_t stop_at;
    uint64_t fields_end;        /* where the target's hash ends */
} delta_parts;

/* Says where the header's reading stopped (for a prefix's reader); passes rc on. */
static int stopped(delta_parts *d, int rc, mum__delta_stop why, uint64_t at)
{
    if (!d->stop) {
        d->stop = why;
        d->stop_at = at;
    }
    return rc;
}

/* Whether a value that did not read ran into the end of what is there
 * (the varint at bit `at` runs to 17 bits before its value is known). */
static bool ran_out(const mum__bits *b, uint64_t at)
{
    return mum__bits_overrun(b) || at + 17 > b->end_bit;
}

static int read_i64(mum__bits *b, int64_t *out)
{
    uint64_t v;
    CHECK(mum__bits_varint(b, &v));
    *out = (int64_t)v;
    return MUM_OK;
}

/* A number of the header: in a prefix, running out of bytes is a
 * truncation at its end, anything else a malformed number here. */
static int header_i64(delta_parts *d, mum__bits *b, int64_t *out)
{
    uint64_t at = mum__bits_tell(b);
    int rc = read_i64(b, out);
    if (rc == MUM_OK)
        return rc;
    return ran_out(b, at) ? stopped(d, rc, MUM__DELTA_STOP_TRUNCATED, b->base + b->size)
                          : stopped(d, rc, MUM__DELTA_STOP_MALFORMED, b->base + at / 8);
}

/* The fields PA30 and PA31 share, from the target's file types to its hash. */
static int read_fields(delta_parts *d, mum__bits *b)
{
    mum_delta_header *h = &d->h;
    int64_t size, alg;
    CHECK(header_i64(d, b, &h->file_type_set));
    CHECK(header_i64(d, b, &h->file_type));
    CHECK(header_i64(d, b, &h->flags));
    uint64_t at = mum__bits_tell(b);
    CHECK(header_i64(d, b, &size));
    if (size < 0)
        return stopped(d, mum__bits_error(b, MUM_EFORMAT, "a negative target size (%" PRId64 ")", size),
                       MUM__DELTA_STOP_MALFORMED, b->base + at / 8);
    /* a header alone describes any target: the bound is on building it */
    if (!d->prefix && ((uint64_t)size > MUM_DELTA_MAX_TARGET || (uint64_t)size > SIZE_MAX))
        return mum__error(b->ctx, MUM_ELIMIT, NULL,
                          "PA30 delta: byte %" PRIu64 ": a target of %" PRId64
                          " bytes, more than the %" PRIu64 " libmum builds",
                          b->base + at / 8, size, (uint64_t)MUM_DELTA_MAX_TARGET);
    h->target_size = (uint64_t)size;
    at = mum__bits_tell(b);
    CHECK(header_i64(d, b, &alg));
    if (alg < 0 || alg > UINT32_MAX)
        return stopped(d,
                       mum__bits_error(b, MUM_EFORMAT, "a hash algorithm id out of range (%" PRId64 ")",
                                       alg),
                       MUM__DELTA_STOP_MALFORMED, b->base + at / 8);
    h->hash_alg = (uint32_t)alg;
    const uint8_t *hash;
    uint64_t hash_base;
    at = mum__bits_tell(b);
    if (d->prefix) {
        /* its length first: too long is a limit whatever follows, and
         * bytes the prefix lacks a truncation, not a malformed buffer */
        mum__bits probe = *b;
        int64_t len;
        CHECK(header_i64(d, &probe, &len));
        if (len < 0 || (uint64_t)len > sizeof h->hash)
            return stopped(d,
                           mum__error(b->ctx, MUM_ELIMIT, NULL,
                                      "PA30 delta: byte %" PRIu64 ": a target hash of %" PRIu64
                                      " bytes (at most %zu)",
                                      b->base + at / 8, (uint64_t)len, sizeof h->hash),
                           MUM__DELTA_STOP_LIMIT, b->base + at / 8);
        mum__bits_skip(&probe, probe.n % 8);
        uint64_t start = mum__bits_tell(&probe) / 8;
        if (start + (uint64_t)len > probe.size)
            return stopped(d,
                           mum__error(b->ctx, MUM_EFORMAT, NULL,
                                      "PA30 delta: byte %" PRIu64 ": truncated: a target hash of %" PRId64
                                      " bytes where %" PRIu64 " remain",
                                      b->base + b->size, len,
                                      start > probe.size ? 0 : (uint64_t)probe.size - start),
                           MUM__DELTA_STOP_TRUNCATED_HASH, b->base + b->size);
    }
    CHECK(mum__bits_buffer(b, &hash, &h->hash_len, &hash_base));
    if (h->hash_len > sizeof h->hash)
        return mum__error(b->ctx, MUM_ELIMIT, NULL,
                          "PA30 delta: byte %" PRIu64 ": a target hash of %zu bytes (at most %zu)",
                          b->base + at / 8, h->hash_len, sizeof h->hash);
    memcpy(h->hash, hash, h->hash_len);
    d->fields_end = hash_base + h->hash_len;
    return MUM_OK;
}

/* The header up to the target's hash (and PA31's wrapping); `outer` is
 * left after it.  `origin`: where the delta starts in the file it came
 * from (4 in a DCM manifest), so that messages give offsets in that file. */
static int parse_head(delta_parts *d, mum_ctx *ctx, const uint8_t *p, size_t size, uint64_t origin,
                      mum__bits *outer_out)
{
    if (size < 4)
        return stopped(d,
                       mum__error(ctx, MUM_EFORMAT, NULL,
                                  "PA30 delta: %zu bytes, too short for a delta header", size),
                       MUM__DELTA_STOP_MAGIC, origin);
    if (memcmp(p, "PA19", 4) == 0)
        return stopped(d,
                       mum__error(ctx, MUM_EUNSUPPORTED, NULL,
                                  "PA19 delta (the older mspatcha format): not supported, only PA30/PA31"),
                       MUM__DELTA_STOP_MAGIC, origin);
    if (memcmp(p, "PA30", 4) == 0)
        d->h.version = 30;
    else if (memcmp(p, "PA31", 4) == 0)
        d->h.version = 31;
    else
        return stopped(d,
                       mum__error(ctx, MUM_EFORMAT, NULL,
                                  "PA30 delta: byte %" PRIu64
                                  ": not a PA30 delta (magic %02x %02x %02x %02x)",
                                  origin, p[0], p[1], p[2], p[3]),
                       MUM__DELTA_STOP_MAGIC, origin);
    if (size <= PA30_STREAM_OFFSET)
        return stopped(d,
                       mum__error(ctx, MUM_EFORMAT, NULL,
                                  "PA30 delta: byte %" PRIu64 ": truncated: the header ends after %zu bytes",
                                  origin + size, size),
                       MUM__DELTA_STOP_TRUNCATED, origin + size);
    d->h.target_file_time = mum__le64(p + 4);

    mum__bits *outer = outer_out;
    int rc = mum__bits_init(outer, ctx, p + PA30_STREAM_OFFSET, size - PA30_STREAM_OFFSET,
                            origin + PA30_STREAM_OFFSET);
    if (rc != MUM_OK)
        return stopped(d, rc, MUM__DELTA_STOP_TRUNCATED, origin + size);
    if (d->prefix) /* the padding is that of the delta's last byte, not of this prefix's */
        outer->end_bit = (uint64_t)outer->size * 8;
    if (d->h.version == 31) {
        /* PA31 wraps the PA30 fields, and a few more, in a buffer of their own. */
        const uint8_t *sub;
        size_t sub_size;
        uint64_t sub_base;
        rc = mum__bits_buffer(outer, &sub, &sub_size, &sub_base);
        if (rc != MUM_OK)
            return stopped(d, rc, MUM__DELTA_STOP_TRUNCATED, origin + size);
        mum__bits inner;
        CHECK(mum__bits_init(&inner, ctx, sub, sub_size, sub_base));
        CHECK(read_fields(d, &inner));
        int64_t skip;
        for (int i = 0; i < 3; i++)
            CHECK(read_i64(&inner, &skip));
        const uint8_t *extra;
        size_t extra_size;
        uint64_t extra_base;
        CHECK(mum__bits_buffer(&inner, &extra, &extra_size, &extra_base));
    } else {
        CHECK(read_fields(d, outer));
    }
    return MUM_OK;
}

static int parse(delta_parts *d, mum_ctx *ctx, const uint8_t *p, size_t size, uint64_t origin)
{
    *d = (delta_parts){0};
    mum__bits outer;
    CHECK(parse_head(d, ctx, p, size, origin, &outer));
    if (d->h.file_type_set & DELTA_SET_REVERSE) {
        /* Reverse deltas carry one buffer of reversal data instead. */
        d->h.header_size = (size_t)(mum__bits_tell(&outer) / 8) + PA30_STREAM_OFFSET;
        return MUM_OK;
    }
    CHECK(mum__bits_buffer(&outer, &d->pre, &d->pre_size, &d->pre_base));
    /* The body's own bit stream starts at a byte; its size comes first. */
    CHECK(mum__bits_buffer(&outer, &d->body, &d->body_size, &d->body_base));
    d->h.preprocess_size = d->pre_size;
    d->h.header_size = (size_t)(d->body_base - origin);
    if (d->h.file_type != MUM_DELTA_TYPE_RAW && d->pre_size) {
        /* PE preprocessing starts with the target image's fields that the
         * transforms restore; RIFT tables and CLI metadata follow (part 2). */
        mum__bits pb;
        CHECK(mum__bits_init(&pb, ctx, d->pre, d->pre_size, d->pre_base));
        d->h.pe_image_base = mum__bits_get(&pb, 32);
        d->h.pe_image_base |= mum__bits_get(&pb, 32) << 32;
        /* 32 bits that are 0 in every delta seen (a CheckSum, by the
         * Rust reading; unconfirmed, so not shown) */
        (void)mum__bits_get(&pb, 32);
        d->h.pe_timestamp = (uint32_t)mum__bits_get(&pb, 32);
        if (mum__bits_overrun(&pb))
            return mum__bits_error(&pb, MUM_EFORMAT,
                                   "truncated: PE preprocessing data of %zu bytes", d->pre_size);
    }
    return MUM_OK;
}

int mum__delta_header_prefix(mum_delta_header *out, mum_ctx *ctx, const uint8_t *p, size_t size,
                              mum__delta_stop *stop, uint64_t *offset)
{
    delta_parts d = {.prefix = true};
    mum__bits outer;
    int rc = parse_head(&d, ctx, p, size, 0, &outer);
    *stop = rc == MUM_OK ? MUM__DELTA_STOP_NONE : d.stop ? d.stop : MUM__DELTA_STOP_MALFORMED;
    *offset = rc == MUM_OK ? 0 : d.stop_at;
    if (rc != MUM_OK)
        return rc;
    d.h.header_size = d.h.version == 31 ? (size_t)(mum__bits_tell(&outer) / 8) + PA30_STREAM_OFFSET
                                        : (size_t)d.fields_end;
    *out = d.h;
    return MUM_OK;
}

int mum_delta_header_read(mum_delta_header *out, mum_ctx *ctx, const void *data, size_t size)
{
    if (!out || (!data && size))
        return mum__error(ctx, MUM_EINVAL, NULL, "mum_delta_header_read: no %s",
                          out ? "data" : "output");
    delta_parts d;
    int rc = parse(&d, ctx, data, size, 0);
    if (rc == MUM_OK)
        *out = d.h;
    return rc;
}

mum_hash_alg mum_delta_hash_alg(uint32_t id)
{
    switch (id) {
    case 0x8003: return MUM_HASH_MD5;
    case 0x8004: return MUM_HASH_SHA1;
    case 0x800c: return MUM_HASH_SHA256;
    case 0x800d: return MUM_HASH_SHA384;
    case 0x800e: return MUM_HASH_SHA512;
    default: return MUM_HASH_NONE;
    }
}

static void hex(char *out, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        snprintf(out + 2 * i, 3, "%02x", p[i]);
}

static int check_hash(mum_ctx *ctx, const mum_delta_header *h, const uint8_t *target)
{
    if (h->hash_alg == 0 || h->hash_len == 0)
        return MUM_OK;
    mum_hash_alg alg = mum_delta_hash_alg(h->hash_alg);
    if (alg == MUM_HASH_NONE)
        return mum__error(ctx, MUM_EUNSUPPORTED, NULL,
                          "PA30 delta: target hash algorithm 0x%" PRIx32 " not supported",
                          h->hash_alg);
    if (mum_hash_size(alg) != h->hash_len)
        return mum__error(ctx, MUM_EFORMAT, NULL,
                          "PA30 delta: a %s target hash of %zu bytes (%s has %zu)",
                          mum_hash_name(alg), h->hash_len, mum_hash_name(alg),
                          mum_hash_size(alg));
    uint8_t got[MUM_HASH_MAX_SIZE];
    CHECK(mum__digest_buffer(alg, target, (size_t)h->target_size, got));
    if (memcmp(got, h->hash, h->hash_len) != 0) {
        char want_hex[2 * MUM_HASH_MAX_SIZE + 1], got_hex[2 * MUM_HASH_MAX_SIZE + 1];
        hex(want_hex, h->hash, h->hash_len);
        hex(got_hex, got, h->hash_len);
        return mum__error(ctx, MUM_EFORMAT, NULL,
                          "PA30 delta: the target's %s is %s, the delta says %s",
                          mum_hash_name(alg), got_hex, want_hex);
    }
    return MUM_OK;
}

static void e8_untranslate(uint8_t *p, size_t n)
{
    if (n < 10 || n > INT32_MAX)
        return;
    int32_t ts = (int32_t)n;
    for (size_t i = 0; i < n - 10;) {
        if (p[i] != 0xE8) {
            i++;
            continue;
        }
        int32_t v = (int32_t)mum__le32(p + i + 1);
        if (v >= -(int32_t)i && v < ts) {
            uint32_t nv = v >= 0 ? (uint32_t)v - (uint32_t)i : (uint32_t)v + (uint32_t)ts;
            mum__put_le32(p + i + 1, nv);
        }
        i += 5;
    }
}

/* Refuses what this version does not decode, naming it. */
static int check_supported(mum_ctx *ctx, const delta_parts *d)
{
    const mum_delta_header *h = &d->h;
    if (h->file_type_set & DELTA_SET_REVERSE)
        return mum__error(ctx, MUM_EUNSUPPORTED, NULL,
                          "PA30 delta: a reverse delta (file type set 0x%" PRIx64
                          "): not supported",
                          (uint64_t)h->file_type_set);
    return MUM_OK;
}

static int apply_at(uint8_t **out, size_t *out_size, mum_ctx *ctx, const void *source,
                    size_t source_size, const void *delta, size_t delta_size,
                    const mum_delta_options *opts, uint64_t origin)
{
    mum_delta_options defaults = MUM_DELTA_OPTIONS_INIT;
    if (!opts)
        opts = &defaults;
    if (opts->version != MUM_DELTA_OPTIONS_VERSION)
        return mum__error(ctx, MUM_EINVAL, NULL, "mum_delta_apply: options version %u, not %u",
                          opts->version, MUM_DELTA_OPTIONS_VERSION);
    delta_parts d;
    CHECK(parse(&d, ctx, delta, delta_size, origin));
    CHECK(check_supported(ctx, &d));
    uint64_t limit = opts->max_target ? opts->max_target : MUM_DELTA_MAX_TARGET;
    if (limit > MUM_DELTA_MAX_TARGET)
        limit = MUM_DELTA_MAX_TARGET;
    if (d.h.target_size > limit)
        return mum__error(ctx, MUM_ELIMIT, NULL,
                          "PA30 delta: a target of %" PRIu64 " bytes, more than the limit of %" PRIu64,
                          d.h.target_size, limit);
    /* The BsDiff codec's body is an LZMS container (Windows' compression
     * API), not the LZ bit stream: named, not mistaken for one. */
    if (d.body_size >= 4 && mum__le32(d.body) == 0xC0E5510Au)
        return mum__error(ctx, MUM_EUNSUPPORTED, NULL,
                          "PA30 delta: byte %" PRIu64
                          ": an LZMS-compressed body (the BsDiff codec): not supported",
                          d.body_base);
    size_t n = (size_t)d.h.target_size;
    /* PE file types decode against the source as transformed for them. */
    mum__delta_pe pe = {0};
    int rc = MUM_OK;
    if (d.h.file_type != MUM_DELTA_TYPE_RAW) {
        rc = mum__delta_pe_prepare(&pe, ctx, &d.h, d.pre, d.pre_size, d.pre_base, source,
                                   source_size);
        if (rc != MUM_OK) {
            mum__delta_pe_clear(&pe);
            return rc;
        }
        if (pe.source) {
            source = pe.source;
            source_size = pe.source_size;
        }
    }
    uint8_t *target = NULL;
    rc = mum__delta_lz_decode(&target, ctx, d.body, d.body_size, d.body_base, source,
                              source_size, n, pe.copy, pe.ncopy);
    mum__delta_pe_clear(&pe);
    if (rc == MUM_OK && (d.h.flags & DELTA_FLAG_E8))
        e8_untranslate(target, n);
    if (rc == MUM_OK && !opts->no_hash_check)
        rc = check_hash(ctx, &d.h, target);
    if (rc != MUM_OK) {
        mum__free(target);
        return rc;
    }
    *out = target;
    *out_size = n;
    return MUM_OK;
}

int mum_delta_apply(uint8_t **out, size_t *out_size, mum_ctx *ctx, const void *source,
                    size_t source_size, const void *delta, size_t delta_size,
                    const mum_delta_options *opts)
{
    if (!out || !out_size || (!source && source_size) || (!delta && delta_size))
        return mum__error(ctx, MUM_EINVAL, NULL, "mum_delta_apply: a NULL argument");
    *out = NULL;
    *out_size = 0;
    return apply_at(out, out_size, ctx, source, source_size, delta, delta_size, opts, 0);
}

int mum_delta_dcm_decode(uint8_t **out, size_t *out_size, mum_ctx *ctx, const void *base,
                         size_t base_size, const void *dcm, size_t dcm_size)
{
    if (!out || !out_size || (!base && base_size) || (!dcm && dcm_size))
        return mum__error(ctx, MUM_EINVAL, NULL, "mum_delta_dcm_decode: a NULL argument");
    *out = NULL;
    *out_size = 0;
    if (!mum_delta_is_dcm(dcm, dcm_size))
        return mum__error(ctx, MUM_EFORMAT, NULL, "DCM manifest: byte 0: no DCM\\x01 magic");
    return apply_at(out, out_size, ctx, base, base_size, (const uint8_t *)dcm + 4, dcm_size - 4,
                    NULL, 4);
}
