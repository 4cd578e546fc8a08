/* sema_int.h - what the semantic passes share: the per-fn context and the
 * encoding of index variables inside affine forms (size vars keep their ids;
 * stage index var k is IDX_VAR(k), reduction var r is RV_VAR(r)). */
#ifndef TDSL_SEMA_INT_H
#define TDSL_SEMA_INT_H
#include "lang/affine.h"
#include "lang/ast.h"

#define IDX_BASE (1 << 20)
#define RV_BASE (1 << 21)
#define LD_BASE (1 << 22)
#define IDX_VAR(k) (IDX_BASE + (k))
#define RV_VAR(r) (RV_BASE + (r))
/* a loaded value (a tensor element, an integer scalar param, a cast to an
 * integer) inside an index or a guard: an unknown in its dtype's range,
 * narrowed like an index var; only while bounds proves (index_loads) */
#define LD_VAR(k) (LD_BASE + (k))
#define MAX_LOADS 64

typedef struct Ctx {
    Arena *a;
    Diag *d;
    Program *prog;
    Fn *fn;
    PtrVec tensors;             /* every named tensor and scalar of fn */
    PtrVec sizenames;           /* const char*, by size var id */
    PtrVec sizedefs;            /* SizeVar* of a derived size var (num / div), else NULL; by id */
    PtrVec nonneg;              /* Affine*: fn->nonneg */
    PtrVec rvars;               /* RVar*, by id */
    PtrVec loads;               /* const Expr*: the loaded value of LD_VAR(k), by k (bounds.c) */
    bool index_loads;           /* bounds_linear may read loaded values */
} Ctx;


/* names.c */
bool names_resolve_fn(Ctx *c);
Tensor *names_find(Ctx *c, const char *name);
const char *const *names_sizes(Ctx *c);
bool is_intermediate(const Tensor *t);   /* region inferred from consumers */
int names_size_var(Ctx *c, const char *name, Span sp, bool create);
void names_publish_sizes(Ctx *c);        /* fn->sizevars (derived ones included) and fn->nonneg */

/* consts.c: checks the consts not checked yet (their files are read here) */
int consts_check(Arena *a, Program *p, Diag *d);

/* dtypes.c */
bool dtypes_check_fn(Ctx *c);
/* a math function or a cast of the language (exp, sigmoid, f32 ...): in an
 * expression the name means it, even where a fn has the same name */
bool dtypes_is_builtin(const char *name);
/* why a fn cannot be named `name` (a C keyword, a C library function, the
 * runtime's prefix), or NULL (c_names.c) */
const char *sema_c_clash(const char *name);

/* shapes.c */
Affine *shapes_dim_affine(Ctx *c, Expr *e, bool create, const char *what);
bool shapes_bind_sizes(Ctx *c);
bool shapes_infer_fn(Ctx *c);
bool shapes_check_call(Ctx *c, Stage *s);
Affine *shapes_floordiv(Ctx *c, const Affine *x, int64_t k, Span sp);

/* bounds.c */
Affine *bounds_linear(Ctx *c, const Expr *e, bool *ok);
bool bounds_prove_fn(Ctx *c);

/* bounds_loads.c */
DType bounds_loaded_type(const Expr *e);               /* the dtype of a loaded integer, else DT_NONE */
int bounds_load_id(Ctx *c, const Expr *e);             /* its LD_VAR number (c->loads), or -1 */
bool bounds_has_load(const Affine *x);                 /* x uses a loaded value */
Range bounds_dtype_range(Ctx *c, DType t);             /* the values of an integer dtype (not u64) */
bool bounds_reads_value(const Expr *e);                /* e reads a tensor, a scalar param or a cast */
char *bounds_expr_str(Ctx *c, const Expr *e);          /* e as printed, in c's arena */
/* the note under an unproven data-dependent index k of e: its two guarded forms */
void bounds_guard_note(Ctx *c, const Expr *e, int k, const char *last);

#endif
