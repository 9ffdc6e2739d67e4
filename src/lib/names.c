/*
 * names.c - package file names, component keyforms and the pseudo-key.
 */
#include "config.h"

#include "internal.h"

#include <pthread.h>
#include <string.h>

/* ---- shared helpers ---- */

static int name_error(mum_ctx *ctx, const char *text, size_t col0, const char *fmt, ...)
    MUM_PRINTF(4, 5);

/* A structural error in a name, located at its 0-based byte column. */
static int name_error(mum_ctx *ctx, const char *text, size_t col0, const char *fmt, ...)
{
    mum_location loc = {.input = text, .line = 1, .column = (uint32_t)col0 + 1};
    va_list ap;
    va_start(ap, fmt);
    int rc = mum__verror(ctx, MUM_EFORMAT, &loc, fmt, ap);
    va_end(ap);
    return rc;
}

/* Rejects paths: callers pass the last component of a path. */
static int check_bare(mum_ctx *ctx, const char *text)
{
    size_t n = strlen(text);
    if (n == 0)
        return name_error(ctx, text, 0, "empty name");
    size_t sep = strcspn(text, "/\\");
    if (sep < n)
        return name_error(ctx, text, sep, "a file name, not a path, is expected");
    if (!mum__utf8_valid(text, n))
        return name_error(ctx, text, 0, "the name is not valid UTF-8");
    return MUM_OK;
}

/* Splits text[0..n) at `sep`; fills starts/lens up to max fields; returns the count. */
static size_t split(const char *text, size_t n, char sep, size_t *starts, size_t *lens, size_t max)
{
    size_t count = 0, start = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i == n || text[i] == sep) {
            if (count < max) {
                starts[count] = start;
                lens[count] = i - start;
            }
            count++;
            start = i + 1;
        }
    }
    return count;
}

/* ---- package names ---- */

void mum_package_name_clear(mum_package_name *name)
{
    if (!name)
        return;
    mum_identity_clear(&name->id);
    mum__free(name->extension);
    name->extension = NULL;
}

int mum_package_name_parse(mum_package_name *out, mum_ctx *ctx, const char *text)
{
    static const char *const field_names[5] = {"name", "publicKeyToken", "processorArchitecture",
                                               "language", "version"};
    static const mum_identity_attr field_attrs[5] = {MUM_ATTR_NAME, MUM_ATTR_PUBLIC_KEY_TOKEN,
                                                     MUM_ATTR_ARCH, MUM_ATTR_LANGUAGE,
                                                     MUM_ATTR_VERSION};
    memset(out, 0, sizeof *out);
    if (!text)
        return mum__error(ctx, MUM_EINVAL, NULL, "no name given");
    int rc = check_bare(ctx, text);
    if (rc != MUM_OK)
        return rc;

    size_t n = strlen(text);
    size_t ext_len = 0;
    if (mum__ascii_ends_with_ci(text, ".mum") || mum__ascii_ends_with_ci(text, ".cat"))
        ext_len = 4;
    size_t body = n - ext_len;

    size_t starts[5], lens[5];
    size_t count = split(text, body, '~', starts, lens, 5);
    if (count != 5)
        return name_error(ctx, text, count < 5 ? body : starts[4] + lens[4],
                          "a package name has 5 '~'-separated fields "
                          "(name~publicKeyToken~processorArchitecture~language~version), "
                          "this one has %zu",
                          count);
    for (int f = 0; f < 5; f++)
        if (lens[f] == 0 && field_attrs[f] != MUM_ATTR_LANGUAGE)
            return name_error(ctx, text, starts[f], "the %s field is empty", field_names[f]);

    for (int f = 0; f < 5; f++) {
        if (lens[f] == 0)
            continue; /* neutral language */
        char *value = mum__strndup(text + starts[f], lens[f]);
        if (!value || mum_identity_set(&out->id, field_attrs[f], value) != MUM_OK) {
            mum__free(value);
            mum_package_name_clear(out);
            return mum__nomem(ctx);
        }
        mum__free(value);
    }
    if (ext_len && !(out->extension = mum__strdup(text + body))) {
        mum_package_name_clear(out);
        return mum__nomem(ctx);
    }
    return MUM_OK;
}

int mum_package_name_format(char **out, const mum_identity *id, const char *ext)
{
    if (!id || !id->name || !id->public_key_token || !id->arch || !id->version)
        return MUM_EINVAL;
    const char *lang = mum_culture_is_neutral(id->language) ? "" : id->language;
    char *s = mum__asprintf("%s~%s~%s~%s~%s%s", id->name, id->public_key_token, id->arch, lang,
                            id->version, ext ? ext : "");
    if (!s)
        return MUM_ENOMEM;
    *out = s;
    return MUM_OK;
}

/*
 * The fixed names a package gives its top package manifests instead of (or
 * beside) the identity-named copy: "update.mum", and "update-<tag>.mum"
 * for further top packages ("update-bf.mum" in KB2883457).  DISM and
 * Windows Update open a cabinet through update.mum and take the package's
 * identity from its content, never from such a name; sub-packages are the
 * ones found by identity, so they are the ones whose names must match.
 * The tag is one to 32 letters, digits, '_' or '-': anything with '~' or
 * a dot is a package name (or a wrong one), not an alias.  Case does not
 * matter, as for every name Windows compares.
 */
bool mum__package_alias(const char *name)
{
    static const char stem[] = "update", ext[] = ".mum";
    size_t n = name ? strlen(name) : 0, s = sizeof stem - 1, e = sizeof ext - 1;
    if (n < s + e || mum__ascii_strncasecmp(name, stem, s) != 0 || !mum__ascii_ends_with_ci(name, ext))
        return false;
    size_t tag = n - s - e;
    if (tag == 0)
        return true;
    if (name[s] != '-' || tag < 2 || tag > 33)
        return false;
    for (size_t i = s + 1; i < n - e; i++) {
        unsigned char c = (unsigned char)name[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
            return false;
    }
    return true;
}

/* ---- keyforms ---- */

void mum_keyform_clear(mum_keyform *kf)
{
    if (!kf)
        return;
    mum__free(kf->arch);
    mum__free(kf->name);
    mum__free(kf->public_key_token);
    mum__free(kf->version);
    mum__free(kf->culture);
    mum__free(kf->key_text);
    mum__free(kf->extension);
    memset(kf, 0, sizeof *kf);
}

static size_t utf8_length(const char *s)
{
    size_t n = 0;
    while (s[n] && (unsigned char)s[n] < 0x80)
        n++;
    if (!s[n])
        return n; /* ASCII, as names nearly always are: a character a byte */
    n += strlen(s + n);
    size_t i = 0, count = 0;
    while (i < n) {
        if (mum__utf8_next(s, n, &i) < 0)
            i++;
        count++;
    }
    return count;
}

/* A cut value is exactly limit characters with ".." after the first `keep`. */
static bool looks_truncated(const char *s, size_t limit, size_t keep)
{
    if (utf8_length(s) != limit)
        return false;
    size_t n = strlen(s), i = 0;
    for (size_t k = 0; k < keep; k++)
        if (mum__utf8_next(s, n, &i) < 0)
            return false;
    return strncmp(s + i, "..", 2) == 0;
}

static bool looks_like_version(const char *s, size_t n)
{
    bool dot = false;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '.')
            dot = true;
        else if (s[i] < '0' || s[i] > '9')
            return false;
    }
    return dot;
}

int mum_keyform_parse(mum_keyform *out, mum_ctx *ctx, const char *text)
{
    memset(out, 0, sizeof *out);
    if (!text)
        return mum__error(ctx, MUM_EINVAL, NULL, "no name given");
    int rc = check_bare(ctx, text);
    if (rc != MUM_OK)
        return rc;

    size_t n = strlen(text);
    size_t body = n;
    if (mum__ascii_ends_with_ci(text, ".manifest"))
        body = n - strlen(".manifest");

    /* Fields are taken from both ends: the name in the middle may hold '_'. */
    enum { MAXF = 64 };
    size_t starts[MAXF], lens[MAXF];
    size_t count = split(text, body, '_', starts, lens, MAXF);
    if (count > MAXF)
        return name_error(ctx, text, 0, "too many '_'-separated fields (%zu)", count);
    if (count < 5)
        return name_error(ctx, text, body,
                          "a keyform has at least 5 '_'-separated fields "
                          "(arch_name_publicKeyToken[_version]_culture_pseudokey), this one has %zu",
                          count);
    size_t k = count - 1, c = count - 2;
    bool versioned = looks_like_version(text + starts[count - 3], lens[count - 3]);
    if (versioned && count < 6)
        return name_error(ctx, text, starts[0],
                          "a keyform with a version has at least 6 '_'-separated fields, "
                          "this one has %zu",
                          count);
    size_t v = count - 3;
    size_t t = versioned ? count - 4 : count - 3;
    size_t name_first = 1, name_last = t - 1;

    if (lens[0] == 0)
        return name_error(ctx, text, starts[0], "the processorArchitecture field is empty");
    size_t name_start = starts[name_first];
    size_t name_len = starts[name_last] + lens[name_last] - name_start;
    if (name_len == 0)
        return name_error(ctx, text, name_start, "the name field is empty");
    if (lens[t] == 0)
        return name_error(ctx, text, starts[t], "the publicKeyToken field is empty");
    if (lens[c] == 0)
        return name_error(ctx, text, starts[c], "the culture field is empty");
    if (lens[k] != 16)
        return name_error(ctx, text, starts[k], "the pseudo-key \"%.*s\" is not 16 hexadecimal digits",
                          (int)lens[k], text + starts[k]);
    uint64_t key = 0;
    for (size_t i = 0; i < 16; i++) {
        int h = mum__hex_value((unsigned char)text[starts[k] + i]);
        if (h < 0)
            return name_error(ctx, text, starts[k] + i,
                              "the pseudo-key \"%.*s\" is not 16 hexadecimal digits", 16,
                              text + starts[k]);
        key = key << 4 | (uint64_t)h;
    }

    out->arch = mum__strndup(text + starts[0], lens[0]);
    out->name = mum__strndup(text + name_start, name_len);
    out->public_key_token = mum__strndup(text + starts[t], lens[t]);
    out->version = versioned ? mum__strndup(text + starts[v], lens[v]) : NULL;
    out->culture = mum__strndup(text + starts[c], lens[c]);
    out->key_text = mum__strndup(text + starts[k], lens[k]);
    out->extension = body < n ? mum__strdup(text + body) : NULL;
    if (!out->arch || !out->name || !out->public_key_token || (versioned && !out->version) ||
        !out->culture || !out->key_text || (body < n && !out->extension)) {
        mum_keyform_clear(out);
        return mum__nomem(ctx);
    }
    out->key = key;
    out->name_truncated = looks_truncated(out->name, 40, 19);
    out->culture_truncated = looks_truncated(out->culture, 8, 3);
    return MUM_OK;
}

/* ---- pseudo-key ---- */

#define PK_P UINT64_C(0x1FFFFFFF7)

/* The lane hash of DOMAIN.md section 2 over the UTF-16 code units of lowercase(s). */
static int strhash(const char *s, uint64_t *out)
{
    uint32_t lane[4] = {0, 0, 0, 0};
    size_t n = strlen(s), i = 0, unit = 0;
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80) {
            /* ASCII (nearly every value): its lower case is one unit */
            lane[unit % 4] = lane[unit % 4] * 0x1003Fu + (uint32_t)mum__ascii_tolower(c);
            unit++;
            i++;
            continue;
        }
        int32_t cp = mum__utf8_next(s, n, &i);
        if (cp < 0)
            return MUM_EFORMAT;
        uint32_t lc = mum__ucs_tolower((uint32_t)cp);
        uint16_t units[2];
        int nu = 1;
        if (lc >= 0x10000) {
            units[0] = (uint16_t)(0xD800 + ((lc - 0x10000) >> 10));
            units[1] = (uint16_t)(0xDC00 + ((lc - 0x10000) & 0x3FF));
            nu = 2;
        } else {
            units[0] = (uint16_t)lc;
        }
        for (int u = 0; u < nu; u++, unit++)
            lane[unit % 4] = lane[unit % 4] * 0x1003Fu + units[u];
    }
    const uint64_t p2 = PK_P * PK_P, p3 = p2 * PK_P;
    *out = lane[0] * p3 + lane[1] * p2 + lane[2] * PK_P + lane[3];
    return MUM_OK;
}

/* The hashes of the attribute names mum_pseudokey mixes in, in its order:
 * the same for every identity, made once. */
static const char *const pk_attrs[7] = {"name", "culture", "type", "version", "publicKeyToken",
                                        "processorArchitecture", "versionScope"};
static uint64_t pk_attr_hash[7];
static pthread_once_t pk_attr_once = PTHREAD_ONCE_INIT;

static void pk_attr_init(void)
{
    for (size_t i = 0; i < 7; i++)
        strhash(pk_attrs[i], &pk_attr_hash[i]);
}

int mum_pseudokey(uint64_t *out, const mum_identity *id, unsigned flags)
{
    const char *values[7] = {
        id->name,
        mum_culture_is_neutral(id->language) ? NULL : id->language,
        id->type,
        (flags & MUM_KEY_NO_VERSION) ? NULL : id->version,
        id->public_key_token,
        id->arch,
        id->version_scope,
    };
    pthread_once(&pk_attr_once, pk_attr_init);
    uint64_t key = 0;
    for (size_t i = 0; i < MUM_ARRAY_LEN(values); i++) {
        const char *value = values[i];
        if (!value || mum__ascii_strcasecmp(value, "none") == 0)
            continue;
        uint64_t hv;
        if (strhash(value, &hv) != MUM_OK)
            return MUM_EFORMAT;
        key = key * PK_P + hv + PK_P * pk_attr_hash[i];
    }
    *out = key;
    return MUM_OK;
}

int mum_truncate_middle(char **out, const char *text, size_t limit, size_t keep)
{
    size_t len = utf8_length(text);
    if (len <= limit || 2 * keep >= len) {
        *out = mum__strdup(text);
        return *out ? MUM_OK : MUM_ENOMEM;
    }
    size_t n = strlen(text), i = 0, head, tail_start;
    for (size_t k = 0; k < keep; k++)
        if (mum__utf8_next(text, n, &i) < 0)
            i++;
    head = i;
    i = 0;
    for (size_t k = 0; k < len - keep; k++)
        if (mum__utf8_next(text, n, &i) < 0)
            i++;
    tail_start = i;
    *out = mum__asprintf("%.*s..%s", (int)head, text, text + tail_start);
    return *out ? MUM_OK : MUM_ENOMEM;
}

/* "%016llx" of key and its terminator at o (17 bytes): a keyform's end. */
static void put_key_hex(char *o, uint64_t key)
{
    static const char hex[] = "0123456789abcdef";
    for (int d = 15; d >= 0; d--)
        *o++ = hex[(key >> (4 * d)) & 0xF];
    *o = '\0';
}

/* "part_part_..._%016llx" of the parts up to the first NULL (at most 5):
 * what asprintf made, without its format parsing (a keyform is made for
 * every component a verify judges). */
static char *keyform_join(const char *const part[5], uint64_t key)
{
    size_t len[5], total = 16;
    size_t n = 0;
    for (; n < 5 && part[n]; n++)
        total += (len[n] = strlen(part[n])) + 1;
    char *out = mum__malloc(total + 1), *o = out;
    if (!out)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        memcpy(o, part[i], len[i]);
        o += len[i];
        *o++ = '_';
    }
    put_key_hex(o, key);
    return out;
}

static char *lower_ascii_copy(char *o, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        *o++ = (char)mum__ascii_tolower(c);
    }
    return o;
}

/*
 * The keyform when its five fields (arch, name, token, version, culture)
 * are all ASCII, as they nearly always are: each lowered and cut (a name
 * past 40 characters to 19 + ".." + 19, a culture past 8 to 3 + ".." + 3,
 * as mum_truncate_middle cuts) straight into the result, without the
 * copies of the general path below.  Returns false, *out untouched, when a
 * field is not ASCII; else *out is the text or NULL (no memory).
 */
static bool keyform_ascii(char **out, const char *const fields[5], bool with_version, uint64_t key)
{
    static const size_t limit[5] = {0, 40, 0, 0, 8}, keep[5] = {0, 19, 0, 0, 3};
    size_t len[5], total = 16;
    for (int f = 0; f < 5; f++) {
        size_t n = 0;
        for (; fields[f][n]; n++)
            if ((unsigned char)fields[f][n] >= 0x80)
                return false;
        len[f] = n;
        if (f == 3 && !with_version)
            continue;
        total += (limit[f] && n > limit[f] ? 2 * keep[f] + 2 : n) + 1;
    }
    char *o = mum__malloc(total + 1);
    *out = o;
    if (!o)
        return true;
    for (int f = 0; f < 5; f++) {
        if (f == 3 && !with_version)
            continue;
        if (limit[f] && len[f] > limit[f]) {
            o = lower_ascii_copy(o, fields[f], keep[f]);
            *o++ = '.';
            *o++ = '.';
            o = lower_ascii_copy(o, fields[f] + len[f] - keep[f], keep[f]);
        } else {
            o = lower_ascii_copy(o, fields[f], len[f]);
        }
        *o++ = '_';
    }
    put_key_hex(o, key);
    return true;
}

int mum_keyform_format(char **out, const mum_identity *id, unsigned flags)
{
    if (!id || !id->name)
        return MUM_EINVAL;
    uint64_t key;
    int rc = mum_pseudokey(&key, id, flags);
    if (rc != MUM_OK)
        return rc;

    bool neutral = mum_culture_is_neutral(id->language);
    const char *fields[5] = {
        id->arch ? id->arch : "none",
        id->name,
        id->public_key_token ? id->public_key_token : "none",
        id->version ? id->version : "none",
        neutral ? "none" : id->language,
    };
    if (keyform_ascii(out, fields, !(flags & MUM_KEY_NO_VERSION), key))
        return *out ? MUM_OK : MUM_ENOMEM;
    char *lower[5] = {0};
    char *cut_name = NULL, *cut_culture = NULL;
    rc = MUM_ENOMEM;
    for (int f = 0; f < 5; f++) {
        bool invalid;
        if (!(lower[f] = mum__utf8_lower(fields[f], &invalid))) {
            rc = invalid ? MUM_EFORMAT : MUM_ENOMEM;
            goto done;
        }
    }
    if (mum_truncate_middle(&cut_name, lower[1], 40, 19) != MUM_OK ||
        mum_truncate_middle(&cut_culture, lower[4], 8, 3) != MUM_OK)
        goto done;
    const char *part[5] = {lower[0], cut_name, lower[2], lower[3], cut_culture};
    if (flags & MUM_KEY_NO_VERSION) {
        part[3] = cut_culture;
        part[4] = NULL;
    }
    *out = keyform_join(part, key);
    rc = *out ? MUM_OK : MUM_ENOMEM;
done:
    for (int f = 0; f < 5; f++)
        mum__free(lower[f]);
    mum__free(cut_name);
    mum__free(cut_culture);
    return rc;
}

int mum_keyform_check(mum_keycheck *out, const mum_keyform *kf)
{
    static const char *const scopes[] = {"nonSxS", NULL};
    static const char *const types[] = {NULL, "win32", "win32-policy", "driverUpdate"};
    memset(out, 0, sizeof *out);
    if (kf->name_truncated || kf->culture_truncated) {
        out->verdict = MUM_KEYCHECK_TRUNCATED;
        return MUM_OK;
    }
    /* Borrow the keyform's strings: the identity is never cleared. */
    mum_identity id;
    memset(&id, 0, sizeof id);
    id.name = kf->name;
    id.arch = kf->arch;
    id.public_key_token = kf->public_key_token;
    id.version = kf->version;
    id.language = kf->culture;
    unsigned flags = kf->version ? 0 : MUM_KEY_NO_VERSION;
    for (size_t t = 0; t < MUM_ARRAY_LEN(types); t++) {
        for (size_t s = 0; s < MUM_ARRAY_LEN(scopes); s++) {
            id.type = (char *)types[t];
            id.version_scope = (char *)scopes[s];
            uint64_t key;
            if (mum_pseudokey(&key, &id, flags) != MUM_OK)
                return MUM_EFORMAT;
            out->cases_tried++;
            if (key == kf->key) {
                out->verdict = MUM_KEYCHECK_CONFIRMED;
                out->version_scope = scopes[s];
                out->type = types[t];
                return MUM_OK;
            }
        }
    }
    out->verdict = MUM_KEYCHECK_NO_MATCH;
    return MUM_OK;
}
