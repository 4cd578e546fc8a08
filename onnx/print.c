/* print.c - --emit graph: the imported graph as stable text, one line per
 * input, initializer, node (with its attributes and inferred output shapes)
 * and output; golden-tested, so the order is the model's own. */
#include "onnx/onnx.h"
#include <string.h>

static void print_attr(FILE *out, const OnnxAttr *a)
{
    char b[256];
    fprintf(out, " %s=", a->name);
    switch (a->kind) {
    case OA_FLOAT: fprintf(out, "%g", a->f); break;
    case OA_INT: fprintf(out, "%lld", (long long)a->i); break;
    case OA_STRING: fprintf(out, "\"%s\"", a->s); break;
    case OA_INTS: fputs(onnx_ints_str(a->is, a->n, b, sizeof b), out); break;
    case OA_FLOATS:
        fputc('[', out);
        for (int k = 0; k < a->n; k++) fprintf(out, "%s%g", k ? ", " : "", a->fs[k]);
        fputc(']', out);
        break;
    case OA_TENSOR:
        fprintf(out, "tensor %s %s", onnx_dtype_name(a->t->dtype), onnx_shape_str(&a->t->shape, b, sizeof b));
        break;
    default: fprintf(out, "<%s>", a->kind_name); break;
    }
}

static void print_value(FILE *out, const OnnxValue *v)
{
    char b[256];
    fprintf(out, "%s: %s %s", v->name, onnx_dtype_name(v->dtype), onnx_shape_str(&v->shape, b, sizeof b));
}

static void print_epilogue(FILE *out, const OnnxEpilogue *e)
{
    fprintf(out, "    fused: %s", e->ops);
    if (e->residual) fprintf(out, "; + %s", e->residual->name);
    if (e->clamp) fprintf(out, "; clamp to [%g, %g]", e->lo, e->hi);
    fputc('\n', out);
}

static void print_node(FILE *out, const OnnxNode *n, const char *(*kernel)(const OnnxNode *))
{
    fprintf(out, "node %d", n->index);
    if (n->name[0]) fprintf(out, " '%s'", n->name);
    fprintf(out, " %s%s%s(", n->domain[0] ? n->domain : "", n->domain[0] ? "." : "", n->op);
    for (int k = 0; k < n->nin; k++) fprintf(out, "%s%s", k ? ", " : "", n->in[k] ? n->in[k]->name : "");
    fputc(')', out);
    for (int k = 0; k < n->nattr; k++) print_attr(out, &n->attr[k]);
    fputc('\n', out);
    if (n->epi.ops) print_epilogue(out, &n->epi);
    const char *kn = kernel ? kernel(n) : NULL;
    if (kn) fprintf(out, "    kernel: nn.%s\n", kn);
    for (int k = 0; k < n->nout; k++) {
        if (!n->out[k]) continue;
        fputs("    -> ", out);
        print_value(out, n->out[k]);
        fputc('\n', out);
    }
}

/* read by a node, or a graph output */
static bool is_read(const OnnxGraph *g, const OnnxValue *v)
{
    for (int k = 0; k < g->nnodes; k++)
        for (int j = 0; j < g->nodes[k].nin; j++)
            if (g->nodes[k].in[j] == v) return true;
    for (int k = 0; k < g->nnodes; k++)
        if (g->nodes[k].epi.residual == v) return true;
    return v->is_output;
}

void onnx_print_graph(FILE *out, const OnnxGraph *g, const char *(*kernel)(const OnnxNode *))
{
    const char *base = strrchr(g->path, '/') ? strrchr(g->path, '/') + 1 : g->path;
    fprintf(out, "graph '%s' from %s: ir_version %lld, opset %lld, producer '%s'\n", g->name, base,
            (long long)g->ir_version, (long long)g->opset, g->producer);
    for (int k = 0; k < g->ninputs; k++) {
        fputs("input ", out);
        print_value(out, g->inputs[k]);
        fputc('\n', out);
    }
    for (int k = 0; k < g->nvalues; k++) {
        const OnnxValue *v = g->values[k];
        if (!(v->is_init || (v->is_const && v->producer < 0 && v->f)) || !is_read(g, v)) continue;
        fputs(v->is_init ? "init " : "const ", out);
        print_value(out, g->values[k]);
        fputc('\n', out);
    }
    for (int k = 0; k < g->nnodes; k++) print_node(out, &g->nodes[k], kernel);
    for (int k = 0; k < g->noutputs; k++) {
        fputs("output ", out);
        print_value(out, g->outputs[k]);
        fputc('\n', out);
    }
}

char *onnx_fn_name(Arena *a, const char *path)
{
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    const char *dot = strrchr(base, '.');
    char *s = arena_printf(a, "_%.*s", (int)(dot && dot != base ? dot - base : (long)strlen(base)), base);
    for (char *p = s + 1; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_')) *p = '_';
    return s[1] && !(s[1] >= '0' && s[1] <= '9') ? s + 1 : s;   /* keep the '_' before a digit or an empty stem */
}
