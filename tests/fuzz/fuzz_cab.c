/*
 * fuzz_cab.c - a cabinet on arbitrary bytes: the CFHEADER and table checks,
 * the streaming Authenticode digest fed in two uneven pieces, and the whole
 * walk (libarchive included, nested cabinets opened, every byte read) over
 * the bytes given as a file.
 */
#include "config.h"

#include "fuzz.h"

#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

static void walk_bytes(const uint8_t *data, size_t size)
{
    int fd = memfd_create("fuzz.cab", 0);
    if (fd < 0)
        return;
    if (write(fd, data, size) != (ssize_t)size) {
        close(fd);
        return;
    }
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    mum_findings *f = NULL;
    mum_walk *w = NULL;
    mum_walk_options o = MUM_WALK_OPTIONS_INIT;
    o.flags |= MUM_WALK_SIGNATURES | MUM_WALK_CONTAINER_SHA256;
    o.max_entries = 2000;
    if (mum_findings_new(&f) == MUM_OK && mum_walk_open(&w, NULL, path, &o, f) == MUM_OK) {
        const mum_entry *e;
        size_t budget = (size_t)8 << 20; /* bytes of data read in all: no decompression bomb */
        while (mum_walk_next(&e, w) == MUM_OK && e) {
            const void *p;
            size_t n;
            while (e->kind == MUM_ENTRY_FILE && budget && mum_walk_read(w, &p, &n) == MUM_OK && n)
                budget = n < budget ? budget - n : 0;
        }
    }
    mum_walk_free(w);
    mum_findings_free(f);
    close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > (1 << 20))
        return 0;
    mum_cab_header h;
    if (mum_cab_header_parse(&h, NULL, NULL, data, size) == MUM_OK) {
        mum_cab_tables_check(&h, NULL, NULL, data, size, true);
        mum_cab_tables_check(&h, NULL, NULL, data, size / 2, false);
    }
    mum_cab_digest *d = NULL;
    if (mum_cab_digest_new(&d, MUM_CAB_DIGEST_RAW) == MUM_OK) {
        size_t cut = size ? data[0] % (size + 1) : 0;
        mum_cab_signature sig;
        mum_findings *f = NULL;
        if (mum_findings_new(&f) == MUM_OK && mum_cab_digest_update(d, data, cut) == MUM_OK &&
            mum_cab_digest_update(d, data + cut, size - cut) == MUM_OK &&
            mum_cab_digest_finish(&sig, d, NULL, NULL, f) == MUM_OK) {
            /* what is kept of the signature lies inside the input */
            if (sig.blob && (sig.blob_size != sig.length || sig.offset + sig.length > size))
                abort();
            mum_cab_signature_clear(&sig);
        }
        mum_findings_free(f);
        mum_cab_digest_free(d);
    }
    walk_bytes(data, size);
    return 0;
}
