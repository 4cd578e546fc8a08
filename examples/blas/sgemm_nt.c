/* sgemm_nt.c - Y = X W^T through OpenBLAS, with the ABI of TDSL's entry points
 * (descriptor pointers, params then results, 0 or an error code): the C side
 * of examples/blas/linear_blas.tdsl's extern fn. The caller has checked the
 * shapes; the descriptors are compact row-major CPU tensors. */
#include "linear_blas.h"
#include <cblas.h>

int my_sgemm_nt(const tdsl_tensor *X, const tdsl_tensor *W, tdsl_tensor *Y)
{
    int n = (int)X->shape[0], k = (int)X->shape[1], m = (int)W->shape[0];
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, n, m, k, 1.0f, X->data, k, W->data, k, 0.0f, Y->data, m);
    return 0;
}
