/* threshold_u8: u8 in, u8 out through select; u8 arithmetic wraps mod 256. */
#include "harness.h"
#include "threshold_u8.h"

static void run(int h, int w, uint8_t t)
{
    size_t n = (size_t)h * w;
    uint8_t *in = ALLOC(uint8_t, n), *o = ALLOC(uint8_t, n), *s = ALLOC(uint8_t, n), *wr = ALLOC(uint8_t, n);
    uint8_t *oref = ALLOC(uint8_t, n), *sref = ALLOC(uint8_t, n), *wref = ALLOC(uint8_t, n);
    fill_u8(in, n);
    if (n >= 4) in[0] = 0, in[1] = 255, in[2] = t, in[3] = (uint8_t)(t - 1);
    for (size_t i = 0; i < n; i++) {
        oref[i] = in[i] >= t ? 255 : 0;
        sref[i] = in[i] > 200 ? 255 : (uint8_t)(in[i] + 55);
        wref[i] = (uint8_t)(in[i] + 100);
    }
    tdsl_tensor I = TDSL_U8(in, h, w), O = TDSL_U8(o, h, w), S = TDSL_U8(s, h, w), W = TDSL_U8(wr, h, w);
    if (CHECK_OK(threshold(&I, t, &O))) check_equal_u8(LABEL("threshold %dx%d t=%u", h, w, t), o, oref, n);
    if (CHECK_OK(brighten(&I, &S, &W))) {
        check_equal_u8(LABEL("brighten.S %dx%d", h, w), s, sref, n);
        check_equal_u8(LABEL("brighten.W %dx%d (wraps)", h, w), wr, wref, n);
    }
    free(in), free(o), free(s), free(wr), free(oref), free(sref), free(wref);
}

int main(void)
{
    harness_init();
    run(37, 53, 128);
    run(64, 64, 1);
    run(1, 1, 0);
    run(7, 9, 255);
    run(128, 130, 200);
    run(3, 67, 17);
    return harness_done("threshold_u8");
}
