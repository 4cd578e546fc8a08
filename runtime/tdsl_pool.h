/* tdsl_pool.h - the thread pool that runs LOOP_PARALLEL loops (runtime/tdsl_pool.c).
 * Generated code calls tdsl_rt_parallel_for; a copy of the pool is linked into
 * every generated object that has a parallel loop (weak, hidden symbols, so
 * several objects in one program share one pool), and the JIT resolves the
 * symbol to the copy compiled into the compiler (libtdsl.a). */
#ifndef TDSL_POOL_H
#define TDSL_POOL_H
#ifdef TDSL_POOL_FREESTANDING
typedef __INT64_TYPE__ int64_t;     /* compiled to bitcode for any target: no system headers */
#else
#include <stdint.h>
#endif

/* The name generated code calls, and the one global holding the pool's state
 * (versioned: a pool with another layout must get another name). */
#define TDSL_RT_PARALLEL_FOR "tdsl_rt_parallel_for"
#define TDSL_RT_POOL_STATE "tdsl_rt_pool_v1"

/* Runs body(env, i) for i in 0..n-1 on the pool's workers and the calling
 * thread, and returns 0 or the first nonzero code a body returned (after an
 * error the remaining iterations may be skipped). Workers start on first use:
 * $TDSL_NUM_THREADS threads in all (the caller included), else one per online
 * core. A call made from inside a body, or while another thread is using the
 * pool, runs serially in the calling thread. */
int tdsl_rt_parallel_for(int64_t n, int (*body)(void *env, int64_t i), void *env);

/* In a child process just forked (the tuner's trials): the parent's workers do
 * not exist here; forget them, so the next parallel loop starts fresh ones. */
void tdsl_rt_pool_after_fork(void);

#endif
