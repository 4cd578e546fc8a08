/* parse.h - the parser's entry point: source text -> AST (lang/ast.h).
 * Syntax errors go to the Diag; parsing continues after each to report more. */
#ifndef TDSL_PARSE_H
#define TDSL_PARSE_H
#include "lang/ast.h"

/* Parses src (which must outlive the arena's use) and appends its fns and
 * schedules to prog. Returns the number of syntax errors reported; text that
 * is not source (lang/source.h) gets one error and is not parsed. */
int parse_source(Arena *a, const Source *src, Program *prog, Diag *d);

/* Would more text finish src, as Python's codeop decides for its REPL? True
 * when the first syntax error is at the end of the input (nothing wrong so
 * far, only unfinished) or a fn or schedule body is still open there; false
 * when it parses or an error comes before the end. Errors go to d (a REPL
 * passes one that prints nothing); nothing is added to any program. */
bool parse_unfinished(Arena *a, const Source *src, Diag *d);

/* ---- modules (modules.c): `use NAME` loads NAME.tdsl from a search path ---- */

/* One file the loader parsed: a module, or a file the user named. */
typedef struct ModFile {
    const char *name;       /* module name (a named file: its stem) */
    const char *real;       /* resolved path: a file is loaded once */
    Source *src;
    Program prog;           /* its own fns, schedules and uses */
    Span used_at;           /* the use that loaded a module (module only) */
    int rank;               /* MOD_MODULE, MOD_NAMED, MOD_SCHEDULE: whose schedule wins */
    bool known;             /* loaded before this loader ran (a REPL session's): not parsed */
} ModFile;
enum { MOD_MODULE, MOD_NAMED, MOD_SCHEDULE };

typedef struct Modules {
    Arena *a;
    Diag *d;
    const char **dirs;      /* the search path, in order */
    int ndirs;
    PtrVec files;           /* ModFile *, in load order: a module before its users */
    PtrVec busy;            /* ModFile * being loaded: using one again is a cycle */
} Modules;

/* The search path: the dirs of inc in order, then those of path_env (a
 * colon-separated list, $TDSL_PATH; empty entries are skipped), then the
 * stdlib next to the executable exe, where they exist: <exe dir>/../stdlib
 * (in the source tree), <exe dir>/stdlib, <exe dir>/../share/tdsl/stdlib
 * (installed). exe may be NULL. */
void modules_init(Modules *m, Arena *a, Diag *d, const char *const *inc, int ninc, const char *path_env,
                  const char *exe);
/* The running executable's path (/proc/self/exe, else argv0 when it holds a
 * '/'); NULL when unknown. */
const char *modules_exe_path(Arena *a, const char *argv0);
/* Reads and parses the file at path with the given rank, after every module
 * it uses, each once; a file loaded already only takes the higher rank.
 * Returns the number of errors reported. */
int modules_load_file(Modules *m, const char *path, int rank);
/* Loads the modules p uses that are not loaded yet (the REPL: p is a unit of
 * the session). Returns the number of errors reported. */
int modules_load_uses(Modules *m, const Program *p);
/* Records a module loaded before (by name and resolved path), so it is not loaded again. */
void modules_mark_known(Modules *m, const char *name, const char *real);
/* The resolved path of module name on the search path (*path: as found), or NULL. */
const char *modules_find(Modules *m, const char *name, const char **path);
/* Reports fn a (the later definition; amod: its module, or NULL for a user's
 * file) clashing with fn b (bmod): an error at the user's fn, or for two
 * modules at the use that loaded a's (a_use), and a note at each module's fn. */
void modules_clash(Diag *d, const Fn *a, const char *amod, Span a_use, const Fn *b, const char *bmod);
/* The program of every file loaded, modules first: reports a fn defined by a
 * module and by another file; for each fn, keeps only the schedule blocks of
 * the highest rank that has any (a user's blocks replace a module's, a
 * --schedule file's replace both). Returns the number of errors. */
int modules_program(Modules *m, Program *prog);
/* The file fn f was parsed from, or NULL. */
ModFile *modules_file_of(const Modules *m, const Fn *f);

#endif
