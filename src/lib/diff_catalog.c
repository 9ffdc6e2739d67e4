/*
 * diff_catalog.c - two packages' catalogs compared (mum/diff.h): signer,
 * timestamp, algorithm, version, and members added or removed that no
 * other change explains.  The rest of the comparison is in diff.c.
 */
#include "config.h"

#include "diff_compare.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- catalogs ---- */

static const mum_node *catalog_of(const mum_node *p)
{
    for (size_t k = 0; k < p->edge_count; k++)
        if (p->edges[k].kind == MUM_EDGE_CATALOG)
            return p->edges[k].to;
    return NULL;
}

static const mum_signer_info *first_signer(const mum_node *c)
{
    const mum_signature *sig = c->cat->catalog ? mum_catalog_signature(c->cat->catalog) : NULL;
    return sig && mum_signature_signer_count(sig) ? mum_signature_signer(sig, 0) : NULL;
}

static void signer_text(const mum_node *c, char *buf, size_t size)
{
    const mum_signer_info *si = first_signer(c);
    if (!si)
        snprintf(buf, size, "unsigned");
    else
        snprintf(buf, size, "%s", si->cert.subject ? si->cert.subject : "(certificate absent)");
}

static void timestamp_text(const mum_node *c, char *buf, size_t size)
{
    const mum_signer_info *si = first_signer(c);
    if (!si || si->timestamp == MUM_TIMESTAMP_NONE) {
        snprintf(buf, size, "none");
        return;
    }
    char t[MUM_TIME_TEXT_MAX];
    mum_time_format(si->timestamp_time, t);
    snprintf(buf, size, "%s %s", mum_timestamp_kind_name(si->timestamp), t);
}

static void algorithm_text(const mum_node *c, char *buf, size_t size)
{
    bool seen[MUM_HASH_SHA512 + 1] = {false};
    size_t count = mum_catalog_get_info(c->cat->catalog)->member_count;
    for (size_t k = 0; k < count; k++) {
        unsigned alg = (unsigned)mum_catalog_member(c->cat->catalog, k)->alg;
        if (alg <= MUM_HASH_SHA512)
            seen[alg] = true;
    }
    size_t len = 0;
    buf[0] = '\0';
    for (unsigned alg = 0; alg <= MUM_HASH_SHA512 && len < size; alg++)
        if (seen[alg] && alg != MUM_HASH_NONE)
            len += (size_t)snprintf(buf + len, size - len, "%s%s", len ? "+" : "",
                                    mum_hash_name((mum_hash_alg)alg));
    const mum_signer_info *si = first_signer(c);
    if (len < size)
        snprintf(buf + len, size - len, "%s(signature %s)", len ? " " : "",
                 si ? mum_hash_name(si->digest_alg) : "none");
}

static const char *member_name(const mum_cat_member *m)
{
    const char *name = mum_cat_member_attr(m, "File");
    return name ? name : mum_cat_member_attr(m, "Hint");
}

/* Identity-derived names (manifests, packages, catalogs) differ by
 * architecture by design: across platforms they are not compared. */
static bool arch_named(const char *name)
{
    return mum__ascii_ends_with_ci(name, ".manifest") || mum__ascii_ends_with_ci(name, ".mum") ||
           mum__ascii_ends_with_ci(name, ".cat");
}

static int compare_members(differ *d, const mum_node *oc, const mum_node *nc, const char *subject)
{
    mum_strmap names[2] = {{0}, {0}};
    int rc = MUM_OK;
    for (int s = 0; s < 2 && rc == MUM_OK; s++) {
        const mum_catalog *cat = s ? nc->cat->catalog : oc->cat->catalog;
        size_t count = mum_catalog_get_info(cat)->member_count;
        for (size_t k = 0; k < count && rc == MUM_OK; k++) {
            const char *name = member_name(mum_catalog_member(cat, k));
            if (!name)
                continue;
            char *key = mum__diff_lower(name);
            rc = key ? mum__strmap_put(&names[s], key, (void *)(uintptr_t)(k + 1), NULL) : MUM_ENOMEM;
        }
    }
    for (int s = 0; s < 2 && rc == MUM_OK; s++) {
        const mum_catalog *cat = s ? nc->cat->catalog : oc->cat->catalog;
        mum_strmap *mine = &names[s], *theirs = &names[!s];
        for (size_t i = 0; i < mine->cap && rc == MUM_OK; i++) {
            const char *key = mine->slots[i].key;
            if (!key || mum__strmap_get(theirs, key) || mum__strmap_get(&d->explained, key))
                continue;
            if (d->cross && arch_named(key))
                continue;
            const mum_cat_member *m = mum_catalog_member(cat, (size_t)((uintptr_t)mine->slots[i].value - 1));
            char hex[2 * MUM_HASH_MAX_SIZE + 1] = "";
            if (m->digest_len <= MUM_HASH_MAX_SIZE)
                mum_hex_encode(hex, m->digest, m->digest_len);
            change_in c = {s ? MUM_CHANGE_CATALOG_MEMBER_ADDED : MUM_CHANGE_CATALOG_MEMBER_REMOVED, 0,
                           subject, NULL, member_name(m), s ? NULL : hex, s ? hex : NULL, NULL, oc, nc};
            rc = mum__diff_add_change(d, &c, NULL);
        }
    }
    mum__strmap_free(&names[0]);
    mum__strmap_free(&names[1]);
    return rc;
}

int mum__diff_compare_catalogs(differ *d, const mum_node *op, const mum_node *np)
{
    const mum_node *oc = catalog_of(op), *nc = catalog_of(np);
    if (!oc && !nc)
        return MUM_OK;
    if (!oc || !nc) {
        change_in c = {oc ? MUM_CHANGE_CATALOG_REMOVED : MUM_CHANGE_CATALOG_ADDED, 0,
                       (nc ? nc : oc)->name, NULL, NULL, oc ? oc->name : NULL, nc ? nc->name : NULL,
                       NULL, oc, nc};
        c.item = np->id->name;
        return mum__diff_add_change(d, &c, NULL);
    }
    if (!oc->cat->catalog || !nc->cat->catalog)
        return MUM_OK; /* unreadable: verify says why */
    const char *subject = nc->name;
    char ov[512], nv[512];
    struct {
        mum_change_kind kind;
        void (*text)(const mum_node *, char *, size_t);
    } aspects[] = {{MUM_CHANGE_CATALOG_SIGNER, signer_text},
                   {MUM_CHANGE_CATALOG_TIMESTAMP, timestamp_text},
                   {MUM_CHANGE_CATALOG_ALGORITHM, algorithm_text}};
    for (size_t i = 0; i < MUM_ARRAY_LEN(aspects); i++) {
        /* each platform's catalogs are signed on their own: their times differ */
        if (d->cross && aspects[i].kind == MUM_CHANGE_CATALOG_TIMESTAMP)
            continue;
        aspects[i].text(oc, ov, sizeof ov);
        aspects[i].text(nc, nv, sizeof nv);
        if (strcmp(ov, nv) != 0) {
            change_in c = {aspects[i].kind, 0, subject, NULL, NULL, ov, nv, NULL, oc, nc};
            CHECK(mum__diff_add_change(d, &c, NULL));
        }
    }
    int ovs = mum_catalog_get_info(oc->cat->catalog)->version, nvs = mum_catalog_get_info(nc->cat->catalog)->version;
    if (ovs != nvs) {
        snprintf(ov, sizeof ov, "%d", ovs);
        snprintf(nv, sizeof nv, "%d", nvs);
        change_in c = {MUM_CHANGE_CATALOG_VERSION, 0, subject, NULL, NULL, ov, nv, NULL, oc, nc};
        CHECK(mum__diff_add_change(d, &c, NULL));
    }
    return compare_members(d, oc, nc, subject);
}
