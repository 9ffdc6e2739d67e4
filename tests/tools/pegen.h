/*
 * pegen.h - builds small, valid PE32 / PE32+ images in memory for the tests
 * (tests/tools/mkpe writes them to files for the osslsigncode oracle; the
 * unit tests damage them to make malformed inputs).  The images carry no
 * code: sections are filled with bytes from a seeded generator, so every
 * option set gives the same bytes on every machine.
 */
#ifndef MUM_PEGEN_H
#define MUM_PEGEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct pegen_opts {
    bool pe32plus;       /* PE32+ (amd64) instead of PE32 (x86) */
    unsigned sections;   /* number of sections, 0..16 */
    unsigned gap;        /* bytes left between consecutive sections' raw data */
    unsigned overlay;    /* bytes appended after the last section */
    bool few_dirs;       /* NumberOfRvaAndSizes = 4: no certificate-table entry */
    uint32_t checksum;   /* value of the CheckSum field */
    uint32_t seed;       /* varies the section contents */
} pegen_opts;

#define PEGEN_OPTS_INIT {false, 3, 0, 0, false, 0, 1}

/* The image (malloc'd; free()), its size in *size; NULL when out of memory
 * or sections > 16. */
uint8_t *pegen_build(const pegen_opts *o, size_t *size);

#endif
