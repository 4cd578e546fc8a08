/* draw.h - the schedule drawer's model of a fn's stages and loop nests, shared by
 * sched_draw.c (legal draws) and sched_bad.c (illegal ones). Names are unique
 * across the program, so a drawn name never collides with one in use. */
#ifndef TDSL_FUZZ_DRAW_H
#define TDSL_FUZZ_DRAW_H
#include "fuzz.h"

#define NL 40       /* name length */
#define MAXL 32     /* loops per stage */
#define MAXS 24     /* stages, rfactor stages included */
#define MAXR 16     /* tensors read by a stage */
#define MAXN 512    /* names in use */
#define MAXP 64     /* primitives */

typedef struct Loop {
    char name[NL];
    bool red;
    int64_t ext;        /* constant extent, or -1 */
    bool tail;          /* extent may depend on an outer loop (inner of a split) */
    bool vec, par, unr;
    char key[24];       /* place in the unscheduled visiting order: an original loop's letter, then 0/1 per split */
} Loop;

typedef struct Read {
    char name[NL];
    int rank;
    int stage;          /* index, or -1 for a param */
    bool in_red, in_rest;   /* read inside the stage's reduction / in the rest of its value */
} Read;

typedef struct SStage {
    char name[NL];
    int rank;
    Loop loops[MAXL];
    int n;
    char gone[MAXL][NL];    /* names split or fused away */
    int ngone;
    bool has_red; /* has a reduction of its own: its value, or the one nested reduction outside select arms */
    bool order_matters; /* a float reduction: reduction loops keep their order */
    bool nested_red, is_result, inlined, placed_at, rf_made, rf_done;
    bool reshaped; /* split, fused or packed: it can no longer be inlined */
    int pos; /* program order (an rfactor stage runs right before its parent) */
    int cons[8], ncons; /* consumer stages */
    bool call_cons; /* read by a call */
    Read reads[MAXR];
    int nreads;
} SStage;

typedef struct Prim {
    char stage[NL];
    char text[256];
} Prim;

typedef struct Model {
    const Program *prog;
    const Fn *fn;
    Rng *r;
    SStage st[MAXS];
    int ns;
    char used[MAXN][NL];
    int nused;
    Prim prims[MAXP];
    int np;
    const char *call_outs[16];
    int ncall_outs;
    bool reassoc;
    bool extra_block; /* add a block for an unknown fn */
} Model;

/* what draw_pick_loop wants of a loop */
enum { L_PURE = 1, L_RED = 2, L_FREE = 4, L_OUTVEC = 8 };

const char *draw_fresh(Model *m, const char *base, char *out); /* a name nothing uses, into out */
void draw_prim(Model *m, const char *stage, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int draw_pick_loop(Model *m, const SStage *s, int want);
int draw_first_vec(const SStage *s); /* the first vectorized loop, or n */

#define NBAD 38
/* Appends one illegal primitive of the given kind (0..NBAD-1); returns the rule
 * it breaks, or NULL if that kind does not apply to the model now. */
const char *sched_bad(Model *m, int kind);

#endif
