/*
 * test_cab.c - CFHEADER decoding, the table checks and their located
 * errors, and the streaming Authenticode digest: which bytes it covers,
 * that block boundaries do not matter, the signature bytes it keeps, and
 * the layout findings.  (tests/cli/cab-signature.sh holds the digest
 * against osslsigncode on real and freshly signed cabinets.)
 */
#include "testutil.h"

#include "pool.h"
#include "walk_internal.h"

#include <stdio.h>

static unsigned char *load(const char *name, size_t *size)
{
    const char *src = getenv("MUM_SRCDIR");
    char path[4096];
    snprintf(path, sizeof path, "%s/tests/fixtures/containers/%s", src ? src : "..", name);
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "cannot open %s", path);
    unsigned char *buf = malloc(1 << 20);
    *size = fread(buf, 1, 1 << 20, f);
    fclose(f);
    return buf;
}

static void put16(unsigned char *p, unsigned v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
}

static void put32(unsigned char *p, uint32_t v)
{
    put16(p, v & 0xffff);
    put16(p + 2, v >> 16);
}

Test(cab_header, decodes_the_fields)
{
    size_t n;
    unsigned char *b = load("plain.cab", &n);
    mum_cab_header h;
    cr_assert_eq(mum_cab_header_parse(&h, NULL, NULL, b, n), MUM_OK);
    cr_assert_eq(h.cabinet_size, n);
    cr_assert_eq(h.files_offset, 44);
    cr_assert_eq(h.version_major, 1);
    cr_assert_eq(h.version_minor, 3);
    cr_assert_eq(h.folder_count, 1);
    cr_assert_eq(h.file_count, 2);
    cr_assert_eq(h.set_id, 0x1234);
    cr_assert_eq(h.flags, 0);
    cr_assert(h.folders_known);
    cr_assert_eq(h.folders_end, 44);
    cr_assert_eq(h.compression_mask, 1u << MUM_CAB_STORED);
    cr_assert_not(h.signature_reserve);
    cr_assert_eq(mum_cab_tables_check(&h, NULL, NULL, b, n, true), MUM_OK);
    free(b);
}

Test(cab_header, finds_the_signature_reserve)
{
    size_t n;
    unsigned char *b = load("sigfake.cab", &n);
    mum_cab_header h;
    cr_assert_eq(mum_cab_header_parse(&h, NULL, NULL, b, n), MUM_OK);
    cr_assert_eq(h.flags, MUM_CAB_FLAG_RESERVE);
    cr_assert_eq(h.header_reserve, 20);
    cr_assert(h.signature_reserve);
    cr_assert_eq(h.signature_offset, h.cabinet_size);
    cr_assert_eq(h.signature_length, 16);
    cr_assert_eq(h.signature_offset + h.signature_length, n);
    /* a 20-byte reserve without the marker is not a signature */
    b[42] = 0x11;
    cr_assert_eq(mum_cab_header_parse(&h, NULL, NULL, b, n), MUM_OK);
    cr_assert_not(h.signature_reserve);
    free(b);
}

/* Parses, expecting an error of `status` at `offset` whose message has `text`. */
static void expect_header_error(const unsigned char *b, size_t n, int status, uint64_t offset,
                                const char *text)
{
    mum_ctx *ctx;
    mum_ctx_new(&ctx);
    mum_location loc = {.input = "x.cab", .entry = "in.cab"};
    mum_cab_header h;
    int rc = mum_cab_header_parse(&h, ctx, &loc, b, n);
    if (rc == MUM_OK)
        rc = mum_cab_tables_check(&h, ctx, &loc, b, n, true);
    cr_assert_eq(rc, status, "want %d, got %d: %s", status, rc, mum_ctx_message(ctx));
    const mum_location *l = mum_ctx_location(ctx);
    cr_assert(l->has_offset);
    cr_assert_eq(l->offset, offset, "offset %llu: %s", (unsigned long long)l->offset, mum_ctx_message(ctx));
    cr_assert_str_eq(l->input, "x.cab");
    cr_assert_str_eq(l->entry, "in.cab");
    cr_assert(strstr(mum_ctx_reason(ctx), text), "'%s' not in '%s'", text, mum_ctx_reason(ctx));
    mum_ctx_free(ctx);
}

Test(cab_header, broken_headers_are_located_errors)
{
    size_t n;
    unsigned char *orig = load("plain.cab", &n);
    unsigned char *b = malloc(n);
#define FRESH() memcpy(b, orig, n)
    FRESH();
    b[0] = 'X';
    expect_header_error(b, n, MUM_EFORMAT, 0, "not a cabinet");
    FRESH();
    expect_header_error(b, 30, MUM_EFORMAT, 30, "truncated before the end of the fixed fields");
    FRESH();
    put16(b + 26, 0);
    expect_header_error(b, n, MUM_EFORMAT, 26, "no folders");
    FRESH();
    put16(b + 28, 0);
    expect_header_error(b, n, MUM_EFORMAT, 28, "no files");
    FRESH();
    put16(b + 36 + 6, 7); /* folder 0's compression type */
    expect_header_error(b, n, MUM_EFORMAT, 42, "unknown compression type 7");
    FRESH();
    put32(b + 36, 40); /* folder 0's data inside the file table */
    expect_header_error(b, n, MUM_EFORMAT, 36, "inside the cabinet's tables");
    FRESH();
    put32(b + 36, 5000);
    expect_header_error(b, n, MUM_EFORMAT, 36, "past the end");
    FRESH();
    put16(b + 44 + 8, 3); /* file 1's folder */
    expect_header_error(b, n, MUM_EFORMAT, 52, "'hello.txt' is in folder 3, but the cabinet has 1");
    FRESH();
    put16(b + 44 + 8, 0xfffd);
    expect_header_error(b, n, MUM_EUNSUPPORTED, 52, "continues from another cabinet");
    FRESH();
    put32(b + 44, 0x7fffffff);
    expect_header_error(b, n, MUM_EFORMAT, 44, "beyond the 2 GiB");
    FRESH();
    b[60] = '\0'; /* an empty first name */
    expect_header_error(b, n, MUM_EFORMAT, 60, "empty name");
    FRESH();
    put32(b + 16, 20); /* the file table inside the header */
    expect_header_error(b, n, MUM_EFORMAT, 16, "inside");
    FRESH();
    expect_header_error(b, 88, MUM_EFORMAT, 86, "file 2's name is truncated");
    FRESH();
    expect_header_error(b, 80, MUM_EFORMAT, 70, "file table is truncated: file 2 of 2");
    /* the same cut is no error when the bytes are only the start of a longer cabinet */
    mum_cab_header h;
    cr_assert_eq(mum_cab_header_parse(&h, NULL, NULL, b, 80), MUM_OK);
    cr_assert_eq(mum_cab_tables_check(&h, NULL, NULL, b, 80, false), MUM_OK);
#undef FRESH
    free(b);
    free(orig);
}

Test(cab_header, data_before_the_file_table_is_refused_with_its_place)
{
    /* libarchive and cabextract refuse this layout even from a seekable
     * file; the check says why instead of a generic header error */
    size_t n;
    unsigned char *b = load("reordered.cab", &n);
    expect_header_error(b, n, MUM_EFORMAT, 36, "folder 0's data starts at offset 44, inside the cabinet's tables");
    free(b);
}

Test(cab_header, set_names_and_reserves)
{
    /* a header with a reserve of 3 bytes and both set names */
    unsigned char b[128] = "MSCF";
    put32(b + 8, 200);
    put32(b + 16, 100);
    b[24] = 3;
    b[25] = 1;
    put16(b + 26, 1);
    put16(b + 28, 1);
    put16(b + 30, MUM_CAB_FLAG_RESERVE | MUM_CAB_FLAG_PREV_CABINET | MUM_CAB_FLAG_NEXT_CABINET);
    put16(b + 36, 3);
    b[38] = 2; /* folder reserve */
    size_t at = 43;
    memcpy(b + at, "prev.cab\0disk 1\0next.cab\0disk 3\0", 32);
    at += 32;
    put32(b + at, 150); /* the folder: data at 150 */
    mum_cab_header h;
    cr_assert_eq(mum_cab_header_parse(&h, NULL, NULL, b, sizeof b), MUM_OK);
    cr_assert_str_eq(h.prev_cabinet, "prev.cab");
    cr_assert_str_eq(h.next_cabinet, "next.cab");
    cr_assert_eq(h.header_reserve, 3);
    cr_assert_eq(h.folder_reserve, 2);
    cr_assert(h.folders_known);
    cr_assert_eq(h.folders_end, at + 10);
    cr_assert_eq(h.first_data_offset, 150);
    /* an unterminated name */
    memset(b + 43, 'a', sizeof b - 43);
    expect_header_error(b, sizeof b, MUM_EFORMAT, 43, "previous cabinet's name");
    /* a reserve beyond the bytes */
    put16(b + 36, 1000);
    expect_header_error(b, sizeof b, MUM_EFORMAT, 128, "truncated in the header reserve");
    put16(b + 36, 60001);
    expect_header_error(b, sizeof b, MUM_EFORMAT, 36, "larger than 60000");
}

/* Digests of a cabinet fed in blocks of `step` bytes, hashed on the
 * caller's thread or (flags MUM_CAB_DIGEST_THREAD) on the digest's own. */
/* b's digests, raw one included, are a's (a is the reference, b under test). */
static void same_digests(const mum_cab_signature *a, const mum_cab_signature *b)
{
    cr_assert(b->digests_valid && b->raw_valid);
    cr_assert_eq(memcmp(a->sha1, b->sha1, 20), 0);
    cr_assert_eq(memcmp(a->sha256, b->sha256, 32), 0);
    cr_assert_eq(memcmp(a->raw_sha256, b->raw_sha256, 32), 0);
}

static void digest_in_steps_with(unsigned flags, const unsigned char *b, size_t n, size_t step,
                                 mum_cab_signature *out, mum_findings *f)
{
    mum_cab_digest *d;
    cr_assert_eq(mum_cab_digest_new(&d, MUM_CAB_DIGEST_RAW | flags), MUM_OK);
    for (size_t i = 0; i < n; i += step)
        cr_assert_eq(mum_cab_digest_update(d, b + i, n - i < step ? n - i : step), MUM_OK);
    cr_assert_eq(mum_cab_digest_finish(out, d, NULL, NULL, f), MUM_OK);
    mum_cab_digest_free(d);
}

static void digest_in_steps(const unsigned char *b, size_t n, size_t step, mum_cab_signature *out,
                            mum_findings *f)
{
    mum_cab_digest *d;
    cr_assert_eq(mum_cab_digest_new(&d, MUM_CAB_DIGEST_RAW), MUM_OK);
    for (size_t i = 0; i < n; i += step)
        cr_assert_eq(mum_cab_digest_update(d, b + i, n - i < step ? n - i : step), MUM_OK);
    cr_assert_eq(mum_cab_digest_finish(out, d, NULL, NULL, f), MUM_OK);
    mum_cab_digest_free(d);
}

Test(cab_digest, block_boundaries_do_not_matter)
{
    size_t n;
    unsigned char *b = load("sigfake.cab", &n);
    mum_cab_signature whole, bytewise, odd;
    digest_in_steps(b, n, n, &whole, NULL);
    digest_in_steps(b, n, 1, &bytewise, NULL);
    digest_in_steps(b, n, 59, &odd, NULL);
    cr_assert(whole.digests_valid && bytewise.digests_valid && odd.digests_valid);
    cr_assert_eq(memcmp(whole.sha1, bytewise.sha1, 20), 0);
    cr_assert_eq(memcmp(whole.sha256, bytewise.sha256, 32), 0);
    cr_assert_eq(memcmp(whole.sha256, odd.sha256, 32), 0);
    cr_assert_eq(bytewise.blob_size, 16);
    cr_assert_eq(memcmp(bytewise.blob, "SIGNATURSIGNATUR", 16), 0);
    uint8_t raw[32];
    mum_hash_buffer(raw, MUM_HASH_SHA256, b, n);
    cr_assert(bytewise.raw_valid);
    cr_assert_eq(memcmp(bytewise.raw_sha256, raw, 32), 0);
    mum_cab_signature_clear(&whole);
    mum_cab_signature_clear(&bytewise);
    mum_cab_signature_clear(&odd);
    free(b);
}

/* A cabinet larger than the hashing thread's ring (2 MiB): sigfake.cab's
 * header and signature around 5 MiB of made-up folder data. */
static unsigned char *big_signed(size_t *size)
{
    size_t n;
    unsigned char *b = load("sigfake.cab", &n);
    size_t sig = n - 16, extra = (size_t)5 << 20;
    size_t big = n + extra;
    unsigned char *out = malloc(big);
    memcpy(out, b, sig);
    for (size_t i = 0; i < extra; i++)
        out[sig + i] = (unsigned char)(i * 2654435761u >> 24);
    memcpy(out + sig + extra, b + sig, 16);
    /* cbCabinet and the signature's offset move with the data */
    uint32_t cab = (uint32_t)(sig + extra);
    put32(out + 8, cab);
    put32(out + 36 + 4 + 4, cab);
    free(b);
    *size = big;
    return out;
}

Test(cab_digest, a_digest_on_its_own_thread_gives_the_same_results)
{
    size_t n;
    unsigned char *b = big_signed(&n);
    mum_cab_signature here, there, there_bytes;
    mum_findings *f1, *f2;
    mum_findings_new(&f1);
    mum_findings_new(&f2);
    digest_in_steps_with(0, b, n, 65536, &here, f1);
    cr_assert(here.digests_valid, "the made cabinet must be a signed one");
    cr_assert_eq(here.blob_size, 16);
    digest_in_steps_with(MUM_CAB_DIGEST_THREAD, b, n, 1 << 20, &there, f2); /* blocks of many slots */
    same_digests(&here, &there);
    cr_assert_eq(there.blob_size, 16);
    cr_assert_eq(memcmp(there.blob, "SIGNATURSIGNATUR", 16), 0);
    cr_assert_eq(there.stream_size, n);
    cr_assert_eq(mum_findings_count(f1), mum_findings_count(f2));
    /* small blocks: the ring fills and drains many times */
    digest_in_steps_with(MUM_CAB_DIGEST_THREAD, b, n / 4, 1000, &there_bytes, NULL);
    mum_cab_signature quarter;
    digest_in_steps_with(0, b, n / 4, 4096, &quarter, NULL);
    cr_assert_eq(memcmp(quarter.raw_sha256, there_bytes.raw_sha256, 32), 0);
    cr_assert_eq(there_bytes.stream_size, n / 4);
    mum_cab_signature_clear(&here);
    mum_cab_signature_clear(&there);
    mum_cab_signature_clear(&there_bytes);
    mum_cab_signature_clear(&quarter);
    mum_findings_free(f1);
    mum_findings_free(f2);
    free(b);
}

/* The walker reads a cabinet file straight into the hashing thread's ring
 * (mum__cab_digest_lend, then commit): the same digests as bytes given by
 * copy, mixed with copies too; a lent block is not lent again before 31
 * others (libarchive still reads the last one while it asks for the next);
 * with no thread there is nothing to lend. */
Test(cab_digest, blocks_lent_by_the_ring_are_hashed_in_place)
{
    size_t n;
    unsigned char *b = big_signed(&n);
    mum_cab_signature copied, lent;
    digest_in_steps_with(0, b, n, 65536, &copied, NULL);
    mum_cab_digest *d;
    cr_assert_eq(mum_cab_digest_new(&d, MUM_CAB_DIGEST_RAW | MUM_CAB_DIGEST_THREAD), MUM_OK);
    unsigned char *seen[32] = {0};
    size_t k = 0;
    for (size_t i = 0; i < n; k++) {
        size_t step = k % 3 == 2 ? 1000 : MUM_WALK_BLOCK_SIZE - k % 7;
        if (step > n - i)
            step = n - i;
        if (k % 5 == 4) { /* a copy now and then, as for peeked bytes */
            cr_assert_eq(mum_cab_digest_update(d, b + i, step), MUM_OK);
        } else {
            unsigned char *into = mum__cab_digest_lend(d);
            cr_assert_not_null(into);
            for (size_t back = 1; back < 32 && back <= k; back++)
                cr_assert_neq(seen[(k - back) % 32], into, "a block lent again after %zu others", back - 1);
            seen[k % 32] = into;
            memcpy(into, b + i, step);
            cr_assert_eq(mum__cab_digest_commit(d, step), MUM_OK);
        }
        if (k % 5 == 4)
            seen[k % 32] = NULL;
        i += step;
    }
    cr_assert_eq(mum_cab_digest_finish(&lent, d, NULL, NULL, NULL), MUM_OK);
    mum_cab_digest_free(d);
    same_digests(&copied, &lent);
    cr_assert_eq(lent.stream_size, n);
    mum_cab_signature_clear(&copied);
    mum_cab_signature_clear(&lent);

    mum__pool_no_threads(true);
    cr_assert_eq(mum_cab_digest_new(&d, MUM_CAB_DIGEST_THREAD), MUM_OK);
    cr_assert_null(mum__cab_digest_lend(d));
    mum_cab_digest_free(d);
    mum__pool_no_threads(false);
    free(b);
}

/* No thread to be had (the pool's test hook): the digest hashes inline. */
Test(cab_digest, with_no_thread_a_threaded_digest_hashes_inline)
{
    size_t n;
    unsigned char *b = big_signed(&n);
    mum_cab_signature here, inline_;
    digest_in_steps_with(0, b, n, 65536, &here, NULL);
    mum__pool_no_threads(true);
    digest_in_steps_with(MUM_CAB_DIGEST_THREAD, b, n, 1000, &inline_, NULL);
    mum__pool_no_threads(false);
    same_digests(&here, &inline_);
    cr_assert_eq(inline_.stream_size, n);
    mum_cab_signature_clear(&here);
    mum_cab_signature_clear(&inline_);
    free(b);
}

Test(cab_digest, a_threaded_digest_freed_unfinished_stops_its_thread)
{
    size_t n;
    unsigned char *b = big_signed(&n);
    mum_cab_digest *d;
    cr_assert_eq(mum_cab_digest_new(&d, MUM_CAB_DIGEST_THREAD), MUM_OK);
    cr_assert_eq(mum_cab_digest_update(d, b, n / 2), MUM_OK);
    mum_cab_digest_free(d); /* joins the thread; ASan and the timeout see the rest */
    /* and a stream that is no cabinet is the same error either way */
    cr_assert_eq(mum_cab_digest_new(&d, MUM_CAB_DIGEST_THREAD), MUM_OK);
    cr_assert_eq(mum_cab_digest_update(d, "not a cabinet at all, but long enough to be read as one", 56), MUM_OK);
    mum_cab_signature s;
    mum_ctx *ctx;
    mum_ctx_new(&ctx);
    cr_assert_eq(mum_cab_digest_finish(&s, d, ctx, NULL, NULL), MUM_EFORMAT);
    cr_assert(strstr(mum_ctx_message(ctx), "not a cabinet"), "%s", mum_ctx_message(ctx));
    mum_ctx_free(ctx);
    mum_cab_digest_free(d);
    free(b);
}

/* Whether flipping byte i changes the Authenticode SHA-256. */
static bool covers(const unsigned char *orig, size_t n, size_t i)
{
    unsigned char *b = malloc(n);
    memcpy(b, orig, n);
    mum_cab_signature a, c;
    digest_in_steps(b, n, 4096, &a, NULL);
    b[i] ^= 0x40;
    digest_in_steps(b, n, 4096, &c, NULL);
    cr_assert(a.digests_valid && c.digests_valid, "byte %zu", i);
    bool changed = memcmp(a.sha256, c.sha256, 32) != 0 || memcmp(a.sha1, c.sha1, 20) != 0;
    mum_cab_signature_clear(&a);
    mum_cab_signature_clear(&c);
    free(b);
    return changed;
}

Test(cab_digest, covers_the_signed_ranges_only)
{
    size_t n;
    unsigned char *b = load("sigfake.cab", &n);
    size_t sig = n - 16;
    /* not covered: reserved1 (4-7), iCabinet, reserve sizes and the first
     * 16 reserve bytes (34-55), and the signature itself */
    const size_t out[] = {4, 7, 34, 35, 38, 39, 52, 55, sig, n - 1};
    for (size_t i = 0; i < MUM_ARRAY_LEN(out); i++)
        cr_assert_not(covers(b, n, out[i]), "byte %zu must not be covered", out[i]);
    const size_t in[] = {8, 20, 33, 56, 59, 60, 80, sig - 1};
    for (size_t i = 0; i < MUM_ARRAY_LEN(in); i++)
        cr_assert(covers(b, n, in[i]), "byte %zu must be covered", in[i]);
    /* and it is the digest of exactly those ranges */
    mum_cab_signature s;
    digest_in_steps(b, n, 7, &s, NULL);
    unsigned char *cat = malloc(n);
    size_t k = 0;
    memcpy(cat + k, b, 4), k += 4;
    memcpy(cat + k, b + 8, 26), k += 26;
    memcpy(cat + k, b + 56, sig - 56), k += sig - 56;
    uint8_t d1[20], d2[32];
    mum_hash_buffer(d1, MUM_HASH_SHA1, cat, k);
    mum_hash_buffer(d2, MUM_HASH_SHA256, cat, k);
    cr_assert_eq(memcmp(s.sha1, d1, 20), 0);
    cr_assert_eq(memcmp(s.sha256, d2, 32), 0);
    mum_cab_signature_clear(&s);
    free(cat);
    free(b);
}

Test(cab_digest, unsigned_cabinets_have_no_digest)
{
    size_t n;
    unsigned char *b = load("plain.cab", &n);
    mum_cab_signature s;
    mum_findings *f;
    mum_findings_new(&f);
    digest_in_steps(b, n, 10, &s, f);
    cr_assert_not(s.present);
    cr_assert_not(s.digests_valid);
    cr_assert_null(s.blob);
    cr_assert_eq(s.stream_size, n);
    cr_assert_eq(mum_findings_count(f), 0);
    mum_findings_free(f);
    free(b);
}

Test(cab_digest, a_misplaced_signature_is_a_finding)
{
    size_t n;
    unsigned char *b = load("sigfake.cab", &n);
    put32(b + 44, (uint32_t)n - 20); /* 4 bytes before the cabinet's end */
    put32(b + 48, 20);
    mum_cab_signature s;
    mum_findings *f;
    mum_findings_new(&f);
    digest_in_steps(b, n, 64, &s, f);
    cr_assert(s.present);
    cr_assert_eq(tu_count_rule(f, "container.signature-layout"), 1);
    cr_assert(strstr(tu_find_rule(f, "container.signature-layout")->message, "not at the cabinet's end"));
    mum_cab_signature_clear(&s);
    mum_findings_free(f);
    /* a reserve whose offset lies inside the header cannot hold a signature */
    put32(b + 44, 10);
    mum_findings_new(&f);
    digest_in_steps(b, n, 64, &s, f);
    cr_assert_not(s.digests_valid);
    cr_assert_eq(tu_count_rule(f, "container.signature-layout"), 1);
    mum_cab_signature_clear(&s);
    mum_findings_free(f);
    free(b);
}

Test(cab_digest, a_stream_that_is_no_cabinet_is_an_error)
{
    mum_cab_digest *d;
    mum_ctx *ctx;
    mum_ctx_new(&ctx);
    cr_assert_eq(mum_cab_digest_new(&d, 0), MUM_OK);
    cr_assert_eq(mum_cab_digest_update(d, "PK\3\4 not a cabinet", 19), MUM_OK);
    mum_cab_signature s;
    cr_assert_eq(mum_cab_digest_finish(&s, d, ctx, NULL, NULL), MUM_EFORMAT);
    cr_assert(strstr(mum_ctx_message(ctx), "MSCF"));
    mum_cab_digest_free(d);
    cr_assert_eq(mum_cab_digest_new(&d, 0), MUM_OK);
    cr_assert_eq(mum_cab_digest_update(d, "MSCF", 4), MUM_OK);
    cr_assert_eq(mum_cab_digest_finish(&s, d, ctx, NULL, NULL), MUM_EFORMAT);
    cr_assert(strstr(mum_ctx_message(ctx), "truncated"));
    mum_cab_digest_free(d);
    cr_assert_eq(mum_cab_signature_read(&s, ctx, "/nonexistent.cab", 0, NULL), MUM_EIO);
    mum_ctx_free(ctx);
}

static int read_sig(const char *path)
{
    mum_cab_signature s;
    mum_findings *f = NULL;
    int rc = mum_findings_new(&f);
    if (rc == MUM_OK)
        rc = mum_cab_signature_read(&s, NULL, path, MUM_CAB_DIGEST_RAW, f);
    if (rc == MUM_OK)
        mum_cab_signature_clear(&s);
    mum_findings_free(f);
    return rc;
}

/* A digest on its own thread: its ring is allocated before the thread starts. */
static int threaded_digest_once(void)
{
    mum_cab_digest *d = NULL;
    int rc = mum_cab_digest_new(&d, MUM_CAB_DIGEST_THREAD | MUM_CAB_DIGEST_RAW);
    if (rc == MUM_OK)
        mum_cab_digest_free(d);
    else
        cr_assert_null(d);
    return rc;
}

Test(cab_digest, out_of_memory_is_reported)
{
    TU_ALLOC_SWEEP(threaded_digest_once(), (void)0);
    const char *src = getenv("MUM_SRCDIR");
    char path[4096];
    snprintf(path, sizeof path, "%s/tests/fixtures/containers/sigtrunc.cab", src ? src : "..");
    TU_ALLOC_SWEEP(read_sig(path), (void)0);
    snprintf(path, sizeof path, "%s/tests/fixtures/containers/sigfake.cab", src ? src : "..");
    TU_ALLOC_SWEEP(read_sig(path), (void)0);
}
