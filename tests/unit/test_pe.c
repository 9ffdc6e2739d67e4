/*
 * test_pe.c - PE headers, the Authenticode digest and the embedded
 * signature, on images from tests/tools/pegen.c.  The expected digests are
 * assembled here from the byte ranges the Authenticode specification names,
 * at offsets taken from the PE/COFF specification (not from mum_pe_parse);
 * tests/cli/pe-oracle.sh checks the same digests against osslsigncode.
 */
#include "testutil.h"

#include "pegen.h"

#include <mum/pe.h>

#include <dirent.h>
#include <stdio.h>
#include <strings.h>
#include <unistd.h>

enum { LFANEW = 0x80 };

static void wr32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static uint8_t *image(bool plus, unsigned sections, unsigned overlay, size_t *size)
{
    pegen_opts o = PEGEN_OPTS_INIT;
    o.pe32plus = plus;
    o.sections = sections;
    o.overlay = overlay;
    o.checksum = 0x12345678;
    uint8_t *p = pegen_build(&o, size);
    cr_assert_not_null(p);
    return p;
}

/* Offsets by the PE/COFF specification. */
static size_t opt_at(void) { return LFANEW + 4 + 20; }
static size_t coff_sections_at(void) { return LFANEW + 4 + 2; }
static size_t checksum_at(void) { return opt_at() + 64; }
static size_t certdir_at(bool plus) { return opt_at() + (plus ? 112 : 96) + 8 * 4; }

/* The digest the specification defines, for an image whose sections follow
 * the headers without gaps: everything but CheckSum, the certificate entry
 * and [cert_at, cert_at + cert_len), then zeros to a multiple of 8 bytes. */
static void expected(const uint8_t *p, size_t size, bool plus, size_t cert_at, size_t cert_len,
                     mum_hash_alg alg, uint8_t *out)
{
    uint8_t *buf = calloc(1, size + 8);
    size_t n = 0;
    size_t cs = checksum_at(), cd = certdir_at(plus);
    for (size_t i = 0; i < size; i++) {
        if (i >= cs && i < cs + 4)
            continue;
        if (i >= cd && i < cd + 8)
            continue;
        if (cert_len && i >= cert_at && i < cert_at + cert_len)
            continue;
        buf[n++] = p[i];
    }
    size_t end = size - cert_len;
    if (end % 8)
        n += 8 - end % 8; /* calloc'd: zeros */
    cr_assert_eq(mum_hash_buffer(out, alg, buf, n), MUM_OK);
    free(buf);
}

static void check_digest(const uint8_t *p, size_t size, bool plus, size_t cert_at, size_t cert_len)
{
    const mum_hash_alg algs[2] = {MUM_HASH_SHA1, MUM_HASH_SHA256};
    uint8_t got[2][MUM_HASH_MAX_SIZE], want[MUM_HASH_MAX_SIZE];
    cr_assert_eq(mum_pe_digest(NULL, p, size, NULL, algs, 2, got), MUM_OK);
    expected(p, size, plus, cert_at, cert_len, MUM_HASH_SHA1, want);
    cr_assert_arr_eq(got[0], want, 20);
    expected(p, size, plus, cert_at, cert_len, MUM_HASH_SHA256, want);
    cr_assert_arr_eq(got[1], want, 32);
}

Test(pe, probe_tells_pe_from_other_data)
{
    size_t size;
    uint8_t *p = image(false, 2, 0, &size);
    cr_assert(mum_pe_probe(p, size));
    cr_assert_not(mum_pe_probe(p, 0x40));         /* e_lfanew past the end */
    cr_assert_not(mum_pe_probe("MZ", 2));
    cr_assert_not(mum_pe_probe("hello world, not a program at all, just text. ......", 50));
    cr_assert_not(mum_pe_probe(NULL, 0));
    p[LFANEW] = 'X';
    cr_assert_not(mum_pe_probe(p, size));         /* an MZ file without a PE header (DOS) */
    free(p);
}

Test(pe, parse_reads_the_headers)
{
    for (int plus = 0; plus <= 1; plus++) {
        size_t size;
        uint8_t *p = image(plus, 3, 0, &size);
        mum_pe_info pi;
        cr_assert_eq(mum_pe_parse(&pi, NULL, p, size, NULL), MUM_OK);
        cr_assert_eq(pi.pe32plus, (bool)plus);
        cr_assert_eq(pi.machine, plus ? 0x8664 : 0x14c);
        cr_assert_eq(pi.section_count, 3);
        cr_assert_eq(pi.checksum, 0x12345678);
        cr_assert_eq(pi.checksum_offset, checksum_at());
        cr_assert_eq(pi.certdir_offset, certdir_at(plus));
        cr_assert_eq(pi.size_of_headers, 0x200); /* the section table, rounded up to FileAlignment */
        cr_assert_eq(pi.cert_size, 0);
        free(p);
    }
}

Test(pe, digest_pe32_and_pe32plus_by_the_specification)
{
    for (int plus = 0; plus <= 1; plus++) {
        for (unsigned sections = 0; sections <= 4; sections++) {
            size_t size;
            uint8_t *p = image(plus, sections, sections * 24, &size);
            check_digest(p, size, plus, 0, 0);
            free(p);
        }
    }
}

Test(pe, digest_ignores_checksum_and_certificate_entry)
{
    size_t size;
    uint8_t *a = image(true, 2, 0, &size);
    uint8_t *b = malloc(size);
    memcpy(b, a, size);
    wr32(b + checksum_at(), 0xdeadbeef);
    const mum_hash_alg alg = MUM_HASH_SHA256;
    uint8_t da[1][MUM_HASH_MAX_SIZE], db[1][MUM_HASH_MAX_SIZE];
    cr_assert_eq(mum_pe_digest(NULL, a, size, NULL, &alg, 1, da), MUM_OK);
    cr_assert_eq(mum_pe_digest(NULL, b, size, NULL, &alg, 1, db), MUM_OK);
    cr_assert_arr_eq(da[0], db[0], 32);
    /* any other header byte counts */
    b[0x40] ^= 1;
    cr_assert_eq(mum_pe_digest(NULL, b, size, NULL, &alg, 1, db), MUM_OK);
    cr_assert(memcmp(da[0], db[0], 32) != 0);
    free(a);
    free(b);
}

/* Appends a WIN_CERTIFICATE holding `payload` and points the security
 * directory at it, as a signing tool does. */
static uint8_t *with_cert_table(const uint8_t *p, size_t size, bool plus, const char *payload,
                                size_t *out_size, size_t *cert_at, size_t *cert_len)
{
    size_t plen = strlen(payload);
    size_t len = (8 + plen + 7) / 8 * 8;
    uint8_t *q = calloc(1, size + len);
    memcpy(q, p, size);
    wr32(q + size, (uint32_t)(8 + plen));
    q[size + 4] = 0x00;
    q[size + 5] = 0x02; /* revision 2.0 */
    q[size + 6] = 0x02; /* WIN_CERT_TYPE_PKCS_SIGNED_DATA */
    memcpy(q + size + 8, payload, plen);
    wr32(q + certdir_at(plus), (uint32_t)size);
    wr32(q + certdir_at(plus) + 4, (uint32_t)len);
    *out_size = size + len;
    *cert_at = size;
    *cert_len = len;
    return q;
}

Test(pe, certificate_table_is_left_out_and_found)
{
    size_t size, ssize, cat, clen;
    uint8_t *p = image(false, 2, 16, &size);
    uint8_t *s = with_cert_table(p, size, false, "not really PKCS#7", &ssize, &cat, &clen);
    check_digest(s, ssize, false, cat, clen);
    /* signing an 8-aligned image does not change its digest */
    const mum_hash_alg alg = MUM_HASH_SHA256;
    uint8_t d1[1][MUM_HASH_MAX_SIZE], d2[1][MUM_HASH_MAX_SIZE];
    cr_assert_eq(mum_pe_digest(NULL, p, size, NULL, &alg, 1, d1), MUM_OK);
    cr_assert_eq(mum_pe_digest(NULL, s, ssize, NULL, &alg, 1, d2), MUM_OK);
    cr_assert_arr_eq(d1[0], d2[0], 32);

    mum_pe_info pi;
    cr_assert_eq(mum_pe_parse(&pi, NULL, s, ssize, NULL), MUM_OK);
    cr_assert_eq(pi.cert_offset, cat);
    cr_assert_eq(pi.cert_size, clen);
    const uint8_t *der;
    size_t len;
    cr_assert_eq(mum_pe_signature(NULL, s, ssize, NULL, &der, &len), MUM_OK);
    cr_assert_eq(len, strlen("not really PKCS#7"));
    cr_assert_eq(memcmp(der, "not really PKCS#7", len), 0);
    cr_assert_eq(der, s + cat + 8);

    mum_ctx *ctx;
    mum_ctx_new(&ctx);
    cr_assert_eq(mum_pe_signature(ctx, p, size, NULL, &der, &len), MUM_ENOTFOUND);
    cr_assert(strstr(mum_ctx_message(ctx), "not signed"));
    mum_ctx_free(ctx);
    free(p);
    free(s);
}

Test(pe, unaligned_extra_data_is_padded_to_8_bytes)
{
    size_t size;
    uint8_t *p = image(true, 1, 13, &size);
    cr_assert_neq(size % 8, 0);
    check_digest(p, size, true, 0, 0);
    /* the same as the file padded with zeros, as a signing tool leaves it */
    uint8_t *q = calloc(1, size + 3);
    memcpy(q, p, size);
    const mum_hash_alg alg = MUM_HASH_SHA256;
    uint8_t a[1][MUM_HASH_MAX_SIZE], b[1][MUM_HASH_MAX_SIZE];
    cr_assert_eq(mum_pe_digest(NULL, p, size, NULL, &alg, 1, a), MUM_OK);
    cr_assert_eq(mum_pe_digest(NULL, q, size + 3, NULL, &alg, 1, b), MUM_OK);
    cr_assert_arr_eq(a[0], b[0], 32);
    free(q);
    free(p);
}

Test(pe, few_data_directories_means_no_certificate_entry)
{
    pegen_opts o = PEGEN_OPTS_INIT;
    o.few_dirs = true;
    size_t size;
    uint8_t *p = pegen_build(&o, &size);
    mum_pe_info pi;
    cr_assert_eq(mum_pe_parse(&pi, NULL, p, size, NULL), MUM_OK);
    cr_assert_eq(pi.certdir_offset, 0);
    /* everything but CheckSum is hashed, the (unused) directory slot too */
    uint8_t *buf = malloc(size);
    memcpy(buf, p, checksum_at());
    memcpy(buf + checksum_at(), p + checksum_at() + 4, size - checksum_at() - 4);
    uint8_t want[32], got[1][MUM_HASH_MAX_SIZE];
    const mum_hash_alg alg = MUM_HASH_SHA256;
    mum_hash_buffer(want, alg, buf, size - 4);
    cr_assert_eq(mum_pe_digest(NULL, p, size, NULL, &alg, 1, got), MUM_OK);
    cr_assert_arr_eq(got[0], want, 32);
    free(buf);
    free(p);
}

Test(pe, sections_with_gaps_follow_the_specification)
{
    /* Between sections lie bytes no section claims: the specification
     * leaves them out and hashes the "extra data" from offset
     * SUM_OF_BYTES_HASHED to the end of the file. */
    pegen_opts o = PEGEN_OPTS_INIT;
    o.sections = 2;
    o.gap = 64;
    size_t size;
    uint8_t *p = pegen_build(&o, &size);
    size_t headers = 0x200, s1 = 0x200, s2 = 0x400, gap = 64;
    cr_assert_eq(size, headers + s1 + gap + s2);
    size_t sum = headers + s1 + s2;
    uint8_t *buf = malloc(2 * size);
    size_t n = 0;
    memcpy(buf + n, p, checksum_at()); n += checksum_at();
    memcpy(buf + n, p + checksum_at() + 4, certdir_at(false) - checksum_at() - 4);
    n += certdir_at(false) - checksum_at() - 4;
    memcpy(buf + n, p + certdir_at(false) + 8, headers - certdir_at(false) - 8);
    n += headers - certdir_at(false) - 8;
    memcpy(buf + n, p + headers, s1); n += s1;
    memcpy(buf + n, p + headers + s1 + gap, s2); n += s2;
    memcpy(buf + n, p + sum, size - sum); n += size - sum;
    uint8_t want[32], got[1][MUM_HASH_MAX_SIZE];
    const mum_hash_alg alg = MUM_HASH_SHA256;
    mum_hash_buffer(want, alg, buf, n);
    cr_assert_eq(mum_pe_digest(NULL, p, size, NULL, &alg, 1, got), MUM_OK);
    cr_assert_arr_eq(got[0], want, 32);
    free(buf);
    free(p);
}

/* A malformed variant must fail with `status` and say `what` at an offset. */
static void expect_bad(const uint8_t *p, size_t size, int status, const char *what)
{
    mum_ctx *ctx;
    mum_ctx_new(&ctx);
    const mum_hash_alg alg = MUM_HASH_SHA1;
    uint8_t d[1][MUM_HASH_MAX_SIZE];
    mum_location where = {.input = "t.dll"};
    int rc = mum_pe_digest(ctx, p, size, &where, &alg, 1, d);
    cr_assert_eq(rc, status, "%s: got %d (%s)", what, rc, mum_ctx_message(ctx));
    cr_assert(strstr(mum_ctx_message(ctx), what), "'%s' not in '%s'", what, mum_ctx_message(ctx));
    cr_assert(strstr(mum_ctx_message(ctx), "t.dll: at offset "), "%s", mum_ctx_message(ctx));
    mum_ctx_free(ctx);
}

Test(pe, malformed_headers_are_errors)
{
    size_t size;
    uint8_t *p = image(false, 3, 0, &size);
    uint8_t *q = malloc(size);
    size_t sect_table = opt_at() + 224;

    memcpy(q, p, size);
    wr32(q + 0x3c, 0x7fffffff);
    expect_bad(q, size, MUM_EFORMAT, "does not point at a PE signature");

    memcpy(q, p, size);
    q[coff_sections_at()] = 0xff, q[coff_sections_at() + 1] = 0xff;
    expect_bad(q, size, MUM_EFORMAT, "the section table (65535 sections) ends past the end");

    memcpy(q, p, size);
    wr32(q + sect_table + 40 * 2 + 16, 0x100000); /* third section's SizeOfRawData */
    expect_bad(q, size, MUM_EFORMAT, "section 3: raw data");

    memcpy(q, p, size);
    wr32(q + certdir_at(false), 0x600);           /* inside section 2, [0x400, 0x800) */
    wr32(q + certdir_at(false) + 4, 16);
    expect_bad(q, size, MUM_EFORMAT, "overlaps section 2");

    memcpy(q, p, size);
    wr32(q + certdir_at(false), (uint32_t)size - 8);
    wr32(q + certdir_at(false) + 4, 64);
    expect_bad(q, size, MUM_EFORMAT, "lies outside the file");

    memcpy(q, p, size);
    wr32(q + certdir_at(false), 0x100);
    wr32(q + certdir_at(false) + 4, 8);
    expect_bad(q, size, MUM_EFORMAT, "overlaps the headers");

    memcpy(q, p, size);
    q[opt_at() - 4] = 8, q[opt_at() - 3] = 0;    /* SizeOfOptionalHeader 8 */
    expect_bad(q, size, MUM_EFORMAT, "too small to hold the CheckSum");

    memcpy(q, p, size);
    wr32(q + opt_at() + 60, 0x10);                 /* SizeOfHeaders */
    expect_bad(q, size, MUM_EFORMAT, "SizeOfHeaders 16 ends inside the optional header");

    memcpy(q, p, size);
    q[opt_at()] = 0x07, q[opt_at() + 1] = 0x01;    /* a ROM image */
    expect_bad(q, size, MUM_EUNSUPPORTED, "unsupported optional header magic 0x107");
    free(q);
    free(p);
}

Test(pe, every_truncation_is_an_error_not_a_crash)
{
    size_t size;
    uint8_t *p = image(true, 2, 0, &size);
    const mum_hash_alg alg = MUM_HASH_SHA256;
    for (size_t n = 0; n < size; n++) {
        /* exact-size copies, so ASan sees any read past the end */
        uint8_t *q = malloc(n ? n : 1);
        memcpy(q, p, n);
        uint8_t d[1][MUM_HASH_MAX_SIZE];
        int rc = mum_pe_digest(NULL, q, n, NULL, &alg, 1, d);
        cr_assert_eq(rc, MUM_EFORMAT, "a PE cut to %zu of %zu bytes gave %d", n, size, rc);
        free(q);
    }
    free(p);
}

Test(pe, digest_arguments)
{
    size_t size;
    uint8_t *p = image(false, 1, 0, &size);
    uint8_t d[2][MUM_HASH_MAX_SIZE];
    const mum_hash_alg none = MUM_HASH_NONE;
    cr_assert_eq(mum_pe_digest(NULL, p, size, NULL, &none, 1, d), MUM_EINVAL);
    cr_assert_eq(mum_pe_digest(NULL, p, size, NULL, &none, 0, d), MUM_EINVAL);
    free(p);
}

Test(pe, out_of_memory_is_reported)
{
    size_t size;
    uint8_t *p = image(true, 3, 8, &size);
    const mum_hash_alg algs[2] = {MUM_HASH_SHA1, MUM_HASH_SHA256};
    uint8_t d[2][MUM_HASH_MAX_SIZE];
    TU_ALLOC_SWEEP(mum_pe_digest(NULL, p, size, NULL, algs, 2, d), (void)0);
    free(p);
}

/* ---- the streaming digest (mum_pe_hasher) ---- */

static const size_t chunk_sizes[] = {1, 7, 4096, 65536, (size_t)-1};

/* Pushes p in chunks of `chunk` bytes (all at once for (size_t)-1), each
 * chunk an exact-size copy so ASan sees reads past it. */
static int stream(const uint8_t *p, size_t size, size_t chunk, size_t limit, mum_ctx *ctx,
                  uint8_t (*out)[MUM_HASH_MAX_SIZE], uint8_t (*flat)[MUM_HASH_MAX_SIZE], size_t *peak)
{
    const mum_hash_alg algs[2] = {MUM_HASH_SHA1, MUM_HASH_SHA256};
    mum_pe_hasher *h;
    int rc = mum_pe_hasher_new(&h, algs, 2, MUM_PE_HASHER_FLAT);
    if (rc != MUM_OK)
        return rc;
    if (limit)
        mum_pe_hasher_set_limit(h, limit);
    for (size_t at = 0; at < size && rc == MUM_OK;) {
        size_t n = size - at < chunk ? size - at : chunk;
        uint8_t *copy = malloc(n);
        memcpy(copy, p + at, n);
        rc = mum_pe_hasher_update(h, copy, n);
        free(copy);
        at += n;
    }
    mum_location where = {.input = "t.dll"};
    if (rc == MUM_OK)
        rc = mum_pe_hasher_finish(h, ctx, &where, out, flat);
    if (peak)
        *peak = mum_pe_hasher_peak(h);
    mum_pe_hasher_free(h);
    return rc;
}

/* The streaming digest gives mum_pe_digest's result - digest, or status
 * and message - for p in every chunk size; MUM_ENOTFOUND where
 * mum_pe_digest says "not a PE file".  Returns mum_pe_digest's status. */
static int same_as_digest(const uint8_t *p, size_t size, const char *what)
{
    const mum_hash_alg algs[2] = {MUM_HASH_SHA1, MUM_HASH_SHA256};
    mum_ctx *ref_ctx, *ctx;
    mum_ctx_new(&ref_ctx);
    mum_ctx_new(&ctx);
    uint8_t *exact = malloc(size ? size : 1);
    memcpy(exact, p, size);
    uint8_t want[2][MUM_HASH_MAX_SIZE] = {{0}}, got[2][MUM_HASH_MAX_SIZE], flat[2][MUM_HASH_MAX_SIZE];
    mum_location where = {.input = "t.dll"};
    int ref = mum_pe_digest(ref_ctx, exact, size, &where, algs, 2, want);
    int expect = ref == MUM_EFORMAT && !mum_pe_probe(exact, size) ? MUM_ENOTFOUND : ref;
    uint8_t sha1[20], sha256[32];
    mum_hash_buffer(sha1, MUM_HASH_SHA1, exact, size);
    mum_hash_buffer(sha256, MUM_HASH_SHA256, exact, size);
    for (size_t c = 0; c < sizeof chunk_sizes / sizeof *chunk_sizes; c++) {
        mum_ctx_clear(ctx);
        memset(got, 0, sizeof got);
        int rc = stream(exact, size, chunk_sizes[c], 0, ctx, got, flat, NULL);
        cr_assert_eq(rc, expect, "%s, chunks of %zu: %d (%s), mum_pe_digest %d (%s)", what, chunk_sizes[c], rc,
                     mum_ctx_message(ctx), ref, mum_ctx_message(ref_ctx));
        cr_assert_str_eq(mum_ctx_message(ctx), mum_ctx_message(ref_ctx), "%s, chunks of %zu", what,
                         chunk_sizes[c]);
        if (rc == MUM_OK) {
            cr_assert_arr_eq(got[0], want[0], 20, "%s, chunks of %zu: sha1", what, chunk_sizes[c]);
            cr_assert_arr_eq(got[1], want[1], 32, "%s, chunks of %zu: sha256", what, chunk_sizes[c]);
        }
        cr_assert_arr_eq(flat[0], sha1, 20, "%s: flat sha1", what);
        cr_assert_arr_eq(flat[1], sha256, 32, "%s: flat sha256", what);
    }
    free(exact);
    mum_ctx_free(ref_ctx);
    mum_ctx_free(ctx);
    return ref;
}

static size_t sect_table_at(bool plus)
{
    return opt_at() + (plus ? 240 : 224);
}

/* Section i's PointerToRawData and SizeOfRawData fields. */
static uint8_t *raw_ptr(uint8_t *p, bool plus, unsigned i)
{
    return p + sect_table_at(plus) + 40 * i + 20;
}

Test(pe_stream, every_generated_image_as_mum_pe_digest)
{
    for (int plus = 0; plus <= 1; plus++) {
        for (unsigned sections = 0; sections <= 16; sections += sections < 4 ? 1 : 12) {
            const unsigned overlays[] = {0, 13, 24, 4099};
            for (size_t ov = 0; ov < 4; ov++) {
                for (unsigned gap = 0; gap <= 64; gap += 64) {
                    pegen_opts o = PEGEN_OPTS_INIT;
                    o.pe32plus = plus;
                    o.sections = sections;
                    o.overlay = overlays[ov];
                    o.gap = gap;
                    o.checksum = 0x12345678;
                    o.seed = sections + 7;
                    size_t size;
                    uint8_t *p = pegen_build(&o, &size);
                    char what[96];
                    snprintf(what, sizeof what, "%s, %u sections, overlay %u, gap %u", plus ? "PE32+" : "PE32",
                             sections, overlays[ov], gap);
                    cr_assert_eq(same_as_digest(p, size, what), MUM_OK, "%s", what);
                    /* signed: a certificate table after the image */
                    size_t ssize, cat, clen;
                    uint8_t *s = with_cert_table(p, size, plus, "stand-in signature bytes", &ssize, &cat, &clen);
                    cr_assert_eq(same_as_digest(s, ssize, what), MUM_OK, "%s, signed", what);
                    free(s);
                    free(p);
                }
            }
        }
    }
    pegen_opts o = PEGEN_OPTS_INIT;
    o.few_dirs = true;
    size_t size;
    uint8_t *p = pegen_build(&o, &size);
    cr_assert_eq(same_as_digest(p, size, "few data directories"), MUM_OK);
    free(p);
}

Test(pe_stream, layouts_that_go_back)
{
    size_t size;
    uint8_t *p = image(false, 3, 40, &size); /* sections [0x200,0x400) [0x400,0x800) [0x800,0xe00) */
    uint8_t *q = malloc(size + 64);
    /* out of order in the table, in order in the file */
    memcpy(q, p, size);
    memcpy(raw_ptr(q, false, 0) - 20, p + sect_table_at(false) + 80, 40);
    memcpy(raw_ptr(q, false, 2) - 20, p + sect_table_at(false), 40);
    cr_assert_eq(same_as_digest(q, size, "sections listed out of order"), MUM_OK);
    /* overlapping: section 2 starts inside section 1 */
    memcpy(q, p, size);
    wr32(raw_ptr(q, false, 1), 0x300);
    cr_assert_eq(same_as_digest(q, size, "overlapping sections"), MUM_OK);
    /* the same section twice */
    memcpy(q, p, size);
    wr32(raw_ptr(q, false, 1), 0x200);
    wr32(raw_ptr(q, false, 1) - 4, 0x200);
    cr_assert_eq(same_as_digest(q, size, "a section twice"), MUM_OK);
    /* a section inside the headers */
    memcpy(q, p, size);
    wr32(raw_ptr(q, false, 0), 0x40);
    cr_assert_eq(same_as_digest(q, size, "a section in the headers"), MUM_OK);
    /* SizeOfHeaders past the first section */
    memcpy(q, p, size);
    wr32(q + opt_at() + 60, 0x300);
    cr_assert_eq(same_as_digest(q, size, "headers overlapping a section"), MUM_OK);
    /* a certificate table in a gap before SUM_OF_BYTES_HASHED: the rest of
     * the file counts only when it is longer than the table */
    pegen_opts o = PEGEN_OPTS_INIT;
    o.sections = 2;
    o.gap = 32;
    for (unsigned overlay = 0; overlay <= 64; overlay += 8) {
        o.overlay = overlay;
        size_t gsize;
        uint8_t *g = pegen_build(&o, &gsize);
        wr32(g + certdir_at(false), 0x400);      /* the gap: [0x400, 0x420) */
        wr32(g + certdir_at(false) + 4, 32);
        char what[64];
        snprintf(what, sizeof what, "certificate table in a gap, overlay %u", overlay);
        cr_assert_eq(same_as_digest(g, gsize, what), MUM_OK, "%s", what);
        free(g);
    }
    free(q);
    free(p);
}

Test(pe_stream, malformed_and_cut_images_give_the_same_errors)
{
    size_t size;
    uint8_t *p = image(false, 3, 0, &size);
    uint8_t *q = malloc(size);
    size_t sect_table = sect_table_at(false);
    struct {
        size_t at;
        uint32_t value;
        int bytes;
    } damage[] = {
        {0x3c, 0x7fffffff, 4},                       /* e_lfanew far away */
        {0x3c, 0x40, 4},                             /* e_lfanew at a non-PE spot */
        {0, 'X', 1},                                 /* no MZ */
        {coff_sections_at(), 0xffff, 2},             /* a section table past the end */
        {sect_table + 40 * 2 + 16, 0x100000, 4},     /* a section past the end */
        {certdir_at(false), 0x600, 4},               /* certificate table in section 2 (size below) */
        {opt_at() - 4, 8, 2},                        /* SizeOfOptionalHeader too small */
        {opt_at() + 60, 0x10, 4},                    /* SizeOfHeaders inside the optional header */
        {opt_at() + 60, 0x100000, 4},                /* SizeOfHeaders past the end */
        {opt_at(), 0x107, 2},                        /* a ROM image */
    };
    for (size_t i = 0; i < sizeof damage / sizeof *damage; i++) {
        memcpy(q, p, size);
        if (damage[i].bytes == 4)
            wr32(q + damage[i].at, damage[i].value);
        else if (damage[i].bytes == 2)
            q[damage[i].at] = (uint8_t)damage[i].value, q[damage[i].at + 1] = (uint8_t)(damage[i].value >> 8);
        else
            q[damage[i].at] = (uint8_t)damage[i].value;
        if (damage[i].at == certdir_at(false))
            wr32(q + damage[i].at + 4, 16);
        char what[64];
        snprintf(what, sizeof what, "damage %zu", i);
        cr_assert_neq(same_as_digest(q, size, what), MUM_OK, "%s", what);
    }
    /* the certificate table past the end only shows at the end */
    memcpy(q, p, size);
    wr32(q + certdir_at(false), (uint32_t)size - 8);
    wr32(q + certdir_at(false) + 4, 64);
    cr_assert_eq(same_as_digest(q, size, "certificate table past the end"), MUM_EFORMAT);
    /* every truncation, and nothing at all */
    for (size_t n = 0; n < size; n += n < 0x200 ? 1 : 61) {
        char what[64];
        snprintf(what, sizeof what, "cut to %zu bytes", n);
        cr_assert_neq(same_as_digest(p, n, what), MUM_OK, "%s", what);
    }
    /* text, not a program */
    const char *text = "hello, this is a text file and no program at all, long enough to be read as one";
    cr_assert_eq(same_as_digest((const uint8_t *)text, strlen(text), "text"), MUM_EFORMAT);
    free(q);
    free(p);
}

Test(pe_stream, holds_only_the_headers_when_sections_follow_each_other)
{
    pegen_opts o = PEGEN_OPTS_INIT;
    o.sections = 4;
    o.overlay = 100000;
    size_t size;
    uint8_t *p = pegen_build(&o, &size);
    size_t headers_end = sect_table_at(false) + 40 * 4; /* the end of the section table */
    uint8_t d[2][MUM_HASH_MAX_SIZE], f[2][MUM_HASH_MAX_SIZE];
    for (size_t c = 0; c < sizeof chunk_sizes / sizeof *chunk_sizes; c++) {
        size_t peak;
        cr_assert_eq(stream(p, size, chunk_sizes[c], 0, NULL, d, f, &peak), MUM_OK);
        cr_assert_eq(peak, headers_end, "chunks of %zu: held %zu bytes", chunk_sizes[c], peak);
    }
    free(p);
    /* gaps between the sections: the rest of the file is hashed from an
     * offset inside the last section, as far back as the gaps add up to */
    o.gap = 64;
    p = pegen_build(&o, &size);
    size_t peak;
    /* byte by byte, the last 3 * 64 bytes of the last section but one are
     * held until that section has passed */
    cr_assert_eq(stream(p, size, 1, 0, NULL, d, f, &peak), MUM_OK);
    cr_assert_eq(peak, headers_end + 3 * 64 - 1, "held %zu bytes", peak);
    /* in larger blocks, less: what a block still holds is read from it */
    cr_assert_eq(stream(p, size, 4096, 0, NULL, d, f, &peak), MUM_OK);
    cr_assert_leq(peak, headers_end + 3 * 64, "held %zu bytes", peak);
    free(p);
}

Test(pe_stream, a_layout_past_the_limit_is_elimit_with_flat_digests)
{
    size_t size;
    uint8_t *p = image(false, 3, 5000, &size);
    /* overlapping sections make the stream hold section 2's start */
    wr32(p + sect_table_at(false) + 40 + 20, 0x300);
    uint8_t d[2][MUM_HASH_MAX_SIZE], f[2][MUM_HASH_MAX_SIZE], sha256[32];
    mum_ctx *ctx;
    mum_ctx_new(&ctx);
    /* held, byte by byte: the headers (up to the end of the section table)
     * and the 0x100 bytes both sections cover, but the last, which is hashed
     * for both from the block that brings it */
    size_t peak, headers_end = sect_table_at(false) + 3 * 40;
    cr_assert_eq(stream(p, size, 1, 0, ctx, d, f, &peak), MUM_OK);
    cr_assert_eq(peak, headers_end + 0x100 - 1, "held %zu bytes", peak);
    cr_assert_eq(stream(p, size, 1, 700, ctx, d, f, NULL), MUM_ELIMIT);
    cr_assert(strstr(mum_ctx_message(ctx), "t.dll: at offset 0: the layout of this PE file needs more than 700 bytes"),
              "%s", mum_ctx_message(ctx));
    mum_hash_buffer(sha256, MUM_HASH_SHA256, p, size);
    cr_assert_arr_eq(f[1], sha256, 32, "the flat digests survive the limit");
    /* headers larger than the limit */
    cr_assert_eq(stream(p, size, 512, 100, ctx, d, f, NULL), MUM_ELIMIT);
    cr_assert_arr_eq(f[1], sha256, 32);
    mum_ctx_free(ctx);
    free(p);
}

Test(pe_stream, the_fuzz_corpus_as_mum_pe_digest)
{
    const char *src = getenv("MUM_SRCDIR");
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/tests/fuzz/corpus/pe", src ? src : "..");
    DIR *d = opendir(dir);
    cr_assert_not_null(d, "no corpus at %s", dir);
    struct dirent *e;
    size_t files = 0;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char path[8192];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        FILE *f = fopen(path, "rb");
        cr_assert_not_null(f);
        uint8_t *buf = malloc(1 << 20);
        size_t n = fread(buf, 1, 1 << 20, f);
        fclose(f);
        (void)same_as_digest(buf, n, e->d_name);
        free(buf);
        files++;
    }
    closedir(d);
    cr_assert_gt(files, 50);
}

Test(pe_stream, arguments_and_misuse)
{
    mum_pe_hasher *h;
    const mum_hash_alg none = MUM_HASH_NONE, sha1 = MUM_HASH_SHA1;
    cr_assert_eq(mum_pe_hasher_new(&h, &none, 1, 0), MUM_EINVAL);
    cr_assert_eq(mum_pe_hasher_new(&h, &sha1, 0, 0), MUM_EINVAL);
    cr_assert_eq(mum_pe_hasher_new(&h, &sha1, 1, 0x80), MUM_EINVAL);
    cr_assert_eq(mum_pe_hasher_new(&h, &sha1, 1, 0), MUM_OK);
    uint8_t d[1][MUM_HASH_MAX_SIZE];
    cr_assert_eq(mum_pe_hasher_finish(h, NULL, NULL, d, NULL), MUM_ENOTFOUND); /* nothing is no PE file */
    cr_assert_eq(mum_pe_hasher_finish(h, NULL, NULL, d, NULL), MUM_EINVAL);
    cr_assert_eq(mum_pe_hasher_update(h, "MZ", 2), MUM_EINVAL);
    mum_pe_hasher_free(h);
    mum_pe_hasher_free(NULL);
    cr_assert_eq(mum_pe_hasher_new(&h, &sha1, 1, MUM_PE_HASHER_FLAT), MUM_OK);
    cr_assert_eq(mum_pe_hasher_finish(h, NULL, NULL, d, NULL), MUM_EINVAL); /* no room for the flat digests */
    mum_pe_hasher_free(h);
}

static int stream_sweep(const uint8_t *p, size_t size, size_t chunk)
{
    uint8_t d[2][MUM_HASH_MAX_SIZE], f[2][MUM_HASH_MAX_SIZE];
    return stream(p, size, chunk, 0, NULL, d, f, NULL);
}

Test(pe_stream, out_of_memory_is_reported)
{
    size_t size;
    uint8_t *p = image(true, 3, 40, &size);
    TU_ALLOC_SWEEP(stream_sweep(p, size, 1000), (void)0);
    /* a layout that holds bytes in the window */
    wr32(p + sect_table_at(true) + 40 + 20, 0x300);
    TU_ALLOC_SWEEP(stream_sweep(p, size, 100), (void)0);
    free(p);
}

/* ---- the real netcfgx.dll, streamed out of its cabinet ---- */

typedef struct walk_pe {
    mum_pe_hasher *h;
    uint8_t *buf;
    size_t len, cap;
    size_t found;
    size_t peak;
} walk_pe;

static bool want_netcfgx(void *ud, const mum_entry *e)
{
    (void)ud;
    size_t n = strlen(e->name);
    return n >= 11 && strcasecmp(e->name + n - 11, "netcfgx.dll") == 0;
}

static int netcfgx_entry(void *ud, const mum_entry *e)
{
    walk_pe *w = ud;
    if (e->kind != MUM_ENTRY_FILE || !want_netcfgx(ud, e))
        return MUM_OK;
    const mum_hash_alg algs[2] = {MUM_HASH_SHA1, MUM_HASH_SHA256};
    w->len = 0;
    return mum_pe_hasher_new(&w->h, algs, 2, 0);
}

static int netcfgx_data(void *ud, const mum_entry *e, const void *data, size_t size)
{
    (void)e;
    walk_pe *w = ud;
    if (w->len + size > w->cap) {
        w->cap = (w->len + size) * 2;
        w->buf = realloc(w->buf, w->cap);
    }
    memcpy(w->buf + w->len, data, size);
    w->len += size;
    return mum_pe_hasher_update(w->h, data, size);
}

static int netcfgx_end(void *ud, const mum_entry *e)
{
    walk_pe *w = ud;
    if (!w->h)
        return MUM_OK;
    const mum_hash_alg algs[2] = {MUM_HASH_SHA1, MUM_HASH_SHA256};
    uint8_t got[2][MUM_HASH_MAX_SIZE], want[2][MUM_HASH_MAX_SIZE];
    cr_assert_eq(mum_pe_hasher_finish(w->h, NULL, NULL, got, NULL), MUM_OK, "%s", e->path);
    if (mum_pe_hasher_peak(w->h) > w->peak)
        w->peak = mum_pe_hasher_peak(w->h);
    mum_pe_hasher_free(w->h);
    w->h = NULL;
    cr_assert_eq(mum_pe_digest(NULL, w->buf, w->len, NULL, algs, 2, want), MUM_OK);
    cr_assert_arr_eq(got[0], want[0], 20, "%s", e->path);
    cr_assert_arr_eq(got[1], want[1], 32, "%s", e->path);
    (void)same_as_digest(w->buf, w->len, e->path);
    w->found++;
    return MUM_OK;
}

Test(pe_stream, the_real_netcfgx_dll_streamed_from_its_cabinet)
{
    const char *real = getenv("MUM_REALDATA");
    char path[4096];
    snprintf(path, sizeof path, "%s/msu/Windows8.1-KB2938772-x64.cab", real ? real : "../../shared/realdata");
    if (access(path, R_OK) != 0)
        cr_skip_test("real data absent: no %s (set MUM_REALDATA)", path);
    walk_pe w = {0};
    mum_walk_consumer c = {.want_data = want_netcfgx,
                           .entry = netcfgx_entry,
                           .data = netcfgx_data,
                           .entry_end = netcfgx_end};
    mum_ctx *ctx;
    mum_ctx_new(&ctx);
    cr_assert_eq(mum_walk_run(ctx, path, NULL, &c, &w, NULL), MUM_OK, "%s", mum_ctx_message(ctx));
    cr_assert_geq(w.found, 2, "netcfgx.dll (amd64 and x86) found %zu times", w.found);
    /* a real PE file: its sections follow each other, only the headers are held */
    cr_assert_lt(w.peak, 4096, "held %zu bytes", w.peak);
    mum_ctx_free(ctx);
    free(w.buf);
}

/* ---- resources (mum_pe_resource) ---- */

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void wr16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

/* A resource directory level (16 bytes) with one numeric entry, at p. */
static void rsrc_level(uint8_t *p, uint32_t id, uint32_t to, bool dir)
{
    memset(p, 0, 24);
    wr16(p + 14, 1); /* NumberOfIdEntries */
    wr32(p + 16, id);
    wr32(p + 20, to | (dir ? 0x80000000u : 0));
}

/*
 * A PE32+ image whose second section holds a resource directory
 * type/name/language -> `blob`, laid out as the PE/COFF specification says
 * (directories, then the data entry at 0x48, the data at 0x58);
 * *rsrc_at: where the directory starts in the file.
 */
static uint8_t *image_with_resource(uint32_t type, uint32_t name, const char *blob, size_t *size,
                                    size_t *rsrc_at)
{
    uint8_t *p = image(true, 2, 0, size);
    size_t sect = opt_at() + 240 + 40; /* the second section header */
    uint32_t va = rd32(p + sect + 12), raw_at = rd32(p + sect + 20);
    uint8_t *r = p + raw_at;
    rsrc_level(r, type, 0x18, true);
    rsrc_level(r + 0x18, name, 0x30, true);
    rsrc_level(r + 0x30, 0x409, 0x48, false);
    memset(r + 0x48, 0, 16);
    wr32(r + 0x48, va + 0x58);
    wr32(r + 0x4c, (uint32_t)strlen(blob));
    memcpy(r + 0x58, blob, strlen(blob));
    size_t dir = opt_at() + 112 + 8 * 2; /* data directory 2, PE32+ */
    wr32(p + dir, va);
    wr32(p + dir + 4, (uint32_t)(0x58 + strlen(blob)));
    *rsrc_at = raw_at;
    return p;
}

Test(pe, resource_found_by_type_and_name)
{
    size_t size, at;
    static const char blob[] = "<?xml version=\"1.0\"?><the-base/>";
    uint8_t *p = image_with_resource(MUM_PE_RT_WCP_BASE_MANIFEST, MUM_PE_RN_WCP_BASE_MANIFEST, blob,
                                     &size, &at);
    const uint8_t *got;
    size_t n;
    cr_assert_eq(mum_pe_resource(&got, &n, NULL, p, size, 614, 1, NULL), MUM_OK);
    cr_assert_eq(n, strlen(blob));
    cr_assert_arr_eq(got, blob, n);
    cr_assert_eq(got, p + at + 0x58, "borrowed from the image");
    mum_ctx *ctx;
    mum_ctx_new(&ctx);
    cr_assert_eq(mum_pe_resource(&got, &n, ctx, p, size, 16, 1, NULL), MUM_ENOTFOUND);
    cr_assert(strstr(mum_ctx_message(ctx), "type 16"), "%s", mum_ctx_message(ctx));
    cr_assert_eq(mum_pe_resource(&got, &n, ctx, p, size, 614, 2, NULL), MUM_ENOTFOUND);
    cr_assert(strstr(mum_ctx_message(ctx), "name 2"), "%s", mum_ctx_message(ctx));
    mum_ctx_free(ctx);
    free(p);
    /* an image without resources */
    p = image(false, 2, 0, &size);
    cr_assert_eq(mum_pe_resource(&got, &n, NULL, p, size, 614, 1, NULL), MUM_ENOTFOUND);
    free(p);
}

Test(pe, hostile_resource_directories_are_errors)
{
    static const char blob[] = "base";
    struct {
        size_t at;     /* from the directory's start */
        uint32_t value;
        const char *words;
    } cases[] = {
        {20, 0x80000000u | 0x7ffffff0u, "ends past its section"},  /* type -> far away */
        {14, 0xffff, "entries past its section"},                  /* a huge entry count */
        {20, 0x18, "leads to data"},                               /* type -> a data entry */
        {0x30 + 20, 0x7ffffff0u, "outside its section"},           /* language -> far away */
        {0x48, 0x7ffff000u, "is not in the file"},                 /* data RVA nowhere */
        {0x4c, 0x7fffffffu, "is not in the file"},                 /* data size too large */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t size, at;
        uint8_t *p = image_with_resource(614, 1, blob, &size, &at);
        wr32(p + at + cases[i].at, cases[i].value);
        mum_ctx *ctx;
        mum_ctx_new(&ctx);
        const uint8_t *got;
        size_t n;
        int rc = mum_pe_resource(&got, &n, ctx, p, size, 614, 1, NULL);
        cr_assert_eq(rc, MUM_EFORMAT, "case %zu: %d %s", i, rc, mum_ctx_message(ctx));
        cr_assert(strstr(mum_ctx_message(ctx), cases[i].words), "case %zu: %s", i,
                  mum_ctx_message(ctx));
        cr_assert_null(got);
        mum_ctx_free(ctx);
        free(p);
    }
}

Test(pe, resource_every_truncation_is_an_error_not_a_crash)
{
    size_t size, at;
    uint8_t *p = image_with_resource(614, 1, "the base manifest", &size, &at);
    for (size_t n = 0; n < size; n++) {
        uint8_t *q = malloc(n ? n : 1);
        memcpy(q, p, n);
        const uint8_t *got;
        size_t len;
        int rc = mum_pe_resource(&got, &len, NULL, q, n, 614, 1, NULL);
        cr_assert(rc == MUM_EFORMAT || rc == MUM_ENOTFOUND, "cut to %zu of %zu: %d", n, size, rc);
        free(q);
    }
    free(p);
}
