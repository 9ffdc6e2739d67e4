/*
 * expect_own.c - mumtool's own forms of expected contents (mum/expect.h):
 * the TSV form ('#mumtool-expect v1', a line of column names, a row per
 * line) and the JSON form (what `mumtool expect parse --format json`
 * prints), read with the same checks of each value.
 */
#include "config.h"

#include "expect_internal.h"

#include <stdio.h>
#include <string.h>

/* JSON: nesting of the values skipped (unknown members) and string length. */
#define EXPECT_JSON_MAX_DEPTH 64
#define EXPECT_JSON_MAX_STRING (1u << 20)

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* ---- mumtool's own TSV form ---- */

/* "943650": one to ten digits. */
static bool kb_number(const char *s, size_t n)
{
    if (n == 0 || n > 10)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!is_digit(s[i]))
            return false;
    return true;
}

enum tsv_col {
    COL_KIND, COL_SECTION, COL_NAME, COL_VERSION, COL_SIZE, COL_DATE, COL_TIME,
    COL_PLATFORM, COL_PACKAGE_ARCH, COL_ARCH, COL__COUNT
};
static const char *const tsv_col_names[COL__COUNT] = {
    "kind", "section", "name", "version", "size", "date", "time",
    "platform", "package_arch", "arch",
};

/* One cell's text into the row, checked; t[0, n) is not empty. */
static int tsv_cell(expect_build *b, size_t line, int col, const char *t, size_t n,
                    mum_expect_row *r)
{
    char buf[11], q[EXPECT_QUOTE_MAX];
    switch (col) {
    case COL_KIND:
        if (n == 4 && memcmp(t, "file", 4) == 0)
            r->kind = MUM_EXPECT_FILE;
        else if (n == 10 && memcmp(t, "additional", 10) == 0)
            r->kind = MUM_EXPECT_ADDITIONAL;
        else
            return mum__expect_fail(b, line, "kind '%s' is neither 'file' nor 'additional'",
                                    mum__expect_quote(q, t, n));
        return MUM_OK;
    case COL_SIZE: {
        int64_t v;
        if (!mum__expect_size(t, n, false, &v) || memchr(t, ',', n))
            return mum__expect_fail(b, line, "size '%s' is not a number of bytes",
                                    mum__expect_quote(q, t, n));
        r->size = v;
        return MUM_OK;
    }
    case COL_DATE:
        if (n != 10 || t[4] != '-' || t[7] != '-')
            goto bad_date;
        for (size_t i = 0; i < 10; i++)
            if (i != 4 && i != 7 && !is_digit(t[i]))
                goto bad_date;
        if (memcmp(t + 5, "01", 2) < 0 || memcmp(t + 5, "12", 2) > 0 ||
            memcmp(t + 8, "01", 2) < 0 || memcmp(t + 8, "31", 2) > 0)
            goto bad_date;
        break;
    case COL_TIME:
        if (!mum__expect_time(t, n, true, buf))
            return mum__expect_fail(b, line, "time '%s' is not hh:mm", mum__expect_quote(q, t, n));
        break;
    case COL_VERSION:
        if (!mum__expect_version(t, n))
            return mum__expect_fail(b, line, "version '%s' is not 2 to 4 numbers up to 65535",
                                    mum__expect_quote(q, t, n));
        break;
    default: break;
    }
    const char *s = mum__expect_str(b, t, n);
    if (!s)
        return mum__nomem(b->ctx);
    switch (col) {
    case COL_SECTION: r->section = s; break;
    case COL_NAME: r->name = s; break;
    case COL_VERSION: r->version = s; break;
    case COL_DATE: r->date = s; break;
    case COL_TIME: r->time = s; break;
    case COL_PLATFORM: r->platform = s; break;
    case COL_PACKAGE_ARCH: r->package_arch = s; break;
    case COL_ARCH: r->arch = s; break;
    default: break;
    }
    return MUM_OK;
bad_date:
    return mum__expect_fail(b, line, "date '%s' is not YYYY-MM-DD", mum__expect_quote(q, t, n));
}

int mum__expect_tsv(expect_build *b, const char *data, size_t size)
{
    int cols[COL__COUNT];
    size_t ncols = 0, line = 0;
    bool have_header = false;
    for (size_t pos = 0; pos < size;) {
        const char *s = data + pos;
        const char *nl = memchr(s, '\n', size - pos);
        size_t n = nl ? (size_t)(nl - s) : size - pos;
        pos += n + (nl ? 1 : 0);
        line++;
        if (n && s[n - 1] == '\r')
            n--;
        if (line == 1) {
            while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
                n--;
            if (n != 18 || memcmp(s, "#mumtool-expect v1", 18) != 0)
                return mum__expect_fail(b, 1, "not '#mumtool-expect v1': a later version of "
                                              "mumtool's own form, or not one");
            continue;
        }
        if (n == 0)
            continue;
        if (s[0] == '#') {
            /* "#kb 943650", "#title TEXT"; other comments are the writer's */
            if (n > 4 && memcmp(s, "#kb", 3) == 0 && (s[3] == ' ' || s[3] == '\t')) {
                if (!kb_number(s + 4, n - 4))
                    return mum__expect_fail(b, line, "#kb is not a KB number");
                if (!(b->kb = mum__expect_str(b, s + 4, n - 4)))
                    return mum__nomem(b->ctx);
            } else if (n > 7 && memcmp(s, "#title", 6) == 0 && (s[6] == ' ' || s[6] == '\t')) {
                if (!(b->title = mum__expect_str(b, s + 7, n - 7)))
                    return mum__nomem(b->ctx);
            }
            continue;
        }
        if (!have_header) {
            bool seen[COL__COUNT] = {false};
            for (size_t i = 0; i <= n;) {
                const char *tab = memchr(s + i, '\t', n - i);
                size_t e = tab ? (size_t)(tab - s) : n;
                int col = -1;
                for (int c = 0; c < COL__COUNT; c++)
                    if (strlen(tsv_col_names[c]) == e - i &&
                        memcmp(s + i, tsv_col_names[c], e - i) == 0)
                        col = c;
                char q[EXPECT_QUOTE_MAX];
                if (col < 0 || seen[col] || ncols == COL__COUNT)
                    return mum__expect_fail(b, line, "column '%s' is %s", mum__expect_quote(q, s + i, e - i),
                                            col < 0 ? "not one of kind, section, name, "
                                                             "version, size, date, time, platform, "
                                                             "package_arch, arch" : "named twice");
                seen[col] = true;
                cols[ncols++] = col;
                i = e + 1;
            }
            if (!seen[COL_NAME])
                return mum__expect_fail(b, line, "the column line has no 'name' column");
            have_header = true;
            continue;
        }
        expect_pending p = {.row = {.kind = MUM_EXPECT_FILE, .size = -1, .line = line}};
        size_t k = 0;
        for (size_t i = 0; i <= n; k++) {
            const char *tab = memchr(s + i, '\t', n - i);
            size_t e = tab ? (size_t)(tab - s) : n;
            if (k >= ncols)
                return mum__expect_fail(b, line, "more than the %zu cells of the column line", ncols);
            if (e > i)
                CHECK(tsv_cell(b, line, cols[k], s + i, e - i, &p.row));
            i = e + 1;
        }
        if (k != ncols)
            return mum__expect_fail(b, line, "%zu cells where the column line has %zu", k, ncols);
        if (!p.row.name)
            return mum__expect_fail(b, line, "a row without a name");
        CHECK(mum__expect_add(b, &p));
    }
    if (!have_header)
        return mum__expect_fail(b, line, "no column line after '#mumtool-expect v1'");
    return MUM_OK;
}

/* ---- mumtool's own JSON form (what `expect parse --format json` prints) ----
 * A reader for that one shape, not a general JSON parser: the members it
 * does not know are skipped (with a depth limit, without recursion). */

typedef struct jreader {
    expect_build *b;
    const char *s;
    size_t n, i, line;
    mum_sbuf str;
} jreader;

static void jws(jreader *j)
{
    while (j->i < j->n) {
        char c = j->s[j->i];
        if (c == '\n')
            j->line++;
        else if (c != ' ' && c != '\t' && c != '\r')
            return;
        j->i++;
    }
}

static int jfail(jreader *j, const char *what)
{
    if (j->i >= j->n)
        return mum__expect_fail(j->b, j->line, "JSON: %s, at the end of the input", what);
    unsigned char c = (unsigned char)j->s[j->i];
    if (c < 0x20 || c >= 0x7f)
        return mum__expect_fail(j->b, j->line, "JSON: %s, at byte 0x%02x", what, c);
    return mum__expect_fail(j->b, j->line, "JSON: %s, at '%c'", what, c);
}

static int jexpect(jreader *j, char c, const char *what)
{
    jws(j);
    if (j->i >= j->n || j->s[j->i] != c)
        return jfail(j, what);
    j->i++;
    return MUM_OK;
}

static int jhex4(jreader *j, uint32_t *out)
{
    if (j->n - j->i < 4)
        return jfail(j, "a \\u escape needs four hex digits");
    uint32_t v = 0;
    for (int k = 0; k < 4; k++) {
        int h = mum__hex_value((unsigned char)j->s[j->i + (size_t)k]);
        if (h < 0)
            return jfail(j, "a \\u escape needs four hex digits");
        v = v << 4 | (uint32_t)h;
    }
    j->i += 4;
    *out = v;
    return MUM_OK;
}

/* A string at j->i (after whitespace) into j->str (NUL-terminated). */
static int jstring(jreader *j)
{
    CHECK(jexpect(j, '"', "a string was expected"));
    j->str.len = 0;
    if (j->str.data)
        j->str.data[0] = '\0';
    for (;;) {
        if (j->i >= j->n)
            return jfail(j, "an unterminated string");
        if (j->str.len > EXPECT_JSON_MAX_STRING)
            return mum__error(j->b->ctx, MUM_ELIMIT, &(mum_location){.input = j->b->source,
                                                                      .line = (uint32_t)j->line},
                              "JSON: a string longer than %u bytes", EXPECT_JSON_MAX_STRING);
        unsigned char c = (unsigned char)j->s[j->i];
        if (c == '"') {
            j->i++;
            break;
        }
        if (c < 0x20)
            return jfail(j, "a control character in a string");
        if (c >= 0x80) {
            size_t at = j->i;
            if (mum__utf8_next(j->s, j->n, &j->i) < 0) {
                j->i = at;
                return jfail(j, "invalid UTF-8 in a string");
            }
            mum__sbuf_append(&j->str, j->s + at, j->i - at);
            continue;
        }
        j->i++;
        if (c != '\\') {
            mum__sbuf_putc(&j->str, (char)c);
            continue;
        }
        if (j->i >= j->n)
            return jfail(j, "an unterminated string");
        char e = j->s[j->i++];
        const char *simple = strchr("\"\\/bfnrt", e);
        if (e && simple) {
            static const char to[] = "\"\\/\b\f\n\r\t";
            mum__sbuf_putc(&j->str, to[simple - "\"\\/bfnrt"]);
            continue;
        }
        if (e != 'u')
            return jfail(j, "an unknown escape in a string");
        uint32_t cp;
        CHECK(jhex4(j, &cp));
        if (cp >= 0xDC00 && cp <= 0xDFFF)
            return jfail(j, "a lone low surrogate");
        if (cp >= 0xD800 && cp <= 0xDBFF) {
            uint32_t lo;
            if (j->n - j->i < 2 || j->s[j->i] != '\\' || j->s[j->i + 1] != 'u')
                return jfail(j, "a high surrogate without its low one");
            j->i += 2;
            CHECK(jhex4(j, &lo));
            if (lo < 0xDC00 || lo > 0xDFFF)
                return jfail(j, "a high surrogate without its low one");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        }
        if (cp == 0)
            return jfail(j, "a NUL character in a string");
        char u[4];
        mum__sbuf_append(&j->str, u, mum__utf8_encode(cp, u));
    }
    if (!j->str.data) /* "" */
        mum__sbuf_append(&j->str, "", 0);
    return j->str.failed ? mum__nomem(j->b->ctx) : MUM_OK;
}

static bool jliteral(jreader *j, const char *word)
{
    size_t n = strlen(word);
    if (j->n - j->i >= n && memcmp(j->s + j->i, word, n) == 0) {
        j->i += n;
        return true;
    }
    return false;
}

/* Skips a number: JSON's grammar.  *integer: a non-negative integer that
 * fits in int64 (its value in *value). */
static int jnumber(jreader *j, bool *integer, int64_t *value)
{
    bool neg = false, frac = false, big = false;
    int64_t v = 0;
    if (j->i < j->n && j->s[j->i] == '-')
        neg = true, j->i++;
    if (j->i >= j->n || !is_digit(j->s[j->i]))
        return jfail(j, "a value was expected");
    if (j->s[j->i] == '0' && j->i + 1 < j->n && is_digit(j->s[j->i + 1]))
        return jfail(j, "a number with a leading zero");
    while (j->i < j->n && is_digit(j->s[j->i])) {
        if (v > (INT64_MAX - 9) / 10)
            big = true;
        else
            v = v * 10 + (j->s[j->i] - '0');
        j->i++;
    }
    if (j->i < j->n && j->s[j->i] == '.') {
        frac = true;
        j->i++;
        if (j->i >= j->n || !is_digit(j->s[j->i]))
            return jfail(j, "a digit was expected after '.'");
        while (j->i < j->n && is_digit(j->s[j->i]))
            j->i++;
    }
    if (j->i < j->n && (j->s[j->i] == 'e' || j->s[j->i] == 'E')) {
        frac = true;
        j->i++;
        if (j->i < j->n && (j->s[j->i] == '+' || j->s[j->i] == '-'))
            j->i++;
        if (j->i >= j->n || !is_digit(j->s[j->i]))
            return jfail(j, "a digit was expected in an exponent");
        while (j->i < j->n && is_digit(j->s[j->i]))
            j->i++;
    }
    *integer = !neg && !frac && !big;
    *value = v;
    return MUM_OK;
}

/* Skips any value, nested ones without recursion. */
static int jskip(jreader *j)
{
    char stack[EXPECT_JSON_MAX_DEPTH];
    int depth = 0;
    for (;;) {
        jws(j);
        if (j->i >= j->n)
            return jfail(j, "a value was expected");
        char c = j->s[j->i];
        if (c == '{' || c == '[') {
            if (depth == EXPECT_JSON_MAX_DEPTH)
                return mum__error(j->b->ctx, MUM_ELIMIT,
                                  &(mum_location){.input = j->b->source, .line = (uint32_t)j->line},
                                  "JSON: nested deeper than %d", EXPECT_JSON_MAX_DEPTH);
            stack[depth++] = c;
            j->i++;
            jws(j);
            if (j->i < j->n && j->s[j->i] == (c == '{' ? '}' : ']')) {
                j->i++;
                depth--;
                goto after_value;
            }
            if (c == '{') {
                CHECK(jstring(j));
                CHECK(jexpect(j, ':', "':' was expected"));
            }
            continue;
        }
        if (c == '"') {
            CHECK(jstring(j));
        } else if (jliteral(j, "true") || jliteral(j, "false") || jliteral(j, "null")) {
            /* a literal */
        } else {
            bool integer;
            int64_t v;
            CHECK(jnumber(j, &integer, &v));
        }
    after_value:
        for (;;) {
            if (depth == 0)
                return MUM_OK;
            jws(j);
            char close = stack[depth - 1] == '{' ? '}' : ']';
            if (j->i < j->n && j->s[j->i] == ',') {
                j->i++;
                if (stack[depth - 1] == '{') {
                    CHECK(jstring(j));
                    CHECK(jexpect(j, ':', "':' was expected"));
                }
                break;
            }
            if (j->i < j->n && j->s[j->i] == close) {
                j->i++;
                depth--;
                continue;
            }
            return jfail(j, "',' or the end of the array or object was expected");
        }
    }
}

/* A string or null into *out (arena copy; NULL for null). */
static int jstring_or_null(jreader *j, const char *key, const char **out)
{
    jws(j);
    if (jliteral(j, "null")) {
        *out = NULL;
        return MUM_OK;
    }
    if (j->i >= j->n || j->s[j->i] != '"')
        return mum__expect_fail(j->b, j->line, "JSON: \"%s\" must be a string or null", key);
    CHECK(jstring(j));
    if (!(*out = mum__expect_str(j->b, j->str.data, j->str.len)))
        return mum__nomem(j->b->ctx);
    return MUM_OK;
}

/* Iterates the members of an object: *more, and the next member's name in
 * j->str with the reader at its value; !*more at the object's end.
 * *first tracks the first member (no ',' before it). */
static int jmember(jreader *j, bool *first, bool *more)
{
    jws(j);
    if (j->i < j->n && j->s[j->i] == '}') {
        j->i++;
        *more = false;
        return MUM_OK;
    }
    if (!*first)
        CHECK(jexpect(j, ',', "',' or '}' was expected"));
    *first = false;
    CHECK(jstring(j));
    CHECK(jexpect(j, ':', "':' was expected"));
    *more = true;
    return MUM_OK;
}

/* The same for an array's elements. */
static int jelement(jreader *j, bool *first, bool *more)
{
    jws(j);
    if (j->i < j->n && j->s[j->i] == ']') {
        j->i++;
        *more = false;
        return MUM_OK;
    }
    if (!*first)
        CHECK(jexpect(j, ',', "',' or ']' was expected"));
    *first = false;
    *more = true;
    return MUM_OK;
}

static int jfile(jreader *j)
{
    CHECK(jexpect(j, '{', "a file object was expected"));
    expect_pending p = {.row = {.kind = MUM_EXPECT_FILE, .size = -1, .line = j->line}};
    bool first = true, more;
    for (;;) {
        CHECK(jmember(j, &first, &more));
        if (!more)
            break;
        char key[16];
        snprintf(key, sizeof key, "%s", j->str.data);
        if (j->str.len >= sizeof key)
            key[0] = '\0'; /* longer than any member we know */
        int col = -1;
        for (int c = 0; c < COL__COUNT; c++)
            if (strcmp(key, tsv_col_names[c]) == 0)
                col = c;
        if (col < 0) {
            CHECK(jskip(j)); /* "line", "source" and members of later versions */
            continue;
        }
        jws(j);
        if (col == COL_SIZE) {
            if (jliteral(j, "null"))
                continue;
            bool integer = false;
            int64_t v = 0;
            if (j->i < j->n && (is_digit(j->s[j->i]) || j->s[j->i] == '-'))
                CHECK(jnumber(j, &integer, &v));
            if (!integer)
                return mum__expect_fail(j->b, j->line,
                                        "JSON: \"size\" must be a whole number of bytes or null");
            p.row.size = v;
            continue;
        }
        const char *v;
        CHECK(jstring_or_null(j, key, &v));
        if (!v || !*v)
            continue;
        /* the same checks as a TSV cell */
        if (col == COL_KIND || col == COL_DATE || col == COL_TIME || col == COL_VERSION) {
            CHECK(tsv_cell(j->b, j->line, col, v, strlen(v), &p.row));
            continue;
        }
        switch (col) {
        case COL_SECTION: p.row.section = v; break;
        case COL_NAME: p.row.name = v; break;
        case COL_PLATFORM: p.row.platform = v; break;
        case COL_PACKAGE_ARCH: p.row.package_arch = v; break;
        case COL_ARCH: p.row.arch = v; break;
        default: break;
        }
    }
    if (!p.row.name)
        return mum__expect_fail(j->b, p.row.line, "JSON: a file without a \"name\"");
    return mum__expect_add(j->b, &p);
}

static int jsources(jreader *j)
{
    CHECK(jexpect(j, '[', "\"sources\" must be an array"));
    bool first = true, more;
    for (size_t k = 0;; k++) {
        CHECK(jelement(j, &first, &more));
        if (!more)
            return MUM_OK;
        CHECK(jexpect(j, '{', "a source object was expected"));
        bool mfirst = true, mmore;
        for (;;) {
            CHECK(jmember(j, &mfirst, &mmore));
            if (!mmore)
                break;
            /* the first source's title and KB are this table's */
            bool title = strcmp(j->str.data, "title") == 0, kb = strcmp(j->str.data, "kb") == 0;
            if (k == 0 && (title || kb)) {
                const char *v;
                CHECK(jstring_or_null(j, title ? "title" : "kb", &v));
                if (kb && v && !kb_number(v, strlen(v)))
                    return mum__expect_fail(j->b, j->line, "JSON: \"kb\" is not a KB number");
                if (title)
                    j->b->title = v;
                else
                    j->b->kb = v;
            } else {
                CHECK(jskip(j));
            }
        }
    }
}

static int read_json_doc(jreader *j)
{
    CHECK(jexpect(j, '{', "an object was expected"));
    bool first = true, more, files = false;
    for (;;) {
        CHECK(jmember(j, &first, &more));
        if (!more)
            break;
        if (strcmp(j->str.data, "files") == 0) {
            CHECK(jexpect(j, '[', "\"files\" must be an array"));
            bool efirst = true, emore;
            for (;;) {
                CHECK(jelement(j, &efirst, &emore));
                if (!emore)
                    break;
                CHECK(jfile(j));
            }
            files = true;
        } else if (strcmp(j->str.data, "sources") == 0) {
            CHECK(jsources(j));
        } else {
            CHECK(jskip(j));
        }
    }
    jws(j);
    if (j->i != j->n)
        return jfail(j, "text after the JSON object");
    if (!files)
        return mum__expect_fail(j->b, 1, "JSON: no \"files\" array: not mumtool's expected contents");
    return MUM_OK;
}

int mum__expect_json(expect_build *b, const char *data, size_t size, size_t start)
{
    jreader j = {.b = b, .s = data, .n = size, .i = start, .line = 1};
    for (size_t i = 0; i < start; i++)
        if (data[i] == '\n')
            j.line++;
    int rc = read_json_doc(&j);
    mum__sbuf_free(&j.str);
    return rc;
}
