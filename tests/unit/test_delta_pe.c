/*
 * test_delta_pe.c - PA30 deltas of PE file types (delta_pe.c,
 * delta_pe_x64.c): the real deltas of MUM_REALDATA/pa30/pe and of the
 * KB2465285 express cabinet (skipped when absent) against their targets,
 * the header fix-ups and the copy map on a small image built here, each
 * address transform on a larger one (exact bytes), the amd64 length
 * decoder, the refusals of what libmum does not perform, and hostile
 * preprocessing data, sources and tables.
 *
 * Real deltas are read at test time and never copied.
 */
#include "testca.h" /* tu_slurp */

#include <mum/container.h>
#include <mum/delta.h>
#include <mum/hash.h>

#include <stdio.h>
#include <unistd.h>

#include "pa30w.h"

#include "delta_internal.h"

/* ---- the real deltas ---- */

/* Reads realdata/pa30/<name>, or skips the test when it is absent. */
static uint8_t *real_file(const char *name, size_t *n)
{
    const char *real = getenv("MUM_REALDATA");
    char path[4096];
    snprintf(path, sizeof path, "%s/pa30/%s", real ? real : "../../shared/realdata", name);
    if (access(path, R_OK) != 0)
        cr_skip_test("real data absent: no %s (set MUM_REALDATA)", path);
    uint8_t *p = tu_slurp(path, n);
    cr_assert_not_null(p, "%s", path);
    return p;
}

static void real_pe(const char *source, const char *delta_name, const char *target)
{
    size_t sn, dn, tn;
    uint8_t *src = real_file(source, &sn);
    uint8_t *delta = real_file(delta_name, &dn);
    uint8_t *want = real_file(target, &tn);
    mum_ctx *ctx;
    mum_ctx_new(&ctx);
    uint8_t *out;
    size_t n;
    cr_assert_eq(mum_delta_apply(&out, &n, ctx, src, sn, delta, dn, NULL), MUM_OK, "%s: %s",
                 delta_name, mum_ctx_message(ctx));
    cr_assert_eq(n, tn);
    size_t first = n;
    for (size_t i = 0; i < n && first == n; i++)
        if (out[i] != want[i])
            first = i;
    cr_assert_eq(first, n, "%s: the target differs from byte %zu", delta_name, first);
    mum_free(out);
    mum_ctx_free(ctx);
    free(src);
    free(delta);
    free(want);
}

Test(delta_pe_real, cmd_to_cmd_patched)
{
    real_pe("sources_cmd.exe", "pe/cmd__to__cmd_patched.pa30", "sources_cmd_patched.exe");
}

/* The target's TimeDateStamp differs from the source's: its 7 copies (the
 * header, the debug directory, the debug data) must all be the target's. */
Test(delta_pe_real, advapi32_old_to_new_restores_the_timestamps)
{
    real_pe("sources_advapi32_old.dll", "pe/advapi32_old__to__advapi32_new.pa30",
            "sources_advapi32_new.dll");
}

/* ---- a small image, built here ---- */

#define TINY 0x200
#define TINY_COFF 0x84
#define TINY_OPT 0x98
#define TINY_SECTIONS (TINY_OPT + 240)

static void put16(uint8_t *p, uint16_t x)
{
    p[0] = (uint8_t)x;
    p[1] = (uint8_t)(x >> 8);
}

static void put32(uint8_t *p, uint32_t x)
{
    put16(p, (uint16_t)x);
    put16(p + 2, (uint16_t)(x >> 16));
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* A PE32+ image of headers only, with one .idata section without raw data
 * (so the target's layout table is empty, as for the source). */
static uint8_t *tiny_pe(uint64_t base, uint32_t timestamp, uint32_t checksum)
{
    uint8_t *p = calloc(1, TINY);
    p[0] = 'M';
    p[1] = 'Z';
    put32(p + 0x3c, 0x80);
    memcpy(p + 0x80, "PE\0\0", 4);
    put16(p + TINY_COFF, 0x8664);
    put16(p + TINY_COFF + 2, 1);
    put32(p + TINY_COFF + 4, timestamp);
    put16(p + TINY_COFF + 16, 240);
    put16(p + TINY_OPT, 0x20b);
    put32(p + TINY_OPT + 24, (uint32_t)base);
    put32(p + TINY_OPT + 28, (uint32_t)(base >> 32));
    put32(p + TINY_OPT + 64, checksum);
    put32(p + TINY_OPT + 108, 16);
    memcpy(p + TINY_SECTIONS, ".idata", 6);
    put32(p + TINY_SECTIONS + 12, 0x1000);
    put32(p + TINY_SECTIONS + 36, 0x40000040);
    return p;
}

enum { MAP_IDENTITY, MAP_MOVES, MAP_BROKEN, LAYOUT_OTHER, CLI_METADATA, CHECKSUM_SET, MAP_HUGE };

/* Preprocessing data: the target's ImageBase, a zero, its TimeDateStamp,
 * an empty layout table, no CLI metadata, the RVA map, no CLI map. */
static size_t pe_pre(uint8_t **out, uint64_t base, uint32_t timestamp, int kind)
{
    bw w;
    bw_init(&w);
    bw_bits(&w, base, 32);
    bw_bits(&w, base >> 32, 32);
    bw_bits(&w, kind == CHECKSUM_SET ? 0x1234 : 0, 32);
    bw_bits(&w, timestamp, 32);
    /* Two IntFormats of two one-bit symbols, classes 0 and 1 (the values
     * 0 and 1), then one entry (1, 1): RVA 1 moves to 2. */
    if (kind == LAYOUT_OTHER) {
        bw_bit(&w, 1);
        for (int f = 0; f < 2; f++) {
            bw_bits(&w, 2, 8);
            bw_bits(&w, 0, 8);
            bw_bits(&w, 0, 8);
            bw_bits(&w, 0, 4);
            bw_bits(&w, 0, 4);
            bw_bits(&w, 0, 4);
        }
        bw_varint(&w, 1);
        bw_code(&w, 1, 1);
        bw_code(&w, 1, 1);
    } else {
        bw_bit(&w, 0);
    }
    bw_bit(&w, kind == CLI_METADATA);
    if (kind == MAP_MOVES || kind == MAP_HUGE) {
        bw_bit(&w, 1);
        for (int f = 0; f < 2; f++) {
            bw_bits(&w, 2, 8);
            bw_bits(&w, 0, 8);
            bw_bits(&w, 0, 8);
            bw_bits(&w, 0, 4);
            bw_bits(&w, 0, 4);
            bw_bits(&w, 0, 4);
        }
        /* MAP_HUGE: 20000 entries, RVA i to 2i, each its own piece */
        int count = kind == MAP_HUGE ? 20000 : 1;
        bw_varint(&w, (uint64_t)count);
        for (int i = 0; i < count; i++) {
            bw_code(&w, 1, 1);
            bw_code(&w, 1, 1);
        }
    } else if (kind == MAP_BROKEN) {
        bw_bit(&w, 1);
        bw_bits(&w, 200, 8); /* 200 positive classes: there are 126 */
        bw_bits(&w, 0, 16);
    } else {
        bw_bit(&w, 0);
    }
    bw_bit(&w, 0);
    size_t n = bw_finish(&w);
    *out = w.p;
    return n;
}

/* A body that copies the whole tiny source (two source copies of 256). */
static void copy_body(bw *w)
{
    body_start(w);
    for (int i = 0; i < 2; i++) {
        flat_main(w, 256 + 3 * 8 + 0); /* slot 3: the source at the same place */
        bw_code(w, 256 - 8, 8);        /* length code symbol l: l + 8 */
    }
}

static int run(const uint8_t *src, size_t src_len, int64_t flags, int kind, uint64_t base,
               uint32_t timestamp, uint8_t **out, size_t *n, mum_ctx *ctx)
{
    uint8_t *pre;
    size_t pre_len = pe_pre(&pre, base, timestamp, kind);
    hdr h = HDR_RAW(TINY);
    h.type = MUM_DELTA_TYPE_AMD64;
    h.type_set = 0xf;
    h.flags = flags;
    h.pre = pre;
    h.pre_len = pre_len;
    bw w;
    copy_body(&w);
    int rc = apply(build(&w, &h), src, src_len, out, n, ctx);
    free(pre);
    return rc;
}

Test(delta_pe, the_source_gets_the_targets_timestamp_and_no_checksum)
{
    uint8_t *src = tiny_pe(0x180000000, 0x11111111, 0xabcdef);
    mum_ctx *ctx;
    mum_ctx_new(&ctx);
    uint8_t *out;
    size_t n;
    cr_assert_eq(run(src, TINY, 0xe63e, MAP_IDENTITY, 0x180000000, 0x22222222, &out, &n, ctx),
                 MUM_OK, "%s", mum_ctx_message(ctx));
    cr_assert_eq(n, TINY);
    cr_assert_eq(get32(out + TINY_COFF + 4), 0x22222222);
    cr_assert_eq(get32(out + TINY_OPT + 64), 0, "the checksum is zeroed in the source");
    cr_assert_eq(get32(out + TINY_SECTIONS + 36), 0xC0000040, "flag 0x2000: .idata writable");
    cr_assert_eq(get32(src + TINY_OPT + 64), 0xabcdef, "the caller's source is untouched");
    mum_free(out);
    /* without 0x2000 the section stays as it was */
    cr_assert_eq(run(src, TINY, 0xe63e & ~0x2000, MAP_IDENTITY, 0x180000000, 0x22222222, &out,
                     &n, ctx),
                 MUM_OK, "%s", mum_ctx_message(ctx));
    cr_assert_eq(get32(out + TINY_SECTIONS + 36), 0x40000040);
    mum_free(out);
    mum_ctx_free(ctx);
    free(src);
}

static void refused(int64_t flags, int kind, uint64_t base, const uint8_t *src, size_t src_len,
                    int want, const char *needle)
{
    mum_ctx *ctx;
    mum_ctx_new(&ctx);
    uint8_t *out = (uint8_t *)1;
    size_t n;
    int rc = run(src, src_len, flags, kind, base, 0x22222222, &out, &n, ctx);
    cr_assert_eq(rc, want, "got %d: %s", rc, mum_ctx_message(ctx));
    cr_assert_null(out);
    cr_assert(strstr(mum_ctx_message(ctx), needle), "%s (wanted %s)", mum_ctx_message(ctx),
              needle);
    mum_ctx_free(ctx);
}

Test(delta_pe, what_is_not_performed_is_refused_by_name)
{
    uint8_t *src = tiny_pe(0x180000000, 0x11111111, 0);
    refused(0xe63e | 0x1000, MAP_IDENTITY, 0x180000000, src, TINY, MUM_EUNSUPPORTED,
            "flag bits 0x1000 unknown");
    refused(0xe63e, CLI_METADATA, 0x180000000, src, TINY, MUM_EUNSUPPORTED, "CLI metadata");
    refused(0xe63e, CHECKSUM_SET, 0x180000000, src, TINY, MUM_EUNSUPPORTED,
            "a target CheckSum 0x1234");
    /* a managed source (a CLR directory) with the CLI transforms */
    put32(src + TINY_OPT + 112 + 14 * 8, 0x2000);
    refused(0xe63e, MAP_IDENTITY, 0x180000000, src, TINY, MUM_EUNSUPPORTED, "managed");
    free(src);
}

/* Whatever the flags, the source gets the target's ImageBase, and the
 * copies follow the RVA map: a map that moves RVA 1 to 2 makes each copy
 * of the "same place" read one byte earlier in the source (the headers'
 * file offsets are their RVAs). */
Test(delta_pe, the_copies_follow_the_rva_map)
{
    uint8_t *src = tiny_pe(0x180000000, 0x11111111, 0);
    mum_ctx *ctx;
    mum_ctx_new(&ctx);
    uint8_t *out;
    size_t n;
    cr_assert_eq(run(src, TINY, 0x2000, MAP_IDENTITY, 0x140000000, 0x22222222, &out, &n, ctx),
                 MUM_OK, "%s", mum_ctx_message(ctx));
    cr_assert_eq(get32(out + TINY_OPT + 24), 0x40000000, "the target's ImageBase");
    cr_assert_eq(get32(out + TINY_OPT + 28), 1);
    mum_free(out);
    cr_assert_eq(run(src, TINY, 0x2000, MAP_MOVES, 0x140000000, 0x22222222, &out, &n, ctx),
                 MUM_OK, "%s", mum_ctx_message(ctx));
    cr_assert_eq(get32(out + TINY_OPT + 24 + 1), 0x40000000, "one byte later");
    cr_assert_eq(get32(out + TINY_COFF + 4 + 1), 0x22222222);
    for (size_t i = 2; i < TINY; i++)
        if (i < TINY_COFF || (i > TINY_OPT + 100 && i <= TINY_SECTIONS + 36))
            cr_assert_eq(out[i], src[i - 1], "byte %zu", i);
    mum_free(out);
    mum_ctx_free(ctx);
    free(src);
}

/* ---- hostile input: clean errors with a place ---- */

/* An RVA map of 20000 pieces makes a copy map over the limit: refused
 * before anything is built from it. */
Test(delta_pe_hostile, a_copy_map_over_the_limit)
{
    uint8_t *src = tiny_pe(0x180000000, 0x11111111, 0);
    refused(0xe63e, MAP_HUGE, 0x180000000, src, TINY, MUM_ELIMIT,
            "the PE copy map has more than 16384 pieces");
    free(src);
}

Test(delta_pe_hostile, a_broken_rift_table_in_the_preprocessing_data)
{
    uint8_t *src = tiny_pe(0x180000000, 0x11111111, 0);
    refused(0xe63e, MAP_BROKEN, 0x180000000, src, TINY, MUM_EFORMAT, "integer format counts");
    refused(0xe63e, MAP_BROKEN, 0x180000000, src, TINY, MUM_EFORMAT, "PA30 delta: byte ");
    free(src);
}

Test(delta_pe_hostile, a_source_that_is_not_a_pe)
{
    uint8_t junk[TINY] = {'M', 'Z'};
    refused(0xe63e, MAP_IDENTITY, 0x180000000, junk, TINY, MUM_EFORMAT,
            "the source is not a PE image (byte 60");
    memset(junk, 'x', sizeof junk);
    refused(0xe63e, MAP_IDENTITY, 0x180000000, junk, TINY, MUM_EFORMAT,
            "the source is not a PE image (byte 0");
}

/* Headers that point past the image: e_lfanew, the optional header, the
 * section table; and every truncation of the image. */
Test(delta_pe_hostile, headers_past_the_image)
{
    uint8_t *src = tiny_pe(0x180000000, 0x11111111, 0);
    put32(src + 0x3c, 0xfffffff0);
    refused(0xe63e, MAP_IDENTITY, 0x180000000, src, TINY, MUM_EFORMAT, "e_lfanew");
    free(src);
    src = tiny_pe(0x180000000, 0x11111111, 0);
    put16(src + TINY_COFF + 16, 0xfff0);
    refused(0xe63e, MAP_IDENTITY, 0x180000000, src, TINY, MUM_EFORMAT, "optional header of");
    free(src);
    src = tiny_pe(0x180000000, 0x11111111, 0);
    put16(src + TINY_COFF + 2, 0xffff);
    refused(0xe63e, MAP_IDENTITY, 0x180000000, src, TINY, MUM_EFORMAT, "sections past the end");
    free(src);
    src = tiny_pe(0x180000000, 0x11111111, 0);
    for (size_t len = 1; len < TINY_SECTIONS + 40; len++) {
        mum_ctx *ctx;
        mum_ctx_new(&ctx);
        uint8_t *out = (uint8_t *)1;
        size_t n;
        int rc = run(src, len, 0xe63e, MAP_IDENTITY, 0x180000000, 0x22222222, &out, &n, ctx);
        cr_assert_eq(rc, MUM_EFORMAT, "%zu bytes: %d %s", len, rc, mum_ctx_message(ctx));
        cr_assert(strstr(mum_ctx_message(ctx), "source"), "%s", mum_ctx_message(ctx));
        mum_ctx_free(ctx);
    }
    free(src);
}

/* Every truncation of the preprocessing data is an error with its place. */
Test(delta_pe_hostile, truncated_preprocessing_data)
{
    uint8_t *src = tiny_pe(0x180000000, 0x11111111, 0);
    uint8_t *pre;
    size_t pre_len = pe_pre(&pre, 0x180000000, 0x22222222, MAP_MOVES);
    for (size_t len = 0; len < pre_len; len++) {
        hdr h = HDR_RAW(TINY);
        h.type = MUM_DELTA_TYPE_AMD64;
        h.flags = 0xe63e;
        h.pre = pre;
        h.pre_len = len;
        bw w;
        copy_body(&w);
        mum_ctx *ctx;
        mum_ctx_new(&ctx);
        uint8_t *out = (uint8_t *)1;
        size_t n;
        int rc = apply(build(&w, &h), src, TINY, &out, &n, ctx);
        cr_assert_eq(rc, MUM_EFORMAT, "%zu bytes: %d %s", len, rc, mum_ctx_message(ctx));
        cr_assert(strstr(mum_ctx_message(ctx), "PA30 delta: byte "), "%s",
                  mum_ctx_message(ctx));
        cr_assert_null(out);
        mum_ctx_free(ctx);
    }
    free(pre);
    free(src);
}

/* ---- the express cabinet of KB2465285 (amd64) ---- */

typedef struct member {
    const char *name;
    uint8_t *data;
    size_t size;
} member;

/* Reads the named members of the express cabinet inside the .msu, or
 * skips the test when the package is absent. */
static void express_members(member *m, size_t n)
{
    const char *real = getenv("MUM_REALDATA");
    char path[4096];
    snprintf(path, sizeof path, "%s/msu/Windows6.1-KB2465285-x64.msu",
             real ? real : "../../shared/realdata");
    if (access(path, R_OK) != 0)
        cr_skip_test("real data absent: no %s (set MUM_REALDATA)", path);
    mum_walk *w;
    cr_assert_eq(mum_walk_open(&w, NULL, path, NULL, NULL), MUM_OK);
    const mum_entry *e;
    while (mum_walk_next(&e, w) == MUM_OK && e) {
        if (e->kind != MUM_ENTRY_FILE || !strstr(e->path, "KB2465285-x64.cab!"))
            continue;
        for (size_t i = 0; i < n; i++) {
            if (strcmp(e->name, m[i].name) != 0)
                continue;
            const void *p;
            size_t got;
            while (mum_walk_read(w, &p, &got) == MUM_OK && got) {
                m[i].data = realloc(m[i].data, m[i].size + got);
                memcpy(m[i].data + m[i].size, p, got);
                m[i].size += got;
            }
        }
    }
    mum_walk_free(w);
    for (size_t i = 0; i < n; i++)
        cr_assert_not_null(m[i].data, "%s: no member %s", path, m[i].name);
}

/* The SHA-1 the cix gives the file rebuilt by PA30 delta `name`. */
static void cix_sha1(const member *cix, const char *name, uint8_t out[20])
{
    char *text = malloc(cix->size + 1);
    memcpy(text, cix->data, cix->size);
    text[cix->size] = 0;
    char source[64];
    snprintf(source, sizeof source, "<Source type=\"PA30\" name=\"%s\">", name);
    char *at = strstr(text, source);
    cr_assert_not_null(at, "cix: no %s", source);
    /* the <File> element holding it: the last one that starts before */
    char *file = NULL;
    for (char *f = strstr(text, "<File "); f && f < at; f = strstr(f + 1, "<File "))
        file = f;
    cr_assert_not_null(file);
    char *v = strstr(file, "<Hash alg=\"SHA1\" value=\"");
    cr_assert_not_null(v);
    v += strlen("<Hash alg=\"SHA1\" value=\"");
    for (int i = 0; i < 20; i++) {
        unsigned x;
        cr_assert_eq(sscanf(v + 2 * i, "%2x", &x), 1);
        out[i] = (uint8_t)x;
    }
    free(text);
}

/* The chains start from bridgemigplugin.dll, a RAW delta against nothing
 * (its MD5 and the cix's SHA-1 check).  The amd64 deltas (flags 0x2e63e)
 * built on it move addresses (their RVA maps move dozens of blocks; the
 * source has bound imports): each rebuilds its target exactly, as its own
 * MD5 and the cix's SHA-1 say.  Then 8 (bridge.sys 7600 -> 7601) and 9
 * (brdgcfg.dll -> bridgeres.dll) on what 7 and 2 built. */
Test(delta_pe_express, kb2465285_amd64_links_rebuild_exactly)
{
    member m[] = {{"_manifest_.cix.xml", NULL, 0}, {"0", NULL, 0}, {"1", NULL, 0},
                  {"2", NULL, 0}, {"7", NULL, 0}, {"8", NULL, 0}, {"9", NULL, 0}};
    express_members(m, sizeof m / sizeof *m);
    mum_ctx *ctx;
    mum_ctx_new(&ctx);
    uint8_t *rebuilt[7] = {0};
    size_t size[7] = {0};
    mum_delta_header h;
    cr_assert_eq(mum_delta_header_read(&h, ctx, m[1].data, m[1].size), MUM_OK);
    cr_assert_eq(h.file_type, MUM_DELTA_TYPE_RAW);
    cr_assert_eq(h.hash_alg, 0x8003, "the delta's own MD5 is checked");
    /* member i is built on member basis[i] (0: nothing) */
    static const size_t basis[7] = {0, 0, 1, 1, 1, 4, 3};
    for (size_t i = 1; i < sizeof m / sizeof *m; i++) {
        cr_assert_eq(mum_delta_header_read(&h, ctx, m[i].data, m[i].size), MUM_OK);
        if (i > 1) {
            cr_assert_eq(h.file_type, MUM_DELTA_TYPE_AMD64);
            cr_assert_eq(h.flags, 0x2e63e);
            cr_assert_eq(h.hash_alg, 0x8003);
        }
        const uint8_t *src = basis[i] ? rebuilt[basis[i]] : NULL;
        size_t src_size = basis[i] ? size[basis[i]] : 0;
        int rc = mum_delta_apply(&rebuilt[i], &size[i], ctx, src, src_size, m[i].data,
                                 m[i].size, NULL);
        cr_assert_eq(rc, MUM_OK, "delta %s: %d %s", m[i].name, rc, mum_ctx_message(ctx));
        uint8_t want[20], got[20];
        cix_sha1(&m[0], m[i].name, want);
        cr_assert_eq(mum_hash_buffer(got, MUM_HASH_SHA1, rebuilt[i], size[i]), MUM_OK);
        cr_assert_arr_eq(got, want, 20, "delta %s: the cix's SHA-1", m[i].name);
    }
    for (size_t i = 0; i < sizeof m / sizeof *m; i++) {
        mum_free(rebuilt[i]);
        free(m[i].data);
    }
    mum_ctx_free(ctx);
}

/* ---- the transforms, on an image built here (mum__delta_pe_transform) ----
 *
 * A PE32+ amd64 image of 0x2000 bytes whose file offsets are its RVAs:
 * .text [0x400, 0x800) and .data [0x800, 0x2000).  The RVA map moves every
 * RVA from 0x1000 on by 0x100, and from 0x1c40 on by 0x140. */

#define IMG 0x2000
#define IMG_OPT 0x98
#define IMG_DIRS (IMG_OPT + 112)
#define IMG_SECTIONS (IMG_OPT + 240)

static const mum__rift img_map[] = {{0x1000, 0x1100}, {0x1c40, 0x1d80}};

static void put64(uint8_t *p, uint64_t x)
{
    put32(p, (uint32_t)x);
    put32(p + 4, (uint32_t)(x >> 32));
}

static uint64_t get64(const uint8_t *p)
{
    return get32(p) | (uint64_t)get32(p + 4) << 32;
}

static void img_section(uint8_t *p, int i, const char *name, uint32_t va, uint32_t size,
                        uint32_t flags)
{
    uint8_t *s = p + IMG_SECTIONS + 40 * i;
    memcpy(s, name, strlen(name));
    put32(s + 8, size);
    put32(s + 12, va);
    put32(s + 16, size);
    put32(s + 20, va);
    put32(s + 36, flags);
}

static void img_dir(uint8_t *p, int i, uint32_t rva, uint32_t size)
{
    put32(p + IMG_DIRS + 8 * i, rva);
    put32(p + IMG_DIRS + 8 * i + 4, size);
}

static uint8_t *img_new(void)
{
    uint8_t *p = calloc(1, IMG);
    p[0] = 'M';
    p[1] = 'Z';
    put32(p + 0x3c, 0x80);
    memcpy(p + 0x80, "PE\0\0", 4);
    put16(p + 0x84, 0x8664);
    put16(p + 0x86, 2);
    put16(p + 0x84 + 16, 240);
    put16(p + IMG_OPT, 0x20b);
    put64(p + IMG_OPT + 24, 0x180000000);
    put32(p + IMG_OPT + 108, 16);
    img_section(p, 0, ".text", 0x400, 0x400, 0x60000020);
    img_section(p, 1, ".data", 0x800, 0x1800, 0xc0000040);
    return p;
}

static int img_transform(uint8_t *p, uint64_t flags, mum_ctx *ctx)
{
    return mum__delta_pe_transform(ctx, p, IMG, flags, img_map,
                                   sizeof img_map / sizeof *img_map, 0x140000000, 0x22222222);
}

Test(delta_pe_transform, imports_thunks_and_descriptor)
{
    uint8_t *p = img_new();
    img_dir(p, 1, 0x800, 40);
    put32(p + 0x800, 0x900);       /* OriginalFirstThunk (not moved) */
    put32(p + 0x800 + 12, 0x1030); /* Name */
    put32(p + 0x800 + 16, 0x1200); /* FirstThunk */
    put64(p + 0x900, 0x1010);      /* by name */
    put64(p + 0x908, UINT64_C(0x8000000000000005)); /* by ordinal */
    put64(p + 0x1200, 0x1020);
    mum_ctx *ctx;
    mum_ctx_new(&ctx);
    cr_assert_eq(img_transform(p, 0x4, ctx), MUM_OK, "%s", mum_ctx_message(ctx));
    cr_assert_eq(get32(p + 0x800), 0x900);
    cr_assert_eq(get32(p + 0x800 + 12), 0x1130);
    cr_assert_eq(get32(p + 0x800 + 16), 0x1300);
    cr_assert_eq(get64(p + 0x900), 0x1110);
    cr_assert_eq(get64(p + 0x908), UINT64_C(0x8000000000000005));
    cr_assert_eq(get64(p + 0x1200), 0x1120);
    cr_assert_eq(get64(p + IMG_OPT + 24), 0x140000000, "the target's ImageBase, last");
    cr_assert_eq(get32(p + 0x88), 0x22222222, "the target's TimeDateStamp");
    mum_ctx_free(ctx);
    free(p);
}

/* A bound descriptor: without 0x2000 its IAT holds addresses, rebased and
 * mapped; with it the IAT is the ILT again, the stamp and forwarder chain
 * and the bound import directory zeroed. */
Test(delta_pe_transform, bound_imports_rebased_or_unbound)
{
    for (int unbind = 0; unbind < 2; unbind++) {
        uint8_t *p = img_new();
        img_dir(p, 1, 0x800, 40);
        img_dir(p, 11, 0x300, 0x20);
        memset(p + 0x300, 0x5a, 0x20);
        put32(p + 0x800, 0x900);
        put32(p + 0x800 + 4, 0xffffffff);
        put32(p + 0x800 + 8, 0xffffffff);
        put32(p + 0x800 + 12, 0x1030);
        put32(p + 0x800 + 16, 0x1200);
        put64(p + 0x900, 0x1010);
        put64(p + 0x1200, 0x180001040);
        mum_ctx *ctx;
        mum_ctx_new(&ctx);
        cr_assert_eq(img_transform(p, unbind ? 0x2004 : 0x4, ctx), MUM_OK, "%s",
                     mum_ctx_message(ctx));
        if (unbind) {
            cr_assert_eq(get32(p + 0x800 + 4), 0);
            cr_assert_eq(get32(p + 0x800 + 8), 0);
            cr_assert_eq(get64(p + 0x1200), 0x1110, "the ILT's entry, then mapped");
            for (int i = 0; i < 0x20; i++)
                cr_assert_eq(p[0x300 + i], 0, "the bound import directory, byte %d", i);
        } else {
            cr_assert_eq(get32(p + 0x800 + 4), 0xffffffff);
            cr_assert_eq(get64(p + 0x1200), 0x140001140, "rebased and mapped");
            cr_assert_eq(p[0x300], 0x5a);
        }
        mum_ctx_free(ctx);
        free(p);
    }
}

Test(delta_pe_transform, exports_arrays_and_directory)
{
    uint8_t *p = img_new();
    img_dir(p, 0, 0xb00, 40);
    put32(p + 0xb00 + 12, 0x1070); /* Name */
    put32(p + 0xb00 + 20, 2);      /* NumberOfFunctions */
    put32(p + 0xb00 + 24, 1);      /* NumberOfNames */
    put32(p + 0xb00 + 28, 0x1200); /* AddressOfFunctions */
    put32(p + 0xb00 + 32, 0xc00);  /* AddressOfNames */
    put32(p + 0xb00 + 36, 0xc10);  /* AddressOfNameOrdinals */
    put32(p + 0x1200, 0x1050);
    put32(p + 0x1204, 0x400);
    put32(p + 0xc00, 0x1060);
    put16(p + 0xc10, 0x1234);
    mum_ctx *ctx;
    mum_ctx_new(&ctx);
    cr_assert_eq(img_transform(p, 0x8, ctx), MUM_OK, "%s", mum_ctx_message(ctx));
    cr_assert_eq(get32(p + 0xb00 + 12), 0x1170);
    cr_assert_eq(get32(p + 0xb00 + 28), 0x1300);
    cr_assert_eq(get32(p + 0xb00 + 32), 0xc00);
    cr_assert_eq(get32(p + 0x1200), 0x1150);
    cr_assert_eq(get32(p + 0x1204), 0x400);
    cr_assert_eq(get32(p + 0xc00), 0x1160);
    cr_assert_eq(get32(p + 0xc10), 0x1234, "the ordinals are no RVAs");
    /* a count past the image */
    put32(p + 0xb00 + 20, 0x40000000);
    cr_assert_eq(img_transform(p, 0x8, ctx), MUM_EFORMAT);
    cr_assert(strstr(mum_ctx_message(ctx), "the export function array at RVA 0x1300"), "%s",
              mum_ctx_message(ctx));
    mum_ctx_free(ctx);
    free(p);
}

/* Offsets relative to the resource directory (0x1c00, moved by 0x100)
 * change by how much more their place moved. */
Test(delta_pe_transform, resources_relative_offsets)
{
    uint8_t *p = img_new();
    img_dir(p, 2, 0x1c00, 0x100);
    put16(p + 0x1c00 + 14, 1);             /* one id entry */
    put32(p + 0x1c10, 3);                  /* id 3 */
    put32(p + 0x1c14, 0x80000020);         /* a subdirectory at +0x20 */
    put16(p + 0x1c20 + 12, 1);             /* one named entry */
    put32(p + 0x1c30, 0x80000050);         /* its name at +0x50 */
    put32(p + 0x1c34, 0x60);               /* its data entry at +0x60 */
    put32(p + 0x1c60, 0x70);               /* OffsetToData */
    mum_ctx *ctx;
    mum_ctx_new(&ctx);
    cr_assert_eq(img_transform(p, 0x10, ctx), MUM_OK, "%s", mum_ctx_message(ctx));
    cr_assert_eq(get32(p + 0x1c14), 0x80000020, "+0x20 moves as the directory");
    cr_assert_eq(get32(p + 0x1c30), 0x80000090, "+0x50 moves 0x40 more");
    cr_assert_eq(get32(p + 0x1c34), 0x60, "a data entry's place is left");
    cr_assert_eq(get32(p + 0x1c60), 0xb0, "OffsetToData, read as relative");
    mum_ctx_free(ctx);
    free(p);
}

/* DIR64 operands rebased and mapped; the blocks written again by mapped
 * place: page 0 (0xff8, padded) then page 0x1000 (0x1108, 0x1110). */
Test(delta_pe_transform, relocations_rebased_and_rebuilt)
{
    uint8_t *p = img_new();
    img_dir(p, 5, 0x1800, 24);
    put32(p + 0x1800, 0x1000);
    put32(p + 0x1804, 12);
    put16(p + 0x1808, 0xa010);
    put16(p + 0x180a, 0xa008);
    put32(p + 0x180c, 0x0);
    put32(p + 0x1810, 12);
    put16(p + 0x1814, 0xaff8);
    put64(p + 0x1010, 0x180001050);
    put64(p + 0x1008, 0x180000500);
    put64(p + 0xff8, 0x180001c50);
    mum_ctx *ctx;
    mum_ctx_new(&ctx);
    cr_assert_eq(img_transform(p, 0x20, ctx), MUM_OK, "%s", mum_ctx_message(ctx));
    cr_assert_eq(get64(p + 0x1010), 0x140001150);
    cr_assert_eq(get64(p + 0x1008), 0x140000500);
    cr_assert_eq(get64(p + 0xff8), 0x140001d90);
    static const uint8_t want[24] = {0, 0, 0, 0, 12, 0, 0, 0, 0xf8, 0xaf, 0, 0,
                                     0, 0x10, 0, 0, 12, 0, 0, 0, 0x08, 0xa1, 0x10, 0xa1};
    cr_assert_arr_eq(p + 0x1800, want, 24);
    mum_ctx_free(ctx);
    free(p);
}

Test(delta_pe_transform, hostile_relocation_blocks)
{
    uint8_t *p = img_new();
    img_dir(p, 5, 0x1800, 24);
    put32(p + 0x1800, 0x1000);
    put32(p + 0x1804, 4); /* smaller than its header */
    mum_ctx *ctx;
    mum_ctx_new(&ctx);
    cr_assert_eq(img_transform(p, 0x20, ctx), MUM_EFORMAT);
    cr_assert(strstr(mum_ctx_message(ctx), "the relocation block at byte 6144: 4 bytes"), "%s",
              mum_ctx_message(ctx));
    put32(p + 0x1804, 0x10000); /* past the directory */
    cr_assert_eq(img_transform(p, 0x20, ctx), MUM_EFORMAT);
    cr_assert(strstr(mum_ctx_message(ctx), "65536 bytes (the directory ends at byte 6168)"),
              "%s", mum_ctx_message(ctx));
    mum_ctx_free(ctx);
    free(p);
}

Test(delta_pe_transform, hostile_import_walks)
{
    uint8_t *p = img_new();
    /* descriptors to the end of the image, none all-zero */
    img_dir(p, 1, 0x1f00, 40);
    memset(p + 0x1f00, 0x11, 0x100);
    mum_ctx *ctx;
    mum_ctx_new(&ctx);
    cr_assert_eq(img_transform(p, 0x4, ctx), MUM_EFORMAT);
    cr_assert(strstr(mum_ctx_message(ctx), "no terminating descriptor"), "%s",
              mum_ctx_message(ctx));
    free(p);
    /* a thunk array to the end of the image */
    p = img_new();
    img_dir(p, 1, 0x800, 40);
    put32(p + 0x800, 0x1f00);
    put32(p + 0x800 + 12, 0x1030);
    memset(p + 0x1f00, 0x22, 0x100);
    cr_assert_eq(img_transform(p, 0x4, ctx), MUM_EFORMAT);
    cr_assert(strstr(mum_ctx_message(ctx), "the import thunks at RVA 0x1f00: no terminating"),
              "%s", mum_ctx_message(ctx));
    free(p);
    /* a hundred descriptors sharing one long thunk array */
    p = img_new();
    img_dir(p, 1, 0x800, 40);
    for (int i = 0; i < 100; i++) {
        put32(p + 0x800 + 20 * i, 0x1000);
        put32(p + 0x800 + 20 * i + 12, 0x1030);
    }
    for (int i = 0; i < 0x7f8; i += 8)
        put64(p + 0x1000 + i, 0x8000000000000001);
    cr_assert_eq(img_transform(p, 0x4, ctx), MUM_EFORMAT);
    cr_assert(strstr(mum_ctx_message(ctx), "more entries than the image holds"), "%s",
              mum_ctx_message(ctx));
    mum_ctx_free(ctx);
    free(p);
}

/* .pdata drives DisasmX64: in the function [0x400, 0x420) a call, a
 * RIP-relative load, a mov of an imm64 (length only) and a je; then its
 * RVAs and its unwind information's handler are mapped. */
Test(delta_pe_transform, x64_code_and_pdata)
{
    uint8_t *p = img_new();
    img_dir(p, 3, 0x1900, 12);
    put32(p + 0x1900, 0x400);
    put32(p + 0x1904, 0x420);
    put32(p + 0x1908, 0x1a00);
    static const uint8_t code[] = {
        0xe8, 0xfb, 0x0b, 0x00, 0x00,                   /* call 0x1000 */
        0x48, 0x8b, 0x05, 0x14, 0x0c, 0x00, 0x00,       /* mov rax, [rip+0xc14]: 0x1020 */
        0x48, 0xb8, 0xe8, 1, 2, 3, 4, 5, 6, 7,          /* mov rax, imm64 */
        0x0f, 0x84, 0xf4, 0x0b, 0x00, 0x00,             /* je 0x1010 */
        0xc3, 0xcc, 0xcc, 0xcc};
    memcpy(p + 0x400, code, sizeof code);
    p[0x1a00] = 0x09; /* version 1, UNW_FLAG_EHANDLER */
    p[0x1a02] = 1;    /* one unwind code */
    put32(p + 0x1a08, 0x1080);
    mum_ctx *ctx;
    mum_ctx_new(&ctx);
    cr_assert_eq(img_transform(p, 0x600, ctx), MUM_OK, "%s", mum_ctx_message(ctx));
    cr_assert_eq(get32(p + 0x401), 0xcfb, "call: MapRva(0x1000) - 0x405");
    cr_assert_eq(get32(p + 0x408), 0xd14);
    cr_assert_arr_eq(p + 0x40c, code + 12, 10, "an imm64 is no operand");
    cr_assert_eq(get32(p + 0x418), 0xcf4);
    cr_assert_eq(get32(p + 0x1900), 0x400);
    cr_assert_eq(get32(p + 0x1904), 0x420);
    cr_assert_eq(get32(p + 0x1908), 0x1b00);
    cr_assert_eq(get32(p + 0x1a08), 0x1180, "the handler after the unwind codes");
    /* an i386 image: the amd64 transforms do not apply */
    uint8_t *q = img_new();
    memcpy(q + 0x400, code, sizeof code);
    put32(q + 0x1900, 0x400);
    put32(q + 0x1904, 0x420);
    img_dir(q, 3, 0x1900, 12);
    put16(q + 0x84, 0x14c);
    cr_assert_eq(img_transform(q, 0x600, ctx), MUM_OK, "%s", mum_ctx_message(ctx));
    cr_assert_arr_eq(q + 0x400, code, sizeof code);
    cr_assert_eq(get32(q + 0x1904), 0x420);
    mum_ctx_free(ctx);
    free(q);
    free(p);
}

/* Functions that overlap over and over: the walk is bounded. */
Test(delta_pe_transform, hostile_pdata_overlapping_functions)
{
    uint8_t *p = img_new();
    img_dir(p, 3, 0x1000, 12 * 200);
    for (int i = 0; i < 200; i++) {
        put32(p + 0x1000 + 12 * i, 0x400);
        put32(p + 0x1000 + 12 * i + 4, 0x800);
    }
    memset(p + 0x400, 0x90, 0x400);
    mum_ctx *ctx;
    mum_ctx_new(&ctx);
    cr_assert_eq(img_transform(p, 0x200, ctx), MUM_EFORMAT);
    cr_assert(strstr(mum_ctx_message(ctx), "overlapping functions"), "%s", mum_ctx_message(ctx));
    mum_ctx_free(ctx);
    free(p);
}

/* The length decoder: lengths and the place of the RIP-relative operand. */
Test(delta_pe_transform, x64_instruction_lengths)
{
    static const struct {
        uint8_t b[15];
        size_t n, len;
        int field;
    } t[] = {
        {{0x90}, 1, 1, -1},
        {{0xe8, 1, 2, 3, 4}, 5, 5, 1},
        {{0xe9, 1, 2, 3, 4}, 5, 5, 1},
        {{0xeb, 0x10}, 2, 2, -1},
        {{0x0f, 0x85, 1, 2, 3, 4}, 6, 6, 2},
        {{0x48, 0x8d, 0x0d, 1, 2, 3, 4}, 7, 7, 3},             /* lea rcx, [rip+] */
        {{0xff, 0x15, 1, 2, 3, 4}, 6, 6, 2},                   /* call [rip+] */
        {{0x66, 0x81, 0x3d, 1, 2, 3, 4, 5, 6}, 9, 9, 3},       /* cmp word [rip+], imm16 */
        {{0x48, 0x89, 0x44, 0x24, 0x08}, 5, 5, -1},            /* mov [rsp+8], rax */
        {{0x8b, 0x04, 0x25, 1, 2, 3, 4}, 7, 7, -1},            /* an absolute disp32 */
        {{0x48, 0x8b, 0x80, 1, 2, 3, 4}, 7, 7, -1},            /* [rax+disp32] */
        {{0xf6, 0x05, 1, 2, 3, 4, 0x80}, 7, 7, 2},             /* test byte [rip+], imm8 */
        {{0xf7, 0xd8}, 2, 2, -1},                              /* neg eax: no immediate */
        {{0xa1, 1, 2, 3, 4, 5, 6, 7, 8}, 9, 9, -1},            /* mov eax, moffs64 */
        {{0x67, 0xa1, 1, 2, 3, 4}, 6, 6, -1},                  /* with 0x67: moffs32 */
        {{0x41, 0xb8, 1, 2, 3, 4}, 6, 6, -1},                  /* mov r8d, imm32 */
        {{0xc2, 0x08, 0x00}, 3, 1, -1},  /* ret imm16, read as an imm32: cut short */
        {{0xe8, 1, 2}, 3, 1, -1},                              /* a rel32 cut short */
        {{0x48, 0x48, 0x90}, 3, 1, -1},                        /* two REX: stops */
        {{0x06}, 1, 1, -1},                                    /* not an amd64 opcode */
        {{0xf3, 0x48, 0xa5}, 3, 3, -1},                        /* rep movsq */
    };
    for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
        int field;
        size_t len = mum__x64_insn(t[i].b, t[i].n, &field);
        cr_assert_eq(len, t[i].len, "case %zu: length %zu", i, len);
        cr_assert_eq(field, t[i].field, "case %zu: field %d", i, field);
    }
}

/* ---- the i386 passes (delta_pe_x86.c), on an image built here ---- */

/* An image of 0x400 bytes: headers, .text (RVA 0x1000, file 0x200, 0x100
 * bytes, executable), .data (RVA 0x2000, file 0x300, 0x100 bytes). */
enum { X86_SIZE = 0x400, X86_TEXT = 0x200, X86_DATA = 0x300 };

typedef struct x86_case {
    uint8_t img[X86_SIZE];
    uint8_t owned[X86_SIZE];
    mum__pe_section sec[2];
    mum__rift map[4];
    mum__pe_x86 x;
} x86_case;

static void x86_init(x86_case *c, const mum__rift *map, size_t nmap)
{
    memset(c, 0, sizeof *c);
    memset(c->img, 0xCC, sizeof c->img);
    c->sec[0] = (mum__pe_section){0x1000, 0x100, X86_TEXT, 0x100, 0x60000020};
    c->sec[1] = (mum__pe_section){0x2000, 0x100, X86_DATA, 0x100, 0xC0000040};
    memcpy(c->map, map, nmap * sizeof *map);
    c->x = (mum__pe_x86){c->img, X86_SIZE, c->owned, c->sec, 2, 0x3000, c->map, nmap, NULL,
                         0, 0};
}

/* An instruction at RVA `rva` of .text: opcode bytes, then a rel32. */
static void x86_put(x86_case *c, uint32_t rva, const uint8_t *op, size_t n, int32_t rel)
{
    uint8_t *p = c->img + X86_TEXT + (rva - 0x1000);
    memcpy(p, op, n);
    put32(p + n, (uint32_t)rel);
}

static int32_t x86_rel(const x86_case *c, uint32_t rva)
{
    return (int32_t)get32(c->img + X86_TEXT + (rva - 0x1000));
}

/* RVAs from 0x1040 on move by +0x40; .data moves by +0x100. */
static const mum__rift moving[] = {{0, 0}, {0x1040, 0x1080}, {0x2000, 0x2100}};

Test(delta_pe_x86, the_rva_map_is_a_step_function)
{
    cr_assert_eq(mum__rift_map(moving, 3, 0x1000), 0x1000);
    cr_assert_eq(mum__rift_map(moving, 3, 0x1040), 0x1080);
    cr_assert_eq(mum__rift_map(moving, 3, 0x1fff), 0x203f);
    cr_assert_eq(mum__rift_map(moving, 3, 0x2010), 0x2110);
    cr_assert_eq(mum__rift_map(moving + 1, 2, 0x10), 0x10, "before the first entry");
    cr_assert_eq(mum__rift_map(NULL, 0, 0x1234), 0x1234, "no table: the identity");
}

Test(delta_pe_x86, calls_are_mapped_through_the_rva_map)
{
    x86_case c;
    x86_init(&c, moving, 3);
    const uint8_t e8 = 0xE8;
    x86_put(&c, 0x1010, &e8, 1, 0x1050 - 0x1015);  /* into moved code */
    x86_put(&c, 0x1020, &e8, 1, 0x2010 - 0x1025);  /* into .data: moves +0x100 */
    x86_put(&c, 0x1030, &e8, 1, 0x7000 - 0x1035);  /* past SizeOfImage: no call */
    x86_put(&c, 0x1060, &e8, 1, 0x1000 - 0x1065);  /* from moved code backwards */
    /* an E8 inside a mapped call's operand is not looked at */
    x86_put(&c, 0x1070, &e8, 1, (int32_t)0x00E80000 + (0x1048 - 0x1075));
    cr_assert_eq(mum__pe_x86_calls(&c.x), MUM_OK);
    cr_assert_eq(x86_rel(&c, 0x1011), 0x1090 - 0x1015);
    cr_assert_eq(x86_rel(&c, 0x1021), 0x2110 - 0x1025);
    cr_assert_eq(x86_rel(&c, 0x1031), 0x7000 - 0x1035, "not a call: untouched");
    cr_assert_eq(x86_rel(&c, 0x1061), 0x1000 - 0x10a5);
    /* 0x00E80000 + 0x1048 - 0x1075 lands past the image: untouched */
    cr_assert_eq(x86_rel(&c, 0x1071), (int32_t)0x00E80000 + (0x1048 - 0x1075));
}

Test(delta_pe_x86, calls_leave_owned_bytes_and_destinations_alone)
{
    x86_case c;
    x86_init(&c, moving, 3);
    const uint8_t e8 = 0xE8;
    x86_put(&c, 0x1010, &e8, 1, 0x1050 - 0x1015);
    x86_put(&c, 0x1020, &e8, 1, 0x1060 - 0x1025);
    c.owned[X86_TEXT + 0x13] = 1;               /* a byte of the first call */
    c.owned[X86_TEXT + 0x60] = 1;               /* the second's destination */
    cr_assert_eq(mum__pe_x86_calls(&c.x), MUM_OK);
    cr_assert_eq(x86_rel(&c, 0x1011), 0x1050 - 0x1015);
    cr_assert_eq(x86_rel(&c, 0x1021), 0x1060 - 0x1025);
    /* marking the non-code owns .data: calls into it stay as they are */
    x86_init(&c, moving, 3);
    x86_put(&c, 0x1020, &e8, 1, 0x2010 - 0x1025);
    cr_assert_eq(mum__pe_x86_mark_non_exe(&c.x), MUM_OK);
    cr_assert_eq(c.owned[0], 1, "the headers");
    cr_assert_eq(c.owned[X86_TEXT], 0, "code");
    cr_assert_eq(c.owned[X86_TEXT + 0xff], 0);
    cr_assert_eq(c.owned[X86_DATA], 1, "data");
    cr_assert_eq(mum__pe_x86_calls(&c.x), MUM_OK);
    cr_assert_eq(x86_rel(&c, 0x1021), 0x2010 - 0x1025);
}

Test(delta_pe_x86, jumps_are_mapped_and_shortened_when_they_fit_a_byte)
{
    /* code from 0x1080 on moves back to 0x1010 */
    static const mum__rift closer[] = {{0, 0}, {0x1080, 0x1010}};
    x86_case c;
    x86_init(&c, closer, 2);
    const uint8_t e9 = 0xE9, jne[2] = {0x0F, 0x85};
    x86_put(&c, 0x1000, &e9, 1, 0x1090 - 0x1005);   /* -> 0x1020: fits a byte */
    x86_put(&c, 0x1010, jne, 2, 0x10a0 - 0x1016);   /* -> 0x1030: fits a byte */
    x86_put(&c, 0x1020, &e9, 1, 0x10 - 0x1025);     /* to the headers: stays far */
    x86_put(&c, 0x1030, &e9, 1, 0x40);              /* fits a byte already: no jump */
    cr_assert_eq(mum__pe_x86_jmps(&c.x), MUM_OK);
    const uint8_t *t = c.img + X86_TEXT;
    cr_assert_eq(t[0x00], 0xEB);
    cr_assert_eq(t[0x01], (uint8_t)(0x1020 - 0x1005));
    cr_assert_eq(t[0x02], (uint8_t)((0x1090 - 0x1005) >> 8), "the rest stays stale");
    cr_assert_eq(t[0x10], 0x75);
    cr_assert_eq(t[0x11], (uint8_t)(0x1030 - 0x1016));
    cr_assert_eq(x86_rel(&c, 0x1021), 0x10 - 0x1025);
    cr_assert_eq(x86_rel(&c, 0x1031), 0x40);
    /* an owned 0F: the jump keeps its long form, with the new rel32 */
    x86_init(&c, closer, 2);
    x86_put(&c, 0x1010, jne, 2, 0x10a0 - 0x1016);
    c.owned[X86_TEXT + 0x10] = 1;
    cr_assert_eq(mum__pe_x86_jmps(&c.x), MUM_OK);
    cr_assert_eq(t[0x10], 0x0F);
    cr_assert_eq(t[0x11], 0x85);
    cr_assert_eq(x86_rel(&c, 0x1012), 0x1030 - 0x1016);
}

Test(delta_pe_x86, jumps_that_do_not_fit_keep_the_long_form)
{
    x86_case c;
    x86_init(&c, moving, 3);
    const uint8_t e9 = 0xE9;
    x86_put(&c, 0x1000, &e9, 1, 0x2020 - 0x1005);
    cr_assert_eq(mum__pe_x86_jmps(&c.x), MUM_OK);
    cr_assert_eq(c.img[X86_TEXT], 0xE9);
    cr_assert_eq(x86_rel(&c, 0x1001), 0x2120 - 0x1005);
}

/* Hostile sections: raw data past the image, an opcode in a section's last
 * bytes.  Clipped, never read past (the sanitizer build checks). */
Test(delta_pe_x86_hostile, sections_past_the_image_and_opcodes_at_the_end)
{
    x86_case c;
    x86_init(&c, moving, 3);
    c.sec[0].raw_size = c.sec[0].vsize = 0xFFFFFF00u;   /* runs past the image */
    c.sec[1] = (mum__pe_section){0x2000, 0x100, 0xFFFFFFF0u, 0x100, 0x60000020};
    c.img[X86_SIZE - 4] = 0xE8;
    c.img[X86_SIZE - 3] = 0x0F;
    c.img[X86_SIZE - 2] = 0x85;
    c.img[X86_SIZE - 1] = 0xE9;
    uint8_t before[X86_SIZE];
    memcpy(before, c.img, X86_SIZE);
    cr_assert_eq(mum__pe_x86_mark_non_exe(&c.x), MUM_OK);
    cr_assert_eq(mum__pe_x86_jmps(&c.x), MUM_OK);
    cr_assert_eq(mum__pe_x86_calls(&c.x), MUM_OK);
    cr_assert_eq(memcmp(before, c.img, X86_SIZE), 0);
    /* a 0F 8x whose rel32 runs past the section, not past the image */
    x86_init(&c, moving, 3);
    c.sec[0].raw_size = c.sec[0].vsize = 0x10;
    const uint8_t jne[2] = {0x0F, 0x85};
    x86_put(&c, 0x100b, jne, 2, 0x2010 - 0x1011);
    cr_assert_eq(mum__pe_x86_jmps(&c.x), MUM_OK);
    cr_assert_eq(x86_rel(&c, 0x100d), 0x2110 - 0x1011);
}

/* ---- the i386 passes within the transforms (mum__delta_pe_transform) ----
 *
 * A PE32 i386 image of 0x2000 bytes whose file offsets are its RVAs: .text
 * [0x400, 0x800) executable, .data [0x800, 0x2000); ImageBase 0x10000000.
 * The RVA map is img_map: from 0x1000 on +0x100, from 0x1c40 on +0x140. */

#define I32_OPT 0x98
#define I32_DIRS (I32_OPT + 96)
#define I32_SECTIONS (I32_OPT + 224)

static uint8_t *i386_new(void)
{
    uint8_t *p = calloc(1, IMG);
    p[0] = 'M';
    p[1] = 'Z';
    put32(p + 0x3c, 0x80);
    memcpy(p + 0x80, "PE\0\0", 4);
    put16(p + 0x84, 0x14c);
    put16(p + 0x86, 2);
    put16(p + 0x84 + 16, 224);
    put16(p + I32_OPT, 0x10b);
    put32(p + I32_OPT + 28, 0x10000000);
    put32(p + I32_OPT + 56, IMG);
    put32(p + I32_OPT + 92, 16);
    const struct { const char *name; uint32_t va, size, flags; } s[2] = {
        {".text", 0x400, 0x400, 0x60000020}, {".data", 0x800, 0x1800, 0xc0000040}};
    for (int i = 0; i < 2; i++) {
        uint8_t *h = p + I32_SECTIONS + 40 * i;
        memcpy(h, s[i].name, strlen(s[i].name));
        put32(h + 8, s[i].size);
        put32(h + 12, s[i].va);
        put32(h + 16, s[i].size);
        put32(h + 20, s[i].va);
        put32(h + 36, s[i].flags);
    }
    return p;
}

static void i386_dir(uint8_t *p, int i, uint32_t rva, uint32_t size)
{
    put32(p + I32_DIRS + 8 * i, rva);
    put32(p + I32_DIRS + 8 * i + 4, size);
}

static int i386_transform(uint8_t *p, uint64_t flags, mum_ctx *ctx)
{
    return mum__delta_pe_transform(ctx, p, IMG, flags, img_map,
                                   sizeof img_map / sizeof *img_map, 0x10000000, 0x22222222);
}

/* The table transforms own what they rewrite: a call whose bytes overlap a
 * relocated operand, or whose destination is an export field, is left as
 * it is; the same calls without those tables are mapped. */
Test(delta_pe_x86_transform, calls_skip_what_the_tables_own)
{
    for (int tables = 0; tables < 2; tables++) {
        uint8_t *p = i386_new();
        /* 0x400: E8 to 0x1080, whose 4 bytes a relocation also names (a
         * value the rebasing leaves as it is: same ImageBase, an RVA below
         * the map's first entry) */
        p[0x400] = 0xE8;
        put32(p + 0x401, 0x1080 - 0x405);
        /* 0x410: E8 to 0x1c44, the export directory's Name field */
        p[0x410] = 0xE8;
        put32(p + 0x411, 0x1c44 - 0x415);
        i386_dir(p, 0, 0x1c38, 40);
        put32(p + 0x1c38 + 12, 0x1d00); /* Name */
        i386_dir(p, 5, 0x1e00, 12);
        put32(p + 0x1e00, 0x0);         /* page 0 */
        put32(p + 0x1e04, 12);
        put16(p + 0x1e08, 0x3401);      /* HIGHLOW at 0x401 */
        uint64_t flags = 0x100 | (tables ? 0x28 : 0);
        mum_ctx *ctx;
        mum_ctx_new(&ctx);
        cr_assert_eq(i386_transform(p, flags, ctx), MUM_OK, "%s", mum_ctx_message(ctx));
        if (tables) {
            cr_assert_eq(get32(p + 0x401), 0x1080 - 0x405, "relocated, owned: no call");
            cr_assert_eq(get32(p + 0x1c38 + 12), 0x1e40, "the export Name mapped");
            cr_assert_eq(get32(p + 0x411), 0x1c44 - 0x415, "a call into owned bytes: left");
        } else {
            cr_assert_eq(get32(p + 0x401), 0x1180 - 0x405, "no tables: the call is mapped");
            cr_assert_eq(get32(p + 0x411), 0x1d84 - 0x415);
        }
        mum_ctx_free(ctx);
        free(p);
    }
}

/* Flag 0x2 marks the non-code: a call into .data is left as it is. */
Test(delta_pe_x86_transform, mark_non_exe_protects_data)
{
    for (int mark = 0; mark < 2; mark++) {
        uint8_t *p = i386_new();
        p[0x400] = 0xE8;
        put32(p + 0x401, 0x1080 - 0x405);
        mum_ctx *ctx;
        mum_ctx_new(&ctx);
        cr_assert_eq(i386_transform(p, 0x100 | (mark ? 0x2 : 0), ctx), MUM_OK, "%s",
                     mum_ctx_message(ctx));
        cr_assert_eq(get32(p + 0x401), mark ? 0x1080 - 0x405 : 0x1180 - 0x405);
        mum_ctx_free(ctx);
        free(p);
    }
}

/* Jumps and calls are i386 transforms: an amd64 image is left alone. */
Test(delta_pe_x86_transform, not_on_amd64_images)
{
    uint8_t *p = img_new();
    p[0x400] = 0xE8;
    put32(p + 0x401, 0x1080 - 0x405);
    mum_ctx *ctx;
    mum_ctx_new(&ctx);
    cr_assert_eq(img_transform(p, 0x180, ctx), MUM_OK, "%s", mum_ctx_message(ctx));
    cr_assert_eq(get32(p + 0x401), 0x1080 - 0x405);
    mum_ctx_free(ctx);
    free(p);
}

/* Flag 0x40: a load configuration that lists lock prefixes is refused by
 * name; one without (Windows 7's) changes nothing. */
Test(delta_pe_x86_transform, smashlock_refuses_a_lock_prefix_table)
{
    uint8_t *p = i386_new();
    i386_dir(p, 10, 0x1800, 72);
    put32(p + 0x1800, 72);
    uint8_t *before = malloc(IMG);
    mum_ctx *ctx;
    mum_ctx_new(&ctx);
    cr_assert_eq(i386_transform(p, 0x40, ctx), MUM_OK, "%s", mum_ctx_message(ctx));
    memcpy(before, p, IMG);
    cr_assert_eq(i386_transform(p, 0x40, ctx), MUM_OK);
    cr_assert_eq(memcmp(before, p, IMG), 0, "no table: nothing changes");
    put32(p + 0x1800 + 32, 0x10000410); /* LockPrefixTable */
    cr_assert_eq(i386_transform(p, 0x40, ctx), MUM_EUNSUPPORTED);
    cr_assert(strstr(mum_ctx_message(ctx), "flag 0x40") &&
                  strstr(mum_ctx_message(ctx), "lists lock prefixes"),
              "%s", mum_ctx_message(ctx));
    cr_assert_eq(i386_transform(p, 0x100, ctx), MUM_OK, "without 0x40 the table is no matter");
    mum_ctx_free(ctx);
    free(before);
    free(p);
}

/* Unbinding zeroes the bound import directory and its data directory
 * entry (KB3040017's i386 delta 3 needs the entry zeroed). */
Test(delta_pe_x86_transform, unbinding_zeroes_the_bound_directory_entry)
{
    uint8_t *p = i386_new();
    i386_dir(p, 11, 0x300, 0x20);
    memset(p + 0x300, 0x5a, 0x20);
    mum_ctx *ctx;
    mum_ctx_new(&ctx);
    cr_assert_eq(i386_transform(p, 0x2000, ctx), MUM_OK, "%s", mum_ctx_message(ctx));
    for (int i = 0; i < 0x20; i++)
        cr_assert_eq(p[0x300 + i], 0);
    cr_assert_eq(get32(p + I32_DIRS + 8 * 11), 0);
    cr_assert_eq(get32(p + I32_DIRS + 8 * 11 + 4), 0);
    mum_ctx_free(ctx);
    free(p);
}

/* 65535 sections could each cover the whole image: the scans are bounded
 * (MUM_ELIMIT, naming the pass), not quadratic. */
Test(delta_pe_x86_hostile, overlapping_sections_bound_the_scans)
{
    x86_case c;
    x86_init(&c, moving, 3);
    enum { N = 200 };
    mum__pe_section *many = calloc(N, sizeof *many);
    for (int i = 0; i < N; i++)
        many[i] = (mum__pe_section){0x1000, X86_SIZE, 0, X86_SIZE, 0x60000020};
    c.x.sec = many;
    c.x.nsec = N;
    mum_ctx *ctx;
    mum_ctx_new(&ctx);
    c.x.ctx = ctx;
    cr_assert_eq(mum__pe_x86_calls(&c.x), MUM_ELIMIT);
    cr_assert(strstr(mum_ctx_message(ctx), "the i386 call transform: 200 sections"), "%s",
              mum_ctx_message(ctx));
    cr_assert_eq(mum__pe_x86_jmps(&c.x), MUM_ELIMIT);
    cr_assert(strstr(mum_ctx_message(ctx), "the i386 jump transform"), "%s",
              mum_ctx_message(ctx));
    cr_assert_eq(mum__pe_x86_mark_non_exe(&c.x), MUM_ELIMIT);
    cr_assert(strstr(mum_ctx_message(ctx), "the i386 non-code marking"), "%s",
              mum_ctx_message(ctx));
    c.x.nsec = 4; /* a few overlapping ones are no matter */
    cr_assert_eq(mum__pe_x86_calls(&c.x), MUM_OK);
    mum_ctx_free(ctx);
    free(many);
}

/* q: p (IMG bytes) with 4 bytes changed, each within `span` after one of
 * the n spots, to 0xff or a byte of the sequence `seed` steps. */
static void change_at_random(uint8_t *q, const uint8_t *p, const uint32_t *spots, size_t n,
                             uint32_t span, uint32_t *seed)
{
    memcpy(q, p, IMG);
    for (int k = 0; k < 4; k++) {
        *seed = *seed * 1103515245u + 12345u;
        uint32_t at = spots[(*seed >> 8) % n] + (*seed >> 20) % span;
        *seed = *seed * 1103515245u + 12345u;
        q[at] = (*seed >> 16) & 1 ? 0xff : (uint8_t)(*seed >> 8);
    }
}

/* An image with every table of the tests above, then bytes of its headers
 * and tables changed at random (a fixed sequence): each transform run
 * ends in MUM_OK or a MUM_EFORMAT naming the source, never out of
 * bounds (the sanitizer build checks that). */
Test(delta_pe_hostile, random_changes_to_the_tables)
{
    uint8_t *p = img_new();
    img_dir(p, 0, 0xb00, 40);
    img_dir(p, 1, 0x800, 40);
    img_dir(p, 2, 0x1c00, 0x100);
    img_dir(p, 3, 0x1900, 24);
    img_dir(p, 5, 0x1800, 24);
    img_dir(p, 11, 0x300, 0x20);
    put32(p + 0x800, 0x900);
    put32(p + 0x804, 1);
    put32(p + 0x80c, 0x1030);
    put32(p + 0x810, 0x1200);
    put64(p + 0x900, 0x1010);
    put32(p + 0xb00 + 20, 2);
    put32(p + 0xb00 + 24, 1);
    put32(p + 0xb00 + 28, 0x1200);
    put32(p + 0xb00 + 32, 0xc00);
    put16(p + 0x1c00 + 14, 1);
    put32(p + 0x1c14, 0x80000020);
    put16(p + 0x1c20 + 12, 1);
    put32(p + 0x1c30, 0x80000050);
    put32(p + 0x1c34, 0x60);
    put32(p + 0x1900, 0x400);
    put32(p + 0x1904, 0x420);
    put32(p + 0x1908, 0x1a00);
    put32(p + 0x190c, 0x420);
    put32(p + 0x1910, 0x800);
    put32(p + 0x1914, 0x1a00);
    p[0x1a00] = 0x09;
    put32(p + 0x1800, 0x1000);
    put32(p + 0x1804, 12);
    put16(p + 0x1808, 0xa010);
    put16(p + 0x180a, 0x3008);
    put32(p + 0x180c, 0x0);
    put32(p + 0x1810, 12);
    put16(p + 0x1814, 0x4ff8);
    for (int i = 0x400; i < 0x800; i++)
        p[i] = (uint8_t)(i * 7 + 0x40);
    static const uint32_t spots[] = {0x84, IMG_DIRS, IMG_SECTIONS, 0x300, 0x800, 0x900,
                                     0xb00, 0xc00, 0x1200, 0x1800, 0x1900, 0x1a00, 0x1c00};
    uint32_t seed = 12345;
    mum_ctx *ctx;
    mum_ctx_new(&ctx);
    uint8_t *q = malloc(IMG);
    int ok = 0, failed = 0;
    for (int round = 0; round < 3000; round++) {
        change_at_random(q, p, spots, sizeof spots / sizeof *spots, 48, &seed);
        int rc = img_transform(q, 0x263e, ctx);
        cr_assert(rc == MUM_OK || rc == MUM_EFORMAT, "round %d: %d %s", round, rc,
                  mum_ctx_message(ctx));
        if (rc == MUM_EFORMAT)
            cr_assert(strstr(mum_ctx_message(ctx), "source"), "round %d: %s", round,
                      mum_ctx_message(ctx));
        *(rc == MUM_OK ? &ok : &failed) += 1;
    }
    cr_assert(ok > 100 && failed > 100, "both ends reached: %d, %d", ok, failed);
    free(q);
    mum_ctx_free(ctx);
    free(p);
}

/* An i386 image with code, relocations, exports and a load configuration,
 * then bytes of its headers, sections and tables changed at random (a fixed
 * sequence), all transforms of the genuine flags 0x21fe run: each ends in
 * MUM_OK or an error naming the source, never out of bounds (the sanitizer
 * build checks that). */
Test(delta_pe_x86_hostile, random_changes_to_an_i386_image)
{
    uint8_t *p = i386_new();
    for (int i = 0x400; i < 0x800; i++)
        p[i] = (uint8_t)(i * 13 + 0xe8);
    for (int i = 0x400; i < 0x7f0; i += 23) {
        p[i] = i % 3 ? 0xE8 : 0xE9;
        put32(p + i + 1, (uint32_t)(0x1c40 - i - 5));
    }
    i386_dir(p, 0, 0x1c38, 40);
    put32(p + 0x1c38 + 12, 0x1d00);
    i386_dir(p, 5, 0x1e00, 12);
    put32(p + 0x1e04, 12);
    put16(p + 0x1e08, 0x3401);
    i386_dir(p, 10, 0x1800, 72);
    put32(p + 0x1800, 72);
    static const uint32_t spots[] = {0x84, I32_OPT + 56, I32_DIRS, I32_SECTIONS,
                                     I32_SECTIONS + 40, 0x400, 0x7e0, 0x1800, 0x1c38, 0x1e00};
    uint32_t seed = 4242;
    mum_ctx *ctx;
    mum_ctx_new(&ctx);
    uint8_t *q = malloc(IMG);
    int ok = 0, failed = 0;
    for (int round = 0; round < 3000; round++) {
        change_at_random(q, p, spots, sizeof spots / sizeof *spots, 40, &seed);
        int rc = i386_transform(q, 0x21fe, ctx);
        cr_assert(rc == MUM_OK || rc == MUM_EFORMAT || rc == MUM_EUNSUPPORTED ||
                      rc == MUM_ELIMIT,
                  "round %d: %d %s", round, rc, mum_ctx_message(ctx));
        if (rc != MUM_OK)
            cr_assert(strstr(mum_ctx_message(ctx), "source") ||
                          strstr(mum_ctx_message(ctx), "ImageBase"),
                      "round %d: %s", round, mum_ctx_message(ctx));
        *(rc == MUM_OK ? &ok : &failed) += 1;
    }
    cr_assert(ok > 100 && failed > 10, "both ends reached: %d, %d", ok, failed);
    free(q);
    mum_ctx_free(ctx);
    free(p);
}
