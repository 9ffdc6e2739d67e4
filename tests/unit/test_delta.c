/*
 * test_delta.c - PA30 deltas (delta.c and its decoder): the header, the
 * real deltas of MUM_REALDATA/pa30 (skipped when absent), hand-built
 * deltas for each malformation, truncations and bit flips.
 *
 * The hand-built deltas are written by the small writer of pa30w.h,
 * following doc/pa30.md; real deltas are read at test time and never copied.
 */
#include "testca.h" /* tu_slurp */

#include "delta_internal.h"

#include <mum/delta.h>
#include <mum/express.h> /* MUM_PA30_HEADER_MAX */

#include <stdio.h>
#include <unistd.h>

#include "pa30w.h"

/* ---- the header ---- */

Test(delta_header, reads_the_fields)
{
    static const uint8_t hash[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
    hdr h = {3, 1, 0x20000, 1234, 0x8003, hash, sizeof hash, 30, NULL, 0};
    size_t n;
    uint8_t *d = make_delta(&h, (const uint8_t *)"\x00", 1, &n);
    mum_delta_header out;
    cr_assert_eq(mum_delta_header_read(&out, NULL, d, n), MUM_OK);
    cr_assert_eq(out.version, 30);
    cr_assert_eq(out.file_type_set, 3);
    cr_assert_eq(out.file_type, 1);
    cr_assert_eq(out.flags, 0x20000);
    cr_assert_eq(out.target_size, 1234);
    cr_assert_eq(out.hash_alg, 0x8003);
    cr_assert_eq(out.hash_len, 16);
    cr_assert_arr_eq(out.hash, hash, 16);
    cr_assert_eq(out.preprocess_size, 0);
    cr_assert_eq(out.header_size, n - 1, "the body is the last byte");
    free(d);
}

Test(delta_header, reads_pa31)
{
    hdr h = HDR_RAW(77);
    h.version = 31;
    size_t n;
    uint8_t *d = make_delta(&h, (const uint8_t *)"\x00", 1, &n);
    mum_delta_header out;
    cr_assert_eq(mum_delta_header_read(&out, NULL, d, n), MUM_OK);
    cr_assert_eq(out.version, 31);
    cr_assert_eq(out.target_size, 77);
    free(d);
}

static void header_fails(const void *d, size_t n, int want, const char *needle)
{
    mum_ctx *ctx;
    mum_ctx_new(&ctx);
    mum_delta_header out;
    int rc = mum_delta_header_read(&out, ctx, d, n);
    cr_assert_eq(rc, want, "got %d: %s", rc, mum_ctx_message(ctx));
    cr_assert(strstr(mum_ctx_message(ctx), needle), "message: %s", mum_ctx_message(ctx));
    mum_ctx_free(ctx);
}

Test(delta_header, refuses_what_is_not_pa30)
{
    header_fails("PA3", 3, MUM_EFORMAT, "too short");
    header_fails("MSCF\0\0\0\0\0\0\0\0\0\0", 14, MUM_EFORMAT, "not a PA30 delta");
    header_fails("PA19\0\0\0\0\0\0\0\0\0\0", 14, MUM_EUNSUPPORTED, "PA19");
    header_fails("PA30\0\0\0\0\0\0\0\0", 12, MUM_EFORMAT, "truncated");
    cr_assert_eq(mum_delta_header_read(NULL, NULL, "PA30", 4), MUM_EINVAL);
}

Test(delta_header, every_truncation_is_an_error_with_its_offset)
{
    static const uint8_t hash[20] = {0};
    hdr h = {1, 1, 0, 99, 0x8004, hash, sizeof hash, 30, NULL, 0};
    size_t n;
    uint8_t *d = make_delta(&h, (const uint8_t *)"\x00\x00", 2, &n);
    for (size_t k = 0; k < n; k++) {
        mum_ctx *ctx;
        mum_ctx_new(&ctx);
        mum_delta_header out;
        int rc = mum_delta_header_read(&out, ctx, d, k);
        cr_assert_eq(rc, MUM_EFORMAT, "%zu bytes: %d", k, rc);
        cr_assert(k < 12 || strstr(mum_ctx_message(ctx), "byte "), "%zu: %s", k,
                  mum_ctx_message(ctx));
        mum_ctx_free(ctx);
    }
    free(d);
}

Test(delta_header, refuses_a_huge_target_before_allocating)
{
    hdr h = HDR_RAW(MUM_DELTA_MAX_TARGET + 1);
    size_t n;
    uint8_t *d = make_delta(&h, (const uint8_t *)"\x00", 1, &n);
    header_fails(d, n, MUM_ELIMIT, "more than");
    /* a size with the top bit set is negative in the format's int64 */
    h.target_size = UINT64_MAX;
    free(d);
    d = make_delta(&h, (const uint8_t *)"\x00", 1, &n);
    header_fails(d, n, MUM_EFORMAT, "negative target size");
    free(d);
}

Test(delta_header, refuses_a_hash_longer_than_64_bytes)
{
    uint8_t hash[65] = {0};
    hdr h = {1, 1, 0, 1, 0x8003, hash, sizeof hash, 30, NULL, 0};
    size_t n;
    uint8_t *d = make_delta(&h, (const uint8_t *)"\x00", 1, &n);
    header_fails(d, n, MUM_ELIMIT, "hash of 65 bytes");
    free(d);
}

/* ---- the header from a delta's first bytes (mum__delta_header_prefix,
 * what an express cabinet's reader uses on the heads of its blobs) ---- */

/* Where needle starts in hay (the hash's bytes, to learn where it lies). */
static const uint8_t *find(const uint8_t *hay, size_t n, const uint8_t *needle, size_t m)
{
    for (size_t i = 0; i + m <= n; i++)
        if (memcmp(hay + i, needle, m) == 0)
            return hay + i;
    return NULL;
}

static int prefix_read(const uint8_t *d, size_t k, mum_delta_header *out, mum__delta_stop *stop,
                       uint64_t *offset, char *msg, size_t cap)
{
    mum_ctx *ctx;
    mum_ctx_new(&ctx);
    int rc = mum__delta_header_prefix(out, ctx, d, k, stop, offset);
    snprintf(msg, cap, "%s", rc == MUM_OK ? "" : mum_ctx_message(ctx));
    mum_ctx_free(ctx);
    return rc;
}

Test(delta_header_prefix, reads_the_header_of_a_delta_cut_after_its_hash)
{
    uint8_t hash[32], body[600];
    for (size_t i = 0; i < sizeof hash; i++)
        hash[i] = (uint8_t)(0xa0 + i);
    memset(body, 0x5a, sizeof body);
    hdr h = {0xf, 1, 0x20000, 123456, 0x800c, hash, sizeof hash, 30, NULL, 0};
    size_t n;
    uint8_t *d = make_delta(&h, body, sizeof body, &n);
    const uint8_t *at = find(d, n, hash, sizeof hash);
    cr_assert_not_null(at);
    size_t hash_end = (size_t)(at - d) + sizeof hash;
    mum_delta_header whole, head;
    cr_assert_eq(mum_delta_header_read(&whole, NULL, d, n), MUM_OK);
    mum__delta_stop stop;
    uint64_t offset;
    char msg[512];
    size_t k = n < MUM_PA30_HEADER_MAX ? n : MUM_PA30_HEADER_MAX;
    cr_assert_eq(prefix_read(d, k, &head, &stop, &offset, msg, sizeof msg), MUM_OK, "%s", msg);
    cr_assert_eq(stop, MUM__DELTA_STOP_NONE);
    cr_assert_eq(head.header_size, hash_end, "the header ends with the target's hash");
    cr_assert_eq(head.target_size, whole.target_size);
    cr_assert_eq(head.flags, whole.flags);
    cr_assert_eq(head.file_type_set, whole.file_type_set);
    cr_assert_eq(head.hash_alg, whole.hash_alg);
    cr_assert_eq(head.hash_len, 32);
    cr_assert_arr_eq(head.hash, hash, 32);
    /* the whole-delta reader wants the body, which a head does not hold */
    cr_assert_neq(mum_delta_header_read(&whole, NULL, d, k), MUM_OK);
    cr_assert_eq(prefix_read(d, hash_end, &head, &stop, &offset, msg, sizeof msg), MUM_OK, "%s", msg);
    /* no bound on the target size: a header describes, apply() builds */
    h.target_size = MUM_DELTA_MAX_TARGET + 1;
    free(d);
    d = make_delta(&h, body, 1, &n);
    cr_assert_eq(prefix_read(d, n, &head, &stop, &offset, msg, sizeof msg), MUM_OK, "%s", msg);
    cr_assert_eq(head.target_size, MUM_DELTA_MAX_TARGET + 1);
    free(d);
}

Test(delta_header_prefix, says_where_and_how_each_cut_truncates)
{
    uint8_t hash[20];
    for (size_t i = 0; i < sizeof hash; i++)
        hash[i] = (uint8_t)(0xc0 + i);
    hdr h = {0xf, 1, 0x20000, 0x123456789ull, 0x8004, hash, sizeof hash, 30, NULL, 0};
    size_t n;
    uint8_t *d = make_delta(&h, (const uint8_t *)"\x00\x00", 2, &n);
    const uint8_t *at = find(d, n, hash, sizeof hash);
    cr_assert_not_null(at);
    size_t hash_start = (size_t)(at - d), hash_end = hash_start + sizeof hash;
    for (size_t k = 0; k < hash_end; k++) {
        mum_delta_header out;
        mum__delta_stop stop;
        uint64_t offset;
        char msg[512];
        int rc = prefix_read(d, k, &out, &stop, &offset, msg, sizeof msg);
        cr_assert_eq(rc, MUM_EFORMAT, "%zu bytes: %d", k, rc);
        if (k < 4) {
            cr_assert_eq(stop, MUM__DELTA_STOP_MAGIC, "%zu bytes: %d", k, stop);
            continue;
        }
        mum__delta_stop want = k < hash_start ? MUM__DELTA_STOP_TRUNCATED : MUM__DELTA_STOP_TRUNCATED_HASH;
        cr_assert_eq(stop, want, "%zu bytes: stop %d, not %d (%s)", k, stop, want, msg);
        cr_assert_eq(offset, k, "%zu bytes: truncated at %llu, not at their end", k,
                     (unsigned long long)offset);
        cr_assert(strstr(msg, "truncated"), "%zu bytes: %s", k, msg);
    }
    free(d);
}

Test(delta_header_prefix, tells_a_malformed_number_and_a_long_hash_from_a_cut)
{
    mum_delta_header out;
    mum__delta_stop stop;
    uint64_t offset;
    char msg[512];
    /* sixteen zero bits where the first number starts, with bytes to spare */
    uint8_t zeros[40] = "PA30";
    zeros[12] = 0x00;
    cr_assert_eq(prefix_read(zeros, sizeof zeros, &out, &stop, &offset, msg, sizeof msg), MUM_EFORMAT);
    cr_assert_eq(stop, MUM__DELTA_STOP_MALFORMED, "%d: %s", stop, msg);
    cr_assert_eq(offset, 12, "the number's byte");
    /* a hash of 65 bytes is a limit even when the bytes stop before it */
    uint8_t hash[65] = {0};
    hdr h = {1, 1, 0, 1, 0x8003, hash, sizeof hash, 30, NULL, 0};
    size_t n;
    uint8_t *d = make_delta(&h, (const uint8_t *)"\x00", 1, &n);
    cr_assert_eq(prefix_read(d, 24, &out, &stop, &offset, msg, sizeof msg), MUM_ELIMIT, "%s", msg);
    cr_assert_eq(stop, MUM__DELTA_STOP_LIMIT);
    free(d);
}

Test(delta_header, names_types_and_knows_dcm)
{
    cr_assert_str_eq(mum_delta_type_name(MUM_DELTA_TYPE_RAW), "raw");
    cr_assert_str_eq(mum_delta_type_name(MUM_DELTA_TYPE_AMD64), "amd64");
    cr_assert_null(mum_delta_type_name(0x3));
    cr_assert_eq(mum_delta_hash_alg(0x8003), MUM_HASH_MD5);
    cr_assert_eq(mum_delta_hash_alg(0x800c), MUM_HASH_SHA256);
    cr_assert_eq(mum_delta_hash_alg(0), MUM_HASH_NONE);
    cr_assert_eq(mum_delta_hash_alg(0x8005), MUM_HASH_NONE);
    cr_assert(mum_delta_is_dcm("DCM\x01PA30", 8));
    cr_assert_not(mum_delta_is_dcm("DCM\x02", 4));
    cr_assert_not(mum_delta_is_dcm("DCM", 3));
    cr_assert_not(mum_delta_is_dcm(NULL, 0));
}

Test(delta_header, dcm_errors_give_offsets_in_the_dcm_file)
{
    static const uint8_t dcm[] = "DCM\x01PA30\0\0\0\0\0\0\0\0";
    uint8_t *out;
    size_t n;
    mum_ctx *ctx;
    mum_ctx_new(&ctx);
    cr_assert_eq(mum_delta_dcm_decode(&out, &n, ctx, "", 0, dcm, sizeof dcm - 1), MUM_EFORMAT);
    cr_assert(strstr(mum_ctx_message(ctx), "byte 16: truncated"), "%s", mum_ctx_message(ctx));
    mum_ctx_free(ctx);
}

/* ---- hand-built bodies ---- */

Test(delta_apply, literals_matches_and_the_repeat_offset_cache)
{
    bw w;
    body_start(&w);
    lit(&w, 'a');
    lit(&w, 'b');
    match_short(&w, 2, 4);   /* abab: distance 2, overlapping */
    lit(&w, 'c');
    match_short(&w, 1, 3);   /* ccc: distance 1 */
    match_lru(&w, 1, 2);     /* the distance before the last: 2 -> "cc" */
    match_lru(&w, 0, 2);     /* now the last again: 2 */
    built b = build(&w, &HDR_RAW(14));
    uint8_t *out;
    size_t n;
    mum_ctx *ctx;
    mum_ctx_new(&ctx);
    cr_assert_eq(apply(b, NULL, 0, &out, &n, ctx), MUM_OK, "%s", mum_ctx_message(ctx));
    cr_assert_eq(n, 14);
    cr_assert_arr_eq(out, "ababab" "cccc" "cc" "cc", 14);
    mum_free(out);
    mum_ctx_free(ctx);
}

Test(delta_apply, copies_from_the_source)
{
    bw w;
    body_start(&w);
    flat_main(&w, 256 + 3 * 8 + 4); /* slot 3: the same place of the source, 5 bytes */
    lit(&w, '!');
    /* slot 0: 14 bits, near = raw - 0x2000: from target position 6 - 4 = 2
     * of the source */
    flat_main(&w, 256 + 0 * 8 + 2);
    bw_bits(&w, 0x2000 + 4, 14);
    built b = build(&w, &HDR_RAW(9));
    uint8_t *out;
    size_t n;
    mum_ctx *ctx;
    mum_ctx_new(&ctx);
    cr_assert_eq(apply(b, "HELLOWORLD", 10, &out, &n, ctx), MUM_OK, "%s", mum_ctx_message(ctx));
    cr_assert_arr_eq(out, "HELLO!LLO", 9);
    mum_free(out);
    mum_ctx_free(ctx);
}

Test(delta_apply, long_lengths_through_the_length_code)
{
    bw w;
    body_start(&w);
    lit(&w, 'x');
    flat_main(&w, 256 + (7 + 1) * 8 + 0); /* distance 1, length from the length code */
    bw_code(&w, 100, 8);                   /* length 100 + 8 */
    lit(&w, 'y');
    flat_main(&w, 256 + (7 + 1) * 8 + 0);
    bw_code(&w, 0, 8); /* length symbol 0: a number follows */
    bw_bits(&w, 1, 1); /* no extra nibble: 8 bits under a top bit 256 */
    bw_bits(&w, 44, 8); /* 256 + 44 + 8 = 308 */
    built b = build(&w, &HDR_RAW(1 + 108 + 1 + 308));
    uint8_t *out;
    size_t n;
    mum_ctx *ctx;
    mum_ctx_new(&ctx);
    cr_assert_eq(apply(b, NULL, 0, &out, &n, ctx), MUM_OK, "%s", mum_ctx_message(ctx));
    for (size_t i = 0; i < 109; i++)
        cr_assert_eq(out[i], 'x', "%zu", i);
    for (size_t i = 109; i < n; i++)
        cr_assert_eq(out[i], 'y', "%zu", i);
    mum_free(out);
    mum_ctx_free(ctx);
}

static void body_fails(bw *w, size_t target, const char *src, int want, const char *needle)
{
    built b = build(w, &HDR_RAW(target));
    uint8_t *out = (uint8_t *)"x";
    size_t n = 1;
    mum_ctx *ctx;
    mum_ctx_new(&ctx);
    int rc = apply(b, src, src ? strlen(src) : 0, &out, &n, ctx);
    cr_assert_eq(rc, want, "got %d: %s", rc, mum_ctx_message(ctx));
    cr_assert(strstr(mum_ctx_message(ctx), needle), "message: %s", mum_ctx_message(ctx));
    cr_assert(strstr(mum_ctx_message(ctx), "byte "), "no offset: %s", mum_ctx_message(ctx));
    cr_assert_null(out);
    cr_assert_eq(n, 0);
    mum_ctx_free(ctx);
}

Test(delta_hostile, a_match_before_the_start_of_the_window)
{
    bw w;
    body_start(&w);
    lit(&w, 'a');
    match_short(&w, 3, 2); /* distance 3 from position 1, no source */
    body_fails(&w, 3, NULL, MUM_EFORMAT, "distance 3");
}

Test(delta_hostile, an_empty_repeat_offset)
{
    bw w;
    body_start(&w);
    lit(&w, 'a');
    match_lru(&w, 2, 2); /* the cache starts with zeros: distance 0 */
    body_fails(&w, 3, NULL, MUM_EFORMAT, "distance 0");
}

Test(delta_hostile, a_near_copy_before_the_source)
{
    bw w;
    body_start(&w);
    flat_main(&w, 256 + 0 * 8 + 2);
    bw_bits(&w, 0x2000 - 20, 14); /* 20 bytes after the target position: the future */
    body_fails(&w, 3, "abc", MUM_EFORMAT, "a match at distance");
}

Test(delta_hostile, a_length_past_the_end_of_the_target)
{
    bw w;
    body_start(&w);
    lit(&w, 'a');
    match_short(&w, 1, 8);
    body_fails(&w, 5, NULL, MUM_EFORMAT, "a match of 8 bytes where 4 remain");
}

Test(delta_hostile, a_body_that_ends_early)
{
    bw w;
    body_start(&w);
    lit(&w, 'a');
    body_fails(&w, 1000, NULL, MUM_EFORMAT, "truncated");
}

/* The composite form with the pre-code lengths given. */
static void composite_start(bw *w, const uint8_t pre[39])
{
    bw_init(w);
    bw_bit(w, 0);      /* no RIFT table */
    bw_bit(w, 0);      /* composite */
    bw_varint(w, 1);   /* one segment */
    bw_varint(w, 0);   /* starting at 0 */
    for (int i = 0; i < 39; i++)
        bw_bits(w, pre[i], 4);
}

Test(delta_hostile, code_lengths_that_are_not_a_prefix_code)
{
    uint8_t pre[39];
    memset(pre, 1, sizeof pre); /* 39 codes of one bit */
    bw w;
    composite_start(&w, pre);
    body_fails(&w, 1, NULL, MUM_EFORMAT, "over-subscribed");

    memset(pre, 0, sizeof pre);
    pre[0] = 1; /* codes of 1 and 2 bits: a quarter of the code space unused */
    pre[1] = 2;
    composite_start(&w, pre);
    body_fails(&w, 1, NULL, MUM_EFORMAT, "incomplete");
}

/* A segment whose length code has one symbol, of one bit: main code 'a'
 * (code 0) and a match of distance 1 taking its length from the length
 * code (code 1); length code: symbol 100 alone (length 108).  `len_code`
 * is the bit written for the length. */
static void lone_length_code(bw *w, unsigned len_code)
{
    uint8_t pre[39] = {0};
    pre[0] = 1; /* length 0: pre-code 0 */
    pre[1] = 1; /* length 1: pre-code 1 */
    composite_start(w, pre);
    for (unsigned i = 0; i < 600 + 256 + 16; i++)
        bw_code(w, i == 'a' || i == 256 + (7 + 1) * 8 || i == 600 + 100, 1);
    bw_code(w, 0, 1); /* 'a' */
    bw_code(w, 1, 1); /* the match */
    bw_code(w, len_code, 1);
}

Test(delta_apply, a_length_code_of_one_symbol_of_one_bit)
{
    /* Windows writes such a code for a segment that uses one length (a
     * genuine express delta of KB2883457 has one); its code is 0. */
    bw w;
    lone_length_code(&w, 0);
    built b = build(&w, &HDR_RAW(1 + 108));
    uint8_t *out;
    size_t n;
    mum_ctx *ctx;
    mum_ctx_new(&ctx);
    cr_assert_eq(apply(b, NULL, 0, &out, &n, ctx), MUM_OK, "%s", mum_ctx_message(ctx));
    cr_assert_eq(n, 109);
    for (size_t i = 0; i < n; i++)
        cr_assert_eq(out[i], 'a', "%zu", i);
    mum_free(out);
    mum_ctx_free(ctx);

    /* The other bit is no code. */
    lone_length_code(&w, 1);
    body_fails(&w, 109, NULL, MUM_EFORMAT, "a code no symbol has");
}

Test(delta_hostile, a_run_of_lengths_past_the_table)
{
    uint8_t pre[39] = {0};
    pre[0] = 1;  /* symbol 0 (length 0): code 0 */
    pre[38] = 1; /* symbol 38: a run of 64 + 6 bits of the last length: code 1 */
    bw w;
    composite_start(&w, pre);
    bw_code(&w, 0, 1);
    for (int i = 0; i < 7; i++) {
        bw_code(&w, 1, 1);
        bw_bits(&w, 63, 6); /* 127 each: the 7th passes 872 */
    }
    body_fails(&w, 1, NULL, MUM_EFORMAT, "past the 872");
}

Test(delta_hostile, main_code_lengths_that_leave_the_code_incomplete)
{
    uint8_t pre[39] = {0};
    pre[0] = 1; /* length 0: pre-code 1 */
    pre[1] = 2; /* length 1: pre-code 00 */
    pre[2] = 2; /* length 2: pre-code 01 */
    bw w;
    composite_start(&w, pre);
    bw_code(&w, 0, 2); /* symbol 0: one bit */
    bw_code(&w, 1, 2); /* symbol 1: two bits; a quarter of the space unused */
    for (int i = 2; i < 872; i++)
        bw_code(&w, 1, 1); /* the rest unused */
    body_fails(&w, 1, NULL, MUM_EFORMAT, "main code");
}

/* A RIFT table's two integer formats: 4 classes of 2 bits each. */
static void rift_formats(bw *w)
{
    bw_bit(w, 1); /* a RIFT table */
    for (int f = 0; f < 2; f++) {
        bw_bits(w, 4, 8); /* 4 explicit lengths */
        bw_bits(w, 0, 8);
        bw_bits(w, 0, 8);
        for (int i = 0; i < 4; i++)
            bw_bits(w, 1, 4); /* 2 bits */
        bw_bits(w, 0, 4); /* the others: 1 bit less each run, down to 0 */
    }
}

static void rift_fails(bw *w, int want)
{
    built b = build(w, &HDR_RAW(1));
    uint8_t *out;
    size_t n;
    mum_ctx *ctx;
    mum_ctx_new(&ctx);
    int rc = apply(b, NULL, 0, &out, &n, ctx);
    cr_assert_eq(rc, want, "%d: %s", rc, mum_ctx_message(ctx));
    cr_assert(strstr(mum_ctx_message(ctx), "RIFT table"), "%s", mum_ctx_message(ctx));
    mum_ctx_free(ctx);
}

Test(delta_hostile, a_rift_table_with_more_entries_than_bits)
{
    bw w;
    bw_init(&w);
    rift_formats(&w);
    bw_varint(&w, UINT64_C(1) << 40);
    rift_fails(&w, MUM_EFORMAT);
}

Test(delta_hostile, a_rift_table_over_the_cap)
{
    bw w;
    bw_init(&w);
    rift_formats(&w);
    bw_varint(&w, (UINT64_C(1) << 20) + 1);
    for (size_t i = 0; i < (UINT64_C(1) << 21) + 8; i++)
        bw_bit(&w, 0);
    rift_fails(&w, MUM_ELIMIT);
}

Test(delta_apply, a_rift_table_reanchors_a_source_copy)
{
    /* Integer formats of 16 classes of 4 bits: 0..7 and -1..-8 classes
     * (symbols 126..133), codes in symbol order. */
    bw w;
    bw_init(&w);
    bw_bit(&w, 1);
    for (int f = 0; f < 2; f++) {
        bw_bits(&w, 8, 8);
        bw_bits(&w, 8, 8);
        bw_bits(&w, 0, 8);
        for (int i = 0; i < 16; i++)
            bw_bits(&w, 3, 4);
        bw_bits(&w, 0, 4);
    }
    /* One entry: source 8 (class 6: 8 + 2 bits), target 8 - 7 (class 5
     * negative: ~6, 1 bit): from virtual position 8 on, displacement -7. */
    bw_varint(&w, 1);
    bw_code(&w, 6, 4);
    bw_bits(&w, 0, 2);
    bw_code(&w, 8 + 5, 4);
    bw_bits(&w, 0, 1);
    bw_bit(&w, 1); /* the simple format */
    /* A source copy of 3 at target 0 = virtual 6 (source "ABCDEF"): virtual
     * 6 and 7 take displacement -6 (the end of the source), 8 takes -7. */
    flat_main(&w, 256 + 3 * 8 + 2);
    built b = build(&w, &HDR_RAW(3));
    uint8_t *out;
    size_t n;
    mum_ctx *ctx;
    mum_ctx_new(&ctx);
    cr_assert_eq(apply(b, "ABCDEF", 6, &out, &n, ctx), MUM_OK, "%s", mum_ctx_message(ctx));
    cr_assert_arr_eq(out, "ABB", 3);
    mum_free(out);
    mum_ctx_free(ctx);
}

Test(delta_apply, refuses_pe_types_and_reverse_deltas)
{
    hdr h = HDR_RAW(1);
    h.type = MUM_DELTA_TYPE_IA64;
    h.flags = 0xe63e;
    bw w;
    body_start(&w);
    lit(&w, 'a');
    uint8_t *out;
    size_t n;
    mum_ctx *ctx;
    mum_ctx_new(&ctx);
    cr_assert_eq(apply(build(&w, &h), NULL, 0, &out, &n, ctx), MUM_EUNSUPPORTED);
    cr_assert(strstr(mum_ctx_message(ctx), "ia64"), "%s", mum_ctx_message(ctx));
    cr_assert(strstr(mum_ctx_message(ctx), "0xe63e"), "%s", mum_ctx_message(ctx));
    h = HDR_RAW(1);
    h.type_set = 0x101;
    body_start(&w);
    lit(&w, 'a');
    cr_assert_eq(apply(build(&w, &h), NULL, 0, &out, &n, ctx), MUM_EUNSUPPORTED);
    cr_assert(strstr(mum_ctx_message(ctx), "reverse"), "%s", mum_ctx_message(ctx));
    mum_ctx_free(ctx);
}

/* The E8 translation as Windows' encoder makes it (the LZX filter, over
 * the whole file): the operand of each E8 byte before the last 10 bytes,
 * taken as a displacement r from position i, becomes r + i when that lies
 * in [0, n), or r - n (in [-i, 0)) when r + i lies in [n, n + i); other
 * values stay.  Written from the rule, the other way round from delta.c. */
static void e8_translate(uint8_t *p, size_t n)
{
    for (size_t i = 0; n >= 10 && i < n - 10;) {
        if (p[i] != 0xE8) {
            i++;
            continue;
        }
        int64_t r = (int32_t)(p[i + 1] | p[i + 2] << 8 | p[i + 3] << 16 | (uint32_t)p[i + 4] << 24);
        int64_t v = r;
        if (r >= -(int64_t)i && r < (int64_t)n - (int64_t)i)
            v = r + (int64_t)i;
        else if (r >= (int64_t)n - (int64_t)i && r < (int64_t)n)
            v = r - (int64_t)n;
        uint32_t u = (uint32_t)v;
        for (int k = 0; k < 4; k++)
            p[i + 1 + k] = (uint8_t)(u >> 8 * k);
        i += 5;
    }
}

static void put_call(uint8_t *p, size_t at, int32_t rel)
{
    uint32_t u = (uint32_t)rel;
    p[at] = 0xE8;
    for (int k = 0; k < 4; k++)
        p[at + 1 + k] = (uint8_t)(u >> 8 * k);
}

Test(delta_apply, flag_0x1_undoes_the_e8_translation)
{
    enum { N = 64 };
    uint8_t want[N];
    for (size_t i = 0; i < N; i++)
        want[i] = (uint8_t)(0x90 + i % 7);
    put_call(want, 0, 20);       /* forward, inside */
    put_call(want, 5, -3);       /* backward, inside */
    put_call(want, 12, 60);      /* past the end by the displacement: wraps */
    put_call(want, 20, 0x12345); /* outside: left alone */
    put_call(want, 26, -100);    /* before the start: left alone */
    put_call(want, 31, 40);      /* stored as -24: E8 FF FF FF, and the */
    want[36] = 0xFF;             /* E8 inside the operand is no call */
    put_call(want, 55, 3);       /* in the last 10 bytes: never translated */
    uint8_t stored[N];
    memcpy(stored, want, N);
    e8_translate(stored, N);
    cr_assert(memcmp(stored, want, N) != 0, "the translation changed nothing");
    cr_assert_arr_eq(stored + 20, want + 20, 10, "the operands outside were translated");
    cr_assert_arr_eq(stored + 54, want + 54, 10, "the last 10 bytes were translated");
    cr_assert_eq(stored[32], 0xE8, "the operand at 31 is not stored as E8 FF FF FF");

    bw w;
    body_start(&w);
    for (size_t i = 0; i < N; i++)
        lit(&w, stored[i]);
    hdr h = HDR_RAW(N);
    h.flags = 0x20001;
    uint8_t *out;
    size_t n;
    mum_ctx *ctx;
    mum_ctx_new(&ctx);
    cr_assert_eq(apply(build(&w, &h), NULL, 0, &out, &n, ctx), MUM_OK, "%s", mum_ctx_message(ctx));
    cr_assert_eq(n, N);
    cr_assert_arr_eq(out, want, N);
    mum_free(out);

    /* Without the flag, the bytes stay as stored. */
    body_start(&w);
    for (size_t i = 0; i < N; i++)
        lit(&w, stored[i]);
    cr_assert_eq(apply(build(&w, &HDR_RAW(N)), NULL, 0, &out, &n, ctx), MUM_OK);
    cr_assert_arr_eq(out, stored, N);
    mum_free(out);
    mum_ctx_free(ctx);
}

/* The largest block asked of the allocator, to see what a decode holds. */
static size_t largest;
static void *track_malloc(size_t n)
{
    if (n > largest)
        largest = n;
    return malloc(n);
}
static void *track_realloc(void *p, size_t n)
{
    if (n > largest)
        largest = n;
    return realloc(p, n);
}

Test(delta_apply, the_target_grows_as_it_is_built)
{
    mum_set_allocator(&(mum_allocator){track_malloc, track_realloc, free});
    /* 3 GiB claimed by a body of a few bytes that ends at once */
    bw w;
    body_start(&w);
    lit(&w, 'a');
    uint8_t *out;
    size_t n;
    mum_ctx *ctx;
    mum_ctx_new(&ctx);
    cr_assert_eq(apply(build(&w, &HDR_RAW((uint64_t)3 << 30)), NULL, 0, &out, &n, ctx),
                 MUM_EFORMAT);
    cr_assert_lt(largest, 1u << 20, "%zu bytes held for a body that makes one", largest);

    /* 4 MiB from a body of a few bytes: one literal, then one match whose
     * length is a number 2^21 + v (13 zeros, a one, 21 bits) */
    const size_t total = (size_t)4 << 20;
    body_start(&w);
    lit(&w, 'x');
    flat_main(&w, 256 + (7 + 1) * 8 + 0);
    bw_code(&w, 0, 8);
    bw_bits(&w, UINT64_C(1) << 13, 14);
    bw_bits(&w, total - 1 - 8 - (1u << 21), 21);
    cr_assert_eq(apply(build(&w, &HDR_RAW(total)), NULL, 0, &out, &n, ctx), MUM_OK, "%s",
                 mum_ctx_message(ctx));
    cr_assert_eq(n, total);
    for (size_t i = 0; i < n; i++)
        if (out[i] != 'x')
            cr_assert_fail("byte %zu", i);
    mum_free(out);
    mum_ctx_free(ctx);
    mum_set_allocator(NULL);
}

Test(delta_apply, refuses_an_lzms_body_by_name)
{
    static const uint8_t lzms[] = {0x0a, 0x51, 0xe5, 0xc0, 0, 0, 0, 0};
    built b;
    b.delta = make_delta(&HDR_RAW(8), lzms, sizeof lzms, &b.len);
    uint8_t *out;
    size_t n;
    mum_ctx *ctx;
    mum_ctx_new(&ctx);
    cr_assert_eq(apply(b, NULL, 0, &out, &n, ctx), MUM_EUNSUPPORTED);
    cr_assert(strstr(mum_ctx_message(ctx), "LZMS"), "%s", mum_ctx_message(ctx));
    mum_ctx_free(ctx);
}

Test(delta_apply, honours_max_target)
{
    bw w;
    body_start(&w);
    lit(&w, 'a');
    lit(&w, 'b');
    built b = build(&w, &HDR_RAW(2));
    mum_delta_options o = MUM_DELTA_OPTIONS_INIT;
    o.max_target = 1;
    uint8_t *out;
    size_t n;
    cr_assert_eq(mum_delta_apply(&out, &n, NULL, NULL, 0, b.delta, b.len, &o), MUM_ELIMIT);
    o.max_target = 2;
    cr_assert_eq(mum_delta_apply(&out, &n, NULL, NULL, 0, b.delta, b.len, &o), MUM_OK);
    cr_assert_arr_eq(out, "ab", 2);
    mum_free(out);
    free(b.delta);
}

Test(delta_apply, an_empty_target)
{
    built b;
    b.delta = make_delta(&HDR_RAW(0), NULL, 0, &b.len);
    uint8_t *out;
    size_t n = 99;
    cr_assert_eq(apply(b, NULL, 0, &out, &n, NULL), MUM_OK);
    cr_assert_eq(n, 0);
    cr_assert_not_null(out);
    mum_free(out);
}

Test(delta_apply, every_allocation_failure_is_enomem)
{
    /* a composite body, a RIFT table and a hash: every allocation there is */
    uint8_t md5[16];
    cr_assert_eq(mum_hash_buffer(md5, MUM_HASH_MD5, "ABB", 3), MUM_OK);
    bw w;
    bw_init(&w);
    rift_formats(&w);
    bw_varint(&w, 0);
    bw_bit(&w, 1);
    flat_main(&w, 256 + 3 * 8 + 2);
    hdr h = HDR_RAW(3);
    h.alg = 0x8003;
    h.hash = md5;
    h.hash_len = 16;
    built b = build(&w, &h);
    bool done = false;
    for (unsigned long k = 1; k < 100 && !done; k++) {
        mum__alloc_fail_at(k);
        uint8_t *out;
        size_t n;
        int rc = mum_delta_apply(&out, &n, NULL, "ABBDEF", 6, b.delta, b.len, NULL);
        mum__alloc_fail_at(0);
        if (rc == MUM_OK) {
            cr_assert_arr_eq(out, "ABB", 3);
            mum_free(out);
            done = true;
        } else {
            cr_assert(rc == MUM_ENOMEM || rc == MUM_ECRYPTO, "failure %lu: %d", k, rc);
        }
    }
    cr_assert(done);
    free(b.delta);
}

/* ---- the target's hash ---- */

static built hashed_ab(uint32_t alg, const uint8_t *hash, size_t len)
{
    bw w;
    body_start(&w);
    lit(&w, 'a');
    lit(&w, 'b');
    hdr h = HDR_RAW(2);
    h.alg = alg;
    h.hash = hash;
    h.hash_len = len;
    return build(&w, &h);
}

Test(delta_hash, checks_the_targets_hash)
{
    uint8_t md5[16], sha256[32];
    cr_assert_eq(mum_hash_buffer(md5, MUM_HASH_MD5, "ab", 2), MUM_OK);
    cr_assert_eq(mum_hash_buffer(sha256, MUM_HASH_SHA256, "ab", 2), MUM_OK);
    uint8_t *out;
    size_t n;
    mum_ctx *ctx;
    mum_ctx_new(&ctx);
    cr_assert_eq(apply(hashed_ab(0x8003, md5, 16), NULL, 0, &out, &n, ctx), MUM_OK);
    mum_free(out);
    cr_assert_eq(apply(hashed_ab(0x800c, sha256, 32), NULL, 0, &out, &n, ctx), MUM_OK);
    mum_free(out);

    md5[3] ^= 1;
    cr_assert_eq(apply(hashed_ab(0x8003, md5, 16), NULL, 0, &out, &n, ctx), MUM_EFORMAT);
    cr_assert(strstr(mum_ctx_message(ctx), "md5"), "%s", mum_ctx_message(ctx));
    cr_assert_null(out);
    /* the check can be switched off */
    built b = hashed_ab(0x8003, md5, 16);
    mum_delta_options o = MUM_DELTA_OPTIONS_INIT;
    o.no_hash_check = true;
    cr_assert_eq(mum_delta_apply(&out, &n, ctx, NULL, 0, b.delta, b.len, &o), MUM_OK);
    mum_free(out);
    free(b.delta);

    /* an MD5 of 20 bytes, an algorithm libmum does not know */
    cr_assert_eq(apply(hashed_ab(0x8003, sha256, 20), NULL, 0, &out, &n, ctx), MUM_EFORMAT);
    cr_assert_eq(apply(hashed_ab(0x8005, md5, 16), NULL, 0, &out, &n, ctx), MUM_EUNSUPPORTED);
    cr_assert(strstr(mum_ctx_message(ctx), "0x8005"), "%s", mum_ctx_message(ctx));
    mum_ctx_free(ctx);
}

/* ---- the real deltas ---- */

static const char *realdata(void)
{
    const char *real = getenv("MUM_REALDATA");
    return real ? real : "../../shared/realdata";
}

/* Reads realdata/pa30/<name>, or skips the test when it is absent. */
static uint8_t *real_file(const char *name, size_t *n)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/pa30/%s", realdata(), name);
    if (access(path, R_OK) != 0)
        cr_skip_test("real data absent: no %s (set MUM_REALDATA)", path);
    uint8_t *p = tu_slurp(path, n);
    cr_assert_not_null(p, "%s", path);
    return p;
}

static void real_raw(const char *delta_name, const char *target_name)
{
    size_t sn, dn, tn;
    uint8_t *src = real_file("sources_cmd.exe", &sn);
    uint8_t *delta = real_file(delta_name, &dn);
    uint8_t *want = real_file(target_name, &tn);
    mum_ctx *ctx;
    mum_ctx_new(&ctx);
    mum_delta_header h;
    cr_assert_eq(mum_delta_header_read(&h, ctx, delta, dn), MUM_OK, "%s", mum_ctx_message(ctx));
    cr_assert_eq(h.file_type, MUM_DELTA_TYPE_RAW);
    cr_assert_eq(h.target_size, tn);
    /* These deltas carry no hash (Windows' CreateDeltaB was not asked for
     * one): the byte-for-byte comparison is the check, and the same body
     * under an MD5 header is the hash test (delta_real.hash_checked). */
    cr_assert_eq(h.hash_alg, 0);
    uint8_t *out;
    size_t n;
    cr_assert_eq(mum_delta_apply(&out, &n, ctx, src, sn, delta, dn, NULL), MUM_OK, "%s: %s",
                 delta_name, mum_ctx_message(ctx));
    cr_assert_eq(n, tn);
    cr_assert(memcmp(out, want, n) == 0, "%s: the target differs", delta_name);
    mum_free(out);
    mum_ctx_free(ctx);
    free(src);
    free(delta);
    free(want);
}

Test(delta_real, cmd_to_where) { real_raw("raw/cmd__to__where__raw.pa30", "sources_where.exe"); }
Test(delta_real, cmd_to_notepad)
{
    real_raw("raw/cmd__to__notepad__raw.pa30", "sources_notepad.exe");
}
Test(delta_real, cmd_to_notepad_flag_0x20000)
{
    real_raw("raw/cmd__to__notepad__raw_flag0x20000.pa30", "sources_notepad.exe");
}
Test(delta_real, cmd_to_notepad_bsdiff_flag_0x100)
{
    real_raw("raw/cmd__to__notepad__raw_bsdiff_flag0x100.pa30", "sources_notepad.exe");
}

/* The where delta's body under a header that gives the target's MD5. */
static uint8_t *where_with_md5(size_t *n, const uint8_t *want, size_t want_len, unsigned version)
{
    size_t dn;
    uint8_t *delta = real_file("raw/cmd__to__where__raw.pa30", &dn);
    mum_delta_header h;
    cr_assert_eq(mum_delta_header_read(&h, NULL, delta, dn), MUM_OK);
    uint8_t md5[16];
    cr_assert_eq(mum_hash_buffer(md5, MUM_HASH_MD5, want, want_len), MUM_OK);
    hdr nh = {1, 1, 0, h.target_size, 0x8003, md5, 16, version, NULL, 0};
    uint8_t *d = make_delta(&nh, delta + h.header_size, dn - h.header_size, n);
    free(delta);
    return d;
}

Test(delta_real, hash_checked)
{
    size_t sn, tn, n;
    uint8_t *src = real_file("sources_cmd.exe", &sn);
    uint8_t *want = real_file("sources_where.exe", &tn);
    for (unsigned v = 30; v <= 31; v++) {
        uint8_t *d = where_with_md5(&n, want, tn, v);
        uint8_t *out;
        size_t on;
        mum_ctx *ctx;
        mum_ctx_new(&ctx);
        cr_assert_eq(mum_delta_apply(&out, &on, ctx, src, sn, d, n, NULL), MUM_OK, "PA%u: %s", v,
                     mum_ctx_message(ctx));
        cr_assert(on == tn && memcmp(out, want, tn) == 0);
        mum_free(out);
        /* the same delta against another source: the hash says no */
        src[1000] ^= 0xff;
        cr_assert_eq(mum_delta_apply(&out, &on, ctx, src, sn, d, n, NULL), MUM_EFORMAT);
        src[1000] ^= 0xff;
        mum_ctx_free(ctx);
        free(d);
    }
    free(src);
    free(want);
}

Test(delta_real, every_truncation_of_the_where_delta_fails_cleanly)
{
    size_t sn, dn;
    uint8_t *src = real_file("sources_cmd.exe", &sn);
    uint8_t *delta = real_file("raw/cmd__to__where__raw.pa30", &dn);
    mum_ctx *ctx;
    mum_ctx_new(&ctx);
    for (size_t k = 0; k < dn; k++) {
        /* a copy of exactly k bytes, so that ASan sees any read past it */
        uint8_t *cut = malloc(k ? k : 1);
        memcpy(cut, delta, k);
        uint8_t *out;
        size_t n;
        int rc = mum_delta_apply(&out, &n, ctx, src, sn, cut, k, NULL);
        cr_assert_eq(rc, MUM_EFORMAT, "%zu bytes: %d %s", k, rc, mum_ctx_message(ctx));
        free(cut);
    }
    mum_ctx_free(ctx);
    free(src);
    free(delta);
}

/* The body cut short, under a header that agrees: the decoder itself meets
 * the end of its data.  Every point of the first KiB (the tables, the
 * first symbols), then every 97th: each cut decodes up to it, so every
 * point of the 18 KB would take seconds. */
Test(delta_real, every_truncation_of_the_where_body_fails_cleanly)
{
    size_t sn, dn;
    uint8_t *src = real_file("sources_cmd.exe", &sn);
    uint8_t *delta = real_file("raw/cmd__to__where__raw.pa30", &dn);
    mum_delta_header h;
    cr_assert_eq(mum_delta_header_read(&h, NULL, delta, dn), MUM_OK);
    const uint8_t *body = delta + h.header_size;
    size_t body_len = dn - h.header_size;
    mum_ctx *ctx;
    mum_ctx_new(&ctx);
    for (size_t k = 0; k < body_len; k += k < 1024 ? 1 : 97) {
        size_t n;
        uint8_t *d = make_delta(&HDR_RAW(h.target_size), body, k, &n);
        uint8_t *out;
        size_t on;
        int rc = mum_delta_apply(&out, &on, ctx, src, sn, d, n, NULL);
        cr_assert_eq(rc, MUM_EFORMAT, "%zu bytes of body: %d %s", k, rc, mum_ctx_message(ctx));
        cr_assert(k == 0 || strstr(mum_ctx_message(ctx), "truncated"), "%zu: %s", k,
                  mum_ctx_message(ctx));
        free(d);
    }
    mum_ctx_free(ctx);
    free(src);
    free(delta);
}

Test(delta_real, bit_flips_give_an_error_or_the_right_target)
{
    size_t sn, tn, dn;
    uint8_t *src = real_file("sources_cmd.exe", &sn);
    uint8_t *want = real_file("sources_where.exe", &tn);
    uint8_t *d = where_with_md5(&dn, want, tn, 30);
    mum_ctx *ctx;
    mum_ctx_new(&ctx);
    uint32_t seed = 12345;
    size_t ok = 0, errors = 0;
    for (int i = 0; i < 3000; i++) {
        seed = seed * 1103515245u + 12345u;
        /* the first flips go through the header, the rest anywhere */
        size_t at = i < 400 ? (size_t)i / 8 % dn : (seed >> 8) % dn;
        unsigned bit = i < 400 ? (unsigned)i % 8 : (seed >> 3) % 8;
        d[at] ^= (uint8_t)(1u << bit);
        uint8_t *out;
        size_t n;
        int rc = mum_delta_apply(&out, &n, ctx, src, sn, d, dn, NULL);
        if (rc == MUM_OK) {
            cr_assert(n == tn && memcmp(out, want, tn) == 0,
                      "byte %zu bit %u: a wrong target passed", at, bit);
            mum_free(out);
            ok++;
        } else {
            cr_assert(rc == MUM_EFORMAT || rc == MUM_EUNSUPPORTED || rc == MUM_ELIMIT,
                      "byte %zu bit %u: %d %s", at, bit, rc, mum_ctx_message(ctx));
            errors++;
        }
        d[at] ^= (uint8_t)(1u << bit);
    }
    cr_assert_gt(errors, 2000, "%zu errors, %zu passes", errors, ok);
    mum_ctx_free(ctx);
    free(d);
    free(src);
    free(want);
}

/* test_delta_pe.c decodes them; here, the header's PE fields. */
Test(delta_real, pe_deltas_give_the_target_image_fields)
{
    static const char *const names[] = {"pe/cmd__to__cmd_patched.pa30",
                                        "pe/advapi32_old__to__advapi32_new.pa30"};
    static const char *const targets[] = {"sources_cmd_patched.exe", "sources_advapi32_new.dll"};
    size_t sn;
    uint8_t *src = real_file("sources_cmd.exe", &sn);
    for (size_t i = 0; i < 2; i++) {
        size_t dn;
        uint8_t *delta = real_file(names[i], &dn);
        mum_ctx *ctx;
        mum_ctx_new(&ctx);
        /* the header gives the target image's fields: compare with the
         * target file's own */
        size_t tn;
        uint8_t *t = real_file(targets[i], &tn);
        uint32_t pe = mum__le32(t + 0x3c);
        mum_delta_header h;
        cr_assert_eq(mum_delta_header_read(&h, ctx, delta, dn), MUM_OK);
        cr_assert_eq(h.file_type, MUM_DELTA_TYPE_AMD64);
        cr_assert_eq(h.flags, 0xe63e);
        cr_assert_eq(h.pe_timestamp, mum__le32(t + pe + 8));
        cr_assert_eq(h.pe_image_base, mum__le64(t + pe + 24 + 24));
        free(t);
        mum_ctx_free(ctx);
        free(delta);
    }
    free(src);
}

static const char *const dcm_names[] = {
    "amd64_microsoft-windows-core_31bf3856ad364e35_10.0.26100.1_none_a943f5e781a44c5c.manifest",
    "amd64_microsoft-windows-font-truetype-gadugi_31bf3856ad364e35_10.0.26100.1_none_"
    "e1326a4c8dcc8ee1.manifest",
    "amd64_microsoft-windows-network-security_31bf3856ad364e35_10.0.26100.1591_none_"
    "68e46b0fda91af4d.manifest",
    "wow64_microsoft-windows-o..euapcommonproxystub_31bf3856ad364e35_10.0.26100.7309_none_"
    "38de5e2364a9fd20.manifest",
};

Test(delta_real, dcm_manifests_decode_to_xml)
{
    size_t bn;
    uint8_t *base = real_file("dcm/base_manifest.bin", &bn);
    for (size_t i = 0; i < MUM_ARRAY_LEN(dcm_names); i++) {
        char name[512];
        snprintf(name, sizeof name, "dcm/%s", dcm_names[i]);
        size_t dn;
        uint8_t *dcm = real_file(name, &dn);
        cr_assert(mum_delta_is_dcm(dcm, dn));
        mum_ctx *ctx;
        mum_ctx_new(&ctx);
        uint8_t *out;
        size_t n;
        cr_assert_eq(mum_delta_dcm_decode(&out, &n, ctx, base, bn, dcm, dn), MUM_OK, "%s: %s",
                     dcm_names[i], mum_ctx_message(ctx));
        cr_assert(n > 5 && (memcmp(out, "<?xml", 5) == 0 || memcmp(out, "<assembly", 9) == 0),
                  "%s does not start as XML", dcm_names[i]);
        if (i == 3) {
            snprintf(name, sizeof name, "dcm/%s.xml", dcm_names[i]);
            size_t xn;
            uint8_t *xml = real_file(name, &xn);
            cr_assert(n == xn && memcmp(out, xml, n) == 0, "the largest differs from its .xml");
            free(xml);
        }
        mum_free(out);
        /* without the magic, DCM decoding refuses it */
        cr_assert_eq(mum_delta_dcm_decode(&out, &n, ctx, base, bn, dcm + 4, dn - 4),
                     MUM_EFORMAT);
        mum_ctx_free(ctx);
        free(dcm);
    }
    free(base);
}
