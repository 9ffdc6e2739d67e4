/*
 * expect.c - the expected contents of a hotfix (mum/expect.h): the table,
 * the values its cells may hold, and which reader an input is for: KB
 * article text (expect_article.c) or mumtool's own TSV and JSON forms
 * (expect_own.c).
 *
 * A table keeps every string in one arena of its own: rows share their
 * section, source and architecture strings, and freeing is one walk.
 */
#include "config.h"

#include "expect_internal.h"
#include "io.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* An input larger than this is not an article, nor a table anyone wrote. */
#define EXPECT_MAX_INPUT (64u << 20)
#define EXPECT_MAX_ROWS 1000000u

/* ---- the arena and the table ---- */

typedef struct expect_chunk {
    struct expect_chunk *next;
    size_t used, cap;
    char data[];
} expect_chunk;

struct expect_arena {
    expect_chunk *head;
};

typedef struct expect_table {
    mum_expect pub; /* first: a mum_expect * is an expect_table * */
    struct expect_arena arena;
    mum_expect_row *rows;
    size_t cap;
    mum_expect_source *sources;
    size_t source_cap;
} expect_table;

static char *arena_alloc(struct expect_arena *a, size_t n)
{
    expect_chunk *c = a->head;
    if (!c || c->cap - c->used < n) {
        size_t cap = n > 8192 ? n : 8192;
        c = mum__malloc(sizeof *c + cap);
        if (!c)
            return NULL;
        c->used = 0;
        c->cap = cap;
        c->next = a->head;
        a->head = c;
    }
    char *p = c->data + c->used;
    c->used += n;
    return p;
}

static void arena_free(struct expect_arena *a)
{
    for (expect_chunk *c = a->head, *next; c; c = next) {
        next = c->next;
        mum__free(c);
    }
    a->head = NULL;
}

char *mum__expect_str(expect_build *b, const char *s, size_t n)
{
    if (n >= SIZE_MAX / 2)
        return NULL;
    char *p = arena_alloc(b->arena, n + 1);
    if (!p)
        return NULL;
    for (size_t i = 0; i < n; i++)
        p[i] = (s[i] == '\t' || s[i] == '\r' || s[i] == '\n') ? ' ' : s[i];
    p[n] = '\0';
    return p;
}

int mum__expect_add(expect_build *b, const expect_pending *p)
{
    if (b->count >= EXPECT_MAX_ROWS)
        return mum__expect_fail(b, p->row.line, "more than %u rows", EXPECT_MAX_ROWS);
    if (!mum__grow((void **)&b->rows, &b->cap, b->count + 1, sizeof *b->rows))
        return mum__nomem(b->ctx);
    b->rows[b->count] = *p;
    b->rows[b->count].row.source = b->source;
    b->count++;
    return MUM_OK;
}

int mum__expect_fail(expect_build *b, size_t line, const char *fmt, ...)
{
    mum_location loc = {.input = b->source, .line = line > UINT32_MAX ? 0 : (uint32_t)line};
    va_list ap;
    va_start(ap, fmt);
    int rc = mum__verror(b->ctx, MUM_EFORMAT, &loc, fmt, ap);
    va_end(ap);
    return rc;
}

const char *mum__expect_quote(char out[EXPECT_QUOTE_MAX], const char *s, size_t n)
{
    size_t k = n > 80 ? 80 : n;
    for (size_t i = 0; i < k; i++)
        out[i] = ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) ? '?' : s[i];
    memcpy(out + k, n > k ? "..." : "", n > k ? 4 : 1);
    return out;
}

void mum_expect_free(mum_expect *e)
{
    if (!e)
        return;
    expect_table *t = (expect_table *)e;
    mum__free(t->rows);
    mum__free(t->sources);
    arena_free(&t->arena);
    mum__free(t);
}

/* ---- values ---- */

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

bool mum__expect_date(const char *s, size_t n, bool two_digit_day, char out[11])
{
    static const char months[12][4] = {"jan", "feb", "mar", "apr", "may", "jun",
                                       "jul", "aug", "sep", "oct", "nov", "dec"};
    size_t dd = (n == 11) ? 2 : (n == 10 && !two_digit_day) ? 1 : 0;
    if (dd == 0 || !is_digit(s[0]) || (dd == 2 && !is_digit(s[1])) || s[dd] != '-' ||
        s[dd + 4] != '-')
        return false;
    int day = dd == 2 ? (s[0] - '0') * 10 + (s[1] - '0') : s[0] - '0';
    int month = 0;
    for (int m = 0; m < 12; m++)
        if (mum__ascii_strncasecmp(s + dd + 1, months[m], 3) == 0)
            month = m + 1;
    const char *y = s + dd + 5;
    if (month == 0 || day < 1 || day > 31 || !is_digit(y[0]) || !is_digit(y[1]) ||
        !is_digit(y[2]) || !is_digit(y[3]))
        return false;
    memcpy(out, y, 4);
    out[4] = '-';
    out[5] = (char)('0' + month / 10);
    out[6] = (char)('0' + month % 10);
    out[7] = '-';
    out[8] = (char)('0' + day / 10);
    out[9] = (char)('0' + day % 10);
    out[10] = '\0';
    return true;
}

bool mum__expect_time(const char *s, size_t n, bool strict, char out[6])
{
    size_t hh = (n == 5) ? 2 : (n == 4 && !strict) ? 1 : 0;
    if (hh == 0 || !is_digit(s[0]) || (hh == 2 && !is_digit(s[1])) || s[hh] != ':' ||
        !is_digit(s[hh + 1]) || !is_digit(s[hh + 2]))
        return false;
    int h = hh == 2 ? (s[0] - '0') * 10 + (s[1] - '0') : s[0] - '0';
    int m = (s[hh + 1] - '0') * 10 + (s[hh + 2] - '0');
    if (h > 23 || m > 59)
        return false;
    out[0] = (char)('0' + h / 10);
    out[1] = (char)('0' + h % 10);
    out[2] = ':';
    out[3] = (char)('0' + m / 10);
    out[4] = (char)('0' + m % 10);
    out[5] = '\0';
    return true;
}

bool mum__expect_version(const char *s, size_t n)
{
    size_t parts = 0, i = 0;
    while (i < n) {
        size_t start = i;
        unsigned long v = 0;
        while (i < n && is_digit(s[i]) && i - start < 6)
            v = v * 10 + (unsigned long)(s[i++] - '0');
        size_t len = i - start;
        if (len == 0 || v > 65535 || (len > 1 && s[start] == '0'))
            return false;
        parts++;
        if (i == n)
            break;
        if (s[i] != '.' || i + 1 == n)
            return false;
        i++;
    }
    return parts >= 2 && parts <= 4;
}

bool mum__expect_size(const char *s, size_t n, bool grouped_only, int64_t *out)
{
    if (n == 0 || !is_digit(s[0]))
        return false;
    bool grouped = memchr(s, ',', n) != NULL;
    size_t lead = 0;
    while (lead < n && is_digit(s[lead]))
        lead++;
    if (grouped) {
        if (lead > 3)
            return false;
        for (size_t i = lead; i < n; i += 4)
            if (n - i < 4 || s[i] != ',' || !is_digit(s[i + 1]) || !is_digit(s[i + 2]) ||
                !is_digit(s[i + 3]))
                return false;
    } else if (lead != n || (grouped_only && n > 3)) {
        return false;
    }
    if (n > 1 && s[0] == '0')
        return false;
    int64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == ',')
            continue;
        if (v > (INT64_MAX - 9) / 10)
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

const char *mum__expect_platform(const char *s, size_t n, bool *not_applicable)
{
    static const struct {
        const char *text;
        const char *arch; /* NULL: not applicable */
    } names[] = {
        {"x86", "x86"},     {"x64", "amd64"},    {"amd64", "amd64"},   {"x86_64", "amd64"},
        {"ia-64", "ia64"},  {"ia64", "ia64"},    {"itanium", "ia64"},  {"arm64", "arm64"},
        {"arm", "arm"},     {"not applicable", NULL}, {"n/a", NULL},
    };
    *not_applicable = false;
    for (size_t i = 0; i < MUM_ARRAY_LEN(names); i++)
        if (strlen(names[i].text) == n && mum__ascii_strncasecmp(s, names[i].text, n) == 0) {
            *not_applicable = names[i].arch == NULL;
            return names[i].arch;
        }
    return NULL;
}

/* Whether `word` occurs in s, case-insensitive, not inside a longer word
 * of letters and digits. */
static bool has_word(const char *s, const char *word)
{
    size_t n = strlen(s), w = strlen(word);
    for (size_t i = 0; i + w <= n; i++) {
        if (mum__ascii_strncasecmp(s + i, word, w) != 0)
            continue;
        bool before = i > 0 && (isalnum((unsigned char)s[i - 1]) || s[i - 1] == '-');
        bool after = i + w < n && isalnum((unsigned char)s[i + w]);
        if (!before && !after)
            return true;
    }
    return false;
}

const char *mum__expect_heading_arch(const char *heading)
{
    if (!heading)
        return NULL;
    static const struct {
        const char *word;
        const char *arch;
    } words[] = {
        {"x86", "x86"},     {"32-bit", "x86"},   {"x64", "amd64"},     {"amd64", "amd64"},
        {"64-bit", "amd64"}, {"ia-64", "ia64"},  {"ia64", "ia64"},     {"itanium", "ia64"},
        {"arm64", "arm64"},
    };
    const char *found = NULL;
    for (size_t i = 0; i < MUM_ARRAY_LEN(words); i++)
        if (has_word(heading, words[i].word)) {
            if (found && strcmp(found, words[i].arch) != 0)
                return NULL; /* "32-bit and 64-bit": which one is not said */
            found = words[i].arch;
        }
    return found;
}

const char *mum__expect_name_arch(const char *name)
{
    static const char *const archs[] = {"x86", "amd64", "wow64", "ia64", "arm64", "arm", "msil"};
    if (!name || !mum__ascii_ends_with_ci(name, ".manifest"))
        return NULL;
    for (size_t i = 0; i < MUM_ARRAY_LEN(archs); i++) {
        size_t n = strlen(archs[i]);
        if (mum__ascii_strncasecmp(name, archs[i], n) == 0 && name[n] == '_')
            return archs[i];
    }
    return NULL;
}

/* ---- the API ---- */

static int table_new(expect_table **out, mum_ctx *ctx)
{
    expect_table *t = mum__calloc(1, sizeof *t);
    if (!t)
        return mum__nomem(ctx);
    *out = t;
    return MUM_OK;
}

/* Moves a whole source's rows into the table. */
static int table_take(expect_table *t, expect_build *b)
{
    size_t have = t->pub.count;
    if (!mum__grow((void **)&t->rows, &t->cap, have + b->count, sizeof *t->rows) ||
        !mum__grow((void **)&t->sources, &t->source_cap, t->pub.source_count + 1, sizeof *t->sources))
        return mum__nomem(b->ctx);
    for (size_t i = 0; i < b->count; i++)
        t->rows[have + i] = b->rows[i].row;
    t->sources[t->pub.source_count] =
        (mum_expect_source){.file = b->source, .title = b->title, .kb = b->kb};
    t->pub.source_count++;
    t->pub.count = have + b->count;
    t->pub.rows = t->rows;
    t->pub.sources = t->sources;
    t->pub.source = t->sources[0].file;
    t->pub.title = t->sources[0].title;
    t->pub.kb = t->sources[0].kb;
    return MUM_OK;
}

int mum_expect_parse(mum_expect **out, mum_ctx *ctx, const char *source, const void *data,
                     size_t size)
{
    if (!out || (!data && size))
        return mum__error(ctx, MUM_EINVAL, NULL, "mum_expect_parse: no table or no data");
    if (!source)
        source = "-";
    if (size > EXPECT_MAX_INPUT) {
        mum_location loc = {.input = source};
        return mum__error(ctx, MUM_ELIMIT, &loc, "larger than %u MiB: not expected contents",
                          EXPECT_MAX_INPUT >> 20);
    }
    const char *text = size ? data : "";
    expect_table *t = (expect_table *)*out;
    bool fresh = t == NULL;
    if (fresh)
        CHECK(table_new(&t, ctx));
    expect_build b = {.ctx = ctx, .arena = &t->arena};
    int rc = MUM_OK;
    if (!(b.source = mum__expect_str(&b, source, strlen(source)))) {
        rc = mum__nomem(ctx);
        goto done;
    }
    size_t i = 0;
    if (size >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        i = 3; /* a byte order mark */
    size_t first = i;
    while (first < size && (text[first] == ' ' || text[first] == '\t' || text[first] == '\r' ||
                            text[first] == '\n'))
        first++;
    if (size - i >= 15 && memcmp(text + i, "#mumtool-expect", 15) == 0)
        rc = mum__expect_tsv(&b, text + i, size - i);
    else if (first < size && text[first] == '{')
        rc = mum__expect_json(&b, text, size, first);
    else
        rc = mum__expect_article(&b, text, size);
    if (rc == MUM_OK && b.count == 0) {
        mum_location loc = {.input = b.source};
        rc = mum__error(ctx, MUM_EFORMAT, &loc, "no file table found");
    }
    if (rc == MUM_OK)
        rc = table_take(t, &b);
done:
    mum__free(b.rows);
    if (rc != MUM_OK) {
        if (fresh)
            mum_expect_free(&t->pub);
        return rc;
    }
    *out = &t->pub;
    return MUM_OK;
}

int mum_expect_read(mum_expect **out, mum_ctx *ctx, const char *path)
{
    if (!out || !path)
        return mum__error(ctx, MUM_EINVAL, NULL, "mum_expect_read: no table or no path");
    bool in = strcmp(path, "-") == 0;
    mum_location loc = {.input = path};
    int fd = in ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return mum__error(ctx, MUM_EIO, &loc, "cannot open: %s", strerror(errno));
    char *buf = NULL;
    size_t len = 0, cap = 0;
    int rc = MUM_OK;
    for (;;) {
        if (len == cap) {
            size_t want = cap ? cap * 2 : 65536;
            if (want > EXPECT_MAX_INPUT + 1)
                want = EXPECT_MAX_INPUT + 1;
            if (want == cap) {
                rc = mum__error(ctx, MUM_ELIMIT, &loc, "larger than %u MiB: not expected contents",
                                EXPECT_MAX_INPUT >> 20);
                break;
            }
            char *p = mum__realloc(buf, want);
            if (!p) {
                rc = mum__nomem(ctx);
                break;
            }
            buf = p;
            cap = want;
        }
        ssize_t got = mum__read(fd, buf + len, cap - len);
        if (got < 0) {
            rc = mum__error(ctx, MUM_EIO, &loc, "cannot read: %s", strerror(errno));
            break;
        }
        if (got == 0)
            break;
        len += (size_t)got;
    }
    if (!in)
        close(fd);
    if (rc == MUM_OK)
        rc = mum_expect_parse(out, ctx, path, buf, len);
    mum__free(buf);
    return rc;
}
