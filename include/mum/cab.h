/*
 * mum/cab.h - the cabinet header (CFHEADER) read field by field, and the
 * cabinet's own Authenticode signature: whether it is there, where, its
 * bytes, and the digests a signature over the cabinet must carry.
 *
 * A signed cabinet (an .msu, or a signed .cab) has the "reserve present"
 * flag (0x0004), a 20-byte header reserve whose bytes 44-47 give the offset
 * of the signature (the size of the cabinet proper) and 48-51 its length;
 * the signature, DER PKCS#7 padded to 8 bytes, follows the cabinet.  The
 * Authenticode digest of a cabinet covers bytes 0-3, 8-33 and 56 up to the
 * signature (the layout osslsigncode verifies).  Checking the PKCS#7 itself
 * is the catalog module's work; this header only finds and digests.
 */
#ifndef MUM_CAB_H
#define MUM_CAB_H

#include <mum/common.h>
#include <mum/signature.h>

#ifdef __cplusplus
extern "C" {
#endif

/* CFHEADER flags. */
#define MUM_CAB_FLAG_PREV_CABINET 0x0001u
#define MUM_CAB_FLAG_NEXT_CABINET 0x0002u
#define MUM_CAB_FLAG_RESERVE 0x0004u

/* Folder compression types (the low four bits of typeCompress). */
typedef enum mum_cab_compression {
    MUM_CAB_STORED = 0,
    MUM_CAB_MSZIP = 1,
    MUM_CAB_QUANTUM = 2,
    MUM_CAB_LZX = 3
} mum_cab_compression;

/* "stored", "MSZIP", "Quantum", "LZX"; "unknown" otherwise. */
MUM_EXTERN const char *mum_cab_compression_name(unsigned type);

/* The fixed CFHEADER is 36 bytes; with a signature reserve, 60. */
#define MUM_CAB_HEADER_FIXED 36
#define MUM_CAB_SIGNED_HEADER 60

/* The working model of a CFHEADER (the disk layout is decoded into it). */
typedef struct mum_cab_header {
    uint32_t cabinet_size;       /* cbCabinet */
    uint32_t files_offset;       /* coffFiles: where the CFFILE table starts */
    uint8_t version_minor, version_major;
    uint16_t folder_count, file_count;
    uint16_t flags;              /* MUM_CAB_FLAG_* */
    uint16_t set_id, cabinet_index;
    uint16_t header_reserve;     /* cbCFHeader (0 without the reserve flag) */
    uint8_t folder_reserve, data_reserve;
    /* Names of the neighbours in a multi-cabinet set ("" when absent). */
    char prev_cabinet[256], next_cabinet[256];
    /* The CFFOLDER table, when it lay inside the bytes parsed. */
    bool folders_known;
    uint32_t folders_end;        /* offset just past the table */
    uint32_t first_data_offset;  /* the smallest coffCabStart */
    unsigned compression_mask;   /* bit (1 << type) per folder's compression type */
    /* The Authenticode reserve: cbCFHeader 20 holding 00 00 10 00, offset, length. */
    bool signature_reserve;
    uint32_t signature_offset, signature_length;
} mum_cab_header;

/*
 * Decodes a CFHEADER from the first `size` bytes of a cabinet.  At least the
 * fixed fields, the reserve and the set names must be there; the folder
 * table is decoded when it is (folders_known).  Errors: MUM_EFORMAT (no
 * "MSCF", a nonzero reserved field, truncated, a name without its NUL, a
 * reserve larger than 60000 bytes), recorded on ctx at loc with the offset.
 */
MUM_EXTERN int mum_cab_header_parse(mum_cab_header *out, mum_ctx *ctx, const mum_location *loc,
                                    const void *data, size_t size);

/*
 * Checks the folder and file tables of a cabinet whose header h was parsed
 * from the same `size` first bytes: folders and files exist, every folder
 * has a known compression type and its data after the tables, every file
 * names an existing folder, has a terminated, non-empty name and a size a
 * folder can hold.  Entries past `size` are checked only when `complete`
 * says the bytes are the whole cabinet (then they are truncation).
 * Errors: MUM_EFORMAT, or MUM_EUNSUPPORTED for a file continued from or into
 * another cabinet of a set; with the offset.
 */
MUM_EXTERN int mum_cab_tables_check(const mum_cab_header *h, mum_ctx *ctx, const mum_location *loc,
                                    const void *data, size_t size, bool complete);

/* The largest signature read into memory; longer ones are reported, not kept. */
#define MUM_CAB_SIGNATURE_MAX ((size_t)4 << 20)

/*
 * A cabinet's signature and digests, as found by reading it whole.
 * `blob` is owned by the struct (release with mum_cab_signature_clear).
 */
typedef struct mum_cab_signature {
    bool present;                /* the header carries an Authenticode reserve with a signature */
    uint64_t offset, length;     /* where the header says the signature is */
    uint8_t *blob;               /* the signature bytes (DER PKCS#7 + padding); NULL if not read */
    size_t blob_size;
    bool digests_valid;          /* the signed ranges were digested: */
    uint8_t sha1[20];            /* the Authenticode SHA-1, unless MUM_CAB_DIGEST_ONLY_SHA256 */
    uint8_t sha256[32];          /* the SHA-256, unless MUM_CAB_DIGEST_ONLY_SHA1 */
    bool raw_valid;              /* raw_sha256 holds the plain SHA-256 of every byte */
    uint8_t raw_sha256[32];
    uint64_t stream_size;        /* bytes read */
    uint64_t cabinet_size;       /* cbCabinet */
    bool sha1_valid, sha256_valid; /* with digests_valid: which of the two were computed */
} mum_cab_signature;

MUM_EXTERN void mum_cab_signature_clear(mum_cab_signature *sig);

/*
 * A cabinet digest fed the cabinet's bytes in order, in blocks of any size:
 * it parses the header as soon as it has it, computes the Authenticode
 * SHA-1 and SHA-256 over the signed ranges in the same pass, keeps the
 * signature bytes, and (with MUM_CAB_DIGEST_RAW) the plain SHA-256.
 */
typedef struct mum_cab_digest mum_cab_digest;

#define MUM_CAB_DIGEST_RAW 0x1u
/* Hash on a thread of the digest's own: mum_cab_digest_update copies the
 * bytes (at most 2 MiB wait) and returns; its failures come out of
 * mum_cab_digest_finish.  Without a thread (none could be started) the
 * digest hashes on the caller's thread, with the same results. */
#define MUM_CAB_DIGEST_THREAD 0x2u
/* The Authenticode digest in one algorithm only, for a caller that knows
 * which one the signature holds (mum_cab_signature_alg): the other is not
 * computed, and sha1_valid or sha256_valid says which one is there. */
#define MUM_CAB_DIGEST_ONLY_SHA1 0x4u
#define MUM_CAB_DIGEST_ONLY_SHA256 0x8u

/* Errors: MUM_ENOMEM, MUM_ECRYPTO, MUM_EINVAL (both ONLY flags). */
MUM_EXTERN int mum_cab_digest_new(mum_cab_digest **out, unsigned flags);
MUM_EXTERN void mum_cab_digest_free(mum_cab_digest *d);
/* Errors: MUM_ENOMEM, MUM_ECRYPTO. */
MUM_EXTERN int mum_cab_digest_update(mum_cab_digest *d, const void *data, size_t size);
/*
 * Ends the stream and fills *out (cleared first; the caller owns it).
 * Problems with where the signature sits are findings (container.*) at
 * loc; `findings` may be NULL.  Errors: MUM_EFORMAT (not a cabinet header,
 * recorded on ctx), MUM_ENOMEM, MUM_ECRYPTO.
 */
MUM_EXTERN int mum_cab_digest_finish(mum_cab_signature *out, mum_cab_digest *d, mum_ctx *ctx,
                                     const mum_location *loc, mum_findings *findings);

/*
 * Reads the cabinet file at `path` once (64 KiB blocks) and returns its
 * signature and digests: the function a signature check calls.  The input is
 * never modified.  `flags` as for mum_cab_digest_new.  Errors: MUM_EIO,
 * MUM_EFORMAT, MUM_ENOMEM, MUM_ECRYPTO (recorded on ctx).
 */
MUM_EXTERN int mum_cab_signature_read(mum_cab_signature *out, mum_ctx *ctx, const char *path,
                                      unsigned flags, mum_findings *findings);

/*
 * Verifies a cabinet's own Authenticode signature, found and digested by
 * mum_cab_digest_finish() or mum_cab_signature_read() (or delivered on a
 * walk's CONTAINER_END event): the blob is parsed as DER PKCS#7 SignedData
 * (the zero padding after it is left out; anything but zeros there is
 * malformed); its SpcIndirectDataContent must carry the cabinet's digest of
 * its algorithm (SHA-1 or SHA-256), whatever data type it names (SPC_CAB_DATA
 * 1.3.6.1.4.1.311.2.1.25, or SPC_LINK ...2.1.28 as signtool writes: as on
 * Windows, the file is digested as the cabinet it is; a digest that differs
 * fails integrity with MUM_SIG_CHECK_FILE_DIGEST, whose detail names a data
 * type that is not a cabinet's); then the two levels
 * of mum_authenticode_verify(), with `opts` (NULL: integrity only, at best
 * MUM_SIG_UNTRUSTED with MUM_SIG_TRUST_NO_ANCHORS).
 *
 * On MUM_OK, *out holds the verdict (release with mum_sig_result_clear();
 * mum_sig_result_findings() turns it into findings) and, when sig_out is
 * not NULL, *sig_out the parsed signature for its signers, times and
 * certificates (the caller frees it with mum_signature_free()).  `where`
 * names the cabinet in messages (NULL allowed); offsets in them are
 * offsets in the cabinet.
 *
 * Errors: MUM_EINVAL (sig or out NULL), MUM_ENOTFOUND (the cabinet carries
 * no signature: sig->present is false), MUM_EFORMAT (the signature was not read whole or the cabinet's
 * digest could not be computed - the digest's findings say why - or the
 * blob is not a DER PKCS#7 SignedData followed by zero padding: the message
 * gives the offset), MUM_ENOMEM, MUM_ECRYPTO.
 */
MUM_EXTERN int mum_cab_signature_verify(mum_sig_result *out, mum_signature **sig_out, mum_ctx *ctx,
                                        const mum_cab_signature *sig, const mum_location *where,
                                        const mum_sig_verify_options *opts);

/*
 * The algorithm of the digest a cabinet's signature signs (the digest of
 * its SpcIndirectDataContent), read from the signature's bytes (`blob`,
 * DER PKCS#7 with any padding after it) without checking anything else;
 * MUM_HASH_NONE when the bytes do not say it plainly.  For a reader that
 * has the signature before the cabinet and wants to digest only what the
 * signature needs (MUM_CAB_DIGEST_ONLY_*); the verification itself still
 * happens on the bytes read with the cabinet.
 */
MUM_EXTERN mum_hash_alg mum_cab_signature_alg(const void *blob, size_t size);

#ifdef __cplusplus
}
#endif

#endif /* MUM_CAB_H */
