/*
 * catalog.c - security catalogs: the CTL modelled with OpenSSL's ASN.1
 * templates, decoded into mum_catalog (members, attributes, a digest
 * index for membership); the builder that encodes it again is in
 * catalog_build.c.  The PKCS#7 around the CTL is the business of
 * signeddata.c and sign.c.
 */
#include "config.h"

#include "catalog_internal.h"
#include "digest.h"
#include "sig_internal.h"

#include <mum/catalog.h>
#include <mum/pe.h>

#include <openssl/asn1t.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/x509.h>

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ======================================================================
 * The CTL
 * ====================================================================== */

ASN1_SEQUENCE(MUM_CTL) = {
    ASN1_SEQUENCE_OF(MUM_CTL, usage, ASN1_OBJECT),
    ASN1_OPT(MUM_CTL, list_id, ASN1_OCTET_STRING),
    ASN1_OPT(MUM_CTL, sequence, ASN1_INTEGER),
    ASN1_SIMPLE(MUM_CTL, this_update, ASN1_TIME),
    ASN1_OPT(MUM_CTL, next_update, ASN1_TIME),
    ASN1_SIMPLE(MUM_CTL, subject_alg, X509_ALGOR),
    ASN1_OPT(MUM_CTL, entries, ASN1_SEQUENCE),
    ASN1_EXP_SEQUENCE_OF_OPT(MUM_CTL, extensions, X509_EXTENSION, 0)
} static_ASN1_SEQUENCE_END(MUM_CTL)

/* The builder (catalog_build.c) encodes with the same template. */
const ASN1_ITEM *mum__cat_ctl_item(void)
{
    return ASN1_ITEM_rptr(MUM_CTL);
}

/* ======================================================================
 * The working model
 * ====================================================================== */

struct mum_catalog {
    mum_signature *sig;
    mum_catalog_info info;
    mum_cat_member *members;
    mum_cat_attr *attrs;
    uint32_t *index;            /* member indices sorted by (digest_len, digest): in
                                 * members' allocation, after them */
    bool own_subject_algorithm; /* info.subject_algorithm is the catalog's, not a constant */
    /* What the members point to (model_finish): one block each, NULL
     * until the parse is done. */
    uint8_t *bytes;             /* the digests and the stored tags, back to back */
    char *strings;              /* every distinct member string, back to back */
    mum_cat_attr *member_attrs; /* every member's attributes, sliced by member */
    /* a small catalog's blocks in one allocation (the members'
     * attributes, the bytes, the strings, and the catalog's attributes,
     * list id and sequence number: model_finish_packed), NULL when they
     * are apart */
    void *packed;
};

const char *mum_cat_kind_name(mum_cat_kind kind)
{
    switch (kind) {
    case MUM_CAT_KIND_FLAT: return "flat";
    case MUM_CAT_KIND_PE: return "pe";
    default: return "unknown";
    }
}

const char *mum_cat_how_name(mum_cat_how how)
{
    switch (how) {
    case MUM_CAT_HOW_PE_SHA256: return "authenticode-sha256";
    case MUM_CAT_HOW_PE_SHA1: return "authenticode-sha1";
    case MUM_CAT_HOW_FLAT_SHA256: return "sha256";
    case MUM_CAT_HOW_FLAT_SHA1: return "sha1";
    default: return "?";
    }
}

void mum__cat_attrs_free(mum_cat_attr *a, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        mum__free(a[i].name);
        mum__free(a[i].value);
    }
    mum__free(a);
}

void mum_catalog_free(mum_catalog *cat)
{
    if (!cat)
        return;
    if (cat->packed) {
        /* with the catalog's attributes, list id and sequence number */
        mum__free(cat->packed);
    } else {
        mum__free(cat->bytes);
        mum__free(cat->strings);
        mum__free(cat->member_attrs);
        if (cat->attrs)
            mum__cat_attrs_free(cat->attrs, cat->info.attr_count);
        mum__free(cat->info.list_id);
        mum__free(cat->info.sequence_number);
    }
    mum__free(cat->members);
    if (cat->own_subject_algorithm)
        mum__free(cat->info.subject_algorithm);
    mum_signature_free(cat->sig);
    mum__free(cat);
}

void mum__catalog_release_content(mum_catalog *cat)
{
    if (cat)
        mum__signature_release_content(cat->sig);
}

const mum_catalog_info *mum_catalog_get_info(const mum_catalog *cat)
{
    return cat ? &cat->info : NULL;
}

const mum_cat_member *mum_catalog_member(const mum_catalog *cat, size_t i)
{
    return cat && i < cat->info.member_count ? &cat->members[i] : NULL;
}

const mum_cat_attr *mum_catalog_attr(const mum_catalog *cat, size_t i)
{
    return cat && i < cat->info.attr_count ? &cat->attrs[i] : NULL;
}

bool mum__catalog_packed(const mum_catalog *cat)
{
    return cat && cat->packed;
}

const mum_signature *mum_catalog_signature(const mum_catalog *cat)
{
    return cat ? cat->sig : NULL;
}

const char *mum__cat_attr_lookup(const mum_cat_attr *a, size_t n, const char *name)
{
    for (size_t i = 0; name && i < n; i++)
        if (mum__ascii_strcasecmp(a[i].name, name) == 0)
            return a[i].value;
    return NULL;
}

const char *mum_catalog_attr_value(const mum_catalog *cat, const char *name)
{
    return cat ? mum__cat_attr_lookup(cat->attrs, cat->info.attr_count, name) : NULL;
}

const char *mum_cat_member_attr(const mum_cat_member *m, const char *name)
{
    return m ? mum__cat_attr_lookup(m->attrs, m->attr_count, name) : NULL;
}

/* A tag that is kept follows the digest in the catalog's bytes, and its
 * text follows it (member_keep): the member needs no pointer to it. */
static const uint8_t *stored_tag(const mum_cat_member *m)
{
    return m->digest + m->digest_len;
}

static bool form_is_upper(unsigned form)
{
    return form == MUM_CAT_TAG_HEX_UPPER || form == MUM_CAT_TAG_HEX_UPPER_NUL;
}

static bool form_has_nul(unsigned form)
{
    return form == MUM_CAT_TAG_HEX_UPPER_NUL || form == MUM_CAT_TAG_HEX_LOWER_NUL;
}

const char *mum_cat_member_tag_text(const mum_cat_member *m, char buf[MUM_CAT_TAG_TEXT_MAX])
{
    if (!m || !buf)
        return NULL;
    if (m->tag_form == MUM_CAT_TAG_STORED)
        return (const char *)stored_tag(m) + m->tag_len;
    mum_hex_encode(buf, m->digest, m->digest_len);
    if (form_is_upper(m->tag_form))
        for (char *c = buf; *c; c++)
            if (*c >= 'a' && *c <= 'f')
                *c = (char)(*c - 'a' + 'A');
    return buf;
}

const uint8_t *mum_cat_member_tag(const mum_cat_member *m, uint8_t buf[MUM_CAT_TAG_MAX])
{
    if (!m || !buf)
        return NULL;
    if (m->tag_form == MUM_CAT_TAG_STORED)
        return stored_tag(m);
    if (m->tag_form == MUM_CAT_TAG_DIGEST)
        return m->digest;
    /* v1: the text as UTF-16LE, and its NUL when it had one */
    char text[MUM_CAT_TAG_TEXT_MAX];
    size_t n = 2 * (size_t)m->digest_len;
    mum_cat_member_tag_text(m, text);
    for (size_t i = 0; i < n; i++) {
        buf[2 * i] = (uint8_t)text[i];
        buf[2 * i + 1] = 0;
    }
    if (form_has_nul(m->tag_form))
        buf[2 * n] = buf[2 * n + 1] = 0;
    return buf;
}

/* ======================================================================
 * Parsing
 * ====================================================================== */

/* A parse failure at an offset of the catalog file. */
typedef struct parse_state {
    mum_ctx *ctx;
    const mum_location *where;
    char why[256];
    /* the DER contents of the member attribute types (cat_oids_get) */
    const uint8_t *oid_indirect, *oid_namevalue, *oid_info, *oid_info2;
    size_t len_indirect, len_namevalue, len_info, len_info2;
} parse_state;

/* The attribute types' DER contents, made once a process (asn1.c):
 * encoding the four from their dotted text cost about 2 500 instructions
 * a catalog. */
static bool cat_oids_get(parse_state *ps)
{
    return mum__oid_known_der(MUM_OID_SPC_INDIRECT_DATA, &ps->oid_indirect, &ps->len_indirect) &&
           mum__oid_known_der(OID_CAT_NAMEVALUE, &ps->oid_namevalue, &ps->len_namevalue) &&
           mum__oid_known_der(OID_CAT_MEMBERINFO, &ps->oid_info, &ps->len_info) &&
           mum__oid_known_der(OID_CAT_MEMBERINFO2, &ps->oid_info2, &ps->len_info2);
}

static int fail_at(parse_state *ps, int status, uint64_t offset, const char *fmt, ...)
    MUM_PRINTF(4, 5);

static int fail_at(parse_state *ps, int status, uint64_t offset, const char *fmt, ...)
{
    ERR_clear_error();
    if (status == MUM_ENOMEM)
        return mum__nomem(ps->ctx);
    mum_location loc = {0};
    if (ps->where) {
        loc.input = ps->where->input;
        loc.entry = ps->where->entry;
    }
    loc.offset = offset;
    loc.has_offset = true;
    va_list ap;
    va_start(ap, fmt);
    int rc = mum__verror(ps->ctx, status, &loc, fmt, ap);
    va_end(ap);
    return rc;
}

/* BMPString contents (UTF-16BE) as UTF-8. */
static int bmp_text(const mum__der_el *s, char **out)
{
    bool bad;
    *out = mum__utf16_to_utf8(s->body, s->len, true, &bad);
    return *out ? MUM_OK : bad ? MUM_EFORMAT : MUM_ENOMEM;
}

/* A BMPString element: the tag, and whole UTF-16 units as a decoder wants. */
static bool take_bmp(mum__der *c, mum__der_el *e)
{
    return mum__der_take(c, MUM_DER_BMPSTRING, e) && e->len % 2 == 0;
}

/* Decodes a CAT_NAMEVALUE from its complete DER. */
static int namevalue_decode(const unsigned char *der, size_t len, mum_cat_attr *out, char *why,
                            size_t why_size)
{
    memset(out, 0, sizeof *out);
    mum__der top = mum__der_over(der, len), in;
    mum__der_el seq, tag, flags, value;
    int range = -1;
    if (mum__der_take(&top, MUM_DER_SEQUENCE, &seq) && mum__der_done(&top)) {
        in = mum__der_in(&seq);
        if (take_bmp(&in, &tag) && mum__der_take(&in, MUM_DER_INTEGER, &flags) &&
            mum__der_take(&in, MUM_DER_OCTET_STRING, &value) && mum__der_done(&in))
            range = mum__der_small_uint(&flags, &out->flags);
    }
    if (range < 0) {
        out->flags = 0;
        snprintf(why, why_size, "a malformed CAT_NAMEVALUE attribute");
        return MUM_EFORMAT;
    }
    int rc = bmp_text(&tag, &out->name);
    bool bad = false;
    if (rc == MUM_OK) {
        out->value = mum__utf16_to_utf8(value.body, value.len, false, &bad);
        rc = out->value ? MUM_OK : bad ? MUM_EFORMAT : MUM_ENOMEM;
    }
    if (rc == MUM_OK && range == 0)
        rc = MUM_EFORMAT;
    if (rc == MUM_EFORMAT)
        snprintf(why, why_size, "CAT_NAMEVALUE '%s': %s", out->name ? out->name : "?",
                 !out->name ? "its name is not UTF-16" : bad ? "its value is not UTF-16 text"
                                                             : "flags out of range");
    if (rc != MUM_OK) {
        mum__free(out->name);
        mum__free(out->value);
        memset(out, 0, sizeof *out);
    }
    return rc;
}

/*
 * The members' blocks while they are parsed.  Members point into blocks
 * that still grow, so they are kept as offsets here and become pointers in
 * model_finish.  Strings are stored once each (an OID, a GUID, "File",
 * "OSAttr" and its value repeat in every member): each is hashed once, on
 * the way in.
 */
enum { NO_OFF = 0 };            /* an offset field that names nothing; real ones are 1-based */

typedef struct member_offs {
    size_t digest;              /* in bytes (1-based), then the tag and its text if kept */
    size_t data_type, sip_guid; /* in strings; NO_OFF when absent */
} member_offs;

typedef struct attr_offs {
    size_t name, value;         /* in strings */
    uint32_t flags;
} attr_offs;

typedef struct model_build {
    char *strings;
    size_t strings_len, strings_cap;
    mum_hashidx seen;           /* the strings stored, by their text: offset - 1 */
    uint8_t *bytes;
    size_t bytes_len, bytes_cap;
    member_offs *offs;          /* one per member */
    attr_offs *attrs;           /* every member's attributes, in member order */
    size_t attrs_len, attrs_cap;
    char **values;              /* the values of the member's attributes, until values_keep */
    size_t values_len, values_cap;
} model_build;

static void model_build_clear(model_build *b)
{
    mum__free(b->strings);
    mum__hashidx_free(&b->seen);
    mum__free(b->bytes);
    mum__free(b->offs);
    mum__free(b->attrs);
    for (size_t i = 0; i < b->values_len; i++)
        mum__free(b->values[i]);
    mum__free(b->values);
    memset(b, 0, sizeof *b);
}

/* Appends n bytes to a block; *at gets their offset, 1-based. */
static bool block_put(void *block, size_t *len, size_t *cap, const void *p, size_t n, size_t *at)
{
    if (*len > SIZE_MAX - n - 1 || !mum__grow((void **)block, cap, *len + n + 1, 1))
        return false;
    if (n)
        memcpy(*(uint8_t **)block + *len, p, n);
    *at = *len + 1;
    *len += n;
    return true;
}

/* A text sought among the stored strings (intern_same). */
typedef struct intern_key {
    const char *strings;        /* model_build.strings as it is now */
    const char *s;
    size_t len;
} intern_key;

static bool intern_same(const void *ctx, uint32_t value)
{
    const intern_key *k = ctx;
    const char *have = k->strings + value;
    /* strncmp: a shorter stored string ends before the block may */
    return strncmp(have, k->s, k->len) == 0 && have[k->len] == '\0';
}

static size_t text_hash(const char *s, size_t *len)
{
    size_t h = (size_t)14695981039346656037ULL, n = 0;
    for (; s[n]; n++)
        h = (h ^ (unsigned char)s[n]) * (size_t)1099511628211ULL;
    *len = n;
    return h;
}

/* The offset (1-based) of the stored copy of s, stored now if it is new. */
static bool intern(model_build *b, const char *s, size_t *at)
{
    intern_key k = {b->strings, s, 0};
    size_t h = text_hash(s, &k.len);
    uint32_t have = mum__hashidx_get(&b->seen, h, intern_same, &k);
    if (have != MUM_HASHIDX_NONE) {
        *at = (size_t)have + 1;
        return true;
    }
    if (!block_put(&b->strings, &b->strings_len, &b->strings_cap, s, k.len + 1, at) || *at - 1 >= UINT32_MAX)
        return false; /* the index holds 32-bit offsets (never so many strings) */
    k.strings = b->strings; /* it may have moved */
    return mum__hashidx_put(&b->seen, h, (uint32_t)(*at - 1), intern_same, &k, NULL) == MUM_OK;
}

enum { MAX_SUFFIX_SEARCH = 8 };  /* attributes of a member compared with each other */

/*
 * Interns the member's attribute values (b->values, from attribute
 * `first` on).  A value that ends another one of the member, as "File"
 * = "netcfgx.dll" ends "Hint" = "keyform\\netcfgx.dll", is stored as that
 * one's tail unless the text is stored already.
 */
static bool values_keep(model_build *b, size_t first)
{
    size_t k = b->values_len;
    char **v = b->values;
    size_t host[MAX_SUFFIX_SEARCH], len[MAX_SUFFIX_SEARCH];
    bool search = k <= MAX_SUFFIX_SEARCH;
    for (size_t i = 0; search && i < k; i++)
        len[i] = strlen(v[i]);
    /* the longest value each one ends: that one ends no other */
    for (size_t i = 0; i < k; i++) {
        if (search) {
            host[i] = SIZE_MAX;
            for (size_t j = 0; j < k; j++)
                if (len[j] > len[i] && (host[i] == SIZE_MAX || len[j] > len[host[i]]) &&
                    memcmp(v[j] + len[j] - len[i], v[i], len[i]) == 0)
                    host[i] = j;
        }
        if ((!search || host[i] == SIZE_MAX) && !intern(b, v[i], &b->attrs[first + i].value))
            return false;
    }
    for (size_t i = 0; search && i < k; i++) {
        if (host[i] == SIZE_MAX)
            continue;
        intern_key key = {b->strings, v[i], 0};
        size_t h = text_hash(v[i], &key.len);
        uint32_t have = mum__hashidx_get(&b->seen, h, intern_same, &key);
        if (have == MUM_HASHIDX_NONE) { /* its host's tail (the host's offset is 1-based) */
            have = (uint32_t)(b->attrs[first + host[i]].value - 1 + len[host[i]] - key.len);
            if (mum__hashidx_put(&b->seen, h, have, intern_same, &key, NULL) != MUM_OK)
                return false;
        }
        b->attrs[first + i].value = (size_t)have + 1;
    }
    for (size_t i = 0; i < k; i++)
        mum__free(v[i]);
    b->values_len = 0;
    return true;
}

/* A member's parts that are not kept as they are decoded. */
typedef struct member_work {
    char *text;                 /* the tag's text */
    char *data_type, *sip_guid;
    uint8_t digest[MUM_HASH_MAX_SIZE];
    size_t digest_len;
    mum_hash_alg alg;
} member_work;

static bool oid_eq(const mum__der_el *oid, const uint8_t *der, size_t len)
{
    return oid->len == len && memcmp(oid->body, der, len) == 0;
}

/* One attribute (SEQUENCE { type OBJECT IDENTIFIER, values SET OF ANY }):
 * its type and first value (first->size 0 when it has none).  False when
 * malformed. */
static bool attribute_read(const mum__der_el *a, mum__der_el *type, mum__der_el *first)
{
    first->size = 0;
    if (a->tag != MUM_DER_SEQUENCE)
        return false;
    mum__der c = mum__der_in(a), vc;
    mum__der_el values, v;
    if (!mum__der_take(&c, MUM_DER_OID, type) || !mum__der_oid_valid(type->body, type->len) ||
        !mum__der_take(&c, MUM_DER_SET, &values) || !mum__der_done(&c))
        return false;
    vc = mum__der_in(&values);
    int r;
    while ((r = mum__der_next(&vc, &v)) == 1)
        if (first->size == 0)
            *first = v;
    return r == 0;
}

/* Decodes one member's attributes (the SET OF Attribute) into m and w. */
static int member_attrs(parse_state *ps, model_build *b, const mum__der_el *set, mum_cat_member *m,
                        member_work *w, uint64_t off)
{
    mum__der c = mum__der_in(set);
    mum__der_el a, type, first;
    int r;
    while ((r = mum__der_next(&c, &a)) == 1) {
        if (!attribute_read(&a, &type, &first))
            break;
        const mum__der_el *seq = first.size && first.tag == MUM_DER_SEQUENCE ? &first : NULL;
        int rc;
        if (oid_eq(&type, ps->oid_indirect, ps->len_indirect)) {
            if (!seq || m->has_indirect_data)
                return fail_at(ps, MUM_EFORMAT, off, "member %s: a malformed or repeated SPC_INDIRECT_DATA",
                               w->text);
            mum__indirect ind;
            rc = mum__indirect_decode(seq->start, seq->size, &ind, ps->why, sizeof ps->why);
            if (rc != MUM_OK)
                return fail_at(ps, rc, off, "member %s: SPC_INDIRECT_DATA: %s", w->text, ps->why);
            m->has_indirect_data = true;
            w->data_type = ind.type_oid;
            ind.type_oid = NULL;
            w->alg = ind.alg;
            w->digest_len = ind.digest_len;
            memcpy(w->digest, ind.digest, ind.digest_len);
            mum__indirect_clear(&ind);
        } else if (oid_eq(&type, ps->oid_namevalue, ps->len_namevalue)) {
            mum_cat_attr nv;
            if (!seq)
                return fail_at(ps, MUM_EFORMAT, off, "member %s: a malformed CAT_NAMEVALUE", w->text);
            rc = namevalue_decode(seq->start, seq->size, &nv, ps->why, sizeof ps->why);
            if (rc != MUM_OK)
                return fail_at(ps, rc, off, "member %s: %s", w->text, ps->why);
            /* the value waits for the member's others (values_keep) */
            bool ok = mum__grow((void **)&b->attrs, &b->attrs_cap, b->attrs_len + 1, sizeof *b->attrs) &&
                      mum__grow((void **)&b->values, &b->values_cap, b->values_len + 1, sizeof *b->values) &&
                      m->attr_count < UINT32_MAX && intern(b, nv.name, &b->attrs[b->attrs_len].name);
            mum__free(nv.name);
            if (!ok) {
                mum__free(nv.value);
                return mum__nomem(ps->ctx);
            }
            b->values[b->values_len++] = nv.value;
            b->attrs[b->attrs_len].value = NO_OFF;
            b->attrs[b->attrs_len++].flags = nv.flags;
            m->attr_count++;
        } else if (oid_eq(&type, ps->oid_info, ps->len_info)) {
            /* CAT_MEMBERINFO ::= SEQUENCE { subjectGuid BMPString, certVersion INTEGER } */
            mum__free(w->sip_guid); /* a repeated one: the last counts */
            w->sip_guid = NULL;
            mum__der in = seq ? mum__der_in(seq) : mum__der_over(NULL, 0);
            mum__der_el guid, version;
            rc = seq && take_bmp(&in, &guid) && mum__der_take(&in, MUM_DER_INTEGER, &version) &&
                         mum__der_done(&in) && mum__der_small_uint(&version, &m->member_info_version) == 1
                     ? bmp_text(&guid, &w->sip_guid)
                     : MUM_EFORMAT;
            if (rc != MUM_OK)
                return fail_at(ps, rc, off, "member %s: a malformed CAT_MEMBERINFO", w->text);
        } else if (oid_eq(&type, ps->oid_info2, ps->len_info2)) {
            /* a context-tagged choice: its tag number says PE (0) or flat (2) */
            if (first.size && (first.tag & 0xc0) == 0x80)
                m->member_info2 = (int8_t)(first.tag & 0x1f);
        }
        /* other attributes are kept by Windows for its own use; ignored */
    }
    if (r != 0)
        return fail_at(ps, MUM_EFORMAT, off, "member %s: a malformed attribute", w->text);
    return values_keep(b, b->attrs_len - m->attr_count) ? MUM_OK : mum__nomem(ps->ctx);
}

/* Reads a v1 tag (UTF-16LE hex text) into a digest. */
static bool hex_tag_digest(const char *text, member_work *w)
{
    size_t n = strlen(text), len;
    if (mum_hex_decode(w->digest, sizeof w->digest, &len, text, n) != MUM_OK)
        return false;
    w->digest_len = len;
    return true;
}

static mum_hash_alg alg_by_size(size_t n)
{
    return n == 20 ? MUM_HASH_SHA1 : n == 32 ? MUM_HASH_SHA256 : MUM_HASH_NONE;
}

/* One CTL entry (TrustedSubject ::= SEQUENCE { identifier OCTET STRING,
 * attributes SET OF Attribute OPTIONAL }): its identifier and attributes
 * (attrs->size 0 when absent).  False when malformed. */
static bool entry_read(const mum__der_el *e, mum__der_el *id, mum__der_el *attrs)
{
    attrs->size = 0;
    if (e->tag != MUM_DER_SEQUENCE)
        return false;
    mum__der c = mum__der_in(e);
    if (!mum__der_take(&c, MUM_DER_OCTET_STRING, id))
        return false;
    if (!mum__der_done(&c) && !mum__der_take(&c, MUM_DER_SET, attrs))
        return false;
    return mum__der_done(&c);
}

/*
 * How the tag relates to the digest (mum_cat_tag_form): v1 tags are the
 * digest's hex as UTF-16LE text, the others its bytes.  A tag that is
 * anything else (another digest, mixed case, not a digest at all) is
 * stored as it is.
 */
static mum_cat_tag_form tag_form_of(int version, const uint8_t *tag, size_t len, const uint8_t *d, size_t dlen)
{
    if (version != 1)
        return len == dlen && (len == 0 || memcmp(tag, d, len) == 0) ? MUM_CAT_TAG_DIGEST : MUM_CAT_TAG_STORED;
    size_t n = 4 * dlen;
    bool nul = len == n + 2 && tag[n] == 0 && tag[n + 1] == 0;
    if (len != n && !nul)
        return MUM_CAT_TAG_STORED;
    static const char upper[] = "0123456789ABCDEF", lower[] = "0123456789abcdef";
    bool up = true, low = true;
    for (size_t i = 0; i < 2 * dlen && (up || low); i++) {
        unsigned nib = i % 2 ? d[i / 2] & 0xfu : d[i / 2] >> 4;
        if (tag[2 * i + 1] != 0)
            return MUM_CAT_TAG_STORED;
        up = up && tag[2 * i] == (uint8_t)upper[nib];
        low = low && tag[2 * i] == (uint8_t)lower[nib];
    }
    if (up)
        return nul ? MUM_CAT_TAG_HEX_UPPER_NUL : MUM_CAT_TAG_HEX_UPPER;
    if (low)
        return nul ? MUM_CAT_TAG_HEX_LOWER_NUL : MUM_CAT_TAG_HEX_LOWER;
    return MUM_CAT_TAG_STORED;
}

/* Keeps what member_decode read of a member: its digest, its tag when the
 * digest does not give it, its strings. */
static bool member_keep(model_build *b, int version, const mum__der_el *id, member_work *w,
                        mum_cat_member *m, member_offs *mo)
{
    m->digest_len = (uint8_t)w->digest_len;
    m->alg = (uint8_t)w->alg;
    m->tag_form = (uint8_t)tag_form_of(version, id->body, id->len, w->digest, w->digest_len);
    if (!block_put(&b->bytes, &b->bytes_len, &b->bytes_cap, w->digest, w->digest_len, &mo->digest))
        return false;
    if (m->tag_form == MUM_CAT_TAG_STORED) { /* right after the digest (stored_tag) */
        size_t at;
        if (!block_put(&b->bytes, &b->bytes_len, &b->bytes_cap, id->body, id->len, &at) ||
            !block_put(&b->bytes, &b->bytes_len, &b->bytes_cap, w->text, strlen(w->text) + 1, &at))
            return false;
    }
    mo->data_type = mo->sip_guid = NO_OFF;
    return (!w->data_type || intern(b, w->data_type, &mo->data_type)) &&
           (!w->sip_guid || intern(b, w->sip_guid, &mo->sip_guid));
}

/* Fills a member from a CTL entry (well formed: the first pass read it). */
static int member_decode(parse_state *ps, model_build *b, int version, const mum__der_el *e,
                         mum_cat_member *m, member_offs *mo, uint64_t off)
{
    mum__der_el id, attrs;
    entry_read(e, &id, &attrs);
    m->offset = (uint32_t)off; /* the catalog is at most 1 GiB */
    m->member_info2 = -1;
    m->tag_len = (uint32_t)id.len;
    member_work w = {0};
    bool bad = false;
    if (version == 1)
        w.text = mum__utf16_to_utf8(id.body, id.len, false, &bad);
    if (!w.text && !bad && version == 1)
        return mum__nomem(ps->ctx);
    if (!w.text) {
        if (id.len > (SIZE_MAX - 1) / 2 || !(w.text = mum__malloc(2 * id.len + 1)))
            return mum__nomem(ps->ctx);
        mum_hex_encode(w.text, id.body, id.len);
    }
    int rc = attrs.size ? member_attrs(ps, b, &attrs, m, &w, off) : MUM_OK;
    if (rc == MUM_OK) {
        if (!m->has_indirect_data) {
            /* The digest is the tag: raw in v2, hex text in v1. */
            if (version == 1 && !bad) {
                if (!hex_tag_digest(w.text, &w))
                    w.digest_len = 0;
            } else if (id.len <= MUM_HASH_MAX_SIZE) {
                memcpy(w.digest, id.body, id.len);
                w.digest_len = id.len;
            }
            w.alg = alg_by_size(w.digest_len);
        }
        if (w.data_type && strcmp(w.data_type, MUM_OID_SPC_PE_IMAGE_DATA) == 0)
            m->kind = MUM_CAT_KIND_PE;
        else if (w.data_type && strcmp(w.data_type, MUM_OID_SPC_CAB_DATA) == 0)
            m->kind = MUM_CAT_KIND_FLAT;
        else if (w.data_type)
            m->kind = MUM_CAT_KIND_UNKNOWN;
        else if (m->member_info2 == 0 || (w.sip_guid && strcmp(w.sip_guid, SIP_GUID_PE) == 0))
            m->kind = MUM_CAT_KIND_PE;
        else if (m->member_info2 == 2 || (w.sip_guid && strcmp(w.sip_guid, SIP_GUID_FLAT) == 0))
            m->kind = MUM_CAT_KIND_FLAT;
        if (!member_keep(b, version, &id, &w, m, mo))
            rc = mum__nomem(ps->ctx);
    }
    mum__free(w.text);
    mum__free(w.data_type);
    mum__free(w.sip_guid);
    return rc;
}

/*
 * Where the entries start in the catalog file: the templates decoded the
 * CTL already; this walks the headers of its top-level fields to the third
 * universal SEQUENCE (subjectUsage, subjectAlgorithm, entries).  The
 * offset of the entries' header, or `fallback` when the walk cannot tell
 * (an encoding that is not DER).
 */
static uint64_t entries_offset(const uint8_t *ctl, size_t len, uint64_t base, size_t entries_size,
                               uint64_t fallback)
{
    mum__der top = mum__der_over(ctl, len), c;
    mum__der_el whole, f;
    if (mum__der_next(&top, &whole) != 1)
        return fallback;
    c = mum__der_in(&whole);
    int sequences = 0;
    while (mum__der_next(&c, &f) == 1)
        if (f.tag == MUM_DER_SEQUENCE && ++sequences == 3)
            return f.size == entries_size ? base + (uint64_t)(f.start - ctl) : fallback;
    return fallback;
}

/* The digest index: member indices by (digest length, digest, index). */
typedef struct index_key {
    const uint8_t *digest;
    size_t len;
    size_t member;
} index_key;

static int cmp_index_key(const void *a, const void *b)
{
    const index_key *x = a, *y = b;
    if (x->len != y->len)
        return x->len < y->len ? -1 : 1;
    int c = memcmp(x->digest, y->digest, x->len);
    if (c)
        return c;
    return x->member < y->member ? -1 : x->member > y->member;
}

/*
 * Points the members into their blocks once these stop growing: tens of
 * thousands of members become three blocks (bytes, distinct strings, the
 * attribute array) and the member array, which is what a graph of 60 000
 * manifests keeps of its catalogs for the judge.  On MUM_ENOMEM the
 * catalog has no members' blocks (b keeps them: the caller clears it).
 */
/* The most a catalog's blocks take to be put in one allocation: a small
 * catalog's (a few members: tens of bytes each). */
#define MODEL_PACK_MAX 16384

static void model_point(mum_catalog *cat, model_build *b, mum_cat_attr *attrs);
static int model_finish_packed(mum_catalog *cat, model_build *b, size_t size);

static int model_finish(mum_catalog *cat, model_build *b)
{
    size_t packed = b->attrs_len * sizeof(mum_cat_attr) + b->bytes_len + 1 + b->strings_len;
    if (packed <= MODEL_PACK_MAX)
        return model_finish_packed(cat, b, packed);
    mum_cat_attr *attrs = b->attrs_len ? mum__calloc(b->attrs_len, sizeof *attrs) : NULL;
    if (b->attrs_len && !attrs)
        return MUM_ENOMEM;
    /* the blocks grew by doubling: give back what they do not use.  A
     * failure here is reported although the catalog could live with it, so
     * that every failed allocation of a parse is its error. */
    char *strings = b->strings_len ? mum__realloc(b->strings, b->strings_len) : NULL;
    if (strings)
        b->strings = strings;
    uint8_t *bytes = strings || !b->strings_len ? mum__realloc(b->bytes, b->bytes_len + 1) : NULL;
    if (bytes)
        b->bytes = bytes;
    if (!bytes) {
        mum__free(attrs);
        return MUM_ENOMEM;
    }
    model_point(cat, b, attrs);
    return MUM_OK;
}

/* Points the members into b's blocks (attrs: the attribute array), which
 * become the catalog's. */
static void model_point(mum_catalog *cat, model_build *b, mum_cat_attr *attrs)
{
    size_t n = cat->info.member_count;
    /* offsets are 1-based; every member has a digest (maybe empty), so
     * bytes is allocated when there are members */
    char *str = b->strings;
    const uint8_t *byt = b->bytes;
    for (size_t k = 0; k < b->attrs_len; k++) {
        attrs[k].name = str + b->attrs[k].name - 1;
        attrs[k].flags = b->attrs[k].flags;
        attrs[k].value = str + b->attrs[k].value - 1;
    }
    size_t next = 0;
    for (size_t i = 0; i < n; i++) {
        mum_cat_member *m = &cat->members[i];
        const member_offs *mo = &b->offs[i];
        m->digest = byt + mo->digest - 1;
        m->data_type = mo->data_type != NO_OFF ? str + mo->data_type - 1 : NULL;
        m->sip_guid = mo->sip_guid != NO_OFF ? str + mo->sip_guid - 1 : NULL;
        m->attrs = m->attr_count ? attrs + next : NULL;
        next += m->attr_count;
    }
    cat->strings = b->strings;
    cat->bytes = b->bytes;
    cat->member_attrs = attrs;
    b->strings = NULL;
    b->bytes = NULL;
}

/* A copy of s at *at (advanced past it), NULL for NULL. */
static char *pack_str(char **at, const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *out = memcpy(*at, s, n);
    *at += n;
    return out;
}

/* model_finish for a small catalog: its three blocks and what the catalog
 * holds beside its members (its attributes, list id and sequence number)
 * copied into one allocation (a package's catalogs are kept by every
 * package of a verify: some seven allocations a catalog less, and their
 * overhead).  size: the members' blocks' bytes. */
static int model_finish_packed(mum_catalog *cat, model_build *b, size_t size)
{
    mum_catalog_info *info = &cat->info;
    size_t nattr = info->attr_count;
    size += nattr * sizeof(mum_cat_attr);
    for (size_t i = 0; i < nattr; i++)
        size += strlen(cat->attrs[i].name) + strlen(cat->attrs[i].value) + 2;
    size += (info->list_id ? strlen(info->list_id) + 1 : 0) +
            (info->sequence_number ? strlen(info->sequence_number) + 1 : 0);
    mum_cat_attr *attrs = mum__calloc(1, size);
    if (!attrs)
        return MUM_ENOMEM;
    mum_cat_attr *cattrs = attrs + b->attrs_len;
    uint8_t *bytes = (uint8_t *)(cattrs + nattr);
    char *strings = (char *)bytes + b->bytes_len + 1;
    char *more = strings + b->strings_len;
    if (b->bytes_len)
        memcpy(bytes, b->bytes, b->bytes_len);
    if (b->strings_len)
        memcpy(strings, b->strings, b->strings_len);
    for (size_t i = 0; i < nattr; i++) {
        cattrs[i].flags = cat->attrs[i].flags;
        cattrs[i].name = pack_str(&more, cat->attrs[i].name);
        cattrs[i].value = pack_str(&more, cat->attrs[i].value);
    }
    char *list_id = pack_str(&more, info->list_id);
    char *sequence = pack_str(&more, info->sequence_number);
    if (cat->attrs)
        mum__cat_attrs_free(cat->attrs, nattr);
    mum__free(info->list_id);
    mum__free(info->sequence_number);
    cat->attrs = nattr ? cattrs : NULL;
    info->list_id = list_id;
    info->sequence_number = sequence;
    mum__free(b->bytes);
    mum__free(b->strings);
    b->bytes = bytes;
    b->strings = strings;
    model_point(cat, b, b->attrs_len ? attrs : NULL);
    cat->packed = attrs;
    return MUM_OK;
}

static int build_index(mum_catalog *cat)
{
    size_t n = cat->info.member_count;
    if (n == 0)
        return MUM_OK;
    index_key *keys = mum__calloc(n, sizeof *keys);
    if (!keys)
        return MUM_ENOMEM;
    cat->index = (uint32_t *)(cat->members + n); /* n < 2^32: the catalog is at most 1 GiB */
    for (size_t i = 0; i < n; i++) {
        keys[i].digest = cat->members[i].digest;
        keys[i].len = cat->members[i].digest_len;
        keys[i].member = i;
    }
    qsort(keys, n, sizeof *keys, cmp_index_key);
    for (size_t i = 0; i < n; i++)
        cat->index[i] = (uint32_t)keys[i].member;
    mum__free(keys);
    return MUM_OK;
}

/*
 * The certificate trust list read in place, without OpenSSL's template
 * decoder: that decoder made some 17 objects a catalog (two a small
 * package) only for the few fields below, about 22 000 instructions with
 * their frees.  Only a list in plain DER that OpenSSL decodes to the same
 * fields is taken here: each element with its expected universal tag,
 * primitive or constructed as DER has it, lengths in their shortest form,
 * no trailing bytes, valid OIDs, a non-negative INTEGER without padding,
 * times ASN1_TIME_to_tm reads, algorithm parameters absent or NULL,
 * extensions' criticality absent or TRUE.  Anything else (BER, odd
 * encodings, damage) goes to ASN1_item_d2i as before, so the fields,
 * messages and offsets of every other list are those it gives.
 */
typedef struct ctl_fields {
    mum__der_el alg;                 /* subjectAlgorithm's OID */
    bool has_list_id, has_sequence, has_next_update, has_entries;
    mum__der_el list_id, sequence;   /* OCTET STRING, INTEGER (contents) */
    int64_t this_update, next_update;
    const uint8_t *entries;          /* the whole SEQUENCE element */
    size_t entries_size;
    mum__der exts;                   /* the extensions, one SEQUENCE each */
} ctl_fields;

static bool ctl_in_place = true; /* tests read every list both ways */

void mum__catalog_ctl_in_place(bool on)
{
    ctl_in_place = on;
}

/* The next element, in DER: a low tag number and the shortest length. */
static bool der_strict(mum__der *c, unsigned tag, mum__der_el *e)
{
    mum__der save = *c;
    if (mum__der_next(c, e) != 1 || e->tag != tag) {
        *c = save;
        return false;
    }
    size_t head = e->size - e->len;
    size_t want = e->len < 0x80 ? 2 : e->len <= 0xff ? 3 : e->len <= 0xffff ? 4 : e->len <= 0xffffff ? 5 : 6;
    if (head != want) {
        *c = save;
        return false;
    }
    return true;
}

static bool der_oid_strict(mum__der *c, mum__der_el *e)
{
    return der_strict(c, MUM_DER_OID, e) && mum__der_oid_valid(e->body, e->len);
}

/* A UTCTime or GeneralizedTime the way mum__asn1_time_get reads it. */
static bool der_time(mum__der *c, int64_t *out)
{
    mum__der_el e;
    int type = V_ASN1_UTCTIME;
    if (!der_strict(c, V_ASN1_UTCTIME, &e)) {
        if (!der_strict(c, V_ASN1_GENERALIZEDTIME, &e))
            return false;
        type = V_ASN1_GENERALIZEDTIME;
    }
    if (e.len > INT_MAX)
        return false;
    ASN1_TIME t = {.length = (int)e.len, .type = type, .data = (unsigned char *)e.body, .flags = 0};
    return mum__asn1_time_get(&t, out);
}

static bool ctl_read_in_place(const uint8_t *der, size_t len, ctl_fields *f)
{
    memset(f, 0, sizeof *f);
    mum__der top = mum__der_over(der, len), c, in;
    mum__der_el whole, e, x;
    if (!der_strict(&top, MUM_DER_SEQUENCE, &whole) || !mum__der_done(&top))
        return false;
    c = mum__der_in(&whole);
    /* subjectUsage: SEQUENCE OF OBJECT IDENTIFIER */
    if (!der_strict(&c, MUM_DER_SEQUENCE, &e))
        return false;
    for (in = mum__der_in(&e); !mum__der_done(&in);)
        if (!der_oid_strict(&in, &x))
            return false;
    f->has_list_id = der_strict(&c, MUM_DER_OCTET_STRING, &f->list_id);
    if ((f->has_sequence = der_strict(&c, MUM_DER_INTEGER, &f->sequence))) {
        const uint8_t *p = f->sequence.body;
        size_t n = f->sequence.len;
        if (n == 0 || (p[0] & 0x80) || (n > 1 && p[0] == 0 && !(p[1] & 0x80)))
            return false; /* empty, negative or padded: OpenSSL's reading */
    }
    if (!der_time(&c, &f->this_update))
        return false;
    mum__der save = c;
    f->has_next_update = der_time(&c, &f->next_update);
    if (!f->has_next_update) {
        mum__der probe = save;
        mum__der_el t;
        if (der_strict(&probe, V_ASN1_UTCTIME, &t) || der_strict(&probe, V_ASN1_GENERALIZEDTIME, &t))
            return false; /* a nextUpdate that does not read: OpenSSL's message */
        c = save;
    }
    /* subjectAlgorithm: SEQUENCE { OID, NULL or nothing } */
    if (!der_strict(&c, MUM_DER_SEQUENCE, &e))
        return false;
    in = mum__der_in(&e);
    if (!der_oid_strict(&in, &f->alg))
        return false;
    if (!mum__der_done(&in) && (!der_strict(&in, V_ASN1_NULL, &x) || x.len != 0 || !mum__der_done(&in)))
        return false;
    if (der_strict(&c, MUM_DER_SEQUENCE, &e)) {
        f->has_entries = true;
        f->entries = e.start;
        f->entries_size = e.size;
    }
    f->exts = mum__der_over(NULL, 0);
    if (der_strict(&c, 0xa0, &e)) {
        in = mum__der_in(&e);
        if (!der_strict(&in, MUM_DER_SEQUENCE, &x) || !mum__der_done(&in))
            return false;
        f->exts = mum__der_in(&x);
        /* each extension: SEQUENCE { OID, BOOLEAN TRUE or nothing, OCTET STRING } */
        for (mum__der all = f->exts; !mum__der_done(&all);) {
            mum__der_el ext, v;
            if (!der_strict(&all, MUM_DER_SEQUENCE, &ext))
                return false;
            mum__der one = mum__der_in(&ext);
            if (!der_oid_strict(&one, &v))
                return false;
            if (der_strict(&one, V_ASN1_BOOLEAN, &v) && (v.len != 1 || v.body[0] != 0xff))
                return false;
            if (!der_strict(&one, MUM_DER_OCTET_STRING, &v) || !mum__der_done(&one))
                return false;
        }
    }
    return mum__der_done(&c);
}

/* An INTEGER's contents as BN_bn2hex writes a non-negative one. */
static char *integer_hex(const mum__der_el *e)
{
    const uint8_t *p = e->body;
    size_t n = e->len;
    while (n && *p == 0) {
        p++;
        n--;
    }
    if (!n)
        return mum__strdup("0");
    char *out = mum__malloc(2 * n + 1);
    if (!out)
        return NULL;
    static const char hex[] = "0123456789ABCDEF";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = hex[p[i] >> 4];
        out[2 * i + 1] = hex[p[i] & 0x0f];
    }
    out[2 * n] = '\0';
    return out;
}

/* A name-value attribute of the catalog (an extension of that type). */
static int catalog_attr_add(parse_state *ps, mum_catalog *cat, const uint8_t *type, size_t type_len,
                            const uint8_t *value, size_t value_len, uint64_t off)
{
    if (type_len != ps->len_namevalue || memcmp(type, ps->oid_namevalue, type_len) != 0)
        return MUM_OK;
    mum_cat_attr a;
    int rc = namevalue_decode(value, value_len, &a, ps->why, sizeof ps->why);
    if (rc != MUM_OK)
        return fail_at(ps, rc, off, "catalog attribute: %s", ps->why);
    cat->attrs[cat->info.attr_count++] = a;
    return MUM_OK;
}

static int catalog_attrs_in_place(parse_state *ps, mum_catalog *cat, const ctl_fields *f, uint64_t off)
{
    size_t n = 0;
    mum__der_el ext, oid, v;
    for (mum__der all = f->exts; mum__der_next(&all, &ext) == 1;)
        n++;
    if (n == 0)
        return MUM_OK;
    if (!(cat->attrs = mum__calloc(n, sizeof *cat->attrs)))
        return mum__nomem(ps->ctx);
    for (mum__der all = f->exts; mum__der_next(&all, &ext) == 1;) {
        mum__der one = mum__der_in(&ext);
        mum__der_next(&one, &oid);
        if (!mum__der_take(&one, MUM_DER_OCTET_STRING, &v)) {
            mum__der_next(&one, &v); /* the criticality */
            mum__der_next(&one, &v);
        }
        int rc = catalog_attr_add(ps, cat, oid.body, oid.len, v.body, v.len, off);
        if (rc != MUM_OK)
            return rc;
    }
    return MUM_OK;
}

static int catalog_attrs(parse_state *ps, mum_catalog *cat, const MUM_CTL *ctl, uint64_t off)
{
    int n = sk_X509_EXTENSION_num(ctl->extensions);
    if (n <= 0)
        return MUM_OK;
    cat->attrs = mum__calloc((size_t)n, sizeof *cat->attrs);
    if (!cat->attrs)
        return mum__nomem(ps->ctx);
    for (int i = 0; i < n; i++) {
        X509_EXTENSION *x = sk_X509_EXTENSION_value(ctl->extensions, i);
        const ASN1_OBJECT *type = X509_EXTENSION_get_object(x);
        if (!type)
            continue;
        const ASN1_OCTET_STRING *v = X509_EXTENSION_get_data(x);
        int rc = catalog_attr_add(ps, cat, OBJ_get0_data(type), (size_t)OBJ_length(type),
                                  ASN1_STRING_get0_data(v), (size_t)ASN1_STRING_length(v), off);
        if (rc != MUM_OK)
            return rc;
    }
    return MUM_OK;
}

int mum_catalog_parse(mum_catalog **out, mum_ctx *ctx, const void *data, size_t size,
                      const mum_location *where)
{
    *out = NULL;
    parse_state ps = {.ctx = ctx, .where = where};
    if (!cat_oids_get(&ps))
        return mum__error(ctx, MUM_EINVAL, NULL, "cannot encode the catalog attribute OIDs"); /* constants */
    if (size > MAX_CATALOG_SIZE)
        return fail_at(&ps, MUM_ELIMIT, 0, "a catalog larger than 1 GiB (%zu bytes)", size);
    mum_catalog *cat = mum__calloc(1, sizeof *cat);
    if (!cat)
        return mum__nomem(ctx);
    MUM_CTL *ctl = NULL;
    model_build mb = {0};
    int rc = mum_signature_parse(&cat->sig, ctx, data, size, where);
    if (rc != MUM_OK)
        goto done;
    const char *ct = mum_signature_content_type(cat->sig);
    const uint8_t *der;
    size_t len, body;
    uint64_t ctl_off;
    mum_signature_content(cat->sig, &der, &len, &body, &ctl_off);
    if (strcmp(ct, MUM_OID_CTL) != 0 || !der) {
        rc = fail_at(&ps, MUM_EFORMAT, ctl_off, "not a catalog: the signed content is %s, not a "
                     "certificate trust list (%s)", ct, MUM_OID_CTL);
        goto done;
    }
    ctl_fields f;
    bool in_place = ctl_in_place && ctl_read_in_place(der, len, &f);
    mum_catalog_info *info = &cat->info;
    /* the two member formats' OIDs are constants (an allocation kept by
     * every catalog saved), any other the catalog's own text */
    static char member_v1[] = MUM_OID_CAT_MEMBER_V1, member_v2[] = MUM_OID_CAT_MEMBER_V2;
    static const uint8_t member_der[] = {0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x0c, 0x01}; /* .2, .3 */
    if (in_place && f.alg.len == sizeof member_der + 1 && memcmp(f.alg.body, member_der, sizeof member_der) == 0 &&
        (f.alg.body[sizeof member_der] == 2 || f.alg.body[sizeof member_der] == 3)) {
        info->subject_algorithm = f.alg.body[sizeof member_der] == 2 ? member_v1 : member_v2;
    } else if (in_place) {
        cat->own_subject_algorithm = true;
        /* mum__oid_text's text, which falls back to OpenSSL's for these */
        if (!(info->subject_algorithm = mum__der_oid_text(f.alg.body, f.alg.len))) {
            rc = mum__nomem(ctx);
            goto done;
        }
        if (strcmp(info->subject_algorithm, "?") == 0 || strlen(info->subject_algorithm) >= 128) {
            mum__free(info->subject_algorithm);
            info->subject_algorithm = NULL;
            cat->own_subject_algorithm = false;
            in_place = false;
        }
    }
    const unsigned char *q = der;
    if (!in_place && !(ctl = (MUM_CTL *)ASN1_item_d2i(NULL, &q, (long)len, ASN1_ITEM_rptr(MUM_CTL)))) {
        uint64_t off;
        char why[160];
        if (mum__der_problem(der, len, &off, why, sizeof why)) {
            rc = fail_at(&ps, MUM_EFORMAT, ctl_off + off, "malformed catalog list: %s", why);
        } else {
            mum_location loc = {where ? where->input : NULL, where ? where->entry : NULL, 0, 0, ctl_off, true};
            rc = mum__crypto_error(ctx, MUM_EFORMAT, &loc, "malformed catalog list");
        }
        goto done;
    }
    if (!in_place) {
        cat->own_subject_algorithm = true;
        if (!(info->subject_algorithm = mum__oid_text(ctl->subject_alg->algorithm))) {
            rc = mum__nomem(ctx);
            goto done;
        }
    }
    info->version = strcmp(info->subject_algorithm, MUM_OID_CAT_MEMBER_V1) == 0   ? 1
                    : strcmp(info->subject_algorithm, MUM_OID_CAT_MEMBER_V2) == 0 ? 2
                                                                                    : 0;
    if (in_place ? f.has_list_id : ctl->list_id != NULL) {
        size_t n = in_place ? f.list_id.len : (size_t)ASN1_STRING_length(ctl->list_id);
        if (!(info->list_id = mum__malloc(2 * n + 1))) {
            rc = mum__nomem(ctx);
            goto done;
        }
        mum_hex_encode(info->list_id, in_place ? f.list_id.body : ASN1_STRING_get0_data(ctl->list_id), n);
    }
    if (in_place) {
        if (f.has_sequence && !(info->sequence_number = integer_hex(&f.sequence))) {
            rc = mum__nomem(ctx);
            goto done;
        }
        info->this_update = f.this_update;
        info->has_next_update = f.has_next_update;
        info->next_update = f.next_update;
    } else if (ctl->sequence) {
        BIGNUM *bn = ASN1_INTEGER_to_BN(ctl->sequence, NULL);
        char *hex = bn ? BN_bn2hex(bn) : NULL;
        info->sequence_number = hex ? mum__strdup(hex) : NULL;
        OPENSSL_free(hex);
        BN_free(bn);
        if (!info->sequence_number) {
            rc = mum__nomem(ctx);
            goto done;
        }
    }
    if (!in_place && !mum__asn1_time_get(ctl->this_update, &info->this_update)) {
        rc = fail_at(&ps, MUM_EFORMAT, ctl_off, "malformed catalog list: a bad thisUpdate time");
        goto done;
    }
    if (!in_place && ctl->next_update) {
        info->has_next_update = mum__asn1_time_get(ctl->next_update, &info->next_update);
        if (!info->has_next_update) {
            rc = fail_at(&ps, MUM_EFORMAT, ctl_off, "malformed catalog list: a bad nextUpdate time");
            goto done;
        }
    }
    /* The entries, read in place twice: to count them, then to decode them. */
    const uint8_t *ents = in_place ? (f.has_entries ? f.entries : NULL)
                          : ctl->entries ? ASN1_STRING_get0_data(ctl->entries) : NULL;
    size_t ents_size = in_place ? f.entries_size : ctl->entries ? (size_t)ASN1_STRING_length(ctl->entries) : 0;
    uint64_t ents_off = entries_offset(der, len, ctl_off, ents_size, ctl_off);
    mum__der_el all, e, id, attrs;
    mum__der c = mum__der_over(ents, ents_size);
    if (ents && (mum__der_next(&c, &all) != 1 || !mum__der_done(&c))) {
        rc = fail_at(&ps, MUM_EFORMAT, ents_off, "malformed catalog list: its entries are not DER");
        goto done;
    }
    size_t n = 0;
    int r = 0;
    c = ents ? mum__der_in(&all) : mum__der_over(NULL, 0);
    while ((r = mum__der_next(&c, &e)) == 1 && entry_read(&e, &id, &attrs))
        n++;
    if (r != 0) {
        uint64_t at = ents_off + (uint64_t)((r == 1 ? e.start : c.p) - ents);
        rc = fail_at(&ps, MUM_EFORMAT, at, "malformed catalog list: member %zu is not a SEQUENCE of "
                     "an OCTET STRING and a SET of attributes", n + 1);
        goto done;
    }
    if (n > 0) {
        /* with room for the index after them (build_index): one
         * allocation a catalog less, kept by each catalog of a verify */
        _Static_assert(sizeof(mum_cat_member) % sizeof(uint32_t) == 0, "the index stays aligned");
        cat->members = mum__calloc(n, sizeof *cat->members + sizeof *cat->index);
        mb.offs = mum__calloc(n, sizeof *mb.offs);
        if (!cat->members || !mb.offs) {
            rc = mum__nomem(ctx);
            goto done;
        }
    }
    c = ents ? mum__der_in(&all) : mum__der_over(NULL, 0);
    for (size_t i = 0; i < n; i++) {
        mum__der_next(&c, &e);
        info->member_count = i + 1;
        rc = member_decode(&ps, &mb, info->version, &e, &cat->members[i], &mb.offs[i],
                           ents_off + (uint64_t)(e.start - ents));
        if (rc != MUM_OK)
            goto done;
    }
    if ((rc = in_place ? catalog_attrs_in_place(&ps, cat, &f, ctl_off) : catalog_attrs(&ps, cat, ctl, ctl_off)) !=
        MUM_OK)
        goto done;
    if (n > 0 && (model_finish(cat, &mb) != MUM_OK || build_index(cat) != MUM_OK))
        rc = mum__nomem(ctx);
done:
    model_build_clear(&mb);
    ERR_clear_error();
    ASN1_item_free((ASN1_VALUE *)ctl, ASN1_ITEM_rptr(MUM_CTL));
    if (rc != MUM_OK) {
        mum_catalog_free(cat);
        return rc;
    }
    *out = cat;
    return MUM_OK;
}

int mum_catalog_check(const mum_catalog *cat, mum_findings *list, const mum_location *where)
{
    for (size_t i = 0; cat && i < cat->info.member_count; i++) {
        const mum_cat_member *m = &cat->members[i];
        if (!m->has_indirect_data)
            continue;
        if (m->tag_form != MUM_CAT_TAG_STORED)
            continue; /* a tag made from the digest is the digest (tag_form_of) */
        const char *text = (const char *)stored_tag(m) + m->tag_len;
        bool same;
        if (cat->info.version == 1) {
            uint8_t d[MUM_HASH_MAX_SIZE];
            size_t n;
            same = mum_hex_decode(d, sizeof d, &n, text, strlen(text)) == MUM_OK && n == m->digest_len &&
                   memcmp(d, m->digest, n) == 0;
        } else {
            same = m->tag_len == m->digest_len && memcmp(stored_tag(m), m->digest, m->tag_len) == 0;
        }
        if (same)
            continue;
        mum_location loc = {0};
        if (where) {
            loc.input = where->input;
            loc.entry = where->entry;
        }
        loc.offset = m->offset;
        loc.has_offset = true;
        char hex[2 * MUM_HASH_MAX_SIZE + 1];
        mum_hex_encode(hex, m->digest, m->digest_len);
        if (mum__finding(list, MUM_R_CATALOG_TAG_MISMATCH, &loc,
                         "member %s: its tag is not the digest it holds (%s)", text, hex) != MUM_OK)
            return MUM_ENOMEM;
    }
    return MUM_OK;
}

/* ======================================================================
 * Membership
 * ====================================================================== */

int mum_cat_digests_compute(mum_cat_digests *out, mum_ctx *ctx, const void *data, size_t size,
                            const mum_location *where)
{
    memset(out, 0, sizeof *out);
    int rc = mum__digest_buffer(MUM_HASH_SHA1, data, size, out->sha1);
    if (rc == MUM_OK)
        rc = mum__digest_buffer(MUM_HASH_SHA256, data, size, out->sha256);
    if (rc != MUM_OK)
        return mum__error(ctx, rc, where, "computing a digest failed");
    if (!mum_pe_probe(data, size))
        return MUM_OK;
    static const mum_hash_alg algs[2] = {MUM_HASH_SHA1, MUM_HASH_SHA256};
    uint8_t d[2][MUM_HASH_MAX_SIZE];
    rc = mum_pe_digest(ctx, data, size, where, algs, 2, d);
    if (rc != MUM_OK)
        return rc;
    memcpy(out->pe_sha1, d[0], 20);
    memcpy(out->pe_sha256, d[1], 32);
    out->is_pe = true;
    return MUM_OK;
}

/* Adds the members with this digest and a compatible kind to hits. */
static size_t lookup(const mum_catalog *cat, const uint8_t *digest, size_t len, bool pe,
                     mum_cat_how how, mum_cat_hit *hits, size_t max, size_t count)
{
    size_t lo = 0, hi = cat->info.member_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const mum_cat_member *m = &cat->members[cat->index[mid]];
        int c = m->digest_len != len ? (m->digest_len < len ? -1 : 1) : memcmp(m->digest, digest, len);
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t k = lo; k < cat->info.member_count; k++) {
        size_t idx = cat->index[k];
        const mum_cat_member *m = &cat->members[idx];
        if (m->digest_len != len || memcmp(m->digest, digest, len) != 0)
            break;
        if (m->kind == (pe ? MUM_CAT_KIND_FLAT : MUM_CAT_KIND_PE))
            continue;
        if (count < max) {
            hits[count].member = idx;
            hits[count].how = how;
        }
        count++;
    }
    return count;
}

static int cmp_hit(const void *a, const void *b)
{
    const mum_cat_hit *x = a, *y = b;
    return x->member < y->member ? -1 : x->member > y->member;
}

size_t mum_catalog_match(const mum_catalog *cat, const mum_cat_digests *d, mum_cat_hit *hits,
                         size_t max)
{
    if (!cat || !d || cat->info.member_count == 0)
        return 0;
    size_t n = 0;
    if (d->is_pe) {
        n = lookup(cat, d->pe_sha256, 32, true, MUM_CAT_HOW_PE_SHA256, hits, max, n);
        n = lookup(cat, d->pe_sha1, 20, true, MUM_CAT_HOW_PE_SHA1, hits, max, n);
    }
    n = lookup(cat, d->sha256, 32, false, MUM_CAT_HOW_FLAT_SHA256, hits, max, n);
    n = lookup(cat, d->sha1, 20, false, MUM_CAT_HOW_FLAT_SHA1, hits, max, n);
    if (hits && max)
        qsort(hits, n < max ? n : max, sizeof *hits, cmp_hit);
    return n;
}
