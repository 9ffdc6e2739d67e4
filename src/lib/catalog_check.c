/*
 * catalog_check.c - files checked against a catalog: the members that
 * stand for each, the files none stands for, the members no file matched.
 * The judging of `mumtool cat check`, so the command only prints.
 */
#include "config.h"

#include "internal.h"

#include <string.h>

struct mum_cat_check {
    const mum_catalog *cat;
    char *name;
    size_t members;
    bool *matched;           /* one per member */
};

int mum_cat_check_new(mum_cat_check **out, const mum_catalog *cat, const char *catalog_name)
{
    if (!out || !cat || !catalog_name)
        return MUM_EINVAL;
    *out = NULL;
    mum_cat_check *c = mum__calloc(1, sizeof *c);
    if (!c)
        return MUM_ENOMEM;
    c->cat = cat;
    c->members = mum_catalog_get_info(cat)->member_count;
    c->name = mum__strdup(catalog_name);
    c->matched = mum__calloc(c->members ? c->members : 1, sizeof *c->matched);
    if (!c->name || !c->matched) {
        mum_cat_check_free(c);
        return MUM_ENOMEM;
    }
    *out = c;
    return MUM_OK;
}

void mum_cat_check_free(mum_cat_check *check)
{
    if (!check)
        return;
    mum__free(check->name);
    mum__free(check->matched);
    mum__free(check);
}

int mum_cat_check_file(mum_cat_check *check, const char *file, const mum_cat_digests *d, mum_cat_hit *hits,
                       size_t max, size_t *count, mum_findings *findings)
{
    if (!check || !file || !d || !count || (max && !hits))
        return MUM_EINVAL;
    size_t n = mum_catalog_match(check->cat, d, hits, max);
    *count = n;
    if (n == 0) {
        mum_location where = {.input = file};
        return mum__finding(findings, MUM_R_CATALOG_NOT_MEMBER, &where,
                            "not listed in %s (no member has its %s digests)", check->name,
                            d->is_pe ? "Authenticode or plain" : "SHA-1 or SHA-256");
    }
    if (n <= max) {
        for (size_t k = 0; k < n; k++)
            check->matched[hits[k].member] = true;
        return MUM_OK;
    }
    /* more hits than the caller wants to see: every one still counts */
    mum_cat_hit *all = mum__reallocarray(NULL, n, sizeof *all);
    if (!all)
        return MUM_ENOMEM;
    n = mum_catalog_match(check->cat, d, all, n);
    for (size_t k = 0; k < n; k++)
        check->matched[all[k].member] = true;
    mum__free(all);
    return MUM_OK;
}

int mum_cat_check_finish(mum_cat_check *check, mum_findings *findings)
{
    if (!check)
        return MUM_EINVAL;
    for (size_t i = 0; i < check->members; i++) {
        if (check->matched[i])
            continue;
        const mum_cat_member *m = mum_catalog_member(check->cat, i);
        char hex[2 * MUM_HASH_MAX_SIZE + 1];
        mum_hex_encode(hex, m->digest, m->digest_len <= MUM_HASH_MAX_SIZE ? m->digest_len : 0);
        const char *file = mum_cat_member_attr(m, "File");
        mum_location where = {.input = check->name, .offset = m->offset, .has_offset = true};
        int rc = mum__finding(findings, MUM_R_CATALOG_MEMBER_UNMATCHED, &where,
                              "member %zu (%s %s %s%s%s) matches none of the files given", i + 1,
                              mum_cat_kind_name(m->kind), mum_hash_name(m->alg), hex, file ? ", File=" : "",
                              file ? file : "");
        if (rc != MUM_OK)
            return rc;
    }
    return MUM_OK;
}
