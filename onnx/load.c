/* load.c - a .onnx file into the graph IR: protobuf-c unpacks the ModelProto,
 * this file copies what the importer uses into the Arena (values, nodes,
 * attributes, constant data) and frees the protobuf-c tree before returning.
 * Invariant: every node's inputs are defined before it (topological order). */
#include "onnx/onnx.h"
#include "onnx/onnx.pb-c.h"
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FILE_BYTES ((size_t)2 << 30)

typedef struct Loader {
    OnnxGraph *g;
    const char *dir;            /* the model's directory, for external data */
    PtrVec values;
    /* open-addressing table of values by name */
    OnnxValue **tab;
    size_t tabcap;
} Loader;

void onnx_error(OnnxGraph *g, const OnnxNode *node, const char *fmt, ...)
{
    FILE *out = g->diag->out ? g->diag->out : stderr;
    g->diag->nerrors++;
    fprintf(out, "%s: error: ", g->path);
    if (node) {
        fprintf(out, "node %d ", node->index);
        if (node->name[0]) fprintf(out, "'%s' ", node->name);
        fprintf(out, "(%s): ", node->op);
    }
    va_list ap;
    va_start(ap, fmt);
    vfprintf(out, fmt, ap);
    va_end(ap);
    fputc('\n', out);
}

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603u;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

static OnnxValue **slot_of(Loader *L, const char *name)
{
    size_t m = L->tabcap - 1, k = hash_str(name) & m;
    while (L->tab[k] && strcmp(L->tab[k]->name, name)) k = (k + 1) & m;
    return &L->tab[k];
}

static OnnxValue *find_value(Loader *L, const char *name) { return *slot_of(L, name); }

static OnnxValue *new_value(Loader *L, const char *name)
{
    OnnxValue *v = ARENA_NEW(L->g->arena, OnnxValue);
    v->name = arena_strdup(L->g->arena, name ? name : "");
    v->shape.rank = -1;
    v->producer = -1;
    v->id = L->values.len;
    if (v->name[0]) *slot_of(L, v->name) = v;
    vec_push(L->g->arena, &L->values, v);
    return v;
}

static char *read_file(const char *path, size_t *len, char *err, size_t errsize)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errsize, "cannot open: %s", strerror(errno));
        return NULL;
    }
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    for (;;) {
        if (n == cap) {
            if (cap >= MAX_FILE_BYTES) {
                snprintf(err, errsize, "file is larger than 2 GiB");
                free(buf);
                fclose(f);
                return NULL;
            }
            cap *= 2;
            buf = realloc(buf, cap);
        }
        size_t k = fread(buf + n, 1, cap - n, f);
        n += k;
        if (k == 0) break;
    }
    bool bad = ferror(f);
    fclose(f);
    if (bad) {
        snprintf(err, errsize, "read error");
        free(buf);
        return NULL;
    }
    *len = n;
    return buf;
}

/* ---- tensors ---- */

static int elem_size(int dt)
{
    switch (dt) {
    case OD_FLOAT:
    case OD_INT32:
    case OD_UINT32: return 4;
    case OD_INT64:
    case OD_UINT64:
    case OD_DOUBLE: return 8;
    case OD_INT8:
    case OD_UINT8:
    case OD_BOOL: return 1;
    case OD_INT16:
    case OD_UINT16:
    case OD_FLOAT16:
    case OD_BFLOAT16: return 2;
    default: return 0;
    }
}

/* one element of little-endian raw bytes p of dtype dt, as int64 */
static int64_t raw_int(const uint8_t *p, int dt)
{
    uint64_t u = 0;
    int n = elem_size(dt);
    for (int k = 0; k < n; k++) u |= (uint64_t)p[k] << (8 * k);
    switch (dt) {
    case OD_INT8: return (int8_t)u;
    case OD_INT16: return (int16_t)u;
    case OD_INT32: return (int32_t)u;
    default: return (int64_t)u;
    }
}

static float raw_float(const uint8_t *p)
{
    uint32_t u = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
    float f;
    memcpy(&f, &u, 4);
    return f;
}

static bool is_int_type(int dt)
{
    return dt == OD_INT8 || dt == OD_INT16 || dt == OD_INT32 || dt == OD_INT64 || dt == OD_UINT8 || dt == OD_UINT16 ||
           dt == OD_UINT32 || dt == OD_UINT64 || dt == OD_BOOL;
}

/* raw bytes of `len` from the external file named by the tensor's
 * external_data (location, offset, length), malloc'd; NULL with err set */
static uint8_t *read_external(Loader *L, const Onnx__TensorProto *t, size_t want, char *err, size_t es)
{
    const char *loc = NULL;
    long long off = 0, length = -1;
    for (size_t k = 0; k < t->n_external_data; k++) {
        const Onnx__StringStringEntryProto *e = t->external_data[k];
        if (!e->key || !e->value) continue;
        if (!strcmp(e->key, "location")) loc = e->value;
        else if (!strcmp(e->key, "offset")) off = strtoll(e->value, NULL, 10);
        else if (!strcmp(e->key, "length")) length = strtoll(e->value, NULL, 10);
    }
    if (!loc || !loc[0] || loc[0] == '/' || strstr(loc, "..")) {
        snprintf(err, es, "external data has no usable location");
        return NULL;
    }
    if (off < 0 || (length >= 0 && (size_t)length != want)) {
        snprintf(err, es, "external data offset %lld / length %lld does not fit its %zu bytes", off, length, want);
        return NULL;
    }
    char *path = arena_printf(L->g->arena, "%s/%s", L->dir, loc);
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, es, "cannot open external data '%s' (beside the model): %s", loc, strerror(errno));
        return NULL;
    }
    /* the file's size first: the dims may claim terabytes that are not there */
    long size = fseek(f, 0, SEEK_END) == 0 ? ftell(f) : -1;
    bool fits = size >= 0 && off <= size && want <= (size_t)(size - off);
    uint8_t *buf = fits ? malloc(want ? want : 1) : NULL;
    bool ok = buf && fseek(f, off, SEEK_SET) == 0 && fread(buf, 1, want, f) == want;
    fclose(f);
    if (!ok) {
        free(buf);
        snprintf(err, es, "external data '%s' is shorter than offset %lld + %zu bytes", path, off, want);
        return NULL;
    }
    return buf;
}

/* the typed-array field that holds dt's values, and its count */
static size_t typed_count(const Onnx__TensorProto *t, int dt)
{
    switch (dt) {
    case OD_FLOAT: return t->n_float_data;
    case OD_INT64: return t->n_int64_data;
    case OD_DOUBLE: return t->n_double_data;
    case OD_UINT32:
    case OD_UINT64: return t->n_uint64_data;
    case OD_STRING: return t->n_string_data;
    default: return t->n_int32_data;
    }
}

static void copy_typed(OnnxValue *v, const Onnx__TensorProto *t, int dt)
{
    for (int64_t k = 0; k < v->numel; k++) {
        if (v->f) v->f[k] = dt == OD_FLOAT ? t->float_data[k] : 0;
        else if (dt == OD_INT64) v->i[k] = t->int64_data[k];
        else if (dt == OD_UINT32 || dt == OD_UINT64) v->i[k] = (int64_t)t->uint64_data[k];
        else v->i[k] = t->int32_data[k];
    }
}

/* fills v (dtype, shape, data) from t; 0, or -1 with err set */
static int load_tensor(Loader *L, OnnxValue *v, const Onnx__TensorProto *t, char *err, size_t es)
{
    int dt = t->data_type;
    v->dtype = (OnnxDtype)dt;
    v->is_const = true;
    if (t->n_dims > ONNX_MAX_RANK) {
        snprintf(err, es, "has rank %zu; at most %d is supported", t->n_dims, ONNX_MAX_RANK);
        return -1;
    }
    v->shape.rank = (int)t->n_dims;
    int64_t numel = 1;
    for (size_t k = 0; k < t->n_dims; k++) {
        if (t->dims[k] < 0) {
            snprintf(err, es, "has an invalid dimension %lld", (long long)t->dims[k]);
            return -1;
        }
        v->shape.d[k].n = t->dims[k];
    }
    if (!onnx_shape_fits(&v->shape)) {
        char b[256];
        snprintf(err, es, "has shape %s, more than 2^40 elements", onnx_shape_str(&v->shape, b, sizeof b));
        return -1;
    }
    for (size_t k = 0; k < t->n_dims; k++) numel *= t->dims[k];
    v->numel = numel;
    int es_ = elem_size(dt);
    if (dt != OD_FLOAT && !is_int_type(dt)) return 0;   /* kept without data; users reject the dtype */
    bool ext = t->has_data_location && t->data_location == ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL;
    size_t bytes = (size_t)numel * (size_t)es_;
    uint8_t *raw = NULL, *own = NULL;
    if (ext) {
        if (!(raw = own = read_external(L, t, bytes, err, es))) return -1;
    } else if (t->has_raw_data && (t->raw_data.len || !typed_count(t, dt))) {
        if (t->raw_data.len != bytes) {
            snprintf(err, es, "holds %zu bytes of data but its dims give %lld values of %d bytes", t->raw_data.len,
                     (long long)numel, es_);
            return -1;
        }
        raw = t->raw_data.data;
    } else if (typed_count(t, dt) != (size_t)numel) {
        snprintf(err, es, "holds %zu values but its dims give %lld", typed_count(t, dt), (long long)numel);
        return -1;
    }
    if (dt == OD_FLOAT) v->f = ARENA_ARRAY(L->g->arena, float, numel + 1);
    else v->i = ARENA_ARRAY(L->g->arena, int64_t, numel + 1);
    if (!raw) copy_typed(v, t, dt);
    for (int64_t k = 0; raw && k < numel; k++) {
        if (v->f) v->f[k] = raw_float(raw + 4 * k);
        else v->i[k] = raw_int(raw + (size_t)es_ * k, dt);
    }
    free(own);
    return 0;
}

/* ---- graph inputs and outputs: types from ValueInfoProto ---- */

static int load_type(Loader *L, OnnxValue *v, const Onnx__ValueInfoProto *vi, const char *what)
{
    const Onnx__TypeProto *tp = vi->type;
    if (!tp || tp->value_case != ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE || !tp->tensor_type) {
        onnx_error(L->g, NULL, "graph %s '%s' is not a tensor (sequences, maps and optionals are not supported)", what,
                   v->name);
        return -1;
    }
    const Onnx__TypeProto__Tensor *tt = tp->tensor_type;
    v->dtype = (OnnxDtype)tt->elem_type;
    if (!tt->shape) return 0;   /* rank unknown */
    if (tt->shape->n_dim > ONNX_MAX_RANK) {
        onnx_error(L->g, NULL, "graph %s '%s' has rank %zu; at most %d is supported", what, v->name, tt->shape->n_dim,
                   ONNX_MAX_RANK);
        return -1;
    }
    v->shape.rank = (int)tt->shape->n_dim;
    for (size_t k = 0; k < tt->shape->n_dim; k++) {
        const Onnx__TensorShapeProto__Dimension *dm = tt->shape->dim[k];
        if (dm->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE && dm->dim_value >= 0)
            v->shape.d[k].n = dm->dim_value;
        else if (dm->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM && dm->dim_param &&
                 dm->dim_param[0])
            v->shape.d[k].sym = arena_strdup(L->g->arena, dm->dim_param);
        else if (!strcmp(what, "input")) {
            onnx_error(L->g, NULL, "graph input '%s' has dimension %zu of unknown extent (neither a value nor a name)",
                       v->name, k);
            return -1;
        } else {
            v->shape.rank = -1;     /* an output's shape is inferred anyway */
            return 0;
        }
    }
    char b[256];
    if (!strcmp(what, "input") && !onnx_shape_fits(&v->shape)) {
        onnx_error(L->g, NULL, "graph input '%s' has shape %s, more than 2^40 elements", v->name,
                   onnx_shape_str(&v->shape, b, sizeof b));
        return -1;
    }
    return 0;
}

/* ---- nodes ---- */

static const char *attr_type_name(int t)
{
    static const char *names[] = { "UNDEFINED",      "FLOAT",      "INT",        "STRING",  "TENSOR", "GRAPH",
                                   "FLOATS",         "INTS",       "STRINGS",    "TENSORS", "GRAPHS", "SPARSE_TENSOR",
                                   "SPARSE_TENSORS", "TYPE_PROTO", "TYPE_PROTOS" };
    return t >= 0 && t < (int)(sizeof names / sizeof *names) ? names[t] : "UNKNOWN";
}

static int load_attr(Loader *L, OnnxNode *n, OnnxAttr *at, const Onnx__AttributeProto *p)
{
    Arena *a = L->g->arena;
    at->name = arena_strdup(a, p->name ? p->name : "");
    at->kind_name = attr_type_name(p->type);
    switch (p->type) {
    case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT: at->kind = OA_FLOAT, at->f = p->f; break;
    case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT: at->kind = OA_INT, at->i = p->i; break;
    case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRING:
        at->kind = OA_STRING;
        at->s = p->s.len ? arena_strndup(a, (const char *)p->s.data, p->s.len) : "";  /* an empty one has no data */
        break;
    case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOATS:
        at->kind = OA_FLOATS, at->n = (int)p->n_floats;
        at->fs = ARENA_ARRAY(a, float, at->n + 1);
        if (at->n) memcpy(at->fs, p->floats, sizeof(float) * at->n);
        break;
    case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS:
        at->kind = OA_INTS, at->n = (int)p->n_ints;
        at->is = ARENA_ARRAY(a, int64_t, at->n + 1);
        if (at->n) memcpy(at->is, p->ints, sizeof(int64_t) * at->n);
        break;
    case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRINGS: at->kind = OA_STRINGS, at->n = (int)p->n_strings; break;
    case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__TENSOR: {
        char err[256];
        at->kind = OA_TENSOR;
        at->t = new_value(L, NULL);
        if (!p->t) {
            onnx_error(L->g, n, "attribute '%s' has no tensor", at->name);
            return -1;
        }
        if (load_tensor(L, at->t, p->t, err, sizeof err)) {
            onnx_error(L->g, n, "attribute '%s': tensor %s", at->name, err);
            return -1;
        }
        break;
    }
    default: at->kind = OA_OTHER; break;
    }
    return 0;
}

/* binds a node's inputs to defined values and defines its outputs */
static int link_node(Loader *L, OnnxNode *n, const Onnx__NodeProto *p)
{
    Arena *a = L->g->arena;
    n->nin = (int)p->n_input;
    n->nout = (int)p->n_output;
    n->in = ARENA_ARRAY(a, OnnxValue *, n->nin + 1);
    n->out = ARENA_ARRAY(a, OnnxValue *, n->nout + 1);
    for (int k = 0; k < n->nin; k++) {
        const char *s = p->input[k];
        if (!s || !s[0]) continue;
        if (!(n->in[k] = find_value(L, s))) {
            onnx_error(L->g, n,
                       "input '%s' is not defined before this node (the graph is not in topological order, "
                       "or has a cycle)",
                       s);
            return -1;
        }
    }
    for (int k = 0; k < n->nout; k++) {
        const char *s = p->output[k];
        if (!s || !s[0]) continue;
        if (find_value(L, s)) {
            onnx_error(L->g, n, "output '%s' is defined twice", s);
            return -1;
        }
        n->out[k] = new_value(L, s);
        n->out[k]->producer = n->index;
    }
    return 0;
}

static int load_node(Loader *L, OnnxNode *n, const Onnx__NodeProto *p)
{
    Arena *a = L->g->arena;
    n->name = arena_strdup(a, p->name ? p->name : "");
    n->op = arena_strdup(a, p->op_type ? p->op_type : "");
    n->domain = arena_strdup(a, p->domain ? p->domain : "");
    n->nattr = (int)p->n_attribute;
    n->attr = ARENA_ARRAY(a, OnnxAttr, n->nattr + 1);
    for (int k = 0; k < n->nattr; k++)
        if (load_attr(L, n, &n->attr[k], p->attribute[k])) return -1;
    return link_node(L, n, p);
}

/* ---- the model ---- */

static int load_inits(Loader *L, const Onnx__GraphProto *gp)
{
    for (size_t k = 0; k < gp->n_initializer; k++) {
        const Onnx__TensorProto *t = gp->initializer[k];
        char err[256];
        if (!t->name || !t->name[0] || find_value(L, t->name)) {
            onnx_error(L->g, NULL, "initializer %zu has %s name '%s'", k, t->name && t->name[0] ? "a duplicate" : "no",
                       t->name ? t->name : "");
            return -1;
        }
        OnnxValue *v = new_value(L, t->name);
        v->is_init = true;
        if (load_tensor(L, v, t, err, sizeof err)) {
            onnx_error(L->g, NULL, "initializer '%s' %s", v->name, err);
            return -1;
        }
    }
    if (gp->n_sparse_initializer) {
        onnx_error(L->g, NULL, "sparse initializers are not supported");
        return -1;
    }
    return 0;
}

static int load_inputs(Loader *L, const Onnx__GraphProto *gp)
{
    OnnxGraph *g = L->g;
    g->inputs = ARENA_ARRAY(g->arena, OnnxValue *, gp->n_input + 1);
    for (size_t k = 0; k < gp->n_input; k++) {
        const char *nm = gp->input[k]->name ? gp->input[k]->name : "";
        OnnxValue *v = find_value(L, nm);
        if (v && v->is_init) continue;     /* an initializer listed as an input (IR < 4): a constant */
        if (v || !nm[0]) {
            onnx_error(g, NULL, "graph input %zu '%s' is %s", k, nm, nm[0] ? "listed twice" : "unnamed");
            return -1;
        }
        v = new_value(L, nm);
        v->is_input = true;
        if (load_type(L, v, gp->input[k], "input")) return -1;
        g->inputs[g->ninputs++] = v;
    }
    return 0;
}

static int load_outputs(Loader *L, const Onnx__GraphProto *gp)
{
    OnnxGraph *g = L->g;
    g->outputs = ARENA_ARRAY(g->arena, OnnxValue *, gp->n_output + 1);
    for (size_t k = 0; k < gp->n_output; k++) {
        const char *nm = gp->output[k]->name ? gp->output[k]->name : "";
        OnnxValue *v = find_value(L, nm);
        if (!v) {
            onnx_error(g, NULL, "graph output '%s' is not computed by any node", nm);
            return -1;
        }
        OnnxValue decl = { .name = v->name, .shape.rank = -1 };
        if (load_type(L, &decl, gp->output[k], "output")) return -1;
        if (!v->dtype) v->dtype = decl.dtype;
        v->is_output = true;
        g->outputs[g->noutputs++] = v;
    }
    if (!g->noutputs) onnx_error(g, NULL, "the graph has no outputs");
    return g->noutputs ? 0 : -1;
}

static int load_graph(Loader *L, const Onnx__ModelProto *m)
{
    OnnxGraph *g = L->g;
    const Onnx__GraphProto *gp = m->graph;
    g->ir_version = m->ir_version;
    g->producer = arena_strdup(g->arena, m->producer_name ? m->producer_name : "");
    g->opset = -1;
    for (size_t k = 0; k < m->n_opset_import; k++) {
        const char *dom = m->opset_import[k]->domain;
        if (!dom || !dom[0] || !strcmp(dom, "ai.onnx")) g->opset = m->opset_import[k]->version;
    }
    if (g->opset < 0) g->opset = m->n_opset_import ? 1 : 1;   /* IR 2 models may omit it: opset 1 */
    g->name = arena_strdup(g->arena, gp->name ? gp->name : "");
    size_t need = 2 * (gp->n_node * 4 + gp->n_initializer + gp->n_input + 16);
    for (L->tabcap = 64; L->tabcap < need; L->tabcap *= 2) {}
    L->tab = ARENA_ARRAY(g->arena, OnnxValue *, L->tabcap);
    if (load_inits(L, gp) || load_inputs(L, gp)) return -1;
    g->nodes = ARENA_ARRAY(g->arena, OnnxNode, gp->n_node + 1);
    for (size_t k = 0; k < gp->n_node; k++) {
        OnnxNode *n = &g->nodes[k];
        n->index = (int)k;
        g->nnodes++;
        if (load_node(L, n, gp->node[k])) return -1;
    }
    if (load_outputs(L, gp)) return -1;
    g->values = (OnnxValue **)L->values.items;
    g->nvalues = L->values.len;
    return 0;
}

/* the value table holds at most (4 outputs per node + ...) entries; a node with
 * more outputs than that is rejected before it can fill the table */
static int check_sizes(OnnxGraph *g, const Onnx__GraphProto *gp)
{
    for (size_t k = 0; k < gp->n_node; k++) {
        if (gp->node[k]->n_output > 4 || gp->node[k]->n_attribute > 64) {
            onnx_error(g, NULL, "node %zu (%s) has %zu outputs and %zu attributes; at most 4 and 64 are supported", k,
                       gp->node[k]->op_type ? gp->node[k]->op_type : "", gp->node[k]->n_output,
                       gp->node[k]->n_attribute);
            return -1;
        }
    }
    return 0;
}

static OnnxGraph *new_graph(Arena *a, const char *name, Diag *d)
{
    OnnxGraph *g = ARENA_NEW(a, OnnxGraph);
    g->path = arena_strdup(a, name);
    g->arena = a;
    g->diag = d;
    return g;
}

OnnxGraph *onnx_load_mem(Arena *a, const char *name, const uint8_t *data, size_t size, Diag *d)
{
    OnnxGraph *g = new_graph(a, name, d);
    Onnx__ModelProto *m = onnx__model_proto__unpack(NULL, size, data);
    if (!m || !m->graph || (!m->graph->n_node && !m->graph->n_output)) {
        onnx_error(g, NULL, "not an ONNX model (%s)", m ? "no graph" : "the protobuf does not parse as a ModelProto");
        if (m) onnx__model_proto__free_unpacked(m, NULL);
        return NULL;
    }
    const char *slash = strrchr(name, '/');
    Loader L = { .g = g, .dir = slash ? arena_strndup(a, name, (size_t)(slash - name)) : "." };
    int rc = check_sizes(g, m->graph) || load_graph(&L, m);
    onnx__model_proto__free_unpacked(m, NULL);
    if (rc || onnx_infer_shapes(g)) return NULL;
    return g;
}

OnnxGraph *onnx_load(Arena *a, const char *path, Diag *d)
{
    char err[256];
    size_t len = 0;
    char *buf = read_file(path, &len, err, sizeof err);
    if (!buf) {
        onnx_error(new_graph(a, path, d), NULL, "%s", err);
        return NULL;
    }
    OnnxGraph *g = onnx_load_mem(a, path, (const uint8_t *)buf, len, d);
    free(buf);
    return g;
}
