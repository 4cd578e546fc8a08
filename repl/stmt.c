/* stmt.c - the statements typed at the prompt: tokens, a small recursive
 * descent parser (`A = rand(f32[4, 8])`, `(Y, Z) = f(X, 2.0)`, `A[1, 2]`),
 * and diagnostics at byte offsets of the statement. Nothing runs here. */
#include "repl/repl_int.h"
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* ---- diagnostics ---- */

/* line and column (1-based, in bytes) of offset off */
static void pos_of(const Line *ln, int off, int *line, int *col)
{
    *line = ln->line > 1 ? ln->line : 1;
    *col = 1;
    for (int i = 0; i < off && ln->text[i]; i++) {
        if (ln->text[i] == '\n') {
            ++*line;
            *col = 1;
        } else {
            ++*col;
        }
    }
}

static Span span_at(Line *ln, int start, int end)
{
    if (!ln->src) {
        /* the text padded to its first line, so diag prints the right line */
        int pad = ln->line > 1 ? ln->line - 1 : 0;
        size_t n = strlen(ln->text);
        char *t = arena_alloc(ln->a, (size_t)pad + n + 1);
        memset(t, '\n', (size_t)pad);
        memcpy(t + pad, ln->text, n + 1);
        ln->src = ARENA_NEW(ln->a, Source);
        ln->src->path = ln->path;
        ln->src->text = t;
    }
    int len = (int)strlen(ln->text);
    if (start > len) start = len;
    if (end <= start) end = start + 1;
    Span sp = { ln->src, 0, 0, 0, 0 };
    pos_of(ln, start, &sp.line, &sp.col);
    pos_of(ln, end - 1, &sp.end_line, &sp.end_col);
    return sp;
}

static void report(Line *ln, DiagLevel lvl, int start, int end, const char *fmt, va_list ap)
{
    char msg[1024];
    vsnprintf(msg, sizeof msg, fmt, ap);
    fflush(stdout);
    diag_report(ln->d, lvl, span_at(ln, start, end), "%s", msg);
}

void line_error(Line *ln, int start, int end, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    report(ln, DIAG_ERROR, start, end, fmt, ap);
    va_end(ap);
}

void line_note(Line *ln, int start, int end, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    report(ln, DIAG_NOTE, start, end, fmt, ap);
    va_end(ap);
}

void line_plain_note(Line *ln, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    fflush(stdout);
    diag_report(ln->d, DIAG_NOTE, (Span){ 0 }, "%s", msg);
}

/* ---- tokens ---- */

typedef enum TokKind { T_EOF, T_NAME, T_INT, T_FLOAT, T_STRING, T_PUNCT } TokKind;
typedef struct Tok {
    TokKind k;
    int start, end;
    char c;
} Tok;

typedef struct P {
    Line *ln;
    Tok *t;
    int n, i;
    int depth;                  /* of parse_expr, bounded: the stack is finite */
} P;

#define MAX_NESTING 1000

static bool lex(Line *ln, int from, P *p)
{
    const char *s = ln->text;
    int cap = 0, i = from;
    p->ln = ln;
    p->t = NULL;
    p->n = p->i = p->depth = 0;
    for (;;) {
        while (s[i] && (isspace((unsigned char)s[i]) || s[i] == '#'))
            if (s[i] == '#')
                while (s[i] && s[i] != '\n') i++;
            else i++;
        Tok t = { T_EOF, i, i, 0 };
        char c = s[i];
        if (!c) {
            p->t = xgrow(p->t, &cap, p->n + 1, sizeof *p->t);
            p->t[p->n++] = t;
            return true;
        }
        if (isalpha((unsigned char)c) || c == '_') {
            while (isalnum((unsigned char)s[i]) || s[i] == '_') i++;
            t.k = T_NAME;
        } else if (isdigit((unsigned char)c) || (c == '.' && isdigit((unsigned char)s[i + 1]))) {
            t.k = T_INT;
            while (isdigit((unsigned char)s[i])) i++;
            if (s[i] == '.') {
                t.k = T_FLOAT;
                i++;
                while (isdigit((unsigned char)s[i])) i++;
            }
            if ((s[i] == 'e' || s[i] == 'E') &&
                (isdigit((unsigned char)s[i + 1]) ||
                 ((s[i + 1] == '+' || s[i + 1] == '-') && isdigit((unsigned char)s[i + 2])))) {
                t.k = T_FLOAT;
                i += 2;
                while (isdigit((unsigned char)s[i])) i++;
            }
            if (isalpha((unsigned char)s[i]) || s[i] == '_') {
                while (isalnum((unsigned char)s[i]) || s[i] == '_') i++;
                line_error(ln, t.start, i, "malformed number '%.*s'", i - t.start, s + t.start);
                free(p->t);
                return false;
            }
        } else if (c == '"') {
            i++;
            while (s[i] && s[i] != '"' && s[i] != '\n') i += s[i] == '\\' && s[i + 1] ? 2 : 1;
            if (s[i] != '"') {
                line_error(ln, t.start, i, "unterminated string");
                free(p->t);
                return false;
            }
            i++;
            t.k = T_STRING;
        } else if (strchr("()[],=-", c)) {
            i++;
            t.k = T_PUNCT;
            t.c = c;
        } else {
            unsigned char u = (unsigned char)c;
            if (u >= 0x20 && u < 0x7f) line_error(ln, i, i + 1, "unexpected character '%c'", c);
            else line_error(ln, i, i + 1, "unexpected character '\\x%02x'", u);
            free(p->t);
            return false;
        }
        t.end = i;
        p->t = xgrow(p->t, &cap, p->n + 1, sizeof *p->t);
        p->t[p->n++] = t;
    }
}

/* ---- parser ---- */

static Tok *peek(P *p) { return &p->t[p->i]; }
static bool is_punct(const Tok *t, char c) { return t->k == T_PUNCT && t->c == c; }

static void describe(P *p, const Tok *t, char *buf, size_t cap)
{
    if (t->k == T_EOF) snprintf(buf, cap, "the end of the line");
    else snprintf(buf, cap, "'%.*s'", t->end - t->start > 40 ? 40 : t->end - t->start, p->ln->text + t->start);
}

static void expected(P *p, const char *what)
{
    char found[64];
    Tok *t = peek(p);
    describe(p, t, found, sizeof found);
    if (!p->ln->d->nerrors) p->ln->at_end = t->k == T_EOF;
    line_error(p->ln, t->start, t->end, "expected %s, found %s", what, found);
}

static char *tok_str(P *p, const Tok *t)
{
    return arena_strndup(p->ln->a, p->ln->text + t->start, (size_t)(t->end - t->start));
}

static RExpr *rx_new(P *p, RKind k, int start)
{
    RExpr *e = ARENA_NEW(p->ln->a, RExpr);
    e->kind = k;
    e->start = start;
    return e;
}

/* The string literal's value: the escapes \" \\ \n \t. */
static char *unquote(P *p, const Tok *t)
{
    const char *s = p->ln->text;
    char *out = arena_alloc(p->ln->a, (size_t)(t->end - t->start)), *o = out;
    for (int i = t->start + 1; i < t->end - 1; i++) {
        if (s[i] == '\\') {
            i++;
            *o++ = s[i] == 'n' ? '\n' : s[i] == 't' ? '\t' : s[i];
        } else {
            *o++ = s[i];
        }
    }
    *o = 0;
    return out;
}

static RExpr *parse_expr(P *p);
static RExpr *parse_unary(P *p);

/* args up to the closing `close`; the opening token was consumed. */
static bool parse_args(P *p, char close, RExpr *e)
{
    PtrVec v = { 0 };
    if (!is_punct(peek(p), close)) {
        for (;;) {
            RExpr *a = parse_expr(p);
            if (!a) return false;
            vec_push(p->ln->a, &v, a);
            if (is_punct(peek(p), ',')) {
                p->i++;
                continue;
            }
            if (is_punct(peek(p), close)) break;
            char what[48];
            snprintf(what, sizeof what, "',' or '%c'", close);
            expected(p, what);
            return false;
        }
    }
    e->end = peek(p)->end;
    p->i++;
    e->args = (RExpr **)v.items;
    e->nargs = v.len;
    return true;
}

static RExpr *parse_number(P *p, Tok *t)
{
    const char *s = p->ln->text + t->start;
    RExpr *e = rx_new(p, t->k == T_INT ? RX_INT : RX_FLOAT, t->start);
    e->end = t->end;
    char *str = tok_str(p, t);
    errno = 0;
    if (t->k == T_INT) {
        unsigned long long v = strtoull(str, NULL, 10);
        if (errno == ERANGE) {
            line_error(p->ln, t->start, t->end, "integer literal '%.*s' does not fit in 64 bits", t->end - t->start, s);
            return NULL;
        }
        e->uval = v;
        e->big = v > INT64_MAX;
        e->ival = (int64_t)(v & INT64_MAX);
    } else {
        e->fval = strtod(str, NULL);
    }
    return e;
}

static RExpr *parse_primary(P *p)
{
    Tok *t = peek(p);
    if (t->k == T_INT || t->k == T_FLOAT) {
        p->i++;
        return parse_number(p, t);
    }
    if (t->k == T_STRING) {
        p->i++;
        RExpr *e = rx_new(p, RX_STRING, t->start);
        e->end = t->end;
        e->str = unquote(p, t);
        return e;
    }
    if (is_punct(t, '(')) {
        p->i++;
        RExpr *e = parse_expr(p);
        if (!e) return NULL;
        if (!is_punct(peek(p), ')')) {
            expected(p, "')'");
            return NULL;
        }
        p->i++;
        return e;
    }
    if (t->k != T_NAME) {
        expected(p, "a value (a name, a number, a call)");
        return NULL;
    }
    p->i++;
    char *name = tok_str(p, t);
    if (!strcmp(name, "true") || !strcmp(name, "false")) {
        RExpr *e = rx_new(p, RX_BOOL, t->start);
        e->end = t->end;
        e->ival = name[0] == 't';
        return e;
    }
    RExpr *e = rx_new(p, RX_NAME, t->start);
    e->str = name;
    e->end = e->name_end = t->end;
    Tok *n = peek(p);
    if (is_punct(n, '(') || is_punct(n, '[')) {
        e->kind = n->c == '(' ? RX_CALL : RX_INDEX;
        e->open = n->start;
        p->i++;
        if (!parse_args(p, n->c == '(' ? ')' : ']', e)) return NULL;
    }
    return e;
}

static RExpr *parse_expr(P *p)
{
    Tok *t = peek(p);
    if (p->depth >= MAX_NESTING) {
        line_error(p->ln, t->start, t->end, "expression nested more than %d deep", MAX_NESTING);
        return NULL;
    }
    p->depth++;
    RExpr *e = parse_unary(p);
    p->depth--;
    return e;
}

static RExpr *parse_unary(P *p)
{
    Tok *t = peek(p);
    if (is_punct(t, '-')) {
        p->i++;
        RExpr *x = parse_expr(p);
        if (!x) return NULL;
        RExpr *e = rx_new(p, RX_NEG, t->start);
        e->end = x->end;
        e->args = ARENA_ARRAY(p->ln->a, RExpr *, 1);
        e->args[0] = x;
        e->nargs = 1;
        return e;
    }
    return parse_primary(p);
}

/* NAME | NAME, NAME... | (NAME, NAME...) before the '=' at index eq. */
static bool parse_targets(P *p, int eq, RStmt *st)
{
    Arena *a = p->ln->a;
    bool paren = is_punct(peek(p), '(');
    if (paren) p->i++;
    int cap = eq + 1;
    st->targets = ARENA_ARRAY(a, char *, cap);
    st->tstart = ARENA_ARRAY(a, int, cap);
    st->tend = ARENA_ARRAY(a, int, cap);
    for (;;) {
        Tok *t = peek(p);
        if (t->k != T_NAME) {
            expected(p, "a name to assign to");
            return false;
        }
        st->tstart[st->ntargets] = t->start;
        st->tend[st->ntargets] = t->end;
        st->targets[st->ntargets++] = tok_str(p, t);
        p->i++;
        if (is_punct(peek(p), ',')) {
            p->i++;
            continue;
        }
        break;
    }
    if (paren) {
        if (!is_punct(peek(p), ')')) {
            expected(p, "',' or ')'");
            return false;
        }
        p->i++;
    }
    if (p->i != eq) {
        expected(p, "'='");
        return false;
    }
    p->i++;
    return true;
}

RStmt *stmt_parse(Line *ln, int from)
{
    P p;
    if (!lex(ln, from, &p)) return NULL;
    RStmt *st = ARENA_NEW(ln->a, RStmt);
    int depth = 0, eq = -1;
    for (int i = 0; i < p.n && eq < 0; i++) {
        Tok *t = &p.t[i];
        if (t->k != T_PUNCT) continue;
        if (t->c == '(' || t->c == '[') depth++;
        else if (t->c == ')' || t->c == ']') depth--;
        else if (t->c == '=' && depth == 0) eq = i;
    }
    bool ok = true;
    if (eq >= 0) ok = parse_targets(&p, eq, st);
    if (ok && peek(&p)->k == T_EOF) {
        expected(&p, eq >= 0 ? "a value after '='" : "a statement");
        ok = false;
    }
    if (ok) ok = (st->value = parse_expr(&p)) != NULL;
    if (ok && peek(&p)->k != T_EOF) {
        expected(&p, is_punct(peek(&p), '=') ? "one '='" : "the end of the statement");
        ok = false;
    }
    free(p.t);
    return ok ? st : NULL;
}

RExpr *stmt_parse_expr(Line *ln, int from, int *end)
{
    P p;
    if (!lex(ln, from, &p)) return NULL;
    RExpr *e = NULL;
    if (peek(&p)->k == T_EOF) expected(&p, "an expression");
    else if ((e = parse_expr(&p)) && peek(&p)->k != T_EOF) {
        expected(&p, "the end of the line");
        e = NULL;
    }
    if (end) *end = peek(&p)->start;
    free(p.t);
    return e;
}

bool stmt_unfinished(Session *s, const char *text, Arena *a, Diag *d)
{
    Line ln = { s, "<stdin>", text, 1, NULL, a, d, false };
    P p;
    if (!lex(&ln, 0, &p)) return false;
    int depth = 0;
    for (int i = 0; i < p.n; i++) {
        const Tok *t = &p.t[i];
        depth += is_punct(t, '(') || is_punct(t, '[') ? 1 : is_punct(t, ')') || is_punct(t, ']') ? -1 : 0;
    }
    free(p.t);
    return depth > 0 && !stmt_parse(&ln, 0) && ln.at_end;
}
