/* pool_stress.c - the thread pool on its own (runtime/tdsl_pool.c linked in):
 * many loops of many sizes with every index checked, nested loops, several
 * caller threads at once, error codes, loops after the workers went to sleep.
 * Built twice by tests/run.sh: plain and with -fsanitize=thread. */
#include "runtime/tdsl_pool.h"
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

_Static_assert(sizeof(pthread_mutex_t) <= 64 && sizeof(pthread_cond_t) <= 64,
               "tdsl_pool.c reserves 64 bytes for a mutex and a condition variable");

static int failures;
static pthread_mutex_t fail_lock = PTHREAD_MUTEX_INITIALIZER;

#define FAIL(...)                                                          \
    do {                                                                   \
        pthread_mutex_lock(&fail_lock);                                    \
        if (failures++ < 20) fprintf(stderr, "pool_stress: " __VA_ARGS__); \
        pthread_mutex_unlock(&fail_lock);                                  \
    } while (0)

typedef struct Marks {
    int *mark;
    int64_t sum;
    int64_t n;
    int in_slot[256];   /* bodies running with each slot: never more than one */
} Marks;

static int mark_body(void *env, int64_t i, int64_t slot)
{
    Marks *m = env;
    if (slot < 0 || slot >= tdsl_rt_num_threads_v2()) {
        FAIL("slot %lld outside 0..%lld\n", (long long)slot, (long long)tdsl_rt_num_threads_v2() - 1);
        return 0;
    }
    if (__atomic_fetch_add(&m->in_slot[slot], 1, __ATOMIC_ACQ_REL))
        FAIL("two bodies at once in slot %lld\n", (long long)slot);
    m->mark[i]++;                               /* one writer per index */
    __atomic_fetch_add(&m->sum, i, __ATOMIC_RELAXED);
    __atomic_fetch_sub(&m->in_slot[slot], 1, __ATOMIC_ACQ_REL);
    return 0;
}

/* One loop of n iterations; every index must run exactly once. */
static void check_loop(int64_t n, const char *what)
{
    Marks m = { calloc((size_t)(n ? n : 1), sizeof(int)), 0, n, { 0 } };
    int r = tdsl_rt_parallel_for_v2(n, mark_body, &m);
    if (r) FAIL("%s: n=%lld returned %d\n", what, (long long)n, r);
    for (int64_t i = 0; i < n; i++)
        if (m.mark[i] != 1) {
            FAIL("%s: n=%lld index %lld ran %d times\n", what, (long long)n, (long long)i, m.mark[i]);
            break;
        }
    if (m.sum != n * (n - 1) / 2) FAIL("%s: n=%lld sum %lld\n", what, (long long)n, (long long)m.sum);
    free(m.mark);
}

static const int64_t sizes[] = { 0, 1, 2, 3, 5, 7, 16, 31, 100, 1000, 4099, 100000 };
#define NSIZES (int)(sizeof sizes / sizeof sizes[0])

static void many_loops(int reps, const char *what)
{
    for (int r = 0; r < reps; r++) check_loop(sizes[r % NSIZES], what);
}

/* ---- nested loops: the inner ones run serially in whichever thread ---- */
typedef struct Nest {
    int *mark;
    int64_t inner;
    int fail_at;
} Nest;
typedef struct Inner {
    Nest *nest;
    int64_t o;
} Inner;

static int inner_body(void *env, int64_t i, int64_t slot)
{
    (void)slot;
    Inner *in = env;
    if (in->o * in->nest->inner + i == in->nest->fail_at) return 42;
    in->nest->mark[in->o * in->nest->inner + i]++;
    return 0;
}

static int outer_body(void *env, int64_t o, int64_t slot)
{
    (void)slot;
    Inner in = { env, o };
    return tdsl_rt_parallel_for_v2(in.nest->inner, inner_body, &in);
}

static void nested(void)
{
    Nest nest = { calloc(8 * 300, sizeof(int)), 300, -1 };
    int r = tdsl_rt_parallel_for_v2(8, outer_body, &nest);
    if (r) FAIL("nested: returned %d\n", r);
    for (int i = 0; i < 8 * 300; i++)
        if (nest.mark[i] != 1) {
            FAIL("nested: index %d ran %d times\n", i, nest.mark[i]);
            break;
        }
    nest.fail_at = 5 * 300 + 17;
    if ((r = tdsl_rt_parallel_for_v2(8, outer_body, &nest)) != 42) FAIL("nested error: returned %d, not 42\n", r);
    free(nest.mark);
}

/* ---- error codes ---- */
typedef struct Err {
    int64_t from;
    int code_base;
} Err;

static int err_body(void *env, int64_t i, int64_t slot)
{
    (void)slot;
    const Err *e = env;
    return i >= e->from ? e->code_base + (int)(i - e->from) : 0;
}

static void errors(int serial)
{
    Err e = { 777, 9 };
    int r = tdsl_rt_parallel_for_v2(1000, err_body, &e);
    if (serial ? r != 9 : (r < 9 || r > 9 + 222)) FAIL("error: returned %d\n", r);
    e.from = 999;
    if ((r = tdsl_rt_parallel_for_v2(1000, err_body, &e)) != 9) FAIL("error at the last index: returned %d\n", r);
    e.from = 0;
    r = tdsl_rt_parallel_for_v2(1, err_body, &e);
    if (r != 9) FAIL("error with n=1: returned %d\n", r);
    check_loop(1000, "after an error");
}

/* ---- several caller threads at once: one owns the pool, the others run serially ---- */
static void *caller(void *arg)
{
    many_loops((int)(intptr_t)arg, "concurrent callers");
    nested();
    return NULL;
}

static void concurrent_callers(int nthreads, int reps)
{
    pthread_t t[8];
    for (int i = 0; i < nthreads; i++) pthread_create(&t[i], NULL, caller, (void *)(intptr_t)reps);
    for (int i = 0; i < nthreads; i++) pthread_join(t[i], NULL);
}

/* ---- that workers really take part (when there are some) ---- */
typedef struct Who {
    pthread_t *who;
} Who;

static int who_body(void *env, int64_t i, int64_t slot)
{
    (void)slot;
    Who *w = env;
    w->who[i] = pthread_self();
    struct timespec ts = { 0, 20000 };
    nanosleep(&ts, NULL);
    return 0;
}

static int distinct_threads(void)
{
    for (int attempt = 0; attempt < 20; attempt++) {
        pthread_t who[64];
        Who w = { who };
        tdsl_rt_parallel_for_v2(64, who_body, &w);
        for (int i = 1; i < 64; i++)
            if (!pthread_equal(who[i], who[0])) return 2;
    }
    return 1;
}

static void after_sleep(void)
{
    for (int i = 0; i < 5; i++) {
        struct timespec ts = { 0, 3000000 };    /* 3 ms: longer than the workers spin */
        nanosleep(&ts, NULL);
        check_loop(4099, "after the workers slept");
    }
}

int main(int argc, char **argv)
{
    int reps = argc > 1 ? atoi(argv[1]) : 3000;
    const char *env = getenv("TDSL_NUM_THREADS");
    int threads = env ? atoi(env) : 2;
    many_loops(reps, "loops");
    nested();
    errors(threads == 1);
    after_sleep();
    concurrent_callers(4, reps / 10);
    many_loops(reps / 10, "loops after concurrent callers");
    if (threads > 1 && distinct_threads() < 2) FAIL("no worker thread ever ran an iteration\n");
    printf("pool_stress: %d loops, %d threads: %s\n", reps + reps / 10 * 5, threads, failures ? "FAILED" : "ok");
    return failures != 0;
}
