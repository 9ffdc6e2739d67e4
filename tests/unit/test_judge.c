/*
 * test_judge.c - the judge step (mum_verify_graph and its rule families,
 * src/lib/judge_*.c) and the matrix (mum/matrix.h) on small models built
 * by hand: manifests parsed from text written here, payload bytes and
 * catalogs made in memory (mum_cat_builder), nodes put together with the
 * graph's internal builder (graph_internal.h).  No container is read.
 *
 * Each rule family has a clean model with no finding of its family and a
 * model with one thing wrong that gives its finding.
 */
#include "testutil.h"

#include "graph_internal.h"

#include <mum/graph.h>
#include <mum/matrix.h>
#include <mum/verify.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PKT "31bf3856ad364e35"

typedef struct model {
    mum_ctx *ctx;
    mum_graph *g;
    mum_findings *read;     /* what building the graph gave */
    mum_findings *f;        /* what verify gave */
    mum_verify_result *r;
} model;

static void model_new(model *m, const char *const *inputs, size_t n)
{
    memset(m, 0, sizeof *m);
    cr_assert_eq(mum_ctx_new(&m->ctx), MUM_OK);
    cr_assert_eq(mum_findings_new(&m->read), MUM_OK);
    cr_assert_eq(mum_findings_new(&m->f), MUM_OK);
    cr_assert_eq(mum__graph_new(&m->g, inputs, n), MUM_OK);
}

static void model_free(model *m)
{
    mum_verify_result_free(m->r);
    mum_graph_free(m->g);
    mum_findings_free(m->read);
    mum_findings_free(m->f);
    mum_ctx_free(m->ctx);
}

/* Resolves the model and judges it (opts may be NULL). */
static void judge(model *m, const mum_verify_options *opts)
{
    cr_assert_eq(mum__graph_finish(m->g), MUM_OK);
    cr_assert_eq(mum_verify_graph(&m->r, m->ctx, m->g, opts, m->f), MUM_OK, "%s", mum_ctx_message(m->ctx));
}

static size_t count(const mum_findings *f, const char *id)
{
    size_t n = 0;
    for (size_t i = 0; i < mum_findings_count(f); i++)
        n += strcmp(mum_findings_get(f, i)->rule->id, id) == 0;
    return n;
}

/* Findings whose id starts with prefix ("matrix."). */
static size_t count_family(const mum_findings *f, const char *prefix)
{
    size_t n = 0;
    for (size_t i = 0; i < mum_findings_count(f); i++)
        n += strncmp(mum_findings_get(f, i)->rule->id, prefix, strlen(prefix)) == 0;
    return n;
}

static const mum_finding *first(const mum_findings *f, const char *id)
{
    for (size_t i = 0; i < mum_findings_count(f); i++)
        if (strcmp(mum_findings_get(f, i)->rule->id, id) == 0)
            return mum_findings_get(f, i);
    return NULL;
}

static node_priv *add_text(model *m, size_t input, mum_node_kind kind, const char *entry, const char *text)
{
    node_priv *n = mum__graph_node_new(m->g, kind, input, entry);
    cr_assert_not_null(n);
    cr_assert_eq(mum__graph_node_bytes(n, text, strlen(text)), MUM_OK);
    if (kind == MUM_NODE_PACKAGE || kind == MUM_NODE_COMPONENT) {
        mum_manifest *man = NULL;
        mum_location loc = {.input = mum_graph_input_at(m->g, input)->path, .entry = entry};
        cr_assert_eq(mum_manifest_parse(&man, m->ctx, &loc, NULL, text, strlen(text)), MUM_OK, "%s: %s", entry,
                     mum_ctx_message(m->ctx));
        mum__graph_node_manifest(n, man);
    }
    return n;
}

/* A package installing the components `comps` ("name arch version", NULL-ended) and packages `pkgs`. */
static node_priv *add_package(model *m, size_t input, const char *entry, const char *name, const char *arch,
                              const char *const *comps, const char *const *pkgs)
{
    char text[8192];
    int len = snprintf(text, sizeof text,
                       "<?xml version=\"1.0\" encoding=\"utf-8\"?>"
                       "<assembly xmlns=\"urn:schemas-microsoft-com:asm.v3\" manifestVersion=\"1.0\">"
                       "<assemblyIdentity name=\"%s\" version=\"6.0.1.0\" language=\"neutral\" "
                       "processorArchitecture=\"%s\" publicKeyToken=\"" PKT "\"/>"
                       "<package identifier=\"KB1\" releaseType=\"Hotfix\">",
                       name, arch);
    for (size_t i = 0; comps && comps[i]; i++) {
        char cn[128], ca[32], cv[32];
        cr_assert_eq(sscanf(comps[i], "%127s %31s %31s", cn, ca, cv), 3);
        len += snprintf(text + len, sizeof text - (size_t)len,
                        "<update name=\"u%zu\"><component><assemblyIdentity name=\"%s\" version=\"%s\" "
                        "processorArchitecture=\"%s\" language=\"neutral\" publicKeyToken=\"" PKT "\" "
                        "versionScope=\"nonSxS\"/></component></update>",
                        i, cn, cv, ca);
    }
    for (size_t i = 0; pkgs && pkgs[i]; i++)
        len += snprintf(text + len, sizeof text - (size_t)len,
                        "<update name=\"p%zu\"><package integrate=\"hidden\"><assemblyIdentity name=\"%s\" "
                        "version=\"6.0.1.0\" language=\"neutral\" processorArchitecture=\"%s\" "
                        "publicKeyToken=\"" PKT "\"/></package></update>",
                        i, pkgs[i], arch);
    snprintf(text + len, sizeof text - (size_t)len, "</package></assembly>");
    return add_text(m, input, MUM_NODE_PACKAGE, entry, text);
}

/* A component whose one file `file` (NULL: none) has the SHA-256 of `bytes`. */
static node_priv *add_component(model *m, size_t input, const char *entry, const char *name, const char *arch,
                                const char *version, const char *file, const char *bytes)
{
    char text[4096], b64[64] = "";
    int len = snprintf(text, sizeof text,
                       "<?xml version=\"1.0\" encoding=\"utf-8\"?>"
                       "<assembly xmlns=\"urn:schemas-microsoft-com:asm.v3\" manifestVersion=\"1.0\">"
                       "<assemblyIdentity name=\"%s\" version=\"%s\" processorArchitecture=\"%s\" "
                       "language=\"neutral\" publicKeyToken=\"" PKT "\" versionScope=\"nonSxS\"/>",
                       name, version, arch);
    if (file) {
        uint8_t d[32];
        cr_assert_eq(mum_hash_buffer(d, MUM_HASH_SHA256, bytes, strlen(bytes)), MUM_OK);
        mum_base64_encode(b64, d, 32);
        len += snprintf(text + len, sizeof text - (size_t)len,
                        "<file name=\"%s\" destinationPath=\"$(runtime.system32)\\\" sourceName=\"%s\">"
                        "<asmv2:hash xmlns:asmv2=\"urn:schemas-microsoft-com:asm.v2\">"
                        "<dsig:Transforms xmlns:dsig=\"http://www.w3.org/2000/09/xmldsig#\">"
                        "<dsig:Transform Algorithm=\"urn:schemas-microsoft-com:HashTransforms.Identity\"/>"
                        "</dsig:Transforms>"
                        "<dsig:DigestMethod xmlns:dsig=\"http://www.w3.org/2000/09/xmldsig#\" "
                        "Algorithm=\"http://www.w3.org/2000/09/xmldsig#sha256\"/>"
                        "<dsig:DigestValue xmlns:dsig=\"http://www.w3.org/2000/09/xmldsig#\">%s</dsig:DigestValue>"
                        "</asmv2:hash></file>",
                        file, file, b64);
    }
    snprintf(text + len, sizeof text - (size_t)len, "</assembly>");
    return add_text(m, input, MUM_NODE_COMPONENT, entry, text);
}

static node_priv *add_payload(model *m, size_t input, const char *entry, const char *bytes)
{
    return add_text(m, input, MUM_NODE_PAYLOAD, entry, bytes);
}

/* An unsigned catalog listing the nodes `members` (NULL-ended) by their digests. */
static node_priv *add_catalog(model *m, size_t input, const char *entry, node_priv *const *members)
{
    mum_cat_builder *b;
    cr_assert_eq(mum_cat_builder_new(&b, m->ctx, 2), MUM_OK);
    mum_cat_builder_set_time(b, 1700000000);
    for (size_t i = 0; members && members[i]; i++) {
        mum_cat_digests d;
        memset(&d, 0, sizeof d);
        memcpy(d.sha1, members[i]->pub.digests.sha1, 20);
        memcpy(d.sha256, members[i]->pub.digests.sha256, 32);
        size_t file;
        cr_assert_eq(mum_cat_builder_add(&file, m->ctx, b, &d), MUM_OK);
    }
    uint8_t *der;
    size_t len;
    cr_assert_eq(mum_cat_builder_finish(&der, &len, m->ctx, b, NULL, NULL), MUM_OK, "%s", mum_ctx_message(m->ctx));
    mum_cat_builder_free(b);
    node_priv *n = mum__graph_node_new(m->g, MUM_NODE_CATALOG, input, entry);
    cr_assert_not_null(n);
    cr_assert_eq(mum__graph_node_read_catalog(m->ctx, n, der, len), MUM_OK, "%s", mum_ctx_message(m->ctx));
    mum_free(der);
    return n;
}

static const char *const one_input[] = {"in.cab"};

/* A package p installing component c (whose file a.dll is there), each listed in p's catalog. */
static void clean_package(model *m, size_t input, const char *arch, bool catalog)
{
    const char *comps[2] = {NULL, NULL};
    char comp[128];
    snprintf(comp, sizeof comp, "Contoso-C %s 1.0.0.0", arch);
    comps[0] = comp;
    node_priv *p = add_package(m, input, "p.mum", "Package_1", arch, comps, NULL);
    node_priv *c = add_component(m, input, "c.manifest", "Contoso-C", arch, "1.0.0.0", "a.dll", "bytes of a");
    node_priv *a = add_payload(m, input, "c/a.dll", "bytes of a");
    if (catalog) {
        node_priv *members[] = {p, c, a, NULL};
        add_catalog(m, input, "p.cat", members);
    }
}

/* ---- closure ---- */

Test(judge_closure, a_complete_model_has_no_closure_finding)
{
    model m;
    model_new(&m, one_input, 1);
    clean_package(&m, 0, "x86", true);
    judge(&m, NULL);
    cr_assert_eq(count_family(m.f, "graph."), 0);
    cr_assert_eq(count(m.f, "payload.missing"), 0);
    for (size_t i = 0; i < mum_graph_node_count(m.g); i++)
        cr_assert(mum_verify_reached(m.r, mum_graph_node(m.g, i)), "%s", mum_graph_node(m.g, i)->entry);
    model_free(&m);
}

Test(judge_closure, a_missing_reference)
{
    model m;
    model_new(&m, one_input, 1);
    const char *comps[] = {"Contoso-Gone x86 1.0.0.0", NULL};
    add_package(&m, 0, "p.mum", "Package_1", "x86", comps, NULL);
    judge(&m, NULL);
    cr_assert_eq(count(m.f, "graph.missing-component"), 1);
    cr_assert_not_null(strstr(first(m.f, "graph.missing-component")->message, "Contoso-Gone"));
    model_free(&m);
}

Test(judge_closure, a_reference_to_another_version)
{
    model m;
    model_new(&m, one_input, 1);
    const char *comps[] = {"Contoso-C x86 2.0.0.0", NULL};
    add_package(&m, 0, "p.mum", "Package_1", "x86", comps, NULL);
    add_component(&m, 0, "c.manifest", "Contoso-C", "x86", "1.0.0.0", NULL, NULL);
    judge(&m, NULL);
    cr_assert_eq(count(m.f, "graph.wrong-version"), 1);
    cr_assert_eq(count(m.f, "graph.missing-component"), 0);
    model_free(&m);
}

Test(judge_closure, a_cycle_between_packages)
{
    model m;
    model_new(&m, one_input, 1);
    const char *to2[] = {"Package_2", NULL}, *to1[] = {"Package_1", NULL};
    add_package(&m, 0, "Package_1.mum", "Package_1", "x86", NULL, to2);
    add_package(&m, 0, "Package_2.mum", "Package_2", "x86", NULL, to1);
    judge(&m, NULL);
    cr_assert_geq(count(m.f, "graph.cycle"), 1);
    cr_assert_not_null(strstr(first(m.f, "graph.cycle")->message, "->"));
    model_free(&m);
}

Test(judge_closure, orphans_are_what_no_package_reaches)
{
    model m;
    model_new(&m, one_input, 1);
    clean_package(&m, 0, "x86", true);
    node_priv *o = add_component(&m, 0, "lonely.manifest", "Contoso-Lonely", "x86", "1.0.0.0", NULL, NULL);
    add_payload(&m, 0, "stray.dll", "stray");
    judge(&m, NULL);
    cr_assert_eq(count(m.f, "graph.orphan-manifest"), 1);
    cr_assert_eq(count(m.f, "graph.orphan-payload"), 1);
    cr_assert_not(mum_verify_reached(m.r, &o->pub));
    model_free(&m);
}

/* ---- trust ---- */

Test(judge_trust, a_package_without_catalog)
{
    model m;
    model_new(&m, one_input, 1);
    clean_package(&m, 0, "x86", false);
    judge(&m, NULL);
    cr_assert_eq(count(m.f, "trust.missing-catalog"), 1);
    model_free(&m);
}

Test(judge_trust, a_catalog_listing_everything_covers_the_package)
{
    model m;
    model_new(&m, one_input, 1);
    clean_package(&m, 0, "x86", true);
    judge(&m, NULL);
    cr_assert_eq(count(m.f, "trust.missing-catalog"), 0);
    cr_assert_eq(count(m.f, "trust.mum-not-in-catalog"), 0);
    cr_assert_eq(count(m.f, "trust.manifest-not-in-catalog"), 0);
    cr_assert_eq(count(m.f, "trust.payload-not-in-catalog"), 0);
    model_free(&m);
}

Test(judge_trust, a_catalog_that_does_not_cover)
{
    model m;
    model_new(&m, one_input, 1);
    const char *comps[] = {"Contoso-C x86 1.0.0.0", NULL};
    node_priv *p = add_package(&m, 0, "p.mum", "Package_1", "x86", comps, NULL);
    add_component(&m, 0, "c.manifest", "Contoso-C", "x86", "1.0.0.0", "a.dll", "bytes of a");
    node_priv *a = add_payload(&m, 0, "c/a.dll", "bytes of a");
    (void)p;
    node_priv *members[] = {a, NULL}; /* neither the .mum nor the manifest */
    add_catalog(&m, 0, "p.cat", members);
    judge(&m, NULL);
    cr_assert_eq(count(m.f, "trust.mum-not-in-catalog"), 1);
    cr_assert_eq(count(m.f, "trust.manifest-not-in-catalog"), 1);
    cr_assert_eq(count(m.f, "trust.payload-not-in-catalog"), 0);
    model_free(&m);
}

/* Reading checks a signature's integrity and says nothing of it; the
 * judge says what it amounts to. */
Test(judge_trust, signatures_are_judged_not_read)
{
    model m;
    model_new(&m, one_input, 1);
    clean_package(&m, 0, "x86", true);
    const mum_node *cat = NULL;
    for (size_t i = 0; i < mum_graph_node_count(m.g); i++)
        if (mum_graph_node(m.g, i)->kind == MUM_NODE_CATALOG)
            cat = mum_graph_node(m.g, i);
    cr_assert_not_null(cat);
    cr_assert_not_null(cat->cat);
    cr_assert(cat->cat->integrity_done);
    cr_assert_eq(cat->cat->integrity.status, MUM_SIG_UNSIGNED);
    judge(&m, NULL);
    cr_assert_eq(count_family(m.read, "signature."), 0);
    cr_assert_eq(count(m.f, "signature.unsigned"), 1);
    const mum_sig_result *v = mum_verify_catalog_signature(m.r, cat);
    cr_assert_not_null(v);
    cr_assert_eq(v->status, MUM_SIG_UNSIGNED);
    /* the verdicts are kept for the catalogs alone: no other node has one */
    for (size_t i = 0; i < mum_graph_node_count(m.g); i++)
        if (mum_graph_node(m.g, i) != cat)
            cr_assert_null(mum_verify_catalog_signature(m.r, mum_graph_node(m.g, i)));
    model_free(&m);
}

/* ---- payloads ---- */

Test(judge_payloads, files_that_match_their_digests)
{
    model m;
    model_new(&m, one_input, 1);
    clean_package(&m, 0, "x86", true);
    judge(&m, NULL);
    cr_assert_eq(count_family(m.f, "payload."), 0);
    model_free(&m);
}

Test(judge_payloads, a_digest_mismatch)
{
    model m;
    model_new(&m, one_input, 1);
    const char *comps[] = {"Contoso-C x86 1.0.0.0", NULL};
    add_package(&m, 0, "p.mum", "Package_1", "x86", comps, NULL);
    add_component(&m, 0, "c.manifest", "Contoso-C", "x86", "1.0.0.0", "a.dll", "bytes of a");
    add_payload(&m, 0, "c/a.dll", "other bytes");
    judge(&m, NULL);
    cr_assert_eq(count(m.f, "payload.digest-mismatch"), 1);
    cr_assert_not_null(strstr(first(m.f, "payload.digest-mismatch")->message, "a.dll"));
    model_free(&m);
}

Test(judge_payloads, a_missing_payload)
{
    model m;
    model_new(&m, one_input, 1);
    const char *comps[] = {"Contoso-C x86 1.0.0.0", NULL};
    add_package(&m, 0, "p.mum", "Package_1", "x86", comps, NULL);
    add_component(&m, 0, "c.manifest", "Contoso-C", "x86", "1.0.0.0", "a.dll", "bytes of a");
    judge(&m, NULL);
    cr_assert_eq(count(m.f, "payload.missing"), 1);
    cr_assert_eq(count(m.f, "payload.digest-mismatch"), 0);
    model_free(&m);
}

/* ---- the matrix ---- */

static const char *const two_inputs[] = {"x86.cab", "x64.cab"};

/* x86: the package installs C (x86); amd64: C (amd64) and, unless
 * no_wow64, C (wow64); unless no_native64, that is. */
static void platform_pair(model *m, bool no_wow64, bool no_native64)
{
    const char *x86[] = {"Contoso-C x86 1.0.0.0", NULL};
    add_package(m, 0, "p.mum", "Package_1", "x86", x86, NULL);
    add_component(m, 0, "c.manifest", "Contoso-C", "x86", "1.0.0.0", NULL, NULL);
    const char *x64[3] = {NULL, NULL, NULL};
    size_t k = 0;
    if (!no_native64)
        x64[k++] = "Contoso-C amd64 1.0.0.0";
    if (!no_wow64)
        x64[k++] = "Contoso-C wow64 1.0.0.0";
    add_package(m, 1, "p.mum", "Package_1", "amd64", x64, NULL);
    if (!no_native64)
        add_component(m, 1, "c.manifest", "Contoso-C", "amd64", "1.0.0.0", NULL, NULL);
    if (!no_wow64)
        add_component(m, 1, "w.manifest", "Contoso-C", "wow64", "1.0.0.0", NULL, NULL);
}

Test(judge_matrix, a_complete_matrix)
{
    model m;
    model_new(&m, two_inputs, 2);
    platform_pair(&m, false, false);
    judge(&m, NULL);
    cr_assert_eq(count_family(m.f, "matrix."), 0);
    const mum_matrix *mx = mum_verify_matrix(m.r);
    cr_assert_eq(mx->columns, 2);
    cr_assert_str_eq(mx->platforms[0], "x86");
    cr_assert_str_eq(mx->platforms[1], "amd64");
    cr_assert_eq(mx->component_count, 2); /* C native, C wow64 */
    cr_assert_eq(mx->package_count, 1);
    for (size_t r = 0; r < mx->component_count; r++) {
        const mum_matrix_row *row = &mx->components[r];
        cr_assert_str_eq(row->name, "Contoso-C");
        if (row->part == MUM_PART_NATIVE) {
            cr_assert_not_null(row->cells[0].node);
            cr_assert_not_null(row->cells[1].node);
        } else {
            cr_assert_eq(row->part, MUM_PART_WOW64);
            cr_assert_null(row->cells[0].node);
            cr_assert_str_eq(row->cells[1].version, "1.0.0.0");
        }
    }
    model_free(&m);
}

Test(judge_matrix, a_missing_wow64_part)
{
    model m;
    model_new(&m, two_inputs, 2);
    platform_pair(&m, true, false);
    judge(&m, NULL);
    cr_assert_eq(count(m.f, "matrix.no-wow64-part"), 1);
    cr_assert_eq(count(m.f, "matrix.missing-counterpart"), 0);
    model_free(&m);
}

Test(judge_matrix, a_missing_architecture)
{
    model m;
    model_new(&m, two_inputs, 2);
    platform_pair(&m, false, true);
    judge(&m, NULL);
    cr_assert_eq(count(m.f, "matrix.missing-counterpart"), 1);
    const mum_finding *f = first(m.f, "matrix.missing-counterpart");
    cr_assert_str_eq(f->loc.input, "x64.cab");
    cr_assert_not_null(strstr(f->message, "Contoso-C is in x86.cab (x86) but not in x64.cab (amd64)"), "%s",
                       f->message);
    model_free(&m);
}

Test(judge_matrix, a_policy_explains_a_difference)
{
    char path[] = "/tmp/test_judge_policyXXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    static const char policy[] = "[expect]\nmissing-component Contoso-C on amd64 = not on amd64\n";
    cr_assert_eq(write(fd, policy, sizeof policy - 1), (ssize_t)(sizeof policy - 1));
    close(fd);
    model m;
    model_new(&m, two_inputs, 2);
    platform_pair(&m, false, true);
    mum_policy *p = NULL;
    int rc = mum_policy_load(&p, m.ctx, path);
    unlink(path);
    cr_assert_eq(rc, MUM_OK, "%s", mum_ctx_message(m.ctx));
    mum_verify_options vo = MUM_VERIFY_OPTIONS_INIT;
    vo.policy = p;
    judge(&m, &vo);
    cr_assert_eq(count(m.f, "matrix.missing-counterpart"), 0);
    cr_assert_eq(count(m.f, "matrix.expected-difference"), 1);
    const mum_matrix *mx = mum_verify_matrix(m.r);
    bool explained = false;
    for (size_t r = 0; r < mx->component_count; r++)
        if (mx->components[r].part == MUM_PART_NATIVE && mx->components[r].cells[1].expected)
            explained = strcmp(mx->components[r].cells[1].expected, "not on amd64") == 0;
    cr_assert(explained);
    mum_policy_free(p);
    model_free(&m);
}

/* diff's matrix: the same, built without verify, and nothing explained. */
Test(judge_matrix, the_matrix_module_alone_gives_verifys_matrix)
{
    model m;
    model_new(&m, two_inputs, 2);
    platform_pair(&m, false, true);
    judge(&m, NULL);
    mum_matrix *alone = NULL;
    cr_assert_eq(mum_matrix_build(&alone, m.ctx, m.g), MUM_OK);
    const mum_matrix *mx = mum_verify_matrix(m.r);
    cr_assert_eq(alone->columns, mx->columns);
    cr_assert_eq(alone->component_count, mx->component_count);
    cr_assert_eq(alone->package_count, mx->package_count);
    for (size_t r = 0; r < mx->component_count; r++)
        for (size_t c = 0; c < mx->columns; c++)
            cr_assert_eq(alone->components[r].cells[c].node, mx->components[r].cells[c].node);
    cr_assert_eq(mum_matrix_part_of("amd64", "wow64"), MUM_PART_WOW64);
    cr_assert_eq(mum_matrix_part_of("amd64", "x86"), MUM_PART_X86);
    cr_assert_eq(mum_matrix_part_of("x86", "x86"), MUM_PART_NATIVE);
    cr_assert_eq(mum_matrix_part_of("x86", "msil"), MUM_PART_OTHER);
    mum_matrix_free(alone);
    mum_matrix_free(NULL);
    model_free(&m);
}

/* ---- inputs ---- */

Test(judge_inputs, an_input_without_package)
{
    model m;
    model_new(&m, two_inputs, 2);
    clean_package(&m, 0, "x86", true);
    add_payload(&m, 1, "readme.txt", "nothing to install");
    judge(&m, NULL);
    cr_assert_eq(count(m.f, "graph.no-package"), 1);
    cr_assert_str_eq(first(m.f, "graph.no-package")->loc.input, "x64.cab");
    model_free(&m);
}

/* ---- names ---- */

/* Reading parses a manifest and checks nothing of it; the judge checks its
 * name against its identity. */
Test(judge_names, a_package_named_after_another_identity)
{
    model m;
    model_new(&m, one_input, 1);
    add_package(&m, 0, "Package_1~" PKT "~x86~~6.0.1.0.mum", "Package_1", "x86", NULL, NULL);
    add_package(&m, 0, "Package_2~" PKT "~x86~~6.0.1.0.mum", "Package_Other", "x86", NULL, NULL);
    judge(&m, NULL);
    cr_assert_eq(count_family(m.read, "manifest."), 0);
    cr_assert_eq(count(m.f, "manifest.name-mismatch"), 1);
    cr_assert_str_eq(first(m.f, "manifest.name-mismatch")->loc.entry, "Package_2~" PKT "~x86~~6.0.1.0.mum");
    model_free(&m);
}

/* ---- what reading and resolving noted: kinds and identities ---- */

/* Reading notes that a .mum holds a component manifest (and a .manifest a
 * package); the judge reports it, reading does not. */
Test(judge_inputs, a_manifest_of_the_other_kind_than_its_name)
{
    model m;
    model_new(&m, one_input, 1);
    clean_package(&m, 0, "x86", true);
    add_text(&m, 0, MUM_NODE_PACKAGE, "q.mum",
             "<assembly xmlns=\"urn:schemas-microsoft-com:asm.v3\" manifestVersion=\"1.0\">"
             "<assemblyIdentity name=\"Contoso-Q\" version=\"1.0.0.0\" processorArchitecture=\"x86\" "
             "language=\"neutral\" publicKeyToken=\"" PKT "\" versionScope=\"nonSxS\"/></assembly>");
    add_text(&m, 0, MUM_NODE_COMPONENT, "x86_contoso-p.manifest",
             "<assembly xmlns=\"urn:schemas-microsoft-com:asm.v3\" manifestVersion=\"1.0\">"
             "<assemblyIdentity name=\"Package_9\" version=\"6.0.1.0\" language=\"neutral\" "
             "processorArchitecture=\"x86\" publicKeyToken=\"" PKT "\"/>"
             "<package identifier=\"KB9\" releaseType=\"Hotfix\"/></assembly>");
    judge(&m, NULL);
    cr_assert_eq(count(m.read, "graph.wrong-kind"), 0);
    cr_assert_eq(count(m.f, "graph.wrong-kind"), 2);
    const mum_finding *f = first(m.f, "graph.wrong-kind");
    cr_assert_str_eq(f->loc.input, "in.cab");
    cr_assert_str_eq(f->loc.entry, "q.mum");
    cr_assert_str_eq(f->message, "q.mum is named like a package but holds a component manifest");
    size_t second = 0;
    for (size_t i = 0; i < mum_findings_count(m.f); i++)
        if (strcmp(mum_findings_get(m.f, i)->rule->id, "graph.wrong-kind") == 0)
            second = i;
    cr_assert_str_eq(mum_findings_get(m.f, second)->message,
                     "x86_contoso-p.manifest is named like a component manifest but holds a package");
    model_free(&m);
}

Test(judge_inputs, a_clean_model_has_no_wrong_kind_nor_duplicate)
{
    model m;
    model_new(&m, one_input, 1);
    clean_package(&m, 0, "x86", true);
    judge(&m, NULL);
    cr_assert_eq(count(m.f, "graph.wrong-kind") + count(m.f, "graph.duplicate-identity"), 0);
    model_free(&m);
}

/* Resolving notes that a second package has the identity of a first; the
 * judge reports it at the second one's identity. */
Test(judge_inputs, two_packages_with_one_identity)
{
    model m;
    model_new(&m, one_input, 1);
    clean_package(&m, 0, "x86", true);
    add_package(&m, 0, "q.mum", "Package_1", "x86", NULL, NULL);
    judge(&m, NULL);
    cr_assert_eq(count(m.read, "graph.duplicate-identity"), 0);
    cr_assert_eq(count(m.f, "graph.duplicate-identity"), 1);
    const mum_finding *f = first(m.f, "graph.duplicate-identity");
    cr_assert_str_eq(f->loc.entry, "q.mum");
    cr_assert_eq(f->loc.line, 1);
    cr_assert_str_eq(f->message, "q.mum has the identity of p.mum (Package_1 6.0.1.0 x86)");
    /* the findings graph counts as met while reading: the same, alone */
    mum_findings *facts;
    cr_assert_eq(mum_findings_new(&facts), MUM_OK);
    cr_assert_eq(mum_verify_read_facts(m.ctx, m.g, facts), MUM_OK);
    cr_assert_eq(mum_findings_count(facts), 1);
    cr_assert_str_eq(mum_findings_get(facts, 0)->rule->id, "graph.duplicate-identity");
    mum_findings_free(facts);
    model_free(&m);
}

/* Resolution finds each reference's own node however the keys' hashes fall
 * (graph_resolve.c compares the nodes' fields on a hash hit): with every
 * key hashed alike (the test hook) as with real hashes, an identity in
 * other letter case is the same one, a near one is not, and a version
 * that differs is only another version. */
Test(judge_inputs, references_find_their_own_node_when_every_hash_collides)
{
    for (int collide = 0; collide < 2; collide++) {
        mum__graph_resolve_collide(collide);
        model m;
        model_new(&m, one_input, 1);
        clean_package(&m, 0, "x86", true); /* p.mum, c.manifest, c/a.dll, p.cat */
        node_priv *d = add_component(&m, 0, "d.manifest", "Contoso-D", "x86", "2.0.0.0", NULL, NULL);
        add_component(&m, 0, "e.manifest", "Contoso-C2", "x86", "1.0.0.0", NULL, NULL);
        add_package(&m, 0, "q.mum", "PACKAGE_1", "x86", NULL, NULL);
        const char *comps[] = {"CONTOSO-C X86 1.0.0.0", "Contoso-D x86 1.0.0.0", NULL};
        node_priv *r = add_package(&m, 0, "r.mum", "Package_2", "x86", comps, NULL);
        judge(&m, NULL);
        mum__graph_resolve_collide(false);
        const mum_node *p = mum_graph_node(m.g, 0), *c = mum_graph_node(m.g, 1), *a = mum_graph_node(m.g, 2),
                       *cat = mum_graph_node(m.g, 3);
        cr_assert_str_eq(cat->entry, "p.cat");
        cr_assert_eq(p->edges[0].to, cat, "collide=%d", collide);
        cr_assert_eq(p->edges[1].to, c, "collide=%d", collide);
        cr_assert_eq(c->edges[0].to, a, "collide=%d", collide);
        cr_assert_eq(r->pub.edge_count, 3);
        cr_assert_null(r->pub.edges[0].to, "no r.cat");
        cr_assert_eq(r->pub.edges[1].to, c, "collide=%d", collide);
        cr_assert_null(r->pub.edges[2].to, "collide=%d", collide);
        cr_assert_eq(r->pub.edges[2].other_version, &d->pub, "collide=%d", collide);
        cr_assert_eq(count(m.f, "graph.duplicate-identity"), 1, "collide=%d", collide);
        cr_assert_str_eq(first(m.f, "graph.duplicate-identity")->loc.entry, "q.mum");
        model_free(&m);
    }
}

/* ---- express ---- */

#define XHEAD "<Container xmlns=\"urn:ContainerIndex\"><Files>\n"
#define XTAIL "</Files></Container>"

typedef struct xcab {
    const char *name;
    const char *bytes;
} xcab;

/* Gives input 0 an express cabinet "x.cab" with this index and these
 * entries (static: the graph borrows their names and heads). */
static void add_express(model *m, const char *index, const xcab *entries, size_t n)
{
    /* the library's allocator: the graph frees it */
    mum_express_index *idx = mum__calloc(1, sizeof *idx);
    cr_assert_not_null(idx);
    mum_location loc = {.input = "in.cab", .entry = "x.cab!_manifest_.cix.xml"};
    cr_assert_eq(mum_express_index_parse(idx, m->ctx, &loc, index, strlen(index)), MUM_OK, "%s",
                 mum_ctx_message(m->ctx));
    mum_express_blob blobs[8];
    cr_assert(n <= 8);
    memset(blobs, 0, sizeof blobs);
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(entries[i].bytes);
        blobs[i].name = entries[i].name;
        blobs[i].size = len;
        cr_assert_eq(mum_hash_buffer(blobs[i].sha1, MUM_HASH_SHA1, entries[i].bytes, len), MUM_OK);
        cr_assert_eq(mum_hash_buffer(blobs[i].sha256, MUM_HASH_SHA256, entries[i].bytes, len), MUM_OK);
        blobs[i].head = (const uint8_t *)entries[i].bytes;
        blobs[i].head_size = len;
    }
    cr_assert_eq(mum__graph_add_express(m->g, 0, "x.cab", idx, blobs, n), MUM_OK);
}

/* SHA-1 of "hello" */
#define HELLO_SHA1 "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d"

static const xcab hello_cab[] = {{"a.dll", "hello"}};

Test(judge_express, a_consistent_cabinet_has_no_express_finding)
{
    model m;
    model_new(&m, one_input, 1);
    clean_package(&m, 0, "x86", true);
    add_express(&m,
                XHEAD "<File id=\"1\" name=\"a.dll\" length=\"5\"><Hash alg=\"SHA1\" value=\"" HELLO_SHA1 "\"/>"
                      "<Delta><Source type=\"RAW\" name=\"a.dll\"><Hash alg=\"SHA1\" value=\"" HELLO_SHA1
                      "\"/></Source></Delta></File>\n"
                      "<File id=\"2\" name=\"b.dll\" length=\"5\"><Hash alg=\"SHA1\" value=\"" HELLO_SHA1 "\"/>"
                      "<Delta><Basis file=\"1\"/></Delta></File>\n" XTAIL,
                hello_cab, 1);
    const mum_express_index *idx = mum_graph_input_at(m.g, 0)->express[0];
    cr_assert_eq(idx->files[0].status, MUM_EXPRESS_STORED);
    cr_assert(idx->files[0].blob_verified);
    cr_assert_eq(idx->files[1].status, MUM_EXPRESS_COPY);
    cr_assert_eq(idx->files[1].basis, 0);
    judge(&m, NULL);
    cr_assert_eq(count_family(m.f, "express."), 0);
    model_free(&m);
}

/* Reading resolves the files (status, blob, basis) and reports nothing;
 * the judge gives the findings, where and in the order the check gave them. */
Test(judge_express, a_broken_cabinet_is_judged_not_read)
{
    static const xcab entries[] = {{"a.dll", "hello"}, {"stray.bin", "x"}, {"d0", "not a delta"}};
    model m;
    model_new(&m, one_input, 1);
    clean_package(&m, 0, "x86", true);
    add_express(&m,
                XHEAD "<File id=\"1\" name=\"a.dll\" length=\"6\"><Hash alg=\"SHA1\" value=\"" HELLO_SHA1 "\"/>"
                      "<Delta><Source type=\"RAW\" name=\"a.dll\"><Hash alg=\"SHA1\" value=\"" HELLO_SHA1
                      "\"/></Source></Delta></File>\n"
                      "<File id=\"2\" name=\"b.dll\" length=\"5\"/>\n"
                      "<File id=\"3\" name=\"c.dll\" length=\"5\"><Delta><Basis file=\"9\"/></Delta></File>\n"
                      "<File id=\"4\" name=\"d.dll\" length=\"5\"><Delta><Source type=\"PA30\" name=\"d0\"/>"
                      "</Delta></File>\n"
                      "<File id=\"5\" name=\"e.dll\" length=\"5\"><Delta><Source type=\"RAW\" name=\"e.dll\"/>"
                      "</Delta></File>\n" XTAIL,
                entries, 3);
    const mum_express_index *idx = mum_graph_input_at(m.g, 0)->express[0];
    cr_assert_eq(idx->files[1].status, MUM_EXPRESS_MISSING);
    cr_assert_eq(idx->files[2].status, MUM_EXPRESS_MISSING);
    cr_assert_eq(idx->files[2].basis, MUM_EXPRESS_NONE);
    cr_assert_eq(idx->files[3].status, MUM_EXPRESS_DELTA_ONLY);
    cr_assert_not(idx->files[3].has_pa30);
    cr_assert_eq(idx->files[4].status, MUM_EXPRESS_MISSING);
    judge(&m, NULL);
    cr_assert_eq(count_family(m.read, "express."), 0);
    static const struct {
        const char *rule, *entry;
        uint32_t line;
    } want[] = {
        {"express.bad-basis", "x.cab!_manifest_.cix.xml", 4},
        {"express.raw-mismatch", "x.cab!a.dll", 0},
        {"express.no-source", "x.cab!_manifest_.cix.xml", 3},
        {"express.pa30-malformed", "x.cab!d0", 0},
        {"express.missing-blob", "x.cab!_manifest_.cix.xml", 6},
        {"express.unmapped-blob", "x.cab!stray.bin", 0},
    };
    cr_assert_eq(count_family(m.f, "express."), MUM_ARRAY_LEN(want));
    size_t k = 0;
    for (size_t i = 0; i < mum_findings_count(m.f); i++) {
        const mum_finding *f = mum_findings_get(m.f, i);
        if (strncmp(f->rule->id, "express.", 8) != 0)
            continue;
        cr_assert_str_eq(f->rule->id, want[k].rule);
        cr_assert_str_eq(f->loc.input, "in.cab");
        cr_assert_str_eq(f->loc.entry, want[k].entry, "%s", f->rule->id);
        cr_assert_eq(f->loc.line, want[k].line, "%s", f->rule->id);
        k++;
    }
    cr_assert_str_eq(first(m.f, "express.raw-mismatch")->message,
                     "the stored file has 5 bytes; the index gives a.dll 6");
    cr_assert_str_eq(first(m.f, "express.pa30-malformed")->message,
                     "PA30 header at offset 0: no \"PA30\" signature (the delta of d.dll)");
    model_free(&m);
}

/* ---- expected contents (judge_expect.c) ---- */

#include <mum/expect.h>

/*
 * x86.cab: Contoso-C x86 with c/a.sys ("bytes of a", 10 bytes);
 * x64.cab: Contoso-C amd64 with c/a.sys ("bytes of a64", 12 bytes) and,
 * unless no_wow64, Contoso-C wow64 with w/a.sys ("bytes of a").  The
 * payloads have no version resource: their version is the component's.
 */
static void expect_model(model *m, bool no_wow64)
{
    model_new(m, two_inputs, 2);
    const char *x86[] = {"Contoso-C x86 1.0.0.0", NULL};
    add_package(m, 0, "p.mum", "Package_1", "x86", x86, NULL);
    add_component(m, 0, "c.manifest", "Contoso-C", "x86", "1.0.0.0", "a.sys", "bytes of a");
    add_payload(m, 0, "c/a.sys", "bytes of a");
    const char *x64[] = {"Contoso-C amd64 1.0.0.0", no_wow64 ? NULL : "Contoso-C wow64 1.0.0.0", NULL};
    add_package(m, 1, "p.mum", "Package_1", "amd64", x64, NULL);
    add_component(m, 1, "c.manifest", "Contoso-C", "amd64", "1.0.0.0", "a.sys", "bytes of a64");
    add_payload(m, 1, "c/a.sys", "bytes of a64");
    if (!no_wow64) {
        add_component(m, 1, "w.manifest", "Contoso-C", "wow64", "1.0.0.0", "a.sys", "bytes of a");
        add_payload(m, 1, "w/a.sys", "bytes of a");
    }
}

#define ROW(name, version, size, platform, pkg, arch, line)                                                \
    {MUM_EXPECT_FILE, "For all supported versions", name, version, size, NULL, NULL, platform, pkg, arch, \
     line, "kb.tsv"}

/* What the model holds, as an article would list it ("A.SYS": names are
 * compared case-insensitively). */
static mum_expect_row clean_rows[] = {
    ROW("A.SYS", "1.0.0.0", 10, "x86", "x86", "x86", 2),
    ROW("a.sys", "1.0.0.0", 12, "x64", "amd64", "amd64", 3),
    ROW("a.sys", "1.0.0.0", 10, "x86", "amd64", "x86", 4),
};

static mum_expect table_of(mum_expect_row *rows, size_t n)
{
    mum_expect e;
    memset(&e, 0, sizeof e);
    e.source = "kb.tsv";
    e.rows = rows;
    e.count = n;
    return e;
}

static void judge_expect(model *m, mum_expect_row *rows, size_t n, bool dates)
{
    mum_expect e = table_of(rows, n);
    mum_verify_options vo = MUM_VERIFY_OPTIONS_INIT;
    vo.expect = &e;
    vo.expect_dates = dates;
    judge(m, &vo);
}

Test(judge_expect, the_files_the_article_lists_give_no_finding)
{
    model m;
    expect_model(&m, false);
    judge_expect(&m, clean_rows, MUM_ARRAY_LEN(clean_rows), true);
    cr_assert_eq(count_family(m.f, "expect."), 0);
    model_free(&m);
}

Test(judge_expect, no_expected_contents_no_finding_and_version_2_options_still_work)
{
    model m;
    expect_model(&m, true); /* would be expect.missing with the rows */
    struct {
        unsigned version;
        mum_policy *policy;
        const mum_trust *anchors;
        bool has_time;
        int64_t time;
    } v2 = {2, NULL, NULL, false, 0};
    judge(&m, (const mum_verify_options *)(const void *)&v2);
    cr_assert_eq(count_family(m.f, "expect."), 0);
    model_free(&m);
}

Test(judge_expect, a_size_that_differs_names_file_platform_and_both_sizes)
{
    model m;
    expect_model(&m, false);
    mum_expect_row rows[MUM_ARRAY_LEN(clean_rows)];
    memcpy(rows, clean_rows, sizeof rows);
    rows[0].size = 11;
    judge_expect(&m, rows, MUM_ARRAY_LEN(rows), false);
    cr_assert_eq(count_family(m.f, "expect."), 1);
    const mum_finding *f = first(m.f, "expect.size");
    cr_assert_not_null(f);
    cr_assert_eq(f->severity, MUM_SEVERITY_ERROR);
    cr_assert_str_eq(f->message, "A.SYS (x86): 11 bytes expected by the article, 10 in the package");
    cr_assert_str_eq(f->loc.input, "x86.cab");
    cr_assert_str_eq(f->loc.entry, "c/a.sys");
    model_free(&m);
}

Test(judge_expect, versions_compare_as_dotted_numbers_resource_first)
{
    model m;
    expect_model(&m, false);
    mum_expect_row rows[MUM_ARRAY_LEN(clean_rows)];
    memcpy(rows, clean_rows, sizeof rows);
    rows[0].version = "1.0.0.00";    /* the same number */
    rows[1].version = "1.0.0.1";     /* the component says 1.0.0.0 */
    rows[2].version = "1.0.0.7";     /* the version resource says so below */
    for (size_t i = 0; i < mum_graph_node_count(m.g); i++) {
        node_priv *n = (node_priv *)mum_graph_node(m.g, i);
        if (strcmp(n->pub.entry, "w/a.sys") == 0) {
            mum_node_pe pe = {.file_version = "1.0.0.7"};
            cr_assert_eq(mum__graph_node_set_pe(n, &pe), MUM_OK);
        }
    }
    judge_expect(&m, rows, MUM_ARRAY_LEN(rows), false);
    cr_assert_eq(count_family(m.f, "expect."), 1);
    const mum_finding *f = first(m.f, "expect.version");
    cr_assert_not_null(f);
    cr_assert_str_eq(f->message,
                     "a.sys (amd64): version 1.0.0.1 expected by the article, 1.0.0.0 in the package "
                     "(its component's manifest)");
    cr_assert_str_eq(f->loc.input, "x64.cab");
    model_free(&m);
}

Test(judge_expect, a_listed_file_not_in_the_package_is_missing)
{
    model m;
    expect_model(&m, false);
    mum_expect_row rows[] = {clean_rows[0], clean_rows[1], clean_rows[2],
                             ROW("b.sys", "1.0.0.0", 10, "x86", "x86", "x86", 9)};
    judge_expect(&m, rows, MUM_ARRAY_LEN(rows), false);
    cr_assert_eq(count_family(m.f, "expect."), 1);
    const mum_finding *f = first(m.f, "expect.missing");
    cr_assert_not_null(f);
    cr_assert_str_eq(f->loc.input, "x86.cab");
    cr_assert_str_eq(f->message, "b.sys (x86): listed by the article (kb.tsv:9) but not in x86.cab (x86)");
    model_free(&m);
}

Test(judge_expect, an_x86_row_of_a_64_bit_section_is_its_wow64_part)
{
    model m;
    expect_model(&m, true); /* no wow64 part: the native a.sys must not stand in for it */
    judge_expect(&m, clean_rows, MUM_ARRAY_LEN(clean_rows), false);
    cr_assert_eq(count_family(m.f, "expect."), 1);
    const mum_finding *f = first(m.f, "expect.missing");
    cr_assert_not_null(f);
    cr_assert_str_eq(f->message,
                     "a.sys (x86 in amd64): listed by the article (kb.tsv:4) but not in x64.cab (amd64)");
    model_free(&m);
}

Test(judge_expect, an_unlisted_file_of_a_listed_component_is_unexpected)
{
    model m;
    expect_model(&m, false);
    /* the wow64 row left out: w/a.sys is a file of Contoso-C (wow64), whose
     * other files... it has none; the native one is listed */
    mum_expect_row rows[] = {clean_rows[0], clean_rows[1]};
    judge_expect(&m, rows, MUM_ARRAY_LEN(rows), false);
    cr_assert_eq(count_family(m.f, "expect."), 0, "a component none of whose files is listed is not judged");
    model_free(&m);

    model_new(&m, one_input, 1);
    const char *comps[] = {"Contoso-C x86 1.0.0.0", NULL};
    add_package(&m, 0, "p.mum", "Package_1", "x86", comps, NULL);
    add_text(&m, 0, MUM_NODE_COMPONENT, "c.manifest",
             "<?xml version=\"1.0\" encoding=\"utf-8\"?>"
             "<assembly xmlns=\"urn:schemas-microsoft-com:asm.v3\" manifestVersion=\"1.0\">"
             "<assemblyIdentity name=\"Contoso-C\" version=\"1.0.0.0\" processorArchitecture=\"x86\" "
             "language=\"neutral\" publicKeyToken=\"" PKT "\" versionScope=\"nonSxS\"/>"
             "<file name=\"a.sys\" destinationPath=\"$(runtime.drivers)\\\"/>"
             "<file name=\"extra.dll\" destinationPath=\"$(runtime.system32)\\\"/></assembly>");
    add_payload(&m, 0, "c/a.sys", "bytes of a");
    add_payload(&m, 0, "c/extra.dll", "bytes of extra");
    judge_expect(&m, clean_rows, 1, false);
    cr_assert_eq(count_family(m.f, "expect."), 1);
    const mum_finding *f = first(m.f, "expect.unexpected");
    cr_assert_not_null(f);
    cr_assert_eq(f->severity, MUM_SEVERITY_WARNING);
    cr_assert_str_eq(f->loc.entry, "c/extra.dll");
    cr_assert_str_eq(f->message,
                     "extra.dll (x86): a file of Contoso-C, whose other files the article lists, is not listed");
    model_free(&m);
}

Test(judge_expect, an_article_platform_no_input_covers_is_a_note)
{
    model m;
    expect_model(&m, false);
    mum_expect_row rows[] = {clean_rows[0], clean_rows[1], clean_rows[2],
                             ROW("a.sys", "1.0.0.0", 99, "IA-64", "ia64", "ia64", 20),
                             ROW("b.sys", "1.0.0.0", 99, "IA-64", "ia64", "ia64", 21)};
    judge_expect(&m, rows, MUM_ARRAY_LEN(rows), false);
    cr_assert_eq(count_family(m.f, "expect."), 1);
    const mum_finding *f = first(m.f, "expect.platform-missing");
    cr_assert_not_null(f);
    cr_assert_eq(f->severity, MUM_SEVERITY_INFO);
    cr_assert_str_eq(f->loc.input, "kb.tsv");
    cr_assert_eq(f->loc.line, 20);
    cr_assert_not_null(strstr(f->message, "2 files for ia64 packages"), "%s", f->message);
    model_free(&m);
}

Test(judge_expect, additional_rows_are_the_mum_and_manifest_files)
{
    model m;
    expect_model(&m, false);
    size_t mum_size = 0;
    for (size_t i = 0; i < mum_graph_node_count(m.g); i++)
        if (mum_graph_node(m.g, i)->input == 0 && mum_graph_node(m.g, i)->kind == MUM_NODE_PACKAGE)
            mum_size = mum_graph_node(m.g, i)->size;
    mum_expect_row rows[] = {
        {MUM_EXPECT_ADDITIONAL, "Additional files", "P.MUM", NULL, (int64_t)mum_size, NULL, NULL, NULL, "x86",
         "x86", 30, "kb.tsv"},
        {MUM_EXPECT_ADDITIONAL, "Additional files", "C.Manifest", NULL, 1, NULL, NULL, NULL, "x86", "x86", 31,
         "kb.tsv"},
        {MUM_EXPECT_ADDITIONAL, "Additional files", "q.mum", NULL, -1, NULL, NULL, NULL, "x86", "x86", 32,
         "kb.tsv"},
    };
    judge_expect(&m, rows, MUM_ARRAY_LEN(rows), false);
    cr_assert_eq(count_family(m.f, "expect."), 2);
    cr_assert_eq(count(m.f, "expect.size"), 1);
    cr_assert_str_eq(first(m.f, "expect.size")->loc.entry, "c.manifest");
    cr_assert_eq(count(m.f, "expect.missing"), 1);
    cr_assert_not_null(strstr(first(m.f, "expect.missing")->message, "q.mum (x86)"));
    model_free(&m);
}

Test(judge_expect, dates_are_reported_and_enforced_only_when_asked)
{
    mum_expect_row rows[MUM_ARRAY_LEN(clean_rows)];
    memcpy(rows, clean_rows, sizeof rows);
    rows[0].date = "2008-07-15";
    rows[0].time = "05:14";
    for (int pass = 0; pass < 3; pass++) {
        model m;
        expect_model(&m, false);
        for (size_t i = 0; i < mum_graph_node_count(m.g); i++) {
            node_priv *n = (node_priv *)mum_graph_node(m.g, i);
            n->pub.has_mtime = true;
            n->pub.mtime = pass == 2 ? 1216098840 /* 2008-07-15 05:14 UTC */ : 1216098900; /* 05:15 */
        }
        judge_expect(&m, rows, MUM_ARRAY_LEN(rows), pass > 0);
        cr_assert_eq(count(m.f, "expect.date"), pass == 1 ? 1 : 0, "pass %d", pass);
        /* Not enforced, the difference is still reported. */
        cr_assert_eq(count(m.f, "expect.date-differs"), pass == 0 ? 1 : 0, "pass %d", pass);
        if (pass == 1)
            cr_assert_str_eq(first(m.f, "expect.date")->message,
                             "A.SYS (x86): 2008-07-15 05:14 expected by the article, 2008-07-15 05:15 in the "
                             "package (the file's time in its cabinet)");
        model_free(&m);
    }
}
