/*
 * cabsig.c - a cabinet's own Authenticode signature, verified: the blob the
 * digest pass kept (cab.c) is handed to the signature module (signeddata.c,
 * sigverify.c) with the cabinet's Authenticode digests.  Only the public signature API is
 * used here; what is the cabinet's own is the blob's padding, the data types
 * it knows by name, and offsets in messages.
 */
#include "config.h"

#include "crypto.h"

#include <inttypes.h>
#include <string.h>

mum_hash_alg mum_cab_signature_alg(const void *blob, size_t size)
{
    mum__der_el content;
    if (!mum__signed_content(blob, size, &content))
        return MUM_HASH_NONE;
    mum_hash_alg alg = mum__indirect_alg(content.start, content.size);
    return alg == MUM_HASH_SHA1 || alg == MUM_HASH_SHA256 ? alg : MUM_HASH_NONE;
}

static const char *data_type_name(const char *oid)
{
    if (strcmp(oid, MUM_OID_SPC_CAB_DATA) == 0)
        return "SPC_CAB_DATA";
    if (strcmp(oid, MUM_OID_SPC_LINK) == 0)
        return "SPC_LINK";
    if (strcmp(oid, MUM_OID_SPC_PE_IMAGE_DATA) == 0)
        return "SPC_PE_IMAGE_DATA: a PE file";
    return "a type Authenticode does not define";
}

/*
 * The parser's offsets are offsets in the blob; in a message about the
 * cabinet they must be offsets in the cabinet.  The reason is kept as the
 * parser wrote it.
 */
static int shift_error(mum_ctx *ctx, int rc, const mum_location *where, uint64_t base)
{
    if (!ctx || rc == MUM_ENOMEM)
        return rc;
    const mum_location *at = mum_ctx_location(ctx);
    mum_location loc = where ? *where : (mum_location){0};
    loc.line = loc.column = 0;
    loc.has_offset = true;
    loc.offset = base + (at->has_offset ? at->offset : 0);
    char *reason = mum__strdup(mum_ctx_reason(ctx));
    if (!reason)
        return mum__nomem(ctx);
    rc = mum__error(ctx, rc, &loc, "the cabinet's signature: %s", reason);
    mum__free(reason);
    return rc;
}

static int blob_error(mum_ctx *ctx, const mum_location *where, uint64_t offset, const char *fmt, ...)
    MUM_PRINTF(4, 5);

static int blob_error(mum_ctx *ctx, const mum_location *where, uint64_t offset, const char *fmt, ...)
{
    mum_location loc = where ? *where : (mum_location){0};
    loc.line = loc.column = 0;
    loc.has_offset = true;
    loc.offset = offset;
    va_list ap;
    va_start(ap, fmt);
    int rc = mum__verror(ctx, MUM_EFORMAT, &loc, fmt, ap);
    va_end(ap);
    return rc;
}

/*
 * The data type the SpcIndirectDataContent names does not decide whether a
 * cabinet's signature holds: the file does.  Windows picks the subject
 * interface package from the file's magic ("MSCF": the cabinet SIP), and
 * that SIP's VerifyIndirectData digests the file as a cabinet with the
 * algorithm the content names and compares the digests; the data type is
 * not consulted.  Signtool writes SPC_LINK (1.3.6.1.4.1.311.2.1.28) for
 * cabinets, other tools SPC_CAB_DATA (1.3.6.1.4.1.311.2.1.25), and both
 * verify on Windows.  So any data type is accepted when the digest is the
 * cabinet's (which only a digest of this cabinet can be: another type's
 * digest, a PE image's say, cannot equal it but by a collision), and a
 * digest that differs stays MUM_SIG_CHECK_FILE_DIGEST.  A type other than
 * the two cabinet ones is named in that failure's detail: a PE file's
 * signature put in a cabinet's place is then told as such.
 */
static int note_data_type(const mum_signature *s, mum_sig_result *r)
{
    if (mum_signature_signer_count(s) == 0 || r->status != MUM_SIG_INTEGRITY_FAILED ||
        r->failed_check != MUM_SIG_CHECK_FILE_DIGEST)
        return MUM_OK;
    mum_authenticode_info ai;
    int rc = mum_authenticode_content(&ai, NULL, s);
    if (rc == MUM_ENOMEM)
        return rc;
    if (rc != MUM_OK || strcmp(ai.data_type, MUM_OID_SPC_CAB_DATA) == 0 ||
        strcmp(ai.data_type, MUM_OID_SPC_LINK) == 0)
        return MUM_OK;
    char *detail = mum__asprintf("%s; the signature is for data of type %s (%s), not a cabinet",
                                 r->detail ? r->detail : "", ai.data_type, data_type_name(ai.data_type));
    if (!detail)
        return MUM_ENOMEM;
    mum__sig_detail_free(r->detail);
    r->detail = detail;
    return MUM_OK;
}

int mum__cab_authenticode_verify(mum_sig_result *out, mum_ctx *ctx, const mum_signature *s,
                                 const uint8_t *sha1, const uint8_t *sha256,
                                 const mum_sig_verify_options *opts, mum__sig_memo *memo)
{
    /* a digest not computed (MUM_CAB_DIGEST_ONLY_*) has no value: a signature of its kind fails */
    mum_file_digest d[2] = {{MUM_HASH_SHA1, sha1}, {MUM_HASH_SHA256, sha256}};
    int rc = mum__authenticode_verify_memo(out, ctx, s, d, 2, opts, memo);
    if (rc == MUM_OK && (rc = note_data_type(s, out)) != MUM_OK) {
        mum_sig_result_clear(out);
        rc = mum__nomem(ctx);
    }
    return rc;
}

int mum_cab_signature_verify(mum_sig_result *out, mum_signature **sig_out, mum_ctx *ctx,
                             const mum_cab_signature *sig, const mum_location *where,
                             const mum_sig_verify_options *opts)
{
    if (sig_out)
        *sig_out = NULL;
    if (!out || !sig)
        return mum__error(ctx, MUM_EINVAL, NULL, "mum_cab_signature_verify: no signature or no result");
    memset(out, 0, sizeof *out);
    if (!sig->present)
        return mum__error(ctx, MUM_ENOTFOUND, where, "the cabinet carries no signature");
    if (!sig->blob)
        return blob_error(ctx, where, sig->offset,
                          "the cabinet's signature (%" PRIu64 " bytes) was not read whole", sig->length);
    if (!sig->digests_valid)
        return blob_error(ctx, where, sig->offset,
                          "the cabinet's Authenticode digest could not be computed: the signature "
                          "does not follow the cabinet");
    /* DER, then zeros up to the length the header gives (signing tools pad
     * to 8 bytes); a blob whose DER length cannot be read goes to the
     * parser whole, which says where it breaks. */
    size_t der_len = sig->blob_size >= 2 && sig->blob[0] == 0x30 ? mum__der_element_len(sig->blob, sig->blob_size) : 0;
    if (der_len == 0)
        der_len = sig->blob_size;
    for (size_t i = der_len; i < sig->blob_size; i++)
        if (sig->blob[i] != 0)
            return blob_error(ctx, where, sig->offset + i,
                              "the cabinet's signature: %zu bytes after the PKCS#7 signature are not "
                              "zero padding",
                              sig->blob_size - der_len);
    mum_signature *s = NULL;
    int rc = mum_signature_parse(&s, ctx, sig->blob, der_len, where);
    if (rc != MUM_OK)
        return shift_error(ctx, rc, where, sig->offset);
    rc = mum__cab_authenticode_verify(out, ctx, s, sig->sha1_valid ? sig->sha1 : NULL,
                                      sig->sha256_valid ? sig->sha256 : NULL, opts, NULL);
    if (rc == MUM_OK && sig_out)
        *sig_out = s;
    else
        mum_signature_free(s);
    return rc;
}
