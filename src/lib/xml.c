/*
 * xml.c - the hardened expat reader (see xml.h).  The only file that
 * includes expat.
 */
#include "config.h"

#include "xml.h"

/* The amplification limit is declared only for builds with DTD support;
 * Debian's library has both (detected by configure, not by version). */
#ifdef HAVE_XML_SETBILLIONLAUGHSATTACKPROTECTIONMAXIMUMAMPLIFICATION
#ifndef XML_DTD
#define XML_DTD
#endif
#endif
#include <expat.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/random.h>

/* Namespace URI and local name are joined by this in expat's names; a local
 * name cannot contain it, so the last one splits them even if a hostile URI
 * holds one too. */
#define NS_SEP '\x01'

enum { URI_CACHE = 16 };
#define NO_OFFSET SIZE_MAX

struct mum_xml {
    XML_Parser parser;
    unsigned long salt;      /* expat's hash salt, made once (0: expat draws its own) */
    mum_ctx *ctx;
    mum_location loc;
    mum_xml_callbacks cb;
    void *ud;
    mum_xml_limits limits;

    int status;              /* first failure, sticky */
    uint32_t depth;
    uint64_t fed;            /* bytes given to feed so far */
    unsigned char head[4];   /* the first bytes, held back to spot DCM files */
    size_t head_len;
    bool head_done;
    bool finished;           /* finish succeeded: nothing more may come */

    mum_sbuf text;           /* text of the current element so far */
    bool text_nonblank;
    bool no_text;            /* text is not wanted (mum__xml_want_text) */
    /* Namespace URIs seen, NUL-terminated: a document uses a handful, so a
     * name's URI is found here instead of being copied for every tag. */
    char *uris[URI_CACHE];
    size_t uri_lens[URI_CACHE];
    unsigned nuris;
    mum_sbuf names;          /* scratch for URIs once the cache is full */
    mum_xml_attr *attrs;
    size_t attrs_cap;
    size_t *offs;            /* scratch: per attribute, the URI's offset in names */
    size_t offs_cap;

    /* Positions in UTF-8 input are counted here, with memchr over the bytes
     * being parsed, from the last position asked for; expat's own position
     * update looks at every byte and would cost more than the rest of the
     * manifest parser.  Other encodings, and positions outside the bytes of
     * the XML_Parse call in progress, come from expat. */
    bool pos_fast;                /* the input is UTF-8 (no other encoding seen) */
    const unsigned char *buf;     /* the bytes of the XML_Parse call in progress */
    uint64_t buf_off;             /* their offset in the document */
    size_t buf_len;
    uint64_t parsed;              /* bytes handed to expat so far */
    uint64_t pos_off;             /* a known position: offset, line, column */
    uint32_t pos_line, pos_col;

    bool alloc_failed;            /* an allocation of expat's failed during a parse */
    /* The bytes of a plain UTF-8 declaration read here instead of by expat
     * (see plain_decl): expat's offsets and line-1 columns are short by it. */
    uint32_t skipped;
};

bool mum__is_dcm(const void *data, size_t size)
{
    const unsigned char *p = data;
    return size >= 4 && p[0] == 'D' && p[1] == 'C' && p[3] == 0x01;
}

/* Characters (not UTF-8 continuation bytes) in [p, end). */
static uint32_t utf8_chars(const unsigned char *p, const unsigned char *end)
{
    uint32_t n = 0;
    for (; p < end; p++)
        n += (*p & 0xC0) != 0x80;
    return n;
}

/*
 * Moves the known position forward to the byte at `at` of the current
 * buffer, counting line breaks as expat does (LF, CR LF, and a lone CR) and
 * columns in characters.  False when `at` is not reachable that way.  The
 * positions asked for are those of tags, which never fall between a CR and
 * its LF.
 */
static bool fast_position(mum_xml *x, uint64_t at)
{
    if (!x->pos_fast || !x->buf || x->pos_off < x->buf_off || at < x->pos_off ||
        at > x->buf_off + x->buf_len)
        return false;
    const unsigned char *p = x->buf + (x->pos_off - x->buf_off);
    const unsigned char *end = x->buf + (at - x->buf_off);
    const unsigned char *start = p;
    const unsigned char *line_start = NULL;
    uint32_t lines = 0;
    while (p < end) {
        const unsigned char *lf = memchr(p, '\n', (size_t)(end - p));
        const unsigned char *stop = lf ? lf : end;
        const unsigned char *cr = memchr(p, '\r', (size_t)(stop - p));
        if (cr) {
            p = cr + 1;
            if (p < end && *p == '\n')
                p++;
        } else if (lf) {
            p = lf + 1;
        } else {
            break;
        }
        lines++;
        line_start = p;
    }
    if (line_start) {
        x->pos_line += lines;
        x->pos_col = 1 + utf8_chars(line_start, end);
    } else {
        x->pos_col += utf8_chars(start, end);
    }
    x->pos_off = at;
    return true;
}

/* The position of expat's current event; `exact` asks expat itself. */
static void position(mum_xml *x, bool exact, uint32_t *line, uint32_t *column)
{
    XML_Index at = XML_GetCurrentByteIndex(x->parser);
    if (at >= 0)
        at += (XML_Index)x->skipped;
    if (!exact && at >= 0 && fast_position(x, (uint64_t)at)) {
        *line = x->pos_line;
        *column = x->pos_col;
        return;
    }
    *line = (uint32_t)XML_GetCurrentLineNumber(x->parser);
    *column = (uint32_t)XML_GetCurrentColumnNumber(x->parser) + 1;
    if (*line == 1)
        *column += x->skipped; /* the declaration is ASCII: a byte a column */
    if (at >= 0 && (uint64_t)at >= x->buf_off) {
        /* start counting from here */
        x->pos_off = (uint64_t)at;
        x->pos_line = *line;
        x->pos_col = *column;
    }
}

mum_location mum__xml_location(const mum_xml *cx)
{
    /* the known position is a cache: updating it does not change what x is */
    mum_xml *x = (mum_xml *)cx;
    mum_location loc = x->loc;
    loc.has_offset = false;
    if (x->parser)
        position(x, false, &loc.line, &loc.column);
    return loc;
}

static int xml_vfail(mum_xml *x, int status, const char *fmt, va_list ap) MUM_PRINTF(3, 0);

static int xml_vfail(mum_xml *x, int status, const char *fmt, va_list ap)
{
    if (x->status == MUM_OK) {
        mum_location loc = mum__xml_location(x);
        x->status = mum__verror(x->ctx, status, &loc, fmt, ap);
    }
    if (x->parser)
        XML_StopParser(x->parser, XML_FALSE);
    return status;
}

int mum__xml_fail(mum_xml *x, int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = xml_vfail(x, status, fmt, ap);
    va_end(ap);
    return rc;
}

/* A callback said stop: keep its status (it recorded the reason). */
static void stop_with(mum_xml *x, int status)
{
    if (x->status == MUM_OK)
        x->status = status;
    XML_StopParser(x->parser, XML_FALSE);
}

static bool is_blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
            return false;
    return true;
}

/* Hands the pending text to the callback. */
static int flush_text(mum_xml *x)
{
    int rc = MUM_OK;
    if (x->text.failed)
        return mum__xml_fail(x, MUM_ENOMEM, "out of memory");
    if (x->text.len && x->text_nonblank && x->cb.text)
        rc = x->cb.text(x->ud, x->text.data, x->text.len);
    x->text.len = 0;
    if (x->text.data)
        x->text.data[0] = '\0';
    x->text_nonblank = false;
    return rc;
}

/* The cached copy of a namespace URI (s[0..len)), adding it if there is
 * room; NULL when the cache is full or out of memory (*nomem). */
static const char *cached_uri(mum_xml *x, const char *s, size_t len, bool *nomem)
{
    for (unsigned i = 0; i < x->nuris; i++)
        if (x->uri_lens[i] == len && memcmp(x->uris[i], s, len) == 0)
            return x->uris[i];
    if (x->nuris == URI_CACHE)
        return NULL;
    char *copy = mum__strndup(s, len);
    if (!copy) {
        *nomem = true;
        return NULL;
    }
    x->uris[x->nuris] = copy;
    x->uri_lens[x->nuris++] = len;
    return copy;
}

/*
 * Splits expat's "uri<SEP>local" (or plain "local"): the local name is a
 * suffix of qname, the URI comes from the cache, or, when the cache is full,
 * is copied to the scratch buffer and *off says where (the buffer may move
 * until all names of the tag are split).  False when out of memory.
 */
static bool split_name(mum_xml *x, const char *qname, const char **ns, const char **local,
                       size_t *off)
{
    const char *sep = strrchr(qname, NS_SEP);
    *off = NO_OFFSET;
    if (!sep) {
        *ns = NULL;
        *local = qname;
        return true;
    }
    *local = sep + 1;
    bool nomem = false;
    size_t len = (size_t)(sep - qname);
    if ((*ns = cached_uri(x, qname, len, &nomem)) != NULL || nomem)
        return !nomem;
    *off = x->names.len;
    mum__sbuf_append(&x->names, qname, len);
    mum__sbuf_putc(&x->names, '\0');
    return !x->names.failed;
}

static void XMLCALL on_start(void *ud, const XML_Char *qname, const XML_Char **atts)
{
    mum_xml *x = ud;
    if (x->status != MUM_OK)
        return;
    int rc = flush_text(x);
    if (rc != MUM_OK) {
        stop_with(x, rc);
        return;
    }
    if (++x->depth > x->limits.max_depth) {
        mum__xml_fail(x, MUM_ELIMIT, "elements nested deeper than %u", x->limits.max_depth);
        return;
    }
    size_t n = 0;
    while (atts[2 * n])
        n++;
    if (n > x->limits.max_attrs) {
        mum__xml_fail(x, MUM_ELIMIT, "an element with %zu attributes (at most %u allowed)", n,
                      x->limits.max_attrs);
        return;
    }
    if (!mum__grow((void **)&x->attrs, &x->attrs_cap, n + 1, sizeof *x->attrs) ||
        !mum__grow((void **)&x->offs, &x->offs_cap, n + 1, sizeof *x->offs)) {
        mum__xml_fail(x, MUM_ENOMEM, "out of memory");
        return;
    }
    x->names.len = 0;
    const char *el_ns, *el_name;
    size_t el_off;
    bool ok = split_name(x, qname, &el_ns, &el_name, &el_off);
    for (size_t i = 0; ok && i < n; i++) {
        ok = split_name(x, atts[2 * i], &x->attrs[i].ns, &x->attrs[i].name, &x->offs[i]);
        x->attrs[i].value = atts[2 * i + 1];
    }
    if (!ok) {
        mum__xml_fail(x, MUM_ENOMEM, "out of memory");
        return;
    }
    /* URIs that missed the cache: pointers now that the scratch is filled */
    if (x->names.len) {
        if (el_off != NO_OFFSET)
            el_ns = x->names.data + el_off;
        for (size_t i = 0; i < n; i++)
            if (x->offs[i] != NO_OFFSET)
                x->attrs[i].ns = x->names.data + x->offs[i];
    }
    if (x->cb.start) {
        rc = x->cb.start(x->ud, el_ns, el_name, x->attrs, n);
        if (rc != MUM_OK)
            stop_with(x, rc);
    }
}

static void XMLCALL on_end(void *ud, const XML_Char *qname)
{
    mum_xml *x = ud;
    if (x->status != MUM_OK)
        return;
    int rc = flush_text(x);
    if (rc != MUM_OK) {
        stop_with(x, rc);
        return;
    }
    x->depth--;
    if (!x->cb.end)
        return;
    if (x->cb.end_unnamed) {
        rc = x->cb.end(x->ud, NULL, NULL);
        if (rc != MUM_OK)
            stop_with(x, rc);
        return;
    }
    const char *ns, *name;
    size_t off;
    x->names.len = 0;
    if (!split_name(x, qname, &ns, &name, &off)) {
        mum__xml_fail(x, MUM_ENOMEM, "out of memory");
        return;
    }
    if (off != NO_OFFSET)
        ns = x->names.data + off;
    rc = x->cb.end(x->ud, ns, name);
    if (rc != MUM_OK)
        stop_with(x, rc);
}

static void XMLCALL on_text(void *ud, const XML_Char *s, int len);

void mum__xml_want_text(mum_xml *x, bool want)
{
    x->no_text = !want;
    /* without a handler expat does not call out for every run of white
     * space between the tags of a manifest */
    XML_SetCharacterDataHandler(x->parser, want ? on_text : NULL);
}

static void XMLCALL on_text(void *ud, const XML_Char *s, int len)
{
    mum_xml *x = ud;
    if (x->no_text || x->status != MUM_OK || len <= 0)
        return;
    if (x->text.len + (size_t)len > x->limits.max_text) {
        mum__xml_fail(x, MUM_ELIMIT, "more than %zu characters of text in one element",
                      x->limits.max_text);
        return;
    }
    if (!x->text_nonblank && !is_blank(s, (size_t)len))
        x->text_nonblank = true;
    if (!x->text.failed && x->text.len + (size_t)len < x->text.cap) {
        /* the common case, without a call per piece */
        memcpy(x->text.data + x->text.len, s, (size_t)len);
        x->text.len += (size_t)len;
        x->text.data[x->text.len] = '\0';
    } else {
        mum__sbuf_append(&x->text, s, (size_t)len);
    }
}

/* A declared encoding other than UTF-8 turns the fast positions off. */
static void XMLCALL on_xml_decl(void *ud, const XML_Char *version, const XML_Char *encoding,
                                int standalone)
{
    MUM_UNUSED(version);
    MUM_UNUSED(standalone);
    mum_xml *x = ud;
    if (encoding && mum__ascii_strcasecmp(encoding, "UTF-8") != 0)
        x->pos_fast = false;
}

static void XMLCALL on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
                               const XML_Char *pubid, int has_internal_subset)
{
    MUM_UNUSED(sysid);
    MUM_UNUSED(pubid);
    MUM_UNUSED(has_internal_subset);
    mum_xml *x = ud;
    mum__xml_fail(x, MUM_EFORMAT,
                  "a document type declaration (DOCTYPE %s) is not allowed: manifests have no DTD",
                  name ? name : "");
}

static void XMLCALL on_entity_decl(void *ud, const XML_Char *name, int is_param,
                                   const XML_Char *value, int value_len, const XML_Char *base,
                                   const XML_Char *sysid, const XML_Char *pubid,
                                   const XML_Char *notation)
{
    MUM_UNUSED(is_param);
    MUM_UNUSED(value);
    MUM_UNUSED(value_len);
    MUM_UNUSED(base);
    MUM_UNUSED(sysid);
    MUM_UNUSED(pubid);
    MUM_UNUSED(notation);
    mum_xml *x = ud;
    mum__xml_fail(x, MUM_EFORMAT, "an entity declaration (%s) is not allowed", name ? name : "");
}

/* windows-1252, the one single-byte encoding beyond expat's own seen in the wild. */
static int XMLCALL on_unknown_encoding(void *data, const XML_Char *name, XML_Encoding *info)
{
    MUM_UNUSED(data);
    static const int cp1252_80[32] = {
        0x20AC, -1,     0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
        0x2039, 0x0152, -1,     0x017D, -1,     -1,     0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
        0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, -1,     0x017E, 0x0178};
    if (mum__ascii_strcasecmp(name, "windows-1252") != 0 && mum__ascii_strcasecmp(name, "cp1252") != 0)
        return XML_STATUS_ERROR;
    for (int i = 0; i < 256; i++)
        info->map[i] = (i >= 0x80 && i < 0xA0) ? cp1252_80[i - 0x80] : i;
    info->data = NULL;
    info->convert = NULL;
    info->release = NULL;
    return XML_STATUS_OK;
}

/*
 * Out of memory, expat does not always say so: a failed allocation while
 * binding a prefix can come out later, even in a later call, as "unbound
 * prefix".  So the reader notes any failed allocation of expat's while it
 * parses (the reader parsing on this thread is known to the allocation
 * hooks, which have no user data) and reports any error after one as
 * MUM_ENOMEM.
 */
static _Thread_local mum_xml *parsing;

static void *expat_malloc(size_t size)
{
    void *p = mum__malloc(size);
    if (!p && parsing)
        parsing->alloc_failed = true;
    return p;
}

static void *expat_realloc(void *ptr, size_t size)
{
    void *p = mum__realloc(ptr, size);
    if (!p && parsing)
        parsing->alloc_failed = true;
    return p;
}

/* The handlers and settings of a parser just created or reset. */
static void xml_setup(mum_xml *x)
{
    XML_SetUserData(x->parser, x);
    XML_SetElementHandler(x->parser, on_start, on_end);
    XML_SetCharacterDataHandler(x->parser, on_text);
    XML_SetStartDoctypeDeclHandler(x->parser, on_doctype);
    XML_SetEntityDeclHandler(x->parser, on_entity_decl);
    XML_SetUnknownEncodingHandler(x->parser, on_unknown_encoding, NULL);
    XML_SetXmlDeclHandler(x->parser, on_xml_decl);
    XML_SetParamEntityParsing(x->parser, XML_PARAM_ENTITY_PARSING_NEVER);
    /* a reset parser would draw a new salt from the kernel for every
     * document: one system call per manifest */
    if (x->salt)
        XML_SetHashSalt(x->parser, x->salt);
#ifdef HAVE_XML_SETBILLIONLAUGHSATTACKPROTECTIONMAXIMUMAMPLIFICATION
    XML_SetBillionLaughsAttackProtectionMaximumAmplification(x->parser, 10.0f);
#endif
}

/* The state of a new document (the buffers keep their memory). */
static void xml_start(mum_xml *x, mum_ctx *ctx, const mum_location *loc, const mum_xml_callbacks *cb,
                      void *ud, const mum_xml_limits *limits)
{
    static const mum_xml_limits defaults = MUM_XML_LIMITS_DEFAULT;
    x->ctx = ctx;
    x->loc = loc ? *loc : (mum_location){0};
    x->cb = *cb;
    x->ud = ud;
    x->limits = limits ? *limits : defaults;
    x->status = MUM_OK;
    x->depth = 0;
    x->fed = 0;
    x->head_len = 0;
    x->head_done = false;
    x->finished = false;
    if (x->text.failed)
        mum__sbuf_free(&x->text);
    x->text.len = 0;
    x->text_nonblank = false;
    x->no_text = false;
    if (x->names.failed)
        mum__sbuf_free(&x->names);
    x->names.len = 0;
    x->pos_fast = true;
    x->buf = NULL;
    x->buf_off = 0;
    x->buf_len = 0;
    x->parsed = 0;
    x->pos_off = 0;
    x->pos_line = 1;
    x->pos_col = 1;
    x->alloc_failed = false;
    x->skipped = 0;
    xml_setup(x);
}

/*
 * expat's hash salt for a new parser.  A parser draws its own from the
 * kernel (a getrandom call each; a call over 1 000 small packages makes
 * 1 000 parsers): instead one secret seed is drawn for the process and each
 * parser gets it mixed with a counter (splitmix64's steps), as unguessable
 * to whoever writes the document.  0 when the kernel gave no seed: expat
 * then draws its own, as before.
 */
static pthread_once_t salt_once = PTHREAD_ONCE_INIT;
static uint64_t salt_seed;
static bool salt_ok;
static atomic_uint_fast64_t salt_count;

static void salt_init(void)
{
    salt_ok = getrandom(&salt_seed, sizeof salt_seed, GRND_NONBLOCK) == (ssize_t)sizeof salt_seed;
}

static unsigned long next_salt(void)
{
    pthread_once(&salt_once, salt_init);
    if (!salt_ok)
        return 0;
    uint64_t n = atomic_fetch_add_explicit(&salt_count, 1, memory_order_relaxed) + 1;
    uint64_t z = salt_seed + n * 0x9e3779b97f4a7c15u;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return (unsigned long)(z ^ (z >> 31));
}

int mum__xml_new(mum_xml **out, mum_ctx *ctx, const mum_location *loc,
                 const mum_xml_callbacks *cb, void *ud, const mum_xml_limits *limits)
{
    static const XML_Memory_Handling_Suite memsuite = {expat_malloc, expat_realloc, mum__free};
    mum_xml *x = mum__calloc(1, sizeof *x);
    if (!x)
        return mum__nomem(ctx);
    x->parser = XML_ParserCreate_MM(NULL, &memsuite, (XML_Char[]){NS_SEP, '\0'});
    if (!x->parser) {
        mum__free(x);
        return mum__nomem(ctx);
    }
    x->salt = next_salt();
    xml_start(x, ctx, loc, cb, ud, limits);
    *out = x;
    return MUM_OK;
}

int mum__xml_renew(mum_xml *x, mum_ctx *ctx, const mum_location *loc,
                   const mum_xml_callbacks *cb, void *ud, const mum_xml_limits *limits)
{
    if (XML_ParserReset(x->parser, NULL) != XML_TRUE)
        return mum__error(ctx, MUM_EINVAL, NULL, "mum__xml_renew: the parser cannot be reset");
    /* a salt of its own for every document, as a new parser would have */
    x->salt = next_salt();
    xml_start(x, ctx, loc, cb, ud, limits);
    return MUM_OK;
}

unsigned long mum__xml_salt(const mum_xml *x)
{
    return x->salt;
}

void mum__xml_free(mum_xml *x)
{
    if (!x)
        return;
    if (x->parser)
        XML_ParserFree(x->parser);
    mum__sbuf_free(&x->text);
    mum__sbuf_free(&x->names);
    for (unsigned i = 0; i < x->nuris; i++)
        mum__free(x->uris[i]);
    mum__free(x->attrs);
    mum__free(x->offs);
    mum__free(x);
}

/*
 * The length of the XML declaration a document starts with when it is one
 * of the few every manifest and package file has, followed by a line break
 * and a byte that is not 0; else 0.  Such a declaration says only "UTF-8"
 * (standalone="yes" matters to a DTD, and DOCTYPE is refused): the reader
 * skips it and tells expat the encoding instead, sparing expat's parse of
 * it (about a fifth of its work on a small .mum).  The line break keeps the
 * rest from reading as a document start of its own: with it, expat's first
 * look (byte order mark, UTF-16 zero bytes, a second declaration) sees the
 * same bytes as after the declaration.
 */
static size_t plain_decl(const unsigned char *p, size_t n)
{
    static const char *const decls[] = {
        "<?xml version=\"1.0\" encoding=\"utf-8\" standalone=\"yes\"?>",
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>",
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>",
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
    };
    if (n < 40 || p[0] != '<' || p[1] != '?')
        return 0;
    for (size_t i = 0; i < MUM_ARRAY_LEN(decls); i++) {
        size_t len = strlen(decls[i]);
        if (n >= len + 2 && memcmp(p, decls[i], len) == 0 && (p[len] == '\n' || p[len] == '\r') &&
            p[len + 1] != 0)
            return len;
    }
    return 0;
}

/* Gives bytes to expat and turns its verdict into ours. */
static int expat_parse(mum_xml *x, const void *data, size_t size, bool final)
{
    while (size > 0 || final) {
        int chunk = size > (1u << 30) ? (1 << 30) : (int)size;
        bool last = final && (size_t)chunk == size;
        x->buf = data;
        x->buf_off = x->parsed;
        x->buf_len = (size_t)chunk;
        size_t skip = 0;
        if (x->parsed == 0) {
            skip = plain_decl(data, (size_t)chunk);
            /* before the first XML_Parse it fails only out of memory */
            if (skip && XML_SetEncoding(x->parser, "UTF-8") != XML_STATUS_OK)
                return x->status = mum__nomem(x->ctx);
            x->skipped = (uint32_t)skip; /* for the rest of the document */
        }
        mum_xml *outer = parsing; /* a callback may parse another document */
        parsing = x;
        enum XML_Status st =
            XML_Parse(x->parser, (const char *)data + skip, chunk - (int)skip, last);
        parsing = outer;
        x->parsed += (uint64_t)chunk;
        x->buf = NULL; /* the caller's bytes are not ours past this call */
        if (x->status != MUM_OK)
            return x->status;
        if (st != XML_STATUS_OK) {
            enum XML_Error e = XML_GetErrorCode(x->parser);
            if (e == XML_ERROR_NO_MEMORY || x->alloc_failed)
                return x->status = mum__nomem(x->ctx);
            mum_location loc = x->loc;
            position(x, true, &loc.line, &loc.column);
            const char *hint = "";
            if (e == XML_ERROR_NO_ELEMENTS || e == XML_ERROR_UNCLOSED_TOKEN ||
                (last && e == XML_ERROR_UNCLOSED_CDATA_SECTION))
                hint = " (the document is truncated)";
            if (e == XML_ERROR_UNKNOWN_ENCODING)
                hint = " (supported: UTF-8, UTF-16, ISO-8859-1, US-ASCII, windows-1252)";
            return x->status =
                       mum__error(x->ctx, MUM_EFORMAT, &loc, "XML: %s%s", XML_ErrorString(e), hint);
        }
        data = (const char *)data + chunk;
        size -= (size_t)chunk;
        if (last)
            break;
    }
    return MUM_OK;
}

/* What the first (up to four) bytes of a document say: UTF-16, or a DCM
 * file (its error). */
static int judge_head(mum_xml *x, const unsigned char *head, size_t len)
{
    x->head_done = true;
    /* UTF-16 (a BOM, or '<' with a zero byte): positions from expat */
    if (len >= 2 && ((head[0] == 0xFE && head[1] == 0xFF) || (head[0] == 0xFF && head[1] == 0xFE) ||
                     head[0] == 0 || head[1] == 0))
        x->pos_fast = false;
    if (mum__is_dcm(head, len)) {
        mum_location loc = x->loc;
        loc.has_offset = true;
        loc.offset = 0;
        /* a DCM one reaches here only when no base manifest was given
         * (the manifest parser expands it otherwise) */
        return x->status = mum__error(x->ctx, MUM_EDELTA, &loc,
                                      "a delta-compressed manifest (signature \"DC%c\\x01\"), not XML: "
                                      "%s",
                                      (head[2] >= 0x20 && head[2] < 0x7f) ? head[2] : '?',
                                      head[2] == 'M'
                                          ? "it is read with Windows' base manifest, and none was given"
                                          : "a kind libmum does not read");
    }
    return MUM_OK;
}

/* Holds back the first four bytes until a DCM file can be told apart. */
static int feed_head(mum_xml *x, const unsigned char **data, size_t *size, bool final)
{
    size_t take = 4 - x->head_len;
    if (take > *size)
        take = *size;
    memcpy(x->head + x->head_len, *data, take);
    x->head_len += take;
    *data += take;
    *size -= take;
    if (x->head_len < 4 && !final)
        return MUM_OK;
    int rc = judge_head(x, x->head, x->head_len);
    if (rc != MUM_OK)
        return rc;
    return expat_parse(x, x->head, x->head_len, final && *size == 0);
}

static int feed(mum_xml *x, const void *data, size_t size, bool final)
{
    if (x->status != MUM_OK)
        return x->status;
    if (size > x->limits.max_size || x->fed > x->limits.max_size - size) {
        mum_location loc = x->loc;
        loc.has_offset = true;
        loc.offset = x->limits.max_size;
        return x->status = mum__error(x->ctx, MUM_ELIMIT, &loc,
                                      "the document is larger than %llu bytes",
                                      (unsigned long long)x->limits.max_size);
    }
    x->fed += size;
    /* no bytes may come as NULL, which memcpy and pointer arithmetic do not take */
    const unsigned char *p = size ? data : (const unsigned char *)"";
    if (!x->head_done && x->head_len == 0 && size >= 4) {
        /* the head is all in these bytes: judged in place, and the
         * document reaches expat in one call, not four bytes and the rest */
        int rc = judge_head(x, p, 4);
        if (rc != MUM_OK)
            return rc;
    } else if (!x->head_done) {
        int rc = feed_head(x, &p, &size, final);
        if (rc != MUM_OK || !x->head_done || (final && size == 0))
            return rc;
    }
    return expat_parse(x, p, size, final);
}

int mum__xml_feed(mum_xml *x, const void *data, size_t size)
{
    if (x->finished)
        return mum__error(x->ctx, MUM_EINVAL, &x->loc, "data after the end of the document");
    return feed(x, data, size, false);
}

int mum__xml_finish(mum_xml *x)
{
    if (x->finished)
        return MUM_OK;
    int rc = feed(x, "", 0, true);
    x->finished = rc == MUM_OK;
    return rc;
}

int mum__xml_feed_last(mum_xml *x, const void *data, size_t size)
{
    if (x->finished)
        return mum__error(x->ctx, MUM_EINVAL, &x->loc, "data after the end of the document");
    int rc = feed(x, data, size, true);
    x->finished = rc == MUM_OK;
    return rc;
}

int mum__xml_parse_buffer(mum_ctx *ctx, const mum_location *loc, const mum_xml_callbacks *cb,
                          void *ud, const mum_xml_limits *limits, const void *data, size_t size)
{
    mum_xml *x;
    int rc = mum__xml_new(&x, ctx, loc, cb, ud, limits);
    if (rc != MUM_OK)
        return rc;
    rc = mum__xml_feed_last(x, data, size);
    mum__xml_free(x);
    return rc;
}
