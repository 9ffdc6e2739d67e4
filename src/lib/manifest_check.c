/*
 * manifest_check.c - the findings about a parsed manifest: required parts,
 * identities, hashes, update names, and the file name against the identity.
 */
#include "config.h"

#include "manifest_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct checker {
    const mum_manifest *m;
    mum_findings *out;
    int rc;              /* the first failure (only MUM_ENOMEM) */
} checker;

static void add(checker *c, mum_rule_id rule, mum_manifest_pos pos, const char *fmt, ...)
    MUM_PRINTF(4, 5);

static void add(checker *c, mum_rule_id rule, mum_manifest_pos pos, const char *fmt, ...)
{
    if (c->rc != MUM_OK)
        return;
    mum_location loc = mum_manifest_location(c->m, pos);
    va_list ap;
    va_start(ap, fmt);
    char *msg = mum__vasprintf(fmt, ap);
    va_end(ap);
    if (!msg) {
        c->rc = MUM_ENOMEM;
        return;
    }
    c->rc = mum__finding(c->out, rule, &loc, "%s", msg);
    mum__free(msg);
}

static void identity(checker *c, const mum_identity *id, unsigned required, mum_manifest_pos pos)
{
    if (c->rc != MUM_OK)
        return;
    mum_location loc = mum_manifest_location(c->m, pos);
    c->rc = mum_identity_validate(id, required, c->out, &loc);
}

static const char *target_element(const mum_manifest_target *t, bool applicable)
{
    switch (t->kind) {
    case MUM_TARGET_COMPONENT: return applicable ? "updateComponent" : "component";
    case MUM_TARGET_PACKAGE: return "package";
    case MUM_TARGET_DRIVER: return applicable ? "updateDriver" : "driver";
    }
    return "?";
}

static void targets(checker *c, const mum_manifest_target *t, size_t n, bool applicable)
{
    for (size_t i = 0; i < n; i++) {
        if (!t[i].has_identity)
            add(c, MUM_R_MANIFEST_MISSING_ELEMENT, t[i].pos, "<%s> has no <assemblyIdentity>",
                target_element(&t[i], applicable));
        else
            identity(c, &t[i].ref.id, MUM_REQUIRE_NAME, t[i].ref.pos);
    }
}

static int cmp_update_names(const void *a, const void *b)
{
    const mum_manifest_update *x = *(const mum_manifest_update *const *)a;
    const mum_manifest_update *y = *(const mum_manifest_update *const *)b;
    int r = mum_strcasecmp_utf8(x->name, y->name);
    if (r != 0)
        return r;
    /* equal names: document order, so the later one is reported */
    return x < y ? -1 : x > y;
}

static void duplicate_updates(checker *c, const mum_manifest_package *pkg)
{
    if (pkg->update_count < 2 || c->rc != MUM_OK)
        return;
    const mum_manifest_update **v = mum__reallocarray(NULL, pkg->update_count, sizeof *v);
    if (!v) {
        c->rc = MUM_ENOMEM;
        return;
    }
    size_t n = 0;
    for (size_t i = 0; i < pkg->update_count; i++)
        if (pkg->updates[i].name)
            v[n++] = &pkg->updates[i];
    qsort(v, n, sizeof *v, cmp_update_names);
    for (size_t i = 1; i < n; i++) {
        if (mum_strcasecmp_utf8(v[i - 1]->name, v[i]->name) == 0) {
            /* the first of a run is the one Windows keeps; name it */
            size_t first = i - 1;
            while (first > 0 && mum_strcasecmp_utf8(v[first - 1]->name, v[i]->name) == 0)
                first--;
            add(c, MUM_R_MANIFEST_DUPLICATE_UPDATE, v[i]->pos,
                "update name \"%s\" is used already at line %u", v[i]->name,
                (unsigned)v[first]->pos.line);
        }
    }
    mum__free(v);
}

static void package(checker *c, const mum_manifest_package *pkg)
{
    if (pkg->update_count == 0)
        add(c, MUM_R_MANIFEST_MISSING_ELEMENT, pkg->pos, "<package> has no <update>");
    for (size_t i = 0; i < pkg->parent_count; i++) {
        const mum_manifest_parent *pa = &pkg->parents[i];
        if (pa->identity_count == 0)
            add(c, MUM_R_MANIFEST_MISSING_ELEMENT, pa->pos, "<parent> has no <assemblyIdentity>");
        for (size_t k = 0; k < pa->identity_count; k++)
            identity(c, &pa->identities[k].id, MUM_REQUIRE_NAME, pa->identities[k].pos);
    }
    if (pkg->has_installer)
        identity(c, &pkg->installer.id, MUM_REQUIRE_NAME, pkg->installer.pos);
    for (size_t i = 0; i < pkg->update_count; i++) {
        const mum_manifest_update *u = &pkg->updates[i];
        if (!u->name)
            add(c, MUM_R_MANIFEST_MISSING_ATTRIBUTE, u->pos, "<update> has no name");
        if (u->item_count == 0)
            add(c, MUM_R_MANIFEST_MISSING_ELEMENT, u->pos,
                "<update%s%s%s> has no <component>, <package> or <driver>", u->name ? " name=\"" : "",
                u->name ? u->name : "", u->name ? "\"" : "");
        targets(c, u->applicable, u->applicable_count, true);
        targets(c, u->items, u->item_count, false);
    }
    duplicate_updates(c, pkg);
}

/* Quotes at most 64 characters of possibly long text. */
#define QUOTE_MAX 64

static void file_hash(checker *c, const mum_manifest_file *f)
{
    const char *fname = f->name ? f->name : "(no name)";
    if (!f->has_hash) {
        add(c, MUM_R_MANIFEST_MISSING_HASH, f->pos, "file \"%s\" has no hash", fname);
        return;
    }
    if (f->digest_method_count != 1 || f->digest_value_count != 1) {
        add(c, MUM_R_MANIFEST_BAD_HASH, f->hash_pos,
            "the hash of file \"%s\" has %u DigestMethod and %u DigestValue elements; it needs "
            "exactly one of each",
            fname, f->digest_method_count, f->digest_value_count);
    } else if (!f->digest_method) {
        add(c, MUM_R_MANIFEST_BAD_HASH, f->hash_pos,
            "the DigestMethod of file \"%s\" has no Algorithm", fname);
    }
    if (f->digest_method && f->digest_alg == MUM_HASH_NONE)
        add(c, MUM_R_MANIFEST_UNKNOWN_DIGEST_METHOD, f->hash_pos,
            "the DigestMethod of file \"%s\" is \"%.*s\", not a known algorithm", fname, QUOTE_MAX,
            f->digest_method);
    if (!f->digest_text)
        return;
    size_t len = strlen(f->digest_text);
    if (len == 0) {
        add(c, MUM_R_MANIFEST_BAD_DIGEST, f->hash_pos, "the DigestValue of file \"%s\" is empty",
            fname);
        return;
    }
    size_t size = f->digest_size;
    if (size == 0) {
        /* not decoded into the model: base64 at all, or just too long? */
        size_t cap = len / 4 * 3 + 3;
        uint8_t *buf = mum__malloc(cap);
        if (!buf) {
            c->rc = MUM_ENOMEM;
            return;
        }
        if (mum_base64_decode(buf, cap, &size, f->digest_text, len) != MUM_OK)
            size = 0;
        mum__free(buf);
        if (size == 0) {
            add(c, MUM_R_MANIFEST_BAD_DIGEST, f->hash_pos,
                "the DigestValue of file \"%s\" is not base64: \"%.*s\"%s", fname, QUOTE_MAX,
                f->digest_text, len > QUOTE_MAX ? "..." : "");
            return;
        }
    }
    if (f->digest_alg != MUM_HASH_NONE && size != mum_hash_size(f->digest_alg))
        add(c, MUM_R_MANIFEST_DIGEST_SIZE, f->hash_pos,
            "the DigestValue of file \"%s\" decodes to %zu bytes; a %s digest has %zu", fname,
            size, mum_hash_name(f->digest_alg), mum_hash_size(f->digest_alg));
}

static void component(checker *c, const mum_manifest *m)
{
    for (size_t i = 0; i < m->dependency_count; i++) {
        const mum_manifest_dependency *d = &m->dependencies[i];
        if (!d->has_identity)
            add(c, MUM_R_MANIFEST_MISSING_ELEMENT, d->pos,
                "<dependency> has no <dependentAssembly><assemblyIdentity>");
        else
            identity(c, &d->ref.id, MUM_REQUIRE_NAME, d->ref.pos);
    }
    for (size_t i = 0; i < m->file_count; i++) {
        const mum_manifest_file *f = &m->files[i];
        if (!f->name)
            add(c, MUM_R_MANIFEST_MISSING_ATTRIBUTE, f->pos, "<file> has no name");
        file_hash(c, f);
    }
    for (size_t i = 0; i < m->registry_key_count; i++) {
        const mum_manifest_registry_key *k = &m->registry_keys[i];
        if (!k->key_name)
            add(c, MUM_R_MANIFEST_MISSING_ATTRIBUTE, k->pos, "<registryKey> has no keyName");
        for (size_t v = 0; v < k->value_count; v++) {
            if (!k->values[v].name)
                add(c, MUM_R_MANIFEST_MISSING_ATTRIBUTE, k->values[v].pos,
                    "<registryValue> has no name (the default value has name=\"\")");
            if (!k->values[v].value_type)
                add(c, MUM_R_MANIFEST_MISSING_ATTRIBUTE, k->values[v].pos,
                    "<registryValue> has no valueType");
        }
    }
}

/* ---- the file name ---- */

static const char *base_name(const char *path)
{
    if (!path)
        return NULL;
    const char *b = path;
    for (const char *q = path; *q; q++)
        if (*q == '/' || *q == '\\' || *q == '!')
            b = q + 1;
    return b;
}

/* Equal without regard to case, as identities compare; ASCII (what names
 * almost always are) without decoding UTF-8. */
static bool same_text(const char *a, const char *b)
{
    if (!a || !b)
        return a == b;
    if (strcmp(a, b) == 0)
        return true; /* the same bytes, as a file name and its keyform mostly are */
    for (size_t i = 0;; i++) {
        unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];
        if (x == y && x < 0x80) {
            if (x == 0)
                return true;
            continue; /* the same byte: most of a name that matches */
        }
        if (x >= 0x80 || y >= 0x80)
            return mum_strcasecmp_utf8(a, b) == 0;
        if (mum__ascii_tolower(x) != mum__ascii_tolower(y))
            return false;
        if (x == 0)
            return true;
    }
}

/* Whether span[0..n) is `value` but for ASCII case (both ASCII). */
static bool span_is(const char *span, size_t n, const char *value)
{
    if (!value)
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char x = (unsigned char)span[i], y = (unsigned char)value[i];
        if (y == 0 || y >= 0x80 || mum__ascii_tolower(x) != mum__ascii_tolower(y))
            return false;
    }
    return value[n] == '\0';
}

/*
 * An ASCII package name (name~token~arch~~version.mum or .cat) whose fields
 * are the identity's, culture neutral on both sides: what package_name
 * finds by parsing the name and formatting the identity, without their ten
 * allocations and asprintf (two names a small package).  False for
 * anything else, which package_name then judges as before.
 */
static bool package_name_matches(const mum_identity *id, const char *name)
{
    size_t n = strlen(name);
    if (n <= 4 || (!mum__ascii_ends_with_ci(name, ".mum") && !mum__ascii_ends_with_ci(name, ".cat")) ||
        !mum_culture_is_neutral(id->language))
        return false;
    const char *field[5];
    size_t len[5], count = 0, start = 0, body = n - 4;
    for (size_t i = 0; i <= body; i++) {
        unsigned char ch = (unsigned char)name[i];
        if (i < body && (ch >= 0x80 || ch == '/' || ch == '\\'))
            return false;
        if (i == body || ch == '~') {
            if (count == 5)
                return false;
            field[count] = name + start;
            len[count++] = i - start;
            start = i + 1;
        }
    }
    return count == 5 && len[0] && len[1] && len[2] && len[3] == 0 && len[4] && span_is(field[0], len[0], id->name) &&
           span_is(field[1], len[1], id->public_key_token) && span_is(field[2], len[2], id->arch) &&
           span_is(field[4], len[4], id->version);
}

static void package_name(checker *c, const mum_identity *id, const char *name)
{
    mum_manifest_pos pos = c->m->identity_pos;
    if (mum__package_alias(name))
        return; /* a top package's fixed name: not a package name, never compared */
    if (package_name_matches(id, name))
        return;
    char *want = NULL;
    int frc = mum_package_name_format(&want, id, ".mum");
    if (frc == MUM_ENOMEM) {
        c->rc = MUM_ENOMEM;
        return;
    }
    const char *expected = want ? want : "(the identity lacks name, token, architecture or version)";
    if (!mum__ascii_ends_with_ci(name, ".mum") && !mum__ascii_ends_with_ci(name, ".cat")) {
        add(c, MUM_R_MANIFEST_NAME_MISMATCH, pos,
            "a package manifest is named \"%s\"; its identity names it \"%s\"", name, expected);
        mum__free(want);
        return;
    }
    mum_package_name pn;
    int rc = mum_package_name_parse(&pn, NULL, name);
    if (rc == MUM_ENOMEM) {
        c->rc = rc;
    } else if (rc != MUM_OK) {
        add(c, MUM_R_MANIFEST_NAME_MISMATCH, pos,
            "file name \"%s\" is not a package name; the identity names it \"%s\"", name, expected);
    } else {
        bool culture = (mum_culture_is_neutral(pn.id.language) && mum_culture_is_neutral(id->language)) ||
                       same_text(pn.id.language, id->language);
        if (!same_text(pn.id.name, id->name) || !same_text(pn.id.public_key_token, id->public_key_token) ||
            !same_text(pn.id.arch, id->arch) || !same_text(pn.id.version, id->version) || !culture)
            add(c, MUM_R_MANIFEST_NAME_MISMATCH, pos,
                "file name \"%s\" does not match the package identity, which names it \"%s\"", name,
                expected);
        mum_package_name_clear(&pn);
    }
    mum__free(want);
}

static void component_name(checker *c, const mum_identity *id, const char *name)
{
    mum_manifest_pos pos = c->m->identity_pos;
    char *want = NULL;
    int rc = mum_keyform_format(&want, id, 0);
    if (rc == MUM_ENOMEM) {
        c->rc = rc;
        return;
    }
    if (rc != MUM_OK)
        return; /* no name to format from: the identity findings say why */
    const char *kind = mum_manifest_kind_name(c->m->kind);
    size_t n = strlen(name);
    static const char ext[] = ".manifest";
    if (!mum__ascii_ends_with_ci(name, ext)) {
        add(c, MUM_R_MANIFEST_NAME_MISMATCH, pos,
            "a %s manifest is named \"%s\"; its identity names it \"%s.manifest\"", kind, name, want);
    } else {
        char *stem = mum__strndup(name, n - (sizeof ext - 1));
        if (!stem)
            c->rc = MUM_ENOMEM;
        else if (!same_text(stem, want))
            add(c, MUM_R_MANIFEST_NAME_MISMATCH, pos,
                "file name \"%s\" does not match the keyform of the identity, \"%s.manifest\"", name,
                want);
        mum__free(stem);
    }
    mum__free(want);
}

static void file_name(checker *c, const char *name)
{
    const mum_manifest *m = c->m;
    if (!m->has_identity)
        return;
    if (!name)
        name = base_name(m->entry ? m->entry : m->input);
    if (!name || !*name)
        return;
    if (m->kind == MUM_MANIFEST_PACKAGE)
        package_name(c, &m->identity, name);
    else
        component_name(c, &m->identity, name);
}

/* ---- all of it ---- */

int mum_manifest_check(const mum_manifest *m, const char *name, unsigned flags,
                       mum_findings *findings)
{
    if (!m || !findings)
        return MUM_EINVAL;
    checker c = {m, findings, MUM_OK};
    const mum_manifest_store *s = m->store;

    if (!m->manifest_version)
        add(&c, MUM_R_MANIFEST_MISSING_ATTRIBUTE, m->pos, "<assembly> has no manifestVersion");
    if (!m->has_identity)
        add(&c, MUM_R_MANIFEST_MISSING_IDENTITY, m->pos,
            "the manifest has no <assemblyIdentity>: it names no component or package");
    else
        identity(&c, &m->identity, MUM_REQUIRE_COMPONENT, m->identity_pos);

    const mum_manifest_note *notes = s->notes;
    for (size_t i = 0; i < s->note_count; i++)
        add(&c, notes[i].rule, notes[i].pos, "a second <%s> in <%s>: only the first is used",
            notes[i].element, notes[i].parent ? notes[i].parent : "assembly");

    if (m->has_package)
        package(&c, &m->package);
    component(&c, m);
    if (!(flags & MUM_MANIFEST_NO_NAME_CHECK))
        file_name(&c, name);

    for (size_t i = 0; i < m->element_count; i++) {
        const mum_manifest_element *e = &m->elements[i];
        if (e->kind != MUM_ELEMENT_UNKNOWN)
            continue;
        /* unknown elements are in asm.v3 or in no namespace: say which only for the latter */
        char times[32] = "";
        if (e->count > 1)
            snprintf(times, sizeof times, " (%u times)", (unsigned)e->count);
        add(&c, MUM_R_MANIFEST_UNKNOWN_ELEMENT, e->pos,
            "<%s>%s in <%s> is not part of the manifest vocabulary%s; kept, not modelled", e->name,
            e->ns ? "" : " (no namespace)", e->parent ? e->parent : "?", times);
    }
    if (s->elements_dropped)
        add(&c, MUM_R_MANIFEST_UNKNOWN_ELEMENT, m->pos,
            "%zu more distinct element names were not kept (at most %d are)", s->elements_dropped,
            MUM_MANIFEST_MAX_ELEMENTS);
    return c.rc;
}
