/*
 * pe_version.h - the file version a PE image carries in its version
 * resource (RT_VERSION: VS_VERSIONINFO, VS_FIXEDFILEINFO.dwFileVersionMS
 * and dwFileVersionLS), read from the bytes as they stream past once
 * (graph_walk.c feeds it beside the digests; nothing reads a payload
 * twice).
 *
 * The headers (up to the end of the section table) are kept while they
 * arrive; they say where the resource directory lies; from then on the
 * bytes of that section from the directory on are kept until the tree they
 * hold leads to the VS_VERSIONINFO, then only its first bytes: a large
 * resource section is not held whole.  The range read is at most
 * MUM_PE_VERSION_RSRC_LIMIT bytes.  A version resource past that bound,
 * or in a file whose headers are longer than MUM_PE_VERSION_HEAD_LIMIT, is
 * not found.  Every offset the file gives (section table, data directory,
 * resource tree, data entry, VS_VERSIONINFO lengths) is checked against
 * what is held before it is read: a hostile file gives "no version", never
 * a read outside the buffers.
 */
#ifndef MUM_PE_VERSION_H
#define MUM_PE_VERSION_H

#include "internal.h"

#define MUM_PE_VERSION_HEAD_LIMIT ((size_t)64 << 10)
#define MUM_PE_VERSION_RSRC_LIMIT ((size_t)16 << 20)

typedef struct mum__pe_version mum__pe_version;

/* A reader for one file.  Errors: MUM_ENOMEM. */
MUM_INTERNAL int mum__pe_version_new(mum__pe_version **out);
/* The next bytes of the file.  Errors: MUM_ENOMEM (sticky). */
MUM_INTERNAL int mum__pe_version_update(mum__pe_version *v, const void *data, size_t size);
/*
 * Ends the file: MUM_OK with the version as "a.b.c.d" in out (at least 24
 * bytes), or MUM_ENOTFOUND (not a PE image, no version resource, or one
 * past the bounds or malformed).  Errors: MUM_ENOMEM (from an update).
 */
MUM_INTERNAL int mum__pe_version_finish(mum__pe_version *v, char *out, size_t out_size);
/* The bytes the reader holds now (its buffers' sizes): a test's view. */
MUM_INTERNAL size_t mum__pe_version_held(const mum__pe_version *v);
/* NULL allowed. */
MUM_INTERNAL void mum__pe_version_free(mum__pe_version *v);

/* The same on a file held whole in memory. */
MUM_INTERNAL int mum__pe_version_of(const void *data, size_t size, char *out, size_t out_size);

#endif /* MUM_PE_VERSION_H */
