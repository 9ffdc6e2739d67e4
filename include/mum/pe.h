/*
 * mum/pe.h - Portable Executable (PE32 and PE32+) files: recognising them,
 * their Authenticode digest, and the signature embedded in them.
 *
 * The Authenticode digest is what catalogs list for PE files (DOMAIN.md §5)
 * and what an embedded Authenticode signature signs.  It is computed as the
 * Authenticode PE specification describes it:
 *   1. the headers (SizeOfHeaders bytes) without the CheckSum field and
 *      without the certificate table's data-directory entry;
 *   2. the raw data of every section with SizeOfRawData > 0, in order of
 *      PointerToRawData; SUM_OF_BYTES_HASHED = SizeOfHeaders + those sizes;
 *   3. when the file is longer than SUM_OF_BYTES_HASHED plus the
 *      certificate table, the bytes from offset SUM_OF_BYTES_HASHED to the
 *      end of the file, leaving out the certificate table (the attribute
 *      certificates), followed by zeros up to a multiple of 8 bytes of
 *      (file size - certificate table size).  Windows' catalog hashing
 *      (CryptCATAdminCalcHashFromFileHandle) pads so, as signing tools pad
 *      the file itself before appending a signature; so signing an unsigned
 *      file does not change its digest.
 *
 * Everything here works on a file held in memory (a pointer and a size) and
 * never reads outside it; the data is not modified.
 */
#ifndef MUM_PE_H
#define MUM_PE_H

#include <mum/common.h>
#include <mum/hash.h>

#ifdef __cplusplus
extern "C" {
#endif

/* What the headers say, offsets in bytes from the start of the file. */
typedef struct mum_pe_info {
    bool pe32plus;              /* optional header magic 0x20b (else 0x10b, PE32) */
    uint16_t machine;           /* IMAGE_FILE_HEADER.Machine (0x14c x86, 0x8664 amd64, ...) */
    uint16_t section_count;
    uint16_t characteristics;   /* IMAGE_FILE_HEADER.Characteristics (0x2000: a DLL) */
    uint32_t checksum;          /* the CheckSum field as stored */
    uint32_t size_of_headers;
    uint64_t pe_offset;         /* e_lfanew: the "PE\0\0" signature */
    uint64_t checksum_offset;   /* the 4-byte CheckSum field */
    uint64_t certdir_offset;    /* the 8-byte certificate-table directory entry; 0 if the
                                 * optional header has no such entry */
    uint64_t cert_offset;       /* the certificate table (0 and 0 when there is none) */
    uint64_t cert_size;
} mum_pe_info;

/*
 * True when data starts like a PE file: "MZ", an e_lfanew inside the data
 * and "PE\0\0" there.  Anything else is not a PE file (a DOS program, a
 * text file, ...) and is hashed flat.  Never fails.
 */
MUM_EXTERN bool mum_pe_probe(const void *data, size_t size);

/*
 * Reads the headers of a PE file and checks them against its size: the
 * optional header, the section table and every section's raw data must lie
 * inside the file, and the certificate table (when there is one) must lie
 * inside the file, after the headers and outside every section's raw data.
 * `where` names the input in messages (may be NULL); offsets in messages are
 * from the start of data.
 * Errors: MUM_EFORMAT (not a PE file, or a malformed one: the message says
 * which field at which offset), MUM_EUNSUPPORTED (an optional-header magic
 * other than PE32/PE32+, e.g. a ROM image).
 */
MUM_EXTERN int mum_pe_parse(mum_pe_info *out, mum_ctx *ctx, const void *data, size_t size,
                            const mum_location *where);

/*
 * The Authenticode digest of a PE file for each of the n algorithms in algs
 * (one pass over the data); digest i is written to out[i] (mum_hash_size
 * bytes of each row are used).  Errors: those of mum_pe_parse, MUM_EINVAL
 * (n == 0 or an algorithm mum_hash_size does not know), MUM_ENOMEM,
 * MUM_ECRYPTO.
 */
MUM_EXTERN int mum_pe_digest(mum_ctx *ctx, const void *data, size_t size,
                             const mum_location *where, const mum_hash_alg *algs, size_t n,
                             uint8_t (*out)[MUM_HASH_MAX_SIZE]);

/*
 * The Authenticode digest of a file that arrives in blocks (a payload
 * streamed out of a cabinet), without holding the file: a push API that
 * computes exactly what mum_pe_digest() computes for every input.
 *
 * It holds the headers (the bytes up to the end of the section table) and
 * what the layout forces.  When the sections follow each other in file order
 * without overlapping (the normal case), bytes are hashed as they arrive and
 * nothing else is held.  When a range to hash starts behind bytes already
 * seen (overlapping or out-of-order sections; gaps between sections, after
 * which the rest of the file is hashed from an offset inside the sections;
 * a certificate table before that offset), the bytes from the lowest offset
 * still needed are held until no range needs them.  Whatever is held
 * counts against a limit (MUM_PE_HASHER_LIMIT, or mum_pe_hasher_set_limit):
 * past it the digest is given up (MUM_ELIMIT at finish) while the flat
 * digests go on.
 *
 * With MUM_PE_HASHER_FLAT the hasher also computes the plain digest of every
 * byte with the same algorithms, so a caller can push every file through
 * one hasher and learn at the end whether it was a PE file:
 *
 *     mum_pe_hasher *h;
 *     mum_hash_alg algs[2] = {MUM_HASH_SHA1, MUM_HASH_SHA256};
 *     uint8_t pe[2][MUM_HASH_MAX_SIZE], flat[2][MUM_HASH_MAX_SIZE];
 *     if (mum_pe_hasher_new(&h, algs, 2, MUM_PE_HASHER_FLAT) == MUM_OK) {
 *         ... mum_pe_hasher_update(h, block, len) for every block ...
 *         int rc = mum_pe_hasher_finish(h, ctx, &where, pe, flat);
 *         // MUM_OK: pe and flat; MUM_ENOTFOUND: not a PE file, flat only;
 *         // MUM_EFORMAT/MUM_EUNSUPPORTED: a malformed PE file, flat only
 *         mum_pe_hasher_free(h);
 *     }
 */
typedef struct mum_pe_hasher mum_pe_hasher;

/* Also compute the plain digests of every byte. */
#define MUM_PE_HASHER_FLAT 0x1u
/* The default bound on the bytes held, headers included: 64 MiB. */
#define MUM_PE_HASHER_LIMIT ((size_t)64 << 20)

/*
 * A hasher for the n (1 to 8) algorithms in algs (copied).
 * Errors: MUM_EINVAL (n, an algorithm mum_hash_size does not know, unknown
 * flags), MUM_ENOMEM, MUM_ECRYPTO.
 */
MUM_EXTERN int mum_pe_hasher_new(mum_pe_hasher **out, const mum_hash_alg *algs, size_t n,
                                 unsigned flags);
MUM_EXTERN void mum_pe_hasher_free(mum_pe_hasher *h);

/* Sets the bound on the bytes held (0: MUM_PE_HASHER_LIMIT).  Call before the
 * first update. */
MUM_EXTERN void mum_pe_hasher_set_limit(mum_pe_hasher *h, size_t bytes);

/*
 * The next size bytes of the file (data is not kept).  A malformed file or
 * one past the limit is not an error here: finish says so.
 * Errors (sticky): MUM_ENOMEM, MUM_ECRYPTO, MUM_EINVAL (after finish).
 */
MUM_EXTERN int mum_pe_hasher_update(mum_pe_hasher *h, const void *data, size_t size);

/*
 * Ends the file.  Digest i of the Authenticode digests goes to out[i]; with
 * MUM_PE_HASHER_FLAT, the plain digests to flat[i] (flat may be NULL
 * otherwise).  Returns what mum_pe_digest() returns for the same bytes, with
 * the same message on ctx, except that a file that does not start like a PE
 * file (the two "not a PE file" errors of mum_pe_digest, the files
 * mum_pe_probe() rejects) gives MUM_ENOTFOUND, and MUM_ELIMIT when the
 * layout needed more held than the limit.  The flat digests are written
 * whenever the result is MUM_OK, MUM_ENOTFOUND, MUM_EFORMAT,
 * MUM_EUNSUPPORTED or MUM_ELIMIT.  Call once.
 * Errors: those of mum_pe_parse, MUM_ENOTFOUND, MUM_ELIMIT, MUM_ENOMEM,
 * MUM_ECRYPTO, MUM_EINVAL (called twice, out NULL, flat NULL with the flag).
 */
MUM_EXTERN int mum_pe_hasher_finish(mum_pe_hasher *h, mum_ctx *ctx, const mum_location *where,
                                    uint8_t (*out)[MUM_HASH_MAX_SIZE],
                                    uint8_t (*flat)[MUM_HASH_MAX_SIZE]);

/* The most bytes the hasher held at once (for tests and measurements). */
MUM_EXTERN size_t mum_pe_hasher_peak(const mum_pe_hasher *h);

/*
 * The embedded Authenticode signature: the DER PKCS#7 SignedData of the
 * first WIN_CERTIFICATE of type PKCS_SIGNED_DATA (0x0002) in the
 * certificate table.  *der points into data (borrowed; lives as long as
 * data); *len is the length of the DER element there (the padding signing
 * tools add to 8 bytes is left out).  Pass the result
 * to mum_signature_parse() and mum_authenticode_verify() (mum/signature.h)
 * with this file's mum_pe_digest().
 * Errors: those of mum_pe_parse, MUM_ENOTFOUND (no certificate table, or no
 * PKCS#7 entry in it), MUM_EFORMAT (a WIN_CERTIFICATE length that does not
 * fit the table).
 */
MUM_EXTERN int mum_pe_signature(mum_ctx *ctx, const void *data, size_t size,
                                const mum_location *where, const uint8_t **der, size_t *len);

/* The resource type of the base manifest DCM manifests are deltas against,
 * in wcp.dll: type 614, name 1 (both numeric ids). */
#define MUM_PE_RT_WCP_BASE_MANIFEST 614u
#define MUM_PE_RN_WCP_BASE_MANIFEST 1u

/*
 * The data of the resource of numeric type `type` and numeric name `name`
 * (the ids MAKEINTRESOURCE gives), in its first language, in the resource
 * directory (data directory 2) of a PE file held in memory: *out points
 * into data (borrowed; lives as long as data), *out_size is its size.  The
 * three levels of the directory (type, name, language) are read with every
 * offset checked against the section that holds it.
 * Errors: those of mum_pe_parse; MUM_ENOTFOUND (no resource directory, or
 * no such type or name in it); MUM_EFORMAT (a directory, entry or data
 * outside the resource section or the file: the message gives the offset).
 */
MUM_EXTERN int mum_pe_resource(const uint8_t **out, size_t *out_size, mum_ctx *ctx,
                               const void *data, size_t size, uint32_t type, uint32_t name,
                               const mum_location *where);

#ifdef __cplusplus
}
#endif

#endif /* MUM_PE_H */
