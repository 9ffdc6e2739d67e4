/*
 * mum/diff.h - what changed between two package graphs (two revisions of a
 * hotfix, or the same hotfix for two platforms), compared on the graph, not
 * on bytes: packages and their attributes, components and their versions,
 * files, catalogs, and the architectures covered.
 *
 * The inputs of the two sides are paired first: by platform when both sides
 * have it (x86 with x86, ...); when each side is one input of a different
 * platform, the two are compared with the architecture ignored (components
 * matched by name and by part: native, wow64, x86-in-64), so the x86 and
 * x64 packages of one KB give "architecture x86 -> amd64" and the parts one
 * platform has and the other lacks, not "everything removed, everything
 * added".  Inputs left without a partner are a platform added or removed.
 *
 * Hash-named deployments differ by name per platform by design: a package
 * is compared on what its updates install, a deployment described by the
 * components it pulls, never by its name.
 *
 * Derived differences are folded into the change that explains them: the
 * files rebuilt with a new component version are details of the version
 * change; a catalog member is reported only when no package, manifest or
 * file added or removed or version change explains it (a new version
 * renames its manifest: that is the version change, not catalog noise).
 */
#ifndef MUM_DIFF_H
#define MUM_DIFF_H

#include <mum/common.h>
#include <mum/graph.h>
#include <mum/matrix.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum mum_change_kind {
    MUM_CHANGE_PLATFORM_ADDED = 0, /* an input of a platform the old side lacks */
    MUM_CHANGE_PLATFORM_REMOVED,
    MUM_CHANGE_ARCHITECTURE,       /* the paired inputs are of different platforms */
    MUM_CHANGE_PACKAGE_ADDED,
    MUM_CHANGE_PACKAGE_REMOVED,
    MUM_CHANGE_PACKAGE_CHANGED,    /* item: version, releaseType, restart, parents,
                                    * applicability, installs */
    MUM_CHANGE_COMPONENT_ADDED,
    MUM_CHANGE_COMPONENT_REMOVED,
    MUM_CHANGE_COMPONENT_VERSION,  /* detail: the files rebuilt with it */
    MUM_CHANGE_PART_ADDED,         /* a wow64 / x86 part of a component both sides have */
    MUM_CHANGE_PART_REMOVED,
    MUM_CHANGE_FILE_ADDED,         /* item: the file */
    MUM_CHANGE_FILE_REMOVED,
    MUM_CHANGE_FILE_MOVED,         /* values: the old and the new component */
    MUM_CHANGE_FILE_CHANGED,       /* size or digest, the component's version unchanged */
    MUM_CHANGE_FILE_DESTINATION,
    MUM_CHANGE_CATALOG_ADDED,      /* a package that had no catalog has one */
    MUM_CHANGE_CATALOG_REMOVED,
    MUM_CHANGE_CATALOG_SIGNER,
    MUM_CHANGE_CATALOG_TIMESTAMP,
    MUM_CHANGE_CATALOG_ALGORITHM,  /* the members' digest and the signature's */
    MUM_CHANGE_CATALOG_VERSION,
    MUM_CHANGE_CATALOG_MEMBER_ADDED, /* item: the member's File or Hint name */
    MUM_CHANGE_CATALOG_MEMBER_REMOVED
} mum_change_kind;

#define MUM_CHANGE_KIND_COUNT ((int)MUM_CHANGE_CATALOG_MEMBER_REMOVED + 1)

/* Flags of a change. */
enum {
    MUM_CHANGE_DOWNGRADE = 1u << 0,   /* the new version is lower than the old */
    MUM_CHANGE_UNVERSIONED = 1u << 1  /* content changed, the version did not */
};

/* "platform-added", "component-version", ...; "?" when out of range. */
MUM_EXTERN const char *mum_change_kind_name(mum_change_kind kind);
/* The kind of a name.  Errors: MUM_ENOTFOUND. */
MUM_EXTERN int mum_change_kind_parse(mum_change_kind *out, const char *name);
/* "downgrade", "unversioned-change" for one flag bit; NULL otherwise. */
MUM_EXTERN const char *mum_change_flag_name(unsigned flag);
/* The flag of a name; 0 when none has it. */
MUM_EXTERN unsigned mum_change_flag_parse(const char *name);

/* Two inputs compared with each other (or one alone: added / removed). */
typedef struct mum_diff_pair {
    size_t old_input, new_input;        /* SIZE_MAX: none on that side */
    const char *old_platform, *new_platform; /* borrowed from the graphs; NULL: none */
    bool cross;                         /* different platforms: architecture ignored */
} mum_diff_pair;

/*
 * One change.  Strings are owned by the result; NULL when they do not apply.
 * subject: the package, component or catalog (for catalogs, the file name
 * on the new side, else the old); part: of a component ("native", "wow64",
 * "x86", "other"); item: the file, attribute or member; entries: where the
 * subject is on each side (nested path inside the input).
 */
typedef struct mum_change {
    mum_change_kind kind;
    unsigned flags;
    size_t pair;                 /* index into the pairs */
    const char *subject;
    const char *part;
    const char *item;
    const char *old_value, *new_value;
    const char *detail;
    const char *old_entry, *new_entry;
} mum_change;

typedef struct mum_diff_options {
    unsigned version;            /* MUM_DIFF_OPTIONS_VERSION */
    bool force_cross;            /* compare every pair ignoring architecture */
} mum_diff_options;

#define MUM_DIFF_OPTIONS_VERSION 1
#define MUM_DIFF_OPTIONS_INIT {MUM_DIFF_OPTIONS_VERSION, false}

typedef struct mum_diff_result mum_diff_result;

/*
 * Compares graph `newg` against `oldg`.  *out receives the changes (in pair
 * order, then packages, components, files, catalogs), the pairs and both
 * sides' matrices (mum_matrix_build).  The result borrows from
 * both graphs: free it before them.  Errors (message on ctx): MUM_EINVAL,
 * MUM_ENOMEM.
 */
MUM_EXTERN int mum_diff_graphs(mum_diff_result **out, mum_ctx *ctx, const mum_graph *oldg,
                               const mum_graph *newg, const mum_diff_options *opts);
MUM_EXTERN void mum_diff_result_free(mum_diff_result *r);

MUM_EXTERN size_t mum_diff_change_count(const mum_diff_result *r);
/* The i-th change; NULL past the end.  Borrowed from r. */
MUM_EXTERN const mum_change *mum_diff_change(const mum_diff_result *r, size_t i);
MUM_EXTERN size_t mum_diff_pair_count(const mum_diff_result *r);
MUM_EXTERN const mum_diff_pair *mum_diff_pair_at(const mum_diff_result *r, size_t i);
/* The matrix of the old (side 0) or new (side 1) graph.  Borrowed from r. */
MUM_EXTERN const mum_matrix *mum_diff_matrix(const mum_diff_result *r, int side);
/* How many changes have this kind; of these flags (any of them). */
MUM_EXTERN size_t mum_diff_count_kind(const mum_diff_result *r, mum_change_kind kind);
MUM_EXTERN size_t mum_diff_count_flags(const mum_diff_result *r, unsigned flags);

#ifdef __cplusplus
}
#endif

#endif /* MUM_DIFF_H */
