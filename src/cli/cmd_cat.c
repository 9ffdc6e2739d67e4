/*
 * cmd_cat.c - mumtool cat: list, verify, check membership in, hash for and
 * create security catalogs.
 */
#include "config.h"

#include "cli.h"
#include "files.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char cat_help[] =
    "Usage: mumtool cat [--format text|json] FILE.cat\n"
    "       mumtool cat verify [--json] [--trust PEM]... [--no-default-trust]\n"
    "                          [--at TIME] FILE.cat...\n"
    "       mumtool cat check [--json] FILE.cat FILE...\n"
    "       mumtool cat hash [--json] FILE...\n"
    "       mumtool cat create -o OUT.cat [--v1] [--time TIME] [--list-id HEX]\n"
    "                          [--attr NAME=VALUE]... [--no-file-names] [--list LIST]\n"
    "                          [--key KEY.pem --cert CERT.pem [--chain PEM]] [--sha1]\n"
    "                          [--description TEXT] [--url URL] [--force] [FILE...]\n"
    "\n"
    "Security catalogs (.cat): signed lists of file digests.\n"
    "\n"
    "  (none)  list the catalog: format, time, attributes, members and their attributes\n"
    "  verify  check each catalog's signature: integrity (the signed digest of the list,\n"
    "          the signature, the timestamp) and the certificate chain (anchors: the\n"
    "          built-in Microsoft roots, MUM_TRUST's files and --trust);\n"
    "          says unsigned, integrity-failed, signed-untrusted, expired or trusted\n"
    "  check   say which FILEs are members of the catalog and by which digest, and\n"
    "          which members match none of the FILEs\n"
    "  hash    print the digests a catalog can list a file under: SHA-1 and SHA-256 of\n"
    "          the bytes, and for PE files the Authenticode SHA-1 and SHA-256\n"
    "  create  make a catalog of the FILEs (v2 unless --v1): PE files by their\n"
    "          Authenticode digest, others by the digest of their bytes\n"
    "\n"
    "Options:\n"
    "      --format FORMAT    text (default) or json; --json is the same as\n"
    "                         --format json\n"
    "      --trust PEM        (verify) also trust the certificates in PEM as anchors;\n"
    "                         repeatable\n"
    "      --no-default-trust (verify) without the built-in Microsoft roots\n"
    "      --at TIME          (verify) evaluate the chain at TIME instead of the timestamp's\n"
    "  -o, --output OUT       (create) the catalog to write\n"
    "      --v1               (create) v1 members (SHA-1, Windows 7 era); default v2\n"
    "      --time TIME        (create) thisUpdate and signing time; default\n"
    "                         $SOURCE_DATE_EPOCH, else now\n"
    "      --list-id HEX      (create) the list identifier; default derived from the contents\n"
    "      --attr NAME=VALUE  (create) a catalog attribute, e.g. OSAttr=2:6.1;\n"
    "                         NAME:FLAGS=VALUE sets its flags (default 0x10010001)\n"
    "      --no-file-names    (create) no File attribute with each file's name\n"
    "      --list LIST        (create) more files, one per line: PATH, then TAB-separated\n"
    "                         NAME=VALUE member attributes (Hint=..., File=...); '-' reads\n"
    "                         standard input\n"
    "      --key KEY.pem      (create) sign with this unencrypted private key...\n"
    "      --cert CERT.pem    (create) ...and this certificate\n"
    "      --chain PEM        (create) certificates to include with the signer's\n"
    "      --sha1             (create) sign with SHA-1 instead of SHA-256\n"
    "      --description TEXT (create) the signature's program name\n"
    "      --url URL          (create) the signature's more-information URL\n"
    "      --force            (create) replace OUT if it exists\n"
    "  -h, --help             show this help and exit\n"
    CLI_COMMON_HELP
    "\n"
    "TIME is YYYY-MM-DD, YYYY-MM-DDTHH:MM:SSZ (UTC) or @SECONDS since 1970.\n"
    "\n"
    "Exit status: 0 clean, 1 findings (an integrity or trust failure, a file that is\n"
    "not a member), 2 usage error, 3 a file could not be read or is not a catalog.\n";

enum {
    OPT_JSON = 256,
    OPT_TRUST,
    OPT_AT,
    OPT_V1,
    OPT_V2,
    OPT_TIME,
    OPT_LIST_ID,
    OPT_ATTR,
    OPT_NO_FILE_NAMES,
    OPT_LIST,
    OPT_KEY,
    OPT_CERT,
    OPT_CHAIN,
    OPT_SHA1,
    OPT_DESCRIPTION,
    OPT_URL,
    OPT_FORCE,
    OPT_NO_DEFAULT_TRUST,
    OPT_FORMAT
};

typedef struct cat_opts {
    cli_format format;
    const char **trust;
    size_t ntrust;
    bool no_default_trust;
    bool has_at;
    int64_t at;
    const char *output;
    int version;
    bool has_time;
    int64_t time;
    const char *list_id;
    const char **attrs;
    size_t nattrs;
    bool no_file_names;
    const char *list;
    const char *key, *cert, *chain;
    bool sha1;
    const char *description, *url;
    bool force;
} cat_opts;

/* ---- files ---- */

typedef struct in_file {
    const uint8_t *data;
    size_t size;
    void *map;
    uint8_t *buf;
} in_file;

enum { MAX_READ = 1 << 30 };

/* Maps (or, for pipes and the like, reads) a whole file; never writes it.
 * "-" is standard input (a catalog is parsed whole, so it is read whole). */
static int file_open(const char *path, in_file *f)
{
    memset(f, 0, sizeof *f);
    int fd = strcmp(path, "-") == 0 ? fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 3) : open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return cli_fail("%s: cannot open: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        return cli_fail("%s: %s", path, strerror(e));
    }
    if (S_ISDIR(st.st_mode)) {
        close(fd);
        return cli_fail("%s: is a directory", path);
    }
    if (S_ISREG(st.st_mode) && st.st_size > 0) {
        if ((uint64_t)st.st_size > SIZE_MAX) {
            close(fd);
            return cli_fail("%s: too large", path);
        }
        void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (m != MAP_FAILED) {
            close(fd);
            f->map = m;
            f->data = m;
            f->size = (size_t)st.st_size;
            return EXIT_CLEAN;
        }
    }
    size_t cap = 0, n = 0;
    uint8_t *buf = NULL;
    while (true) {
        if (n == cap) {
            if (cap >= MAX_READ) {
                free(buf);
                close(fd);
                return cli_fail("%s: larger than %d bytes", path, MAX_READ);
            }
            cap = cap ? cap * 2 : 65536;
            uint8_t *p = realloc(buf, cap);
            if (!p) {
                free(buf);
                close(fd);
                return cli_fail("out of memory");
            }
            buf = p;
        }
        ssize_t got = read(fd, buf + n, cap - n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            int e = errno;
            free(buf);
            close(fd);
            return cli_fail("%s: read error: %s", path, strerror(e));
        }
        if (got == 0)
            break;
        n += (size_t)got;
    }
    close(fd);
    f->buf = buf;
    f->data = buf ? buf : (const uint8_t *)"";
    f->size = n;
    return EXIT_CLEAN;
}

static void file_close(in_file *f)
{
    if (f->map)
        munmap(f->map, f->size);
    free(f->buf);
    memset(f, 0, sizeof *f);
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

/* ---- JSON pieces ---- */

static void json_hex(json_writer *w, const char *key, const uint8_t *p, size_t n)
{
    char hex[2 * MUM_HASH_MAX_SIZE + 1];
    if (n > MUM_HASH_MAX_SIZE) {
        json_kv_string(w, key, NULL);
        return;
    }
    mum_hex_encode(hex, p, n);
    json_kv_string(w, key, hex);
}

static void json_attrs(json_writer *w, const mum_cat_attr *a, size_t n)
{
    json_begin_array(w);
    for (size_t i = 0; i < n; i++) {
        char flags[16];
        snprintf(flags, sizeof flags, "0x%08x", (unsigned)a[i].flags);
        json_begin_object(w);
        json_kv_string(w, "name", a[i].name);
        json_kv_string(w, "flags", flags);
        json_kv_string(w, "value", a[i].value);
        json_end_object(w);
    }
    json_end_array(w);
}

/* ---- opening a catalog ---- */

typedef struct open_cat {
    in_file file;
    mum_catalog *cat;
} open_cat;

static int cat_open(const char *path, open_cat *oc)
{
    memset(oc, 0, sizeof *oc);
    int rc = file_open(path, &oc->file);
    if (rc != EXIT_CLEAN)
        return rc;
    mum_ctx *ctx;
    if (mum_ctx_new(&ctx) != MUM_OK) {
        file_close(&oc->file);
        return cli_fail("out of memory");
    }
    mum_location where = {.input = path};
    if (mum_catalog_parse(&oc->cat, ctx, oc->file.data, oc->file.size, &where) != MUM_OK)
        rc = cli_fail_ctx(ctx);
    mum_ctx_free(ctx);
    file_close(&oc->file); /* the catalog keeps what it needs */
    return rc;
}

/* ---- list ---- */

static void print_member_text(const mum_cat_member *m, size_t i)
{
    char hex[2 * MUM_HASH_MAX_SIZE + 1];
    mum_hex_encode(hex, m->digest, m->digest_len <= MUM_HASH_MAX_SIZE ? m->digest_len : 0);
    printf("  %4zu  %s  %s %s", i + 1, *hex ? hex : "(no digest)", mum_hash_name(m->alg),
           mum_cat_kind_name(m->kind));
    for (size_t k = 0; k < m->attr_count; k++)
        printf("  %s=%s", m->attrs[k].name, m->attrs[k].value);
    putchar('\n');
}

static int run_list(const char *path, const cat_opts *o)
{
    open_cat oc;
    int rc = cat_open(path, &oc);
    if (rc != EXIT_CLEAN)
        return rc;
    const mum_catalog *cat = oc.cat;
    const mum_catalog_info *ci = mum_catalog_get_info(cat);
    const mum_signature *sig = mum_catalog_signature(cat);
    mum_findings *findings = NULL;
    mum_location where = {.input = path};
    if (mum_findings_new(&findings) != MUM_OK || mum_catalog_check(cat, findings, &where) != MUM_OK) {
        mum_findings_free(findings);
        mum_catalog_free(oc.cat);
        return cli_fail("out of memory");
    }
    char t[MUM_TIME_TEXT_MAX];
    if (o->format == FORMAT_JSON) {
        json_writer w;
        json_init(&w, stdout);
        json_begin_object(&w);
        json_kv_string(&w, "input", path);
        json_kv_int(&w, "version", ci->version);
        json_kv_string(&w, "subjectAlgorithm", ci->subject_algorithm);
        json_kv_string(&w, "listId", ci->list_id);
        json_kv_string(&w, "sequenceNumber", ci->sequence_number);
        cli_json_time(&w, "thisUpdate", true, ci->this_update);
        cli_json_time(&w, "nextUpdate", ci->has_next_update, ci->next_update);
        json_key(&w, "attributes");
        json_attrs(&w, ci->attr_count ? mum_catalog_attr(cat, 0) : NULL, ci->attr_count);
        json_kv_bool(&w, "signed", mum_signature_signer_count(sig) > 0);
        cli_json_signers(&w, sig);
        json_key(&w, "members");
        json_begin_array(&w);
        for (size_t i = 0; i < ci->member_count; i++) {
            const mum_cat_member *m = mum_catalog_member(cat, i);
            char tag[MUM_CAT_TAG_TEXT_MAX];
            json_begin_object(&w);
            json_kv_string(&w, "tag", mum_cat_member_tag_text(m, tag));
            json_hex(&w, "digest", m->digest, m->digest_len);
            json_kv_string(&w, "algorithm", mum_hash_name(m->alg));
            json_kv_string(&w, "kind", mum_cat_kind_name(m->kind));
            json_kv_string(&w, "dataType", m->data_type);
            json_kv_string(&w, "sipGuid", m->sip_guid);
            json_key(&w, "memberInfo2");
            if (m->member_info2 < 0)
                json_null(&w);
            else
                json_int(&w, m->member_info2);
            json_kv_uint(&w, "offset", m->offset);
            json_key(&w, "attributes");
            json_attrs(&w, m->attrs, m->attr_count);
            json_end_object(&w);
        }
        json_end_array(&w);
        json_key(&w, "findings");
        cli_json_findings(&w, findings);
        json_end_object(&w);
        json_finish(&w);
    } else {
        printf("%s\n", path);
        printf("  format       v%d (%s)\n", ci->version, ci->subject_algorithm);
        if (ci->list_id)
            printf("  list id      %s\n", ci->list_id);
        if (ci->sequence_number)
            printf("  sequence     %s\n", ci->sequence_number);
        mum_time_format(ci->this_update, t);
        printf("  this update  %s\n", t);
        if (ci->has_next_update) {
            mum_time_format(ci->next_update, t);
            printf("  next update  %s\n", t);
        }
        size_t ns = mum_signature_signer_count(sig);
        if (ns == 0) {
            printf("  signed       no\n");
        } else {
            const mum_signer_info *s = mum_signature_signer(sig, 0);
            printf("  signed by    %s\n", s->cert.subject ? s->cert.subject : "(certificate absent)");
            if (ns > 1)
                printf("               and %zu more signers\n", ns - 1);
        }
        for (size_t i = 0; i < ci->attr_count; i++) {
            const mum_cat_attr *a = mum_catalog_attr(cat, i);
            printf("  %-12s %s=%s\n", i == 0 ? "attributes" : "", a->name, a->value);
        }
        printf("  members      %zu\n", ci->member_count);
        for (size_t i = 0; i < ci->member_count; i++)
            print_member_text(mum_catalog_member(cat, i), i);
        cli_print_findings(stdout, findings);
    }
    rc = cli_findings_exit(findings);
    mum_findings_free(findings);
    mum_catalog_free(oc.cat);
    return rc;
}

/* ---- verify ---- */

static void print_verify_text(const char *path, const mum_signature *sig, const mum_sig_result *r)
{
    printf("%s: %s\n", path, mum_sig_status_name(r->status));
    cli_print_sig_result("  ", sig, r);
}

static void json_verify(json_writer *w, const char *path, const mum_signature *sig,
                        const mum_sig_result *r, const mum_findings *findings)
{
    json_begin_object(w);
    json_kv_string(w, "input", path);
    cli_json_sig_result(w, r);
    cli_json_signers(w, sig);
    json_key(w, "findings");
    cli_json_findings(w, findings);
    json_end_object(w);
}

static int run_verify(int argc, char **argv, const cat_opts *o)
{
    mum_trust *trust;
    int rc = cli_trust_load(o->trust, o->ntrust, !o->no_default_trust, &trust);
    if (rc != EXIT_CLEAN)
        return rc;
    mum_ctx *ctx = NULL;
    if (mum_ctx_new(&ctx) != MUM_OK) {
        mum_trust_free(trust);
        return cli_fail("out of memory");
    }
    json_writer w;
    json_init(&w, stdout);
    if (o->format == FORMAT_JSON)
        json_begin_array(&w);
    bool bad = false;
    int fail = EXIT_CLEAN;
    for (int i = 0; i < argc; i++) {
        open_cat oc;
        int orc = cat_open(argv[i], &oc);
        if (orc != EXIT_CLEAN) {
            fail = orc;
            continue;
        }
        mum_sig_verify_options vo = MUM_SIG_VERIFY_OPTIONS_INIT;
        vo.anchors = trust;
        vo.has_time = o->has_at;
        vo.time = o->at;
        mum_sig_result r;
        mum_findings *findings = NULL;
        mum_location where = {.input = argv[i]};
        const mum_signature *sig = mum_catalog_signature(oc.cat);
        if (mum_findings_new(&findings) != MUM_OK) {
            fail = cli_fail("out of memory");
        } else if (mum_signature_verify(&r, ctx, sig, &vo) != MUM_OK) {
            fail = cli_fail_ctx(ctx);
        } else {
            if (mum_sig_result_findings(&r, sig, findings, &where) != MUM_OK ||
                mum_catalog_check(oc.cat, findings, &where) != MUM_OK) {
                fail = cli_fail("out of memory");
            } else if (o->format == FORMAT_JSON) {
                json_verify(&w, argv[i], sig, &r, findings);
            } else {
                print_verify_text(argv[i], sig, &r);
                cli_print_findings(stdout, findings);
            }
            if (cli_findings_exit(findings) != EXIT_CLEAN)
                bad = true;
            mum_sig_result_clear(&r);
        }
        mum_findings_free(findings);
        mum_catalog_free(oc.cat);
    }
    if (o->format == FORMAT_JSON) {
        json_end_array(&w);
        json_finish(&w);
    }
    mum_ctx_free(ctx);
    mum_trust_free(trust);
    if (fail != EXIT_CLEAN)
        return fail;
    return bad ? EXIT_FINDINGS : EXIT_CLEAN;
}

/* ---- hash and check: a file's digests ---- */

static int file_digests(const char *path, mum_cat_digests *d)
{
    in_file f;
    int rc = file_open(path, &f);
    if (rc != EXIT_CLEAN)
        return rc;
    mum_ctx *ctx;
    if (mum_ctx_new(&ctx) != MUM_OK) {
        file_close(&f);
        return cli_fail("out of memory");
    }
    mum_location where = {.input = path};
    if (mum_cat_digests_compute(d, ctx, f.data, f.size, &where) != MUM_OK)
        rc = cli_fail_ctx(ctx);
    mum_ctx_free(ctx);
    file_close(&f);
    return rc;
}

static int run_hash(int argc, char **argv, const cat_opts *o)
{
    json_writer w;
    json_init(&w, stdout);
    if (o->format == FORMAT_JSON)
        json_begin_array(&w);
    int fail = EXIT_CLEAN;
    for (int i = 0; i < argc; i++) {
        mum_cat_digests d;
        int rc = file_digests(argv[i], &d);
        if (rc != EXIT_CLEAN) {
            fail = rc;
            continue;
        }
        char hex[65];
        if (o->format == FORMAT_JSON) {
            json_begin_object(&w);
            json_kv_string(&w, "input", argv[i]);
            json_kv_bool(&w, "pe", d.is_pe);
            json_hex(&w, "sha1", d.sha1, 20);
            json_hex(&w, "sha256", d.sha256, 32);
            if (d.is_pe) {
                json_hex(&w, "authenticodeSha1", d.pe_sha1, 20);
                json_hex(&w, "authenticodeSha256", d.pe_sha256, 32);
            }
            json_end_object(&w);
        } else {
            printf("%s\n", argv[i]);
            mum_hex_encode(hex, d.sha1, 20);
            printf("  sha1                 %s\n", hex);
            mum_hex_encode(hex, d.sha256, 32);
            printf("  sha256               %s\n", hex);
            if (d.is_pe) {
                mum_hex_encode(hex, d.pe_sha1, 20);
                printf("  authenticode-sha1    %s\n", hex);
                mum_hex_encode(hex, d.pe_sha256, 32);
                printf("  authenticode-sha256  %s\n", hex);
            }
        }
    }
    if (o->format == FORMAT_JSON) {
        json_end_array(&w);
        json_finish(&w);
    }
    return fail;
}

static int run_check(int argc, char **argv, const cat_opts *o)
{
    open_cat oc;
    int rc = cat_open(argv[0], &oc);
    if (rc != EXIT_CLEAN)
        return rc;
    const mum_catalog *cat = oc.cat;
    mum_cat_check *check = NULL;
    mum_findings *findings = NULL;
    if (mum_cat_check_new(&check, cat, argv[0]) != MUM_OK || mum_findings_new(&findings) != MUM_OK) {
        mum_cat_check_free(check);
        mum_catalog_free(oc.cat);
        return cli_fail("out of memory");
    }
    json_writer w;
    json_init(&w, stdout);
    if (o->format == FORMAT_JSON) {
        json_begin_object(&w);
        json_kv_string(&w, "catalog", argv[0]);
        json_key(&w, "files");
        json_begin_array(&w);
    }
    int fail = EXIT_CLEAN;
    for (int i = 1; i < argc; i++) {
        mum_cat_digests d;
        int frc = file_digests(argv[i], &d);
        if (frc != EXIT_CLEAN) {
            fail = frc;
            continue;
        }
        mum_cat_hit hits[8];
        size_t n = 0;
        if (mum_cat_check_file(check, argv[i], &d, hits, 8, &n, findings) != MUM_OK)
            fail = cli_fail("out of memory");
        size_t shown = n < 8 ? n : 8;
        if (o->format == FORMAT_JSON) {
            json_begin_object(&w);
            json_kv_string(&w, "input", argv[i]);
            json_kv_bool(&w, "member", n > 0);
            json_key(&w, "matches");
            json_begin_array(&w);
            for (size_t k = 0; k < shown; k++) {
                const mum_cat_member *m = mum_catalog_member(cat, hits[k].member);
                json_begin_object(&w);
                json_kv_uint(&w, "member", hits[k].member + 1);
                json_kv_string(&w, "how", mum_cat_how_name(hits[k].how));
                json_hex(&w, "digest", m->digest, m->digest_len);
                json_end_object(&w);
            }
            json_end_array(&w);
            json_end_object(&w);
        } else if (n > 0) {
            printf("%s: member", argv[i]);
            for (size_t k = 0; k < shown; k++) {
                char hex[2 * MUM_HASH_MAX_SIZE + 1];
                const mum_cat_member *m = mum_catalog_member(cat, hits[k].member);
                mum_hex_encode(hex, m->digest, m->digest_len);
                printf("%s %zu by %s %s", k ? "," : "", hits[k].member + 1, mum_cat_how_name(hits[k].how), hex);
            }
            putchar('\n');
        }
    }
    if (fail == EXIT_CLEAN && mum_cat_check_finish(check, findings) != MUM_OK)
        fail = cli_fail("out of memory");
    if (o->format == FORMAT_JSON) {
        json_end_array(&w);
        json_key(&w, "findings");
        cli_json_findings(&w, findings);
        json_end_object(&w);
        json_finish(&w);
    } else {
        cli_print_findings(stdout, findings);
    }
    rc = fail != EXIT_CLEAN ? fail : cli_findings_exit(findings);
    mum_findings_free(findings);
    mum_cat_check_free(check);
    mum_catalog_free(oc.cat);
    return rc;
}

/* ---- create ---- */

/* NAME=VALUE or NAME:FLAGS=VALUE into its parts (name is modified in place). */
static bool split_attr(char *spec, char **name, char **value, uint32_t *flags)
{
    char *eq = strchr(spec, '=');
    if (!eq || eq == spec)
        return false;
    *eq = '\0';
    *name = spec;
    *value = eq + 1;
    *flags = MUM_CAT_ATTR_FLAGS_DEFAULT;
    char *colon = strchr(spec, ':');
    if (colon) {
        char *end;
        errno = 0;
        unsigned long v = strtoul(colon + 1, &end, 0);
        if (errno || end == colon + 1 || *end || v > 0xffffffffUL || colon == spec)
            return false;
        *colon = '\0';
        *flags = (uint32_t)v;
    }
    return true;
}

typedef struct create_state {
    mum_ctx *ctx;
    mum_cat_builder *b;
    const cat_opts *o;
} create_state;

/* Adds one file with the attributes given as NAME=VALUE strings (n of them). */
static int create_add(create_state *cs, const char *path, char **attrs, size_t n, const char *origin)
{
    mum_cat_digests d;
    int rc = file_digests(path, &d);
    if (rc != EXIT_CLEAN)
        return rc;
    size_t file;
    if (mum_cat_builder_add(&file, cs->ctx, cs->b, &d) != MUM_OK)
        return cli_fail_ctx(cs->ctx);
    bool has_file = false;
    for (size_t i = 0; i < n; i++) {
        char *name, *value;
        uint32_t flags;
        if (!split_attr(attrs[i], &name, &value, &flags))
            return cli_fail("%s: '%s' is not NAME=VALUE", origin, attrs[i]);
        if (strcasecmp(name, "File") == 0)
            has_file = true;
        if (mum_cat_builder_add_file_attr(cs->ctx, cs->b, file, name, value, flags) != MUM_OK)
            return cli_fail("%s: %s", origin, mum_ctx_reason(cs->ctx));
    }
    if (!has_file && !cs->o->no_file_names &&
        mum_cat_builder_add_file_attr(cs->ctx, cs->b, file, "File", base_name(path),
                                      MUM_CAT_ATTR_FLAGS_DEFAULT) != MUM_OK)
        return cli_fail("%s: %s", path, mum_ctx_reason(cs->ctx));
    return EXIT_CLEAN;
}

static int create_from_list(create_state *cs, const char *list)
{
    FILE *f = strcmp(list, "-") == 0 ? stdin : fopen(list, "r");
    if (!f)
        return cli_fail("%s: cannot open: %s", list, strerror(errno));
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    unsigned lineno = 0;
    int rc = EXIT_CLEAN;
    while (rc == EXIT_CLEAN && (len = getline(&line, &cap, f)) >= 0) {
        lineno++;
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        if (len == 0 || line[0] == '#')
            continue;
        char *fields[64];
        size_t nf = 0;
        for (char *p = line, *tab; p && nf < 64; p = tab ? tab + 1 : NULL) {
            tab = strchr(p, '\t');
            if (tab)
                *tab = '\0';
            fields[nf++] = p;
        }
        char origin[512];
        snprintf(origin, sizeof origin, "%s:%u", list, lineno);
        rc = create_add(cs, fields[0], fields + 1, nf - 1, origin);
    }
    if (rc == EXIT_CLEAN && ferror(f))
        rc = cli_fail("%s: read error", list);
    free(line);
    if (f != stdin)
        fclose(f);
    return rc;
}

/* Writes data to path through a temporary file in the same folder. */
static int write_output(const char *path, const uint8_t *data, size_t size, bool force)
{
    struct stat st;
    if (!force && lstat(path, &st) == 0)
        return cli_fail("%s: exists (use --force to replace it)", path);
    size_t n = strlen(path);
    char *tmp = malloc(n + 16);
    if (!tmp)
        return cli_fail("out of memory");
    snprintf(tmp, n + 16, "%s.tmpXXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        int e = errno;
        free(tmp);
        return cli_fail("%s: cannot create: %s", path, strerror(e));
    }
    int rc = EXIT_CLEAN;
    if (cli_write_all(fd, data, size) != 0)
        rc = cli_fail("%s: write error: %s", path, strerror(errno));
    if (fchmod(fd, 0644) != 0 && rc == EXIT_CLEAN)
        rc = cli_fail("%s: %s", path, strerror(errno));
    if (close(fd) != 0 && rc == EXIT_CLEAN)
        rc = cli_fail("%s: write error: %s", path, strerror(errno));
    if (rc == EXIT_CLEAN && rename(tmp, path) != 0)
        rc = cli_fail("%s: cannot replace: %s", path, strerror(errno));
    if (rc != EXIT_CLEAN)
        unlink(tmp);
    free(tmp);
    return rc;
}

static int run_create(int argc, char **argv, const cat_opts *o)
{
    if (!o->output)
        return cli_usage_error("cat", "cat create: -o OUT.cat is required");
    if (!o->key != !o->cert)
        return cli_usage_error("cat", "cat create: --key and --cert go together");
    if (o->chain && !o->key)
        return cli_usage_error("cat", "cat create: --chain needs --key and --cert");
    if ((o->sha1 || o->description || o->url) && !o->key)
        return cli_usage_error("cat", "cat create: --sha1, --description and --url need --key and --cert");
    if (argc == 0 && !o->list)
        return cli_usage_error("cat", "cat create: no FILE given (and no --list)");
    uint8_t list_id[64];
    size_t list_id_len = 0;
    if (o->list_id && mum_hex_decode(list_id, sizeof list_id, &list_id_len, o->list_id,
                                     strlen(o->list_id)) != MUM_OK)
        return cli_usage_error("cat", "cat create: --list-id wants 2 to 128 hex digits");
    if (o->list_id && list_id_len == 0)
        return cli_usage_error("cat", "cat create: --list-id wants 2 to 128 hex digits");
    int64_t when = (int64_t)time(NULL);
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    if (o->has_time) {
        when = o->time;
    } else if (sde && *sde) {
        char buf[64];
        snprintf(buf, sizeof buf, "@%s", sde);
        if (mum_time_parse(&when, buf) != MUM_OK)
            return cli_usage_error("cat", "cat create: SOURCE_DATE_EPOCH is not a number of seconds");
    }

    create_state cs = {NULL, NULL, o};
    mum_signer *signer = NULL;
    uint8_t *out = NULL;
    size_t out_len = 0;
    int rc = EXIT_CLEAN;
    if (mum_ctx_new(&cs.ctx) != MUM_OK)
        return cli_fail("out of memory");
    if (mum_cat_builder_new(&cs.b, cs.ctx, o->version) != MUM_OK) {
        rc = cli_fail_ctx(cs.ctx);
        goto done;
    }
    mum_cat_builder_set_time(cs.b, when);
    if (list_id_len && mum_cat_builder_set_list_id(cs.ctx, cs.b, list_id, list_id_len) != MUM_OK) {
        rc = cli_fail_ctx(cs.ctx);
        goto done;
    }
    for (size_t i = 0; i < o->nattrs && rc == EXIT_CLEAN; i++) {
        char *spec = strdup(o->attrs[i]), *name, *value;
        uint32_t flags;
        if (!spec)
            rc = cli_fail("out of memory");
        else if (!split_attr(spec, &name, &value, &flags))
            rc = cli_usage_error("cat", "cat create: --attr '%s' is not NAME=VALUE or NAME:FLAGS=VALUE",
                                 o->attrs[i]);
        else if (mum_cat_builder_add_attr(cs.ctx, cs.b, name, value, flags) != MUM_OK)
            rc = mum_ctx_status(cs.ctx) == MUM_ENOMEM ? cli_fail("out of memory")
                                                      : cli_usage_error("cat", "cat create: %s",
                                                                        mum_ctx_reason(cs.ctx));
        free(spec);
    }
    if (rc == EXIT_CLEAN && o->key && mum_signer_load(&signer, cs.ctx, o->key, o->cert, o->chain) != MUM_OK)
        rc = cli_fail_ctx(cs.ctx);
    for (int i = 0; i < argc && rc == EXIT_CLEAN; i++)
        rc = create_add(&cs, argv[i], NULL, 0, argv[i]);
    if (rc == EXIT_CLEAN && o->list)
        rc = create_from_list(&cs, o->list);
    if (rc != EXIT_CLEAN)
        goto done;
    mum_sign_options so = MUM_SIGN_OPTIONS_INIT;
    so.digest_alg = o->sha1 ? MUM_HASH_SHA1 : MUM_HASH_SHA256;
    so.program_name = o->description;
    so.more_info_url = o->url;
    if (mum_cat_builder_finish(&out, &out_len, cs.ctx, cs.b, signer, &so) != MUM_OK) {
        rc = cli_fail_ctx(cs.ctx);
        goto done;
    }
    rc = write_output(o->output, out, out_len, o->force);
done:
    mum_free(out);
    mum_signer_free(signer);
    mum_cat_builder_free(cs.b);
    mum_ctx_free(cs.ctx);
    return rc;
}

/* ---- dispatch ---- */

static bool push_str(const char ***list, size_t *n, const char *s)
{
    const char **p = realloc(*list, (*n + 1) * sizeof *p);
    if (!p)
        return false;
    p[(*n)++] = s;
    *list = p;
    return true;
}

int cmd_cat(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"json", no_argument, NULL, OPT_JSON},
        {"format", required_argument, NULL, OPT_FORMAT},
        {"trust", required_argument, NULL, OPT_TRUST},
        {"no-default-trust", no_argument, NULL, OPT_NO_DEFAULT_TRUST},
        {"at", required_argument, NULL, OPT_AT},
        {"output", required_argument, NULL, 'o'},
        {"v1", no_argument, NULL, OPT_V1},
        {"v2", no_argument, NULL, OPT_V2},
        {"time", required_argument, NULL, OPT_TIME},
        {"list-id", required_argument, NULL, OPT_LIST_ID},
        {"attr", required_argument, NULL, OPT_ATTR},
        {"no-file-names", no_argument, NULL, OPT_NO_FILE_NAMES},
        {"list", required_argument, NULL, OPT_LIST},
        {"key", required_argument, NULL, OPT_KEY},
        {"cert", required_argument, NULL, OPT_CERT},
        {"chain", required_argument, NULL, OPT_CHAIN},
        {"sha1", no_argument, NULL, OPT_SHA1},
        {"description", required_argument, NULL, OPT_DESCRIPTION},
        {"url", required_argument, NULL, OPT_URL},
        {"force", no_argument, NULL, OPT_FORCE},
        CLI_COMMON_LONGOPTS,
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    static const char *subs[] = {"verify", "check", "hash", "create"};
    const char *sub = "list";
    int sub_argc = argc;
    char **sub_argv = argv;
    if (argc >= 2) {
        for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++) {
            if (strcmp(argv[1], subs[i]) == 0) {
                sub = subs[i];
                sub_argc = argc - 1;
                sub_argv = argv + 1;
            }
        }
    }
    cat_opts o = {0};
    o.version = 2;
    int c, rc = EXIT_CLEAN;
    optind = 0;
    opterr = 0;
    bool create = strcmp(sub, "create") == 0, verify = strcmp(sub, "verify") == 0;
    int idx = -1;
    const char *label = strcmp(sub, "list") == 0 ? "cat" : sub == subs[0] ? "cat verify"
                        : sub == subs[1] ? "cat check" : sub == subs[2] ? "cat hash" : "cat create";
    while (rc == EXIT_CLEAN && (c = getopt_long(sub_argc, sub_argv, "ho:" CLI_COMMON_SHORTOPTS, longopts, &idx)) != -1) {
        char opt_text[32];
        if (c == 'o' || c == 'h' || idx < 0)
            snprintf(opt_text, sizeof opt_text, "-%c", c);
        else
            snprintf(opt_text, sizeof opt_text, "--%s", longopts[idx].name);
        idx = -1;
        bool create_only = c == 'o' || (c >= OPT_V1 && c <= OPT_FORCE);
        if (create_only && !create) {
            rc = cli_usage_error("cat", "%s: '%s' goes with 'cat create'", label, opt_text);
            break;
        }
        if ((c == OPT_TRUST || c == OPT_AT || c == OPT_NO_DEFAULT_TRUST) && !verify) {
            rc = cli_usage_error("cat", "%s: '%s' goes with 'cat verify'", label, opt_text);
            break;
        }
        int common = cli_common_option("cat", c, optarg);
        if (common != 0) {
            rc = common < 0 ? EXIT_USAGE : EXIT_CLEAN;
            continue;
        }
        switch (c) {
        case OPT_JSON: o.format = FORMAT_JSON; break;
        case OPT_FORMAT:
            if (cli_parse_format("cat", optarg, &o.format) != EXIT_CLEAN)
                rc = EXIT_USAGE;
            break;
        case OPT_TRUST:
            if (!push_str(&o.trust, &o.ntrust, optarg))
                rc = cli_fail("out of memory");
            break;
        case OPT_NO_DEFAULT_TRUST: o.no_default_trust = true; break;
        case OPT_AT:
            o.has_at = true;
            if (mum_time_parse(&o.at, optarg) != MUM_OK)
                rc = cli_usage_error("cat", "cat verify: --at '%s' is not a time", optarg);
            break;
        case 'o': o.output = optarg; break;
        case OPT_V1: o.version = 1; break;
        case OPT_V2: o.version = 2; break;
        case OPT_TIME:
            o.has_time = true;
            if (mum_time_parse(&o.time, optarg) != MUM_OK)
                rc = cli_usage_error("cat", "cat create: --time '%s' is not a time", optarg);
            break;
        case OPT_LIST_ID: o.list_id = optarg; break;
        case OPT_ATTR:
            if (!push_str(&o.attrs, &o.nattrs, optarg))
                rc = cli_fail("out of memory");
            break;
        case OPT_NO_FILE_NAMES: o.no_file_names = true; break;
        case OPT_LIST: o.list = optarg; break;
        case OPT_KEY: o.key = optarg; break;
        case OPT_CERT: o.cert = optarg; break;
        case OPT_CHAIN: o.chain = optarg; break;
        case OPT_SHA1: o.sha1 = true; break;
        case OPT_DESCRIPTION: o.description = optarg; break;
        case OPT_URL: o.url = optarg; break;
        case OPT_FORCE: o.force = true; break;
        case 'h': rc = cli_help(cat_help); goto out;
        default:
            rc = cli_usage_error("cat", "%s: unknown option or missing argument '%s'", label,
                                 sub_argv[optind - 1]);
            break;
        }
    }
    if (rc != EXIT_CLEAN)
        goto out;
    int rest_argc = sub_argc - optind;
    char **rest = sub_argv + optind;
    if (strcmp(sub, "list") == 0) {
        if (rest_argc != 1)
            rc = cli_usage_error("cat", "cat: give one FILE.cat (or a subcommand: verify, check, hash, create)");
        else
            rc = run_list(rest[0], &o);
    } else if (verify) {
        rc = rest_argc == 0 ? cli_usage_error("cat", "cat verify: no FILE.cat given") : run_verify(rest_argc, rest, &o);
    } else if (strcmp(sub, "check") == 0) {
        rc = rest_argc < 2 ? cli_usage_error("cat", "cat check: give FILE.cat and at least one FILE")
                           : run_check(rest_argc, rest, &o);
    } else if (strcmp(sub, "hash") == 0) {
        rc = rest_argc == 0 ? cli_usage_error("cat", "cat hash: no FILE given") : run_hash(rest_argc, rest, &o);
    } else {
        rc = run_create(rest_argc, rest, &o);
    }
out:
    free(o.trust);
    free(o.attrs);
    return rc;
}
