/*
 * report.c - mumtool verify's reports: text for people, JSON (described by
 * schemas/verify-report.schema.json), SARIF 2.1.0 for code scanning and
 * JUnit XML for CI dashboards.
 */
#include "config.h"

/* Where make install puts the JSON schemas (Makefile.am defines it for mumtool). */
#ifndef MUM_SCHEMADIR
#define MUM_SCHEMADIR "/usr/local/share/mumtool/schemas"
#endif

#include "report.h"

#include <stdlib.h>
#include <string.h>

int report_parse_format(const char *text, report_format *out)
{
    static const struct {
        const char *name;
        report_format f;
    } formats[] = {{"text", REPORT_TEXT}, {"json", REPORT_JSON}, {"sarif", REPORT_SARIF},
                   {"junit", REPORT_JUNIT}};
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
        if (strcmp(text, formats[i].name) == 0) {
            *out = formats[i].f;
            return 0;
        }
    return -1;
}

/* ---- shared ---- */

typedef struct counts {
    size_t errors, warnings, infos;
} counts;

static counts count_findings(const mum_findings *f)
{
    counts c = {0, 0, 0};
    for (size_t i = 0; i < mum_findings_count(f); i++) {
        switch (mum_findings_get(f, i)->severity) {
        case MUM_SEVERITY_ERROR: c.errors++; break;
        case MUM_SEVERITY_WARNING: c.warnings++; break;
        case MUM_SEVERITY_INFO: c.infos++; break;
        default: break;
        }
    }
    return c;
}

/*
 * The inputs' lines, put together here rather than by fprintf: three
 * lines an input, each padded to the longest path, were 2 K instructions
 * a line with their conversions (6 M for 1 000 small packages, most of the
 * report), the same text.
 */
typedef struct line_buf {
    FILE *out;
    size_t n;
    char b[4096];
} line_buf;

static void lb_flush(line_buf *l)
{
    if (l->n)
        fwrite(l->b, 1, l->n, l->out);
    l->n = 0;
}

static void lb_put(line_buf *l, const char *s, size_t n)
{
    if (n > sizeof l->b - l->n) {
        lb_flush(l);
        if (n > sizeof l->b) {
            fwrite(s, 1, n, l->out);
            return;
        }
    }
    memcpy(l->b + l->n, s, n);
    l->n += n;
}

static void lb_str(line_buf *l, const char *s)
{
    lb_put(l, s, strlen(s));
}

/* s, then spaces up to w bytes (printf's "%-*s") */
static void lb_left(line_buf *l, const char *s, size_t w)
{
    static const char spaces[64] = "                                                               ";
    size_t n = strlen(s);
    lb_put(l, s, n);
    for (; n < w; n += sizeof spaces - 1)
        lb_put(l, spaces, w - n < sizeof spaces - 1 ? w - n : sizeof spaces - 1);
}

static void lb_size(line_buf *l, size_t v)
{
    char d[24];
    size_t k = sizeof d;
    do
        d[--k] = (char)('0' + v % 10);
    while ((v /= 10) != 0);
    lb_put(l, d + k, sizeof d - k);
}

/* r: the judged verdict (mum_verify_signature), NULL when there is no signature. */
static void sig_text(line_buf *l, const mum_sig_result *r)
{
    if (!r) {
        lb_str(l, "none");
        return;
    }
    lb_str(l, mum_sig_status_name(r->status));
    if (r->status == MUM_SIG_INTEGRITY_FAILED) {
        lb_str(l, " (");
        lb_str(l, mum_sig_check_name(r->failed_check));
        lb_str(l, ")");
    }
    if (r->status != MUM_SIG_UNSIGNED) {
        lb_str(l, ", timestamp ");
        lb_str(l, mum_sig_timestamp_status_name(r->timestamp_status));
        if (r->has_timestamp_time) {
            char t[MUM_TIME_TEXT_MAX];
            mum_time_format(r->timestamp_time, t);
            lb_str(l, " ");
            lb_str(l, t);
        }
    }
}

/* The module of a rule id ("trust" of "trust.missing-catalog"). */
static size_t module_len(const char *rule)
{
    const char *dot = strchr(rule, '.');
    return dot ? (size_t)(dot - rule) : strlen(rule);
}

/* ---- text ---- */

static void text_inputs(FILE *out, const mum_graph *g, const mum_verify_result *r)
{
    size_t w = 0;
    for (size_t i = 0; i < mum_graph_input_count(g); i++) {
        size_t n = strlen(mum_graph_input_at(g, i)->path);
        if (n > w)
            w = n;
    }
    line_buf lb = {.out = out, .n = 0};
    line_buf *l = &lb;
    for (size_t i = 0; i < mum_graph_input_count(g); i++) {
        const mum_graph_input *in = mum_graph_input_at(g, i);
        /* "  %-*s  %-15s %-6s %s%s\n" */
        lb_str(l, "  ");
        lb_left(l, in->path, w);
        lb_str(l, "  ");
        lb_left(l, in->kind ? in->kind : "?", 15);
        lb_str(l, " ");
        lb_left(l, *in->platform ? in->platform : "-", 6);
        lb_str(l, " ");
        if (in->kb) {
            lb_str(l, "KB");
            lb_str(l, in->kb);
        }
        lb_str(l, "\n  ");
        /* "  %-*s  %zu packages, %zu manifests, %zu catalogs, %zu files\n" */
        lb_left(l, "", w);
        lb_str(l, "  ");
        lb_size(l, in->packages);
        lb_str(l, " packages, ");
        lb_size(l, in->components);
        lb_str(l, " manifests, ");
        lb_size(l, in->catalogs);
        lb_str(l, " catalogs, ");
        lb_size(l, in->payloads);
        lb_str(l, " files\n");
        for (size_t s = 0; s < in->signature_count; s++) {
            const mum_graph_signature *sig = &in->signatures[s];
            if (!sig->present && *sig->container)
                continue;
            const char *signer = NULL;
            const mum_sig_result *verdict = sig->present && r ? mum_verify_signature(r, i, s, &signer) : NULL;
            /* "  %-*s  signature of %s: %s%s%s\n" */
            lb_str(l, "  ");
            lb_left(l, "", w);
            lb_str(l, "  signature of ");
            lb_str(l, *sig->container ? sig->container : "the input");
            lb_str(l, ": ");
            sig_text(l, verdict);
            if (signer) {
                lb_str(l, ", ");
                lb_str(l, signer);
            }
            lb_str(l, "\n");
        }
    }
    lb_flush(l);
}

static size_t utf8_width(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            n++;
    return n;
}

static void text_table(FILE *out, const char *title, const mum_matrix *m, const mum_matrix_row *rows,
                       size_t nrows, bool packages)
{
    if (nrows == 0)
        return;
    size_t w = strlen(title);
    for (size_t r = 0; r < nrows; r++) {
        size_t n = utf8_width(rows[r].name) + (rows[r].part == MUM_PART_NATIVE ? 0 : 10);
        if (n > w)
            w = n;
    }
    size_t cw = packages ? 7 : 16;
    for (size_t col = 0; col < m->columns; col++)
        if (strlen(m->platforms[col]) + 1 > cw)
            cw = strlen(m->platforms[col]) + 1;
    fprintf(out, "\n%-*s", (int)w + 4, title);
    for (size_t col = 0; col < m->columns; col++)
        fprintf(out, "%-*s", (int)cw, *m->platforms[col] ? m->platforms[col] : "?");
    fputc('\n', out);
    for (size_t r = 0; r < nrows; r++) {
        const mum_matrix_row *row = &rows[r];
        char label[600];
        if (row->part == MUM_PART_NATIVE)
            snprintf(label, sizeof label, "%s", row->name);
        else
            snprintf(label, sizeof label, "%s (%s)", row->name, mum_matrix_part_name(row->part));
        fprintf(out, "  %s%*s", label, (int)(w + 2 - utf8_width(label)), "");
        const char *why = NULL;
        for (size_t col = 0; col < m->columns; col++) {
            const mum_matrix_cell *cell = &row->cells[col];
            /* a 32-bit part has no place on a 32-bit platform */
            bool na = !packages && row->part != MUM_PART_NATIVE && !cell->node &&
                      strcmp(m->platforms[col], "x86") == 0;
            const char *text = cell->node ? (packages ? "yes" : (cell->version ? cell->version : "?"))
                               : cell->expected ? "(none)*" : na ? "n/a" : "-";
            if (cell->expected)
                why = cell->expected;
            fprintf(out, "%-*s", (int)cw, text);
        }
        fputc('\n', out);
        if (why)
            fprintf(out, "      * expected: %s\n", why);
        if (row->expected)
            fprintf(out, "      * %s: %s\n", packages ? "expected" : "expected difference",
                    row->expected);
    }
}

/* Findings grouped by the module of their rule ("trust", "matrix", ...),
 * the groups with the most severe findings first; within a group the most
 * severe first.  Notes show three per rule unless verbose. */
typedef struct group {
    const char *rule;    /* any rule of the module: its prefix names it */
    size_t len;
    size_t n[4];         /* per severity */
} group;

static int group_cmp(const void *pa, const void *pb)
{
    const group *a = pa, *b = pb;
    for (int s = MUM_SEVERITY_ERROR; s >= MUM_SEVERITY_INFO; s--)
        if ((a->n[s] > 0) != (b->n[s] > 0))
            return a->n[s] > 0 ? -1 : 1;
    size_t l = a->len < b->len ? a->len : b->len;
    int c = strncmp(a->rule, b->rule, l);
    return c ? c : (a->len > b->len) - (a->len < b->len);
}

/* A rule's notes within a group: how many there are, how many were shown
 * or counted so far. */
typedef struct tally {
    const mum_rule *rule;
    size_t total, seen;
} tally;

static tally *tally_of(tally *t, size_t *n, const mum_rule *rule)
{
    for (size_t i = 0; i < *n; i++)
        if (t[i].rule == rule)
            return &t[i];
    t[*n] = (tally){rule, 0, 0};
    return &t[(*n)++];
}

static bool in_group(const mum_finding *f, int s, const group *g)
{
    return (int)f->severity == s && module_len(f->rule->id) == g->len &&
           strncmp(f->rule->id, g->rule, g->len) == 0;
}

static void text_findings(FILE *out, const mum_findings *findings, const report_options *o)
{
    size_t nf = mum_findings_count(findings), ng = 0;
    group *groups = calloc(nf ? nf : 1, sizeof *groups);
    tally *tallies = calloc(nf ? nf : 1, sizeof *tallies);
    if (!groups || !tallies) {
        free(groups);
        free(tallies);
        return;
    }
    for (size_t i = 0; i < nf; i++) {
        const mum_finding *f = mum_findings_get(findings, i);
        if (f->severity == MUM_SEVERITY_OFF || (o->quiet && f->severity < MUM_SEVERITY_ERROR))
            continue;
        size_t ml = module_len(f->rule->id), g = 0;
        while (g < ng && !(groups[g].len == ml && strncmp(groups[g].rule, f->rule->id, ml) == 0))
            g++;
        if (g == ng) {
            groups[ng].rule = f->rule->id;
            groups[ng++].len = ml;
        }
        groups[g].n[f->severity]++;
    }
    qsort(groups, ng, sizeof *groups, group_cmp);
    fprintf(out, "\nFindings\n");
    if (ng == 0)
        fprintf(out, "  none\n");
    static const char *const plural[4] = {"", "notes", "warnings", "errors"};
    static const char *const single[4] = {"", "note", "warning", "error"};
    for (size_t g = 0; g < ng; g++) {
        fprintf(out, "  %.*s (", (int)groups[g].len, groups[g].rule);
        bool first = true;
        for (int s = MUM_SEVERITY_ERROR; s >= MUM_SEVERITY_INFO; s--)
            if (groups[g].n[s]) {
                fprintf(out, "%s%zu %s", first ? "" : ", ", groups[g].n[s],
                        groups[g].n[s] == 1 ? single[s] : plural[s]);
                first = false;
            }
        fprintf(out, ")\n");
        for (int s = MUM_SEVERITY_ERROR; s >= MUM_SEVERITY_INFO; s--) {
            if (o->quiet && s < MUM_SEVERITY_ERROR)
                break;
            /* notes: each rule's count first (its findings are all in this
             * group), then the number before each one as they come: one
             * pass each instead of a pass over all findings a note */
            bool limit = s == MUM_SEVERITY_INFO && !o->verbose;
            size_t ntally = 0;
            for (size_t i = 0; limit && i < nf; i++) {
                const mum_finding *f = mum_findings_get(findings, i);
                if (in_group(f, s, &groups[g]))
                    tally_of(tallies, &ntally, f->rule)->total++;
            }
            for (size_t i = 0; i < nf; i++) {
                const mum_finding *f = mum_findings_get(findings, i);
                if (!in_group(f, s, &groups[g]))
                    continue;
                if (limit) {
                    /* the fourth note of a rule and on: counted, not shown */
                    tally *t = tally_of(tallies, &ntally, f->rule);
                    size_t before = t->seen++, total = t->total;
                    if (before == 3)
                        fprintf(out, "    ... and %zu more notes of %s (--verbose shows them)\n",
                                total - 3, f->rule->id);
                    if (before >= 3)
                        continue;
                }
                char where[4096];
                mum_location_format(&f->loc, where, sizeof where);
                const char *end = cli_sgr(out, NULL);
                fprintf(out, "    %s%s%s: %s%s%s [%s%s%s]", cli_severity_sgr(out, (mum_severity)s),
                        single[s], end, where, *where ? ": " : "", f->message, cli_sgr(out, "1"),
                        f->rule->id, end);
                if (f->rule->hresult)
                    fprintf(out, " (Windows: 0x%08x)", (unsigned)f->rule->hresult);
                fputc('\n', out);
            }
        }
    }
    free(groups);
    free(tallies);
}

static void text_report(FILE *out, const mum_graph *g, const mum_verify_result *r,
                        const mum_findings *findings, const report_options *o)
{
    counts c = count_findings(findings);
    size_t nin = g ? mum_graph_input_count(g) : o->ninputs;
    fprintf(out, "mumtool verify: %zu input%s\n", nin, nin == 1 ? "" : "s");
    if (g)
        text_inputs(out, g, r);
    else
        for (size_t i = 0; i < o->ninputs; i++)
            fprintf(out, "  %s\n", o->inputs[i]);
    const mum_matrix *m = r ? mum_verify_matrix(r) : NULL;
    if (!o->no_matrix && !o->quiet && m && m->columns) {
        text_table(out, "Components", m, m->components, m->component_count, false);
        text_table(out, "Packages", m, m->packages, m->package_count, true);
    }
    text_findings(out, findings, o);
    bool fails = mum_fail_on_fails(o->fail_on, findings);
    if (o->failure)
        fprintf(out, "\nINCOMPLETE: %s\n", o->failure);
    fprintf(out, "\n%s: %zu error%s, %zu warning%s, %zu note%s%s%s\n",
            o->failure ? "ERROR (incomplete)" : fails ? "FAIL" : "PASS",
            c.errors, c.errors == 1 ? "" : "s", c.warnings, c.warnings == 1 ? "" : "s", c.infos,
            c.infos == 1 ? "" : "s", o->policy_path ? "; policy " : "",
            o->policy_path ? o->policy_path : "");
}

/* ---- JSON ---- */

void report_json_matrix_rows(json_writer *w, const mum_matrix *m, const mum_matrix_row *rows, size_t n)
{
    json_begin_array(w);
    for (size_t r = 0; r < n; r++) {
        json_begin_object(w);
        json_kv_string(w, "name", rows[r].name);
        json_kv_string(w, "part", mum_matrix_part_name(rows[r].part));
        json_key(w, "cells");
        json_begin_array(w);
        for (size_t col = 0; col < m->columns; col++) {
            const mum_matrix_cell *cell = &rows[r].cells[col];
            json_begin_object(w);
            json_kv_bool(w, "present", cell->node != NULL);
            if (cell->node) {
                json_kv_string(w, "version", cell->version);
                json_kv_string(w, "entry", cell->node->entry);
            }
            if (cell->expected)
                json_kv_string(w, "expected", cell->expected);
            json_end_object(w);
        }
        json_end_array(w);
        if (rows[r].expected)
            json_kv_string(w, "expected", rows[r].expected);
        json_end_object(w);
    }
    json_end_array(w);
}

/* "location": {...} of a failure, as findings have it. */
static void json_failure_location(json_writer *w, const mum_location *loc)
{
    json_key(w, "location");
    json_begin_object(w);
    if (loc && loc->input)
        json_kv_string(w, "input", loc->input);
    if (loc && loc->entry && *loc->entry)
        json_kv_string(w, "entry", loc->entry);
    if (loc && loc->line)
        json_kv_uint(w, "line", loc->line);
    if (loc && loc->line && loc->column)
        json_kv_uint(w, "column", loc->column);
    if (loc && loc->has_offset)
        json_kv_uint(w, "offset", loc->offset);
    json_end_object(w);
}

static void json_report(FILE *out, const mum_graph *g, const mum_verify_result *r,
                        const mum_findings *findings, const report_options *o)
{
    counts c = count_findings(findings);
    json_writer w;
    json_init(&w, out);
    json_begin_object(&w);
    json_kv_string(&w, "$schema", "file://" MUM_SCHEMADIR "/verify-report.schema.json");
    json_key(&w, "tool");
    json_begin_object(&w);
    json_kv_string(&w, "name", "mumtool");
    json_kv_string(&w, "version", mum_version_string());
    json_end_object(&w);
    json_kv_bool(&w, "complete", !o->failure);
    if (o->failure) {
        json_key(&w, "error");
        json_begin_object(&w);
        json_kv_string(&w, "message", o->failure);
        json_failure_location(&w, o->failure_loc);
        json_end_object(&w);
    }
    json_kv_string(&w, "result", o->failure                                  ? "error"
                                 : mum_fail_on_fails(o->fail_on, findings) ? "fail"
                                                                            : "pass");
    json_key(&w, "summary");
    json_begin_object(&w);
    json_kv_uint(&w, "errors", c.errors);
    json_kv_uint(&w, "warnings", c.warnings);
    json_kv_uint(&w, "info", c.infos);
    json_kv_uint(&w, "trustAnchors", o->anchors);
    json_kv_string(&w, "policy", o->policy_path);
    json_kv_string(&w, "failOn", mum_fail_on_name(o->fail_on ? o->fail_on : MUM_FAIL_ON_ERROR));
    json_end_object(&w);
    json_key(&w, "inputs");
    json_begin_array(&w);
    for (size_t i = 0; g && i < mum_graph_input_count(g); i++) {
        const mum_graph_input *in = mum_graph_input_at(g, i);
        json_begin_object(&w);
        cli_json_input_fields(&w, in);
        json_kv_uint(&w, "packages", in->packages);
        json_kv_uint(&w, "manifests", in->components);
        json_kv_uint(&w, "catalogs", in->catalogs);
        json_kv_uint(&w, "files", in->payloads);
        json_key(&w, "signatures");
        json_begin_array(&w);
        for (size_t s = 0; s < in->signature_count; s++) {
            const mum_graph_signature *sig = &in->signatures[s];
            json_begin_object(&w);
            json_kv_string(&w, "container", sig->container);
            json_kv_bool(&w, "present", sig->present);
            const char *signer = NULL;
            const mum_sig_result *verdict = sig->present && r ? mum_verify_signature(r, i, s, &signer) : NULL;
            if (verdict) {
                json_kv_string(&w, "status", mum_sig_status_name(verdict->status));
                if (verdict->status == MUM_SIG_INTEGRITY_FAILED)
                    json_kv_string(&w, "failedCheck", mum_sig_check_name(verdict->failed_check));
                json_kv_string(&w, "signer", signer);
                json_kv_string(&w, "detail", verdict->detail);
                cli_json_sig_checks(&w, verdict);
            }
            json_end_object(&w);
        }
        json_end_array(&w);
        json_end_object(&w);
    }
    json_end_array(&w);
    const mum_matrix *m = r ? mum_verify_matrix(r) : NULL;
    json_key(&w, "matrix");
    json_begin_object(&w);
    json_key(&w, "platforms");
    json_begin_array(&w);
    for (size_t col = 0; m && col < m->columns; col++)
        json_string(&w, m->platforms[col]);
    json_end_array(&w);
    json_key(&w, "inputs");
    json_begin_array(&w);
    for (size_t col = 0; m && col < m->columns; col++)
        json_string(&w, mum_graph_input_at(g, m->inputs[col])->path);
    json_end_array(&w);
    json_key(&w, "components");
    report_json_matrix_rows(&w, m, m ? m->components : NULL, m ? m->component_count : 0);
    json_key(&w, "packages");
    report_json_matrix_rows(&w, m, m ? m->packages : NULL, m ? m->package_count : 0);
    json_end_object(&w);
    json_key(&w, "findings");
    cli_json_findings(&w, findings);
    json_end_object(&w);
    json_finish(&w);
}

/* ---- SARIF 2.1.0 ---- */

static const char *sarif_level(mum_severity s)
{
    return s == MUM_SEVERITY_ERROR ? "error" : s == MUM_SEVERITY_WARNING ? "warning" : "note";
}

/* Artifacts: every input, and every nested entry a finding names (with its
 * input as parent).  Returns the index of loc's artifact. */
typedef struct artifacts {
    const char **uri;
    size_t *parent;     /* SIZE_MAX: none */
    size_t n, cap;
} artifacts;

static size_t artifact_of(artifacts *a, const char *uri, size_t parent)
{
    for (size_t i = 0; i < a->n; i++)
        if (a->parent[i] == parent && strcmp(a->uri[i], uri) == 0)
            return i;
    if (a->n == a->cap) {
        size_t ncap = a->cap ? a->cap * 2 : 16;
        const char **u = realloc(a->uri, ncap * sizeof *u);
        if (!u)
            return SIZE_MAX;
        a->uri = u;
        size_t *p = realloc(a->parent, ncap * sizeof *p);
        if (!p)
            return SIZE_MAX;
        a->parent = p;
        a->cap = ncap;
    }
    a->uri[a->n] = uri;
    a->parent[a->n] = parent;
    return a->n++;
}

/* A SARIF location object of a finding or a notification (art: the index
 * of its artifact, SIZE_MAX if none). */
static void sarif_location(json_writer *w, const mum_location *loc, size_t art)
{
    json_begin_object(w);
    json_key(w, "physicalLocation");
    json_begin_object(w);
    json_key(w, "artifactLocation");
    json_begin_object(w);
    json_kv_string(w, "uri", loc->entry && *loc->entry ? loc->entry : loc->input);
    if (art != SIZE_MAX)
        json_kv_uint(w, "index", art);
    json_end_object(w);
    if (loc->line) {
        json_key(w, "region");
        json_begin_object(w);
        json_kv_uint(w, "startLine", loc->line);
        if (loc->column)
            json_kv_uint(w, "startColumn", loc->column);
        json_end_object(w);
    } else if (loc->has_offset) {
        json_key(w, "region");
        json_begin_object(w);
        json_kv_uint(w, "byteOffset", loc->offset);
        json_end_object(w);
    }
    json_end_object(w);
    json_end_object(w);
}

/* The index of loc's artifact (its entry's, under its input), SIZE_MAX if none. */
static size_t sarif_artifact(artifacts *a, const mum_location *loc)
{
    size_t art = artifact_of(a, loc->input, SIZE_MAX);
    if (loc->entry && *loc->entry && art != SIZE_MAX)
        art = artifact_of(a, loc->entry, art);
    return art;
}

/* invocations[0]: whether the run read and judged everything, and if not,
 * what stopped it as a tool execution notification (code scanning shows
 * those, where a missing file would only fail the upload). */
static void sarif_invocation(json_writer *w, artifacts *a, const report_options *o)
{
    json_key(w, "invocations");
    json_begin_array(w);
    json_begin_object(w);
    json_kv_bool(w, "executionSuccessful", !o->failure);
    json_kv_int(w, "exitCode", o->exit_code);
    if (o->failure) {
        json_key(w, "toolExecutionNotifications");
        json_begin_array(w);
        json_begin_object(w);
        json_kv_string(w, "level", "error");
        json_key(w, "message");
        json_begin_object(w);
        json_kv_string(w, "text", o->failure);
        json_end_object(w);
        if (o->failure_loc && o->failure_loc->input) {
            json_key(w, "locations");
            json_begin_array(w);
            sarif_location(w, o->failure_loc, sarif_artifact(a, o->failure_loc));
            json_end_array(w);
        }
        json_end_object(w);
        json_end_array(w);
    }
    json_end_object(w);
    json_end_array(w);
}

#ifdef MUM_DOCDIR
/* A rule's helpUri: its section of the installed doc/windows-semantics.md
 * (make install puts it in $(docdir)), as a file: URI with the anchor a
 * Markdown renderer gives the heading "### `rule.id`" (the id without its
 * dots).  No made-up web host: without a docdir there is no helpUri. */
static void sarif_help_uri(json_writer *w, const char *rule_id)
{
    static const char unreserved[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~/";
    char uri[2048];
    size_t n = 0;
    n += (size_t)snprintf(uri, sizeof uri, "file://");
    for (const char *p = MUM_DOCDIR; *p && n + 4 < sizeof uri; p++) {
        if (strchr(unreserved, *p))
            uri[n++] = *p;
        else
            n += (size_t)snprintf(uri + n, sizeof uri - n, "%%%02X", (unsigned char)*p);
    }
    n += (size_t)snprintf(uri + n, n < sizeof uri ? sizeof uri - n : 0, "/windows-semantics.md#");
    for (const char *p = rule_id; *p && n + 1 < sizeof uri; p++)
        if (*p != '.')
            uri[n++] = *p;
    if (n >= sizeof uri)
        return; /* a docdir this long is not worth a truncated link */
    uri[n] = '\0';
    json_kv_string(w, "helpUri", uri);
}
#endif

static void sarif_report(FILE *out, const mum_graph *g, const mum_findings *findings,
                         const report_options *o)
{
    artifacts a = {0};
    if (g)
        for (size_t i = 0; i < mum_graph_input_count(g); i++)
            artifact_of(&a, mum_graph_input_at(g, i)->path, SIZE_MAX);
    else
        for (size_t i = 0; i < o->ninputs; i++)
            artifact_of(&a, o->inputs[i], SIZE_MAX);
    json_writer w;
    json_init(&w, out);
    json_begin_object(&w);
    json_kv_string(&w, "$schema", "https://json.schemastore.org/sarif-2.1.0.json");
    json_kv_string(&w, "version", "2.1.0");
    json_key(&w, "runs");
    json_begin_array(&w);
    json_begin_object(&w);
    json_key(&w, "tool");
    json_begin_object(&w);
    json_key(&w, "driver");
    json_begin_object(&w);
    json_kv_string(&w, "name", "mumtool");
    json_kv_string(&w, "semanticVersion", mum_version_string());
    json_key(&w, "rules");
    json_begin_array(&w);
    for (size_t i = 0; i < mum_rule_count(); i++) {
        const mum_rule *rule = mum_rule_at(i);
        json_begin_object(&w);
        json_kv_string(&w, "id", rule->id);
        json_key(&w, "shortDescription");
        json_begin_object(&w);
        json_kv_string(&w, "text", rule->summary);
        json_end_object(&w);
        json_key(&w, "defaultConfiguration");
        json_begin_object(&w);
        json_kv_string(&w, "level", sarif_level(rule->severity));
        json_end_object(&w);
#ifdef MUM_DOCDIR
        sarif_help_uri(&w, rule->id);
#endif
        if (rule->hresult) {
            json_key(&w, "properties");
            json_begin_object(&w);
            cli_json_windows_error(&w, rule->hresult);
            json_end_object(&w);
        }
        json_end_object(&w);
    }
    json_end_array(&w);
    json_end_object(&w);
    json_end_object(&w);
    sarif_invocation(&w, &a, o);
    json_key(&w, "results");
    json_begin_array(&w);
    for (size_t i = 0; i < mum_findings_count(findings); i++) {
        const mum_finding *f = mum_findings_get(findings, i);
        if (f->severity == MUM_SEVERITY_OFF)
            continue;
        json_begin_object(&w);
        json_kv_string(&w, "ruleId", f->rule->id);
        size_t ri = 0;
        while (ri < mum_rule_count() && mum_rule_at(ri) != f->rule)
            ri++;
        json_kv_uint(&w, "ruleIndex", ri);
        json_kv_string(&w, "level", sarif_level(f->severity));
        json_key(&w, "message");
        json_begin_object(&w);
        json_kv_string(&w, "text", f->message);
        json_end_object(&w);
        if (f->loc.input) {
            json_key(&w, "locations");
            json_begin_array(&w);
            sarif_location(&w, &f->loc, sarif_artifact(&a, &f->loc));
            json_end_array(&w);
        }
        if (f->rule->hresult) {
            json_key(&w, "properties");
            json_begin_object(&w);
            cli_json_windows_error(&w, f->rule->hresult);
            json_end_object(&w);
        }
        json_end_object(&w);
    }
    json_end_array(&w);
    json_key(&w, "artifacts");
    json_begin_array(&w);
    for (size_t i = 0; i < a.n; i++) {
        json_begin_object(&w);
        json_key(&w, "location");
        json_begin_object(&w);
        json_kv_string(&w, "uri", a.uri[i]);
        json_end_object(&w);
        if (a.parent[i] != SIZE_MAX)
            json_kv_uint(&w, "parentIndex", a.parent[i]);
        json_end_object(&w);
    }
    json_end_array(&w);
    json_end_object(&w);
    json_end_array(&w);
    json_end_object(&w);
    json_finish(&w);
    free(a.uri);
    free(a.parent);
}

/* ---- JUnit ---- */

void report_xml_text(FILE *out, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        unsigned char ch = *p;
        if (ch == '<')
            fputs("&lt;", out);
        else if (ch == '>')
            fputs("&gt;", out);
        else if (ch == '&')
            fputs("&amp;", out);
        else if (ch == '"')
            fputs("&quot;", out);
        else if (ch == '\'')
            fputs("&apos;", out);
        else if (ch == '\n' || ch == '\t' || ch == '\r')
            fputc(ch, out);
        else if (ch < 0x20 || ch == 0x7f)
            fputs("\xef\xbf\xbd", out); /* not allowed in XML 1.0 at all */
        else if (ch < 0x80)
            fputc(ch, out);
        else {
            int len = cli_utf8_len(p);
            if (len) {
                fwrite(p, 1, (size_t)len, out);
                p += len;
                continue;
            }
            fputs("\xef\xbf\xbd", out);
        }
        p++;
    }
}

/*
 * One test case per rule: a rule with findings at error severity fails
 * (every one of them listed), one with warnings or notes passes with them in
 * system-out, the others pass.  Rules are grouped in test suites by module.
 */
static void junit_report(FILE *out, const mum_findings *findings, const report_options *o)
{
    size_t nrules = mum_rule_count(), failed_rules = 0;
    for (size_t i = 0; i < nrules; i++)
        for (size_t k = 0; k < mum_findings_count(findings); k++) {
            const mum_finding *f = mum_findings_get(findings, k);
            if (f->rule == mum_rule_at(i) && f->severity == MUM_SEVERITY_ERROR) {
                failed_rules++;
                break;
            }
        }
    fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    fprintf(out, "<testsuites name=\"mumtool verify\" tests=\"%zu\" failures=\"%zu\" errors=\"%d\">\n",
            nrules + (o->failure != NULL), failed_rules, o->failure != NULL);
    if (o->failure) {
        /* the run itself, as a test case in error: CI shows why the rules
         * below are incomplete instead of finding no report at all */
        fputs("  <testsuite name=\"mumtool.run\" tests=\"1\" failures=\"0\" errors=\"1\">\n"
              "    <testcase classname=\"mumtool.run\" name=\"read the inputs\">\n"
              "      <error type=\"could-not-run\" message=\"",
              out);
        report_xml_text(out, o->failure);
        fputs("\">", out);
        report_xml_text(out, o->failure);
        fputs("\n(the findings below are those of what could be read)</error>\n"
              "    </testcase>\n  </testsuite>\n",
              out);
    }
    size_t i = 0;
    while (i < nrules) {
        const char *module = mum_rule_at(i)->id;
        size_t ml = module_len(module), end = i, fails = 0;
        while (end < nrules && module_len(mum_rule_at(end)->id) == ml &&
               strncmp(mum_rule_at(end)->id, module, ml) == 0)
            end++;
        for (size_t r = i; r < end; r++)
            for (size_t k = 0; k < mum_findings_count(findings); k++) {
                const mum_finding *f = mum_findings_get(findings, k);
                if (f->rule == mum_rule_at(r) && f->severity == MUM_SEVERITY_ERROR) {
                    fails++;
                    break;
                }
            }
        fprintf(out, "  <testsuite name=\"mumtool.%.*s\" tests=\"%zu\" failures=\"%zu\" errors=\"0\">\n",
                (int)ml, module, end - i, fails);
        for (size_t r = i; r < end; r++) {
            const mum_rule *rule = mum_rule_at(r);
            fprintf(out, "    <testcase classname=\"mumtool.%.*s\" name=\"", (int)ml, module);
            report_xml_text(out, rule->id);
            fputs("\"", out);
            size_t errs = 0, others = 0;
            for (size_t k = 0; k < mum_findings_count(findings); k++) {
                const mum_finding *f = mum_findings_get(findings, k);
                if (f->rule != rule || f->severity == MUM_SEVERITY_OFF)
                    continue;
                if (f->severity == MUM_SEVERITY_ERROR)
                    errs++;
                else
                    others++;
            }
            if (!errs && !others) {
                fputs("/>\n", out);
                continue;
            }
            fputs(">\n", out);
            for (int pass = 0; pass < 2; pass++) {
                size_t n = pass == 0 ? errs : others;
                if (!n)
                    continue;
                if (pass == 0) {
                    fprintf(out, "      <failure type=\"%s\" message=\"%zu finding%s: ", rule->id, n,
                            n == 1 ? "" : "s");
                    report_xml_text(out, rule->summary);
                    fputs("\">", out);
                } else {
                    fputs("      <system-out>", out);
                }
                for (size_t k = 0; k < mum_findings_count(findings); k++) {
                    const mum_finding *f = mum_findings_get(findings, k);
                    if (f->rule != rule || f->severity == MUM_SEVERITY_OFF ||
                        (pass == 0) != (f->severity == MUM_SEVERITY_ERROR))
                        continue;
                    char where[4096];
                    mum_location_format(&f->loc, where, sizeof where);
                    report_xml_text(out, where);
                    fputs(": ", out);
                    report_xml_text(out, mum_severity_name(f->severity));
                    fputs(": ", out);
                    report_xml_text(out, f->message);
                    fputc('\n', out);
                }
                fputs(pass == 0 ? "</failure>\n" : "</system-out>\n", out);
            }
            fputs("    </testcase>\n", out);
        }
        fputs("  </testsuite>\n", out);
        i = end;
    }
    fputs("</testsuites>\n", out);
}

void report_verify(FILE *out, report_format format, const mum_graph *g, const mum_verify_result *r,
                   const mum_findings *findings, const report_options *o)
{
    switch (format) {
    case REPORT_TEXT: text_report(out, g, r, findings, o); break;
    case REPORT_JSON: json_report(out, g, r, findings, o); break;
    case REPORT_SARIF: sarif_report(out, g, findings, o); break;
    case REPORT_JUNIT: junit_report(out, findings, o); break;
    }
}
