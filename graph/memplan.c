/* memplan.c - the intermediates of a graph in one arena: each value is
 * live from the node that computes it to the last node that reads it, and
 * two values whose live ranges meet never share bytes. Largest first, each
 * at the lowest 64-byte aligned offset clear of every value placed so far
 * that is live at the same time (the usual greedy-by-size plan). */
#define _GNU_SOURCE /* qsort_r */
#include "graph/graph.h"
#include <stdlib.h>

static int reader_last(const OnnxGraph *g, const OnnxValue *v)
{
    int last = v->producer;
    for (int k = 0; k < g->nnodes; k++) {
        const OnnxNode *n = &g->nodes[k];
        for (int j = 0; j < n->nin; j++)
            if (n->in[j] == v) last = k;
        if (n->epi.residual == v) last = k;
    }
    return last;
}

static int by_size(const void *x, const void *y, void *plan)
{
    const MemPlan *p = plan;
    int64_t a = p->bytes[*(const int *)x], b = p->bytes[*(const int *)y];
    return a > b ? -1 : a < b ? 1 : *(const int *)x - *(const int *)y;
}

/* the lowest offset for value i clear of the placed values live with it */
static int64_t place(const MemPlan *p, const bool *placed, int i)
{
    int64_t off = 0;
    for (bool moved = true; moved;) {
        moved = false;
        for (int j = 0; j < p->n; j++) {
            if (!placed[j] || p->last[j] < p->first[i] || p->last[i] < p->first[j]) continue;
            if (off < p->offset[j] + p->bytes[j] && p->offset[j] < off + p->bytes[i]) {
                off = (p->offset[j] + p->bytes[j] + 63) / 64 * 64;
                moved = true;
            }
        }
    }
    return off;
}

void graph_mem_plan(Arena *a, const OnnxGraph *g, MemPlan *p)
{
    *p = (MemPlan){ 0 };
    p->val = ARENA_ARRAY(a, const OnnxValue *, g->nnodes + 1);
    p->offset = ARENA_ARRAY(a, int64_t, g->nnodes + 1), p->bytes = ARENA_ARRAY(a, int64_t, g->nnodes + 1);
    p->first = ARENA_ARRAY(a, int, g->nnodes + 1), p->last = ARENA_ARRAY(a, int, g->nnodes + 1);
    for (int k = 0; k < g->nnodes; k++) {
        const OnnxValue *v = g->nodes[k].nout ? g->nodes[k].out[0] : NULL;
        if (!v || v->is_output || v->is_const || v->dtype != OD_FLOAT) continue;
        int64_t n = graph_numel(&v->shape);
        p->val[p->n] = v, p->first[p->n] = k, p->last[p->n] = reader_last(g, v);
        p->bytes[p->n] = n < 0 ? -1 : n * 4;
        p->n++;
    }
    int *order = ARENA_ARRAY(a, int, p->n + 1);
    bool *placed = ARENA_ARRAY(a, bool, p->n + 1);
    for (int i = 0; i < p->n; i++) order[i] = i;
    qsort_r(order, (size_t)p->n, sizeof *order, by_size, p);
    for (int k = 0; k < p->n; k++) {
        int i = order[k];
        if (p->bytes[i] < 0) continue;      /* a size variable: not in the arena */
        p->offset[i] = place(p, placed, i);
        placed[i] = true;
        p->total += p->bytes[i];
        if (p->offset[i] + p->bytes[i] > p->peak) p->peak = p->offset[i] + p->bytes[i];
    }
}
