/* call.c - calling a JIT-compiled fn through libffi: arguments checked in the
 * order of the entry point's own checks (and reported with its messages),
 * size vars bound, results allocated, then the call on a worker thread.
 *
 * Why a thread: Ctrl-C must return to the prompt while generated code runs.
 * A signal handler cannot leave that code safely (siglongjmp out of it could
 * skip its frees, leave malloc's lock held, or abandon the thread pool's
 * workers mid-loop with the caller's frame gone). So the main thread waits for
 * the worker and for Ctrl-C; on Ctrl-C it stops waiting: the job owns a
 * reference to every tensor and to the code it uses and drops them when the
 * call returns, so the session can go on (and even redefine the fn) meanwhile.
 * :time checks for Ctrl-C between runs and stops at once. */
#include "repl/repl_int.h"
#include "runtime/tdsl_tensor.h"
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* ---- checking the arguments ---- */

static void note_arg(Line *ln, const Call *c, const bool *bound, int arg, const RExpr *ae)
{
    const Fn *f = c->lf->fn;
    const Tensor *p = arg < f->nparams ? f->params[arg] : f->results[arg - f->nparams];
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    if (!m) return;
    if (ae) fprintf(m, "%.*s is %s; ", ae->end - ae->start, ln->text + ae->start, type_str(ln->a, c->args[arg]->t));
    fprintf(m, "%s %s ", f->name, arg < f->nparams ? "takes" : "returns");
    defs_print_tensor(m, p);
    bool first = true;
    for (int k = 0; k < f->nsizevars; k++)
        if (bound[k] && !f->sizevars[k].div) {
            fprintf(m, "%s%s = %lld", first ? " with " : ", ", f->sizevars[k].name, (long long)c->sizes[k]);
            first = false;
        }
    fclose(m);
    line_plain_note(ln, "%s", buf);
    free(buf);
}

/* The entry point's message for code, at the argument (or the whole call). */
static void fail_code(Line *ln, const Call *c, const bool *bound, const RExpr *e, int code)
{
    char msg[200];
    tdsl_format_error(code, msg, sizeof msg);
    int arg = TDSL_ERR_ARG(code);
    const RExpr *ae = arg >= 0 && arg < c->nparams ? e->args[arg] : NULL;
    line_error(ln, ae ? ae->start : e->start, ae ? ae->end : e->end, "%s", msg);
    if (arg >= 0) note_arg(ln, c, bound, arg, ae);
}

static int check_descriptors(Line *ln, Call *c, const RExpr *e, const bool *bound)
{
    const Fn *f = c->lf->fn;
    for (int i = 0; i < c->nparams; i++) {
        const Tensor *p = f->params[i];
        const RTensor *t = c->args[i]->t;
        const RExpr *ae = e->args[i];
        bool mismatch = p->is_scalar ? t->ndim != 0 : t->ndim == 0 && c->lf->params[i]->ndim != 0;
        if (mismatch) {
            line_error(ln, ae->start, ae->end, "parameter '%s' of %s is a %s; this is a %s %s", p->name, f->name,
                       p->is_scalar ? "scalar" : "tensor", t->ndim ? "tensor" : "scalar", type_str(ln->a, t));
            note_arg(ln, c, bound, i, NULL);
            return -1;
        }
        if (p->is_scalar) continue;
        const Buffer *b = c->lf->params[i];
        if (t->ndim != b->ndim) return fail_code(ln, c, bound, e, TDSL_ERR_RANK | (i + 1) << 8), -1;
        if (t->type != b->type) return fail_code(ln, c, bound, e, TDSL_ERR_DTYPE | (i + 1) << 8), -1;
    }
    return 0;
}

static int convert_scalars(Line *ln, Call *c, const RExpr *e, Scalar *out)
{
    const Fn *f = c->lf->fn;
    for (int i = 0; i < c->nparams; i++) {
        if (!f->params[i]->is_scalar) continue;
        char why[200];
        if (!scalar_convert(c->args[i], f->params[i]->type, false, &out[i], why, sizeof why)) {
            line_error(ln, e->args[i]->start, e->args[i]->end, "parameter '%s' of %s: %s", f->params[i]->name, f->name,
                       why);
            return -1;
        }
    }
    return 0;
}

/* Binds and checks extents exactly as the entry's ShapeChecks do, and takes
 * each result's extents from its checks. */
static int bind_sizes(Line *ln, Call *c, const RExpr *e, bool *bound, int64_t **rshape)
{
    const LFunc *lf = c->lf;
    Env env = { c->sizes, lf->nsizes, NULL, NULL, 0, 0 };
    for (int i = 0; i < lf->nchecks; i++) {
        const ShapeCheck *k = &lf->checks[i];
        int code = (k->arg + 1) << 8 | k->dim << 16;
        if (k->bind >= 0) {
            int64_t v;
            bool big = k->div > 0 ? !cost_eval(k->expect, &env, &v)
                                  : __builtin_sub_overflow(c->args[k->arg]->t->shape[k->dim], k->bind_offset, &v);
            if (big) return fail_code(ln, c, bound, e, TDSL_ERR_SIZE | code), -1;
            if (v < 0) return fail_code(ln, c, bound, e, TDSL_ERR_NEGATIVE | code), -1;
            if (k->div <= 0 && k->bind_scale > 1 && v % k->bind_scale)
                return fail_code(ln, c, bound, e, TDSL_ERR_SHAPE | code), -1;
            c->sizes[k->bind] = v / (k->div > 0 ? k->div : k->bind_scale > 1 ? k->bind_scale : 1);
            bound[k->bind] = true;
            continue;
        }
        int64_t x;
        if (!cost_eval(k->expect, &env, &x)) return fail_code(ln, c, bound, e, TDSL_ERR_SIZE | code), -1;
        if (x < 0) return fail_code(ln, c, bound, e, TDSL_ERR_NEGATIVE | code), -1;
        if (k->div > 0) continue;       /* only x >= 0 was asked */
        if (k->arg >= c->nparams) rshape[k->arg - c->nparams][k->dim] = x;
        else if (c->args[k->arg]->t->shape[k->dim] != x) return fail_code(ln, c, bound, e, TDSL_ERR_SHAPE | code), -1;
    }
    return 0;
}

/* "f takes 2 arguments, not 1" and the signature */
static void wrong_arity(Line *ln, const Fn *f, const RExpr *e)
{
    line_error(ln, e->open, e->end, "%s takes %d argument%s, not %d", f->name, f->nparams, f->nparams == 1 ? "" : "s",
               e->nargs);
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    if (m) {
        defs_print_signature(m, f);
        fclose(m);
        line_plain_note(ln, "fn %s", buf);
        free(buf);
    }
}

/* One value per argument into c->args; -1 after reporting. */
static int eval_args(Line *ln, Call *c, const RExpr *e)
{
    for (int i = 0; i < c->nparams; i++) {
        Val *vs[64];
        int n = eval_expr(ln, e->args[i], vs, 64);
        if (n == 1) c->args[i] = vs[0];
        else if (n >= 0) {
            line_error(ln, e->args[i]->start, e->args[i]->end, "an argument must be one value; this gives %d", n);
            for (int k = 0; k < n; k++) val_release(vs[k]);
        }
        if (!c->args[i]) return -1;
    }
    return 0;
}

/* Scalar arguments become scalars of the parameter's dtype (scal[i], converted). */
static int retype_scalars(Line *ln, Call *c, const RExpr *e, const Scalar *scal)
{
    const Fn *f = c->lf->fn;
    for (int i = 0; i < c->nparams; i++) {
        if (!f->params[i]->is_scalar) continue;
        RTensor *t = rt_new(f->params[i]->type, 0, NULL);
        if (t) memcpy(t->data, &scal[i], (size_t)dtype_bits(t->type) / 8);
        Val *v = t ? val_new(t) : NULL;
        val_release(c->args[i]);
        c->args[i] = v;
        if (!v) {
            line_error(ln, e->start, e->end, "out of memory");
            return -1;
        }
    }
    return 0;
}

/* The dim at which a result's byte count first overflows i64 (the entry
 * point's rule: an empty shape never does), or -1. */
static int bytes_overflow_dim(const Buffer *b, const int64_t *shape)
{
    int64_t bytes = dtype_bits(b->type) / 8;
    for (int d = 0; d < b->ndim; d++)
        if (shape[d] == 0) return -1;
    for (int d = 0; d < b->ndim; d++)
        if (__builtin_mul_overflow(bytes, shape[d], &bytes)) return d;
    return -1;
}

/* The results, of the shapes bind_sizes computed; -1 after reporting. */
static int alloc_results(Line *ln, Call *c, const RExpr *e, const bool *bound, int64_t **rshape)
{
    for (int r = 0; r < c->nresults; r++) {
        const Buffer *b = c->lf->results[r];
        int d = bytes_overflow_dim(b, rshape[r]);
        if (d >= 0) return fail_code(ln, c, bound, e, TDSL_ERR_SIZE | (c->nparams + r + 1) << 8 | d << 16), -1;
        bool fits = npy_shape_numel(b->type, b->ndim, rshape[r]) >= 0;
        RTensor *t = fits ? rt_new(b->type, b->ndim, rshape[r]) : NULL;
        if (!t) {
            line_error(ln, e->start, e->end, "%s for result %s", fits ? "out of memory" : "too large",
                       c->lf->fn->results[r]->name);
            note_arg(ln, c, bound, c->nparams + r, NULL);
            return -1;
        }
        c->results[r] = val_new(t);
    }
    return 0;
}

int call_prepare(Line *ln, LFunc *lf, const RExpr *e, Call *c)
{
    memset(c, 0, sizeof *c);
    c->lf = lf;
    c->nparams = lf->nparams;
    c->nresults = lf->nresults;
    if (e->nargs != lf->fn->nparams) {
        wrong_arity(ln, lf->fn, e);
        return -1;
    }
    c->args = xcalloc((size_t)c->nparams + 1, sizeof(Val *));
    c->results = xcalloc((size_t)c->nresults + 1, sizeof(Val *));
    c->sizes = xcalloc((size_t)lf->nsizes + 1, sizeof(int64_t));
    bool *bound = arena_alloc(ln->a, sizeof(bool) * (size_t)(lf->nsizes + 1));
    int64_t **rshape = arena_alloc(ln->a, sizeof(int64_t *) * (size_t)(c->nresults + 1));
    for (int r = 0; r < c->nresults; r++)
        rshape[r] = arena_alloc(ln->a, sizeof(int64_t) * (size_t)(lf->results[r]->ndim + 1));
    Scalar *scal = arena_alloc(ln->a, sizeof(Scalar) * (size_t)(c->nparams + 1));
    if (eval_args(ln, c, e) || check_descriptors(ln, c, e, bound) || convert_scalars(ln, c, e, scal) ||
        bind_sizes(ln, c, e, bound, rshape) || retype_scalars(ln, c, e, scal) ||
        alloc_results(ln, c, e, bound, rshape)) {
        call_free(c);
        return -1;
    }
    return 0;
}

void call_free(Call *c)
{
    for (int i = 0; c->args && i < c->nparams; i++) val_release(c->args[i]);
    for (int i = 0; c->results && i < c->nresults; i++) val_release(c->results[i]);
    free(c->args);
    free(c->results);
    free(c->sizes);
    memset(c, 0, sizeof *c);
}

/* ---- signals ---- */

static int sig_pipe[2] = { -1, -1 }, done_pipe[2] = { -1, -1 };

static void on_sigint(int sig)
{
    (void)sig;
    int e = errno;
    ssize_t r = write(sig_pipe[1], "", 1);
    (void)r;
    errno = e;
}

static void make_pipe(int p[2])
{
    if (p[0] >= 0 || pipe(p)) return;
    for (int i = 0; i < 2; i++) {
        fcntl(p[i], F_SETFL, fcntl(p[i], F_GETFL) | O_NONBLOCK);
        fcntl(p[i], F_SETFD, FD_CLOEXEC);
    }
}

static void drain(int fd)
{
    char buf[64];
    while (read(fd, buf, sizeof buf) > 0) {}
}

void call_signals_init(bool interactive)
{
    make_pipe(sig_pipe);
    make_pipe(done_pipe);
    if (!interactive) return;          /* from a pipe, Ctrl-C ends tdsl as usual */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
}

int call_sigint_fd(void) { return sig_pipe[0]; }

bool call_take_sigint(void)
{
    char buf[64];
    bool got = false;
    while (read(sig_pipe[0], buf, sizeof buf) > 0) got = true;
    return got;
}

/* ---- jobs ---- */

enum { JOB_RUNNING, JOB_DONE, JOB_ABANDONED };

typedef struct Job {
    Compiled *comp;
    int nargs;
    void **avalues;
    tdsl_tensor *desc;
    tdsl_tensor **ptrs;
    int64_t **shapes;
    Scalar *scal;
    Val **hold;
    int nhold;
    bool timing;
    double *times;
    int ntimes, cap;
    double first;
    int batch;              /* runs per timed batch */
    int rc;
    int state, cancel;
    double start;
    char name[80];
    int *running;           /* the session's count of interrupted calls */
} Job;

static pthread_mutex_t finished_lock = PTHREAD_MUTEX_INITIALIZER;
static char *finished[16];
static int nfinished;

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void job_free(Job *j)
{
    for (int i = 0; i < j->nhold; i++) val_release(j->hold[i]);
    comp_release(j->comp);
    for (int i = 0; i < j->nargs; i++) free(j->shapes[i]);
    free(j->shapes);
    free(j->hold);
    free(j->avalues);
    free(j->desc);
    free(j->ptrs);
    free(j->scal);
    free(j->times);
    free(j);
}

static int call_once(Job *j)
{
    ffi_arg rv = 0;
    ffi_call(&j->comp->cif, FFI_FN(j->comp->addr), &rv, j->avalues);
    return (int)(int32_t)rv;
}

/* A first run (touching every page), then batches of runs (as many as take
 * 10 us, so the clock's cost does not count) until 0.5 s and 3 batches, 2 s,
 * or 100000 batches; Ctrl-C stops it between batches. */
static void time_runs(Job *j)
{
    double t0 = now();
    j->rc = call_once(j);
    j->first = now() - t0;
    j->batch = 1;
    while (!j->rc && j->batch < 4096) {
        t0 = now();
        for (int k = 0; k < j->batch && !j->rc; k++) j->rc = call_once(j);
        if (now() - t0 >= 1e-5) break;
        j->batch *= 2;
    }
    double total = 0;
    while (!j->rc && !__atomic_load_n(&j->cancel, __ATOMIC_ACQUIRE)) {
        if (j->ntimes >= 100000 || (total >= 0.5 && j->ntimes >= 3) || total >= 2.0) break;
        if (j->ntimes == j->cap) {
            int c = j->cap ? j->cap * 2 : 64;
            double *p = realloc(j->times, sizeof(double) * (size_t)c);
            if (!p) break;
            j->times = p;
            j->cap = c;
        }
        t0 = now();
        for (int k = 0; k < j->batch && !j->rc; k++) j->rc = call_once(j);
        double dt = now() - t0;
        j->times[j->ntimes++] = dt / j->batch;
        total += dt;
    }
}

static void *job_main(void *arg)
{
    Job *j = arg;
    if (j->timing) time_runs(j);
    else j->rc = call_once(j);
    int prev = __atomic_exchange_n(&j->state, JOB_DONE, __ATOMIC_ACQ_REL);
    if (prev == JOB_ABANDONED) {
        char *msg = malloc(160);
        if (msg)
            snprintf(msg, 160, "the interrupted call to %s returned after %.1f s; its results were dropped", j->name,
                     now() - j->start);
        pthread_mutex_lock(&finished_lock);
        if (msg && nfinished < 16) finished[nfinished++] = msg;
        else free(msg);
        pthread_mutex_unlock(&finished_lock);
        __atomic_sub_fetch(j->running, 1, __ATOMIC_ACQ_REL);
        job_free(j);
    }
    ssize_t r = write(done_pipe[1], "", 1);
    (void)r;
    return NULL;
}

void call_report_finished(Session *s)
{
    (void)s;
    pthread_mutex_lock(&finished_lock);
    for (int i = 0; i < nfinished; i++) {
        printf("note: %s\n", finished[i]);
        free(finished[i]);
    }
    nfinished = 0;
    pthread_mutex_unlock(&finished_lock);
}

static Job *job_new(Session *s, Call *c, Compiled *comp)
{
    Job *j = xcalloc(1, sizeof *j);
    int n = j->nargs = c->nparams + c->nresults;
    j->comp = comp;
    __atomic_add_fetch(&comp->refs, 1, __ATOMIC_RELAXED);
    j->running = &s->running;
    snprintf(j->name, sizeof j->name, "%s", c->lf->name);
    j->avalues = xcalloc((size_t)n + 1, sizeof(void *));
    j->desc = xcalloc((size_t)n + 1, sizeof(tdsl_tensor));
    j->ptrs = xcalloc((size_t)n + 1, sizeof(tdsl_tensor *));
    j->shapes = xcalloc((size_t)n + 1, sizeof(int64_t *));
    j->scal = xcalloc((size_t)n + 1, sizeof(Scalar));
    j->hold = xcalloc((size_t)n + 1, sizeof(Val *));
    static char empty[64];
    for (int i = 0; i < n; i++) {
        Val *v = i < c->nparams ? c->args[i] : c->results[i - c->nparams];
        j->hold[j->nhold++] = val_ref(v);
        const RTensor *t = v->t;
        if (i < c->nparams && !c->lf->params[i]) {          /* a scalar, by value */
            memcpy(&j->scal[i], t->data, (size_t)dtype_bits(t->type) / 8);
            j->avalues[i] = &j->scal[i];
            continue;
        }
        j->shapes[i] = xcalloc((size_t)t->ndim + 1, sizeof(int64_t));
        if (t->ndim) memcpy(j->shapes[i], t->shape, sizeof(int64_t) * (size_t)t->ndim);
        j->desc[i] = (tdsl_tensor){ t->data ? t->data : empty,
                                    { 1, 0 },
                                    t->ndim,
                                    { (uint8_t)dtype_dlpack_code(t->type), (uint8_t)dtype_bits(t->type), 1 },
                                    j->shapes[i],
                                    NULL,
                                    0 };
        j->ptrs[i] = &j->desc[i];
        j->avalues[i] = &j->ptrs[i];
    }
    return j;
}

/* Waits for j or Ctrl-C: 0 when it returned, 1 when interrupted. */
static int wait_job(Session *s, Job *j, int timeout_ms)
{
    double until = now() + timeout_ms / 1e3;
    for (;;) {
        if (__atomic_load_n(&j->state, __ATOMIC_ACQUIRE) == JOB_DONE) return 0;
        struct pollfd p[2] = { { done_pipe[0], POLLIN, 0 }, { sig_pipe[0], POLLIN, 0 } };
        int ms = timeout_ms < 0 ? -1 : (int)((until - now()) * 1e3);
        if (timeout_ms >= 0 && ms <= 0) return 1;
        int r = poll(p, s->interactive ? 2 : 1, ms);
        if (r < 0 && errno != EINTR) return 1;
        if (r > 0 && (p[0].revents & POLLIN)) drain(done_pipe[0]);
        if (r > 0 && s->interactive && (p[1].revents & POLLIN)) {
            call_take_sigint();
            if (__atomic_load_n(&j->state, __ATOMIC_ACQUIRE) == JOB_DONE) return 0;
            return 1;
        }
    }
}

void call_note_background(Line *ln)
{
    if (__atomic_load_n(&ln->s->running, __ATOMIC_ACQUIRE))
        line_plain_note(ln, "an interrupted call still runs in the background: these times are disturbed");
}

int call_run(Line *ln, Call *c, Compiled *comp, Timing *tm)
{
    Session *s = ln->s;
    if (call_take_sigint()) {           /* Ctrl-C while compiling */
        fflush(stdout);
        fprintf(ln->d->out, "interrupted\n");
        return 1;
    }
    Job *j = job_new(s, c, comp);
    j->timing = tm != NULL;
    j->start = now();
    /* joined once done, so no thread of ours is still exiting (holding
     * allocator locks) when :tune forks; detached only when abandoned */
    pthread_t th;
    bool threaded = !pthread_create(&th, NULL, job_main, j);
    if (!threaded) {
        /* no thread: run it here (Ctrl-C then ends tdsl) */
        signal(SIGINT, SIG_DFL);
        job_main(j);
        call_signals_init(s->interactive);
    }
    int intr = wait_job(s, j, -1);
    if (intr && j->timing) {
        __atomic_store_n(&j->cancel, 1, __ATOMIC_RELEASE);
        intr = wait_job(s, j, 250) && __atomic_load_n(&j->state, __ATOMIC_ACQUIRE) != JOB_DONE;
        if (!intr) j->cancel = 2;       /* stopped between runs: report what ran */
    }
    if (intr) {
        int prev = JOB_RUNNING;
        if (__atomic_compare_exchange_n(&j->state, &prev, JOB_ABANDONED, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
            __atomic_add_fetch(&s->running, 1, __ATOMIC_ACQ_REL);
            if (threaded) pthread_detach(th);
            fflush(stdout);
            fprintf(ln->d->out,
                    "%sinterrupted: %s goes on in the background until it returns; its results will be dropped\n",
                    s->interactive ? "\n" : "", c->lf->name);
            return 1;
        }
        /* it returned just now: fall through as interrupted, cleaned up here */
        if (threaded) pthread_join(th, NULL);
        job_free(j);
        fflush(stdout);
        fprintf(ln->d->out, "%sinterrupted\n", s->interactive ? "\n" : "");
        return 1;
    }
    if (threaded) pthread_join(th, NULL);
    int rc = j->rc;
    if (tm) {
        tm->interrupted = j->cancel == 2;
        tm->first = j->first;
        tm->n = j->ntimes;
        tm->batch = j->batch;
        tm->t = j->times;
        j->times = NULL;
    }
    job_free(j);
    if (rc) {
        char msg[200];
        if (TDSL_ERR_KIND(rc) > TDSL_ERR_SIZE || rc < 0)    /* not one of ours: an extern fn's own code */
            snprintf(msg, sizeof msg, "error code %d (not a TDSL error: an extern fn's)", rc);
        else tdsl_format_error(rc, msg, sizeof msg);
        line_error(ln, 0, (int)strlen(ln->text), "%s failed: %s", c->lf->name, msg);
        return -1;
    }
    return 0;
}
