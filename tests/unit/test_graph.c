/*
 * test_graph.c - the package graph and verify's checks through the library
 * API, on the committed samples (samples/README.md says what each holds;
 * samples/gen/generate.py made them, with Python's hashlib computing every
 * DigestValue - an oracle independent of libmum's hashing).
 */
#include "testutil.h"

#include "graph_internal.h"
#include "matrix_internal.h"
#include "pool.h"

#include <mum/graph.h>
#include <mum/policy.h>
#include <mum/verify.h>

#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *sample(const char *rel)
{
    return tu_src_path("samples", rel);
}

static mum_trust *test_ca(void)
{
    mum_trust *t;
    mum_ctx *ctx;
    cr_assert_eq(mum_trust_new(&t), MUM_OK);
    mum_ctx_new(&ctx);
    cr_assert_eq(mum_trust_add_pem_file(ctx, t, sample("test-ca.pem")), MUM_OK, "%s", mum_ctx_message(ctx));
    mum_ctx_free(ctx);
    return t;
}

static size_t count_rule(const mum_findings *f, const char *id)
{
    size_t n = 0;
    for (size_t i = 0; i < mum_findings_count(f); i++)
        n += strcmp(mum_findings_get(f, i)->rule->id, id) == 0;
    return n;
}

/* A graph of inputs built with the default options (asserted to build) on a
 * new ctx and findings, which the caller frees with the graph (free_built). */
static mum_graph *build_default(const char *const *inputs, size_t n, mum_ctx **ctx, mum_findings **f)
{
    mum_graph_options o = MUM_GRAPH_OPTIONS_INIT;
    mum_graph *g;
    mum_ctx_new(ctx);
    mum_findings_new(f);
    cr_assert_eq(mum_graph_build(&g, *ctx, inputs, n, &o, *f), MUM_OK, "%s", mum_ctx_message(*ctx));
    return g;
}

static void free_built(mum_graph *g, mum_findings *f, mum_ctx *ctx)
{
    mum_graph_free(g);
    mum_findings_free(f);
    mum_ctx_free(ctx);
}

static const char *family[3] = {"kb943650/Windows6.0-KB943650-x86.msu", "kb943650/Windows6.0-KB943650-x64.msu",
                                "kb943650/Windows6.0-KB943650-ia64.msu"};

Test(graph, the_sample_family_as_its_readme_describes_it)
{
    const char *inputs[3] = {sample(family[0]), sample(family[1]), sample(family[2])};
    mum_trust *anchors = test_ca();
    mum_ctx *ctx;
    mum_findings *f;
    mum_graph *g = build_default(inputs, 3, &ctx, &f);
    cr_assert_eq(mum_graph_input_count(g), 3);
    /* samples/README.md: packages and manifests per platform */
    const struct {
        const char *platform;
        size_t packages, components;
    } want[3] = {{"x86", 13, 6}, {"amd64", 13, 9}, {"ia64", 9, 7}};
    for (size_t i = 0; i < 3; i++) {
        const mum_graph_input *in = mum_graph_input_at(g, i);
        cr_assert_str_eq(in->kind, "msu");
        cr_assert_str_eq(in->platform, want[i].platform);
        cr_assert_str_eq(in->kb, "943650");
        cr_assert_eq(in->packages, want[i].packages, "%s: %zu packages", in->path, in->packages);
        cr_assert_eq(in->components, want[i].components, "%s: %zu manifests", in->path, in->components);
        cr_assert_eq(in->catalogs, want[i].packages, "every package has its catalog");
    }
    /* every file a manifest names resolves to a payload whose bytes have the
     * DigestValue the generator computed; every catalog's signature is
     * intact, and reading has not judged it (no anchors there) */
    size_t files = 0, catalogs = 0;
    for (size_t i = 0; i < mum_graph_node_count(g); i++) {
        const mum_node *n = mum_graph_node(g, i);
        cr_assert_eq(n->index, i);
        if (n->kind == MUM_NODE_CATALOG) {
            cr_assert_not_null(n->cat, "%s", n->entry);
            cr_assert(n->cat->integrity_done, "%s", n->entry);
            cr_assert_eq(n->cat->integrity.status, MUM_SIG_UNTRUSTED, "%s: %s", n->entry,
                         mum_sig_status_name(n->cat->integrity.status));
            cr_assert_eq(n->cat->integrity.trust_issue, MUM_SIG_TRUST_NO_ANCHORS);
            catalogs++;
        } else {
            cr_assert_null(n->cat, "%s: a catalog's record on another kind", n->entry);
        }
        if (n->kind != MUM_NODE_PAYLOAD)
            cr_assert_null(n->pe, "%s: a PE record on a node that is no payload", n->entry);
        /* a manifest's entry is its node's (the model keeps no copy) */
        if (n->manifest)
            cr_assert_eq(n->manifest->entry, n->entry, "%s", n->entry);
        for (size_t e = 0; e < n->edge_count; e++) {
            const mum_edge *ed = &n->edges[e];
            if (ed->kind != MUM_EDGE_FILE)
                continue;
            cr_assert_not_null(ed->to, "%s: %s unresolved", n->entry, ed->file);
            cr_assert_eq(ed->to->kind, MUM_NODE_PAYLOAD);
            const mum_manifest_file *mf = ed->file_info;
            cr_assert(mf->digest_ok, "%s: %s", n->entry, ed->file);
            const uint8_t *got = mf->digest_alg == MUM_HASH_SHA256 ? ed->to->digests.sha256 : ed->to->digests.sha1;
            cr_assert_arr_eq(got, mf->digest, mf->digest_size, "%s: %s", n->entry, ed->file);
            files++;
        }
    }
    cr_assert_gt(files, 10);
    cr_assert_eq(catalogs, 13 + 13 + 9);

    /* with the family's policy (the platforms' expected differences) not
     * even a warning */
    mum_policy *policy;
    cr_assert_eq(mum_policy_load(&policy, ctx, sample("kb943650.policy")), MUM_OK, "%s", mum_ctx_message(ctx));
    mum_verify_options vo = MUM_VERIFY_OPTIONS_INIT;
    vo.anchors = anchors;
    vo.policy = policy;
    mum_verify_result *r;
    cr_assert_eq(mum_verify_graph(&r, ctx, g, &vo, f), MUM_OK, "%s", mum_ctx_message(ctx));
    cr_assert_eq(mum_findings_count_at_least(f, MUM_SEVERITY_WARNING), 0);
    /* judged against the anchors: every catalog is trusted */
    for (size_t i = 0; i < mum_graph_node_count(g); i++) {
        const mum_node *n = mum_graph_node(g, i);
        if (n->kind != MUM_NODE_CATALOG)
            continue;
        const mum_sig_result *v = mum_verify_catalog_signature(r, n);
        cr_assert_not_null(v, "%s", n->entry);
        cr_assert_eq(v->status, MUM_SIG_TRUSTED, "%s: %s", n->entry, mum_sig_status_name(v->status));
    }
    const mum_matrix *m = mum_verify_matrix(r);
    cr_assert_eq(m->columns, 3);
    cr_assert_str_eq(m->platforms[0], "x86");
    cr_assert_str_eq(m->platforms[1], "amd64");
    cr_assert_str_eq(m->platforms[2], "ia64");
    mum_verify_result_free(r);
    mum_policy_free(policy);
    free_built(g, f, ctx);
    mum_trust_free(anchors);
}

Test(graph, a_broken_twin_gives_its_finding_and_only_it)
{
    char x86[512], x64[512], ia64[512];
    snprintf(x86, sizeof x86, "%s", sample("broken/version-mismatch/Windows6.0-KB943650-x86.msu"));
    snprintf(x64, sizeof x64, "%s", sample("broken/version-mismatch/Windows6.0-KB943650-x64.msu"));
    snprintf(ia64, sizeof ia64, "%s", sample("broken/version-mismatch/Windows6.0-KB943650-ia64.msu"));
    const char *inputs[3] = {x86, x64, ia64};
    mum_trust *anchors = test_ca();
    mum_ctx *ctx;
    mum_findings *f;
    mum_graph *g = build_default(inputs, 3, &ctx, &f);
    mum_policy *policy;
    cr_assert_eq(mum_policy_load(&policy, ctx, sample("kb943650.policy")), MUM_OK, "%s", mum_ctx_message(ctx));
    mum_verify_options vo = MUM_VERIFY_OPTIONS_INIT;
    vo.anchors = anchors;
    vo.policy = policy;
    mum_verify_result *r;
    cr_assert_eq(mum_verify_graph(&r, ctx, g, &vo, f), MUM_OK);
    cr_assert_eq(count_rule(f, "matrix.version-mismatch"), 1);
    cr_assert_eq(mum_findings_count_at_least(f, MUM_SEVERITY_WARNING), 1, "nothing but the version mismatch");
    /* the matrix row of network-security: 22222 on x86 and amd64, 22223 on ia64 */
    const mum_matrix *m = mum_verify_matrix(r);
    const mum_matrix_row *row = NULL;
    for (size_t i = 0; i < m->component_count; i++)
        if (strcasecmp(m->components[i].name, "Microsoft-Windows-Network-Security") == 0 &&
            m->components[i].part == MUM_PART_NATIVE)
            row = &m->components[i];
    cr_assert_not_null(row);
    cr_assert_str_eq(row->cells[0].version, "6.0.6001.22222");
    cr_assert_str_eq(row->cells[1].version, "6.0.6001.22222");
    cr_assert_str_eq(row->cells[2].version, "6.0.6001.22223");
    mum_verify_result_free(r);
    mum_policy_free(policy);
    free_built(g, f, ctx);
    mum_trust_free(anchors);
}

Test(graph, inputs_that_cannot_be_read_are_errors_naming_them)
{
    mum_ctx *ctx;
    mum_findings *f;
    mum_graph *g = NULL;
    mum_ctx_new(&ctx);
    mum_findings_new(&f);
    const char *missing[1] = {"no-such-package.msu"};
    cr_assert_eq(mum_graph_build(&g, ctx, missing, 1, NULL, f), MUM_EIO);
    cr_assert_null(g);
    cr_assert(strstr(mum_ctx_message(ctx), "no-such-package.msu"), "%s", mum_ctx_message(ctx));
    mum_ctx_clear(ctx);
    const char *text[1] = {sample("README.md")};
    cr_assert_eq(mum_graph_build(&g, ctx, text, 1, NULL, f), MUM_EFORMAT);
    cr_assert_null(g);
    cr_assert(strstr(mum_ctx_message(ctx), "README.md"), "%s", mum_ctx_message(ctx));
    mum_findings_free(f);
    mum_ctx_free(ctx);
}

/* Every allocation of building and verifying the x86 sample failing in turn
 * (one thread, so that the order of allocations is the same every run): the
 * build or the checks say MUM_ENOMEM, and nothing leaks. */
static int build_sample(const char *input, unsigned walk_flags, bool verify, bool *reported)
{
    const char *inputs[1] = {input};
    mum_graph_options o = MUM_GRAPH_OPTIONS_INIT;
    o.walk_flags = walk_flags;
    mum_ctx *ctx = NULL;
    mum_findings *f = NULL;
    mum_graph *g = NULL;
    mum_verify_result *r = NULL;
    int rc = mum_ctx_new(&ctx);
    if (rc == MUM_OK)
        rc = mum_findings_new(&f);
    if (rc == MUM_OK)
        rc = mum_graph_build(&g, ctx, inputs, 1, &o, f);
    if (rc == MUM_OK && verify)
        rc = mum_verify_graph(&r, ctx, g, NULL, f);
    if (reported) /* the status and a reason are on ctx */
        *reported = ctx && mum_ctx_status(ctx) == rc && *mum_ctx_reason(ctx);
    mum_verify_result_free(r);
    free_built(g, f, ctx);
    return rc;
}

static int build_and_verify(void)
{
    return build_sample(sample(family[0]), MUM_WALK_SINGLE_THREAD, true, NULL);
}

Test(graph, out_of_memory_is_reported, .timeout = 600)
{
    TU_ALLOC_SWEEP(build_and_verify(), (void)0);
}

/* Catalogs are checked on a thread of their own while the walk goes on:
 * the graph and the findings must be what one thread gives. */
static char *describe_build(const char *const *inputs, size_t n, unsigned walk_flags)
{
    /* the samples are small inputs, read and resolved on one thread unless
     * forced onto their threads, which are what these tests compare */
    mum__graph_threads_always(!(walk_flags & MUM_WALK_SINGLE_THREAD));
    mum_trust *anchors = test_ca();
    mum_graph_options o = MUM_GRAPH_OPTIONS_INIT;
    o.walk_flags = walk_flags;
    mum_ctx *ctx;
    mum_findings *f;
    mum_graph *g;
    mum_ctx_new(&ctx);
    mum_findings_new(&f);
    cr_assert_eq(mum_graph_build(&g, ctx, inputs, n, &o, f), MUM_OK, "%s", mum_ctx_message(ctx));
    mum_sbuf out = {0};
    size_t catalogs = 0;
    for (size_t i = 0; i < mum_graph_node_count(g); i++) {
        const mum_node *node = mum_graph_node(g, i);
        if (node->kind != MUM_NODE_CATALOG)
            continue;
        catalogs++;
        mum__sbuf_printf(&out, "%s parse=%d error=%s members=%zu sig=%d/%d/%d\n", node->entry,
                         node->parse_status, node->parse_error ? node->parse_error : "-",
                         node->cat->catalog ? mum_catalog_get_info(node->cat->catalog)->member_count : 0,
                         node->cat->integrity_done, (int)node->cat->integrity.status,
                         (int)node->cat->integrity.trust_issue);
    }
    cr_assert_gt(catalogs, 0);
    /* the manifests (parsed on this thread or, prepared, on the decoding thread) */
    for (size_t i = 0; i < mum_graph_node_count(g); i++) {
        const mum_node *node = mum_graph_node(g, i);
        if (node->kind != MUM_NODE_COMPONENT && node->kind != MUM_NODE_PACKAGE)
            continue;
        const mum_manifest *m = node->manifest;
        mum__sbuf_printf(&out, "%s parse=%d error=%s id=%s files=%zu deps=%zu\n", node->entry,
                         node->parse_status, node->parse_error ? node->parse_error : "-",
                         m && m->has_identity && m->identity.name ? m->identity.name : "-",
                         m ? m->file_count : 0, m ? m->dependency_count : 0);
    }
    /* the resolution (two threads unless MUM_WALK_SINGLE_THREAD): every
     * node's edges and what they give other nodes */
    for (size_t i = 0; i < mum_graph_node_count(g); i++) {
        const mum_node *node = mum_graph_node(g, i);
        const mum_node *of = node->cat ? node->cat->catalog_of : NULL;
        mum__sbuf_printf(&out, "%zu %s in=%zu catalog_of=%zd:", i, node->entry, node->in_count,
                         of ? (ssize_t)of->index : -1);
        for (size_t k = 0; k < node->edge_count; k++) {
            const mum_edge *e = &node->edges[k];
            mum__sbuf_printf(&out, " %d>%zd/%zd", (int)e->kind, e->to ? (ssize_t)e->to->index : -1,
                             e->other_version ? (ssize_t)e->other_version->index : -1);
        }
        mum__sbuf_printf(&out, "\n");
    }
    /* the checks (two threads unless MUM_WALK_SINGLE_THREAD): the findings
     * in the order they were added, and the matrix */
    mum_verify_result *r = NULL;
    mum_verify_options vo = MUM_VERIFY_OPTIONS_INIT;
    vo.anchors = anchors;
    cr_assert_eq(mum_verify_graph(&r, ctx, g, &vo, f), MUM_OK, "%s", mum_ctx_message(ctx));
    for (size_t i = 0; i < mum_findings_count(f); i++) {
        const mum_finding *x = mum_findings_get(f, i);
        mum__sbuf_printf(&out, "%s %s %s: %s\n", x->rule->id, x->loc.input ? x->loc.input : "-",
                         x->loc.entry ? x->loc.entry : "-", x->message);
    }
    const mum_matrix *mx = mum_verify_matrix(r);
    for (size_t k = 0; k < mx->component_count + mx->package_count; k++) {
        const mum_matrix_row *row = k < mx->component_count ? &mx->components[k] : &mx->packages[k - mx->component_count];
        mum__sbuf_printf(&out, "row %s %d:", row->name, (int)row->part);
        for (size_t col = 0; col < mx->columns; col++)
            mum__sbuf_printf(&out, " %s", row->cells[col].version ? row->cells[col].version : "-");
        mum__sbuf_printf(&out, "\n");
    }
    mum_verify_result_free(r);
    free_built(g, f, ctx);
    mum_trust_free(anchors);
    mum__graph_threads_always(false);
    return mum__sbuf_take(&out);
}

/* The three packages of the family as they are in samples/DIR. */
static void family_in(const char *dir, const char *inputs[3])
{
    for (int i = 0; i < 3; i++) {
        char rel[512];
        snprintf(rel, sizeof rel, "%s/%s", dir, strchr(family[i], '/') + 1);
        inputs[i] = sample(rel); /* copied into one of sample()'s buffers */
    }
}

/* Asserts two descriptions equal, showing the first line that differs
 * (the descriptions run to thousands of lines: Criterion is not given them
 * whole). */
static void same_description(const char *got, const char *want, const char *what)
{
    size_t i = 0, line = 1, start = 0;
    while (got[i] && got[i] == want[i]) {
        if (got[i] == '\n') {
            line++;
            start = i + 1;
        }
        i++;
    }
    if (!got[i] && !want[i])
        return;
    cr_assert_fail("%s: line %zu differs:\n  got:  %.200s\n  want: %.200s", what, line, got + start, want + start);
}

/* The family in samples/: both revisions and every broken twin. */
static const char *const every_family[] = {
    "kb943650",                "kb943650-v2",
    "broken/dependency-cycle", "broken/manifest-not-in-catalog",
    "broken/missing-subpackage", "broken/missing-wow64",
    "broken/mum-without-cat",  "broken/orphan-manifest",
    "broken/payload-mismatch", "broken/renamed-manifest",
    "broken/unsigned-catalog", "broken/untrusted-catalog",
    "broken/version-mismatch", "broken/wow64-without-x86"};

/* References are resolved on two threads, each with half of the nodes, and
 * the checks run on two: edges, in_count, catalog_of, the findings in their
 * order and the matrix must be what one thread gives, on the clean family,
 * the second revision and every broken twin. */
Test(graph, resolution_on_two_threads_gives_what_one_thread_gives)
{
    const char *const *dirs = every_family;
    for (size_t d = 0; d < MUM_ARRAY_LEN(every_family); d++) {
        const char *inputs[3];
        family_in(dirs[d], inputs);
        char *threaded = describe_build(inputs, 3, 0);
        char *single = describe_build(inputs, 3, MUM_WALK_SINGLE_THREAD);
        same_description(threaded, single, dirs[d]);
        cr_assert_not_null(strstr(threaded, " in=1 "), "%s: some node is reached", dirs[d]);
        mum__free(threaded);
        mum__free(single);
    }
}

/* Resolution's maps keep a hash of each key and compare the nodes' own
 * fields on a hit (graph_resolve.c): with every key hashed alike (the test
 * hook), each lookup meets every other key of its map and must still find
 * only its own; the edges, duplicate identities, findings and matrix are
 * what distinct hashes give, on one thread and on two. */
Test(graph, resolution_with_every_key_colliding_gives_what_hashes_give)
{
    const char *const *dirs = every_family;
    for (size_t d = 0; d < MUM_ARRAY_LEN(every_family); d++) {
        const char *inputs[3];
        family_in(dirs[d], inputs);
        const char *twice[4] = {inputs[0], inputs[1], inputs[2], inputs[0]};
        for (int single = 0; single < 2; single++) {
            unsigned flags = single ? MUM_WALK_SINGLE_THREAD : 0;
            char *hashed = describe_build(twice, 4, flags);
            cr_assert(!mum__graph_resolve_collide(true));
            char *colliding = describe_build(twice, 4, flags);
            cr_assert(mum__graph_resolve_collide(false));
            same_description(colliding, hashed, dirs[d]);
            mum__free(hashed);
            mum__free(colliding);
        }
    }
}

/* The nodes by input (matrix.c, mum__graph_by_input): every node of an
 * input once, in node order, the inputs one after another. */
Test(graph, nodes_by_input_are_each_inputs_nodes_in_order)
{
    const char *inputs[3];
    family_in("kb943650", inputs);
    const char *twice[4] = {inputs[0], inputs[1], inputs[2], inputs[0]};
    mum_ctx *ctx;
    mum_findings *f;
    mum_graph *g = build_default(twice, 4, &ctx, &f);
    mum__by_input by = mum__graph_by_input(g);
    cr_assert_not_null(by.first);
    size_t n = mum_graph_node_count(g), ninputs = mum_graph_input_count(g);
    cr_assert_eq(ninputs, 4);
    cr_assert_eq(by.first[0], 0);
    cr_assert_eq(by.first[ninputs], n);
    size_t k = 0;
    for (size_t in = 0; in < ninputs; in++) {
        cr_assert_gt(by.first[in + 1], by.first[in], "input %zu has nodes", in);
        size_t count = 0;
        for (size_t i = 0; i < n; i++)
            if (mum_graph_node(g, i)->input == in) {
                cr_assert_eq(by.order[k], i, "input %zu: node %zu at %zu", in, i, k);
                k++;
                count++;
            }
        cr_assert_eq(by.first[in + 1] - by.first[in], count);
    }
    cr_assert_eq(by.first[4] - by.first[3], by.first[1] - by.first[0], "the same package twice");
    mum__free(by.first);
    free_built(g, f, ctx);
}

/* With no thread to be had (the pool's test hook: as when pthread_create
 * fails) every stage takes its inline road: the decoding, the catalogs, the
 * resolution and the checks give what MUM_WALK_SINGLE_THREAD gives. */
Test(graph, with_no_thread_to_be_had_every_stage_runs_inline)
{
    const char *dirs[] = {"kb943650", "broken/untrusted-catalog", "broken/payload-mismatch"};
    for (size_t d = 0; d < MUM_ARRAY_LEN(dirs); d++) {
        const char *inputs[3];
        family_in(dirs[d], inputs);
        mum__pool_no_threads(true);
        char *inline_ = describe_build(inputs, 3, 0);
        mum__pool_no_threads(false);
        char *single = describe_build(inputs, 3, MUM_WALK_SINGLE_THREAD);
        same_description(inline_, single, dirs[d]);
        mum__free(inline_);
        mum__free(single);
    }
}

/* Manifests the decoding thread parses while this one is behind
 * (mum_walk_consumer.prepare) must give what this thread's parse gives:
 * forced for every manifest, on the family, every twin, and manifests that
 * do not parse or have findings. */
Test(graph, manifests_prepared_on_the_decoding_thread_give_what_one_thread_gives)
{
    const char *const *dirs = every_family;
    for (size_t d = 0; d < MUM_ARRAY_LEN(every_family); d++) {
        const char *inputs[3];
        family_in(dirs[d], inputs);
        mum__walk_prepare_always(true);
        char *prepared = describe_build(inputs, 3, 0);
        mum__walk_prepare_always(false);
        char *single = describe_build(inputs, 3, MUM_WALK_SINGLE_THREAD);
        same_description(prepared, single, dirs[d]);
        mum__free(prepared);
        mum__free(single);
    }

    /* a folder of manifests that do not parse, or parse with findings, and a catalog */
    char dir[] = "/tmp/mum-graph-prep-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    static const char ok_head[] =
        "<assembly xmlns=\"urn:schemas-microsoft-com:asm.v3\" manifestVersion=\"1.0\">"
        "<assemblyIdentity name=\"Contoso-A\" version=\"1.0.0.0\" processorArchitecture=\"amd64\" "
        "language=\"neutral\" publicKeyToken=\"31bf3856ad364e35\" versionScope=\"nonSxS\"/>";
    const char *names[] = {"a-garbage.manifest", "b-cut.manifest", "c-delta.manifest", "d-findings.manifest",
                           "e-empty.mum", "f-x.cat"};
    char findings_doc[1024];
    snprintf(findings_doc, sizeof findings_doc,
             "%s<file name=\"x.dll\"><asmv2:hash xmlns:asmv2=\"urn:schemas-microsoft-com:asm.v2\">"
             "<dsig:Transforms xmlns:dsig=\"http://www.w3.org/2000/09/xmldsig#\"/>"
             "<dsig:DigestValue xmlns:dsig=\"http://www.w3.org/2000/09/xmldsig#\">not base64!</dsig:DigestValue>"
             "</asmv2:hash></file></assembly>",
             ok_head);
    const char *bodies[] = {"not xml at all", ok_head, "DCM\x01 delta", findings_doc, "", "not a catalog"};
    for (size_t i = 0; i < MUM_ARRAY_LEN(names); i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        FILE *fp = fopen(path, "wb");
        cr_assert_not_null(fp);
        fwrite(bodies[i], 1, strlen(bodies[i]), fp);
        fclose(fp);
    }
    const char *inputs[1] = {dir};
    mum__walk_prepare_always(true);
    char *prepared = describe_build(inputs, 1, 0);
    mum__walk_prepare_always(false);
    char *single = describe_build(inputs, 1, MUM_WALK_SINGLE_THREAD);
    same_description(prepared, single, dir);
    cr_assert_not_null(strstr(single, "a-garbage.manifest parse=-4 error=XML: syntax error"), "%s", single);
    cr_assert_not_null(strstr(single, "graph.delta-manifest"), "%s", single);
    cr_assert_not_null(strstr(single, "d-findings.manifest parse=0"), "%s", single);
    mum__free(prepared);
    mum__free(single);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
}

Test(graph, catalogs_checked_beside_the_walk_give_what_one_thread_gives)
{
    /* twins whose findings come from catalogs, and a folder with catalogs
     * that do not parse */
    const char *twins[] = {"unsigned-catalog", "untrusted-catalog", "manifest-not-in-catalog", "mum-without-cat"};
    for (size_t t = 0; t < MUM_ARRAY_LEN(twins); t++) {
        char dir[256];
        const char *inputs[3];
        snprintf(dir, sizeof dir, "broken/%s", twins[t]);
        family_in(dir, inputs);
        char *threaded = describe_build(inputs, 3, 0);
        char *single = describe_build(inputs, 3, MUM_WALK_SINGLE_THREAD);
        same_description(threaded, single, twins[t]);
        /* the walk waiting for the catalog thread after every catalog */
        mum__graph_catalog_backlog(1);
        char *waiting = describe_build(inputs, 3, 0);
        mum__graph_catalog_backlog((size_t)64 << 20);
        same_description(waiting, single, twins[t]); /* the walk waiting for every catalog */
        mum__free(waiting);
        mum__free(threaded);
        mum__free(single);
    }

    char dir[] = "/tmp/mum-graph-cats-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char path[512];
    const char *names[] = {"a-garbage.cat", "b-empty.cat", "c-truncated.cat"};
    const char *bodies[] = {"not a catalog at all", "", "\x30\x82\x10\x00\x06\x09"};
    const size_t sizes[] = {20, 0, 6};
    for (int i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        FILE *fp = fopen(path, "wb");
        cr_assert_not_null(fp);
        fwrite(bodies[i], 1, sizes[i], fp);
        fclose(fp);
    }
    const char *inputs[1] = {dir};
    char *threaded = describe_build(inputs, 1, 0);
    char *single = describe_build(inputs, 1, MUM_WALK_SINGLE_THREAD);
    same_description(threaded, single, dir);
    cr_assert_not_null(strstr(threaded, "graph.unreadable-catalog"), "%s", threaded);
    cr_assert_not_null(strstr(threaded, "c-truncated.cat parse="), "%s", threaded);
    mum__free(threaded);
    mum__free(single);
    for (int i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        unlink(path);
    }
    rmdir(dir);
}

/* The same with the decoding, parsing and catalog threads all running: which
 * allocation fails depends on how the threads interleave, so every attempt
 * must end cleanly, MUM_ENOMEM with the reason on ctx or (when the failure
 * only cost a worker thread, whose work then runs inline) MUM_OK, and, under
 * ASan, leak nothing. */
static int build_threaded(const char *input, bool *reported)
{
    return build_sample(input, 0, false, reported);
}

Test(graph, out_of_memory_on_any_thread_ends_cleanly, .timeout = 600)
{
    const char *input = sample(family[1]);
    bool reported;
    mum__alloc_fail_at(0);
    cr_assert_eq(build_threaded(input, &reported), MUM_OK);
    unsigned long total = mum__alloc_fail_at(0);
    cr_assert_gt(total, 100);
    int failed = 0;
    for (unsigned long n = 1; n <= total; n += total / 150 + 1) {
        mum__alloc_fail_at(n);
        int rc = build_threaded(input, &reported);
        mum__alloc_fail_at(0);
        cr_assert(rc == MUM_OK || rc == MUM_ENOMEM, "allocation %lu of %lu failing gave %d", n, total, rc);
        if (rc == MUM_ENOMEM) {
            /* mum_ctx_new's own failure leaves no ctx to say it on */
            cr_assert(reported || n == 1, "allocation %lu: MUM_ENOMEM without a reason on ctx", n);
            failed++;
        }
    }
    cr_assert_gt(failed, 0);
}

/* A node's strings are one allocation and a payload's first bytes are kept
 * only while an express index may need them: once a cabinet closes with no
 * index, its nodes hold none (a graph of 60 000 manifests has 120 000
 * nodes). */
Test(graph, nodes_keep_no_head_outside_express_cabinets)
{
    const char *inputs[1] = {sample(family[0])};
    mum_ctx *ctx;
    mum_findings *f;
    mum_graph *g = build_default(inputs, 1, &ctx, &f);
    size_t payloads = 0;
    for (size_t i = 0; i < mum_graph_node_count(g); i++) {
        const node_priv *n = (const node_priv *)mum_graph_node(g, i);
        cr_assert_null(n->kept, "%s keeps its first bytes", n->pub.entry);
        payloads += n->pub.kind == MUM_NODE_PAYLOAD;
        /* entry = container "!" dir "/" name, each part as before */
        char whole[2048];
        snprintf(whole, sizeof whole, "%s%s%s%s%s", n->pub.container, *n->pub.container ? "!" : "", n->pub.dir,
                 *n->pub.dir ? "/" : "", n->pub.name);
        cr_assert_str_eq(whole, n->pub.entry);
        cr_assert_str_eq(n->pub.name, mum__graph_node_name(n->pub.entry));
    }
    cr_assert_gt(payloads, 0);
    free_built(g, f, ctx);
}

/* A node's private record repeats nothing of its public one (strings,
 * manifest, catalog, edges and the express reason are pub's): what it
 * adds is a few pointers and flags, for tens of thousands of nodes. */
Test(graph, a_node_adds_little_to_its_public_record)
{
    cr_assert_leq(sizeof(node_priv) - sizeof(mum_node), 32, "%zu bytes", sizeof(node_priv) - sizeof(mum_node));
    cr_assert_eq(offsetof(node_priv, pub), 0, "a mum_node * is a node_priv *");
}

/* What only catalogs and PE payloads have is behind a pointer: every node
 * carried a catalog's signature result and the Authenticode digests (408
 * bytes a node on a 64-bit build, most of them manifests). */
Test(graph, a_node_carries_no_other_kinds_fields)
{
    if (sizeof(void *) == 8)
        cr_assert_leq(sizeof(mum_node), 200, "%zu bytes", sizeof(mum_node));
}

/* A payload's PE record holds its strings in one allocation, replaced
 * whole; it may be set from its own record. */
Test(graph, a_pe_record_is_one_copy)
{
    const char *in[] = {"in.cab"};
    mum_graph *g;
    cr_assert_eq(mum__graph_new(&g, in, 1), MUM_OK);
    node_priv *n = mum__graph_node_new(g, MUM_NODE_PAYLOAD, 0, "c/a.sys");
    node_priv *c = mum__graph_node_new(g, MUM_NODE_CATALOG, 0, "c/a.cat");
    cr_assert_not_null(n);
    cr_assert_not_null(c);
    cr_assert_null(n->pub.pe);
    cr_assert_null(n->pub.cat);
    cr_assert_not_null(c->pub.cat, "a catalog has its record from the start");
    cr_assert_null(c->pub.cat->catalog);
    cr_assert(!c->pub.cat->integrity_done);
    char error[] = "truncated PE file", version[] = "1.2.3.4";
    mum_node_pe pe = {.image = false, .error = error, .file_version = version};
    cr_assert_eq(mum__graph_node_set_pe(n, &pe), MUM_OK);
    error[0] = version[0] = 'X'; /* copied, not borrowed */
    cr_assert_str_eq(n->pub.pe->error, "truncated PE file");
    cr_assert_str_eq(n->pub.pe->file_version, "1.2.3.4");
    cr_assert_eq((const void *)n->pub.pe->error, (const void *)(n->pub.pe + 1), "in the same allocation");
    mum_node_pe again = *n->pub.pe; /* the node's own strings */
    again.error = NULL;
    again.image = again.sha1_ok = true;
    again.sha1[0] = 0x5a;
    cr_assert_eq(mum__graph_node_set_pe(n, &again), MUM_OK);
    cr_assert_null(n->pub.pe->error);
    cr_assert_str_eq(n->pub.pe->file_version, "1.2.3.4");
    cr_assert(n->pub.pe->image && n->pub.pe->sha1_ok && !n->pub.pe->sha256_ok);
    cr_assert_eq(n->pub.pe->sha1[0], 0x5a);
    mum_graph_free(g);
}

/* Nodes are made in blocks the graph owns, not one allocation each: the
 * nodes of a block follow each other in memory, and every node is in a
 * block (16 nodes, then twice as many each time, up to 256). */
Test(graph, nodes_come_from_blocks)
{
    const char *inputs[3] = {sample(family[0]), sample(family[1]), sample(family[2])};
    mum_ctx *ctx;
    mum_findings *f;
    mum_graph *g = build_default(inputs, 3, &ctx, &f);
    size_t count = mum_graph_node_count(g), blocks = 0, in_blocks = 0, breaks = 0;
    cr_assert_gt(count, 16, "more than one block");
    for (const node_block *b = g->blocks; b; b = b->next) {
        blocks++;
        in_blocks += b->used;
        cr_assert_leq(b->used, b->cap);
        cr_assert_leq(b->cap, 256);
        for (size_t k = 0; k < b->used; k++)
            cr_assert_eq(g->nodes[b->nodes[k].pub.index], &b->nodes[k]);
    }
    cr_assert_eq(in_blocks, count);
    for (size_t i = 0; i + 1 < count; i++)
        breaks += g->nodes[i + 1] != g->nodes[i] + 1;
    cr_assert_eq(breaks, blocks - 1, "each block's nodes in a row");
    free_built(g, f, ctx);
}

static const struct text_chunk *chunk_of(const mum_graph *g, const char *s)
{
    for (const struct text_chunk *c = g->text; c; c = c->next)
        if (s >= c->text && s + strlen(s) < c->text + c->cap)
            return c;
    return NULL;
}

static bool in_text(const mum_graph *g, const char *s)
{
    return chunk_of(g, s) != NULL;
}

/* A node's container, which many nodes repeat, is one string in the
 * graph's interned set; its entry path and folder are in the graph's
 * chunks of text (not an allocation each; the folder is the previous
 * node's when the same), a path longer than a quarter chunk in one of its
 * own, after which the current chunk is filled on. */
Test(graph, node_strings_are_the_graphs)
{
    const char *inputs[1] = {sample(family[0])};
    mum_ctx *ctx;
    mum_findings *f;
    mum_graph *g = build_default(inputs, 1, &ctx, &f);
    size_t shared = 0, dirs = 0, count = mum_graph_node_count(g);
    for (size_t i = 0; i < count; i++) {
        const node_priv *n = g->nodes[i];
        cr_assert(in_text(g, n->pub.entry), "%s", n->pub.entry);
        /* "" is a constant, no string of the set */
        if (*n->pub.container)
            cr_assert_eq(n->pub.container, mum__intern_str(g->strings, n->pub.container), "%s", n->pub.entry);
        if (*n->pub.dir)
            cr_assert(in_text(g, n->pub.dir), "%s", n->pub.entry);
        if (i && strcmp(g->nodes[i - 1]->pub.dir, n->pub.dir) == 0)
            cr_assert_eq(g->nodes[i - 1]->pub.dir, n->pub.dir, "%s: the previous node's folder", n->pub.entry);
        dirs += i && *n->pub.dir && g->nodes[i - 1]->pub.dir == n->pub.dir;
        for (size_t k = 0; k < i; k++)
            if (strcmp(g->nodes[k]->pub.container, n->pub.container) == 0) {
                cr_assert_eq(g->nodes[k]->pub.container, n->pub.container);
                shared += *n->pub.container != '\0';
                break;
            }
    }
    cr_assert_gt(shared, 0, "nodes of a nested cabinet");
    cr_assert_gt(dirs, 0, "payloads of one folder");
    mum_graph_free(g);

    const char *in = "in.cab";
    cr_assert_eq(mum__graph_new(&g, &in, 1), MUM_OK);
    static char long_path[20000];
    memset(long_path, 'd', sizeof long_path - 1);
    memcpy(long_path, "x.cab!", 6);
    long_path[9000] = '/';
    node_priv *a = mum__graph_node_new(g, MUM_NODE_PAYLOAD, 0, "x.cab!a/f1");
    cr_assert_not_null(a);
    node_priv *big = mum__graph_node_new(g, MUM_NODE_PAYLOAD, 0, long_path);
    cr_assert_not_null(big);
    node_priv *b = mum__graph_node_new(g, MUM_NODE_PAYLOAD, 0, "x.cab!a/f2");
    cr_assert_not_null(b);
    cr_assert_str_eq(big->pub.entry, long_path);
    cr_assert_str_eq(big->pub.container, "x.cab");
    cr_assert_eq(strlen(big->pub.dir), 9000 - 6);
    cr_assert_eq(strlen(big->pub.name), sizeof long_path - 1 - 9001);
    cr_assert_eq(chunk_of(g, b->pub.entry), chunk_of(g, a->pub.entry), "the chunk is filled on after a long path");
    cr_assert_neq(chunk_of(g, big->pub.entry), chunk_of(g, a->pub.entry));
    cr_assert_eq(a->pub.container, big->pub.container);
    cr_assert_str_eq(a->pub.dir, b->pub.dir);
    cr_assert_str_eq(b->pub.name, "f2");
    cr_assert(in_text(g, big->pub.entry));
    free_built(g, f, ctx);
}

/* The values manifests repeat (versions, architectures, tokens, the
 * input's path) are kept once for the graph, on whichever thread the
 * manifest was parsed: equal texts are one string.  Names are each
 * manifest's own. */
Test(graph, manifests_share_their_repeated_values)
{
    const char *inputs[2] = {sample(family[0]), sample(family[1])};
    mum_ctx *ctx;
    mum_findings *f;
    mum_graph *g = build_default(inputs, 2, &ctx, &f);
    const mum_manifest *first[2] = {NULL, NULL};
    size_t shared = 0;
    for (size_t i = 0; i < mum_graph_node_count(g); i++) {
        const mum_node *n = mum_graph_node(g, i);
        const mum_manifest *m = n->manifest;
        if (!m)
            continue;
        const mum_manifest *a = first[n->input];
        if (!a) {
            first[n->input] = m;
            continue;
        }
        cr_assert_eq(m->input, a->input, "%s: the input's path once", m->entry);
        if (m->identity.public_key_token && a->identity.public_key_token &&
            strcmp(m->identity.public_key_token, a->identity.public_key_token) == 0) {
            cr_assert_eq(m->identity.public_key_token, a->identity.public_key_token, "%s", m->entry);
            shared++;
        }
        if (m->identity.arch && a->identity.arch && strcmp(m->identity.arch, a->identity.arch) == 0)
            cr_assert_eq(m->identity.arch, a->identity.arch, "%s", m->entry);
        if (m->identity.name && a->identity.name)
            cr_assert_neq(m->identity.name, a->identity.name, "names are not shared");
    }
    cr_assert_gt(shared, 0);
    cr_assert_neq(first[0]->input, first[1]->input);
    free_built(g, f, ctx);
}

static const char *fixture(const char *rel)
{
    return tu_src_path("tests/fixtures/containers", rel);
}

static const node_priv *node_named(const mum_graph *g, const char *entry)
{
    for (size_t i = 0; i < mum_graph_node_count(g); i++) {
        const node_priv *n = (const node_priv *)mum_graph_node(g, i);
        if (strcmp(n->pub.entry, entry) == 0)
            return n;
    }
    return NULL;
}

/* In an express cabinet only the payloads whose first bytes can begin a
 * delta keep them: "5" ("XXXX not a delta at all", which the index names as
 * a PA30 source) keeps none, and still gets the finding a head of its
 * bytes gave. */
Test(graph, only_heads_that_can_begin_a_delta_are_kept)
{
    const char *inputs[1] = {fixture("express-bad.cab")};
    mum_ctx *ctx;
    mum_findings *f;
    mum_graph *g = build_default(inputs, 1, &ctx, &f);
    static const char *const deltas[] = {"0", "1", "6"}, *const others[] = {"5", "7", "raw.txt"};
    for (size_t i = 0; i < MUM_ARRAY_LEN(deltas); i++) {
        const node_priv *n = node_named(g, deltas[i]);
        cr_assert_not_null(n, "%s", deltas[i]);
        cr_assert_not_null(mum__node_head(n), "%s keeps its head", deltas[i]);
        cr_assert_eq(mum__node_head_size(n), n->pub.size < MUM_PA30_HEADER_MAX ? n->pub.size : MUM_PA30_HEADER_MAX);
        cr_assert_eq(memcmp(mum__node_head(n), "PA30", 4), 0);
    }
    for (size_t i = 0; i < MUM_ARRAY_LEN(others); i++) {
        const node_priv *n = node_named(g, others[i]);
        cr_assert_not_null(n, "%s", others[i]);
        cr_assert_null(mum__node_head(n), "%s is no delta: no head", others[i]);
        cr_assert_eq(mum__node_head_size(n), 0);
    }
    mum_verify_options vo = MUM_VERIFY_OPTIONS_INIT;
    mum_verify_result *r;
    cr_assert_eq(mum_verify_graph(&r, ctx, g, &vo, f), MUM_OK, "%s", mum_ctx_message(ctx));
    cr_assert_eq(count_rule(f, "express.pa30-malformed"), 1);
    const mum_finding *x = tu_find_rule(f, "express.pa30-malformed");
    cr_assert_str_eq(x->loc.entry, "5");
    cr_assert_str_eq(x->message, "PA30 header at offset 0: no \"PA30\" signature (the delta of comp_a\\fifth.bin)");
    /* the heads that were kept are read: the size and hash of the deltas */
    cr_assert_eq(count_rule(f, "express.pa30-size-mismatch"), 1);
    cr_assert_eq(count_rule(f, "express.pa30-hash-mismatch"), 1);
    mum_verify_result_free(r);
    free_built(g, f, ctx);
}

/* A genuine express package: every PA30 source found in its cabinet has
 * its header read from the head its node kept, and every file is rebuilt
 * (no payload.not-checkable, no express finding). */
Test(graph, a_genuine_express_package_keeps_every_delta_head)
{
    const char *real = getenv("MUM_REALDATA");
    char input[4096];
    snprintf(input, sizeof input, "%s/msu/Windows6.1-KB2465285-x64.msu", real ? real : "");
    if (!real || access(input, R_OK) != 0)
        cr_skip_test("real data absent (set MUM_REALDATA): %s", input);
    const char *inputs[1] = {input};
    mum_ctx *ctx;
    mum_findings *f;
    mum_graph *g = build_default(inputs, 1, &ctx, &f);
    const mum_graph_input *in = mum_graph_input_at(g, 0);
    cr_assert_eq(in->express_count, 1);
    const mum_express_index *idx = in->express[0];
    size_t pa30 = 0;
    for (size_t i = 0; i < idx->count; i++) {
        const mum_express_file *x = &idx->files[i];
        if (x->source_type != MUM_EXPRESS_SOURCE_PA30 || x->blob == MUM_EXPRESS_NONE)
            continue;
        cr_assert(x->has_pa30, "%s: its delta's header is read", x->name);
        cr_assert_eq(x->pa30.target_size, x->length, "%s", x->name);
        pa30++;
    }
    cr_assert_gt(pa30, 5);
    size_t heads = 0;
    for (size_t i = 0; i < mum_graph_node_count(g); i++) {
        const node_priv *n = (const node_priv *)mum_graph_node(g, i);
        if (mum__node_head(n)) {
            cr_assert_eq(memcmp(mum__node_head(n), "PA30", 4), 0, "%s", n->pub.entry);
            heads++;
        }
    }
    cr_assert_gt(heads, 0);
    mum_verify_options vo = MUM_VERIFY_OPTIONS_INIT;
    mum_verify_result *r;
    cr_assert_eq(mum_verify_graph(&r, ctx, g, &vo, f), MUM_OK, "%s", mum_ctx_message(ctx));
    cr_assert_eq(count_rule(f, "payload.not-checkable"), 0, "every file rebuilt");
    for (size_t i = 0; i < mum_findings_count(f); i++)
        cr_assert_neq(strncmp(mum_findings_get(f, i)->rule->id, "express.", 8), 0, "%s",
                      mum_findings_get(f, i)->message);
    mum_verify_result_free(r);
    free_built(g, f, ctx);
}

/* A node's edges are counted before they are added: every node's array
 * holds exactly its edges (a doubling array left a component with one file
 * room for eight), and the edges are still all there (the family's
 * components have file edges, its packages package and catalog edges). */
Test(graph, edge_arrays_are_exactly_their_edges)
{
    const char *inputs[3] = {sample(family[0]), sample(family[1]), sample(family[2])};
    mum_ctx *ctx;
    mum_findings *f;
    mum_graph *g = build_default(inputs, 3, &ctx, &f);
    size_t files = 0, catalogs = 0;
    for (size_t i = 0; i < mum_graph_node_count(g); i++) {
        const node_priv *n = g->nodes[i];
        cr_assert_eq(n->edge_cap, n->pub.edge_count, "%s: room for %zu, %zu edges", n->pub.entry, (size_t)n->edge_cap,
                     n->pub.edge_count);
        for (size_t e = 0; e < n->pub.edge_count; e++) {
            files += n->pub.edges[e].kind == MUM_EDGE_FILE;
            catalogs += n->pub.edges[e].kind == MUM_EDGE_CATALOG;
        }
    }
    cr_assert_gt(files, 0);
    cr_assert_gt(catalogs, 0);
    free_built(g, f, ctx);
}

/* An input keeps room for the signatures it has, not for eight: a small
 * package has one or two, and 1 000 of them kept 1.4 KB each for nothing. */
Test(graph, signature_arrays_are_about_their_signatures)
{
    const char *inputs[3] = {sample(family[0]), sample(family[1]), sample(family[2])};
    mum_ctx *ctx;
    mum_findings *f;
    mum_graph *g = build_default(inputs, 3, &ctx, &f);
    for (size_t i = 0; i < 3; i++) {
        const input_priv *in = &g->inputs[i];
        cr_assert_gt(in->nsigs, 0, "%s", inputs[i]);
        cr_assert_leq(in->capsigs, 2 * in->nsigs, "%s: room for %zu, %zu signatures", inputs[i], in->capsigs,
                      in->nsigs);
    }
    free_built(g, f, ctx);
}

/* ---- small inputs read at once (graph.c, read_shards) ---- */

/* Ten small inputs: both sample families, a broken twin, and container
 * fixtures whose reading gives findings (a fake signature, trailing
 * bytes), so that reading at once splits them into several jobs. */
static void many_small(const char **in)
{
    in[0] = sample(family[0]);
    in[1] = sample(family[1]);
    in[2] = sample(family[2]);
    in[3] = sample("kb943650-v2/Windows6.0-KB943650-x86.msu");
    in[4] = sample("kb943650-v2/Windows6.0-KB943650-x64.msu");
    in[5] = sample("broken/payload-mismatch/Windows6.0-KB943650-x64.msu");
    in[6] = fixture("sigfake.cab");
    in[7] = fixture("trailing.cab");
    in[8] = fixture("nested.cab");
    in[9] = fixture("express.cab");
}

static int build_many(const char *const *in, size_t n, unsigned walk_flags, mum_graph **g, mum_ctx **ctx,
                      mum_findings **f)
{
    mum_graph_options o = MUM_GRAPH_OPTIONS_INIT;
    o.walk_flags = walk_flags;
    *g = NULL;
    *f = NULL;
    *ctx = NULL;
    int rc = mum_ctx_new(ctx);
    if (rc == MUM_OK)
        rc = mum_findings_new(f);
    if (rc == MUM_OK)
        rc = mum_graph_build(g, *ctx, in, n, &o, *f);
    return rc;
}

/* The same nodes in the same order (index, input, kind, path, digests,
 * identity, edges), the same inputs and the same findings in order. */
static void same_graphs(mum_graph *a, mum_graph *b, mum_findings *fa, mum_findings *fb, size_t n)
{
    cr_assert_eq(mum_graph_node_count(a), mum_graph_node_count(b));
    cr_assert_gt(mum_graph_node_count(a), 100);
    for (size_t i = 0; i < mum_graph_node_count(a); i++) {
        const mum_node *x = mum_graph_node(a, i), *y = mum_graph_node(b, i);
        cr_assert_eq(x->index, i);
        cr_assert_eq(x->input, y->input, "node %zu", i);
        cr_assert_eq(x->kind, y->kind, "node %zu", i);
        cr_assert_str_eq(x->entry, y->entry);
        cr_assert_str_eq(x->dir, y->dir);
        cr_assert_str_eq(x->container, y->container);
        cr_assert_eq(memcmp(x->digests.sha256, y->digests.sha256, 32), 0, "%s", x->entry);
        cr_assert_eq(!x->id, !y->id, "%s", x->entry);
        if (x->id)
            cr_assert_eq(mum_identity_compare(x->id, y->id, 0), 0, "%s", x->entry);
        cr_assert_eq(x->edge_count, y->edge_count, "%s", x->entry);
        cr_assert_eq(x->in_count, y->in_count, "%s", x->entry);
        for (size_t k = 0; k < x->edge_count; k++) {
            const mum_node *tx = x->edges[k].to, *ty = y->edges[k].to;
            cr_assert_eq(!tx, !ty, "%s edge %zu", x->entry, k);
            if (tx)
                cr_assert_eq(tx->index, ty->index, "%s edge %zu", x->entry, k);
            const mum_node *ox = x->edges[k].other_version, *oy = y->edges[k].other_version;
            cr_assert_eq(!ox, !oy, "%s edge %zu", x->entry, k);
            if (ox)
                cr_assert_eq(ox->index, oy->index, "%s edge %zu", x->entry, k);
        }
    }
    for (size_t i = 0; i < n; i++) {
        const mum_graph_input *x = mum_graph_input_at(a, i), *y = mum_graph_input_at(b, i);
        cr_assert_str_eq(x->kind, y->kind);
        cr_assert_eq(x->express_count, y->express_count);
        cr_assert_str_eq(x->platform, y->platform);
        cr_assert_str_eq(x->kb ? x->kb : "", y->kb ? y->kb : "");
        cr_assert_eq(x->packages, y->packages);
        cr_assert_eq(x->components, y->components);
        cr_assert_eq(x->catalogs, y->catalogs);
        cr_assert_eq(x->payloads, y->payloads);
    }
    cr_assert_eq(mum_findings_count(fa), mum_findings_count(fb));
    cr_assert_gt(mum_findings_count(fa), 0);
    for (size_t i = 0; i < mum_findings_count(fa); i++) {
        const mum_finding *x = mum_findings_get(fa, i), *y = mum_findings_get(fb, i);
        cr_assert_eq(x->rule, y->rule);
        cr_assert_str_eq(x->message, y->message);
    }
}

/* in[0..n) read at once (the pool) and in order on one thread: both
 * succeed with the same graph and findings; also, when given, checks more
 * of the graph read at once. */
static void read_at_once_as_in_order(const char *const *in, size_t n, void (*also)(mum_graph *))
{
    mum_graph *a, *b;
    mum_ctx *ca, *cb;
    mum_findings *fa, *fb;
    cr_assert_eq(build_many(in, n, 0, &a, &ca, &fa), MUM_OK, "%s", mum_ctx_message(ca));
    cr_assert_eq(build_many(in, n, MUM_WALK_SINGLE_THREAD, &b, &cb, &fb), MUM_OK, "%s", mum_ctx_message(cb));
    same_graphs(a, b, fa, fb, n);
    if (also)
        also(a);
    free_built(a, fa, ca);
    free_built(b, fb, cb);
}

/* The graph and findings of small inputs read at once on the pool are
 * those of reading them one after another: the same nodes in the same
 * order (index, input, kind, path, digests, identity), the same inputs and
 * the same findings in order. */
Test(graph, small_inputs_read_at_once_give_the_graph_of_reading_in_order)
{
    const char *in[10];
    many_small(in);
    read_at_once_as_in_order(in, 10, NULL);
}

/* the two folders of the test below, inputs 3 and 10, read alike */
static void folders_alike(mum_graph *g)
{
    cr_assert_str_eq(mum_graph_input_at(g, 3)->kind, mum_graph_input_at(g, 10)->kind);
}

/* A run of small inputs read at once ends at an input that is not small
 * (a folder), read on its own, and another run starts after it; the run is
 * found while its jobs are queued, the graph and findings still those of
 * reading in order. */
Test(graph, runs_of_small_inputs_around_a_folder_give_the_graph_of_reading_in_order)
{
    char dir[] = "/tmp/mum-graph-runs-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char path[512];
    snprintf(path, sizeof path, "%s/a.manifest", dir);
    FILE *fp = fopen(path, "wb");
    cr_assert_not_null(fp);
    fputs("<assembly xmlns=\"urn:schemas-microsoft-com:asm.v3\" manifestVersion=\"1.0\">"
          "<assemblyIdentity name=\"Contoso-A\" version=\"1.0.0.0\" processorArchitecture=\"amd64\" "
          "language=\"neutral\" publicKeyToken=\"31bf3856ad364e35\" versionScope=\"nonSxS\"/></assembly>",
          fp);
    fclose(fp);
    const char *small[10];
    many_small(small);
    /* runs of 3 and 6, a lone small input (read on this thread), folders between */
    const char *in[] = {small[0], small[1], small[2], dir,       small[3], small[4], small[5],
                        small[6], small[7], small[8], dir,       small[9]};
    read_at_once_as_in_order(in, MUM_ARRAY_LEN(in), folders_alike);
    unlink(path);
    rmdir(dir);
}

/* 240 small inputs (the ten, 24 times) read at once: jobs of
 * several inputs, the first ones smaller, then full batches, shrinking
 * towards the end; the graph and findings still those of reading in order. */
Test(graph, hundreds_of_small_inputs_read_at_once_give_the_graph_of_reading_in_order, .timeout = 300)
{
    enum { N = 240 };
    const char *ten[10], *in[N];
    many_small(ten);
    for (size_t i = 0; i < N; i++)
        in[i] = ten[i % 10];
    read_at_once_as_in_order(in, N, NULL);
}

/* An input that cannot be read in the middle of a job of many inputs ends
 * the build with its own error, as reading in order does, whatever the
 * jobs queued after it read. */
Test(graph, an_unreadable_input_among_hundreds_gives_the_error_of_reading_in_order, .timeout = 300)
{
    enum { N = 200, BAD = 117 };
    const char *ten[10], *in[N];
    many_small(ten);
    for (size_t i = 0; i < N; i++)
        in[i] = ten[i % 10];
    /* small and regular: read by a job, which fails on it */
    char bad[] = "/tmp/mum-graph-bad-XXXXXX";
    int fd = mkstemp(bad);
    cr_assert_geq(fd, 0);
    cr_assert_eq(write(fd, "not a cabinet", 13), 13);
    close(fd);
    in[BAD] = bad;
    mum_graph *a, *b;
    mum_ctx *ca, *cb;
    mum_findings *fa, *fb;
    int ra = build_many(in, N, 0, &a, &ca, &fa);
    int rb = build_many(in, N, MUM_WALK_SINGLE_THREAD, &b, &cb, &fb);
    cr_assert_neq(ra, MUM_OK);
    cr_assert_eq(ra, rb);
    cr_assert_null(a);
    cr_assert_null(b);
    cr_assert_str_eq(mum_ctx_message(ca), mum_ctx_message(cb));
    cr_assert_eq(mum_findings_count(fa), mum_findings_count(fb));
    free_built(a, fa, ca);
    free_built(b, fb, cb);
    unlink(bad);
}

/* Copies the file at `from` over `to`. */
static void copy_over(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
    cr_assert(in && out, "%s -> %s", from, to);
    char buf[8192];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        cr_assert_eq(fwrite(buf, 1, n, out), n);
    fclose(in);
    cr_assert_eq(fclose(out), 0);
}

/* Makes `path` the file at `from`, or an empty folder when from is NULL. */
static void make_input(const char *from, const char *path)
{
    if (rmdir(path) != 0)
        unlink(path);
    if (from)
        copy_over(from, path);
    else
        cr_assert_eq(mkdir(path, 0700), 0, "%s", path);
}

/* The nodes (entry, kind, SHA-256) and findings of reading input 0 of a
 * graph, made from before_stat (make_input) when the graph looks at it
 * (mum__graph_small_input: *small, its answer) and from after_stat then
 * when `change`. */
static char *read_first(const char *path, const char *before_stat, bool change, const char *after_stat,
                        bool *small)
{
    make_input(before_stat, path);
    const char *in[2] = {path, path};
    mum_graph *g;
    cr_assert_eq(mum__graph_new(&g, in, 2), MUM_OK);
    *small = mum__graph_small_input(&g->inputs[0]);
    if (change)
        make_input(after_stat, path);
    mum_ctx *ctx;
    mum_findings *f;
    mum_ctx_new(&ctx);
    mum_findings_new(&f);
    mum_graph_options o = MUM_GRAPH_OPTIONS_INIT;
    int rc = mum__graph_read_input(g, ctx, 0, &o, f, NULL);
    char *text;
    size_t len;
    FILE *m = open_memstream(&text, &len);
    fprintf(m, "rc %d %s\n", rc, rc == MUM_OK ? "" : mum_ctx_message(ctx));
    for (size_t i = 0; i < mum_graph_node_count(g); i++) {
        const mum_node *n = mum_graph_node(g, i);
        fprintf(m, "%d %s %02x%02x%02x%02x\n", (int)n->kind, n->entry, n->digests.sha256[0], n->digests.sha256[1],
                n->digests.sha256[2], n->digests.sha256[3]);
    }
    for (size_t i = 0; i < mum_findings_count(f); i++)
        fprintf(m, "%s %s\n", mum_findings_get(f, i)->rule->id, mum_findings_get(f, i)->message);
    fclose(m);
    mum_graph_free(g);
    mum_findings_free(f);
    mum_ctx_free(ctx);
    return text;
}

/* A small input's size, seen by the stat that finds it small, spares the
 * walk a stat of its own; an input changed after that stat (grown,
 * shrunk, no longer a cabinet, a folder now) is read as it is now, as a
 * fresh read of it gives, never with the size it had. */
Test(graph, a_small_input_changed_after_its_stat_is_read_as_it_is_now)
{
    char path[] = "/tmp/mum-graph-changed-XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    close(fd);
    char garbage[] = "/tmp/mum-graph-garbage-XXXXXX";
    fd = mkstemp(garbage);
    cr_assert_geq(fd, 0);
    cr_assert_eq(write(fd, "MSCF and then not a cabinet", 27), 27);
    close(fd);
    /* x86 31 236 bytes, x64 34 373, ia64 28 417 */
    const char *x86 = sample(family[0]), *x64 = sample(family[1]), *ia64 = sample(family[2]);
    /* NULL: an empty folder */
    const char *pairs[][2] = {{x86, x64}, {x64, ia64}, {x86, garbage}, {garbage, x64}, {x86, NULL}};
    bool small;
    for (size_t i = 0; i < MUM_ARRAY_LEN(pairs); i++) {
        char *fresh = read_first(path, pairs[i][1], false, NULL, &small);
        char *changed = read_first(path, pairs[i][0], true, pairs[i][1], &small);
        cr_assert(small, "pair %zu", i);
        cr_assert_str_eq(changed, fresh, "pair %zu", i);
        cr_assert_gt(strlen(fresh), 5, "pair %zu", i);
        free(fresh);
        free(changed);
    }
    char *a = read_first(path, x86, false, NULL, &small), *b = read_first(path, x64, false, NULL, &small);
    cr_assert(strcmp(a, b) != 0, "x86 and x64 read alike");
    free(a);
    free(b);
    unlink(garbage);
    if (rmdir(path) != 0)
        unlink(path);
}

/* Small inputs read at once are resolved by the jobs that read them, on
 * the workers, not by the caller once every input is read; read on one
 * thread, they are resolved by the caller after. */
Test(graph, small_inputs_read_at_once_are_resolved_where_they_are_read)
{
    const char *in[10];
    many_small(in);
    mum_graph *g;
    mum_ctx *ctx;
    mum_findings *f;
    cr_assert_eq(build_many(in, 10, 0, &g, &ctx, &f), MUM_OK, "%s", mum_ctx_message(ctx));
    for (size_t i = 0; i < 10; i++)
        cr_assert(g->inputs[i].resolved, "input %zu (%s) resolved by the caller", i, in[i]);
    free_built(g, f, ctx);
    cr_assert_eq(build_many(in, 10, MUM_WALK_SINGLE_THREAD, &g, &ctx, &f), MUM_OK, "%s", mum_ctx_message(ctx));
    for (size_t i = 0; i < 10; i++)
        cr_assert_not(g->inputs[i].resolved, "input %zu read on one thread, resolved after", i);
    free_built(g, f, ctx);
}

/* A failed allocation on any thread while small inputs are read at once
 * ends the build with MUM_ENOMEM, said on ctx, and nothing leaked. */
Test(graph, out_of_memory_while_reading_inputs_at_once_ends_cleanly, .timeout = 600)
{
    const char *in[10];
    many_small(in);
    mum_graph *g;
    mum_ctx *ctx;
    mum_findings *f;
    mum__alloc_fail_at(0);
    cr_assert_eq(build_many(in, 10, 0, &g, &ctx, &f), MUM_OK);
    free_built(g, f, ctx);
    unsigned long total = mum__alloc_fail_at(0);
    cr_assert_gt(total, 1000);
    int failed = 0;
    for (unsigned long n = 1; n <= total; n += total / 200 + 1) {
        mum__alloc_fail_at(n);
        int rc = build_many(in, 10, 0, &g, &ctx, &f);
        mum__alloc_fail_at(0);
        cr_assert(rc == MUM_OK || rc == MUM_ENOMEM, "allocation %lu of %lu failing gave %d", n, total, rc);
        if (rc == MUM_ENOMEM) {
            cr_assert(n == 1 || (mum_ctx_status(ctx) == MUM_ENOMEM && *mum_ctx_reason(ctx)),
                      "allocation %lu: MUM_ENOMEM without a reason on ctx", n);
            failed++;
        }
        free_built(g, f, ctx);
    }
    cr_assert_gt(failed, 0);
}

/* ---- judging in parts on the pool (verify.c, judge_read_facts_and_parts) ---- */

static void same_verdict(const mum_sig_result *x, const mum_sig_result *y, const char *what)
{
    cr_assert_eq(!x, !y, "%s", what);
    if (!x)
        return;
    cr_assert_eq(x->status, y->status, "%s", what);
    cr_assert_eq(x->failed_check, y->failed_check, "%s", what);
    cr_assert_eq(x->trust_issue, y->trust_issue, "%s", what);
    cr_assert_eq(x->signer, y->signer, "%s", what);
    cr_assert_str_eq(x->detail ? x->detail : "", y->detail ? y->detail : "", "%s", what);
    cr_assert_eq(x->time_source, y->time_source, "%s", what);
    /* judged at "now" by two runs, one after the other: a second may have
     * begun between them (valgrind, sanitizers) */
    if (x->time_source == MUM_SIG_TIME_NOW)
        cr_assert(y->evaluated_at >= x->evaluated_at - 1 && y->evaluated_at <= x->evaluated_at + 1,
                  "%s: %lld, %lld", what, (long long)x->evaluated_at, (long long)y->evaluated_at);
    else
        cr_assert_eq(x->evaluated_at, y->evaluated_at, "%s", what);
    cr_assert_eq(x->timestamp_status, y->timestamp_status, "%s", what);
    cr_assert_eq(x->chain_status, y->chain_status, "%s", what);
    cr_assert_eq(x->chain_checked, y->chain_checked, "%s", what);
}

/* How many verdicts of a verify have this status. */
static size_t verdicts_with(const mum_verify_result *r, const mum_graph *g, mum_sig_status status)
{
    size_t n = 0;
    for (size_t i = 0; i < mum_graph_input_count(g); i++)
        for (size_t s = 0; s < mum_graph_input_at(g, i)->signature_count; s++) {
            const mum_sig_result *v = mum_verify_signature(r, i, s, NULL);
            n += v && v->status == status;
        }
    for (size_t i = 0; i < mum_graph_node_count(g); i++) {
        const mum_node *x = mum_graph_node(g, i);
        const mum_sig_result *v = x->kind == MUM_NODE_CATALOG ? mum_verify_catalog_signature(r, x) : NULL;
        n += v && v->status == status;
    }
    return n;
}

/* The signatures' verdicts and the manifests' checks of a graph of many
 * inputs are judged in parts on the pool: the verdicts, the findings (in
 * order, with their places) and the status must be those of judging on one
 * thread (a graph built with MUM_WALK_SINGLE_THREAD), with anchors (chains
 * verified again; sigfake.cab's signature fails) and without (the reading's
 * integrity verdicts), at a given time and at none. */
Test(graph, judging_in_parts_gives_what_one_thread_judges)
{
    const char *in[10];
    many_small(in);
    mum_trust *anchors = test_ca();
    for (int pass = 0; pass < 3; pass++) {
        mum_verify_options vo = MUM_VERIFY_OPTIONS_INIT;
        vo.anchors = pass < 2 ? anchors : NULL;
        vo.has_time = pass == 1;
        vo.time = 1700000000;
        mum_graph *a, *b;
        mum_ctx *ca, *cb;
        mum_findings *fa, *fb;
        cr_assert_eq(build_many(in, 10, 0, &a, &ca, &fa), MUM_OK, "%s", mum_ctx_message(ca));
        cr_assert_eq(build_many(in, 10, MUM_WALK_SINGLE_THREAD, &b, &cb, &fb), MUM_OK, "%s",
                     mum_ctx_message(cb));
        /* enough work for parts (verify.c's part_count) */
        cr_assert_gt(mum_graph_node_count(a), 64);
        size_t read = mum_findings_count(fa);
        mum_verify_result *ra, *rb;
        cr_assert_eq(mum_verify_graph(&ra, ca, a, &vo, fa), MUM_OK, "%s", mum_ctx_message(ca));
        cr_assert_eq(mum_verify_graph(&rb, cb, b, &vo, fb), MUM_OK, "%s", mum_ctx_message(cb));
        cr_assert_gt(mum_findings_count(fa), read);
        cr_assert_eq(mum_findings_count(fa), mum_findings_count(fb), "pass %d", pass);
        for (size_t i = 0; i < mum_findings_count(fa); i++) {
            const mum_finding *x = mum_findings_get(fa, i), *y = mum_findings_get(fb, i);
            cr_assert_str_eq(x->rule->id, y->rule->id, "pass %d, finding %zu", pass, i);
            cr_assert_str_eq(x->message, y->message, "pass %d, finding %zu", pass, i);
            cr_assert_str_eq(x->loc.input ? x->loc.input : "", y->loc.input ? y->loc.input : "");
            cr_assert_str_eq(x->loc.entry ? x->loc.entry : "", y->loc.entry ? y->loc.entry : "");
            cr_assert_eq(x->loc.line, y->loc.line);
        }
        for (size_t i = 0; i < 10; i++)
            for (size_t s = 0; s < mum_graph_input_at(a, i)->signature_count; s++) {
                const char *sa, *sb;
                const mum_sig_result *x = mum_verify_signature(ra, i, s, &sa),
                                     *y = mum_verify_signature(rb, i, s, &sb);
                same_verdict(x, y, in[i]);
                cr_assert_str_eq(sa ? sa : "", sb ? sb : "", "%s", in[i]);
            }
        for (size_t i = 0; i < mum_graph_node_count(a); i++) {
            const mum_node *x = mum_graph_node(a, i);
            if (x->kind == MUM_NODE_CATALOG)
                same_verdict(mum_verify_catalog_signature(ra, x),
                             mum_verify_catalog_signature(rb, mum_graph_node(b, i)), x->entry);
        }
        /* trusted signatures, and failing ones among them */
        cr_assert_gt(verdicts_with(ra, a, MUM_SIG_INTEGRITY_FAILED), 0, "pass %d", pass);
        mum_sig_status good = pass < 2 ? MUM_SIG_TRUSTED : MUM_SIG_UNTRUSTED;
        cr_assert_gt(verdicts_with(ra, a, good), 0, "pass %d", pass);
        mum_verify_result_free(ra);
        mum_verify_result_free(rb);
        free_built(a, fa, ca);
        free_built(b, fb, cb);
    }
    mum_trust_free(anchors);
}

/* An allocator whose fresh blocks hold no zeros (as reused memory may). */
static void *poisoned_malloc(size_t n)
{
    void *p = malloc(n);
    if (p)
        memset(p, 0xA5, n);
    return p;
}

static void *poisoned_realloc(void *ptr, size_t n)
{
    return ptr ? realloc(ptr, n) : poisoned_malloc(n);
}

/* The verdicts' slots are zeroed by the parts that judge them, not when
 * they are allocated (verify.c, mum__judge_signatures_clear): with memory
 * that comes dirty, judging in parts and on one thread still give the
 * same verdicts, and none for an input's absent signature. */
Test(graph, judged_verdicts_do_not_depend_on_what_memory_held)
{
    const char *in[10];
    many_small(in);
    mum_trust *anchors = test_ca();
    mum_verify_options vo = MUM_VERIFY_OPTIONS_INIT;
    vo.anchors = anchors;
    vo.has_time = true;
    vo.time = 1700000000;
    mum_graph *a, *b;
    mum_ctx *ca, *cb;
    mum_findings *fa, *fb;
    cr_assert_eq(build_many(in, 10, 0, &a, &ca, &fa), MUM_OK, "%s", mum_ctx_message(ca));
    cr_assert_eq(build_many(in, 10, MUM_WALK_SINGLE_THREAD, &b, &cb, &fb), MUM_OK, "%s", mum_ctx_message(cb));
    cr_assert_gt(mum_graph_node_count(a), 64);
    mum_allocator dirty = {poisoned_malloc, poisoned_realloc, free};
    mum_set_allocator(&dirty);
    mum_verify_result *ra, *rb;
    int rca = mum_verify_graph(&ra, ca, a, &vo, fa), rcb = mum_verify_graph(&rb, cb, b, &vo, fb);
    mum_set_allocator(NULL);
    cr_assert_eq(rca, MUM_OK, "%s", mum_ctx_message(ca));
    cr_assert_eq(rcb, MUM_OK, "%s", mum_ctx_message(cb));
    /* the findings too (the cycles' and the cover's stacks come dirty) */
    cr_assert_eq(mum_findings_count(fa), mum_findings_count(fb));
    for (size_t i = 0; i < mum_findings_count(fa); i++) {
        const mum_finding *x = mum_findings_get(fa, i), *y = mum_findings_get(fb, i);
        cr_assert_str_eq(x->rule->id, y->rule->id, "finding %zu", i);
        cr_assert_str_eq(x->message, y->message, "finding %zu", i);
    }
    size_t absent = 0;
    for (size_t i = 0; i < 10; i++)
        for (size_t s = 0; s < mum_graph_input_at(a, i)->signature_count; s++) {
            const mum_graph_signature *gs = &mum_graph_input_at(a, i)->signatures[s];
            const mum_sig_result *x = mum_verify_signature(ra, i, s, NULL),
                                 *y = mum_verify_signature(rb, i, s, NULL);
            same_verdict(x, y, in[i]);
            if (!gs->present) {
                absent++;
                cr_assert_null(x, "%s: an absent signature has no verdict", in[i]);
            }
        }
    cr_assert_gt(absent, 0);
    for (size_t i = 0; i < mum_graph_node_count(a); i++) {
        const mum_node *x = mum_graph_node(a, i);
        if (x->kind == MUM_NODE_CATALOG)
            same_verdict(mum_verify_catalog_signature(ra, x), mum_verify_catalog_signature(rb, mum_graph_node(b, i)),
                         x->entry);
    }
    mum_verify_result_free(ra);
    mum_verify_result_free(rb);
    free_built(a, fa, ca);
    free_built(b, fb, cb);
    mum_trust_free(anchors);
}

/* A failed allocation on any thread while a graph of many inputs is judged
 * in parts ends the verify with MUM_ENOMEM, said on ctx, and nothing
 * leaked (the parts' own contexts and findings). */
Test(graph, out_of_memory_while_judging_in_parts_ends_cleanly, .timeout = 600)
{
    const char *in[10];
    many_small(in);
    mum_trust *anchors = test_ca();
    mum_verify_options vo = MUM_VERIFY_OPTIONS_INIT;
    vo.anchors = anchors;
    mum_graph *g;
    mum_ctx *ctx;
    mum_findings *f;
    cr_assert_eq(build_many(in, 10, 0, &g, &ctx, &f), MUM_OK, "%s", mum_ctx_message(ctx));
    mum_verify_result *r;
    mum__alloc_fail_at(0);
    cr_assert_eq(mum_verify_graph(&r, ctx, g, &vo, f), MUM_OK, "%s", mum_ctx_message(ctx));
    unsigned long total = mum__alloc_fail_at(0);
    mum_verify_result_free(r);
    cr_assert_gt(total, 100);
    int failed = 0;
    for (unsigned long n = 1; n <= total; n += total / 300 + 1) {
        mum_findings *fv;
        mum_ctx_free(ctx);
        cr_assert_eq(mum_ctx_new(&ctx), MUM_OK);
        cr_assert_eq(mum_findings_new(&fv), MUM_OK);
        mum__alloc_fail_at(n);
        int rc = mum_verify_graph(&r, ctx, g, &vo, fv);
        mum__alloc_fail_at(0);
        cr_assert(rc == MUM_OK || rc == MUM_ENOMEM, "allocation %lu of %lu failing gave %d", n, total, rc);
        if (rc == MUM_ENOMEM) {
            cr_assert_eq(mum_ctx_status(ctx), MUM_ENOMEM, "allocation %lu: no MUM_ENOMEM on ctx", n);
            cr_assert(*mum_ctx_reason(ctx), "allocation %lu: MUM_ENOMEM without a reason", n);
            cr_assert_null(r);
            failed++;
        } else {
            mum_verify_result_free(r);
        }
        mum_findings_free(fv);
    }
    cr_assert_gt(failed, 0);
    free_built(g, f, ctx);
    mum_trust_free(anchors);
}
