/*
 * expat-baseline.c - the baseline of bench/manifest-parse.sh: plain expat
 * over every file of a directory, with empty element and text handlers
 * (what any XML consumer pays at least).  With --ns, expat's namespace
 * processing is on, as the manifest parser needs it.
 *
 *   expat-baseline [--ns] DIR [ROUNDS]
 */
#include "config.h"

#include <expat.h>
#include <stdbool.h>

#include "harness.h"

static bool use_ns;

/* Handlers that do nothing: expat's own cost, with the calls a parser pays. */
static void XMLCALL on_start(void *ud, const XML_Char *name, const XML_Char **attrs)
{
    (void)ud, (void)name, (void)attrs;
}
static void XMLCALL on_end(void *ud, const XML_Char *name)
{
    (void)ud, (void)name;
}
static void XMLCALL on_text(void *ud, const XML_Char *s, int len)
{
    (void)ud, (void)s, (void)len;
}

static void parse_all(const bench_file *files, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        XML_Parser p = use_ns ? XML_ParserCreateNS(NULL, '\x01') : XML_ParserCreate(NULL);
        if (!p)
            exit(2);
        XML_SetElementHandler(p, on_start, on_end);
        XML_SetCharacterDataHandler(p, on_text);
        if (XML_Parse(p, (const char *)files[i].data, (int)files[i].size, 1) != XML_STATUS_OK) {
            fprintf(stderr, "%s:%lu: %s\n", files[i].name, XML_GetCurrentLineNumber(p),
                    XML_ErrorString(XML_GetErrorCode(p)));
            exit(1);
        }
        XML_ParserFree(p);
    }
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--ns") == 0) {
        use_ns = true;
        argv++;
        argc--;
    }
    if (argc < 2) {
        fprintf(stderr, "usage: expat-baseline [--ns] DIR [ROUNDS]\n");
        return 2;
    }
    bench_run(use_ns ? "expat-ns" : "expat", argv[1], bench_rounds(argc, argv), parse_all);
    return 0;
}
