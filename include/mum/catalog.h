/*
 * mum/catalog.h - security catalogs (.cat): reading them, finding files in
 * them, and making them.
 *
 * A catalog is a PKCS#7 SignedData (mum/signature.h) whose content is a
 * Microsoft certificate trust list (CTL, DOMAIN.md §5): a list of members,
 * each the digest of one file with attributes, plus catalog-level
 * attributes.  Two member formats exist:
 *   v1 (subject algorithm 1.3.6.1.4.1.311.12.1.2): the member's tag is the
 *      upper-case hex of the file's SHA-1 as a UTF-16LE string; CAT_MEMBERINFO
 *      names the SIP (PE or flat) and SPC_INDIRECT_DATA holds the digest;
 *   v2 (1.3.6.1.4.1.311.12.1.3): every file appears twice, tagged with its
 *      raw SHA-256 (with SPC_INDIRECT_DATA) and its raw SHA-1 (without);
 *      CAT_MEMBERINFO2 tells PE ([0]) from flat ([2]).
 * A member stands for a PE file by its Authenticode digest (mum/pe.h) and
 * for any other file by the plain digest of its bytes.
 */
#ifndef MUM_CATALOG_H
#define MUM_CATALOG_H

#include <mum/common.h>
#include <mum/hash.h>
#include <mum/signature.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MUM_OID_CAT_LIST "1.3.6.1.4.1.311.12.1.1"
#define MUM_OID_CAT_MEMBER_V1 "1.3.6.1.4.1.311.12.1.2"
#define MUM_OID_CAT_MEMBER_V2 "1.3.6.1.4.1.311.12.1.3"

/* How a member's digest is computed from the file. */
typedef enum mum_cat_kind {
    MUM_CAT_KIND_UNKNOWN = 0,   /* the member does not say (no SIP information) */
    MUM_CAT_KIND_FLAT,          /* the digest of the file's bytes */
    MUM_CAT_KIND_PE             /* the Authenticode digest of a PE file */
} mum_cat_kind;

/* "unknown", "flat", "pe". */
MUM_EXTERN const char *mum_cat_kind_name(mum_cat_kind kind);

/* Flags of a name/value attribute as Windows writes them:
 * CRYPTCAT_ATTR_AUTHENTICATED | NAMEASCII | DATAASCII. */
#define MUM_CAT_ATTR_FLAGS_DEFAULT 0x10010001u

/* A CAT_NAMEVALUE attribute ("File", "Hint", "OSAttr", ...), as UTF-8. */
typedef struct mum_cat_attr {
    char *name;
    uint32_t flags;
    char *value;
} mum_cat_attr;

/*
 * How a member's tag (the identifier it is stored under) relates to its
 * digest.  A catalog's tags are nearly always its digests in one of these
 * forms, so the catalog keeps the digest alone and makes the tag again when
 * asked (mum_cat_member_tag, mum_cat_member_tag_text): byte for byte the
 * stored one.
 */
typedef enum mum_cat_tag_form {
    MUM_CAT_TAG_STORED = 0,     /* none of the below: kept as it is */
    MUM_CAT_TAG_DIGEST,         /* the digest's bytes (v2 and unknown formats) */
    MUM_CAT_TAG_HEX_UPPER,      /* v1: the digest's upper-case hex, UTF-16LE */
    MUM_CAT_TAG_HEX_UPPER_NUL,  /* the same and a UTF-16 NUL (what Windows writes) */
    MUM_CAT_TAG_HEX_LOWER,      /* v1: lower-case hex, UTF-16LE */
    MUM_CAT_TAG_HEX_LOWER_NUL   /* the same and a UTF-16 NUL */
} mum_cat_tag_form;

/*
 * One member.  Everything it points to is owned by the catalog; the
 * strings are shared between members (the same OID, GUID or name is
 * stored once).  Small on purpose: a catalog of a large update holds tens
 * of thousands of members, kept while the package is judged.
 */
typedef struct mum_cat_member {
    const uint8_t *digest;      /* digest_len bytes: what the member stands for */
    const char *data_type;      /* its SpcIndirectDataContent type OID, NULL when absent */
    const char *sip_guid;       /* v1 CAT_MEMBERINFO subject GUID, NULL when absent */
    const mum_cat_attr *attrs;  /* CAT_NAMEVALUE attributes, in stored order */
    uint32_t tag_len;           /* bytes of the tag as stored (read it with the functions below) */
    uint32_t attr_count;
    uint32_t member_info_version; /* of CAT_MEMBERINFO (0 when absent) */
    uint32_t offset;            /* where the member starts in the catalog file (at most 1 GiB) */
    uint8_t digest_len;         /* 0 when the member has no digest we can read */
    uint8_t alg;                /* a mum_hash_alg: the algorithm of digest */
    uint8_t kind;               /* a mum_cat_kind */
    int8_t member_info2;        /* v2 CAT_MEMBERINFO2 choice tag (0 PE, 2 flat), -1 absent */
    bool has_indirect_data;     /* SPC_INDIRECT_DATA present (digest comes from it) */
    uint8_t tag_form;           /* a mum_cat_tag_form */
} mum_cat_member;               /* 56 bytes on LP64 */

/* Room for a tag's text that is a digest's hex, NUL included. */
#define MUM_CAT_TAG_TEXT_MAX (2 * MUM_HASH_MAX_SIZE + 1)
/* Room for a tag that is a digest in one of the forms above. */
#define MUM_CAT_TAG_MAX (4 * MUM_HASH_MAX_SIZE + 2)

/*
 * The member's tag as text: in v1 catalogs the tag's UTF-8 text (the
 * lower-case hex of its bytes when it is not UTF-16 text), otherwise the
 * lower-case hex of its bytes.  Returns either a string the catalog owns or
 * buf, filled (NULL when m or buf is NULL).
 */
MUM_EXTERN const char *mum_cat_member_tag_text(const mum_cat_member *m, char buf[MUM_CAT_TAG_TEXT_MAX]);

/*
 * The member's tag as stored (m->tag_len bytes): either bytes the catalog
 * owns or buf, filled (NULL when m or buf is NULL).
 */
MUM_EXTERN const uint8_t *mum_cat_member_tag(const mum_cat_member *m, uint8_t buf[MUM_CAT_TAG_MAX]);

/* The value of a member's attribute `name` (ASCII case-insensitive), or NULL. */
MUM_EXTERN const char *mum_cat_member_attr(const mum_cat_member *m, const char *name);

typedef struct mum_catalog_info {
    int version;                /* 1 or 2 (0 when the subject algorithm is neither) */
    char *subject_algorithm;    /* dotted */
    char *list_id;              /* hex of listIdentifier, NULL when absent */
    char *sequence_number;      /* hex, NULL when absent */
    int64_t this_update;
    bool has_next_update;
    int64_t next_update;
    size_t member_count;
    size_t attr_count;
} mum_catalog_info;

typedef struct mum_catalog mum_catalog;

/*
 * Parses a catalog held in memory (not kept: the catalog keeps what it
 * needs).  `where` names the input in messages (NULL allowed).  An unsigned
 * catalog parses (its signature has no signer).
 * Errors: MUM_EFORMAT (not a catalog, truncated, a malformed member: the
 * message gives the byte offset), MUM_ELIMIT, MUM_ENOMEM.
 */
MUM_EXTERN int mum_catalog_parse(mum_catalog **out, mum_ctx *ctx, const void *data, size_t size,
                                 const mum_location *where);
MUM_EXTERN void mum_catalog_free(mum_catalog *cat);

/* Borrowed views; they live as long as the catalog. */
MUM_EXTERN const mum_catalog_info *mum_catalog_get_info(const mum_catalog *cat);
MUM_EXTERN const mum_cat_member *mum_catalog_member(const mum_catalog *cat, size_t i);
MUM_EXTERN const mum_cat_attr *mum_catalog_attr(const mum_catalog *cat, size_t i);
/* The value of catalog attribute `name` (ASCII case-insensitive), or NULL. */
MUM_EXTERN const char *mum_catalog_attr_value(const mum_catalog *cat, const char *name);
/* The catalog's PKCS#7 signature (never NULL for a parsed catalog). */
MUM_EXTERN const mum_signature *mum_catalog_signature(const mum_catalog *cat);

/*
 * Appends findings about the catalog itself (not its signature):
 * catalog.tag-mismatch when a member's tag is not the digest its
 * SPC_INDIRECT_DATA holds.  Errors: MUM_ENOMEM.
 */
MUM_EXTERN int mum_catalog_check(const mum_catalog *cat, mum_findings *list,
                                 const mum_location *where);

/* ---- membership ---- */

/* The digests a file can be listed under. */
typedef struct mum_cat_digests {
    bool is_pe;                 /* the pe_ digests are valid */
    uint8_t sha1[20];           /* of the bytes */
    uint8_t sha256[32];
    uint8_t pe_sha1[20];        /* Authenticode */
    uint8_t pe_sha256[32];
} mum_cat_digests;

/*
 * Computes a file's digests: flat SHA-1 and SHA-256 always, and the
 * Authenticode ones when the data is a PE file (mum_pe_probe).
 * Errors: those of mum_pe_digest for a malformed PE file (MUM_EFORMAT,
 * MUM_EUNSUPPORTED: the message names the field and offset), MUM_ENOMEM,
 * MUM_ECRYPTO.
 */
MUM_EXTERN int mum_cat_digests_compute(mum_cat_digests *out, mum_ctx *ctx, const void *data,
                                       size_t size, const mum_location *where);

/* How a file matched a member. */
typedef enum mum_cat_how {
    MUM_CAT_HOW_PE_SHA256 = 1,
    MUM_CAT_HOW_PE_SHA1,
    MUM_CAT_HOW_FLAT_SHA256,
    MUM_CAT_HOW_FLAT_SHA1
} mum_cat_how;

/* "authenticode-sha256", "authenticode-sha1", "sha256", "sha1". */
MUM_EXTERN const char *mum_cat_how_name(mum_cat_how how);

typedef struct mum_cat_hit {
    size_t member;              /* index for mum_catalog_member() */
    mum_cat_how how;
} mum_cat_hit;

/*
 * The members that stand for a file with these digests: a member matches
 * when its digest equals the file's digest of the same algorithm and kind
 * (Authenticode for PE members, plain for flat ones; either for members that
 * do not say).  Writes up to max hits (in member order) and returns how many
 * there are in all.  O(log n) per digest.
 */
MUM_EXTERN size_t mum_catalog_match(const mum_catalog *cat, const mum_cat_digests *d,
                                    mum_cat_hit *hits, size_t max);

/*
 * Checking files against a catalog (mumtool cat check): which members
 * stand for each file, which file no member stands for, and which member
 * no file matched.
 */
typedef struct mum_cat_check mum_cat_check;

/*
 * A check against `cat` (borrowed: it must outlive the check), named
 * `catalog_name` (copied) in messages and locations.  Errors: MUM_EINVAL,
 * MUM_ENOMEM.
 */
MUM_EXTERN int mum_cat_check_new(mum_cat_check **out, const mum_catalog *cat, const char *catalog_name);
MUM_EXTERN void mum_cat_check_free(mum_cat_check *check);

/*
 * Matches the file `file` with digests d: writes up to max hits (as
 * mum_catalog_match) and their total to *count; every member that stands
 * for it counts as matched.  A file no member stands for adds a
 * catalog.not-member finding located at `file`.  Errors: MUM_EINVAL,
 * MUM_ENOMEM.
 */
MUM_EXTERN int mum_cat_check_file(mum_cat_check *check, const char *file, const mum_cat_digests *d,
                                  mum_cat_hit *hits, size_t max, size_t *count, mum_findings *findings);

/*
 * Once every file is checked: a catalog.member-unmatched finding, located
 * at the member's offset in the catalog, for each member no file matched.
 * Errors: MUM_EINVAL, MUM_ENOMEM.
 */
MUM_EXTERN int mum_cat_check_finish(mum_cat_check *check, mum_findings *findings);

/* ---- making catalogs ---- */

typedef struct mum_cat_builder mum_cat_builder;

/*
 * A builder for a catalog of member format `version` (1 or 2).  The
 * defaults: thisUpdate the current time, listIdentifier derived from the
 * contents (so the same inputs give the same catalog), no attributes.
 * Errors: MUM_EINVAL (version), MUM_ENOMEM.
 */
MUM_EXTERN int mum_cat_builder_new(mum_cat_builder **out, mum_ctx *ctx, int version);
MUM_EXTERN void mum_cat_builder_free(mum_cat_builder *b);

/* thisUpdate (and the signingTime attribute of a signed catalog). */
MUM_EXTERN void mum_cat_builder_set_time(mum_cat_builder *b, int64_t this_update);
/* listIdentifier bytes (1 to 64).  Errors: MUM_EINVAL. */
MUM_EXTERN int mum_cat_builder_set_list_id(mum_ctx *ctx, mum_cat_builder *b, const uint8_t *id,
                                           size_t len);
/* A catalog-level attribute ("OSAttr" = "2:6.1,2:6.2").  name and value are
 * UTF-8.  Errors: MUM_EINVAL (empty name, invalid UTF-8), MUM_EEXIST (the name
 * is already set), MUM_ENOMEM. */
MUM_EXTERN int mum_cat_builder_add_attr(mum_ctx *ctx, mum_cat_builder *b, const char *name,
                                        const char *value, uint32_t flags);

/*
 * Adds a file by its digests (mum_cat_digests_compute): one member in v1
 * (SHA-1), two in v2 (SHA-256 with the attributes, and SHA-1); PE files by
 * their Authenticode digests.  A file whose digests are already in the
 * catalog is not added twice: *file_out then names the existing file.
 * Errors: MUM_ENOMEM.
 */
MUM_EXTERN int mum_cat_builder_add(size_t *file_out, mum_ctx *ctx, mum_cat_builder *b,
                                   const mum_cat_digests *d);
/*
 * An attribute of a file added before ("File" = "netcfgx.dll", "Hint" =
 * "keyform\\netcfgx.dll").  When the name is set already (the same content
 * added under two names), the value that sorts first is kept, so the result
 * does not depend on the order files are added in.
 * Errors: MUM_EINVAL (bad file index, empty name, invalid UTF-8), MUM_ENOMEM.
 */
MUM_EXTERN int mum_cat_builder_add_file_attr(mum_ctx *ctx, mum_cat_builder *b, size_t file,
                                             const char *name, const char *value, uint32_t flags);

/*
 * Encodes the catalog: members sorted by tag (as Windows does; the order of
 * adding does not matter), signed by `signer` with `opts` (digest algorithm,
 * description) in the PKCS#7 v1.5 form real catalogs have, or unsigned when
 * signer is NULL.  A signed catalog's signingTime is the builder's time.
 * *out is released with mum_free().
 * Errors: MUM_ENOMEM, MUM_EINVAL (opts), MUM_ECRYPTO (signing failed).
 */
MUM_EXTERN int mum_cat_builder_finish(uint8_t **out, size_t *out_len, mum_ctx *ctx,
                                      mum_cat_builder *b, const mum_signer *signer,
                                      const mum_sign_options *opts);

#ifdef __cplusplus
}
#endif

#endif /* MUM_CATALOG_H */
