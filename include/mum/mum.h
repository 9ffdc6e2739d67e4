/*
 * mum/mum.h - all of libmum's public API.
 *
 * Conventions (every public header follows them; tests/cli/api-conventions.py
 * and tests/unit/test_api.c check the mechanical ones):
 *
 *  - Fallible functions return int: MUM_OK (0) or a negative MUM_E* code;
 *    the message, with the input's file and place when the failure comes
 *    from input, is on the mum_ctx passed in (mum_ctx_message).  Problems
 *    *in* an input that do not stop the work are findings (mum_findings),
 *    not errors.
 *  - Results come back through the FIRST parameters, as with memcpy's
 *    destination: `int mum_x_parse(mum_x **out, mum_ctx *ctx, ...)`.  A
 *    caller's buffer comes with its capacity (`out, out_cap`), and a result
 *    with its length (`out, out_len`).  The context comes next, then the
 *    inputs, then the options, then a findings list to append to.
 *  - Options are versioned structs named `mum_<module>_options`, set up
 *    with their `MUM_<MODULE>_OPTIONS_INIT` macro; a NULL options pointer
 *    means the defaults.
 *  - Ownership: a `**out` object is the caller's, freed with its `_free`;
 *    a `*out` struct is filled in place and emptied with its `_clear`.
 *    Every `_free` and `_clear` accepts NULL.  Pointers returned by
 *    accessors (`const` results, `mum_graph_node`, ...) are borrowed from
 *    the object they came from and live as long as it does; each header
 *    says when that differs.  Inputs are borrowed for the duration of the
 *    call only, unless the header says the result keeps them.
 *  - Opaque types are only declared here; no OpenSSL, expat or libarchive
 *    type appears in a public header.
 *  - A function given (NULL, 0) for a pointer and a length treats it as an
 *    empty input (tests/unit/test_empty.c).
 *
 * The layers (doc/architecture.md): read an input (mum/container.h,
 * mum/manifest.h, mum/catalog.h, ...) -> resolve it into a graph
 * (mum/graph.h) -> judge it (mum/verify.h, mum/diff.h).
 */
#ifndef MUM_MUM_H
#define MUM_MUM_H

#include <mum/common.h>
#include <mum/identity.h>
#include <mum/names.h>
#include <mum/hash.h>
#include <mum/pe.h>
#include <mum/signature.h>
#include <mum/trust.h>
#include <mum/catalog.h>
#include <mum/manifest.h>
#include <mum/cab.h>
#include <mum/container.h>
#include <mum/payload.h>
#include <mum/msu.h>
#include <mum/express.h>
#include <mum/info.h>
#include <mum/policy.h>
#include <mum/graph.h>
#include <mum/matrix.h>
#include <mum/verify.h>
#include <mum/diff.h>
#include <mum/expect.h>
#include <mum/delta.h>

#endif /* MUM_MUM_H */
