/*
 * delta-apply - applies PA30 deltas through the public API (mum_delta_apply,
 * after mum_delta_header_read), for the decoder's tests:
 *
 *   delta-apply SOURCE DELTA [OUT]
 *       applies one; prints "ok SIZE" or "STATUS: MESSAGE"; exit 0 or 1.
 *   delta-apply --batch DIR
 *       reads DIR/cases.tsv (tests/tools/gen-hostile-deltas.py) and prints,
 *       for each case, flushed before the next starts (so that a crash or a
 *       hang names its case):
 *       NAME <TAB> STATUS <TAB> SIZE <TAB> same|differs|- <TAB> MESSAGE
 *       where STATUS is "ok" or the error's name (EFORMAT, ...), and
 *       same/differs compares the output with the case's expected target.
 *
 * Exit 2 on a usage or I/O error.  Not installed.
 */
#include "config.h"

#include <mum/mum.h>
#include <mum/delta.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned char *slurp(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0, got;
    unsigned char *p = malloc(cap);
    while (p && (got = fread(p + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            unsigned char *q = realloc(p, cap *= 2);
            if (!q)
                free(p);
            p = q;
        }
    }
    if (ferror(f)) {
        free(p);
        p = NULL;
    }
    fclose(f);
    *size = n;
    return p;
}

static const char *status_name(int rc)
{
    switch (rc) {
    case MUM_OK: return "ok";
    case MUM_EINVAL: return "EINVAL";
    case MUM_ENOMEM: return "ENOMEM";
    case MUM_EFORMAT: return "EFORMAT";
    case MUM_ELIMIT: return "ELIMIT";
    case MUM_EUNSUPPORTED: return "EUNSUPPORTED";
    default: return "OTHER";
    }
}

/* Reads the header, then applies; the header's status wins when it fails
 * (apply would report the same).  *out is owned by the caller (mum_free). */
static int apply(mum_ctx *ctx, const unsigned char *src, size_t src_size,
                 const unsigned char *delta, size_t delta_size, uint8_t **out, size_t *out_size)
{
    mum_delta_header h;
    *out = NULL;
    *out_size = 0;
    int rc = mum_delta_header_read(&h, ctx, delta, delta_size);
    if (rc != MUM_OK)
        return rc;
    return mum_delta_apply(out, out_size, ctx, src_size ? src : NULL, src_size, delta,
                           delta_size, NULL);
}

static void one_line(char *s)
{
    for (; *s; s++)
        if (*s == '\t' || *s == '\n')
            *s = ' ';
}

static char *path_in(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s/%s", dir, name);
    return p;
}

static int batch(mum_ctx *ctx, const char *dir)
{
    char *list = path_in(dir, "cases.tsv");
    FILE *f = list ? fopen(list, "r") : NULL;
    if (!f) {
        fprintf(stderr, "delta-apply: cannot read %s\n", list ? list : dir);
        free(list);
        return 2;
    }
    free(list);
    char line[4096];
    int status = 0;
    while (fgets(line, sizeof line, f)) {
        char *field[5] = {0};
        char *p = line;
        for (int i = 0; i < 5 && p; i++) {
            field[i] = p;
            p = strchr(p, '\t');
            if (p)
                *p++ = '\0';
        }
        if (!field[3])
            continue;
        char *sp = path_in(dir, field[1]), *dp = path_in(dir, field[2]);
        size_t src_size = 0, delta_size = 0;
        unsigned char *src = sp ? slurp(sp, &src_size) : NULL;
        unsigned char *delta = dp ? slurp(dp, &delta_size) : NULL;
        free(sp);
        free(dp);
        if (!src || !delta) {
            fprintf(stderr, "delta-apply: %s: cannot read its files\n", field[0]);
            free(src);
            free(delta);
            status = 2;
            break;
        }
        uint8_t *out;
        size_t out_size;
        mum_ctx_clear(ctx);
        int rc = apply(ctx, src, src_size, delta, delta_size, &out, &out_size);
        const char *cmp = "-";
        if (rc == MUM_OK && strchr(field[3], ':') && strncmp(field[3], "error:", 6) != 0) {
            char *tp = path_in(dir, strchr(field[3], ':') + 1);
            size_t want_size = 0;
            unsigned char *want = tp ? slurp(tp, &want_size) : NULL;
            free(tp);
            cmp = want && want_size == out_size && (out_size == 0 || memcmp(want, out, out_size) == 0)
                      ? "same" : "differs";
            free(want);
        }
        char msg[1024];
        snprintf(msg, sizeof msg, "%s", rc == MUM_OK ? "" : mum_ctx_message(ctx));
        one_line(msg);
        printf("%s\t%s\t%zu\t%s\t%s\n", field[0], status_name(rc), out_size, cmp, msg);
        fflush(stdout);
        mum_free(out);
        free(src);
        free(delta);
    }
    fclose(f);
    return status;
}

int main(int argc, char **argv)
{
    mum_ctx *ctx = NULL;
    if (mum_ctx_new(&ctx) != MUM_OK)
        return 2;
    int status;
    if (argc == 3 && strcmp(argv[1], "--batch") == 0) {
        status = batch(ctx, argv[2]);
    } else if (argc == 3 || argc == 4) {
        size_t src_size = 0, delta_size = 0, out_size;
        unsigned char *src = slurp(argv[1], &src_size);
        unsigned char *delta = slurp(argv[2], &delta_size);
        uint8_t *out = NULL;
        if (!src || !delta) {
            fprintf(stderr, "delta-apply: cannot read %s\n", src ? argv[2] : argv[1]);
            status = 2;
        } else {
            int rc = apply(ctx, src, src_size, delta, delta_size, &out, &out_size);
            if (rc != MUM_OK) {
                printf("%s: %s\n", status_name(rc), mum_ctx_message(ctx));
                status = 1;
            } else {
                printf("ok %zu\n", out_size);
                status = 0;
                FILE *o = argc == 4 ? fopen(argv[3], "wb") : NULL;
                if (argc == 4 && (!o || fwrite(out, 1, out_size, o) != out_size)) {
                    fprintf(stderr, "delta-apply: cannot write %s\n", argv[3]);
                    status = 2;
                }
                if (o && fclose(o) != 0)
                    status = 2;
            }
        }
        mum_free(out);
        free(src);
        free(delta);
    } else {
        fprintf(stderr, "usage: delta-apply SOURCE DELTA [OUT] | delta-apply --batch DIR\n");
        status = 2;
    }
    mum_ctx_free(ctx);
    return status;
}
