/* features.c - what the cost model (model.c) sees of a candidate: numbers
 * read off its loop IR at the tuning sizes (how many stores and loads run,
 * what share of them in vector and in parallel loops, how many allocations
 * and bytes, unrolled iterations, the nest depth), each as log2(1 + count)
 * or a share, and its genes summed over all stages and for the result stage
 * alone. Trip counts take every loop counter at 0 (a tile's first, usually
 * full, iteration) and every size at its tuning value. */
#include "tune/tune_int.h"
#include <math.h>
#include <string.h>

typedef struct Walk {
    const int64_t *sz;
    double stores, vstores, pstores, loads, allocs, alloc_bytes, unrolled;
    int depth, maxdepth;
} Walk;

static double eval(const LExpr *e, const int64_t *sz)
{
    double x = e->nargs > 0 ? eval(e->args[0], sz) : 0, y = e->nargs > 1 ? eval(e->args[1], sz) : 0;
    switch (e->kind) {
    case LX_INT: return (double)e->ival;
    case LX_VAR: return e->var->kind == LV_SIZE ? (double)sz[e->var->index] : 0;
    case LX_CAST: return x;
    case LX_SELECT: return y;
    case LX_CALL: return e->fn == MF_MIN ? fmin(x, y) : e->fn == MF_MAX ? fmax(x, y) : 1;
    case LX_BINARY:
        switch (e->op) {
        case OP_ADD: return x + y;
        case OP_SUB: return x - y;
        case OP_MUL: return x * y;
        case OP_DIV: return y > 0 ? floor(x / y) : 0;
        case OP_MOD: return y > 0 ? fmod(x, y) : 0;
        default: return 1;
        }
    default: return 1;
    }
}

static int count_loads(const LExpr *e)
{
    int n = e->kind == LX_LOAD;
    for (int i = 0; i < e->nargs; i++) n += count_loads(e->args[i]);
    return n;
}

static void walk(Walk *w, const LStmt *s, double mult, bool vec, bool par)
{
    if (!s) return;
    switch (s->kind) {
    case LS_FOR: {
        double n = fmax(eval(s->extent, w->sz), 0);
        bool v = s->loop == LOOP_VECTOR;
        if (s->loop == LOOP_UNROLL) w->unrolled += mult * n;
        w->maxdepth = ++w->depth > w->maxdepth ? w->depth : w->maxdepth;
        walk(w, s->body[0], mult * (v ? ceil(n / (s->width > 0 ? s->width : 1)) : n), vec || v,
             par || s->loop == LOOP_PARALLEL);
        w->depth--;
        return;
    }
    case LS_STORE:
        w->stores += mult;
        w->vstores += vec ? mult : 0;
        w->pstores += par ? mult : 0;
        w->loads += mult * count_loads(s->value);
        return;
    case LS_ALLOC: {
        double bytes = dtype_bits(s->buf->type) / 8;
        for (int k = 0; k < s->buf->ndim; k++) bytes *= fmax(eval(s->buf->extent[k], w->sz), 0);
        w->allocs += mult;
        w->alloc_bytes += mult * bytes;
        break;
    }
    default: break;
    }
    for (int i = 0; i < s->nbody; i++) walk(w, s->body[i], mult, vec, par);
}

static double lg(double x) { return log2(1 + x); }

/* the TUNE_GENE_FEATS numbers of one stage's genes, added into x */
static void add_genes(const Genes *g, double *x)
{
    x[0] += g->place == 0, x[1] += g->place == 1, x[2] += g->place >= 2;
    x[3] += lg(g->vec), x[4] += lg(g->tile_j), x[5] += lg(g->tile_i), x[6] += g->unroll_i;
    x[7] += lg(g->tile_r), x[8] += g->par, x[9] += g->acc, x[10] += g->pack, x[11] += g->rf > 0, x[12] += g->irow;
    x[13] += g->runroll, x[14] += g->unroll_j, x[15] += g->unroll_k;
}

void tune_features(const LFunc *f, const int64_t *sz, const Space *s, const Cand *c, double *x)
{
    Walk w = { .sz = sz };
    walk(&w, f->body, 1, false, false);
    memset(x, 0, sizeof(double) * TUNE_NFEAT);
    double st = w.stores > 0 ? w.stores : 1;
    double ir[] = { 1,
                    lg(w.stores),
                    lg(w.loads),
                    w.vstores / st,
                    w.pstores / st,
                    lg(w.allocs),
                    lg(w.alloc_bytes),
                    lg(w.unrolled),
                    w.maxdepth,
                    lg(w.stores - w.vstores) };
    _Static_assert(sizeof ir / sizeof ir[0] == TUNE_IR_FEATS, "the loop IR's features");
    memcpy(x, ir, sizeof ir);
    for (int i = 0; i < s->nst; i++) {
        add_genes(&c->g[i], x + TUNE_IR_FEATS);
        if (s->fs->stages[i]->t && s->fs->stages[i]->t->kind == TK_RESULT)
            add_genes(&c->g[i], x + TUNE_IR_FEATS + TUNE_GENE_FEATS);
    }
}
