/*
 * mum/payload.h - what a package's payload files should hash to, learnt
 * while walking it: the DigestValue a component manifest gives each of
 * its <file>s (the payload of "stem.manifest"'s <file name="N"> is the
 * entry "stem/N" beside it) and the hash an express cabinet's index
 * (_manifest_.cix.xml) gives each blob.  Fed from a mum_walk's events, so
 * a command that streams a package (extract) can check each file's data
 * against it without reading anything twice.
 */
#ifndef MUM_PAYLOAD_H
#define MUM_PAYLOAD_H

#include <mum/common.h>
#include <mum/container.h>
#include <mum/hash.h>

#ifdef __cplusplus
extern "C" {
#endif

/* What one payload should hash to. */
typedef struct mum_payload_digest {
    const char *source;     /* nested path of the manifest or index saying so
                             * (borrowed: lives as long as the map) */
    bool express;           /* from an express index (else a manifest's DigestValue) */
    mum_hash_alg alg;       /* MUM_HASH_SHA1 or MUM_HASH_SHA256 */
    uint8_t digest[32];     /* the first 20 or 32 bytes */
} mum_payload_digest;

typedef struct mum_payload_digests mum_payload_digests;

/*
 * An empty map for the walk of `input` (copied; named in locations).
 * Errors: MUM_EINVAL, MUM_ENOMEM.
 */
MUM_EXTERN int mum_payload_digests_new(mum_payload_digests **out, const char *input);
MUM_EXTERN void mum_payload_digests_free(mum_payload_digests *map);

/*
 * Whether a file's data is needed: a component manifest or an express
 * index not larger than the map reads (64 MiB).  Looks only at the entry,
 * so it may run on a walk's decoding thread (mum_walk_consumer.want_data).
 */
MUM_EXTERN bool mum_payload_digests_wants(const mum_entry *e);

/*
 * Feeding the map from a walk: _begin at a file's entry event, _data with
 * each block of its data, _end at its end; files the map does not want
 * are ignored.  A manifest or index that does not parse (a delta one, a
 * broken one: verify reports those) gives no digests; the first to name a
 * payload wins.  Errors: MUM_EINVAL (NULL), MUM_ENOMEM (_end only: a block
 * that does not fit in memory makes its manifest give nothing).
 */
MUM_EXTERN int mum_payload_digests_begin(mum_payload_digests *map, const mum_entry *e);
MUM_EXTERN int mum_payload_digests_data(mum_payload_digests *map, const void *data, size_t size);
MUM_EXTERN int mum_payload_digests_end(mum_payload_digests *map, const mum_entry *e);

/*
 * What the file at nested path `path` (as the walk gives it; compared
 * without regard to ASCII case) should hash to, or NULL when no manifest or index
 * seen so far names it.  Borrowed: valid until the map is fed again or
 * freed.
 */
MUM_EXTERN const mum_payload_digest *mum_payload_digests_find(const mum_payload_digests *map, const char *path);

/* Whether a file's digests (from the walk; NULL: not computed) are the ones expected. */
MUM_EXTERN bool mum_payload_digest_matches(const mum_payload_digest *want, const mum_file_digests *got);

#ifdef __cplusplus
}
#endif

#endif /* MUM_PAYLOAD_H */
