/* search.c - the tuner's loop: time the unscheduled fn, then, within the
 * budget, draw candidates (first the plain starting points of tune_seed, then
 * at random, or by mutating one of the fastest so far), lower each here (an
 * illegal one is dropped without a trial), and once
 * the cost model (model.c) has learned from a few trials, time only the one
 * it predicts fastest of a batch (now and then another, to keep learning), in
 * a child; keep the fastest few; check the winner against the unscheduled fn
 * (bit for bit, at small sizes) and write its block. TDSL_TUNE_MODEL=0 times
 * every legal candidate drawn instead (to compare). */
#include "tune/tune_int.h"
#include "lower/lower.h"
#include <llvm-c/Core.h>
#include <llvm-c/TargetMachine.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define POP 8
#define BATCH 16        /* candidates the model ranks per trial */
#define WARM 8          /* trials before the model ranks */
#define TRIES 64        /* draws per trial at most */
#define RETIME 3        /* the fastest few, timed again side by side at the end */

typedef struct Member {
    Cand c;
    double t;
    char *text;
} Member;

/* a candidate drawn, legal, not yet timed */
typedef struct Drawn {
    Cand c;
    char *text;
    double x[TUNE_NFEAT];
} Drawn;

typedef struct Search {
    Arena *a;
    Space s;
    Model model;
    bool use_model;
    int dropped;            /* candidates that did not lower: never timed */
    FILE *quiet;            /* where their errors go (/dev/null, opened once for the search) */
    const TuneOptions *o;
    TuneJob job;
    Member pop[POP];
    int npop;
    char **seen;
    int nseen, capseen;
    int trials, rejected, failed;
    int seeds;              /* plain starting points drawn (tune_seed) */
    double start;
    double overhead;        /* wall seconds of the unscheduled fn's trial: fork, compile, time */
    double trial_s;         /* wall seconds of all trials */
    char *block;            /* the answer's text */
    bool cached;            /* ... from the cache */
} Search;

bool tune_parse_sizes(TuneOptions *o, const char *text)
{
    const char *p = text;
    while (*p) {
        const char *eq = strchr(p, '='), *end = strchr(p, ',');
        if (!end) end = p + strlen(p);
        char *num_end;
        if (!eq || eq > end || eq == p || eq - p >= 32 || o->nsizes >= TUNE_MAX_SIZES) break;
        long long v = strtoll(eq + 1, &num_end, 10);
        if (num_end != end || v < 0) break;
        snprintf(o->size_names[o->nsizes], 32, "%.*s", (int)(eq - p), p);
        o->size_values[o->nsizes++] = v;
        p = *end ? end + 1 : end;
        if (!*p) return true;
    }
    fprintf(stderr, "tdslc: --size takes NAME=N[,NAME=N...] (N >= 0), not '%s'\n", text);
    return false;
}

/* every size var of fn from o's sizes (derived ones from theirs); false after reporting */
static bool bind_sizes(const Fn *fn, const TuneOptions *o, int64_t *sz, Diag *d)
{
    for (int k = 0; k < fn->nsizevars; k++) {
        const SizeVar *v = &fn->sizevars[k];
        sz[k] = -1;
        if (v->div) {
            int64_t n = aff_eval(v->num, sz);
            sz[k] = n < 0 ? -1 : n / v->div;
            continue;
        }
        for (int i = 0; i < o->nsizes; i++)
            if (!strcmp(o->size_names[i], v->name)) sz[k] = o->size_values[i];
        if (sz[k] < 0) {
            diag_plain(d, "--tune %s: give a size for '%s' (--size %s=N)", fn->name, v->name, v->name);
            return false;
        }
    }
    return true;
}

static bool seen(const Search *S, const char *text)
{
    for (int i = 0; i < S->nseen; i++)
        if (!strcmp(S->seen[i], text)) return true;
    return false;
}

static void mark_seen(Search *S, char *text)
{
    ARENA_GROW(S->a, S->seen, S->nseen, S->capseen, S->nseen + 1);
    S->seen[S->nseen++] = text;
}

/* keeps the POP fastest, fastest first */
static void keep(Search *S, const Cand *c, double t, char *text)
{
    int at = S->npop;
    while (at > 0 && S->pop[at - 1].t > t) at--;
    if (at >= POP) return;
    int last = S->npop < POP ? S->npop : POP - 1;
    memmove(&S->pop[at + 1], &S->pop[at], sizeof(Member) * (size_t)(last - at));
    S->pop[at] = (Member){ *c, t, text };
    if (S->npop < POP) S->npop++;
}

static void next_candidate(Search *S, uint64_t *rng, Cand *c)
{
    if (tune_seed(&S->s, S->seeds, c)) {
        S->seeds++;
        return;
    }
    if (S->npop < 3 || tune_rand(rng) % 4 == 0) {
        tune_random(&S->s, rng, c);
        return;
    }
    int pick = (int)(tune_rand(rng) % (uint64_t)S->npop);
    pick = (int)(tune_rand(rng) % (uint64_t)(pick + 1));     /* biased to the fastest */
    *c = S->pop[pick].c;
    tune_mutate(&S->s, rng, c);
}

/* A line per trial; on a terminal, one line redrawn: a bar of the budget spent,
 * trials, the best so far against the unscheduled fn. */
static void progress(const Search *S, const TuneResult *r, double base)
{
    FILE *f = S->o->log;
    double best = S->npop ? S->pop[0].t : base, spent = tune_now() - S->start, frac = spent / S->o->budget_s;
    if (!f) return;
    if (!isatty(fileno(f))) {
        if (r->status == TRIAL_OK) fprintf(f, "tune: trial %d: ok %.3f ms", S->trials, r->seconds * 1e3);
        else fprintf(f, "tune: trial %d: %s", S->trials, r->msg);
        fprintf(f, ", best %.3f ms (unscheduled %.3f ms), %.0f / %.0f s\n", best * 1e3, base * 1e3, spent,
                S->o->budget_s);
        return;
    }
    char bar[21];
    for (int i = 0; i < 20; i++) bar[i] = i < (int)(frac * 20) ? '#' : '.';
    bar[20] = 0;
    fprintf(f, "\rtune %s [%s] %3.0f / %.0f s, %d trials, best %.4g ms (unscheduled %.4g ms, %.1fx) \033[K", S->o->fn,
            bar, spent, S->o->budget_s, S->trials, best * 1e3, base * 1e3, base / best);
    fflush(f);
}

/* A new candidate that lowers (its features in d->x); false after TRIES draws. */
static bool draw(Search *S, uint64_t *rng, Drawn *d)
{
    for (int k = 0; k < TRIES; k++) {
        next_candidate(S, rng, &d->c);
        d->text = tune_render(S->a, &S->s, &d->c);
        if (seen(S, d->text)) continue;
        Arena scratch;
        arena_init(&scratch);
        LFunc **fns;
        if (!S->quiet) S->quiet = fopen("/dev/null", "w");
        int n = tune_lower(&scratch, &S->job, d->text, S->quiet, &fns);
        if (n > 0) tune_features(fns[n - 1], S->job.sizes, &S->s, &d->c, d->x);
        arena_free(&scratch);
        if (n > 0) return true;
        mark_seen(S, d->text);
        S->dropped++;
    }
    return false;
}

/* The next candidate to time: a starting point while any is left, else the
 * one the model predicts fastest of a batch (one time in 8 the batch's first
 * instead), or simply the next drawn. */
static bool choose(Search *S, uint64_t *rng, Drawn *best)
{
    int seeds = S->seeds;
    if (!draw(S, rng, best)) return false;
    if (S->seeds > seeds || !S->use_model || S->model.n < WARM || tune_rand(rng) % 8 == 0) return true;
    double pbest = tune_model_predict(&S->model, best->x);
    for (int i = 1; i < BATCH; i++) {
        Drawn d;
        if (!draw(S, rng, &d)) break;
        double p = tune_model_predict(&S->model, d.x);
        if (p < pbest && !seen(S, d.text)) *best = d, pbest = p;
    }
    return true;
}

static void trial(Search *S, const Drawn *d, double base)
{
    mark_seen(S, d->text);
    S->job.sched = d->text;
    /* a candidate over twice the best so far is not worth waiting for, nor one past the budget;
     * the fork and compile take about as long as the unscheduled fn's did (over 1 s on a busy machine) */
    double slow = S->npop && 2 * S->pop[0].t < base ? 2 * S->pop[0].t : base,
           left = S->o->budget_s - (tune_now() - S->start),
           limit = (1.5 * S->overhead > 1.0 ? 1.5 * S->overhead : 1.0) + 4 * slow;
    S->job.timeout_s = limit < left ? limit : left > 0.5 ? left : 0.5;
    S->job.trial = S->trials + 1;
    double t0 = tune_now();
    TuneResult r = tune_run_job(&S->job);
    S->trial_s += tune_now() - t0;
    S->trials++;
    if (r.status == TRIAL_OK) keep(S, &d->c, r.seconds, d->text);
    else if (r.status == TRIAL_REJECTED) S->rejected++;
    else S->failed++;
    if (r.status == TRIAL_OK) tune_model_learn(&S->model, d->x, r.seconds);
    else if (r.status == TRIAL_TIMEOUT) tune_model_learn(&S->model, d->x, S->job.timeout_s);
    progress(S, &r, base);
}

/* the mean wall seconds of a trial (fork, compile, time); 0 before any */
static double mean_trial_s(const Search *S) { return S->trials ? S->trial_s / S->trials : 0; }

/* The fastest few timed again, in turn, twice, and ranked by those times:
 * each was timed once, in whatever load the shared machine had then, so one
 * timed in a quiet second can lead by luck; timed again within a few seconds
 * of each other, it falls back. Within the budget (the search left about two
 * rounds' worth); a member that fails now is ranked last. */
static void retime(Search *S)
{
    int n = S->npop < RETIME ? S->npop : RETIME;
    double t[RETIME] = { 0 };
    S->job.trial = 0;       /* not a trial of the search (TDSL_TUNE_FAULT counts those) */
    bool done = n > 1;
    for (int round = 0; round < 2 && done; round++)
        for (int i = 0; i < n && done; i++) {
            double left = S->o->budget_s - (tune_now() - S->start);
            if (left < mean_trial_s(S)) {
                done = round > 0;   /* a whole round or nothing */
                break;
            }
            S->job.sched = S->pop[i].text;
            S->job.timeout_s = left;
            TuneResult r = tune_run_job(&S->job);
            double x = r.status == TRIAL_OK ? r.seconds : 1e30;
            t[i] = round && t[i] < x ? t[i] : x;
        }
    if (!done) return;
    for (int i = 0; i < n; i++) {   /* insertion sort by the new times */
        Member m = S->pop[i];
        m.t = t[i];
        int at = i;
        for (; at > 0 && S->pop[at - 1].t > m.t; at--) S->pop[at] = S->pop[at - 1];
        S->pop[at] = m;
    }
    if (S->o->log) fprintf(S->o->log, "tune: the fastest %d timed again: best %.3f ms\n", n, S->pop[0].t * 1e3);
}

/* the fastest member whose results equal the unscheduled fn's at small sizes; NULL: none */
static const Member *checked_best(Search *S, const int64_t *small)
{
    TuneJob check = S->job;
    check.sizes = small;
    check.check = true;
    check.timeout_s = 30;
    check.trial = 0;
    for (int i = 0; i < S->npop; i++) {
        check.sched = S->pop[i].text;
        check.tol = strstr(check.sched, ".rfactor(") != NULL;
        TuneResult r = tune_run_job(&check);
        if (r.status == TRIAL_OK) return &S->pop[i];
        if (S->o->log) fprintf(S->o->log, "tune: candidate %d set aside: %s\n", i + 1, r.msg);
    }
    return NULL;
}

/* The answer: a comment (times, sizes, threads, CPU, trials) and the block,
 * into S->block and to o->out (when set; "-": stdout). */
static int write_block(Search *S, const Member *m, double base, Diag *d)
{
    const TuneOptions *o = S->o;
    char *text = NULL, *cpu = LLVMGetHostCPUName();
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    const char *th = getenv("TDSL_NUM_THREADS");
    fprintf(f, "# tuned by tdslc --tune %s: %.4g ms (%s %.4g ms) at", o->fn, (m ? m->t : base) * 1e3,
            o->keep_own ? "as written" : "unscheduled", base * 1e3);
    for (int i = 0; i < o->nsizes; i++)
        fprintf(f, "%s %s=%lld", i ? "," : "", o->size_names[i], (long long)o->size_values[i]);
    fprintf(f, "\n# target %s, %s thread(s), CPU %s", S->job.target, th ? th : "default", cpu);
    if (S->cached) fprintf(f, "; from the tuning cache\n");
    else
        fprintf(f, "; %d trials (%d rejected, %d failed; %d illegal drawn, not timed) in %.0f s, seed %llu%s\n",
                S->trials, S->rejected, S->failed, S->dropped, tune_now() - S->start, (unsigned long long)o->seed,
                S->use_model ? "" : ", no cost model");
    LLVMDisposeMessage(cpu);
    if (m) fputs(m->text, f);
    else fprintf(f, "schedule %s {\n}\n", o->fn);
    fclose(f);
    S->block = arena_strdup(S->a, text);
    free(text);
    FILE *out = !o->out ? NULL : strcmp(o->out, "-") ? fopen(o->out, "w") : stdout;
    if (o->out && !out) {
        diag_plain(d, "cannot write '%s'", o->out);
        return -1;
    }
    if (out) fputs(S->block, out);
    if (out && o->log && out != stdout) fprintf(o->log, "tune: wrote %s\n", o->out);
    if (out && out != stdout) fclose(out);
    return 0;
}

/* A schedule the cache holds for this key that still compiles and still
 * gives the unscheduled results: written as the answer (true). */
static bool from_cache(Search *S, uint64_t key, const int64_t *small, Diag *d)
{
    double t, base;
    char *block = tune_cache_get(S->a, S->o, key, &t, &base);
    if (!block) return false;
    TuneJob j = S->job;
    j.sched = block;
    j.sizes = small, j.check = true, j.timeout_s = 30, j.tol = strstr(block, ".rfactor(") != NULL;
    TuneResult r = tune_run_job(&j);
    if (r.status != TRIAL_OK) {
        if (S->o->log) fprintf(S->o->log, "tune: the cached schedule fails now (%s): tuning again\n", r.msg);
        return false;
    }
    if (S->o->log) fprintf(S->o->log, "tune: from the cache: %.4g ms\n", t * 1e3);
    Member m = { { { { 0 } } }, t, block };
    S->cached = true;
    write_block(S, strstr(block, "{\n}") ? NULL : &m, base, d);
    return true;
}

int tune_fn(Arena *a, Program *prog, const TuneOptions *o, char **block, Diag *d)
{
    Fn *fn = program_find_fn(prog, o->fn);
    if (!fn) {
        diag_plain(d, "--tune: no fn '%s'", o->fn);
        return -1;
    }
    int64_t *sz = ARENA_ARRAY(a, int64_t, fn->nsizevars + 1), *small = ARENA_ARRAY(a, int64_t, fn->nsizevars + 1);
    if (!bind_sizes(fn, o, sz, d)) return -1;
    TuneOptions so = *o;    /* the check: every size at most 23 (tails at every split) */
    for (int i = 0; i < so.nsizes; i++) so.size_values[i] = so.size_values[i] < 23 ? so.size_values[i] : 23;
    bind_sizes(fn, &so, small, d);
    Search S = { .a = a, .o = o, .start = tune_now() };
    S.job =
        (TuneJob){ prog, fn, NULL, o->target ? o->target : "x86-64-v3", sz, 0.05, 60, false, false, 0, o->keep_own };
    int lanes, regs = tgt_vector_regs(S.job.target, &lanes);
    if (!tune_space_init(a, &S.s, fn, sz, regs, lanes, d)) return -1;
    uint64_t key = tune_cache_key(prog, fn, o);
    if (from_cache(&S, key, small, d)) {
        if (block) *block = S.block;
        return 0;
    }
    double t0 = tune_now();
    TuneResult base = tune_run_job(&S.job);
    S.overhead = tune_now() - t0;
    if (base.status != TRIAL_OK) {
        diag_plain(d, "--tune %s: the unscheduled fn does not run at these sizes: %s", fn->name, base.msg);
        return -1;
    }
    uint64_t rng = o->seed;
    const char *use = getenv("TDSL_TUNE_MODEL");
    S.use_model = !use || strcmp(use, "0");
    Drawn next;
    /* the search stops where about two rounds of retime() are left (at most a tenth of the
     * budget: a short one has no room for them), then the check */
    while (tune_now() - S.start + fmin(2 * RETIME * mean_trial_s(&S), o->budget_s * 0.1) < o->budget_s * 0.9 &&
           choose(&S, &rng, &next))
        trial(&S, &next, base.seconds);
    if (S.quiet) fclose(S.quiet);
    retime(&S);
    const Member *best = S.npop && S.pop[0].t < base.seconds ? checked_best(&S, small) : NULL;
    if (best && best->t >= base.seconds) best = NULL;
    char *empty = arena_printf(a, "schedule %s {\n}\n", fn->name);
    tune_cache_put(o, key, best ? best->t : base.seconds, base.seconds, best ? best->text : empty);
    if (o->log && isatty(fileno(o->log))) fputc('\n', o->log);      /* after the progress line */
    int rc = write_block(&S, best, base.seconds, d);
    if (block) *block = S.block;
    return rc;
}
