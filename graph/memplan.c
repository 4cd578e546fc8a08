/* memplan.c - the intermediates of a graph in one arena: each value is
 * live from the node that computes it to the last node that reads it;
 * lang/memplan.c places them. */
#include "graph/graph.h"
#include "lang/memplan.h"

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
    p->peak = memplan_place(p->n, p->bytes, p->first, p->last, 64, p->offset);
    for (int i = 0; i < p->n; i++) p->total += p->bytes[i] > 0 ? p->bytes[i] : 0;
}
