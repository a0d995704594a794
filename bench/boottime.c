/* The stopwatch of the Linux boot benchmark (bench/linux.sh): runs a VMM
 * with its stdout and stderr on a pipe, passes what it prints through, and
 * times the first appearance of MARKER in it and the VMM's exit, both from
 * just before the fork. A pipe read returns as soon as the VMM has written,
 * so the marker's time is when the guest's console output left the VMM.
 * Prints "boottime: marker MS exit MS status N" last (marker -1: never seen).
 * usage: boottime MARKER COMMAND [ARGS...]
 * Exit status: 0 if the marker appeared and the command exited 0, else 1. */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: boottime MARKER COMMAND [ARGS...]\n");
        return 2;
    }
    const char *marker = argv[1];
    size_t mlen = strlen(marker);
    int fds[2];
    if (mlen == 0 || mlen > 256 || pipe(fds) < 0) {
        perror("boottime");
        return 2;
    }
    double start = now_ms();
    pid_t pid = fork();
    if (pid < 0) {
        perror("boottime: fork");
        return 2;
    }
    if (pid == 0) {
        dup2(fds[1], STDOUT_FILENO);
        dup2(fds[1], STDERR_FILENO);
        close(fds[0]);
        close(fds[1]);
        execvp(argv[2], argv + 2);
        perror("boottime: exec");
        _exit(127);
    }
    close(fds[1]);

    /* The marker may straddle two reads: search the last mlen - 1 bytes of
     * the previous read together with the new ones. */
    char buf[256 + 4096];
    size_t kept = 0;
    double marker_ms = -1;
    ssize_t n;
    while ((n = read(fds[0], buf + kept, sizeof(buf) - kept)) > 0) {
        double t = now_ms();
        fwrite(buf + kept, 1, (size_t)n, stdout);
        size_t len = kept + (size_t)n;
        if (marker_ms < 0 && memmem(buf, len, marker, mlen))
            marker_ms = t - start;
        kept = len < mlen - 1 ? len : mlen - 1;
        memmove(buf, buf + len - kept, kept);
    }
    int status;
    if (waitpid(pid, &status, 0) < 0) {
        perror("boottime: waitpid");
        return 2;
    }
    double exit_ms = now_ms() - start;
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    printf("boottime: marker %.1f exit %.1f status %d\n", marker_ms, exit_ms, code);
    return marker_ms >= 0 && code == 0 ? 0 : 1;
}
