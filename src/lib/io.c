/*
 * io.c - reads of files, with fault injection for tests (see io.h).
 */
#include "config.h"

#include "io.h"

#include <errno.h>
#include <stdatomic.h>
#include <unistd.h>

/* Like alloc.c's count: an atomic object, read and written by one walking
 * thread at a time in the tests that set g_fail_at. */
static atomic_ulong g_count;
static unsigned long g_fail_at;
static mum_io_fault g_fault;

unsigned long mum__io_fail_at(unsigned long n, mum_io_fault fault)
{
    unsigned long made = atomic_exchange_explicit(&g_count, 0, memory_order_relaxed);
    g_fail_at = n;
    g_fault = fault;
    return made;
}

/* The fault this system read suffers, or 0. */
static mum_io_fault injected(size_t *size)
{
    unsigned long count = atomic_fetch_add_explicit(&g_count, 1, memory_order_relaxed) + 1;
    if (g_fail_at == 0 || count != g_fail_at)
        return 0;
    switch (g_fault) {
    case MUM_IO_FAULT_EIO: errno = EIO; return MUM_IO_FAULT_EIO;
    case MUM_IO_FAULT_EINTR: errno = EINTR; return MUM_IO_FAULT_EINTR;
    case MUM_IO_FAULT_SHORT:
        if (*size > 1)
            *size /= 2;
        return 0; /* the read happens, shorter */
    }
    return 0;
}

ssize_t mum__read(int fd, void *buf, size_t size)
{
    for (;;) {
        size_t n = size;
        ssize_t r = injected(&n) ? -1 : read(fd, buf, n);
        if (r >= 0 || errno != EINTR)
            return r;
    }
}

ssize_t mum__pread(int fd, void *buf, size_t size, off_t offset)
{
    for (;;) {
        size_t n = size;
        ssize_t r = injected(&n) ? -1 : pread(fd, buf, n, offset);
        if (r >= 0 || errno != EINTR)
            return r;
    }
}

ssize_t mum__read_full(int fd, void *buf, size_t size)
{
    size_t got = 0;
    while (got < size) {
        ssize_t r = mum__read(fd, (unsigned char *)buf + got, size - got);
        if (r < 0)
            return -1;
        if (r == 0)
            break;
        got += (size_t)r;
    }
    return (ssize_t)got;
}

ssize_t mum__pread_full(int fd, void *buf, size_t size, off_t offset)
{
    size_t got = 0;
    while (got < size) {
        ssize_t r = mum__pread(fd, (unsigned char *)buf + got, size - got, offset + (off_t)got);
        if (r < 0)
            return -1;
        if (r == 0)
            break;
        got += (size_t)r;
    }
    return (ssize_t)got;
}
