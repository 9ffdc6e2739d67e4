/*
 * fuzz_express.c - express cabinets on arbitrary bytes: the bytes as a
 * PA30 header and as a _manifest_.cix.xml index; an index that parses is
 * checked against blobs named after its sources, whose first bytes are the
 * input again (so PA30 headers, hashes, bases and loops all get exercised).
 */
#include "config.h"

#include "fuzz.h"

#include "internal.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > (1 << 20))
        return 0;
    mum_pa30_header h;
    if (mum_pa30_header_parse(&h, NULL, NULL, data, size) == MUM_OK &&
        (h.hash_size > MUM_HASH_MAX_SIZE || h.header_size > size))
        abort();

    mum_express_index idx;
    if (mum_express_index_parse(&idx, NULL, NULL, data, size) != MUM_OK)
        return 0;
    mum_express_blob *blobs = calloc(idx.count + 1, sizeof *blobs);
    size_t n = 0;
    for (size_t i = 0; blobs && i < idx.count; i++) {
        if (!idx.files[i].source_name)
            continue;
        blobs[n].name = idx.files[i].source_name;
        blobs[n].size = idx.files[i].length;
        memcpy(blobs[n].sha1, idx.files[i].source_hash.value, 20);
        blobs[n].head = data;
        blobs[n].head_size = size < MUM_PA30_HEADER_MAX ? size : MUM_PA30_HEADER_MAX;
        n++;
    }
    if (blobs)
        blobs[n++].name = "unreferenced";
    mum_findings *f = NULL;
    mum_location loc = {.input = "fuzz.msu", .entry = "fuzz.cab"};
    if (blobs && mum_findings_new(&f) == MUM_OK && mum_express_check(&idx, blobs, n, &loc, f) == MUM_OK) {
        for (size_t i = 0; i < idx.count; i++) {
            const mum_express_file *x = &idx.files[i];
            if ((x->blob != MUM_EXPRESS_NONE && x->blob >= n) ||
                (x->basis != MUM_EXPRESS_NONE && x->basis >= idx.count))
                abort();
        }
    }
    mum_findings_free(f);
    free(blobs);
    mum_express_index_clear(&idx);
    return 0;
}
