/* memplan.c - the greedy-by-size arena plan (see memplan.h). */
#define _GNU_SOURCE /* qsort_r */
#include "lang/memplan.h"
#include <stdbool.h>
#include <stdlib.h>

static int by_size(const void *x, const void *y, void *bytes)
{
    const int64_t *b = bytes;
    int i = *(const int *)x, j = *(const int *)y;
    return b[i] > b[j] ? -1 : b[i] < b[j] ? 1 : i - j;
}

/* the lowest aligned offset for i clear of the placed buffers live with it */
static int64_t lowest(int n, const int64_t *bytes, const int *first, const int *last, const bool *placed,
                      const int64_t *offset, int64_t align, int i)
{
    int64_t off = 0;
    for (bool moved = true; moved;) {
        moved = false;
        for (int j = 0; j < n; j++) {
            if (!placed[j] || last[j] < first[i] || last[i] < first[j]) continue;
            if (off < offset[j] + bytes[j] && offset[j] < off + bytes[i]) {
                off = (offset[j] + bytes[j] + align - 1) / align * align;
                moved = true;
            }
        }
    }
    return off;
}

int64_t memplan_place(int n, const int64_t *bytes, const int *first, const int *last, int64_t align, int64_t *offset)
{
    int *order = malloc(sizeof(int) * (size_t)(n + 1));
    bool *placed = calloc((size_t)n + 1, sizeof(bool));
    int64_t peak = 0;
    for (int i = 0; i < n; i++) order[i] = i;
    qsort_r(order, (size_t)n, sizeof *order, by_size, (void *)bytes);
    for (int k = 0; k < n; k++) {
        int i = order[k];
        if (bytes[i] < 0) continue;
        offset[i] = lowest(n, bytes, first, last, placed, offset, align, i);
        placed[i] = true;
        if (offset[i] + bytes[i] > peak) peak = offset[i] + bytes[i];
    }
    free(order);
    free(placed);
    return peak;
}
