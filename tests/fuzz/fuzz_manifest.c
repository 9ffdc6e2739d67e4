/*
 * fuzz_manifest.c - the push parser on arbitrary bytes named as a component
 * manifest: the first byte chooses the chunk size, the rest is fed in chunks
 * of that size.  The result must be the one-shot parser's: the same status,
 * and on success the same records and the same findings.
 */
#include "config.h"

#include "fuzz.h"

#include "internal.h"

#include <stdlib.h>
#include <string.h>

static const char name[] = "amd64_contoso-widget_31bf3856ad364e35_1.2.3.4_none_d647602d3fb21d93.manifest";

static int parse_push(const uint8_t *data, size_t size, size_t chunk, mum_findings *findings,
                      mum_manifest **out)
{
    mum_manifest_options opts = MUM_MANIFEST_OPTIONS_INIT;
    opts.findings = findings;
    mum_location loc = {.input = "fuzz.cab", .entry = name};
    mum_manifest_parser *p;
    int rc = mum_manifest_parser_new(&p, NULL, &loc, &opts);
    if (rc != MUM_OK)
        return rc;
    for (size_t off = 0; off < size && rc == MUM_OK; off += chunk)
        rc = mum_manifest_parser_feed(p, data + off, size - off < chunk ? size - off : chunk);
    if (rc == MUM_OK)
        rc = mum_manifest_parser_finish(out, p);
    mum_manifest_parser_free(p);
    return rc;
}

static bool same(const mum_manifest *a, const mum_manifest *b)
{
    return a->kind == b->kind && a->has_identity == b->has_identity &&
           a->package.update_count == b->package.update_count &&
           a->package.parent_count == b->package.parent_count &&
           a->file_count == b->file_count && a->dependency_count == b->dependency_count &&
           a->registry_key_count == b->registry_key_count && a->element_count == b->element_count &&
           a->identity_pos.line == b->identity_pos.line &&
           a->identity_pos.column == b->identity_pos.column;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 256 * 1024)
        return 0;
    /* chunks of 1..64 bytes, or past the 64 KiB the parser holds back */
    size_t chunk = data[0] == 0xFF ? 70000 : (size_t)(data[0] % 64) + 1;
    data++;
    size--;
    mum_findings *f1 = NULL, *f2 = NULL;
    mum_manifest *pushed = NULL, *whole = NULL;
    if (mum_findings_new(&f1) != MUM_OK || mum_findings_new(&f2) != MUM_OK)
        goto done;
    int rc = parse_push(data, size, chunk, f1, &pushed);
    mum_manifest_options opts = MUM_MANIFEST_OPTIONS_INIT;
    opts.findings = f2;
    mum_location loc = {.input = "fuzz.cab", .entry = name};
    int rc2 = mum_manifest_parse(&whole, NULL, &loc, &opts, data, size);
    /* out of memory is injected by count, so the two may differ there */
    if (rc != MUM_ENOMEM && rc2 != MUM_ENOMEM) {
        if (rc != rc2)
            abort();
        if (rc == MUM_OK && (!same(pushed, whole) ||
                             mum_findings_count(f1) != mum_findings_count(f2)))
            abort();
    }
done:
    mum_manifest_free(pushed);
    mum_manifest_free(whole);
    mum_findings_free(f1);
    mum_findings_free(f2);
    return 0;
}
