/*
 * cli.h - what mumtool's commands share: exit codes, diagnostics, the JSON
 * writer and the rendering of findings.  The CLI sees only <mum/...>.
 */
#ifndef MUM_CLI_H
#define MUM_CLI_H

#include <mum/mum.h>

#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>

/* Exit codes, like diff(1). */
enum {
    EXIT_CLEAN = 0,     /* ran, nothing to report */
    EXIT_FINDINGS = 1,  /* ran, found problems (or differences) */
    EXIT_USAGE = 2,     /* the command line is wrong */
    EXIT_FAIL = 3       /* could not run: I/O error, unreadable input */
};

typedef struct cli_command {
    const char *name;
    int (*run)(int argc, char **argv); /* argv[0] is the command name */
    const char *summary;
} cli_command;

extern const char *cli_progname;

/* "mumtool: message" on stderr.  Returns EXIT_USAGE / EXIT_FAIL. */
int cli_usage_error(const char *cmd, const char *fmt, ...) MUM_PRINTF(2, 3);
/* "mumtool: MESSAGE" and a newline on standard error. */
void cli_verror(const char *fmt, va_list ap) MUM_PRINTF(1, 0);
int cli_fail(const char *fmt, ...) MUM_PRINTF(1, 2);
/* The message of the last cli_fail (without the "mumtool: "); "" if none. */
const char *cli_last_failure(void);
/* The failure recorded on ctx ("mumtool: file:line:col: reason"). */
int cli_fail_ctx(const mum_ctx *ctx);
void cli_warn(const char *fmt, ...) MUM_PRINTF(1, 2);

/* Prints a command's help text to stdout and returns EXIT_CLEAN. */
int cli_help(const char *text);

/* Output formats a command may offer. */
typedef enum cli_format { FORMAT_TEXT, FORMAT_JSON } cli_format;
/* "text" or "json" (--format) into *out; else a usage error naming cmd. */
int cli_parse_format(const char *cmd, const char *arg, cli_format *out);

/* ---- the options every command takes (doc/mumtool.1, COMMON OPTIONS) ----
 * Each command lists CLI_COMMON_LONGOPTS in its option table, adds
 * CLI_COMMON_SHORTOPTS to its short ones and hands what it does not know to
 * cli_common_option. */
enum { CLI_OPT_COLOR = 0x4000, CLI_OPT_PROGRESS, CLI_OPT_NO_PROGRESS };
#define CLI_COMMON_SHORTOPTS "qv"
#define CLI_COMMON_LONGOPTS                                                                        \
    {"quiet", no_argument, NULL, 'q'}, {"verbose", no_argument, NULL, 'v'},                     \
    {"color", optional_argument, NULL, CLI_OPT_COLOR},                                          \
    {"progress", no_argument, NULL, CLI_OPT_PROGRESS},                                          \
    {"no-progress", no_argument, NULL, CLI_OPT_NO_PROGRESS}
/* The line each command's --help ends its options with. */
#define CLI_COMMON_HELP                                                                            \
    "  -q, -v, --color[=WHEN], --progress, --no-progress: as for every command\n"                 \
    "                        (only errors; more detail; colour; progress; man mumtool)\n"
typedef enum cli_when { CLI_AUTO, CLI_ALWAYS, CLI_NEVER } cli_when;
typedef struct cli_common {
    int verbosity;     /* -1 with -q (only errors), 0 by default, +1 per -v */
    cli_when color;    /* --color */
    cli_when progress; /* --progress / --no-progress */
} cli_common;
extern cli_common cli_opts;
/* getopt's c and optarg: 1 when c is a common option (taken), 0 when it is
 * not, -1 after a usage error naming cmd. */
int cli_common_option(const char *cmd, int c, const char *arg);
/* The same for one word of a command line parsed by hand. */
int cli_common_arg(const char *cmd, const char *word);
/* Whether to colour what goes to out: --color=always, or auto on a terminal
 * whose TERM is not "dumb" and without a non-empty NO_COLOR. */
bool cli_color(FILE *out);
/* The escape that starts (code, e.g. "1;31") or ends (NULL) a colour on
 * out; "" when out is not coloured. */
const char *cli_sgr(FILE *out, const char *code);
/* The colour of a severity's name. */
const char *cli_severity_sgr(FILE *out, mum_severity s);

/* ---- JSON writer ---- */
typedef struct json_writer {
    FILE *out;
    int depth;
    bool first[64];   /* nothing written yet at this depth */
    char kind[64];    /* '{' or '[' opened at this depth */
    bool after_key;
} json_writer;

void json_init(json_writer *w, FILE *out);
void json_begin_object(json_writer *w);
void json_end_object(json_writer *w);
void json_begin_array(json_writer *w);
void json_end_array(json_writer *w);
void json_key(json_writer *w, const char *key);
/* NULL writes null; invalid UTF-8 bytes become U+FFFD. */
void json_string(json_writer *w, const char *s);
void json_int(json_writer *w, long long v);
void json_uint(json_writer *w, unsigned long long v);
void json_bool(json_writer *w, bool v);
void json_null(json_writer *w);
/* key + value shorthands */
void json_kv_string(json_writer *w, const char *key, const char *s);
void json_kv_int(json_writer *w, const char *key, long long v);
void json_kv_uint(json_writer *w, const char *key, unsigned long long v);
void json_kv_bool(json_writer *w, const char *key, bool v);
/* Ends the document with a newline. */
void json_finish(json_writer *w);
/* Closes the open objects and arrays until `depth` remain open (a report cut
 * short by an error stays valid JSON). */
void json_close_to(json_writer *w, int depth);

/* ---- findings ---- */
/* "loc: severity: message [rule]" lines on `out`, severity OFF skipped. */
void cli_print_findings(FILE *out, const mum_findings *findings);
/* A JSON array of finding objects (rule, severity, hresult, location, message). */
void cli_json_findings(json_writer *w, const mum_findings *findings);
/* "windowsError": "0x8007000D"-style text of a rule's HRESULT; nothing when 0. */
void cli_json_windows_error(json_writer *w, unsigned hresult);
/* An input's "path", "kind", "platform" and "kb" (inside an open object). */
void cli_json_input_fields(json_writer *w, const mum_graph_input *in);
/* The length (2 to 4) of the UTF-8 sequence that starts at p (p[0] >= 0x80)
 * when its continuation bytes are there; 0 otherwise (p is NUL-terminated). */
int cli_utf8_len(const unsigned char *p);
/* EXIT_FINDINGS when any finding is a warning or an error, else EXIT_CLEAN. */
int cli_findings_exit(const mum_findings *findings);

/* The attributes an identity has, as "xmlName": "value" members. */
void cli_json_identity_fields(json_writer *w, const mum_identity *id);
/* ---- progress on standard error ----
 * By default only on a terminal and once the work has taken a second; with
 * --progress also elsewhere (then as plain lines, the last one when done);
 * never with --no-progress or -q.  -v adds a closing line of totals. */
typedef struct cli_progress {
    bool on;
    bool tty;
    bool shown;
    double start, last;
    unsigned long long entries, bytes;
    const char *label;
    const char *input; /* the input being read (graph callbacks) */
    unsigned long long done_entries, done_bytes; /* of the inputs before it */
} cli_progress;

void cli_progress_init(cli_progress *p, const char *label);
/* Redraws at most ten times a second. */
void cli_progress_update(cli_progress *p, unsigned long long entries, unsigned long long bytes);
/* Erases the line. */
void cli_progress_done(cli_progress *p);
/* A mum_graph_options.progress callback (ud: a cli_progress); with -vv it
 * also names each input as its reading starts. */
void cli_progress_graph_cb(void *ud, const char *input, uint64_t entries, uint64_t bytes);

/* "2010-12-22T15:53:26" of seconds since 1970, into buf (20 bytes). */
void cli_format_time(long long t, char buf[32]);

/* ---- signatures (sig.c) ---- */
/* The trust anchors of a command: the built-in ones unless !builtin
 * (--no-default-trust), the files named by MUM_TRUST, and n PEM files
 * (--trust); *out NULL when that makes none.  EXIT_CLEAN, or EXIT_FAIL
 * after saying why. */
int cli_trust_load(const char *const *paths, size_t n, bool builtin, mum_trust **out);
/* "key": "YYYY-MM-DDTHH:MM:SSZ", or null when !has. */
void cli_json_time(json_writer *w, const char *key, bool has, int64_t t);
/* "signers": [...], "certificates": [...] of a signature. */
void cli_json_signers(json_writer *w, const mum_signature *sig);
/* "status", "failedCheck", "trustIssue", "detail", "timeSource",
 * "evaluatedAt", "timestampNote" of a verdict, and cli_json_sig_checks. */
void cli_json_sig_result(json_writer *w, const mum_sig_result *r);
/* "timestampStatus" ("valid", "invalid", "absent"; null when unsigned),
 * "timestampTime", "chainIntegrity" ("intact", "broken", "unchecked"; null
 * when unsigned), "chainCertificatesChecked" of a verdict. */
void cli_json_sig_checks(json_writer *w, const mum_sig_result *r);
/* The verdict's signer and checks, one "label  value" line each, indented. */
void cli_print_sig_result(const char *indent, const mum_signature *sig, const mum_sig_result *r);

/* Commands. */
int cmd_name(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_graph(int argc, char **argv);
int cmd_rules(int argc, char **argv);
int cmd_cat(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_ls(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_extract(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_trust(int argc, char **argv);
int cmd_expect(int argc, char **argv);
int cmd_delta(int argc, char **argv);

#endif /* MUM_CLI_H */
