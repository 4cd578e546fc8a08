/* parse.c - runs the scanner and the grammar over one source: the token filter
 * that decides which newlines end statements, locations and syntax errors, and
 * the node builders the grammar actions call. All nodes live in the arena. */
#include "parser/parse.h"
#include "lang/source.h"
#include "parser/grammar.h"
#include "parser/lexer.h"
#include <stdarg.h>
#include <limits.h>
#include <string.h>

/* ---- locations and errors ---- */

void parse_locate(ParseCtx *c, YYLTYPE *loc, const char *text, int len)
{
    loc->first_line = loc->last_line = c->line;
    loc->first_column = loc->last_column = c->col + 1;
    for (int i = 0; i < len; i++) {
        loc->last_line = c->line;
        loc->last_column = c->col + 1;
        if (text[i] == '\n') {
            c->line++;
            c->col = 0;
        } else c->col++;
    }
}

Span parse_span(ParseCtx *c, const YYLTYPE *l)
{
    return (Span){ c->src, l->first_line, l->first_column, l->last_line, l->last_column };
}

void parse_error(ParseCtx *c, const YYLTYPE *loc, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    c->nerrors++;
    diag_error(c->diag, parse_span(c, loc), "%s", msg);
}

void parse_bad_char(ParseCtx *c, const YYLTYPE *loc, const char *text)
{
    unsigned char ch = (unsigned char)text[0];
    if (ch >= 0x20 && ch != 0x7f && (ch < 0x80 || (ch >= 0xc0 && text[1])))
        parse_error(c, loc, "unexpected character '%s'", text);
    else parse_error(c, loc, "unexpected character '\\x%02x'", ch);
}

/* ---- the token filter: which newlines separate statements ---- */

static ParseTok raw_next(ParseCtx *c)
{
    if (c->has_pending) {
        c->has_pending = false;
        return c->pending;
    }
    ParseTok t;
    memset(&t, 0, sizeof t);
    /* past the error limit the rest is not worth scanning: end here */
    t.kind = c->at_eof || diag_stopped(c->diag) ? TDSL_EOF : tlx_lex(&t.val, &t.loc, c->scanner);
    if (t.kind == TDSL_EOF) {       /* point just past the last token */
        c->at_eof = true;
        t.loc.first_line = t.loc.last_line = c->last.last_line;
        t.loc.first_column = t.loc.last_column = c->last.last_column + 1;
    }
    return t;
}

/* Tokens a statement can end with; a newline after any other is ignored. */
static bool can_end(int kind)
{
    switch (kind) {
    case IDENT:
    case INT:
    case FLOAT:
    case KW_TRUE:
    case KW_FALSE:
    case STRING:
    case ')':
    case ']':
    case '}':
    case TDSL_UNDEF: return true;
    default: return false;
    }
}

/* A newline inside ( ) or [ ], after a token that cannot end a statement, or
 * before a line starting with . { } or -> is not a separator. */
static bool newline_separates(ParseCtx *c)
{
    if (c->depth > 0 || !can_end(c->prev)) return false;
    ParseTok n = raw_next(c);
    while (n.kind == NEWLINE) n = raw_next(c);
    c->pending = n;
    c->has_pending = true;
    return n.kind != '.' && n.kind != '{' && n.kind != '}' && n.kind != ARROW;
}

static void track_nesting(ParseCtx *c, int kind)
{
    switch (kind) {
    case '(':
    case '[': c->depth++; break;
    case ')':
    case ']':
        if (c->depth > 0) c->depth--;
        break;
    case '{':
        c->depth = 0;
        c->body_open = c->in_item;
        break;
    case '}':
        c->depth = 0;
        c->in_item = c->body_open = false;
        break;
    case KW_FN:
    case KW_SCHEDULE:
        c->depth = 0;
        c->in_item = c->prev != KW_EXTERN;  /* an extern fn has no body */
        c->body_open = false;
        break;
    default: break;
    }
}

/* fn or schedule inside an item means its '}' is missing: hand the parser a
 * '}' first, so recovery ends there and the next item parses. The grammar
 * reports it (parse_closed) or finds it unexpected, naming the keyword. */
static ParseTok close_item(ParseCtx *c, ParseTok kw)
{
    c->pending = kw;
    c->has_pending = true;
    c->synth = true;
    ParseTok t = kw;
    t.kind = '}';
    return t;
}

int tdsl_lex(YYSTYPE *val, YYLTYPE *loc, ParseCtx *c)
{
    ParseTok t = raw_next(c);
    while (t.kind == NEWLINE && !newline_separates(c)) t = raw_next(c);
    c->synth = false;
    if ((t.kind == KW_FN || t.kind == KW_SCHEDULE) && c->in_item) t = close_item(c, t);
    track_nesting(c, t.kind);
    c->prev = t.kind;
    if (t.kind != NEWLINE && t.kind != TDSL_EOF) c->last = t.loc;
    *val = t.val;
    *loc = t.loc;
    return t.kind;
}

/* A body was closed: complain if the filter supplied its '}'. */
void parse_closed(ParseCtx *c, const YYLTYPE *loc)
{
    if (c->synth) parse_error(c, loc, "missing '}' before '%s'", c->pending.kind == KW_FN ? "fn" : "schedule");
}

/* ---- node builders for the grammar actions ---- */

Expr *parse_bool(ParseCtx *c, bool v, const YYLTYPE *loc)
{
    Expr *e = ex_new(c->arena, EX_BOOL, parse_span(c, loc));
    e->ival = v;
    return e;
}

Expr *parse_postfix(ParseCtx *c, ExprKind k, const char *name, PtrVec args, const YYLTYPE *loc)
{
    Expr *e = ex_new(c->arena, k, parse_span(c, loc));
    e->name = name;
    e->args = (Expr **)args.items;
    e->nargs = args.len;
    return e;
}

static Op reduce_op(const char *name)
{
    static const struct {
        const char *name;
        Op op;
    } ops[] = {
        { "sum", OP_SUM }, { "prod", OP_PROD },     { "max", OP_MAX },
        { "min", OP_MIN }, { "argmax", OP_ARGMAX }, { "argmin", OP_ARGMIN },
    };
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
        if (!strcmp(name, ops[i].name)) return ops[i].op;
    return OP_NONE;
}

Expr *parse_reduce(ParseCtx *c, const char *name, const YYLTYPE *name_loc, Expr *body, PtrVec rvars, const YYLTYPE *loc)
{
    Expr *e = ex_new(c->arena, EX_REDUCE, parse_span(c, loc));
    e->name = name;
    e->op = reduce_op(name);
    if (e->op == OP_NONE) parse_error(c, name_loc, "only sum, prod, max, min, argmax and argmin can reduce");
    e->args = ARENA_ARRAY(c->arena, Expr *, 1);
    e->args[0] = body;
    e->nargs = 1;
    e->rvars = (RVar **)rvars.items;
    e->nrvars = rvars.len;
    return e;
}

RVar *parse_rvar(ParseCtx *c, const char *name, Expr *lo, Expr *hi, const YYLTYPE *loc)
{
    RVar *r = ARENA_NEW(c->arena, RVar);
    r->name = name;
    r->span = parse_span(c, loc);
    r->lo = lo;
    r->hi = hi;
    return r;
}

Tensor *parse_tensor(ParseCtx *c, const char *name, const char *dtype, const YYLTYPE *dtype_loc, PtrVec *dims,
                     const YYLTYPE *loc)
{
    Tensor *t = ARENA_NEW(c->arena, Tensor);
    t->name = name;
    t->span = parse_span(c, loc);
    t->type = dtype_from_name(dtype);
    if (t->type == DT_NONE) parse_error(c, dtype_loc, "unknown dtype '%s'", dtype);
    if (!dims) {
        t->is_scalar = true;
        return t;
    }
    t->declared_shape = true;
    t->ndim = dims->len;
    t->dims = ARENA_ARRAY(c->arena, Dim, dims->len);
    for (int i = 0; i < dims->len; i++) t->dims[i].expr = dims->items[i];
    return t;
}

static Stage *stage_new(ParseCtx *c, StmtKind k, const YYLTYPE *loc)
{
    Stage *s = ARENA_NEW(c->arena, Stage);
    s->kind = k;
    s->span = parse_span(c, loc);
    return s;
}

Stage *parse_decl(ParseCtx *c, Tensor *t, const YYLTYPE *loc)
{
    if (t->is_scalar) {
        diag_error(c->diag, t->span, "a local declaration needs a shape, e.g. %s: %s[n]", t->name,
                   t->type ? dtype_name(t->type) : "f32");
        c->nerrors++;
        return NULL;
    }
    t->kind = TK_LOCAL;
    Stage *s = stage_new(c, ST_DECL, loc);
    s->decl = t;
    return s;
}

Stage *parse_stage(ParseCtx *c, const char *target, const YYLTYPE *target_loc, PtrVec idx, Expr *value,
                   const YYLTYPE *loc)
{
    Stage *s = stage_new(c, ST_STAGE, loc);
    s->target = target;
    s->target_span = parse_span(c, target_loc);
    s->vars = ARENA_ARRAY(c->arena, const char *, idx.len);
    s->var_spans = ARENA_ARRAY(c->arena, Span, idx.len);
    s->nvars = idx.len;
    for (int i = 0; i < idx.len; i++) {
        Expr *e = idx.items[i];
        if (e->kind != EX_NAME) {
            diag_error(c->diag, e->span, "stage index must be a variable name");
            c->nerrors++;
        }
        s->vars[i] = e->kind == EX_NAME ? e->name : "?";
        s->var_spans[i] = e->span;
    }
    s->value = value;
    return s;
}

/* ST_CALL from a call expression; the targets are already set. */
static Stage *call_stage(ParseCtx *c, Expr *call, const YYLTYPE *loc)
{
    Stage *s = stage_new(c, ST_CALL, loc);
    s->callee = call->name;
    s->callee_span = call->span;
    s->callee_span.end_line = call->span.line;
    s->callee_span.end_col = call->span.col + (int)strlen(call->name) - 1;
    s->args = call->args;
    s->nargs = call->nargs;
    return s;
}

Stage *parse_assign(ParseCtx *c, const char *target, const YYLTYPE *target_loc, Expr *value, const YYLTYPE *loc)
{
    if (value->kind != EX_CALL) {
        parse_error(c, target_loc, "a stage needs index variables, e.g. %s[i] = ...", target);
        return NULL;
    }
    Stage *s = call_stage(c, value, loc);
    s->targets = ARENA_ARRAY(c->arena, const char *, 1);
    s->target_spans = ARENA_ARRAY(c->arena, Span, 1);
    s->targets[0] = target;
    s->target_spans[0] = parse_span(c, target_loc);
    s->ntargets = 1;
    return s;
}

Stage *parse_tuple_call(ParseCtx *c, PtrVec targets, Expr *call, const YYLTYPE *loc)
{
    if (call->kind != EX_CALL) {
        diag_error(c->diag, call->span, "several results are bound by a call, e.g. (A, B) = f(x)");
        c->nerrors++;
        return NULL;
    }
    Stage *s = call_stage(c, call, loc);
    s->targets = ARENA_ARRAY(c->arena, const char *, targets.len);
    s->target_spans = ARENA_ARRAY(c->arena, Span, targets.len);
    s->ntargets = targets.len;
    for (int i = 0; i < targets.len; i++) {
        Expr *e = targets.items[i];
        s->targets[i] = e->name;
        s->target_spans[i] = e->span;
    }
    return s;
}

Fn *parse_fn(ParseCtx *c, const char *name, PtrVec params, PtrVec results, PtrVec stmts, const YYLTYPE *loc)
{
    Fn *f = ARENA_NEW(c->arena, Fn);
    f->name = name;
    f->span = parse_span(c, loc);
    f->params = (Tensor **)params.items;
    f->nparams = params.len;
    for (int i = 0; i < params.len; i++) {
        f->params[i]->kind = TK_PARAM;
        f->params[i]->index = i;
    }
    f->results = (Tensor **)results.items;
    f->nresults = results.len;
    for (int i = 0; i < results.len; i++) {
        f->results[i]->kind = TK_RESULT;
        f->results[i]->index = i;
    }
    f->stmts = (Stage **)stmts.items;
    f->nstmts = stmts.len;
    return f;
}

SchedArg *parse_sarg(ParseCtx *c, const char *name, int64_t v, const YYLTYPE *loc)
{
    SchedArg *a = ARENA_NEW(c->arena, SchedArg);
    a->is_int = name == NULL;
    a->ival = v;
    a->name = name;
    a->span = parse_span(c, loc);
    return a;
}

/* a dim of a pack layout split into blocks: dim / block or dim % block */
SchedArg *parse_sarg_block(ParseCtx *c, int64_t dim, char part, int64_t block, const YYLTYPE *loc)
{
    SchedArg *a = parse_sarg(c, NULL, dim, loc);
    a->part = part;
    a->block = block;
    return a;
}

SchedPrim *parse_prim(ParseCtx *c, const char *prim, PtrVec args, const YYLTYPE *first, const YYLTYPE *last)
{
    SchedPrim *p = ARENA_NEW(c->arena, SchedPrim);
    p->prim = prim;
    YYLTYPE l = *first;
    l.last_line = last->last_line;
    l.last_column = last->last_column;
    p->span = parse_span(c, &l);
    p->args = ARENA_ARRAY(c->arena, SchedArg, args.len);
    p->nargs = args.len;
    for (int i = 0; i < args.len; i++) p->args[i] = *(SchedArg *)args.items[i];
    return p;
}

void parse_chain_add(ParseCtx *c, PtrVec *chain, const char *stage, const YYLTYPE *stage_loc, SchedPrim *p)
{
    if (stage) {
        p->stage = stage;
        p->stage_span = parse_span(c, stage_loc);
    } else {
        const SchedPrim *first = chain->items[0];
        p->stage = first->stage;
        p->stage_span = first->stage_span;
    }
    vec_push(c->arena, chain, p);
}

Schedule *parse_schedule(ParseCtx *c, const char *fn, PtrVec prims, const YYLTYPE *loc)
{
    Schedule *s = ARENA_NEW(c->arena, Schedule);
    s->fn = fn;
    s->span = parse_span(c, loc);
    s->prims = (SchedPrim **)prims.items;
    s->nprims = prims.len;
    return s;
}

void parse_use(ParseCtx *c, const char *module, const YYLTYPE *name_loc, const YYLTYPE *loc)
{
    /* a module's fns must precede the fns that call them (sema), and a use
     * among the fns would suggest an order the loader does not keep */
    if (c->fns.len || c->scheds.len) {
        parse_error(c, loc, "'use %s' must come before the first fn or schedule of the file", module);
        return;
    }
    Use *u = ARENA_NEW(c->arena, Use);
    u->module = module;
    u->span = parse_span(c, loc);
    u->name_span = parse_span(c, name_loc);
    vec_push(c->arena, &c->uses, u);
}

void parse_const(ParseCtx *c, Tensor *t, const char *fn, const YYLTYPE *fn_loc, const char *path,
                 const YYLTYPE *path_loc, const char *member, const YYLTYPE *member_loc, const YYLTYPE *loc)
{
    if (strcmp(fn, "load")) {
        parse_error(c, fn_loc, "a const is read from a file: load(\"file.npy\") or load(\"file.npz\", \"member\")");
        return;
    }
    if (t->is_scalar) {
        diag_error(c->diag, t->span, "a const needs a shape, e.g. %s: %s[4]", t->name,
                   t->type ? dtype_name(t->type) : "f32");
        c->nerrors++;
        return;
    }
    t->kind = TK_CONST;
    Const *k = ARENA_NEW(c->arena, Const);
    k->name = t->name;
    k->span = parse_span(c, loc);
    k->decl = t;
    k->path = path;
    k->path_span = parse_span(c, path_loc);
    k->member = member;
    if (member) k->member_span = parse_span(c, member_loc);
    vec_push(c->arena, &c->consts, k);
}

Fn *parse_extern(ParseCtx *c, const char *name, PtrVec params, PtrVec results, const char *sym, const YYLTYPE *sym_loc,
                 const YYLTYPE *loc)
{
    Fn *f = parse_fn(c, name, params, results, (PtrVec){ 0 }, loc);
    f->extern_sym = sym;
    f->extern_span = parse_span(c, sym_loc);
    bool ident = sym[0] && !(sym[0] >= '0' && sym[0] <= '9');
    for (const char *p = sym; *p; p++)
        ident &= (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_';
    if (!ident) parse_error(c, sym_loc, "the C symbol of an extern fn must be a C identifier, not \"%s\"", sym);
    return f;
}

/* ---- entry point ---- */

/* Returns old[0..n) followed by add's items, in a fresh arena array. */
static void **append_items(Arena *a, void **old, int n, const PtrVec *add)
{
    void **items = ARENA_ARRAY(a, void *, n + add->len);
    if (n) memcpy(items, old, sizeof(void *) * (size_t)n);
    if (add->len) memcpy(items + n, add->items, sizeof(void *) * (size_t)add->len);
    return items;
}

/* Runs the grammar over src with c set up; with to_end, the token filter also
 * reads what a parse that gave up early left, so c holds its state at the end
 * of the input. False if the scanner cannot start. */
static bool run_parser(ParseCtx *c, Arena *a, const Source *src, Diag *d, bool to_end)
{
    memset(c, 0, sizeof *c);
    c->arena = a;
    c->src = src;
    c->diag = d;
    c->line = 1;
    c->prev = NEWLINE;
    c->last.first_line = c->last.last_line = 1;
    yyscan_t sc;
    if (tlx_lex_init_extra(c, &sc)) {
        diag_plain(d, "%s: cannot start the scanner", src->path);
        return false;
    }
    c->scanner = sc;
    const char *text = src->text ? src->text : "";
    YY_BUFFER_STATE buf = tlx__scan_bytes(text, (int)strlen(text), sc);
    int rc = tdsl_parse(c);
    YYSTYPE val;
    YYLTYPE loc;
    while (to_end && !c->at_eof) tdsl_lex(&val, &loc, c);
    tlx__delete_buffer(buf, sc);
    tlx_lex_destroy(sc);
    if (rc && !c->nerrors) c->nerrors = 1;
    return true;
}

int parse_source(Arena *a, const Source *src, Program *prog, Diag *d)
{
    const char *text = src->text ? src->text : "";
    if (source_check(src->path, text, strlen(text), d)) return 1;
    ParseCtx c;
    if (!run_parser(&c, a, src, d, false)) return 1;
    if (c.fns.len) {
        prog->fns = (Fn **)append_items(a, (void **)prog->fns, prog->nfns, &c.fns);
        prog->nfns += c.fns.len;
    }
    if (c.scheds.len) {
        prog->scheds = (Schedule **)append_items(a, (void **)prog->scheds, prog->nscheds, &c.scheds);
        prog->nscheds += c.scheds.len;
    }
    if (c.consts.len) {
        prog->consts = (Const **)append_items(a, (void **)prog->consts, prog->nconsts, &c.consts);
        prog->nconsts += c.consts.len;
    }
    if (c.uses.len) {
        prog->uses = (Use **)append_items(a, (void **)prog->uses, prog->nuses, &c.uses);
        prog->nuses += c.uses.len;
    }
    return c.nerrors;
}

bool parse_unfinished(Arena *a, const Source *src, Diag *d)
{
    ParseCtx c;
    int max = d->max_errors;
    d->max_errors = INT_MAX;    /* an error limit would end the scan early, and the block would look open */
    bool ok = run_parser(&c, a, src, d, true);
    d->max_errors = max;
    return ok && ((c.in_item && c.body_open) || (c.nsyntax && c.first_at_end));
}
