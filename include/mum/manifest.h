/*
 * mum/manifest.h - package manifests (.mum) and component / deployment
 * manifests (.manifest) read into one typed model.
 *
 * A manifest is <assembly xmlns="urn:schemas-microsoft-com:asm.v3">.  After
 * parsing, its kind is known: a package manifest has <package>, a deployment
 * manifest has <deployment/>, anything else is a component manifest.
 *
 * Two ways in: mum_manifest_parse() over a buffer, or a push parser that takes
 * the bytes in chunks as they arrive (from an archive, say).  Parsers keep no
 * global state: separate parsers may run at the same time on different
 * threads, each with its own mum_ctx.
 *
 * Errors and findings are kept apart.  Input that is not a manifest at all
 * (XML that is not well-formed, a DOCTYPE, a limit exceeded, a root that is
 * not asm.v3 <assembly>, a delta-compressed "DCM\x01" file when no base
 * manifest is given to expand it) fails the parse
 * with a status code and a message on the ctx naming input!entry:line:column.
 * Problems inside a well-formed manifest (a missing identity, a malformed
 * hash, a file name that does not match the identity, ...) are findings
 * under the manifest.* and identity.* rules, produced by mum_manifest_check().
 *
 * The model is read-only.  Every string and array in it is owned by the
 * mum_manifest and lives until mum_manifest_free(); in particular, do not
 * pass its identities to mum_identity_clear() (mum_identity_copy() gives an
 * owned copy).  Strings are UTF-8, NUL-terminated, NULL when the attribute
 * is absent, and hold the attribute values as written.
 */
#ifndef MUM_MANIFEST_H
#define MUM_MANIFEST_H

#include <mum/common.h>
#include <mum/hash.h>
#include <mum/identity.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The namespaces manifests use. */
#define MUM_NS_ASM_V3 "urn:schemas-microsoft-com:asm.v3"
#define MUM_NS_ASM_V2 "urn:schemas-microsoft-com:asm.v2"
#define MUM_NS_XMLDSIG "http://www.w3.org/2000/09/xmldsig#"

/* Where an element starts in the manifest (1-based; 0 when unknown). */
typedef struct mum_manifest_pos {
    uint32_t line;
    uint32_t column;
} mum_manifest_pos;

/* An <assemblyIdentity> inside another element. */
typedef struct mum_manifest_ref {
    mum_identity id;
    mum_manifest_pos pos;
} mum_manifest_ref;

/* ---- package manifests ---- */

/* <parent>: the packages that must be installed for this one to apply. */
typedef struct mum_manifest_parent {
    const char *build_compare;     /* "EQ", "GE", ... */
    const char *service_compare;
    const char *revision_compare;
    const char *integrate;         /* "separate", ... */
    const char *disposition;       /* "detect", ... */
    const mum_manifest_ref *identities;
    size_t identity_count;
    mum_manifest_pos pos;
} mum_manifest_parent;

/* What an element inside <update> (or its <applicable>) names. */
typedef enum mum_manifest_target_kind {
    MUM_TARGET_COMPONENT = 1, /* <component>, or <updateComponent> in <applicable> */
    MUM_TARGET_PACKAGE,       /* <package>: a sub-package */
    MUM_TARGET_DRIVER         /* <driver>, or <updateDriver> in <applicable> */
} mum_manifest_target_kind;

typedef struct mum_manifest_target {
    mum_manifest_target_kind kind;
    const char *integrate;      /* <package>: "hidden", "visible", "separate" */
    const char *inf;            /* <driver> */
    const char *ranking;        /* <driver> */
    const char *elevate;        /* <updateComponent>, <updateDriver> */
    bool has_identity;          /* false: the element had no <assemblyIdentity> */
    mum_manifest_ref ref;
    mum_manifest_pos pos;       /* of the element itself */
} mum_manifest_target;

/* <update name="...">. */
typedef struct mum_manifest_update {
    const char *name;
    mum_manifest_pos pos;
    /* <applicable disposition="staged"><updateComponent>...: what the update
     * applies to on the target system */
    bool has_applicable;
    const char *applicable_disposition;
    const mum_manifest_target *applicable;
    size_t applicable_count;
    /* <component>, <package>, <driver>: what the update installs */
    const mum_manifest_target *items;
    size_t item_count;
} mum_manifest_update;

typedef struct mum_manifest_package {
    const char *identifier;                 /* "KB2938772" */
    const char *release_type;               /* "Update", "Hotfix", "Security Update", ... */
    const char *restart;                    /* "possible", "required", ... */
    const char *applicability_evaluation;   /* "deep", ... */
    mum_manifest_pos pos;

    const mum_manifest_parent *parents;
    size_t parent_count;

    bool has_installer;                     /* <installerAssembly> (its attributes are */
    mum_manifest_ref installer;             /* an identity's) */

    const mum_manifest_update *updates;
    size_t update_count;

    bool has_extended;                      /* <packageExtended> (mum2: prefix) */
    const char *completely_offline_capable;
    const char *package_size;
    mum_manifest_pos extended_pos;
} mum_manifest_package;

/* ---- component and deployment manifests ---- */

/* One <dependentAssembly> of a <dependency>. */
typedef struct mum_manifest_dependency {
    const char *discoverable;      /* of the <dependency>: "no", "false", ... */
    const char *resource_type;     /* of the <dependency>: "Resources", ... */
    const char *dependency_type;   /* "install" (deployments), "prerequisite" */
    bool has_identity;             /* false: no <dependentAssembly><assemblyIdentity> */
    mum_manifest_ref ref;
    mum_manifest_pos pos;          /* of the <dependency> */
} mum_manifest_dependency;

/* <file> and its <asmv2:hash>. */
typedef struct mum_manifest_file {
    const char *name;
    const char *source_name;
    const char *source_path;
    const char *destination_path;
    const char *import_path;
    mum_manifest_pos pos;

    bool has_hash;
    mum_manifest_pos hash_pos;
    unsigned digest_method_count;  /* <dsig:DigestMethod> elements seen (1 when well formed) */
    unsigned digest_value_count;   /* <dsig:DigestValue> elements seen (1 when well formed) */
    const char *digest_method;     /* the Algorithm URI as written */
    mum_hash_alg digest_alg;       /* from the URI; MUM_HASH_NONE when absent or unknown */
    const char *digest_text;       /* the DigestValue text, white space trimmed */
    bool digest_ok;                /* base64 decoded, size fits digest_alg */
    uint8_t digest[MUM_HASH_MAX_SIZE];
    size_t digest_size;            /* bytes in digest when the base64 decoded, else 0 */
    const char *transform;         /* the first <dsig:Transform Algorithm=...> */
} mum_manifest_file;

typedef struct mum_manifest_registry_value {
    const char *name;              /* "" for the key's default value */
    const char *value_type;        /* "REG_SZ", ... */
    const char *value;
    const char *operation_hint;
    const char *owner;
    mum_manifest_pos pos;
} mum_manifest_registry_value;

typedef struct mum_manifest_registry_key {
    const char *key_name;
    const char *owner;
    const mum_manifest_registry_value *values;
    size_t value_count;
    mum_manifest_pos pos;
} mum_manifest_registry_key;

/* ---- everything else ---- */

typedef enum mum_manifest_element_kind {
    MUM_ELEMENT_KNOWN = 1,   /* part of the asm.v3 vocabulary, not modelled (trustInfo, ...) */
    MUM_ELEMENT_EXTENSION,   /* in another namespace (an extension Windows allows) */
    MUM_ELEMENT_UNKNOWN      /* asm.v3 or no namespace, and not in the vocabulary */
} mum_manifest_element_kind;

/* An element kept but not modelled (with everything inside it), once per
 * distinct namespace and name, where it first appears. */
typedef struct mum_manifest_element {
    const char *ns;           /* NULL for no namespace */
    const char *name;
    const char *parent;       /* the local name of the element it first appears in */
    mum_manifest_element_kind kind;
    uint32_t count;           /* occurrences */
    mum_manifest_pos pos;     /* of the first */
} mum_manifest_element;

typedef enum mum_manifest_kind {
    MUM_MANIFEST_COMPONENT = 1,
    MUM_MANIFEST_DEPLOYMENT,
    MUM_MANIFEST_PACKAGE
} mum_manifest_kind;

/* "component", "deployment", "package". */
MUM_EXTERN const char *mum_manifest_kind_name(mum_manifest_kind kind);

typedef struct mum_manifest {
    mum_manifest_kind kind;
    const char *input;             /* the location the parser was given (copies) */
    const char *entry;

    /* <assembly> */
    mum_manifest_pos pos;
    const char *manifest_version;
    const char *description;
    const char *display_name;
    const char *company;
    const char *copyright;
    const char *support_information;
    const char *creation_time_stamp;
    const char *last_update_time_stamp;

    bool has_identity;
    mum_identity identity;
    mum_manifest_pos identity_pos;
    unsigned identity_count;       /* more than 1 is a finding; the first is kept */

    bool has_deployment;
    mum_manifest_pos deployment_pos;

    bool has_package;
    unsigned package_count;        /* more than 1 is a finding; the first is kept */
    mum_manifest_package package;

    const mum_manifest_dependency *dependencies;
    size_t dependency_count;
    const mum_manifest_file *files;
    size_t file_count;
    const mum_manifest_registry_key *registry_keys;
    size_t registry_key_count;
    const mum_manifest_element *elements;
    size_t element_count;

    struct mum_manifest_store *store; /* private */
} mum_manifest;

/* The location of something in the manifest: input and entry from m. */
MUM_EXTERN mum_location mum_manifest_location(const mum_manifest *m, mum_manifest_pos pos);

/* ---- parsing ---- */

/* Flags for mum_manifest_options. */
enum {
    MUM_MANIFEST_NO_NAME_CHECK = 1u << 0 /* skip the file-name/identity check */
};

typedef struct mum_manifest_options {
    unsigned version;          /* MUM_MANIFEST_OPTIONS_VERSION */
    unsigned flags;            /* MUM_MANIFEST_* */
    /*
     * When not NULL, the parse runs mum_manifest_check() and appends its
     * findings here.  The list is not locked: give each thread its own.
     */
    mum_findings *findings;
    /*
     * The file name the identity must match (a bare name: "update.mum").
     * NULL: the last component of the location's entry, or else of its input
     * ('/', '\\' and '!' separate components); no name at all: no check.
     */
    const char *file_name;
    /* Limits; 0 takes the default (in parentheses). */
    uint32_t max_depth;        /* elements nested (128) */
    uint32_t max_attrs;        /* attributes on one element (256) */
    size_t max_text;           /* characters of text in one element (1 MiB) */
    uint64_t max_size;         /* bytes of the document (64 MiB) */
    uint32_t max_items;        /* records in the model: files, updates, ... (1048576) */
    /*
     * The base manifest DCM manifests are deltas against (Windows keeps it
     * in wcp.dll), borrowed: it must stay valid until the parser is freed.
     * With it, a document that starts with "DCM\x01" is buffered (at most
     * MUM_MANIFEST_MAX_DCM bytes), expanded against it (mum/delta.h) and
     * parsed as the XML it gives: positions are then lines and columns of
     * that XML, and the expanded document counts against max_size.  A DCM
     * that does not expand is MUM_EFORMAT (the message gives the offset in
     * the delta), MUM_ELIMIT or MUM_EUNSUPPORTED.  NULL: DCM manifests fail
     * with MUM_EDELTA, as other delta-compressed signatures always do.
     */
    const void *base_manifest;
    size_t base_manifest_size;
} mum_manifest_options;

/* The largest DCM manifest read (bytes of the delta, not of its XML). */
#define MUM_MANIFEST_MAX_DCM ((size_t)16 << 20)

#define MUM_MANIFEST_OPTIONS_VERSION 2
#define MUM_MANIFEST_OPTIONS_INIT                                                                  \
    {MUM_MANIFEST_OPTIONS_VERSION, 0, NULL, NULL, 0, 0, 0, 0, 0, NULL, 0}

/*
 * Parses a whole manifest from a buffer.  loc names it in messages and
 * findings (its strings are copied; may be NULL); opts may be NULL for the
 * defaults.  On success *out is a new model, freed with mum_manifest_free.
 * Errors (message on ctx, with input!entry:line:column): MUM_EFORMAT (not
 * well-formed XML, DOCTYPE/entities, an unsupported encoding, a truncated
 * document, a root element other than asm.v3 <assembly>), MUM_ELIMIT (depth,
 * attributes, text, size or model records beyond the limits), MUM_EDELTA (a
 * delta-compressed manifest, and no base_manifest to expand a DCM one),
 * MUM_EUNSUPPORTED (a DCM delta of a form libmum does not decode),
 * MUM_EINVAL (bad options), MUM_ENOMEM.
 */
MUM_EXTERN int mum_manifest_parse(mum_manifest **out, mum_ctx *ctx, const mum_location *loc,
                                  const mum_manifest_options *opts, const void *data,
                                  size_t size);

typedef struct mum_manifest_parser mum_manifest_parser;

/*
 * The push parser: new, feed the bytes in as many chunks as they come,
 * finish, free.  Arguments as for mum_manifest_parse; ctx must outlive the
 * parser.  Errors: MUM_EINVAL, MUM_ENOMEM.
 */
MUM_EXTERN int mum_manifest_parser_new(mum_manifest_parser **out, mum_ctx *ctx,
                                       const mum_location *loc,
                                       const mum_manifest_options *opts);
/*
 * Feeds the next chunk.  The first 64 KiB are held back and parsed by finish
 * (in one piece a manifest parses faster), so problems in them are reported
 * by finish; past that, chunks are parsed as they come.  Errors as
 * mum_manifest_parse; after an error the parser returns that error again.
 * Feeding after finish is MUM_EINVAL.
 */
MUM_EXTERN int mum_manifest_parser_feed(mum_manifest_parser *p, const void *data, size_t size);
/*
 * Ends the document and hands over the model (*out, freed with
 * mum_manifest_free; the parser keeps nothing of it).  Errors as
 * mum_manifest_parse; a second finish is MUM_EINVAL.
 */
MUM_EXTERN int mum_manifest_parser_finish(mum_manifest **out, mum_manifest_parser *p);
MUM_EXTERN void mum_manifest_parser_free(mum_manifest_parser *p);

MUM_EXTERN void mum_manifest_free(mum_manifest *m);

/* ---- checks ---- */

/*
 * Appends the findings about a parsed manifest to `findings`:
 *  - manifest.missing-identity, manifest.duplicate-element,
 *    manifest.missing-element, manifest.missing-attribute;
 *  - the identity's attributes (identity.*, through mum_identity_validate),
 *    and those of every identity it refers to;
 *  - manifest.missing-hash, manifest.bad-hash, manifest.unknown-digest-method,
 *    manifest.bad-digest, manifest.digest-size for every <file>'s hash;
 *  - manifest.duplicate-update;
 *  - manifest.name-mismatch: a .manifest must be named after the keyform of
 *    its identity, a .mum (or .cat) after its package identity
 *    (case-insensitively); "update.mum" is the conventional name of the top
 *    package of a cabinet and always matches.  file_name is the bare name to
 *    check (see mum_manifest_options.file_name; NULL: from m's location; no
 *    check when flags has MUM_MANIFEST_NO_NAME_CHECK or there is no name);
 *  - manifest.unknown-element (information) for each element outside the
 *    vocabulary.
 * Returns MUM_OK when the check ran.  Errors: MUM_EINVAL (m or findings
 * NULL), MUM_ENOMEM.
 */
MUM_EXTERN int mum_manifest_check(const mum_manifest *m, const char *file_name, unsigned flags,
                                  mum_findings *findings);

/*
 * The hash algorithm a DigestMethod Algorithm URI names: xmldsig#sha1,
 * xmlenc#sha256 and xmldsig#sha256 (Windows writes the latter), xmlenc#sha512,
 * xmldsig-more#sha384 and #md5.  Errors: MUM_ENOTFOUND.
 */
MUM_EXTERN int mum_manifest_digest_method(mum_hash_alg *out, const char *uri);

#ifdef __cplusplus
}
#endif

#endif /* MUM_MANIFEST_H */
