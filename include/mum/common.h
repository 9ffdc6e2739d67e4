/*
 * mum/common.h - status codes, the context object, locations, findings.
 *
 * Conventions used by every libmum header:
 *  - Fallible functions return int: MUM_OK (0) or one of the negative
 *    MUM_E* codes below.  Results come back through a first `out` parameter.
 *  - When a function takes a mum_ctx, the reason for a failure is kept on it
 *    (mum_ctx_message), with the input location when the failure comes from
 *    input.  The ctx may be NULL; the status code is returned either way.
 *  - Findings (problems *in* a package that a check was asked to look for)
 *    are not errors: checks return MUM_OK and append to a mum_findings list.
 *  - Every *_free function accepts NULL.  Strings returned as `const char *`
 *    are borrowed and live as long as their owner; `char **out` results are
 *    owned by the caller and released with mum_free().
 */
#ifndef MUM_COMMON_H
#define MUM_COMMON_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(MUM_BUILDING_LIBRARY) && defined(__GNUC__)
#define MUM_EXTERN __attribute__((visibility("default")))
#else
#define MUM_EXTERN
#endif

#if defined(__GNUC__)
#define MUM_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define MUM_PRINTF(f, a)
#endif

/* Status codes.  The set is small and fixed; the message says the rest. */
enum {
    MUM_OK = 0,
    MUM_ENOMEM = -1,       /* an allocation failed */
    MUM_EINVAL = -2,       /* a bad argument from the caller (not from input) */
    MUM_EIO = -3,          /* reading or writing a file failed */
    MUM_EFORMAT = -4,      /* the input is malformed */
    MUM_ELIMIT = -5,       /* the input exceeds a limit, or a value is out of range */
    MUM_EUNSUPPORTED = -6, /* a valid input that this version cannot handle */
    MUM_ENOTFOUND = -7,    /* a requested item does not exist */
    MUM_EDELTA = -8,       /* a delta-compressed (DCM/PA30) file where plain data was needed */
    MUM_ECRYPTO = -9,      /* the crypto library failed on valid-looking input */
    MUM_EEXIST = -10       /* refusing to overwrite an existing file */
};

/* A short constant text for a status code ("malformed input", ...). */
MUM_EXTERN const char *mum_strerror(int status);

/* The library version, "MAJOR.MINOR.PATCH". */
MUM_EXTERN const char *mum_version_string(void);

/*
 * For a program that exits once its work is done, as mumtool does: with
 * MUM_INIT_NO_EXIT_CLEANUP the library's dependencies leave their global
 * state to the end of the process rather than free it at exit (OpenSSL's
 * clean-up at exit walks and frees every table it built: a tenth of a
 * small package's verify).  Call it first, before any other libmum call
 * and before the program uses OpenSSL itself; a library must not call it
 * for the program it is part of.  Anything else about the dependencies
 * stays as it is (OpenSSL still reads its configuration file).  MUM_OK,
 * MUM_EINVAL for an unknown flag, MUM_ECRYPTO when OpenSSL cannot start.
 */
enum { MUM_INIT_NO_EXIT_CLEANUP = 1u << 0 };
MUM_EXTERN int mum_global_init(unsigned flags);

/* ---- memory ---------------------------------------------------------- */

/*
 * Every allocation libmum makes goes through these hooks (and, where the
 * dependency allows it, the dependencies' allocations too).  Set them once,
 * before any other call; NULL members restore the C library's functions.
 */
typedef struct mum_allocator {
    void *(*malloc_fn)(size_t size);
    void *(*realloc_fn)(void *ptr, size_t size);
    void (*free_fn)(void *ptr);
} mum_allocator;

MUM_EXTERN void mum_set_allocator(const mum_allocator *allocator);

/* Release memory that libmum handed to the caller (char ** results). */
MUM_EXTERN void mum_free(void *ptr);

/* ---- locations ------------------------------------------------------- */

/*
 * Where something was found.  `input` is what the user named (a package,
 * folder or file); `entry` is the path inside it, nested containers joined
 * with '!' ("Windows6.1-KB2465285-x64.cab!update.mum").  line and column are
 * 1-based, 0 when unknown; offset is a byte offset for binary formats.
 */
typedef struct mum_location {
    const char *input;
    const char *entry;
    uint32_t line;
    uint32_t column;
    uint64_t offset;
    bool has_offset;
} mum_location;

/*
 * Formats a location as "input!entry:line:column" or
 * "input!entry: at offset N" into buf (always NUL-terminated when size > 0).
 * Returns the length the full text needs, like snprintf.
 */
MUM_EXTERN size_t mum_location_format(const mum_location *loc, char *buf, size_t size);

/* ---- context --------------------------------------------------------- */

typedef struct mum_ctx mum_ctx;

/* Creates a context.  Errors: MUM_ENOMEM. */
MUM_EXTERN int mum_ctx_new(mum_ctx **out);
MUM_EXTERN void mum_ctx_free(mum_ctx *ctx);

/* The status of the last failure recorded on ctx, MUM_OK if none. */
MUM_EXTERN int mum_ctx_status(const mum_ctx *ctx);

/*
 * The last failure as one line, location first:
 * "pkg.msu!update.mum:12:7: mismatched tag".  Borrowed; valid until the next
 * call that records a failure on ctx.  "" when there was none.
 */
MUM_EXTERN const char *mum_ctx_message(const mum_ctx *ctx);

/* The message without the location; "" when there was none. */
MUM_EXTERN const char *mum_ctx_reason(const mum_ctx *ctx);

/* The location of the last failure (all fields zero/NULL when none). Borrowed. */
MUM_EXTERN const mum_location *mum_ctx_location(const mum_ctx *ctx);

/* Forgets the last failure. */
MUM_EXTERN void mum_ctx_clear(mum_ctx *ctx);

/* ---- findings -------------------------------------------------------- */

typedef enum mum_severity {
    MUM_SEVERITY_OFF = 0,   /* switched off by a policy: not reported */
    MUM_SEVERITY_INFO = 1,
    MUM_SEVERITY_WARNING = 2,
    MUM_SEVERITY_ERROR = 3
} mum_severity;

/* "off", "info", "warning", "error". */
MUM_EXTERN const char *mum_severity_name(mum_severity severity);
/* Parses those names (case-insensitive; "note" is taken for "info").
 * Errors: MUM_EINVAL. */
MUM_EXTERN int mum_severity_parse(mum_severity *out, const char *text);

/*
 * A rule: one kind of finding, with a stable id ("identity.bad-token"),
 * its default severity, the Windows error it predicts (0 when none applies)
 * and a one-line summary.  Rules are static data of the library.
 */
typedef struct mum_rule {
    const char *id;
    mum_severity severity;
    uint32_t hresult;
    const char *summary;
} mum_rule;

MUM_EXTERN size_t mum_rule_count(void);
/* The i-th rule, in a stable order (grouped by module); NULL past the end. */
MUM_EXTERN const mum_rule *mum_rule_at(size_t i);
/* The rule with this id (exact match); NULL when there is none. */
MUM_EXTERN const mum_rule *mum_rule_find(const char *id);

typedef struct mum_finding {
    const mum_rule *rule;     /* static */
    mum_severity severity;    /* the rule's default unless changed */
    mum_location loc;         /* strings owned by the list */
    const char *message;      /* owned by the list */
} mum_finding;

typedef struct mum_findings mum_findings;

/* Creates an empty list.  Errors: MUM_ENOMEM. */
MUM_EXTERN int mum_findings_new(mum_findings **out);
MUM_EXTERN void mum_findings_free(mum_findings *list);
MUM_EXTERN size_t mum_findings_count(const mum_findings *list);
/* The i-th finding in the order added; NULL past the end.  Borrowed. */
MUM_EXTERN const mum_finding *mum_findings_get(const mum_findings *list, size_t i);

/* How many findings have at least this severity. */
MUM_EXTERN size_t mum_findings_count_at_least(const mum_findings *list, mum_severity min);

/*
 * Appends a finding of rule `rule_id` (which must exist: MUM_EINVAL if not),
 * copying loc's strings and the formatted message.  Errors: MUM_EINVAL,
 * MUM_ENOMEM.
 */
MUM_EXTERN int mum_findings_add(mum_findings *list, const char *rule_id,
                                const mum_location *loc, const char *fmt, ...)
    MUM_PRINTF(4, 5);

/* Changes the severity of every finding of a rule already in the list, and of
 * those added later.  MUM_SEVERITY_OFF drops them from counts and
 * iteration-by-severity.  Errors: MUM_EINVAL (unknown rule), MUM_ENOMEM. */
MUM_EXTERN int mum_findings_set_severity(mum_findings *list, const char *rule_id,
                                         mum_severity severity);

/* Sorts findings by input, entry, line, column, rule (stable otherwise). */
MUM_EXTERN void mum_findings_sort(mum_findings *list);

#ifdef __cplusplus
}
#endif

#endif /* MUM_COMMON_H */
