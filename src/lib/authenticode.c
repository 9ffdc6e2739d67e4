/*
 * authenticode.c - the Microsoft Authenticode structures, modelled with
 * OpenSSL's ASN.1 templates: SpcIndirectDataContent (read in place, and
 * written for catalog members), the content of an Authenticode signature,
 * and the SpcSpOpusInfo and SpcStatementType attributes of a signer.
 */
#include "config.h"

#include "sig_internal.h"

#include <openssl/asn1t.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/x509.h>

#include <stdio.h>
#include <string.h>

#define OID_SPC_SP_OPUS_INFO "1.3.6.1.4.1.311.2.1.12"
#define OID_SPC_STATEMENT_TYPE "1.3.6.1.4.1.311.2.1.11"
#define OID_SPC_INDIVIDUAL "1.3.6.1.4.1.311.2.1.21"

/* SpcString ::= CHOICE { unicode [0] IMPLICIT BMPString, ascii [1] IMPLICIT IA5String } */
typedef struct {
    int type;
    union {
        ASN1_BMPSTRING *unicode;
        ASN1_IA5STRING *ascii;
    } value;
} MUM_SPC_STRING;

ASN1_CHOICE(MUM_SPC_STRING) = {
    ASN1_IMP(MUM_SPC_STRING, value.unicode, ASN1_BMPSTRING, 0),
    ASN1_IMP(MUM_SPC_STRING, value.ascii, ASN1_IA5STRING, 1)
} static_ASN1_CHOICE_END(MUM_SPC_STRING)

/* SpcSerializedObject ::= SEQUENCE { classId OCTET STRING, serializedData OCTET STRING } */
typedef struct {
    ASN1_OCTET_STRING *class_id;
    ASN1_OCTET_STRING *data;
} MUM_SPC_SERIALIZED;

ASN1_SEQUENCE(MUM_SPC_SERIALIZED) = {
    ASN1_SIMPLE(MUM_SPC_SERIALIZED, class_id, ASN1_OCTET_STRING),
    ASN1_SIMPLE(MUM_SPC_SERIALIZED, data, ASN1_OCTET_STRING)
} static_ASN1_SEQUENCE_END(MUM_SPC_SERIALIZED)

/* SpcLink ::= CHOICE { url [0] IMPLICIT IA5String, moniker [1] IMPLICIT
 * SpcSerializedObject, file [2] EXPLICIT SpcString } */
typedef struct {
    int type;
    union {
        ASN1_IA5STRING *url;
        MUM_SPC_SERIALIZED *moniker;
        MUM_SPC_STRING *file;
    } value;
} MUM_SPC_LINK;

ASN1_CHOICE(MUM_SPC_LINK) = {
    ASN1_IMP(MUM_SPC_LINK, value.url, ASN1_IA5STRING, 0),
    ASN1_IMP(MUM_SPC_LINK, value.moniker, MUM_SPC_SERIALIZED, 1),
    ASN1_EXP(MUM_SPC_LINK, value.file, MUM_SPC_STRING, 2)
} static_ASN1_CHOICE_END(MUM_SPC_LINK)

/* SpcSpOpusInfo ::= SEQUENCE { programName [0] EXPLICIT SpcString OPTIONAL,
 *                              moreInfo [1] EXPLICIT SpcLink OPTIONAL } */
typedef struct {
    MUM_SPC_STRING *program_name;
    MUM_SPC_LINK *more_info;
} MUM_SPC_OPUS;

ASN1_SEQUENCE(MUM_SPC_OPUS) = {
    ASN1_EXP_OPT(MUM_SPC_OPUS, program_name, MUM_SPC_STRING, 0),
    ASN1_EXP_OPT(MUM_SPC_OPUS, more_info, MUM_SPC_LINK, 1)
} static_ASN1_SEQUENCE_END(MUM_SPC_OPUS)

/* SpcPeImageData ::= SEQUENCE { flags BIT STRING, file [0] EXPLICIT SpcLink OPTIONAL } */
typedef struct {
    ASN1_BIT_STRING *flags;
    MUM_SPC_LINK *file;
} MUM_SPC_PE_IMAGE;

ASN1_SEQUENCE(MUM_SPC_PE_IMAGE) = {
    ASN1_SIMPLE(MUM_SPC_PE_IMAGE, flags, ASN1_BIT_STRING),
    ASN1_EXP_OPT(MUM_SPC_PE_IMAGE, file, MUM_SPC_LINK, 0)
} static_ASN1_SEQUENCE_END(MUM_SPC_PE_IMAGE)

/* SpcAttributeTypeAndOptionalValue ::= SEQUENCE { type OID, value ANY OPTIONAL } */
typedef struct {
    ASN1_OBJECT *type;
    ASN1_TYPE *value;
} MUM_SPC_ATTRIBUTE;

ASN1_SEQUENCE(MUM_SPC_ATTRIBUTE) = {
    ASN1_SIMPLE(MUM_SPC_ATTRIBUTE, type, ASN1_OBJECT),
    ASN1_OPT(MUM_SPC_ATTRIBUTE, value, ASN1_ANY)
} static_ASN1_SEQUENCE_END(MUM_SPC_ATTRIBUTE)

/* DigestInfo ::= SEQUENCE { digestAlgorithm AlgorithmIdentifier, digest OCTET STRING } */
typedef struct {
    X509_ALGOR *alg;
    ASN1_OCTET_STRING *digest;
} MUM_DIGEST_INFO;

ASN1_SEQUENCE(MUM_DIGEST_INFO) = {
    ASN1_SIMPLE(MUM_DIGEST_INFO, alg, X509_ALGOR),
    ASN1_SIMPLE(MUM_DIGEST_INFO, digest, ASN1_OCTET_STRING)
} static_ASN1_SEQUENCE_END(MUM_DIGEST_INFO)

/* SpcIndirectDataContent ::= SEQUENCE { data SpcAttributeTypeAndOptionalValue,
 *                                        messageDigest DigestInfo } */
typedef struct {
    MUM_SPC_ATTRIBUTE *data;
    MUM_DIGEST_INFO *digest;
} MUM_SPC_INDIRECT;

ASN1_SEQUENCE(MUM_SPC_INDIRECT) = {
    ASN1_SIMPLE(MUM_SPC_INDIRECT, data, MUM_SPC_ATTRIBUTE),
    ASN1_SIMPLE(MUM_SPC_INDIRECT, digest, MUM_DIGEST_INFO)
} static_ASN1_SEQUENCE_END(MUM_SPC_INDIRECT)

/* SpcStatementType ::= SEQUENCE OF OBJECT IDENTIFIER */
ASN1_ITEM_TEMPLATE(MUM_SPC_STATEMENT) =
    ASN1_EX_TEMPLATE_TYPE(ASN1_TFLG_SEQUENCE_OF, 0, statements, ASN1_OBJECT)
static_ASN1_ITEM_TEMPLATE_END(MUM_SPC_STATEMENT)

void mum__indirect_clear(mum__indirect *ind)
{
    if (!ind)
        return;
    mum__free(ind->type_oid);
    mum__free(ind->alg_oid);
    memset(ind, 0, sizeof *ind);
}

/* SEQUENCE { OBJECT IDENTIFIER, ANY OPTIONAL } (SpcAttributeTypeAndOptionalValue,
 * AlgorithmIdentifier): the OID's element. */
static bool oid_and_any(const mum__der_el *seq, mum__der_el *oid)
{
    mum__der c = mum__der_in(seq);
    mum__der_el any;
    if (!mum__der_take(&c, MUM_DER_OID, oid) || !mum__der_oid_valid(oid->body, oid->len))
        return false;
    return mum__der_done(&c) || (mum__der_next(&c, &any) == 1 && mum__der_done(&c));
}

/*
 * Reads DER SpcIndirectDataContent in place (a catalog has one per member):
 * SEQUENCE { data SpcAttributeTypeAndOptionalValue, messageDigest SEQUENCE {
 * AlgorithmIdentifier, OCTET STRING } }, nothing after.  The data's type
 * OID, the digest's algorithm OID and the digest.
 */
static bool indirect_read(const uint8_t *der, size_t len, mum__der_el *type, mum__der_el *alg_oid,
                          mum__der_el *digest)
{
    mum__der top = mum__der_over(der, len), body, info;
    mum__der_el seq, data, digest_info, alg;
    bool ok = mum__der_take(&top, MUM_DER_SEQUENCE, &seq) && mum__der_done(&top);
    if (ok) {
        body = mum__der_in(&seq);
        ok = mum__der_take(&body, MUM_DER_SEQUENCE, &data) &&
             mum__der_take(&body, MUM_DER_SEQUENCE, &digest_info) && mum__der_done(&body) &&
             oid_and_any(&data, type);
    }
    if (ok) {
        info = mum__der_in(&digest_info);
        ok = mum__der_take(&info, MUM_DER_SEQUENCE, &alg) &&
             mum__der_take(&info, MUM_DER_OCTET_STRING, digest) && mum__der_done(&info) &&
             oid_and_any(&alg, alg_oid);
    }
    return ok;
}

mum_hash_alg mum__indirect_alg(const uint8_t *der, size_t len)
{
    mum__der_el type, alg_oid, digest;
    if (!indirect_read(der, len, &type, &alg_oid, &digest))
        return MUM_HASH_NONE;
    mum_hash_alg alg = mum__hash_from_oid_der(alg_oid.body, alg_oid.len);
    return alg != MUM_HASH_NONE && mum_hash_size(alg) == digest.len ? alg : MUM_HASH_NONE;
}

int mum__indirect_decode(const uint8_t *der, size_t len, mum__indirect *out, char *why,
                         size_t why_size)
{
    memset(out, 0, sizeof *out);
    mum__der_el type, alg_oid, digest;
    if (!indirect_read(der, len, &type, &alg_oid, &digest)) {
        snprintf(why, why_size, "a malformed SpcIndirectDataContent");
        return MUM_EFORMAT;
    }
    if (digest.len > MUM_HASH_MAX_SIZE || digest.len == 0) {
        snprintf(why, why_size, "a digest of %zu bytes", digest.len);
        return MUM_EFORMAT;
    }
    out->type_oid = mum__der_oid_text(type.body, type.len);
    out->alg_oid = mum__der_oid_text(alg_oid.body, alg_oid.len);
    if (!out->type_oid || !out->alg_oid) {
        mum__indirect_clear(out);
        return MUM_ENOMEM;
    }
    out->alg = mum__hash_from_oid(out->alg_oid);
    out->digest_len = digest.len;
    memcpy(out->digest, digest.body, digest.len);
    if (out->alg != MUM_HASH_NONE && mum_hash_size(out->alg) != out->digest_len) {
        snprintf(why, why_size, "a %s digest of %zu bytes", mum_hash_name(out->alg), out->digest_len);
        mum__indirect_clear(out);
        return MUM_EFORMAT;
    }
    return MUM_OK;
}

/* An SpcLink to a file whose name is `name` (UTF-16BE in a BMPString). */
static MUM_SPC_LINK *file_link(const char *name)
{
    MUM_SPC_LINK *link = (MUM_SPC_LINK *)ASN1_item_new(ASN1_ITEM_rptr(MUM_SPC_LINK));
    MUM_SPC_STRING *s = (MUM_SPC_STRING *)ASN1_item_new(ASN1_ITEM_rptr(MUM_SPC_STRING));
    ASN1_BMPSTRING *bmp = ASN1_BMPSTRING_new();
    bool ok = link && s && bmp;
    size_t n = strlen(name);
    unsigned char *be = ok ? OPENSSL_malloc(2 * n + 1) : NULL;
    if (ok && be) {
        for (size_t i = 0; i < n; i++) { /* ASCII only */
            be[2 * i] = 0;
            be[2 * i + 1] = (unsigned char)name[i];
        }
        ok = ASN1_STRING_set(bmp, be, (int)(2 * n)) == 1;
    } else {
        ok = false;
    }
    OPENSSL_free(be);
    if (!ok) {
        ASN1_item_free((ASN1_VALUE *)link, ASN1_ITEM_rptr(MUM_SPC_LINK));
        ASN1_item_free((ASN1_VALUE *)s, ASN1_ITEM_rptr(MUM_SPC_STRING));
        ASN1_BMPSTRING_free(bmp);
        return NULL;
    }
    s->type = 0;
    s->value.unicode = bmp;
    link->type = 2;
    link->value.file = s;
    return link;
}

/* The DER of `item` as an ASN1_TYPE (for ANY fields).  NULL on failure. */
static ASN1_TYPE *any_of(const ASN1_VALUE *v, const ASN1_ITEM *it)
{
    unsigned char *buf = NULL;
    int n = ASN1_item_i2d(v, &buf, it);
    if (n <= 0)
        return NULL;
    const unsigned char *q = buf;
    ASN1_TYPE *t = d2i_ASN1_TYPE(NULL, &q, n);
    OPENSSL_free(buf);
    return t;
}

int mum__indirect_encode(bool pe, bool obsolete, mum_hash_alg alg, const uint8_t *digest,
                         uint8_t **der, size_t *len)
{
    const char *alg_oid = mum__hash_oid(alg);
    if (!alg_oid)
        return MUM_EINVAL;
    int rc = MUM_ENOMEM;
    MUM_SPC_INDIRECT *ind = (MUM_SPC_INDIRECT *)ASN1_item_new(ASN1_ITEM_rptr(MUM_SPC_INDIRECT));
    MUM_SPC_LINK *link = file_link(obsolete ? "<<<Obsolete>>>" : "");
    MUM_SPC_PE_IMAGE *img = NULL;
    if (!ind || !link)
        goto done;
    ASN1_OBJECT_free(ind->data->type);
    ind->data->type = OBJ_txt2obj(pe ? MUM_OID_SPC_PE_IMAGE_DATA : MUM_OID_SPC_CAB_DATA, 1);
    if (!ind->data->type)
        goto done;
    if (pe) {
        /* SpcPeImageData: the flags Windows writes (includeResources ...),
         * 5 unused bits, and the file link */
        static const unsigned char flags[] = {0xa0};
        img = (MUM_SPC_PE_IMAGE *)ASN1_item_new(ASN1_ITEM_rptr(MUM_SPC_PE_IMAGE));
        if (!img || ASN1_BIT_STRING_set(img->flags, (unsigned char *)flags, 1) != 1)
            goto done;
        img->flags->flags = ASN1_STRING_FLAG_BITS_LEFT | 5;
        img->file = link;
        link = NULL;
        ind->data->value = any_of((ASN1_VALUE *)img, ASN1_ITEM_rptr(MUM_SPC_PE_IMAGE));
    } else {
        ind->data->value = any_of((ASN1_VALUE *)link, ASN1_ITEM_rptr(MUM_SPC_LINK));
    }
    if (!ind->data->value)
        goto done;
    if (X509_ALGOR_set0(ind->digest->alg, OBJ_txt2obj(alg_oid, 1), V_ASN1_NULL, NULL) != 1 ||
        ASN1_OCTET_STRING_set(ind->digest->digest, digest, (int)mum_hash_size(alg)) != 1)
        goto done;
    unsigned char *buf = NULL;
    int n = ASN1_item_i2d((ASN1_VALUE *)ind, &buf, ASN1_ITEM_rptr(MUM_SPC_INDIRECT));
    rc = mum__take_der(buf, n, der, len);
done:
    ERR_clear_error();
    ASN1_item_free((ASN1_VALUE *)ind, ASN1_ITEM_rptr(MUM_SPC_INDIRECT));
    ASN1_item_free((ASN1_VALUE *)link, ASN1_ITEM_rptr(MUM_SPC_LINK));
    ASN1_item_free((ASN1_VALUE *)img, ASN1_ITEM_rptr(MUM_SPC_PE_IMAGE));
    return rc;
}

static const ASN1_TYPE *auth_attr(const PKCS7_SIGNER_INFO *si, const char *oid)
{
    int i = mum__attr_by_oid(si->auth_attr, oid);
    if (i < 0)
        return NULL;
    return X509_ATTRIBUTE_get0_type(X509at_get_attr(si->auth_attr, i), 0);
}

/* An SpcString as UTF-8 in *out; NULL there when it does not convert.
 * Errors: MUM_ENOMEM. */
static int spc_string_text(const MUM_SPC_STRING *s, char **out)
{
    *out = NULL;
    if (!s)
        return MUM_OK;
    unsigned char *utf8 = NULL;
    const ASN1_STRING *str = s->type == 0 ? s->value.unicode : s->value.ascii;
    int n = ASN1_STRING_to_UTF8(&utf8, str);
    if (n < 0) {
        ERR_clear_error();
        return MUM_OK;
    }
    *out = mum__strndup((const char *)utf8, (size_t)n);
    OPENSSL_free(utf8);
    return *out ? MUM_OK : MUM_ENOMEM;
}

/* The last SpcSpOpusInfos a thread read, by their exact DER contents,
 * with the two strings made of each: a signer's description is the same
 * in every package it signs (a package's signatures carry two or three
 * different ones), and decoding one (ASN1_item_d2i, the UTF-8 of a
 * BMPString) cost some 3 500 instructions a signature.  Fixed buffers, so
 * that nothing is left to free when the thread ends; a description that
 * does not fit is read as before, every time. */
#define OPUS_MEMO_N 4
#define OPUS_MEMO_DER 256
#define OPUS_MEMO_TEXT 160
typedef struct {
    size_t der_len; /* 0: nothing kept */
    unsigned char der[OPUS_MEMO_DER];
    bool has_program, has_url;
    char program[OPUS_MEMO_TEXT], url[OPUS_MEMO_TEXT];
} opus_kept;
static _Thread_local struct {
    opus_kept e[OPUS_MEMO_N];
    size_t next; /* the one replaced next */
} opus_memo;

/* A copy of s into the signature's pool as *out (NULL stays NULL).
 * Errors: MUM_ENOMEM. */
static int pool_copy(mum_signature *sig, const char *s, const char **out)
{
    if (!s)
        return MUM_OK;
    char *c = mum__strdup(s);
    return c && (*out = mum__sig_pool_add(sig, c)) ? MUM_OK : MUM_ENOMEM;
}

/* Keeps what was read of der[0..n) for the next signers (when it fits). */
static void opus_memo_keep(const unsigned char *der, size_t n, const char *program, const char *url)
{
    if (n == 0 || n > OPUS_MEMO_DER || (program && strlen(program) >= OPUS_MEMO_TEXT) ||
        (url && strlen(url) >= OPUS_MEMO_TEXT))
        return;
    opus_kept *k = &opus_memo.e[opus_memo.next];
    opus_memo.next = (opus_memo.next + 1) % OPUS_MEMO_N;
    memcpy(k->der, der, n);
    k->has_program = program != NULL;
    k->has_url = url != NULL;
    strcpy(k->program, program ? program : "");
    strcpy(k->url, url ? url : "");
    k->der_len = n;
}

int mum__read_opus(mum_signature *sig, mum_signer_info *info, const PKCS7_SIGNER_INFO *si)
{
    const ASN1_TYPE *t = auth_attr(si, OID_SPC_SP_OPUS_INFO);
    if (!t || t->type != V_ASN1_SEQUENCE)
        return MUM_OK;
    const unsigned char *der = t->value.sequence->data;
    size_t der_len = t->value.sequence->length > 0 ? (size_t)t->value.sequence->length : 0;
    for (size_t i = 0; i < OPUS_MEMO_N; i++) {
        const opus_kept *k = &opus_memo.e[i];
        if (k->der_len && k->der_len == der_len && memcmp(k->der, der, der_len) == 0) {
            int rc = pool_copy(sig, k->has_program ? k->program : NULL, &info->program_name);
            if (rc == MUM_OK)
                rc = pool_copy(sig, k->has_url ? k->url : NULL, &info->more_info_url);
            return rc;
        }
    }
    const unsigned char *q = der;
    MUM_SPC_OPUS *opus = (MUM_SPC_OPUS *)ASN1_item_d2i(NULL, &q, t->value.sequence->length,
                                                        ASN1_ITEM_rptr(MUM_SPC_OPUS));
    if (!opus) {
        ERR_clear_error();
        return MUM_OK; /* a damaged description is not worth failing for */
    }
    int rc = MUM_OK;
    const char *program = NULL, *url = NULL;
    if (opus->program_name) {
        char *s;
        rc = spc_string_text(opus->program_name, &s);
        if (rc == MUM_OK && s && !(program = info->program_name = mum__sig_pool_add(sig, s)))
            rc = MUM_ENOMEM;
    }
    if (rc == MUM_OK && opus->more_info && opus->more_info->type == 0) {
        const ASN1_IA5STRING *u = opus->more_info->value.url;
        char *s = mum__strndup((const char *)ASN1_STRING_get0_data(u), (size_t)ASN1_STRING_length(u));
        if (!s || !(url = info->more_info_url = mum__sig_pool_add(sig, s)))
            rc = MUM_ENOMEM;
    }
    ASN1_item_free((ASN1_VALUE *)opus, ASN1_ITEM_rptr(MUM_SPC_OPUS));
    if (rc == MUM_OK)
        opus_memo_keep(der, der_len, program, url);
    return rc;
}

int mum_authenticode_content(mum_authenticode_info *out, mum_ctx *ctx, const mum_signature *sig)
{
    memset(out, 0, sizeof *out);
    if (!sig || strcmp(sig->content_type, MUM_OID_SPC_INDIRECT_DATA) != 0)
        return mum__error(ctx, MUM_ENOTFOUND, NULL,
                          "the signature's content is %s, not SpcIndirectDataContent",
                          sig ? sig->content_type : "absent");
    mum_location loc = {0};
    loc.offset = sig->content_offset;
    loc.has_offset = true;
    if (!sig->content)
        return mum__error(ctx, MUM_EFORMAT, &loc, "the signature has no content");
    mum__indirect ind;
    char why[128];
    int rc = mum__indirect_decode(sig->content, sig->content_len, &ind, why, sizeof why);
    if (rc == MUM_ENOMEM)
        return mum__nomem(ctx);
    if (rc != MUM_OK)
        return mum__error(ctx, rc, &loc, "SpcIndirectDataContent: %s", why);
    /* The strings live as long as the signature: keep them in its pool. */
    mum_signature *msig = (mum_signature *)sig;
    out->data_type = mum__sig_pool_add(msig, ind.type_oid);
    ind.type_oid = NULL;
    out->digest_alg_oid = out->data_type ? mum__sig_pool_add(msig, ind.alg_oid) : NULL;
    if (out->digest_alg_oid)
        ind.alg_oid = NULL;
    if (!out->data_type || !out->digest_alg_oid) {
        mum__indirect_clear(&ind);
        return mum__nomem(ctx);
    }
    out->digest_alg = ind.alg;
    out->digest_len = ind.digest_len;
    memcpy(out->digest, ind.digest, ind.digest_len);
    mum__indirect_clear(&ind);
    return MUM_OK;
}

/* An authenticated attribute holding `der` (a complete SEQUENCE). */
static bool add_sequence_attr(PKCS7_SIGNER_INFO *si, const char *oid, const unsigned char *der, int len)
{
    return X509at_add1_attr_by_txt(&si->auth_attr, oid, V_ASN1_SEQUENCE, der, len) != NULL;
}

bool mum__add_statement_type(PKCS7_SIGNER_INFO *si)
{
    STACK_OF(ASN1_OBJECT) *st = sk_ASN1_OBJECT_new_null();
    ASN1_OBJECT *o = OBJ_txt2obj(OID_SPC_INDIVIDUAL, 1);
    unsigned char *der = NULL;
    int n = -1;
    if (st && o && sk_ASN1_OBJECT_push(st, o)) {
        o = NULL;
        n = ASN1_item_i2d((ASN1_VALUE *)st, &der, ASN1_ITEM_rptr(MUM_SPC_STATEMENT));
    }
    bool ok = n > 0 && add_sequence_attr(si, OID_SPC_STATEMENT_TYPE, der, n);
    OPENSSL_free(der);
    ASN1_OBJECT_free(o);
    sk_ASN1_OBJECT_pop_free(st, ASN1_OBJECT_free);
    return ok;
}

bool mum__add_opus(PKCS7_SIGNER_INFO *si, const mum_sign_options *o)
{
    MUM_SPC_OPUS *opus = (MUM_SPC_OPUS *)ASN1_item_new(ASN1_ITEM_rptr(MUM_SPC_OPUS));
    bool ok = opus != NULL;
    if (ok && o->program_name) {
        MUM_SPC_STRING *s = (MUM_SPC_STRING *)ASN1_item_new(ASN1_ITEM_rptr(MUM_SPC_STRING));
        ASN1_STRING *bmp = NULL;
        ok = s && ASN1_mbstring_copy(&bmp, (const unsigned char *)o->program_name, -1, MBSTRING_UTF8,
                                     B_ASN1_BMPSTRING) > 0;
        if (ok) {
            s->type = 0;
            s->value.unicode = bmp;
            opus->program_name = s;
        } else {
            ASN1_STRING_free(bmp);
            ASN1_item_free((ASN1_VALUE *)s, ASN1_ITEM_rptr(MUM_SPC_STRING));
        }
    }
    if (ok && o->more_info_url) {
        MUM_SPC_LINK *l = (MUM_SPC_LINK *)ASN1_item_new(ASN1_ITEM_rptr(MUM_SPC_LINK));
        ASN1_IA5STRING *u = ASN1_IA5STRING_new();
        ok = l && u && ASN1_STRING_set(u, o->more_info_url, (int)strlen(o->more_info_url)) == 1;
        if (ok) {
            l->type = 0;
            l->value.url = u;
            opus->more_info = l;
        } else {
            ASN1_IA5STRING_free(u);
            ASN1_item_free((ASN1_VALUE *)l, ASN1_ITEM_rptr(MUM_SPC_LINK));
        }
    }
    unsigned char *der = NULL;
    int n = ok ? ASN1_item_i2d((ASN1_VALUE *)opus, &der, ASN1_ITEM_rptr(MUM_SPC_OPUS)) : -1;
    ok = n > 0 && add_sequence_attr(si, OID_SPC_SP_OPUS_INFO, der, n);
    OPENSSL_free(der);
    ASN1_item_free((ASN1_VALUE *)opus, ASN1_ITEM_rptr(MUM_SPC_OPUS));
    return ok;
}
