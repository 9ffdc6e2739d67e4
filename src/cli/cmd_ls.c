/*
 * cmd_ls.c - mumtool ls: the entries of an .msu, a .cab or a folder,
 * descending into nested cabinets, with sizes and (--hash) SHA-256.
 */
#include "config.h"

#include "cli.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static const char ls_help[] =
    "Usage: mumtool ls [--hash] [--format text|json] [--no-descend] INPUT\n"
    "\n"
    "List the entries of INPUT (an .msu, a .cab or a folder of extracted files) in\n"
    "their stored order, descending into nested cabinets: an entry inside a nested\n"
    "cabinet is shown by its nested path, the cabinet's name and the entry's joined\n"
    "with '!' (\"Windows6.1-KB2465285-x64.cab!update.mum\").  Each line gives the size\n"
    "in bytes and the path.  Nothing is extracted to disk.\n"
    "\n"
    "Options:\n"
    "      --hash        also the SHA-256 of every entry (nested cabinets included)\n"
    "      --format FORMAT  text (default) or json: a tree of entries, then the\n"
    "                    findings; --json is the same as --format json\n"
    "      --no-descend  do not open nested cabinets\n"
    "  -h, --help        show this help and exit\n"
    CLI_COMMON_HELP
    "\n"
    "Problems found on the way (names that differ only in case, unsafe names, a\n"
    "misplaced signature) are reported after the listing.\n"
    "Exit status: 0 clean, 1 findings, 2 usage error, 3 could not read INPUT.\n";

/* Output of a nested cabinet's subtree waits for the cabinet's own hash. */
typedef struct pending {
    char *text;
    size_t len, cap;
} pending;

typedef struct ls_state {
    cli_format format;
    bool hash;
    json_writer json;
    bool started;          /* the input's own container began (JSON has input, kind, entries) */
    mum_hasher *hasher;
    cli_progress progress;
    unsigned long long entries, bytes;
    pending stack[40];
    int depth;               /* open nested cabinets whose output is held back */
    bool failed_alloc;
} ls_state;

static void out_text(ls_state *s, const char *text)
{
    if (s->depth == 0) {
        fputs(text, stdout);
        return;
    }
    pending *p = &s->stack[s->depth - 1];
    size_t n = strlen(text);
    if (p->len + n + 1 > p->cap) {
        size_t ncap = p->cap ? p->cap * 2 : 4096;
        while (ncap < p->len + n + 1)
            ncap *= 2;
        char *t = realloc(p->text, ncap);
        if (!t) {
            s->failed_alloc = true;
            return;
        }
        p->text = t;
        p->cap = ncap;
    }
    memcpy(p->text + p->len, text, n + 1);
    p->len += n;
}

/* Control characters in a name would act on the terminal: shown as \xNN. */
static void escape_controls(const char *in, char *out, size_t cap)
{
    size_t o = 0;
    for (; *in && o + 5 < cap; in++) {
        unsigned char c = (unsigned char)*in;
        if (c < 0x20 || c == 0x7f)
            o += (size_t)snprintf(out + o, cap - o, "\\x%02x", c);
        else
            out[o++] = (char)c;
    }
    out[o] = '\0';
}

static void text_line(ls_state *s, uint64_t size, const uint8_t *sha256, const char *path)
{
    char shown[4 * 16384 + 16];
    char line[sizeof shown + 128];
    char hex[65] = "";
    if (sha256)
        mum_hex_encode(hex, sha256, 32);
    escape_controls(path, shown, sizeof shown);
    snprintf(line, sizeof line, "%12" PRIu64 "  %s%s%s\n", size, hex, *hex ? "  " : "", shown);
    out_text(s, line);
}

static void json_entry_fields(ls_state *s, const mum_entry *e)
{
    json_writer *w = &s->json;
    json_kv_string(w, "path", e->path);
    json_kv_string(w, "name", e->name);
    json_kv_string(w, "kind", e->kind == MUM_ENTRY_FILE ? "file" : "cabinet");
    json_kv_uint(w, "depth", e->depth);
    json_kv_uint(w, "size", e->size);
    if (e->has_mtime) {
        char t[32];
        cli_format_time(e->mtime, t);
        json_kv_string(w, "mtime", t);
    }
}

static int on_entry(void *ud, const mum_entry *e)
{
    ls_state *s = ud;
    if (e->depth == 0) {
        if (s->format == FORMAT_JSON && e->kind == MUM_ENTRY_CONTAINER) {
            s->started = true;
            json_kv_string(&s->json, "input", e->name);
            json_kv_string(&s->json, "kind", e->container == MUM_CONTAINER_FOLDER ? "folder" : "cabinet");
            json_key(&s->json, "entries");
            json_begin_array(&s->json);
        } else if (s->format == FORMAT_JSON) {
            json_end_array(&s->json);
            json_kv_uint(&s->json, "entryCount", e->entry_count);
        }
        return MUM_OK;
    }
    s->entries++;
    cli_progress_update(&s->progress, s->entries, s->bytes);
    if (e->kind == MUM_ENTRY_CONTAINER) {
        if (s->format == FORMAT_JSON) {
            json_begin_object(&s->json);
            json_entry_fields(s, e);
            json_key(&s->json, "entries");
            json_begin_array(&s->json);
        } else if (s->hash) {
            if (s->depth == (int)(sizeof s->stack / sizeof s->stack[0]))
                return MUM_ELIMIT;
            s->stack[s->depth++] = (pending){0};
        } else {
            text_line(s, e->size, NULL, e->path);
        }
        return MUM_OK;
    }
    if (e->kind == MUM_ENTRY_CONTAINER_END) {
        const uint8_t *sha = e->signature && e->signature->raw_valid ? e->signature->raw_sha256 : NULL;
        if (s->format == FORMAT_JSON) {
            json_end_array(&s->json);
            if (sha) {
                char hex[65];
                mum_hex_encode(hex, sha, 32);
                json_kv_string(&s->json, "sha256", hex);
            }
            json_end_object(&s->json);
        } else if (s->hash) {
            pending p = s->stack[--s->depth];
            text_line(s, e->size, sha, e->path);
            if (p.text)
                out_text(s, p.text);
            free(p.text);
        }
        return s->failed_alloc ? MUM_ENOMEM : MUM_OK;
    }
    if (s->hash)
        return MUM_OK; /* printed when the data is hashed */
    if (s->format == FORMAT_JSON) {
        json_begin_object(&s->json);
        json_entry_fields(s, e);
        json_end_object(&s->json);
    } else {
        text_line(s, e->size, NULL, e->path);
    }
    return s->failed_alloc ? MUM_ENOMEM : MUM_OK;
}

static bool want_data(void *ud, const mum_entry *e)
{
    (void)e;
    return ((const ls_state *)ud)->hash;
}

static int on_data(void *ud, const mum_entry *e, const void *data, size_t size)
{
    (void)e;
    ls_state *s = ud;
    s->bytes += size;
    cli_progress_update(&s->progress, s->entries, s->bytes);
    return mum_hasher_update(s->hasher, data, size);
}

static int on_entry_end(void *ud, const mum_entry *e)
{
    ls_state *s = ud;
    uint8_t sha[32];
    int rc = mum_hasher_final(sha, s->hasher);
    if (rc != MUM_OK)
        return rc;
    if (s->format == FORMAT_JSON) {
        char hex[65];
        mum_hex_encode(hex, sha, 32);
        json_begin_object(&s->json);
        json_entry_fields(s, e);
        json_kv_string(&s->json, "sha256", hex);
        json_end_object(&s->json);
    } else {
        text_line(s, e->size, sha, e->path);
    }
    return s->failed_alloc ? MUM_ENOMEM : MUM_OK;
}

int cmd_ls(int argc, char **argv)
{
    enum { OPT_HASH = 256, OPT_JSON, OPT_NO_DESCEND, OPT_FORMAT };
    static const struct option longopts[] = {
        {"hash", no_argument, NULL, OPT_HASH},
        {"json", no_argument, NULL, OPT_JSON},
        {"format", required_argument, NULL, OPT_FORMAT},
        {"no-descend", no_argument, NULL, OPT_NO_DESCEND},
        CLI_COMMON_LONGOPTS,
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    ls_state s = {.format = FORMAT_TEXT};
    mum_walk_options opts = MUM_WALK_OPTIONS_INIT;
    int c;
    optind = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h" CLI_COMMON_SHORTOPTS, longopts, NULL)) != -1) {
        int common = cli_common_option("ls", c, optarg);
        if (common != 0) {
            if (common < 0)
                return EXIT_USAGE;
            continue;
        }
        switch (c) {
        case OPT_HASH: s.hash = true; break;
        case OPT_JSON: s.format = FORMAT_JSON; break;
        case OPT_FORMAT:
            if (cli_parse_format("ls", optarg, &s.format) != EXIT_CLEAN)
                return EXIT_USAGE;
            break;
        case OPT_NO_DESCEND: opts.flags &= ~MUM_WALK_DESCEND; break;
        case 'h': return cli_help(ls_help);
        default:
            return cli_usage_error("ls", "ls: %s '%s'", optopt ? "option needs a value:" : "unknown option",
                                   argv[optind - 1]);
        }
    }
    if (optind + 1 != argc)
        return cli_usage_error("ls", optind == argc ? "ls: no INPUT given" : "ls: more than one INPUT");
    const char *input = argv[optind];
    if (s.hash)
        opts.flags |= MUM_WALK_CONTAINER_SHA256;

    mum_ctx *ctx = NULL;
    mum_findings *findings = NULL;
    if (mum_ctx_new(&ctx) != MUM_OK || mum_findings_new(&findings) != MUM_OK ||
        (s.hash && mum_hasher_new(&s.hasher, MUM_HASH_SHA256) != MUM_OK)) {
        mum_findings_free(findings);
        mum_ctx_free(ctx);
        return cli_fail("out of memory");
    }
    json_init(&s.json, stdout);
    if (s.format == FORMAT_JSON)
        json_begin_object(&s.json);
    cli_progress_init(&s.progress, "ls");
    mum_walk_consumer consumer = {.want_data = want_data,
                                  .entry = on_entry,
                                  .data = on_data,
                                  .entry_end = on_entry_end};
    int rc = mum_walk_run(ctx, input, &opts, &consumer, &s, findings);
    cli_progress_done(&s.progress);
    if (s.format == FORMAT_JSON) {
        if (rc != MUM_OK) { /* what was read, as valid JSON, then the error (on stderr too) */
            json_close_to(&s.json, 1);
            if (!s.started) {
                json_kv_string(&s.json, "input", input);
                json_kv_string(&s.json, "kind", "unknown");
                json_key(&s.json, "entries");
                json_begin_array(&s.json);
                json_end_array(&s.json);
            }
            json_kv_bool(&s.json, "complete", false);
            json_kv_string(&s.json, "error", *mum_ctx_message(ctx) ? mum_ctx_message(ctx)
                                                                     : mum_strerror(mum_ctx_status(ctx)));
        }
        json_key(&s.json, "findings");
        cli_json_findings(&s.json, findings);
        json_end_object(&s.json);
        json_finish(&s.json);
    } else if (rc == MUM_OK) {
        cli_print_findings(stdout, findings);
    }
    int exit_rc;
    if (rc != MUM_OK) {
        fflush(stdout);
        exit_rc = cli_fail_ctx(ctx);
    } else {
        exit_rc = cli_findings_exit(findings);
    }
    for (int i = 0; i < s.depth; i++)
        free(s.stack[i].text);
    mum_hasher_free(s.hasher);
    mum_findings_free(findings);
    mum_ctx_free(ctx);
    return exit_rc;
}
