/* emit_tdsl.c - --emit tdsl: the graph as a TDSL program. `use nn`, one
 * const per float tensor the program reads (its data written as .npy), one fn
 * whose params are the graph inputs and whose results are the graph outputs;
 * the per-op statements come from emit_ops.c. Shapes come from shapes.c. */
#include "onnx/emit.h"
#include <dirent.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *reserved[] = { "fn",
                                  "schedule",
                                  "use",
                                  "over",
                                  "in",
                                  "true",
                                  "false",
                                  "const",
                                  "extern",
                                  "select",
                                  "sum",
                                  "prod",
                                  "max",
                                  "min",
                                  "abs",
                                  "exp",
                                  "log",
                                  "sqrt",
                                  "rsqrt",
                                  "sin",
                                  "cos",
                                  "tanh",
                                  "erf",
                                  "pow",
                                  "floor",
                                  "ceil",
                                  "load",
                                  "f32",
                                  "f64",
                                  "i8",
                                  "i16",
                                  "i32",
                                  "i64",
                                  "u8",
                                  "u16",
                                  "u32",
                                  "u64",
                                  "bool",
                                  "matmul",
                                  "linear",
                                  "linear_relu",
                                  "conv3x3",
                                  "softmax",
                                  "layernorm",
                                  "gelu",
                                  "bmm",
                                  "conv1x1",
                                  "depthwise3x3",
                                  "maxpool2x2",
                                  "avgpool2x2",
                                  "maxpool3x3s2",
                                  "avgpool3x3s2",
                                  "global_avgpool",
                                  "relu",
                                  "sigmoid",
                                  "tanh_act",
                                  "add_rows",
                                  "mul_rows",
                                  "add",
                                  "log_softmax",
                                  "rmsnorm",
                                  "transpose",
                                  NULL };

static bool taken(Emitter *e, const char *s)
{
    for (const char **r = reserved; *r; r++)
        if (!strcmp(*r, s)) return true;
    if ((s[0] == 'i' || s[0] == 'r') && s[1] >= '0' && s[1] <= '9') return true;   /* index variables */
    for (int k = 0; k < e->used.len; k++)
        if (!strcmp(e->used.items[k], s)) return true;
    return false;
}

/* an identifier from an ONNX name, unique in the program */
static const char *fresh(Emitter *e, const char *raw)
{
    char *s = arena_printf(e->a, "%s", raw[0] ? raw : "t");
    for (char *p = s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_')) *p = '_';
    if (s[0] >= '0' && s[0] <= '9') s = arena_printf(e->a, "t%s", s);
    const char *u = s;
    for (int k = 2; taken(e, u); k++) u = arena_printf(e->a, "%s_%d", s, k);
    vec_push(e->a, &e->used, (void *)u);
    return u;
}

int em_fail(Emitter *e, OnnxNode *n, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    onnx_error(e->g, n, "--emit tdsl: %s", msg);
    e->failed = true;
    return -1;
}

const char *em_float(Emitter *e, double x)
{
    if (isnan(x)) return "(0.0 / 0.0)";
    if (isinf(x)) return x > 0 ? "(1.0 / 0.0)" : "(-1.0 / 0.0)";
    char *s = arena_printf(e->a, "%.9g", fabs(x));
    if (!strpbrk(s, ".e")) s = arena_printf(e->a, "%s.0", s);
    else if (!strchr(s, '.')) { /* 1e-05 -> 1.0e-05 */ char *ex = strchr(s, 'e');
        s = arena_printf(e->a, "%.*s.0%s", (int)(ex - s), s, ex);
    }
    return x < 0 ? arena_printf(e->a, "(-%s)", s) : s;
}

/* a size variable's identifier: named once, before any tensor (sym_name) */
static const char *sym_id(Emitter *e, const char *sym)
{
    for (int k = 0; k < e->syms.len; k += 2)
        if (!strcmp(e->syms.items[k], sym)) return e->syms.items[k + 1];
    const char *id = fresh(e, sym);
    vec_push(e->a, &e->syms, (void *)sym);
    vec_push(e->a, &e->syms, (void *)id);
    return id;
}

const char *em_dims(Emitter *e, const OnnxShape *s)
{
    char *out = "";
    for (int k = 0; k < s->rank; k++) {
        const char *d = s->d[k].sym ? sym_id(e, s->d[k].sym) : arena_printf(e->a, "%lld", (long long)s->d[k].n);
        out = arena_printf(e->a, "%s%s%s", out, k ? ", " : "", d);
    }
    return out;
}

const char *em_vars(Emitter *e, const char *p, int n)
{
    char *out = "";
    for (int k = 0; k < n; k++) out = arena_printf(e->a, "%s%s%s%d", out, k ? ", " : "", p, k);
    return out;
}

/* ---- constants: .npy files and const lines ---- */

static int write_npy(Emitter *e, const char *path, const OnnxValue *v)
{
    char shape[512] = "(";
    size_t k = 1;
    for (int d = 0; d < v->shape.rank && k < sizeof shape; d++)
        k += (size_t)snprintf(shape + k, sizeof shape - k, "%lld,%s", (long long)v->shape.d[d].n,
                              d + 1 < v->shape.rank ? " " : "");
    if (v->shape.rank > 1) k--;    /* (2, 3) but (5,) */
    snprintf(shape + k, sizeof shape - k, ")");
    char hdr[640];
    int n = snprintf(hdr, sizeof hdr, "{'descr': '%s', 'fortran_order': False, 'shape': %s, }", v->f ? "<f4" : "<i8",
                     shape);
    int total = (10 + n + 1 + 63) / 64 * 64;
    FILE *f = fopen(path, "wb");
    if (!f) return em_fail(e, NULL, "cannot write '%s'", path);
    fwrite("\x93NUMPY\x01\x00", 1, 8, f);
    unsigned hl = (unsigned)(total - 10);
    fputc((int)(hl & 0xff), f), fputc((int)(hl >> 8), f);
    fputs(hdr, f);
    for (int p = 10 + n; p < total - 1; p++) fputc(' ', f);
    fputc('\n', f);
    if (v->f) fwrite(v->f, sizeof(float), (size_t)v->numel, f);   /* little-endian hosts only, as the .npy says */
    else fwrite(v->i, sizeof(int64_t), (size_t)v->numel, f);
    return fclose(f) ? em_fail(e, NULL, "cannot write '%s'", path) : 0;
}

/* declares v's data as a const of shape s named after base */
static const char *const_decl(Emitter *e, const OnnxValue *v, const char *base, const OnnxShape *s)
{
    const char *nm = fresh(e, base[0] ? base : "c");
    if (!v->f && !v->i) {
        em_fail(e, NULL, "constant '%s' has dtype %s; only float32 and integer constants are supported", v->name,
                onnx_dtype_name(v->dtype));
        return nm;
    }
    const char *file = arena_printf(e->a, "%s_%s.npy", e->prefix, nm);
    fprintf(e->consts, "const %s: %s[%s] = load(\"%s\")\n", nm, v->f ? "f32" : "i64", em_dims(e, s), file);
    OnnxValue shaped = *v;
    shaped.shape = *s;
    if (e->npy_dir) write_npy(e, arena_printf(e->a, "%s/%s", e->npy_dir, file), &shaped);
    return nm;
}

/* a float constant read as a whole tensor: declared as a const the first time */
static const char *const_name(Emitter *e, const OnnxValue *v)
{
    return e->names[v->id] = const_decl(e, v, v->name, &v->shape);
}

const char *em_const_as(Emitter *e, const OnnxValue *v, const OnnxShape *s)
{
    if (!e->alt[v->id]) e->alt[v->id] = const_decl(e, v, arena_printf(e->a, "%s_%dd", v->name, s->rank), s);
    return e->alt[v->id];
}

/* the 4-D form of a value named in its 3-D form: a copy, made once */
static const char *as4(Emitter *e, const OnnxValue *v)
{
    if (!e->alt[v->id]) {
        const char *t = em_stage(e, arena_printf(e->a, "%s_nchw", e->names[v->id]), &v->shape);
        fprintf(e->body, "    %s[i0, i1, i2, i3] = %s[i1, i2, i3]\n", t, e->names[v->id]);
        e->alt[v->id] = t;
    }
    return e->alt[v->id];
}

/* [c, h, w] of a [1, c, h, w] value */
static OnnxShape image_shape(const OnnxValue *v)
{
    return (OnnxShape){ .rank = 3, .d = { v->shape.d[1], v->shape.d[2], v->shape.d[3] } };
}

const char *em_image(Emitter *e, const OnnxValue *v)
{
    if (e->flat3[v->id]) return e->names[v->id];
    if (!e->alt[v->id]) {
        const char *x = em_name(e, v);
        OnnxShape s3 = image_shape(v);
        const char *t = em_stage(e, arena_printf(e->a, "%s_chw", x), &s3);
        fprintf(e->body, "    %s[i0, i1, i2] = %s[0, i0, i1, i2]\n", t, x);
        e->alt[v->id] = t;
    }
    return e->alt[v->id];
}

const char *em_out_image(Emitter *e, OnnxNode *n, int k)
{
    OnnxValue *v = n->out[k];
    OnnxShape s3 = image_shape(v);
    if (v->is_output) {     /* the graph output is 4-D: the kernel writes a stage, copied into it */
        const char *t = em_stage(e, arena_printf(e->a, "%s_chw", e->names[v->id]), &s3);
        e->alt[v->id] = t;
        return t;
    }
    const char *nm = em_stage(e, arena_printf(e->a, "T%d", ++e->ntemp), &s3);
    e->flat3[v->id] = true;
    return e->names[v->id] = nm;
}

const char *em_name(Emitter *e, const OnnxValue *v)
{
    if (e->flat3[v->id]) return as4(e, v);
    if (e->names[v->id]) return e->names[v->id];
    if (v->is_const) return const_name(e, v);
    em_fail(e, NULL, "value '%s' is read before it is computed", v->name);
    return "?";
}

const char *em_at(Emitter *e, const OnnxValue *v, int rank)
{
    if (v->is_const && v->f && v->numel == 1) return em_float(e, v->f[0]);
    bool flat = e->flat3[v->id];    /* read the 3-D form: no copy */
    const char *nm = flat ? e->names[v->id] : em_name(e, v);
    char *out = arena_printf(e->a, "%s[", nm);
    for (int k = flat; k < v->shape.rank; k++) {
        int o = k + rank - v->shape.rank;
        bool one = !v->shape.d[k].sym && v->shape.d[k].n == 1;
        out = arena_printf(e->a, "%s%s%s", out, k > flat ? ", " : "", one ? "0" : arena_printf(e->a, "i%d", o));
    }
    return arena_printf(e->a, "%s]", out);
}

const char *em_dtype(OnnxDtype t)
{
    return t == OD_FLOAT ? "f32" : t == OD_INT64 ? "i64" : t == OD_INT32 ? "i32" : NULL;
}

const char *em_stage(Emitter *e, const char *base, const OnnxShape *s) { return em_stage_of(e, base, s, OD_FLOAT); }

const char *em_stage_of(Emitter *e, const char *base, const OnnxShape *s, OnnxDtype t)
{
    const char *nm = fresh(e, base);
    fprintf(e->body, "    %s: %s[%s]\n", nm, em_dtype(t), em_dims(e, s));
    return nm;
}

const char *em_out(Emitter *e, OnnxNode *n, int k)
{
    OnnxValue *v = n->out[k];
    if (e->names[v->id]) return e->names[v->id];     /* a graph output, named in the signature */
    const char *nm = em_stage_of(e, arena_printf(e->a, "T%d", ++e->ntemp), &v->shape, v->dtype);
    return e->names[v->id] = nm;
}

/* ---- the program ---- */

/* names the inputs, then the outputs; an output that is an input, a
 * constant or an earlier output gets a name of its own (a copy fills it) */
static void name_signature(Emitter *e)
{
    OnnxGraph *g = e->g;
    for (int k = 0; k < g->ninputs; k++)
        for (int d = 0; d < g->inputs[k]->shape.rank; d++)
            if (g->inputs[k]->shape.d[d].sym) sym_id(e, g->inputs[k]->shape.d[d].sym);
    for (int k = 0; k < g->ninputs; k++) e->names[g->inputs[k]->id] = fresh(e, g->inputs[k]->name);
    e->out_names = ARENA_ARRAY(e->a, const char *, g->noutputs + 1);
    for (int k = 0; k < g->noutputs; k++) {
        OnnxValue *v = g->outputs[k];
        e->out_names[k] = fresh(e, v->name);
        if (!e->names[v->id] && !v->is_const) e->names[v->id] = e->out_names[k];  /* a node computes into it */
    }
}

static int print_signature(Emitter *e, FILE *out, const char *fn)
{
    OnnxGraph *g = e->g;
    fprintf(out, "fn %s(", fn);
    for (int k = 0; k < g->ninputs; k++) {
        OnnxValue *v = g->inputs[k];
        if (!em_dtype(v->dtype) || v->shape.rank < 1)
            return em_fail(e, NULL,
                           "graph input '%s' is %s of rank %d; only float32 (and int64 or int32 indices) tensors are "
                           "supported",
                           v->name, onnx_dtype_name(v->dtype), v->shape.rank);
        fprintf(out, "%s%s: %s[%s]", k ? ", " : "", e->names[v->id], em_dtype(v->dtype), em_dims(e, &v->shape));
    }
    fprintf(out, ") -> %s", g->noutputs > 1 ? "(" : "");
    for (int k = 0; k < g->noutputs; k++) {
        OnnxValue *v = g->outputs[k];
        if ((v->dtype != OD_FLOAT && v->dtype != OD_INT64) || v->shape.rank < 1)
            return em_fail(e, NULL,
                           "graph output '%s' is %s of rank %d; only float32 (and int64 positions) tensors are "
                           "supported",
                           v->name, onnx_dtype_name(v->dtype), v->shape.rank);
        fprintf(out, "%s%s: %s[%s]", k ? ", " : "", e->out_names[k], em_dtype(v->dtype), em_dims(e, &v->shape));
    }
    fprintf(out, "%s {\n", g->noutputs > 1 ? ")" : "");
    return 0;
}

/* a graph output that no node computes into (an input, a constant, an
 * output listed twice, a value an alias folded away) gets a copy stage */
static void copy_outputs(Emitter *e)
{
    for (int k = 0; k < e->g->noutputs; k++) {
        OnnxValue *v = e->g->outputs[k];
        const char *src = em_name(e, v);   /* a constant is declared as a const */
        if (!strcmp(src, e->out_names[k])) continue;
        const char *vars = em_vars(e, "i", v->shape.rank);
        fprintf(e->body, "    %s[%s] = %s[%s]\n", e->out_names[k], vars, src, vars);
    }
}

static int emit_body(Emitter *e)
{
    OnnxGraph *g = e->g;
    for (int k = 0; k < g->nnodes && !e->failed; k++) em_node(e, &g->nodes[k]);
    if (!e->failed) copy_outputs(e);
    return e->failed ? -1 : 0;
}

/* s with every byte outside printable ASCII as '?' (a comment line of the program) */
static const char *printable(Emitter *e, const char *s)
{
    char *t = arena_strdup(e->a, s);
    for (char *p = t; *p; p++)
        if (*p < 0x20 || *p > 0x7e) *p = '?';
    return t;
}

int onnx_emit_tdsl(FILE *out, OnnxGraph *g, const char *fn_name, const char *npy_dir, const char *prefix)
{
    Emitter e = { .g = g, .a = g->arena, .npy_dir = npy_dir, .prefix = prefix };
    e.names = ARENA_ARRAY(e.a, const char *, g->nvalues + 1);
    e.view = ARENA_ARRAY(e.a, const OnnxValue *, g->nvalues + 1);
    e.flat3 = ARENA_ARRAY(e.a, bool, g->nvalues + 1);
    e.alt = ARENA_ARRAY(e.a, const char *, g->nvalues + 1);
    char *body = NULL, *consts = NULL;
    size_t nb = 0, nc = 0;
    e.body = open_memstream(&body, &nb);
    e.consts = open_memstream(&consts, &nc);
    if (taken(&e, fn_name)) {
        onnx_error(g, NULL,
                   "the entry point's name '%s' is taken (a keyword, a stdlib nn fn or an index variable); "
                   "choose another with --name",
                   fn_name);
        return -1;
    }
    vec_push(e.a, &e.used, (void *)fn_name);
    name_signature(&e);
    int rc = emit_body(&e);
    fclose(e.body);
    fclose(e.consts);
    if (!rc) {
        const char *base = strrchr(g->path, '/') ? strrchr(g->path, '/') + 1 : g->path;
        fprintf(out, "# %s (opset %lld, producer '%s'), imported by tdslc --emit tdsl\nuse nn\n\n%s%s",
                printable(&e, base), (long long)g->opset, printable(&e, g->producer), consts, nc ? "\n" : "");
        rc = print_signature(&e, out, fn_name);
        if (!rc) fprintf(out, "%s}\n", body);
    }
    free(body);
    free(consts);
    return rc;
}

/* ---- the program in a private directory, for compiling it ---- */

const char *onnx_emit_tdsl_tmp(OnnxGraph *g, const char *fn_name, const char **dir)
{
    const char *tmp = getenv("TMPDIR") && getenv("TMPDIR")[0] ? getenv("TMPDIR") : "/tmp";
    char *d = arena_printf(g->arena, "%s/tdsl-onnx.XXXXXX", tmp);
    *dir = NULL;
    if (!mkdtemp(d)) {
        onnx_error(g, NULL, "cannot create a temporary directory in '%s'", tmp);
        return NULL;
    }
    *dir = d;
    const char *path = arena_printf(g->arena, "%s/model.tdsl", d);
    FILE *f = fopen(path, "w");
    if (!f) {
        onnx_error(g, NULL, "cannot write '%s'", path);
        return NULL;
    }
    int rc = onnx_emit_tdsl(f, g, fn_name, d, "model");
    if (fclose(f) && !rc) {
        onnx_error(g, NULL, "cannot write '%s'", path);
        rc = -1;
    }
    return rc ? NULL : path;
}

void onnx_remove_dir(const char *dir)
{
    if (!dir) return;
    DIR *dp = opendir(dir);
    struct dirent *ent;
    char path[4096];
    while (dp && (ent = readdir(dp))) {
        if (!strcmp(ent->d_name, ".") || !strcmp(ent->d_name, "..")) continue;
        snprintf(path, sizeof path, "%s/%s", dir, ent->d_name);
        unlink(path);
    }
    if (dp) closedir(dp);
    rmdir(dir);
}
