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
    const char **out_names; /* per graph output: its name in the signature */
    PtrVec used;            /* every name given out, for collisions */
    PtrVec syms;            /* pairs: dim_param, its identifier */
    const OnnxValue **view; /* per value: a Flatten's input, read directly by the Gemm that consumes it */
    bool *flat3;            /* per value: named in its 3-D form [c, h, w] (an image of batch 1, as kernels take it) */
    const char **alt;       /* per value: its other form (4-D of a flat3 value, 3-D of another), once made */
    int ntemp;
    bool failed;
} Emitter;

const char *em_name(Emitter *e, const OnnxValue *v);  /* the value as a whole tensor (a const is declared) */
/* a [1, c, h, w] value as a [c, h, w] tensor (a copy is made once where it is not one) */
const char *em_image(Emitter *e, const OnnxValue *v);
/* a constant's data as a const of another shape (the same elements, in order), declared once */
const char *em_const_as(Emitter *e, const OnnxValue *v, const OnnxShape *s);
/* the name the node's output k gets in its 3-D form, for a kernel's result */
const char *em_out_image(Emitter *e, OnnxNode *n, int k);
const char *em_dims(Emitter *e, const OnnxShape *s); /* "1, 3, N, 224" */
const char *em_vars(Emitter *e, const char *p, int n); /* "i0, i1, ..." */
/* the element of v read at the output's index vars i0..i{rank-1}, with
 * numpy broadcasting (v aligned right; its extent-1 dims read at 0) */
const char *em_at(Emitter *e, const OnnxValue *v, int rank);
const char *em_float(Emitter *e, double x);
/* declares and names a new stage of shape s ("NAME: f32[...]" line; _of: of dtype t) */
const char *em_stage(Emitter *e, const char *base, const OnnxShape *s);
const char *em_stage_of(Emitter *e, const char *base, const OnnxShape *s, OnnxDtype t);
const char *em_dtype(OnnxDtype t);    /* "f32", "i64", "i32", or NULL */
/* the name a node's output k gets: declared unless it is a graph output */
const char *em_out(Emitter *e, OnnxNode *n, int k);
int em_fail(Emitter *e, OnnxNode *n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

int em_node(Emitter *e, OnnxNode *n);     /* emit_ops.c */

#endif
