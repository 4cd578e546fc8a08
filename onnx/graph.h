/* graph.h - TDSL's own graph IR for an imported ONNX model: values (tensors
 * with dtype and shape), nodes with typed attributes, constant data. Every
 * pointer lives in the Arena the model was loaded into; nothing here points
 * into protobuf-c memory, which onnx_load frees before it returns. */
#ifndef TDSL_ONNX_GRAPH_H
#define TDSL_ONNX_GRAPH_H
#include "lang/arena.h"
#include "lang/diag.h"
#include <stdbool.h>
#include <stdint.h>

/* ONNX TensorProto.DataType numbering (onnx.proto), kept as is */
typedef enum {
    OD_UNDEFINED = 0,
    OD_FLOAT = 1,
    OD_UINT8 = 2,
    OD_INT8 = 3,
    OD_UINT16 = 4,
    OD_INT16 = 5,
    OD_INT32 = 6,
    OD_INT64 = 7,
    OD_STRING = 8,
    OD_BOOL = 9,
    OD_FLOAT16 = 10,
    OD_DOUBLE = 11,
    OD_UINT32 = 12,
    OD_UINT64 = 13,
    OD_BFLOAT16 = 16
} OnnxDtype;

#define ONNX_MAX_RANK 8

/* One dimension: a known extent, or a size variable (an ONNX dim_param) */
typedef struct OnnxDim {
    int64_t n;          /* extent when sym is NULL */
    const char *sym;    /* the size variable's name */
} OnnxDim;

typedef struct OnnxShape {
    int rank;           /* -1: not known */
    OnnxDim d[ONNX_MAX_RANK];
} OnnxShape;

/* A graph value: a graph input, an initializer, a Constant's or a node's output */
typedef struct OnnxValue {
    const char *name;
    OnnxDtype dtype;
    OnnxShape shape;
    bool is_input, is_output, is_init;
    int id;             /* index in OnnxGraph.values */
    int producer;       /* node index, -1 for graph inputs and initializers */
    /* constant data (initializers, Constant outputs), numel elements:
     * f for float tensors, i for integer ones (int64/int32/...), else neither */
    bool is_const;
    int64_t numel;
    float *f;
    int64_t *i;
} OnnxValue;

typedef enum { OA_FLOAT, OA_INT, OA_STRING, OA_TENSOR, OA_FLOATS, OA_INTS, OA_STRINGS, OA_OTHER } OnnxAttrKind;

typedef struct OnnxAttr {
    const char *name;
    OnnxAttrKind kind;
    const char *kind_name;  /* for errors about OA_OTHER ("GRAPH", "SPARSE_TENSOR", ...) */
    float f;
    int64_t i;
    const char *s;
    int n;                  /* OA_FLOATS / OA_INTS / OA_STRINGS */
    float *fs;
    int64_t *is;
    OnnxValue *t;           /* OA_TENSOR: an unnamed constant value */
} OnnxAttr;

/* what shape inference resolved from a node's attributes, for the emitters:
 * windows (Conv, pools: auto_pad and ceil_mode applied), an axis, a set of axes */
typedef struct OnnxGeom {
    int64_t k[2], s[2], d[2], pb[2], pe[2];
    int64_t group;
    bool ceil, count_pad;
    int axis;
    uint32_t mask;      /* reduced axes */
    float alpha, beta, eps, lo, hi;
    bool ta, tb;        /* Gemm transA, transB */
} OnnxGeom;

/* what the graph passes (graph/fuse.c) fused into a node's final store:
 * + residual (after the bias), then max(lo), then min(hi) */
typedef struct OnnxEpilogue {
    struct OnnxValue *residual; /* NULL: none */
    bool clamp;                 /* lo / hi apply (-inf / inf where one side is open) */
    float lo, hi;
    const char *ops;            /* the nodes fused in, for --emit graph: "Add, Relu" */
} OnnxEpilogue;

typedef struct OnnxNode {
    int index;
    OnnxGeom geo;
    OnnxEpilogue epi;
    const char *name;       /* "" when the model gives none */
    const char *op, *domain;
    int nin, nout, nattr;
    OnnxValue **in;         /* NULL for an omitted optional input ("") */
    OnnxValue **out;
    OnnxAttr *attr;
    bool dead;              /* removed by a graph pass (until graph_compact) */
    bool packed;            /* in[1] is its weights packed at compile time (graph/prepack.c) */
    bool winograd;          /* ... and transformed for Winograd F(2x2, 3x3) (nn.conv3x3w_pk_*) */
} OnnxNode;

typedef struct OnnxGraph {
    const char *path;       /* for errors: "PATH: error: ..." */
    const char *name, *producer;
    int64_t ir_version, opset;  /* opset of the default domain */
    int nvalues, nnodes, ninputs, noutputs;
    OnnxValue **values;
    OnnxNode *nodes;        /* in topological order (onnx_load checks) */
    OnnxValue **inputs;     /* graph inputs that are not initializers, in order */
    OnnxValue **outputs;
    Arena *arena;
    Diag *diag;
} OnnxGraph;

/* errors, "PATH: error: node 3 'Conv_7' (Conv): MSG" (node may be NULL) */
void onnx_error(OnnxGraph *g, const OnnxNode *node, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

const OnnxAttr *onnx_attr(const OnnxNode *n, const char *name);
int64_t onnx_attr_int(const OnnxNode *n, const char *name, int64_t dflt);
float onnx_attr_float(const OnnxNode *n, const char *name, float dflt);
const char *onnx_dtype_name(OnnxDtype t);
/* "[1, 3, N, 224]" into buf (size >= 256) */
const char *onnx_shape_str(const OnnxShape *s, char *buf, size_t size);
/* "[2, 2]" for an ints attribute */
const char *onnx_ints_str(const int64_t *v, int n, char *buf, size_t size);
bool onnx_dim_eq(OnnxDim a, OnnxDim b);

#endif
