/* A Bison parser, made by GNU Bison 3.8.2.  */

/* Bison implementation for Yacc-like parsers in C

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

/* C LALR(1) parser skeleton written by Richard Stallman, by
   simplifying the original so-called "semantic" parser.  */

/* DO NOT RELY ON FEATURES THAT ARE NOT DOCUMENTED in the manual,
   especially those whose name start with YY_ or yy_.  They are
   private implementation details that can be changed or removed.  */

/* All symbols defined below should begin with yy or YY, to avoid
   infringing on user name space.  This should be done even for local
   variables, as they might otherwise be expanded by user macros.
   There are some unavoidable exceptions within include files to
   define necessary library symbols; they are noted "INFRINGES ON
   USER NAME SPACE" below.  */

/* Identify Bison output, and Bison version.  */
#define YYBISON 30802

/* Bison version string.  */
#define YYBISON_VERSION "3.8.2"

/* Skeleton name.  */
#define YYSKELETON_NAME "yacc.c"

/* Pure parsers.  */
#define YYPURE 2

/* Push parsers.  */
#define YYPUSH 0

/* Pull parsers.  */
#define YYPULL 1

/* Substitute the type names.  */
#define YYSTYPE         TDSL_STYPE
#define YYLTYPE         TDSL_LTYPE
/* Substitute the variable and function names.  */
#define yyparse         tdsl_parse
#define yylex           tdsl_lex
#define yyerror         tdsl_error
#define yydebug         tdsl_debug
#define yynerrs         tdsl_nerrs


# ifndef YY_CAST
#  ifdef __cplusplus
#   define YY_CAST(Type, Val) static_cast<Type> (Val)
#   define YY_REINTERPRET_CAST(Type, Val) reinterpret_cast<Type> (Val)
#  else
#   define YY_CAST(Type, Val) ((Type) (Val))
#   define YY_REINTERPRET_CAST(Type, Val) ((Type) (Val))
#  endif
# endif
# ifndef YY_NULLPTR
#  if defined __cplusplus
#   if 201103L <= __cplusplus
#    define YY_NULLPTR nullptr
#   else
#    define YY_NULLPTR 0
#   endif
#  else
#   define YY_NULLPTR ((void*)0)
#  endif
# endif

#include "grammar.h"
/* Symbol kind.  */
enum yysymbol_kind_t
{
  YYSYMBOL_YYEMPTY = -2,
  YYSYMBOL_YYEOF = 0,                      /* "end of file"  */
  YYSYMBOL_YYerror = 1,                    /* error  */
  YYSYMBOL_YYUNDEF = 2,                    /* "invalid token"  */
  YYSYMBOL_IDENT = 3,                      /* "identifier"  */
  YYSYMBOL_INT = 4,                        /* "integer"  */
  YYSYMBOL_FLOAT = 5,                      /* "float"  */
  YYSYMBOL_KW_TRUE = 6,                    /* "true"  */
  YYSYMBOL_KW_FALSE = 7,                   /* "false"  */
  YYSYMBOL_8_ = 8,                         /* '('  */
  YYSYMBOL_9_ = 9,                         /* '-'  */
  YYSYMBOL_10_ = 10,                       /* '!'  */
  YYSYMBOL_11_ = 11,                       /* '['  */
  YYSYMBOL_12_ = 12,                       /* ']'  */
  YYSYMBOL_13_ = 13,                       /* ')'  */
  YYSYMBOL_14_ = 14,                       /* ','  */
  YYSYMBOL_15_ = 15,                       /* '='  */
  YYSYMBOL_16_ = 16,                       /* ':'  */
  YYSYMBOL_17_ = 17,                       /* '.'  */
  YYSYMBOL_18_ = 18,                       /* '{'  */
  YYSYMBOL_19_ = 19,                       /* '}'  */
  YYSYMBOL_20_ = 20,                       /* ';'  */
  YYSYMBOL_NEWLINE = 21,                   /* "newline"  */
  YYSYMBOL_KW_FN = 22,                     /* "fn"  */
  YYSYMBOL_KW_SCHEDULE = 23,               /* "schedule"  */
  YYSYMBOL_KW_OVER = 24,                   /* "over"  */
  YYSYMBOL_KW_IN = 25,                     /* "in"  */
  YYSYMBOL_ARROW = 26,                     /* "->"  */
  YYSYMBOL_DOTDOT = 27,                    /* ".."  */
  YYSYMBOL_LE = 28,                        /* "<="  */
  YYSYMBOL_GE = 29,                        /* ">="  */
  YYSYMBOL_EQ = 30,                        /* "=="  */
  YYSYMBOL_NE = 31,                        /* "!="  */
  YYSYMBOL_AND = 32,                       /* "&&"  */
  YYSYMBOL_OR = 33,                        /* "||"  */
  YYSYMBOL_34_ = 34,                       /* '<'  */
  YYSYMBOL_35_ = 35,                       /* '>'  */
  YYSYMBOL_36_ = 36,                       /* '+'  */
  YYSYMBOL_37_ = 37,                       /* '*'  */
  YYSYMBOL_38_ = 38,                       /* '/'  */
  YYSYMBOL_39_ = 39,                       /* '%'  */
  YYSYMBOL_UNARY = 40,                     /* UNARY  */
  YYSYMBOL_YYACCEPT = 41,                  /* $accept  */
  YYSYMBOL_program = 42,                   /* program  */
  YYSYMBOL_sep = 43,                       /* sep  */
  YYSYMBOL_fn_def = 44,                    /* fn_def  */
  YYSYMBOL_params_opt = 45,                /* params_opt  */
  YYSYMBOL_params = 46,                    /* params  */
  YYSYMBOL_results = 47,                   /* results  */
  YYSYMBOL_result_list = 48,               /* result_list  */
  YYSYMBOL_tensor = 49,                    /* tensor  */
  YYSYMBOL_body = 50,                      /* body  */
  YYSYMBOL_body_items = 51,                /* body_items  */
  YYSYMBOL_item_opt = 52,                  /* item_opt  */
  YYSYMBOL_stmt = 53,                      /* stmt  */
  YYSYMBOL_names = 54,                     /* names  */
  YYSYMBOL_expr = 55,                      /* expr  */
  YYSYMBOL_primary = 56,                   /* primary  */
  YYSYMBOL_args_opt = 57,                  /* args_opt  */
  YYSYMBOL_expr_list = 58,                 /* expr_list  */
  YYSYMBOL_rvars = 59,                     /* rvars  */
  YYSYMBOL_rvar = 60,                      /* rvar  */
  YYSYMBOL_sched_def = 61,                 /* sched_def  */
  YYSYMBOL_sched_body = 62,                /* sched_body  */
  YYSYMBOL_sched_items = 63,               /* sched_items  */
  YYSYMBOL_chain_opt = 64,                 /* chain_opt  */
  YYSYMBOL_chain = 65,                     /* chain  */
  YYSYMBOL_sargs_opt = 66,                 /* sargs_opt  */
  YYSYMBOL_sargs = 67,                     /* sargs  */
  YYSYMBOL_sarg = 68                       /* sarg  */
};
typedef enum yysymbol_kind_t yysymbol_kind_t;



/* Unqualified %code blocks.  */
#line 17 "parser/grammar.y"

#include <stdio.h>
#include <string.h>

#line 184 "build-dbg/parser/grammar.c"

#ifdef short
# undef short
#endif

/* On compilers that do not define __PTRDIFF_MAX__ etc., make sure
   <limits.h> and (if available) <stdint.h> are included
   so that the code can choose integer types of a good width.  */

#ifndef __PTRDIFF_MAX__
# include <limits.h> /* INFRINGES ON USER NAME SPACE */
# if defined __STDC_VERSION__ && 199901 <= __STDC_VERSION__
#  include <stdint.h> /* INFRINGES ON USER NAME SPACE */
#  define YY_STDINT_H
# endif
#endif

/* Narrow types that promote to a signed type and that can represent a
   signed or unsigned integer of at least N bits.  In tables they can
   save space and decrease cache pressure.  Promoting to a signed type
   helps avoid bugs in integer arithmetic.  */

#ifdef __INT_LEAST8_MAX__
typedef __INT_LEAST8_TYPE__ yytype_int8;
#elif defined YY_STDINT_H
typedef int_least8_t yytype_int8;
#else
typedef signed char yytype_int8;
#endif

#ifdef __INT_LEAST16_MAX__
typedef __INT_LEAST16_TYPE__ yytype_int16;
#elif defined YY_STDINT_H
typedef int_least16_t yytype_int16;
#else
typedef short yytype_int16;
#endif

/* Work around bug in HP-UX 11.23, which defines these macros
   incorrectly for preprocessor constants.  This workaround can likely
   be removed in 2023, as HPE has promised support for HP-UX 11.23
   (aka HP-UX 11i v2) only through the end of 2022; see Table 2 of
   <https://h20195.www2.hpe.com/V2/getpdf.aspx/4AA4-7673ENW.pdf>.  */
#ifdef __hpux
# undef UINT_LEAST8_MAX
# undef UINT_LEAST16_MAX
# define UINT_LEAST8_MAX 255
# define UINT_LEAST16_MAX 65535
#endif

#if defined __UINT_LEAST8_MAX__ && __UINT_LEAST8_MAX__ <= __INT_MAX__
typedef __UINT_LEAST8_TYPE__ yytype_uint8;
#elif (!defined __UINT_LEAST8_MAX__ && defined YY_STDINT_H \
       && UINT_LEAST8_MAX <= INT_MAX)
typedef uint_least8_t yytype_uint8;
#elif !defined __UINT_LEAST8_MAX__ && UCHAR_MAX <= INT_MAX
typedef unsigned char yytype_uint8;
#else
typedef short yytype_uint8;
#endif

#if defined __UINT_LEAST16_MAX__ && __UINT_LEAST16_MAX__ <= __INT_MAX__
typedef __UINT_LEAST16_TYPE__ yytype_uint16;
#elif (!defined __UINT_LEAST16_MAX__ && defined YY_STDINT_H \
       && UINT_LEAST16_MAX <= INT_MAX)
typedef uint_least16_t yytype_uint16;
#elif !defined __UINT_LEAST16_MAX__ && USHRT_MAX <= INT_MAX
typedef unsigned short yytype_uint16;
#else
typedef int yytype_uint16;
#endif

#ifndef YYPTRDIFF_T
# if defined __PTRDIFF_TYPE__ && defined __PTRDIFF_MAX__
#  define YYPTRDIFF_T __PTRDIFF_TYPE__
#  define YYPTRDIFF_MAXIMUM __PTRDIFF_MAX__
# elif defined PTRDIFF_MAX
#  ifndef ptrdiff_t
#   include <stddef.h> /* INFRINGES ON USER NAME SPACE */
#  endif
#  define YYPTRDIFF_T ptrdiff_t
#  define YYPTRDIFF_MAXIMUM PTRDIFF_MAX
# else
#  define YYPTRDIFF_T long
#  define YYPTRDIFF_MAXIMUM LONG_MAX
# endif
#endif

#ifndef YYSIZE_T
# ifdef __SIZE_TYPE__
#  define YYSIZE_T __SIZE_TYPE__
# elif defined size_t
#  define YYSIZE_T size_t
# elif defined __STDC_VERSION__ && 199901 <= __STDC_VERSION__
#  include <stddef.h> /* INFRINGES ON USER NAME SPACE */
#  define YYSIZE_T size_t
# else
#  define YYSIZE_T unsigned
# endif
#endif

#define YYSIZE_MAXIMUM                                  \
  YY_CAST (YYPTRDIFF_T,                                 \
           (YYPTRDIFF_MAXIMUM < YY_CAST (YYSIZE_T, -1)  \
            ? YYPTRDIFF_MAXIMUM                         \
            : YY_CAST (YYSIZE_T, -1)))

#define YYSIZEOF(X) YY_CAST (YYPTRDIFF_T, sizeof (X))


/* Stored state numbers (used for stacks). */
typedef yytype_uint8 yy_state_t;

/* State numbers in computations.  */
typedef int yy_state_fast_t;

#ifndef YY_
# if defined YYENABLE_NLS && YYENABLE_NLS
#  if ENABLE_NLS
#   include <libintl.h> /* INFRINGES ON USER NAME SPACE */
#   define YY_(Msgid) dgettext ("bison-runtime", Msgid)
#  endif
# endif
# ifndef YY_
#  define YY_(Msgid) Msgid
# endif
#endif


#ifndef YY_ATTRIBUTE_PURE
# if defined __GNUC__ && 2 < __GNUC__ + (96 <= __GNUC_MINOR__)
#  define YY_ATTRIBUTE_PURE __attribute__ ((__pure__))
# else
#  define YY_ATTRIBUTE_PURE
# endif
#endif

#ifndef YY_ATTRIBUTE_UNUSED
# if defined __GNUC__ && 2 < __GNUC__ + (7 <= __GNUC_MINOR__)
#  define YY_ATTRIBUTE_UNUSED __attribute__ ((__unused__))
# else
#  define YY_ATTRIBUTE_UNUSED
# endif
#endif

/* Suppress unused-variable warnings by "using" E.  */
#if ! defined lint || defined __GNUC__
# define YY_USE(E) ((void) (E))
#else
# define YY_USE(E) /* empty */
#endif

/* Suppress an incorrect diagnostic about yylval being uninitialized.  */
#if defined __GNUC__ && ! defined __ICC && 406 <= __GNUC__ * 100 + __GNUC_MINOR__
# if __GNUC__ * 100 + __GNUC_MINOR__ < 407
#  define YY_IGNORE_MAYBE_UNINITIALIZED_BEGIN                           \
    _Pragma ("GCC diagnostic push")                                     \
    _Pragma ("GCC diagnostic ignored \"-Wuninitialized\"")
# else
#  define YY_IGNORE_MAYBE_UNINITIALIZED_BEGIN                           \
    _Pragma ("GCC diagnostic push")                                     \
    _Pragma ("GCC diagnostic ignored \"-Wuninitialized\"")              \
    _Pragma ("GCC diagnostic ignored \"-Wmaybe-uninitialized\"")
# endif
# define YY_IGNORE_MAYBE_UNINITIALIZED_END      \
    _Pragma ("GCC diagnostic pop")
#else
# define YY_INITIAL_VALUE(Value) Value
#endif
#ifndef YY_IGNORE_MAYBE_UNINITIALIZED_BEGIN
# define YY_IGNORE_MAYBE_UNINITIALIZED_BEGIN
# define YY_IGNORE_MAYBE_UNINITIALIZED_END
#endif
#ifndef YY_INITIAL_VALUE
# define YY_INITIAL_VALUE(Value) /* Nothing. */
#endif

#if defined __cplusplus && defined __GNUC__ && ! defined __ICC && 6 <= __GNUC__
# define YY_IGNORE_USELESS_CAST_BEGIN                          \
    _Pragma ("GCC diagnostic push")                            \
    _Pragma ("GCC diagnostic ignored \"-Wuseless-cast\"")
# define YY_IGNORE_USELESS_CAST_END            \
    _Pragma ("GCC diagnostic pop")
#endif
#ifndef YY_IGNORE_USELESS_CAST_BEGIN
# define YY_IGNORE_USELESS_CAST_BEGIN
# define YY_IGNORE_USELESS_CAST_END
#endif


#define YY_ASSERT(E) ((void) (0 && (E)))

#if 1

/* The parser invokes alloca or malloc; define the necessary symbols.  */

# ifdef YYSTACK_ALLOC
   /* Pacify GCC's 'empty if-body' warning.  */
#  define YYSTACK_FREE(Ptr) do { /* empty */; } while (0)
#  ifndef YYSTACK_ALLOC_MAXIMUM
    /* The OS might guarantee only one guard page at the bottom of the stack,
       and a page size can be as small as 4096 bytes.  So we cannot safely
       invoke alloca (N) if N exceeds 4096.  Use a slightly smaller number
       to allow for a few compiler-allocated temporary stack slots.  */
#   define YYSTACK_ALLOC_MAXIMUM 4032 /* reasonable circa 2006 */
#  endif
# else
#  define YYSTACK_ALLOC YYMALLOC
#  define YYSTACK_FREE YYFREE
#  ifndef YYSTACK_ALLOC_MAXIMUM
#   define YYSTACK_ALLOC_MAXIMUM YYSIZE_MAXIMUM
#  endif
#  if (defined __cplusplus && ! defined EXIT_SUCCESS \
       && ! ((defined YYMALLOC || defined malloc) \
             && (defined YYFREE || defined free)))
#   include <stdlib.h> /* INFRINGES ON USER NAME SPACE */
#   ifndef EXIT_SUCCESS
#    define EXIT_SUCCESS 0
#   endif
#  endif
#  ifndef YYMALLOC
#   define YYMALLOC malloc
#   if ! defined malloc && ! defined EXIT_SUCCESS
void *malloc (YYSIZE_T); /* INFRINGES ON USER NAME SPACE */
#   endif
#  endif
#  ifndef YYFREE
#   define YYFREE free
#   if ! defined free && ! defined EXIT_SUCCESS
void free (void *); /* INFRINGES ON USER NAME SPACE */
#   endif
#  endif
# endif
# define YYCOPY_NEEDED 1
#endif /* 1 */

#if (! defined yyoverflow \
     && (! defined __cplusplus \
         || (defined TDSL_LTYPE_IS_TRIVIAL && TDSL_LTYPE_IS_TRIVIAL \
             && defined TDSL_STYPE_IS_TRIVIAL && TDSL_STYPE_IS_TRIVIAL)))

/* A type that is properly aligned for any stack member.  */
union yyalloc
{
  yy_state_t yyss_alloc;
  YYSTYPE yyvs_alloc;
  YYLTYPE yyls_alloc;
};

/* The size of the maximum gap between one aligned stack and the next.  */
# define YYSTACK_GAP_MAXIMUM (YYSIZEOF (union yyalloc) - 1)

/* The size of an array large to enough to hold all stacks, each with
   N elements.  */
# define YYSTACK_BYTES(N) \
     ((N) * (YYSIZEOF (yy_state_t) + YYSIZEOF (YYSTYPE) \
             + YYSIZEOF (YYLTYPE)) \
      + 2 * YYSTACK_GAP_MAXIMUM)

# define YYCOPY_NEEDED 1

/* Relocate STACK from its old location to the new one.  The
   local variables YYSIZE and YYSTACKSIZE give the old and new number of
   elements in the stack, and YYPTR gives the new location of the
   stack.  Advance YYPTR to a properly aligned location for the next
   stack.  */
# define YYSTACK_RELOCATE(Stack_alloc, Stack)                           \
    do                                                                  \
      {                                                                 \
        YYPTRDIFF_T yynewbytes;                                         \
        YYCOPY (&yyptr->Stack_alloc, Stack, yysize);                    \
        Stack = &yyptr->Stack_alloc;                                    \
        yynewbytes = yystacksize * YYSIZEOF (*Stack) + YYSTACK_GAP_MAXIMUM; \
        yyptr += yynewbytes / YYSIZEOF (*yyptr);                        \
      }                                                                 \
    while (0)

#endif

#if defined YYCOPY_NEEDED && YYCOPY_NEEDED
/* Copy COUNT objects from SRC to DST.  The source and destination do
   not overlap.  */
# ifndef YYCOPY
#  if defined __GNUC__ && 1 < __GNUC__
#   define YYCOPY(Dst, Src, Count) \
      __builtin_memcpy (Dst, Src, YY_CAST (YYSIZE_T, (Count)) * sizeof (*(Src)))
#  else
#   define YYCOPY(Dst, Src, Count)              \
      do                                        \
        {                                       \
          YYPTRDIFF_T yyi;                      \
          for (yyi = 0; yyi < (Count); yyi++)   \
            (Dst)[yyi] = (Src)[yyi];            \
        }                                       \
      while (0)
#  endif
# endif
#endif /* !YYCOPY_NEEDED */

/* YYFINAL -- State number of the termination state.  */
#define YYFINAL  2
/* YYLAST -- Last index in YYTABLE.  */
#define YYLAST   233

/* YYNTOKENS -- Number of terminals.  */
#define YYNTOKENS  41
/* YYNNTS -- Number of nonterminals.  */
#define YYNNTS  28
/* YYNRULES -- Number of rules.  */
#define YYNRULES  85
/* YYNSTATES -- Number of states.  */
#define YYNSTATES  158

/* YYMAXUTOK -- Last valid token kind.  */
#define YYMAXUTOK   276


/* YYTRANSLATE(TOKEN-NUM) -- Symbol number corresponding to TOKEN-NUM
   as returned by yylex, with out-of-bounds checking.  */
#define YYTRANSLATE(YYX)                                \
  (0 <= (YYX) && (YYX) <= YYMAXUTOK                     \
   ? YY_CAST (yysymbol_kind_t, yytranslate[YYX])        \
   : YYSYMBOL_YYUNDEF)

/* YYTRANSLATE[TOKEN-NUM] -- Symbol number corresponding to TOKEN-NUM
   as returned by yylex.  */
static const yytype_int8 yytranslate[] =
{
       0,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,    10,     2,     2,     2,    39,     2,     2,
       8,    13,    37,    36,    14,     9,    17,    38,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,    16,    20,
      34,    15,    35,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,    11,     2,    12,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,    18,     2,    19,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     1,     2,     3,     4,
       5,     6,     7,    21,    22,    23,    24,    25,    26,    27,
      28,    29,    30,    31,    32,    33,    40
};

#if TDSL_DEBUG
/* YYRLINE[YYN] -- Source line where rule number YYN was defined.  */
static const yytype_int16 yyrline[] =
{
       0,   125,   125,   126,   127,   128,   129,   130,   133,   133,
     138,   140,   143,   143,   145,   146,   150,   151,   154,   155,
     160,   161,   167,   169,   173,   174,   176,   178,   178,   181,
     182,   184,   185,   190,   191,   197,   198,   199,   200,   201,
     202,   203,   204,   205,   206,   207,   208,   209,   210,   211,
     212,   216,   217,   218,   219,   220,   221,   223,   225,   227,
     230,   230,   232,   233,   237,   238,   241,   242,   249,   250,
     254,   257,   261,   262,   264,   266,   266,   269,   271,   275,
     275,   277,   278,   281,   282,   283
};
#endif

/** Accessing symbol of state STATE.  */
#define YY_ACCESSING_SYMBOL(State) YY_CAST (yysymbol_kind_t, yystos[State])

#if 1
/* The user-facing name of the symbol whose (internal) number is
   YYSYMBOL.  No bounds checking.  */
static const char *yysymbol_name (yysymbol_kind_t yysymbol) YY_ATTRIBUTE_UNUSED;

static const char *
yysymbol_name (yysymbol_kind_t yysymbol)
{
  static const char *const yy_sname[] =
  {
  "end of file", "error", "invalid token", "identifier", "integer",
  "float", "true", "false", "'('", "'-'", "'!'", "'['", "']'", "')'",
  "','", "'='", "':'", "'.'", "'{'", "'}'", "';'", "newline", "fn",
  "schedule", "over", "in", "->", "..", "<=", ">=", "==", "!=", "&&", "||",
  "'<'", "'>'", "'+'", "'*'", "'/'", "'%'", "UNARY", "$accept", "program",
  "sep", "fn_def", "params_opt", "params", "results", "result_list",
  "tensor", "body", "body_items", "item_opt", "stmt", "names", "expr",
  "primary", "args_opt", "expr_list", "rvars", "rvar", "sched_def",
  "sched_body", "sched_items", "chain_opt", "chain", "sargs_opt", "sargs",
  "sarg", YY_NULLPTR
  };
  return yy_sname[yysymbol];
}
#endif

#define YYPACT_NINF (-66)

#define yypact_value_is_default(Yyn) \
  ((Yyn) == YYPACT_NINF)

#define YYTABLE_NINF (-76)

#define yytable_value_is_error(Yyn) \
  ((Yyn) == YYTABLE_NINF)

/* YYPACT[STATE-NUM] -- Index in YYTABLE of the portion describing
   STATE-NUM.  */
static const yytype_int16 yypact[] =
{
     -66,   178,   -66,    30,   -66,   -66,   201,   202,   -66,   -66,
     -66,   -66,   -66,     0,    20,    40,    93,   -66,   115,   -66,
     -66,   -66,   139,   157,   166,   -66,    44,   168,   159,   115,
      82,   169,    86,   179,   186,     2,   -66,   -66,   -66,   208,
     -66,   -66,   210,    89,   115,   196,   -66,   207,   209,    35,
     -66,   -66,   -66,   -66,    89,    89,    89,    51,   -66,   194,
      -6,   -66,   -66,   -66,    17,    17,    89,    89,    39,   -66,
     -66,    89,    89,    89,    89,    89,    89,    89,    89,    89,
      89,    89,    89,    89,   -66,    89,   -66,   115,     3,   -66,
     -66,   212,   205,   206,   -66,   211,    91,   213,   214,   195,
     -66,    71,   138,   138,   138,   138,   153,   122,   138,   138,
      71,   -66,   -66,   -66,    51,   -66,   144,     1,   216,   -66,
     174,   -66,   -66,   -66,    17,   -66,   218,   -66,   -66,   -66,
     -66,    89,    89,   -66,   119,   -66,   -66,   -66,   197,   135,
     -66,   198,    51,   215,   220,    89,   -66,   218,   217,    50,
     -66,   107,   -66,    89,   -66,    89,    51,    51
};

/* YYDEFACT[STATE-NUM] -- Default reduction number in state STATE-NUM.
   Performed when YYTABLE does not specify something else to do.  Zero
   means the default is an error.  */
static const yytype_int8 yydefact[] =
{
       2,     0,     1,     0,     9,     8,     0,     0,     5,     3,
       4,     7,     6,     0,     0,     0,     0,    11,    12,    69,
      72,    68,     0,     0,    13,    14,     0,     0,     0,     0,
       0,     0,     0,    76,    20,     0,    15,    71,    74,     0,
      70,    73,     0,     0,     0,     0,    16,     0,     0,    55,
      51,    52,    53,    54,     0,     0,     0,    62,    50,     0,
       0,    18,    24,    10,    79,    79,    60,     0,     0,    48,
      49,     0,     0,     0,     0,     0,     0,     0,     0,     0,
       0,     0,     0,     0,    21,     0,    17,     0,     0,    83,
      84,     0,     0,    80,    81,     0,    62,     0,    61,     0,
      59,    44,    38,    40,    41,    42,    36,    35,    37,    39,
      43,    45,    46,    47,    63,    19,     0,     0,     0,    29,
       0,    28,    85,    77,     0,    78,     0,    57,    56,    23,
      26,     0,     0,    33,     0,    22,    25,    82,    66,     0,
      64,     0,    31,     0,     0,     0,    58,     0,     0,     0,
      34,     0,    65,     0,    32,     0,    30,    67
};

/* YYPGOTO[NTERM-NUM].  */
static const yytype_int16 yypgoto[] =
{
     -66,   -66,    -3,   -66,   -66,   -66,   -66,   -66,   -26,   -66,
     -66,   -66,   -66,   -66,   -41,    76,   -66,   -65,   -66,    80,
     -66,   -66,   -66,   -66,   -66,   164,   -66,   109
};

/* YYDEFGOTO[NTERM-NUM].  */
static const yytype_uint8 yydefgoto[] =
{
       0,     1,     8,     9,    23,    24,    45,    60,    25,    63,
      88,   120,   121,   134,    57,    58,    97,    59,   139,   140,
      10,    21,    26,    32,    33,    92,    93,    94
};

/* YYTABLE[YYPACT[STATE-NUM]] -- What to do in state STATE-NUM.  If
   positive, shift that token.  If negative, reduce the rule whose
   number is the opposite.  If YYTABLE_NINF, syntax error.  */
static const yytype_int16 yytable[] =
{
      12,    98,    99,    36,   116,    22,   117,    86,    87,    46,
      44,   118,   131,    68,    69,    70,   132,    27,    61,    17,
      89,    90,   -27,   -27,   -27,    96,    91,    38,    18,    41,
     101,   102,   103,   104,   105,   106,   107,   108,   109,   110,
     111,   112,   113,    66,   114,    30,    67,    31,    71,    11,
       4,     5,   100,    49,    50,    51,    52,    53,    54,    19,
      71,   115,   119,   -75,   -75,   -75,   141,    72,    73,    74,
      75,    76,    77,    78,    79,    80,    81,    82,    83,    72,
      73,    74,    75,    76,    77,    78,    79,    80,    81,    82,
      83,   142,    49,    50,    51,    52,    53,    54,    55,    56,
      71,    37,     4,     5,   151,    40,     4,     5,    81,    82,
      83,    20,   156,   130,   157,   126,    71,   136,    22,    72,
      73,    74,    75,    76,    77,    78,    79,    80,    81,    82,
      83,    71,   143,   144,   155,    72,    73,    74,    75,    76,
      77,    78,    79,    80,    81,    82,    83,    71,   146,   147,
      72,    73,    74,    75,    76,    27,    78,    79,    80,    81,
      82,    83,    71,   129,     4,     5,   -76,   -76,   -76,   -76,
      28,    34,   -76,   -76,    80,    81,    82,    83,     2,     3,
      29,    72,    73,    74,    75,    35,    39,    78,    79,    80,
      81,    82,    83,   135,     4,     5,    42,    43,     4,     5,
       6,     7,    13,    15,    14,    16,    84,   128,    85,    85,
     148,    47,    85,    48,    62,    64,   122,    65,   123,   133,
     124,   138,   145,   150,   125,   154,   127,   152,    85,    95,
     149,     0,   153,   137
};

static const yytype_int16 yycheck[] =
{
       3,    66,    67,    29,     1,     3,     3,    13,    14,    35,
       8,     8,    11,    54,    55,    56,    15,    16,    44,    19,
       3,     4,    19,    20,    21,    66,     9,    30,     8,    32,
      71,    72,    73,    74,    75,    76,    77,    78,    79,    80,
      81,    82,    83,     8,    85,     1,    11,     3,     9,    19,
      20,    21,    13,     3,     4,     5,     6,     7,     8,    19,
       9,    87,    88,    19,    20,    21,   131,    28,    29,    30,
      31,    32,    33,    34,    35,    36,    37,    38,    39,    28,
      29,    30,    31,    32,    33,    34,    35,    36,    37,    38,
      39,   132,     3,     4,     5,     6,     7,     8,     9,    10,
       9,    19,    20,    21,   145,    19,    20,    21,    37,    38,
      39,    18,   153,   116,   155,    24,     9,   120,     3,    28,
      29,    30,    31,    32,    33,    34,    35,    36,    37,    38,
      39,     9,    13,    14,    27,    28,    29,    30,    31,    32,
      33,    34,    35,    36,    37,    38,    39,     9,    13,    14,
      28,    29,    30,    31,    32,    16,    34,    35,    36,    37,
      38,    39,     9,    19,    20,    21,    28,    29,    30,    31,
      13,     3,    34,    35,    36,    37,    38,    39,     0,     1,
      14,    28,    29,    30,    31,    26,    17,    34,    35,    36,
      37,    38,    39,    19,    20,    21,    17,    11,    20,    21,
      22,    23,     1,     1,     3,     3,    12,    12,    14,    14,
      12,     3,    14,     3,    18,     8,     4,     8,    13,     3,
      14,     3,    25,     3,    13,   149,    13,   147,    14,    65,
      15,    -1,    15,   124
};

/* YYSTOS[STATE-NUM] -- The symbol kind of the accessing symbol of
   state STATE-NUM.  */
static const yytype_int8 yystos[] =
{
       0,    42,     0,     1,    20,    21,    22,    23,    43,    44,
      61,    19,    43,     1,     3,     1,     3,    19,     8,    19,
      18,    62,     3,    45,    46,    49,    63,    16,    13,    14,
       1,     3,    64,    65,     3,    26,    49,    19,    43,    17,
      19,    43,    17,    11,     8,    47,    49,     3,     3,     3,
       4,     5,     6,     7,     8,     9,    10,    55,    56,    58,
      48,    49,    18,    50,     8,     8,     8,    11,    55,    55,
      55,     9,    28,    29,    30,    31,    32,    33,    34,    35,
      36,    37,    38,    39,    12,    14,    13,    14,    51,     3,
       4,     9,    66,    67,    68,    66,    55,    57,    58,    58,
      13,    55,    55,    55,    55,    55,    55,    55,    55,    55,
      55,    55,    55,    55,    55,    49,     1,     3,     8,    49,
      52,    53,     4,    13,    14,    13,    24,    13,    12,    19,
      43,    11,    15,     3,    54,    19,    43,    68,     3,    59,
      60,    58,    55,    13,    14,    25,    13,    14,    12,    15,
       3,    55,    60,    15,    56,    27,    55,    55
};

/* YYR1[RULE-NUM] -- Symbol kind of the left-hand side of rule RULE-NUM.  */
static const yytype_int8 yyr1[] =
{
       0,    41,    42,    42,    42,    42,    42,    42,    43,    43,
      44,    44,    45,    45,    46,    46,    47,    47,    48,    48,
      49,    49,    50,    50,    51,    51,    51,    52,    52,    53,
      53,    53,    53,    54,    54,    55,    55,    55,    55,    55,
      55,    55,    55,    55,    55,    55,    55,    55,    55,    55,
      55,    56,    56,    56,    56,    56,    56,    56,    56,    56,
      57,    57,    58,    58,    59,    59,    60,    60,    61,    61,
      62,    62,    63,    63,    63,    64,    64,    65,    65,    66,
      66,    67,    67,    68,    68,    68
};

/* YYR2[RULE-NUM] -- Number of symbols on the right-hand side of rule RULE-NUM.  */
static const yytype_int8 yyr2[] =
{
       0,     2,     0,     2,     2,     2,     3,     3,     1,     1,
       8,     3,     0,     1,     1,     3,     1,     3,     1,     3,
       3,     6,     4,     4,     0,     3,     3,     0,     1,     1,
       6,     3,     5,     1,     3,     3,     3,     3,     3,     3,
       3,     3,     3,     3,     3,     3,     3,     3,     2,     2,
       1,     1,     1,     1,     1,     1,     4,     4,     6,     3,
       0,     1,     1,     3,     1,     3,     1,     5,     3,     3,
       4,     4,     0,     3,     3,     0,     1,     6,     6,     0,
       1,     1,     3,     1,     1,     2
};


enum { YYENOMEM = -2 };

#define yyerrok         (yyerrstatus = 0)
#define yyclearin       (yychar = TDSL_EMPTY)

#define YYACCEPT        goto yyacceptlab
#define YYABORT         goto yyabortlab
#define YYERROR         goto yyerrorlab
#define YYNOMEM         goto yyexhaustedlab


#define YYRECOVERING()  (!!yyerrstatus)

#define YYBACKUP(Token, Value)                                    \
  do                                                              \
    if (yychar == TDSL_EMPTY)                                        \
      {                                                           \
        yychar = (Token);                                         \
        yylval = (Value);                                         \
        YYPOPSTACK (yylen);                                       \
        yystate = *yyssp;                                         \
        YY_LAC_DISCARD ("YYBACKUP");                              \
        goto yybackup;                                            \
      }                                                           \
    else                                                          \
      {                                                           \
        yyerror (&yylloc, ctx, YY_("syntax error: cannot back up")); \
        YYERROR;                                                  \
      }                                                           \
  while (0)

/* Backward compatibility with an undocumented macro.
   Use TDSL_error or TDSL_UNDEF. */
#define YYERRCODE TDSL_UNDEF

/* YYLLOC_DEFAULT -- Set CURRENT to span from RHS[1] to RHS[N].
   If N is 0, then set CURRENT to the empty location which ends
   the previous symbol: RHS[0] (always defined).  */

#ifndef YYLLOC_DEFAULT
# define YYLLOC_DEFAULT(Current, Rhs, N)                                \
    do                                                                  \
      if (N)                                                            \
        {                                                               \
          (Current).first_line   = YYRHSLOC (Rhs, 1).first_line;        \
          (Current).first_column = YYRHSLOC (Rhs, 1).first_column;      \
          (Current).last_line    = YYRHSLOC (Rhs, N).last_line;         \
          (Current).last_column  = YYRHSLOC (Rhs, N).last_column;       \
        }                                                               \
      else                                                              \
        {                                                               \
          (Current).first_line   = (Current).last_line   =              \
            YYRHSLOC (Rhs, 0).last_line;                                \
          (Current).first_column = (Current).last_column =              \
            YYRHSLOC (Rhs, 0).last_column;                              \
        }                                                               \
    while (0)
#endif

#define YYRHSLOC(Rhs, K) ((Rhs)[K])


/* Enable debugging if requested.  */
#if TDSL_DEBUG

# ifndef YYFPRINTF
#  include <stdio.h> /* INFRINGES ON USER NAME SPACE */
#  define YYFPRINTF fprintf
# endif

# define YYDPRINTF(Args)                        \
do {                                            \
  if (yydebug)                                  \
    YYFPRINTF Args;                             \
} while (0)


/* YYLOCATION_PRINT -- Print the location on the stream.
   This macro was not mandated originally: define only if we know
   we won't break user code: when these are the locations we know.  */

# ifndef YYLOCATION_PRINT

#  if defined YY_LOCATION_PRINT

   /* Temporary convenience wrapper in case some people defined the
      undocumented and private YY_LOCATION_PRINT macros.  */
#   define YYLOCATION_PRINT(File, Loc)  YY_LOCATION_PRINT(File, *(Loc))

#  elif defined TDSL_LTYPE_IS_TRIVIAL && TDSL_LTYPE_IS_TRIVIAL

/* Print *YYLOCP on YYO.  Private, do not rely on its existence. */

YY_ATTRIBUTE_UNUSED
static int
yy_location_print_ (FILE *yyo, YYLTYPE const * const yylocp)
{
  int res = 0;
  int end_col = 0 != yylocp->last_column ? yylocp->last_column - 1 : 0;
  if (0 <= yylocp->first_line)
    {
      res += YYFPRINTF (yyo, "%d", yylocp->first_line);
      if (0 <= yylocp->first_column)
        res += YYFPRINTF (yyo, ".%d", yylocp->first_column);
    }
  if (0 <= yylocp->last_line)
    {
      if (yylocp->first_line < yylocp->last_line)
        {
          res += YYFPRINTF (yyo, "-%d", yylocp->last_line);
          if (0 <= end_col)
            res += YYFPRINTF (yyo, ".%d", end_col);
        }
      else if (0 <= end_col && yylocp->first_column < end_col)
        res += YYFPRINTF (yyo, "-%d", end_col);
    }
  return res;
}

#   define YYLOCATION_PRINT  yy_location_print_

    /* Temporary convenience wrapper in case some people defined the
       undocumented and private YY_LOCATION_PRINT macros.  */
#   define YY_LOCATION_PRINT(File, Loc)  YYLOCATION_PRINT(File, &(Loc))

#  else

#   define YYLOCATION_PRINT(File, Loc) ((void) 0)
    /* Temporary convenience wrapper in case some people defined the
       undocumented and private YY_LOCATION_PRINT macros.  */
#   define YY_LOCATION_PRINT  YYLOCATION_PRINT

#  endif
# endif /* !defined YYLOCATION_PRINT */


# define YY_SYMBOL_PRINT(Title, Kind, Value, Location)                    \
do {                                                                      \
  if (yydebug)                                                            \
    {                                                                     \
      YYFPRINTF (stderr, "%s ", Title);                                   \
      yy_symbol_print (stderr,                                            \
                  Kind, Value, Location, ctx); \
      YYFPRINTF (stderr, "\n");                                           \
    }                                                                     \
} while (0)


/*-----------------------------------.
| Print this symbol's value on YYO.  |
`-----------------------------------*/

static void
yy_symbol_value_print (FILE *yyo,
                       yysymbol_kind_t yykind, YYSTYPE const * const yyvaluep, YYLTYPE const * const yylocationp, ParseCtx *ctx)
{
  FILE *yyoutput = yyo;
  YY_USE (yyoutput);
  YY_USE (yylocationp);
  YY_USE (ctx);
  if (!yyvaluep)
    return;
  YY_IGNORE_MAYBE_UNINITIALIZED_BEGIN
  YY_USE (yykind);
  YY_IGNORE_MAYBE_UNINITIALIZED_END
}


/*---------------------------.
| Print this symbol on YYO.  |
`---------------------------*/

static void
yy_symbol_print (FILE *yyo,
                 yysymbol_kind_t yykind, YYSTYPE const * const yyvaluep, YYLTYPE const * const yylocationp, ParseCtx *ctx)
{
  YYFPRINTF (yyo, "%s %s (",
             yykind < YYNTOKENS ? "token" : "nterm", yysymbol_name (yykind));

  YYLOCATION_PRINT (yyo, yylocationp);
  YYFPRINTF (yyo, ": ");
  yy_symbol_value_print (yyo, yykind, yyvaluep, yylocationp, ctx);
  YYFPRINTF (yyo, ")");
}

/*------------------------------------------------------------------.
| yy_stack_print -- Print the state stack from its BOTTOM up to its |
| TOP (included).                                                   |
`------------------------------------------------------------------*/

static void
yy_stack_print (yy_state_t *yybottom, yy_state_t *yytop)
{
  YYFPRINTF (stderr, "Stack now");
  for (; yybottom <= yytop; yybottom++)
    {
      int yybot = *yybottom;
      YYFPRINTF (stderr, " %d", yybot);
    }
  YYFPRINTF (stderr, "\n");
}

# define YY_STACK_PRINT(Bottom, Top)                            \
do {                                                            \
  if (yydebug)                                                  \
    yy_stack_print ((Bottom), (Top));                           \
} while (0)


/*------------------------------------------------.
| Report that the YYRULE is going to be reduced.  |
`------------------------------------------------*/

static void
yy_reduce_print (yy_state_t *yyssp, YYSTYPE *yyvsp, YYLTYPE *yylsp,
                 int yyrule, ParseCtx *ctx)
{
  int yylno = yyrline[yyrule];
  int yynrhs = yyr2[yyrule];
  int yyi;
  YYFPRINTF (stderr, "Reducing stack by rule %d (line %d):\n",
             yyrule - 1, yylno);
  /* The symbols being reduced.  */
  for (yyi = 0; yyi < yynrhs; yyi++)
    {
      YYFPRINTF (stderr, "   $%d = ", yyi + 1);
      yy_symbol_print (stderr,
                       YY_ACCESSING_SYMBOL (+yyssp[yyi + 1 - yynrhs]),
                       &yyvsp[(yyi + 1) - (yynrhs)],
                       &(yylsp[(yyi + 1) - (yynrhs)]), ctx);
      YYFPRINTF (stderr, "\n");
    }
}

# define YY_REDUCE_PRINT(Rule)          \
do {                                    \
  if (yydebug)                          \
    yy_reduce_print (yyssp, yyvsp, yylsp, Rule, ctx); \
} while (0)

/* Nonzero means print parse trace.  It is left uninitialized so that
   multiple parsers can coexist.  */
int yydebug;
#else /* !TDSL_DEBUG */
# define YYDPRINTF(Args) ((void) 0)
# define YY_SYMBOL_PRINT(Title, Kind, Value, Location)
# define YY_STACK_PRINT(Bottom, Top)
# define YY_REDUCE_PRINT(Rule)
#endif /* !TDSL_DEBUG */


/* YYINITDEPTH -- initial size of the parser's stacks.  */
#ifndef YYINITDEPTH
# define YYINITDEPTH 200
#endif

/* YYMAXDEPTH -- maximum size the stacks can grow to (effective only
   if the built-in stack extension method is used).

   Do not make this value too large; the results are undefined if
   YYSTACK_ALLOC_MAXIMUM < YYSTACK_BYTES (YYMAXDEPTH)
   evaluated with infinite-precision integer arithmetic.  */

#ifndef YYMAXDEPTH
# define YYMAXDEPTH 10000
#endif


/* Given a state stack such that *YYBOTTOM is its bottom, such that
   *YYTOP is either its top or is YYTOP_EMPTY to indicate an empty
   stack, and such that *YYCAPACITY is the maximum number of elements it
   can hold without a reallocation, make sure there is enough room to
   store YYADD more elements.  If not, allocate a new stack using
   YYSTACK_ALLOC, copy the existing elements, and adjust *YYBOTTOM,
   *YYTOP, and *YYCAPACITY to reflect the new capacity and memory
   location.  If *YYBOTTOM != YYBOTTOM_NO_FREE, then free the old stack
   using YYSTACK_FREE.  Return 0 if successful or if no reallocation is
   required.  Return YYENOMEM if memory is exhausted.  */
static int
yy_lac_stack_realloc (YYPTRDIFF_T *yycapacity, YYPTRDIFF_T yyadd,
#if TDSL_DEBUG
                      char const *yydebug_prefix,
                      char const *yydebug_suffix,
#endif
                      yy_state_t **yybottom,
                      yy_state_t *yybottom_no_free,
                      yy_state_t **yytop, yy_state_t *yytop_empty)
{
  YYPTRDIFF_T yysize_old =
    *yytop == yytop_empty ? 0 : *yytop - *yybottom + 1;
  YYPTRDIFF_T yysize_new = yysize_old + yyadd;
  if (*yycapacity < yysize_new)
    {
      YYPTRDIFF_T yyalloc = 2 * yysize_new;
      yy_state_t *yybottom_new;
      /* Use YYMAXDEPTH for maximum stack size given that the stack
         should never need to grow larger than the main state stack
         needs to grow without LAC.  */
      if (YYMAXDEPTH < yysize_new)
        {
          YYDPRINTF ((stderr, "%smax size exceeded%s", yydebug_prefix,
                      yydebug_suffix));
          return YYENOMEM;
        }
      if (YYMAXDEPTH < yyalloc)
        yyalloc = YYMAXDEPTH;
      yybottom_new =
        YY_CAST (yy_state_t *,
                 YYSTACK_ALLOC (YY_CAST (YYSIZE_T,
                                         yyalloc * YYSIZEOF (*yybottom_new))));
      if (!yybottom_new)
        {
          YYDPRINTF ((stderr, "%srealloc failed%s", yydebug_prefix,
                      yydebug_suffix));
          return YYENOMEM;
        }
      if (*yytop != yytop_empty)
        {
          YYCOPY (yybottom_new, *yybottom, yysize_old);
          *yytop = yybottom_new + (yysize_old - 1);
        }
      if (*yybottom != yybottom_no_free)
        YYSTACK_FREE (*yybottom);
      *yybottom = yybottom_new;
      *yycapacity = yyalloc;
    }
  return 0;
}

/* Establish the initial context for the current lookahead if no initial
   context is currently established.

   We define a context as a snapshot of the parser stacks.  We define
   the initial context for a lookahead as the context in which the
   parser initially examines that lookahead in order to select a
   syntactic action.  Thus, if the lookahead eventually proves
   syntactically unacceptable (possibly in a later context reached via a
   series of reductions), the initial context can be used to determine
   the exact set of tokens that would be syntactically acceptable in the
   lookahead's place.  Moreover, it is the context after which any
   further semantic actions would be erroneous because they would be
   determined by a syntactically unacceptable token.

   YY_LAC_ESTABLISH should be invoked when a reduction is about to be
   performed in an inconsistent state (which, for the purposes of LAC,
   includes consistent states that don't know they're consistent because
   their default reductions have been disabled).  Iff there is a
   lookahead token, it should also be invoked before reporting a syntax
   error.  This latter case is for the sake of the debugging output.

   For parse.lac=full, the implementation of YY_LAC_ESTABLISH is as
   follows.  If no initial context is currently established for the
   current lookahead, then check if that lookahead can eventually be
   shifted if syntactic actions continue from the current context.
   Report a syntax error if it cannot.  */
#define YY_LAC_ESTABLISH                                                \
do {                                                                    \
  if (!yy_lac_established)                                              \
    {                                                                   \
      YYDPRINTF ((stderr,                                               \
                  "LAC: initial context established for %s\n",          \
                  yysymbol_name (yytoken)));                            \
      yy_lac_established = 1;                                           \
      switch (yy_lac (yyesa, &yyes, &yyes_capacity, yyssp, yytoken))    \
        {                                                               \
        case YYENOMEM:                                                  \
          YYNOMEM;                                                      \
        case 1:                                                         \
          goto yyerrlab;                                                \
        }                                                               \
    }                                                                   \
} while (0)

/* Discard any previous initial lookahead context because of Event,
   which may be a lookahead change or an invalidation of the currently
   established initial context for the current lookahead.

   The most common example of a lookahead change is a shift.  An example
   of both cases is syntax error recovery.  That is, a syntax error
   occurs when the lookahead is syntactically erroneous for the
   currently established initial context, so error recovery manipulates
   the parser stacks to try to find a new initial context in which the
   current lookahead is syntactically acceptable.  If it fails to find
   such a context, it discards the lookahead.  */
#if TDSL_DEBUG
# define YY_LAC_DISCARD(Event)                                           \
do {                                                                     \
  if (yy_lac_established)                                                \
    {                                                                    \
      YYDPRINTF ((stderr, "LAC: initial context discarded due to "       \
                  Event "\n"));                                          \
      yy_lac_established = 0;                                            \
    }                                                                    \
} while (0)
#else
# define YY_LAC_DISCARD(Event) yy_lac_established = 0
#endif

/* Given the stack whose top is *YYSSP, return 0 iff YYTOKEN can
   eventually (after perhaps some reductions) be shifted, return 1 if
   not, or return YYENOMEM if memory is exhausted.  As preconditions and
   postconditions: *YYES_CAPACITY is the allocated size of the array to
   which *YYES points, and either *YYES = YYESA or *YYES points to an
   array allocated with YYSTACK_ALLOC.  yy_lac may overwrite the
   contents of either array, alter *YYES and *YYES_CAPACITY, and free
   any old *YYES other than YYESA.  */
static int
yy_lac (yy_state_t *yyesa, yy_state_t **yyes,
        YYPTRDIFF_T *yyes_capacity, yy_state_t *yyssp, yysymbol_kind_t yytoken)
{
  yy_state_t *yyes_prev = yyssp;
  yy_state_t *yyesp = yyes_prev;
  /* Reduce until we encounter a shift and thereby accept the token.  */
  YYDPRINTF ((stderr, "LAC: checking lookahead %s:", yysymbol_name (yytoken)));
  if (yytoken == YYSYMBOL_YYUNDEF)
    {
      YYDPRINTF ((stderr, " Always Err\n"));
      return 1;
    }
  while (1)
    {
      int yyrule = yypact[+*yyesp];
      if (yypact_value_is_default (yyrule)
          || (yyrule += yytoken) < 0 || YYLAST < yyrule
          || yycheck[yyrule] != yytoken)
        {
          /* Use the default action.  */
          yyrule = yydefact[+*yyesp];
          if (yyrule == 0)
            {
              YYDPRINTF ((stderr, " Err\n"));
              return 1;
            }
        }
      else
        {
          /* Use the action from yytable.  */
          yyrule = yytable[yyrule];
          if (yytable_value_is_error (yyrule))
            {
              YYDPRINTF ((stderr, " Err\n"));
              return 1;
            }
          if (0 < yyrule)
            {
              YYDPRINTF ((stderr, " S%d\n", yyrule));
              return 0;
            }
          yyrule = -yyrule;
        }
      /* By now we know we have to simulate a reduce.  */
      YYDPRINTF ((stderr, " R%d", yyrule - 1));
      {
        /* Pop the corresponding number of values from the stack.  */
        YYPTRDIFF_T yylen = yyr2[yyrule];
        /* First pop from the LAC stack as many tokens as possible.  */
        if (yyesp != yyes_prev)
          {
            YYPTRDIFF_T yysize = yyesp - *yyes + 1;
            if (yylen < yysize)
              {
                yyesp -= yylen;
                yylen = 0;
              }
            else
              {
                yyesp = yyes_prev;
                yylen -= yysize;
              }
          }
        /* Only afterwards look at the main stack.  */
        if (yylen)
          yyesp = yyes_prev -= yylen;
      }
      /* Push the resulting state of the reduction.  */
      {
        yy_state_fast_t yystate;
        {
          const int yylhs = yyr1[yyrule] - YYNTOKENS;
          const int yyi = yypgoto[yylhs] + *yyesp;
          yystate = (0 <= yyi && yyi <= YYLAST && yycheck[yyi] == *yyesp
                     ? yytable[yyi]
                     : yydefgoto[yylhs]);
        }
        if (yyesp == yyes_prev)
          {
            yyesp = *yyes;
            YY_IGNORE_USELESS_CAST_BEGIN
            *yyesp = YY_CAST (yy_state_t, yystate);
            YY_IGNORE_USELESS_CAST_END
          }
        else
          {
            if (yy_lac_stack_realloc (yyes_capacity, 1,
#if TDSL_DEBUG
                                      " (", ")",
#endif
                                      yyes, yyesa, &yyesp, yyes_prev))
              {
                YYDPRINTF ((stderr, "\n"));
                return YYENOMEM;
              }
            YY_IGNORE_USELESS_CAST_BEGIN
            *++yyesp = YY_CAST (yy_state_t, yystate);
            YY_IGNORE_USELESS_CAST_END
          }
        YYDPRINTF ((stderr, " G%d", yystate));
      }
    }
}

/* Context of a parse error.  */
typedef struct
{
  yy_state_t *yyssp;
  yy_state_t *yyesa;
  yy_state_t **yyes;
  YYPTRDIFF_T *yyes_capacity;
  yysymbol_kind_t yytoken;
  YYLTYPE *yylloc;
} yypcontext_t;

/* Put in YYARG at most YYARGN of the expected tokens given the
   current YYCTX, and return the number of tokens stored in YYARG.  If
   YYARG is null, return the number of expected tokens (guaranteed to
   be less than YYNTOKENS).  Return YYENOMEM on memory exhaustion.
   Return 0 if there are more than YYARGN expected tokens, yet fill
   YYARG up to YYARGN. */
static int
yypcontext_expected_tokens (const yypcontext_t *yyctx,
                            yysymbol_kind_t yyarg[], int yyargn)
{
  /* Actual size of YYARG. */
  int yycount = 0;

  int yyx;
  for (yyx = 0; yyx < YYNTOKENS; ++yyx)
    {
      yysymbol_kind_t yysym = YY_CAST (yysymbol_kind_t, yyx);
      if (yysym != YYSYMBOL_YYerror && yysym != YYSYMBOL_YYUNDEF)
        switch (yy_lac (yyctx->yyesa, yyctx->yyes, yyctx->yyes_capacity, yyctx->yyssp, yysym))
          {
          case YYENOMEM:
            return YYENOMEM;
          case 1:
            continue;
          default:
            if (!yyarg)
              ++yycount;
            else if (yycount == yyargn)
              return 0;
            else
              yyarg[yycount++] = yysym;
          }
    }
  if (yyarg && yycount == 0 && 0 < yyargn)
    yyarg[0] = YYSYMBOL_YYEMPTY;
  return yycount;
}




/* The kind of the lookahead of this context.  */
static yysymbol_kind_t
yypcontext_token (const yypcontext_t *yyctx) YY_ATTRIBUTE_UNUSED;

static yysymbol_kind_t
yypcontext_token (const yypcontext_t *yyctx)
{
  return yyctx->yytoken;
}

/* The location of the lookahead of this context.  */
static YYLTYPE *
yypcontext_location (const yypcontext_t *yyctx) YY_ATTRIBUTE_UNUSED;

static YYLTYPE *
yypcontext_location (const yypcontext_t *yyctx)
{
  return yyctx->yylloc;
}

/* User defined function to report a syntax error.  */
static int
yyreport_syntax_error (const yypcontext_t *yyctx, ParseCtx *ctx);

/*-----------------------------------------------.
| Release the memory associated to this symbol.  |
`-----------------------------------------------*/

static void
yydestruct (const char *yymsg,
            yysymbol_kind_t yykind, YYSTYPE *yyvaluep, YYLTYPE *yylocationp, ParseCtx *ctx)
{
  YY_USE (yyvaluep);
  YY_USE (yylocationp);
  YY_USE (ctx);
  if (!yymsg)
    yymsg = "Deleting";
  YY_SYMBOL_PRINT (yymsg, yykind, yyvaluep, yylocationp);

  YY_IGNORE_MAYBE_UNINITIALIZED_BEGIN
  YY_USE (yykind);
  YY_IGNORE_MAYBE_UNINITIALIZED_END
}






/*----------.
| yyparse.  |
`----------*/

int
yyparse (ParseCtx *ctx)
{
/* Lookahead token kind.  */
int yychar;


/* The semantic value of the lookahead symbol.  */
/* Default value used for initialization, for pacifying older GCCs
   or non-GCC compilers.  */
YY_INITIAL_VALUE (static YYSTYPE yyval_default;)
YYSTYPE yylval YY_INITIAL_VALUE (= yyval_default);

/* Location data for the lookahead symbol.  */
static YYLTYPE yyloc_default
# if defined TDSL_LTYPE_IS_TRIVIAL && TDSL_LTYPE_IS_TRIVIAL
  = { 1, 1, 1, 1 }
# endif
;
YYLTYPE yylloc = yyloc_default;

    /* Number of syntax errors so far.  */
    int yynerrs = 0;

    yy_state_fast_t yystate = 0;
    /* Number of tokens to shift before error messages enabled.  */
    int yyerrstatus = 0;

    /* Refer to the stacks through separate pointers, to allow yyoverflow
       to reallocate them elsewhere.  */

    /* Their size.  */
    YYPTRDIFF_T yystacksize = YYINITDEPTH;

    /* The state stack: array, bottom, top.  */
    yy_state_t yyssa[YYINITDEPTH];
    yy_state_t *yyss = yyssa;
    yy_state_t *yyssp = yyss;

    /* The semantic value stack: array, bottom, top.  */
    YYSTYPE yyvsa[YYINITDEPTH];
    YYSTYPE *yyvs = yyvsa;
    YYSTYPE *yyvsp = yyvs;

    /* The location stack: array, bottom, top.  */
    YYLTYPE yylsa[YYINITDEPTH];
    YYLTYPE *yyls = yylsa;
    YYLTYPE *yylsp = yyls;

    yy_state_t yyesa[20];
    yy_state_t *yyes = yyesa;
    YYPTRDIFF_T yyes_capacity = 20 < YYMAXDEPTH ? 20 : YYMAXDEPTH;

  /* Whether LAC context is established.  A Boolean.  */
  int yy_lac_established = 0;
  int yyn;
  /* The return value of yyparse.  */
  int yyresult;
  /* Lookahead symbol kind.  */
  yysymbol_kind_t yytoken = YYSYMBOL_YYEMPTY;
  /* The variables used to return semantic value and location from the
     action routines.  */
  YYSTYPE yyval;
  YYLTYPE yyloc;

  /* The locations where the error started and ended.  */
  YYLTYPE yyerror_range[3];



#define YYPOPSTACK(N)   (yyvsp -= (N), yyssp -= (N), yylsp -= (N))

  /* The number of symbols on the RHS of the reduced rule.
     Keep to zero when no symbol should be popped.  */
  int yylen = 0;

  YYDPRINTF ((stderr, "Starting parse\n"));

  yychar = TDSL_EMPTY; /* Cause a token to be read.  */

  yylsp[0] = yylloc;
  goto yysetstate;


/*------------------------------------------------------------.
| yynewstate -- push a new state, which is found in yystate.  |
`------------------------------------------------------------*/
yynewstate:
  /* In all cases, when you get here, the value and location stacks
     have just been pushed.  So pushing a state here evens the stacks.  */
  yyssp++;


/*--------------------------------------------------------------------.
| yysetstate -- set current state (the top of the stack) to yystate.  |
`--------------------------------------------------------------------*/
yysetstate:
  YYDPRINTF ((stderr, "Entering state %d\n", yystate));
  YY_ASSERT (0 <= yystate && yystate < YYNSTATES);
  YY_IGNORE_USELESS_CAST_BEGIN
  *yyssp = YY_CAST (yy_state_t, yystate);
  YY_IGNORE_USELESS_CAST_END
  YY_STACK_PRINT (yyss, yyssp);

  if (yyss + yystacksize - 1 <= yyssp)
#if !defined yyoverflow && !defined YYSTACK_RELOCATE
    YYNOMEM;
#else
    {
      /* Get the current used size of the three stacks, in elements.  */
      YYPTRDIFF_T yysize = yyssp - yyss + 1;

# if defined yyoverflow
      {
        /* Give user a chance to reallocate the stack.  Use copies of
           these so that the &'s don't force the real ones into
           memory.  */
        yy_state_t *yyss1 = yyss;
        YYSTYPE *yyvs1 = yyvs;
        YYLTYPE *yyls1 = yyls;

        /* Each stack pointer address is followed by the size of the
           data in use in that stack, in bytes.  This used to be a
           conditional around just the two extra args, but that might
           be undefined if yyoverflow is a macro.  */
        yyoverflow (YY_("memory exhausted"),
                    &yyss1, yysize * YYSIZEOF (*yyssp),
                    &yyvs1, yysize * YYSIZEOF (*yyvsp),
                    &yyls1, yysize * YYSIZEOF (*yylsp),
                    &yystacksize);
        yyss = yyss1;
        yyvs = yyvs1;
        yyls = yyls1;
      }
# else /* defined YYSTACK_RELOCATE */
      /* Extend the stack our own way.  */
      if (YYMAXDEPTH <= yystacksize)
        YYNOMEM;
      yystacksize *= 2;
      if (YYMAXDEPTH < yystacksize)
        yystacksize = YYMAXDEPTH;

      {
        yy_state_t *yyss1 = yyss;
        union yyalloc *yyptr =
          YY_CAST (union yyalloc *,
                   YYSTACK_ALLOC (YY_CAST (YYSIZE_T, YYSTACK_BYTES (yystacksize))));
        if (! yyptr)
          YYNOMEM;
        YYSTACK_RELOCATE (yyss_alloc, yyss);
        YYSTACK_RELOCATE (yyvs_alloc, yyvs);
        YYSTACK_RELOCATE (yyls_alloc, yyls);
#  undef YYSTACK_RELOCATE
        if (yyss1 != yyssa)
          YYSTACK_FREE (yyss1);
      }
# endif

      yyssp = yyss + yysize - 1;
      yyvsp = yyvs + yysize - 1;
      yylsp = yyls + yysize - 1;

      YY_IGNORE_USELESS_CAST_BEGIN
      YYDPRINTF ((stderr, "Stack size increased to %ld\n",
                  YY_CAST (long, yystacksize)));
      YY_IGNORE_USELESS_CAST_END

      if (yyss + yystacksize - 1 <= yyssp)
        YYABORT;
    }
#endif /* !defined yyoverflow && !defined YYSTACK_RELOCATE */


  if (yystate == YYFINAL)
    YYACCEPT;

  goto yybackup;


/*-----------.
| yybackup.  |
`-----------*/
yybackup:
  /* Do appropriate processing given the current state.  Read a
     lookahead token if we need one and don't already have one.  */

  /* First try to decide what to do without reference to lookahead token.  */
  yyn = yypact[yystate];
  if (yypact_value_is_default (yyn))
    goto yydefault;

  /* Not known => get a lookahead token if don't already have one.  */

  /* YYCHAR is either empty, or end-of-input, or a valid lookahead.  */
  if (yychar == TDSL_EMPTY)
    {
      YYDPRINTF ((stderr, "Reading a token\n"));
      yychar = yylex (&yylval, &yylloc, ctx);
    }

  if (yychar <= TDSL_EOF)
    {
      yychar = TDSL_EOF;
      yytoken = YYSYMBOL_YYEOF;
      YYDPRINTF ((stderr, "Now at end of input.\n"));
    }
  else if (yychar == TDSL_error)
    {
      /* The scanner already issued an error message, process directly
         to error recovery.  But do not keep the error token as
         lookahead, it is too special and may lead us to an endless
         loop in error recovery. */
      yychar = TDSL_UNDEF;
      yytoken = YYSYMBOL_YYerror;
      yyerror_range[1] = yylloc;
      goto yyerrlab1;
    }
  else
    {
      yytoken = YYTRANSLATE (yychar);
      YY_SYMBOL_PRINT ("Next token is", yytoken, &yylval, &yylloc);
    }

  /* If the proper action on seeing token YYTOKEN is to reduce or to
     detect an error, take that action.  */
  yyn += yytoken;
  if (yyn < 0 || YYLAST < yyn || yycheck[yyn] != yytoken)
    {
      YY_LAC_ESTABLISH;
      goto yydefault;
    }
  yyn = yytable[yyn];
  if (yyn <= 0)
    {
      if (yytable_value_is_error (yyn))
        goto yyerrlab;
      yyn = -yyn;
      YY_LAC_ESTABLISH;
      goto yyreduce;
    }

  /* Count tokens shifted since error; after three, turn off error
     status.  */
  if (yyerrstatus)
    yyerrstatus--;

  /* Shift the lookahead token.  */
  YY_SYMBOL_PRINT ("Shifting", yytoken, &yylval, &yylloc);
  yystate = yyn;
  YY_IGNORE_MAYBE_UNINITIALIZED_BEGIN
  *++yyvsp = yylval;
  YY_IGNORE_MAYBE_UNINITIALIZED_END
  *++yylsp = yylloc;

  /* Discard the shifted token.  */
  yychar = TDSL_EMPTY;
  YY_LAC_DISCARD ("shift");
  goto yynewstate;


/*-----------------------------------------------------------.
| yydefault -- do the default action for the current state.  |
`-----------------------------------------------------------*/
yydefault:
  yyn = yydefact[yystate];
  if (yyn == 0)
    goto yyerrlab;
  goto yyreduce;


/*-----------------------------.
| yyreduce -- do a reduction.  |
`-----------------------------*/
yyreduce:
  /* yyn is the number of a rule to reduce with.  */
  yylen = yyr2[yyn];

  /* If YYLEN is nonzero, implement the default value of the action:
     '$$ = $1'.

     Otherwise, the following line sets YYVAL to garbage.
     This behavior is undocumented and Bison
     users should not rely upon it.  Assigning to YYVAL
     unconditionally makes the parser a bit smaller, and it avoids a
     GCC warning that YYVAL may be used uninitialized.  */
  yyval = yyvsp[1-yylen];

  /* Default location. */
  YYLLOC_DEFAULT (yyloc, (yylsp - yylen), yylen);
  yyerror_range[1] = yyloc;
  YY_REDUCE_PRINT (yyn);
  {
    int yychar_backup = yychar;
    switch (yyn)
      {
  case 3: /* program: program fn_def  */
#line 126 "parser/grammar.y"
                        { if ((yyvsp[0].fn)) vec_push(ctx->arena, &ctx->fns, (yyvsp[0].fn)); }
#line 1682 "build-dbg/parser/grammar.c"
    break;

  case 4: /* program: program sched_def  */
#line 127 "parser/grammar.y"
                        { if ((yyvsp[0].sched)) vec_push(ctx->arena, &ctx->scheds, (yyvsp[0].sched)); }
#line 1688 "build-dbg/parser/grammar.c"
    break;

  case 7: /* program: program error '}'  */
#line 130 "parser/grammar.y"
                         { ctx->recovering = false; }
#line 1694 "build-dbg/parser/grammar.c"
    break;

  case 8: /* sep: "newline"  */
#line 133 "parser/grammar.y"
             { yyerrok; ctx->recovering = false; }
#line 1700 "build-dbg/parser/grammar.c"
    break;

  case 9: /* sep: ';'  */
#line 133 "parser/grammar.y"
                                                         { yyerrok; ctx->recovering = false; }
#line 1706 "build-dbg/parser/grammar.c"
    break;

  case 10: /* fn_def: "fn" "identifier" '(' params_opt ')' "->" results body  */
#line 139 "parser/grammar.y"
        { (yyval.fn) = parse_fn(ctx, (yyvsp[-6].str), (yyvsp[-4].vec), (yyvsp[-1].vec), (yyvsp[0].vec), &(yyloc)); }
#line 1712 "build-dbg/parser/grammar.c"
    break;

  case 11: /* fn_def: "fn" error '}'  */
#line 140 "parser/grammar.y"
                           { (yyval.fn) = NULL; ctx->recovering = false; }
#line 1718 "build-dbg/parser/grammar.c"
    break;

  case 12: /* params_opt: %empty  */
#line 143 "parser/grammar.y"
                   { (yyval.vec) = (PtrVec){0}; }
#line 1724 "build-dbg/parser/grammar.c"
    break;

  case 14: /* params: tensor  */
#line 145 "parser/grammar.y"
                        { (yyval.vec) = (PtrVec){0}; vec_push(ctx->arena, &(yyval.vec), (yyvsp[0].tensor)); }
#line 1730 "build-dbg/parser/grammar.c"
    break;

  case 15: /* params: params ',' tensor  */
#line 146 "parser/grammar.y"
                        { (yyval.vec) = (yyvsp[-2].vec); vec_push(ctx->arena, &(yyval.vec), (yyvsp[0].tensor)); }
#line 1736 "build-dbg/parser/grammar.c"
    break;

  case 16: /* results: tensor  */
#line 150 "parser/grammar.y"
                        { (yyval.vec) = (PtrVec){0}; vec_push(ctx->arena, &(yyval.vec), (yyvsp[0].tensor)); }
#line 1742 "build-dbg/parser/grammar.c"
    break;

  case 17: /* results: '(' result_list ')'  */
#line 151 "parser/grammar.y"
                        { (yyval.vec) = (yyvsp[-1].vec); }
#line 1748 "build-dbg/parser/grammar.c"
    break;

  case 18: /* result_list: tensor  */
#line 154 "parser/grammar.y"
                            { (yyval.vec) = (PtrVec){0}; vec_push(ctx->arena, &(yyval.vec), (yyvsp[0].tensor)); }
#line 1754 "build-dbg/parser/grammar.c"
    break;

  case 19: /* result_list: result_list ',' tensor  */
#line 155 "parser/grammar.y"
                            { (yyval.vec) = (yyvsp[-2].vec); vec_push(ctx->arena, &(yyval.vec), (yyvsp[0].tensor)); }
#line 1760 "build-dbg/parser/grammar.c"
    break;

  case 20: /* tensor: "identifier" ':' "identifier"  */
#line 160 "parser/grammar.y"
                        { (yyval.tensor) = parse_tensor(ctx, (yyvsp[-2].str), (yyvsp[0].str), &(yylsp[0]), NULL, &(yyloc)); }
#line 1766 "build-dbg/parser/grammar.c"
    break;

  case 21: /* tensor: "identifier" ':' "identifier" '[' expr_list ']'  */
#line 162 "parser/grammar.y"
                        { (yyval.tensor) = parse_tensor(ctx, (yyvsp[-5].str), (yyvsp[-3].str), &(yylsp[-3]), &(yyvsp[-1].vec), &(yyloc)); }
#line 1772 "build-dbg/parser/grammar.c"
    break;

  case 22: /* body: '{' body_items item_opt '}'  */
#line 168 "parser/grammar.y"
                        { (yyval.vec) = (yyvsp[-2].vec); if ((yyvsp[-1].stage)) vec_push(ctx->arena, &(yyval.vec), (yyvsp[-1].stage)); parse_closed(ctx, &(yylsp[0])); }
#line 1778 "build-dbg/parser/grammar.c"
    break;

  case 23: /* body: '{' body_items error '}'  */
#line 170 "parser/grammar.y"
                        { (yyval.vec) = (yyvsp[-2].vec); ctx->recovering = false; }
#line 1784 "build-dbg/parser/grammar.c"
    break;

  case 24: /* body_items: %empty  */
#line 173 "parser/grammar.y"
                        { (yyval.vec) = (PtrVec){0}; }
#line 1790 "build-dbg/parser/grammar.c"
    break;

  case 25: /* body_items: body_items item_opt sep  */
#line 175 "parser/grammar.y"
                        { (yyval.vec) = (yyvsp[-2].vec); if ((yyvsp[-1].stage)) vec_push(ctx->arena, &(yyval.vec), (yyvsp[-1].stage)); }
#line 1796 "build-dbg/parser/grammar.c"
    break;

  case 27: /* item_opt: %empty  */
#line 178 "parser/grammar.y"
                 { (yyval.stage) = NULL; }
#line 1802 "build-dbg/parser/grammar.c"
    break;

  case 29: /* stmt: tensor  */
#line 181 "parser/grammar.y"
                        { (yyval.stage) = parse_decl(ctx, (yyvsp[0].tensor), &(yyloc)); }
#line 1808 "build-dbg/parser/grammar.c"
    break;

  case 30: /* stmt: "identifier" '[' expr_list ']' '=' expr  */
#line 183 "parser/grammar.y"
                        { (yyval.stage) = parse_stage(ctx, (yyvsp[-5].str), &(yylsp[-5]), (yyvsp[-3].vec), (yyvsp[0].ex), &(yyloc)); }
#line 1814 "build-dbg/parser/grammar.c"
    break;

  case 31: /* stmt: "identifier" '=' expr  */
#line 184 "parser/grammar.y"
                        { (yyval.stage) = parse_assign(ctx, (yyvsp[-2].str), &(yylsp[-2]), (yyvsp[0].ex), &(yyloc)); }
#line 1820 "build-dbg/parser/grammar.c"
    break;

  case 32: /* stmt: '(' names ')' '=' primary  */
#line 186 "parser/grammar.y"
                        { (yyval.stage) = parse_tuple_call(ctx, (yyvsp[-3].vec), (yyvsp[0].ex), &(yyloc)); }
#line 1826 "build-dbg/parser/grammar.c"
    break;

  case 33: /* names: "identifier"  */
#line 190 "parser/grammar.y"
                        { (yyval.vec) = (PtrVec){0}; vec_push(ctx->arena, &(yyval.vec), ex_name(ctx->arena, (yyvsp[0].str), parse_span(ctx, &(yylsp[0])))); }
#line 1832 "build-dbg/parser/grammar.c"
    break;

  case 34: /* names: names ',' "identifier"  */
#line 191 "parser/grammar.y"
                        { (yyval.vec) = (yyvsp[-2].vec); vec_push(ctx->arena, &(yyval.vec), ex_name(ctx->arena, (yyvsp[0].str), parse_span(ctx, &(yylsp[0])))); }
#line 1838 "build-dbg/parser/grammar.c"
    break;

  case 35: /* expr: expr "||" expr  */
#line 197 "parser/grammar.y"
                        { (yyval.ex) = ex_binary(ctx->arena, OP_OR, (yyvsp[-2].ex), (yyvsp[0].ex), parse_span(ctx, &(yyloc))); }
#line 1844 "build-dbg/parser/grammar.c"
    break;

  case 36: /* expr: expr "&&" expr  */
#line 198 "parser/grammar.y"
                        { (yyval.ex) = ex_binary(ctx->arena, OP_AND, (yyvsp[-2].ex), (yyvsp[0].ex), parse_span(ctx, &(yyloc))); }
#line 1850 "build-dbg/parser/grammar.c"
    break;

  case 37: /* expr: expr '<' expr  */
#line 199 "parser/grammar.y"
                        { (yyval.ex) = ex_binary(ctx->arena, OP_LT, (yyvsp[-2].ex), (yyvsp[0].ex), parse_span(ctx, &(yyloc))); }
#line 1856 "build-dbg/parser/grammar.c"
    break;

  case 38: /* expr: expr "<=" expr  */
#line 200 "parser/grammar.y"
                        { (yyval.ex) = ex_binary(ctx->arena, OP_LE, (yyvsp[-2].ex), (yyvsp[0].ex), parse_span(ctx, &(yyloc))); }
#line 1862 "build-dbg/parser/grammar.c"
    break;

  case 39: /* expr: expr '>' expr  */
#line 201 "parser/grammar.y"
                        { (yyval.ex) = ex_binary(ctx->arena, OP_GT, (yyvsp[-2].ex), (yyvsp[0].ex), parse_span(ctx, &(yyloc))); }
#line 1868 "build-dbg/parser/grammar.c"
    break;

  case 40: /* expr: expr ">=" expr  */
#line 202 "parser/grammar.y"
                        { (yyval.ex) = ex_binary(ctx->arena, OP_GE, (yyvsp[-2].ex), (yyvsp[0].ex), parse_span(ctx, &(yyloc))); }
#line 1874 "build-dbg/parser/grammar.c"
    break;

  case 41: /* expr: expr "==" expr  */
#line 203 "parser/grammar.y"
                        { (yyval.ex) = ex_binary(ctx->arena, OP_EQ, (yyvsp[-2].ex), (yyvsp[0].ex), parse_span(ctx, &(yyloc))); }
#line 1880 "build-dbg/parser/grammar.c"
    break;

  case 42: /* expr: expr "!=" expr  */
#line 204 "parser/grammar.y"
                        { (yyval.ex) = ex_binary(ctx->arena, OP_NE, (yyvsp[-2].ex), (yyvsp[0].ex), parse_span(ctx, &(yyloc))); }
#line 1886 "build-dbg/parser/grammar.c"
    break;

  case 43: /* expr: expr '+' expr  */
#line 205 "parser/grammar.y"
                        { (yyval.ex) = ex_binary(ctx->arena, OP_ADD, (yyvsp[-2].ex), (yyvsp[0].ex), parse_span(ctx, &(yyloc))); }
#line 1892 "build-dbg/parser/grammar.c"
    break;

  case 44: /* expr: expr '-' expr  */
#line 206 "parser/grammar.y"
                        { (yyval.ex) = ex_binary(ctx->arena, OP_SUB, (yyvsp[-2].ex), (yyvsp[0].ex), parse_span(ctx, &(yyloc))); }
#line 1898 "build-dbg/parser/grammar.c"
    break;

  case 45: /* expr: expr '*' expr  */
#line 207 "parser/grammar.y"
                        { (yyval.ex) = ex_binary(ctx->arena, OP_MUL, (yyvsp[-2].ex), (yyvsp[0].ex), parse_span(ctx, &(yyloc))); }
#line 1904 "build-dbg/parser/grammar.c"
    break;

  case 46: /* expr: expr '/' expr  */
#line 208 "parser/grammar.y"
                        { (yyval.ex) = ex_binary(ctx->arena, OP_DIV, (yyvsp[-2].ex), (yyvsp[0].ex), parse_span(ctx, &(yyloc))); }
#line 1910 "build-dbg/parser/grammar.c"
    break;

  case 47: /* expr: expr '%' expr  */
#line 209 "parser/grammar.y"
                        { (yyval.ex) = ex_binary(ctx->arena, OP_MOD, (yyvsp[-2].ex), (yyvsp[0].ex), parse_span(ctx, &(yyloc))); }
#line 1916 "build-dbg/parser/grammar.c"
    break;

  case 48: /* expr: '-' expr  */
#line 210 "parser/grammar.y"
                         { (yyval.ex) = ex_unary(ctx->arena, OP_NEG, (yyvsp[0].ex), parse_span(ctx, &(yyloc))); }
#line 1922 "build-dbg/parser/grammar.c"
    break;

  case 49: /* expr: '!' expr  */
#line 211 "parser/grammar.y"
                         { (yyval.ex) = ex_unary(ctx->arena, OP_NOT, (yyvsp[0].ex), parse_span(ctx, &(yyloc))); }
#line 1928 "build-dbg/parser/grammar.c"
    break;

  case 51: /* primary: "integer"  */
#line 216 "parser/grammar.y"
                        { (yyval.ex) = ex_int(ctx->arena, (yyvsp[0].ival), parse_span(ctx, &(yyloc))); }
#line 1934 "build-dbg/parser/grammar.c"
    break;

  case 52: /* primary: "float"  */
#line 217 "parser/grammar.y"
                        { (yyval.ex) = ex_float(ctx->arena, (yyvsp[0].fval), parse_span(ctx, &(yyloc))); }
#line 1940 "build-dbg/parser/grammar.c"
    break;

  case 53: /* primary: "true"  */
#line 218 "parser/grammar.y"
                           { (yyval.ex) = parse_bool(ctx, true, &(yyloc)); }
#line 1946 "build-dbg/parser/grammar.c"
    break;

  case 54: /* primary: "false"  */
#line 219 "parser/grammar.y"
                           { (yyval.ex) = parse_bool(ctx, false, &(yyloc)); }
#line 1952 "build-dbg/parser/grammar.c"
    break;

  case 55: /* primary: "identifier"  */
#line 220 "parser/grammar.y"
                        { (yyval.ex) = ex_name(ctx->arena, (yyvsp[0].str), parse_span(ctx, &(yyloc))); }
#line 1958 "build-dbg/parser/grammar.c"
    break;

  case 56: /* primary: "identifier" '[' expr_list ']'  */
#line 222 "parser/grammar.y"
                        { (yyval.ex) = parse_postfix(ctx, EX_ACCESS, (yyvsp[-3].str), (yyvsp[-1].vec), &(yyloc)); }
#line 1964 "build-dbg/parser/grammar.c"
    break;

  case 57: /* primary: "identifier" '(' args_opt ')'  */
#line 224 "parser/grammar.y"
                        { (yyval.ex) = parse_postfix(ctx, EX_CALL, (yyvsp[-3].str), (yyvsp[-1].vec), &(yyloc)); }
#line 1970 "build-dbg/parser/grammar.c"
    break;

  case 58: /* primary: "identifier" '(' expr "over" rvars ')'  */
#line 226 "parser/grammar.y"
                        { (yyval.ex) = parse_reduce(ctx, (yyvsp[-5].str), &(yylsp[-5]), (yyvsp[-3].ex), (yyvsp[-1].vec), &(yyloc)); }
#line 1976 "build-dbg/parser/grammar.c"
    break;

  case 59: /* primary: '(' expr ')'  */
#line 227 "parser/grammar.y"
                        { (yyval.ex) = (yyvsp[-1].ex); (yyval.ex)->span = parse_span(ctx, &(yyloc)); }
#line 1982 "build-dbg/parser/grammar.c"
    break;

  case 60: /* args_opt: %empty  */
#line 230 "parser/grammar.y"
                 { (yyval.vec) = (PtrVec){0}; }
#line 1988 "build-dbg/parser/grammar.c"
    break;

  case 62: /* expr_list: expr  */
#line 232 "parser/grammar.y"
                        { (yyval.vec) = (PtrVec){0}; vec_push(ctx->arena, &(yyval.vec), (yyvsp[0].ex)); }
#line 1994 "build-dbg/parser/grammar.c"
    break;

  case 63: /* expr_list: expr_list ',' expr  */
#line 233 "parser/grammar.y"
                        { (yyval.vec) = (yyvsp[-2].vec); vec_push(ctx->arena, &(yyval.vec), (yyvsp[0].ex)); }
#line 2000 "build-dbg/parser/grammar.c"
    break;

  case 64: /* rvars: rvar  */
#line 237 "parser/grammar.y"
                        { (yyval.vec) = (PtrVec){0}; vec_push(ctx->arena, &(yyval.vec), (yyvsp[0].rvar)); }
#line 2006 "build-dbg/parser/grammar.c"
    break;

  case 65: /* rvars: rvars ',' rvar  */
#line 238 "parser/grammar.y"
                        { (yyval.vec) = (yyvsp[-2].vec); vec_push(ctx->arena, &(yyval.vec), (yyvsp[0].rvar)); }
#line 2012 "build-dbg/parser/grammar.c"
    break;

  case 66: /* rvar: "identifier"  */
#line 241 "parser/grammar.y"
                        { (yyval.rvar) = parse_rvar(ctx, (yyvsp[0].str), NULL, NULL, &(yyloc)); }
#line 2018 "build-dbg/parser/grammar.c"
    break;

  case 67: /* rvar: "identifier" "in" expr ".." expr  */
#line 243 "parser/grammar.y"
                        { (yyval.rvar) = parse_rvar(ctx, (yyvsp[-4].str), (yyvsp[-2].ex), (yyvsp[0].ex), &(yyloc)); }
#line 2024 "build-dbg/parser/grammar.c"
    break;

  case 68: /* sched_def: "schedule" "identifier" sched_body  */
#line 249 "parser/grammar.y"
                                   { (yyval.sched) = parse_schedule(ctx, (yyvsp[-1].str), (yyvsp[0].vec), &(yyloc)); }
#line 2030 "build-dbg/parser/grammar.c"
    break;

  case 69: /* sched_def: "schedule" error '}'  */
#line 250 "parser/grammar.y"
                                   { (yyval.sched) = NULL; ctx->recovering = false; }
#line 2036 "build-dbg/parser/grammar.c"
    break;

  case 70: /* sched_body: '{' sched_items chain_opt '}'  */
#line 255 "parser/grammar.y"
                        { (yyval.vec) = (yyvsp[-2].vec); for (int i = 0; i < (yyvsp[-1].vec).len; i++) vec_push(ctx->arena, &(yyval.vec), (yyvsp[-1].vec).items[i]);
                          parse_closed(ctx, &(yylsp[0])); }
#line 2043 "build-dbg/parser/grammar.c"
    break;

  case 71: /* sched_body: '{' sched_items error '}'  */
#line 258 "parser/grammar.y"
                        { (yyval.vec) = (yyvsp[-2].vec); ctx->recovering = false; }
#line 2049 "build-dbg/parser/grammar.c"
    break;

  case 72: /* sched_items: %empty  */
#line 261 "parser/grammar.y"
                        { (yyval.vec) = (PtrVec){0}; }
#line 2055 "build-dbg/parser/grammar.c"
    break;

  case 73: /* sched_items: sched_items chain_opt sep  */
#line 263 "parser/grammar.y"
                        { (yyval.vec) = (yyvsp[-2].vec); for (int i = 0; i < (yyvsp[-1].vec).len; i++) vec_push(ctx->arena, &(yyval.vec), (yyvsp[-1].vec).items[i]); }
#line 2061 "build-dbg/parser/grammar.c"
    break;

  case 75: /* chain_opt: %empty  */
#line 266 "parser/grammar.y"
                  { (yyval.vec) = (PtrVec){0}; }
#line 2067 "build-dbg/parser/grammar.c"
    break;

  case 77: /* chain: "identifier" '.' "identifier" '(' sargs_opt ')'  */
#line 270 "parser/grammar.y"
        { (yyval.vec) = (PtrVec){0}; parse_chain_add(ctx, &(yyval.vec), (yyvsp[-5].str), &(yylsp[-5]), parse_prim(ctx, (yyvsp[-3].str), (yyvsp[-1].vec), &(yylsp[-3]), &(yylsp[0]))); }
#line 2073 "build-dbg/parser/grammar.c"
    break;

  case 78: /* chain: chain '.' "identifier" '(' sargs_opt ')'  */
#line 272 "parser/grammar.y"
        { (yyval.vec) = (yyvsp[-5].vec); parse_chain_add(ctx, &(yyval.vec), NULL, NULL, parse_prim(ctx, (yyvsp[-3].str), (yyvsp[-1].vec), &(yylsp[-3]), &(yylsp[0]))); }
#line 2079 "build-dbg/parser/grammar.c"
    break;

  case 79: /* sargs_opt: %empty  */
#line 275 "parser/grammar.y"
                  { (yyval.vec) = (PtrVec){0}; }
#line 2085 "build-dbg/parser/grammar.c"
    break;

  case 81: /* sargs: sarg  */
#line 277 "parser/grammar.y"
                        { (yyval.vec) = (PtrVec){0}; vec_push(ctx->arena, &(yyval.vec), (yyvsp[0].sarg)); }
#line 2091 "build-dbg/parser/grammar.c"
    break;

  case 82: /* sargs: sargs ',' sarg  */
#line 278 "parser/grammar.y"
                        { (yyval.vec) = (yyvsp[-2].vec); vec_push(ctx->arena, &(yyval.vec), (yyvsp[0].sarg)); }
#line 2097 "build-dbg/parser/grammar.c"
    break;

  case 83: /* sarg: "identifier"  */
#line 281 "parser/grammar.y"
                        { (yyval.sarg) = parse_sarg(ctx, (yyvsp[0].str), 0, &(yyloc)); }
#line 2103 "build-dbg/parser/grammar.c"
    break;

  case 84: /* sarg: "integer"  */
#line 282 "parser/grammar.y"
                        { (yyval.sarg) = parse_sarg(ctx, NULL, (yyvsp[0].ival), &(yyloc)); }
#line 2109 "build-dbg/parser/grammar.c"
    break;

  case 85: /* sarg: '-' "integer"  */
#line 283 "parser/grammar.y"
                        { (yyval.sarg) = parse_sarg(ctx, NULL, -(yyvsp[0].ival), &(yyloc)); }
#line 2115 "build-dbg/parser/grammar.c"
    break;


#line 2119 "build-dbg/parser/grammar.c"

        default: break;
      }
    if (yychar_backup != yychar)
      YY_LAC_DISCARD ("yychar change");
  }
  /* User semantic actions sometimes alter yychar, and that requires
     that yytoken be updated with the new translation.  We take the
     approach of translating immediately before every use of yytoken.
     One alternative is translating here after every semantic action,
     but that translation would be missed if the semantic action invokes
     YYABORT, YYACCEPT, or YYERROR immediately after altering yychar or
     if it invokes YYBACKUP.  In the case of YYABORT or YYACCEPT, an
     incorrect destructor might then be invoked immediately.  In the
     case of YYERROR or YYBACKUP, subsequent parser actions might lead
     to an incorrect destructor call or verbose syntax error message
     before the lookahead is translated.  */
  YY_SYMBOL_PRINT ("-> $$ =", YY_CAST (yysymbol_kind_t, yyr1[yyn]), &yyval, &yyloc);

  YYPOPSTACK (yylen);
  yylen = 0;

  *++yyvsp = yyval;
  *++yylsp = yyloc;

  /* Now 'shift' the result of the reduction.  Determine what state
     that goes to, based on the state we popped back to and the rule
     number reduced by.  */
  {
    const int yylhs = yyr1[yyn] - YYNTOKENS;
    const int yyi = yypgoto[yylhs] + *yyssp;
    yystate = (0 <= yyi && yyi <= YYLAST && yycheck[yyi] == *yyssp
               ? yytable[yyi]
               : yydefgoto[yylhs]);
  }

  goto yynewstate;


/*--------------------------------------.
| yyerrlab -- here on detecting error.  |
`--------------------------------------*/
yyerrlab:
  /* Make sure we have latest lookahead translation.  See comments at
     user semantic actions for why this is necessary.  */
  yytoken = yychar == TDSL_EMPTY ? YYSYMBOL_YYEMPTY : YYTRANSLATE (yychar);
  /* If not already recovering from an error, report this error.  */
  if (!yyerrstatus)
    {
      ++yynerrs;
      {
        yypcontext_t yyctx
          = {yyssp, yyesa, &yyes, &yyes_capacity, yytoken, &yylloc};
        if (yychar != TDSL_EMPTY)
          YY_LAC_ESTABLISH;
        if (yyreport_syntax_error (&yyctx, ctx) == 2)
          YYNOMEM;
      }
    }

  yyerror_range[1] = yylloc;
  if (yyerrstatus == 3)
    {
      /* If just tried and failed to reuse lookahead token after an
         error, discard it.  */

      if (yychar <= TDSL_EOF)
        {
          /* Return failure if at end of input.  */
          if (yychar == TDSL_EOF)
            YYABORT;
        }
      else
        {
          yydestruct ("Error: discarding",
                      yytoken, &yylval, &yylloc, ctx);
          yychar = TDSL_EMPTY;
        }
    }

  /* Else will try to reuse lookahead token after shifting the error
     token.  */
  goto yyerrlab1;


/*---------------------------------------------------.
| yyerrorlab -- error raised explicitly by YYERROR.  |
`---------------------------------------------------*/
yyerrorlab:
  /* Pacify compilers when the user code never invokes YYERROR and the
     label yyerrorlab therefore never appears in user code.  */
  if (0)
    YYERROR;
  ++yynerrs;

  /* Do not reclaim the symbols of the rule whose action triggered
     this YYERROR.  */
  YYPOPSTACK (yylen);
  yylen = 0;
  YY_STACK_PRINT (yyss, yyssp);
  yystate = *yyssp;
  goto yyerrlab1;


/*-------------------------------------------------------------.
| yyerrlab1 -- common code for both syntax error and YYERROR.  |
`-------------------------------------------------------------*/
yyerrlab1:
  yyerrstatus = 3;      /* Each real token shifted decrements this.  */

  /* Pop stack until we find a state that shifts the error token.  */
  for (;;)
    {
      yyn = yypact[yystate];
      if (!yypact_value_is_default (yyn))
        {
          yyn += YYSYMBOL_YYerror;
          if (0 <= yyn && yyn <= YYLAST && yycheck[yyn] == YYSYMBOL_YYerror)
            {
              yyn = yytable[yyn];
              if (0 < yyn)
                break;
            }
        }

      /* Pop the current state because it cannot handle the error token.  */
      if (yyssp == yyss)
        YYABORT;

      yyerror_range[1] = *yylsp;
      yydestruct ("Error: popping",
                  YY_ACCESSING_SYMBOL (yystate), yyvsp, yylsp, ctx);
      YYPOPSTACK (1);
      yystate = *yyssp;
      YY_STACK_PRINT (yyss, yyssp);
    }

  /* If the stack popping above didn't lose the initial context for the
     current lookahead token, the shift below will for sure.  */
  YY_LAC_DISCARD ("error recovery");

  YY_IGNORE_MAYBE_UNINITIALIZED_BEGIN
  *++yyvsp = yylval;
  YY_IGNORE_MAYBE_UNINITIALIZED_END

  yyerror_range[2] = yylloc;
  ++yylsp;
  YYLLOC_DEFAULT (*yylsp, yyerror_range, 2);

  /* Shift the error token.  */
  YY_SYMBOL_PRINT ("Shifting", YY_ACCESSING_SYMBOL (yyn), yyvsp, yylsp);

  yystate = yyn;
  goto yynewstate;


/*-------------------------------------.
| yyacceptlab -- YYACCEPT comes here.  |
`-------------------------------------*/
yyacceptlab:
  yyresult = 0;
  goto yyreturnlab;


/*-----------------------------------.
| yyabortlab -- YYABORT comes here.  |
`-----------------------------------*/
yyabortlab:
  yyresult = 1;
  goto yyreturnlab;


/*-----------------------------------------------------------.
| yyexhaustedlab -- YYNOMEM (memory exhaustion) comes here.  |
`-----------------------------------------------------------*/
yyexhaustedlab:
  yyerror (&yylloc, ctx, YY_("memory exhausted"));
  yyresult = 2;
  goto yyreturnlab;


/*----------------------------------------------------------.
| yyreturnlab -- parsing is finished, clean up and return.  |
`----------------------------------------------------------*/
yyreturnlab:
  if (yychar != TDSL_EMPTY)
    {
      /* Make sure we have latest lookahead translation.  See comments at
         user semantic actions for why this is necessary.  */
      yytoken = YYTRANSLATE (yychar);
      yydestruct ("Cleanup: discarding lookahead",
                  yytoken, &yylval, &yylloc, ctx);
    }
  /* Do not reclaim the symbols of the rule whose action triggered
     this YYABORT or YYACCEPT.  */
  YYPOPSTACK (yylen);
  YY_STACK_PRINT (yyss, yyssp);
  while (yyssp != yyss)
    {
      yydestruct ("Cleanup: popping",
                  YY_ACCESSING_SYMBOL (+*yyssp), yyvsp, yylsp, ctx);
      YYPOPSTACK (1);
    }
#ifndef yyoverflow
  if (yyss != yyssa)
    YYSTACK_FREE (yyss);
#endif
  if (yyes != yyesa)
    YYSTACK_FREE (yyes);

  return yyresult;
}

#line 286 "parser/grammar.y"


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
 * between items (where 'fn' is expected). */
static bool too_obvious(const yysymbol_kind_t *exp, int n, yysymbol_kind_t k)
{
    bool top = has_token(exp, n, YYSYMBOL_KW_FN);
    return (k == YYTRANSLATE(';') && has_token(exp, n, YYSYMBOL_NEWLINE)) ||
           (top && (k == YYSYMBOL_NEWLINE || k == YYSYMBOL_YYEOF || k == YYTRANSLATE(';')));
}

/* ", expected A, B or C", with every expression start shown as "expression" and
 * every binary operator as "operator"; nothing when the list is long. */
static void expected_list(const yypcontext_t *pc, char *out, size_t cap)
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
            too_obvious(exp, n, exp[i]))
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
    expected_list(pc, list, sizeof list);
    parse_error(ctx, yypcontext_location(pc), "unexpected %s%s",
                tok_name(got, buf, sizeof buf), list);
    return 0;
}

/* Called by bison only when its stack overflows ("memory exhausted"). */
void tdsl_error(YYLTYPE *loc, ParseCtx *ctx, const char *msg)
{
    parse_error(ctx, loc, "%s", strcmp(msg, "memory exhausted") ? msg : "nested too deeply");
}
