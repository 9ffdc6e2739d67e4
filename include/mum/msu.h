/*
 * mum/msu.h - what an .msu says about itself: the -pkgProperties.txt file
 * (Key="Value" lines, ASCII/UTF-8 or UTF-16 with a byte-order mark) and the
 * unattend .xml (the package identity to install and its source cabinet).
 */
#ifndef MUM_MSU_H
#define MUM_MSU_H

#include <mum/common.h>
#include <mum/identity.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct mum_msu_property {
    char *key;     /* UTF-8, as written ("KB Article Number") */
    char *value;   /* UTF-8, without the quotes */
    uint32_t line;
} mum_msu_property;

typedef struct mum_msu_properties {
    mum_msu_property *items;  /* in file order */
    size_t count;
} mum_msu_properties;

/* Bounds on a properties file. */
#define MUM_MSU_PROPERTIES_MAX_SIZE ((size_t)1 << 20)
#define MUM_MSU_PROPERTIES_MAX_LINES 10000

/*
 * Parses a properties file.  The encoding is told by a byte-order mark
 * (UTF-16LE, UTF-16BE, UTF-8) and is UTF-8 (of which ASCII is a part)
 * without one.  Each non-blank line is Key="Value" (a bare value is taken as
 * is).  *out is filled on success and owned by the caller
 * (mum_msu_properties_clear).  Errors: MUM_EFORMAT (a line without '=', an
 * empty key, an unterminated quote, invalid UTF-8 or UTF-16, a NUL, an odd
 * number of UTF-16 bytes; with the line), MUM_ELIMIT, MUM_ENOMEM.
 */
MUM_EXTERN int mum_msu_properties_parse(mum_msu_properties *out, mum_ctx *ctx,
                                        const mum_location *loc, const void *data, size_t size);
MUM_EXTERN void mum_msu_properties_clear(mum_msu_properties *p);
/* The first value of a key (compared ignoring ASCII case); NULL if absent. Borrowed. */
MUM_EXTERN const char *mum_msu_properties_get(const mum_msu_properties *p, const char *key);

typedef struct mum_msu_package {
    char *action;            /* "install", ... (NULL if absent) */
    mum_identity identity;   /* from <assemblyIdentity> */
    char *source;            /* <source location="...">, NULL if absent */
} mum_msu_package;

typedef struct mum_msu_unattend {
    mum_msu_package *packages;
    size_t count;
} mum_msu_unattend;

/*
 * Parses an unattend file (<unattend xmlns="urn:schemas-microsoft-com:unattend">
 * <servicing><package action=..><assemblyIdentity ../><source location=../>).
 * Errors: MUM_EFORMAT (not XML, another root element, a package without an
 * identity; with line and column), MUM_ELIMIT, MUM_ENOMEM.
 */
MUM_EXTERN int mum_msu_unattend_parse(mum_msu_unattend *out, mum_ctx *ctx, const mum_location *loc,
                                      const void *data, size_t size);
MUM_EXTERN void mum_msu_unattend_clear(mum_msu_unattend *u);

#ifdef __cplusplus
}
#endif

#endif /* MUM_MSU_H */
