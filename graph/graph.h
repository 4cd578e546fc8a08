/* graph.h - graph passes over an imported model (the IR of onnx/graph.h),
 * run after shape inference and before the model is printed as a TDSL
 * program: constants folded, BatchNormalization folded into the conv before
 * it, GELU's Div/Erf/Add/Mul/Mul subgraph as one Gelu node, epilogues (a
 * residual add, relu, clip) fused into the conv or Gemm they follow; the
 * stdlib kernel each node becomes; the memory plan of the intermediates. */
#ifndef TDSL_GRAPH_H
#define TDSL_GRAPH_H
#include "onnx/graph.h"
#include <stdio.h>

typedef struct GraphStats {
    int nodes_in;       /* before the passes */
    int folded;         /* nodes evaluated at compile time */
    int bn_folded;      /* BatchNormalizations folded into convs */
    int gelu;           /* GELU subgraphs made one node */
    int fused;          /* nodes fused into an epilogue */
    int packed;         /* weights packed at compile time */
    int winograd;       /* ... of them, transformed for Winograd's 3x3 convolution */
} GraphStats;

/* Runs every pass in order; the graph keeps only live nodes, in order. */
void graph_optimize(OnnxGraph *g, GraphStats *st);

/* The stdlib nn fn a node is emitted as, or NULL where it is written out
 * as TDSL stages (one decision for the emitter and for --emit graph). */
const char *graph_kernel(const OnnxNode *n);

/* One arena for the intermediates (node outputs that are neither graph
 * outputs nor constants), laid out by liveness: a value is live from the
 * node that computes it to the last node that reads it. */
typedef struct MemPlan {
    int n;
    const OnnxValue **val;
    int64_t *offset, *bytes;    /* offsets 64-byte aligned; bytes -1: a size variable */
    int *first, *last;          /* live range (node indices) */
    int64_t peak, total;        /* arena bytes; the sum of every intermediate's bytes */
} MemPlan;

void graph_mem_plan(Arena *a, const OnnxGraph *g, MemPlan *p);

/* --emit graph after the passes: inputs, constants, each node with what was
 * fused into it and its kernel, outputs, then the memory plan */
void graph_print(FILE *out, const OnnxGraph *g, const GraphStats *st);

/* ---- shared by the passes ---- */
int graph_uses(const OnnxGraph *g, const OnnxValue *v);           /* node inputs reading v (+1 if an output) */
OnnxNode *graph_sole_user(OnnxGraph *g, const OnnxValue *v);      /* the one node reading v; NULL if not one */
OnnxValue *graph_new_const(OnnxGraph *g, const char *name, const OnnxShape *s, float *data);
void graph_compact(OnnxGraph *g);                                 /* drops nodes marked dead */
int64_t graph_numel(const OnnxShape *s);                          /* -1 if a dim is symbolic */

void graph_fold_constants(OnnxGraph *g, GraphStats *st);   /* fold.c */
void graph_fold_batchnorm(OnnxGraph *g, GraphStats *st);   /* fold.c */
void graph_fuse_gelu(OnnxGraph *g, GraphStats *st);        /* fuse.c */
void graph_matmul_to_gemm(OnnxGraph *g, GraphStats *st);   /* fuse.c */
void graph_fuse_epilogues(OnnxGraph *g, GraphStats *st);   /* fuse.c */
void graph_prepack(OnnxGraph *g, GraphStats *st);          /* prepack.c */
/* the kernel that reads a node's weights packed at compile time, or NULL */
const char *graph_packed_kernel(const char *kernel);

/* whether a conv node is one nn.conv3x3w_pk_* computes faster than the
 * direct kernel: 3x3, stride 1, pad 1, 8 to 28 pixels a side, at least 64
 * channels in and out */
bool graph_winograd_fits(const OnnxNode *n);

#endif
