/*
 * walk_cab.c - a cabinet level of the container walk: starting libarchive
 * on it after its header is checked, the tap that feeds libarchive from a
 * file or the parent entry (every byte through the cabinet digest), and
 * the accounting that tells a truncated cabinet from a corrupt one.
 */
#include "config.h"

#include "io.h"
#include "walk_internal.h"

#include <archive.h>
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define BLOCK MUM_WALK_BLOCK_SIZE

/* ---- truncation ---- */

/*
 * Where a cabinet level's bytes must reach: the header's cbCabinet, and the
 * end of its signature when the reserve puts one right after the cabinet (a
 * reserve that puts it elsewhere is a container.signature-layout finding,
 * not a promise about the length).
 */
uint64_t mum__walk_expected_end(const level *L)
{
    const mum_cab_header *h = &L->cab;
    uint64_t end = h->cabinet_size;
    if (h->signature_reserve && h->signature_offset == h->cabinet_size && h->signature_length)
        end += h->signature_length;
    return end;
}

/*
 * A cabinet that ends before its header says is a read error of the walk,
 * whichever command walks it: the message names the file and the offset
 * where its bytes stop.  `size` is the level's length as far as known.
 */
int mum__walk_truncated_at(mum_walk *w, level *L, uint64_t size)
{
    mum_location loc = mum__walk_entry_loc(w, L->path);
    loc.has_offset = true;
    loc.offset = size;
    const mum_cab_header *h = &L->cab;
    if (size < h->cabinet_size)
        w->status = mum__error(w->ctx, MUM_EFORMAT, &loc,
                               "truncated: the %s ends at %" PRIu64 " but the cabinet's header gives it %" PRIu32
                               " bytes",
                               L->depth ? "entry" : "file", size, h->cabinet_size);
    else
        w->status = mum__error(w->ctx, MUM_EFORMAT, &loc,
                               "truncated: the %s ends at %" PRIu64 " inside the cabinet's signature, which "
                               "should end at %" PRIu64,
                               L->depth ? "entry" : "file", size, mum__walk_expected_end(L));
    w->state = ST_FAILED;
    return w->status;
}

/*
 * When the cabinet reader fails, the reason is often that a source ran out
 * (libarchive then says "Truncated CAB header" of whatever entry it was
 * at): the outermost cabinet whose source ended short of its cbCabinet is
 * what is cut, and the error names it.  MUM_OK when none is.
 */
static int truncation_fail(mum_walk *w)
{
    for (uint32_t i = 0; i < w->nlevels; i++) {
        level *L = &w->levels[i];
        if (L->type == MUM_CONTAINER_CABINET && L->source_end && L->consumed < L->cab.cabinet_size)
            return mum__walk_truncated_at(w, L, L->consumed);
    }
    return MUM_OK;
}

/* ---- reading a level's source (the tap) ---- */

/*
 * The next bytes of a cabinet level's source: the peeked bytes, then the
 * file or the parent entry.  Every byte goes through the digest.  Returns
 * the count, 0 at the end, -1 on failure (w->src_status set, and the
 * reason on ctx).
 */
static ssize_t source_take(level *L, const void **out)
{
    mum_walk *w = L->w;
    const void *p = NULL;
    size_t n = 0;
    bool lent = false;
    if (L->peek_off < L->peek_len) {
        p = L->peek + L->peek_off;
        n = L->peek_len - L->peek_off;
        L->peek_off = L->peek_len;
    } else if (L->fd >= 0 && L->head_whole) {
        n = 0; /* the head was the whole file: no read to learn its end */
    } else if (L->fd >= 0) {
        /* straight into the digest thread's ring when there is one: the
         * thread hashes the very block libarchive decodes from */
        unsigned char *into = L->digest ? mum__cab_digest_lend(L->digest) : NULL;
        lent = into != NULL;
        if (!lent)
            into = L->buf;
        ssize_t r = mum__read(L->fd, into, BLOCK);
        if (r < 0) {
            w->src_status = mum__walk_io_fail(w, L->path, L->consumed, errno);
            return -1;
        }
        p = into;
        n = (size_t)r;
    } else {
        level *P = L->parent;
        la_int64_t off;
        int r = archive_read_data_block(P->a, &p, &n, &off);
        if (r == ARCHIVE_EOF) {
            n = 0;
        } else if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {
            const char *msg = archive_error_string(P->a);
            int st = archive_errno(P->a) == ENOMEM ? MUM_ENOMEM : MUM_EFORMAT;
            if (w->state == ST_FAILED) /* the parent's own source failed: its reason stands */
                w->src_status = w->status;
            else if (st != MUM_ENOMEM && truncation_fail(w) != MUM_OK)
                w->src_status = w->status;
            else
                w->src_status = mum__walk_fail(w, st, L->path, "%s",
                                               msg ? msg : "cannot read the cabinet data");
            return -1;
        }
    }
    L->consumed += n;
    if (n == 0)
        L->source_end = true;
    if (n && L->digest) {
        int rc = lent ? mum__cab_digest_commit(L->digest, n) : mum_cab_digest_update(L->digest, p, n);
        if (rc != MUM_OK) {
            w->src_status = mum__walk_fail(w, rc, L->path, "cannot digest the cabinet");
            return -1;
        }
    }
    *out = p;
    return (ssize_t)n;
}

/* source_take's bytes, or what they give once regrouped (cab_reblock.c):
 * that may take more than one read, and is never empty before the end. */
static ssize_t source_read(level *L, const void **out)
{
    if (L->reblock && mum__cab_reblock_done(L->reblock)) {
        /* libarchive is done with the last bytes it was given (it asks again) */
        mum__cab_reblock_free(L->reblock);
        L->reblock = NULL;
    }
    if (!L->reblock)
        return source_take(L, out);
    for (;;) {
        const void *p;
        ssize_t n = source_take(L, &p);
        if (n < 0)
            return -1;
        const unsigned char *o;
        size_t len;
        if (mum__cab_reblock_feed(L->reblock, p, (size_t)n, &o, &len) != MUM_OK) {
            L->w->src_status = mum__walk_fail(L->w, MUM_ENOMEM, L->path, "out of memory");
            return -1;
        }
        if (len || n == 0) {
            *out = o;
            return (ssize_t)len;
        }
    }
}

static la_ssize_t cb_read(struct archive *a, void *ud, const void **buf)
{
    MUM_UNUSED(a);
    return source_read(ud, buf);
}

static la_int64_t cb_skip(struct archive *a, void *ud, la_int64_t request)
{
    MUM_UNUSED(a);
    level *L = ud;
    /* blocks being regrouped must all be read (0: libarchive reads instead) */
    if (L->peek_off < L->peek_len || request <= 0 || L->reblock)
        return 0;
    off_t cur = lseek(L->fd, 0, SEEK_CUR);
    struct stat st;
    if (cur < 0 || fstat(L->fd, &st) != 0 || !S_ISREG(st.st_mode))
        return 0;
    la_int64_t room = st.st_size > cur ? st.st_size - cur : 0;
    if (request > room)
        request = room;
    if (lseek(L->fd, request, SEEK_CUR) < 0)
        return 0;
    L->consumed += (uint64_t)request;
    return request;
}

/* Reads what libarchive left of a cabinet, so the digest sees every byte. */
int mum__walk_drain(level *L)
{
    for (;;) {
        const void *p;
        ssize_t n = source_read(L, &p);
        if (n < 0)
            return L->w->status;
        if (n == 0)
            return MUM_OK;
    }
}

/* The reason libarchive gives, located at an entry. */
int mum__walk_archive_fail(mum_walk *w, struct archive *a, const char *entry)
{
    if (w->src_status != MUM_OK || w->state == ST_FAILED)
        return w->status; /* a source failed; its reason is recorded */
    const char *msg = archive_error_string(a);
    if (!msg)
        msg = "unknown error in the cabinet reader";
    if (archive_errno(a) == ENOMEM)
        return mum__walk_fail(w, MUM_ENOMEM, entry, "out of memory");
    if (truncation_fail(w) != MUM_OK)
        return w->status;
    /* libarchive does not say where; the place is the entry, and how far
     * into its cabinet the reader had got (the end of the bad block). */
    la_int64_t at = archive_filter_bytes(a, 0);
    char where[64] = "";
    if (at > 0)
        snprintf(where, sizeof where, " (the cabinet read up to offset %" PRId64 ")", (int64_t)at);
    if (strncmp(msg, "Checksum error", 14) == 0)
        return mum__walk_fail(w, MUM_EFORMAT, entry, "CFDATA checksum mismatch, the data is corrupt (%s)%s",
                              msg, where);
    if (strstr(msg, "Unsupported"))
        return mum__walk_fail(w, MUM_EUNSUPPORTED, entry, "%s", msg);
    return mum__walk_fail(w, MUM_EFORMAT, entry, "%s%s", msg, where);
}

/* ---- starting a cabinet level ---- */

/*
 * MUM_WALK_SIGNATURE_ONE_DIGEST: a cabinet read from a file can have its
 * signature read first, where the header says it is, to digest the
 * cabinet in the one algorithm the signature holds.  Anything unclear (no
 * signature, not readable there, not plain) leaves both digests on.  The
 * signature that is verified is still the one read with the cabinet.
 */
static int signature_alg_ahead(level *L, unsigned *flags)
{
    const mum_cab_header *h = &L->cab;
    if (!h->signature_reserve || h->signature_offset < MUM_CAB_SIGNED_HEADER ||
        h->signature_length == 0 || h->signature_length > MUM_CAB_SIGNATURE_MAX)
        return MUM_OK;
    /* most often within the first block, already read (a small file's
     * head is all of it): no second read of the same bytes */
    uint64_t end = (uint64_t)h->signature_offset + h->signature_length;
    mum_hash_alg alg;
    if (L->peek && end <= L->peek_len) {
        alg = mum_cab_signature_alg(L->peek + h->signature_offset, h->signature_length);
    } else {
        unsigned char *blob = mum__malloc(h->signature_length);
        if (!blob)
            return MUM_ENOMEM;
        /* a read error here only leaves both digests on: the walk reads the
         * signature again with the cabinet, and fails there if it must */
        ssize_t got = mum__pread_full(L->fd, blob, h->signature_length, (off_t)h->signature_offset);
        alg = got == (ssize_t)h->signature_length ? mum_cab_signature_alg(blob, (size_t)got) : MUM_HASH_NONE;
        mum__free(blob);
    }
    *flags |= alg == MUM_HASH_SHA1     ? MUM_CAB_DIGEST_ONLY_SHA1
              : alg == MUM_HASH_SHA256 ? MUM_CAB_DIGEST_ONLY_SHA256
                                       : 0;
    return MUM_OK;
}

/* CFDATA headers stored_read may read from one file, for all its cabinets */
enum { STORED_READS_MAX = 2 * 65536 };

/*
 * The bytes [from, from + len) of an entry that a parent cabinet read from
 * a file stores uncompressed, read from that file: its folder's CFDATA
 * blocks are followed from the folder's first one (each header says how
 * many bytes its block holds) to the ones that hold them.  False when they
 * cannot be located so (a compressed folder, a block whose stored and
 * decoded sizes differ, a short read).
 */
static bool stored_read(level *P, uint32_t folder_start, uint16_t blocks, uint64_t from, unsigned char *out,
                        size_t len)
{
    const mum_cab_header *h = &P->cab;
    uint64_t pos = folder_start, uoff = 0, end = from + len;
    for (uint32_t k = 0; k < blocks && uoff < end; k++) {
        /* each nested cabinet follows its folder from the first block
         * again: a file of many small blocks and many cabinets would cost
         * their product in reads, so past a budget (two walks over a folder
         * of the most blocks) the digests stay both on, as when unclear */
        if (P->stored_reads >= STORED_READS_MAX)
            return false;
        P->stored_reads++;
        unsigned char hdr[8];
        if (mum__pread_full(P->fd, hdr, sizeof hdr, (off_t)pos) != (ssize_t)sizeof hdr)
            return false;
        uint16_t stored = mum__le16(hdr + 4), decoded = mum__le16(hdr + 6);
        if (stored != decoded)
            return false;
        uint64_t data = pos + sizeof hdr + h->data_reserve;
        if (uoff + stored > from) {
            uint64_t a = from > uoff ? from : uoff, b = end < uoff + stored ? end : uoff + stored;
            ssize_t want = (ssize_t)(b - a);
            if (mum__pread_full(P->fd, out + (a - from), (size_t)want, (off_t)(data + (a - uoff))) != want)
                return false;
        }
        uoff += stored;
        pos = data + stored;
    }
    return uoff >= end;
}

/*
 * The same for a cabinet nested in a cabinet read from a file whose folder
 * is stored (not compressed): its signature lies in that file too, where
 * the parent's file table (the entry's folder and offset) and the folder's
 * CFDATA headers put it.  The entry is the parent's current one (libarchive
 * gives a cabinet's files in the order of its file table); that the
 * table's record has the entry's name and size and that the bytes found
 * there begin as the nested cabinet does are checked first.  Anything
 * unclear leaves both digests on, as before.
 */
static int nested_signature_alg_ahead(level *L, const unsigned char *head, size_t head_len, unsigned *flags)
{
    level *P = L->parent;
    const mum_cab_header *h = &L->cab, *ph = P ? &P->cab : NULL;
    if (!P || P->type != MUM_CONTAINER_CABINET || P->fd < 0 || P->stream || !ph->folders_known ||
        P->entries == 0 || !h->signature_reserve || h->signature_offset < MUM_CAB_SIGNED_HEADER ||
        h->signature_length == 0 || h->signature_length > MUM_CAB_SIGNATURE_MAX || head_len < MUM_CAB_SIGNED_HEADER)
        return MUM_OK;
    /* the parent's file table, as far as the entry's record */
    enum { TABLE_MAX = 64 << 10 };
    uint64_t index = P->entries - 1;
    size_t name_len = strlen(L->name);
    if (index >= ph->file_count || ph->files_offset < ph->folders_end)
        return MUM_OK;
    unsigned char *tab = mum__malloc(TABLE_MAX);
    if (!tab)
        return MUM_ENOMEM;
    ssize_t got = mum__pread_full(P->fd, tab, TABLE_MAX, (off_t)ph->files_offset);
    size_t at = 0;
    bool found = got > 0;
    for (uint64_t k = 0; found && k <= index; k++) {
        const unsigned char *nul = at + 16 < (size_t)got ? memchr(tab + at + 16, 0, (size_t)got - at - 16) : NULL;
        if (!nul) {
            found = false;
            break;
        }
        if (k < index)
            at = (size_t)(nul - tab) + 1;
        else
            found = (size_t)(nul - (tab + at + 16)) == name_len && memcmp(tab + at + 16, L->name, name_len) == 0;
    }
    uint32_t size = 0, uoff = 0;
    uint16_t ifolder = 0;
    if (found) {
        size = mum__le32(tab + at);
        uoff = mum__le32(tab + at + 4);
        ifolder = mum__le16(tab + at + 8);
    }
    mum__free(tab);
    if (!found || ifolder >= ph->folder_count || size < h->cabinet_size ||
        (uint64_t)h->signature_offset + h->signature_length > size)
        return MUM_OK;
    /* the entry's folder: stored, where its CFDATA blocks begin */
    unsigned char folder[8];
    uint64_t folder_at = ph->folders_end - (uint64_t)(ph->folder_count - ifolder) * (8u + ph->folder_reserve);
    if (mum__pread_full(P->fd, folder, sizeof folder, (off_t)folder_at) != (ssize_t)sizeof folder ||
        (mum__le16(folder + 6) & 0x000f) != 0)
        return MUM_OK;
    uint32_t start = mum__le32(folder);
    uint16_t blocks = mum__le16(folder + 4);
    unsigned char first[MUM_CAB_SIGNED_HEADER];
    if (!stored_read(P, start, blocks, uoff, first, sizeof first) || memcmp(first, head, sizeof first) != 0)
        return MUM_OK;
    unsigned char *blob = mum__malloc(h->signature_length);
    if (!blob)
        return MUM_ENOMEM;
    mum_hash_alg alg = stored_read(P, start, blocks, (uint64_t)uoff + h->signature_offset, blob, h->signature_length)
                           ? mum_cab_signature_alg(blob, h->signature_length)
                           : MUM_HASH_NONE;
    mum__free(blob);
    *flags |= alg == MUM_HASH_SHA1     ? MUM_CAB_DIGEST_ONLY_SHA1
              : alg == MUM_HASH_SHA256 ? MUM_CAB_DIGEST_ONLY_SHA256
                                       : 0;
    return MUM_OK;
}

/*
 * Whether libarchive may read a name of the cabinet with the hdrcharset
 * conversion: one without the UTF-8 flag (attribs 0x80) holding a byte
 * above 0x7f.  An ASCII name reads the same with it or without (libarchive
 * copies the bytes then), and a flagged one is read as UTF-8 either way;
 * setting the option costs an iconv_open (glibc loads its ISO8859-1 gconv
 * module: some ten page faults and as many system calls in a process),
 * for nothing when every name is so.  libarchive reads the file_count
 * entries from coffFiles on; true when they are not all in head.
 */
static bool names_need_charset(const mum_cab_header *h, const unsigned char *head, size_t head_len)
{
    enum { FILE_FIXED = 16, FILE_ATTRIBS = 14, ATTR_NAME_IS_UTF = 0x80 };
    size_t at = h->files_offset;
    for (size_t i = 0; i < h->file_count; i++) {
        if (at > head_len || head_len - at <= FILE_FIXED)
            return true;
        const unsigned char *name = head + at + FILE_FIXED;
        const unsigned char *nul = memchr(name, 0, head_len - at - FILE_FIXED);
        if (!nul)
            return true;
        if (!(mum__le16(head + at + FILE_ATTRIBS) & ATTR_NAME_IS_UTF))
            for (const unsigned char *c = name; c < nul; c++)
                if (*c > 0x7f)
                    return true;
        at = (size_t)(nul - head) + 1;
    }
    return false;
}

/*
 * Checks the header of a cabinet level and starts libarchive on it.  `head`
 * holds the first bytes (as many as were at hand).
 */
int mum__walk_start_cabinet(mum_walk *w, level *L, const unsigned char *head, size_t head_len,
                                   bool complete)
{
    L->type = MUM_CONTAINER_CABINET;
    mum_location loc = mum__walk_entry_loc(w, L->path);
    int rc = mum_cab_header_parse(&L->cab, w->ctx, &loc, head, head_len);
    if (rc != MUM_OK) {
        w->state = ST_FAILED;
        return w->status = rc;
    }
    const mum_cab_header *h = &L->cab;
    if (h->flags & (MUM_CAB_FLAG_PREV_CABINET | MUM_CAB_FLAG_NEXT_CABINET)) {
        return mum__walk_fail(w, MUM_EUNSUPPORTED, L->path,
                              "cabinet %u of a multi-cabinet set (previous '%s', next '%s'): "
                              "sets spanning several files are not supported",
                              (unsigned)h->cabinet_index + 1, h->prev_cabinet, h->next_cabinet);
    }
    if ((rc = mum_cab_tables_check(h, w->ctx, &loc, head, head_len, complete)) != MUM_OK) {
        w->state = ST_FAILED;
        return w->status = rc;
    }
    if (h->folders_known && h->files_offset > h->folders_end) {
        rc = mum__walk_finding(w, MUM_R_CONTAINER_HEADER_GAP, L->path,
                               "%" PRIu32 " bytes lie between the folder table (ends at %" PRIu32
                               ") and the file table (at %" PRIu32 "); readers that ignore the file "
                               "table's offset list other files",
                               h->files_offset - h->folders_end, h->folders_end, h->files_offset);
        if (rc != MUM_OK)
            return mum__walk_fail(w, rc, L->path, "out of memory");
    }
    /* The plain SHA-256 is of nested cabinets only: the input's own is not an entry's. */
    bool raw = (w->opt.flags & MUM_WALK_CONTAINER_SHA256) && L->depth > 0;
    bool whole = (w->opt.flags & MUM_WALK_SIGNATURES) || raw;
    if (whole) {
        unsigned flags = raw ? MUM_CAB_DIGEST_RAW : 0;
        if (w->threads)
            flags |= MUM_CAB_DIGEST_THREAD; /* off the decoding thread, the busiest */
        /* standard input cannot be read ahead: both digests; a nested
         * cabinet only when its parent is a file that stores it */
        if ((w->opt.flags & MUM_WALK_SIGNATURE_ONE_DIGEST) && L->fd >= 0 && !L->stream)
            rc = signature_alg_ahead(L, &flags);
        else if ((w->opt.flags & MUM_WALK_SIGNATURE_ONE_DIGEST) && L->fd < 0 && L->depth > 0)
            rc = nested_signature_alg_ahead(L, head, head_len, &flags);
        if (rc == MUM_OK)
            rc = mum_cab_digest_new(&L->digest, flags);
        if (rc != MUM_OK)
            return mum__walk_fail(w, rc, L->path, "cannot start the cabinet digest");
    }
    /* libarchive takes stored blocks of 32 KiB only (but the last) */
    if ((rc = mum__cab_reblock_new(&L->reblock, h, head, head_len)) != MUM_OK)
        return mum__walk_fail(w, rc, L->path, "out of memory");
    L->a = archive_read_new();
    if (!L->a)
        return mum__walk_fail(w, MUM_ENOMEM, L->path, "out of memory");
    archive_read_support_format_cab(L->a);
    /* Names without the UTF-8 flag are in a Windows code page; like
     * cabextract, read them as ISO-8859-1 so that no byte is lost (when
     * there is such a byte: names_need_charset). */
    if (names_need_charset(h, head, head_len))
        archive_read_set_format_option(L->a, "cab", "hdrcharset", "ISO-8859-1");
    /* Skipping by seeking is only allowed when no digest needs every byte. */
    archive_skip_callback *skip = (L->fd >= 0 && !L->stream && !whole) ? cb_skip : NULL;
    w->src_status = MUM_OK;
    if (archive_read_open2(L->a, L, NULL, cb_read, skip, NULL) != ARCHIVE_OK)
        return mum__walk_archive_fail(w, L->a, L->path);
    return MUM_OK;
}
