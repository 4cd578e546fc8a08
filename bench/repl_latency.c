/* repl_latency.c - the REPL as a user meets it, through a pseudo-terminal:
 * start-up to the first prompt (alone, and loading a file), then the latency
 * from entering a small fn to its first result (checking the definition, then
 * the first call, which starts the JIT and compiles it), the same call again
 * (compiled code reused), and a second fn entered to its first result.
 * Usage: repl_latency TDSL [FILE.tdsl] [TRIALS]   (medians; HOME is a temp dir) */
#define _GNU_SOURCE
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static char out[1 << 16];
static size_t len;

/* Reads from fd until the output since `from` contains s; seconds waited. */
static double wait_for(int fd, size_t from, const char *s)
{
    for (;;) {
        out[len] = 0;
        if (strstr(out + from, s)) return 0;
        struct pollfd p = { fd, POLLIN, 0 };
        if (poll(&p, 1, 30000) <= 0) {
            fprintf(stderr, "repl_latency: no '%s' in:\n%s\n", s, out);
            exit(1);
        }
        ssize_t n = read(fd, out + len, sizeof out - 1 - len);
        if (n <= 0) {
            fprintf(stderr, "repl_latency: tdsl exited before '%s':\n%s\n", s, out);
            exit(1);
        }
        len += (size_t)n;
        if (len > sizeof out - 4096) {          /* keep the tail */
            memmove(out, out + len - 4096, 4096);
            len = 4096;
            from = 0;
        }
    }
}

static void say(int fd, const char *s)
{
    if (write(fd, s, strlen(s)) != (ssize_t)strlen(s)) exit(1);
}

typedef struct Trial {
    double start, define, first, second, other;
} Trial;

static Trial trial(const char *tdsl, const char *file, const char *home)
{
    Trial t;
    int fd;
    len = 0;
    double t0 = now();
    pid_t pid = forkpty(&fd, NULL, NULL, NULL);
    if (pid < 0) exit(1);
    if (pid == 0) {
        setenv("HOME", home, 1);
        execl(tdsl, tdsl, file, (char *)NULL);
        _exit(127);
    }
    wait_for(fd, 0, "tdsl> ");
    t.start = now() - t0;
    size_t mark = len;
    t0 = now();
    say(fd, "fn twice(A: f32[n]) -> B: f32[n] { B[i] = A[i] * 2.0 }\r");
    wait_for(fd, mark, "tdsl> ");
    t.define = now() - t0;
    mark = len;
    double t1 = now();
    say(fd, "twice(arange(f32[4]))\r");
    wait_for(fd, mark, "[0.0, 2.0, 4.0, 6.0]");
    t.first = now() - t1;
    wait_for(fd, mark, "tdsl> ");
    mark = len;
    t1 = now();
    say(fd, "twice(arange(f32[4]))\r");
    wait_for(fd, mark, "[0.0, 2.0, 4.0, 6.0]");
    t.second = now() - t1;
    wait_for(fd, mark, "tdsl> ");
    /* another fn, once the JIT exists: what each new definition costs */
    mark = len;
    t1 = now();
    say(fd, "fn thrice(A: f32[n]) -> B: f32[n] { B[i] = A[i] * 3.0 }\r");
    wait_for(fd, mark, "tdsl> ");
    mark = len;
    say(fd, "thrice(arange(f32[4]))\r");
    wait_for(fd, mark, "[0.0, 3.0, 6.0, 9.0]");
    t.other = now() - t1;
    wait_for(fd, mark, "tdsl> ");
    say(fd, ":quit\r");
    int st;
    pid_t done = 0;
    for (int i = 0; i < 100 && !(done = waitpid(pid, &st, WNOHANG)); i++) usleep(100000);
    if (!done) {
        kill(pid, SIGKILL);
        waitpid(pid, &st, 0);
    }
    close(fd);
    return t;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: repl_latency TDSL [FILE.tdsl] [TRIALS]\n");
        return 2;
    }
    const char *tdsl = argv[1], *file = argc > 2 ? argv[2] : NULL;
    int n = argc > 3 ? atoi(argv[3]) : 11;
    if (n < 1 || n > 100) n = 11;
    char home[] = "/tmp/tdsl_bench.XXXXXX";
    if (!mkdtemp(home)) return 1;
    double s0[100], s1[100], d[100], f1[100], f2[100], o[100];
    for (int i = 0; i < n; i++) {
        Trial a = trial(tdsl, NULL, home);
        s0[i] = a.start;
        d[i] = a.define;
        f1[i] = a.first;
        f2[i] = a.second;
        o[i] = a.other;
        s1[i] = file ? trial(tdsl, file, home).start : 0;
    }
    double dm = median(d, n), fm = median(f1, n);
    printf("tdsl through a pty, median of %d:\n", n);
    printf("  start-up to the first prompt:              %7.1f ms\n", median(s0, n) * 1e3);
    if (file) printf("  start-up loading %-24s %7.1f ms\n", file, median(s1, n) * 1e3);
    printf("  a small fn, entered to its first result:   %7.1f ms  (definition checked %.1f ms, first call %.1f ms)\n",
           (dm + fm) * 1e3, dm * 1e3, fm * 1e3);
    printf("  the same call again (code reused):         %7.1f ms\n", median(f2, n) * 1e3);
    printf("  a second small fn, entered to its result:  %7.1f ms  (the JIT already running)\n", median(o, n) * 1e3);
    char hist[64];
    snprintf(hist, sizeof hist, "%s/.tdsl_history", home);
    unlink(hist);
    rmdir(home);
    return 0;
}
