/* prepack.c - constant weights packed once, when the model is compiled, in
 * the layout their kernel's schedule reads them in: the rows (a conv's output
 * channels, a Gemm's output columns) in blocks of 16, the 16 innermost, zero
 * past the end: KP[o / 16, ..., o % 16] = K[o, ...] (a 1x1 conv's [o, c, 1, 1]
 * becomes [ob, c, 16]). The node's kernel becomes its _pk twin, which reads
 * the blocks as they lie instead of copying them on every call. A 3x3
 * convolution that Winograd's F(2x2, 3x3) computes faster (graph_winograd_fits)
 * gets U = G K G^T instead, in the same blocks: UP[a, b, o / 16, c, o % 16]
 * (stdlib/nn.tdsl, conv3x3w_pk_act). */
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

/* n reads data (shape s), a new const named after its weights + suffix, as in[1] */
static void use_packed(OnnxGraph *g, OnnxNode *n, const char *suffix, const OnnxShape *s, float *data)
{
    OnnxValue **in = ARENA_ARRAY(g->arena, OnnxValue *, n->nin + 1);
    memcpy(in, n->in, sizeof *in * (size_t)n->nin);
    in[1] = graph_new_const(g, arena_printf(g->arena, "%s%s", n->in[1]->name, suffix), s, data);
    n->in = in;
    n->packed = true;
}

static void pack(OnnxGraph *g, OnnxNode *n)
{
    const OnnxValue *w = n->in[1];
    int64_t rows = w->shape.d[0].n, per = w->numel / rows, blocks = (rows + 15) / 16;
    float *data = ARENA_ARRAY(g->arena, float, blocks * 16 * per + 1);   /* zeroed: the rows past the end */
    for (int64_t o = 0; o < rows; o++)
        for (int64_t p = 0; p < per; p++) data[((o / 16) * per + p) * 16 + o % 16] = w->f[o * per + p];
    OnnxShape s = packed_shape(w, !strcmp(n->op, "Conv") && n->geo.k[0] == 1 && n->geo.k[1] == 1);
    use_packed(g, n, "_pk", &s, data);
}

/* U[a, b] = G K[o, ci] G^T for each output and input channel, in double, rounded once */
static void pack_winograd(OnnxGraph *g, OnnxNode *n)
{
    static const double G[4][3] = { { 1, 0, 0 }, { 0.5, 0.5, 0.5 }, { 0.5, -0.5, 0.5 }, { 0, 0, 1 } };
    const OnnxValue *w = n->in[1];
    int64_t rows = w->shape.d[0].n, c = w->shape.d[1].n, blocks = (rows + 15) / 16;
    float *data = ARENA_ARRAY(g->arena, float, 16 * blocks * c * 16 + 1);  /* zeroed: the rows past the end */
    for (int64_t o = 0; o < rows; o++)
        for (int64_t ci = 0; ci < c; ci++) {
            const float *k = w->f + (o * c + ci) * 9;
            for (int ab = 0; ab < 16; ab++) {
                double s = 0;
                for (int i = 0; i < 3; i++)
                    for (int j = 0; j < 3; j++) s += G[ab / 4][i] * (double)k[i * 3 + j] * G[ab % 4][j];
                data[((ab * blocks + o / 16) * c + ci) * 16 + o % 16] = (float)s;
            }
        }
    OnnxShape s = { .rank = 5 };
    s.d[0].n = 4, s.d[1].n = 4, s.d[2].n = blocks, s.d[3].n = c, s.d[4].n = 16;
    use_packed(g, n, "_wino", &s, data);
    n->winograd = true;
}

void graph_prepack(OnnxGraph *g, GraphStats *st)
{
    for (int k = 0; k < g->nnodes; k++) {
        OnnxNode *n = &g->nodes[k];
        if (!packable(n)) continue;
        bool wino = graph_winograd_fits(n);
        if (wino) pack_winograd(g, n);
        else pack(g, n);
        st->packed++, st->winograd += wino;
    }
}
