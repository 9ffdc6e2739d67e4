/*
 * A stand-in for the part of Criterion the threaded unit tests use, for the
 * ThreadSanitizer build only (configure --enable-tsan puts this folder
 * first on the include path).  Criterion 2.4 cannot start under TSan: "Could
 * not initialize inheritable arena: Resource temporarily unavailable"
 * (Snaipe/Criterion#274, open).  Like Criterion, each test runs in a
 * process of its own, forked from a runner that never starts a thread, and
 * the result is TAP on standard output (ok, not ok, or a skip for a test
 * CRITERION_TEST_PATTERN leaves out, which may be "!(glob|glob...)" or one
 * glob over "suite/name").  A failed assertion prints where and why and
 * fails its test; a TSan report (halt_on_error=1) kills it.
 */
#ifndef MUM_TSAN_CRITERION_H
#define MUM_TSAN_CRITERION_H

#include <fnmatch.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

struct crs_opts {
    double timeout; /* accepted, not enforced: the harness's own limits apply */
    int sentinel_;
};

struct crs_test {
    const char *suite, *name;
    void (*fn)(void);
};

enum { CRS_MAX_TESTS = 256 };
static struct crs_test crs_tests[CRS_MAX_TESTS];
static int crs_ntests;

static inline void crs_register(const char *suite, const char *name, void (*fn)(void))
{
    if (crs_ntests == CRS_MAX_TESTS) {
        fprintf(stderr, "criterion stand-in: more than %d tests\n", CRS_MAX_TESTS);
        abort();
    }
    crs_tests[crs_ntests++] = (struct crs_test){suite, name, fn};
}

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
static inline void crs_check(bool ok, const char *file, int line, const char *expr, const char *fmt, ...)
{
    if (ok)
        return;
    fprintf(stderr, "%s:%d: Assertion failed: %s", file, line, expr);
    if (fmt && *fmt) {
        va_list ap;
        va_start(ap, fmt);
        fputs(": ", stderr);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
    }
    fputc('\n', stderr);
    fflush(NULL);
    _exit(1);
}
#pragma GCC diagnostic pop

#define CR_EXPAND(x) x
#define CR_TEST_BASE(Suite, Name, ...)                                                             \
    static void crs_fn_##Suite##_##Name(void);                                                     \
    static const struct crs_opts crs_opts_##Suite##_##Name __attribute__((unused)) = {__VA_ARGS__}; \
    __attribute__((constructor)) static void crs_reg_##Suite##_##Name(void)                        \
    {                                                                                              \
        crs_register(#Suite, #Name, crs_fn_##Suite##_##Name);                                      \
    }                                                                                              \
    static void crs_fn_##Suite##_##Name(void)
#define Test(Suite, Name, ...) CR_TEST_BASE(Suite, Name, ##__VA_ARGS__, .sentinel_ = 0)

#define CRS_CHECK(ok, expr, ...) crs_check((ok), __FILE__, __LINE__, expr, "" __VA_ARGS__)
#define cr_assert(c, ...) CRS_CHECK(!!(c), #c, ##__VA_ARGS__)
#define cr_assert_not(c, ...) CRS_CHECK(!(c), "!(" #c ")", ##__VA_ARGS__)
#define cr_assert_fail(...) CRS_CHECK(false, "fail", ##__VA_ARGS__)
#define cr_assert_null(p, ...) CRS_CHECK((p) == NULL, #p " == NULL", ##__VA_ARGS__)
#define cr_assert_not_null(p, ...) CRS_CHECK((p) != NULL, #p " != NULL", ##__VA_ARGS__)
#define cr_assert_eq(a, b, ...) CRS_CHECK((a) == (b), #a " == " #b, ##__VA_ARGS__)
#define cr_assert_neq(a, b, ...) CRS_CHECK((a) != (b), #a " != " #b, ##__VA_ARGS__)
#define cr_assert_gt(a, b, ...) CRS_CHECK((a) > (b), #a " > " #b, ##__VA_ARGS__)
#define cr_assert_geq(a, b, ...) CRS_CHECK((a) >= (b), #a " >= " #b, ##__VA_ARGS__)
#define cr_assert_lt(a, b, ...) CRS_CHECK((a) < (b), #a " < " #b, ##__VA_ARGS__)
#define cr_assert_leq(a, b, ...) CRS_CHECK((a) <= (b), #a " <= " #b, ##__VA_ARGS__)
#define cr_assert_str_eq(a, b, ...)                                                                \
    CRS_CHECK((a) && (b) && strcmp((a), (b)) == 0, #a " equals " #b, ##__VA_ARGS__)
#define cr_assert_arr_eq(a, b, n, ...) CRS_CHECK(memcmp((a), (b), (n)) == 0, #a " equals " #b, ##__VA_ARGS__)

/* A test that cannot run here (e.g. real data absent): its reason on
 * stderr, and an exit status the harness reports as a skip. */
enum { CRS_SKIP_STATUS = 77 };
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
static inline void crs_skip(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("skipped: ", stderr);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    fflush(NULL);
    _exit(CRS_SKIP_STATUS);
}
#pragma GCC diagnostic pop
#define cr_skip_test(...) crs_skip(__VA_ARGS__)

/* Whether CRITERION_TEST_PATTERN leaves "suite/name" out. */
static inline bool crs_excluded(const char *full)
{
    const char *pat = getenv("CRITERION_TEST_PATTERN");
    if (!pat || !*pat)
        return false;
    size_t len = strlen(pat);
    if (len < 3 || strncmp(pat, "!(", 2) != 0 || pat[len - 1] != ')')
        return fnmatch(pat, full, 0) != 0;
    char alt[1024];
    const char *p = pat + 2, *end = pat + len - 1;
    while (p < end) {
        const char *bar = memchr(p, '|', (size_t)(end - p));
        const char *stop = bar ? bar : end;
        size_t n = (size_t)(stop - p) < sizeof alt - 1 ? (size_t)(stop - p) : sizeof alt - 1;
        memcpy(alt, p, n);
        alt[n] = '\0';
        if (fnmatch(alt, full, 0) == 0)
            return true;
        p = stop + 1;
    }
    return false;
}

int main(void)
{
    int failed = 0;
    printf("1..%d\n", crs_ntests);
    for (int i = 0; i < crs_ntests; i++) {
        const struct crs_test *t = &crs_tests[i];
        char full[512];
        snprintf(full, sizeof full, "%s/%s", t->suite, t->name);
        if (crs_excluded(full)) {
            printf("ok %d - %s::%s # SKIP left out by CRITERION_TEST_PATTERN\n", i + 1, t->suite, t->name);
            continue;
        }
        fflush(NULL);
        pid_t pid = fork();
        if (pid < 0) {
            perror("fork");
            return 1;
        }
        if (pid == 0) {
            t->fn();
            exit(0); /* TSan's checks at exit (a thread never joined) run */
        }
        int status;
        while (waitpid(pid, &status, 0) < 0)
            ;
        if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
            printf("ok %d - %s::%s\n", i + 1, t->suite, t->name);
        } else if (WIFEXITED(status) && WEXITSTATUS(status) == CRS_SKIP_STATUS) {
            printf("ok %d - %s::%s # SKIP\n", i + 1, t->suite, t->name);
        } else {
            failed++;
            if (WIFSIGNALED(status))
                printf("not ok %d - %s::%s (signal %d)\n", i + 1, t->suite, t->name, WTERMSIG(status));
            else
                printf("not ok %d - %s::%s (exit %d)\n", i + 1, t->suite, t->name, WEXITSTATUS(status));
        }
    }
    return failed ? 1 : 0;
}

#endif /* MUM_TSAN_CRITERION_H */
