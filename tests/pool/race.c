/* race.c - pool/tsan-control: two threads call twice() with the same result
 * tensor, a real data race inside generated code. Built from tdslc's IR with
 * -fsanitize=thread (tests/pool/tsan_gen.sh), ThreadSanitizer must report it:
 * that shows the generated code's accesses are instrumented, so the 0 reports
 * of the other pool/tsan-gen cases mean something. */
#include "race.h"
#include <pthread.h>
#include <stdio.h>

enum { N = 4096 };
static float x[N], y[N];

static void *call(void *arg)
{
    (void)arg;
    tdsl_tensor X = TDSL_F32(x, N), Y = TDSL_F32(y, N);
    for (int k = 0; k < 20; k++)
        if (twice(&X, &Y)) return (void *)1;
    return NULL;
}

int main(void)
{
    pthread_t t[2];
    for (int i = 0; i < N; i++) x[i] = (float)i;
    for (int i = 0; i < 2; i++)
        if (pthread_create(&t[i], NULL, call, NULL)) return 2;
    for (int i = 0; i < 2; i++) pthread_join(t[i], NULL);
    printf("y[7] = %g\n", (double)y[7]);
    return 0;
}
