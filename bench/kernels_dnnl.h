/* kernels_dnnl.h - the oneDNN helpers the kernels benchmark shares between
 * kernels_dnnl.c (the row kernels, and these helpers) and kernels_conv.c: a
 * oneDNN call is a Pipe of primitives run in order on one stream. */
#ifndef TDSL_BENCH_KERNELS_DNNL_H
#define TDSL_BENCH_KERNELS_DNNL_H
#include "bench/kernels.h"
#include <oneapi/dnnl/dnnl.h>

#define CK(x)                                                                   \
    do {                                                                        \
        dnnl_status_t s_ = (x);                                                 \
        if (s_ != dnnl_success) {                                               \
            fprintf(stderr, "kernels: %s failed (oneDNN status %d)\n", #x, s_); \
            exit(2);                                                            \
        }                                                                       \
    } while (0)

typedef struct Step {
    dnnl_primitive_t p;
    int nargs;
    dnnl_exec_arg_t args[6];
} Step;

typedef struct Pipe {
    int n;
    Step s[4];
} Pipe;

extern dnnl_engine_t dn_eng;

void dn_init(void);
int pipe_run(void *arg);
void pipe_free(Pipe *q);
dnnl_memory_t dn_mem(const dnnl_memory_desc_t *md, void *handle);
dnnl_memory_desc_t md_tag(int nd, const dnnl_dims_t dims, dnnl_format_tag_t tag);
Step dn_step(dnnl_primitive_desc_t pd, int nargs, const dnnl_exec_arg_t *args);
Step dn_reorder(dnnl_memory_t from, dnnl_memory_t to);
const char *dn_impl_name(const_dnnl_primitive_desc_t pd);

#endif
