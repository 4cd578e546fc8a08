/* codegen_vector.c - LOOP_VECTOR loops become <W x T> LLVM vector operations;
 * LOOP_UNROLL loops become W copies of their body. Both run only when the
 * extent equals W (folded when constant, else checked at run time); an
 * unrolled loop falls back to the serial loop otherwise, a vector loop runs
 * an extent below W (a tail) with the lanes past it masked off and a larger
 * one serially, so results are always the serial ones.
 *
 * Inside a vector body a value is either uniform (a scalar, computed by the
 * scalar emitter) or varying (<W x T>, one lane per iteration); scalars are
 * broadcast only where they meet vectors. Invariant: memory is never read
 * speculatively - reads under a lane-varying guard (select arms, the right of
 * && and ||, LS_IF bodies) use masked loads/gathers, and a uniform read under a
 * mask runs only when some lane is active.
 *
 * Vector loops that fall back to the serial loop as a whole:
 *   - width < 2 or > 64;
 *   - a nested LOOP_VECTOR or LOOP_PARALLEL loop;
 *   - a nested loop whose bounds vary by lane or read memory;
 *   - an LS_ALLOC of a buffer with ndim > 0 (0-d temporaries become vectors);
 *   - an LS_CALL.
 * An unroll factor above 64, or one past the copy budget below, also keeps
 * the serial loop. */
#include "lower/codegen.h"
#include "lang/check.h"
#include <stdlib.h>

#define VEC_MAX_WIDTH 64
#define UNROLL_MAX 64       /* more copies than this: the serial loop */
/* Nested unrolled and vector loops multiply the copies of a body (W + 1 for
 * an unrolled loop whose extent is checked at run time, 2 for a vector loop
 * and its serial tail); an unroll that would take the product past this runs
 * serially instead. */
#define COPY_BUDGET 64
static _Thread_local long copies = 1;   /* copies of the body being emitted */

typedef struct VTemp {
    const Buffer *buf;
    LLVMValueRef slot;
} VTemp;

typedef struct Vec {
    CgFunc *f;
    CgModule *m;
    LLVMBuilderRef B;
    const LVar *var;        /* the vector loop's variable */
    unsigned w;
    LLVMValueRef lo;        /* var in lane 0 (i64) */
    LLVMValueRef lanes;     /* <w x i64>: lo + <0, 1, ..., w-1> */
    LLVMValueRef mask;      /* <w x i1> active lanes; NULL: all */
    VTemp *temps;           /* 0-d buffers allocated inside: one vector each */
    int ntemps, captemps;
} Vec;

/* ---- loops shared by both kinds: serial and unrolled, body by callback ---- */

static void unrolled(CgFunc *f, const LStmt *s, LLVMValueRef lo, CgBodyFn fn, void *ctx)
{
    for (int k = 0; k < s->width; k++) {
        LLVMValueRef v = k ? LLVMBuildNSWAdd(f->m->b, lo, cg_i64(f->m, k), s->var->name) : lo;
        cg_push_var(f, s->var, v);
        fn(ctx, s->body[0]);
        f->nvars--;
    }
}

static bool in_list(const LStmt *const *l, int n, const LStmt *s)
{
    for (int i = 0; i < n; i++)
        if (l[i] == s) return true;
    return false;
}

/* if (cond) yes(ctx) else no(ctx), then on */
static void if_else(CgFunc *f, LLVMValueRef cond, void (*yes)(void *), void (*no)(void *), void *ctx)
{
    CgModule *m = f->m;
    LLVMBuilderRef B = m->b;
    LLVMBasicBlockRef by = LLVMAppendBasicBlockInContext(m->ctx, f->fn, "then");
    LLVMBasicBlockRef bn = LLVMAppendBasicBlockInContext(m->ctx, f->fn, "else");
    LLVMBasicBlockRef bj = LLVMAppendBasicBlockInContext(m->ctx, f->fn, "endif");
    LLVMBuildCondBr(B, cond, by, bn);
    LLVMPositionBuilderAtEnd(B, by);
    yes(ctx);
    LLVMBuildBr(B, bj);
    LLVMPositionBuilderAtEnd(B, bn);
    no(ctx);
    LLVMBuildBr(B, bj);
    LLVMPositionBuilderAtEnd(B, bj);
}

/* Emits fast() when the extent n (already emitted) equals s->width, else slow();
 * a constant extent, or an enclosing loop's versioning, picks one at compile time. */
static void when_full(CgFunc *f, const LStmt *s, LLVMValueRef n, void (*fast)(void *), void (*slow)(void *), void *ctx)
{
    if (s->extent->kind == LX_INT || in_list(f->full, f->nfull, s)) {
        if (s->extent->kind != LX_INT || s->extent->ival == s->width) fast(ctx);
        else slow(ctx);
        return;
    }
    if_else(f, LLVMBuildICmp(f->m->b, LLVMIntEQ, n, cg_i64(f->m, s->width), ""), fast, slow, ctx);
}

/* ---- LOOP_UNROLL ---- */

typedef struct UnrollCtx {
    CgFunc *f;
    const LStmt *s;
    LLVMValueRef lo, n;
    CgBodyFn fn;
    void *ctx;
} UnrollCtx;

static void unroll_fast(void *p)
{
    UnrollCtx *u = p;
    unrolled(u->f, u->s, u->lo, u->fn, u->ctx);
}
static void unroll_slow(void *p)
{
    UnrollCtx *u = p;
    cg_loop(u->f, u->s, u->lo, u->n, u->fn, u->ctx);
}

static void unroll_loop(CgFunc *f, const LStmt *s, CgBodyFn fn, void *ctx)
{
    UnrollCtx u = { f, s, cg_expr(f, s->min), cg_expr(f, s->extent), fn, ctx };
    long k = s->extent->kind == LX_INT ? (s->extent->ival == s->width ? s->width : 1) : s->width + 1L;
    if (s->width < 2 || s->width > UNROLL_MAX || copies * k > COPY_BUDGET) {
        unroll_slow(&u);
        return;
    }
    copies *= k;
    when_full(f, s, u.n, unroll_fast, unroll_slow, &u);
    copies /= k;
}

static void cg_body(void *ctx, const LStmt *body) { cg_stmt(ctx, body); }

void cg_unroll_for(CgFunc *f, const LStmt *s) { unroll_loop(f, s, cg_body, f); }

/* ---- can a loop be vectorized (see the fallbacks above) ---- */

static bool is_temp(const Vec *V, const Buffer *b)
{
    for (int i = V->ntemps - 1; i >= 0; i--)
        if (V->temps[i].buf == b) return true;
    return false;
}

/* Does e differ between lanes? */
static bool varies(const Vec *V, const LExpr *e)
{
    if (e->kind == LX_VAR) return e->var == V->var;
    if (e->kind == LX_LOAD && is_temp(V, e->buf)) return true;
    for (int i = 0; i < e->nargs; i++)
        if (e->args[i] && varies(V, e->args[i])) return true;
    return false;
}

static void push_temp(Vec *V, const Buffer *b, LLVMValueRef slot)
{
    GROW(V->temps, V->captemps, V->ntemps + 1);
    V->temps[V->ntemps++] = (VTemp){ b, slot };
}

static bool vec_ok(Vec *V, const LStmt *s)
{
    if (!s) return true;
    switch (s->kind) {
    case LS_BLOCK:
        for (int i = 0; i < s->nbody; i++)
            if (!vec_ok(V, s->body[i])) return false;
        return true;
    case LS_FOR:
        if (s->loop == LOOP_VECTOR || s->loop == LOOP_PARALLEL) return false;
        if (varies(V, s->min) || varies(V, s->extent) || cg_has_load(s->min) || cg_has_load(s->extent)) return false;
        return vec_ok(V, s->body[0]);
    case LS_ALLOC: {
        if (s->buf->ndim) return false;
        push_temp(V, s->buf, NULL);
        bool ok = vec_ok(V, s->body[0]);
        V->ntemps--;
        return ok;
    }
    case LS_STORE: return true;
    case LS_IF: return vec_ok(V, s->body[0]) && vec_ok(V, s->body[1]);
    case LS_CALL: return false;
    }
    return false;
}

/* ---- vector values ---- */

static bool is_vec(LLVMValueRef v) { return LLVMGetTypeKind(LLVMTypeOf(v)) == LLVMVectorTypeKind; }
static LLVMTypeRef vty(Vec *V, LLVMTypeRef t) { return LLVMVectorType(t, V->w); }

static LLVMValueRef splat(Vec *V, LLVMValueRef x)
{
    if (is_vec(x)) return x;
    if (LLVMIsConstant(x)) {
        LLVMValueRef c[VEC_MAX_WIDTH];
        for (unsigned i = 0; i < V->w; i++) c[i] = x;
        return LLVMConstVector(c, V->w);
    }
    LLVMTypeRef vt = vty(V, LLVMTypeOf(x));
    LLVMValueRef v = LLVMBuildInsertElement(V->B, LLVMGetPoison(vt), x, LLVMConstInt(V->m->i32, 0, 0), "");
    return LLVMBuildShuffleVector(V->B, v, LLVMGetPoison(vt), LLVMConstNull(vty(V, V->m->i32)), "");
}

/* A constant of the element type of t (a scalar or vector type) */
static LLVMValueRef const_like(Vec *V, LLVMTypeRef t, LLVMValueRef scalar)
{
    return LLVMGetTypeKind(t) == LLVMVectorTypeKind ? splat(V, scalar) : scalar;
}

static LLVMValueRef lane_mask(Vec *V) { return V->mask ? V->mask : LLVMConstAllOnes(vty(V, V->m->i1)); }

static LLVMValueRef and_mask(Vec *V, LLVMValueRef c)
{
    c = splat(V, c);
    return V->mask ? LLVMBuildAnd(V->B, V->mask, c, "") : c;
}

static LLVMValueRef not_vec(Vec *V, LLVMValueRef c)
{
    return LLVMBuildXor(V->B, c, LLVMConstAllOnes(LLVMTypeOf(c)), "");
}

static LLVMValueRef any_lane(Vec *V, LLVMValueRef mask)
{
    LLVMTypeRef t = LLVMTypeOf(mask);
    return cg_call_intrinsic(V->m, "llvm.vector.reduce.or", &t, 1, &mask, 1);
}

/* Runs emit(ctx) only when some lane of mask is active; the result (of type t,
 * or void when t is NULL) is zero otherwise. */
static LLVMValueRef if_any(Vec *V, LLVMValueRef mask, LLVMTypeRef t, LLVMValueRef (*emit)(Vec *, const void *),
                           const void *ctx)
{
    LLVMBuilderRef B = V->B;
    LLVMContextRef C = V->m->ctx;
    LLVMBasicBlockRef pre = LLVMGetInsertBlock(B);
    LLVMBasicBlockRef bt = LLVMAppendBasicBlockInContext(C, V->f->fn, "any");
    LLVMBasicBlockRef bj = LLVMAppendBasicBlockInContext(C, V->f->fn, "any.end");
    LLVMBuildCondBr(B, any_lane(V, mask), bt, bj);
    LLVMPositionBuilderAtEnd(B, bt);
    LLVMValueRef v = emit(V, ctx);
    LLVMBasicBlockRef et = LLVMGetInsertBlock(B);
    LLVMBuildBr(B, bj);
    LLVMPositionBuilderAtEnd(B, bj);
    if (!t) return NULL;
    LLVMValueRef phi = LLVMBuildPhi(B, t, "");
    LLVMAddIncoming(phi, (LLVMValueRef[]){ v, LLVMConstNull(t) }, (LLVMBasicBlockRef[]){ et, pre }, 2);
    return phi;
}

static LLVMValueRef emit_scalar(Vec *V, const void *e) { return cg_expr(V->f, e); }

/* A uniform expression: the scalar emitter; under a mask, reads run only when
 * some lane is active (a lane's guard may be what keeps them in bounds). */
static LLVMValueRef uniform(Vec *V, const LExpr *e)
{
    if (!V->mask || !cg_has_load(e)) return cg_expr(V->f, e);
    return if_any(V, V->mask, cg_type(V->m, e->type), emit_scalar, e);
}

static LLVMValueRef vx_expr(Vec *V, const LExpr *e);

/* Evaluates e with the mask narrowed to the lanes where c is set. */
static LLVMValueRef vx_under(Vec *V, LLVMValueRef c, const LExpr *e)
{
    LLVMValueRef saved = V->mask;
    V->mask = and_mask(V, c);
    LLVMValueRef v = vx_expr(V, e);
    V->mask = saved;
    return v;
}

/* ---- memory ---- */

/* e = s * var + (uniform)? *s gets s. */
static bool lin_stride(const Vec *V, const LExpr *e, int64_t *s)
{
    int64_t a, b;
    if (!varies(V, e)) {
        *s = 0;
        return true;
    }
    if (e->type != DT_I64) return false;
    switch (e->kind) {
    case LX_VAR: *s = 1; return true;
    case LX_UNARY:
        if (e->op != OP_NEG || !lin_stride(V, e->args[0], &a)) return false;
        *s = -a;
        return true;
    case LX_BINARY:
        if (!lin_stride(V, e->args[0], &a) || !lin_stride(V, e->args[1], &b)) return false;
        switch (e->op) {
        case OP_ADD: return !__builtin_add_overflow(a, b, s);
        case OP_SUB: return !__builtin_sub_overflow(a, b, s);
        case OP_MUL:
            if (e->args[1]->kind == LX_INT) return !__builtin_mul_overflow(a, e->args[1]->ival, s);
            if (e->args[0]->kind == LX_INT) return !__builtin_mul_overflow(b, e->args[0]->ival, s);
            return false;
        default: return false;
        }
    default: return false;
    }
}

/* How far apart in memory the lanes' elements of buf[idx] are: one index
 * steps by s != 0 across lanes (returns s), the others are uniform, every
 * dim after the stepping one has extent 1 (an rfactor stage's trailing dim,
 * say), and no index reads memory, unless it is uniform and no mask is on (a
 * gather's row, read once, as every lane runs). 0 otherwise. A step of 1 is
 * a contiguous <w x T> block, -1 one with its lanes in reverse. */
static int64_t lane_step(const Vec *V, const Buffer *b, LExpr *const *idx)
{
    int64_t s, step = 0;
    if (b->ndim == 0) return 0;
    for (int k = 0; k < b->ndim; k++) {
        if ((cg_has_load(idx[k]) && (V->mask || varies(V, idx[k]))) || !lin_stride(V, idx[k], &s)) return 0;
        if (s == 0) {
            if (step && !ix_is_const(b->extent[k], 1)) return 0;
            continue;
        }
        if (step) return 0;
        step = s;
    }
    return step;
}

/* 1 or -1 for a step that makes a contiguous block (see lane_step), 0 otherwise */
static int block_dir(int64_t step) { return step == 1 || step == -1 ? (int)step : 0; }

static int contiguous(const Vec *V, const Buffer *b, LExpr *const *idx) { return block_dir(lane_step(V, b, idx)); }

/* base + off elements. Under a mask the address may belong to an inactive
 * lane and lie outside the buffer, so it is not `inbounds` there. */
static LLVMValueRef gep(Vec *V, const Buffer *b, LLVMValueRef base, LLVMValueRef off)
{
    LLVMTypeRef t = cg_mem_type(V->m, b->type);
    return V->mask ? LLVMBuildGEP2(V->B, t, base, &off, 1, "") : LLVMBuildInBoundsGEP2(V->B, t, base, &off, 1, "");
}

/* The lowest address of a contiguous block: lane 0's element, or lane w-1's
 * when the lanes run backwards */
static LLVMValueRef block_addr(Vec *V, const Buffer *b, LExpr *const *idx, int dir)
{
    const BufInfo *bi = cg_lookup_buf(V->f, b);
    if (!bi) return LLVMConstNull(V->m->ptr);
    cg_push_var(V->f, V->var, V->lo);
    LLVMValueRef off = cg_i64(V->m, dir < 0 ? 1 - (int64_t)V->w : 0);
    for (int k = 0; k < b->ndim; k++) {
        LLVMValueRef i = cg_iadd(V->m, cg_expr(V->f, idx[k]), bi->min[k], true);
        off = cg_iadd(V->m, off, cg_imul(V->m, i, bi->stride[k]), false);
    }
    V->f->nvars--;
    return gep(V, b, bi->base, off);
}

static LLVMValueRef reverse(Vec *V, LLVMValueRef v)
{
    LLVMValueRef k[VEC_MAX_WIDTH];
    for (unsigned i = 0; i < V->w; i++) k[i] = LLVMConstInt(V->m->i32, V->w - 1 - i, 0);
    return LLVMBuildShuffleVector(V->B, v, LLVMGetPoison(LLVMTypeOf(v)), LLVMConstVector(k, V->w), "");
}

/* <w x ptr>: one address per lane */
static LLVMValueRef lane_addrs(Vec *V, const Buffer *b, LExpr *const *idx)
{
    LLVMBuilderRef B = V->B;
    const BufInfo *bi = cg_lookup_buf(V->f, b);
    if (!bi) return LLVMConstNull(vty(V, V->m->ptr));
    LLVMValueRef off = cg_i64(V->m, 0);
    for (int k = 0; k < b->ndim; k++) {
        LLVMValueRef i = vx_expr(V, idx[k]);
        if (is_vec(i)) {
            LLVMValueRef t = LLVMBuildMul(B, LLVMBuildSub(B, i, splat(V, bi->min[k]), ""), splat(V, bi->stride[k]), "");
            off = LLVMBuildAdd(B, splat(V, off), t, "");
        } else {
            LLVMValueRef t = LLVMBuildMul(B, LLVMBuildSub(B, i, bi->min[k], ""), bi->stride[k], "");
            off = is_vec(off) ? LLVMBuildAdd(B, off, splat(V, t), "") : LLVMBuildAdd(B, off, t, "");
        }
    }
    return gep(V, b, bi->base, splat(V, off));
}

/* The widest step read as contiguous blocks rather than gathered */
#define STRIDED_MAX 4

/* The lanes' elements b, b + s, ..., b + (w - 1) s of a step s in
 * 2..STRIDED_MAX, read with no mask on, in place of a gather: the span from
 * lane 0's element to lane w-1's is in bounds (both ends are, and the
 * stepping dim is the innermost with extent > 1), so it is read as blocks of
 * w, the last one ending at the last lane's element, and lane i is picked
 * from the block that holds span position i s. */
static LLVMValueRef strided_load(Vec *V, const Buffer *b, LExpr *const *idx, int64_t s)
{
    CgModule *m = V->m;
    LLVMTypeRef mt = cg_mem_type(m, b->type), vt = vty(V, mt);
    LLVMValueRef p0 = block_addr(V, b, idx, 1), parts[STRIDED_MAX + 1], pick[VEC_MAX_WIDTH];
    unsigned w = V->w, span = (w - 1) * (unsigned)s + 1, n = (span + w - 1) / w, off[STRIDED_MAX];
    for (unsigned k = 0; k < n; k++) {
        off[k] = k + 1 < n ? k * w : span - w;
        LLVMValueRef p = LLVMBuildInBoundsGEP2(V->B, mt, p0, (LLVMValueRef[]){ cg_i64(m, off[k]) }, 1, "");
        parts[k] = LLVMBuildLoad2(V->B, vt, p, "");
        LLVMSetAlignment(parts[k], cg_elem_bytes(b->type));
    }
    /* the blocks side by side, as one vector of n w lanes (n rounded up to a
     * power of two with poison blocks) */
    unsigned len = w;
    for (; n > 1; n = (n + 1) / 2, len *= 2) {
        LLVMValueRef cat[STRIDED_MAX * VEC_MAX_WIDTH];
        for (unsigned i = 0; i < 2 * len; i++) cat[i] = LLVMConstInt(m->i32, i, 0);
        for (unsigned k = 0; k < n; k += 2) {
            LLVMValueRef hi = k + 1 < n ? parts[k + 1] : LLVMGetPoison(LLVMTypeOf(parts[k]));
            parts[k / 2] = LLVMBuildShuffleVector(V->B, parts[k], hi, LLVMConstVector(cat, 2 * len), "");
        }
    }
    for (unsigned i = 0; i < w; i++) {
        unsigned p = i * (unsigned)s, k = 0;
        while (p >= off[k] + w) k++;
        pick[i] = LLVMConstInt(m->i32, k * w + p - off[k], 0);
    }
    return LLVMBuildShuffleVector(V->B, parts[0], LLVMGetPoison(LLVMTypeOf(parts[0])), LLVMConstVector(pick, w), "");
}

static LLVMValueRef temp_slot(Vec *V, const Buffer *b)
{
    for (int i = V->ntemps - 1; i >= 0; i--)
        if (V->temps[i].buf == b) return V->temps[i].slot;
    cg_internal_error(V->m, "vector temporary not in scope");
    return NULL;
}

static LLVMValueRef vx_load(Vec *V, const LExpr *e)
{
    CgModule *m = V->m;
    LLVMBuilderRef B = V->B;
    const Buffer *b = e->buf;
    if (is_temp(V, b)) return LLVMBuildLoad2(B, vty(V, cg_type(m, b->type)), temp_slot(V, b), "");
    LLVMTypeRef mt = cg_mem_type(m, b->type), vt = vty(V, mt);
    LLVMValueRef align = LLVMConstInt(m->i32, cg_elem_bytes(b->type), 0), v;
    int64_t step = lane_step(V, b, e->args);
    int dir = block_dir(step);
    if (step >= 2 && step <= STRIDED_MAX && !V->mask) {
        v = strided_load(V, b, e->args, step);
    } else if (dir) {
        LLVMValueRef p = block_addr(V, b, e->args, dir);
        if (!V->mask) {
            v = LLVMBuildLoad2(B, vt, p, "");
            LLVMSetAlignment(v, cg_elem_bytes(b->type));
        } else {
            LLVMTypeRef ov[2] = { vt, m->ptr };
            LLVMValueRef a[4] = { p, align, dir < 0 ? reverse(V, V->mask) : V->mask, LLVMConstNull(vt) };
            v = cg_call_intrinsic(m, "llvm.masked.load", ov, 2, a, 4);
        }
        if (dir < 0) v = reverse(V, v);
    } else {
        LLVMValueRef ps = lane_addrs(V, b, e->args);
        LLVMTypeRef ov[2] = { vt, LLVMTypeOf(ps) };
        LLVMValueRef a[4] = { ps, align, lane_mask(V), LLVMConstNull(vt) };
        v = cg_call_intrinsic(m, "llvm.masked.gather", ov, 2, a, 4);
    }
    if (b->type == DT_BOOL) v = LLVMBuildICmp(B, LLVMIntNE, v, LLVMConstNull(vt), "");
    return v;
}

/* ---- arithmetic ---- */


static LLVMValueRef vx_binary(Vec *V, const LExpr *e)
{
    CgModule *m = V->m;
    LLVMBuilderRef B = V->B;
    const LExpr *ea = e->args[0], *eb = e->args[1];
    if ((e->op == OP_AND || e->op == OP_OR) && cg_has_load(eb)) {
        /* b runs only in the lanes where a does not decide */
        LLVMValueRef a = vx_expr(V, ea);
        LLVMValueRef va = splat(V, a);
        LLVMValueRef b = splat(V, vx_under(V, e->op == OP_AND ? va : not_vec(V, va), eb));
        LLVMValueRef t = LLVMConstAllOnes(LLVMTypeOf(va)), fl = LLVMConstNull(LLVMTypeOf(va));
        return e->op == OP_AND ? LLVMBuildSelect(B, va, b, fl, "") : LLVMBuildSelect(B, va, t, b, "");
    }
    const LExpr *fa, *fb, *fc;
    bool nab, nc;
    if (cg_fma_parts(e, &fa, &fb, &fc, &nab, &nc)) {
        LLVMValueRef x[3] = { splat(V, vx_expr(V, fa)), splat(V, vx_expr(V, fb)), splat(V, vx_expr(V, fc)) };
        if (nab) x[0] = LLVMBuildFNeg(B, x[0], "");
        if (nc) x[2] = LLVMBuildFNeg(B, x[2], "");
        LLVMTypeRef T = LLVMTypeOf(x[0]);
        return cg_call_intrinsic(m, "llvm.fma", &T, 1, x, 3);
    }
    LLVMValueRef a = vx_expr(V, ea), b = vx_expr(V, eb);
    return cg_binop(m, e->op, ea->type, splat(V, a), splat(V, b));
}


/* A libm function with no vector form, lane by lane */
static LLVMValueRef per_lane(Vec *V, const char *name, LLVMValueRef x)
{
    LLVMBuilderRef B = V->B;
    LLVMTypeRef et = LLVMGetElementType(LLVMTypeOf(x));
    LLVMValueRef fn = cg_libfn(V->m, name, et, &et, 1);
    LLVMValueRef r = LLVMGetPoison(LLVMTypeOf(x));
    for (unsigned i = 0; i < V->w; i++) {
        LLVMValueRef k = LLVMConstInt(V->m->i32, i, 0);
        LLVMValueRef a = LLVMBuildExtractElement(B, x, k, "");
        LLVMValueRef c = cg_fpflag(LLVMBuildCall2(B, LLVMGlobalGetValueType(fn), fn, &a, 1, ""));
        r = LLVMBuildInsertElement(B, r, c, k, "");
    }
    return r;
}

static LLVMValueRef vector_libm(void *V, const char *name, LLVMTypeRef T, LLVMValueRef x)
{
    (void)T;
    return per_lane(V, name, x);
}

static LLVMValueRef vx_call(Vec *V, const LExpr *e)
{
    CgModule *m = V->m;
    if (e->fn == MF_CAST) return cg_convert(V->f, vx_expr(V, e->args[0]), e->args[0]->type, e->type);
    LLVMValueRef r = NULL;
    if (e->nargs >= 1 && e->nargs <= 2) {
        LLVMValueRef a[2];
        for (int i = 0; i < e->nargs; i++) a[i] = splat(V, vx_expr(V, e->args[i]));
        r = cg_math(m, e, e->args[0]->type, LLVMTypeOf(a[0]), a, vector_libm, V);
    }
    if (r) return r;
    cg_internal_error(m, "unsupported math call");
    return LLVMConstNull(vty(V, cg_type(m, e->type)));
}

/* c ? x : y with each arm's reads masked to its lanes */
static LLVMValueRef masked_select(Vec *V, LLVMValueRef c, const LExpr *e)
{
    LLVMValueRef x = splat(V, vx_under(V, c, e->args[1]));
    LLVMValueRef y = splat(V, vx_under(V, not_vec(V, c), e->args[2]));
    return LLVMBuildSelect(V->B, c, x, y, "");
}

/* cond ? args[1] : (mixed ? masked_select(c) : args[2]) by a branch on the
 * scalar cond, each arm computed only on its side, joined by a phi */
static LLVMValueRef branch_select(Vec *V, LLVMValueRef cond, LLVMValueRef c, const LExpr *e, bool mixed)
{
    LLVMBuilderRef B = V->B;
    LLVMContextRef C = V->m->ctx;
    LLVMBasicBlockRef bt = LLVMAppendBasicBlockInContext(C, V->f->fn, mixed ? "sel.all" : "sel.t");
    LLVMBasicBlockRef bf = LLVMAppendBasicBlockInContext(C, V->f->fn, mixed ? "sel.mixed" : "sel.f");
    LLVMBasicBlockRef bj = LLVMAppendBasicBlockInContext(C, V->f->fn, "sel.j");
    LLVMBuildCondBr(B, cond, bt, bf);
    LLVMPositionBuilderAtEnd(B, bt);
    LLVMValueRef x = splat(V, vx_expr(V, e->args[1]));
    LLVMBasicBlockRef et = LLVMGetInsertBlock(B);
    LLVMBuildBr(B, bj);
    LLVMPositionBuilderAtEnd(B, bf);
    LLVMValueRef y = mixed ? masked_select(V, c, e) : splat(V, vx_expr(V, e->args[2]));
    LLVMBasicBlockRef ef = LLVMGetInsertBlock(B);
    LLVMBuildBr(B, bj);
    LLVMPositionBuilderAtEnd(B, bj);
    LLVMValueRef phi = LLVMBuildPhi(B, LLVMTypeOf(x), "");
    LLVMAddIncoming(phi, (LLVMValueRef[]){ x, y }, (LLVMBasicBlockRef[]){ et, ef }, 2);
    return phi;
}

static LLVMValueRef vx_select(Vec *V, const LExpr *e)
{
    LLVMBuilderRef B = V->B;
    LLVMValueRef c = vx_expr(V, e->args[0]);
    if (!cg_has_load(e->args[1]) && !cg_has_load(e->args[2])) {
        LLVMValueRef x = vx_expr(V, e->args[1]), y = vx_expr(V, e->args[2]);
        return LLVMBuildSelect(B, c, splat(V, x), splat(V, y), "");
    }
    if (!is_vec(c)) return branch_select(V, c, c, e, false);    /* one arm for all lanes, as scalars do */
    if (V->mask) return masked_select(V, c, e);
    /* with every lane active and c true in all of them (the interior of a
     * padded read) the chosen arm needs no mask; nested selects take this
     * path again only on the unmasked side, so the copies grow linearly */
    LLVMTypeRef ct = LLVMTypeOf(c);
    LLVMValueRef all = cg_call_intrinsic(V->m, "llvm.vector.reduce.and", &ct, 1, &c, 1);
    return branch_select(V, all, c, e, true);
}

/* e's value: a scalar when uniform, else <w x T> (bool: <w x i1>) */
static LLVMValueRef vx_expr(Vec *V, const LExpr *e)
{
    LLVMBuilderRef B = V->B;
    if (!varies(V, e)) return uniform(V, e);
    switch (e->kind) {
    case LX_VAR: return V->lanes;
    case LX_LOAD: return vx_load(V, e);
    case LX_UNARY: {
        LLVMValueRef x = vx_expr(V, e->args[0]);
        if (e->op == OP_NOT) return LLVMBuildXor(B, x, const_like(V, LLVMTypeOf(x), LLVMConstInt(V->m->i1, 1, 0)), "");
        if (dtype_is_float(e->args[0]->type)) return LLVMBuildFNeg(B, x, "");
        return LLVMBuildSub(B, LLVMConstNull(LLVMTypeOf(x)), x, "");
    }
    case LX_BINARY: return vx_binary(V, e);
    case LX_SELECT: return vx_select(V, e);
    case LX_CALL: return vx_call(V, e);
    case LX_CAST: return cg_convert(V->f, vx_expr(V, e->args[0]), e->args[0]->type, e->type);
    default: break;
    }
    cg_internal_error(V->m, "unknown expression");
    return LLVMConstNull(V->m->i64);
}

/* ---- statements ---- */

static void vx_stmt(Vec *V, const LStmt *s);
static void vx_body(void *ctx, const LStmt *body) { vx_stmt(ctx, body); }

static LLVMValueRef emit_store_scalar(Vec *V, const void *s)
{
    cg_stmt(V->f, s);
    return NULL;
}

static void vx_store(Vec *V, const LStmt *s)
{
    CgModule *m = V->m;
    LLVMBuilderRef B = V->B;
    const Buffer *b = s->buf;
    if (is_temp(V, b)) {
        LLVMValueRef slot = temp_slot(V, b);
        LLVMValueRef v = splat(V, vx_expr(V, s->value));
        if (V->mask) v = LLVMBuildSelect(B, V->mask, v, LLVMBuildLoad2(B, LLVMTypeOf(v), slot, ""), "");
        LLVMBuildStore(B, v, slot);
        return;
    }
    bool idx_varies = false;
    for (int k = 0; k < b->ndim; k++) idx_varies |= varies(V, s->idx[k]);
    if (!idx_varies && !varies(V, s->value)) {
        /* every lane stores the same value to the same place */
        if (V->mask) {
            if_any(V, V->mask, NULL, emit_store_scalar, s);
        } else {
            cg_stmt(V->f, s);
        }
        return;
    }
    LLVMValueRef v = splat(V, vx_expr(V, s->value));
    LLVMTypeRef mt = cg_mem_type(m, b->type), vt = vty(V, mt);
    if (b->type == DT_BOOL) v = LLVMBuildZExt(B, v, vt, "");
    LLVMValueRef align = LLVMConstInt(m->i32, cg_elem_bytes(b->type), 0);
    int dir = contiguous(V, b, s->idx);
    if (dir) {
        LLVMValueRef p = block_addr(V, b, s->idx, dir);
        if (dir < 0) v = reverse(V, v);
        if (!V->mask) {
            LLVMValueRef st = LLVMBuildStore(B, v, p);
            LLVMSetAlignment(st, cg_elem_bytes(b->type));
        } else {
            LLVMValueRef mk = dir < 0 ? reverse(V, V->mask) : V->mask;
            LLVMTypeRef ov[2] = { vt, m->ptr };
            cg_call_intrinsic(m, "llvm.masked.store", ov, 2, (LLVMValueRef[]){ v, p, align, mk }, 4);
        }
        return;
    }
    /* lanes that hit the same element store in lane order, as the serial loop would */
    LLVMValueRef ps = lane_addrs(V, b, s->idx);
    LLVMTypeRef ov[2] = { vt, LLVMTypeOf(ps) };
    cg_call_intrinsic(m, "llvm.masked.scatter", ov, 2, (LLVMValueRef[]){ v, ps, align, lane_mask(V) }, 4);
}

/* Runs body with the mask narrowed to c, skipped when no lane is left */
static LLVMValueRef emit_masked_body(Vec *V, const void *s)
{
    vx_stmt(V, s);
    return NULL;
}

static void vx_masked(Vec *V, LLVMValueRef c, const LStmt *body)
{
    if (!body) return;
    LLVMValueRef saved = V->mask;
    V->mask = and_mask(V, c);
    if_any(V, V->mask, NULL, emit_masked_body, body);
    V->mask = saved;
}

/* A loop nested in the vector body: its bounds are uniform and read no memory
 * (vec_ok), its body is vectorized too. */
static void vx_for(Vec *V, const LStmt *s)
{
    if (s->loop == LOOP_UNROLL) {
        unroll_loop(V->f, s, vx_body, V);
        return;
    }
    cg_loop(V->f, s, cg_expr(V->f, s->min), cg_expr(V->f, s->extent), vx_body, V);
}

static void vx_stmt(Vec *V, const LStmt *s)
{
    if (!s) return;
    CgModule *m = V->m;
    switch (s->kind) {
    case LS_BLOCK:
        for (int i = 0; i < s->nbody; i++) vx_stmt(V, s->body[i]);
        return;
    case LS_FOR: vx_for(V, s); return;
    case LS_ALLOC: {
        LLVMValueRef slot = LLVMBuildAlloca(V->f->ab, vty(V, cg_type(m, s->buf->type)), s->buf->name);
        push_temp(V, s->buf, slot);
        vx_stmt(V, s->body[0]);
        V->ntemps--;
        return;
    }
    case LS_STORE: vx_store(V, s); return;
    case LS_IF: {
        LLVMValueRef c = vx_expr(V, s->cond);
        if (!is_vec(c)) {
            cg_if(V->f, s, c, vx_body, V);
            return;
        }
        vx_masked(V, c, s->body[0]);
        vx_masked(V, not_vec(V, c), s->body[1]);
        return;
    }
    case LS_CALL: break;    /* excluded by vec_ok */
    }
    cg_internal_error(m, "statement in a vector loop");
}

/* ---- LOOP_VECTOR ---- */

typedef struct VecCtx {
    Vec *V;
    const LStmt *s;
    LLVMValueRef n;     /* the extent */
} VecCtx;

/* <0, 1, ..., w-1> (i64) */
static LLVMValueRef lane_numbers(Vec *V)
{
    LLVMValueRef k[VEC_MAX_WIDTH];
    for (unsigned i = 0; i < V->w; i++) k[i] = cg_i64(V->m, i);
    return LLVMConstVector(k, V->w);
}

static void vector_fast(void *p)
{
    VecCtx *c = p;
    Vec *V = c->V;
    V->lo = cg_expr(V->f, c->s->min);
    V->lanes = LLVMBuildNSWAdd(V->B, splat(V, V->lo), lane_numbers(V), c->s->var->name);
    vx_stmt(V, c->s->body[0]);
}

/* A partial vector (extent n < w, a tail): the same body with lanes n.. off,
 * as under a guard: masked loads and stores, uniform work only when some lane
 * is on. Each lane still computes what its serial iteration would. */
static void vector_masked(void *p)
{
    VecCtx *c = p;
    Vec *V = c->V;
    V->mask = LLVMBuildICmp(V->B, LLVMIntSLT, lane_numbers(V), splat(V, c->n), "tail");
    vector_fast(p);
    V->mask = NULL;
}

static void vector_serial(void *p)
{
    VecCtx *c = p;
    cg_serial_for(c->V->f, c->s);
}

/* An extent other than w: masked when below w, the serial loop above it */
static void vector_partial(void *p)
{
    VecCtx *c = p;
    const LStmt *s = c->s;
    if (s->extent->kind == LX_INT) {
        (s->extent->ival < s->width ? vector_masked : vector_serial)(p);
        return;
    }
    CgModule *m = c->V->m;
    if_else(c->V->f, LLVMBuildICmp(m->b, LLVMIntSLT, c->n, cg_i64(m, s->width), ""), vector_masked, vector_serial, p);
}

void cg_vector_for(CgFunc *f, const LStmt *s)
{
    Vec V = { .f = f, .m = f->m, .B = f->m->b, .var = s->var, .w = (unsigned)s->width };
    bool ok = s->width >= 2 && s->width <= VEC_MAX_WIDTH && vec_ok(&V, s->body[0]);
    if (!ok) {
        free(V.temps);
        cg_serial_for(f, s);
        return;
    }
    VecCtx c = { &V, s, cg_expr(f, s->extent) };
    long k = s->extent->kind == LX_INT ? 1 : 3;
    copies *= k;
    when_full(f, s, c.n, vector_fast, vector_partial, &c);
    copies /= k;
    free(V.temps);
}

/* ---- versioning serial loops on full vector/unroll loops ----
 * A tiled reduction runs `for r: unrolled ii: vectorized ji: C += ...` where the
 * extents of ii and ji (min(6, m - i0), ...) do not change with r. Testing them
 * inside r leaves LLVM a loop with a branch per row, which it merges with the
 * partial path and cannot keep C in registers across. So the outermost serial
 * loop whose body holds such loops tests them once: one copy of the loop with
 * all of them full, one with the usual per-iteration tests. */

/* Is every loop counter in e bound outside the loop being versioned? */
static bool bound_here(CgFunc *f, const LExpr *e)
{
    if (e->kind == LX_VAR && e->var->kind == LV_LOOP) {
        for (int i = f->nvars - 1; i >= 0; i--)
            if (f->vars[i].var == e->var) return true;
        return false;
    }
    for (int i = 0; i < e->nargs; i++)
        if (e->args[i] && !bound_here(f, e->args[i])) return false;
    return true;
}

static void version_candidates(CgFunc *f, const LStmt *s, const LStmt **out, int *n)
{
    if (!s) return;
    if (s->kind == LS_FOR) {
        if (s->loop == LOOP_PARALLEL) return;
        if ((s->loop == LOOP_VECTOR || s->loop == LOOP_UNROLL) && s->width >= 2 && s->width <= VEC_MAX_WIDTH &&
            s->extent->kind != LX_INT && !cg_has_load(s->extent) && bound_here(f, s->extent) &&
            !in_list(f->tried, f->ntried, s) && f->ntried + *n < CG_MAX_VERSIONED)
            out[(*n)++] = s;
    }
    for (int i = 0; i < s->nbody; i++) version_candidates(f, s->body[i], out, n);
}

void cg_versioned_for(CgFunc *f, const LStmt *s)
{
    const LStmt *cand[CG_MAX_VERSIONED];
    int n = 0;
    version_candidates(f, s->body[0], cand, &n);
    if (!n) {
        cg_serial_for(f, s);
        return;
    }
    CgModule *m = f->m;
    LLVMBuilderRef B = m->b;
    LLVMValueRef all = NULL;
    for (int i = 0; i < n; i++) {
        LLVMValueRef c = LLVMBuildICmp(B, LLVMIntEQ, cg_expr(f, cand[i]->extent), cg_i64(m, cand[i]->width), "");
        all = all ? LLVMBuildAnd(B, all, c, "") : c;
    }
    LLVMBasicBlockRef bv = LLVMAppendBasicBlockInContext(m->ctx, f->fn, "all.full");
    LLVMBasicBlockRef bs = LLVMAppendBasicBlockInContext(m->ctx, f->fn, "some.partial");
    LLVMBasicBlockRef bj = LLVMAppendBasicBlockInContext(m->ctx, f->fn, "versions.end");
    LLVMBuildCondBr(B, all, bv, bs);
    int nf = f->nfull, nt = f->ntried;
    TDSL_ASSERT(nt + n <= CG_MAX_VERSIONED && nf + n <= CG_MAX_VERSIONED, "more versioned loops than CG_MAX_VERSIONED");
    for (int i = 0; i < n; i++) f->tried[f->ntried++] = cand[i];
    LLVMPositionBuilderAtEnd(B, bv);
    for (int i = 0; i < n; i++) f->full[f->nfull++] = cand[i];
    cg_serial_for(f, s);
    LLVMBuildBr(B, bj);
    f->nfull = nf;
    LLVMPositionBuilderAtEnd(B, bs);
    cg_serial_for(f, s);
    LLVMBuildBr(B, bj);
    f->ntried = nt;
    LLVMPositionBuilderAtEnd(B, bj);
}
