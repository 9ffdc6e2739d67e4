/*
 * io.h - the library's reads of files go through here (the container walk,
 * the cabinet signature reader), so that tests can make the N-th read come
 * short, fail with EIO or be interrupted, the way alloc.c lets them make the
 * N-th allocation fail.
 */
#ifndef MUM_IO_H
#define MUM_IO_H

#include "internal.h"

#include <sys/types.h>

/* What an injected fault does to the read it hits. */
typedef enum mum_io_fault {
    MUM_IO_FAULT_EIO = 1,   /* -1 with errno EIO */
    MUM_IO_FAULT_SHORT = 2, /* half the bytes asked for (at least one), as read(2) may */
    MUM_IO_FAULT_EINTR = 3  /* -1 with errno EINTR, nothing read */
} mum_io_fault;

/*
 * read(2) and pread(2), retried on EINTR.  They may return fewer bytes than
 * asked for before the end of the file, as the system calls may: callers
 * that need a count loop, or use mum__pread_full.
 */
MUM_INTERNAL ssize_t mum__read(int fd, void *buf, size_t size);
MUM_INTERNAL ssize_t mum__pread(int fd, void *buf, size_t size, off_t offset);

/* read (from the current offset: a pipe too) or pread until `size` bytes or
 * the end of the file: fewer only at the end.  -1 on error. */
MUM_INTERNAL ssize_t mum__read_full(int fd, void *buf, size_t size);
MUM_INTERNAL ssize_t mum__pread_full(int fd, void *buf, size_t size, off_t offset);

/*
 * Test hook: the n-th system read from now on (1 = the next one) suffers
 * `fault`; 0 switches injection off.  Returns how many system reads were
 * made since the last call.  For tests, with one walking thread.
 */
MUM_INTERNAL unsigned long mum__io_fail_at(unsigned long n, mum_io_fault fault);

#endif /* MUM_IO_H */
