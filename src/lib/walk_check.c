/*
 * walk_check.c - whether a cabinet the walk is about to open is whole:
 * what its header declares against the bytes there are.
 */
#include "config.h"

#include "internal.h"

int mum_walk_check_whole(mum_ctx *ctx, const char *input, const mum_entry *e)
{
    if (!e || e->kind != MUM_ENTRY_CONTAINER || !e->cab)
        return MUM_OK;
    const mum_cab_header *h = e->cab;
    mum_location loc = {.input = input, .entry = e->path, .offset = e->size, .has_offset = true};
    if (h->cabinet_size > e->size)
        return mum__error(ctx, MUM_EFORMAT, &loc, "truncated: the file ends before the %lu bytes its header declares",
                          (unsigned long)h->cabinet_size);
    if (h->signature_reserve && h->signature_length && (uint64_t)h->signature_offset + h->signature_length > e->size)
        return mum__error(ctx, MUM_EFORMAT, &loc,
                          "truncated: the file ends inside its signature (%lu bytes at offset %lu)",
                          (unsigned long)h->signature_length, (unsigned long)h->signature_offset);
    return MUM_OK;
}
