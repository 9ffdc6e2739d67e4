/*
 * xml.h - the library's one door to expat: a hardened, streaming,
 * namespace-aware XML reader that hands elements and text to callbacks.
 * Internal; the manifest, unattend and express-index parsers build on it.
 *
 * Hardening: DOCTYPE (hence DTDs, entities and "billion laughs") is
 * rejected; nesting depth, attributes per element, text per element and
 * document size are bounded; a delta-compressed manifest ("DCM\x01" or
 * another "DC?\x01" signature) is recognised before expat sees a byte.
 * Every error carries input!entry:line:column.
 */
#ifndef MUM_XML_H
#define MUM_XML_H

#include "internal.h"

typedef struct mum_xml_limits {
    uint32_t max_depth;   /* elements nested */
    uint32_t max_attrs;   /* attributes on one element */
    size_t max_text;      /* characters of text directly inside one element */
    uint64_t max_size;    /* bytes of the whole document */
} mum_xml_limits;

#define MUM_XML_LIMITS_DEFAULT {128, 256, (size_t)1 << 20, (uint64_t)64 << 20}

typedef struct mum_xml_attr {
    const char *ns;      /* namespace URI, NULL for an unprefixed attribute */
    const char *name;    /* local name */
    const char *value;
} mum_xml_attr;

/*
 * Callbacks return MUM_OK to go on; anything else stops the parse, and
 * mum__xml_feed/finish return it (the callback records the reason, usually
 * with mum__xml_fail).  Strings are valid during the call only.  `ns` is the
 * element's namespace URI or NULL.  Text is delivered whole, once per run of
 * characters between tags, and not at all when it is only white space.
 */
typedef struct mum_xml_callbacks {
    int (*start)(void *ud, const char *ns, const char *name, const mum_xml_attr *attrs,
                 size_t nattrs);
    int (*text)(void *ud, const char *text, size_t len);
    int (*end)(void *ud, const char *ns, const char *name);
    /* true: end is given NULL for ns and name, which the reader then need
     * not split (a parser that knows its open element from its own stack) */
    bool end_unnamed;
} mum_xml_callbacks;

typedef struct mum_xml mum_xml;

/*
 * Creates a reader.  loc's strings are borrowed and must outlive the reader;
 * limits may be NULL for the defaults.  Errors: MUM_ENOMEM.
 */
MUM_INTERNAL int mum__xml_new(mum_xml **out, mum_ctx *ctx, const mum_location *loc,
                              const mum_xml_callbacks *cb, void *ud,
                              const mum_xml_limits *limits);
MUM_INTERNAL void mum__xml_free(mum_xml *x);
/* The hash salt the reader gave expat (0: expat drew its own); for tests. */
MUM_INTERNAL unsigned long mum__xml_salt(const mum_xml *x);
/*
 * Makes a reader done with its document ready for the next one, as
 * mum__xml_new would make it but keeping expat's and its own memory (a
 * package has thousands of manifests).  Errors: MUM_EINVAL.
 */
MUM_INTERNAL int mum__xml_renew(mum_xml *x, mum_ctx *ctx, const mum_location *loc,
                                const mum_xml_callbacks *cb, void *ud,
                                const mum_xml_limits *limits);

/*
 * Feeds the next bytes of the document / ends it.  Errors: MUM_EFORMAT (not
 * well-formed, DOCTYPE, unsupported encoding, truncated), MUM_ELIMIT,
 * MUM_EDELTA (a DCM file), MUM_ENOMEM, or what a callback returned.  After
 * an error the reader only returns that error again; after a successful
 * finish, finish returns MUM_OK again and feed MUM_EINVAL.
 */
MUM_INTERNAL int mum__xml_feed(mum_xml *x, const void *data, size_t size);
MUM_INTERNAL int mum__xml_finish(mum_xml *x);

/*
 * Feeds the last bytes and ends the document in one call: the same as feed
 * then finish, but cheaper (expat keeps no position across the calls of a
 * document that comes in one piece).  Errors as feed and finish.
 */
MUM_INTERNAL int mum__xml_feed_last(mum_xml *x, const void *data, size_t size);

/* new + feed + finish + free over one buffer. */
MUM_INTERNAL int mum__xml_parse_buffer(mum_ctx *ctx, const mum_location *loc,
                                       const mum_xml_callbacks *cb, void *ud,
                                       const mum_xml_limits *limits, const void *data,
                                       size_t size);

/*
 * Whether text is wanted (the default).  A parser that reads the text of a
 * few elements switches it on at their start and off at their end; text
 * nobody reads is then neither buffered nor counted against max_text.
 */
MUM_INTERNAL void mum__xml_want_text(mum_xml *x, bool want);

/* The position now (inside a callback: of the tag being reported). */
MUM_INTERNAL mum_location mum__xml_location(const mum_xml *x);

/* Records a failure at the current position; returns status. */
MUM_INTERNAL int mum__xml_fail(mum_xml *x, int status, const char *fmt, ...) MUM_PRINTF(3, 4);

/* True when data starts like a delta-compressed manifest ("DC?\x01"). */
MUM_INTERNAL bool mum__is_dcm(const void *data, size_t size);

#endif /* MUM_XML_H */
