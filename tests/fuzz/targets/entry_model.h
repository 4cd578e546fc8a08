/* entry_model.h - the `entry` fuzz target's model of a generated entry point
 * (lower/entry.c, runtime/tdsl_tensor.h): the fns of entry_fns.tdsl with their
 * signatures, consistent shapes, C references and calls (entry_fns.c), and
 * the code a call must return (entry_model.c). */
#ifndef TDSL_ENTRY_MODEL_H
#define TDSL_ENTRY_MODEL_H
#include "runtime/tdsl_tensor.h"
#include "tests/fuzz/targets/fz.h"

enum { FE_MAXT = 4, FE_MAXD = 8, FE_MAXSV = 4 };
#define FE_SHAPEISH (-1)    /* expected: some SHAPE, NEGATIVE or SIZE code */

/* one tensor argument as passed */
typedef struct Desc {
    tdsl_tensor t;
    int64_t shape[FE_MAXD], strides[FE_MAXD];
    int null;               /* 1: the tensor pointer is NULL, 2: its data, 3: its shape */
    int group;              /* the buffer it points into */
    int64_t at;             /* bytes from the buffer's start to data */
} Desc;

typedef struct Call {
    Desc d[FE_MAXT];
    int32_t scalar;
    int64_t size[FE_MAXT];              /* bytes of each buffer */
    uint8_t *mem[FE_MAXT], *snap[FE_MAXT], *want[FE_MAXT];  /* each GUARD bytes before the buffer */
} Call;

typedef struct FeFn {
    const char *name;
    int nt, nres;           /* tensors; the last nres are results */
    int arg[FE_MAXT];       /* each tensor's argument number (a scalar counts) */
    uint8_t code[FE_MAXT];
    int esize[FE_MAXT], ndim[FE_MAXT];
    int nsv;
    void (*shapes)(const int64_t *sv, int t, int64_t *shape);   /* consistent, from size vars */
    bool (*consistent)(const Call *c);                            /* extents agree (ranks right, >= 0) */
    void (*ref)(Call *c);                                         /* results into want[] */
    int (*call)(Call *c, void *ws);     /* NAME, or NAME_ws with ws */
    size_t (*ws_bytes)(const Call *c);  /* NAME_workspace_bytes at the sizes its first tensors give */
} FeFn;

extern const FeFn fe_fns[];
extern const int fe_nfns;

/* the code the call must return: exact, or FE_SHAPEISH */
int fe_expect(const FeFn *f, const Call *c);
bool fe_code_ok(const FeFn *f, const Call *c, int expect, int rc);
/* bytes tensor t claims at its declared dtype; 0 when its rank is wrong or it
 * is NULL, -1 when negative, overflowing or over 1 MiB */
int64_t fe_claimed_bytes(const FeFn *f, const Call *c, int t);
/* fills buffer g (c->size[g] bytes at p) with values of its tensor's dtype */
void fe_fill(const FeFn *f, const Call *c, int g, uint8_t *p);
/* the input's read (snap) and written (want) addresses of tensor t */
const void *fe_in(const Call *c, int t);
void *fe_out(Call *c, int t);
void fe_report(const FeFn *f, const Call *c, int rc, const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#endif
