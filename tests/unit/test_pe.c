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
    cr_assert_eq(mum_hash_buffer(alg, buf, n, out), MUM_OK);
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
        cr_assert_eq(mum_pe_parse(NULL, p, size, NULL, &pi), MUM_OK);
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
    cr_assert_eq(mum_pe_parse(NULL, s, ssize, NULL, &pi), MUM_OK);
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
    cr_assert_eq(mum_pe_parse(NULL, p, size, NULL, &pi), MUM_OK);
    cr_assert_eq(pi.certdir_offset, 0);
    /* everything but CheckSum is hashed, the (unused) directory slot too */
    uint8_t *buf = malloc(size);
    memcpy(buf, p, checksum_at());
    memcpy(buf + checksum_at(), p + checksum_at() + 4, size - checksum_at() - 4);
    uint8_t want[32], got[1][MUM_HASH_MAX_SIZE];
    const mum_hash_alg alg = MUM_HASH_SHA256;
    mum_hash_buffer(alg, buf, size - 4, want);
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
    mum_hash_buffer(alg, buf, n, want);
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
