/* malloc_count.h - counts the calls of malloc a test makes while `counting`:
 * the program's own malloc, which forwards to glibc's (it interposes for
 * generated code too, AOT or JIT). Under the sanitizers, which own malloc,
 * nothing is counted and MALLOCS_IN gives -1. Included by one .c file of a
 * test program (tests/e2e/workspace.c, tests/onnx/torch_main.c). */
#ifndef TDSL_TEST_MALLOC_COUNT_H
#define TDSL_TEST_MALLOC_COUNT_H
#include <stddef.h>

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define COUNT_MALLOC 0
#define MALLOCS_IN(call, rc) ((rc) = (call), -1L)
#else
#define COUNT_MALLOC 1
extern void *__libc_malloc(size_t n);
static long mallocs;
static int counting;
void *malloc(size_t n)
{
    if (__atomic_load_n(&counting, __ATOMIC_RELAXED)) __atomic_fetch_add(&mallocs, 1, __ATOMIC_RELAXED);
    return __libc_malloc(n);
}
/* rc = call; the mallocs it made */
#define MALLOCS_IN(call, rc)                                                                                           \
    (__atomic_store_n(&mallocs, 0, __ATOMIC_RELAXED), __atomic_store_n(&counting, 1, __ATOMIC_RELAXED), (rc) = (call), \
     __atomic_store_n(&counting, 0, __ATOMIC_RELAXED), mallocs)
#endif

#endif
