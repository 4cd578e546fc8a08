/* print.h - NumPy-like printing of REPL tensors (the format is described in print.c). */
#ifndef TDSL_REPL_PRINT_H
#define TDSL_REPL_PRINT_H
#include <stdio.h>
#include "repl/tensor.h"

void rt_print(FILE *out, const RTensor *t);   /* NumPy-like */
char *rt_format(const RTensor *t);            /* what rt_print writes, malloc'd; NULL if out of memory */

#endif
