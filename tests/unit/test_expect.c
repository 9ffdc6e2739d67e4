/*
 * test_expect.c - expected contents (mum/expect.h): every layout of KB
 * article text, written here as small synthetic articles (run-together
 * cells, spaced cells, tab and '|' tables, date-first fixed-width tables,
 * the "Additional file information" blocks), the splitting of ambiguous
 * run-together cells, headings and architectures, the errors (no table, a
 * row that fits no layout, with its line), mumtool's own TSV and JSON forms,
 * several sources in one table, and running out of memory at every step.
 */
#include "testutil.h"

#include "expect_internal.h"

#include <stdio.h>
#include <unistd.h>

static mum_expect *parse_ok(const char *text)
{
    mum_ctx *ctx;
    mum_expect *e = NULL;
    mum_ctx_new(&ctx);
    cr_assert_eq(mum_expect_parse(&e, ctx, "kb.txt", text, strlen(text)), MUM_OK, "%s",
                 mum_ctx_message(ctx));
    mum_ctx_free(ctx);
    cr_assert_not_null(e);
    return e;
}

static void parse_fails(const char *text, int status, uint32_t line, const char *words)
{
    mum_ctx *ctx;
    mum_expect *e = NULL;
    mum_ctx_new(&ctx);
    cr_assert_eq(mum_expect_parse(&e, ctx, "kb.txt", text, strlen(text)), status, "%s",
                 mum_ctx_message(ctx));
    cr_assert_null(e);
    const mum_location *loc = mum_ctx_location(ctx);
    cr_assert_str_eq(loc->input, "kb.txt");
    cr_assert_eq(loc->line, line, "line %u, want %u (%s)", loc->line, line, mum_ctx_message(ctx));
    cr_assert(strstr(mum_ctx_message(ctx), words), "\"%s\" mentions \"%s\"", mum_ctx_message(ctx),
              words);
    mum_ctx_free(ctx);
}

static bool streq(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* Checks one row: NULL strings for "not given", size -1 likewise. */
static void row_is(const mum_expect_row *r, const char *name, const char *version, int64_t size,
                   const char *date, const char *time, const char *platform,
                   const char *package_arch, const char *arch)
{
    cr_assert(streq(r->name, name), "name %s, want %s", r->name, name);
    cr_assert(streq(r->version, version), "%s: version %s, want %s", name, r->version, version);
    cr_assert_eq(r->size, size, "%s: size %lld, want %lld", name, (long long)r->size, (long long)size);
    cr_assert(streq(r->date, date), "%s: date %s, want %s", name, r->date, date);
    cr_assert(streq(r->time, time), "%s: time %s, want %s", name, r->time, time);
    cr_assert(streq(r->platform, platform), "%s: platform %s, want %s", name, r->platform, platform);
    cr_assert(streq(r->package_arch, package_arch), "%s: package_arch %s, want %s", name,
              r->package_arch, package_arch);
    cr_assert(streq(r->arch, arch), "%s: arch %s, want %s", name, r->arch, arch);
}

/* ---- layout 1: cells run together ---- */

static const char run_together[] =
    "Title of the article\n"
    "\n"
    "File information\n"
    "\n"
    "The English version of this hotfix has the file attributes that are listed. The dates are in UTC.\n"
    "For all supported 32-bit versions of Windows Server 2008\n"
    "File nameFile versionFile sizeDateTimePlatform\n"
    "Netio.sys6.0.6001.22222223,28815-Jul-200804:28x86\n"
    "Wfp.mofNot Applicable81418-Dec-200721:11Not Applicable\n"
    "For all supported 64-bit versions of Windows Server 2008\n"
    "File nameFile versionFile sizeDateTimePlatform\n"
    "Netio.sys6.0.6001.22222347,19215-Jul-200805:48x64\n"
    "Fwpuclnt.dll6.0.6001.22222595,45615-Jul-200804:15x86\n"
    "Wfp.mofNot Applicable81418-Dec-200721:10Not Applicable\n"
    "For all supported Windows Server 2008 Itanium-Based Systems\n"
    "File nameFile versionFile sizeDateTimePlatform\n"
    "Tcpip.sys6.0.6001.222222,922,55215-Jul-200805:28IA-64\n"
    "\n"
    "Status\n"
    "\n"
    "Microsoft has confirmed that this is a problem, at 10:30 on 15-Jul-2008.\n"
    "Article ID : 943650\n";

Test(expect, run_together_cells_are_split_by_what_each_column_can_be)
{
    mum_expect *e = parse_ok(run_together);
    cr_assert_eq(e->count, 6);
    const char *s32 = "For all supported 32-bit versions of Windows Server 2008";
    const char *s64 = "For all supported 64-bit versions of Windows Server 2008";
    row_is(&e->rows[0], "Netio.sys", "6.0.6001.22222", 223288, "2008-07-15", "04:28", "x86", "x86", "x86");
    cr_assert_str_eq(e->rows[0].section, s32);
    cr_assert_eq(e->rows[0].line, 8);
    cr_assert_eq(e->rows[0].kind, MUM_EXPECT_FILE);
    row_is(&e->rows[1], "Wfp.mof", NULL, 814, "2007-12-18", "21:11", NULL, "x86", "x86");
    row_is(&e->rows[2], "Netio.sys", "6.0.6001.22222", 347192, "2008-07-15", "05:48", "x64", "amd64", "amd64");
    cr_assert_str_eq(e->rows[2].section, s64);
    /* an x86 row in a 64-bit section: the x86 part of the 64-bit package */
    row_is(&e->rows[3], "Fwpuclnt.dll", "6.0.6001.22222", 595456, "2008-07-15", "04:15", "x86", "amd64", "x86");
    /* Not Applicable: the architecture of the section */
    row_is(&e->rows[4], "Wfp.mof", NULL, 814, "2007-12-18", "21:10", NULL, "amd64", "amd64");
    row_is(&e->rows[5], "Tcpip.sys", "6.0.6001.22222", 2922552, "2008-07-15", "05:28", "IA-64", "ia64", "ia64");
    cr_assert_eq(e->rows[5].line, 17);
    cr_assert_str_eq(e->title, "Title of the article");
    cr_assert_str_eq(e->kb, "943650");
    cr_assert_str_eq(e->source, "kb.txt");
    cr_assert_str_eq(e->rows[5].source, "kb.txt");
    cr_assert_eq(e->source_count, 1);
    mum_expect_free(e);
}

/* "6.0.6001.222221,419,832": 22222 + 1,419,832, or 2222 + 21,419,832, or
 * 222 + 221,419,832; the version the section's other rows have decides. */
Test(expect, an_ambiguous_split_takes_the_version_of_the_section)
{
    mum_expect *e = parse_ok("x64\n"
                             "File nameFile versionFile sizeDateTimePlatform\n"
                             "Netio.sys6.0.6001.22222347,19215-Jul-200805:48x64\n"
                             "Tcpip.sys6.0.6001.222221,419,83215-Jul-200806:38x64\n");
    cr_assert_eq(e->count, 2);
    row_is(&e->rows[1], "Tcpip.sys", "6.0.6001.22222", 1419832, "2008-07-15", "06:38", "x64", "amd64", "amd64");
    mum_expect_free(e);
}

/* The same cells read the other way when the section's version is the
 * shorter one: the rule, not the value, decides. */
Test(expect, an_ambiguous_split_follows_the_majority_not_the_longest)
{
    mum_expect *e = parse_ok("Windows, x86-based versions\n"
                             "File nameFile versionFile sizeDateTimePlatform\n"
                             "A.sys6.0.6001.700891,44815-Jul-200805:48x86\n"   /* 7008|91,448 or 700|891,448 */
                             "B.sys6.0.6001.7001,419,83215-Jul-200805:48x86\n" /* only 700|1,419,832 */
                             "C.sys6.0.6001.700123,45615-Jul-200805:48x86\n"); /* 7001|23,456 or 700|123,456 */
    cr_assert_eq(e->count, 3);
    row_is(&e->rows[0], "A.sys", "6.0.6001.700", 891448, "2008-07-15", "05:48", "x86", "x86", "x86");
    row_is(&e->rows[1], "B.sys", "6.0.6001.700", 1419832, "2008-07-15", "05:48", "x86", "x86", "x86");
    row_is(&e->rows[2], "C.sys", "6.0.6001.700", 123456, "2008-07-15", "05:48", "x86", "x86", "x86");
    mum_expect_free(e);
}

/* No row read one way only: the version the ambiguous rows share (2554
 * could be read from both), else the longest. */
Test(expect, ambiguous_rows_alone_share_a_version_or_take_the_longest)
{
    mum_expect *e = parse_ok("Windows Server 2003, x86-based versions\n"
                             "File nameFile versionFile sizeDateTimePlatform\n"
                             "Tcpip.sys5.2.3790.2554333,31222-Oct-200504:48x86\n"      /* 25543|33,312 or 2554|333,312 */
                             "Tcpip.sys5.2.3790.25541,117,18422-Oct-200512:41IA-64\n"); /* 2554, 255 or 25 */
    row_is(&e->rows[0], "Tcpip.sys", "5.2.3790.2554", 333312, "2005-10-22", "04:48", "x86", "x86", "x86");
    row_is(&e->rows[1], "Tcpip.sys", "5.2.3790.2554", 1117184, "2005-10-22", "12:41", "IA-64", "x86", "ia64");
    mum_expect_free(e);
    e = parse_ok("Windows Server 2003, x86-based versions\n"
                 "File nameFile versionFile sizeDateTimePlatform\n"
                 "Tcpip.sys5.2.3790.2554333,31222-Oct-200504:48x86\n");
    row_is(&e->rows[0], "Tcpip.sys", "5.2.3790.25543", 33312, "2005-10-22", "04:48", "x86", "x86", "x86");
    mum_expect_free(e);
}

/* ---- layout 2: spaced cells; tabs and '|' alike ---- */

Test(expect, spaced_tab_and_bar_tables)
{
    mum_expect *e = parse_ok("File information\n"
                             "\n"
                             "The English version of this hotfix has these attributes.\n"
                             "\n"
                             "File name File version File size Date Time Platform\n"
                             "Ese.dll 6.5.7651.47 2,254,848 05-Sep-2006 20:35 x86\n"
                             "Wfp.mof Not applicable 814 5-Sep-2006 9:05 Not applicable\n"
                             "\n"
                             "For all supported x64-based versions of Windows 7\n"
                             "File name\tFile version\tFile size\tDate\tTime\tPlatform\n"
                             "Diskdump.sys\t6.1.7600.20882\t27,008\t17-Jan-2011\t06:22\tx64\n"
                             "\n"
                             "For all supported ARM64-based versions of Windows 11\n"
                             "| File name | File version | File size | Date | Time | Platform |\n"
                             "|---|---|---|---|---|---|\n"
                             "| My driver.sys | 10.0.22000.1 | 12,345 | 01-Feb-2022 | 10:00 | ARM64 |\n");
    cr_assert_eq(e->count, 4);
    row_is(&e->rows[0], "Ese.dll", "6.5.7651.47", 2254848, "2006-09-05", "20:35", "x86", NULL, "x86");
    cr_assert_str_eq(e->rows[0].section, "File information");
    row_is(&e->rows[1], "Wfp.mof", NULL, 814, "2006-09-05", "09:05", NULL, NULL, NULL);
    row_is(&e->rows[2], "Diskdump.sys", "6.1.7600.20882", 27008, "2011-01-17", "06:22", "x64", "amd64", "amd64");
    row_is(&e->rows[3], "My driver.sys", "10.0.22000.1", 12345, "2022-02-01", "10:00", "ARM64", "arm64", "arm64");
    cr_assert_eq(e->rows[3].line, 16);
    mum_expect_free(e);
}

/* Vista-era tables go on after Platform: read, not kept; empty ones may be
 * left out. */
Test(expect, sp_requirement_and_service_branch_columns)
{
    mum_expect *e = parse_ok(
        "For all supported x86-based versions of Windows Vista\n"
        "File name\tFile version\tFile size\tDate\tTime\tPlatform\tSP requirement\tService branch\n"
        "Tcpip.sys\t6.0.6001.22222\t891,448\t15-Jul-2008\t05:14\tx86\tSP1\tLDR\n"
        "For all supported x64-based versions of Windows Vista\n"
        "| File name | File version | File size | Date | Time | Platform | SP requirement | Service branch |\n"
        "|---|---|---|---|---|---|---|---|\n"
        "| Tcpip.sys | 6.0.6001.22222 | 1,419,832 | 15-Jul-2008 | 06:38 | x64 | | |\n"
        "For all supported IA-64-based versions\n"
        "File name File version File size Date Time Platform SP requirement Service branch\n"
        "Wfp.mof Not Applicable 814 18-Dec-2007 21:11 Not Applicable Not Applicable LDR\n");
    cr_assert_eq(e->count, 3);
    row_is(&e->rows[0], "Tcpip.sys", "6.0.6001.22222", 891448, "2008-07-15", "05:14", "x86", "x86", "x86");
    row_is(&e->rows[1], "Tcpip.sys", "6.0.6001.22222", 1419832, "2008-07-15", "06:38", "x64", "amd64", "amd64");
    row_is(&e->rows[2], "Wfp.mof", NULL, 814, "2007-12-18", "21:11", NULL, "ia64", "ia64");
    mum_expect_free(e);
}

/* ---- layout 3: date first, fixed width ---- */

Test(expect, fixed_width_tables_take_the_platform_of_their_heading)
{
    mum_expect *e = parse_ok("File information\n"
                             "... listed in Coordinated Universal Time (UTC) in Control Panel.Windows Server 2003, x86-based versions\n"
                             "\n"
                             "   Date         Time   Version            Size    File name\n"
                             "   --------------------------------------------------------------\n"
                             "   31-Aug-2005  03:08  5.2.3790.2520     781,312  Netcfgx.dll      \n"
                             "   31-Aug-2005  03:09                     15,000  Netcfg.inf\n"
                             " \n"
                             "Windows Server 2003, Itanium-based versions\n"
                             "\n"
                             "   Date         Time   Version            Size    File name    Platform\n"
                             "   --------------------------------------------------------------------  \n"
                             "   31-Aug-2005  03:41  5.2.3790.2520   2,104,320  Netcfgx.dll      IA-64\n"
                             "   31-Aug-2005  03:41  5.2.3790.2520     781,312  Wnetcfgx.dll     x86\n"
                             "   31-Aug-2005  03:41                        100  Readme.txt\n"
                             "\n"
                             "Status\n");
    cr_assert_eq(e->count, 5);
    /* the heading glued to the paragraph before it */
    cr_assert_str_eq(e->rows[0].section, "Windows Server 2003, x86-based versions");
    row_is(&e->rows[0], "Netcfgx.dll", "5.2.3790.2520", 781312, "2005-08-31", "03:08", NULL, "x86", "x86");
    row_is(&e->rows[1], "Netcfg.inf", NULL, 15000, "2005-08-31", "03:09", NULL, "x86", "x86");
    row_is(&e->rows[2], "Netcfgx.dll", "5.2.3790.2520", 2104320, "2005-08-31", "03:41", "IA-64", "ia64", "ia64");
    row_is(&e->rows[3], "Wnetcfgx.dll", "5.2.3790.2520", 781312, "2005-08-31", "03:41", "x86", "ia64", "x86");
    row_is(&e->rows[4], "Readme.txt", NULL, 100, "2005-08-31", "03:41", NULL, "ia64", "ia64");
    mum_expect_free(e);
}

/* ---- the "Additional file information" blocks ---- */

Test(expect, additional_blocks_run_together_and_spaced)
{
    mum_expect *e = parse_ok(
        "Additional file information for Windows Server 2008\n"
        "Additional files for all supported 64-bit versions of Windows Server 2008\n"
        "File namePackage_1_for_kb943650~31bf3856ad364e35~amd64~~6.0.1.0.mum\n"
        "File versionNot Applicable\n"
        "File size2,244\n"
        "Date (UTC)15-Jul-2008\n"
        "Time (UTC)18:03\n"
        "PlatformNot Applicable\n"
        "File nameWow64_microsoft-windows-network-security_31bf3856ad364e35_6.0.6001.22222_none_340db52c307512bb.manifest\n"
        "File versionNot Applicable\n"
        "File size71,155\n"
        "Date (UTC)15-Jul-2008\n"
        "Time (UTC)07:13\n"
        "PlatformNot Applicable\n"
        "File nameX86_microsoft-windows-foo_31bf3856ad364e35_6.0.6001.22222_none_0123456789abcdef.manifest\n"
        "File size702\n"
        "\n"
        "Additional files for all supported IA-64-based versions of Windows Server 2008\n"
        "\n"
        "File name Update.mum\n"
        "File version Not Applicable\n"
        "File size 2,255\n"
        "Date (UTC) 16-Feb-2011\n"
        "Time (UTC) 12:06\n"
        "Platform Not Applicable\n"
        "File name: Amd64_microsoft-windows-bar_31bf3856ad364e35_6.0.6002.22588_none_c4fe707d66212d52.manifest\n"
        "File version: 6.0.6002.22588\n"
        "File size: 3,023\n"
        "Platform: x64");
    cr_assert_eq(e->count, 5);
    for (size_t i = 0; i < e->count; i++)
        cr_assert_eq(e->rows[i].kind, MUM_EXPECT_ADDITIONAL);
    const char *s64 = "Additional files for all supported 64-bit versions of Windows Server 2008";
    cr_assert_str_eq(e->rows[0].section, s64);
    row_is(&e->rows[0], "Package_1_for_kb943650~31bf3856ad364e35~amd64~~6.0.1.0.mum", NULL, 2244,
           "2008-07-15", "18:03", NULL, "amd64", "amd64");
    cr_assert_eq(e->rows[0].line, 3);
    /* a wow64 manifest's own architecture is wow64 */
    row_is(&e->rows[1], e->rows[1].name, NULL, 71155, "2008-07-15", "07:13", NULL, "amd64", "wow64");
    /* an x86 manifest in a 64-bit section; a block of two lines */
    row_is(&e->rows[2], e->rows[2].name, NULL, 702, NULL, NULL, NULL, "amd64", "x86");
    row_is(&e->rows[3], "Update.mum", NULL, 2255, "2011-02-16", "12:06", NULL, "ia64", "ia64");
    cr_assert_eq(e->rows[3].line, 20);
    /* a platform given wins over the keyform; ':' after the labels */
    row_is(&e->rows[4], e->rows[4].name, "6.0.6002.22588", 3023, NULL, NULL, "x64", "ia64", "amd64");
    mum_expect_free(e);
}

Test(expect, heading_architectures)
{
    static const struct {
        const char *heading, *arch;
    } cases[] = {
        {"For all supported 32-bit versions of Windows Vista", "x86"},
        {"For all supported x86-based versions of Windows 7", "x86"},
        {"For all supported 64-bit versions of Windows Server 2008", "amd64"},
        {"Windows Server 2003, x64-based versions", "amd64"},
        {"For all supported AMD64 versions", "amd64"},
        {"For all supported Windows Server 2008 Itanium-Based Systems", "ia64"},
        {"For all supported IA-64-based versions of Windows Server 2008 R2", "ia64"},
        {"For all supported ARM64-based versions of Windows 11", "arm64"},
        {"For all supported 32-bit and 64-bit versions", NULL},
        {"File information", NULL},
    };
    for (size_t i = 0; i < MUM_ARRAY_LEN(cases); i++) {
        const char *got = mum__expect_heading_arch(cases[i].heading);
        cr_assert(streq(got, cases[i].arch), "%s: %s, want %s", cases[i].heading, got, cases[i].arch);
    }
    cr_assert_str_eq(mum__expect_name_arch("wow64_microsoft-windows-a_31bf3856ad364e35_1.0.0.0_none_0.manifest"), "wow64");
    cr_assert_str_eq(mum__expect_name_arch("Ia64_microsoft-windows-a_31bf3856ad364e35_1.0.0.0_none_0.manifest"), "ia64");
    cr_assert_null(mum__expect_name_arch("Package_1_for_KB1~31bf3856ad364e35~x86~~1.0.0.0.mum"));
    cr_assert_null(mum__expect_name_arch("x86_notes.txt"));
}

Test(expect, cell_values)
{
    char d[11], t[6];
    int64_t n;
    cr_assert(mum__expect_date("15-Jul-2008", 11, true, d));
    cr_assert_str_eq(d, "2008-07-15");
    cr_assert(!mum__expect_date("5-Jul-2008", 10, true, d), "a one-digit day where two are needed");
    cr_assert(mum__expect_date("5-jul-2008", 10, false, d));
    cr_assert_str_eq(d, "2008-07-05");
    cr_assert(!mum__expect_date("15-Jux-2008", 11, true, d));
    cr_assert(!mum__expect_date("32-Jul-2008", 11, true, d));
    cr_assert(mum__expect_time("05:14", 5, true, t));
    cr_assert(!mum__expect_time("5:14", 4, true, t));
    cr_assert(!mum__expect_time("25:14", 5, true, t));
    cr_assert(mum__expect_version("6.0.6001.22222", 14));
    cr_assert(!mum__expect_version("6.0.6001.222221", 15), "a part above 65535");
    cr_assert(!mum__expect_version("6.0.6001.022222", 15), "a leading zero");
    cr_assert(!mum__expect_version("6", 1));
    cr_assert(!mum__expect_version("1.2.3.4.5", 9));
    cr_assert(mum__expect_size("1,419,832", 9, true, &n) && n == 1419832);
    cr_assert(!mum__expect_size("21419,832", 9, true, &n), "a group of more than three digits");
    cr_assert(!mum__expect_size("1,41,832", 8, true, &n));
    cr_assert(!mum__expect_size("1419832", 7, true, &n), "ungrouped where groups are needed");
    cr_assert(mum__expect_size("1419832", 7, false, &n) && n == 1419832);
    cr_assert(!mum__expect_size("99999999999999999999", 20, false, &n), "too large");
    bool na;
    cr_assert_str_eq(mum__expect_platform("X64", 3, &na), "amd64");
    cr_assert_str_eq(mum__expect_platform("Itanium", 7, &na), "ia64");
    cr_assert_null(mum__expect_platform("Not Applicable", 14, &na));
    cr_assert(na);
    cr_assert_null(mum__expect_platform("MIPS", 4, &na));
    cr_assert(!na);
}

/* ---- errors ---- */

Test(expect, no_table_is_an_error)
{
    parse_fails("An article\n\nSymptoms\n\nThe computer restarts at 10:30.\n", MUM_EFORMAT, 0,
                "kb.txt: no file table found");
    parse_fails("", MUM_EFORMAT, 0, "no file table found");
    /* a header without rows */
    parse_fails("File name File version File size Date Time Platform\n\nStatus\n", MUM_EFORMAT, 0,
                "no file table found");
}

Test(expect, a_row_that_fits_no_layout_is_an_error_naming_its_line)
{
    /* a month that is no month */
    parse_fails("x86\n"
                "File nameFile versionFile sizeDateTimePlatform\n"
                "Netio.sys6.0.6001.22222223,28815-Jul-200804:28x86\n"
                "Bfe.dll6.0.6001.22222328,70415-Jux-200804:13x86\n",
                MUM_EFORMAT, 4, "kb.txt:4: a row that fits no layout");
    parse_fails("x86\n"
                "File nameFile versionFile sizeDateTimePlatform\n"
                "Bfe.dll6.0.6001.22222328,70415-Jux-200804:13x86\n",
                MUM_EFORMAT, 3, "no date dd-Mon-yyyy before the time");
    /* an unknown platform */
    parse_fails("File name File version File size Date Time Platform\n"
                "Ese.dll 6.5.7651.47 2,254,848 05-Sep-2006 20:35 MIPS\n",
                MUM_EFORMAT, 2, "no platform");
    /* a badly grouped size, after a blank line inside the table */
    parse_fails("File name File version File size Date Time Platform\n"
                "Ese.dll 6.5.7651.47 2,254,848 05-Sep-2006 20:35 x86\n"
                "\n"
                "Exifs.sys 6.5.7651.47 196,2888 05-Sep-2006 17:55 x86\n",
                MUM_EFORMAT, 4, "header is at line 1");
    /* a fixed-width row without its size */
    parse_fails("   Date         Time   Version            Size    File name\n"
                "   ---------------------------------------------------------\n"
                "   31-Aug-2005  03:08  5.2.3790.2520     Netcfgx.dll\n",
                MUM_EFORMAT, 3, "no size after the version");
    /* a block whose size is no size */
    parse_fails("Additional files for all supported x86-based versions\n"
                "File name Update.mum\n"
                "File version Not Applicable\n"
                "File size 3,07x\n",
                MUM_EFORMAT, 4, "File size is not a number of bytes");
    /* a block with two sizes: its File name line is missing */
    parse_fails("File name Update.mum\n"
                "File size 3,078\n"
                "File size 3,079\n",
                MUM_EFORMAT, 3, "a second File size line");
}

/* Messages quote the input without its control characters; limits. */
Test(expect, messages_and_limits)
{
    parse_fails("File name File version File size Date Time Platform\n"
                "Ese.dll\x1b[31m 6.5.7651.47 2,254,848 05-Sep-2006 20:35 MIPS\n",
                MUM_EFORMAT, 2, "'Ese.dll?[31m 6.5");
    parse_fails("{\"files\": [{\"name\": \"a\x01\"}]}", MUM_EFORMAT, 1, "at byte 0x01");
    /* a long title is cut, not inside a UTF-8 sequence */
    char text[1024] = "x";
    for (int i = 0; i < 200; i++)
        strcat(text, "\xc3\xa9");
    strcat(text, "\nFile name File version File size Date Time\nA.dll 1.0 1 01-Jan-2000 10:00\n");
    mum_expect *e = parse_ok(text);
    cr_assert(strlen(e->title) <= 300 && strlen(e->title) > 290, "%zu", strlen(e->title));
    cr_assert(mum__utf8_valid(e->title, strlen(e->title)));
    mum_expect_free(e);
    size_t n = 1000001;
    char *many = malloc(n + 1);
    cr_assert_not_null(many);
    memset(many, '\n', n);
    many[n] = '\0';
    parse_fails(many, MUM_ELIMIT, 0, "more than 1000000 lines");
    free(many);
    /* a row of a million characters: refused (no size of that length), at once */
    size_t big = 1000000;
    const char *head = "File nameFile versionFile sizeDateTimePlatform\nA.sys6.0.6001.222221,";
    const char *tail = "00015-Jul-200805:14x86\n";
    char *row = malloc(strlen(head) + big * 4 + strlen(tail) + 1);
    cr_assert_not_null(row);
    char *p = stpcpy(row, head);
    for (size_t i = 0; i < big; i++)
        p = stpcpy(p, "000,");
    strcpy(p, tail);
    parse_fails(row, MUM_EFORMAT, 2, "fits no layout");
    free(row);
}

Test(expect, prose_after_a_table_ends_it)
{
    mum_expect *e = parse_ok("File name File version File size Date Time Platform\n"
                             "Ese.dll 6.5.7651.47 2,254,848 05-Sep-2006 20:35 x86\n"
                             "STATUS\n"
                             "Microsoft has confirmed that this is a problem.\n"
                             "Version Product SR_Level Service branch\n"
                             "6.0.600\n");
    cr_assert_eq(e->count, 1);
    mum_expect_free(e);
}

Test(expect, a_nul_byte_is_not_text)
{
    mum_ctx *ctx;
    mum_expect *e = NULL;
    mum_ctx_new(&ctx);
    static const char text[] = "File name File version File size Date Time Platform\n"
                               "Ese.dll 6.5.7651.47 2,254,848 05-Sep-2006 20:35 x86\0\n";
    cr_assert_eq(mum_expect_parse(&e, ctx, "kb.txt", text, sizeof text - 1), MUM_EFORMAT);
    cr_assert_eq(mum_ctx_location(ctx)->line, 2);
    mum_ctx_free(ctx);
}

/* ---- mumtool's own forms ---- */

static const char tsv[] =
    "#mumtool-expect v1\n"
    "#kb 943650\n"
    "kind\tsection\tname\tversion\tsize\tdate\ttime\tplatform\tpackage_arch\tarch\n"
    "file\tFor all supported 64-bit versions\tFwpuclnt.dll\t6.0.6001.22222\t595456\t2008-07-15\t04:15\tx86\tamd64\tx86\n"
    "additional\t\tUpdate.mum\t\t\t\t\t\t\t\n";

Test(expect, own_tsv_form)
{
    mum_expect *e = parse_ok(tsv);
    cr_assert_eq(e->count, 2);
    row_is(&e->rows[0], "Fwpuclnt.dll", "6.0.6001.22222", 595456, "2008-07-15", "04:15", "x86", "amd64", "x86");
    cr_assert_str_eq(e->rows[0].section, "For all supported 64-bit versions");
    cr_assert_eq(e->rows[0].line, 4);
    row_is(&e->rows[1], "Update.mum", NULL, -1, NULL, NULL, NULL, NULL, NULL);
    cr_assert_eq(e->rows[1].kind, MUM_EXPECT_ADDITIONAL);
    cr_assert_null(e->rows[1].section);
    cr_assert_str_eq(e->kb, "943650");
    cr_assert_null(e->title);
    mum_expect_free(e);
    /* columns in any order, a subset */
    e = parse_ok("#mumtool-expect v1\nname\tsize\nA.dll\t12\n");
    row_is(&e->rows[0], "A.dll", NULL, 12, NULL, NULL, NULL, NULL, NULL);
    mum_expect_free(e);
}

Test(expect, own_tsv_form_errors)
{
    parse_fails("#mumtool-expect v2\nname\nA\n", MUM_EFORMAT, 1, "#mumtool-expect v1");
    parse_fails("#mumtool-expect v1\nname\tcolour\nA\tred\n", MUM_EFORMAT, 2, "column 'colour'");
    parse_fails("#mumtool-expect v1\nname\tname\n", MUM_EFORMAT, 2, "named twice");
    parse_fails("#mumtool-expect v1\nsize\n1\n", MUM_EFORMAT, 2, "no 'name' column");
    parse_fails("#mumtool-expect v1\nname\tsize\nA\t1,000\n", MUM_EFORMAT, 3, "size '1,000'");
    parse_fails("#mumtool-expect v1\nname\tdate\nA\t15-Jul-2008\n", MUM_EFORMAT, 3, "YYYY-MM-DD");
    parse_fails("#mumtool-expect v1\nname\tsize\nA\t1\t2\n", MUM_EFORMAT, 3, "more than the 2 cells");
    parse_fails("#mumtool-expect v1\nname\tsize\nA\n", MUM_EFORMAT, 3, "1 cells where");
    parse_fails("#mumtool-expect v1\nname\tkind\nA\tpayload\n", MUM_EFORMAT, 3, "kind 'payload'");
    parse_fails("#mumtool-expect v1\nname\tsize\n", MUM_EFORMAT, 0, "no file table found");
    parse_fails("#mumtool-expect v1\n#kb KB943650\nname\nA\n", MUM_EFORMAT, 2, "#kb is not a KB number");
}

Test(expect, own_json_form)
{
    mum_expect *e = parse_ok(
        "  {\"$schema\": \"file:///x/expect.schema.json\", \"future\": {\"a\": [1, 2.5e3, true, null, {}]},\n"
        "   \"files\": [\n"
        "    {\"kind\": \"file\", \"section\": \"S \\u00e9\\ud83d\\ude00\", \"name\": \"Tcpip.sys\",\n"
        "     \"version\": \"6.0.6001.22222\", \"size\": 2922552, \"date\": \"2008-07-15\",\n"
        "     \"time\": \"05:28\", \"platform\": \"IA-64\", \"package_arch\": \"ia64\",\n"
        "     \"arch\": \"ia64\", \"line\": 82, \"source\": \"kb.txt\", \"later\": [[]]},\n"
        "    {\"kind\": \"additional\", \"name\": \"Update.mum\", \"version\": null, \"size\": null}\n"
        "   ],\n"
        "   \"sources\": [{\"file\": \"a.txt\", \"title\": \"T \\\"q\\\"\", \"kb\": \"943650\"}]}\n");
    cr_assert_eq(e->count, 2);
    row_is(&e->rows[0], "Tcpip.sys", "6.0.6001.22222", 2922552, "2008-07-15", "05:28", "IA-64", "ia64", "ia64");
    cr_assert_str_eq(e->rows[0].section, "S \xc3\xa9\xf0\x9f\x98\x80");
    cr_assert_eq(e->rows[0].line, 3, "the line of the JSON text");
    row_is(&e->rows[1], "Update.mum", NULL, -1, NULL, NULL, NULL, NULL, NULL);
    cr_assert_eq(e->rows[1].kind, MUM_EXPECT_ADDITIONAL);
    cr_assert_str_eq(e->title, "T \"q\"");
    cr_assert_str_eq(e->kb, "943650");
    mum_expect_free(e);
}

Test(expect, own_json_form_errors)
{
    parse_fails("{\"files\": [{\"name\": \"a\", \"size\": -1}]}", MUM_EFORMAT, 1, "whole number");
    parse_fails("{\"files\": [{\"name\": \"a\", \"size\": 1.5}]}", MUM_EFORMAT, 1, "whole number");
    parse_fails("{\"files\": [{\"name\": 1}]}", MUM_EFORMAT, 1, "\"name\" must be a string or null");
    parse_fails("{\"files\": [{\"size\": 1}]}", MUM_EFORMAT, 1, "without a \"name\"");
    parse_fails("{\"files\": [{\"name\": \"a\"}]} x", MUM_EFORMAT, 1, "text after");
    parse_fails("{\"files\": [{\"name\": \"a\"},]}", MUM_EFORMAT, 1, "a file object was expected");
    parse_fails("{\"files\": [{\"name\": \"a\\x\"}]}", MUM_EFORMAT, 1, "unknown escape");
    parse_fails("{\"files\": [{\"name\": \"a\\ud800\"}]}", MUM_EFORMAT, 1, "surrogate");
    parse_fails("{\"files\": [{\"name\": \"a\xff\"}]}", MUM_EFORMAT, 1, "UTF-8");
    parse_fails("{\"files\": [{\"name\": \"a\n\"}]}", MUM_EFORMAT, 1, "control character");
    parse_fails("{\"files\": [{\"name\": \"a\", \"date\": \"15-Jul-2008\"}]}", MUM_EFORMAT, 1, "YYYY-MM-DD");
    parse_fails("{\"rows\": []}", MUM_EFORMAT, 1, "no \"files\" array");
    parse_fails("{\"files\": [{\"name\": \"a\"}], \"sources\": [{\"kb\": \"x\"}]}", MUM_EFORMAT, 1,
                "not a KB number");
    parse_fails("{\"files\": [\n{\"name\": \"a\"", MUM_EFORMAT, 2, "at the end of the input");
    /* deep nesting in a skipped member: a limit, not a crash */
    char deep[400];
    int n = snprintf(deep, sizeof deep, "{\"x\": ");
    for (int i = 0; i < 100; i++)
        deep[n++] = '[';
    deep[n] = '\0';
    parse_fails(deep, MUM_ELIMIT, 1, "nested deeper");
}

/* Several sources into one table; a failed one leaves it as it was. */
Test(expect, several_sources_make_one_table)
{
    mum_ctx *ctx;
    mum_ctx_new(&ctx);
    mum_expect *e = NULL;
    cr_assert_eq(mum_expect_parse(&e, ctx, "a.txt", run_together, strlen(run_together)), MUM_OK);
    cr_assert_eq(mum_expect_parse(&e, ctx, "b.tsv", tsv, strlen(tsv)), MUM_OK);
    cr_assert_eq(mum_expect_parse(&e, ctx, "c.txt", "no table", 8), MUM_EFORMAT);
    cr_assert_eq(e->count, 8);
    cr_assert_eq(e->source_count, 2);
    cr_assert_str_eq(e->source, "a.txt");
    cr_assert_str_eq(e->sources[1].file, "b.tsv");
    cr_assert_str_eq(e->sources[1].kb, "943650");
    cr_assert_str_eq(e->rows[0].source, "a.txt");
    cr_assert_str_eq(e->rows[7].source, "b.tsv");
    mum_expect_free(e);
    mum_ctx_free(ctx);
}

Test(expect, read_a_file_and_a_missing_one)
{
    char path[] = "/tmp/mum-expect-XXXXXX";
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    cr_assert_eq(write(fd, tsv, strlen(tsv)), (ssize_t)strlen(tsv));
    close(fd);
    mum_ctx *ctx;
    mum_ctx_new(&ctx);
    mum_expect *e = NULL;
    cr_assert_eq(mum_expect_read(&e, ctx, path), MUM_OK, "%s", mum_ctx_message(ctx));
    cr_assert_eq(e->count, 2);
    cr_assert_str_eq(e->rows[0].source, path);
    mum_expect_free(e);
    unlink(path);
    e = NULL;
    cr_assert_eq(mum_expect_read(&e, ctx, path), MUM_EIO);
    cr_assert(strstr(mum_ctx_message(ctx), path));
    cr_assert_null(e);
    mum_ctx_free(ctx);
}

/* Every allocation failing in turn: MUM_ENOMEM, nothing leaked (the test
 * wrapper checks under AddressSanitizer), never a crash. */
Test(expect, out_of_memory_at_every_step)
{
    const char *inputs[] = {run_together, tsv,
                            "{\"files\": [{\"name\": \"a\", \"section\": \"s\"}], \"sources\": [{\"kb\": \"1\"}]}",
                            "x86\nFile nameFile versionFile sizeDateTimePlatform\n"
                            "Tcpip.sys5.2.3790.2554333,31222-Oct-200504:48x86\n"
                            "File name Update.mum\nFile size 1\n"};
    for (size_t k = 0; k < MUM_ARRAY_LEN(inputs); k++) {
        bool done = false;
        for (unsigned long n = 1; n < 10000 && !done; n++) {
            mum_ctx *ctx;
            cr_assert_eq(mum_ctx_new(&ctx), MUM_OK);
            mum_expect *e = NULL;
            mum__alloc_fail_at(n);
            int rc = mum_expect_parse(&e, ctx, "kb.txt", inputs[k], strlen(inputs[k]));
            mum__alloc_fail_at(0);
            if (rc == MUM_OK) {
                done = true;
                cr_assert_not_null(e);
            } else {
                cr_assert_eq(rc, MUM_ENOMEM, "input %zu, allocation %lu: %d %s", k, n, rc,
                             mum_ctx_message(ctx));
                cr_assert_null(e);
            }
            mum_expect_free(e);
            mum_ctx_free(ctx);
        }
        cr_assert(done, "input %zu never parsed", k);
    }
}
