/* onnx.h - ONNX import: a .onnx file (protobuf, read with protobuf-c) into
 * the graph IR of onnx/graph.h, shape inference over it, and its two printed
 * forms (--emit graph, --emit tdsl). Errors go to the Diag, one per problem. */
#ifndef TDSL_ONNX_H
#define TDSL_ONNX_H
#include "onnx/graph.h"
#include <stdio.h>

/* Reads and checks PATH; NULL (with one error) when it is not a model this
 * importer takes. Shapes of every value are inferred before it returns. */
OnnxGraph *onnx_load(Arena *a, const char *path, Diag *d);
/* The same for the bytes of a model in memory; name stands for its path in
 * errors, and external data is looked for beside it. */
OnnxGraph *onnx_load_mem(Arena *a, const char *name, const uint8_t *data, size_t size, Diag *d);

/* infers every node's output shapes (onnx_load runs it); 0 or -1 */
int onnx_infer_shapes(OnnxGraph *g);

/* The most elements a tensor may have: every known dim, and the product of the
 * nonzero known dims, is at most this, so shape arithmetic cannot overflow. */
#define ONNX_MAX_NUMEL ((int64_t)1 << 40)
bool onnx_shape_fits(const OnnxShape *s);

/* --emit graph: inputs, the constants nodes read, nodes with their output
 * shapes (and what graph passes fused into them, and their stdlib kernel
 * when kernel is given), outputs */
void onnx_print_graph(FILE *out, const OnnxGraph *g, const char *(*kernel)(const OnnxNode *));

/* --emit tdsl: the model as a TDSL program named fn_name. Each float
 * initializer becomes `const NAME: f32[...] = load("PREFIX_NAME.npy")`, the
 * file written into npy_dir (NULL: no files are written). 0 or -1. */
int onnx_emit_tdsl(FILE *out, OnnxGraph *g, const char *fn_name, const char *npy_dir, const char *prefix);

/* The program of onnx_emit_tdsl written into a new private directory (under
 * $TMPDIR or /tmp): DIR/model.tdsl and its .npy files. Returns the .tdsl's
 * path, or NULL after an error; *dir is the directory (NULL when none was
 * made), which the caller removes with onnx_remove_dir once compiled. */
const char *onnx_emit_tdsl_tmp(OnnxGraph *g, const char *fn_name, const char **dir);
/* removes dir and the files in it (not subdirectories) */
void onnx_remove_dir(const char *dir);

/* "my-model.v2" -> "my_model_v2": the stem of PATH as an identifier */
char *onnx_fn_name(Arena *a, const char *path);

#endif
