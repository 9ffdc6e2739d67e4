/*
 * cab_reblock.c - stored folders in CFDATA blocks of other sizes than
 * 32 KiB, regrouped for libarchive.
 *
 * MS-CAB lets a CFDATA block hold any size up to 32 768 bytes, and
 * Windows reads any; libarchive's cabinet reader (3.x) rejects a block
 * that is not the last of its folder unless it holds exactly 32 768
 * ("Invalid CFDATA").  So a valid cabinet of small blocks would fail.
 * For stored folders the walk regroups the blocks on their way to
 * libarchive: the data of a folder's blocks is cut again into blocks of
 * 32 768 (the last one shorter), each with its checksum, and the folder's
 * block count in the header is changed to match.  The region of the
 * folder keeps its length (zeros fill it after the last block), so every
 * offset libarchive reads or skips to is the cabinet's own, and so are
 * the offsets in its messages.  The digests see the cabinet's own bytes:
 * this only changes what libarchive is given.
 *
 * A block that already is what libarchive wants passes unchanged, header
 * and checksum included: cabinets of 32 KiB blocks give libarchive the
 * very bytes they did before.  A block whose checksum is wrong makes its
 * regrouped block's checksum wrong, so the corruption is still reported.
 * A block that is not a valid stored one (empty, over 32 768, packed and
 * unpacked sizes differing) ends the regrouping of its folder: from there
 * libarchive is given the bytes as they are, and reports them.  Compressed
 * folders are not regrouped (MSZIP blocks cannot be joined without
 * inflating them).  Once no folder is left to regroup the walk drops this
 * step, and libarchive reads the source's own buffers again (the digest
 * ring's slots among them) with no copy.
 */
#include "config.h"

#include "walk_internal.h"

#include <string.h>

enum { CAB_BLOCK = 32768, MAX_DATA = 65535 };

typedef struct rb_folder {
    uint64_t start;   /* coffCabStart */
    uint32_t blocks;  /* cCFData: the blocks to read */
    uint64_t cap;     /* data the regrouped blocks hold: their count times 32 768 */
    bool patched;     /* its block count is changed in the header */
} rb_folder;

typedef struct rb_patch {
    uint64_t at;      /* offset of cCFData in the header */
    uint16_t value;   /* the regrouped block count */
} rb_patch;

struct cab_reblock {
    rb_folder *folders;  /* the regrouped folders, by start */
    rb_patch *patches;
    size_t nfolders, npatches, next;   /* next: the folder still to come */
    size_t hsize;        /* CFDATA header: 8 + cbCFData */
    uint64_t pos;        /* offset in the cabinet's own bytes */
    uint64_t patch_end;  /* just past the last byte the header patches change */

    bool in_folder, raw; /* raw: the folder's blocks pass as they are */
    uint32_t left;       /* blocks of the folder still to read */
    uint64_t region_in, region_out, given;   /* the folder's bytes in and out, data given */

    unsigned char *blk;  /* the block being read: header and data */
    size_t blk_len;
    unsigned char *mb;   /* the regrouped block being filled: header and data */
    size_t mb_len;       /* its data bytes */
    bool mb_whole;       /* mb holds exactly one block, whole, from its start */
    bool mb_bad;         /* a block in mb had a wrong checksum */
    unsigned char *out;
    size_t out_len, out_cap;
    bool failed;         /* out of memory */
};

/* The CFDATA checksum of MS-CAB: XOR of little-endian 32-bit words, the
 * 1 to 3 bytes left taken most significant first. */
static uint32_t cab_checksum(const unsigned char *p, size_t n, uint32_t seed)
{
    uint32_t sum = seed;
    size_t i = 0;
    for (; i + 4 <= n; i += 4)
        sum ^= mum__le32(p + i);
    uint32_t t = 0;
    for (; i < n; i++)
        t = t << 8 | p[i];
    return sum ^ t;
}

static void put(cab_reblock *r, const void *p, size_t n)
{
    if (r->out_len + n > r->out_cap) {
        size_t cap = r->out_cap ? r->out_cap : 4096;
        while (cap < r->out_len + n)
            cap *= 2;
        unsigned char *o = mum__realloc(r->out, cap);
        if (!o) {
            r->failed = true;
            return;
        }
        r->out = o;
        r->out_cap = cap;
    }
    memcpy(r->out + r->out_len, p, n);
    r->out_len += n;
    if (r->in_folder)
        r->region_out += n;
}

/* Gives the regrouped block in mb; `orig` is the header to keep when mb is
 * one block as it was. */
static void flush(cab_reblock *r, const unsigned char *orig)
{
    if (!r->mb_len)
        return;
    unsigned char *h = r->mb;
    if (orig) {
        memcpy(h, orig, r->hsize);
    } else {
        memset(h, 0, r->hsize);
        mum__put_le16(h + 4, (uint16_t)r->mb_len);
        mum__put_le16(h + 6, (uint16_t)r->mb_len);
        uint32_t sum = cab_checksum(h + 4, r->hsize - 4, cab_checksum(h + r->hsize, r->mb_len, 0));
        if (r->mb_bad)
            sum = (sum ^ 1) ? sum ^ 1 : 2; /* wrong, and not 0 ("no checksum") */
        mum__put_le32(h, sum);
    }
    put(r, h, r->hsize + r->mb_len);
    r->given += r->mb_len;
    r->mb_len = 0;
    r->mb_whole = false;
    r->mb_bad = false;
}

/* The end of a folder's blocks: the rest of what it held, then zeros to
 * its own length. */
static void folder_end(cab_reblock *r)
{
    flush(r, NULL);
    static const unsigned char zero[256];
    while (r->region_out < r->region_in) {
        uint64_t n = r->region_in - r->region_out;
        put(r, zero, n < sizeof zero ? (size_t)n : sizeof zero);
        if (r->failed)
            break;
    }
    r->in_folder = false;
    r->next++;
}

/* A whole block is in blk. */
static void block_done(cab_reblock *r)
{
    rb_folder *f = &r->folders[r->next];
    const unsigned char *h = r->blk, *d = r->blk + r->hsize;
    size_t n = mum__le16(h + 4);
    uint32_t sum = mum__le32(h);
    bool bad = sum != 0 && cab_checksum(h + 4, r->hsize - 4, cab_checksum(d, n, 0)) != sum;
    r->blk_len = 0;
    r->left--;
    size_t take = n;
    if (take > f->cap - (r->given + r->mb_len))
        take = (size_t)(f->cap - (r->given + r->mb_len));
    bool alone = r->mb_len == 0 && take == n;
    for (size_t at = 0; at < take;) {
        size_t c = CAB_BLOCK - r->mb_len;
        if (c > take - at)
            c = take - at;
        memcpy(r->mb + r->hsize + r->mb_len, d + at, c);
        r->mb_len += c;
        r->mb_bad |= bad;
        at += c;
        if (r->mb_len == CAB_BLOCK && at < take)
            flush(r, NULL);
    }
    r->mb_whole = alone;
    if (r->mb_len == CAB_BLOCK || r->left == 0 || r->given + r->mb_len == f->cap)
        flush(r, r->mb_whole && r->mb_len == n ? h : NULL);
    if (r->left == 0)
        folder_end(r);
}

/* A block that is not a valid stored one: the folder's bytes pass as they are. */
static void go_raw(cab_reblock *r)
{
    flush(r, NULL);
    r->raw = true;
    put(r, r->blk, r->blk_len);
}

int mum__cab_reblock_feed(cab_reblock *r, const unsigned char *p, size_t n, const unsigned char **out,
                          size_t *out_len)
{
    r->out_len = 0;
    if (n == 0 && r->in_folder) { /* the end inside a folder: what is left, as it is */
        flush(r, NULL);
        if (!r->raw)
            put(r, r->blk, r->blk_len);
        r->blk_len = 0;
        r->in_folder = false;
        r->next = r->nfolders;
    }
    while (n && !r->failed) {
        if (!r->in_folder) {
            /* up to the next regrouped folder, with the header's counts changed */
            size_t c = n;
            if (r->next < r->nfolders && r->folders[r->next].start - r->pos < c)
                c = (size_t)(r->folders[r->next].start - r->pos);
            size_t at = r->out_len;
            put(r, p, c);
            if (r->failed)
                break;
            /* the patches lie in the header: past it, no chunk (one before
             * each folder) looks at them again */
            for (size_t i = 0; r->pos < r->patch_end && i < r->npatches; i++)
                for (unsigned b = 0; b < 2; b++)
                    if (r->patches[i].at + b >= r->pos && r->patches[i].at + b < r->pos + c)
                        r->out[at + (r->patches[i].at + b - r->pos)] = (unsigned char)(r->patches[i].value >> (8 * b));
            r->pos += c, p += c, n -= c;
            if (r->next < r->nfolders && r->pos == r->folders[r->next].start) {
                r->in_folder = true;
                r->raw = false;
                r->left = r->folders[r->next].blocks;
                r->region_in = r->region_out = r->given = 0;
            }
            continue;
        }
        /* a block of the folder: its header, then its data */
        size_t want = r->hsize;
        if (r->blk_len >= r->hsize)
            want += mum__le16(r->blk + 4);
        size_t c = want - r->blk_len < n ? want - r->blk_len : n;
        if (!r->raw || r->blk_len < r->hsize) /* raw: only the header, for its size */
            memcpy(r->blk + r->blk_len, p, c);
        if (r->raw)
            put(r, p, c);
        r->blk_len += c;
        r->region_in += c;
        r->pos += c, p += c, n -= c;
        if (r->blk_len < r->hsize)
            continue;
        size_t size = mum__le16(r->blk + 4);
        if (!r->raw && r->blk_len == r->hsize) {
            const rb_folder *f = &r->folders[r->next];
            if (size == 0 || size > CAB_BLOCK || size != mum__le16(r->blk + 6)) {
                go_raw(r);
            } else if (r->left == f->blocks && size == CAB_BLOCK && !f->patched) {
                /* blocks of 32 KiB, as libarchive wants: the folder passes
                 * as it is, and after the last such one, all the rest */
                go_raw(r);
                if (r->next + 1 == r->nfolders) {
                    r->in_folder = false;
                    r->next = r->nfolders;
                    r->blk_len = 0;
                    continue;
                }
            }
        }
        if (r->blk_len == r->hsize + size) {
            if (!r->raw) {
                block_done(r);
            } else {
                r->blk_len = 0;
                if (--r->left == 0)
                    folder_end(r);
            }
        }
    }
    if (r->failed)
        return MUM_ENOMEM;
    *out = r->out;
    *out_len = r->out_len;
    return MUM_OK;
}

bool mum__cab_reblock_done(const cab_reblock *r)
{
    return !r->in_folder && r->next == r->nfolders && r->pos >= r->patch_end;
}

void mum__cab_reblock_free(cab_reblock *r)
{
    if (!r)
        return;
    mum__free(r->folders);
    mum__free(r->patches);
    mum__free(r->blk);
    mum__free(r->mb);
    mum__free(r->out);
    mum__free(r);
}

/*
 * The stored folders of more than one block, from the header and the
 * folder and file tables in head: each folder's data is as long as its
 * files reach, in that many blocks of 32 768.  *out is NULL when no folder
 * is to be regrouped, or when the tables are not all in head.
 */
int mum__cab_reblock_new(cab_reblock **out, const mum_cab_header *h, const unsigned char *head, size_t len)
{
    *out = NULL;
    if (!h->folders_known || h->folder_count == 0 || !(h->compression_mask & 1))
        return MUM_OK;
    /* the folder table ends where the header parser found it: after the
     * reserve and the names of the previous and next cabinets */
    size_t fsize = 8 + (size_t)h->folder_reserve;
    if (h->folders_end > len || h->folders_end < (size_t)h->folder_count * fsize)
        return MUM_OK;
    size_t fo = h->folders_end - (size_t)h->folder_count * fsize;
    uint64_t *reach = mum__calloc(h->folder_count, sizeof *reach);
    if (!reach)
        return MUM_ENOMEM;
    size_t at = h->files_offset;
    for (uint32_t i = 0; i < h->file_count; i++) {
        if (at + 16 > len)
            goto none;
        uint16_t folder = mum__le16(head + at + 8);
        if (folder < h->folder_count) {
            uint64_t end = (uint64_t)mum__le32(head + at + 4) + mum__le32(head + at);
            if (end > reach[folder])
                reach[folder] = end;
        }
        const unsigned char *nul = memchr(head + at + 16, 0, len - at - 16);
        if (!nul)
            goto none;
        at = (size_t)(nul - head) + 1;
    }
    cab_reblock *r = mum__calloc(1, sizeof *r);
    if (!r)
        goto nomem;
    r->hsize = 8 + (size_t)h->data_reserve;
    /* at most one folder and one patch a folder of the table */
    r->folders = mum__calloc(h->folder_count, sizeof *r->folders);
    r->patches = mum__calloc(h->folder_count, sizeof *r->patches);
    if (!r->folders || !r->patches)
        goto nomem_r;
    for (uint16_t i = 0; i < h->folder_count; i++) {
        const unsigned char *f = head + fo + (size_t)i * fsize;
        uint16_t blocks = mum__le16(f + 4);
        uint64_t need = (reach[i] + CAB_BLOCK - 1) / CAB_BLOCK;
        if ((mum__le16(f + 6) & 0x000F) != 0 || blocks < 2 || need == 0 || need > blocks)
            continue;
        r->folders[r->nfolders++] = (rb_folder){mum__le32(f), blocks, need * CAB_BLOCK, need != blocks};
        if (need != blocks) {
            r->patches[r->npatches++] = (rb_patch){fo + (size_t)i * fsize + 4, (uint16_t)need};
            r->patch_end = fo + (size_t)i * fsize + 6;
        }
    }
    /* folders whose data comes after the tables, one after another */
    for (size_t i = 0; i < r->nfolders; i++)
        if (r->folders[i].start < at || (i && r->folders[i].start <= r->folders[i - 1].start)) {
            mum__cab_reblock_free(r);
            goto none;
        }
    if (r->nfolders == 0) {
        mum__cab_reblock_free(r);
        goto none;
    }
    if (!(r->blk = mum__malloc(r->hsize + MAX_DATA)) || !(r->mb = mum__malloc(r->hsize + CAB_BLOCK)))
        goto nomem_r;
    mum__free(reach);
    *out = r;
    return MUM_OK;
nomem_r:
    mum__cab_reblock_free(r);
nomem:
    mum__free(reach);
    return MUM_ENOMEM;
none:
    mum__free(reach);
    return MUM_OK;
}
