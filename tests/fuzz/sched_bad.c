/* sched_bad.c - one deliberately illegal primitive per call, each breaking one
 * rule of docs/schedules.md against the current model, so that a rejection is
 * certain: the tester counts a schedule with one of these that compiles as
 * "accepted (illegal!)". */
#include "draw.h"
#include <stdlib.h>
#include <string.h>

static SStage *any_stage(Model *m, bool live)
{
    int c[MAXS], n = 0;
    for (int i = 0; i < m->ns; i++)
        if (!live || !m->st[i].inlined) c[n++] = i;
    return n ? &m->st[c[rng_int(m->r, n)]] : NULL;
}

static int other_loop(Model *m, const SStage *s, int not)
{
    if (s->n < 2) return -1;
    int j;
    do j = rng_int(m->r, s->n);
    while (j == not);
    return j;
}

/* Each returns the rule it breaks, or NULL if it does not apply here. */
const char *sched_bad(Model *m, int kind)
{
    SStage *s = any_stage(m, true);
    char a[NL], b[NL];
    switch (kind) {
    case 0:
        draw_fresh(m, "nosuch", a);
        draw_prim(m, a, "parallel(%s)", s && s->n ? s->loops[0].name : "i");
        return "unknown stage";
    case 1:
        if (!s) return NULL;
        draw_prim(m, s->name, "%s(%s)", rng_pct(m->r, 50) ? "parallel" : "unroll", draw_fresh(m, "zz", a));
        return "unknown loop variable";
    case 2:
        if (!s || !s->ngone) return NULL;
        draw_prim(m, s->name, "split(%s, %s, %s, 2)", s->gone[rng_int(m->r, s->ngone)], draw_fresh(m, "go", a),
                  draw_fresh(m, "gi", b));
        return "variable used after it was split or fused away";
    case 3: {
        if (!s || s->n < 2) return NULL;
        int i = rng_int(m->r, s->n), j = other_loop(m, s, i);
        draw_prim(m, s->name, "split(%s, %s, %s, 4)", s->loops[i].name, s->loops[j].name, draw_fresh(m, "ni", b));
        return "new name already exists in the stage";
    }
    case 4:
        if (!s || !s->n) return NULL;
        draw_fresh(m, "dup", a);
        draw_prim(m, s->name, "split(%s, %s, %s, 4)", s->loops[rng_int(m->r, s->n)].name, a, a);
        return "split into two loops of the same name";
    case 5: {
        if (!s || !s->n) return NULL;
        int i = rng_int(m->r, s->n), f = rng_pct(m->r, 70) ? 0 : -3;
        int w = rng_int(m->r, 4);
        if (w == 0)
            draw_prim(m, s->name, "split(%s, %s, %s, %d)", s->loops[i].name, draw_fresh(m, "fo", a),
                      draw_fresh(m, "fi", b), f);
        else if (w == 1) draw_prim(m, s->name, "unroll(%s, %d)", s->loops[i].name, f);
        else if (w == 2 && !s->loops[i].red) draw_prim(m, s->name, "vectorize(%s, %d)", s->loops[i].name, f);
        else
            draw_prim(m, s->name, "split(%s, %s, %s, %d)", s->loops[i].name, draw_fresh(m, "fo", a),
                      draw_fresh(m, "fi", b), f);
        return "factor or width < 1";
    }
    case 6: {
        int i = s ? draw_pick_loop(m, s, L_PURE) : -1;
        if (i < 0) return NULL;
        draw_prim(m, s->name, "vectorize(%s, %d)", s->loops[i].name, rng_pct(m->r, 50) ? 128 : 65);
        return "vector width > 64";
    }
    case 7:
        for (int i = 0; s && i < s->n; i++)
            if (!s->loops[i].red && (s->loops[i].ext < 0 || s->loops[i].ext > 64) && !s->loops[i].tail) {
                draw_prim(m, s->name, "vectorize(%s)", s->loops[i].name);
                return "vectorize(v) of a loop whose extent is not a constant <= 64";
            }
        return NULL;
    case 8: {
        int i = s ? draw_pick_loop(m, s, L_RED) : -1;
        if (i < 0) return NULL;
        draw_prim(m, s->name, "parallel(%s)", s->loops[i].name);
        return "parallel of a reduction loop";
    }
    case 9: {
        int i = s ? draw_pick_loop(m, s, L_RED) : -1;
        if (i < 0) return NULL;
        if (rng_pct(m->r, 50)) draw_prim(m, s->name, "vectorize(%s)", s->loops[i].name);
        else draw_prim(m, s->name, "vectorize(%s, %d)", s->loops[i].name, 4);
        return "vectorize of a reduction loop";
    }
    case 10: {
        if (!s || !s->order_matters) return NULL;
        int r[MAXL], n = 0;
        for (int i = 0; i < s->n; i++)
            if (s->loops[i].red) r[n++] = i;
        if (n < 2) return NULL;
        int x = rng_int(m->r, n - 1), y = x + 1 + rng_int(m->r, n - 1 - x);
        draw_prim(m, s->name, "reorder(%s, %s)", s->loops[r[y]].name, s->loops[r[x]].name);
        return "reorder of the reduction loops of a float sum";
    }
    case 11: {
        if (!s || s->n < 2) return NULL;
        int i = rng_int(m->r, s->n), j = other_loop(m, s, i);
        if (j == i + 1) return NULL;
        draw_prim(m, s->name, "fuse(%s, %s, %s)", s->loops[i].name, s->loops[j].name, draw_fresh(m, "nf", a));
        return "fuse of loops that are not adjacent";
    }
    case 12:
        for (int i = 0; s && i + 1 < s->n; i++)
            if (s->loops[i].red != s->loops[i + 1].red) {
                draw_prim(m, s->name, "fuse(%s, %s, %s)", s->loops[i].name, s->loops[i + 1].name,
                          draw_fresh(m, "pr", a));
                return "fuse of a pure and a reduction loop";
            }
        return NULL;
    case 13: {
        if (!s || s->is_result) return NULL;
        SStage *t = any_stage(m, true);
        if (!t) return NULL;
        for (int k = 0; k < s->ncons; k++)
            if (&m->st[s->cons[k]] == t) return NULL;
        if (!t->n) return NULL;
        draw_prim(m, s->name, "compute_at(%s, %s)", t->name, t->loops[rng_int(m->r, t->n)].name);
        /* no later placement may make it legal (a consumer computed at the same loop) */
        s->placed_at = true;
        for (int k = 0; k < s->ncons; k++) m->st[s->cons[k]].placed_at = true;
        return "compute_at a stage that does not consume it";
    }
    case 14: {
        if (!s || s->is_result || s->ncons != 1 || s->call_cons) return NULL;
        SStage *t = &m->st[s->cons[0]];
        if (t->inlined) return NULL;
        draw_fresh(m, "nv", a);
        draw_prim(m, s->name, "compute_at(%s, %s)", t->name, a);
        s->placed_at = true;
        return "compute_at a loop that is not a loop of the consumer";
    }
    case 15: {
        if (!s || s->is_result || s->ncons != 1 || s->call_cons) return NULL;
        SStage *t = &m->st[s->cons[0]];
        int fv = draw_first_vec(t);
        if (t->inlined || fv >= t->n) return NULL;
        int v = fv + rng_int(m->r, t->n - fv);
        draw_prim(m, s->name, "compute_at(%s, %s)", t->name, t->loops[v].name);
        s->placed_at = true;
        return "compute_at at or inside a vectorized loop";
    }
    case 16:
        for (int i = 0; i < m->ns; i++) {
            const SStage *t = &m->st[i];
            if (t->reshaped && !t->is_result && !t->inlined && !t->rf_made && !t->call_cons && t->ncons) {
                draw_prim(m, t->name, "inline()");
                return "inline of a stage with loop primitives of its own";
            }
        }
        return NULL;
    case 17:
        for (int i = 0; i < m->ns; i++)
            if (m->st[i].is_result) {
                draw_prim(m, m->st[i].name, "inline()");
                return "inline of a result";
            }
        return NULL;
    case 18:
        for (int i = 0; i < m->ns; i++)
            if (m->st[i].inlined && m->st[i].n) {
                draw_prim(m, m->st[i].name, "%s(%s)", rng_pct(m->r, 50) ? "parallel" : "unroll",
                          m->st[i].loops[0].name);
                return "primitive on an inlined stage";
            }
        return NULL;
    case 19:
        if (!m->ncall_outs) return NULL;
        draw_prim(m, m->call_outs[rng_int(m->r, m->ncall_outs)], "compute_root()");
        return "scheduling a result of a call";
    case 20: {
        if (!s || !s->n) return NULL;
        const Fn *f = m->fn;
        for (int k = 0; k < f->nparams; k++) {
            const Tensor *p = f->params[k];
            bool reads = false;
            for (int q = 0; q < s->nreads; q++) reads |= !strcmp(s->reads[q].name, p->name);
            if (reads || p->is_scalar) continue;
            draw_prim(m, s->name, "pack(%s, %s)", p->name, s->loops[0].name);
            return "pack of a tensor the stage does not read";
        }
        return NULL;
    }
    case 21: {
        if (!s || !s->nreads || !s->n || draw_first_vec(s) == 0) return NULL;
        const Read *rd = &s->reads[rng_int(m->r, s->nreads)];
        const char *v = s->loops[rng_int(m->r, draw_first_vec(s))].name;
        if (rd->rank >= 2) draw_prim(m, s->name, "pack(%s, %s, 0, 0%s)", rd->name, v, rd->rank > 2 ? ", 1" : "");
        else draw_prim(m, s->name, "pack(%s, %s, %d)", rd->name, v, rd->rank);
        return "pack layout that is not a permutation";
    }
    case 22: {
        if (!s || !s->nreads) return NULL;
        int fv = draw_first_vec(s);
        if (fv >= s->n) return NULL;
        draw_prim(m, s->name, "pack(%s, %s)", s->reads[rng_int(m->r, s->nreads)].name,
                  s->loops[fv + rng_int(m->r, s->n - fv)].name);
        return "pack at or inside a vectorized loop";
    }
    case 23: {
        if (!s || !s->has_red) return NULL;
        int i = draw_pick_loop(m, s, L_PURE);
        if (i < 0) return NULL;
        draw_prim(m, s->name, "rfactor(%s, %s)", s->loops[i].name, draw_fresh(m, "rp", a));
        return "rfactor of a pure loop";
    }
    case 24:
        if (!s || s->has_red || !s->n) return NULL;
        for (int i = 0; i < s->n; i++)
            if (s->loops[i].red) return NULL;
        draw_prim(m, s->name, "rfactor(%s, %s)", s->loops[0].name, draw_fresh(m, "rn", a));
        return "rfactor of a stage without a reduction";
    case 25: {
        int i = s && s->has_red ? draw_pick_loop(m, s, L_RED) : -1;
        if (i < 0) return NULL;
        const char *nm = rng_pct(m->r, 50) || !m->fn->nparams ? s->name : m->fn->params[0]->name;
        draw_prim(m, s->name, "rfactor(%s, %s)", s->loops[i].name, nm);
        return "rfactor with a name already used";
    }
    case 26:
        if (!s || !s->n) return NULL;
        draw_prim(m, s->name, "frobnicate(%s)", s->loops[0].name);
        return "unknown primitive";
    case 27: {
        if (!s || !s->n) return NULL;
        int w = rng_int(m->r, 4);
        const char *v = s->loops[rng_int(m->r, s->n)].name;
        if (w == 0) draw_prim(m, s->name, "split(%s, %s, %s)", v, draw_fresh(m, "ao", a), draw_fresh(m, "ai", b));
        else if (w == 1) draw_prim(m, s->name, "parallel()");
        else if (w == 2) draw_prim(m, s->name, "fuse(%s)", v);
        else draw_prim(m, s->name, "compute_root(%s)", v);
        return "wrong number of arguments";
    }
    case 28: {
        if (!s || !s->n) return NULL;
        const char *v = s->loops[rng_int(m->r, s->n)].name;
        if (rng_pct(m->r, 50))
            draw_prim(m, s->name, "split(%s, %s, %s, %s)", v, draw_fresh(m, "ko", a), draw_fresh(m, "ki", b), v);
        else draw_prim(m, s->name, "parallel(%d)", 3);
        return "argument of the wrong kind";
    }
    case 29: {
        if (!s || !s->n) return NULL;
        const char *v = s->loops[rng_int(m->r, s->n)].name;
        draw_prim(m, s->name, "reorder(%s, %s)", v, v);
        return "reorder naming a loop twice";
    }
    case 30: {
        if (!s || !s->order_matters) return NULL;
        int x = -1, y = -1;
        for (int i = 0; i < s->n; i++)
            if (s->loops[i].red && !s->loops[i].vec && !s->loops[i].par && !s->loops[i].unr) {
                if (x < 0) x = i;
                else if (y < 0) y = i;
            }
        if (y < 0) return NULL;
        char xo[NL], yo[NL], xi[NL], yi[NL];
        draw_fresh(m, "xo", xo), draw_fresh(m, "yo", yo), draw_fresh(m, "xi", xi), draw_fresh(m, "yi", yi);
        draw_prim(m, s->name, "tile(%s, %s, %s, %s, %s, %s, 2, 2)", s->loops[x].name, s->loops[y].name, xo, yo, xi, yi);
        return "tile of two reduction loops of a float sum (reorders them)";
    }
    case 31: {
        if (!s || !s->n) return NULL;
        draw_prim(m, s->name, "compute_at(%s, %s)", s->name, s->loops[rng_int(m->r, s->n)].name);
        s->placed_at = true;
        return "compute_at of a stage inside itself";
    }
    case 32: m->extra_block = true; return "schedule for an unknown function";
    case 33:
        for (int i = 0; s && i < s->n; i++)
            if (s->loops[i].par || s->loops[i].vec || s->loops[i].unr) {
                if (rng_pct(m->r, 50))
                    draw_prim(m, s->name, "split(%s, %s, %s, 2)", s->loops[i].name, draw_fresh(m, "mo", a),
                              draw_fresh(m, "mi", b));
                else draw_prim(m, s->name, "vectorize(%s, 4)", s->loops[i].name);
                return "split or vectorize of a loop already marked";
            }
        return NULL;
    case 35:
        for (int i = 0; i < m->ns; i++) {
            const SStage *f = &m->st[i];
            int r = -1;
            for (int k = 0; k < f->n; k++)
                if (f->loops[k].red && !f->loops[k].vec && !f->loops[k].par && !f->loops[k].unr) r = k;
            if (f->rf_made && r >= 0) {
                draw_prim(m, f->name, "rfactor(%s, %s)", f->loops[r].name, draw_fresh(m, "rr", a));
                return "rfactor of an rfactor stage";
            }
        }
        return NULL;
    case 34: {
        if (!s || !s->rf_done) return NULL;
        SStage *f = NULL;
        for (int i = 0; i < m->ns; i++)
            if (m->st[i].rf_made && m->st[i].cons[0] == (int)(s - m->st)) f = &m->st[i];
        int r = -1;
        for (int i = 0; i < s->n; i++)
            if (s->loops[i].red) r = i;
        if (!f || r < 0) return NULL;
        draw_prim(m, f->name, "compute_at(%s, %s)", s->name, s->loops[r].name);
        f->placed_at = true;    /* no later legal compute_at replaces this one */
        return "compute_at of an rfactor stage inside the loop that reduces it";
    }
    case 36:
        if (!s || s->has_red || s->rf_made || !s->n) return NULL;
        draw_prim(m, s->name, "accumulate(%s)", s->loops[rng_int(m->r, s->n)].name);
        return "accumulate of a stage without a reduction";
    case 37: {
        int fv = s && s->has_red ? draw_first_vec(s) : -1;
        if (fv < 0 || fv >= s->n) return NULL;
        draw_prim(m, s->name, "accumulate(%s)", s->loops[fv + rng_int(m->r, s->n - fv)].name);
        return "accumulate at or inside a vectorized loop";
    }
    }
    return NULL;
}
