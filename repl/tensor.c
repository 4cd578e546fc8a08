/* tensor.c - REPL tensor values: allocation, constructors, element access.
 * Element conversion from double follows a C cast, made total: ints saturate at
 * their range (NaN gives 0), bool is v != 0, floats round (overflow gives inf). */
#include "repl/tensor.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

size_t rt_elem_size(DType t) { return t > DT_NONE && t < DT_COUNT ? (size_t)dtype_bits(t) / 8 : 0; }

RTensor *rt_new(DType t, int ndim, const int64_t *shape)
{
    int64_t n = npy_shape_numel(t, ndim, shape);
    if (n < 0) return NULL;
    RTensor *r = calloc(1, sizeof *r);
    if (!r) return NULL;
    r->type = t;
    r->ndim = ndim;
    r->shape = calloc(ndim > 0 ? (size_t)ndim : 1, sizeof *r->shape);
    r->data = calloc(n > 0 ? (size_t)n : 1, rt_elem_size(t));
    if (!r->shape || !r->data) {
        rt_free(r);
        return NULL;
    }
    if (ndim > 0) memcpy(r->shape, shape, (size_t)ndim * sizeof *shape);
    return r;
}

void rt_free(RTensor *t)
{
    if (!t) return;
    free(t->shape);
    free(t->data);
    free(t);
}

int64_t rt_numel(const RTensor *t)
{
    int64_t n = 1;
    for (int i = 0; i < t->ndim; i++) n *= t->shape[i];
    return n;
}

size_t rt_nbytes(const RTensor *t) { return (size_t)rt_numel(t) * rt_elem_size(t->type); }

RTensor *rt_copy(const RTensor *t)
{
    RTensor *r = rt_new(t->type, t->ndim, t->shape);
    if (r) memcpy(r->data, t->data, rt_nbytes(t));
    return r;
}

/* ---- random numbers: splitmix64 seeds xoshiro256** ---- */

static uint64_t rng[4];
static bool rng_ready;      /* false until the first rt_seed: then rt_seed(0) */

void rt_seed(uint64_t seed)
{
    for (int i = 0; i < 4; i++) {
        uint64_t z = (seed += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        rng[i] = z ^ (z >> 31);
    }
    rng_ready = true;
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static uint64_t rng_next(void)
{
    if (!rng_ready) rt_seed(0);
    uint64_t r = rotl(rng[1] * 5, 7) * 9, t = rng[1] << 17;
    rng[2] ^= rng[0];
    rng[3] ^= rng[1];
    rng[1] ^= rng[2];
    rng[0] ^= rng[3];
    rng[2] ^= t;
    rng[3] = rotl(rng[3], 45);
    return r;
}

/* uniform in [0, n) from the high bits (Lemire's multiply, bias below 2^-60) */
static int64_t rng_below(uint64_t n) { return (int64_t)(((unsigned __int128)rng_next() * n) >> 64); }

RTensor *rt_rand(DType t, int ndim, const int64_t *shape)
{
    RTensor *r = rt_new(t, ndim, shape);
    if (!r) return NULL;
    int64_t n = rt_numel(r);
    for (int64_t i = 0; i < n; i++) {
        switch (t) {
        case DT_F32: ((float *)r->data)[i] = (float)(rng_next() >> 40) * 0x1p-24f; break;
        case DT_F64: ((double *)r->data)[i] = (double)(rng_next() >> 11) * 0x1p-53; break;
        case DT_BOOL: ((uint8_t *)r->data)[i] = (uint8_t)(rng_next() >> 63); break;
        default:
            if (dtype_is_signed(t)) rt_set_i64(r, i, rng_below(20) - 10);
            else rt_set_i64(r, i, rng_below(10));
        }
    }
    return r;
}

RTensor *rt_full(DType t, int ndim, const int64_t *shape, double v)
{
    RTensor *r = rt_new(t, ndim, shape);
    if (!r) return NULL;
    int64_t n = rt_numel(r);
    if (n > 0) {
        rt_set(r, 0, v);
        size_t es = rt_elem_size(t);
        for (int64_t i = 1; i < n; i++) memcpy((char *)r->data + i * es, r->data, es);
    }
    return r;
}

RTensor *rt_arange(DType t, int64_t n)
{
    RTensor *r = rt_new(t, 1, &n);
    if (!r) return NULL;
    for (int64_t i = 0; i < n; i++) rt_set_i64(r, i, i);
    return r;
}

RTensor *rt_scalar(DType t, double v)
{
    RTensor *r = rt_new(t, 0, NULL);
    if (r) rt_set(r, 0, v);
    return r;
}

/* ---- element access ---- */

double rt_get(const RTensor *t, int64_t i)
{
    const void *d = t->data;
    switch (t->type) {
    case DT_BOOL: return ((const uint8_t *)d)[i] != 0;
    case DT_I8: return ((const int8_t *)d)[i];
    case DT_I16: return ((const int16_t *)d)[i];
    case DT_I32: return ((const int32_t *)d)[i];
    case DT_I64: return (double)((const int64_t *)d)[i];
    case DT_U8: return ((const uint8_t *)d)[i];
    case DT_U16: return ((const uint16_t *)d)[i];
    case DT_U32: return ((const uint32_t *)d)[i];
    case DT_U64: return (double)((const uint64_t *)d)[i];
    case DT_F32: return ((const float *)d)[i];
    case DT_F64: return ((const double *)d)[i];
    default: return 0;
    }
}

bool rt_get_i64(const RTensor *t, int64_t i, int64_t *out)
{
    const void *d = t->data;
    switch (t->type) {
    case DT_BOOL: *out = ((const uint8_t *)d)[i] != 0; return true;
    case DT_I8: *out = ((const int8_t *)d)[i]; return true;
    case DT_I16: *out = ((const int16_t *)d)[i]; return true;
    case DT_I32: *out = ((const int32_t *)d)[i]; return true;
    case DT_I64: *out = ((const int64_t *)d)[i]; return true;
    case DT_U8: *out = ((const uint8_t *)d)[i]; return true;
    case DT_U16: *out = ((const uint16_t *)d)[i]; return true;
    case DT_U32: *out = ((const uint32_t *)d)[i]; return true;
    case DT_U64: {
        uint64_t u = ((const uint64_t *)d)[i];
        if (u > INT64_MAX) return false;
        *out = (int64_t)u;
        return true;
    }
    case DT_F32:
    case DT_F64: {
        double v = rt_get(t, i);
        if (!(v >= -0x1p63 && v < 0x1p63) || v != floor(v)) return false;
        *out = (int64_t)v;
        return true;
    }
    default: return false;
    }
}

/* v truncated toward zero and clamped to [lo, hi]; NaN gives 0 */
static int64_t sat_i64(double v, int64_t lo, int64_t hi)
{
    if (v != v) return 0;
    if (v <= (double)lo) return lo;
    if (v >= (double)hi) return hi;     /* (double)INT64_MAX is 2^63: out of range */
    return (int64_t)v;
}

void rt_set(RTensor *t, int64_t i, double v)
{
    void *d = t->data;
    switch (t->type) {
    case DT_BOOL: ((uint8_t *)d)[i] = v != 0; break;
    case DT_I8: ((int8_t *)d)[i] = (int8_t)sat_i64(v, INT8_MIN, INT8_MAX); break;
    case DT_I16: ((int16_t *)d)[i] = (int16_t)sat_i64(v, INT16_MIN, INT16_MAX); break;
    case DT_I32: ((int32_t *)d)[i] = (int32_t)sat_i64(v, INT32_MIN, INT32_MAX); break;
    case DT_I64: ((int64_t *)d)[i] = sat_i64(v, INT64_MIN, INT64_MAX); break;
    case DT_U8: ((uint8_t *)d)[i] = (uint8_t)sat_i64(v, 0, UINT8_MAX); break;
    case DT_U16: ((uint16_t *)d)[i] = (uint16_t)sat_i64(v, 0, UINT16_MAX); break;
    case DT_U32: ((uint32_t *)d)[i] = (uint32_t)sat_i64(v, 0, UINT32_MAX); break;
    case DT_U64: ((uint64_t *)d)[i] = v != v || v <= 0 ? 0 : v >= 0x1p64 ? UINT64_MAX : (uint64_t)v; break;
    case DT_F32: ((float *)d)[i] = (float)v; break;
    case DT_F64: ((double *)d)[i] = v; break;
    default: break;
    }
}

static int64_t clamp(int64_t v, int64_t lo, int64_t hi) { return v < lo ? lo : v > hi ? hi : v; }

void rt_set_i64(RTensor *t, int64_t i, int64_t v)
{
    void *d = t->data;
    switch (t->type) {
    case DT_BOOL: ((uint8_t *)d)[i] = v != 0; break;
    case DT_I8: ((int8_t *)d)[i] = (int8_t)clamp(v, INT8_MIN, INT8_MAX); break;
    case DT_I16: ((int16_t *)d)[i] = (int16_t)clamp(v, INT16_MIN, INT16_MAX); break;
    case DT_I32: ((int32_t *)d)[i] = (int32_t)clamp(v, INT32_MIN, INT32_MAX); break;
    case DT_I64: ((int64_t *)d)[i] = v; break;
    case DT_U8: ((uint8_t *)d)[i] = (uint8_t)clamp(v, 0, UINT8_MAX); break;
    case DT_U16: ((uint16_t *)d)[i] = (uint16_t)clamp(v, 0, UINT16_MAX); break;
    case DT_U32: ((uint32_t *)d)[i] = (uint32_t)clamp(v, 0, UINT32_MAX); break;
    case DT_U64: ((uint64_t *)d)[i] = v < 0 ? 0 : (uint64_t)v; break;
    case DT_F32: ((float *)d)[i] = (float)v; break;
    case DT_F64: ((double *)d)[i] = (double)v; break;
    default: break;
    }
}

void rt_set_u64(RTensor *t, int64_t i, uint64_t v)
{
    if (t->type == DT_U64) ((uint64_t *)t->data)[i] = v;
    else if (t->type == DT_F32) ((float *)t->data)[i] = (float)v;
    else if (t->type == DT_F64) ((double *)t->data)[i] = (double)v;
    else rt_set_i64(t, i, v > INT64_MAX ? INT64_MAX : (int64_t)v);
}
