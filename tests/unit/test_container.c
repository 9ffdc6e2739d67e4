/*
 * test_container.c - the walk: order and nesting of events, data, folders,
 * findings, errors, cabinet signatures and digests, the pipelined walk
 * against the pull walk, and out-of-memory paths.  Fixtures come from
 * tests/fixtures/containers/make-fixtures.py.
 */
#include "testutil.h"
#include "walk_internal.h"

#include "io.h"
#include "pool.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char *fixture(const char *name)
{
    const char *src = getenv("MUM_SRCDIR");
    char *p = NULL;
    cr_assert(asprintf(&p, "%s/tests/fixtures/containers/%s", src ? src : "..", name) > 0);
    return p;
}

static unsigned char *slurp(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "cannot open %s", path);
    unsigned char *buf = malloc(1 << 20);
    *size = fread(buf, 1, 1 << 20, f);
    fclose(f);
    return buf;
}

static const char *kind_letter(const mum_entry *e)
{
    return e->kind == MUM_ENTRY_FILE ? "F" : e->kind == MUM_ENTRY_CONTAINER ? "C" : "E";
}

/* Walks with the pull API; one line per event: kind depth size path [sha256 of data]. */
static int pull_log(const char *input, unsigned flags, mum_sbuf *log, mum_findings *findings)
{
    mum_walk_options o = MUM_WALK_OPTIONS_INIT;
    o.flags = flags;
    mum_walk *w;
    int rc = mum_walk_open(&w, NULL, input, &o, findings);
    if (rc != MUM_OK)
        return rc;
    mum_hasher *h = NULL;
    if ((rc = mum_hasher_new(&h, MUM_HASH_SHA256)) != MUM_OK) {
        mum_walk_free(w);
        return rc;
    }
    for (;;) {
        const mum_entry *e;
        if ((rc = mum_walk_next(&e, w)) != MUM_OK || !e)
            break;
        mum__sbuf_printf(log, "%s %u %llu %s", kind_letter(e), (unsigned)e->depth,
                         (unsigned long long)e->size, e->path);
        if (e->kind == MUM_ENTRY_FILE) {
            const void *p;
            size_t n;
            do {
                if ((rc = mum_walk_read(w, &p, &n)) != MUM_OK)
                    break;
                mum_hasher_update(h, p, n);
            } while (n);
            if (rc != MUM_OK)
                break;
            uint8_t d[32];
            char hex[65];
            mum_hasher_final(d, h);
            mum_hex_encode(hex, d, 32);
            mum__sbuf_printf(log, " %s", hex);
        }
        mum__sbuf_putc(log, '\n');
    }
    mum_hasher_free(h);
    mum_walk_free(w);
    if (rc == MUM_OK && log->failed)
        rc = MUM_ENOMEM;
    return rc;
}

/* The same log from the pipelined walk. */
typedef struct run_log {
    mum_sbuf log;
    mum_hasher *h;
    int stop_after;   /* return MUM_EFORMAT at this entry event (0: never) */
    int events;
} run_log;

static int rl_entry(void *ud, const mum_entry *e)
{
    run_log *r = ud;
    if (++r->events == r->stop_after)
        return MUM_EFORMAT;
    mum__sbuf_printf(&r->log, "%s %u %llu %s", kind_letter(e), (unsigned)e->depth,
                     (unsigned long long)e->size, e->path);
    if (e->kind != MUM_ENTRY_FILE)
        mum__sbuf_putc(&r->log, '\n');
    return MUM_OK;
}

static int rl_data(void *ud, const mum_entry *e, const void *p, size_t n)
{
    MUM_UNUSED(e);
    return mum_hasher_update(((run_log *)ud)->h, p, n);
}

static int rl_end(void *ud, const mum_entry *e)
{
    MUM_UNUSED(e);
    run_log *r = ud;
    uint8_t d[32];
    char hex[65];
    mum_hasher_final(d, r->h);
    mum_hex_encode(hex, d, 32);
    mum__sbuf_printf(&r->log, " %s\n", hex);
    return MUM_OK;
}

static int run_logged(mum_ctx *ctx, const char *input, unsigned flags, uint32_t blocks, run_log *r)
{
    mum_walk_options o = MUM_WALK_OPTIONS_INIT;
    o.flags = flags;
    o.queue_blocks = blocks;
    mum_walk_consumer c = {.want_data = NULL,
                           .entry = rl_entry,
                           .data = rl_data,
                           .entry_end = rl_end};
    cr_assert_eq(mum_hasher_new(&r->h, MUM_HASH_SHA256), MUM_OK);
    int rc = mum_walk_run(ctx, input, &o, &c, r, NULL);
    mum_hasher_free(r->h);
    r->h = NULL;
    return rc;
}

static char *log_of(const char *name, unsigned flags)
{
    char *path = fixture(name);
    mum_sbuf log = {0};
    cr_assert_eq(pull_log(path, flags, &log, NULL), MUM_OK, "walking %s", name);
    free(path);
    return mum__sbuf_take(&log);
}

static const char *sha_hex(const void *data, size_t n, char out[65])
{
    uint8_t d[32];
    mum_hash_buffer(d, MUM_HASH_SHA256, data, n);
    mum_hex_encode(out, d, 32);
    return out;
}

Test(walk, lists_a_cabinet_in_stored_order_with_data)
{
    char *log = log_of("plain.cab", MUM_WALK_DESCEND);
    char h1[65], h2[65], *want = NULL;
    cr_assert(asprintf(&want,
                       "C 0 141 \n"
                       "F 1 16 hello.txt %s\n"
                       "F 1 19 dir/sub.txt %s\n"
                       "E 0 141 \n",
                       sha_hex("Hello, cabinet.\n", 16, h1), sha_hex("a file in a folder\n", 19, h2)) > 0);
    cr_assert_str_eq(log, want);
    mum__free(log);
    free(want);
}

Test(walk, entry_fields_name_depth_index_and_stored_time)
{
    char *path = fixture("plain.cab");
    mum_walk *w;
    cr_assert_eq(mum_walk_open(&w, NULL, path, NULL, NULL), MUM_OK);
    const mum_entry *e;
    cr_assert_eq(mum_walk_next(&e, w), MUM_OK);
    cr_assert_eq(e->kind, MUM_ENTRY_CONTAINER);
    cr_assert_eq(e->container, MUM_CONTAINER_CABINET);
    cr_assert_str_eq(e->name, path);
    cr_assert_not_null(e->cab);
    cr_assert_eq(e->cab->file_count, 2);
    cr_assert_eq(mum_walk_next(&e, w), MUM_OK);
    cr_assert_eq(mum_walk_next(&e, w), MUM_OK);
    cr_assert_str_eq(e->name, "dir/sub.txt"); /* the cabinet's backslash */
    cr_assert_eq(e->index, 1);
    cr_assert(e->has_mtime);
    cr_assert_eq(e->mtime, 1577934244, "2020-01-02T03:04:04 as written, got %lld", (long long)e->mtime);
    /* reading is refused on a container event, allowed on a file */
    const void *p;
    size_t n;
    cr_assert_eq(mum_walk_read(w, &p, &n), MUM_OK);
    cr_assert_eq(n, 19);
    cr_assert_eq(memcmp(p, "a file in a folder\n", 19), 0);
    cr_assert_eq(mum_walk_read(w, &p, &n), MUM_OK);
    cr_assert_eq(n, 0);
    cr_assert_eq(mum_walk_next(&e, w), MUM_OK);
    cr_assert_eq(e->kind, MUM_ENTRY_CONTAINER_END);
    cr_assert_eq(e->entry_count, 2);
    cr_assert_eq(mum_walk_read(w, &p, &n), MUM_EINVAL);
    cr_assert_eq(mum_walk_next(&e, w), MUM_OK);
    cr_assert_null(e);
    mum_walk_free(w);
    free(path);
}

/* Entry times are undone from the local zone once for each new time (the
 * last one is kept): entries with other times get theirs.  The sample MSU
 * has nine times over 45 entries, some repeated, some not. */
Test(walk, each_entry_gets_its_own_stored_time)
{
    mum_walk *w;
    cr_assert_eq(mum_walk_open(&w, NULL, tu_src_path("samples", "kb943650/Windows6.0-KB943650-x86.msu"), NULL,
                               NULL),
                 MUM_OK);
    int64_t times[16];
    size_t distinct = 0, files = 0;
    bool first_seen = false;
    const mum_entry *e;
    while (mum_walk_next(&e, w) == MUM_OK && e) {
        if (e->kind == MUM_ENTRY_CONTAINER_END || !e->has_mtime || e->depth == 0)
            continue;
        files++;
        first_seen |= e->mtime == 1198012260; /* 2007-12-18T21:11:00 as written */
        size_t k = 0;
        while (k < distinct && times[k] != e->mtime)
            k++;
        if (k == distinct && distinct < 16)
            times[distinct++] = e->mtime;
    }
    mum_walk_free(w);
    cr_assert_gt(files, 40);
    cr_assert_eq(distinct, 9, "%zu distinct times", distinct);
    cr_assert(first_seen);
}

Test(walk, reads_data_spanning_several_cabinet_blocks)
{
    char *log = log_of("blocks.cab", MUM_WALK_DESCEND);
    size_t n = 256 * 390 + 3;
    unsigned char *big = malloc(n);
    for (size_t i = 0; i < 256 * 390; i++)
        big[i] = (unsigned char)(i & 0xff);
    memcpy(big + 256 * 390, "end", 3);
    char h[65];
    cr_assert(strstr(log, sha_hex(big, n, h)), "big.bin's data: %s", log);
    free(big);
    mum__free(log);
}

Test(walk, opens_nested_cabinets_in_place)
{
    char *log = log_of("nested.cab", MUM_WALK_DESCEND);
    /* strip the hashes: the order and nesting are what matter here */
    const char *want[] = {"C 0 377 ",
                          "F 1 5 note.txt",
                          "C 1 179 inner.cab",
                          "F 2 2 inner.cab!a.txt",
                          "C 2 76 inner.cab!deeper.cab",
                          "F 3 2 inner.cab!deeper.cab!b.txt",
                          "E 2 76 inner.cab!deeper.cab",
                          "E 1 179 inner.cab",
                          "F 1 35 fake.cab",
                          "F 1 5 last.txt",
                          "E 0 377 "};
    const char *p = log;
    for (size_t i = 0; i < MUM_ARRAY_LEN(want); i++) {
        cr_assert_eq(strncmp(p, want[i], strlen(want[i])), 0, "event %zu: want '%s' in:\n%s", i, want[i], log);
        p = strchr(p, '\n') + 1;
    }
    cr_assert_eq(*p, '\0');
    /* fake.cab was peeked at and found not to be a cabinet: its data is whole */
    char h[65];
    cr_assert(strstr(log, sha_hex("not a cabinet, only named like one\n", 35, h)));
    mum__free(log);
}

Test(walk, without_descend_nested_cabinets_are_files)
{
    char *log = log_of("nested.cab", 0);
    cr_assert(strstr(log, "F 1 179 inner.cab "));
    cr_assert_null(strstr(log, "inner.cab!"));
    mum__free(log);
}

Test(walk, a_cabinet_deeper_than_the_limit_is_listed_and_reported)
{
    char *path = fixture("deep.cab");
    mum_findings *f;
    mum_findings_new(&f);
    mum_walk_options o = MUM_WALK_OPTIONS_INIT;
    o.max_depth = 3;
    mum_walk *w;
    cr_assert_eq(mum_walk_open(&w, NULL, path, &o, f), MUM_OK);
    const mum_entry *e;
    int containers = 0;
    while (mum_walk_next(&e, w) == MUM_OK && e)
        containers += e->kind == MUM_ENTRY_CONTAINER;
    mum_walk_free(w);
    cr_assert_eq(containers, 4, "the input and 3 nested levels");
    cr_assert_eq(tu_count_rule(f, "container.too-deep"), 1);
    const mum_finding *x = tu_find_rule(f, "container.too-deep");
    cr_assert_str_eq(x->loc.entry, "level1.cab!level2.cab!level3.cab!level4.cab");
    mum_findings_free(f);
    free(path);
}

Test(walk, names_that_clash_or_escape_are_findings)
{
    char *path = fixture("names.cab");
    mum_findings *f;
    mum_findings_new(&f);
    mum_sbuf log = {0};
    cr_assert_eq(pull_log(path, MUM_WALK_DESCEND, &log, f), MUM_OK);
    cr_assert_eq(tu_count_rule(f, "container.unsafe-name"), 5, "../, /, C:, ok/../.., control");
    cr_assert_eq(tu_count_rule(f, "container.case-duplicate"), 1);
    cr_assert_eq(tu_count_rule(f, "container.duplicate-name"), 1);
    const mum_finding *c = tu_find_rule(f, "container.case-duplicate");
    cr_assert_str_eq(c->loc.entry, "case.TXT");
    cr_assert(strstr(c->message, "'Case.txt'"));
    /* a UTF-8 name (flagged so in the cabinet) comes through */
    cr_assert(strstr(log.data, " caf\xc3\xa9.txt "), "%s", log.data);
    mum__sbuf_free(&log);
    mum_findings_free(f);
    free(path);
}

/* Names without the UTF-8 flag are read as ISO-8859-1 and come out in
 * UTF-8, whichever form of libarchive's name the walker takes; the two
 * then fold alike. */
Test(walk, code_page_names_come_out_in_utf8)
{
    char *path = fixture("latin1.cab");
    mum_findings *f;
    mum_findings_new(&f);
    mum_sbuf log = {0};
    cr_assert_eq(pull_log(path, MUM_WALK_DESCEND, &log, f), MUM_OK);
    cr_assert(strstr(log.data, " caf\xc3\xa9.txt "), "%s", log.data);
    cr_assert(strstr(log.data, " CAF\xc3\x89.TXT "), "%s", log.data);
    cr_assert_eq(tu_count_rule(f, "container.case-duplicate"), 1);
    const mum_finding *c = tu_find_rule(f, "container.case-duplicate");
    cr_assert(strstr(c->message, "'caf\xc3\xa9.txt'"), "%s", c->message);
    mum__sbuf_free(&log);
    mum_findings_free(f);
    free(path);
}

/* The walk sets libarchive's ISO-8859-1 reading only for a cabinet with a
 * name that needs it (walk_cab.c, names_need_charset): one such name last
 * in the file table, after an ASCII and a flagged UTF-8 name, still makes
 * all three come out in UTF-8. */
Test(walk, a_code_page_name_last_in_the_table_comes_out_in_utf8)
{
    char *path = fixture("latin1-last.cab");
    mum_findings *f;
    mum_findings_new(&f);
    mum_sbuf log = {0};
    cr_assert_eq(pull_log(path, MUM_WALK_DESCEND, &log, f), MUM_OK);
    cr_assert(strstr(log.data, " plain.txt "), "%s", log.data);
    cr_assert(strstr(log.data, " caf\xc3\xa9-utf8.txt "), "%s", log.data);
    cr_assert(strstr(log.data, " caf\xc3\xa9.txt "), "%s", log.data);
    mum__sbuf_free(&log);
    mum_findings_free(f);
    free(path);
}

Test(walk, bytes_between_the_tables_are_a_finding)
{
    char *path = fixture("gap.cab");
    mum_findings *f;
    mum_findings_new(&f);
    mum_sbuf log = {0};
    cr_assert_eq(pull_log(path, MUM_WALK_DESCEND, &log, f), MUM_OK);
    cr_assert_eq(tu_count_rule(f, "container.header-gap"), 1);
    cr_assert(strstr(tu_find_rule(f, "container.header-gap")->message, "40 bytes"));
    mum__sbuf_free(&log);
    mum_findings_free(f);
    free(path);
}

Test(walk, a_cfdata_checksum_failure_is_an_error_at_the_entry)
{
    char *path = fixture("badsum.cab");
    mum_ctx *ctx;
    mum_ctx_new(&ctx);
    mum_walk *w;
    cr_assert_eq(mum_walk_open(&w, ctx, path, NULL, NULL), MUM_OK);
    const mum_entry *e;
    const void *p;
    size_t n;
    int rc = MUM_OK;
    /* both files share the corrupt block; the reader checks it when the block
     * is used up, so the failure shows at the entry that ends it */
    while (rc == MUM_OK && mum_walk_next(&e, w) == MUM_OK && e)
        while (e->kind == MUM_ENTRY_FILE && (rc = mum_walk_read(w, &p, &n)) == MUM_OK && n)
            ;
    cr_assert_eq(rc, MUM_EFORMAT);
    cr_assert(strstr(mum_ctx_message(ctx), "checksum"), "%s", mum_ctx_message(ctx));
    cr_assert_str_eq(mum_ctx_location(ctx)->entry, "dir/sub.txt");
    /* and how far into the cabinet the bad block ends (all of its 141 bytes) */
    cr_assert(strstr(mum_ctx_message(ctx), "(the cabinet read up to offset 141)"), "%s", mum_ctx_message(ctx));
    /* the walk stays failed */
    cr_assert_eq(mum_walk_next(&e, w), MUM_EFORMAT);
    mum_walk_free(w);
    mum_ctx_free(ctx);
    free(path);
}

Test(walk, inputs_that_are_not_containers)
{
    mum_ctx *ctx;
    mum_ctx_new(&ctx);
    mum_walk *w;
    char *script = fixture("make-fixtures.py");
    cr_assert_eq(mum_walk_open(&w, ctx, script, NULL, NULL), MUM_EFORMAT);
    cr_assert(strstr(mum_ctx_message(ctx), "not a cabinet"), "%s", mum_ctx_message(ctx));
    cr_assert_eq(mum_walk_open(&w, ctx, "/nonexistent/x.cab", NULL, NULL), MUM_EIO);
    cr_assert_str_eq(mum_ctx_location(ctx)->input, "/nonexistent/x.cab");
    mum_walk_options o = MUM_WALK_OPTIONS_INIT;
    o.version = 99;
    cr_assert_eq(mum_walk_open(&w, ctx, script, &o, NULL), MUM_EINVAL);
    o = (mum_walk_options)MUM_WALK_OPTIONS_INIT;
    o.queue_blocks = 1;
    cr_assert_eq(mum_walk_open(&w, ctx, script, &o, NULL), MUM_EINVAL);
    free(script);
    mum_ctx_free(ctx);
}

/* The CONTAINER_END events of a walk, by path. */
static const mum_entry *end_event(mum_walk *w, const char *path)
{
    const mum_entry *e;
    while (mum_walk_next(&e, w) == MUM_OK && e)
        if (e->kind == MUM_ENTRY_CONTAINER_END && strcmp(e->path, path) == 0)
            return e;
    return NULL;
}

Test(walk, signatures_are_found_and_kept)
{
    char *path = fixture("sigfake.cab");
    mum_findings *f;
    mum_findings_new(&f);
    mum_walk_options o = MUM_WALK_OPTIONS_INIT;
    o.flags |= MUM_WALK_SIGNATURES;
    mum_walk *w;
    cr_assert_eq(mum_walk_open(&w, NULL, path, &o, f), MUM_OK);
    const mum_entry *e = end_event(w, "");
    cr_assert_not_null(e);
    const mum_cab_signature *s = e->signature;
    cr_assert_not_null(s);
    cr_assert(s->present);
    cr_assert_eq(s->offset, e->cab->cabinet_size);
    cr_assert_eq(s->length, 16);
    cr_assert_eq(s->blob_size, 16);
    cr_assert_eq(memcmp(s->blob, "SIGNATURSIGNATUR", 16), 0);
    cr_assert(s->digests_valid);
    cr_assert_eq(s->stream_size, s->offset + 16);
    cr_assert_eq(mum_findings_count(f), 0);
    /* the same answer as reading the file on its own */
    mum_cab_signature again;
    cr_assert_eq(mum_cab_signature_read(&again, NULL, path, 0, NULL), MUM_OK);
    cr_assert_eq(memcmp(again.sha1, s->sha1, 20), 0);
    cr_assert_eq(memcmp(again.sha256, s->sha256, 32), 0);
    mum_cab_signature_clear(&again);
    mum_walk_free(w);
    mum_findings_free(f);
    free(path);
}

Test(walk, trailing_bytes_are_a_finding)
{
    char *path = fixture("trailing.cab");
    mum_findings *f;
    mum_findings_new(&f);
    mum_walk_options o = MUM_WALK_OPTIONS_INIT;
    o.flags |= MUM_WALK_SIGNATURES;
    mum_walk *w;
    cr_assert_eq(mum_walk_open(&w, NULL, path, &o, f), MUM_OK);
    cr_assert_not_null(end_event(w, ""));
    cr_assert_eq(tu_count_rule(f, "container.trailing-data"), 1);
    cr_assert(tu_find_rule(f, "container.trailing-data")->loc.has_offset);
    mum_walk_free(w);
    mum_findings_free(f);
    free(path);
}

/* Walks `path` with the pull interface to its end or first error; the
 * number of files seen before in *files. */
static int pull_all(mum_ctx *ctx, const char *path, unsigned flags, size_t *files)
{
    mum_walk_options o = MUM_WALK_OPTIONS_INIT;
    o.flags |= flags;
    mum_walk *w;
    *files = 0;
    int rc = mum_walk_open(&w, ctx, path, &o, NULL);
    if (rc != MUM_OK)
        return rc;
    const mum_entry *e;
    while ((rc = mum_walk_next(&e, w)) == MUM_OK && e)
        *files += e->kind == MUM_ENTRY_FILE;
    mum_walk_free(w);
    return rc;
}

/* A file cut inside its signature is corrupt input for every walk, not only
 * for one that reads the signature: the walk gives every entry, then fails
 * with the file and the offset where it ends. */
Test(walk, a_cut_signature_stops_the_walk_after_the_entries)
{
    char *path = fixture("sigtrunc.cab");
    const unsigned flags[] = {MUM_WALK_DESCEND, MUM_WALK_DESCEND | MUM_WALK_SIGNATURES};
    for (int i = 0; i < 2; i++) {
        mum_ctx *ctx;
        mum_ctx_new(&ctx);
        size_t files;
        cr_assert_eq(pull_all(ctx, path, flags[i], &files), MUM_EFORMAT);
        cr_assert_gt(files, 0);
        const mum_location *loc = mum_ctx_location(ctx);
        cr_assert(loc->has_offset);
        cr_assert_eq(loc->offset, 209);
        cr_assert(strstr(mum_ctx_message(ctx), "sigtrunc.cab: at offset 209: truncated"), "%s",
                  mum_ctx_message(ctx));
        mum_ctx_free(ctx);
    }
    free(path);
}

/* Every prefix of a signed MSU holding a nested cabinet, and of a cabinet
 * holding one, is an error naming the input and an offset, whether the
 * walk reads signatures or skips data, pulled or pipelined. */
Test(walk, every_cut_of_a_cabinet_is_an_error_naming_the_offset, .timeout = 120)
{
    const char *names[] = {"Windows6.1-KB9999999-x64.msu", "nested.cab", "sigfake.cab"};
    char tmp[] = "/tmp/mum-cut-XXXXXX";
    int fd = mkstemp(tmp);
    cr_assert(fd >= 0);
    close(fd);
    for (size_t k = 0; k < sizeof names / sizeof *names; k++) {
        char *path = fixture(names[k]);
        size_t size;
        unsigned char *data = slurp(path, &size);
        size_t whole_files;
        cr_assert_eq(pull_all(NULL, path, MUM_WALK_DESCEND, &whole_files), MUM_OK, "%s", names[k]);
        for (size_t cut = 0; cut < size; cut++) {
            FILE *f = fopen(tmp, "wb");
            cr_assert_eq(fwrite(data, 1, cut, f), cut);
            fclose(f);
            const unsigned flags[] = {MUM_WALK_DESCEND, MUM_WALK_DESCEND | MUM_WALK_SIGNATURES,
                                      MUM_WALK_DESCEND | MUM_WALK_FILE_DIGESTS};
            for (int i = 0; i < 3; i++) {
                mum_ctx *ctx;
                mum_ctx_new(&ctx);
                size_t files;
                int rc = pull_all(ctx, tmp, flags[i], &files);
                cr_assert_neq(rc, MUM_OK, "%s cut at %zu (flags %#x) walked clean", names[k], cut, flags[i]);
                cr_assert_leq(files, whole_files);
                const char *msg = mum_ctx_message(ctx);
                cr_assert(strstr(msg, tmp) && strstr(msg, "offset"), "%s cut at %zu: %s", names[k], cut, msg);
                mum_ctx_clear(ctx);
                mum_walk_options o = MUM_WALK_OPTIONS_INIT;
                o.flags = flags[i];
                mum_walk_consumer c = {0};
                rc = mum_walk_run(ctx, tmp, &o, &c, NULL, NULL);
                cr_assert_neq(rc, MUM_OK, "%s cut at %zu (flags %#x): the pipelined walk ran clean", names[k],
                              cut, flags[i]);
                msg = mum_ctx_message(ctx);
                cr_assert(strstr(msg, tmp) && strstr(msg, "offset"), "%s cut at %zu: %s", names[k], cut, msg);
                mum_ctx_free(ctx);
            }
        }
        free(data);
        free(path);
    }
    unlink(tmp);
}

Test(walk, nested_cabinet_digest_equals_the_digest_of_its_bytes)
{
    char *path = fixture("nested.cab");
    /* the inner cabinet's bytes, read as a file entry without descending */
    mum_walk_options o = MUM_WALK_OPTIONS_INIT;
    o.flags = 0;
    mum_walk *w;
    cr_assert_eq(mum_walk_open(&w, NULL, path, &o, NULL), MUM_OK);
    const mum_entry *e;
    mum_hasher *h;
    mum_hasher_new(&h, MUM_HASH_SHA256);
    while (mum_walk_next(&e, w) == MUM_OK && e && strcmp(e->path, "inner.cab") != 0)
        ;
    cr_assert_not_null(e);
    const void *p;
    size_t n;
    do {
        cr_assert_eq(mum_walk_read(w, &p, &n), MUM_OK);
        mum_hasher_update(h, p, n);
    } while (n);
    uint8_t want[32];
    mum_hasher_final(want, h);
    mum_hasher_free(h);
    mum_walk_free(w);

    o.flags = MUM_WALK_DESCEND | MUM_WALK_CONTAINER_SHA256;
    cr_assert_eq(mum_walk_open(&w, NULL, path, &o, NULL), MUM_OK);
    e = end_event(w, "inner.cab");
    cr_assert_not_null(e);
    cr_assert(e->signature && e->signature->raw_valid);
    cr_assert_eq(memcmp(e->signature->raw_sha256, want, 32), 0);
    cr_assert_eq(e->signature->stream_size, 179);
    mum_walk_free(w);
    free(path);
}

static void put_file(const char *dir, const char *name, const void *data, size_t n)
{
    char *p = NULL;
    cr_assert(asprintf(&p, "%s/%s", dir, name) > 0);
    FILE *f = fopen(p, "wb");
    cr_assert_not_null(f);
    fwrite(data, 1, n, f);
    fclose(f);
    free(p);
}

Test(walk, a_folder_is_walked_sorted_with_its_cabinets_opened)
{
    char dir[] = "/tmp/mum-walk-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char *sub = NULL, *link = NULL;
    cr_assert(asprintf(&sub, "%s/sub", dir) > 0 && asprintf(&link, "%s/zlink", dir) > 0);
    mkdir(sub, 0777);
    put_file(dir, "b.txt", "bee\n", 4);
    put_file(dir, "a.txt", "ay\n", 3);
    char *cab = fixture("plain.cab");
    size_t n;
    unsigned char *bytes = slurp(cab, &n);
    put_file(sub, "inner.CAB", bytes, n);
    cr_assert_eq(symlink("/etc/passwd", link), 0);
    mum_findings *f;
    mum_findings_new(&f);
    mum_sbuf log = {0};
    cr_assert_eq(pull_log(dir, MUM_WALK_DESCEND, &log, f), MUM_OK);
    char *want = NULL;
    char h1[65], h2[65], h3[65], h4[65];
    cr_assert(asprintf(&want,
                       "C 0 0 \n"
                       "F 1 3 a.txt %s\n"
                       "F 1 4 b.txt %s\n"
                       "C 1 141 sub/inner.CAB\n"
                       "F 2 16 sub/inner.CAB!hello.txt %s\n"
                       "F 2 19 sub/inner.CAB!dir/sub.txt %s\n"
                       "E 1 141 sub/inner.CAB\n"
                       "E 0 0 \n",
                       sha_hex("ay\n", 3, h1), sha_hex("bee\n", 4, h2), sha_hex("Hello, cabinet.\n", 16, h3),
                       sha_hex("a file in a folder\n", 19, h4)) > 0);
    cr_assert_str_eq(log.data, want);
    cr_assert_eq(tu_count_rule(f, "container.not-regular"), 1);
    cr_assert_str_eq(tu_find_rule(f, "container.not-regular")->loc.entry, "zlink");
    mum__sbuf_free(&log);
    mum_findings_free(f);
    unlink(link);
    char *p = NULL;
    cr_assert(asprintf(&p, "rm -rf '%s'", dir) > 0);
    cr_assert_eq(system(p), 0);
    free(p);
    free(want);
    free(bytes);
    free(cab);
    free(sub);
    free(link);
}

Test(pipeline, gives_the_same_events_and_data_as_the_pull_walk)
{
    const char *names[] = {"nested.cab", "blocks.cab", "names.cab", "Windows6.1-KB9999999-x64.msu",
                           "express.cab", "deep.cab"};
    for (size_t i = 0; i < MUM_ARRAY_LEN(names); i++) {
        char *pulled = log_of(names[i], MUM_WALK_DESCEND);
        char *path = fixture(names[i]);
        /* threaded with the smallest queue (the producer waits often), threaded
         * with a large one, and on one thread */
        const unsigned flags[] = {MUM_WALK_DESCEND, MUM_WALK_DESCEND, MUM_WALK_DESCEND | MUM_WALK_SINGLE_THREAD};
        const uint32_t blocks[] = {4, 256, 4};
        for (int k = 0; k < 3; k++) {
            run_log r = {0};
            cr_assert_eq(run_logged(NULL, path, flags[k], blocks[k], &r), MUM_OK, "%s", names[i]);
            cr_assert_str_eq(r.log.data, pulled, "%s, run %d", names[i], k);
            mum__sbuf_free(&r.log);
        }
        mum__free(pulled);
        free(path);
    }
}

Test(pipeline, a_callback_failure_stops_the_walk)
{
    char *path = fixture("blocks.cab");
    for (int single = 0; single < 2; single++) {
        run_log r = {.stop_after = 2};
        int rc = run_logged(NULL, path, MUM_WALK_DESCEND | (single ? MUM_WALK_SINGLE_THREAD : 0), 4, &r);
        cr_assert_eq(rc, MUM_EFORMAT);
        mum__sbuf_free(&r.log);
    }
    free(path);
}

Test(pipeline, a_decoding_failure_reaches_the_caller_unchanged)
{
    char *path = fixture("badsum.cab");
    mum_ctx *ctx;
    mum_ctx_new(&ctx);
    run_log r = {0};
    cr_assert_eq(run_logged(ctx, path, MUM_WALK_DESCEND, 4, &r), MUM_EFORMAT);
    cr_assert(strstr(mum_ctx_message(ctx), "checksum"), "%s", mum_ctx_message(ctx));
    cr_assert_str_eq(mum_ctx_location(ctx)->entry, "dir/sub.txt");
    cr_assert_str_eq(mum_ctx_location(ctx)->input, path);
    mum__sbuf_free(&r.log);
    mum_ctx_free(ctx);
    free(path);
}

Test(pipeline, findings_of_the_decoding_thread_are_returned)
{
    char *path = fixture("names.cab");
    mum_findings *f;
    mum_findings_new(&f);
    mum_walk_consumer c = {0};
    cr_assert_eq(mum_walk_run(NULL, path, NULL, &c, NULL, f), MUM_OK);
    cr_assert_eq(tu_count_rule(f, "container.unsafe-name"), 5);
    cr_assert_eq(tu_count_rule(f, "container.duplicate-name"), 1);
    mum_findings_free(f);
    free(path);
}

static mum_findings *sweep_findings;

static int sweep_walk(const char *path, unsigned flags)
{
    mum_sbuf log = {0};
    mum_findings_free(sweep_findings);
    sweep_findings = NULL;
    int rc = mum_findings_new(&sweep_findings);
    if (rc == MUM_OK)
        rc = pull_log(path, flags, &log, sweep_findings);
    mum__sbuf_free(&log);
    return rc;
}

Test(walk, out_of_memory_anywhere_is_reported_and_leaks_nothing)
{
    const char *names[] = {"nested.cab", "names.cab", "sigfake.cab"};
    for (size_t i = 0; i < MUM_ARRAY_LEN(names); i++) {
        char *path = fixture(names[i]);
        TU_ALLOC_SWEEP(sweep_walk(path, MUM_WALK_DESCEND | MUM_WALK_SIGNATURES | MUM_WALK_CONTAINER_SHA256 |
                                            MUM_WALK_FILE_DIGESTS),
                       (void)0);
        free(path);
    }
    mum_findings_free(sweep_findings);
    sweep_findings = NULL;
}

static int sweep_run(const char *path)
{
    run_log r = {0};
    mum_walk_options o = MUM_WALK_OPTIONS_INIT;
    o.flags |= MUM_WALK_SINGLE_THREAD | MUM_WALK_SIGNATURES | MUM_WALK_FILE_DIGESTS;
    mum_walk_consumer c = {.want_data = NULL,
                           .entry = rl_entry,
                           .data = rl_data,
                           .entry_end = rl_end};
    int rc = mum_hasher_new(&r.h, MUM_HASH_SHA256);
    if (rc == MUM_OK)
        rc = mum_walk_run(NULL, path, &o, &c, &r, NULL);
    mum_hasher_free(r.h);
    if (rc == MUM_OK && r.log.failed)
        rc = MUM_ENOMEM;
    mum__sbuf_free(&r.log);
    return rc;
}

Test(pipeline, out_of_memory_on_one_thread_is_reported)
{
    char *path = fixture("nested.cab");
    TU_ALLOC_SWEEP(sweep_run(path), (void)0);
    free(path);
}

/* ---- MUM_WALK_FILE_DIGESTS ---- */

typedef struct digest_check {
    mum_sbuf data;     /* the file's bytes as delivered */
    int files;
    bool no_sha1;      /* MUM_WALK_FILE_NO_SHA1 was asked */
    bool skip;         /* dc_every_other: the last file was left unread */
} digest_check;

/* Compares the walk's digests of a file with those computed here from its bytes. */
static void check_file_digests(digest_check *c, const mum_entry *e)
{
    cr_assert_not_null(e->digests, "%s: no digests", e->path);
    const uint8_t *p = c->data.data ? (const uint8_t *)c->data.data : (const uint8_t *)"";
    uint8_t want[MUM_HASH_MAX_SIZE];
    cr_assert_eq(e->digests->sha1_valid, !c->no_sha1, "%s: SHA-1 given or not as asked", e->path);
    cr_assert_eq(mum_hash_buffer(want, MUM_HASH_SHA1, p, c->data.len), MUM_OK);
    if (!c->no_sha1)
        cr_assert_arr_eq(e->digests->sha1, want, 20, "%s: SHA-1", e->path);
    cr_assert_eq(mum_hash_buffer(want, MUM_HASH_SHA256, p, c->data.len), MUM_OK);
    cr_assert_arr_eq(e->digests->sha256, want, 32, "%s: SHA-256", e->path);
    c->files++;
    c->data.len = 0;
}

static int dc_entry(void *ud, const mum_entry *e)
{
    cr_assert_null(e->digests, "%s: digests before the data", e->path);
    ((digest_check *)ud)->data.len = 0;
    return MUM_OK;
}

static int dc_data(void *ud, const mum_entry *e, const void *p, size_t n)
{
    MUM_UNUSED(e);
    mum__sbuf_append(&((digest_check *)ud)->data, p, n);
    return MUM_OK;
}

static int dc_end(void *ud, const mum_entry *e)
{
    check_file_digests(ud, e);
    return MUM_OK;
}

Test(walk, file_digests_once_a_file_is_read_to_the_end)
{
    /* every other file is left after its first block: no digests for it,
     * and the next file's digests start over */
    char *path = fixture("blocks.cab");
    mum_walk_options o = MUM_WALK_OPTIONS_INIT;
    o.flags |= MUM_WALK_FILE_DIGESTS;
    mum_walk *w;
    cr_assert_eq(mum_walk_open(&w, NULL, path, &o, NULL), MUM_OK);
    digest_check c = {0};
    const mum_entry *e;
    int partial = 0;
    bool skip = false;
    while (mum_walk_next(&e, w) == MUM_OK && e) {
        if (e->kind != MUM_ENTRY_FILE)
            continue;
        cr_assert_null(e->digests);
        c.data.len = 0;
        const void *p;
        size_t n;
        skip = !skip;
        do {
            cr_assert_eq(mum_walk_read(w, &p, &n), MUM_OK);
            mum__sbuf_append(&c.data, p, n);
        } while (n && !(skip && e->size > c.data.len));
        if (n == 0) {
            check_file_digests(&c, e);
        } else {
            cr_assert_null(e->digests, "%s: digests of a file not read to the end", e->path);
            partial++;
        }
    }
    cr_assert_gt(c.files, 0);
    cr_assert_gt(partial, 0, "blocks.cab has a file larger than a block");
    mum_walk_free(w);
    mum__sbuf_free(&c.data);
    free(path);
}

/* A cabinet of one stored file "big.bin" of `size` bytes (`data`), in
 * CFDATA blocks of 32 KiB without checksums, with an Authenticode reserve
 * locating 16 stand-in signature bytes after it.  Its bytes in *len. */
static unsigned char *stored_cab(const unsigned char *data, size_t size, size_t *len)
{
    enum { HDR = 36 + 4 + 20, FOLDER = 8, FILE_ = 16 + 8, BLK = 32768 };
    size_t nblk = (size + BLK - 1) / BLK;
    size_t cab = HDR + FOLDER + FILE_ + nblk * 8 + size;
    unsigned char *b = calloc(1, cab + 16);
    memcpy(b, "MSCF", 4);
    mum__put_le32(b + 8, (uint32_t)cab);
    mum__put_le32(b + 16, HDR + FOLDER);              /* coffFiles */
    b[24] = 3, b[25] = 1;                             /* version 1.3 */
    mum__put_le16(b + 26, 1), mum__put_le16(b + 28, 1); /* one folder, one file */
    mum__put_le16(b + 30, 0x0004);                    /* cfhdrRESERVE_PRESENT */
    mum__put_le16(b + 32, 0x1234);
    mum__put_le16(b + 36, 20);                        /* cbCFHeader */
    mum__put_le32(b + 40, 0x00100000);                /* the Authenticode reserve */
    mum__put_le32(b + 44, (uint32_t)cab);             /* the signature's offset */
    mum__put_le32(b + 48, 16);                        /* and length */
    unsigned char *f = b + HDR;
    mum__put_le32(f, HDR + FOLDER + FILE_);           /* coffCabStart */
    mum__put_le16(f + 4, (uint16_t)nblk);
    unsigned char *e = f + FOLDER;
    mum__put_le32(e, (uint32_t)size);
    mum__put_le16(e + 12, 0x5021), mum__put_le16(e + 14, 0x20); /* a date, the archive attribute */
    e[10] = 0x21;
    memcpy(e + 16, "big.bin", 8);
    unsigned char *d = e + FILE_;
    for (size_t at = 0; at < size; at += BLK) {
        size_t n = size - at < BLK ? size - at : BLK;
        mum__put_le16(d + 4, (uint16_t)n), mum__put_le16(d + 6, (uint16_t)n);
        memcpy(d + 8, data + at, n);
        d += 8 + n;
    }
    memcpy(b + cab, "SIGNATURSIGNATUR", 16);
    *len = cab + 16;
    return b;
}

typedef struct big_check {
    mum_sbuf data;                /* big.bin's bytes as delivered */
    mum_cab_signature sig;        /* the cabinet's, at its end */
    bool have_sig;
} big_check;

static int bc_entry(void *ud, const mum_entry *e)
{
    big_check *c = ud;
    if (e->kind == MUM_ENTRY_CONTAINER_END && e->depth == 0 && e->signature) {
        c->sig = *e->signature;
        c->sig.blob = NULL; /* the walk's */
        c->have_sig = true;
    }
    return MUM_OK;
}

static int bc_data(void *ud, const mum_entry *e, const void *p, size_t n)
{
    MUM_UNUSED(e);
    mum__sbuf_append(&((big_check *)ud)->data, p, n);
    return MUM_OK;
}

/* A cabinet file of many more blocks than the digest thread's ring holds
 * (32 of 64 KiB), walked on threads with its signature's digests: the walk
 * reads the file straight into the ring's slots, libarchive decodes from
 * them and the hashing thread hashes them, each slot lent again and again.
 * The file's bytes come out whole, and the digests are those of the file
 * read on its own, as on one thread. */
Test(pipeline, a_cabinet_longer_than_the_digest_ring_reads_and_digests_whole)
{
    size_t size = (size_t)5 << 20, len;
    unsigned char *data = malloc(size);
    for (size_t i = 0; i < size; i++)
        data[i] = (unsigned char)((i * 2654435761u) >> 24);
    unsigned char *cab = stored_cab(data, size, &len);
    char dir[] = "/tmp/mum-walk-XXXXXX", path[64];
    cr_assert_not_null(mkdtemp(dir));
    put_file(dir, "big.cab", cab, len);
    snprintf(path, sizeof path, "%s/big.cab", dir);
    mum_cab_signature alone;
    cr_assert_eq(mum_cab_signature_read(&alone, NULL, path, 0, NULL), MUM_OK);
    cr_assert(alone.digests_valid, "the made cabinet must be a signed one");
    const unsigned flags[] = {0, MUM_WALK_SINGLE_THREAD};
    for (size_t k = 0; k < MUM_ARRAY_LEN(flags); k++) {
        big_check c = {0};
        mum_walk_options o = MUM_WALK_OPTIONS_INIT;
        o.flags |= MUM_WALK_SIGNATURES | flags[k];
        mum_walk_consumer cons = {.entry = bc_entry, .data = bc_data};
        cr_assert_eq(mum_walk_run(NULL, path, &o, &cons, &c, NULL), MUM_OK, "run %zu", k);
        cr_assert_eq(c.data.len, size, "run %zu", k);
        cr_assert(memcmp(c.data.data, data, size) == 0, "run %zu: the file's bytes differ", k);
        cr_assert(c.have_sig && c.sig.digests_valid, "run %zu", k);
        cr_assert_arr_eq(c.sig.sha1, alone.sha1, 20, "run %zu", k);
        cr_assert_arr_eq(c.sig.sha256, alone.sha256, 32, "run %zu", k);
        cr_assert_eq(c.sig.stream_size, len, "run %zu", k);
        mum__sbuf_free(&c.data);
    }
    mum_cab_signature_clear(&alone);
    unlink(path);
    rmdir(dir);
    free(cab);
    free(data);
}

Test(pipeline, file_digests_are_those_of_the_data)
{
    const char *names[] = {"nested.cab", "blocks.cab", "Windows6.1-KB9999999-x64.msu", "express.cab"};
    /* the last run: SHA-256 only, with the cabinets' digests on their own thread */
    const unsigned flags[] = {MUM_WALK_DESCEND, MUM_WALK_DESCEND, MUM_WALK_DESCEND | MUM_WALK_SINGLE_THREAD,
                              MUM_WALK_DESCEND | MUM_WALK_SIGNATURES | MUM_WALK_FILE_NO_SHA1};
    const uint32_t blocks[] = {4, 256, 4, 16};
    for (size_t i = 0; i < MUM_ARRAY_LEN(names); i++) {
        char *path = fixture(names[i]);
        int files = -1;
        for (size_t k = 0; k < MUM_ARRAY_LEN(flags); k++) {
            digest_check c = {.no_sha1 = (flags[k] & MUM_WALK_FILE_NO_SHA1) != 0};
            mum_walk_options o = MUM_WALK_OPTIONS_INIT;
            o.flags = flags[k] | MUM_WALK_FILE_DIGESTS;
            o.queue_blocks = blocks[k];
            mum_walk_consumer cons = {.want_data = NULL,
                                      .entry = dc_entry,
                                      .data = dc_data,
                                      .entry_end = dc_end};
            cr_assert_eq(mum_walk_run(NULL, path, &o, &cons, &c, NULL), MUM_OK, "%s, run %zu", names[i], k);
            cr_assert_gt(c.files, 0, "%s", names[i]);
            cr_assert(files < 0 || c.files == files, "%s: run %zu saw other files", names[i], k);
            files = c.files;
            mum__sbuf_free(&c.data);
        }
        free(path);
    }
}

/* Leaves every other file's data unread (want_data false: no data, no end). */
static bool dc_every_other(void *ud, const mum_entry *e)
{
    MUM_UNUSED(e);
    digest_check *c = ud;
    c->skip = !c->skip;
    return !c->skip;
}

Test(pipeline, file_digests_with_files_left_unread_and_without_threads)
{
    /* the hashing stage starts over at each file, whatever the last one
     * left in it; with no thread to be had, the walker digests (the
     * decoding thread or the caller's), with the same results */
    const char *names[] = {"blocks.cab", "nested.cab", "express.cab"};
    for (size_t i = 0; i < MUM_ARRAY_LEN(names); i++) {
        char *path = fixture(names[i]);
        int files = -1;
        for (int k = 0; k < 4; k++) {
            digest_check c = {.no_sha1 = k == 3};
            mum_walk_options o = MUM_WALK_OPTIONS_INIT;
            o.flags = MUM_WALK_DESCEND | MUM_WALK_FILE_DIGESTS | (k == 3 ? MUM_WALK_FILE_NO_SHA1 : 0);
            o.queue_blocks = k == 1 ? 4 : 64;
            mum_walk_consumer cons = {.want_data = dc_every_other,
                                      .entry = dc_entry,
                                      .data = dc_data,
                                      .entry_end = dc_end};
            bool old = mum__pool_no_threads(k == 2);
            int rc = mum_walk_run(NULL, path, &o, &cons, &c, NULL);
            mum__pool_no_threads(old);
            cr_assert_eq(rc, MUM_OK, "%s, run %d", names[i], k);
            cr_assert(files < 0 || c.files == files, "%s: run %d saw other files", names[i], k);
            files = c.files;
            mum__sbuf_free(&c.data);
        }
        cr_assert_gt(files, 0, "%s", names[i]);
        free(path);
    }
}

/* mum_walk_consumer.prepare: what the decoding thread makes of a file
 * reaches the consumer's callbacks as e->prepared, each result exactly
 * once, and what the walk could not deliver goes to release. */
typedef struct prep_log {
    int made, delivered, released;
    int entries, stop_at; /* entry fails at this file (0: never) */
    bool mismatch;        /* a result reached the wrong file */
} prep_log;

static void *pl_prepare(void *ud, const mum_entry *e, const void *data, size_t size)
{
    MUM_UNUSED(data);
    MUM_UNUSED(size);
    prep_log *l = ud;
    __atomic_add_fetch(&l->made, 1, __ATOMIC_RELAXED);
    return mum__strdup(e->path);
}

static void pl_release(void *ud, void *p)
{
    prep_log *l = ud;
    __atomic_add_fetch(&l->released, 1, __ATOMIC_RELAXED);
    mum__free(p);
}

static int pl_entry(void *ud, const mum_entry *e)
{
    prep_log *l = ud;
    if (e->kind != MUM_ENTRY_FILE)
        return MUM_OK;
    int rc = ++l->entries == l->stop_at ? MUM_EINVAL : MUM_OK;
    if (rc != MUM_OK)
        usleep(50000); /* the decoding thread fills the queue with results meanwhile */
    if (e->prepared) {
        l->delivered++;
        if (strcmp(e->prepared, e->path) != 0)
            l->mismatch = true;
        mum__free(e->prepared); /* the consumer's from here, even when it fails */
    }
    return rc;
}

Test(walk, prepared_results_reach_their_file_once_or_are_released)
{
    char *path = fixture("nested.cab");
    int released = 0;
    for (int stop = 0; stop < 6; stop++) {
        prep_log l = {.stop_at = stop};
        mum_walk_options o = MUM_WALK_OPTIONS_INIT;
        o.queue_blocks = 4; /* the decoding thread runs ahead and fills the queue */
        mum_walk_consumer c = {.entry = pl_entry, .prepare = pl_prepare, .release = pl_release};
        mum__walk_prepare_always(true);
        int rc = mum_walk_run(NULL, path, &o, &c, &l, NULL);
        mum__walk_prepare_always(false);
        cr_assert_eq(rc, stop ? MUM_EINVAL : MUM_OK, "stop at %d", stop);
        cr_assert_not(l.mismatch);
        cr_assert_gt(l.made, 0);
        cr_assert_eq(l.made, l.delivered + l.released, "stop at %d: %d made, %d delivered, %d released",
                     stop, l.made, l.delivered, l.released);
        if (!stop)
            cr_assert_eq(l.released, 0);
        released += l.released;
        /* one thread: never */
        prep_log one = {0};
        o.flags |= MUM_WALK_SINGLE_THREAD;
        mum__walk_prepare_always(true);
        cr_assert_eq(mum_walk_run(NULL, path, &o, &c, &one, NULL), MUM_OK);
        mum__walk_prepare_always(false);
        cr_assert_eq(one.made, 0);
    }
    cr_assert_gt(released, 0, "some walk stopped with results in the queue");
    free(path);
}

/* ---- a cabinet announced whole or cut (mum_walk_check_whole) ---- */

Test(walk_check, cut_cabinets_are_refused_before_their_entries)
{
    static const struct {
        const char *name;
        int status;
        const char *message;
    } cases[] = {
        {"plain.cab", MUM_OK, ""},
        {"sigtrunc.cab", MUM_EFORMAT,
         "sigtrunc.cab: at offset 209: truncated: the file ends inside its signature (64 bytes at offset 165)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *path = fixture(cases[i].name);
        mum_ctx *ctx;
        cr_assert_eq(mum_ctx_new(&ctx), MUM_OK);
        mum_walk *w;
        cr_assert_eq(mum_walk_open(&w, ctx, path, NULL, NULL), MUM_OK, "%s", mum_ctx_message(ctx));
        const mum_entry *e;
        cr_assert_eq(mum_walk_next(&e, w), MUM_OK);
        cr_assert_eq(e->kind, MUM_ENTRY_CONTAINER);
        cr_assert_eq(mum_walk_check_whole(ctx, cases[i].name, e), cases[i].status, "%s", cases[i].name);
        cr_assert_str_eq(mum_ctx_message(ctx), cases[i].message);
        mum_walk_free(w);
        mum_ctx_free(ctx);
        free(path);
    }
    /* a header declaring more than there is */
    mum_cab_header h;
    memset(&h, 0, sizeof h);
    h.cabinet_size = 1000;
    mum_entry e;
    memset(&e, 0, sizeof e);
    e.kind = MUM_ENTRY_CONTAINER;
    e.path = "a.cab";
    e.size = 999;
    e.cab = &h;
    mum_ctx *ctx;
    cr_assert_eq(mum_ctx_new(&ctx), MUM_OK);
    cr_assert_eq(mum_walk_check_whole(ctx, "x.msu", &e), MUM_EFORMAT);
    cr_assert_str_eq(mum_ctx_message(ctx),
                     "x.msu!a.cab: at offset 999: truncated: the file ends before the 1000 bytes its header declares");
    e.size = 1000;
    cr_assert_eq(mum_walk_check_whole(ctx, "x.msu", &e), MUM_OK);
    e.kind = MUM_ENTRY_FILE;
    e.size = 1;
    cr_assert_eq(mum_walk_check_whole(ctx, "x.msu", &e), MUM_OK, "only containers are checked");
    mum_ctx_free(ctx);
}

/* The first event of a walk that is a file or a nested cabinet: its path. */
static char *first_entry(const char *path, int *status)
{
    mum_walk *w;
    char *first = NULL;
    *status = mum_walk_open(&w, NULL, path, NULL, NULL);
    if (*status != MUM_OK)
        return NULL;
    const mum_entry *e;
    while ((*status = mum_walk_next(&e, w)) == MUM_OK && e)
        if (!first && e->depth == 1)
            first = strdup(e->path);
    mum_walk_free(w);
    return first;
}

/* The walk keeps its last local-to-UTC conversion: entries of one date
 * share it, and an entry of another date gets its own. */
static int64_t second_mtime_after_redating(unsigned dos_date, int64_t *first)
{
    char *path = fixture("plain.cab");
    size_t size;
    unsigned char *data = slurp(path, &size);
    /* the CFFILE record of "dir\sub.txt": 16 bytes before its name; its
     * date at +10 (the table is not checksummed) */
    unsigned char *name = memmem(data, size, "dir\\sub.txt", 11);
    cr_assert_not_null(name);
    name[-16 + 10] = (unsigned char)(dos_date & 0xff);
    name[-16 + 11] = (unsigned char)(dos_date >> 8);
    char tmp[] = "/tmp/mum-date-XXXXXX";
    int fd = mkstemp(tmp);
    cr_assert(fd >= 0);
    cr_assert_eq(write(fd, data, size), (ssize_t)size);
    close(fd);
    mum_walk *w;
    cr_assert_eq(mum_walk_open(&w, NULL, tmp, NULL, NULL), MUM_OK);
    const mum_entry *e;
    cr_assert_eq(mum_walk_next(&e, w), MUM_OK);
    cr_assert_eq(mum_walk_next(&e, w), MUM_OK);
    cr_assert(e->has_mtime);
    *first = e->mtime;
    cr_assert_eq(mum_walk_next(&e, w), MUM_OK);
    cr_assert_str_eq(e->name, "dir/sub.txt");
    cr_assert(e->has_mtime);
    int64_t second = e->mtime;
    mum_walk_free(w);
    unlink(tmp);
    free(data);
    free(path);
    return second;
}

Test(walk, entries_of_one_date_and_of_another_date_keep_their_own_times)
{
    int64_t first;
    /* 2020-01-02 as the fixture has it, then 2021-01-02, 2020-07-02 (summer) */
    cr_assert_eq(second_mtime_after_redating((40u << 9) | (1u << 5) | 2u, &first), 1577934244);
    cr_assert_eq(first, 1577934244);
    cr_assert_eq(second_mtime_after_redating((41u << 9) | (1u << 5) | 2u, &first),
                 1577934244 + 366 * 86400);
    cr_assert_eq(first, 1577934244);
    cr_assert_eq(second_mtime_after_redating((40u << 9) | (7u << 5) | 2u, &first),
                 1577934244 + 182 * 86400);
    cr_assert_eq(first, 1577934244);
}

/* An .msu cut inside the data of its first entry, a nested cabinet, still
 * names that entry (the file table holds it) before the error: a listing
 * shows what came before the damage, not nothing. */
Test(walk, a_cut_in_a_nested_cabinets_data_still_gives_its_entry)
{
    char *path = fixture("Windows6.1-KB9999999-x64.msu");
    size_t size;
    unsigned char *data = slurp(path, &size);
    int rc;
    char *whole = first_entry(path, &rc);
    cr_assert_eq(rc, MUM_OK);
    cr_assert_str_eq(whole, "Windows6.1-KB9999999-x64.cab");
    char tmp[] = "/tmp/mum-cut-XXXXXX";
    int fd = mkstemp(tmp);
    cr_assert(fd >= 0);
    close(fd);
    for (size_t cut = size / 2; cut < size * 3 / 4; cut += 7) {
        FILE *f = fopen(tmp, "wb");
        cr_assert_eq(fwrite(data, 1, cut, f), cut);
        fclose(f);
        char *got = first_entry(tmp, &rc);
        cr_assert_neq(rc, MUM_OK, "cut at %zu walked clean", cut);
        cr_assert_not_null(got, "cut at %zu: no entry before the error", cut);
        cr_assert_str_eq(got, whole);
        free(got);
    }
    unlink(tmp);
    free(whole);
    free(data);
    free(path);
}

/* Makes `data` the process's standard input (a pipe, so nothing can seek
 * or pread it); the test process is its own, so stdin is ours to replace. */
static void stdin_from(const unsigned char *data, size_t size)
{
    int p[2];
    cr_assert_eq(pipe(p), 0);
    cr_assert_lt(size, 60000u); /* fits the pipe's buffer: written before reading */
    cr_assert_eq(write(p[1], data, size), (ssize_t)size);
    close(p[1]);
    cr_assert_eq(dup2(p[0], STDIN_FILENO), STDIN_FILENO);
    close(p[0]);
}

/* "-" walks standard input as a stream: the same events as the file, and
 * the signature of a signed cabinet (which cannot be read ahead from a
 * pipe) digested in both algorithms, found and complete. */
Test(walk, standard_input_is_walked_as_a_stream)
{
    const char *names[] = {"Windows6.1-KB9999999-x64.msu", "nested.cab", "sigfake.cab"};
    for (size_t k = 0; k < sizeof names / sizeof *names; k++) {
        char *path = fixture(names[k]);
        size_t size;
        unsigned char *data = slurp(path, &size);
        char *from_file[64], *from_stdin[64];
        size_t nfile = 0, nstdin = 0;
        mum_walk_options o = MUM_WALK_OPTIONS_INIT;
        o.flags |= MUM_WALK_SIGNATURES | MUM_WALK_SIGNATURE_ONE_DIGEST;
        bool sig_file = false, sig_stdin = false;
        for (int pass = 0; pass < 2; pass++) {
            if (pass)
                stdin_from(data, size);
            mum_walk *w;
            mum_ctx *ctx;
            mum_ctx_new(&ctx);
            cr_assert_eq(mum_walk_open(&w, ctx, pass ? MUM_INPUT_STDIN : path, &o, NULL), MUM_OK, "%s",
                         mum_ctx_message(ctx));
            const mum_entry *e;
            int rc;
            while ((rc = mum_walk_next(&e, w)) == MUM_OK && e) {
                char **list = pass ? from_stdin : from_file;
                size_t *n = pass ? &nstdin : &nfile;
                cr_assert_lt(*n, 64u);
                cr_assert(asprintf(&list[(*n)++], "%d %s %llu", (int)e->kind, e->path,
                                   (unsigned long long)e->size) > 0);
                if (e->kind == MUM_ENTRY_CONTAINER_END && e->depth == 0 && e->signature &&
                    e->signature->present) {
                    bool *sig = pass ? &sig_stdin : &sig_file;
                    *sig = true;
                    if (pass)
                        cr_assert(e->signature->sha1_valid && e->signature->sha256_valid,
                                  "%s from a pipe: both digests", names[k]);
                }
            }
            cr_assert_eq(rc, MUM_OK, "%s (%s): %s", names[k], pass ? "stdin" : "file", mum_ctx_message(ctx));
            mum_walk_free(w);
            mum_ctx_free(ctx);
        }
        cr_assert_eq(nfile, nstdin, "%s", names[k]);
        for (size_t i = 0; i < nfile; i++) {
            cr_assert_str_eq(from_stdin[i], from_file[i], "%s event %zu", names[k], i);
            free(from_file[i]);
            free(from_stdin[i]);
        }
        cr_assert_eq(sig_file, sig_stdin, "%s", names[k]);
        free(data);
        free(path);
    }
}

/* The signature digests at the end of the outermost cabinet, as hex. */
static char *top_signature(const char *input, unsigned flags)
{
    mum_walk_options o = MUM_WALK_OPTIONS_INIT;
    o.flags = flags;
    mum_walk *w;
    cr_assert_eq(mum_walk_open(&w, NULL, input, &o, NULL), MUM_OK);
    const mum_entry *e = end_event(w, "");
    cr_assert_not_null(e);
    const mum_cab_signature *s = e->signature;
    char *out = NULL, sha1[41] = "-", sha256[65] = "-";
    if (s && s->sha1_valid)
        mum_hex_encode(sha1, s->sha1, 20);
    if (s && s->sha256_valid)
        mum_hex_encode(sha256, s->sha256, 32);
    cr_assert(asprintf(&out, "%d %llu %s %s", s && s->present, s ? (unsigned long long)s->stream_size : 0ull,
                       sha1, sha256) > 0);
    mum_walk_free(w);
    return out;
}

/* A cabinet file's first block is read once and handed to libarchive from
 * memory: a small file costs one system read (no re-read of its start, of
 * its signature, no read to learn its end), a large one its blocks; the
 * entries, their data and the cabinet digests are those of the same bytes
 * streamed from standard input, where nothing is read ahead. */
Test(walk, a_small_file_is_read_once_and_gives_what_a_stream_gives)
{
    const char *names[] = {"sigfake.cab", "Windows6.1-KB9999999-x64.msu", "nested.cab", "plain.cab",
                           "blocks.cab"};
    const unsigned flags = MUM_WALK_DESCEND | MUM_WALK_SIGNATURES | MUM_WALK_FILE_DIGESTS;
    for (size_t k = 0; k < sizeof names / sizeof *names; k++) {
        char *path = fixture(names[k]);
        size_t size;
        unsigned char *data = slurp(path, &size);
        mum_sbuf from_file = {0}, from_stdin = {0};
        mum_findings *f;
        mum_findings_new(&f);
        mum__io_fail_at(0, 0);
        cr_assert_eq(pull_log(path, flags | MUM_WALK_SIGNATURE_ONE_DIGEST, &from_file, f), MUM_OK, "%s",
                     names[k]);
        unsigned long reads = mum__io_fail_at(0, 0);
        unsigned long want = size <= MUM_WALK_BLOCK_SIZE ? 1 : (unsigned long)(size / MUM_WALK_BLOCK_SIZE) + 2;
        cr_assert_eq(reads, want, "%s (%zu bytes): %lu system reads, not %lu", names[k], size, reads, want);
        if (size < 60000) {
            stdin_from(data, size);
            cr_assert_eq(pull_log(MUM_INPUT_STDIN, flags, &from_stdin, f), MUM_OK, "%s", names[k]);
            char *a = mum__sbuf_take(&from_file), *b = mum__sbuf_take(&from_stdin);
            cr_assert_str_eq(b, a, "%s", names[k]);
            free(a);
            free(b);
            char *sig_file = top_signature(path, flags);
            stdin_from(data, size);
            char *sig_stdin = top_signature(MUM_INPUT_STDIN, flags);
            cr_assert_str_eq(sig_file, sig_stdin, "%s", names[k]);
            free(sig_file);
            free(sig_stdin);
        }
        mum__sbuf_free(&from_file);
        mum__sbuf_free(&from_stdin);
        mum_findings_free(f);
        free(data);
        free(path);
    }
}

/* A named pipe given by its path is not read ahead as a regular file's
 * first block is (it has no size to stop at): its magic is read with
 * pread, which a pipe refuses, so it stays the read error it was. */
Test(walk, a_named_pipe_is_refused_with_a_read_error)
{
    char dir[] = "/tmp/mum-fifo-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char fifo[64];
    snprintf(fifo, sizeof fifo, "%s/p.cab", dir);
    cr_assert_eq(mkfifo(fifo, 0600), 0);
    pid_t pid = fork();
    cr_assert(pid >= 0);
    if (pid == 0) {
        signal(SIGPIPE, SIG_DFL);
        int fd = open(fifo, O_WRONLY);
        if (fd >= 0 && write(fd, "MSCF\0\0\0\0", 8) < 0)
            _exit(1);
        _exit(0);
    }
    mum_ctx *ctx;
    mum_ctx_new(&ctx);
    mum_walk *w = NULL;
    cr_assert_eq(mum_walk_open(&w, ctx, fifo, NULL, NULL), MUM_EIO, "%s", mum_ctx_message(ctx));
    cr_assert(strstr(mum_ctx_message(ctx), "at offset 0: read error"), "%s", mum_ctx_message(ctx));
    mum_ctx_free(ctx);
    waitpid(pid, NULL, 0);
    unlink(fifo);
    rmdir(dir);
}

/* What is not a cabinet on standard input is refused at offset 0, naming "-". */
Test(walk, standard_input_that_is_not_a_cabinet)
{
    stdin_from((const unsigned char *)"hello", 5);
    mum_ctx *ctx;
    mum_ctx_new(&ctx);
    mum_walk *w;
    cr_assert_eq(mum_walk_open(&w, ctx, MUM_INPUT_STDIN, NULL, NULL), MUM_EFORMAT);
    cr_assert(strstr(mum_ctx_message(ctx), "-: at offset 0: not a cabinet"), "%s", mum_ctx_message(ctx));
    mum_ctx_free(ctx);
}

/* Every name hashes the same: only a real comparison tells names apart. */
static uint64_t one_hash(const char *folded)
{
    (void)folded;
    return 42;
}

/* Names as a cabinet has them: long shared prefixes, more than a restart
 * group of the packed names. */
static void name_of(char *buf, size_t size, int i, bool upper)
{
    snprintf(buf, size, "%s_microsoft-windows-part-%03d_31bf3856ad364e35_6.1.7601.24000_none/f%d.%s",
             upper ? "AMD64" : "amd64", i / 3, i, i % 2 ? "dll" : "sys");
}

/* The name set keeps hashes and packed names: a clash gives the earlier
 * name byte for byte, and a hash shared by different names is no clash. */
Test(name_set, clashes_are_real_names_whatever_the_hash)
{
    uint64_t (*hashes[])(const char *) = {NULL, one_hash};
    const int n = 3 * MUM_NAME_RESTART + 5;
    for (size_t h = 0; h < MUM_ARRAY_LEN(hashes); h++) {
        name_set s = {.hash = hashes[h]};
        char name[256], again[256];
        const char *clash;
        for (int i = 0; i < n; i++) {
            name_of(name, sizeof name, i, false);
            cr_assert(mum__name_set_add(&s, name, &clash));
            cr_assert_null(clash, "hash %zu: '%s' is new, not a duplicate of '%s'", h, name, clash);
        }
        cr_assert_eq(s.count, (size_t)n);
        for (int i = n - 1; i >= 0; i--) {
            name_of(name, sizeof name, i, false);
            name_of(again, sizeof again, i, true);
            cr_assert(mum__name_set_add(&s, again, &clash));
            cr_assert_not_null(clash, "hash %zu: '%s'", h, again);
            cr_assert_str_eq(clash, name, "hash %zu", h);
            cr_assert(mum__name_set_add(&s, name, &clash));
            cr_assert_str_eq(clash, name, "hash %zu", h);
        }
        cr_assert_eq(s.count, (size_t)n, "a clash adds nothing");
        /* non-UTF-8 bytes fold as ASCII, the rest as they are */
        cr_assert(mum__name_set_add(&s, "X\xff.TXT", &clash));
        cr_assert_null(clash);
        cr_assert(mum__name_set_add(&s, "x\xff.txt", &clash));
        cr_assert_str_eq(clash, "X\xff.TXT");
        cr_assert(mum__name_set_add(&s, "", &clash));
        cr_assert_null(clash);
        cr_assert(mum__name_set_add(&s, "", &clash));
        cr_assert_str_eq(clash, "");
        mum__name_set_free(&s);
    }
}

/* ASCII names are folded eight bytes at a time: every ASCII byte, in
 * every place of a word, clashes with its other case and only with it
 * ('@' '[' '`' '{', next to the letters, have no other case). */
Test(name_set, every_ascii_byte_in_every_place_folds_as_one_at_a_time)
{
    for (int place = 0; place < 17; place++) {
        name_set s = {0};
        const char *clash;
        for (int c = 1; c < 0x80; c++) {
            char name[24];
            memset(name, 'z', sizeof name);
            name[place] = (char)c;
            name[20] = '\0';
            cr_assert(mum__name_set_add(&s, name, &clash));
            bool lower = c >= 'a' && c <= 'z';
            if (lower && c != 'z') {
                cr_assert_not_null(clash, "0x%02x at %d", c, place);
                cr_assert_eq((unsigned char)clash[place], c - 0x20, "0x%02x at %d", c, place);
            } else if (c == 'z') {
                cr_assert_not_null(clash, "'z' at %d is the all-'z' name", place);
            } else {
                cr_assert_null(clash, "0x%02x at %d clashes with '%s'", c, place, clash);
            }
        }
        mum__name_set_free(&s);
    }
}

/* ASCII names are folded and hashed on the stack, longer ones and the
 * rest through the allocating fold: names of every length around the
 * stack buffer's (512 bytes) clash with their upper-case twins and with
 * nothing else, whichever way each was folded. */
Test(name_set, ascii_names_of_any_length_clash_with_their_twins)
{
    name_set s = {0};
    static char low[700], up[700];
    const char *clash;
    const size_t lens[] = {1, 100, 509, 510, 511, 512, 513, 600};
    for (size_t k = 0; k < MUM_ARRAY_LEN(lens); k++) {
        for (size_t i = 0; i < lens[k]; i++)
            low[i] = (char)('a' + (i + k) % 26);
        low[lens[k]] = '\0';
        for (size_t i = 0; i <= lens[k]; i++)
            up[i] = (char)toupper((unsigned char)low[i]);
        cr_assert(mum__name_set_add(&s, low, &clash));
        cr_assert_null(clash, "length %zu: new", lens[k]);
        cr_assert(mum__name_set_add(&s, up, &clash));
        cr_assert_not_null(clash, "length %zu: the upper-case twin", lens[k]);
        cr_assert_str_eq(clash, low);
    }
    /* a name with a non-ASCII byte in it folds the other way: twins still */
    cr_assert(mum__name_set_add(&s, "\xc3\x89t\xc3\xa9.TXT", &clash));
    cr_assert_null(clash);
    cr_assert(mum__name_set_add(&s, "\xc3\xa9T\xc3\xa9.txt", &clash));
    cr_assert_str_eq(clash, "\xc3\x89t\xc3\xa9.TXT");
    cr_assert_eq(s.count, MUM_ARRAY_LEN(lens) + 1);
    mum__name_set_free(&s);
}

/* Names share prefixes with the one before: the set holds a few bytes
 * of each, not the whole. */
Test(name_set, packed_names_cost_what_differs)
{
    name_set s = {0};
    char name[256];
    const char *clash;
    size_t total = 0;
    for (int i = 0; i < 1000; i++) {
        name_of(name, sizeof name, i, false);
        total += strlen(name);
        cr_assert(mum__name_set_add(&s, name, &clash));
    }
    cr_assert_lt(s.pool_len, total / 2, "%zu bytes for %zu", s.pool_len, total);
    mum__name_set_free(&s);
}

/* ---- stored CFDATA blocks of any size up to 32 KiB ---- */

/* The CFDATA checksum of MS-CAB, written here from the specification. */
static uint32_t cfdata_sum(const unsigned char *p, size_t n, uint32_t seed)
{
    uint32_t sum = seed, t = 0;
    size_t i = 0;
    for (; i + 4 <= n; i += 4)
        sum ^= (uint32_t)p[i] | (uint32_t)p[i + 1] << 8 | (uint32_t)p[i + 2] << 16 | (uint32_t)p[i + 3] << 24;
    for (; i < n; i++)
        t = t << 8 | p[i];
    return sum ^ t;
}

/* A cabinet of one stored folder holding `name` (`size` bytes of `data`)
 * then "after.txt", in CFDATA blocks of `blk` bytes (the last shorter)
 * with their checksums; the block `bad` (if < the count) gets a wrong one.
 * Its bytes in *len. */
static unsigned char *blocks_cab(const char *name, const unsigned char *data, size_t size, size_t blk,
                                 size_t bad, size_t *len)
{
    static const char after[] = "after\n";
    size_t total = size + 6, nblk = (total + blk - 1) / blk, nl = strlen(name) + 1;
    size_t files = 16 + nl + 16 + 10, head = 36 + 8;
    size_t cab = head + files + nblk * 8 + total;
    unsigned char *all = malloc(total), *b = calloc(1, cab);
    memcpy(all, data, size);
    memcpy(all + size, after, 6);
    memcpy(b, "MSCF", 4);
    mum__put_le32(b + 8, (uint32_t)cab);
    mum__put_le32(b + 16, (uint32_t)head);            /* coffFiles */
    b[24] = 3, b[25] = 1;
    mum__put_le16(b + 26, 1), mum__put_le16(b + 28, 2); /* one folder, two files */
    mum__put_le32(b + 36, (uint32_t)(head + files));  /* coffCabStart */
    mum__put_le16(b + 40, (uint16_t)nblk);
    unsigned char *e = b + head;
    mum__put_le32(e, (uint32_t)size);
    mum__put_le16(e + 12, 0x5021), mum__put_le16(e + 14, 0x20);
    memcpy(e + 16, name, nl);
    e += 16 + nl;
    mum__put_le32(e, 6), mum__put_le32(e + 4, (uint32_t)size);
    mum__put_le16(e + 12, 0x5021), mum__put_le16(e + 14, 0x20);
    memcpy(e + 16, "after.txt", 10);
    unsigned char *d = b + head + files;
    for (size_t i = 0, at = 0; at < total; i++, at += blk) {
        size_t n = total - at < blk ? total - at : blk;
        mum__put_le16(d + 4, (uint16_t)n), mum__put_le16(d + 6, (uint16_t)n);
        memcpy(d + 8, all + at, n);
        uint32_t sum = cfdata_sum(d + 4, 4, cfdata_sum(d + 8, n, 0));
        mum__put_le32(d, i == bad ? sum ^ 0x10 : sum);
        d += 8 + n;
    }
    free(all);
    *len = cab;
    return b;
}

typedef struct small_check {
    mum_sbuf big, after;  /* the innermost cabinet's files as delivered */
    uint64_t containers_end;
    unsigned depth;       /* of the innermost cabinet's entries */
} small_check;

static int sc_entry(void *ud, const mum_entry *e)
{
    if (e->kind == MUM_ENTRY_CONTAINER_END)
        ((small_check *)ud)->containers_end++;
    return MUM_OK;
}

static int sc_data(void *ud, const mum_entry *e, const void *p, size_t n)
{
    small_check *c = ud;
    size_t l = strlen(e->path);
    if (l >= 7 && strcmp(e->path + l - 7, "big.bin") == 0)
        mum__sbuf_append(&c->big, p, n);
    else if (l >= 9 && strcmp(e->path + l - 9, "after.txt") == 0 && e->depth == c->depth)
        mum__sbuf_append(&c->after, p, n);
    return MUM_OK;
}

/* Walks path with `flags` added, delivering into *c (sc_entry, sc_data);
 * returns the walk's code, the context (the caller's to free) in *ctx. */
static int walk_small(const char *path, unsigned flags, small_check *c, mum_ctx **ctx)
{
    mum_walk_options o = MUM_WALK_OPTIONS_INIT;
    o.flags |= flags;
    mum_walk_consumer cons = {.entry = sc_entry, .data = sc_data};
    *ctx = NULL;
    cr_assert_eq(mum_ctx_new(ctx), MUM_OK);
    return mum_walk_run(*ctx, path, &o, &cons, c, NULL);
}

/* big.bin in a cabinet of `blk`-byte blocks, nested `depth` deep in
 * cabinets of 32 KiB blocks (each holding the one inside as "inner.cab"),
 * written to dir/small.cab; its path in *path. */
static void write_nested_small(const char *dir, const unsigned char *data, size_t size, size_t blk,
                               unsigned depth, size_t bad, char *path, size_t path_size)
{
    size_t len;
    unsigned char *cab = blocks_cab("big.bin", data, size, blk, bad, &len);
    for (unsigned d = 0; d < depth; d++) {
        size_t outer_len;
        unsigned char *outer = blocks_cab("inner.cab", cab, len, 32768, SIZE_MAX, &outer_len);
        free(cab);
        cab = outer, len = outer_len;
    }
    put_file(dir, "small.cab", cab, len);
    snprintf(path, path_size, "%s/small.cab", dir);
    free(cab);
}

/* MS-CAB allows a CFDATA block of any size up to 32 768 bytes (Windows
 * reads them all); libarchive takes only 32 768 before a folder's last
 * block, and said "Invalid CFDATA" at the first small one.  Stored
 * folders of small blocks read whole, on their own and nested one and
 * two deep, on threads and on one, with and without the digests that
 * read every byte (without them, a file's cabinet may be skipped over by
 * seeking). */
Test(walk, stored_blocks_of_any_size_read_whole)
{
    size_t size = 70000;
    unsigned char *data = malloc(size);
    for (size_t i = 0; i < size; i++)
        data[i] = (unsigned char)((i * 2654435761u) >> 24);
    char dir[] = "/tmp/mum-walk-XXXXXX", path[64];
    cr_assert_not_null(mkdtemp(dir));
    const size_t blks[] = {1, 100, 1000, 1700, 1701, 2000, 32767, 32768};
    const unsigned flags[] = {0, MUM_WALK_SINGLE_THREAD, MUM_WALK_SIGNATURES,
                              MUM_WALK_SIGNATURES | MUM_WALK_SINGLE_THREAD | MUM_WALK_CONTAINER_SHA256};
    for (size_t b = 0; b < MUM_ARRAY_LEN(blks); b++) {
        /* blocks of 1 byte: fewer bytes, the block count is 16 bits */
        size_t n = blks[b] == 1 ? 3000 : size;
        for (unsigned depth = 0; depth <= 2; depth++) {
            write_nested_small(dir, data, n, blks[b], depth, SIZE_MAX, path, sizeof path);
            for (size_t k = 0; k < MUM_ARRAY_LEN(flags); k++) {
                small_check c = {.depth = depth + 1};
                mum_ctx *ctx;
                int rc = walk_small(path, flags[k], &c, &ctx);
                cr_assert_eq(rc, MUM_OK, "blocks of %zu, %u deep, flags %#x: %s", blks[b], depth, flags[k],
                             mum_ctx_message(ctx));
                cr_assert_eq(c.big.len, n, "blocks of %zu, %u deep, flags %#x", blks[b], depth, flags[k]);
                cr_assert(memcmp(c.big.data, data, n) == 0, "blocks of %zu, %u deep: the bytes differ", blks[b],
                          depth);
                cr_assert_eq(c.after.len, 6, "blocks of %zu, %u deep: the file after", blks[b], depth);
                cr_assert(memcmp(c.after.data, "after\n", 6) == 0);
                cr_assert_eq(c.containers_end, depth + 1);
                mum_ctx_free(ctx);
                mum__sbuf_free(&c.big);
                mum__sbuf_free(&c.after);
            }
        }
    }
    unlink(path);
    rmdir(dir);
    free(data);
}

/* A wrong checksum in one small block is still the error it is with
 * blocks of 32 KiB, at an entry of its cabinet, nested or not. */
Test(walk, a_small_block_with_a_wrong_checksum_is_still_an_error)
{
    size_t size = 20000;
    unsigned char *data = malloc(size);
    for (size_t i = 0; i < size; i++)
        data[i] = (unsigned char)(i * 7);
    char dir[] = "/tmp/mum-walk-XXXXXX", path[64];
    cr_assert_not_null(mkdtemp(dir));
    for (unsigned depth = 0; depth <= 1; depth++) {
        write_nested_small(dir, data, size, 1000, depth, 5, path, sizeof path);
        small_check c = {0};
        mum_ctx *ctx;
        cr_assert_eq(walk_small(path, MUM_WALK_SIGNATURES, &c, &ctx), MUM_EFORMAT, "%u deep", depth);
        cr_assert_not_null(strstr(mum_ctx_message(ctx), "CFDATA checksum mismatch"), "%u deep: %s", depth,
                           mum_ctx_message(ctx));
        /* libarchive checks a block once it is read to its end: here the one of after.txt */
        cr_assert_not_null(strstr(mum_ctx_message(ctx), depth ? "small.cab!inner.cab!" : "small.cab!"), "%s",
                           mum_ctx_message(ctx));
        mum_ctx_free(ctx);
        mum__sbuf_free(&c.big);
        mum__sbuf_free(&c.after);
    }
    unlink(path);
    rmdir(dir);
    free(data);
}

/* The folder table follows the names of the next cabinet when the header
 * has them (flag 0x0002).  The walk refuses such a cabinet before
 * libarchive starts, but the regrouping takes its folders from where the
 * header parser found them: it looked 36 bytes in, among those names, and
 * found no folder to regroup. */
Test(walk, small_blocks_after_the_next_cabinet_names_are_regrouped)
{
    static const unsigned char names[] = "next.cab\0disk";
    size_t size = 5000, len;
    unsigned char *data = calloc(1, size);
    unsigned char *cab = blocks_cab("big.bin", data, size, 1000, SIZE_MAX, &len);
    unsigned char *b = malloc(len + sizeof names);
    memcpy(b, cab, 36);
    memcpy(b + 36, names, sizeof names);
    memcpy(b + 36 + sizeof names, cab + 36, len - 36);
    mum__put_le32(b + 8, (uint32_t)(len + sizeof names));
    mum__put_le32(b + 16, mum__le32(b + 16) + (uint32_t)sizeof names); /* coffFiles */
    mum__put_le16(b + 30, MUM_CAB_FLAG_NEXT_CABINET);
    unsigned char *f = b + 36 + sizeof names;                            /* the folder */
    mum__put_le32(f, mum__le32(f) + (uint32_t)sizeof names);            /* coffCabStart */
    mum_cab_header h;
    cr_assert_eq(mum_cab_header_parse(&h, NULL, NULL, b, len + sizeof names), MUM_OK);
    cr_assert(h.folders_known);
    cab_reblock *r = NULL;
    cr_assert_eq(mum__cab_reblock_new(&r, &h, b, len + sizeof names), MUM_OK);
    cr_assert_not_null(r, "the folder of 1 000-byte blocks is to be regrouped");
    mum__cab_reblock_free(r);
    free(b);
    free(cab);
    free(data);
}

/* A cabinet of two stored folders, "one.bin" (n0 bytes of d0) in blocks of
 * b0 and "two.bin" (n1 of d1) in blocks of b1, with their checksums. */
static unsigned char *two_folder_cab(const unsigned char *d0, size_t n0, size_t b0, const unsigned char *d1,
                                     size_t n1, size_t b1, size_t *len)
{
    size_t k0 = (n0 + b0 - 1) / b0, k1 = (n1 + b1 - 1) / b1;
    size_t head = 36 + 2 * 8, files = 2 * (16 + 8);
    size_t start0 = head + files, start1 = start0 + k0 * 8 + n0, cab = start1 + k1 * 8 + n1;
    unsigned char *b = calloc(1, cab);
    memcpy(b, "MSCF", 4);
    mum__put_le32(b + 8, (uint32_t)cab);
    mum__put_le32(b + 16, (uint32_t)head);
    b[24] = 3, b[25] = 1;
    mum__put_le16(b + 26, 2), mum__put_le16(b + 28, 2); /* two folders, two files */
    mum__put_le32(b + 36, (uint32_t)start0), mum__put_le16(b + 40, (uint16_t)k0);
    mum__put_le32(b + 44, (uint32_t)start1), mum__put_le16(b + 48, (uint16_t)k1);
    unsigned char *e = b + head;
    for (int i = 0; i < 2; i++, e += 24) {
        mum__put_le32(e, (uint32_t)(i ? n1 : n0));
        mum__put_le16(e + 8, (uint16_t)i);
        mum__put_le16(e + 12, 0x5021), mum__put_le16(e + 14, 0x20);
        memcpy(e + 16, i ? "two.bin" : "one.bin", 8);
    }
    unsigned char *d = b + start0;
    for (int i = 0; i < 2; i++) {
        const unsigned char *src = i ? d1 : d0;
        size_t size = i ? n1 : n0, blk = i ? b1 : b0;
        for (size_t at = 0; at < size; at += blk) {
            size_t n = size - at < blk ? size - at : blk;
            mum__put_le16(d + 4, (uint16_t)n), mum__put_le16(d + 6, (uint16_t)n);
            memcpy(d + 8, src + at, n);
            mum__put_le32(d, cfdata_sum(d + 4, 4, cfdata_sum(d + 8, n, 0)));
            d += 8 + n;
        }
    }
    *len = cab;
    return b;
}

typedef struct two_check {
    mum_sbuf one, two;
} two_check;

static int tc_data(void *ud, const mum_entry *e, const void *p, size_t n)
{
    two_check *c = ud;
    size_t l = strlen(e->path);
    if (l >= 7 && strcmp(e->path + l - 7, "one.bin") == 0)
        mum__sbuf_append(&c->one, p, n);
    else if (l >= 7 && strcmp(e->path + l - 7, "two.bin") == 0)
        mum__sbuf_append(&c->two, p, n);
    return MUM_OK;
}

/* Folders are regrouped one by one, each keeping its place: a folder of
 * small blocks before or after one of 32 KiB blocks, or two of small
 * ones, read whole, on their own and nested, with every byte digested or
 * the file's skipped parts sought over. */
Test(walk, folders_of_small_and_whole_blocks_side_by_side_read_whole)
{
    size_t n0 = 70000, n1 = 50001;
    unsigned char *d0 = malloc(n0), *d1 = malloc(n1);
    for (size_t i = 0; i < n0; i++)
        d0[i] = (unsigned char)((i * 2654435761u) >> 24);
    for (size_t i = 0; i < n1; i++)
        d1[i] = (unsigned char)((i * 40503u) >> 8);
    char dir[] = "/tmp/mum-walk-XXXXXX", path[64];
    cr_assert_not_null(mkdtemp(dir));
    const size_t pairs[][2] = {{1000, 1000}, {32768, 1000}, {1000, 32768}, {700, 1700}, {32768, 32768}};
    const unsigned flags[] = {0, MUM_WALK_SINGLE_THREAD, MUM_WALK_SIGNATURES};
    for (size_t k = 0; k < MUM_ARRAY_LEN(pairs); k++) {
        for (unsigned depth = 0; depth <= 1; depth++) {
            size_t len;
            unsigned char *cab = two_folder_cab(d0, n0, pairs[k][0], d1, n1, pairs[k][1], &len);
            if (depth) {
                size_t outer_len;
                unsigned char *outer = blocks_cab("inner.cab", cab, len, 32768, SIZE_MAX, &outer_len);
                free(cab);
                cab = outer, len = outer_len;
            }
            put_file(dir, "two.cab", cab, len);
            free(cab);
            snprintf(path, sizeof path, "%s/two.cab", dir);
            for (size_t f = 0; f < MUM_ARRAY_LEN(flags); f++) {
                two_check c = {0};
                mum_walk_options o = MUM_WALK_OPTIONS_INIT;
                o.flags |= flags[f];
                mum_walk_consumer cons = {.data = tc_data};
                mum_ctx *ctx = NULL;
                cr_assert_eq(mum_ctx_new(&ctx), MUM_OK);
                cr_assert_eq(mum_walk_run(ctx, path, &o, &cons, &c, NULL), MUM_OK, "blocks of %zu and %zu, %u deep: %s",
                             pairs[k][0], pairs[k][1], depth, mum_ctx_message(ctx));
                cr_assert(c.one.len == n0 && memcmp(c.one.data, d0, n0) == 0, "blocks of %zu and %zu, %u deep: one.bin",
                          pairs[k][0], pairs[k][1], depth);
                cr_assert(c.two.len == n1 && memcmp(c.two.data, d1, n1) == 0, "blocks of %zu and %zu, %u deep: two.bin",
                          pairs[k][0], pairs[k][1], depth);
                mum_ctx_free(ctx);
                mum__sbuf_free(&c.one);
                mum__sbuf_free(&c.two);
            }
        }
    }
    unlink(path);
    rmdir(dir);
    free(d0);
    free(d1);
}
