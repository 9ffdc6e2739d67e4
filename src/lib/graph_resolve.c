/*
 * graph_resolve.c - resolves the references of the graph's nodes into
 * edges: per input, maps of packages and components by identity (exact and
 * without version) and of payloads and catalogs by path (hashes of the
 * nodes' own fields, no key built), built and used by two threads (one per
 * half of the work), then the inputs' platforms.
 */
#include "config.h"

#include "graph_internal.h"
#include "matrix_internal.h" /* mum__graph_by_input */
#include "pool.h"

#include <mum/names.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

static mum_edge *edge_add(node_priv *n, mum_edge_kind kind)
{
    mum_edge *edges = (mum_edge *)n->pub.edges; /* the node's own (graph_internal.h) */
    size_t cap = n->edge_cap;
    if (!mum__grow((void **)&edges, &cap, n->pub.edge_count + 1, sizeof *edges))
        return NULL;
    n->pub.edges = edges;
    n->edge_cap = cap > UINT32_MAX ? UINT32_MAX : (uint32_t)cap; /* what it may count on */
    mum_edge *e = &edges[n->pub.edge_count++];
    memset(e, 0, sizeof *e);
    e->kind = kind;
    return e;
}

/* ---- resolution ---- */

/*
 * The maps' keys are read where they are, never built (mum_lower_key): a
 * map holds a node's index and 32 bits of its key's hash, and a hit is
 * confirmed on the node's own fields, so two keys whose hashes collide
 * stay two.  (An allocated lower-case key a node, and a string map's slot
 * for it, were 10 MB alive at the peak of a 20 000-manifest package.)
 */

/* The key of an identity: a canonical text of the attributes that make it,
 * "name|culture|type|version|token|arch|scope" lowered.  `ver` holds a
 * version the text shows formatted (the key points into it). */
typedef struct id_key {
    mum_lower_key k;
    char ver[MUM_VERSION_TEXT_MAX];
} id_key;

static void set_parts(mum_lower_key *k, size_t n, const char *const *part, const size_t *len, bool path)
{
    k->n = n;
    k->path = path;
    for (size_t i = 0; i < n; i++) {
        k->part[i] = part[i];
        k->len[i] = len ? len[i] : strlen(part[i]);
    }
}

static void identity_key(id_key *out, const mum_identity *id, bool with_version)
{
    const char *culture = mum_culture_is_neutral(id->language) ? "" : id->language;
    const char *ver = "";
    size_t ver_len = 0;
    if (with_version && id->ver_ok) {
        mum_version_format(&id->ver, out->ver);
        ver = out->ver;
        ver_len = strlen(ver);
    } else if (with_version && id->version) {
        ver = id->version; /* its first 20 bytes, as the key has always had it */
        while (ver_len < 20 && ver[ver_len])
            ver_len++;
    }
    const char *part[13] = {id->name ? id->name : "", "|", culture, "|", id->type ? id->type : "", "|", ver, "|",
                            id->public_key_token ? id->public_key_token : "", "|", id->arch ? id->arch : "", "|",
                            id->version_scope ? id->version_scope : ""};
    size_t len[13];
    for (size_t i = 0; i < 13; i++)
        len[i] = i == 6 ? ver_len : strlen(part[i]);
    set_parts(&out->k, 13, part, len, false);
}

/*
 * Paths compare as Windows compares them: without regard to case, and with
 * '\\' and '/' the same separator (mum_lower_key.path).  A manifest names
 * a file of a subfolder "I386\\UNIDRV.DLL" (KB3040017's ntprint.inf) while
 * the cabinet's reader, an express index or a folder on disk may give
 * "i386/unidrv.dll".  The container part, an entry path of our own on
 * both sides, changes alike.
 */

/* "container|dir/name" (lower case); dir may be empty, and name is name_len bytes. */
static void path_key(mum_lower_key *k, const char *container, const char *dir, const char *name, size_t name_len)
{
    const char *part[5] = {container, "|", dir, *dir ? "/" : "", name};
    size_t len[5] = {strlen(container), 1, strlen(dir), *dir ? 1 : 0, name_len};
    set_parts(k, 5, part, len, true);
}

/* The key of a file in a folder of dir: "container|dir/folder/name". */
static void file_key(mum_lower_key *k, const char *container, const char *dir, const char *folder,
                     size_t folder_len, const char *name)
{
    const char *part[7] = {container, "|", dir, *dir ? "/" : "", folder, "/", name};
    size_t len[7] = {strlen(container), 1, strlen(dir), *dir ? 1 : 0, folder_len, 1, strlen(name)};
    set_parts(k, 7, part, len, true);
}

/* What a map's nodes are keyed by. */
typedef enum key_kind {
    KEY_EXACT,   /* identity */
    KEY_LOOSE,   /* identity without version */
    KEY_FILE,    /* path */
    KEY_CATALOG, /* path without ".cat" */
} key_kind;

static void node_key(id_key *out, const node_priv *n, key_kind kind)
{
    if (kind == KEY_EXACT || kind == KEY_LOOSE)
        identity_key(out, n->pub.id, kind == KEY_EXACT);
    else
        path_key(&out->k, n->pub.container, n->pub.dir, n->pub.name,
                 strlen(n->pub.name) - (kind == KEY_CATALOG ? 4 : 0));
}

/* The test hook's constant hash: every key collides with every other. */
static _Atomic bool hash_constant;

bool mum__graph_resolve_collide(bool always)
{
    return atomic_exchange(&hash_constant, always);
}

static uint64_t key_hash(const mum_lower_key *k)
{
    return atomic_load_explicit(&hash_constant, memory_order_relaxed) ? 0 : mum__lower_key_hash(k);
}

/* Per input: packages and components by identity, with and without version. */
typedef struct resolver {
    const mum_graph *g;
    mum_hashidx exact[2]; /* [0] packages, [1] components */
    mum_hashidx loose[2];
    mum_hashidx files;    /* "container|dir/name" -> payload (or catalog) */
    mum_hashidx catalogs; /* "container|dir/base" -> catalog */
    const size_t *nodes;  /* the input's nodes (indexes, in node order) */
    size_t count;
} resolver;

static void resolver_free(resolver *r)
{
    for (int k = 0; k < 2; k++) {
        mum__hashidx_free(&r->exact[k]);
        mum__hashidx_free(&r->loose[k]);
    }
    mum__hashidx_free(&r->files);
    mum__hashidx_free(&r->catalogs);
}

/* A key sought in a map, and how the map's nodes are keyed. */
typedef struct sought {
    const mum_graph *g;
    const mum_lower_key *key;
    key_kind kind;
} sought;

static bool node_has_key(const void *ctx, uint32_t index)
{
    const sought *s = ctx;
    id_key have;
    node_key(&have, s->g->nodes[index], s->kind);
    return mum__lower_key_equal(s->key, &have.k);
}

static int map_put(const resolver *r, mum_hashidx *m, node_priv *n, key_kind kind, node_priv **dup)
{
    if (n->pub.index >= MUM_HASHIDX_NONE)
        return MUM_ENOMEM; /* more nodes than an index holds */
    id_key key;
    node_key(&key, n, kind);
    sought s = {r->g, &key.k, kind};
    uint32_t old;
    int rc = mum__hashidx_put(m, key_hash(&key.k), (uint32_t)n->pub.index, node_has_key, &s, &old);
    if (dup)
        *dup = old == MUM_HASHIDX_NONE ? NULL : r->g->nodes[old];
    return rc;
}

static node_priv *map_get(const resolver *r, const mum_hashidx *m, const mum_lower_key *key, key_kind kind)
{
    sought s = {r->g, key, kind};
    uint32_t hit = mum__hashidx_get(m, key_hash(key), node_has_key, &s);
    return hit == MUM_HASHIDX_NONE ? NULL : r->g->nodes[hit];
}

static bool is_identity(const node_priv *n)
{
    return n->pub.kind == MUM_NODE_PACKAGE || n->pub.kind == MUM_NODE_COMPONENT;
}

/* Each map sized for its nodes before they are added: no doubling (the
 * old and the new slots alive at once) on the way. */
static int index_reserve(const mum_graph *g, resolver *r, bool paths)
{
    size_t ids[2] = {0, 0}, files = 0, catalogs = 0;
    for (size_t j = 0; j < r->count; j++) {
        const node_priv *n = g->nodes[r->nodes[j]];
        if (is_identity(n) && n->pub.id)
            ids[n->pub.kind == MUM_NODE_PACKAGE ? 0 : 1]++;
        else if (n->pub.kind == MUM_NODE_PAYLOAD && !n->express_blob)
            files++;
        else if (n->pub.kind == MUM_NODE_CATALOG)
            files++, catalogs++;
    }
    if (paths)
        return mum__hashidx_reserve(&r->files, files) == MUM_OK ? mum__hashidx_reserve(&r->catalogs, catalogs)
                                                                  : MUM_ENOMEM;
    for (int k = 0; k < 2; k++)
        if (mum__hashidx_reserve(&r->exact[k], ids[k]) != MUM_OK || mum__hashidx_reserve(&r->loose[k], ids[k]) != MUM_OK)
            return MUM_ENOMEM;
    return MUM_OK;
}

/* Fills the maps of identities (`paths` false: packages and components,
 * each duplicate identity noted on its node) or of paths (payloads, catalogs). */
static int index_input(mum_graph *g, resolver *r, bool paths)
{
    int rc = index_reserve(g, r, paths);
    for (size_t j = 0; j < r->count && rc == MUM_OK; j++) {
        node_priv *n = g->nodes[r->nodes[j]];
        bool identity = is_identity(n);
        if (identity == paths)
            continue;
        if (identity && n->pub.id) {
            int k = n->pub.kind == MUM_NODE_PACKAGE ? 0 : 1;
            node_priv *dup;
            rc = map_put(r, &r->exact[k], n, KEY_EXACT, &dup);
            /* a fact for the judge (judge_inputs.c: graph.duplicate-identity) */
            n->same_identity = dup;
            if (rc == MUM_OK)
                rc = map_put(r, &r->loose[k], n, KEY_LOOSE, NULL);
        } else if (n->pub.kind == MUM_NODE_PAYLOAD && !n->express_blob) {
            rc = map_put(r, &r->files, n, KEY_FILE, NULL);
        } else if (n->pub.kind == MUM_NODE_CATALOG) {
            rc = map_put(r, &r->catalogs, n, KEY_CATALOG, NULL);
            /* and as a file: a driver component lists its own catalog among its files */
            if (rc == MUM_OK)
                rc = map_put(r, &r->files, n, KEY_FILE, NULL);
        }
    }
    return rc;
}

static void resolve_ref(const resolver *r, int k, const mum_identity *ref, mum_edge *e)
{
    id_key key;
    identity_key(&key, ref, true);
    node_priv *hit = map_get(r, &r->exact[k], &key.k, KEY_EXACT);
    if (hit) {
        e->to = &hit->pub;
        return;
    }
    identity_key(&key, ref, false);
    hit = map_get(r, &r->loose[k], &key.k, KEY_LOOSE);
    e->other_version = hit ? &hit->pub : NULL;
}

static bool is_install(const char *type)
{
    return type && mum__ascii_strcasecmp(type, "install") == 0;
}

/* Room for exactly `count` more edges: a node's edges are counted before
 * they are added (resolve_node), so no array is left with the spare room
 * of doubling (a component with one file had room for eight edges, 9 MB at
 * 20 000 manifests). */
static bool edges_reserve(node_priv *n, size_t count)
{
    size_t need = n->pub.edge_count + count;
    if (need <= n->edge_cap)
        return true;
    if (need > UINT32_MAX) /* edge_cap's bits: memory runs out long before */
        return false;
    mum_edge *edges = mum__reallocarray((void *)n->pub.edges, need, sizeof *edges);
    if (!edges)
        return false;
    n->pub.edges = edges;
    n->edge_cap = (uint32_t)need;
    return true;
}

/* The edges resolve_node adds to a node. */
static size_t edges_of(const node_priv *n)
{
    const mum_manifest *m = n->pub.manifest;
    size_t count = n->pub.kind == MUM_NODE_PACKAGE ? 1 : 0;
    if (!m)
        return count;
    if (m->kind == MUM_MANIFEST_PACKAGE) {
        for (size_t u = 0; u < m->package.update_count; u++)
            for (size_t i = 0; i < m->package.updates[u].item_count; i++)
                count += m->package.updates[u].items[i].has_identity;
        return count;
    }
    for (size_t d = 0; d < m->dependency_count; d++)
        count += m->dependencies[d].has_identity && is_install(m->dependencies[d].dependency_type);
    for (size_t f = 0; f < m->file_count; f++)
        count += m->files[f].name != NULL;
    return count;
}

static int resolve_node(const resolver *r, node_priv *n)
{
    const mum_manifest *m = n->pub.manifest;
    if (!edges_reserve(n, edges_of(n)))
        return MUM_ENOMEM;
    if (n->pub.kind == MUM_NODE_PACKAGE) {
        /* its catalog: the same name with .cat */
        size_t base = strlen(n->pub.name);
        base = base > 4 ? base - 4 : base;
        mum_lower_key key;
        path_key(&key, n->pub.container, n->pub.dir, n->pub.name, base);
        node_priv *cat = map_get(r, &r->catalogs, &key, KEY_CATALOG);
        mum_edge *e = edge_add(n, MUM_EDGE_CATALOG);
        if (!e)
            return MUM_ENOMEM;
        if (cat)
            e->to = &cat->pub;
    }
    if (!m)
        return MUM_OK;
    if (m->kind == MUM_MANIFEST_PACKAGE) {
        for (size_t u = 0; u < m->package.update_count; u++) {
            const mum_manifest_update *up = &m->package.updates[u];
            for (size_t i = 0; i < up->item_count; i++) {
                const mum_manifest_target *t = &up->items[i];
                if (!t->has_identity)
                    continue;
                mum_edge_kind kind = t->kind == MUM_TARGET_PACKAGE  ? MUM_EDGE_PACKAGE
                                     : t->kind == MUM_TARGET_DRIVER ? MUM_EDGE_DRIVER
                                                                    : MUM_EDGE_COMPONENT;
                mum_edge *e = edge_add(n, kind);
                if (!e)
                    return MUM_ENOMEM;
                e->ref = &t->ref.id;
                e->update = up->name;
                e->pos = t->ref.pos;
                resolve_ref(r, kind == MUM_EDGE_PACKAGE ? 0 : 1, &t->ref.id, e);
            }
        }
        return MUM_OK;
    }
    for (size_t d = 0; d < m->dependency_count; d++) {
        const mum_manifest_dependency *dep = &m->dependencies[d];
        if (!dep->has_identity || !is_install(dep->dependency_type))
            continue;
        mum_edge *e = edge_add(n, MUM_EDGE_DEPENDENCY);
        if (!e)
            return MUM_ENOMEM;
        e->ref = &dep->ref.id;
        e->pos = dep->ref.pos;
        resolve_ref(r, 1, &dep->ref.id, e);
    }
    /* files live in a folder named like the manifest: its own name, or (if
     * it was renamed) the keyform of its identity, made when first needed */
    char *keyform = NULL;
    bool have_keyform = false;
    size_t stem = strlen(n->pub.name);
    if (mum__ascii_ends_with_ci(n->pub.name, ".manifest"))
        stem -= strlen(".manifest");
    int rc = MUM_OK;
    for (size_t f = 0; f < m->file_count && rc == MUM_OK; f++) {
        const mum_manifest_file *file = &m->files[f];
        if (!file->name)
            continue;
        mum_edge *e = edge_add(n, MUM_EDGE_FILE);
        if (!e) {
            rc = MUM_ENOMEM;
            break;
        }
        e->file = file->name;
        e->file_info = file;
        e->pos = file->pos;
        node_priv *hit = NULL;
        for (int k = 0; k < 2 && !hit; k++) {
            if (k == 1 && !have_keyform) {
                have_keyform = true;
                if (n->pub.id && mum_keyform_format(&keyform, n->pub.id, 0) == MUM_ENOMEM) {
                    rc = MUM_ENOMEM;
                    break;
                }
            }
            const char *folder = k == 0 ? n->pub.name : keyform;
            if (!folder)
                break;
            mum_lower_key key;
            file_key(&key, n->pub.container, n->pub.dir, folder, k == 0 ? stem : strlen(folder), file->name);
            hit = map_get(r, &r->files, &key, KEY_FILE);
        }
        if (hit)
            e->to = &hit->pub;
    }
    mum__free(keyform);
    return rc;
}

/* The platform of an input: the architecture most of its packages have. */
static int set_platform(mum_graph *g, size_t input, const size_t *nodes, size_t count)
{
    static const char *const archs[] = {"x86", "amd64", "ia64", "arm", "arm64", "wow64", "msil"};
    size_t counts[MUM_ARRAY_LEN(archs)] = {0};
    input_priv *in = &g->inputs[input];
    for (size_t k = 0; k < count; k++) {
        node_priv *n = g->nodes[nodes[k]];
        if (n->pub.kind == MUM_NODE_PACKAGE)
            in->pub.packages++;
        else if (n->pub.kind == MUM_NODE_COMPONENT)
            in->pub.components++;
        else if (n->pub.kind == MUM_NODE_CATALOG)
            in->pub.catalogs++;
        else if (!n->express_blob)
            in->pub.payloads++;
        if (n->pub.kind != MUM_NODE_PACKAGE || !n->pub.id || !n->pub.id->arch)
            continue;
        for (size_t a = 0; a < MUM_ARRAY_LEN(archs); a++)
            if (mum__ascii_strcasecmp(n->pub.id->arch, archs[a]) == 0)
                counts[a]++;
    }
    size_t best = MUM_ARRAY_LEN(archs);
    for (size_t a = 0; a < MUM_ARRAY_LEN(archs); a++)
        if (counts[a] && (best == MUM_ARRAY_LEN(archs) || counts[a] > counts[best]))
            best = a;
    const char *p = best < MUM_ARRAY_LEN(archs) ? archs[best] : "";
    if (in->have_props && !*p) {
        const char *v = mum_msu_properties_get(&in->props, "Processor Architecture");
        if (v)
            p = v;
    }
    if (!mum__replace_str(&in->platform, p))
        return MUM_ENOMEM;
    in->pub.platform = in->platform;
    if (!in->kb) {
        /* KB from a package's identifier ("KB943650") */
        for (size_t k = 0; k < count && !in->kb; k++) {
            node_priv *n = g->nodes[nodes[k]];
            const char *id = (n->pub.manifest &&
                              n->pub.manifest->kind == MUM_MANIFEST_PACKAGE)
                                 ? n->pub.manifest->package.identifier : NULL;
            if (id && (id[0] == 'K' || id[0] == 'k') && (id[1] == 'B' || id[1] == 'b') && id[2]) {
                if (!(in->kb = mum__strdup(id + 2)))
                    return MUM_ENOMEM;
            }
        }
        in->pub.kb = in->kb;
    }
    return MUM_OK;
}

/*
 * Resolution of one input on two threads (one with MUM_WALK_SINGLE_THREAD,
 * or when no thread can be had): the identity maps and the path maps are
 * filled side by side, then each thread resolves half of the nodes.  A
 * node's edges are its own; what they give other nodes (in_count,
 * catalog_of) is counted afterwards, in node order.
 */
typedef struct resolve_half {
    mum_graph *g;
    resolver *r;
    size_t input;
    int half;                   /* 0 or 1 */
    pthread_barrier_t *maps_done;
    int rc;
} resolve_half;

static void resolve_half_run(resolve_half *h, bool both_maps)
{
    mum_graph *g = h->g;
    h->rc = index_input(g, h->r, h->half == 1);
    if (both_maps && h->rc == MUM_OK)
        h->rc = index_input(g, h->r, true);
    if (h->maps_done)
        pthread_barrier_wait(h->maps_done); /* the other half's maps are complete after it */
    if (h->rc != MUM_OK)
        return;
    size_t count = h->r->count;
    size_t from = both_maps ? 0 : h->half * (count / 2), to = both_maps || h->half ? count : count / 2;
    for (size_t k = from; k < to && h->rc == MUM_OK; k++)
        h->rc = resolve_node(h->r, g->nodes[h->r->nodes[k]]);
}

static void resolve_half_main(void *arg)
{
    resolve_half_run(arg, false);
}

/* Below this many nodes an input is resolved on one thread: handing half
 * of a small package to a worker and meeting it at a barrier cost more than
 * the work (a few microseconds of it, against two thread wake-ups). */
#define RESOLVE_TWO_THREADS_MIN 256
static _Atomic bool threads_always;

bool mum__graph_threads_always(bool always)
{
    return atomic_exchange(&threads_always, always);
}

bool mum__graph_threads_forced(void)
{
    return atomic_load(&threads_always);
}

/* Resolves one input: its nodes are nodes[0..count), indexes into g's in
 * node order. */
static int resolve_input(mum_graph *g, size_t input, const size_t *nodes, size_t count, bool one_thread)
{
    resolver r;
    memset(&r, 0, sizeof r);
    r.g = g;
    r.nodes = nodes;
    r.count = count;
    pthread_barrier_t barrier;
    mum__pool *pool = NULL;
    mum__pool_task half;
    resolve_half h[2] = {{g, &r, input, 0, NULL, MUM_OK}, {g, &r, input, 1, NULL, MUM_OK}};
    /* a started task, not a queued job: the halves meet at the barrier */
    bool two = !one_thread && (r.count >= RESOLVE_TWO_THREADS_MIN || mum__graph_threads_forced()) &&
               mum__pool_acquire(&pool) == MUM_OK;
    if (two && pthread_barrier_init(&barrier, NULL, 2) != 0)
        two = false;
    if (two) {
        h[0].maps_done = h[1].maps_done = &barrier;
        if (!mum__pool_start(pool, resolve_half_main, &h[1], &half)) {
            pthread_barrier_destroy(&barrier);
            h[0].maps_done = h[1].maps_done = NULL;
            two = false;
        }
    }
    resolve_half_run(&h[0], !two);
    if (two) {
        mum__pool_finish(&half);
        pthread_barrier_destroy(&barrier);
    }
    mum__pool_release(pool);
    resolver_free(&r);
    int rc = h[0].rc != MUM_OK ? h[0].rc : h[1].rc;
    for (size_t j = 0; j < r.count && rc == MUM_OK; j++) {
        node_priv *n = g->nodes[r.nodes[j]];
        for (size_t k = 0; k < n->pub.edge_count; k++) {
            const mum_edge *e = &n->pub.edges[k];
            if (!e->to)
                continue;
            node_priv *to = g->nodes[e->to->index];
            to->pub.in_count++;
            if (e->kind == MUM_EDGE_CATALOG)
                mum__node_cat(to)->catalog_of = &n->pub;
            else if (e->kind == MUM_EDGE_FILE && to->pub.kind == MUM_NODE_CATALOG)
                mum__node_cat(to)->payload_of = &n->pub;
        }
    }
    if (rc == MUM_OK)
        rc = set_platform(g, input, r.nodes, r.count);
    return rc;
}

int mum__graph_resolve(mum_graph *g, bool one_thread)
{
    bool all = true;
    for (size_t input = 0; input < g->ninputs && all; input++)
        all = g->inputs[input].resolved;
    if (all) /* every input resolved where it was read */
        return MUM_OK;
    /* each input's nodes alone: walking every node for each input was
     * quadratic in a call over many packages */
    mum__by_input by = mum__graph_by_input(g);
    if (!by.first)
        return MUM_ENOMEM;
    int rc = MUM_OK;
    for (size_t input = 0; input < g->ninputs && rc == MUM_OK; input++)
        if (!g->inputs[input].resolved)
            rc = resolve_input(g, input, by.order + by.first[input], by.first[input + 1] - by.first[input],
                               one_thread);
    mum__free(by.first);
    return rc;
}

/*
 * An input's resolution reads and writes its own nodes alone (its maps,
 * edges as pointers, in_count, catalog_of, payload_of, its platform), so
 * the shard job that read it resolves it too, on its worker, instead of the
 * caller after every input is read: over 1 000 small packages that was the
 * caller alone for a few milliseconds (key hashing and look-ups) with both
 * workers idle.  The edges point at nodes, which keep their addresses when
 * the shard is merged.
 */
int mum__graph_resolve_shard(mum_graph *s, size_t first, size_t count)
{
    /* read in order, a shard's nodes are its inputs' one input after another */
    size_t in = first;
    for (size_t k = 0; k < s->nnodes; k++) {
        size_t of = s->nodes[k]->pub.input;
        if (of < in || of >= first + count)
            return MUM_OK;
        in = of;
    }
    size_t *order = mum__malloc((s->nnodes ? s->nnodes : 1) * sizeof *order);
    if (!order)
        return MUM_ENOMEM;
    for (size_t k = 0; k < s->nnodes; k++)
        order[k] = k;
    int rc = MUM_OK;
    size_t k = 0;
    for (in = first; in < first + count && rc == MUM_OK; in++) {
        size_t from = k;
        while (k < s->nnodes && s->nodes[k]->pub.input == in)
            k++;
        rc = resolve_input(s, in, order + from, k - from, true);
        s->inputs[in].resolved = rc == MUM_OK;
    }
    mum__free(order);
    return rc;
}
