/*
 * msu.c - an .msu's metadata: -pkgProperties.txt (Key="Value" lines in
 * ASCII/UTF-8 or UTF-16 with a byte-order mark) and the unattend .xml.
 */
#include "config.h"

#include "internal.h"
#include "xml.h"

#include <string.h>

/* ---- properties ---- */

static int prop_error(mum_ctx *ctx, const mum_location *loc, int status, uint32_t line,
                      uint32_t column, const char *fmt, ...) MUM_PRINTF(6, 7);

static int prop_error(mum_ctx *ctx, const mum_location *loc, int status, uint32_t line,
                      uint32_t column, const char *fmt, ...)
{
    mum_location l = loc ? *loc : (mum_location){0};
    l.line = line;
    l.column = column;
    l.has_offset = false;
    va_list ap;
    va_start(ap, fmt);
    int rc = mum__verror(ctx, status, &l, fmt, ap);
    va_end(ap);
    return rc;
}

static void put_utf8(mum_sbuf *b, uint32_t cp)
{
    char s[4];
    size_t n;
    if (cp < 0x80) {
        s[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        s[0] = (char)(0xc0 | cp >> 6);
        s[1] = (char)(0x80 | (cp & 0x3f));
        n = 2;
    } else if (cp < 0x10000) {
        s[0] = (char)(0xe0 | cp >> 12);
        s[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        s[2] = (char)(0x80 | (cp & 0x3f));
        n = 3;
    } else {
        s[0] = (char)(0xf0 | cp >> 18);
        s[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
        s[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
        s[3] = (char)(0x80 | (cp & 0x3f));
        n = 4;
    }
    mum__sbuf_append(b, s, n);
}

/* UTF-16 (either byte order) to UTF-8; a NUL or a lone surrogate is an error. */
static int utf16_to_utf8(mum_ctx *ctx, const mum_location *loc, const unsigned char *p, size_t size,
                         bool big_endian, mum_sbuf *out)
{
    if (size % 2)
        return prop_error(ctx, loc, MUM_EFORMAT, 0, 0, "UTF-16 text with an odd number of bytes");
    uint32_t line = 1;
    for (size_t i = 0; i < size; i += 2) {
        uint32_t u = big_endian ? (uint32_t)p[i] << 8 | p[i + 1] : (uint32_t)p[i + 1] << 8 | p[i];
        if (u >= 0xd800 && u <= 0xdbff) {
            uint32_t v = 0;
            if (i + 3 < size)
                v = big_endian ? (uint32_t)p[i + 2] << 8 | p[i + 3] : (uint32_t)p[i + 3] << 8 | p[i + 2];
            if (v < 0xdc00 || v > 0xdfff)
                return prop_error(ctx, loc, MUM_EFORMAT, line, 0, "a lone UTF-16 surrogate");
            u = 0x10000 + ((u - 0xd800) << 10) + (v - 0xdc00);
            i += 2;
        } else if (u >= 0xdc00 && u <= 0xdfff) {
            return prop_error(ctx, loc, MUM_EFORMAT, line, 0, "a lone UTF-16 surrogate");
        } else if (u == 0) {
            return prop_error(ctx, loc, MUM_EFORMAT, line, 0, "a NUL character");
        }
        if (u == '\n')
            line++;
        put_utf8(out, u);
    }
    return MUM_OK;
}

static int utf8_copy(mum_ctx *ctx, const mum_location *loc, const char *p, size_t size, mum_sbuf *out)
{
    uint32_t line = 1;
    for (size_t i = 0; i < size;) {
        size_t at = i;
        int32_t c = mum__utf8_next(p, size, &i);
        if (c < 0)
            return prop_error(ctx, loc, MUM_EFORMAT, line, 0,
                              "invalid UTF-8 at byte %zu (and no byte-order mark for UTF-16)", at);
        if (c == 0)
            return prop_error(ctx, loc, MUM_EFORMAT, line, 0, "a NUL character");
        if (c == '\n')
            line++;
    }
    mum__sbuf_append(out, p, size);
    return MUM_OK;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

void mum_msu_properties_clear(mum_msu_properties *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->count; i++) {
        mum__free(p->items[i].key);
        mum__free(p->items[i].value);
    }
    mum__free(p->items);
    memset(p, 0, sizeof *p);
}

/* One Key="Value" line, s[0..n) without the newline. */
static int parse_line(mum_msu_properties *out, size_t *cap, mum_ctx *ctx, const mum_location *loc,
                      const char *s, size_t n, uint32_t line)
{
    size_t a = 0, b = n;
    while (a < b && is_space(s[a]))
        a++;
    while (b > a && is_space(s[b - 1]))
        b--;
    if (a == b)
        return MUM_OK;
    const char *eq = memchr(s + a, '=', b - a);
    if (!eq)
        return prop_error(ctx, loc, MUM_EFORMAT, line, (uint32_t)a + 1, "no '=' in the line");
    size_t k0 = a, k1 = (size_t)(eq - s);
    while (k1 > k0 && is_space(s[k1 - 1]))
        k1--;
    if (k0 == k1)
        return prop_error(ctx, loc, MUM_EFORMAT, line, (uint32_t)a + 1, "an empty key");
    size_t v0 = (size_t)(eq - s) + 1, v1 = b;
    while (v0 < v1 && is_space(s[v0]))
        v0++;
    if (v0 < v1 && s[v0] == '"') {
        if (v1 - v0 < 2 || s[v1 - 1] != '"')
            return prop_error(ctx, loc, MUM_EFORMAT, line, (uint32_t)v0 + 1, "an unterminated quote");
        v0++;
        v1--;
    }
    if (out->count >= MUM_MSU_PROPERTIES_MAX_LINES)
        return prop_error(ctx, loc, MUM_ELIMIT, line, 0, "more than %d properties",
                          MUM_MSU_PROPERTIES_MAX_LINES);
    if (!mum__grow((void **)&out->items, cap, out->count + 1, sizeof *out->items))
        return mum__nomem(ctx);
    mum_msu_property *it = &out->items[out->count];
    it->key = mum__strndup(s + k0, k1 - k0);
    it->value = mum__strndup(s + v0, v1 - v0);
    it->line = line;
    out->count++; /* counted even when half-made, so clear frees it */
    if (!it->key || !it->value)
        return mum__nomem(ctx);
    return MUM_OK;
}

int mum_msu_properties_parse(mum_msu_properties *out, mum_ctx *ctx, const mum_location *loc,
                             const void *data, size_t size)
{
    memset(out, 0, sizeof *out);
    if (size > MUM_MSU_PROPERTIES_MAX_SIZE)
        return prop_error(ctx, loc, MUM_ELIMIT, 0, 0, "a properties file above %zu bytes",
                          MUM_MSU_PROPERTIES_MAX_SIZE);
    const unsigned char *p = data;
    mum_sbuf text = {0};
    int rc;
    if (size >= 2 && p[0] == 0xff && p[1] == 0xfe)
        rc = utf16_to_utf8(ctx, loc, p + 2, size - 2, false, &text);
    else if (size >= 2 && p[0] == 0xfe && p[1] == 0xff)
        rc = utf16_to_utf8(ctx, loc, p + 2, size - 2, true, &text);
    else if (size >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf)
        rc = utf8_copy(ctx, loc, (const char *)p + 3, size - 3, &text);
    else
        rc = utf8_copy(ctx, loc, (const char *)p, size, &text);
    if (rc == MUM_OK && text.failed)
        rc = mum__nomem(ctx);
    size_t cap = 0;
    uint32_t line = 1;
    for (size_t i = 0; rc == MUM_OK && i < text.len; line++) {
        const char *nl = memchr(text.data + i, '\n', text.len - i);
        size_t end = nl ? (size_t)(nl - text.data) : text.len;
        rc = parse_line(out, &cap, ctx, loc, text.data + i, end - i, line);
        i = end + 1;
    }
    mum__sbuf_free(&text);
    if (rc != MUM_OK)
        mum_msu_properties_clear(out);
    return rc;
}

const char *mum_msu_properties_get(const mum_msu_properties *p, const char *key)
{
    for (size_t i = 0; p && key && i < p->count; i++)
        if (mum__ascii_strcasecmp(p->items[i].key, key) == 0)
            return p->items[i].value;
    return NULL;
}

/* ---- unattend ---- */

#define NS_UNATTEND "urn:schemas-microsoft-com:unattend"

typedef struct unattend_parser {
    mum_xml *x;
    mum_msu_unattend *out;
    size_t cap;
    uint32_t depth;
    bool in_servicing;
    mum_msu_package *pkg;   /* the package open now */
    bool pkg_has_identity;
} unattend_parser;

static bool is_unattend(const char *ns, const char *name, const char *want)
{
    return ns && strcmp(ns, NS_UNATTEND) == 0 && strcmp(name, want) == 0;
}

static const char *attr_value(const mum_xml_attr *a, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (!a[i].ns && strcmp(a[i].name, name) == 0)
            return a[i].value;
    return NULL;
}

static int on_start(void *ud, const char *ns, const char *name, const mum_xml_attr *a, size_t n)
{
    unattend_parser *u = ud;
    u->depth++;
    if (u->depth == 1) {
        if (!is_unattend(ns, name, "unattend"))
            return mum__xml_fail(u->x, MUM_EFORMAT,
                                 "not an unattend file: the root element is <%s>, not <unattend> in %s",
                                 name, NS_UNATTEND);
        return MUM_OK;
    }
    if (u->depth == 2 && is_unattend(ns, name, "servicing")) {
        u->in_servicing = true;
    } else if (u->depth == 3 && u->in_servicing && is_unattend(ns, name, "package")) {
        if (!mum__grow((void **)&u->out->packages, &u->cap, u->out->count + 1, sizeof *u->out->packages))
            return mum__xml_fail(u->x, MUM_ENOMEM, "out of memory");
        u->pkg = &u->out->packages[u->out->count++];
        memset(u->pkg, 0, sizeof *u->pkg);
        u->pkg_has_identity = false;
        const char *action = attr_value(a, n, "action");
        if (action && !(u->pkg->action = mum__strdup(action)))
            return mum__xml_fail(u->x, MUM_ENOMEM, "out of memory");
    } else if (u->depth == 4 && u->pkg && is_unattend(ns, name, "assemblyIdentity")) {
        u->pkg_has_identity = true;
        for (size_t i = 0; i < n; i++) {
            mum_identity_attr attr;
            if (a[i].ns || mum_identity_attr_lookup(&attr, a[i].name) != MUM_OK)
                continue;
            if (mum_identity_set(&u->pkg->identity, attr, a[i].value) != MUM_OK)
                return mum__xml_fail(u->x, MUM_ENOMEM, "out of memory");
        }
    } else if (u->depth == 4 && u->pkg && is_unattend(ns, name, "source")) {
        const char *loc = attr_value(a, n, "location");
        if (loc && !mum__replace_str(&u->pkg->source, loc))
            return mum__xml_fail(u->x, MUM_ENOMEM, "out of memory");
    }
    return MUM_OK;
}

static int on_end(void *ud, const char *ns, const char *name)
{
    unattend_parser *u = ud;
    if (u->depth == 3 && u->pkg && is_unattend(ns, name, "package")) {
        if (!u->pkg_has_identity)
            return mum__xml_fail(u->x, MUM_EFORMAT, "a <package> without an <assemblyIdentity>");
        u->pkg = NULL;
    } else if (u->depth == 2 && is_unattend(ns, name, "servicing")) {
        u->in_servicing = false;
    }
    u->depth--;
    return MUM_OK;
}

void mum_msu_unattend_clear(mum_msu_unattend *u)
{
    if (!u)
        return;
    for (size_t i = 0; i < u->count; i++) {
        mum__free(u->packages[i].action);
        mum__free(u->packages[i].source);
        mum_identity_clear(&u->packages[i].identity);
    }
    mum__free(u->packages);
    memset(u, 0, sizeof *u);
}

int mum_msu_unattend_parse(mum_msu_unattend *out, mum_ctx *ctx, const mum_location *loc,
                           const void *data, size_t size)
{
    static const mum_xml_callbacks cb = {on_start, NULL, on_end, false};
    static const mum_xml_limits limits = {16, 64, 64 << 10, 1 << 20};
    memset(out, 0, sizeof *out);
    unattend_parser u = {.out = out};
    int rc = mum__xml_new(&u.x, ctx, loc, &cb, &u, &limits);
    if (rc == MUM_OK)
        rc = mum__xml_feed(u.x, data, size);
    if (rc == MUM_OK)
        rc = mum__xml_finish(u.x);
    if (rc == MUM_ENOMEM)
        rc = mum__nomem(ctx);
    mum__xml_free(u.x);
    if (rc != MUM_OK)
        mum_msu_unattend_clear(out);
    return rc;
}
