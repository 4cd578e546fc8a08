/* loopir.c - loop IR constructors and the one printer used by --emit loops,
 * the REPL and golden tests. */
#include "lang/loopir.h"
#include <string.h>

LVar *lv_new(Arena *a, const char *name, LVarKind k, DType t, int index)
{
    LVar *v = ARENA_NEW(a, LVar);
    v->name = name;
    v->kind = k;
    v->type = t;
    v->index = index;
    return v;
}

static LExpr *lx_new(Arena *a, LExprKind k, DType t, int nargs)
{
    LExpr *e = ARENA_NEW(a, LExpr);
    e->kind = k;
    e->type = t;
    e->nargs = nargs;
    e->args = nargs ? ARENA_ARRAY(a, LExpr *, nargs) : NULL;
    return e;
}

LExpr *lx_int(Arena *a, DType t, int64_t v)
{
    LExpr *e = lx_new(a, LX_INT, t, 0);
    e->ival = v;
    return e;
}

LExpr *lx_float(Arena *a, DType t, double v)
{
    LExpr *e = lx_new(a, LX_FLOAT, t, 0);
    e->fval = v;
    return e;
}

LExpr *lx_var(Arena *a, LVar *v)
{
    LExpr *e = lx_new(a, LX_VAR, v->type, 0);
    e->var = v;
    return e;
}

LExpr *lx_load(Arena *a, Buffer *b, LExpr **idx)
{
    LExpr *e = lx_new(a, LX_LOAD, b->type, b->ndim);
    e->buf = b;
    for (int i = 0; i < b->ndim; i++) e->args[i] = idx[i];
    return e;
}

LExpr *lx_unary(Arena *a, Op op, LExpr *x)
{
    LExpr *e = lx_new(a, LX_UNARY, x->type, 1);
    e->op = op;
    e->args[0] = x;
    return e;
}

LExpr *lx_binary(Arena *a, Op op, LExpr *x, LExpr *y)
{
    bool cmp = op >= OP_LT && op <= OP_NE;
    LExpr *e = lx_new(a, LX_BINARY, cmp ? DT_BOOL : x->type, 2);
    e->op = op;
    e->args[0] = x;
    e->args[1] = y;
    return e;
}

LExpr *lx_select(Arena *a, LExpr *c, LExpr *x, LExpr *y)
{
    LExpr *e = lx_new(a, LX_SELECT, x->type, 3);
    e->args[0] = c;
    e->args[1] = x;
    e->args[2] = y;
    return e;
}

LExpr *lx_call(Arena *a, MathFn fn, DType t, LExpr **args, int n)
{
    LExpr *e = lx_new(a, LX_CALL, t, n);
    e->fn = fn;
    for (int i = 0; i < n; i++) e->args[i] = args[i];
    return e;
}

LExpr *ix_const(Arena *a, int64_t v) { return lx_int(a, DT_INDEX, v); }

bool ix_is_const(const LExpr *x, int64_t v) { return x->kind == LX_INT && x->ival == v; }

bool lx_same(const LExpr *x, const LExpr *y)
{
    if (x->kind != y->kind || x->nargs != y->nargs || x->op != y->op || x->fn != y->fn || x->ival != y->ival ||
        x->var != y->var || x->buf != y->buf || x->type != y->type)
        return false;
    if (x->kind == LX_VAR && x->var->kind == LV_SIZE) return x->var->index == y->var->index;
    for (int i = 0; i < x->nargs; i++)
        if (!lx_same(x->args[i], y->args[i])) return false;
    return x->kind != LX_FLOAT || x->fval == y->fval;
}

LExpr *ix_add(Arena *a, LExpr *x, LExpr *y)
{
    int64_t r;
    if (x->kind == LX_INT && y->kind == LX_INT && !__builtin_add_overflow(x->ival, y->ival, &r)) return ix_const(a, r);
    if (ix_is_const(x, 0)) return y;
    if (ix_is_const(y, 0)) return x;
    if (y->kind == LX_INT && y->ival < 0 && y->ival != INT64_MIN) return lx_binary(a, OP_SUB, x, ix_const(a, -y->ival));
    return lx_binary(a, OP_ADD, x, y);
}

LExpr *ix_sub(Arena *a, LExpr *x, LExpr *y)
{
    int64_t r;
    if (x->kind == LX_INT && y->kind == LX_INT && !__builtin_sub_overflow(x->ival, y->ival, &r)) return ix_const(a, r);
    if (ix_is_const(y, 0)) return x;
    if (y->kind == LX_INT && y->ival < 0 && y->ival != INT64_MIN) return lx_binary(a, OP_ADD, x, ix_const(a, -y->ival));
    return lx_binary(a, OP_SUB, x, y);
}

LExpr *ix_mul(Arena *a, LExpr *x, int64_t k)
{
    int64_t r;
    if (x->kind == LX_INT && !__builtin_mul_overflow(x->ival, k, &r)) return ix_const(a, r);
    if (k == 1) return x;
    if (k == 0) return ix_const(a, 0);
    return lx_binary(a, OP_MUL, x, ix_const(a, k));
}

LExpr *ix_mulx(Arena *a, LExpr *x, LExpr *y)
{
    if (y->kind == LX_INT) return ix_mul(a, x, y->ival);
    if (x->kind == LX_INT) return ix_mul(a, y, x->ival);
    return lx_binary(a, OP_MUL, x, y);
}

LExpr *ix_div(Arena *a, LExpr *x, int64_t k)
{
    if (k == 1) return x;
    if (x->kind == LX_INT && k > 0) return ix_const(a, x->ival / k);
    return lx_binary(a, OP_DIV, x, ix_const(a, k));
}

LExpr *ix_ceildiv(Arena *a, LExpr *x, int64_t k)
{
    if (k == 1) return x;
    if (x->kind == LX_INT && k > 0 && x->ival >= 0) return ix_const(a, x->ival / k + (x->ival % k != 0));
    return ix_div(a, ix_add(a, x, ix_const(a, k - 1)), k);
}

LExpr *ix_mod(Arena *a, LExpr *x, int64_t k)
{
    if (k == 1) return ix_const(a, 0);
    if (x->kind == LX_INT && k > 0) return ix_const(a, x->ival % k);
    return lx_binary(a, OP_MOD, x, ix_const(a, k));
}

LExpr *ix_divx(Arena *a, LExpr *x, LExpr *y)
{
    return y->kind == LX_INT && y->ival > 0 ? ix_div(a, x, y->ival) : lx_binary(a, OP_DIV, x, y);
}

LExpr *ix_modx(Arena *a, LExpr *x, LExpr *y)
{
    return y->kind == LX_INT && y->ival > 0 ? ix_mod(a, x, y->ival) : lx_binary(a, OP_MOD, x, y);
}

static LExpr *ix_minmax(Arena *a, MathFn f, LExpr *x, LExpr *y)
{
    if (x->kind == LX_INT && y->kind == LX_INT)
        return ix_const(a, (f == MF_MIN) == (x->ival < y->ival) ? x->ival : y->ival);
    LExpr *args[2] = { x, y };
    return lx_call(a, f, DT_INDEX, args, 2);
}

LExpr *ix_min(Arena *a, LExpr *x, LExpr *y) { return ix_minmax(a, MF_MIN, x, y); }
LExpr *ix_max(Arena *a, LExpr *x, LExpr *y) { return ix_minmax(a, MF_MAX, x, y); }

LExpr *lx_cast(Arena *a, DType t, LExpr *x)
{
    LExpr *e = lx_new(a, LX_CAST, t, 1);
    e->args[0] = x;
    return e;
}

static LStmt *ls_new(Arena *a, LStmtKind k, int nbody)
{
    LStmt *s = ARENA_NEW(a, LStmt);
    s->kind = k;
    s->nbody = nbody;
    s->body = nbody ? ARENA_ARRAY(a, LStmt *, nbody) : NULL;
    return s;
}

LStmt *ls_block(Arena *a) { return ls_new(a, LS_BLOCK, 0); }

void ls_append(Arena *a, LStmt *block, LStmt *s)
{
    PtrVec v = { (void **)block->body, block->nbody, block->nbody };
    vec_push(a, &v, s);
    block->body = (LStmt **)v.items;
    block->nbody = v.len;
}

LStmt *ls_for(Arena *a, LVar *v, LExpr *min, LExpr *extent, LStmt *body)
{
    LStmt *s = ls_new(a, LS_FOR, 1);
    s->var = v;
    s->min = min;
    s->extent = extent;
    s->loop = LOOP_SERIAL;
    s->body[0] = body;
    return s;
}

bool lfunc_size_derived(const LFunc *f, int k)
{
    for (int i = 0; i < f->nchecks; i++)
        if (f->checks[i].bind == k && f->checks[i].div > 0) return true;
    return false;
}

uint64_t buffer_stack_bytes(const Buffer *b)
{
    uint64_t elem = (uint64_t)dtype_bits(b->type) / 8, n = elem;
    for (int k = 0; k < b->ndim; k++) {
        const LExpr *e = b->extent[k];
        if (e->kind != LX_INT || e->ival < 0) return 0;
        if (__builtin_mul_overflow(n, (uint64_t)e->ival, &n) || n > LOOPIR_STACK_MAX) return 0;
    }
    return n ? n : elem;
}

LStmt *ls_alloc(Arena *a, Buffer *b, LStmt *body)
{
    LStmt *s = ls_new(a, LS_ALLOC, 1);
    s->buf = b;
    s->body[0] = body;
    return s;
}

LStmt *ls_store(Arena *a, Buffer *b, LExpr **idx, LExpr *value)
{
    LStmt *s = ls_new(a, LS_STORE, 0);
    s->buf = b;
    s->idx = ARENA_ARRAY(a, LExpr *, b->ndim ? b->ndim : 1);
    for (int i = 0; i < b->ndim; i++) s->idx[i] = idx[i];
    s->value = value;
    return s;
}

LStmt *ls_if(Arena *a, LExpr *cond, LStmt *then, LStmt *els)
{
    LStmt *s = ls_new(a, LS_IF, 2);
    s->cond = cond;
    s->body[0] = then;
    s->body[1] = els;
    return s;
}

/* ---- printer ---- */

static const char *math_name(MathFn f)
{
    static const char *n[] = { "?",    "exp", "log",     "sqrt",  "rsqrt",      "sin",        "cos",
                               "tanh", "erf", "sigmoid", "pow",   "floor",      "ceil",       "abs",
                               "min",  "max", "cast",    "clamp", "argkey_max", "argkey_min", "argpos" };
    return n[f];
}

static int prec_of(const LExpr *e)
{
    if (e->kind == LX_VAR && strchr(e->var->name, ' ')) return 5;  /* a derived size var, "(h - 1) / 2" */
    if (e->kind != LX_BINARY) return 10;
    switch (e->op) {
    case OP_OR: return 1;
    case OP_AND: return 2;
    case OP_LT:
    case OP_LE:
    case OP_GT:
    case OP_GE:
    case OP_EQ:
    case OP_NE: return 3;
    case OP_ADD:
    case OP_SUB: return 4;
    default: return 5;
    }
}

static void print_args(FILE *out, LExpr **args, int n)
{
    for (int i = 0; i < n; i++) {
        if (i) fputs(", ", out);
        loopir_print_expr(out, args[i]);
    }
}

static void print_operand(FILE *out, const LExpr *e, int min_prec)
{
    bool paren = prec_of(e) < min_prec;
    if (paren) fputc('(', out);
    loopir_print_expr(out, e);
    if (paren) fputc(')', out);
}

void loopir_print_expr(FILE *out, const LExpr *e)
{
    switch (e->kind) {
    case LX_INT:
        if (e->type == DT_BOOL) fputs(e->ival ? "true" : "false", out);
        else fprintf(out, "%lld", (long long)e->ival);
        break;
    case LX_FLOAT: {
        char buf[64];
        snprintf(buf, sizeof buf, "%.9g", e->fval);
        bool word = !!strpbrk(buf, "ni");       /* inf, nan: no suffix */
        bool plain = !word && !strpbrk(buf, ".e");  /* integral: add ".0" */
        fprintf(out, "%s%s%s", buf, plain ? ".0" : "", word || e->type == DT_F64 ? "" : "f");
        break;
    }
    case LX_VAR: fputs(e->var->name, out); break;
    case LX_LOAD:
        fputs(e->buf->name, out);
        if (e->nargs) {
            fputc('[', out);
            print_args(out, e->args, e->nargs);
            fputc(']', out);
        }
        break;
    case LX_UNARY:
        fputs(e->op == OP_NEG ? "-" : "!", out);
        print_operand(out, e->args[0], 10);
        break;
    case LX_BINARY: {
        int p = prec_of(e);
        print_operand(out, e->args[0], p);
        fprintf(out, " %s ", op_text(e->op));
        print_operand(out, e->args[1], p + 1);
        break;
    }
    case LX_SELECT:
        fputs("select(", out);
        print_args(out, e->args, 3);
        fputc(')', out);
        break;
    case LX_CALL:
        fprintf(out, "%s(", math_name(e->fn));
        print_args(out, e->args, e->nargs);
        fputc(')', out);
        break;
    case LX_CAST:
        fprintf(out, "%s(", dtype_name(e->type));
        loopir_print_expr(out, e->args[0]);
        fputc(')', out);
        break;
    }
}

static void print_buffer_shape(FILE *out, const Buffer *b)
{
    fprintf(out, "%s[", dtype_name(b->type));
    for (int i = 0; i < b->ndim; i++) {
        if (i) fputs(", ", out);
        if (b->min[i]->kind != LX_INT || b->min[i]->ival != 0) {
            loopir_print_expr(out, b->min[i]);
            fputs(" : ", out);
        }
        loopir_print_expr(out, b->extent[i]);
    }
    fputc(']', out);
}

static void indent_to(FILE *out, int n)
{
    for (int i = 0; i < n; i++) fputs("  ", out);
}

/* where a statement's memory lies in its fn's workspace (lower/workspace.c) */
static void print_ws(FILE *out, const LExpr *off, const LExpr *slice)
{
    if (!off) return;
    fputs(slice ? " in ws slices at " : " in ws at ", out);
    loopir_print_expr(out, off);
    if (!slice) return;
    fputs(" of ", out);
    loopir_print_expr(out, slice);
    fputs(" bytes", out);
}

void loopir_print_stmt(FILE *out, const LStmt *s, int ind)
{
    static const char *loop_names[] = { "for", "parallel", "vectorized", "unrolled" };
    switch (s->kind) {
    case LS_BLOCK:
        for (int i = 0; i < s->nbody; i++) loopir_print_stmt(out, s->body[i], ind);
        break;
    case LS_FOR:
        indent_to(out, ind);
        fprintf(out, "%s %s in ", loop_names[s->loop], s->var->name);
        loopir_print_expr(out, s->min);
        fputs(" .. ", out);
        if (s->min->kind == LX_INT && s->min->ival == 0) loopir_print_expr(out, s->extent);
        else {
            print_operand(out, s->min, 4);
            fputs(" + ", out);
            print_operand(out, s->extent, 5);
        }
        if (s->width) fprintf(out, " width %d", s->width);
        print_ws(out, s->ws_off, s->ws_slice);
        fputs(":\n", out);
        loopir_print_stmt(out, s->body[0], ind + 1);
        break;
    case LS_ALLOC:
        indent_to(out, ind);
        fprintf(out, "alloc %s: ", s->buf->name);
        print_buffer_shape(out, s->buf);
        print_ws(out, s->buf->ws_off, NULL);
        fputc('\n', out);
        for (int i = 0; i < s->buf->nmembers; i++) {     /* an arena's buffers, at their byte offsets */
            indent_to(out, ind + 1);
            fprintf(out, "%s: ", s->buf->members[i]->name);
            print_buffer_shape(out, s->buf->members[i]);
            fprintf(out, " at %lld\n", (long long)s->buf->members[i]->arena_offset);
        }
        loopir_print_stmt(out, s->body[0], ind);
        break;
    case LS_STORE:
        indent_to(out, ind);
        fputs(s->buf->name, out);
        if (s->buf->ndim) {
            fputc('[', out);
            print_args(out, s->idx, s->buf->ndim);
            fputc(']', out);
        }
        fputs(" = ", out);
        loopir_print_expr(out, s->value);
        fputc('\n', out);
        break;
    case LS_IF:
        indent_to(out, ind);
        fputs("if ", out);
        loopir_print_expr(out, s->cond);
        fputs(":\n", out);
        loopir_print_stmt(out, s->body[0], ind + 1);
        if (s->body[1]) {
            indent_to(out, ind);
            fputs("else:\n", out);
            loopir_print_stmt(out, s->body[1], ind + 1);
        }
        break;
    case LS_CALL: {
        indent_to(out, ind);
        const LFunc *c = s->callee;
        fprintf(out, "call %s(", c->name);
        int k = 0;
        for (int i = 0; i < c->nparams; i++, k++) {
            if (k) fputs(", ", out);
            if (s->call_bufs[i]) fputs(s->call_bufs[i]->name, out);
            else loopir_print_expr(out, s->call_args[i]);
        }
        for (int i = 0; i < c->nresults; i++, k++) {
            if (k) fputs(", ", out);
            fprintf(out, "out %s", s->call_bufs[c->nparams + i]->name);
        }
        fputc(')', out);
        print_ws(out, s->ws_off, NULL);
        fputc('\n', out);
        break;
    }
    }
}

void loopir_print_func(FILE *out, const LFunc *f)
{
    fprintf(out, "func %s(", f->name);
    int k = 0;
    for (int i = 0; i < f->nparams; i++, k++) {
        if (k) fputs(", ", out);
        if (f->params[i]) {
            fprintf(out, "%s: ", f->params[i]->name);
            print_buffer_shape(out, f->params[i]);
        } else {
            fprintf(out, "%s: %s", f->scalars[i]->name, dtype_name(f->scalars[i]->type));
        }
    }
    fputs(") -> (", out);
    for (int i = 0; i < f->nresults; i++) {
        if (i) fputs(", ", out);
        fprintf(out, "%s: ", f->results[i]->name);
        print_buffer_shape(out, f->results[i]);
    }
    fputs("):\n", out);
    if (f->ws_bytes && !ix_is_const(f->ws_bytes, 0)) {
        fputs("  workspace: ", out);
        loopir_print_expr(out, f->ws_bytes);
        fputs(" bytes\n", out);
    }
    loopir_print_stmt(out, f->body, 1);
}
