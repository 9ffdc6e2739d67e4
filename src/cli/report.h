/*
 * report.h - the reports of mumtool verify (text, JSON, SARIF 2.1.0,
 * JUnit XML) and the findings renderers they share.
 */
#ifndef MUM_REPORT_H
#define MUM_REPORT_H

#include "cli.h"

#include <mum/mum.h>

typedef enum report_format {
    REPORT_TEXT,
    REPORT_JSON,
    REPORT_SARIF,
    REPORT_JUNIT
} report_format;

/* "text", "json", "sarif", "junit" -> *out; -1 when unknown. */
int report_parse_format(const char *text, report_format *out);

typedef struct report_options {
    bool no_matrix;          /* text: leave the tables out */
    bool quiet;              /* text: errors only, no tables (-q) */
    bool verbose;            /* text: every note, not three per rule */
    const char *policy_path; /* shown in the report */
    size_t anchors;          /* how many trust anchors (built-in, MUM_TRUST, --trust) */
    mum_fail_on fail_on;     /* the gate: PASS/FAIL and "result" follow it (UNSET: error) */
    int exit_code;           /* the exit status the command ends with (SARIF's invocation) */
    /* An incomplete report: the one-line error that stopped the work (NULL
     * when everything was read and judged) and where it happened (NULL when
     * nowhere in particular); the inputs as named, for when there is no graph. */
    const char *failure;
    const mum_location *failure_loc;
    const char *const *inputs;
    size_t ninputs;
} report_options;

/* g and r may be NULL (the work stopped before them: o->failure says why);
 * the report then holds what there is, marked incomplete. */
void report_verify(FILE *out, report_format format, const mum_graph *g, const mum_verify_result *r,
                   const mum_findings *findings, const report_options *o);

/* Writes s with XML's five special characters escaped (and controls as
 * character references, invalid UTF-8 as U+FFFD). */
void report_xml_text(FILE *out, const char *s);

/* The rows of a matrix as a JSON array (shared with mumtool diff). */
void report_json_matrix_rows(json_writer *w, const mum_matrix *m, const mum_matrix_row *rows, size_t n);

#endif /* MUM_REPORT_H */
