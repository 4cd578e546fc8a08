/* A Bison parser, made by GNU Bison 3.8.2.  */

/* Bison interface for Yacc-like parsers in C

   Copyright (C) 1984, 1989-1990, 2000-2015, 2018-2021 Free Software Foundation,
   Inc.

   This program is free software: you can redistribute it and/or modify
   it under the terms of the GNU General Public License as published by
   the Free Software Foundation, either version 3 of the License, or
   (at your option) any later version.

   This program is distributed in the hope that it will be useful,
   but WITHOUT ANY WARRANTY; without even the implied warranty of
   MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the
   GNU General Public License for more details.

   You should have received a copy of the GNU General Public License
   along with this program.  If not, see <https://www.gnu.org/licenses/>.  */

/* As a special exception, you may create a larger work that contains
   part or all of the Bison parser skeleton and distribute that work
   under terms of your choice, so long as that work isn't itself a
   parser generator using the skeleton or a modified version thereof
   as a parser skeleton.  Alternatively, if you modify or redistribute
   the parser skeleton itself, you may (at your option) remove this
   special exception, which will cause the skeleton and the resulting
   Bison output files to be licensed under the GNU General Public
   License without this special exception.

   This special exception was added by the Free Software Foundation in
   version 2.2 of Bison.  */

/* DO NOT RELY ON FEATURES THAT ARE NOT DOCUMENTED in the manual,
   especially those whose name start with YY_ or yy_.  They are
   private implementation details that can be changed or removed.  */

#ifndef YY_TDSL_BUILD_DBG_PARSER_GRAMMAR_H_INCLUDED
# define YY_TDSL_BUILD_DBG_PARSER_GRAMMAR_H_INCLUDED
/* Debug traces.  */
#ifndef TDSL_DEBUG
# if defined YYDEBUG
#if YYDEBUG
#   define TDSL_DEBUG 1
#  else
#   define TDSL_DEBUG 0
#  endif
# else /* ! defined YYDEBUG */
#  define TDSL_DEBUG 0
# endif /* ! defined YYDEBUG */
#endif  /* ! defined TDSL_DEBUG */
#if TDSL_DEBUG
extern int tdsl_debug;
#endif
/* "%code requires" blocks.  */
#line 12 "parser/grammar.y"

#include "lang/ast.h"
typedef struct ParseCtx ParseCtx;

#line 62 "build-dbg/parser/grammar.h"

/* Token kinds.  */
#ifndef TDSL_TOKENTYPE
# define TDSL_TOKENTYPE
  enum tdsl_tokentype
  {
    TDSL_EMPTY = -2,
    TDSL_EOF = 0,                  /* "end of file"  */
    TDSL_error = 256,              /* error  */
    TDSL_UNDEF = 257,              /* "invalid token"  */
    IDENT = 258,                   /* "identifier"  */
    INT = 259,                     /* "integer"  */
    FLOAT = 260,                   /* "float"  */
    KW_TRUE = 261,                 /* "true"  */
    KW_FALSE = 262,                /* "false"  */
    NEWLINE = 263,                 /* "newline"  */
    KW_FN = 264,                   /* "fn"  */
    KW_SCHEDULE = 265,             /* "schedule"  */
    KW_OVER = 266,                 /* "over"  */
    KW_IN = 267,                   /* "in"  */
    ARROW = 268,                   /* "->"  */
    DOTDOT = 269,                  /* ".."  */
    LE = 270,                      /* "<="  */
    GE = 271,                      /* ">="  */
    EQ = 272,                      /* "=="  */
    NE = 273,                      /* "!="  */
    AND = 274,                     /* "&&"  */
    OR = 275,                      /* "||"  */
    UNARY = 276                    /* UNARY  */
  };
  typedef enum tdsl_tokentype tdsl_token_kind_t;
#endif

/* Value type.  */
#if ! defined TDSL_STYPE && ! defined TDSL_STYPE_IS_DECLARED
union TDSL_STYPE
{
#line 22 "parser/grammar.y"

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

#line 114 "build-dbg/parser/grammar.h"

};
typedef union TDSL_STYPE TDSL_STYPE;
# define TDSL_STYPE_IS_TRIVIAL 1
# define TDSL_STYPE_IS_DECLARED 1
#endif

/* Location type.  */
#if ! defined TDSL_LTYPE && ! defined TDSL_LTYPE_IS_DECLARED
typedef struct TDSL_LTYPE TDSL_LTYPE;
struct TDSL_LTYPE
{
  int first_line;
  int first_column;
  int last_line;
  int last_column;
};
# define TDSL_LTYPE_IS_DECLARED 1
# define TDSL_LTYPE_IS_TRIVIAL 1
#endif




int tdsl_parse (ParseCtx *ctx);

/* "%code provides" blocks.  */
#line 36 "parser/grammar.y"

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
    PtrVec fns, scheds;
    int line, col;          /* scanner position: next char is at line, col + 1 */
    int prev;               /* last token handed to the parser */
    int depth;              /* ( [ nesting: newlines inside are ignored */
    YYLTYPE last;           /* location of the last non-newline token */
    bool has_pending, at_eof;
    ParseTok pending;       /* the filter's one token of lookahead */
    bool in_item, body_open;    /* between fn/schedule and its closing '}' */
    bool recovering;        /* a syntax error was reported, no separator since */
    bool synth;             /* the last token is a '}' the filter inserted */
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
SchedPrim *parse_prim(ParseCtx *c, const char *prim, PtrVec args, const YYLTYPE *first,
                      const YYLTYPE *last);
void parse_chain_add(ParseCtx *c, PtrVec *chain, const char *stage, const YYLTYPE *stage_loc,
                     SchedPrim *p);
Schedule *parse_schedule(ParseCtx *c, const char *fn, PtrVec prims, const YYLTYPE *loc);

#line 200 "build-dbg/parser/grammar.h"

#endif /* !YY_TDSL_BUILD_DBG_PARSER_GRAMMAR_H_INCLUDED  */
