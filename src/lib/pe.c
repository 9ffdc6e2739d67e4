/*
 * pe.c - PE32/PE32+ headers, the Authenticode digest and the embedded
 * signature.  The headers are decoded field by field from little-endian
 * bytes into mum_pe_info; every offset read is checked against the size
 * first, in 64-bit arithmetic so nothing wraps.  The hashing itself is
 * digest.c's: this file says which bytes.
 */
#include "config.h"

#include "digest.h"

#include <stdlib.h>
#include <string.h>

/* Layout constants of the PE/COFF specification. */
enum {
    DOS_LFANEW_AT = 0x3c,
    COFF_SIZE = 20,             /* IMAGE_FILE_HEADER */
    SECTION_SIZE = 40,          /* IMAGE_SECTION_HEADER */
    OPT_MAGIC_PE32 = 0x10b,
    OPT_MAGIC_PE32PLUS = 0x20b,
    OPT_SIZE_OF_HEADERS_AT = 60,
    OPT_CHECKSUM_AT = 64,
    CERT_DIR_INDEX = 4,         /* IMAGE_DIRECTORY_ENTRY_SECURITY */
    RSRC_DIR_INDEX = 2,         /* IMAGE_DIRECTORY_ENTRY_RESOURCE */
    RSRC_DIR_SIZE = 16,         /* IMAGE_RESOURCE_DIRECTORY */
    RSRC_ENTRY_SIZE = 8,        /* IMAGE_RESOURCE_DIRECTORY_ENTRY */
    RSRC_DATA_SIZE = 16,        /* IMAGE_RESOURCE_DATA_ENTRY */
    WIN_CERT_HEADER = 8,        /* dwLength, wRevision, wCertificateType */
    WIN_CERT_TYPE_PKCS_SIGNED_DATA = 2
};

static uint16_t le16(const uint8_t *p)
{
    return (uint16_t)(p[0] | (p[1] << 8));
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static int pe_error(mum_ctx *ctx, int status, const mum_location *where, uint64_t offset,
                    const char *fmt, ...) MUM_PRINTF(5, 6);

static int pe_error(mum_ctx *ctx, int status, const mum_location *where, uint64_t offset,
                    const char *fmt, ...)
{
    mum_location loc = {0};
    if (where) {
        loc.input = where->input;
        loc.entry = where->entry;
    }
    loc.offset = offset;
    loc.has_offset = true;
    va_list ap;
    va_start(ap, fmt);
    int rc = mum__verror(ctx, status, &loc, fmt, ap);
    va_end(ap);
    return rc;
}

bool mum_pe_probe(const void *data, size_t size)
{
    const uint8_t *p = data;
    if (!p || size < DOS_LFANEW_AT + 4 || p[0] != 'M' || p[1] != 'Z')
        return false;
    uint64_t pe = le32(p + DOS_LFANEW_AT);
    return pe + 4 <= size && memcmp(p + pe, "PE\0\0", 4) == 0;
}

/* One section's raw data, as the digest needs it. */
typedef mum__digest_span pe_span;

/* The parsed headers plus the section spans (sorted by file offset). */
typedef struct pe_layout {
    mum_pe_info info;
    pe_span *sections;
    size_t nsections;
} pe_layout;

static int cmp_span(const void *a, const void *b)
{
    const pe_span *x = a, *y = b;
    if (x->offset != y->offset)
        return x->offset < y->offset ? -1 : 1;
    /* equal offsets: order by size so the result does not depend on qsort */
    return x->size < y->size ? -1 : x->size > y->size;
}

/* parse_layout's answer when it needs bytes past `avail` of a file whose
 * size is not known yet (a stream). */
enum { PE_NEED_MORE = 1 };
#define PE_SIZE_UNKNOWN UINT64_MAX

/* True (and *need set) when [.., end) is not among the bytes at hand. */
static bool short_of(uint64_t end, uint64_t avail, uint64_t *need)
{
    if (end <= avail)
        return false;
    *need = end;
    return true;
}

/*
 * Reads the headers from p[0, avail) of a file of `size` bytes and checks
 * them against that size.  A stream passes PE_SIZE_UNKNOWN: every check
 * against the size then passes (they all fail only more as a file gets
 * shorter), and PE_NEED_MORE with *need says how many bytes the headers
 * take when avail does not hold them yet.  `notpe` is the status for a
 * file that does not start like a PE file at all.
 */
static int parse_layout(mum_ctx *ctx, const uint8_t *p, uint64_t avail, uint64_t size,
                        const mum_location *where, int notpe, pe_layout *out, uint64_t *need)
{
    memset(out, 0, sizeof *out);
    mum_pe_info *pi = &out->info;
    if (size < DOS_LFANEW_AT + 4)
        return pe_error(ctx, notpe, where, 0, "not a PE file: no MZ header");
    if (short_of(DOS_LFANEW_AT + 4, avail, need))
        return PE_NEED_MORE;
    if (!p || p[0] != 'M' || p[1] != 'Z')
        return pe_error(ctx, notpe, where, 0, "not a PE file: no MZ header");
    uint64_t pe = le32(p + DOS_LFANEW_AT);
    if (pe + 4 > size)
        return pe_error(ctx, notpe, where, DOS_LFANEW_AT,
                        "not a PE file: e_lfanew 0x%llx does not point at a PE signature",
                        (unsigned long long)pe);
    if (short_of(pe + 4, avail, need))
        return PE_NEED_MORE;
    if (memcmp(p + pe, "PE\0\0", 4) != 0)
        return pe_error(ctx, notpe, where, DOS_LFANEW_AT,
                        "not a PE file: e_lfanew 0x%llx does not point at a PE signature",
                        (unsigned long long)pe);
    pi->pe_offset = pe;
    uint64_t coff = pe + 4;
    if (coff + COFF_SIZE > size)
        return pe_error(ctx, MUM_EFORMAT, where, coff, "truncated PE file: the COFF header ends past the end of the file");
    if (short_of(coff + COFF_SIZE, avail, need))
        return PE_NEED_MORE;
    pi->machine = le16(p + coff);
    pi->section_count = le16(p + coff + 2);
    uint16_t opt_size = le16(p + coff + 16);
    pi->characteristics = le16(p + coff + 18);

    uint64_t opt = coff + COFF_SIZE;
    if (opt + 2 > size)
        return pe_error(ctx, MUM_EFORMAT, where, opt, "truncated PE file: no optional header");
    if (short_of(opt + 2, avail, need))
        return PE_NEED_MORE;
    uint16_t magic = le16(p + opt);
    if (magic != OPT_MAGIC_PE32 && magic != OPT_MAGIC_PE32PLUS)
        return pe_error(ctx, MUM_EUNSUPPORTED, where, opt,
                        "unsupported optional header magic 0x%x (not PE32 or PE32+)", magic);
    pi->pe32plus = magic == OPT_MAGIC_PE32PLUS;
    /* NumberOfRvaAndSizes and the data directories move by 16 bytes in PE32+. */
    uint64_t nrva_at = pi->pe32plus ? 108 : 92;
    uint64_t dirs_at = nrva_at + 4;
    if (opt_size < OPT_CHECKSUM_AT + 4)
        return pe_error(ctx, MUM_EFORMAT, where, coff + 16,
                        "SizeOfOptionalHeader %u is too small to hold the CheckSum field", opt_size);
    if (opt + opt_size > size)
        return pe_error(ctx, MUM_EFORMAT, where, opt,
                        "truncated PE file: the optional header (%u bytes) ends past the end of the file",
                        opt_size);
    if (short_of(opt + opt_size, avail, need))
        return PE_NEED_MORE;
    pi->size_of_headers = le32(p + opt + OPT_SIZE_OF_HEADERS_AT);
    pi->checksum_offset = opt + OPT_CHECKSUM_AT;
    pi->checksum = le32(p + pi->checksum_offset);

    uint64_t cert_entry_end = pi->checksum_offset + 4;
    if (opt_size >= nrva_at + 4) {
        uint32_t nrva = le32(p + opt + nrva_at);
        uint64_t room = opt_size > dirs_at ? (opt_size - dirs_at) / 8 : 0;
        if (nrva > CERT_DIR_INDEX && room > CERT_DIR_INDEX) {
            pi->certdir_offset = opt + dirs_at + 8 * CERT_DIR_INDEX;
            cert_entry_end = pi->certdir_offset + 8;
            uint32_t va = le32(p + pi->certdir_offset);
            uint32_t len = le32(p + pi->certdir_offset + 4);
            if (len != 0) {
                /* The security directory holds a file offset, not an RVA. */
                if (va == 0 || (uint64_t)va + len > size)
                    return pe_error(ctx, MUM_EFORMAT, where, pi->certdir_offset,
                                    "the certificate table (offset 0x%x, %u bytes) lies outside the file (%llu bytes)",
                                    va, len, (unsigned long long)size);
                pi->cert_offset = va;
                pi->cert_size = len;
            }
        }
    }
    if ((uint64_t)pi->size_of_headers < cert_entry_end)
        return pe_error(ctx, MUM_EFORMAT, where, opt + OPT_SIZE_OF_HEADERS_AT,
                        "SizeOfHeaders %u ends inside the optional header", pi->size_of_headers);
    if (pi->size_of_headers > size)
        return pe_error(ctx, MUM_EFORMAT, where, opt + OPT_SIZE_OF_HEADERS_AT,
                        "truncated PE file: SizeOfHeaders %u is past the end of the file (%llu bytes)",
                        pi->size_of_headers, (unsigned long long)size);
    if (pi->cert_size && pi->cert_offset < pi->size_of_headers)
        return pe_error(ctx, MUM_EFORMAT, where, pi->certdir_offset,
                        "the certificate table at 0x%llx overlaps the headers",
                        (unsigned long long)pi->cert_offset);

    uint64_t sect = opt + opt_size;
    uint64_t sect_end = sect + (uint64_t)pi->section_count * SECTION_SIZE;
    if (sect_end > size)
        return pe_error(ctx, MUM_EFORMAT, where, sect,
                        "the section table (%u sections) ends past the end of the file",
                        pi->section_count);
    if (short_of(sect_end, avail, need))
        return PE_NEED_MORE;
    if (pi->section_count) {
        out->sections = mum__calloc(pi->section_count, sizeof *out->sections);
        if (!out->sections)
            return mum__nomem(ctx);
    }
    for (uint16_t i = 0; i < pi->section_count; i++) {
        const uint8_t *s = p + sect + (uint64_t)i * SECTION_SIZE;
        uint64_t raw_size = le32(s + 16);
        uint64_t raw_at = le32(s + 20);
        if (raw_size == 0)
            continue;
        uint64_t field = sect + (uint64_t)i * SECTION_SIZE + 16;
        if (raw_at + raw_size > size) {
            mum__free(out->sections);
            out->sections = NULL;
            return pe_error(ctx, MUM_EFORMAT, where, field,
                            "section %u: raw data at 0x%llx (%llu bytes) ends past the end of the file",
                            i + 1u, (unsigned long long)raw_at, (unsigned long long)raw_size);
        }
        if (pi->cert_size && raw_at < pi->cert_offset + pi->cert_size &&
            pi->cert_offset < raw_at + raw_size) {
            mum__free(out->sections);
            out->sections = NULL;
            return pe_error(ctx, MUM_EFORMAT, where, pi->certdir_offset,
                            "the certificate table at 0x%llx overlaps section %u",
                            (unsigned long long)pi->cert_offset, i + 1u);
        }
        out->sections[out->nsections].offset = raw_at;
        out->sections[out->nsections].size = raw_size;
        out->nsections++;
    }
    if (out->nsections > 1)
        qsort(out->sections, out->nsections, sizeof *out->sections, cmp_span);
    return MUM_OK;
}

int mum_pe_parse(mum_pe_info *out, mum_ctx *ctx, const void *data, size_t size,
                 const mum_location *where)
{
    pe_layout l;
    uint64_t need;
    int rc = parse_layout(ctx, data, size, size, where, MUM_EFORMAT, &l, &need);
    if (rc == MUM_OK)
        *out = l.info;
    mum__free(l.sections);
    return rc;
}

/* What digest.c needs of the layout to compute the Authenticode digest. */
static mum__pe_digest_layout digest_layout(const pe_layout *l)
{
    const mum_pe_info *pi = &l->info;
    mum__pe_digest_layout d = {.checksum_offset = pi->checksum_offset,
                               .certdir_offset = pi->certdir_offset,
                               .size_of_headers = pi->size_of_headers,
                               .cert_offset = pi->cert_offset,
                               .cert_size = pi->cert_size,
                               .sections = l->sections,
                               .nsections = l->nsections};
    return d;
}

/* The digest set computing algs[0, n) (checked by the caller). */
static unsigned want_of(const mum_hash_alg *algs, size_t n)
{
    unsigned want = 0;
    for (size_t i = 0; i < n; i++)
        want |= MUM_DIGEST_BIT(algs[i]);
    return want;
}

/* Each of algs' digests from the set; an algorithm asked twice gets the
 * same digest twice. */
static int final_all(mum__digest_set *set, const mum_hash_alg *algs, size_t n,
                     uint8_t (*out)[MUM_HASH_MAX_SIZE])
{
    for (size_t i = 0; i < n; i++) {
        size_t j = 0;
        while (j < i && algs[j] != algs[i])
            j++;
        if (j < i) {
            memcpy(out[i], out[j], mum_hash_size(algs[i]));
            continue;
        }
        int rc = mum__digest_set_final(set, algs[i], out[i]);
        if (rc != MUM_OK)
            return rc;
    }
    return MUM_OK;
}

enum { MAX_ALGS = 8 };

int mum_pe_digest(mum_ctx *ctx, const void *data, size_t size, const mum_location *where,
                  const mum_hash_alg *algs, size_t n, uint8_t (*out)[MUM_HASH_MAX_SIZE])
{
    if (n == 0 || n > MAX_ALGS || !algs || !out)
        return mum__error(ctx, MUM_EINVAL, NULL, "mum_pe_digest: between 1 and %d algorithms", MAX_ALGS);
    for (size_t i = 0; i < n; i++)
        if (mum_hash_size(algs[i]) == 0)
            return mum__error(ctx, MUM_EINVAL, NULL, "mum_pe_digest: unknown digest algorithm");
    pe_layout l;
    uint64_t need;
    int rc = parse_layout(ctx, data, size, size, where, MUM_EFORMAT, &l, &need);
    if (rc != MUM_OK)
        return rc;
    mum__digest_set set = MUM_DIGEST_SET_INIT;
    rc = mum__digest_set_init(&set, want_of(algs, n));
    if (rc == MUM_OK) {
        mum__pe_digest_layout dl = digest_layout(&l);
        rc = mum__digest_pe_image(&set, data, size, &dl);
    }
    if (rc == MUM_OK)
        rc = final_all(&set, algs, n, out);
    mum__digest_set_clear(&set);
    mum__free(l.sections);
    if (rc == MUM_ENOMEM)
        return mum__nomem(ctx);
    if (rc != MUM_OK)
        return mum__error(ctx, rc, NULL, "computing the Authenticode digest: %s", mum_strerror(rc));
    return MUM_OK;
}

/* ======================================================================
 * The streaming digest
 *
 * The digest takes byte ranges ("spans") in a fixed order: the headers
 * without CheckSum and the certificate entry, the sections by file offset,
 * then the rest of the file from offset SUM_OF_BYTES_HASHED, leaving out the
 * certificate table.  Once the headers are in, the spans are known (the last
 * one runs to the end of the file, whatever that turns out to be).  Bytes
 * are hashed as they arrive while the spans follow each other in file
 * order; a span that starts behind the bytes already seen (overlapping or
 * out-of-order sections, the rest of the file starting inside the sections
 * when they have gaps) is served from a window of retained bytes: every
 * byte at or after the lowest offset a later span still needs is kept, and
 * dropped as soon as no span needs it.  The sizes checks of the headers
 * that depend on the file's size are made at the end, by parsing the kept
 * headers again with the size then known, so errors are mum_pe_digest's.
 * ====================================================================== */

typedef struct pe_range {
    uint64_t start, end;        /* end UINT64_MAX: to the end of the file */
    uint64_t gate;              /* hash nothing before the stream is longer than this (0: none) */
} pe_range;

struct mum_pe_hasher {
    size_t n;
    mum_hash_alg algs[MAX_ALGS];
    mum__digest_set pe;
    mum__digest_set flat;           /* MUM_PE_HASHER_FLAT (empty without) */
    size_t limit;
    int status;                     /* sticky: MUM_ENOMEM, MUM_ECRYPTO, MUM_ELIMIT */
    bool finished;
    enum { PH_HEAD, PH_STREAM, PH_BAD_HEADERS } state;
    uint64_t total;                 /* bytes received */
    /* the headers: the first bytes of the file, as many as they take */
    uint8_t *head;
    size_t head_len, head_cap;
    uint64_t need;
    /* PH_STREAM */
    pe_layout layout;
    pe_range *ranges;
    size_t nranges, cur;
    uint64_t *min_start;            /* min_start[i]: the lowest start of ranges i.. */
    uint64_t cursor;                /* the next byte range `cur` needs */
    uint64_t pos;                   /* bytes passed to the ranges */
    /* the window: bytes [win_off, win_off + win_len), at win + win_skip */
    uint8_t *win;
    size_t win_cap, win_skip, win_len;
    uint64_t win_off;
    size_t peak;                    /* the most bytes held at once */
};

int mum_pe_hasher_new(mum_pe_hasher **out, const mum_hash_alg *algs, size_t n, unsigned flags)
{
    *out = NULL;
    if (n == 0 || n > MAX_ALGS || !algs || (flags & ~MUM_PE_HASHER_FLAT))
        return MUM_EINVAL;
    for (size_t i = 0; i < n; i++)
        if (mum_hash_size(algs[i]) == 0)
            return MUM_EINVAL;
    mum_pe_hasher *h = mum__calloc(1, sizeof *h);
    if (!h)
        return MUM_ENOMEM;
    h->n = n;
    h->limit = MUM_PE_HASHER_LIMIT;
    for (size_t i = 0; i < n; i++)
        h->algs[i] = algs[i];
    int rc = mum__digest_set_init(&h->pe, want_of(algs, n));
    if (rc == MUM_OK && (flags & MUM_PE_HASHER_FLAT))
        rc = mum__digest_set_init(&h->flat, want_of(algs, n));
    if (rc != MUM_OK) {
        mum_pe_hasher_free(h);
        return rc;
    }
    *out = h;
    return MUM_OK;
}

void mum_pe_hasher_free(mum_pe_hasher *h)
{
    if (!h)
        return;
    mum__digest_set_clear(&h->pe);
    mum__digest_set_clear(&h->flat);
    mum__free(h->head);
    mum__free(h->layout.sections);
    mum__free(h->ranges);
    mum__free(h->min_start);
    mum__free(h->win);
    mum__free(h);
}

void mum_pe_hasher_set_limit(mum_pe_hasher *h, size_t bytes)
{
    h->limit = bytes ? bytes : MUM_PE_HASHER_LIMIT;
}

size_t mum_pe_hasher_peak(const mum_pe_hasher *h)
{
    return h->peak;
}

static void note_held(mum_pe_hasher *h)
{
    size_t held = h->head_len + h->win_len;
    if (held > h->peak)
        h->peak = held;
}

static int hash_pe(mum_pe_hasher *h, const uint8_t *p, size_t len)
{
    return len ? mum__digest_set_update(&h->pe, p, len) : MUM_OK;
}

static bool add_range(mum_pe_hasher *h, size_t *cap, uint64_t start, uint64_t end, uint64_t gate)
{
    if (end <= start)
        return true;
    if (!mum__grow((void **)&h->ranges, cap, h->nranges + 1, sizeof *h->ranges))
        return false;
    h->ranges[h->nranges++] = (pe_range){start, end, gate};
    return true;
}

struct plan {
    mum_pe_hasher *h;
    size_t cap;
};

static int plan_one(void *ud, uint64_t start, uint64_t end, uint64_t gate)
{
    struct plan *pl = ud;
    return add_range(pl->h, &pl->cap, start, end, gate) ? MUM_OK : MUM_ENOMEM;
}

/* The ranges in digest order, as mum__digest_pe_image feeds them (digest.c
 * says which: one list of exclusions for both). */
static int plan_ranges(mum_pe_hasher *h)
{
    struct plan pl = {h, 0};
    mum__pe_digest_layout dl = digest_layout(&h->layout);
    bool ok = mum__digest_pe_ranges(&dl, plan_one, &pl) == MUM_OK;
    if (ok && !(h->min_start = mum__calloc(h->nranges + 1, sizeof *h->min_start)))
        ok = false;
    if (!ok)
        return MUM_ENOMEM;
    h->min_start[h->nranges] = UINT64_MAX;
    for (size_t i = h->nranges; i-- > 0;)
        h->min_start[i] = h->ranges[i].start < h->min_start[i + 1] ? h->ranges[i].start : h->min_start[i + 1];
    h->cur = 0;
    h->cursor = h->nranges ? h->ranges[0].start : 0;
    return MUM_OK;
}

/* Appends d[0, len) (file offset `at`) to the window, which ends at `at`
 * when it holds anything. */
static int win_append(mum_pe_hasher *h, const uint8_t *d, size_t len, uint64_t at)
{
    if (len == 0)
        return MUM_OK;
    if (h->win_len == 0) {
        h->win_skip = 0;
        h->win_off = at;
    }
    if (h->head_len + h->win_len + len > h->limit)
        return MUM_ELIMIT;
    if (h->win_skip + h->win_len + len > h->win_cap && h->win_skip) {
        memmove(h->win, h->win + h->win_skip, h->win_len);
        h->win_skip = 0;
    }
    if (!mum__grow((void **)&h->win, &h->win_cap, h->win_skip + h->win_len + len, 1))
        return MUM_ENOMEM;
    memcpy(h->win + h->win_skip + h->win_len, d, len);
    h->win_len += len;
    note_held(h);
    return MUM_OK;
}

static void win_drop_below(mum_pe_hasher *h, uint64_t keep)
{
    if (h->win_len == 0 || keep <= h->win_off)
        return;
    uint64_t drop = keep - h->win_off;
    if (drop >= h->win_len) {
        h->win_len = h->win_skip = 0;
        return;
    }
    h->win_skip += (size_t)drop;
    h->win_len -= (size_t)drop;
    h->win_off = keep;
}

/* Hashes what the ranges can take of bytes [pos, pos + len) = d, then
 * keeps in the window what later ranges will need. */
static int consume(mum_pe_hasher *h, const uint8_t *d, size_t len)
{
    uint64_t avail = h->pos + len;
    int rc = MUM_OK;
    while (h->cur < h->nranges && rc == MUM_OK) {
        const pe_range *r = &h->ranges[h->cur];
        if (r->gate && avail <= r->gate)
            break;
        uint64_t stop = r->end < avail ? r->end : avail;
        if (h->cursor < stop) {
            if (h->cursor < h->pos) { /* behind this block: from the window */
                uint64_t to = stop < h->pos ? stop : h->pos;
                rc = hash_pe(h, h->win + h->win_skip + (h->cursor - h->win_off), (size_t)(to - h->cursor));
                h->cursor = to;
            }
            if (rc == MUM_OK && h->cursor < stop) {
                rc = hash_pe(h, d + (h->cursor - h->pos), (size_t)(stop - h->cursor));
                h->cursor = stop;
            }
        }
        if (h->cursor < r->end)
            break; /* more of this range is still to come */
        if (++h->cur < h->nranges)
            h->cursor = h->ranges[h->cur].start;
    }
    if (rc != MUM_OK)
        return rc;
    uint64_t keep = UINT64_MAX;
    if (h->cur < h->nranges) {
        keep = h->min_start[h->cur + 1];
        if (h->cursor < keep)
            keep = h->cursor;
    }
    win_drop_below(h, keep);
    if (keep < avail) {
        uint64_t from = keep > h->pos ? keep : h->pos;
        rc = win_append(h, d + (from - h->pos), (size_t)(avail - from), from);
    }
    h->pos = avail;
    return rc;
}

/* The headers are in (or wrong): plan the ranges and hash what is held. */
static int headers_done(mum_pe_hasher *h)
{
    int rc = plan_ranges(h);
    if (rc != MUM_OK)
        return rc;
    h->state = PH_STREAM;
    return consume(h, h->head, h->head_len);
}

/* Feeds data to the header parser until it has what it needs; returns how
 * many bytes of data it took. */
static int feed_head(mum_pe_hasher *h, const uint8_t *d, size_t size, size_t *used)
{
    *used = 0;
    while (h->state == PH_HEAD) {
        if (h->head_len < h->need) {
            uint64_t want = h->need - h->head_len;
            size_t take = want < size - *used ? (size_t)want : size - *used;
            if (take == 0)
                return MUM_OK;
            if (h->head_len + take > h->limit)
                return MUM_ELIMIT;
            if (!mum__grow((void **)&h->head, &h->head_cap, h->head_len + take, 1))
                return MUM_ENOMEM;
            memcpy(h->head + h->head_len, d + *used, take);
            h->head_len += take;
            *used += take;
            note_held(h);
            if (h->head_len < h->need)
                return MUM_OK;
        }
        int rc = parse_layout(NULL, h->head, h->head_len, PE_SIZE_UNKNOWN, NULL, MUM_ENOTFOUND, &h->layout,
                              &h->need);
        if (rc == PE_NEED_MORE)
            continue;
        if (rc == MUM_ENOMEM)
            return rc;
        if (rc != MUM_OK) {
            /* the headers are wrong whatever follows: finish says how */
            h->state = PH_BAD_HEADERS;
            return MUM_OK;
        }
        return headers_done(h);
    }
    return MUM_OK;
}

int mum_pe_hasher_update(mum_pe_hasher *h, const void *data, size_t size)
{
    if (h->finished)
        return MUM_EINVAL;
    if (size == 0)
        return MUM_OK;
    if (h->status == MUM_ENOMEM || h->status == MUM_ECRYPTO)
        return h->status;
    const uint8_t *d = data;
    int rc = MUM_OK;
    if (h->flat.want)
        rc = mum__digest_set_update(&h->flat, d, size);
    h->total += size;
    if (rc == MUM_OK && h->status == MUM_OK) {
        size_t used = 0;
        if (h->state == PH_HEAD)
            rc = feed_head(h, d, size, &used);
        if (rc == MUM_OK && h->state == PH_STREAM && used < size)
            rc = consume(h, d + used, size - used);
    }
    if (rc == MUM_ELIMIT) {
        /* the Authenticode digest is given up; the flat ones go on */
        h->status = rc;
        mum__free(h->win);
        h->win = NULL;
        h->win_cap = h->win_len = h->win_skip = 0;
        return MUM_OK;
    }
    if (rc != MUM_OK)
        h->status = rc;
    return rc;
}

int mum_pe_hasher_finish(mum_pe_hasher *h, mum_ctx *ctx, const mum_location *where,
                         uint8_t (*out)[MUM_HASH_MAX_SIZE], uint8_t (*flat)[MUM_HASH_MAX_SIZE])
{
    if (h->finished || !out || (h->flat.want && !flat))
        return mum__error(ctx, MUM_EINVAL, NULL, "mum_pe_hasher_finish: finished already, or no room for the digests");
    h->finished = true;
    int rc = h->status == MUM_ELIMIT ? MUM_OK : h->status;
    if (rc == MUM_OK && h->flat.want)
        rc = final_all(&h->flat, h->algs, h->n, flat);
    if (rc == MUM_OK && h->status == MUM_ELIMIT)
        return pe_error(ctx, MUM_ELIMIT, where, 0,
                        "the layout of this PE file needs more than %zu bytes held to compute its "
                        "Authenticode digest from a stream",
                        h->limit);
    pe_layout l = {0};
    uint64_t need = 0;
    if (rc == MUM_OK) {
        rc = parse_layout(ctx, h->head, h->head_len, h->total, where, MUM_ENOTFOUND, &l, &need);
        mum__free(l.sections);
        /* What the size tells was checked now; the bytes the headers
         * take were held, so the parser never needs more here. */
        if (rc == PE_NEED_MORE || (rc == MUM_OK && h->state != PH_STREAM))
            return pe_error(ctx, MUM_EFORMAT, where, h->head_len, "PE headers not read whole");
        if (rc != MUM_OK)
            return rc;
    }
    if (rc == MUM_OK) {
        /* the padding mum__digest_pe_image ends with */
        mum__pe_digest_layout dl = digest_layout(&h->layout);
        static const uint8_t zeros[8];
        rc = hash_pe(h, zeros, mum__digest_pe_padding(h->total, &dl));
    }
    if (rc == MUM_OK)
        rc = final_all(&h->pe, h->algs, h->n, out);
    if (rc == MUM_ENOMEM)
        return mum__nomem(ctx);
    if (rc != MUM_OK)
        return mum__error(ctx, rc, NULL, "computing the Authenticode digest: %s", mum_strerror(rc));
    return MUM_OK;
}

size_t mum__der_element_len(const uint8_t *p, size_t n)
{
    if (n < 2)
        return 0;
    uint64_t len, hdr;
    if (p[1] < 0x80) {
        len = p[1];
        hdr = 2;
    } else {
        unsigned k = p[1] & 0x7f;
        if (k == 0 || k > 4 || n < 2 + (size_t)k)
            return 0;
        len = 0;
        for (unsigned i = 0; i < k; i++)
            len = len << 8 | p[2 + i];
        hdr = 2 + k;
    }
    return hdr + len <= n ? (size_t)(hdr + len) : 0;
}

/*
 * Signing tools pad a WIN_CERTIFICATE to 8 bytes, some with the padding
 * counted in dwLength: the signature is the DER SEQUENCE at the start, whose
 * length its own header gives.  Anything unusual keeps the whole payload
 * (the PKCS#7 parser then says what is wrong).
 */
static size_t der_length(const uint8_t *p, size_t n)
{
    size_t len = n >= 2 && p[0] == 0x30 ? mum__der_element_len(p, n) : 0;
    return len ? len : n;
}

int mum_pe_signature(mum_ctx *ctx, const void *data, size_t size, const mum_location *where,
                     const uint8_t **der, size_t *len)
{
    mum_pe_info pi;
    int rc = mum_pe_parse(&pi, ctx, data, size, where);
    if (rc != MUM_OK)
        return rc;
    if (!pi.cert_size)
        return pe_error(ctx, MUM_ENOTFOUND, where, pi.certdir_offset ? pi.certdir_offset : pi.pe_offset,
                        "the PE file has no certificate table (it is not signed)");
    const uint8_t *p = data;
    uint64_t at = pi.cert_offset, end = pi.cert_offset + pi.cert_size;
    /* WIN_CERTIFICATE entries follow each other, each aligned to 8 bytes. */
    while (at + WIN_CERT_HEADER <= end) {
        uint32_t length = le32(p + at);
        uint16_t type = le16(p + at + 6);
        if (length < WIN_CERT_HEADER || at + length > end)
            return pe_error(ctx, MUM_EFORMAT, where, at,
                            "WIN_CERTIFICATE length %u does not fit the certificate table", length);
        if (type == WIN_CERT_TYPE_PKCS_SIGNED_DATA) {
            *der = p + at + WIN_CERT_HEADER;
            *len = der_length(*der, length - WIN_CERT_HEADER);
            return MUM_OK;
        }
        at += ((uint64_t)length + 7) & ~(uint64_t)7;
    }
    return pe_error(ctx, MUM_ENOTFOUND, where, pi.cert_offset,
                    "the certificate table holds no PKCS#7 signature");
}

/* ---- resources ---- */

/* Where an RVA lies in the file: the section holding it, as a file span. */
typedef struct rva_map {
    uint64_t va, raw_at, raw_size;
} rva_map;

/* The section whose raw data holds `rva`; false when none does. */
static bool map_rva(const uint8_t *p, uint64_t sect, uint16_t nsect, uint64_t rva, rva_map *out)
{
    for (uint16_t i = 0; i < nsect; i++) {
        const uint8_t *s = p + sect + (uint64_t)i * SECTION_SIZE;
        uint64_t vsize = le32(s + 8), va = le32(s + 12);
        uint64_t raw_size = le32(s + 16), raw_at = le32(s + 20);
        /* bytes past the raw data are zeros in memory, not in the file */
        uint64_t span = vsize && vsize < raw_size ? vsize : raw_size;
        if (rva >= va && rva - va < span) {
            out->va = va;
            out->raw_at = raw_at;
            out->raw_size = span;
            return true;
        }
    }
    return false;
}

/*
 * The entry of id `id` in the resource directory at `dir` (an offset from
 * the resource directory's start, inside `limit` bytes of it): its
 * OffsetToData, the subdirectory bit included, and where the entry lies in
 * the file (*at); `first` takes the first entry whatever its id.  `from`
 * is where the offset to this directory was read, for messages.
 * MUM_ENOTFOUND when there is none.
 */
static int rsrc_entry(mum_ctx *ctx, const mum_location *where, const uint8_t *base,
                      uint64_t base_off, uint64_t limit, uint64_t dir, uint64_t from, uint32_t id,
                      bool first, uint32_t *out, uint64_t *at)
{
    if (dir > limit || limit - dir < RSRC_DIR_SIZE)
        return pe_error(ctx, MUM_EFORMAT, where, from,
                        "a resource directory at +0x%llx ends past its section (%llu bytes)",
                        (unsigned long long)dir, (unsigned long long)limit);
    uint32_t named = le16(base + dir + 12), ids = le16(base + dir + 14);
    uint64_t n = (uint64_t)named + ids;
    if ((limit - dir - RSRC_DIR_SIZE) / RSRC_ENTRY_SIZE < n)
        return pe_error(ctx, MUM_EFORMAT, where, base_off + dir,
                        "a resource directory has %llu entries past its section",
                        (unsigned long long)n);
    /* named entries come first; numeric ids follow them */
    for (uint64_t i = first ? 0 : named; i < n; i++) {
        const uint8_t *e = base + dir + RSRC_DIR_SIZE + i * RSRC_ENTRY_SIZE;
        uint32_t name = le32(e);
        if (first || (!(name & 0x80000000u) && name == id)) {
            *out = le32(e + 4);
            *at = base_off + dir + RSRC_DIR_SIZE + i * RSRC_ENTRY_SIZE;
            return MUM_OK;
        }
    }
    return MUM_ENOTFOUND;
}

int mum_pe_resource(const uint8_t **out, size_t *out_size, mum_ctx *ctx, const void *data,
                    size_t size, uint32_t type, uint32_t name, const mum_location *where)
{
    if (!out || !out_size || (!data && size))
        return mum__error(ctx, MUM_EINVAL, NULL, "mum_pe_resource: a NULL argument");
    *out = NULL;
    *out_size = 0;
    pe_layout l;
    uint64_t need;
    const uint8_t *p = data;
    int rc = parse_layout(ctx, p, size, size, where, MUM_EFORMAT, &l, &need);
    mum__free(l.sections);
    if (rc != MUM_OK)
        return rc;
    /* parse_layout checked that the optional header and the section table
     * lie in the file */
    uint64_t opt = l.info.pe_offset + 4 + COFF_SIZE;
    uint16_t opt_size = le16(p + l.info.pe_offset + 4 + 16);
    uint64_t nrva_at = l.info.pe32plus ? 108 : 92, dirs_at = nrva_at + 4;
    uint64_t sect = opt + opt_size;
    mum_location loc = {0};
    if (where) {
        loc.input = where->input;
        loc.entry = where->entry;
    }
    if (opt_size < dirs_at + 8 * (RSRC_DIR_INDEX + 1) ||
        le32(p + opt + nrva_at) <= RSRC_DIR_INDEX)
        return mum__error(ctx, MUM_ENOTFOUND, &loc, "no resource directory");
    uint64_t dir_entry = opt + dirs_at + 8 * RSRC_DIR_INDEX;
    uint32_t rsrc_rva = le32(p + dir_entry), rsrc_size = le32(p + dir_entry + 4);
    if (rsrc_rva == 0 || rsrc_size == 0)
        return mum__error(ctx, MUM_ENOTFOUND, &loc, "no resource directory");
    rva_map m;
    if (!map_rva(p, sect, l.info.section_count, rsrc_rva, &m))
        return pe_error(ctx, MUM_EFORMAT, where, dir_entry,
                        "the resource directory (RVA 0x%x) is in no section's raw data", rsrc_rva);
    /* directory offsets count from the resource directory's start, and
     * stay inside its section's raw data */
    uint64_t base_off = m.raw_at + (rsrc_rva - m.va);
    uint64_t limit = m.raw_size - (rsrc_rva - m.va);
    const uint8_t *base = p + base_off;

    uint32_t at;
    uint64_t entry;
    rc = rsrc_entry(ctx, where, base, base_off, limit, 0, dir_entry, type, false, &at, &entry);
    if (rc == MUM_ENOTFOUND)
        return mum__error(ctx, rc, &loc, "no resource of type %u", type);
    if (rc != MUM_OK)
        return rc;
    if (!(at & 0x80000000u))
        return pe_error(ctx, MUM_EFORMAT, where, entry,
                        "the resource type %u leads to data, not to a directory of names", type);
    rc = rsrc_entry(ctx, where, base, base_off, limit, at & 0x7fffffffu, entry, name, false, &at,
                    &entry);
    if (rc == MUM_ENOTFOUND)
        return mum__error(ctx, rc, &loc, "no resource of type %u and name %u", type, name);
    if (rc != MUM_OK)
        return rc;
    if (!(at & 0x80000000u))
        return pe_error(ctx, MUM_EFORMAT, where, entry,
                        "the resource %u/%u leads to data, not to a directory of languages", type,
                        name);
    rc = rsrc_entry(ctx, where, base, base_off, limit, at & 0x7fffffffu, entry, 0, true, &at,
                    &entry);
    if (rc == MUM_ENOTFOUND)
        return mum__error(ctx, rc, &loc, "the resource %u/%u has no language", type, name);
    if (rc != MUM_OK)
        return rc;
    if ((at & 0x80000000u) || at > limit || limit - at < RSRC_DATA_SIZE)
        return pe_error(ctx, MUM_EFORMAT, where, entry,
                        "the data entry of the resource %u/%u lies outside its section", type,
                        name);
    uint32_t data_rva = le32(base + at), data_size = le32(base + at + 4);
    rva_map dm;
    if (!map_rva(p, sect, l.info.section_count, data_rva, &dm) ||
        data_size > dm.raw_size - (data_rva - dm.va))
        return pe_error(ctx, MUM_EFORMAT, where, base_off + at,
                        "the data of the resource %u/%u (RVA 0x%x, %u bytes) is not in the file",
                        type, name, data_rva, data_size);
    *out = p + dm.raw_at + (data_rva - dm.va);
    *out_size = data_size;
    return MUM_OK;
}
