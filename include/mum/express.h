/*
 * mum/express.h - express (IPD) cabinets.  Their payloads are stored as
 * numbered blobs, mostly PA30 deltas; `_manifest_.cix.xml` (namespace
 * urn:ContainerIndex) lists every file with its length, time and hash, and
 * says where it comes from: a RAW source (the file itself is stored), a PA30
 * source (a delta blob), and/or a basis (another file of the index).
 *
 * This module parses the index, reads PA30 headers (target size, hash
 * algorithm, target hash) and checks the cabinet's blobs against both.
 * A file given only by a delta is "delta only" here; mum_graph_build
 * rebuilds it from the cabinet where mum_delta_apply can (mum/delta.h).
 */
#ifndef MUM_EXPRESS_H
#define MUM_EXPRESS_H

#include <mum/common.h>
#include <mum/container.h>
#include <mum/hash.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The name of the index inside an express cabinet. */
#define MUM_EXPRESS_INDEX_NAME "_manifest_.cix.xml"

/* ---- PA30 ---- */

/* A PA30 header fits in this many bytes (the hash is at most 64). */
#define MUM_PA30_HEADER_MAX 256

typedef struct mum_pa30_header {
    uint64_t target_file_time;  /* FILETIME: 100 ns since 1601 */
    int64_t file_type_set;
    int64_t file_type;
    int64_t flags;
    uint64_t target_size;
    uint32_t hash_alg_id;       /* Windows ALG_ID: 0x8003 MD5, 0x8004 SHA-1, 0x800c SHA-256 */
    mum_hash_alg hash_alg;      /* MUM_HASH_NONE for another or no algorithm */
    uint8_t hash[MUM_HASH_MAX_SIZE];
    size_t hash_size;
    size_t header_size;         /* bytes the header took */
} mum_pa30_header;

/*
 * Reads the header at the start of a PA30 delta (the first
 * MUM_PA30_HEADER_MAX bytes are enough).  Errors: MUM_EFORMAT (no "PA30"
 * signature, a malformed number, truncated), MUM_EUNSUPPORTED (a PA19 or PA31
 * delta), MUM_ELIMIT (a hash longer than 64 bytes); with the offset.
 */
MUM_EXTERN int mum_pa30_header_parse(mum_pa30_header *out, mum_ctx *ctx, const mum_location *loc,
                                     const void *data, size_t size);

/* ---- the index ---- */

typedef enum mum_express_source_type {
    MUM_EXPRESS_SOURCE_NONE = 0,
    MUM_EXPRESS_SOURCE_RAW,     /* the file itself is stored */
    MUM_EXPRESS_SOURCE_PA30,    /* a PA30 delta is stored (against the basis, or nothing) */
    MUM_EXPRESS_SOURCE_OTHER    /* a type this version does not know */
} mum_express_source_type;

typedef struct mum_express_hash {
    mum_hash_alg alg;           /* MUM_HASH_NONE: an algorithm we do not know */
    uint8_t value[MUM_HASH_MAX_SIZE];
    size_t size;                /* 0: no hash given */
} mum_express_hash;

/* What the cabinet holds of a file, as found by mum_express_check. */
typedef enum mum_express_status {
    MUM_EXPRESS_UNCHECKED = 0,
    MUM_EXPRESS_STORED,         /* stored whole (a RAW source) */
    MUM_EXPRESS_DELTA_ONLY,     /* only a delta is stored */
    MUM_EXPRESS_COPY,           /* the same bytes as its basis file */
    MUM_EXPRESS_MISSING         /* its source blob is not in the cabinet */
} mum_express_status;

/* "stored", "delta only", "copy of basis", "missing", "unchecked". */
MUM_EXTERN const char *mum_express_status_name(mum_express_status status);

#define MUM_EXPRESS_NONE ((size_t)-1)

typedef struct mum_express_file {
    char *id;
    char *name;                 /* as in the index (backslashes kept) */
    uint64_t length;
    uint64_t time;              /* FILETIME */
    uint32_t attr;
    mum_express_hash hash;      /* of the decoded file */
    mum_express_source_type source_type;
    char *source_type_text;     /* the type as written, NULL without a source */
    char *source_name;          /* the blob's name in the cabinet */
    mum_express_hash source_hash;
    char *basis_id;             /* NULL without a basis */
    uint32_t line;              /* of the <File> element */
    /* set by mum_express_check (and by mum_graph_build, which resolves
     * without judging): */
    size_t basis;               /* index of the basis file, MUM_EXPRESS_NONE */
    mum_express_status status;
    size_t blob;                /* index into the blobs checked, MUM_EXPRESS_NONE */
    bool blob_verified;         /* the stored blob matched its source hash */
    bool has_pa30;
    mum_pa30_header pa30;
} mum_express_file;

typedef struct mum_express_index {
    char *name;                 /* <Container name> */
    char *type;
    uint64_t length;
    char *version;
    mum_express_file *files;
    size_t count;
} mum_express_index;

/* At most this many files in an index. */
#define MUM_EXPRESS_MAX_FILES 1000000

/*
 * Parses `_manifest_.cix.xml`.  *out is owned by the caller
 * (mum_express_index_clear).  Errors: MUM_EFORMAT (not XML, not a
 * urn:ContainerIndex Container, a File without id or name, a bad number or
 * hash; with line and column), MUM_ELIMIT, MUM_ENOMEM.
 */
MUM_EXTERN int mum_express_index_parse(mum_express_index *out, mum_ctx *ctx, const mum_location *loc,
                                       const void *data, size_t size);
MUM_EXTERN void mum_express_index_clear(mum_express_index *idx);

/* ---- the check ---- */

/* One entry of the cabinet as the check needs it (all borrowed). */
typedef struct mum_express_blob {
    const char *name;           /* the entry's name in the cabinet */
    uint64_t size;
    uint8_t sha1[20];
    uint8_t sha256[32];
    const uint8_t *head;        /* its first bytes (up to MUM_PA30_HEADER_MAX) */
    size_t head_size;
} mum_express_blob;

/*
 * Maps every index file to the cabinet's entries and checks them: each
 * source blob exists and matches its source hash; a RAW source matches its
 * file; a PA30 header's target size (and hash, when of the same algorithm)
 * matches the file; bases exist and form no loop; a copy matches its basis;
 * every entry is used.  Fills each file's status, blob, basis and pa30
 * fields.  Problems are express.* findings located at `cabinet` (input, and
 * the cabinet's nested path as entry).  Errors: MUM_ENOMEM only.
 */
MUM_EXTERN int mum_express_check(mum_express_index *idx, const mum_express_blob *blobs, size_t count,
                                 const mum_location *cabinet, mum_findings *findings);

/*
 * A collector for the streaming walk: fed a cabinet's entries in order, it
 * keeps the index, hashes what may be a blob (SHA-1 and SHA-256) and keeps
 * each blob's first bytes; finish parses the index and runs the check.
 */
typedef struct mum_express_collector mum_express_collector;

/* Errors: MUM_ENOMEM. */
MUM_EXTERN int mum_express_collector_new(mum_express_collector **out);
MUM_EXTERN void mum_express_collector_free(mum_express_collector *c);
/* An entry of the cabinet starts; name as in the cabinet.  Errors: MUM_ENOMEM, MUM_ECRYPTO. */
MUM_EXTERN int mum_express_collector_begin(mum_express_collector *c, const char *name, uint64_t size);
/* Errors: MUM_ELIMIT (an index above 64 MiB), MUM_ENOMEM, MUM_ECRYPTO. */
MUM_EXTERN int mum_express_collector_data(mum_express_collector *c, const void *data, size_t size);
/* Errors: MUM_ENOMEM, MUM_ECRYPTO. */
MUM_EXTERN int mum_express_collector_end(mum_express_collector *c);
/*
 * Parses the index and checks; *out is NULL (and MUM_OK returned) when the
 * cabinet had no index, i.e. is not an express cabinet.  `cabinet` locates
 * the cabinet.  The result is owned by the caller: mum_express_index_clear
 * then mum_free.  Errors: those of mum_express_index_parse (recorded on ctx).
 */
MUM_EXTERN int mum_express_collector_finish(mum_express_index **out, mum_express_collector *c,
                                            mum_ctx *ctx, const mum_location *cabinet,
                                            mum_findings *findings);

/* ---- unpacking: the files of express cabinets, rebuilt ---- */

/*
 * An unpacker gives a walk's express cabinets as the files their indexes
 * describe, rebuilt from the cabinet alone (a command writing a package's
 * files out, extract, feeds it from mum_walk_run's events).  Each entry of
 * a cabinet is either written by the caller as it is (PASS), written and
 * kept here as the basis of a delta (PASS too: the caller writes it), or
 * held here and not written (HOLD: the index, a delta blob, a file stored
 * under a blob name).  At the cabinet's end mum_express_unpacker_next gives
 * the files to write, in the order of the index: each rebuilt and checked
 * against the length and hash the index gives, or the reason it could not
 * be, then the held entries no file used, as they are.  A cabinet with no
 * index gives back its held entries (names without a dot nor a folder:
 * held until the cabinet shows whether they are blobs) as they are.
 *
 * Memory: the held and kept entries of the open cabinets, at most 256 MiB
 * a cabinet (past that an entry is passed, and the files built on it are
 * reported not rebuildable), plus the files in flight: a rebuilt basis is
 * freed once no file still to give needs it.  Blobs and bases before the
 * index are not kept (every express cabinet seen puts the index first).
 */
typedef struct mum_express_unpacker mum_express_unpacker;

/* `input` names the walk's input in messages (copied).  Errors: MUM_EINVAL, MUM_ENOMEM. */
MUM_EXTERN int mum_express_unpacker_new(mum_express_unpacker **out, const char *input);
MUM_EXTERN void mum_express_unpacker_free(mum_express_unpacker *u);

/* Whether an entry's data may be needed: any file at the top of its
 * container.  Looks only at the entry (mum_walk_consumer.want_data). */
MUM_EXTERN bool mum_express_unpacker_wants(const mum_entry *e);

typedef enum mum_express_take {
    MUM_EXPRESS_PASS = 0,       /* the caller writes the entry as it is */
    MUM_EXPRESS_HOLD            /* the unpacker holds it: not to be written now */
} mum_express_take;

/*
 * Feeding: _entry with every event of the walk (files, containers and
 * their ends; *take says what to do with a file), _data with each block of
 * the current file's data, _entry_end at its end (e->digests, if set, are
 * kept for the index's check).  Errors: MUM_EINVAL (NULL), MUM_ENOMEM.
 */
MUM_EXTERN int mum_express_unpacker_entry(mum_express_take *out, mum_express_unpacker *u, const mum_entry *e);
MUM_EXTERN int mum_express_unpacker_data(mum_express_unpacker *u, const void *data, size_t size);
MUM_EXTERN int mum_express_unpacker_entry_end(mum_express_unpacker *u, const mum_entry *e);

/* A file to write, given at the end of its cabinet. */
typedef struct mum_express_output {
    const char *path;           /* nested path, as the walk names entries (backslashes as '/') */
    bool rebuilt;               /* rebuilt from the index (else a held entry, as stored) */
    bool failed;                /* not rebuildable: `why` says why, data is NULL */
    const char *why;            /* "name <- 3 (PA30) <- basis 1 <- 0 (RAW): reason" */
    const uint8_t *data;        /* checked against the index's length and hash */
    size_t size;
    bool has_mtime;
    int64_t mtime;              /* seconds since 1970 */
    mum_file_digests digests;   /* of data (SHA-1 and SHA-256) */
} mum_express_output;

/*
 * The next file of a cabinet that has ended (after _entry with its
 * CONTAINER_END event), or *out NULL when there is none left.  *out and
 * what it points to are borrowed until the next call.  Call it until *out
 * is NULL after every container's end.  Errors: MUM_ENOMEM, MUM_ECRYPTO
 * (with the message on ctx).
 */
MUM_EXTERN int mum_express_unpacker_next(const mum_express_output **out, mum_express_unpacker *u, mum_ctx *ctx);

#ifdef __cplusplus
}
#endif

#endif /* MUM_EXPRESS_H */
