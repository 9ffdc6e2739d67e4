/*
 * cab.c - the CFHEADER decoded field by field, and the cabinet's
 * Authenticode signature and digests computed in one streaming pass.
 *
 * The digest ranges are those osslsigncode hashes for a signed cabinet:
 * "MSCF" (0-3), skipping reserved1; cbCabinet through setID (8-33),
 * skipping iCabinet, the reserve sizes and the first 16 reserve bytes (they
 * hold the signature's own offset and length); then byte 56 up to the
 * signature, which takes in the last 4 reserve bytes, the set names, the
 * folder and file tables and the data.
 */
#include "config.h"

#include "digest.h"
#include "internal.h"
#include "io.h"
#include "pool.h"
#include "walk_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>

/* Offsets in the disk layout of CFHEADER. */
enum {
    HDR_SIGNATURE = 0,
    HDR_CB_CABINET = 8,
    HDR_COFF_FILES = 16,
    HDR_VERSION_MINOR = 24,
    HDR_VERSION_MAJOR = 25,
    HDR_C_FOLDERS = 26,
    HDR_C_FILES = 28,
    HDR_FLAGS = 30,
    HDR_SET_ID = 32,
    HDR_I_CABINET = 34,
    HDR_CB_CFHEADER = 36,
    HDR_CB_CFFOLDER = 38,
    HDR_CB_CFDATA = 39,
    HDR_RESERVE = 40,
    /* inside a 20-byte Authenticode reserve */
    SIG_MAGIC = 40,
    SIG_OFFSET = 44,
    SIG_LENGTH = 48,
    /* CFFOLDER */
    FOLDER_COFF_CAB_START = 0,
    FOLDER_TYPE_COMPRESS = 6,
    FOLDER_FIXED = 8
};

#define SIG_RESERVE_SIZE 20u
#define SIG_RESERVE_MAGIC 0x00100000u
#define MAX_HEADER_RESERVE 60000u

const char *mum_cab_compression_name(unsigned type)
{
    switch (type) {
    case MUM_CAB_STORED: return "stored";
    case MUM_CAB_MSZIP: return "MSZIP";
    case MUM_CAB_QUANTUM: return "Quantum";
    case MUM_CAB_LZX: return "LZX";
    default: return "unknown";
    }
}

static int header_error(mum_ctx *ctx, const mum_location *loc, uint64_t offset, const char *what)
{
    mum_location l = loc ? *loc : (mum_location){0};
    l.has_offset = true;
    l.offset = offset;
    l.line = l.column = 0;
    return mum__error(ctx, MUM_EFORMAT, &l, "cabinet header: %s", what);
}

/* Copies a NUL-terminated name of at most 255 characters at *pos. */
static bool read_name(const unsigned char *p, size_t size, size_t *pos, char out[256])
{
    size_t start = *pos;
    for (size_t i = 0; i < 256 && start + i < size; i++) {
        if (p[start + i] == '\0') {
            memcpy(out, p + start, i);
            out[i] = '\0';
            *pos = start + i + 1;
            return true;
        }
    }
    return false;
}

/* The fields at fixed offsets; what the digest needs from the first 60 bytes. */
static void decode_fixed(const unsigned char *p, size_t size, mum_cab_header *h)
{
    memset(h, 0, sizeof *h);
    h->cabinet_size = mum__le32(p + HDR_CB_CABINET);
    h->files_offset = mum__le32(p + HDR_COFF_FILES);
    h->version_minor = p[HDR_VERSION_MINOR];
    h->version_major = p[HDR_VERSION_MAJOR];
    h->folder_count = mum__le16(p + HDR_C_FOLDERS);
    h->file_count = mum__le16(p + HDR_C_FILES);
    h->flags = mum__le16(p + HDR_FLAGS);
    h->set_id = mum__le16(p + HDR_SET_ID);
    h->cabinet_index = mum__le16(p + HDR_I_CABINET);
    if ((h->flags & MUM_CAB_FLAG_RESERVE) && size >= HDR_RESERVE) {
        h->header_reserve = mum__le16(p + HDR_CB_CFHEADER);
        h->folder_reserve = p[HDR_CB_CFFOLDER];
        h->data_reserve = p[HDR_CB_CFDATA];
        if (h->header_reserve == SIG_RESERVE_SIZE && size >= MUM_CAB_SIGNED_HEADER &&
            mum__le32(p + SIG_MAGIC) == SIG_RESERVE_MAGIC) {
            h->signature_reserve = true;
            h->signature_offset = mum__le32(p + SIG_OFFSET);
            h->signature_length = mum__le32(p + SIG_LENGTH);
        }
    }
}

static bool is_mscf(const unsigned char *p, size_t size)
{
    return size >= 4 && memcmp(p + HDR_SIGNATURE, "MSCF", 4) == 0;
}

int mum_cab_header_parse(mum_cab_header *out, mum_ctx *ctx, const mum_location *loc,
                         const void *data, size_t size)
{
    const unsigned char *p = data;
    if (!out || (!data && size))
        return mum__error(ctx, MUM_EINVAL, NULL, "mum_cab_header_parse: no header");
    if (!is_mscf(p, size))
        return header_error(ctx, loc, 0, "no \"MSCF\" signature: not a cabinet");
    if (size < MUM_CAB_HEADER_FIXED)
        return header_error(ctx, loc, size, "truncated before the end of the fixed fields");
    mum_cab_header h;
    decode_fixed(p, size, &h);
    size_t pos = MUM_CAB_HEADER_FIXED;
    if (h.flags & MUM_CAB_FLAG_RESERVE) {
        if (size < HDR_RESERVE)
            return header_error(ctx, loc, size, "truncated in the reserve sizes");
        if (h.header_reserve > MAX_HEADER_RESERVE)
            return header_error(ctx, loc, HDR_CB_CFHEADER, "header reserve larger than 60000 bytes");
        pos = HDR_RESERVE + (size_t)h.header_reserve;
        if (pos > size)
            return header_error(ctx, loc, size, "truncated in the header reserve");
    }
    if (h.flags & MUM_CAB_FLAG_PREV_CABINET) {
        char disk[256];
        if (!read_name(p, size, &pos, h.prev_cabinet) || !read_name(p, size, &pos, disk))
            return header_error(ctx, loc, pos, "previous cabinet's name truncated or too long");
    }
    if (h.flags & MUM_CAB_FLAG_NEXT_CABINET) {
        char disk[256];
        if (!read_name(p, size, &pos, h.next_cabinet) || !read_name(p, size, &pos, disk))
            return header_error(ctx, loc, pos, "next cabinet's name truncated or too long");
    }
    size_t entry = FOLDER_FIXED + (size_t)h.folder_reserve;
    size_t table = (size_t)h.folder_count * entry;
    if (pos + table <= size) {
        h.folders_known = true;
        h.folders_end = (uint32_t)(pos + table);
        h.first_data_offset = UINT32_MAX;
        for (size_t i = 0; i < h.folder_count; i++) {
            const unsigned char *f = p + pos + i * entry;
            uint32_t start = mum__le32(f + FOLDER_COFF_CAB_START);
            if (start < h.first_data_offset)
                h.first_data_offset = start;
            h.compression_mask |= 1u << (mum__le16(f + FOLDER_TYPE_COMPRESS) & 0x0f);
        }
        if (h.folder_count == 0)
            h.first_data_offset = 0;
    }
    *out = h;
    return MUM_OK;
}

/* A name for a message: printable ASCII kept, other bytes as \\xNN. */
static void printable(const unsigned char *p, size_t n, char *out, size_t cap)
{
    size_t o = 0;
    for (size_t i = 0; i < n && o + 5 < cap; i++) {
        if (p[i] >= 0x20 && p[i] < 0x7f && p[i] != '\\') {
            out[o++] = (char)p[i];
        } else {
            static const char hex[] = "0123456789abcdef";
            out[o++] = '\\';
            out[o++] = 'x';
            out[o++] = hex[p[i] >> 4];
            out[o++] = hex[p[i] & 15];
        }
    }
    out[o] = '\0';
}

static int table_error(mum_ctx *ctx, const mum_location *loc, int status, uint64_t offset,
                       const char *fmt, ...) MUM_PRINTF(5, 6);

static int table_error(mum_ctx *ctx, const mum_location *loc, int status, uint64_t offset,
                       const char *fmt, ...)
{
    mum_location l = loc ? *loc : (mum_location){0};
    l.has_offset = true;
    l.offset = offset;
    l.line = l.column = 0;
    va_list ap;
    va_start(ap, fmt);
    char *msg = mum__vasprintf(fmt, ap);
    va_end(ap);
    if (!msg)
        return mum__nomem(ctx);
    int rc = mum__error(ctx, status, &l, "%s", msg);
    mum__free(msg);
    return rc;
}

enum {
    FILE_CB_FILE = 0,
    FILE_UOFF_FOLDER_START = 4,
    FILE_I_FOLDER = 8,
    FILE_FIXED = 16,
    IFOLD_CONTINUED_FROM_PREV = 0xfffd,
    FOLDER_LIMIT = 0x7fff8000
};

int mum_cab_tables_check(const mum_cab_header *h, mum_ctx *ctx, const mum_location *loc,
                         const void *data, size_t size, bool complete)
{
    const unsigned char *p = data;
    if (h->folder_count == 0)
        return table_error(ctx, loc, MUM_EFORMAT, HDR_C_FOLDERS, "the cabinet header lists no folders");
    if (h->file_count == 0)
        return table_error(ctx, loc, MUM_EFORMAT, HDR_C_FILES, "the cabinet header lists no files");
    if (h->folders_known) {
        size_t entry = FOLDER_FIXED + (size_t)h->folder_reserve;
        size_t at = h->folders_end - (size_t)h->folder_count * entry;
        for (size_t i = 0; i < h->folder_count; i++, at += entry) {
            unsigned type = mum__le16(p + at + FOLDER_TYPE_COMPRESS) & 0x0f;
            uint32_t start = mum__le32(p + at + FOLDER_COFF_CAB_START);
            if (type > MUM_CAB_LZX)
                return table_error(ctx, loc, MUM_EFORMAT, at + FOLDER_TYPE_COMPRESS,
                                   "folder %zu has an unknown compression type %u", i, type);
            if (start < h->folders_end || start < h->files_offset)
                return table_error(ctx, loc, MUM_EFORMAT, at,
                                   "folder %zu's data starts at offset %" PRIu32
                                   ", inside the cabinet's tables", i, start);
        }
    } else if (complete) {
        return table_error(ctx, loc, MUM_EFORMAT, size, "the folder table is truncated");
    }
    uint64_t at = h->files_offset;
    if (at < MUM_CAB_HEADER_FIXED || (h->folders_known && at < h->folders_end))
        return table_error(ctx, loc, MUM_EFORMAT, HDR_COFF_FILES,
                           "the file table's offset %" PRIu64 " lies inside the header", at);
    for (size_t i = 0; i < h->file_count; i++) {
        if (at + FILE_FIXED > size) {
            if (!complete)
                return MUM_OK;
            return table_error(ctx, loc, MUM_EFORMAT, at,
                               "the file table is truncated: file %zu of %u starts at offset %" PRIu64
                               ", the cabinet has %zu bytes",
                               i + 1, (unsigned)h->file_count, at, size);
        }
        const unsigned char *f = p + at;
        const unsigned char *name = f + FILE_FIXED;
        size_t room = size - (size_t)at - FILE_FIXED;
        const unsigned char *nul = memchr(name, 0, room < 256 ? room : 256);
        if (!nul) {
            if (!complete && room < 256)
                return MUM_OK;
            return table_error(ctx, loc, MUM_EFORMAT, at + FILE_FIXED,
                               room < 256 ? "file %zu's name is truncated"
                                          : "file %zu's name is longer than 255 bytes",
                               i + 1);
        }
        size_t len = (size_t)(nul - name);
        char shown[4 * 256 + 8];
        printable(name, len, shown, sizeof shown);
        if (len == 0)
            return table_error(ctx, loc, MUM_EFORMAT, at + FILE_FIXED, "file %zu has an empty name", i + 1);
        uint16_t folder = mum__le16(f + FILE_I_FOLDER);
        uint32_t cb = mum__le32(f + FILE_CB_FILE), off = mum__le32(f + FILE_UOFF_FOLDER_START);
        if (folder >= IFOLD_CONTINUED_FROM_PREV)
            return table_error(ctx, loc, MUM_EUNSUPPORTED, at + FILE_I_FOLDER,
                               "file '%s' continues %s another cabinet of a set: not supported", shown,
                               folder == IFOLD_CONTINUED_FROM_PREV ? "from" : "into");
        if (folder >= h->folder_count)
            return table_error(ctx, loc, MUM_EFORMAT, at + FILE_I_FOLDER,
                               "file '%s' is in folder %u, but the cabinet has %u", shown,
                               (unsigned)folder, (unsigned)h->folder_count);
        if ((uint64_t)cb + off > FOLDER_LIMIT)
            return table_error(ctx, loc, MUM_EFORMAT, at,
                               "file '%s' claims %" PRIu32 " bytes at offset %" PRIu32
                               " of its folder, beyond the 2 GiB a folder holds",
                               shown, cb, off);
        at += FILE_FIXED + len + 1;
    }
    if (complete && h->folders_known) {
        size_t entry = FOLDER_FIXED + (size_t)h->folder_reserve;
        size_t f = h->folders_end - (size_t)h->folder_count * entry;
        for (size_t i = 0; i < h->folder_count; i++, f += entry) {
            uint32_t start = mum__le32(p + f + FOLDER_COFF_CAB_START);
            if (start >= size)
                return table_error(ctx, loc, MUM_EFORMAT, f,
                                   "folder %zu's data starts at offset %" PRIu32
                                   ", past the end of the cabinet (%zu bytes)", i, start, size);
        }
    }
    return MUM_OK;
}

/* ---- the digest ---- */

/* MUM_CAB_DIGEST_THREAD: blocks copied into a ring for the hashing thread */
enum { RING_SLOTS = 32, RING_SLOT = 64 << 10 };
_Static_assert(RING_SLOT >= MUM_WALK_BLOCK_SIZE, "a lent slot holds a walk's block");

typedef struct digest_ring {
    mum__pool *pool;
    mum__pool_task task;        /* the hashing thread, a worker of the pool */
    pthread_mutex_t mu;
    pthread_cond_t work, room;
    unsigned char *slot[RING_SLOTS];
    size_t len[RING_SLOTS];
    unsigned head, count;       /* the oldest filled slot, how many are */
    bool worker_waiting, producer_waiting;
    bool closing;               /* no more blocks: drain and stop */
} digest_ring;

struct mum_cab_digest {
    unsigned flags;
    digest_ring *ring;     /* the hashing thread, while it runs */
    mum__digest_set signed_set; /* the Authenticode digests of the signed ranges */
    mum__digest_set raw;        /* MUM_CAB_DIGEST_RAW: SHA-256 of every byte (else empty) */
    unsigned char head[MUM_CAB_SIGNED_HEADER];
    size_t head_len;
    bool decided;          /* the first bytes have been looked at */
    bool cabinet;          /* they were a cabinet header */
    mum_cab_header hdr;    /* fixed fields only */
    bool signed_;          /* digest the signed ranges */
    uint64_t sig_off, sig_len;
    uint64_t pos;          /* bytes seen */
    uint8_t *blob;
    size_t blob_len, blob_cap;
    bool keep_blob;
    int status;            /* first failure, sticky */
};

void mum_cab_signature_clear(mum_cab_signature *sig)
{
    if (!sig)
        return;
    mum__free(sig->blob);
    memset(sig, 0, sizeof *sig);
}

static int digest_update(mum_cab_digest *d, const void *data, size_t size);

/*
 * The hashing thread takes every filled slot at once and hands them back
 * together; each side wakes the other only when a quarter of the ring is
 * ready for it (or at the end), so the two do not trade places once per
 * block on a machine with few cores.
 */
static void ring_main(void *arg)
{
    mum_cab_digest *d = arg;
    digest_ring *r = d->ring;
    pthread_mutex_lock(&r->mu);
    while (true) {
        while (r->count == 0 && !r->closing) {
            r->worker_waiting = true;
            pthread_cond_wait(&r->work, &r->mu);
        }
        r->worker_waiting = false;
        unsigned head = r->head, n = r->count;
        if (n == 0)
            break;
        pthread_mutex_unlock(&r->mu);
        for (unsigned k = 0; k < n; k++) {
            unsigned i = (head + k) % RING_SLOTS;
            digest_update(d, r->slot[i], r->len[i]); /* a failure stays in d->status */
        }
        pthread_mutex_lock(&r->mu);
        r->head = (r->head + n) % RING_SLOTS;
        r->count -= n;
        if (r->producer_waiting)
            pthread_cond_signal(&r->room);
    }
    pthread_mutex_unlock(&r->mu);
}

static void ring_free(digest_ring *r)
{
    for (unsigned i = 0; i < RING_SLOTS; i++)
        mum__free(r->slot[i]);
    mum__free(r);
}

/* Starts the hashing thread: MUM_ENOMEM, or MUM_OK with or without it
 * (without, when no thread could be had, the digest hashes on the caller's
 * thread). */
static int ring_start(mum_cab_digest *d)
{
    digest_ring *r = mum__calloc(1, sizeof *r);
    if (!r)
        return MUM_ENOMEM;
    for (unsigned i = 0; i < RING_SLOTS; i++) {
        if (!(r->slot[i] = mum__malloc(RING_SLOT))) {
            ring_free(r);
            return MUM_ENOMEM;
        }
    }
    if (mum__pool_acquire(&r->pool) != MUM_OK) {
        ring_free(r);
        return MUM_ENOMEM;
    }
    bool sync = mum__sync_init(&r->mu, &r->work, &r->room);
    d->ring = r;
    if (!sync || !mum__pool_start(r->pool, ring_main, d, &r->task)) {
        d->ring = NULL;
        if (sync)
            mum__sync_destroy(&r->mu, &r->work, &r->room);
        mum__pool_release(r->pool);
        ring_free(r);
    }
    return MUM_OK;
}

/* Lets the hashing thread finish what it was given and stop. */
static void ring_stop(mum_cab_digest *d)
{
    digest_ring *r = d->ring;
    if (!r)
        return;
    pthread_mutex_lock(&r->mu);
    r->closing = true;
    pthread_cond_signal(&r->work);
    pthread_mutex_unlock(&r->mu);
    mum__pool_finish(&r->task);
    mum__pool_release(r->pool);
    mum__sync_destroy(&r->mu, &r->work, &r->room);
    ring_free(r);
    d->ring = NULL;
}

/*
 * The slot the next bytes go to, lent for the caller to read them into
 * (the copy in ring_put is then not needed).  Waits for a free slot.  The
 * lent slot is outside the filled ones, and a filled slot is lent again
 * only after the hashing thread has handed it back and RING_SLOTS - 1
 * other slots have been lent: the caller's reader (libarchive, which keeps
 * a block only until its next read) is long done with it by then.
 */
unsigned char *mum__cab_digest_lend(mum_cab_digest *d)
{
    digest_ring *r = d->ring;
    if (!r)
        return NULL;
    pthread_mutex_lock(&r->mu);
    while (r->count == RING_SLOTS) {
        r->producer_waiting = true;
        pthread_cond_wait(&r->room, &r->mu);
    }
    r->producer_waiting = false;
    unsigned i = (r->head + r->count) % RING_SLOTS;
    pthread_mutex_unlock(&r->mu);
    return r->slot[i];
}

int mum__cab_digest_commit(mum_cab_digest *d, size_t size)
{
    digest_ring *r = d->ring;
    if (size == 0)
        return MUM_OK;
    pthread_mutex_lock(&r->mu);
    r->len[(r->head + r->count) % RING_SLOTS] = size; /* the thread reads a slot only once it is counted */
    r->count++;
    if (r->worker_waiting && r->count >= RING_SLOTS / 4)
        pthread_cond_signal(&r->work);
    pthread_mutex_unlock(&r->mu);
    return MUM_OK;
}

/* Hands bytes to the hashing thread, copied a slot at a time into lent slots. */
static void ring_put(mum_cab_digest *d, const unsigned char *p, size_t size)
{
    while (size > 0) {
        size_t n = size < RING_SLOT ? size : RING_SLOT;
        memcpy(mum__cab_digest_lend(d), p, n);
        mum__cab_digest_commit(d, n);
        p += n;
        size -= n;
    }
}

int mum_cab_digest_new(mum_cab_digest **out, unsigned flags)
{
    if ((flags & MUM_CAB_DIGEST_ONLY_SHA1) && (flags & MUM_CAB_DIGEST_ONLY_SHA256))
        return MUM_EINVAL;
    mum_cab_digest *d = mum__calloc(1, sizeof *d);
    if (!d)
        return MUM_ENOMEM;
    d->flags = flags;
    unsigned want = (flags & MUM_CAB_DIGEST_ONLY_SHA256 ? 0 : MUM_DIGEST_SHA1) |
                    (flags & MUM_CAB_DIGEST_ONLY_SHA1 ? 0 : MUM_DIGEST_SHA256);
    int rc = mum__digest_set_init(&d->signed_set, want);
    if (rc == MUM_OK && (flags & MUM_CAB_DIGEST_RAW))
        rc = mum__digest_set_init(&d->raw, MUM_DIGEST_SHA256);
    if (rc != MUM_OK) {
        mum_cab_digest_free(d);
        return rc;
    }
    if ((flags & MUM_CAB_DIGEST_THREAD) && ring_start(d) != MUM_OK) {
        mum_cab_digest_free(d);
        return MUM_ENOMEM;
    }
    *out = d;
    return MUM_OK;
}

void mum_cab_digest_free(mum_cab_digest *d)
{
    if (!d)
        return;
    ring_stop(d);
    mum__digest_set_clear(&d->signed_set);
    mum__digest_set_clear(&d->raw);
    mum__free(d->blob);
    mum__free(d);
}

static int hash_signed(mum_cab_digest *d, const void *data, size_t size)
{
    return mum__digest_set_update(&d->signed_set, data, size);
}

/* Bytes at absolute offset `at` past the first 60: hashed, kept, or neither. */
static int take_body(mum_cab_digest *d, const unsigned char *p, size_t n, uint64_t at)
{
    if (!d->signed_ || n == 0)
        return MUM_OK;
    uint64_t end = at + n;
    if (at < d->sig_off) {
        uint64_t stop = end < d->sig_off ? end : d->sig_off;
        int rc = hash_signed(d, p, (size_t)(stop - at));
        if (rc != MUM_OK)
            return rc;
    }
    uint64_t sig_end = d->sig_off + d->sig_len;
    uint64_t from = at > d->sig_off ? at : d->sig_off;
    uint64_t to = end < sig_end ? end : sig_end;
    if (d->keep_blob && from < to) {
        size_t len = (size_t)(to - from);
        if (!mum__grow((void **)&d->blob, &d->blob_cap, d->blob_len + len, 1))
            return MUM_ENOMEM;
        memcpy(d->blob + d->blob_len, p + (from - at), len);
        d->blob_len += len;
    }
    return MUM_OK;
}

/* The first bytes are in: is this a signed cabinet, and where are the ranges? */
static int decide(mum_cab_digest *d)
{
    d->decided = true;
    if (!is_mscf(d->head, d->head_len) || d->head_len < MUM_CAB_HEADER_FIXED)
        return MUM_OK;
    d->cabinet = true;
    decode_fixed(d->head, d->head_len, &d->hdr);
    if (!d->hdr.signature_reserve || d->hdr.signature_offset == 0 || d->hdr.signature_length == 0)
        return MUM_OK;
    d->sig_off = d->hdr.signature_offset;
    d->sig_len = d->hdr.signature_length;
    d->keep_blob = d->sig_len <= MUM_CAB_SIGNATURE_MAX;
    if (d->sig_off < MUM_CAB_SIGNED_HEADER)
        return MUM_OK; /* a signature inside the header: reported at finish */
    d->signed_ = true;
    int rc = hash_signed(d, d->head, 4);
    if (rc == MUM_OK)
        rc = hash_signed(d, d->head + HDR_CB_CABINET, HDR_I_CABINET - HDR_CB_CABINET);
    if (rc == MUM_OK)
        rc = hash_signed(d, d->head + 56, MUM_CAB_SIGNED_HEADER - 56);
    return rc;
}

int mum_cab_digest_update(mum_cab_digest *d, const void *data, size_t size)
{
    if (d->ring) {
        ring_put(d, data, size); /* failures come out of mum_cab_digest_finish */
        return MUM_OK;
    }
    return digest_update(d, data, size);
}

static int digest_update(mum_cab_digest *d, const void *data, size_t size)
{
    if (d->status != MUM_OK)
        return d->status;
    const unsigned char *p = data;
    int rc = MUM_OK;
    if (d->raw.want && size)
        rc = mum__digest_set_update(&d->raw, p, size);
    size_t i = 0;
    if (rc == MUM_OK && !d->decided) {
        size_t take = sizeof d->head - d->head_len;
        if (take > size)
            take = size;
        if (take) /* p may be NULL when size is 0 */
            memcpy(d->head + d->head_len, p, take);
        d->head_len += take;
        d->pos += take;
        i = take;
        if (d->head_len == sizeof d->head)
            rc = decide(d);
    }
    if (rc == MUM_OK && d->decided && i < size) {
        rc = take_body(d, p + i, size - i, d->pos);
        d->pos += size - i;
    }
    d->status = rc;
    return rc;
}

static int add_finding(mum_findings *f, mum_rule_id rule, const mum_location *loc, uint64_t offset,
                       const char *fmt, ...) MUM_PRINTF(5, 6);

static int add_finding(mum_findings *f, mum_rule_id rule, const mum_location *loc, uint64_t offset,
                       const char *fmt, ...)
{
    if (!f)
        return MUM_OK;
    mum_location l = loc ? *loc : (mum_location){0};
    l.has_offset = true;
    l.offset = offset;
    va_list ap;
    va_start(ap, fmt);
    char *msg = mum__vasprintf(fmt, ap);
    va_end(ap);
    if (!msg)
        return MUM_ENOMEM;
    int rc = mum__finding(f, rule, &l, "%s", msg);
    mum__free(msg);
    return rc;
}

/* Where the signature sits against the cabinet and the stream. */
static int check_layout(const mum_cab_digest *d, const mum_location *loc, mum_findings *f,
                        bool *digests_ok)
{
    uint64_t size = d->pos, cab = d->hdr.cabinet_size;
    int rc = MUM_OK;
    *digests_ok = d->signed_;
    if (d->sig_len == 0 && d->sig_off == 0) {
        /* unsigned */
        if (size > cab)
            rc = add_finding(f, MUM_R_CONTAINER_TRAILING_DATA, loc, cab,
                             "%" PRIu64 " bytes follow the cabinet's end (cbCabinet %" PRIu64
                             ") and no signature covers them",
                             size - cab, cab);
        else if (size < cab)
            rc = add_finding(f, MUM_R_CONTAINER_TRUNCATED, loc, size,
                             "the header gives a cabinet of %" PRIu64 " bytes, the input has %" PRIu64,
                             cab, size);
        return rc;
    }
    uint64_t end = d->sig_off + d->sig_len;
    if (d->sig_off == 0 || d->sig_len == 0 || d->sig_off < MUM_CAB_SIGNED_HEADER) {
        *digests_ok = false;
        return add_finding(f, MUM_R_CONTAINER_SIGNATURE_LAYOUT, loc, SIG_OFFSET,
                           "the signature reserve gives offset %" PRIu64 " and length %" PRIu64
                           ", which cannot hold a signature",
                           d->sig_off, d->sig_len);
    }
    if (d->sig_off != cab)
        rc = add_finding(f, MUM_R_CONTAINER_SIGNATURE_LAYOUT, loc, SIG_OFFSET,
                         "the signature starts at %" PRIu64 ", not at the cabinet's end (%" PRIu64 ")",
                         d->sig_off, cab);
    if (rc == MUM_OK && size < end) {
        if (size < d->sig_off)
            *digests_ok = false;
        rc = add_finding(f, MUM_R_CONTAINER_TRUNCATED, loc, size,
                         "the input ends at %" PRIu64 " but its signature should end at %" PRIu64,
                         size, end);
    } else if (rc == MUM_OK && size > end) {
        rc = add_finding(f, MUM_R_CONTAINER_TRAILING_DATA, loc, end,
                         "%" PRIu64 " bytes follow the signature", size - end);
    }
    if (rc == MUM_OK && !d->keep_blob)
        rc = add_finding(f, MUM_R_CONTAINER_SIGNATURE_LAYOUT, loc, d->sig_off,
                         "a signature of %" PRIu64 " bytes is larger than the %zu bytes read; not kept",
                         d->sig_len, MUM_CAB_SIGNATURE_MAX);
    return rc;
}

int mum_cab_digest_finish(mum_cab_signature *out, mum_cab_digest *d, mum_ctx *ctx,
                          const mum_location *loc, mum_findings *findings)
{
    memset(out, 0, sizeof *out);
    ring_stop(d);
    if (d->status != MUM_OK)
        return d->status == MUM_ENOMEM ? mum__nomem(ctx)
                                       : mum__error(ctx, d->status, loc, "cabinet digest failed");
    int rc = MUM_OK;
    if (!d->decided)
        rc = decide(d);
    if (rc == MUM_OK && !d->cabinet) {
        if (!is_mscf(d->head, d->head_len))
            return header_error(ctx, loc, 0, "no \"MSCF\" signature: not a cabinet");
        return header_error(ctx, loc, d->head_len, "truncated before the end of the fixed fields");
    }
    bool digests_ok = false;
    if (rc == MUM_OK)
        rc = check_layout(d, loc, findings, &digests_ok);
    if (rc == MUM_OK && digests_ok) {
        bool sha1 = mum__digest_set_has(&d->signed_set, MUM_HASH_SHA1);
        bool sha256 = mum__digest_set_has(&d->signed_set, MUM_HASH_SHA256);
        if (sha1)
            rc = mum__digest_set_final(&d->signed_set, MUM_HASH_SHA1, out->sha1);
        if (rc == MUM_OK && sha256)
            rc = mum__digest_set_final(&d->signed_set, MUM_HASH_SHA256, out->sha256);
        out->digests_valid = rc == MUM_OK;
        out->sha1_valid = out->digests_valid && sha1;
        out->sha256_valid = out->digests_valid && sha256;
    }
    if (rc == MUM_OK && d->raw.want) {
        rc = mum__digest_set_final(&d->raw, MUM_HASH_SHA256, out->raw_sha256);
        out->raw_valid = rc == MUM_OK;
    }
    if (rc != MUM_OK) {
        memset(out, 0, sizeof *out);
        return rc == MUM_ENOMEM ? mum__nomem(ctx) : mum__error(ctx, rc, loc, "cabinet digest failed");
    }
    out->present = d->sig_off != 0 || d->sig_len != 0;
    out->offset = d->sig_off;
    out->length = d->sig_len;
    out->stream_size = d->pos;
    out->cabinet_size = d->hdr.cabinet_size;
    if (out->present && d->keep_blob && d->blob_len == d->sig_len) {
        out->blob = d->blob;
        out->blob_size = d->blob_len;
        d->blob = NULL;
        d->blob_len = d->blob_cap = 0;
    }
    return MUM_OK;
}

int mum_cab_signature_read(mum_cab_signature *out, mum_ctx *ctx, const char *path, unsigned flags,
                           mum_findings *findings)
{
    mum_location loc = {.input = path};
    memset(out, 0, sizeof *out);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return mum__error(ctx, MUM_EIO, &loc, "cannot open: %s", strerror(errno));
    unsigned char *buf = mum__malloc((size_t)64 << 10);
    mum_cab_digest *d = NULL;
    int rc = buf ? mum_cab_digest_new(&d, flags) : MUM_ENOMEM;
    if (rc == MUM_ENOMEM)
        rc = mum__nomem(ctx);
    else if (rc != MUM_OK)
        rc = mum__error(ctx, rc, &loc, "cannot start a digest");
    uint64_t at = 0;
    while (rc == MUM_OK) {
        ssize_t n = mum__read(fd, buf, (size_t)64 << 10);
        if (n < 0) {
            loc.has_offset = true;
            loc.offset = at;
            rc = mum__error(ctx, MUM_EIO, &loc, "read error: %s", strerror(errno));
            break;
        }
        at += (uint64_t)n;
        if (n == 0) {
            rc = mum_cab_digest_finish(out, d, ctx, &loc, findings);
            break;
        }
        rc = mum_cab_digest_update(d, buf, (size_t)n);
        if (rc == MUM_ENOMEM)
            rc = mum__nomem(ctx);
        else if (rc != MUM_OK)
            rc = mum__error(ctx, rc, &loc, "digest failed");
    }
    mum_cab_digest_free(d);
    mum__free(buf);
    close(fd);
    return rc;
}
