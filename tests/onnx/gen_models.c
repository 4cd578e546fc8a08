/* gen_models.c - writes the ONNX fixture models of tests/onnx into DIR with
 * the protobuf-c API (there is no python3-onnx): an MLP two ways, a small
 * CNN two ways, and bad models (each name says what is wrong with it).
 * Weights are deterministic (a fixed LCG), so the goldens are stable. */
#include "onnx/onnx.pb-c.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* everything comes from one static pool: nothing to free, nothing leaks */
static _Alignas(16) unsigned char pool[16 << 20];
static size_t used;

static void *alloc(size_t n)
{
    n = (n + 15) & ~(size_t)15;
    if (used + n > sizeof pool) {
        fprintf(stderr, "gen_models: pool exhausted\n");
        exit(1);
    }
    void *p = pool + used;
    used += n;
    memset(p, 0, n);
    return p;
}

#define NEW(T, init)              \
    ({                            \
        T *p_ = alloc(sizeof(T)); \
        init(p_);                 \
        p_;                       \
    })

typedef struct Model {
    Onnx__ModelProto m;
    Onnx__GraphProto g;
    Onnx__OperatorSetIdProto op;
    Onnx__OperatorSetIdProto *ops[1];
    Onnx__NodeProto *nodes[32];
    Onnx__TensorProto *inits[32];
    Onnx__ValueInfoProto *ins[8], *outs[8];
} Model;

static Model *model(const char *name)
{
    Model *M = alloc(sizeof *M);
    onnx__model_proto__init(&M->m);
    onnx__graph_proto__init(&M->g);
    onnx__operator_set_id_proto__init(&M->op);
    M->m.has_ir_version = 1, M->m.ir_version = 8;
    M->m.producer_name = "tdsl-gen-models";
    M->op.domain = "", M->op.has_version = 1, M->op.version = 17;
    M->ops[0] = &M->op;
    M->m.n_opset_import = 1, M->m.opset_import = M->ops;
    M->m.graph = &M->g;
    M->g.name = (char *)name;
    M->g.node = M->nodes, M->g.initializer = M->inits, M->g.input = M->ins, M->g.output = M->outs;
    return M;
}

/* a value info; dims: >= 0 known, -1 the size variable "N" */
static Onnx__ValueInfoProto *vinfo(const char *name, int elem, int rank, const int *dims)
{
    Onnx__ValueInfoProto *v = NEW(Onnx__ValueInfoProto, onnx__value_info_proto__init);
    Onnx__TypeProto *t = NEW(Onnx__TypeProto, onnx__type_proto__init);
    Onnx__TypeProto__Tensor *tt = NEW(Onnx__TypeProto__Tensor, onnx__type_proto__tensor__init);
    Onnx__TensorShapeProto *s = NEW(Onnx__TensorShapeProto, onnx__tensor_shape_proto__init);
    s->n_dim = (size_t)rank;
    s->dim = alloc(sizeof(void *) * (size_t)(rank + 1));
    for (int k = 0; k < rank; k++) {
        Onnx__TensorShapeProto__Dimension *d =
            NEW(Onnx__TensorShapeProto__Dimension, onnx__tensor_shape_proto__dimension__init);
        if (dims[k] >= 0) d->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE, d->dim_value = dims[k];
        else d->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM, d->dim_param = "N";
        s->dim[k] = d;
    }
    tt->has_elem_type = 1, tt->elem_type = elem, tt->shape = s;
    t->value_case = ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE, t->tensor_type = tt;
    v->name = (char *)name, v->type = t;
    return v;
}

static void input(Model *M, const char *name, int rank, const int *dims)
{
    M->ins[M->g.n_input++] = vinfo(name, 1, rank, dims);
}

static void output(Model *M, const char *name)
{
    M->outs[M->g.n_output++] = vinfo(name, 1, 0, NULL);
    M->outs[M->g.n_output - 1]->type->tensor_type->shape = NULL;   /* shape left to inference */
}

static unsigned seed = 12345;
static float rnd(void)
{
    seed = seed * 1103515245u + 12345u;
    return (float)((seed >> 8) & 0xffff) / 65536.0f - 0.5f;
}

/* a float initializer with raw_data (raw != 0) or float_data */
static Onnx__TensorProto *init(Model *M, const char *name, int rank, const int *dims, int raw)
{
    Onnx__TensorProto *t = NEW(Onnx__TensorProto, onnx__tensor_proto__init);
    size_t n = 1;
    t->name = (char *)name, t->has_data_type = 1, t->data_type = 1;
    t->n_dims = (size_t)rank, t->dims = alloc(sizeof(int64_t) * (size_t)(rank + 1));
    for (int k = 0; k < rank; k++) t->dims[k] = dims[k], n *= (size_t)dims[k];
    float *f = alloc(sizeof(float) * n);
    for (size_t k = 0; k < n; k++) f[k] = rnd();
    if (raw) t->has_raw_data = 1, t->raw_data.len = 4 * n, t->raw_data.data = (uint8_t *)f;
    else t->n_float_data = n, t->float_data = f;
    M->inits[M->g.n_initializer++] = t;
    return t;
}

static Onnx__NodeProto *node(Model *M, const char *op, const char *name, const char *ins, const char *outs)
{
    Onnx__NodeProto *n = NEW(Onnx__NodeProto, onnx__node_proto__init);
    n->op_type = (char *)op, n->name = (char *)name;
    n->input = alloc(sizeof(char *) * 8), n->output = alloc(sizeof(char *) * 4);
    n->attribute = alloc(sizeof(void *) * 8);
    char *s = alloc(strlen(ins) + 1);
    strcpy(s, ins);
    for (char *t = strtok(s, ","); t; t = strtok(NULL, ",")) n->input[n->n_input++] = t;
    s = alloc(strlen(outs) + 1);
    strcpy(s, outs);
    for (char *t = strtok(s, ","); t; t = strtok(NULL, ",")) n->output[n->n_output++] = t;
    M->nodes[M->g.n_node++] = n;
    return n;
}

static Onnx__AttributeProto *attr(Onnx__NodeProto *n, const char *name, int type)
{
    Onnx__AttributeProto *a = NEW(Onnx__AttributeProto, onnx__attribute_proto__init);
    a->name = (char *)name, a->has_type = 1, a->type = type;
    n->attribute[n->n_attribute++] = a;
    return a;
}

static void attr_int(Onnx__NodeProto *n, const char *name, int64_t v)
{
    Onnx__AttributeProto *a = attr(n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT);
    a->has_i = 1, a->i = v;
}

static void attr_float(Onnx__NodeProto *n, const char *name, float v)
{
    Onnx__AttributeProto *a = attr(n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT);
    a->has_f = 1, a->f = v;
}

static void attr_ints(Onnx__NodeProto *n, const char *name, int cnt, const int64_t *v)
{
    Onnx__AttributeProto *a = attr(n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS);
    a->n_ints = (size_t)cnt, a->ints = alloc(sizeof(int64_t) * (size_t)cnt);
    memcpy(a->ints, v, sizeof(int64_t) * (size_t)cnt);
}

static void attr_str(Onnx__NodeProto *n, const char *name, const char *v)
{
    Onnx__AttributeProto *a = attr(n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRING);
    a->has_s = 1, a->s.len = strlen(v), a->s.data = (uint8_t *)v;
}

static const char *dir;

/* writes M as DIR/NAME.onnx; cut > 0 keeps only that many bytes (a truncated file) */
static void save(Model *M, const char *name, size_t cut)
{
    size_t n = onnx__model_proto__get_packed_size(&M->m);
    uint8_t *buf = alloc(n + 1);
    onnx__model_proto__pack(&M->m, buf);
    char path[1024];
    snprintf(path, sizeof path, "%s/%s.onnx", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(buf, 1, cut && cut < n ? cut : n, f) != (cut && cut < n ? cut : n) || fclose(f)) {
        fprintf(stderr, "gen_models: cannot write %s\n", path);
        exit(1);
    }
}

/* writes M as DIR/cases/NAME/model.onnx with test_data_set_0/input_K.pb
 * (random values): a case for `conformance -d`, which compares the model
 * imported with and without the graph passes */
static void save_case(Model *M, const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/cases/%s/test_data_set_0", dir, name);
    for (char *p = path + strlen(dir) + 1; (p = strchr(p, '/')); p++) {
        *p = 0;
        mkdir(path, 0777);
        *p = '/';
    }
    mkdir(path, 0777);
    char sub[2048];
    snprintf(sub, sizeof sub, "cases/%s/model", name);
    save(M, sub, 0);
    for (size_t k = 0; k < M->g.n_input; k++) {
        const Onnx__TensorShapeProto *s = M->ins[k]->type->tensor_type->shape;
        int dims[8], rank = (int)s->n_dim;
        for (int d = 0; d < rank; d++) dims[d] = (int)s->dim[d]->dim_value;
        Onnx__TensorProto *t = init(M, M->ins[k]->name, rank, dims, 1);
        M->g.n_initializer--;   /* made by init(), not part of the model */
        size_t n = onnx__tensor_proto__get_packed_size(t);
        uint8_t *buf = alloc(n + 1);
        onnx__tensor_proto__pack(t, buf);
        snprintf(sub, sizeof sub, "%s/input_%zu.pb", path, k);
        FILE *f = fopen(sub, "wb");
        if (!f || fwrite(buf, 1, n, f) != n || fclose(f)) {
            fprintf(stderr, "gen_models: cannot write %s\n", sub);
            exit(1);
        }
    }
}

/* ---- good models ---- */

/* PyTorch's Linear-ReLU-Linear-Softmax as Gemm (transB=1), batch N */
static Model *mlp_gemm(void)
{
    Model *M = model("mlp_gemm");
    input(M, "input", 2, (int[]){ -1, 16 });
    init(M, "fc1.weight", 2, (int[]){ 8, 16 }, 1);
    init(M, "fc1.bias", 1, (int[]){ 8 }, 0);
    init(M, "fc2.weight", 2, (int[]){ 4, 8 }, 1);
    init(M, "fc2.bias", 1, (int[]){ 4 }, 1);
    Onnx__NodeProto *n = node(M, "Gemm", "/fc1/Gemm", "input,fc1.weight,fc1.bias", "/fc1/Gemm_output_0");
    attr_float(n, "alpha", 1.0f), attr_float(n, "beta", 1.0f), attr_int(n, "transB", 1);
    node(M, "Relu", "/relu/Relu", "/fc1/Gemm_output_0", "/relu/Relu_output_0");
    n = node(M, "Gemm", "/fc2/Gemm", "/relu/Relu_output_0,fc2.weight,fc2.bias", "/fc2/Gemm_output_0");
    attr_int(n, "transB", 1);
    n = node(M, "Softmax", "/Softmax", "/fc2/Gemm_output_0", "output");
    attr_int(n, "axis", 1);
    output(M, "output");
    return M;
}

/* the same as MatMul + Add (PyTorch's form for rank-3 inputs), LogSoftmax,
 * a GELU subgraph (Div, Erf, Add, Mul, Mul) with scalar Constants */
static Model *mlp_matmul(void)
{
    Model *M = model("mlp_matmul");
    input(M, "x", 3, (int[]){ 2, 3, 16 });
    init(M, "w1", 2, (int[]){ 16, 8 }, 1);
    init(M, "b1", 1, (int[]){ 8 }, 1);
    init(M, "w2", 2, (int[]){ 8, 4 }, 1);
    float *sqrt2 = (float *)init(M, "sqrt2", 0, NULL, 1)->raw_data.data;
    sqrt2[0] = 1.41421354f;
    node(M, "MatMul", "mm1", "x,w1", "h1");
    node(M, "Add", "add1", "h1,b1", "h2");
    node(M, "Div", "gelu_div", "h2,sqrt2", "g1");
    node(M, "Erf", "gelu_erf", "g1", "g2");
    Onnx__NodeProto *c = node(M, "Constant", "one", "", "c1");
    Onnx__AttributeProto *a = attr(c, "value", ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__TENSOR);
    a->t = NEW(Onnx__TensorProto, onnx__tensor_proto__init);
    a->t->has_data_type = 1, a->t->data_type = 1, a->t->n_float_data = 1, a->t->float_data = alloc(4);
    a->t->float_data[0] = 1.0f;
    node(M, "Add", "gelu_add", "g2,c1", "g3");
    node(M, "Mul", "gelu_mul", "h2,g3", "g4");
    c = node(M, "Constant", "half", "", "c2");
    attr_float(c, "value_float", 0.5f);
    node(M, "Mul", "gelu_mul2", "g4,c2", "g5");
    node(M, "MatMul", "mm2", "g5,w2", "h3");
    Onnx__NodeProto *n = node(M, "LogSoftmax", "lsm", "h3", "y");
    attr_int(n, "axis", -1);
    output(M, "y");
    return M;
}

/* conv-bn-relu, maxpool 2x2, strided conv, relu, global average pool,
 * flatten, linear, softmax (batch 1) */
static Model *cnn(void)
{
    Model *M = model("cnn");
    input(M, "image", 4, (int[]){ 1, 3, 8, 8 });
    init(M, "c1.w", 4, (int[]){ 4, 3, 3, 3 }, 1);
    init(M, "c1.b", 1, (int[]){ 4 }, 1);
    const char *bn[] = { "bn.scale", "bn.bias", "bn.mean", "bn.var" };
    for (int k = 0; k < 4; k++) init(M, bn[k], 1, (int[]){ 4 }, 1);
    for (int k = 0; k < 4; k++) ((float *)M->inits[M->g.n_initializer - 1]->raw_data.data)[k] += 1.0f;
    init(M, "c2.w", 4, (int[]){ 6, 4, 3, 3 }, 1);
    init(M, "fc.w", 2, (int[]){ 5, 6 }, 1);
    init(M, "fc.b", 1, (int[]){ 5 }, 1);
    Onnx__NodeProto *n = node(M, "Conv", "/c1/Conv", "image,c1.w,c1.b", "a1");
    attr_ints(n, "kernel_shape", 2, (int64_t[]){ 3, 3 }), attr_ints(n, "pads", 4, (int64_t[]){ 1, 1, 1, 1 });
    n = node(M, "BatchNormalization", "/bn/BatchNormalization", "a1,bn.scale,bn.bias,bn.mean,bn.var", "a2");
    attr_float(n, "epsilon", 1e-5f);
    node(M, "Relu", "/relu1/Relu", "a2", "a3");
    n = node(M, "MaxPool", "/pool/MaxPool", "a3", "a4");
    attr_ints(n, "kernel_shape", 2, (int64_t[]){ 2, 2 }), attr_ints(n, "strides", 2, (int64_t[]){ 2, 2 });
    n = node(M, "Conv", "/c2/Conv", "a4,c2.w", "a5");
    attr_ints(n, "kernel_shape", 2, (int64_t[]){ 3, 3 }), attr_ints(n, "strides", 2, (int64_t[]){ 2, 2 });
    attr_str(n, "auto_pad", "SAME_UPPER");
    node(M, "Relu", "/relu2/Relu", "a5", "a6");
    node(M, "GlobalAveragePool", "/gap/GlobalAveragePool", "a6", "a7");
    n = node(M, "Flatten", "/Flatten", "a7", "a8");
    attr_int(n, "axis", 1);
    n = node(M, "Gemm", "/fc/Gemm", "a8,fc.w,fc.b", "logits");
    attr_int(n, "transB", 1);
    node(M, "Softmax", "/Softmax", "logits", "probs");
    output(M, "probs");
    return M;
}

/* LeNet-style: conv, relu, maxpool, flatten of [1, 4, 3, 3] into a Gemm,
 * average pool with pads and ceil_mode, concat, transpose, reshape */
static Model *cnn_flatten(void)
{
    Model *M = model("cnn_flatten");
    input(M, "x", 4, (int[]){ 1, 1, 7, 7 });
    init(M, "k", 4, (int[]){ 4, 1, 2, 2 }, 0);
    init(M, "fw", 2, (int[]){ 36, 3 }, 1);
    Onnx__TensorProto *shape = init(M, "shape", 1, (int[]){ 2 }, 0);
    shape->data_type = 7, shape->n_float_data = 0, shape->n_int64_data = 2;
    shape->int64_data = alloc(16), shape->int64_data[0] = 3, shape->int64_data[1] = -1;
    Onnx__NodeProto *n = node(M, "Conv", "conv", "x,k", "c");
    attr_ints(n, "kernel_shape", 2, (int64_t[]){ 2, 2 });
    node(M, "Relu", "relu", "c", "r");
    n = node(M, "MaxPool", "pool", "r", "p");
    attr_ints(n, "kernel_shape", 2, (int64_t[]){ 2, 2 }), attr_ints(n, "strides", 2, (int64_t[]){ 2, 2 });
    n = node(M, "Flatten", "flat", "p", "f");
    n = node(M, "Gemm", "fc", "f,fw", "y");
    n = node(M, "AveragePool", "avg", "x", "q");
    attr_ints(n, "kernel_shape", 2, (int64_t[]){ 3, 3 }), attr_ints(n, "strides", 2, (int64_t[]){ 2, 2 });
    attr_ints(n, "pads", 4, (int64_t[]){ 1, 1, 1, 1 }), attr_int(n, "ceil_mode", 1);
    node(M, "Concat", "cat", "q,q", "qq");
    attr_int(M->nodes[M->g.n_node - 1], "axis", 1);
    n = node(M, "Transpose", "tr", "qq", "t");
    attr_ints(n, "perm", 4, (int64_t[]){ 0, 2, 3, 1 });
    node(M, "Reshape", "rs", "y,shape", "z");
    output(M, "z");
    output(M, "t");
    return M;
}

/* what the graph passes fuse: conv-bn-relu; conv + bias + residual add +
 * relu; a strided 1x1 conv + Clip(0, 6); a strided 3x3 conv; a 7x7 stride-2
 * stem whose result is a graph output; a 3x3 stride-2 max pool; weights
 * computed from constants (Transpose, Mul: folded); Gemm + Relu */
static Model *resblock(void)
{
    Model *M = model("resblock");
    input(M, "x", 4, (int[]){ 1, 8, 6, 6 });
    init(M, "w1", 4, (int[]){ 8, 8, 3, 3 }, 1);
    const char *bn[] = { "s", "b", "m", "v" };
    for (int k = 0; k < 4; k++) init(M, bn[k], 1, (int[]){ 8 }, 1);
    for (int k = 0; k < 8; k++) ((float *)M->inits[M->g.n_initializer - 1]->raw_data.data)[k] += 1.0f;
    init(M, "w2", 4, (int[]){ 8, 8, 3, 3 }, 1), init(M, "b2", 1, (int[]){ 8 }, 1);
    init(M, "w3", 4, (int[]){ 16, 8, 1, 1 }, 0), init(M, "b3", 1, (int[]){ 16 }, 0);
    init(M, "w4", 4, (int[]){ 16, 16, 3, 3 }, 1), init(M, "b4", 1, (int[]){ 16 }, 1);
    init(M, "w5", 4, (int[]){ 4, 8, 7, 7 }, 1), init(M, "b5", 1, (int[]){ 4 }, 1);
    init(M, "fwt", 2, (int[]){ 16, 5 }, 1), init(M, "fb", 1, (int[]){ 5 }, 1);
    float *two = (float *)init(M, "two", 0, NULL, 1)->raw_data.data;
    two[0] = 2.0f;
    Onnx__NodeProto *n = node(M, "Conv", "c1", "x,w1", "a1");
    attr_ints(n, "kernel_shape", 2, (int64_t[]){ 3, 3 }), attr_ints(n, "pads", 4, (int64_t[]){ 1, 1, 1, 1 });
    attr_float(node(M, "BatchNormalization", "bn", "a1,s,b,m,v", "a2"), "epsilon", 1e-5f);
    node(M, "Relu", "r1", "a2", "a3");
    n = node(M, "Conv", "c2", "a3,w2,b2", "a4");
    attr_ints(n, "kernel_shape", 2, (int64_t[]){ 3, 3 }), attr_ints(n, "pads", 4, (int64_t[]){ 1, 1, 1, 1 });
    node(M, "Add", "res", "x,a4", "a5");
    node(M, "Relu", "r2", "a5", "a6");
    n = node(M, "Conv", "c3", "a6,w3,b3", "a7");
    attr_ints(n, "kernel_shape", 2, (int64_t[]){ 1, 1 }), attr_ints(n, "strides", 2, (int64_t[]){ 2, 2 });
    Onnx__NodeProto *lo = node(M, "Constant", "lo", "", "c_lo"), *hi = node(M, "Constant", "hi", "", "c_hi");
    attr_float(lo, "value_float", 0.0f), attr_float(hi, "value_float", 6.0f);
    node(M, "Clip", "relu6", "a7,c_lo,c_hi", "a8");
    n = node(M, "Conv", "c4", "a8,w4,b4", "a9");
    attr_ints(n, "kernel_shape", 2, (int64_t[]){ 3, 3 }), attr_ints(n, "strides", 2, (int64_t[]){ 2, 2 });
    attr_ints(n, "pads", 4, (int64_t[]){ 1, 1, 1, 1 });
    node(M, "GlobalAveragePool", "gap", "a9", "a10");
    attr_int(node(M, "Flatten", "flat", "a10", "a11"), "axis", 1);
    attr_ints(node(M, "Transpose", "fwT", "fwt", "fw1"), "perm", 2, (int64_t[]){ 1, 0 });
    node(M, "Mul", "fw2x", "fw1,two", "fw");
    attr_int(node(M, "Gemm", "fc", "a11,fw,fb", "y0"), "transB", 1);
    node(M, "Relu", "r3", "y0", "y");
    n = node(M, "Conv", "stem", "x,w5,b5", "stem");
    attr_ints(n, "kernel_shape", 2, (int64_t[]){ 7, 7 }), attr_ints(n, "strides", 2, (int64_t[]){ 2, 2 });
    attr_ints(n, "pads", 4, (int64_t[]){ 3, 3, 3, 3 });
    n = node(M, "MaxPool", "pool", "a3", "pooled");
    attr_ints(n, "kernel_shape", 2, (int64_t[]){ 3, 3 }), attr_ints(n, "strides", 2, (int64_t[]){ 2, 2 });
    attr_ints(n, "pads", 4, (int64_t[]){ 1, 1, 1, 1 });
    output(M, "y"), output(M, "stem"), output(M, "pooled");
    return M;
}

/* batch 8 through Gemms whose weights are packed at compile time: 16 -> 24
 * (+ relu: 24 = one block of 16 and a partial one) -> 5 */
static Model *mlp_b8(void)
{
    Model *M = model("mlp_b8");
    input(M, "x", 2, (int[]){ 8, 16 });
    init(M, "w1", 2, (int[]){ 24, 16 }, 1), init(M, "b1", 1, (int[]){ 24 }, 1);
    init(M, "w2", 2, (int[]){ 5, 24 }, 0), init(M, "b2", 1, (int[]){ 5 }, 0);
    attr_int(node(M, "Gemm", "fc1", "x,w1,b1", "h"), "transB", 1);
    node(M, "Relu", "relu", "h", "r");
    attr_int(node(M, "Gemm", "fc2", "r,w2,b2", "y"), "transB", 1);
    output(M, "y");
    return M;
}

/* PyTorch's Linear on a matrix exported as MatMul + Add (the weight [in, out]):
 * the passes make each a Gemm (6 rows: linear's packed kernel); then GELU's
 * subgraph on a matrix (nn.gelu) */
static Model *mlp_mm2d(void)
{
    Model *M = model("mlp_mm2d");
    input(M, "x", 2, (int[]){ 6, 16 });
    init(M, "w1", 2, (int[]){ 16, 12 }, 1), init(M, "b1", 1, (int[]){ 12 }, 1);
    init(M, "w2", 2, (int[]){ 12, 4 }, 1), init(M, "b2", 1, (int[]){ 4 }, 1);
    float *c = (float *)init(M, "sqrt2", 0, NULL, 1)->raw_data.data;
    c[0] = 1.41421354f;
    ((float *)init(M, "one", 0, NULL, 1)->raw_data.data)[0] = 1.0f;
    ((float *)init(M, "half", 0, NULL, 1)->raw_data.data)[0] = 0.5f;
    node(M, "MatMul", "mm1", "x,w1", "h1");
    node(M, "Add", "add1", "h1,b1", "h2");
    node(M, "Relu", "relu", "h2", "h3");
    node(M, "MatMul", "mm2", "h3,w2", "h4");
    node(M, "Add", "add2", "b2,h4", "h5");
    node(M, "Div", "gelu_div", "h5,sqrt2", "g1");
    node(M, "Erf", "gelu_erf", "g1", "g2");
    node(M, "Add", "gelu_add", "g2,one", "g3");
    node(M, "Mul", "gelu_mul", "h5,g3", "g4");
    node(M, "Mul", "gelu_half", "g4,half", "y");
    output(M, "y");
    return M;
}

/* a CNN's head: a Flatten of [batch, 4, 3, 3] read by a Gemm with a bias
 * (linear's packed kernel takes the flattened matrix); batch -1: symbolic */
static Model *cnn_head(int batch)
{
    Model *M = model("cnn_head");
    input(M, "x", 4, (int[]){ batch, 4, 3, 3 });
    init(M, "w", 2, (int[]){ 20, 36 }, 1), init(M, "b", 1, (int[]){ 20 }, 1);
    attr_int(node(M, "Flatten", "flat", "x", "f"), "axis", 1);
    attr_int(node(M, "Gemm", "fc", "f,w,b", "y"), "transB", 1);
    output(M, "y");
    return M;
}

/* ---- bad models: one problem each ---- */

static Model *one_node(const char *name, const char *op, int elem)
{
    Model *M = model(name);
    M->ins[M->g.n_input++] = vinfo("x", elem, 2, (int[]){ 2, 3 });
    node(M, op, "the_node", "x", "y");
    output(M, "y");
    return M;
}

static void bad_models(void)
{
    save(one_node("bad_op", "NonMaxSuppression", 1), "bad_op", 0);
    save(one_node("bad_dtype", "Relu", 6), "bad_dtype", 0);
    Model *M = one_node("bad_attr", "LeakyRelu", 1);
    attr_float(M->nodes[0], "alpha", 0.1f), attr_int(M->nodes[0], "beta", 2);
    save(M, "bad_attr", 0);

    M = model("bad_broadcast");
    input(M, "a", 2, (int[]){ 2, 3 }), input(M, "b", 1, (int[]){ 4 });
    node(M, "Add", "", "a,b", "y");
    output(M, "y");
    save(M, "bad_broadcast", 0);

    M = model("bad_cycle");
    input(M, "a", 2, (int[]){ 2, 3 });
    node(M, "Add", "first", "a,u", "t");
    node(M, "Relu", "second", "t", "u");
    output(M, "u");
    save(M, "bad_cycle", 0);

    M = model("bad_init_size");
    input(M, "a", 2, (int[]){ 2, 3 });
    init(M, "w", 1, (int[]){ 3 }, 1)->raw_data.len = 8;
    node(M, "Add", "", "a,w", "y");
    output(M, "y");
    save(M, "bad_init_size", 0);

    M = model("bad_external");
    input(M, "a", 2, (int[]){ 2, 3 });
    Onnx__TensorProto *t = init(M, "w", 1, (int[]){ 3 }, 1);
    t->has_raw_data = 0, t->has_data_location = 1, t->data_location = ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL;
    Onnx__StringStringEntryProto *kv = NEW(Onnx__StringStringEntryProto, onnx__string_string_entry_proto__init);
    kv->key = "location", kv->value = "missing_weights.bin";
    t->n_external_data = 1, t->external_data = alloc(sizeof(void *)), t->external_data[0] = kv;
    node(M, "Add", "", "a,w", "y");
    output(M, "y");
    save(M, "bad_external", 0);

    M = model("bad_reshape");
    input(M, "a", 2, (int[]){ 2, 3 });
    M->ins[M->g.n_input++] = vinfo("shape", 7, 1, (int[]){ 1 });
    node(M, "Reshape", "reshape", "a,shape", "y");
    output(M, "y");
    save(M, "bad_reshape", 0);

    M = model("bad_group");     /* a valid model --emit tdsl cannot write yet */
    input(M, "a", 4, (int[]){ 1, 4, 5, 5 });
    init(M, "k", 4, (int[]){ 4, 2, 3, 3 }, 1);
    Onnx__NodeProto *n = node(M, "Conv", "grouped", "a,k", "y");
    attr_int(n, "group", 2);
    output(M, "y");
    save(M, "bad_group", 0);

    save(mlp_gemm(), "bad_truncated", 200);
    char path[1024];
    snprintf(path, sizeof path, "%s/bad_garbage.onnx", dir);
    FILE *f = fopen(path, "wb");
    for (int k = 0; f && k < 300; k++) fputc((k * 7919 + 13) & 0xff, f);
    if (f) fclose(f);
}

/* 3x3 convolutions graph_winograd_fits picks (64 channels, 9 x 9: the last
 * 2 x 2 block of each row and column half outside): conv + bias + residual
 * add + relu, then conv + bias + relu */
static Model *wino(void)
{
    Model *M = model("wino");
    input(M, "x", 4, (int[]){ 1, 64, 9, 9 });
    init(M, "w1", 4, (int[]){ 64, 64, 3, 3 }, 1), init(M, "b1", 1, (int[]){ 64 }, 1);
    init(M, "w2", 4, (int[]){ 64, 64, 3, 3 }, 1), init(M, "b2", 1, (int[]){ 64 }, 1);
    Onnx__NodeProto *n = node(M, "Conv", "c1", "x,w1,b1", "a1");
    attr_ints(n, "kernel_shape", 2, (int64_t[]){ 3, 3 }), attr_ints(n, "pads", 4, (int64_t[]){ 1, 1, 1, 1 });
    node(M, "Add", "res", "a1,x", "a2");
    node(M, "Relu", "r1", "a2", "a3");
    n = node(M, "Conv", "c2", "a3,w2,b2", "a4");
    attr_ints(n, "kernel_shape", 2, (int64_t[]){ 3, 3 }), attr_ints(n, "pads", 4, (int64_t[]){ 1, 1, 1, 1 });
    node(M, "Relu", "r2", "a4", "y");
    output(M, "y");
    return M;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: gen_models DIR\n");
        return 2;
    }
    dir = argv[1];
    save(mlp_gemm(), "mlp_gemm", 0);
    save(mlp_matmul(), "mlp_matmul", 0);
    save(cnn(), "cnn", 0);
    save(cnn_flatten(), "cnn_flatten", 0);
    save(resblock(), "resblock", 0);
    save(mlp_b8(), "mlp_b8", 0);
    save(mlp_mm2d(), "mlp_mm2d", 0);
    save(cnn_head(-1), "cnn_head", 0);
    save(wino(), "wino", 0);
    save_case(cnn(), "cnn");
    save_case(cnn_flatten(), "cnn_flatten");
    save_case(mlp_matmul(), "mlp_matmul");
    save_case(resblock(), "resblock");
    save_case(mlp_b8(), "mlp_b8");
    save_case(mlp_mm2d(), "mlp_mm2d");
    save_case(cnn_head(6), "cnn_head");
    save_case(wino(), "wino");
    bad_models();
    return 0;
}
