/* modules.c - `use NAME`: finds NAME.tdsl on the search path and parses it and
 * the modules it uses, each file once (by resolved path), every module before
 * the files that use it, so callees precede callers as sema requires. A use
 * of a file still being loaded is a cycle, reported at that use. */
#include "parser/parse.h"
#include "lang/source.h"
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static bool is_dir(const char *path)
{
    struct stat st;
    return !stat(path, &st) && S_ISDIR(st.st_mode);
}

static bool is_file(const char *path)
{
    struct stat st;
    return !stat(path, &st) && S_ISREG(st.st_mode);
}

static void add_dir(Modules *m, PtrVec *dirs, const char *dir, size_t len)
{
    if (!len) return;
    while (len > 1 && dir[len - 1] == '/') len--;
    char *d = arena_strndup(m->a, dir, len);
    for (int i = 0; i < dirs->len; i++)
        if (!strcmp(dirs->items[i], d)) return;
    vec_push(m->a, dirs, d);
}

/* "/a/b/c" -> "/a/b" (the parent of an absolute path; "/" stays) */
static char *parent(Arena *a, const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash && slash != path ? arena_strndup(a, path, (size_t)(slash - path)) : arena_strdup(a, "/");
}

void modules_init(Modules *m, Arena *a, Diag *d, const char *const *inc, int ninc, const char *path_env,
                  const char *exe)
{
    memset(m, 0, sizeof *m);
    m->a = a;
    m->d = d;
    PtrVec dirs = { 0 };
    for (int i = 0; i < ninc; i++) add_dir(m, &dirs, inc[i], strlen(inc[i]));
    for (const char *p = path_env; p && *p;) {
        const char *colon = strchr(p, ':');
        size_t n = colon ? (size_t)(colon - p) : strlen(p);
        add_dir(m, &dirs, p, n);
        p += n + (colon != NULL);
    }
    if (exe) {
        char *bin = parent(a, exe), *up = parent(a, bin);
        const char *std[] = { arena_printf(a, "%s/stdlib", up), arena_printf(a, "%s/stdlib", bin),
                              arena_printf(a, "%s/share/tdsl/stdlib", up) };
        for (int i = 0; i < 3; i++)
            if (is_dir(std[i])) add_dir(m, &dirs, std[i], strlen(std[i]));
    }
    m->dirs = (const char **)dirs.items;
    m->ndirs = dirs.len;
}

const char *modules_exe_path(Arena *a, const char *argv0)
{
    char buf[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n > 0) return arena_strndup(a, buf, (size_t)n);
    if (!argv0 || !strchr(argv0, '/')) return NULL;
    char *r = realpath(argv0, NULL);
    const char *s = r ? arena_strdup(a, r) : NULL;
    free(r);
    return s;
}

/* path resolved (symbolic links, ".."), in the arena; path itself if it cannot be */
static const char *resolve(Arena *a, const char *path)
{
    char *r = realpath(path, NULL);
    const char *s = arena_strdup(a, r ? r : path);
    free(r);
    return s;
}

const char *modules_find(Modules *m, const char *name, const char **path)
{
    for (int i = 0; i < m->ndirs; i++) {
        char *p = arena_printf(m->a, "%s%s%s.tdsl", m->dirs[i], strcmp(m->dirs[i], "/") ? "/" : "", name);
        if (!is_file(p)) continue;
        if (path) *path = p;
        return resolve(m->a, p);
    }
    return NULL;
}

static ModFile *file_by_real(PtrVec *v, const char *real)
{
    for (int i = 0; i < v->len; i++) {
        ModFile *f = v->items[i];
        if (!strcmp(f->real, real)) return f;
    }
    return NULL;
}

void modules_mark_known(Modules *m, const char *name, const char *real)
{
    ModFile *f = ARENA_NEW(m->a, ModFile);
    f->name = arena_strdup(m->a, name);
    f->real = arena_strdup(m->a, real);
    f->known = true;
    vec_push(m->a, &m->files, f);
}

/* "no module 'x' (looked in A, B)" at the use */
static void report_missing(Modules *m, const Use *u)
{
    size_t len = 0;
    for (int i = 0; i < m->ndirs; i++) len += strlen(m->dirs[i]) + 2;
    char *list = arena_alloc(m->a, len + 1);
    for (int i = 0; i < m->ndirs; i++) {
        if (i) strcat(list, ", ");
        strcat(list, m->dirs[i]);
    }
    if (m->ndirs) diag_error(m->d, u->name_span, "no module '%s' (looked in %s)", u->module, list);
    else
        diag_error(m->d, u->name_span, "no module '%s' (the search path is empty: give -I DIR or set TDSL_PATH)",
                   u->module);
}

/* "a -> b -> a": the files being loaded from the one used again */
static void report_cycle(Modules *m, const Use *u, const ModFile *again)
{
    int from = 0;
    while (m->busy.items[from] != again) from++;
    char *chain = "";
    for (int i = from; i < m->busy.len; i++)
        chain = arena_printf(m->a, "%s%s -> ", chain, ((ModFile *)m->busy.items[i])->name);
    diag_error(m->d, u->name_span, "'use %s' makes a cycle: %s%s", u->module, chain, u->module);
}

static int load(Modules *m, ModFile *f, const char *path);

int modules_load_uses(Modules *m, const Program *p)
{
    int errs = m->d->nerrors;
    for (int i = 0; i < p->nuses; i++) {
        const Use *u = p->uses[i];
        const char *path = NULL, *real = modules_find(m, u->module, &path);
        if (!real) {
            report_missing(m, u);
            continue;
        }
        if (file_by_real(&m->files, real)) continue;   /* loaded once */
        ModFile *busy = file_by_real(&m->busy, real);
        if (busy) {
            report_cycle(m, u, busy);
            continue;
        }
        ModFile *f = ARENA_NEW(m->a, ModFile);
        f->name = u->module;
        f->real = real;
        f->used_at = u->name_span;
        f->rank = MOD_MODULE;
        if (load(m, f, path)) diag_note(m->d, u->name_span, "in module '%s', used here", u->module);
    }
    return m->d->nerrors - errs;
}

/* Parses f (its uses first) and appends it to the files; the error count. */
static int load(Modules *m, ModFile *f, const char *path)
{
    int errs = m->d->nerrors;
    f->src = ARENA_NEW(m->a, Source);
    f->src->path = path;
    f->src->text = source_read(m->a, path, m->d);
    if (f->src->text && !parse_source(m->a, f->src, &f->prog, m->d)) {
        vec_push(m->a, &m->busy, f);
        modules_load_uses(m, &f->prog);
        m->busy.len--;
    }
    vec_push(m->a, &m->files, f);     /* even when it failed: reported once */
    return m->d->nerrors - errs;
}

int modules_load_file(Modules *m, const char *path, int rank)
{
    const char *real = resolve(m->a, path);
    ModFile *f = file_by_real(&m->files, real);
    if (f) {
        if (f->rank < rank) f->rank = rank;
        return 0;
    }
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path, *dot = strrchr(base, '.');
    f = ARENA_NEW(m->a, ModFile);
    f->name = dot ? arena_strndup(m->a, base, (size_t)(dot - base)) : base;
    f->real = real;
    f->rank = rank;
    return load(m, f, path);
}

ModFile *modules_file_of(const Modules *m, const Fn *f)
{
    for (int i = 0; i < m->files.len; i++) {
        ModFile *mf = m->files.items[i];
        if (mf->src && mf->src == f->span.src) return mf;
    }
    return NULL;
}

void modules_clash(Diag *d, const Fn *a, const char *amod, Span a_use, const Fn *b, const char *bmod)
{
    if (amod && bmod) {
        diag_error(d, a_use, "modules '%s' and '%s' both define function '%s'", bmod, amod, a->name);
        diag_note(d, b->span, "module '%s' defines '%s' here", bmod, b->name);
        diag_note(d, a->span, "module '%s' defines '%s' here", amod, a->name);
        return;
    }
    const Fn *user = amod ? b : a, *mod = amod ? a : b;
    const char *name = amod ? amod : bmod;
    diag_error(d, user->span, "function '%s' is also defined by module '%s'", user->name, name);
    diag_note(d, mod->span, "module '%s' defines '%s' here", name, mod->name);
}

static int sched_rank(const Modules *m, const Schedule *s)
{
    for (int i = 0; i < m->files.len; i++) {
        ModFile *mf = m->files.items[i];
        if (mf->src && mf->src == s->span.src) return mf->rank;
    }
    return MOD_NAMED;
}

/* Appends the fns of f to fns, leaving out (after reporting) one that a module
 * and another file both define; a file's own duplicates are sema's to report. */
static void add_fns(Modules *m, ModFile *f, PtrVec *fns)
{
    for (int k = 0; k < f->prog.nfns; k++) {
        Fn *fn = f->prog.fns[k];
        Fn *old = NULL;
        for (int i = 0; i < fns->len && !old; i++)
            if (!strcmp(((Fn *)fns->items[i])->name, fn->name)) old = fns->items[i];
        ModFile *of = old ? modules_file_of(m, old) : NULL;
        if (old && of != f && (of->rank == MOD_MODULE || f->rank == MOD_MODULE)) {
            modules_clash(m->d, fn, f->rank == MOD_MODULE ? f->name : NULL, f->used_at, old,
                          of->rank == MOD_MODULE ? of->name : NULL);
            continue;
        }
        vec_push(m->a, fns, fn);
    }
}

int modules_program(Modules *m, Program *prog)
{
    int errs = m->d->nerrors;
    PtrVec fns = { 0 }, all = { 0 }, keep = { 0 }, consts = { 0 };
    for (int i = 0; i < m->files.len; i++) {
        ModFile *f = m->files.items[i];
        add_fns(m, f, &fns);
        for (int k = 0; k < f->prog.nconsts; k++) vec_push(m->a, &consts, f->prog.consts[k]);
        for (int k = 0; k < f->prog.nscheds; k++) vec_push(m->a, &all, f->prog.scheds[k]);
    }
    for (int i = 0; i < all.len; i++) {
        Schedule *s = all.items[i];
        bool replaced = false;
        for (int j = 0; j < all.len && !replaced; j++) {
            Schedule *o = all.items[j];
            replaced = !strcmp(o->fn, s->fn) && sched_rank(m, o) > sched_rank(m, s);
        }
        if (!replaced) vec_push(m->a, &keep, s);
    }
    prog->fns = (Fn **)fns.items;
    prog->nfns = fns.len;
    prog->scheds = (Schedule **)keep.items;
    prog->nscheds = keep.len;
    prog->consts = (Const **)consts.items;
    prog->nconsts = consts.len;
    return m->d->nerrors - errs;
}
