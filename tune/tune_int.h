/* tune_int.h - what the tuner's files share (tune/ only). */
#ifndef TDSL_TUNE_INT_H
#define TDSL_TUNE_INT_H
#include "lang/affine.h"
#include "lang/loopir.h"
#include "lower/schedule.h"
#include "tune/tune.h"

/* seconds on the monotonic clock (measure.c) */
double tune_now(void);

/* ---- cache.c: what earlier runs found ---- */
uint64_t tune_cache_key(const Program *prog, const Fn *fn, const TuneOptions *o);
/* the block cached for key (NULL: none), its time and the unscheduled fn's (seconds) */
char *tune_cache_get(Arena *a, const TuneOptions *o, uint64_t key, double *t, double *base);
void tune_cache_put(const TuneOptions *o, uint64_t key, double seconds, double base, const char *block);

/* ---- measure.c: one trial in a child process ---- */
typedef struct TuneJob {
    Program *prog;          /* checked */
    Fn *fn;
    const char *sched;      /* the candidate's schedule blocks for fn; NULL: unscheduled */
    const char *target;     /* the JIT's CPU: "x86-64-v3", "host", ... */
    const int64_t *sizes;   /* per size var of fn (derived ones included) */
    double min_s;           /* time at least this long (repeating the call) */
    double timeout_s;       /* the child is killed after this */
    bool check;             /* compare with the unscheduled fn instead of timing */
    bool tol;               /* the check allows rounding (the candidate reassociates: rfactor) */
    int trial;              /* its number, for TDSL_TUNE_FAULT=crash:N,hang:M (the tests' faulty candidates) */
    bool keep;              /* sched NULL: fn as its own blocks schedule it (else unscheduled) */
} TuneJob;

typedef enum TrialStatus { TRIAL_OK, TRIAL_REJECTED, TRIAL_CRASHED, TRIAL_TIMEOUT, TRIAL_DIFFERS } TrialStatus;
typedef struct TuneResult {
    TrialStatus status;
    double seconds;         /* TRIAL_OK when timing: the fastest call */
    char msg[256];
} TuneResult;

TuneResult tune_run_job(const TuneJob *job);
/* lowers the program's fns up to job->fn under sched (NULL: unscheduled):
 * how many (job->fn's last), or -1 after reporting to err */
int tune_lower(Arena *a, const TuneJob *job, const char *sched, FILE *err, LFunc ***fns);

/* ---- space.c: candidates as genes per stage, and their schedule text ---- */
#define TUNE_MAXST 16

typedef struct Genes {
    int place;              /* 0 root, 1 inline, 2..4 at the result's loop of depth place - 2 */
    int vec;                /* vector width of the last pure loop: 0, 8, 16, 32 */
    int tile_j, tile_i;     /* cache blocks of the last two pure loops (0: none) */
    int unroll_i;           /* rows of the register tile (1: none) ... */
    int irow;               /* ... along the pure dim this far before the second-to-last (conv: channels) */
    int unroll_j;           /* ... and vectors of the last pure loop, side by side (1: one) ... */
    int unroll_k;           /* ... and rows of another pure dim (a conv's y beside its channels; 1: none) */
    int tile_r;             /* block of the first reduction loop (0: none) */
    bool par;               /* parallel outermost pure loop */
    bool acc;               /* accumulate the register tile */
    bool pack;              /* pack the operand read as [r, j] (or [j, r]) in blocks of vec */
    int rf;                 /* a producer's reduction: its last loop rfactored into rf vector lanes (0: not) */
    bool runroll;           /* unroll the reduction loops after the first, of 2 to 8 iterations (a conv's dy, dx) */
} Genes;

typedef struct Space {
    const Fn *fn;
    FnSched *fs;            /* unscheduled: the stages and their loops */
    const int64_t *sz;
    int nst;                /* stages tuned: fs->stages[0..nst-1] */
    int regs, lanes;        /* the target's vector registers and f32 lanes in each */
} Space;

typedef struct Cand {
    Genes g[TUNE_MAXST];
} Cand;

/* regs, lanes: the target's vector registers and f32 lanes in each (tgt_vector_regs) */
bool tune_space_init(Arena *a, Space *s, Fn *fn, const int64_t *sz, int regs, int lanes, Diag *d);
void tune_random(const Space *s, uint64_t *rng, Cand *c);
void tune_mutate(const Space *s, uint64_t *rng, Cand *c);
bool tune_seed(const Space *s, int k, Cand *c);
/* the schedule block of c (empty genes give no primitives); malloc'd */
char *tune_render(Arena *a, const Space *s, const Cand *c);
/* the vector registers the accumulators of g's register tile take */
int tune_tile_regs(const Space *s, const Genes *g);
uint64_t tune_rand(uint64_t *rng);

/* ---- features.c: what the cost model sees of a candidate ---- */
#define TUNE_IR_FEATS 10    /* of the loop IR */
#define TUNE_GENE_FEATS 16  /* of a stage's genes: summed over all stages, then the result stage's */
#define TUNE_NFEAT (TUNE_IR_FEATS + 2 * TUNE_GENE_FEATS)
/* x[0..TUNE_NFEAT-1]: from f (the candidate's fn lowered at sizes sz; its
 * loop IR: work per store, vector and parallel shares, allocation traffic,
 * loop depth) and from c's genes */
void tune_features(const LFunc *f, const int64_t *sz, const Space *s, const Cand *c, double *x);

/* ---- model.c: the cost model, ridge regression of log(time) learned online ---- */
typedef struct Model {
    double xtx[TUNE_NFEAT][TUNE_NFEAT], xty[TUNE_NFEAT], w[TUNE_NFEAT];
    int n;                  /* measurements learned */
    bool stale;             /* w not solved since the last one */
} Model;

void tune_model_learn(Model *m, const double *x, double seconds);
/* the predicted log(seconds) of x; meaningless until a few measurements */
double tune_model_predict(Model *m, const double *x);

#endif
