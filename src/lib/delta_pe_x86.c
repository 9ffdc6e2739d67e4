/*
 * delta_pe_x86.c - the i386-only source transforms of PA30 deltas of file
 * type I386 (doc/pa30.md, "PE file types"): the marking of the bytes
 * outside code (flag 0x2) and the mapping of relative jumps (0x80) and
 * calls (0x100) through the RVA map.  delta_pe.c reads the image and the
 * preprocessing data, marks what the table transforms own, handles flag
 * 0x40 (lock prefixes) and runs these in the order Windows does.
 *
 * The passes do not disassemble: they scan the executable sections byte by
 * byte for the opcodes, as Windows does, and decide by the destination
 * (inside the image, not owned) whether a match is a branch.  So the result
 * is exact only when every rule below is Windows' own: turned off one at a
 * time, each but the owned-0F one breaks genuine express deltas of the x86
 * packages, which all match their hashes with them (doc/pa30.md).
 */
#include "config.h"

#include "delta_internal.h"

#include <inttypes.h>

enum { SCN_MEM_EXECUTE = 0x20000000u };

int64_t mum__rift_map(const mum__rift *map, size_t n, int64_t rva)
{
    /* The last entry whose source is <= rva (binary search). */
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (map[mid].source <= rva)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return rva;
    const mum__rift *e = &map[lo - 1];
    return (int64_t)((uint64_t)rva + ((uint64_t)e->target - (uint64_t)e->source));
}

/* The file bytes [*from, *to) a section's code occupies: its raw data, no
 * longer than its virtual size, clipped to the image. */
static bool code_range(const mum__pe_x86 *x, const mum__pe_section *s, size_t *from, size_t *to)
{
    if (!(s->flags & SCN_MEM_EXECUTE))
        return false;
    uint64_t len = s->vsize < s->raw_size ? s->vsize : s->raw_size;
    uint64_t end = (uint64_t)s->raw + len;
    *from = s->raw < x->size ? s->raw : x->size;
    *to = end < x->size ? (size_t)end : x->size;
    return *from < *to;
}

/* The extent of a section in RVAs: the larger of its virtual and raw sizes
 * (Windows counts the raw padding past a short VirtualSize as the
 * section's). */
static bool section_has(const mum__pe_section *s, uint32_t rva)
{
    uint64_t len = s->vsize > s->raw_size ? s->vsize : s->raw_size;
    return rva >= s->va && (uint64_t)rva < (uint64_t)s->va + len;
}

/* Whether a branch to `rva` is one to map: a destination inside the image
 * (below SizeOfImage, in the headers or in a section) whose byte no
 * transform owns.  A byte of data that happens to be E8 or E9 mostly points
 * elsewhere, which is what lets a byte scan stand for a disassembler. */
static bool branch_to_map(mum__pe_x86 *x, uint32_t rva)
{
    if (rva == 0 || rva >= x->size_of_image)
        return false;
    x->work += x->nsec;
    uint64_t first = UINT64_MAX; /* the lowest section RVA */
    const mum__pe_section *in = NULL;
    for (unsigned i = 0; i < x->nsec; i++) {
        const mum__pe_section *s = &x->sec[i];
        if (s->vsize == 0 && s->raw_size == 0)
            continue;
        if (s->va < first)
            first = s->va;
        if (!in && section_has(s, rva))
            in = s;
    }
    /* The owner byte of the destination: the headers lie at their RVA; in
     * a section, at its file offset (which may fall past the raw data, in
     * the file or past it: then nothing owns it). */
    uint64_t at;
    if (rva < first)
        at = rva;
    else if (in)
        at = in->raw_size ? (uint64_t)in->raw + (rva - in->va) : rva;
    else
        return false;
    return !(at < x->size && x->owned[at]);
}

static bool owned_any(const mum__pe_x86 *x, size_t at, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (x->owned[at + i])
            return true;
    return false;
}

static int32_t get_s32(const uint8_t *p)
{
    return (int32_t)mum__le32(p);
}

static void put_s32(uint8_t *p, int32_t v)
{
    mum__put_le32(p, (uint32_t)v);
}

/* The displacement of a branch whose next instruction is at `next` (source
 * RVA) to `dest`, once both are mapped to the target. */
static int32_t mapped_disp(const mum__pe_x86 *x, uint32_t next, uint32_t dest)
{
    int64_t d = mum__rift_map(x->map, x->nmap, dest) - mum__rift_map(x->map, x->nmap, next);
    return (int32_t)(uint32_t)(uint64_t)d;
}

/* The work of the scans is bounded: genuine images have a few sections
 * that do not overlap, a hostile one could have 65535 that each cover the
 * whole image (a byte scan of each, a section lookup per candidate). */
static int over_budget(mum__pe_x86 *x, const char *pass)
{
    return mum__error(x->ctx, MUM_ELIMIT, NULL,
                      "PA30 delta: the source: the i386 %s: %u sections whose "
                      "executable data overlap, more work than %" PRIu64 " steps",
                      pass, x->nsec, x->budget);
}

static uint64_t budget(const mum__pe_x86 *x)
{
    return 64 * (uint64_t)x->size + 65536;
}

int mum__pe_x86_mark_non_exe(mum__pe_x86 *x)
{
    x->work = x->size;
    x->budget = budget(x);
    memset(x->owned, 1, x->size);
    for (unsigned i = 0; i < x->nsec; i++) {
        size_t from, to;
        if (!code_range(x, &x->sec[i], &from, &to))
            continue;
        x->work += to - from;
        if (x->work > x->budget)
            return over_budget(x, "non-code marking");
        memset(x->owned + from, 0, to - from);
    }
    return MUM_OK;
}

/* What a pass does at byte i of a section's code [from, to), i + 5 <= to:
 * the index where the scan goes on. */
typedef size_t (*branch_step)(mum__pe_x86 *x, const mum__pe_section *s, size_t from, size_t i);

/* Runs `step` over each executable section's code, within the budget. */
static int scan_code(mum__pe_x86 *x, const char *pass, branch_step step)
{
    x->work = 0;
    x->budget = budget(x);
    for (unsigned k = 0; k < x->nsec; k++) {
        const mum__pe_section *s = &x->sec[k];
        size_t from, to;
        if (!code_range(x, s, &from, &to))
            continue;
        x->work += to - from;
        for (size_t i = from; i < to && to - i >= 5;) {
            if (x->work > x->budget)
                return over_budget(x, pass);
            i = step(x, s, from, i);
        }
    }
    return MUM_OK;
}

static size_t call_at(mum__pe_x86 *x, const mum__pe_section *s, size_t from, size_t i)
{
    if (x->img[i] != 0xE8 || owned_any(x, i, 5))
        return i + 1;
    uint32_t next = s->va + (uint32_t)(i - from) + 5;
    int32_t disp = get_s32(x->img + i + 1);
    uint32_t dest = next + (uint32_t)disp;
    if (!branch_to_map(x, dest))
        return i + 1;
    put_s32(x->img + i + 1, mapped_disp(x, next, dest));
    return i + 5;
}

int mum__pe_x86_calls(mum__pe_x86 *x)
{
    return scan_code(x, "call transform", call_at);
}

static size_t jmp_at(mum__pe_x86 *x, const mum__pe_section *s, size_t from, size_t i)
{
    /* d: the opcode byte the rel32 follows (E9, or the 8x of 0F 8x). */
    size_t d;
    bool can_short = true;
    if (x->img[i] == 0xE9) {
        d = i;
    } else if (x->img[i] == 0x0F && (x->img[i + 1] & 0xF0) == 0x80) {
        d = i + 1;
        /* Shortening rewrites the 0F: only if no one owns it. */
        can_short = !x->owned[i];
    } else {
        return i + 1;
    }
    /* The rel32 of a 0F 8x at the section's last bytes may reach
     * past it, not past the image. */
    if (x->size - d < 5 || owned_any(x, d, 5))
        return i + 1;
    int32_t disp = get_s32(x->img + d + 1);
    /* A near form whose displacement would fit a byte is not what
     * a compiler emits: not a jump. */
    if (disp >= -128 && disp <= 127)
        return i + 1;
    uint32_t next = s->va + (uint32_t)(d - from) + 5;
    uint32_t dest = next + (uint32_t)disp;
    if (!branch_to_map(x, dest))
        return i + 1;
    int32_t nd = mapped_disp(x, next, dest);
    if (can_short && nd >= -128 && nd <= 127) {
        /* Windows shortens it, leaving the 3 bytes after stale. */
        if (x->img[d] == 0xE9) {
            x->img[d] = 0xEB;
            x->img[d + 1] = (uint8_t)nd;
        } else {
            x->img[d - 1] = (uint8_t)(0x70 | (x->img[d] & 0x0F));
            x->img[d] = (uint8_t)nd;
        }
    } else {
        put_s32(x->img + d + 1, nd);
    }
    return d + 5;
}

int mum__pe_x86_jmps(mum__pe_x86 *x)
{
    return scan_code(x, "jump transform", jmp_at);
}
