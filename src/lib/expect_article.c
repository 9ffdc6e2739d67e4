/*
 * expect_article.c - the "File information" tables of a KB article, as text
 * (doc/mumtool.1, EXPECTED CONTENTS, lists the layouts):
 *
 *  - name-first tables under a "File name File version File size Date Time
 *    [Platform]" header, their cells separated by spaces, tabs or '|', or
 *    run together with nothing between them (the text of a web page whose
 *    table markup was dropped): a row is read from its end, where each
 *    column can be only one thing (a platform, a time hh:mm, a date
 *    dd-Mon-yyyy), then the size with its thousands separators, the version
 *    and the name;
 *  - date-first fixed-width tables under "Date Time Version Size File name
 *    [Platform]" and a dashed rule;
 *  - the "Additional file information" blocks, one "File name", "File
 *    version", "File size", "Date (UTC)", "Time (UTC)", "Platform" line each.
 *
 * Everything else is prose.  A table ends at the first line that is neither
 * a row nor blank nor a rule, unless that line looks like a row (a date, a
 * time or a grouped size in it): then it is a row that fits no layout, and
 * an error naming its line - a damaged row must not silently vanish from
 * the expectations.  The heading a row sits under is the last line before
 * its table that reads like a heading (short, not ending a sentence).
 */
#include "config.h"

#include "expect_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

/* A line longer than this is prose, never a heading or a header. */
#define HEADING_MAX 200
#define TITLE_MAX 300
/* "9,223,372,036,854,775,807" and "65535.65535.65535.65535" */
#define SIZE_MAX_TEXT 25
#define VERSION_MAX_TEXT 23
/* A KB article has a few hundred lines; the line table of a larger input
 * would be larger than the input. */
#define ARTICLE_MAX_LINES 1000000

typedef struct aline {
    const char *s; /* trimmed */
    size_t n;
} aline;

typedef enum table_kind { T_NONE, T_NAME_FIRST, T_DATE_FIRST } table_kind;

typedef struct article {
    expect_build *b;
    aline *lines;
    size_t nlines;
    const char *heading;       /* the last heading-like line (arena), NULL: none yet */
    /* the open table */
    table_kind table;
    bool has_platform;
    size_t extra;              /* cells after the platform, not kept */
    size_t header_line;
    const char *section;
    const char *section_arch;
    bool additional;           /* under an "Additional file..." heading */
} article;

/* ---- characters and cells ---- */

/* The length of the white space at s[i] (a space, a tab, a no-break space
 * in UTF-8), 0 when there is none. */
static size_t ws_at(const char *s, size_t n, size_t i)
{
    if (i >= n)
        return 0;
    char c = s[i];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v')
        return 1;
    if ((unsigned char)c == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] == 0xA0)
        return 2;
    return 0;
}

/* The length of the white space that ends s[0, n). */
static size_t ws_before(const char *s, size_t n)
{
    size_t k = n;
    for (;;) {
        if (k >= 1 && (s[k - 1] == ' ' || s[k - 1] == '\t' || s[k - 1] == '\r' ||
                       s[k - 1] == '\f' || s[k - 1] == '\v'))
            k--;
        else if (k >= 2 && (unsigned char)s[k - 2] == 0xC2 && (unsigned char)s[k - 1] == 0xA0)
            k -= 2;
        else
            return n - k;
    }
}

static aline trim(const char *s, size_t n)
{
    size_t a = 0, w;
    while ((w = ws_at(s, n, a)) != 0)
        a += w;
    n -= ws_before(s + a, n - a);
    return (aline){s + a, n - a};
}

static bool starts_ci(const char *s, size_t n, const char *prefix)
{
    size_t k = strlen(prefix);
    return n >= k && mum__ascii_strncasecmp(s, prefix, k) == 0;
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* A file name: something, then '.' and an extension that starts with a
 * letter (letters and digits; letters only when letters_only). */
static bool file_name(const char *s, size_t n, bool letters_only)
{
    size_t dot = n;
    while (dot > 0 && s[dot - 1] != '.')
        dot--;
    if (dot < 2 || dot == n || n - dot > 16 || !is_alpha(s[dot]))
        return false;
    for (size_t i = dot; i < n; i++)
        if (!(is_alpha(s[i]) || (!letters_only && is_digit(s[i]))))
            return false;
    return true;
}

/* The letters of a line, lower-cased, without spaces, '|' and ':' (for
 * telling a header however its cells are separated).  False when longer
 * than the buffer. */
static bool squeeze(const char *s, size_t n, char *out, size_t cap)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == ' ' || c == '\t' || c == '|' || c == ':' || (unsigned char)c == 0xC2 ||
            (unsigned char)c == 0xA0)
            continue;
        if (o + 1 >= cap)
            return false;
        out[o++] = (char)mum__ascii_tolower((unsigned char)c);
    }
    out[o] = '\0';
    return true;
}

/* Which table a header line opens; *extra: the columns after Platform
 * that a row has and mumtool does not keep ("SP requirement", "Service
 * branch", as some Vista-era articles have). */
static table_kind header_kind(const aline *l, bool *has_platform, size_t *extra)
{
    static const struct {
        const char *text;
        table_kind kind;
        bool platform;
    } headers[] = {
        {"filenamefileversionfilesizedatetimeplatform", T_NAME_FIRST, true},
        {"filenamefileversionfilesizedatetime", T_NAME_FIRST, false},
        {"datetimeversionsizefilenameplatform", T_DATE_FIRST, true},
        {"datetimeversionsizefilename", T_DATE_FIRST, false},
    };
    static const char *const extras[] = {"sprequirement", "servicebranch"};
    char sq[HEADING_MAX + 1];
    if (l->n > HEADING_MAX || !squeeze(l->s, l->n, sq, sizeof sq))
        return T_NONE;
    for (size_t i = 0; i < MUM_ARRAY_LEN(headers); i++) {
        size_t k = strlen(headers[i].text);
        if (strncmp(sq, headers[i].text, k) != 0)
            continue;
        const char *rest = sq + k;
        *extra = 0;
        for (size_t e = 0; e < MUM_ARRAY_LEN(extras) && headers[i].kind == T_NAME_FIRST &&
                           headers[i].platform; e++)
            if (strncmp(rest, extras[e], strlen(extras[e])) == 0) {
                rest += strlen(extras[e]);
                (*extra)++;
            }
        if (*rest)
            continue;
        *has_platform = headers[i].platform;
        return headers[i].kind;
    }
    return T_NONE;
}

/* A rule under a header ("-----"), or a '|' table's "|---|---|". */
static bool rule_line(const aline *l)
{
    bool dash = false;
    for (size_t i = 0; i < l->n; i++) {
        char c = l->s[i];
        if (c == '-')
            dash = true;
        else if (c != ' ' && c != '\t' && c != '|' && c != ':' && c != '+' && c != '=')
            return false;
    }
    return dash || (l->n > 0 && l->s[0] == '=');
}

/* Whether a line that is not a row still looks like one: a date, a time or
 * a grouped size, or a lone file name. */
static bool row_like(const aline *l)
{
    const char *s = l->s;
    size_t n = l->n;
    for (size_t i = 0; i + 4 < n; i++) {
        if (is_digit(s[i]) && s[i + 1] == '-' && is_alpha(s[i + 2]) && is_alpha(s[i + 3]) &&
            is_alpha(s[i + 4]) && i + 6 < n && s[i + 5] == '-' && is_digit(s[i + 6]))
            return true; /* 5-Jul-2 */
        if (is_digit(s[i]) && s[i + 1] == ':' && is_digit(s[i + 2]) && is_digit(s[i + 3]))
            return true; /* 5:14 */
        if (is_digit(s[i]) && s[i + 1] == ',' && is_digit(s[i + 2]) && is_digit(s[i + 3]) &&
            is_digit(s[i + 4]))
            return true; /* 1,419 */
    }
    for (size_t i = 0; i < n; i++)
        if (ws_at(s, n, i))
            return false;
    return file_name(s, n, false);
}

/* ---- the heading a table sits under ---- */

/* The heading a line may carry: its text after the last end of a sentence
 * (". " or '.' right before a capital letter: a heading glued to the
 * paragraph before it, "...in Control Panel.Windows Server 2003, x86-based
 * versions").  Empty when the line ends a sentence or is too long. */
static aline heading_of(const aline *l)
{
    size_t from = 0;
    for (size_t i = 0; i + 1 < l->n; i++)
        if ((l->s[i] == '.' || l->s[i] == '!' || l->s[i] == '?') &&
            (ws_at(l->s, l->n, i + 1) || (l->s[i + 1] >= 'A' && l->s[i + 1] <= 'Z')))
            from = i + 1;
    aline h = trim(l->s + from, l->n - from);
    if (h.n == 0 || h.n > HEADING_MAX)
        return (aline){l->s, 0};
    char last = h.s[h.n - 1];
    if (last == '.' || last == ':' || last == ',' || last == ';' || last == '!' || last == '?')
        return (aline){l->s, 0};
    /* a bullet (U+2022) is a list item, not a heading */
    if (h.n >= 3 && memcmp(h.s, "\xE2\x80\xA2", 3) == 0)
        return (aline){l->s, 0};
    return h;
}

/* Opens a section for a table or a run of blocks under the last heading. */
static void open_section(article *a)
{
    a->section = a->heading;
    a->section_arch = mum__expect_heading_arch(a->heading);
    a->additional = a->heading && starts_ci(a->heading, strlen(a->heading), "additional file");
}

/* ---- rows ---- */

static int fail_row(article *a, size_t line, const char *why)
{
    const aline *l = &a->lines[line - 1];
    char q[EXPECT_QUOTE_MAX];
    return mum__expect_fail(a->b, line,
                            "a row that fits no layout of the table whose header is at line %zu: "
                            "%s: '%s'",
                            a->header_line, why, mum__expect_quote(q, l->s, l->n));
}

/* The row's strings and architectures, then the row into the build. */
static int add_row(article *a, expect_pending *p, const char *name, size_t name_len,
                   const char *platform, size_t platform_len, const char *date, const char *time)
{
    expect_build *b = a->b;
    bool na;
    const char *parch = platform ? mum__expect_platform(platform, platform_len, &na) : NULL;
    if (!(p->row.name = mum__expect_str(b, name, name_len)) ||
        (platform && parch && !(p->row.platform = mum__expect_str(b, platform, platform_len))) ||
        (date && !(p->row.date = mum__expect_str(b, date, strlen(date)))) ||
        (time && !(p->row.time = mum__expect_str(b, time, strlen(time)))))
        return mum__nomem(b->ctx);
    p->row.section = a->section;
    p->row.package_arch = a->section_arch;
    /* the file's own: its platform column, else a manifest's name, else the section's */
    const char *arch = parch ? parch : mum__expect_name_arch(p->row.name);
    p->row.arch = arch ? arch : a->section_arch;
    if (p->row.kind == MUM_EXPECT_FILE && a->additional)
        p->row.kind = MUM_EXPECT_ADDITIONAL;
    return mum__expect_add(b, p);
}

static const char *const platform_texts[] = {
    "not applicable", "x86_64", "itanium", "ia-64", "amd64", "arm64", "ia64", "x86", "x64",
    "arm", "n/a",
};

/* The platform that ends s[0, *n) (not right after a letter), taken off. */
static bool take_platform(const char *s, size_t *n, size_t *at, size_t *len)
{
    for (size_t i = 0; i < MUM_ARRAY_LEN(platform_texts); i++) {
        size_t k = strlen(platform_texts[i]);
        if (*n >= k && mum__ascii_strncasecmp(s + *n - k, platform_texts[i], k) == 0 &&
            (*n == k || !is_alpha(s[*n - k - 1]))) {
            *at = *n - k;
            *len = k;
            *n -= k;
            return true;
        }
    }
    return false;
}

static const char *version_str(expect_build *b, const char *s, size_t n, bool *nomem)
{
    const char *v = mum__expect_str(b, s, n);
    if (!v)
        *nomem = true;
    return v;
}

/* NAME VERSION SIZE of a name-first row, the cells separated by white
 * space: the size is the last cell, the version (or "Not Applicable", or
 * nothing) the one before, the name all that comes first. */
static int split_spaced(article *a, const char *s, size_t n, expect_pending *p, size_t *name_len,
                        const char **why)
{
    size_t ws = 0, k = n;
    while (k > 0 && !ws_at(s, n, k - 1) && !((unsigned char)s[k - 1] == 0xA0))
        k--;
    if (k == 0) {
        *why = "no size before the date";
        return 1; /* not spaced */
    }
    int64_t size;
    if (!mum__expect_size(s + k, n - k, false, &size)) {
        *why = "no size before the date";
        return 1;
    }
    ws = ws_before(s, k);
    size_t vend = k - ws, v = vend;
    while (v > 0 && !ws_at(s, vend, v - 1) && !((unsigned char)s[v - 1] == 0xA0))
        v--;
    bool nomem = false;
    if (mum__expect_version(s + v, vend - v)) {
        if (!(p->row.version = version_str(a->b, s + v, vend - v, &nomem)))
            return mum__nomem(a->b->ctx);
        *name_len = v - ws_before(s, v);
    } else if (vend >= 14 && mum__ascii_strncasecmp(s + vend - 14, "not applicable", 14) == 0) {
        *name_len = (vend - 14) - ws_before(s, vend - 14);
    } else if (v > 0 && is_digit(s[v]) && memchr(s + v, '.', vend - v)) {
        *why = "the version is not 2 to 4 numbers up to 65535";
        return 1;
    } else {
        *name_len = vend; /* no version given */
    }
    if (*name_len == 0) {
        *why = "no file name before the version";
        return 1;
    }
    p->row.size = size;
    return 0;
}

/* NAME VERSION SIZE run together: every way to cut it into a file name, a
 * version (or "Not Applicable") and a size with well-formed thousands
 * groups.  The longest name wins; the readings that remain (at most three:
 * the size's first group has one to three digits) are kept for
 * resolve_ambiguous. */
static int split_run(article *a, const char *s, size_t n, expect_pending *p, size_t *name_len,
                     const char **why)
{
    expect_reading r[EXPECT_MAX_READINGS];
    size_t nr = 0, best_name = 0, vstart[EXPECT_MAX_READINGS], vend[EXPECT_MAX_READINGS];
    bool any_size = false;
    *why = "no size with thousands separators before the date";
    /* k: where the size starts, latest first (shortest size, longest
     * version); a size is at most SIZE_MAX_TEXT characters, a version at
     * most VERSION_MAX_TEXT: a long line costs no more than a short one */
    size_t k_min = n > SIZE_MAX_TEXT ? n - SIZE_MAX_TEXT : 1;
    for (size_t k = n; k-- > k_min;) {
        int64_t size;
        if (!mum__expect_size(s + k, n - k, true, &size))
            continue;
        any_size = true;
        size_t e = k - ws_before(s, k);
        if (e >= 14 && mum__ascii_strncasecmp(s + e - 14, "not applicable", 14) == 0) {
            size_t nl = (e - 14) - ws_before(s, e - 14);
            if (nl > 0 && nl >= best_name) {
                if (nl > best_name)
                    nr = 0;
                best_name = nl;
                if (nr < EXPECT_MAX_READINGS) {
                    vstart[nr] = vend[nr] = 0;
                    r[nr++] = (expect_reading){NULL, size};
                }
            }
            continue;
        }
        /* j: where the version starts */
        for (size_t j = e; j-- > 0;) {
            if ((!is_digit(s[j]) && s[j] != '.') || e - j > VERSION_MAX_TEXT)
                break;
            if (!is_digit(s[j]) || (j > 0 && is_digit(s[j - 1])) ||
                !mum__expect_version(s + j, e - j))
                continue;
            size_t nl = j - ws_before(s, j);
            if (nl == 0 || !file_name(s, nl, false) || nl < best_name)
                continue;
            if (nl > best_name)
                nr = 0;
            best_name = nl;
            if (nr < EXPECT_MAX_READINGS) {
                vstart[nr] = j;
                vend[nr] = e;
                r[nr++] = (expect_reading){NULL, size};
            }
        }
        /* no version at all: then the name's extension is letters only */
        if (file_name(s, e, true) && e >= best_name && !(e > 0 && is_digit(s[e - 1]))) {
            if (e > best_name)
                nr = 0;
            best_name = e;
            if (nr < EXPECT_MAX_READINGS) {
                vstart[nr] = vend[nr] = 0;
                r[nr++] = (expect_reading){NULL, size};
            }
        }
    }
    if (nr == 0) {
        if (any_size)
            *why = "no file name and version (or Not Applicable) before the size";
        return 1;
    }
    bool nomem = false;
    for (size_t i = 0; i < nr; i++)
        if (vend[i] > vstart[i])
            r[i].version = version_str(a->b, s + vstart[i], vend[i] - vstart[i], &nomem);
    if (nomem)
        return mum__nomem(a->b->ctx);
    p->row.version = r[0].version;
    p->row.size = r[0].size;
    if (nr > 1) {
        p->nreadings = nr;
        memcpy(p->readings, r, nr * sizeof r[0]);
    }
    *name_len = best_name;
    return 0;
}

/* A row of a name-first table without its last `strip` cells, or 1 with
 * *why when it is not one. */
static int parse_name_first_cells(article *a, size_t line, const char *s, size_t n, size_t strip,
                                  const char **why)
{
    expect_pending p = {.row = {.kind = MUM_EXPECT_FILE, .size = -1, .line = line}};
    size_t end = n, pat = 0, plen = 0;
    const char *platform = NULL;
    /* the cells after the platform: the last tab-separated ones (a '|'
     * table's bars are tabs by now), else the last words ("Not
     * Applicable" is one) */
    for (size_t x = 0; x < strip; x++) {
        const char *tab = NULL;
        for (size_t i = end; i-- > 0;)
            if (s[i] == '\t') {
                tab = s + i;
                break;
            }
        if (tab) {
            end = (size_t)(tab - s);
        } else if (end >= 14 && mum__ascii_strncasecmp(s + end - 14, "not applicable", 14) == 0) {
            end -= 14;
        } else {
            size_t w = end;
            while (w > 0 && !ws_at(s, end, w - 1))
                w--;
            if (w == 0) {
                *why = "no cells after the platform (SP requirement, Service branch) apart from it";
                return 1;
            }
            end = w;
        }
        end -= ws_before(s, end);
    }
    if (a->has_platform) {
        if (!take_platform(s, &end, &pat, &plen)) {
            *why = "no platform (x86, x64, IA-64, ARM64, Not Applicable, ...) at its end";
            return 1;
        }
        platform = s + pat;
        end -= ws_before(s, end);
    }
    char date[11], time[6];
    if (end >= 5 && mum__expect_time(s + end - 5, 5, true, time)) {
        end -= 5;
    } else if (end >= 4 && mum__expect_time(s + end - 4, 4, false, time) &&
               (end == 4 || ws_at(s, end, end - 5))) {
        end -= 4;
    } else {
        *why = a->has_platform ? "no time hh:mm before the platform" : "no time hh:mm at its end";
        return 1;
    }
    end -= ws_before(s, end);
    if (end >= 11 && mum__expect_date(s + end - 11, 11, true, date)) {
        end -= 11;
    } else if (end >= 10 && mum__expect_date(s + end - 10, 10, false, date) &&
               (end == 10 || ws_at(s, end, end - 11))) {
        end -= 10;
    } else {
        *why = "no date dd-Mon-yyyy before the time";
        return 1;
    }
    end -= ws_before(s, end);
    size_t name_len = 0;
    int rc = 1;
    bool spaced = end > 0 && (ws_at(s, end, end - 1) || memchr(s, ' ', end) || memchr(s, '\t', end));
    /* spaced cells first; a name with spaces in it may still be run together with its version */
    if (spaced)
        rc = split_spaced(a, s, end, &p, &name_len, why);
    if (rc == 1) {
        const char *why_spaced = *why;
        p.row.version = NULL;
        rc = split_run(a, s, end, &p, &name_len, why);
        if (rc == 1 && spaced)
            *why = why_spaced;
    }
    if (rc != 0)
        return rc;
    return add_row(a, &p, s, name_len, platform, plen, date, time);
}

/* A row of a name-first table: the cells after the platform that the
 * header names may be empty, and then not there at all. */
static int parse_name_first(article *a, size_t line, const char *s, size_t n, const char **why)
{
    int rc = parse_name_first_cells(a, line, s, n, a->extra, why);
    for (size_t strip = a->extra; rc == 1 && strip-- > 0;) {
        const char *ignored;
        rc = parse_name_first_cells(a, line, s, n, strip, &ignored);
    }
    return rc;
}

/* The white-space separated cells of a line. */
typedef struct cells {
    size_t at[16], len[16];
    size_t n;
} cells;

static void split_cells(const char *s, size_t n, cells *c)
{
    c->n = 0;
    size_t i = 0, w;
    while (i < n && c->n < MUM_ARRAY_LEN(c->at)) {
        while ((w = ws_at(s, n, i)) != 0)
            i += w;
        if (i >= n)
            break;
        size_t start = i;
        while (i < n && !ws_at(s, n, i))
            i++;
        c->at[c->n] = start;
        c->len[c->n++] = i - start;
    }
    if (i < n) /* more cells than kept: the last one takes the rest */
        c->len[c->n - 1] = n - c->at[c->n - 1];
}

/* A row of a date-first fixed-width table. */
static int parse_date_first(article *a, size_t line, const char *s, size_t n, const char **why)
{
    expect_pending p = {.row = {.kind = MUM_EXPECT_FILE, .size = -1, .line = line}};
    cells c;
    split_cells(s, n, &c);
    char date[11], time[6];
    if (c.n < 1 || !mum__expect_date(s + c.at[0], c.len[0], false, date)) {
        *why = "no date dd-Mon-yyyy at its start";
        return 1;
    }
    if (c.n < 2 || !mum__expect_time(s + c.at[1], c.len[1], false, time)) {
        *why = "no time hh:mm after the date";
        return 1;
    }
    size_t k = 2;
    int64_t size;
    if (k < c.n && mum__expect_version(s + c.at[k], c.len[k])) {
        if (!(p.row.version = mum__expect_str(a->b, s + c.at[k], c.len[k])))
            return mum__nomem(a->b->ctx);
        k++;
    } else if (k + 1 < c.n && c.len[k] == 3 && mum__ascii_strncasecmp(s + c.at[k], "not", 3) == 0 &&
               c.len[k + 1] == 10 && mum__ascii_strncasecmp(s + c.at[k + 1], "applicable", 10) == 0) {
        k += 2;
    }
    if (k >= c.n || !mum__expect_size(s + c.at[k], c.len[k], false, &size)) {
        *why = k == 2 ? "no version or size after the time" : "no size after the version";
        return 1;
    }
    p.row.size = size;
    k++;
    size_t last = c.n; /* the name: cells k .. last-1 */
    const char *platform = NULL;
    size_t plen = 0;
    if (a->has_platform && last > k + 1) {
        bool na;
        size_t pl = last - 1;
        if (last > k + 2 && c.len[pl - 1] == 3 && mum__ascii_strncasecmp(s + c.at[pl - 1], "not", 3) == 0 &&
            c.len[pl] == 10 && mum__ascii_strncasecmp(s + c.at[pl], "applicable", 10) == 0) {
            last -= 2;
        } else if (mum__expect_platform(s + c.at[pl], c.len[pl], &na) || na) {
            platform = s + c.at[pl];
            plen = c.len[pl];
            last--;
        }
    }
    if (k >= last) {
        *why = "no file name after the size";
        return 1;
    }
    size_t name_end = c.at[last - 1] + c.len[last - 1];
    return add_row(a, &p, s + c.at[k], name_end - c.at[k], platform, plen, date, time);
}

/* ---- the "Additional file information" blocks ---- */

enum block_field { F_NAME, F_VERSION, F_SIZE, F_DATE, F_TIME, F_PLATFORM, F_IGNORED };

/* The field a block line starts with, its value after it. */
static int block_field(const aline *l, aline *value)
{
    static const struct {
        const char *label;
        int field;
    } labels[] = {
        {"file name", F_NAME},        {"file version", F_VERSION},  {"file size", F_SIZE},
        {"date (utc)", F_DATE},       {"time (utc)", F_TIME},       {"date", F_DATE},
        {"time", F_TIME},             {"platform", F_PLATFORM},     {"sp requirement", F_IGNORED},
        {"service branch", F_IGNORED},
    };
    for (size_t i = 0; i < MUM_ARRAY_LEN(labels); i++) {
        size_t k = strlen(labels[i].label);
        if (!starts_ci(l->s, l->n, labels[i].label))
            continue;
        aline v = trim(l->s + k, l->n - k);
        if (v.n && v.s[0] == ':')
            v = trim(v.s + 1, v.n - 1);
        if (v.n && v.s[0] == '|') /* "| File name | Update.mum |" */
            v = trim(v.s + 1, v.n - 1);
        while (v.n && v.s[v.n - 1] == '|')
            v = trim(v.s, v.n - 1);
        *value = v;
        return labels[i].field;
    }
    return -1;
}

/* Whether line i starts a block: "File name X" and, next, another field. */
static bool block_start(const article *a, size_t i)
{
    aline v;
    if (block_field(&a->lines[i], &v) != F_NAME || v.n == 0)
        return false;
    for (size_t k = i + 1; k < a->nlines; k++) {
        if (a->lines[k].n == 0)
            continue;
        int f = block_field(&a->lines[k], &v);
        return f > F_NAME;
    }
    return false;
}

/* The block starting at line i; *next: the line after it. */
static int parse_block(article *a, size_t i, size_t *next)
{
    expect_pending p = {.row = {.kind = MUM_EXPECT_ADDITIONAL, .size = -1, .line = i + 1}};
    aline name, platform = {NULL, 0};
    char date[11], time[6];
    bool have_date = false, have_time = false;
    unsigned seen = 1u << F_NAME;
    block_field(&a->lines[i], &name);
    size_t k = i + 1;
    for (; k < a->nlines; k++) {
        aline v;
        int f = block_field(&a->lines[k], &v);
        if (f < 0 || f == F_NAME)
            break;
        size_t line = k + 1;
        static const char *const field_names[] = {"File name", "File version", "File size",
                                                  "Date", "Time", "Platform"};
        char q[EXPECT_QUOTE_MAX];
        if (f != F_IGNORED && (seen & (1u << f)))
            return mum__expect_fail(a->b, line,
                                    "a second %s line in the block of %s (is a 'File name' line "
                                    "missing?)",
                                    field_names[f], mum__expect_quote(q, name.s, name.n));
        seen |= 1u << f;
        bool na = false;
        const char *what = NULL;
        switch (f) {
        case F_VERSION:
            if (mum__expect_version(v.s, v.n)) {
                if (!(p.row.version = mum__expect_str(a->b, v.s, v.n)))
                    return mum__nomem(a->b->ctx);
            } else if (!(mum__expect_platform(v.s, v.n, &na) == NULL && na)) {
                what = "File version is neither a version nor Not Applicable";
            }
            break;
        case F_SIZE:
            if (!mum__expect_size(v.s, v.n, false, &p.row.size))
                what = "File size is not a number of bytes";
            break;
        case F_DATE:
            if (!(have_date = mum__expect_date(v.s, v.n, false, date)))
                what = "Date is not dd-Mon-yyyy";
            break;
        case F_TIME:
            if (!(have_time = mum__expect_time(v.s, v.n, false, time)))
                what = "Time is not hh:mm";
            break;
        case F_PLATFORM:
            if (mum__expect_platform(v.s, v.n, &na) || na)
                platform = v;
            else
                what = "Platform is not a platform (x86, x64, IA-64, ARM64, Not Applicable, ...)";
            break;
        default: break;
        }
        if (what)
            return mum__expect_fail(a->b, line, "a block that fits no layout: %s: '%s'", what,
                                    mum__expect_quote(q, v.s, v.n));
    }
    *next = k;
    return add_row(a, &p, name.s, name.n, platform.s, platform.n, have_date ? date : NULL,
                   have_time ? time : NULL);
}

/* ---- the article ---- */

/* Counts of versions, by key: 'U' (rows read one way only) or 'C' (the
 * readings of ambiguous rows), then the scope ('s' + section, 'n' for rows
 * without a heading, 'a' for the whole article), then the version. */
typedef struct votes {
    mum_strmap map; /* key -> index + 1 into count */
    size_t *count;
    size_t len, cap;
} votes;

static char *vote_key(char tag, char scope, const char *section, const char *version)
{
    if (scope == 's' && !section)
        scope = 'n';
    return mum__asprintf("%c%c%s\x01%s", tag, scope, scope == 's' ? section : "", version);
}

static int vote_add(votes *v, char tag, char scope, const char *section, const char *version)
{
    char *key = vote_key(tag, scope, section, version);
    if (!key || !mum__grow((void **)&v->count, &v->cap, v->len + 1, sizeof *v->count)) {
        mum__free(key);
        return MUM_ENOMEM;
    }
    void *existing;
    CHECK(mum__strmap_put(&v->map, key, (void *)(uintptr_t)(v->len + 1), &existing));
    if (existing)
        v->count[(uintptr_t)existing - 1]++;
    else
        v->count[v->len++] = 1;
    return MUM_OK;
}

static int vote_get(votes *v, char tag, char scope, const char *section, const char *version,
                    size_t *out)
{
    char *key = vote_key(tag, scope, section, version);
    if (!key)
        return MUM_ENOMEM;
    uintptr_t at = (uintptr_t)mum__strmap_get(&v->map, key);
    mum__free(key);
    *out = at ? v->count[at - 1] : 0;
    return MUM_OK;
}

/* Rows whose version and size could be split more ways than one take the
 * reading whose version, in this order, most rows read one way only share
 * in the same section, then in the article; else the one most other
 * ambiguous rows of the section, then of the article, could also be read
 * as; else the longest version.  Each step decides only with a single
 * best reading. */
static int resolve_ambiguous(expect_build *b)
{
    votes v;
    memset(&v, 0, sizeof v);
    int rc = MUM_OK;
    for (size_t i = 0; i < b->count && rc == MUM_OK; i++) {
        expect_pending *p = &b->rows[i];
        if (p->nreadings < 2) {
            if (p->row.version && (rc = vote_add(&v, 'U', 's', p->row.section, p->row.version)) == MUM_OK)
                rc = vote_add(&v, 'U', 'a', NULL, p->row.version);
            continue;
        }
        for (size_t r = 0; r < p->nreadings && rc == MUM_OK; r++)
            if (p->readings[r].version &&
                (rc = vote_add(&v, 'C', 's', p->row.section, p->readings[r].version)) == MUM_OK)
                rc = vote_add(&v, 'C', 'a', NULL, p->readings[r].version);
    }
    static const struct {
        char tag, scope;
        size_t floor; /* a candidate count includes the row itself */
    } steps[] = {{'U', 's', 0}, {'U', 'a', 0}, {'C', 's', 1}, {'C', 'a', 1}};
    for (size_t i = 0; i < b->count && rc == MUM_OK; i++) {
        expect_pending *p = &b->rows[i];
        if (p->nreadings < 2)
            continue;
        size_t best = 0;
        for (size_t st = 0; st < MUM_ARRAY_LEN(steps) && rc == MUM_OK; st++) {
            size_t top = 0, at = 0, ties = 0;
            for (size_t r = 0; r < p->nreadings && rc == MUM_OK; r++) {
                size_t c = 0;
                if (p->readings[r].version)
                    rc = vote_get(&v, steps[st].tag, steps[st].scope, p->row.section,
                                  p->readings[r].version, &c);
                if (c > top) {
                    top = c;
                    at = r;
                    ties = 0;
                } else if (c == top) {
                    ties++;
                }
            }
            if (top > steps[st].floor && ties == 0) {
                best = at;
                break;
            }
        }
        p->row.version = p->readings[best].version;
        p->row.size = p->readings[best].size;
        p->nreadings = 1;
    }
    mum__strmap_free(&v.map);
    mum__free(v.count);
    return rc == MUM_OK ? MUM_OK : mum__nomem(b->ctx);
}

/* The title (the first line that is not a web archive's notice) and the KB
 * number ("Article ID: 943650", else the last "KB943650" of the Keywords). */
static int title_and_kb(article *a)
{
    expect_build *b = a->b;
    for (size_t i = 0; i < a->nlines && !b->title; i++) {
        const aline *l = &a->lines[i];
        if (l->n == 0 || starts_ci(l->s, l->n, "notice:"))
            continue;
        size_t n = l->n;
        if (n > TITLE_MAX) {
            n = TITLE_MAX; /* not inside a UTF-8 sequence */
            while (n > 0 && ((unsigned char)l->s[n] & 0xC0) == 0x80)
                n--;
        }
        if (!(b->title = mum__expect_str(b, l->s, n)))
            return mum__nomem(b->ctx);
    }
    const char *kb = NULL;
    size_t kb_len = 0;
    for (size_t i = 0; i < a->nlines; i++) {
        const aline *l = &a->lines[i];
        if (starts_ci(l->s, l->n, "article id")) {
            size_t k = 10;
            while (k < l->n && (ws_at(l->s, l->n, k) || l->s[k] == ':'))
                k++;
            size_t d = k;
            while (d < l->n && is_digit(l->s[d]))
                d++;
            if (d > k && d - k <= 8) {
                kb = l->s + k;
                kb_len = d - k;
                break;
            }
        }
        if (starts_ci(l->s, l->n, "keywords")) {
            for (size_t k = 0; k + 2 < l->n; k++) {
                if (l->s[k] != 'K' || l->s[k + 1] != 'B' || (k > 0 && is_alpha(l->s[k - 1])))
                    continue;
                size_t d = k + 2;
                while (d < l->n && is_digit(l->s[d]))
                    d++;
                if (d - (k + 2) >= 5 && d - (k + 2) <= 8) {
                    kb = l->s + k + 2;
                    kb_len = d - (k + 2);
                }
            }
        }
    }
    if (kb && !(b->kb = mum__expect_str(b, kb, kb_len)))
        return mum__nomem(b->ctx);
    return MUM_OK;
}

static int run(article *a)
{
    expect_build *b = a->b;
    for (size_t i = 0; i < a->nlines; i++) {
        aline l = a->lines[i];
        size_t line = i + 1;
        if (memchr(l.s, '\0', l.n))
            return mum__expect_fail(b, line, "a NUL byte: not text");
        if (l.n == 0 || rule_line(&l))
            continue;
        bool platform;
        size_t extra;
        table_kind kind = header_kind(&l, &platform, &extra);
        if (kind != T_NONE) {
            a->table = kind;
            a->has_platform = platform;
            a->extra = extra;
            a->header_line = line;
            open_section(a);
            continue;
        }
        if (block_start(a, i)) {
            open_section(a);
            a->table = T_NONE;
            size_t next;
            CHECK(parse_block(a, i, &next));
            i = next - 1;
            continue;
        }
        if (a->table != T_NONE) {
            const char *why = NULL;
            int rc = a->table == T_NAME_FIRST ? parse_name_first(a, line, l.s, l.n, &why)
                                              : parse_date_first(a, line, l.s, l.n, &why);
            if (rc < 0)
                return rc;
            if (rc == 0)
                continue;
            if (row_like(&l))
                return fail_row(a, line, why);
            a->table = T_NONE; /* prose: the table has ended */
        }
        aline h = heading_of(&l);
        if (h.n > 0 && !(starts_ci(h.s, h.n, "file property") && h.n < 20)) {
            if (!(a->heading = mum__expect_str(b, h.s, h.n)))
                return mum__nomem(b->ctx);
        }
    }
    CHECK(resolve_ambiguous(b));
    return title_and_kb(a);
}

int mum__expect_article(expect_build *b, const char *data, size_t size)
{
    article a = {.b = b};
    size_t cap = 0;
    for (size_t pos = 0; pos < size;) {
        const char *s = data + pos;
        const char *nl = memchr(s, '\n', size - pos);
        size_t n = nl ? (size_t)(nl - s) : size - pos;
        pos += n + (nl ? 1 : 0);
        if (a.nlines == ARTICLE_MAX_LINES) {
            mum__free(a.lines);
            mum_location loc = {.input = b->source};
            return mum__error(b->ctx, MUM_ELIMIT, &loc, "more than %d lines: not a KB article",
                              ARTICLE_MAX_LINES);
        }
        if (!mum__grow((void **)&a.lines, &cap, a.nlines + 1, sizeof *a.lines)) {
            mum__free(a.lines);
            return mum__nomem(b->ctx);
        }
        aline l = trim(s, n);
        if (l.n && l.s[0] == '|') {
            /* a '|' table: its bars are tabs between cells */
            char *copy = mum__expect_str(b, l.s, l.n);
            if (!copy) {
                mum__free(a.lines);
                return mum__nomem(b->ctx);
            }
            for (size_t k = 0; k < l.n; k++)
                if (copy[k] == '|')
                    copy[k] = '\t';
            l = trim(copy, l.n);
        }
        a.lines[a.nlines++] = l;
    }
    int rc = run(&a);
    mum__free(a.lines);
    return rc;
}
