/*
 * mum/delta.h - PA30 (MSDelta) deltas: the header, and applying a delta to
 * a source buffer to get its target, checked against the header's hash.
 * Also DCM files (Windows 10/11 component manifests): "DCM\x01" followed by
 * a PA30 delta whose source is the base manifest Windows keeps in wcp.dll.
 * doc/pa30.md describes the format as libmum reads it.
 */
#ifndef MUM_DELTA_H
#define MUM_DELTA_H

#include <mum/common.h>
#include <mum/hash.h>

#ifdef __cplusplus
extern "C" {
#endif

/* File types (DELTA_FILE_TYPE_*): which preprocessing the target had. */
#define MUM_DELTA_TYPE_RAW    0x1
#define MUM_DELTA_TYPE_I386   0x2
#define MUM_DELTA_TYPE_IA64   0x4
#define MUM_DELTA_TYPE_AMD64  0x8
#define MUM_DELTA_TYPE_CLI4_I386  0x10
#define MUM_DELTA_TYPE_CLI4_AMD64 0x20
#define MUM_DELTA_TYPE_CLI4_ARM   0x40
#define MUM_DELTA_TYPE_CLI4_ARM64 0x80

/* The largest target libmum builds (bytes): a header asking for more is
 * refused with MUM_ELIMIT before any allocation. */
#define MUM_DELTA_MAX_TARGET ((uint64_t)4 << 30)

typedef struct mum_delta_header {
    unsigned version;          /* 30 ("PA30"); 31 ("PA31") */
    uint64_t target_file_time; /* FILETIME of the target (100 ns since 1601) */
    int64_t file_type_set;     /* the types the creator tried */
    int64_t file_type;         /* MUM_DELTA_TYPE_* chosen */
    int64_t flags;             /* DELTA_FLAG_* */
    uint64_t target_size;      /* bytes of the target */
    uint32_t hash_alg;         /* 0: none; 0x8003 (CALG_MD5), 0x8004 (SHA-1), 0x800c (SHA-256) */
    size_t hash_len;
    uint8_t hash[64];          /* the target's hash, hash_len bytes */
    size_t preprocess_size;    /* bytes of the file-type preprocessing data */
    size_t header_size;        /* bytes of the delta before the compressed body */
    /* PE file types: the target image's ImageBase and COFF TimeDateStamp,
     * from the start of the preprocessing data (0 for RAW, or when the
     * target is not a PE image). */
    uint64_t pe_image_base;
    uint32_t pe_timestamp;
} mum_delta_header;

/* A short name for a file type ("raw", "i386", "amd64", ...); NULL: unknown. */
MUM_EXTERN const char *mum_delta_type_name(int64_t file_type);

/* The digest of a header's hash_alg (a CryptoAPI ALG_ID: 0x8003 MD5,
 * 0x8004 SHA-1, 0x800c/d/e SHA-256/384/512); MUM_HASH_NONE for 0 or an
 * algorithm libmum does not know. */
MUM_EXTERN mum_hash_alg mum_delta_hash_alg(uint32_t hash_alg);

/*
 * Reads the header of the delta in `data` (`size` bytes: the whole delta,
 * since the header's checks include the sizes of the preprocessing data and
 * of the body that follow it).  Also for PE file types, reverse deltas and
 * PA31 (not PA19: MUM_EUNSUPPORTED).
 * Errors: MUM_EINVAL; MUM_EFORMAT (not PA30, truncated, inconsistent: the
 * message, "PA30 delta: byte N bit B: ...", gives the offset); MUM_ELIMIT (a
 * target larger than MUM_DELTA_MAX_TARGET, a hash longer than 64 bytes);
 * MUM_EUNSUPPORTED (PA19).
 */
MUM_EXTERN int mum_delta_header_read(mum_delta_header *out, mum_ctx *ctx,
                                     const void *data, size_t size);

typedef struct mum_delta_options {
    unsigned version;          /* MUM_DELTA_OPTIONS_VERSION */
    uint64_t max_target;       /* 0: MUM_DELTA_MAX_TARGET */
    bool no_hash_check;        /* do not check the header's hash (default: check) */
} mum_delta_options;

#define MUM_DELTA_OPTIONS_VERSION 1
#define MUM_DELTA_OPTIONS_INIT {MUM_DELTA_OPTIONS_VERSION, 0, false}

/*
 * Applies the delta `delta` to `source` (may be NULL when source_size is
 * 0: a delta against nothing) and returns the target in *out (owned:
 * mum_free; never NULL on success, even for an empty target) and its size
 * in *out_size.  The target's hash is checked against the header's when it
 * has one.  opts may be NULL (defaults).  Memory: the target, allocated
 * as it is built (never more than the header's size, checked against the
 * limit first), at most ~25 MB of tables whatever the delta says, and for
 * PE file types a copy of the source (transformed).  Not streaming: matches may reach back
 * to any byte of the source or of the target built so far.
 * Supported: PA30/PA31, file type RAW with any flags but 0x1 (E8); file
 * types I386 and AMD64 when their transforms move no address (doc/pa30.md,
 * "PE file types": the source gets the target's TimeDateStamp and
 * ImageBase and a zero CheckSum).
 * Errors: MUM_EINVAL, MUM_ENOMEM; MUM_EFORMAT (a malformed delta, or a
 * target whose hash differs: the message gives the offset in the delta,
 * "PA30 delta: byte N bit B: ...", or both hashes); MUM_ELIMIT (the target,
 * or a table, is too large); MUM_EUNSUPPORTED (a file type, flag or hash
 * algorithm libmum does not decode yet, named in the message: PE address
 * transforms, IA64/CLI4 types, managed images, flag 0x1, reverse deltas,
 * PA19); MUM_EFORMAT also for a PE delta whose source is not a PE image.  Nothing is returned on error.
 */
MUM_EXTERN int mum_delta_apply(uint8_t **out, size_t *out_size, mum_ctx *ctx,
                               const void *source, size_t source_size,
                               const void *delta, size_t delta_size,
                               const mum_delta_options *opts);

/* Whether `data` starts with the DCM magic "DCM\x01". */
MUM_EXTERN bool mum_delta_is_dcm(const void *data, size_t size);

/*
 * Decodes a DCM manifest: `dcm` is the whole file (magic included), `base`
 * the base manifest.  Same results and errors as mum_delta_apply (default
 * options), offsets in messages counting from the start of the DCM file;
 * MUM_EFORMAT also when `dcm` does not start with "DCM\x01".
 */
MUM_EXTERN int mum_delta_dcm_decode(uint8_t **out, size_t *out_size, mum_ctx *ctx,
                                    const void *base, size_t base_size,
                                    const void *dcm, size_t dcm_size);

#ifdef __cplusplus
}
#endif

#endif /* MUM_DELTA_H */
