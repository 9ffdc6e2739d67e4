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
MUM_EXTERN int mum_pe_parse(mum_ctx *ctx, const void *data, size_t size,
                            const mum_location *where, mum_pe_info *out);

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

#ifdef __cplusplus
}
#endif

#endif /* MUM_PE_H */
