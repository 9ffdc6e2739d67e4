/*
 * walk_internal.h - what the parts of the container walk share: the
 * walker and its stack of levels (container.c), and what the two-thread
 * pipeline of mum_walk_run (walk_run.c) needs of them.
 */
#ifndef MUM_WALK_INTERNAL_H
#define MUM_WALK_INTERNAL_H

#include "digest.h"
#include "internal.h"

#include <mum/cab.h>
#include <mum/container.h>

#include <locale.h>
#include <time.h>

/*
 * The names seen in one container, for the duplicate and case-duplicate
 * checks, kept until it closes: a cabinet may hold tens of thousands of
 * entries of ~100 bytes, so each name is only a hash of its folded form
 * with the index of the name, and the names themselves are packed one
 * after another, each sharing its prefix with the one before (entries
 * come sorted or grouped by component: a name costs a few bytes).  On a
 * hash match the earlier name is unpacked and compared for real.
 */
typedef struct name_slot {
    uint64_t hash;   /* of the folded name */
    uint32_t index;  /* of the name, + 1; 0: free */
} name_slot;

typedef struct name_set {
    name_slot *slots;
    size_t cap, count;        /* slots (a power of two) and names */
    unsigned char *pool;      /* the names: shared prefix length, suffix
                               * length (both varints), suffix bytes */
    size_t pool_len, pool_cap;
    size_t *restarts;         /* pool offset of every MUM_NAME_RESTART-th name, which
                               * shares nothing with the one before */
    size_t restart_cap;
    mum_sbuf last;            /* the name added last */
    mum_sbuf found;           /* an earlier name unpacked */
    uint64_t (*hash)(const char *folded); /* NULL: the set's own (tests force clashes) */
} name_set;

#define MUM_NAME_RESTART 16

/* Adds a name; *clash is the name already there that folds the same (NULL
 * if none), valid until the next call.  Returns false on ENOMEM. */
MUM_INTERNAL bool mum__name_set_add(name_set *s, const char *name, const char **clash);
MUM_INTERNAL void mum__name_set_free(name_set *s);

typedef struct dir_frame {
    char *rel;        /* path from the folder input ("" at its top) */
    char **names;
    size_t count, next;
} dir_frame;

typedef struct level level;

struct level {
    mum_walk *w;
    level *parent;
    mum_container_type type;
    char *path;              /* nested path of the container */
    char *name;              /* its name in its parent (the input's path at depth 0) */
    uint32_t depth;
    uint64_t index, size;    /* the container's own entry */
    bool has_mtime;
    int64_t mtime;
    uint64_t entries;
    name_set names;

    /* cabinet */
    struct archive *a;
    int fd;                  /* the file this level reads; -1: the parent entry */
    bool stream;             /* fd is standard input: no pread, no seek, no size */
    unsigned char *buf;      /* read buffer for fd */
    unsigned char *peek;     /* bytes taken from the parent before libarchive started
                              * (a file's first block: buf itself) */
    size_t peek_len, peek_off;
    bool head_whole;         /* a file's first block is all of it (its size when opened) */
    mum_cab_digest *digest;
    mum_cab_header cab;
    mum_cab_signature sig;
    bool have_sig;
    uint64_t consumed;       /* bytes taken from the source (read or skipped) */
    bool source_end;         /* the source gave its end of data */
    uint32_t stored_reads;   /* CFDATA headers read to locate nested cabinets (walk_cab.c) */
    struct cab_reblock *reblock; /* small stored blocks regrouped for libarchive (cab_reblock.c) */

    /* folder */
    char *root;
    dir_frame *frames;
    size_t nframes, frames_cap;
};

enum walk_state { ST_START, ST_READY, ST_FILE, ST_DONE, ST_FAILED };

struct mum_walk {
    mum_ctx *ctx;
    mum_findings *findings;
    mum_walk_options opt;
    char *input;
    level *levels;
    uint32_t nlevels, levels_cap;
    enum walk_state state;
    int status;
    bool pop_pending;        /* the last event was a CONTAINER_END: drop that level next */
    uint64_t total_entries;

    mum_entry ev;
    char *ev_buf;            /* the event's path then its name (set_event) */
    size_t ev_cap;

    /* the current file */
    level *file_level;
    int file_fd;
    bool file_eof;
    unsigned char *file_buf;
    unsigned char *file_peek;  /* data read while deciding it was not a cabinet */
    size_t file_peek_len, file_peek_off;
    uint64_t file_offset;
    /* the last entry time undone from the local zone (local_as_utc): the
     * entries of a cabinet mostly share one */
    bool utc_known;
    time_t utc_from;
    int64_t utc_to;

    /* a failure of a level's source, seen inside a libarchive callback */
    int src_status;
    /* the current entry is delivered although reading its data failed (see
     * next_in_cabinet): the next call returns w->status, already recorded */
    bool fail_pending;

    /* MUM_WALK_FILE_DIGESTS: the current file's digests, as it is read */
    mum__digest_set dig_set;    /* SHA-256, and SHA-1 without MUM_WALK_FILE_NO_SHA1 */
    bool threads;               /* mum_walk_run without MUM_WALK_SINGLE_THREAD */
    bool dig_on;                /* the current file is being digested */
    bool dig_dirty;             /* the hashers hold a file not read to the end */
    mum_file_digests dig;
};

/*
 * A file's digests, one file after another in one set (MUM_WALK_FILE_DIGESTS):
 * the walker's (container.c), or the hashing stage's (walk_run.c).  start
 * readies the set for a new file (`want`: MUM_DIGEST_*), made the first
 * time, started over when *dirty (it holds bytes of a file whose end did
 * not come; cleared).  Errors: MUM_ENOMEM, MUM_ECRYPTO.  final gives the
 * digests of the bytes given since.  Errors: MUM_ECRYPTO.
 */
MUM_INTERNAL int mum__file_digests_start(mum__digest_set *set, bool *dirty, unsigned want);
MUM_INTERNAL int mum__file_digests_final(mum__digest_set *set, mum_file_digests *d);

/*
 * libarchive converts names to the calling thread's locale: every call into
 * the walk runs between these two, with a UTF-8 LC_CTYPE for this thread
 * only.  enter returns what leave restores ((locale_t)0: nothing).
 */
MUM_INTERNAL locale_t mum__walk_enter_utf8(void);
MUM_INTERNAL void mum__walk_leave_utf8(locale_t old);
/*
 * mum_walk_run, for a caller that has just looked at the input (a stat):
 * `size` is its size if it is a regular file, else MUM__WALK_SIZE_UNKNOWN.
 * A file under a block is then opened without a stat of the walk's own
 * (one system call less a small package); the size is checked against the
 * file as it is read, and the input opened as without it when they differ.
 */
#define MUM__WALK_SIZE_UNKNOWN UINT64_MAX
MUM_INTERNAL int mum__walk_run(mum_ctx *ctx, const char *input, uint64_t size, const mum_walk_options *opts,
                               const mum_walk_consumer *consumer, void *ud, mum_findings *findings);

/* mum_walk_open; threads: for mum_walk_run without MUM_WALK_SINGLE_THREAD;
 * known_size: mum__walk_run's size (MUM__WALK_SIZE_UNKNOWN: none).
 * Call it between mum__walk_enter_utf8 and mum__walk_leave_utf8. */
MUM_INTERNAL int mum__walk_open(mum_walk **out, mum_ctx *ctx, const char *input,
                                const mum_walk_options *opts, mum_findings *findings, bool threads,
                                uint64_t known_size);

/* container.c: failures and findings of the walk, located in an entry
 * ("" or NULL: the input itself).  walk_fail and io_fail put the walk in
 * ST_FAILED and return the status recorded on w->ctx. */
MUM_INTERNAL mum_location mum__walk_entry_loc(const mum_walk *w, const char *entry);
MUM_INTERNAL int mum__walk_fail(mum_walk *w, int status, const char *entry, const char *fmt, ...)
    MUM_PRINTF(4, 5);
MUM_INTERNAL int mum__walk_finding(mum_walk *w, mum_rule_id rule, const char *entry, const char *fmt, ...)
    MUM_PRINTF(4, 5);
MUM_INTERNAL int mum__walk_io_fail(mum_walk *w, const char *entry, uint64_t offset, int err);

/*
 * cab.c: with MUM_CAB_DIGEST_THREAD, a block of MUM_WALK_BLOCK_SIZE bytes to
 * read the cabinet's next bytes into (NULL: the digest has no thread; give
 * the bytes to mum_cab_digest_update).  commit hands the `size` bytes read
 * into it to the hashing thread, without a copy; the block is not written
 * again before the reader has asked for 31 more blocks.
 * Nothing else may be given to the digest between the two.  commit cannot
 * fail: the hashing thread's failures come out of mum_cab_digest_finish.
 */
MUM_INTERNAL unsigned char *mum__cab_digest_lend(mum_cab_digest *d);
MUM_INTERNAL int mum__cab_digest_commit(mum_cab_digest *d, size_t size);

/* walk_cab.c: a cabinet level.  start_cabinet checks its header (`head`:
 * the first head_len bytes; complete: all there are) and starts libarchive
 * on it; drain reads the rest of its source; expected_end is where its
 * bytes must reach, truncated_at the error when they stop at `size`;
 * archive_fail records libarchive's failure (or the truncation behind it). */
MUM_INTERNAL int mum__walk_start_cabinet(mum_walk *w, level *L, const unsigned char *head,
                                         size_t head_len, bool complete);
MUM_INTERNAL int mum__walk_drain(level *L);
MUM_INTERNAL uint64_t mum__walk_expected_end(const level *L);
MUM_INTERNAL int mum__walk_truncated_at(mum_walk *w, level *L, uint64_t size);
MUM_INTERNAL int mum__walk_archive_fail(mum_walk *w, struct archive *a, const char *entry);

/* cab_reblock.c: a cabinet's stored CFDATA blocks regrouped into 32 KiB
 * ones, which libarchive needs.  new gives NULL when none needs it; feed
 * takes the cabinet's bytes in order (n 0 at their end) and gives what
 * libarchive is to read instead, valid until the next call. */
typedef struct cab_reblock cab_reblock;
MUM_INTERNAL int mum__cab_reblock_new(cab_reblock **out, const mum_cab_header *h, const unsigned char *head,
                                      size_t len);
MUM_INTERNAL int mum__cab_reblock_feed(cab_reblock *r, const unsigned char *p, size_t n,
                                       const unsigned char **out, size_t *out_len);
/* Nothing more to change: the rest of the bytes can go to libarchive as they are. */
MUM_INTERNAL bool mum__cab_reblock_done(const cab_reblock *r);
MUM_INTERNAL void mum__cab_reblock_free(cab_reblock *r);

#endif
