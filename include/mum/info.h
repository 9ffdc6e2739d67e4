/*
 * mum/info.h - what a package is (mumtool info): its kind, KB article and
 * processor architecture, an .msu's -pkgProperties.txt and unattend .xml,
 * every cabinet's signature and its verdict, the counts of packages,
 * catalogs, manifests and payloads of each container, and the map of an
 * express cabinet's index to its blobs.  Read in one streaming walk
 * (mum_walk_run); the signatures are verified after it.
 */
#ifndef MUM_INFO_H
#define MUM_INFO_H

#include <mum/cab.h>
#include <mum/common.h>
#include <mum/container.h>
#include <mum/express.h>
#include <mum/msu.h>
#include <mum/signature.h>
#include <mum/trust.h>

#ifdef __cplusplus
extern "C" {
#endif

/* How far a cabinet's signature was checked. */
typedef enum mum_info_check {
    MUM_INFO_CHECK_NONE = 0,        /* no signature (or not checked) */
    MUM_INFO_CHECK_INCOMPLETE = 1,  /* the walk could not read it whole (its findings say why) */
    MUM_INFO_CHECK_MALFORMED = 2,   /* not a PKCS#7 SignedData: a container.signature-malformed finding */
    MUM_INFO_CHECK_DONE = 3         /* verified: verdict, parsed and content hold the result */
} mum_info_check;

/* One container: the input, a nested cabinet, the cabinets of a folder. */
typedef struct mum_info_container {
    char *path;                     /* nested path; "" for the input itself */
    uint32_t depth;
    uint64_t size;
    mum_container_type type;
    bool has_signature;             /* the walk read its signature record */
    mum_cab_signature sig;          /* when has_signature (blob owned) */
    mum_info_check check;
    mum_sig_result verdict;         /* MUM_INFO_CHECK_DONE */
    mum_signature *parsed;          /* MUM_INFO_CHECK_DONE */
    bool has_content;               /* MUM_INFO_CHECK_DONE and its Authenticode content read */
    mum_authenticode_info content;  /* borrows from parsed */
    bool servicing;                 /* holds packages (.mum): a servicing cabinet or folder */
    unsigned long entries;          /* files directly inside (not nested cabinets) */
    unsigned long packages, catalogs, manifests;
    unsigned long payloads;         /* other files; of an express cabinet, those its index lists */
    mum_express_index *express;     /* an express cabinet's index, or NULL */
} mum_info_container;

typedef struct mum_info {
    const char *kind;               /* "msu", "cabinet", "express cabinet", "folder" or
                                     * "unknown" (static) */
    char *kb;                       /* the KB number (digits), or NULL when unknown */
    char **architectures;           /* the properties' Processor Architecture, else
                                     * those of the package names, first seen first */
    size_t architecture_count;
    bool has_properties;
    char *properties_path;          /* the -pkgProperties.txt's nested path */
    mum_msu_properties properties;
    bool has_unattend;
    char *unattend_path;            /* the unattend .xml's nested path */
    mum_msu_unattend unattend;
    mum_info_container *containers; /* in the order they ended: the input last */
    size_t container_count;
    bool complete;                  /* false: the walk failed; this is what came before */
} mum_info;

#define MUM_INFO_OPTIONS_VERSION 1
typedef struct mum_info_options {
    unsigned version;               /* MUM_INFO_OPTIONS_VERSION */
    const mum_trust *anchors;       /* for the cabinets' signatures; NULL: integrity only */
    /* Called as the walk goes (entries seen, bytes read), on the caller's
     * thread; NULL for none. */
    void (*progress)(void *ud, uint64_t entries, uint64_t bytes);
    void *progress_ud;
} mum_info_options;

#define MUM_INFO_OPTIONS_INIT {MUM_INFO_OPTIONS_VERSION, NULL, NULL, NULL}

/*
 * Reads `input` (an .msu, a .cab or a folder) into *out (free with
 * mum_info_free).  Findings (the walk's, the express index checks', the
 * signatures' verdicts, container.signature-malformed) go to `findings`.
 * Errors: those of mum_walk_run and mum_cab_signature_verify (the message
 * on ctx when they set one), MUM_ELIMIT (cabinets nested too deep),
 * MUM_ENOMEM, MUM_EINVAL; *out is NULL then, except when the walk found
 * the input damaged (MUM_EFORMAT, MUM_EIO, MUM_EUNSUPPORTED once it was
 * open): *out then holds what was read before the damage, with complete
 * false, containers not finished last-opened first and their signatures
 * MUM_INFO_CHECK_INCOMPLETE, no signature verified; free it too.
 */
MUM_EXTERN int mum_info_read(mum_info **out, mum_ctx *ctx, const char *input, const mum_info_options *opts,
                             mum_findings *findings);
MUM_EXTERN void mum_info_free(mum_info *info);

/*
 * A container's signature status in words: "none", "incomplete",
 * "malformed", "not verified", or the verdict's (mum_sig_status_name).
 * Static.
 */
MUM_EXTERN const char *mum_info_signature_status(const mum_info_container *c);

#ifdef __cplusplus
}
#endif

#endif /* MUM_INFO_H */
