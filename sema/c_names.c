/* c_names.c - names a fn cannot take because its entry point is a C symbol
 * declared in a C header: C and C++ keywords (the header would not compile as
 * C or as C++), the C
 * library's functions (the object's definition would replace libm's tanh in
 * every program it links into), the runtime's tdsl_ prefix, and the names of
 * every entry's variants NAME_ws and NAME_workspace_bytes. */
#include "sema/sema_int.h"
#include <string.h>

static const char *const keywords[] = {
    "auto",      "break",     "case",          "char",           "const",         "continue",   "default",  "do",
    "double",    "else",      "enum",          "extern",         "float",         "for",        "goto",     "if",
    "inline",    "int",       "long",          "register",       "restrict",      "return",     "short",    "signed",
    "sizeof",    "static",    "struct",        "switch",         "typedef",       "union",      "unsigned", "void",
    "volatile",  "while",     "bool",          "true",           "false",         "alignas",    "alignof",  "nullptr",
    "typeof",    "constexpr", "static_assert", "thread_local",   "_Bool",         "_Complex",   "_Atomic",  "_Generic",
    "_Noreturn", "_Alignas",  "_Alignof",      "_Static_assert", "_Thread_local", "_Imaginary",
};

/* C++'s own keywords and alternative operator names: the header is also C++ */
static const char *const cxx_keywords[] = {
    "and",       "and_eq",           "asm",       "bitand",      "bitor",     "catch",      "char8_t",
    "char16_t",  "char32_t",         "class",     "compl",       "concept",   "const_cast", "consteval",
    "constinit", "co_await",         "co_return", "co_yield",    "decltype",  "delete",     "dynamic_cast",
    "explicit",  "export",           "friend",    "mutable",     "namespace", "new",        "noexcept",
    "not",       "not_eq",           "operator",  "or",          "or_eq",     "private",    "protected",
    "public",    "reinterpret_cast", "requires",  "static_cast", "template",  "this",       "throw",
    "try",       "typeid",           "typename",  "using",       "virtual",   "wchar_t",    "xor",
    "xor_eq",
};

/* libm, each also with an f and an l suffix */
static const char *const libm[] = {
    "acos",  "asin",  "atan",  "atan2",  "cos",   "sin",       "tan",  "cosh",      "sinh",   "tanh",
    "acosh", "asinh", "atanh", "exp",    "exp2",  "expm1",     "log",  "log10",     "log2",   "log1p",
    "logb",  "pow",   "sqrt",  "cbrt",   "hypot", "erf",       "erfc", "tgamma",    "lgamma", "ceil",
    "floor", "trunc", "round", "lround", "rint",  "nearbyint", "fmod", "remainder", "fabs",   "fmin",
    "fmax",  "fma",   "ldexp", "frexp",  "modf",  "copysign",  "nan",  "fdim",      "scalbn", "ilogb",
};

static const char *const libc[] = {
    "malloc", "calloc", "realloc", "free", "memcpy", "memmove", "memset", "memcmp", "strlen",
    "strcmp", "printf", "fprintf", "puts", "abort",  "exit",    "atexit", "qsort",  "rand",
    "srand",  "abs",    "labs",    "div",  "time",   "clock",   "getenv", "signal", "raise",
};

#define HAS(list, x) in_list(list, sizeof list / sizeof list[0], x)

static bool in_list(const char *const *list, size_t n, const char *x)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(list[i], x)) return true;
    return false;
}

/* a libm name, or one with its f / l suffix */
static bool is_libm(const char *x)
{
    if (HAS(libm, x)) return true;
    size_t n = strlen(x);
    if (n < 2 || (x[n - 1] != 'f' && x[n - 1] != 'l') || n > 32) return false;
    char base[32];
    memcpy(base, x, n - 1);
    base[n - 1] = 0;
    return HAS(libm, base);
}

const char *sema_c_clash(const char *name)
{
    if (HAS(keywords, name)) return "is a C keyword, so the generated header could not declare it";
    if (HAS(cxx_keywords, name)) return "is a C++ keyword, so the generated header could not declare it for C++";
    if (!strcmp(name, "main")) return "is the C program's entry point";
    if (is_libm(name) || HAS(libc, name))
        return "is a C library function: the object's entry point would replace it in every program that links it";
    if (!strncmp(name, "tdsl_", 5)) return "starts with tdsl_, which the runtime's symbols use";
    size_t n = strlen(name);
    if ((n > 3 && !strcmp(name + n - 3, "_ws")) || (n > 16 && !strcmp(name + n - 16, "_workspace_bytes")))
        return "ends like the entry points' workspace variants (f_ws, f_workspace_bytes)";
    return NULL;
}
