/*
 * policy.c - the policy file: [severity] changes and [expect]ed differences
 * between platforms (see mum/policy.h for the format).
 */
#include "config.h"

#include "internal.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <string.h>

enum { POLICY_MAX_SIZE = 1 << 20, POLICY_MAX_LINE = 4096, MAX_PLATFORMS = 8 };

typedef struct severity_entry {
    char *pattern;            /* rule id or glob over ids */
    mum_severity severity;
} severity_entry;

typedef struct expect_entry {
    mum_expect_kind kind;
    char *name;               /* glob */
    char *platforms[MAX_PLATFORMS];
    size_t nplatforms;        /* 0 = every platform */
    char *reason;
    uint32_t line;
    bool used;
} expect_entry;

struct mum_policy {
    char *file;
    severity_entry *sev;
    size_t nsev, capsev;
    expect_entry *exp;
    size_t nexp, capexp;
    mum_fail_on fail_on;      /* [gate] fail-on */
};

static const char *const kind_names[MUM_EXPECT__COUNT] = {
    [MUM_EXPECT_MISSING_PACKAGE] = "missing-package",
    [MUM_EXPECT_MISSING_COMPONENT] = "missing-component",
    [MUM_EXPECT_NO_WOW64] = "no-wow64",
    [MUM_EXPECT_NO_X86_TWIN] = "no-x86-twin",
    [MUM_EXPECT_VERSION_DIFFERS] = "version-differs",
};

static const char *const platforms[] = {"x86", "amd64", "ia64", "arm", "arm64", "wow64", "*"};

const char *mum_expect_kind_name(mum_expect_kind kind)
{
    return (unsigned)kind < MUM_EXPECT__COUNT ? kind_names[kind] : "?";
}

void mum_policy_free(mum_policy *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->nsev; i++)
        mum__free(p->sev[i].pattern);
    for (size_t i = 0; i < p->nexp; i++) {
        mum__free(p->exp[i].name);
        mum__free(p->exp[i].reason);
        for (size_t k = 0; k < p->exp[i].nplatforms; k++)
            mum__free(p->exp[i].platforms[k]);
    }
    mum__free(p->sev);
    mum__free(p->exp);
    mum__free(p->file);
    mum__free(p);
}

/* ---- the gate ---- */

static const char *const fail_on_names[] = {
    [MUM_FAIL_ON_UNSET] = "",
    [MUM_FAIL_ON_ERROR] = "error",
    [MUM_FAIL_ON_WARNING] = "warning",
    [MUM_FAIL_ON_NOTE] = "note",
    [MUM_FAIL_ON_NEVER] = "never",
};

int mum_fail_on_parse(mum_fail_on *out, const char *text)
{
    if (!text)
        return MUM_EINVAL;
    /* "info" is the severity's other name (mum_severity_parse takes both) */
    if (mum__ascii_strcasecmp(text, "info") == 0) {
        *out = MUM_FAIL_ON_NOTE;
        return MUM_OK;
    }
    for (size_t i = MUM_FAIL_ON_ERROR; i < MUM_ARRAY_LEN(fail_on_names); i++)
        if (mum__ascii_strcasecmp(text, fail_on_names[i]) == 0) {
            *out = (mum_fail_on)i;
            return MUM_OK;
        }
    return MUM_EINVAL;
}

const char *mum_fail_on_name(mum_fail_on f)
{
    return (unsigned)f < MUM_ARRAY_LEN(fail_on_names) ? fail_on_names[f] : "?";
}

bool mum_fail_on_fails(mum_fail_on f, const mum_findings *findings)
{
    switch (f) {
    case MUM_FAIL_ON_NEVER: return false;
    case MUM_FAIL_ON_NOTE: return mum_findings_count_at_least(findings, MUM_SEVERITY_INFO) > 0;
    case MUM_FAIL_ON_WARNING: return mum_findings_count_at_least(findings, MUM_SEVERITY_WARNING) > 0;
    case MUM_FAIL_ON_UNSET:
    case MUM_FAIL_ON_ERROR:
    default: return mum_findings_count_at_least(findings, MUM_SEVERITY_ERROR) > 0;
    }
}

mum_fail_on mum_policy_fail_on(const mum_policy *p)
{
    return p ? p->fail_on : MUM_FAIL_ON_UNSET;
}

/* ---- the parser ---- */

typedef struct parser {
    mum_ctx *ctx;
    mum_policy *p;
    const char *name;
    uint32_t line;
} parser;

static int perr(parser *ps, const char *line_start, const char *at, const char *fmt, ...)
    MUM_PRINTF(4, 5);

static int perr(parser *ps, const char *line_start, const char *at, const char *fmt, ...)
{
    mum_location loc = {.input = ps->name, .line = ps->line,
                        .column = (uint32_t)(at - line_start) + 1};
    va_list ap;
    va_start(ap, fmt);
    int rc = mum__verror(ps->ctx, MUM_EFORMAT, &loc, fmt, ap);
    va_end(ap);
    return rc;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t';
}

static const char *skip_space(const char *s, const char *end)
{
    while (s < end && is_space(*s))
        s++;
    return s;
}

static const char *trim_end(const char *s, const char *end)
{
    while (end > s && is_space(end[-1]))
        end--;
    return end;
}

/* The next run of non-space characters of [*s, end); advances *s past it. */
static bool next_word(const char **s, const char *end, const char **w, size_t *n)
{
    const char *p = skip_space(*s, end);
    const char *q = p;
    while (q < end && !is_space(*q))
        q++;
    *w = p;
    *n = (size_t)(q - p);
    *s = q;
    return q > p;
}

static bool rule_matches_any(const char *pattern)
{
    for (size_t i = 0; i < mum_rule_count(); i++)
        if (fnmatch(pattern, mum_rule_at(i)->id, 0) == 0)
            return true;
    return false;
}

static int parse_severity(parser *ps, const char *ls, const char *s, const char *eq, const char *end)
{
    const char *kend = trim_end(s, eq);
    if (kend == s)
        return perr(ps, ls, s, "a rule id is expected before '='");
    char *pattern = mum__strndup(s, (size_t)(kend - s));
    if (!pattern)
        return mum__nomem(ps->ctx);
    if (!rule_matches_any(pattern)) {
        int rc = perr(ps, ls, s, "no rule is called \"%s\" (see 'mumtool rules')", pattern);
        mum__free(pattern);
        return rc;
    }
    const char *v = skip_space(eq + 1, end);
    const char *vend = trim_end(v, end);
    char value[16] = "";
    mum_severity sev;
    if ((size_t)(vend - v) < sizeof value)
        memcpy(value, v, (size_t)(vend - v));
    if (mum_severity_parse(&sev, value) != MUM_OK) {
        mum__free(pattern);
        return perr(ps, ls, v, "the severity must be off, info, warning or error");
    }
    mum_policy *p = ps->p;
    if (!mum__grow((void **)&p->sev, &p->capsev, p->nsev + 1, sizeof *p->sev)) {
        mum__free(pattern);
        return mum__nomem(ps->ctx);
    }
    p->sev[p->nsev].pattern = pattern;
    p->sev[p->nsev].severity = sev;
    p->nsev++;
    return MUM_OK;
}

static int parse_gate(parser *ps, const char *ls, const char *s, const char *eq, const char *end)
{
    const char *kend = trim_end(s, eq);
    if ((size_t)(kend - s) != 7 || strncmp(s, "fail-on", 7) != 0)
        return perr(ps, ls, s, "unknown gate setting \"%.*s\" (fail-on is known)", (int)(kend - s), s);
    const char *v = skip_space(eq + 1, end);
    const char *vend = trim_end(v, end);
    char value[16] = "";
    if ((size_t)(vend - v) < sizeof value)
        memcpy(value, v, (size_t)(vend - v));
    if (mum_fail_on_parse(&ps->p->fail_on, value) != MUM_OK)
        return perr(ps, ls, v, "fail-on must be error, warning, note or never");
    return MUM_OK;
}

static int parse_expect(parser *ps, const char *ls, const char *s, const char *eq, const char *end)
{
    const char *cur = s, *w;
    size_t n;
    expect_entry e;
    memset(&e, 0, sizeof e);
    e.line = ps->line;

    if (!next_word(&cur, eq, &w, &n))
        return perr(ps, ls, s, "an expectation starts with its kind (missing-package, "
                               "missing-component, no-wow64, no-x86-twin, version-differs)");
    int kind = -1;
    for (int k = 0; k < MUM_EXPECT__COUNT; k++)
        if (strlen(kind_names[k]) == n && strncmp(w, kind_names[k], n) == 0)
            kind = k;
    if (kind < 0)
        return perr(ps, ls, w, "unknown expectation \"%.*s\" (missing-package, missing-component, "
                               "no-wow64, no-x86-twin, version-differs)", (int)n, w);
    e.kind = (mum_expect_kind)kind;
    if (!next_word(&cur, eq, &w, &n))
        return perr(ps, ls, cur, "a name (or a glob) is expected after \"%s\"", kind_names[kind]);
    int rc = MUM_ENOMEM;
    if (!(e.name = mum__strndup(w, n)))
        goto fail;
    if (next_word(&cur, eq, &w, &n)) {
        if (n != 2 || strncmp(w, "on", 2) != 0) {
            rc = perr(ps, ls, w, "\"on PLATFORMS\" or '=' is expected here");
            goto fail;
        }
        if (!next_word(&cur, eq, &w, &n)) {
            rc = perr(ps, ls, cur, "platforms are expected after \"on\"");
            goto fail;
        }
        const char *list_end = w + n;
        while (w < list_end) {
            const char *comma = memchr(w, ',', (size_t)(list_end - w));
            const char *item_end = comma ? comma : list_end;
            bool known = false;
            for (size_t i = 0; i < MUM_ARRAY_LEN(platforms); i++)
                if (strlen(platforms[i]) == (size_t)(item_end - w) &&
                    mum__ascii_strncasecmp(w, platforms[i], (size_t)(item_end - w)) == 0)
                    known = true;
            if (!known) {
                rc = perr(ps, ls, w, "unknown platform \"%.*s\" (x86, amd64, ia64, arm, arm64, wow64)",
                          (int)(item_end - w), w);
                goto fail;
            }
            if (e.nplatforms == MAX_PLATFORMS) {
                rc = perr(ps, ls, w, "at most %d platforms per expectation", MAX_PLATFORMS);
                goto fail;
            }
            if (!(e.platforms[e.nplatforms++] = mum__strndup(w, (size_t)(item_end - w))))
                goto fail;
            w = comma ? comma + 1 : list_end;
        }
        if (next_word(&cur, eq, &w, &n)) {
            rc = perr(ps, ls, w, "'=' is expected after the platforms");
            goto fail;
        }
    }
    const char *r = skip_space(eq + 1, end);
    const char *rend = trim_end(r, end);
    if (rend == r) {
        rc = perr(ps, ls, r, "say why after '=': the report shows it");
        goto fail;
    }
    if (!(e.reason = mum__strndup(r, (size_t)(rend - r))))
        goto fail;
    mum_policy *p = ps->p;
    if (!mum__grow((void **)&p->exp, &p->capexp, p->nexp + 1, sizeof *p->exp))
        goto fail;
    p->exp[p->nexp++] = e;
    return MUM_OK;
fail:
    mum__free(e.name);
    mum__free(e.reason);
    for (size_t k = 0; k < e.nplatforms; k++)
        mum__free(e.platforms[k]);
    return rc == MUM_ENOMEM ? mum__nomem(ps->ctx) : rc;
}

int mum_policy_parse(mum_policy **out, mum_ctx *ctx, const char *name, const char *text, size_t len)
{
    *out = NULL;
    if (len > POLICY_MAX_SIZE) {
        mum_location loc = {.input = name};
        return mum__error(ctx, MUM_ELIMIT, &loc, "a policy file is at most %d bytes", POLICY_MAX_SIZE);
    }
    parser ps = {.ctx = ctx, .name = name ? name : "policy"};
    if (!(ps.p = mum__calloc(1, sizeof *ps.p)) || !(ps.p->file = mum__strdup(ps.name))) {
        mum_policy_free(ps.p);
        return mum__nomem(ctx);
    }
    enum { NONE, SEVERITY, EXPECT, GATE } section = NONE;
    if (len == 0) /* text may be NULL then, and NULL + 0 is undefined */
        text = "";
    const char *s = text, *end = text + len;
    int rc = MUM_OK;
    if (len >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
        s += 3;
    while (s < end && rc == MUM_OK) {
        ps.line++;
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        size_t linelen = nl ? (size_t)(nl - s) : (size_t)(end - s);
        if (linelen && s[linelen - 1] == '\r')
            linelen--;
        const char *ls = s, *le = s + linelen;
        if (linelen > POLICY_MAX_LINE) {
            mum_location loc = {.input = ps.name, .line = ps.line};
            rc = mum__error(ctx, MUM_ELIMIT, &loc, "a line is longer than %d bytes", POLICY_MAX_LINE);
            break;
        }
        const char *nul = memchr(s, '\0', linelen);
        if (nul) {
            rc = perr(&ps, ls, nul, "a NUL byte: this is not a text file");
            break;
        }
        const char *p = skip_space(s, le);
        const char *pe = trim_end(p, le);
        if (p == pe || *p == '#' || *p == ';') {
            /* blank or comment */
        } else if (*p == '[') {
            if (pe[-1] != ']') {
                rc = perr(&ps, ls, pe, "a section header ends with ']'");
            } else if (pe - p == 10 && strncmp(p, "[severity]", 10) == 0) {
                section = SEVERITY;
            } else if (pe - p == 8 && strncmp(p, "[expect]", 8) == 0) {
                section = EXPECT;
            } else if (pe - p == 6 && strncmp(p, "[gate]", 6) == 0) {
                section = GATE;
            } else {
                rc = perr(&ps, ls, p, "unknown section %.*s ([severity], [expect] and [gate] are known)",
                          (int)(pe - p), p);
            }
        } else {
            /* a trailing comment is allowed after white space */
            const char *hash = NULL;
            for (const char *q = p; q < pe; q++)
                if ((*q == '#' || *q == ';') && q > p && is_space(q[-1])) {
                    hash = q;
                    break;
                }
            if (hash)
                pe = trim_end(p, hash);
            const char *eq = memchr(p, '=', (size_t)(pe - p));
            if (section == NONE)
                rc = perr(&ps, ls, p, "an entry before any section: start with [severity], [expect] or [gate]");
            else if (!eq)
                rc = perr(&ps, ls, pe, "'=' is missing");
            else if (section == SEVERITY)
                rc = parse_severity(&ps, ls, p, eq, pe);
            else if (section == GATE)
                rc = parse_gate(&ps, ls, p, eq, pe);
            else
                rc = parse_expect(&ps, ls, p, eq, pe);
        }
        s = nl ? nl + 1 : end;
    }
    if (rc != MUM_OK) {
        mum_policy_free(ps.p);
        return rc;
    }
    *out = ps.p;
    return MUM_OK;
}

int mum_policy_load(mum_policy **out, mum_ctx *ctx, const char *path)
{
    *out = NULL;
    mum_location loc = {.input = path};
    FILE *f = fopen(path, "rb");
    if (!f)
        return mum__error(ctx, MUM_EIO, &loc, "cannot open the policy file: %s", strerror(errno));
    char *buf = mum__malloc(POLICY_MAX_SIZE + 1);
    if (!buf) {
        fclose(f);
        return mum__nomem(ctx);
    }
    size_t n = fread(buf, 1, POLICY_MAX_SIZE + 1, f);
    int rc;
    if (ferror(f))
        rc = mum__error(ctx, MUM_EIO, &loc, "cannot read the policy file: %s", strerror(errno));
    else
        rc = mum_policy_parse(out, ctx, path, buf, n);
    fclose(f);
    mum__free(buf);
    return rc;
}

/* ---- use ---- */

int mum_policy_apply_severities(const mum_policy *p, mum_findings *findings)
{
    if (!p)
        return MUM_OK;
    /* later entries win: apply in order */
    for (size_t i = 0; i < p->nsev; i++)
        for (size_t r = 0; r < mum_rule_count(); r++)
            if (fnmatch(p->sev[i].pattern, mum_rule_at(r)->id, 0) == 0) {
                int rc = mum_findings_set_severity(findings, mum_rule_at(r)->id, p->sev[i].severity);
                if (rc != MUM_OK)
                    return rc;
            }
    return MUM_OK;
}

static bool platform_matches(const expect_entry *e, const char *platform)
{
    if (e->nplatforms == 0 || !platform)
        return true;
    for (size_t i = 0; i < e->nplatforms; i++)
        if (strcmp(e->platforms[i], "*") == 0 || mum__ascii_strcasecmp(e->platforms[i], platform) == 0)
            return true;
    return false;
}

const char *mum_policy_expect(mum_policy *p, mum_expect_kind kind, const char *name,
                              const char *platform)
{
    if (!p || !name)
        return NULL;
    for (size_t i = 0; i < p->nexp; i++) {
        expect_entry *e = &p->exp[i];
        if (e->kind == kind && fnmatch(e->name, name, FNM_CASEFOLD) == 0 &&
            platform_matches(e, platform)) {
            e->used = true;
            return e->reason;
        }
    }
    return NULL;
}

int mum_policy_report_unused(const mum_policy *p, mum_findings *findings)
{
    if (!p)
        return MUM_OK;
    for (size_t i = 0; i < p->nexp; i++) {
        const expect_entry *e = &p->exp[i];
        if (e->used)
            continue;
        mum_location loc = {.input = p->file, .line = e->line};
        int rc = mum__finding(findings, MUM_R_POLICY_UNUSED_EXPECTATION, &loc,
                              "the expectation \"%s %s\" matched nothing: the difference it "
                              "explains is not there (any more)",
                              kind_names[e->kind], e->name);
        if (rc != MUM_OK)
            return rc;
    }
    return MUM_OK;
}

size_t mum_policy_severity_count(const mum_policy *p)
{
    return p ? p->nsev : 0;
}

size_t mum_policy_expect_count(const mum_policy *p)
{
    return p ? p->nexp : 0;
}
