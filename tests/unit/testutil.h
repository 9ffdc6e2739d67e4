/*
 * testutil.h - helpers shared by the unit tests.
 */
#ifndef MUM_TESTUTIL_H
#define MUM_TESTUTIL_H

#include "config.h"

#include "internal.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__SANITIZE_ADDRESS__)
#define TU_LEAK_CHECK 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TU_LEAK_CHECK 1
#endif
#endif
#ifdef TU_LEAK_CHECK
#include <sanitizer/lsan_interface.h>
#endif

/*
 * Criterion runs each test in a worker process that ends without
 * LeakSanitizer's exit-time check (and a failure in a .fini fixture does not
 * fail the test), so under AddressSanitizer a leak would pass unseen.  Every
 * test body is therefore wrapped: when it returns, LeakSanitizer looks for
 * leaks and the test fails if there are any.
 */
static inline void tu_check_leaks(void)
{
#ifdef TU_LEAK_CHECK
    if (__lsan_do_recoverable_leak_check())
        cr_assert_fail("memory leaked: LeakSanitizer's report is on standard error");
#endif
}

#undef Test
#define Test(Suite, Name, ...)                                                                     \
    static void tu_body_##Suite##_##Name(void);                                                    \
    CR_EXPAND(CR_TEST_BASE(Suite, Name, ##__VA_ARGS__, .sentinel_ = 0))                           \
    {                                                                                              \
        tu_body_##Suite##_##Name();                                                                \
        tu_check_leaks();                                                                          \
    }                                                                                              \
    static void tu_body_##Suite##_##Name(void)

/* $srcdir/dir/rel ("." without srcdir), in one of 16 buffers taken in turn:
 * a test may hold a few such paths at once. */
static inline const char *tu_src_path(const char *dir, const char *rel)
{
    static char paths[16][1024];
    static unsigned next;
    const char *srcdir = getenv("srcdir");
    char *p = paths[next++ % 16];
    snprintf(p, sizeof paths[0], "%s/%s/%s", srcdir ? srcdir : ".", dir, rel);
    return p;
}

/* Builds an identity from NULL-terminated attr, value pairs. */
static inline mum_identity tu_identity(const char *first, ...)
{
    mum_identity id = MUM_IDENTITY_INIT;
    va_list ap;
    va_start(ap, first);
    for (const char *attr = first; attr; attr = va_arg(ap, const char *)) {
        const char *value = va_arg(ap, const char *);
        mum_identity_attr a;
        cr_assert_eq(mum_identity_attr_lookup(&a, attr), MUM_OK, "unknown attribute %s", attr);
        cr_assert_eq(mum_identity_set(&id, a, value), MUM_OK);
    }
    va_end(ap);
    return id;
}

/* The number of findings of one rule in a list. */
static inline size_t tu_count_rule(const mum_findings *list, const char *rule)
{
    size_t n = 0;
    for (size_t i = 0; i < mum_findings_count(list); i++)
        if (strcmp(mum_findings_get(list, i)->rule->id, rule) == 0)
            n++;
    return n;
}

/* The first finding of a rule, or NULL. */
static inline const mum_finding *tu_find_rule(const mum_findings *list, const char *rule)
{
    for (size_t i = 0; i < mum_findings_count(list); i++)
        if (strcmp(mum_findings_get(list, i)->rule->id, rule) == 0)
            return mum_findings_get(list, i);
    return NULL;
}

/*
 * Runs `body` (an expression returning a status) once to fill the
 * process's caches (a certificate's text made once is lent afterwards: a
 * later run makes fewer allocations), once to count its allocations, then
 * once per allocation with that one failing; each failing run must return
 * MUM_ENOMEM and, under ASan, leak nothing.  `cleanup` runs after every
 * attempt.
 */
#define TU_ALLOC_SWEEP(body, cleanup)                                                              \
    do {                                                                                           \
        mum__alloc_fail_at(0);                                                                     \
        cr_assert_eq((body), MUM_OK, "the run without failures must succeed");                    \
        cleanup;                                                                                   \
        mum__alloc_fail_at(0);                                                                     \
        cr_assert_eq((body), MUM_OK, "the run without failures must succeed");                    \
        cleanup;                                                                                   \
        unsigned long tu_total = mum__alloc_fail_at(0);                                            \
        cr_assert_gt(tu_total, 0);                                                                 \
        for (unsigned long tu_n = 1; tu_n <= tu_total; tu_n++) {                                   \
            mum__alloc_fail_at(tu_n);                                                              \
            int tu_rc = (body);                                                                    \
            mum__alloc_fail_at(0);                                                                 \
            cr_assert_eq(tu_rc, MUM_ENOMEM, "allocation %lu of %lu failing gave %d", tu_n,         \
                         tu_total, tu_rc);                                                         \
            cleanup;                                                                               \
        }                                                                                          \
    } while (0)

#endif /* MUM_TESTUTIL_H */
