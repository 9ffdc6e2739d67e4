/*
 * mum/container.h - open an input (an .msu, a .cab, or a folder of
 * extracted files) and walk its entries, descending into nested cabinets
 * (an .msu's update cabinet, the cabinets of a folder), while streaming:
 * nothing is extracted to disk and no entry is held in memory whole.
 *
 * Entries have a nested path: the names of the containers and of the entry
 * joined with '!' ("Windows6.1-KB2465285-x64.cab!update.mum"); inside one
 * container, folders are separated by '/' (a cabinet's backslashes are
 * converted).  The input itself is the container of depth 0 and path "".
 *
 * Two ways to walk:
 *  - pull: mum_walk_open, then mum_walk_next / mum_walk_read in a loop, on
 *    one thread;
 *  - pipelined: mum_walk_run decodes on a second thread and hands copied
 *    64 KiB blocks through a bounded queue to callbacks that run on the
 *    caller's thread, so decoding and what the caller does with the data
 *    (hashing, parsing) overlap on two cores.
 * Both deliver the same events in the same order.
 *
 * Nested cabinets are read straight from their parent entry's stream.  The
 * cabinet reader never seeks backwards: it rejects a cabinet whose data lies
 * before its file table even from a seekable file (so does cabextract; see
 * tests/fixtures/containers/reordered.cab), so a temporary copy of a nested
 * cabinet would make nothing readable that the stream does not, and none is
 * made.
 */
#ifndef MUM_CONTAINER_H
#define MUM_CONTAINER_H

#include <mum/cab.h>
#include <mum/common.h>
#include <mum/hash.h>

#ifdef __cplusplus
extern "C" {
#endif

/* What an event is about. */
typedef enum mum_entry_kind {
    MUM_ENTRY_FILE = 0,          /* a file: its data can be read */
    MUM_ENTRY_CONTAINER = 1,     /* a container opens; its entries follow */
    MUM_ENTRY_CONTAINER_END = 2  /* the container is done (signature, digests) */
} mum_entry_kind;

typedef enum mum_container_type {
    MUM_CONTAINER_NONE = 0,
    MUM_CONTAINER_CABINET = 1,   /* a .cab or .msu (both are cabinets) */
    MUM_CONTAINER_FOLDER = 2     /* a folder given as the input */
} mum_container_type;

/*
 * The digests of a file's data, computed by the walk with
 * MUM_WALK_FILE_DIGESTS (in mum_walk_run, on a thread of their own, from
 * the blocks the decoding thread hands over).
 */
typedef struct mum_file_digests {
    bool sha1_valid;            /* false with MUM_WALK_FILE_NO_SHA1 */
    uint8_t sha1[20];
    uint8_t sha256[32];
} mum_file_digests;

/*
 * One event of a walk.  All pointers are borrowed: valid until the next
 * mum_walk_next (pull) or until the callback returns (pipelined).
 */
typedef struct mum_entry {
    mum_entry_kind kind;
    mum_container_type container;      /* CONTAINER / CONTAINER_END: which kind */
    const char *path;                  /* nested path; "" for the input itself */
    const char *name;                  /* the name inside its container */
    uint32_t depth;                    /* 0: the input; 1: its entries; ... */
    uint64_t size;                     /* bytes of data (a container: its own size) */
    bool has_mtime;
    int64_t mtime;                     /* seconds since 1970 (a cabinet's local time as UTC) */
    uint64_t index;                    /* position among the entries of its container */
    /* A cabinet's CONTAINER and CONTAINER_END events: */
    const mum_cab_header *cab;
    /* CONTAINER_END with MUM_WALK_SIGNATURES or MUM_WALK_CONTAINER_SHA256: */
    const mum_cab_signature *signature;
    uint64_t entry_count;              /* CONTAINER_END: entries directly inside */
    /* FILE with MUM_WALK_FILE_DIGESTS, once its data has been read to the
     * end (pull: after mum_walk_read gave *size 0; pipelined: in entry_end);
     * NULL before and when the data was not read. */
    const mum_file_digests *digests;
    /* FILE in mum_walk_run: what the consumer's `prepare` made of it on the
     * decoding thread, or NULL (see mum_walk_consumer). */
    void *prepared;
} mum_entry;

/* Walk flags. */
#define MUM_WALK_DESCEND 0x01u          /* open nested cabinets (default) */
#define MUM_WALK_SIGNATURES 0x02u       /* read every cabinet whole: signature and digests */
#define MUM_WALK_CONTAINER_SHA256 0x04u /* the plain SHA-256 of every nested cabinet */
#define MUM_WALK_SINGLE_THREAD 0x08u    /* mum_walk_run: no thread but the caller's (else it
                                         * decodes on a second one, cabinet digests on theirs) */
#define MUM_WALK_FILE_DIGESTS 0x10u     /* SHA-1 and SHA-256 of every file read */
#define MUM_WALK_FILE_NO_SHA1 0x20u     /* with FILE_DIGESTS: the SHA-256 only (a caller that
                                         * computes SHA-1 on its own thread) */
#define MUM_WALK_SIGNATURE_ONE_DIGEST 0x40u /* with SIGNATURES: a cabinet read from a file,
                                              * or stored uncompressed in one, is digested
                                              * only in the algorithm its signature holds,
                                              * read first from where the header says
                                              * (mum_cab_signature_alg) */

#define MUM_WALK_OPTIONS_VERSION 1
typedef struct mum_walk_options {
    unsigned version;        /* MUM_WALK_OPTIONS_VERSION */
    unsigned flags;          /* MUM_WALK_* */
    uint32_t max_depth;      /* cabinets nested deeper are listed, not opened (finding) */
    uint64_t max_entries;    /* entries of the whole input, all levels (MUM_ELIMIT) */
    uint32_t queue_blocks;   /* mum_walk_run: 64 KiB blocks in flight (at least 4) */
} mum_walk_options;

#define MUM_WALK_OPTIONS_INIT {MUM_WALK_OPTIONS_VERSION, MUM_WALK_DESCEND, 8, 4000000, 64}

/* The size of the blocks read from files and handed to consumers. */
#define MUM_WALK_BLOCK_SIZE ((size_t)64 << 10)

typedef struct mum_walk mum_walk;

/*
 * The input name that means standard input: a cabinet or .msu read once,
 * front to back, with no temporary copy (the cabinet reader never seeks
 * back).  What needs to read ahead falls back to the streaming way: a
 * signed cabinet is digested in both SHA-1 and SHA-256
 * (MUM_WALK_SIGNATURE_ONE_DIGEST has no effect), and a cut is found when
 * the walk reaches it.  Messages and findings name the input "-".  A file
 * named "-" is reached as "./-".
 */
#define MUM_INPUT_STDIN "-"

/*
 * Opens `input` (a file starting with "MSCF", a folder, or MUM_INPUT_STDIN).  opts may be NULL
 * for the defaults.  Problems found while walking (duplicate names, an
 * unsafe name, a misplaced signature, ...) are appended to `findings`, which
 * may be NULL and must outlive the walk.  Errors: MUM_EINVAL (options),
 * MUM_EIO (cannot open), MUM_EFORMAT (neither a cabinet nor a folder),
 * MUM_EUNSUPPORTED (a part of a multi-cabinet set), MUM_ENOMEM.
 */
MUM_EXTERN int mum_walk_open(mum_walk **out, mum_ctx *ctx, const char *input,
                             const mum_walk_options *opts, mum_findings *findings);
MUM_EXTERN void mum_walk_free(mum_walk *w);

/*
 * The next event; *out is NULL when the walk is over.  A file's unread data
 * is skipped.  Errors (the walk cannot go on): MUM_EIO, MUM_EFORMAT (corrupt
 * cabinet, CFDATA checksum error), MUM_EUNSUPPORTED (Quantum compression, a
 * multi-cabinet set), MUM_ELIMIT, MUM_ENOMEM; the message names the input
 * and the entry.
 */
MUM_EXTERN int mum_walk_next(const mum_entry **out, mum_walk *w);

/*
 * The next block of the current file's data: *data is borrowed until the
 * next call, *size is 0 at the end.  Errors as mum_walk_next; MUM_EINVAL
 * when the current event is not a file.
 */
MUM_EXTERN int mum_walk_read(mum_walk *w, const void **data, size_t *size);

/*
 * The pipelined walk.  `want_data` runs on the decoding thread and must only
 * look at the entry (NULL: every file's data is wanted); the other callbacks
 * run on the caller's thread, in order: `entry` for every event, then for a
 * file whose data is wanted `data` per block and `entry_end`.  A callback
 * returning anything but MUM_OK stops the walk, and mum_walk_run returns
 * that status (the callback records the reason on ctx).  NULL callbacks are
 * skipped.  A custom allocator (mum_set_allocator) must be thread-safe.
 *
 * `prepare` lets the decoding thread take work off the caller's when it
 * would otherwise wait for it: when the queue is full and a file's data,
 * read to its end, fits one block, prepare(ud, e, data, size) runs on the
 * decoding thread (so it must touch only what no other callback touches)
 * and what it returns reaches `entry`, `data` and `entry_end` of that file
 * as e->prepared (NULL when prepare was not called or returned NULL).  The
 * consumer owns it from its `entry` call on; prepared results the walk
 * could not deliver (it stopped first) go to `release`.  Whether a file is
 * prepared depends on timing, so what the consumer makes of a file must
 * not.  Neither runs with MUM_WALK_SINGLE_THREAD.
 */
typedef struct mum_walk_consumer {
    bool (*want_data)(void *ud, const mum_entry *e);
    int (*entry)(void *ud, const mum_entry *e);
    int (*data)(void *ud, const mum_entry *e, const void *data, size_t size);
    int (*entry_end)(void *ud, const mum_entry *e);
    void *(*prepare)(void *ud, const mum_entry *e, const void *data, size_t size);
    void (*release)(void *ud, void *prepared);
} mum_walk_consumer;

/*
 * Opens `input` and walks it with `consumer`.  Errors: those of
 * mum_walk_open and mum_walk_next, or a callback's status.
 */
MUM_EXTERN int mum_walk_run(mum_ctx *ctx, const char *input, const mum_walk_options *opts,
                            const mum_walk_consumer *consumer, void *ud, mum_findings *findings);

/*
 * Whether a cabinet's MUM_ENTRY_CONTAINER event announces a whole cabinet,
 * before any of its entries is read: MUM_EFORMAT, with the message on ctx
 * located at `input`, the cabinet's nested path and its size, when its
 * data ends before the size its header declares or inside its signature;
 * MUM_OK otherwise (and for any other event).  For a caller that must
 * refuse a cut cabinet whole (extract) rather than find out at its end.
 */
MUM_EXTERN int mum_walk_check_whole(mum_ctx *ctx, const char *input, const mum_entry *e);

#ifdef __cplusplus
}
#endif

#endif /* MUM_CONTAINER_H */
