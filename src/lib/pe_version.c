/*
 * pe_version.c - the file version of a PE image's version resource, read
 * as the file streams past (pe_version.h).  Only what the version needs
 * is decoded: e_lfanew, the optional header's magic and resource
 * directory entry, the section table, then the resource tree
 * RT_VERSION / first name / first language down to its data entry, and
 * the VS_FIXEDFILEINFO of the VS_VERSIONINFO there.  The tree's depth is
 * fixed (three levels), so a tree whose offsets point back at itself
 * cannot make it loop.
 */
#include "config.h"

#include "pe_version.h"

#include <stdio.h>
#include <string.h>

enum {
    DOS_LFANEW_AT = 0x3c,
    COFF_SIZE = 20,
    SECTION_SIZE = 40,
    RESOURCE_DIR_INDEX = 2,      /* IMAGE_DIRECTORY_ENTRY_RESOURCE */
    RT_VERSION = 16,
    RES_DIR_SIZE = 16,           /* IMAGE_RESOURCE_DIRECTORY */
    RES_ENTRY_SIZE = 8,
    RES_DATA_SIZE = 16,          /* IMAGE_RESOURCE_DATA_ENTRY */
    VS_KEY_AT = 6,               /* wLength, wValueLength, wType, then szKey */
    VS_FIXED_AT = 40,            /* "VS_VERSION_INFO\0" in UTF-16, padded to 32 bits */
    VS_FIXED_SIZE = 52,
    VS_FIXED_SIGNATURE = 0xFEEF04BD
};

typedef enum phase {
    PHASE_HEAD = 0,              /* keeping the headers until they say where .rsrc is */
    PHASE_TREE,                  /* keeping the resource section's bytes until the tree
                                    says where the VS_VERSIONINFO lies */
    PHASE_FIXED,                 /* keeping the bytes of the VS_VERSIONINFO the checks read */
    PHASE_NONE                   /* no version to be found */
} phase;

enum { FIXED_NEED = VS_FIXED_AT + VS_FIXED_SIZE }; /* the bytes of a VS_VERSIONINFO read */

struct mum__pe_version {
    phase phase;
    int status;                  /* MUM_ENOMEM once an allocation failed */
    uint64_t pos;                /* bytes seen */
    uint8_t *head;
    size_t head_len, head_cap;
    /* the resource directory: file offsets [rsrc_off, rsrc_end), at rsrc_rva */
    uint64_t rsrc_off, rsrc_end;
    uint32_t rsrc_rva;
    /* PHASE_TREE: the range's bytes from its start, as they arrived */
    uint8_t *rsrc;
    size_t rsrc_len, rsrc_cap;
    /* PHASE_FIXED: the VS_VERSIONINFO at fixed_at (an offset in the range),
     * its first FIXED_NEED bytes as they arrive */
    uint64_t fixed_at;
    uint8_t fixed[FIXED_NEED];
    size_t fixed_len;
};

int mum__pe_version_new(mum__pe_version **out)
{
    *out = mum__calloc(1, sizeof **out);
    return *out ? MUM_OK : MUM_ENOMEM;
}

void mum__pe_version_free(mum__pe_version *v)
{
    if (!v)
        return;
    mum__free(v->head);
    mum__free(v->rsrc);
    mum__free(v);
}

static bool append(uint8_t **buf, size_t *len, size_t *cap, const uint8_t *data, size_t size)
{
    if (size == 0) /* nothing to copy, and no buffer yet maybe: memcpy(NULL, ..., 0) is undefined */
        return true;
    if (*len + size > *cap) {
        size_t want = *cap ? *cap : 4096;
        while (want < *len + size)
            want *= 2;
        uint8_t *p = mum__realloc(*buf, want);
        if (!p)
            return false;
        *buf = p;
        *cap = want;
    }
    memcpy(*buf + *len, data, size);
    *len += size;
    return true;
}

/* Appends to a window of the file that fills from its start: the part of
 * the bytes at file offset `at` that the window [start, end) still needs
 * (bytes arrive in order). */
static bool fill(uint64_t start, uint64_t end, size_t *len, const uint8_t *data, uint64_t at, size_t size,
                 uint8_t **buf, size_t *cap)
{
    uint64_t want = start + *len; /* the next byte the window needs */
    uint64_t stop = at + size < end ? at + size : end;
    if (want >= end || stop <= want || at > want)
        return true;
    if (!cap) { /* a fixed buffer of end - start bytes */
        memcpy(*buf + *len, data + (want - at), (size_t)(stop - want));
        *len += (size_t)(stop - want);
        return true;
    }
    return append(buf, len, cap, data + (want - at), (size_t)(stop - want));
}

typedef enum tree_result { TREE_MORE, TREE_FOUND, TREE_NONE } tree_result;

static tree_result locate(const mum__pe_version *v, const uint8_t *r, size_t held, uint64_t limit,
                          uint64_t *fixed_at);

/* Takes the bytes at file offset `at` that the reader is waiting for, and
 * moves on once the tree says where the version is: from then on only that
 * VS_VERSIONINFO's first bytes are kept, not the section up to it (a large
 * resource section would otherwise be held whole, up to its bound). */
static int capture(mum__pe_version *v, uint64_t at, const uint8_t *data, size_t size)
{
    if (v->phase == PHASE_TREE) {
        uint64_t fixed_at;
        tree_result r;
        if (v->rsrc_len == 0 && at <= v->rsrc_off && v->rsrc_off < at + size) {
            /* the range starts in this block and nothing of it is held:
             * read the tree where it lies, and keep its bytes only if it
             * goes on (the copy holds just what was read: no new answer) */
            uint64_t end = at + size < v->rsrc_end ? at + size : v->rsrc_end;
            r = locate(v, data + (v->rsrc_off - at), (size_t)(end - v->rsrc_off), v->rsrc_end - v->rsrc_off,
                       &fixed_at);
            if (r == TREE_MORE &&
                !fill(v->rsrc_off, v->rsrc_end, &v->rsrc_len, data, at, size, &v->rsrc, &v->rsrc_cap))
                return v->status = MUM_ENOMEM;
        } else {
            if (!fill(v->rsrc_off, v->rsrc_end, &v->rsrc_len, data, at, size, &v->rsrc, &v->rsrc_cap))
                return v->status = MUM_ENOMEM;
            r = locate(v, v->rsrc, v->rsrc_len, v->rsrc_end - v->rsrc_off, &fixed_at);
        }
        if (r == TREE_MORE)
            return MUM_OK;
        if (r == TREE_NONE) {
            v->phase = PHASE_NONE;
        } else {
            v->phase = PHASE_FIXED;
            v->fixed_at = fixed_at;
            /* what of it has arrived already, then the rest of this block */
            uint8_t *fixed = v->fixed;
            fill(v->rsrc_off + fixed_at, v->rsrc_off + fixed_at + FIXED_NEED, &v->fixed_len, v->rsrc,
                 v->rsrc_off, v->rsrc_len, &fixed, NULL);
            fill(v->rsrc_off + fixed_at, v->rsrc_off + fixed_at + FIXED_NEED, &v->fixed_len, data, at, size,
                 &fixed, NULL);
        }
        mum__free(v->rsrc);
        v->rsrc = NULL;
        v->rsrc_len = v->rsrc_cap = 0;
        return MUM_OK;
    }
    if (v->phase == PHASE_FIXED) {
        uint8_t *fixed = v->fixed;
        fill(v->rsrc_off + v->fixed_at, v->rsrc_off + v->fixed_at + FIXED_NEED, &v->fixed_len, data, at, size,
             &fixed, NULL);
    }
    return MUM_OK;
}

typedef enum head_result { HEAD_MORE, HEAD_FOUND, HEAD_NONE } head_result;

/* Reads where the resource directory lies from the headers at hand. */
static head_result parse_head(mum__pe_version *v, const uint8_t *p, uint64_t avail)
{
    if (avail < DOS_LFANEW_AT + 4)
        return avail >= 2 && (p[0] != 'M' || p[1] != 'Z') ? HEAD_NONE : HEAD_MORE;
    if (p[0] != 'M' || p[1] != 'Z')
        return HEAD_NONE;
    uint64_t pe = mum__le32(p + DOS_LFANEW_AT);
    uint64_t coff = pe + 4, opt = coff + COFF_SIZE;
    if (opt + 2 > MUM_PE_VERSION_HEAD_LIMIT)
        return HEAD_NONE;
    if (opt + 2 > avail)
        return HEAD_MORE;
    if (memcmp(p + pe, "PE\0\0", 4) != 0)
        return HEAD_NONE;
    uint64_t nsec = mum__le16(p + coff + 2);
    uint64_t opt_size = mum__le16(p + coff + 16);
    uint16_t magic = mum__le16(p + opt);
    uint64_t nrva_at = magic == 0x10b ? 92 : magic == 0x20b ? 108 : 0;
    if (!nrva_at)
        return HEAD_NONE;
    uint64_t dir_at = nrva_at + 4 + RESOURCE_DIR_INDEX * 8;
    if (opt_size < dir_at + 8)
        return HEAD_NONE;
    uint64_t table = opt + opt_size, table_end = table + nsec * SECTION_SIZE;
    if (table_end > MUM_PE_VERSION_HEAD_LIMIT)
        return HEAD_NONE;
    if (table_end > avail)
        return HEAD_MORE;
    if (mum__le32(p + opt + nrva_at) <= RESOURCE_DIR_INDEX)
        return HEAD_NONE;
    uint32_t rva = mum__le32(p + opt + dir_at);
    uint32_t size = mum__le32(p + opt + dir_at + 4);
    if (rva == 0 || size == 0)
        return HEAD_NONE;
    /* the section whose memory image holds the directory: [VirtualAddress,
     * + VirtualSize) (SizeOfRawData when VirtualSize is 0), of which the
     * file holds the first SizeOfRawData bytes.  Not the raw size alone: a
     * linker pads raw data past the section's end in memory, and a section
     * before .rsrc may so seem to hold it. */
    for (uint64_t i = 0; i < nsec; i++) {
        const uint8_t *s = p + table + i * SECTION_SIZE;
        uint64_t vsize = mum__le32(s + 8), va = mum__le32(s + 12), raw_size = mum__le32(s + 16),
                 raw_ptr = mum__le32(s + 20);
        uint64_t mem = vsize ? vsize : raw_size;
        uint64_t in_file = raw_size < mem ? raw_size : mem;
        if (rva < va || rva >= va + in_file)
            continue;
        v->rsrc_rva = rva;
        v->rsrc_off = raw_ptr + (rva - va);
        v->rsrc_end = raw_ptr + in_file;
        if (v->rsrc_end - v->rsrc_off > MUM_PE_VERSION_RSRC_LIMIT)
            v->rsrc_end = v->rsrc_off + MUM_PE_VERSION_RSRC_LIMIT;
        return HEAD_FOUND;
    }
    return HEAD_NONE;
}

int mum__pe_version_update(mum__pe_version *v, const void *data, size_t size)
{
    const uint8_t *d = data;
    if (v->status != MUM_OK)
        return v->status;
    uint64_t at = v->pos;
    v->pos += size;
    if (v->phase == PHASE_HEAD) {
        size_t room = MUM_PE_VERSION_HEAD_LIMIT - v->head_len;
        size_t take = size < room ? size : room;
        /* headers that lie whole in the first block (most files' first
         * block holds all of them) are read where they are, not copied */
        bool in_place = v->head_len == 0;
        if (!in_place && !append(&v->head, &v->head_len, &v->head_cap, d, take))
            return v->status = MUM_ENOMEM;
        size_t held = in_place ? take : v->head_len;
        head_result r = parse_head(v, in_place ? d : v->head, held);
        if (r == HEAD_MORE && held >= MUM_PE_VERSION_HEAD_LIMIT)
            r = HEAD_NONE;
        if (r == HEAD_MORE) {
            if (in_place && !append(&v->head, &v->head_len, &v->head_cap, d, take))
                return v->status = MUM_ENOMEM;
            return MUM_OK;
        }
        if (r == HEAD_NONE) {
            v->phase = PHASE_NONE;
        } else if (in_place) {
            v->phase = PHASE_TREE; /* at is 0: this block is the file's start */
            if (capture(v, at, d, size) != MUM_OK)
                return v->status;
        } else {
            /* the range may start inside the headers kept, and go on in this block */
            v->phase = PHASE_TREE;
            if (capture(v, 0, v->head, v->head_len) != MUM_OK)
                return v->status;
            if (take < size && capture(v, at + take, d + take, size - take) != MUM_OK)
                return v->status;
        }
        mum__free(v->head);
        v->head = NULL;
        v->head_len = v->head_cap = 0;
        return MUM_OK;
    }
    return capture(v, at, d, size);
}

/* Whether the n bytes at offset `off` of the resource range can be read
 * from the `held` bytes of it: TREE_FOUND; never (past `limit`, where the
 * range ends): TREE_NONE; not yet: TREE_MORE. */
static tree_result need(uint64_t off, uint64_t n, size_t held, uint64_t limit)
{
    if (off + n <= held)
        return TREE_FOUND;
    return off + n > limit ? TREE_NONE : TREE_MORE;
}

/* In *target, the OffsetToData of the entry with id `id` of the resource
 * directory at `dir` (its first entry when id is negative); TREE_NONE when
 * there is none, TREE_MORE while the bytes it lies in have not arrived.
 * Offsets are from the start of the resource directory, as the tree writes
 * them. */
static tree_result dir_entry(const uint8_t *r, size_t held, uint64_t limit, uint64_t dir, long id,
                             uint32_t *target)
{
    tree_result t = need(dir, RES_DIR_SIZE, held, limit);
    if (t != TREE_FOUND)
        return t;
    uint64_t named = mum__le16(r + dir + 12), ids = mum__le16(r + dir + 14);
    uint64_t first = id < 0 ? 0 : named; /* ids follow the named entries */
    for (uint64_t i = first; i < named + ids; i++) {
        uint64_t e = dir + RES_DIR_SIZE + i * RES_ENTRY_SIZE;
        if ((t = need(e, RES_ENTRY_SIZE, held, limit)) != TREE_FOUND)
            return t;
        uint32_t name = mum__le32(r + e);
        if (id < 0 || (!(name & 0x80000000u) && name == (uint32_t)id)) {
            *target = mum__le32(r + e + 4);
            return TREE_FOUND;
        }
    }
    return TREE_NONE;
}

static bool subdir(uint32_t target, uint64_t *dir)
{
    if (!(target & 0x80000000u))
        return false;
    *dir = target & 0x7fffffffu;
    return true;
}

/* Follows RT_VERSION / first name / first language to its data entry in
 * the bytes held of the resource range, whose whole length is `limit`: in
 * *fixed_at the offset in the range of the VS_VERSIONINFO, when its first
 * FIXED_NEED bytes lie in the range. */
static tree_result locate(const mum__pe_version *v, const uint8_t *r, size_t held, uint64_t limit,
                          uint64_t *fixed_at)
{
    uint32_t t;
    uint64_t names, langs;
    tree_result k;
    if ((k = dir_entry(r, held, limit, 0, RT_VERSION, &t)) != TREE_FOUND)
        return k;
    if (!subdir(t, &names))
        return TREE_NONE;
    if ((k = dir_entry(r, held, limit, names, -1, &t)) != TREE_FOUND)
        return k;
    if (!subdir(t, &langs))
        return TREE_NONE;
    if ((k = dir_entry(r, held, limit, langs, -1, &t)) != TREE_FOUND)
        return k;
    if (t & 0x80000000u)
        return TREE_NONE;
    uint64_t data = t;
    if ((k = need(data, RES_DATA_SIZE, held, limit)) != TREE_FOUND)
        return k;
    uint64_t rva = mum__le32(r + data), size = mum__le32(r + data + 4);
    if (rva < v->rsrc_rva || size < FIXED_NEED || rva - v->rsrc_rva + FIXED_NEED > limit)
        return TREE_NONE;
    *fixed_at = rva - v->rsrc_rva;
    return TREE_FOUND;
}

/* The version in the VS_VERSIONINFO's first FIXED_NEED bytes. */
static bool read_fixed(const uint8_t *o, uint32_t *ms, uint32_t *ls)
{
    static const char key[] = "VS_VERSION_INFO";
    for (size_t i = 0; i < sizeof key; i++) /* with its NUL */
        if (o[VS_KEY_AT + 2 * i] != (uint8_t)key[i] || o[VS_KEY_AT + 2 * i + 1] != 0)
            return false;
    uint64_t total = mum__le16(o), value = mum__le16(o + 2);
    if (total < FIXED_NEED || value < VS_FIXED_SIZE || mum__le32(o + VS_FIXED_AT) != VS_FIXED_SIGNATURE)
        return false;
    *ms = mum__le32(o + VS_FIXED_AT + 8);
    *ls = mum__le32(o + VS_FIXED_AT + 12);
    return true;
}

size_t mum__pe_version_held(const mum__pe_version *v)
{
    return v->head_cap + v->rsrc_cap;
}

int mum__pe_version_finish(mum__pe_version *v, char *out, size_t out_size)
{
    if (v->status != MUM_OK)
        return v->status;
    uint32_t ms, ls;
    if (v->phase == PHASE_TREE) {
        /* the file ended inside the range: what arrived is all there is */
        uint64_t fixed_at;
        if (locate(v, v->rsrc, v->rsrc_len, v->rsrc_len, &fixed_at) != TREE_FOUND)
            return MUM_ENOTFOUND;
        v->phase = PHASE_FIXED;
        v->fixed_at = fixed_at;
        memcpy(v->fixed, v->rsrc + fixed_at, FIXED_NEED);
        v->fixed_len = FIXED_NEED;
    }
    if (v->phase != PHASE_FIXED || v->fixed_len < FIXED_NEED || !read_fixed(v->fixed, &ms, &ls))
        return MUM_ENOTFOUND;
    int n = snprintf(out, out_size, "%u.%u.%u.%u", (unsigned)(ms >> 16), (unsigned)(ms & 0xffff),
                     (unsigned)(ls >> 16), (unsigned)(ls & 0xffff));
    return n > 0 && (size_t)n < out_size ? MUM_OK : MUM_ENOTFOUND;
}

int mum__pe_version_of(const void *data, size_t size, char *out, size_t out_size)
{
    mum__pe_version *v;
    int rc = mum__pe_version_new(&v);
    if (rc == MUM_OK)
        rc = mum__pe_version_update(v, data, size);
    if (rc == MUM_OK)
        rc = mum__pe_version_finish(v, out, out_size);
    mum__pe_version_free(v);
    return rc;
}
