/*
 * judge_express.c - the judge's express family: the express.* findings on
 * an express cabinet's index, over what reading resolved (express.c:
 * mum__express_resolve fills each file's basis, blob and status; the
 * graph keeps the cabinet's blobs beside the index).
 */
#include "config.h"

#include "express_internal.h"
#include "graph_internal.h"
#include "judge.h"

#include <inttypes.h>
#include <stdarg.h>
#include <string.h>

typedef struct xjudge {
    const mum_express_index *idx;
    const mum_express_blob *blobs;
    size_t nblobs;
    const mum_location *cab;
    mum_findings *findings;
    char *index_entry;          /* "<cabinet>!_manifest_.cix.xml" */
} xjudge;

static int finding_at(xjudge *k, mum_rule_id rule, const char *entry_name, uint32_t line,
                      const char *fmt, ...) MUM_PRINTF(5, 6);

/* A finding at the index line of a file, or at a blob entry of the cabinet. */
static int finding_at(xjudge *k, mum_rule_id rule, const char *entry_name, uint32_t line,
                      const char *fmt, ...)
{
    if (!k->findings)
        return MUM_OK;
    mum_location loc = k->cab ? *k->cab : (mum_location){0};
    char *entry = NULL;
    if (entry_name) {
        const char *base = loc.entry;
        entry = base && *base ? mum__asprintf("%s!%s", base, entry_name) : mum__strdup(entry_name);
        if (!entry)
            return MUM_ENOMEM;
        loc.entry = entry;
    } else {
        loc.entry = k->index_entry;
        loc.line = line;
    }
    va_list ap;
    va_start(ap, fmt);
    char *msg = mum__vasprintf(fmt, ap);
    va_end(ap);
    int rc = msg ? mum__finding(k->findings, rule, &loc, "%s", msg) : MUM_ENOMEM;
    mum__free(msg);
    mum__free(entry);
    return rc;
}

static bool same_hash(const mum_express_hash *a, const mum_express_hash *b)
{
    return a->size && a->alg == b->alg && a->size == b->size && memcmp(a->value, b->value, a->size) == 0;
}

/* A file whose source blob is in the cabinet: the blob against the index. */
static int judge_source(xjudge *k, const mum_express_file *f)
{
    const mum_express_blob *b = &k->blobs[f->blob];
    int rc = MUM_OK;
    const uint8_t *got = mum__express_blob_digest(b, f->source_hash.alg);
    if (got && f->source_hash.size && !f->blob_verified) {
        char want[2 * MUM_HASH_MAX_SIZE + 1], have[2 * MUM_HASH_MAX_SIZE + 1];
        mum_hex_encode(want, f->source_hash.value, f->source_hash.size);
        mum_hex_encode(have, got, f->source_hash.size);
        rc = finding_at(k, MUM_R_EXPRESS_BLOB_HASH_MISMATCH, b->name, 0,
                        "the %s of the blob is %s; the index (source of %s) says %s",
                        mum_hash_name(f->source_hash.alg), have, f->name, want);
    }
    if (rc != MUM_OK)
        return rc;
    if (f->source_type == MUM_EXPRESS_SOURCE_RAW) {
        if (f->hash.size && f->source_hash.size && !same_hash(&f->hash, &f->source_hash))
            rc = finding_at(k, MUM_R_EXPRESS_RAW_MISMATCH, NULL, f->line,
                            "the RAW source of %s has a hash other than the file's", f->name);
        if (rc == MUM_OK && b->size != f->length)
            rc = finding_at(k, MUM_R_EXPRESS_RAW_MISMATCH, b->name, 0,
                            "the stored file has %" PRIu64 " bytes; the index gives %s %" PRIu64,
                            b->size, f->name, f->length);
        return rc;
    }
    if (f->source_type != MUM_EXPRESS_SOURCE_PA30)
        return MUM_OK;
    if (!f->has_pa30) {
        /* parsed again for the reason, which the resolution does not keep */
        mum_pa30_header h;
        const char *why = "malformed";
        uint64_t offset = 0;
        mum__express_pa30_parse(&h, b->head, b->head_size, &why, &offset);
        return finding_at(k, MUM_R_EXPRESS_PA30_MALFORMED, b->name, 0,
                          "PA30 header at offset %" PRIu64 ": %s (the delta of %s)", offset, why, f->name);
    }
    if (f->pa30.target_size != f->length)
        rc = finding_at(k, MUM_R_EXPRESS_PA30_SIZE_MISMATCH, b->name, 0,
                        "the delta makes %" PRIu64 " bytes; the index gives %s %" PRIu64,
                        f->pa30.target_size, f->name, f->length);
    if (rc == MUM_OK && f->pa30.hash_alg != MUM_HASH_NONE && f->pa30.hash_alg == f->hash.alg &&
        memcmp(f->pa30.hash, f->hash.value, f->hash.size) != 0)
        rc = finding_at(k, MUM_R_EXPRESS_PA30_HASH_MISMATCH, b->name, 0,
                        "the delta's target %s differs from the index's hash of %s",
                        mum_hash_name(f->hash.alg), f->name);
    return rc;
}

static int judge_index(xjudge *k, const mum__express_key *ids, const mum__express_key *names, bool *used,
                       bool *loops, size_t *heads)
{
    const mum_express_index *idx = k->idx;
    int rc = MUM_OK;
    for (size_t i = 1; i < idx->count && rc == MUM_OK; i++) {
        if (strcmp(ids[i].key, ids[i - 1].key) == 0)
            rc = finding_at(k, MUM_R_EXPRESS_DUPLICATE_ID, NULL, idx->files[ids[i].index].line,
                            "the id %s is given to more than one file", ids[i].key);
        else if (strcmp(names[i].key, names[i - 1].key) == 0)
            rc = finding_at(k, MUM_R_EXPRESS_DUPLICATE_ID, NULL, idx->files[names[i].index].line,
                            "%s is listed more than once", idx->files[names[i].index].name);
    }
    for (size_t i = 0; i < idx->count && rc == MUM_OK; i++) {
        const mum_express_file *f = &idx->files[i];
        if (f->basis_id && f->basis == MUM_EXPRESS_NONE) {
            char *chain = mum__express_chain(idx, i);
            if (!chain)
                return MUM_ENOMEM;
            rc = finding_at(k, MUM_R_EXPRESS_BAD_BASIS, NULL, f->line,
                            "the basis of %s names file id %s, which the index does not have: %s", f->name,
                            f->basis_id, chain);
            mum__free(chain);
        }
    }
    size_t nheads = 0;
    if (rc == MUM_OK)
        rc = mum__express_loops(idx, loops, heads, &nheads);
    for (size_t h = 0; h < nheads && rc == MUM_OK; h++) {
        char *chain = mum__express_chain(idx, heads[h]);
        if (!chain)
            return MUM_ENOMEM;
        rc = finding_at(k, MUM_R_EXPRESS_BAD_BASIS, NULL, idx->files[heads[h]].line,
                        "the basis references through %s (id %s) form a loop: %s",
                        idx->files[heads[h]].name, idx->files[heads[h]].id, chain);
        mum__free(chain);
    }
    for (size_t i = 0; i < idx->count && rc == MUM_OK; i++) {
        const mum_express_file *f = &idx->files[i];
        if (f->source_name) {
            if (f->blob == MUM_EXPRESS_NONE || f->blob >= k->nblobs) {
                rc = finding_at(k, MUM_R_EXPRESS_MISSING_BLOB, NULL, f->line,
                                "the %s source \"%s\" of %s is not in the cabinet", f->source_type_text,
                                f->source_name, f->name);
            } else {
                used[f->blob] = true;
                rc = judge_source(k, f);
            }
        } else if (f->basis != MUM_EXPRESS_NONE && loops[i]) {
            /* a copy of a copy of itself: the loop is reported above */
        } else if (f->basis != MUM_EXPRESS_NONE) {
            const mum_express_file *base = &idx->files[f->basis];
            if (f->length != base->length || (f->hash.size && !same_hash(&f->hash, &base->hash)))
                rc = finding_at(k, MUM_R_EXPRESS_COPY_MISMATCH, NULL, f->line,
                                "%s has no source of its own, but its length or hash differs from its "
                                "basis %s",
                                f->name, base->name);
        } else if (!f->basis_id) {
            rc = finding_at(k, MUM_R_EXPRESS_NO_SOURCE, NULL, f->line, "%s has neither a source nor a basis",
                            f->name);
        }
    }
    for (size_t i = 0; i < k->nblobs && rc == MUM_OK; i++)
        if (!used[i] && mum__ascii_strcasecmp(k->blobs[i].name, MUM_EXPRESS_INDEX_NAME) != 0)
            rc = finding_at(k, MUM_R_EXPRESS_UNMAPPED_BLOB, k->blobs[i].name, 0,
                            "no file of the index comes from this entry");
    return rc;
}

int mum__judge_express_index(const mum_express_index *idx, const mum_express_blob *blobs, size_t count,
                             const mum_location *cabinet, mum_findings *findings)
{
    xjudge k = {idx, blobs, count, cabinet, findings, NULL};
    const char *base = cabinet ? cabinet->entry : NULL;
    k.index_entry = base && *base ? mum__asprintf("%s!%s", base, MUM_EXPRESS_INDEX_NAME)
                                  : mum__strdup(MUM_EXPRESS_INDEX_NAME);
    mum__express_key *ids = mum__express_file_keys(idx, false);
    mum__express_key *names = mum__express_file_keys(idx, true);
    bool *used = mum__calloc(count ? count : 1, sizeof *used);
    bool *loops = mum__calloc(idx->count ? idx->count : 1, sizeof *loops);
    size_t *heads = mum__calloc(idx->count ? idx->count : 1, sizeof *heads);
    int rc = MUM_ENOMEM;
    if (k.index_entry && ids && names && used && loops && heads)
        rc = judge_index(&k, ids, names, used, loops, heads);
    mum__free(heads);
    mum__free(loops);
    mum__free(used);
    mum__express_keys_free(ids, idx->count);
    mum__express_keys_free(names, idx->count);
    mum__free(k.index_entry);
    return rc;
}

int mum__judge_express(checker *c)
{
    for (size_t i = 0; i < c->g->ninputs; i++) {
        const input_priv *in = &c->g->inputs[i];
        for (size_t x = 0; x < in->nexpress; x++) {
            const mum__graph_express *e = &in->xcabs[x];
            mum_location loc = {.input = in->pub.path, .entry = e->cabinet};
            CHECK(mum__judge_express_index(in->express[x], e->blobs, e->nblobs, &loc, c->findings));
        }
    }
    return MUM_OK;
}
