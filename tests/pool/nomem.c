/* nomem.c - an allocation that fails inside a parallel loop's body: the fn
 * returns TDSL_ERR_NOMEM and frees every buffer it allocated (in the body and
 * around it). Linked with -Wl,--wrap=malloc,--wrap=free, which routes the
 * generated object's malloc and free through here; the n-th malloc after
 * arming fails. */
#include "harness.h"
#include "par_sched.h"

void *__real_malloc(size_t n);
void __real_free(void *p);
void *__wrap_malloc(size_t n);
void __wrap_free(void *p);

static int armed, fail_at;
static int nmalloc, live;       /* while armed */

void *__wrap_malloc(size_t n)
{
    if (!__atomic_load_n(&armed, __ATOMIC_RELAXED)) return __real_malloc(n);
    if (__atomic_add_fetch(&nmalloc, 1, __ATOMIC_RELAXED) == fail_at) return NULL;
    void *p = __real_malloc(n);
    if (p) __atomic_add_fetch(&live, 1, __ATOMIC_RELAXED);
    return p;
}

void __wrap_free(void *p)
{
    if (p && __atomic_load_n(&armed, __ATOMIC_RELAXED)) __atomic_sub_fetch(&live, 1, __ATOMIC_RELAXED);
    __real_free(p);
}

/* Runs call once with no failure (counting its mallocs), then once failing at
 * each of them in turn. */
static void sweep(const char *what, int (*call)(void))
{
    armed = 1, fail_at = 0, nmalloc = 0, live = 0;
    int rc = call();
    armed = 0;
    int total = nmalloc;
    CHECK(rc == 0, "%s: returned %d without a failure", what, rc);
    CHECK(total > 0, "%s: no malloc to fail", what);
    for (int k = 1; k <= total; k++) {
        armed = 1, fail_at = k, nmalloc = 0, live = 0;
        rc = call();
        armed = 0;
        CHECK(TDSL_ERR_KIND(rc) == TDSL_ERR_NOMEM, "%s: malloc %d of %d failed, but it returned %d", what, k, total,
              rc);
        CHECK(live == 0, "%s: malloc %d of %d failed, and %d buffers were not freed", what, k, total, live);
    }
}

enum { N = 61, M = 300 };
static float x[N * M], y[N * M];

static int call_rows(void)
{
    tdsl_tensor X = TDSL_F32(x, N, M), Y = TDSL_F32(y, N, M);
    return rows(&X, 2.0f, &Y);
}

static int call_blur(void)
{
    tdsl_tensor X = TDSL_F32(x, N, M), Y = TDSL_F32(y, N - 2, M - 2);
    return blur(&X, &Y);
}

int main(void)
{
    harness_init();
    fill_f32(x, N * M);
    for (int rep = 0; rep < 5; rep++) {
        sweep("rows", call_rows);
        sweep("blur", call_blur);
    }
    return harness_done("nomem");
}
