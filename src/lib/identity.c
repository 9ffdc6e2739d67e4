/*
 * identity.c - assembly identities: attribute storage, validation into
 * findings, version and identity comparison.
 */
#include "config.h"

#include "internal.h"

#include <stdio.h>
#include <string.h>

/* ---- versions ---- */

int mum_version_parse(mum_version *out, const char *text)
{
    if (!text)
        return MUM_EFORMAT;
    /* Syntax first, so "1.2.3" is a syntax error even with a huge part. */
    int parts = 1;
    size_t digits = 0;
    for (const char *p = text;; p++) {
        if (*p >= '0' && *p <= '9') {
            digits++;
        } else if (*p == '.' || *p == '\0') {
            if (digits == 0)
                return MUM_EFORMAT;
            if (*p == '\0')
                break;
            parts++;
            digits = 0;
        } else {
            return MUM_EFORMAT;
        }
    }
    if (parts != 4)
        return MUM_EFORMAT;

    mum_version v;
    const char *p = text;
    for (int i = 0; i < 4; i++) {
        uint32_t value = 0;
        bool range = false;
        for (; *p >= '0' && *p <= '9'; p++) {
            value = value * 10 + (uint32_t)(*p - '0');
            if (value > 65535) {
                range = true;
                value = 65536; /* stay bounded while skipping digits */
            }
        }
        if (range)
            return MUM_ELIMIT;
        v.part[i] = (uint16_t)value;
        if (*p == '.')
            p++;
    }
    if (out)
        *out = v;
    return MUM_OK;
}

int mum_version_compare(const mum_version *a, const mum_version *b)
{
    for (int i = 0; i < 4; i++)
        if (a->part[i] != b->part[i])
            return a->part[i] < b->part[i] ? -1 : 1;
    return 0;
}

void mum_version_format(const mum_version *v, char buf[MUM_VERSION_TEXT_MAX])
{
    /* "%u.%u.%u.%u" by hand: resolution keys every identity with it, and
     * snprintf's format parsing cost more than the rest of the key */
    char *o = buf;
    for (int p = 0; p < 4; p++) {
        char digits[5];
        int n = 0;
        unsigned x = v->part[p];
        do {
            digits[n++] = (char)('0' + x % 10);
            x /= 10;
        } while (x);
        while (n)
            *o++ = digits[--n];
        *o++ = p < 3 ? '.' : '\0';
    }
}

/* ---- architectures ---- */

static const char *const arch_names[] = {
    [MUM_ARCH_NONE] = "",       [MUM_ARCH_X86] = "x86",         [MUM_ARCH_AMD64] = "amd64",
    [MUM_ARCH_IA64] = "ia64",   [MUM_ARCH_WOW64] = "wow64",     [MUM_ARCH_ARM] = "arm",
    [MUM_ARCH_ARM64] = "arm64", [MUM_ARCH_MSIL] = "msil",       [MUM_ARCH_NEUTRAL] = "neutral",
    [MUM_ARCH_ANY] = "*",       [MUM_ARCH_UNKNOWN] = "?",
};

mum_arch mum_arch_parse(const char *text)
{
    if (!text)
        return MUM_ARCH_NONE;
    for (int a = MUM_ARCH_X86; a <= MUM_ARCH_ANY; a++)
        if (mum__ascii_strcasecmp(text, arch_names[a]) == 0)
            return (mum_arch)a;
    return MUM_ARCH_UNKNOWN;
}

const char *mum_arch_name(mum_arch arch)
{
    return (unsigned)arch < MUM_ARRAY_LEN(arch_names) ? arch_names[arch] : "?";
}

/* ---- attributes ---- */

static const char *const attr_names[MUM_ATTR_COUNT] = {
    [MUM_ATTR_NAME] = "name",
    [MUM_ATTR_VERSION] = "version",
    [MUM_ATTR_ARCH] = "processorArchitecture",
    [MUM_ATTR_LANGUAGE] = "language",
    [MUM_ATTR_PUBLIC_KEY_TOKEN] = "publicKeyToken",
    [MUM_ATTR_BUILD_TYPE] = "buildType",
    [MUM_ATTR_VERSION_SCOPE] = "versionScope",
    [MUM_ATTR_TYPE] = "type",
};

static const struct {
    const char *alias;
    mum_identity_attr attr;
} attr_aliases[] = {
    {"arch", MUM_ATTR_ARCH},
    {"culture", MUM_ATTR_LANGUAGE},
    {"token", MUM_ATTR_PUBLIC_KEY_TOKEN},
    {"scope", MUM_ATTR_VERSION_SCOPE},
};

const char *mum_identity_attr_name(mum_identity_attr attr)
{
    return (unsigned)attr < MUM_ATTR_COUNT ? attr_names[attr] : NULL;
}

int mum_identity_attr_lookup(mum_identity_attr *out, const char *name)
{
    if (!name)
        return MUM_ENOTFOUND;
    for (int a = 0; a < MUM_ATTR_COUNT; a++) {
        if (strcmp(name, attr_names[a]) == 0) {
            *out = (mum_identity_attr)a;
            return MUM_OK;
        }
    }
    for (size_t i = 0; i < MUM_ARRAY_LEN(attr_aliases); i++) {
        if (strcmp(name, attr_aliases[i].alias) == 0) {
            *out = attr_aliases[i].attr;
            return MUM_OK;
        }
    }
    return MUM_ENOTFOUND;
}

static char **attr_slot(mum_identity *id, mum_identity_attr attr)
{
    switch (attr) {
    case MUM_ATTR_NAME: return &id->name;
    case MUM_ATTR_VERSION: return &id->version;
    case MUM_ATTR_ARCH: return &id->arch;
    case MUM_ATTR_LANGUAGE: return &id->language;
    case MUM_ATTR_PUBLIC_KEY_TOKEN: return &id->public_key_token;
    case MUM_ATTR_BUILD_TYPE: return &id->build_type;
    case MUM_ATTR_VERSION_SCOPE: return &id->version_scope;
    case MUM_ATTR_TYPE: return &id->type;
    default: return NULL;
    }
}

static bool decode_token(const char *text, uint8_t token[8])
{
    if (!text || strlen(text) != 16)
        return false;
    for (int i = 0; i < 16; i++)
        if (!mum__is_hex_digit((unsigned char)text[i]))
            return false;
    for (int i = 0; i < 8; i++)
        token[i] = (uint8_t)(mum__hex_value(text[2 * i]) << 4 | mum__hex_value(text[2 * i + 1]));
    return true;
}

int mum_identity_set(mum_identity *id, mum_identity_attr attr, const char *value)
{
    char **slot = id ? attr_slot(id, attr) : NULL;
    if (!slot)
        return MUM_EINVAL;
    if (!mum__replace_str(slot, value))
        return MUM_ENOMEM;
    switch (attr) {
    case MUM_ATTR_VERSION:
        id->ver_ok = mum_version_parse(&id->ver, value) == MUM_OK;
        if (!id->ver_ok)
            memset(&id->ver, 0, sizeof id->ver);
        break;
    case MUM_ATTR_ARCH:
        id->arch_id = mum_arch_parse(value);
        break;
    case MUM_ATTR_PUBLIC_KEY_TOKEN:
        id->token_ok = decode_token(value, id->token);
        if (!id->token_ok)
            memset(id->token, 0, sizeof id->token);
        break;
    default:
        break;
    }
    return MUM_OK;
}

const char *mum_identity_get(const mum_identity *id, mum_identity_attr attr)
{
    char **slot = id ? attr_slot((mum_identity *)id, attr) : NULL;
    return slot ? *slot : NULL;
}

void mum_identity_clear(mum_identity *id)
{
    if (!id)
        return;
    for (int a = 0; a < MUM_ATTR_COUNT; a++)
        mum__free(*attr_slot(id, (mum_identity_attr)a));
    memset(id, 0, sizeof *id);
}

int mum_identity_copy(mum_identity *dst, const mum_identity *src)
{
    mum_identity tmp;
    memset(&tmp, 0, sizeof tmp);
    for (int a = 0; a < MUM_ATTR_COUNT; a++) {
        if (mum_identity_set(&tmp, (mum_identity_attr)a,
                             mum_identity_get(src, (mum_identity_attr)a)) != MUM_OK) {
            mum_identity_clear(&tmp);
            return MUM_ENOMEM;
        }
    }
    *dst = tmp;
    return MUM_OK;
}

/* ---- validation ---- */

bool mum_culture_is_neutral(const char *culture)
{
    return !culture || !*culture || mum__ascii_strcasecmp(culture, "neutral") == 0 ||
           mum__ascii_strcasecmp(culture, "none") == 0;
}

/* A name must be usable in a file name: no controls, no reserved characters.
 * One pass (every identity of every manifest comes through here); the UTF-8
 * check only for names that are not ASCII. */
static bool name_ok(const char *s)
{
    bool ascii = true;
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++, n++) {
        unsigned char c = *p;
        if (c >= 0x80) {
            ascii = false;
            continue;
        }
        switch (c) {
        case '\\': case '/': case ':': case '*': case '?': case '"': case '<': case '>': case '|':
        case '~': case 0x7F:
            return false;
        default:
            if (c < 0x20)
                return false;
        }
    }
    return n > 0 && (ascii || mum__utf8_valid(s, n));
}

/* Cultures: "neutral", "*", or alphanumeric subtags of 1-8 joined by '-'. */
static bool culture_ok(const char *s)
{
    if (mum__ascii_strcasecmp(s, "neutral") == 0 || strcmp(s, "*") == 0)
        return true;
    size_t run = 0;
    for (const char *p = s;; p++) {
        bool alnum = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                     (*p >= '0' && *p <= '9');
        if (alnum) {
            if (++run > 8)
                return false;
        } else if (*p == '-' || *p == '\0') {
            if (run == 0)
                return false;
            if (*p == '\0')
                return true;
            run = 0;
        } else {
            return false;
        }
    }
}

int mum_identity_validate(const mum_identity *id, unsigned required, mum_findings *findings,
                          const mum_location *loc)
{
    static const struct {
        unsigned flag;
        mum_identity_attr attr;
    } req[] = {
        {MUM_REQUIRE_NAME, MUM_ATTR_NAME},
        {MUM_REQUIRE_VERSION, MUM_ATTR_VERSION},
        {MUM_REQUIRE_ARCH, MUM_ATTR_ARCH},
        {MUM_REQUIRE_LANGUAGE, MUM_ATTR_LANGUAGE},
        {MUM_REQUIRE_TOKEN, MUM_ATTR_PUBLIC_KEY_TOKEN},
    };
    int rc;
#define ADD(...)                                                                                   \
    do {                                                                                           \
        if ((rc = mum__finding(findings, __VA_ARGS__)) != MUM_OK)                                  \
            return rc;                                                                             \
    } while (0)

    for (size_t i = 0; i < MUM_ARRAY_LEN(req); i++)
        if ((required & req[i].flag) && !mum_identity_get(id, req[i].attr))
            ADD(MUM_R_IDENTITY_MISSING_ATTRIBUTE, loc, "assemblyIdentity%s%s%s has no %s",
                id->name ? " \"" : "", id->name ? id->name : "", id->name ? "\"" : "",
                attr_names[req[i].attr]);

    if (id->name && !name_ok(id->name))
        ADD(MUM_R_IDENTITY_BAD_NAME, loc,
            "name \"%s\" is empty or holds a control or reserved character", id->name);

    if (id->version) {
        int v = mum_version_parse(NULL, id->version);
        if (v == MUM_EFORMAT)
            ADD(MUM_R_IDENTITY_BAD_VERSION, loc,
                "version \"%s\" is not four dot-separated decimal numbers", id->version);
        else if (v == MUM_ELIMIT)
            ADD(MUM_R_IDENTITY_VERSION_RANGE, loc, "version \"%s\" has a part above 65535",
                id->version);
    }

    if (id->public_key_token && !id->token_ok)
        ADD(MUM_R_IDENTITY_BAD_TOKEN, loc, "publicKeyToken \"%s\" is not 16 hexadecimal digits",
            id->public_key_token);

    if (id->arch && id->arch_id == MUM_ARCH_UNKNOWN)
        ADD(MUM_R_IDENTITY_UNKNOWN_ARCH, loc,
            "processorArchitecture \"%s\" is not one of x86, amd64, ia64, wow64, arm, arm64, "
            "msil, neutral, *",
            id->arch);

    if (id->language && !culture_ok(id->language))
        ADD(MUM_R_IDENTITY_BAD_CULTURE, loc, "language \"%s\" is not a culture name", id->language);

    if (id->version_scope && mum__ascii_strcasecmp(id->version_scope, "nonSxS") != 0 &&
        mum__ascii_strcasecmp(id->version_scope, "sxs") != 0)
        ADD(MUM_R_IDENTITY_UNKNOWN_VERSION_SCOPE, loc,
            "versionScope \"%s\" is neither \"nonSxS\" nor \"sxs\"", id->version_scope);

    if (id->build_type && mum__ascii_strcasecmp(id->build_type, "release") != 0 &&
        mum__ascii_strcasecmp(id->build_type, "debug") != 0 && strcmp(id->build_type, "*") != 0)
        ADD(MUM_R_IDENTITY_UNKNOWN_BUILD_TYPE, loc,
            "buildType \"%s\" is neither \"release\" nor \"debug\"", id->build_type);
#undef ADD
    return MUM_OK;
}

/* ---- comparison ---- */

static int cmp_culture(const char *a, const char *b)
{
    bool na = mum_culture_is_neutral(a), nb = mum_culture_is_neutral(b);
    if (na || nb)
        return nb - na; /* neutral sorts first */
    return mum_strcasecmp_utf8(a, b);
}

static int cmp_version(const mum_identity *a, const mum_identity *b)
{
    if (a->ver_ok && b->ver_ok)
        return mum_version_compare(&a->ver, &b->ver);
    if (a->ver_ok != b->ver_ok)
        return a->ver_ok ? 1 : -1;
    return mum_strcasecmp_utf8(a->version, b->version);
}

int mum_identity_compare(const mum_identity *a, const mum_identity *b, unsigned flags)
{
    int c;
    if ((c = mum_strcasecmp_utf8(a->name, b->name)) != 0)
        return c;
    if ((c = cmp_culture(a->language, b->language)) != 0)
        return c;
    if ((c = mum_strcasecmp_utf8(a->type, b->type)) != 0)
        return c;
    if (!(flags & MUM_IDCMP_IGNORE_VERSION) && (c = cmp_version(a, b)) != 0)
        return c;
    if ((c = mum_strcasecmp_utf8(a->public_key_token, b->public_key_token)) != 0)
        return c;
    if (!(flags & MUM_IDCMP_IGNORE_ARCH) && (c = mum_strcasecmp_utf8(a->arch, b->arch)) != 0)
        return c;
    if ((c = mum_strcasecmp_utf8(a->version_scope, b->version_scope)) != 0)
        return c;
    if ((flags & MUM_IDCMP_BUILD_TYPE) && (c = mum_strcasecmp_utf8(a->build_type, b->build_type)) != 0)
        return c;
    return 0;
}
