/*
 * cmd_extract.c - mumtool extract: entries of an .msu, a .cab or a folder
 * written into a folder, nested cabinets by their nested path, never
 * outside that folder and never over an existing file without --force.
 *
 * Every path is rebuilt from its components under a directory descriptor:
 * '!' and '\' separate components like '/', empty and "." components and
 * a leading drive letter are dropped, a ".." component makes the entry
 * refused, and each folder is opened with O_NOFOLLOW, so neither a name
 * nor a symbolic link already in the folder can lead elsewhere.
 */
#include "config.h"

#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char extract_help[] =
    "Usage: mumtool extract INPUT -C DIR [--force] [--no-descend] [PATTERN...]\n"
    "\n"
    "Write the entries of INPUT (an .msu, a .cab or a folder) into DIR, which is\n"
    "created if it does not exist.  Nested cabinets are opened and their entries\n"
    "written under a folder named after the cabinet: the entry\n"
    "\"Windows6.1-KB2465285-x64.cab!update.mum\" becomes\n"
    "DIR/Windows6.1-KB2465285-x64.cab/update.mum.  Backslashes in names separate\n"
    "folders.  A name with a '..' component is refused; an absolute name or a drive\n"
    "letter is taken as relative to DIR: nothing is ever written outside DIR, and no\n"
    "symbolic link is followed.\n"
    "\n"
    "PATTERNs (shell wildcards, compared without case, '*' also matching '/' and\n"
    "'!') select entries by nested path; a pattern matching a nested cabinet selects\n"
    "all of its entries.  Without a PATTERN every entry is written.\n"
    "\n"
    "Options:\n"
    "  -C, --directory DIR  the folder to write into (required)\n"
    "      --force          overwrite existing files\n"
    "      --no-descend     write nested cabinets as files instead of opening them\n"
    "  -h, --help           show this help and exit\n"
    "\n"
    "Exit status: 0 all written, 1 findings (such as a refused name) or a pattern\n"
    "that matched nothing, 2 usage error, 3 INPUT could not be read or a file could\n"
    "not be written.\n";

typedef struct extract_state {
    int root;                 /* descriptor of DIR */
    const char *dir;
    bool force;
    char **patterns;
    int npatterns;
    bool *matched;
    int out;                  /* the file being written, -1 if none */
    char *out_name;           /* its path for messages */
    bool out_failed;
    int failures;
    unsigned long written;
    unsigned long long bytes;
    cli_progress progress;
} extract_state;

static bool matches(const char *pattern, const char *path)
{
    return fnmatch(pattern, path, FNM_CASEFOLD) == 0;
}

/* Whether pattern p selects the entry at path, or a container holding it. */
static bool selects(const char *pattern, const char *path)
{
    if (matches(pattern, path))
        return true;
    char buf[16384 + 256];
    size_t n = strlen(path);
    if (n >= sizeof buf)
        return false;
    memcpy(buf, path, n + 1);
    for (char *bang = strrchr(buf, '!'); bang; bang = strrchr(buf, '!')) {
        *bang = '\0';
        if (matches(pattern, buf))
            return true;
    }
    return false;
}

static bool selected(const extract_state *s, const char *path)
{
    if (s->npatterns == 0)
        return true;
    for (int i = 0; i < s->npatterns; i++)
        if (selects(s->patterns[i], path))
            return true;
    return false;
}

static bool want_data(void *ud, const mum_entry *e)
{
    return selected(ud, e->path);
}

static int file_error(extract_state *s, const char *path, const char *what)
{
    fprintf(stderr, "%s: %s/%s: %s\n", cli_progname, s->dir, path, what);
    s->failures++;
    return MUM_OK;
}

/*
 * Splits a nested path into safe components in out (NUL-separated): '!',
 * '/' and '\\' separate them; a drive letter starting a container's name,
 * empty and "." components are dropped.  Returns the count (0: nothing is
 * left), or -1 for a ".." component or a path too long.
 */
static int split_safe(const char *path, char *out, size_t cap)
{
    int count = 0;
    size_t o = 0;
    for (const char *seg = path; seg;) {
        const char *bang = strchr(seg, '!');
        size_t seglen = bang ? (size_t)(bang - seg) : strlen(seg);
        const char *p = seg, *end = seg + seglen;
        if (seglen >= 2 && ((p[0] | 0x20) >= 'a' && (p[0] | 0x20) <= 'z') && p[1] == ':')
            p += 2;
        while (p < end) {
            size_t n = 0;
            while (p + n < end && p[n] != '/' && p[n] != '\\')
                n++;
            if (n == 2 && p[0] == '.' && p[1] == '.')
                return -1;
            if (n > 0 && !(n == 1 && p[0] == '.')) {
                if (o + n + 1 > cap)
                    return -1;
                memcpy(out + o, p, n);
                out[o + n] = '\0';
                o += n + 1;
                count++;
            }
            p += n;
            if (p < end)
                p++;
        }
        seg = bang ? bang + 1 : NULL;
    }
    return count;
}

/* The components joined with '/': how messages name the file written. */
static void join_components(const char *comps, int count, char *out)
{
    size_t o = 0;
    for (int i = 0; i < count; i++) {
        size_t n = strlen(comps);
        if (i)
            out[o++] = '/';
        memcpy(out + o, comps, n);
        o += n;
        comps += n + 1;
    }
    out[o] = '\0';
}

/* Opens (creating) each folder component under root without following links. */
static int open_parent(extract_state *s, const char *path, char *comps, int count, const char **last)
{
    int dfd = dup(s->root);
    if (dfd < 0) {
        file_error(s, path, strerror(errno));
        return -1;
    }
    char *c = comps;
    for (int i = 0; i < count - 1; i++) {
        if (mkdirat(dfd, c, 0777) != 0 && errno != EEXIST) {
            file_error(s, path, strerror(errno));
            close(dfd);
            return -1;
        }
        int next = openat(dfd, c, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (next < 0) {
            int err = errno;
            struct stat st;
            bool link = fstatat(dfd, c, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode);
            char msg[512];
            snprintf(msg, sizeof msg, "cannot use '%s' as a folder: %s", c,
                     link ? "it is a symbolic link, which is not followed" : strerror(err));
            file_error(s, path, msg);
            close(dfd);
            return -1;
        }
        close(dfd);
        dfd = next;
        c += strlen(c) + 1;
    }
    *last = c;
    return dfd;
}

static int on_entry(void *ud, const mum_entry *e)
{
    extract_state *s = ud;
    if (e->kind != MUM_ENTRY_FILE)
        return MUM_OK;
    for (int i = 0; i < s->npatterns; i++)
        if (selects(s->patterns[i], e->path))
            s->matched[i] = true;
    if (!selected(s, e->path))
        return MUM_OK;
    char comps[16384 + 256];
    int count = split_safe(e->path, comps, sizeof comps);
    if (count <= 0) {
        fprintf(stderr, "%s: %s: %s\n", cli_progname, e->path,
                count < 0 ? "refused: the name has a '..' component" : "refused: the name is empty");
        s->failures++;
        return MUM_OK;
    }
    char shown[sizeof comps];
    join_components(comps, count, shown);
    const char *last;
    int dfd = open_parent(s, shown, comps, count, &last);
    if (dfd < 0)
        return MUM_OK;
    int flags = O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC | (s->force ? O_TRUNC : O_EXCL);
    int fd = openat(dfd, last, flags, 0666);
    int err = errno;
    close(dfd);
    free(s->out_name);
    s->out_name = strdup(shown);
    s->out_failed = false;
    if (fd < 0) {
        file_error(s, shown,
                   err == EEXIST  ? "exists (use --force to overwrite)"
                   : err == ELOOP ? "is a symbolic link; not written through"
                                  : strerror(err));
        s->out = -1;
        s->out_failed = true;
        return MUM_OK;
    }
    s->out = fd;
    return MUM_OK;
}

static int on_data(void *ud, const mum_entry *e, const void *data, size_t size)
{
    extract_state *s = ud;
    s->bytes += size;
    cli_progress_update(&s->progress, s->written, s->bytes);
    if (s->out < 0)
        return MUM_OK;
    const char *p = data;
    while (size) {
        ssize_t n = write(s->out, p, size);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            file_error(s, s->out_name ? s->out_name : e->path, strerror(errno));
            close(s->out);
            s->out = -1;
            s->out_failed = true;
            return MUM_OK;
        }
        p += n;
        size -= (size_t)n;
    }
    return MUM_OK;
}

static int on_entry_end(void *ud, const mum_entry *e)
{
    extract_state *s = ud;
    if (s->out < 0)
        return MUM_OK;
    if (e->has_mtime) {
        struct timespec ts[2] = {{.tv_sec = (time_t)e->mtime}, {.tv_sec = (time_t)e->mtime}};
        futimens(s->out, ts);
    }
    if (close(s->out) != 0)
        file_error(s, s->out_name ? s->out_name : e->path, strerror(errno));
    else
        s->written++;
    s->out = -1;
    return MUM_OK;
}

static int open_root(const char *dir)
{
    if (mkdir(dir, 0777) != 0 && errno != EEXIST)
        return -1;
    return open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

int cmd_extract(int argc, char **argv)
{
    extract_state s = {.out = -1, .root = -1};
    mum_walk_options opts = MUM_WALK_OPTIONS_INIT;
    /* INPUT, PATTERNs and options in any order ("extract X.msu -C out '*.mum'") */
    const char *input = NULL;
    char **rest = calloc((size_t)argc + 1, sizeof *rest);
    int nrest = 0;
    if (!rest)
        return cli_fail("out of memory");
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-C") == 0 || strcmp(a, "--directory") == 0) {
            if (i + 1 == argc) {
                free(rest);
                return cli_usage_error("extract", "extract: %s needs a folder", a);
            }
            s.dir = argv[++i];
        } else if (strncmp(a, "--directory=", 12) == 0) {
            s.dir = a + 12;
        } else if (strncmp(a, "-C", 2) == 0 && a[2]) {
            s.dir = a + 2;
        } else if (strcmp(a, "--force") == 0) {
            s.force = true;
        } else if (strcmp(a, "--no-descend") == 0) {
            opts.flags &= ~MUM_WALK_DESCEND;
        } else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            free(rest);
            return cli_help(extract_help);
        } else if (strcmp(a, "--") == 0) {
            for (i++; i < argc; i++)
                rest[nrest++] = argv[i];
        } else if (a[0] == '-' && a[1]) {
            free(rest);
            return cli_usage_error("extract", "extract: unknown option '%s'", a);
        } else {
            rest[nrest++] = argv[i];
        }
    }
    if (nrest == 0 || !s.dir) {
        free(rest);
        return cli_usage_error("extract", nrest == 0 ? "extract: no INPUT given"
                                                     : "extract: no folder given (-C DIR)");
    }
    input = rest[0];
    s.patterns = rest + 1;
    s.npatterns = nrest - 1;
    s.matched = calloc((size_t)nrest, sizeof *s.matched);
    if (!s.matched) {
        free(rest);
        return cli_fail("out of memory");
    }
    s.root = open_root(s.dir);
    if (s.root < 0) {
        int rc = cli_fail("%s: cannot use as the output folder: %s", s.dir, strerror(errno));
        free(s.matched);
        free(rest);
        return rc;
    }

    mum_ctx *ctx = NULL;
    mum_findings *findings = NULL;
    if (mum_ctx_new(&ctx) != MUM_OK || mum_findings_new(&findings) != MUM_OK) {
        close(s.root);
        free(s.matched);
        free(rest);
        mum_ctx_free(ctx);
        return cli_fail("out of memory");
    }
    cli_progress_init(&s.progress, "extract");
    mum_walk_consumer consumer = {.want_data = want_data,
                                  .entry = on_entry,
                                  .data = on_data,
                                  .entry_end = on_entry_end};
    int rc = mum_walk_run(ctx, input, &opts, &consumer, &s, findings);
    cli_progress_done(&s.progress);
    if (s.out >= 0)
        close(s.out);
    int exit_rc = EXIT_CLEAN;
    if (rc != MUM_OK) {
        exit_rc = cli_fail_ctx(ctx);
    } else {
        cli_print_findings(stderr, findings);
        exit_rc = cli_findings_exit(findings);
        for (int i = 0; i < s.npatterns; i++) {
            if (!s.matched[i]) {
                cli_warn("pattern '%s' matched no entry", s.patterns[i]);
                exit_rc = EXIT_FINDINGS;
            }
        }
        if (s.failures)
            exit_rc = EXIT_FAIL;
    }
    close(s.root);
    free(s.out_name);
    free(s.matched);
    free(rest);
    mum_findings_free(findings);
    mum_ctx_free(ctx);
    return exit_rc;
}
