/*
 * floor.c - the single-thread floor for `mumtool ls --hash`: libarchive
 * reads the cabinet (64 KiB blocks, as mumtool does) and every entry is
 * SHA-256'd as it is decoded, on one thread.  Prints "sha256  path" per
 * entry so a run can be checked against mumtool's output.
 *
 * Usage: floor CABINET
 */
#include <archive.h>
#include <archive_entry.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>

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
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    struct archive_entry *e;
    int r;
    while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
        EVP_DigestInit_ex(md, EVP_sha256(), NULL);
        const void *p;
        size_t n;
        la_int64_t off;
        while ((r = archive_read_data_block(a, &p, &n, &off)) == ARCHIVE_OK)
            EVP_DigestUpdate(md, p, n);
        if (r != ARCHIVE_EOF) {
            fprintf(stderr, "floor: %s: %s\n", archive_entry_pathname(e), archive_error_string(a));
            return 3;
        }
        unsigned char d[32];
        unsigned int len;
        EVP_DigestFinal_ex(md, d, &len);
        for (unsigned i = 0; i < len; i++)
            printf("%02x", d[i]);
        printf("  %s\n", archive_entry_pathname(e));
    }
    if (r != ARCHIVE_EOF) {
        fprintf(stderr, "floor: %s\n", archive_error_string(a));
        return 3;
    }
    EVP_MD_CTX_free(md);
    archive_read_free(a);
    return 0;
}
