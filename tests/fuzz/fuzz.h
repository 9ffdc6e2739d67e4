/*
 * fuzz.h - the libFuzzer entry point every target defines.  The same source
 * is linked either with libFuzzer (--enable-fuzzers, clang) or with
 * replay.c, which runs the committed corpus under 'make check'.
 */
#ifndef MUM_FUZZ_H
#define MUM_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
