/* parallel_overhead.c - what one parallel loop costs on the thread pool
 * (runtime/tdsl_pool.c): medians, in µs, of an empty loop (the caller often
 * finishes it before a worker joins), of a loop whose two iterations each spin
 * 5 µs (ideal 5 µs: the excess is the fork-join cost when both threads take
 * part), and of loops started after the workers went to sleep. Run with
 * TDSL_NUM_THREADS=2 (make bench does). */
#include "runtime/tdsl_pool.h"
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now_us(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e6 + (double)t.tv_nsec * 1e-3;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int empty(void *env, int64_t i)
{
    (void)env, (void)i;
    return 0;
}

static int spin5(void *env, int64_t i)
{
    if (env) ((pthread_t *)env)[i] = pthread_self();
    double t = now_us();
    while (now_us() - t < 5.0) {}
    return 0;
}

static int shared;     /* loops whose two iterations ran on two threads */

/* median µs of reps calls, each timed alone; idle_us: sleep before each */
static double median(int reps, int64_t n, int (*body)(void *, int64_t), long idle_us)
{
    double *t = malloc(sizeof(double) * (size_t)reps);
    shared = 0;
    for (int r = 0; r < reps; r++) {
        pthread_t who[2];
        if (idle_us) nanosleep(&(struct timespec){ 0, idle_us * 1000 }, NULL);
        double t0 = now_us();
        tdsl_rt_parallel_for(n, body, body == spin5 ? who : NULL);
        t[r] = now_us() - t0;
        if (body == spin5) shared += !pthread_equal(who[0], who[1]);
    }
    qsort(t, (size_t)reps, sizeof *t, cmp);
    double m = t[reps / 2];
    free(t);
    return m;
}

int main(void)
{
    const char *env = getenv("TDSL_NUM_THREADS");
    tdsl_rt_parallel_for(2, empty, NULL);       /* start the workers */
    for (int w = 0; w < 2000; w++) tdsl_rt_parallel_for(2, empty, NULL);
    printf("== thread pool, %s threads (TDSL_NUM_THREADS), median of many\n", env ? env : "all cores'");
    printf("  empty parallel loop, 2 iterations      %7.2f us\n", median(200000, 2, empty, 0));
    printf("  empty parallel loop, 1000 iterations   %7.2f us\n", median(100000, 1000, empty, 0));
    double two = median(20000, 2, spin5, 0);
    printf("  2 iterations of 5 us each (ideal 5)    %7.2f us   (fork-join overhead %.2f us; both threads in %.0f%%)\n",
           two, two - 5.0, 100.0 * shared / 20000);
    printf("  empty loop after 2 ms idle (asleep)    %7.2f us\n", median(200, 2, empty, 2000));
    double slept = median(200, 2, spin5, 2000);
    printf("  2 x 5 us after 2 ms idle (asleep)      %7.2f us   (both threads in %.0f%%)\n", slept,
           100.0 * shared / 200);
    return 0;
}
