/* timing.h - what the course's C programs time with: a monotonic clock in
 * milliseconds and the median of a run of times (sorted in place). */
#ifndef COURSE_TIMING_H
#define COURSE_TIMING_H
#include <stdlib.h>
#include <time.h>

static inline double course_now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static inline int course_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* the median of t[0..n-1], n >= 1; t ends up sorted */
static inline double course_median(double *t, int n)
{
    qsort(t, (size_t)n, sizeof *t, course_cmp_double);
    return t[n / 2];
}

#endif
