/*
 * test_pe_version.c - the file version of a PE image's version resource
 * (src/lib/pe_version.c), on images crafted here byte by byte at the
 * offsets the PE/COFF specification gives: headers, one .rsrc section
 * holding the tree RT_VERSION / 1 / 0x409 and a VS_VERSIONINFO.  Streamed
 * in blocks of every size, cut anywhere, and with hostile offsets in every
 * field the reader follows: a version or "none", never a read outside.
 */
#include "testutil.h"

#include "graph_internal.h"
#include "pe_version.h"

#include <mum/graph.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

enum {
    LFANEW = 0x80,
    HEADERS = 0x400,
    RSRC_RVA = 0x2000,
    RSRC_RAW = 0x200,    /* the section's raw data size (one file-alignment unit) */
    TEXT_RAW = 0x200
};

static void w16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void w32(uint8_t *p, uint32_t v)
{
    w16(p, (uint16_t)v);
    w16(p + 2, (uint16_t)(v >> 16));
}

/* Where the fields a test breaks lie, in the image `craft` makes. */
typedef struct layout {
    size_t opt, nrva, resdir, table, rsrc_at, data_entry, vs;
} layout;

/*
 * A PE32 (plus: PE32+) image: headers, a .text section, then .rsrc with
 * the version ms.ls; `pad` bytes of zeros before the VS_VERSIONINFO (it may
 * lie anywhere in the section).
 */
static uint8_t *craft(bool plus, uint32_t ms, uint32_t ls, size_t pad, size_t *size, layout *l)
{
    size_t rsrc_raw = (0x58 + pad + 0x100 + 0x1ff) & ~(size_t)0x1ff;
    *size = HEADERS + TEXT_RAW + rsrc_raw;
    uint8_t *p = calloc(1, *size);
    cr_assert_not_null(p);
    p[0] = 'M';
    p[1] = 'Z';
    w32(p + 0x3c, LFANEW);
    memcpy(p + LFANEW, "PE\0\0", 4);
    size_t coff = LFANEW + 4;
    uint16_t opt_size = plus ? 240 : 224;
    w16(p + coff, plus ? 0x8664 : 0x14c);
    w16(p + coff + 2, 2);
    w16(p + coff + 16, opt_size);
    size_t opt = coff + 20;
    w16(p + opt, plus ? 0x20b : 0x10b);
    w32(p + opt + 60, HEADERS);
    size_t nrva = opt + (plus ? 108 : 92);
    w32(p + nrva, 16);
    size_t resdir = nrva + 4 + 2 * 8;
    w32(p + resdir, RSRC_RVA);
    w32(p + resdir + 4, (uint32_t)(0x58 + pad + 0x100));
    size_t table = opt + opt_size;
    memcpy(p + table, ".text", 5);
    w32(p + table + 8, TEXT_RAW);
    w32(p + table + 12, 0x1000);
    w32(p + table + 16, TEXT_RAW);
    w32(p + table + 20, HEADERS);
    memcpy(p + table + 40, ".rsrc", 5);
    w32(p + table + 48, (uint32_t)rsrc_raw);
    w32(p + table + 52, RSRC_RVA);
    w32(p + table + 56, (uint32_t)rsrc_raw);
    w32(p + table + 60, HEADERS + TEXT_RAW);
    memset(p + HEADERS, 0xcc, TEXT_RAW);

    uint8_t *r = p + HEADERS + TEXT_RAW;
    /* root: one id entry 16 -> directory at 0x18 */
    w16(r + 14, 1);
    w32(r + 16, 16);
    w32(r + 20, 0x80000018u);
    /* names: id 1 -> directory at 0x30 */
    w16(r + 0x18 + 14, 1);
    w32(r + 0x18 + 16, 1);
    w32(r + 0x18 + 20, 0x80000030u);
    /* languages: 0x409 -> data entry at 0x48 */
    w16(r + 0x30 + 14, 1);
    w32(r + 0x30 + 16, 0x409);
    w32(r + 0x30 + 20, 0x48);
    size_t vs = 0x58 + pad;
    w32(r + 0x48, (uint32_t)(RSRC_RVA + vs));
    w32(r + 0x4c, 0x100);
    /* VS_VERSIONINFO: wLength, wValueLength, wType, L"VS_VERSION_INFO", pad, VS_FIXEDFILEINFO */
    uint8_t *v = r + vs;
    w16(v, 0x100);
    w16(v + 2, 52);
    const char *key = "VS_VERSION_INFO";
    for (size_t i = 0; key[i]; i++)
        v[6 + 2 * i] = (uint8_t)key[i];
    w32(v + 40, 0xFEEF04BD);
    w32(v + 44, 0x10000);
    w32(v + 48, ms);
    w32(v + 52, ls);
    if (l) {
        l->opt = opt;
        l->nrva = nrva;
        l->resdir = resdir;
        l->table = table;
        l->rsrc_at = HEADERS + TEXT_RAW;
        l->data_entry = HEADERS + TEXT_RAW + 0x48;
        l->vs = HEADERS + TEXT_RAW + vs;
    }
    return p;
}

static int streamed(const uint8_t *p, size_t size, size_t chunk, char *out)
{
    mum__pe_version *v;
    cr_assert_eq(mum__pe_version_new(&v), MUM_OK);
    for (size_t at = 0; at < size; at += chunk)
        cr_assert_eq(mum__pe_version_update(v, p + at, size - at < chunk ? size - at : chunk), MUM_OK);
    int rc = mum__pe_version_finish(v, out, 32);
    mum__pe_version_free(v);
    return rc;
}

#define V6_0_6001_22222 0x00060000u, 0x177156CEu

Test(pe_version, reads_the_fixed_file_info_of_pe32_and_pe32plus)
{
    for (int plus = 0; plus < 2; plus++) {
        size_t size;
        uint8_t *p = craft(plus, V6_0_6001_22222, 0, &size, NULL);
        char out[32];
        cr_assert_eq(mum__pe_version_of(p, size, out, sizeof out), MUM_OK);
        cr_assert_str_eq(out, "6.0.6001.22222");
        free(p);
    }
}

Test(pe_version, the_same_in_blocks_of_every_size)
{
    static const size_t chunks[] = {1, 2, 7, 64, 511, 4096, 1 << 20};
    size_t size;
    uint8_t *p = craft(true, 0x00010002u, 0x00030004u, 3000, &size, NULL);
    for (size_t i = 0; i < sizeof chunks / sizeof chunks[0]; i++) {
        char out[32] = "";
        cr_assert_eq(streamed(p, size, chunks[i], out), MUM_OK, "chunk %zu", chunks[i]);
        cr_assert_str_eq(out, "1.2.3.4");
    }
    free(p);
}

Test(pe_version, anywhere_in_the_resource_section)
{
    size_t size;
    uint8_t *p = craft(false, 0xffffffffu, 0, 200000, &size, NULL);
    char out[32];
    cr_assert_eq(streamed(p, size, 4096, out), MUM_OK);
    cr_assert_str_eq(out, "65535.65535.0.0");
    free(p);
}

/* A section before .rsrc whose raw data runs past its end in memory (a
 * linker's padding): the resource directory's RVA is in .rsrc's memory
 * image, not in .text's raw bytes. */
Test(pe_version, sections_are_found_by_their_memory_image)
{
    size_t size;
    layout l;
    uint8_t *p = craft(true, V6_0_6001_22222, 0, &size, &l);
    w32(p + l.table + 8, 0x100);    /* .text VirtualSize */
    w32(p + l.table + 16, 0x4000);  /* .text SizeOfRawData: raw bytes up to RVA 0x5000 */
    char out[32];
    cr_assert_eq(mum__pe_version_of(p, size, out, sizeof out), MUM_OK);
    cr_assert_str_eq(out, "6.0.6001.22222");
    w32(p + l.table + 40 + 8, 0x20); /* .rsrc VirtualSize shorter than the data entry's RVA */
    cr_assert_eq(mum__pe_version_of(p, size, out, sizeof out), MUM_ENOTFOUND);
    free(p);
}

Test(pe_version, no_version_is_enotfound)
{
    char out[32];
    cr_assert_eq(mum__pe_version_of("just text, not an image", 23, out, sizeof out), MUM_ENOTFOUND);
    cr_assert_eq(mum__pe_version_of("", 0, out, sizeof out), MUM_ENOTFOUND);
    size_t size;
    layout l;
    uint8_t *p = craft(false, V6_0_6001_22222, 0, &size, &l);
    w32(p + l.resdir, 0); /* no resource directory */
    cr_assert_eq(mum__pe_version_of(p, size, out, sizeof out), MUM_ENOTFOUND);
    free(p);
    p = craft(false, V6_0_6001_22222, 0, &size, &l);
    w32(p + l.rsrc_at + 16, 3); /* RT_ICON, not RT_VERSION */
    cr_assert_eq(mum__pe_version_of(p, size, out, sizeof out), MUM_ENOTFOUND);
    free(p);
    p = craft(false, V6_0_6001_22222, 0, &size, &l);
    w32(p + l.vs + 40, 0xFEEF04BE); /* not a VS_FIXEDFILEINFO */
    cr_assert_eq(mum__pe_version_of(p, size, out, sizeof out), MUM_ENOTFOUND);
    free(p);
    p = craft(false, V6_0_6001_22222, 0, &size, &l);
    p[l.vs + 6] = 'X'; /* another key */
    cr_assert_eq(mum__pe_version_of(p, size, out, sizeof out), MUM_ENOTFOUND);
    free(p);
}

/* Each hostile value in a field the reader follows: no version, and
 * (under the sanitizers) no read outside the buffers. */
Test(pe_version, hostile_offsets_give_no_version)
{
    struct {
        const char *what;
        size_t at_field; /* 0: e_lfanew; else an index below */
        uint32_t value;
        int width;
    } cases[] = {
        {"e_lfanew past the file", 1, 0xfffffff0u, 32},
        {"e_lfanew past the head limit", 1, 70000, 32},
        {"section count 65535", 2, 0xffff, 16},
        {"optional header too small", 3, 8, 16},
        {"NumberOfRvaAndSizes 2", 4, 2, 32},
        {"resource RVA in no section", 5, 0x900000, 32},
        {"section raw pointer past the file", 6, 0xfffffe00u, 32},
        {"section raw size 0", 7, 0, 32},
        {"named entry count huge", 8, 0xffff, 16},
        {"root subdirectory past the data", 9, 0xfffffff0u, 32},
        {"root entry a leaf", 9, 0x18, 32},
        {"name directory pointing at itself", 10, 0x80000018u, 32},
        {"data entry past the data", 11, 0x7ffffff0u, 32},
        {"data RVA before the section", 12, 0x1000, 32},
        {"data RVA past the section", 12, 0xfffffff0u, 32},
        {"data size too small", 13, 10, 32},
        {"wLength too small", 14, 20, 16},
        {"wValueLength too small", 15, 12, 16},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t size;
        layout l;
        uint8_t *p = craft(i % 2, V6_0_6001_22222, 0, &size, &l);
        size_t fields[] = {0,
                           0x3c,
                           LFANEW + 4 + 2,
                           LFANEW + 4 + 16,
                           l.nrva,
                           l.resdir,
                           l.table + 40 + 20,
                           l.table + 40 + 16,
                           l.rsrc_at + 12,
                           l.rsrc_at + 20,
                           l.rsrc_at + 0x18 + 20,
                           l.rsrc_at + 0x30 + 20,
                           l.data_entry,
                           l.data_entry + 4,
                           l.vs,
                           l.vs + 2};
        size_t at = fields[cases[i].at_field];
        if (cases[i].width == 16)
            w16(p + at, (uint16_t)cases[i].value);
        else
            w32(p + at, cases[i].value);
        char out[32];
        for (size_t chunk = 1; chunk <= 4096; chunk *= 64)
            cr_assert_eq(streamed(p, size, chunk, out), MUM_ENOTFOUND, "%s (chunk %zu): %s", cases[i].what,
                         chunk, out);
        free(p);
    }
}

Test(pe_version, every_cut_and_every_byte_changed_is_safe)
{
    size_t size;
    layout l;
    uint8_t *p = craft(true, V6_0_6001_22222, 0, &size, &l);
    char out[32];
    /* cut before the end of the VS_FIXEDFILEINFO: none; after it: found */
    for (size_t n = 0; n <= size; n++) {
        int rc = mum__pe_version_of(p, n, out, sizeof out);
        cr_assert_eq(rc, n >= l.vs + 92 ? MUM_OK : MUM_ENOTFOUND, "cut at %zu", n);
    }
    /* every byte of the headers and the tree set to 0xff in turn */
    for (size_t i = 0; i < l.vs + 92; i++) {
        if (i >= HEADERS && i < l.rsrc_at)
            continue; /* code */
        uint8_t keep = p[i];
        p[i] = 0xff;
        int rc = mum__pe_version_of(p, size, out, sizeof out);
        cr_assert(rc == MUM_OK || rc == MUM_ENOTFOUND, "byte %zu", i);
        p[i] = keep;
    }
    free(p);
}

Test(pe_version, a_hand_built_payload_node_has_its_version)
{
    const char *in[] = {"in.cab"};
    mum_graph *g;
    cr_assert_eq(mum__graph_new(&g, in, 1), MUM_OK);
    size_t size;
    uint8_t *p = craft(false, V6_0_6001_22222, 0, &size, NULL);
    node_priv *n = mum__graph_node_new(g, MUM_NODE_PAYLOAD, 0, "c/a.sys");
    cr_assert_eq(mum__graph_node_bytes(n, p, size), MUM_OK);
    cr_assert_not_null(n->pub.pe);
    cr_assert_str_eq(n->pub.pe->file_version, "6.0.6001.22222");
    cr_assert_eq(n->pub.size, size);
    node_priv *t = mum__graph_node_new(g, MUM_NODE_PAYLOAD, 0, "c/a.txt");
    cr_assert_eq(mum__graph_node_bytes(t, "text", 4), MUM_OK);
    cr_assert_null(t->pub.pe); /* no PE: no record */
    free(p);
    mum_graph_free(g);
}

/* Genuine drivers, streamed out of their cabinet by the graph's reading:
 * every PE payload has its version resource's version. */
Test(pe_version, genuine_images_read_while_the_graph_is_built)
{
    const char *real = getenv("MUM_REALDATA");
    char path[4096];
    snprintf(path, sizeof path, "%s/hyperv/windows6.x-hypervintegrationservices-x64.cab",
             real ? real : "../../shared/realdata");
    if (access(path, R_OK) != 0)
        cr_skip_test("real data absent: no %s (set MUM_REALDATA)", path);
    mum_ctx *ctx;
    mum_findings *f;
    mum_graph *g;
    cr_assert_eq(mum_ctx_new(&ctx), MUM_OK);
    cr_assert_eq(mum_findings_new(&f), MUM_OK);
    const char *inputs[] = {path};
    cr_assert_eq(mum_graph_build(&g, ctx, inputs, 1, NULL, f), MUM_OK, "%s", mum_ctx_message(ctx));
    size_t pe = 0, netvsc = 0;
    for (size_t i = 0; i < mum_graph_node_count(g); i++) {
        const mum_node *n = mum_graph_node(g, i);
        if (n->kind != MUM_NODE_PAYLOAD || !n->pe || !n->pe->image)
            continue;
        pe++;
        cr_assert_not_null(n->pe->file_version, "%s has no version", n->entry);
        if (strcasecmp(n->name, "netvsc63.sys") == 0) {
            cr_assert_str_eq(n->pe->file_version, "6.3.9600.18692");
            netvsc++;
        }
    }
    cr_assert_gt(pe, 10, "%zu PE payloads", pe);
    cr_assert_gt(netvsc, 0);
    mum_graph_free(g);
    mum_findings_free(f);
    mum_ctx_free(ctx);
}

/* A version resource far into a large resource section: once the tree has
 * said where the VS_VERSIONINFO lies, the section's bytes up to it are not
 * kept (the reader holds the headers' and the tree's bytes, a few KiB, not
 * the megabytes before the version). */
Test(pe_version, a_large_section_is_not_held_whole)
{
    size_t size;
    layout l;
    uint8_t *p = craft(true, V6_0_6001_22222, 8u << 20, &size, &l);
    mum__pe_version *v;
    cr_assert_eq(mum__pe_version_new(&v), MUM_OK);
    size_t most = 0;
    for (size_t at = 0; at < size; at += 65536) {
        cr_assert_eq(mum__pe_version_update(v, p + at, size - at < 65536 ? size - at : 65536), MUM_OK);
        size_t held = mum__pe_version_held(v);
        most = held > most ? held : most;
    }
    char out[32];
    cr_assert_eq(mum__pe_version_finish(v, out, sizeof out), MUM_OK);
    cr_assert_str_eq(out, "6.0.6001.22222");
    cr_assert_lt(most, (size_t)256 << 10, "held %zu bytes of a %zu-byte image", most, size);
    mum__pe_version_free(v);
    free(p);
}

/* A file whose headers and resource tree arrive in its first block (most
 * do: the walk hands out 64 KiB blocks) is read where the bytes lie: no
 * copy of them, so no allocation; a file cut inside its headers is kept
 * until they are whole, and reads the same. */
Test(pe_version, headers_in_the_first_block_are_not_copied)
{
    size_t size;
    uint8_t *p = craft(true, V6_0_6001_22222, 0x40, &size, NULL);
    mum__pe_version *v;
    cr_assert_eq(mum__pe_version_new(&v), MUM_OK);
    mum__alloc_fail_at(0);
    cr_assert_eq(mum__pe_version_update(v, p, size), MUM_OK);
    cr_assert_eq(mum__alloc_fail_at(0), 0, "the first block was copied");
    char out[32];
    cr_assert_eq(mum__pe_version_finish(v, out, sizeof out), MUM_OK);
    cr_assert_str_eq(out, "6.0.6001.22222");
    mum__pe_version_free(v);

    cr_assert_eq(mum__pe_version_new(&v), MUM_OK);
    cr_assert_eq(mum__pe_version_update(v, p, 0x100), MUM_OK);
    cr_assert_eq(mum__pe_version_update(v, p + 0x100, size - 0x100), MUM_OK);
    cr_assert_eq(mum__pe_version_finish(v, out, sizeof out), MUM_OK);
    cr_assert_str_eq(out, "6.0.6001.22222");
    mum__pe_version_free(v);
    free(p);
}

/* Out of memory while bytes are kept (headers cut in a block, the tree
 * going on into the next: blocks of 7 bytes keep both): the update that
 * cannot keep them says MUM_ENOMEM, every later call says it again, and
 * nothing is lost or read from a buffer not had. */
Test(pe_version, out_of_memory_while_keeping_bytes_is_said_and_sticks)
{
    size_t size;
    uint8_t *p = craft(true, V6_0_6001_22222, 0x40, &size, NULL);
    unsigned failed = 0;
    for (unsigned long k = 1; k < 64; k++) {
        mum__pe_version *v;
        cr_assert_eq(mum__pe_version_new(&v), MUM_OK);
        mum__alloc_fail_at(k);
        int rc = MUM_OK;
        for (size_t at = 0; at < size && rc == MUM_OK; at += 7)
            rc = mum__pe_version_update(v, p + at, size - at < 7 ? size - at : 7);
        mum__alloc_fail_at(0);
        char out[32];
        if (rc == MUM_OK) {
            cr_assert_eq(mum__pe_version_finish(v, out, sizeof out), MUM_OK, "allocation %lu", k);
            cr_assert_str_eq(out, "6.0.6001.22222");
        } else {
            failed++;
            cr_assert_eq(rc, MUM_ENOMEM, "allocation %lu", k);
            cr_assert_eq(mum__pe_version_update(v, p, 1), MUM_ENOMEM);
            cr_assert_eq(mum__pe_version_finish(v, out, sizeof out), MUM_ENOMEM);
        }
        mum__pe_version_free(v);
    }
    cr_assert_geq(failed, 2, "the head and the tree each keep bytes");
    free(p);
}

/* Every byte of the headers, the tree and the VS_VERSIONINFO set to each of
 * a few values in turn, and every cut: streamed in blocks of 1, 7 and 4096
 * bytes the reader says what it says of the whole file at once. */
Test(pe_version, streamed_and_whole_agree_on_every_change)
{
    static const uint8_t values[] = {0x00, 0x01, 0x18, 0x48, 0x80, 0xff};
    static const size_t chunks[] = {1, 7, 4096};
    size_t size;
    layout l;
    uint8_t *p = craft(false, V6_0_6001_22222, 300, &size, &l);
    for (size_t i = 0; i < l.vs + 92; i++) {
        if (i >= HEADERS && i < l.rsrc_at)
            continue; /* code */
        uint8_t keep = p[i];
        for (size_t k = 0; k < sizeof values; k++) {
            p[i] = values[k];
            char whole[32] = "", part[32] = "";
            int rc = mum__pe_version_of(p, size, whole, sizeof whole);
            for (size_t c = 0; c < sizeof chunks / sizeof chunks[0]; c++) {
                cr_assert_eq(streamed(p, size, chunks[c], part), rc, "byte %zu = %#x, chunk %zu", i, values[k],
                             chunks[c]);
                if (rc == MUM_OK)
                    cr_assert_str_eq(part, whole);
            }
        }
        p[i] = keep;
    }
    for (size_t n = l.rsrc_at; n <= size; n += 5) {
        char out[32];
        int rc = mum__pe_version_of(p, n, out, sizeof out);
        cr_assert_eq(streamed(p, n, 7, out), rc, "cut at %zu", n);
    }
    free(p);
}
