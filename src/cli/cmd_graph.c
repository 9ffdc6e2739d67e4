/*
 * cmd_graph.c - mumtool graph: the package graph of one or more inputs, as a
 * tree (text), for Graphviz (dot) or as JSON nodes and edges.
 */
#include "config.h"

#include "cli.h"
#include "files.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char graph_help[] =
    "Usage: mumtool graph [--format text|dot|json] [--no-files] INPUT...\n"
    "\n"
    "Show the package graph of the inputs (.msu, .cab, folders): packages, the\n"
    "sub-packages, deployments and components their updates install, the\n"
    "components' install dependencies and files, and each package's catalog.\n"
    "References that resolve to nothing are shown as missing.\n"
    "\n"
    "  text   an indented tree from each input's top-level packages (default)\n"
    "  dot    a digraph for Graphviz: mumtool graph --format dot X.msu | dot -Tsvg > g.svg\n"
    "  json   every node and edge\n"
    "\n"
    "Options:\n"
    "      --format FORMAT   text, dot or json; --json is the same as --format json\n"
    "      --no-files        leave the payload files out\n"
    "      --base-manifest FILE  read delta-compressed (DCM) manifests with Windows'\n"
    "                        base manifest FILE (default: $MUM_BASE_MANIFEST)\n"
    "      --wcp DLL         the same, with the base manifest inside wcp.dll\n"
    "  -h, --help            show this help and exit\n"
    CLI_COMMON_HELP
    "\n"
    "Exit status: 0 shown, 2 usage error, 3 an input could not be read.  The checks\n"
    "are mumtool verify's; problems met while reading are only counted here.\n";

enum { OPT_FORMAT = 256, OPT_NO_FILES, OPT_JSON, OPT_BASE_MANIFEST, OPT_WCP };
typedef enum { G_TEXT, G_DOT, G_JSON } graph_format;

static const char *node_label(const mum_node *n, char *buf, size_t size)
{
    if ((n->kind == MUM_NODE_PACKAGE || n->kind == MUM_NODE_COMPONENT) && n->id)
        snprintf(buf, size, "%s %s %s", n->id->name ? n->id->name : "?",
                 n->id->version ? n->id->version : "", n->id->arch ? n->id->arch : "");
    else
        snprintf(buf, size, "%s", n->name);
    return buf;
}

static const char *ref_label(const mum_identity *id, char *buf, size_t size)
{
    snprintf(buf, size, "%s %s %s", id && id->name ? id->name : "?",
             id && id->version ? id->version : "", id && id->arch ? id->arch : "");
    return buf;
}

/* ---- text ---- */

static void text_node(const mum_graph *g, const mum_node *n, int depth, bool files, unsigned char *on_path)
{
    char label[1024];
    for (size_t k = 0; k < n->edge_count; k++) {
        const mum_edge *e = &n->edges[k];
        if (e->kind == MUM_EDGE_FILE && !files)
            continue;
        printf("%*s%s ", depth * 2, "", mum_edge_kind_name(e->kind));
        if (!e->to) {
            if (e->kind == MUM_EDGE_FILE)
                printf("%s  [missing]\n", e->file);
            else if (e->kind == MUM_EDGE_CATALOG)
                printf("[missing]\n");
            else
                printf("%s  [missing%s]\n", ref_label(e->ref, label, sizeof label),
                       e->other_version ? ": another version is there" : "");
            continue;
        }
        if (e->kind == MUM_EDGE_CATALOG) {
            printf("%s  [%s]\n", e->to->name,
                   e->to->cat->integrity_done ? mum_sig_status_name(e->to->cat->integrity.status)
                                              : "unreadable");
            continue;
        }
        if (e->kind == MUM_EDGE_FILE) {
            printf("%s%s\n", e->file, e->to->express_delta ? "  [delta only]" : "");
            continue;
        }
        printf("%s%s%s\n", node_label(e->to, label, sizeof label),
               e->to->deployment ? "  (deployment)" : "", on_path[e->to->index] ? "  [cycle]" : "");
        if (on_path[e->to->index])
            continue;
        on_path[e->to->index] = 1;
        text_node(g, e->to, depth + 1, files, on_path);
        on_path[e->to->index] = 0;
    }
}

static void text_graph(const mum_graph *g, bool files)
{
    unsigned char *on_path = calloc(mum_graph_node_count(g) + 1, 1);
    if (!on_path)
        return;
    char label[1024];
    for (size_t i = 0; i < mum_graph_input_count(g); i++) {
        const mum_graph_input *in = mum_graph_input_at(g, i);
        printf("%s (%s%s%s)\n", in->path, in->kind ? in->kind : "?", *in->platform ? ", " : "",
               in->platform);
        for (size_t k = 0; k < mum_graph_node_count(g); k++) {
            const mum_node *n = mum_graph_node(g, k);
            if (n->input != i || n->kind != MUM_NODE_PACKAGE || n->in_count)
                continue;
            printf("  package %s\n", node_label(n, label, sizeof label));
            on_path[n->index] = 1;
            text_node(g, n, 2, files, on_path);
            on_path[n->index] = 0;
        }
    }
    free(on_path);
}

/* ---- dot ---- */

static void dot_string(const char *s)
{
    putchar('"');
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            putchar('\\');
        if ((unsigned char)*s < 0x20)
            continue;
        putchar(*s);
    }
    putchar('"');
}

/*
 * The legend, a cluster of its own so that Graphviz draws it in a box
 * apart: one sample node per node kind (with the shape the graph gives
 * it), one sample edge per edge kind shown, and the colour of what is a
 * finding (red: a reference whose target is missing).  Its node names
 * start with "legend_" so they cannot meet the graph's n<N> and m<N>.
 */
static void dot_legend(bool files)
{
    static const struct {
        const char *id, *shape, *style, *label;
    } kinds[] = {
        {"package", "box", NULL, "package (.mum)"},
        {"component", "ellipse", NULL, "component (.manifest)"},
        {"deployment", "ellipse", "dashed", "deployment (.manifest)"},
        {"catalog", "note", NULL, "catalog (.cat)"},
        {"payload", "plaintext", NULL, "file (payload)"},
    };
    static const mum_edge_kind edges[] = {MUM_EDGE_PACKAGE,    MUM_EDGE_COMPONENT, MUM_EDGE_DRIVER,
                                          MUM_EDGE_DEPENDENCY, MUM_EDGE_FILE,      MUM_EDGE_CATALOG};
    printf("  subgraph cluster_legend {\n    label=\"Legend\";\n    style=rounded;\n"
           "    color=gray50;\n    fontname=\"Helvetica\";\n");
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        if (strcmp(kinds[i].id, "payload") == 0 && !files)
            continue;
        printf("    legend_node_%s [shape=%s%s%s, label=\"%s\"];\n", kinds[i].id, kinds[i].shape,
               kinds[i].style ? ", style=" : "", kinds[i].style ? kinds[i].style : "", kinds[i].label);
    }
    for (size_t i = 0; i < sizeof edges / sizeof edges[0]; i++) {
        if (edges[i] == MUM_EDGE_FILE && !files)
            continue;
        const char *name = mum_edge_kind_name(edges[i]);
        printf("    \"legend_edge_%s_a\" [shape=point, width=0.05];\n"
               "    \"legend_edge_%s_b\" [shape=point, width=0.05];\n"
               "    \"legend_edge_%s_a\" -> \"legend_edge_%s_b\" [label=\"%s\"];\n",
               name, name, name, name, name);
    }
    /* the samples' tails in one column, in the order above (an invisible
     * chain; in a rankdir=LR column it runs bottom to top): without it
     * dot orders heads and tails apart and the sample edges cross */
    printf("    { rank=same; legend_finding_from;");
    for (size_t i = sizeof edges / sizeof edges[0]; i-- > 0;)
        if (edges[i] != MUM_EDGE_FILE || files)
            printf(" \"legend_edge_%s_a\";", mum_edge_kind_name(edges[i]));
    printf(" }\n    legend_finding_from");
    for (size_t i = sizeof edges / sizeof edges[0]; i-- > 0;)
        if (edges[i] != MUM_EDGE_FILE || files)
            printf(" -> \"legend_edge_%s_a\"", mum_edge_kind_name(edges[i]));
    printf(" [style=invis];\n");
    printf("    legend_finding [shape=box, style=dashed, color=red, fontcolor=red, "
           "label=\"red: a finding (missing target)\"];\n"
           "    legend_finding_from [shape=point, width=0.05];\n"
           "    legend_finding_from -> legend_finding [color=red, label=\"reference\"];\n"
           "  }\n");
}

static void dot_graph(const mum_graph *g, bool files)
{
    char label[1024];
    printf("digraph packages {\n  rankdir=LR;\n  node [fontname=\"Helvetica\", fontsize=10];\n");
    for (size_t i = 0; i < mum_graph_input_count(g); i++) {
        const mum_graph_input *in = mum_graph_input_at(g, i);
        printf("  subgraph cluster_%zu {\n    label=", i);
        dot_string(in->path);
        printf(";\n");
        for (size_t k = 0; k < mum_graph_node_count(g); k++) {
            const mum_node *n = mum_graph_node(g, k);
            if (n->input != i || (n->kind == MUM_NODE_PAYLOAD && (!files || !n->in_count)))
                continue;
            const char *shape = n->kind == MUM_NODE_PACKAGE   ? "box"
                                : n->kind == MUM_NODE_CATALOG ? "note"
                                : n->kind == MUM_NODE_PAYLOAD ? "plaintext"
                                                              : "ellipse";
            printf("    n%zu [shape=%s%s, label=", k, shape, n->deployment ? ", style=dashed" : "");
            dot_string(node_label(n, label, sizeof label));
            printf("];\n");
        }
        printf("  }\n");
    }
    dot_legend(files);
    size_t missing = 0;
    for (size_t k = 0; k < mum_graph_node_count(g); k++) {
        const mum_node *n = mum_graph_node(g, k);
        for (size_t j = 0; j < n->edge_count; j++) {
            const mum_edge *e = &n->edges[j];
            if (e->kind == MUM_EDGE_FILE && !files)
                continue;
            if (e->to) {
                printf("  n%zu -> n%zu [label=\"%s\"];\n", k, (size_t)e->to->index, mum_edge_kind_name(e->kind));
            } else {
                printf("  m%zu [shape=box, style=dashed, color=red, fontcolor=red, label=", missing);
                if (e->kind == MUM_EDGE_FILE)
                    snprintf(label, sizeof label, "missing: %s", e->file);
                else if (e->kind == MUM_EDGE_CATALOG)
                    snprintf(label, sizeof label, "missing catalog");
                else {
                    char ref[900];
                    snprintf(label, sizeof label, "missing: %s", ref_label(e->ref, ref, sizeof ref));
                }
                dot_string(label);
                printf("];\n  n%zu -> m%zu [color=red, label=\"%s\"];\n", k, missing,
                       mum_edge_kind_name(e->kind));
                missing++;
            }
        }
    }
    printf("}\n");
}

/* ---- JSON ---- */

static void json_graph(const mum_graph *g, bool files)
{
    json_writer w;
    json_init(&w, stdout);
    json_begin_object(&w);
    json_key(&w, "inputs");
    json_begin_array(&w);
    for (size_t i = 0; i < mum_graph_input_count(g); i++) {
        const mum_graph_input *in = mum_graph_input_at(g, i);
        json_begin_object(&w);
        cli_json_input_fields(&w, in);
        json_end_object(&w);
    }
    json_end_array(&w);
    json_key(&w, "nodes");
    json_begin_array(&w);
    for (size_t k = 0; k < mum_graph_node_count(g); k++) {
        const mum_node *n = mum_graph_node(g, k);
        if (n->kind == MUM_NODE_PAYLOAD && !files)
            continue;
        json_begin_object(&w);
        json_kv_uint(&w, "id", k);
        json_kv_string(&w, "kind", mum_node_kind_name(n->kind));
        json_kv_uint(&w, "input", n->input);
        json_kv_string(&w, "entry", n->entry);
        if (n->id) {
            json_key(&w, "identity");
            json_begin_object(&w);
            cli_json_identity_fields(&w, n->id);
            json_end_object(&w);
        }
        if (n->deployment)
            json_kv_bool(&w, "deployment", true);
        if (n->cat)
            json_kv_string(&w, "signature",
                           n->cat->integrity_done ? mum_sig_status_name(n->cat->integrity.status) : NULL);
        json_key(&w, "edges");
        json_begin_array(&w);
        for (size_t j = 0; j < n->edge_count; j++) {
            const mum_edge *e = &n->edges[j];
            if (e->kind == MUM_EDGE_FILE && !files)
                continue;
            json_begin_object(&w);
            json_kv_string(&w, "kind", mum_edge_kind_name(e->kind));
            if (e->to)
                json_kv_uint(&w, "to", e->to->index);
            else
                json_kv_bool(&w, "missing", true);
            if (e->ref) {
                json_key(&w, "ref");
                json_begin_object(&w);
                cli_json_identity_fields(&w, e->ref);
                json_end_object(&w);
            }
            if (e->file)
                json_kv_string(&w, "file", e->file);
            if (e->update)
                json_kv_string(&w, "update", e->update);
            json_end_object(&w);
        }
        json_end_array(&w);
        json_end_object(&w);
    }
    json_end_array(&w);
    json_end_object(&w);
    json_finish(&w);
}

int cmd_graph(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"format", required_argument, NULL, OPT_FORMAT},
        {"json", no_argument, NULL, OPT_JSON},
        {"no-files", no_argument, NULL, OPT_NO_FILES},
        {"base-manifest", required_argument, NULL, OPT_BASE_MANIFEST},
        {"wcp", required_argument, NULL, OPT_WCP},
        CLI_COMMON_LONGOPTS,
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    graph_format format = G_TEXT;
    bool files = true;
    const char *base_path = NULL, *wcp = NULL;
    int c;
    optind = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h" CLI_COMMON_SHORTOPTS, longopts, NULL)) != -1) {
        int common = cli_common_option("graph", c, optarg);
        if (common != 0) {
            if (common < 0)
                return EXIT_USAGE;
            continue;
        }
        switch (c) {
        case OPT_JSON: format = G_JSON; break;
        case OPT_FORMAT:
            if (strcmp(optarg, "text") == 0)
                format = G_TEXT;
            else if (strcmp(optarg, "dot") == 0)
                format = G_DOT;
            else if (strcmp(optarg, "json") == 0)
                format = G_JSON;
            else
                return cli_usage_error("graph", "graph: unknown format '%s' (text, dot, json)", optarg);
            break;
        case OPT_NO_FILES: files = false; break;
        case OPT_BASE_MANIFEST: base_path = optarg; break;
        case OPT_WCP: wcp = optarg; break;
        case 'h': return cli_help(graph_help);
        default:
            return cli_usage_error("graph", "graph: %s '%s'",
                                   optopt ? "option needs a value:" : "unknown option", argv[optind - 1]);
        }
    }
    if (optind >= argc)
        return cli_usage_error("graph", "graph: no INPUT given");
    mum_ctx *ctx = NULL;
    mum_findings *findings = NULL;
    mum_graph *g = NULL;
    int rc = EXIT_CLEAN;
    mum_graph_options go = MUM_GRAPH_OPTIONS_INIT;
    cli_progress progress;
    cli_progress_init(&progress, "graph");
    go.progress = cli_progress_graph_cb;
    go.progress_ud = &progress;
    unsigned char *base = NULL; /* borrowed by the graph while it builds */
    if ((rc = cli_base_manifest_load("graph", base_path, wcp, &base, &go.base_manifest_size)) != EXIT_CLEAN)
        return rc;
    go.base_manifest = base;
    cli_heaps_for_inputs((size_t)(argc - optind));
    if (mum_ctx_new(&ctx) != MUM_OK || mum_findings_new(&findings) != MUM_OK) {
        rc = cli_fail("out of memory");
    } else if (mum_graph_build(&g, ctx, (const char *const *)argv + optind, (size_t)(argc - optind), &go,
                               findings) != MUM_OK ||
               mum_verify_read_facts(ctx, g, findings) != MUM_OK) {
        cli_progress_done(&progress);
        rc = cli_fail_ctx(ctx);
    } else {
        cli_progress_done(&progress);
        if (format == G_DOT)
            dot_graph(g, files);
        else if (format == G_JSON)
            json_graph(g, files);
        else
            text_graph(g, files);
        size_t problems = mum_findings_count_at_least(findings, MUM_SEVERITY_WARNING);
        if (problems)
            cli_warn("%zu problem%s met while reading; 'mumtool verify' reports them", problems,
                     problems == 1 ? "" : "s");
        if (!base)
            cli_base_manifest_hint(cli_graph_unread_dcm(g));
        if (fflush(stdout) != 0)
            rc = cli_fail("standard output: write error");
    }
    mum_graph_free(g);
    mum_findings_free(findings);
    mum_ctx_free(ctx);
    free(base);
    return rc;
}
