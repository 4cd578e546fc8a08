/* emit.h - private to onnx/: the state of --emit tdsl (emit_tdsl.c) shared
 * with the per-op printers (emit_ops.c). Every stage is written with its
 * declared shape, so the program is checked against shape inference. */
#ifndef TDSL_ONNX_EMIT_H
#define TDSL_ONNX_EMIT_H
#include "onnx/onnx.h"

typedef struct Emitter {
    OnnxGraph *g;
    Arena *a;
    FILE *body;             /* the fn's statements (an open_memstream) */
    FILE *consts;           /* the const lines */
    const char *npy_dir, *prefix;
    const char **names;     /* per value id: its TDSL name */
    PtrVec used;            /* every name given out, for collisions */
    PtrVec syms;            /* pairs: dim_param, its identifier */
    int *uses;              /* per value: how many node inputs read it */
    const OnnxValue **view; /* per value: a Flatten's input, read directly by the Gemm that consumes it */
    bool *done;             /* per node: emitted (or folded into another) */
    int ntemp;
    bool failed;
} Emitter;

const char *em_name(Emitter *e, const OnnxValue *v);  /* the value as a whole tensor (a const is declared) */
const char *em_dims(Emitter *e, const OnnxShape *s); /* "1, 3, N, 224" */
const char *em_vars(Emitter *e, const char *p, int n); /* "i0, i1, ..." */
/* the element of v read at the output's index vars i0..i{rank-1}, with
 * numpy broadcasting (v aligned right; its extent-1 dims read at 0) */
const char *em_at(Emitter *e, const OnnxValue *v, int rank);
const char *em_float(Emitter *e, double x);
/* declares and names a new stage of shape s ("NAME: f32[...]" line) */
const char *em_stage(Emitter *e, const char *base, const OnnxShape *s);
/* the name a node's output k gets: declared unless it is a graph output */
const char *em_out(Emitter *e, OnnxNode *n, int k);
int em_fail(Emitter *e, OnnxNode *n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

int em_node(Emitter *e, OnnxNode *n);     /* emit_ops.c */

#endif
