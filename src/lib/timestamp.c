/*
 * timestamp.c - the time stamps of a signer: a PKCS#9 countersignature or
 * an RFC 3161 token, read from the unauthenticated attributes and checked
 * against the signature they stamp (their chains are chain.c's).
 */
#include "config.h"

#include "digest.h"
#include "sig_internal.h"

#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pkcs7.h>
#include <openssl/ts.h>
#include <openssl/x509.h>

#include <stdio.h>
#include <string.h>

#define OID_RFC3161_TIMESTAMP "1.3.6.1.4.1.311.3.3.1"
#define OID_TSTINFO "1.2.840.113549.1.9.16.1.4"

static const ASN1_TYPE *unauth_attr(const PKCS7_SIGNER_INFO *si, const char *oid)
{
    int i = mum__attr_by_oid(si->unauth_attr, oid);
    if (i < 0)
        return NULL;
    return X509_ATTRIBUTE_get0_type(X509at_get_attr(si->unauth_attr, i), 0);
}

/* Reads the countersignature or RFC 3161 token of one signer. */
int mum__read_timestamp(mum_signature *sig, mum_signer_info *info, signer_extra *ex)
{
    STACK_OF(X509) *certs = sig->p7->d.sign->cert;
    const ASN1_TYPE *cs = PKCS7_get_attribute(ex->si, NID_pkcs9_countersignature);
    if (cs && cs->type == V_ASN1_SEQUENCE) {
        const unsigned char *q = cs->value.sequence->data;
        ex->counter = d2i_PKCS7_SIGNER_INFO(NULL, &q, cs->value.sequence->length);
        if (!ex->counter) {
            ERR_clear_error();
            ex->ts_problem = mum__strdup("the countersignature is malformed");
            return ex->ts_problem ? MUM_OK : MUM_ENOMEM;
        }
        info->timestamp = MUM_TIMESTAMP_COUNTERSIGNATURE;
        info->timestamp_digest_alg = mum__hash_of_algor(ex->counter->digest_alg);
        const ASN1_TYPE *st = PKCS7_get_signed_attribute(ex->counter, NID_pkcs9_signingTime);
        if (!st || (st->type != V_ASN1_UTCTIME && st->type != V_ASN1_GENERALIZEDTIME) ||
            !mum__asn1_time_get(st->value.utctime, &info->timestamp_time)) {
            ex->ts_problem = mum__strdup("the countersignature has no valid signingTime");
            if (!ex->ts_problem)
                return MUM_ENOMEM;
        }
        ex->ts_cert = mum__find_cert(certs, ex->counter->issuer_and_serial);
        if (ex->ts_cert)
            X509_up_ref(ex->ts_cert);
    } else {
        const ASN1_TYPE *tok = unauth_attr(ex->si, OID_RFC3161_TIMESTAMP);
        if (!tok)
            return MUM_OK;
        info->timestamp = MUM_TIMESTAMP_RFC3161;
        if (tok->type == V_ASN1_SEQUENCE) {
            const unsigned char *q = tok->value.sequence->data;
            ex->token = d2i_CMS_ContentInfo(NULL, &q, tok->value.sequence->length);
        }
        STACK_OF(CMS_SignerInfo) *sis = NULL;
        if (ex->token && OBJ_obj2nid(CMS_get0_type(ex->token)) == NID_pkcs7_signed &&
            mum__oid_is(CMS_get0_eContentType(ex->token), OID_TSTINFO)) {
            ASN1_OCTET_STRING **pos = CMS_get0_content(ex->token);
            if (pos && *pos) {
                const unsigned char *q = ASN1_STRING_get0_data(*pos);
                ex->tst = d2i_TS_TST_INFO(NULL, &q, ASN1_STRING_length(*pos));
            }
            sis = CMS_get0_SignerInfos(ex->token);
        }
        ERR_clear_error();
        if (!ex->tst || sk_CMS_SignerInfo_num(sis) < 1) {
            ex->ts_problem = mum__strdup("the RFC 3161 timestamp token is malformed");
            return ex->ts_problem ? MUM_OK : MUM_ENOMEM;
        }
        if (!mum__asn1_time_get(TS_TST_INFO_get_time(ex->tst), &info->timestamp_time)) {
            ex->ts_problem = mum__strdup("the RFC 3161 timestamp has no valid genTime");
            if (!ex->ts_problem)
                return MUM_ENOMEM;
        }
        CMS_SignerInfo *tsi = sk_CMS_SignerInfo_value(sis, 0);
        X509_ALGOR *dig = NULL;
        CMS_SignerInfo_get0_algs(tsi, NULL, NULL, &dig, NULL);
        info->timestamp_digest_alg = mum__hash_of_algor(dig);
        ex->token_certs = CMS_get1_certs(ex->token);
        for (int k = 0; k < sk_X509_num(ex->token_certs) && !ex->ts_cert; k++)
            if (CMS_SignerInfo_cert_cmp(tsi, sk_X509_value(ex->token_certs, k)) == 0)
                ex->ts_cert = sk_X509_value(ex->token_certs, k);
        for (int k = 0; k < sk_X509_num(certs) && !ex->ts_cert; k++)
            if (CMS_SignerInfo_cert_cmp(tsi, sk_X509_value(certs, k)) == 0)
                ex->ts_cert = sk_X509_value(certs, k);
        if (ex->ts_cert)
            X509_up_ref(ex->ts_cert);
        ERR_clear_error();
    }
    if (ex->ts_cert)
        return mum__cert_info_fill(ex->ts_cert, &info->timestamp_signer);
    return MUM_OK;
}

const char *mum_timestamp_kind_name(mum_timestamp_kind kind)
{
    switch (kind) {
    case MUM_TIMESTAMP_COUNTERSIGNATURE: return "countersignature";
    case MUM_TIMESTAMP_RFC3161: return "rfc3161";
    default: return "none";
    }
}

/* The integrity of a signer's countersignature or timestamp token. */
bool mum__verify_timestamp(const mum_signature *sig, const signer_extra *ex, char *why,
                           size_t why_size)
{
    char inner[384];
    const ASN1_OCTET_STRING *value = ex->si->enc_digest;
    if (ex->ts_problem) {
        snprintf(why, why_size, "%s", ex->ts_problem);
        return false;
    }
    if (ex->counter) {
        if (mum__verify_signer_info(ex->counter, ex->ts_cert, NULL, ASN1_STRING_get0_data(value),
                               (size_t)ASN1_STRING_length(value), inner, sizeof inner) != MUM_SIG_CHECK_NONE) {
            snprintf(why, why_size, "countersignature: %s", inner);
            return false;
        }
        return true;
    }
    if (!ex->token)
        return true;
    /* CMS semantics here: messageDigest over the TSTInfo inside its OCTET
     * STRING, the signer found among the token's and the signature's
     * certificates; the chain is evaluated later, with the anchors. */
    if (CMS_verify(ex->token, sig->p7->d.sign->cert, NULL, NULL, NULL,
                   CMS_NO_SIGNER_CERT_VERIFY | CMS_BINARY) != 1) {
        unsigned long e = ERR_peek_last_error();
        const char *reason = e ? ERR_reason_error_string(e) : NULL;
        ERR_clear_error();
        snprintf(why, why_size, "RFC 3161 timestamp: the token does not verify (%s)",
                 reason ? reason : "unknown reason");
        return false;
    }
    TS_MSG_IMPRINT *imp = TS_TST_INFO_get_msg_imprint(ex->tst);
    X509_ALGOR *ialg = TS_MSG_IMPRINT_get_algo(imp);
    const ASN1_OCTET_STRING *ihash = TS_MSG_IMPRINT_get_msg(imp);
    const EVP_MD *md = ialg ? EVP_get_digestbyobj(ialg->algorithm) : NULL;
    uint8_t dig[MUM_HASH_MAX_SIZE];
    size_t dlen = 0;
    if (!md ||
        mum__digest_evp(md, ASN1_STRING_get0_data(value), (size_t)ASN1_STRING_length(value), dig, &dlen) !=
            MUM_OK ||
        (size_t)ASN1_STRING_length(ihash) != dlen || memcmp(ASN1_STRING_get0_data(ihash), dig, dlen) != 0) {
        ERR_clear_error();
        snprintf(why, why_size, "RFC 3161 timestamp: its message imprint is not the digest of this signature");
        return false;
    }
    return true;
}
