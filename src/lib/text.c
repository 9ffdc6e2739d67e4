/*
 * text.c - UTF-8 decoding, the simple case mapping identities use, and a
 * growable string buffer.
 */
#include "config.h"

#include "internal.h"

#include <stdio.h>
#include <string.h>

int32_t mum__utf8_next(const char *str, size_t n, size_t *i)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t p = *i;
    if (p >= n)
        return -1;
    unsigned char c = s[p];
    if (c < 0x80) {
        *i = p + 1;
        return c;
    }
    int len;
    uint32_t cp, min;
    if ((c & 0xE0) == 0xC0) {
        len = 2;
        cp = c & 0x1F;
        min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
        len = 3;
        cp = c & 0x0F;
        min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
        len = 4;
        cp = c & 0x07;
        min = 0x10000;
    } else {
        return -1;
    }
    if (n - p < (size_t)len)
        return -1;
    for (int k = 1; k < len; k++) {
        if ((s[p + k] & 0xC0) != 0x80)
            return -1;
        cp = (cp << 6) | (s[p + k] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return -1;
    *i = p + (size_t)len;
    return (int32_t)cp;
}

bool mum__utf8_valid(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n)
        if (mum__utf8_next(s, n, &i) < 0)
            return false;
    return true;
}

int mum__ascii_strcasecmp(const char *a, const char *b)
{
    const unsigned char *x = (const unsigned char *)a, *y = (const unsigned char *)b;
    for (;; x++, y++) {
        int cx = mum__ascii_tolower(*x), cy = mum__ascii_tolower(*y);
        if (cx != cy || cx == 0)
            return cx - cy;
    }
}

int mum__ascii_strncasecmp(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int ca = mum__ascii_tolower((unsigned char)a[i]), cb = mum__ascii_tolower((unsigned char)b[i]);
        if (ca != cb || ca == 0)
            return ca - cb;
    }
    return 0;
}

bool mum__ascii_ends_with_ci(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && mum__ascii_strcasecmp(s + n - m, suffix) == 0;
}

uint32_t mum__ucs_tolower(uint32_t c)
{
    if (c < 0x80)
        return (uint32_t)mum__ascii_tolower((int)c);
    if (c >= 0xC0 && c <= 0xDE && c != 0xD7)           /* Latin-1 */
        return c + 0x20;
    if (c >= 0x100 && c <= 0x17F) {                     /* Latin Extended-A */
        if ((c <= 0x137) || (c >= 0x14A && c <= 0x177))
            return (c % 2 == 0) ? c + 1 : c;
        if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E))
            return (c % 2 == 1) ? c + 1 : c;
        if (c == 0x178)
            return 0xFF;
        return c;
    }
    if (c >= 0x391 && c <= 0x3A9 && c != 0x3A2)         /* Greek */
        return c + 0x20;
    if (c == 0x386)
        return 0x3AC;
    if (c >= 0x388 && c <= 0x38A)
        return c + 0x25;
    if (c == 0x38C)
        return 0x3CC;
    if (c == 0x38E || c == 0x38F)
        return c + 0x3F;
    if (c >= 0x410 && c <= 0x42F)                       /* Cyrillic */
        return c + 0x20;
    if (c >= 0x400 && c <= 0x40F)
        return c + 0x50;
    return c;
}

size_t mum__utf8_encode(uint32_t cp, char out[4])
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Any case mapping, through a growing buffer. */
static char *utf8_lower_any(const char *s, bool *invalid)
{
    size_t n = strlen(s), i = 0;
    mum_sbuf b = {0};
    *invalid = false;
    while (i < n) {
        int32_t cp = mum__utf8_next(s, n, &i);
        if (cp < 0) {
            *invalid = true;
            mum__sbuf_free(&b);
            return NULL;
        }
        char enc[4];
        size_t k = mum__utf8_encode(mum__ucs_tolower((uint32_t)cp), enc);
        mum__sbuf_append(&b, enc, k);
    }
    if (!b.data)
        mum__sbuf_append(&b, "", 0);
    return mum__sbuf_take(&b);
}

/*
 * Identity keys, names and paths are lowered for every comparison, nearly
 * all of them ASCII: one allocation of the input's size, written in place.
 * mum__ucs_tolower maps every code point to one of the same UTF-8 length,
 * so the output never outgrows the input; should a mapping ever be longer,
 * the general path takes over.
 */
char *mum__utf8_lower(const char *s, bool *invalid)
{
    size_t n = strlen(s), i = 0, o = 0;
    *invalid = false;
    char *out = mum__malloc(n + 1);
    if (!out)
        return NULL;
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80) {
            out[o++] = (char)mum__ascii_tolower(c);
            i++;
            continue;
        }
        int32_t cp = mum__utf8_next(s, n, &i);
        if (cp < 0) {
            *invalid = true;
            mum__free(out);
            return NULL;
        }
        char enc[4];
        size_t k = mum__utf8_encode(mum__ucs_tolower((uint32_t)cp), enc);
        if (o + k > i) {
            mum__free(out);
            return utf8_lower_any(s, invalid);
        }
        memcpy(out + o, enc, k);
        o += k;
    }
    out[o] = '\0';
    return out;
}

/* Eight bytes lowered at once: 'A'..'Z' get 0x20, every other byte (those
 * from 0x80 too) stays.  Per byte, without carries between bytes: h + 0x3F
 * has its top bit when h >= 'A', h + 0x25 when h > 'Z'.  Keys are joined
 * and lowered for every identity and path resolution indexes. */
static uint64_t lower8(uint64_t w)
{
    const uint64_t ones = UINT64_C(0x0101010101010101);
    uint64_t h = w & (0x7F * ones);
    uint64_t ge_a = h + (0x80 - 'A') * ones, gt_z = h + (0x7F - 'Z') * ones;
    uint64_t upper = ge_a & ~gt_z & ~w & (0x80 * ones);
    return w | (upper >> 2);
}

char *mum__lower_concat(size_t n, const char *const *part, const size_t *len)
{
    size_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += len[i];
    char *out = mum__malloc(total + 1);
    if (!out)
        return NULL;
    size_t o = 0;
    uint64_t high = 0; /* any byte's top bit: not ASCII */
    for (size_t i = 0; i < n; i++) {
        size_t k = 0;
        for (; k + 8 <= len[i]; k += 8, o += 8) {
            uint64_t w;
            memcpy(&w, part[i] + k, 8);
            high |= w;
            w = lower8(w);
            memcpy(out + o, &w, 8);
        }
        for (; k < len[i]; k++) {
            unsigned char c = (unsigned char)part[i][k];
            high |= c;
            out[o++] = (char)mum__ascii_tolower(c);
        }
    }
    out[o] = '\0';
    if (!(high & UINT64_C(0x8080808080808080)))
        return out;
    /* other code points: the whole again from the original bytes */
    o = 0;
    for (size_t i = 0; i < n; i++) {
        if (len[i]) /* an empty part may be NULL */
            memcpy(out + o, part[i], len[i]);
        o += len[i];
    }
    bool bad;
    char *low = mum__utf8_lower(out, &bad);
    if (!low && bad) /* not UTF-8: the bytes as they are */
        return out;
    mum__free(out);
    return low;
}

/* ---- keys read in place (mum_lower_key) ---- */

#define KEY_SEED UINT64_C(1469598103934665603)

/* A place in a key's bytes, across its parts. */
typedef struct key_cursor {
    const mum_lower_key *k;
    size_t part, off;
} key_cursor;

/* The next byte of the joined parts, -1 at the end. */
static int cursor_byte(key_cursor *c)
{
    while (c->part < c->k->n && c->off >= c->k->len[c->part]) {
        c->part++;
        c->off = 0;
    }
    if (c->part >= c->k->n)
        return -1;
    return (unsigned char)c->k->part[c->part][c->off++];
}

/* The next code point of the joined parts, -1 at the end, -2 where they are
 * not UTF-8: a sequence may straddle two parts, so its bytes are gathered
 * first and decoded by mum__utf8_next, as the joined text would be. */
static int32_t cursor_cp(key_cursor *c)
{
    int b = cursor_byte(c);
    if (b < 0x80)
        return b;
    char seq[4] = {(char)b};
    size_t have = 1;
    key_cursor ahead = *c;
    for (int x; have < sizeof seq && (x = cursor_byte(&ahead)) >= 0;)
        seq[have++] = (char)x;
    size_t used = 0;
    int32_t cp = mum__utf8_next(seq, have, &used);
    if (cp < 0)
        return -2;
    while (--used)
        cursor_byte(c);
    return cp;
}

/* Whether mum__lower_concat lowers the key (it is UTF-8) or leaves its
 * bytes as they are. */
static bool key_is_utf8(const mum_lower_key *k)
{
    key_cursor c = {k, 0, 0};
    int32_t cp;
    while ((cp = cursor_cp(&c)) >= 0)
        ;
    return cp == -1;
}

/* The bytes of a key that is not all ASCII, as mum__lower_concat gives them. */
typedef struct key_reader {
    key_cursor c;
    bool lower, path;
    char pending[4];
    size_t npending, next;
} key_reader;

static void reader_init(key_reader *r, const mum_lower_key *k, bool path)
{
    memset(r, 0, sizeof *r);
    r->c.k = k;
    r->lower = key_is_utf8(k);
    r->path = path;
}

static int reader_byte(key_reader *r)
{
    int b;
    if (r->next < r->npending) {
        b = (unsigned char)r->pending[r->next++];
    } else if (!r->lower) {
        b = cursor_byte(&r->c);
    } else {
        int32_t cp = cursor_cp(&r->c); /* never -2: key_is_utf8 said so */
        if (cp < 0x80) {
            b = cp < 0 ? -1 : mum__ascii_tolower(cp);
        } else {
            r->npending = mum__utf8_encode(mum__ucs_tolower((uint32_t)cp), r->pending);
            r->next = 1;
            b = (unsigned char)r->pending[0];
        }
    }
    return b == '\\' && r->path ? '/' : b;
}

/* An ASCII byte as a key has it: lowered, and '\\' as '/' in a path. */
static int ascii_key_byte(int c, bool path)
{
    c = mum__ascii_tolower(c);
    return c == '\\' && path ? '/' : c;
}

#define ONES UINT64_C(0x0101010101010101)

/* Eight ASCII bytes as a key has them (ascii_key_byte, without carries
 * between bytes: a byte of x is zero where the byte was '\\'). */
static uint64_t ascii_key_word(uint64_t w, bool path)
{
    w = lower8(w);
    if (path) {
        uint64_t x = w ^ ('\\' * ONES);
        uint64_t nonzero = ((x & (0x7F * ONES)) + 0x7F * ONES) | x;
        uint64_t slash = (~nonzero & (0x80 * ONES)) >> 7;
        w ^= slash * ('\\' ^ '/');
    }
    return w;
}

/*
 * The hash of a key's bytes taken eight at a time (byte i of a word in its
 * bits 8i), whatever parts they come from: keys that are the same bytes cut
 * into other parts hash alike (a path sought has other parts than the
 * path it finds).
 */
typedef struct key_hasher {
    uint64_t h, acc; /* acc: `fill` bytes not yet hashed */
    unsigned fill;
    size_t total;
} key_hasher;

static void hasher_mix(key_hasher *s, uint64_t w)
{
    s->h = (s->h ^ w) * UINT64_C(0x9e3779b97f4a7c15);
    s->h ^= s->h >> 29;
}

static void hasher_put8(key_hasher *s, uint64_t w)
{
    if (s->fill) {
        hasher_mix(s, s->acc | w << (8 * s->fill));
        s->acc = w >> (64 - 8 * s->fill);
    } else {
        hasher_mix(s, w);
    }
    s->total += 8;
}

static void hasher_put1(key_hasher *s, unsigned c)
{
    s->acc |= (uint64_t)c << (8 * s->fill);
    s->total++;
    if (++s->fill == 8) {
        hasher_mix(s, s->acc);
        s->acc = 0;
        s->fill = 0;
    }
}

static uint64_t hasher_end(key_hasher *s)
{
    if (s->fill)
        hasher_mix(s, s->acc);
    uint64_t h = s->h ^ s->total; /* murmur3's 64-bit finalizer */
    h ^= h >> 33;
    h *= UINT64_C(0xff51afd7ed558ccd);
    h ^= h >> 33;
    h *= UINT64_C(0xc4ceb9fe1a85ec53);
    h ^= h >> 33;
    return h;
}

uint64_t mum__lower_key_hash(const mum_lower_key *k)
{
    key_hasher s = {KEY_SEED, 0, 0, 0};
    uint64_t high = 0;
    for (size_t i = 0; i < k->n; i++) {
        const unsigned char *p = (const unsigned char *)k->part[i];
        size_t j = 0;
        for (; j + 8 <= k->len[i]; j += 8) {
            uint64_t w = mum__le64(p + j);
            high |= w;
            hasher_put8(&s, ascii_key_word(w, k->path));
        }
        for (; j < k->len[i]; j++) {
            high |= p[j];
            hasher_put1(&s, (unsigned)ascii_key_byte(p[j], k->path));
        }
    }
    if (!(high & (0x80 * ONES)))
        return hasher_end(&s);
    /* other code points, or not UTF-8: byte by byte as lowered */
    key_reader r;
    reader_init(&r, k, k->path);
    s = (key_hasher){KEY_SEED, 0, 0, 0};
    for (int b; (b = reader_byte(&r)) >= 0;)
        hasher_put1(&s, (unsigned)b);
    return hasher_end(&s);
}

/* The bytes of a key left in its current part. */
typedef struct key_span {
    const mum_lower_key *k;
    size_t part;
    const unsigned char *p;
    size_t left;
} key_span;

/* Whether the key has bytes left (the span then holds some). */
static bool span_more(key_span *s)
{
    while (!s->left) {
        if (s->part >= s->k->n)
            return false;
        s->p = (const unsigned char *)s->k->part[s->part];
        s->left = s->k->len[s->part++];
    }
    return true;
}

/* 1: the ASCII keys are equal, 0: they differ, -1: some byte is not ASCII
 * (ASCII bytes that differ lowered differ in every reading: a key that is
 * not UTF-8 is not lowered, and never equals one that is). */
static int ascii_keys_equal(const mum_lower_key *a, const mum_lower_key *b)
{
    bool path = a->path;
    key_span x = {a, 0, NULL, 0}, y = {b, 0, NULL, 0};
    for (;;) {
        bool xm = span_more(&x), ym = span_more(&y);
        if (!xm || !ym)
            return xm == ym;
        size_t n = x.left < y.left ? x.left : y.left, j = 0;
        for (; j + 8 <= n; j += 8) {
            uint64_t u = mum__le64(x.p + j), v = mum__le64(y.p + j);
            if ((u | v) & (0x80 * ONES))
                return -1;
            if (u != v && ascii_key_word(u, path) != ascii_key_word(v, path))
                return 0;
        }
        for (; j < n; j++) {
            if ((x.p[j] | y.p[j]) & 0x80)
                return -1;
            if (ascii_key_byte(x.p[j], path) != ascii_key_byte(y.p[j], path))
                return 0;
        }
        x.p += n, x.left -= n;
        y.p += n, y.left -= n;
    }
}

bool mum__lower_key_equal(const mum_lower_key *a, const mum_lower_key *b)
{
    int ascii = ascii_keys_equal(a, b);
    if (ascii >= 0)
        return ascii;
    key_reader ra, rb;
    reader_init(&ra, a, a->path);
    reader_init(&rb, b, a->path);
    if (ra.lower != rb.lower)
        return false;
    for (;;) {
        int p = reader_byte(&ra), q = reader_byte(&rb);
        if (p != q)
            return false;
        if (p < 0)
            return true;
    }
}

/* The next folded code point; an invalid byte folds to itself, marked, so
 * any input still gets a total order. */
static uint32_t fold_next(const char *s, size_t n, size_t *i)
{
    size_t start = *i;
    int32_t cp = mum__utf8_next(s, n, i);
    if (cp < 0) {
        *i = start + 1;
        return 0x80000000u | (unsigned char)s[start];
    }
    return mum__ucs_tolower((uint32_t)cp);
}

int mum_strcasecmp_utf8(const char *a, const char *b)
{
    if (!a || !b)
        return (a != NULL) - (b != NULL);
    size_t na = strlen(a), nb = strlen(b), i = 0, j = 0;
    while (i < na && j < nb) {
        uint32_t la = fold_next(a, na, &i);
        uint32_t lb = fold_next(b, nb, &j);
        if (la != lb)
            return la < lb ? -1 : 1;
    }
    return (i < na) - (j < nb);
}

/* '\\' and '/' are one separator in a Windows path. */
static uint32_t path_fold(uint32_t c)
{
    return c == '\\' ? '/' : c;
}

bool mum__path_equal(const char *a, const char *b)
{
    if (!a || !b)
        return a == b;
    /* ASCII, what names almost always are, without decoding UTF-8 */
    size_t k = 0;
    for (;; k++) {
        unsigned char x = (unsigned char)a[k], y = (unsigned char)b[k];
        if (x >= 0x80 || y >= 0x80)
            break;
        if (path_fold((uint32_t)mum__ascii_tolower(x)) != path_fold((uint32_t)mum__ascii_tolower(y)))
            return false;
        if (x == 0)
            return true;
    }
    a += k;
    b += k;
    size_t na = strlen(a), nb = strlen(b), i = 0, j = 0;
    while (i < na && j < nb)
        if (path_fold(fold_next(a, na, &i)) != path_fold(fold_next(b, nb, &j)))
            return false;
    return i == na && j == nb;
}

bool mum__is_hex_digit(int c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

int mum__hex_value(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* ---- string buffer ---- */

void mum__sbuf_append(mum_sbuf *b, const char *s, size_t n)
{
    if (b->failed)
        return;
    if (b->len + n + 1 < b->len ||
        !mum__grow((void **)&b->data, &b->cap, b->len + n + 1, 1)) {
        b->failed = true;
        return;
    }
    if (n)
        memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void mum__sbuf_puts(mum_sbuf *b, const char *s)
{
    mum__sbuf_append(b, s, strlen(s));
}

void mum__sbuf_putc(mum_sbuf *b, char c)
{
    mum__sbuf_append(b, &c, 1);
}

void mum__sbuf_printf(mum_sbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = mum__vasprintf(fmt, ap);
    va_end(ap);
    if (!s) {
        b->failed = true;
        return;
    }
    mum__sbuf_puts(b, s);
    mum__free(s);
}

char *mum__sbuf_take(mum_sbuf *b)
{
    char *s = b->failed ? NULL : b->data;
    if (b->failed)
        mum__free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
    b->failed = false;
    return s;
}

void mum__sbuf_free(mum_sbuf *b)
{
    mum__free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
    b->failed = false;
}

/* ---- hex and base64 ---- */

void mum_hex_encode(char *out, const uint8_t *data, size_t size)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < size; i++) {
        out[2 * i] = digits[data[i] >> 4];
        out[2 * i + 1] = digits[data[i] & 15];
    }
    out[2 * size] = '\0';
}

int mum_hex_decode(uint8_t *out, size_t cap, size_t *out_len, const char *text, size_t len)
{
    if (len % 2)
        return MUM_EFORMAT;
    if (len / 2 > cap)
        return MUM_ELIMIT;
    for (size_t i = 0; i < len; i += 2) {
        int hi = mum__hex_value((unsigned char)text[i]), lo = mum__hex_value((unsigned char)text[i + 1]);
        if (hi < 0 || lo < 0)
            return MUM_EFORMAT;
        out[i / 2] = (uint8_t)(hi << 4 | lo);
    }
    if (out_len)
        *out_len = len / 2;
    return MUM_OK;
}

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

size_t mum_base64_encode(char *out, const uint8_t *data, size_t size)
{
    size_t o = 0;
    for (size_t i = 0; i < size; i += 3) {
        uint32_t v = (uint32_t)data[i] << 16;
        if (i + 1 < size)
            v |= (uint32_t)data[i + 1] << 8;
        if (i + 2 < size)
            v |= data[i + 2];
        out[o++] = b64[(v >> 18) & 63];
        out[o++] = b64[(v >> 12) & 63];
        out[o++] = i + 1 < size ? b64[(v >> 6) & 63] : '=';
        out[o++] = i + 2 < size ? b64[v & 63] : '=';
    }
    out[o] = '\0';
    return o;
}

static int b64_value(int c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

int mum_base64_decode(uint8_t *out, size_t cap, size_t *out_len, const char *text, size_t len)
{
    uint32_t quad[4];
    size_t q = 0, n = 0, pad = 0;
    for (size_t i = 0; i < len; i++) {
        int c = (unsigned char)text[i];
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
            continue;
        if (pad && c != '=')
            return MUM_EFORMAT; /* data after padding */
        int v;
        if (c == '=') {
            if (q < 2)
                return MUM_EFORMAT;
            pad++;
            v = 0;
        } else if ((v = b64_value(c)) < 0) {
            return MUM_EFORMAT;
        }
        quad[q++] = (uint32_t)v;
        if (q == 4) {
            uint32_t w = quad[0] << 18 | quad[1] << 12 | quad[2] << 6 | quad[3];
            size_t bytes = 3 - pad;
            if (pad > 2 || n + bytes > cap)
                return pad > 2 ? MUM_EFORMAT : MUM_ELIMIT;
            /* the bits under the padding must be zero (canonical form) */
            if ((pad == 1 && (w & 0xFF)) || (pad == 2 && (w & 0xFFFF)))
                return MUM_EFORMAT;
            out[n++] = (uint8_t)(w >> 16);
            if (bytes > 1)
                out[n++] = (uint8_t)(w >> 8);
            if (bytes > 2)
                out[n++] = (uint8_t)w;
            q = 0;
            if (pad)
                pad = 3; /* nothing but white space may follow a padded quad */
        }
    }
    if (q != 0)
        return MUM_EFORMAT;
    if (out_len)
        *out_len = n;
    return MUM_OK;
}
