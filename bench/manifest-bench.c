/*
 * manifest-bench.c - libmum's manifest parser over every file of a
 * directory, through the public API, building the whole model (and, with
 * --check, the findings too).  Compared against expat-baseline by
 * bench/manifest-parse.sh.
 *
 *   manifest-bench [--check] DIR [ROUNDS]
 */
#include "config.h"

#include <mum/mum.h>
#include <stdbool.h>

#include "harness.h"

static bool check;

static void parse_all(const bench_file *files, size_t n)
{
    mum_ctx *ctx;
    if (mum_ctx_new(&ctx) != MUM_OK)
        exit(2);
    for (size_t i = 0; i < n; i++) {
        mum_findings *findings = NULL;
        mum_manifest_options opts = MUM_MANIFEST_OPTIONS_INIT;
        if (check) {
            if (mum_findings_new(&findings) != MUM_OK)
                exit(2);
            opts.findings = findings;
        }
        mum_location loc = {.input = files[i].name};
        mum_manifest *m;
        if (mum_manifest_parse(&m, ctx, &loc, &opts, files[i].data, files[i].size) != MUM_OK) {
            fprintf(stderr, "%s\n", mum_ctx_message(ctx));
            exit(1);
        }
        if (check && mum_findings_count_at_least(findings, MUM_SEVERITY_WARNING)) {
            fprintf(stderr, "%s: %s\n", files[i].name, mum_findings_get(findings, 0)->message);
            exit(1);
        }
        mum_manifest_free(m);
        mum_findings_free(findings);
    }
    mum_ctx_free(ctx);
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--check") == 0) {
        check = true;
        argv++;
        argc--;
    }
    if (argc < 2) {
        fprintf(stderr, "usage: manifest-bench [--check] DIR [ROUNDS]\n");
        return 2;
    }
    bench_run(check ? "mumtool-parse+check" : "mumtool-parse", argv[1], bench_rounds(argc, argv),
              parse_all);
    return 0;
}
