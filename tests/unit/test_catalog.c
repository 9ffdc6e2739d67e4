/*
 * test_catalog.c - catalogs made by the builder, read back, matched
 * against files, signed with the throwaway test CA and verified, damaged.
 * Real catalogs are covered by tests/cli/catalog-realdata.sh (against
 * osslsigncode's listings); these tests need no real data.
 */
#include "testca.h"

#include "pegen.h"

#include <mum/catalog.h>
#include <mum/pe.h>

#include <inttypes.h>

#include "crypto.h"   /* mum__der_*, mum__utf16_to_utf8 */
#include "internal.h" /* mum__catalog_release_content */
#include "sig_internal.h" /* signer_extra: attrs_der */
#include "catalog_internal.h" /* MUM_CTL, mum__catalog_ctl_in_place */

#include <openssl/x509v3.h>

static const char text_file[] = "a text file: not a PE image\n";

/* The two files most tests catalog: a PE image and a text. */
static void digests_of(mum_cat_digests *pe, mum_cat_digests *txt)
{
    pegen_opts o = PEGEN_OPTS_INIT;
    o.pe32plus = true;
    size_t size;
    uint8_t *img = pegen_build(&o, &size);
    cr_assert_eq(mum_cat_digests_compute(pe, NULL, img, size, NULL), MUM_OK);
    cr_assert(pe->is_pe);
    free(img);
    cr_assert_eq(mum_cat_digests_compute(txt, NULL, text_file, strlen(text_file), NULL), MUM_OK);
    cr_assert_not(txt->is_pe);
}

typedef struct made {
    uint8_t *der;
    size_t len;
} made;

/* Builds a catalog of the PE image and the text file. */
static made build(int version, bool pe_first, const mum_signer *signer, const char *extra_name)
{
    mum_cat_digests pe, txt;
    digests_of(&pe, &txt);
    mum_cat_builder *b;
    cr_assert_eq(mum_cat_builder_new(&b, NULL, version), MUM_OK);
    mum_cat_builder_set_time(b, 1700000000);
    cr_assert_eq(mum_cat_builder_add_attr(NULL, b, "OSAttr", "2:6.1,2:6.2", MUM_CAT_ATTR_FLAGS_DEFAULT), MUM_OK);
    size_t f1, f2;
    if (pe_first) {
        cr_assert_eq(mum_cat_builder_add(&f1, NULL, b, &pe), MUM_OK);
        cr_assert_eq(mum_cat_builder_add(&f2, NULL, b, &txt), MUM_OK);
    } else {
        cr_assert_eq(mum_cat_builder_add(&f2, NULL, b, &txt), MUM_OK);
        cr_assert_eq(mum_cat_builder_add(&f1, NULL, b, &pe), MUM_OK);
    }
    cr_assert_eq(mum_cat_builder_add_file_attr(NULL, b, f1, "File", "image.dll", MUM_CAT_ATTR_FLAGS_DEFAULT), MUM_OK);
    cr_assert_eq(mum_cat_builder_add_file_attr(NULL, b, f2, "File", "notes.txt", MUM_CAT_ATTR_FLAGS_DEFAULT), MUM_OK);
    if (extra_name) {
        size_t f3;
        cr_assert_eq(mum_cat_builder_add(&f3, NULL, b, &txt), MUM_OK);
        cr_assert_eq(mum_cat_builder_add_file_attr(NULL, b, f3, "File", extra_name, MUM_CAT_ATTR_FLAGS_DEFAULT), MUM_OK);
    }
    made m;
    mum_ctx *ctx;
    mum_ctx_new(&ctx);
    cr_assert_eq(mum_cat_builder_finish(&m.der, &m.len, ctx, b, signer, NULL), MUM_OK, "%s", mum_ctx_message(ctx));
    mum_ctx_free(ctx);
    mum_cat_builder_free(b);
    return m;
}

/* The tag of the member at `offset` of a catalog's DER, read there (the
 * member is SEQUENCE { OCTET STRING tag, ... }). */
static const uint8_t *tag_in_der(const uint8_t *der, size_t len, uint64_t offset, size_t *tag_len)
{
    cr_assert_lt(offset, len);
    mum__der c = mum__der_over(der + offset, len - offset), in;
    mum__der_el seq, id;
    cr_assert_eq(mum__der_next(&c, &seq), 1);
    cr_assert_eq(seq.tag, 0x30);
    in = mum__der_in(&seq);
    cr_assert(mum__der_take(&in, 0x04, &id), "a member starts with its tag");
    *tag_len = id.len;
    return id.body;
}


/* Every member's tag, as mum_cat_member_tag gives it, is the one stored;
 * and its text is as the parser has always made it (UTF-16 text in v1,
 * lower-case hex otherwise). */
static void tags_are_the_stored_ones(const mum_catalog *cat, const made *m)
{
    const mum_catalog_info *ci = mum_catalog_get_info(cat);
    for (size_t i = 0; i < ci->member_count; i++) {
        const mum_cat_member *mb = mum_catalog_member(cat, i);
        size_t len;
        const uint8_t *want = tag_in_der(m->der, m->len, mb->offset, &len);
        uint8_t buf[MUM_CAT_TAG_MAX];
        cr_assert_eq(mb->tag_len, len);
        cr_assert_arr_eq(mum_cat_member_tag(mb, buf), want, len, "member %zu: its tag", i + 1);
        char tbuf[MUM_CAT_TAG_TEXT_MAX], *text;
        bool bad = true;
        text = ci->version == 1 ? mum__utf16_to_utf8(want, len, false, &bad) : NULL;
        if (!text) {
            text = mum__malloc(2 * len + 1);
            mum_hex_encode(text, want, len);
        }
        cr_assert_str_eq(mum_cat_member_tag_text(mb, tbuf), text, "member %zu: its tag's text", i + 1);
        mum__free(text);
    }
}

static mum_catalog *parse(const made *m)
{
    mum_catalog *cat;
    mum_ctx *ctx;
    mum_ctx_new(&ctx);
    cr_assert_eq(mum_catalog_parse(&cat, ctx, m->der, m->len, NULL), MUM_OK, "%s", mum_ctx_message(ctx));
    mum_ctx_free(ctx);
    return cat;
}

Test(catalog, v2_round_trip)
{
    made m = build(2, true, NULL, NULL);
    mum_catalog *cat = parse(&m);
    const mum_catalog_info *ci = mum_catalog_get_info(cat);
    cr_assert_eq(ci->version, 2);
    cr_assert_str_eq(ci->subject_algorithm, MUM_OID_CAT_MEMBER_V2);
    cr_assert_eq(ci->this_update, 1700000000);
    cr_assert_eq(ci->member_count, 4, "v2 lists each file twice");
    cr_assert_eq(ci->attr_count, 1);
    cr_assert_str_eq(mum_catalog_attr_value(cat, "osattr"), "2:6.1,2:6.2");
    cr_assert_eq(mum_catalog_attr(cat, 0)->flags, MUM_CAT_ATTR_FLAGS_DEFAULT);
    cr_assert_not_null(ci->list_id);
    cr_assert_eq(strlen(ci->list_id), 32);

    mum_cat_digests pe, txt;
    digests_of(&pe, &txt);
    size_t seen_pe256 = 0, seen_txt1 = 0;
    for (size_t i = 0; i < ci->member_count; i++) {
        const mum_cat_member *m2 = mum_catalog_member(cat, i);
        if (i > 0) {
            const mum_cat_member *prev = mum_catalog_member(cat, i - 1);
            size_t n = prev->tag_len < m2->tag_len ? prev->tag_len : m2->tag_len;
            uint8_t b1[MUM_CAT_TAG_MAX], b2[MUM_CAT_TAG_MAX];
            int c = memcmp(mum_cat_member_tag(prev, b1), mum_cat_member_tag(m2, b2), n);
            cr_assert(c < 0 || (c == 0 && prev->tag_len < m2->tag_len), "members sorted by tag");
        }
        if (m2->digest_len == 32 && memcmp(m2->digest, pe.pe_sha256, 32) == 0) {
            seen_pe256++;
            cr_assert_eq(m2->kind, MUM_CAT_KIND_PE);
            cr_assert(m2->has_indirect_data);
            cr_assert_str_eq(m2->data_type, "1.3.6.1.4.1.311.2.1.15");
            cr_assert_eq(m2->member_info2, 0);
            cr_assert_str_eq(mum_cat_member_attr(m2, "File"), "image.dll");
        }
        if (m2->digest_len == 20 && memcmp(m2->digest, txt.sha1, 20) == 0) {
            seen_txt1++;
            cr_assert_eq(m2->kind, MUM_CAT_KIND_FLAT);
            cr_assert_not(m2->has_indirect_data);
            cr_assert_eq(m2->member_info2, 2);
            cr_assert_eq(m2->attr_count, 0, "the SHA-1 twin carries no attributes");
        }
    }
    cr_assert_eq(seen_pe256, 1);
    cr_assert_eq(seen_txt1, 1);
    tags_are_the_stored_ones(cat, &m);
    const mum_signature *sig = mum_catalog_signature(cat);
    cr_assert_eq(mum_signature_signer_count(sig), 0);
    cr_assert_str_eq(mum_signature_content_type(sig), MUM_OID_CTL);
    mum_catalog_free(cat);
    mum_free(m.der);
}

Test(catalog, v1_round_trip)
{
    made m = build(1, true, NULL, NULL);
    mum_catalog *cat = parse(&m);
    const mum_catalog_info *ci = mum_catalog_get_info(cat);
    cr_assert_eq(ci->version, 1);
    cr_assert_eq(ci->member_count, 2);
    mum_cat_digests pe, txt;
    digests_of(&pe, &txt);
    for (size_t i = 0; i < 2; i++) {
        const mum_cat_member *m1 = mum_catalog_member(cat, i);
        cr_assert_eq(m1->tag_len, 82, "40 UTF-16 hex digits and a NUL");
        cr_assert_eq(m1->tag_form, MUM_CAT_TAG_HEX_UPPER_NUL, "the tag is not kept: the digest gives it");
        cr_assert_eq(m1->alg, MUM_HASH_SHA1);
        cr_assert_eq(m1->member_info_version, 512);
        char hex[41];
        mum_hex_encode(hex, m1->digest, 20);
        for (char *p = hex; *p; p++)
            if (*p >= 'a')
                *p = (char)(*p - 'a' + 'A');
        char tag[MUM_CAT_TAG_TEXT_MAX];
        cr_assert_str_eq(mum_cat_member_tag_text(m1, tag), hex, "v1 tags are the upper-case hex of the digest");
        if (m1->kind == MUM_CAT_KIND_PE) {
            cr_assert_arr_eq(m1->digest, pe.pe_sha1, 20);
            cr_assert_str_eq(m1->sip_guid, "{C689AAB8-8E78-11D0-8C47-00C04FC295EE}");
        } else {
            cr_assert_arr_eq(m1->digest, txt.sha1, 20);
            cr_assert_str_eq(m1->sip_guid, "{DE351A42-8E59-11D0-8C47-00C04FC295EE}");
        }
    }
    tags_are_the_stored_ones(cat, &m);
    mum_catalog_free(cat);
    mum_free(m.der);
}

/* A catalog whose first member with SPC_INDIRECT_DATA had its tag go
 * through `change` (in place:
 * the same length); *form and *mismatches say what the parse made of it.
 * The tags read back must be the stored ones, whatever they are. */
static void tag_changed(int version, void (*change)(uint8_t *tag, size_t len), unsigned *form,
                        size_t *mismatches, char *text, size_t text_size)
{
    made m = build(version, true, NULL, NULL);
    mum_catalog *cat = parse(&m);
    size_t k = 0;
    while (!mum_catalog_member(cat, k)->has_indirect_data)
        k++;
    uint64_t off = mum_catalog_member(cat, k)->offset;
    mum_catalog_free(cat);
    size_t len;
    uint8_t *tag = (uint8_t *)tag_in_der(m.der, m.len, off, &len);
    change(tag, len);
    cat = parse(&m);
    tags_are_the_stored_ones(cat, &m);
    const mum_cat_member *mb = mum_catalog_member(cat, k);
    cr_assert_eq(mb->offset, off);
    *form = mb->tag_form;
    char buf[MUM_CAT_TAG_TEXT_MAX];
    snprintf(text, text_size, "%s", mum_cat_member_tag_text(mb, buf));
    mum_findings *f;
    mum_findings_new(&f);
    cr_assert_eq(mum_catalog_check(cat, f, NULL), MUM_OK);
    *mismatches = tu_count_rule(f, "catalog.tag-mismatch");
    if (*mismatches) /* the message names the tag as stored */
        cr_assert(strstr(tu_find_rule(f, "catalog.tag-mismatch")->message, text), "%s",
                  tu_find_rule(f, "catalog.tag-mismatch")->message);
    mum_findings_free(f);
    mum_catalog_free(cat);
    mum_free(m.der);
}

static void to_lower(uint8_t *tag, size_t len)
{
    size_t letters = 0;
    for (size_t i = 0; i < len; i += 2)
        if (tag[i] >= 'A' && tag[i] <= 'F') {
            tag[i] = (uint8_t)(tag[i] - 'A' + 'a');
            letters++;
        }
    cr_assert_geq(letters, 2, "the test needs a digest with two letters in its hex");
}

static void first_letter_lower(uint8_t *tag, size_t len)
{
    for (size_t i = 0; i < len; i += 2)
        if (tag[i] >= 'A' && tag[i] <= 'F') {
            tag[i] = (uint8_t)(tag[i] - 'A' + 'a');
            return;
        }
    cr_assert_fail("no letter in the tag");
}

static void other_digit(uint8_t *tag, size_t len)
{
    cr_assert_gt(len, 2);
    tag[0] = tag[0] == '0' ? '1' : '0';
}

static void nul_made_a_digit(uint8_t *tag, size_t len)
{
    cr_assert_eq(tag[len - 2], 0);
    tag[len - 2] = 'A';
}

static void not_utf16(uint8_t *tag, size_t len)
{
    cr_assert_gt(len, 2);
    tag[0] = 0x00; /* a lone surrogate, D800 */
    tag[1] = 0xd8;
}

static void byte_flipped(uint8_t *tag, size_t len)
{
    cr_assert_gt(len, 5);
    tag[5] ^= 0x40;
}

static void unchanged(uint8_t *tag, size_t len)
{
    (void)tag;
    (void)len;
}

/* Tags are kept only when the digest does not give them back: every other
 * one reads back byte for byte, with the text and findings it always had. */
Test(catalog, tags_that_are_not_the_digest_read_back_as_stored)
{
    unsigned form;
    size_t mis;
    char text[256];
    tag_changed(1, unchanged, &form, &mis, text, sizeof text);
    cr_assert_eq(form, MUM_CAT_TAG_HEX_UPPER_NUL);
    cr_assert_eq(mis, 0);
    tag_changed(1, to_lower, &form, &mis, text, sizeof text);
    cr_assert_eq(form, MUM_CAT_TAG_HEX_LOWER_NUL, "lower-case hex is made again too");
    cr_assert_eq(mis, 0);
    cr_assert_eq(strlen(text), 40);
    for (const char *c = text; *c; c++)
        cr_assert(!(*c >= 'A' && *c <= 'F'), "%s", text);
    tag_changed(1, first_letter_lower, &form, &mis, text, sizeof text);
    cr_assert_eq(form, MUM_CAT_TAG_STORED, "mixed case is kept as it is");
    cr_assert_eq(mis, 0, "the same digest in either case");
    tag_changed(1, other_digit, &form, &mis, text, sizeof text);
    cr_assert_eq(form, MUM_CAT_TAG_STORED);
    cr_assert_eq(mis, 1, "another digest than SPC_INDIRECT_DATA's");
    tag_changed(1, nul_made_a_digit, &form, &mis, text, sizeof text);
    cr_assert_eq(form, MUM_CAT_TAG_STORED);
    cr_assert_eq(strlen(text), 41);
    cr_assert_eq(mis, 1, "41 digits are no digest");
    tag_changed(1, not_utf16, &form, &mis, text, sizeof text);
    cr_assert_eq(form, MUM_CAT_TAG_STORED);
    cr_assert_eq(strlen(text), 164, "the hex of its 82 bytes: %s", text);
    cr_assert_eq(strncmp(text, "00d8", 4), 0, "%s", text);
    tag_changed(2, unchanged, &form, &mis, text, sizeof text);
    cr_assert_eq(form, MUM_CAT_TAG_DIGEST);
    cr_assert_eq(mis, 0);
    tag_changed(2, byte_flipped, &form, &mis, text, sizeof text);
    cr_assert_eq(form, MUM_CAT_TAG_STORED);
    cr_assert_eq(strlen(text), 2 * mum_hash_size(MUM_HASH_SHA256));
}

/* Removes n bytes at `at` from a catalog's DER (they lie inside one
 * primitive element): every element around them gets its length made
 * shorter, written in as many octets as before. */
static void der_cut(made *m, size_t at, size_t n)
{
    size_t p = 0;
    for (;;) {
        cr_assert_lt(p, m->len);
        cr_assert_neq(m->der[p] & 0x1f, 0x1f, "a low tag number");
        size_t hl = 2, blen = m->der[p + 1], k = 0;
        if (blen & 0x80) {
            k = blen & 0x7f;
            cr_assert(k >= 1 && k <= 4);
            blen = 0;
            for (size_t i = 0; i < k; i++)
                blen = blen << 8 | m->der[p + 2 + i];
            hl += k;
        }
        size_t body = p + hl, end = body + blen;
        if (at >= end) { /* a sibling before it */
            p = end;
            continue;
        }
        cr_assert(at >= body && at + n <= end, "the cut lies inside one element");
        size_t left = blen - n;
        if (k == 0)
            m->der[p + 1] = (uint8_t)left;
        for (size_t i = 0; i < k; i++)
            m->der[p + 2 + k - 1 - i] = (uint8_t)(left >> (8 * i));
        if (!(m->der[p] & 0x20))
            break; /* the primitive element holding the cut */
        p = body;
    }
    memmove(m->der + at, m->der + at + n, m->len - at - n);
    m->len -= n;
}

/* Windows ends a v1 tag with a UTF-16 NUL; one without it (the hex alone,
 * in either case) is made again from the digest too, byte for byte. */
Test(catalog, v1_tags_without_their_nul_read_back_as_stored)
{
    for (int lower = 0; lower < 2; lower++) {
        made m = build(1, true, NULL, NULL);
        mum_catalog *cat = parse(&m);
        uint64_t off = mum_catalog_member(cat, 0)->offset;
        mum_catalog_free(cat);
        size_t len;
        uint8_t *tag = (uint8_t *)tag_in_der(m.der, m.len, off, &len);
        cr_assert_eq(len, 82);
        cr_assert(tag[80] == 0 && tag[81] == 0, "the builder ends the tag with a NUL");
        if (lower)
            to_lower(tag, len);
        der_cut(&m, (size_t)(tag + 80 - m.der), 2);
        cat = parse(&m);
        tags_are_the_stored_ones(cat, &m);
        const mum_cat_member *mb = mum_catalog_member(cat, 0);
        cr_assert_eq(mb->offset, off);
        cr_assert_eq(mb->tag_len, 80);
        cr_assert_eq(mb->tag_form, lower ? MUM_CAT_TAG_HEX_LOWER : MUM_CAT_TAG_HEX_UPPER,
                     "the tag is not kept: the digest gives it");
        cr_assert_eq(mum_catalog_member(cat, 1)->tag_form, MUM_CAT_TAG_HEX_UPPER_NUL, "the other is as built");
        mum_findings *f;
        mum_findings_new(&f);
        cr_assert_eq(mum_catalog_check(cat, f, NULL), MUM_OK);
        cr_assert_eq(tu_count_rule(f, "catalog.tag-mismatch"), 0);
        mum_findings_free(f);
        mum_catalog_free(cat);
        mum_free(m.der);
    }
}

Test(catalog, same_inputs_give_the_same_bytes_in_any_order)
{
    made a = build(2, true, NULL, NULL), b = build(2, false, NULL, NULL);
    cr_assert_eq(a.len, b.len);
    cr_assert_eq(memcmp(a.der, b.der, a.len), 0);
    made c = build(2, true, NULL, "another-name.txt");
    /* the same text twice: listed once, under the name that sorts first */
    mum_catalog *cat = parse(&c);
    cr_assert_eq(mum_catalog_get_info(cat)->member_count, 4);
    bool found = false;
    for (size_t i = 0; i < 4; i++) {
        const char *f = mum_cat_member_attr(mum_catalog_member(cat, i), "File");
        if (f && strcmp(f, "another-name.txt") == 0)
            found = true;
        cr_assert(!f || strcmp(f, "notes.txt") != 0);
    }
    cr_assert(found);
    mum_catalog *ca = parse(&a);
    cr_assert_str_neq(mum_catalog_get_info(cat)->list_id, mum_catalog_get_info(ca)->list_id,
                      "the derived list identifier follows the contents");
    mum_catalog_free(ca);
    mum_catalog_free(cat);
    mum_free(a.der);
    mum_free(b.der);
    mum_free(c.der);
}

Test(catalog, membership_by_authenticode_and_flat_digests)
{
    made m = build(2, true, NULL, NULL);
    mum_catalog *cat = parse(&m);
    mum_cat_digests pe, txt, other;
    digests_of(&pe, &txt);
    mum_cat_hit hits[4];
    size_t n = mum_catalog_match(cat, &pe, hits, 4);
    cr_assert_eq(n, 2);
    cr_assert(hits[0].member < hits[1].member);
    bool s256 = false, s1 = false;
    for (size_t i = 0; i < n; i++) {
        s256 |= hits[i].how == MUM_CAT_HOW_PE_SHA256;
        s1 |= hits[i].how == MUM_CAT_HOW_PE_SHA1;
    }
    cr_assert(s256 && s1);
    cr_assert_str_eq(mum_cat_how_name(MUM_CAT_HOW_PE_SHA256), "authenticode-sha256");
    n = mum_catalog_match(cat, &txt, hits, 1);
    cr_assert_eq(n, 2, "the count is of all hits even when fewer fit");
    cr_assert_eq(hits[0].how == MUM_CAT_HOW_FLAT_SHA256 || hits[0].how == MUM_CAT_HOW_FLAT_SHA1, true);
    cr_assert_eq(mum_cat_digests_compute(&other, NULL, "x", 1, NULL), MUM_OK);
    cr_assert_eq(mum_catalog_match(cat, &other, hits, 4), 0);
    /* a PE's plain digests are not what a PE member lists */
    mum_cat_digests plain = pe;
    plain.is_pe = false;
    cr_assert_eq(mum_catalog_match(cat, &plain, hits, 4), 0);
    mum_catalog_free(cat);
    mum_free(m.der);
}

Test(catalog, attributes_keep_unicode)
{
    mum_cat_builder *b;
    cr_assert_eq(mum_cat_builder_new(&b, NULL, 2), MUM_OK);
    mum_cat_digests txt;
    cr_assert_eq(mum_cat_digests_compute(&txt, NULL, "abc", 3, NULL), MUM_OK);
    size_t f;
    cr_assert_eq(mum_cat_builder_add(&f, NULL, b, &txt), MUM_OK);
    const char *hint = "x86_caf\xc3\xa9_31bf3856ad364e35\\\xf0\x9f\x93\x84.txt";
    cr_assert_eq(mum_cat_builder_add_file_attr(NULL, b, f, "Hint", hint, 0x10010001), MUM_OK);
    cr_assert_eq(mum_cat_builder_add_file_attr(NULL, b, 7, "Hint", hint, 1), MUM_EINVAL);
    cr_assert_eq(mum_cat_builder_add_file_attr(NULL, b, f, "Bad", "\xff", 1), MUM_EINVAL);
    cr_assert_eq(mum_cat_builder_add_attr(NULL, b, "PackageName", "caf\xc3\xa9", 0x10001), MUM_OK);
    cr_assert_eq(mum_cat_builder_add_attr(NULL, b, "packagename", "x", 1), MUM_EEXIST);
    cr_assert_eq(mum_cat_builder_set_list_id(NULL, b, (const uint8_t *)"0123456789abcdef", 16), MUM_OK);
    cr_assert_eq(mum_cat_builder_set_list_id(NULL, b, (const uint8_t *)"", 0), MUM_EINVAL);
    made m;
    cr_assert_eq(mum_cat_builder_finish(&m.der, &m.len, NULL, b, NULL, NULL), MUM_OK);
    mum_cat_builder_free(b);
    mum_catalog *cat = parse(&m);
    cr_assert_str_eq(mum_catalog_get_info(cat)->list_id, "30313233343536373839616263646566");
    cr_assert_str_eq(mum_catalog_attr_value(cat, "PackageName"), "caf\xc3\xa9");
    cr_assert_eq(mum_catalog_attr(cat, 0)->flags, 0x10001);
    int with_hint = 0;
    for (size_t i = 0; i < 2; i++) {
        const char *h = mum_cat_member_attr(mum_catalog_member(cat, i), "hint");
        if (h) {
            cr_assert_str_eq(h, hint);
            with_hint++;
        }
    }
    cr_assert_eq(with_hint, 1);
    mum_catalog_free(cat);
    mum_free(m.der);
    cr_assert_eq(mum_cat_builder_new(&b, NULL, 3), MUM_EINVAL);
}

Test(catalog, empty_catalog)
{
    mum_cat_builder *b;
    cr_assert_eq(mum_cat_builder_new(&b, NULL, 2), MUM_OK);
    made m;
    cr_assert_eq(mum_cat_builder_finish(&m.der, &m.len, NULL, b, NULL, NULL), MUM_OK);
    mum_cat_builder_free(b);
    mum_catalog *cat = parse(&m);
    cr_assert_eq(mum_catalog_get_info(cat)->member_count, 0);
    mum_cat_digests d;
    mum_cat_digests_compute(&d, NULL, "", 0, NULL);
    cr_assert_eq(mum_catalog_match(cat, &d, NULL, 0), 0);
    mum_catalog_free(cat);
    mum_free(m.der);
}

/* ---- signed catalogs ---- */

static mum_signer *signer(const char *name, const char *chain)
{
    char key[64], cert[64];
    snprintf(key, sizeof key, "%s.key", name);
    snprintf(cert, sizeof cert, "%s.pem", name);
    mum_signer *s;
    mum_ctx *ctx;
    mum_ctx_new(&ctx);
    cr_assert_eq(mum_signer_load(&s, ctx, tu_ca_file(key), tu_ca_file(cert), chain ? tu_ca_file(chain) : NULL),
                 MUM_OK, "%s", mum_ctx_message(ctx));
    mum_ctx_free(ctx);
    return s;
}

static mum_trust *anchors(const char *name)
{
    mum_trust *t;
    cr_assert_eq(mum_trust_new(&t), MUM_OK);
    if (name)
        cr_assert_eq(mum_trust_add_pem_file(NULL, t, tu_ca_file(name)), MUM_OK);
    return t;
}

/* Verifies der as a catalog against anchors (NULL: none). */
static mum_sig_result verify(const uint8_t *der, size_t len, const char *anchor, bool has_time,
                             int64_t time)
{
    mum_catalog *cat;
    mum_ctx *ctx;
    mum_ctx_new(&ctx);
    cr_assert_eq(mum_catalog_parse(&cat, ctx, der, len, NULL), MUM_OK, "%s", mum_ctx_message(ctx));
    mum_trust *t = anchor ? anchors(anchor) : NULL;
    mum_sig_verify_options o = MUM_SIG_VERIFY_OPTIONS_INIT;
    o.anchors = t;
    o.has_time = has_time;
    o.time = time;
    mum_sig_result r;
    cr_assert_eq(mum_signature_verify(&r, ctx, mum_catalog_signature(cat), &o), MUM_OK);
    mum_trust_free(t);
    mum_catalog_free(cat);
    mum_ctx_free(ctx);
    return r;
}

Test(catalog, signed_catalog_verifies_at_both_levels)
{
    mum_signer *s = signer("signer", NULL);
    made m = build(2, true, s, NULL);
    mum_signer_free(s);

    mum_sig_result r = verify(m.der, m.len, "root.pem", false, 0);
    cr_assert_eq(r.status, MUM_SIG_TRUSTED, "%s", r.detail);
    cr_assert_null(r.detail);
    cr_assert_eq(r.time_source, MUM_SIG_TIME_NOW);
    mum_sig_result_clear(&r);

    r = verify(m.der, m.len, NULL, false, 0);
    cr_assert_eq(r.status, MUM_SIG_UNTRUSTED);
    cr_assert_eq(r.trust_issue, MUM_SIG_TRUST_NO_ANCHORS);
    cr_assert_eq(r.time_source, MUM_SIG_TIME_NONE);
    mum_sig_result_clear(&r);

    r = verify(m.der, m.len, "other.pem", false, 0);
    cr_assert_eq(r.status, MUM_SIG_UNTRUSTED);
    cr_assert_eq(r.trust_issue, MUM_SIG_TRUST_UNKNOWN_ROOT);
    cr_assert(strstr(r.detail, "does not lead to a trust anchor"), "%s", r.detail);
    mum_sig_result_clear(&r);

    /* what the signature says */
    mum_catalog *cat = parse(&m);
    const mum_signature *sig = mum_catalog_signature(cat);
    cr_assert_eq(mum_signature_signer_count(sig), 1);
    const mum_signer_info *si = mum_signature_signer(sig, 0);
    cr_assert(si->has_cert);
    cr_assert_str_eq(si->cert.subject, "CN=mumtool test signer,O=mumtool tests");
    cr_assert_str_eq(si->cert.issuer, "CN=mumtool test root,O=mumtool tests");
    char serial[8];
    snprintf(serial, sizeof serial, "%02X", tu_cert_serial(tu_ca_file("signer.pem")));
    cr_assert_str_eq(si->cert.serial, serial);
    cr_assert_eq(strlen(si->cert.thumbprint), 40);
    cr_assert_eq(si->digest_alg, MUM_HASH_SHA256);
    cr_assert_str_eq(si->signature_alg, "rsaEncryption");
    cr_assert(si->has_signing_time);
    cr_assert_eq(si->signing_time, 1700000000);
    cr_assert_eq(si->timestamp, MUM_TIMESTAMP_NONE);
    cr_assert_eq(mum_signature_cert_count(sig), 1);
    mum_authenticode_info ai;
    cr_assert_eq(mum_authenticode_content(&ai, NULL, sig), MUM_ENOTFOUND);
    mum_catalog_free(cat);
    mum_free(m.der);
}

Test(catalog, chain_and_partial_chain)
{
    mum_signer *s = signer("leaf", "inter.pem");
    made m = build(1, true, s, NULL);
    mum_signer_free(s);
    mum_sig_result r = verify(m.der, m.len, "root.pem", false, 0);
    cr_assert_eq(r.status, MUM_SIG_TRUSTED, "%s", r.detail);
    mum_sig_result_clear(&r);
    r = verify(m.der, m.len, "inter.pem", false, 0);
    cr_assert_eq(r.status, MUM_SIG_TRUSTED, "an intermediate given as anchor is one: %s", r.detail);
    mum_sig_result_clear(&r);
    mum_free(m.der);

    s = signer("leaf", NULL);
    m = build(1, true, s, NULL);
    mum_signer_free(s);
    r = verify(m.der, m.len, "root.pem", false, 0);
    cr_assert_eq(r.status, MUM_SIG_UNTRUSTED, "the intermediate is missing");
    cr_assert_eq(r.trust_issue, MUM_SIG_TRUST_UNKNOWN_ROOT);
    mum_sig_result_clear(&r);
    mum_free(m.der);
}

Test(catalog, expired_and_wrong_usage)
{
    mum_signer *s = signer("expired", NULL);
    made m = build(2, true, s, NULL);
    mum_signer_free(s);
    mum_sig_result r = verify(m.der, m.len, "root.pem", false, 0);
    cr_assert_eq(r.status, MUM_SIG_EXPIRED);
    cr_assert(strstr(r.detail, "mumtool expired signer"), "%s", r.detail);
    cr_assert(strstr(r.detail, "2020-12-31T00:00:00Z"), "%s", r.detail);
    mum_sig_result_clear(&r);
    /* at a time within its validity */
    r = verify(m.der, m.len, "root.pem", true, 1609286400 /* 2020-12-30 */);
    cr_assert_eq(r.status, MUM_SIG_TRUSTED, "%s", r.detail);
    mum_sig_result_clear(&r);
    r = verify(m.der, m.len, "root.pem", true, 1546300700 /* 2019-01-01 */);
    cr_assert_eq(r.status, MUM_SIG_EXPIRED, "not valid yet: %s", r.detail);
    mum_sig_result_clear(&r);
    r = verify(m.der, m.len, "expired.pem", true, 1593561600 /* 2020-07-01 */);
    cr_assert_eq(r.status, MUM_SIG_TRUSTED, "%s", r.detail);
    cr_assert_eq(r.time_source, MUM_SIG_TIME_GIVEN);
    cr_assert_eq(r.evaluated_at, 1593561600);
    mum_sig_result_clear(&r);
    mum_free(m.der);

    s = signer("tls", NULL);
    m = build(2, true, s, NULL);
    mum_signer_free(s);
    r = verify(m.der, m.len, "root.pem", false, 0);
    cr_assert_eq(r.status, MUM_SIG_UNTRUSTED);
    cr_assert_eq(r.trust_issue, MUM_SIG_TRUST_USAGE);
    mum_findings *f;
    mum_findings_new(&f);
    cr_assert_eq(mum_sig_result_findings(&r, NULL, f, NULL), MUM_OK);
    cr_assert_eq(tu_count_rule(f, "signature.wrong-usage"), 1);
    mum_findings_free(f);
    mum_sig_result_clear(&r);
    mum_free(m.der);
}

static uint8_t *find_bytes(uint8_t *hay, size_t n, const uint8_t *needle, size_t k)
{
    for (size_t i = 0; i + k <= n; i++)
        if (memcmp(hay + i, needle, k) == 0)
            return hay + i;
    return NULL;
}

Test(catalog, damage_is_an_integrity_failure)
{
    mum_signer *s = signer("signer", NULL);
    made m = build(2, true, s, NULL);
    mum_signer_free(s);
    mum_cat_digests pe, txt;
    digests_of(&pe, &txt);

    /* one flipped byte in a member's digest: the list no longer matches */
    uint8_t *copy = malloc(m.len);
    memcpy(copy, m.der, m.len);
    uint8_t *tag = find_bytes(copy, m.len, txt.sha256, 32);
    cr_assert_not_null(tag);
    tag[5] ^= 0x40;
    mum_sig_result r = verify(copy, m.len, "root.pem", false, 0);
    cr_assert_eq(r.status, MUM_SIG_INTEGRITY_FAILED);
    cr_assert_eq(r.failed_check, MUM_SIG_CHECK_CONTENT_DIGEST);
    /* the digest named as OpenSSL names the SignerInfo's (not the name of
     * the digest fetched once that computes it: "SHA2-256") */
    cr_assert_not_null(r.detail);
    cr_assert(strstr(r.detail, " differs from the SHA256 digest of the signed content, "), "%s", r.detail);
    mum_findings *f;
    mum_findings_new(&f);
    mum_sig_result_findings(&r, NULL, f, NULL);
    cr_assert_eq(tu_count_rule(f, "signature.content-digest"), 1);
    cr_assert_eq(mum_rule_find("signature.content-digest")->hresult, 0x80096010);
    mum_sig_result_clear(&r);
    /* and the member's tag is no longer the digest it holds */
    mum_catalog *cat;
    cr_assert_eq(mum_catalog_parse(&cat, NULL, copy, m.len, NULL), MUM_OK);
    cr_assert_eq(mum_catalog_check(cat, f, NULL), MUM_OK);
    cr_assert_eq(tu_count_rule(f, "catalog.tag-mismatch"), 1);
    const mum_finding *tf = tu_find_rule(f, "catalog.tag-mismatch");
    cr_assert(tf->loc.has_offset);
    mum_catalog_free(cat);
    mum_findings_free(f);

    /* the signature value (the last bytes of the file) */
    memcpy(copy, m.der, m.len);
    copy[m.len - 1] ^= 1;
    r = verify(copy, m.len, NULL, false, 0);
    cr_assert_eq(r.status, MUM_SIG_INTEGRITY_FAILED);
    cr_assert_eq(r.failed_check, MUM_SIG_CHECK_SIGNATURE);
    mum_sig_result_clear(&r);

    /* the certificate's serial no longer names the signer */
    memcpy(copy, m.der, m.len);
    size_t cert_len;
    uint8_t *cert = tu_pem_der(tu_ca_file("signer.pem"), &cert_len);
    uint8_t *at = find_bytes(copy, m.len, cert, cert_len);
    cr_assert_not_null(at);
    static const uint8_t version_serial[] = {0xa0, 0x03, 0x02, 0x01, 0x02, 0x02, 0x01};
    uint8_t *serial = find_bytes(at, cert_len, version_serial, sizeof version_serial);
    cr_assert_not_null(serial);
    serial[7] = 0x7f; /* a serial make-test-ca.sh never gives */
    r = verify(copy, m.len, "root.pem", false, 0);
    cr_assert_eq(r.status, MUM_SIG_INTEGRITY_FAILED);
    cr_assert_eq(r.failed_check, MUM_SIG_CHECK_SIGNER_CERT);
    mum_sig_result_clear(&r);
    free(cert);
    free(copy);
    mum_free(m.der);
}

/* A payload's "File" is the end of its "Hint" (keyform\file): it is kept
 * as that tail; values that end no other value, or that another member
 * stored already, are their own strings. */
Test(catalog, a_file_name_is_kept_as_the_end_of_its_hint)
{
    mum_cat_builder *b;
    cr_assert_eq(mum_cat_builder_new(&b, NULL, 1), MUM_OK);
    const char *files[3] = {"abc", "def", "ghi"};
    const char *hints[3] = {"x86_a_31bf3856ad364e35\\netcfgx.dll", "x86_b_31bf3856ad364e35\\other.dll",
                            "x86_c_31bf3856ad364e35\\netcfgx.dll"};
    const char *names[3] = {"netcfgx.dll", "x.dll", "netcfgx.dll"};
    for (int i = 0; i < 3; i++) {
        mum_cat_digests d;
        size_t f;
        cr_assert_eq(mum_cat_digests_compute(&d, NULL, files[i], 3, NULL), MUM_OK);
        cr_assert_eq(mum_cat_builder_add(&f, NULL, b, &d), MUM_OK);
        cr_assert_eq(mum_cat_builder_add_file_attr(NULL, b, f, "File", names[i], MUM_CAT_ATTR_FLAGS_DEFAULT), MUM_OK);
        cr_assert_eq(mum_cat_builder_add_file_attr(NULL, b, f, "Hint", hints[i], MUM_CAT_ATTR_FLAGS_DEFAULT), MUM_OK);
    }
    made m;
    cr_assert_eq(mum_cat_builder_finish(&m.der, &m.len, NULL, b, NULL, NULL), MUM_OK);
    mum_cat_builder_free(b);
    mum_catalog *cat = parse(&m);
    cr_assert_eq(mum_catalog_get_info(cat)->member_count, 3);
    const char *netcfgx = NULL;
    for (size_t i = 0; i < 3; i++) {
        const mum_cat_member *mb = mum_catalog_member(cat, i);
        const char *file = mum_cat_member_attr(mb, "File"), *hint = mum_cat_member_attr(mb, "Hint");
        cr_assert_not_null(file);
        cr_assert_not_null(hint);
        size_t fl = strlen(file), hl = strlen(hint);
        cr_assert_gt(hl, fl);
        if (strcmp(file, "x.dll") == 0) {
            cr_assert_str_eq(hint, hints[1]);
            cr_assert_neq(file, hint + hl - fl, "'x.dll' does not end its hint");
            continue;
        }
        cr_assert_str_eq(file, "netcfgx.dll");
        cr_assert_str_eq(hint + hl - fl, file);
        if (!netcfgx) {
            cr_assert_eq(file, hint + hl - fl, "the first one is its hint's tail");
            netcfgx = file;
        } else {
            cr_assert_eq(file, netcfgx, "the second is the text stored already");
        }
    }
    cr_assert_not_null(netcfgx);
    mum_catalog_free(cat);
    mum_free(m.der);
}

/* A catalog of a large update holds tens of thousands of members while its
 * package is judged: a member's record stays small. */
Test(catalog, a_member_record_is_small)
{
    if (sizeof(void *) == 8)
        cr_assert_leq(sizeof(mum_cat_member), 56);
    else
        cr_assert_leq(sizeof(mum_cat_member), 40);
}

/* Repeated member strings (type OIDs, GUIDs, attribute names) are stored once. */
Test(catalog, members_share_repeated_strings)
{
    for (int version = 1; version <= 2; version++) {
        made m = build(version, true, NULL, "another-name.txt");
        mum_catalog *cat = parse(&m);
        const mum_catalog_info *ci = mum_catalog_get_info(cat);
        const char *all[64];
        size_t n = 0, repeats = 0;
        for (size_t i = 0; i < ci->member_count; i++) {
            const mum_cat_member *mb = mum_catalog_member(cat, i);
            const char *mine[3] = {mb->data_type, mb->sip_guid, NULL};
            for (int k = 0; k < 2; k++)
                if (mine[k] && n < 64)
                    all[n++] = mine[k];
            for (size_t a = 0; a < mb->attr_count && n + 2 <= 64; a++) {
                all[n++] = mb->attrs[a].name;
                all[n++] = mb->attrs[a].value;
            }
        }
        for (size_t i = 0; i < n; i++)
            for (size_t j = i + 1; j < n; j++)
                if (strcmp(all[i], all[j]) == 0) {
                    cr_assert_eq(all[i], all[j], "v%d: one copy of '%s'", version, all[i]);
                    repeats++;
                }
        cr_assert_geq(repeats, 1, "v%d: the catalog repeats strings", version);
        mum_catalog_free(cat);
        mum_free(m.der);
    }
}

/* A small catalog's blocks (its members', its attributes, its list id)
 * are one allocation, a large one's stay apart; either finds every member
 * it lists, and keeps its attributes. */
Test(catalog, a_small_catalogs_blocks_are_one_allocation)
{
    static const size_t counts[] = {3, 1500};
    for (size_t c = 0; c < 2; c++) {
        mum_cat_builder *b;
        cr_assert_eq(mum_cat_builder_new(&b, NULL, 2), MUM_OK);
        for (size_t i = 0; i < counts[c]; i++) {
            char data[32], hint[32];
            snprintf(data, sizeof data, "member %zu", i);
            snprintf(hint, sizeof hint, "file-%zu.txt", i);
            mum_cat_digests d;
            size_t f;
            cr_assert_eq(mum_cat_digests_compute(&d, NULL, data, strlen(data), NULL), MUM_OK);
            cr_assert_eq(mum_cat_builder_add(&f, NULL, b, &d), MUM_OK);
            cr_assert_eq(mum_cat_builder_add_file_attr(NULL, b, f, "Hint", hint, 0x10010001), MUM_OK);
        }
        static const uint8_t id[] = {0xde, 0xad, 0xbe, 0xef};
        cr_assert_eq(mum_cat_builder_set_list_id(NULL, b, id, sizeof id), MUM_OK);
        cr_assert_eq(mum_cat_builder_add_attr(NULL, b, "PackageName", "caf\xc3\xa9", 0x10001), MUM_OK);
        cr_assert_eq(mum_cat_builder_add_attr(NULL, b, "OSAttr", "2:6.0", 0x10001), MUM_OK);
        uint8_t *der;
        size_t len;
        cr_assert_eq(mum_cat_builder_finish(&der, &len, NULL, b, NULL, NULL), MUM_OK);
        mum_cat_builder_free(b);
        mum_catalog *cat;
        cr_assert_eq(mum_catalog_parse(&cat, NULL, der, len, NULL), MUM_OK);
        cr_assert_eq(mum__catalog_packed(cat), c == 0, "%zu members", counts[c]);
        const mum_catalog_info *ci = mum_catalog_get_info(cat);
        cr_assert_str_eq(ci->subject_algorithm, MUM_OID_CAT_MEMBER_V2);
        cr_assert_str_eq(ci->list_id, "deadbeef");
        cr_assert_eq(ci->attr_count, 2);
        bool package = false, os = false;
        for (size_t a = 0; a < ci->attr_count; a++) {
            const mum_cat_attr *at = mum_catalog_attr(cat, a);
            package |= strcmp(at->name, "PackageName") == 0 && strcmp(at->value, "caf\xc3\xa9") == 0;
            os |= strcmp(at->name, "OSAttr") == 0 && strcmp(at->value, "2:6.0") == 0 && at->flags == 0x10001;
        }
        cr_assert(package && os, "the catalog's attributes are kept");
        for (size_t i = 0; i < counts[c]; i++) {
            char data[32], hint[32];
            snprintf(data, sizeof data, "member %zu", i);
            snprintf(hint, sizeof hint, "file-%zu.txt", i);
            mum_cat_digests d;
            cr_assert_eq(mum_cat_digests_compute(&d, NULL, data, strlen(data), NULL), MUM_OK);
            mum_cat_hit hit;
            cr_assert_geq(mum_catalog_match(cat, &d, &hit, 1), 1, "member %zu", i);
            const mum_cat_member *m = mum_catalog_member(cat, hit.member);
            bool named = false;
            for (size_t a = 0; a < m->attr_count; a++)
                named |= strcmp(m->attrs[a].name, "Hint") == 0 && strcmp(m->attrs[a].value, hint) == 0;
            cr_assert(named, "member %zu keeps its attribute", i);
        }
        mum_catalog_free(cat);
        mum_free(der);
    }
}

/* Verifies cat's signature against anchor (NULL: none). */
static mum_sig_result verify_parsed(const mum_catalog *cat, const char *anchor)
{
    mum_trust *t = anchor ? anchors(anchor) : NULL;
    mum_sig_verify_options o = MUM_SIG_VERIFY_OPTIONS_INIT;
    o.anchors = t;
    mum_sig_result r;
    cr_assert_eq(mum_signature_verify(&r, NULL, mum_catalog_signature(cat), &o), MUM_OK);
    mum_trust_free(t);
    return r;
}

/* A graph frees a catalog's bytes once its integrity is verified; the
 * judge's verification with anchors then gives the verdicts it gave with
 * the bytes, the intact and the damaged alike. */
Test(catalog, released_content_keeps_the_verdicts)
{
    mum_signer *s = signer("signer", NULL);
    made m = build(2, true, s, NULL);
    mum_signer_free(s);
    uint8_t *bad = malloc(m.len);
    memcpy(bad, m.der, m.len);
    mum_cat_digests pe, txt;
    digests_of(&pe, &txt);
    uint8_t *tag = find_bytes(bad, m.len, txt.sha256, 32);
    cr_assert_not_null(tag);
    tag[5] ^= 0x40;
    const uint8_t *ders[2] = {m.der, bad};
    for (int k = 0; k < 2; k++) {
        mum_catalog *cat;
        cr_assert_eq(mum_catalog_parse(&cat, NULL, ders[k], m.len, NULL), MUM_OK);
        /* released before any verification: nothing is kept yet, so nothing goes */
        mum__catalog_release_content(cat);
        const uint8_t *content;
        size_t len;
        mum_signature_content(mum_catalog_signature(cat), &content, &len, NULL, NULL);
        cr_assert_not_null(content);
        mum_sig_result r = verify_parsed(cat, NULL);
        mum_sig_status integrity = r.status;
        mum_sig_check check = r.failed_check;
        mum_sig_result_clear(&r);
        const mum_signature *sig = mum_catalog_signature(cat);
        cr_assert_gt(sig->nsigners, 0);
        cr_assert_not_null(sig->extra[0].attrs_der, "the signer's attributes found in the bytes");
        mum__catalog_release_content(cat);
        mum_signature_content(mum_catalog_signature(cat), &content, &len, NULL, NULL);
        cr_assert_null(content, "the bytes are freed");
        for (size_t i = 0; i < sig->nsigners; i++)
            cr_assert_null(sig->extra[i].attrs_der, "no pointer into the freed bytes stays");
        cr_assert_eq(mum_catalog_get_info(cat)->member_count, 4, "the members stay");
        r = verify_parsed(cat, "root.pem");
        if (k == 0) {
            cr_assert_eq(integrity, MUM_SIG_UNTRUSTED);
            cr_assert_eq(r.status, MUM_SIG_TRUSTED, "%s", r.detail ? r.detail : "");
        } else {
            cr_assert_eq(integrity, MUM_SIG_INTEGRITY_FAILED);
            cr_assert_eq(r.status, MUM_SIG_INTEGRITY_FAILED);
            cr_assert_eq(r.failed_check, check);
            cr_assert_eq(r.failed_check, MUM_SIG_CHECK_CONTENT_DIGEST);
        }
        mum_sig_result_clear(&r);
        r = verify_parsed(cat, "other.pem");
        cr_assert_eq(r.status, k == 0 ? MUM_SIG_UNTRUSTED : MUM_SIG_INTEGRITY_FAILED);
        mum_sig_result_clear(&r);
        mum_catalog_free(cat);
    }
    free(bad);
    mum_free(m.der);
}

Test(catalog, unsigned_catalog)
{
    made m = build(2, true, NULL, NULL);
    mum_sig_result r = verify(m.der, m.len, "root.pem", false, 0);
    cr_assert_eq(r.status, MUM_SIG_UNSIGNED);
    cr_assert_str_eq(mum_sig_status_name(r.status), "unsigned");
    mum_findings *f;
    mum_findings_new(&f);
    mum_location loc = {.input = "u.cat"};
    cr_assert_eq(mum_sig_result_findings(&r, NULL, f, &loc), MUM_OK);
    const mum_finding *x = tu_find_rule(f, "signature.unsigned");
    cr_assert_not_null(x);
    cr_assert_eq(x->rule->hresult, 0x800b0100);
    cr_assert_eq(x->severity, MUM_SEVERITY_ERROR);
    mum_findings_free(f);
    mum_sig_result_clear(&r);
    mum_free(m.der);
}

/* ---- malformed input ---- */

Test(catalog, every_truncation_is_a_located_error)
{
    mum_signer *s = signer("signer", NULL);
    made m = build(2, true, s, NULL);
    mum_signer_free(s);
    mum_ctx *ctx;
    mum_ctx_new(&ctx);
    mum_location where = {.input = "cut.cat"};
    for (size_t n = 0; n < m.len; n++) {
        uint8_t *q = malloc(n ? n : 1);
        memcpy(q, m.der, n);
        mum_catalog *cat = NULL;
        int rc = mum_catalog_parse(&cat, ctx, q, n, &where);
        cr_assert_eq(rc, MUM_EFORMAT, "cut at %zu of %zu: %d", n, m.len, rc);
        cr_assert(strncmp(mum_ctx_message(ctx), "cut.cat: at offset ", 19) == 0, "%s", mum_ctx_message(ctx));
        cr_assert_null(cat);
        free(q);
    }
    mum_ctx_free(ctx);
    mum_free(m.der);
}

Test(catalog, hostile_bytes_never_crash)
{
    made m = build(1, true, NULL, NULL);
    uint8_t *q = malloc(m.len);
    /* every byte replaced by a few values: parse, check, match, verify */
    static const uint8_t values[] = {0x00, 0x7f, 0x80, 0xff};
    mum_cat_digests d;
    mum_cat_digests_compute(&d, NULL, "x", 1, NULL);
    for (size_t i = 0; i < m.len; i++) {
        for (size_t v = 0; v < sizeof values; v++) {
            memcpy(q, m.der, m.len);
            q[i] = values[v];
            mum_catalog *cat = NULL;
            if (mum_catalog_parse(&cat, NULL, q, m.len, NULL) == MUM_OK) {
                mum_findings *f;
                mum_findings_new(&f);
                mum_catalog_check(cat, f, NULL);
                mum_catalog_match(cat, &d, NULL, 0);
                mum_sig_result r;
                if (mum_signature_verify(&r, NULL, mum_catalog_signature(cat), NULL) == MUM_OK)
                    mum_sig_result_clear(&r);
                mum_findings_free(f);
                mum_catalog_free(cat);
            }
        }
    }
    free(q);
    mum_free(m.der);
}

/* ---- the list read in place or by OpenSSL's templates ---- */

static bool same_str(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* Parses a catalog both ways: the same status, message and model. */
static void same_both_ways(const uint8_t *der, size_t len, const char *what)
{
    mum_catalog *cat[2] = {NULL, NULL};
    mum_ctx *ctx[2];
    int rc[2];
    mum_location where = {.input = "x.cat"};
    for (int i = 0; i < 2; i++) {
        mum_ctx_new(&ctx[i]);
        mum__catalog_ctl_in_place(i == 0);
        rc[i] = mum_catalog_parse(&cat[i], ctx[i], der, len, &where);
    }
    mum__catalog_ctl_in_place(true);
    cr_assert_eq(rc[0], rc[1], "%s: status %d in place, %d by the templates (%s | %s)", what, rc[0], rc[1],
                 mum_ctx_message(ctx[0]), mum_ctx_message(ctx[1]));
    if (rc[0] != MUM_OK) {
        cr_assert_str_eq(mum_ctx_message(ctx[0]), mum_ctx_message(ctx[1]), "%s", what);
    } else {
        const mum_catalog_info *a = mum_catalog_get_info(cat[0]), *b = mum_catalog_get_info(cat[1]);
        cr_assert_eq(a->version, b->version, "%s", what);
        cr_assert(same_str(a->subject_algorithm, b->subject_algorithm), "%s: %s | %s", what,
                  a->subject_algorithm, b->subject_algorithm);
        cr_assert(same_str(a->list_id, b->list_id), "%s: list id", what);
        cr_assert(same_str(a->sequence_number, b->sequence_number), "%s: sequence %s | %s", what,
                  a->sequence_number ? a->sequence_number : "-", b->sequence_number ? b->sequence_number : "-");
        cr_assert_eq(a->this_update, b->this_update, "%s", what);
        cr_assert_eq(a->has_next_update, b->has_next_update, "%s", what);
        cr_assert_eq(a->next_update, b->next_update, "%s", what);
        cr_assert_eq(a->member_count, b->member_count, "%s", what);
        cr_assert_eq(a->attr_count, b->attr_count, "%s", what);
        for (size_t i = 0; i < a->attr_count; i++) {
            const mum_cat_attr *x = mum_catalog_attr(cat[0], i), *y = mum_catalog_attr(cat[1], i);
            cr_assert(same_str(x->name, y->name) && same_str(x->value, y->value) && x->flags == y->flags,
                      "%s: attribute %zu", what, i);
        }
        for (size_t i = 0; i < a->member_count; i++) {
            const mum_cat_member *x = mum_catalog_member(cat[0], i), *y = mum_catalog_member(cat[1], i);
            cr_assert(x->offset == y->offset && x->digest_len == y->digest_len &&
                          memcmp(x->digest, y->digest, x->digest_len) == 0,
                      "%s: member %zu", what, i);
        }
    }
    for (int i = 0; i < 2; i++) {
        mum_catalog_free(cat[i]);
        mum_ctx_free(ctx[i]);
    }
}

/* Every byte of a catalog replaced by a few values, parsed both ways. */
static void same_both_ways_damaged(const made *m, const char *what)
{
    same_both_ways(m->der, m->len, what);
    static const uint8_t values[] = {0x00, 0x01, 0x02, 0x17, 0x30, 0x7f, 0x80, 0x81, 0xff};
    uint8_t *q = malloc(m->len);
    char name[96];
    for (size_t i = 0; i < m->len; i++) {
        for (size_t v = 0; v < sizeof values; v++) {
            memcpy(q, m->der, m->len);
            if (q[i] == values[v])
                continue;
            q[i] = values[v];
            snprintf(name, sizeof name, "%s, byte %zu = 0x%02x", what, i, values[v]);
            same_both_ways(q, m->len, name);
        }
    }
    free(q);
}

/* The list of a built catalog with what the builder leaves out: a sequence
 * number, a nextUpdate, critical attributes; wrapped again unsigned. */
static made with_more_fields(const made *m, const uint8_t *seq, size_t seq_len, bool negative, bool generalized)
{
    mum_catalog *cat = parse(m);
    const uint8_t *der;
    size_t len, body;
    uint64_t off;
    mum_signature_content(mum_catalog_signature(cat), &der, &len, &body, &off);
    const unsigned char *q = der;
    MUM_CTL *ctl = (MUM_CTL *)ASN1_item_d2i(NULL, &q, (long)len, mum__cat_ctl_item());
    cr_assert_not_null(ctl);
    mum_catalog_free(cat);
    ctl->sequence = ASN1_INTEGER_new();
    cr_assert(ASN1_STRING_set(ctl->sequence, seq, (int)seq_len) == 1);
    if (negative)
        ctl->sequence->type = V_ASN1_NEG_INTEGER;
    ctl->next_update = generalized ? ASN1_GENERALIZEDTIME_set(NULL, 2900000000) : ASN1_TIME_set(NULL, 1800000000);
    cr_assert_not_null(ctl->next_update);
    for (int i = 0; i < sk_X509_EXTENSION_num(ctl->extensions); i++)
        cr_assert(X509_EXTENSION_set_critical(sk_X509_EXTENSION_value(ctl->extensions, i), 1) == 1);
    unsigned char *buf = NULL;
    int n = ASN1_item_i2d((ASN1_VALUE *)ctl, &buf, mum__cat_ctl_item());
    cr_assert_gt(n, 0);
    ASN1_item_free((ASN1_VALUE *)ctl, mum__cat_ctl_item());
    made out;
    cr_assert_eq(mum__pkcs7_build(NULL, MUM_OID_CTL, buf, (size_t)n, NULL, NULL, &out.der, &out.len), MUM_OK);
    OPENSSL_free(buf);
    return out;
}

Test(catalog, the_list_read_in_place_is_the_one_the_templates_decode)
{
    made v1 = build(1, true, NULL, NULL), v2 = build(2, false, NULL, "extra.bin");
    same_both_ways_damaged(&v1, "v1");
    same_both_ways_damaged(&v2, "v2");
    static const uint8_t zero[] = {0x00}, small[] = {0x7f}, high[] = {0xa1, 0xb2, 0x03},
                         lead[] = {0x00, 0x00, 0x05};
    struct {
        const uint8_t *seq;
        size_t len;
        bool negative, generalized, reads; /* padded: OpenSSL refuses it */
    } more[] = {{zero, 1, false, false, true}, {small, 1, false, true, true}, {high, 3, false, false, true},
                {high, 3, true, true, true},   {lead, 3, false, false, false}};
    for (size_t i = 0; i < MUM_ARRAY_LEN(more); i++) {
        made m = with_more_fields(&v2, more[i].seq, more[i].len, more[i].negative, more[i].generalized);
        char what[32];
        snprintf(what, sizeof what, "more fields %zu", i);
        same_both_ways_damaged(&m, what);
        if (!more[i].reads) {
            mum_free(m.der);
            continue;
        }
        mum_catalog *cat = parse(&m);
        const mum_catalog_info *ci = mum_catalog_get_info(cat);
        cr_assert(ci->has_next_update, "%s", what);
        cr_assert_not_null(ci->sequence_number, "%s", what);
        mum_catalog_free(cat);
        mum_free(m.der);
    }
    mum_signer *s = signer("signer", NULL);
    made sig = build(2, true, s, NULL);
    mum_signer_free(s);
    same_both_ways(sig.der, sig.len, "signed");
    mum_free(v1.der);
    mum_free(v2.der);
    mum_free(sig.der);
}

Test(catalog, not_a_catalog)
{
    mum_ctx *ctx;
    mum_ctx_new(&ctx);
    mum_catalog *cat;
    /* a ContentInfo of type data: PKCS#7, but not SignedData */
    static const uint8_t data_ci[] = {0x30, 0x0f, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7,
                                      0x0d, 0x01, 0x07, 0x01, 0xa0, 0x02, 0x04, 0x00};
    cr_assert_eq(mum_catalog_parse(&cat, ctx, data_ci, sizeof data_ci, NULL), MUM_EFORMAT);
    cr_assert(strstr(mum_ctx_message(ctx), "not SignedData"), "%s", mum_ctx_message(ctx));
    cr_assert_eq(mum_catalog_parse(&cat, ctx, "hello", 5, NULL), MUM_EFORMAT);
    cr_assert_eq(mum_catalog_parse(&cat, ctx, "", 0, NULL), MUM_EFORMAT);
    cr_assert(strstr(mum_ctx_message(ctx), "empty"), "%s", mum_ctx_message(ctx));
    /* trailing garbage */
    made m = build(2, true, NULL, NULL);
    uint8_t *q = malloc(m.len + 3);
    memcpy(q, m.der, m.len);
    memcpy(q + m.len, "abc", 3);
    cr_assert_eq(mum_catalog_parse(&cat, ctx, q, m.len + 3, NULL), MUM_EFORMAT);
    cr_assert(strstr(mum_ctx_message(ctx), "3 bytes after the end"), "%s", mum_ctx_message(ctx));
    free(q);
    mum_free(m.der);
    mum_ctx_free(ctx);
}

/* One build of a small signed catalog, for the allocation sweep. */
static mum_cat_digests g_pe, g_txt;
static mum_signer *g_signer;
static mum_cat_builder *g_b;
static uint8_t *g_out;

static int build_once(void)
{
    size_t f, len;
    int rc = mum_cat_builder_new(&g_b, NULL, 2);
    if (rc == MUM_OK)
        rc = mum_cat_builder_add_attr(NULL, g_b, "OSAttr", "2:6.1", 1);
    if (rc == MUM_OK)
        rc = mum_cat_builder_add(&f, NULL, g_b, &g_pe);
    if (rc == MUM_OK)
        rc = mum_cat_builder_add_file_attr(NULL, g_b, f, "File", "a.dll", 1);
    if (rc == MUM_OK)
        rc = mum_cat_builder_add(&f, NULL, g_b, &g_txt);
    if (rc == MUM_OK)
        rc = mum_cat_builder_finish(&g_out, &len, NULL, g_b, g_signer, NULL);
    return rc;
}

static void build_cleanup(void)
{
    mum_free(g_out);
    g_out = NULL;
    mum_cat_builder_free(g_b);
    g_b = NULL;
}

Test(catalog, out_of_memory_while_parsing_and_building)
{
    g_signer = signer("signer", NULL);
    made m = build(2, true, g_signer, NULL);
    mum_catalog *cat = NULL;
    TU_ALLOC_SWEEP(mum_catalog_parse(&cat, NULL, m.der, m.len, NULL), (mum_catalog_free(cat), cat = NULL));
    digests_of(&g_pe, &g_txt);
    TU_ALLOC_SWEEP(build_once(), build_cleanup());
    mum_signer_free(g_signer);
    mum_free(m.der);
}

/* Tags the digest does not give are kept with their text: every
 * allocation of that, failing, fails the parse (v1: mixed case; v2: not
 * the digest's bytes). */
Test(catalog, out_of_memory_while_keeping_stored_tags)
{
    for (int version = 1; version <= 2; version++) {
        made m = build(version, true, NULL, NULL);
        mum_catalog *cat = parse(&m);
        size_t k = 0;
        while (!mum_catalog_member(cat, k)->has_indirect_data)
            k++;
        size_t len;
        uint8_t *tag = (uint8_t *)tag_in_der(m.der, m.len, mum_catalog_member(cat, k)->offset, &len);
        mum_catalog_free(cat);
        if (version == 1)
            first_letter_lower(tag, len);
        else
            byte_flipped(tag, len);
        cat = parse(&m);
        cr_assert_eq(mum_catalog_member(cat, k)->tag_form, MUM_CAT_TAG_STORED, "v%d", version);
        mum_catalog_free(cat);
        cat = NULL;
        TU_ALLOC_SWEEP(mum_catalog_parse(&cat, NULL, m.der, m.len, NULL), (mum_catalog_free(cat), cat = NULL));
        mum_free(m.der);
    }
}

/* The UTF-16 of member tags and attribute values, to UTF-8. */
#include "crypto.h"

static void utf16_is(const char *units_hex, bool be, const char *want)
{
    uint8_t raw[64];
    size_t n = strlen(units_hex) / 2;
    for (size_t i = 0; i < n; i++)
        sscanf(units_hex + 2 * i, "%2hhx", &raw[i]);
    bool bad;
    char *got = mum__utf16_to_utf8(raw, n, be, &bad);
    if (want) {
        cr_assert_not_null(got, "%s", units_hex);
        cr_assert_not(bad);
        cr_assert_str_eq(got, want, "%s", units_hex);
    } else {
        cr_assert_null(got, "%s", units_hex);
        cr_assert(bad, "%s", units_hex);
    }
    mum__free(got);
}

Test(utf16, to_utf8_with_surrogates_and_a_terminating_nul)
{
    utf16_is("", false, "");
    utf16_is("4100", false, "A");
    utf16_is("41000000", false, "A");                          /* the terminator is dropped */
    utf16_is("e900ac20", false, "\xc3\xa9\xe2\x82\xac");       /* é € */
    utf16_is("3dd800de", false, "\xf0\x9f\x98\x80");           /* U+1F600, a pair */
    utf16_is("00e920ac", true, "\xc3\xa9\xe2\x82\xac");        /* big-endian */
    utf16_is("410", false, NULL);                              /* odd length */
    utf16_is("3dd84100", false, NULL);                         /* a lone high surrogate */
    utf16_is("00de", false, NULL);                             /* a lone low surrogate */
    utf16_is("410000004200", false, NULL);                     /* a NUL inside */
}

/* ASCII runs are converted four units at a time: a NUL, a unit of 0x80 or
 * more, or a pair in any place of such a group, after any number of ASCII
 * units, gives what one unit at a time gives. */
Test(utf16, ascii_runs_around_nuls_and_other_units_in_every_place)
{
    static const struct {
        uint16_t u[2];
        int n;
        const char *utf8; /* NULL: a NUL inside, refused */
    } odd[] = {
        {{0x0000}, 1, NULL},         {{0x007f}, 1, "\x7f"},          {{0x0080}, 1, "\xc2\x80"},
        {{0x0100}, 1, "\xc4\x80"}, {{0x4141}, 1, "\xe4\x85\x81"}, {{0xd83d, 0xde00}, 2, "\xf0\x9f\x98\x80"},
    };
    for (size_t k = 0; k < MUM_ARRAY_LEN(odd); k++) {
        for (size_t before = 0; before < 9; before++) {
            for (size_t after = 1; after < 9; after++) {
                uint8_t raw[64];
                char want[64];
                size_t n = 0, w = 0;
                for (size_t i = 0; i < before; i++, n += 2) {
                    raw[n] = (uint8_t)('a' + i);
                    raw[n + 1] = 0;
                    want[w++] = (char)('a' + i);
                }
                for (int i = 0; i < odd[k].n; i++, n += 2) {
                    raw[n] = (uint8_t)(odd[k].u[i] & 0xff);
                    raw[n + 1] = (uint8_t)(odd[k].u[i] >> 8);
                }
                if (odd[k].utf8) {
                    memcpy(want + w, odd[k].utf8, strlen(odd[k].utf8));
                    w += strlen(odd[k].utf8);
                }
                for (size_t i = 0; i < after; i++, n += 2) {
                    raw[n] = (uint8_t)('A' + i);
                    raw[n + 1] = 0;
                    want[w++] = (char)('A' + i);
                }
                want[w] = '\0';
                bool bad;
                char *got = mum__utf16_to_utf8(raw, n, false, &bad);
                if (odd[k].utf8) {
                    cr_assert_not_null(got, "unit %zu after %zu", k, before);
                    cr_assert_str_eq(got, want, "unit %zu after %zu, %zu after", k, before, after);
                } else {
                    cr_assert_null(got, "a NUL after %zu, %zu after", before, after);
                    cr_assert(bad);
                }
                mum__free(got);
            }
        }
    }
}

/* ---- the in-place DER reader of members (der.c) ---- */

Test(der, known_oids_are_their_dotted_forms)
{
    for (size_t i = 0; i < MUM_DER_KNOWN_OIDS; i++) {
        const mum__der_known_oid *k = &mum__der_known_oids[i];
        uint8_t der[32];
        size_t n;
        cr_assert(mum__oid_der(k->dotted, der, sizeof der, &n), "%s", k->dotted);
        cr_assert_eq(n, k->len, "%s", k->dotted);
        cr_assert_arr_eq(der, k->der, n, "%s", k->dotted);
        char *text = mum__der_oid_text(k->der, k->len);
        cr_assert_str_eq(text, k->dotted);
        mum__free(text);
    }
}

static void oid_text_is(const char *dotted)
{
    uint8_t der[64];
    size_t n;
    cr_assert(mum__oid_der(dotted, der, sizeof der, &n), "%s", dotted);
    char *text = mum__der_oid_text(der, n);
    cr_assert_str_eq(text, dotted);
    mum__free(text);
}

Test(der, oid_text_of_any_oid_and_question_mark_for_malformed_ones)
{
    oid_text_is("1.2.840.113549.1.7.2");
    oid_text_is("0.0");
    oid_text_is("1.39.0");
    oid_text_is("2.999.9223372036854775807"); /* first arcs past 80, a 63-bit arc */
    oid_text_is("1.3.6.1.4.1.311.12.2.3");
    static const struct {
        uint8_t der[12];
        size_t len;
    } bad[] = {
        {{0}, 0},                                   /* empty */
        {{0x2b, 0x86}, 2},                          /* the last arc left open */
        {{0x2b, 0x80, 0x01}, 3},                    /* an arc with a leading 0x80 */
        {{0x80, 0x2b}, 2},                          /* the first one too */
        {{0x2b, 0x82, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01}, 11}, /* past 64 bits */
    };
    for (size_t i = 0; i < MUM_ARRAY_LEN(bad); i++) {
        char *text = mum__der_oid_text(bad[i].der, bad[i].len);
        cr_assert_str_eq(text, "?", "case %zu", i);
        mum__free(text);
    }
}

/* The header of one element: -1, 0 or 1 as mum__der_next says, and its size. */
static int der_one(const uint8_t *p, size_t n, size_t *size, unsigned *tag)
{
    mum__der c = mum__der_over(p, n);
    mum__der_el e;
    int r = mum__der_next(&c, &e);
    if (r == 1) {
        *size = e.size;
        *tag = e.tag;
        cr_assert_eq(c.p, p + e.size);
        cr_assert_eq(e.body + e.len, p + e.size);
    }
    return r;
}

Test(der, element_headers)
{
    size_t size;
    unsigned tag;
    static const uint8_t shortform[] = {0x04, 0x02, 'h', 'i', 0xff};
    cr_assert_eq(der_one(shortform, sizeof shortform, &size, &tag), 1);
    cr_assert_eq(size, 4);
    cr_assert_eq(tag, 0x04);
    static const uint8_t longform[] = {0x30, 0x82, 0x00, 0x01, 0x05}; /* not minimal: accepted */
    cr_assert_eq(der_one(longform, sizeof longform, &size, &tag), 1);
    cr_assert_eq(size, 5);
    static const uint8_t hightag[] = {0x9f, 0x81, 0x00, 0x01, 0x07};  /* [128] */
    cr_assert_eq(der_one(hightag, sizeof hightag, &size, &tag), 1);
    cr_assert_eq(size, 5);
    cr_assert_eq(tag, 0x9f);
    static const uint8_t indefinite[] = {0x30, 0x80, 0x00, 0x00};
    cr_assert_eq(der_one(indefinite, sizeof indefinite, &size, &tag), -1);
    static const uint8_t past_end[] = {0x04, 0x03, 'h', 'i'};
    cr_assert_eq(der_one(past_end, sizeof past_end, &size, &tag), -1);
    static const uint8_t five_octets[] = {0x04, 0x85, 0, 0, 0, 0, 1, 0};
    cr_assert_eq(der_one(five_octets, sizeof five_octets, &size, &tag), -1);
    static const uint8_t eoc[] = {0x00, 0x00}; /* end-of-contents: not an element */
    cr_assert_eq(der_one(eoc, sizeof eoc, &size, &tag), -1);
    static const uint8_t eoc_constructed[] = {0x20, 0x00};
    cr_assert_eq(der_one(eoc_constructed, sizeof eoc_constructed, &size, &tag), -1);
    static const uint8_t no_length[] = {0x04};
    cr_assert_eq(der_one(no_length, sizeof no_length, &size, &tag), -1);
    static const uint8_t open_tag[] = {0x1f, 0x81};
    cr_assert_eq(der_one(open_tag, sizeof open_tag, &size, &tag), -1);
    cr_assert_eq(der_one(shortform, 0, &size, &tag), 0);
    /* every truncation of a nested element is caught */
    static const uint8_t nested[] = {0x30, 0x06, 0x04, 0x01, 'a', 0x02, 0x01, 0x05};
    for (size_t n = 1; n < sizeof nested; n++)
        cr_assert_eq(der_one(nested, n, &size, &tag), -1, "cut at %zu", n);
}

static int small_uint_of(const uint8_t *body, size_t len, uint32_t *v)
{
    mum__der_el e = {.tag = MUM_DER_INTEGER, .start = body, .body = body, .len = len, .size = len};
    return mum__der_small_uint(&e, v);
}

Test(der, small_unsigned_integers_as_a_decoder_reads_them)
{
    uint32_t v;
    cr_assert_eq(small_uint_of((const uint8_t[]){0x00}, 1, &v), 1);
    cr_assert_eq(v, 0);
    cr_assert_eq(small_uint_of((const uint8_t[]){0x7f}, 1, &v), 1);
    cr_assert_eq(v, 127);
    cr_assert_eq(small_uint_of((const uint8_t[]){0x00, 0x80}, 2, &v), 1);
    cr_assert_eq(v, 128);
    cr_assert_eq(small_uint_of((const uint8_t[]){0x00, 0xff, 0xff, 0xff, 0xff}, 5, &v), 1);
    cr_assert_eq(v, UINT32_MAX);
    cr_assert_eq(small_uint_of((const uint8_t[]){0x01, 0x00, 0x00, 0x00, 0x00}, 5, &v), 0); /* 2^32 */
    cr_assert_eq(small_uint_of((const uint8_t[]){0xff}, 1, &v), 0);                         /* -1 */
    cr_assert_eq(small_uint_of((const uint8_t[]){0x00, 0x01}, 2, &v), -1);                  /* padded */
    cr_assert_eq(small_uint_of((const uint8_t[]){0xff, 0x80}, 2, &v), -1);                  /* padded */
    cr_assert_eq(small_uint_of(NULL, 0, &v), -1);                                           /* empty */
}

/* A copy of a v1 catalog with the flags of its first "File" attribute
 * replaced by `flags` (four contents octets). */
static made with_file_flags(const uint8_t flags[4])
{
    made m = build(1, true, NULL, NULL);
    /* BMPString "File", then INTEGER flags 0x10010001 */
    static const uint8_t file_attr[] = {0x1e, 0x08, 0, 'F', 0, 'i', 0, 'l', 0, 'e', 0x02, 0x04, 0x10, 0x01, 0x00, 0x01};
    for (size_t i = 0; i + sizeof file_attr <= m.len; i++) {
        if (memcmp(m.der + i, file_attr, sizeof file_attr) == 0) {
            memcpy(m.der + i + 12, flags, 4);
            return m;
        }
    }
    cr_assert_fail("no File attribute with the default flags");
    return m;
}

Test(catalog, a_bad_member_attribute_is_named_with_the_member_and_its_offset)
{
    mum_ctx *ctx;
    mum_ctx_new(&ctx);
    mum_location where = {.input = "m.cat"};
    mum_catalog *cat;
    made good = build(1, true, NULL, NULL);
    cr_assert_eq(mum_catalog_parse(&cat, ctx, good.der, good.len, &where), MUM_OK);
    uint64_t first_offset = mum_catalog_member(cat, 0)->offset;
    cr_assert_eq(good.der[first_offset], 0x30, "a member starts with its SEQUENCE");
    mum_catalog_free(cat);
    mum_free(good.der);

    made padded = with_file_flags((const uint8_t[]){0x00, 0x01, 0x00, 0x01});
    cr_assert_eq(mum_catalog_parse(&cat, ctx, padded.der, padded.len, &where), MUM_EFORMAT);
    cr_assert(strstr(mum_ctx_message(ctx), "a malformed CAT_NAMEVALUE attribute"), "%s", mum_ctx_message(ctx));
    char at[64];
    snprintf(at, sizeof at, "m.cat: at offset %" PRIu64 ": member ", first_offset);
    cr_assert(strncmp(mum_ctx_message(ctx), at, strlen(at)) == 0, "%s", mum_ctx_message(ctx));
    mum_free(padded.der);

    made negative = with_file_flags((const uint8_t[]){0x80, 0x01, 0x00, 0x01});
    cr_assert_eq(mum_catalog_parse(&cat, ctx, negative.der, negative.len, &where), MUM_EFORMAT);
    cr_assert(strstr(mum_ctx_message(ctx), "CAT_NAMEVALUE 'File': flags out of range"), "%s", mum_ctx_message(ctx));
    mum_free(negative.der);
    mum_ctx_free(ctx);
}

/* ---- checking files against a catalog (mum_cat_check) ---- */

Test(cat_check, not_member_and_unmatched_members_are_findings)
{
    made m = build(2, true, NULL, NULL);
    mum_catalog *cat = parse(&m);
    mum_cat_digests pe, txt, other;
    digests_of(&pe, &txt);
    cr_assert_eq(mum_cat_digests_compute(&other, NULL, "x", 1, NULL), MUM_OK);
    mum_cat_check *c;
    mum_findings *f;
    cr_assert_eq(mum_cat_check_new(&c, cat, "dir/x.cat"), MUM_OK);
    cr_assert_eq(mum_findings_new(&f), MUM_OK);
    mum_cat_hit hits[1];
    size_t n = 99;
    /* one hit shown, but both members that stand for the image count */
    cr_assert_eq(mum_cat_check_file(c, "image.dll", &pe, hits, 1, &n, f), MUM_OK);
    cr_assert_eq(n, 2);
    cr_assert_eq(mum_findings_count(f), 0);
    cr_assert_eq(mum_cat_check_file(c, "stray.bin", &other, hits, 1, &n, f), MUM_OK);
    cr_assert_eq(n, 0);
    cr_assert_eq(mum_findings_count(f), 1);
    const mum_finding *nm = mum_findings_get(f, 0);
    cr_assert_str_eq(nm->rule->id, "catalog.not-member");
    cr_assert_str_eq(nm->loc.input, "stray.bin");
    cr_assert(strstr(nm->message, "not listed in dir/x.cat") && strstr(nm->message, "SHA-1 or SHA-256"),
              "%s", nm->message);
    cr_assert_eq(mum_cat_check_finish(c, f), MUM_OK);
    cr_assert_eq(mum_findings_count(f), 3, "the text file's two members matched nothing");
    for (size_t i = 1; i < 3; i++) {
        const mum_finding *um = mum_findings_get(f, i);
        cr_assert_str_eq(um->rule->id, "catalog.member-unmatched");
        cr_assert_str_eq(um->loc.input, "dir/x.cat");
        cr_assert(um->loc.has_offset);
        cr_assert(strstr(um->message, " (flat ") && strstr(um->message, ") matches none of the files given"), "%s",
                  um->message);
    }
    mum_findings_free(f);
    mum_cat_check_free(c);

    /* every member matched: no finding */
    cr_assert_eq(mum_cat_check_new(&c, cat, "x.cat"), MUM_OK);
    cr_assert_eq(mum_findings_new(&f), MUM_OK);
    cr_assert_eq(mum_cat_check_file(c, "a", &pe, NULL, 0, &n, f), MUM_OK);
    cr_assert_eq(mum_cat_check_file(c, "b", &txt, NULL, 0, &n, f), MUM_OK);
    cr_assert_eq(mum_cat_check_finish(c, f), MUM_OK);
    cr_assert_eq(mum_findings_count(f), 0);
    cr_assert_eq(mum_cat_check_file(c, "a", NULL, NULL, 0, &n, f), MUM_EINVAL);
    mum_findings_free(f);
    mum_cat_check_free(c);
    mum_cat_check_free(NULL);
    mum_catalog_free(cat);
    mum_free(m.der);
}
