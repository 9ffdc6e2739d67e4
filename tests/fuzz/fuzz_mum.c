/*
 * fuzz_mum.c - mum_manifest_parse (the whole buffer at once) on arbitrary
 * bytes named as a package manifest, with the checks; then every part of
 * the model is read and checked again under another name.
 */
#include "config.h"

#include "fuzz.h"

#include "internal.h"

#include <stdlib.h>
#include <string.h>

/* Reads every string of an identity, so ASan sees a bad pointer. */
static size_t touch_identity(const mum_identity *id)
{
    size_t n = 0;
    for (int a = 0; a < MUM_ATTR_COUNT; a++) {
        const char *v = mum_identity_get(id, (mum_identity_attr)a);
        n += v ? strlen(v) : 0;
    }
    return n;
}

static size_t touch(const mum_manifest *m)
{
    size_t n = touch_identity(&m->identity);
    const mum_manifest_package *p = &m->package;
    for (size_t i = 0; i < p->parent_count; i++)
        for (size_t k = 0; k < p->parents[i].identity_count; k++)
            n += touch_identity(&p->parents[i].identities[k].id);
    for (size_t i = 0; i < p->update_count; i++) {
        const mum_manifest_update *u = &p->updates[i];
        n += u->name ? strlen(u->name) : 0;
        for (size_t k = 0; k < u->applicable_count; k++)
            n += touch_identity(&u->applicable[k].ref.id);
        for (size_t k = 0; k < u->item_count; k++)
            n += touch_identity(&u->items[k].ref.id);
    }
    for (size_t i = 0; i < m->dependency_count; i++)
        n += touch_identity(&m->dependencies[i].ref.id);
    for (size_t i = 0; i < m->file_count; i++) {
        const mum_manifest_file *f = &m->files[i];
        if (f->digest_ok && f->digest_size != mum_hash_size(f->digest_alg))
            abort(); /* digest_ok promises the size */
        n += f->digest_text ? strlen(f->digest_text) : 0;
    }
    for (size_t i = 0; i < m->registry_key_count; i++)
        for (size_t v = 0; v < m->registry_keys[i].value_count; v++)
            n += m->registry_keys[i].values[v].name ? strlen(m->registry_keys[i].values[v].name) : 0;
    for (size_t i = 0; i < m->element_count; i++)
        n += strlen(m->elements[i].name);
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 256 * 1024)
        return 0;
    mum_ctx *ctx = NULL;
    mum_findings *findings = NULL, *again = NULL;
    if (mum_ctx_new(&ctx) != MUM_OK || mum_findings_new(&findings) != MUM_OK ||
        mum_findings_new(&again) != MUM_OK)
        goto done;
    mum_manifest_options opts = MUM_MANIFEST_OPTIONS_INIT;
    opts.findings = findings;
    mum_location loc = {.input = "fuzz.cab", .entry = "Package_1_for_KB1~31bf3856ad364e35~amd64~~6.3.1.0.mum"};
    mum_manifest *m = NULL;
    int rc = mum_manifest_parse(&m, ctx, &loc, &opts, data, size);
    if (rc == MUM_OK) {
        if (!m)
            abort();
        (void)touch(m);
        mum_location l = mum_manifest_location(m, m->identity_pos);
        (void)l;
        mum_manifest_check(m, "update.mum", 0, again);
        mum_manifest_check(m, "x86_a_31bf3856ad364e35_1.0.0.0_none_0000000000000000.manifest", 0, again);
    } else if (m || !*mum_ctx_message(ctx)) {
        abort(); /* a failure leaves no model and says why */
    }
    mum_manifest_free(m);
done:
    mum_findings_free(again);
    mum_findings_free(findings);
    mum_ctx_free(ctx);
    return 0;
}
