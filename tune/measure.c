/* measure.c - one trial of the tuner: in a child process (fork), lower the fn
 * under a candidate schedule, JIT it, call it on random data at the tuning
 * sizes and time it; the parent reads one line back through a pipe and kills
 * a child that outlives its time. A compile error, a crash or a hang is a
 * failed trial, never the tuner's. The same child can instead compare the
 * candidate's results with the unscheduled fn's, bit for bit. */
#include "tune/tune_int.h"
#include "lower/entry_ffi.h"
#include "lower/lower.h"
#include "parser/parse.h"
#include "runtime/tdsl_pool.h"
#include "runtime/tdsl_tensor.h"
#include <ffi.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAXA 32     /* params + results */

double tune_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* ---- the child: compile ---- */

/* The program's fns up to job->fn lowered, with their blocks, fn's replaced by
 * those parsed from sched (NULL: unscheduled, or as written with job->keep):
 * how many (fn is the last), or -1 after reporting to err (a rejected
 * candidate). */
int tune_lower(Arena *a, const TuneJob *job, const char *sched, FILE *err, LFunc ***fns)
{
    Diag d;
    diag_init(&d, err);
    Program *prog = job->prog;
    Fn *fn = job->fn;
    Program p = *prog;
    p.nfns = 0;
    while (p.nfns < prog->nfns && prog->fns[p.nfns] != fn) p.nfns++;
    p.nfns++;
    int cap = prog->nscheds + 1;
    p.scheds = ARENA_ARRAY(a, Schedule *, cap);
    p.nscheds = 0;
    for (int i = 0; i < prog->nscheds; i++)
        if (strcmp(prog->scheds[i]->fn, fn->name) || (!sched && job->keep)) p.scheds[p.nscheds++] = prog->scheds[i];
    if (sched) {
        Program extra = { 0 };
        Source *src = ARENA_NEW(a, Source);
        src->path = "<candidate>";
        src->text = sched;
        parse_source(a, src, &extra, &d);
        ARENA_GROW(a, p.scheds, p.nscheds, cap, p.nscheds + extra.nscheds);
        for (int i = 0; i < extra.nscheds; i++) p.scheds[p.nscheds++] = extra.scheds[i];
    }
    int n = d.nerrors ? -1 : lower_program(a, &p, fns, &d);
    return d.nerrors ? -1 : n;
}

/* The entry point of fn under `sched` (NULL: unscheduled), JIT-compiled. */
static void *compile_entry(Arena *a, const TuneJob *job, const char *sched, FILE *err)
{
    LFunc **fns = NULL;
    int n = tune_lower(a, job, sched, err, &fns);
    Diag d;
    diag_init(&d, err);
    Jit *j = n > 0 ? jit_create_for(job->target, &d) : NULL;
    /* fn alone: the fns it calls come along as private copies (codegen's pending kernels) */
    if (!j || jit_add(j, fns + n - 1, 1, 3, &d)) return NULL;
    return jit_lookup(j, job->fn->name);     /* the JIT lives until the child exits */
}

/* ---- the child: data and calls ---- */

typedef struct Args {
    tdsl_tensor t[MAXA];
    int64_t shape[MAXA][8];
    union {
        double f64;
        float f32;
        int64_t i64;
        int32_t i32;
        uint8_t u8;
    } sc[MAXA];
    size_t bytes[MAXA];
} Args;

static void fill(void *p, DType t, size_t n, uint64_t *seed)
{
    for (size_t i = 0; i < n; i++) {
        *seed = *seed * 6364136223846793005ull + 1442695040888963407ull;
        double x = (double)(*seed >> 40) / (double)(1 << 24) * 2.0 - 1.0;  /* [-1, 1) */
        int bytes = dtype_bits(t) / 8;
        if (t == DT_F32) ((float *)p)[i] = (float)x;
        else if (t == DT_F64) ((double *)p)[i] = x;
        else memset((char *)p + i * (size_t)bytes, (int)(*seed >> 56) & 7, (size_t)bytes);
    }
}

#define MISALIGN 16     /* bytes past a 64-byte line where the tuner's tensors begin */

static bool make_tensor(const Tensor *t, const int64_t *sz, Args *g, int i, uint64_t *seed)
{
    size_t n = 1;
    for (int k = 0; k < t->ndim && k < 8; k++) {
        int64_t e = aff_eval(t->extent[k], sz);
        if (e < 0) return false;
        g->shape[i][k] = e;
        n *= (size_t)e;
    }
    g->bytes[i] = n * (size_t)(dtype_bits(t->type) / 8);
    /* 16 bytes past a cache line, where malloc's blocks begin (std::vector's,
     * NumPy's): a schedule timed on line-aligned data only can run several
     * times slower on a caller's (a gelu with two rows unrolled, spilling:
     * 13 ms line-aligned, 37 ms at 16 past). Never freed: the child exits. */
    char *block = aligned_alloc(64, (g->bytes[i] + 64 + MISALIGN) / 64 * 64);
    if (!block) return false;
    void *data = block + MISALIGN;
    fill(data, t->type, n, seed);
    g->t[i] = (tdsl_tensor){
        data,        { 1, 0 }, t->ndim, { (uint8_t)dtype_dlpack_code(t->type), (uint8_t)dtype_bits(t->type), 1 },
        g->shape[i], NULL,     0
    };
    return true;
}

static bool make_args(const Fn *f, const int64_t *sz, Args *g)
{
    uint64_t seed = 12345;
    memset(g, 0, sizeof *g);
    if (f->nparams + f->nresults > MAXA) return false;
    for (int i = 0; i < f->nparams; i++) {
        if (f->params[i]->is_scalar) {
            double one = 0.75;
            if (f->params[i]->type == DT_F32) g->sc[i].f32 = (float)one;
            else if (f->params[i]->type == DT_F64) g->sc[i].f64 = one;
            else g->sc[i].i64 = 1;
        } else if (!make_tensor(f->params[i], sz, g, i, &seed)) {
            return false;
        }
    }
    for (int i = 0; i < f->nresults; i++)
        if (!make_tensor(f->results[i], sz, g, f->nparams + i, &seed)) return false;
    return true;
}

static int call(const Fn *f, void *entry, Args *g)
{
    ffi_cif cif;
    ffi_type *types[MAXA];
    void *vals[MAXA];
    tdsl_tensor *ptrs[MAXA];
    int n = f->nparams + f->nresults;
    for (int i = 0; i < n; i++) {
        bool scalar = i < f->nparams && f->params[i]->is_scalar;
        types[i] = scalar ? entry_ffi_type(f->params[i]->type) : &ffi_type_pointer;
        ptrs[i] = &g->t[i];
        vals[i] = scalar ? (void *)&g->sc[i] : (void *)&ptrs[i];
    }
    if (ffi_prep_cif(&cif, FFI_DEFAULT_ABI, (unsigned)n, &ffi_type_sint32, types) != FFI_OK) return -1;
    ffi_arg rc = 0;
    ffi_call(&cif, FFI_FN(entry), &rc, vals);
    return (int)rc;
}

/* ---- the child's jobs ---- */

/* Times entry: one warm-up call (the answer, if it took over 0.5 s), then
 * calls until min_s has passed (at least 3 unless one call takes over 0.2
 * s); the fastest call. */
static double time_entry(const Fn *f, void *entry, Args *g, double min_s)
{
    double first = tune_now();
    if (call(f, entry, g)) return -1;
    if ((first = tune_now() - first) > 0.5) return first;     /* slow: one call says enough */
    double best = 1e30, start = tune_now();
    for (int k = 0; k < 1000; k++) {
        double t = tune_now();
        if (call(f, entry, g)) return -1;
        t = tune_now() - t;
        best = t < best ? t : best;
        if (tune_now() - start >= min_s && (k >= 2 || best > 0.2)) break;
    }
    return best;
}

/* Do the results of the two entries agree bit for bit on the same inputs? */
/* equal bits, or with tol (a reassociated reduction) floats within 1e-4 relative */
static bool close_enough(const Tensor *t, const char *want, const char *got, size_t bytes, bool tol)
{
    if (!memcmp(want, got, bytes)) return true;
    if (!tol || (t->type != DT_F32 && t->type != DT_F64)) return false;
    bool f32 = t->type == DT_F32;
    for (size_t i = 0; i < bytes / (f32 ? 4 : 8); i++) {
        double x = f32 ? ((const float *)want)[i] : ((const double *)want)[i];
        double y = f32 ? ((const float *)got)[i] : ((const double *)got)[i];
        double m = fabs(x) > fabs(y) ? fabs(x) : fabs(y);
        if (!(fabs(x - y) <= 1e-4 * m + 1e-6) && !(isnan(x) && isnan(y)) && x != y) return false;
    }
    return true;
}

static bool same_results(const Fn *f, void *ref, void *cand, Args *g, bool tol)
{
    if (call(f, ref, g)) return false;
    int n = f->nparams + f->nresults;
    char *want[MAXA];
    for (int i = f->nparams; i < n; i++) {
        want[i] = malloc(g->bytes[i] + 1);
        memcpy(want[i], g->t[i].data, g->bytes[i]);
        memset(g->t[i].data, 0x5A, g->bytes[i]);
    }
    bool same = !call(f, cand, g);
    for (int i = f->nparams; i < n; i++) {
        same = same && close_enough(f->results[i - f->nparams], want[i], g->t[i].data, g->bytes[i], tol);
        free(want[i]);
    }
    return same;
}

/* TDSL_TUNE_FAULT=crash:N,hang:M: trial N crashes, trial M hangs (the tests' faulty candidates) */
static void injected_fault(int trial)
{
    const char *f = getenv("TDSL_TUNE_FAULT");
    const char *c = f ? strstr(f, "crash:") : NULL, *h = f ? strstr(f, "hang:") : NULL;
    if (c && atoi(c + 6) == trial) {
        signal(SIGSEGV, SIG_DFL);   /* a plain crash: no sanitizer report (its symbolizer can outlast the timeout) */
        raise(SIGSEGV);
    }
    if (h && atoi(h + 5) == trial)
        for (;;) pause();
}

static void child(const TuneJob *job, int fd)
{
    tdsl_rt_pool_after_fork();
    injected_fault(job->trial);
    Arena a;
    arena_init(&a);
    char *msg = NULL;
    size_t len = 0;
    FILE *err = open_memstream(&msg, &len);
    Args g;
    void *cand = compile_entry(&a, job, job->sched, err);
    void *ref = job->check && cand ? compile_entry(&a, job, NULL, err) : NULL;
    fclose(err);
    char line[512];
    if (!cand || (job->check && !ref)) {
        char *nl = msg ? strchr(msg, '\n') : NULL;
        if (nl) *nl = 0;
        snprintf(line, sizeof line, "rejected %s\n", msg && *msg ? msg : "(no message)");
    } else if (!make_args(job->fn, job->sizes, &g)) {
        snprintf(line, sizeof line, "rejected cannot allocate the arguments\n");
    } else if (job->check) {
        snprintf(line, sizeof line, same_results(job->fn, ref, cand, &g, job->tol) ? "same\n" : "differs\n");
    } else {
        double t = time_entry(job->fn, cand, &g, job->min_s);
        snprintf(line, sizeof line, t < 0 ? "failed the call returned an error\n" : "ok %.9f\n", t);
    }
    if (write(fd, line, strlen(line)) < 0) _exit(2);
    _exit(0);
}

/* ---- the parent ---- */

/* reads one line from fd into buf; true if the deadline passed first */
static bool read_line(int fd, double timeout_s, char *buf, size_t cap)
{
    size_t n = 0;
    double end = tune_now() + timeout_s;
    buf[0] = 0;
    while (n + 1 < cap && !strchr(buf, '\n')) {
        struct pollfd p = { fd, POLLIN, 0 };
        int ms = (int)((end - tune_now()) * 1000);
        if (ms <= 0 || poll(&p, 1, ms) == 0) return true;
        ssize_t k = read(fd, buf + n, cap - 1 - n);
        if (k <= 0) return false;   /* the child is gone */
        n += (size_t)k;
        buf[n] = 0;
    }
    return false;
}

TuneResult tune_run_job(const TuneJob *job)
{
    TuneResult r = { TRIAL_CRASHED, 0, "" };
    int fds[2];
    fflush(NULL);
    if (pipe(fds)) return r;
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        child(job, fds[1]);
    }
    close(fds[1]);
    char buf[512] = "";
    bool late = pid > 0 && read_line(fds[0], job->timeout_s, buf, sizeof buf);
    close(fds[0]);
    if (pid < 0) return r;
    int status = 0;
    char *nl = strchr(buf, '\n');
    bool killed = late && !nl && !kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    if (!nl) {
        r.status = killed ? TRIAL_TIMEOUT : TRIAL_CRASHED;
        if (killed) snprintf(r.msg, sizeof r.msg, "timed out");
        else if (WIFSIGNALED(status)) snprintf(r.msg, sizeof r.msg, "crashed (%s)", strsignal(WTERMSIG(status)));
        else snprintf(r.msg, sizeof r.msg, "crashed (exit status %d)", WEXITSTATUS(status));
        return r;
    }
    *nl = 0;
    if (!strncmp(buf, "ok ", 3)) r.status = TRIAL_OK, r.seconds = atof(buf + 3);
    else if (!strcmp(buf, "same")) r.status = TRIAL_OK;
    else if (!strcmp(buf, "differs")) r.status = TRIAL_DIFFERS;
    else r.status = TRIAL_REJECTED;
    snprintf(r.msg, sizeof r.msg, "%.255s", buf);
    return r;
}
