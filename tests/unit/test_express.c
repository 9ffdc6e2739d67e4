/*
 * test_express.c - express (IPD) cabinets: PA30 headers, the
 * _manifest_.cix.xml index, the check of blobs against both (each express.*
 * rule on a fixture that breaks it), and - when the real packages are there -
 * the KB2465285 express cabinets: every index file mapped, every stored
 * blob matching its hash, every PA30 target size equal to the index length.
 */
#include "testutil.h"

#include "express_internal.h"

#include <stdio.h>
#include <sys/stat.h>

/*
 * PA30 headers encoded by tests/fixtures/containers/make-fixtures.py's
 * pa30() (an encoder written apart from the decoder under test):
 * pa30(1120, 0x8004, bytes(range(20)), filetime=0x01CA042407CBA200),
 * pa30(0x123456789, 0x800c, bytes(range(32)), filetime=1), pa30(0, 0, b'', 2).
 */
static const char vec_sha1[] = "5041333000a2cb072404ca01f803020008c1080900a500000102030405060708090a0b0c0d0e0f10111213";
static const char vec_sha256[] = "504133300100000000000000f803020008c0c4b3a2914006404100000102030405060708090a0b0c0d0e0f1011"
                                 "12131415161718191a1b1c1d1e1f";
static const char vec_none[] = "504133300200000000000000f8030200480801";

static size_t unhex(const char *hex, uint8_t *out)
{
    size_t n;
    cr_assert_eq(mum_hex_decode(out, 256, &n, hex, strlen(hex)), MUM_OK);
    return n;
}

Test(pa30, header_fields)
{
    uint8_t b[256];
    size_t n = unhex(vec_sha1, b);
    mum_pa30_header h;
    cr_assert_eq(mum_pa30_header_parse(&h, NULL, NULL, b, n), MUM_OK);
    cr_assert_eq(h.target_file_time, 0x01CA042407CBA200ull);
    cr_assert_eq(h.file_type_set, 0xF);
    cr_assert_eq(h.file_type, 1);
    cr_assert_eq(h.flags, 0x20000);
    cr_assert_eq(h.target_size, 1120);
    cr_assert_eq(h.hash_alg_id, 0x8004);
    cr_assert_eq(h.hash_alg, MUM_HASH_SHA1);
    cr_assert_eq(h.hash_size, 20);
    for (int i = 0; i < 20; i++)
        cr_assert_eq(h.hash[i], i);
    cr_assert_eq(h.header_size, n);

    n = unhex(vec_sha256, b);
    cr_assert_eq(mum_pa30_header_parse(&h, NULL, NULL, b, n), MUM_OK);
    cr_assert_eq(h.target_size, 0x123456789ull, "a size above 4 GiB");
    cr_assert_eq(h.hash_alg, MUM_HASH_SHA256);
    cr_assert_eq(h.hash_size, 32);
    cr_assert_eq(h.hash[31], 31);

    n = unhex(vec_none, b);
    cr_assert_eq(mum_pa30_header_parse(&h, NULL, NULL, b, n), MUM_OK);
    cr_assert_eq(h.target_size, 0);
    cr_assert_eq(h.hash_alg, MUM_HASH_NONE);
    cr_assert_eq(h.hash_size, 0);
}

static void pa30_fails(const uint8_t *b, size_t n, int status, const char *text)
{
    mum_ctx *ctx;
    mum_ctx_new(&ctx);
    mum_location loc = {.input = "x.cab", .entry = "0"};
    mum_pa30_header h;
    cr_assert_eq(mum_pa30_header_parse(&h, ctx, &loc, b, n), status, "%s", mum_ctx_message(ctx));
    cr_assert(mum_ctx_location(ctx)->has_offset);
    cr_assert(strstr(mum_ctx_reason(ctx), text), "'%s' not in '%s'", text, mum_ctx_reason(ctx));
    mum_ctx_free(ctx);
}

/* The graph keeps a payload's head only when it can begin a delta: any
 * other head must parse exactly as no head does (the same status, reason
 * and offset), so the finding of a blob kept without its head is the
 * same. */
Test(pa30, heads_not_kept_parse_as_no_head)
{
    static const struct {
        const char *bytes;
        size_t size;
        bool delta;
    } heads[] = {
        {"PA30\0\0\0\0\0\0\0\0\xff", 13, true}, {"PA31xxxxxxxxxxx", 15, true}, {"PA19xxxx", 8, true},
        {"PA30", 4, true}, {"MZ\x90\0\3\0", 6, false}, {"XXXX not a delta", 16, false},
        {"PA3", 3, false},   {"pa30xxxx", 8, false},  {"P", 1, false},
    };
    mum_pa30_header h, none;
    const char *why_none = NULL;
    uint64_t off_none = 99;
    int rc_none = mum__express_pa30_parse(&none, NULL, 0, &why_none, &off_none);
    for (size_t i = 0; i < MUM_ARRAY_LEN(heads); i++) {
        const uint8_t *p = (const uint8_t *)heads[i].bytes;
        cr_assert_eq(mum__express_head_may_be_delta(p, heads[i].size), heads[i].delta, "head %zu", i);
        if (heads[i].delta)
            continue;
        const char *why = NULL;
        uint64_t off = 99;
        cr_assert_eq(mum__express_pa30_parse(&h, p, heads[i].size, &why, &off), rc_none, "head %zu", i);
        cr_assert_str_eq(why, why_none, "head %zu", i);
        cr_assert_eq(off, off_none, "head %zu", i);
    }
}

Test(pa30, defined_errors)
{
    uint8_t b[256];
    size_t n = unhex(vec_sha1, b);
    pa30_fails((const uint8_t *)"MZ\x90\0", 4, MUM_EFORMAT, "no \"PA30\"");
    pa30_fails((const uint8_t *)"PA19xxxxxxxxxxx", 15, MUM_EUNSUPPORTED, "PA19 or PA31");
    pa30_fails(b, 12, MUM_EFORMAT, "truncated");
    pa30_fails(b, 20, MUM_EFORMAT, "truncated");
    pa30_fails(b, n - 1, MUM_EFORMAT, "truncated in the target hash");
    /* sixteen zero bits: no number may be that long */
    uint8_t zeros[32] = "PA30";
    zeros[12] = 0x07;
    pa30_fails(zeros, sizeof zeros, MUM_EFORMAT, "malformed");
    /* a hash of 65 bytes: pa30(5, 0x8004, bytes(65), filetime=3) */
    n = unhex("504133300300000000000000f8030200c842024083"
              "0000000000000000000000000000000000000000000000000000000000000000"
              "0000000000000000000000000000000000000000000000000000000000000000"
              "00",
              b);
    pa30_fails(b, n, MUM_ELIMIT, "longer than 64");
}

static const char index_xml[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<Container name=\"kb.cab\" type=\"CAB\" length=\"199977\" version=\"1\" xmlns=\"urn:ContainerIndex\">"
    "<Description/><Files>\n"
    "<File id=\"42\" name=\"update.mum\" length=\"2338\" time=\"129375347786139047\" attr=\"32\">"
    "<Hash alg=\"SHA1\" value=\"8efcfc5b817107bc18a4125ec8c2b3ba3a5c6e56\"/>"
    "<Delta><Source type=\"RAW\" name=\"update.mum\"><Hash alg=\"SHA1\" "
    "value=\"8efcfc5b817107bc18a4125ec8c2b3ba3a5c6e56\"/></Source></Delta></File>\n"
    "<File id=\"14\" name=\"comp\\x.dll\" length=\"82432\" time=\"1\" attr=\"32\">"
    "<Hash alg=\"SHA256\" value=\"" "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff" "\"/>"
    "<Delta><Source type=\"PA30\" name=\"0\"><Hash alg=\"SHA1\" "
    "value=\"aa2239aa04192c50a117005a0551be0cd9acc81d\"/></Source><Basis file=\"42\"/></Delta></File>\n"
    "<File id=\"13\" name=\"comp2\\x.dll\" length=\"82432\">"
    "<Hash alg=\"MD5\" value=\"00112233445566778899aabbccddeeff\"/><Delta><Basis file=\"14\"/></Delta></File>\n"
    "</Files></Container>\n";

Test(express_index, files_sources_and_bases)
{
    mum_express_index idx;
    cr_assert_eq(mum_express_index_parse(&idx, NULL, NULL, index_xml, sizeof index_xml - 1), MUM_OK);
    cr_assert_str_eq(idx.name, "kb.cab");
    cr_assert_str_eq(idx.type, "CAB");
    cr_assert_eq(idx.length, 199977);
    cr_assert_eq(idx.count, 3);
    const mum_express_file *f = &idx.files[0];
    cr_assert_str_eq(f->id, "42");
    cr_assert_str_eq(f->name, "update.mum");
    cr_assert_eq(f->length, 2338);
    cr_assert_eq(f->time, 129375347786139047ull);
    cr_assert_eq(f->attr, 32);
    cr_assert_eq(f->hash.alg, MUM_HASH_SHA1);
    cr_assert_eq(f->hash.size, 20);
    cr_assert_eq(f->hash.value[0], 0x8e);
    cr_assert_eq(f->source_type, MUM_EXPRESS_SOURCE_RAW);
    cr_assert_str_eq(f->source_name, "update.mum");
    cr_assert_eq(f->line, 3);
    f = &idx.files[1];
    cr_assert_str_eq(f->name, "comp\\x.dll");
    cr_assert_eq(f->hash.alg, MUM_HASH_SHA256);
    cr_assert_eq(f->source_type, MUM_EXPRESS_SOURCE_PA30);
    cr_assert_str_eq(f->source_type_text, "PA30");
    cr_assert_eq(f->source_hash.alg, MUM_HASH_SHA1);
    cr_assert_str_eq(f->basis_id, "42");
    f = &idx.files[2];
    cr_assert_eq(f->source_type, MUM_EXPRESS_SOURCE_NONE);
    cr_assert_null(f->source_name);
    cr_assert_eq(f->hash.alg, MUM_HASH_MD5);
    cr_assert_str_eq(f->basis_id, "14");
    mum_express_index_clear(&idx);
}

static void index_fails(const char *xml, int status, uint32_t line, const char *text)
{
    mum_ctx *ctx;
    mum_ctx_new(&ctx);
    mum_location loc = {.input = "x.msu", .entry = "x.cab!_manifest_.cix.xml"};
    mum_express_index idx;
    cr_assert_eq(mum_express_index_parse(&idx, ctx, &loc, xml, strlen(xml)), status, "%s", mum_ctx_message(ctx));
    cr_assert_eq(idx.count, 0);
    cr_assert_eq(mum_ctx_location(ctx)->line, line, "%s", mum_ctx_message(ctx));
    cr_assert_str_eq(mum_ctx_location(ctx)->entry, "x.cab!_manifest_.cix.xml");
    cr_assert(strstr(mum_ctx_reason(ctx), text), "'%s' not in '%s'", text, mum_ctx_reason(ctx));
    mum_ctx_free(ctx);
}

#define HEAD "<Container xmlns=\"urn:ContainerIndex\"><Files>\n"
#define TAIL "</Files></Container>"

Test(express_index, defined_errors_with_their_line)
{
    index_fails("<Container/>", MUM_EFORMAT, 1, "not an express index");
    index_fails(HEAD "<File name=\"a\" length=\"1\"/>" TAIL, MUM_EFORMAT, 2, "without an id");
    index_fails(HEAD "<File id=\"1\" name=\"a\"/>" TAIL, MUM_EFORMAT, 2, "length is missing");
    index_fails(HEAD "<File id=\"1\" name=\"a\" length=\"-1\"/>" TAIL, MUM_EFORMAT, 2, "not a decimal");
    index_fails(HEAD "<File id=\"1\" name=\"a\" length=\"99999999999999999999\"/>" TAIL, MUM_EFORMAT, 2,
                "not a decimal");
    index_fails(HEAD "<File id=\"1\" name=\"a\" length=\"1\">\n<Hash alg=\"SHA1\" value=\"xyz\"/></File>" TAIL,
                MUM_EFORMAT, 3, "not hex");
    index_fails(HEAD "<File id=\"1\" name=\"a\" length=\"1\"><Hash alg=\"SHA256\" value=\"00\"/></File>" TAIL,
                MUM_EFORMAT, 2, "a sha256 hash of 1 bytes");
    index_fails(HEAD "<File id=\"1\" name=\"a\" length=\"1\"><Delta><Source type=\"RAW\" name=\"a\"/>"
                     "<Source type=\"RAW\" name=\"b\"/></Delta></File>" TAIL,
                MUM_EFORMAT, 2, "more than one <Source>");
    index_fails(HEAD "<File id=\"1\" name=\"a\" length=\"1\"><Delta><Basis/></Delta></File>" TAIL, MUM_EFORMAT,
                2, "without a file");
    index_fails(HEAD "<File id=\"1\" name=\"a\" length=\"1\">" TAIL, MUM_EFORMAT, 2, "mismatched tag");
}

static int index_sweep(void)
{
    mum_express_index idx;
    int rc = mum_express_index_parse(&idx, NULL, NULL, index_xml, sizeof index_xml - 1);
    mum_express_index_clear(&idx);
    return rc;
}

Test(express_index, out_of_memory_is_reported)
{
    TU_ALLOC_SWEEP(index_sweep(), (void)0);
}

/* Walks one cabinet (the input itself, or a nested one by path) through a collector. */
typedef struct collect {
    const char *cabinet;        /* nested path of the express cabinet ("" for the input) */
    uint32_t depth;
    bool inside;
    mum_express_collector *c;
    mum_express_index *idx;
    mum_findings *findings;
    const char *input;
    int status;
} collect;

static int co_entry(void *ud, const mum_entry *e)
{
    collect *k = ud;
    if (e->kind == MUM_ENTRY_CONTAINER && strcmp(e->path, k->cabinet) == 0) {
        k->inside = true;
        k->depth = e->depth;
        return mum_express_collector_new(&k->c);
    }
    if (e->kind == MUM_ENTRY_CONTAINER_END && k->inside && strcmp(e->path, k->cabinet) == 0) {
        k->inside = false;
        mum_location loc = {.input = k->input, .entry = e->path};
        int rc = mum_express_collector_finish(&k->idx, k->c, NULL, &loc, k->findings);
        mum_express_collector_free(k->c);
        k->c = NULL;
        return rc;
    }
    if (e->kind == MUM_ENTRY_FILE && k->inside && e->depth == k->depth + 1)
        return mum_express_collector_begin(k->c, e->name, e->size);
    return MUM_OK;
}

static bool co_want(void *ud, const mum_entry *e)
{
    const char *bang = strrchr(e->path, '!');
    const char *cab = ((collect *)ud)->cabinet;
    size_t n = bang ? (size_t)(bang - e->path) : 0;
    return strlen(cab) == n && strncmp(e->path, cab, n) == 0;
}

static int co_data(void *ud, const mum_entry *e, const void *p, size_t n)
{
    MUM_UNUSED(e);
    collect *k = ud;
    return k->c ? mum_express_collector_data(k->c, p, n) : MUM_OK;
}

static int co_end(void *ud, const mum_entry *e)
{
    MUM_UNUSED(e);
    collect *k = ud;
    return k->c ? mum_express_collector_end(k->c) : MUM_OK;
}

static mum_express_index *collect_index(const char *input, const char *cabinet, mum_findings *f)
{
    collect k = {.cabinet = cabinet, .findings = f, .input = input};
    mum_walk_consumer c = {.want_data = co_want,
                           .entry = co_entry,
                           .data = co_data,
                           .entry_end = co_end};
    mum_ctx *ctx;
    mum_ctx_new(&ctx);
    int rc = mum_walk_run(ctx, input, NULL, &c, &k, f);
    cr_assert_eq(rc, MUM_OK, "%s", mum_ctx_message(ctx));
    mum_ctx_free(ctx);
    mum_express_collector_free(k.c);
    return k.idx;
}

static char *fixture(const char *name)
{
    const char *src = getenv("MUM_SRCDIR");
    char *p = NULL;
    cr_assert(asprintf(&p, "%s/tests/fixtures/containers/%s", src ? src : "..", name) > 0);
    return p;
}

static void free_index(mum_express_index *idx)
{
    mum_express_index_clear(idx);
    mum_free(idx);
}

Test(express_check, a_consistent_cabinet_maps_every_file)
{
    char *path = fixture("express.cab");
    mum_findings *f;
    mum_findings_new(&f);
    mum_express_index *idx = collect_index(path, "", f);
    cr_assert_not_null(idx);
    cr_assert_eq(mum_findings_count(f), 0, "first: %s",
                 mum_findings_count(f) ? mum_findings_get(f, 0)->message : "");
    cr_assert_eq(idx->count, 4);
    cr_assert_eq(idx->files[0].status, MUM_EXPRESS_STORED);
    cr_assert(idx->files[0].blob_verified);
    cr_assert_eq(idx->files[1].status, MUM_EXPRESS_DELTA_ONLY);
    cr_assert(idx->files[1].blob_verified);
    cr_assert(idx->files[1].has_pa30);
    cr_assert_eq(idx->files[1].pa30.target_size, 5000);
    cr_assert_eq(idx->files[1].pa30.hash_alg, MUM_HASH_SHA256);
    cr_assert_eq(idx->files[2].status, MUM_EXPRESS_COPY);
    cr_assert_eq(idx->files[2].basis, 1);
    cr_assert_eq(idx->files[3].status, MUM_EXPRESS_DELTA_ONLY);
    cr_assert_eq(idx->files[3].pa30.hash_alg, MUM_HASH_MD5, "another algorithm than the index: not compared");
    cr_assert_eq(idx->files[3].basis, 1);
    free_index(idx);
    mum_findings_free(f);
    free(path);
}

Test(express_check, every_rule_on_a_broken_cabinet)
{
    char *path = fixture("express-bad.cab");
    mum_findings *f;
    mum_findings_new(&f);
    mum_express_index *idx = collect_index(path, "", f);
    cr_assert_not_null(idx);
    const struct {
        const char *rule;
        size_t count;
    } want[] = {
        {"express.blob-hash-mismatch", 1}, {"express.pa30-size-mismatch", 1}, {"express.pa30-hash-mismatch", 1},
        {"express.pa30-malformed", 1},     {"express.missing-blob", 1},       {"express.bad-basis", 2},
        {"express.copy-mismatch", 1},      {"express.no-source", 1},          {"express.raw-mismatch", 1},
        {"express.duplicate-id", 1},       {"express.unmapped-blob", 1},
    };
    size_t total = 0;
    for (size_t i = 0; i < MUM_ARRAY_LEN(want); i++) {
        cr_assert_eq(tu_count_rule(f, want[i].rule), want[i].count, "%s", want[i].rule);
        total += want[i].count;
    }
    cr_assert_eq(mum_findings_count(f), total);
    const mum_finding *x = tu_find_rule(f, "express.missing-blob");
    cr_assert_str_eq(x->loc.entry, "_manifest_.cix.xml");
    cr_assert(x->loc.line > 0);
    cr_assert(strstr(x->message, "\"9\""));
    x = tu_find_rule(f, "express.unmapped-blob");
    cr_assert_str_eq(x->loc.entry, "7");
    x = tu_find_rule(f, "express.pa30-size-mismatch");
    cr_assert(strstr(x->message, "77 bytes") && strstr(x->message, "78"), "%s", x->message);
    cr_assert_eq(idx->files[4].status, MUM_EXPRESS_MISSING);
    cr_assert_eq(idx->files[5].status, MUM_EXPRESS_MISSING, "its basis does not exist");
    cr_assert_eq(idx->files[6].status, MUM_EXPRESS_MISSING, "a loop of copies holds no bytes");
    cr_assert_eq(idx->files[7].status, MUM_EXPRESS_MISSING);
    cr_assert_eq(idx->files[8].status, MUM_EXPRESS_COPY);
    free_index(idx);
    mum_findings_free(f);
    free(path);
}

Test(express_check, a_cabinet_without_an_index_is_not_express)
{
    char *path = fixture("plain.cab");
    mum_express_index *idx = collect_index(path, "", NULL);
    cr_assert_null(idx);
    free(path);
}

static int collect_sweep(const char *path)
{
    mum_express_collector *c = NULL;
    int rc = mum_express_collector_new(&c);
    mum_walk *w = NULL;
    if (rc == MUM_OK)
        rc = mum_walk_open(&w, NULL, path, NULL, NULL);
    const mum_entry *e;
    while (rc == MUM_OK && (rc = mum_walk_next(&e, w)) == MUM_OK && e) {
        if (e->kind != MUM_ENTRY_FILE)
            continue;
        rc = mum_express_collector_begin(c, e->name, e->size);
        const void *p;
        size_t n;
        while (rc == MUM_OK && (rc = mum_walk_read(w, &p, &n)) == MUM_OK && n)
            rc = mum_express_collector_data(c, p, n);
        if (rc == MUM_OK)
            rc = mum_express_collector_end(c);
    }
    mum_express_index *idx = NULL;
    mum_findings *f = NULL;
    if (rc == MUM_OK)
        rc = mum_findings_new(&f);
    if (rc == MUM_OK)
        rc = mum_express_collector_finish(&idx, c, NULL, NULL, f);
    if (idx)
        free_index(idx);
    mum_findings_free(f);
    mum_walk_free(w);
    mum_express_collector_free(c);
    return rc;
}

Test(express_check, out_of_memory_is_reported)
{
    char *path = fixture("express-bad.cab");
    TU_ALLOC_SWEEP(collect_sweep(path), (void)0);
    free(path);
}

/* ---- the real packages ---- */

Test(express_real, kb2465285_every_file_mapped_every_blob_verified_every_size_equal)
{
    const char *real = getenv("MUM_REALDATA");
    const char *arch[] = {"x64", "x86"};
    for (int a = 0; a < 2; a++) {
        char input[4096], cab[64];
        snprintf(input, sizeof input, "%s/msu/Windows6.1-KB2465285-%s.msu", real ? real : "", arch[a]);
        struct stat st;
        if (!real || stat(input, &st) != 0)
            cr_skip_test("real data absent (set MUM_REALDATA): %s", input);
        snprintf(cab, sizeof cab, "Windows6.1-KB2465285-%s.cab", arch[a]);
        mum_findings *f;
        mum_findings_new(&f);
        mum_express_index *idx = collect_index(input, cab, f);
        cr_assert_not_null(idx, "%s is an express cabinet", cab);
        cr_assert_eq(mum_findings_count(f), 0, "%s: %s", cab,
                     mum_findings_count(f) ? mum_findings_get(f, 0)->message : "");
        size_t stored = 0, delta = 0, copies = 0;
        cr_assert_gt(idx->count, 0);
        for (size_t i = 0; i < idx->count; i++) {
            const mum_express_file *x = &idx->files[i];
            cr_assert(x->status == MUM_EXPRESS_STORED || x->status == MUM_EXPRESS_DELTA_ONLY ||
                          x->status == MUM_EXPRESS_COPY,
                      "%s: %s is %s", cab, x->name, mum_express_status_name(x->status));
            if (x->source_name) {
                cr_assert(x->blob_verified, "%s: blob %s of %s", cab, x->source_name, x->name);
                cr_assert_neq(x->blob, MUM_EXPRESS_NONE);
            }
            if (x->source_type == MUM_EXPRESS_SOURCE_PA30) {
                cr_assert(x->has_pa30, "%s: %s", cab, x->source_name);
                cr_assert_eq(x->pa30.target_size, x->length, "%s: %s", cab, x->name);
            }
            stored += x->status == MUM_EXPRESS_STORED;
            delta += x->status == MUM_EXPRESS_DELTA_ONLY;
            copies += x->status == MUM_EXPRESS_COPY;
        }
        /* the index has 34 files: 18 stored whole, 12 PA30 blobs (0..11), 4 copies */
        cr_assert_eq(idx->count, 34);
        cr_assert_eq(stored, 18);
        cr_assert_eq(delta, 12);
        cr_assert_eq(copies, 4);
        free_index(idx);
        mum_findings_free(f);
    }
}

/* ---- the unpacker (express_unpack.c), fed events as a walk gives them ---- */

static mum_express_take feed_file(mum_express_unpacker *u, const char *path, const char *name, uint32_t depth,
                                  const char *data)
{
    mum_entry e = {.kind = MUM_ENTRY_FILE, .path = path, .name = name, .depth = depth, .size = strlen(data)};
    mum_express_take take;
    cr_assert_eq(mum_express_unpacker_entry(&take, u, &e), MUM_OK);
    cr_assert_eq(mum_express_unpacker_data(u, data, strlen(data)), MUM_OK);
    cr_assert_eq(mum_express_unpacker_entry_end(u, &e), MUM_OK);
    return take;
}

static void feed_container(mum_express_unpacker *u, mum_entry_kind kind, const char *path, uint32_t depth)
{
    mum_entry e = {.kind = kind, .container = MUM_CONTAINER_CABINET, .path = path, .name = path, .depth = depth};
    mum_express_take take;
    cr_assert_eq(mum_express_unpacker_entry(&take, u, &e), MUM_OK);
}

Test(unpacker, gives_an_index_files_in_order_and_holds_its_blobs)
{
    /* x.txt stored under the blob name "0", y.txt a copy of it, z.txt on a
     * basis the index does not have; SHA-1 of "hello\n" */
    static const char cix[] =
        "<?xml version=\"1.0\"?><Container name=\"t.cab\" type=\"CAB\" length=\"1\" version=\"1\" "
        "xmlns=\"urn:ContainerIndex\"><Files>"
        "<File id=\"1\" name=\"c\\x.txt\" length=\"6\" time=\"129375347786139047\" attr=\"32\">"
        "<Hash alg=\"SHA1\" value=\"f572d396fae9206628714fb2ce00f72e94f2258f\"/>"
        "<Delta><Source type=\"RAW\" name=\"0\"/></Delta></File>"
        "<File id=\"2\" name=\"c\\y.txt\" length=\"6\" time=\"0\" attr=\"32\">"
        "<Hash alg=\"SHA1\" value=\"f572d396fae9206628714fb2ce00f72e94f2258f\"/>"
        "<Delta><Basis file=\"1\"/></Delta></File>"
        "<File id=\"3\" name=\"c\\z.txt\" length=\"6\" time=\"0\" attr=\"32\">"
        "<Hash alg=\"SHA1\" value=\"f572d396fae9206628714fb2ce00f72e94f2258f\"/>"
        "<Delta><Basis file=\"9\"/></Delta></File>"
        "</Files></Container>";
    mum_express_unpacker *u;
    mum_ctx *ctx;
    cr_assert_eq(mum_express_unpacker_new(&u, "in.msu"), MUM_OK);
    cr_assert_eq(mum_ctx_new(&ctx), MUM_OK);
    feed_container(u, MUM_ENTRY_CONTAINER, "", 0);
    feed_container(u, MUM_ENTRY_CONTAINER, "t.cab", 1);
    cr_assert_eq(feed_file(u, "t.cab!_manifest_.cix.xml", "_manifest_.cix.xml", 2, cix), MUM_EXPRESS_HOLD);
    cr_assert_eq(feed_file(u, "t.cab!0", "0", 2, "hello\n"), MUM_EXPRESS_HOLD);
    cr_assert_eq(feed_file(u, "t.cab!other.txt", "other.txt", 2, "other"), MUM_EXPRESS_PASS);
    const mum_express_output *o;
    cr_assert_eq(mum_express_unpacker_next(&o, u, ctx), MUM_OK);
    cr_assert_null(o, "nothing before the cabinet ends");
    feed_container(u, MUM_ENTRY_CONTAINER_END, "t.cab", 1);

    cr_assert_eq(mum_express_unpacker_next(&o, u, ctx), MUM_OK);
    cr_assert_not_null(o);
    cr_assert_str_eq(o->path, "t.cab!c/x.txt");
    cr_assert(o->rebuilt && !o->failed);
    cr_assert_eq(o->size, 6);
    cr_assert_arr_eq(o->data, "hello\n", 6);
    cr_assert(o->has_mtime);
    cr_assert_eq(o->mtime, 1293061178, "the index's FILETIME as seconds since 1970");
    uint8_t want[32];
    mum_hash_buffer(want, MUM_HASH_SHA256, "hello\n", 6);
    cr_assert_arr_eq(o->digests.sha256, want, 32);

    cr_assert_eq(mum_express_unpacker_next(&o, u, ctx), MUM_OK);
    cr_assert_str_eq(o->path, "t.cab!c/y.txt");
    cr_assert(o->rebuilt && !o->failed && o->size == 6, "a copy of its basis");

    cr_assert_eq(mum_express_unpacker_next(&o, u, ctx), MUM_OK);
    cr_assert_str_eq(o->path, "t.cab!c/z.txt");
    cr_assert(o->failed && !o->data);
    cr_assert(strstr(o->why, "c\\z.txt <- basis 9 (not in the index): its basis 9 is not in the index"), "%s",
              o->why);

    cr_assert_eq(mum_express_unpacker_next(&o, u, ctx), MUM_OK);
    cr_assert_null(o, "the blob and the index are not given");

    /* a cabinet with no index: what was held is given back as stored */
    feed_container(u, MUM_ENTRY_CONTAINER, "p.cab", 1);
    cr_assert_eq(feed_file(u, "p.cab!17", "17", 2, "seventeen"), MUM_EXPRESS_HOLD);
    cr_assert_eq(feed_file(u, "p.cab!a/17", "a/17", 2, "in a folder"), MUM_EXPRESS_PASS);
    feed_container(u, MUM_ENTRY_CONTAINER_END, "p.cab", 1);
    cr_assert_eq(mum_express_unpacker_next(&o, u, ctx), MUM_OK);
    cr_assert_not_null(o);
    cr_assert_str_eq(o->path, "p.cab!17");
    cr_assert(!o->rebuilt && !o->failed && o->size == 9);
    cr_assert_eq(mum_express_unpacker_next(&o, u, ctx), MUM_OK);
    cr_assert_null(o);
    feed_container(u, MUM_ENTRY_CONTAINER_END, "", 0);
    cr_assert_eq(mum_express_unpacker_next(&o, u, ctx), MUM_OK);
    cr_assert_null(o);
    mum_express_unpacker_free(u);
    mum_ctx_free(ctx);
}
