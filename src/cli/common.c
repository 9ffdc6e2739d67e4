/*
 * common.c - diagnostics and the rendering of findings, shared by commands.
 */
#include "config.h"

#include "cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

const char *cli_progname = "mumtool";
cli_common cli_opts = {0, CLI_AUTO, CLI_AUTO};

int cli_parse_format(const char *cmd, const char *arg, cli_format *out)
{
    if (strcmp(arg, "text") == 0)
        *out = FORMAT_TEXT;
    else if (strcmp(arg, "json") == 0)
        *out = FORMAT_JSON;
    else
        return cli_usage_error(cmd, "%s: unknown format '%s' (text, json)", cmd, arg);
    return EXIT_CLEAN;
}

static int parse_when(const char *cmd, const char *opt, const char *arg, cli_when *out)
{
    if (!arg || strcmp(arg, "always") == 0)
        *out = CLI_ALWAYS;
    else if (strcmp(arg, "auto") == 0)
        *out = CLI_AUTO;
    else if (strcmp(arg, "never") == 0)
        *out = CLI_NEVER;
    else {
        cli_usage_error(cmd, "%s: %s: '%s' is not auto, always or never", cmd, opt, arg);
        return -1;
    }
    return 1;
}

int cli_common_option(const char *cmd, int c, const char *arg)
{
    switch (c) {
    case 'q': cli_opts.verbosity = -1; return 1;
    case 'v':
        /* -v after -q counts from the default: the last word wins */
        cli_opts.verbosity = cli_opts.verbosity < 0 ? 1 : cli_opts.verbosity + 1;
        return 1;
    case CLI_OPT_COLOR: return parse_when(cmd, "--color", arg, &cli_opts.color);
    case CLI_OPT_PROGRESS: cli_opts.progress = CLI_ALWAYS; return 1;
    case CLI_OPT_NO_PROGRESS: cli_opts.progress = CLI_NEVER; return 1;
    default: return 0;
    }
}

int cli_common_arg(const char *cmd, const char *word)
{
    if (strcmp(word, "--quiet") == 0)
        return cli_common_option(cmd, 'q', NULL);
    if (strcmp(word, "--verbose") == 0)
        return cli_common_option(cmd, 'v', NULL);
    if (strcmp(word, "--progress") == 0)
        return cli_common_option(cmd, CLI_OPT_PROGRESS, NULL);
    if (strcmp(word, "--no-progress") == 0)
        return cli_common_option(cmd, CLI_OPT_NO_PROGRESS, NULL);
    if (strcmp(word, "--color") == 0)
        return cli_common_option(cmd, CLI_OPT_COLOR, NULL);
    if (strncmp(word, "--color=", 8) == 0)
        return cli_common_option(cmd, CLI_OPT_COLOR, word + 8);
    /* -q, -v, -vv, -qv: a cluster of these letters only */
    if (word[0] != '-' || !word[1] || strspn(word + 1, "qv") != strlen(word + 1))
        return 0;
    for (const char *p = word + 1; *p; p++)
        cli_common_option(cmd, *p, NULL);
    return 1;
}

bool cli_color(FILE *out)
{
    if (cli_opts.color != CLI_AUTO)
        return cli_opts.color == CLI_ALWAYS;
    /* no-color.org: a non-empty NO_COLOR turns off colour by default; an
     * explicit --color=always still wins */
    const char *no = getenv("NO_COLOR");
    if (no && *no)
        return false;
    const char *term = getenv("TERM");
    if (term && strcmp(term, "dumb") == 0)
        return false;
    return isatty(fileno(out)) == 1;
}

const char *cli_sgr(FILE *out, const char *code)
{
    static char buf[32];
    if (!cli_color(out))
        return "";
    if (!code)
        return "\033[0m";
    snprintf(buf, sizeof buf, "\033[%sm", code);
    return buf;
}

const char *cli_severity_sgr(FILE *out, mum_severity s)
{
    if (!cli_color(out))
        return "";
    switch (s) {
    case MUM_SEVERITY_ERROR: return "\033[1;31m";
    case MUM_SEVERITY_WARNING: return "\033[1;33m";
    case MUM_SEVERITY_INFO: return "\033[36m";
    default: return "";
    }
}

void cli_verror(const char *fmt, va_list ap)
{
    fprintf(stderr, "%s: ", cli_progname);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cli_verror(fmt, ap);
    va_end(ap);
    if (cmd)
        fprintf(stderr, "Try '%s %s --help'.\n", cli_progname, cmd);
    else
        fprintf(stderr, "Try '%s --help'.\n", cli_progname);
    return EXIT_USAGE;
}

/* The last cli_fail message, for reports that must say why they are
 * incomplete (verify -o writes one whatever fails). */
static char last_failure[1024];

int cli_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(last_failure, sizeof last_failure, fmt, ap);
    va_end(ap);
    va_start(ap, fmt);
    cli_verror(fmt, ap);
    va_end(ap);
    return EXIT_FAIL;
}

const char *cli_last_failure(void)
{
    return last_failure;
}

int cli_fail_ctx(const mum_ctx *ctx)
{
    const char *msg = mum_ctx_message(ctx);
    return cli_fail("%s", *msg ? msg : mum_strerror(mum_ctx_status(ctx)));
}

void cli_warn(const char *fmt, ...)
{
    if (cli_opts.verbosity < 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: warning: ", cli_progname);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

int cli_help(const char *text)
{
    fputs(text, stdout);
    return EXIT_CLEAN;
}

void cli_print_findings(FILE *out, const mum_findings *findings)
{
    for (size_t i = 0; i < mum_findings_count(findings); i++) {
        const mum_finding *f = mum_findings_get(findings, i);
        if (f->severity == MUM_SEVERITY_OFF)
            continue;
        if (cli_opts.verbosity < 0 && f->severity < MUM_SEVERITY_ERROR)
            continue;
        char where[4096];
        mum_location_format(&f->loc, where, sizeof where);
        const char *end = cli_sgr(out, NULL);
        fprintf(out, "%s%s%s%s%s: %s [%s%s%s]", where, *where ? ": " : "",
                cli_severity_sgr(out, f->severity), mum_severity_name(f->severity), end, f->message,
                cli_sgr(out, "1"), f->rule->id, end);
        if (f->rule->hresult)
            fprintf(out, " (Windows: 0x%08x)", (unsigned)f->rule->hresult);
        fputc('\n', out);
    }
}

void cli_json_findings(json_writer *w, const mum_findings *findings)
{
    json_begin_array(w);
    for (size_t i = 0; i < mum_findings_count(findings); i++) {
        const mum_finding *f = mum_findings_get(findings, i);
        if (f->severity == MUM_SEVERITY_OFF)
            continue;
        json_begin_object(w);
        json_kv_string(w, "rule", f->rule->id);
        json_kv_string(w, "severity", mum_severity_name(f->severity));
        cli_json_windows_error(w, f->rule->hresult);
        json_key(w, "location");
        json_begin_object(w);
        if (f->loc.input)
            json_kv_string(w, "input", f->loc.input);
        if (f->loc.entry)
            json_kv_string(w, "entry", f->loc.entry);
        if (f->loc.line)
            json_kv_uint(w, "line", f->loc.line);
        if (f->loc.column)
            json_kv_uint(w, "column", f->loc.column);
        if (f->loc.has_offset)
            json_kv_uint(w, "offset", f->loc.offset);
        json_end_object(w);
        json_kv_string(w, "message", f->message);
        json_end_object(w);
    }
    json_end_array(w);
}

int cli_findings_exit(const mum_findings *findings)
{
    return mum_findings_count_at_least(findings, MUM_SEVERITY_WARNING) ? EXIT_FINDINGS
                                                                       : EXIT_CLEAN;
}

void cli_json_identity_fields(json_writer *w, const mum_identity *id)
{
    for (int a = 0; a < MUM_ATTR_COUNT; a++) {
        const char *v = mum_identity_get(id, (mum_identity_attr)a);
        if (v)
            json_kv_string(w, mum_identity_attr_name((mum_identity_attr)a), v);
    }
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void cli_progress_init(cli_progress *p, const char *label)
{
    p->tty = isatty(STDERR_FILENO) == 1;
    p->on = cli_opts.progress == CLI_ALWAYS ||
            (cli_opts.progress == CLI_AUTO && cli_opts.verbosity >= 0 && p->tty);
    p->shown = false;
    p->start = now_seconds();
    p->last = 0;
    p->entries = p->bytes = 0;
    p->label = label;
    p->input = NULL;
    p->done_entries = p->done_bytes = 0;
}

void cli_progress_graph_cb(void *ud, const char *input, uint64_t entries, uint64_t bytes)
{
    cli_progress *p = ud;
    if (input && (!p->input || strcmp(p->input, input) != 0)) {
        if (p->input) {
            p->done_entries = p->entries;
            p->done_bytes = p->bytes;
        }
        if (cli_opts.verbosity >= 2) {
            if (p->tty && p->shown)
                fputs("\r\033[K", stderr);
            fprintf(stderr, "%s: %s: reading %s\n", cli_progname, p->label, input);
            p->shown = false;
        }
    }
    p->input = input;
    cli_progress_update(p, p->done_entries + entries, p->done_bytes + bytes);
}

void cli_progress_update(cli_progress *p, unsigned long long entries, unsigned long long bytes)
{
    p->entries = entries;
    p->bytes = bytes;
    if (!p->on)
        return;
    double t = now_seconds();
    /* short work shows nothing; then a terminal's line is redrawn ten times
     * a second, a log gets a line a second */
    if (t - p->start < 1.0 || (p->shown && t - p->last < (p->tty ? 0.1 : 1.0)))
        return;
    p->last = t;
    p->shown = true;
    if (p->tty)
        fprintf(stderr, "\r%s: %llu entries, %.1f MB\033[K", p->label, entries, (double)bytes / 1e6);
    else
        fprintf(stderr, "%s: %s: %llu entries, %.1f MB\n", cli_progname, p->label, entries,
                (double)bytes / 1e6);
    fflush(stderr);
}

void cli_progress_done(cli_progress *p)
{
    if (p->on && p->tty && p->shown) {
        fputs("\r\033[K", stderr);
        fflush(stderr);
    }
    /* off a terminal, asked for: the totals, so that short work says something */
    bool totals = (p->on && !p->tty) || cli_opts.verbosity > 0;
    if (totals && p->label)
        fprintf(stderr, "%s: %s: %llu entries, %.1f MB in %.1f s\n", cli_progname, p->label,
                p->entries, (double)p->bytes / 1e6, now_seconds() - p->start);
    p->shown = false;
    p->label = NULL;
}

void cli_json_windows_error(json_writer *w, unsigned hresult)
{
    if (!hresult)
        return;
    char hr[16];
    snprintf(hr, sizeof hr, "0x%08x", hresult);
    json_kv_string(w, "windowsError", hr);
}

void cli_json_input_fields(json_writer *w, const mum_graph_input *in)
{
    json_kv_string(w, "path", in->path);
    json_kv_string(w, "kind", in->kind);
    json_kv_string(w, "platform", in->platform);
    json_kv_string(w, "kb", in->kb);
}

int cli_utf8_len(const unsigned char *p)
{
    int len = (p[0] & 0xE0) == 0xC0 ? 2 : (p[0] & 0xF0) == 0xE0 ? 3 : (p[0] & 0xF8) == 0xF0 ? 4 : 0;
    for (int k = 1; k < len; k++)
        if ((p[k] & 0xC0) != 0x80)
            return 0;
    return len;
}

void cli_format_time(long long t, char buf[32])
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (!gmtime_r(&tt, &tm) || strftime(buf, 32, "%Y-%m-%dT%H:%M:%S", &tm) == 0)
        snprintf(buf, 32, "%lld", t);
}
