/*
 * test_xml.c - the hardened XML reader: namespaces, encodings, text
 * delivery, and every defined error (DTD, depth, attributes, text and size
 * limits, DCM signature, truncation), each with its location.
 */
#include "testutil.h"

#include "xml.h"

#include <stdio.h>

/* Records the events as one line of text. */
typedef struct rec {
    mum_sbuf log;
    int stop_at_start; /* fail the n-th start callback (0 = never) */
    int starts;
    mum_xml *x;
} rec;

static void put_ns(mum_sbuf *b, const char *ns)
{
    if (ns) {
        mum__sbuf_putc(b, '{');
        mum__sbuf_puts(b, ns);
        mum__sbuf_putc(b, '}');
    }
}

static int on_start(void *ud, const char *ns, const char *name, const mum_xml_attr *a, size_t n)
{
    rec *r = ud;
    if (++r->starts == r->stop_at_start)
        return mum__xml_fail(r->x, MUM_EFORMAT, "stopped by the callback at <%s>", name);
    mum__sbuf_puts(&r->log, "<");
    put_ns(&r->log, ns);
    mum__sbuf_puts(&r->log, name);
    for (size_t i = 0; i < n; i++) {
        mum__sbuf_putc(&r->log, ' ');
        put_ns(&r->log, a[i].ns);
        mum__sbuf_printf(&r->log, "%s=%s", a[i].name, a[i].value);
    }
    mum__sbuf_puts(&r->log, ">");
    return MUM_OK;
}

static int on_text(void *ud, const char *s, size_t n)
{
    rec *r = ud;
    mum__sbuf_puts(&r->log, "[");
    mum__sbuf_append(&r->log, s, n);
    mum__sbuf_puts(&r->log, "]");
    return MUM_OK;
}

static int on_end(void *ud, const char *ns, const char *name)
{
    MUM_UNUSED(ns);
    rec *r = ud;
    mum__sbuf_puts(&r->log, "</");
    mum__sbuf_puts(&r->log, name);
    mum__sbuf_puts(&r->log, ">");
    return MUM_OK;
}

static const mum_xml_callbacks cbs = {on_start, on_text, on_end, false};

/* Feeds doc to x in pieces of `chunk` bytes (0 = at once), then finishes
 * it unless a piece failed; returns the status. */
static int feed_in_pieces(mum_xml *x, const void *doc, size_t size, size_t chunk)
{
    int rc = MUM_OK;
    if (chunk == 0)
        chunk = size ? size : 1;
    for (size_t off = 0; off < size && rc == MUM_OK; off += chunk)
        rc = mum__xml_feed(x, (const char *)doc + off, size - off < chunk ? size - off : chunk);
    return rc == MUM_OK ? mum__xml_finish(x) : rc;
}

/* Parses doc in pieces of `chunk` bytes (0 = at once); returns the status. */
static int parse(mum_ctx *ctx, const void *doc, size_t size, size_t chunk, const mum_xml_limits *lim,
                 char **log, int stop_at_start)
{
    rec r = {.stop_at_start = stop_at_start};
    mum_location loc = {.input = "pkg.cab", .entry = "t.manifest"};
    int rc = mum__xml_new(&r.x, ctx, &loc, &cbs, &r, lim);
    if (rc != MUM_OK) {
        *log = NULL;
        return rc;
    }
    rc = feed_in_pieces(r.x, doc, size, chunk);
    cr_assert_eq(mum__xml_finish(r.x), rc, "errors are sticky");
    mum__xml_free(r.x);
    if (!r.log.data)
        mum__sbuf_puts(&r.log, "");
    *log = mum__sbuf_take(&r.log);
    return rc;
}

static char *parse_ok(const char *doc, size_t chunk)
{
    char *log;
    mum_ctx *ctx;
    mum_ctx_new(&ctx);
    int rc = parse(ctx, doc, strlen(doc), chunk, NULL, &log, 0);
    cr_assert_eq(rc, MUM_OK, "%s", mum_ctx_message(ctx));
    mum_ctx_free(ctx);
    return log;
}

static const char manifest[] =
    "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
    "<assembly xmlns=\"urn:schemas-microsoft-com:asm.v3\" manifestVersion=\"1.0\">\n"
    "  <file name=\"a.dll\">\n"
    "    <asmv2:hash xmlns:asmv2=\"urn:schemas-microsoft-com:asm.v2\">\n"
    "      <dsig:DigestValue xmlns:dsig=\"http://www.w3.org/2000/09/xmldsig#\"> QUJD </dsig:DigestValue>\n"
    "    </asmv2:hash>\n"
    "  </file>\n"
    "</assembly>\n";

static const char manifest_events[] =
    "<{urn:schemas-microsoft-com:asm.v3}assembly manifestVersion=1.0>"
    "<{urn:schemas-microsoft-com:asm.v3}file name=a.dll>"
    "<{urn:schemas-microsoft-com:asm.v2}hash>"
    "<{http://www.w3.org/2000/09/xmldsig#}DigestValue>[ QUJD ]</DigestValue>"
    "</hash></file></assembly>";

Test(xml, namespaces_and_text)
{
    char *log = parse_ok(manifest, 0);
    cr_assert_str_eq(log, manifest_events);
    mum_free(log);
}

Test(xml, byte_at_a_time_gives_the_same_events)
{
    char *log = parse_ok(manifest, 1);
    cr_assert_str_eq(log, manifest_events);
    mum_free(log);
}

Test(xml, prefixed_attributes_have_their_namespace)
{
    char *log = parse_ok("<a xmlns:p=\"urn:p\" p:x=\"1\" y=\"2\"/>", 0);
    cr_assert_str_eq(log, "<a {urn:p}x=1 y=2></a>");
    mum_free(log);
}

/* The reader keeps the first 16 namespace URIs of a document instead of
 * copying them per tag; past that it copies.  Both must name the same URI. */
Test(xml, many_namespaces_beyond_the_uri_cache)
{
    mum_sbuf doc = {0}, want = {0};
    mum__sbuf_puts(&doc, "<r>");
    mum__sbuf_puts(&want, "<r>");
    for (int i = 0; i < 40; i++) {
        mum__sbuf_printf(&doc, "<p:e xmlns:p=\"urn:n%d\" xmlns:q=\"urn:q%d\" q:a=\"%d\" b=\"x\"/>", i,
                         i % 20, i);
        mum__sbuf_printf(&want, "<{urn:n%d}e {urn:q%d}a=%d b=x></e>", i, i % 20, i);
    }
    mum__sbuf_puts(&doc, "</r>");
    mum__sbuf_puts(&want, "</r>");
    cr_assert(!doc.failed && !want.failed);
    for (size_t chunk = 0; chunk <= 5; chunk += 5) {
        char *log = parse_ok(doc.data, chunk);
        cr_assert_str_eq(log, want.data, "chunk %zu", chunk);
        mum_free(log);
    }
    mum__sbuf_free(&doc);
    mum__sbuf_free(&want);
}

Test(xml, utf8_bom_and_utf16_with_bom)
{
    char *log = parse_ok("\xef\xbb\xbf<a>\xc3\xa9</a>", 0);
    cr_assert_str_eq(log, "<a>[\xc3\xa9]</a>");
    mum_free(log);
    /* "<a>é</a>" in UTF-16LE with BOM, declared as utf-16 */
    const char *ascii = "<?xml version=\"1.0\" encoding=\"utf-16\"?><a>\xe9</a>";
    unsigned char doc[256];
    size_t n = 0;
    doc[n++] = 0xFF;
    doc[n++] = 0xFE;
    for (const unsigned char *p = (const unsigned char *)ascii; *p; p++) {
        doc[n++] = *p;
        doc[n++] = 0;
    }
    mum_ctx *ctx;
    mum_ctx_new(&ctx);
    cr_assert_eq(parse(ctx, doc, n, 3, NULL, &log, 0), MUM_OK, "%s", mum_ctx_message(ctx));
    cr_assert_str_eq(log, "<a>[\xc3\xa9]</a>", "UTF-16 text comes out as UTF-8");
    mum_free(log);
    mum_ctx_free(ctx);
}

Test(xml, declared_single_byte_encodings)
{
    char *log = parse_ok("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>\xe9</a>", 0);
    cr_assert_str_eq(log, "<a>[\xc3\xa9]</a>");
    mum_free(log);
    log = parse_ok("<?xml version=\"1.0\" encoding=\"windows-1252\"?><a>\x80</a>", 0);
    cr_assert_str_eq(log, "<a>[\xe2\x82\xac]</a>", "0x80 is the euro sign");
    mum_free(log);
}

/* ---- positions ---- */

typedef struct posrec {
    mum_xml *x;
    uint32_t lines[64], cols[64];
    int n;
} posrec;

static int pos_start(void *ud, const char *ns, const char *name, const mum_xml_attr *a, size_t n)
{
    MUM_UNUSED(ns);
    MUM_UNUSED(name);
    MUM_UNUSED(a);
    MUM_UNUSED(n);
    posrec *r = ud;
    mum_location loc = mum__xml_location(r->x);
    if (r->n < 64) {
        r->lines[r->n] = loc.line;
        r->cols[r->n] = loc.column;
    }
    r->n++;
    return MUM_OK;
}

/*
 * Line and column of every start tag, found by a reference count written
 * here from the XML rules (LF, CR LF and a lone CR end a line; columns count
 * characters, a UTF-8 BOM included), must be what the reader reports, whole
 * and in chunks of every size (the reader counts UTF-8 positions itself and
 * asks expat at chunk boundaries).
 */
Test(xml, positions_match_the_xml_line_rules)
{
    static const char *const docs[] = {
        /* one document split over two lines (parenthesised for -Wstring-concatenation) */
        ("<a>\n<b/>\r\n  <c x=\"\xc3\xa9\xe2\x82\xac\"/><d/>\r<e/>\r\n\r\n\t<f>\xf0\x9f\x98\x80 text\n</f>"
         "<g/>\r</a>"),
        "\xef\xbb\xbf<a><b/>\r\n<c/></a>",
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<a>\r\n  <b/>\r\n  <c/>\r\n</a>\r\n",
        "<a>\r\r\n\n\r<b/><!-- \r\n comment \xc3\xa9 --><c/><![CDATA[\r\n]]><d/></a>",
    };
    for (size_t d = 0; d < MUM_ARRAY_LEN(docs); d++) {
        const char *doc = docs[d];
        size_t size = strlen(doc);
        /* the reference */
        uint32_t want_l[64], want_c[64];
        int want = 0;
        uint32_t line = 1, col = 1;
        for (size_t i = 0; i < size; i++) {
            unsigned char c = (unsigned char)doc[i];
            if (c == '<' && i + 1 < size && doc[i + 1] != '/' && doc[i + 1] != '!' &&
                doc[i + 1] != '?') {
                want_l[want] = line;
                want_c[want++] = col;
            }
            if (c == '\n') {
                line++;
                col = 1;
            } else if (c == '\r') {
                line++;
                col = 1;
                if (i + 1 < size && doc[i + 1] == '\n')
                    i++;
            } else if ((c & 0xC0) != 0x80) {
                col++;
            }
        }
        size_t chunks[] = {0, 1, 2, 3, 5, 7, 16, 64};
        for (size_t k = 0; k < MUM_ARRAY_LEN(chunks); k++) {
            posrec r = {0};
            mum_xml_callbacks cb = {pos_start, NULL, NULL, false};
            cr_assert_eq(mum__xml_new(&r.x, NULL, NULL, &cb, &r, NULL), MUM_OK);
            int rc = feed_in_pieces(r.x, doc, size, chunks[k]);
            cr_assert_eq(rc, MUM_OK, "doc %zu", d);
            cr_assert_eq(r.n, want, "doc %zu: %d start tags, want %d", d, r.n, want);
            for (int i = 0; i < want; i++)
                cr_assert(r.lines[i] == want_l[i] && r.cols[i] == want_c[i],
                          "doc %zu, chunks of %zu, tag %d: %u:%u, want %u:%u", d, chunks[k], i,
                          r.lines[i], r.cols[i], want_l[i], want_c[i]);
            mum__xml_free(r.x);
        }
    }
}

/* Text switched off is not delivered and not held to max_text; switched on
 * in a start callback, the element's text comes whole. */
static int want_start(void *ud, const char *ns, const char *name, const mum_xml_attr *a, size_t n)
{
    rec *r = ud;
    mum__xml_want_text(r->x, strcmp(name, "v") == 0);
    return on_start(ud, ns, name, a, n);
}

static int want_end(void *ud, const char *ns, const char *name)
{
    rec *r = ud;
    mum__xml_want_text(r->x, false);
    return on_end(ud, ns, name);
}

Test(xml, text_only_when_wanted)
{
    static const char doc[] = "<a>0123456789abcdef<v>value</v>0123456789abcdef<b>x</b></a>";
    static const mum_xml_callbacks cb = {want_start, on_text, want_end, false};
    rec r = {0};
    mum_xml_limits lim = MUM_XML_LIMITS_DEFAULT;
    lim.max_text = 8;
    cr_assert_eq(mum__xml_new(&r.x, NULL, NULL, &cb, &r, &lim), MUM_OK);
    mum__xml_want_text(r.x, false);
    cr_assert_eq(mum__xml_feed_last(r.x, doc, sizeof doc - 1), MUM_OK);
    char *log = mum__sbuf_take(&r.log);
    cr_assert_str_eq(log, "<a><v>[value]</v><b></b></a>");
    mum_free(log);
    cr_assert_eq(mum__xml_feed_last(r.x, "x", 1), MUM_EINVAL, "the document has ended");
    mum__xml_free(r.x);
}

/* Expects a failure with this status, words in the message, and a position. */
static void expect_error(const void *doc, size_t size, const mum_xml_limits *lim, int status,
                         const char *words, uint32_t line)
{
    mum_ctx *ctx;
    char *log;
    mum_ctx_new(&ctx);
    int rc = parse(ctx, doc, size, 0, lim, &log, 0);
    cr_assert_eq(rc, status, "got %d (%s), want %d", rc, mum_ctx_message(ctx), status);
    cr_assert(strstr(mum_ctx_message(ctx), words), "message \"%s\" has \"%s\"",
              mum_ctx_message(ctx), words);
    cr_assert(strncmp(mum_ctx_message(ctx), "pkg.cab!t.manifest", 18) == 0,
              "message names the input and entry: %s", mum_ctx_message(ctx));
    if (line)
        cr_assert_eq(mum_ctx_location(ctx)->line, line, "line %u, want %u",
                     mum_ctx_location(ctx)->line, line);
    mum_free(log);
    mum_ctx_free(ctx);
}

static void expect_error_str(const char *doc, int status, const char *words, uint32_t line)
{
    expect_error(doc, strlen(doc), NULL, status, words, line);
}

Test(xml_errors, doctype_is_rejected)
{
    expect_error_str("<?xml version=\"1.0\"?>\n<!DOCTYPE a [<!ELEMENT a ANY>]>\n<a/>", MUM_EFORMAT,
                     "DOCTYPE a", 2);
}

Test(xml_errors, billion_laughs_is_rejected_before_expansion)
{
    const char *doc = "<?xml version=\"1.0\"?>\n"
                      "<!DOCTYPE lolz [\n"
                      " <!ENTITY lol \"lol\">\n"
                      " <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
                      " <!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">\n"
                      "]>\n<lolz>&lol2;</lolz>";
    expect_error_str(doc, MUM_EFORMAT, "document type declaration", 2);
}

Test(xml_errors, deep_nesting_hits_the_limit)
{
    size_t depth = 10000;
    char *doc = malloc(depth * 7 + 1);
    size_t n = 0;
    for (size_t i = 0; i < depth; i++)
        n += (size_t)sprintf(doc + n, "<a>");
    for (size_t i = 0; i < depth; i++)
        n += (size_t)sprintf(doc + n, "</a>");
    expect_error(doc, n, NULL, MUM_ELIMIT, "nested deeper than 128", 1);
    free(doc);
}

Test(xml_errors, too_many_attributes)
{
    mum_xml_limits lim = MUM_XML_LIMITS_DEFAULT;
    lim.max_attrs = 2;
    expect_error("<a\nx=\"1\" y=\"2\" z=\"3\"/>", 22, &lim, MUM_ELIMIT, "3 attributes", 1);
}

Test(xml_errors, too_much_text)
{
    mum_xml_limits lim = MUM_XML_LIMITS_DEFAULT;
    lim.max_text = 4;
    expect_error("<a>\n<b>12345</b></a>", 20, &lim, MUM_ELIMIT, "more than 4 characters", 2);
}

Test(xml_errors, document_too_large)
{
    mum_xml_limits lim = MUM_XML_LIMITS_DEFAULT;
    lim.max_size = 10;
    expect_error("<a>0123456789</a>", 17, &lim, MUM_ELIMIT, "larger than 10 bytes", 0);
}

Test(xml_errors, dcm_file_is_never_parsed)
{
    expect_error("DCM\x01PA30\x00\x01garbage", 15, NULL, MUM_EDELTA, "delta-compressed manifest", 0);
    expect_error("DCX\x01", 4, NULL, MUM_EDELTA, "\"DCX\\x01\"", 0);
    /* "DC" then something else is just bad XML */
    expect_error("DCM\x02", 4, NULL, MUM_EFORMAT, "XML:", 1);
}

Test(xml_errors, dcm_split_across_feeds)
{
    mum_ctx *ctx;
    mum_ctx_new(&ctx);
    mum_xml *x;
    rec r = {0};
    cr_assert_eq(mum__xml_new(&x, ctx, NULL, &cbs, &r, NULL), MUM_OK);
    r.x = x;
    cr_assert_eq(mum__xml_feed(x, "D", 1), MUM_OK);
    cr_assert_eq(mum__xml_feed(x, "CM", 2), MUM_OK);
    cr_assert_eq(mum__xml_feed(x, "\x01PA30", 5), MUM_EDELTA);
    mum__xml_free(x);
    mum__sbuf_free(&r.log);
    mum_ctx_free(ctx);
}

Test(xml_errors, truncated_and_malformed)
{
    expect_error_str("<a>\n<b>", MUM_EFORMAT, "truncated", 0);
    expect_error_str("", MUM_EFORMAT, "truncated", 0);
    expect_error_str("<a>\n</b>", MUM_EFORMAT, "mismatched tag", 2);
    expect_error_str("<a x=\"1\" x=\"2\"/>", MUM_EFORMAT, "duplicate attribute", 1);
    expect_error_str("<p:a/>", MUM_EFORMAT, "unbound prefix", 1);
    expect_error_str("<?xml version=\"1.0\" encoding=\"koi8-r\"?><a/>", MUM_EFORMAT,
                     "windows-1252", 1);
}

Test(xml_errors, callback_can_stop_the_parse)
{
    mum_ctx *ctx;
    char *log;
    mum_ctx_new(&ctx);
    const char *doc = "<a>\n <b/>\n <c/>\n</a>";
    cr_assert_eq(parse(ctx, doc, strlen(doc), 0, NULL, &log, 3), MUM_EFORMAT);
    cr_assert_str_eq(log, "<a><b></b>", "nothing after the stop");
    cr_assert_str_eq(mum_ctx_message(ctx), "pkg.cab!t.manifest:3:2: stopped by the callback at <c>");
    mum_free(log);
    mum_ctx_free(ctx);
}

static int parse_for_sweep(void)
{
    char *log = NULL;
    int rc = parse(NULL, manifest, sizeof manifest - 1, 7, NULL, &log, 0);
    mum_free(log);
    return rc;
}

Test(xml, out_of_memory_anywhere_is_reported)
{
    /* the log buffer's own allocations count too; they fail as ENOMEM-free
     * appends, which the reader does not see, so accept either outcome for
     * them but never a crash or a leak */
    mum__alloc_fail_at(0);
    cr_assert_eq(parse_for_sweep(), MUM_OK);
    unsigned long total = mum__alloc_fail_at(0);
    for (unsigned long n = 1; n <= total; n++) {
        mum__alloc_fail_at(n);
        int rc = parse_for_sweep();
        mum__alloc_fail_at(0);
        cr_assert(rc == MUM_OK || rc == MUM_ENOMEM, "allocation %lu: %d", n, rc);
    }
}

/*
 * Out of memory, expat does not always say so (a failed allocation while
 * binding a prefix comes out as "unbound prefix"): every failing run must
 * still be MUM_ENOMEM.  No callbacks here, so every allocation is the
 * reader's or expat's.  Found by fuzz_manifest's allocation-failure replay.
 */
Test(xml, out_of_memory_is_never_reported_as_malformed)
{
    static const char doc[] =
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
        "<assembly xmlns=\"urn:schemas-microsoft-com:asm.v3\" manifestVersion=\"1.0\">\n"
        "  <file name=\"a.dll\"><asmv2:hash xmlns:asmv2=\"urn:schemas-microsoft-com:asm.v2\" "
        "xmlns:dsig=\"http://www.w3.org/2000/09/xmldsig#\">\n"
        "    <dsig:DigestMethod dsig:a=\"1\"/>\n"
        "    <dsig:DigestValue>QUJD</dsig:DigestValue>\n"
        "  </asmv2:hash></file>\n"
        "  <x:a xmlns:x=\"urn:x\"><x:b xmlns:y=\"urn:y\" y:c=\"2\"/></x:a>\n"
        "</assembly>\n";
    static const mum_xml_callbacks none = {NULL, NULL, NULL, false};
    for (size_t chunk = 0; chunk <= 16; chunk += 16) {
        unsigned long total = 0;
        for (unsigned long n = 0; n == 0 || n <= total; n++) {
            mum_xml *x = NULL;
            mum__alloc_fail_at(n);
            int rc = mum__xml_new(&x, NULL, NULL, &none, NULL, NULL);
            size_t step = chunk ? chunk : sizeof doc - 1;
            for (size_t off = 0; rc == MUM_OK && off < sizeof doc - 1; off += step)
                rc = mum__xml_feed(x, doc + off, sizeof doc - 1 - off < step ? sizeof doc - 1 - off : step);
            if (rc == MUM_OK)
                rc = mum__xml_finish(x);
            unsigned long made = mum__alloc_fail_at(0);
            mum__xml_free(x);
            if (n == 0) {
                cr_assert_eq(rc, MUM_OK);
                total = made;
            } else {
                cr_assert_eq(rc, MUM_ENOMEM, "chunk %zu, allocation %lu of %lu: %d", chunk, n, total, rc);
            }
        }
    }
}


/* Parsers take their hash salts from one seed drawn for the process, not
 * from a system call each: every document still gets a salt of its own (a
 * run of documents all with one salt would be a broken mix), a renewed
 * parser's next document too. */
static int sort_ulong(const void *a, const void *b)
{
    unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;
    return x < y ? -1 : x > y;
}

Test(xml, every_document_has_a_salt_of_its_own)
{
    enum { N = 1000 };
    static unsigned long salts[2 * N];
    mum_xml_callbacks cb = {0};
    for (int i = 0; i < N; i++) {
        mum_xml *x;
        cr_assert_eq(mum__xml_new(&x, NULL, NULL, &cb, NULL, NULL), MUM_OK);
        salts[2 * i] = mum__xml_salt(x);
        cr_assert_eq(mum__xml_feed_last(x, "<a/>", 4), MUM_OK);
        cr_assert_eq(mum__xml_renew(x, NULL, NULL, &cb, NULL, NULL), MUM_OK);
        salts[2 * i + 1] = mum__xml_salt(x);
        cr_assert_eq(mum__xml_feed_last(x, "<b/>", 4), MUM_OK);
        mum__xml_free(x);
    }
    for (int i = 0; i < 2 * N; i++)
        cr_assert_neq(salts[i], 0ul, "document %d: no salt (the kernel gave no seed?)", i);
    qsort(salts, 2 * N, sizeof *salts, sort_ulong);
    for (int i = 1; i < 2 * N; i++)
        cr_assert_neq(salts[i], salts[i - 1], "two documents with the salt %#lx", salts[i]);
}

/*
 * What one document gives: status, message (with its place), and the
 * events with the place of each start tag.  `x` is renewed for it when
 * given, else a parser is made for it alone.
 */
typedef struct outcome {
    int rc;
    char *msg;
    char *log;
} outcome;

static int placed_start(void *ud, const char *ns, const char *name, const mum_xml_attr *a, size_t n)
{
    rec *r = ud;
    mum_location loc = mum__xml_location(r->x);
    mum__sbuf_printf(&r->log, "@%u:%u", loc.line, loc.column);
    return on_start(ud, ns, name, a, n);
}

static outcome read_doc(mum_xml *x, const void *doc, size_t size, size_t chunk,
                        const mum_xml_limits *lim)
{
    static const mum_xml_callbacks placed = {placed_start, on_text, on_end, false};
    mum_ctx *ctx;
    cr_assert_eq(mum_ctx_new(&ctx), MUM_OK);
    rec r = {0};
    mum_location loc = {.input = "pkg.cab", .entry = "t.manifest"};
    int rc;
    if (x) {
        r.x = x;
        rc = mum__xml_renew(x, ctx, &loc, &placed, &r, lim);
    } else {
        rc = mum__xml_new(&r.x, ctx, &loc, &placed, &r, lim);
    }
    cr_assert_eq(rc, MUM_OK);
    rc = feed_in_pieces(r.x, doc, size, chunk);
    if (!x)
        mum__xml_free(r.x);
    mum__sbuf_puts(&r.log, "");
    outcome o = {rc, mum__strdup(rc == MUM_OK ? "" : mum_ctx_message(ctx)), mum__sbuf_take(&r.log)};
    mum_ctx_free(ctx);
    return o;
}

static void outcome_free(outcome *o)
{
    mum_free(o->msg);
    mum_free(o->log);
}

#define DOC(s) {s, sizeof s - 1}

/* The bytes that may follow a document's XML declaration, well-formed or not. */
static const struct {
    const char *s;
    size_t n;
} after_decl[] = {
    DOC("\n<a xmlns=\"urn:x\">\n  <b x=\"1\"/>\n  <p:c xmlns:p=\"urn:p\" p:y=\"\xc3\xa9\"/>text\n</a>\n"),
    DOC("\r\n<a>\r\n\t<b/>\r\n</a>"),
    DOC("\r\n<a>\r\n  <b x=\"1\"/><b x=\"2\"/>\r\n  <c>\xc3\xa9t\xc3\xa9</c>\r\n  <d/>\r\n  <e/><f/><g/>\r\n"
        "  <h>\r\n    <i/>\r\n    <j y=\"3\"/>\r\n  </h>\r\n  <k/>\r\n  <l/>\r\n  <m/><n/>\r\n  <o/>\r\n"
        "  <p/>\r\n  <q/>\r\n  <r/>\r\n  <s/>\r\n</a>\r\n"),
    DOC("\r<a/>\r"),
    DOC("\n \xc3\xa9<a/>"),
    DOC("\n<?xml version=\"1.0\" encoding=\"utf-8\"?><a/>"),
    DOC("\n<?xml-stylesheet href=\"a\"?><a/>"),
    DOC("\n\xef\xbb\xbf<a/>"),
    DOC("\n\0<\0a\0/\0>\0"),
    DOC("\r\n<a>\n</b>"),
    DOC("\n<!DOCTYPE a [<!ENTITY x \"y\">]><a>&x;</a>"),
    DOC("\n<a>\xff</a>"),
    DOC("\n"),
    DOC("\n\n"),
    DOC("\n<p:a/>"),
    DOC("\n<a x=\"1\" x=\"2\"/>"),
    DOC("\n<a><b><c><d><e/></d></c></b></a>"),
    DOC("\n<a/><b/>"),
    DOC("<a/>"),
    DOC(" <a/>"),
};

/* A declaration read in place of expat (a plain UTF-8 one before a line
 * break) gives what expat gives reading it: the same one with single
 * quotes is left to expat, and both must say the same, place for place. */
Test(xml, a_plain_declaration_reads_as_expat_reads_it)
{
    static const char *const decls[] = {
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>",
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
        "<?xml version=\"1.0\" encoding=\"utf-8\" standalone=\"yes\"?>",
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>",
    };
    mum_xml_limits lim = MUM_XML_LIMITS_DEFAULT;
    lim.max_depth = 4;
    char doc[512], twin[512];
    for (size_t d = 0; d < MUM_ARRAY_LEN(decls); d++) {
        size_t dl = strlen(decls[d]);
        for (size_t b = 0; b < MUM_ARRAY_LEN(after_decl); b++) {
            size_t n = dl + after_decl[b].n;
            cr_assert(n <= sizeof doc);
            memcpy(doc, decls[d], dl);
            memcpy(doc + dl, after_decl[b].s, after_decl[b].n);
            memcpy(twin, doc, n);
            for (size_t i = 0; i < dl; i++)
                if (twin[i] == '"')
                    twin[i] = '\'';
            /* the declaration whole in the first piece, and not */
            size_t chunks[] = {0, 1, 7, dl + 1, dl + 2, dl + 5, 64, 100};
            for (size_t k = 0; k < MUM_ARRAY_LEN(chunks); k++) {
                outcome got = read_doc(NULL, doc, n, chunks[k], &lim);
                outcome want = read_doc(NULL, twin, n, chunks[k], &lim);
                cr_assert_eq(got.rc, want.rc, "decl %zu, body %zu, chunk %zu: %d (%s), want %d (%s)", d,
                             b, chunks[k], got.rc, got.msg, want.rc, want.msg);
                cr_assert_str_eq(got.msg, want.msg, "decl %zu, body %zu, chunk %zu", d, b, chunks[k]);
                cr_assert_str_eq(got.log, want.log, "decl %zu, body %zu, chunk %zu", d, b, chunks[k]);
                outcome_free(&got);
                outcome_free(&want);
            }
        }
    }
}

/* One parser renewed for document after document (as the walk renews
 * its manifest parser) says of each what a new parser says, whatever the
 * documents before it did: broken ones, limits hit, other encodings,
 * DTDs refused, DCM files; the limits hold on every document. */
Test(xml, a_renewed_parser_reads_each_document_as_a_new_one)
{
    static const struct {
        const char *s;
        size_t n;
    } docs[] = {
        DOC("<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n<a xmlns=\"urn:x\">\r\n <b/>\r\n</a>"),
        DOC("<a><b><c><d><e/></d></c></b></a>"),
        DOC("<?xml version=\"1.0\" encoding=\"windows-1252\"?>\n<a>\n\x80<b y=\"\x93\"/></a>"),
        DOC("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<a>\n</b>"),
        DOC("<a>\n  <b x=\"1\"/>\n</a>"),
        DOC("<a x=\"1\" y=\"2\" z=\"3\"/>"),
        DOC("<?xml version=\"1.0\"?>\n<!DOCTYPE a [<!ENTITY x \"y\">]>\n<a>&x;</a>"),
        DOC("<a>\n<b/><p:c xmlns:p=\"urn:p\" p:d=\"1\"/></a>"),
        DOC("DCM\x01" "abcd"),
        DOC("\xff\xfe<\0a\0>\0\n\0<\0b\0/\0>\0<\0/\0a\0>\0"),
        DOC("<a>\n  <b/>\n</a>"),
        DOC("<a>0123456789abcdef</a>"),
        DOC("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<a><b><c><d><e/></d></c></b></a>"),
        DOC("<a>\n  <b>x</b>\n</a>"),
        DOC("<a x=\"1\" y=\"2\" z=\"3\"/>"),
        DOC("<a>\n  <b>"),
        DOC("<a>0123456789abcdef</a>"),
        DOC("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<a>\n<b/>\n</a>"),
    };
    mum_xml_limits lim = {.max_depth = 4, .max_attrs = 2, .max_text = 12, .max_size = 1024};
    size_t chunks[] = {0, 3};
    for (size_t k = 0; k < MUM_ARRAY_LEN(chunks); k++) {
        mum_xml *x;
        mum_xml_callbacks none = {0};
        cr_assert_eq(mum__xml_new(&x, NULL, NULL, &none, NULL, NULL), MUM_OK);
        int failed = 0;
        for (size_t d = 0; d < MUM_ARRAY_LEN(docs); d++) {
            outcome got = read_doc(x, docs[d].s, docs[d].n, chunks[k], &lim);
            outcome want = read_doc(NULL, docs[d].s, docs[d].n, chunks[k], &lim);
            cr_assert_eq(got.rc, want.rc, "doc %zu, chunk %zu: %d (%s), want %d (%s)", d, chunks[k],
                         got.rc, got.msg, want.rc, want.msg);
            cr_assert_str_eq(got.msg, want.msg, "doc %zu, chunk %zu", d, chunks[k]);
            cr_assert_str_eq(got.log, want.log, "doc %zu, chunk %zu", d, chunks[k]);
            failed += got.rc != MUM_OK;
            outcome_free(&got);
            outcome_free(&want);
        }
        /* the sequence is what it claims: limits hit and errors in between */
        cr_assert_eq(failed, 10, "%d documents failed", failed);
        mum__xml_free(x);
    }
}

/* A parser that asks for unnamed ends gets NULL for both names, one end
 * for each start, and errors as before. */
static int unnamed_end(void *ud, const char *ns, const char *name)
{
    rec *r = ud;
    cr_assert(ns == NULL && name == NULL, "an end with names: {%s}%s", ns ? ns : "", name ? name : "");
    mum__sbuf_puts(&r->log, "</>");
    return MUM_OK;
}

Test(xml, ends_without_names_when_asked)
{
    static const mum_xml_callbacks cb = {on_start, NULL, unnamed_end, true};
    rec r = {0};
    cr_assert_eq(mum__xml_new(&r.x, NULL, NULL, &cb, &r, NULL), MUM_OK);
    cr_assert_eq(mum__xml_feed_last(r.x, manifest, sizeof manifest - 1), MUM_OK);
    mum__sbuf_puts(&r.log, "");
    cr_assert_str_eq(r.log.data,
                     "<{urn:schemas-microsoft-com:asm.v3}assembly manifestVersion=1.0>"
                     "<{urn:schemas-microsoft-com:asm.v3}file name=a.dll>"
                     "<{urn:schemas-microsoft-com:asm.v2}hash>"
                     "<{http://www.w3.org/2000/09/xmldsig#}DigestValue></></></></>");
    r.log.len = 0;
    mum_ctx *ctx;
    cr_assert_eq(mum_ctx_new(&ctx), MUM_OK);
    cr_assert_eq(mum__xml_renew(r.x, ctx, NULL, &cb, &r, NULL), MUM_OK);
    cr_assert_eq(mum__xml_feed_last(r.x, "<a>\n<b></c></a>", 15), MUM_EFORMAT);
    cr_assert(strstr(mum_ctx_message(ctx), "2:") && strstr(mum_ctx_message(ctx), "mismatched tag"),
              "%s", mum_ctx_message(ctx));
    mum_ctx_free(ctx);
    mum__xml_free(r.x);
    mum__sbuf_free(&r.log);
}
