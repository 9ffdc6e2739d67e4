/*
 * delta_pe.c - the PE file types of PA30 (I386, AMD64, ...): the
 * preprocessing data and the source transforms before the body is
 * decoded.  doc/pa30.md ("PE file types") says what
 * is known of them and which of them libmum performs.
 *
 * Windows transforms the source image so that its addresses match the
 * target's (the RVA map: source RVA -> target RVA), then decodes the body
 * against that transformed source, with a copy map that sends each file
 * offset of the target to the source's bytes of the same RVA.  libmum
 * performs the transforms of native i386 and amd64 images that genuine
 * deltas use; the i386 instruction transforms (never seen in a genuine
 * delta) and managed images are refused, named: a guess would give a
 * target that looks right and is not.
 *
 * delta_pe_x64.c holds the amd64 instruction length decoder.
 */
#include "config.h"

#include "delta_internal.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>

/* DELTA_FLAG_* bits that select PE transforms (the transform-selection word
 * of the header; names after what each transform does). */
#define PE_MARK_NON_EXE 0x2u     /* i386: mark bytes outside code (no change) */
#define PE_IMPORTS 0x4u          /* map import RVAs */
#define PE_EXPORTS 0x8u          /* map export RVAs */
#define PE_RESOURCES 0x10u       /* map resource directory RVAs */
#define PE_RELOCATIONS 0x20u     /* rebase, map relocation targets */
#define PE_SMASHLOCK 0x40u       /* i386: lock prefixes (see smashlock()) */
#define PE_JMPS_X86 0x80u        /* i386: map E9 jump displacements */
#define PE_CALLS_X86 0x100u      /* i386: map E8 call displacements */
#define PE_DISASM_X64 0x200u     /* amd64: map RIP-relative operands */
#define PE_PDATA_X64 0x400u      /* amd64: map .pdata RVAs */
#define PE_UNBIND 0x2000u        /* clear bound imports, .idata writable */
#define PE_CLI_DISASM 0x4000u    /* managed: map metadata tokens in IL */
#define PE_CLI_METADATA 0x8000u  /* managed: map metadata tables */
/* A creation option, no transform (the form manifests are made with). */
#define PE_IGNORE_SIZE_LIMIT 0x20000u
/* The E8 translation of the target: undone by delta.c after decoding,
 * whatever the file type. */
#define PE_E8_TARGET 0x1u

/* The transforms that map addresses through the preprocessing RIFT table:
 * each is the identity when that table maps every RVA to itself. */
#define PE_RVA_MAPPING                                                                          \
    (PE_IMPORTS | PE_EXPORTS | PE_RESOURCES | PE_RELOCATIONS | PE_JMPS_X86 | PE_CALLS_X86 |     \
     PE_DISASM_X64 | PE_PDATA_X64)
#define PE_KNOWN                                                                                \
    (PE_E8_TARGET | PE_MARK_NON_EXE | PE_SMASHLOCK | PE_RVA_MAPPING | PE_UNBIND | PE_CLI_DISASM | PE_CLI_METADATA |           \
     PE_IGNORE_SIZE_LIMIT)

enum {
    COFF_SIZE = 20,
    SECTION_SIZE = 40,
    DIR_EXPORT = 0,
    DIR_IMPORT = 1,
    DIR_RESOURCE = 2,
    DIR_EXCEPTION = 3,
    DIR_BASERELOC = 5,
    DIR_LOAD_CONFIG = 10,
    DIR_BOUND_IMPORT = 11,
    DIR_CLR = 14,
    SCN_MEM_READ_WRITE = 0xC0000000u,
    MACHINE_I386 = 0x14c,
    MACHINE_AMD64 = 0x8664
};

/* The headers of an image as far as the transforms need them; every offset
 * is checked against the size when the view is made. */
typedef struct pe_view {
    const uint8_t *p;
    size_t size;
    size_t coff;        /* IMAGE_FILE_HEADER */
    size_t opt;         /* the optional header */
    bool plus;          /* PE32+ */
    size_t dirs;        /* the data directories */
    uint32_t ndirs;
    size_t sections;    /* the section table */
    uint16_t nsections;
    uint16_t machine;
} pe_view;

/* Reads the headers of `p`, or says why it is not an image ("what" names
 * it in the message: the source, the target). */
static int pe_view_read(pe_view *v, mum_ctx *ctx, const uint8_t *p, size_t size,
                        const char *what)
{
    *v = (pe_view){p, size, 0, 0, false, 0, 0, 0, 0, 0};
    if (size < 0x40 || p[0] != 'M' || p[1] != 'Z')
        return mum__error(ctx, MUM_EFORMAT, NULL,
                          "PA30 delta: the %s is not a PE image (byte 0: no MZ header)", what);
    uint64_t pe = mum__le32(p + 0x3c);
    if (pe + 4 + COFF_SIZE + 2 > size || memcmp(p + pe, "PE\0\0", 4) != 0)
        return mum__error(ctx, MUM_EFORMAT, NULL,
                          "PA30 delta: the %s is not a PE image (byte 60: e_lfanew %" PRIu64
                          " points to no PE signature)",
                          what, pe);
    v->coff = (size_t)pe + 4;
    v->machine = mum__le16(p + v->coff);
    v->nsections = mum__le16(p + v->coff + 2);
    uint16_t opt_size = mum__le16(p + v->coff + 16);
    v->opt = v->coff + COFF_SIZE;
    uint16_t magic = mum__le16(p + v->opt);
    if (magic != 0x10b && magic != 0x20b)
        return mum__error(ctx, MUM_EFORMAT, NULL,
                          "PA30 delta: the %s: byte %zu: optional header magic 0x%x", what,
                          v->opt, magic);
    v->plus = magic == 0x20b;
    size_t fixed = v->plus ? 112 : 96; /* the fields before the directories */
    if (opt_size < fixed || (uint64_t)v->opt + opt_size > size)
        return mum__error(ctx, MUM_EFORMAT, NULL,
                          "PA30 delta: the %s: byte %zu: an optional header of %u bytes", what,
                          v->opt, opt_size);
    v->ndirs = mum__le32(p + v->opt + fixed - 4);
    if (v->ndirs > (opt_size - fixed) / 8)
        v->ndirs = (uint32_t)((opt_size - fixed) / 8);
    v->dirs = v->opt + fixed;
    v->sections = v->opt + opt_size;
    if ((uint64_t)v->sections + (uint64_t)v->nsections * SECTION_SIZE > size)
        return mum__error(ctx, MUM_EFORMAT, NULL,
                          "PA30 delta: the %s: byte %zu: %u sections past the end (%zu bytes)",
                          what, v->sections, v->nsections, size);
    return MUM_OK;
}

static size_t checksum_at(const pe_view *v)
{
    return v->opt + 64;
}

static size_t timestamp_at(const pe_view *v)
{
    return v->coff + 4;
}

static uint64_t image_base(const pe_view *v)
{
    return v->plus ? mum__le64(v->p + v->opt + 24) : mum__le32(v->p + v->opt + 28);
}

static void dir(const pe_view *v, unsigned i, uint32_t *rva, uint32_t *size)
{
    *rva = *size = 0;
    if (i < v->ndirs) {
        *rva = mum__le32(v->p + v->dirs + 8 * i);
        *size = mum__le32(v->p + v->dirs + 8 * i + 4);
    }
}

/* ---- the preprocessing data ---- */

/* What follows the header fields: the target's RVA -> file offset table,
 * CLI metadata (one bit when absent), the preprocessing RIFT table (source
 * RVA -> target RVA), a CLI map (one bit when absent). */
static int pre_read(mum__delta_pe *pe, mum_ctx *ctx, const uint8_t *pre, size_t pre_size,
                    uint64_t pre_base)
{
    mum__bits b;
    CHECK(mum__bits_init(&b, ctx, pre, pre_size, pre_base));
    pe->image_base = mum__bits_get(&b, 32);
    pe->image_base |= mum__bits_get(&b, 32) << 32;
    pe->checksum = (uint32_t)mum__bits_get(&b, 32);
    pe->timestamp = (uint32_t)mum__bits_get(&b, 32);
    if (mum__bits_overrun(&b))
        return mum__bits_error(&b, MUM_EFORMAT, "truncated: PE preprocessing data of %zu bytes",
                               pre_size);
    CHECK(mum__delta_rift_table_read(&b, 0, &pe->layout, &pe->nlayout));
    if (mum__bits_get(&b, 1))
        return mum__bits_error(&b, MUM_EUNSUPPORTED,
                               "CLI metadata of a managed (.NET) target: not supported");
    CHECK(mum__delta_rift_table_read(&b, 0, &pe->rva_map, &pe->nrva_map));
    if (mum__bits_tell(&b) < b.end_bit && mum__bits_get(&b, 1))
        return mum__bits_error(&b, MUM_EUNSUPPORTED,
                               "a CLI token map of a managed (.NET) target: not supported");
    if (mum__bits_overrun(&b))
        return mum__bits_error(&b, MUM_EFORMAT, "truncated: PE preprocessing data of %zu bytes",
                               pre_size);
    return MUM_OK;
}

/* Where Windows' section helper puts an RVA in the file: the first section
 * with raw data whose span (the larger of its virtual and raw sizes) holds
 * it, at the same distance from its raw start.  Unlike rva_to_off, the
 * result may lie past the section's raw data, even past the file: callers
 * check what they touch against the size. */
static bool img_off(const pe_view *v, uint64_t rva, size_t *off)
{
    for (unsigned i = 0; i < v->nsections; i++) {
        const uint8_t *s = v->p + v->sections + (size_t)i * SECTION_SIZE;
        uint64_t vsize = mum__le32(s + 8), va = mum__le32(s + 12), raw_size = mum__le32(s + 16),
                 raw = mum__le32(s + 20);
        uint64_t span = vsize > raw_size ? vsize : raw_size;
        if (raw_size != 0 && rva >= va && rva < va + span) {
            if (raw + (rva - va) > SIZE_MAX)
                return false;
            *off = (size_t)(raw + (rva - va));
            return true;
        }
    }
    return false;
}

/* The lowest RVA of a section that spans any byte (UINT64_MAX: none). */
static uint64_t first_section_rva(const pe_view *v)
{
    uint64_t first = UINT64_MAX;
    for (unsigned i = 0; i < v->nsections; i++) {
        const uint8_t *s = v->p + v->sections + (size_t)i * SECTION_SIZE;
        uint32_t vsize = mum__le32(s + 8), va = mum__le32(s + 12), raw_size = mum__le32(s + 16);
        if ((vsize || raw_size) && va < first)
            first = va;
    }
    return first;
}

/* ---- RIFT tables as maps ----
 *
 * A table is a piecewise translation: from each entry's source on, add
 * target - source.  The tables here are sorted by source, stably (of equal
 * sources the later entry holds).  Arithmetic wraps in 64 bits, as
 * Windows' does: the composed tables below use the whole range. */

typedef struct rift_vec {
    mum__rift *e;
    size_t n, cap;
} rift_vec;

/* The composed and reversed tables stay small for genuine images (a few
 * entries per section and per moved block); a hostile RVA map could make
 * them quadratic. */
#define COPY_MAP_MAX 16384

static int vec_push(rift_vec *v, mum_ctx *ctx, uint64_t source, uint64_t target)
{
    if (v->n == v->cap) {
        if (v->cap >= COPY_MAP_MAX)
            return mum__error(ctx, MUM_ELIMIT, NULL,
                              "PA30 delta: the PE copy map has more than %u pieces",
                              COPY_MAP_MAX);
        size_t cap = v->cap ? v->cap * 2 : 16;
        mum__rift *e = mum__reallocarray(v->e, cap, sizeof *e);
        if (!e)
            return mum__nomem(ctx);
        v->e = e;
        v->cap = cap;
    }
    v->e[v->n++] = (mum__rift){(int64_t)source, (int64_t)target};
    return MUM_OK;
}

typedef struct rift_keyed {
    mum__rift r;
    size_t i;
} rift_keyed;

static int rift_keyed_cmp(const void *a, const void *b)
{
    const rift_keyed *x = a, *y = b;
    if (x->r.source != y->r.source)
        return x->r.source < y->r.source ? -1 : 1;
    return (x->i > y->i) - (x->i < y->i);
}

/* Sorts by source, keeping the order of equal sources (qsort alone does
 * not: the index breaks ties). */
static int rift_sort(mum_ctx *ctx, mum__rift *e, size_t n)
{
    if (n < 2)
        return MUM_OK;
    rift_keyed *k = mum__reallocarray(NULL, n, sizeof *k);
    if (!k)
        return mum__nomem(ctx);
    for (size_t i = 0; i < n; i++)
        k[i] = (rift_keyed){e[i], i};
    qsort(k, n, sizeof *k, rift_keyed_cmp);
    for (size_t i = 0; i < n; i++)
        e[i] = k[i].r;
    mum__free(k);
    return MUM_OK;
}

static uint64_t rift_off(const mum__rift *e)
{
    return (uint64_t)e->target - (uint64_t)e->source;
}

/* The last entry whose source is <= pos, or n when none is. */
static size_t rift_find(const mum__rift *e, size_t n, int64_t pos)
{
    size_t lo = 0, hi = n; /* the answer + 1 lies in [lo, hi] */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (e[mid].source <= pos)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo ? lo - 1 : n;
}

/* MapRva of the transforms: pos + the displacement of its piece, none
 * before the first entry. */
static int64_t rva_map(const mum__rift *e, size_t n, int64_t pos)
{
    size_t i = rift_find(e, n, pos);
    return i == n ? pos : (int64_t)((uint64_t)pos + rift_off(&e[i]));
}

/* The displacement at pos as the composition sees it: before the first
 * entry, the last entry's (the table wraps around); *last: the last
 * position with that displacement. */
static uint64_t rift_piece(const mum__rift *e, size_t n, int64_t pos, int64_t *last)
{
    if (n == 0) {
        *last = INT64_MAX;
        return 0;
    }
    size_t i = rift_find(e, n, pos);
    if (i == n) {
        *last = (int64_t)((uint64_t)e[0].source - 1);
        return rift_off(&e[n - 1]);
    }
    *last = i + 1 < n ? (int64_t)((uint64_t)e[i + 1].source - 1) : INT64_MAX;
    return rift_off(&e[i]);
}

/* out = b after a: each piece of a (the region before its first entry
 * included, with the last entry's displacement) is cut where its image
 * crosses a piece of b.  Empty tables are the identity. */
static int rift_compose(rift_vec *out, mum_ctx *ctx, const mum__rift *a, size_t na,
                        const mum__rift *b, size_t nb)
{
    const mum__rift *only = na == 0 ? b : nb == 0 ? a : NULL;
    if (only || (na == 0 && nb == 0)) {
        size_t n = na == 0 ? nb : na;
        for (size_t i = 0; i < n; i++)
            CHECK(vec_push(out, ctx, (uint64_t)only[i].source, (uint64_t)only[i].target));
        return MUM_OK;
    }
    for (size_t i = 0; i <= na; i++) {
        /* i == 0: the region before a's first entry; then entry i - 1. */
        uint64_t lo, hi, off;
        if (i == 0) {
            if (a[0].source == INT64_MIN)
                continue;
            lo = (uint64_t)INT64_MIN;
            hi = (uint64_t)a[0].source - 1;
            off = rift_off(&a[na - 1]);
        } else {
            const mum__rift *e = &a[i - 1];
            if (i < na && a[i].source == e->source)
                continue; /* a later entry of the same source holds */
            lo = (uint64_t)e->source;
            hi = i < na ? (uint64_t)a[i].source - 1 : (uint64_t)INT64_MAX;
            off = rift_off(e);
        }
        uint64_t img = lo + off, pos = lo;
        int64_t last;
        uint64_t boff = rift_piece(b, nb, (int64_t)img, &last);
        CHECK(vec_push(out, ctx, pos, img + boff));
        while ((uint64_t)last - img < hi - pos) {
            pos += (uint64_t)last - img + 1;
            img = (uint64_t)last + 1;
            boff = rift_piece(b, nb, (int64_t)img, &last);
            CHECK(vec_push(out, ctx, pos, img + boff));
        }
    }
    return rift_sort(ctx, out->e, out->n);
}

/* The image positions already given to a source, as disjoint intervals
 * [lo, hi] of the order-preserving unsigned form (x ^ 2^63). */
typedef struct covered {
    uint64_t *lo, *hi;
    size_t n;
} covered;

#define ORDERED(x) ((uint64_t)(x) ^ (UINT64_C(1) << 63))

/* Gives the image [ulo, uhi] (ordered form) of the sources from `source`
 * on: each part no earlier piece took gets an entry; then all of it is
 * taken.  `cap`: room in c. */
static int cover(rift_vec *out, mum_ctx *ctx, covered *c, uint64_t ulo, uint64_t uhi,
                 uint64_t source)
{
    size_t i = 0;
    while (i < c->n && c->hi[i] < ulo)
        i++;
    uint64_t at = ulo;
    size_t j = i;
    for (; j < c->n && c->lo[j] <= uhi; j++) {
        if (c->lo[j] > at) {
            uint64_t img = ORDERED(at);
            if (img != (uint64_t)INT64_MIN && source + (at - ulo) != (uint64_t)INT64_MIN)
                CHECK(vec_push(out, ctx, img, source + (at - ulo)));
        }
        if (c->hi[j] >= uhi) {
            j++;
            goto merged; /* the rest is taken */
        }
        at = c->hi[j] + 1;
    }
    {
        uint64_t img = ORDERED(at);
        if (img != (uint64_t)INT64_MIN && source + (at - ulo) != (uint64_t)INT64_MIN)
            CHECK(vec_push(out, ctx, img, source + (at - ulo)));
    }
merged:;
    /* Intervals i..j-1 meet [ulo, uhi]: one interval replaces them all. */
    uint64_t lo = ulo, hi = uhi;
    if (i < j) {
        if (c->lo[i] < lo)
            lo = c->lo[i];
        if (c->hi[j - 1] > hi)
            hi = c->hi[j - 1];
    }
    size_t removed = j - i;
    if (removed == 0) {
        memmove(c->lo + i + 1, c->lo + i, (c->n - i) * sizeof *c->lo);
        memmove(c->hi + i + 1, c->hi + i, (c->n - i) * sizeof *c->hi);
        c->n++;
    } else if (removed > 1) {
        memmove(c->lo + i + 1, c->lo + j, (c->n - j) * sizeof *c->lo);
        memmove(c->hi + i + 1, c->hi + j, (c->n - j) * sizeof *c->hi);
        c->n -= removed - 1;
    }
    c->lo[i] = lo;
    c->hi[i] = hi;
    return MUM_OK;
}

/* out = the inverse of a (n > 0 entries, sorted).  Where pieces of a
 * overlap in their images, the piece met first owns the image; pieces are
 * met from position 0 up, around the end of the range and back (Windows'
 * order, after the Rust crate's reading): the part of the last entry not
 * positive before it, the rest last.  Gaps no piece covers continue the
 * piece before them. */
static int rift_reverse(rift_vec *out, mum_ctx *ctx, const mum__rift *a, size_t n)
{
    bool one_source = true;
    for (size_t i = 1; i < n && one_source; i++)
        one_source = a[i].source == a[0].source;
    if (one_source)
        return vec_push(out, ctx, 0, rift_off(&a[0]));
    size_t first_pos = 0;
    while (first_pos < n && a[first_pos].source <= 0)
        first_pos++;
    if (first_pos == 0)
        first_pos = n;
    size_t stop = first_pos - 1, active = stop, next = first_pos < n ? first_pos : 0;
    covered c = {mum__reallocarray(NULL, 2 * n + 4, sizeof *c.lo),
                 mum__reallocarray(NULL, 2 * n + 4, sizeof *c.hi), 0};
    int rc = MUM_OK;
    if (!c.lo || !c.hi) {
        rc = mum__nomem(ctx);
        goto done;
    }
    uint64_t cursor = 0;
    for (;;) {
        uint64_t end = (uint64_t)a[next].source, span = end - cursor;
        uint64_t off = rift_off(&a[active]);
        if (span != 0) {
            uint64_t ulo = ORDERED(cursor + off);
            /* An image running past the top of the range goes on at its
             * bottom, as a piece of its own. */
            uint64_t room = ulo == 0 ? span : (UINT64_MAX - ulo) + 1;
            if (room < span) {
                if ((rc = cover(out, ctx, &c, ulo, UINT64_MAX, cursor)) != MUM_OK)
                    goto done;
                if ((rc = cover(out, ctx, &c, 0, span - room - 1, cursor + room)) != MUM_OK)
                    goto done;
            } else if ((rc = cover(out, ctx, &c, ulo, ulo + (span - 1), cursor)) != MUM_OK) {
                goto done;
            }
        }
        cursor = end;
        active = next;
        if (next == stop)
            break;
        next = next + 1 < n ? next + 1 : 0;
    }
    rc = rift_sort(ctx, out->e, out->n);
    if (rc == MUM_OK && out->n > 1) {
        /* Of equal sources, the last given holds. */
        size_t k = 0;
        for (size_t i = 0; i < out->n; i++) {
            if (k > 0 && out->e[k - 1].source == out->e[i].source)
                k--;
            out->e[k++] = out->e[i];
        }
        out->n = k;
    }
done:
    mum__free(c.lo);
    mum__free(c.hi);
    return rc;
}

/* The copy map Windows adds to the body's RIFT table: for each file offset
 * of the target, the source's file offset of the same RVA.  Forward, a
 * source file offset goes to its RVA (the source's sections), through the
 * RVA map, to the target's file offset (the layout table); the map is the
 * inverse of that chain, keyed as the body's table is, by virtual position
 * (source size + target offset). */
static int copy_map(mum__delta_pe *pe, mum_ctx *ctx, const pe_view *v, const mum__rift *map,
                    size_t nmap)
{
    rift_vec io = {0}, step = {0}, fwd = {0}, rev = {0};
    mum__rift *layout = NULL;
    int rc = vec_push(&io, ctx, 0, 0);
    for (unsigned i = 0; rc == MUM_OK && i < v->nsections; i++) {
        const uint8_t *s = v->p + v->sections + (size_t)i * SECTION_SIZE;
        uint32_t va = mum__le32(s + 12), raw = mum__le32(s + 20);
        if (va != 0 && raw != 0)
            rc = vec_push(&io, ctx, raw, va);
    }
    if (rc == MUM_OK)
        rc = rift_sort(ctx, io.e, io.n);
    if (rc == MUM_OK && pe->nlayout) {
        layout = mum__reallocarray(NULL, pe->nlayout, sizeof *layout);
        if (!layout)
            rc = mum__nomem(ctx);
        else
            memcpy(layout, pe->layout, pe->nlayout * sizeof *layout);
    }
    if (rc == MUM_OK)
        rc = rift_sort(ctx, layout, pe->nlayout);
    if (rc == MUM_OK)
        rc = rift_compose(&step, ctx, io.e, io.n, map, nmap);
    if (rc == MUM_OK)
        rc = rift_compose(&fwd, ctx, step.e, step.n, layout, pe->nlayout);
    if (rc == MUM_OK && fwd.n)
        rc = rift_reverse(&rev, ctx, fwd.e, fwd.n);
    if (rc == MUM_OK) {
        for (size_t i = 0; i < rev.n; i++)
            rev.e[i].source = (int64_t)((uint64_t)rev.e[i].source + v->size);
        rc = rift_sort(ctx, rev.e, rev.n);
    }
    if (rc == MUM_OK) {
        pe->copy = rev.e;
        pe->ncopy = rev.n;
        rev.e = NULL;
    }
    mum__free(io.e);
    mum__free(step.e);
    mum__free(fwd.e);
    mum__free(rev.e);
    mum__free(layout);
    return rc;
}

/* ---- the transforms ---- */

/* The state of the transforms: the image being transformed in place, its
 * headers as read before (no transform changes the fields the others read:
 * sections' places, data directories; a hostile bound import directory
 * over them only makes later reads see zeros), the RVA map sorted. */
typedef struct xform {
    mum_ctx *ctx;
    const pe_view *v;
    uint8_t *p;
    size_t size;
    const mum__rift *map;
    size_t nmap;
    uint64_t source_base; /* the source's ImageBase */
    uint64_t target_base;
    /* i386 images: which bytes a transform owns (delta_pe_x86.c), one per
     * byte of p; NULL otherwise. */
    uint8_t *owned;
} xform;

/* Marks p[off, off + len) as owned by a transform, so that the i386
 * instruction passes leave those bytes alone (Windows' marker). */
static void own(xform *x, size_t off, size_t len)
{
    if (x->owned && off < x->size)
        memset(x->owned + off, 1, len < x->size - off ? len : x->size - off);
}

static int64_t xf_map(const xform *x, int64_t rva)
{
    return rva_map(x->map, x->nmap, rva);
}

/* Maps the 32-bit RVA at p[off] (left alone when 0). */
static void map_field(xform *x, size_t off)
{
    uint32_t rva = mum__le32(x->p + off);
    if (rva != 0)
        mum__put_le32(x->p + off, (uint32_t)xf_map(x, rva));
    own(x, off, 4);
}

/* An absolute address (a VA of the source): rebased to the target's
 * ImageBase and its RVA mapped. */
static uint64_t map_va(const xform *x, uint64_t va)
{
    int64_t rva = (int64_t)(va - x->source_base);
    return x->target_base + (uint64_t)xf_map(x, rva);
}

static int bad(const xform *x, const char *fmt, ...) MUM_PRINTF(2, 3);

static int bad(const xform *x, const char *fmt, ...)
{
    char what[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return mum__error(x->ctx, MUM_EFORMAT, NULL, "PA30 delta: the source: %s", what);
}

/* PE_UNBIND: a bound import descriptor (a TimeDateStamp) gets its stamp and
 * forwarder chain cleared and its IAT restored from its ILT, the bound
 * import directory is zeroed, a section named .idata becomes read/write.
 * The KB2465285 amd64 deltas, against a bound bridgemigplugin.dll, need
 * all of it to rebuild. */
static int xf_unbind(xform *x)
{
    uint32_t rva, size;
    dir(x->v, DIR_IMPORT, &rva, &size);
    size_t d;
    unsigned ptr = x->v->plus ? 8 : 4;
    size_t budget = 2 * (x->size / 4) + 64;
    if (rva != 0 && img_off(x->v, rva, &d)) {
        for (size_t at = d;; at += 20) {
            if (at > x->size || x->size - at < 20)
                return bad(x, "the import directory at RVA 0x%" PRIx32
                              ": no terminating descriptor before the end (byte %zu)",
                           rva, at);
            uint8_t *e = x->p + at;
            uint32_t ilt = mum__le32(e), iat = mum__le32(e + 16);
            if (ilt == 0 && mum__le32(e + 12) == 0 && iat == 0)
                break;
            if (mum__le32(e + 4) == 0)
                continue;
            mum__put_le32(e + 4, 0);
            mum__put_le32(e + 8, 0);
            size_t from, to;
            if (!img_off(x->v, ilt, &from) || !img_off(x->v, iat, &to))
                continue;
            for (; from <= x->size && to <= x->size && x->size - from >= ptr &&
                   x->size - to >= ptr;
                 from += ptr, to += ptr) {
                if (budget-- == 0)
                    return bad(x, "the import thunks at RVA 0x%" PRIx32
                                  ": more entries than the image holds (overlapping arrays)",
                               ilt);
                uint64_t t = ptr == 8 ? mum__le64(x->p + from) : mum__le32(x->p + from);
                if (t == 0)
                    break;
                memmove(x->p + to, x->p + from, ptr);
            }
        }
    }
    /* The bound import directory (in the headers, as a rule) is zeroed:
     * without that, none of the KB2465285 amd64 deltas against a bound
     * source rebuilds.  So is its data directory entry: KB3040017's i386
     * delta 3 (pscript5.dll from a bound ps5ui.dll) copies the entry's
     * place into the target's IAT entry, whose RVA ends in 00 where the
     * source's bound RVA ends in b8; with the entry zeroed it matches its
     * MD5.  Whether the size is zeroed with the RVA no delta shows: both
     * are, as an unbound image has neither. */
    uint32_t bound, bound_size;
    dir(x->v, DIR_BOUND_IMPORT, &bound, &bound_size);
    size_t bound_at;
    if (bound != 0 && bound_size != 0) {
        if (bound < first_section_rva(x->v))
            bound_at = bound;
        else if (!img_off(x->v, bound, &bound_at))
            bound_at = SIZE_MAX;
        if (bound_at > x->size || x->size - bound_at < bound_size)
            return bad(x, "the bound import directory at RVA 0x%" PRIx32 ", %" PRIu32
                          " bytes: past the end",
                       bound, bound_size);
        memset(x->p + bound_at, 0, bound_size);
        memset(x->p + x->v->dirs + 8 * DIR_BOUND_IMPORT, 0, 8);
    }
    for (unsigned i = 0; i < x->v->nsections; i++) {
        uint8_t *s = x->p + x->v->sections + (size_t)i * SECTION_SIZE;
        if (memcmp(s, ".idata\0\0", 8) == 0)
            mum__put_le32(s + 36, mum__le32(s + 36) | SCN_MEM_READ_WRITE);
    }
    return MUM_OK;
}

/* One thunk array: by-name entries hold the RVA of a hint/name (mapped:
 * its low 32 bits); by-ordinal ones nothing; a bound IAT absolute
 * addresses.  *budget bounds the thunks of all arrays together. */
static int thunks(xform *x, uint32_t rva, bool bound, size_t *budget)
{
    size_t at;
    if (rva == 0 || !img_off(x->v, rva, &at))
        return MUM_OK;
    unsigned ptr = x->v->plus ? 8 : 4;
    uint64_t ordinal = x->v->plus ? UINT64_C(1) << 63 : UINT64_C(1) << 31;
    for (;; at += ptr) {
        if (at > x->size || x->size - at < ptr)
            return bad(x, "the import thunks at RVA 0x%" PRIx32
                          ": no terminating entry before the end (byte %zu)",
                       rva, at);
        if ((*budget)-- == 0)
            return bad(x, "the import thunks at RVA 0x%" PRIx32
                          ": more entries than the image holds (overlapping arrays)",
                       rva);
        uint64_t t = ptr == 8 ? mum__le64(x->p + at) : mum__le32(x->p + at);
        if (t == 0)
            return MUM_OK;
        if (bound) {
            uint64_t va = map_va(x, t);
            if (ptr == 8)
                mum__put_le64(x->p + at, va);
            else
                mum__put_le32(x->p + at, (uint32_t)va);
        } else if (!(t & ordinal)) {
            map_field(x, at);
        }
        own(x, at, ptr);
    }
}

/* PE_IMPORTS: each descriptor's thunk arrays, then its RVAs. */
static int xf_imports(xform *x)
{
    uint32_t rva, size;
    dir(x->v, DIR_IMPORT, &rva, &size);
    size_t d;
    if (rva == 0 || !img_off(x->v, rva, &d))
        return MUM_OK;
    size_t budget = 2 * (x->size / 4) + 64;
    for (size_t at = d;; at += 20) {
        if (at > x->size || x->size - at < 20)
            return bad(x, "the import directory at RVA 0x%" PRIx32
                          ": no terminating descriptor before the end (byte %zu)",
                       rva, at);
        uint8_t *e = x->p + at;
        uint32_t ilt = mum__le32(e), stamp = mum__le32(e + 4), name = mum__le32(e + 12),
                 iat = mum__le32(e + 16);
        if (ilt == 0 && name == 0 && iat == 0)
            return MUM_OK;
        CHECK(thunks(x, ilt, false, &budget));
        CHECK(thunks(x, iat, stamp != 0, &budget));
        map_field(x, at + 12);
        map_field(x, at);
        map_field(x, at + 16);
    }
}

/* PE_EXPORTS: the function and name RVA arrays, then the directory's RVAs
 * (the ordinal array holds no RVA). */
static int xf_exports(xform *x)
{
    uint32_t rva, size;
    dir(x->v, DIR_EXPORT, &rva, &size);
    size_t d;
    if (rva == 0 || !img_off(x->v, rva, &d))
        return MUM_OK;
    if (d > x->size || x->size - d < 40)
        return bad(x, "the export directory at RVA 0x%" PRIx32 ": past the end (byte %zu)", rva,
                   d);
    const uint8_t *e = x->p + d;
    uint32_t arrays[2][2] = {{mum__le32(e + 28), mum__le32(e + 20)},
                             {mum__le32(e + 32), mum__le32(e + 24)}};
    for (unsigned k = 0; k < 2; k++) {
        size_t at;
        if (arrays[k][0] == 0 || !img_off(x->v, arrays[k][0], &at))
            continue;
        if (at > x->size || (x->size - at) / 4 < arrays[k][1])
            return bad(x, "the export %s array at RVA 0x%" PRIx32 ": %" PRIu32
                          " entries past the end (byte %zu)",
                       k ? "name" : "function", arrays[k][0], arrays[k][1], at);
        for (uint32_t i = 0; i < arrays[k][1]; i++)
            map_field(x, at + (size_t)i * 4);
    }
    map_field(x, d + 12);
    map_field(x, d + 28);
    map_field(x, d + 32);
    map_field(x, d + 36);
    return MUM_OK;
}

/* PE_RESOURCES: the offsets of the resource tree are relative to the
 * directory's start; each becomes MapRva(start + offset) - MapRva(start).
 * Windows reads a data entry's OffsetToData (an RVA) the same way, as if
 * relative: so does libmum.  The walk keeps a stack of directories; a
 * child must lie after the entry naming it, and each directory is walked
 * once. */
static int xf_resources(xform *x)
{
    uint32_t rva, size;
    dir(x->v, DIR_RESOURCE, &rva, &size);
    size_t base;
    if (rva == 0 || !img_off(x->v, rva, &base) || base >= x->size)
        return MUM_OK;
    size_t end = size < x->size - base ? base + size : x->size;
    size_t span = end - base;
    int64_t base_map = xf_map(x, rva);
    uint8_t *seen = mum__calloc(span / 8 + 1, 1);
    size_t *stack = mum__reallocarray(NULL, span / 8 + 66, sizeof *stack);
    if (!seen || !stack) {
        mum__free(seen);
        mum__free(stack);
        return mum__nomem(x->ctx);
    }
    int rc = MUM_OK;
    size_t depth = 0, budget = span / 8 + 64;
    stack[depth++] = base;
    while (depth > 0) {
        size_t at = stack[--depth];
        size_t rel = at - base;
        if (seen[rel / 8] & (1u << (rel % 8)))
            continue;
        seen[rel / 8] |= (uint8_t)(1u << (rel % 8));
        if (end - at < 16)
            continue;
        size_t count = (size_t)mum__le16(x->p + at + 12) + mum__le16(x->p + at + 14);
        if (count > (end - at - 16) / 8)
            count = (end - at - 16) / 8;
        if (count > budget) {
            rc = bad(x, "the resource directory at RVA 0x%" PRIx32
                        ": more entries than it holds (overlapping directories)",
                     rva);
            break;
        }
        budget -= count;
        for (size_t i = 0; i < count; i++) {
            size_t e = at + 16 + i * 8;
            uint32_t name = mum__le32(x->p + e), data = mum__le32(x->p + e + 4);
            size_t target = base + (data & 0x7fffffffu);
            if (data & 0x80000000u) {
                if (target > e && target < end && end - target >= 16) {
                    /* Each directory is pushed once per entry naming it:
                     * at most one per entry, the budget's. */
                    if (depth < span / 8 + 66)
                        stack[depth++] = target;
                }
                uint32_t off = (uint32_t)(xf_map(x, (int64_t)rva + (data & 0x7fffffffu)) -
                                          base_map);
                mum__put_le32(x->p + e + 4, 0x80000000u | (off & 0x7fffffffu));
                own(x, e + 4, 4);
            } else if (target < end && end - target >= 16) {
                uint32_t otd = mum__le32(x->p + target);
                mum__put_le32(x->p + target, (uint32_t)(xf_map(x, (int64_t)rva + otd) - base_map));
                own(x, target, 4);
            }
            if (name & 0x80000000u) {
                uint32_t off = (uint32_t)(xf_map(x, (int64_t)rva + (name & 0x7fffffffu)) -
                                          base_map);
                mum__put_le32(x->p + e, 0x80000000u | (off & 0x7fffffffu));
                own(x, e, 4);
            }
        }
    }
    mum__free(seen);
    mum__free(stack);
    return rc;
}

typedef struct reloc {
    uint32_t rva; /* mapped */
    uint16_t type, extra;
    size_t i;     /* the order read, for a stable sort */
} reloc;

static int reloc_cmp(const void *a, const void *b)
{
    const reloc *x = a, *y = b;
    if (x->rva != y->rva)
        return x->rva < y->rva ? -1 : 1;
    return (x->i > y->i) - (x->i < y->i);
}

/* PE_RELOCATIONS: each relocated operand is rebased to the target's
 * ImageBase and its RVA mapped; then the blocks are written again from the
 * mapped places, sorted and regrouped by 4 KiB page, each block padded to
 * 4 bytes, in the room from the directory to its section's raw end. */
static int xf_relocations(xform *x)
{
    uint32_t rva, size;
    dir(x->v, DIR_BASERELOC, &rva, &size);
    size_t base;
    if (rva == 0 || !img_off(x->v, rva, &base) || base >= x->size)
        return MUM_OK;
    size_t end = size < x->size - base ? base + size : x->size;
    reloc *r = mum__reallocarray(NULL, (end - base) / 2 + 1, sizeof *r);
    if (!r)
        return mum__nomem(x->ctx);
    size_t n = 0;
    int rc = MUM_OK;
    for (size_t at = base; end - at >= 8;) {
        uint32_t page = mum__le32(x->p + at), block = mum__le32(x->p + at + 4);
        if (block < 8 || block > end - at) {
            rc = bad(x, "the relocation block at byte %zu: %" PRIu32
                        " bytes (the directory ends at byte %zu)",
                     at, block, end);
            goto done;
        }
        size_t count = (block - 8) / 2;
        for (size_t j = 0; j < count; j++) {
            uint16_t entry = mum__le16(x->p + at + 8 + j * 2);
            uint16_t type = entry >> 12, extra = 0;
            if (type == 0)
                break; /* padding ends the block */
            int64_t place = (int64_t)page + (entry & 0xfff);
            size_t op;
            if (img_off(x->v, (uint64_t)place, &op)) {
                if (type == 3 && op <= x->size - 4 && x->size >= 4) {
                    uint32_t va = mum__le32(x->p + op);
                    /* A 32-bit address, sign-extended as Windows reads it. */
                    mum__put_le32(x->p + op, (uint32_t)map_va(x, (uint64_t)(int64_t)(int32_t)va));
                    own(x, op, 4);
                } else if (type == 10 && op <= x->size - 8 && x->size >= 8) {
                    mum__put_le64(x->p + op, map_va(x, mum__le64(x->p + op)));
                    own(x, op, 8);
                } else if (type == 1 || type == 2) {
                    own(x, op, 2);
                } else if (type == 4) {
                    own(x, op, 2);
                    if (j + 1 < count)
                        extra = mum__le16(x->p + at + 8 + (j + 1) * 2);
                    j++;
                } else if (type != 1 && type != 2 && type != 3 && type != 10) {
                    type = 0;
                }
            }
            r[n] = (reloc){(uint32_t)xf_map(x, place), type, extra, n};
            n++;
        }
        at += block;
    }
    qsort(r, n, sizeof *r, reloc_cmp);
    /* The room: to the raw end of the section holding the directory, at
     * least the directory's size, in whole 16-bit words. */
    uint64_t room = size;
    for (unsigned i = 0; i < x->v->nsections; i++) {
        const uint8_t *s = x->p + x->v->sections + (size_t)i * SECTION_SIZE;
        uint64_t vsize = mum__le32(s + 8), va = mum__le32(s + 12), raw_size = mum__le32(s + 16);
        uint64_t span = vsize > raw_size ? vsize : raw_size;
        if (rva >= va && rva < va + span) {
            room = raw_size > rva - va ? raw_size - (rva - va) : 0;
            if (room < size)
                room = size;
            break;
        }
    }
    room &= ~(uint64_t)1;
    size_t limit = room < x->size - base ? base + (size_t)room : x->size;
    size_t out = base;
    for (size_t i = 0; i < n && limit - out >= 8;) {
        uint32_t page = r[i].rva & 0xfffff000u;
        size_t head = out, words = 0;
        out += 8;
        for (; i < n && limit - out >= 2 && (r[i].rva & 0xfffff000u) == page; i++) {
            mum__put_le16(x->p + out, (uint16_t)(r[i].type << 12 | (r[i].rva & 0xfff)));
            out += 2;
            words++;
            if (r[i].type == 4 && limit - out >= 2) {
                mum__put_le16(x->p + out, r[i].extra);
                out += 2;
                words++;
            }
        }
        if (words % 2 == 1 && limit - out >= 2) {
            mum__put_le16(x->p + out, 0);
            out += 2;
        }
        mum__put_le32(x->p + head, page);
        mum__put_le32(x->p + head + 4, (uint32_t)(out - head));
    }
done:
    mum__free(r);
    return rc;
}

/* The file offset of an UNWIND_INFO: below the first section an RVA is
 * its own offset (the headers). */
static bool unwind_off(const xform *x, uint32_t rva, size_t *off)
{
    if (rva == 0)
        return false;
    if (rva < first_section_rva(x->v)) {
        *off = rva;
        return true;
    }
    return img_off(x->v, rva, off);
}

/* PE_PDATA_X64: the three RVAs of each RUNTIME_FUNCTION; before them, when
 * its UNWIND_INFO lies outside .pdata and has flags (a handler, chained
 * info), the RVA after its unwind codes. */
static int xf_pdata(xform *x)
{
    uint32_t rva, size;
    dir(x->v, DIR_EXCEPTION, &rva, &size);
    size_t base;
    if (rva == 0 || size == 0 || x->nmap == 0 || !img_off(x->v, rva, &base) || base == 0 ||
        base >= x->size)
        return MUM_OK;
    size_t bytes = size < x->size - base ? size : x->size - base;
    bytes -= bytes % 12;
    for (size_t at = base; at < base + bytes; at += 12) {
        size_t u;
        if (unwind_off(x, mum__le32(x->p + at + 8), &u) && (u < base || u - base > size) &&
            u < x->size && x->size - u >= 4 && (x->p[u] & 0x38) != 0) {
            size_t slot = u + 4 + (size_t)((x->p[u + 2] + 1u) >> 1) * 4;
            if (slot <= x->size - 4)
                map_field(x, slot);
        }
        map_field(x, at);
        map_field(x, at + 4);
        map_field(x, at + 8);
    }
    return MUM_OK;
}

/* PE_DISASM_X64: in each function .pdata names, every RIP-relative disp32
 * and rel32 gets the displacement that reaches, from the mapped end of its
 * instruction, the mapped place it reached. */
static int xf_disasm(xform *x)
{
    uint32_t rva, size;
    dir(x->v, DIR_EXCEPTION, &rva, &size);
    size_t base;
    if (x->nmap == 0 || rva == 0 || size < 12 || !img_off(x->v, rva, &base) || base >= x->size)
        return MUM_OK;
    size_t nfunc = size / 12;
    /* Functions do not overlap in an image: a walk past twice the image
     * is a hostile table. */
    uint64_t budget = 2 * (uint64_t)x->size + 4096;
    for (size_t k = 0; k < nfunc; k++) {
        size_t e = base + k * 12;
        if (e > x->size || x->size - e < 12)
            break;
        uint64_t begin = mum__le32(x->p + e), end = mum__le32(x->p + e + 4);
        size_t off;
        if (begin == 0 || end <= begin || !img_off(x->v, begin, &off))
            continue;
        for (uint64_t at = begin; at < end && off < x->size;) {
            size_t window = x->size - off;
            if (window > end - at)
                window = (size_t)(end - at);
            int field;
            size_t len = mum__x64_insn(x->p + off, window, &field);
            if (len == 0)
                break;
            if (budget < len)
                return bad(x, "the functions of .pdata at RVA 0x%" PRIx32
                              ": more code than the image holds (overlapping functions)",
                           rva);
            budget -= len;
            if (field >= 0) {
                uint8_t *d = x->p + off + (size_t)field;
                int64_t disp = (int32_t)mum__le32(d);
                int64_t next = (int64_t)(at + len);
                int64_t moved = xf_map(x, next + disp) - xf_map(x, next);
                if (moved != disp)
                    mum__put_le32(d, (uint32_t)moved);
            }
            at += len;
            off += len;
        }
    }
    return MUM_OK;
}

/* PE_SMASHLOCK: on a uniprocessor machine, Windows' loader once replaced by
 * NOPs the lock prefixes (F0) that the load configuration's LockPrefixTable
 * lists, so a source on disk may have either form and the transform brings
 * them to one.  Which one is unverified: no source seen has such a table
 * (Windows 7 images have none), so a source with one is refused; without
 * one the transform changes nothing. */
static int smashlock(xform *x)
{
    uint32_t rva, size;
    dir(x->v, DIR_LOAD_CONFIG, &rva, &size);
    size_t off;
    if (rva == 0 || x->v->plus || !img_off(x->v, rva, &off) || off > x->size ||
        x->size - off < 36)
        return MUM_OK;
    /* IMAGE_LOAD_CONFIG_DIRECTORY32: its Size, ..., LockPrefixTable (a VA)
     * at byte 32. */
    if (mum__le32(x->p + off) >= 36 && mum__le32(x->p + off + 32) != 0)
        return mum__error(x->ctx, MUM_EUNSUPPORTED, NULL,
                          "PA30 delta: flag 0x40 on a source whose load configuration (RVA "
                          "0x%" PRIx32 ") lists lock prefixes: not supported yet",
                          rva);
    return MUM_OK;
}

/* The i386 view of the image being transformed (delta_pe_x86.c); *sec is
 * allocated (mum__free). */
static int x86_view(mum__pe_x86 *out, mum__pe_section **sec, xform *x)
{
    const pe_view *v = x->v;
    *sec = mum__calloc(v->nsections ? v->nsections : 1, sizeof **sec);
    if (!*sec)
        return mum__nomem(x->ctx);
    for (unsigned i = 0; i < v->nsections; i++) {
        const uint8_t *h = v->p + v->sections + (size_t)i * SECTION_SIZE;
        (*sec)[i] = (mum__pe_section){mum__le32(h + 12), mum__le32(h + 8), mum__le32(h + 20),
                                      mum__le32(h + 16), mum__le32(h + 36)};
    }
    *out = (mum__pe_x86){x->p, x->size, x->owned, *sec, v->nsections,
                         mum__le32(v->p + v->opt + 56), x->map, x->nmap, x->ctx, 0, 0};
    return MUM_OK;
}

/* The i386 passes on an i386 image: with `first`, PE_MARK_NON_EXE (before
 * the tables); else the lock prefixes, the jumps, the calls (after them):
 * Windows' order, ascending flag bits. */
static int xf_x86(xform *x, uint64_t flags, bool first)
{
    mum__pe_x86 v86;
    mum__pe_section *sec;
    if (!first && (flags & PE_SMASHLOCK))
        CHECK(smashlock(x));
    CHECK(x86_view(&v86, &sec, x));
    int rc = MUM_OK;
    if (first && (flags & PE_MARK_NON_EXE))
        rc = mum__pe_x86_mark_non_exe(&v86);
    if (rc == MUM_OK && !first && (flags & PE_JMPS_X86))
        rc = mum__pe_x86_jmps(&v86);
    if (rc == MUM_OK && !first && (flags & PE_CALLS_X86))
        rc = mum__pe_x86_calls(&v86);
    mum__free(sec);
    return rc;
}

static int refuse(mum_ctx *ctx, const mum_delta_header *h, const char *why)
{
    const char *name = mum_delta_type_name(h->file_type);
    return mum__error(ctx, MUM_EUNSUPPORTED, NULL,
                      "PA30 delta: file type %s, flags 0x%" PRIx64 ": %s: not supported yet",
                      name ? name : "unknown", (uint64_t)h->flags, why);
}

int mum__delta_pe_prepare(mum__delta_pe *pe, mum_ctx *ctx, const mum_delta_header *h,
                          const uint8_t *pre, size_t pre_size, uint64_t pre_base,
                          const uint8_t *source, size_t source_size)
{
    *pe = (mum__delta_pe){0};
    uint64_t unknown = (uint64_t)h->flags & ~(uint64_t)PE_KNOWN;
    if (unknown) {
        char why[96];
        snprintf(why, sizeof why, "flag bits 0x%" PRIx64 " unknown", unknown);
        return refuse(ctx, h, why);
    }
    if (h->file_type != MUM_DELTA_TYPE_I386 && h->file_type != MUM_DELTA_TYPE_AMD64)
        return refuse(ctx, h, "the transforms of this file type");
    CHECK(pre_read(pe, ctx, pre, pre_size, pre_base));
    /* An empty source: nothing to transform (a delta that rebuilds a
     * whole image from literals). */
    if (source_size == 0)
        return MUM_OK;
    pe_view v;
    CHECK(pe_view_read(&v, ctx, source, source_size, "source"));
    uint32_t rva, size;
    dir(&v, DIR_CLR, &rva, &size);
    if (rva != 0 && (h->flags & (PE_CLI_DISASM | PE_CLI_METADATA)))
        return refuse(ctx, h, "a managed (.NET) source and its CLI transforms");
    /* A 32-bit value there is the target's CheckSum by the Rust reading,
     * which says Windows writes it into the target; 0 in every delta seen,
     * so what a non-zero one does is unverified. */
    if (pe->checksum != 0) {
        char why[96];
        snprintf(why, sizeof why, "a target CheckSum 0x%" PRIx32 " in the preprocessing data",
                 pe->checksum);
        return refuse(ctx, h, why);
    }
    if (!v.plus && pe->image_base > UINT32_MAX)
        return refuse(ctx, h, "a 64-bit ImageBase for a PE32 image");
    mum__rift *map = NULL;
    if (pe->nrva_map) {
        map = mum__reallocarray(NULL, pe->nrva_map, sizeof *map);
        if (!map)
            return mum__nomem(ctx);
        memcpy(map, pe->rva_map, pe->nrva_map * sizeof *map);
    }
    int rc = rift_sort(ctx, map, pe->nrva_map);
    if (rc == MUM_OK)
        rc = copy_map(pe, ctx, &v, map, pe->nrva_map);
    if (rc == MUM_OK && !(pe->source = mum__malloc(source_size)))
        rc = mum__nomem(ctx);
    if (rc != MUM_OK) {
        mum__free(map);
        return rc;
    }
    memcpy(pe->source, source, source_size);
    pe->source_size = source_size;
    rc = mum__delta_pe_transform(ctx, pe->source, source_size, (uint64_t)h->flags, map,
                                 pe->nrva_map, pe->image_base, pe->timestamp);
    mum__free(map);
    return rc;
}

int mum__delta_pe_transform(mum_ctx *ctx, uint8_t *image, size_t size, uint64_t flags,
                            const mum__rift *map, size_t nmap, uint64_t target_base,
                            uint32_t timestamp)
{
    pe_view v;
    CHECK(pe_view_read(&v, ctx, image, size, "source"));
    if (!v.plus && target_base > UINT32_MAX)
        return mum__error(ctx, MUM_EFORMAT, NULL,
                          "PA30 delta: a 64-bit ImageBase 0x%" PRIx64 " for a PE32 image",
                          target_base);
    xform x = {ctx, &v, image, size, map, nmap, image_base(&v), target_base, NULL};
    int rc = MUM_OK;
    /* The i386 passes and the owner mark they read: for i386 images. */
    bool i386 = v.machine == MACHINE_I386 && !v.plus;
    if (i386 && (flags & (PE_MARK_NON_EXE | PE_SMASHLOCK | PE_JMPS_X86 | PE_CALLS_X86)) &&
        !(x.owned = mum__calloc(size ? size : 1, 1)))
        return mum__nomem(ctx);
    /* Windows zeroes the source's CheckSum (the target's comes as
     * literals) and writes the target's TimeDateStamp into it, so that
     * copies of the header carry the target's.  The other copies of the
     * stamp (debug directory, export directory) come as literals in the
     * deltas seen: advapi32 old -> new, whose 7 copies differ, decodes
     * exactly with no fix-up after, so libmum does none. */
    mum__put_le32(image + checksum_at(&v), 0);
    if (flags & PE_UNBIND)
        rc = xf_unbind(&x);
    mum__put_le32(image + timestamp_at(&v), timestamp);
    /* The transforms in Windows' order (ascending flag bits); the amd64
     * ones on amd64 images only.  DisasmX64 reads .pdata before PdataX64
     * maps it. */
    bool amd64 = v.machine == MACHINE_AMD64;
    if (rc == MUM_OK && x.owned)
        rc = xf_x86(&x, flags, true);
    if (rc == MUM_OK && (flags & PE_IMPORTS))
        rc = xf_imports(&x);
    if (rc == MUM_OK && (flags & PE_EXPORTS))
        rc = xf_exports(&x);
    if (rc == MUM_OK && (flags & PE_RESOURCES))
        rc = xf_resources(&x);
    if (rc == MUM_OK && (flags & PE_RELOCATIONS))
        rc = xf_relocations(&x);
    if (rc == MUM_OK && x.owned)
        rc = xf_x86(&x, flags, false);
    mum__free(x.owned);
    x.owned = NULL;
    if (rc == MUM_OK && amd64 && (flags & PE_DISASM_X64))
        rc = xf_disasm(&x);
    if (rc == MUM_OK && amd64 && (flags & PE_PDATA_X64))
        rc = xf_pdata(&x);
    if (rc != MUM_OK)
        return rc;
    /* Last, the target's ImageBase (Windows does so whatever the flags). */
    if (v.plus)
        mum__put_le64(image + v.opt + 24, target_base);
    else
        mum__put_le32(image + v.opt + 28, (uint32_t)target_base);
    return MUM_OK;
}

void mum__delta_pe_clear(mum__delta_pe *pe)
{
    mum__free(pe->layout);
    mum__free(pe->rva_map);
    mum__free(pe->copy);
    mum__free(pe->source);
    *pe = (mum__delta_pe){0};
}
