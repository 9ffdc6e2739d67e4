/*
 * fuzz_expect.c - expected contents (mum_expect_parse) on arbitrary bytes:
 * KB article text, mumtool's own TSV and JSON forms.  A table read holds
 * no row without a name and no string with a tab or a line break (its TSV
 * form could not hold it); reading the same bytes again into it adds as
 * many rows, or, when that fails, leaves it as it was.
 */
#include "config.h"

#include "fuzz.h"

#include "internal.h"

#include <stdlib.h>
#include <string.h>

static void check_str(const char *s)
{
    if (s && strpbrk(s, "\t\r\n"))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > (1u << 20))
        return 0;
    mum_ctx *ctx = NULL;
    if (mum_ctx_new(&ctx) != MUM_OK)
        return 0;
    mum_expect *e = NULL;
    if (mum_expect_parse(&e, ctx, "fuzz", data, size) == MUM_OK) {
        size_t n = e->count;
        if (n == 0 || e->source_count != 1)
            abort();
        for (size_t i = 0; i < n; i++) {
            const mum_expect_row *r = &e->rows[i];
            if (!r->name || !r->source || r->size < -1)
                abort();
            check_str(r->name);
            check_str(r->section);
            check_str(r->version);
            check_str(r->platform);
            check_str(r->package_arch);
            check_str(r->arch);
        }
        if (mum_expect_parse(&e, ctx, "again", data, size) == MUM_OK) {
            if (e->count != 2 * n || e->source_count != 2)
                abort();
        } else if (e->count != n || e->source_count != 1) {
            abort();
        }
    } else if (e) {
        abort();
    }
    mum_expect_free(e);
    mum_ctx_free(ctx);
    return 0;
}
