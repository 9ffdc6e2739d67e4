/*
 * common.c - diagnostics and the rendering of findings, shared by commands.
 */
#include "config.h"

#include "cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

const char *cli_progname = "mumtool";

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

int cli_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cli_verror(fmt, ap);
    va_end(ap);
    return EXIT_FAIL;
}

int cli_fail_ctx(const mum_ctx *ctx)
{
    const char *msg = mum_ctx_message(ctx);
    return cli_fail("%s", *msg ? msg : mum_strerror(mum_ctx_status(ctx)));
}

void cli_warn(const char *fmt, ...)
{
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
        char where[4096];
        mum_location_format(&f->loc, where, sizeof where);
        fprintf(out, "%s%s%s: %s [%s]", where, *where ? ": " : "", mum_severity_name(f->severity),
                f->message, f->rule->id);
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
    p->on = isatty(STDERR_FILENO) == 1;
    p->shown = false;
    p->last = 0;
    p->label = label;
}

void cli_progress_update(cli_progress *p, unsigned long long entries, unsigned long long bytes)
{
    if (!p->on)
        return;
    double t = now_seconds();
    if (p->shown && t - p->last < 0.1)
        return;
    p->last = t;
    p->shown = true;
    fprintf(stderr, "\r%s: %llu entries, %.1f MB\033[K", p->label, entries, (double)bytes / 1e6);
    fflush(stderr);
}

void cli_progress_done(cli_progress *p)
{
    if (p->on && p->shown) {
        fputs("\r\033[K", stderr);
        fflush(stderr);
    }
    p->shown = false;
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
