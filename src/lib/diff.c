/*
 * diff.c - mum/diff.h: two package graphs compared pair of inputs by pair
 * of inputs.  Everything is keyed by name (lower case): packages by their
 * name, components by name and part, files by name within their component,
 * catalog members by their File/Hint name; what one change explains is
 * remembered in a set of names so that derived noise is not reported.
 * Each side's cross-architecture matrix comes from matrix.c; diff judges
 * nothing (it never runs verify).
 */
#include "config.h"

#include "diff_compare.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the comparison of one pair ---- */

static int index_of(const mum_strmap *m, const char *key)
{
    void *v = mum__strmap_get(m, key);
    return v ? (int)((uintptr_t)v - 1) : -1;
}

static const mum_node *node_of(const side *s, const mum_strmap *m, const char *key)
{
    int i = index_of(m, key);
    return i < 0 ? NULL : mum_graph_node(s->g, (size_t)i);
}

char *mum__diff_lower(const char *s)
{
    bool bad;
    return mum__utf8_lower(s ? s : "", &bad);
}

/* "name|part" (and the architecture for parts the matrix calls other). */
static char *comp_key(const char *platform, const mum_identity *id)
{
    mum_matrix_part part = mum_matrix_part_of(platform, id->arch);
    char *low = mum__diff_lower(id->name), *arch = mum__diff_lower(id->arch);
    char *key = NULL;
    if (low && arch)
        key = part == MUM_PART_OTHER ? mum__asprintf("%s|other|%s", low, arch)
                                     : mum__asprintf("%s|%s", low, mum_matrix_part_name(part));
    mum__free(low);
    mum__free(arch);
    return key;
}

static bool is_fileless_deployment(const mum_node *n)
{
    return n->deployment && n->manifest && n->manifest->file_count == 0;
}

static int put_node(mum_strmap *m, char *key, const mum_node *n)
{
    if (!key)
        return MUM_ENOMEM;
    /* the first of duplicates stays */
    return mum__strmap_put(m, key, (void *)(uintptr_t)(n->index + 1), NULL);
}

static int index_side(side *s)
{
    for (size_t i = 0; i < mum_graph_node_count(s->g); i++) {
        const mum_node *n = mum_graph_node(s->g, i);
        if (n->input != s->input || !n->id || !n->id->name || !n->manifest)
            continue;
        if (n->kind == MUM_NODE_PACKAGE)
            CHECK(put_node(&s->pkgs, mum__diff_lower(n->id->name), n));
        else if (n->kind == MUM_NODE_COMPONENT && !is_fileless_deployment(n))
            CHECK(put_node(&s->comps, comp_key(s->platform, n->id), n));
    }
    return MUM_OK;
}

static int mark(mum_strmap *set, const char *name)
{
    char *key = mum__diff_lower(name);
    if (!key)
        return MUM_ENOMEM;
    return mum__strmap_put(set, key, (void *)1, NULL);
}

/* 1 when name is in the set, 0 when not, MUM_ENOMEM. */
static int marked(const mum_strmap *set, const char *name)
{
    char *key = mum__diff_lower(name);
    if (!key)
        return MUM_ENOMEM;
    int found = mum__strmap_get(set, key) != NULL;
    mum__free(key);
    return found;
}

static int dup_opt(const char *s, const char **slot)
{
    if (!s) {
        *slot = NULL;
        return MUM_OK;
    }
    return (*slot = mum__strdup(s)) ? MUM_OK : MUM_ENOMEM;
}

/* Appends a change (copying its strings); *out (may be NULL) gets its index. */
int mum__diff_add_change(differ *d, const change_in *in, size_t *out)
{
    mum_diff_result *r = d->res;
    if (!mum__grow((void **)&r->changes, &r->cap, r->count + 1, sizeof *r->changes))
        return MUM_ENOMEM;
    mum_change *c = &r->changes[r->count];
    memset(c, 0, sizeof *c);
    c->kind = in->kind;
    c->flags = in->flags;
    c->pair = d->pair;
    int rc;
    if ((rc = dup_opt(in->subject, &c->subject)) != MUM_OK ||
        (rc = dup_opt(in->part, &c->part)) != MUM_OK || (rc = dup_opt(in->item, &c->item)) != MUM_OK ||
        (rc = dup_opt(in->old_value, &c->old_value)) != MUM_OK ||
        (rc = dup_opt(in->new_value, &c->new_value)) != MUM_OK ||
        (rc = dup_opt(in->detail, &c->detail)) != MUM_OK ||
        (rc = dup_opt(in->old_node ? in->old_node->entry : NULL, &c->old_entry)) != MUM_OK ||
        (rc = dup_opt(in->new_node ? in->new_node->entry : NULL, &c->new_entry)) != MUM_OK) {
        mum__change_clear(c);
        return rc;
    }
    if (out)
        *out = r->count;
    r->count++;
    return MUM_OK;
}

static const char *part_name_of(const differ *d, const mum_node *n, bool is_new)
{
    return mum_matrix_part_name(mum_matrix_part_of(is_new ? d->n.platform : d->o.platform, n->id->arch));
}

/* ---- packages and components added or removed ---- */

/* Marks what an added or removed component explains: its manifest and files. */
static int explain_component(differ *d, const mum_node *c)
{
    CHECK(mark(&d->explained, c->name));
    for (size_t k = 0; k < c->edge_count; k++)
        if (c->edges[k].kind == MUM_EDGE_FILE && c->edges[k].file)
            CHECK(mark(&d->explained, c->edges[k].file));
    return MUM_OK;
}

static int gone_key(differ *d, const char *prefix, const char *key)
{
    char *k = mum__asprintf("%s%s", prefix, key);
    return k ? mum__strmap_put(&d->gone, k, (void *)1, NULL) : MUM_ENOMEM;
}

static int one_sided(differ *d, bool packages)
{
    for (int pass = 0; pass < 2; pass++) {
        side *from = pass ? &d->n : &d->o, *other = pass ? &d->o : &d->n;
        mum_strmap *m = packages ? &from->pkgs : &from->comps;
        mum_strmap *om = packages ? &other->pkgs : &other->comps;
        for (size_t s = 0; s < m->cap; s++) {
            if (!m->slots[s].key || mum__strmap_get(om, m->slots[s].key))
                continue;
            const mum_node *n = mum_graph_node(from->g, (size_t)((uintptr_t)m->slots[s].value - 1));
            change_in c = {.subject = n->id->name};
            if (pass)
                c.new_node = n, c.new_value = n->id->version;
            else
                c.old_node = n, c.old_value = n->id->version;
            CHECK(gone_key(d, packages ? "p|" : "c|", m->slots[s].key));
            CHECK(mark(&d->explained, n->name));
            if (packages) {
                c.kind = pass ? MUM_CHANGE_PACKAGE_ADDED : MUM_CHANGE_PACKAGE_REMOVED;
                for (size_t k = 0; k < n->edge_count; k++)
                    if (n->edges[k].kind == MUM_EDGE_CATALOG && n->edges[k].to)
                        CHECK(mark(&d->explained, n->edges[k].to->name));
            } else {
                CHECK(explain_component(d, n));
                c.part = part_name_of(d, n, pass);
                /* a 32-bit part of a component both sides have: coverage */
                char *native = NULL;
                if (strcmp(c.part, "native") != 0) {
                    char *low = mum__diff_lower(n->id->name);
                    native = low ? mum__asprintf("%s|native", low) : NULL;
                    mum__free(low);
                    if (!native)
                        return MUM_ENOMEM;
                }
                bool part = native && mum__strmap_get(m, native) && mum__strmap_get(om, native);
                mum__free(native);
                if (part)
                    c.kind = pass ? MUM_CHANGE_PART_ADDED : MUM_CHANGE_PART_REMOVED;
                else
                    c.kind = pass ? MUM_CHANGE_COMPONENT_ADDED : MUM_CHANGE_COMPONENT_REMOVED;
                if (n->deployment)
                    c.detail = "a deployment";
            }
            CHECK(mum__diff_add_change(d, &c, NULL));
        }
    }
    return MUM_OK;
}

/* ---- components in both ---- */

typedef struct file_ref {
    const mum_manifest_file *info;
    const mum_node *payload;     /* NULL when not in the input */
    const mum_node *comp;
    char *key;                   /* lower name */
    bool used;
} file_ref;

typedef struct file_list {
    file_ref *items;
    size_t count, cap;
} file_list;

static void file_list_free(file_list *l)
{
    for (size_t i = 0; i < l->count; i++)
        mum__free(l->items[i].key);
    mum__free(l->items);
}

static int file_list_add(file_list *l, const mum_edge *e, const mum_node *comp)
{
    if (!mum__grow((void **)&l->items, &l->cap, l->count + 1, sizeof *l->items))
        return MUM_ENOMEM;
    file_ref *f = &l->items[l->count];
    memset(f, 0, sizeof *f);
    f->info = e->file_info;
    f->payload = e->to;
    f->comp = comp;
    if (!(f->key = mum__diff_lower(e->file)))
        return MUM_ENOMEM;
    l->count++;
    return MUM_OK;
}

static const mum_edge *find_file(const mum_node *c, const char *key)
{
    for (size_t k = 0; k < c->edge_count; k++) {
        const mum_edge *e = &c->edges[k];
        if (e->kind == MUM_EDGE_FILE && e->file && mum__path_equal(e->file, key))
            return e;
    }
    return NULL;
}

static void digest_text(const mum_edge *e, char *buf, size_t size)
{
    const mum_manifest_file *f = e->file_info;
    char hex[2 * MUM_HASH_MAX_SIZE + 1] = "";
    if (e->to && e->to->digests.sha256_ok)
        mum_hex_encode(hex, e->to->digests.sha256, 32);
    else if (f && f->digest_ok)
        mum_hex_encode(hex, f->digest, f->digest_size);
    if (e->to && !e->to->express_delta)
        snprintf(buf, size, "%s%s%llu bytes", hex, hex[0] ? ", " : "",
                 (unsigned long long)e->to->size);
    else
        snprintf(buf, size, "%s", hex[0] ? hex : "?");
}

/* Whether a file's content differs: the manifests' digests, else the bytes. */
static bool content_differs(const mum_edge *a, const mum_edge *b)
{
    const mum_manifest_file *fa = a->file_info, *fb = b->file_info;
    if (fa && fb && fa->digest_ok && fb->digest_ok && fa->digest_alg == fb->digest_alg &&
        (fa->digest_size != fb->digest_size || memcmp(fa->digest, fb->digest, fa->digest_size) != 0))
        return true;
    const mum_node *pa = a->to, *pb = b->to;
    if (!pa || !pb || pa->express_delta || pb->express_delta)
        return false;
    if (pa->size != pb->size)
        return true;
    return pa->digests.sha256_ok && pb->digests.sha256_ok &&
           memcmp(pa->digests.sha256, pb->digests.sha256, 32) != 0;
}

static bool same_text_ci(const char *a, const char *b)
{
    return mum__ascii_strcasecmp(a ? a : "", b ? b : "") == 0;
}

static int compare_component(differ *d, const mum_node *oc, const mum_node *nc, file_list *removed,
                             file_list *added)
{
    const char *part = part_name_of(d, nc, true);
    int vcmp = 0;
    if (oc->id->ver_ok && nc->id->ver_ok)
        vcmp = mum_version_compare(&nc->id->ver, &oc->id->ver);
    else if (!same_text_ci(oc->id->version, nc->id->version))
        vcmp = 1;
    if (vcmp != 0) {
        CHECK(mark(&d->explained, oc->name));
        CHECK(mark(&d->explained, nc->name));
    }
    mum_sbuf rebuilt = {0};
    int rc = MUM_OK;
    for (size_t k = 0; k < oc->edge_count && rc == MUM_OK; k++) {
        const mum_edge *e = &oc->edges[k];
        if (e->kind != MUM_EDGE_FILE || !e->file)
            continue;
        char *key = mum__diff_lower(e->file);
        if (!key) {
            rc = MUM_ENOMEM;
            break;
        }
        const mum_edge *ne = find_file(nc, key);
        mum__free(key);
        if (!ne) {
            rc = file_list_add(removed, e, oc);
            continue;
        }
        const mum_manifest_file *fo = e->file_info, *fn = ne->file_info;
        if (fo && fn && !same_text_ci(fo->destination_path, fn->destination_path)) {
            change_in c = {MUM_CHANGE_FILE_DESTINATION, 0, nc->id->name, part, ne->file,
                           fo->destination_path ? fo->destination_path : "",
                           fn->destination_path ? fn->destination_path : "", NULL, oc, nc};
            rc = mum__diff_add_change(d, &c, NULL);
        }
        if (rc != MUM_OK || d->cross || !content_differs(e, ne))
            continue;
        if (vcmp != 0) {
            mum__sbuf_printf(&rebuilt, "%s%s", rebuilt.len ? ", " : "", ne->file);
            continue;
        }
        char ov[160], nv[160];
        digest_text(e, ov, sizeof ov);
        digest_text(ne, nv, sizeof nv);
        change_in c = {MUM_CHANGE_FILE_CHANGED, MUM_CHANGE_UNVERSIONED, nc->id->name, part, ne->file,
                       ov, nv, NULL, oc, nc};
        c.detail = nc->id->version;
        rc = mum__diff_add_change(d, &c, NULL);
    }
    for (size_t k = 0; k < nc->edge_count && rc == MUM_OK; k++) {
        const mum_edge *e = &nc->edges[k];
        if (e->kind != MUM_EDGE_FILE || !e->file)
            continue;
        char *key = mum__diff_lower(e->file);
        if (!key) {
            rc = MUM_ENOMEM;
            break;
        }
        if (!find_file(oc, key))
            rc = file_list_add(added, e, nc);
        mum__free(key);
    }
    bool failed = rebuilt.failed;
    char *files = mum__sbuf_take(&rebuilt);
    if (rc == MUM_OK && failed)
        rc = MUM_ENOMEM;
    if (rc == MUM_OK && vcmp != 0) {
        char *detail = files && files[0] ? mum__asprintf("rebuilt: %s", files) : NULL;
        if (files && files[0] && !detail) {
            rc = MUM_ENOMEM;
        } else {
            change_in c = {MUM_CHANGE_COMPONENT_VERSION, vcmp < 0 ? MUM_CHANGE_DOWNGRADE : 0u,
                           nc->id->name, part, NULL, oc->id->version, nc->id->version, detail, oc, nc};
            rc = mum__diff_add_change(d, &c, NULL);
        }
        mum__free(detail);
    }
    mum__free(files);
    return rc;
}

/* Files removed from one component and added to another: moved. */
static int report_files(differ *d, file_list *removed, file_list *added)
{
    for (size_t i = 0; i < removed->count; i++) {
        file_ref *r = &removed->items[i];
        for (size_t j = 0; j < added->count && !r->used; j++) {
            file_ref *a = &added->items[j];
            if (a->used || strcmp(a->key, r->key) != 0)
                continue;
            a->used = r->used = true;
            CHECK(mark(&d->explained, r->key));
            change_in c = {MUM_CHANGE_FILE_MOVED, 0, a->info ? a->info->name : r->key,
                           NULL, NULL, r->comp->id->name, a->comp->id->name, NULL, r->comp, a->comp};
            c.item = c.subject;
            c.subject = a->comp->id->name;
            c.part = part_name_of(d, a->comp, true);
            CHECK(mum__diff_add_change(d, &c, NULL));
        }
    }
    for (int pass = 0; pass < 2; pass++) {
        file_list *l = pass ? added : removed;
        for (size_t i = 0; i < l->count; i++) {
            file_ref *f = &l->items[i];
            if (f->used)
                continue;
            CHECK(mark(&d->explained, f->key));
            char val[160] = "";
            if (f->payload && !f->payload->express_delta)
                snprintf(val, sizeof val, "%llu bytes", (unsigned long long)f->payload->size);
            change_in c = {pass ? MUM_CHANGE_FILE_ADDED : MUM_CHANGE_FILE_REMOVED, 0,
                           f->comp->id->name, part_name_of(d, f->comp, pass), f->info ? f->info->name : f->key,
                           NULL, NULL, NULL, NULL, NULL};
            if (pass)
                c.new_value = val[0] ? val : NULL, c.new_node = f->comp;
            else
                c.old_value = val[0] ? val : NULL, c.old_node = f->comp;
            CHECK(mum__diff_add_change(d, &c, NULL));
        }
    }
    return MUM_OK;
}

static int compare_components(differ *d)
{
    file_list removed = {0}, added = {0};
    int rc = MUM_OK;
    for (size_t s = 0; s < d->o.comps.cap && rc == MUM_OK; s++) {
        const char *key = d->o.comps.slots[s].key;
        if (!key)
            continue;
        const mum_node *nc = node_of(&d->n, &d->n.comps, key);
        if (nc)
            rc = compare_component(d, node_of(&d->o, &d->o.comps, key), nc, &removed, &added);
    }
    if (rc == MUM_OK)
        rc = report_files(d, &removed, &added);
    file_list_free(&removed);
    file_list_free(&added);
    return rc;
}

/* ---- packages in both ---- */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

typedef struct strlist {
    char **items;
    size_t count, cap;
} strlist;

static void strlist_free(strlist *l)
{
    for (size_t i = 0; i < l->count; i++)
        mum__free(l->items[i]);
    mum__free(l->items);
    memset(l, 0, sizeof *l);
}

static int strlist_add(strlist *l, char *s)
{
    if (!s)
        return MUM_ENOMEM;
    if (!mum__grow((void **)&l->items, &l->cap, l->count + 1, sizeof *l->items)) {
        mum__free(s);
        return MUM_ENOMEM;
    }
    l->items[l->count++] = s;
    return MUM_OK;
}

/* "a, b, c" of a sorted list; NULL when out of memory. */
static char *strlist_join(strlist *l)
{
    if (l->count > 1)
        qsort(l->items, l->count, sizeof *l->items, cmp_str);
    mum_sbuf b = {0};
    mum__sbuf_puts(&b, "");
    for (size_t i = 0; i < l->count; i++)
        mum__sbuf_printf(&b, "%s%s", i ? ", " : "", l->items[i]);
    if (b.failed) {
        mum__sbuf_free(&b);
        return NULL;
    }
    return mum__sbuf_take(&b);
}

static char *part_suffix(const char *platform, const mum_identity *id)
{
    mum_matrix_part part = mum_matrix_part_of(platform, id->arch);
    if (part == MUM_PART_NATIVE)
        return mum__strdup("");
    if (part == MUM_PART_OTHER)
        return mum__asprintf(" (%s)", id->arch ? id->arch : "no architecture");
    return mum__asprintf(" (%s)", mum_matrix_part_name(part));
}

/* What an update target is, the same on every platform: a deployment is
 * described by the components it pulls, never by its (hash) name.  *gone
 * says whether an added or removed package or component explains it. */
static char *describe_target(differ *d, const side *s, const mum_edge *e, bool *gone)
{
    const mum_node *t = e->to;
    const mum_identity *id = t && t->id ? t->id : e->ref;
    if (!id || !id->name)
        return mum__strdup("(no identity)");
    char *suffix = part_suffix(s->platform, id);
    char *text = NULL;
    if (!suffix)
        return NULL;
    if (e->kind == MUM_EDGE_PACKAGE) {
        char *low = mum__diff_lower(id->name);
        char *key = low ? mum__asprintf("p|%s", low) : NULL;
        *gone = key && mum__strmap_get(&d->gone, key);
        if (key)
            text = mum__asprintf("package %s", id->name);
        mum__free(low);
        mum__free(key);
    } else if (t && is_fileless_deployment(t)) {
        strlist deps = {0};
        int rc = MUM_OK;
        for (size_t k = 0; k < t->edge_count && rc == MUM_OK; k++) {
            const mum_edge *de = &t->edges[k];
            if (de->kind != MUM_EDGE_DEPENDENCY || !de->ref || !de->ref->name)
                continue;
            char *ck = comp_key(s->platform, de->ref);
            char *gk = ck ? mum__asprintf("c|%s", ck) : NULL;
            char *sfx = part_suffix(s->platform, de->ref);
            /* a component added or removed is reported: the rest is compared */
            if (gk && sfx && mum__strmap_get(&d->gone, gk))
                *gone = true;
            else
                rc = strlist_add(&deps, gk && sfx ? mum__asprintf("%s%s", de->ref->name, sfx) : NULL);
            mum__free(ck);
            mum__free(gk);
            mum__free(sfx);
        }
        char *list = rc == MUM_OK ? strlist_join(&deps) : NULL;
        if (list)
            text = mum__asprintf("deployment of %s", list[0] ? list : "nothing");
        mum__free(list);
        strlist_free(&deps);
    } else {
        char *ck = comp_key(s->platform, id);
        char *gk = ck ? mum__asprintf("c|%s", ck) : NULL;
        *gone = gk && mum__strmap_get(&d->gone, gk);
        if (gk)
            text = mum__asprintf("%s %s%s", e->kind == MUM_EDGE_DRIVER ? "driver" : "component",
                                 id->name, suffix);
        mum__free(ck);
        mum__free(gk);
    }
    mum__free(suffix);
    return text;
}

typedef struct target {
    char *text;
    bool gone;
} target;

static int targets_of(differ *d, const side *s, const mum_node *p, target **out, size_t *count)
{
    size_t n = 0;
    target *t = mum__calloc(p->edge_count ? p->edge_count : 1, sizeof *t);
    if (!t)
        return MUM_ENOMEM;
    for (size_t k = 0; k < p->edge_count; k++) {
        const mum_edge *e = &p->edges[k];
        if (e->kind != MUM_EDGE_PACKAGE && e->kind != MUM_EDGE_COMPONENT && e->kind != MUM_EDGE_DRIVER)
            continue;
        bool gone = false;
        char *text = describe_target(d, s, e, &gone);
        if (!text) {
            for (size_t i = 0; i < n; i++)
                mum__free(t[i].text);
            mum__free(t);
            return MUM_ENOMEM;
        }
        t[n].text = text;
        t[n++].gone = gone;
    }
    *out = t;
    *count = n;
    return MUM_OK;
}

static void targets_free(target *t, size_t n)
{
    for (size_t i = 0; t && i < n; i++)
        mum__free(t[i].text);
    mum__free(t);
}

/* What the package installs, as a multiset of descriptions. */
static int compare_installs(differ *d, const mum_node *op, const mum_node *np)
{
    target *ot = NULL, *nt = NULL;
    size_t on = 0, nn = 0;
    int rc = targets_of(d, &d->o, op, &ot, &on);
    if (rc == MUM_OK)
        rc = targets_of(d, &d->n, np, &nt, &nn);
    strlist gone_old = {0}, gone_new = {0};
    bool *taken = rc == MUM_OK ? mum__calloc(nn ? nn : 1, sizeof *taken) : NULL;
    if (rc == MUM_OK && !taken)
        rc = MUM_ENOMEM;
    for (size_t i = 0; i < on && rc == MUM_OK; i++) {
        bool found = false;
        for (size_t j = 0; j < nn && !found; j++)
            if (!taken[j] && strcmp(ot[i].text, nt[j].text) == 0)
                taken[j] = found = true;
        if (!found && !ot[i].gone)
            rc = strlist_add(&gone_old, mum__strdup(ot[i].text));
    }
    for (size_t j = 0; j < nn && rc == MUM_OK; j++)
        if (!taken[j] && !nt[j].gone)
            rc = strlist_add(&gone_new, mum__strdup(nt[j].text));
    if (rc == MUM_OK && (gone_old.count || gone_new.count)) {
        char *ov = strlist_join(&gone_old), *nv = strlist_join(&gone_new);
        if (ov && nv) {
            change_in c = {MUM_CHANGE_PACKAGE_CHANGED, 0, np->id->name, NULL, "installs",
                           ov[0] ? ov : NULL, nv[0] ? nv : NULL, NULL, op, np};
            rc = mum__diff_add_change(d, &c, NULL);
        } else {
            rc = MUM_ENOMEM;
        }
        mum__free(ov);
        mum__free(nv);
    }
    mum__free(taken);
    strlist_free(&gone_old);
    strlist_free(&gone_new);
    targets_free(ot, on);
    targets_free(nt, nn);
    return rc;
}

static int describe_parents(const side *s, const mum_manifest_package *p, strlist *out)
{
    strlist l = {0};
    for (size_t i = 0; i < p->parent_count; i++) {
        const mum_manifest_parent *par = &p->parents[i];
        for (size_t k = 0; k < par->identity_count; k++) {
            const mum_identity *id = &par->identities[k].id;
            char *sfx = part_suffix(s->platform, id);
            int rc = strlist_add(&l, sfx ? mum__asprintf("%s %s%s [%s%s%s]", id->name ? id->name : "?",
                                                         id->version ? id->version : "", sfx,
                                                         par->build_compare ? par->build_compare : "",
                                                         par->disposition ? " " : "",
                                                         par->disposition ? par->disposition : "")
                                             : NULL);
            mum__free(sfx);
            if (rc != MUM_OK) {
                strlist_free(&l);
                return rc;
            }
        }
    }
    *out = l;
    return MUM_OK;
}

static int describe_applicability(const side *s, const mum_manifest_package *p, strlist *out)
{
    strlist l = {0};
    for (size_t i = 0; i < p->update_count; i++) {
        const mum_manifest_update *u = &p->updates[i];
        for (size_t k = 0; u->has_applicable && k < u->applicable_count; k++) {
            const mum_manifest_target *t = &u->applicable[k];
            if (!t->has_identity)
                continue;
            char *sfx = part_suffix(s->platform, &t->ref.id);
            int rc = strlist_add(&l, sfx ? mum__asprintf("%s%s%s%s", t->ref.id.name ? t->ref.id.name : "?",
                                                         sfx, u->applicable_disposition ? " " : "",
                                                         u->applicable_disposition ? u->applicable_disposition : "")
                                             : NULL);
            mum__free(sfx);
            if (rc != MUM_OK) {
                strlist_free(&l);
                return rc;
            }
        }
    }
    *out = l;
    return MUM_OK;
}

static int attribute(differ *d, const mum_node *op, const mum_node *np, const char *item,
                     const char *ov, const char *nv, unsigned flags)
{
    if (same_text_ci(ov, nv))
        return MUM_OK;
    change_in c = {MUM_CHANGE_PACKAGE_CHANGED, flags, np->id->name, NULL, item, ov, nv, NULL, op, np};
    return mum__diff_add_change(d, &c, NULL);
}

typedef int (*describe_fn)(const side *, const mum_manifest_package *, strlist *);

/* A set-valued attribute: what one side has and the other lacks. */
static int compare_sets(differ *d, const mum_node *op, const mum_node *np, const char *item, describe_fn fn)
{
    strlist a = {0}, b = {0}, only_a = {0}, only_b = {0};
    int rc = fn(&d->o, &op->manifest->package, &a);
    if (rc == MUM_OK)
        rc = fn(&d->n, &np->manifest->package, &b);
    for (int pass = 0; pass < 2 && rc == MUM_OK; pass++) {
        strlist *from = pass ? &b : &a, *other = pass ? &a : &b, *to = pass ? &only_b : &only_a;
        for (size_t i = 0; i < from->count && rc == MUM_OK; i++) {
            bool found = false;
            for (size_t j = 0; j < other->count && !found; j++)
                found = strcmp(from->items[i], other->items[j]) == 0;
            if (!found)
                rc = strlist_add(to, mum__strdup(from->items[i]));
        }
    }
    if (rc == MUM_OK && (only_a.count || only_b.count)) {
        char *ov = strlist_join(&only_a), *nv = strlist_join(&only_b);
        if (ov && nv) {
            change_in c = {MUM_CHANGE_PACKAGE_CHANGED, 0, np->id->name, NULL, item,
                           ov[0] ? ov : NULL, nv[0] ? nv : NULL, NULL, op, np};
            rc = mum__diff_add_change(d, &c, NULL);
        } else {
            rc = MUM_ENOMEM;
        }
        mum__free(ov);
        mum__free(nv);
    }
    strlist_free(&a);
    strlist_free(&b);
    strlist_free(&only_a);
    strlist_free(&only_b);
    return rc;
}

static int compare_package(differ *d, const mum_node *op, const mum_node *np)
{
    const mum_manifest_package *o = &op->manifest->package, *n = &np->manifest->package;
    if (!same_text_ci(op->id->version, np->id->version)) {
        unsigned flags = op->id->ver_ok && np->id->ver_ok &&
                                 mum_version_compare(&np->id->ver, &op->id->ver) < 0
                             ? MUM_CHANGE_DOWNGRADE : 0u;
        CHECK(mark(&d->explained, op->name));
        CHECK(mark(&d->explained, np->name));
        for (int side_i = 0; side_i < 2; side_i++) {
            const mum_node *p = side_i ? np : op;
            for (size_t k = 0; k < p->edge_count; k++)
                if (p->edges[k].kind == MUM_EDGE_CATALOG && p->edges[k].to)
                    CHECK(mark(&d->explained, p->edges[k].to->name));
        }
        CHECK(attribute(d, op, np, "version", op->id->version, np->id->version, flags));
    }
    CHECK(attribute(d, op, np, "releaseType", o->release_type, n->release_type, 0));
    CHECK(attribute(d, op, np, "restart", o->restart, n->restart, 0));
    CHECK(compare_sets(d, op, np, "parents", describe_parents));
    CHECK(compare_sets(d, op, np, "applicability", describe_applicability));
    return compare_installs(d, op, np);
}

/* Deployments pulling a component whose version changed are renamed with
 * it (their manifests list the new version): explained. */
static int explain_deployments(differ *d, const side *s)
{
    for (size_t i = 0; i < mum_graph_node_count(s->g); i++) {
        const mum_node *n = mum_graph_node(s->g, i);
        if (n->input != s->input || n->kind != MUM_NODE_COMPONENT || !n->deployment)
            continue;
        for (size_t k = 0; k < n->edge_count; k++) {
            const mum_node *t = n->edges[k].to;
            int m = t && n->edges[k].kind == MUM_EDGE_DEPENDENCY ? marked(&d->explained, t->name) : 0;
            if (m < 0)
                return m;
            if (m) {
                CHECK(mark(&d->explained, n->name));
                break;
            }
        }
    }
    return MUM_OK;
}

static int compare_pair(differ *d)
{
    CHECK(index_side(&d->o));
    CHECK(index_side(&d->n));
    CHECK(one_sided(d, true));
    CHECK(one_sided(d, false));
    CHECK(compare_components(d));
    for (size_t s = 0; s < d->o.pkgs.cap; s++) {
        const char *key = d->o.pkgs.slots[s].key;
        const mum_node *np = key ? node_of(&d->n, &d->n.pkgs, key) : NULL;
        if (np)
            CHECK(compare_package(d, node_of(&d->o, &d->o.pkgs, key), np));
    }
    CHECK(explain_deployments(d, &d->o));
    CHECK(explain_deployments(d, &d->n));
    for (size_t s = 0; s < d->o.pkgs.cap; s++) {
        const char *key = d->o.pkgs.slots[s].key;
        const mum_node *np = key ? node_of(&d->n, &d->n.pkgs, key) : NULL;
        if (np)
            CHECK(mum__diff_compare_catalogs(d, node_of(&d->o, &d->o.pkgs, key), np));
    }
    return MUM_OK;
}

/* ---- pairing the inputs ---- */

static bool has_content(const mum_graph_input *in)
{
    return in->packages || in->components;
}

static int pair_inputs(mum_diff_result *r, const mum_graph *og, const mum_graph *ng, bool force_cross)
{
    size_t no = mum_graph_input_count(og), nn = mum_graph_input_count(ng);
    r->pairs = mum__calloc(no + nn + 1, sizeof *r->pairs);
    bool *used = mum__calloc(nn + 1, sizeof *used);
    if (!r->pairs || !used) {
        mum__free(used);
        return MUM_ENOMEM;
    }
    size_t co = 0, cn = 0, lo = 0, ln = 0;
    for (size_t i = 0; i < no; i++)
        if (has_content(mum_graph_input_at(og, i)))
            co++, lo = i;
    for (size_t i = 0; i < nn; i++)
        if (has_content(mum_graph_input_at(ng, i)))
            cn++, ln = i;
    if (co == 1 && cn == 1) {
        const char *a = mum_graph_input_at(og, lo)->platform, *b = mum_graph_input_at(ng, ln)->platform;
        r->pairs[r->npairs++] = (mum_diff_pair){lo, ln, a, b, force_cross || strcmp(a, b) != 0};
        mum__free(used);
        return MUM_OK;
    }
    for (size_t i = 0; i < no; i++) {
        const mum_graph_input *in = mum_graph_input_at(og, i);
        if (!has_content(in))
            continue;
        size_t match = SIZE_MAX;
        for (size_t j = 0; j < nn && match == SIZE_MAX; j++) {
            const mum_graph_input *jn = mum_graph_input_at(ng, j);
            if (!used[j] && has_content(jn) && strcmp(jn->platform, in->platform) == 0)
                match = j;
        }
        if (match != SIZE_MAX) {
            used[match] = true;
            r->pairs[r->npairs++] = (mum_diff_pair){i, match, in->platform, in->platform, force_cross};
        } else {
            r->pairs[r->npairs++] = (mum_diff_pair){i, SIZE_MAX, in->platform, NULL, false};
        }
    }
    for (size_t j = 0; j < nn; j++) {
        const mum_graph_input *jn = mum_graph_input_at(ng, j);
        if (!used[j] && has_content(jn))
            r->pairs[r->npairs++] = (mum_diff_pair){SIZE_MAX, j, NULL, jn->platform, false};
    }
    mum__free(used);
    return MUM_OK;
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash && slash[1] ? slash + 1 : path;
}

static void differ_clear(differ *d)
{
    mum__strmap_free(&d->o.pkgs);
    mum__strmap_free(&d->o.comps);
    mum__strmap_free(&d->n.pkgs);
    mum__strmap_free(&d->n.comps);
    mum__strmap_free(&d->explained);
    mum__strmap_free(&d->gone);
}

static int cmp_opt(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "");
}

/* Reading order: pair, kind, then names. */
static int cmp_change(const void *pa, const void *pb)
{
    const mum_change *a = pa, *b = pb;
    if (a->pair != b->pair)
        return a->pair < b->pair ? -1 : 1;
    if (a->kind != b->kind)
        return a->kind < b->kind ? -1 : 1;
    int c;
    if ((c = mum_strcasecmp_utf8(a->subject ? a->subject : "", b->subject ? b->subject : "")) != 0 ||
        (c = cmp_opt(a->part, b->part)) != 0 || (c = cmp_opt(a->item, b->item)) != 0 ||
        (c = cmp_opt(a->old_value, b->old_value)) != 0 || (c = cmp_opt(a->new_value, b->new_value)) != 0)
        return c;
    return cmp_opt(a->new_entry ? a->new_entry : a->old_entry, b->new_entry ? b->new_entry : b->old_entry);
}

int mum_diff_graphs(mum_diff_result **out, mum_ctx *ctx, const mum_graph *oldg, const mum_graph *newg,
                    const mum_diff_options *opts)
{
    static const mum_diff_options defaults = MUM_DIFF_OPTIONS_INIT;
    if (out)
        *out = NULL;
    if (!opts)
        opts = &defaults;
    if (!out || !oldg || !newg || opts->version != MUM_DIFF_OPTIONS_VERSION)
        return mum__error(ctx, MUM_EINVAL, NULL, "mum_diff_graphs: bad arguments");
    mum_diff_result *r = mum__calloc(1, sizeof *r);
    if (!r)
        return mum__nomem(ctx);
    /* the matrices alone: diff judges nothing */
    int rc = mum_matrix_build(&r->mold, ctx, oldg);
    if (rc == MUM_OK)
        rc = mum_matrix_build(&r->mnew, ctx, newg);
    if (rc == MUM_OK)
        rc = pair_inputs(r, oldg, newg, opts->force_cross);
    for (size_t p = 0; p < r->npairs && rc == MUM_OK; p++) {
        const mum_diff_pair *pair = &r->pairs[p];
        differ d = {.ctx = ctx, .res = r, .pair = p, .cross = pair->cross};
        if (pair->old_input == SIZE_MAX || pair->new_input == SIZE_MAX) {
            bool added = pair->old_input == SIZE_MAX;
            const mum_graph_input *in = added ? mum_graph_input_at(newg, pair->new_input)
                                              : mum_graph_input_at(oldg, pair->old_input);
            change_in c = {added ? MUM_CHANGE_PLATFORM_ADDED : MUM_CHANGE_PLATFORM_REMOVED, 0,
                           base_name(in->path), NULL, NULL, added ? NULL : in->platform,
                           added ? in->platform : NULL, NULL, NULL, NULL};
            rc = mum__diff_add_change(&d, &c, NULL);
            continue;
        }
        if (strcmp(pair->old_platform, pair->new_platform) != 0) {
            change_in c = {MUM_CHANGE_ARCHITECTURE, 0, base_name(mum_graph_input_at(newg, pair->new_input)->path),
                           NULL, NULL, pair->old_platform, pair->new_platform, NULL, NULL, NULL};
            c.detail = base_name(mum_graph_input_at(oldg, pair->old_input)->path);
            rc = mum__diff_add_change(&d, &c, NULL);
        }
        d.o = (side){.g = oldg, .input = pair->old_input, .platform = pair->old_platform};
        d.n = (side){.g = newg, .input = pair->new_input, .platform = pair->new_platform};
        if (rc == MUM_OK)
            rc = compare_pair(&d);
        differ_clear(&d);
    }
    if (rc != MUM_OK) {
        if (rc == MUM_ENOMEM && mum_ctx_status(ctx) == MUM_OK)
            mum__nomem(ctx);
        mum_diff_result_free(r);
        return rc;
    }
    if (r->count)
        qsort(r->changes, r->count, sizeof *r->changes, cmp_change);
    *out = r;
    return MUM_OK;
}
