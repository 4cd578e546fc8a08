/* onnx_fuzz.c - the libFuzzer target of `make fuzz-onnx`: bytes -> onnx_load_mem
 * -> the graph passes (and --emit graph's printer) -> onnx_emit_tdsl (into
 * memory) -> parse, `use nn` from the stdlib, sema: the
 * path of `tdslc MODEL.onnx` up to lowering. An error is fine; a crash, leak,
 * hang or sanitizer report is a bug, and so is an emitted program that does not
 * check (the importer writes only programs that check): that one aborts, or
 * is kept with ONNX_FUZZ_EMIT_ERRORS=DIR (one input per kind of error). */
#include "graph/graph.h"
#include "lang/npy.h"
#include "onnx/onnx.h"
#include "parser/parse.h"
#include "sema/sema.h"
#include <stdlib.h>
#include <string.h>

#ifndef TDSL_STDLIB_DIR
#define TDSL_STDLIB_DIR "stdlib"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* where messages go: nowhere, or stderr with ONNX_FUZZ_VERBOSE=1 */
static FILE *sink(void)
{
    static FILE *out;
    if (!out) out = getenv("ONNX_FUZZ_VERBOSE") ? stderr : fopen("/dev/null", "w");
    return out;
}

/* The emitted consts' .npy files are not written (npy_dir NULL): each const
 * gets zeros of its declared shape, as if sema had read them (sema checks only
 * their dtype and shape). NULL for dims that are not plain integers, or too
 * many values: sema then reports the missing file. */
static NpyArray *zeros_of(Arena *a, const Tensor *t)
{
    NpyArray *arr = ARENA_NEW(a, NpyArray);
    int64_t numel = 1;
    if (t->ndim > NPY_MAX_DIMS) return NULL;
    arr->type = t->type, arr->ndim = t->ndim;
    for (int k = 0; k < t->ndim; k++) {
        const Expr *e = t->dims[k].expr;
        if (e->kind != EX_INT || e->ival < 0 || e->ival > (1 << 24)) return NULL;
        arr->shape[k] = e->ival;
        if ((numel *= e->ival) > (1 << 24)) return NULL;
    }
    arr->nbytes = (size_t)numel * (size_t)(dtype_bits(t->type) / 8);
    arr->data = arena_alloc(a, arr->nbytes ? arr->nbytes : 1);
    return arr;
}

/* parse + modules + sema over the program text, as tdslc's compile() does for
 * a file; the number of errors */
static int check_program(Arena *a, const char *text, Diag *d)
{
    static const char *const inc[] = { TDSL_STDLIB_DIR };
    Modules m;
    modules_init(&m, a, d, inc, 1, NULL, NULL);
    ModFile *f = ARENA_NEW(a, ModFile);
    f->name = "model";
    f->real = "<onnx_fuzz>";
    f->rank = MOD_NAMED;
    f->src = ARENA_NEW(a, Source);
    f->src->path = "<onnx_fuzz>";
    f->src->text = text;
    if (!parse_source(a, f->src, &f->prog, d)) modules_load_uses(&m, &f->prog);
    vec_push(a, &m.files, f);
    Program prog = { 0 };
    if (!d->nerrors) modules_program(&m, &prog);
    if (d->nerrors) return d->nerrors;
    for (int i = 0; i < prog.nconsts; i++) prog.consts[i]->arr = zeros_of(a, prog.consts[i]->decl);
    return sema_check(a, &prog, d);
}

/* "name.onnx" for the first error of msgs: its text after "error: " up to the
 * first quote or digit, hashed, so that names and numbers do not split a kind */
static char *kind_name(Arena *a, const char *msgs)
{
    const char *p = strstr(msgs, "error: ");
    uint64_t h = 1469598103934665603u;
    for (p = p ? p + 7 : msgs; *p && *p != '\n' && *p != '\'' && !(*p >= '0' && *p <= '9'); p++)
        h = (h ^ (unsigned char)*p) * 1099511628211u;
    return arena_printf(a, "%016llx", (unsigned long long)h);
}

/* With ONNX_FUZZ_EMIT_ERRORS=DIR, the first input of each kind of error in
 * the emitted program is kept as DIR/KIND.onnx, its messages and program as
 * DIR/KIND.txt, and the run goes on; without it, the input aborts. */
static void emitted_errors(Arena *a, const uint8_t *data, size_t size, const char *text, const char *msgs, int n)
{
    const char *dir = getenv("ONNX_FUZZ_EMIT_ERRORS");
    if (!dir || !dir[0]) {
        fprintf(stderr, "onnx_fuzz: the emitted program does not check (%d errors):\n%s\n%s", n, msgs, text);
        abort();
    }
    const char *base = arena_printf(a, "%s/%s", dir, kind_name(a, msgs));
    FILE *f = fopen(arena_printf(a, "%s.onnx", base), "wx");
    if (!f) return;     /* this kind is kept already */
    fwrite(data, 1, size, f);
    fclose(f);
    if ((f = fopen(arena_printf(a, "%s.txt", base), "w"))) {
        fprintf(f, "%s\n%s", msgs, text);
        fclose(f);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Arena a;
    arena_init(&a);
    Diag d;
    diag_init(&d, sink());
    OnnxGraph *g = onnx_load_mem(&a, "/nonexistent/fuzz.onnx", data, size, &d);
    GraphStats st;
    if (g) graph_optimize(g, &st), graph_print(sink(), g, &st);   /* the passes, as tdslc runs them */
    char *text = NULL, *msgs = NULL;
    size_t len = 0, mlen = 0;
    FILE *out = g ? open_memstream(&text, &len) : NULL;
    int rc = out ? onnx_emit_tdsl(out, g, "fuzz_model", NULL, "fuzz") : -1;
    if (out) fclose(out);
    if (!rc) {
        Diag front;
        diag_init(&front, open_memstream(&msgs, &mlen));
        int n = check_program(&a, arena_strndup(&a, text, len), &front);
        fclose(front.out);
        if (n) emitted_errors(&a, data, size, text, msgs, n);
    }
    free(text);
    free(msgs);
    arena_free(&a);
    return 0;
}
