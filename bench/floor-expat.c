/*
 * floor-expat.c - the second baseline of bench/verify.sh: bench/floor
 * (libarchive reads the cabinet in 64 KiB blocks, every entry is SHA-256'd
 * as it is decoded, one thread) plus a plain expat parse of every .manifest
 * and .mum entry, block by block as the blocks arrive, with namespace
 * processing (as manifests need) and no handlers at all: the least any
 * verifier that reads the manifests pays.  Prints "sha256  path" per entry,
 * as floor does; a manifest expat rejects is an error (exit 1).
 *
 * Nested cabinets (entries named *.cab) are read streamed from their
 * entries, as floor.c does.
 *
 * Usage: floor-expat CABINET
 */
#include <archive.h>
#include <archive_entry.h>
#include <expat.h>
#include <openssl/evp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static bool ends_with_ci(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

static EVP_MD_CTX *md;
static unsigned long parsed;

static la_ssize_t nested_read(struct archive *a, void *parent, const void **buf)
{
    (void)a;
    size_t n;
    la_int64_t off;
    int r = archive_read_data_block(parent, buf, &n, &off);
    return r == ARCHIVE_OK ? (la_ssize_t)n : r == ARCHIVE_EOF ? 0 : -1;
}

/* Every entry of a, nested cabinets inside (printed "outer.cab!inner"). */
static int walk(struct archive *a, const char *prefix)
{
    struct archive_entry *e;
    int r;
    while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
        const char *path = archive_entry_pathname(e);
        if (ends_with_ci(path, ".cab")) {
            struct archive *in = archive_read_new();
            archive_read_support_format_cab(in);
            char sub[4096];
            snprintf(sub, sizeof sub, "%s%s!", prefix, path);
            if (archive_read_open(in, a, NULL, nested_read, NULL) != ARCHIVE_OK) {
                fprintf(stderr, "floor-expat: %s: %s\n", sub, archive_error_string(in));
                return 3;
            }
            int rc = walk(in, sub);
            archive_read_free(in);
            if (rc)
                return rc;
            continue;
        }
        XML_Parser xp = NULL;
        if (ends_with_ci(path, ".manifest") || ends_with_ci(path, ".mum")) {
            if (!(xp = XML_ParserCreateNS(NULL, '\x01'))) {
                fprintf(stderr, "floor-expat: out of memory\n");
                return 3;
            }
        }
        EVP_DigestInit_ex(md, EVP_sha256(), NULL);
        const void *p;
        size_t n;
        la_int64_t off;
        bool bad_xml = false;
        while ((r = archive_read_data_block(a, &p, &n, &off)) == ARCHIVE_OK) {
            EVP_DigestUpdate(md, p, n);
            if (xp && !bad_xml && XML_Parse(xp, p, (int)n, 0) != XML_STATUS_OK)
                bad_xml = true;
        }
        if (r != ARCHIVE_EOF) {
            fprintf(stderr, "floor-expat: %s%s: %s\n", prefix, path, archive_error_string(a));
            return 3;
        }
        if (xp && (bad_xml || XML_Parse(xp, NULL, 0, 1) != XML_STATUS_OK)) {
            fprintf(stderr, "floor-expat: %s%s:%lu: %s\n", prefix, path, XML_GetCurrentLineNumber(xp),
                    XML_ErrorString(XML_GetErrorCode(xp)));
            return 1;
        }
        if (xp) {
            XML_ParserFree(xp);
            parsed++;
        }
        unsigned char d[32];
        unsigned int len;
        EVP_DigestFinal_ex(md, d, &len);
        for (unsigned i = 0; i < len; i++)
            printf("%02x", d[i]);
        printf("  %s%s\n", prefix, path);
    }
    if (r != ARCHIVE_EOF) {
        fprintf(stderr, "floor-expat: %s%s\n", prefix, archive_error_string(a));
        return 3;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: floor-expat CABINET\n");
        return 2;
    }
    struct archive *a = archive_read_new();
    archive_read_support_format_cab(a);
    if (archive_read_open_filename(a, argv[1], 64 << 10) != ARCHIVE_OK) {
        fprintf(stderr, "floor-expat: %s: %s\n", argv[1], archive_error_string(a));
        return 3;
    }
    md = EVP_MD_CTX_new();
    int rc = walk(a, "");
    if (rc == 0)
        fprintf(stderr, "floor-expat: %lu manifests parsed\n", parsed);
    EVP_MD_CTX_free(md);
    archive_read_free(a);
    return rc;
}
