/*
 * json.c - a small streaming JSON writer (two-space indentation).
 */
#include "config.h"

#include "cli.h"

#include <inttypes.h>
#include <string.h>

void json_init(json_writer *w, FILE *out)
{
    memset(w, 0, sizeof *w);
    w->out = out;
    w->first[0] = true;
}

/* A new line at the current depth, with `lead` (',' or 0) before it and
 * `tail` (a bracket or 0) after it: one write where a report of many
 * thousand rows made a call for every character and level. */
static void indent(json_writer *w, char lead, char tail)
{
    char buf[2 + 2 * (sizeof w->first / sizeof w->first[0]) + 1];
    size_t n = 0;
    if (lead)
        buf[n++] = lead;
    buf[n++] = '\n';
    memset(buf + n, ' ', 2 * (size_t)w->depth);
    n += 2 * (size_t)w->depth;
    if (tail)
        buf[n++] = tail;
    fwrite(buf, 1, n, w->out);
}

/* Separator and indentation before a value or a key, and `tail` (0: none). */
static void before_item_then(json_writer *w, char tail)
{
    if (w->after_key) {
        w->after_key = false;
    } else if (w->depth > 0) {
        char lead = w->first[w->depth] ? 0 : ',';
        w->first[w->depth] = false;
        indent(w, lead, tail);
        return;
    }
    if (tail)
        fputc(tail, w->out);
}

static void before_item(json_writer *w)
{
    before_item_then(w, 0);
}

static void open_container(json_writer *w, char c)
{
    before_item_then(w, c);
    if (w->depth < (int)(sizeof w->first / sizeof w->first[0]) - 1)
        w->depth++;
    w->first[w->depth] = true;
    w->kind[w->depth] = c;
}

static void close_container(json_writer *w, char c)
{
    bool empty = w->first[w->depth];
    if (w->depth > 0)
        w->depth--;
    if (!empty)
        indent(w, 0, c);
    else
        fputc(c, w->out);
}

void json_begin_object(json_writer *w) { open_container(w, '{'); }
void json_end_object(json_writer *w) { close_container(w, '}'); }
void json_begin_array(json_writer *w) { open_container(w, '['); }
void json_end_array(json_writer *w) { close_container(w, ']'); }

void json_close_to(json_writer *w, int depth)
{
    if (w->after_key) { /* a key whose value never came */
        fputs("null", w->out);
        w->after_key = false;
        w->first[w->depth] = false;
    }
    while (w->depth > depth && w->depth > 0)
        close_container(w, w->kind[w->depth] == '[' ? ']' : '}');
}

static void put_string(FILE *out, const char *s)
{
    fputc('"', out);
    const unsigned char *p = (const unsigned char *)s, *run = p;
    while (*p) {
        unsigned char c = *p;
        /* what needs no escape goes out in runs: a report has hundreds of
         * thousands of strings, and fputc locks the stream for each byte */
        if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
            p++;
            continue;
        }
        if (p > run)
            fwrite(run, 1, (size_t)(p - run), out);
        if (c == '"' || c == '\\') {
            fputc('\\', out);
            fputc(c, out);
            p++;
        } else if (c < 0x20) {
            switch (c) {
            case '\n': fputs("\\n", out); break;
            case '\r': fputs("\\r", out); break;
            case '\t': fputs("\\t", out); break;
            default: fprintf(out, "\\u%04x", c); break;
            }
            p++;
        } else {
            /* copy a valid UTF-8 sequence, replace anything else */
            int len = cli_utf8_len(p);
            if (len) {
                fwrite(p, 1, (size_t)len, out);
                p += len;
            } else {
                fputs("\\ufffd", out);
                p++;
            }
        }
        run = p;
    }
    if (p > run)
        fwrite(run, 1, (size_t)(p - run), out);
    fputc('"', out);
}

void json_key(json_writer *w, const char *key)
{
    before_item(w);
    put_string(w->out, key);
    fputs(": ", w->out);
    w->after_key = true;
}

void json_string(json_writer *w, const char *s)
{
    before_item(w);
    if (s)
        put_string(w->out, s);
    else
        fputs("null", w->out);
}

void json_int(json_writer *w, long long v)
{
    before_item(w);
    fprintf(w->out, "%lld", v);
}

void json_uint(json_writer *w, unsigned long long v)
{
    before_item(w);
    fprintf(w->out, "%llu", v);
}

void json_bool(json_writer *w, bool v)
{
    before_item(w);
    fputs(v ? "true" : "false", w->out);
}

void json_null(json_writer *w)
{
    before_item(w);
    fputs("null", w->out);
}

void json_kv_string(json_writer *w, const char *key, const char *s)
{
    json_key(w, key);
    json_string(w, s);
}

void json_kv_int(json_writer *w, const char *key, long long v)
{
    json_key(w, key);
    json_int(w, v);
}

void json_kv_uint(json_writer *w, const char *key, unsigned long long v)
{
    json_key(w, key);
    json_uint(w, v);
}

void json_kv_bool(json_writer *w, const char *key, bool v)
{
    json_key(w, key);
    json_bool(w, v);
}

void json_finish(json_writer *w)
{
    fputc('\n', w->out);
    fflush(w->out);
}
