/*
 * cmd_delta.c - mumtool delta: PA30 (MSDelta) deltas and DCM manifests.
 * `delta info` shows a delta's header, `delta apply` builds its target
 * from a source and writes it only when the header's hash checks, the way
 * extract writes files (a temporary beside OUT, renamed into place).
 */
#include "config.h"

#include "cli.h"
#include "files.h"

#include <mum/delta.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char delta_help[] =
    "Usage: mumtool delta info [--format text|json] DELTA...\n"
    "       mumtool delta apply [--force] SOURCE DELTA -o OUT\n"
    "\n"
    "PA30 (MSDelta) deltas: the form of express cabinets' payloads, of PSF payloads\n"
    "and, behind the magic DCM\\x01, of Windows 10 and 11 component manifests.\n"
    "\n"
    "info shows each DELTA's header: the version, the file type, the flags (with\n"
    "the names of the DELTA_FLAG_* bits), the target's size, hash and time, and\n"
    "the size of the preprocessing data; a DCM manifest is shown as a DCM wrapper\n"
    "around its PA30 header.\n"
    "\n"
    "apply builds the target of DELTA from SOURCE (for a DCM manifest, SOURCE is\n"
    "the base manifest) and writes it to OUT only when its hash is the header's:\n"
    "it is written as ." CLI_PARTIAL_TAG "XXXXXX beside OUT and renamed into place,\n"
    "and removed on any error.  OUT is never replaced without --force.  A SOURCE or\n"
    "DELTA of '-' is read from standard input (one of them), an OUT of '-' is\n"
    "standard output.\n"
    "\n"
    "Options:\n"
    "      --format FORMAT   info: text (default) or json; --json is the same as\n"
    "                        --format json\n"
    "  -o, --output OUT      apply: the file to write (required)\n"
    "      --force           apply: replace OUT if it exists (atomically, by rename)\n"
    "  -h, --help            show this help and exit\n"
    CLI_COMMON_HELP
    "\n"
    "Exit status: 0 done, 1 a delta that does not decode, whose target's hash is not\n"
    "its header's, or of a kind not decoded yet (the message gives the offset in the\n"
    "delta), 2 usage error, 3 a file could not be read or written, OUT exists, or\n"
    "(info) a file is not a delta.\n";

enum { OPT_JSON = 256, OPT_FORMAT, OPT_FORCE };

/* The DELTA_FLAG_* bits of msdelta.h. */
static const struct {
    int64_t bit;
    const char *name;
} flag_names[] = {
    {0x1, "DELTA_FLAG_E8"},
    {0x2, "DELTA_FLAG_MARK"},
    {0x4, "DELTA_FLAG_IMPORTS"},
    {0x8, "DELTA_FLAG_EXPORTS"},
    {0x10, "DELTA_FLAG_RESOURCES"},
    {0x20, "DELTA_FLAG_RELOCS"},
    {0x40, "DELTA_FLAG_I386_SMASHLOCK"},
    {0x80, "DELTA_FLAG_I386_JMPS"},
    {0x100, "DELTA_FLAG_I386_CALLS"},
    {0x200, "DELTA_FLAG_AMD64_DISASM"},
    {0x400, "DELTA_FLAG_AMD64_PDATA"},
    {0x800, "DELTA_FLAG_IA64_DISASM"},
    {0x1000, "DELTA_FLAG_IA64_PDATA"},
    {0x2000, "DELTA_FLAG_UNBIND"},
    {0x4000, "DELTA_FLAG_CLI_DISASM"},
    {0x8000, "DELTA_FLAG_CLI_METADATA"},
    {0x10000, "DELTA_FLAG_HEADERS"},
    {0x20000, "DELTA_FLAG_IGNORE_FILE_SIZE_LIMIT"},
    {0x40000, "DELTA_FLAG_IGNORE_OPTIONS_SIZE_LIMIT"},
    {0x80000, "DELTA_FLAG_ARM_DISASM"},
    {0x100000, "DELTA_FLAG_ARM_PDATA"},
    {0x200000, "DELTA_FLAG_CLI4_METADATA"},
    {0x400000, "DELTA_FLAG_CLI4_DISASM"},
    {0x800000, "DELTA_FLAG_ARM64_DISASM"},
    {0x1000000, "DELTA_FLAG_ARM64_PDATA"},
};

static int64_t unknown_flags(int64_t flags)
{
    for (size_t i = 0; i < sizeof flag_names / sizeof flag_names[0]; i++)
        flags &= ~flag_names[i].bit;
    return flags;
}

/* The ALG_ID of the target's hash by name ("md5", "sha1", "sha256", ...,
 * as the library names digests); NULL when unknown. */
static const char *hash_name(uint32_t alg)
{
    if (alg == 0)
        return "none";
    mum_hash_alg a = mum_delta_hash_alg(alg);
    return a == MUM_HASH_NONE ? NULL : mum_hash_name(a);
}

/* A FILETIME (100 ns since 1601) as seconds since 1970. */
static long long filetime_seconds(uint64_t ft)
{
    return (long long)(ft / 10000000u) - 11644473600LL;
}

/* ---- info ---- */

/* The header of the delta in data: a PA30 delta, or a DCM manifest
 * (*dcm set) whose PA30 delta follows the magic. */
static int read_header(mum_delta_header *h, bool *dcm, mum_ctx *ctx, const unsigned char *data,
                       size_t size)
{
    *dcm = mum_delta_is_dcm(data, size);
    return *dcm ? mum_delta_header_read(h, ctx, data + 4, size - 4)
                : mum_delta_header_read(h, ctx, data, size);
}

/* "PATH: [at offset N: ]reason" of the failure on ctx; `shift` is added to
 * the offset (the DCM magic before a PA30 header). */
static void failure_text(char *buf, size_t cap, const char *path, const mum_ctx *ctx, int rc,
                         uint64_t shift)
{
    const mum_location *loc = mum_ctx_location(ctx);
    const char *reason = mum_ctx_reason(ctx);
    if (!*reason)
        reason = mum_strerror(rc);
    if (loc->has_offset)
        snprintf(buf, cap, "%s: at offset %" PRIu64 ": %s", path, loc->offset + shift, reason);
    else
        snprintf(buf, cap, "%s: %s", path, reason);
}

static void info_text(const char *path, const mum_delta_header *h, bool dcm)
{
    printf("%s: %sPA%u delta\n", path, dcm ? "DCM wrapper (DCM\\x01) around a " : "", h->version);
    printf("  %-16s %u\n", "version", h->version);
    const char *type = mum_delta_type_name(h->file_type);
    printf("  %-16s %s (0x%" PRIx64 ")\n", "file type", type ? type : "unknown",
           (uint64_t)h->file_type);
    printf("  %-16s 0x%" PRIx64 "\n", "types tried", (uint64_t)h->file_type_set);
    printf("  %-16s 0x%" PRIx64, "flags", (uint64_t)h->flags);
    for (size_t i = 0; i < sizeof flag_names / sizeof flag_names[0]; i++)
        if (h->flags & flag_names[i].bit)
            printf(" %s", flag_names[i].name);
    int64_t unknown = unknown_flags(h->flags);
    if (unknown)
        printf(" unknown:0x%" PRIx64, (uint64_t)unknown);
    printf("\n");
    printf("  %-16s %" PRIu64 " bytes\n", "target size", h->target_size);
    const char *alg = hash_name(h->hash_alg);
    if (h->hash_alg == 0 || h->hash_len == 0) {
        printf("  %-16s %s\n", "target hash", "none");
    } else {
        char hex[2 * sizeof h->hash + 1];
        mum_hex_encode(hex, h->hash, h->hash_len);
        if (alg)
            printf("  %-16s %s %s\n", "target hash", alg, hex);
        else
            printf("  %-16s 0x%x %s\n", "target hash", (unsigned)h->hash_alg, hex);
    }
    if (h->target_file_time) {
        char t[MUM_TIME_TEXT_MAX];
        mum_time_format(filetime_seconds(h->target_file_time), t);
        printf("  %-16s %s\n", "target time", t);
    } else {
        printf("  %-16s %s\n", "target time", "none");
    }
    printf("  %-16s %zu bytes\n", "preprocessing", h->preprocess_size);
    printf("  %-16s %zu bytes\n", "header", h->header_size);
}

static void info_json(json_writer *w, const char *path, const mum_delta_header *h, bool dcm)
{
    char hex[2 * sizeof h->hash + 1];
    json_begin_object(w);
    json_kv_string(w, "input", path);
    json_kv_string(w, "container", dcm ? "dcm" : "pa30");
    json_kv_uint(w, "version", h->version);
    json_kv_int(w, "fileType", h->file_type);
    json_kv_string(w, "fileTypeName", mum_delta_type_name(h->file_type));
    json_kv_int(w, "fileTypeSet", h->file_type_set);
    json_kv_int(w, "flags", h->flags);
    snprintf(hex, sizeof hex, "0x%" PRIx64, (uint64_t)h->flags);
    json_kv_string(w, "flagsHex", hex);
    json_key(w, "flagNames");
    json_begin_array(w);
    for (size_t i = 0; i < sizeof flag_names / sizeof flag_names[0]; i++)
        if (h->flags & flag_names[i].bit)
            json_string(w, flag_names[i].name);
    json_end_array(w);
    int64_t unknown = unknown_flags(h->flags);
    snprintf(hex, sizeof hex, "0x%" PRIx64, (uint64_t)unknown);
    json_kv_string(w, "unknownFlagsHex", unknown ? hex : NULL);
    json_kv_uint(w, "targetSize", h->target_size);
    if (h->hash_alg == 0 || h->hash_len == 0) {
        json_kv_string(w, "hash", NULL);
    } else {
        json_key(w, "hash");
        json_begin_object(w);
        json_kv_uint(w, "algId", h->hash_alg);
        json_kv_string(w, "algorithm", hash_name(h->hash_alg));
        mum_hex_encode(hex, h->hash, h->hash_len);
        json_kv_string(w, "value", hex);
        json_end_object(w);
    }
    cli_json_time(w, "targetFileTime", h->target_file_time != 0,
                  filetime_seconds(h->target_file_time));
    json_kv_uint(w, "targetFileTimeRaw", h->target_file_time);
    json_kv_uint(w, "preprocessSize", h->preprocess_size);
    json_kv_uint(w, "headerSize", h->header_size);
    json_end_object(w);
}

static void info_json_error(json_writer *w, const char *path, const char *status,
                            const char *message, bool has_offset, uint64_t offset)
{
    json_begin_object(w);
    json_kv_string(w, "input", path);
    json_key(w, "error");
    json_begin_object(w);
    json_kv_string(w, "status", status);
    json_kv_string(w, "message", message);
    if (has_offset)
        json_kv_uint(w, "offset", offset);
    json_end_object(w);
    json_end_object(w);
}

static int delta_info(int argc, char **argv, cli_format format)
{
    json_writer w;
    json_init(&w, stdout);
    if (format == FORMAT_JSON)
        json_begin_array(&w);
    bool failed = false;
    for (int i = 0; i < argc; i++) {
        unsigned char *data = NULL;
        size_t size = 0;
        if (cli_read_file(argv[i], "the delta", (size_t)MUM_DELTA_MAX_TARGET, &data, &size) !=
            EXIT_CLEAN) {
            failed = true;
            if (format == FORMAT_JSON)
                info_json_error(&w, argv[i], mum_strerror(MUM_EIO), cli_last_failure(), false, 0);
            continue;
        }
        mum_ctx *ctx = NULL;
        if (mum_ctx_new(&ctx) != MUM_OK) {
            free(data);
            failed = true;
            cli_fail("out of memory");
            break;
        }
        mum_delta_header h;
        bool dcm = false;
        int st = read_header(&h, &dcm, ctx, data, size);
        if (st != MUM_OK) {
            char msg[1024];
            uint64_t shift = dcm ? 4 : 0;
            failure_text(msg, sizeof msg, argv[i], ctx, st, shift);
            /* the header reader counts from the PA30 delta, 4 bytes into a DCM file */
            if (dcm && !mum_ctx_location(ctx)->has_offset)
                snprintf(msg + strlen(msg), sizeof msg - strlen(msg),
                         " (bytes of the PA30 delta after the DCM magic)");
            cli_fail("%s", msg);
            failed = true;
            if (format == FORMAT_JSON) {
                const mum_location *loc = mum_ctx_location(ctx);
                info_json_error(&w, argv[i], mum_strerror(st), msg,
                                loc->has_offset, loc->offset + shift);
            }
        } else if (format == FORMAT_JSON) {
            info_json(&w, argv[i], &h, dcm);
        } else {
            info_text(argv[i], &h, dcm);
        }
        mum_ctx_free(ctx);
        free(data);
        fflush(stdout);
    }
    if (format == FORMAT_JSON) {
        json_end_array(&w);
        json_finish(&w);
    }
    return failed ? EXIT_FAIL : EXIT_CLEAN;
}

/* ---- apply ---- */

/*
 * Writes the target to OUT: a temporary beside it, renamed into place.  The
 * signals that would end mumtool are held while the temporary exists, so
 * it is renamed or removed before one can act.
 */
static int write_output(const char *out, const unsigned char *data, size_t size, bool force)
{
    if (strcmp(out, "-") == 0) {
        if (cli_write_all(STDOUT_FILENO, data, size) != 0)
            return cli_fail("standard output: %s", strerror(errno));
        return EXIT_CLEAN;
    }
    const char *slash = strrchr(out, '/');
    const char *last = slash ? slash + 1 : out;
    if (!*last)
        return cli_fail("%s: not a file name", out);
    char *dir = slash ? strndup(out, (size_t)(slash - out) + 1) : strdup(".");
    if (!dir)
        return cli_fail("out of memory");
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) {
        int rc = cli_fail("%s: %s", dir, strerror(errno));
        free(dir);
        return rc;
    }
    free(dir);
    struct stat st;
    if (fstatat(dfd, last, &st, AT_SYMLINK_NOFOLLOW) == 0 && (!force || S_ISDIR(st.st_mode))) {
        close(dfd);
        return cli_fail("%s: exists%s", out,
                        S_ISDIR(st.st_mode) ? " and is a folder" : " (use --force to overwrite)");
    }
    sigset_t hold, old;
    sigemptyset(&hold);
    sigaddset(&hold, SIGINT);
    sigaddset(&hold, SIGTERM);
    sigaddset(&hold, SIGHUP);
    sigaddset(&hold, SIGPIPE);
    sigprocmask(SIG_BLOCK, &hold, &old);
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    uint64_t seed = (uint64_t)now.tv_nsec ^ ((uint64_t)now.tv_sec << 20) ^ (uint64_t)getpid();
    char tmp[300];
    int rc = EXIT_CLEAN;
    int fd = cli_temp_create(dfd, last, &seed, tmp, sizeof tmp);
    if (fd < 0) {
        rc = cli_fail("%s: cannot create a temporary beside it: %s", out, strerror(errno));
    } else {
        int err = 0;
        /* the mode a new file gets, as extract gives it (the temporary is 0600) */
        mode_t um = umask(0);
        umask(um);
        if (cli_write_all(fd, data, size) != 0 || fchmod(fd, 0666 & ~um) != 0)
            err = errno;
        if (close(fd) != 0 && !err)
            err = errno;
        if (!err && cli_temp_rename(dfd, tmp, last, force) != 0)
            err = errno;
        if (err) {
            unlinkat(dfd, tmp, 0);
            rc = cli_fail("%s: %s", out,
                          err == EEXIST ? "exists (use --force to overwrite)" : strerror(err));
        }
    }
    sigprocmask(SIG_SETMASK, &old, NULL);
    close(dfd);
    return rc;
}

static int delta_apply(const char *source, const char *delta, const char *out, bool force)
{
    if (strcmp(source, "-") == 0 && strcmp(delta, "-") == 0)
        return cli_usage_error("delta", "delta apply: only one of SOURCE and DELTA may be '-'");
    unsigned char *src = NULL, *d = NULL;
    size_t src_size = 0, d_size = 0;
    if (cli_read_file(source, "the source", (size_t)MUM_DELTA_MAX_TARGET, &src, &src_size) !=
        EXIT_CLEAN)
        return EXIT_FAIL;
    if (cli_read_file(delta, "the delta", (size_t)MUM_DELTA_MAX_TARGET, &d, &d_size) !=
        EXIT_CLEAN) {
        free(src);
        return EXIT_FAIL;
    }
    mum_ctx *ctx = NULL;
    if (mum_ctx_new(&ctx) != MUM_OK) {
        free(src);
        free(d);
        return cli_fail("out of memory");
    }
    uint8_t *target = NULL;
    size_t target_size = 0;
    int st = mum_delta_is_dcm(d, d_size)
                 ? mum_delta_dcm_decode(&target, &target_size, ctx, src, src_size, d, d_size)
                 : mum_delta_apply(&target, &target_size, ctx, src, src_size, d, d_size, NULL);
    int rc;
    if (st != MUM_OK) {
        char msg[1024];
        failure_text(msg, sizeof msg, delta, ctx, st, 0);
        cli_fail("%s", msg);
        rc = st == MUM_ENOMEM || st == MUM_EIO ? EXIT_FAIL : EXIT_FINDINGS;
    } else {
        rc = write_output(out, target, target_size, force);
    }
    mum_free(target);
    mum_ctx_free(ctx);
    free(src);
    free(d);
    return rc;
}

int cmd_delta(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"json", no_argument, NULL, OPT_JSON},
        {"format", required_argument, NULL, OPT_FORMAT},
        {"output", required_argument, NULL, 'o'},
        {"force", no_argument, NULL, OPT_FORCE},
        CLI_COMMON_LONGOPTS,
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    if (argc >= 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0))
        return cli_help(delta_help);
    if (argc < 2)
        return cli_usage_error("delta", "delta: give a subcommand (info, apply)");
    bool info = strcmp(argv[1], "info") == 0;
    if (!info && strcmp(argv[1], "apply") != 0)
        return cli_usage_error("delta", "delta: unknown subcommand '%s' (info, apply)", argv[1]);
    const char *sub = argv[1];
    argc--;
    argv++;
    cli_format format = FORMAT_TEXT;
    const char *out = NULL;
    bool force = false, format_given = false;
    int c;
    optind = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "ho:" CLI_COMMON_SHORTOPTS, longopts, NULL)) != -1) {
        int common = cli_common_option("delta", c, optarg);
        if (common != 0) {
            if (common < 0)
                return EXIT_USAGE;
            continue;
        }
        switch (c) {
        case OPT_JSON: format = FORMAT_JSON; format_given = true; break;
        case OPT_FORMAT:
            if (cli_parse_format("delta", optarg, &format) != EXIT_CLEAN)
                return EXIT_USAGE;
            format_given = true;
            break;
        case 'o': out = optarg; break;
        case OPT_FORCE: force = true; break;
        case 'h': return cli_help(delta_help);
        default:
            return cli_usage_error("delta", "delta %s: %s '%s'", sub,
                                   optopt ? "option needs a value:" : "unknown option",
                                   argv[optind - 1]);
        }
    }
    if (info) {
        if (out || force)
            return cli_usage_error("delta", "delta info: -o and --force are for delta apply");
        if (optind >= argc)
            return cli_usage_error("delta", "delta info: name at least one DELTA");
        return delta_info(argc - optind, argv + optind, format);
    }
    if (format_given)
        return cli_usage_error("delta", "delta apply: --format is for delta info");
    if (argc - optind != 2)
        return cli_usage_error("delta", "delta apply: give SOURCE and DELTA");
    if (!out)
        return cli_usage_error("delta", "delta apply: name the file to write with -o OUT");
    return delta_apply(argv[optind], argv[optind + 1], out, force);
}
