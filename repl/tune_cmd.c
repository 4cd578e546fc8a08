/* tune_cmd.c - the REPL's :tune f(A, B) [SECONDS]: tunes fn f (tune/) for the
 * shapes of the tensors given, within the budget (default 20 s), then installs
 * the schedule found as if it were typed and prints it. */
#include "repl/repl_int.h"
#include "tune/tune.h"
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* the seconds after the call (default 20); false after reporting */
static bool budget_after(Line *ln, int at, double *out)
{
    const char *t = ln->text;
    while (isspace((unsigned char)t[at])) at++;
    *out = 20;
    if (!t[at] || t[at] == '#') return true;
    char *end;
    double v = strtod(t + at, &end);
    int e = (int)(end - t);
    while (isspace((unsigned char)t[e])) e++;
    if (end == t + at || v <= 0 || v > 3600 || (t[e] && t[e] != '#')) {
        line_error(ln, at, (int)strlen(t), ":tune takes a budget in seconds (0 to 3600) after the call");
        return false;
    }
    *out = v;
    return true;
}

/* o's sizes from the ones the call bound (not the derived ones) */
static void sizes_of(const Fn *f, const Call *c, TuneOptions *o)
{
    for (int k = 0; k < f->nsizevars && o->nsizes < TUNE_MAX_SIZES; k++) {
        if (f->sizevars[k].div) continue;
        snprintf(o->size_names[o->nsizes], sizeof o->size_names[0], "%s", f->sizevars[k].name);
        o->size_values[o->nsizes++] = c->sizes[k];
    }
}

int cmd_tune(Line *ln, int at, int end)
{
    /* the call ends at the last ')'; the budget may follow */
    const char *close = strrchr(ln->text + at, ')');
    int stop = close ? (int)(close - ln->text) + 1 : end;
    Line call = *ln;
    call.text = arena_printf(ln->a, "%.*s", stop, ln->text);
    RExpr *e = stmt_parse_expr(&call, at, NULL);
    LFunc *lf = e ? command_callee(ln, e, ":tune needs a call of a fn, like :tune f(X, W) 30") : NULL;
    if (!lf) return -1;
    TuneOptions o = { .fn = lf->fn->name, .seed = 1, .target = "host" };  /* the REPL's JIT runs host code */
    Call c;
    if (!budget_after(ln, stop, &o.budget_s) || call_prepare(ln, lf, e, &c)) return -1;
    sizes_of(lf->fn, &c, &o);
    call_free(&c);
    call_note_background(ln);
    printf("tuning %s for %.0f s ...\n", o.fn, o.budget_s);
    fflush(stdout);
    char *block = NULL;
    if (tune_fn(ln->a, &ln->s->prog, &o, &block, ln->d)) return -1;
    fputs(block, stdout);
    return defs_add(ln->s, "<tune>", block, 1, false, ln->d) ? -1 : 0;
}
