/* C functions for tests/repl/externs.in (built as libexterns.so, loaded with :lib):
 * the entry points' ABI; twice_c fails with 42 on a negative element. */
#include <stdint.h>

typedef struct {
    void *data;
    int32_t device_type, device_id, ndim;
    uint8_t code, bits;
    uint16_t lanes;
    int64_t *shape, *strides;
    uint64_t byte_offset;
} tensor;

int twice_c(const tensor *X, tensor *Y)
{
    const float *x = X->data;
    float *y = Y->data;
    for (int64_t i = 0; i < X->shape[0]; i++) {
        if (x[i] < 0) return 42;
        y[i] = 2 * x[i];
    }
    return 0;
}
