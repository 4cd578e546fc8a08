/* tdsl_pool.c - the persistent thread pool behind LOOP_PARALLEL loops. Plain C
 * with no system #includes: besides libtdsl.a, it is compiled to LLVM bitcode
 * for each target and linked into every generated object with a parallel loop
 * (lower/runtime_link.c), so it declares the few libc/pthread functions it uses.
 * Invariant: all shared state is the one global tdsl_rt_pool_v2, so the objects
 * of one program, whose copies the linker merges, share one pool.
 *
 * Protocol: the caller that wins `busy` owns the pool for one loop. It writes
 * the job, then publishes `ticket` = generation << 32 | OPEN. A worker joins by
 * incrementing the ticket's count while it is still OPEN, runs chunks taken from
 * `next`, then bumps `done`. The owner runs chunks too, closes the ticket (no
 * more joins) and waits until `done` equals the count that joined. Workers that
 * come late never touch the job, so the owner never waits for a sleeping one. */
#define TDSL_POOL_FREESTANDING 1
#include "tdsl_pool.h"

/* glibc's types on LP64 Linux (x86-64, aarch64): pthread_t is an unsigned
 * long; pthread_mutex_t (40/48 bytes) and pthread_cond_t (48) fit in 64, and
 * all-zero storage is their static initializer. */
typedef unsigned long TdslThread;
typedef struct TdslMutex {
    _Alignas(16) unsigned char opaque[64];
} TdslMutex;
typedef struct TdslCond {
    _Alignas(16) unsigned char opaque[64];
} TdslCond;
int pthread_create(TdslThread *t, const void *attr, void *(*fn)(void *), void *arg);
int pthread_detach(TdslThread t);
int pthread_mutex_lock(TdslMutex *m);
int pthread_mutex_unlock(TdslMutex *m);
int pthread_cond_wait(TdslCond *c, TdslMutex *m);
int pthread_cond_broadcast(TdslCond *c);
int sched_yield(void);
char *getenv(const char *name);
long sysconf(int name);
#define TDSL_SC_NPROCESSORS_ONLN 84     /* glibc's _SC_NPROCESSORS_ONLN, every arch */

#define MAX_THREADS 256
#define SPIN 8192                        /* pause loops before sleeping: ~0.1-0.5 ms */
#define OPEN 0x80000000ull
#define COUNT 0x7fffffffull

typedef struct TdslPool {
    /* the owner's: read and written only by the thread holding busy */
    _Alignas(64) int busy;
    int started, nworkers;
    int nthreads;                        /* tdsl_rt_num_threads_v2, once read */
    unsigned gen;
    /* the job: written by the owner before it publishes the ticket */
    int64_t n, chunk;
    int (*body)(void *env, int64_t i, int64_t slot);
    void *env;
    _Alignas(64) unsigned long long ticket;
    int nsleeping;                       /* workers asleep (or about to be) on wake */
    _Alignas(64) int64_t next;           /* next iteration to hand out */
    _Alignas(64) int done;               /* joined workers that finished */
    int err;                             /* first nonzero code */
    _Alignas(64) TdslMutex lock;
    TdslCond wake;
} TdslPool;

TdslPool tdsl_rt_pool_v2;

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__) && defined(__clang__)
    __builtin_arm_yield();      /* an intrinsic: inline asm would need LLVM's asm parser */
#elif defined(__aarch64__)
    __asm__ __volatile__("yield" ::: "memory");
#endif
}

static int run_serial(int64_t n, int (*body)(void *, int64_t, int64_t), void *env)
{
    for (int64_t i = 0; i < n; i++) {
        int r = body(env, i, 0);
        if (r) return r;
    }
    return 0;
}

/* Takes chunks until none is left or a body failed. */
static void pool_run(TdslPool *p, int64_t slot)
{
    int64_t n = p->n, chunk = p->chunk;
    int (*body)(void *, int64_t, int64_t) = p->body;
    void *env = p->env;
    while (!__atomic_load_n(&p->err, __ATOMIC_RELAXED)) {
        int64_t i = __atomic_fetch_add(&p->next, chunk, __ATOMIC_RELAXED);
        if (i >= n) return;
        int64_t end = n - i > chunk ? i + chunk : n;
        for (; i < end; i++) {
            int r = body(env, i, slot);
            if (r) {
                int zero = 0;
                __atomic_compare_exchange_n(&p->err, &zero, r, 0, __ATOMIC_RELAXED, __ATOMIC_RELAXED);
                return;
            }
        }
    }
}

/* Returns the first ticket whose generation is not `seen`: spins, then sleeps.
 * nsleeping++ before the seq_cst re-check pairs with the owner's seq_cst
 * publish-then-read-nsleeping, so a wakeup is never lost. */
static unsigned long long pool_wait(TdslPool *p, unsigned seen)
{
    unsigned long long t;
    for (int s = 0; s < SPIN; s++) {
        t = __atomic_load_n(&p->ticket, __ATOMIC_ACQUIRE);
        if ((unsigned)(t >> 32) != seen) return t;
        cpu_relax();
    }
    pthread_mutex_lock(&p->lock);
    __atomic_fetch_add(&p->nsleeping, 1, __ATOMIC_SEQ_CST);
    while ((unsigned)((t = __atomic_load_n(&p->ticket, __ATOMIC_SEQ_CST)) >> 32) == seen)
        pthread_cond_wait(&p->wake, &p->lock);
    __atomic_fetch_sub(&p->nsleeping, 1, __ATOMIC_SEQ_CST);
    pthread_mutex_unlock(&p->lock);
    return t;
}

static void *pool_worker(void *arg)
{
    TdslPool *p = &tdsl_rt_pool_v2;
    unsigned seen = (unsigned)(__UINTPTR_TYPE__)arg;
    for (;;) {
        unsigned long long t = pool_wait(p, seen);
        seen = (unsigned)(t >> 32);
        while ((t & OPEN) && (unsigned)(t >> 32) == seen) {
            if (__atomic_compare_exchange_n(&p->ticket, &t, t + 1, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
                pool_run(p, (int64_t)(t & COUNT) + 1);     /* the k-th to join: slot k */
                __atomic_fetch_add(&p->done, 1, __ATOMIC_RELEASE);
                break;
            }
        }
    }
    return 0;
}

/* $TDSL_NUM_THREADS if it is a positive number, else the online cores. */
static int pool_threads(void)
{
    const char *s = getenv("TDSL_NUM_THREADS");
    int v = 0;
    while (s && *s == ' ') s++;
    for (; s && *s >= '0' && *s <= '9'; s++)
        if ((v = v * 10 + (*s - '0')) > MAX_THREADS) v = MAX_THREADS;
    if (v >= 1) return v;
    long c = sysconf(TDSL_SC_NPROCESSORS_ONLN);
    return c < 1 ? 1 : c > MAX_THREADS ? MAX_THREADS : (int)c;
}

int64_t tdsl_rt_num_threads_v2(void)
{
    TdslPool *p = &tdsl_rt_pool_v2;
    int n = __atomic_load_n(&p->nthreads, __ATOMIC_ACQUIRE), zero = 0;
    if (n) return n;
    n = pool_threads();
    if (!__atomic_compare_exchange_n(&p->nthreads, &zero, n, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) n = zero;
    return n;
}

/* at most tdsl_rt_num_threads_v2() - 1 workers: the slots stay below it */
static void pool_start(TdslPool *p)
{
    p->started = 1;
    for (int k = (int)tdsl_rt_num_threads_v2() - 1; k > 0; k--) {
        TdslThread t;
        if (pthread_create(&t, 0, pool_worker, (void *)(__UINTPTR_TYPE__)p->gen)) break;
        pthread_detach(t);
        p->nworkers++;
    }
}

static int pool_parallel(TdslPool *p, int64_t n, int (*body)(void *, int64_t, int64_t), void *env)
{
    int64_t chunk = n / ((int64_t)(p->nworkers + 1) * 16);
    p->n = n;
    p->chunk = chunk < 1 ? 1 : chunk;
    p->body = body;
    p->env = env;
    __atomic_store_n(&p->next, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&p->err, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&p->done, 0, __ATOMIC_RELAXED);
    p->gen++;
    __atomic_store_n(&p->ticket, (unsigned long long)p->gen << 32 | OPEN, __ATOMIC_SEQ_CST);
    if (__atomic_load_n(&p->nsleeping, __ATOMIC_SEQ_CST)) {
        pthread_mutex_lock(&p->lock);
        pthread_cond_broadcast(&p->wake);
        pthread_mutex_unlock(&p->lock);
    }
    pool_run(p, 0);
    int joined = (int)(__atomic_fetch_and(&p->ticket, ~OPEN, __ATOMIC_ACQ_REL) & COUNT);
    for (int s = 0; __atomic_load_n(&p->done, __ATOMIC_ACQUIRE) != joined; s++) {
        if (s < SPIN) cpu_relax();
        else sched_yield();
    }
    return __atomic_load_n(&p->err, __ATOMIC_RELAXED);
}

int tdsl_rt_parallel_for_v2(int64_t n, int (*body)(void *env, int64_t i, int64_t slot), void *env)
{
    TdslPool *p = &tdsl_rt_pool_v2;
    int zero = 0;
    if (n <= 1 || !__atomic_compare_exchange_n(&p->busy, &zero, 1, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
        return run_serial(n, body, env);    /* nested, or another thread has the pool */
    if (!p->started) pool_start(p);
    int r = p->nworkers ? pool_parallel(p, n, body, env) : run_serial(n, body, env);
    __atomic_store_n(&p->busy, 0, __ATOMIC_RELEASE);
    return r;
}

void tdsl_rt_pool_after_fork(void)
{
    TdslPool *p = &tdsl_rt_pool_v2;
    char *b = (char *)p;
    for (unsigned long i = 0; i < sizeof *p; i++) b[i] = 0;     /* no libc here: it may be bitcode */
}
