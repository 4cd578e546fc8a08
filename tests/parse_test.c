/* parse_test.c - parses each .tdsl file given and prints its AST, so parser
 * tests can compare the printed form and the diagnostics with expectations.
 * Usage: parse_test [--spans] FILE...   (exit status 1 if any file has errors)
 * --spans also lists every node's span with the source text it covers. */
#include "lang/ast.h"
#include "parser/parse.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    char *buf = NULL;
    size_t len = 0, cap = 0, n;
    char chunk[4096];
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (len + n + 1 > cap) {
            cap = (len + n + 1) * 2;
            char *nb = realloc(buf, cap);
            if (!nb) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = nb;
        }
        for (size_t i = 0; i < n; i++) buf[len++] = chunk[i];
    }
    fclose(f);
    if (!buf) buf = calloc(1, 1);
    else buf[len] = 0;
    return buf;
}

/* Prints "line:col-line:col  text" for a span that stays on one line. */
static void print_span(const char *what, Span sp, int depth)
{
    printf("%*s%s %d:%d-%d:%d  ", depth * 2, "", what, sp.line, sp.col, sp.end_line, sp.end_col);
    const char *t = sp.src->text;
    for (int l = 1; l < sp.line && *t; t++)
        if (*t == '\n') l++;
    if (sp.end_line == sp.line) printf("%.*s", sp.end_col - sp.col + 1, t + sp.col - 1);
    else printf("(%d lines)", sp.end_line - sp.line + 1);
    putchar('\n');
}

static void print_expr_spans(const Expr *e, int depth)
{
    print_span("expr", e->span, depth);
    for (int i = 0; i < e->nargs; i++) print_expr_spans(e->args[i], depth + 1);
    for (int i = 0; i < e->nrvars; i++) {
        print_span("rvar", e->rvars[i]->span, depth + 1);
        if (e->rvars[i]->lo) print_expr_spans(e->rvars[i]->lo, depth + 2);
        if (e->rvars[i]->hi) print_expr_spans(e->rvars[i]->hi, depth + 2);
    }
}

static void print_tensor_spans(const Tensor *t, int depth)
{
    print_span("tensor", t->span, depth);
    for (int i = 0; i < t->ndim; i++) print_expr_spans(t->dims[i].expr, depth + 1);
}

static void print_spans(const Program *p)
{
    for (int i = 0; i < p->nfns; i++) {
        const Fn *f = p->fns[i];
        print_span("fn", f->span, 0);
        for (int j = 0; j < f->nparams; j++) print_tensor_spans(f->params[j], 1);
        for (int j = 0; j < f->nresults; j++) print_tensor_spans(f->results[j], 1);
        for (int j = 0; j < f->nstmts; j++) {
            const Stage *s = f->stmts[j];
            print_span("stmt", s->span, 1);
            if (s->kind == ST_DECL) print_tensor_spans(s->decl, 2);
            if (s->kind == ST_STAGE) {
                print_span("target", s->target_span, 2);
                for (int k = 0; k < s->nvars; k++) print_span("var", s->var_spans[k], 2);
                print_expr_spans(s->value, 2);
            }
            if (s->kind == ST_CALL) {
                for (int k = 0; k < s->ntargets; k++) print_span("target", s->target_spans[k], 2);
                print_span("callee", s->callee_span, 2);
                for (int k = 0; k < s->nargs; k++) print_expr_spans(s->args[k], 2);
            }
        }
    }
    for (int i = 0; i < p->nscheds; i++) {
        const Schedule *s = p->scheds[i];
        print_span("schedule", s->span, 0);
        for (int j = 0; j < s->nprims; j++) {
            print_span("stage", s->prims[j]->stage_span, 1);
            print_span("prim", s->prims[j]->span, 1);
            for (int k = 0; k < s->prims[j]->nargs; k++) print_span("arg", s->prims[j]->args[k].span, 2);
        }
    }
}

int main(int argc, char **argv)
{
    bool spans = argc > 1 && !strcmp(argv[1], "--spans");
    if (argc < 2 + spans) {
        fprintf(stderr, "usage: %s [--spans] FILE...\n", argv[0]);
        return 2;
    }
    int status = 0;
    for (int i = 1 + spans; i < argc; i++) {
        char *text = read_file(argv[i]);
        Diag d;
        diag_init(&d, stderr);
        if (!text) {
            diag_plain(&d, "cannot read %s", argv[i]);
            status = 1;
            continue;
        }
        Source src = { argv[i], text };
        Arena a;
        arena_init(&a);
        Program prog = { 0 };
        int nerr = parse_source(&a, &src, &prog, &d);
        if (nerr) {
            fprintf(stderr, "%s: %d error%s\n", argv[i], nerr, nerr == 1 ? "" : "s");
            status = 1;
        }
        ast_print_program(stdout, &prog);
        if (spans) print_spans(&prog);
        arena_free(&a);
        free(text);
    }
    return status;
}
