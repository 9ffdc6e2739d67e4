/*
 * mum/policy.h - a policy file: severity changes and the differences
 * between platforms a package family is expected to have.
 *
 *   # comments start with '#' or ';'
 *   [severity]
 *   graph.orphan-payload = off          # a rule id, or a glob over ids: trust.* = warning
 *
 *   [expect]
 *   missing-package Package_for_KB943650_client* on ia64 = Windows Vista never shipped on Itanium
 *   no-wow64 Microsoft-Windows-TCPIP-Binaries = kernel-only: no 32-bit user-mode part
 *
 * Expectation kinds: missing-package, missing-component, no-wow64,
 * no-x86-twin, version-differs.  Names are globs (case-insensitive);
 * "on" takes a comma-separated list of platforms (x86, amd64, ia64, arm,
 * arm64, wow64) and may be left out to mean every platform.  The text after
 * '=' is the explanation the report shows.
 *
 *   [gate]
 *   fail-on = warning        # error (default), warning, note or never
 *
 * The [gate] section sets the exit status threshold of `mumtool verify`
 * (its --fail-on option wins over it).
 */
#ifndef MUM_POLICY_H
#define MUM_POLICY_H

#include <mum/common.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct mum_policy mum_policy;

typedef enum mum_expect_kind {
    MUM_EXPECT_MISSING_PACKAGE,   /* a package absent on some platforms */
    MUM_EXPECT_MISSING_COMPONENT, /* a component absent on some platforms */
    MUM_EXPECT_NO_WOW64,          /* a 64-bit component without a wow64 part */
    MUM_EXPECT_NO_X86_TWIN,       /* a wow64 component without its x86 twin */
    MUM_EXPECT_VERSION_DIFFERS,   /* a component's version differs between platforms */
    MUM_EXPECT__COUNT
} mum_expect_kind;

/* "missing-package", ... */
MUM_EXTERN const char *mum_expect_kind_name(mum_expect_kind kind);

/*
 * Reads a policy file.  Errors (message on ctx with file:line:column):
 * MUM_EIO, MUM_EFORMAT (syntax, unknown section, kind, severity or
 * platform; a severity line naming no known rule), MUM_ELIMIT (file over
 * 1 MiB or a line over 4096 bytes), MUM_ENOMEM.
 */
MUM_EXTERN int mum_policy_load(mum_policy **out, mum_ctx *ctx, const char *path);
/* The same over text in memory; `name` is used in messages. */
MUM_EXTERN int mum_policy_parse(mum_policy **out, mum_ctx *ctx, const char *name, const char *text,
                                size_t len);
MUM_EXTERN void mum_policy_free(mum_policy *policy);

/* Applies the [severity] section to a findings list (to those in it and to
 * those added later).  Errors: MUM_ENOMEM. */
MUM_EXTERN int mum_policy_apply_severities(const mum_policy *policy, mum_findings *findings);

/*
 * The explanation of the first expectation of `kind` matching `name` on
 * `platform` (NULL platform: any), or NULL.  A match is remembered, for
 * mum_policy_report_unused.  The string is borrowed from the policy.
 */
MUM_EXTERN const char *mum_policy_expect(mum_policy *policy, mum_expect_kind kind,
                                         const char *name, const char *platform);

/* Adds a policy.unused-expectation finding (with its file:line) for every
 * expectation nothing matched.  Errors: MUM_ENOMEM. */
MUM_EXTERN int mum_policy_report_unused(const mum_policy *policy, mum_findings *findings);

/* The lowest severity that fails a gate (mumtool verify's exit status). */
typedef enum mum_fail_on {
    MUM_FAIL_ON_UNSET,   /* not said: the caller's default (error) */
    MUM_FAIL_ON_ERROR,
    MUM_FAIL_ON_WARNING,
    MUM_FAIL_ON_NOTE,    /* any finding that is not off */
    MUM_FAIL_ON_NEVER    /* findings never fail the gate */
} mum_fail_on;

/* "error", "warning", "note" ("info" too) or "never" (case-insensitive).
 * Errors: MUM_EINVAL. */
MUM_EXTERN int mum_fail_on_parse(mum_fail_on *out, const char *text);
/* "error", "warning", "note", "never"; "" for MUM_FAIL_ON_UNSET. */
MUM_EXTERN const char *mum_fail_on_name(mum_fail_on fail_on);
/* Whether findings fail a gate at `fail_on` (UNSET is taken for ERROR). */
MUM_EXTERN bool mum_fail_on_fails(mum_fail_on fail_on, const mum_findings *findings);

/* The [gate] section's fail-on, MUM_FAIL_ON_UNSET when it has none (or
 * policy is NULL). */
MUM_EXTERN mum_fail_on mum_policy_fail_on(const mum_policy *policy);

/* The number of [severity] and [expect] entries, for reports. */
MUM_EXTERN size_t mum_policy_severity_count(const mum_policy *policy);
MUM_EXTERN size_t mum_policy_expect_count(const mum_policy *policy);

#ifdef __cplusplus
}
#endif

#endif /* MUM_POLICY_H */
