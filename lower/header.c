/* header.c - the generated C header: the tdsl_tensor definition (embedded from
 * runtime/tdsl_tensor.h, guarded so several headers coexist), then one commented
 * prototype per fn, or with TDSL_JIT_LOOKUP defined, a macro that calls the JIT;
 * an extern fn's C symbol is declared for the program that defines it. */
#include "lower/codegen.h"
#include "lang/affine.h"
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static const char tensor_h[] =
#include "tdsl_tensor_h.inc"
    ;

static void print_dims(FILE *out, const LFunc *f, const Buffer *b, const Tensor *t)
{
    const char **names = NULL;
    if (f->fn && f->fn->nsizevars) {
        names = malloc(sizeof(char *) * (size_t)f->fn->nsizevars);
        for (int i = 0; i < f->fn->nsizevars; i++) names[i] = f->fn->sizevars[i].name;
    }
    fprintf(out, "%s[", dtype_name(b->type));
    for (int k = 0; k < b->ndim; k++) {
        if (k) fputs(", ", out);
        if (t && t->extent && t->extent[k] && (names || aff_is_const(t->extent[k])))
            aff_print(out, t->extent[k], names);
        else loopir_print_expr(out, b->extent[k]);
    }
    fputc(']', out);
    free(names);
}

static const Tensor *fn_tensor(const LFunc *f, bool result, int i)
{
    if (!f->fn) return NULL;
    if (result) return i < f->fn->nresults ? f->fn->results[i] : NULL;
    return i < f->fn->nparams ? f->fn->params[i] : NULL;
}

static void print_comment(FILE *out, const LFunc *f)
{
    fprintf(out, "/* %s(", f->name);
    for (int i = 0; i < f->nparams; i++) {
        if (i) fputs(", ", out);
        if (f->params[i]) {
            fprintf(out, "%s: ", f->params[i]->name);
            print_dims(out, f, f->params[i], fn_tensor(f, false, i));
        } else {
            fprintf(out, "%s: %s", f->scalars[i]->name, dtype_name(f->scalars[i]->type));
        }
    }
    fputs(") -> ", out);
    if (f->nresults != 1) fputc('(', out);
    for (int i = 0; i < f->nresults; i++) {
        if (i) fputs(", ", out);
        fprintf(out, "%s: ", f->results[i]->name);
        print_dims(out, f, f->results[i], fn_tensor(f, true, i));
    }
    if (f->nresults != 1) fputc(')', out);
    fputs(" */\n", out);
}

/* C and C++ keywords: a parameter of that name is printed with a '_' after
 * it, so the prototype compiles in both languages. */
static const char keywords[] =
    " alignas alignof and and_eq asm auto bitand bitor bool break case catch char char8_t char16_t char32_t class"
    " compl concept const const_cast consteval constexpr constinit continue co_await co_return co_yield decltype"
    " default delete do double dynamic_cast else enum explicit export extern false float for friend goto if inline"
    " int long mutable namespace new noexcept not not_eq nullptr operator or or_eq private protected public register"
    " reinterpret_cast requires restrict return short signed sizeof static static_assert static_cast struct switch"
    " template this thread_local throw true try typedef typeid typename typeof union unsigned using virtual void"
    " volatile wchar_t while xor xor_eq ";

static const char *param_suffix(const char *name)
{
    char word[72];
    if (!*name || snprintf(word, sizeof word, " %s ", name) >= (int)sizeof word) return "";
    return strstr(keywords, word) ? "_" : "";
}

/* The parameter list, with names (prototype) or without (function pointer
 * type); ws: led by the workspace pointer (NAME_ws). */
static void print_params(FILE *out, const LFunc *f, bool names, bool ws)
{
    int k = 0;
    if (ws) fputs(names ? "void *ws" : "void *", out), k++;
    for (int i = 0; i < f->nparams; i++, k++) {
        if (k) fputs(", ", out);
        const char *name = !names ? "" : f->params[i] ? f->params[i]->name : f->scalars[i]->name;
        if (f->params[i]) fprintf(out, "const tdsl_tensor *%s%s", name, param_suffix(name));
        else fprintf(out, "%s%s%s%s", dtype_ctype(f->scalars[i]->type), names ? " " : "", name, param_suffix(name));
    }
    for (int i = 0; i < f->nresults; i++, k++) {
        if (k) fputs(", ", out);
        const char *name = names ? f->results[i]->name : "";
        fprintf(out, "tdsl_tensor *%s%s", name, param_suffix(name));
    }
    if (!k) fputs("void", out);
}

/* NAME_workspace_bytes's parameters: the size vars that are not derived */
static void print_size_params(FILE *out, const LFunc *f, bool names)
{
    int k = 0;
    for (int i = 0; i < f->nsizes; i++)
        if (!lfunc_size_derived(f, i))
            fprintf(out, "%sint64_t%s%s", k++ ? ", " : "", names ? " " : "", names ? f->sizes[i]->name : "");
    if (!k) fputs("void", out);
}

/* The entry point NAME and NAME_ws (the same call with the fn's workspace
 * in the caller's ws), NAME_workspace_bytes: pointers the JIT looks up, or
 * prototypes. */
static void print_entries(FILE *out, const LFunc *f)
{
    fputs("#ifdef TDSL_JIT_LOOKUP\n", out);
    for (int ws = 0; ws < 2; ws++) {
        fprintf(out, "#define %s%s ((int (*)(", f->name, ws ? "_ws" : "");
        print_params(out, f, false, ws);
        fprintf(out, "))TDSL_JIT_LOOKUP(\"%s%s\"))\n", f->name, ws ? "_ws" : "");
    }
    fprintf(out, "#define %s_workspace_bytes ((size_t (*)(", f->name);
    print_size_params(out, f, false);
    fprintf(out, "))TDSL_JIT_LOOKUP(\"%s_workspace_bytes\"))\n#else\n", f->name);
    for (int ws = 0; ws < 2; ws++) {
        fprintf(out, "int %s%s(", f->name, ws ? "_ws" : "");
        print_params(out, f, true, ws);
        fputs(");\n", out);
    }
    fprintf(out, "size_t %s_workspace_bytes(", f->name);
    print_size_params(out, f, true);
    fputs(");\n#endif\n", out);
}

int header_emit(FILE *out, LFunc **fns, int n, const char *guard)
{
    char def[128];
    if (!guard || !*guard) {
        snprintf(def, sizeof def, "TDSL_%s_H", n > 0 ? fns[0]->name : "GENERATED");
        for (char *p = def; *p; p++) *p = isalnum((unsigned char)*p) ? (char)toupper((unsigned char)*p) : '_';
        guard = def;
    }
    fprintf(out, "/* Generated by tdslc. Do not edit. */\n#ifndef %s\n#define %s\n\n", guard, guard);
    fputs(tensor_h, out);
    fputs("\n#ifdef __cplusplus\nextern \"C\" {\n#endif\n", out);
    for (int i = 0; i < n; i++) {
        const LFunc *f = fns[i];
        fputc('\n', out);
        if (f->extern_sym) {     /* the object calls it; the user's program defines it */
            fprintf(out, "/* extern fn %s: called with shapes checked, returns 0 or an error code */\n", f->name);
            fprintf(out, "int %s(", f->extern_sym);
            print_params(out, f, true, false);
            fputs(");\n", out);
            continue;
        }
        print_comment(out, f);
        fprintf(out,
                "/* %s_ws: %s with its scratch memory in ws, %s_workspace_bytes(sizes) bytes (any alignment; "
                "64 is best) */\n",
                f->name, f->name, f->name);
        print_entries(out, f);
    }
    fprintf(out, "\n#ifdef __cplusplus\n}\n#endif\n#endif /* %s */\n", guard);
    return ferror(out) ? -1 : 0;
}
