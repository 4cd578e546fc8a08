/* xform.c - a tensor statement as the text of an anonymous fn: the session
 * values it names become parameters with their own shapes, `B[i, j] = ...`
 * the fn's one stage (B's extents: the dims its indices index alone, else
 * those of the B the session has), `C = A + B` the stage `C[_i0, _i1] =
 * A[_i0, _i1] + B[_i0, _i1]` over tensors of one shape. Mistakes found here
 * (an unknown tensor, shapes that differ) are reported at the statement. */
#include "repl/xform.h"
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* ---- tokens ---- */

typedef enum XKind { X_NAME, X_NUM, X_STR, X_OP } XKind;
typedef struct XTok {
    XKind k;
    int start, end;
} XTok;

typedef struct Toks {
    XTok *t;
    int n, cap;
} Toks;

static const char *const ops2[] = { "==", "!=", "<=", ">=", "&&", "||", ".." };

/* The end of the number at s[i] (digits, a fraction, an exponent). */
static int number_end(const char *s, int i)
{
    while (isdigit((unsigned char)s[i])) i++;
    if (s[i] == '.' && isdigit((unsigned char)s[i + 1]))
        for (i++; isdigit((unsigned char)s[i]);) i++;
    if ((s[i] == 'e' || s[i] == 'E') &&
        (isdigit((unsigned char)s[i + 1]) || (strchr("+-", s[i + 1]) && isdigit((unsigned char)s[i + 2]))))
        for (i += 2; isdigit((unsigned char)s[i]);) i++;
    return i;
}

/* The end of the token at s[i], setting its kind; 0 for a byte no token starts with. */
static int token_end(const char *s, int i, XKind *k)
{
    unsigned char c = (unsigned char)s[i];
    if (isalpha(c) || c == '_') {
        while (isalnum((unsigned char)s[i]) || s[i] == '_') i++;
        return *k = X_NAME, i;
    }
    if (isdigit(c)) return *k = X_NUM, number_end(s, i);
    if (c == '"') {
        for (i++; s[i] && s[i] != '"' && s[i] != '\n';) i += s[i] == '\\' && s[i + 1] ? 2 : 1;
        return s[i] == '"' ? (*k = X_STR, i + 1) : 0;
    }
    if (c < 0x21 || c > 0x7e) return 0;
    *k = X_OP;
    for (size_t j = 0; j < sizeof ops2 / sizeof *ops2; j++)
        if (!strncmp(s + i, ops2[j], 2)) return i + 2;
    return i + 1;
}

/* False for text the statement parser should report on (a bad character, an open string). */
static bool xlex(const char *s, Toks *out)
{
    *out = (Toks){ 0 };
    for (int i = 0;;) {
        while (s[i] && (isspace((unsigned char)s[i]) || s[i] == '#'))
            if (s[i] == '#')
                while (s[i] && s[i] != '\n') i++;
            else i++;
        if (!s[i]) return true;
        XKind k = X_OP;
        int e = token_end(s, i, &k);
        if (!e) {
            free(out->t);
            *out = (Toks){ 0 };
            return false;
        }
        out->t = xgrow(out->t, &out->cap, out->n + 1, sizeof *out->t);
        out->t[out->n++] = (XTok){ k, i, e };
        i = e;
    }
}

static bool is(const char *s, const Toks *T, int i, const char *text)
{
    if (i < 0 || i >= T->n) return false;
    const XTok *t = &T->t[i];
    return (int)strlen(text) == t->end - t->start && !strncmp(s + t->start, text, strlen(text));
}

/* The token after the bracket at open that closes it, or T->n. */
static int close_of(const char *s, const Toks *T, int open)
{
    int depth = 0;
    for (int i = open; i < T->n; i++) {
        if (is(s, T, i, "(") || is(s, T, i, "[")) depth++;
        if ((is(s, T, i, ")") || is(s, T, i, "]")) && --depth == 0) return i;
    }
    return T->n;
}

/* NAME[...] = : the index of the '=', or -1. */
static int indexed_eq(const char *s, const Toks *T)
{
    if (T->n < 3 || T->t[0].k != X_NAME || !is(s, T, 1, "[")) return -1;
    int c = close_of(s, T, 1);
    return is(s, T, c + 1, "=") ? c + 1 : -1;
}

static bool binary_op(const char *s, const Toks *T, int i)
{
    static const char *const ops[] = { "+", "*", "/", "%", "<", ">", "==", "!=", "<=", ">=", "&&", "||", "!" };
    for (size_t j = 0; j < sizeof ops / sizeof *ops; j++)
        if (T->t[i].k == X_OP && is(s, T, i, ops[j])) return true;
    if (!is(s, T, i, "-") || i == 0) return false;
    const XTok *p = &T->t[i - 1];
    return p->k == X_NAME || p->k == X_NUM || is(s, T, i - 1, ")") || is(s, T, i - 1, "]");
}

bool xform_wanted(const char *text)
{
    Toks T;
    if (!xlex(text, &T)) return false;
    bool want = indexed_eq(text, &T) >= 0;
    for (int i = 0; i < T.n && !want; i++) want = binary_op(text, &T, i);
    free(T.t);
    return want;
}

bool xform_unfinished(const char *text)
{
    Toks T;
    if (!xlex(text, &T)) return false;
    int depth = 0;
    for (int i = 0; i < T.n; i++)
        depth += is(text, &T, i, "(") || is(text, &T, i, "[")   ? 1
                 : is(text, &T, i, ")") || is(text, &T, i, "]") ? -1
                                                                : 0;
    free(T.t);
    return depth > 0;
}

/* ---- the statement ---- */

typedef struct X {
    Line *ln;
    const char *s;
    Toks T;
    XFn *fn;
    int target, eq;             /* tokens of the name assigned and the '=', or -1 */
    int *idx, nidx;             /* tokens of the target's indices (NAME[i, j] = ...) */
    bool *redvar;               /* per token: a reduction variable (after `over`) */
    char rname[32];             /* the stage's name in the fn */
    DType type, wide;           /* the result's; the widest typed operand's */
    int64_t *shape;             /* the result's */
} X;

static void err_tok(X *x, int i, const char *fmt, const char *name)
{
    line_error(x->ln, x->T.t[i].start, x->T.t[i].end, fmt, name);
}

static char *tok_name(X *x, int i)
{
    const XTok *t = &x->T.t[i];
    return arena_strndup(x->ln->a, x->s + t->start, (size_t)(t->end - t->start));
}

/* The names after `over` (up to `in`, ',' or the closing bracket) are
 * reduction variables, and so is every other mention of those names. */
static void mark_reductions(X *x)
{
    x->redvar = arena_alloc(x->ln->a, (size_t)x->T.n + 1);
    memset(x->redvar, 0, (size_t)x->T.n + 1);
    for (int i = 0; i < x->T.n; i++) {
        if (!is(x->s, &x->T, i, "over")) continue;
        int depth = 0;
        bool expect = true;
        for (int j = i + 1; j < x->T.n && depth >= 0; j++) {
            if (is(x->s, &x->T, j, "(") || is(x->s, &x->T, j, "[")) depth++;
            else if (is(x->s, &x->T, j, ")") || is(x->s, &x->T, j, "]")) depth--;
            else if (depth == 0 && is(x->s, &x->T, j, ",")) expect = true;
            else if (expect && x->T.t[j].k == X_NAME) x->redvar[j] = true, expect = false;
            else expect = false;
        }
    }
    for (int i = 0; i < x->T.n; i++)
        for (int j = 0; j < x->T.n && !x->redvar[i] && x->T.t[i].k == X_NAME; j++)
            x->redvar[i] = x->redvar[j] && is(x->s, &x->T, i, tok_name(x, j));
}

/* The target and, for NAME[i, j] = ..., its index names (distinct names). */
static bool parse_target(X *x)
{
    const char *s = x->s;
    x->target = x->eq = -1;
    int eq = indexed_eq(s, &x->T);
    if (eq < 0 && x->T.n > 2 && x->T.t[0].k == X_NAME && is(s, &x->T, 1, "=")) eq = 1;
    if (eq < 0) return true;
    x->target = 0;
    x->eq = eq;
    if (!stmt_check_target(x->ln, tok_name(x, 0), x->T.t[0].start, x->T.t[0].end)) return false;
    if (eq == 1) return true;
    x->idx = ARENA_ARRAY(x->ln->a, int, eq + 1);
    for (int i = 2; i < eq - 1; i += 2) {
        if (x->T.t[i].k != X_NAME || !(is(s, &x->T, i + 1, ",") || i + 1 == eq - 1)) {
            line_error(x->ln, x->T.t[i].start, x->T.t[eq - 2].end, "the indices of %s must be names, like %s[i, j]",
                       tok_name(x, 0), tok_name(x, 0));
            return false;
        }
        for (int k = 0; k < x->nidx; k++)
            if (is(s, &x->T, x->idx[k], tok_name(x, i)))
                return err_tok(x, i, "index '%s' is used twice", tok_name(x, i)), false;
        x->idx[x->nidx++] = i;
    }
    if (eq == 3)
        return line_error(x->ln, x->T.t[1].start, x->T.t[2].end, "give %s an index for each dim", tok_name(x, 0)),
               false;
    return true;
}

static bool is_index(X *x, int i)
{
    for (int k = 0; k < x->nidx; k++)
        if (is(x->s, &x->T, x->idx[k], tok_name(x, i))) return true;
    return false;
}

static XOperand *operand_add(X *x, int i, Val *v, bool whole)
{
    char *name = tok_name(x, i);
    for (int k = 0; k < x->fn->nops; k++)
        if (!strcmp(x->fn->ops[k].name, name)) {
            x->fn->ops[k].whole |= whole;
            return &x->fn->ops[k];
        }
    XOperand *o = &x->fn->ops[x->fn->nops++];
    *o = (XOperand){ name, v, x->T.t[i].start, x->T.t[i].end, whole };
    return o;
}

/* One name of the value: an operand, or nothing to do (a math function, an
 * index, a keyword), or false after reporting. */
static bool classify(X *x, int i)
{
    const char *s = x->s;
    char *name = tok_name(x, i);
    bool call = is(s, &x->T, i + 1, "("), access = is(s, &x->T, i + 1, "[");
    if (x->redvar[i] || !strcmp(name, "over") || !strcmp(name, "in") || !strcmp(name, "true") ||
        !strcmp(name, "false") || (!access && is_index(x, i)))
        return true;
    Val *v = call ? NULL : vars_get(x->ln->s, name);
    if (call) {
        if (!is_builtin(name) && !defs_find(x->ln->s, name, NULL)) return true;     /* exp, sum, f32, ... */
        line_error(x->ln, x->T.t[i].start, x->T.t[i].end,
                   "'%s' cannot be called inside an expression; assign its value first (T = %s(...))", name, name);
        return false;
    }
    if (!v) {
        if (access) err_tok(x, i, "unknown tensor '%s'", name);
        else err_tok(x, i, "unknown name '%s' (not a tensor or scalar of the session, nor an index)", name);
        return false;
    }
    if (access && !v->t->ndim) return err_tok(x, i, "'%s' is a scalar; it takes no indices", name), false;
    if (!access && v->t->ndim && x->idx)
        return err_tok(x, i, "'%s' is a tensor here; index it like the result", name), false;
    operand_add(x, i, v, !access && v->t->ndim);
    return true;
}

/* Whole-tensor operands must have one shape (their common one is the result's). */
static bool same_shapes(X *x)
{
    const RTensor *first = NULL;
    for (int k = 0; k < x->fn->nops; k++) {
        const XOperand *o = &x->fn->ops[k];
        if (!o->whole) continue;
        if (!first) {
            first = o->v->t;
            x->shape = first->shape;
            x->nidx = first->ndim;
            continue;
        }
        bool same = o->v->t->ndim == first->ndim;
        for (int d = 0; same && d < first->ndim; d++) same = o->v->t->shape[d] == first->shape[d];
        if (!same) {
            line_error(x->ln, o->start, o->end, "'%s' is %s but '%s' is %s: whole-tensor arithmetic needs one shape",
                       o->name, type_str(x->ln->a, o->v->t), x->fn->ops[0].name, type_str(x->ln->a, first));
            return false;
        }
    }
    if (first || x->idx) return true;
    line_error(x->ln, 0, (int)strlen(x->s),
               "no whole tensor here: name whole tensors (A + B) or index the result (R[i] = A[i, 0] + x)");
    return false;
}

/* The extent of the target's index k: a dim it indexes alone, else the existing target's. */
static bool index_extent(X *x, int k, const RTensor *old)
{
    const char *s = x->s;
    for (int i = x->eq + 1; i < x->T.n; i++) {
        Val *v = x->T.t[i].k == X_NAME && is(s, &x->T, i + 1, "[") ? vars_get(x->ln->s, tok_name(x, i)) : NULL;
        if (!v || x->redvar[i]) continue;
        int close = close_of(s, &x->T, i + 1), d = 0, from = i + 2;
        for (int j = i + 2, depth = 0; j <= close; j++) {
            if (is(s, &x->T, j, "(") || is(s, &x->T, j, "[")) depth++;
            if ((is(s, &x->T, j, ")") || is(s, &x->T, j, "]")) && j < close) depth--;
            if (depth || !(is(s, &x->T, j, ",") || j == close)) continue;
            if (j == from + 1 && d < v->t->ndim && is(s, &x->T, from, tok_name(x, x->idx[k]))) {
                x->shape[k] = v->t->shape[d];
                return true;
            }
            d++;
            from = j + 1;
        }
    }
    if (old && old->ndim == x->nidx) {
        x->shape[k] = old->shape[k];
        return true;
    }
    err_tok(x, x->idx[k], "cannot tell how far '%s' goes: no tensor is indexed by it alone", tok_name(x, x->idx[k]));
    return false;
}

/* The result's dtype: a cast around the whole value, bool for a comparison at
 * the top, else the widest operand (then the old target's; f32). */
static DType result_type(X *x, const RTensor *old)
{
    x->wide = DT_NONE;
    for (int k = 0; k < x->fn->nops; k++) {
        const Val *v = x->fn->ops[k].v;
        if (!v->literal && (x->wide == DT_NONE || dtype_widens_to(x->wide, v->t->type))) x->wide = v->t->type;
    }
    if (x->wide == DT_NONE) x->wide = old && old->type != DT_BOOL ? old->type : DT_F32;
    const char *s = x->s;
    int v0 = x->eq + 1, last = x->T.n - 1;
    DType cast = x->T.t[v0].k == X_NAME ? dtype_from_name(tok_name(x, v0)) : DT_NONE;
    if (cast != DT_NONE && is(s, &x->T, v0 + 1, "(") && close_of(s, &x->T, v0 + 1) == last) return cast;
    int depth = 0;
    for (int i = v0; i <= last; i++) {
        depth += is(s, &x->T, i, "(") || is(s, &x->T, i, "[")   ? 1
                 : is(s, &x->T, i, ")") || is(s, &x->T, i, "]") ? -1
                                                                : 0;
        static const char *const cmp[] = { "<", ">", "==", "!=", "<=", ">=", "&&", "||", "!" };
        for (size_t j = 0; depth == 0 && j < sizeof cmp / sizeof *cmp; j++)
            if (x->T.t[i].k == X_OP && is(s, &x->T, i, cmp[j])) return DT_BOOL;
    }
    return x->wide;
}

/* ---- the text ---- */

typedef struct Gen {
    char *buf;
    int len, cap;
    XFn *fn;
    int segcap;
} Gen;

static void gen_put(Gen *g, const char *text, int n, int u0, int u1, bool verbatim)
{
    g->buf = xgrow(g->buf, &g->cap, g->len + n + 1, 1);
    memcpy(g->buf + g->len, text, (size_t)n);
    g->buf[g->len + n] = 0;
    if (g->fn) {
        g->fn->segs = xgrow(g->fn->segs, &g->segcap, g->fn->nsegs + 1, sizeof *g->fn->segs);
        g->fn->segs[g->fn->nsegs++] = (XSeg){ g->len, g->len + n, u0, u1, verbatim };
    }
    g->len += n;
}

static void gen_str(Gen *g, const char *text, int u0, int u1) { gen_put(g, text, (int)strlen(text), u0, u1, false); }

/* "[_i0, _i1]" */
static void gen_indices(Gen *g, int n, int u0, int u1)
{
    char buf[16];
    gen_str(g, "[", u0, u1);
    for (int k = 0; k < n; k++) {
        snprintf(buf, sizeof buf, "%s_i%d", k ? ", " : "", k);
        gen_str(g, buf, u0, u1);
    }
    gen_str(g, "]", u0, u1);
}

/* The stage: the statement with the target renamed, or for whole tensors indexed. */
static void gen_body(X *x, Gen *g)
{
    int len = (int)strlen(x->s), from;
    if (x->idx) {
        gen_str(g, x->rname, x->T.t[0].start, x->T.t[0].end);
        from = x->T.t[0].end;
    } else {
        int u1 = x->eq >= 0 ? x->T.t[x->eq].end : 0;
        gen_str(g, x->rname, 0, u1);
        gen_indices(g, x->nidx, 0, u1);
        gen_str(g, " = ", 0, u1);
        from = u1;
    }
    for (int i = x->eq + 1; i < x->T.n && !x->idx; i++) {
        const XTok *t = &x->T.t[i];
        bool whole = false;
        for (int k = 0; k < x->fn->nops && t->k == X_NAME && !is(x->s, &x->T, i + 1, "["); k++)
            whole |= x->fn->ops[k].whole && is(x->s, &x->T, i, x->fn->ops[k].name);
        if (!whole) continue;
        gen_put(g, x->s + from, t->end - from, from, t->end, true);
        gen_indices(g, x->nidx, t->start, t->end);
        from = t->end;
    }
    gen_put(g, x->s + from, len - from, from, len, true);
}

/* a number as typed takes the operands' dtype */
static void print_param(FILE *f, const XOperand *o, DType lit)
{
    const RTensor *t = o->v->t;
    fprintf(f, "%s: %s", o->name, dtype_name(o->v->literal ? lit : t->type));
    for (int d = 0; d < t->ndim; d++) fprintf(f, "%s%lld", d ? ", " : "[", (long long)t->shape[d]);
    if (t->ndim) fputc(']', f);
}

/* "fn _xHASH(A: f32[2, 3], s: f32) -> B: f32[2, 3] {\n" BODY "\n}\n" */
static void gen_fn(X *x)
{
    char *head = NULL;
    size_t hlen = 0;
    FILE *f = open_memstream(&head, &hlen);
    if (!f) abort();
    fputc('(', f);
    for (int k = 0; k < x->fn->nops; k++) {
        if (k) fputs(", ", f);
        print_param(f, &x->fn->ops[k], x->wide);
    }
    fprintf(f, ") -> %s: %s", x->rname, dtype_name(x->type));
    for (int d = 0; d < x->nidx; d++) fprintf(f, "%s%lld", d ? ", " : "[", (long long)x->shape[d]);
    fputs("] {\n", f);
    fclose(f);
    Gen body = { .fn = x->fn };
    gen_body(x, &body);
    uint64_t h = 1469598103934665603ull;      /* FNV-1a over the whole fn: equal text, equal code */
    for (const char *p = head; *p; p++) h = (h ^ (unsigned char)*p) * 1099511628211ull;
    for (const char *p = body.buf; *p; p++) h = (h ^ (unsigned char)*p) * 1099511628211ull;
    snprintf(x->fn->name, sizeof x->fn->name, "_x%016llx", (unsigned long long)h);
    size_t n = strlen(x->fn->name) + 3 + hlen + (size_t)body.len + 4;
    x->fn->text = arena_alloc(x->ln->a, n);
    snprintf(x->fn->text, n, "fn %s%s%s\n}\n", x->fn->name, head, body.buf);
    x->fn->body = (int)(strlen(x->fn->name) + 3 + hlen);
    free(head);
    free(body.buf);
}

/* A name for the stage that no operand has: the target's, else _r, _r1, ... */
static void result_name(X *x)
{
    snprintf(x->rname, sizeof x->rname, "%s", x->fn->target ? x->fn->target : "_r");
    for (int n = 1;; n++) {
        bool taken = false;
        for (int k = 0; k < x->fn->nops; k++) taken |= !strcmp(x->fn->ops[k].name, x->rname);
        if (!taken) return;
        snprintf(x->rname, sizeof x->rname, "_r%d", n);
    }
}

static bool build(X *x)
{
    if (!parse_target(x)) return false;
    x->fn->target = x->target >= 0 ? tok_name(x, 0) : NULL;
    if (x->eq + 1 >= x->T.n) return line_error(x->ln, (int)strlen(x->s), 0, "expected a value after '='"), false;
    mark_reductions(x);
    x->fn->ops = ARENA_ARRAY(x->ln->a, XOperand, x->T.n + 1);
    for (int i = x->eq + 1; i < x->T.n; i++)
        if (x->T.t[i].k == X_NAME && !classify(x, i)) return false;
    if (!same_shapes(x)) return false;
    Val *old_v = x->fn->target ? vars_get(x->ln->s, x->fn->target) : NULL;
    const RTensor *old = old_v && old_v->t->ndim ? old_v->t : NULL;
    if (x->idx) {
        x->shape = ARENA_ARRAY(x->ln->a, int64_t, x->nidx + 1);
        for (int k = 0; k < x->nidx; k++)
            if (!index_extent(x, k, old)) return false;
    }
    x->type = result_type(x, old);
    if (x->fn->type != DT_NONE) x->type = x->fn->type;
    result_name(x);
    gen_fn(x);
    return true;
}

bool xform_build(Line *ln, XFn *fn, DType type)
{
    X x = { .ln = ln, .s = ln->text, .fn = fn };
    memset(fn, 0, sizeof *fn);
    fn->type = type;
    if (!xlex(ln->text, &x.T)) return false;
    bool ok = build(&x);
    free(x.T.t);
    if (!ok) free(fn->segs), fn->segs = NULL;
    return ok;
}

int xform_map(const XFn *fn, int g, bool end)
{
    for (int i = 0; i < fn->nsegs; i++) {
        const XSeg *sg = &fn->segs[i];
        if (end ? g <= sg->g0 || g > sg->g1 : g < sg->g0 || g >= sg->g1) continue;
        if (sg->verbatim) return sg->u0 + (g - sg->g0);
        return end ? sg->u1 : sg->u0;
    }
    const XSeg *last = fn->nsegs ? &fn->segs[fn->nsegs - 1] : NULL;
    return last ? last->u1 : 0;
}
