/*
 * test_express_rebuild.c - rebuilding an express cabinet's files from its
 * blobs (express_rebuild.c): RAW sources, deltas against nothing and
 * against a basis chain, copies; and broken chains (a basis not in the
 * index, a flipped delta byte, a loop), a delta of a type not decoded yet.
 * The deltas are written by pa30w.h.
 */
#include "express_internal.h"
#include "pa30w.h"
#include "testutil.h"

#include <mum/delta.h>

#include <stdio.h>

#define NBLOB 5

typedef struct cab {
    char *xml;
    mum_express_index idx;
    mum_express_blob blobs[NBLOB];
    uint8_t *bytes[NBLOB];
    mum_ctx *ctx;
    mum__express_rebuilder *r;
} cab;

static void sha256_hex(char *out, const void *p, size_t n)
{
    uint8_t h[32];
    cr_assert_eq(mum_hash_buffer(h, MUM_HASH_SHA256, p, n), MUM_OK);
    mum_hex_encode(out, h, 32);
}

/* The blobs: 0 RAW "HELLOWORLD"; 1 a delta from it to "HELLO!LLO"; 2 a
 * delta to "HELLO?"; 3 a delta from nothing to "abab"; 4 an amd64 delta. */
static void make_blobs(cab *c)
{
    c->bytes[0] = malloc(10);
    memcpy(c->bytes[0], "HELLOWORLD", 10);
    c->blobs[0].size = 10;
    bw w;
    body_start(&w);
    flat_main(&w, 256 + 3 * 8 + 4); /* 5 bytes from the same place of the source */
    lit(&w, '!');
    flat_main(&w, 256 + 0 * 8 + 2);
    bw_bits(&w, 0x2000 + 4, 14);
    built b = build(&w, &HDR_RAW(9));
    c->bytes[1] = b.delta, c->blobs[1].size = b.len;
    body_start(&w);
    flat_main(&w, 256 + 3 * 8 + 4);
    lit(&w, '?');
    b = build(&w, &HDR_RAW(6));
    c->bytes[2] = b.delta, c->blobs[2].size = b.len;
    body_start(&w);
    lit(&w, 'a');
    lit(&w, 'b');
    match_short(&w, 2, 2);
    b = build(&w, &HDR_RAW(4));
    c->bytes[3] = b.delta, c->blobs[3].size = b.len;
    hdr h = HDR_RAW(1);
    h.type = MUM_DELTA_TYPE_IA64; /* a PE type libmum does not apply yet */
    h.flags = 0xe63e;
    body_start(&w);
    lit(&w, 'a');
    b = build(&w, &h);
    c->bytes[4] = b.delta, c->blobs[4].size = b.len;
    static const char *const names[NBLOB] = {"0", "1", "2", "3", "4"};
    for (int i = 0; i < NBLOB; i++) {
        c->blobs[i].name = names[i];
        c->blobs[i].head = c->bytes[i];
        c->blobs[i].head_size = c->blobs[i].size < MUM_PA30_HEADER_MAX ? c->blobs[i].size : MUM_PA30_HEADER_MAX;
    }
}

/* The index's hash algorithm: SHA-256, or SHA-1 as in genuine indexes. */
static bool index_sha1;

static char *file_xml(const char *id, const char *name, const char *content, size_t len, const char *src,
                      const char *type, const char *basis)
{
    char hex[65], srcx[128] = "", basisx[64] = "";
    if (index_sha1) {
        uint8_t h[20];
        cr_assert_eq(mum_hash_buffer(h, MUM_HASH_SHA1, content, len), MUM_OK);
        mum_hex_encode(hex, h, 20);
    } else {
        sha256_hex(hex, content, len);
    }
    if (src)
        snprintf(srcx, sizeof srcx, "<Source type=\"%s\" name=\"%s\"/>", type, src);
    if (basis)
        snprintf(basisx, sizeof basisx, "<Basis file=\"%s\"/>", basis);
    char *s = malloc(1024);
    cr_assert(snprintf(s, 1024, "<File id=\"%s\" name=\"%s\" length=\"%zu\"><Hash alg=\"%s\" value=\"%s\"/>"
                           "<Delta>%s%s</Delta></File>\n",
                       id, name, len, index_sha1 ? "SHA1" : "SHA256", hex, srcx, basisx) < 1024);
    return s;
}

/* The index: base.txt (RAW) <- mid.txt <- top.txt <- copy.txt; new.txt
 * from nothing; pe.sys an amd64 delta on base.txt.  top_basis and
 * base_basis change the chain. */
static void setup_cab(cab *c, const char *top_basis, const char *base_basis)
{
    memset(c, 0, sizeof *c);
    make_blobs(c);
    char *f[6] = {
        file_xml("0", "base.txt", "HELLOWORLD", 10, "0", base_basis ? "PA30" : "RAW", base_basis),
        file_xml("1", "mid.txt", "HELLO!LLO", 9, "1", "PA30", "0"),
        file_xml("2", "top.txt", "HELLO?", 6, "2", "PA30", top_basis),
        file_xml("3", "new.txt", "abab", 4, "3", "PA30", NULL),
        file_xml("4", "pe.sys", "a", 1, "4", "PA30", "0"),
        file_xml("5", "copy.txt", "HELLO?", 6, NULL, NULL, "2"),
    };
    c->xml = malloc(8192);
    cr_assert(snprintf(c->xml, 8192, "<Container xmlns=\"urn:ContainerIndex\"><Files>\n%s%s%s%s%s%s</Files></Container>",
                       f[0], f[1], f[2], f[3], f[4], f[5]) < 8192);
    for (int i = 0; i < 6; i++)
        free(f[i]);
    cr_assert_eq(mum_express_index_parse(&c->idx, NULL, NULL, c->xml, strlen(c->xml)), MUM_OK);
    cr_assert_eq(mum__express_resolve(&c->idx, c->blobs, NBLOB), MUM_OK);
    bool wanted[6] = {true, true, true, true, true, true};
    mum_ctx_new(&c->ctx);
    cr_assert_eq(mum__express_rebuilder_new(&c->r, c->ctx, &c->idx, c->blobs, NBLOB,
                                            (const uint8_t *const *)c->bytes, wanted),
                 MUM_OK);
}

static void teardown_cab(cab *c)
{
    mum__express_rebuilder_free(c->r);
    mum_express_index_clear(&c->idx);
    mum_ctx_free(c->ctx);
    for (int i = 0; i < NBLOB; i++)
        free(c->bytes[i]);
    free(c->xml);
}

static mum__express_outcome rebuild(cab *c, size_t i, const char *want, const char **why)
{
    const uint8_t *out;
    size_t n;
    mum__express_outcome how;
    cr_assert_eq(mum__express_rebuild(c->r, i, &out, &n, &how, why), MUM_OK);
    if (how == MUM__EXPRESS_REBUILT) {
        cr_assert(want, "%s was rebuilt", c->idx.files[i].name);
        cr_assert_eq(n, strlen(want), "%s: %zu bytes", c->idx.files[i].name, n);
        cr_assert_arr_eq(out, want, n);
    }
    mum__express_rebuild_done(c->r, i);
    return how;
}

static void chain_is(cab *c, size_t i, const char *want)
{
    char *s = mum__express_chain(&c->idx, i);
    cr_assert_str_eq(s, want);
    mum_free(s);
}

Test(express_rebuild, raw_deltas_chains_and_copies_are_rebuilt)
{
    cab c;
    setup_cab(&c, "1", NULL);
    const char *why;
    /* from the top of the chain first: its bases are built on the way */
    cr_assert_eq(rebuild(&c, 5, "HELLO?", &why), MUM__EXPRESS_REBUILT, "%s", why);
    cr_assert_eq(rebuild(&c, 2, "HELLO?", &why), MUM__EXPRESS_REBUILT, "%s", why);
    cr_assert_eq(rebuild(&c, 1, "HELLO!LLO", &why), MUM__EXPRESS_REBUILT, "%s", why);
    cr_assert_eq(rebuild(&c, 0, "HELLOWORLD", &why), MUM__EXPRESS_REBUILT, "%s", why);
    cr_assert_eq(rebuild(&c, 3, "abab", &why), MUM__EXPRESS_REBUILT, "%s", why);
    /* a delta of a type libmum does not apply is refused with its type
     * named, not as an error */
    cr_assert_eq(rebuild(&c, 4, NULL, &why), MUM__EXPRESS_UNSUPPORTED);
    cr_assert(strstr(why, "ia64"), "%s", why);
    chain_is(&c, 5, "copy.txt <- basis 2 <- 2 (PA30) <- basis 1 <- 1 (PA30) <- basis 0 <- 0 (RAW)");
    teardown_cab(&c);
}

/* The SHA-1 a rebuilt file's digests take from the index, which the
 * rebuild checked: only for a file rebuilt, only when the index's hash is
 * SHA-1. */
static void rebuilt_sha1_is(cab *c, size_t i, const char *content)
{
    uint8_t got[20], want[20];
    cr_assert(mum__express_rebuilt_sha1(c->r, i, got), "%s: no SHA-1", c->idx.files[i].name);
    cr_assert_eq(mum_hash_buffer(want, MUM_HASH_SHA1, content, strlen(content)), MUM_OK);
    cr_assert_arr_eq(got, want, 20);
}

Test(express_rebuild, the_index_sha1_of_a_rebuilt_file)
{
    cab c;
    uint8_t h[20];
    setup_cab(&c, "1", NULL);
    const char *why;
    cr_assert_eq(rebuild(&c, 2, "HELLO?", &why), MUM__EXPRESS_REBUILT, "%s", why);
    cr_assert_not(mum__express_rebuilt_sha1(c.r, 2, h), "an index of SHA-256 gave a SHA-1");
    teardown_cab(&c);

    index_sha1 = true;
    setup_cab(&c, "1", NULL);
    cr_assert_not(mum__express_rebuilt_sha1(c.r, 2, h), "a SHA-1 before the file was rebuilt");
    cr_assert_eq(rebuild(&c, 2, "HELLO?", &why), MUM__EXPRESS_REBUILT, "%s", why);
    rebuilt_sha1_is(&c, 2, "HELLO?");
    rebuilt_sha1_is(&c, 1, "HELLO!LLO"); /* its basis, built on the way */
    cr_assert_eq(rebuild(&c, 4, NULL, &why), MUM__EXPRESS_UNSUPPORTED);
    cr_assert_not(mum__express_rebuilt_sha1(c.r, 4, h), "a SHA-1 of a file not rebuilt");
    teardown_cab(&c);
    index_sha1 = false;
}

Test(express_rebuild, a_basis_not_in_the_index_breaks_the_chain)
{
    cab c;
    setup_cab(&c, "9", NULL);
    const char *why;
    cr_assert_eq(rebuild(&c, 5, NULL, &why), MUM__EXPRESS_BROKEN);
    cr_assert(strstr(why, "9 is not in the index"), "%s", why);
    chain_is(&c, 5, "copy.txt <- basis 2 <- 2 (PA30) <- basis 9 (not in the index)");
    cr_assert_eq(rebuild(&c, 1, "HELLO!LLO", &why), MUM__EXPRESS_REBUILT, "%s", why);
    teardown_cab(&c);
}

Test(express_rebuild, a_flipped_delta_byte_fails_the_file_and_those_built_on_it)
{
    cab c;
    setup_cab(&c, "1", NULL);
    c.bytes[1][c.blobs[1].size - 4] ^= 0x10; /* in mid.txt's body */
    const char *why;
    mum__express_outcome how = rebuild(&c, 2, NULL, &why);
    cr_assert_eq(how, MUM__EXPRESS_BASIS_FAILED, "%d: %s", how, why);
    cr_assert(strstr(why, "basis 1:"), "%s", why);
    how = rebuild(&c, 1, NULL, &why);
    cr_assert(how == MUM__EXPRESS_DECODE || how == MUM__EXPRESS_MISMATCH, "%d: %s", how, why);
    cr_assert_eq(rebuild(&c, 3, "abab", &why), MUM__EXPRESS_REBUILT, "%s", why);
    teardown_cab(&c);
}

Test(express_rebuild, a_loop_of_bases_is_cut)
{
    cab c;
    setup_cab(&c, "1", "2"); /* base.txt on top.txt: 0 <- 2 <- 1 <- 0 */
    const char *why;
    cr_assert_eq(rebuild(&c, 5, NULL, &why), MUM__EXPRESS_BROKEN);
    cr_assert(strstr(why, "loop"), "%s", why);
    char *s = mum__express_chain(&c.idx, 2);
    cr_assert_str_eq(s, "top.txt <- 2 (PA30) <- basis 1 <- 1 (PA30) <- basis 0 <- 0 (PA30) <- basis 2 (a loop)");
    mum_free(s);
    /* a file on no loop still rebuilds */
    cr_assert_eq(rebuild(&c, 3, "abab", &why), MUM__EXPRESS_REBUILT, "%s", why);
    teardown_cab(&c);
}
