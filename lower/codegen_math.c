/* codegen_math.c - f32 exp log tanh erf sigmoid sin cos pow as TDSL's own LLVM IR: range
 * reduction and polynomials, written once over a value that is a scalar or a
 * vector, so every vector lane runs the scalar instruction sequence and a
 * schedule, or the target (x86, aarch64), never changes a result's bits.
 * pow is computed in f64 inside (f64 pow stays a libm call).
 * Invariant: no fast-math flags; every fused multiply-add is an explicit llvm.fma.
 * The coefficients are minimax fits (weighted least squares on Chebyshev nodes,
 * rounded to f32 from the constant term up) by tests/math/fit_coeffs.py. */
#include "lower/codegen.h"
#include "lang/check.h"
#include <string.h>

/* The builder, a float type T (scalar or vector) and its same-shaped i32 type. */
typedef struct Mb {
    CgModule *m;
    LLVMBuilderRef B;
    LLVMTypeRef T, IT;
} Mb;

static LLVMValueRef splat(Mb *b, LLVMTypeRef T, LLVMValueRef c)
{
    if (LLVMGetTypeKind(T) != LLVMVectorTypeKind) return c;
    unsigned w = LLVMGetVectorSize(T);
    LLVMValueRef cs[64];
    TDSL_ASSERT(w <= 64, "a vector wider than 64 lanes");
    (void)b;
    for (unsigned i = 0; i < w; i++) cs[i] = c;
    return LLVMConstVector(cs, w);
}

static LLVMTypeRef elem(LLVMTypeRef T) { return LLVMGetTypeKind(T) == LLVMVectorTypeKind ? LLVMGetElementType(T) : T; }
static LLVMValueRef kf(Mb *b, double v) { return splat(b, b->T, LLVMConstReal(elem(b->T), v)); }
static LLVMValueRef ki(Mb *b, long long v)
{
    return splat(b, b->IT, LLVMConstInt(elem(b->IT), (unsigned long long)v, 1));
}

static LLVMValueRef intrin(Mb *b, const char *name, LLVMValueRef *args, int n)
{
    return cg_call_intrinsic(b->m, name, &b->T, 1, args, n);
}

static LLVMValueRef fma3(Mb *b, LLVMValueRef x, LLVMValueRef y, LLVMValueRef z)
{
    return intrin(b, "llvm.fma", (LLVMValueRef[]){ x, y, z }, 3);
}
static LLVMValueRef fadd(Mb *b, LLVMValueRef x, LLVMValueRef y) { return LLVMBuildFAdd(b->B, x, y, ""); }
static LLVMValueRef fsub(Mb *b, LLVMValueRef x, LLVMValueRef y) { return LLVMBuildFSub(b->B, x, y, ""); }
static LLVMValueRef fmul(Mb *b, LLVMValueRef x, LLVMValueRef y) { return LLVMBuildFMul(b->B, x, y, ""); }
static LLVMValueRef fdiv(Mb *b, LLVMValueRef x, LLVMValueRef y) { return LLVMBuildFDiv(b->B, x, y, ""); }
static LLVMValueRef fabs1(Mb *b, LLVMValueRef x) { return intrin(b, "llvm.fabs", &x, 1); }
static LLVMValueRef copysign2(Mb *b, LLVMValueRef mag, LLVMValueRef sgn)
{
    return intrin(b, "llvm.copysign", (LLVMValueRef[]){ mag, sgn }, 2);
}
static LLVMValueRef fcmp(Mb *b, LLVMRealPredicate p, LLVMValueRef x, LLVMValueRef y)
{
    return LLVMBuildFCmp(b->B, p, x, y, "");
}
static LLVMValueRef sel(Mb *b, LLVMValueRef c, LLVMValueRef x, LLVMValueRef y)
{
    return LLVMBuildSelect(b->B, c, x, y, "");
}
static LLVMValueRef as_int(Mb *b, LLVMValueRef x) { return LLVMBuildBitCast(b->B, x, b->IT, ""); }
static LLVMValueRef as_float(Mb *b, LLVMValueRef i) { return LLVMBuildBitCast(b->B, i, b->T, ""); }
/* x, or NaN when x is NaN (every formula below maps NaN inputs through here) */
static LLVMValueRef keep_nan(Mb *b, LLVMValueRef x, LLVMValueRef y) { return sel(b, fcmp(b, LLVMRealUNO, x, x), x, y); }

/* c[0] + x*(c[1] + x*(... c[n-1])) by fma */
static LLVMValueRef horner(Mb *b, LLVMValueRef x, const float *c, int n)
{
    LLVMValueRef p = kf(b, c[n - 1]);
    for (int i = n - 2; i >= 0; i--) p = fma3(b, p, x, kf(b, c[i]));
    return p;
}

/* the same with f64 coefficients */
static LLVMValueRef horner_d(Mb *b, LLVMValueRef x, const double *c, int n)
{
    LLVMValueRef p = kf(b, c[n - 1]);
    for (int i = n - 2; i >= 0; i--) p = fma3(b, p, x, kf(b, c[i]));
    return p;
}

/* 2^k for an integer vector k in -126 .. 127 */
static LLVMValueRef pow2i(Mb *b, LLVMValueRef k)
{
    return as_float(b, LLVMBuildShl(b->B, LLVMBuildAdd(b->B, k, ki(b, 127), ""), ki(b, 23), ""));
}

/* exp(x): x = n ln2 + r, |r| <= ln2/2 (Cody-Waite: x - n ln2_hi is exact), exp(r) =
 * (1 + r) + r^2 q(r); the result is scaled by 2^n in two steps, 2^(n/2) (exact:
 * the product stays normal) then 2^(n - n/2), so a denormal result is rounded
 * once. x is clamped to [-104, 89] first, where exp already rounds to 0 / inf.
 * *lo (if asked for) gets the part of exp(x) the rounded result lacks. */
static LLVMValueRef exp_f32_lo(Mb *b, LLVMValueRef x, LLVMValueRef *lo)
{
    static const float q[] = { 5.000000000e-01f, 1.666666716e-01f, 4.166644812e-02f,
                               8.333198726e-03f, 1.393660088e-03f, 1.995239872e-04f };
    /* the clamps on the bits, integer ops off the fma ports: an unsigned min
     * with -104's bits bounds the negatives (and -NaN), then a signed min with
     * 89's bounds the positives (and +NaN) */
    LLVMValueRef c =
        cg_call_intrinsic(b->m, "llvm.umin", &b->IT, 1, (LLVMValueRef[]){ as_int(b, x), as_int(b, kf(b, -104.0)) }, 2);
    c = as_float(b, cg_call_intrinsic(b->m, "llvm.smin", &b->IT, 1, (LLVMValueRef[]){ c, as_int(b, kf(b, 89.0)) }, 2));
    LLVMValueRef n = intrin(b, "llvm.rint", (LLVMValueRef[]){ fmul(b, c, kf(b, 1.44269502162933349609)) }, 1);
    LLVMValueRef r = fma3(b, n, kf(b, -0x1.62e4p-1), c); /* exact: ln2's first 15 bits */
    r = fma3(b, n, kf(b, -0x1.7f7d1cp-20), r);
    /* 1 + r rounds to h; r - (h - 1) is that rounding's error, exactly */
    LLVMValueRef h = fadd(b, r, kf(b, 1.0));
    LLVMValueRef hl = fsub(b, r, fsub(b, h, kf(b, 1.0)));
    LLVMValueRef t = fma3(b, fmul(b, r, r), horner(b, r, q, 6), hl);
    LLVMValueRef p = fadd(b, h, t);
    LLVMValueRef k = LLVMBuildFPToSI(b->B, n, b->IT, "");
    LLVMValueRef s1 = pow2i(b, LLVMBuildAShr(b->B, k, ki(b, 1), ""));
    LLVMValueRef s2 = pow2i(b, LLVMBuildSub(b->B, k, LLVMBuildAShr(b->B, k, ki(b, 1), ""), ""));
    if (lo) *lo = fmul(b, fmul(b, fsub(b, t, fsub(b, p, h)), s1), s2); /* p's rounding error */
    return keep_nan(b, x, fmul(b, fmul(b, p, s1), s2));
}

static LLVMValueRef exp_f32(Mb *b, LLVMValueRef x) { return exp_f32_lo(b, x, NULL); }

/* log(x): x = 2^k m, m in [sqrt(2)/2, sqrt(2)) (denormals scaled by 2^23
 * first), f = m - 1, s = f / (2 + f): log(m) = 2 atanh(s) = 2s + s R, and
 * 2s = f - f^2/2 + s f^2/2 keeps the big terms exact-ish: log(m) = f + (s (f^2/2
 * + R) - f^2/2), with k ln2 added last in two parts. */
static LLVMValueRef log_f32(Mb *b, LLVMValueRef x)
{
    static const float p[] = { 6.666666865e-01f, 3.999955058e-01f, 2.858965397e-01f, 2.257644087e-01f };
    LLVMBuilderRef B = b->B;
    LLVMValueRef tiny = fcmp(b, LLVMRealOLT, x, kf(b, 0x1p-126));
    LLVMValueRef xs = sel(b, tiny, fmul(b, x, kf(b, 0x1p23)), x);
    LLVMValueRef ix = LLVMBuildAdd(B, as_int(b, xs), ki(b, 0x3f800000 - 0x3f3504f3), "");
    LLVMValueRef k = LLVMBuildSub(B, LLVMBuildAShr(B, ix, ki(b, 23), ""), ki(b, 0x7f), "");
    k = LLVMBuildAdd(B, k, sel(b, tiny, ki(b, -23), ki(b, 0)), "");
    ix = LLVMBuildAdd(B, LLVMBuildAnd(B, ix, ki(b, 0x007fffff), ""), ki(b, 0x3f3504f3), "");
    LLVMValueRef f = fsub(b, as_float(b, ix), kf(b, 1.0));
    LLVMValueRef s = fdiv(b, f, fadd(b, f, kf(b, 2.0)));
    LLVMValueRef z = fmul(b, s, s);
    LLVMValueRef R = fmul(b, z, horner(b, z, p, 4));
    LLVMValueRef hfsq = fmul(b, fmul(b, f, f), kf(b, 0.5));
    LLVMValueRef kf_ = LLVMBuildSIToFP(B, k, b->T, "");
    LLVMValueRef lo = fma3(b, kf_, kf(b, -1.90465429995e-09), LLVMBuildFNeg(B, hfsq, ""));
    LLVMValueRef t = fma3(b, s, fadd(b, hfsq, R), lo);
    LLVMValueRef y = fma3(b, kf_, kf(b, 0.693147182464599609375), fadd(b, f, t));
    y = sel(b, fcmp(b, LLVMRealOLT, x, kf(b, 0.0)), kf(b, __builtin_nan("")), y);
    y = sel(b, fcmp(b, LLVMRealOEQ, x, kf(b, 0.0)), kf(b, -__builtin_inf()), y);
    return sel(b, fcmp(b, LLVMRealUGE, x, kf(b, __builtin_inf())), x, y); /* +inf, NaN */
}

/* tanh(x): x + x^3 P(x^2) below 0.625, else 1 - 2 / (exp(2|x|) + 1) with x's sign */
static LLVMValueRef tanh_f32(Mb *b, LLVMValueRef x)
{
    static const float p[] = { -3.333333135e-01f, 1.333322227e-01f,  -5.394845456e-02f,
                               2.170867100e-02f,  -8.194821887e-03f, 2.157345880e-03f };
    LLVMValueRef a = fabs1(b, x), z = fmul(b, x, x);
    LLVMValueRef small = fma3(b, fmul(b, x, z), horner(b, z, p, 6), x);
    LLVMValueRef e = exp_f32(b, fadd(b, a, a));
    LLVMValueRef big = fsub(b, kf(b, 1.0), fdiv(b, kf(b, 2.0), fadd(b, e, kf(b, 1.0))));
    return copysign2(b, sel(b, fcmp(b, LLVMRealOLT, a, kf(b, 0.625)), small, big), x); /* tanh(-0) = -0 */
}

/* sigmoid(x) = 1 / (1 + exp(-x)), from e + el = exp(-|x|) in (0, 1] so
 * nothing overflows: u / (1 + e) with u = 1 for x >= 0, u = e + el below
 * (denormals for x < -87). What roundings lose is added back: d + dl = 1 + e + el
 * (e - (d - 1) is exact as e <= 1), u - q d by fma: q + (u - q d + ul - q dl) / d. */
static LLVMValueRef sigmoid_f32(Mb *b, LLVMValueRef x)
{
    LLVMValueRef el, e = exp_f32_lo(b, LLVMBuildFNeg(b->B, fabs1(b, x), ""), &el);
    LLVMValueRef d = fadd(b, e, kf(b, 1.0));
    LLVMValueRef dl = fadd(b, fsub(b, e, fsub(b, d, kf(b, 1.0))), el);
    LLVMValueRef pos = fcmp(b, LLVMRealOGE, x, kf(b, 0.0));
    LLVMValueRef u = sel(b, pos, kf(b, 1.0), e), ul = sel(b, pos, kf(b, 0.0), el);
    LLVMValueRef q = fdiv(b, u, d), nq = LLVMBuildFNeg(b->B, q, "");
    LLVMValueRef res = fma3(b, nq, dl, fadd(b, fma3(b, nq, d, u), ul));
    return fadd(b, q, fdiv(b, res, d));
}

/* 2^y for y in [-125, 0] (no special cases): y = n + r, |r| <= 1/2 exactly,
 * 2^r by a polynomial (relative error ~1 ulp), 2^n added to the exponent
 * field (exact: the result stays normal). */
static LLVMValueRef exp2_f32_in_range(Mb *b, LLVMValueRef y)
{
    static const float p[] = { 1.000000000e+00f, 6.931471825e-01f, 2.402264476e-01f, 5.550359190e-02f,
                               9.618841112e-03f, 1.339113689e-03f, 1.523800602e-04f };
    LLVMValueRef n = intrin(b, "llvm.rint", &y, 1);
    LLVMValueRef e = horner(b, fsub(b, y, n), p, 7);
    LLVMValueRef k = LLVMBuildShl(b->B, LLVMBuildFPToSI(b->B, n, b->IT, ""), ki(b, 23), "");
    return as_float(b, LLVMBuildAdd(b->B, as_int(b, e), k, ""));
}

/* erf(x): x (c0 + z Q(z)), z = x^2, below 0.875 (c0 = 2/sqrt(pi) in two f32
 * parts); up to 3.9375 (where erf rounds to 1), 1 - 2^L(|x|) with L a fit of
 * log2(erfc) weighted by erfc, the absolute error that matters: erfc <= 0.22
 * there, so 2^L needs only a relative error of a few ulp, and an argument in
 * [-26, -2] needs no clamps. Both are computed on |x|, then x's sign is or-ed
 * in (erf(-0) = -0); a NaN takes the first branch. */
static LLVMValueRef erf_f32(Mb *b, LLVMValueRef x)
{
    static const float q[] = { -3.761257827e-01f, 1.128267348e-01f, -2.679830603e-02f, 5.041452590e-03f,
                               -6.248546997e-04f };
    static const float l[] = { -1.925925026e-04f, -1.627270341e+00f, -9.186092019e-01f, -1.505248100e-01f,
                               3.235405311e-02f,  -4.464185797e-03f, 2.903749119e-04f };
    LLVMValueRef a = fabs1(b, x), z = fmul(b, x, x);
    LLVMValueRef t = fma3(b, z, horner(b, z, q, 5), kf(b, -5.863538277e-08));
    LLVMValueRef small = fma3(b, a, kf(b, 1.128379226e+00), fmul(b, a, t));
    /* min(a, 3.9375) on the bits (NaN -> 3.9375): an integer op, off the fma ports */
    LLVMValueRef c = as_float(b, cg_call_intrinsic(b->m, "llvm.umin", &b->IT, 1,
                                                   (LLVMValueRef[]){ as_int(b, a), as_int(b, kf(b, 3.9375)) }, 2));
    LLVMValueRef e = exp2_f32_in_range(b, horner(b, c, l, 7));
    LLVMValueRef y = sel(b, fcmp(b, LLVMRealULT, a, kf(b, 0.875)), small, fsub(b, kf(b, 1.0), e));
    LLVMValueRef sign = LLVMBuildAnd(b->B, as_int(b, x), ki(b, (long long)0x80000000u), "");
    return as_float(b, LLVMBuildOr(b->B, as_int(b, y), sign, ""));
}

/* Mb over f64/i64 (or f32/i32) values shaped like T */
static Mb mb_of(CgModule *m, LLVMTypeRef T, bool f64)
{
    Mb b = { m, m->b, f64 ? m->f64 : m->f32, f64 ? m->i64 : m->i32 };
    if (LLVMGetTypeKind(T) == LLVMVectorTypeKind) {
        b.T = LLVMVectorType(b.T, LLVMGetVectorSize(T));
        b.IT = LLVMVectorType(b.IT, LLVMGetVectorSize(T));
    }
    return b;
}

/* ---- sin, cos: reduced and evaluated in f64, rounded to f32 once ---- */

/* Bits 8j+1 .. 8j+32 (after the binary point) of 2/pi, j = 0 .. 20. */
static const unsigned two_over_pi[21] = {
    0xa2f9836e, 0xf9836e4e, 0x836e4e44, 0x6e4e4415, 0x4e441529, 0x441529fc, 0x1529fc27,
    0x29fc2757, 0xfc2757d1, 0x2757d1f5, 0x57d1f534, 0xd1f534dd, 0xf534ddc0, 0x34ddc0db,
    0xddc0db62, 0xc0db6295, 0xdb629599, 0x6295993c, 0x95993c43, 0x993c4390, 0x3c439041,
};

/* two_over_pi[idx] per lane (idx i32, in range), zero-extended to i64 */
static LLVMValueRef table_load(Mb *f, Mb *d, LLVMValueRef idx)
{
    CgModule *m = f->m;
    LLVMValueRef g = LLVMGetNamedGlobal(m->mod, "tdsl.two_over_pi");
    if (!g) {
        LLVMValueRef w[21];
        for (int j = 0; j < 21; j++) w[j] = LLVMConstInt(m->i32, two_over_pi[j], 0);
        g = LLVMAddGlobal(m->mod, LLVMArrayType(m->i32, 21), "tdsl.two_over_pi");
        LLVMSetInitializer(g, LLVMConstArray(m->i32, w, 21));
        LLVMSetGlobalConstant(g, 1);
        LLVMSetLinkage(g, LLVMPrivateLinkage);
    }
    bool vec = LLVMGetTypeKind(f->IT) == LLVMVectorTypeKind;
    unsigned w = vec ? LLVMGetVectorSize(f->IT) : 1;
    LLVMValueRef r = vec ? LLVMGetPoison(f->IT) : NULL;
    for (unsigned i = 0; i < w; i++) {
        LLVMValueRef k = LLVMConstInt(m->i32, i, 0);
        LLVMValueRef ix[2] = { LLVMConstInt(m->i64, 0, 0), vec ? LLVMBuildExtractElement(f->B, idx, k, "") : idx };
        LLVMValueRef p = LLVMBuildInBoundsGEP2(f->B, LLVMArrayType(m->i32, 21), g, ix, 2, "");
        LLVMValueRef v = LLVMBuildLoad2(f->B, m->i32, p, "");
        r = vec ? LLVMBuildInsertElement(f->B, r, v, k, "") : v;
    }
    return LLVMBuildZExt(f->B, r, d->IT, "");
}

/* |x| >= 2^28, x = mt 2^(E-150): V = x 2/pi 2^62 mod 2^64 = M 2^(8a) 2/pi mod 2^64
 * with s = E - 88 = 8a + c, M = mt << c, from the 96-bit window w0 w1 w2 of
 * 2/pi at bits 8a-63 .. 8a+32 (V is low by < 2 units of 2^-62). The quadrant n is
 * V's top two bits rounded, the rest is r = (x 2/pi - n) pi/2, with x's sign. */
static void reduce_big(Mb *f, Mb *d, LLVMValueRef x, LLVMValueRef *n, LLVMValueRef *r)
{
    LLVMBuilderRef B = f->B;
    LLVMValueRef ix = as_int(f, fabs1(f, x));
    LLVMValueRef E = LLVMBuildLShr(B, ix, ki(f, 23), "");
    E = sel(f, LLVMBuildICmp(B, LLVMIntUGT, E, ki(f, 155), ""), E, ki(f, 155)); /* in range for every lane */
    E = sel(f, LLVMBuildICmp(B, LLVMIntULT, E, ki(f, 254), ""), E, ki(f, 254));
    LLVMValueRef mt = LLVMBuildOr(B, LLVMBuildAnd(B, ix, ki(f, 0x7fffff), ""), ki(f, 0x800000), "");
    LLVMValueRef s = LLVMBuildSub(B, E, ki(f, 88), ""), a = LLVMBuildLShr(B, s, ki(f, 3), "");
    LLVMValueRef M = LLVMBuildShl(B, mt, LLVMBuildAnd(B, s, ki(f, 7), ""), "");
    LLVMValueRef w0 = table_load(f, d, LLVMBuildSub(B, a, ki(f, 8), ""));
    LLVMValueRef w1 = table_load(f, d, LLVMBuildSub(B, a, ki(f, 4), "")), w2 = table_load(f, d, a);
    LLVMValueRef M64 = LLVMBuildZExt(B, M, d->IT, "");
    LLVMValueRef p0 = LLVMBuildShl(B, LLVMBuildMul(B, M64, w0, ""), ki(d, 32), "");
    LLVMValueRef p2 = LLVMBuildLShr(B, LLVMBuildMul(B, M64, w2, ""), ki(d, 32), "");
    LLVMValueRef V = LLVMBuildAdd(B, LLVMBuildAdd(B, p0, LLVMBuildMul(B, M64, w1, ""), ""), p2, "");
    LLVMValueRef q = LLVMBuildLShr(B, LLVMBuildAdd(B, V, ki(d, 1LL << 61), ""), ki(d, 62), "");
    LLVMValueRef fr = LLVMBuildSub(B, V, LLVMBuildShl(B, q, ki(d, 62), ""), "");
    LLVMValueRef rr = fmul(d, LLVMBuildSIToFP(B, fr, d->T, ""), kf(d, 0x1.921fb54442d18p-62)); /* pi/2 2^-62 */
    LLVMValueRef neg = fcmp(f, LLVMRealOLT, x, kf(f, 0.0));
    *n = sel(d, neg, LLVMBuildNeg(B, q, ""), q);
    *r = sel(d, neg, LLVMBuildFNeg(B, rr, ""), rr);
}

/* true if any lane of c (i1 or a vector of i1) is */
static LLVMValueRef any_lane(Mb *b, LLVMValueRef c)
{
    if (LLVMGetTypeKind(LLVMTypeOf(c)) != LLVMVectorTypeKind) return c;
    LLVMTypeRef T = LLVMTypeOf(c);
    return cg_call_intrinsic(b->m, "llvm.vector.reduce.or", &T, 1, &c, 1);
}

/* n and r with x = n pi/2 + r, |r| <~ pi/4, in f64: below 2^28 x - n pi/2 in
 * two fmas (the first exact); above, reduce_big, in a block run only when some
 * lane needs it (each lane's result is the same either way). */
static void reduce_pio2(Mb *f, Mb *d, LLVMValueRef x, LLVMValueRef *n, LLVMValueRef *r)
{
    LLVMBuilderRef B = f->B;
    LLVMValueRef big = fcmp(f, LLVMRealOGE, fabs1(f, x), kf(f, 0x1p28));
    LLVMValueRef xd = LLVMBuildFPExt(B, sel(f, big, kf(f, 0.0), x), d->T, "");
    LLVMValueRef nd = intrin(d, "llvm.rint", (LLVMValueRef[]){ fmul(d, xd, kf(d, 0x1.45f306dc9c883p-1)) }, 1);
    LLVMValueRef rs = fma3(d, nd, kf(d, -0x1.921fb54442d18p+0), xd);
    rs = fma3(d, nd, kf(d, -0x1.1a62633145c07p-54), rs);
    LLVMValueRef ns = LLVMBuildFPToSI(B, nd, d->IT, "");
    LLVMBasicBlockRef here = LLVMGetInsertBlock(B);
    LLVMValueRef fn = LLVMGetBasicBlockParent(here);
    LLVMBasicBlockRef slow = LLVMAppendBasicBlockInContext(f->m->ctx, fn, "math.bigarg");
    LLVMBasicBlockRef join = LLVMAppendBasicBlockInContext(f->m->ctx, fn, "math.reduced");
    LLVMBuildCondBr(B, any_lane(f, big), slow, join);
    LLVMPositionBuilderAtEnd(B, slow);
    LLVMValueRef nb, rb;
    reduce_big(f, d, x, &nb, &rb);
    nb = sel(d, big, nb, ns), rb = sel(d, big, rb, rs);
    LLVMBasicBlockRef slow_end = LLVMGetInsertBlock(B);
    LLVMBuildBr(B, join);
    LLVMPositionBuilderAtEnd(B, join);
    *n = LLVMBuildPhi(B, d->IT, "");
    LLVMAddIncoming(*n, (LLVMValueRef[]){ ns, nb }, (LLVMBasicBlockRef[]){ here, slow_end }, 2);
    *r = LLVMBuildPhi(B, d->T, "");
    LLVMAddIncoming(*r, (LLVMValueRef[]){ rs, rb }, (LLVMBasicBlockRef[]){ here, slow_end }, 2);
}

/* sin(x) (cos: quadrant + 1) = +-sin(r) or +-cos(r) by quadrant, in f64;
 * infinities and NaN give NaN, sin(-0) = -0. */
static LLVMValueRef sincos_f32(Mb *f, LLVMValueRef x, bool cosine)
{
    static const double sp[] = { -0.16666666663377128, 0.0083333316921524129, -0.00019839989971724554,
                                 2.7237618200122744e-06 };
    static const double cp[] = { 0.041666666663921756, -0.0013888887519541322, 2.4800519567948394e-05,
                                 -2.7290681689549908e-07 };
    Mb d = mb_of(f->m, f->T, true);
    LLVMBuilderRef B = f->B;
    LLVMValueRef fin = fcmp(f, LLVMRealOLT, fabs1(f, x), kf(f, __builtin_inf()));
    LLVMValueRef n, r;
    reduce_pio2(f, &d, sel(f, fin, x, kf(f, 0.0)), &n, &r);
    LLVMValueRef z = fmul(&d, r, r);
    LLVMValueRef sn = fma3(&d, fmul(&d, r, z), horner_d(&d, z, sp, 4), r);
    LLVMValueRef cs = fma3(&d, fmul(&d, z, z), horner_d(&d, z, cp, 4), fma3(&d, z, kf(&d, -0.5), kf(&d, 1.0)));
    if (cosine) n = LLVMBuildAdd(B, n, ki(&d, 1), "");
    LLVMValueRef swap = LLVMBuildICmp(B, LLVMIntNE, LLVMBuildAnd(B, n, ki(&d, 1), ""), ki(&d, 0), "");
    LLVMValueRef neg = LLVMBuildICmp(B, LLVMIntNE, LLVMBuildAnd(B, n, ki(&d, 2), ""), ki(&d, 0), "");
    LLVMValueRef v = sel(&d, swap, cs, sn);
    v = sel(&d, neg, LLVMBuildFNeg(B, v, ""), v);
    LLVMValueRef y = sel(f, fin, LLVMBuildFPTrunc(B, v, f->T, ""), kf(f, __builtin_nan("")));
    if (!cosine) y = sel(f, fcmp(f, LLVMRealOEQ, x, kf(f, 0.0)), x, y);
    return y;
}

/* ---- pow: log2 and exp2 in f64, rounded to f32 once ---- */

static LLVMValueRef as_i64(Mb *d, LLVMValueRef x) { return LLVMBuildBitCast(d->B, x, d->IT, ""); }
static LLVMValueRef as_f64(Mb *d, LLVMValueRef i) { return LLVMBuildBitCast(d->B, i, d->T, ""); }

/* log2(a) for a finite a > 0 in f64 (relative error ~2^-50): a = 2^k m, m in
 * [sqrt(2)/2, sqrt(2)), s = (m - 1) / (m + 1), log2(m) = 2/ln2 atanh(s) =
 * 2/ln2 s (1 + z/3 + z^2/5 + ...), z = s^2 <= 0.0295, 9 terms (to 2^-51). */
static LLVMValueRef log2_f64(Mb *d, LLVMValueRef a)
{
    static const double c[] = { 1.0, 1.0 / 3, 1.0 / 5, 1.0 / 7, 1.0 / 9, 1.0 / 11, 1.0 / 13, 1.0 / 15, 1.0 / 17 };
    LLVMBuilderRef B = d->B;
    LLVMValueRef ix = LLVMBuildAdd(B, as_i64(d, a), ki(d, 0x3ff0000000000000LL - 0x3fe6a09e667f3bcdLL), "");
    LLVMValueRef k = LLVMBuildSub(B, LLVMBuildAShr(B, ix, ki(d, 52), ""), ki(d, 1023), "");
    ix = LLVMBuildAdd(B, LLVMBuildAnd(B, ix, ki(d, 0x000fffffffffffffLL), ""), ki(d, 0x3fe6a09e667f3bcdLL), "");
    LLVMValueRef f = fsub(d, as_f64(d, ix), kf(d, 1.0));
    LLVMValueRef sv = fdiv(d, f, fadd(d, f, kf(d, 2.0)));
    LLVMValueRef p = horner_d(d, fmul(d, sv, sv), c, 9);
    LLVMValueRef l = fmul(d, fmul(d, sv, kf(d, 2.0 / 0.69314718055994530942)), p);
    return fadd(d, LLVMBuildSIToFP(B, k, d->T, ""), l);
}

/* 2^t in f64 for t in [-200, 200] (relative error ~2^-50): t = n + r, |r| <=
 * 1/2 exactly, 2^r by its Taylor series to r^11, 2^n into the exponent. */
static LLVMValueRef exp2_f64(Mb *d, LLVMValueRef t)
{
    double c[12];
    c[0] = 1.0;
    for (int i = 1; i < 12; i++) c[i] = c[i - 1] * 0.69314718055994530942 / i;
    LLVMValueRef n = intrin(d, "llvm.rint", &t, 1);
    LLVMValueRef p = horner_d(d, fsub(d, t, n), c, 12);
    LLVMValueRef e = LLVMBuildAdd(d->B, LLVMBuildFPToSI(d->B, n, d->IT, ""), ki(d, 1023), "");
    return fmul(d, p, as_f64(d, LLVMBuildShl(d->B, e, ki(d, 52), "")));
}

/* |x|^y for x, y not NaN, y != 0, |x| != 1 (those are settled by the
 * caller): 2^(y log2 |x|) in f64 (log2 0 = -inf, log2 inf = inf, so zeros and
 * infinities come out right), the exponent clamped to [-200, 200] where the
 * f32 result is already 0 or inf, rounded to f32 once (denormals included). */
static LLVMValueRef pow_mag(Mb *f, LLVMValueRef ax, LLVMValueRef y)
{
    Mb d = mb_of(f->m, f->T, true);
    LLVMBuilderRef B = f->B;
    LLVMValueRef axd = LLVMBuildFPExt(B, ax, d.T, ""), yd = LLVMBuildFPExt(B, y, d.T, "");
    LLVMValueRef fin = fcmp(f, LLVMRealOLT, ax, kf(f, __builtin_inf()));
    LLVMValueRef pos = fcmp(f, LLVMRealOGT, ax, kf(f, 0.0));
    LLVMValueRef l = log2_f64(&d, sel(&d, LLVMBuildAnd(B, fin, pos, ""), axd, kf(&d, 1.0)));
    l = sel(&d, fin, l, kf(&d, __builtin_inf()));
    l = sel(&d, pos, l, kf(&d, -__builtin_inf()));
    LLVMValueRef t = fmul(&d, yd, l); /* NaN only where the caller overrides */
    t = sel(&d, fcmp(&d, LLVMRealOLT, t, kf(&d, 200.0)), t, kf(&d, 200.0));
    t = sel(&d, fcmp(&d, LLVMRealOGT, t, kf(&d, -200.0)), t, kf(&d, -200.0));
    return LLVMBuildFPTrunc(B, exp2_f64(&d, t), f->T, "");
}

/* pow(x, y) with C99 Annex F's special cases: pow(x, +-0) = pow(1, y) = 1
 * (NaN too), pow(-1, +-inf) = 1, otherwise NaN in NaN out; a negative finite x
 * with a finite non-integer y is NaN; the result is negative where x's sign
 * bit is set and y an odd integer (so -0 and -inf too). */
static LLVMValueRef pow_f32(Mb *f, LLVMValueRef x, LLVMValueRef y)
{
    LLVMBuilderRef B = f->B;
    LLVMValueRef ax = fabs1(f, x), ay = fabs1(f, y);
    LLVMValueRef yint = fcmp(f, LLVMRealOEQ, intrin(f, "llvm.trunc", &y, 1), y); /* also +-inf */
    LLVMValueRef small = fcmp(f, LLVMRealOLT, ay, kf(f, 0x1p24)); /* above, every float is even */
    LLVMValueRef yi = LLVMBuildFPToSI(B, sel(f, small, y, kf(f, 0.0)), f->IT, "");
    LLVMValueRef odd = LLVMBuildICmp(B, LLVMIntNE, LLVMBuildAnd(B, yi, ki(f, 1), ""), ki(f, 0), "");
    odd = LLVMBuildAnd(B, LLVMBuildAnd(B, odd, small, ""), yint, "");
    LLVMValueRef sign = LLVMBuildAnd(B, as_int(f, x), ki(f, (long long)0x80000000u), "");
    sign = sel(f, odd, sign, ki(f, 0));
    LLVMValueRef r = as_float(f, LLVMBuildOr(B, as_int(f, pow_mag(f, ax, y)), sign, ""));
    LLVMValueRef xneg =
        LLVMBuildAnd(B, fcmp(f, LLVMRealOLT, x, kf(f, 0.0)), fcmp(f, LLVMRealOGT, x, kf(f, -__builtin_inf())), "");
    LLVMValueRef bad = LLVMBuildAnd(B, xneg, LLVMBuildNot(B, yint, ""), ""); /* NaN y: yint false */
    bad = LLVMBuildOr(B, bad, fcmp(f, LLVMRealUNO, x, y), "");
    r = sel(f, bad, kf(f, __builtin_nan("")), r);
    LLVMValueRef one = LLVMBuildOr(B, fcmp(f, LLVMRealOEQ, y, kf(f, 0.0)), fcmp(f, LLVMRealOEQ, x, kf(f, 1.0)), "");
    LLVMValueRef m1inf =
        LLVMBuildAnd(B, fcmp(f, LLVMRealOEQ, x, kf(f, -1.0)), fcmp(f, LLVMRealOEQ, ay, kf(f, __builtin_inf())), "");
    return sel(f, LLVMBuildOr(B, one, m1inf, ""), kf(f, 1.0), r);
}

LLVMValueRef cg_pow_f32(CgModule *m, LLVMValueRef x, LLVMValueRef y)
{
    Mb b = mb_of(m, LLVMTypeOf(x), false);
    return pow_f32(&b, x, y);
}

LLVMValueRef cg_math_f32(CgModule *m, MathFn fn, LLVMValueRef x)
{
    Mb b = mb_of(m, LLVMTypeOf(x), false);
    switch (fn) {
    case MF_EXP: return exp_f32(&b, x);
    case MF_LOG: return log_f32(&b, x);
    case MF_TANH: return tanh_f32(&b, x);
    case MF_ERF: return erf_f32(&b, x);
    case MF_SIGMOID: return sigmoid_f32(&b, x);
    case MF_SIN: return sincos_f32(&b, x, false);
    case MF_COS: return sincos_f32(&b, x, true);
    default: return NULL;
    }
}

/* ---- argmax / argmin keys (to_loops.c: arg_key) ---- */

static LLVMTypeRef shaped_like(LLVMTypeRef T, LLVMTypeRef elem)
{
    return LLVMGetTypeKind(T) == LLVMVectorTypeKind ? LLVMVectorType(elem, LLVMGetVectorSize(T)) : elem;
}

static LLVMValueRef splat_int(LLVMTypeRef T, unsigned long long v)
{
    if (LLVMGetTypeKind(T) != LLVMVectorTypeKind) return LLVMConstInt(T, v, 0);
    unsigned w = LLVMGetVectorSize(T);
    LLVMValueRef c[64];
    TDSL_ASSERT(w <= 64, "a vector wider than 64 lanes");
    for (unsigned i = 0; i < w; i++) c[i] = LLVMConstInt(LLVMGetElementType(T), v, 0);
    return LLVMConstVector(c, w);
}

/* An f32's bits as an i32 that orders like the float (a negative one's
 * magnitude bits flipped), -0 as 0. */
static LLVMValueRef float_rank(LLVMBuilderRef B, LLVMTypeRef I32, LLVMValueRef x)
{
    LLVMValueRef b = LLVMBuildBitCast(B, x, I32, "");
    LLVMValueRef s = LLVMBuildAnd(B, LLVMBuildAShr(B, b, splat_int(I32, 31), ""), splat_int(I32, 0x7fffffff), "");
    LLVMValueRef o = LLVMBuildXor(B, b, s, "");
    LLVMValueRef negzero = LLVMBuildICmp(B, LLVMIntEQ, o, splat_int(I32, 0xffffffff), "");
    return LLVMBuildSelect(B, negzero, LLVMConstNull(I32), o, "");
}

/* The rank of x in the high 32 bits of an i64: ARGKEY_MIN reverses the order;
 * a NaN ranks highest for both (NumPy's first NaN); its non-NaN ranks never
 * reach INT32_MAX. ARGPOS: 0xffffffff - the low 32 bits of a key. */
LLVMValueRef cg_argkey(CgModule *m, MathFn fn, DType t, LLVMTypeRef T, LLVMValueRef x)
{
    LLVMBuilderRef B = m->b;
    if (fn == MF_ARGPOS)
        return LLVMBuildSub(B, splat_int(T, 0xffffffff), LLVMBuildAnd(B, x, splat_int(T, 0xffffffff), ""), "");
    LLVMTypeRef I32 = shaped_like(T, m->i32), I64 = shaped_like(T, m->i64);
    LLVMValueRef o, nan = NULL;
    if (dtype_is_float(t)) {
        o = float_rank(B, I32, x);
        nan = LLVMBuildFCmp(B, LLVMRealUNO, x, x, "");
    } else if (dtype_bits(t) == 32) {
        o = dtype_is_signed(t) ? x : LLVMBuildXor(B, x, splat_int(I32, 0x80000000), "");
    } else {
        o = dtype_is_signed(t) ? LLVMBuildSExt(B, x, I32, "") : LLVMBuildZExt(B, x, I32, "");
    }
    if (fn == MF_ARGKEY_MIN) o = LLVMBuildNot(B, o, "");
    if (nan) o = LLVMBuildSelect(B, nan, splat_int(I32, 0x7fffffff), o, "");
    return LLVMBuildShl(B, LLVMBuildSExt(B, o, I64, ""), splat_int(I64, 32), "");
}
