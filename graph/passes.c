/* passes.c - the pass driver and what the passes share: counting the
 * readers of a value, new constants, dropping dead nodes. */
#include "graph/graph.h"
#include <string.h>

int graph_uses(const OnnxGraph *g, const OnnxValue *v)
{
    if (!v) return 0;   /* an omitted optional output */
    int n = v->is_output;
    for (int k = 0; k < g->nnodes; k++) {
        const OnnxNode *x = &g->nodes[k];
        for (int j = 0; j < x->nin && !x->dead; j++) n += x->in[j] == v;
        if (!x->dead && x->epi.residual == v) n++;
    }
    return n;
}

OnnxNode *graph_sole_user(OnnxGraph *g, const OnnxValue *v)
{
    if (!v || graph_uses(g, v) != 1 || v->is_output) return NULL;
    for (int k = 0; k < g->nnodes; k++) {
        OnnxNode *x = &g->nodes[k];
        for (int j = 0; j < x->nin && !x->dead; j++)
            if (x->in[j] == v) return x;
    }
    return NULL;
}

int64_t graph_numel(const OnnxShape *s)
{
    int64_t n = 1;
    for (int k = 0; k < s->rank; k++) {
        if (s->d[k].sym) return -1;
        n *= s->d[k].n;
    }
    return n;
}

OnnxValue *graph_new_const(OnnxGraph *g, const char *name, const OnnxShape *s, float *data)
{
    OnnxValue *v = ARENA_NEW(g->arena, OnnxValue);
    v->name = arena_strdup(g->arena, name);
    v->dtype = OD_FLOAT;
    v->shape = *s;
    v->id = g->nvalues;
    v->producer = -1;
    v->is_const = true;
    v->numel = graph_numel(s);
    v->f = data;
    OnnxValue **vals = ARENA_ARRAY(g->arena, OnnxValue *, g->nvalues + 1);
    memcpy(vals, g->values, sizeof *vals * (size_t)g->nvalues);
    vals[g->nvalues++] = v;
    g->values = vals;
    return v;
}

void graph_compact(OnnxGraph *g)
{
    int n = 0;
    for (int k = 0; k < g->nnodes; k++) {
        if (g->nodes[k].dead) continue;
        g->nodes[n] = g->nodes[k];     /* index stays the model's own, for errors */
        for (int j = 0; j < g->nodes[n].nout; j++)
            if (g->nodes[n].out[j]) g->nodes[n].out[j]->producer = n;
        n++;
    }
    g->nnodes = n;
}

/* nodes none of whose outputs is read (a Constant that fed a fused Clip) */
static void drop_unread(OnnxGraph *g)
{
    for (int k = g->nnodes - 1; k >= 0; k--) {
        OnnxNode *n = &g->nodes[k];
        bool read = false;
        for (int j = 0; j < n->nout && !read; j++) read = n->out[j] && graph_uses(g, n->out[j]) > 0;
        n->dead = !read;
    }
}

void graph_optimize(OnnxGraph *g, GraphStats *st)
{
    memset(st, 0, sizeof *st);
    st->nodes_in = g->nnodes;
    graph_fold_constants(g, st);
    graph_compact(g);
    graph_fold_batchnorm(g, st);
    graph_compact(g);
    graph_fuse_gelu(g, st);
    graph_matmul_to_gemm(g, st);
    graph_compact(g);
    graph_fuse_epilogues(g, st);
    drop_unread(g);
    graph_compact(g);
    graph_prepack(g, st);
}
