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
MUM_EXTERN int mum_package_name_parse(mum_ctx *ctx, const char *text, mum_package_name *out);
MUM_EXTERN void mum_package_name_clear(mum_package_name *name);

/*
 * Formats the package file name of an identity, appending ext (may be NULL).
 * A neutral language gives an empty field.  Errors: MUM_EINVAL (name,
 * token, arch or version missing), MUM_ENOMEM.  *out is freed with mum_free.
 */
MUM_EXTERN int mum_package_name_format(const mum_identity *id, const char *ext, char **out);

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
MUM_EXTERN int mum_keyform_parse(mum_ctx *ctx, const char *text, mum_keyform *out);
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
MUM_EXTERN int mum_pseudokey(const mum_identity *id, unsigned flags, uint64_t *out);

/*
 * The keyform of an identity, lower-case, with the name cut to 19+".."+19
 * when longer than 40 characters and the culture to 3+".."+3 when longer
 * than 8 ("none" when neutral).  An absent processorArchitecture,
 * publicKeyToken or version is written "none", as Windows does.  No
 * extension.  Errors: MUM_EINVAL (no name), MUM_EFORMAT (not UTF-8),
 * MUM_ENOMEM.
 */
MUM_EXTERN int mum_keyform_format(const mum_identity *id, unsigned flags, char **out);

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
MUM_EXTERN int mum_keyform_check(const mum_keyform *kf, mum_keycheck *out);

/*
 * Cuts a string for display the way keyforms do: longer than `limit`
 * characters -> first `keep` + ".." + last `keep` (UTF-8 aware).  Used with
 * (40, 19) for names and (8, 3) for cultures.  Errors: MUM_ENOMEM.
 */
MUM_EXTERN int mum_truncate_middle(const char *text, size_t limit, size_t keep, char **out);

#ifdef __cplusplus
}
#endif

#endif /* MUM_NAMES_H */
