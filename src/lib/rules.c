/*
 * rules.c - the table of rules, generated from rules.def.
 */
#include "config.h"

#include "internal.h"

#include <string.h>

static const mum_rule g_rules[MUM_R__COUNT] = {
#define MUM_RULE(sym, rid, sev, hr, text) [MUM_R_##sym] = {rid, MUM_SEVERITY_##sev, hr, text},
#include "rules.def"
#undef MUM_RULE
};

const mum_rule *mum__rule(mum_rule_id r)
{
    return (unsigned)r < MUM_R__COUNT ? &g_rules[r] : NULL;
}

size_t mum_rule_count(void)
{
    return MUM_R__COUNT;
}

const mum_rule *mum_rule_at(size_t i)
{
    return i < MUM_R__COUNT ? &g_rules[i] : NULL;
}

const mum_rule *mum_rule_find(const char *id)
{
    if (!id)
        return NULL;
    for (size_t i = 0; i < MUM_R__COUNT; i++)
        if (strcmp(g_rules[i].id, id) == 0)
            return &g_rules[i];
    return NULL;
}
