#!/bin/sh
# Every message digest goes through src/lib/digest.c (TAP): no other file of
# src/ calls libcrypto's EVP digest interface (EVP_Digest*, EVP_MD_CTX, the
# EVP_sha1/sha256/md5/... constructors, the low-level SHA1()/SHA256()/MD5()),
# except the signature check of signeddata.c, where OpenSSL hashes and
# verifies in one EVP_DigestVerify; and the command line reaches digests
# only through the library's API (mum_hasher, the walk's digests...).
set -u
SRCDIR=${MUM_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
work=$(mktemp -d "${TMPDIR:-/tmp}/mum-digest.XXXXXX") || exit 99
trap 'rm -rf "$work"' EXIT INT TERM

EVP='EVP_Digest|EVP_MD_CTX|EVP_(md5|sha1|sha224|sha256|sha384|sha512)[[:space:]]*\(|EVP_MD_fetch|EVP_Q_digest|(^|[^_[:alnum:]])(SHA1|SHA224|SHA256|SHA384|SHA512|MD5)(_Init|_Update|_Final)?[[:space:]]*\('

# The digest calls of the C files under $1 outside the digest module, as
# file:line: text (comment lines left out); the signature check's allowed.
stray() {
    find "$1" -name '*.[ch]' | sort | while read -r f; do
        case ${f##*/} in digest.c | digest.h) continue ;; esac
        grep -nE "$EVP" "$f" | grep -vE '^[0-9]+:[[:space:]]*(/?\*|//)' | sed "s|^|$f:|"
    done | grep -vE '/signeddata\.c:[0-9]+:.*(EVP_DigestVerify|EVP_MD_CTX)'
}

echo "1..4"
stray "$SRCDIR/src" > "$work/stray"
if [ -d "$SRCDIR/src/lib" ] && [ ! -s "$work/stray" ]; then
    echo "ok 1 - no EVP digest call in src/ outside src/lib/digest.c (and the signature check)"
else
    echo "not ok 1 - no EVP digest call in src/ outside src/lib/digest.c (and the signature check)"
    sed 's/^/# /' "$work/stray"
fi

grep -nE '#[[:space:]]*include[[:space:]]*<openssl/' "$SRCDIR"/src/cli/*.c "$SRCDIR"/src/cli/*.h > "$work/cli"
if [ ! -s "$work/cli" ]; then
    echo "ok 2 - the command line includes no OpenSSL header (its digests are the library's)"
else
    echo "not ok 2 - the command line includes no OpenSSL header (its digests are the library's)"
    sed 's/^/# /' "$work/cli"
fi

# the check finds what it must: a planted call in any file but the module,
# the signature check's EVP_MD_CTX in another file
mkdir -p "$work/src/lib"
printf 'int a(void)\n{\n    return EVP_Digest(p, n, d, NULL, md, NULL);\n}\n' > "$work/src/lib/pe.c"
printf 'static void b(void)\n{\n    SHA256(p, n, d);\n    EVP_MD_CTX *m = EVP_MD_CTX_new();\n}\n' > "$work/src/lib/sign.c"
printf 'int c(void)\n{\n    return EVP_DigestUpdate(m, p, n);\n}\n' > "$work/src/lib/digest.c"
stray "$work/src" > "$work/planted"
if [ "$(wc -l < "$work/planted")" -eq 3 ] && grep -q 'pe\.c:3:' "$work/planted" &&
    ! grep -q '/src/lib/digest\.c:' "$work/planted"; then
    echo "ok 3 - the check finds planted digest calls and spares the module"
else
    echo "not ok 3 - the check finds planted digest calls and spares the module"
    sed 's/^/# /' "$work/planted"
fi

# the module exists and does compute with EVP (the check is not vacuous)
if grep -qE 'EVP_DigestUpdate' "$SRCDIR/src/lib/digest.c" 2>/dev/null; then
    echo "ok 4 - src/lib/digest.c holds the EVP digest calls"
else
    echo "not ok 4 - src/lib/digest.c holds the EVP digest calls"
fi
exit 0
