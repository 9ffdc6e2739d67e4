/*
 * catalog_build.c - security catalogs encoded: the builder behind
 * mum_cat_builder (mum cat create) makes the CTL with OpenSSL's ASN.1
 * templates, one member at a time.  The parser is in catalog.c.
 */
#include "config.h"

#include "catalog_internal.h"
#include "digest.h"

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

/* CAT_NAMEVALUE ::= SEQUENCE { tag BMPString, flags INTEGER, value OCTET STRING } */
typedef struct {
    ASN1_BMPSTRING *tag;
    ASN1_INTEGER *flags;
    ASN1_OCTET_STRING *value;
} MUM_CAT_NAMEVALUE;

ASN1_SEQUENCE(MUM_CAT_NAMEVALUE) = {
    ASN1_SIMPLE(MUM_CAT_NAMEVALUE, tag, ASN1_BMPSTRING),
    ASN1_SIMPLE(MUM_CAT_NAMEVALUE, flags, ASN1_INTEGER),
    ASN1_SIMPLE(MUM_CAT_NAMEVALUE, value, ASN1_OCTET_STRING)
} static_ASN1_SEQUENCE_END(MUM_CAT_NAMEVALUE)

/* CAT_MEMBERINFO ::= SEQUENCE { subjectGuid BMPString, certVersion INTEGER } */
typedef struct {
    ASN1_BMPSTRING *guid;
    ASN1_INTEGER *version;
} MUM_CAT_MEMBERINFO;

ASN1_SEQUENCE(MUM_CAT_MEMBERINFO) = {
    ASN1_SIMPLE(MUM_CAT_MEMBERINFO, guid, ASN1_BMPSTRING),
    ASN1_SIMPLE(MUM_CAT_MEMBERINFO, version, ASN1_INTEGER)
} static_ASN1_SEQUENCE_END(MUM_CAT_MEMBERINFO)

/* Attribute ::= SEQUENCE { type OBJECT IDENTIFIER, values SET OF ANY } */
typedef struct {
    ASN1_OBJECT *type;
    STACK_OF(ASN1_TYPE) *values;
} MUM_CAT_ATTRIBUTE;

ASN1_SEQUENCE(MUM_CAT_ATTRIBUTE) = {
    ASN1_SIMPLE(MUM_CAT_ATTRIBUTE, type, ASN1_OBJECT),
    ASN1_SET_OF(MUM_CAT_ATTRIBUTE, values, ASN1_ANY)
} static_ASN1_SEQUENCE_END(MUM_CAT_ATTRIBUTE)

DEFINE_STACK_OF(MUM_CAT_ATTRIBUTE)

/* TrustedSubject ::= SEQUENCE { identifier OCTET STRING, attributes SET OF Attribute } */
typedef struct {
    ASN1_OCTET_STRING *identifier;
    STACK_OF(MUM_CAT_ATTRIBUTE) *attributes;
} MUM_CTL_ENTRY;

ASN1_SEQUENCE(MUM_CTL_ENTRY) = {
    ASN1_SIMPLE(MUM_CTL_ENTRY, identifier, ASN1_OCTET_STRING),
    ASN1_SET_OF_OPT(MUM_CTL_ENTRY, attributes, MUM_CAT_ATTRIBUTE)
} static_ASN1_SEQUENCE_END(MUM_CTL_ENTRY)

/* ======================================================================
 * Building
 * ====================================================================== */

typedef struct bfile {
    mum_cat_digests d;
    mum_cat_attr *attrs;
    size_t nattrs, cap;
} bfile;

struct mum_cat_builder {
    int version;
    int64_t time;
    uint8_t list_id[MAX_LIST_ID];
    size_t list_id_len;
    mum_cat_attr *attrs;
    size_t nattrs, attrs_cap;
    bfile *files;
    size_t nfiles, files_cap;
};

int mum_cat_builder_new(mum_cat_builder **out, mum_ctx *ctx, int version)
{
    *out = NULL;
    if (version != 1 && version != 2)
        return mum__error(ctx, MUM_EINVAL, NULL, "catalog member format %d: only 1 and 2 exist", version);
    mum_cat_builder *b = mum__calloc(1, sizeof *b);
    if (!b)
        return mum__nomem(ctx);
    b->version = version;
    b->time = (int64_t)time(NULL);
    *out = b;
    return MUM_OK;
}

void mum_cat_builder_free(mum_cat_builder *b)
{
    if (!b)
        return;
    mum__cat_attrs_free(b->attrs, b->nattrs);
    for (size_t i = 0; i < b->nfiles; i++)
        mum__cat_attrs_free(b->files[i].attrs, b->files[i].nattrs);
    mum__free(b->files);
    mum__free(b);
}

void mum_cat_builder_set_time(mum_cat_builder *b, int64_t this_update)
{
    b->time = this_update;
}

int mum_cat_builder_set_list_id(mum_ctx *ctx, mum_cat_builder *b, const uint8_t *id, size_t len)
{
    if (!id || len == 0 || len > MAX_LIST_ID)
        return mum__error(ctx, MUM_EINVAL, NULL, "a list identifier must have 1 to %d bytes", MAX_LIST_ID);
    memcpy(b->list_id, id, len);
    b->list_id_len = len;
    return MUM_OK;
}

static int check_name_value(mum_ctx *ctx, const char *name, const char *value)
{
    if (!name || !*name || !value || !mum__utf8_valid(name, strlen(name)) ||
        !mum__utf8_valid(value, strlen(value)))
        return mum__error(ctx, MUM_EINVAL, NULL, "an attribute needs a name and UTF-8 text");
    return MUM_OK;
}

static int set_attr(mum_ctx *ctx, mum_cat_attr **attrs, size_t *n, size_t *cap, const char *name,
                    const char *value, uint32_t flags)
{
    mum_cat_attr a = {mum__strdup(name), flags, mum__strdup(value)};
    if (!a.name || !a.value || !mum__grow((void **)attrs, cap, *n + 1, sizeof **attrs)) {
        mum__free(a.name);
        mum__free(a.value);
        return mum__nomem(ctx);
    }
    (*attrs)[(*n)++] = a;
    return MUM_OK;
}

int mum_cat_builder_add_attr(mum_ctx *ctx, mum_cat_builder *b, const char *name, const char *value,
                             uint32_t flags)
{
    int rc = check_name_value(ctx, name, value);
    if (rc != MUM_OK)
        return rc;
    if (mum__cat_attr_lookup(b->attrs, b->nattrs, name))
        return mum__error(ctx, MUM_EEXIST, NULL, "catalog attribute '%s' given twice", name);
    return set_attr(ctx, &b->attrs, &b->nattrs, &b->attrs_cap, name, value, flags);
}

int mum_cat_builder_add(size_t *file_out, mum_ctx *ctx, mum_cat_builder *b, const mum_cat_digests *d)
{
    if (!mum__grow((void **)&b->files, &b->files_cap, b->nfiles + 1, sizeof *b->files))
        return mum__nomem(ctx);
    bfile *f = &b->files[b->nfiles];
    memset(f, 0, sizeof *f);
    f->d = *d;
    if (file_out)
        *file_out = b->nfiles;
    b->nfiles++;
    return MUM_OK;
}

/* Keeps the value that sorts first for a name set twice. */
static int merge_attr(mum_ctx *ctx, mum_cat_attr **attrs, size_t *n, size_t *cap, const char *name,
                      const char *value, uint32_t flags)
{
    for (size_t i = 0; i < *n; i++) {
        mum_cat_attr *a = &(*attrs)[i];
        if (mum__ascii_strcasecmp(a->name, name) != 0)
            continue;
        int c = strcmp(value, a->value);
        if (c < 0 || (c == 0 && flags < a->flags)) {
            if (!mum__replace_str(&a->value, value))
                return mum__nomem(ctx);
            a->flags = flags;
        }
        return MUM_OK;
    }
    return set_attr(ctx, attrs, n, cap, name, value, flags);
}

int mum_cat_builder_add_file_attr(mum_ctx *ctx, mum_cat_builder *b, size_t file, const char *name,
                                  const char *value, uint32_t flags)
{
    if (file >= b->nfiles)
        return mum__error(ctx, MUM_EINVAL, NULL, "no file %zu in the catalog being built", file);
    int rc = check_name_value(ctx, name, value);
    if (rc != MUM_OK)
        return rc;
    bfile *f = &b->files[file];
    return merge_attr(ctx, &f->attrs, &f->nattrs, &f->cap, name, value, flags);
}

/* One member to be written. */
typedef struct bmember {
    uint8_t tag[82];            /* v1: 40 hex digits in UTF-16LE + NUL unit */
    size_t tag_len;
    const bfile *file;
    bool primary;               /* v1 member, or v2 SHA-256 member: carries the attributes */
    mum_cat_attr *attrs;        /* merged attributes (primary only) */
    size_t nattrs, cap;
} bmember;

static int cmp_bmember(const void *a, const void *b)
{
    const bmember *x = a, *y = b;
    size_t n = x->tag_len < y->tag_len ? x->tag_len : y->tag_len;
    int c = memcmp(x->tag, y->tag, n);
    if (c)
        return c;
    return x->tag_len < y->tag_len ? -1 : x->tag_len > y->tag_len;
}

static int cmp_attr_name(const void *a, const void *b)
{
    return strcmp(((const mum_cat_attr *)a)->name, ((const mum_cat_attr *)b)->name);
}

/* An attribute { type, SET { value } } with a value given as complete DER. */
static MUM_CAT_ATTRIBUTE *attribute_of(const char *oid, const unsigned char *der, long len)
{
    MUM_CAT_ATTRIBUTE *a = (MUM_CAT_ATTRIBUTE *)ASN1_item_new(ASN1_ITEM_rptr(MUM_CAT_ATTRIBUTE));
    const unsigned char *q = der;
    ASN1_TYPE *t = d2i_ASN1_TYPE(NULL, &q, len);
    if (!a || !t || !(a->type = OBJ_txt2obj(oid, 1)) || !sk_ASN1_TYPE_push(a->values, t)) {
        ASN1_TYPE_free(t);
        ASN1_item_free((ASN1_VALUE *)a, ASN1_ITEM_rptr(MUM_CAT_ATTRIBUTE));
        return NULL;
    }
    return a;
}

/* The DER of a CAT_NAMEVALUE (OpenSSL-allocated), its length in *len. */
static unsigned char *namevalue_der(const mum_cat_attr *attr, int *len)
{
    MUM_CAT_NAMEVALUE *nv = (MUM_CAT_NAMEVALUE *)ASN1_item_new(ASN1_ITEM_rptr(MUM_CAT_NAMEVALUE));
    size_t nlen = 0, vlen = 0;
    bool bad;
    uint8_t *name = mum__utf8_to_utf16(attr->name, true, false, &nlen, &bad);
    uint8_t *value = mum__utf8_to_utf16(attr->value, false, true, &vlen, &bad);
    unsigned char *der = NULL;
    *len = -1;
    if (nv && name && value && nlen <= INT_MAX && vlen <= INT_MAX &&
        ASN1_STRING_set(nv->tag, name, (int)nlen) == 1 &&
        ASN1_INTEGER_set_int64(nv->flags, attr->flags) == 1 &&
        ASN1_OCTET_STRING_set(nv->value, value, (int)vlen) == 1)
        *len = ASN1_item_i2d((ASN1_VALUE *)nv, &der, ASN1_ITEM_rptr(MUM_CAT_NAMEVALUE));
    mum__free(name);
    mum__free(value);
    ASN1_item_free((ASN1_VALUE *)nv, ASN1_ITEM_rptr(MUM_CAT_NAMEVALUE));
    return *len > 0 ? der : NULL;
}

static bool push_attribute(STACK_OF(MUM_CAT_ATTRIBUTE) *sk, MUM_CAT_ATTRIBUTE *a)
{
    if (a && sk_MUM_CAT_ATTRIBUTE_push(sk, a))
        return true;
    ASN1_item_free((ASN1_VALUE *)a, ASN1_ITEM_rptr(MUM_CAT_ATTRIBUTE));
    return false;
}

/* Encodes one member as a CTL entry.  False when out of memory. */
static bool entry_of(const mum_cat_builder *b, const bmember *bm, MUM_CTL_ENTRY **out)
{
    MUM_CTL_ENTRY *e = (MUM_CTL_ENTRY *)ASN1_item_new(ASN1_ITEM_rptr(MUM_CTL_ENTRY));
    bool ok = e && ASN1_OCTET_STRING_set(e->identifier, bm->tag, (int)bm->tag_len) == 1 &&
              (e->attributes = sk_MUM_CAT_ATTRIBUTE_new_null()) != NULL;
    const mum_cat_digests *d = &bm->file->d;
    bool pe = d->is_pe;
    if (ok && b->version == 2) {
        /* CAT_MEMBERINFO2: an empty [0] for PE, [2] for flat */
        const unsigned char mi2[2] = {pe ? 0x80 : 0x82, 0x00};
        ok = push_attribute(e->attributes, attribute_of(OID_CAT_MEMBERINFO2, mi2, 2));
    }
    if (ok && bm->primary) {
        uint8_t *ind = NULL;
        size_t ind_len = 0;
        mum_hash_alg alg = b->version == 1 ? MUM_HASH_SHA1 : MUM_HASH_SHA256;
        const uint8_t *dig = b->version == 1 ? (pe ? d->pe_sha1 : d->sha1) : (pe ? d->pe_sha256 : d->sha256);
        ok = mum__indirect_encode(pe, b->version == 1, alg, dig, &ind, &ind_len) == MUM_OK &&
             push_attribute(e->attributes, attribute_of(MUM_OID_SPC_INDIRECT_DATA, ind, (long)ind_len));
        mum__free(ind);
        if (ok && b->version == 1) {
            MUM_CAT_MEMBERINFO *mi = (MUM_CAT_MEMBERINFO *)ASN1_item_new(ASN1_ITEM_rptr(MUM_CAT_MEMBERINFO));
            size_t glen;
            bool bad;
            uint8_t *guid = mum__utf8_to_utf16(pe ? SIP_GUID_PE : SIP_GUID_FLAT, true, false, &glen, &bad);
            unsigned char *der = NULL;
            int n = -1;
            if (mi && guid && ASN1_STRING_set(mi->guid, guid, (int)glen) == 1 &&
                ASN1_INTEGER_set(mi->version, MEMBER_INFO_VERSION) == 1)
                n = ASN1_item_i2d((ASN1_VALUE *)mi, &der, ASN1_ITEM_rptr(MUM_CAT_MEMBERINFO));
            ok = n > 0 && push_attribute(e->attributes, attribute_of(OID_CAT_MEMBERINFO, der, n));
            OPENSSL_free(der);
            mum__free(guid);
            ASN1_item_free((ASN1_VALUE *)mi, ASN1_ITEM_rptr(MUM_CAT_MEMBERINFO));
        }
        for (size_t i = 0; ok && i < bm->nattrs; i++) {
            int n;
            unsigned char *der = namevalue_der(&bm->attrs[i], &n);
            ok = der && push_attribute(e->attributes, attribute_of(OID_CAT_NAMEVALUE, der, n));
            OPENSSL_free(der);
        }
    }
    if (!ok) {
        ASN1_item_free((ASN1_VALUE *)e, ASN1_ITEM_rptr(MUM_CTL_ENTRY));
        return false;
    }
    *out = e;
    return true;
}

/* The members to write: one or two per file, sorted, duplicates merged. */
static int plan_members(mum_ctx *ctx, const mum_cat_builder *b, bmember **out, size_t *count)
{
    size_t per = b->version == 2 ? 2 : 1;
    if (b->nfiles > SIZE_MAX / per / sizeof(bmember))
        return mum__nomem(ctx);
    bmember *ms = mum__calloc(b->nfiles ? b->nfiles * per : 1, sizeof *ms);
    if (!ms)
        return mum__nomem(ctx);
    size_t n = 0;
    for (size_t i = 0; i < b->nfiles; i++) {
        const mum_cat_digests *d = &b->files[i].d;
        const uint8_t *s1 = d->is_pe ? d->pe_sha1 : d->sha1;
        const uint8_t *s256 = d->is_pe ? d->pe_sha256 : d->sha256;
        if (b->version == 1) {
            char hex[41];
            mum_hex_encode(hex, s1, 20);
            for (size_t k = 0; k < 40; k++) {
                char c = hex[k];
                ms[n].tag[2 * k] = (uint8_t)(c >= 'a' && c <= 'f' ? c - 'a' + 'A' : c);
                ms[n].tag[2 * k + 1] = 0;
            }
            ms[n].tag[80] = ms[n].tag[81] = 0;
            ms[n].tag_len = 82;
            ms[n].file = &b->files[i];
            ms[n].primary = true;
            n++;
        } else {
            memcpy(ms[n].tag, s256, 32);
            ms[n].tag_len = 32;
            ms[n].file = &b->files[i];
            ms[n].primary = true;
            n++;
            memcpy(ms[n].tag, s1, 20);
            ms[n].tag_len = 20;
            ms[n].file = &b->files[i];
            n++;
        }
    }
    qsort(ms, n, sizeof *ms, cmp_bmember);
    /* merge equal tags: the same content added more than once */
    size_t w = 0;
    int rc = MUM_OK;
    for (size_t r = 0; r < n && rc == MUM_OK; r++) {
        bool dup = w > 0 && cmp_bmember(&ms[w - 1], &ms[r]) == 0;
        bmember *dst = dup ? &ms[w - 1] : &ms[w];
        if (!dup && w != r)
            ms[w] = ms[r];
        if (ms[r].primary) {
            const bfile *f = ms[r].file;
            for (size_t k = 0; k < f->nattrs && rc == MUM_OK; k++)
                rc = merge_attr(ctx, &dst->attrs, &dst->nattrs, &dst->cap, f->attrs[k].name,
                                f->attrs[k].value, f->attrs[k].flags);
        }
        if (!dup)
            w++;
    }
    for (size_t i = 0; i < w; i++)
        if (ms[i].nattrs > 1)
            qsort(ms[i].attrs, ms[i].nattrs, sizeof *ms[i].attrs, cmp_attr_name);
    *out = ms;
    *count = w;
    if (rc != MUM_OK) {
        for (size_t i = 0; i < w; i++)
            mum__cat_attrs_free(ms[i].attrs, ms[i].nattrs);
        mum__free(ms);
        *out = NULL;
    }
    return rc;
}

/* A list identifier derived from the contents, for reproducible output. */
static int default_list_id(const mum_cat_builder *b, const bmember *ms, size_t n, uint8_t id[16])
{
    mum__digest_set h;
    int rc = mum__digest_set_init(&h, MUM_DIGEST_SHA256);
    if (rc != MUM_OK)
        return rc;
    char head[64];
    snprintf(head, sizeof head, "mumtool catalog v%d %lld\n", b->version, (long long)b->time);
    rc = mum__digest_set_update(&h, head, strlen(head));
    for (size_t i = 0; i < n && rc == MUM_OK; i++) {
        rc = mum__digest_set_update(&h, ms[i].tag, ms[i].tag_len);
        for (size_t k = 0; k < ms[i].nattrs && rc == MUM_OK; k++) {
            rc = mum__digest_set_update(&h, ms[i].attrs[k].name, strlen(ms[i].attrs[k].name) + 1);
            if (rc == MUM_OK)
                rc = mum__digest_set_update(&h, ms[i].attrs[k].value, strlen(ms[i].attrs[k].value) + 1);
        }
    }
    for (size_t k = 0; k < b->nattrs && rc == MUM_OK; k++) {
        rc = mum__digest_set_update(&h, b->attrs[k].name, strlen(b->attrs[k].name) + 1);
        if (rc == MUM_OK)
            rc = mum__digest_set_update(&h, b->attrs[k].value, strlen(b->attrs[k].value) + 1);
    }
    uint8_t d[32] = {0};
    if (rc == MUM_OK)
        rc = mum__digest_set_final(&h, MUM_HASH_SHA256, d);
    mum__digest_set_clear(&h);
    memcpy(id, d, 16);
    return rc;
}

static bool ctl_set_header(const mum_cat_builder *b, MUM_CTL *ctl, const uint8_t *list_id,
                           size_t list_id_len)
{
    ASN1_OBJECT *usage = OBJ_txt2obj(MUM_OID_CAT_LIST, 1);
    if (!usage || !sk_ASN1_OBJECT_push(ctl->usage, usage)) {
        ASN1_OBJECT_free(usage);
        return false;
    }
    if (!(ctl->list_id = ASN1_OCTET_STRING_new()) ||
        ASN1_OCTET_STRING_set(ctl->list_id, list_id, (int)list_id_len) != 1)
        return false;
    ASN1_TIME_free(ctl->this_update);
    if (!(ctl->this_update = ASN1_TIME_set(NULL, (time_t)b->time)))
        return false;
    return X509_ALGOR_set0(ctl->subject_alg,
                           OBJ_txt2obj(b->version == 1 ? MUM_OID_CAT_MEMBER_V1 : MUM_OID_CAT_MEMBER_V2, 1),
                           V_ASN1_NULL, NULL) == 1;
}

static bool ctl_set_attrs(const mum_cat_builder *b, MUM_CTL *ctl, mum_cat_attr *sorted)
{
    if (b->nattrs == 0)
        return true;
    if (!(ctl->extensions = sk_X509_EXTENSION_new_null()))
        return false;
    ASN1_OBJECT *oid = OBJ_txt2obj(OID_CAT_NAMEVALUE, 1);
    bool ok = oid != NULL;
    for (size_t i = 0; ok && i < b->nattrs; i++) {
        int n;
        unsigned char *der = namevalue_der(&sorted[i], &n);
        ASN1_OCTET_STRING *v = der ? ASN1_OCTET_STRING_new() : NULL;
        X509_EXTENSION *x = NULL;
        ok = v && ASN1_OCTET_STRING_set(v, der, n) == 1 &&
             (x = X509_EXTENSION_create_by_OBJ(NULL, oid, 0, v)) != NULL &&
             sk_X509_EXTENSION_push(ctl->extensions, x);
        if (!ok)
            X509_EXTENSION_free(x);
        ASN1_OCTET_STRING_free(v);
        OPENSSL_free(der);
    }
    ASN1_OBJECT_free(oid);
    return ok;
}

/* The members as the CTL's entries: each TrustedSubject encoded, and the
 * whole wrapped in its SEQUENCE header.  False when out of memory. */
static bool entries_der(const mum_cat_builder *b, const bmember *ms, size_t n, MUM_CTL *ctl)
{
    mum_sbuf body = {0};
    for (size_t i = 0; i < n && !body.failed; i++) {
        MUM_CTL_ENTRY *e;
        if (!entry_of(b, &ms[i], &e)) {
            mum__sbuf_free(&body);
            return false;
        }
        unsigned char *der = NULL;
        int len = ASN1_item_i2d((ASN1_VALUE *)e, &der, ASN1_ITEM_rptr(MUM_CTL_ENTRY));
        ASN1_item_free((ASN1_VALUE *)e, ASN1_ITEM_rptr(MUM_CTL_ENTRY));
        if (len <= 0) {
            mum__sbuf_free(&body);
            return false;
        }
        mum__sbuf_append(&body, (const char *)der, (size_t)len);
        OPENSSL_free(der);
    }
    /* SEQUENCE, then the length in DER's shortest form */
    unsigned char head[6] = {0x30};
    size_t hlen = 1, len = body.len;
    if (len < 0x80) {
        head[hlen++] = (unsigned char)len;
    } else {
        unsigned char bytes = 0;
        for (size_t v = len; v; v >>= 8)
            bytes++;
        head[hlen++] = (unsigned char)(0x80 | bytes);
        while (bytes)
            head[hlen++] = (unsigned char)(len >> (8 * --bytes));
    }
    unsigned char *der = !body.failed && len <= (size_t)INT_MAX - hlen ? mum__malloc(hlen + len) : NULL;
    if (der) {
        memcpy(der, head, hlen);
        if (len)
            memcpy(der + hlen, body.data, len);
    }
    bool ok = der && (ctl->entries = ASN1_STRING_type_new(V_ASN1_SEQUENCE)) != NULL &&
              ASN1_STRING_set(ctl->entries, der, (int)(hlen + len)) == 1;
    mum__free(der);
    mum__sbuf_free(&body);
    return ok;
}

int mum_cat_builder_finish(uint8_t **out, size_t *out_len, mum_ctx *ctx, mum_cat_builder *b,
                           const mum_signer *signer, const mum_sign_options *opts)
{
    static const mum_sign_options defaults = MUM_SIGN_OPTIONS_INIT;
    *out = NULL;
    *out_len = 0;
    if (!opts)
        opts = &defaults;
    if (opts->version != MUM_SIGN_OPTIONS_VERSION)
        return mum__error(ctx, MUM_EINVAL, NULL, "catalog signing: unknown options version");
    bmember *ms = NULL;
    size_t n = 0;
    int rc = plan_members(ctx, b, &ms, &n);
    if (rc != MUM_OK)
        return rc;
    mum_cat_attr *sorted = NULL;
    MUM_CTL *ctl = (MUM_CTL *)ASN1_item_new(mum__cat_ctl_item());
    uint8_t *ctl_der = NULL;
    size_t ctl_len = 0;
    uint8_t id[16];
    const uint8_t *list_id = b->list_id;
    size_t list_id_len = b->list_id_len;
    rc = MUM_ENOMEM;
    if (!ctl)
        goto done;
    if (!list_id_len) {
        if ((rc = default_list_id(b, ms, n, id)) != MUM_OK)
            goto done;
        rc = MUM_ENOMEM;
        list_id = id;
        list_id_len = sizeof id;
    }
    if (b->nattrs) {
        if (!(sorted = mum__calloc(b->nattrs, sizeof *sorted)))
            goto done;
        memcpy(sorted, b->attrs, b->nattrs * sizeof *sorted);
        qsort(sorted, b->nattrs, sizeof *sorted, cmp_attr_name);
    }
    if (!ctl_set_header(b, ctl, list_id, list_id_len) || !ctl_set_attrs(b, ctl, sorted))
        goto done;
    if (n > 0 && !entries_der(b, ms, n, ctl))
        goto done;
    unsigned char *buf = NULL;
    int len = ASN1_item_i2d((ASN1_VALUE *)ctl, &buf, mum__cat_ctl_item());
    if (len <= 0)
        goto done;
    ctl_der = mum__malloc((size_t)len);
    if (ctl_der) {
        memcpy(ctl_der, buf, (size_t)len);
        ctl_len = (size_t)len;
    }
    OPENSSL_free(buf);
    if (!ctl_der)
        goto done;
    mum_sign_options so = *opts;
    so.has_signing_time = true;
    so.signing_time = b->time;
    rc = mum__pkcs7_build(ctx, MUM_OID_CTL, ctl_der, ctl_len, signer, &so, out, out_len);
done:
    ERR_clear_error();
    if (rc == MUM_ENOMEM)
        rc = mum__nomem(ctx);
    mum__free(ctl_der);
    mum__free(sorted);
    ASN1_item_free((ASN1_VALUE *)ctl, mum__cat_ctl_item());
    for (size_t i = 0; i < n; i++)
        mum__cat_attrs_free(ms[i].attrs, ms[i].nattrs);
    mum__free(ms);
    return rc;
}
