/*
 * container.c - walking an input's entries: cabinets through libarchive
 * (this file and walk_cab.c are the only ones that include it), folders
 * through the file system, nested cabinets streamed from their parent entry
 * (the two-thread pipeline of mum_walk_run is in walk_run.c).
 *
 * Each open container is a level on a stack.  A cabinet level feeds
 * libarchive (walk_cab.c) from a read callback that takes its bytes either from a file
 * or from the parent level's current entry; every byte passes through the
 * level's cabinet digest on the way (when signatures were asked for), so a
 * nested cabinet's signature and digests come out of the same single pass.
 */
#include "config.h"

#include "walk_internal.h"
#include "io.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <locale.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_DEPTH_LIMIT 32
#define MAX_FOLDER_DEPTH 64
#define MAX_PATH_BYTES ((size_t)16 << 10)
#define BLOCK MUM_WALK_BLOCK_SIZE

/*
 * libarchive converts names to the calling thread's locale; in the "C"
 * locale a name that is not ASCII is lost.  Every call into the walk runs
 * with a UTF-8 LC_CTYPE for this thread only (uselocale), restored after.
 */
static pthread_once_t utf8_once = PTHREAD_ONCE_INIT;
static locale_t utf8_loc;

static void make_utf8_locale(void)
{
    utf8_loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
    if (!utf8_loc)
        utf8_loc = newlocale(LC_CTYPE_MASK, "en_US.UTF-8", (locale_t)0);
}

locale_t mum__walk_enter_utf8(void)
{
    pthread_once(&utf8_once, make_utf8_locale);
    return utf8_loc ? uselocale(utf8_loc) : (locale_t)0;
}

void mum__walk_leave_utf8(locale_t old)
{
    if (old)
        uselocale(old);
}

/* ---- names seen in one container (duplicate and case-duplicate checks) ---- */

/* (name_set: walk_internal.h) */

void mum__name_set_free(name_set *s)
{
    mum__free(s->slots);
    mum__free(s->pool);
    mum__free(s->restarts);
    mum__sbuf_free(&s->last);
    mum__sbuf_free(&s->found);
    uint64_t (*hash)(const char *) = s->hash;
    memset(s, 0, sizeof *s);
    s->hash = hash;
}

/* Lower-cases for comparison; bytes that are not UTF-8 are compared as ASCII. */
static char *fold_name(const char *name)
{
    bool invalid = false;
    char *lower = mum__utf8_lower(name, &invalid);
    if (lower || !invalid)
        return lower;
    lower = mum__strdup(name);
    if (lower)
        for (char *p = lower; *p; p++)
            *p = (char)mum__ascii_tolower((unsigned char)*p);
    return lower;
}

/*
 * The hash of a folded name of n bytes: eight bytes at a time (the last
 * word zero-padded), each word multiplied in, then murmur3's finalizer
 * (the slot is taken from the low bits).  Every entry of a cabinet is
 * hashed on the decoding thread: a byte-by-byte FNV cost three times more.
 */
static uint64_t fold_hash_n(const char *folded, size_t n)
{
    const unsigned char *p = (const unsigned char *)folded;
    uint64_t h = 0xcbf29ce484222325u ^ n;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        h = (h ^ mum__le64(p + i)) * 0x9e3779b97f4a7c15u;
        h ^= h >> 29;
    }
    uint64_t tail = 0;
    for (size_t k = 0; i + k < n; k++)
        tail |= (uint64_t)p[i + k] << (8 * k);
    h = (h ^ tail) * 0x9e3779b97f4a7c15u;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdu;
    h ^= h >> 33;
    return h;
}

static uint64_t fold_hash(const char *folded)
{
    return fold_hash_n(folded, strlen(folded));
}

static bool pool_reserve(name_set *s, size_t more)
{
    if (more > SIZE_MAX - s->pool_len)
        return false;
    return mum__grow((void **)&s->pool, &s->pool_cap, s->pool_len + more, 1);
}

static void put_varint(name_set *s, size_t v)
{
    do {
        unsigned char b = v & 0x7f;
        v >>= 7;
        s->pool[s->pool_len++] = b | (v ? 0x80 : 0);
    } while (v);
}

static size_t get_varint(const unsigned char **p)
{
    size_t v = 0;
    for (unsigned shift = 0;; shift += 7) {
        unsigned char b = *(*p)++;
        v |= (size_t)(b & 0x7f) << shift;
        if (!(b & 0x80))
            return v;
    }
}

/* Packs name as the set's next one. */
static bool pack_name(name_set *s, const char *name)
{
    size_t n = strlen(name), shared = 0;
    bool restart = s->count % MUM_NAME_RESTART == 0;
    if (restart) {
        size_t r = s->count / MUM_NAME_RESTART;
        if (!mum__grow((void **)&s->restarts, &s->restart_cap, r + 1, sizeof *s->restarts))
            return false;
        s->restarts[r] = s->pool_len;
    } else {
        /* the prefix shared with the name before, eight bytes at a time */
        const unsigned char *a = (const unsigned char *)s->last.data;
        const unsigned char *b = (const unsigned char *)name;
        size_t lim = n < s->last.len ? n : s->last.len;
        while (shared + 8 <= lim && mum__le64(a + shared) == mum__le64(b + shared))
            shared += 8;
        while (shared < lim && a[shared] == b[shared])
            shared++;
    }
    if (!pool_reserve(s, 2 * sizeof(size_t) * 8 / 7 + 2 + (n - shared)))
        return false;
    put_varint(s, shared);
    put_varint(s, n - shared);
    memcpy(s->pool + s->pool_len, name + shared, n - shared);
    s->pool_len += n - shared;
    s->last.len = 0;
    mum__sbuf_append(&s->last, name, n);
    return !s->last.failed;
}

/* Unpacks the name of index i into s->found. */
static const char *unpack_name(name_set *s, size_t i)
{
    const unsigned char *p = s->pool + s->restarts[i / MUM_NAME_RESTART];
    s->found.len = 0;
    for (size_t k = i - i % MUM_NAME_RESTART; k <= i; k++) {
        size_t shared = get_varint(&p), n = get_varint(&p);
        s->found.len = shared; /* a prefix of the name before */
        mum__sbuf_append(&s->found, (const char *)p, n);
        p += n;
    }
    mum__sbuf_putc(&s->found, '\0');
    return s->found.failed ? NULL : s->found.data;
}

static bool slots_grow(name_set *s)
{
    size_t cap = s->cap ? s->cap * 2 : 64;
    if (cap > SIZE_MAX / sizeof *s->slots)
        return false;
    name_slot *slots = mum__calloc(cap, sizeof *slots);
    if (!slots)
        return false;
    for (size_t i = 0; i < s->cap; i++) {
        if (!s->slots[i].index)
            continue;
        size_t j = (size_t)s->slots[i].hash & (cap - 1);
        while (slots[j].index)
            j = (j + 1) & (cap - 1);
        slots[j] = s->slots[i];
    }
    mum__free(s->slots);
    s->slots = slots;
    s->cap = cap;
    return true;
}

/*
 * An ASCII name folded into buf (`cap` bytes) and hashed as fold_hash
 * hashes fold_name's result, without an allocation or a strlen: every
 * entry of a cabinet goes through here on the decoding thread.  False when
 * the name is not ASCII or does not fit (fold_name then).
 */
static bool fold_ascii(const char *name, char *buf, size_t cap, uint64_t *hash)
{
    const uint64_t ones = 0x0101010101010101u;
    size_t n = strlen(name), i = 0;
    if (n >= cap)
        return false;
    /* eight bytes at a time: each below 0x80, 'A'-'Z' given their 0x20 bit
     * (a byte + 0x80 - 'A' has its top bit when >= 'A', + 0x80 - '[' when
     * > 'Z'; no carries, the bytes being below 0x80) */
    for (; i + 8 <= n; i += 8) {
        uint64_t w = mum__le64((const unsigned char *)name + i);
        if (w & (0x80 * ones))
            return false;
        uint64_t upper = (w + (0x80 - 'A') * ones) & ~(w + (0x80 - '[') * ones) & (0x80 * ones);
        w |= upper >> 2;
        for (int k = 0; k < 8; k++)
            buf[i + k] = (char)(w >> (8 * k));
    }
    for (; i < n; i++) {
        unsigned char c = (unsigned char)name[i];
        if (c >= 0x80)
            return false;
        buf[i] = (char)mum__ascii_tolower(c);
    }
    buf[i] = '\0';
    *hash = fold_hash_n(buf, n);
    return true;
}

bool mum__name_set_add(name_set *s, const char *name, const char **clash)
{
    *clash = NULL;
    if (s->count >= UINT32_MAX - 1)
        return false;
    if ((s->count + 1) * 4 > s->cap * 3 && !slots_grow(s))
        return false;
    char ascii[512];
    uint64_t h;
    char *heap = NULL;
    const char *folded = ascii;
    if (s->hash || !fold_ascii(name, ascii, sizeof ascii, &h)) {
        if (!(heap = fold_name(name)))
            return false;
        folded = heap;
        h = s->hash ? s->hash(folded) : fold_hash(folded);
    }
    size_t j = (size_t)h & (s->cap - 1);
    bool ok = true;
    for (; s->slots[j].index; j = (j + 1) & (s->cap - 1)) {
        if (s->slots[j].hash != h)
            continue;
        /* the same hash: the same name when folded, or two that collide */
        const char *earlier = unpack_name(s, s->slots[j].index - 1);
        char *efold = earlier ? fold_name(earlier) : NULL;
        if (!efold) {
            ok = false;
            break;
        }
        bool same = strcmp(efold, folded) == 0;
        mum__free(efold);
        if (same) {
            *clash = earlier; /* the first seen stays: the set does not grow */
            break;
        }
    }
    mum__free(heap);
    if (!ok || *clash)
        return ok;
    if (!pack_name(s, name))
        return false;
    s->slots[j].hash = h;
    s->slots[j].index = (uint32_t)++s->count;
    return true;
}

/* ---- levels ---- */

/* (the level and walker types: walk_internal.h) */

static char *join_path(const char *parent, const char *name, char sep)
{
    if (!parent || !*parent)
        return mum__strdup(name);
    return mum__asprintf("%s%c%s", parent, sep, name);
}

mum_location mum__walk_entry_loc(const mum_walk *w, const char *entry)
{
    mum_location loc = {.input = w->input, .entry = entry && *entry ? entry : NULL};
    return loc;
}

int mum__walk_fail(mum_walk *w, int status, const char *entry, const char *fmt, ...)
{
    if (status == MUM_ENOMEM) {
        w->status = mum__nomem(w->ctx);
    } else {
        mum_location loc = mum__walk_entry_loc(w, entry);
        va_list ap;
        va_start(ap, fmt);
        w->status = mum__verror(w->ctx, status, &loc, fmt, ap);
        va_end(ap);
    }
    w->state = ST_FAILED;
    return w->status;
}

int mum__walk_finding(mum_walk *w, mum_rule_id rule, const char *entry, const char *fmt, ...)
{
    if (!w->findings)
        return MUM_OK;
    va_list ap;
    va_start(ap, fmt);
    char *msg = mum__vasprintf(fmt, ap);
    va_end(ap);
    mum_location loc = mum__walk_entry_loc(w, entry);
    int rc = msg ? mum__finding(w->findings, rule, &loc, "%s", msg) : MUM_ENOMEM;
    mum__free(msg);
    return rc;
}

/* A read of a file failed: the file (or entry of a folder) and the offset. */
int mum__walk_io_fail(mum_walk *w, const char *entry, uint64_t offset, int err)
{
    mum_location loc = mum__walk_entry_loc(w, entry);
    loc.has_offset = true;
    loc.offset = offset;
    w->status = mum__error(w->ctx, MUM_EIO, &loc, "read error: %s", strerror(err));
    w->state = ST_FAILED;
    return w->status;
}

/* ---- opening and closing levels ---- */

static void level_clear(level *L)
{
    if (L->a)
        archive_read_free(L->a);
    if (L->fd >= 0)
        close(L->fd);
    if (L->peek != L->buf)
        mum__free(L->peek);
    mum__free(L->buf);
    mum_cab_digest_free(L->digest);
    mum__cab_reblock_free(L->reblock);
    mum_cab_signature_clear(&L->sig);
    for (size_t i = 0; i < L->nframes; i++) {
        dir_frame *f = &L->frames[i];
        for (size_t j = 0; j < f->count; j++)
            mum__free(f->names[j]);
        mum__free(f->names);
        mum__free(f->rel);
    }
    mum__free(L->frames);
    mum__free(L->root);
    mum__free(L->path);
    mum__free(L->name);
    mum__name_set_free(&L->names);
    memset(L, 0, sizeof *L);
    L->fd = -1;
}

static level *push_level(mum_walk *w, const char *path, const char *name)
{
    if (w->nlevels == w->levels_cap)
        return NULL; /* cannot happen: depth is checked against max_depth first */
    level *L = &w->levels[w->nlevels];
    memset(L, 0, sizeof *L);
    L->fd = -1;
    L->w = w;
    L->parent = w->nlevels ? &w->levels[w->nlevels - 1] : NULL;
    L->depth = w->nlevels;
    L->path = mum__strdup(path);
    L->name = mum__strdup(name);
    if (!L->path || !L->name) {
        level_clear(L);
        return NULL;
    }
    w->nlevels++;
    return L;
}

static void pop_level(mum_walk *w)
{
    if (w->nlevels)
        level_clear(&w->levels[--w->nlevels]);
}

static bool looks_like_cabinet_name(const char *name)
{
    return mum__ascii_ends_with_ci(name, ".cab") || mum__ascii_ends_with_ci(name, ".msu");
}

static bool is_mscf(const void *p, size_t n)
{
    return n >= 4 && memcmp(p, "MSCF", 4) == 0;
}

/* Reads the directory rel (under the folder root) into a new frame, sorted. */
static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int push_frame(mum_walk *w, level *L, const char *rel)
{
    char *full = *rel ? mum__asprintf("%s/%s", L->root, rel) : mum__strdup(L->root);
    if (!full)
        return mum__walk_fail(w, MUM_ENOMEM, NULL, "out of memory");
    DIR *d = opendir(full);
    if (!d) {
        int e = errno;
        mum__free(full);
        return mum__walk_fail(w, MUM_EIO, rel, "cannot open the folder: %s", strerror(e));
    }
    mum__free(full);
    if (!mum__grow((void **)&L->frames, &L->frames_cap, L->nframes + 1, sizeof *L->frames)) {
        closedir(d);
        return mum__walk_fail(w, MUM_ENOMEM, NULL, "out of memory");
    }
    dir_frame *f = &L->frames[L->nframes++];
    memset(f, 0, sizeof *f);
    size_t cap = 0;
    int rc = MUM_OK;
    if (!(f->rel = mum__strdup(rel)))
        rc = MUM_ENOMEM;
    struct dirent *de;
    while (rc == MUM_OK && (errno = 0, de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        if (!mum__grow((void **)&f->names, &cap, f->count + 1, sizeof *f->names) ||
            !(f->names[f->count] = mum__strdup(de->d_name))) {
            rc = MUM_ENOMEM;
            break;
        }
        f->count++;
    }
    closedir(d);
    if (rc != MUM_OK)
        return mum__walk_fail(w, rc, rel, "out of memory");
    if (f->count > 1) /* an empty folder has no names: qsort takes no NULL */
        qsort(f->names, f->count, sizeof *f->names, cmp_str);
    return MUM_OK;
}

/* ---- events ---- */

/*
 * The event's path and name go in one buffer the walker keeps: the path
 * (parent, sep and leaf; leaf alone when there is no parent) then the
 * name.  An entry used to cost three allocations (its joined path and two
 * copies) and two frees; the buffer grows only for a longer path.  None of
 * the strings may point into the buffer itself.
 */
static int set_event_joined(mum_walk *w, mum_entry_kind kind, const char *parent, char sep, const char *leaf,
                            const char *name)
{
    size_t plen = parent ? strlen(parent) : 0, llen = strlen(leaf), nlen = strlen(name);
    size_t need = plen + (plen ? 1 : 0) + llen + 1 + nlen + 1;
    if (!mum__grow_from((void **)&w->ev_buf, &w->ev_cap, need, 1, 256))
        return mum__walk_fail(w, MUM_ENOMEM, NULL, "out of memory");
    char *p = w->ev_buf;
    if (plen) {
        memcpy(p, parent, plen);
        p[plen] = sep;
        p += plen + 1;
    }
    memcpy(p, leaf, llen + 1);
    char *n = p + llen + 1;
    memcpy(n, name, nlen + 1);
    memset(&w->ev, 0, sizeof w->ev);
    w->ev.kind = kind;
    w->ev.path = w->ev_buf;
    w->ev.name = n;
    return MUM_OK;
}

static int set_event(mum_walk *w, mum_entry_kind kind, const char *path, const char *name)
{
    return set_event_joined(w, kind, NULL, 0, path, name);
}

static void container_event(mum_walk *w, level *L, mum_entry_kind kind)
{
    w->ev.container = L->type;
    w->ev.depth = L->depth;
    w->ev.index = L->index;
    w->ev.size = L->size;
    w->ev.has_mtime = L->has_mtime;
    w->ev.mtime = L->mtime;
    w->ev.cab = L->type == MUM_CONTAINER_CABINET ? &L->cab : NULL;
    w->ev.signature = kind == MUM_ENTRY_CONTAINER_END && L->have_sig ? &L->sig : NULL;
    w->ev.entry_count = L->entries;
}

/* A name that could write outside an extraction folder, or that hides characters. */
static const char *unsafe_reason(const char *name)
{
    if (name[0] == '/' || name[0] == '\\')
        return "an absolute path";
    if (((name[0] | 0x20) >= 'a' && (name[0] | 0x20) <= 'z') && name[1] == ':')
        return "a drive letter";
    for (const char *p = name; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            return "a control character";
    const char *s = name;
    while (*s) {
        size_t n = strcspn(s, "/\\");
        if (n == 2 && s[0] == '.' && s[1] == '.')
            return "a '..' component";
        s += n;
        if (*s)
            s++;
    }
    return NULL;
}

/* Bookkeeping common to every entry of a container. */
static int account_entry(mum_walk *w, level *L, const char *name, const char *path)
{
    if (++w->total_entries > w->opt.max_entries)
        return mum__walk_fail(w, MUM_ELIMIT, path, "more than %" PRIu64 " entries", w->opt.max_entries);
    if (strlen(path) > MAX_PATH_BYTES)
        return mum__walk_fail(w, MUM_ELIMIT, L->path, "an entry path longer than %zu bytes", MAX_PATH_BYTES);
    L->entries++;
    const char *clash;
    if (!mum__name_set_add(&L->names, name, &clash))
        return mum__walk_fail(w, MUM_ENOMEM, NULL, "out of memory");
    int rc = MUM_OK;
    if (clash && strcmp(clash, name) == 0)
        rc = mum__walk_finding(w, MUM_R_CONTAINER_DUPLICATE_NAME, path,
                               "the name '%s' appears more than once", name);
    else if (clash)
        rc = mum__walk_finding(w, MUM_R_CONTAINER_CASE_DUPLICATE, path,
                               "'%s' and '%s' differ only in case; Windows sees one file", clash, name);
    const char *why;
    if (rc == MUM_OK && L->type == MUM_CONTAINER_CABINET && (why = unsafe_reason(name)))
        rc = mum__walk_finding(w, MUM_R_CONTAINER_UNSAFE_NAME, path, "the name has %s", why);
    if (rc != MUM_OK)
        return mum__walk_fail(w, rc, NULL, "out of memory");
    return MUM_OK;
}

/* The file's data as read so far when deciding whether it is a cabinet. */
static void take_peek(mum_walk *w, unsigned char *buf, size_t len)
{
    mum__free(w->file_peek);
    w->file_peek = buf;
    w->file_peek_len = len;
    w->file_peek_off = 0;
}

/* Reads up to BLOCK bytes of the current cabinet entry into a new buffer. */
static int peek_entry(mum_walk *w, level *L, const char *path, unsigned char **out, size_t *len)
{
    unsigned char *buf = mum__malloc(BLOCK);
    if (!buf)
        return mum__walk_fail(w, MUM_ENOMEM, NULL, "out of memory");
    size_t have = 0;
    w->src_status = MUM_OK;
    while (have < BLOCK) {
        const void *p;
        size_t n;
        la_int64_t off;
        int r = archive_read_data_block(L->a, &p, &n, &off);
        if (r == ARCHIVE_EOF)
            break;
        if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {
            mum__free(buf);
            return mum__walk_archive_fail(w, L->a, path);
        }
        size_t room = BLOCK - have;
        if (n > room) {
            /* keep the overflow too: grow to hold the whole block */
            unsigned char *nb = mum__realloc(buf, have + n);
            if (!nb) {
                mum__free(buf);
                return mum__walk_fail(w, MUM_ENOMEM, NULL, "out of memory");
            }
            buf = nb;
        }
        if (n) /* libarchive may hand over (NULL, 0) */
            memcpy(buf + have, p, n);
        have += n;
    }
    *out = buf;
    *len = have;
    return MUM_OK;
}

static int open_nested_from_parent(mum_walk *w, const char *path, const char *name,
                                   unsigned char *peek, size_t peek_len)
{
    level *L = push_level(w, path, name);
    if (!L) {
        mum__free(peek);
        return mum__walk_fail(w, MUM_ENOMEM, NULL, "out of memory");
    }
    L->peek = peek;
    L->peek_len = peek_len;
    return mum__walk_start_cabinet(w, L, peek, peek_len, peek_len < BLOCK);
}

/*
 * Reads the first block of a cabinet file from its start, with read(2) so
 * that the file offset is left where libarchive takes the file on.  It
 * stops at `size`, the file's size when it was opened: a small file then
 * costs one read, not a second one to learn its end.  -1 on error.
 */
static ssize_t read_head(int fd, unsigned char *buf, uint64_t size)
{
    return mum__read_full(fd, buf, size < BLOCK ? (size_t)size : BLOCK);
}

/*
 * A cabinet level on the file fd, of `size` bytes when opened.  `head`
 * (BLOCK bytes, taken over) holds its first `n` bytes already read, or is
 * NULL.  The first block is handed to libarchive from memory before the
 * rest of the file: each byte is read once.
 */
static int open_cabinet_file(mum_walk *w, const char *path, const char *name, int fd, unsigned char *head,
                             size_t n, uint64_t size)
{
    level *L = push_level(w, path, name);
    if (!L) {
        close(fd);
        mum__free(head);
        return mum__walk_fail(w, MUM_ENOMEM, NULL, "out of memory");
    }
    L->fd = fd;
    L->buf = head;
    if (!L->buf && !(L->buf = mum__malloc(BLOCK)))
        return mum__walk_fail(w, MUM_ENOMEM, NULL, "out of memory");
    if (!head) {
        ssize_t r = read_head(fd, L->buf, size);
        if (r < 0)
            return mum__walk_io_fail(w, path, 0, errno);
        n = (size_t)r;
    }
    /* buf is libarchive's read buffer too: refilled only once it has
     * asked for more, when it no longer holds the head */
    L->peek = L->buf;
    L->peek_len = n;
    L->head_whole = (uint64_t)n == size;
    return mum__walk_start_cabinet(w, L, L->buf, n, L->head_whole);
}

/*
 * Standard input as the input: a stream that is read once, front to back.
 * The first block is read ahead to check the header, then handed to
 * libarchive before the rest, as for a nested cabinet (no temporary copy:
 * the cabinet reader never seeks back).  fd is our own duplicate.
 */
static int open_cabinet_stream(mum_walk *w, const char *name, int fd, unsigned char *head, size_t n)
{
    level *L = push_level(w, "", name);
    if (!L) {
        close(fd);
        mum__free(head);
        return mum__walk_fail(w, MUM_ENOMEM, NULL, "out of memory");
    }
    L->fd = fd;
    L->stream = true;
    L->peek = head;
    L->peek_len = n;
    if (!(L->buf = mum__malloc(BLOCK)))
        return mum__walk_fail(w, MUM_ENOMEM, NULL, "out of memory");
    int rc = mum__walk_start_cabinet(w, L, head, n, n < BLOCK);
    /* the size of a stream is not known before its end: what its header declares */
    if (rc == MUM_OK)
        L->size = mum__walk_expected_end(L);
    return rc;
}

/* mum_walk_open of MUM_INPUT_STDIN. */
static int open_stdin(mum_walk *w, mum_ctx *ctx, const char *input)
{
    mum_location loc = {.input = input};
    int fd = fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 3);
    if (fd < 0)
        return mum__error(ctx, MUM_EIO, &loc, "cannot open: %s", strerror(errno));
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        close(fd);
        return mum__error(ctx, MUM_EFORMAT, &loc, "standard input is a folder");
    }
    unsigned char *head = mum__malloc(BLOCK);
    if (!head) {
        close(fd);
        return mum__nomem(ctx);
    }
    ssize_t n = mum__read_full(fd, head, BLOCK);
    if (n < 0 || !is_mscf(head, (size_t)n)) {
        int e = errno;
        loc.has_offset = true;
        int rc = n < 0 ? mum__error(ctx, MUM_EIO, &loc, "read error: %s", strerror(e))
                       : mum__error(ctx, MUM_EFORMAT, &loc,
                                    "not a cabinet or an .msu (no \"MSCF\" signature)");
        mum__free(head);
        close(fd);
        return rc;
    }
    return open_cabinet_stream(w, input, fd, head, (size_t)n);
}

static int64_t local_as_utc(mum_walk *w, time_t t)
{
    /* libarchive turned the cabinet's local date into a time with mktime();
     * undo that so the stored date and time are reported as written.  The
     * same time as the last entry's gives the same answer, without
     * localtime_r and timegm again (9 K instructions a small package). */
    if (w->utc_known && t == w->utc_from)
        return w->utc_to;
    struct tm tm;
    int64_t utc = localtime_r(&t, &tm) ? (int64_t)timegm(&tm) : (int64_t)t;
    w->utc_known = true;
    w->utc_from = t;
    w->utc_to = utc;
    return utc;
}

/* The next entry of a cabinet level; sets the event.  *done at its end. */
static int next_in_cabinet(mum_walk *w, level *L, bool *done)
{
    struct archive_entry *ae;
    w->src_status = MUM_OK;
    int r = archive_read_next_header(L->a, &ae);
    if (r == ARCHIVE_EOF) {
        *done = true;
        return MUM_OK;
    }
    if (r != ARCHIVE_OK && r != ARCHIVE_WARN)
        return mum__walk_archive_fail(w, L->a, L->path);
    /* Under the walk's UTF-8 locale the name libarchive keeps (converted
     * from the cabinet's charset to the locale's) is UTF-8 already: asking
     * for the UTF-8 form would convert it again, a second iconv pass over
     * every name on the decoding thread. */
    const char *name = utf8_loc ? archive_entry_pathname(ae) : NULL;
    if (!name)
        name = archive_entry_pathname_utf8(ae);
    if (!name)
        name = archive_entry_pathname(ae);
    if (!name || !*name)
        name = "(unnamed)";
    /* the event first: its path is the entry's, for the accounting's findings */
    int rc = set_event_joined(w, MUM_ENTRY_FILE, L->path, '!', name, name);
    if (rc == MUM_OK)
        rc = account_entry(w, L, name, w->ev.path);
    if (rc != MUM_OK)
        return rc;
    mum_entry *e = &w->ev;
    e->depth = L->depth + 1;
    e->index = L->entries - 1;
    e->size = archive_entry_size_is_set(ae) ? (uint64_t)archive_entry_size(ae) : 0;
    e->has_mtime = archive_entry_mtime_is_set(ae) != 0;
    e->mtime = e->has_mtime ? local_as_utc(w, archive_entry_mtime(ae)) : 0;
    w->file_level = L;
    w->file_eof = false;
    w->file_offset = 0;
    take_peek(w, NULL, 0);

    if ((w->opt.flags & MUM_WALK_DESCEND) && looks_like_cabinet_name(name)) {
        unsigned char *peek = NULL;
        size_t len = 0;
        if ((rc = peek_entry(w, L, e->path, &peek, &len)) != MUM_OK) {
            if (rc == MUM_ENOMEM)
                return rc;
            /* The file table named this entry; its data is where the
             * cabinet is damaged.  Deliver the entry (as a file: whether it
             * is a cabinet cannot be told) and the failure right after, so
             * that a listing shows everything before the damage. */
            w->fail_pending = true;
            w->state = ST_READY;
            return MUM_OK;
        }
        if (is_mscf(peek, len)) {
            if (e->depth > w->opt.max_depth) {
                rc = mum__walk_finding(w, MUM_R_CONTAINER_TOO_DEEP, e->path,
                                       "a cabinet nested %u deep is not opened (limit %u)",
                                       (unsigned)e->depth, (unsigned)w->opt.max_depth);
                if (rc != MUM_OK) {
                    mum__free(peek);
                    return mum__walk_fail(w, rc, NULL, "out of memory");
                }
            } else {
                uint64_t index = e->index, size = e->size;
                bool has_mtime = e->has_mtime;
                int64_t mtime = e->mtime;
                if ((rc = open_nested_from_parent(w, e->path, name, peek, len)) != MUM_OK)
                    return rc;
                level *N = &w->levels[w->nlevels - 1];
                N->index = index;
                N->size = size;
                N->has_mtime = has_mtime;
                N->mtime = mtime;
                e->kind = MUM_ENTRY_CONTAINER;
                container_event(w, N, MUM_ENTRY_CONTAINER);
                w->file_level = NULL;
                return MUM_OK;
            }
        }
        take_peek(w, peek, len);
    }
    return MUM_OK;
}

/* The next entry of a folder level; sets the event.  *done at its end. */
static int next_in_folder(mum_walk *w, level *L, bool *done)
{
    while (L->nframes) {
        dir_frame *f = &L->frames[L->nframes - 1];
        if (f->next == f->count) {
            for (size_t j = 0; j < f->count; j++)
                mum__free(f->names[j]);
            mum__free(f->names);
            mum__free(f->rel);
            L->nframes--;
            continue;
        }
        const char *leaf = f->names[f->next++];
        char *rel = join_path(f->rel, leaf, '/');
        char *full = rel ? mum__asprintf("%s/%s", L->root, rel) : NULL;
        if (!full) {
            mum__free(rel);
            return mum__walk_fail(w, MUM_ENOMEM, NULL, "out of memory");
        }
        struct stat st;
        int rc = MUM_OK;
        if (lstat(full, &st) != 0) {
            rc = mum__walk_fail(w, MUM_EIO, rel, "cannot read: %s", strerror(errno));
        } else if (S_ISDIR(st.st_mode)) {
            if (L->nframes >= MAX_FOLDER_DEPTH)
                rc = mum__walk_finding(w, MUM_R_CONTAINER_TOO_DEEP, rel,
                                       "folders nested deeper than %d are not read", MAX_FOLDER_DEPTH);
            else
                rc = push_frame(w, L, rel);
            if (rc != MUM_OK && w->state != ST_FAILED)
                rc = mum__walk_fail(w, rc, NULL, "out of memory");
        } else if (!S_ISREG(st.st_mode)) {
            rc = mum__walk_finding(w, MUM_R_CONTAINER_NOT_REGULAR, rel, "%s skipped",
                                   S_ISLNK(st.st_mode) ? "a symbolic link" : "a special file");
            if (rc != MUM_OK)
                rc = mum__walk_fail(w, rc, NULL, "out of memory");
        } else {
            rc = account_entry(w, L, rel, rel);
            if (rc == MUM_OK)
                rc = set_event(w, MUM_ENTRY_FILE, rel, rel);
            if (rc == MUM_OK) {
                mum_entry *e = &w->ev;
                e->depth = L->depth + 1;
                e->index = L->entries - 1;
                e->size = (uint64_t)st.st_size;
                e->has_mtime = true;
                e->mtime = (int64_t)st.st_mtime;
                rc = MUM_OK;
                int fd = open(full, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
                if (fd < 0) {
                    rc = mum__walk_fail(w, MUM_EIO, rel, "cannot open: %s", strerror(errno));
                } else {
                    unsigned char magic[4];
                    ssize_t got = 0;
                    if ((w->opt.flags & MUM_WALK_DESCEND) && looks_like_cabinet_name(leaf) &&
                        (got = mum__pread_full(fd, magic, 4, 0)) < 0)
                        rc = mum__walk_io_fail(w, rel, 0, errno);
                    bool cab = got == 4 && is_mscf(magic, 4);
                    if (cab && e->depth > w->opt.max_depth) {
                        cab = false;
                        if (mum__walk_finding(w, MUM_R_CONTAINER_TOO_DEEP, rel,
                                              "a cabinet nested %u deep is not opened (limit %u)",
                                              (unsigned)e->depth, (unsigned)w->opt.max_depth) != MUM_OK)
                            rc = mum__walk_fail(w, MUM_ENOMEM, NULL, "out of memory");
                    }
                    if (rc != MUM_OK) {
                        close(fd);
                    } else if (cab) {
                        uint64_t index = e->index, size = e->size;
                        int64_t mtime = e->mtime;
                        rc = open_cabinet_file(w, rel, rel, fd, NULL, 0, (uint64_t)st.st_size);
                        if (rc == MUM_OK) {
                            level *N = &w->levels[w->nlevels - 1];
                            N->index = index;
                            N->size = size;
                            N->has_mtime = true;
                            N->mtime = mtime;
                            w->ev.kind = MUM_ENTRY_CONTAINER;
                            container_event(w, N, MUM_ENTRY_CONTAINER);
                        }
                    } else {
                        w->file_level = L;
                        w->file_fd = fd;
                        w->file_eof = false;
                        w->file_offset = 0;
                        take_peek(w, NULL, 0);
                    }
                }
            }
            mum__free(full);
            mum__free(rel);
            return rc;
        }
        mum__free(full);
        mum__free(rel);
        if (rc != MUM_OK)
            return rc;
    }
    *done = true;
    return MUM_OK;
}

/* A container is done: read the rest of a cabinet, finish its digest, emit the end. */
static int end_container(mum_walk *w, level *L)
{
    int rc = set_event(w, MUM_ENTRY_CONTAINER_END, L->path, L->name);
    if (rc != MUM_OK)
        return rc;
    if (L->type == MUM_CONTAINER_CABINET) {
        /* The size the cabinet really has: read to its end when it is
         * digested or nested (the rest of a nested one is at most its
         * signature and padding), else the file's. */
        uint64_t size = 0;
        struct stat st;
        if (L->digest || L->fd < 0 || L->stream) {
            if ((rc = mum__walk_drain(L)) != MUM_OK)
                return rc;
            size = L->consumed;
        } else if (fstat(L->fd, &st) == 0 && S_ISREG(st.st_mode)) {
            size = (uint64_t)st.st_size;
        } else {
            size = UINT64_MAX; /* not a regular file: only its reads can tell */
        }
        if (size < mum__walk_expected_end(L))
            return mum__walk_truncated_at(w, L, size);
    }
    if (L->type == MUM_CONTAINER_CABINET && L->digest) {
        mum_location loc = mum__walk_entry_loc(w, L->path);
        rc = mum_cab_digest_finish(&L->sig, L->digest, w->ctx, &loc, w->findings);
        if (rc != MUM_OK) {
            w->state = ST_FAILED;
            return w->status = rc;
        }
        L->have_sig = true;
    }
    container_event(w, L, MUM_ENTRY_CONTAINER_END);
    w->pop_pending = true;
    return MUM_OK;
}

static void close_file(mum_walk *w)
{
    w->dig_on = false;
    if (w->file_fd >= 0) {
        close(w->file_fd);
        w->file_fd = -1;
    }
    take_peek(w, NULL, 0);
    w->file_level = NULL;
}

/* ---- file digests (MUM_WALK_FILE_DIGESTS) ---- */

int mum__file_digests_start(mum__digest_set *set, bool *dirty, unsigned want)
{
    int rc = MUM_OK;
    if (!set->want)
        rc = mum__digest_set_init(set, want);
    else if (*dirty) /* the last file was not read to the end: start over */
        rc = mum__digest_set_restart(set);
    *dirty = false;
    return rc == MUM_OK || rc == MUM_ENOMEM ? rc : MUM_ECRYPTO;
}

int mum__file_digests_final(mum__digest_set *set, mum_file_digests *d)
{
    d->sha1_valid = mum__digest_set_has(set, MUM_HASH_SHA1);
    if ((d->sha1_valid && mum__digest_set_final(set, MUM_HASH_SHA1, d->sha1) != MUM_OK) ||
        mum__digest_set_final(set, MUM_HASH_SHA256, d->sha256) != MUM_OK)
        return MUM_ECRYPTO;
    return MUM_OK;
}

static int digest_start(mum_walk *w)
{
    int rc = mum__file_digests_start(&w->dig_set, &w->dig_dirty,
                                     MUM_DIGEST_SHA256 | (w->opt.flags & MUM_WALK_FILE_NO_SHA1 ? 0 : MUM_DIGEST_SHA1));
    if (rc != MUM_OK)
        return mum__walk_fail(w, rc, w->ev.path, "%s",
                              rc == MUM_ENOMEM ? "out of memory" : "the digest could not be computed");
    w->dig_dirty = true;
    w->dig_on = true;
    return MUM_OK;
}

static int digest_update(mum_walk *w, const void *data, size_t size)
{
    if (mum__digest_set_update(&w->dig_set, data, size) != MUM_OK)
        return mum__walk_fail(w, MUM_ECRYPTO, w->ev.path, "the digest could not be computed");
    return MUM_OK;
}

static int digest_finish(mum_walk *w)
{
    w->dig_on = false;
    w->dig_dirty = false;
    if (mum__file_digests_final(&w->dig_set, &w->dig) != MUM_OK)
        return mum__walk_fail(w, MUM_ECRYPTO, w->ev.path, "the digest could not be computed");
    w->ev.digests = &w->dig;
    return MUM_OK;
}

/* ---- public: pull ---- */

static int check_options(mum_ctx *ctx, const mum_walk_options *o)
{
    if (o->version != MUM_WALK_OPTIONS_VERSION)
        return mum__error(ctx, MUM_EINVAL, NULL, "walk options: unknown version %u", o->version);
    if (o->max_depth > MAX_DEPTH_LIMIT)
        return mum__error(ctx, MUM_EINVAL, NULL, "walk options: max_depth above %d", MAX_DEPTH_LIMIT);
    if (o->queue_blocks < 4 || o->queue_blocks > 4096)
        return mum__error(ctx, MUM_EINVAL, NULL, "walk options: queue_blocks outside 4..4096");
    return MUM_OK;
}

/*
 * The input, a regular file of `size` bytes (under a block) when its caller
 * looked: opened and read with one read of a byte more, without a stat of
 * its own.  The caller's stat is trusted only as far as that read confirms
 * it: exactly `size` bytes, the end of the file behind them, and a
 * cabinet's magic.  Anything else (the file changed since, a folder now,
 * could not be opened, a short read) leaves *done false and nothing
 * opened: the caller opens the input as without a size (a stat, then the
 * file), as if this had not run.  A read error is the input's, as there.
 */
static int open_known_size(mum_walk *w, mum_ctx *ctx, const char *input, uint64_t size, bool *done)
{
    *done = false;
    int fd = open(input, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return MUM_OK;
    unsigned char *head = mum__malloc(BLOCK);
    if (!head) {
        close(fd);
        *done = true;
        return mum__nomem(ctx);
    }
    ssize_t n = mum__read(fd, head, (size_t)size + 1);
    if (n < 0 && errno != EISDIR) {
        int err = errno;
        mum_location loc = {.input = input, .has_offset = true};
        close(fd);
        mum__free(head);
        *done = true;
        return mum__error(ctx, MUM_EIO, &loc, "read error: %s", strerror(err));
    }
    if (n < 0 || (uint64_t)n != size || !is_mscf(head, (size_t)n)) {
        close(fd);
        mum__free(head);
        return MUM_OK;
    }
    *done = true;
    int rc = open_cabinet_file(w, "", input, fd, head, (size_t)n, size);
    if (rc == MUM_OK)
        w->levels[0].size = size;
    return rc;
}

int mum__walk_open(mum_walk **out, mum_ctx *ctx, const char *input, const mum_walk_options *opts,
                    mum_findings *findings, bool threads, uint64_t known_size)
{
    static const mum_walk_options defaults = MUM_WALK_OPTIONS_INIT;
    if (!out || !input)
        return mum__error(ctx, MUM_EINVAL, NULL, "mum_walk_open: no input");
    *out = NULL;
    const mum_walk_options *o = opts ? opts : &defaults;
    int rc = check_options(ctx, o);
    if (rc != MUM_OK)
        return rc;
    mum_walk *w = mum__calloc(1, sizeof *w);
    if (!w)
        return mum__nomem(ctx);
    w->threads = threads && !(o->flags & MUM_WALK_SINGLE_THREAD);
    w->ctx = ctx;
    w->findings = findings;
    w->opt = *o;
    w->file_fd = -1;
    w->levels_cap = o->max_depth + 2;
    /* not zeroed: push_level clears each level as it is taken, and only
     * levels below nlevels are read.  Zeroing the whole stack (10 KiB for
     * the default depth) cost a small cabinet more than its own levels. */
    w->levels = mum__reallocarray(NULL, w->levels_cap, sizeof *w->levels);
    w->input = mum__strdup(input);
    if (!w->levels || !w->input) {
        mum_walk_free(w);
        return mum__nomem(ctx);
    }
    mum_location loc = {.input = input};
    struct stat st;
    bool done = false;
    if (known_size < BLOCK && strcmp(input, MUM_INPUT_STDIN) != 0)
        rc = open_known_size(w, ctx, input, known_size, &done);
    if (done) {
        /* opened with the caller's size, or failed there */
    } else if (strcmp(input, MUM_INPUT_STDIN) == 0) {
        rc = open_stdin(w, ctx, input);
    } else if (stat(input, &st) != 0) {
        rc = mum__error(ctx, MUM_EIO, &loc, "cannot open: %s", strerror(errno));
    } else if (S_ISDIR(st.st_mode)) {
        level *L = push_level(w, "", input);
        if (!L) {
            rc = mum__nomem(ctx);
        } else {
            L->type = MUM_CONTAINER_FOLDER;
            if (!(L->root = mum__strdup(input)))
                rc = mum__nomem(ctx);
            else
                rc = push_frame(w, L, "");
        }
    } else {
        /* the first block (all of a small file) read once: its magic is
         * checked here, then libarchive takes it from memory.  What is not
         * a regular file has no size to stop at, and its magic is read
         * with pread first, as before: a pipe is refused as it was. */
        bool regular = S_ISREG(st.st_mode);
        uint64_t size = regular ? (uint64_t)st.st_size : UINT64_MAX;
        int fd = open(input, O_RDONLY | O_CLOEXEC);
        unsigned char *head = fd >= 0 ? mum__malloc(BLOCK) : NULL;
        unsigned char magic[4];
        ssize_t n = head && (regular || mum__pread_full(fd, magic, 4, 0) >= 0) ? read_head(fd, head, size) : -1;
        int err = errno;
        if (fd < 0) {
            rc = mum__error(ctx, MUM_EIO, &loc, "cannot open: %s", strerror(err));
        } else if (!head) {
            rc = mum__nomem(ctx);
            close(fd);
        } else if (n < 0) {
            loc.has_offset = true;
            rc = mum__error(ctx, MUM_EIO, &loc, "read error: %s", strerror(err));
            close(fd);
            mum__free(head);
        } else if (!is_mscf(head, (size_t)n)) {
            loc.has_offset = true;
            rc = mum__error(ctx, MUM_EFORMAT, &loc,
                            "not a cabinet, an .msu or a folder (no \"MSCF\" signature)");
            close(fd);
            mum__free(head);
        } else {
            rc = open_cabinet_file(w, "", input, fd, head, (size_t)n, size);
            if (rc == MUM_OK)
                w->levels[0].size = (uint64_t)st.st_size;
        }
    }
    if (rc != MUM_OK) {
        mum_walk_free(w);
        return rc;
    }
    w->state = ST_START;
    *out = w;
    return MUM_OK;
}

void mum_walk_free(mum_walk *w)
{
    if (!w)
        return;
    locale_t old = mum__walk_enter_utf8();
    close_file(w);
    while (w->nlevels)
        pop_level(w);
    mum__free(w->levels);
    mum__free(w->input);
    mum__free(w->ev_buf);
    mum__free(w->file_buf);
    mum__digest_set_clear(&w->dig_set);
    mum__free(w);
    mum__walk_leave_utf8(old);
}

static int walk_next(mum_walk *w, const mum_entry **out)
{
    *out = NULL;
    if (w->fail_pending) {
        w->fail_pending = false;
        w->state = ST_FAILED;
    }
    if (w->state == ST_FAILED)
        return w->status;
    if (w->state == ST_DONE)
        return MUM_OK;
    close_file(w);
    if (w->pop_pending) {
        w->pop_pending = false;
        pop_level(w);
        if (w->nlevels == 0) {
            w->state = ST_DONE;
            return MUM_OK;
        }
    }
    int rc;
    if (w->state == ST_START) {
        level *L = &w->levels[0];
        if ((rc = set_event(w, MUM_ENTRY_CONTAINER, "", L->name)) != MUM_OK)
            return rc;
        container_event(w, L, MUM_ENTRY_CONTAINER);
        w->state = ST_READY;
        *out = &w->ev;
        return MUM_OK;
    }
    level *L = &w->levels[w->nlevels - 1];
    bool done = false;
    rc = L->type == MUM_CONTAINER_FOLDER ? next_in_folder(w, L, &done) : next_in_cabinet(w, L, &done);
    if (rc == MUM_OK && done)
        rc = end_container(w, L);
    if (rc != MUM_OK)
        return rc;
    w->state = w->ev.kind == MUM_ENTRY_FILE ? ST_FILE : ST_READY;
    if (w->state == ST_FILE && (w->opt.flags & MUM_WALK_FILE_DIGESTS) && (rc = digest_start(w)) != MUM_OK)
        return rc;
    *out = &w->ev;
    return MUM_OK;
}

static int read_block(mum_walk *w, const void **data, size_t *size)
{
    *data = NULL;
    *size = 0;
    if (w->fail_pending) {
        w->fail_pending = false;
        w->state = ST_FAILED;
    }
    if (w->state == ST_FAILED)
        return w->status;
    if (w->state != ST_FILE || !w->file_level)
        return mum__error(w->ctx, MUM_EINVAL, NULL, "mum_walk_read: the current event is not a file");
    if (w->file_eof)
        return MUM_OK;
    if (w->file_peek_off < w->file_peek_len) {
        *data = w->file_peek + w->file_peek_off;
        *size = w->file_peek_len - w->file_peek_off;
        w->file_peek_off = w->file_peek_len;
        w->file_offset += *size;
        return MUM_OK;
    }
    level *L = w->file_level;
    if (L->type == MUM_CONTAINER_FOLDER) {
        if (!w->file_buf && !(w->file_buf = mum__malloc(BLOCK)))
            return mum__walk_fail(w, MUM_ENOMEM, NULL, "out of memory");
        ssize_t n = mum__read(w->file_fd, w->file_buf, BLOCK);
        if (n < 0)
            return mum__walk_io_fail(w, w->ev.path, w->file_offset, errno);
        if (n == 0)
            w->file_eof = true;
        *data = w->file_buf;
        *size = (size_t)n;
        w->file_offset += (size_t)n;
        return MUM_OK;
    }
    const void *p;
    size_t n;
    la_int64_t off;
    w->src_status = MUM_OK;
    int r = archive_read_data_block(L->a, &p, &n, &off);
    if (r == ARCHIVE_EOF) {
        w->file_eof = true;
        return MUM_OK;
    }
    if (r != ARCHIVE_OK && r != ARCHIVE_WARN)
        return mum__walk_archive_fail(w, L->a, w->ev.path);
    if (off < 0 || (uint64_t)off != w->file_offset)
        return mum__walk_fail(w, MUM_EFORMAT, w->ev.path, "the entry's data has a hole at offset %" PRIu64,
                              w->file_offset);
    *data = p;
    *size = n;
    w->file_offset += n;
    return MUM_OK;
}

static int walk_read(mum_walk *w, const void **data, size_t *size)
{
    int rc = read_block(w, data, size);
    if (rc != MUM_OK || !w->dig_on)
        return rc;
    return *size ? digest_update(w, *data, *size) : digest_finish(w);
}

int mum_walk_open(mum_walk **out, mum_ctx *ctx, const char *input, const mum_walk_options *opts,
                  mum_findings *findings)
{
    locale_t old = mum__walk_enter_utf8();
    int rc = mum__walk_open(out, ctx, input, opts, findings, false, MUM__WALK_SIZE_UNKNOWN);
    mum__walk_leave_utf8(old);
    return rc;
}

int mum_walk_next(const mum_entry **out, mum_walk *w)
{
    locale_t old = mum__walk_enter_utf8();
    int rc = walk_next(w, out);
    mum__walk_leave_utf8(old);
    return rc;
}

int mum_walk_read(mum_walk *w, const void **data, size_t *size)
{
    locale_t old = mum__walk_enter_utf8();
    int rc = walk_read(w, data, size);
    mum__walk_leave_utf8(old);
    return rc;
}
