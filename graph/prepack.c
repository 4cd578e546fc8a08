/* prepack.c - constant weights packed once, when the model is compiled, in
 * the layout their kernel's schedule reads them in: the rows (a conv's output
 * channels, a Gemm's output columns) in blocks of 16, the 16 innermost, zero
 * past the end: KP[o / 16, ..., o % 16] = K[o, ...] (a 1x1 conv's [o, c, 1, 1]
 * becomes [ob, c, 16]). The node's kernel becomes its _pk twin, which reads
 * the blocks as they lie instead of copying them on every call. */
#include "graph/graph.h"
#include <string.h>

static bool packable(const OnnxNode *n)
{
    const OnnxValue *w = n->nin > 1 ? n->in[1] : NULL;
    if (n->packed || !graph_packed_kernel(graph_kernel(n)) || !w || !w->is_const || !w->f) return false;
    for (int k = 0; k < w->shape.rank; k++)
        if (w->shape.d[k].sym) return false;
    return w->shape.rank >= 2 && w->shape.d[0].n > 0;
}

/* [ob, rest of w's dims (a 1x1 window's dropped), 16] */
static OnnxShape packed_shape(const OnnxValue *w, bool one_by_one)
{
    OnnxShape s = { .rank = 0 };
    s.d[s.rank++].n = (w->shape.d[0].n + 15) / 16;
    for (int k = 1; k < (one_by_one ? 2 : w->shape.rank); k++) s.d[s.rank++] = w->shape.d[k];
    s.d[s.rank++].n = 16;
    return s;
}

static void pack(OnnxGraph *g, OnnxNode *n)
{
    const OnnxValue *w = n->in[1];
    int64_t rows = w->shape.d[0].n, per = w->numel / rows, blocks = (rows + 15) / 16;
    float *data = ARENA_ARRAY(g->arena, float, blocks * 16 * per + 1);   /* zeroed: the rows past the end */
    for (int64_t o = 0; o < rows; o++)
        for (int64_t p = 0; p < per; p++) data[((o / 16) * per + p) * 16 + o % 16] = w->f[o * per + p];
    OnnxShape s = packed_shape(w, !strcmp(n->op, "Conv") && n->geo.k[0] == 1 && n->geo.k[1] == 1);
    OnnxValue **in = ARENA_ARRAY(g->arena, OnnxValue *, n->nin + 1);
    memcpy(in, n->in, sizeof *in * (size_t)n->nin);
    in[1] = graph_new_const(g, arena_printf(g->arena, "%s_pk", w->name), &s, data);
    n->in = in;
    n->packed = true;
}

void graph_prepack(OnnxGraph *g, GraphStats *st)
{
    for (int k = 0; k < g->nnodes; k++)
        if (packable(&g->nodes[k])) pack(g, &g->nodes[k]), st->packed++;
}
