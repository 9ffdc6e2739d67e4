/*
 * test_hash.c - digests (FIPS 180 test vectors), hex and base64.
 */
#include "testutil.h"

#include <pthread.h>

static void expect_hex(mum_hash_alg alg, const char *msg, const char *want)
{
    uint8_t d[MUM_HASH_MAX_SIZE];
    char hex[2 * MUM_HASH_MAX_SIZE + 1];
    cr_assert_eq(mum_hash_buffer(d, alg, msg, strlen(msg)), MUM_OK);
    mum_hex_encode(hex, d, mum_hash_size(alg));
    cr_assert_str_eq(hex, want, "%s(\"%s\")", mum_hash_name(alg), msg);
}

Test(hash, known_vectors)
{
    expect_hex(MUM_HASH_SHA1, "abc", "a9993e364706816aba3e25717850c26c9cd0d89d");
    expect_hex(MUM_HASH_SHA256, "abc",
               "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect_hex(MUM_HASH_SHA256, "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    expect_hex(MUM_HASH_MD5, "abc", "900150983cd24fb0d6963f7d28e17f72");
    expect_hex(MUM_HASH_SHA384, "abc",
               "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed"
               "8086072ba1e7cc2358baeca134c825a7");
    expect_hex(MUM_HASH_SHA512, "abc",
               "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
               "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f");
}

/* The digests are fetched from the provider once, by whichever thread comes
 * first: threads starting together must all get working hashers. */
static void *hash_on_a_thread(void *arg)
{
    uint8_t *out = arg;
    for (int round = 0; round < 200; round++) {
        mum_hasher *h;
        if (mum_hasher_new(&h, round % 2 ? MUM_HASH_SHA1 : MUM_HASH_SHA256) != MUM_OK)
            return NULL;
        mum_hasher_update(h, "abc", 3);
        mum_hasher_final(out + (round % 2) * 32, h);
        mum_hasher_free(h);
    }
    return arg;
}

Test(hash, hashers_made_on_threads_at_once_agree)
{
    enum { THREADS = 8 };
    pthread_t t[THREADS];
    uint8_t out[THREADS][64];
    memset(out, 0, sizeof out);
    for (int i = 0; i < THREADS; i++)
        cr_assert_eq(pthread_create(&t[i], NULL, hash_on_a_thread, out[i]), 0);
    uint8_t sha256[32], sha1[20];
    mum_hash_buffer(sha256, MUM_HASH_SHA256, "abc", 3);
    mum_hash_buffer(sha1, MUM_HASH_SHA1, "abc", 3);
    for (int i = 0; i < THREADS; i++) {
        void *r;
        pthread_join(t[i], &r);
        cr_assert_not_null(r, "thread %d could not make a hasher", i);
        cr_assert_arr_eq(out[i], sha256, 32);
        cr_assert_arr_eq(out[i] + 32, sha1, 20);
    }
}

Test(hash, streaming_equals_one_shot_and_resets)
{
    mum_hasher *h;
    cr_assert_eq(mum_hasher_new(&h, MUM_HASH_SHA256), MUM_OK);
    cr_assert_eq(mum_hasher_alg(h), MUM_HASH_SHA256);
    uint8_t a[32], b[32], c[32];
    mum_hasher_update(h, "a", 1);
    mum_hasher_update(h, "bc", 2);
    cr_assert_eq(mum_hasher_final(a, h), MUM_OK);
    mum_hash_buffer(b, MUM_HASH_SHA256, "abc", 3);
    cr_assert_arr_eq(a, b, 32);
    mum_hasher_update(h, "abc", 3); /* final started over */
    mum_hasher_final(c, h);
    cr_assert_arr_eq(c, b, 32);
    mum_hasher_free(h);
    mum_hasher_free(NULL);
    cr_assert_eq(mum_hasher_new(&h, MUM_HASH_NONE), MUM_EINVAL);
}

Test(hash, names)
{
    mum_hash_alg a;
    cr_assert_eq(mum_hash_parse_name(&a, "SHA-256"), MUM_OK);
    cr_assert_eq(a, MUM_HASH_SHA256);
    cr_assert_eq(mum_hash_parse_name(&a, "sha1"), MUM_OK);
    cr_assert_eq(a, MUM_HASH_SHA1);
    cr_assert_eq(mum_hash_parse_name(&a, "sha3-256"), MUM_ENOTFOUND);
    cr_assert_eq(mum_hash_size(MUM_HASH_SHA384), 48);
    cr_assert_str_eq(mum_hash_name(MUM_HASH_NONE), "none");
}

Test(hex, round_trip_and_errors)
{
    uint8_t b[4];
    size_t n;
    char s[9];
    cr_assert_eq(mum_hex_decode(b, sizeof b, &n, "00fFa0", 6), MUM_OK);
    cr_assert_eq(n, 3);
    cr_assert_eq(b[1], 0xff);
    mum_hex_encode(s, b, n);
    cr_assert_str_eq(s, "00ffa0");
    cr_assert_eq(mum_hex_decode(b, sizeof b, &n, "abc", 3), MUM_EFORMAT);
    cr_assert_eq(mum_hex_decode(b, sizeof b, &n, "zz", 2), MUM_EFORMAT);
    cr_assert_eq(mum_hex_decode(b, sizeof b, &n, "0011223344", 10), MUM_ELIMIT);
}

static int b64d(const char *s, uint8_t *out, size_t cap, size_t *n)
{
    return mum_base64_decode(out, cap, n, s, strlen(s));
}

Test(base64, decodes_a_real_digest)
{
    /* netcfgx.dll of the KB2938772 amd64 cabinet, from its manifest */
    uint8_t d[32];
    size_t n;
    cr_assert_eq(b64d("el7sS740F1I/CU+bxkTf+y2XGS+7uidMbZa3WSb5k84=", d, sizeof d, &n), MUM_OK);
    cr_assert_eq(n, 32);
    char hex[65];
    mum_hex_encode(hex, d, n);
    cr_assert_str_eq(hex, "7a5eec4bbe3417523f094f9bc644dffb2d97192fbbba274c6d96b75926f993ce");
    char back[MUM_BASE64_ENCODED_SIZE(32)];
    mum_base64_encode(back, d, n);
    cr_assert_str_eq(back, "el7sS740F1I/CU+bxkTf+y2XGS+7uidMbZa3WSb5k84=");
}

Test(base64, padding_whitespace_and_errors)
{
    uint8_t d[8];
    size_t n;
    cr_assert_eq(b64d(" YW Jj\n", d, sizeof d, &n), MUM_OK);
    cr_assert_eq(n, 3);
    cr_assert_eq(b64d("YQ==", d, sizeof d, &n), MUM_OK);
    cr_assert_eq(n, 1);
    cr_assert_eq(d[0], 'a');
    cr_assert_eq(b64d("YWI=", d, sizeof d, &n), MUM_OK);
    cr_assert_eq(n, 2);
    cr_assert_eq(b64d("", d, sizeof d, &n), MUM_OK);
    cr_assert_eq(n, 0);
    const char *bad[] = {"YQ", "YQ=", "Y===", "YQ==YQ==", "YR==", "Y*==", "YWJj=", "=YWJ"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        cr_assert_eq(b64d(bad[i], d, sizeof d, &n), MUM_EFORMAT, "\"%s\"", bad[i]);
    cr_assert_eq(b64d("YWJjZGVmZ2hp", d, sizeof d, &n), MUM_ELIMIT);
}
