/*
 * test_empty.c - every function of the library that takes a pointer and a
 * length accepts (NULL, 0), the empty input a caller holds when a file or
 * a field is empty, and answers as for a valid pointer with length 0.
 *
 * C leaves NULL + 0, memcpy(d, NULL, 0), memcmp(NULL, ..., 0) and
 * qsort(NULL, 0, ...) undefined; clang's UndefinedBehaviorSanitizer reports
 * them (gcc's does not report the first), and the sanitized CI build makes
 * every report fatal, so under it each test here fails on such a helper.
 * The answers are also compared with those for a valid empty buffer, which
 * any build checks.
 */
#include "testutil.h"

#include "crypto.h"
#include "xml.h"

#include <mum/mum.h>

#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

/* A valid pointer to no bytes, to compare with NULL. */
static const uint8_t nothing[1] = {0};

static mum_ctx *new_ctx(void)
{
    mum_ctx *ctx;
    cr_assert_eq(mum_ctx_new(&ctx), MUM_OK);
    return ctx;
}

Test(empty, der_reader_over_nothing)
{
    mum__der c = mum__der_over(NULL, 0);
    mum__der_el e;
    cr_assert(mum__der_done(&c));
    cr_assert_eq(mum__der_next(&c, &e), 0);
    cr_assert_not(mum__der_take(&c, MUM_DER_SEQUENCE, &e));
    /* an element with no contents gives a cursor over nothing */
    mum__der_el empty = {.tag = MUM_DER_SEQUENCE, .body = NULL, .len = 0};
    mum__der in = mum__der_in(&empty);
    cr_assert(mum__der_done(&in));
    cr_assert_eq(mum__der_next(&in, &e), 0);
}

Test(empty, der_helpers)
{
    uint64_t off = 99;
    char why[64] = "";
    bool problem = mum__der_problem(NULL, 0, &off, why, sizeof why);
    uint64_t off2 = 99;
    char why2[64] = "";
    cr_assert_eq(problem, mum__der_problem(nothing, 0, &off2, why2, sizeof why2));
    cr_assert_eq(off, off2);
    cr_assert_str_eq(why, why2);
    cr_assert_eq(mum__der_header_len(NULL, 0), 0);
    cr_assert_eq(mum__der_element_len(NULL, 0), 0);
    cr_assert_not(mum__der_oid_valid(NULL, 0));
    char *a = mum__der_oid_text(NULL, 0), *b = mum__der_oid_text(nothing, 0);
    cr_assert_not_null(a);
    cr_assert_not_null(b);
    cr_assert_str_eq(a, b);
    mum__free(a);
    mum__free(b);
    size_t len = 7;
    cr_assert_not(mum__oid_der("1.2.3", NULL, 0, &len));
    mum__der_el el;
    cr_assert_not(mum__signed_content(NULL, 0, &el));
    cr_assert_eq(mum__indirect_alg(NULL, 0), MUM_HASH_NONE);
    mum__indirect ind;
    memset(&ind, 0, sizeof ind);
    cr_assert_eq(mum__indirect_decode(NULL, 0, &ind, why, sizeof why), MUM_EFORMAT);
    mum__indirect_clear(&ind);
}

Test(empty, utf16_and_utf8)
{
    bool bad = true;
    char *s = mum__utf16_to_utf8(NULL, 0, false, &bad);
    cr_assert_not_null(s);
    cr_assert_str_eq(s, "");
    mum__free(s);
    cr_assert(mum__utf8_valid(NULL, 0));
    size_t i = 0;
    cr_assert_eq(mum__utf8_next(NULL, 0, &i), -1);
    cr_assert_eq(i, 0);
    cr_assert_eq(mum__ascii_strncasecmp(NULL, NULL, 0), 0);
    char *d = mum__strndup(NULL, 0);
    cr_assert_not_null(d);
    cr_assert_str_eq(d, "");
    mum__free(d);
    char *low = mum__lower_concat(0, NULL, NULL);
    cr_assert_not_null(low);
    cr_assert_str_eq(low, "");
    mum__free(low);
    const char *parts[3] = {"Ab", NULL, "\xc3\x89"};
    const size_t lens[3] = {2, 0, 2};
    low = mum__lower_concat(3, parts, lens);
    cr_assert_not_null(low);
    cr_assert_str_eq(low, "ab\xc3\xa9");
    mum__free(low);
}

Test(empty, string_buffer_and_head)
{
    mum_sbuf b = {0};
    mum__sbuf_append(&b, NULL, 0);
    mum__sbuf_append(&b, "x", 1);
    mum__sbuf_append(&b, NULL, 0);
    char *s = mum__sbuf_take(&b);
    cr_assert_not_null(s);
    cr_assert_str_eq(s, "x");
    mum__free(s);
    mum__sbuf_append(&b, NULL, 0);
    s = mum__sbuf_take(&b);
    cr_assert_not_null(s);
    cr_assert_str_eq(s, "");
    mum__free(s);

    uint8_t head[4];
    size_t len = 0;
    mum__keep_head(head, sizeof head, &len, NULL, 0);
    cr_assert_eq(len, 0);
    mum__keep_head(head, sizeof head, &len, "abcdef", 6);
    mum__keep_head(head, sizeof head, &len, NULL, 0);
    cr_assert_eq(len, 4);
}

Test(empty, hex_base64_and_digests)
{
    char out[4] = "zzz";
    mum_hex_encode(out, NULL, 0);
    cr_assert_str_eq(out, "");
    size_t n = 9;
    cr_assert_eq(mum_hex_decode(NULL, 0, &n, NULL, 0), MUM_OK);
    cr_assert_eq(n, 0);
    strcpy(out, "zzz");
    cr_assert_eq(mum_base64_encode(out, NULL, 0), 0);
    cr_assert_str_eq(out, "");
    n = 9;
    cr_assert_eq(mum_base64_decode(NULL, 0, &n, NULL, 0), MUM_OK);
    cr_assert_eq(n, 0);

    static const mum_hash_alg algs[] = {MUM_HASH_MD5, MUM_HASH_SHA1, MUM_HASH_SHA256,
                                        MUM_HASH_SHA384, MUM_HASH_SHA512};
    for (size_t i = 0; i < MUM_ARRAY_LEN(algs); i++) {
        uint8_t a[MUM_HASH_MAX_SIZE], b[MUM_HASH_MAX_SIZE];
        cr_assert_eq(mum_hash_buffer(a, algs[i], NULL, 0), MUM_OK);
        cr_assert_eq(mum_hash_buffer(b, algs[i], nothing, 0), MUM_OK);
        cr_assert_arr_eq(a, b, mum_hash_size(algs[i]));
        mum_hasher *h;
        cr_assert_eq(mum_hasher_new(&h, algs[i]), MUM_OK);
        cr_assert_eq(mum_hasher_update(h, NULL, 0), MUM_OK);
        cr_assert_eq(mum_hasher_final(b, h), MUM_OK);
        mum_hasher_free(h);
        cr_assert_arr_eq(a, b, mum_hash_size(algs[i]));
    }
}

Test(empty, location_format_with_no_buffer)
{
    mum_location loc = {.input = "a.cab", .entry = "x.mum", .line = 3, .column = 4};
    char buf[64];
    size_t need = mum_location_format(&loc, NULL, 0);
    cr_assert_eq(mum_location_format(&loc, buf, sizeof buf), need);
    cr_assert_eq(strlen(buf), need);
}

static int x_start(void *ud, const char *ns, const char *name, const mum_xml_attr *a, size_t n)
{
    MUM_UNUSED(ud);
    MUM_UNUSED(ns);
    MUM_UNUSED(name);
    MUM_UNUSED(a);
    MUM_UNUSED(n);
    return MUM_OK;
}
static int x_text(void *ud, const char *text, size_t len)
{
    MUM_UNUSED(ud);
    MUM_UNUSED(text);
    MUM_UNUSED(len);
    return MUM_OK;
}
static int x_end(void *ud, const char *ns, const char *name)
{
    MUM_UNUSED(ud);
    MUM_UNUSED(ns);
    MUM_UNUSED(name);
    return MUM_OK;
}

Test(empty, xml_reader)
{
    mum_ctx *ctx = new_ctx();
    mum_xml_callbacks cb = {x_start, x_text, x_end, false};
    cr_assert_not(mum__is_dcm(NULL, 0));
    cr_assert_eq(mum__xml_parse_buffer(ctx, NULL, &cb, NULL, NULL, NULL, 0), MUM_EFORMAT);
    mum_xml *x;
    cr_assert_eq(mum__xml_new(&x, ctx, NULL, &cb, NULL, NULL), MUM_OK);
    static const char doc[] = "<a/>";
    cr_assert_eq(mum__xml_feed(x, NULL, 0), MUM_OK);
    cr_assert_eq(mum__xml_feed(x, doc, 2), MUM_OK);
    cr_assert_eq(mum__xml_feed(x, NULL, 0), MUM_OK);
    cr_assert_eq(mum__xml_feed(x, doc + 2, 2), MUM_OK);
    cr_assert_eq(mum__xml_feed_last(x, NULL, 0), MUM_OK);
    mum__xml_free(x);
    mum_ctx_free(ctx);
}

Test(empty, manifests)
{
    mum_ctx *ctx = new_ctx();
    mum_manifest *m = NULL;
    cr_assert_eq(mum_manifest_parse(&m, ctx, NULL, NULL, NULL, 0), MUM_EFORMAT);
    cr_assert_null(m);
    mum_manifest_parser *p;
    cr_assert_eq(mum_manifest_parser_new(&p, ctx, NULL, NULL), MUM_OK);
    cr_assert_eq(mum_manifest_parser_feed(p, NULL, 0), MUM_OK);
    cr_assert_eq(mum_manifest_parser_finish(&m, p), MUM_EFORMAT);
    mum_manifest_parser_free(p);
    mum_ctx_free(ctx);
}

Test(empty, signatures_and_catalogs)
{
    mum_ctx *ctx = new_ctx();
    mum_signature *sig = NULL;
    cr_assert_eq(mum_signature_parse(&sig, ctx, NULL, 0, NULL), MUM_EFORMAT);
    cr_assert_null(sig);
    mum_catalog *cat = NULL;
    cr_assert_eq(mum_catalog_parse(&cat, ctx, NULL, 0, NULL), MUM_EFORMAT);
    cr_assert_null(cat);

    mum_cat_digests a, b;
    cr_assert_eq(mum_cat_digests_compute(&a, ctx, NULL, 0, NULL), MUM_OK);
    cr_assert_eq(mum_cat_digests_compute(&b, ctx, nothing, 0, NULL), MUM_OK);
    cr_assert_not(a.is_pe);
    cr_assert_arr_eq(a.sha256, b.sha256, sizeof a.sha256);

    mum_trust *t;
    cr_assert_eq(mum_trust_new(&t), MUM_OK);
    int rc = mum_trust_add_pem(ctx, t, NULL, 0, "none.pem");
    cr_assert_eq(rc, mum_trust_add_pem(ctx, t, nothing, 0, "none.pem"));
    mum_trust_free(t);

    mum_cat_builder *cb;
    cr_assert_eq(mum_cat_builder_new(&cb, ctx, 1), MUM_OK);
    rc = mum_cat_builder_set_list_id(ctx, cb, NULL, 0);
    cr_assert_eq(rc, mum_cat_builder_set_list_id(ctx, cb, nothing, 0));
    uint8_t *der = NULL;
    size_t len = 0;
    cr_assert_eq(mum_cat_builder_finish(&der, &len, ctx, cb, NULL, NULL), MUM_OK);
    mum_cat_builder_free(cb);
    cr_assert_eq(mum_catalog_parse(&cat, ctx, der, len, NULL), MUM_OK);
    mum_free(der);
    cr_assert_eq(mum_catalog_match(cat, &a, NULL, 0), 0);
    mum_catalog_free(cat);
    mum_ctx_free(ctx);
}

Test(empty, pe_files)
{
    mum_ctx *ctx = new_ctx();
    cr_assert_not(mum_pe_probe(NULL, 0));
    mum_pe_info info;
    cr_assert_eq(mum_pe_parse(&info, ctx, NULL, 0, NULL), MUM_EFORMAT);
    const mum_hash_alg alg = MUM_HASH_SHA256;
    uint8_t d[1][MUM_HASH_MAX_SIZE];
    cr_assert_eq(mum_pe_digest(ctx, NULL, 0, NULL, &alg, 1, d), MUM_EFORMAT);
    const uint8_t *der = nothing;
    size_t len = 5;
    cr_assert_eq(mum_pe_signature(ctx, NULL, 0, NULL, &der, &len), MUM_EFORMAT);
    mum_pe_hasher *h;
    cr_assert_eq(mum_pe_hasher_new(&h, NULL, 0, 0), MUM_EINVAL);
    cr_assert_eq(mum_pe_hasher_new(&h, &alg, 1, MUM_PE_HASHER_FLAT), MUM_OK);
    cr_assert_eq(mum_pe_hasher_update(h, NULL, 0), MUM_OK);
    uint8_t flat[1][MUM_HASH_MAX_SIZE], want[MUM_HASH_MAX_SIZE];
    cr_assert_eq(mum_pe_hasher_finish(h, ctx, NULL, d, flat), MUM_ENOTFOUND);
    mum_pe_hasher_free(h);
    mum_hash_buffer(want, MUM_HASH_SHA256, nothing, 0);
    cr_assert_arr_eq(flat[0], want, 32);
    mum_ctx_free(ctx);
}

Test(empty, cabinets)
{
    mum_ctx *ctx = new_ctx();
    mum_cab_header h;
    cr_assert_eq(mum_cab_header_parse(&h, ctx, NULL, NULL, 0), MUM_EFORMAT);
    cr_assert_eq(mum_cab_signature_alg(NULL, 0), MUM_HASH_NONE);
    static const unsigned flags[] = {0, MUM_CAB_DIGEST_RAW, MUM_CAB_DIGEST_THREAD};
    for (size_t i = 0; i < MUM_ARRAY_LEN(flags); i++) {
        mum_cab_digest *dg;
        cr_assert_eq(mum_cab_digest_new(&dg, flags[i]), MUM_OK);
        cr_assert_eq(mum_cab_digest_update(dg, NULL, 0), MUM_OK);
        mum_cab_signature sig;
        cr_assert_eq(mum_cab_digest_finish(&sig, dg, ctx, NULL, NULL), MUM_EFORMAT);
        mum_cab_signature_clear(&sig);
        mum_cab_digest_free(dg);
    }
    mum_ctx_free(ctx);
}

Test(empty, express_and_msu)
{
    mum_ctx *ctx = new_ctx();
    mum_pa30_header pa;
    cr_assert_eq(mum_pa30_header_parse(&pa, ctx, NULL, NULL, 0), MUM_EFORMAT);
    mum_express_index idx;
    cr_assert_eq(mum_express_index_parse(&idx, ctx, NULL, NULL, 0), MUM_EFORMAT);
    mum_express_index none = {0};
    mum_findings *f;
    cr_assert_eq(mum_findings_new(&f), MUM_OK);
    cr_assert_eq(mum_express_check(&none, NULL, 0, NULL, f), MUM_OK);
    mum_express_index_clear(&none);

    mum_express_collector *c;
    cr_assert_eq(mum_express_collector_new(&c), MUM_OK);
    cr_assert_eq(mum_express_collector_begin(c, "a.bin", 0), MUM_OK);
    cr_assert_eq(mum_express_collector_data(c, NULL, 0), MUM_OK);
    cr_assert_eq(mum_express_collector_end(c), MUM_OK);
    cr_assert_eq(mum_express_collector_begin(c, "_manifest_.cix.xml", 0), MUM_OK);
    cr_assert_eq(mum_express_collector_data(c, NULL, 0), MUM_OK);
    cr_assert_eq(mum_express_collector_end(c), MUM_OK);
    mum_express_index *out = NULL;
    cr_assert_eq(mum_express_collector_finish(&out, c, ctx, NULL, f), MUM_EFORMAT);
    cr_assert_null(out);
    mum_express_collector_free(c);
    mum_findings_free(f);

    mum_msu_properties p1, p2;
    int rc = mum_msu_properties_parse(&p1, ctx, NULL, NULL, 0);
    cr_assert_eq(rc, mum_msu_properties_parse(&p2, ctx, NULL, nothing, 0));
    cr_assert_eq(p1.count, p2.count);
    mum_msu_properties_clear(&p1);
    mum_msu_properties_clear(&p2);
    mum_msu_unattend u1, u2;
    rc = mum_msu_unattend_parse(&u1, ctx, NULL, NULL, 0);
    cr_assert_eq(rc, mum_msu_unattend_parse(&u2, ctx, NULL, nothing, 0));
    mum_msu_unattend_clear(&u1);
    mum_msu_unattend_clear(&u2);
    mum_ctx_free(ctx);
}

Test(empty, deltas)
{
    mum_ctx *ctx = new_ctx();
    mum_delta_header h;
    cr_assert_eq(mum_delta_header_read(&h, ctx, NULL, 0), MUM_EFORMAT);
    cr_assert_eq(mum_delta_header_read(&h, ctx, nothing, 0), MUM_EFORMAT);
    uint8_t *out;
    size_t n;
    cr_assert_eq(mum_delta_apply(&out, &n, ctx, NULL, 0, NULL, 0, NULL), MUM_EFORMAT);
    cr_assert_eq(mum_delta_apply(&out, &n, ctx, nothing, 0, nothing, 0, NULL), MUM_EFORMAT);
    cr_assert_eq(mum_delta_dcm_decode(&out, &n, ctx, NULL, 0, NULL, 0), MUM_EFORMAT);
    cr_assert_not(mum_delta_is_dcm(NULL, 0));
    mum_ctx_free(ctx);
}

Test(empty, policy_and_graph)
{
    mum_ctx *ctx = new_ctx();
    mum_policy *p1 = NULL, *p2 = NULL;
    int rc = mum_policy_parse(&p1, ctx, "empty.policy", NULL, 0);
    cr_assert_eq(rc, mum_policy_parse(&p2, ctx, "empty.policy", (const char *)nothing, 0));
    mum_policy_free(p1);
    mum_policy_free(p2);
    mum_graph *g = NULL;
    rc = mum_graph_build(&g, ctx, NULL, 0, NULL, NULL);
    cr_assert_neq(rc, MUM_OK);
    cr_assert_null(g);
    mum_ctx_free(ctx);
}

static int count_entry(void *ud, const mum_entry *e)
{
    MUM_UNUSED(e);
    (*(size_t *)ud)++;
    return MUM_OK;
}

static int hash_data(void *ud, const mum_entry *e, const void *data, size_t size)
{
    MUM_UNUSED(ud);
    MUM_UNUSED(e);
    uint8_t d[32];
    return mum_hash_buffer(d, MUM_HASH_SHA256, data, size);
}

/* An empty folder (no names to sort) and an empty file (no bytes to hand
 * over), walked both ways and built into a graph. */
Test(empty, empty_folder_and_file)
{
    char dir[] = "/tmp/mum-empty-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char *sub = NULL, *file = NULL;
    cr_assert(asprintf(&sub, "%s/sub", dir) > 0 && asprintf(&file, "%s/sub/z.mum", dir) > 0);
    mum_ctx *ctx = new_ctx();
    for (int round = 0; round < 2; round++) {
        /* round 0: the folder is empty; round 1: an empty subfolder, then an empty file in it */
        if (round == 1)
            cr_assert_eq(mkdir(sub, 0700), 0);
        for (int with_file = 0; with_file <= round; with_file++) {
            if (with_file)
                fclose(fopen(file, "wb"));
            mum_walk *w;
            cr_assert_eq(mum_walk_open(&w, ctx, dir, NULL, NULL), MUM_OK);
            const mum_entry *e;
            size_t events = 0;
            while (mum_walk_next(&e, w) == MUM_OK && e) {
                events++;
                const void *data;
                size_t size = 1;
                if (e->kind == MUM_ENTRY_FILE) {
                    cr_assert_eq(mum_walk_read(w, &data, &size), MUM_OK);
                    cr_assert_eq(size, 0);
                }
            }
            mum_walk_free(w);
            size_t events2 = 0;
            mum_walk_consumer c = {.entry = count_entry, .data = hash_data};
            cr_assert_eq(mum_walk_run(ctx, dir, NULL, &c, &events2, NULL), MUM_OK);
            cr_assert_eq(events2, events);
            mum_graph *g = NULL;
            const char *inputs[] = {dir};
            mum_findings *f;
            cr_assert_eq(mum_findings_new(&f), MUM_OK);
            int rc = mum_graph_build(&g, ctx, inputs, 1, NULL, f);
            cr_assert(rc == MUM_OK || rc == MUM_EFORMAT, "graph: %d %s", rc, mum_ctx_message(ctx));
            mum_graph_free(g);
            mum_findings_free(f);
        }
    }
    remove(file);
    rmdir(sub);
    rmdir(dir);
    free(sub);
    free(file);
    mum_ctx_free(ctx);
}

Test(empty, expected_contents)
{
    mum_ctx *ctx;
    cr_assert_eq(mum_ctx_new(&ctx), MUM_OK);
    mum_expect *e = NULL;
    cr_assert_eq(mum_expect_parse(&e, ctx, "x", NULL, 0), MUM_EFORMAT);
    cr_assert_null(e);
    cr_assert(strstr(mum_ctx_message(ctx), "no file table found"), "%s", mum_ctx_message(ctx));
    cr_assert_eq(mum_expect_parse(&e, ctx, "x", "", 0), MUM_EFORMAT);
    cr_assert_eq(mum_expect_parse(&e, ctx, "x", NULL, 1), MUM_EINVAL);
    mum_ctx_free(ctx);
}
