/*
 * files.c - whole files for commands (see files.h).
 */
#include "config.h"

#include "files.h"

#include <errno.h>
#include <fcntl.h>
#ifdef HAVE_MALLOPT
#include <malloc.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int cli_read_file(const char *path, const char *what, size_t max, unsigned char **data,
                  size_t *size)
{
    *data = NULL;
    *size = 0;
    bool is_stdin = strcmp(path, "-") == 0;
    FILE *f = is_stdin ? stdin : fopen(path, "rb");
    if (!f)
        return cli_fail("%s (%s): %s", path, what, strerror(errno));
    unsigned char *buf = NULL;
    size_t len = 0, cap = 0;
    int rc = EXIT_CLEAN;
    for (;;) {
        if (len == cap) {
            if (cap > max) {
                rc = cli_fail("%s (%s): larger than %zu bytes", path, what, max);
                break;
            }
            size_t ncap = cap ? cap * 2 : 64 * 1024;
            if (ncap > max + 1)
                ncap = max + 1; /* one byte more tells "too large" from "exactly max" */
            unsigned char *nb = realloc(buf, ncap);
            if (!nb) {
                rc = cli_fail("%s (%s): out of memory", path, what);
                break;
            }
            buf = nb;
            cap = ncap;
        }
        size_t n = fread(buf + len, 1, cap - len, f);
        len += n;
        if (n == 0) {
            if (ferror(f))
                rc = cli_fail("%s (%s): read error: %s", path, what, strerror(errno));
            break;
        }
    }
    if (rc == EXIT_CLEAN && len > max)
        rc = cli_fail("%s (%s): larger than %zu bytes", path, what, max);
    if (!is_stdin)
        fclose(f);
    if (rc != EXIT_CLEAN) {
        free(buf);
        return rc;
    }
    *data = buf;
    *size = len;
    return EXIT_CLEAN;
}

/* The base manifest inside wcp.dll (a copy, free()). */
static int base_from_wcp(const char *wcp, unsigned char **data, size_t *size)
{
    unsigned char *dll = NULL;
    size_t dll_size = 0;
    int rc = cli_read_file(wcp, "wcp.dll", CLI_MAX_WCP, &dll, &dll_size);
    if (rc != EXIT_CLEAN)
        return rc;
    mum_ctx *ctx = NULL;
    if (mum_ctx_new(&ctx) != MUM_OK) {
        free(dll);
        return cli_fail("out of memory");
    }
    mum_location loc = {.input = wcp};
    const uint8_t *res = NULL;
    size_t n = 0;
    if (mum_pe_resource(&res, &n, ctx, dll, dll_size, MUM_PE_RT_WCP_BASE_MANIFEST,
                        MUM_PE_RN_WCP_BASE_MANIFEST, &loc) != MUM_OK) {
        rc = cli_fail("%s (the base manifest: wcp.dll's resource %u/%u)", mum_ctx_message(ctx),
                      MUM_PE_RT_WCP_BASE_MANIFEST, MUM_PE_RN_WCP_BASE_MANIFEST);
    } else if (n == 0 || n > CLI_MAX_BASE_MANIFEST) {
        rc = cli_fail("%s (wcp.dll): the base manifest resource holds %zu bytes", wcp, n);
    } else if (!(*data = malloc(n))) {
        rc = cli_fail("out of memory");
    } else {
        memcpy(*data, res, n);
        *size = n;
    }
    mum_ctx_free(ctx);
    free(dll);
    return rc;
}

int cli_base_manifest_load(const char *cmd, const char *path, const char *wcp,
                           unsigned char **data, size_t *size)
{
    *data = NULL;
    *size = 0;
    if (path && wcp)
        return cli_usage_error(cmd, "%s: give the base manifest with --base-manifest or --wcp, "
                                    "not both", cmd);
    if (wcp)
        return base_from_wcp(wcp, data, size);
    if (!path) {
        path = getenv("MUM_BASE_MANIFEST");
        if (!path || !*path)
            return EXIT_CLEAN;
    }
    int rc = cli_read_file(path, "the base manifest", CLI_MAX_BASE_MANIFEST, data, size);
    if (rc == EXIT_CLEAN && *size == 0) {
        free(*data);
        *data = NULL;
        return cli_fail("%s (the base manifest): empty file", path);
    }
    return rc;
}

size_t cli_graph_unread_dcm(const mum_graph *g)
{
    size_t n = 0;
    for (size_t i = 0; g && i < mum_graph_node_count(g); i++)
        n += mum_graph_node(g, i)->parse_status == MUM_EDELTA;
    return n;
}

void cli_base_manifest_hint(size_t unread)
{
    if (unread == 0 || cli_opts.verbosity < 0)
        return;
    fprintf(stderr,
            "%s: note: %zu manifest%s delta-compressed (DCM) and not read: give Windows' base "
            "manifest with --base-manifest FILE, --wcp wcp.dll or MUM_BASE_MANIFEST to read %s\n",
            cli_progname, unread, unread == 1 ? " is" : "s are", unread == 1 ? "it" : "them");
}

int cli_temp_create(int dfd, const char *last, uint64_t *seed, char *name, size_t cap)
{
    static const char alnum[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    /* keep the temporary's name within NAME_MAX (255) */
    int keep = (int)strlen(last);
    int room = 255 - (int)(1 + strlen(CLI_PARTIAL_TAG) + 6);
    if (keep > room)
        keep = room;
    for (int attempt = 0; attempt < 100; attempt++) {
        char suffix[7];
        for (int i = 0; i < 6; i++) {
            *seed = *seed * 6364136223846793005ull + 1442695040888963407ull;
            suffix[i] = alnum[(*seed >> 33) % (sizeof alnum - 1)];
        }
        suffix[6] = '\0';
        snprintf(name, cap, ".%.*s%s%s", keep, last, CLI_PARTIAL_TAG, suffix);
        int fd = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd >= 0 || errno != EEXIST)
            return fd;
    }
    errno = EEXIST;
    return -1;
}

int cli_temp_rename(int dfd, const char *tmp, const char *last, bool force)
{
    if (force)
        return renameat(dfd, tmp, dfd, last);
    int rc = renameat2(dfd, tmp, dfd, last, RENAME_NOREPLACE);
    if (rc != 0 && (errno == EINVAL || errno == ENOSYS)) {
        /* a file system without RENAME_NOREPLACE: link() refuses to replace too */
        rc = linkat(dfd, tmp, dfd, last, 0);
        if (rc == 0)
            unlinkat(dfd, tmp, 0);
    }
    return rc;
}

int cli_write_all(int fd, const void *data, size_t size)
{
    const unsigned char *p = data;
    while (size) {
        /* at most 1 GiB a call: some kernels refuse larger counts */
        ssize_t n = write(fd, p, size < ((size_t)1 << 30) ? size : ((size_t)1 << 30));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += n;
        size -= (size_t)n;
    }
    return 0;
}

void cli_heaps_for_inputs(size_t ninputs)
{
#if defined(HAVE_MALLOPT) && defined(M_ARENA_MAX)
    if (ninputs > 1 && !getenv("MALLOC_ARENA_MAX"))
        mallopt(M_ARENA_MAX, 2);
#else
    (void)ninputs;
#endif
}
