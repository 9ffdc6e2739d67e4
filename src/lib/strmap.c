/*
 * strmap.c - a small open-addressing map from strings to pointers, for the
 * graph's indexes (identities, paths) and the matrix's rows.
 */
#include "config.h"

#include "internal.h"

#include <pthread.h>
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

/* ---- interned strings ---- */

struct mum__intern {
    pthread_mutex_t lock;
    mum_strmap set;             /* each key is its own value */
};

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
    *out = t;
    return MUM_OK;
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
