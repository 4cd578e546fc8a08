/* repl_int.h - private to repl/: the session and what its files share.
 * defs.c keeps the definitions and the program they check into, session.c the
 * values and compiled code, stmt.c/eval.c the statements typed at the prompt,
 * call.c the calls through libffi, cost.c shape and flop arithmetic on loop
 * IR, commands.c the ':' commands, input.c the terminal and the pipe.
 * Invariant: the session's program always checks and lowers; a statement that
 * fails leaves the program, the values and the compiled code as they were. */
#ifndef TDSL_REPL_INT_H
#define TDSL_REPL_INT_H
#include "lang/ast.h"
#include "lang/loopir.h"
#include "lower/lower.h"
#include "repl/repl.h"
#include "repl/tensor.h"
#include <ffi.h>
#include <stdint.h>

/* ---- values (session.c) ---- */

/* A tensor or, with ndim 0, a scalar. Shared by the variable table and the
 * calls running with it, so the count is atomic. */
typedef struct Val {
    RTensor *t;
    int refs;
    bool literal;       /* a number as typed: takes the dtype its parameter needs */
} Val;

typedef struct Var {
    char *name;
    Val *v;
} Var;

Val *val_new(RTensor *t);              /* takes t; one reference; NULL t: NULL */
Val *val_ref(Val *v);
void val_release(Val *v);              /* any thread */

/* ---- definitions (defs.c) ---- */

/* One input of fn and schedule blocks: a file, or a block typed at the prompt
 * (whose text is padded with newlines so that spans carry its real lines). */
typedef struct Unit {
    int id;
    Source src;
    char *path, *text;                  /* owned */
    char *module, *real;                /* a module's name and resolved path (owned), or NULL */
    struct NpyArray **carr;             /* the files of its consts, read once: when it was */
    char **cname;                       /* first built (owned), by const name */
    int nc;
} Unit;

/* Where a fn's definition and its schedule blocks come from. */
typedef struct Live {
    char *fn;
    Unit *def, *sched;
} Live;

/* ---- compiled code (session.c) ---- */

/* One JIT resource: a fn at one definition and schedule (and those of every
 * fn it calls, whose code is copied in). Entry symbols are versioned, so new
 * code can be added while an interrupted call still runs the old. */
typedef struct Compiled {
    char *name, *ident, *sym;
    void *addr;
    int nargs;
    ffi_type **types;
    ffi_cif cif;
    int refs;               /* the cache's one, plus one per running call */
    bool stale;             /* superseded: removed once refs drops to 0 */
} Compiled;

typedef struct Session {
    bool interactive;
    int line;                   /* lines of <stdin> read so far */
    int nerrors;                /* statements that failed */
    bool quit;
    /* definitions and the program built from them */
    char **moddirs;             /* where `use NAME` looks for NAME.tdsl, in order */
    int nmoddirs;
    Unit **units;
    int nunits, capunits, next_unit;
    Live *live;
    int nlive;
    Arena arena;                /* the program below */
    Program prog;               /* fns in dependency order (callees first) */
    LFunc **lfns;               /* lfns[i] lowers prog.fns[i] */
    int nlfns;
    /* values */
    Var *vars;
    int nvars, capvars;
    /* code */
    Jit *jit;                   /* created on first use */
    Diag jit_diag;              /* for what the JIT reports outside a statement */
    Compiled **comp;
    int ncomp, capcomp;
    int next_sym;
    int running;                /* interrupted calls still running (atomic) */
} Session;

/* A statement being run: its text and where it came from, for diagnostics. */
typedef struct Line {
    Session *s;
    const char *path;           /* "<stdin>" or a file */
    const char *text;           /* may span several lines */
    int line;                   /* the text's first line */
    Source *src;                /* made on first diagnostic */
    Arena *a;                   /* freed after the statement */
    Diag *d;
    bool at_end;                /* the parse failed first at the end of the text */
} Line;

/* session.c */
Val *vars_get(Session *s, const char *name);
void vars_set(Session *s, const char *name, Val *v);   /* takes the reference */
void vars_clear(Session *s);
Compiled *comp_get(Session *s, LFunc *lf, Diag *d);    /* a new reference, or NULL after reporting */
void comp_release(Compiled *c);                        /* any thread */
void comp_sweep(Session *s, bool all);                 /* frees stale code no call runs */
Jit *session_jit(Session *s, Diag *d);
void session_reset(Session *s);
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t m);
char *xstrdup(const char *s);
void *xgrow(void *p, int *cap, int need, size_t elem);

/* defs.c */
/* Adds a unit read from path (text is copied; first_line > 1 pads it). */
int defs_add(Session *s, const char *path, const char *text, int first_line, bool quiet_names, Diag *d);
LFunc *defs_find(Session *s, const char *name, int *index);
/* The unit a loaded module named name comes from, or NULL. */
Unit *defs_module(Session *s, const char *name);
/* The module fn name comes from, or NULL for a user's fn. */
const char *defs_module_of(Session *s, const char *fn);
char *defs_ident(Session *s, const Fn *f, Arena *a);
void defs_print_signature(FILE *out, const Fn *f);
void defs_print_tensor(FILE *out, const Tensor *t);     /* "W: f32[m, k]" */
void defs_clear(Session *s);

/* Diagnostics at byte offsets of ln->text (end exclusive; end <= start: one char). */
void line_error(Line *ln, int start, int end, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void line_note(Line *ln, int start, int end, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void line_plain_note(Line *ln, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- statements (stmt.c parses, eval.c runs) ---- */

typedef enum RKind { RX_INT, RX_FLOAT, RX_BOOL, RX_STRING, RX_NAME, RX_INDEX, RX_CALL, RX_NEG } RKind;

typedef struct RExpr {
    RKind kind;
    int start, end;             /* byte offsets in the statement */
    int64_t ival;               /* RX_INT (magnitude; RX_NEG negates), RX_BOOL */
    bool big;                   /* RX_INT above INT64_MAX: uval */
    uint64_t uval;
    double fval;
    char *str;                  /* RX_NAME, RX_STRING, the name of RX_INDEX / RX_CALL */
    int name_end;
    struct RExpr **args;        /* RX_INDEX indices, RX_CALL arguments, RX_NEG operand */
    int nargs;
    int open;                   /* offset of the '(' or '[' */
} RExpr;

typedef struct RStmt {
    char **targets;             /* NULL: a bare expression */
    int *tstart, *tend;
    int ntargets;
    RExpr *value;
} RStmt;

RStmt *stmt_parse(Line *ln, int from);   /* NULL after reporting */
/* Would more lines finish the statement text? Only if it fails to parse at its
 * end with a bracket open there: otherwise a statement ends with its line, as
 * in Python. Errors go to d (pass one that prints nothing). */
bool stmt_unfinished(Session *s, const char *text, Arena *a, Diag *d);
RExpr *stmt_parse_expr(Line *ln, int from, int *end);   /* one expression starting at from */
int eval_stmt(Line *ln);
/* Is name free to assign (not a fn, built-in, dtype, keyword)? Reports if not. */
bool stmt_check_target(Line *ln, const char *name, int start, int end);
/* Tensor statements through an anonymous fn (xform.c, xform_run.c):
 * `B[i, j] = A[i, j] * 2 + C[j]`, `C = A + B`, `A * 2`. */
bool xform_wanted(const char *text);
bool xform_unfinished(const char *text);    /* a bracket is open at its end */
int xform_stmt(Line *ln);
/* Evaluates e; a call may give several values. Returns how many (out[] holds
 * new references), or -1 after reporting. */
int eval_expr(Line *ln, const RExpr *e, Val **out, int max);

/* The built-in functions, one row each: calls, the arity check, the error for
 * an unknown function, :help and tab completion all read this one table. */
typedef struct Builtin {
    const char *name;
    int min, max;               /* how many arguments */
    const char *usage;          /* the arity error: "NAME takes USAGE" */
    const char *call, *help;    /* a line of :help: "full(T, v)", what it gives */
    int (*run)(Line *ln, const RExpr *e, Val **out);   /* values given, or -1 after reporting */
} Builtin;
extern const Builtin builtins[];           /* ends with a NULL name */
const Builtin *builtin_find(const char *name);
bool is_builtin(const char *name);
char *builtin_list(Arena *a);              /* "rand, zeros, ..." */

/* A scalar in the C type of its dtype (bool: one byte). */
typedef union Scalar {
    float f32;
    double f64;
    int8_t i8;
    int16_t i16;
    int32_t i32;
    int64_t i64;
    uint8_t u8;
    uint16_t u16;
    uint32_t u32;
    uint64_t u64;
} Scalar;
/* The scalar v as dtype t: a literal takes t when its value fits, a typed
 * scalar only widens unless cast. False with the reason in why. */
bool scalar_convert(const Val *v, DType t, bool cast, Scalar *out, char *why, size_t cap);
char *scalar_str(Arena *a, const RTensor *t);      /* "2.5", "true" */
/* "f32[4, 8]" or "f32" */
char *type_str(Arena *a, const RTensor *t);

/* ---- calls (call.c) ---- */

typedef struct Call {
    LFunc *lf;
    int nparams, nresults;
    Val **args;                 /* per param (references) */
    Val **results;              /* per result, allocated with their shapes */
    int64_t *sizes;             /* the size vars bound from the arguments */
} Call;

/* Evaluates and checks the arguments of e (a call of lf), binds the size vars
 * and allocates the results. 0, or -1 after reporting. */
int call_prepare(Line *ln, LFunc *lf, const RExpr *e, Call *c);
void call_free(Call *c);

/* :time's runs: t[0..n-1] seconds per run, each the mean of a batch of runs. */
typedef struct Timing {
    double *t;
    int n, batch;
    double first;
    bool interrupted;
} Timing;

/* Runs c (compiled as comp); with tm, runs it repeatedly and fills tm.
 * 0, 1 if interrupted (Ctrl-C), -1 after reporting a run-time error. */
int call_run(Line *ln, Call *c, Compiled *comp, Timing *tm);
/* a note, before timing, when an interrupted call still runs in the background */
void call_note_background(Line *ln);
void call_signals_init(bool interactive);
int call_sigint_fd(void);               /* readable after Ctrl-C */
bool call_take_sigint(void);            /* true (and cleared) if Ctrl-C came */
void call_report_finished(Session *s);  /* notes for interrupted calls that ended */

/* ---- shapes and costs (cost.c) ---- */

/* Loop vars bound while walking loop IR. */
typedef struct Env {
    const int64_t *sizes;
    int nsizes;
    const LVar **vars;
    int64_t *vals;
    int nvars, cap;
} Env;
/* An i64 index expression over size vars and bound loop vars. */
bool cost_eval(const LExpr *e, const Env *env, int64_t *out);
/* Floating-point and integer element operations one call does: arithmetic
 * and math functions of stored values, per element, times trip counts. */
bool cost_ops(const LFunc *lf, const int64_t *sizes, double *flops, double *iops);

/* ---- commands (commands.c) ---- */

/* One row per ':' command: running, :help and tab completion read it. */
typedef struct Command {
    const char *name, *args, *help;
    const char *alias[2];                   /* other names that run it, or NULL */
    int (*run)(Line *ln, int at, int end);  /* argument text: [at, end) of ln->text */
} Command;
extern const Command commands[];            /* ends with a NULL name */
int commands_run(Line *ln);
/* the fn e calls (a : command's argument), or NULL after reporting: not a call (need), unknown */
LFunc *command_callee(Line *ln, const RExpr *e, const char *need);
/* :tune f(X, ...) [SECONDS] (tune_cmd.c) */
int cmd_tune(Line *ln, int at, int end);

#endif
