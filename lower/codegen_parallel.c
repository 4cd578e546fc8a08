/* codegen_parallel.c - LOOP_PARALLEL loops. The body is outlined into
 * `i32 <kernel>.par.<var>.body(ptr env, i64 i, i64 slot)`, which
 * tdsl_rt_parallel_for_v2 (runtime/tdsl_pool.c) runs for i in 0..extent-1; a
 * body that allocates in the workspace works in slice `slot` of the loop's
 * per-thread slices (lower/workspace.c); every free value the body
 * uses (size vars, scalars, enclosing loop counters, buffer bases, mins and
 * strides) is stored into a struct on the caller's stack. Invariant: the
 * outlined code has its own CgFunc (allocas, scopes, live buffers), so an
 * allocation failure inside frees only its own buffers and returns the code,
 * which the caller passes on through cg_error_return. */
#include "lower/codegen.h"
#include "runtime/tdsl_pool.h"
#include <stdlib.h>
#include <string.h>

/* ---- what the body reads from enclosing scopes ---- */

typedef struct Uses {
    const LVar **vars;
    int nvars, capvars;
    const Buffer **bufs;
    int nbufs, capbufs;
} Uses;

static void walk_expr(Uses *u, const LExpr *e);

static void use_var(Uses *u, const LVar *v)
{
    for (int i = 0; i < u->nvars; i++)
        if (u->vars[i] == v) return;
    GROW(u->vars, u->capvars, u->nvars + 1);
    u->vars[u->nvars++] = v;
}

/* A buffer, and what its shape needs (an extent may be read to index it). */
static void use_buf(Uses *u, const Buffer *b)
{
    if (!b) return;
    for (int i = 0; i < u->nbufs; i++)
        if (u->bufs[i] == b) return;
    GROW(u->bufs, u->capbufs, u->nbufs + 1);
    u->bufs[u->nbufs++] = b;
    for (int k = 0; k < b->ndim; k++) {
        walk_expr(u, b->min[k]);
        walk_expr(u, b->extent[k]);
    }
    walk_expr(u, b->ws_off);
}

static void walk_expr(Uses *u, const LExpr *e)
{
    if (!e) return;
    if (e->kind == LX_VAR) use_var(u, e->var);
    if (e->kind == LX_LOAD) use_buf(u, e->buf);
    for (int i = 0; i < e->nargs; i++) walk_expr(u, e->args[i]);
}

static void walk_stmt(Uses *u, const LStmt *s)
{
    if (!s) return;
    switch (s->kind) {
    case LS_FOR:
        walk_expr(u, s->min);
        walk_expr(u, s->extent);
        walk_expr(u, s->ws_off);
        walk_expr(u, s->ws_slice);
        break;
    case LS_ALLOC: use_buf(u, s->buf); break;
    case LS_STORE:
        use_buf(u, s->buf);
        for (int k = 0; k < s->buf->ndim; k++) walk_expr(u, s->idx[k]);
        walk_expr(u, s->value);
        break;
    case LS_IF: walk_expr(u, s->cond); break;
    case LS_CALL: {
        const LFunc *c = s->callee;
        for (int i = 0; i < c->nparams + c->nresults; i++) use_buf(u, s->call_bufs[i]);
        for (int i = 0; i < c->nparams + c->nsizes; i++) walk_expr(u, s->call_args[i]);
        walk_expr(u, s->ws_off);
        break;
    }
    case LS_BLOCK: break;
    }
    for (int i = 0; i < s->nbody; i++) walk_stmt(u, s->body[i]);
}

/* ---- captured values: each distinct non-constant value is one env field ---- */

typedef struct Captures {
    LLVMValueRef *vals;     /* in the enclosing function */
    int n, cap;
    LLVMValueRef *params;   /* the same values in the outlined function */
} Captures;

static int capture(Captures *c, LLVMValueRef v)
{
    if (LLVMIsConstant(v)) return -1;
    for (int i = 0; i < c->n; i++)
        if (c->vals[i] == v) return i;
    GROW(c->vals, c->cap, c->n + 1);
    c->vals[c->n] = v;
    return c->n++;
}

/* v (a value of the enclosing function) as seen inside the outlined one */
static LLVMValueRef inside(const Captures *c, LLVMValueRef v)
{
    for (int i = 0; i < c->n; i++)
        if (c->vals[i] == v) return c->params[i];
    return v;    /* a constant */
}

static const BufInfo *find_buf(const CgFunc *f, const Buffer *b)
{
    for (int i = f->nbufs - 1; i >= 0; i--)
        if (f->bufs[i].buf == b) return &f->bufs[i];
    return NULL;
}

static LLVMValueRef find_var(const CgFunc *f, const LVar *v)
{
    switch (v->kind) {
    case LV_SIZE: return v->index >= 0 && v->index < f->nsizes ? f->sizes[v->index] : NULL;
    case LV_SCALAR: return v->index >= 0 && v->index < f->nscalars ? f->scalars[v->index] : NULL;
    case LV_LOOP:
        for (int i = f->nvars - 1; i >= 0; i--)
            if (f->vars[i].var == v) return f->vars[i].val;
        return NULL;
    case LV_THREADS: return NULL;   /* asked of the pool where it is used */
    }
    return NULL;
}

static bool has_attr(LLVMValueRef fn, unsigned idx, const char *name)
{
    unsigned k = LLVMGetEnumAttributeKindForName(name, strlen(name));
    return LLVMGetEnumAttributeAtIndex(fn, idx, k) != NULL;
}

static void add_attr(CgModule *m, LLVMValueRef fn, unsigned idx, const char *name)
{
    unsigned k = LLVMGetEnumAttributeKindForName(name, strlen(name));
    LLVMAddAttributeAtIndex(fn, idx, LLVMCreateEnumAttribute(m->ctx, k, 0));
}

/* A pointer that nothing else in the kernel points into: a noalias argument,
 * a fresh malloc or alloca, or a member of a fresh arena (the members one
 * statement uses are live together, so lower/arena.c gave them disjoint
 * bytes). Only those stay noalias in the outlined code. */
static bool unique_pointer(LLVMValueRef v)
{
    if (LLVMIsAAllocaInst(v)) return true;
    if (LLVMIsACallInst(v)) {
        LLVMValueRef callee = LLVMGetCalledValue(v);
        size_t len;
        const char *name = LLVMIsAFunction(callee) ? LLVMGetValueName2(callee, &len) : "";
        return !strcmp(name, "malloc");
    }
    if (LLVMIsASelectInst(v)) return unique_pointer(LLVMGetOperand(v, 1)) && unique_pointer(LLVMGetOperand(v, 2));
    if (LLVMIsAPHINode(v)) {   /* an arena's own memory: malloc, or NULL where the caller's ws is used */
        for (unsigned i = 0; i < LLVMCountIncoming(v); i++) {
            LLVMValueRef x = LLVMGetIncomingValue(v, i);
            if (!LLVMIsAConstantPointerNull(x) && !unique_pointer(x)) return false;
        }
        return true;
    }
    if (LLVMIsAGetElementPtrInst(v)) {    /* a member of an arena (codegen_llvm.c alloc_body) */
        size_t len;
        const char *name = LLVMGetValueName2(v, &len);
        return !strncmp(name, "arena.", 6) && unique_pointer(LLVMGetOperand(v, 0));
    }
    if (LLVMIsAArgument(v)) {
        LLVMValueRef fn = LLVMGetParamParent(v);
        for (unsigned i = 0; i < LLVMCountParams(fn); i++)
            if (LLVMGetParam(fn, i) == v) return has_attr(fn, i + 1, "noalias");
    }
    return false;
}

/* ---- the outlined function ---- */

/* Binds what the body uses inside g, the CgFunc of the outlined function. */
static void bind_inside(CgFunc *g, const CgFunc *f, const Uses *u, const Captures *c)
{
    g->nsizes = f->nsizes;
    g->sizes = calloc((size_t)f->nsizes + 1, sizeof(LLVMValueRef));
    g->nscalars = f->nscalars;
    g->scalars = calloc((size_t)f->nscalars + 1, sizeof(LLVMValueRef));
    for (int i = 0; i < u->nvars; i++) {
        const LVar *v = u->vars[i];
        LLVMValueRef val = find_var(f, v);
        if (!val) continue;     /* bound inside the body */
        val = inside(c, val);
        if (v->kind == LV_SIZE) g->sizes[v->index] = val;
        else if (v->kind == LV_SCALAR) g->scalars[v->index] = val;
        else cg_push_var(g, v, val);
    }
    /* in the enclosing scope order, so shadowing stays the same */
    for (int i = 0; i < f->nbufs; i++) {
        const BufInfo *bi = &f->bufs[i];
        int used = 0;
        for (int k = 0; k < u->nbufs && !used; k++) used = u->bufs[k] == bi->buf;
        if (!used) continue;
        int nd = bi->buf->ndim;
        GROW(g->bufs, g->capbufs, g->nbufs + 1);
        BufInfo *gi = &g->bufs[g->nbufs++];
        gi->buf = bi->buf;
        gi->base = inside(c, bi->base);
        gi->min = calloc((size_t)(nd ? nd : 1), sizeof(LLVMValueRef));
        gi->stride = calloc((size_t)(nd ? nd : 1), sizeof(LLVMValueRef));
        for (int k = 0; k < nd; k++) {
            gi->min[k] = inside(c, bi->min[k]);
            gi->stride[k] = inside(c, bi->stride[k]);
        }
    }
}

/* The loop's per-thread slices of the workspace: the first, and the bytes of
 * each (in the enclosing function); base NULL when the body needs none. */
typedef struct Slices {
    LLVMValueRef base, bytes;
} Slices;

/* i32 inner(captures..., i64 i, i64 slot): the loop body for one iteration,
 * alwaysinline into the env-unpacking wrapper so noalias on buffer bases
 * survives (as scoped alias metadata). */
static LLVMValueRef emit_inner(CgFunc *f, const LStmt *s, const Uses *u, Captures *c, LLVMValueRef lo, Slices sl,
                               const char *name)
{
    CgModule *m = f->m;
    int n = c->n;
    LLVMTypeRef *ts = malloc(sizeof(LLVMTypeRef) * (size_t)(n + 2));
    for (int i = 0; i < n; i++) ts[i] = LLVMTypeOf(c->vals[i]);
    ts[n] = ts[n + 1] = m->i64;
    LLVMValueRef fn = LLVMAddFunction(m->mod, name, LLVMFunctionType(m->i32, ts, (unsigned)n + 2, 0));
    free(ts);
    LLVMSetLinkage(fn, LLVMPrivateLinkage);
    add_attr(m, fn, LLVMAttributeFunctionIndex, "nounwind");
    add_attr(m, fn, LLVMAttributeFunctionIndex, "alwaysinline");
    c->params = malloc(sizeof(LLVMValueRef) * (size_t)(n + 1));
    for (int i = 0; i < n; i++) {
        c->params[i] = LLVMGetParam(fn, (unsigned)i);
        size_t len;
        const char *vn = LLVMGetValueName2(c->vals[i], &len);
        LLVMSetValueName2(c->params[i], vn, len);
        if (LLVMGetTypeKind(LLVMTypeOf(c->vals[i])) != LLVMPointerTypeKind || !unique_pointer(c->vals[i])) continue;
        int dup = 0;    /* the same pointer twice (two buffers on one base) is not noalias */
        for (int k = 0; k < n && !dup; k++) dup = k != i && c->vals[k] == c->vals[i];
        if (!dup) add_attr(m, fn, (unsigned)i + 1, "noalias");
    }

    LLVMBasicBlockRef entry = LLVMAppendBasicBlockInContext(m->ctx, fn, "entry");
    LLVMBasicBlockRef body = LLVMAppendBasicBlockInContext(m->ctx, fn, "body");
    CgFunc g = { .m = m, .fn = fn, .ab = LLVMCreateBuilderInContext(m->ctx) };
    LLVMPositionBuilderAtEnd(g.ab, entry);
    LLVMPositionBuilderAtEnd(m->b, body);
    bind_inside(&g, f, u, c);
    LLVMValueRef i = LLVMGetParam(fn, (unsigned)n);
    LLVMSetValueName2(i, "i", 1);
    LLVMValueRef lo_in = inside(c, lo);
    LLVMValueRef var = LLVMIsNull(lo_in) ? i : LLVMBuildNSWAdd(m->b, lo_in, i, s->var->name);
    cg_push_var(&g, s->var, var);
    if (sl.base) {   /* named as an arena member: noalias when the base is (unique_pointer) */
        LLVMValueRef at = LLVMBuildNSWMul(m->b, LLVMGetParam(fn, (unsigned)n + 1), inside(c, sl.bytes), "");
        g.ws = LLVMBuildInBoundsGEP2(m->b, m->i8, inside(c, sl.base), &at, 1, "arena.slice");
    }
    cg_stmt(&g, s->body[0]);
    cg_func_finish(&g, body);
    return fn;
}

/* i32 body(ptr env, i64 i, i64 slot): loads the captures and calls inner. */
static LLVMValueRef emit_body(CgModule *m, LLVMValueRef inner, LLVMTypeRef envt, const Captures *c, const char *name)
{
    LLVMTypeRef ps[3] = { m->ptr, m->i64, m->i64 };
    LLVMValueRef fn = LLVMAddFunction(m->mod, name, LLVMFunctionType(m->i32, ps, 3, 0));
    LLVMSetLinkage(fn, LLVMInternalLinkage);
    add_attr(m, fn, LLVMAttributeFunctionIndex, "nounwind");
    LLVMValueRef env = LLVMGetParam(fn, 0);
    LLVMSetValueName2(env, "env", 3);
    LLVMPositionBuilderAtEnd(m->b, LLVMAppendBasicBlockInContext(m->ctx, fn, "entry"));
    LLVMValueRef *args = malloc(sizeof(LLVMValueRef) * (size_t)(c->n + 2));
    for (int k = 0; k < c->n; k++) {
        LLVMValueRef p = LLVMBuildStructGEP2(m->b, envt, env, (unsigned)k, "");
        args[k] = LLVMBuildLoad2(m->b, LLVMTypeOf(c->vals[k]), p, "");
    }
    args[c->n] = LLVMGetParam(fn, 1);
    args[c->n + 1] = LLVMGetParam(fn, 2);
    LLVMValueRef r = LLVMBuildCall2(m->b, LLVMGlobalGetValueType(inner), inner, args, (unsigned)c->n + 2, "");
    free(args);
    LLVMBuildRet(m->b, r);
    return fn;
}

void cg_parallel_for(CgFunc *f, const LStmt *s)
{
    CgModule *m = f->m;
    LLVMBuilderRef B = m->b;
    LLVMValueRef lo = cg_expr(f, s->min);
    LLVMValueRef n = cg_expr(f, s->extent);

    Uses u = { 0 };
    walk_stmt(&u, s->body[0]);
    Captures c = { 0 };
    capture(&c, lo);
    Slices sl = { 0 };
    if (s->ws_off) {
        sl.base = cg_ws_addr(f, s->ws_off, "arena.slices");
        sl.bytes = cg_expr(f, s->ws_slice);
        capture(&c, sl.base);
        capture(&c, sl.bytes);
    }
    for (int i = 0; i < u.nvars; i++) {
        LLVMValueRef v = find_var(f, u.vars[i]);
        if (v) capture(&c, v);
    }
    for (int i = 0; i < u.nbufs; i++) {
        const BufInfo *bi = find_buf(f, u.bufs[i]);
        if (!bi) continue;      /* allocated inside the body */
        capture(&c, bi->base);
        for (int k = 0; k < bi->buf->ndim; k++) {
            capture(&c, bi->min[k]);
            capture(&c, bi->stride[k]);
        }
    }

    /* the env struct, filled here; the call; a failure code goes up */
    LLVMTypeRef *ts = malloc(sizeof(LLVMTypeRef) * (size_t)(c.n + 1));
    for (int i = 0; i < c.n; i++) ts[i] = LLVMTypeOf(c.vals[i]);
    LLVMTypeRef envt = LLVMStructTypeInContext(m->ctx, ts, (unsigned)c.n, 0);
    free(ts);
    LLVMValueRef env = LLVMConstNull(m->ptr);
    if (c.n) {
        env = LLVMBuildAlloca(f->ab, envt, "par.env");
        for (int i = 0; i < c.n; i++) LLVMBuildStore(B, c.vals[i], LLVMBuildStructGEP2(B, envt, env, (unsigned)i, ""));
    }
    size_t len;
    const char *kname = LLVMGetValueName2(f->fn, &len);
    char name[512];
    snprintf(name, sizeof name, "%.*s.par.%s", (int)len, kname, s->var->name);
    LLVMBasicBlockRef here = LLVMGetInsertBlock(B);
    LLVMValueRef inner = emit_inner(f, s, &u, &c, lo, sl, name);
    snprintf(name + strlen(name), sizeof name - strlen(name), ".body");
    LLVMValueRef body = emit_body(m, inner, envt, &c, name);
    LLVMPositionBuilderAtEnd(B, here);

    LLVMTypeRef ps[3] = { m->i64, m->ptr, m->ptr };
    LLVMValueRef rt = cg_libfn(m, TDSL_RT_PARALLEL_FOR, m->i32, ps, 3);   /* env, i, slot */
    LLVMValueRef r = LLVMBuildCall2(B, LLVMGlobalGetValueType(rt), rt, (LLVMValueRef[]){ n, body, env }, 3, "");
    cg_return_on_error(f, r, "par.fail", "par.ok");
    free(u.vars);
    free(u.bufs);
    free(c.vals);
    free(c.params);
}
