/* torch_main.c - runs a model tdslc compiled from a PyTorch export and compares
 * it with PyTorch's output: `PROG IN.npy WANT.npy [--time]`, built with
 * `-include NAME.h -DENTRY=NAME` and linked with NAME.o, libc, libm, pthreads.
 * The entry takes one f32 input and one f32 output, shaped as the two files.
 * Prints `rel_err=E max_abs=M` (E = max |got - want| / max |want|), then runs
 * NAME_ws in a workspace of NAME_workspace_bytes() bytes (the model's shapes
 * are fixed) and prints `ws_bytes=W ws_mallocs=K`: its output must equal
 * NAME's bit for bit and it must not call malloc (K counted by the malloc
 * below, which forwards to glibc's; -1 under the sanitizers, which own
 * malloc), and with --time `median_ms=T runs=N` (bench/models_bench.py reads
 * these lines); exits 1 when E > 1e-3 (or is NaN) or NAME_ws differs or
 * allocates, 2 when a file or the call fails. Used by the onnx/torch-* tests
 * and by make bench-models. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifndef ENTRY
#error "build with -include NAME.h -DENTRY=NAME"
#endif
#define CAT2(a, b) a##b
#define CAT(a, b) CAT2(a, b)

#include "../malloc_count.h"

#define REL_TOL 1e-3
#define MAX_DIMS 8
/* as bench/models.py: WARMUP runs, then until BUDGET_S (MIN_RUNS..MAX_RUNS) */
#define WARMUP 5
#define MIN_RUNS 10
#define MAX_RUNS 5000
#define BUDGET_S 1.0

typedef struct {
    int ndim;
    int64_t shape[MAX_DIMS];
    int64_t numel;
    float *data;
} Array;

static void die(const char *path, const char *what)
{
    fprintf(stderr, "torch_main: %s: %s\n", path, what);
    exit(2);
}

/* the shape tuple of a .npy header dict: "(2, 3)", "(5,)", "()" */
static void parse_shape(const char *path, const char *dict, Array *a)
{
    const char *p = strstr(dict, "'shape':");
    if (!p || !(p = strchr(p, '('))) die(path, "no shape in the .npy header");
    a->ndim = 0;
    a->numel = 1;
    for (p++; *p != ')';) {
        char *end;
        long long d = strtoll(p, &end, 10);
        if (end == p || d < 0 || a->ndim == MAX_DIMS) die(path, "bad shape in the .npy header");
        a->shape[a->ndim++] = d;
        a->numel *= d;
        for (p = end; *p == ',' || *p == ' ';) p++;
    }
}

/* a little-endian float32 C-order .npy file, versions 1.0 to 3.0 */
static Array read_npy(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) die(path, "cannot open");
    unsigned char pre[12];
    if (fread(pre, 1, 10, f) != 10 || memcmp(pre, "\x93NUMPY", 6) != 0) die(path, "not a .npy file");
    size_t hlen = pre[8] | (size_t)pre[9] << 8;
    if (pre[6] >= 2) {
        if (fread(pre + 10, 1, 2, f) != 2) die(path, "truncated header");
        hlen |= (size_t)pre[10] << 16 | (size_t)pre[11] << 24;
    }
    char *dict = calloc(hlen + 1, 1);
    if (!dict || fread(dict, 1, hlen, f) != hlen) die(path, "truncated header");
    if (!strstr(dict, "'descr': '<f4'") || !strstr(dict, "'fortran_order': False"))
        die(path, "not a little-endian float32 array in C order");
    Array a;
    parse_shape(path, dict, &a);
    free(dict);
    a.data = malloc((size_t)a.numel * sizeof(float) + 1);
    if (!a.data || fread(a.data, sizeof(float), (size_t)a.numel, f) != (size_t)a.numel) die(path, "truncated data");
    fclose(f);
    return a;
}

static tdsl_tensor tensor_of(Array *a)
{
    return (tdsl_tensor){ a->data, { 1, 0 }, a->ndim, { 2, 32, 1 }, a->shape, NULL, 0 };
}

static int run(Array *in, Array *out)
{
    tdsl_tensor x = tensor_of(in), y = tensor_of(out);
    return ENTRY(&x, &y);
}

/* NAME_ws into got (a copy of ref's shape): 0 when it equals ref bit for bit
 * and made no malloc, else 1; 2 when it fails */
static int run_ws(Array *in, const Array *ref)
{
    size_t bytes = CAT(ENTRY, _workspace_bytes)();
    void *ws = malloc(bytes ? bytes : 1);
    Array got = *ref;
    got.data = malloc((size_t)ref->numel * sizeof(float) + 1);
    if (!ws || !got.data) die("torch_main", "out of memory");
    memset(ws, 0xA5, bytes);
    tdsl_tensor x = tensor_of(in), y = tensor_of(&got);
    int rc;
    long k = MALLOCS_IN(CAT(ENTRY, _ws)(ws, &x, &y), rc);
    int same = !memcmp(got.data, ref->data, (size_t)ref->numel * sizeof(float));
    printf("ws_bytes=%zu ws_mallocs=%ld\n", bytes, k);
    free(ws);
    free(got.data);
    if (rc) fprintf(stderr, "torch_main: the _ws entry returned %d\n", rc);
    else if (!same) fprintf(stderr, "torch_main: the _ws entry's output differs from the plain entry's\n");
    else if (k > 0) fprintf(stderr, "torch_main: the _ws entry called malloc %ld times\n", k);
    return rc ? 2 : !same || k > 0;
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void time_runs(Array *in, Array *out)
{
    static double ts[MAX_RUNS];
    for (int k = 0; k < WARMUP; k++) run(in, out);
    int n = 0;
    double start = now_s();
    while (n < MAX_RUNS && (n < MIN_RUNS || now_s() - start < BUDGET_S)) {
        double t0 = now_s();
        run(in, out);
        ts[n++] = now_s() - t0;
    }
    qsort(ts, (size_t)n, sizeof *ts, cmp_double);
    printf("median_ms=%.4f runs=%d\n", ts[n / 2] * 1e3, n);
}

/* runs the entry once on `in`, compares with `want`, then times it if asked:
 * the exit status */
static int check(Array *in, Array *want, int timed)
{
    Array got = *want;
    got.data = malloc((size_t)want->numel * sizeof(float) + 1);
    if (!got.data) die("torch_main", "out of memory");
    for (int64_t i = 0; i < got.numel; i++) got.data[i] = NAN;
    int rc = run(in, &got), status = 0;
    if (rc != 0) {
        char msg[160];
        fprintf(stderr, "torch_main: the entry returned %d: %s\n", rc, tdsl_format_error(rc, msg, sizeof msg));
        free(got.data);
        return 2;
    }
    double max_abs = 0, max_err = 0;
    for (int64_t i = 0; i < want->numel; i++) {
        double d = fabs((double)got.data[i] - (double)want->data[i]);
        max_abs = fmax(max_abs, fabs((double)want->data[i]));
        max_err = d <= max_err ? max_err : isnan(d) ? INFINITY : d;
    }
    double rel = max_abs > 0 ? max_err / max_abs : max_err;
    printf("rel_err=%.3g max_abs=%.3g\n", rel, max_abs);
    if (!(rel <= REL_TOL)) {
        fprintf(stderr, "torch_main: max relative error %.3g exceeds %g\n", rel, REL_TOL);
        status = 1;
    } else {
        status = run_ws(in, &got);
    }
    if (!status && timed) time_runs(in, &got);
    free(got.data);
    return status;
}

int main(int argc, char **argv)
{
    if (argc < 3 || argc > 4 || (argc == 4 && strcmp(argv[3], "--time") != 0)) {
        fprintf(stderr, "usage: %s IN.npy WANT.npy [--time]\n", argv[0]);
        return 2;
    }
    Array in = read_npy(argv[1]), want = read_npy(argv[2]);
    int status = check(&in, &want, argc == 4);
    free(in.data);
    free(want.data);
    return status;
}
