/* memplan.h - placing buffers with known live ranges in one arena: two
 * buffers whose ranges [first, last] meet never share a byte. Largest first,
 * each at the lowest offset (a multiple of align) clear of the buffers placed
 * so far that are live with it: the usual greedy-by-size plan. One planner
 * for the loop IR's fn arenas (lower/) and the graph's plan (graph/). */
#ifndef TDSL_MEMPLAN_H
#define TDSL_MEMPLAN_H
#include <stdint.h>

/* offset[i] for each i with bytes[i] >= 0 (bytes < 0: left out); returns the
 * arena's size (the peak) */
int64_t memplan_place(int n, const int64_t *bytes, const int *first, const int *last, int64_t align, int64_t *offset);

#endif
