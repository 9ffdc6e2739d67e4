/*
 * sigverify.c - the verdict on a signature: integrity first (the signer's
 * SignerInfo, an Authenticode file digest, the chains, the timestamp), then
 * trust against the anchors at the time the timestamp or the caller gives;
 * the weakest signer's verdict, and the findings it gives.
 */
#include "config.h"

#include "sig_internal.h"

#include <openssl/err.h>
#include <openssl/x509.h>

#include <stdio.h>
#include <string.h>
#include <time.h>

const char *mum_sig_status_name(mum_sig_status status)
{
    switch (status) {
    case MUM_SIG_UNSIGNED: return "unsigned";
    case MUM_SIG_INTEGRITY_FAILED: return "integrity-failed";
    case MUM_SIG_UNTRUSTED: return "signed-untrusted";
    case MUM_SIG_EXPIRED: return "expired";
    case MUM_SIG_TRUSTED: return "trusted";
    default: return "?";
    }
}

const char *mum_sig_check_name(mum_sig_check check)
{
    switch (check) {
    case MUM_SIG_CHECK_SIGNER_CERT: return "signer-certificate";
    case MUM_SIG_CHECK_ATTRIBUTES: return "attributes";
    case MUM_SIG_CHECK_CONTENT_DIGEST: return "content-digest";
    case MUM_SIG_CHECK_SIGNATURE: return "signature";
    case MUM_SIG_CHECK_FILE_DIGEST: return "file-digest";
    case MUM_SIG_CHECK_TIMESTAMP: return "timestamp";
    case MUM_SIG_CHECK_CHAIN: return "chain";
    default: return "none";
    }
}

const char *mum_sig_trust_issue_name(mum_sig_trust_issue issue)
{
    switch (issue) {
    case MUM_SIG_TRUST_NO_ANCHORS: return "no-anchors";
    case MUM_SIG_TRUST_UNKNOWN_ROOT: return "unknown-root";
    case MUM_SIG_TRUST_CHAIN: return "chain";
    case MUM_SIG_TRUST_USAGE: return "usage";
    default: return "ok";
    }
}

const char *mum_sig_time_source_name(mum_sig_time_source source)
{
    switch (source) {
    case MUM_SIG_TIME_NOW: return "now";
    case MUM_SIG_TIME_TIMESTAMP: return "timestamp";
    case MUM_SIG_TIME_GIVEN: return "given";
    default: return "none";
    }
}

const char *mum_sig_timestamp_status_name(mum_sig_timestamp_status status)
{
    switch (status) {
    case MUM_SIG_TIMESTAMP_VALID: return "valid";
    case MUM_SIG_TIMESTAMP_INVALID: return "invalid";
    default: return "absent";
    }
}

const char *mum_sig_chain_status_name(mum_sig_chain_status status)
{
    switch (status) {
    case MUM_SIG_CHAIN_INTACT: return "intact";
    case MUM_SIG_CHAIN_BROKEN: return "broken";
    default: return "unchecked";
    }
}

/* The detail every signer verified without anchors gets (integrity, while
 * a graph is read): one constant a result points to, not a copy each (a
 * graph keeps a result for every catalog and signed cabinet).  Results'
 * details are freed through mum__sig_detail_free, which knows it. */
static const char no_anchors_detail[] = "no trust anchors were given, so the certificate chain was not evaluated";

void mum__sig_detail_free(char *detail)
{
    if (detail != no_anchors_detail)
        mum__free(detail);
}

void mum_sig_result_clear(mum_sig_result *result)
{
    if (!result)
        return;
    mum__sig_detail_free(result->detail);
    mum__free(result->timestamp_note);
    memset(result, 0, sizeof *result);
}

int mum__sig_result_copy(mum_sig_result *out, const mum_sig_result *from)
{
    *out = *from;
    out->detail = from->detail == no_anchors_detail ? (char *)no_anchors_detail : NULL;
    out->timestamp_note = NULL;
    if ((from->detail && !out->detail && !(out->detail = mum__strdup(from->detail))) ||
        (from->timestamp_note && !(out->timestamp_note = mum__strdup(from->timestamp_note)))) {
        mum_sig_result_clear(out);
        return MUM_ENOMEM;
    }
    return MUM_OK;
}

static bool is_expiry(int err)
{
    return err == X509_V_ERR_CERT_HAS_EXPIRED || err == X509_V_ERR_CERT_NOT_YET_VALID;
}

static bool is_unknown_root(int err)
{
    return err == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY ||
           err == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT ||
           err == X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN ||
           err == X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT ||
           err == X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE;
}

/* One signer's verdict, built in a result. */
static int verdict(mum_sig_result *r, mum_sig_status status, mum_sig_check check,
                   mum_sig_trust_issue issue, const char *fmt, ...) MUM_PRINTF(5, 6);

static int verdict(mum_sig_result *r, mum_sig_status status, mum_sig_check check,
                   mum_sig_trust_issue issue, const char *fmt, ...)
{
    r->status = status;
    r->failed_check = check;
    r->trust_issue = issue;
    mum__sig_detail_free(r->detail);
    r->detail = NULL;
    if (fmt == no_anchors_detail) {
        r->detail = (char *)no_anchors_detail; /* never written to: freed by mum__sig_detail_free */
    } else if (fmt && !strchr(fmt, '%')) {
        /* a message without conversions (the one every signature read
         * with no anchors gets): copied, not formatted twice */
        if (!(r->detail = mum__strdup(fmt)))
            return MUM_ENOMEM;
    } else if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        r->detail = mum__vasprintf(fmt, ap);
        va_end(ap);
        if (!r->detail)
            return MUM_ENOMEM;
    }
    return MUM_OK;
}

/* The file-digest check of an Authenticode signature. */
static int check_file_digest(const mum_signature *sig, const mum_file_digest *digests, size_t n,
                             mum_sig_result *r, bool *failed)
{
    *failed = true;
    if (strcmp(sig->content_type, MUM_OID_SPC_INDIRECT_DATA) != 0 || !sig->content)
        return verdict(r, MUM_SIG_INTEGRITY_FAILED, MUM_SIG_CHECK_ATTRIBUTES, MUM_SIG_TRUST_OK,
                       "the signed content is %s, not Authenticode SpcIndirectDataContent",
                       sig->content_type);
    mum__indirect ind;
    char why[128];
    int rc = mum__indirect_decode(sig->content, sig->content_len, &ind, why, sizeof why);
    if (rc == MUM_ENOMEM)
        return rc;
    if (rc != MUM_OK)
        return verdict(r, MUM_SIG_INTEGRITY_FAILED, MUM_SIG_CHECK_FILE_DIGEST, MUM_SIG_TRUST_OK,
                       "SpcIndirectDataContent: %s", why);
    const mum_file_digest *mine = NULL;
    for (size_t i = 0; i < n && !mine; i++)
        if (digests[i].alg == ind.alg && digests[i].value)
            mine = &digests[i];
    char a[2 * MUM_HASH_MAX_SIZE + 1], b[2 * MUM_HASH_MAX_SIZE + 1];
    mum__hex_short(ind.digest, ind.digest_len, a, sizeof a);
    if (!mine) {
        rc = verdict(r, MUM_SIG_INTEGRITY_FAILED, MUM_SIG_CHECK_FILE_DIGEST, MUM_SIG_TRUST_OK,
                     "the signature holds a %s digest (%s) and no digest of that kind was computed",
                     ind.alg ? mum_hash_name(ind.alg) : ind.alg_oid, a);
    } else if (memcmp(mine->value, ind.digest, ind.digest_len) != 0) {
        mum__hex_short(mine->value, ind.digest_len, b, sizeof b);
        rc = verdict(r, MUM_SIG_INTEGRITY_FAILED, MUM_SIG_CHECK_FILE_DIGEST, MUM_SIG_TRUST_OK,
                     "the file's %s digest %s differs from the signed one, %s",
                     mum_hash_name(ind.alg), b, a);
    } else {
        *failed = false;
    }
    mum__indirect_clear(&ind);
    return rc;
}

/* What the integrity of the chains and of the timestamp says, told apart
 * from the other checks so that a report gives them whatever failed. */
typedef struct chain_verdicts {
    bool signer_broken;
    bool ts_broken;             /* the timestamp signer's chain */
    char signer_why[512];
    char ts_why[512];           /* why the timestamp is invalid */
} chain_verdicts;

static int assess_chains_in(const mum_signature *sig, size_t i, const cert_pool *pool,
                            mum_sig_result *r, chain_verdicts *cv);

/* The integrity of signer i's timestamp, kept as the signer's own checks
 * are (see ts_known; not const for it) when it has one.  MUM_ENOMEM only. */
static int keep_timestamp_verdict(const mum_signature *sig, size_t i)
{
    signer_extra *memo = &sig->extra[i];
    if (sig->signers[i].timestamp == MUM_TIMESTAMP_NONE || memo->ts_known)
        return MUM_OK;
    char why[512];
    if (!mum__verify_timestamp(sig, memo, why, sizeof why) && !(memo->ts_why = mum__strdup(why)))
        return MUM_ENOMEM;
    memo->ts_valid = memo->ts_why == NULL;
    memo->ts_known = true;
    return MUM_OK;
}

/* Fills r's timestamp and chain fields and *cv (certs: the signature's,
 * mum__sig_certs).  MUM_ENOMEM only. */
static int assess_chains(const mum_signature *sig, STACK_OF(X509) *certs, size_t i,
                         const mum_sig_verify_options *o, mum_sig_result *r, chain_verdicts *cv)
{
    const signer_extra *ex = &sig->extra[i];
    /* only the anchors these certificates may reach (the others are
     * never an issuer here): built-in ones are parsed on first need */
    STACK_OF(X509) *const lists[] = {certs, ex->token_certs};
    STACK_OF(X509) *near = NULL;
    if (o->anchors && mum_trust_count(o->anchors) > 0 &&
        !(near = mum__trust_certs_near(o->anchors, ex->cert, lists, 2)))
        return MUM_ENOMEM;
    cert_pool pool = {{lists[0], lists[1], near}};
    int rc = assess_chains_in(sig, i, &pool, r, cv);
    sk_X509_free(near);
    return rc;
}

static int assess_chains_in(const mum_signature *sig, size_t i, const cert_pool *pool,
                            mum_sig_result *r, chain_verdicts *cv)
{
    const signer_extra *ex = &sig->extra[i];
    const mum_signer_info *info = &sig->signers[i];
    bool intact;
    int rc;
    if (ex->cert) {
        if ((rc = mum__chain_intact(pool, ex->cert, "the signer's chain", &r->chain_checked, &intact,
                               cv->signer_why, sizeof cv->signer_why)) != MUM_OK)
            return rc;
        cv->signer_broken = !intact;
        r->chain_status = intact ? MUM_SIG_CHAIN_INTACT : MUM_SIG_CHAIN_BROKEN;
    }
    if (info->timestamp == MUM_TIMESTAMP_NONE)
        return MUM_OK;
    r->has_timestamp_time = info->timestamp_time != 0;
    r->timestamp_time = info->timestamp_time;
    if ((rc = keep_timestamp_verdict(sig, i)) != MUM_OK)
        return rc;
    const signer_extra *memo = &sig->extra[i];
    bool valid = memo->ts_valid;
    if (!valid)
        snprintf(cv->ts_why, sizeof cv->ts_why, "%s", memo->ts_why);
    if (valid && ex->ts_cert) {
        if ((rc = mum__chain_intact(pool, ex->ts_cert, "the timestamp's chain", &r->chain_checked, &intact,
                               cv->ts_why, sizeof cv->ts_why)) != MUM_OK)
            return rc;
        cv->ts_broken = !intact;
        valid = intact;
        if (!intact)
            r->chain_status = MUM_SIG_CHAIN_BROKEN;
    }
    r->timestamp_status = valid ? MUM_SIG_TIMESTAMP_VALID : MUM_SIG_TIMESTAMP_INVALID;
    if (!valid && !(r->timestamp_note = mum__asprintf("the timestamp is invalid: %s", cv->ts_why)))
        return MUM_ENOMEM;
    return MUM_OK;
}

/* ---- the memo of anchored verdicts (crypto.h) ---- */

/* Entries at most: a run of verifications meets few signer chains, and an
 * entry not found costs its key's comparison. */
enum { MEMO_ENTRIES = 8 };

/* All the anchored part of a signer's verdict depends on (crypto.h). */
typedef struct memo_key {
    STACK_OF(X509) *certs, *token;  /* the signature's, the timestamp token's */
    X509 *cert, *ts_cert;
    const char *subject, *ts_subject;
    const mum_trust *anchors;
    uint64_t serial;
    bool has_time;
    int64_t time;                   /* the time asked, or the second taken as now */
    mum_timestamp_kind timestamp;
    int64_t timestamp_time;
    bool ts_valid;                  /* the timestamp's kept integrity verdict */
    const char *ts_why;
} memo_key;

typedef struct memo_entry {
    /* the key: certs holds the signature's certificates then the token's,
     * each (and cert, ts_cert) a reference of the entry's own, so that no
     * other certificate is ever met at their addresses */
    X509 **certs;
    int ncerts, ntoken;
    X509 *cert, *ts_cert;
    char *subject, *ts_subject, *ts_why;
    const mum_trust *anchors;
    uint64_t serial;
    bool has_time;
    int64_t time;
    mum_timestamp_kind timestamp;
    int64_t timestamp_time;
    bool ts_valid;
    /* the value: what assess_chains gave, and the whole verdict once its
     * trust part ran (the integrity checks before it are the signature's) */
    mum_sig_result chains;
    chain_verdicts cv;
    bool trust_known;
    mum_sig_result trust;
} memo_entry;

struct mum__sig_memo {
    memo_entry *e[MEMO_ENTRIES];
    size_t next;
    unsigned long hits;
};

mum__sig_memo *mum__sig_memo_new(void)
{
    return mum__calloc(1, sizeof(mum__sig_memo));
}

static void memo_entry_free(memo_entry *e)
{
    if (!e)
        return;
    for (int k = 0; e->certs && k < e->ncerts; k++)
        X509_free(e->certs[k]);
    mum__free(e->certs);
    X509_free(e->cert);
    X509_free(e->ts_cert);
    mum__free(e->subject);
    mum__free(e->ts_subject);
    mum__free(e->ts_why);
    mum_sig_result_clear(&e->chains);
    mum_sig_result_clear(&e->trust);
    mum__free(e);
}

void mum__sig_memo_free(mum__sig_memo *m)
{
    if (!m)
        return;
    for (size_t k = 0; k < MEMO_ENTRIES; k++)
        memo_entry_free(m->e[k]);
    mum__free(m);
}

unsigned long mum__sig_memo_hits(const mum__sig_memo *m)
{
    return m ? m->hits : 0;
}

static memo_key memo_key_of(const mum_signature *sig, STACK_OF(X509) *certs, size_t i,
                            const mum_sig_verify_options *o, int64_t now)
{
    const signer_extra *ex = &sig->extra[i];
    const mum_signer_info *info = &sig->signers[i];
    bool ts = info->timestamp != MUM_TIMESTAMP_NONE;
    return (memo_key){.certs = certs,
                      .token = ex->token_certs,
                      .cert = ex->cert,
                      .ts_cert = ex->ts_cert,
                      .subject = info->cert.subject,
                      .ts_subject = info->timestamp_signer.subject,
                      .anchors = o->anchors,
                      .serial = mum__trust_serial(o->anchors),
                      .has_time = o->has_time,
                      .time = now,
                      .timestamp = info->timestamp,
                      .timestamp_time = info->timestamp_time,
                      .ts_valid = ts && ex->ts_valid,
                      .ts_why = ts ? ex->ts_why : NULL};
}

static bool same_text(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

static int stack_count(STACK_OF(X509) *s)
{
    int n = s ? sk_X509_num(s) : 0;
    return n > 0 ? n : 0;
}

static bool stack_is(X509 *const *v, int n, STACK_OF(X509) *s)
{
    if (stack_count(s) != n)
        return false;
    for (int k = 0; k < n; k++)
        if (sk_X509_value(s, k) != v[k])
            return false;
    return true;
}

static bool memo_matches(const memo_entry *e, const memo_key *k)
{
    int nsig = e->ncerts - e->ntoken;
    return e->cert == k->cert && e->ts_cert == k->ts_cert && e->anchors == k->anchors &&
           e->serial == k->serial && e->has_time == k->has_time && e->time == k->time &&
           e->timestamp == k->timestamp && e->timestamp_time == k->timestamp_time &&
           e->ts_valid == k->ts_valid && stack_is(e->certs, nsig, k->certs) &&
           stack_is(e->certs + nsig, e->ntoken, k->token) && same_text(e->subject, k->subject) &&
           same_text(e->ts_subject, k->ts_subject) && same_text(e->ts_why, k->ts_why);
}

static memo_entry *memo_find(mum__sig_memo *m, const memo_key *k)
{
    for (size_t j = 0; j < MEMO_ENTRIES; j++)
        if (m->e[j] && memo_matches(m->e[j], k)) {
            m->hits++;
            return m->e[j];
        }
    return NULL;
}

static bool dup_text(char **out, const char *s)
{
    return !s || (*out = mum__strdup(s)) != NULL;
}

/* Keeps what assess_chains gave for key k (the oldest entry goes when
 * full); NULL when out of memory: then nothing is kept. */
static memo_entry *memo_put(mum__sig_memo *m, const memo_key *k, const mum_sig_result *chains,
                            const chain_verdicts *cv)
{
    memo_entry *e = mum__calloc(1, sizeof *e);
    if (!e)
        return NULL;
    int nsig = stack_count(k->certs), ntok = stack_count(k->token);
    if (nsig + ntok > 0 && !(e->certs = mum__calloc((size_t)(nsig + ntok), sizeof *e->certs))) {
        mum__free(e);
        return NULL;
    }
    for (int j = 0; j < nsig + ntok; j++) {
        X509 *x = j < nsig ? sk_X509_value(k->certs, j) : sk_X509_value(k->token, j - nsig);
        if (x && X509_up_ref(x) != 1)
            break;
        e->certs[e->ncerts++] = x;
    }
    e->ntoken = e->ncerts - nsig;
    bool ok = e->ncerts == nsig + ntok;
    if (ok && k->cert && (ok = X509_up_ref(k->cert) == 1))
        e->cert = k->cert;
    if (ok && k->ts_cert && (ok = X509_up_ref(k->ts_cert) == 1))
        e->ts_cert = k->ts_cert;
    ok = ok && dup_text(&e->subject, k->subject) && dup_text(&e->ts_subject, k->ts_subject) &&
         dup_text(&e->ts_why, k->ts_why) && mum__sig_result_copy(&e->chains, chains) == MUM_OK;
    if (!ok) {
        mum__crypto_clear();
        memo_entry_free(e);
        return NULL;
    }
    e->anchors = k->anchors;
    e->serial = k->serial;
    e->has_time = k->has_time;
    e->time = k->time;
    e->timestamp = k->timestamp;
    e->timestamp_time = k->timestamp_time;
    e->ts_valid = k->ts_valid;
    e->cv = *cv;
    memo_entry_free(m->e[m->next]);
    m->e[m->next] = e;
    m->next = (m->next + 1) % MEMO_ENTRIES;
    return e;
}

/* The trust part of signer i's verdict (its integrity is good), evaluated
 * at o's time or at now. */
static int trust_verdict(const mum_signature *sig, STACK_OF(X509) *certs, size_t i,
                         const mum_sig_verify_options *o, int64_t now, mum_sig_result *r)
{
    const signer_extra *ex = &sig->extra[i];
    const mum_signer_info *info = &sig->signers[i];
    if (!o->anchors || mum_trust_count(o->anchors) == 0)
        return verdict(r, MUM_SIG_UNTRUSTED, MUM_SIG_CHECK_NONE, MUM_SIG_TRUST_NO_ANCHORS, no_anchors_detail);
    if (!mum__usage_allows_code_signing(ex->cert))
        return verdict(r, MUM_SIG_UNTRUSTED, MUM_SIG_CHECK_NONE, MUM_SIG_TRUST_USAGE,
                       "the signer's certificate '%s' does not allow code signing",
                       info->cert.subject);
    STACK_OF(X509) *untrusted = sk_X509_dup(certs);
    if (!untrusted && certs)
        return MUM_ENOMEM;
    if (ex->token_certs) {
        for (int k = 0; k < sk_X509_num(ex->token_certs); k++) {
            if (!untrusted && !(untrusted = sk_X509_new_null()))
                return MUM_ENOMEM;
            if (!sk_X509_push(untrusted, sk_X509_value(ex->token_certs, k))) {
                sk_X509_free(untrusted);
                return MUM_ENOMEM;
            }
        }
    }
    int rc = MUM_OK;
    X509 *bad = NULL;
    int64_t at;
    char when[MUM_TIME_TEXT_MAX], t1[MUM_TIME_TEXT_MAX], t2[MUM_TIME_TEXT_MAX];
    if (o->has_time) {
        at = o->time;
        r->time_source = MUM_SIG_TIME_GIVEN;
    } else {
        at = now;
        r->time_source = MUM_SIG_TIME_NOW;
        if (info->timestamp != MUM_TIMESTAMP_NONE) {
            if (!ex->ts_cert) {
                r->timestamp_note = mum__strdup("the timestamp's signer certificate is not in the signature");
            } else {
                int terr = mum__chain_error(o->anchors, MUM_TRUST_PURPOSE_TIME_STAMPING, ex->ts_cert,
                                       untrusted, info->timestamp_time, &bad);
                if (terr == X509_V_OK) {
                    at = info->timestamp_time;
                    r->time_source = MUM_SIG_TIME_TIMESTAMP;
                } else if (terr < 0) {
                    rc = MUM_ECRYPTO;
                } else {
                    r->timestamp_note = mum__asprintf("the timestamp is not used: its signer '%s' does not verify "
                                                      "against the anchors (%s)",
                                                      info->timestamp_signer.subject,
                                                      X509_verify_cert_error_string(terr));
                }
                X509_free(bad);
                bad = NULL;
            }
            if (rc == MUM_OK && r->time_source != MUM_SIG_TIME_TIMESTAMP && !r->timestamp_note)
                rc = MUM_ENOMEM;
        }
    }
    r->evaluated_at = at;
    if (rc != MUM_OK) {
        sk_X509_free(untrusted);
        return rc;
    }
    int err = mum__chain_error(o->anchors, MUM_TRUST_PURPOSE_CODE_SIGNING, ex->cert, untrusted, at,
                          &bad);
    sk_X509_free(untrusted);
    char *bad_name = bad ? mum__name_text(X509_get_subject_name(bad)) : NULL;
    const char *bn = bad_name ? bad_name : info->cert.subject;
    const char *src = mum_sig_time_source_name(r->time_source);
    if (err < 0) {
        rc = MUM_ECRYPTO;
    } else if (err == X509_V_OK) {
        rc = verdict(r, MUM_SIG_TRUSTED, MUM_SIG_CHECK_NONE, MUM_SIG_TRUST_OK, NULL);
    } else if (is_expiry(err)) {
        int64_t nb = 0, na = 0;
        if (bad) {
            mum__asn1_time_get(X509_get0_notBefore(bad), &nb);
            mum__asn1_time_get(X509_get0_notAfter(bad), &na);
        }
        /* only this message says the times (1.4 K instructions each) */
        mum_time_format(at, when);
        mum_time_format(nb, t1);
        mum_time_format(na, t2);
        rc = verdict(r, MUM_SIG_EXPIRED, MUM_SIG_CHECK_NONE, MUM_SIG_TRUST_OK,
                     "certificate '%s' is valid from %s to %s, not at %s (%s)", bn, t1, t2, when, src);
    } else if (is_unknown_root(err)) {
        rc = verdict(r, MUM_SIG_UNTRUSTED, MUM_SIG_CHECK_NONE, MUM_SIG_TRUST_UNKNOWN_ROOT,
                     "the chain of '%s' does not lead to a trust anchor: %s", info->cert.subject,
                     X509_verify_cert_error_string(err));
    } else {
        rc = verdict(r, MUM_SIG_UNTRUSTED, MUM_SIG_CHECK_NONE, MUM_SIG_TRUST_CHAIN,
                     "the chain of '%s' is invalid at certificate '%s': %s", info->cert.subject, bn,
                     X509_verify_cert_error_string(err));
    }
    mum__free(bad_name);
    X509_free(bad);
    return rc;
}

static int verify_one(const mum_signature *sig, STACK_OF(X509) *certs, size_t i,
                      const mum_sig_verify_options *o, bool authenticode, const mum_file_digest *digests,
                      size_t n, mum__sig_memo *m, mum_sig_result *r)
{
    const signer_extra *ex = &sig->extra[i];
    int64_t now = o->has_time ? o->time : (int64_t)time(NULL);
    chain_verdicts cv = {0};
    memo_entry *e = NULL;
    int arc = MUM_OK;
    if (m) {
        if ((arc = keep_timestamp_verdict(sig, i)) != MUM_OK)
            return arc;
        memo_key k = memo_key_of(sig, certs, i, o, now);
        if ((e = memo_find(m, &k))) {
            if (mum__sig_result_copy(r, &e->chains) != MUM_OK)
                return MUM_ENOMEM;
            cv = e->cv;
        } else if ((arc = assess_chains(sig, certs, i, o, r, &cv)) == MUM_OK) {
            e = memo_put(m, &k, r, &cv); /* NULL: not kept, no harm */
        }
    } else {
        arc = assess_chains(sig, certs, i, o, r, &cv);
    }
    r->signer = i;
    if (arc != MUM_OK)
        return arc;
    /* 1. integrity */
    signer_extra *memo = &sig->extra[i]; /* not const: see core_known */
    /* released content (mum__signature_release_content): its checks are kept */
    if (!(sig->content_released && memo->core_known) &&
        (!sig->content || sig->content_body > sig->content_len))
        return verdict(r, MUM_SIG_INTEGRITY_FAILED, MUM_SIG_CHECK_ATTRIBUTES, MUM_SIG_TRUST_OK,
                       "the SignedData carries no content to check");
    if (!memo->core_known) {
        char why[512] = "";
        mum_sig_check check = mum__verify_signer_info_der(ex->si, ex->cert, sig->content_type,
                                                          sig->content + sig->content_body,
                                                          sig->content_len - sig->content_body,
                                                          ex->attrs_der, ex->attrs_size, why, sizeof why);
        if (check != MUM_SIG_CHECK_NONE && !(memo->core_why = mum__strdup(why)))
            return MUM_ENOMEM;
        memo->core_check = check;
        memo->core_known = true;
    }
    if (memo->core_check != MUM_SIG_CHECK_NONE)
        return verdict(r, MUM_SIG_INTEGRITY_FAILED, memo->core_check, MUM_SIG_TRUST_OK, "%s",
                       memo->core_why);
    if (authenticode) {
        bool failed;
        int rc = check_file_digest(sig, digests, n, r, &failed);
        if (rc != MUM_OK || failed)
            return rc;
    }
    if (cv.signer_broken)
        return verdict(r, MUM_SIG_INTEGRITY_FAILED, MUM_SIG_CHECK_CHAIN, MUM_SIG_TRUST_OK, "%s", cv.signer_why);
    if (r->timestamp_status == MUM_SIG_TIMESTAMP_INVALID)
        return verdict(r, MUM_SIG_INTEGRITY_FAILED, cv.ts_broken ? MUM_SIG_CHECK_CHAIN : MUM_SIG_CHECK_TIMESTAMP,
                       MUM_SIG_TRUST_OK, "%s", cv.ts_why);

    /* 2. trust */
    if (e && e->trust_known) {
        mum_sig_result_clear(r);
        if (mum__sig_result_copy(r, &e->trust) != MUM_OK)
            return MUM_ENOMEM;
        r->signer = i;
        return MUM_OK;
    }
    int rc = trust_verdict(sig, certs, i, o, now, r);
    if (rc == MUM_OK && e && mum__sig_result_copy(&e->trust, r) == MUM_OK)
        e->trust_known = true;
    return rc;
}

/* Lower is weaker. */
static int status_rank(mum_sig_status s)
{
    switch (s) {
    case MUM_SIG_UNSIGNED: return 0;
    case MUM_SIG_INTEGRITY_FAILED: return 1;
    case MUM_SIG_EXPIRED: return 2;
    case MUM_SIG_UNTRUSTED: return 3;
    default: return 4;
    }
}

static int verify_common(mum_ctx *ctx, const mum_signature *sig, const mum_sig_verify_options *opts,
                         bool authenticode, const mum_file_digest *digests, size_t n,
                         mum__sig_memo *memo, mum_sig_result *out)
{
    static const mum_sig_verify_options defaults = MUM_SIG_VERIFY_OPTIONS_INIT;
    memset(out, 0, sizeof *out);
    if (!opts)
        opts = &defaults;
    if (!sig || opts->version != MUM_SIG_VERIFY_OPTIONS_VERSION || (n > 0 && !digests))
        return mum__error(ctx, MUM_EINVAL, NULL, "signature verification: invalid arguments");
    mum__crypto_clear();
    if (sig->nsigners == 0) {
        if (verdict(out, MUM_SIG_UNSIGNED, MUM_SIG_CHECK_NONE, MUM_SIG_TRUST_OK,
                    "the SignedData has no signer: the content is not signed") != MUM_OK)
            return mum__nomem(ctx);
        return MUM_OK;
    }
    bool made;
    STACK_OF(X509) *certs = mum__sig_certs(sig, &made);
    if (made && !certs) {
        mum__crypto_clear();
        return mum__nomem(ctx);
    }
    for (size_t i = 0; i < sig->nsigners; i++) {
        mum_sig_result r = {0};
        int rc = verify_one(sig, certs, i, opts, authenticode, digests, n, memo, &r);
        if (rc != MUM_OK) {
            if (made)
                sk_X509_free(certs);
            mum_sig_result_clear(&r);
            mum_sig_result_clear(out);
            mum__crypto_clear();
            if (rc == MUM_ENOMEM)
                return mum__nomem(ctx);
            return mum__error(ctx, rc, NULL, "signature verification: the crypto library failed");
        }
        if (i == 0 || status_rank(r.status) < status_rank(out->status)) {
            mum_sig_result_clear(out);
            *out = r;
        } else {
            mum_sig_result_clear(&r);
        }
    }
    if (made)
        sk_X509_free(certs);
    return MUM_OK;
}

int mum_signature_verify(mum_sig_result *out, mum_ctx *ctx, const mum_signature *sig,
                         const mum_sig_verify_options *opts)
{
    return verify_common(ctx, sig, opts, false, NULL, 0, NULL, out);
}

int mum__signature_verify_memo(mum_sig_result *out, mum_ctx *ctx, const mum_signature *sig,
                               const mum_sig_verify_options *opts, mum__sig_memo *memo)
{
    return verify_common(ctx, sig, opts, false, NULL, 0, memo, out);
}

int mum_authenticode_verify(mum_sig_result *out, mum_ctx *ctx, const mum_signature *sig,
                            const mum_file_digest *digests, size_t n,
                            const mum_sig_verify_options *opts)
{
    return verify_common(ctx, sig, opts, true, digests, n, NULL, out);
}

int mum__authenticode_verify_memo(mum_sig_result *out, mum_ctx *ctx, const mum_signature *sig,
                                  const mum_file_digest *digests, size_t n,
                                  const mum_sig_verify_options *opts, mum__sig_memo *memo)
{
    return verify_common(ctx, sig, opts, true, digests, n, memo, out);
}

int mum_sig_result_findings(const mum_sig_result *r, const mum_signature *sig, mum_findings *list,
                            const mum_location *loc)
{
    const char *detail = r->detail ? r->detail : "";
    const mum_signer_info *si = sig ? mum_signature_signer(sig, r->signer) : NULL;
    const char *who = si && si->cert.subject ? si->cert.subject : "the signer";
    mum_rule_id rule;
    switch (r->status) {
    case MUM_SIG_TRUSTED:
        return MUM_OK;
    case MUM_SIG_UNSIGNED:
        return mum__finding(list, MUM_R_SIGNATURE_UNSIGNED, loc, "not signed: %s", detail);
    case MUM_SIG_EXPIRED:
        return mum__finding(list, MUM_R_SIGNATURE_EXPIRED, loc, "%s", detail);
    case MUM_SIG_UNTRUSTED:
        switch (r->trust_issue) {
        case MUM_SIG_TRUST_NO_ANCHORS: rule = MUM_R_SIGNATURE_NO_ANCHORS; break;
        case MUM_SIG_TRUST_USAGE: rule = MUM_R_SIGNATURE_WRONG_USAGE; break;
        case MUM_SIG_TRUST_CHAIN: rule = MUM_R_SIGNATURE_CHAIN; break;
        default: rule = MUM_R_SIGNATURE_UNTRUSTED_ROOT; break;
        }
        if (rule == MUM_R_SIGNATURE_NO_ANCHORS)
            return mum__finding(list, rule, loc, "signed by '%s', integrity verified; %s", who, detail);
        return mum__finding(list, rule, loc, "%s", detail);
    case MUM_SIG_INTEGRITY_FAILED:
    default:
        switch (r->failed_check) {
        case MUM_SIG_CHECK_SIGNER_CERT: rule = MUM_R_SIGNATURE_NO_SIGNER_CERT; break;
        case MUM_SIG_CHECK_ATTRIBUTES: rule = MUM_R_SIGNATURE_ATTRIBUTES; break;
        case MUM_SIG_CHECK_CONTENT_DIGEST: rule = MUM_R_SIGNATURE_CONTENT_DIGEST; break;
        case MUM_SIG_CHECK_FILE_DIGEST: rule = MUM_R_SIGNATURE_FILE_DIGEST; break;
        case MUM_SIG_CHECK_TIMESTAMP: rule = MUM_R_SIGNATURE_TIMESTAMP; break;
        case MUM_SIG_CHECK_CHAIN: rule = MUM_R_SIGNATURE_CHAIN_BROKEN; break;
        default: rule = MUM_R_SIGNATURE_BAD_SIGNATURE; break;
        }
        int rc = mum__finding(list, rule, loc, "integrity check '%s' failed: %s",
                              mum_sig_check_name(r->failed_check), detail);
        /* an invalid timestamp is a failure of its own, also beside another */
        if (rc == MUM_OK && r->timestamp_status == MUM_SIG_TIMESTAMP_INVALID &&
            r->failed_check != MUM_SIG_CHECK_TIMESTAMP && r->timestamp_note)
            rc = mum__finding(list, MUM_R_SIGNATURE_TIMESTAMP, loc, "%s", r->timestamp_note);
        return rc;
    }
}
