/*
 * utf16.c - the UTF-16 text of Microsoft's structures (BMPString is
 * big-endian, CAT_NAMEVALUE values and v1 member tags little-endian).
 */
#include "config.h"

#include "crypto.h"

#include <string.h>

static uint32_t unit_at(const uint8_t *p, bool be)
{
    return be ? (uint32_t)((p[0] << 8) | p[1]) : (uint32_t)(p[0] | (p[1] << 8));
}

char *mum__utf16_to_utf8(const uint8_t *p, size_t len, bool big_endian, bool *bad)
{
    *bad = false;
    if (len % 2) {
        *bad = true;
        return NULL;
    }
    size_t units = len / 2;
    if (units && unit_at(p + 2 * (units - 1), big_endian) == 0)
        units--;
    /* a unit gives at most 3 bytes, a surrogate pair (two units) 4 */
    char *out = mum__malloc(3 * units + 1), *o = out;
    if (!out)
        return NULL;
    for (size_t i = 0; i < units; i++) {
        /* ASCII, what nearly every catalog's tags and names are: little-endian
         * units four at a time while none is 0 or above 0x7F (a zero unit
         * sets its lane's top bit in w - 1 & ~w) */
        if (!big_endian) {
            for (; i + 4 <= units; i += 4, o += 4) {
                uint64_t w = mum__le64(p + 2 * i);
                if ((w & UINT64_C(0xFF80FF80FF80FF80)) ||
                    ((w - UINT64_C(0x0001000100010001)) & ~w & UINT64_C(0x8000800080008000)))
                    break;
                o[0] = (char)w;
                o[1] = (char)(w >> 16);
                o[2] = (char)(w >> 32);
                o[3] = (char)(w >> 48);
            }
            if (i == units)
                break;
        }
        uint32_t c = unit_at(p + 2 * i, big_endian);
        if (c - 1 < 0x7f) {
            *o++ = (char)c;
            continue;
        }
        if (c >= 0xd800 && c <= 0xdbff && i + 1 < units) {
            uint32_t lo = unit_at(p + 2 * (i + 1), big_endian);
            if (lo >= 0xdc00 && lo <= 0xdfff) {
                c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
                i++;
            }
        }
        if (c == 0 || (c >= 0xd800 && c <= 0xdfff)) {
            *bad = true;
            mum__free(out);
            return NULL;
        }
        o += mum__utf8_encode(c, o);
    }
    *o = '\0';
    return out;
}

static void put_unit(uint8_t *p, uint32_t u, bool be)
{
    p[be ? 1 : 0] = (uint8_t)(u & 0xff);
    p[be ? 0 : 1] = (uint8_t)(u >> 8);
}

uint8_t *mum__utf8_to_utf16(const char *s, bool big_endian, bool nul, size_t *len, bool *bad)
{
    *bad = false;
    size_t n = strlen(s);
    if (!mum__utf8_valid(s, n)) {
        *bad = true;
        return NULL;
    }
    /* at most one unit per byte, plus the NUL */
    if (n > (SIZE_MAX - 2) / 2) {
        *bad = true;
        return NULL;
    }
    uint8_t *out = mum__malloc(2 * n + 2);
    if (!out)
        return NULL;
    size_t k = 0, i = 0;
    while (i < n) {
        int32_t c = mum__utf8_next(s, n, &i);
        if (c >= 0x10000) {
            uint32_t v = (uint32_t)c - 0x10000;
            put_unit(out + k, 0xd800 + (v >> 10), big_endian);
            put_unit(out + k + 2, 0xdc00 + (v & 0x3ff), big_endian);
            k += 4;
        } else {
            put_unit(out + k, (uint32_t)c, big_endian);
            k += 2;
        }
    }
    if (nul) {
        put_unit(out + k, 0, big_endian);
        k += 2;
    }
    *len = k;
    return out;
}
