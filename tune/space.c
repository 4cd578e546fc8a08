/* space.c - the tuner's candidates: per stage a few genes (a BLIS-like
 * multi-level tiling of its last two pure loops and first reduction loop, a
 * vector width, a register tile (rows x rows of another dim x vectors)
 * accumulated in place, short reduction loops
 * unrolled, a blocked pack of the operand read as [r, j], parallelism; or,
 * for a producer, inline or compute_at), drawn at random (after a few plain
 * starting points), mutated one gene at a time, and rendered as the text of
 * a schedule block that the ordinary parser and legality checks take (an
 * illegal combination is a rejected trial). */
#include "tune/tune_int.h"
#include <stdlib.h>
#include <string.h>

static const int vecs[] = { 0, 8, 16, 32 };
static const int tiles_j[] = { 0, 32, 64, 128, 256, 512, 1024, 2048 };
static const int tiles_i[] = { 0, 8, 16, 32, 48, 64, 96, 128, 256 };
static const int unrolls[] = { 1, 2, 3, 4, 5, 6, 8, 12, 16 };
static const int unrolls_j[] = { 1, 1, 2, 3, 4, 7 };
static const int unrolls_k[] = { 1, 1, 2, 3, 4 };
static const int tiles_r[] = { 0, 32, 64, 128, 256, 512 };
static const int lanes[] = { 0, 8, 16, 32 };
#define PICK(rng, set) (set)[tune_rand(rng) % (sizeof(set) / sizeof((set)[0]))]
#define NGENES 14

uint64_t tune_rand(uint64_t *rng)      /* splitmix64 */
{
    uint64_t z = (*rng += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

bool tune_space_init(Arena *a, Space *s, Fn *fn, const int64_t *sz, int regs, int lanes, Diag *d)
{
    s->fn = fn;
    s->regs = regs, s->lanes = lanes;
    s->sz = sz;
    s->fs = sched_build(a, fn, NULL, 0, -1, d);
    if (!s->fs) return false;
    s->nst = s->fs->nstages < TUNE_MAXST ? s->fs->nstages : TUNE_MAXST;
    return true;
}

static void set_gene(uint64_t *rng, Genes *g, int which)
{
    switch (which) {
    case 0: g->place = (int)(tune_rand(rng) % 5); break;
    case 1: g->vec = PICK(rng, vecs); break;
    case 2: g->tile_j = PICK(rng, tiles_j); break;
    case 3: g->tile_i = PICK(rng, tiles_i); break;
    case 4: g->unroll_i = PICK(rng, unrolls); break;
    case 5: g->tile_r = PICK(rng, tiles_r); break;
    case 6: g->par = tune_rand(rng) % 4 != 0; break;
    case 7: g->acc = tune_rand(rng) % 3 != 0; break;
    case 8: g->pack = tune_rand(rng) % 2; break;
    case 9: g->irow = (int)(tune_rand(rng) % 3); break;
    case 10: g->rf = PICK(rng, lanes); break;
    case 11: g->runroll = tune_rand(rng) % 2; break;
    case 12: g->unroll_j = PICK(rng, unrolls_j); break;
    default: g->unroll_k = PICK(rng, unrolls_k); break;
    }
}

int tune_tile_regs(const Space *s, const Genes *g)
{
    int per = g->vec > s->lanes ? g->vec / s->lanes : 1;
    return (g->unroll_i > 1 ? g->unroll_i : 1) * (g->unroll_k > 1 ? g->unroll_k : 1) *
           (g->unroll_j > 1 ? g->unroll_j : 1) * per;
}

/* A reduction's register tile (rows x rows of a second dim x vectors: its
 * accumulators) fits the vector registers with three to spare for the
 * operands: its columns, then its second rows, then its rows are cut until it
 * does (a tile that spills is never worth a trial). */
static void fit_tiles(const Space *s, Cand *c)
{
    for (int i = 0; i < s->nst; i++) {
        Genes *g = &c->g[i];
        while (s->fs->stages[i]->reduce && tune_tile_regs(s, g) > s->regs - 3) {
            if (g->unroll_j > 1) g->unroll_j--;
            else if (g->unroll_k > 1) g->unroll_k--;
            else if (g->unroll_i > 1) g->unroll_i--;
            else break;
        }
    }
}

void tune_random(const Space *s, uint64_t *rng, Cand *c)
{
    memset(c, 0, sizeof *c);
    for (int i = 0; i < s->nst; i++)
        for (int k = 0; k < NGENES; k++) set_gene(rng, &c->g[i], k);
    fit_tiles(s, c);
}

static bool is_result(const SStage *st) { return st->t && st->t->kind == TK_RESULT; }

/* the register tiles of tune_seed: rows, their dim (irow), rows of a second dim, vectors of the target's width */
static const int tile_seeds[][4] = { { 6, 0, 1, 2 }, { 8, 1, 1, 1 }, { 4, 1, 2, 1 } };

/* The k-th of the plain starting points (false past the last): every stage
 * vectorized at one width of vecs[] (its reduction rfactored into as many
 * lanes), the outermost loop parallel, nothing tiled, producers computed at
 * the result's outermost loop (a row, for a row reduction's: as a hand-written
 * softmax or layernorm), then the same with producers inlined (a stencil's);
 * then, where the result reduces, three register tiles accumulated in place, its
 * producers at the root: a matmul's 6 rows x two vectors, a conv's 8 output
 * channels x a vector, and 4 channels x 2 rows of y x a vector; timed first,
 * so the simplest good schedules (a gelu's, say) are never left to chance, and
 * mutations start from them. */
bool tune_seed(const Space *s, int k, Cand *c)
{
    int nv = (int)(sizeof vecs / sizeof vecs[0]) - 1, v = vecs[k % nv + 1];
    bool reduces = false;   /* the result reduces: the register tiles are its (render_tiled) */
    for (int i = 0; i < s->nst; i++) reduces |= is_result(s->fs->stages[i]) && s->fs->stages[i]->reduce;
    if (k >= 2 * nv + (reduces ? (int)(sizeof tile_seeds / sizeof tile_seeds[0]) : 0)) return false;
    memset(c, 0, sizeof *c);
    for (int i = 0; i < s->nst; i++) {
        Genes *g = &c->g[i];
        *g = (Genes){
            .place = k < nv ? 2 : 1, .vec = v, .rf = v, .unroll_i = 1, .unroll_j = 1, .unroll_k = 1, .par = true
        };
        if (k < 2 * nv) continue;
        const int *t = tile_seeds[k - 2 * nv];
        *g = (Genes){ .place = 0,
                      .vec = t[3] * s->lanes,
                      .unroll_i = t[0],
                      .irow = t[1],
                      .unroll_j = 1,
                      .unroll_k = t[2],
                      .acc = true,
                      .par = true };
    }
    fit_tiles(s, c);
    return true;
}

void tune_mutate(const Space *s, uint64_t *rng, Cand *c)
{
    int n = 1 + (int)(tune_rand(rng) % 2);
    for (int k = 0; k < n && s->nst; k++)
        set_gene(rng, &c->g[tune_rand(rng) % (uint64_t)s->nst], (int)(tune_rand(rng) % NGENES));
    fit_tiles(s, c);
}

/* ---- rendering ---- */

typedef struct Loops {
    const char *order[64];
    int n;
    bool red[64];
} Loops;

static void add_loop(Loops *l, const char *name, bool red)
{
    if (!name || l->n >= 64) return;
    l->red[l->n] = red;
    l->order[l->n++] = name;
}

static int64_t extent_of(const Space *s, const SStage *st, int v)
{
    const SVar *x = &st->vars[v];
    if (x->how == SV_PURE && st->t && st->t->extent) return aff_eval(st->t->extent[x->orig], s->sz);
    if (x->how == SV_RVAR && x->orig >= 0) return aff_eval(st->reduce->rvars[x->orig]->extent, s->sz);
    return -1;
}

/* "S.split(v, v_o, v_i, f)" when f splits an extent of e into more than one
 * block: the inner name (*outer the outer one); else v (*outer NULL) */
static const char *split(Arena *a, FILE *out, const char *v, const char *so, const char *si, int f, int64_t e,
                         const char **outer)
{
    *outer = NULL;
    if (f <= 1 || (e >= 0 && e <= f)) return v;
    *outer = arena_printf(a, "%s%s", v, so);
    const char *in = arena_printf(a, "%s%s", v, si);
    fprintf(out, "\n     .split(%s, %s, %s, %d)", v, *outer, in, f);
    return in;
}

/* X[R0, j] (or X[j, R0]) in e, X a rank-2 parameter: its name and whether j comes first */
static const Tensor *find_operand(const Expr *e, const char *j, const char *r, bool *transposed)
{
    if (!e) return NULL;
    if (e->kind == EX_ACCESS && e->nargs == 2 && e->tensor && e->tensor->kind == TK_PARAM) {
        const Expr *a0 = e->args[0], *a1 = e->args[1];
        bool n0 = a0->kind == EX_NAME, n1 = a1->kind == EX_NAME;
        if (n0 && n1 && !strcmp(a0->name, r) && !strcmp(a1->name, j)) return *transposed = false, e->tensor;
        if (n0 && n1 && !strcmp(a0->name, j) && !strcmp(a1->name, r)) return *transposed = true, e->tensor;
    }
    for (int i = 0; i < e->nargs; i++) {
        const Tensor *t = find_operand(e->args[i], j, r, transposed);
        if (t) return t;
    }
    return NULL;
}

/* The primitives of one tiled stage after its name (".split(...)..."); the
 * loops in their new order in *l. */
static void render_tiled(Arena *a, FILE *out, const Space *s, const SStage *st, const Genes *g, Loops *l)
{
    const char *P[16], *R[16];
    int64_t EP[16], ER[16];
    int k = 0, m = 0;
    for (int v = 0; v < st->nvars; v++) {
        if (st->vars[v].how == SV_PURE && k < 16) EP[k] = extent_of(s, st, v), P[k++] = st->vars[v].name;
        if (st->vars[v].how == SV_RVAR && m < 16) ER[m] = extent_of(s, st, v), R[m++] = st->vars[v].name;
    }
    if (!k) return;
    const char *jo, *jv = NULL, *ju = NULL, *io = NULL, *iu = NULL, *ro = NULL, *x;
    const char *jin = split(a, out, P[k - 1], "_o", "_t", g->tile_j, EP[k - 1], &jo);
    int64_t ej = jo ? g->tile_j : EP[k - 1];
    /* a vector or unrolled loop only over a whole width: an extent of -1 always splits, 0 never;
     * the register tile's columns (unroll_j vectors side by side) split off first, so that the
     * vectors inside a whole tile are whole (split the other way, each would test for the end) */
    int uj = g->vec && g->unroll_j > 1 && (ej < 0 || ej >= g->vec * g->unroll_j) ? g->unroll_j : 1;
    const char *jrest =
        split(a, out, jin, "_r", uj > 1 ? "_t" : "_v", g->vec * uj, ej < 0 || ej >= g->vec ? -1 : 0, &x);
    if (x) jv = jrest, jrest = x;
    if (jv && uj > 1) jv = split(a, out, jv, "_u", "_v", g->vec, -1, &ju);
    const char *irest = NULL;
    int ii = k - 2 - g->irow >= 0 ? k - 2 - g->irow : k - 2;    /* the register tile's rows: this pure dim */
    if (k >= 2) {
        /* the block of rows a multiple of the register tile's (BLIS's mc of mr): no tail inside each block */
        int u = g->unroll_i > 1 ? g->unroll_i : 1, ti = g->tile_i ? (g->tile_i + u / 2) / u * u : 0;
        const char *iin = split(a, out, P[ii], "_o", "_t", ti, EP[ii], &io);
        int64_t ei = io ? ti : EP[ii];
        irest = split(a, out, iin, "_r", "_u", g->unroll_i, ei < 0 || ei >= g->unroll_i ? -1 : 0, &x);
        if (x) iu = irest, irest = x;
    }
    int kk = -1;    /* the tile's second rows: the last pure dim before the columns but ii (a conv's y) */
    for (int q = 0; q + 1 < k && k >= 3 && g->unroll_k > 1; q++)
        if (q != ii) kk = q;
    const char *krest = NULL, *ku = NULL;
    if (kk >= 0) {
        krest = split(a, out, P[kk], "_r", "_u", g->unroll_k, EP[kk] < 0 || EP[kk] >= g->unroll_k ? -1 : 0, &x);
        if (x) ku = krest, krest = x;
    }
    const char *r0 = m ? split(a, out, R[0], "_o", "_i", g->tile_r, ER[0], &ro) : NULL;
    for (int q = 0; q + 1 < k; q++)
        if (q != ii) add_loop(l, q == kk ? krest : P[q], false);
    if (m) {
        add_loop(l, jo, false), add_loop(l, ro, true), add_loop(l, io, false);
    } else {
        add_loop(l, io, false), add_loop(l, jo, false);
    }
    if (io || iu) {
        add_loop(l, jrest, false), add_loop(l, irest, false);
    } else {    /* a row loop neither blocked nor unrolled stays outside the columns: row-major */
        add_loop(l, irest, false), add_loop(l, jrest, false);
    }
    for (int q = 0; q < m; q++) add_loop(l, q ? R[q] : r0, true);
    add_loop(l, iu, false), add_loop(l, ku, false), add_loop(l, ju, false), add_loop(l, jv, false);
    fprintf(out, "\n     .reorder(");
    for (int q = 0; q < l->n; q++) fprintf(out, "%s%s", q ? ", " : "", l->order[q]);
    fprintf(out, ")");
    if (g->par && !l->red[0]) fprintf(out, "\n     .parallel(%s)", l->order[0]);
    bool transposed;
    const Tensor *op = g->pack && ro && jv ? find_operand(st->value, P[k - 1], R[0], &transposed) : NULL;
    if (op && !transposed) fprintf(out, "\n     .pack(%s, %s, 1 / %d, 0, 1 %% %d)", op->name, ro, g->vec, g->vec);
    if (op && transposed) fprintf(out, "\n     .pack(%s, %s, 0 / %d, 1, 0 %% %d)", op->name, ro, g->vec, g->vec);
    const char *acc = irest ? irest : jrest;
    if (g->acc && m && acc != jv) fprintf(out, "\n     .accumulate(%s)", acc);
    if (iu) fprintf(out, "\n     .unroll(%s)", iu);
    if (ku) fprintf(out, "\n     .unroll(%s)", ku);
    if (ju) fprintf(out, "\n     .unroll(%s)", ju);
    for (int q = 1; q < m && g->runroll; q++)
        if (ER[q] >= 2 && ER[q] <= 8) fprintf(out, "\n     .unroll(%s)", R[q]);
    if (jv) fprintf(out, "\n     .vectorize(%s)", jv);
}

/* A producer's own loops: its last pure loop in vectors of g->vec (no
 * reduction) or its reduction's last loop rfactored into g->rf vector lanes
 * (a row max or sum reduced 8 to 32 lanes at a time, then across them). */
static void render_producer(Arena *a, FILE *out, const Space *s, const SStage *st, const Genes *g)
{
    int pure = -1, red = -1;
    for (int v = 0; v < st->nvars; v++) {
        if (st->vars[v].how == SV_PURE) pure = v;
        if (st->vars[v].how == SV_RVAR && st->vars[v].orig >= 0) red = v;
    }
    int64_t e = red >= 0 ? extent_of(s, st, red) : pure >= 0 ? extent_of(s, st, pure) : -1;
    if (red < 0 && pure >= 0 && g->vec && (e < 0 || e >= g->vec))
        fprintf(out, "\n    %s.vectorize(%s, %d)", st->name, st->vars[pure].name, g->vec);
    if (red >= 0 && g->rf && (e < 0 || e >= 2 * g->rf)) {
        const char *r = st->vars[red].name, *ro = arena_printf(a, "%s_o", r), *rl = arena_printf(a, "%s_l", r);
        const char *f = arena_printf(a, "%s_rf", st->name);
        fprintf(out, "\n    %s.split(%s, %s, %s, %d).rfactor(%s, %s)\n    %s.vectorize(%s)", st->name, r, ro, rl, g->rf,
                rl, f, f, rl);
    }
}

static bool expr_reads(const Expr *e, const Tensor *t)
{
    if (!e) return false;
    if (e->kind == EX_ACCESS && e->tensor == t) return true;
    for (int i = 0; i < e->nargs; i++)
        if (expr_reads(e->args[i], t)) return true;
    return false;
}

/* The producers' places made consistent, as compute_at requires: a producer
 * computed at a loop of the result is read only by the result, by stages
 * inlined, or by stages computed at the same loop; else it moves out (to the
 * shallower of two loops, or to the root). */
static void settle_places(const Space *s, const Cand *c, int *place)
{
    for (int i = 0; i < s->nst; i++) {
        const SStage *st = s->fs->stages[i];
        place[i] = is_result(st) ? -1 : c->g[i].place == 1 && st->reduce ? 0 : c->g[i].place;
    }
    for (bool changed = true; changed;) {
        changed = false;
        for (int p = 0; p < s->nst; p++)
            for (int q = 0; q < s->nst && place[p] >= 2; q++) {
                const SStage *sq = s->fs->stages[q];
                if (q == p || place[q] == -1 || place[q] == 1 || !sq->t || !expr_reads(sq->value, s->fs->stages[p]->t))
                    continue;
                int m = place[q] < place[p] ? place[q] : place[p];
                if (m == 1) m = 0;
                changed |= place[p] != m || place[q] != m;
                place[p] = place[q] = m;
            }
    }
}

char *tune_render(Arena *a, const Space *s, const Cand *c)
{
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    fprintf(out, "schedule %s {", s->fn->name);
    const SStage *res = NULL;
    Loops rl = { 0 };
    for (int i = s->nst - 1; i >= 0 && !res; i--)
        if (is_result(s->fs->stages[i])) {
            res = s->fs->stages[i];
            fprintf(out, "\n    %s", res->name);
            render_tiled(a, out, s, res, &c->g[i], &rl);
        }
    int place[TUNE_MAXST];
    settle_places(s, c, place);
    for (int i = 0; i < s->nst; i++) {
        const SStage *st = s->fs->stages[i];
        const Genes *g = &c->g[i];
        if (st == res || is_result(st)) continue;
        if (place[i] == 1) {
            fprintf(out, "\n    %s.inline()", st->name);
            continue;
        }
        int at = place[i] - 2;      /* compute_at the result's loop at that depth, a pure one */
        if (at >= 0 && res && at < rl.n && !rl.red[at])
            fprintf(out, "\n    %s.compute_at(%s, %s)", st->name, res->name, rl.order[at]);
        render_producer(a, out, s, st, g);
    }
    fprintf(out, "\n}\n");
    fclose(out);
    char *r = arena_strdup(a, text);
    free(text);
    return r;
}
