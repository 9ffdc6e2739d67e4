/*
 * expect_internal.h - what expect.c (the table, the cell values),
 * expect_article.c (KB article text) and expect_own.c (mumtool's own TSV
 * and JSON forms) share.
 */
#ifndef MUM_EXPECT_INTERNAL_H
#define MUM_EXPECT_INTERNAL_H

#include "internal.h"

#include <mum/expect.h>

/* A run-together row whose version and size can be split more than one
 * way ("6.0.6001.222221,419,832") keeps each reading until the whole
 * source is read (expect_article.c, resolve_ambiguous). */
#define EXPECT_MAX_READINGS 3

typedef struct expect_reading {
    const char *version;
    int64_t size;
} expect_reading;

/* A row while its source is read. */
typedef struct expect_pending {
    mum_expect_row row;
    size_t nreadings;          /* 0 or 1: row.version/size are final */
    expect_reading readings[EXPECT_MAX_READINGS];
} expect_pending;

/* The reading of one source: its rows go to the table only when all of it
 * was read, so a failed call leaves the table as it was. */
typedef struct expect_build {
    mum_ctx *ctx;
    const char *source;        /* in the arena */
    struct expect_arena *arena;
    expect_pending *rows;
    size_t count, cap;
    const char *title;         /* in the arena or NULL */
    const char *kb;
} expect_build;

/* A copy of s[0, n) in the table's arena, its tabs, carriage returns and
 * line feeds made spaces (no string of a table holds one: the TSV form
 * cannot).  NULL on ENOMEM. */
MUM_INTERNAL char *mum__expect_str(expect_build *b, const char *s, size_t n);
/* Appends a row (its strings already in the arena).  Errors: MUM_ENOMEM,
 * MUM_ELIMIT (more than EXPECT_MAX_ROWS). */
MUM_INTERNAL int mum__expect_add(expect_build *b, const expect_pending *p);
/* MUM_EFORMAT "source:line: reason" on b->ctx. */
MUM_INTERNAL int mum__expect_fail(expect_build *b, size_t line, const char *fmt, ...)
    MUM_PRINTF(3, 4);

/* s[0, n) for a message, into out: at most 80 bytes, control characters
 * as '?', "..." when cut.  Returns out. */
#define EXPECT_QUOTE_MAX 88
MUM_INTERNAL const char *mum__expect_quote(char out[EXPECT_QUOTE_MAX], const char *s, size_t n);

/* Reads KB article text (expect_article.c). */
MUM_INTERNAL int mum__expect_article(expect_build *b, const char *data, size_t size);
/* Reads mumtool's own TSV form (its first line is '#mumtool-expect v1'),
 * and its JSON form, whose object starts at data[start] (expect_own.c). */
MUM_INTERNAL int mum__expect_tsv(expect_build *b, const char *data, size_t size);
MUM_INTERNAL int mum__expect_json(expect_build *b, const char *data, size_t size, size_t start);

/* ---- values (expect.c) ---- */
/* "15-Jul-2008" (a one-digit day when !two_digit_day is allowed) into
 * "2008-07-15" (out: 11 bytes).  False when it is not such a date. */
MUM_INTERNAL bool mum__expect_date(const char *s, size_t n, bool two_digit_day, char out[11]);
/* "05:14" (one-digit hour allowed when !strict) into "05:14" (6 bytes). */
MUM_INTERNAL bool mum__expect_time(const char *s, size_t n, bool strict, char out[6]);
/* A version: two to four dot-separated numbers, each at most 65535 and
 * without a leading zero. */
MUM_INTERNAL bool mum__expect_version(const char *s, size_t n);
/* A size: digits, with ',' between well-formed groups of three when
 * grouped ("1,419,832"); plain digits too when !grouped_only. */
MUM_INTERNAL bool mum__expect_size(const char *s, size_t n, bool grouped_only, int64_t *out);
/* "x86", "x64", "AMD64", "IA-64", "Itanium", "ARM64", ... in mumtool's
 * spelling ("x86", "amd64", "ia64", "arm64", "arm"); NULL when not a
 * platform.  *not_applicable is set for "Not Applicable" / "N/A" (then
 * NULL is returned). */
MUM_INTERNAL const char *mum__expect_platform(const char *s, size_t n, bool *not_applicable);
/* The architecture a section heading names ("32-bit" -> x86, "x64-based"
 * -> amd64, "Itanium" -> ia64, "ARM64" -> arm64); NULL when it names none,
 * or more than one. */
MUM_INTERNAL const char *mum__expect_heading_arch(const char *heading);
/* The architecture of a component manifest's file name, from its leading
 * "x86_", "amd64_", "wow64_", "ia64_", "arm64_", "arm_", "msil_"; NULL for
 * other names. */
MUM_INTERNAL const char *mum__expect_name_arch(const char *name);

#endif /* MUM_EXPECT_INTERNAL_H */
