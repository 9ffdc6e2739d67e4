/*
 * mkpe - writes a small test PE image (see pegen.h) to a file:
 *   mkpe [--pe32plus] [--sections N] [--gap N] [--overlay N] [--few-dirs]
 *        [--checksum N] [--seed N] OUT
 * Used by tests/cli/pe-oracle.sh, which checks mumtool's Authenticode
 * digests of these images against osslsigncode's.
 */
#include "pegen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned long number(const char *opt, const char *s)
{
    char *end;
    unsigned long v = strtoul(s ? s : "", &end, 0);
    if (!s || *end || end == s) {
        fprintf(stderr, "mkpe: %s needs a number\n", opt);
        exit(2);
    }
    return v;
}

int main(int argc, char **argv)
{
    pegen_opts o = PEGEN_OPTS_INIT;
    const char *out = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--pe32plus") == 0)
            o.pe32plus = true;
        else if (strcmp(a, "--few-dirs") == 0)
            o.few_dirs = true;
        else if (strcmp(a, "--sections") == 0)
            o.sections = (unsigned)number(a, argv[++i]);
        else if (strcmp(a, "--gap") == 0)
            o.gap = (unsigned)number(a, argv[++i]);
        else if (strcmp(a, "--overlay") == 0)
            o.overlay = (unsigned)number(a, argv[++i]);
        else if (strcmp(a, "--checksum") == 0)
            o.checksum = (uint32_t)number(a, argv[++i]);
        else if (strcmp(a, "--seed") == 0)
            o.seed = (uint32_t)number(a, argv[++i]);
        else if (a[0] == '-' || out) {
            fprintf(stderr, "usage: mkpe [--pe32plus] [--sections N] [--gap N] [--overlay N] "
                            "[--few-dirs] [--checksum N] [--seed N] OUT\n");
            return 2;
        } else
            out = a;
    }
    if (!out) {
        fprintf(stderr, "mkpe: no output file\n");
        return 2;
    }
    size_t size;
    uint8_t *img = pegen_build(&o, &size);
    if (!img) {
        fprintf(stderr, "mkpe: cannot build the image (too many sections?)\n");
        return 1;
    }
    FILE *f = fopen(out, "wb");
    int rc = 0;
    if (!f || fwrite(img, 1, size, f) != size)
        rc = 1;
    if (f && fclose(f) != 0)
        rc = 1;
    if (rc)
        perror(out);
    free(img);
    return rc;
}
