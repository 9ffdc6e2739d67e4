/*
 * test_diff.c - mum/diff.h over the samples (samples/README.md lists what
 * the second revision changes) and small edge cases: kinds and flags by
 * name, bad arguments, a graph against itself, out-of-memory at every
 * allocation.
 */
#include "testutil.h"

#include <mum/diff.h>

#include <stdio.h>

static char *sample(const char *folder, const char *arch)
{
    const char *src = getenv("MUM_SRCDIR");
    char *p = NULL;
    cr_assert(asprintf(&p, "%s/samples/%s/Windows6.0-KB943650-%s.msu", src ? src : ".", folder, arch) > 0);
    return p;
}

static mum_graph *graph_of(const char *folder, const char *const *archs, size_t n)
{
    char *paths[3];
    mum_ctx *ctx = NULL;
    mum_findings *f = NULL;
    mum_graph *g = NULL;
    cr_assert_eq(mum_ctx_new(&ctx), MUM_OK);
    cr_assert_eq(mum_findings_new(&f), MUM_OK);
    for (size_t i = 0; i < n; i++)
        paths[i] = sample(folder, archs[i]);
    mum_graph_options go = MUM_GRAPH_OPTIONS_INIT;
    go.walk_flags = MUM_WALK_SINGLE_THREAD;
    cr_assert_eq(mum_graph_build(&g, ctx, (const char *const *)paths, n, &go, f), MUM_OK, "%s",
                 mum_ctx_message(ctx));
    for (size_t i = 0; i < n; i++)
        free(paths[i]);
    mum_findings_free(f);
    mum_ctx_free(ctx);
    return g;
}

static const char *const ALL[] = {"x86", "x64", "ia64"};

static const mum_change *find_change(const mum_diff_result *r, mum_change_kind kind, const char *platform)
{
    for (size_t i = 0; i < mum_diff_change_count(r); i++) {
        const mum_change *c = mum_diff_change(r, i);
        const mum_diff_pair *p = mum_diff_pair_at(r, c->pair);
        if (c->kind == kind && strcmp(p->new_platform, platform) == 0)
            return c;
    }
    return NULL;
}

Test(diff, kinds_and_flags_by_name)
{
    for (int k = 0; k < MUM_CHANGE_KIND_COUNT; k++) {
        mum_change_kind back;
        cr_assert_eq(mum_change_kind_parse(&back, mum_change_kind_name((mum_change_kind)k)), MUM_OK);
        cr_assert_eq((int)back, k);
    }
    mum_change_kind k;
    cr_assert_eq(mum_change_kind_parse(&k, "downgrade"), MUM_ENOTFOUND);
    cr_assert_str_eq(mum_change_kind_name((mum_change_kind)99), "?");
    cr_assert_eq(mum_change_flag_parse("downgrade"), MUM_CHANGE_DOWNGRADE);
    cr_assert_eq(mum_change_flag_parse("unversioned-change"), MUM_CHANGE_UNVERSIONED);
    cr_assert_eq(mum_change_flag_parse("file-added"), 0);
    cr_assert_str_eq(mum_change_flag_name(MUM_CHANGE_UNVERSIONED), "unversioned-change");
    cr_assert_null(mum_change_flag_name(3));
}

Test(diff, bad_arguments)
{
    mum_ctx *ctx = NULL;
    cr_assert_eq(mum_ctx_new(&ctx), MUM_OK);
    mum_diff_result *r = (mum_diff_result *)1;
    cr_assert_eq(mum_diff_graphs(&r, ctx, NULL, NULL, NULL), MUM_EINVAL);
    cr_assert_null(r);
    mum_graph *g = graph_of("kb943650", ALL, 1);
    mum_diff_options o = MUM_DIFF_OPTIONS_INIT;
    o.version = 99;
    cr_assert_eq(mum_diff_graphs(&r, ctx, g, g, &o), MUM_EINVAL);
    mum_diff_result_free(NULL);
    cr_assert_eq(mum_diff_change_count(NULL), 0);
    cr_assert_null(mum_diff_change(NULL, 0));
    mum_graph_free(g);
    mum_ctx_free(ctx);
}

Test(diff, a_graph_against_itself_has_no_change)
{
    mum_graph *g = graph_of("kb943650", ALL, 3);
    mum_ctx *ctx = NULL;
    mum_diff_result *r = NULL;
    cr_assert_eq(mum_ctx_new(&ctx), MUM_OK);
    cr_assert_eq(mum_diff_graphs(&r, ctx, g, g, NULL), MUM_OK);
    cr_assert_eq(mum_diff_change_count(r), 0);
    cr_assert_eq(mum_diff_pair_count(r), 3);
    for (size_t p = 0; p < 3; p++)
        cr_assert(!mum_diff_pair_at(r, p)->cross);
    cr_assert_eq(mum_diff_matrix(r, 0)->columns, 3);
    mum_diff_result_free(r);
    mum_graph_free(g);
    mum_ctx_free(ctx);
}

/* samples/README.md: the four changes of the second revision, per platform */
Test(diff, second_revision_of_the_samples)
{
    mum_graph *a = graph_of("kb943650", ALL, 3), *b = graph_of("kb943650-v2", ALL, 3);
    mum_ctx *ctx = NULL;
    mum_diff_result *r = NULL;
    cr_assert_eq(mum_ctx_new(&ctx), MUM_OK);
    cr_assert_eq(mum_diff_graphs(&r, ctx, a, b, NULL), MUM_OK);
    cr_assert_eq(mum_diff_pair_count(r), 3);
    cr_assert_eq(mum_diff_change_count(r), 12);
    static const char *const platforms[] = {"x86", "amd64", "ia64"};
    for (size_t i = 0; i < 3; i++) {
        const mum_change *c = find_change(r, MUM_CHANGE_COMPONENT_VERSION, platforms[i]);
        cr_assert_not_null(c, "%s: version change", platforms[i]);
        cr_assert_str_eq(c->subject, "Microsoft-Windows-TCPIP-Binaries");
        cr_assert_str_eq(c->old_value, "6.0.6001.22222");
        cr_assert_str_eq(c->new_value, "6.0.6001.22223");
        cr_assert_eq(c->flags, 0);
        cr_assert_str_eq(c->detail, "rebuilt: tcpip.sys");
        c = find_change(r, MUM_CHANGE_FILE_ADDED, platforms[i]);
        cr_assert_not_null(c);
        cr_assert_str_eq(c->subject, "Microsoft-Windows-Network-Security");
        cr_assert_eq(mum__ascii_strcasecmp(c->item, "Fwpolicyiomgr.dll"), 0);
        c = find_change(r, MUM_CHANGE_PACKAGE_ADDED, platforms[i]);
        cr_assert_not_null(c);
        cr_assert_str_eq(c->subject, "Package_6_for_KB943650");
        c = find_change(r, MUM_CHANGE_FILE_CHANGED, platforms[i]);
        cr_assert_not_null(c);
        cr_assert_eq(mum__ascii_strcasecmp(c->item, "Wfp.tmf"), 0);
        cr_assert_eq(c->flags, MUM_CHANGE_UNVERSIONED);
    }
    cr_assert_eq(mum_diff_count_flags(r, MUM_CHANGE_UNVERSIONED), 3);
    cr_assert_eq(mum_diff_count_flags(r, MUM_CHANGE_DOWNGRADE), 0);
    mum_diff_result_free(r);
    /* backwards: the same changes undone, the version change a downgrade */
    cr_assert_eq(mum_diff_graphs(&r, ctx, b, a, NULL), MUM_OK);
    cr_assert_eq(mum_diff_count_kind(r, MUM_CHANGE_PACKAGE_REMOVED), 3);
    cr_assert_eq(mum_diff_count_kind(r, MUM_CHANGE_FILE_REMOVED), 3);
    cr_assert_eq(mum_diff_count_flags(r, MUM_CHANGE_DOWNGRADE), 3);
    cr_assert_eq(mum_diff_change_count(r), 12);
    mum_diff_result_free(r);
    mum_graph_free(a);
    mum_graph_free(b);
    mum_ctx_free(ctx);
}

/* one input each, of different platforms: compared ignoring architecture */
Test(diff, different_platforms_compare_by_part)
{
    static const char *const x86[] = {"x86"}, *const x64[] = {"x64"};
    mum_graph *a = graph_of("kb943650", x86, 1), *b = graph_of("kb943650", x64, 1);
    mum_ctx *ctx = NULL;
    mum_diff_result *r = NULL;
    cr_assert_eq(mum_ctx_new(&ctx), MUM_OK);
    cr_assert_eq(mum_diff_graphs(&r, ctx, a, b, NULL), MUM_OK);
    cr_assert_eq(mum_diff_pair_count(r), 1);
    cr_assert(mum_diff_pair_at(r, 0)->cross);
    cr_assert_eq(mum_diff_count_kind(r, MUM_CHANGE_ARCHITECTURE), 1);
    cr_assert_eq(mum_diff_count_kind(r, MUM_CHANGE_COMPONENT_ADDED), 0);
    cr_assert_eq(mum_diff_count_kind(r, MUM_CHANGE_COMPONENT_REMOVED), 0);
    /* amd64 adds the wow64 parts of netio-infrastructure and network-security */
    cr_assert_eq(mum_diff_count_kind(r, MUM_CHANGE_PART_ADDED), 2);
    const mum_change *c = mum_diff_change(r, 0);
    cr_assert_eq(c->kind, MUM_CHANGE_ARCHITECTURE);
    cr_assert_str_eq(c->old_value, "x86");
    cr_assert_str_eq(c->new_value, "amd64");
    mum_diff_result_free(r);
    mum_graph_free(a);
    mum_graph_free(b);
    mum_ctx_free(ctx);
}

/* a platform on one side only */
Test(diff, platform_added)
{
    static const char *const two[] = {"x86", "x64"};
    mum_graph *a = graph_of("kb943650", two, 2), *b = graph_of("kb943650", ALL, 3);
    mum_ctx *ctx = NULL;
    mum_diff_result *r = NULL;
    cr_assert_eq(mum_ctx_new(&ctx), MUM_OK);
    cr_assert_eq(mum_diff_graphs(&r, ctx, a, b, NULL), MUM_OK);
    cr_assert_eq(mum_diff_change_count(r), 1);
    cr_assert_eq(mum_diff_change(r, 0)->kind, MUM_CHANGE_PLATFORM_ADDED);
    cr_assert_str_eq(mum_diff_change(r, 0)->new_value, "ia64");
    mum_diff_result_free(r);
    mum_graph_free(a);
    mum_graph_free(b);
    mum_ctx_free(ctx);
}

static mum_graph *sweep_a, *sweep_b;
static mum_diff_result *sweep_r;

static int sweep_run(void)
{
    mum_ctx *ctx = NULL;
    int rc = mum_ctx_new(&ctx);
    if (rc == MUM_OK)
        rc = mum_diff_graphs(&sweep_r, ctx, sweep_a, sweep_b, NULL);
    mum_ctx_free(ctx);
    return rc;
}

Test(diff, out_of_memory_at_every_allocation)
{
    static const char *const x86[] = {"x86"};
    sweep_a = graph_of("kb943650", x86, 1);
    sweep_b = graph_of("kb943650-v2", x86, 1);
    TU_ALLOC_SWEEP(sweep_run(), (mum_diff_result_free(sweep_r), sweep_r = NULL));
    mum_graph_free(sweep_a);
    mum_graph_free(sweep_b);
}
