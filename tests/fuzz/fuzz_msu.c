/*
 * fuzz_msu.c - an .msu's metadata on arbitrary bytes: the bytes as a
 * -pkgProperties.txt (any encoding) and as an unattend .xml.
 */
#include "config.h"

#include "fuzz.h"

#include "internal.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mum_msu_properties p;
    if (mum_msu_properties_parse(&p, NULL, NULL, data, size) == MUM_OK) {
        for (size_t i = 0; i < p.count; i++) {
            /* keys and values come out as UTF-8 without a NUL inside */
            if (!mum__utf8_valid(p.items[i].key, strlen(p.items[i].key)) ||
                !mum__utf8_valid(p.items[i].value, strlen(p.items[i].value)) || !*p.items[i].key)
                abort();
            if (mum_msu_properties_get(&p, p.items[i].key) == NULL)
                abort();
        }
        mum_msu_properties_clear(&p);
    }
    mum_msu_unattend u;
    if (mum_msu_unattend_parse(&u, NULL, NULL, data, size) == MUM_OK)
        mum_msu_unattend_clear(&u);
    return 0;
}
