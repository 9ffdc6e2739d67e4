/*
 * mum/identity.h - assembly identities: the attributes of <assemblyIdentity>,
 * their validation, version comparison and identity comparison.
 */
#ifndef MUM_IDENTITY_H
#define MUM_IDENTITY_H

#include <mum/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A four-part version, each part 0..65535: 6.0.6001.22222. */
typedef struct mum_version {
    uint16_t part[4];
} mum_version;

/*
 * Parses "a.b.c.d" (exactly four decimal parts, no sign, no spaces).
 * Errors: MUM_EFORMAT (syntax), MUM_ELIMIT (a part above 65535).
 */
MUM_EXTERN int mum_version_parse(mum_version *out, const char *text);
/* <0, 0, >0 as a is lower than, equal to, higher than b. */
MUM_EXTERN int mum_version_compare(const mum_version *a, const mum_version *b);
/* Writes "a.b.c.d"; buf must hold MUM_VERSION_TEXT_MAX bytes. */
#define MUM_VERSION_TEXT_MAX 24
MUM_EXTERN void mum_version_format(const mum_version *v, char buf[MUM_VERSION_TEXT_MAX]);

/* processorArchitecture values. */
typedef enum mum_arch {
    MUM_ARCH_NONE = 0, /* the attribute is absent */
    MUM_ARCH_X86,
    MUM_ARCH_AMD64,
    MUM_ARCH_IA64,
    MUM_ARCH_WOW64,
    MUM_ARCH_ARM,
    MUM_ARCH_ARM64,
    MUM_ARCH_MSIL,
    MUM_ARCH_NEUTRAL,
    MUM_ARCH_ANY,      /* "*", a wildcard in references */
    MUM_ARCH_UNKNOWN   /* present but not one of the above */
} mum_arch;

/* Case-insensitive; MUM_ARCH_UNKNOWN for anything else, NONE for NULL. */
MUM_EXTERN mum_arch mum_arch_parse(const char *text);
/* The canonical lower-case spelling ("amd64"); "" for NONE, "?" for UNKNOWN. */
MUM_EXTERN const char *mum_arch_name(mum_arch arch);

/*
 * An assembly identity.  The text members are the attribute values as
 * written (owned, NUL-terminated UTF-8, NULL when absent); the decoded
 * members are kept in step by mum_identity_set().
 */
typedef struct mum_identity {
    char *name;
    char *version;
    char *arch;             /* processorArchitecture */
    char *language;         /* culture; "neutral", "*", "en-US", ... */
    char *public_key_token;
    char *build_type;
    char *version_scope;
    char *type;

    mum_version ver;        /* valid when ver_ok */
    bool ver_ok;
    mum_arch arch_id;
    uint8_t token[8];       /* valid when token_ok */
    bool token_ok;
} mum_identity;

#define MUM_IDENTITY_INIT {0}

/* The attributes, for mum_identity_set/get and for iteration. */
typedef enum mum_identity_attr {
    MUM_ATTR_NAME,
    MUM_ATTR_VERSION,
    MUM_ATTR_ARCH,
    MUM_ATTR_LANGUAGE,
    MUM_ATTR_PUBLIC_KEY_TOKEN,
    MUM_ATTR_BUILD_TYPE,
    MUM_ATTR_VERSION_SCOPE,
    MUM_ATTR_TYPE,
    MUM_ATTR_COUNT
} mum_identity_attr;

/* The XML attribute name ("processorArchitecture"); NULL if out of range. */
MUM_EXTERN const char *mum_identity_attr_name(mum_identity_attr attr);
/*
 * Finds an attribute by its XML name (exact, as manifests are case-sensitive)
 * or by a short alias accepted on the command line ("arch", "culture",
 * "token", "scope").  Errors: MUM_ENOTFOUND.
 */
MUM_EXTERN int mum_identity_attr_lookup(mum_identity_attr *out, const char *name);

/*
 * Sets one attribute from its text (copied; NULL removes it) and updates the
 * decoded members.  Invalid values are stored as written; mum_identity_validate
 * reports them.  Errors: MUM_EINVAL (attr out of range), MUM_ENOMEM.
 */
MUM_EXTERN int mum_identity_set(mum_identity *id, mum_identity_attr attr, const char *value);
/* Borrowed text of one attribute, NULL when absent or attr out of range. */
MUM_EXTERN const char *mum_identity_get(const mum_identity *id, mum_identity_attr attr);

/* Deep copy into *dst (which must be cleared or zero).  Errors: MUM_ENOMEM. */
MUM_EXTERN int mum_identity_copy(mum_identity *dst, const mum_identity *src);
/* Frees the strings and zeroes the struct. */
MUM_EXTERN void mum_identity_clear(mum_identity *id);

/* Which attributes must be present, for mum_identity_validate. */
enum {
    MUM_REQUIRE_NAME = 1u << 0,
    MUM_REQUIRE_VERSION = 1u << 1,
    MUM_REQUIRE_ARCH = 1u << 2,
    MUM_REQUIRE_LANGUAGE = 1u << 3,
    MUM_REQUIRE_TOKEN = 1u << 4,
    /* what a component or package identity in a manifest needs */
    MUM_REQUIRE_COMPONENT = (1u << 0) | (1u << 1) | (1u << 2) | (1u << 4)
};

/*
 * Checks every attribute and appends one finding per problem, quoting the
 * offending text: identity.missing-attribute, identity.bad-name,
 * identity.bad-version, identity.version-range, identity.bad-token,
 * identity.unknown-architecture, identity.bad-culture,
 * identity.unknown-version-scope, identity.unknown-build-type.
 * Returns MUM_OK when the check ran (findings or not).  Errors: MUM_ENOMEM.
 */
MUM_EXTERN int mum_identity_validate(const mum_identity *id, unsigned required,
                                     mum_findings *findings, const mum_location *loc);

/* Flags for mum_identity_compare. */
enum {
    MUM_IDCMP_IGNORE_VERSION = 1u << 0,
    MUM_IDCMP_IGNORE_ARCH = 1u << 1,
    MUM_IDCMP_BUILD_TYPE = 1u << 2   /* also compare buildType (not in the key) */
};

/*
 * Compares two identities as Windows does: case-insensitively, over the
 * attributes that make up the component key (name, culture, type, version,
 * publicKeyToken, processorArchitecture, versionScope).  An absent culture,
 * "neutral" and "none" are the same; versions compare numerically when both
 * parse.  Returns <0, 0, >0 (a total order, usable for sorting).
 */
MUM_EXTERN int mum_identity_compare(const mum_identity *a, const mum_identity *b, unsigned flags);

/*
 * Case-insensitive comparison of UTF-8 strings as identities use it (simple
 * case folding of ASCII, Latin-1, Latin Extended-A, Greek and Cyrillic).
 * NULL sorts before everything.
 */
MUM_EXTERN int mum_strcasecmp_utf8(const char *a, const char *b);

/* True when a culture value means "neutral" (NULL, "", "neutral", "none"). */
MUM_EXTERN bool mum_culture_is_neutral(const char *culture);

#ifdef __cplusplus
}
#endif

#endif /* MUM_IDENTITY_H */
