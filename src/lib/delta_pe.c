/*
 * delta_pe.c - the PE file types of PA30 (I386, AMD64, ...): the
 * preprocessing data and the source transforms before the body is
 * decoded.  doc/pa30.md ("PE file types") says what
 * is known of them and which of them libmum performs.
 *
 * Windows transforms the source image so that its addresses match the
 * target's (RIFT tables: source RVA -> target RVA), then decodes the body
 * against that transformed source.  libmum performs the transforms whose
 * effect it can state exactly and refuses, naming them, the ones that would
 * move addresses: a guess would give a target that looks right and is not,
 * and most deltas carry no hash to catch it.
 */
#include "config.h"

#include "delta_internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

/* DELTA_FLAG_* bits that select PE transforms (the transform-selection word
 * of the header; names after what each transform does). */
#define PE_MARK_NON_EXE 0x2u     /* i386: mark bytes outside code (no change) */
#define PE_IMPORTS 0x4u          /* map import RVAs */
#define PE_EXPORTS 0x8u          /* map export RVAs */
#define PE_RESOURCES 0x10u       /* map resource directory RVAs */
#define PE_RELOCATIONS 0x20u     /* rebase, map relocation targets */
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
/* i386: lock prefixes listed by the load configuration (see smashlock()). */
#define PE_SMASHLOCK 0x40u

/* The transforms that map addresses through the preprocessing RIFT table:
 * each is the identity when that table maps every RVA to itself. */
#define PE_RVA_MAPPING                                                                          \
    (PE_IMPORTS | PE_EXPORTS | PE_RESOURCES | PE_RELOCATIONS | PE_JMPS_X86 | PE_CALLS_X86 |     \
     PE_DISASM_X64 | PE_PDATA_X64)
#define PE_KNOWN                                                                                \
    (PE_E8_TARGET | PE_SMASHLOCK | PE_MARK_NON_EXE | PE_RVA_MAPPING | PE_UNBIND | PE_CLI_DISASM |               \
     PE_CLI_METADATA | PE_IGNORE_SIZE_LIMIT)

enum {
    COFF_SIZE = 20,
    SECTION_SIZE = 40,
    DIR_IMPORT = 1,
    DIR_LOAD_CONFIG = 10,
    DIR_BOUND_IMPORT = 11,
    DIR_CLR = 14,
    SCN_MEM_READ_WRITE = 0xC0000000u
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
} pe_view;

/* Reads the headers of `p`, or says why it is not an image ("what" names
 * it in the message: the source, the target). */
static int pe_view_read(pe_view *v, mum_ctx *ctx, const uint8_t *p, size_t size,
                        const char *what)
{
    *v = (pe_view){p, size, 0, 0, false, 0, 0, 0, 0};
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

/* The file offset of `len` bytes at `rva`, inside one section's raw data. */
static bool rva_to_off(const pe_view *v, uint32_t rva, uint32_t len, size_t *off)
{
    for (unsigned i = 0; i < v->nsections; i++) {
        const uint8_t *s = v->p + v->sections + (size_t)i * SECTION_SIZE;
        uint64_t va = mum__le32(s + 12), raw_size = mum__le32(s + 16), raw = mum__le32(s + 20);
        if (rva >= va && (uint64_t)rva + len <= va + raw_size && raw + raw_size <= v->size) {
            *off = (size_t)(raw + (rva - va));
            return true;
        }
    }
    return false;
}

static void put32(uint8_t *p, uint32_t x)
{
    p[0] = (uint8_t)x;
    p[1] = (uint8_t)(x >> 8);
    p[2] = (uint8_t)(x >> 16);
    p[3] = (uint8_t)(x >> 24);
}

/* ---- the preprocessing data ---- */

static int rift_cmp(const void *a, const void *b)
{
    const mum__rift *x = a, *y = b;
    if (x->source != y->source)
        return x->source < y->source ? -1 : 1;
    return (x->target > y->target) - (x->target < y->target);
}

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
    /* Looked up by source RVA (mum__rift_map): sorted, as Windows sorts
     * the tables it reads.  Every delta seen has them in order already. */
    if (pe->nrva_map > 1)
        qsort(pe->rva_map, pe->nrva_map, sizeof *pe->rva_map, rift_cmp);
    if (mum__bits_tell(&b) < b.end_bit && mum__bits_get(&b, 1))
        return mum__bits_error(&b, MUM_EUNSUPPORTED,
                               "a CLI token map of a managed (.NET) target: not supported");
    if (mum__bits_overrun(&b))
        return mum__bits_error(&b, MUM_EFORMAT, "truncated: PE preprocessing data of %zu bytes",
                               pre_size);
    return MUM_OK;
}

/* ---- the transforms ---- */

/* Whether the layout table (target RVA -> target file offset) is the
 * inverse of the source's own sections (file offset -> RVA): then a copy
 * from the transformed source lands at the same file offset, and the body
 * needs no RIFT entries beyond its own. */
static bool same_layout(const mum__delta_pe *pe, const pe_view *v)
{
    /* The source's map, as Windows builds it: (0, 0), then each section
     * with both an RVA and raw data. */
    size_t n = 0;
    bool zero = false;
    for (size_t i = 0; i < pe->nlayout; i++)
        if (pe->layout[i].source == 0 && pe->layout[i].target == 0)
            zero = true;
    for (unsigned i = 0; i < v->nsections; i++) {
        const uint8_t *s = v->p + v->sections + (size_t)i * SECTION_SIZE;
        uint32_t va = mum__le32(s + 12), raw = mum__le32(s + 20);
        if (va == 0 || raw == 0)
            continue;
        bool found = false;
        for (size_t j = 0; j < pe->nlayout && !found; j++)
            found = pe->layout[j].source == va && pe->layout[j].target == raw;
        if (!found)
            return false;
        n++;
    }
    return pe->nlayout == n + (zero ? 1 : 0);
}

static int refuse(mum_ctx *ctx, const mum_delta_header *h, const char *why)
{
    const char *name = mum_delta_type_name(h->file_type);
    return mum__error(ctx, MUM_EUNSUPPORTED, NULL,
                      "PA30 delta: file type %s, flags 0x%" PRIx64 ": %s: not supported yet",
                      name ? name : "unknown", (uint64_t)h->flags, why);
}

/* PE_UNBIND: bound import descriptors would get their thunks restored
 * (refused: none seen yet to check against); a .idata section becomes
 * read/write. */
static int unbind(mum__delta_pe *pe, mum_ctx *ctx, const mum_delta_header *h, const pe_view *v)
{
    uint32_t rva, size;
    dir(v, DIR_BOUND_IMPORT, &rva, &size);
    if (rva != 0)
        return refuse(ctx, h, "flag 0x2000 on a source with bound imports");
    dir(v, DIR_IMPORT, &rva, &size);
    size_t off;
    for (uint64_t at = rva; rva && at <= UINT32_MAX - 20 && rva_to_off(v, (uint32_t)at, 20, &off);
         at += 20) {
        const uint8_t *d = v->p + off;
        if (mum__le32(d) == 0 && mum__le32(d + 12) == 0 && mum__le32(d + 16) == 0)
            break;
        if (mum__le32(d + 4) != 0)
            return refuse(ctx, h, "flag 0x2000 on a source with a bound import descriptor");
    }
    for (unsigned i = 0; i < v->nsections; i++) {
        uint8_t *s = pe->source + v->sections + (size_t)i * SECTION_SIZE;
        if (memcmp(s, ".idata\0\0", 8) == 0)
            put32(s + 36, mum__le32(s + 36) | SCN_MEM_READ_WRITE);
    }
    return MUM_OK;
}

/* PE_SMASHLOCK: on a uniprocessor machine, Windows' loader once replaced
 * the lock prefixes (F0) that the load configuration's LockPrefixTable
 * lists by NOPs, so a source on disk may or may not have them: the
 * transform brings them to one form.  Which form is unverified (no delta
 * seen has a source with such a table: Windows 7 images have none), so a
 * source with one is refused; without one the transform changes nothing. */
static int smashlock(mum_ctx *ctx, const mum_delta_header *h, const pe_view *v)
{
    uint32_t rva, size;
    dir(v, DIR_LOAD_CONFIG, &rva, &size);
    size_t off;
    if (rva == 0 || v->plus || !rva_to_off(v, rva, 36, &off))
        return MUM_OK;
    /* IMAGE_LOAD_CONFIG_DIRECTORY32: its own Size, then LockPrefixTable
     * (a VA) at byte 32. */
    if (mum__le32(v->p + off) >= 36 && mum__le32(v->p + off + 32) != 0)
        return refuse(ctx, h, "flag 0x40 on a source whose load configuration lists lock "
                              "prefixes");
    return MUM_OK;
}

/* The view of pe->source the i386 passes (delta_pe_x86.c) work on; x->sec
 * is allocated (mum__free). */
static int x86_view(mum__pe_x86 *x, mum_ctx *ctx, const mum__delta_pe *pe, const pe_view *v)
{
    mum__pe_section *sec = mum__calloc(v->nsections ? v->nsections : 1, sizeof *sec);
    if (!sec)
        return mum__nomem(ctx);
    for (unsigned i = 0; i < v->nsections; i++) {
        const uint8_t *s = v->p + v->sections + (size_t)i * SECTION_SIZE;
        sec[i] = (mum__pe_section){mum__le32(s + 12), mum__le32(s + 8), mum__le32(s + 20),
                                   mum__le32(s + 16), mum__le32(s + 36)};
    }
    *x = (mum__pe_x86){pe->source, pe->source_size, pe->owned, sec, v->nsections,
                       mum__le32(v->p + v->opt + 56), pe->rva_map, pe->nrva_map};
    return MUM_OK;
}

/* Runs the transforms of the i386 instructions on pe->source, with
 * pe->owned as the table transforms left it. */
static int x86_passes(mum__delta_pe *pe, mum_ctx *ctx, const mum_delta_header *h,
                      const pe_view *v)
{
    if (h->flags & PE_SMASHLOCK)
        CHECK(smashlock(ctx, h, v));
    if (!(h->flags & (PE_JMPS_X86 | PE_CALLS_X86)))
        return MUM_OK;
    mum__pe_x86 x;
    CHECK(x86_view(&x, ctx, pe, v));
    /* Jumps first, then calls: Windows' order, which matters where a
     * shortened jump leaves stale bytes that look like a call. */
    if (h->flags & PE_JMPS_X86)
        mum__pe_x86_jmps(&x);
    if (h->flags & PE_CALLS_X86)
        mum__pe_x86_calls(&x);
    mum__free((void *)x.sec);
    return MUM_OK;
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
    for (size_t i = 0; i < pe->nrva_map; i++)
        if (pe->rva_map[i].source != pe->rva_map[i].target && (h->flags & PE_RVA_MAPPING)) {
            char why[160];
            snprintf(why, sizeof why,
                     "the address transforms of flags 0x%x with a RIFT table that moves RVA "
                     "0x%" PRIx64 " to 0x%" PRIx64,
                     (unsigned)(h->flags & PE_RVA_MAPPING), (uint64_t)pe->rva_map[i].source,
                     (uint64_t)pe->rva_map[i].target);
            return refuse(ctx, h, why);
        }
    if (image_base(&v) != pe->image_base && (h->flags & PE_RELOCATIONS)) {
        char why[96];
        snprintf(why, sizeof why, "rebasing from 0x%" PRIx64 " to 0x%" PRIx64, image_base(&v),
                 pe->image_base);
        return refuse(ctx, h, why);
    }
    /* A 32-bit value there is the target's CheckSum by the Rust reading,
     * which says Windows writes it into the target; 0 in every delta seen,
     * so what a non-zero one does is unverified. */
    if (pe->checksum != 0) {
        char why[96];
        snprintf(why, sizeof why, "a target CheckSum 0x%" PRIx32 " in the preprocessing data",
                 pe->checksum);
        return refuse(ctx, h, why);
    }
    if (!same_layout(pe, &v))
        return refuse(ctx, h, "a target whose sections lie at other file offsets than the "
                              "source's");
    pe->source = mum__malloc(source_size);
    if (!pe->source)
        return mum__nomem(ctx);
    memcpy(pe->source, source, source_size);
    pe->source_size = source_size;
    pe->owned = mum__calloc(source_size, 1);
    if (!pe->owned)
        return mum__nomem(ctx);
    if (h->flags & PE_UNBIND)
        CHECK(unbind(pe, ctx, h, &v));
    /* Windows zeroes the source's CheckSum (the target's comes as
     * literals) and writes the target's TimeDateStamp into it, so that
     * copies of the header carry the target's.  The other copies of the
     * stamp (debug directory, export directory) come as literals in the
     * deltas seen: advapi32 old -> new, whose 7 copies differ, decodes
     * exactly with no fix-up after, so libmum does none. */
    put32(pe->source + checksum_at(&v), 0);
    put32(pe->source + timestamp_at(&v), pe->timestamp);
    /* The transforms, in Windows' order (ascending flag bits): the marking
     * of non-code (i386), the tables, then the i386 instructions. */
    if (h->file_type == MUM_DELTA_TYPE_I386 && (h->flags & PE_MARK_NON_EXE) && !v.plus) {
        mum__pe_x86 x;
        CHECK(x86_view(&x, ctx, pe, &v));
        mum__pe_x86_mark_non_exe(&x);
        mum__free((void *)x.sec);
    }
    if (h->file_type == MUM_DELTA_TYPE_I386 && !v.plus)
        CHECK(x86_passes(pe, ctx, h, &v));
    /* Last, the target's ImageBase (Windows does so whatever the flags;
     * with relocation transforms, equal bases are required above). */
    if (v.plus) {
        put32(pe->source + v.opt + 24, (uint32_t)pe->image_base);
        put32(pe->source + v.opt + 28, (uint32_t)(pe->image_base >> 32));
    } else if (pe->image_base <= UINT32_MAX) {
        put32(pe->source + v.opt + 28, (uint32_t)pe->image_base);
    } else {
        return refuse(ctx, h, "a 64-bit ImageBase for a PE32 image");
    }
    return MUM_OK;
}

void mum__delta_pe_clear(mum__delta_pe *pe)
{
    mum__free(pe->layout);
    mum__free(pe->rva_map);
    mum__free(pe->source);
    mum__free(pe->owned);
    *pe = (mum__delta_pe){0};
}
