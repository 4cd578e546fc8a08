/* ast.c - AST constructors, lookups and the printers behind --emit ast. The
 * printed form reads back as the same program: parentheses only where
 * precedence needs them, floats always with a '.' or an exponent. */
#include "lang/ast.h"
#include "lang/affine.h"
#include <stdlib.h>
#include <string.h>

/* ---- constructors ---- */

Expr *ex_new(Arena *a, ExprKind k, Span sp)
{
    Expr *e = ARENA_NEW(a, Expr);
    e->kind = k;
    e->span = sp;
    return e;
}

Expr *ex_int(Arena *a, int64_t v, Span sp)
{
    Expr *e = ex_new(a, EX_INT, sp);
    e->ival = v;
    return e;
}

Expr *ex_float(Arena *a, double v, Span sp)
{
    Expr *e = ex_new(a, EX_FLOAT, sp);
    e->fval = v;
    return e;
}

Expr *ex_name(Arena *a, const char *name, Span sp)
{
    Expr *e = ex_new(a, EX_NAME, sp);
    e->name = name;
    return e;
}

Expr *ex_unary(Arena *a, Op op, Expr *x, Span sp)
{
    Expr *e = ex_new(a, EX_UNARY, sp);
    e->op = op;
    e->args = ARENA_ARRAY(a, Expr *, 1);
    e->args[0] = x;
    e->nargs = 1;
    e->depth = x->depth + 1;
    return e;
}

Expr *ex_binary(Arena *a, Op op, Expr *l, Expr *r, Span sp)
{
    Expr *e = ex_new(a, EX_BINARY, sp);
    e->op = op;
    e->args = ARENA_ARRAY(a, Expr *, 2);
    e->args[0] = l;
    e->args[1] = r;
    e->nargs = 2;
    e->depth = (l->depth > r->depth ? l->depth : r->depth) + 1;
    return e;
}

/* The latest definition wins, so a REPL can redefine a fn. */
Fn *program_find_fn(const Program *p, const char *name)
{
    for (int i = p->nfns - 1; i >= 0; i--)
        if (!strcmp(p->fns[i]->name, name)) return p->fns[i];
    return NULL;
}

Const *program_find_const(const Program *p, const char *name)
{
    for (int i = p->nconsts - 1; i >= 0; i--)
        if (!strcmp(p->consts[i]->name, name)) return p->consts[i];
    return NULL;
}

const char *op_text(Op op)
{
    static const char *text[] = {
        [OP_NONE] = "?",        [OP_ADD] = "+",         [OP_SUB] = "-",     [OP_MUL] = "*",   [OP_DIV] = "/",
        [OP_MOD] = "%",         [OP_LT] = "<",          [OP_LE] = "<=",     [OP_GT] = ">",    [OP_GE] = ">=",
        [OP_EQ] = "==",         [OP_NE] = "!=",         [OP_AND] = "&&",    [OP_OR] = "||",   [OP_NEG] = "-",
        [OP_NOT] = "!",         [OP_SUM] = "sum",       [OP_PROD] = "prod", [OP_MAX] = "max", [OP_MIN] = "min",
        [OP_ARGMAX] = "argmax", [OP_ARGMIN] = "argmin",
    };
    return (unsigned)op < sizeof text / sizeof text[0] ? text[op] : "?";
}

/* ---- printers ---- */

typedef struct Printer {
    FILE *out;
    const char *const *names;   /* the fn's size var names, for sema's affine forms */
    bool annotate;              /* print sema's annotations (inside a fn only) */
    Arena tmp;
} Printer;

enum { PREC_OR = 1, PREC_AND, PREC_CMP, PREC_ADD, PREC_MUL, PREC_UNARY, PREC_ATOM };

static int prec(const Expr *e)
{
    switch (e->kind) {
    case EX_BINARY:
        switch (e->op) {
        case OP_OR: return PREC_OR;
        case OP_AND: return PREC_AND;
        case OP_ADD:
        case OP_SUB: return PREC_ADD;
        case OP_MUL:
        case OP_DIV:
        case OP_MOD: return PREC_MUL;
        default: return PREC_CMP;
        }
    case EX_UNARY: return PREC_UNARY;
    case EX_INT: return e->ival < 0 ? PREC_UNARY : PREC_ATOM;
    case EX_FLOAT: return e->fval < 0 ? PREC_UNARY : PREC_ATOM;
    default: return PREC_ATOM;
    }
}

static void print_expr(Printer *p, const Expr *e);

static void print_paren(Printer *p, const Expr *e, bool paren)
{
    if (paren) fputc('(', p->out);
    print_expr(p, e);
    if (paren) fputc(')', p->out);
}

static void print_list(Printer *p, Expr *const *args, int n)
{
    for (int i = 0; i < n; i++) {
        if (i) fputs(", ", p->out);
        print_expr(p, args[i]);
    }
}

static void print_float(FILE *out, double v)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%.9g", v);
    fputs(buf, out);
    if (!strpbrk(buf, ".eEni")) fputs(".0", out);   /* not inf, nan or 1e+20 */
}

/* `over r` as written, or with the range sema found: `over r in 0..k`. */
static void print_rvar(Printer *p, const RVar *r)
{
    fputs(r->name, p->out);
    if (r->lo && r->hi) {
        fputs(" in ", p->out);
        print_expr(p, r->lo);
        fputs("..", p->out);
        print_expr(p, r->hi);
    } else if (p->annotate && r->extent) {
        fputs(" in ", p->out);
        if (r->min) {
            aff_print(p->out, r->min, p->names);
            fputs("..", p->out);
            aff_print(p->out, aff_add(&p->tmp, r->min, r->extent), p->names);
        } else {
            fputs("0..", p->out);
            aff_print(p->out, r->extent, p->names);
        }
    }
}

static void print_reduce(Printer *p, const Expr *e)
{
    fprintf(p->out, "%s(", e->op != OP_NONE ? op_text(e->op) : e->name ? e->name : "?");
    print_expr(p, e->args[0]);
    fputs(" over ", p->out);
    for (int i = 0; i < e->nrvars; i++) {
        if (i) fputs(", ", p->out);
        print_rvar(p, e->rvars[i]);
    }
    fputc(')', p->out);
}

static void print_binary(Printer *p, const Expr *e)
{
    int pe = prec(e), pl = prec(e->args[0]), pr = prec(e->args[1]);
    /* left-associative; comparisons do not associate at all */
    print_paren(p, e->args[0], pl < pe || (pe == PREC_CMP && pl == PREC_CMP));
    fprintf(p->out, " %s ", op_text(e->op));
    print_paren(p, e->args[1], pr <= pe);
}

static void print_expr(Printer *p, const Expr *e)
{
    FILE *out = p->out;
    switch (e->kind) {
    case EX_INT: fprintf(out, "%lld", (long long)e->ival); break;
    case EX_FLOAT: print_float(out, e->fval); break;
    case EX_BOOL: fputs(e->ival ? "true" : "false", out); break;
    case EX_NAME: fputs(e->name, out); break;
    case EX_ACCESS:
        fprintf(out, "%s[", e->name);
        print_list(p, e->args, e->nargs);
        fputc(']', out);
        break;
    case EX_SELECT:
    case EX_CALL:
        fprintf(out, "%s(", e->kind == EX_SELECT ? "select" : e->name);
        print_list(p, e->args, e->nargs);
        fputc(')', out);
        break;
    case EX_UNARY:
        fputs(op_text(e->op), out);
        print_paren(p, e->args[0], prec(e->args[0]) < PREC_UNARY);
        break;
    case EX_BINARY: print_binary(p, e); break;
    case EX_REDUCE: print_reduce(p, e); break;
    }
}

static void print_dims(Printer *p, const Tensor *t)
{
    fprintf(p->out, "%s: %s", t->name, t->type ? dtype_name(t->type) : "?");
    if (t->is_scalar) return;
    fputc('[', p->out);
    for (int i = 0; i < t->ndim; i++) {
        if (i) fputs(", ", p->out);
        print_expr(p, t->dims[i].expr);
    }
    fputc(']', p->out);
}

static bool aff_is_zero(const Affine *x) { return !x || (aff_is_const(x) && x->c == 0); }

/* `Z: f32[n, m]` from sema's extents; a dim not starting at 0 is `lo..hi`. */
static void print_inferred(Printer *p, const Tensor *t)
{
    fprintf(p->out, "%s: %s[", t->name, t->type ? dtype_name(t->type) : "?");
    for (int i = 0; i < t->ndim; i++) {
        if (i) fputs(", ", p->out);
        const Affine *lo = t->min ? t->min[i] : NULL;
        if (aff_is_zero(lo)) {
            aff_print(p->out, t->extent[i], p->names);
        } else {
            aff_print(p->out, lo, p->names);
            fputs("..", p->out);
            aff_print(p->out, aff_add(&p->tmp, lo, t->extent[i]), p->names);
        }
    }
    fputc(']', p->out);
}

static void print_stage_note(Printer *p, const Stage *s)
{
    if (!p->annotate) return;
    if (s->kind == ST_STAGE && s->tensor && s->tensor->extent) {
        fputs("    # ", p->out);
        print_inferred(p, s->tensor);
    } else if (s->kind == ST_CALL && s->outs) {
        const char *sep = "    # ";
        for (int i = 0; i < s->ntargets; i++) {
            if (!s->outs[i] || !s->outs[i]->extent) continue;
            fputs(sep, p->out);
            print_inferred(p, s->outs[i]);
            sep = ", ";
        }
    }
}

static void print_stage(Printer *p, const Stage *s)
{
    FILE *out = p->out;
    fputs("    ", out);
    switch (s->kind) {
    case ST_DECL: print_dims(p, s->decl); break;
    case ST_STAGE:
        fprintf(out, "%s[", s->target);
        for (int i = 0; i < s->nvars; i++) fprintf(out, "%s%s", i ? ", " : "", s->vars[i]);
        fputs("] = ", out);
        print_expr(p, s->value);
        break;
    case ST_CALL:
        if (s->ntargets != 1) fputc('(', out);
        for (int i = 0; i < s->ntargets; i++) fprintf(out, "%s%s", i ? ", " : "", s->targets[i]);
        fprintf(out, "%s = %s(", s->ntargets != 1 ? ")" : "", s->callee);
        print_list(p, s->args, s->nargs);
        fputc(')', out);
        break;
    }
    print_stage_note(p, s);
    fputc('\n', out);
}

static void print_fn(Printer *p, const Fn *f)
{
    FILE *out = p->out;
    fprintf(out, "%sfn %s(", f->extern_sym ? "extern " : "", f->name);
    for (int i = 0; i < f->nparams; i++) {
        if (i) fputs(", ", out);
        print_dims(p, f->params[i]);
    }
    fputs(") -> ", out);
    if (f->nresults != 1) fputc('(', out);
    for (int i = 0; i < f->nresults; i++) {
        if (i) fputs(", ", out);
        print_dims(p, f->results[i]);
    }
    if (f->extern_sym) {
        fprintf(out, "%s = \"%s\"\n", f->nresults != 1 ? ")" : "", f->extern_sym);
        return;
    }
    fputs(f->nresults != 1 ? ") {\n" : " {\n", out);
    for (int i = 0; i < f->nstmts; i++) print_stage(p, f->stmts[i]);
    fputs("}\n", out);
}

void ast_print_fn(FILE *out, const Fn *f)
{
    Printer p = { .out = out, .annotate = true };
    arena_init(&p.tmp);
    const char **names = NULL;
    if (f->nsizevars > 0) {
        names = malloc(sizeof *names * (size_t)f->nsizevars);
        if (!names) return;
        for (int i = 0; i < f->nsizevars; i++) names[i] = f->sizevars[i].name;
    }
    p.names = names;
    print_fn(&p, f);
    free(names);
    arena_free(&p.tmp);
}

void ast_print_expr(FILE *out, const Expr *e)
{
    Printer p = { .out = out };
    arena_init(&p.tmp);
    print_expr(&p, e);
    arena_free(&p.tmp);
}

static void print_schedule(FILE *out, const Schedule *s)
{
    fprintf(out, "schedule %s {\n", s->fn);
    for (int i = 0; i < s->nprims; i++) {
        const SchedPrim *sp = s->prims[i];
        fprintf(out, "    %s.%s(", sp->stage, sp->prim);
        for (int j = 0; j < sp->nargs; j++) {
            const SchedArg *a = &sp->args[j];
            if (j) fputs(", ", out);
            if (a->is_int) fprintf(out, "%lld", (long long)a->ival);
            else fputs(a->name, out);
        }
        fputs(")\n", out);
    }
    fputs("}\n", out);
}

void ast_print_program(FILE *out, const Program *p)
{
    const char *sep = "";
    for (int i = 0; i < p->nuses; i++, sep = "\n") fprintf(out, "use %s\n", p->uses[i]->module);
    for (int i = 0; i < p->nconsts; i++, sep = "\n") {
        const Const *c = p->consts[i];
        Printer pr = { .out = out };
        arena_init(&pr.tmp);
        fputs("const ", out);
        print_dims(&pr, c->decl);
        fprintf(out, " = load(\"%s\"", c->path);
        if (c->member) fprintf(out, ", \"%s\"", c->member);
        fputs(")\n", out);
        arena_free(&pr.tmp);
    }
    for (int i = 0; i < p->nfns; i++, sep = "\n") {
        fputs(sep, out);
        ast_print_fn(out, p->fns[i]);
    }
    for (int i = 0; i < p->nscheds; i++, sep = "\n") {
        fputs(sep, out);
        print_schedule(out, p->scheds[i]);
    }
}
