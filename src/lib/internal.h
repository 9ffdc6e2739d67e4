/*
 * internal.h - what the library's modules share and the public API does
 * not show: allocation, error recording, the rule symbols, small strings.
 */
#ifndef MUM_INTERNAL_H
#define MUM_INTERNAL_H

#include <mum/mum.h>

#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define MUM_INTERNAL __attribute__((visibility("hidden")))
#define MUM_UNUSED(x) ((void)(x))
#define MUM_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
/* Returns a call's error from the calling function (int-returning, MUM_OK). */
#define CHECK(expr)                                                                                \
    do {                                                                                           \
        int rc_ = (expr);                                                                          \
        if (rc_ != MUM_OK)                                                                         \
            return rc_;                                                                            \
    } while (0)

/* ---- allocation (alloc.c) ---- */
MUM_INTERNAL void *mum__malloc(size_t size);
MUM_INTERNAL void *mum__calloc(size_t n, size_t size);
MUM_INTERNAL void *mum__realloc(void *ptr, size_t size);
/* The block at ptr made `size` bytes (not more than it has): never an
 * injected failure, since nothing depends on it; ptr when the allocator
 * cannot. */
MUM_INTERNAL void *mum__shrink(void *ptr, size_t size);
/* realloc of n * size with overflow check. */
MUM_INTERNAL void *mum__reallocarray(void *ptr, size_t n, size_t size);
MUM_INTERNAL void mum__free(void *ptr);
MUM_INTERNAL char *mum__strdup(const char *s);
MUM_INTERNAL char *mum__strndup(const char *s, size_t n);
MUM_INTERNAL char *mum__vasprintf(const char *fmt, va_list ap) MUM_PRINTF(1, 0);
MUM_INTERNAL char *mum__asprintf(const char *fmt, ...) MUM_PRINTF(1, 2);
/* Replaces *slot with a copy of value (NULL allowed).  False on ENOMEM. */
MUM_INTERNAL bool mum__replace_str(char **slot, const char *value);

/*
 * Test hook: make the n-th allocation from now on fail (1 = the next one);
 * 0 switches failure injection off.  Returns how many allocations were made
 * since the last call (none are counted before the first call).  Not
 * thread-safe; for tests and fuzzers only.
 */
MUM_INTERNAL unsigned long mum__alloc_fail_at(unsigned long n);

/* Growable array: grows *items (of elem_size) so index `need-1` fits. */
MUM_INTERNAL bool mum__grow(void **items, size_t *cap, size_t need, size_t elem_size);
/* The same, an empty array's first capacity being first (mum__grow: 8). */
MUM_INTERNAL bool mum__grow_from(void **items, size_t *cap, size_t need, size_t elem_size, size_t first);

/* ---- errors (context.c) ---- */
/*
 * Records a failure on ctx (which may be NULL) and returns `status`, so a
 * failing function can `return mum__error(ctx, MUM_EFORMAT, &loc, ...)`.
 * loc may be NULL.  MUM_ENOMEM is recorded without allocating.
 */
MUM_INTERNAL int mum__error(mum_ctx *ctx, int status, const mum_location *loc,
                            const char *fmt, ...) MUM_PRINTF(4, 5);
MUM_INTERNAL int mum__verror(mum_ctx *ctx, int status, const mum_location *loc,
                             const char *fmt, va_list ap) MUM_PRINTF(4, 0);
MUM_INTERNAL int mum__nomem(mum_ctx *ctx);

/* ---- rules and findings (rules.c, findings.c) ---- */
typedef enum mum_rule_id {
#define MUM_RULE(sym, id, sev, hr, summary) MUM_R_##sym,
#include "rules.def"
#undef MUM_RULE
    MUM_R__COUNT
} mum_rule_id;

MUM_INTERNAL const mum_rule *mum__rule(mum_rule_id r);
/* Appends a finding of a rule known at compile time.  Errors: MUM_ENOMEM. */
/* Adds a copy of every finding of `from` to `to` (NULL: none), in order.
 * Errors: MUM_ENOMEM. */
MUM_INTERNAL int mum__findings_relay(mum_findings *to, const mum_findings *from);
MUM_INTERNAL int mum__finding(mum_findings *list, mum_rule_id r, const mum_location *loc,
                              const char *fmt, ...) MUM_PRINTF(4, 5);

/* ---- text (text.c) ---- */
/*
 * Decodes one UTF-8 code point from s[*i..n); advances *i.  Returns the code
 * point, or -1 for an invalid or truncated sequence (overlongs, surrogates
 * and values above U+10FFFF are invalid).
 */
MUM_INTERNAL int32_t mum__utf8_next(const char *s, size_t n, size_t *i);
MUM_INTERNAL bool mum__utf8_valid(const char *s, size_t n);
/* Simple lower-case mapping used for identities (see mum_strcasecmp_utf8). */
MUM_INTERNAL uint32_t mum__ucs_tolower(uint32_t c);
/* Writes the UTF-8 of cp (at most 0x10FFFF) to out; returns 1 to 4. */
MUM_INTERNAL size_t mum__utf8_encode(uint32_t cp, char out[4]);
/* Inline: the lowering loops of keys and names call it for every byte. */
static inline int mum__ascii_tolower(int c)
{
    return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}
MUM_INTERNAL int mum__ascii_strcasecmp(const char *a, const char *b);
MUM_INTERNAL int mum__ascii_strncasecmp(const char *a, const char *b, size_t n);
MUM_INTERNAL bool mum__ascii_ends_with_ci(const char *s, const char *suffix);
/* Lower-cases ASCII letters in place (UTF-8 continuation bytes untouched)
 * and, for other code points, applies mum__ucs_tolower.  Returns a new
 * string or NULL on ENOMEM / invalid UTF-8 (*invalid set). */
MUM_INTERNAL char *mum__utf8_lower(const char *s, bool *invalid);
/* The n parts (part[i] of len[i] bytes) one after the other, lower-cased
 * as mum__utf8_lower does (left as they are when the whole is not UTF-8):
 * the keys of the package graph's maps, built without a format string.
 * NULL only when out of memory. */
MUM_INTERNAL char *mum__lower_concat(size_t n, const char *const *part, const size_t *len);
/*
 * The same key read where its parts are, never built: the bytes
 * mum__lower_concat would give (with '\\' read as '/' when `path`, as the
 * graph's path keys have it), hashed (the same bytes cut into other parts
 * hash alike) or compared.  The package graph's maps key tens of thousands
 * of nodes by identity and path: hashing and comparing a node's own fields
 * spares an allocated key a node.  Neither allocates.
 */
#define MUM_LOWER_KEY_PARTS 13
typedef struct mum_lower_key {
    size_t n;
    const char *part[MUM_LOWER_KEY_PARTS];
    size_t len[MUM_LOWER_KEY_PARTS];
    bool path;
} mum_lower_key;
MUM_INTERNAL uint64_t mum__lower_key_hash(const mum_lower_key *k);
/* Whether the two keys' bytes are the same (a->path says for both). */
MUM_INTERNAL bool mum__lower_key_equal(const mum_lower_key *a, const mum_lower_key *b);
/* Whether a .mum's file name is one of the fixed names of a top package
 * ("update.mum", "update-bf.mum", ...) rather than a package name (names.c). */
MUM_INTERNAL bool mum__package_alias(const char *name);
/* Whether two names or paths are the same for Windows: without regard to
 * case (as mum_strcasecmp_utf8) and with '\\' and '/' alike. */
MUM_INTERNAL bool mum__path_equal(const char *a, const char *b);
MUM_INTERNAL bool mum__is_hex_digit(int c);
MUM_INTERNAL int mum__hex_value(int c);

/* A growable string. */
typedef struct mum_sbuf {
    char *data;
    size_t len;
    size_t cap;
    bool failed; /* an append ran out of memory; data is still valid */
} mum_sbuf;
MUM_INTERNAL void mum__sbuf_append(mum_sbuf *b, const char *s, size_t n);
MUM_INTERNAL void mum__sbuf_puts(mum_sbuf *b, const char *s);
MUM_INTERNAL void mum__sbuf_putc(mum_sbuf *b, char c);
MUM_INTERNAL void mum__sbuf_printf(mum_sbuf *b, const char *fmt, ...) MUM_PRINTF(2, 3);
/* Hands over the string (NULL if any append failed) and resets b. */
MUM_INTERNAL char *mum__sbuf_take(mum_sbuf *b);
MUM_INTERNAL void mum__sbuf_free(mum_sbuf *b);

/* ---- little-endian fields of binary formats (cabinets, PA30) ---- */
static inline uint16_t mum__le16(const unsigned char *p)
{
    return (uint16_t)(p[0] | (uint16_t)p[1] << 8);
}
static inline uint32_t mum__le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline uint64_t mum__le64(const unsigned char *p)
{
    return (uint64_t)mum__le32(p) | (uint64_t)mum__le32(p + 4) << 32;
}
static inline void mum__put_le16(unsigned char *p, uint16_t x)
{
    p[0] = (unsigned char)x;
    p[1] = (unsigned char)(x >> 8);
}
static inline void mum__put_le32(unsigned char *p, uint32_t x)
{
    mum__put_le16(p, (uint16_t)x);
    mum__put_le16(p + 2, (uint16_t)(x >> 16));
}
static inline void mum__put_le64(unsigned char *p, uint64_t x)
{
    mum__put_le32(p, (uint32_t)x);
    mum__put_le32(p + 4, (uint32_t)(x >> 32));
}

/* ---- manifests (manifest.c) ---- */
struct mum__intern;
/* A parser for the next manifest in place of *p (NULL: none yet), a parser
 * done with its own: its XML reader and buffers are reused (and *p freed
 * whatever happens).  With `strings` (NULL: none), the values that repeat
 * across manifests (identities' versions, architectures, tokens...; the
 * input's path) are taken from that set instead of the model's own
 * storage: the set must outlive the model, and the parser (which keeps the
 * set's values it met lately while it is renewed on the same set pointer:
 * a set freed and another made at its address must not be given to a
 * parser renewed across that).  The model it gives is one
 * allocation with its store and first strings (manifest_store.h).
 * Errors: those of mum_manifest_parser_new. */
MUM_INTERNAL int mum__manifest_parser_renew(mum_manifest_parser **p, mum_ctx *ctx,
                                            const mum_location *loc,
                                            const mum_manifest_options *opts,
                                            struct mum__intern *strings);
/* As mum__manifest_parser_renew, but the model keeps no copy of loc's
 * entry: its `entry` is NULL when finish gives it, and the caller points
 * it at a copy that lives as long as the model (the graph: the node's
 * entry, mum__graph_node_manifest).  A graph of 20 000 manifests kept
 * each entry twice. */
MUM_INTERNAL int mum__manifest_parser_renew_lent(mum_manifest_parser **p, mum_ctx *ctx,
                                                 const mum_location *loc,
                                                 const mum_manifest_options *opts,
                                                 struct mum__intern *strings);

/* ---- threads ---- */
/* A mutex and the two condition variables every hand-over between two
 * threads here uses (work to do, room for more).  False when one of them
 * cannot be made (nothing is left to destroy then). */
static inline bool mum__sync_init(pthread_mutex_t *mu, pthread_cond_t *a, pthread_cond_t *b)
{
    if (pthread_mutex_init(mu, NULL) != 0)
        return false;
    if (pthread_cond_init(a, NULL) != 0) {
        pthread_mutex_destroy(mu);
        return false;
    }
    if (pthread_cond_init(b, NULL) != 0) {
        pthread_cond_destroy(a);
        pthread_mutex_destroy(mu);
        return false;
    }
    return true;
}

static inline void mum__sync_destroy(pthread_mutex_t *mu, pthread_cond_t *a, pthread_cond_t *b)
{
    pthread_cond_destroy(b);
    pthread_cond_destroy(a);
    pthread_mutex_destroy(mu);
}

/* ---- the graph (graph.c) ---- */
/* Frees what a catalog no longer needs once it was parsed and its
 * signature's integrity verified (catalog.c): the copy of its file the
 * signature kept, whose content was checked and whose members were read
 * (mum__signature_release_content).  The members, the signature's
 * certificates and its kept verdicts stay. */
MUM_INTERNAL void mum__catalog_release_content(struct mum_catalog *cat);
/* Replaces an Authenticode signature's copy of its DER by a copy of its
 * content alone (the file digest it signs, which a later
 * mum_authenticode_verify still reads; mum_signature_content gives it)
 * once every signer's checks against the content are kept
 * (mum__signature_release_content); the parsed signature stays.  Does
 * nothing otherwise.  Errors: MUM_ENOMEM (the signature is then as it was). */
MUM_INTERNAL int mum__signature_keep_content_only(struct mum_signature *sig);
/* The catalog bytes that may wait for the catalog thread before the walk
 * waits for it (default 64 MiB; for tests).  Not thread-safe: set it before
 * building a graph. */
MUM_INTERNAL void mum__graph_catalog_backlog(size_t bytes);
/* Tests: the decoding thread prepares every file it can (mum_walk_consumer.prepare),
 * not only when the consumer is behind. */
MUM_INTERNAL void mum__walk_prepare_always(bool always);
/* Whether the graph was built with MUM_WALK_SINGLE_THREAD (mum_verify_graph
 * then runs all its checks on the caller's thread too). */
struct mum_graph;
MUM_INTERNAL bool mum__graph_one_thread(const struct mum_graph *g);
/* The test hook's value (mum__graph_threads_always, graph_internal.h):
 * while true, even a small graph is read, resolved and judged on several
 * threads. */
MUM_INTERNAL bool mum__graph_threads_forced(void);
/* Sets seen[node] for every node a root package (one no other package
 * installs) reaches, following every edge (graph.c).  Errors: MUM_ENOMEM. */
MUM_INTERNAL int mum__graph_reached(const struct mum_graph *g, bool *seen);

/* ---- string map (strmap.c) ---- */
typedef struct mum_strmap_slot {
    char *key;
    void *value;
    uint64_t hash;               /* of key: growing and probing need not read the keys */
} mum_strmap_slot;

typedef struct mum_strmap {
    mum_strmap_slot *slots;
    size_t cap, count;
} mum_strmap;

/*
 * Adds key -> value, taking the key (freed at once when already present, or
 * on failure).  When the key is there, *existing (may be NULL) gets its value
 * and nothing changes.  Errors: MUM_ENOMEM.
 */
MUM_INTERNAL int mum__strmap_put(mum_strmap *m, char *key, void *value, void **existing);
/* The value of key, NULL when absent. */
MUM_INTERNAL void *mum__strmap_get(const mum_strmap *m, const char *key);
/* The value of the key that is `text` with its ASCII letters lower-cased,
 * for a map whose keys are lower-case; no copy of text is made. */
MUM_INTERNAL void *mum__strmap_get_lower(const mum_strmap *m, const char *text);
MUM_INTERNAL void mum__strmap_free(mum_strmap *m);

/*
 * An index by hash whose keys stay in the caller's records: 8 bytes a
 * slot (32 bits of the hash and the value), where a string map keeps a
 * key of its own for each entry.  Entries with the same hash are told
 * apart by `same`, which says whether the record of a value has the key
 * sought (ctx: what the caller compares with), so two keys that collide
 * are never one.  Values are below MUM_HASHIDX_NONE.
 */
#define MUM_HASHIDX_NONE UINT32_MAX
typedef struct mum_hashidx_slot {
    uint32_t check;              /* the hash folded to 32 bits */
    uint32_t item;               /* the value + 1; 0: free */
} mum_hashidx_slot;

typedef struct mum_hashidx {
    mum_hashidx_slot *slots;
    size_t cap, count;
} mum_hashidx;

typedef bool (*mum_hashidx_same)(const void *ctx, uint32_t value);
/* Room for `count` entries in all (no growing while they are added).
 * Errors: MUM_ENOMEM. */
MUM_INTERNAL int mum__hashidx_reserve(mum_hashidx *m, size_t count);
/* Adds hash -> value unless a value of that key is there: then *existing
 * (may be NULL) gets it, else MUM_HASHIDX_NONE.  Errors: MUM_ENOMEM. */
MUM_INTERNAL int mum__hashidx_put(mum_hashidx *m, uint64_t hash, uint32_t value, mum_hashidx_same same,
                                  const void *ctx, uint32_t *existing);
/* The value of the key sought, MUM_HASHIDX_NONE when absent. */
MUM_INTERNAL uint32_t mum__hashidx_get(const mum_hashidx *m, uint64_t hash, mum_hashidx_same same,
                                       const void *ctx);
MUM_INTERNAL void mum__hashidx_free(mum_hashidx *m);

/*
 * Strings that many records repeat (a manifest's versions, architectures,
 * public key tokens...), each kept once: a set shared by the threads that
 * parse into one graph, under a lock.  A string given out lives as long as
 * the set.
 */
typedef struct mum__intern mum__intern;
/* Errors: MUM_ENOMEM. */
MUM_INTERNAL int mum__intern_new(mum__intern **out);
MUM_INTERNAL void mum__intern_free(mum__intern *t);
/* The set's copy of s (owned by the set); NULL: out of memory. */
MUM_INTERNAL const char *mum__intern_str(mum__intern *t, const char *s);
/* A number no other set of the process has had (never 0): a set made where
 * a freed one was is told apart from it. */
MUM_INTERNAL uint64_t mum__intern_id(const mum__intern *t);

/* Keeps the first cap bytes of a file that arrives in blocks: appends what
 * of data[0, size) still fits after the *len bytes head holds. */
static inline void mum__keep_head(uint8_t *head, size_t cap, size_t *len, const void *data, size_t size)
{
    if (*len >= cap || size == 0) /* data may be NULL when size is 0 */
        return;
    size_t take = cap - *len < size ? cap - *len : size;
    memcpy(head + *len, data, take);
    *len += take;
}

/* ---- DER (pe.c) ---- */
/*
 * The length of the DER element at p (tag, length octets and contents) when
 * it has a single-byte tag and a definite length of at most four octets, and
 * all of it lies in the n bytes; 0 otherwise.  Used to cut a signature from
 * the padding that follows it; the PKCS#7 parser judges the rest.
 */
MUM_INTERNAL size_t mum__der_element_len(const uint8_t *p, size_t n);

#endif /* MUM_INTERNAL_H */
