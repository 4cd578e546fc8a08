/* repl.h - the tdsl REPL's entry points (cli/tdsl.c is a thin main over them).
 * A session holds fn/schedule definitions, the JIT code compiled from them and
 * tensor values; every bad input is reported and leaves the session as it was. */
#ifndef TDSL_REPL_H
#define TDSL_REPL_H
#include <stdbool.h>
#include <stdio.h>

typedef struct Session Session;

/* interactive: input is a terminal (prompts, line editing, history, Ctrl-C
 * returns to the prompt); otherwise lines are read from stdin with no prompts. */
Session *repl_create(bool interactive);
/* Where `use NAME` looks for NAME.tdsl: the dirs of inc (tdsl -I), then those
 * of $TDSL_PATH, then the stdlib next to the executable (parser/parse.h). */
void repl_set_module_path(Session *s, const char *const *inc, int ninc, const char *argv0);
/* Loads the fns and schedules of a .tdsl file (as :load does). 0, or -1 after
 * printing its errors. */
int repl_load_file(Session *s, const char *path);
/* Reads and runs input until end of input or :quit. Returns the exit status:
 * 0, or 1 when reading a pipe and some input had an error. */
int repl_run(Session *s);
/* Runs the statements read from in, as from a pipe (the fuzz target of
 * tests/fuzz/targets/repl.c: no terminal). Returns repl_run's status. */
int repl_run_stream(Session *s, FILE *in);
void repl_destroy(Session *s);

#endif
