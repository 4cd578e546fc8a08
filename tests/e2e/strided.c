/* strided: stride-2 pooling and convolution whose shapes bind `2 * h` or
 * floor-divide ((h - 1) / 2 + 1), against C loops at odd and even sizes; the
 * scheduled twins bit-identical; entry errors for a dim that does not fit. */
#include "harness.h"
#include "strided.h"

#define EXPECT_CODE(call, kind, arg, dim)                                                               \
    do {                                                                                                \
        int rc_ = (call);                                                                               \
        CHECK(TDSL_ERR_KIND(rc_) == (kind) && TDSL_ERR_ARG(rc_) == (arg) && TDSL_ERR_DIM(rc_) == (dim), \
              "%s: got 0x%x (kind %d arg %d dim %d), want kind %d arg %d dim %d", #call, (unsigned)rc_, \
              TDSL_ERR_KIND(rc_), TDSL_ERR_ARG(rc_), TDSL_ERR_DIM(rc_), (kind), (arg), (dim));          \
    } while (0)

static int out_len(int n, int win) { return (n - win) / 2 + 1; }   /* n >= win */

static void ref_maxpool(const float *in, float *out, int c, int h, int w, int win)
{
    int oh = out_len(h, win), ow = out_len(w, win);
    for (int ci = 0; ci < c; ci++)
        for (int y = 0; y < oh; y++)
            for (int x = 0; x < ow; x++) {
                float m = -INFINITY;
                for (int dy = 0; dy < win; dy++)
                    for (int dx = 0; dx < win; dx++) m = fmaxf(m, in[(ci * h + 2 * y + dy) * w + 2 * x + dx]);
                out[(ci * oh + y) * ow + x] = m;
            }
}

static void ref_conv_s2(const float *in, const float *k, float *out, int c, int h, int w, int o)
{
    int oh = (h - 1) / 2 + 1, ow = (w - 1) / 2 + 1;
    for (int oc = 0; oc < o; oc++)
        for (int y = 0; y < oh; y++)
            for (int x = 0; x < ow; x++) {
                float s = 0.0f;
                for (int ci = 0; ci < c; ci++)
                    for (int dy = 0; dy < 3; dy++)
                        for (int dx = 0; dx < 3; dx++) {
                            int yy = 2 * y + dy - 1, xx = 2 * x + dx - 1;
                            float p = yy >= 0 && yy < h && xx >= 0 && xx < w ? in[(ci * h + yy) * w + xx] : 0.0f;
                            s += p * k[((oc * c + ci) * 3 + dy) * 3 + dx];
                        }
                out[(oc * oh + y) * ow + x] = s;
            }
}

static void run_maxpool2(int c, int h, int w)
{
    float *in = ALLOC(float, c * 2 * h * 2 * w), *out = ALLOC(float, c *h *w), *ref = ALLOC(float, c *h *w);
    fill_f32(in, (size_t)c * 4 * h * w);
    ref_maxpool(in, ref, c, 2 * h, 2 * w, 2);
    tdsl_tensor I = TDSL_F32(in, c, 2 * h, 2 * w), O = TDSL_F32(out, c, h, w);
    if (CHECK_OK(maxpool2(&I, &O)))
        check_equal_f32(LABEL("maxpool2 c=%d h=%d w=%d", c, h, w), out, ref, (size_t)c * h * w);
    free(in), free(out), free(ref);
}

static void run_conv_s2(int c, int h, int w, int o)
{
    int oh = (h - 1) / 2 + 1, ow = (w - 1) / 2 + 1;
    size_t n = (size_t)o * oh * ow;
    float *in = ALLOC(float, c *h *w), *k = ALLOC(float, o *c * 9);
    float *out = ALLOC(float, n), *outs = ALLOC(float, n), *ref = ALLOC(float, n);
    fill_f32(in, (size_t)c * h * w);
    fill_f32(k, (size_t)o * c * 9);
    ref_conv_s2(in, k, ref, c, h, w, o);
    tdsl_tensor I = TDSL_F32(in, c, h, w), K = TDSL_F32(k, o, c, 3, 3);
    tdsl_tensor O = TDSL_F32(out, o, oh, ow), OS = TDSL_F32(outs, o, oh, ow);
    if (CHECK_OK(conv_s2(&I, &K, &O)))
        check_close_f32(LABEL("conv_s2 c=%d h=%d w=%d o=%d", c, h, w, o), out, ref, n, 1e-5, 2e-6 * 9 * c + 1e-6);
    if (CHECK_OK(conv_s2_s(&I, &K, &OS)))
        check_equal_f32(LABEL("conv_s2_s c=%d h=%d w=%d o=%d", c, h, w, o), outs, out, n);
    free(in), free(k), free(out), free(outs), free(ref);
}

static void run_pool3s2(int c, int h, int w)
{
    int oh = out_len(h, 3), ow = out_len(w, 3);
    size_t n = (size_t)c * oh * ow;
    float *in = ALLOC(float, c *h *w), *out = ALLOC(float, n), *outs = ALLOC(float, n), *ref = ALLOC(float, n);
    fill_f32(in, (size_t)c * h * w);
    ref_maxpool(in, ref, c, h, w, 3);
    tdsl_tensor I = TDSL_F32(in, c, h, w), O = TDSL_F32(out, c, oh, ow), OS = TDSL_F32(outs, c, oh, ow);
    if (CHECK_OK(pool3s2(&I, &O))) check_equal_f32(LABEL("pool3s2 c=%d h=%d w=%d", c, h, w), out, ref, n);
    if (CHECK_OK(pool3s2_s(&I, &OS))) check_equal_f32(LABEL("pool3s2_s c=%d h=%d w=%d", c, h, w), outs, out, n);
    free(in), free(out), free(outs), free(ref);
}

/* conv_s2 then pool3s2 through calls, against the two C loops */
static void run_conv_pool(int c, int h, int w, int o)
{
    int ch = (h - 1) / 2 + 1, cw = (w - 1) / 2 + 1, oh = out_len(ch, 3), ow = out_len(cw, 3);
    float *in = ALLOC(float, c *h *w), *k = ALLOC(float, o *c * 9), *mid = ALLOC(float, o *ch *cw);
    float *out = ALLOC(float, o *oh *ow), *ref = ALLOC(float, o *oh *ow);
    fill_f32(in, (size_t)c * h * w);
    fill_f32(k, (size_t)o * c * 9);
    tdsl_tensor I = TDSL_F32(in, c, h, w), K = TDSL_F32(k, o, c, 3, 3), M = TDSL_F32(mid, o, ch, cw);
    tdsl_tensor O = TDSL_F32(out, o, oh, ow);
    if (CHECK_OK(conv_s2(&I, &K, &M)) && (ref_maxpool(mid, ref, o, ch, cw, 3), CHECK_OK(conv_pool(&I, &K, &O))))
        check_equal_f32(LABEL("conv_pool c=%d h=%d w=%d o=%d", c, h, w, o), out, ref, (size_t)o * oh * ow);
    free(in), free(k), free(mid), free(out), free(ref);
}

static void run_pool4(int c, int h, int w)
{
    int ih = 4 * h, iw = 4 * w + 4;
    float *in = ALLOC(float, c *ih *iw), *mid = ALLOC(float, c *ih *iw / 4);
    float *out = ALLOC(float, c *h *(w + 1)), *ref = ALLOC(float, c *h *(w + 1));
    fill_f32(in, (size_t)c * ih * iw);
    ref_maxpool(in, mid, c, ih, iw, 2);
    ref_maxpool(mid, ref, c, ih / 2, iw / 2, 2);
    tdsl_tensor I = TDSL_F32(in, c, ih, iw), O = TDSL_F32(out, c, h, w + 1);
    if (CHECK_OK(pool4(&I, &O)))
        check_equal_f32(LABEL("pool4 c=%d h=%d w=%d", c, h, w), out, ref, (size_t)c * h * (w + 1));
    free(in), free(mid), free(out), free(ref);
}

static void run_pool_odd(int c, int h, int w)
{
    int ow = out_len(w, 3);
    size_t n = (size_t)c * h * ow;
    float *in = ALLOC(float, c * (2 * h + 1) * w), *out = ALLOC(float, n), *ref = ALLOC(float, n);
    fill_f32(in, (size_t)c * (2 * h + 1) * w);
    ref_maxpool(in, ref, c, 2 * h + 1, w, 3);
    tdsl_tensor I = TDSL_F32(in, c, 2 * h + 1, w), O = TDSL_F32(out, c, h, ow);
    if (CHECK_OK(pool_odd(&I, &O))) check_equal_f32(LABEL("pool_odd c=%d h=%d w=%d", c, h, w), out, ref, n);
    free(in), free(out), free(ref);
}

static void run_pool3s2_relu(int c, int h, int w)
{
    int oh = out_len(h, 3), ow = out_len(w, 3);
    size_t n = (size_t)c * oh * ow;
    float *in = ALLOC(float, c *h *w), *relu = ALLOC(float, c *h *w);
    float *out = ALLOC(float, n), *outs = ALLOC(float, n), *ref = ALLOC(float, n);
    fill_f32(in, (size_t)c * h * w);
    for (size_t i = 0; i < (size_t)c * h * w; i++) relu[i] = fmaxf(in[i], 0.0f);
    ref_maxpool(relu, ref, c, h, w, 3);
    tdsl_tensor I = TDSL_F32(in, c, h, w), O = TDSL_F32(out, c, oh, ow), OS = TDSL_F32(outs, c, oh, ow);
    if (CHECK_OK(pool3s2_relu(&I, &O))) check_equal_f32(LABEL("pool3s2_relu c=%d h=%d w=%d", c, h, w), out, ref, n);
    if (CHECK_OK(pool3s2_relu_s(&I, &OS)))
        check_equal_f32(LABEL("pool3s2_relu_s c=%d h=%d w=%d", c, h, w), outs, out, n);
    free(in), free(relu), free(out), free(outs), free(ref);
}

static void run_halves(int n)
{
    float a[64], b[32], cc[32], ref[32];
    fill_f32(a, 64);
    fill_f32(b, 32);
    for (int i = 0; i < n / 2; i++) ref[i] = a[2 * i + 1] + b[i];
    tdsl_tensor A = TDSL_F32(a, n), B = TDSL_F32(b, n / 2), C = TDSL_F32(cc, n / 2);
    if (CHECK_OK(halves(&A, &B, &C))) check_equal_f32(LABEL("halves n=%d", n), cc, ref, (size_t)(n / 2));
    tdsl_tensor B2 = TDSL_F32(b, n / 2 + 1);
    EXPECT_CODE(halves(&A, &B2, &C), TDSL_ERR_SHAPE, 1, 0);
}

/* dims that do not fit: an odd extent for 2 * h, a window larger than the
 * input, a result of the wrong derived extent; nothing is written */
static void entry_errors(void)
{
    static float in[4 * 7 * 9], out[256];
    fill_f32(in, sizeof in / sizeof in[0]);
    memset(out, 0xA5, sizeof out);
    tdsl_tensor I = TDSL_F32(in, 2, 7, 8), O = TDSL_F32(out, 2, 3, 4);
    EXPECT_CODE(maxpool2(&I, &O), TDSL_ERR_SHAPE, 0, 1);
    tdsl_tensor I2 = TDSL_F32(in, 2, 6, 9), O2 = TDSL_F32(out, 2, 3, 4);
    EXPECT_CODE(maxpool2(&I2, &O2), TDSL_ERR_SHAPE, 0, 2);
    tdsl_tensor I3 = TDSL_F32(in, 2, 6, 8), O3 = TDSL_F32(out, 2, 3, 5);
    EXPECT_CODE(maxpool2(&I3, &O3), TDSL_ERR_SHAPE, 1, 2);
    tdsl_tensor P = TDSL_F32(in, 1, 2, 9), PO = TDSL_F32(out, 1, 0, 4);
    EXPECT_CODE(pool3s2(&P, &PO), TDSL_ERR_NEGATIVE, 0, 1);
    tdsl_tensor P2 = TDSL_F32(in, 1, 7, 9), PO2 = TDSL_F32(out, 1, 4, 4);
    EXPECT_CODE(pool3s2(&P2, &PO2), TDSL_ERR_SHAPE, 1, 1);
    tdsl_tensor C = TDSL_F32(in, 1, 7, 8), K = TDSL_F32(in, 1, 1, 3, 3), CO = TDSL_F32(out, 1, 4, 5);
    EXPECT_CODE(conv_s2(&C, &K, &CO), TDSL_ERR_SHAPE, 2, 2);
    tdsl_tensor E = TDSL_F32(in, 1, 0, 8), EO = TDSL_F32(out, 1, 0, 4);
    EXPECT_CODE(conv_s2(&E, &K, &EO), TDSL_ERR_NEGATIVE, 0, 1);
    tdsl_tensor D = TDSL_F32(in, 2, 1, 9), DO = TDSL_F32(out, 2, 0, 4);
    EXPECT_CODE(pool_odd(&D, &DO), TDSL_ERR_NEGATIVE, 0, 1);
    static const unsigned char a5[4] = { 0xA5, 0xA5, 0xA5, 0xA5 };
    bool untouched = true;
    for (size_t i = 0; i < sizeof out; i++) untouched &= ((unsigned char *)out)[i] == a5[i % 4];
    CHECK(untouched, "a rejected call wrote its result");
    /* empty but fitting: maxpool2 of a 0-row input, pool3s2 of exactly 3 rows */
    tdsl_tensor Z = TDSL_F32(in, 2, 0, 8), ZO = TDSL_F32(out, 2, 0, 4);
    CHECK_OK(maxpool2(&Z, &ZO));
    tdsl_tensor T = TDSL_F32(in, 1, 3, 3), TO = TDSL_F32(out, 1, 1, 1);
    if (CHECK_OK(pool3s2(&T, &TO))) {
        float m = -INFINITY;
        for (int i = 0; i < 9; i++) m = fmaxf(m, in[i]);
        CHECK(out[0] == m, "pool3s2 of one 3x3 window: %g, want %g", out[0], m);
    }
}

int main(void)
{
    harness_init();
    run_maxpool2(3, 5, 7);
    run_maxpool2(16, 16, 16);
    run_maxpool2(1, 1, 1);
    for (int h = 1; h <= 6; h++)
        for (int w = 1; w <= 6; w++) run_conv_s2(2, h, w, 3);
    run_conv_s2(8, 33, 32, 16);
    run_conv_s2(3, 64, 17, 5);
    for (int h = 3; h <= 8; h++)
        for (int w = 3; w <= 8; w++) run_pool3s2(2, h, w);
    run_pool3s2(16, 65, 40);
    run_conv_pool(3, 13, 12, 4);
    run_conv_pool(2, 5, 6, 2);
    run_pool4(3, 5, 2);
    run_pool4(1, 1, 0);
    run_pool_odd(2, 1, 3);
    run_pool_odd(3, 6, 10);
    for (int h = 3; h <= 12; h += 3) run_pool3s2_relu(2, h, 2 * h + 1);
    run_pool3s2_relu(3, 40, 37);
    for (int n = 0; n <= 9; n++) run_halves(n);
    entry_errors();
    return harness_done("strided");
}
