/*
 * cmd_diff.c - mumtool diff: what changed between two revisions of a
 * hotfix (or the same hotfix for two platforms), as text, JSON or one
 * self-contained HTML page; exit status like diff(1).
 */
#include "config.h"

#include "cli.h"
#include "files.h"
#include "report.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char diff_help[] =
    "Usage: mumtool diff [OPTION]... OLD NEW\n"
    "       mumtool diff [OPTION]... OLD... -- NEW...\n"
    "       mumtool diff [OPTION]... --old OLD... --new NEW...\n"
    "\n"
    "Compare two revisions of a hotfix, or the same hotfix for two platforms, on\n"
    "the package graph (not on bytes).  Each side is one or more packages (.msu,\n"
    ".cab) or folders.  Without '--', --old or --new, more than two inputs are\n"
    "split when they fall into two groups by folder (a/*.msu b/*.msu) or by KB;\n"
    "otherwise separate them with '--'.\n"
    "\n"
    "Reported: packages added or removed and their attributes (version,\n"
    "releaseType, restart, parents, applicability, what they install); components\n"
    "added, removed, version changed (downgrades flagged); files added, removed,\n"
    "moved, changed (flagged when the component's version did not change),\n"
    "destination changes; catalogs (signer, timestamp, digest algorithm, version,\n"
    "members by name); platforms and wow64/x86 parts gained or lost.\n"
    "\n"
    "Options:\n"
    "      --old INPUT       an input of the old side (repeatable)\n"
    "      --new INPUT       an input of the new side (repeatable)\n"
    "      --format FORMAT   text (default), json or html; --json: --format json\n"
    "  -o, --output FILE     write the report to FILE instead of standard output\n"
    "      --fail-on LIST    exit 1 only when a change of these kinds or flags occurs\n"
    "                        (comma-separated, e.g. downgrade,unversioned-change,\n"
    "                        component-removed; 'mumtool diff --list-kinds')\n"
    "      --cross           compare ignoring architecture even for the same platform\n"
    "      --base-manifest FILE  read delta-compressed (DCM) manifests with Windows'\n"
    "                        base manifest FILE (default: $MUM_BASE_MANIFEST)\n"
    "      --wcp DLL         the same, with the base manifest inside wcp.dll\n"
    "      --list-kinds      list the change kinds and flags, and exit\n"
    "  -q, --quiet           (text) the summary only\n"
    "  -v, --verbose         a line of totals on standard error\n"
    "  -h, --help            show this help and exit\n"
    CLI_COMMON_HELP
    "\n"
    "Exit status: 0 identical, 1 differences (with --fail-on: one of those),\n"
    "2 usage error, 3 an input could not be read.\n";

enum { OPT_OLD = 256, OPT_NEW, OPT_FORMAT, OPT_FAIL_ON, OPT_CROSS, OPT_LIST_KINDS, OPT_JSON,
       OPT_BASE_MANIFEST, OPT_WCP };
typedef enum { OUT_TEXT, OUT_JSON, OUT_HTML } diff_format;

typedef struct args {
    const char **v;
    size_t n;
} args;

static int args_add(args *a, const char *s)
{
    const char **v = realloc(a->v, (a->n + 1) * sizeof *v);
    if (!v)
        return -1;
    a->v = v;
    a->v[a->n++] = s;
    return 0;
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash && slash[1] ? slash + 1 : path;
}

/* The folder part of a path ("" for none), compared up to its length. */
static size_t dir_len(const char *path)
{
    size_t n = strlen(path);
    while (n > 0 && path[n - 1] == '/')
        n--;
    while (n > 0 && path[n - 1] != '/')
        n--;
    return n;
}

/* "KB943650" in a name, as digits; 0 when none. */
static unsigned long kb_of(const char *path)
{
    const char *b = base_name(path);
    for (const char *p = b; *p; p++)
        if ((p[0] == 'K' || p[0] == 'k') && (p[1] == 'B' || p[1] == 'b') && p[2] >= '0' && p[2] <= '9')
            return strtoul(p + 2, NULL, 10);
    return 0;
}

/* Splits operands into two contiguous groups, by folder or else by KB;
 * the index of the first NEW one, or 0 when there is no obvious split. */
static size_t obvious_split(char **v, size_t n)
{
    /* the same names twice (a/x.msu a/y.msu a/x.msu a/y.msu): the halves */
    if (n % 2 == 0) {
        bool halves = true;
        for (size_t i = 0; i < n / 2 && halves; i++)
            halves = strcmp(base_name(v[i]), base_name(v[n / 2 + i])) == 0;
        if (halves)
            return n / 2;
    }
    size_t at = 0;
    bool ok = true;
    for (size_t i = 1; i < n && ok; i++) {
        bool same = dir_len(v[i]) == dir_len(v[i - 1]) && strncmp(v[i], v[i - 1], dir_len(v[i])) == 0;
        if (!same) {
            if (at)
                ok = false;
            at = i;
        }
    }
    if (ok && at)
        return at;
    at = 0;
    ok = true;
    for (size_t i = 1; i < n && ok; i++) {
        if (kb_of(v[i]) == 0 || kb_of(v[i - 1]) == 0) {
            ok = false;
        } else if (kb_of(v[i]) != kb_of(v[i - 1])) {
            if (at)
                ok = false;
            at = i;
        }
    }
    return ok ? at : 0;
}

/* ---- one change as a sentence ---- */

static void subject_text(const mum_change *c, char *buf, size_t size)
{
    if (c->part && strcmp(c->part, "native") != 0)
        snprintf(buf, size, "%s (%s)", c->subject ? c->subject : "?", c->part);
    else
        snprintf(buf, size, "%s", c->subject ? c->subject : "?");
}

#define V(s) ((s) ? (s) : "(none)")

static void change_text(const mum_change *c, char *buf, size_t size)
{
    char subj[600];
    subject_text(c, subj, sizeof subj);
    switch (c->kind) {
    case MUM_CHANGE_PLATFORM_ADDED:
        snprintf(buf, size, "platform %s added (%s)", V(c->new_value), subj);
        break;
    case MUM_CHANGE_PLATFORM_REMOVED:
        snprintf(buf, size, "platform %s removed (%s)", V(c->old_value), subj);
        break;
    case MUM_CHANGE_ARCHITECTURE:
        snprintf(buf, size, "same hotfix, different architecture: %s -> %s (%s -> %s)", V(c->old_value),
                 V(c->new_value), V(c->detail), subj);
        break;
    case MUM_CHANGE_PACKAGE_ADDED:
        snprintf(buf, size, "package %s %s added", subj, V(c->new_value));
        break;
    case MUM_CHANGE_PACKAGE_REMOVED:
        snprintf(buf, size, "package %s %s removed", subj, V(c->old_value));
        break;
    case MUM_CHANGE_PACKAGE_CHANGED:
        if (c->item && (strcmp(c->item, "installs") == 0 || strcmp(c->item, "parents") == 0 ||
                        strcmp(c->item, "applicability") == 0))
            snprintf(buf, size, "package %s: %s%s%s%s%s%s", subj, c->item,
                     c->old_value ? " no longer " : "", c->old_value ? c->old_value : "",
                     c->old_value && c->new_value ? ";" : "", c->new_value ? " now also " : "",
                     c->new_value ? c->new_value : "");
        else
            snprintf(buf, size, "package %s: %s %s -> %s%s", subj, V(c->item), V(c->old_value),
                     V(c->new_value), c->flags & MUM_CHANGE_DOWNGRADE ? " (a downgrade)" : "");
        break;
    case MUM_CHANGE_COMPONENT_ADDED:
        snprintf(buf, size, "component %s %s added%s%s", subj, V(c->new_value), c->detail ? ": " : "",
                 c->detail ? c->detail : "");
        break;
    case MUM_CHANGE_COMPONENT_REMOVED:
        snprintf(buf, size, "component %s %s removed%s%s", subj, V(c->old_value), c->detail ? ": " : "",
                 c->detail ? c->detail : "");
        break;
    case MUM_CHANGE_COMPONENT_VERSION:
        snprintf(buf, size, "component %s: version %s -> %s%s%s%s%s", subj, V(c->old_value),
                 V(c->new_value), c->flags & MUM_CHANGE_DOWNGRADE ? " (a downgrade)" : "",
                 c->detail ? " (" : "", c->detail ? c->detail : "", c->detail ? ")" : "");
        break;
    case MUM_CHANGE_PART_ADDED:
        snprintf(buf, size, "%s part of %s added (%s)", V(c->part), V(c->subject), V(c->new_value));
        break;
    case MUM_CHANGE_PART_REMOVED:
        snprintf(buf, size, "%s part of %s removed (%s)", V(c->part), V(c->subject), V(c->old_value));
        break;
    case MUM_CHANGE_FILE_ADDED:
        snprintf(buf, size, "file %s added to %s%s%s%s", V(c->item), subj, c->new_value ? " (" : "",
                 c->new_value ? c->new_value : "", c->new_value ? ")" : "");
        break;
    case MUM_CHANGE_FILE_REMOVED:
        snprintf(buf, size, "file %s removed from %s", V(c->item), subj);
        break;
    case MUM_CHANGE_FILE_MOVED:
        snprintf(buf, size, "file %s moved from %s to %s", V(c->item), V(c->old_value), V(c->new_value));
        break;
    case MUM_CHANGE_FILE_CHANGED:
        snprintf(buf, size, "file %s of %s changed without a version change (still %s): %s -> %s", V(c->item),
                 subj, V(c->detail), V(c->old_value), V(c->new_value));
        break;
    case MUM_CHANGE_FILE_DESTINATION:
        snprintf(buf, size, "file %s of %s: destination %s -> %s", V(c->item), subj, V(c->old_value),
                 V(c->new_value));
        break;
    case MUM_CHANGE_CATALOG_ADDED:
    case MUM_CHANGE_CATALOG_REMOVED:
        snprintf(buf, size, "package %s: catalog %s %s", V(c->item), subj,
                 c->kind == MUM_CHANGE_CATALOG_ADDED ? "added" : "removed");
        break;
    case MUM_CHANGE_CATALOG_SIGNER:
    case MUM_CHANGE_CATALOG_TIMESTAMP:
    case MUM_CHANGE_CATALOG_ALGORITHM:
    case MUM_CHANGE_CATALOG_VERSION: {
        static const char *const what[] = {"signer", "timestamp", "digest algorithm", "version"};
        snprintf(buf, size, "catalog %s: %s %s -> %s", subj, what[c->kind - MUM_CHANGE_CATALOG_SIGNER],
                 V(c->old_value), V(c->new_value));
        break;
    }
    case MUM_CHANGE_CATALOG_MEMBER_ADDED:
        snprintf(buf, size, "catalog %s: member %s added", subj, V(c->item));
        break;
    case MUM_CHANGE_CATALOG_MEMBER_REMOVED:
        snprintf(buf, size, "catalog %s: member %s removed", subj, V(c->item));
        break;
    default:
        snprintf(buf, size, "%s %s", mum_change_kind_name(c->kind), subj);
    }
}

static const char *pair_label(const mum_diff_pair *p, char *buf, size_t size)
{
    if (p->old_platform && p->new_platform && strcmp(p->old_platform, p->new_platform) != 0)
        snprintf(buf, size, "%s -> %s", p->old_platform, p->new_platform);
    else
        snprintf(buf, size, "%s", p->old_platform ? p->old_platform : p->new_platform ? p->new_platform : "?");
    if (!buf[0])
        snprintf(buf, size, "(no platform)");
    return buf;
}

static char sign_of(mum_change_kind k)
{
    switch (k) {
    case MUM_CHANGE_PLATFORM_ADDED:
    case MUM_CHANGE_PACKAGE_ADDED:
    case MUM_CHANGE_COMPONENT_ADDED:
    case MUM_CHANGE_PART_ADDED:
    case MUM_CHANGE_FILE_ADDED:
    case MUM_CHANGE_CATALOG_ADDED:
    case MUM_CHANGE_CATALOG_MEMBER_ADDED:
        return '+';
    case MUM_CHANGE_PLATFORM_REMOVED:
    case MUM_CHANGE_PACKAGE_REMOVED:
    case MUM_CHANGE_COMPONENT_REMOVED:
    case MUM_CHANGE_PART_REMOVED:
    case MUM_CHANGE_FILE_REMOVED:
    case MUM_CHANGE_CATALOG_REMOVED:
    case MUM_CHANGE_CATALOG_MEMBER_REMOVED:
        return '-';
    default:
        return '~';
    }
}

static void flags_text(unsigned flags, char *buf, size_t size)
{
    size_t len = 0;
    buf[0] = '\0';
    for (unsigned bit = 1; bit && len < size; bit <<= 1)
        if ((flags & bit) && mum_change_flag_name(bit))
            len += (size_t)snprintf(buf + len, size - len, "%s%s", len ? "," : "", mum_change_flag_name(bit));
}

/* ---- text ---- */

/* Added green, removed red, changed yellow (like git diff); flags such as
 * downgrade in bold red. */
static const char *sign_sgr(FILE *out, char sign)
{
    return cli_sgr(out, sign == '+' ? "32" : sign == '-' ? "31" : "33");
}

static void text_report(FILE *out, const mum_diff_result *r, const mum_graph *og, const mum_graph *ng,
                        bool quiet)
{
    size_t n = mum_diff_change_count(r);
    char label[128], line[4096], flags[64];
    fprintf(out, "%zu change%s", n, n == 1 ? "" : "s");
    size_t down = mum_diff_count_flags(r, MUM_CHANGE_DOWNGRADE);
    size_t unv = mum_diff_count_flags(r, MUM_CHANGE_UNVERSIONED);
    if (down || unv)
        fprintf(out, " (%zu downgrade%s, %zu unversioned-change)", down, down == 1 ? "" : "s", unv);
    fprintf(out, " in %zu pair%s of inputs\n", mum_diff_pair_count(r), mum_diff_pair_count(r) == 1 ? "" : "s");
    for (int k = 0; k < MUM_CHANGE_KIND_COUNT; k++) {
        size_t c = mum_diff_count_kind(r, (mum_change_kind)k);
        if (!c)
            continue;
        size_t bar = c > 40 ? 40 : c;
        fprintf(out, "  %-24s %4zu  ", mum_change_kind_name((mum_change_kind)k), c);
        for (size_t i = 0; i < bar; i++)
            fputc(sign_of((mum_change_kind)k), out);
        fputc('\n', out);
    }
    if (quiet)
        return;
    for (size_t p = 0; p < mum_diff_pair_count(r); p++) {
        const mum_diff_pair *pair = mum_diff_pair_at(r, p);
        size_t count = 0;
        for (size_t i = 0; i < n; i++)
            count += mum_diff_change(r, i)->pair == p;
        fprintf(out, "\n%s: %s -> %s: %zu change%s\n", pair_label(pair, label, sizeof label),
                pair->old_input == SIZE_MAX ? "(none)" : mum_graph_input_at(og, pair->old_input)->path,
                pair->new_input == SIZE_MAX ? "(none)" : mum_graph_input_at(ng, pair->new_input)->path, count,
                count == 1 ? "" : "s");
        for (size_t i = 0; i < n; i++) {
            const mum_change *c = mum_diff_change(r, i);
            if (c->pair != p)
                continue;
            change_text(c, line, sizeof line);
            flags_text(c->flags, flags, sizeof flags);
            char sign = sign_of(c->kind);
            fprintf(out, "%s  %c %s%s", sign_sgr(out, sign), sign, line, cli_sgr(out, NULL));
            if (flags[0])
                fprintf(out, " [%s%s%s]", cli_sgr(out, "1;31"), flags, cli_sgr(out, NULL));
            fputc('\n', out);
        }
    }
    if (n == 0)
        fprintf(out, "\nidentical in every compared aspect\n");
}

/* ---- JSON ---- */

static void json_side(json_writer *w, const mum_graph *g, const mum_matrix *m)
{
    json_begin_object(w);
    json_key(w, "inputs");
    json_begin_array(w);
    for (size_t i = 0; i < mum_graph_input_count(g); i++) {
        const mum_graph_input *in = mum_graph_input_at(g, i);
        json_begin_object(w);
        cli_json_input_fields(w, in);
        json_kv_uint(w, "packages", in->packages);
        json_kv_uint(w, "manifests", in->components);
        json_end_object(w);
    }
    json_end_array(w);
    json_key(w, "matrix");
    json_begin_object(w);
    json_key(w, "platforms");
    json_begin_array(w);
    for (size_t col = 0; m && col < m->columns; col++)
        json_string(w, m->platforms[col]);
    json_end_array(w);
    json_key(w, "components");
    report_json_matrix_rows(w, m, m ? m->components : NULL, m ? m->component_count : 0);
    json_key(w, "packages");
    report_json_matrix_rows(w, m, m ? m->packages : NULL, m ? m->package_count : 0);
    json_end_object(w);
    json_end_object(w);
}

static void json_report(FILE *out, const mum_diff_result *r, const mum_graph *og, const mum_graph *ng)
{
    json_writer w;
    char line[4096];
    json_init(&w, out);
    json_begin_object(&w);
    json_kv_string(&w, "tool", "mumtool diff");
    json_kv_string(&w, "version", PACKAGE_VERSION);
    json_kv_bool(&w, "complete", true);
    json_kv_bool(&w, "identical", mum_diff_change_count(r) == 0);
    json_key(&w, "summary");
    json_begin_object(&w);
    json_kv_uint(&w, "changes", mum_diff_change_count(r));
    json_key(&w, "kinds");
    json_begin_object(&w);
    for (int k = 0; k < MUM_CHANGE_KIND_COUNT; k++)
        if (mum_diff_count_kind(r, (mum_change_kind)k))
            json_kv_uint(&w, mum_change_kind_name((mum_change_kind)k), mum_diff_count_kind(r, (mum_change_kind)k));
    json_end_object(&w);
    json_key(&w, "flags");
    json_begin_object(&w);
    json_kv_uint(&w, "downgrade", mum_diff_count_flags(r, MUM_CHANGE_DOWNGRADE));
    json_kv_uint(&w, "unversioned-change", mum_diff_count_flags(r, MUM_CHANGE_UNVERSIONED));
    json_end_object(&w);
    json_end_object(&w);
    json_key(&w, "pairs");
    json_begin_array(&w);
    for (size_t p = 0; p < mum_diff_pair_count(r); p++) {
        const mum_diff_pair *pair = mum_diff_pair_at(r, p);
        json_begin_object(&w);
        json_kv_string(&w, "old", pair->old_input == SIZE_MAX ? NULL : mum_graph_input_at(og, pair->old_input)->path);
        json_kv_string(&w, "new", pair->new_input == SIZE_MAX ? NULL : mum_graph_input_at(ng, pair->new_input)->path);
        json_kv_string(&w, "old_platform", pair->old_platform);
        json_kv_string(&w, "new_platform", pair->new_platform);
        json_kv_bool(&w, "cross", pair->cross);
        json_end_object(&w);
    }
    json_end_array(&w);
    json_key(&w, "changes");
    json_begin_array(&w);
    for (size_t i = 0; i < mum_diff_change_count(r); i++) {
        const mum_change *c = mum_diff_change(r, i);
        const mum_diff_pair *pair = mum_diff_pair_at(r, c->pair);
        json_begin_object(&w);
        json_kv_string(&w, "kind", mum_change_kind_name(c->kind));
        json_key(&w, "flags");
        json_begin_array(&w);
        for (unsigned bit = 1; bit; bit <<= 1)
            if ((c->flags & bit) && mum_change_flag_name(bit))
                json_string(&w, mum_change_flag_name(bit));
        json_end_array(&w);
        json_kv_uint(&w, "pair", c->pair);
        json_kv_string(&w, "old_platform", pair->old_platform);
        json_kv_string(&w, "new_platform", pair->new_platform);
        json_kv_string(&w, "subject", c->subject);
        json_kv_string(&w, "part", c->part);
        json_kv_string(&w, "item", c->item);
        json_kv_string(&w, "old", c->old_value);
        json_kv_string(&w, "new", c->new_value);
        json_kv_string(&w, "detail", c->detail);
        json_kv_string(&w, "old_entry", c->old_entry);
        json_kv_string(&w, "new_entry", c->new_entry);
        change_text(c, line, sizeof line);
        json_kv_string(&w, "text", line);
        json_end_object(&w);
    }
    json_end_array(&w);
    json_key(&w, "old");
    json_side(&w, og, mum_diff_matrix(r, 0));
    json_key(&w, "new");
    json_side(&w, ng, mum_diff_matrix(r, 1));
    json_end_object(&w);
    json_finish(&w);
}

/* ---- HTML: one page, inline CSS, no script ---- */

static const char html_style[] =
    "body{font-family:sans-serif;margin:2em;color:#222}"
    "h1{font-size:1.4em}h2{font-size:1.15em;margin-top:1.5em}"
    "table{border-collapse:collapse;margin:.5em 0}"
    "td,th{border:1px solid #ccc;padding:.2em .6em;text-align:left;font-size:.9em}"
    "th{background:#f0f0f0}"
    /* added, removed and changed rows: a background colour, the sign in
     * the first cell, and the colour of the text (for print and for
     * readers who cannot tell the backgrounds apart) */
    "tr.added{background:#e6ffec}tr.removed{background:#ffebe9}tr.changed{background:#fff8c5}"
    "tr.added td.sign,.added>td:first-child{color:#176f2c}"
    "tr.removed td.sign,.removed>td:first-child{color:#b31d28}"
    "tr.changed td.sign,.changed>td:first-child{color:#8a5300}"
    "td.sign{font-weight:bold;font-family:monospace;text-align:center}"
    ".abs{color:#999}.sides{display:flex;gap:2em;flex-wrap:wrap}"
    "details{margin:.3em 0}summary{cursor:pointer;font-weight:bold}"
    "code{font-size:.9em}.flag{background:#fbe7c6;border-radius:3px;padding:0 .3em}";

static void html_text(FILE *out, const char *s)
{
    report_xml_text(out, s ? s : "");
}

/* The row of `other` (components when !t, else packages) with the name
 * and part of `row`: names compare as Windows compares them, ignoring case. */
static const mum_matrix_row *matrix_find(const mum_matrix *other, int t, const mum_matrix_row *row)
{
    if (!other)
        return NULL;
    const mum_matrix_row *rows = t ? other->packages : other->components;
    size_t n = t ? other->package_count : other->component_count;
    for (size_t i = 0; i < n; i++)
        if (rows[i].part == row->part && strcasecmp(rows[i].name, row->name) == 0)
            return &rows[i];
    return NULL;
}

/* Whether a row present on both sides differs on a platform both sides
 * have: present on one only, or another version.  A platform only one
 * side has is a change of the whole column, not of the row. */
static bool matrix_row_differs(const mum_matrix *a, const mum_matrix_row *ra, const mum_matrix *b,
                               const mum_matrix_row *rb)
{
    for (size_t ca = 0; ca < a->columns; ca++)
        for (size_t cb = 0; cb < b->columns; cb++) {
            if (strcmp(a->platforms[ca], b->platforms[cb]) != 0)
                continue;
            const mum_matrix_cell *x = &ra->cells[ca], *y = &rb->cells[cb];
            if (!x->node != !y->node)
                return true;
            const char *vx = x->version ? x->version : "", *vy = y->version ? y->version : "";
            if (x->node && strcmp(vx, vy) != 0)
                return true;
        }
    return false;
}

/* The class of a matrix row of side `m` against the other side: "added"
 * (new side only), "removed" (old side only), "changed" or NULL. */
static const char *matrix_row_class(const mum_matrix *m, const mum_matrix *other, bool is_new, int t,
                                    const mum_matrix_row *row)
{
    if (!other || !other->columns)
        return NULL;
    const mum_matrix_row *o = matrix_find(other, t, row);
    if (!o)
        return is_new ? "added" : "removed";
    return matrix_row_differs(m, row, other, o) ? "changed" : NULL;
}

static void html_matrix(FILE *out, const char *title, const mum_graph *g, const mum_matrix *m,
                        const mum_matrix *other, bool is_new)
{
    fprintf(out, "<div><h3>");
    html_text(out, title);
    fprintf(out, "</h3>\n");
    if (!m || !m->columns) {
        fprintf(out, "<p>(no packages)</p></div>\n");
        return;
    }
    for (int t = 0; t < 2; t++) {
        const mum_matrix_row *rows = t ? m->packages : m->components;
        size_t nrows = t ? m->package_count : m->component_count;
        fprintf(out, "<table><tr><th>%s</th>", t ? "Packages" : "Components");
        for (size_t col = 0; col < m->columns; col++) {
            fprintf(out, "<th title=\"");
            html_text(out, mum_graph_input_at(g, m->inputs[col])->path);
            fprintf(out, "\">");
            html_text(out, m->platforms[col][0] ? m->platforms[col] : "?");
            fprintf(out, "</th>");
        }
        fprintf(out, "</tr>\n");
        for (size_t r = 0; r < nrows; r++) {
            const char *cls = matrix_row_class(m, other, is_new, t, &rows[r]);
            if (cls)
                fprintf(out, "<tr class=\"%s\"><td>", cls);
            else
                fprintf(out, "<tr><td>");
            html_text(out, rows[r].name);
            if (rows[r].part != MUM_PART_NATIVE)
                fprintf(out, " (%s)", mum_matrix_part_name(rows[r].part));
            fprintf(out, "</td>");
            for (size_t col = 0; col < m->columns; col++) {
                const mum_matrix_cell *cell = &rows[r].cells[col];
                if (cell->node) {
                    fprintf(out, "<td>");
                    html_text(out, t ? "yes" : cell->version ? cell->version : "?");
                } else {
                    fprintf(out, "<td class=\"abs\">-");
                }
                fprintf(out, "</td>");
            }
            fprintf(out, "</tr>\n");
        }
        fprintf(out, "</table>\n");
    }
    fprintf(out, "</div>\n");
}

static void html_report(FILE *out, const mum_diff_result *r, const mum_graph *og, const mum_graph *ng)
{
    size_t n = mum_diff_change_count(r);
    char line[4096], label[128], flags[64];
    fprintf(out, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
                 "<title>mumtool diff</title>\n<style>%s</style></head><body>\n",
            html_style);
    fprintf(out, "<h1>mumtool diff: %zu change%s</h1>\n", n, n == 1 ? "" : "s");
    fprintf(out, "<h2>Summary</h2>\n<table><tr><th>Kind</th><th>Changes</th></tr>\n");
    for (int k = 0; k < MUM_CHANGE_KIND_COUNT; k++) {
        size_t c = mum_diff_count_kind(r, (mum_change_kind)k);
        if (c)
            fprintf(out, "<tr><td>%s</td><td>%zu</td></tr>\n", mum_change_kind_name((mum_change_kind)k), c);
    }
    fprintf(out, "<tr><th>total</th><th>%zu</th></tr></table>\n", n);
    fprintf(out, "<p>Flagged: %zu downgrade, %zu unversioned-change.%s</p>\n",
            mum_diff_count_flags(r, MUM_CHANGE_DOWNGRADE), mum_diff_count_flags(r, MUM_CHANGE_UNVERSIONED),
            n ? "" : " Identical in every compared aspect.");
    fprintf(out, "<h2>Platforms side by side</h2>\n<div class=\"sides\">\n");
    html_matrix(out, "Old", og, mum_diff_matrix(r, 0), mum_diff_matrix(r, 1), false);
    html_matrix(out, "New", ng, mum_diff_matrix(r, 1), mum_diff_matrix(r, 0), true);
    fprintf(out, "</div>\n<h2>Changes</h2>\n");
    for (size_t p = 0; p < mum_diff_pair_count(r); p++) {
        const mum_diff_pair *pair = mum_diff_pair_at(r, p);
        size_t count = 0;
        for (size_t i = 0; i < n; i++)
            count += mum_diff_change(r, i)->pair == p;
        fprintf(out, "<details%s><summary>", count ? " open" : "");
        html_text(out, pair_label(pair, label, sizeof label));
        fprintf(out, ": ");
        html_text(out, pair->old_input == SIZE_MAX ? "(none)" : base_name(mum_graph_input_at(og, pair->old_input)->path));
        fprintf(out, " &#8594; ");
        html_text(out, pair->new_input == SIZE_MAX ? "(none)" : base_name(mum_graph_input_at(ng, pair->new_input)->path));
        fprintf(out, " (%zu change%s)</summary>\n", count, count == 1 ? "" : "s");
        if (count)
            fprintf(out, "<table class=\"changes\"><tr><th></th><th>Kind</th><th>Change</th></tr>\n");
        for (size_t i = 0; i < n; i++) {
            const mum_change *c = mum_diff_change(r, i);
            if (c->pair != p)
                continue;
            char s = sign_of(c->kind);
            change_text(c, line, sizeof line);
            flags_text(c->flags, flags, sizeof flags);
            fprintf(out, "<tr class=\"%s\"><td class=\"sign\">%c</td><td><code>%s</code></td><td>",
                    s == '+' ? "added" : s == '-' ? "removed" : "changed", s, mum_change_kind_name(c->kind));
            html_text(out, line);
            if (flags[0]) {
                fprintf(out, " <span class=\"flag\">");
                html_text(out, flags);
                fprintf(out, "</span>");
            }
            if (c->old_entry || c->new_entry) {
                fprintf(out, "<details><summary>where</summary>");
                if (c->old_entry) {
                    fprintf(out, "old: <code>");
                    html_text(out, c->old_entry);
                    fprintf(out, "</code><br>");
                }
                if (c->new_entry) {
                    fprintf(out, "new: <code>");
                    html_text(out, c->new_entry);
                    fprintf(out, "</code>");
                }
                fprintf(out, "</details>");
            }
            fprintf(out, "</td></tr>\n");
        }
        fprintf(out, "%s</details>\n", count ? "</table>" : "");
    }
    fprintf(out, "</body></html>\n");
}

/* ---- the command ---- */

/* Parses --fail-on: kinds into *kinds (a bit per kind), flags into *flags. */
static int parse_fail_on(const char *list, unsigned long *kinds, unsigned *flags)
{
    char *copy = strdup(list);
    if (!copy)
        return -1;
    int rc = 0;
    for (char *save = NULL, *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        mum_change_kind k;
        unsigned f = mum_change_flag_parse(tok);
        if (f)
            *flags |= f;
        else if (mum_change_kind_parse(&k, tok) == MUM_OK)
            *kinds |= 1ul << k;
        else {
            cli_usage_error("diff", "diff: --fail-on: unknown kind or flag '%s' (mumtool diff --list-kinds)",
                            tok);
            rc = -1;
            break;
        }
    }
    free(copy);
    return rc;
}

static int list_kinds(void)
{
    for (int k = 0; k < MUM_CHANGE_KIND_COUNT; k++)
        printf("%s\n", mum_change_kind_name((mum_change_kind)k));
    printf("downgrade (flag)\nunversioned-change (flag)\n");
    return EXIT_CLEAN;
}

static int build(mum_ctx *ctx, const args *a, const unsigned char *base, size_t base_size,
                 mum_graph **out)
{
    mum_graph_options go = MUM_GRAPH_OPTIONS_INIT;
    go.base_manifest = base;
    go.base_manifest_size = base_size;
    cli_progress progress;
    cli_progress_init(&progress, "diff");
    go.progress = cli_progress_graph_cb;
    go.progress_ud = &progress;
    mum_findings *scratch = NULL;
    int rc = mum_findings_new(&scratch);
    cli_heaps_for_inputs(a->n);
    if (rc == MUM_OK)
        rc = mum_graph_build(out, ctx, a->v, a->n, &go, scratch);
    cli_progress_done(&progress);
    mum_findings_free(scratch);
    return rc;
}

/*
 * The report of a diff that could not run to the end (an input that could
 * not be read, ...), so that -o always leaves a report for a pipeline to
 * pick up: JSON with "complete": false and the error, an HTML page saying
 * it, a text line.  msg is the line printed on standard error.
 */
static void incomplete_report(FILE *out, diff_format format, const char *msg, const mum_location *loc)
{
    if (format == OUT_JSON) {
        json_writer w;
        json_init(&w, out);
        json_begin_object(&w);
        json_kv_string(&w, "tool", "mumtool diff");
        json_kv_string(&w, "version", PACKAGE_VERSION);
        json_kv_bool(&w, "complete", false);
        json_key(&w, "error");
        json_begin_object(&w);
        json_kv_string(&w, "message", msg);
        json_key(&w, "location");
        json_begin_object(&w);
        if (loc && loc->input)
            json_kv_string(&w, "input", loc->input);
        if (loc && loc->entry && *loc->entry)
            json_kv_string(&w, "entry", loc->entry);
        if (loc && loc->line)
            json_kv_uint(&w, "line", loc->line);
        if (loc && loc->line && loc->column)
            json_kv_uint(&w, "column", loc->column);
        if (loc && loc->has_offset)
            json_kv_uint(&w, "offset", loc->offset);
        json_end_object(&w);
        json_end_object(&w);
        json_kv_bool(&w, "identical", false);
        json_key(&w, "summary");
        json_begin_object(&w);
        json_kv_uint(&w, "changes", 0);
        json_key(&w, "kinds");
        json_begin_object(&w);
        json_end_object(&w);
        json_key(&w, "flags");
        json_begin_object(&w);
        json_kv_uint(&w, "downgrade", 0);
        json_kv_uint(&w, "unversioned-change", 0);
        json_end_object(&w);
        json_end_object(&w);
        json_key(&w, "pairs");
        json_begin_array(&w);
        json_end_array(&w);
        json_key(&w, "changes");
        json_begin_array(&w);
        json_end_array(&w);
        for (int side = 0; side < 2; side++) {
            json_key(&w, side ? "new" : "old");
            json_begin_object(&w);
            json_key(&w, "inputs");
            json_begin_array(&w);
            json_end_array(&w);
            json_key(&w, "matrix");
            json_begin_object(&w);
            static const char *const keys[] = {"platforms", "components", "packages"};
            for (size_t k = 0; k < 3; k++) {
                json_key(&w, keys[k]);
                json_begin_array(&w);
                json_end_array(&w);
            }
            json_end_object(&w);
            json_end_object(&w);
        }
        json_end_object(&w);
        json_finish(&w);
    } else if (format == OUT_HTML) {
        fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
              "<title>mumtool diff: incomplete</title></head><body>\n"
              "<h1>mumtool diff: incomplete</h1>\n<p class=\"error\">",
              out);
        html_text(out, msg);
        fputs("</p>\n</body></html>\n", out);
    } else {
        fprintf(out, "INCOMPLETE: %s\n", msg);
    }
}

int cmd_diff(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"old", required_argument, NULL, OPT_OLD},
        {"new", required_argument, NULL, OPT_NEW},
        {"format", required_argument, NULL, OPT_FORMAT},
        {"json", no_argument, NULL, OPT_JSON},
        {"output", required_argument, NULL, 'o'},
        {"fail-on", required_argument, NULL, OPT_FAIL_ON},
        {"cross", no_argument, NULL, OPT_CROSS},
        {"list-kinds", no_argument, NULL, OPT_LIST_KINDS},
        {"base-manifest", required_argument, NULL, OPT_BASE_MANIFEST},
        {"wcp", required_argument, NULL, OPT_WCP},
        CLI_COMMON_LONGOPTS,
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    args olds = {0}, news = {0};
    diff_format format = OUT_TEXT;
    const char *output = NULL, *base_path = NULL, *wcp = NULL;
    unsigned char *base = NULL;
    size_t base_size = 0;
    unsigned long fail_kinds = 0;
    unsigned fail_flags = 0;
    bool fail_on = false;
    mum_diff_options dopts = MUM_DIFF_OPTIONS_INIT;
    int rc = EXIT_FAIL;
    /* options before a "--"; what follows it is the NEW side */
    int sep = argc;
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--") == 0) {
            sep = i;
            break;
        }
    int c;
    optind = 0;
    opterr = 0;
    while ((c = getopt_long(sep, argv, "o:h" CLI_COMMON_SHORTOPTS, longopts, NULL)) != -1) {
        int common = cli_common_option("diff", c, optarg);
        if (common != 0) {
            if (common < 0) {
                rc = EXIT_USAGE;
                goto done;
            }
            continue;
        }
        switch (c) {
        case OPT_JSON: format = OUT_JSON; break;
        case OPT_OLD:
        case OPT_NEW:
            if (args_add(c == OPT_OLD ? &olds : &news, optarg) != 0) {
                rc = cli_fail("out of memory");
                goto done;
            }
            break;
        case OPT_FORMAT:
            if (strcmp(optarg, "text") == 0)
                format = OUT_TEXT;
            else if (strcmp(optarg, "json") == 0)
                format = OUT_JSON;
            else if (strcmp(optarg, "html") == 0)
                format = OUT_HTML;
            else {
                rc = cli_usage_error("diff", "diff: unknown format '%s' (text, json, html)", optarg);
                goto done;
            }
            break;
        case 'o': output = optarg; break;
        case OPT_FAIL_ON:
            fail_on = true;
            if (parse_fail_on(optarg, &fail_kinds, &fail_flags) != 0) {
                rc = EXIT_USAGE;
                goto done;
            }
            break;
        case OPT_CROSS: dopts.force_cross = true; break;
        case OPT_BASE_MANIFEST: base_path = optarg; break;
        case OPT_WCP: wcp = optarg; break;
        case OPT_LIST_KINDS: rc = list_kinds(); goto done;
        case 'h': rc = cli_help(diff_help); goto done;
        default:
            rc = cli_usage_error("diff", "diff: %s '%s'", optopt ? "option needs a value:" : "unknown option",
                                 argv[optind - 1]);
            goto done;
        }
    }
    size_t nops = (size_t)(sep - optind);
    char **ops = argv + optind;
    if (sep < argc) {
        if (olds.n || news.n) {
            rc = cli_usage_error("diff", "diff: use either --old/--new or '--', not both");
            goto done;
        }
        for (size_t i = 0; i < nops; i++)
            if (args_add(&olds, ops[i]) != 0)
                goto oom;
        for (int i = sep + 1; i < argc; i++)
            if (args_add(&news, argv[i]) != 0)
                goto oom;
    } else if (olds.n || news.n) {
        if (nops) {
            rc = cli_usage_error("diff", "diff: '%s': with --old/--new, give every input with one of them", ops[0]);
            goto done;
        }
    } else if (nops == 2) {
        if (args_add(&olds, ops[0]) != 0 || args_add(&news, ops[1]) != 0)
            goto oom;
    } else if (nops > 2) {
        size_t at = obvious_split(ops, nops);
        if (!at) {
            rc = cli_usage_error("diff", "diff: cannot tell the OLD inputs from the NEW ones (they are not two "
                                         "groups by folder or KB): separate them with '--'");
            goto done;
        }
        for (size_t i = 0; i < nops; i++)
            if (args_add(i < at ? &olds : &news, ops[i]) != 0)
                goto oom;
    }
    if (!olds.n || !news.n) {
        rc = cli_usage_error("diff", "diff: give an OLD and a NEW side (mumtool diff OLD NEW)");
        goto done;
    }

    if ((rc = cli_base_manifest_load("diff", base_path, wcp, &base, &base_size)) != EXIT_CLEAN)
        goto done;
    mum_ctx *ctx = NULL;
    mum_graph *og = NULL, *ng = NULL;
    mum_diff_result *res = NULL;
    FILE *out = stdout;
    if (mum_ctx_new(&ctx) != MUM_OK) {
        rc = cli_fail("out of memory");
        goto done;
    }
    /* opened first: whatever fails from here on, -o gets a report */
    if (output && !(out = fopen(output, "w"))) {
        rc = cli_fail("%s: cannot write: %s", output, strerror(errno));
        out = stdout;
        goto free_all;
    }
    if (build(ctx, &olds, base, base_size, &og) != MUM_OK ||
        build(ctx, &news, base, base_size, &ng) != MUM_OK ||
        mum_diff_graphs(&res, ctx, og, ng, &dopts) != MUM_OK) {
        rc = cli_fail_ctx(ctx);
        /* on standard output the machine formats only, as verify does */
        if (out != stdout || format != OUT_TEXT) {
            incomplete_report(out, format, cli_last_failure(), mum_ctx_location(ctx));
            fflush(out);
        }
        goto free_all;
    }
    if (format == OUT_JSON)
        json_report(out, res, og, ng);
    else if (format == OUT_HTML)
        html_report(out, res, og, ng);
    else
        text_report(out, res, og, ng, cli_opts.verbosity < 0);
    if (fflush(out) != 0 || ferror(out)) {
        rc = cli_fail("%s: write error", output ? output : "standard output");
        goto free_all;
    }
    if (!base)
        cli_base_manifest_hint(cli_graph_unread_dcm(og) + cli_graph_unread_dcm(ng));
    if (fail_on) {
        rc = EXIT_CLEAN;
        for (size_t i = 0; i < mum_diff_change_count(res); i++) {
            const mum_change *ch = mum_diff_change(res, i);
            if ((fail_kinds & (1ul << ch->kind)) || (ch->flags & fail_flags))
                rc = EXIT_FINDINGS;
        }
    } else {
        rc = mum_diff_change_count(res) ? EXIT_FINDINGS : EXIT_CLEAN;
    }
free_all:
    if (out != stdout)
        fclose(out);
    mum_diff_result_free(res);
    mum_graph_free(og);
    mum_graph_free(ng);
    mum_ctx_free(ctx);
    goto done;
oom:
    rc = cli_fail("out of memory");
done:
    free(olds.v);
    free(news.v);
    free(base);
    return rc;
}
