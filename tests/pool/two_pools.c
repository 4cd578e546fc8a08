/* two_pools.c - two generated objects, each with a parallel loop and its own
 * copy of the thread pool, in one program: they link (weak, hidden pool
 * symbols), share one pool, and work when called from two threads at once. */
#include "two_a.h"
#include "two_b.h"
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

enum { N = 300, M = 77, REPS = 200 };
static float x[N * M];
static int bad;

static void *run_a(void *arg)
{
    (void)arg;
    float y[N];
    tdsl_tensor X = TDSL_F32(x, N, M), Y = TDSL_F32(y, N);
    for (int r = 0; r < REPS; r++) {
        if (rowsum_a(&X, &Y)) __atomic_store_n(&bad, 1, __ATOMIC_RELAXED);
        for (int i = 0; i < N; i++) {
            float s = 0.0f;
            for (int j = 0; j < M; j++) s += x[i * M + j];
            if (s != y[i]) __atomic_store_n(&bad, 2, __ATOMIC_RELAXED);
        }
    }
    return NULL;
}

static void *run_b(void *arg)
{
    (void)arg;
    float *y = malloc(sizeof(float) * N * M);
    tdsl_tensor X = TDSL_F32(x, N, M), Y = TDSL_F32(y, N, M);
    for (int r = 0; r < REPS; r++) {
        if (scale_b(&X, 0.5f, &Y)) __atomic_store_n(&bad, 3, __ATOMIC_RELAXED);
        for (int i = 0; i < N * M; i++)
            if (y[i] != x[i] * 0.5f + 1.0f) __atomic_store_n(&bad, 4, __ATOMIC_RELAXED);
    }
    free(y);
    return NULL;
}

int main(void)
{
    for (int i = 0; i < N * M; i++) x[i] = (float)((i * 7919) % 1000) / 250.0f - 2.0f;
    run_a(NULL);
    run_b(NULL);
    pthread_t a, b;
    pthread_create(&a, NULL, run_a, NULL);
    pthread_create(&b, NULL, run_b, NULL);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    printf("two_pools: %s\n", bad ? "FAILED" : "ok");
    return bad;
}
