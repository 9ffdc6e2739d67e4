/*
 * floor.c - the single-thread floor for `mumtool ls --hash`: libarchive
 * reads the cabinet (64 KiB blocks, as mumtool does) and every entry is
 * SHA-256'd as it is decoded, on one thread.  Prints "sha256  path" per
 * entry so a run can be checked against mumtool's output.
 *
 * A nested cabinet (an entry named *.cab, as in the benchmark's packages
 * past 45 000 files) is read the same way, streamed from its entry: its
 * entries are printed as "outer.cab!inner".
 *
 * Usage: floor CABINET
 */
#include <archive.h>
#include <archive_entry.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static EVP_MD_CTX *md;

static la_ssize_t nested_read(struct archive *a, void *parent, const void **buf)
{
    (void)a;
    size_t n;
    la_int64_t off;
    int r = archive_read_data_block(parent, buf, &n, &off);
    return r == ARCHIVE_OK ? (la_ssize_t)n : r == ARCHIVE_EOF ? 0 : -1;
}

static int is_cab(const char *path)
{
    size_t n = strlen(path);
    return n > 4 && strcasecmp(path + n - 4, ".cab") == 0;
}

/* Every entry of a (named `where` in messages), nested cabinets inside. */
static int walk(struct archive *a, const char *prefix)
{
    struct archive_entry *e;
    int r;
    while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
        const char *path = archive_entry_pathname(e);
        if (is_cab(path)) {
            struct archive *in = archive_read_new();
            archive_read_support_format_cab(in);
            char sub[4096];
            snprintf(sub, sizeof sub, "%s%s!", prefix, path);
            if (archive_read_open(in, a, NULL, nested_read, NULL) != ARCHIVE_OK) {
                fprintf(stderr, "floor: %s: %s\n", sub, archive_error_string(in));
                return 3;
            }
            int rc = walk(in, sub);
            archive_read_free(in);
            if (rc)
                return rc;
            continue;
        }
        EVP_DigestInit_ex(md, EVP_sha256(), NULL);
        const void *p;
        size_t n;
        la_int64_t off;
        while ((r = archive_read_data_block(a, &p, &n, &off)) == ARCHIVE_OK)
            EVP_DigestUpdate(md, p, n);
        if (r != ARCHIVE_EOF) {
            fprintf(stderr, "floor: %s%s: %s\n", prefix, path, archive_error_string(a));
            return 3;
        }
        unsigned char d[32];
        unsigned int len;
        EVP_DigestFinal_ex(md, d, &len);
        for (unsigned i = 0; i < len; i++)
            printf("%02x", d[i]);
        printf("  %s%s\n", prefix, path);
    }
    if (r != ARCHIVE_EOF) {
        fprintf(stderr, "floor: %s%s\n", prefix, archive_error_string(a));
        return 3;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: floor CABINET\n");
        return 2;
    }
    struct archive *a = archive_read_new();
    archive_read_support_format_cab(a);
    if (archive_read_open_filename(a, argv[1], 64 << 10) != ARCHIVE_OK) {
        fprintf(stderr, "floor: %s: %s\n", argv[1], archive_error_string(a));
        return 3;
    }
    md = EVP_MD_CTX_new();
    int rc = walk(a, "");
    EVP_MD_CTX_free(md);
    archive_read_free(a);
    return rc;
}
