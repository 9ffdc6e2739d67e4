/*
 * cmd_expect.c - mumtool expect parse: the expected contents of a hotfix
 * read from its KB article (or from mumtool's own TSV or JSON form), as a
 * table per section, as JSON (schemas/expect.schema.json) or as the TSV
 * form, which reads back to the same rows.
 */
#include "config.h"

#include "cli.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* Where make install puts the JSON schemas (Makefile.am defines it for mumtool). */
#ifndef MUM_SCHEMADIR
#define MUM_SCHEMADIR "/usr/local/share/mumtool/schemas"
#endif

static const char expect_help[] =
    "Usage: mumtool expect parse [--format text|json|tsv] ARTICLE...\n"
    "\n"
    "Read what a hotfix must contain from the \"File information\" tables of its\n"
    "Knowledge Base article (saved as text: every layout of man mumtool, EXPECTED\n"
    "CONTENTS) and from its \"Additional file information\" blocks (.mum, .manifest),\n"
    "or from mumtool's own TSV or JSON form of them, and print the rows: file name,\n"
    "version, size, date, time, platform, the section heading each row sits under\n"
    "and the architectures it stands for.  Several ARTICLEs make one table; '-' is\n"
    "standard input.\n"
    "\n"
    "Options:\n"
    "      --format FORMAT  text (default: a table per section), json\n"
    "                       (schemas/expect.schema.json) or tsv (mumtool's own\n"
    "                       form: keep it in a repository, give it to verify --expect)\n"
    "      --json           the same as --format json\n"
    "  -h, --help           show this help and exit\n"
    CLI_COMMON_HELP
    "\n"
    "Exit status: 0 read, 2 usage error, 3 an ARTICLE could not be read, or has no\n"
    "file table, or a row that fits no layout (the message names its line).\n";

enum { OPT_JSON = 256, OPT_FORMAT };
typedef enum { OUT_TEXT, OUT_JSON, OUT_TSV } out_format;

static const char *kind_name(mum_expect_row_kind k)
{
    return k == MUM_EXPECT_ADDITIONAL ? "additional" : "file";
}

static void print_json(const mum_expect *e)
{
    json_writer w;
    json_init(&w, stdout);
    json_begin_object(&w);
    json_kv_string(&w, "$schema", "file://" MUM_SCHEMADIR "/expect.schema.json");
    json_key(&w, "files");
    json_begin_array(&w);
    for (size_t i = 0; i < e->count; i++) {
        const mum_expect_row *r = &e->rows[i];
        json_begin_object(&w);
        json_kv_string(&w, "kind", kind_name(r->kind));
        json_kv_string(&w, "section", r->section);
        json_kv_string(&w, "name", r->name);
        json_kv_string(&w, "version", r->version);
        json_key(&w, "size");
        if (r->size >= 0)
            json_int(&w, r->size);
        else
            json_null(&w);
        json_kv_string(&w, "date", r->date);
        json_kv_string(&w, "time", r->time);
        json_kv_string(&w, "platform", r->platform);
        json_kv_string(&w, "package_arch", r->package_arch);
        json_kv_string(&w, "arch", r->arch);
        json_kv_uint(&w, "line", r->line);
        json_kv_string(&w, "source", r->source);
        json_end_object(&w);
    }
    json_end_array(&w);
    json_key(&w, "sources");
    json_begin_array(&w);
    for (size_t i = 0; i < e->source_count; i++) {
        json_begin_object(&w);
        json_kv_string(&w, "file", e->sources[i].file);
        json_kv_string(&w, "title", e->sources[i].title);
        json_kv_string(&w, "kb", e->sources[i].kb);
        json_end_object(&w);
    }
    json_end_array(&w);
    json_end_object(&w);
    json_finish(&w);
}

static void tsv_cell(const char *s, bool last)
{
    fputs(s ? s : "", stdout);
    putchar(last ? '\n' : '\t');
}

/* The library's strings hold no tab or line break: no quoting is needed. */
static void print_tsv(const mum_expect *e)
{
    puts("#mumtool-expect v1");
    if (e->kb)
        printf("#kb %s\n", e->kb);
    puts("kind\tsection\tname\tversion\tsize\tdate\ttime\tplatform\tpackage_arch\tarch");
    for (size_t i = 0; i < e->count; i++) {
        const mum_expect_row *r = &e->rows[i];
        char size[24] = "";
        if (r->size >= 0)
            snprintf(size, sizeof size, "%" PRId64, r->size);
        tsv_cell(kind_name(r->kind), false);
        tsv_cell(r->section, false);
        tsv_cell(r->name, false);
        tsv_cell(r->version, false);
        tsv_cell(size, false);
        tsv_cell(r->date, false);
        tsv_cell(r->time, false);
        tsv_cell(r->platform, false);
        tsv_cell(r->package_arch, false);
        tsv_cell(r->arch, true);
    }
}

/* "1,419,832" */
static void group_size(int64_t v, char out[32])
{
    char digits[24];
    int n = snprintf(digits, sizeof digits, "%" PRId64, v);
    int o = 0;
    for (int i = 0; i < n; i++) {
        if (i > 0 && (n - i) % 3 == 0)
            out[o++] = ',';
        out[o++] = digits[i];
    }
    out[o] = '\0';
}

static int width(const char *s, int w)
{
    int n = s ? (int)strlen(s) : 1;
    return n > w ? n : w;
}

static bool same_section(const mum_expect_row *a, const mum_expect_row *b)
{
    if (a->source != b->source && strcmp(a->source, b->source) != 0)
        return false;
    if (!a->section || !b->section)
        return a->section == b->section;
    return strcmp(a->section, b->section) == 0;
}

/* A table per run of rows under one heading. */
static void print_text(const mum_expect *e)
{
    size_t files = 0;
    for (size_t i = 0; i < e->count;) {
        size_t end = i + 1;
        while (end < e->count && same_section(&e->rows[i], &e->rows[end]) &&
               e->rows[end].kind == e->rows[i].kind)
            end++;
        int wn = 4, wv = 7, ws = 4, wp = 8, wa = 4;
        for (size_t k = i; k < end; k++) {
            const mum_expect_row *r = &e->rows[k];
            char sz[32];
            group_size(r->size < 0 ? 0 : r->size, sz);
            wn = width(r->name, wn);
            wv = width(r->version, wv);
            ws = width(sz, ws);
            wp = width(r->platform, wp);
            wa = width(r->arch, wa);
        }
        const mum_expect_row *h = &e->rows[i];
        printf("%s%s:%zu: %s%s%s%s\n", i ? "\n" : "", h->source, h->line,
               h->section ? h->section : "(no heading)",
               h->kind == MUM_EXPECT_ADDITIONAL ? " (additional files)" : "",
               h->package_arch ? "  -> " : "", h->package_arch ? h->package_arch : "");
        printf("  %-*s  %-*s  %*s  %-10s  %-5s  %-*s  %s\n", wn, "Name", wv, "Version", ws, "Size",
               "Date", "Time", wp, "Platform", "Arch");
        for (size_t k = i; k < end; k++) {
            const mum_expect_row *r = &e->rows[k];
            char sz[32] = "-";
            if (r->size >= 0)
                group_size(r->size, sz);
            printf("  %-*s  %-*s  %*s  %-10s  %-5s  %-*s  %s\n", wn, r->name, wv,
                   r->version ? r->version : "-", ws, sz, r->date ? r->date : "-",
                   r->time ? r->time : "-", wp, r->platform ? r->platform : "-",
                   r->arch ? r->arch : "-");
            files += r->kind == MUM_EXPECT_FILE;
        }
        i = end;
    }
    printf("\n%zu row%s: %zu file%s, %zu additional (.mum, .manifest); from %zu source%s\n",
           e->count, e->count == 1 ? "" : "s", files, files == 1 ? "" : "s", e->count - files,
           e->source_count, e->source_count == 1 ? "" : "s");
    for (size_t i = 0; i < e->source_count; i++)
        if (e->sources[i].title || e->sources[i].kb)
            printf("%s: %s%s%s%s\n", e->sources[i].file, e->sources[i].kb ? "KB" : "",
                   e->sources[i].kb ? e->sources[i].kb : "",
                   e->sources[i].kb && e->sources[i].title ? ": " : "",
                   e->sources[i].title ? e->sources[i].title : "");
}

int cmd_expect(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"json", no_argument, NULL, OPT_JSON},
        {"format", required_argument, NULL, OPT_FORMAT},
        CLI_COMMON_LONGOPTS,
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    if (argc >= 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0))
        return cli_help(expect_help);
    if (argc < 2)
        return cli_usage_error("expect", "expect: give a subcommand (parse)");
    if (strcmp(argv[1], "parse") != 0)
        return cli_usage_error("expect", "expect: unknown subcommand '%s' (parse)", argv[1]);
    argc--;
    argv++;
    out_format format = OUT_TEXT;
    int c;
    optind = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h" CLI_COMMON_SHORTOPTS, longopts, NULL)) != -1) {
        int common = cli_common_option("expect", c, optarg);
        if (common < 0)
            return EXIT_USAGE;
        if (common > 0)
            continue;
        switch (c) {
        case OPT_JSON: format = OUT_JSON; break;
        case OPT_FORMAT:
            if (strcmp(optarg, "text") == 0)
                format = OUT_TEXT;
            else if (strcmp(optarg, "json") == 0)
                format = OUT_JSON;
            else if (strcmp(optarg, "tsv") == 0)
                format = OUT_TSV;
            else
                return cli_usage_error("expect", "expect parse: unknown format '%s' (text, json, tsv)",
                                       optarg);
            break;
        case 'h': return cli_help(expect_help);
        default:
            return cli_usage_error("expect", "expect parse: %s '%s'",
                                   optopt ? "option needs a value:" : "unknown option",
                                   argv[optind - 1]);
        }
    }
    if (optind >= argc)
        return cli_usage_error("expect", "expect parse: give an ARTICLE (a file, or '-')");
    mum_ctx *ctx = NULL;
    if (mum_ctx_new(&ctx) != MUM_OK)
        return cli_fail("out of memory");
    mum_expect *e = NULL;
    int rc = EXIT_CLEAN;
    for (int i = optind; i < argc && rc == EXIT_CLEAN; i++)
        if (mum_expect_read(&e, ctx, argv[i]) != MUM_OK)
            rc = cli_fail_ctx(ctx);
    if (rc == EXIT_CLEAN) {
        if (format == OUT_JSON)
            print_json(e);
        else if (format == OUT_TSV)
            print_tsv(e);
        else
            print_text(e);
        if (fflush(stdout) != 0 || ferror(stdout))
            rc = cli_fail("cannot write the output");
    }
    mum_expect_free(e);
    mum_ctx_free(ctx);
    return rc;
}
