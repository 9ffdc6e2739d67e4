/*
 * files.h - what commands share for whole files: reading one into memory,
 * the base manifest DCM manifests are read with, and writing a file
 * atomically (a temporary beside it, renamed into place).
 */
#ifndef MUM_CLI_FILES_H
#define MUM_CLI_FILES_H

#include "cli.h"

#include <stdint.h>

/* The largest base manifest read (Windows 11's is 9 KB). */
#define CLI_MAX_BASE_MANIFEST ((size_t)16 << 20)

/*
 * Before mum_graph_build over `ninputs` inputs: with more than one, the
 * small ones are read at once on the library's pool, two threads that
 * allocate as much as they compute (certificates, signatures, the cabinet
 * walk); on main.c's one malloc heap they waited for its lock (1 000 small
 * packages: 0.30 s instead of 0.21 s with a second heap).  So a second
 * heap is allowed then, unless MALLOC_ARENA_MAX says otherwise.
 */
void cli_heaps_for_inputs(size_t ninputs);

/*
 * Reads the whole of `path` ("-": standard input) into *data (free()) and
 * *size, refusing more than `max` bytes.  `what` names the file in
 * messages ("the delta").  EXIT_CLEAN, or EXIT_FAIL after saying why.
 */
int cli_read_file(const char *path, const char *what, size_t max, unsigned char **data,
                  size_t *size);

/*
 * The base manifest of DCM manifests: the file `path` names
 * (--base-manifest), else the resource Windows keeps it in inside the
 * wcp.dll `wcp` names (--wcp), else the file $MUM_BASE_MANIFEST names;
 * *data is NULL when none is given.  EXIT_CLEAN; EXIT_USAGE (both options,
 * naming cmd), or EXIT_FAIL after saying why.
 */
int cli_base_manifest_load(const char *cmd, const char *path, const char *wcp,
                           unsigned char **data, size_t *size);

/* The largest wcp.dll read (Windows 11's is about 3 MB). */
#define CLI_MAX_WCP ((size_t)256 << 20)

/* The DCM manifests of g left unread (nodes whose parse_status is MUM_EDELTA). */
size_t cli_graph_unread_dcm(const mum_graph *g);

/*
 * Says once, on standard error, that `unread` manifests are delta-compressed
 * and which option would read them (nothing when 0, or with -q).
 */
void cli_base_manifest_hint(size_t unread);

/* The tag of the temporaries: ".NAME" CLI_PARTIAL_TAG "XXXXXX". */
#define CLI_PARTIAL_TAG ".mumtool-partial-"

/*
 * Creates ".LAST.mumtool-partial-XXXXXX" (O_EXCL, mode 0600, no symbolic
 * link followed) in the folder dfd; its name goes to name.  *seed drives
 * the suffixes.  The descriptor, or -1 with errno.
 */
int cli_temp_create(int dfd, const char *last, uint64_t *seed, char *name, size_t cap);

/*
 * Renames the temporary tmp to last in the folder dfd: over an existing
 * file only when force (atomically), else never (EEXIST).  0, or -1 with
 * errno; the temporary is left for the caller to remove.
 */
int cli_temp_rename(int dfd, const char *tmp, const char *last, bool force);

/* Writes all of data to fd, again after EINTR; 0, or -1 with errno. */
int cli_write_all(int fd, const void *data, size_t size);

#endif /* MUM_CLI_FILES_H */
