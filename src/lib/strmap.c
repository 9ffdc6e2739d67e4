/*
 * strmap.c - a small open-addressing map from strings to pointers, for the
 * matrix's rows and the interned strings, and an index by hash whose keys
 * are the caller's (the graph's identities and paths).
 */
#include "config.h"

#include "internal.h"

#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

void *mum__strmap_get_lower(const mum_strmap *m, const char *text)
{
    if (!m->cap)
        return NULL;
    uint64_t h = 1469598103934665603ull; /* hash_str of the lower-cased text */
    for (const char *s = text; *s; s++)
        h = (h ^ (unsigned char)mum__ascii_tolower((unsigned char)*s)) * 1099511628211ull;
    for (size_t j = h & (m->cap - 1); m->slots[j].key; j = (j + 1) & (m->cap - 1)) {
        if (m->slots[j].hash != h)
            continue;
        const char *k = m->slots[j].key, *s = text;
        while (*k && (unsigned char)*k == (unsigned char)mum__ascii_tolower((unsigned char)*s))
            k++, s++;
        if (!*k && !*s)
            return m->slots[j].value;
    }
    return NULL;
}

void mum__strmap_free(mum_strmap *m)
{
    for (size_t i = 0; i < m->cap; i++)
        mum__free(m->slots[i].key);
    mum__free(m->slots);
    memset(m, 0, sizeof *m);
}

static bool grow(mum_strmap *m)
{
    size_t ncap = m->cap ? m->cap * 2 : 64;
    mum_strmap_slot *ns = mum__calloc(ncap, sizeof *ns);
    if (!ns)
        return false;
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->slots[i].key)
            continue;
        size_t j = m->slots[i].hash & (ncap - 1);
        while (ns[j].key)
            j = (j + 1) & (ncap - 1);
        ns[j] = m->slots[i];
    }
    mum__free(m->slots);
    m->slots = ns;
    m->cap = ncap;
    return true;
}

int mum__strmap_put(mum_strmap *m, char *key, void *value, void **existing)
{
    if (existing)
        *existing = NULL;
    if ((m->count + 1) * 2 > m->cap && !grow(m)) {
        mum__free(key);
        return MUM_ENOMEM;
    }
    uint64_t h = hash_str(key);
    size_t j = h & (m->cap - 1);
    while (m->slots[j].key) {
        if (m->slots[j].hash == h && strcmp(m->slots[j].key, key) == 0) {
            if (existing)
                *existing = m->slots[j].value;
            mum__free(key);
            return MUM_OK;
        }
        j = (j + 1) & (m->cap - 1);
    }
    m->slots[j].key = key;
    m->slots[j].value = value;
    m->slots[j].hash = h;
    m->count++;
    return MUM_OK;
}

void *mum__strmap_get(const mum_strmap *m, const char *key)
{
    if (!m->cap)
        return NULL;
    uint64_t h = hash_str(key);
    size_t j = h & (m->cap - 1);
    while (m->slots[j].key) {
        if (m->slots[j].hash == h && strcmp(m->slots[j].key, key) == 0)
            return m->slots[j].value;
        j = (j + 1) & (m->cap - 1);
    }
    return NULL;
}

/* ---- an index by hash (mum_hashidx) ---- */

static uint32_t fold_check(uint64_t hash)
{
    return (uint32_t)(hash ^ (hash >> 32));
}

/* The first slot of a check: mixed, as a constant or a sequence of hashes
 * must not pile up (murmur3's 32-bit finalizer). */
static size_t home_slot(uint32_t check, size_t cap)
{
    check ^= check >> 16;
    check *= 0x85ebca6bu;
    check ^= check >> 13;
    check *= 0xc2b2ae35u;
    check ^= check >> 16;
    return (size_t)check & (cap - 1);
}

static int hashidx_resize(mum_hashidx *m, size_t cap)
{
    mum_hashidx_slot *slots = mum__calloc(cap, sizeof *slots);
    if (!slots)
        return MUM_ENOMEM;
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->slots[i].item)
            continue;
        size_t j = home_slot(m->slots[i].check, cap);
        while (slots[j].item)
            j = (j + 1) & (cap - 1);
        slots[j] = m->slots[i];
    }
    mum__free(m->slots);
    m->slots = slots;
    m->cap = cap;
    return MUM_OK;
}

/* Three quarters full at most: 8-byte slots probe cheaply. */
int mum__hashidx_reserve(mum_hashidx *m, size_t count)
{
    size_t cap = m->cap ? m->cap : 16;
    while (count > cap / 4 * 3) {
        if (cap > SIZE_MAX / 2 / sizeof *m->slots)
            return MUM_ENOMEM;
        cap *= 2;
    }
    return cap == m->cap ? MUM_OK : hashidx_resize(m, cap);
}

int mum__hashidx_put(mum_hashidx *m, uint64_t hash, uint32_t value, mum_hashidx_same same, const void *ctx,
                     uint32_t *existing)
{
    if (existing)
        *existing = MUM_HASHIDX_NONE;
    if (value == MUM_HASHIDX_NONE)
        return MUM_ENOMEM; /* cannot be held (never so many records) */
    if (mum__hashidx_reserve(m, m->count + 1) != MUM_OK)
        return MUM_ENOMEM;
    uint32_t check = fold_check(hash);
    size_t j = home_slot(check, m->cap);
    for (; m->slots[j].item; j = (j + 1) & (m->cap - 1)) {
        if (m->slots[j].check == check && same(ctx, m->slots[j].item - 1)) {
            if (existing)
                *existing = m->slots[j].item - 1;
            return MUM_OK;
        }
    }
    m->slots[j].check = check;
    m->slots[j].item = value + 1;
    m->count++;
    return MUM_OK;
}

uint32_t mum__hashidx_get(const mum_hashidx *m, uint64_t hash, mum_hashidx_same same, const void *ctx)
{
    if (!m->cap)
        return MUM_HASHIDX_NONE;
    uint32_t check = fold_check(hash);
    for (size_t j = home_slot(check, m->cap); m->slots[j].item; j = (j + 1) & (m->cap - 1))
        if (m->slots[j].check == check && same(ctx, m->slots[j].item - 1))
            return m->slots[j].item - 1;
    return MUM_HASHIDX_NONE;
}

void mum__hashidx_free(mum_hashidx *m)
{
    mum__free(m->slots);
    memset(m, 0, sizeof *m);
}

/* ---- interned strings ---- */

struct mum__intern {
    pthread_mutex_t lock;
    mum_strmap set;             /* each key is its own value */
    uint64_t id;
};

static atomic_uint_fast64_t intern_ids;

int mum__intern_new(mum__intern **out)
{
    *out = NULL;
    mum__intern *t = mum__calloc(1, sizeof *t);
    if (!t)
        return MUM_ENOMEM;
    if (pthread_mutex_init(&t->lock, NULL) != 0) {
        mum__free(t);
        return MUM_ENOMEM;
    }
    t->id = atomic_fetch_add_explicit(&intern_ids, 1, memory_order_relaxed) + 1;
    *out = t;
    return MUM_OK;
}

uint64_t mum__intern_id(const mum__intern *t)
{
    return t->id;
}

void mum__intern_free(mum__intern *t)
{
    if (!t)
        return;
    mum__strmap_free(&t->set); /* the keys are the strings */
    pthread_mutex_destroy(&t->lock);
    mum__free(t);
}

const char *mum__intern_str(mum__intern *t, const char *s)
{
    pthread_mutex_lock(&t->lock);
    const char *have = mum__strmap_get(&t->set, s);
    if (!have) {
        char *copy = mum__strdup(s);
        void *existing = NULL;
        if (copy && mum__strmap_put(&t->set, copy, copy, &existing) == MUM_OK)
            have = copy;
    }
    pthread_mutex_unlock(&t->lock);
    return have;
}
