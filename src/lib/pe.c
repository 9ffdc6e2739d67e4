/*
 * pe.c - PE32/PE32+ headers, the Authenticode digest and the embedded
 * signature.  The headers are decoded field by field from little-endian
 * bytes into mum_pe_info; every offset read is checked against the size
 * first, in 64-bit arithmetic so nothing wraps.
 */
#include "config.h"

#include "internal.h"

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
typedef struct pe_span {
    uint64_t offset;
    uint64_t size;
} pe_span;

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

static int parse_layout(mum_ctx *ctx, const uint8_t *p, size_t size, const mum_location *where,
                        pe_layout *out)
{
    memset(out, 0, sizeof *out);
    mum_pe_info *pi = &out->info;
    if (!p || size < DOS_LFANEW_AT + 4 || p[0] != 'M' || p[1] != 'Z')
        return pe_error(ctx, MUM_EFORMAT, where, 0, "not a PE file: no MZ header");
    uint64_t pe = le32(p + DOS_LFANEW_AT);
    if (pe + 4 > size || memcmp(p + pe, "PE\0\0", 4) != 0)
        return pe_error(ctx, MUM_EFORMAT, where, DOS_LFANEW_AT,
                        "not a PE file: e_lfanew 0x%llx does not point at a PE signature",
                        (unsigned long long)pe);
    pi->pe_offset = pe;
    uint64_t coff = pe + 4;
    if (coff + COFF_SIZE > size)
        return pe_error(ctx, MUM_EFORMAT, where, coff, "truncated PE file: the COFF header ends past the end of the file");
    pi->machine = le16(p + coff);
    pi->section_count = le16(p + coff + 2);
    uint16_t opt_size = le16(p + coff + 16);
    pi->characteristics = le16(p + coff + 18);

    uint64_t opt = coff + COFF_SIZE;
    if (opt + 2 > size)
        return pe_error(ctx, MUM_EFORMAT, where, opt, "truncated PE file: no optional header");
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
                                    "the certificate table (offset 0x%x, %u bytes) lies outside the file (%zu bytes)",
                                    va, len, size);
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
                        "truncated PE file: SizeOfHeaders %u is past the end of the file (%zu bytes)",
                        pi->size_of_headers, size);
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

int mum_pe_parse(mum_ctx *ctx, const void *data, size_t size, const mum_location *where,
                 mum_pe_info *out)
{
    pe_layout l;
    int rc = parse_layout(ctx, data, size, where, &l);
    if (rc == MUM_OK)
        *out = l.info;
    mum__free(l.sections);
    return rc;
}

/* Feeds [from, to) to every hasher. */
static int feed(mum_hasher **h, size_t n, const uint8_t *p, uint64_t from, uint64_t to)
{
    if (to <= from)
        return MUM_OK;
    for (size_t i = 0; i < n; i++) {
        int rc = mum_hasher_update(h[i], p + from, (size_t)(to - from));
        if (rc != MUM_OK)
            return rc;
    }
    return MUM_OK;
}

static int digest_layout(const pe_layout *l, const uint8_t *p, size_t size, mum_hasher **h,
                         size_t n)
{
    const mum_pe_info *pi = &l->info;
    int rc;
    /* 1. the headers without CheckSum and the certificate-table entry */
    uint64_t after_sum = pi->checksum_offset + 4;
    if ((rc = feed(h, n, p, 0, pi->checksum_offset)) != MUM_OK)
        return rc;
    if (pi->certdir_offset) {
        if ((rc = feed(h, n, p, after_sum, pi->certdir_offset)) != MUM_OK ||
            (rc = feed(h, n, p, pi->certdir_offset + 8, pi->size_of_headers)) != MUM_OK)
            return rc;
    } else if ((rc = feed(h, n, p, after_sum, pi->size_of_headers)) != MUM_OK) {
        return rc;
    }
    /* 2. the sections in file order */
    uint64_t hashed = pi->size_of_headers;
    for (size_t i = 0; i < l->nsections; i++) {
        const pe_span *s = &l->sections[i];
        if ((rc = feed(h, n, p, s->offset, s->offset + s->size)) != MUM_OK)
            return rc;
        hashed += s->size;
    }
    /* 3. whatever follows, except the certificate table, padded with zeros
     * to a multiple of 8 bytes as Windows' CryptCATAdminCalcHashFromFileHandle
     * does (and signing tools, which pad the file itself before signing) */
    uint64_t end = size - pi->cert_size;
    if (hashed >= size || end <= hashed)
        return MUM_OK;
    if (!pi->cert_size) {
        rc = feed(h, n, p, hashed, size);
    } else {
        uint64_t cert_end = pi->cert_offset + pi->cert_size;
        if (hashed < pi->cert_offset)
            rc = feed(h, n, p, hashed, pi->cert_offset);
        if (rc == MUM_OK)
            rc = feed(h, n, p, hashed > cert_end ? hashed : cert_end, size);
    }
    static const uint8_t zeros[8];
    if (rc == MUM_OK && end % 8)
        rc = feed(h, n, zeros, 0, 8 - end % 8);
    return rc;
}

int mum_pe_digest(mum_ctx *ctx, const void *data, size_t size, const mum_location *where,
                  const mum_hash_alg *algs, size_t n, uint8_t (*out)[MUM_HASH_MAX_SIZE])
{
    enum { MAX_ALGS = 8 };
    if (n == 0 || n > MAX_ALGS || !algs || !out)
        return mum__error(ctx, MUM_EINVAL, NULL, "mum_pe_digest: between 1 and %d algorithms", MAX_ALGS);
    for (size_t i = 0; i < n; i++)
        if (mum_hash_size(algs[i]) == 0)
            return mum__error(ctx, MUM_EINVAL, NULL, "mum_pe_digest: unknown digest algorithm");
    pe_layout l;
    int rc = parse_layout(ctx, data, size, where, &l);
    if (rc != MUM_OK)
        return rc;
    mum_hasher *h[MAX_ALGS] = {0};
    for (size_t i = 0; i < n && rc == MUM_OK; i++)
        rc = mum_hasher_new(algs[i], &h[i]);
    if (rc == MUM_OK)
        rc = digest_layout(&l, data, size, h, n);
    for (size_t i = 0; i < n && rc == MUM_OK; i++)
        rc = mum_hasher_final(h[i], out[i]);
    for (size_t i = 0; i < n; i++)
        mum_hasher_free(h[i]);
    mum__free(l.sections);
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
    int rc = mum_pe_parse(ctx, data, size, where, &pi);
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
