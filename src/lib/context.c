/*
 * context.c - the context object: the last failure, its message and its
 * location.  Failures are recorded where they are found and not re-wrapped.
 */
#include "config.h"

#include "internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

struct mum_ctx {
    int status;
    char *message;      /* location + reason */
    char *reason;
    char *input;
    char *entry;
    mum_location loc;   /* points into input/entry */
    bool static_text;   /* message/reason point to constants (out of memory) */
};

static const char nomem_text[] = "out of memory";

const char *mum_strerror(int status)
{
    switch (status) {
    case MUM_OK: return "success";
    case MUM_ENOMEM: return "out of memory";
    case MUM_EINVAL: return "invalid argument";
    case MUM_EIO: return "input/output error";
    case MUM_EFORMAT: return "malformed input";
    case MUM_ELIMIT: return "limit exceeded";
    case MUM_EUNSUPPORTED: return "unsupported input";
    case MUM_ENOTFOUND: return "not found";
    case MUM_EDELTA: return "delta-compressed data";
    case MUM_ECRYPTO: return "cryptographic failure";
    case MUM_EEXIST: return "file exists";
    default: return "unknown error";
    }
}

const char *mum_version_string(void)
{
    return PACKAGE_VERSION;
}

int mum_ctx_new(mum_ctx **out)
{
    mum_ctx *ctx = mum__calloc(1, sizeof *ctx);
    if (!ctx)
        return MUM_ENOMEM;
    *out = ctx;
    return MUM_OK;
}

static void ctx_release_text(mum_ctx *ctx)
{
    if (!ctx->static_text) {
        mum__free(ctx->message);
        mum__free(ctx->reason);
    }
    mum__free(ctx->input);
    mum__free(ctx->entry);
    ctx->message = ctx->reason = ctx->input = ctx->entry = NULL;
    ctx->static_text = false;
    memset(&ctx->loc, 0, sizeof ctx->loc);
}

void mum_ctx_clear(mum_ctx *ctx)
{
    if (!ctx)
        return;
    ctx_release_text(ctx);
    ctx->status = MUM_OK;
}

void mum_ctx_free(mum_ctx *ctx)
{
    if (!ctx)
        return;
    ctx_release_text(ctx);
    mum__free(ctx);
}

int mum_ctx_status(const mum_ctx *ctx)
{
    return ctx ? ctx->status : MUM_OK;
}

const char *mum_ctx_message(const mum_ctx *ctx)
{
    return (ctx && ctx->message) ? ctx->message : "";
}

const char *mum_ctx_reason(const mum_ctx *ctx)
{
    return (ctx && ctx->reason) ? ctx->reason : "";
}

const mum_location *mum_ctx_location(const mum_ctx *ctx)
{
    static const mum_location none;
    return ctx ? &ctx->loc : &none;
}

size_t mum_location_format(const mum_location *loc, char *buf, size_t size)
{
    if (size)
        buf[0] = '\0';
    if (!loc)
        return 0;
    int n;
    const char *input = loc->input ? loc->input : "";
    const char *sep = (loc->entry && *loc->entry) ? "!" : "";
    const char *entry = (loc->entry && *loc->entry) ? loc->entry : "";
    if (loc->line && loc->column)
        n = snprintf(buf, size, "%s%s%s:%" PRIu32 ":%" PRIu32, input, sep, entry, loc->line,
                     loc->column);
    else if (loc->line)
        n = snprintf(buf, size, "%s%s%s:%" PRIu32, input, sep, entry, loc->line);
    else if (loc->has_offset)
        n = snprintf(buf, size, "%s%s%s: at offset %" PRIu64, input, sep, entry, loc->offset);
    else
        n = snprintf(buf, size, "%s%s%s", input, sep, entry);
    return n < 0 ? 0 : (size_t)n;
}

int mum__nomem(mum_ctx *ctx)
{
    if (ctx) {
        ctx_release_text(ctx);
        ctx->status = MUM_ENOMEM;
        ctx->message = ctx->reason = (char *)nomem_text;
        ctx->static_text = true;
    }
    return MUM_ENOMEM;
}

int mum__verror(mum_ctx *ctx, int status, const mum_location *loc, const char *fmt, va_list ap)
{
    if (!ctx)
        return status;
    if (status == MUM_ENOMEM)
        return mum__nomem(ctx);
    ctx_release_text(ctx);
    ctx->status = status;

    char *reason = mum__vasprintf(fmt, ap);
    if (!reason) {
        /* No memory to describe it: keep the status, say why the text is missing. */
        mum__nomem(ctx);
        ctx->status = status;
        return status;
    }
    ctx->reason = reason;
    if (loc) {
        ctx->loc = *loc;
        ctx->input = mum__strdup(loc->input);
        ctx->entry = mum__strdup(loc->entry);
        ctx->loc.input = ctx->input;
        ctx->loc.entry = ctx->entry;
    }
    size_t need = mum_location_format(&ctx->loc, NULL, 0);
    if (need == 0) {
        ctx->message = mum__strdup(reason);
    } else {
        char *where = mum__malloc(need + 1);
        if (where) {
            mum_location_format(&ctx->loc, where, need + 1);
            ctx->message = mum__asprintf("%s: %s", where, reason);
            mum__free(where);
        }
    }
    if (!ctx->message) {
        /* Keep the reason at least; the location is still on ctx->loc. */
        ctx->message = mum__strdup(reason);
        if (!ctx->message) {
            int keep = status;
            mum__nomem(ctx);
            ctx->status = keep;
        }
    }
    return status;
}

int mum__error(mum_ctx *ctx, int status, const mum_location *loc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = mum__verror(ctx, status, loc, fmt, ap);
    va_end(ap);
    return r;
}
