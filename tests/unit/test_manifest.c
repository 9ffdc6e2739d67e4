/*
 * test_manifest.c - the .mum / .manifest parser and its checks: the model of
 * package, component and deployment manifests, namespaces and encodings,
 * every defined error (truncated, DTD, billion laughs, deep nesting, wrong
 * namespace, DCM, limits), DCM manifests read through a base manifest
 * (realdata/pa30/dcm; skipped when absent), every finding, the file-name check, the push
 * parser at any chunking, concurrent parsers and out-of-memory sweeps.
 *
 * The manifests here are typed for the tests in the shapes of real ones
 * (tests/cli/manifest-realdata.sh reads the real ones).  Expected pseudo-keys
 * come from tools/pseudokey.py, an independent implementation; expected
 * digests are computed with the hash module from the bytes they name.
 */
#include "testutil.h"

#include "manifest_store.h"

#include <mum/delta.h>

#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

/*
 * Live allocations, counted by an allocator hook: what a parse allocates it
 * must free, whichever allocation fails.  (Under AddressSanitizer a leak in
 * a Criterion test is only a warning, so the count is what fails the test.)
 */
static long live_allocs;

static void *count_malloc(size_t size)
{
    void *p = malloc(size);
    if (p)
        live_allocs++;
    return p;
}

static void *count_realloc(void *ptr, size_t size)
{
    void *p = realloc(ptr, size);
    if (p && !ptr)
        live_allocs++;
    return p;
}

static void count_free(void *ptr)
{
    if (ptr) {
        live_allocs--;
        free(ptr);
    }
}

static const mum_allocator counting = {count_malloc, count_realloc, count_free};

#define V3 "urn:schemas-microsoft-com:asm.v3"
#define TOKEN "31bf3856ad364e35"

/* base64 of the SHA-256 of "abc" (FIPS 180-2 example) */
#define SHA256_ABC_B64 "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0="

static const char package_mum[] =
    "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
    "<assembly xmlns=\"" V3 "\" manifestVersion=\"1.0\" description=\"Fix for KB1000001\" "
    "displayName=\"default\" company=\"Contoso\" copyright=\"Contoso\" "
    "supportInformation=\"http://example.com/kb1000001\" creationTimeStamp=\"2014-03-04T15:15:52Z\" "
    "lastUpdateTimeStamp=\"2014-03-04T15:15:53Z\">\n"
    "  <assemblyIdentity name=\"Package_1_for_KB1000001\" version=\"6.3.1.0\" language=\"neutral\" "
    "processorArchitecture=\"amd64\" publicKeyToken=\"" TOKEN "\" />\n"
    "  <package identifier=\"KB1000001\" applicabilityEvaluation=\"deep\" releaseType=\"Hotfix\" "
    "restart=\"required\">\n"
    "    <parent buildCompare=\"EQ\" serviceCompare=\"GE\" integrate=\"separate\" disposition=\"detect\">\n"
    "      <assemblyIdentity name=\"Contoso-Foundation-Package\" language=\"neutral\" "
    "version=\"6.3.9600.16384\" processorArchitecture=\"amd64\" publicKeyToken=\"" TOKEN "\" "
    "buildType=\"release\" />\n"
    "      <assemblyIdentity name=\"Contoso-Server-Package\" language=\"neutral\" "
    "version=\"6.3.9600.16384\" processorArchitecture=\"amd64\" publicKeyToken=\"" TOKEN "\" />\n"
    "    </parent>\n"
    "    <installerAssembly name=\"Microsoft-Windows-ServicingStack\" version=\"6.0.0.0\" "
    "language=\"neutral\" processorArchitecture=\"amd64\" versionScope=\"nonSxS\" "
    "publicKeyToken=\"" TOKEN "\" />\n"
    "    <update name=\"1000001-1_neutral_GDR\">\n"
    "      <applicable disposition=\"staged\">\n"
    "        <updateComponent elevate=\"distribution\">\n"
    "          <assemblyIdentity name=\"Contoso-Widget\" version=\"1.2.3.4\" "
    "processorArchitecture=\"amd64\" language=\"neutral\" buildType=\"release\" "
    "publicKeyToken=\"" TOKEN "\" versionScope=\"nonSxS\" />\n"
    "        </updateComponent>\n"
    "      </applicable>\n"
    "      <component>\n"
    "        <assemblyIdentity name=\"0123456789abcdef0123456789abcdef\" version=\"1.2.3.4\" "
    "processorArchitecture=\"amd64\" language=\"neutral\" buildType=\"release\" "
    "publicKeyToken=\"" TOKEN "\" versionScope=\"nonSxS\" />\n"
    "      </component>\n"
    "    </update>\n"
    "    <update name=\"1000001-2_neutral_PACKAGE\">\n"
    "      <package integrate=\"hidden\">\n"
    "        <assemblyIdentity name=\"Package_2_for_KB1000001\" version=\"6.3.1.0\" "
    "language=\"neutral\" processorArchitecture=\"amd64\" publicKeyToken=\"" TOKEN "\" />\n"
    "      </package>\n"
    "    </update>\n"
    "    <update name=\"1000001-3_neutral_GDR\">\n"
    "      <driver inf=\"widget.inf\" ranking=\"currentDevices\">\n"
    "        <assemblyIdentity name=\"widget.inf\" version=\"1.2.3.4\" processorArchitecture=\"amd64\" "
    "language=\"neutral\" publicKeyToken=\"" TOKEN "\" type=\"driverUpdate\" />\n"
    "      </driver>\n"
    "    </update>\n"
    "    <mum2:packageExtended xmlns:mum2=\"" V3 "\" completelyOfflineCapable=\"yes\" "
    "packageSize=\"949044\" />\n"
    "  </package>\n"
    "</assembly>";

#define PKG_FILE_NAME "Package_1_for_KB1000001~" TOKEN "~amd64~~6.3.1.0.mum"

/* keyform of Contoso-Widget 1.2.3.4 amd64 nonSxS: pseudo-key from tools/pseudokey.py */
#define WIDGET_KEYFORM "amd64_contoso-widget_" TOKEN "_1.2.3.4_none_d647602d3fb21d93"

static const char component_manifest[] =
    "\xef\xbb\xbf<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<assembly xmlns=\"" V3 "\" manifestVersion=\"1.0\" copyright=\"(c) Contoso\">\n"
    "  <assemblyIdentity name=\"Contoso-Widget\" version=\"1.2.3.4\" processorArchitecture=\"amd64\" "
    "language=\"neutral\" buildType=\"release\" publicKeyToken=\"" TOKEN "\" versionScope=\"nonSxS\" />\n"
    "  <dependency discoverable=\"no\" resourceType=\"Resources\">\n"
    "    <dependentAssembly dependencyType=\"prerequisite\">\n"
    "      <assemblyIdentity name=\"Contoso-Widget.Resources\" version=\"1.2.3.4\" "
    "processorArchitecture=\"amd64\" language=\"*\" buildType=\"release\" publicKeyToken=\"" TOKEN "\" />\n"
    "    </dependentAssembly>\n"
    "  </dependency>\n"
    /* the Windows 8.1 style: dsig declared on each element */
    "  <file name=\"widget.dll\" destinationPath=\"$(runtime.system32)\\\" sourceName=\"widget.dll\" "
    "sourcePath=\".\\\" importPath=\"$(build.nttree)\\\">\n"
    "    <securityDescriptor name=\"WRP_FILE_DEFAULT_SDDL\" />\n"
    "    <asmv2:hash xmlns:asmv2=\"urn:schemas-microsoft-com:asm.v2\">\n"
    "      <dsig:Transforms xmlns:dsig=\"http://www.w3.org/2000/09/xmldsig#\">\n"
    "        <dsig:Transform Algorithm=\"urn:schemas-microsoft-com:HashTransforms.Identity\" />\n"
    "      </dsig:Transforms>\n"
    "      <dsig:DigestMethod xmlns:dsig=\"http://www.w3.org/2000/09/xmldsig#\" "
    "Algorithm=\"http://www.w3.org/2000/09/xmldsig#sha256\" />\n"
    "      <dsig:DigestValue xmlns:dsig=\"http://www.w3.org/2000/09/xmldsig#\">" SHA256_ABC_B64
    "</dsig:DigestValue>\n"
    "    </asmv2:hash>\n"
    "  </file>\n"
    /* the Windows 7 style: both prefixes on the hash, one line */
    "  <file name=\"widget.inf\" destinationPath=\"$(runtime.inf)\\\" sourceName=\"widget.inf\">"
    "<securityDescriptor name=\"WRP_FILE_DEFAULT_SDDL\"></securityDescriptor>"
    "<asmv2:hash xmlns:asmv2=\"urn:schemas-microsoft-com:asm.v2\" "
    "xmlns:dsig=\"http://www.w3.org/2000/09/xmldsig#\"><dsig:Transforms><dsig:Transform "
    "Algorithm=\"urn:schemas-microsoft-com:HashTransforms.Identity\"></dsig:Transform></dsig:Transforms>"
    "<dsig:DigestMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#sha256\"></dsig:DigestMethod>"
    "<dsig:DigestValue>\n  " SHA256_ABC_B64 "\n  </dsig:DigestValue></asmv2:hash></file>\n"
    "  <registryKeys>\n"
    "    <registryKey keyName=\"HKEY_LOCAL_MACHINE\\SOFTWARE\\Contoso\" owner=\"false\">\n"
    "      <registryValue name=\"Path\" valueType=\"REG_EXPAND_SZ\" value=\"%systemroot%\\w.dll\" "
    "operationHint=\"replace\" owner=\"true\" />\n"
    "      <registryValue name=\"\" valueType=\"REG_DWORD\" value=\"0x00000009\" />\n"
    "      <securityDescriptor name=\"WRP_KEY_DEFAULT_SDDL\" />\n"
    "    </registryKey>\n"
    "    <registryKey keyName=\"HKEY_CLASSES_ROOT\\CLSID\\{5B035261-40F9-11D1-AAEC-00805FC1270E}\\\">\n"
    "      <registryValue name=\"ThreadingModel\" valueType=\"REG_SZ\" value=\"Both\" />\n"
    "    </registryKey>\n"
    "  </registryKeys>\n"
    "  <trustInfo><security><accessControl /></security></trustInfo>\n"
    "  <migration settingsVersion=\"0\"><supportedComponents><supportedComponent>"
    "<assemblyIdentity name=\"_\" version=\"1.0.0.0\" /></supportedComponent></supportedComponents>"
    "</migration>\n"
    "  <sppInstaller xmlns=\"urn:schemas-microsoft-com:spp:installer\" />\n"
    "</assembly>\n";

static const char deployment_manifest[] =
    "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
    "<assembly xmlns=\"" V3 "\" manifestVersion=\"1.0\">\n"
    "  <assemblyIdentity name=\"0123456789abcdef0123456789abcdef\" version=\"1.2.3.4\" "
    "processorArchitecture=\"amd64\" language=\"neutral\" buildType=\"release\" "
    "publicKeyToken=\"" TOKEN "\" versionScope=\"nonSxS\" />\n"
    "  <deployment />\n"
    "  <dependency discoverable=\"false\">\n"
    "    <dependentAssembly dependencyType=\"install\">\n"
    "      <assemblyIdentity name=\"Contoso-Widget\" version=\"1.2.3.4\" processorArchitecture=\"amd64\" "
    "language=\"neutral\" buildType=\"release\" publicKeyToken=\"" TOKEN "\" versionScope=\"nonSxS\" />\n"
    "    </dependentAssembly>\n"
    "  </dependency>\n"
    "</assembly>";

/* keyform of the deployment (pseudo-key from tools/pseudokey.py) */
#define DEPLOYMENT_KEYFORM "amd64_0123456789abcdef0123456789abcdef_" TOKEN "_1.2.3.4_none_ffc9a4585917591b"

/* ---- helpers ---- */

typedef struct parsed {
    mum_manifest *m;
    mum_findings *findings;
    mum_ctx *ctx;
    int rc;
} parsed;

/* Parses text named `name` (an entry of "pkg.cab"); chunk 0 = one-shot. */
static parsed parse_named(const char *text, size_t size, const char *name, size_t chunk,
                          unsigned flags)
{
    parsed r = {0};
    cr_assert_eq(mum_ctx_new(&r.ctx), MUM_OK);
    cr_assert_eq(mum_findings_new(&r.findings), MUM_OK);
    mum_manifest_options opts = MUM_MANIFEST_OPTIONS_INIT;
    opts.findings = r.findings;
    opts.flags = flags;
    mum_location loc = {.input = "pkg.cab", .entry = name};
    if (chunk == 0) {
        r.rc = mum_manifest_parse(&r.m, r.ctx, &loc, &opts, text, size);
        return r;
    }
    mum_manifest_parser *p;
    r.rc = mum_manifest_parser_new(&p, r.ctx, &loc, &opts);
    if (r.rc != MUM_OK)
        return r;
    for (size_t off = 0; off < size && r.rc == MUM_OK; off += chunk)
        r.rc = mum_manifest_parser_feed(p, text + off, size - off < chunk ? size - off : chunk);
    if (r.rc == MUM_OK)
        r.rc = mum_manifest_parser_finish(&r.m, p);
    mum_manifest_parser_free(p);
    return r;
}

static parsed parse_str(const char *text, const char *name)
{
    return parse_named(text, strlen(text), name, 0, 0);
}

static parsed parse_ok(const char *text, const char *name)
{
    parsed r = parse_str(text, name);
    cr_assert_eq(r.rc, MUM_OK, "%s", mum_ctx_message(r.ctx));
    return r;
}

static void parsed_free(parsed *r)
{
    mum_manifest_free(r->m);
    mum_findings_free(r->findings);
    mum_ctx_free(r->ctx);
}

/* Every finding as "rule@line" lines, for comparing whole lists. */
static char *rules_of(const mum_findings *f)
{
    mum_sbuf b = {0};
    for (size_t i = 0; i < mum_findings_count(f); i++) {
        const mum_finding *x = mum_findings_get(f, i);
        mum__sbuf_printf(&b, "%s@%u\n", x->rule->id, x->loc.line);
    }
    mum__sbuf_append(&b, "", 0);
    return mum__sbuf_take(&b);
}

static void expect_no_findings(const parsed *r)
{
    char *got = rules_of(r->findings);
    cr_assert_str_eq(got, "", "unexpected findings:\n%s", got);
    mum_free(got);
}

static void expect_identity(const mum_identity *id, const char *name, const char *version,
                            const char *arch)
{
    cr_assert_str_eq(id->name, name);
    cr_assert_str_eq(id->version, version);
    cr_assert_str_eq(id->arch, arch);
    cr_assert_str_eq(id->public_key_token, TOKEN);
    cr_assert(id->ver_ok && id->token_ok, "decoded members are set");
}

/* ---- the model ---- */

Test(manifest, package_model)
{
    parsed r = parse_ok(package_mum, PKG_FILE_NAME);
    const mum_manifest *m = r.m;
    expect_no_findings(&r);
    cr_assert_eq(m->kind, MUM_MANIFEST_PACKAGE);
    cr_assert_str_eq(mum_manifest_kind_name(m->kind), "package");
    cr_assert_str_eq(m->input, "pkg.cab");
    cr_assert_str_eq(m->entry, PKG_FILE_NAME);
    cr_assert_str_eq(m->manifest_version, "1.0");
    cr_assert_str_eq(m->description, "Fix for KB1000001");
    cr_assert_str_eq(m->display_name, "default");
    cr_assert_str_eq(m->company, "Contoso");
    cr_assert_str_eq(m->support_information, "http://example.com/kb1000001");
    cr_assert_str_eq(m->creation_time_stamp, "2014-03-04T15:15:52Z");
    cr_assert_str_eq(m->last_update_time_stamp, "2014-03-04T15:15:53Z");
    cr_assert_eq(m->pos.line, 2);

    cr_assert(m->has_identity);
    expect_identity(&m->identity, "Package_1_for_KB1000001", "6.3.1.0", "amd64");
    cr_assert_eq(m->identity.arch_id, MUM_ARCH_AMD64);
    cr_assert_eq(m->identity.ver.part[2], 1);
    cr_assert_eq(m->identity.token[0], 0x31);
    cr_assert_eq(m->identity_pos.line, 3);
    cr_assert_eq(m->identity_pos.column, 3);

    const mum_manifest_package *p = &m->package;
    cr_assert(m->has_package);
    cr_assert_str_eq(p->identifier, "KB1000001");
    cr_assert_str_eq(p->release_type, "Hotfix");
    cr_assert_str_eq(p->restart, "required");
    cr_assert_str_eq(p->applicability_evaluation, "deep");

    cr_assert_eq(p->parent_count, 1);
    cr_assert_str_eq(p->parents[0].build_compare, "EQ");
    cr_assert_str_eq(p->parents[0].service_compare, "GE");
    cr_assert_null(p->parents[0].revision_compare);
    cr_assert_str_eq(p->parents[0].disposition, "detect");
    cr_assert_eq(p->parents[0].identity_count, 2);
    expect_identity(&p->parents[0].identities[0].id, "Contoso-Foundation-Package",
                    "6.3.9600.16384", "amd64");
    cr_assert_str_eq(p->parents[0].identities[0].id.build_type, "release");
    cr_assert_str_eq(p->parents[0].identities[1].id.name, "Contoso-Server-Package");
    cr_assert_eq(p->parents[0].identities[1].pos.line, 7);

    cr_assert(p->has_installer);
    expect_identity(&p->installer.id, "Microsoft-Windows-ServicingStack", "6.0.0.0", "amd64");
    cr_assert_str_eq(p->installer.id.version_scope, "nonSxS");

    cr_assert_eq(p->update_count, 3);
    const mum_manifest_update *u = &p->updates[0];
    cr_assert_str_eq(u->name, "1000001-1_neutral_GDR");
    cr_assert_eq(u->pos.line, 10);
    cr_assert(u->has_applicable);
    cr_assert_str_eq(u->applicable_disposition, "staged");
    cr_assert_eq(u->applicable_count, 1);
    cr_assert_eq(u->applicable[0].kind, MUM_TARGET_COMPONENT);
    cr_assert_str_eq(u->applicable[0].elevate, "distribution");
    cr_assert(u->applicable[0].has_identity);
    expect_identity(&u->applicable[0].ref.id, "Contoso-Widget", "1.2.3.4", "amd64");
    cr_assert_eq(u->item_count, 1);
    cr_assert_eq(u->items[0].kind, MUM_TARGET_COMPONENT);
    expect_identity(&u->items[0].ref.id, "0123456789abcdef0123456789abcdef", "1.2.3.4", "amd64");
    cr_assert_eq(u->items[0].ref.pos.line, 17);

    u = &p->updates[1];
    cr_assert_not(u->has_applicable);
    cr_assert_eq(u->applicable_count, 0);
    cr_assert_eq(u->item_count, 1);
    cr_assert_eq(u->items[0].kind, MUM_TARGET_PACKAGE);
    cr_assert_str_eq(u->items[0].integrate, "hidden");
    cr_assert_str_eq(u->items[0].ref.id.name, "Package_2_for_KB1000001");

    u = &p->updates[2];
    cr_assert_eq(u->items[0].kind, MUM_TARGET_DRIVER);
    cr_assert_str_eq(u->items[0].inf, "widget.inf");
    cr_assert_str_eq(u->items[0].ranking, "currentDevices");
    cr_assert_str_eq(u->items[0].ref.id.type, "driverUpdate");

    /* mum2: is bound to asm.v3 in real packages: the URI decides */
    cr_assert(p->has_extended);
    cr_assert_str_eq(p->completely_offline_capable, "yes");
    cr_assert_str_eq(p->package_size, "949044");

    cr_assert_eq(m->file_count, 0);
    cr_assert_eq(m->dependency_count, 0);
    cr_assert_eq(m->element_count, 0);
    parsed_free(&r);
}

Test(manifest, component_model)
{
    parsed r = parse_ok(component_manifest, WIDGET_KEYFORM ".manifest");
    const mum_manifest *m = r.m;
    expect_no_findings(&r);
    cr_assert_eq(m->kind, MUM_MANIFEST_COMPONENT);
    cr_assert_not(m->has_package);
    cr_assert_not(m->has_deployment);
    expect_identity(&m->identity, "Contoso-Widget", "1.2.3.4", "amd64");
    cr_assert_str_eq(m->identity.version_scope, "nonSxS");
    cr_assert_str_eq(m->identity.build_type, "release");

    cr_assert_eq(m->dependency_count, 1);
    const mum_manifest_dependency *d = &m->dependencies[0];
    cr_assert_str_eq(d->discoverable, "no");
    cr_assert_str_eq(d->resource_type, "Resources");
    cr_assert_str_eq(d->dependency_type, "prerequisite");
    cr_assert(d->has_identity);
    cr_assert_str_eq(d->ref.id.name, "Contoso-Widget.Resources");
    cr_assert_str_eq(d->ref.id.language, "*");
    cr_assert_eq(d->pos.line, 4);
    cr_assert_eq(d->ref.pos.line, 6);

    uint8_t want[32];
    cr_assert_eq(mum_hash_buffer(want, MUM_HASH_SHA256, "abc", 3), MUM_OK);
    cr_assert_eq(m->file_count, 2);
    for (size_t i = 0; i < 2; i++) {
        const mum_manifest_file *f = &m->files[i];
        cr_assert(f->has_hash);
        cr_assert(f->digest_ok, "file %zu", i);
        cr_assert_eq(f->digest_alg, MUM_HASH_SHA256);
        cr_assert_eq(f->digest_size, 32);
        cr_assert_arr_eq(f->digest, want, 32, "the digest is the decoded base64");
        cr_assert_str_eq(f->digest_text, SHA256_ABC_B64, "white space trimmed");
        cr_assert_eq(f->digest_method_count, 1);
        cr_assert_eq(f->digest_value_count, 1);
        cr_assert_str_eq(f->transform, "urn:schemas-microsoft-com:HashTransforms.Identity");
    }
    const mum_manifest_file *f = &m->files[0];
    cr_assert_str_eq(f->name, "widget.dll");
    cr_assert_str_eq(f->destination_path, "$(runtime.system32)\\");
    cr_assert_str_eq(f->source_name, "widget.dll");
    cr_assert_str_eq(f->source_path, ".\\");
    cr_assert_str_eq(f->import_path, "$(build.nttree)\\");
    cr_assert_str_eq(f->digest_method, "http://www.w3.org/2000/09/xmldsig#sha256");
    cr_assert_eq(f->pos.line, 9);
    cr_assert_eq(f->hash_pos.line, 11);
    cr_assert_str_eq(m->files[1].digest_method, "http://www.w3.org/2001/04/xmlenc#sha256");
    cr_assert_null(m->files[1].source_path);

    cr_assert_eq(m->registry_key_count, 2);
    const mum_manifest_registry_key *k = &m->registry_keys[0];
    cr_assert_str_eq(k->key_name, "HKEY_LOCAL_MACHINE\\SOFTWARE\\Contoso");
    cr_assert_str_eq(k->owner, "false");
    cr_assert_eq(k->value_count, 2);
    cr_assert_str_eq(k->values[0].name, "Path");
    cr_assert_str_eq(k->values[0].value_type, "REG_EXPAND_SZ");
    cr_assert_str_eq(k->values[0].value, "%systemroot%\\w.dll");
    cr_assert_str_eq(k->values[0].operation_hint, "replace");
    cr_assert_str_eq(k->values[1].name, "", "the default value");
    cr_assert_eq(m->registry_keys[1].value_count, 1);
    cr_assert_str_eq(m->registry_keys[1].values[0].value, "Both");

    /* kept by name: securityDescriptor (x3), trustInfo, migration (its
     * assemblyIdentity is not the manifest's), sppInstaller (an extension) */
    cr_assert_eq(m->element_count, 4);
    cr_assert_str_eq(m->elements[0].name, "securityDescriptor");
    cr_assert_str_eq(m->elements[0].parent, "file");
    cr_assert_eq(m->elements[0].count, 3);
    cr_assert_eq(m->elements[0].kind, MUM_ELEMENT_KNOWN);
    cr_assert_eq(m->elements[0].pos.line, 10);
    cr_assert_str_eq(m->elements[1].name, "trustInfo");
    cr_assert_str_eq(m->elements[2].name, "migration");
    cr_assert_str_eq(m->elements[3].name, "sppInstaller");
    cr_assert_str_eq(m->elements[3].ns, "urn:schemas-microsoft-com:spp:installer");
    cr_assert_eq(m->elements[3].kind, MUM_ELEMENT_EXTENSION);
    cr_assert_eq(m->identity_count, 1);
    parsed_free(&r);
}

Test(manifest, deployment_model)
{
    parsed r = parse_ok(deployment_manifest, DEPLOYMENT_KEYFORM ".manifest");
    expect_no_findings(&r);
    cr_assert_eq(r.m->kind, MUM_MANIFEST_DEPLOYMENT);
    cr_assert(r.m->has_deployment);
    cr_assert_eq(r.m->deployment_pos.line, 4);
    cr_assert_eq(r.m->dependency_count, 1);
    cr_assert_str_eq(r.m->dependencies[0].dependency_type, "install");
    cr_assert_str_eq(r.m->dependencies[0].discoverable, "false");
    cr_assert_str_eq(r.m->dependencies[0].ref.id.name, "Contoso-Widget");
    parsed_free(&r);
}

/* A canonical dump of most of the model, to compare parses. */
static void dump_identity(mum_sbuf *b, const mum_identity *id, mum_manifest_pos pos)
{
    for (int a = 0; a < MUM_ATTR_COUNT; a++) {
        const char *v = mum_identity_get(id, (mum_identity_attr)a);
        mum__sbuf_printf(b, "%s|", v ? v : "-");
    }
    mum__sbuf_printf(b, "@%u:%u;", pos.line, pos.column);
}

static char *dump(const mum_manifest *m)
{
    mum_sbuf b = {0};
    mum__sbuf_printf(&b, "kind=%d ver=%s desc=%s\n", (int)m->kind,
                     m->manifest_version ? m->manifest_version : "-",
                     m->description ? m->description : "-");
    dump_identity(&b, &m->identity, m->identity_pos);
    const mum_manifest_package *p = &m->package;
    for (size_t i = 0; i < p->parent_count; i++)
        for (size_t k = 0; k < p->parents[i].identity_count; k++)
            dump_identity(&b, &p->parents[i].identities[k].id, p->parents[i].identities[k].pos);
    for (size_t i = 0; i < p->update_count; i++) {
        const mum_manifest_update *u = &p->updates[i];
        mum__sbuf_printf(&b, "\nupdate %s@%u:", u->name ? u->name : "-", u->pos.line);
        for (size_t k = 0; k < u->applicable_count; k++)
            dump_identity(&b, &u->applicable[k].ref.id, u->applicable[k].ref.pos);
        for (size_t k = 0; k < u->item_count; k++)
            dump_identity(&b, &u->items[k].ref.id, u->items[k].ref.pos);
    }
    for (size_t i = 0; i < m->dependency_count; i++)
        dump_identity(&b, &m->dependencies[i].ref.id, m->dependencies[i].ref.pos);
    for (size_t i = 0; i < m->file_count; i++) {
        const mum_manifest_file *f = &m->files[i];
        char hex[2 * MUM_HASH_MAX_SIZE + 1];
        mum_hex_encode(hex, f->digest, f->digest_size);
        mum__sbuf_printf(&b, "\nfile %s %s %d %s@%u:%u", f->name ? f->name : "-", hex,
                         (int)f->digest_ok, f->digest_text ? f->digest_text : "-", f->pos.line,
                         f->pos.column);
    }
    for (size_t i = 0; i < m->registry_key_count; i++)
        for (size_t v = 0; v < m->registry_keys[i].value_count; v++)
            mum__sbuf_printf(&b, "\nreg %s %s", m->registry_keys[i].key_name,
                             m->registry_keys[i].values[v].value);
    for (size_t i = 0; i < m->element_count; i++)
        mum__sbuf_printf(&b, "\nelement %s x%u @%u", m->elements[i].name,
                         (unsigned)m->elements[i].count, m->elements[i].pos.line);
    return mum__sbuf_take(&b);
}

Test(manifest, push_parser_gives_the_same_model_at_any_chunking)
{
    const char *docs[] = {package_mum, component_manifest, deployment_manifest};
    const char *names[] = {PKG_FILE_NAME, WIDGET_KEYFORM ".manifest", DEPLOYMENT_KEYFORM ".manifest"};
    for (size_t d = 0; d < 3; d++) {
        parsed whole = parse_named(docs[d], strlen(docs[d]), names[d], 0, 0);
        cr_assert_eq(whole.rc, MUM_OK);
        char *want = dump(whole.m), *want_rules = rules_of(whole.findings);
        size_t chunks[] = {1, 2, 3, 7, 64, 4096};
        for (size_t c = 0; c < MUM_ARRAY_LEN(chunks); c++) {
            parsed r = parse_named(docs[d], strlen(docs[d]), names[d], chunks[c], 0);
            cr_assert_eq(r.rc, MUM_OK, "%s", mum_ctx_message(r.ctx));
            char *got = dump(r.m), *got_rules = rules_of(r.findings);
            cr_assert_str_eq(got, want, "doc %zu in chunks of %zu", d, chunks[c]);
            cr_assert_str_eq(got_rules, want_rules);
            mum_free(got);
            mum_free(got_rules);
            parsed_free(&r);
        }
        mum_free(want);
        mum_free(want_rules);
        parsed_free(&whole);
    }
}

Test(manifest, namespaces_are_matched_by_uri_not_prefix)
{
    /* other prefixes, the root prefixed, dsig declared once at the top */
    static const char doc[] =
        "<a:assembly xmlns:a=\"" V3 "\" xmlns:s=\"http://www.w3.org/2000/09/xmldsig#\" "
        "manifestVersion=\"1.0\">"
        "<a:assemblyIdentity name=\"Contoso-Widget\" version=\"1.2.3.4\" processorArchitecture=\"amd64\" "
        "publicKeyToken=\"" TOKEN "\" versionScope=\"nonSxS\"/>"
        "<a:file name=\"w.dll\"><h:hash xmlns:h=\"urn:schemas-microsoft-com:asm.v2\">"
        "<s:DigestMethod Algorithm=\"http://www.w3.org/2000/09/xmldsig#sha256\"/>"
        "<s:DigestValue>" SHA256_ABC_B64 "</s:DigestValue></h:hash></a:file>"
        /* the right local names in the wrong namespaces are not the vocabulary */
        "<file xmlns=\"urn:other\" name=\"x\"/>"
        "</a:assembly>";
    parsed r = parse_ok(doc, WIDGET_KEYFORM ".manifest");
    expect_no_findings(&r);
    cr_assert_eq(r.m->file_count, 1);
    cr_assert(r.m->files[0].digest_ok);
    cr_assert_eq(r.m->element_count, 1);
    cr_assert_eq(r.m->elements[0].kind, MUM_ELEMENT_EXTENSION);
    parsed_free(&r);

    /* a hash in the asm.v3 namespace is not a hash */
    static const char v3hash[] =
        "<assembly xmlns=\"" V3 "\" manifestVersion=\"1.0\">"
        "<assemblyIdentity name=\"Contoso-Widget\" version=\"1.2.3.4\" processorArchitecture=\"amd64\" "
        "publicKeyToken=\"" TOKEN "\" versionScope=\"nonSxS\"/>"
        "<file name=\"w.dll\"><hash><DigestValue>" SHA256_ABC_B64 "</DigestValue></hash></file>"
        "</assembly>";
    r = parse_ok(v3hash, WIDGET_KEYFORM ".manifest");
    char *got = rules_of(r.findings);
    cr_assert_str_eq(got, "manifest.missing-hash@1\nmanifest.unknown-element@1\n");
    mum_free(got);
    cr_assert_not(r.m->files[0].has_hash);
    parsed_free(&r);
}

/* The component manifest converted to another encoding: same model. */
Test(manifest, encodings_bom_utf16_and_declared)
{
    parsed base = parse_ok(deployment_manifest, DEPLOYMENT_KEYFORM ".manifest");
    char *want = dump(base.m);

    /* UTF-16LE with a BOM, declared utf-16 */
    const char *decl = strstr(deployment_manifest, "utf-8");
    cr_assert_not_null(decl);
    mum_sbuf text = {0};
    mum__sbuf_append(&text, deployment_manifest, (size_t)(decl - deployment_manifest));
    mum__sbuf_puts(&text, "utf-16");
    mum__sbuf_puts(&text, decl + 5);
    cr_assert(!text.failed);
    size_t n = text.len;
    unsigned char *u16 = malloc(2 * n + 2);
    u16[0] = 0xFF;
    u16[1] = 0xFE;
    for (size_t i = 0; i < n; i++) {
        u16[2 + 2 * i] = (unsigned char)text.data[i];
        u16[3 + 2 * i] = 0;
    }
    parsed r = parse_named((const char *)u16, 2 * n + 2, DEPLOYMENT_KEYFORM ".manifest", 5, 0);
    cr_assert_eq(r.rc, MUM_OK, "%s", mum_ctx_message(r.ctx));
    char *got = dump(r.m);
    cr_assert_str_eq(got, want);
    expect_no_findings(&r);
    mum_free(got);
    parsed_free(&r);
    free(u16);
    mum__sbuf_free(&text);

    /* windows-1252 declared: 0x80 in an attribute is the euro sign */
    static const char cp1252[] =
        "<?xml version=\"1.0\" encoding=\"windows-1252\"?>"
        "<assembly xmlns=\"" V3 "\" manifestVersion=\"1.0\" description=\"\x80 5\">"
        "<assemblyIdentity name=\"Contoso-Widget\" version=\"1.2.3.4\" processorArchitecture=\"amd64\" "
        "publicKeyToken=\"" TOKEN "\" versionScope=\"nonSxS\"/></assembly>";
    r = parse_ok(cp1252, WIDGET_KEYFORM ".manifest");
    cr_assert_str_eq(r.m->description, "\xe2\x82\xac 5");
    parsed_free(&r);
    mum_free(want);
    parsed_free(&base);
}

Test(manifest, digest_methods)
{
    static const struct {
        const char *uri;
        mum_hash_alg alg;
    } cases[] = {
        {"http://www.w3.org/2000/09/xmldsig#sha1", MUM_HASH_SHA1},
        {"http://www.w3.org/2000/09/xmldsig#sha256", MUM_HASH_SHA256},
        {"http://www.w3.org/2001/04/xmlenc#sha256", MUM_HASH_SHA256},
        {"http://www.w3.org/2001/04/xmldsig-more#sha384", MUM_HASH_SHA384},
        {"http://www.w3.org/2001/04/xmlenc#sha512", MUM_HASH_SHA512},
        {"http://www.w3.org/2001/04/xmldsig-more#md5", MUM_HASH_MD5},
    };
    for (size_t i = 0; i < MUM_ARRAY_LEN(cases); i++) {
        mum_hash_alg alg = MUM_HASH_NONE;
        cr_assert_eq(mum_manifest_digest_method(&alg, cases[i].uri), MUM_OK, "%s", cases[i].uri);
        cr_assert_eq(alg, cases[i].alg);
    }
    cr_assert_eq(mum_manifest_digest_method(NULL, "http://www.w3.org/2000/09/xmldsig#SHA256"),
                 MUM_ENOTFOUND, "URIs are case-sensitive");
    cr_assert_eq(mum_manifest_digest_method(NULL, NULL), MUM_ENOTFOUND);
}

/* ---- errors ---- */

static void expect_error(const void *doc, size_t size, const mum_manifest_options *opts,
                         size_t chunk, int status, const char *words, uint32_t line)
{
    mum_ctx *ctx;
    mum_ctx_new(&ctx);
    mum_location loc = {.input = "pkg.cab", .entry = "t.manifest"};
    mum_manifest *m = (mum_manifest *)1;
    int rc;
    if (chunk == 0) {
        rc = mum_manifest_parse(&m, ctx, &loc, opts, doc, size);
        cr_assert_null(m, "no model on failure");
    } else {
        mum_manifest_parser *p;
        cr_assert_eq(mum_manifest_parser_new(&p, ctx, &loc, opts), MUM_OK);
        rc = MUM_OK;
        for (size_t off = 0; off < size && rc == MUM_OK; off += chunk)
            rc = mum_manifest_parser_feed(p, (const char *)doc + off,
                                          size - off < chunk ? size - off : chunk);
        if (rc == MUM_OK)
            rc = mum_manifest_parser_finish(&m, p);
        cr_assert_eq(mum_manifest_parser_feed(p, "x", 1), rc, "the failure is sticky");
        mum_manifest_parser_free(p);
    }
    cr_assert_eq(rc, status, "got %d (%s), want %d", rc, mum_ctx_message(ctx), status);
    cr_assert(strstr(mum_ctx_message(ctx), words), "message \"%s\" has \"%s\"",
              mum_ctx_message(ctx), words);
    cr_assert(strncmp(mum_ctx_message(ctx), "pkg.cab!t.manifest:", 19) == 0,
              "message names input!entry: %s", mum_ctx_message(ctx));
    if (line)
        cr_assert_eq(mum_ctx_location(ctx)->line, line, "line %u, want %u (%s)",
                     mum_ctx_location(ctx)->line, line, mum_ctx_message(ctx));
    mum_ctx_free(ctx);
}

static void expect_error_str(const char *doc, int status, const char *words, uint32_t line)
{
    expect_error(doc, strlen(doc), NULL, 0, status, words, line);
    expect_error(doc, strlen(doc), NULL, 3, status, words, line);
}

Test(manifest_errors, truncated)
{
    /* the deployment manifest cut in the middle of a tag, and after one */
    char *cut = strdup(deployment_manifest);
    cut[strstr(cut, "<deployment") - cut + 5] = '\0';
    expect_error_str(cut, MUM_EFORMAT, "truncated", 4);
    free(cut);
    cut = strdup(deployment_manifest);
    cut[strstr(cut, "<dependency") - cut] = '\0';
    expect_error_str(cut, MUM_EFORMAT, "XML", 0);
    free(cut);
    expect_error_str("", MUM_EFORMAT, "truncated", 0);
}

Test(manifest_errors, not_xml_at_all)
{
    expect_error_str("MZ\x90\x00 not a manifest", MUM_EFORMAT, "XML", 1);
}

Test(manifest_errors, dtd_and_billion_laughs)
{
    expect_error_str("<?xml version=\"1.0\"?>\n<!DOCTYPE assembly SYSTEM \"http://example.com/a.dtd\">\n"
                     "<assembly xmlns=\"" V3 "\"/>",
                     MUM_EFORMAT, "DOCTYPE", 2);
    mum_sbuf b = {0};
    mum__sbuf_puts(&b, "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol0 \"lol\">\n");
    for (int i = 1; i <= 9; i++) {
        mum__sbuf_printf(&b, " <!ENTITY lol%d \"", i);
        for (int k = 0; k < 10; k++)
            mum__sbuf_printf(&b, "&lol%d;", i - 1);
        mum__sbuf_puts(&b, "\">\n");
    }
    mum__sbuf_puts(&b, "]>\n<assembly xmlns=\"" V3 "\" description=\"&lol9;\"/>");
    cr_assert(!b.failed);
    expect_error_str(b.data, MUM_EFORMAT, "DOCTYPE lolz", 2);
    mum__sbuf_free(&b);
}

Test(manifest_errors, nesting_10000_deep)
{
    mum_sbuf b = {0};
    mum__sbuf_puts(&b, "<assembly xmlns=\"" V3 "\">\n");
    for (int i = 0; i < 10000; i++)
        mum__sbuf_puts(&b, "<trustInfo>");
    for (int i = 0; i < 10000; i++)
        mum__sbuf_puts(&b, "</trustInfo>");
    mum__sbuf_puts(&b, "</assembly>");
    cr_assert(!b.failed);
    expect_error(b.data, b.len, NULL, 0, MUM_ELIMIT, "nested deeper than 128", 2);
    expect_error(b.data, b.len, NULL, 4096, MUM_ELIMIT, "nested deeper than 128", 2);
    /* a lower limit from the options */
    mum_manifest_options opts = MUM_MANIFEST_OPTIONS_INIT;
    opts.max_depth = 3;
    expect_error(b.data, b.len, &opts, 0, MUM_ELIMIT, "nested deeper than 3", 2);
    mum__sbuf_free(&b);
}

Test(manifest_errors, wrong_root_namespace_or_element)
{
    expect_error_str("<?xml version=\"1.0\"?>\n<assembly xmlns=\"urn:schemas-microsoft-com:asm.v1\" "
                     "manifestVersion=\"1.0\"/>",
                     MUM_EFORMAT, "namespace \"urn:schemas-microsoft-com:asm.v1\"", 2);
    expect_error_str("<assembly manifestVersion=\"1.0\"/>", MUM_EFORMAT, "namespace \"(none)\"", 1);
    expect_error_str("\n\n<Container xmlns=\"urn:ContainerIndex\"/>", MUM_EFORMAT,
                     "the root element is <Container> in namespace \"urn:ContainerIndex\"", 3);
}

Test(manifest_errors, delta_compressed_manifest)
{
    static const char dcm[] = "DCM\x01PA30\x10\x20\x30\x40 the rest of a delta";
    expect_error(dcm, sizeof dcm - 1, NULL, 0, MUM_EDELTA, "delta-compressed", 0);
    expect_error(dcm, sizeof dcm - 1, NULL, 1, MUM_EDELTA, "delta-compressed", 0);
    static const char dcs[] = "DCS\x01xyz";
    expect_error(dcs, sizeof dcs - 1, NULL, 0, MUM_EDELTA, "DCS", 0);
}

/* ---- DCM manifests, read with a base manifest ---- */

/* realdata/pa30/dcm/<name> (malloc'd), or the test is skipped. */
static unsigned char *dcm_file(const char *name, size_t *n)
{
    const char *real = getenv("MUM_REALDATA");
    char path[4096];
    snprintf(path, sizeof path, "%s/pa30/dcm/%s", real ? real : "../../shared/realdata", name);
    if (access(path, R_OK) != 0)
        cr_skip_test("real data absent: no %s (set MUM_REALDATA)", path);
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "%s", path);
    unsigned char *buf = NULL;
    size_t len = 0, got;
    unsigned char chunk[65536];
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) {
        buf = realloc(buf, len + got);
        cr_assert_not_null(buf);
        memcpy(buf + len, chunk, got);
        len += got;
    }
    fclose(f);
    *n = len;
    return buf;
}

static const char gadugi[] =
    "amd64_microsoft-windows-font-truetype-gadugi_31bf3856ad364e35_10.0.26100.1_none_e1326a4c8dcc8ee1"
    ".manifest";

/* The model of a DCM manifest, parsed whole (chunk 0) or pushed in chunks. */
static mum_manifest *parse_dcm(const void *dcm, size_t size, const void *base, size_t base_size,
                               size_t chunk)
{
    mum_ctx *ctx;
    mum_ctx_new(&ctx);
    mum_manifest_options opts = MUM_MANIFEST_OPTIONS_INIT;
    opts.base_manifest = base;
    opts.base_manifest_size = base_size;
    mum_location loc = {.input = "pkg.cab", .entry = gadugi};
    mum_manifest *m = NULL;
    int rc;
    if (chunk == 0) {
        rc = mum_manifest_parse(&m, ctx, &loc, &opts, dcm, size);
    } else {
        mum_manifest_parser *p;
        cr_assert_eq(mum_manifest_parser_new(&p, ctx, &loc, &opts), MUM_OK);
        rc = MUM_OK;
        for (size_t off = 0; off < size && rc == MUM_OK; off += chunk)
            rc = mum_manifest_parser_feed(p, (const char *)dcm + off,
                                          size - off < chunk ? size - off : chunk);
        if (rc == MUM_OK)
            rc = mum_manifest_parser_finish(&m, p);
        mum_manifest_parser_free(p);
    }
    cr_assert_eq(rc, MUM_OK, "chunk %zu: %s", chunk, mum_ctx_message(ctx));
    mum_ctx_free(ctx);
    return m;
}

Test(manifest_dcm, read_through_the_base_whole_or_pushed)
{
    size_t n, bn;
    unsigned char *dcm = dcm_file(gadugi, &n);
    unsigned char *base = dcm_file("base_manifest.bin", &bn);
    static const size_t chunks[] = {0, 1, 3, 100, 4096};
    for (size_t i = 0; i < sizeof chunks / sizeof chunks[0]; i++) {
        mum_manifest *m = parse_dcm(dcm, n, base, bn, chunks[i]);
        cr_assert(m->has_identity);
        cr_assert_str_eq(m->identity.name, "Microsoft-Windows-Font-TrueType-Gadugi");
        cr_assert_str_eq(m->identity.version, "10.0.26100.1");
        cr_assert_eq(m->file_count, 1);
        cr_assert_str_eq(m->files[0].name, "gadugi.ttf");
        cr_assert(m->files[0].digest_ok);
        /* positions are lines of the decoded XML (the delta is one line of binary) */
        cr_assert_eq(m->files[0].pos.line, 4, "line %u", m->files[0].pos.line);
        cr_assert_eq(m->identity_pos.line, 3, "line %u", m->identity_pos.line);
        mum_manifest_free(m);
    }
    free(dcm);
    free(base);
}

Test(manifest_dcm, expanded_size_counts_against_the_document_limit)
{
    size_t n, bn;
    unsigned char *dcm = dcm_file(gadugi, &n);
    unsigned char *base = dcm_file("base_manifest.bin", &bn);
    mum_manifest_options opts = MUM_MANIFEST_OPTIONS_INIT;
    opts.base_manifest = base;
    opts.base_manifest_size = bn;
    opts.max_size = 1000; /* it expands to 2305 bytes */
    expect_error(dcm, n, &opts, 0, MUM_ELIMIT, "expands to 2305 bytes", 0);
    expect_error(dcm, n, &opts, 7, MUM_ELIMIT, "expands to 2305 bytes", 0);
    free(dcm);
    free(base);
}

Test(manifest_dcm, another_base_fails_naming_the_manifest)
{
    size_t n;
    unsigned char *dcm = dcm_file(gadugi, &n);
    static const char other[] = "<?xml version=\"1.0\"?><not-the-base/>";
    mum_manifest_options opts = MUM_MANIFEST_OPTIONS_INIT;
    opts.base_manifest = other;
    opts.base_manifest_size = sizeof other - 1;
    mum_ctx *ctx;
    mum_ctx_new(&ctx);
    mum_location loc = {.input = "pkg.cab", .entry = "t.manifest"};
    mum_manifest *m = NULL;
    int rc = mum_manifest_parse(&m, ctx, &loc, &opts, dcm, n);
    cr_assert(rc != MUM_OK && rc != MUM_EDELTA, "rc %d", rc);
    cr_assert_null(m);
    cr_assert(strncmp(mum_ctx_message(ctx), "pkg.cab!t.manifest:", 19) == 0, "%s",
              mum_ctx_message(ctx));
    mum_ctx_free(ctx);
    free(dcm);
}

Test(manifest_dcm, a_delta_past_its_limit_is_refused_as_it_comes)
{
    /* no decoder is reached: the bytes alone pass MUM_MANIFEST_MAX_DCM */
    mum_ctx *ctx;
    mum_ctx_new(&ctx);
    mum_manifest_options opts = MUM_MANIFEST_OPTIONS_INIT;
    opts.base_manifest = "base";
    opts.base_manifest_size = 4;
    mum_location loc = {.input = "pkg.cab", .entry = "t.manifest"};
    mum_manifest_parser *p;
    cr_assert_eq(mum_manifest_parser_new(&p, ctx, &loc, &opts), MUM_OK);
    static unsigned char zeros[1 << 20];
    int rc = mum_manifest_parser_feed(p, "DCM\x01PA30", 8);
    size_t fed = 8;
    while (rc == MUM_OK && fed <= MUM_MANIFEST_MAX_DCM) {
        rc = mum_manifest_parser_feed(p, zeros, sizeof zeros);
        fed += sizeof zeros;
    }
    cr_assert_eq(rc, MUM_ELIMIT, "rc %d: %s", rc, mum_ctx_message(ctx));
    cr_assert(strstr(mum_ctx_message(ctx), "DCM manifest larger than"), "%s", mum_ctx_message(ctx));
    cr_assert(strncmp(mum_ctx_message(ctx), "pkg.cab!t.manifest:", 19) == 0, "%s", mum_ctx_message(ctx));
    mum_manifest_parser_free(p);
    mum_ctx_free(ctx);
}

Test(manifest_errors, limits)
{
    mum_manifest_options opts = MUM_MANIFEST_OPTIONS_INIT;
    opts.max_size = 100;
    expect_error(component_manifest, strlen(component_manifest), &opts, 0, MUM_ELIMIT,
                 "larger than 100 bytes", 0);
    expect_error(component_manifest, strlen(component_manifest), &opts, 16, MUM_ELIMIT,
                 "larger than 100 bytes", 0);
    opts = (mum_manifest_options)MUM_MANIFEST_OPTIONS_INIT;
    opts.max_items = 3; /* parent identities, updates, targets: more than 3 */
    expect_error(package_mum, strlen(package_mum), &opts, 0, MUM_ELIMIT, "more than 3 records", 10);
    opts = (mum_manifest_options)MUM_MANIFEST_OPTIONS_INIT;
    opts.max_attrs = 4;
    expect_error(package_mum, strlen(package_mum), &opts, 0, MUM_ELIMIT, "attributes", 2);
    opts = (mum_manifest_options)MUM_MANIFEST_OPTIONS_INIT;
    opts.max_text = 10;
    expect_error(component_manifest, strlen(component_manifest), &opts, 0, MUM_ELIMIT,
                 "characters of text", 0);
}

Test(manifest_errors, bad_calls)
{
    mum_ctx *ctx;
    mum_ctx_new(&ctx);
    mum_manifest_options opts = MUM_MANIFEST_OPTIONS_INIT;
    opts.version = 99;
    mum_manifest *m;
    cr_assert_eq(mum_manifest_parse(&m, ctx, NULL, &opts, "<a/>", 4), MUM_EINVAL);
    cr_assert(strstr(mum_ctx_message(ctx), "version 99"));
    mum_manifest_parser *p;
    cr_assert_eq(mum_manifest_parser_new(&p, ctx, NULL, NULL), MUM_OK);
    cr_assert_eq(mum_manifest_parser_feed(p, deployment_manifest, strlen(deployment_manifest)),
                 MUM_OK);
    cr_assert_eq(mum_manifest_parser_finish(&m, p), MUM_OK);
    cr_assert_null(m->input, "no location given");
    cr_assert_eq(mum_manifest_parser_feed(p, "<", 1), MUM_EINVAL);
    mum_manifest *again = m;
    cr_assert_eq(mum_manifest_parser_finish(&again, p), MUM_EINVAL);
    cr_assert_null(again);
    mum_manifest_parser_free(p);
    /* the model outlives its parser */
    cr_assert_str_eq(m->identity.name, "0123456789abcdef0123456789abcdef");
    mum_manifest_free(m);
    mum_manifest_free(NULL);
    mum_manifest_parser_free(NULL);
    cr_assert_eq(mum_manifest_parser_feed(NULL, "x", 1), MUM_EINVAL);
    cr_assert_eq(mum_manifest_check(NULL, NULL, 0, NULL), MUM_EINVAL);
    mum_ctx_free(ctx);
}

/* ---- findings ---- */

/* Parses doc (a component named by its keyform unless name is given) and
 * returns the findings as "rule@line" lines. */
static char *findings_of(const char *doc, const char *name)
{
    parsed r = parse_ok(doc, name ? name : WIDGET_KEYFORM ".manifest");
    char *got = rules_of(r.findings);
    parsed_free(&r);
    return got;
}

static void expect_findings(const char *doc, const char *name, const char *want)
{
    char *got = findings_of(doc, name);
    cr_assert_str_eq(got, want);
    mum_free(got);
}

#define HEAD "<assembly xmlns=\"" V3 "\" manifestVersion=\"1.0\">\n"
#define WIDGET_ID                                                                                  \
    "<assemblyIdentity name=\"Contoso-Widget\" version=\"1.2.3.4\" processorArchitecture=\"amd64\" " \
    "publicKeyToken=\"" TOKEN "\" versionScope=\"nonSxS\"/>\n"
#define HASH_OPEN                                                                                  \
    "<h:hash xmlns:h=\"urn:schemas-microsoft-com:asm.v2\" xmlns:d=\"http://www.w3.org/2000/09/xmldsig#\">"
#define SHA256_METHOD "<d:DigestMethod Algorithm=\"http://www.w3.org/2000/09/xmldsig#sha256\"/>"

Test(manifest_findings, missing_identity)
{
    static const char doc[] = "<?xml version=\"1.0\"?>\n" HEAD "  <deployment/>\n</assembly>";
    parsed r = parse_ok(doc, "x.manifest");
    const mum_finding *f = tu_find_rule(r.findings, "manifest.missing-identity");
    cr_assert_not_null(f);
    cr_assert_eq(f->severity, MUM_SEVERITY_ERROR);
    cr_assert_eq(f->rule->hresult, 0x800f080d);
    cr_assert_str_eq(f->loc.input, "pkg.cab");
    cr_assert_str_eq(f->loc.entry, "x.manifest");
    cr_assert_eq(f->loc.line, 2);
    cr_assert_eq(mum_findings_count(r.findings), 1, "no name check without an identity");
    cr_assert_not(r.m->has_identity);
    parsed_free(&r);
}

Test(manifest_findings, bad_base64)
{
    expect_findings(HEAD WIDGET_ID "<file name=\"w.dll\">" HASH_OPEN SHA256_METHOD
                                   "<d:DigestValue>not*base64!</d:DigestValue></h:hash></file></assembly>",
                    NULL, "manifest.bad-digest@3\n");
    expect_findings(HEAD WIDGET_ID "<file name=\"w.dll\">" HASH_OPEN SHA256_METHOD
                                   "<d:DigestValue>  </d:DigestValue></h:hash></file></assembly>",
                    NULL, "manifest.bad-digest@3\n");
    /* the message quotes the text */
    parsed r = parse_ok(HEAD WIDGET_ID "<file name=\"w.dll\">" HASH_OPEN SHA256_METHOD
                                       "<d:DigestValue>abc</d:DigestValue></h:hash></file></assembly>",
                        WIDGET_KEYFORM ".manifest");
    const mum_finding *f = tu_find_rule(r.findings, "manifest.bad-digest");
    cr_assert(strstr(f->message, "\"abc\"") && strstr(f->message, "w.dll"), "%s", f->message);
    cr_assert_not(r.m->files[0].digest_ok);
    parsed_free(&r);
}

Test(manifest_findings, digest_size_does_not_fit_the_algorithm)
{
    /* a SHA-1 sized value under a SHA-256 method, and a 96-byte value */
    parsed r = parse_ok(HEAD WIDGET_ID "<file name=\"w.dll\">" HASH_OPEN SHA256_METHOD
                                       "<d:DigestValue>qZk+NkcGgWq6PiVxeFDCbJzQ2J0=</d:DigestValue>"
                                       "</h:hash></file></assembly>",
                        WIDGET_KEYFORM ".manifest");
    const mum_finding *f = tu_find_rule(r.findings, "manifest.digest-size");
    cr_assert_not_null(f);
    cr_assert(strstr(f->message, "20 bytes") && strstr(f->message, "sha256 digest has 32"), "%s",
              f->message);
    cr_assert_eq(r.m->files[0].digest_size, 20);
    cr_assert_not(r.m->files[0].digest_ok);
    parsed_free(&r);

    mum_sbuf b = {0};
    mum__sbuf_puts(&b, HEAD WIDGET_ID "<file name=\"w.dll\">" HASH_OPEN SHA256_METHOD "<d:DigestValue>");
    for (int i = 0; i < 32; i++)
        mum__sbuf_puts(&b, "AAAA");
    mum__sbuf_puts(&b, "</d:DigestValue></h:hash></file></assembly>");
    r = parse_ok(b.data, WIDGET_KEYFORM ".manifest");
    f = tu_find_rule(r.findings, "manifest.digest-size");
    cr_assert_not_null(f);
    cr_assert(strstr(f->message, "96 bytes"), "%s", f->message);
    cr_assert_eq(mum_findings_count(r.findings), 1);
    parsed_free(&r);
    mum__sbuf_free(&b);
}

Test(manifest_findings, malformed_hash_elements)
{
    /* two DigestValues */
    expect_findings(HEAD WIDGET_ID "<file name=\"w.dll\">" HASH_OPEN SHA256_METHOD
                                   "<d:DigestValue>" SHA256_ABC_B64 "</d:DigestValue>"
                                   "<d:DigestValue>" SHA256_ABC_B64 "</d:DigestValue>"
                                   "</h:hash></file></assembly>",
                    NULL, "manifest.bad-hash@3\n");
    /* no DigestMethod */
    expect_findings(HEAD WIDGET_ID "<file name=\"w.dll\">" HASH_OPEN
                                   "<d:DigestValue>" SHA256_ABC_B64 "</d:DigestValue>"
                                   "</h:hash></file></assembly>",
                    NULL, "manifest.bad-hash@3\n");
    /* a DigestMethod without Algorithm */
    expect_findings(HEAD WIDGET_ID "<file name=\"w.dll\">" HASH_OPEN "<d:DigestMethod/>"
                                   "<d:DigestValue>" SHA256_ABC_B64 "</d:DigestValue>"
                                   "</h:hash></file></assembly>",
                    NULL, "manifest.bad-hash@3\n");
    /* an algorithm nobody knows */
    expect_findings(HEAD WIDGET_ID "<file name=\"w.dll\">" HASH_OPEN
                                   "<d:DigestMethod Algorithm=\"urn:example:crc32\"/>"
                                   "<d:DigestValue>" SHA256_ABC_B64 "</d:DigestValue>"
                                   "</h:hash></file></assembly>",
                    NULL, "manifest.unknown-digest-method@3\n");
    /* two hashes on one file: the first counts */
    expect_findings(HEAD WIDGET_ID "<file name=\"w.dll\">" HASH_OPEN SHA256_METHOD
                                   "<d:DigestValue>" SHA256_ABC_B64 "</d:DigestValue></h:hash>\n"
                                   HASH_OPEN "</h:hash></file></assembly>",
                    NULL, "manifest.duplicate-element@4\n");
    /* no hash at all */
    expect_findings(HEAD WIDGET_ID "<file name=\"w.dll\"/></assembly>", NULL,
                    "manifest.missing-hash@3\n");
}

Test(manifest_findings, duplicate_update_names)
{
    static const char doc[] =
        HEAD "<assemblyIdentity name=\"P\" version=\"1.0.0.0\" processorArchitecture=\"x86\" "
             "publicKeyToken=\"" TOKEN "\"/>\n"
             "<package><update name=\"u-1\"><package><assemblyIdentity name=\"A\"/></package></update>\n"
             "<update name=\"u-2\"><package><assemblyIdentity name=\"B\"/></package></update>\n"
             "<update name=\"U-1\"><package><assemblyIdentity name=\"C\"/></package></update>\n"
             "<update name=\"u-1\"><package><assemblyIdentity name=\"D\"/></package></update>\n"
             "</package></assembly>";
    parsed r = parse_ok(doc, "update.mum");
    char *got = rules_of(r.findings);
    cr_assert_str_eq(got, "manifest.duplicate-update@5\nmanifest.duplicate-update@6\n");
    const mum_finding *f = tu_find_rule(r.findings, "manifest.duplicate-update");
    cr_assert_eq(f->rule->hresult, 0x800f0819);
    cr_assert(strstr(f->message, "\"U-1\"") && strstr(f->message, "line 3"), "%s", f->message);
    mum_free(got);
    parsed_free(&r);
}

Test(manifest_findings, missing_attributes)
{
    expect_findings("<assembly xmlns=\"" V3 "\">\n" WIDGET_ID
                    "<file><h:hash xmlns:h=\"urn:schemas-microsoft-com:asm.v2\" "
                    "xmlns:d=\"http://www.w3.org/2000/09/xmldsig#\">" SHA256_METHOD
                    "<d:DigestValue>" SHA256_ABC_B64 "</d:DigestValue></h:hash></file>\n"
                    "<registryKeys><registryKey>\n<registryValue value=\"1\"/>\n</registryKey>"
                    "</registryKeys></assembly>",
                    NULL,
                    "manifest.missing-attribute@1\n"
                    "manifest.missing-attribute@3\n"
                    "manifest.missing-attribute@4\n"
                    "manifest.missing-attribute@5\n"
                    "manifest.missing-attribute@5\n");
    expect_findings(HEAD "<assemblyIdentity name=\"P\" version=\"1.0.0.0\" processorArchitecture=\"x86\" "
                         "publicKeyToken=\"" TOKEN "\"/>\n"
                         "<package><update><component><assemblyIdentity name=\"c\"/></component>"
                         "</update></package></assembly>",
                    "update.mum", "manifest.missing-attribute@3\n");
}

Test(manifest_findings, missing_elements)
{
    expect_findings(HEAD "<assemblyIdentity name=\"P\" version=\"1.0.0.0\" processorArchitecture=\"x86\" "
                         "publicKeyToken=\"" TOKEN "\"/>\n"
                         "<package>\n"
                         "<parent/>\n"
                         "<update name=\"a\"/>\n"
                         "<update name=\"b\"><applicable><updateComponent/></applicable>\n"
                         "<component/></update>\n"
                         "</package></assembly>",
                    "update.mum",
                    "manifest.missing-element@4\n"
                    "manifest.missing-element@5\n"
                    "manifest.missing-element@6\n"
                    "manifest.missing-element@7\n");
    expect_findings(HEAD "<assemblyIdentity name=\"P\" version=\"1.0.0.0\" processorArchitecture=\"x86\" "
                         "publicKeyToken=\"" TOKEN "\"/>\n<package/></assembly>",
                    "update.mum", "manifest.missing-element@3\n");
    expect_findings(HEAD WIDGET_ID "<dependency discoverable=\"no\"/>\n"
                                   "<dependency><dependentAssembly/></dependency></assembly>",
                    NULL, "manifest.missing-element@3\nmanifest.missing-element@4\n");
}

Test(manifest_findings, duplicate_elements_keep_the_first)
{
    static const char doc[] =
        HEAD "<assemblyIdentity name=\"P\" version=\"1.0.0.0\" processorArchitecture=\"x86\" "
             "publicKeyToken=\"" TOKEN "\"/>\n"
             "<assemblyIdentity name=\"Q\" version=\"1.0.0.0\" processorArchitecture=\"x86\" "
             "publicKeyToken=\"" TOKEN "\"/>\n"
             "<package><update name=\"a\"><package><assemblyIdentity name=\"A\"/></package></update>"
             "</package>\n"
             "<package><update name=\"b\"><package><assemblyIdentity name=\"B\"/></package></update>"
             "</package>\n"
             "</assembly>";
    parsed r = parse_ok(doc, "update.mum");
    char *got = rules_of(r.findings);
    cr_assert_str_eq(got, "manifest.duplicate-element@3\nmanifest.duplicate-element@5\n");
    mum_free(got);
    cr_assert_str_eq(r.m->identity.name, "P");
    cr_assert_eq(r.m->identity_count, 2);
    cr_assert_eq(r.m->package_count, 2);
    cr_assert_eq(r.m->package.update_count, 1, "the second package is not merged");
    parsed_free(&r);
}

Test(manifest_findings, identity_values_through_the_identity_module)
{
    expect_findings(HEAD "<assemblyIdentity name=\"Contoso-Widget\" version=\"1.2.3\" "
                         "processorArchitecture=\"x64\" publicKeyToken=\"31BF\"/>\n"
                         "<dependency><dependentAssembly>\n<assemblyIdentity name=\"D\" "
                         "version=\"1.0.0.99999\"/></dependentAssembly></dependency></assembly>",
                    "whatever.manifest",
                    "identity.bad-version@2\nidentity.bad-token@2\nidentity.unknown-architecture@2\n"
                    "identity.version-range@4\nmanifest.name-mismatch@2\n");
    /* a root identity needs name, version, architecture and token */
    expect_findings(HEAD "<assemblyIdentity name=\"Contoso-Widget\"/>\n</assembly>", "x.manifest",
                    "identity.missing-attribute@2\nidentity.missing-attribute@2\n"
                    "identity.missing-attribute@2\nmanifest.name-mismatch@2\n");
}

Test(manifest_findings, component_file_name_is_the_keyform)
{
    /* matches, in any case, also as a path or an entry of a container */
    const char *good[] = {WIDGET_KEYFORM ".manifest", "AMD64_Contoso-Widget_" TOKEN
                          "_1.2.3.4_none_D647602D3FB21D93.MANIFEST",
                          "dir/sub/" WIDGET_KEYFORM ".manifest", "inner.cab!" WIDGET_KEYFORM ".manifest"};
    for (size_t i = 0; i < MUM_ARRAY_LEN(good); i++)
        expect_findings(component_manifest, good[i], "");
    /* one digit of the key off; another name; no .manifest */
    parsed r = parse_ok(component_manifest, "amd64_contoso-widget_" TOKEN "_1.2.3.4_none_d647602d3fb21d94.manifest");
    const mum_finding *f = tu_find_rule(r.findings, "manifest.name-mismatch");
    cr_assert_not_null(f);
    cr_assert_eq(f->rule->hresult, 0x800f0818);
    cr_assert_eq(f->loc.line, 3, "at the identity");
    cr_assert(strstr(f->message, "\"" WIDGET_KEYFORM ".manifest\""), "names the expected: %s",
              f->message);
    parsed_free(&r);
    expect_findings(component_manifest, "widget.manifest", "manifest.name-mismatch@3\n");
    expect_findings(component_manifest, WIDGET_KEYFORM ".mum", "manifest.name-mismatch@3\n");
    expect_findings(component_manifest, WIDGET_KEYFORM, "manifest.name-mismatch@3\n");

    /* no check: by flag, or with no name at all */
    r = parse_named(component_manifest, strlen(component_manifest), "renamed.manifest", 0,
                    MUM_MANIFEST_NO_NAME_CHECK);
    expect_no_findings(&r);
    parsed_free(&r);
    mum_findings *fl;
    mum_findings_new(&fl);
    mum_manifest *m;
    cr_assert_eq(mum_manifest_parse(&m, NULL, NULL, NULL, component_manifest,
                                    strlen(component_manifest)), MUM_OK);
    cr_assert_eq(mum_manifest_check(m, NULL, 0, fl), MUM_OK);
    cr_assert_eq(mum_findings_count(fl), 0, "no location: no name");
    /* a name given to the check wins over the location */
    cr_assert_eq(mum_manifest_check(m, "x86_contoso-widget_" TOKEN "_1.2.3.4_none_085249c4ae4e559c.manifest", 0, fl),
                 MUM_OK);
    cr_assert_eq(tu_count_rule(fl, "manifest.name-mismatch"), 1, "amd64 identity, x86 name");
    mum_manifest_free(m);
    mum_findings_free(fl);
}

/* Non-ASCII names compare without regard to case too (pseudo-key from
 * tools/pseudokey.py name=Contoso-\u00c9clair ...). */
Test(manifest_findings, non_ascii_names_compare_without_case)
{
    static const char doc[] =
        HEAD "<assemblyIdentity name=\"Contoso-\xc3\x89" "clair\" version=\"1.2.3.4\" "
             "processorArchitecture=\"x86\" publicKeyToken=\"" TOKEN "\"/>\n<deployment/></assembly>";
    expect_findings(doc, "x86_contoso-\xc3\xa9" "clair_" TOKEN "_1.2.3.4_none_3e80af536c8de988.manifest", "");
    expect_findings(doc, "X86_CONTOSO-\xc3\x89" "CLAIR_" TOKEN "_1.2.3.4_NONE_3E80AF536C8DE988.manifest", "");
    expect_findings(doc, "x86_contoso-\xc3\xa8" "clair_" TOKEN "_1.2.3.4_none_3e80af536c8de988.manifest",
                    "manifest.name-mismatch@2\n");
}

Test(manifest_findings, options_file_name_overrides_the_location)
{
    mum_findings *fl;
    mum_findings_new(&fl);
    mum_manifest_options opts = MUM_MANIFEST_OPTIONS_INIT;
    opts.findings = fl;
    opts.file_name = WIDGET_KEYFORM ".manifest";
    mum_location loc = {.input = "/tmp/xyz123"};
    mum_manifest *m;
    cr_assert_eq(mum_manifest_parse(&m, NULL, &loc, &opts, component_manifest,
                                    strlen(component_manifest)), MUM_OK);
    cr_assert_eq(mum_findings_count(fl), 0);
    mum_manifest_free(m);
    mum_findings_free(fl);
}

Test(manifest_findings, package_file_name_is_the_package_name)
{
    expect_findings(package_mum, PKG_FILE_NAME, "");
    expect_findings(package_mum, "package_1_for_kb1000001~" TOKEN "~AMD64~~6.3.1.0.MUM", "");
    expect_findings(package_mum, "Package_1_for_KB1000001~" TOKEN "~amd64~neutral~6.3.1.0.cat", "");
    /* update.mum is the top package's conventional name */
    expect_findings(package_mum, "update.mum", "");
    expect_findings(package_mum, "Update.MUM", "");
    /* and its siblings for further top packages (KB2883457's update-bf.mum) */
    expect_findings(package_mum, "update-bf.mum", "");
    expect_findings(package_mum, "Update-BF.MUM", "");
    expect_findings(package_mum, "inner.cab!update-client_1.mum", "");
    /* what only looks like one is a name, and a wrong one */
    expect_findings(package_mum, "updates.mum", "manifest.name-mismatch@3\n");
    expect_findings(package_mum, "update-.mum", "manifest.name-mismatch@3\n");
    expect_findings(package_mum, "update-bf.cat.mum", "manifest.name-mismatch@3\n");
    expect_findings(package_mum, "update-Package_1_for_KB1000001~" TOKEN "~amd64~~6.3.1.0.mum",
                    "manifest.name-mismatch@3\n");
    expect_findings(package_mum, "update-bf.xml", "manifest.name-mismatch@3\n");
    /* a different version, architecture, name; not a package name; not .mum */
    expect_findings(package_mum, "Package_1_for_KB1000001~" TOKEN "~amd64~~6.3.1.1.mum",
                    "manifest.name-mismatch@3\n");
    expect_findings(package_mum, "Package_1_for_KB1000001~" TOKEN "~x86~~6.3.1.0.mum",
                    "manifest.name-mismatch@3\n");
    expect_findings(package_mum, "Package_2_for_KB1000001~" TOKEN "~amd64~~6.3.1.0.mum",
                    "manifest.name-mismatch@3\n");
    expect_findings(package_mum, "Package_1_for_KB1000001~" TOKEN "~amd64~en-US~6.3.1.0.mum",
                    "manifest.name-mismatch@3\n");
    expect_findings(package_mum, "kb1000001.mum", "manifest.name-mismatch@3\n");
    parsed r = parse_ok(package_mum, "update.xml");
    const mum_finding *f = tu_find_rule(r.findings, "manifest.name-mismatch");
    cr_assert_not_null(f);
    cr_assert(strstr(f->message, "\"" PKG_FILE_NAME "\""), "%s", f->message);
    parsed_free(&r);
}

/* The names package_name_matches takes without parsing them, and those
 * next to them that it must leave to the parse (manifest_check.c). */
Test(manifest_findings, package_names_next_to_the_identity)
{
    static const char *const good[] = {
        "package_1_for_kb1000001~" TOKEN "~Amd64~~6.3.1.0.Cat",
        "dir/sub/Package_1_for_KB1000001~" TOKEN "~amd64~~6.3.1.0.mum",
        "inner.cab!Package_1_for_KB1000001~" TOKEN "~amd64~~6.3.1.0.mum",
        "Package_1_for_KB1000001~" TOKEN "~amd64~NEUTRAL~6.3.1.0.mum",
    };
    for (size_t i = 0; i < MUM_ARRAY_LEN(good); i++)
        expect_findings(package_mum, good[i], "");
    static const char *const bad[] = {
        "Package_1_for_KB100000~" TOKEN "~amd64~~6.3.1.0.mum",   /* a field one byte short */
        "Package_1_for_KB10000011~" TOKEN "~amd64~~6.3.1.0.mum", /* one byte long */
        "Package_1_for_KB1000001~" TOKEN "~amd64~~6.3.1.mum",
        "Package_1_for_KB1000001~" TOKEN "~amd64~~6.3.1.0~1.mum", /* six fields */
        "Package_1_for_KB1000001~" TOKEN "~amd64~6.3.1.0.mum",    /* four */
        "Package_1_for_KB1000001~~amd64~~6.3.1.0.mum",            /* no token */
        "Package_1_for_KB1000001~" TOKEN "~amd64~~.mum",          /* no version */
        "Package_1_for_KB1000001~" TOKEN "~amd64~~6.3.1.0.xml",
        "Package_1_for_KB1000001~" TOKEN "~amd64~~6.3.1.0\xc3\xa9.mum",
        "Package_1_for_KB1000001~" TOKEN "~amd64~~6.3.1.0\x01.mum",
        "Package_1_for_KB1000001~" TOKEN "~am\xc3\xa9~~6.3.1.0.mum",
        "Package_1_for_KB1000001~" TOKEN "~amd64~fr-FR~6.3.1.0.mum",
    };
    for (size_t i = 0; i < MUM_ARRAY_LEN(bad); i++)
        expect_findings(package_mum, bad[i], "manifest.name-mismatch@3\n");
}

Test(manifest_findings, unknown_elements_are_information)
{
    static const char doc[] =
        HEAD WIDGET_ID "<frobnicate/>\n<frobnicate><assemblyIdentity name=\"inside\"/></frobnicate>\n"
                       "<file name=\"w.dll\"><blob xmlns=\"\"/>" HASH_OPEN SHA256_METHOD
                       "<d:DigestValue>" SHA256_ABC_B64 "</d:DigestValue><d:Extra/></h:hash></file>\n"
                       "<instrumentation/><x:ext xmlns:x=\"urn:vendor\"/></assembly>";
    parsed r = parse_ok(doc, WIDGET_KEYFORM ".manifest");
    char *got = rules_of(r.findings);
    cr_assert_str_eq(got, "manifest.unknown-element@3\nmanifest.unknown-element@5\n"
                          "manifest.unknown-element@5\n");
    mum_free(got);
    const mum_finding *f = tu_find_rule(r.findings, "manifest.unknown-element");
    cr_assert_eq(f->severity, MUM_SEVERITY_INFO);
    cr_assert(strstr(f->message, "<frobnicate> in <assembly>") && strstr(f->message, "(2 times)"),
              "%s", f->message);
    cr_assert_eq(r.m->element_count, 5);
    cr_assert_str_eq(r.m->elements[0].name, "frobnicate");
    cr_assert_str_eq(r.m->elements[0].parent, "assembly");
    cr_assert_eq(r.m->elements[0].count, 2);
    cr_assert_null(r.m->elements[1].ns, "xmlns=\"\": no namespace");
    cr_assert_str_eq(r.m->elements[1].parent, "file");
    cr_assert_str_eq(r.m->elements[2].name, "Extra");
    cr_assert_str_eq(r.m->elements[2].parent, "hash");
    cr_assert_eq(r.m->elements[3].kind, MUM_ELEMENT_KNOWN);
    cr_assert_eq(r.m->elements[4].kind, MUM_ELEMENT_EXTENSION);
    cr_assert_str_eq(r.m->identity.name, "Contoso-Widget", "the identity inside is not the manifest's");
    cr_assert(r.m->files[0].digest_ok);
    parsed_free(&r);
}

Test(manifest_findings, distinct_unknown_elements_are_capped)
{
    mum_sbuf b = {0};
    mum__sbuf_puts(&b, HEAD WIDGET_ID);
    for (int i = 0; i < 5000; i++)
        mum__sbuf_printf(&b, "<u%d/>", i);
    mum__sbuf_puts(&b, "</assembly>");
    parsed r = parse_ok(b.data, WIDGET_KEYFORM ".manifest");
    cr_assert_eq(r.m->element_count, 4096);
    cr_assert_eq(tu_count_rule(r.findings, "manifest.unknown-element"), 4097);
    const mum_finding *last = mum_findings_get(r.findings, 4096);
    cr_assert(strstr(last->message, "904 more distinct"), "%s", last->message);
    parsed_free(&r);
    mum__sbuf_free(&b);
}

/* ---- memory, concurrency ---- */

/* One parse with the n-th allocation failing (0: none); returns its status,
 * and the allocations it made through *allocs. */
static int parse_failing_at(const char *doc, const char *name, size_t chunk, unsigned long n,
                            unsigned long *allocs)
{
    long before = live_allocs;
    mum_ctx *ctx;
    mum_findings *fl;
    cr_assert_eq(mum_ctx_new(&ctx), MUM_OK);
    cr_assert_eq(mum_findings_new(&fl), MUM_OK);
    mum_manifest_options opts = MUM_MANIFEST_OPTIONS_INIT;
    opts.findings = fl;
    mum_location loc = {.input = "pkg.cab", .entry = name};
    mum_manifest *m = NULL;
    size_t size = strlen(doc);
    mum__alloc_fail_at(n);
    int rc;
    if (chunk == 0) {
        rc = mum_manifest_parse(&m, ctx, &loc, &opts, doc, size);
    } else {
        mum_manifest_parser *p = NULL;
        rc = mum_manifest_parser_new(&p, ctx, &loc, &opts);
        for (size_t off = 0; off < size && rc == MUM_OK; off += chunk)
            rc = mum_manifest_parser_feed(p, doc + off, size - off < chunk ? size - off : chunk);
        if (rc == MUM_OK)
            rc = mum_manifest_parser_finish(&m, p);
        mum_manifest_parser_free(p);
    }
    *allocs = mum__alloc_fail_at(0);
    if (rc == MUM_OK && mum_findings_count(fl) != 0)
        rc = MUM_EFORMAT; /* these documents are clean: a lost finding would show */
    if (rc != MUM_OK)
        cr_assert_null(m);
    mum_manifest_free(m);
    mum_findings_free(fl);
    mum_ctx_free(ctx);
    cr_assert_eq(live_allocs, before, "allocation %lu failing leaked %ld blocks", n,
                 live_allocs - before);
    return rc;
}

Test(manifest, out_of_memory_anywhere_is_reported)
{
    mum_set_allocator(&counting);
    const char *docs[] = {package_mum, component_manifest};
    const char *names[] = {PKG_FILE_NAME, WIDGET_KEYFORM ".manifest"};
    for (size_t d = 0; d < 2; d++) {
        for (size_t chunk = 0; chunk <= 50; chunk += 50) {
            unsigned long total;
            cr_assert_eq(parse_failing_at(docs[d], names[d], chunk, 0, &total), MUM_OK);
            cr_assert_gt(total, 10);
            for (unsigned long n = 1; n <= total; n++) {
                unsigned long made;
                int rc = parse_failing_at(docs[d], names[d], chunk, n, &made);
                cr_assert_eq(rc, MUM_ENOMEM, "doc %zu, chunk %zu: allocation %lu of %lu gave %d", d,
                             chunk, n, total, rc);
            }
        }
    }
    mum_set_allocator(NULL);
}

typedef struct thread_job {
    const char *doc;
    const char *name;
    const char *want;
    int failures;
} thread_job;

static void *thread_main(void *arg)
{
    thread_job *job = arg;
    for (int i = 0; i < 200; i++) {
        mum_manifest *m;
        mum_ctx *ctx;
        mum_findings *fl;
        if (mum_ctx_new(&ctx) != MUM_OK || mum_findings_new(&fl) != MUM_OK) {
            job->failures++;
            continue;
        }
        mum_manifest_options opts = MUM_MANIFEST_OPTIONS_INIT;
        opts.findings = fl;
        mum_location loc = {.input = "pkg.cab", .entry = job->name};
        if (mum_manifest_parse(&m, ctx, &loc, &opts, job->doc, strlen(job->doc)) != MUM_OK) {
            job->failures++;
        } else {
            char *got = dump(m);
            if (!got || strcmp(got, job->want) != 0 || mum_findings_count(fl) != 0)
                job->failures++;
            mum_free(got);
            mum_manifest_free(m);
        }
        mum_findings_free(fl);
        mum_ctx_free(ctx);
    }
    return NULL;
}

Test(manifest, parsers_run_concurrently)
{
    const char *docs[] = {package_mum, component_manifest, deployment_manifest, component_manifest};
    const char *names[] = {PKG_FILE_NAME, WIDGET_KEYFORM ".manifest", DEPLOYMENT_KEYFORM ".manifest",
                           WIDGET_KEYFORM ".manifest"};
    thread_job jobs[4];
    pthread_t threads[4];
    for (int i = 0; i < 4; i++) {
        parsed r = parse_ok(docs[i], names[i]);
        jobs[i] = (thread_job){docs[i], names[i], dump(r.m), 0};
        parsed_free(&r);
    }
    for (int i = 0; i < 4; i++)
        cr_assert_eq(pthread_create(&threads[i], NULL, thread_main, &jobs[i]), 0);
    for (int i = 0; i < 4; i++) {
        pthread_join(threads[i], NULL);
        cr_assert_eq(jobs[i].failures, 0, "thread %d", i);
        mum_free((char *)jobs[i].want);
    }
}

Test(manifest, interleaved_push_parsers_do_not_share_state)
{
    mum_manifest_parser *a, *b;
    mum_location la = {.input = "a"}, lb = {.input = "b"};
    cr_assert_eq(mum_manifest_parser_new(&a, NULL, &la, NULL), MUM_OK);
    cr_assert_eq(mum_manifest_parser_new(&b, NULL, &lb, NULL), MUM_OK);
    size_t na = strlen(package_mum), nb = strlen(component_manifest);
    for (size_t off = 0; off < na || off < nb; off += 11) {
        if (off < na)
            cr_assert_eq(mum_manifest_parser_feed(a, package_mum + off, na - off < 11 ? na - off : 11),
                         MUM_OK);
        if (off < nb)
            cr_assert_eq(mum_manifest_parser_feed(b, component_manifest + off,
                                                  nb - off < 11 ? nb - off : 11),
                         MUM_OK);
    }
    mum_manifest *ma, *mb;
    cr_assert_eq(mum_manifest_parser_finish(&ma, a), MUM_OK);
    cr_assert_eq(mum_manifest_parser_finish(&mb, b), MUM_OK);
    parsed ra = parse_ok(package_mum, "a"), rb = parse_ok(component_manifest, "b");
    char *x = dump(ma), *y = dump(ra.m);
    cr_assert_str_eq(x, y);
    mum_free(x);
    mum_free(y);
    x = dump(mb);
    y = dump(rb.m);
    cr_assert_str_eq(x, y);
    mum_free(x);
    mum_free(y);
    cr_assert_str_eq(ma->input, "a");
    cr_assert_str_eq(mb->input, "b");
    parsed_free(&ra);
    parsed_free(&rb);
    mum_manifest_free(ma);
    mum_manifest_free(mb);
    mum_manifest_parser_free(a);
    mum_manifest_parser_free(b);
}

Test(manifest, location_of_a_position)
{
    parsed r = parse_ok(deployment_manifest, "d.manifest");
    mum_location loc = mum_manifest_location(r.m, r.m->identity_pos);
    char buf[128];
    mum_location_format(&loc, buf, sizeof buf);
    cr_assert_str_eq(buf, "pkg.cab!d.manifest:3:3");
    parsed_free(&r);
}

/* One parser renewed for document after document (as the graph reads a
 * package) gives what a new parser gives for each: models, findings, errors
 * and their positions, whatever the document before it was (an error midway,
 * another encoding, a DCM file, streamed past the hold buffer). */
Test(manifest, a_renewed_parser_parses_each_document_as_a_new_one)
{
    static const char cp1252[] =
        "<?xml version=\"1.0\" encoding=\"windows-1252\"?>"
        "<assembly xmlns=\"" V3 "\" manifestVersion=\"1.0\" description=\"\x80 5\">"
        "<assemblyIdentity name=\"Contoso-Widget\" version=\"1.2.3.4\" processorArchitecture=\"amd64\" "
        "publicKeyToken=\"" TOKEN "\" versionScope=\"nonSxS\"/></assembly>";
    static const char broken[] = "<assembly xmlns=\"" V3 "\" manifestVersion=\"1.0\">\n\n\n  <file name=\"a\"><x/></file>\n<assemblyIdentity";
    static const char dtd[] = "<!DOCTYPE a [<!ENTITY x \"y\">]><assembly xmlns=\"" V3 "\"/>";
    static const char dcm[] = "DCM\x01 not xml";
    mum_sbuf big = {0}; /* past the 64 KiB hold: streamed */
    mum__sbuf_puts(&big, "<assembly xmlns=\"" V3 "\" manifestVersion=\"1.0\"><!--");
    for (int i = 0; i < 9000; i++)
        mum__sbuf_puts(&big, " padding");
    mum__sbuf_puts(&big, "-->");
    mum__sbuf_puts(&big, strstr(component_manifest, "<assemblyIdentity"));
    struct {
        const char *text;
        size_t size;
        const char *name;
    } docs[] = {
        {package_mum, strlen(package_mum), PKG_FILE_NAME},
        {broken, strlen(broken), WIDGET_KEYFORM ".manifest"},
        {component_manifest, strlen(component_manifest), WIDGET_KEYFORM ".manifest"},
        {dcm, sizeof dcm - 1, WIDGET_KEYFORM ".manifest"},
        {cp1252, strlen(cp1252), WIDGET_KEYFORM ".manifest"},
        {dtd, strlen(dtd), WIDGET_KEYFORM ".manifest"},
        {big.data, big.len, WIDGET_KEYFORM ".manifest"},
        {deployment_manifest, strlen(deployment_manifest), DEPLOYMENT_KEYFORM ".manifest"},
        {package_mum, strlen(package_mum), PKG_FILE_NAME},
    };
    const size_t chunks[] = {MUM_WALK_BLOCK_SIZE, 7};
    for (size_t c = 0; c < MUM_ARRAY_LEN(chunks); c++) {
        mum_manifest_parser *p = NULL;
        /* the second round takes repeated values from a shared set, as
         * the graph's parsers do: the same models */
        mum__intern *strings = NULL;
        if (c == 1)
            cr_assert_eq(mum__intern_new(&strings), MUM_OK);
        for (size_t d = 0; d < MUM_ARRAY_LEN(docs); d++) {
            parsed want = parse_named(docs[d].text, docs[d].size, docs[d].name, chunks[c], 0);
            parsed got = {0};
            cr_assert_eq(mum_ctx_new(&got.ctx), MUM_OK);
            cr_assert_eq(mum_findings_new(&got.findings), MUM_OK);
            mum_manifest_options opts = MUM_MANIFEST_OPTIONS_INIT;
            opts.findings = got.findings;
            mum_location loc = {.input = "pkg.cab", .entry = docs[d].name};
            got.rc = p || strings ? mum__manifest_parser_renew(&p, got.ctx, &loc, &opts, strings)
                                  : mum_manifest_parser_new(&p, got.ctx, &loc, &opts);
            cr_assert_eq(got.rc, MUM_OK);
            for (size_t off = 0; off < docs[d].size && got.rc == MUM_OK; off += chunks[c])
                got.rc = mum_manifest_parser_feed(p, docs[d].text + off,
                                                  docs[d].size - off < chunks[c] ? docs[d].size - off
                                                                                 : chunks[c]);
            if (got.rc == MUM_OK)
                got.rc = mum_manifest_parser_finish(&got.m, p);
            cr_assert_eq(got.rc, want.rc, "doc %zu: %d, a new parser %d", d, got.rc, want.rc);
            if (want.rc == MUM_OK) {
                char *a = dump(want.m), *b = dump(got.m);
                cr_assert_str_eq(b, a, "doc %zu", d);
                mum_free(a);
                mum_free(b);
            } else {
                cr_assert_str_eq(mum_ctx_message(got.ctx), mum_ctx_message(want.ctx), "doc %zu", d);
            }
            char *ra = rules_of(want.findings), *rb = rules_of(got.findings);
            cr_assert_str_eq(rb, ra, "doc %zu", d);
            mum_free(ra);
            mum_free(rb);
            parsed_free(&want);
            parsed_free(&got);
        }
        mum_manifest_parser_free(p);
        mum__intern_free(strings); /* after the models that point into it */
    }
    mum__sbuf_free(&big);
}

/* The thread remembers the shared set's values it met lately, by a cheap
 * hash of their bytes (shared_strdup): values that may share a slot (same
 * length, a digit apart) must each come back as themselves, the set's own
 * copy, in any order. */
Test(manifest, values_met_lately_are_the_shared_sets_own)
{
    static const char *versions[] = {"6.0.1.0", "6.1.1.0", "6.1.1.0", "6.0.1.0", "6.0.1.0", "6.2.1.0"};
    mum__intern *strings;
    cr_assert_eq(mum__intern_new(&strings), MUM_OK);
    mum_manifest_parser *p = NULL;
    mum_manifest *models[MUM_ARRAY_LEN(versions)];
    for (size_t i = 0; i < MUM_ARRAY_LEN(versions); i++) {
        char doc[512];
        snprintf(doc, sizeof doc,
                 "<assembly xmlns=\"" V3 "\" manifestVersion=\"1.0\"><assemblyIdentity "
                 "name=\"Contoso-Widget\" version=\"%s\" processorArchitecture=\"amd64\" "
                 "publicKeyToken=\"" TOKEN "\" versionScope=\"nonSxS\"/></assembly>",
                 versions[i]);
        mum_ctx *ctx;
        cr_assert_eq(mum_ctx_new(&ctx), MUM_OK);
        mum_manifest_options opts = MUM_MANIFEST_OPTIONS_INIT;
        mum_location loc = {.input = "pkg.cab", .entry = "w.manifest"};
        cr_assert_eq(mum__manifest_parser_renew(&p, ctx, &loc, &opts, strings), MUM_OK);
        cr_assert_eq(mum_manifest_parser_feed(p, doc, strlen(doc)), MUM_OK);
        cr_assert_eq(mum_manifest_parser_finish(&models[i], p), MUM_OK);
        const char *v = models[i]->identity.version;
        cr_assert_str_eq(v, versions[i], "manifest %zu", i);
        cr_assert_eq(v, mum__intern_str(strings, versions[i]), "manifest %zu: not the set's copy", i);
        mum_ctx_free(ctx);
    }
    mum_manifest_parser_free(p);
    for (size_t i = 0; i < MUM_ARRAY_LEN(versions); i++)
        mum_manifest_free(models[i]);
    mum__intern_free(strings);
}

/* The values met lately are pointers into the set they came from: a parser
 * renewed on another set must not use them (the thread keeps them for one
 * set at a time), or it would hand out the first set's copies. */
Test(manifest, a_parser_renewed_on_another_set_forgets_the_first_sets_values)
{
    static const char doc[] = "<assembly xmlns=\"" V3 "\" manifestVersion=\"1.0\"><assemblyIdentity "
                              "name=\"Contoso-Widget\" version=\"6.0.1.0\" processorArchitecture=\"amd64\" "
                              "publicKeyToken=\"" TOKEN "\" versionScope=\"nonSxS\"/></assembly>";
    mum__intern *sets[2];
    mum_manifest *models[2];
    mum_manifest_parser *p = NULL;
    for (size_t i = 0; i < 2; i++) {
        cr_assert_eq(mum__intern_new(&sets[i]), MUM_OK);
        mum_ctx *ctx;
        cr_assert_eq(mum_ctx_new(&ctx), MUM_OK);
        mum_manifest_options opts = MUM_MANIFEST_OPTIONS_INIT;
        mum_location loc = {.input = "pkg.cab", .entry = "w.manifest"};
        cr_assert_eq(mum__manifest_parser_renew(&p, ctx, &loc, &opts, sets[i]), MUM_OK);
        cr_assert_eq(mum_manifest_parser_feed(p, doc, strlen(doc)), MUM_OK);
        cr_assert_eq(mum_manifest_parser_finish(&models[i], p), MUM_OK);
        const char *v = models[i]->identity.version;
        cr_assert_str_eq(v, "6.0.1.0");
        cr_assert_eq(v, mum__intern_str(sets[i], "6.0.1.0"), "set %zu: not the set's own copy", i);
        cr_assert_eq(models[i]->identity.arch,
                     mum__intern_str(sets[i], "amd64"), "set %zu: not the set's own copy", i);
        mum_ctx_free(ctx);
    }
    cr_assert_neq(models[0]->identity.version, models[1]->identity.version);
    mum_manifest_parser_free(p);
    for (size_t i = 0; i < 2; i++) {
        mum_manifest_free(models[i]);
        mum__intern_free(sets[i]);
    }
}

/* The values met lately outlive the parser (the next input's parser on the
 * thread finds them) but never serve another set: not one parsed in
 * between, not one made where a freed set was (same address, other id). */
static mum_manifest *parse_on_set(mum__intern *set, const char *version)
{
    char doc[512];
    snprintf(doc, sizeof doc,
             "<assembly xmlns=\"" V3 "\" manifestVersion=\"1.0\"><assemblyIdentity "
             "name=\"Contoso-Widget\" version=\"%s\" processorArchitecture=\"amd64\" "
             "publicKeyToken=\"" TOKEN "\" versionScope=\"nonSxS\"/></assembly>",
             version);
    mum_ctx *ctx;
    cr_assert_eq(mum_ctx_new(&ctx), MUM_OK);
    mum_manifest_options opts = MUM_MANIFEST_OPTIONS_INIT;
    mum_location loc = {.input = "pkg.cab", .entry = "w.manifest"};
    mum_manifest_parser *p = NULL; /* a parser of its own, as each input has */
    mum_manifest *m = NULL;
    cr_assert_eq(mum__manifest_parser_renew(&p, ctx, &loc, &opts, set), MUM_OK);
    cr_assert_eq(mum_manifest_parser_feed(p, doc, strlen(doc)), MUM_OK);
    cr_assert_eq(mum_manifest_parser_finish(&m, p), MUM_OK);
    mum_manifest_parser_free(p);
    mum_ctx_free(ctx);
    cr_assert_str_eq(m->identity.version, version);
    cr_assert_eq(m->identity.version, mum__intern_str(set, version), "not the set's own copy");
    cr_assert_eq(m->identity.arch, mum__intern_str(set, "amd64"), "not the set's own copy");
    cr_assert_eq(m->identity.version_scope, mum__intern_str(set, "nonSxS"), "not the set's own copy");
    return m;
}

Test(manifest, values_met_lately_serve_their_own_set_only)
{
    mum__intern *a, *b;
    cr_assert_eq(mum__intern_new(&a), MUM_OK);
    cr_assert_eq(mum__intern_new(&b), MUM_OK);
    mum_manifest *m[6];
    m[0] = parse_on_set(a, "6.0.1.0");
    m[1] = parse_on_set(a, "6.0.1.0"); /* met on the thread: a's copy */
    m[2] = parse_on_set(b, "6.0.1.0");
    m[3] = parse_on_set(a, "6.0.1.0");
    cr_assert_neq(m[0]->identity.version, m[2]->identity.version);
    for (int i = 0; i < 4; i++)
        mum_manifest_free(m[i]);
    /* a set freed and another made, at the same address or not */
    for (int round = 0; round < 8; round++) {
        mum__intern_free(a);
        cr_assert_eq(mum__intern_new(&a), MUM_OK);
        m[4] = parse_on_set(a, "6.0.1.0");
        m[5] = parse_on_set(b, "6.0.1.0");
        mum_manifest_free(m[4]);
        mum_manifest_free(m[5]);
    }
    mum__intern_free(a);
    mum__intern_free(b);
}

/* What the values met lately are kept by: a set made where a freed one was
 * must not pass for it. */
Test(manifest, every_shared_set_has_an_id_of_its_own)
{
    enum { N = 1000 };
    static uint64_t ids[N];
    for (int i = 0; i < N; i++) {
        mum__intern *t;
        cr_assert_eq(mum__intern_new(&t), MUM_OK);
        ids[i] = mum__intern_id(t);
        cr_assert_neq(ids[i], 0u);
        for (int j = 0; j < i; j++)
            cr_assert_neq(ids[i], ids[j], "sets %d and %d", j, i);
        mum__intern_free(t);
    }
}

/* A manifest's arrays are given back their spare room when the parse ends
 * (they grow by doubling): every record must still be there, in order. */
Test(manifest, arrays_fitted_at_the_end_keep_every_record)
{
    const int counts[] = {1, 8, 9, 100, 1000};
    for (size_t c = 0; c < MUM_ARRAY_LEN(counts); c++) {
        mum_sbuf doc = {0};
        mum__sbuf_puts(&doc, "<assembly xmlns=\"" V3 "\" manifestVersion=\"1.0\">"
                             "<assemblyIdentity name=\"Contoso-Widget\" version=\"1.2.3.4\" "
                             "processorArchitecture=\"amd64\" publicKeyToken=\"" TOKEN
                             "\" versionScope=\"nonSxS\"/>");
        for (int i = 0; i < counts[c]; i++) {
            char rec[512];
            snprintf(rec, sizeof rec,
                     "<file name=\"f%d.dll\" destinationPath=\"$(runtime.system32)\\\"/>"
                     "<dependency><dependentAssembly><assemblyIdentity name=\"Dep-%d\" "
                     "version=\"1.0.0.%d\" processorArchitecture=\"amd64\" publicKeyToken=\"" TOKEN
                     "\"/></dependentAssembly></dependency>",
                     i, i, i);
            mum__sbuf_puts(&doc, rec);
        }
        mum__sbuf_puts(&doc, "</assembly>");
        mum_manifest *m = NULL;
        cr_assert_eq(mum_manifest_parse(&m, NULL, NULL, NULL, doc.data, doc.len), MUM_OK, "%d", counts[c]);
        cr_assert_eq(m->file_count, (size_t)counts[c]);
        cr_assert_eq(m->dependency_count, (size_t)counts[c]);
        for (int i = 0; i < counts[c]; i++) {
            char want[32];
            snprintf(want, sizeof want, "f%d.dll", i);
            cr_assert_str_eq(m->files[i].name, want);
            snprintf(want, sizeof want, "Dep-%d", i);
            cr_assert_str_eq(m->dependencies[i].ref.id.name, want);
        }
        mum_manifest_free(m);
        mum__sbuf_free(&doc);
    }
}

/* The index of unmodelled elements serves the parse only: the model keeps
 * every element (name, count) and none of the index. */
Test(manifest, the_element_index_is_not_kept_after_the_parse)
{
    mum_sbuf doc = {0};
    mum__sbuf_puts(&doc, "<assembly xmlns=\"" V3 "\" manifestVersion=\"1.0\">"
                         "<assemblyIdentity name=\"Contoso-Widget\" version=\"1.2.3.4\" "
                         "processorArchitecture=\"amd64\" publicKeyToken=\"" TOKEN "\"/>");
    for (int i = 0; i < 40; i++) {
        char rec[64];
        snprintf(rec, sizeof rec, "<x%d/><x%d/>", i, i);
        mum__sbuf_puts(&doc, rec);
    }
    mum__sbuf_puts(&doc, "</assembly>");
    mum_manifest *m = NULL;
    cr_assert_eq(mum_manifest_parse(&m, NULL, NULL, NULL, doc.data, doc.len), MUM_OK);
    cr_assert_eq(m->element_count, 40);
    for (size_t i = 0; i < m->element_count; i++) {
        char want[32];
        snprintf(want, sizeof want, "x%zu", i);
        cr_assert_str_eq(m->elements[i].name, want);
        cr_assert_eq(m->elements[i].count, 2);
    }
    cr_assert_null(m->store->build->element_index);
    cr_assert_eq(m->store->build->element_index_cap, 0);
    mum_manifest_free(m);
    mum__sbuf_free(&doc);
}

/* Parses doc with a renewed parser (as the walk does), allocation n
 * failing (0: none); *allocs: the allocations made. */
static int renewed_parse(const char *doc, const char *name, unsigned long n, unsigned long *allocs,
                         mum_manifest **out, mum_ctx *ctx)
{
    mum_manifest_options opts = MUM_MANIFEST_OPTIONS_INIT;
    mum_location loc = {.input = "pkg.cab", .entry = name};
    mum_manifest_parser *p = NULL;
    mum__alloc_fail_at(n);
    int rc = mum__manifest_parser_renew(&p, ctx, &loc, &opts, NULL);
    if (rc == MUM_OK)
        rc = mum_manifest_parser_feed(p, doc, strlen(doc));
    if (rc == MUM_OK)
        rc = mum_manifest_parser_finish(out, p);
    mum_manifest_parser_free(p);
    *allocs = mum__alloc_fail_at(0);
    return rc;
}

static bool in_chunks(const mum_manifest_store *s, const void *at, size_t size)
{
    for (const mum_arena_chunk *c = s->chunks; c; c = c->next)
        if ((const char *)at >= c->data && (const char *)at + size <= c->data + c->used)
            return true;
    return false;
}

/* The walk keeps thousands of models: a renewed parser's model, its store
 * and first chunk are one allocation and its arrays lie in its arena, each
 * aligned (the records' vectors stay with the parser); the same model as a
 * parser of its own gives (which keeps its vectors).  Any allocation
 * failing on the way is ENOMEM, and nothing leaks. */
Test(manifest, a_renewed_parsers_model_is_one_block_with_its_arrays_in_the_arena)
{
    mum_set_allocator(&counting);
    const char *docs[] = {package_mum, component_manifest, deployment_manifest};
    const char *names[] = {PKG_FILE_NAME, WIDGET_KEYFORM ".manifest",
                           DEPLOYMENT_KEYFORM ".manifest"};
    for (size_t d = 0; d < MUM_ARRAY_LEN(docs); d++) {
        mum_manifest *alone = NULL;
        mum_location loc = {.input = "pkg.cab", .entry = names[d]};
        cr_assert_eq(mum_manifest_parse(&alone, NULL, &loc, NULL, docs[d], strlen(docs[d])), MUM_OK);
        cr_assert_not(alone->store->one_block);
        cr_assert_not_null(alone->store->build, "a model alone keeps its vectors");
        char *want = dump(alone);

        mum_ctx *ctx;
        cr_assert_eq(mum_ctx_new(&ctx), MUM_OK);
        long before = live_allocs;
        unsigned long total;
        mum_manifest *m = NULL;
        cr_assert_eq(renewed_parse(docs[d], names[d], 0, &total, &m, ctx), MUM_OK);
        const mum_manifest_store *s = m->store;
        cr_assert(s->one_block);
        cr_assert((const char *)s > (const char *)m && (const char *)s < (const char *)(m + 1) + 64,
                  "the store follows the model");
        cr_assert_null(s->build, "the records are in the arena, not in vectors");
        cr_assert_gt(m->file_count + m->dependency_count + m->package.update_count, 0);
        const struct {
            const void *at;
            size_t size;
        } arrays[] = {
            {m->files, m->file_count * sizeof *m->files},
            {m->dependencies, m->dependency_count * sizeof *m->dependencies},
            {m->package.parents, m->package.parent_count * sizeof *m->package.parents},
            {m->package.updates, m->package.update_count * sizeof *m->package.updates},
            {m->elements, m->element_count * sizeof *m->elements},
            {m->registry_keys, m->registry_key_count * sizeof *m->registry_keys},
        };
        for (size_t i = 0; i < MUM_ARRAY_LEN(arrays); i++) {
            if (!arrays[i].size)
                continue;
            cr_assert(in_chunks(s, arrays[i].at, arrays[i].size), "doc %zu, array %zu", d, i);
            cr_assert_eq((uintptr_t)arrays[i].at % sizeof(void *), 0, "doc %zu, array %zu", d, i);
        }
        /* the model alone holds: its block and its further chunks */
        long held = live_allocs - before;
        long chunks = 0;
        for (const mum_arena_chunk *c = s->chunks; c; c = c->next)
            chunks++;
        cr_assert_eq(held, chunks, "doc %zu: %ld blocks for %ld chunks", d, held, chunks);
        char *got = dump(m);
        cr_assert_str_eq(got, want, "doc %zu", d);
        mum_free(got);
        mum_manifest_free(m);
        cr_assert_eq(live_allocs, before);

        for (unsigned long n = 1; n <= total; n++) {
            unsigned long made;
            m = NULL;
            int rc = renewed_parse(docs[d], names[d], n, &made, &m, ctx);
            cr_assert_eq(rc, MUM_ENOMEM, "doc %zu: allocation %lu of %lu gave %d", d, n, total, rc);
            cr_assert_null(m);
            cr_assert_eq(live_allocs, before, "doc %zu: allocation %lu failing leaked", d, n);
        }
        mum_ctx_free(ctx);
        mum_free(want);
        mum_manifest_free(alone);
    }
    mum_set_allocator(NULL);
}

/*
 * Every allocation made while recording: a renewed parser's model is
 * copied out of the parser's work arena at the end, each of its strings
 * moved with it, so no word of the model may point into memory the parse
 * allocated elsewhere (a string field left pointing into the work arena
 * would read the next document's text).
 */
static struct {
    uintptr_t at[4096];
    size_t size[4096];
    size_t n;
} made;

static void made_note(void *p, size_t size)
{
    if (p && made.n < MUM_ARRAY_LEN(made.at)) {
        made.at[made.n] = (uintptr_t)p;
        made.size[made.n++] = size;
    }
}

static void *made_malloc(size_t size)
{
    void *p = malloc(size);
    made_note(p, size);
    return p;
}

static void *made_realloc(void *ptr, size_t size)
{
    void *p = realloc(ptr, size);
    made_note(p, size);
    return p;
}

static const mum_allocator recording = {made_malloc, made_realloc, free};

/* A word of [block, block + size) that points into an allocation of the
 * parse other than the block: its offset, or SIZE_MAX. */
static size_t stray_pointer(const void *block, size_t size)
{
    uintptr_t lo = (uintptr_t)block;
    for (size_t off = 0; off + sizeof(uintptr_t) <= size; off += sizeof(uintptr_t)) {
        uintptr_t v;
        memcpy(&v, (const char *)block + off, sizeof v);
        if (v - lo < size)
            continue; /* into the block itself */
        for (size_t i = 0; i < made.n; i++)
            if (v - made.at[i] < made.size[i])
                return off;
    }
    return SIZE_MAX;
}

/* Every string field the parser fills, once at least, and (the second
 * document) more text than the first work chunk holds: the strings span
 * several chunks of the work arena. */
static char *rich_document(size_t files)
{
    mum_sbuf b = {0};
    mum__sbuf_puts(&b,
                   "<assembly xmlns=\"" V3 "\" manifestVersion=\"1.0\" description=\"d\" displayName=\"n\" "
                   "company=\"c\" copyright=\"r\" supportInformation=\"s\" creationTimeStamp=\"t\" "
                   "lastUpdateTimeStamp=\"u\">"
                   "<assemblyIdentity name=\"Package_1_for_KB1000001\" version=\"6.0.1.0\" "
                   "processorArchitecture=\"amd64\" language=\"neutral\" buildType=\"release\" "
                   "publicKeyToken=\"" TOKEN "\" versionScope=\"nonSxS\" type=\"x\"/>"
                   "<package identifier=\"KB1000001\" releaseType=\"Update\" restart=\"possible\" "
                   "applicabilityEvaluation=\"deep\">"
                   "<parent buildCompare=\"EQ\" serviceCompare=\"GE\" revisionCompare=\"GE\" "
                   "integrate=\"separate\" disposition=\"detect\">"
                   "<assemblyIdentity name=\"Parent\" version=\"1.0.0.0\" language=\"neutral\"/></parent>"
                   "<installerAssembly name=\"Installer\" version=\"1.0.0.0\" language=\"neutral\"/>"
                   "<packageExtended completelyOfflineCapable=\"yes\" packageSize=\"12345\"/>"
                   "<update name=\"u1\"><applicable disposition=\"staged\">"
                   "<updateComponent elevate=\"install\"><assemblyIdentity name=\"Applies\"/></updateComponent>"
                   "<updateDriver elevate=\"install\"><assemblyIdentity name=\"AppliesDrv\"/></updateDriver>"
                   "</applicable>"
                   "<component><assemblyIdentity name=\"Comp\" version=\"1.0.0.0\"/></component>"
                   "<package integrate=\"hidden\"><assemblyIdentity name=\"Sub\"/></package>"
                   "<driver inf=\"a.inf\" ranking=\"1\"><assemblyIdentity name=\"Drv\"/></driver>"
                   "</update></package>"
                   "<dependency discoverable=\"no\" resourceType=\"Resources\">"
                   "<dependentAssembly dependencyType=\"install\">"
                   "<assemblyIdentity name=\"Dep\" version=\"1.0.0.0\"/></dependentAssembly></dependency>");
    for (size_t i = 0; i < files; i++)
        mum__sbuf_printf(&b,
                         "<file name=\"a-file-with-a-long-name-%04zu.dll\" sourceName=\"s%zu\" "
                         "sourcePath=\"p%zu\" destinationPath=\"d%zu\" importPath=\"i%zu\">"
                         "<asmv2:hash xmlns:asmv2=\"urn:schemas-microsoft-com:asm.v2\">"
                         "<dsig:Transforms xmlns:dsig=\"http://www.w3.org/2000/09/xmldsig#\">"
                         "<dsig:Transform Algorithm=\"urn:t%zu\"/></dsig:Transforms>"
                         "<dsig:DigestMethod xmlns:dsig=\"http://www.w3.org/2000/09/xmldsig#\" "
                         "Algorithm=\"http://www.w3.org/2000/09/xmldsig#sha256\"/>"
                         "<dsig:DigestValue xmlns:dsig=\"http://www.w3.org/2000/09/xmldsig#\">"
                         SHA256_ABC_B64 "</dsig:DigestValue></asmv2:hash></file>",
                         i, i, i, i, i, i);
    mum__sbuf_puts(&b, "<registryKeys><registryKey keyName=\"HKLM\\k\" owner=\"true\">"
                       "<registryValue name=\"v\" valueType=\"REG_SZ\" value=\"x\" operationHint=\"h\" "
                       "owner=\"true\"/></registryKey></registryKeys>"
                       "<trustInfo/><x:ext xmlns:x=\"urn:other\"/><deployment/><deployment/>"
                       "</assembly>");
    return mum__sbuf_take(&b);
}

Test(manifest, a_renewed_parsers_model_points_into_no_memory_of_the_parse)
{
    const size_t files[] = {1, 120, 1, 120};
    for (size_t d = 0; d < MUM_ARRAY_LEN(files); d++) {
        bool lent = d >= 2; /* the graph's parsers: no entry of the model's own */
        char *doc = rich_document(files[d]);
        mum_manifest *alone = NULL;
        mum_location loc = {.input = "pkg.cab", .entry = PKG_FILE_NAME};
        cr_assert_eq(mum_manifest_parse(&alone, NULL, &loc, NULL, doc, strlen(doc)), MUM_OK);
        char *want = dump(alone);

        mum_ctx *ctx;
        cr_assert_eq(mum_ctx_new(&ctx), MUM_OK);
        made.n = 0;
        mum_set_allocator(&recording);
        mum_manifest_parser *p = NULL;
        mum_manifest_options opts = MUM_MANIFEST_OPTIONS_INIT;
        mum_manifest *m = NULL;
        cr_assert_eq(lent ? mum__manifest_parser_renew_lent(&p, ctx, &loc, &opts, NULL)
                          : mum__manifest_parser_renew(&p, ctx, &loc, &opts, NULL),
                     MUM_OK);
        cr_assert_eq(mum_manifest_parser_feed(p, doc, strlen(doc)), MUM_OK);
        cr_assert_eq(mum_manifest_parser_finish(&m, p), MUM_OK, "%s", mum_ctx_message(ctx));
        mum_manifest_parser_free(p);
        if (lent)
            cr_assert_null(m->entry, "doc %zu: the caller's entry", d);
        else
            cr_assert_str_eq(m->entry, PKG_FILE_NAME);
        mum_set_allocator(NULL);
        cr_assert_lt(made.n, MUM_ARRAY_LEN(made.at), "every allocation recorded");
        const mum_arena_chunk *c = m->store->chunks;
        cr_assert_not_null(c);
        cr_assert_null(c->next, "one chunk, in the block");
        cr_assert_eq(c->used, c->cap, "the block is exactly its contents");
        size_t size = (size_t)(c->data + c->cap - (const char *)m);
        size_t off = stray_pointer(m, size);
        cr_assert_eq(off, SIZE_MAX, "doc %zu: the word at %zu of the model points into the parse's memory",
                     d, off);
        char *got = dump(m);
        cr_assert_str_eq(got, want, "doc %zu", d);
        mum_free(got);
        mum_free(want);
        mum_manifest_free(m);
        mum_manifest_free(alone);
        mum_ctx_free(ctx);
        mum_free(doc);
    }
}

/* A file's sourceName is mostly its name: then the model keeps one copy
 * for both; another sourceName is its own. */
Test(manifest, a_source_name_like_the_name_is_kept_once)
{
    static const char doc[] =
        "<assembly xmlns=\"" V3 "\" manifestVersion=\"1.0\">"
        "<assemblyIdentity name=\"Contoso-Widget\" version=\"1.2.3.4\" processorArchitecture=\"amd64\" "
        "publicKeyToken=\"" TOKEN "\" versionScope=\"nonSxS\"/>"
        "<file name=\"w.dll\" sourceName=\"w.dll\"/>"
        "<file name=\"x.dll\" sourceName=\"X.dll\"/>"
        "<file sourceName=\"y.dll\" name=\"y.dll\"/>"
        "</assembly>";
    parsed r = parse_ok(doc, WIDGET_KEYFORM ".manifest");
    cr_assert_eq(r.m->file_count, 3);
    cr_assert_eq(r.m->files[0].source_name, r.m->files[0].name);
    cr_assert_str_eq(r.m->files[1].source_name, "X.dll");
    cr_assert_str_eq(r.m->files[1].name, "x.dll");
    /* read before the name: a copy of its own, the same text */
    cr_assert_str_eq(r.m->files[2].source_name, "y.dll");
    cr_assert_str_eq(r.m->files[2].name, "y.dll");
    parsed_free(&r);
}
