/*
 * test_digest.c - the digest module (src/lib/digest.c): digest sets, the
 * one-shot digests, the Authenticode digest of a PE image.
 */
#include "testutil.h"

#include "digest.h"
#include "pegen.h"

#include <mum/pe.h>

static void hex_of(const uint8_t *d, size_t n, char *out)
{
    mum_hex_encode(out, d, n);
}

/* FIPS 180-4 / RFC 1321 vectors. */
static const struct {
    mum_hash_alg alg;
    const char *msg;
    const char *hex;
} vectors[] = {
    {MUM_HASH_SHA1, "", "da39a3ee5e6b4b0d3255bfef95601890afd80709"},
    {MUM_HASH_SHA1, "abc", "a9993e364706816aba3e25717850c26c9cd0d89d"},
    {MUM_HASH_SHA256, "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
    {MUM_HASH_SHA256, "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
    {MUM_HASH_MD5, "", "d41d8cd98f00b204e9800998ecf8427e"},
    {MUM_HASH_MD5, "abc", "900150983cd24fb0d6963f7d28e17f72"},
};

Test(digest, one_shot_known_vectors)
{
    for (size_t i = 0; i < MUM_ARRAY_LEN(vectors); i++) {
        uint8_t d[MUM_HASH_MAX_SIZE];
        char hex[2 * MUM_HASH_MAX_SIZE + 1];
        cr_assert_eq(mum__digest_buffer(vectors[i].alg, vectors[i].msg, strlen(vectors[i].msg), d), MUM_OK);
        hex_of(d, mum_hash_size(vectors[i].alg), hex);
        cr_assert_str_eq(hex, vectors[i].hex, "%s(\"%s\")", mum_hash_name(vectors[i].alg), vectors[i].msg);
    }
    uint8_t d[MUM_HASH_MAX_SIZE];
    cr_assert_eq(mum__digest_buffer(MUM_HASH_NONE, "", 0, d), MUM_EINVAL);
}

Test(digest, a_set_computes_all_three_from_one_feed)
{
    mum__digest_set s;
    cr_assert_eq(mum__digest_set_init(&s, MUM_DIGEST_SHA1 | MUM_DIGEST_SHA256 | MUM_DIGEST_MD5), MUM_OK);
    cr_assert(mum__digest_set_has(&s, MUM_HASH_MD5) && mum__digest_set_has(&s, MUM_HASH_SHA1) &&
              mum__digest_set_has(&s, MUM_HASH_SHA256));
    cr_assert(!mum__digest_set_has(&s, MUM_HASH_SHA384) && !mum__digest_set_has(&s, MUM_HASH_NONE));
    /* "abc" then "" (final starts each algorithm over) */
    for (int round = 0; round < 2; round++) {
        const char *msg = round == 0 ? "abc" : "";
        cr_assert_eq(mum__digest_set_update(&s, msg, strlen(msg)), MUM_OK);
        for (size_t i = 0; i < MUM_ARRAY_LEN(vectors); i++) {
            if (strcmp(vectors[i].msg, msg) != 0)
                continue;
            uint8_t d[MUM_HASH_MAX_SIZE];
            char hex[2 * MUM_HASH_MAX_SIZE + 1];
            cr_assert_eq(mum__digest_set_final(&s, vectors[i].alg, d), MUM_OK);
            hex_of(d, mum_hash_size(vectors[i].alg), hex);
            cr_assert_str_eq(hex, vectors[i].hex, "round %d, %s", round, mum_hash_name(vectors[i].alg));
        }
    }
    mum__digest_set_clear(&s);
    cr_assert_eq(s.want, 0u);
}

Test(digest, odd_pieces_equal_one_shot)
{
    enum { N = 70001 };
    uint8_t *data = malloc(N);
    cr_assert_not_null(data);
    uint32_t x = 2463534242u;
    for (size_t i = 0; i < N; i++) {
        x ^= x << 13, x ^= x >> 17, x ^= x << 5;
        data[i] = (uint8_t)x;
    }
    static const mum_hash_alg algs[3] = {MUM_HASH_MD5, MUM_HASH_SHA1, MUM_HASH_SHA256};
    uint8_t want[3][MUM_HASH_MAX_SIZE];
    for (int a = 0; a < 3; a++)
        cr_assert_eq(mum__digest_buffer(algs[a], data, N, want[a]), MUM_OK);
    mum__digest_set s = MUM_DIGEST_SET_INIT;
    cr_assert_eq(mum__digest_set_init(&s, MUM_DIGEST_MD5 | MUM_DIGEST_SHA1 | MUM_DIGEST_SHA256), MUM_OK);
    static const size_t pieces[] = {1, 3, 7, 63, 64, 65, 4097};
    for (size_t k = 0; k < MUM_ARRAY_LEN(pieces); k++) {
        /* some bytes of a message given up, then the whole data again */
        cr_assert_eq(mum__digest_set_update(&s, "discarded", 9), MUM_OK);
        cr_assert_eq(mum__digest_set_restart(&s), MUM_OK);
        size_t step = pieces[k];
        for (size_t at = 0; at < N;) {
            size_t n = N - at < step ? N - at : step;
            cr_assert_eq(mum__digest_set_update(&s, data + at, n), MUM_OK);
            at += n;
            step = step * 2 + 1 > 9000 ? pieces[k] : step * 2 + 1; /* varying sizes */
        }
        cr_assert_eq(mum__digest_set_update(&s, NULL, 0), MUM_OK);
        for (int a = 0; a < 3; a++) {
            uint8_t got[MUM_HASH_MAX_SIZE];
            cr_assert_eq(mum__digest_set_final(&s, algs[a], got), MUM_OK);
            cr_assert_arr_eq(got, want[a], mum_hash_size(algs[a]), "%s, pieces from %zu",
                             mum_hash_name(algs[a]), pieces[k]);
        }
    }
    mum__digest_set_clear(&s);
    free(data);
}

Test(digest, set_arguments)
{
    mum__digest_set s;
    cr_assert_eq(mum__digest_set_init(&s, 0), MUM_EINVAL);
    cr_assert_eq(s.want, 0u);
    cr_assert_eq(mum__digest_set_init(&s, MUM_DIGEST_BIT(MUM_HASH_NONE)), MUM_EINVAL);
    cr_assert_eq(mum__digest_set_init(&s, 1u << 20), MUM_EINVAL);
    cr_assert_eq(mum__digest_set_init(&s, MUM_DIGEST_SHA256), MUM_OK);
    uint8_t d[MUM_HASH_MAX_SIZE];
    cr_assert_eq(mum__digest_set_final(&s, MUM_HASH_SHA1, d), MUM_EINVAL); /* not asked for */
    cr_assert_eq(mum__digest_set_final(&s, MUM_HASH_NONE, d), MUM_EINVAL);
    mum__digest_set_clear(&s);
    mum__digest_set_clear(&s); /* an empty set is fine */
    mum__digest_set z = MUM_DIGEST_SET_INIT;
    mum__digest_set_clear(&z);
}

Test(digest, evp_of_the_signature_code)
{
    uint8_t a[MUM_HASH_MAX_SIZE], b[MUM_HASH_MAX_SIZE];
    size_t n = 0;
    cr_assert_eq(mum__digest_evp(mum__evp_md(MUM_HASH_SHA256), "abc", 3, a, &n), MUM_OK);
    cr_assert_eq(n, 32u);
    cr_assert_eq(mum__digest_buffer(MUM_HASH_SHA256, "abc", 3, b), MUM_OK);
    cr_assert_arr_eq(a, b, 32);
    cr_assert_eq(mum__digest_evp(NULL, "abc", 3, a, &n), MUM_EINVAL);
    cr_assert_eq(n, 0u);
}

/* ---- the Authenticode digest of a PE image ---- */

/* The bytes the digest takes, spelled out: [0, 64), [68, 152), [160, 200)
 * (headers without CheckSum at 64 and the certificate entry at 152), the
 * sections at 300 and 200 (hashed in file order), then the rest but the
 * certificate table [480, 500), and zeros to a multiple of 8 after the
 * 517 - 20 bytes. */
Test(digest, pe_image_leaves_out_what_the_layout_says)
{
    enum { SIZE = 517 };
    uint8_t p[SIZE];
    for (size_t i = 0; i < SIZE; i++)
        p[i] = (uint8_t)(i * 7 + 3);
    const mum__digest_span sections[2] = {{200, 100}, {300, 150}};
    mum__pe_digest_layout l = {.checksum_offset = 64,
                               .certdir_offset = 152,
                               .size_of_headers = 200,
                               .cert_offset = 480,
                               .cert_size = 20,
                               .sections = sections,
                               .nsections = 2};
    uint8_t want_bytes[SIZE + 8] = {0};
    size_t n = 0;
    for (size_t i = 0; i < SIZE; i++) {
        if ((i >= 64 && i < 68) || (i >= 152 && i < 160) || (i >= 480 && i < 500))
            continue;
        want_bytes[n++] = p[i];
    }
    cr_assert_eq(mum__digest_pe_padding(SIZE, &l), 7u); /* 497 bytes: 7 to 504 */
    n += 7;
    uint8_t want[MUM_HASH_MAX_SIZE], got[MUM_HASH_MAX_SIZE];
    cr_assert_eq(mum__digest_buffer(MUM_HASH_SHA256, want_bytes, n, want), MUM_OK);
    mum__digest_set s;
    cr_assert_eq(mum__digest_set_init(&s, MUM_DIGEST_SHA256), MUM_OK);
    cr_assert_eq(mum__digest_pe_image(&s, p, SIZE, &l), MUM_OK);
    cr_assert_eq(mum__digest_set_final(&s, MUM_HASH_SHA256, got), MUM_OK);
    cr_assert_arr_eq(got, want, 32);

    /* nothing after the sections: no rest, no padding */
    l.cert_size = 0;
    l.cert_offset = 0;
    cr_assert_eq(mum__digest_pe_padding(450, &l), 0u);
    mum__digest_set_clear(&s);
}

/*
 * The digests osslsigncode 2.x calculates ('osslsigncode verify' after
 * 'osslsigncode sign -h sha1|sha256') for the images of
 * 'tests/tools/mkpe [--pe32plus] --sections 3 --overlay 13 --seed 3'
 * (tests/cli/pe-oracle.sh makes the same comparison live).
 */
Test(digest, pe_image_as_osslsigncode)
{
    static const struct {
        bool plus;
        const char *sha1, *sha256;
    } want[2] = {
        {false, "32ba8a1e9fba46ba20683901e35d28fde0c15356",
         "3fe16f7191f62e27d2e6d507ac6212cf09ff0e412e51aeb8356f8cca370abfa6"},
        {true, "41c1680cfc04ec3db88407b722195ac043703090",
         "bc87afe8300c70f9677946d0b57a22151253e76e9a1a2c049b4d7ad4427474a2"},
    };
    for (int k = 0; k < 2; k++) {
        pegen_opts o = PEGEN_OPTS_INIT;
        o.pe32plus = want[k].plus;
        o.sections = 3;
        o.overlay = 13;
        o.seed = 3;
        size_t size;
        uint8_t *p = pegen_build(&o, &size);
        cr_assert_not_null(p);
        const mum_hash_alg algs[2] = {MUM_HASH_SHA1, MUM_HASH_SHA256};
        uint8_t d[2][MUM_HASH_MAX_SIZE];
        char hex[2 * MUM_HASH_MAX_SIZE + 1];
        cr_assert_eq(mum_pe_digest(NULL, p, size, NULL, algs, 2, d), MUM_OK);
        hex_of(d[0], 20, hex);
        cr_assert_str_eq(hex, want[k].sha1);
        hex_of(d[1], 32, hex);
        cr_assert_str_eq(hex, want[k].sha256);
        /* an algorithm asked twice gets the same digest twice */
        const mum_hash_alg twice[2] = {MUM_HASH_SHA256, MUM_HASH_SHA256};
        cr_assert_eq(mum_pe_digest(NULL, p, size, NULL, twice, 2, d), MUM_OK);
        hex_of(d[1], 32, hex);
        cr_assert_str_eq(hex, want[k].sha256);
        free(p);
    }
}

typedef struct {
    uint64_t r[16][3];
    size_t n;
} ranges;

static int collect(void *ud, uint64_t start, uint64_t end, uint64_t gate)
{
    ranges *rs = ud;
    cr_assert_lt(rs->n, 16u);
    rs->r[rs->n][0] = start;
    rs->r[rs->n][1] = end;
    rs->r[rs->n][2] = gate;
    rs->n++;
    return MUM_OK;
}

/* The certificate table inside what the sections span (before
 * SUM_OF_BYTES_HASHED): the rest counts only in a file longer than the
 * sections' end plus the table. */
Test(digest, pe_ranges_gate_the_rest_behind_an_early_certificate_table)
{
    const mum__digest_span sections[1] = {{100, 300}};
    mum__pe_digest_layout l = {.checksum_offset = 64,
                               .certdir_offset = 0,
                               .size_of_headers = 100,
                               .cert_offset = 150,
                               .cert_size = 40,
                               .sections = sections,
                               .nsections = 1};
    ranges rs = {0};
    cr_assert_eq(mum__digest_pe_ranges(&l, collect, &rs), MUM_OK);
    static const uint64_t want[4][3] = {{0, 64, 0}, {68, 100, 0}, {100, 400, 0}, {400, UINT64_MAX, 440}};
    cr_assert_eq(rs.n, 4u);
    for (size_t i = 0; i < 4; i++)
        cr_assert(rs.r[i][0] == want[i][0] && rs.r[i][1] == want[i][1] && rs.r[i][2] == want[i][2],
                  "range %zu: %llu %llu %llu", i, (unsigned long long)rs.r[i][0],
                  (unsigned long long)rs.r[i][1], (unsigned long long)rs.r[i][2]);
    /* as the whole-file digest applies it: 441 bytes take [400, 441), 440
     * bytes nothing after the sections */
    uint8_t p[441];
    for (size_t i = 0; i < sizeof p; i++)
        p[i] = (uint8_t)(i ^ 0x5a);
    for (size_t size = 440; size <= 441; size++) {
        uint8_t want_bytes[448] = {0};
        size_t n = 0;
        for (size_t i = 0; i < 400; i++)
            if (i < 64 || i >= 68)
                want_bytes[n++] = p[i];
        if (size == 441) /* then all of what follows the sections */
            for (size_t i = 400; i < size; i++)
                want_bytes[n++] = p[i];
        n += mum__digest_pe_padding(size, &l);
        cr_assert_eq(mum__digest_pe_padding(size, &l), size == 441 ? 7u : 0u);
        uint8_t a[32], b[32];
        cr_assert_eq(mum__digest_buffer(MUM_HASH_SHA256, want_bytes, n, a), MUM_OK);
        mum__digest_set s;
        cr_assert_eq(mum__digest_set_init(&s, MUM_DIGEST_SHA256), MUM_OK);
        cr_assert_eq(mum__digest_pe_image(&s, p, size, &l), MUM_OK);
        cr_assert_eq(mum__digest_set_final(&s, MUM_HASH_SHA256, b), MUM_OK);
        mum__digest_set_clear(&s);
        cr_assert_arr_eq(a, b, 32, "a file of %zu bytes", size);
    }
}

/*
 * Two or three of MD5, SHA-1 and SHA-256 are fed a 64-byte block each in
 * turn (faster with SHA-NI: the rounds of one wait on each other): the
 * digests are those of each algorithm alone, whatever the offset in a
 * block the run starts at, with SHA-512 (128-byte blocks) beside them fed
 * as before, and after one algorithm was finished alone (the others then
 * stand elsewhere in their block: no turns until all start over).
 */
Test(digest, algorithms_fed_in_turns_give_the_same_digests)
{
    enum { N = 300007 };
    uint8_t *data = malloc(N);
    cr_assert_not_null(data);
    uint32_t x = 88172645u;
    for (size_t i = 0; i < N; i++) {
        x ^= x << 13, x ^= x >> 17, x ^= x << 5;
        data[i] = (uint8_t)x;
    }
    static const mum_hash_alg algs[4] = {MUM_HASH_MD5, MUM_HASH_SHA1, MUM_HASH_SHA256, MUM_HASH_SHA512};
    static const unsigned sets[4] = {MUM_DIGEST_SHA1 | MUM_DIGEST_SHA256,
                                     MUM_DIGEST_MD5 | MUM_DIGEST_SHA1 | MUM_DIGEST_SHA256,
                                     MUM_DIGEST_SHA1 | MUM_DIGEST_SHA256 | MUM_DIGEST_SHA512,
                                     MUM_DIGEST_MD5 | MUM_DIGEST_SHA512};
    static const size_t firsts[] = {0, 1, 63, 64, 100, 255, 256, 4096};
    for (size_t si = 0; si < MUM_ARRAY_LEN(sets); si++) {
        for (size_t fi = 0; fi < MUM_ARRAY_LEN(firsts); fi++) {
            mum__digest_set s;
            cr_assert_eq(mum__digest_set_init(&s, sets[si]), MUM_OK);
            /* a first piece, then the rest in runs of 10 000 and what is left */
            size_t at = 0, first = firsts[fi];
            cr_assert_eq(mum__digest_set_update(&s, data, first), MUM_OK);
            for (at = first; at < N;) {
                size_t n = N - at < 10000 ? N - at : 10000;
                cr_assert_eq(mum__digest_set_update(&s, data + at, n), MUM_OK);
                at += n;
            }
            /* SHA-1 and SHA-256 (MD5 and SHA-1...) in turns; MD5 and SHA-512 never */
            if (sets[si] == (MUM_DIGEST_MD5 | MUM_DIGEST_SHA512))
                cr_assert_eq(s.interleaved, 0);
            else
                cr_assert_geq(s.interleaved, (N - 4096) / 64 - 30 * 2, "set %zu, first %zu", si, first);
            for (int a = 0; a < 4; a++) {
                if (!mum__digest_set_has(&s, algs[a]))
                    continue;
                uint8_t got[MUM_HASH_MAX_SIZE], want[MUM_HASH_MAX_SIZE];
                cr_assert_eq(mum__digest_buffer(algs[a], data, N, want), MUM_OK);
                cr_assert_eq(mum__digest_set_final(&s, algs[a], got), MUM_OK);
                cr_assert_arr_eq(got, want, mum_hash_size(algs[a]), "%s, set %zu, first %zu",
                                 mum_hash_name(algs[a]), si, first);
            }
            mum__digest_set_clear(&s);
        }
    }
    /* SHA-1 finished alone mid-block: SHA-256 stands 100 bytes further on,
     * so the next runs are fed as before, and both digests are right */
    mum__digest_set s;
    cr_assert_eq(mum__digest_set_init(&s, MUM_DIGEST_SHA1 | MUM_DIGEST_SHA256), MUM_OK);
    uint8_t got[MUM_HASH_MAX_SIZE], want[MUM_HASH_MAX_SIZE];
    cr_assert_eq(mum__digest_set_update(&s, data, 100), MUM_OK);
    cr_assert_eq(mum__digest_set_final(&s, MUM_HASH_SHA1, got), MUM_OK);
    uint64_t before = s.interleaved;
    cr_assert_eq(mum__digest_set_update(&s, data + 100, N - 100), MUM_OK);
    cr_assert_eq(s.interleaved, before);
    cr_assert_eq(mum__digest_set_final(&s, MUM_HASH_SHA1, got), MUM_OK);
    cr_assert_eq(mum__digest_buffer(MUM_HASH_SHA1, data + 100, N - 100, want), MUM_OK);
    cr_assert_arr_eq(got, want, 20);
    cr_assert_eq(mum__digest_set_final(&s, MUM_HASH_SHA256, got), MUM_OK);
    cr_assert_eq(mum__digest_buffer(MUM_HASH_SHA256, data, N, want), MUM_OK);
    cr_assert_arr_eq(got, want, 32);
    /* both start over: in turns again */
    cr_assert_eq(mum__digest_set_update(&s, data, N), MUM_OK);
    cr_assert_gt(s.interleaved, before);
    mum__digest_set_clear(&s);
    free(data);
}
