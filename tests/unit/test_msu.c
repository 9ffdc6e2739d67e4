/*
 * test_msu.c - an .msu's -pkgProperties.txt (every encoding, every defined
 * error with its line) and its unattend .xml.
 */
#include "testutil.h"

static const mum_location where = {.input = "x.msu", .entry = "x-pkgProperties.txt"};

static mum_msu_properties parse_ok(const void *data, size_t size)
{
    mum_msu_properties p;
    mum_ctx *ctx;
    mum_ctx_new(&ctx);
    int rc = mum_msu_properties_parse(&p, ctx, &where, data, size);
    cr_assert_eq(rc, MUM_OK, "%s", mum_ctx_message(ctx));
    mum_ctx_free(ctx);
    return p;
}

Test(msu_properties, key_value_lines_in_ascii)
{
    const char text[] = "ApplicabilityInfo=\"Windows 7.0 Client;\"\r\n"
                        "\r\n"
                        "  KB Article Number = \"2465285\"  \r\n"
                        "Bare=value with spaces\n"
                        "Empty=\"\"\n"
                        "Eq=\"a=b\"";
    mum_msu_properties p = parse_ok(text, sizeof text - 1);
    cr_assert_eq(p.count, 5);
    cr_assert_str_eq(p.items[0].key, "ApplicabilityInfo");
    cr_assert_str_eq(p.items[0].value, "Windows 7.0 Client;");
    cr_assert_str_eq(p.items[1].key, "KB Article Number");
    cr_assert_str_eq(p.items[1].value, "2465285");
    cr_assert_eq(p.items[1].line, 3);
    cr_assert_str_eq(p.items[2].value, "value with spaces");
    cr_assert_str_eq(p.items[3].value, "");
    cr_assert_str_eq(p.items[4].value, "a=b");
    cr_assert_str_eq(mum_msu_properties_get(&p, "kb article number"), "2465285");
    cr_assert_null(mum_msu_properties_get(&p, "Missing"));
    mum_msu_properties_clear(&p);
    mum_msu_properties_clear(&p); /* cleared twice is fine */
}

/* "K=\"\u00e9\u20ac\U0001F600\"\r\n" in UTF-16, little or big endian, with a BOM. */
static size_t utf16(unsigned char *out, bool big)
{
    const uint16_t units[] = {0xfeff, 'K', '=', '"', 0x00e9, 0x20ac, 0xd83d, 0xde00, '"', '\r', '\n'};
    for (size_t i = 0; i < MUM_ARRAY_LEN(units); i++) {
        out[2 * i + (big ? 1 : 0)] = (unsigned char)(units[i] & 0xff);
        out[2 * i + (big ? 0 : 1)] = (unsigned char)(units[i] >> 8);
    }
    return 2 * MUM_ARRAY_LEN(units);
}

Test(msu_properties, utf16_with_a_byte_order_mark_either_way)
{
    for (int big = 0; big < 2; big++) {
        unsigned char buf[64];
        size_t n = utf16(buf, big);
        mum_msu_properties p = parse_ok(buf, n);
        cr_assert_eq(p.count, 1);
        cr_assert_str_eq(p.items[0].value, "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", "big endian: %d", big);
        mum_msu_properties_clear(&p);
    }
    const char bom8[] = "\xef\xbb\xbfK=\"v\"\n";
    mum_msu_properties p = parse_ok(bom8, sizeof bom8 - 1);
    cr_assert_str_eq(p.items[0].key, "K");
    mum_msu_properties_clear(&p);
}

static void parse_fails(const void *data, size_t size, int status, uint32_t line, const char *text)
{
    mum_msu_properties p;
    mum_ctx *ctx;
    mum_ctx_new(&ctx);
    cr_assert_eq(mum_msu_properties_parse(&p, ctx, &where, data, size), status, "%s", mum_ctx_message(ctx));
    cr_assert_eq(p.count, 0);
    cr_assert_null(p.items);
    cr_assert_eq(mum_ctx_location(ctx)->line, line, "%s", mum_ctx_message(ctx));
    cr_assert_str_eq(mum_ctx_location(ctx)->entry, "x-pkgProperties.txt");
    cr_assert(strstr(mum_ctx_reason(ctx), text), "'%s' not in '%s'", text, mum_ctx_reason(ctx));
    mum_ctx_free(ctx);
}

Test(msu_properties, defined_errors_with_their_line)
{
#define PF(lit, ...) parse_fails(lit, sizeof(lit) - 1, __VA_ARGS__)
    PF("A=\"1\"\nno equals sign\n", MUM_EFORMAT, 2, "no '='");
    PF("A=1\n=\"2\"\n", MUM_EFORMAT, 2, "empty key");
    PF("A=1\r\nB=\"open\r\n", MUM_EFORMAT, 2, "unterminated quote");
    PF("A=1\nB=\xff\n", MUM_EFORMAT, 2, "invalid UTF-8");
    PF("A=1\nB=\0\n", MUM_EFORMAT, 2, "NUL");
    PF("\xff\xfe" "A\0=", MUM_EFORMAT, 0, "odd number of bytes");
    PF("\xff\xfe" "A\0\n\0B\0=\0\x00\xdc", MUM_EFORMAT, 2, "lone UTF-16 surrogate");
    PF("\xff\xfe" "A\0=\0\x3d\xd8", MUM_EFORMAT, 1, "lone UTF-16 surrogate");
#undef PF
    static char big[MUM_MSU_PROPERTIES_MAX_SIZE + 1];
    memset(big, 'A', sizeof big);
    parse_fails(big, sizeof big, MUM_ELIMIT, 0, "above");
}

static int props_sweep(void)
{
    unsigned char buf[64];
    size_t n = utf16(buf, false);
    mum_msu_properties p;
    int rc = mum_msu_properties_parse(&p, NULL, &where, buf, n);
    if (rc == MUM_OK) {
        const char more[] = "A=1\nB=2\nC=3\n";
        mum_msu_properties_clear(&p);
        rc = mum_msu_properties_parse(&p, NULL, &where, more, sizeof more - 1);
        mum_msu_properties_clear(&p);
    }
    return rc;
}

Test(msu_properties, out_of_memory_is_reported)
{
    TU_ALLOC_SWEEP(props_sweep(), (void)0);
}

static const char unattend[] =
    "<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n"
    "<unattend xmlns=\"urn:schemas-microsoft-com:unattend\">\r\n"
    "  <servicing>\r\n"
    "    <package action=\"install\">\r\n"
    "      <assemblyIdentity name=\"Package_for_KB2465285\" version=\"6.1.1.0\" language=\"neutral\""
    " processorArchitecture=\"amd64\" publicKeyToken=\"31bf3856ad364e35\" unknown=\"ignored\"/>\r\n"
    "      <source location=\"%configsetroot%\\Windows6.1-KB2465285-x64.CAB\" />\r\n"
    "    </package>\r\n"
    "    <package action=\"remove\"><assemblyIdentity name=\"Second\"/></package>\r\n"
    "  </servicing>\r\n"
    "</unattend>\r\n";

Test(msu_unattend, packages_identity_and_source)
{
    mum_msu_unattend u;
    cr_assert_eq(mum_msu_unattend_parse(&u, NULL, NULL, unattend, sizeof unattend - 1), MUM_OK);
    cr_assert_eq(u.count, 2);
    const mum_msu_package *p = &u.packages[0];
    cr_assert_str_eq(p->action, "install");
    cr_assert_str_eq(p->identity.name, "Package_for_KB2465285");
    cr_assert_str_eq(p->identity.version, "6.1.1.0");
    cr_assert_str_eq(p->identity.arch, "amd64");
    cr_assert_str_eq(p->identity.language, "neutral");
    cr_assert_str_eq(p->identity.public_key_token, "31bf3856ad364e35");
    cr_assert_str_eq(p->source, "%configsetroot%\\Windows6.1-KB2465285-x64.CAB");
    cr_assert_str_eq(u.packages[1].action, "remove");
    cr_assert_null(u.packages[1].source);
    mum_msu_unattend_clear(&u);
}

static void unattend_fails(const char *xml, uint32_t line, const char *text)
{
    mum_msu_unattend u;
    mum_ctx *ctx;
    mum_ctx_new(&ctx);
    mum_location loc = {.input = "x.msu", .entry = "x.xml"};
    cr_assert_eq(mum_msu_unattend_parse(&u, ctx, &loc, xml, strlen(xml)), MUM_EFORMAT);
    cr_assert_eq(u.count, 0);
    cr_assert_eq(mum_ctx_location(ctx)->line, line, "%s", mum_ctx_message(ctx));
    cr_assert(mum_ctx_location(ctx)->column > 0);
    cr_assert(strstr(mum_ctx_reason(ctx), text), "'%s' not in '%s'", text, mum_ctx_reason(ctx));
    mum_ctx_free(ctx);
}

Test(msu_unattend, defined_errors_with_line_and_column)
{
    unattend_fails("<servicing xmlns=\"urn:schemas-microsoft-com:unattend\"/>", 1, "not an unattend file");
    unattend_fails("<unattend/>", 1, "not an unattend file");
    unattend_fails("<unattend xmlns=\"urn:schemas-microsoft-com:unattend\"><servicing>\n"
                   "<package action=\"install\"><source location=\"x\"/></package></servicing></unattend>",
                   2, "without an <assemblyIdentity>");
    unattend_fails("<unattend xmlns=\"urn:schemas-microsoft-com:unattend\">\n<servicing>\n</unattend>", 3,
                   "mismatched tag");
}

static int unattend_sweep(void)
{
    mum_msu_unattend u;
    int rc = mum_msu_unattend_parse(&u, NULL, NULL, unattend, sizeof unattend - 1);
    mum_msu_unattend_clear(&u);
    return rc;
}

Test(msu_unattend, out_of_memory_is_reported)
{
    TU_ALLOC_SWEEP(unattend_sweep(), (void)0);
}
