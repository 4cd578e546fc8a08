/* xform_run.c - a tensor statement run: its anonymous fn (xform.c) parsed,
 * checked and lowered on its own, outside the session's program (so it is
 * never listed, and a failure changes nothing); the diagnostics captured and
 * reported again at the statement's characters; then compiled (cached by its
 * text, so a statement typed again reuses its code) and called like a fn. */
#include "repl/xform.h"
#include "parser/parse.h"
#include "repl/print.h"
#include "sema/sema.h"
#include <stdlib.h>
#include <string.h>

#define XFORM_PATH "<tensor statement>"

/* The byte offset of (line, col) in text (1-based). */
static int offset_of(const char *text, int line, int col)
{
    int off = 0;
    for (int l = 1; l < line && text[off]; off++)
        if (text[off] == '\n') l++;
    return off + col - 1;
}

/* One captured diagnostic at generated (line, col), its caret line giving
 * the extent, reported again at the statement's bytes. */
static void relocate(Line *ln, const XFn *fn, const char *level, int line, int col, const char *caret, const char *msg)
{
    int width = 1;
    const char *c = caret ? strchr(caret, '^') : NULL;
    if (c) width = 1 + (int)strspn(c + 1, "~");
    int g0 = offset_of(fn->text, line, col) - fn->body, g1 = g0 + width;
    int len = (int)strlen(ln->text), u0 = 0, u1 = len;
    if (g0 >= 0) {
        u0 = xform_map(fn, g0, false);
        u1 = xform_map(fn, g1, true);
    }
    const char *brace = "unexpected '}'";     /* the fn's own closing brace: the statement ended */
    if (!strncmp(msg, brace, strlen(brace)))
        return line_error(ln, u0, u1, "unexpected end of the statement%s", msg + strlen(brace));
    if (!strcmp(level, "error")) line_error(ln, u0, u1, "%s", msg);
    else line_note(ln, u0, u1, "%s%s", strcmp(level, "note") ? "warning: " : "", msg);
}

/* Reports the captured diagnostics of fn's compilation at the statement. */
static void replay(Line *ln, const XFn *fn, char *out)
{
    char *save = NULL, *next;
    const size_t plen = strlen(XFORM_PATH);
    for (char *l = strtok_r(out, "\n", &save); l; l = next) {
        next = strtok_r(NULL, "\n", &save);
        int line, col, n = 0;
        char level[16];
        if (!strncmp(l, XFORM_PATH ":", plen + 1) &&
            sscanf(l + plen, ":%d:%d: %15[a-z]: %n", &line, &col, level, &n) == 3 && n > 0) {
            char *echo = next, *caret = echo ? strtok_r(NULL, "\n", &save) : NULL;
            next = caret ? strtok_r(NULL, "\n", &save) : NULL;
            relocate(ln, fn, level, line, col, caret, l + plen + n);
        } else if (!strncmp(l, "note: ", 6)) {
            line_plain_note(ln, "%s", l + 6);
        } else if (!strncmp(l, "error: ", 7) && !strstr(l, "too many errors")) {
            line_error(ln, 0, (int)strlen(ln->text), "%s", l + 7);
        } else if (!strstr(l, "too many errors")) {
            fprintf(ln->d->out, "%s\n", l);     /* a line of a diagnostic elsewhere */
        }
    }
}

/* Parses, checks and lowers fn's text on its own: NULL with its diagnostics in *out (malloc'd). */
static LFunc *compile(Line *ln, const XFn *fn, char **out)
{
    Source *src = ARENA_NEW(ln->a, Source);
    src->path = XFORM_PATH;
    src->text = fn->text;
    size_t len = 0;
    *out = NULL;
    FILE *f = open_memstream(out, &len);
    if (!f) return NULL;
    Diag d;
    diag_init(&d, f);
    Program *prog = ARENA_NEW(ln->a, Program);
    LFunc *lf = NULL;
    if (!parse_source(ln->a, src, prog, &d) && prog->nfns == 1 && !sema_check(ln->a, prog, &d))
        lf = lower_fn_scheduled(ln->a, prog, prog->fns[0], -1, NULL, 0, &d);
    fclose(f);
    return lf;
}

/* The value's dtype when sema found it wider than the result guessed, else DT_NONE. */
static DType stored_type(const char *out)
{
    const char *m = out ? strstr(out, "value of dtype ") : NULL;
    char name[16];
    if (!m || !strstr(m, " cannot be stored in ") || sscanf(m, "value of dtype %15[a-z0-9]", name) != 1) return DT_NONE;
    return dtype_from_name(name);
}

/* The statement's fn, lowered: a second try with the dtype sema found for the
 * value when it was not the one guessed; NULL after reporting. */
static LFunc *build_fn(Line *ln, XFn *fn)
{
    char *out = NULL;
    if (!xform_build(ln, fn, DT_NONE)) return NULL;
    LFunc *lf = compile(ln, fn, &out);
    DType t = lf ? DT_NONE : stored_type(out);
    if (t != DT_NONE) {
        free(fn->segs);
        free(out);
        if (!xform_build(ln, fn, t)) return NULL;
        lf = compile(ln, fn, &out);
    }
    if (!lf && out && *out) replay(ln, fn, out);
    else if (!lf) line_error(ln, 0, (int)strlen(ln->text), "internal error: the statement's fn did not compile");
    free(out);
    return lf;
}

/* The call fn(operands...), each argument at the operand's first mention. */
static RExpr *call_expr(Line *ln, const XFn *fn)
{
    RExpr *e = ARENA_NEW(ln->a, RExpr);
    e->kind = RX_CALL;
    e->str = arena_strdup(ln->a, fn->name);
    e->end = (int)strlen(ln->text);
    e->nargs = fn->nops;
    e->args = ARENA_ARRAY(ln->a, RExpr *, fn->nops + 1);
    for (int k = 0; k < fn->nops; k++) {
        RExpr *a = ARENA_NEW(ln->a, RExpr);
        a->kind = RX_NAME;
        a->str = arena_strdup(ln->a, fn->ops[k].name);
        a->start = fn->ops[k].start;
        a->end = a->name_end = fn->ops[k].end;
        e->args[k] = a;
    }
    return e;
}

int xform_stmt(Line *ln)
{
    XFn fn;
    LFunc *lf = build_fn(ln, &fn);
    free(fn.segs);
    if (!lf) return -1;
    Call c;
    if (call_prepare(ln, lf, call_expr(ln, &fn), &c)) return -1;
    Compiled *comp = comp_get(ln->s, lf, ln->d);
    int r = comp ? call_run(ln, &c, comp, NULL) : -1;
    if (comp) comp_release(comp);
    Val *v = r ? NULL : val_ref(c.results[0]);
    call_free(&c);
    if (!v) return -1;
    if (fn.target) {
        vars_set(ln->s, fn.target, v);
    } else {
        rt_print(stdout, v->t);
        val_release(v);
    }
    return 0;
}
