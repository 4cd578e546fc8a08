/* tune.h - automatic scheduling (issue 11): schedules for one fn drawn from
 * rules over its stages (space.c), each compiled by the JIT and timed in a
 * child process so a crash or a hang costs one trial (measure.c), searched
 * by an evolutionary loop within a wall-clock budget (search.c). The winner
 * is checked against the unscheduled fn before it is written. */
#ifndef TDSL_TUNE_H
#define TDSL_TUNE_H
#include "lang/ast.h"
#include <stdint.h>
#include <stdio.h>

#define TUNE_MAX_SIZES 16

typedef struct TuneOptions {
    const char *fn;                         /* the fn to tune */
    char size_names[TUNE_MAX_SIZES][32];    /* --size m=1024,k=512 */
    int64_t size_values[TUNE_MAX_SIZES];
    int nsizes;
    double budget_s;                        /* wall clock, compiles and runs included */
    uint64_t seed;
    const char *out;                        /* where the schedule block goes ("-": stdout, NULL: nowhere) */
    const char *cache;                      /* --tune-cache FILE (NULL: ~/.cache/tdsl/tune.tsv) */
    const char *target;                     /* the CPU the code is for (NULL: x86-64-v3, tdslc's default) */
    FILE *log;                              /* progress lines (NULL: none) */
    bool keep_own;                          /* the baseline is fn as its blocks schedule it, not unscheduled */
} TuneOptions;

/* Parses "m=1024,k=512" into o's sizes; false (with a message to stderr) if malformed. */
bool tune_parse_sizes(TuneOptions *o, const char *text);
/* Tunes o->fn of the checked program prog (its other fns' schedules kept):
 * the best schedule block found (the unscheduled fn is a candidate), with a
 * comment line or two, goes to o->out (unless NULL) and into *block (unless
 * NULL; in a). Returns 0, or -1 after reporting to d. */
int tune_fn(Arena *a, Program *prog, const TuneOptions *o, char **block, Diag *d);
/* tdslc MODEL --tune: tunes every distinct call of fn `top` whose sizes are
 * constants, within o->budget_s in all, each in a copy of its callee that the
 * calls then use (calls.c); prog is left ready to lower. Returns 0 or -1. */
int tune_calls(Arena *a, Program *prog, const char *top, const TuneOptions *o, Diag *d);

#endif
