/* conformance.c - the ONNX backend node tests (libonnx-testdata) through the
 * importer and the JIT: each test dir's model.onnx becomes a TDSL program (in
 * a temp dir, as tdslc does), compiled and called on each test_data_set_K/input_N.pb
 * and compared with output_N.pb (rtol 1e-3, atol 1e-5). Each test runs in a
 * child process, so a crash or a hang is that test's FAIL, not the runner's.
 * The graph passes (graph/) run, as in tdslc. With -d (differential), the
 * expected outputs are instead those of the same model imported without the
 * graph passes: the passes must not change a result.
 * Usage: conformance [-d] [-I STDLIB_DIR] [-j JOBS] TEST_DIR...
 * Prints PASS onnx/node/T, FAIL onnx/node/T (and why), or UNSUPPORTED
 * onnx/node/T: the importer's one-line error; then a summary line. */
#define _GNU_SOURCE /* asprintf */
#include "graph/graph.h"
#include "lower/lower.h"
#include "onnx/onnx.h"
#include "onnx/onnx.pb-c.h"
#include "parser/parse.h"
#include "runtime/tdsl_tensor.h"
#include "sema/sema.h"
#include <ffi.h>
#include <llvm-c/Core.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

enum { R_PASS, R_FAIL, R_UNSUPPORTED };
#define MAX_IO 16
#define MSG 900

typedef struct Case {
    Arena a;
    const char *dir, *stdlib;
    char msg[MSG];
    OnnxGraph *g;
    Jit *jit, *jit_ref;
    void *entry, *entry_ref; /* -d: the entry compiled without graph passes */
    tdsl_tensor t[2 * MAX_IO];
    int64_t shape[2 * MAX_IO][ONNX_MAX_RANK];
    void *want[MAX_IO]; /* float32, or int64 where the dtype code is 0 */
} Case;

static int say(Case *c, int kind, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int say(Case *c, int kind, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->msg, sizeof c->msg, fmt, ap);
    va_end(ap);
    return kind;
}

/* the first line of what a Diag wrote, without the "PATH: error: " prefix */
static const char *first_line(char *text)
{
    char *nl = text ? strchr(text, '\n') : NULL;
    if (nl) *nl = 0;
    char *e = text ? strstr(text, ": error: ") : NULL;
    return e ? e + 9 : text ? text : "(no message)";
}

static bool differential;  /* -d */

/* import (graph passes when optimize), emit the program into a temp dir,
 * check and lower it, JIT it into *jit, *fn */
static int compile(Case *c, bool optimize, Jit **jit, void **fn)
{
    char *text = NULL;
    size_t len = 0;
    Diag d;
    diag_init(&d, open_memstream(&text, &len));
    const char *model = arena_printf(&c->a, "%s/model.onnx", c->dir), *tmp = NULL, *path = NULL;
    const char *base = strrchr(c->dir, '/') ? strrchr(c->dir, '/') + 1 : c->dir;
    int kind = R_UNSUPPORTED;
    GraphStats gs;
    if ((c->g = onnx_load(&c->a, model, &d)) && optimize) graph_optimize(c->g, &gs);
    if (c->g) path = onnx_emit_tdsl_tmp(c->g, onnx_fn_name(&c->a, base), &tmp);
    if (path) {
        Modules mods;
        Program prog = { 0 };
        LFunc **fns = NULL;
        int n = -1;
        kind = R_FAIL;
        modules_init(&mods, &c->a, &d, &c->stdlib, 1, NULL, NULL);
        if (!modules_load_file(&mods, path, MOD_NAMED) && !modules_program(&mods, &prog) &&
            !sema_check(&c->a, &prog, &d))
            n = lower_program(&c->a, &prog, &fns, &d);
        const char *name = onnx_fn_name(&c->a, base);
        LFunc *entry = NULL;  /* the model's fn alone: the nn kernels it calls are compiled in */
        for (int k = 0; k < n; k++)
            if (!strcmp(fns[k]->name, name)) entry = fns[k];
        if (entry && (*jit = jit_create(&d)) && !jit_add(*jit, &entry, 1, 2, &d) && (*fn = jit_lookup(*jit, name)))
            kind = R_PASS;
    }
    onnx_remove_dir(tmp);
    fclose(d.out);
    if (kind == R_UNSUPPORTED) say(c, kind, "%s", first_line(text));
    else if (kind == R_FAIL) say(c, kind, "internal error: the imported program does not compile: %s", text);
    free(text);
    return kind;
}

/* the descriptor dtype of a float32 or int64 tensor */
static tdsl_dtype dtype_of(int onnx_dtype)
{
    return onnx_dtype == OD_INT64 ? (tdsl_dtype){ 0, 64, 1 } : (tdsl_dtype){ 2, 32, 1 };
}

/* reads one TensorProto .pb (float32, or int64: indices, positions) into a
 * descriptor; 0, or -1 with c->msg */
static int read_pb(Case *c, const char *path, tdsl_tensor *t, int64_t *shape, void **data)
{
    FILE *f = fopen(path, "rb");
    if (!f) return say(c, R_FAIL, "cannot read %s", path), -1;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *buf = arena_alloc(&c->a, (size_t)n + 1);
    size_t got = fread(buf, 1, (size_t)n, f);
    fclose(f);
    Onnx__TensorProto *p = onnx__tensor_proto__unpack(NULL, got, buf);
    if (!p) return say(c, R_FAIL, "%s: not a TensorProto", path), -1;
    int rc = -1;
    int64_t numel = 1;
    for (size_t k = 0; k < p->n_dims && k < ONNX_MAX_RANK; k++) numel *= (shape[k] = p->dims[k]);
    size_t es = p->data_type == OD_INT64 ? 8 : 4;
    *data = arena_alloc(&c->a, (size_t)(numel + 1) * es);
    if ((p->data_type != OD_FLOAT && p->data_type != OD_INT64) || p->n_dims > ONNX_MAX_RANK)
        say(c, R_FAIL, "%s: dtype %d rank %zu; the harness reads float32 and int64 only", path, p->data_type,
            p->n_dims);
    else if (p->has_raw_data && p->raw_data.len == (size_t)numel * es)
        rc = 0, memcpy(*data, p->raw_data.data, numel * es);
    else if (es == 4 && p->n_float_data == (size_t)numel) rc = 0, memcpy(*data, p->float_data, numel * 4);
    else if (es == 8 && p->n_int64_data == (size_t)numel) rc = 0, memcpy(*data, p->int64_data, numel * 8);
    else say(c, R_FAIL, "%s: no data for %lld elements", path, (long long)numel);
    *t = (tdsl_tensor){
        .data = *data, .device = { 1, 0 }, .ndim = (int32_t)p->n_dims, .dtype = dtype_of(p->data_type), .shape = shape
    };
    onnx__tensor_proto__free_unpacked(p, NULL);
    return rc;
}

static int call_entry(void *entry, Case *c, int nargs)
{
    ffi_cif cif;
    ffi_type *types[2 * MAX_IO];
    void *ptrs[2 * MAX_IO], *vals[2 * MAX_IO];
    for (int k = 0; k < nargs; k++) {
        types[k] = &ffi_type_pointer;
        ptrs[k] = &c->t[k];
        vals[k] = &ptrs[k];
    }
    ffi_arg ret = 0;
    if (ffi_prep_cif(&cif, FFI_DEFAULT_ABI, (unsigned)nargs, &ffi_type_sint, types) != FFI_OK) return -1;
    ffi_call(&cif, FFI_FN(entry), &ret, vals);
    return (int)ret;
}

static bool close_enough(float got, float want)
{
    if (isnan(want)) return isnan(got);
    if (isinf(want)) return got == want;
    return fabsf(got - want) <= 1e-5f + 1e-3f * fabsf(want);
}

/* output k's descriptor, of the shape the graph infers (-d: no output_K.pb) */
static int graph_output(Case *c, int k, tdsl_tensor *t, int64_t *shape, void **data)
{
    const OnnxValue *v = c->g->outputs[k];
    int64_t numel = 1;
    for (int d = 0; d < v->shape.rank; d++) {
        if (v->shape.d[d].sym) return say(c, R_FAIL, "output %d has a symbolic dim: -d needs static shapes", k), -1;
        numel *= (shape[d] = v->shape.d[d].n);
    }
    *data = ARENA_ARRAY(&c->a, int64_t, numel + 1);
    *t = (tdsl_tensor){
        .data = *data, .device = { 1, 0 }, .ndim = v->shape.rank, .dtype = dtype_of(v->dtype), .shape = shape
    };
    return 0;
}

static int64_t numel_of(const Case *c, int k)
{
    int64_t numel = 1;
    for (int d = 0; d < c->t[k].ndim; d++) numel *= c->shape[k][d];
    return numel;
}

/* the entry called with fresh outputs (all NaN); 0 or an error code */
static int call_fresh(Case *c, void *entry, int nin, int nout)
{
    for (int k = nin; k < nin + nout; k++) {
        c->t[k].data = ARENA_ARRAY(&c->a, int64_t, numel_of(c, k) + 1);
        for (int64_t i = 0; i < numel_of(c, k); i++)
            if (c->t[k].dtype.code == 0) ((int64_t *)c->t[k].data)[i] = INT64_MIN;
            else ((float *)c->t[k].data)[i] = NAN;
    }
    return call_entry(entry, c, nin + nout);
}

/* one test_data_set_K: the inputs, the expected outputs (-d: the reference
 * entry's), the call, the comparison */
static int run_set(Case *c, const char *set)
{
    int nin = c->g->ninputs, nout = c->g->noutputs;
    if (nin + nout > 2 * MAX_IO || nin > MAX_IO || nout > MAX_IO)
        return say(c, R_FAIL, "%d inputs, %d outputs: too many", nin, nout);
    void *data = NULL;
    char err[200];
    for (int k = 0; k < nin + nout; k++) {
        bool in = k < nin;
        const char *pb = arena_printf(&c->a, "%s/%s_%d.pb", set, in ? "input" : "output", in ? k : k - nin);
        if (!in && differential ? graph_output(c, k - nin, &c->t[k], c->shape[k], &data)
                                : read_pb(c, pb, &c->t[k], c->shape[k], &data))
            return R_FAIL;
        if (!in) c->want[k - nin] = data;
    }
    int rc = differential ? call_fresh(c, c->entry_ref, nin, nout) : 0;
    for (int k = nin; k < nin + nout && differential; k++) c->want[k - nin] = c->t[k].data;
    if (rc || (rc = call_fresh(c, c->entry, nin, nout)))
        return say(c, R_FAIL, "%s: the entry returned %d (%s)", set, rc, tdsl_format_error(rc, err, sizeof err));
    for (int k = nin; k < nin + nout; k++) {
        const float *got = c->t[k].data, *want = c->want[k - nin];
        const int64_t *igot = c->t[k].data, *iwant = c->want[k - nin];
        for (int64_t i = 0; i < numel_of(c, k) && c->t[k].dtype.code == 0; i++)
            if (igot[i] != iwant[i])
                return say(c, R_FAIL, "%s: output %d element %lld is %lld, expected %lld", set, k - nin, (long long)i,
                           (long long)igot[i], (long long)iwant[i]);
        for (int64_t i = 0; i < numel_of(c, k) && c->t[k].dtype.code != 0; i++)
            if (!close_enough(got[i], want[i]))
                return say(c, R_FAIL, "%s: output %d element %lld is %.9g, expected %.9g", set, k - nin, (long long)i,
                           got[i], want[i]);
    }
    return R_PASS;
}

static int run_case(Case *c)
{
    int kind = differential ? compile(c, false, &c->jit_ref, &c->entry_ref) : R_PASS;
    if (kind == R_PASS) kind = compile(c, true, &c->jit, &c->entry);
    struct stat st;
    for (int k = 0; kind == R_PASS; k++) {
        const char *set = arena_printf(&c->a, "%s/test_data_set_%d", c->dir, k);
        if (stat(set, &st)) {
            if (!k) kind = say(c, R_FAIL, "no test_data_set_0");
            break;
        }
        kind = run_set(c, set);
    }
    if (c->jit) jit_destroy(c->jit);
    if (c->jit_ref) jit_destroy(c->jit_ref);
    return kind;
}

/* the child: runs one case, writes "KIND MSG" to fd, exits */
static void child(const char *dir, const char *stdlib, int fd)
{
    alarm(60);
    Case *c = calloc(1, sizeof *c);
    arena_init(&c->a);
    c->dir = dir;
    c->stdlib = stdlib;
    int kind = run_case(c);
    char line[MSG + 8];
    int n = snprintf(line, sizeof line, "%d %s", kind, kind == R_PASS ? "" : c->msg);
    if (write(fd, line, (size_t)(n < (int)sizeof line ? n : (int)sizeof line - 1)) < 0) kind = R_FAIL;
    close(fd);
    arena_free(&c->a);
    free(c);
    LLVMShutdown();
    exit(0);
}

typedef struct Slot {
    pid_t pid;
    int fd, idx;
} Slot;

/* the child's result as the lines to print (malloc'd); counts it */
static char *result(const char *dir, int status, int fd, int *count)
{
    char line[MSG + 8] = { 0 };
    ssize_t n = read(fd, line, sizeof line - 1);
    close(fd);
    const char *name = strrchr(dir, '/') ? strrchr(dir, '/') + 1 : dir;
    int kind = R_FAIL;
    const char *msg = "";
    char why[64], *out = NULL;
    if (WIFSIGNALED(status)) {
        snprintf(why, sizeof why, "killed by signal %d%s", WTERMSIG(status),
                 WTERMSIG(status) == SIGALRM ? " (over 60 s)" : "");
        msg = why;
    } else if (n > 1 && WEXITSTATUS(status) == 0) {
        kind = line[0] - '0';
        msg = line + 2;
    } else msg = "the test process exited without a result";
    count[kind]++;
    /* the inputs or outputs are not float32 tensors: outside what the issue asks */
    if (kind == R_UNSUPPORTED && (strstr(msg, "has dtype") || strstr(msg, "not a tensor"))) count[3]++;
    const char *group = differential ? "onnx/passes" : "onnx/node";
    if (kind == R_PASS) n = asprintf(&out, "PASS %s/%s\n", group, name);
    else if (kind == R_UNSUPPORTED) n = asprintf(&out, "UNSUPPORTED %s/%s: %s\n", group, name, msg);
    else n = asprintf(&out, "FAIL %s/%s\n  %s\n", group, name, msg);
    return n < 0 ? NULL : out;
}

/* the results in the order given; a global, so that a forked child's copy is
 * no leak to LeakSanitizer */
static char **lines;

int main(int argc, char **argv)
{
    const char *stdlib = "stdlib";
    int jobs = 2, first = 1;
    for (; first < argc && !strcmp(argv[first], "-d"); first++) differential = true;
    for (; first + 1 < argc && argv[first][0] == '-'; first += 2)
        if (!strcmp(argv[first], "-I")) stdlib = argv[first + 1];
        else if (!strcmp(argv[first], "-j")) jobs = atoi(argv[first + 1]) > 0 ? atoi(argv[first + 1]) : 1;
    int count[4] = { 0 }, ndirs = argc - first, next = 0, running = 0, shown = 0;
    Slot slots[64] = { 0 };
    lines = calloc((size_t)ndirs + 1, sizeof *lines);
    if (jobs > 64) jobs = 64;
    while (next < ndirs || running) {
        while (running < jobs && next < ndirs) {
            int p[2];
            if (pipe(p)) return perror("pipe"), 2;
            fflush(stdout);
            pid_t pid = fork();
            if (pid == 0) close(p[0]), child(argv[first + next], stdlib, p[1]);
            close(p[1]);
            for (int s = 0; s < jobs; s++)
                if (!slots[s].pid) {
                    slots[s] = (Slot){ pid, p[0], next };
                    break;
                }
            next++, running++;
        }
        int status;
        pid_t done = wait(&status);
        for (int s = 0; s < jobs && done > 0; s++)
            if (slots[s].pid == done) {
                lines[slots[s].idx] = result(argv[first + slots[s].idx], status, slots[s].fd, count);
                slots[s].pid = 0;
                running--;
            }
        for (; shown < ndirs && lines[shown]; shown++) fputs(lines[shown], stdout); /* in the order given */
    }
    for (int k = 0; k < ndirs; k++) free(lines[k]);
    free(lines);
    printf("conformance: %d pass, %d fail, %d unsupported of %d node tests (%d unsupported with float32 tensor "
           "inputs and outputs: the gap against the issue's list)\n",
           count[R_PASS], count[R_FAIL], count[R_UNSUPPORTED], ndirs, count[R_UNSUPPORTED] - count[3]);
    return count[R_FAIL] ? 1 : 0;
}
