/* source.h - what counts as .tdsl source text, and the one loader that checks it.
 * Source text is well-formed UTF-8 with no NUL and no control characters outside
 * comments but whitespace (tab, LF, CR, FF, VT: the lexer's blanks); anything
 * else is binary and gets one error, never one per byte. */
#ifndef TDSL_SOURCE_H
#define TDSL_SOURCE_H
#include "lang/arena.h"
#include "lang/diag.h"
#include <stdbool.h>

/* Length of the well-formed UTF-8 sequence at s (n bytes left), its code point
 * in *cp; 0 when ill-formed (overlong, surrogate, past U+10FFFF, truncated). */
int source_utf8_len(const char *s, size_t n, unsigned *cp);
/* C0 controls, DEL and C1 controls (U+0080..U+009F). */
bool source_is_control(unsigned cp);
/* 0-based offset of the byte where the first NUL, ill-formed UTF-8 sequence or
 * control character outside a comment starts; -1 when text[0..len) is source. */
long source_binary_at(const char *text, size_t len);
/* Reports "PATH: not a .tdsl source file (binary data at byte N)" and returns
 * -1 when text[0..len) is not source text; 0 otherwise. */
int source_check(const char *path, const char *text, size_t len, Diag *d);
/* The whole file at path, NUL-terminated, in the arena; NULL after reporting
 * that it cannot be read or is not source text. */
char *source_read(Arena *a, const char *path, Diag *d);

#endif
