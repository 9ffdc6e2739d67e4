/*
 * test_payload.c - what payloads should hash to, learnt from manifests and
 * express indexes fed as a walk would feed them (mum_payload_digests).
 */
#include "testutil.h"

#include <mum/payload.h>

#include "config.h"
#include "internal.h"

/* SHA-256 of "abc", in base64 (the DigestValue) and in bytes. */
#define SHA256_ABC_B64 "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0="
static const uint8_t sha256_abc[32] = {0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40,
                                       0xde, 0x5d, 0xae, 0x22, 0x23, 0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17,
                                       0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad};

#define KEYFORM "amd64_contoso-widget_31bf3856ad364e35_1.2.3.4_none_0000000000000000"

static const char manifest[] =
    "<assembly xmlns=\"urn:schemas-microsoft-com:asm.v3\" xmlns:s=\"http://www.w3.org/2000/09/xmldsig#\" "
    "manifestVersion=\"1.0\">"
    "<assemblyIdentity name=\"Contoso-Widget\" version=\"1.2.3.4\" processorArchitecture=\"amd64\" "
    "publicKeyToken=\"31bf3856ad364e35\" versionScope=\"nonSxS\"/>"
    "<file name=\"Sub\\W.dll\"><h:hash xmlns:h=\"urn:schemas-microsoft-com:asm.v2\">"
    "<s:DigestMethod Algorithm=\"http://www.w3.org/2000/09/xmldsig#sha256\"/>"
    "<s:DigestValue>" SHA256_ABC_B64 "</s:DigestValue></h:hash></file>"
    "<file name=\"nohash.txt\"/>"
    "</assembly>";

static const char index_xml[] =
    "<Container name=\"kb.cab\" type=\"CAB\" length=\"1\" version=\"1\" xmlns=\"urn:ContainerIndex\"><Files>"
    "<File id=\"42\" name=\"update.mum\" length=\"2338\">"
    "<Hash alg=\"SHA1\" value=\"8efcfc5b817107bc18a4125ec8c2b3ba3a5c6e56\"/>"
    "<Delta><Source type=\"RAW\" name=\"update.mum\"><Hash alg=\"SHA1\" "
    "value=\"8efcfc5b817107bc18a4125ec8c2b3ba3a5c6e56\"/></Source></Delta></File>"
    "<File id=\"14\" name=\"comp\\x.dll\" length=\"82432\">"
    "<Hash alg=\"SHA256\" value=\"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\"/>"
    "<Delta><Source type=\"PA30\" name=\"0\"><Hash alg=\"SHA1\" "
    "value=\"aa2239aa04192c50a117005a0551be0cd9acc81d\"/></Source><Basis file=\"42\"/></Delta></File>"
    "</Files></Container>";

static mum_entry file_entry(const char *path, const char *name, size_t size)
{
    mum_entry e;
    memset(&e, 0, sizeof e);
    e.kind = MUM_ENTRY_FILE;
    e.path = path;
    e.name = name;
    e.depth = 2;
    e.size = size;
    return e;
}

/* Feeds one file in blocks of `block` bytes, as a walk would. */
static void feed(mum_payload_digests *m, const mum_entry *e, const char *data, size_t size, size_t block)
{
    cr_assert_eq(mum_payload_digests_begin(m, e), MUM_OK);
    for (size_t off = 0; off < size; off += block)
        cr_assert_eq(mum_payload_digests_data(m, data + off, size - off < block ? size - off : block), MUM_OK);
    cr_assert_eq(mum_payload_digests_end(m, e), MUM_OK);
}

Test(payload, manifest_digest_value_names_the_file_in_its_folder)
{
    mum_payload_digests *m;
    cr_assert_eq(mum_payload_digests_new(&m, "x.msu"), MUM_OK);
    mum_entry e = file_entry("X.cab!" KEYFORM ".manifest", KEYFORM ".manifest", sizeof manifest - 1);
    cr_assert(mum_payload_digests_wants(&e));
    feed(m, &e, manifest, sizeof manifest - 1, 37);
    /* the file's '\\' is a '/', case does not matter */
    const mum_payload_digest *d = mum_payload_digests_find(m, "x.CAB!" KEYFORM "/sub/w.DLL");
    cr_assert_not_null(d);
    cr_assert_eq(d->alg, MUM_HASH_SHA256);
    cr_assert_not(d->express);
    cr_assert_str_eq(d->source, "X.cab!" KEYFORM ".manifest");
    cr_assert_eq(memcmp(d->digest, sha256_abc, 32), 0);
    cr_assert_null(mum_payload_digests_find(m, "X.cab!" KEYFORM "/nohash.txt"), "no hash, nothing expected");
    cr_assert_null(mum_payload_digests_find(m, "X.cab!" KEYFORM "/sub/w.dl"));
    cr_assert_null(mum_payload_digests_find(m, "X.cab!" KEYFORM "/sub/w.dll2"));

    mum_file_digests got;
    memset(&got, 0, sizeof got);
    got.sha1_valid = true;
    memcpy(got.sha256, sha256_abc, 32);
    cr_assert(mum_payload_digest_matches(d, &got));
    got.sha256[31] ^= 1;
    cr_assert_not(mum_payload_digest_matches(d, &got));
    cr_assert_not(mum_payload_digest_matches(d, NULL), "no digests computed: no match");
    mum_payload_digests_free(m);
}

Test(payload, express_index_hashes_name_the_blobs_beside_it)
{
    mum_payload_digests *m;
    cr_assert_eq(mum_payload_digests_new(&m, "x.msu"), MUM_OK);
    mum_entry e = file_entry("x.cab!_manifest_.cix.xml", "_manifest_.cix.xml", sizeof index_xml - 1);
    cr_assert(mum_payload_digests_wants(&e));
    feed(m, &e, index_xml, sizeof index_xml - 1, 4096);
    const mum_payload_digest *d = mum_payload_digests_find(m, "x.cab!0");
    cr_assert_not_null(d, "a PA30 blob: its source hash");
    cr_assert(d->express);
    cr_assert_eq(d->alg, MUM_HASH_SHA1);
    cr_assert_eq(d->digest[0], 0xaa);
    d = mum_payload_digests_find(m, "x.cab!update.mum");
    cr_assert_not_null(d, "a RAW file: its hash");
    cr_assert_eq(d->digest[0], 0x8e);
    mum_file_digests got;
    memset(&got, 0, sizeof got);
    got.sha1_valid = true;
    memcpy(got.sha1, d->digest, 20);
    cr_assert(mum_payload_digest_matches(d, &got));
    got.sha1_valid = false;
    cr_assert_not(mum_payload_digest_matches(d, &got), "a SHA-1 not computed matches nothing");
    mum_payload_digests_free(m);
}

Test(payload, first_manifest_wins_and_broken_ones_give_nothing)
{
    mum_payload_digests *m;
    cr_assert_eq(mum_payload_digests_new(&m, "dir"), MUM_OK);
    mum_entry e = file_entry(KEYFORM ".manifest", KEYFORM ".manifest", sizeof manifest - 1);
    feed(m, &e, manifest, sizeof manifest - 1, 1000);
    /* a second manifest of the same name with another digest: ignored */
    char other[sizeof manifest];
    memcpy(other, manifest, sizeof manifest);
    char *v = strstr(other, SHA256_ABC_B64);
    v[0] = 'v';
    mum_entry e2 = file_entry(KEYFORM ".MANIFEST", KEYFORM ".MANIFEST", sizeof manifest - 1);
    feed(m, &e2, other, sizeof other - 1, 1000);
    const mum_payload_digest *d = mum_payload_digests_find(m, KEYFORM "/sub/w.dll");
    cr_assert_not_null(d);
    cr_assert_eq(memcmp(d->digest, sha256_abc, 32), 0);
    cr_assert_str_eq(d->source, KEYFORM ".manifest");

    /* a manifest cut short does not parse: nothing for its files */
    mum_entry e3 = file_entry("b_" KEYFORM ".manifest", "b_" KEYFORM ".manifest", 100);
    feed(m, &e3, manifest, 100, 100);
    cr_assert_null(mum_payload_digests_find(m, "b_" KEYFORM "/sub/w.dll"));

    /* files that are neither are not read */
    mum_entry dll = file_entry(KEYFORM "/sub/w.dll", "sub/w.dll", 3);
    cr_assert_not(mum_payload_digests_wants(&dll));
    mum_entry big = file_entry("c.manifest", "c.manifest", (uint64_t)65 << 20);
    cr_assert_not(mum_payload_digests_wants(&big), "manifests over 64 MiB are not read");
    mum_entry box = file_entry("c.manifest", "c.manifest", 10);
    box.kind = MUM_ENTRY_CONTAINER;
    cr_assert_not(mum_payload_digests_wants(&box));
    feed(m, &dll, "abc", 3, 3);
    cr_assert_null(mum_payload_digests_find(m, "abc"));

    cr_assert_null(mum_payload_digests_find(NULL, "x"));
    cr_assert_eq(mum_payload_digests_begin(NULL, &e), MUM_EINVAL);
    mum_payload_digests_free(m);
    mum_payload_digests_free(NULL);
}

Test(payload, every_allocation_failing_in_turn_ends_cleanly)
{
    bool finished = false;
    for (unsigned long n = 1; n < 2000 && !finished; n++) {
        mum__alloc_fail_at(n);
        mum_payload_digests *m = NULL;
        int rc = mum_payload_digests_new(&m, "x.msu");
        mum_entry e = file_entry("x.cab!" KEYFORM ".manifest", KEYFORM ".manifest", sizeof manifest - 1);
        mum_entry x = file_entry("x.cab!_manifest_.cix.xml", "_manifest_.cix.xml", sizeof index_xml - 1);
        if (rc == MUM_OK) {
            mum_payload_digests_begin(m, &e);
            mum_payload_digests_data(m, manifest, sizeof manifest - 1);
            rc = mum_payload_digests_end(m, &e);
        }
        if (rc == MUM_OK) {
            mum_payload_digests_begin(m, &x);
            mum_payload_digests_data(m, index_xml, sizeof index_xml - 1);
            rc = mum_payload_digests_end(m, &x);
        }
        unsigned long made = mum__alloc_fail_at(0);
        cr_assert(rc == MUM_OK || rc == MUM_ENOMEM, "allocation %lu: %d", n, rc);
        if (rc == MUM_OK && made < n) {
            /* no allocation failed: everything must be there */
            cr_assert_not_null(mum_payload_digests_find(m, "x.cab!" KEYFORM "/sub/w.dll"));
            cr_assert_not_null(mum_payload_digests_find(m, "x.cab!0"));
            finished = true;
        }
        mum_payload_digests_free(m);
    }
    cr_assert(finished, "a run without a failed allocation was reached");
}

/* The map under the payload digests: a lower-case key is found from any
 * letter case of it, without a copy; other texts are not. */
Test(payload, strmap_get_lower)
{
    mum_strmap m;
    memset(&m, 0, sizeof m);
    static int a, b;
    char *k1 = mum__strdup("stem/i386/unidrv.dll"), *k2 = mum__strdup("stem/b.txt");
    cr_assert_eq(mum__strmap_put(&m, k1, &a, NULL), MUM_OK);
    cr_assert_eq(mum__strmap_put(&m, k2, &b, NULL), MUM_OK);
    cr_assert_eq(mum__strmap_get_lower(&m, "stem/i386/unidrv.dll"), &a);
    cr_assert_eq(mum__strmap_get_lower(&m, "STEM/I386/UNIDRV.DLL"), &a);
    cr_assert_eq(mum__strmap_get_lower(&m, "Stem/B.TXT"), &b);
    cr_assert_null(mum__strmap_get_lower(&m, "stem/b.tx"));
    cr_assert_null(mum__strmap_get_lower(&m, "stem/b.txt2"));
    cr_assert_null(mum__strmap_get_lower(&m, ""));
    mum__strmap_free(&m);
    cr_assert_null(mum__strmap_get_lower(&m, "stem/b.txt"));
}

/* The index by hash keeps no key: whatever the hashes (here all one), a
 * value is found only where `same` says its record has the key sought, and
 * a key already there gives its first value back. */
static const char *const idx_words[] = {"alpha", "beta", "gamma", "delta", "alpha", "epsilon", "beta"};

static bool idx_same(const void *ctx, uint32_t value)
{
    return strcmp(ctx, idx_words[value]) == 0;
}

Test(payload, hash_index_tells_colliding_keys_apart)
{
    for (int constant = 0; constant < 2; constant++) {
        mum_hashidx m;
        memset(&m, 0, sizeof m);
        cr_assert_eq(mum__hashidx_get(&m, 1, idx_same, "alpha"), MUM_HASHIDX_NONE);
        if (!constant) {
            cr_assert_eq(mum__hashidx_reserve(&m, MUM_ARRAY_LEN(idx_words)), MUM_OK);
            cr_assert_geq(m.cap * 3 / 4, MUM_ARRAY_LEN(idx_words));
        }
        for (uint32_t i = 0; i < MUM_ARRAY_LEN(idx_words); i++) {
            uint64_t h = constant ? 7 : (uint64_t)idx_words[i][0] << 40 | strlen(idx_words[i]);
            uint32_t old;
            cr_assert_eq(mum__hashidx_put(&m, h, i, idx_same, idx_words[i], &old), MUM_OK);
            uint32_t first = i == 4 ? 0 : i == 6 ? 1 : MUM_HASHIDX_NONE;
            cr_assert_eq(old, first, "%s: %u", idx_words[i], old);
        }
        cr_assert_eq(m.count, 5);
        for (uint32_t i = 0; i < 4; i++) {
            uint64_t h = constant ? 7 : (uint64_t)idx_words[i][0] << 40 | strlen(idx_words[i]);
            cr_assert_eq(mum__hashidx_get(&m, h, idx_same, idx_words[i]), i);
        }
        cr_assert_eq(mum__hashidx_get(&m, constant ? 7 : ((uint64_t)'a' << 40 | 5), idx_same, "omega"),
                     MUM_HASHIDX_NONE);
        mum__hashidx_free(&m);
    }
}

/* The index's error paths: room for more entries than memory could hold
 * is refused (no wrapped size, no allocation tried) and leaves the index as
 * it was; a value it cannot hold (MUM_HASHIDX_NONE, its "absent") is
 * refused, not stored as another. */
Test(payload, hash_index_refuses_what_it_cannot_hold)
{
    mum_hashidx m;
    memset(&m, 0, sizeof m);
    uint32_t old = 0;
    cr_assert_eq(mum__hashidx_put(&m, 5, 0, idx_same, "alpha", &old), MUM_OK);
    cr_assert_eq(old, MUM_HASHIDX_NONE);
    size_t cap = m.cap;
    mum_hashidx_slot *slots = m.slots;
    cr_assert_eq(mum__hashidx_reserve(&m, SIZE_MAX), MUM_ENOMEM);
    cr_assert_eq(mum__hashidx_reserve(&m, SIZE_MAX / sizeof *m.slots), MUM_ENOMEM);
    cr_assert_eq(m.cap, cap, "unchanged");
    cr_assert_eq(m.slots, slots);
    cr_assert_eq(m.count, 1);
    old = 0;
    cr_assert_eq(mum__hashidx_put(&m, 6, MUM_HASHIDX_NONE, idx_same, "beta", &old), MUM_ENOMEM);
    cr_assert_eq(old, MUM_HASHIDX_NONE);
    cr_assert_eq(m.count, 1);
    cr_assert_eq(mum__hashidx_get(&m, 6, idx_same, "beta"), MUM_HASHIDX_NONE);
    cr_assert_eq(mum__hashidx_get(&m, 5, idx_same, "alpha"), 0);
    mum__hashidx_free(&m);
}
