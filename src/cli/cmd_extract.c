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
 *
 * No file appears under its final name before it is complete and checked:
 * each is written to ".NAME.mumtool-partial-XXXXXX" beside it (created
 * with O_EXCL, mode 0600) and renamed into place at its end, once its size
 * is the one its container declares and, for a payload a manifest
 * describes, its digest is the manifest's DigestValue (for a blob of an
 * express cabinet, the hash its index gives).  Temporaries are
 * removed on every error and on SIGINT, SIGTERM, SIGHUP and SIGPIPE; after
 * a SIGKILL only temporaries (by that obvious name) are left behind.
 */
#include "config.h"

#include "cli.h"
#include "files.h"

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

/*
 * Default bounds on what one run writes.  The genuine packages measured
 * (the KB2465285, KB2883457, KB3040017, KB2938772 and Hyper-V cabinets)
 * expand at most 8.3 times (KB2465285-x86.msu: 274 KB -> 2.3 MB) and the
 * largest servicing packages Microsoft ships expand to a few GiB, so
 * 16 GiB and 200 times leave an order of magnitude of room; a cabinet of
 * zeros compressed by MSZIP expands 585 times, LZX more, so the ratio stops
 * such a cabinet long before the disk is full.  The ratio applies past
 * RATIO_FLOOR only: a small cabinet of very regular text is no threat.
 */
#define DEFAULT_MAX_OUTPUT ((uint64_t)16 << 30)
#define DEFAULT_MAX_RATIO 200u
#define RATIO_FLOOR ((uint64_t)16 << 20)
/* Files at least this large are checked against the free space first. */
#define SPACE_CHECK_MIN ((uint64_t)1 << 20)
#define PARTIAL_TAG CLI_PARTIAL_TAG

static const char extract_help[] =
    "Usage: mumtool extract INPUT -C DIR [OPTION...] [PATTERN...]\n"
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
    "Each file is written as .NAME" PARTIAL_TAG "XXXXXX beside its final name and\n"
    "renamed into place only when complete, of the size its cabinet declares and,\n"
    "for a payload a manifest of the package describes, of the manifest's digest\n"
    "(for an express blob, of its index's hash);\n"
    "on an error or an interruption the temporaries are removed.  A truncated\n"
    "cabinet is refused before anything is written.\n"
    "\n"
    "An express cabinet (one holding _manifest_.cix.xml) is written as the files\n"
    "its index describes, under their own names: each file stored as a PA30 delta\n"
    "(or a copy of another) is rebuilt in memory and written only when of the\n"
    "length and hash the index gives.  A file that cannot be rebuilt is not\n"
    "written: one line names it, the chain it is built from and why; the others\n"
    "are written (exit 1).  --raw writes the index and delta blobs as stored.\n"
    "\n"
    "PATTERNs (shell wildcards, compared without case, '*' also matching '/' and\n"
    "'!') select entries by nested path; a pattern matching a nested cabinet selects\n"
    "all of its entries.  Without a PATTERN every entry is written.\n"
    "\n"
    "Options:\n"
    "  -C, --directory DIR  the folder to write into (required)\n"
    "      --force          replace existing files (atomically, by rename)\n"
    "  -k, --keep-going     after a file that cannot be written, go on with the\n"
    "                       others (default: stop at the first)\n"
    "      --max-output SIZE  write at most SIZE bytes in all (K, M, G, T suffixes;\n"
    "                       0: no limit; default 16G)\n"
    "      --max-ratio N    write at most N times the size of INPUT, once past 16M\n"
    "                       (0: no limit; default 200)\n"
    "      --no-descend     write nested cabinets as files instead of opening them\n"
    "      --raw            write express cabinets as stored (index and deltas)\n"
    "                       instead of the files they rebuild into\n"
    "  -h, --help           show this help and exit\n"
    CLI_COMMON_HELP
    "\n"
    "Exit status: 0 all written, 1 findings (a refused name, a file whose digest is\n"
    "not its manifest's or index's, an express file that cannot be rebuilt: not\n"
    "written) or a pattern that matched nothing, 2 usage error, 3 INPUT could not be read or is truncated or corrupt,\n"
    "a file could not be written, or a limit was reached.\n";

/* A file written under its temporary name, not yet renamed into place. */
typedef struct temp_file {
    struct temp_file *next, *prev;
    char *rel;                /* the temporary, relative to DIR */
    char *final_rel;          /* the final name, relative to DIR */
    char *key;                /* lower-case nested path, for the digests of manifests and indexes */
    bool may_wait;            /* in a folder of its cabinet: its manifest may come later */
    bool have_digests;
    mum_file_digests digests;
} temp_file;

/*
 * What the signal handler removes.  The list is changed only by the main
 * thread with the cleanup signals blocked, and every other thread runs with
 * them blocked, so the handler never sees it half changed.
 */
static int g_root = -1;
static temp_file *volatile g_temps;
static sigset_t g_cleanup_set;
static const int g_cleanup_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGPIPE};

static void cleanup_handler(int sig)
{
    int saved = errno;
    for (temp_file *t = g_temps; t; t = t->next)
        unlinkat(g_root, t->rel, 0);
    /* SA_RESETHAND restored the default action: die of the same signal. */
    raise(sig);
    errno = saved;
}

static void block_cleanup(sigset_t *old)
{
    pthread_sigmask(SIG_BLOCK, &g_cleanup_set, old);
}

static void restore_mask(const sigset_t *old)
{
    pthread_sigmask(SIG_SETMASK, old, NULL);
}

static void temps_link(temp_file *t)
{
    sigset_t old;
    block_cleanup(&old);
    t->prev = NULL;
    t->next = g_temps;
    if (g_temps)
        g_temps->prev = t;
    g_temps = t;
    restore_mask(&old);
}

/* Unlinks t from the list; the caller holds the signals blocked. */
static void temps_unlink_locked(temp_file *t)
{
    if (t->prev)
        t->prev->next = t->next;
    else
        g_temps = t->next;
    if (t->next)
        t->next->prev = t->prev;
}

static void temp_free(temp_file *t)
{
    if (!t)
        return;
    free(t->rel);
    free(t->final_rel);
    free(t->key);
    free(t);
}

/* Removes the temporary from the disk and the list. */
static void temp_discard(temp_file *t)
{
    sigset_t old;
    block_cleanup(&old);
    unlinkat(g_root, t->rel, 0);
    temps_unlink_locked(t);
    restore_mask(&old);
    temp_free(t);
}

static void lower_ascii(char *s)
{
    for (; *s; s++)
        if (*s >= 'A' && *s <= 'Z')
            *s = (char)(*s + 32);
}

/* ---- state ---- */

typedef struct extract_state {
    int root;                 /* descriptor of DIR */
    const char *dir;
    const char *input;
    bool force, keep_going;
    uint64_t max_output;      /* 0: none */
    uint64_t max_ratio;       /* 0: none */
    char **patterns;
    int npatterns;
    bool *matched;
    mode_t mode;              /* 0666 less the umask */

    /* the file being written */
    int out;                  /* -1 if none */
    int out_dir;              /* its folder */
    const char *out_last;     /* its final name in that folder (in out_comps) */
    char out_comps[16384 + 256];
    temp_file *cur;
    uint64_t cur_bytes;

    /* what the manifests and express indexes say the payloads hash to */
    mum_payload_digests *digests;
    /* express cabinets: their files rebuilt (NULL with --raw) */
    mum_express_unpacker *unpack;
    mum_ctx *ctx;             /* its messages (the walk's context is the walk's) */
    uint64_t input_bytes;     /* what the ratio compares with */
    bool folder_input;
    uint64_t total;           /* bytes written */
    int failures;             /* files not written: exit 3 */
    int findings;             /* refused names, digest mismatches: exit 1 */
    bool stopped;             /* a failure or a limit ended the walk (said why) */
    bool unmasked;
    sigset_t saved_mask;
    unsigned long written;
    uint64_t seed;
    /* the test hook (MUMTOOL_TEST_EXTRACT_RAISE) */
    int hook_signal;
    uint64_t hook_bytes;
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
    /* manifests are read, even when not written, for their payloads' digests,
     * and what may be an express cabinet's index or blobs, to rebuild its files */
    const extract_state *s = ud;
    return selected(ud, e->path) || mum_payload_digests_wants(e) ||
           (s->unpack && mum_express_unpacker_wants(e));
}

/*
 * A file that could not be written: said, counted; the walk stops unless
 * --keep-going.  Returns the status for the callback.
 */
static int file_error(extract_state *s, const char *path, const char *what)
{
    fprintf(stderr, "%s: %s/%s: %s\n", cli_progname, s->dir, path, what);
    s->failures++;
    if (s->keep_going)
        return MUM_OK;
    s->stopped = true;
    return MUM_EIO;
}

/* A reason to stop whatever --keep-going says (a limit, a truncated input). */
static int fatal(extract_state *s, int status, const char *fmt, ...) MUM_PRINTF(3, 4);
static int fatal(extract_state *s, int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cli_verror(fmt, ap);
    va_end(ap);
    s->stopped = true;
    return status;
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

/*
 * Opens (creating) each folder component under root without following
 * links.  On failure says why (file_error) and returns -1 with *status
 * the callback's status.
 */
static int open_parent(extract_state *s, const char *path, char *comps, int count, const char **last,
                       int *status)
{
    int dfd = dup(s->root);
    if (dfd < 0) {
        *status = file_error(s, path, strerror(errno));
        return -1;
    }
    char *c = comps;
    for (int i = 0; i < count - 1; i++) {
        if (mkdirat(dfd, c, 0777) != 0 && errno != EEXIST) {
            *status = file_error(s, path, strerror(errno));
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
            *status = file_error(s, path, msg);
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

/* Creates ".LAST.mumtool-partial-XXXXXX" in dfd; its name goes to name. */
static int create_temp(extract_state *s, int dfd, const char *last, char *name, size_t cap)
{
    return cli_temp_create(dfd, last, &s->seed, name, cap);
}

/* The path of `name` in the folder of final_rel ("a/b/x" -> "a/b/name"). */
static char *sibling(const char *final_rel, const char *name)
{
    const char *slash = strrchr(final_rel, '/');
    size_t dirlen = slash ? (size_t)(slash - final_rel) + 1 : 0;
    char *p = malloc(dirlen + strlen(name) + 1);
    if (p) {
        memcpy(p, final_rel, dirlen);
        strcpy(p + dirlen, name);
    }
    return p;
}

static void limit_message(extract_state *s, const char *entry, char *buf, size_t cap, uint64_t want)
{
    if (s->max_output && want > s->max_output)
        snprintf(buf, cap,
                 "%s!%s: stopped: the output would exceed %llu bytes, the --max-output limit "
                 "(raise it with --max-output SIZE, or 0 for no limit)",
                 s->input, entry, (unsigned long long)s->max_output);
    else
        snprintf(buf, cap,
                 "%s!%s: stopped: the output would exceed %llu times the input's %llu bytes, "
                 "the --max-ratio limit (raise it with --max-ratio N, or 0 for no limit)",
                 s->input, entry, (unsigned long long)s->max_ratio, (unsigned long long)s->input_bytes);
}

/* Whether writing up to `want` bytes in all stays within the bounds. */
static bool within_limits(const extract_state *s, uint64_t want)
{
    if (s->max_output && want > s->max_output)
        return false;
    if (s->max_ratio && s->input_bytes && want > RATIO_FLOOR &&
        want / s->max_ratio > s->input_bytes)
        return false;
    return true;
}

static int limit_reached(extract_state *s, const char *entry, uint64_t want)
{
    char msg[20000];
    limit_message(s, entry, msg, sizeof msg, want);
    return fatal(s, MUM_ELIMIT, "%s", msg);
}

/* A cabinet shorter than its header says, or ending inside its signature. */
static int check_container(extract_state *s, const mum_entry *e)
{
    mum_ctx *ctx = NULL;
    if (mum_ctx_new(&ctx) != MUM_OK)
        return fatal(s, MUM_ENOMEM, "out of memory");
    int rc = mum_walk_check_whole(ctx, s->input, e);
    if (rc != MUM_OK)
        rc = fatal(s, rc, "%s; nothing of it is extracted", mum_ctx_message(ctx));
    mum_ctx_free(ctx);
    return rc;
}

/*
 * Whether t's data is what its manifest says (true when no manifest seen
 * so far names it); says so when not.
 */
static bool digest_matches(extract_state *s, const temp_file *t)
{
    if (!t->key)
        return true;
    const mum_payload_digest *d = mum_payload_digests_find(s->digests, t->key);
    if (!d)
        return true;
    bool ok = mum_payload_digest_matches(d, t->have_digests ? &t->digests : NULL);
    if (!ok) {
        fprintf(stderr, "%s: %s/%s: not written: its %s is not the %s in %s\n", cli_progname,
                s->dir, t->final_rel, d->alg == MUM_HASH_SHA256 ? "SHA-256" : "SHA-1",
                d->express ? "hash" : "DigestValue", d->source);
        s->findings++;
    }
    return ok;
}

/* Renames t into place in dfd (its folder) as `last`, and forgets it. */
static int finalize(extract_state *s, temp_file *t, int dfd, const char *last)
{
    const char *tmp = strrchr(t->rel, '/');
    tmp = tmp ? tmp + 1 : t->rel;
    sigset_t old;
    block_cleanup(&old);
    int rc = cli_temp_rename(dfd, tmp, last, s->force);
    int err = errno;
    if (rc == 0)
        temps_unlink_locked(t);
    restore_mask(&old);
    if (rc != 0) {
        char *name = strdup(t->final_rel);
        temp_discard(t);
        int status = file_error(s, name ? name : "?",
                                err == EEXIST ? "exists (use --force to overwrite)" : strerror(err));
        free(name);
        return status;
    }
    s->written++;
    temp_free(t);
    return MUM_OK;
}

/* Checks and renames a file kept back until its manifest could be seen. */
static int finalize_deferred(extract_state *s, temp_file *t)
{
    if (!digest_matches(s, t)) {
        temp_discard(t);
        return MUM_OK;
    }
    char comps[16384 + 256];
    int count = split_safe(t->final_rel, comps, sizeof comps);
    const char *last;
    int status = MUM_OK;
    int dfd = count > 0 ? open_parent(s, t->final_rel, comps, count, &last, &status) : -1;
    if (dfd < 0) {
        temp_discard(t);
        return status;
    }
    status = finalize(s, t, dfd, last);
    close(dfd);
    return status;
}

static void close_current(extract_state *s)
{
    if (s->out >= 0)
        close(s->out);
    if (s->out_dir >= 0)
        close(s->out_dir);
    s->out = -1;
    s->out_dir = -1;
}

/* The current file could not be written: its temporary goes. */
static int current_failed(extract_state *s, const char *why)
{
    char name[sizeof s->out_comps];
    snprintf(name, sizeof name, "%s", s->cur ? s->cur->final_rel : "?");
    close_current(s);
    if (s->cur)
        temp_discard(s->cur);
    s->cur = NULL;
    return file_error(s, name, why);
}

/*
 * The current file is written: its mode and time, then closed; it is no
 * longer current (its folder stays open for its rename). 0, or the errno
 * of what failed, for current_failed.
 */
static int close_written(extract_state *s, bool has_mtime, int64_t mtime)
{
    if (fchmod(s->out, s->mode) != 0)
        return errno;
    if (has_mtime) {
        struct timespec ts[2] = {{.tv_sec = (time_t)mtime}, {.tv_sec = (time_t)mtime}};
        futimens(s->out, ts);
    }
    int fd = s->out;
    s->out = -1;
    if (close(fd) != 0)
        return errno;
    s->cur = NULL;
    return 0;
}

/*
 * The name `path` is written under, its components in s->out_comps and
 * joined in `shown` (sizeof s->out_comps): their count, or 0 when the name
 * is refused (empty, or with a '..'), which is said and counted.
 */
static int safe_name(extract_state *s, const char *path, char *shown)
{
    int count = split_safe(path, s->out_comps, sizeof s->out_comps);
    if (count <= 0) {
        fprintf(stderr, "%s: %s: %s\n", cli_progname, path,
                count < 0 ? "refused: the name has a '..' component" : "refused: the name is empty");
        s->findings++;
        return 0;
    }
    join_components(s->out_comps, count, shown);
    return count;
}

/*
 * Opens the temporary a file of `size` bytes is written to, beside where it
 * goes (`shown`, of safe_name's `count` components): within the limits,
 * nothing in the way unless --force, room on the file system. It becomes
 * the current file (s->cur, s->out, s->out_dir) as *t, its final name in
 * its folder *last. *t NULL: not opened, with the status to return (MUM_OK
 * when said and the others go on).
 */
static int open_output(extract_state *s, const char *path, uint64_t size, int count,
                       const char *shown, temp_file **tp, const char **last)
{
    *tp = NULL;
    if (!within_limits(s, s->total + size))
        return limit_reached(s, path, s->total + size);
    int status = MUM_OK;
    int dfd = open_parent(s, shown, s->out_comps, count, last, &status);
    if (dfd < 0)
        return status;
    struct stat st;
    if (fstatat(dfd, *last, &st, AT_SYMLINK_NOFOLLOW) == 0 && (!s->force || S_ISDIR(st.st_mode))) {
        close(dfd);
        return file_error(s, shown,
                          S_ISDIR(st.st_mode) ? "is a folder; not replaced"
                                              : "exists (use --force to overwrite)");
    }
    struct statvfs vfs;
    if (size >= SPACE_CHECK_MIN && fstatvfs(dfd, &vfs) == 0) {
        uint64_t avail = (uint64_t)vfs.f_bavail * vfs.f_frsize;
        if (size > avail) {
            char msg[256];
            snprintf(msg, sizeof msg, "needs %llu bytes, and the file system has %llu free",
                     (unsigned long long)size, (unsigned long long)avail);
            close(dfd);
            return file_error(s, shown, msg);
        }
    }
    char tmpname[NAME_MAX + 1];
    /* a signal between the temporary's creation and its place on the list
     * would leave it behind: held until it is on the list (or gone) */
    sigset_t old;
    block_cleanup(&old);
    int fd = create_temp(s, dfd, *last, tmpname, sizeof tmpname);
    if (fd < 0) {
        int err = errno;
        restore_mask(&old);
        close(dfd);
        return file_error(s, shown, strerror(err));
    }
    temp_file *t = calloc(1, sizeof *t);
    if (t) {
        t->final_rel = strdup(shown);
        t->rel = t->final_rel ? sibling(shown, tmpname) : NULL;
        if ((t->key = strdup(path)))
            lower_ascii(t->key);
    }
    if (!t || !t->rel || !t->key) {
        unlinkat(dfd, tmpname, 0);
        restore_mask(&old);
        close(fd);
        close(dfd);
        temp_free(t);
        return fatal(s, MUM_ENOMEM, "out of memory");
    }
    temps_link(t);
    restore_mask(&old);
    s->cur = t;
    s->out = fd;
    s->out_dir = dfd;
    *tp = t;
    return MUM_OK;
}

/*
 * Writes a file an express cabinet's index describes, rebuilt in memory
 * and already checked against the index's length and hash, by the same
 * road as an entry: a safe path, a temporary renamed into place once
 * written and, for a payload a manifest describes, of its DigestValue.
 */
static int write_output(extract_state *s, const mum_express_output *o)
{
    if (!selected(s, o->path))
        return MUM_OK;
    for (int i = 0; i < s->npatterns; i++)
        if (selects(s->patterns[i], o->path))
            s->matched[i] = true;
    char shown[sizeof s->out_comps];
    int count = safe_name(s, o->path, shown);
    if (count <= 0)
        return MUM_OK;
    if (o->failed) {
        /* a file of the index that cannot be made: said, and the others go on */
        fprintf(stderr, "%s: %s/%s: %s%s\n", cli_progname, s->dir, shown,
                o->rebuilt ? "not written: cannot be rebuilt from the cabinet: " : "", o->why);
        s->findings++;
        return MUM_OK;
    }
    temp_file *t;
    const char *last;
    int status = open_output(s, o->path, o->size, count, shown, &t, &last);
    if (!t)
        return status;
    t->have_digests = true;
    t->digests = o->digests;
    if (cli_write_all(s->out, o->data, o->size) != 0)
        return current_failed(s, strerror(errno));
    s->total += o->size;
    int err = close_written(s, o->has_mtime, o->mtime);
    if (err)
        return current_failed(s, strerror(err));
    if (!digest_matches(s, t)) {
        close_current(s);
        temp_discard(t);
        return MUM_OK;
    }
    int rc = finalize(s, t, s->out_dir, last);
    close_current(s);
    cli_progress_update(&s->progress, s->written, s->total);
    return rc;
}

/* A cabinet has ended: the files of its express index, if it has one. */
static int write_outputs(extract_state *s)
{
    for (;;) {
        const mum_express_output *o = NULL;
        int rc = mum_express_unpacker_next(&o, s->unpack, s->ctx);
        if (rc != MUM_OK)
            return fatal(s, rc, "%s", mum_ctx_message(s->ctx));
        if (!o)
            return MUM_OK;
        if (s->stopped)
            continue; /* drained, not written */
        rc = write_output(s, o);
        if (rc != MUM_OK)
            return rc;
    }
}

static int on_entry(void *ud, const mum_entry *e)
{
    extract_state *s = ud;
    if (!s->unmasked) {
        /* the decoding thread exists now, with the signals blocked: take them here */
        s->unmasked = true;
        restore_mask(&s->saved_mask);
    }
    if (e->kind == MUM_ENTRY_CONTAINER) {
        if (e->depth == 0) {
            s->folder_input = e->container == MUM_CONTAINER_FOLDER;
            s->input_bytes = s->folder_input ? 0 : e->size;
        } else if (e->depth == 1 && s->folder_input) {
            s->input_bytes += e->size;
        }
        int rc = check_container(s, e);
        mum_express_take take;
        if (rc == MUM_OK && s->unpack && (rc = mum_express_unpacker_entry(&take, s->unpack, e)) != MUM_OK)
            rc = fatal(s, rc, "out of memory");
        return rc;
    }
    mum_express_take take = MUM_EXPRESS_PASS;
    if (s->unpack && mum_express_unpacker_entry(&take, s->unpack, e) != MUM_OK)
        return fatal(s, MUM_ENOMEM, "out of memory");
    if (e->kind == MUM_ENTRY_CONTAINER_END && s->unpack)
        return write_outputs(s);
    if (e->kind != MUM_ENTRY_FILE)
        return MUM_OK;
    if (s->folder_input && e->depth == 1)
        s->input_bytes += e->size; /* a folder: the ratio compares with what it holds */
    mum_payload_digests_begin(s->digests, e);
    if (take == MUM_EXPRESS_HOLD)
        return MUM_OK; /* an express index or blob: its files are written at its cabinet's end */
    for (int i = 0; i < s->npatterns; i++)
        if (selects(s->patterns[i], e->path))
            s->matched[i] = true;
    if (!selected(s, e->path))
        return MUM_OK;
    char shown[sizeof s->out_comps];
    int count = safe_name(s, e->path, shown);
    if (count <= 0)
        return MUM_OK;
    temp_file *t;
    const char *last;
    int status = open_output(s, e->path, e->size, count, shown, &t, &last);
    if (!t)
        return status;
    /* a payload lies in a folder of its container: "c.cab!stem/name" */
    const char *inner = strrchr(e->path, '!');
    inner = inner ? inner + 1 : e->path;
    t->may_wait = strchr(inner, '/') != NULL;
    s->out_last = last;
    s->cur_bytes = 0;
    return MUM_OK;
}

static int on_data(void *ud, const mum_entry *e, const void *data, size_t size)
{
    extract_state *s = ud;
    mum_payload_digests_data(s->digests, data, size);
    if (s->unpack && mum_express_unpacker_data(s->unpack, data, size) != MUM_OK)
        return fatal(s, MUM_ENOMEM, "out of memory");
    if (s->out < 0)
        return MUM_OK;
    if (!within_limits(s, s->total + size)) {
        uint64_t want = s->total + size;
        close_current(s);
        temp_discard(s->cur);
        s->cur = NULL;
        return limit_reached(s, e->path, want);
    }
    if (cli_write_all(s->out, data, size) != 0)
        return current_failed(s, strerror(errno));
    s->total += size;
    s->cur_bytes += size;
    cli_progress_update(&s->progress, s->written, s->total);
    if (s->hook_signal && s->total >= s->hook_bytes) {
        int sig = s->hook_signal;
        s->hook_signal = 0;
        raise(sig);
    }
    return MUM_OK;
}

static int on_entry_end(void *ud, const mum_entry *e)
{
    extract_state *s = ud;
    int rc = mum_payload_digests_end(s->digests, e);
    if (rc == MUM_OK && s->unpack)
        rc = mum_express_unpacker_entry_end(s->unpack, e);
    if (rc != MUM_OK)
        return fatal(s, rc, "out of memory");
    if (s->out < 0)
        return rc;
    if (s->cur_bytes != e->size) {
        char msg[256];
        snprintf(msg, sizeof msg, "not written: its data ended after %llu of the %llu bytes declared",
                 (unsigned long long)s->cur_bytes, (unsigned long long)e->size);
        return current_failed(s, msg);
    }
    temp_file *t = s->cur;
    if (e->digests) {
        t->have_digests = true;
        t->digests = *e->digests;
    }
    int err = close_written(s, e->has_mtime, e->mtime);
    if (err)
        return current_failed(s, strerror(err));
    if (t->may_wait && !mum_payload_digests_find(s->digests, t->key)) {
        /* its manifest may come later in the cabinet: kept back until the end */
        close_current(s);
        return MUM_OK;
    }
    if (!digest_matches(s, t)) {
        close_current(s);
        temp_discard(t);
        return MUM_OK;
    }
    rc = finalize(s, t, s->out_dir, s->out_last);
    close_current(s);
    return rc;
}

static int open_root(const char *dir)
{
    if (mkdir(dir, 0777) != 0 && errno != EEXIST)
        return -1;
    return open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

/* "10", "64K", "1M", "16G", "1T" (powers of 1024). */
static bool parse_size(const char *text, uint64_t *out)
{
    char *end;
    errno = 0;
    if (*text < '0' || *text > '9')
        return false;
    unsigned long long v = strtoull(text, &end, 10);
    if (errno)
        return false;
    unsigned shift = 0;
    switch (*end) {
    case '\0': break;
    case 'k': case 'K': shift = 10; end++; break;
    case 'm': case 'M': shift = 20; end++; break;
    case 'g': case 'G': shift = 30; end++; break;
    case 't': case 'T': shift = 40; end++; break;
    default: return false;
    }
    if (*end == 'i' && shift)
        end++;
    if ((*end == 'B' || *end == 'b') && (shift || end[-1] >= '0'))
        end++;
    if (*end || (shift && v > (UINT64_MAX >> shift)))
        return false;
    *out = (uint64_t)v << shift;
    return true;
}

/* The test hook: MUMTOOL_TEST_EXTRACT_RAISE=SIGNAL:BYTES raises SIGNAL once
 * BYTES have been written, so tests interrupt an extraction at a known
 * point.  For the test suite only. */
static void read_test_hook(extract_state *s)
{
    const char *v = getenv("MUMTOOL_TEST_EXTRACT_RAISE");
    if (!v || !*v)
        return;
    char *end;
    long sig = strtol(v, &end, 10);
    if (*end != ':' || sig <= 0 || sig >= 65)
        return;
    uint64_t bytes;
    if (!parse_size(end + 1, &bytes))
        return;
    s->hook_signal = (int)sig;
    s->hook_bytes = bytes;
}

static void install_handlers(void)
{
    sigemptyset(&g_cleanup_set);
    for (size_t i = 0; i < sizeof g_cleanup_signals / sizeof *g_cleanup_signals; i++) {
        sigaddset(&g_cleanup_set, g_cleanup_signals[i]);
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = cleanup_handler;
        sa.sa_flags = (int)SA_RESETHAND;
        sigfillset(&sa.sa_mask);
        struct sigaction prev;
        /* a signal ignored by whoever started us stays ignored (nohup) */
        if (sigaction(g_cleanup_signals[i], NULL, &prev) == 0 && prev.sa_handler == SIG_IGN)
            continue;
        sigaction(g_cleanup_signals[i], &sa, NULL);
    }
    /* past a file-size limit, write() fails with EFBIG and the file is removed */
    signal(SIGXFSZ, SIG_IGN);
}

int cmd_extract(int argc, char **argv)
{
    extract_state s = {.out = -1, .out_dir = -1, .root = -1,
                       .max_output = DEFAULT_MAX_OUTPUT, .max_ratio = DEFAULT_MAX_RATIO};
    mum_walk_options opts = MUM_WALK_OPTIONS_INIT;
    /* INPUT, PATTERNs and options in any order ("extract X.msu -C out '*.mum'") */
    const char *input = NULL;
    bool raw = false;
    char **rest = calloc((size_t)argc + 1, sizeof *rest);
    int nrest = 0;
    if (!rest)
        return cli_fail("out of memory");
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *val = NULL;
        int common;
        if (strcmp(a, "-C") == 0 || strcmp(a, "--directory") == 0 || strcmp(a, "--max-output") == 0 ||
            strcmp(a, "--max-ratio") == 0) {
            if (i + 1 == argc) {
                free(rest);
                return cli_usage_error("extract", "extract: %s needs %s", a,
                                       a[1] == 'C' || a[2] == 'd' ? "a folder" : "a value");
            }
            val = argv[++i];
        } else if (strncmp(a, "--directory=", 12) == 0) {
            a = "-C", val = argv[i] + 12;
        } else if (strncmp(a, "--max-output=", 13) == 0) {
            a = "--max-output", val = argv[i] + 13;
        } else if (strncmp(a, "--max-ratio=", 12) == 0) {
            a = "--max-ratio", val = argv[i] + 12;
        } else if (strncmp(a, "-C", 2) == 0 && a[2]) {
            a = "-C", val = argv[i] + 2;
        }
        if (val && (strcmp(a, "-C") == 0 || strcmp(a, "--directory") == 0)) {
            s.dir = val;
        } else if (val && strcmp(a, "--max-output") == 0) {
            if (!parse_size(val, &s.max_output)) {
                free(rest);
                return cli_usage_error("extract", "extract: --max-output: '%s' is not a size "
                                                  "(a number, optionally with K, M, G or T)", val);
            }
        } else if (val && strcmp(a, "--max-ratio") == 0) {
            char *end;
            errno = 0;
            unsigned long long r = strtoull(val, &end, 10);
            if (*val < '0' || *val > '9' || *end || errno) {
                free(rest);
                return cli_usage_error("extract", "extract: --max-ratio: '%s' is not a number", val);
            }
            s.max_ratio = r;
        } else if (strcmp(a, "--force") == 0) {
            s.force = true;
        } else if (strcmp(a, "-k") == 0 || strcmp(a, "--keep-going") == 0) {
            s.keep_going = true;
        } else if (strcmp(a, "--raw") == 0) {
            raw = true;
        } else if (strcmp(a, "--no-descend") == 0) {
            opts.flags &= ~MUM_WALK_DESCEND;
        } else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            free(rest);
            return cli_help(extract_help);
        } else if ((common = cli_common_arg("extract", a)) != 0) {
            if (common < 0) {
                free(rest);
                return EXIT_USAGE;
            }
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
    s.input = input;
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
    mode_t um = umask(0);
    umask(um);
    s.mode = 0666 & ~um;
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    s.seed = (unsigned long long)now.tv_nsec ^ ((unsigned long long)now.tv_sec << 20) ^
             ((unsigned long long)getpid() << 40);
    read_test_hook(&s);

    mum_ctx *ctx = NULL;
    mum_findings *findings = NULL;
    if (mum_ctx_new(&ctx) != MUM_OK || mum_findings_new(&findings) != MUM_OK ||
        mum_payload_digests_new(&s.digests, input) != MUM_OK ||
        (!raw && (mum_express_unpacker_new(&s.unpack, input) != MUM_OK || mum_ctx_new(&s.ctx) != MUM_OK))) {
        mum_express_unpacker_free(s.unpack);
        mum_payload_digests_free(s.digests);
        close(s.root);
        free(s.matched);
        free(rest);
        mum_findings_free(findings);
        mum_ctx_free(ctx);
        return cli_fail("out of memory");
    }
    g_root = s.root;
    install_handlers();
    cli_progress_init(&s.progress, "extract");
    /* every file's SHA-256 and SHA-1, for the manifests' DigestValues */
    opts.flags |= MUM_WALK_FILE_DIGESTS;
    mum_walk_consumer consumer = {.want_data = want_data,
                                  .entry = on_entry,
                                  .data = on_data,
                                  .entry_end = on_entry_end};
    /* the walk's threads start with the cleanup signals blocked: only this
     * thread, which keeps the list of temporaries, takes them */
    block_cleanup(&s.saved_mask);
    int rc = mum_walk_run(ctx, input, &opts, &consumer, &s, findings);
    if (!s.unmasked)
        restore_mask(&s.saved_mask);
    cli_progress_done(&s.progress);
    close_current(&s);
    if (s.cur) {
        temp_discard(s.cur);
        s.cur = NULL;
    }
    /* the files kept back for a manifest that might come later */
    int exit_rc = EXIT_CLEAN;
    if (rc == MUM_OK && !s.stopped) {
        while (g_temps && !s.stopped)
            finalize_deferred(&s, g_temps);
    }
    while (g_temps)
        temp_discard(g_temps);
    if (s.stopped) {
        exit_rc = EXIT_FAIL;
    } else if (rc != MUM_OK) {
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
        if (s.findings)
            exit_rc = EXIT_FINDINGS;
        if (s.failures)
            exit_rc = EXIT_FAIL;
    }
    close(s.root);
    g_root = -1;
    mum_payload_digests_free(s.digests);
    mum_express_unpacker_free(s.unpack);
    mum_ctx_free(s.ctx);
    free(s.matched);
    free(rest);
    mum_findings_free(findings);
    mum_ctx_free(ctx);
    return exit_rc;
}
