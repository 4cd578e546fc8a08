/* onnx_mutate.c - libFuzzer's custom mutator for onnx_fuzz.c: most mutations
 * unpack the ModelProto with protobuf-c, change what the importer reads (an op
 * type, a node's inputs, an attribute, a dim, a dtype, the node order, the
 * opset) and pack it again, so they reach shape inference and the emitters
 * instead of failing in the protobuf; the rest are libFuzzer's byte mutations.
 * Every string and array put into the message is malloc'd: protobuf-c's
 * free_unpacked frees them with the message. */
#include "onnx/onnx.pb-c.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed);

static const char *const ops[] = {
    "Relu",
    "Sigmoid",
    "Tanh",
    "Erf",
    "Exp",
    "Log",
    "Sqrt",
    "Neg",
    "Abs",
    "LeakyRelu",
    "Clip",
    "Identity",
    "Constant",
    "Add",
    "Sub",
    "Mul",
    "Div",
    "Max",
    "Min",
    "Gemm",
    "MatMul",
    "Conv",
    "MaxPool",
    "AveragePool",
    "GlobalAveragePool",
    "GlobalMaxPool",
    "BatchNormalization",
    "Flatten",
    "Reshape",
    "Transpose",
    "Concat",
    "Softmax",
    "LogSoftmax",
    "LayerNormalization",
    "ReduceMean",
    "ReduceSum",
};
static const char *const attrs[] = {
    "axis",      "axes",         "alpha",    "beta",    "transA",    "transB",
    "group",     "kernel_shape", "pads",     "strides", "dilations", "auto_pad",
    "ceil_mode", "perm",         "keepdims", "epsilon", "allowzero", "count_include_pad",
    "min",       "max",          "value"
};
static const int64_t ints[] = {
    0, 1, 2, 3, -1, -2, 4, 7, 8, 9, 16, 255, 65536, INT32_MAX, (int64_t)1 << 40, INT64_MAX, INT64_MIN
};

static unsigned rnd(unsigned *s)
{
    *s = *s * 1103515245u + 12345u;
    return *s >> 8;
}

#define PICK(s, arr) (arr)[rnd(s) % (sizeof(arr) / sizeof *(arr))]

static char *dup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    memcpy(p, s, n);
    return p;
}

/* the name of a random value: a graph input, an initializer or a node output */
static const char *any_value(const Onnx__GraphProto *g, unsigned *s)
{
    size_t nn = g->n_input + g->n_initializer + g->n_node, k = nn ? rnd(s) % nn : 0;
    if (!nn) return "";
    if (k < g->n_input) return g->input[k]->name ? g->input[k]->name : "";
    if ((k -= g->n_input) < g->n_initializer) return g->initializer[k]->name ? g->initializer[k]->name : "";
    const Onnx__NodeProto *n = g->node[k - g->n_initializer];
    return n->n_output && n->output[0] ? n->output[0] : "";
}

static void set_str(char **slot, const char *v)
{
    char *p = dup(v);
    free(*slot);
    *slot = p;
}

static void mutate_inputs(Onnx__GraphProto *g, Onnx__NodeProto *n, unsigned *s)
{
    unsigned what = rnd(s) % 4;
    if (what == 0 && n->n_input) {          /* drop the last input */
        free(n->input[--n->n_input]);
    } else if (what == 1 && n->n_input < 8) {   /* one more input */
        n->input = realloc(n->input, sizeof *n->input * (n->n_input + 1));
        n->input[n->n_input++] = dup(rnd(s) % 4 ? any_value(g, s) : "");
    } else if (n->n_input) {                /* another value, or omitted */
        set_str(&n->input[rnd(s) % n->n_input], rnd(s) % 5 ? any_value(g, s) : "");
    }
}

static void mutate_attr(Onnx__AttributeProto *a, unsigned *s)
{
    switch (rnd(s) % 6) {
    case 0: set_str(&a->name, PICK(s, attrs)); break;
    case 1: a->type = (Onnx__AttributeProto__AttributeType)(rnd(s) % 8); break;
    case 2: a->i = PICK(s, ints), a->has_i = 1; break;
    case 3: a->f = (float)PICK(s, ints) / 4, a->has_f = 1; break;
    case 4:
        if (a->n_ints) a->ints[rnd(s) % a->n_ints] = PICK(s, ints);
        break;
    default:
        if (a->n_ints) a->n_ints = rnd(s) % (a->n_ints + 1);
        break;
    }
}

static void mutate_dims(Onnx__GraphProto *g, unsigned *s)
{
    size_t nv = g->n_input + g->n_output;
    if (!nv) return;
    size_t k = rnd(s) % nv;
    Onnx__ValueInfoProto *v = k < g->n_input ? g->input[k] : g->output[k - g->n_input];
    Onnx__TypeProto *t = v->type;
    if (!t || t->value_case != ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE || !t->tensor_type) return;
    Onnx__TypeProto__Tensor *tt = t->tensor_type;
    if (rnd(s) % 4 == 0) {
        tt->elem_type = (int32_t)(rnd(s) % 4 ? 1 : rnd(s) % 17);
        return;
    }
    if (!tt->shape || !tt->shape->n_dim) return;
    Onnx__TensorShapeProto *sh = tt->shape;
    if (rnd(s) % 3 == 0) {  /* drop the last dim */
        protobuf_c_message_free_unpacked(&sh->dim[--sh->n_dim]->base, NULL);
        return;
    }
    Onnx__TensorShapeProto__Dimension *d = sh->dim[rnd(s) % sh->n_dim];
    if (d->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM) return;
    d->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE;
    d->dim_value = rnd(s) % 3 ? (int64_t)(rnd(s) % 9) : PICK(s, ints);
}

/* one element of an integer tensor's data (a Reshape's shape, a Reduce's axes) */
static void mutate_int_data(Onnx__TensorProto *t, unsigned *s)
{
    int64_t v = rnd(s) % 2 ? (int64_t)(rnd(s) % 9) - 1 : PICK(s, ints);
    if (t->n_int64_data) t->int64_data[rnd(s) % t->n_int64_data] = v;
    else if (t->data_type == 7 && t->raw_data.len >= 8) {
        size_t k = rnd(s) % (t->raw_data.len / 8);
        for (int b = 0; b < 8; b++) t->raw_data.data[8 * k + b] = (uint8_t)((uint64_t)v >> (8 * b));
    }
}

static void mutate_init(Onnx__GraphProto *g, unsigned *s)
{
    if (!g->n_initializer) return;
    Onnx__TensorProto *t = g->initializer[rnd(s) % g->n_initializer];
    if (t->data_type == 7 && rnd(s) % 2) {
        mutate_int_data(t, s);
        return;
    }
    switch (rnd(s) % 3) {
    case 0:
        if (t->n_dims) t->dims[rnd(s) % t->n_dims] = rnd(s) % 2 ? (int64_t)(rnd(s) % 9) : PICK(s, ints);
        break;
    case 1: t->data_type = rnd(s) % 2 ? 7 : (int32_t)(rnd(s) % 17); break;
    default:
        if (t->n_dims) t->n_dims--;
        break;
    }
}

/* a copy of node k (through its packed form) inserted at a random place,
 * its first output renamed so that it defines a new value */
static void duplicate_node(Onnx__GraphProto *g, size_t k, unsigned *s)
{
    size_t len = onnx__node_proto__get_packed_size(g->node[k]);
    uint8_t *buf = malloc(len ? len : 1);
    onnx__node_proto__pack(g->node[k], buf);
    Onnx__NodeProto *n = onnx__node_proto__unpack(NULL, len, buf);
    free(buf);
    if (!n) return;
    if (n->n_output) {
        char name[32];
        snprintf(name, sizeof name, "fz%u", rnd(s) % 1000);
        set_str(&n->output[0], name);
    }
    g->node = realloc(g->node, sizeof *g->node * (g->n_node + 1));
    size_t at = rnd(s) % (g->n_node + 1);
    memmove(g->node + at + 1, g->node + at, sizeof *g->node * (g->n_node - at));
    g->node[at] = n;
    g->n_node++;
}

/* a new INT, INTS, FLOAT or STRING attribute on n */
static void add_attr(Onnx__NodeProto *n, unsigned *s)
{
    static const char *const pads[] = { "SAME_UPPER", "SAME_LOWER", "VALID", "NOTSET", "" };
    Onnx__AttributeProto *a = malloc(sizeof *a);
    onnx__attribute_proto__init(a);
    a->name = dup(PICK(s, attrs));
    switch (rnd(s) % 4) {
    case 0: a->type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT, a->has_i = 1, a->i = PICK(s, ints); break;
    case 1: a->type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT, a->has_f = 1, a->f = (float)(rnd(s) % 5) / 2; break;
    case 2: {
        const char *v = PICK(s, pads);
        a->type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRING, a->has_s = 1, a->s.len = strlen(v);
        a->s.data = (uint8_t *)dup(v);
        break;
    }
    default:
        a->type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS, a->n_ints = 1 + rnd(s) % 4;
        a->ints = malloc(sizeof *a->ints * a->n_ints);
        for (size_t k = 0; k < a->n_ints; k++) a->ints[k] = rnd(s) % 3 ? (int64_t)(rnd(s) % 4) : PICK(s, ints);
        break;
    }
    n->attribute = realloc(n->attribute, sizeof *n->attribute * (n->n_attribute + 1));
    n->attribute[n->n_attribute++] = a;
}

/* one structural change of the model */
static void mutate_model(Onnx__ModelProto *m, unsigned *s)
{
    Onnx__GraphProto *g = m->graph;
    Onnx__NodeProto *n = g->n_node ? g->node[rnd(s) % g->n_node] : NULL;
    switch (rnd(s) % 12) {
    case 0:
        if (n) set_str(&n->op_type, PICK(s, ops));
        break;
    case 9:
        if (n && g->n_node < 64) duplicate_node(g, rnd(s) % g->n_node, s);
        break;
    case 10:
        if (n && n->n_attribute < 16) add_attr(n, s);
        break;
    case 1:
    case 2:
        if (n) mutate_inputs(g, n, s);
        break;
    case 3:
        if (n && n->n_attribute) mutate_attr(n->attribute[rnd(s) % n->n_attribute], s);
        break;
    case 4: mutate_dims(g, s); break;
    case 5: mutate_init(g, s); break;
    case 6:
        if (g->n_node > 1) {    /* swap two nodes */
            size_t a = rnd(s) % g->n_node, b = rnd(s) % g->n_node;
            Onnx__NodeProto *t = g->node[a];
            g->node[a] = g->node[b], g->node[b] = t;
        }
        break;
    case 7:
        if (g->n_output) set_str(&g->output[rnd(s) % g->n_output]->name, any_value(g, s));
        break;
    default:
        if (m->n_opset_import)
            m->opset_import[0]->version = (int64_t)(rnd(s) % 20), m->opset_import[0]->has_version = 1;
        break;
    }
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed)
{
    unsigned s = seed;
    static int bytes_only = -1;     /* ONNX_FUZZ_BYTES_ONLY=1: libFuzzer's mutations alone, to compare */
    if (bytes_only < 0) bytes_only = getenv("ONNX_FUZZ_BYTES_ONLY") != NULL;
    Onnx__ModelProto *m = !bytes_only && rnd(&s) % 5 ? onnx__model_proto__unpack(NULL, size, data) : NULL;
    if (!m || !m->graph) {
        if (m) onnx__model_proto__free_unpacked(m, NULL);
        return LLVMFuzzerMutate(data, size, max_size);
    }
    for (unsigned k = 1 + rnd(&s) % 3; k; k--) mutate_model(m, &s);
    size_t len = onnx__model_proto__get_packed_size(m);
    if (len <= max_size) onnx__model_proto__pack(m, data);
    onnx__model_proto__free_unpacked(m, NULL);
    return len <= max_size ? len : size;
}
