/*
 * main.c - mumtool: the command table and dispatch.
 */
#include "config.h"

#include "cli.h"

#ifdef HAVE_MALLOPT
#include <malloc.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const cli_command commands[] = {
    {"verify", cmd_verify, "check packages: references, trust chain, completeness across platforms"},
    {"graph", cmd_graph, "the package graph of packages: a tree, Graphviz dot or JSON"},
    {"name", cmd_name, "parse, format and check package and component file names"},
    {"rules", cmd_rules, "list the rules findings are reported under"},
    {"cat", cmd_cat, "list, verify, check membership in and create security catalogs"},
    {"show", cmd_show, "show what .mum and .manifest files hold, and the findings"},
    {"ls", cmd_ls, "list the entries of an .msu, a .cab or a folder, nested"},
    {"info", cmd_info, "what a package is: kind, KB, architecture, signature, counts"},
    {"extract", cmd_extract, "extract entries safely into a folder"},
    {"trust", cmd_trust, "list the trust anchors signatures are checked against"},
    {"diff", cmd_diff, "what changed between two revisions (or platforms) of a hotfix"},
    {"expect", cmd_expect, "read what a hotfix must contain from its KB article"},
    {"delta", cmd_delta, "PA30 (MSDelta) deltas and DCM manifests: their header, applied"},
};

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: %s COMMAND [OPTION]... [ARG]...\n"
            "Open Windows component-servicing packages (.msu, .cab, .mum, .manifest, .cat)\n"
            "and check them.\n"
            "\n"
            "Commands:\n",
            cli_progname);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(out,
            "\n"
            "Options:\n"
            "  -h, --help     show this help and exit\n"
            "  -V, --version  show the version and exit\n"
            "\n"
            "'%s COMMAND --help' describes a command; man mumtool describes them all.\n"
            "Exit status: 0 clean, 1 findings, 2 usage error, 3 could not run.\n",
            cli_progname);
}

int main(int argc, char **argv)
{
    /* libarchive turns every cabinet entry's DOS time into a time_t with
     * mktime(), and glibc re-reads /etc/localtime on each call when TZ is
     * not set: a stat per entry, 42 000 for a large package.  Naming the
     * file glibc would read anyway keeps the same zone without the calls. */
    if (!getenv("TZ"))
        setenv("TZ", ":/etc/localtime", 0);
#if defined(HAVE_MALLOPT) && defined(M_ARENA_MAX)
    /* verify allocates the graph's records on its reading threads and keeps
     * them to the end: with an arena a thread, glibc's heaps each keep their
     * own free space and the peak RSS of a large package is 8 to 10 % above
     * one heap's (335 against 300 MiB at 60 000 manifests), for no CPU
     * saved (the threads allocate little per byte read).  A user's
     * MALLOC_ARENA_MAX still decides. */
    if (!getenv("MALLOC_ARENA_MAX"))
        mallopt(M_ARENA_MAX, 1);
#endif
#if defined(HAVE_MALLOPT) && defined(M_MMAP_THRESHOLD) && defined(M_TRIM_THRESHOLD)
    /* glibc serves a request of 128 KiB or more with a mapping of its own
     * and unmaps it when it is freed (raising that threshold only as such
     * blocks are freed): verify's catalogs, megabytes each, and their
     * decoded copies come and go, and each took fresh pages.  A fresh page
     * costs a fault, 10 us on some virtual machines.  Served from the heap
     * and not trimmed while the process runs, what a checked catalog held
     * serves the next allocations: 14 % fewer page faults at 20 000
     * manifests (doc/performance.md).  32 MiB is glibc's largest threshold
     * on 64-bit.  A user's own malloc settings still decide. */
    if (!getenv("MALLOC_MMAP_THRESHOLD_") && !getenv("MALLOC_TRIM_THRESHOLD_") && !getenv("GLIBC_TUNABLES")) {
        mallopt(M_MMAP_THRESHOLD, 32 << 20);
        mallopt(M_TRIM_THRESHOLD, 128 << 20);
    }
#endif
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "help") == 0) {
        if (argc > 2 && strcmp(cmd, "help") == 0) {
            /* "mumtool help name" is "mumtool name --help" */
            for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
                if (strcmp(argv[2], commands[i].name) == 0) {
                    char *help_argv[] = {argv[2], "--help", NULL};
                    return commands[i].run(2, help_argv);
                }
            }
            return cli_usage_error(NULL, "unknown command '%s'", argv[2]);
        }
        usage(stdout);
        return EXIT_CLEAN;
    }
    if (strcmp(cmd, "-V") == 0 || strcmp(cmd, "--version") == 0) {
        printf("mumtool %s (libmum %s)\n", PACKAGE_VERSION, mum_version_string());
        return EXIT_CLEAN;
    }
    if (cmd[0] == '-')
        return cli_usage_error(NULL, "unknown option '%s'", cmd);
    /* mumtool exits when the command is done: the libraries' tables need
     * not be freed one by one on the way out. */
    if (mum_global_init(MUM_INIT_NO_EXIT_CLEANUP) != MUM_OK)
        return cli_fail("the crypto library could not start");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(cmd, commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    return cli_usage_error(NULL, "unknown command '%s'", cmd);
}
