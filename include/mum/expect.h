/*
 * mum/expect.h - the expected contents of a hotfix: the "File information"
 * tables of its Knowledge Base article (file name, version, size, date,
 * time, platform, per platform section) and the "Additional file
 * information" blocks that list the .mum and .manifest files; or the same
 * table in mumtool's own TSV or JSON form (what `mumtool expect parse`
 * prints), so a pipeline can keep its expectations in its repository.
 * verify (mum/verify.h, option `expect`) checks packages against it.
 */
#ifndef MUM_EXPECT_H
#define MUM_EXPECT_H

#include <mum/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Which table of the article a row comes from.  (Not mum_expect_kind:
 * mum/policy.h has that name for the [expect] entries of a policy.) */
typedef enum mum_expect_row_kind {
    MUM_EXPECT_FILE = 0,       /* a "File information" table: a payload */
    MUM_EXPECT_ADDITIONAL      /* an "Additional file information" block (.mum, .manifest) */
} mum_expect_row_kind;

typedef struct mum_expect_row {
    mum_expect_row_kind kind;
    const char *section;       /* the heading the row sits under, as written */
    const char *name;          /* the file name, as written */
    const char *version;       /* "6.0.6001.22222"; NULL: "Not Applicable" */
    int64_t size;              /* bytes; -1: not given */
    const char *date;          /* "2008-07-15" (ISO); NULL: not given */
    const char *time;          /* "05:14"; NULL: not given */
    const char *platform;      /* as written ("x86", "x64", "IA-64"); NULL: "Not Applicable"
                                * or no column */
    /*
     * The architectures, in mumtool's spelling ("x86", "amd64", "ia64",
     * "arm64", ...), NULL when unknown:
     *  package_arch - the packages the row belongs to, from the section
     *                 heading ("64-bit versions" -> amd64, "Itanium" -> ia64);
     *  arch         - the file's own (the platform column, else the
     *                 section's): an x86 row in a 64-bit section is the
     *                 wow64/x86 part of that package.
     */
    const char *package_arch;
    const char *arch;
    size_t line;               /* 1-based line of the row in its source */
    const char *source;        /* the source it was read from (several may add to one table) */
} mum_expect_row;

/* One source read into a table. */
typedef struct mum_expect_source {
    const char *file;          /* as passed to mum_expect_parse / mum_expect_read */
    const char *title;         /* the article's title line; NULL: none (TSV/JSON) */
    const char *kb;            /* "943650" when the article names its KB; else NULL */
} mum_expect_source;

typedef struct mum_expect {
    /* The first source's file, title and kb (sources[0]). */
    const char *source;        /* the file name it was read from */
    const char *title;         /* the article's title line; NULL: none (TSV/JSON) */
    const char *kb;            /* "943650" when the article names its KB; else NULL */
    const mum_expect_row *rows;
    size_t count;
    /* Every source read, in order (one per mum_expect_parse call). */
    const mum_expect_source *sources;
    size_t source_count;
} mum_expect;

/*
 * Reads expected contents from `data` (`size` bytes; `source` names it in
 * messages and in the result): KB article text in any layout the man page
 * lists (EXPECTED CONTENTS), or mumtool's own TSV or JSON form (told apart
 * by their first line).  Several calls may add to one table: pass *out NULL
 * the first time, then the same pointer (rows are appended).  The table and
 * every string in it are the caller's, freed with mum_expect_free; a failed
 * call leaves an existing *out as it was (a new one is not made).
 * Errors: MUM_EINVAL, MUM_ENOMEM, MUM_EFORMAT (no table found; a row that
 * fits no layout - the message names the source and the line), MUM_ELIMIT
 * (a JSON form nested too deep; an input over 64 MiB).
 */
MUM_EXTERN int mum_expect_parse(mum_expect **out, mum_ctx *ctx, const char *source,
                                const void *data, size_t size);
/* The same from a file ("-": standard input).  Errors: also MUM_EIO. */
MUM_EXTERN int mum_expect_read(mum_expect **out, mum_ctx *ctx, const char *path);
/* NULL allowed. */
MUM_EXTERN void mum_expect_free(mum_expect *e);

#ifdef __cplusplus
}
#endif

#endif /* MUM_EXPECT_H */
