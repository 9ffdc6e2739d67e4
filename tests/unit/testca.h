/*
 * testca.h - the throwaway certificates and keys of the signature tests,
 * made at test time by tests/tools/make-test-ca.sh (once per build tree:
 * $MUM_BUILDDIR/tests/testca-2.d), and small file helpers.
 */
#ifndef MUM_TESTCA_H
#define MUM_TESTCA_H

#include "testutil.h"

#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

/* The folder holding root.pem, signer.pem/.key, ... (see make-test-ca.sh). */
static inline const char *tu_testca(void)
{
    static char dir[2048];
    if (*dir)
        return dir;
    const char *build = getenv("MUM_BUILDDIR");
    const char *src = getenv("MUM_SRCDIR");
    /* the name changes when make-test-ca.sh makes different certificates */
    snprintf(dir, sizeof dir, "%s/tests/testca-2.d", build ? build : ".");
    char probe[2100];
    snprintf(probe, sizeof probe, "%s/other-tsa.pem", dir);
    if (access(probe, R_OK) == 0)
        return dir;
    /* Made in a private folder and renamed, so parallel tests agree. */
    char tmp[2100], cmd[4400];
    snprintf(tmp, sizeof tmp, "%s.%ld", dir, (long)getpid());
    snprintf(cmd, sizeof cmd, "mkdir -p \"$(dirname '%s')\" && sh '%s/tests/tools/make-test-ca.sh' '%s'",
             dir, src ? src : "..", tmp);
    cr_assert_eq(system(cmd), 0, "making the test certificates failed: %s", cmd);
    if (rename(tmp, dir) != 0) {
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
        cr_assert_eq(system(cmd), 0);
    }
    return dir;
}

/* dir/name in a static buffer (one of four, round robin). */
static inline const char *tu_ca_file(const char *name)
{
    static char bufs[4][2200];
    static int next;
    char *b = bufs[next++ % 4];
    snprintf(b, sizeof bufs[0], "%s/%s", tu_testca(), name);
    return b;
}

/* A whole file, malloc'd; NULL if it cannot be read. */
static inline uint8_t *tu_slurp(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *p = malloc(n > 0 ? (size_t)n : 1);
    size_t got = p ? fread(p, 1, (size_t)n, f) : 0;
    fclose(f);
    if (!p || got != (size_t)n) {
        free(p);
        return NULL;
    }
    *size = (size_t)n;
    return p;
}

static inline void tu_spit(const char *path, const void *data, size_t size)
{
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f, "cannot write %s", path);
    cr_assert_eq(fwrite(data, 1, size, f), size);
    cr_assert_eq(fclose(f), 0);
}

/* The DER of the first certificate of a PEM file (malloc'd). */
static inline uint8_t *tu_pem_der(const char *path, size_t *len)
{
    size_t n;
    uint8_t *pem = tu_slurp(path, &n);
    cr_assert_not_null(pem, "cannot read %s", path);
    const char *begin = strstr((char *)pem, "-----BEGIN CERTIFICATE-----");
    cr_assert_not_null(begin);
    begin += strlen("-----BEGIN CERTIFICATE-----");
    const char *end = strstr(begin, "-----END");
    uint8_t *der = malloc(n);
    cr_assert_eq(mum_base64_decode(der, n, len, begin, (size_t)(end - begin)), MUM_OK);
    free(pem);
    return der;
}

/* The serial number byte of a test certificate (make-test-ca.sh numbers
 * them from 2, below 128): the INTEGER after the version in its DER. */
static inline uint8_t tu_cert_serial(const char *pem)
{
    size_t len;
    uint8_t *der = tu_pem_der(pem, &len);
    static const uint8_t version[] = {0xa0, 0x03, 0x02, 0x01, 0x02, 0x02, 0x01};
    for (size_t i = 0; i + sizeof version < len; i++) {
        if (memcmp(der + i, version, sizeof version) == 0) {
            uint8_t serial = der[i + sizeof version];
            free(der);
            return serial;
        }
    }
    cr_assert_fail("no one-byte serial in %s", pem);
    return 0;
}

/* A scratch folder for one test (removed by the caller with tu_rmrf). */
static inline const char *tu_scratch(char buf[256])
{
    snprintf(buf, 256, "%s/mum-test.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    cr_assert_not_null(mkdtemp(buf));
    return buf;
}

static inline void tu_rmrf(const char *dir)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
}

#endif
