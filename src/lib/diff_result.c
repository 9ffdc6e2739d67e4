/*
 * diff_result.c - mum/diff.h: the change list a diff fills, its kind and
 * flag names, and the accessors over it.
 */
#include "config.h"

#include "diff_internal.h"

#include <string.h>

static const char *const kind_names[] = {
    "platform-added",   "platform-removed",    "architecture",
    "package-added",    "package-removed",     "package-changed",
    "component-added",  "component-removed",   "component-version",
    "part-added",       "part-removed",        "file-added",
    "file-removed",     "file-moved",          "file-changed",
    "file-destination", "catalog-added",       "catalog-removed",
    "catalog-signer",   "catalog-timestamp",   "catalog-algorithm",
    "catalog-version",  "catalog-member-added", "catalog-member-removed",
};

const char *mum_change_kind_name(mum_change_kind kind)
{
    return (unsigned)kind < MUM_ARRAY_LEN(kind_names) ? kind_names[kind] : "?";
}

int mum_change_kind_parse(mum_change_kind *out, const char *name)
{
    for (size_t i = 0; name && i < MUM_ARRAY_LEN(kind_names); i++)
        if (strcmp(name, kind_names[i]) == 0) {
            *out = (mum_change_kind)i;
            return MUM_OK;
        }
    return MUM_ENOTFOUND;
}

const char *mum_change_flag_name(unsigned flag)
{
    switch (flag) {
    case MUM_CHANGE_DOWNGRADE: return "downgrade";
    case MUM_CHANGE_UNVERSIONED: return "unversioned-change";
    default: return NULL;
    }
}

unsigned mum_change_flag_parse(const char *name)
{
    if (name && strcmp(name, "downgrade") == 0)
        return MUM_CHANGE_DOWNGRADE;
    if (name && strcmp(name, "unversioned-change") == 0)
        return MUM_CHANGE_UNVERSIONED;
    return 0;
}

void mum__change_clear(mum_change *c)
{
    mum__free((char *)c->subject);
    mum__free((char *)c->part);
    mum__free((char *)c->item);
    mum__free((char *)c->old_value);
    mum__free((char *)c->new_value);
    mum__free((char *)c->detail);
    mum__free((char *)c->old_entry);
    mum__free((char *)c->new_entry);
}

void mum_diff_result_free(mum_diff_result *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->count; i++)
        mum__change_clear(&r->changes[i]);
    mum__free(r->changes);
    mum__free(r->pairs);
    mum_matrix_free(r->mold);
    mum_matrix_free(r->mnew);
    mum__free(r);
}

size_t mum_diff_change_count(const mum_diff_result *r)
{
    return r ? r->count : 0;
}

const mum_change *mum_diff_change(const mum_diff_result *r, size_t i)
{
    return r && i < r->count ? &r->changes[i] : NULL;
}

size_t mum_diff_pair_count(const mum_diff_result *r)
{
    return r ? r->npairs : 0;
}

const mum_diff_pair *mum_diff_pair_at(const mum_diff_result *r, size_t i)
{
    return r && i < r->npairs ? &r->pairs[i] : NULL;
}

const mum_matrix *mum_diff_matrix(const mum_diff_result *r, int side)
{
    return r ? (side ? r->mnew : r->mold) : NULL;
}

size_t mum_diff_count_kind(const mum_diff_result *r, mum_change_kind kind)
{
    size_t n = 0;
    for (size_t i = 0; r && i < r->count; i++)
        n += r->changes[i].kind == kind;
    return n;
}

size_t mum_diff_count_flags(const mum_diff_result *r, unsigned flags)
{
    size_t n = 0;
    for (size_t i = 0; r && i < r->count; i++)
        n += (r->changes[i].flags & flags) != 0;
    return n;
}
