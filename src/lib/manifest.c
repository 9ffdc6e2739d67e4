/*
 * manifest.c - the .mum / .manifest parser: callbacks of the hardened XML
 * reader dispatched through a small state table into the model of
 * mum/manifest.h.  The checks are in manifest_check.c.
 *
 * Speed matters (every manifest of a package goes through here): strings go
 * to an arena, records to vectors, nothing the model does not keep is
 * allocated, and an element is matched only against the few names its
 * parent allows.  Subtrees that are not modelled are skipped with a counter,
 * so input-controlled depth never grows a stack.
 */
#include "config.h"

#include "manifest_store.h"
#include "xml.h"

#include <mum/delta.h>

#include <string.h>

/* ---- storage ---- */

static char *arena_alloc(mum_manifest_store *s, size_t n)
{
    mum_arena_chunk *c = s->chunks;
    if (!c || c->cap - c->used < n) {
        size_t cap = c ? c->cap * 2 : MUM_MANIFEST_FIRST_CHUNK;
        if (cap > 65536)
            cap = 65536;
        if (cap < n)
            cap = n;
        if (cap > SIZE_MAX - sizeof *c)
            return NULL;
        mum_arena_chunk *nc = mum__malloc(sizeof *nc + cap);
        if (!nc)
            return NULL;
        nc->cap = cap;
        nc->used = 0;
        nc->next = c;
        s->chunks = c = nc;
    }
    char *p = c->data + c->used;
    c->used += n;
    return p;
}

/* A renewed parser's first work chunk, and the largest it keeps. */
enum { WORK_CHUNK_FIRST = 4096 - sizeof(mum_arena_chunk) - 16, WORK_CHUNK_MAX = 65536 };

/* A first chunk of cap bytes for an empty arena; false: out of memory. */
static bool arena_reserve(mum_manifest_store *s, size_t cap)
{
    mum_arena_chunk *nc = mum__malloc(sizeof *nc + cap);
    if (!nc)
        return false;
    nc->cap = cap;
    nc->used = 0;
    nc->next = s->chunks;
    s->chunks = nc;
    return true;
}

static void work_chunks_free(mum_arena_chunk *c)
{
    for (mum_arena_chunk *next; c; c = next) {
        next = c->next;
        mum__free(c);
    }
}

static char *arena_strndup(mum_manifest_store *s, const char *text, size_t n)
{
    if (n == SIZE_MAX)
        return NULL;
    char *p = arena_alloc(s, n + 1);
    if (p) {
        if (n) /* text may be NULL then */
            memcpy(p, text, n);
        p[n] = '\0';
    }
    return p;
}

static char *arena_strdup(mum_manifest_store *s, const char *text)
{
    return arena_strndup(s, text, strlen(text));
}

static void *vec_push(mum_vec *v, size_t size)
{
    if (!mum__grow(&v->items, &v->cap, v->count + 1, size))
        return NULL;
    void *p = (char *)v->items + v->count * size;
    memset(p, 0, size);
    v->count++;
    return p;
}

/* ---- the state table ---- */

/* What the parser is inside of. */
typedef enum state {
    S_DOC,
    S_ASSEMBLY,
    S_EMPTY,        /* a modelled element with no modelled children */
    S_PACKAGE,
    S_PARENT,
    S_UPDATE,
    S_APPLICABLE,
    S_TARGET,       /* component, package, driver, updateComponent, updateDriver */
    S_DEPENDENCY,
    S_DEPENDENT,
    S_FILE,
    S_HASH,
    S_TRANSFORMS,
    S_DIGEST,       /* DigestValue: collects text */
    S_REGKEYS,
    S_REGKEY,
    S_SKIP,         /* a subtree that is not modelled */
    S__COUNT
} state;

typedef enum ns_id { NS_NONE, NS_V3, NS_V2, NS_DSIG, NS_OTHER } ns_id;

typedef enum action {
    A_NONE,
    A_ASSEMBLY,
    A_IDENTITY,
    A_DEPLOYMENT,
    A_PACKAGE,
    A_PARENT,
    A_PARENT_ID,
    A_INSTALLER,
    A_UPDATE,
    A_APPLICABLE,
    A_APPL_COMPONENT,
    A_APPL_DRIVER,
    A_ITEM_COMPONENT,
    A_ITEM_PACKAGE,
    A_ITEM_DRIVER,
    A_TARGET_ID,
    A_EXTENDED,
    A_DEPENDENCY,
    A_DEPENDENT,
    A_DEPENDENT_ID,
    A_FILE,
    A_HASH,
    A_TRANSFORMS,
    A_TRANSFORM,
    A_DIGEST_METHOD,
    A_DIGEST_VALUE,
    A_REGKEYS,
    A_REGKEY,
    A_REGVALUE
} action;

typedef struct elem {
    const char *name;
    uint8_t ns;     /* ns_id */
    uint8_t act;    /* action */
    uint8_t next;   /* the state inside it */
} elem;

static const elem in_doc[] = {
    {"assembly", NS_V3, A_ASSEMBLY, S_ASSEMBLY},
};
static const elem in_assembly[] = {
    {"assemblyIdentity", NS_V3, A_IDENTITY, S_EMPTY},
    {"file", NS_V3, A_FILE, S_FILE},
    {"dependency", NS_V3, A_DEPENDENCY, S_DEPENDENCY},
    {"registryKeys", NS_V3, A_REGKEYS, S_REGKEYS},
    {"deployment", NS_V3, A_DEPLOYMENT, S_EMPTY},
    {"package", NS_V3, A_PACKAGE, S_PACKAGE},
};
static const elem in_package[] = {
    {"update", NS_V3, A_UPDATE, S_UPDATE},
    {"parent", NS_V3, A_PARENT, S_PARENT},
    {"installerAssembly", NS_V3, A_INSTALLER, S_EMPTY},
    {"packageExtended", NS_V3, A_EXTENDED, S_EMPTY},
};
static const elem in_parent[] = {
    {"assemblyIdentity", NS_V3, A_PARENT_ID, S_EMPTY},
};
static const elem in_update[] = {
    {"component", NS_V3, A_ITEM_COMPONENT, S_TARGET},
    {"applicable", NS_V3, A_APPLICABLE, S_APPLICABLE},
    {"package", NS_V3, A_ITEM_PACKAGE, S_TARGET},
    {"driver", NS_V3, A_ITEM_DRIVER, S_TARGET},
};
static const elem in_applicable[] = {
    {"updateComponent", NS_V3, A_APPL_COMPONENT, S_TARGET},
    {"updateDriver", NS_V3, A_APPL_DRIVER, S_TARGET},
};
static const elem in_target[] = {
    {"assemblyIdentity", NS_V3, A_TARGET_ID, S_EMPTY},
};
static const elem in_dependency[] = {
    {"dependentAssembly", NS_V3, A_DEPENDENT, S_DEPENDENT},
};
static const elem in_dependent[] = {
    {"assemblyIdentity", NS_V3, A_DEPENDENT_ID, S_EMPTY},
};
static const elem in_file[] = {
    {"hash", NS_V2, A_HASH, S_HASH},
};
static const elem in_hash[] = {
    {"DigestValue", NS_DSIG, A_DIGEST_VALUE, S_DIGEST},
    {"DigestMethod", NS_DSIG, A_DIGEST_METHOD, S_EMPTY},
    {"Transforms", NS_DSIG, A_TRANSFORMS, S_TRANSFORMS},
};
static const elem in_transforms[] = {
    {"Transform", NS_DSIG, A_TRANSFORM, S_EMPTY},
};
static const elem in_regkeys[] = {
    {"registryKey", NS_V3, A_REGKEY, S_REGKEY},
};
static const elem in_regkey[] = {
    {"registryValue", NS_V3, A_REGVALUE, S_EMPTY},
};

static const struct {
    const elem *elems;
    size_t count;
} table[S__COUNT] = {
#define ROW(s, a) [s] = {a, MUM_ARRAY_LEN(a)}
    ROW(S_DOC, in_doc),
    ROW(S_ASSEMBLY, in_assembly),
    ROW(S_PACKAGE, in_package),
    ROW(S_PARENT, in_parent),
    ROW(S_UPDATE, in_update),
    ROW(S_APPLICABLE, in_applicable),
    ROW(S_TARGET, in_target),
    ROW(S_DEPENDENCY, in_dependency),
    ROW(S_DEPENDENT, in_dependent),
    ROW(S_FILE, in_file),
    ROW(S_HASH, in_hash),
    ROW(S_TRANSFORMS, in_transforms),
    ROW(S_REGKEYS, in_regkeys),
    ROW(S_REGKEY, in_regkey),
#undef ROW
};

/*
 * asm.v3 elements that belong to the vocabulary but are not modelled: the
 * sections of the real manifests (and DOMAIN.md section 4) we keep by name.
 */
static const char *const known_elements[] = {
    "trustInfo",        "memberships",     "categoryMembership", "localization",
    "migration",        "configuration",   "taskScheduler",      "unattendActions",
    "instrumentation",  "securityDescriptor", "infFile",         "directories",
    "genericCommands",  "networkComponents", "categoryInstance", "customInformation",
    "declareCapability",
};

static ns_id classify_ns(const char *ns)
{
    if (!ns)
        return NS_NONE;
    if (strcmp(ns, MUM_NS_ASM_V3) == 0)
        return NS_V3;
    if (strcmp(ns, MUM_NS_XMLDSIG) == 0)
        return NS_DSIG;
    if (strcmp(ns, MUM_NS_ASM_V2) == 0)
        return NS_V2;
    return NS_OTHER;
}

/* ---- the parser ---- */

enum { STACK_MAX = 16 }; /* the modelled structure is at most 8 deep */

typedef struct frame {
    uint8_t state;
    uint8_t act;
    const char *name;      /* static: the modelled element's name */
} frame;

enum { SEEN_SLOTS = 128 };

struct mum_manifest_parser {
    mum_ctx *ctx;
    mum_xml *xml;
    mum_manifest *m;              /* being built; handed over by finish */
    mum_manifest_store *s;        /* m's: its strings */
    mum_manifest_build *b;        /* the records: in s (a model of its own) or below */
    mum_manifest_build build;     /* a renewed parser's records, copied into the model's
                                   * block at the end; kept for the next document */
    /* A renewed parser reads into a model of its own (work, its strings in
     * work_store's chunks, kept from document to document) and finish
     * copies it into one block of exactly its size: a graph keeps tens of
     * thousands of models, and any room left in them is memory touched. */
    bool one_block;
    bool lend_entry;              /* the model's entry is left NULL for the caller's copy */
    mum_manifest work;
    mum_manifest_store work_store;
    mum__intern *strings;         /* repeated values come from here (NULL: none) */
    uint64_t strings_id;          /* its mum__intern_id */
    mum_findings *findings;
    unsigned flags;
    const char *file_name;        /* in this block, or NULL */
    uint32_t max_items;
    size_t items;                 /* records made so far */
    int status;                   /* sticky failure */
    bool finished;

    frame stack[STACK_MAX];
    unsigned sp;                  /* frames in use */
    uint32_t skip_depth;          /* elements open inside the S_SKIP frame */

    /* the record the current element fills (indices: vectors move) */
    size_t cur_parent, cur_update, cur_target, cur_dep, cur_file, cur_regkey;
    bool cur_target_applicable;
    /* the open <dependency> */
    const char *dep_discoverable, *dep_resource_type;
    mum_manifest_pos dep_pos;
    size_t dep_dependents;
    mum_sbuf digest;              /* the text of the open DigestValue */

    /* Chunks are held back until HOLD_MAX bytes have come, so a manifest
     * (almost always smaller) reaches expat in one final call: a document
     * that spans calls costs expat an extra pass over it to keep positions. */
    unsigned char *hold;
    size_t hold_len, hold_cap;    /* grown to what comes, up to HOLD_MAX */
    bool streaming;               /* past HOLD_MAX: chunks go straight through */

    /* DCM manifests (with a base manifest only): held whole, up to
     * MUM_MANIFEST_MAX_DCM, and expanded by finish */
    const void *base;
    size_t base_size;
    uint64_t max_size;            /* of the XML document, hence of an expanded DCM */
    enum { DCM_UNKNOWN, DCM_NO, DCM_YES } dcm;

    size_t alloc_size;            /* of this block, names included: a renewed
                                   * parser takes its spent one's when it fits */
    char names[];                 /* input, entry and file name copies */
};

enum { HOLD_MAX = 64 * 1024 };

static int nomem(mum_manifest_parser *p)
{
    return mum__xml_fail(p->xml, MUM_ENOMEM, "out of memory");
}

static mum_manifest_pos here(mum_manifest_parser *p)
{
    mum_location loc = mum__xml_location(p->xml);
    return (mum_manifest_pos){loc.line, loc.column};
}

/* A new record in v, counted against the item limit. */
static void *record(mum_manifest_parser *p, mum_vec *v, size_t size)
{
    if (++p->items > p->max_items) {
        mum__xml_fail(p->xml, MUM_ELIMIT, "more than %u records (files, updates, identities, ...)",
                      (unsigned)p->max_items);
        return NULL;
    }
    void *r = vec_push(v, size);
    if (!r)
        nomem(p);
    return r;
}

static int note(mum_manifest_parser *p, mum_rule_id rule, const char *element, const char *parent)
{
    mum_manifest_note *n = record(p, &p->b->notes, sizeof *n);
    if (!n)
        return MUM_ENOMEM; /* the reader keeps the reason record() gave */
    n->rule = rule;
    n->element = element;
    n->parent = parent;
    n->pos = here(p);
    return MUM_OK;
}

/* Attribute maps: unprefixed attribute name -> offset of a const char * field. */
typedef struct attr_map {
    const char *name;
    size_t off;
    bool shared; /* a value that repeats across manifests: interned */
    /* offset + 1 of a field read before it that mostly holds the same
     * value (a file's sourceName is its name): then that copy is kept
     * (0: none) */
    size_t same_as;
} attr_map;

/*
 * Values of one set of strings met lately on this thread, by a cheap hash
 * of their bytes: most repeat in every manifest (versions, architectures,
 * keys, types), and the set's own lookup takes its lock and hashes the
 * whole text.  Kept from input to input (a parser lasts one input, and
 * its first manifest would meet them all again), for one set at a time:
 * `set` is its id, so the strings of a set freed meanwhile, or of another
 * graph's set, are never given out.
 */
typedef struct seen_values {
    uint64_t set;
    const char *slot[SEEN_SLOTS];
} seen_values;
static _Thread_local seen_values seen;

/* A value that many manifests repeat: from the parser's set of strings
 * when it has one, else the model's arena. */
static const char *shared_strdup(mum_manifest_parser *p, const char *text)
{
    if (!p->strings)
        return arena_strdup(p->s, text);
    seen_values *c = &seen; /* one look-up of the thread's copy */
    if (c->set != p->strings_id) {
        memset(c->slot, 0, sizeof c->slot);
        c->set = p->strings_id;
    }
    /* the first and last eight bytes (all of a shorter one): values that
     * differ in one digit of a version are common */
    size_t n = strlen(text);
    uint64_t head = 0, tail = 0;
    memcpy(&head, text, n < 8 ? n : 8);
    if (n > 8)
        memcpy(&tail, text + n - 8, 8);
    uint64_t mix = (head * 0x9e3779b97f4a7c15u) ^ (tail * 0xc2b2ae3d27d4eb4fu) ^ n;
    unsigned h = (unsigned)((mix * 0x9e3779b97f4a7c15u) >> 57) & (SEEN_SLOTS - 1);
    const char *have = c->slot[h];
    if (have && strcmp(have, text) == 0)
        return have;
    if ((have = mum__intern_str(p->strings, text)) != NULL)
        c->slot[h] = have;
    return have;
}

static int take_attrs(mum_manifest_parser *p, void *base, const attr_map *map, size_t nmap,
                      const mum_xml_attr *attrs, size_t nattrs)
{
    for (size_t i = 0; i < nattrs; i++) {
        if (attrs[i].ns)
            continue;
        const char *an = attrs[i].name;
        for (size_t k = 0; k < nmap; k++) {
            if (map[k].name[0] == an[0] && strcmp(map[k].name, an) == 0) {
                const char *same = map[k].same_as ? *(const char **)((char *)base + map[k].same_as - 1)
                                                  : NULL;
                const char *v = map[k].shared ? shared_strdup(p, attrs[i].value)
                                : same && strcmp(same, attrs[i].value) == 0 ? same
                                                                            : arena_strdup(p->s, attrs[i].value);
                if (!v)
                    return nomem(p);
                *(const char **)((char *)base + map[k].off) = v;
                break;
            }
        }
    }
    return MUM_OK;
}

#define TAKE(p, base, map, a, n) take_attrs(p, base, map, MUM_ARRAY_LEN(map), a, n)

static const attr_map identity_attrs[] = {
    {"name", offsetof(mum_identity, name), false, 0},
    {"version", offsetof(mum_identity, version), true, 0},
    {"processorArchitecture", offsetof(mum_identity, arch), true, 0},
    {"language", offsetof(mum_identity, language), true, 0},
    {"publicKeyToken", offsetof(mum_identity, public_key_token), true, 0},
    {"buildType", offsetof(mum_identity, build_type), true, 0},
    {"versionScope", offsetof(mum_identity, version_scope), true, 0},
    {"type", offsetof(mum_identity, type), true, 0},
};

/* Fills an identity from attributes, decoding as mum_identity_set does. */
static int take_identity(mum_manifest_parser *p, mum_identity *id, const mum_xml_attr *a, size_t n)
{
    int rc = TAKE(p, id, identity_attrs, a, n);
    if (rc != MUM_OK)
        return rc;
    id->ver_ok = id->version && mum_version_parse(&id->ver, id->version) == MUM_OK;
    if (!id->ver_ok)
        memset(&id->ver, 0, sizeof id->ver);
    id->arch_id = mum_arch_parse(id->arch);
    size_t tlen = 0;
    id->token_ok = id->public_key_token && strlen(id->public_key_token) == 16 &&
                   mum_hex_decode(id->token, sizeof id->token, &tlen, id->public_key_token, 16) ==
                       MUM_OK &&
                   tlen == 8;
    if (!id->token_ok)
        memset(id->token, 0, sizeof id->token);
    return MUM_OK;
}

static int take_ref(mum_manifest_parser *p, mum_manifest_ref *ref, const mum_xml_attr *a, size_t n)
{
    ref->pos = here(p);
    return take_identity(p, &ref->id, a, n);
}

static const attr_map assembly_attrs[] = {
    {"manifestVersion", offsetof(mum_manifest, manifest_version), true, 0},
    {"description", offsetof(mum_manifest, description), true, 0},
    {"displayName", offsetof(mum_manifest, display_name), true, 0},
    {"company", offsetof(mum_manifest, company), true, 0},
    {"copyright", offsetof(mum_manifest, copyright), true, 0},
    {"supportInformation", offsetof(mum_manifest, support_information), true, 0},
    {"creationTimeStamp", offsetof(mum_manifest, creation_time_stamp), true, 0},
    {"lastUpdateTimeStamp", offsetof(mum_manifest, last_update_time_stamp), true, 0},
};
static const attr_map package_attrs[] = {
    {"identifier", offsetof(mum_manifest_package, identifier), false, 0},
    {"releaseType", offsetof(mum_manifest_package, release_type), true, 0},
    {"restart", offsetof(mum_manifest_package, restart), true, 0},
    {"applicabilityEvaluation", offsetof(mum_manifest_package, applicability_evaluation), true, 0},
};
static const attr_map extended_attrs[] = {
    {"completelyOfflineCapable", offsetof(mum_manifest_package, completely_offline_capable), true, 0},
    {"packageSize", offsetof(mum_manifest_package, package_size), false, 0},
};
static const attr_map parent_attrs[] = {
    {"buildCompare", offsetof(mum_manifest_parent, build_compare), true, 0},
    {"serviceCompare", offsetof(mum_manifest_parent, service_compare), true, 0},
    {"revisionCompare", offsetof(mum_manifest_parent, revision_compare), true, 0},
    {"integrate", offsetof(mum_manifest_parent, integrate), true, 0},
    {"disposition", offsetof(mum_manifest_parent, disposition), true, 0},
};
static const attr_map update_attrs[] = {
    {"name", offsetof(mum_manifest_update, name), false, 0},
};
static const attr_map applicable_attrs[] = {
    {"disposition", offsetof(mum_manifest_update, applicable_disposition), true, 0},
};
static const attr_map target_attrs[] = {
    {"integrate", offsetof(mum_manifest_target, integrate), true, 0},
    {"inf", offsetof(mum_manifest_target, inf), false, 0},
    {"ranking", offsetof(mum_manifest_target, ranking), true, 0},
    {"elevate", offsetof(mum_manifest_target, elevate), true, 0},
};
static const attr_map dependent_attrs[] = {
    {"dependencyType", offsetof(mum_manifest_dependency, dependency_type), true, 0},
};
static const attr_map file_attrs[] = {
    {"name", offsetof(mum_manifest_file, name), false, 0},
    {"sourceName", offsetof(mum_manifest_file, source_name), false, offsetof(mum_manifest_file, name) + 1},
    {"sourcePath", offsetof(mum_manifest_file, source_path), true, 0},
    {"destinationPath", offsetof(mum_manifest_file, destination_path), true, 0},
    {"importPath", offsetof(mum_manifest_file, import_path), true, 0},
};
static const attr_map regkey_attrs[] = {
    {"keyName", offsetof(mum_manifest_registry_key, key_name), false, 0},
    {"owner", offsetof(mum_manifest_registry_key, owner), true, 0},
};
static const attr_map regvalue_attrs[] = {
    {"name", offsetof(mum_manifest_registry_value, name), false, 0},
    {"valueType", offsetof(mum_manifest_registry_value, value_type), true, 0},
    {"value", offsetof(mum_manifest_registry_value, value), false, 0},
    {"operationHint", offsetof(mum_manifest_registry_value, operation_hint), true, 0},
    {"owner", offsetof(mum_manifest_registry_value, owner), true, 0},
};

/* The value of an unprefixed attribute, or NULL. */
static const char *attr_value(const mum_xml_attr *a, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (!a[i].ns && strcmp(a[i].name, name) == 0)
            return a[i].value;
    return NULL;
}

/* ---- elements kept by name ---- */

static uint32_t name_hash(const char *ns, const char *name)
{
    uint32_t h = 2166136261u;
    for (const unsigned char *q = (const unsigned char *)name; *q; q++)
        h = (h ^ *q) * 16777619u;
    h = (h ^ 0xFF) * 16777619u;
    if (ns)
        for (const unsigned char *q = (const unsigned char *)ns; *q; q++)
            h = (h ^ *q) * 16777619u;
    return h;
}

static bool same_ns(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

/* Counts an element that is not modelled, adding it on first sight. */
static int keep_element(mum_manifest_parser *p, const char *ns, const char *name,
                        mum_manifest_element_kind kind, const char *parent)
{
    mum_manifest_build *s = p->b;
    if (s->element_index_cap == 0 || (s->elements.count + 1) * 2 > s->element_index_cap) {
        if (s->elements.count >= MUM_MANIFEST_MAX_ELEMENTS) {
            /* look it up only; past the limit new names are counted, not kept */
        } else {
            size_t ncap = s->element_index_cap ? s->element_index_cap * 2 : 32;
            uint32_t *idx = mum__calloc(ncap, sizeof *idx);
            if (!idx)
                return nomem(p);
            const mum_manifest_element *els = s->elements.items;
            for (size_t i = 0; i < s->elements.count; i++) {
                size_t h = name_hash(els[i].ns, els[i].name) & (ncap - 1);
                while (idx[h])
                    h = (h + 1) & (ncap - 1);
                idx[h] = (uint32_t)i + 1;
            }
            mum__free(s->element_index);
            s->element_index = idx;
            s->element_index_cap = ncap;
        }
    }
    size_t mask = s->element_index_cap - 1;
    size_t h = name_hash(ns, name) & mask;
    mum_manifest_element *els = s->elements.items;
    for (; s->element_index[h]; h = (h + 1) & mask) {
        mum_manifest_element *e = &els[s->element_index[h] - 1];
        if (strcmp(e->name, name) == 0 && same_ns(e->ns, ns)) {
            if (e->count < UINT32_MAX)
                e->count++;
            return MUM_OK;
        }
    }
    if (s->elements.count >= MUM_MANIFEST_MAX_ELEMENTS) {
        s->elements_dropped++;
        return MUM_OK;
    }
    mum_manifest_element *e = vec_push(&s->elements, sizeof *e);
    if (!e)
        return nomem(p);
    e->name = shared_strdup(p, name);
    e->ns = ns ? shared_strdup(p, ns) : NULL;
    e->parent = parent;
    e->kind = kind;
    e->count = 1;
    e->pos = here(p);
    if (!e->name || (ns && !e->ns))
        return nomem(p);
    s->element_index[h] = (uint32_t)s->elements.count;
    return MUM_OK;
}

static mum_manifest_element_kind element_kind(ns_id ns, const char *name)
{
    if (ns == NS_OTHER)
        return MUM_ELEMENT_EXTENSION;
    if (ns == NS_V3)
        for (size_t i = 0; i < MUM_ARRAY_LEN(known_elements); i++)
            if (strcmp(name, known_elements[i]) == 0)
                return MUM_ELEMENT_KNOWN;
    return MUM_ELEMENT_UNKNOWN;
}

/* ---- callbacks ---- */

static int push(mum_manifest_parser *p, uint8_t st, uint8_t act, const char *name)
{
    if (p->sp >= STACK_MAX) /* cannot happen: the table nests 8 deep at most */
        return mum__xml_fail(p->xml, MUM_ELIMIT, "internal nesting limit");
    p->stack[p->sp++] = (frame){st, act, name};
    return MUM_OK;
}

static int skip(mum_manifest_parser *p)
{
    p->skip_depth = 0;
    return push(p, S_SKIP, A_NONE, NULL);
}

/* What start_action returns when it decided to skip the element. */
enum { SKIPPED = 1 };

/* A second copy of an element that may appear once: noted, then skipped. */
static int duplicate(mum_manifest_parser *p, const char *name, const char *parent)
{
    int rc = note(p, MUM_R_MANIFEST_DUPLICATE_ELEMENT, name, parent);
    if (rc == MUM_OK)
        rc = skip(p);
    return rc == MUM_OK ? SKIPPED : rc;
}

static int root_error(mum_manifest_parser *p, const char *ns, const char *name)
{
    if (strcmp(name, "assembly") == 0)
        return mum__xml_fail(p->xml, MUM_EFORMAT,
                             "the root element <assembly> is in namespace \"%s\"; a manifest's is "
                             "in \"" MUM_NS_ASM_V3 "\"",
                             ns ? ns : "(none)");
    return mum__xml_fail(p->xml, MUM_EFORMAT,
                         "the root element is <%s>%s%s%s; a manifest's is <assembly xmlns=\"" MUM_NS_ASM_V3
                         "\">",
                         name, ns ? " in namespace \"" : "", ns ? ns : "", ns ? "\"" : "");
}

static mum_manifest_target *target_at(mum_manifest_parser *p)
{
    mum_vec *v = p->cur_target_applicable ? &p->b->applicable : &p->b->items;
    return VEC_AT(*v, mum_manifest_target, p->cur_target);
}

static int new_target(mum_manifest_parser *p, bool applicable, mum_manifest_target_kind kind,
                      const mum_xml_attr *a, size_t n)
{
    mum_vec *v = applicable ? &p->b->applicable : &p->b->items;
    mum_manifest_target *t = record(p, v, sizeof *t);
    if (!t)
        return MUM_ENOMEM;
    mum_manifest_update *u = VEC_AT(p->b->updates, mum_manifest_update, p->cur_update);
    if (applicable)
        u->applicable_count++;
    else
        u->item_count++;
    p->cur_target = v->count - 1;
    p->cur_target_applicable = applicable;
    t->kind = kind;
    t->pos = here(p);
    return TAKE(p, t, target_attrs, a, n);
}

/* Runs the start action of a modelled element.  Returns MUM_OK, a failure,
 * or SKIPPED when the element turned out to be skipped (a duplicate).  A
 * failure to make a record returns MUM_ENOMEM; the reader reports the reason
 * record() gave it first. */
static int start_action(mum_manifest_parser *p, action act, const char *parent,
                        const mum_xml_attr *a, size_t n)
{
    mum_manifest *m = p->m;
    mum_manifest_build *s = p->b;
    switch (act) {
    case A_ASSEMBLY:
        m->pos = here(p);
        return TAKE(p, m, assembly_attrs, a, n);
    case A_IDENTITY:
        if (m->identity_count++ > 0)
            return duplicate(p, "assemblyIdentity", parent);
        m->has_identity = true;
        m->identity_pos = here(p);
        return take_identity(p, &m->identity, a, n);
    case A_DEPLOYMENT:
        if (m->has_deployment)
            return duplicate(p, "deployment", parent);
        m->has_deployment = true;
        m->deployment_pos = here(p);
        return MUM_OK;
    case A_PACKAGE:
        if (m->package_count++ > 0)
            return duplicate(p, "package", parent);
        m->has_package = true;
        m->package.pos = here(p);
        return TAKE(p, &m->package, package_attrs, a, n);
    case A_PARENT: {
        mum_manifest_parent *pa = record(p, &s->parents, sizeof *pa);
        if (!pa)
            return MUM_ENOMEM;
        p->cur_parent = s->parents.count - 1;
        pa->pos = here(p);
        return TAKE(p, pa, parent_attrs, a, n);
    }
    case A_PARENT_ID: {
        mum_manifest_ref *r = record(p, &s->parent_refs, sizeof *r);
        if (!r)
            return MUM_ENOMEM;
        VEC_AT(s->parents, mum_manifest_parent, p->cur_parent)->identity_count++;
        return take_ref(p, r, a, n);
    }
    case A_INSTALLER:
        if (m->package.has_installer)
            return duplicate(p, "installerAssembly", parent);
        m->package.has_installer = true;
        return take_ref(p, &m->package.installer, a, n);
    case A_EXTENDED:
        if (m->package.has_extended)
            return duplicate(p, "packageExtended", parent);
        m->package.has_extended = true;
        m->package.extended_pos = here(p);
        return TAKE(p, &m->package, extended_attrs, a, n);
    case A_UPDATE: {
        mum_manifest_update *u = record(p, &s->updates, sizeof *u);
        if (!u)
            return MUM_ENOMEM;
        p->cur_update = s->updates.count - 1;
        u->pos = here(p);
        return TAKE(p, u, update_attrs, a, n);
    }
    case A_APPLICABLE: {
        mum_manifest_update *u = VEC_AT(s->updates, mum_manifest_update, p->cur_update);
        if (u->has_applicable)
            return duplicate(p, "applicable", parent);
        u->has_applicable = true;
        return TAKE(p, u, applicable_attrs, a, n);
    }
    case A_APPL_COMPONENT: return new_target(p, true, MUM_TARGET_COMPONENT, a, n);
    case A_APPL_DRIVER: return new_target(p, true, MUM_TARGET_DRIVER, a, n);
    case A_ITEM_COMPONENT: return new_target(p, false, MUM_TARGET_COMPONENT, a, n);
    case A_ITEM_PACKAGE: return new_target(p, false, MUM_TARGET_PACKAGE, a, n);
    case A_ITEM_DRIVER: return new_target(p, false, MUM_TARGET_DRIVER, a, n);
    case A_TARGET_ID: {
        mum_manifest_target *t = target_at(p);
        if (t->has_identity)
            return duplicate(p, "assemblyIdentity", parent);
        t->has_identity = true;
        return take_ref(p, &t->ref, a, n);
    }
    case A_DEPENDENCY: {
        const char *d = attr_value(a, n, "discoverable");
        const char *r = attr_value(a, n, "resourceType");
        p->dep_discoverable = d ? shared_strdup(p, d) : NULL;
        p->dep_resource_type = r ? shared_strdup(p, r) : NULL;
        if ((d && !p->dep_discoverable) || (r && !p->dep_resource_type))
            return nomem(p);
        p->dep_pos = here(p);
        p->dep_dependents = 0;
        return MUM_OK;
    }
    case A_DEPENDENT: {
        mum_manifest_dependency *d = record(p, &s->deps, sizeof *d);
        if (!d)
            return MUM_ENOMEM;
        p->cur_dep = s->deps.count - 1;
        p->dep_dependents++;
        d->discoverable = p->dep_discoverable;
        d->resource_type = p->dep_resource_type;
        d->pos = p->dep_pos;
        return TAKE(p, d, dependent_attrs, a, n);
    }
    case A_DEPENDENT_ID: {
        mum_manifest_dependency *d = VEC_AT(s->deps, mum_manifest_dependency, p->cur_dep);
        if (d->has_identity)
            return duplicate(p, "assemblyIdentity", parent);
        d->has_identity = true;
        return take_ref(p, &d->ref, a, n);
    }
    case A_FILE: {
        mum_manifest_file *f = record(p, &s->files, sizeof *f);
        if (!f)
            return MUM_ENOMEM;
        p->cur_file = s->files.count - 1;
        f->pos = here(p);
        return TAKE(p, f, file_attrs, a, n);
    }
    case A_HASH: {
        mum_manifest_file *f = VEC_AT(s->files, mum_manifest_file, p->cur_file);
        if (f->has_hash)
            return duplicate(p, "hash", parent);
        f->has_hash = true;
        f->hash_pos = here(p);
        return MUM_OK;
    }
    case A_DIGEST_METHOD: {
        mum_manifest_file *f = VEC_AT(s->files, mum_manifest_file, p->cur_file);
        if (f->digest_method_count++ > 0)
            return MUM_OK; /* the first is kept; the check reports the count */
        const char *uri = attr_value(a, n, "Algorithm");
        if (uri) {
            if (!(f->digest_method = shared_strdup(p, uri)))
                return nomem(p);
            if (mum_manifest_digest_method(&f->digest_alg, uri) != MUM_OK)
                f->digest_alg = MUM_HASH_NONE;
        }
        return MUM_OK;
    }
    case A_DIGEST_VALUE: {
        mum_manifest_file *f = VEC_AT(s->files, mum_manifest_file, p->cur_file);
        if (f->digest_value_count++ > 0)
            return skip(p) == MUM_OK ? SKIPPED : MUM_ENOMEM;
        p->digest.len = 0;
        p->digest.failed = false;
        mum__xml_want_text(p->xml, true); /* the only text the model keeps */
        return MUM_OK;
    }
    case A_TRANSFORM: {
        mum_manifest_file *f = VEC_AT(s->files, mum_manifest_file, p->cur_file);
        const char *alg = attr_value(a, n, "Algorithm");
        if (!f->transform && alg && !(f->transform = shared_strdup(p, alg)))
            return nomem(p);
        return MUM_OK;
    }
    case A_REGKEY: {
        mum_manifest_registry_key *k = record(p, &s->regkeys, sizeof *k);
        if (!k)
            return MUM_ENOMEM;
        p->cur_regkey = s->regkeys.count - 1;
        k->pos = here(p);
        return TAKE(p, k, regkey_attrs, a, n);
    }
    case A_REGVALUE: {
        mum_manifest_registry_value *v = record(p, &s->regvalues, sizeof *v);
        if (!v)
            return MUM_ENOMEM;
        VEC_AT(s->regkeys, mum_manifest_registry_key, p->cur_regkey)->value_count++;
        v->pos = here(p);
        return TAKE(p, v, regvalue_attrs, a, n);
    }
    case A_TRANSFORMS:
    case A_REGKEYS:
    case A_NONE:
        return MUM_OK;
    }
    return MUM_OK;
}

static int on_start(void *ud, const char *ns, const char *name, const mum_xml_attr *a, size_t n)
{
    mum_manifest_parser *p = ud;
    if (p->sp && p->stack[p->sp - 1].state == S_SKIP) {
        p->skip_depth++;
        return MUM_OK;
    }
    const frame *top = p->sp ? &p->stack[p->sp - 1] : NULL;
    state st = top ? (state)top->state : S_DOC;
    ns_id nid = classify_ns(ns);
    const elem *row = table[st].elems;
    for (size_t i = 0; i < table[st].count; i++) {
        if (row[i].ns == nid && strcmp(row[i].name, name) == 0) {
            int rc = start_action(p, (action)row[i].act, top ? top->name : NULL, a, n);
            if (rc == SKIPPED)
                return MUM_OK;
            if (rc != MUM_OK)
                return rc;
            return push(p, row[i].next, row[i].act, row[i].name);
        }
    }
    if (st == S_DOC)
        return root_error(p, ns, name);
    int rc = keep_element(p, ns, name, element_kind(nid, name), top->name);
    return rc != MUM_OK ? rc : skip(p);
}

static int on_text(void *ud, const char *text, size_t len)
{
    mum_manifest_parser *p = ud;
    if (p->sp && p->stack[p->sp - 1].state == S_DIGEST) {
        mum__sbuf_append(&p->digest, text, len);
        if (p->digest.failed)
            return nomem(p);
    }
    return MUM_OK;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* </DigestValue>: keep the text and decode it. */
static int end_digest(mum_manifest_parser *p)
{
    mum__xml_want_text(p->xml, false);
    mum_manifest_file *f = VEC_AT(p->b->files, mum_manifest_file, p->cur_file);
    const char *t = p->digest.data ? p->digest.data : "";
    size_t len = p->digest.len;
    while (len && is_space(*t)) {
        t++;
        len--;
    }
    while (len && is_space(t[len - 1]))
        len--;
    if (!(f->digest_text = arena_strndup(p->s, t, len)))
        return nomem(p);
    size_t size = 0;
    if (mum_base64_decode(f->digest, sizeof f->digest, &size, t, len) != MUM_OK || size == 0)
        size = 0;
    f->digest_size = size;
    return MUM_OK;
}

static int on_end(void *ud, const char *ns, const char *name)
{
    MUM_UNUSED(ns);
    MUM_UNUSED(name);
    mum_manifest_parser *p = ud;
    frame *top = &p->stack[p->sp - 1];
    if (top->state == S_SKIP && p->skip_depth > 0) {
        p->skip_depth--;
        return MUM_OK;
    }
    p->sp--;
    switch ((action)top->act) {
    case A_DIGEST_VALUE:
        return end_digest(p);
    case A_HASH: {
        mum_manifest_file *f = VEC_AT(p->b->files, mum_manifest_file, p->cur_file);
        f->digest_ok = f->digest_size > 0 && f->digest_alg != MUM_HASH_NONE &&
                       f->digest_size == mum_hash_size(f->digest_alg) &&
                       f->digest_method_count == 1 && f->digest_value_count == 1;
        return MUM_OK;
    }
    case A_DEPENDENCY:
        if (p->dep_dependents == 0) {
            /* a <dependency> with no <dependentAssembly>: kept, for the check */
            mum_manifest_dependency *d = record(p, &p->b->deps, sizeof *d);
            if (!d)
                return MUM_ENOMEM;
            d->discoverable = p->dep_discoverable;
            d->resource_type = p->dep_resource_type;
            d->pos = p->dep_pos;
        }
        return MUM_OK;
    default:
        return MUM_OK;
    }
}

/* on_end knows the element from the stack: no names needed */
static const mum_xml_callbacks callbacks = {on_start, on_text, on_end, true};

/* ---- the API ---- */

/* Frees what a parser holds, but not its block. */
static void parser_release(mum_manifest_parser *p)
{
    mum__xml_free(p->xml);
    if (p->one_block)
        work_chunks_free(p->work_store.chunks);
    else
        mum_manifest_free(p->m);
    mum__manifest_build_clear(&p->build);
    mum__sbuf_free(&p->digest);
    mum__free(p->hold);
}

/* Whether s lies in p's block (the names copied there: not to be written over). */
static bool in_block(const mum_manifest_parser *p, const char *s)
{
    uintptr_t at = (uintptr_t)s, start = (uintptr_t)p;
    return s && at >= start && at < start + p->alloc_size;
}

/* A parser; `spent`, when not NULL, gives its XML reader and buffer, and
 * a renewed one its work arena and record vectors (and is freed whatever
 * happens); `one_block`: read into the parser's work model, copied by
 * finish into one block with its strings and arrays. */
static int parser_new(mum_manifest_parser **out, mum_ctx *ctx, const mum_location *loc,
                      const mum_manifest_options *opts, mum_manifest_parser *spent,
                      mum__intern *strings, bool one_block, bool lend_entry)
{
    static const mum_manifest_options defaults = MUM_MANIFEST_OPTIONS_INIT;
    *out = NULL;
    mum_xml *xml = spent ? spent->xml : NULL;
    unsigned char *hold = spent ? spent->hold : NULL;
    size_t hold_cap = spent ? spent->hold_cap : 0;
    /* a renewed parser's work arena and record vectors, emptied */
    mum_arena_chunk *chunks = NULL;
    mum_manifest_build build = {0};
    if (spent) {
        spent->xml = NULL;
        spent->hold = NULL;
        if (spent->one_block) {
            chunks = spent->work_store.chunks;
            spent->work_store.chunks = NULL;
            build = spent->build;
            memset(&spent->build, 0, sizeof spent->build);
            if (spent->m) /* a parse that did not finish left records */
                mum__manifest_build_empty(&build);
        }
        parser_release(spent); /* its block is the new parser's if it fits */
    }
    if (chunks) {
        /* the newest chunk is the largest: it alone is kept, unless a
         * long text made it larger than chunks grow */
        work_chunks_free(chunks->next);
        chunks->next = NULL;
        chunks->used = 0;
        if (chunks->cap > WORK_CHUNK_MAX) {
            work_chunks_free(chunks);
            chunks = NULL;
        }
    }
    int rc = MUM_OK;
    if (!opts)
        opts = &defaults;
    if (opts->version != MUM_MANIFEST_OPTIONS_VERSION) {
        rc = mum__error(ctx, MUM_EINVAL, NULL, "manifest options version %u (this library: %u)",
                        opts->version, MUM_MANIFEST_OPTIONS_VERSION);
        goto fail;
    }
    const char *input = loc ? loc->input : NULL;
    const char *entry = loc ? loc->entry : NULL;
    size_t lin = input ? strlen(input) + 1 : 0, len = entry ? strlen(entry) + 1 : 0;
    size_t lfn = opts->file_name ? strlen(opts->file_name) + 1 : 0;
    if (lin > SIZE_MAX / 4 || len > SIZE_MAX / 4 || lfn > SIZE_MAX / 4) {
        rc = mum__error(ctx, MUM_EINVAL, NULL, "location names too long");
        goto fail;
    }

    size_t need = sizeof(mum_manifest_parser) + lin + len + lfn;
    size_t alloc_size = need;
    mum_manifest_parser *p;
    if (spent && spent->alloc_size >= need && !in_block(spent, input) && !in_block(spent, entry) &&
        !in_block(spent, opts->file_name)) {
        p = spent; /* a manifest's names are as long as the last one's */
        alloc_size = spent->alloc_size;
    } else {
        mum__free(spent);
        /* a renewed parser's block with room for the next manifests'
         * names, most of them no longer than 170 bytes each */
        if (one_block && need < sizeof(mum_manifest_parser) + 512)
            alloc_size = sizeof(mum_manifest_parser) + 512;
        p = mum__malloc(alloc_size);
    }
    spent = NULL;
    if (!p) {
        rc = mum__nomem(ctx);
        goto fail;
    }
    memset(p, 0, sizeof *p);
    p->alloc_size = alloc_size;
    p->xml = xml; /* the parser owns them from here */
    p->hold = hold;
    p->hold_cap = hold_cap;
    p->one_block = one_block;
    p->lend_entry = lend_entry;
    p->work_store.chunks = chunks;
    p->build = build;
    xml = NULL;
    hold = NULL;
    chunks = NULL;
    memset(&build, 0, sizeof build);
    p->ctx = ctx;
    p->strings = strings;
    p->strings_id = strings ? mum__intern_id(strings) : 0;
    p->findings = opts->findings;
    p->flags = opts->flags;
    p->max_items = opts->max_items ? opts->max_items : (1u << 20);
    p->base = opts->base_manifest;
    p->base_size = opts->base_manifest_size;
    p->dcm = p->base ? DCM_UNKNOWN : DCM_NO;
    char *names = p->names;
    mum_location xloc = {0};
    if (input) {
        xloc.input = memcpy(names, input, lin);
        names += lin;
    }
    if (entry) {
        xloc.entry = memcpy(names, entry, len);
        names += len;
    }
    if (opts->file_name)
        p->file_name = memcpy(names, opts->file_name, lfn);

    /* the store belongs to the model from the start, so freeing the model
     * (a renewed parser's: its work arena) frees both whichever allocation
     * fails */
    if (one_block) {
        p->m = &p->work;
        p->s = p->work.store = &p->work_store;
        p->b = &p->build;
        if (!p->s->chunks && !arena_reserve(p->s, WORK_CHUNK_FIRST))
            goto nomem;
    } else {
        if (!(p->m = mum__manifest_new_alone()))
            goto nomem;
        p->s = p->m->store;
        p->b = p->s->build;
    }
    if ((input && !(p->m->input = shared_strdup(p, input))) ||
        (entry && !(p->m->entry = lend_entry ? xloc.entry : arena_strdup(p->s, entry))))
        goto nomem;

    mum_xml_limits lim = MUM_XML_LIMITS_DEFAULT;
    if (opts->max_depth)
        lim.max_depth = opts->max_depth;
    if (opts->max_attrs)
        lim.max_attrs = opts->max_attrs;
    if (opts->max_text)
        lim.max_text = opts->max_text;
    if (opts->max_size)
        lim.max_size = opts->max_size;
    p->max_size = lim.max_size;
    rc = p->xml ? mum__xml_renew(p->xml, ctx, &xloc, &callbacks, p, &lim)
                : mum__xml_new(&p->xml, ctx, &xloc, &callbacks, p, &lim);
    if (rc != MUM_OK) {
        mum_manifest_parser_free(p);
        return rc;
    }
    mum__xml_want_text(p->xml, false);
    *out = p;
    return MUM_OK;
nomem:
    mum_manifest_parser_free(p);
    return mum__nomem(ctx);
fail:
    mum__free(spent);
    mum__xml_free(xml);
    mum__free(hold);
    work_chunks_free(chunks);
    mum__manifest_build_clear(&build);
    return rc;
}

int mum_manifest_parser_new(mum_manifest_parser **out, mum_ctx *ctx, const mum_location *loc,
                            const mum_manifest_options *opts)
{
    if (!out)
        return mum__error(ctx, MUM_EINVAL, NULL, "mum_manifest_parser_new: no out parameter");
    return parser_new(out, ctx, loc, opts, NULL, NULL, false, false);
}

int mum__manifest_parser_renew(mum_manifest_parser **p, mum_ctx *ctx, const mum_location *loc,
                               const mum_manifest_options *opts, mum__intern *strings)
{
    /* the walk keeps thousands of these models: fewer allocations each */
    mum_manifest_parser *spent = *p;
    return parser_new(p, ctx, loc, opts, spent, strings, true, false);
}

int mum__manifest_parser_renew_lent(mum_manifest_parser **p, mum_ctx *ctx, const mum_location *loc,
                                    const mum_manifest_options *opts, mum__intern *strings)
{
    mum_manifest_parser *spent = *p;
    return parser_new(p, ctx, loc, opts, spent, strings, true, true);
}

void mum_manifest_parser_free(mum_manifest_parser *p)
{
    if (!p)
        return;
    parser_release(p);
    mum__free(p);
}

/* Appends to the held bytes, the buffer grown to at most `max`. */
static int hold_append(mum_manifest_parser *p, const void *data, size_t size, size_t max)
{
    if (p->hold_len + size > p->hold_cap) {
        /* a manifest is a few KiB: a 64 KiB buffer for each would cost
         * the allocator more than its copy costs */
        size_t cap = p->hold_cap ? p->hold_cap : 4096;
        while (cap < p->hold_len + size)
            cap *= 2;
        cap = cap < max ? cap : max;
        unsigned char *h = mum__realloc(p->hold, cap);
        if (!h)
            return p->status = mum__nomem(p->ctx);
        p->hold = h;
        p->hold_cap = cap;
    }
    memcpy(p->hold + p->hold_len, data, size);
    p->hold_len += size;
    return MUM_OK;
}

/* Decides whether the document is a DCM manifest once its first four
 * bytes (held ones, then data's) have come. */
static void spot_dcm(mum_manifest_parser *p, const unsigned char *data, size_t size)
{
    if (p->hold_len + size < 4)
        return;
    unsigned char head[4];
    size_t held = p->hold_len < 4 ? p->hold_len : 4;
    if (held)
        memcpy(head, p->hold, held);
    memcpy(head + held, data, 4 - held);
    p->dcm = mum_delta_is_dcm(head, 4) ? DCM_YES : DCM_NO;
}

/*
 * The delta module knows offsets but not the file: its failure is given
 * the manifest's input and entry (its reason and offset kept).
 */
static int dcm_failure(mum_manifest_parser *p, int rc)
{
    if (rc == MUM_ENOMEM)
        return mum__nomem(p->ctx);
    const mum_location *at = mum_ctx_location(p->ctx);
    mum_location loc = {.input = p->m->input, .entry = p->m->entry,
                        .has_offset = at->has_offset, .offset = at->offset};
    const char *why = mum_ctx_reason(p->ctx);
    char *reason = mum__strdup(*why ? why : mum_strerror(rc));
    if (!reason)
        return mum__nomem(p->ctx);
    mum__error(p->ctx, rc, &loc, "DCM manifest: %s", reason);
    mum__free(reason);
    return rc;
}

/* Expands a whole DCM manifest against the base and parses its XML. */
static int parse_dcm(mum_manifest_parser *p, const unsigned char *dcm, size_t size)
{
    /* the header first: a delta that would expand past the document's
     * limit is refused before its target is allocated */
    mum_delta_header h;
    int rc = mum_delta_header_read(&h, p->ctx, dcm + 4, size - 4);
    if (rc == MUM_OK && h.target_size > p->max_size) {
        mum_location loc = {.input = p->m->input, .entry = p->m->entry};
        return mum__error(p->ctx, MUM_ELIMIT, &loc,
                          "the DCM manifest expands to %llu bytes: the document is larger than "
                          "%llu bytes",
                          (unsigned long long)h.target_size, (unsigned long long)p->max_size);
    }
    mum_ctx_clear(p->ctx); /* a bad header is reported by the decoder, with its offset */
    uint8_t *xml = NULL;
    size_t n = 0;
    rc = mum_delta_dcm_decode(&xml, &n, p->ctx, p->base, p->base_size, dcm, size);
    if (rc != MUM_OK)
        return dcm_failure(p, rc);
    rc = mum__xml_feed_last(p->xml, n ? (const void *)xml : "", n);
    mum_free(xml);
    return rc;
}

int mum_manifest_parser_feed(mum_manifest_parser *p, const void *data, size_t size)
{
    if (!p)
        return MUM_EINVAL;
    if (p->status != MUM_OK)
        return p->status;
    if (p->finished)
        return mum__error(p->ctx, MUM_EINVAL, NULL, "mum_manifest_parser_feed after finish");
    if (size == 0)
        return MUM_OK;
    if (p->dcm == DCM_UNKNOWN)
        spot_dcm(p, data, size);
    if (p->dcm == DCM_YES) {
        /* a delta is expanded whole: held up to its own limit */
        if (size > MUM_MANIFEST_MAX_DCM - p->hold_len) {
            mum_location loc = {.input = p->m->input, .entry = p->m->entry, .has_offset = true,
                                .offset = MUM_MANIFEST_MAX_DCM};
            return p->status = mum__error(p->ctx, MUM_ELIMIT, &loc,
                                          "a DCM manifest larger than %zu bytes",
                                          (size_t)MUM_MANIFEST_MAX_DCM);
        }
        return hold_append(p, data, size, MUM_MANIFEST_MAX_DCM);
    }
    if (!p->streaming && size <= HOLD_MAX - p->hold_len)
        return hold_append(p, data, size, HOLD_MAX);
    int rc = MUM_OK;
    if (!p->streaming) {
        p->streaming = true;
        if (p->hold_len)
            rc = mum__xml_feed(p->xml, p->hold, p->hold_len);
        mum__free(p->hold);
        p->hold = NULL;
        p->hold_len = p->hold_cap = 0;
    }
    if (rc == MUM_OK)
        rc = mum__xml_feed(p->xml, data, size);
    if (rc != MUM_OK)
        p->status = rc;
    return rc;
}

int mum_manifest_parser_finish(mum_manifest **out, mum_manifest_parser *p)
{
    if (out)
        *out = NULL;
    if (!p || !out)
        return mum__error(p ? p->ctx : NULL, MUM_EINVAL, NULL,
                          "mum_manifest_parser_finish: no parser or no out parameter");
    if (p->status != MUM_OK)
        return p->status;
    if (p->finished)
        return mum__error(p->ctx, MUM_EINVAL, NULL, "mum_manifest_parser_finish called twice");
    int rc;
    if (p->dcm == DCM_YES) {
        rc = parse_dcm(p, p->hold, p->hold_len);
        if (p->hold_cap > HOLD_MAX) { /* a renewed parser keeps no delta-sized buffer */
            mum__free(p->hold);
            p->hold = NULL;
            p->hold_cap = 0;
        }
    } else {
        rc = p->streaming ? mum__xml_finish(p->xml)
                          : mum__xml_feed_last(p->xml, p->hold ? p->hold : (const void *)"",
                                               p->hold_len);
    }
    p->hold_len = 0; /* the buffer stays, for mum__manifest_parser_renew */
    if (rc != MUM_OK)
        return p->status = rc;
    p->finished = true;
    mum_manifest *m = p->m;
    if (p->one_block ? !(m = mum__manifest_compact(&p->work, p->b)) : !mum__manifest_link_model(m, p->b))
        return p->status = mum__nomem(p->ctx);
    if (p->findings) {
        rc = mum_manifest_check(m, p->file_name, p->flags, p->findings);
        if (rc != MUM_OK) {
            if (p->one_block) /* the parser's own is its work model */
                mum_manifest_free(m);
            return p->status = mum__error(p->ctx, rc, NULL, "%s", mum_strerror(rc));
        }
    }
    if (p->lend_entry) /* the parser's copy, until here */
        m->entry = NULL;
    p->m = NULL;
    *out = m;
    return MUM_OK;
}

int mum_manifest_parse(mum_manifest **out, mum_ctx *ctx, const mum_location *loc,
                       const mum_manifest_options *opts, const void *data, size_t size)
{
    if (out)
        *out = NULL;
    mum_manifest_parser *p;
    int rc = mum_manifest_parser_new(&p, ctx, loc, opts);
    if (rc != MUM_OK)
        return rc;
    /* the whole document at once: straight to the reader, no holding */
    p->streaming = true;
    if (p->dcm == DCM_UNKNOWN && size >= 4 && mum_delta_is_dcm(data, size))
        rc = parse_dcm(p, data, size);
    else
        rc = mum__xml_feed_last(p->xml, size ? data : (const void *)"", size);
    p->dcm = DCM_NO;
    if (rc == MUM_OK)
        rc = mum_manifest_parser_finish(out, p);
    else
        p->status = rc;
    mum_manifest_parser_free(p);
    return rc;
}
