/* affine.h - affine forms c + sum(coef_k * sizevar_k) over a fn's size
 * variables: the currency of shapes, regions and bounds proofs. Terms are kept
 * sorted by size var id with no zero coefficients, so equality is structural. */
#ifndef TDSL_AFFINE_H
#define TDSL_AFFINE_H
#include "lang/arena.h"
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

typedef struct Affine {
    int64_t c;
    int n;
    int *var;           /* size var ids, ascending */
    int64_t *coef;
    bool overflow;      /* some arithmetic overflowed: nothing can be proven about it */
} Affine;

/* An inclusive range lo..hi of an index. */
typedef struct Range {
    Affine *lo, *hi;
} Range;

Affine *aff_const(Arena *a, int64_t c);
Affine *aff_var(Arena *a, int var);
Affine *aff_add(Arena *a, const Affine *x, const Affine *y);
Affine *aff_sub(Arena *a, const Affine *x, const Affine *y);
Affine *aff_scale(Arena *a, const Affine *x, int64_t k);
Affine *aff_add_const(Arena *a, const Affine *x, int64_t k);
bool aff_is_const(const Affine *x);      /* false for an overflowed form */
/* floor(x / k), k > 0, rounding toward minus infinity */
int64_t aff_floor_div(int64_t x, int64_t k);
/* x / k when k divides every coefficient and the constant of x, else NULL */
Affine *aff_exact_div(Arena *a, const Affine *x, int64_t k);
/* floor(x / k), k > 0, for size vars >= 0: exact where k divides every
 * coefficient of x ((2 * h + 1) / 2 is h); otherwise a lower bound (up: an
 * upper bound) with each coefficient rounded down (up: up). */
Affine *aff_floordiv(Arena *a, const Affine *x, int64_t k, bool up);
/* x with size var k at vals[k]; -1 for NULL or an overflowed form */
int64_t aff_eval(const Affine *x, const int64_t *vals);
bool aff_equal(const Affine *x, const Affine *y);
/* true if x >= 0 for every assignment of size vars >= 0 */
bool aff_provably_nonneg(const Affine *x);
/* -1: x <= y always, 1: x >= y always, 0 equal, 2 unknown */
int aff_compare(Arena *a, const Affine *x, const Affine *y);
/* Prints like "h - 2" using the given size var names (a name with a space,
 * a derived size var like "(h - 1) / 2", is parenthesised where needed). */
void aff_print(FILE *out, const Affine *x, const char *const *names);
char *aff_str(Arena *a, const Affine *x, const char *const *names);

#endif
