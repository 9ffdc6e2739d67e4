/*
 * mum/graph.h - the package graph of one or more inputs (.msu, .cab,
 * folders): packages -> sub-packages -> updates -> deployments ->
 * dependencies -> components -> files, with the catalogs attached to the
 * packages they sign.  mum_graph_build reads the inputs once, streaming (a
 * second thread decodes and hashes while the caller's thread parses the
 * manifests and a third the catalogs); the
 * graph keeps the parsed manifests and catalogs and the digests of every
 * file, never the files' bytes.
 *
 * Building the graph is reading and resolving, never judging: signatures
 * are parsed and checked for what they say of themselves (integrity), and
 * whether they chain to an anchor is left to mum_verify_graph.
 *
 * References resolve by identity (case-insensitive, exact version; see
 * mum_identity_compare).  A reference that matches nothing is an edge
 * whose target is NULL; the checks of mum/verify.h turn those into
 * findings, as diff (comparing two graphs) and `mumtool graph` read them.
 *
 * Everything the graph hands out is borrowed from it and lives until
 * mum_graph_free().
 */
#ifndef MUM_GRAPH_H
#define MUM_GRAPH_H

#include <mum/catalog.h>
#include <mum/common.h>
#include <mum/express.h>
#include <mum/hash.h>
#include <mum/identity.h>
#include <mum/manifest.h>
#include <mum/signature.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum mum_node_kind {
    MUM_NODE_PACKAGE = 1,   /* a .mum */
    MUM_NODE_COMPONENT,     /* a .manifest: component or deployment */
    MUM_NODE_CATALOG,       /* a .cat */
    MUM_NODE_PAYLOAD        /* any other file: what manifests install */
} mum_node_kind;

/* "package", "component", "catalog", "payload". */
MUM_EXTERN const char *mum_node_kind_name(mum_node_kind kind);

typedef enum mum_edge_kind {
    MUM_EDGE_PACKAGE = 1,   /* an update installs a sub-package */
    MUM_EDGE_COMPONENT,     /* an update installs a component or deployment */
    MUM_EDGE_DRIVER,        /* an update installs a driver (a component) */
    MUM_EDGE_DEPENDENCY,    /* a deployment's install dependency */
    MUM_EDGE_FILE,          /* a component's <file> */
    MUM_EDGE_CATALOG        /* a package's catalog (same base name) */
} mum_edge_kind;

/* "package", "component", "driver", "dependency", "file", "catalog". */
MUM_EXTERN const char *mum_edge_kind_name(mum_edge_kind kind);

typedef struct mum_node mum_node;

typedef struct mum_edge {
    mum_edge_kind kind;
    const mum_node *to;          /* NULL: nothing in the inputs matches */
    const mum_node *other_version; /* unresolved, but this matches at another version */
    const mum_identity *ref;     /* what was asked for (package, component, dependency) */
    const char *update;          /* the <update name> (package edges), else NULL */
    const char *file;            /* MUM_EDGE_FILE: the <file name> */
    const mum_manifest_file *file_info; /* MUM_EDGE_FILE: the manifest's record */
    mum_manifest_pos pos;        /* where the reference is written */
} mum_edge;

/* Digests of a file's bytes (flat). */
typedef struct mum_digests {
    bool sha1_ok, sha256_ok;
    uint8_t sha1[20];
    uint8_t sha256[32];
} mum_digests;

/*
 * What a payload that starts like a PE file has beside its flat digests
 * (mum_node.pe; NULL for every other node, which is most of them: the
 * graph keeps this apart so that manifests and catalogs do not carry it).
 */
typedef struct mum_node_pe {
    bool image;                  /* a PE image: the Authenticode digests below */
    /* verify computes those the catalogs read before the file ask for
     * (a v1 catalog: SHA-1; v2 or none yet: both), so one may be false */
    bool sha1_ok, sha256_ok;
    uint8_t sha1[20];
    uint8_t sha256[32];
    const char *error;           /* looked like a PE but is malformed (why); NULL otherwise */
    /* A PE image's file version, "6.0.6001.22222", from the
     * VS_FIXEDFILEINFO of its version resource (RT_VERSION), read while
     * the bytes stream past (a resource directory past 64 KiB of headers
     * or a version past 16 MiB into the resource section is not looked
     * for); NULL: no version resource.  A manifest's <file> carries no
     * version: the version of the component that installs a payload is
     * the fallback a reader may take (verify --expect does). */
    const char *file_version;
} mum_node_pe;

/*
 * What only a catalog's node has (mum_node.cat: never NULL for a
 * MUM_NODE_CATALOG node, NULL for every other kind).
 */
typedef struct mum_node_catalog {
    /* the parsed catalog, NULL when it could not be parsed (the node's
     * parse_error says why) */
    const mum_catalog *catalog;
    /* What the catalog's signature says of itself, checked while reading
     * with no anchors (mum_signature_verify with anchors NULL): UNSIGNED,
     * INTEGRITY_FAILED, or intact (MUM_SIG_UNTRUSTED, no anchors).  Whether
     * it chains to an anchor is judged by mum_verify_graph (mum/verify.h). */
    mum_sig_result integrity;
    bool integrity_done;         /* false: the catalog or its signature could not be read */
    const mum_node *catalog_of;  /* the package whose catalog this is */
    const mum_node *payload_of;  /* a catalog a component installs as one of its files (a
                                    driver's own .cat): that component; not the package's */
} mum_node_catalog;

/*
 * What only a payload named by an express cabinet's index has
 * (mum_node.express: NULL for every other node).
 */
typedef struct mum_node_express {
    const mum_express_file *file; /* its entry in the express index */
    /* a file that could not be rebuilt from its cabinet (so the node's
     * express_delta stays true): why, e.g. a delta of a file type libmum
     * does not decode yet; NULL otherwise */
    const char *why;
} mum_node_express;

/*
 * A file of the inputs.  A graph holds tens of thousands of nodes, so what
 * only some kinds use is behind a pointer that is NULL for the others (pe,
 * cat, express: records the graph owns), and the fields are ordered to
 * leave no padding but the bools'.
 */
struct mum_node {
    mum_node_kind kind;
    uint32_t index;              /* position in the graph (a graph holds fewer than
                                    UINT32_MAX nodes: memory runs out long before) */
    uint32_t input;              /* which input it came from (mum_graph_build takes fewer
                                    than UINT32_MAX inputs: MUM_ELIMIT) */
    /* packages, components and catalogs: MUM_OK, or why it could not be
     * parsed (MUM_EDELTA, MUM_EFORMAT, ...; parse_error says more) */
    int parse_status;
    const char *entry;           /* nested path inside the input ("x.cab!update.mum") */
    const char *name;            /* the file name (last component of the path) */
    const char *dir;             /* its folder inside its cabinet ("" at the top) */
    const char *container;       /* the nested path of the cabinet holding it ("" for the input) */
    uint64_t size;               /* the file's size in bytes (express: the decoded file's) */
    int64_t mtime;               /* seconds since 1970 (a cabinet's local time read as UTC) */
    mum_digests digests;
    bool has_mtime;              /* its container gives it a time */
    bool deployment;             /* a component manifest with <deployment/> */
    bool express_delta;          /* payloads: an express blob holds only a delta of it */
    /* payloads that start like a PE file: their Authenticode digests,
     * version or why they are malformed (pe->image false); NULL otherwise
     * (not a PE image, or another kind) */
    const mum_node_pe *pe;

    /* packages and components: the parsed manifest, NULL when it could not
     * be parsed (parse_error says why) */
    const mum_manifest *manifest;
    const mum_identity *id;      /* the manifest's identity (NULL without one) */
    char *parse_error;           /* packages, components and catalogs: why parse_status
                                    is not MUM_OK (NULL when it is) */

    /* catalogs: their catalog, signature and owner (NULL for other kinds) */
    const mum_node_catalog *cat;
    /* payloads of an express cabinet: their entry in its index and why one
     * was not rebuilt (NULL for other nodes) */
    const mum_node_express *express;

    const mum_edge *edges;
    size_t edge_count;
    size_t in_count;             /* edges from other nodes that resolve here */
};

/* One cabinet's outer Authenticode signature, as read: parsed, and checked
 * for integrity with no anchors (the rest is judged by mum_verify_graph). */
typedef struct mum_graph_signature {
    const char *container;       /* nested path of the cabinet ("" for the input) */
    bool present;
    mum_sig_result integrity;    /* UNSIGNED, INTEGRITY_FAILED (also: unreadable) or intact */
    const mum_signature *signature; /* parsed; NULL when absent or unreadable */
    bool sha1_ok, sha256_ok;     /* the cabinet's Authenticode digests, as computed */
    uint8_t sha1[20];
    uint8_t sha256[32];
    char *signer;                /* subject of the signer, NULL when unsigned */
} mum_graph_signature;

typedef struct mum_graph_input {
    const char *path;            /* as given */
    const char *kind;            /* "msu", "cabinet", "express cabinet", "folder" */
    const char *platform;        /* "x86", "amd64", ... of its packages; "" if none */
    const char *kb;              /* "943650", from the properties or the packages; NULL */
    const mum_graph_signature *signatures;
    size_t signature_count;
    const mum_express_index *const *express;
    size_t express_count;
    size_t packages, components, catalogs, payloads;
} mum_graph_input;

typedef struct mum_graph mum_graph;

typedef struct mum_graph_options {
    unsigned version;            /* MUM_GRAPH_OPTIONS_VERSION */
    /* Called on the caller's thread now and then (NULL: not called). */
    void (*progress)(void *ud, const char *input, uint64_t entries, uint64_t bytes);
    void *progress_ud;
    unsigned walk_flags;         /* extra MUM_WALK_* flags (e.g. MUM_WALK_SINGLE_THREAD) */
    /* The base manifest DCM manifests are read with (borrowed, for the
     * call; see mum_manifest_options.base_manifest).  NULL: a DCM manifest
     * is left unread (its node's parse_status is MUM_EDELTA). */
    const void *base_manifest;
    size_t base_manifest_size;
} mum_graph_options;

#define MUM_GRAPH_OPTIONS_VERSION 3
#define MUM_GRAPH_OPTIONS_INIT {MUM_GRAPH_OPTIONS_VERSION, NULL, NULL, 0, NULL, 0}

/*
 * Reads the inputs and builds their graph.  Problems in the inputs that do
 * not stop the reading (a manifest that does not parse, a broken catalog, a
 * signature that cannot be read, an express index that does not parse,
 * what the container checks report) are appended to `findings`; what
 * manifests, catalogs, signatures and express indexes say of themselves,
 * and a manifest of the wrong kind or a duplicate identity (noted while
 * reading and resolving), are judged by mum_verify_graph.  Errors (the
 * graph could not be built; message on ctx naming the input and the
 * place): MUM_EIO,
 * MUM_EFORMAT (an input that is not a cabinet or folder, a corrupt cabinet),
 * MUM_EUNSUPPORTED, MUM_ELIMIT, MUM_ENOMEM.
 */
MUM_EXTERN int mum_graph_build(mum_graph **out, mum_ctx *ctx, const char *const *inputs,
                               size_t input_count, const mum_graph_options *opts,
                               mum_findings *findings);
MUM_EXTERN void mum_graph_free(mum_graph *g);

MUM_EXTERN size_t mum_graph_input_count(const mum_graph *g);
MUM_EXTERN const mum_graph_input *mum_graph_input_at(const mum_graph *g, size_t i);
MUM_EXTERN size_t mum_graph_node_count(const mum_graph *g);
MUM_EXTERN const mum_node *mum_graph_node(const mum_graph *g, size_t i);

/*
 * The package or component of this identity in input `input` (SIZE_MAX:
 * any input), compared as mum_identity_compare does with `flags`; NULL when
 * none.  With several matches, the first in input order.
 */
MUM_EXTERN const mum_node *mum_graph_find(const mum_graph *g, mum_node_kind kind,
                                          const mum_identity *id, unsigned flags, size_t input);

/* The location of a node (input path, entry) at pos (may be {0,0}). */
MUM_EXTERN mum_location mum_graph_location(const mum_graph *g, const mum_node *n,
                                           mum_manifest_pos pos);

#ifdef __cplusplus
}
#endif

#endif /* MUM_GRAPH_H */
