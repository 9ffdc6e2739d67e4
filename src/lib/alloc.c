/*
 * alloc.c - every allocation of the library goes through here, so a caller
 * can supply its own allocator and tests can make the N-th allocation fail.
 */
#include "config.h"

#include "internal.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *(*g_malloc)(size_t) = malloc;
static void *(*g_realloc)(void *, size_t) = realloc;
static void (*g_free)(void *) = free;

/* Failure injection for tests: fail when g_count reaches g_fail_at.  The
 * count is an atomic object because parsers run on several threads at once
 * (a worker parsing manifests while another decodes); only tests set
 * g_fail_at. */
static atomic_ulong g_count;
static unsigned long g_fail_at;
/* Set by the first mum__alloc_fail_at and never cleared: until then no
 * allocation is counted.  Each count is a store to one cache line that
 * every allocating thread shares; with two threads reading packages that
 * line moved between the cores at every allocation, 3 % of the time of
 * verify over many small packages.  A program that never injects failures
 * only ever reads this flag. */
static atomic_bool g_counting;

void mum_set_allocator(const mum_allocator *a)
{
    g_malloc = (a && a->malloc_fn) ? a->malloc_fn : malloc;
    g_realloc = (a && a->realloc_fn) ? a->realloc_fn : realloc;
    g_free = (a && a->free_fn) ? a->free_fn : free;
}

unsigned long mum__alloc_fail_at(unsigned long n)
{
    atomic_store_explicit(&g_counting, true, memory_order_relaxed);
    unsigned long made = atomic_exchange_explicit(&g_count, 0, memory_order_relaxed);
    g_fail_at = n;
    return made;
}

static bool injected_failure(void)
{
    if (!atomic_load_explicit(&g_counting, memory_order_relaxed))
        return false;
    /* A relaxed load and store, not an atomic increment: no lock prefix on
     * the hot path.  Concurrent increments may be lost, which only matters
     * to the single-threaded tests that read the count. */
    unsigned long count = atomic_load_explicit(&g_count, memory_order_relaxed) + 1;
    atomic_store_explicit(&g_count, count, memory_order_relaxed);
    return g_fail_at != 0 && count == g_fail_at;
}

void *mum__malloc(size_t size)
{
    if (injected_failure())
        return NULL;
    return g_malloc(size ? size : 1);
}

void *mum__calloc(size_t n, size_t size)
{
    if (size != 0 && n > SIZE_MAX / size)
        return NULL;
    void *p = mum__malloc(n * size);
    if (p)
        memset(p, 0, n * size);
    return p;
}

void *mum__realloc(void *ptr, size_t size)
{
    if (injected_failure())
        return NULL;
    return g_realloc(ptr, size ? size : 1);
}

void *mum__shrink(void *ptr, size_t size)
{
    void *p = ptr ? g_realloc(ptr, size ? size : 1) : NULL;
    return p ? p : ptr;
}

void *mum__reallocarray(void *ptr, size_t n, size_t size)
{
    if (size != 0 && n > SIZE_MAX / size)
        return NULL;
    return mum__realloc(ptr, n * size);
}

void mum__free(void *ptr)
{
    if (ptr)
        g_free(ptr);
}

void mum_free(void *ptr)
{
    mum__free(ptr);
}

char *mum__strndup(const char *s, size_t n)
{
    char *p = mum__malloc(n + 1);
    if (!p)
        return NULL;
    if (n) /* s may be NULL then */
        memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *mum__strdup(const char *s)
{
    return s ? mum__strndup(s, strlen(s)) : NULL;
}

char *mum__vasprintf(const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return NULL;
    char *p = mum__malloc((size_t)n + 1);
    if (!p)
        return NULL;
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    return p;
}

char *mum__asprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *p = mum__vasprintf(fmt, ap);
    va_end(ap);
    return p;
}

bool mum__replace_str(char **slot, const char *value)
{
    char *copy = NULL;
    if (value && !(copy = mum__strdup(value)))
        return false;
    mum__free(*slot);
    *slot = copy;
    return true;
}

bool mum__grow(void **items, size_t *cap, size_t need, size_t elem_size)
{
    return mum__grow_from(items, cap, need, elem_size, 8);
}

bool mum__grow_from(void **items, size_t *cap, size_t need, size_t elem_size, size_t first)
{
    if (need <= *cap)
        return true;
    size_t ncap = *cap ? *cap : first ? first : 1;
    while (ncap < need) {
        if (ncap > SIZE_MAX / 2)
            return false;
        ncap *= 2;
    }
    void *p = mum__reallocarray(*items, ncap, elem_size);
    if (!p)
        return false;
    *items = p;
    *cap = ncap;
    return true;
}
