/* grammar.y - the TDSL grammar (pure bison parser, LAC, custom error messages).
 * Actions only shape values; node building lives in parse.c. Errors recover at
 * statement and item level, and every separator re-arms error reporting. */
%require "3.8"
%define api.pure full
%define api.prefix {tdsl_}
%define parse.error custom
%define parse.lac full
%locations
%param {ParseCtx *ctx}

%code requires {
#include "lang/ast.h"
typedef struct ParseCtx ParseCtx;
}

%code {
#include <stdio.h>
#include <string.h>
}

%union {
    const char *str;
    int64_t ival;
    double fval;
    Expr *ex;
    Tensor *tensor;
    Stage *stage;
    Fn *fn;
    RVar *rvar;
    SchedArg *sarg;
    Schedule *sched;
    PtrVec vec;
}

%code provides {
#define YYSTYPE TDSL_STYPE
#define YYLTYPE TDSL_LTYPE

/* One token as the filter buffers it. */
typedef struct ParseTok { int kind; YYSTYPE val; YYLTYPE loc; } ParseTok;

struct ParseCtx {
    Arena *arena;
    const Source *src;
    Diag *diag;
    void *scanner;
    int nerrors;
    PtrVec fns, scheds, uses, consts;
    int line, col;          /* scanner position: next char is at line, col + 1 */
    int prev;               /* last token handed to the parser */
    int depth;              /* ( [ nesting: newlines inside are ignored */
    YYLTYPE last;           /* location of the last non-newline token */
    bool has_pending, at_eof;
    ParseTok pending;       /* the filter's one token of lookahead */
    bool in_item, body_open;    /* between fn/schedule and its closing '}' */
    bool recovering;        /* a syntax error was reported, no separator since */
    bool synth;             /* the last token is a '}' the filter inserted */
    int nsyntax;            /* syntax errors (the parser's, not the scanner's) */
    bool first_at_end;      /* the first of them came at the end of the input */
};

int tdsl_lex(YYSTYPE *val, YYLTYPE *loc, ParseCtx *ctx);
void tdsl_error(YYLTYPE *loc, ParseCtx *ctx, const char *msg);

/* parse.c: locations, errors and node building for the grammar actions. */
void parse_locate(ParseCtx *c, YYLTYPE *loc, const char *text, int len);
Span parse_span(ParseCtx *c, const YYLTYPE *loc);
void parse_error(ParseCtx *c, const YYLTYPE *loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void parse_bad_char(ParseCtx *c, const YYLTYPE *loc, const char *text);
void parse_closed(ParseCtx *c, const YYLTYPE *loc);
Expr *parse_bool(ParseCtx *c, bool v, const YYLTYPE *loc);
Expr *parse_postfix(ParseCtx *c, ExprKind k, const char *name, PtrVec args, const YYLTYPE *loc);
Expr *parse_reduce(ParseCtx *c, const char *name, const YYLTYPE *name_loc, Expr *body,
                   PtrVec rvars, const YYLTYPE *loc);
RVar *parse_rvar(ParseCtx *c, const char *name, Expr *lo, Expr *hi, const YYLTYPE *loc);
Tensor *parse_tensor(ParseCtx *c, const char *name, const char *dtype, const YYLTYPE *dtype_loc,
                     PtrVec *dims, const YYLTYPE *loc);
Stage *parse_decl(ParseCtx *c, Tensor *t, const YYLTYPE *loc);
Stage *parse_stage(ParseCtx *c, const char *target, const YYLTYPE *target_loc, PtrVec idx,
                   Expr *value, const YYLTYPE *loc);
Stage *parse_assign(ParseCtx *c, const char *target, const YYLTYPE *target_loc, Expr *value,
                    const YYLTYPE *loc);
Stage *parse_tuple_call(ParseCtx *c, PtrVec targets, Expr *call, const YYLTYPE *loc);
Fn *parse_fn(ParseCtx *c, const char *name, PtrVec params, PtrVec results, PtrVec stmts,
             const YYLTYPE *loc);
SchedArg *parse_sarg(ParseCtx *c, const char *name, int64_t v, const YYLTYPE *loc);
SchedArg *parse_sarg_block(ParseCtx *c, int64_t dim, char part, int64_t block, const YYLTYPE *loc);
SchedPrim *parse_prim(ParseCtx *c, const char *prim, PtrVec args, const YYLTYPE *first,
                      const YYLTYPE *last);
void parse_chain_add(ParseCtx *c, PtrVec *chain, const char *stage, const YYLTYPE *stage_loc,
                     SchedPrim *p);
Schedule *parse_schedule(ParseCtx *c, const char *fn, PtrVec prims, const YYLTYPE *loc);
void parse_use(ParseCtx *c, const char *module, const YYLTYPE *name_loc, const YYLTYPE *loc);
void parse_const(ParseCtx *c, Tensor *t, const char *fn, const YYLTYPE *fn_loc, const char *path,
                 const YYLTYPE *path_loc, const char *member, const YYLTYPE *member_loc, const YYLTYPE *loc);
Fn *parse_extern(ParseCtx *c, const char *name, PtrVec params, PtrVec results, const char *sym,
                 const YYLTYPE *sym_loc, const YYLTYPE *loc);
}

/* Declaration order is the order of the "expected ..." lists. */
%token <str> IDENT "identifier"
%token <ival> INT "integer"
%token <fval> FLOAT "float"
%token KW_TRUE "true" KW_FALSE "false"
%token '(' '-' '!' '[' ']' ')' ',' '=' ':' '.' '{' '}' ';'
%token NEWLINE "newline"
%token KW_FN "fn" KW_SCHEDULE "schedule" KW_USE "use" KW_CONST "const" KW_EXTERN "extern"
%token KW_OVER "over" KW_IN "in"
%token <str> STRING "string"
%token ARROW "->" DOTDOT ".."
%token LE "<=" GE ">=" EQ "==" NE "!=" AND "&&" OR "||"

%left OR
%left AND
%nonassoc '<' LE '>' GE EQ NE
%left '+' '-'
%left '*' '/' '%'
%precedence UNARY

%type <ex> expr primary
%type <vec> expr_list args_opt rvars params params_opt results result_list
%type <vec> body body_items names sched_body sched_items chain_opt chain sargs sargs_opt
%type <rvar> rvar
%type <tensor> tensor
%type <stage> stmt item_opt
%type <fn> fn_def extern_def
%type <sched> sched_def
%type <sarg> sarg

%%

program:
    %empty
  | program fn_def      { if ($2) vec_push(ctx->arena, &ctx->fns, $2); }
  | program sched_def   { if ($2) vec_push(ctx->arena, &ctx->scheds, $2); }
  | program use_def
  | program const_def
  | program extern_def  { if ($2) vec_push(ctx->arena, &ctx->fns, $2); }
  | program sep
  | program error sep
  | program error '}'    { ctx->recovering = false; }
  ;

sep: NEWLINE { yyerrok; ctx->recovering = false; } | ';' { yyerrok; ctx->recovering = false; } ;

/* use NAME: parse_use checks that it comes before the first fn or schedule */
use_def: KW_USE IDENT     { parse_use(ctx, $2, &@2, &@$); } ;

/* const W: f32[4, 8] = load("w.npy")  or  load("w.npz", "member") */
const_def:
    KW_CONST tensor '=' IDENT '(' STRING ')'
        { parse_const(ctx, $2, $4, &@4, $6, &@6, NULL, NULL, &@$); }
  | KW_CONST tensor '=' IDENT '(' STRING ',' STRING ')'
        { parse_const(ctx, $2, $4, &@4, $6, &@6, $8, &@8, &@$); }
  ;

/* extern fn f(X: f32[n]) -> Y: f32[n] = "c_symbol" */
extern_def:
    KW_EXTERN KW_FN IDENT '(' params_opt ')' ARROW results '=' STRING
        { $$ = parse_extern(ctx, $3, $5, $8, $10, &@10, &@$); }
  ;

/* ---- functions ---- */

fn_def:
    KW_FN IDENT '(' params_opt ')' ARROW results body
        { $$ = parse_fn(ctx, $2, $4, $7, $8, &@$); }
  | KW_FN error '}'        { $$ = NULL; ctx->recovering = false; }
  ;

params_opt: %empty { $$ = (PtrVec){0}; } | params ;
params:
    tensor              { $$ = (PtrVec){0}; vec_push(ctx->arena, &$$, $1); }
  | params ',' tensor   { $$ = $1; vec_push(ctx->arena, &$$, $3); }
  ;

results:
    tensor              { $$ = (PtrVec){0}; vec_push(ctx->arena, &$$, $1); }
  | '(' result_list ')' { $$ = $2; }
  ;
result_list:
    tensor                  { $$ = (PtrVec){0}; vec_push(ctx->arena, &$$, $1); }
  | result_list ',' tensor  { $$ = $1; vec_push(ctx->arena, &$$, $3); }
  ;

/* name: dtype  or  name: dtype[dim, ...] */
tensor:
    IDENT ':' IDENT     { $$ = parse_tensor(ctx, $1, $3, &@3, NULL, &@$); }
  | IDENT ':' IDENT '[' expr_list ']'
                        { $$ = parse_tensor(ctx, $1, $3, &@3, &$5, &@$); }
  ;

/* Each statement owns its separator, so an error skips exactly one line. */
body:
    '{' body_items item_opt '}'
                        { $$ = $2; if ($3) vec_push(ctx->arena, &$$, $3); parse_closed(ctx, &@4); }
  | '{' body_items error '}'
                        { $$ = $2; ctx->recovering = false; }
  ;
body_items:
    %empty              { $$ = (PtrVec){0}; }
  | body_items item_opt sep
                        { $$ = $1; if ($2) vec_push(ctx->arena, &$$, $2); }
  | body_items error sep
  ;
item_opt: %empty { $$ = NULL; } | stmt ;

stmt:
    tensor              { $$ = parse_decl(ctx, $1, &@$); }
  | IDENT '[' expr_list ']' '=' expr
                        { $$ = parse_stage(ctx, $1, &@1, $3, $6, &@$); }
  | IDENT '=' expr      { $$ = parse_assign(ctx, $1, &@1, $3, &@$); }
  | '(' names ')' '=' primary
                        { $$ = parse_tuple_call(ctx, $2, $5, &@$); }
  ;

names:
    IDENT               { $$ = (PtrVec){0}; vec_push(ctx->arena, &$$, ex_name(ctx->arena, $1, parse_span(ctx, &@1))); }
  | names ',' IDENT     { $$ = $1; vec_push(ctx->arena, &$$, ex_name(ctx->arena, $3, parse_span(ctx, &@3))); }
  ;

/* ---- expressions ---- */

expr:
    expr OR expr        { $$ = ex_binary(ctx->arena, OP_OR, $1, $3, parse_span(ctx, &@$)); }
  | expr AND expr       { $$ = ex_binary(ctx->arena, OP_AND, $1, $3, parse_span(ctx, &@$)); }
  | expr '<' expr       { $$ = ex_binary(ctx->arena, OP_LT, $1, $3, parse_span(ctx, &@$)); }
  | expr LE expr        { $$ = ex_binary(ctx->arena, OP_LE, $1, $3, parse_span(ctx, &@$)); }
  | expr '>' expr       { $$ = ex_binary(ctx->arena, OP_GT, $1, $3, parse_span(ctx, &@$)); }
  | expr GE expr        { $$ = ex_binary(ctx->arena, OP_GE, $1, $3, parse_span(ctx, &@$)); }
  | expr EQ expr        { $$ = ex_binary(ctx->arena, OP_EQ, $1, $3, parse_span(ctx, &@$)); }
  | expr NE expr        { $$ = ex_binary(ctx->arena, OP_NE, $1, $3, parse_span(ctx, &@$)); }
  | expr '+' expr       { $$ = ex_binary(ctx->arena, OP_ADD, $1, $3, parse_span(ctx, &@$)); }
  | expr '-' expr       { $$ = ex_binary(ctx->arena, OP_SUB, $1, $3, parse_span(ctx, &@$)); }
  | expr '*' expr       { $$ = ex_binary(ctx->arena, OP_MUL, $1, $3, parse_span(ctx, &@$)); }
  | expr '/' expr       { $$ = ex_binary(ctx->arena, OP_DIV, $1, $3, parse_span(ctx, &@$)); }
  | expr '%' expr       { $$ = ex_binary(ctx->arena, OP_MOD, $1, $3, parse_span(ctx, &@$)); }
  | '-' expr %prec UNARY { $$ = ex_unary(ctx->arena, OP_NEG, $2, parse_span(ctx, &@$)); }
  | '!' expr %prec UNARY { $$ = ex_unary(ctx->arena, OP_NOT, $2, parse_span(ctx, &@$)); }
  | primary
  ;

primary:
    INT                 { $$ = ex_int(ctx->arena, $1, parse_span(ctx, &@$)); }
  | FLOAT               { $$ = ex_float(ctx->arena, $1, parse_span(ctx, &@$)); }
  | KW_TRUE                { $$ = parse_bool(ctx, true, &@$); }
  | KW_FALSE               { $$ = parse_bool(ctx, false, &@$); }
  | IDENT               { $$ = ex_name(ctx->arena, $1, parse_span(ctx, &@$)); }
  | IDENT '[' expr_list ']'
                        { $$ = parse_postfix(ctx, EX_ACCESS, $1, $3, &@$); }
  | IDENT '(' args_opt ')'
                        { $$ = parse_postfix(ctx, EX_CALL, $1, $3, &@$); }
  | IDENT '(' expr KW_OVER rvars ')'
                        { $$ = parse_reduce(ctx, $1, &@1, $3, $5, &@$); }
  | '(' expr ')'        { $$ = $2; $$->span = parse_span(ctx, &@$); }
  ;

args_opt: %empty { $$ = (PtrVec){0}; } | expr_list ;
expr_list:
    expr                { $$ = (PtrVec){0}; vec_push(ctx->arena, &$$, $1); }
  | expr_list ',' expr  { $$ = $1; vec_push(ctx->arena, &$$, $3); }
  ;

rvars:
    rvar                { $$ = (PtrVec){0}; vec_push(ctx->arena, &$$, $1); }
  | rvars ',' rvar      { $$ = $1; vec_push(ctx->arena, &$$, $3); }
  ;
rvar:
    IDENT               { $$ = parse_rvar(ctx, $1, NULL, NULL, &@$); }
  | IDENT KW_IN expr DOTDOT expr
                        { $$ = parse_rvar(ctx, $1, $3, $5, &@$); }
  ;

/* ---- schedules ---- */

sched_def:
    KW_SCHEDULE IDENT sched_body   { $$ = parse_schedule(ctx, $2, $3, &@$); }
  | KW_SCHEDULE error '}'          { $$ = NULL; ctx->recovering = false; }
  ;

sched_body:
    '{' sched_items chain_opt '}'
                        { $$ = $2; for (int i = 0; i < $3.len; i++) vec_push(ctx->arena, &$$, $3.items[i]);
                          parse_closed(ctx, &@4); }
  | '{' sched_items error '}'
                        { $$ = $2; ctx->recovering = false; }
  ;
sched_items:
    %empty              { $$ = (PtrVec){0}; }
  | sched_items chain_opt sep
                        { $$ = $1; for (int i = 0; i < $2.len; i++) vec_push(ctx->arena, &$$, $2.items[i]); }
  | sched_items error sep
  ;
chain_opt: %empty { $$ = (PtrVec){0}; } | chain ;
/* Stage.prim(args).prim(args)...: each prim remembers the chain's stage. */
chain:
    IDENT '.' IDENT '(' sargs_opt ')'
        { $$ = (PtrVec){0}; parse_chain_add(ctx, &$$, $1, &@1, parse_prim(ctx, $3, $5, &@3, &@6)); }
  | chain '.' IDENT '(' sargs_opt ')'
        { $$ = $1; parse_chain_add(ctx, &$$, NULL, NULL, parse_prim(ctx, $3, $5, &@3, &@6)); }
  ;

sargs_opt: %empty { $$ = (PtrVec){0}; } | sargs ;
sargs:
    sarg                { $$ = (PtrVec){0}; vec_push(ctx->arena, &$$, $1); }
  | sargs ',' sarg      { $$ = $1; vec_push(ctx->arena, &$$, $3); }
  ;
sarg:
    IDENT               { $$ = parse_sarg(ctx, $1, 0, &@$); }
  | INT                 { $$ = parse_sarg(ctx, NULL, $1, &@$); }
  | '-' INT             { $$ = parse_sarg(ctx, NULL, -$2, &@$); }
  | INT '/' INT         { $$ = parse_sarg_block(ctx, $1, '/', $3, &@$); }
  | INT '%' INT         { $$ = parse_sarg_block(ctx, $1, '%', $3, &@$); }
  ;

%%

/* The readable name of token k: identifier, integer, '=', 'fn' ... */
static const char *tok_name(yysymbol_kind_t k, char *buf, size_t cap)
{
    switch (k) {
    case YYSYMBOL_YYEOF: return "end of file";
    case YYSYMBOL_YYUNDEF: return "invalid token";
    case YYSYMBOL_IDENT: return "identifier";
    case YYSYMBOL_INT: return "integer";
    case YYSYMBOL_FLOAT: return "float";
    case YYSYMBOL_NEWLINE: return "newline";
    case YYSYMBOL_STRING: return "string";
    default: break;
    }
    const char *n = yysymbol_name(k);
    if (n[0] == '\'' || n[0] == '"') return n;
    snprintf(buf, cap, "'%s'", n);  /* keywords and operators: 'fn', '->' */
    return buf;
}

static bool starts_expr(yysymbol_kind_t k)
{
    return k == YYSYMBOL_IDENT || k == YYSYMBOL_INT || k == YYSYMBOL_FLOAT ||
           k == YYSYMBOL_KW_TRUE || k == YYSYMBOL_KW_FALSE || k == YYTRANSLATE('(') ||
           k == YYTRANSLATE('-') || k == YYTRANSLATE('!');
}

static bool is_binop(yysymbol_kind_t k)
{
    static const int ops[] = { '+', '-', '*', '/', '%', '<', '>', LE, GE, EQ, NE, AND, OR };
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
        if (YYTRANSLATE(ops[i]) == k) return true;
    return false;
}

#define MAX_EXPECTED 6
#define N_EXPR_START 8
#define N_BINOP 13

static bool has_token(const yysymbol_kind_t *exp, int n, yysymbol_kind_t k)
{
    for (int i = 0; i < n; i++)
        if (exp[i] == k) return true;
    return false;
}

/* Tokens not worth listing: ';' next to newline, newline and end of file
 * between items (where 'fn' is expected), 'use' once a fn or schedule came. */
static bool too_obvious(const yysymbol_kind_t *exp, int n, yysymbol_kind_t k, const ParseCtx *ctx)
{
    bool top = has_token(exp, n, YYSYMBOL_KW_FN);
    return (k == YYTRANSLATE(';') && has_token(exp, n, YYSYMBOL_NEWLINE)) ||
           (top && (k == YYSYMBOL_NEWLINE || k == YYSYMBOL_YYEOF || k == YYTRANSLATE(';'))) ||
           (k == YYSYMBOL_KW_USE && (ctx->fns.len || ctx->scheds.len));
}

/* ", expected A, B or C", with every expression start shown as "expression" and
 * every binary operator as "operator"; nothing when the list is long. */
static void expected_list(const yypcontext_t *pc, char *out, size_t cap, const ParseCtx *ctx)
{
    yysymbol_kind_t exp[YYNTOKENS];
    int n = yypcontext_expected_tokens(pc, exp, YYNTOKENS);
    int nstart = 0, nop = 0;
    for (int i = 0; i < n; i++) {
        nstart += starts_expr(exp[i]);
        nop += is_binop(exp[i]);
    }
    bool fold_expr = nstart == N_EXPR_START, fold_op = nop == N_BINOP;
    const char *names[YYNTOKENS + 2];
    char bufs[YYNTOKENS + 2][16];
    int m = 0;
    if (fold_expr) names[m++] = "expression";
    if (fold_op) names[m++] = "operator";
    for (int i = 0; i < n; i++) {
        if ((fold_expr && starts_expr(exp[i])) || (fold_op && is_binop(exp[i])) ||
            too_obvious(exp, n, exp[i], ctx))
            continue;
        names[m] = tok_name(exp[i], bufs[m], sizeof bufs[m]);
        m++;
    }
    out[0] = 0;
    if (m == 0 || m > MAX_EXPECTED) return;
    size_t len = 0;
    for (int i = 0; i < m && len < cap; i++) {
        const char *join = i == 0 ? ", expected " : i == m - 1 ? " or " : ", ";
        len += (size_t)snprintf(out + len, cap - len, "%s%s", join, names[i]);
    }
}

static int yyreport_syntax_error(const yypcontext_t *pc, ParseCtx *ctx)
{
    yysymbol_kind_t got = yypcontext_token(pc);
    ctx->depth = 0;     /* an unbalanced '(' must not hide the newlines recovery needs */
    ctx->recovering = true;
    if (!ctx->nsyntax++)
        ctx->first_at_end = got == YYSYMBOL_YYEOF;
    if (got == YYSYMBOL_YYUNDEF)    /* a bad character: the scanner reported it */
        return 0;
    char buf[16], list[512];
    if (ctx->synth)     /* the '}' put before an item keyword: name the keyword */
        got = ctx->pending.kind == KW_FN ? YYSYMBOL_KW_FN : YYSYMBOL_KW_SCHEDULE;
    yysymbol_kind_t exp[YYNTOKENS];
    int n = yypcontext_expected_tokens(pc, exp, YYNTOKENS);
    if (is_binop(got) && has_token(exp, n, YYSYMBOL_AND)) {   /* only a < b < c gets here */
        parse_error(ctx, yypcontext_location(pc),
                    "comparisons do not chain: write a < b && b < c");
        return 0;
    }
    expected_list(pc, list, sizeof list, ctx);
    parse_error(ctx, yypcontext_location(pc), "unexpected %s%s",
                tok_name(got, buf, sizeof buf), list);
    return 0;
}

/* Called by bison only when its stack overflows ("memory exhausted"). */
void tdsl_error(YYLTYPE *loc, ParseCtx *ctx, const char *msg)
{
    parse_error(ctx, loc, "%s", strcmp(msg, "memory exhausted") ? msg : "nested too deeply");
}
