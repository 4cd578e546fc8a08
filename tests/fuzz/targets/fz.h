/* fz.h - what the libFuzzer targets of tests/fuzz/targets/ share (make fuzz,
 * docs/fuzzing.md): a sink for the compiler's messages and the front end of
 * tdslc (modules, sema, lowering, and at will codegen) over text in memory.
 * Every target defines LLVMFuzzerTestOneInput; replay_main.c runs it on files. */
#ifndef TDSL_FZ_H
#define TDSL_FZ_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* where messages go: /dev/null, or stderr with FUZZ_VERBOSE=1 */
FILE *fz_sink(void);

/* Aborts (a bug) when msgs[from..len) holds a line "error: internal error:"
 * (what lowering and codegen reported); FUZZ_VERBOSE=1 prints msgs. */
void fz_check_messages(const char *msgs, size_t len, size_t from);

typedef enum FzStage { FZ_LOWER, FZ_CODEGEN } FzStage;

/* The path of `tdslc FILE`: the text checked as source, parsed, its `use`s
 * loaded from the source tree's stdlib/, checked by sema and lowered under its
 * schedules; FZ_CODEGEN also builds the object at -O0 (written to /dev/null)
 * and prints the header. Returns the number of errors (0: compiled). */
int fz_compile(const char *text, size_t len, FzStage stage);

#endif
