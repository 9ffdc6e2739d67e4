/*
 * timeit: times one command for the benchmarks, to the microsecond.
 *
 *   timeit OUT COMMAND [ARG]...
 *
 * Runs COMMAND (its output left where it goes) and writes one line to OUT:
 *
 *   wall_s user_s sys_s peak_rss_kib minor_faults
 *
 * wall from CLOCK_MONOTONIC around the fork and the wait; user, system,
 * peak RSS and page faults from wait4's rusage, which includes the
 * command's own waited-for children (a `sh -c` and what it runs), as
 * GNU time's %e %U %S %M %R.  GNU time prints seconds with two decimals:
 * 10 ms steps on the 100 ms of 1 000 small packages (bench/verify.sh) made
 * a ratio jump by a tenth.  Exit status: the command's (128 + the signal
 * when it was killed), 127 when it could not be started, 125 for
 * timeit's own errors.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double seconds(const struct timeval *tv)
{
    return (double)tv->tv_sec + (double)tv->tv_usec / 1e6;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: timeit OUT COMMAND [ARG]...\n");
        return 125;
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pid_t pid = fork();
    if (pid < 0) {
        fprintf(stderr, "timeit: fork: %s\n", strerror(errno));
        return 125;
    }
    if (pid == 0) {
        execvp(argv[2], argv + 2);
        fprintf(stderr, "timeit: %s: %s\n", argv[2], strerror(errno));
        _exit(127);
    }
    int status;
    struct rusage ru;
    while (wait4(pid, &status, 0, &ru) < 0) {
        if (errno != EINTR) {
            fprintf(stderr, "timeit: wait: %s\n", strerror(errno));
            return 125;
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double wall = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    FILE *out = fopen(argv[1], "w");
    if (!out || fprintf(out, "%.6f %.6f %.6f %ld %ld\n", wall, seconds(&ru.ru_utime), seconds(&ru.ru_stime),
                        ru.ru_maxrss, ru.ru_minflt) < 0 || fclose(out) != 0) {
        fprintf(stderr, "timeit: %s: %s\n", argv[1], strerror(errno));
        return 125;
    }
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 125;
}
