/* tdsl_pool.h - the thread pool that runs LOOP_PARALLEL loops (runtime/tdsl_pool.c).
 * Generated code calls tdsl_rt_parallel_for_v2; a copy of the pool is linked into
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

/* The names generated code calls, and the one global holding the pool's state
 * (versioned: a pool with another layout or protocol must get other names). */
#define TDSL_RT_PARALLEL_FOR "tdsl_rt_parallel_for_v2"
#define TDSL_RT_NUM_THREADS "tdsl_rt_num_threads_v2"
#define TDSL_RT_POOL_STATE "tdsl_rt_pool_v2"

/* Runs body(env, i, slot) for i in 0..n-1 on the pool's workers and the
 * calling thread, and returns 0 or the first nonzero code a body returned
 * (after an error the remaining iterations may be skipped). slot, in
 * 0..tdsl_rt_num_threads_v2()-1, is the running thread's own for this call (0
 * for the caller): no two threads run bodies with the same slot at once, so a
 * body may use per-slot scratch. Workers start on first use. A call made from
 * inside a body, or while another thread is using the pool, runs serially in
 * the calling thread with slot 0. */
int tdsl_rt_parallel_for_v2(int64_t n, int (*body)(void *env, int64_t i, int64_t slot), void *env);

/* The threads the pool runs loops on, the caller included: $TDSL_NUM_THREADS
 * if it is a positive number, else one per online core (at most 256), read
 * once, at the first call of either function. */
int64_t tdsl_rt_num_threads_v2(void);

/* In a child process just forked (the tuner's trials): the parent's workers do
 * not exist here; forget them, so the next parallel loop starts fresh ones. */
void tdsl_rt_pool_after_fork(void);

#endif
