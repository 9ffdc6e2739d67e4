/*
 * test_info.c - what `info` reports, read by mum_info_read from the
 * container fixtures (tests/fixtures/containers, made by make-fixtures.py).
 */
#include "testutil.h"

#include <mum/info.h>

#include <stdio.h>

static char *fixture(const char *name)
{
    const char *src = getenv("MUM_SRCDIR");
    char *p = NULL;
    cr_assert(asprintf(&p, "%s/tests/fixtures/containers/%s", src ? src : "..", name) > 0);
    return p;
}

typedef struct read_result {
    mum_info *info;
    mum_findings *findings;
    unsigned long progress_calls;
    uint64_t last_entries;
} read_result;

static void count_progress(void *ud, uint64_t entries, uint64_t bytes)
{
    (void)bytes;
    read_result *r = ud;
    r->progress_calls++;
    r->last_entries = entries;
}

static read_result read_fixture(const char *name)
{
    read_result r = {0};
    char *path = fixture(name);
    mum_ctx *ctx;
    cr_assert_eq(mum_ctx_new(&ctx), MUM_OK);
    cr_assert_eq(mum_findings_new(&r.findings), MUM_OK);
    mum_info_options o = MUM_INFO_OPTIONS_INIT;
    o.progress = count_progress;
    o.progress_ud = &r;
    int rc = mum_info_read(&r.info, ctx, path, &o, r.findings);
    cr_assert_eq(rc, MUM_OK, "%s: %s", name, mum_ctx_message(ctx));
    mum_ctx_free(ctx);
    free(path);
    return r;
}

static void done(read_result *r)
{
    mum_info_free(r->info);
    mum_findings_free(r->findings);
}

Test(info, msu_properties_unattend_and_counts)
{
    read_result r = read_fixture("Windows6.1-KB9999999-x64.msu");
    const mum_info *in = r.info;
    cr_assert_str_eq(in->kind, "msu");
    cr_assert_str_eq(in->kb, "9999999", "the properties' KB Article Number");
    cr_assert_eq(in->architecture_count, 1);
    cr_assert_str_eq(in->architectures[0], "amd64");
    cr_assert(in->has_properties);
    cr_assert_str_eq(in->properties_path, "Windows6.1-KB9999999-x64-pkgProperties.txt");
    cr_assert(in->has_unattend);
    cr_assert_eq(in->unattend.count, 1);
    cr_assert_eq(in->container_count, 2);
    const mum_info_container *top = &in->containers[1];
    cr_assert_str_eq(top->path, "", "the input ends last");
    cr_assert_eq(top->type, MUM_CONTAINER_CABINET);
    cr_assert_not(top->servicing);
    const mum_info_container *cab = &in->containers[0];
    cr_assert_str_eq(cab->path, "Windows6.1-KB9999999-x64.cab");
    cr_assert(cab->servicing);
    cr_assert_eq(cab->packages, 2);
    cr_assert_eq(cab->catalogs, 2);
    cr_assert_eq(cab->manifests, 1);
    cr_assert_eq(cab->payloads, 1);
    cr_assert_eq(cab->entries, 6);
    cr_assert_null(cab->express);
    cr_assert_str_eq(mum_info_signature_status(cab), "none");
    cr_assert_eq(mum_findings_count(r.findings), 0);
    cr_assert_gt(r.progress_calls, 0);
    cr_assert_eq(r.last_entries, 8, "every file at every level is counted, no container");
    cr_assert_eq(top->entries, 2, "files directly inside");
    done(&r);
}

Test(info, express_cabinet_counts_the_index_payloads)
{
    read_result r = read_fixture("express.cab");
    const mum_info *in = r.info;
    cr_assert_str_eq(in->kind, "express cabinet");
    cr_assert_null(in->kb);
    cr_assert_eq(in->architecture_count, 0);
    cr_assert_eq(in->container_count, 1);
    const mum_info_container *c = &in->containers[0];
    cr_assert_not_null(c->express);
    cr_assert_eq(c->express->count, 4);
    cr_assert_eq(c->packages, 1);
    cr_assert_eq(c->payloads, 3, "the index's payloads, not the blobs");
    cr_assert_eq(mum_findings_count(r.findings), 0);
    done(&r);
}

Test(info, malformed_signature_is_a_finding)
{
    read_result r = read_fixture("sigfake.cab");
    const mum_info_container *c = &r.info->containers[0];
    cr_assert(c->has_signature);
    cr_assert_eq(c->check, MUM_INFO_CHECK_MALFORMED);
    cr_assert_str_eq(mum_info_signature_status(c), "malformed");
    cr_assert_eq(mum_findings_count(r.findings), 1);
    const mum_finding *f = mum_findings_get(r.findings, 0);
    cr_assert_str_eq(f->rule->id, "container.signature-malformed");
    cr_assert(f->loc.has_offset);
    cr_assert_eq(f->loc.offset, 165);
    done(&r);
}

Test(info, nested_containers_end_innermost_first)
{
    read_result r = read_fixture("nested.cab");
    const mum_info *in = r.info;
    cr_assert_str_eq(in->kind, "cabinet");
    cr_assert_eq(in->container_count, 3);
    cr_assert_str_eq(in->containers[0].path, "inner.cab!deeper.cab");
    cr_assert_str_eq(in->containers[1].path, "inner.cab");
    cr_assert_str_eq(in->containers[2].path, "");
    done(&r);
}

Test(info, errors_leave_nothing)
{
    mum_ctx *ctx;
    cr_assert_eq(mum_ctx_new(&ctx), MUM_OK);
    mum_info *in = (mum_info *)1;
    cr_assert_eq(mum_info_read(&in, ctx, "/nonexistent/x.msu", NULL, NULL), MUM_EIO);
    cr_assert_null(in);
    mum_info_options o = MUM_INFO_OPTIONS_INIT;
    o.version = 99;
    cr_assert_eq(mum_info_read(&in, ctx, "x", &o, NULL), MUM_EINVAL);
    cr_assert_eq(mum_info_read(NULL, ctx, "x", NULL, NULL), MUM_EINVAL);
    mum_info_free(NULL);
    cr_assert_str_eq(mum_info_signature_status(NULL), "none");
    mum_ctx_free(ctx);
}

/* A damaged input gives the error and, beside it, what was read before the
 * damage: the input's container with the signature its header promises,
 * incomplete, and complete false. */
Test(info, a_cut_cabinet_gives_what_was_read_before_the_cut)
{
    const char *src = getenv("MUM_SRCDIR");
    char *path = NULL;
    cr_assert(asprintf(&path, "%s/tests/fixtures/containers/sigtrunc.cab", src ? src : "..") > 0);
    mum_ctx *ctx;
    mum_ctx_new(&ctx);
    mum_info *in = NULL;
    cr_assert_eq(mum_info_read(&in, ctx, path, NULL, NULL), MUM_EFORMAT);
    cr_assert(strstr(mum_ctx_message(ctx), "at offset 209: truncated"), "%s", mum_ctx_message(ctx));
    cr_assert_not_null(in);
    cr_assert_not(in->complete);
    cr_assert_eq(in->container_count, 1);
    const mum_info_container *top = &in->containers[0];
    cr_assert_str_eq(top->path, "");
    cr_assert(top->entries > 0);
    cr_assert_str_eq(mum_info_signature_status(top), "incomplete");
    mum_info_free(in);
    mum_ctx_free(ctx);
    free(path);
}
