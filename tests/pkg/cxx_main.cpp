// cxx_main.cpp - two generated headers included from C++11 (g++ -Wall -Wextra
// -Werror -pedantic): tdsl::tensor and the TDSL_F32 macro wrap arrays, the
// results are checked against plain loops, a bad shape returns its code.
extern "C" {  // as C headers often are: tdsl::tensor keeps C++ linkage (extern "C++")
#include "linear_relu.h"
}
#include "names.h"
#include "scale.h"
#include <cmath>
#include <cstdio>
#include <vector>

static int check_linear_relu()
{
    const int n = 5, k = 7, m = 19;   // m is not a multiple of the schedule's vector width
    std::vector<float> x(n * k), w(m * k), b(m), y(n * m, -1.0f);
    for (int i = 0; i < n * k; i++) x[i] = (float)((i * 7) % 11) - 5.0f;
    for (int i = 0; i < m * k; i++) w[i] = (float)((i * 5) % 13) * 0.25f - 1.5f;
    for (int j = 0; j < m; j++) b[j] = (float)(j % 3) - 1.0f;
    const tdsl::tensor X(x.data(), n, k), W(w.data(), m, k), B(b.data(), m);
    tdsl::tensor Y(y.data(), (size_t)n, (long)m);   // any integer type for extents
    int rc = linear_relu(&X, &W, &B, &Y);
    if (rc) {
        char msg[128];
        std::printf("linear_relu: %s\n", tdsl_format_error(rc, msg, sizeof msg));
        return 1;
    }
    int bad = 0;
    for (int i = 0; i < n; i++)
        for (int j = 0; j < m; j++) {
            float z = 0.0f;
            for (int r = 0; r < k; r++) z = std::fma(x[i * k + r], w[j * k + r], z);
            float want = std::fmax(z + b[j], 0.0f), got = y[i * m + j];
            if (std::fabs(got - want) > 1e-4f * (1.0f + std::fabs(want))) {
                if (bad++ < 5) std::printf("Y[%d, %d] = %g, expected %g\n", i, j, got, want);
            }
        }
    // a wrong extent: argument 1 (W), dim 1
    tdsl::tensor W2 = W;                    // a copy keeps its own shape
    W2.dims[1] = k + 1;
    rc = linear_relu(&X, &W2, &B, &Y);
    if (TDSL_ERR_KIND(rc) != TDSL_ERR_SHAPE || TDSL_ERR_ARG(rc) != 1 || TDSL_ERR_DIM(rc) != 1) {
        std::printf("linear_relu with W of %lld columns returned %d, expected a shape error at argument 1, dim 1\n",
                    (long long)(k + 1), rc);
        bad++;
    }
    if (W.shape[1] != k) bad++, std::printf("changing the copy changed the original's shape\n");
    return bad;
}

static int check_scale()
{
    float a[6] = { 1, -2, 3.5f, 0, 8, -0.25f }, out[6];
    auto A = TDSL_F32(a, 6);                // the C macros work too (as tdsl::tensor)
    auto O = TDSL_F32(out, 6);
    int rc = scale(&A, 3.0f, &O);
    int bad = rc != 0;
    for (int i = 0; i < 6 && !rc; i++)
        if (out[i] != a[i] * 3.0f) bad++, std::printf("scale: out[%d] = %g, expected %g\n", i, out[i], a[i] * 3.0f);
    // a dtype mismatch is reported, not misread
    double d[6] = { 0 };
    tdsl::tensor D(d, 6);
    rc = scale(&D, 1.0f, &O);
    if (TDSL_ERR_KIND(rc) != TDSL_ERR_DTYPE || TDSL_ERR_ARG(rc) != 0) bad++, std::printf("f64 input: code %d\n", rc);
    return bad;
}

// parameters named new, this, class, int, float (names.tdsl)
static int check_names()
{
    float a[3] = { 1.5f, -2, 4 }, b[3];
    double w[3];
    tdsl::tensor A(a, 3), B(b, 3), W(w, 3);
    int bad = flip(&A, -2.0f, &B) || widen(&A, &W);
    for (int i = 0; i < 3 && !bad; i++) bad = b[i] != a[i] * -2.0f || w[i] != (double)a[i] + 0.5;
    if (bad) std::printf("flip or widen: wrong results\n");
    return bad;
}

int main()
{
    int bad = check_linear_relu() + check_scale() + check_names();
    std::puts(bad ? "cxx: FAILED" : "cxx: ok");
    return bad != 0;
}
