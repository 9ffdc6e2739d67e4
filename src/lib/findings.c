/*
 * findings.c - the list of findings a check produces.  A finding owns copies
 * of its location strings and message, so callers may pass stack buffers.
 */
#include "config.h"

#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* A finding and its insertion number, which keeps sorting stable. */
typedef struct entry {
    mum_finding f;
    size_t seq;
} entry;

struct mum_findings {
    entry *items;
    size_t count;
    size_t cap;
    /* severity overrides per rule index, -1 = the rule's default */
    signed char override[MUM_R__COUNT];
};

static const char *severity_names[] = {"off", "info", "warning", "error"};

const char *mum_severity_name(mum_severity s)
{
    return (unsigned)s < MUM_ARRAY_LEN(severity_names) ? severity_names[s] : "?";
}

int mum_severity_parse(mum_severity *out, const char *text)
{
    if (!text)
        return MUM_EINVAL;
    for (size_t i = 0; i < MUM_ARRAY_LEN(severity_names); i++) {
        if (strcasecmp(text, severity_names[i]) == 0) {
            *out = (mum_severity)i;
            return MUM_OK;
        }
    }
    if (strcasecmp(text, "note") == 0) {
        *out = MUM_SEVERITY_INFO;
        return MUM_OK;
    }
    return MUM_EINVAL;
}

int mum_findings_new(mum_findings **out)
{
    mum_findings *list = mum__calloc(1, sizeof *list);
    if (!list)
        return MUM_ENOMEM;
    memset(list->override, -1, sizeof list->override);
    *out = list;
    return MUM_OK;
}

static void finding_release(mum_finding *f)
{
    mum__free((char *)f->loc.input);
    mum__free((char *)f->loc.entry);
    mum__free((char *)f->message);
}

void mum_findings_free(mum_findings *list)
{
    if (!list)
        return;
    for (size_t i = 0; i < list->count; i++)
        finding_release(&list->items[i].f);
    mum__free(list->items);
    mum__free(list);
}

size_t mum_findings_count(const mum_findings *list)
{
    return list ? list->count : 0;
}

const mum_finding *mum_findings_get(const mum_findings *list, size_t i)
{
    return (list && i < list->count) ? &list->items[i].f : NULL;
}

size_t mum_findings_count_at_least(const mum_findings *list, mum_severity min)
{
    size_t n = 0;
    if (!list)
        return 0;
    if (min < MUM_SEVERITY_INFO)
        min = MUM_SEVERITY_INFO;
    for (size_t i = 0; i < list->count; i++)
        if (list->items[i].f.severity >= min)
            n++;
    return n;
}

static size_t rule_index(const mum_rule *rule)
{
    return (size_t)(rule - mum__rule(0));
}

static int findings_vadd(mum_findings *list, const mum_rule *rule, const mum_location *loc,
                         const char *fmt, va_list ap) MUM_PRINTF(4, 0);

static int findings_vadd(mum_findings *list, const mum_rule *rule, const mum_location *loc,
                         const char *fmt, va_list ap)
{
    if (!list || !rule)
        return MUM_EINVAL;
    if (!mum__grow((void **)&list->items, &list->cap, list->count + 1, sizeof *list->items))
        return MUM_ENOMEM;
    mum_finding f;
    memset(&f, 0, sizeof f);
    f.rule = rule;
    signed char ov = list->override[rule_index(rule)];
    f.severity = ov >= 0 ? (mum_severity)ov : rule->severity;
    if (loc) {
        f.loc = *loc;
        f.loc.input = NULL;
        f.loc.entry = NULL;
        if ((loc->input && !(f.loc.input = mum__strdup(loc->input))) ||
            (loc->entry && !(f.loc.entry = mum__strdup(loc->entry)))) {
            finding_release(&f);
            return MUM_ENOMEM;
        }
    }
    f.message = mum__vasprintf(fmt, ap);
    if (!f.message) {
        finding_release(&f);
        return MUM_ENOMEM;
    }
    list->items[list->count].f = f;
    list->items[list->count].seq = list->count;
    list->count++;
    return MUM_OK;
}

int mum_findings_add(mum_findings *list, const char *rule_id, const mum_location *loc,
                     const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = findings_vadd(list, mum_rule_find(rule_id), loc, fmt, ap);
    va_end(ap);
    return r;
}

int mum__finding(mum_findings *list, mum_rule_id r, const mum_location *loc, const char *fmt,
                 ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = findings_vadd(list, mum__rule(r), loc, fmt, ap);
    va_end(ap);
    return rc;
}

int mum_findings_set_severity(mum_findings *list, const char *rule_id, mum_severity severity)
{
    const mum_rule *rule = mum_rule_find(rule_id);
    if (!list || !rule || (unsigned)severity > MUM_SEVERITY_ERROR)
        return MUM_EINVAL;
    list->override[rule_index(rule)] = (signed char)severity;
    for (size_t i = 0; i < list->count; i++)
        if (list->items[i].f.rule == rule)
            list->items[i].f.severity = severity;
    return MUM_OK;
}

static int cmp_str(const char *a, const char *b)
{
    if (!a || !b)
        return (a != NULL) - (b != NULL);
    return strcmp(a, b);
}

static int finding_cmp(const void *pa, const void *pb)
{
    const entry *ea = pa, *eb = pb;
    const mum_finding *a = &ea->f, *b = &eb->f;
    int c;
    if ((c = cmp_str(a->loc.input, b->loc.input)) != 0)
        return c;
    if ((c = cmp_str(a->loc.entry, b->loc.entry)) != 0)
        return c;
    if (a->loc.line != b->loc.line)
        return a->loc.line < b->loc.line ? -1 : 1;
    if (a->loc.column != b->loc.column)
        return a->loc.column < b->loc.column ? -1 : 1;
    if ((c = strcmp(a->rule->id, b->rule->id)) != 0)
        return c;
    /* qsort is not stable: fall back to insertion order */
    return ea->seq < eb->seq ? -1 : (ea->seq > eb->seq);
}

void mum_findings_sort(mum_findings *list)
{
    if (list && list->count > 1)
        qsort(list->items, list->count, sizeof *list->items, finding_cmp);
}

int mum__findings_relay(mum_findings *to, const mum_findings *from)
{
    for (size_t i = 0; to && i < mum_findings_count(from); i++) {
        const mum_finding *f = mum_findings_get(from, i);
        /* by the rule it points at: no look-up of its text id */
        int rc = mum__finding(to, (mum_rule_id)rule_index(f->rule), &f->loc, "%s", f->message);
        if (rc != MUM_OK)
            return rc;
    }
    return MUM_OK;
}
