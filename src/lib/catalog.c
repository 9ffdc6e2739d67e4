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
    uint8_t *tags;              /* every member's tag, back to back */
    mum_cat_member *members;
    mum_cat_attr *attrs;
    size_t *index;              /* member indices sorted by (digest_len, digest) */
    /* Once parsed, the members' strings and attribute arrays are packed
     * (pack_members): NULL until then, and each is freed on its own. */
    char *strings;              /* every distinct member string, back to back */
    mum_cat_attr *member_attrs; /* every member's attributes, sliced by member */
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
    for (size_t i = 0; !cat->strings && cat->members && i < cat->info.member_count; i++) {
        mum_cat_member *m = &cat->members[i];
        mum__free(m->tag_text);
        mum__free(m->data_type);
        mum__free(m->sip_guid);
        mum__cat_attrs_free(m->attrs, m->attr_count);
    }
    mum__free(cat->strings);
    mum__free(cat->member_attrs);
    if (cat->attrs)
        mum__cat_attrs_free(cat->attrs, cat->info.attr_count);
    mum__free(cat->members);
    mum__free(cat->tags);
    mum__free(cat->index);
    mum__free(cat->info.subject_algorithm);
    mum__free(cat->info.list_id);
    mum__free(cat->info.sequence_number);
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

/* ======================================================================
 * Parsing
 * ====================================================================== */

/* A parse failure at an offset of the catalog file. */
typedef struct parse_state {
    mum_ctx *ctx;
    const mum_location *where;
    char why[256];
    /* the DER contents of the member attribute types */
    uint8_t oid_indirect[16], oid_namevalue[16], oid_info[16], oid_info2[16];
    size_t len_indirect, len_namevalue, len_info, len_info2;
} parse_state;

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

static bool push_attr(mum_cat_member *m, size_t *cap, mum_cat_attr *a)
{
    if (!mum__grow((void **)&m->attrs, cap, m->attr_count + 1, sizeof *m->attrs))
        return false;
    m->attrs[m->attr_count++] = *a;
    return true;
}

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

/* Decodes one member's attributes (the SET OF Attribute) into m. */
static int member_attrs(parse_state *ps, const mum__der_el *set, mum_cat_member *m, uint64_t off)
{
    size_t cap = 0;
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
                               m->tag_text);
            mum__indirect ind;
            rc = mum__indirect_decode(seq->start, seq->size, &ind, ps->why, sizeof ps->why);
            if (rc != MUM_OK)
                return fail_at(ps, rc, off, "member %s: SPC_INDIRECT_DATA: %s", m->tag_text, ps->why);
            m->has_indirect_data = true;
            m->data_type = ind.type_oid;
            ind.type_oid = NULL;
            m->alg = ind.alg;
            m->digest_len = ind.digest_len;
            memcpy(m->digest, ind.digest, ind.digest_len);
            mum__indirect_clear(&ind);
        } else if (oid_eq(&type, ps->oid_namevalue, ps->len_namevalue)) {
            mum_cat_attr nv;
            if (!seq)
                return fail_at(ps, MUM_EFORMAT, off, "member %s: a malformed CAT_NAMEVALUE", m->tag_text);
            rc = namevalue_decode(seq->start, seq->size, &nv, ps->why, sizeof ps->why);
            if (rc != MUM_OK)
                return fail_at(ps, rc, off, "member %s: %s", m->tag_text, ps->why);
            if (!push_attr(m, &cap, &nv)) {
                mum__free(nv.name);
                mum__free(nv.value);
                return mum__nomem(ps->ctx);
            }
        } else if (oid_eq(&type, ps->oid_info, ps->len_info)) {
            /* CAT_MEMBERINFO ::= SEQUENCE { subjectGuid BMPString, certVersion INTEGER } */
            mum__der in = seq ? mum__der_in(seq) : mum__der_over(NULL, 0);
            mum__der_el guid, version;
            rc = seq && take_bmp(&in, &guid) && mum__der_take(&in, MUM_DER_INTEGER, &version) &&
                         mum__der_done(&in) && mum__der_small_uint(&version, &m->member_info_version) == 1
                     ? bmp_text(&guid, &m->sip_guid)
                     : MUM_EFORMAT;
            if (rc != MUM_OK)
                return fail_at(ps, rc, off, "member %s: a malformed CAT_MEMBERINFO", m->tag_text);
        } else if (oid_eq(&type, ps->oid_info2, ps->len_info2)) {
            /* a context-tagged choice: its tag number says PE (0) or flat (2) */
            if (first.size && (first.tag & 0xc0) == 0x80)
                m->member_info2 = (int)(first.tag & 0x1f);
        }
        /* other attributes are kept by Windows for its own use; ignored */
    }
    if (r != 0)
        return fail_at(ps, MUM_EFORMAT, off, "member %s: a malformed attribute", m->tag_text);
    return MUM_OK;
}

/* Reads a v1 tag (UTF-16LE hex text) into a digest. */
static bool hex_tag_digest(const char *text, mum_cat_member *m)
{
    size_t n = strlen(text), len;
    if (mum_hex_decode(m->digest, sizeof m->digest, &len, text, n) != MUM_OK)
        return false;
    m->digest_len = len;
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

/* Fills a member from a CTL entry (well formed: the first pass read it). */
static int member_decode(parse_state *ps, mum_catalog *cat, const mum__der_el *e, uint8_t *tag_at,
                         mum_cat_member *m, uint64_t off)
{
    mum__der_el id, attrs;
    entry_read(e, &id, &attrs);
    m->offset = off;
    m->member_info2 = -1;
    m->tag = tag_at;
    m->tag_len = id.len;
    memcpy(tag_at, id.body, id.len);
    bool bad = false;
    if (cat->info.version == 1)
        m->tag_text = mum__utf16_to_utf8(m->tag, m->tag_len, false, &bad);
    if (!m->tag_text && !bad && cat->info.version == 1)
        return mum__nomem(ps->ctx);
    if (!m->tag_text) {
        if (m->tag_len > (SIZE_MAX - 1) / 2 || !(m->tag_text = mum__malloc(2 * m->tag_len + 1)))
            return mum__nomem(ps->ctx);
        mum_hex_encode(m->tag_text, m->tag, m->tag_len);
    }
    int rc = attrs.size ? member_attrs(ps, &attrs, m, off) : MUM_OK;
    if (rc != MUM_OK)
        return rc;
    if (!m->has_indirect_data) {
        /* The digest is the tag: raw in v2, hex text in v1. */
        if (cat->info.version == 1 && !bad) {
            if (!hex_tag_digest(m->tag_text, m))
                m->digest_len = 0;
        } else if (m->tag_len <= MUM_HASH_MAX_SIZE) {
            memcpy(m->digest, m->tag, m->tag_len);
            m->digest_len = m->tag_len;
        }
        m->alg = alg_by_size(m->digest_len);
    }
    if (m->data_type && strcmp(m->data_type, MUM_OID_SPC_PE_IMAGE_DATA) == 0)
        m->kind = MUM_CAT_KIND_PE;
    else if (m->data_type && strcmp(m->data_type, MUM_OID_SPC_CAB_DATA) == 0)
        m->kind = MUM_CAT_KIND_FLAT;
    else if (m->data_type)
        m->kind = MUM_CAT_KIND_UNKNOWN;
    else if (m->member_info2 == 0 || (m->sip_guid && strcmp(m->sip_guid, SIP_GUID_PE) == 0))
        m->kind = MUM_CAT_KIND_PE;
    else if (m->member_info2 == 2 || (m->sip_guid && strcmp(m->sip_guid, SIP_GUID_FLAT) == 0))
        m->kind = MUM_CAT_KIND_FLAT;
    return MUM_OK;
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
 * Packs the members' strings and attribute arrays once the parse is done:
 * tens of thousands of members each held five or six small allocations
 * (a tag's text, its type OID, a SIP GUID, an attribute array, each
 * attribute's name and value), most of them the same few strings again
 * (the OIDs, the GUIDs, "File", "OSAttr" and its value).  They become one
 * block of distinct strings and one attribute array, which is what a
 * graph of 60 000 manifests keeps of its catalogs for the judge.  Nothing
 * changes for a reader: the pointers move, the text does not.  On
 * MUM_ENOMEM the catalog is left as it was (still whole).
 */
typedef struct pack_slot {
    const char *text;           /* the first string of this text, NULL: free */
    size_t len;
    size_t hash;
    size_t at;                  /* its offset in the block */
} pack_slot;

typedef struct pack_table {
    pack_slot *slots;
    size_t cap, used;           /* cap: a power of two, at least twice used */
    size_t size;                /* bytes of the distinct strings with their NULs */
} pack_table;

static size_t pack_hash(const char *s, size_t *len)
{
    size_t h = (size_t)14695981039346656037ULL, n = 0;
    for (; s[n]; n++)
        h = (h ^ (unsigned char)s[n]) * (size_t)1099511628211ULL;
    *len = n;
    return h;
}

static pack_slot *pack_find(pack_table *t, const char *s)
{
    size_t len, h = pack_hash(s, &len);
    for (size_t i = h & (t->cap - 1);; i = (i + 1) & (t->cap - 1)) {
        pack_slot *sl = &t->slots[i];
        if (!sl->text) {
            sl->text = s;
            sl->len = len;
            sl->hash = h;
            sl->at = t->size;
            t->size += len + 1;
            t->used++;
            return sl;
        }
        if (sl->hash == h && sl->len == len && memcmp(sl->text, s, len) == 0)
            return sl;
    }
}

/* The packed copy of s (NULL stays NULL); s itself is freed. */
static char *pack_take(pack_table *t, char *block, char *s)
{
    if (!s)
        return NULL;
    pack_slot *sl = pack_find(t, s);
    char *to = block + sl->at;
    if (sl->text == s) /* its first occurrence: copied now, the others point here */
        memcpy(to, s, sl->len + 1);
    sl->text = to;      /* s is freed below: later lookups compare the copy */
    mum__free(s);
    return to;
}

static int pack_members(mum_catalog *cat)
{
    size_t n = cat->info.member_count, nstr = 0, nattrs = 0;
    for (size_t i = 0; i < n; i++) {
        nattrs += cat->members[i].attr_count;
        nstr += 3 + 2 * cat->members[i].attr_count;
    }
    if (n == 0)
        return MUM_OK;
    pack_table t = {0};
    t.cap = 16;
    while (t.cap < 2 * nstr)
        t.cap *= 2;
    if (!(t.slots = mum__calloc(t.cap, sizeof *t.slots)))
        return MUM_ENOMEM;
    /* first the sizes: each distinct text once */
    for (size_t i = 0; i < n; i++) {
        const mum_cat_member *m = &cat->members[i];
        const char *s3[3] = {m->tag_text, m->data_type, m->sip_guid};
        for (int k = 0; k < 3; k++)
            if (s3[k])
                pack_find(&t, s3[k]);
        for (size_t a = 0; a < m->attr_count; a++) {
            pack_find(&t, m->attrs[a].name);
            pack_find(&t, m->attrs[a].value);
        }
    }
    char *block = mum__malloc(t.size ? t.size : 1);
    mum_cat_attr *attrs = nattrs ? mum__calloc(nattrs, sizeof *attrs) : NULL;
    if (!block || (nattrs && !attrs)) {
        mum__free(block);
        mum__free(attrs);
        mum__free(t.slots);
        return MUM_ENOMEM;
    }
    /* then the copies, in the same order (a slot's text is its first occurrence) */
    size_t next = 0;
    for (size_t i = 0; i < n; i++) {
        mum_cat_member *m = &cat->members[i];
        m->tag_text = pack_take(&t, block, m->tag_text);
        m->data_type = pack_take(&t, block, m->data_type);
        m->sip_guid = pack_take(&t, block, m->sip_guid);
        mum_cat_attr *mine = m->attr_count ? attrs + next : NULL;
        for (size_t a = 0; a < m->attr_count; a++) {
            mine[a].name = pack_take(&t, block, m->attrs[a].name);
            mine[a].flags = m->attrs[a].flags;
            mine[a].value = pack_take(&t, block, m->attrs[a].value);
        }
        mum__free(m->attrs);
        m->attrs = mine;
        next += m->attr_count;
    }
    mum__free(t.slots);
    cat->strings = block;
    cat->member_attrs = attrs;
    return MUM_OK;
}

static int build_index(mum_catalog *cat)
{
    size_t n = cat->info.member_count;
    if (n == 0)
        return MUM_OK;
    index_key *keys = mum__calloc(n, sizeof *keys);
    cat->index = mum__calloc(n, sizeof *cat->index);
    if (!keys || !cat->index) {
        mum__free(keys);
        return MUM_ENOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        keys[i].digest = cat->members[i].digest;
        keys[i].len = cat->members[i].digest_len;
        keys[i].member = i;
    }
    qsort(keys, n, sizeof *keys, cmp_index_key);
    for (size_t i = 0; i < n; i++)
        cat->index[i] = keys[i].member;
    mum__free(keys);
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
        if (!mum__oid_is(X509_EXTENSION_get_object(x), OID_CAT_NAMEVALUE))
            continue;
        const ASN1_OCTET_STRING *v = X509_EXTENSION_get_data(x);
        mum_cat_attr a;
        int rc = namevalue_decode(ASN1_STRING_get0_data(v), (size_t)ASN1_STRING_length(v), &a, ps->why,
                                  sizeof ps->why);
        if (rc != MUM_OK)
            return fail_at(ps, rc, off, "catalog attribute: %s", ps->why);
        cat->attrs[cat->info.attr_count++] = a;
    }
    return MUM_OK;
}

int mum_catalog_parse(mum_catalog **out, mum_ctx *ctx, const void *data, size_t size,
                      const mum_location *where)
{
    *out = NULL;
    parse_state ps = {.ctx = ctx, .where = where};
    if (!mum__oid_der(MUM_OID_SPC_INDIRECT_DATA, ps.oid_indirect, sizeof ps.oid_indirect, &ps.len_indirect) ||
        !mum__oid_der(OID_CAT_NAMEVALUE, ps.oid_namevalue, sizeof ps.oid_namevalue, &ps.len_namevalue) ||
        !mum__oid_der(OID_CAT_MEMBERINFO, ps.oid_info, sizeof ps.oid_info, &ps.len_info) ||
        !mum__oid_der(OID_CAT_MEMBERINFO2, ps.oid_info2, sizeof ps.oid_info2, &ps.len_info2))
        return mum__error(ctx, MUM_EINVAL, NULL, "cannot encode the catalog attribute OIDs"); /* constants */
    if (size > MAX_CATALOG_SIZE)
        return fail_at(&ps, MUM_ELIMIT, 0, "a catalog larger than 1 GiB (%zu bytes)", size);
    mum_catalog *cat = mum__calloc(1, sizeof *cat);
    if (!cat)
        return mum__nomem(ctx);
    MUM_CTL *ctl = NULL;
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
    const unsigned char *q = der;
    ctl = (MUM_CTL *)ASN1_item_d2i(NULL, &q, (long)len, ASN1_ITEM_rptr(MUM_CTL));
    if (!ctl) {
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
    mum_catalog_info *info = &cat->info;
    if (!(info->subject_algorithm = mum__oid_text(ctl->subject_alg->algorithm))) {
        rc = mum__nomem(ctx);
        goto done;
    }
    info->version = strcmp(info->subject_algorithm, MUM_OID_CAT_MEMBER_V1) == 0   ? 1
                    : strcmp(info->subject_algorithm, MUM_OID_CAT_MEMBER_V2) == 0 ? 2
                                                                                    : 0;
    if (ctl->list_id) {
        size_t n = (size_t)ASN1_STRING_length(ctl->list_id);
        if (!(info->list_id = mum__malloc(2 * n + 1))) {
            rc = mum__nomem(ctx);
            goto done;
        }
        mum_hex_encode(info->list_id, ASN1_STRING_get0_data(ctl->list_id), n);
    }
    if (ctl->sequence) {
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
    if (!mum__asn1_time_get(ctl->this_update, &info->this_update)) {
        rc = fail_at(&ps, MUM_EFORMAT, ctl_off, "malformed catalog list: a bad thisUpdate time");
        goto done;
    }
    if (ctl->next_update) {
        info->has_next_update = mum__asn1_time_get(ctl->next_update, &info->next_update);
        if (!info->has_next_update) {
            rc = fail_at(&ps, MUM_EFORMAT, ctl_off, "malformed catalog list: a bad nextUpdate time");
            goto done;
        }
    }
    /* The entries, read in place twice: to count them and their tags, then
     * to decode them. */
    const uint8_t *ents = ctl->entries ? ASN1_STRING_get0_data(ctl->entries) : NULL;
    size_t ents_size = ctl->entries ? (size_t)ASN1_STRING_length(ctl->entries) : 0;
    uint64_t ents_off = entries_offset(der, len, ctl_off, ents_size, ctl_off);
    mum__der_el all, e, id, attrs;
    mum__der c = mum__der_over(ents, ents_size);
    if (ents && (mum__der_next(&c, &all) != 1 || !mum__der_done(&c))) {
        rc = fail_at(&ps, MUM_EFORMAT, ents_off, "malformed catalog list: its entries are not DER");
        goto done;
    }
    size_t n = 0, total_tag = 0;
    int r = 0;
    c = ents ? mum__der_in(&all) : mum__der_over(NULL, 0);
    while ((r = mum__der_next(&c, &e)) == 1 && entry_read(&e, &id, &attrs)) {
        n++;
        total_tag += id.len;
    }
    if (r != 0) {
        uint64_t at = ents_off + (uint64_t)((r == 1 ? e.start : c.p) - ents);
        rc = fail_at(&ps, MUM_EFORMAT, at, "malformed catalog list: member %zu is not a SEQUENCE of "
                     "an OCTET STRING and a SET of attributes", n + 1);
        goto done;
    }
    if (n > 0) {
        cat->members = mum__calloc(n, sizeof *cat->members);
        cat->tags = mum__malloc(total_tag ? total_tag : 1);
        if (!cat->members || !cat->tags) {
            rc = mum__nomem(ctx);
            goto done;
        }
    }
    size_t tag_pos = 0;
    c = ents ? mum__der_in(&all) : mum__der_over(NULL, 0);
    for (size_t i = 0; i < n; i++) {
        mum__der_next(&c, &e);
        info->member_count = i + 1;
        rc = member_decode(&ps, cat, &e, cat->tags + tag_pos, &cat->members[i],
                           ents_off + (uint64_t)(e.start - ents));
        if (rc != MUM_OK)
            goto done;
        tag_pos += cat->members[i].tag_len;
    }
    if ((rc = catalog_attrs(&ps, cat, ctl, ctl_off)) != MUM_OK)
        goto done;
    if (build_index(cat) != MUM_OK || pack_members(cat) != MUM_OK)
        rc = mum__nomem(ctx);
done:
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
        bool same;
        if (cat->info.version == 1) {
            uint8_t d[MUM_HASH_MAX_SIZE];
            size_t n;
            same = mum_hex_decode(d, sizeof d, &n, m->tag_text, strlen(m->tag_text)) == MUM_OK &&
                   n == m->digest_len && memcmp(d, m->digest, n) == 0;
        } else {
            same = m->tag_len == m->digest_len && memcmp(m->tag, m->digest, m->tag_len) == 0;
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
                         "member %s: its tag is not the digest it holds (%s)", m->tag_text, hex) != MUM_OK)
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
