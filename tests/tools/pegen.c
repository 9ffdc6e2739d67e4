/*
 * pegen.c - see pegen.h.  Field offsets follow the PE/COFF specification.
 */
#include "pegen.h"

#include <stdlib.h>
#include <string.h>

enum { LFANEW = 0x80, FILE_ALIGN = 0x200, SECT_ALIGN = 0x1000 };

static void put16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, v);
    put16(p + 2, v >> 16);
}

static size_t align_up(size_t v, size_t a)
{
    return (v + a - 1) / a * a;
}

uint8_t *pegen_build(const pegen_opts *o, size_t *size)
{
    if (o->sections > 16)
        return NULL;
    unsigned opt_size = o->pe32plus ? 240 : 224;
    unsigned ndirs = o->few_dirs ? 4 : 16;
    size_t sect_table = LFANEW + 4 + 20 + opt_size;
    size_t headers = align_up(sect_table + 40 * (size_t)o->sections, FILE_ALIGN);
    /* section i holds (i + 1) file-alignment units */
    size_t total = headers;
    for (unsigned i = 0; i < o->sections; i++)
        total += (size_t)(i + 1) * FILE_ALIGN + (i ? o->gap : 0);
    total += o->overlay;
    uint8_t *p = calloc(1, total);
    if (!p)
        return NULL;

    /* DOS header and a stub message */
    p[0] = 'M';
    p[1] = 'Z';
    put32(p + 0x3c, LFANEW);
    memcpy(p + 0x40, "mumtool test image, not a program", 33);
    memcpy(p + LFANEW, "PE\0\0", 4);

    uint8_t *coff = p + LFANEW + 4;
    put16(coff, o->pe32plus ? 0x8664 : 0x14c);
    put16(coff + 2, o->sections);
    put32(coff + 4, 0x5f5e1000u);           /* TimeDateStamp */
    put16(coff + 16, opt_size);
    put16(coff + 18, o->pe32plus ? 0x2022 : 0x2102); /* a DLL */

    uint8_t *opt = coff + 20;
    put16(opt, o->pe32plus ? 0x20b : 0x10b);
    opt[2] = 14;                            /* linker version */
    put32(opt + 32, SECT_ALIGN);
    put32(opt + 36, FILE_ALIGN);
    put16(opt + 40, 6);                     /* OS version 6.0 */
    put16(opt + 48, 6);                     /* subsystem version */
    put32(opt + 60, (uint32_t)headers);
    put32(opt + 64, o->checksum);
    put16(opt + 68, 3);                     /* console subsystem */
    put32(opt + (o->pe32plus ? 108 : 92), ndirs);

    size_t at = headers;
    uint32_t rva = SECT_ALIGN;
    uint32_t state = o->seed * 2654435761u + 12345u;
    for (unsigned i = 0; i < o->sections; i++) {
        uint8_t *s = p + sect_table + 40 * (size_t)i;
        size_t raw = (size_t)(i + 1) * FILE_ALIGN;
        if (i)
            at += o->gap;
        s[0] = '.';
        s[1] = (uint8_t)('a' + i);
        s[2] = 's';
        put32(s + 8, (uint32_t)raw);        /* VirtualSize */
        put32(s + 12, rva);                 /* VirtualAddress */
        put32(s + 16, (uint32_t)raw);       /* SizeOfRawData */
        put32(s + 20, (uint32_t)at);        /* PointerToRawData */
        put32(s + 36, 0x40000040u);         /* initialised data, readable */
        for (size_t k = 0; k < raw; k++) {
            state = state * 1103515245u + 12345u;
            p[at + k] = (uint8_t)(state >> 16);
        }
        at += raw;
        rva += (uint32_t)align_up(raw, SECT_ALIGN);
    }
    for (size_t k = 0; k < o->overlay; k++)
        p[at + k] = (uint8_t)(0xa5 ^ k);
    put32(opt + 56, rva);                   /* SizeOfImage */
    *size = total;
    return p;
}
