/* space_test.c - the tuner's space (tune/space.c) on tests/tune/conv.tdsl:
 * of 20000 candidates drawn at random and mutated, for a target of 16
 * registers of 8 lanes and one of 32 of 16, no reduction's register tile
 * (rows x vectors) holds more accumulators than the registers less three,
 * and tiles of every shape up to that are drawn (channels x rows of y x
 * vectors; a 4 x 2 x 1 one renders as such); a tile of 4 channels x 7
 * vectors of 8 is rendered as the split of x by the whole tile (56) first,
 * then by the vector (8), which it prints for group.sh to compile (its whole
 * tiles must hold whole vectors). Built and run by tests/tune/group.sh
 * (tune/space). */
#include "lang/source.h"
#include "parser/parse.h"
#include "sema/sema.h"
#include "tune/tune_int.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fails;

static void expect(bool ok, const char *what)
{
    if (!ok) fprintf(stderr, "space_test: %s\n", what), fails++;
}

static void draws(Space *s, int regs, int lanes)
{
    s->regs = regs, s->lanes = lanes;
    uint64_t rng = 7;
    bool shape[17][8] = { { false } }, rows2 = false;
    int res = s->nst - 1, most = 0;
    Cand c;
    for (int k = 0; k < 20000; k++) {
        if (k % 4 == 0) tune_random(s, &rng, &c);
        else tune_mutate(s, &rng, &c);
        const Genes *g = &c.g[res];
        int n = tune_tile_regs(s, g), per = g->vec > lanes ? g->vec / lanes : 1;
        most = n > most ? n : most;
        if (n > regs - 3 ||
            n != g->unroll_i * (g->unroll_k > 1 ? g->unroll_k : 1) * (g->unroll_j > 1 ? g->unroll_j : 1) * per) {
            fprintf(stderr, "space_test: %d registers: a tile of %d x %d x %d vectors of %d\n", regs, g->unroll_i,
                    g->unroll_k, g->unroll_j, g->vec);
            fails++;
            return;
        }
        if (g->unroll_k <= 1 && g->unroll_i <= 16 && g->unroll_j < 8)
            shape[g->unroll_i][g->unroll_j > 1 ? g->unroll_j : 1] = true;
        rows2 |= g->unroll_i == 4 && g->unroll_k == 2 && g->unroll_j <= 1 && g->vec == 8;
    }
    expect(most >= regs - 5, "the largest tiles are never drawn");
    expect(shape[4][3] && shape[1][7] && shape[8][1], "a 4x3, 1x7 or 8x1 tile is never drawn");
    expect(regs < 32 || shape[16][1], "no 16-row tile for 32 registers");
    expect(rows2, "no 4 x 2-row tile of one vector");
}

int main(void)
{
    Arena a;
    arena_init(&a);
    Program prog = { 0 };
    Diag d;
    diag_init(&d, stderr);
    Source src = { "tests/tune/conv.tdsl", source_read(&a, "tests/tune/conv.tdsl", &d) };
    if (!src.text || parse_source(&a, &src, &prog, &d) || sema_check(&a, &prog, &d)) return 1;
    int64_t sz[8] = { 16, 58, 58, 16 };     /* c, h, w, o */
    Space s;
    if (!tune_space_init(&a, &s, prog.fns[0], sz, 16, 8, &d)) return 1;
    draws(&s, 16, 8);
    draws(&s, 32, 16);
    Cand c;
    memset(&c, 0, sizeof c);
    c.g[s.nst - 1] = (Genes){ .vec = 8, .unroll_i = 4, .irow = 1, .unroll_j = 7, .acc = true };
    const char *text = tune_render(&a, &s, &c);
    Cand c3;    /* channels x rows of y x a vector: y's rows split and unrolled inside the tile */
    memset(&c3, 0, sizeof c3);
    c3.g[s.nst - 1] = (Genes){ .vec = 8, .unroll_i = 4, .irow = 1, .unroll_k = 2, .acc = true };
    const char *t3 = tune_render(&a, &s, &c3);
    expect(strstr(t3, ".split(y, y_r, y_u, 2)") && strstr(t3, ".reorder(y_r, x_r, oc_r, ci, dy, dx, oc_u, y_u, x_v)") &&
               strstr(t3, ".unroll(oc_u)\n     .unroll(y_u)\n     .vectorize(x_v)"),
           "the 4 x 2 x 1 tile is not rendered as channels x rows of y x a vector");
    expect(strstr(text, ".split(x, x_r, x_t, 56)\n     .split(x_t, x_t_u, x_t_v, 8)") != NULL,
           "the tile's columns are not split off before its vectors");
    expect(strstr(text, ".unroll(oc_u)\n     .unroll(x_t_u)\n     .vectorize(x_t_v)") != NULL,
           "the 4 x 7 tile is not unrolled and vectorized");
    fputs(text, stdout);
    arena_free(&a);
    return fails != 0;
}
