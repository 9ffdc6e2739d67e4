/*
 * mum/names.h - file names of packages (.mum/.cat) and components
 * (.manifest keyforms), and the 64-bit pseudo-key of a component identity.
 */
#ifndef MUM_NAMES_H
#define MUM_NAMES_H

#include <mum/identity.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * A package file name: name~publicKeyToken~processorArchitecture~language~version
 * with an optional extension (.mum, .cat; any case).  The language field is
 * empty for neutral packages; id.language is then NULL.
 */
typedef struct mum_package_name {
    mum_identity id;       /* name, public_key_token, arch, language, version */
    char *extension;       /* ".mum", ".cat" as written, or NULL */
} mum_package_name;

/*
 * Parses a package file name (a bare name, not a path).  Structural problems
 * (wrong number of fields, an empty name, token, architecture or version)
 * give MUM_EFORMAT with the column on ctx; invalid field values (a bad token,
 * a version part above 65535) parse, and mum_identity_validate reports them.
 * On failure *out is left cleared.  Errors: MUM_EFORMAT, MUM_ENOMEM.
 */
MUM_EXTERN int mum_package_name_parse(mum_package_name *out, mum_ctx *ctx, const char *text);
MUM_EXTERN void mum_package_name_clear(mum_package_name *name);

/*
 * Formats the package file name of an identity, appending ext (may be NULL).
 * A neutral language gives an empty field.  Errors: MUM_EINVAL (name,
 * token, arch or version missing), MUM_ENOMEM.  *out is freed with mum_free.
 */
MUM_EXTERN int mum_package_name_format(char **out, const mum_identity *id, const char *ext);

/*
 * A component keyform: arch_name_publicKeyToken_version_culture_pseudokey,
 * optionally with ".manifest", or without the version (the version-less form
 * of WinSxS folders).  The name may itself contain '_'.
 */
typedef struct mum_keyform {
    char *arch;
    char *name;            /* possibly truncated: "first19..last19" */
    char *public_key_token;
    char *version;         /* NULL in the version-less form */
    char *culture;         /* "none" for neutral; possibly truncated */
    char *key_text;        /* the 16 hex digits as written */
    uint64_t key;
    bool name_truncated;   /* contains ".." where the full name was cut */
    bool culture_truncated;
    char *extension;       /* ".manifest" as written, or NULL */
} mum_keyform;

/*
 * Parses a keyform (a .manifest name, or a folder name without extension).
 * Errors: MUM_EFORMAT (too few fields, empty field, pseudo-key not 16 hex
 * digits), MUM_ENOMEM.  On failure *out is left cleared.
 */
MUM_EXTERN int mum_keyform_parse(mum_keyform *out, mum_ctx *ctx, const char *text);
MUM_EXTERN void mum_keyform_clear(mum_keyform *kf);

/* Flags for the key and keyform functions. */
enum {
    MUM_KEY_NO_VERSION = 1u << 0   /* the version-less form */
};

/*
 * The pseudo-key of an identity (DOMAIN.md section 2): a 64-bit hash over
 * name, culture, type, version, publicKeyToken, processorArchitecture and
 * versionScope, skipping absent ones and the value "none" (and a neutral
 * culture).  Errors: MUM_EFORMAT (a value is not valid UTF-8).
 */
MUM_EXTERN int mum_pseudokey(uint64_t *out, const mum_identity *id, unsigned flags);

/*
 * The keyform of an identity, lower-case, with the name cut to 19+".."+19
 * when longer than 40 characters and the culture to 3+".."+3 when longer
 * than 8 ("none" when neutral).  An absent processorArchitecture,
 * publicKeyToken or version is written "none", as Windows does.  No
 * extension.  Errors: MUM_EINVAL (no name), MUM_EFORMAT (not UTF-8),
 * MUM_ENOMEM.
 */
MUM_EXTERN int mum_keyform_format(char **out, const mum_identity *id, unsigned flags);

/* What mum_keyform_check concluded. */
typedef enum mum_keycheck_verdict {
    MUM_KEYCHECK_CONFIRMED = 0,       /* a tried case reproduces the key */
    MUM_KEYCHECK_TRUNCATED = 1,       /* name or culture cut: cannot confirm */
    MUM_KEYCHECK_NO_MATCH = 2         /* no common case matches: cannot confirm */
} mum_keycheck_verdict;

typedef struct mum_keycheck {
    mum_keycheck_verdict verdict;
    const char *version_scope;   /* the matching case (static text, NULL = absent) */
    const char *type;            /* likewise */
    unsigned cases_tried;
} mum_keycheck;

/*
 * Recomputes the pseudo-key from the fields of a parsed keyform.  A name does
 * not carry versionScope or type, so the common cases are tried (versionScope
 * absent or "nonSxS"; type absent, "win32", "win32-policy", "driverUpdate").
 * Returns MUM_OK with a verdict; errors: MUM_EFORMAT (not UTF-8).
 */
MUM_EXTERN int mum_keyform_check(mum_keycheck *out, const mum_keyform *kf);

/*
 * Cuts a string for display the way keyforms do: longer than `limit`
 * characters -> first `keep` + ".." + last `keep` (UTF-8 aware).  Used with
 * (40, 19) for names and (8, 3) for cultures.  Errors: MUM_ENOMEM.
 */
MUM_EXTERN int mum_truncate_middle(char **out, const char *text, size_t limit, size_t keep);

/*
 * A name given on its own (mumtool name parse/check): a package file name
 * when it has a '~' or ends in .mum or .cat, else a component keyform.
 */
typedef enum mum_name_kind {
    MUM_NAME_INVALID = 0,      /* it does not parse: error and column say why */
    MUM_NAME_PACKAGE = 1,      /* package: its fields are in `package` */
    MUM_NAME_COMPONENT = 2     /* component keyform: its fields are in `keyform` */
} mum_name_kind;

typedef struct mum_name {
    mum_name_kind kind;
    mum_package_name package;  /* MUM_NAME_PACKAGE */
    mum_keyform keyform;       /* MUM_NAME_COMPONENT */
    char *error;               /* MUM_NAME_INVALID: the reason (owned) */
    unsigned column;           /* MUM_NAME_INVALID: the 1-based column */
} mum_name;

/*
 * Classifies, parses and validates `text` into *out (cleared first; free
 * it with mum_name_clear, also after an error).  A name that does not
 * parse is MUM_NAME_INVALID with a name.malformed finding; the fields of
 * one that does are validated as identity attributes (a keyform's culture
 * "none" or truncated counts as absent), their findings appended to
 * `findings` with `text` as the input.  Findings are not errors: returns
 * MUM_OK for every name; MUM_ENOMEM, MUM_EINVAL (NULL argument) otherwise.
 */
MUM_EXTERN int mum_name_parse(mum_name *out, const char *text, mum_findings *findings);
MUM_EXTERN void mum_name_clear(mum_name *name);
/* "invalid", "package" or "component" (static). */
MUM_EXTERN const char *mum_name_kind_name(mum_name_kind kind);

/* What mum_name_check concluded about a name's pseudo-key. */
typedef enum mum_name_verdict {
    MUM_NAME_VERDICT_INVALID = 0,        /* the name does not parse (or is not UTF-8) */
    MUM_NAME_VERDICT_NOT_APPLICABLE = 1, /* a package name: no pseudo-key */
    MUM_NAME_VERDICT_CONFIRMED = 2,      /* a common case reproduces the key */
    MUM_NAME_VERDICT_CANNOT_CONFIRM = 3  /* truncated, or no common case matches */
} mum_name_verdict;

typedef struct mum_name_check_result {
    mum_name_verdict verdict;
    char *detail;                 /* why, in words (owned; NULL when none) */
    mum_keycheck keycheck;        /* a component's mum_keyform_check result */
} mum_name_check_result;

/*
 * Checks the pseudo-key of a parsed name (mum_name_parse of `text`) into
 * *out (free with mum_name_check_result_clear): a key that cannot be
 * confirmed adds a name.key-truncated or name.key-unconfirmed finding to
 * `findings`.  Errors: MUM_ENOMEM, MUM_EINVAL (NULL argument).
 */
MUM_EXTERN int mum_name_check(mum_name_check_result *out, const mum_name *name, const char *text,
                              mum_findings *findings);
MUM_EXTERN void mum_name_check_result_clear(mum_name_check_result *result);
/* "invalid", "not-applicable", "confirmed" or "cannot-confirm" (static). */
MUM_EXTERN const char *mum_name_verdict_name(mum_name_verdict verdict);
/*
 * Whether a finding says what a check's verdict already says (the name is
 * malformed, its key cannot be confirmed), so a report showing the verdict
 * can leave it out.
 */
MUM_EXTERN bool mum_name_finding_in_verdict(const mum_finding *finding);

#ifdef __cplusplus
}
#endif

#endif /* MUM_NAMES_H */
