/* codegen_prefetch.c - software prefetch for gathers. A serial loop whose
 * body reads a buffer at an index that itself reads memory (T[I[r], j]) waits
 * on memory each iteration: the hardware prefetcher cannot guess the next
 * row. At the top of iteration r the row iteration r + PF_DIST reads is
 * prefetched. Only reads that run in every iteration qualify (none under a
 * select arm or an if), and the index is computed for r + PF_DIST only when
 * that is an iteration of the loop, so its own reads are the ones the bounds
 * proof covers; llvm.prefetch itself never faults. */
#include "lower/codegen.h"
#include <stdlib.h>

#define PF_DIST 8   /* iterations ahead */
#define PF_LINES 4  /* 64-byte lines from the row's start: a 64-float row */

/* Does e use only vars bound here (outer loops, v, sizes, scalars)? Does it use v? */
static bool bound_here(CgFunc *f, const LExpr *e, const LVar *v, bool *uses_v)
{
    if (e->kind == LX_VAR && e->var->kind == LV_LOOP) {
        if (e->var == v) return *uses_v = true;
        for (int i = f->nvars - 1; i >= 0; i--)
            if (f->vars[i].var == e->var) return true;
        return false;
    }
    for (int i = 0; i < e->nargs; i++)
        if (e->args[i] && !bound_here(f, e->args[i], v, uses_v)) return false;
    return true;
}

/* A read whose index at some dim reads memory and steps with v: that dim
 * kept, the others at their first element (NULL: not one). */
static LExpr **gather_row(CgFunc *f, const LExpr *e, const LVar *v)
{
    if (e->kind != LX_LOAD || !e->buf->ndim) return NULL;
    LExpr **idx = malloc(sizeof(LExpr *) * (size_t)e->buf->ndim);
    bool any = false;
    for (int k = 0; k < e->buf->ndim && idx; k++) {
        bool uses = false;
        if (cg_has_load(e->args[k]) && bound_here(f, e->args[k], v, &uses) && uses) {
            idx[k] = e->args[k];
            any = true;
        } else {
            idx[k] = e->buf->min[k];
        }
    }
    if (!any) free(idx);
    return any ? idx : NULL;
}

/* The rows the reads of e need in an iteration (unconditional ones only). */
static int find_rows(CgFunc *f, const LExpr *e, const LVar *v, LExpr ***rows, const Buffer **bufs, int n)
{
    if (!e || n >= 4) return n;
    LExpr **r = gather_row(f, e, v);
    if (r) {
        bufs[n] = e->buf;
        rows[n++] = r;
    }
    bool guarded = e->kind == LX_SELECT || (e->kind == LX_BINARY && (e->op == OP_AND || e->op == OP_OR));
    for (int i = 0; i < (guarded ? 1 : e->nargs); i++) n = find_rows(f, e->args[i], v, rows, bufs, n);
    return n;
}

/* Is b allocated inside the loop (not there yet at the top of an iteration)? */
static bool local_to(const LStmt *s, const Buffer *b)
{
    if (!s) return false;
    if (s->kind == LS_ALLOC && s->buf == b) return true;
    for (int i = 0; i < s->nbody; i++)
        if (local_to(s->body[i], b)) return true;
    return false;
}

static int find_in_stmt(CgFunc *f, const LStmt *s, const LVar *v, LExpr ***rows, const Buffer **bufs, int n)
{
    if (!s || s->kind == LS_IF || s->kind == LS_CALL) return n;
    if (s->kind == LS_STORE) return find_rows(f, s->value, v, rows, bufs, n);
    for (int i = 0; i < s->nbody; i++) n = find_in_stmt(f, s->body[i], v, rows, bufs, n);
    return n;
}

static void prefetch_row(CgFunc *f, const Buffer *b, LExpr **idx)
{
    CgModule *m = f->m;
    LLVMValueRef at = cg_elem_addr(f, b, idx);
    for (int k = 0; k < PF_LINES; k++) {
        LLVMValueRef off = cg_i64(m, 64 * k);
        LLVMValueRef p = LLVMBuildGEP2(m->b, m->i8, at, &off, 1, "");
        LLVMValueRef args[4] = { p, LLVMConstInt(m->i32, 0, 0), LLVMConstInt(m->i32, 3, 0),
                                 LLVMConstInt(m->i32, 1, 0) };
        LLVMTypeRef ov = m->ptr;
        cg_call_intrinsic(m, "llvm.prefetch", &ov, 1, args, 4);
    }
}

void cg_prefetch(CgFunc *f, const LStmt *loop, LLVMValueRef i, LLVMValueRef hi)
{
    LExpr **rows[4];
    const Buffer *bufs[4];
    int found = find_in_stmt(f, loop->body[0], loop->var, rows, bufs, 0), n = 0;
    for (int k = 0; k < found; k++) {
        if (local_to(loop->body[0], bufs[k]) || bufs[k]->arena) free(rows[k]);
        else bufs[n] = bufs[k], rows[n++] = rows[k];
    }
    if (!n) return;
    CgModule *m = f->m;
    LLVMBuilderRef B = m->b;
    LLVMValueRef ahead = LLVMBuildNSWAdd(B, i, cg_i64(m, PF_DIST), "");
    LLVMBasicBlockRef go = LLVMAppendBasicBlockInContext(m->ctx, f->fn, "prefetch");
    LLVMBasicBlockRef done = LLVMAppendBasicBlockInContext(m->ctx, f->fn, "prefetch.end");
    LLVMBuildCondBr(B, LLVMBuildICmp(B, LLVMIntSLT, ahead, hi, ""), go, done);
    LLVMPositionBuilderAtEnd(B, go);
    cg_push_var(f, loop->var, ahead);
    for (int k = 0; k < n; k++) prefetch_row(f, bufs[k], rows[k]);
    f->nvars--;
    LLVMBuildBr(B, done);
    LLVMPositionBuilderAtEnd(B, done);
    for (int k = 0; k < n; k++) free(rows[k]);
}
