/* sched_fuzz.c - the randomized schedule differential tester. For each fn of the
 * given .tdsl files it JIT-compiles the unscheduled fn once (the reference),
 * then per case draws a schedule (tests/fuzz/sched_draw.c), compiles the fn
 * with it, calls both through libffi on random sizes and inputs, and compares
 * every result bit for bit (any NaN matching any NaN; floats get a tolerance
 * when the schedule uses rfactor).
 * A rejected schedule must come with a located error; a crash, an internal
 * error, a mismatch or a write outside a result is a failure. Every case is a
 * function of its seed: a failure prints the command that replays it. */
#include "lang/ast.h"
#include "lower/lower.h"
#include "parser/parse.h"
#include "sema/sema.h"
#include "fuzz/fuzz.h"
#include <llvm-c/Core.h>
#include <signal.h>
#include <sys/wait.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>


typedef struct Options {
    long n;                     /* cases in all */
    uint64_t seed;
    bool seed_given, n_given, verbose, strict, quiet, fork, minimize, nan_bits;
    int part, parts;            /* --part K/M: only the fns t with t % M == K - 1 */
    const char *fn;             /* only this fn */
    const char *sched_file;     /* replay: this schedule instead of the drawn one */
    const char *sizes;          /* replay: "n=3,k=7" instead of drawn sizes */
    const char *without;        /* primitives legal draws leave out */
    int draws;                  /* size draws per compiled schedule */
    int opt, ref_opt;           /* JIT opt levels of the scheduled fn and of the reference */
    int timeout;
    const char *argv0;
} Options;

typedef struct Counts {
    long cases, accepted, matched, rejected, failed;
    long legal_drawn, legal_rejected, illegal_drawn, illegal_rejected, illegal_accepted;
    long draws_run, draws_skipped;
    int fail_kind;              /* of the last failure: 1 compiling, 2 results, 3 crash or hang, 4 accepted illegal */
} Counts;

static Options opt;
static Counts cnt;
static const char *text_override;   /* this schedule instead of the drawn one (--schedule, --minimize) */
static bool silent;                 /* cases print nothing (--minimize trials) */

/* ---- what a crash or a hang prints ---- */

static char crash_info[16384];

static void on_fatal(int sig)
{
    const char *p = (const char *)fz_phase;
    const char *m1 = "\nFAIL sched_fuzz: ";
    const char *m2 = sig == SIGALRM ? "timed out while " : "fatal signal while ";
    ssize_t w = write(2, m1, strlen(m1));
    w = write(2, m2, strlen(m2));
    w = write(2, p, strlen(p));
    w = write(2, "\n", 1);
    w = write(2, crash_info, strlen(crash_info));
    (void)w;
    if (sig == SIGALRM) _exit(3);
    if (sig) raise(sig);        /* SA_RESETHAND: the default action now */
}

#if defined(__SANITIZE_ADDRESS__)
void __sanitizer_set_death_callback(void (*cb)(void));
static void on_sanitizer_death(void) { on_fatal(0); }
#endif

static void install_handlers(void)
{
    signal(SIGALRM, on_fatal);
#if defined(__SANITIZE_ADDRESS__)
    __sanitizer_set_death_callback(on_sanitizer_death);
#else
    /* its own stack, so that a stack overflow (runaway recursion) is reported too */
    static char altstack[1 << 16];
    stack_t ss = { .ss_sp = altstack, .ss_size = sizeof altstack };
    sigaltstack(&ss, NULL);
    int sigs[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        struct sigaction sa = { .sa_handler = on_fatal, .sa_flags = SA_ONSTACK | SA_RESETHAND };
        sigaction(sigs[i], &sa, NULL);
    }
#endif
}

/* ---- files and compilation ---- */

typedef struct File {
    const char *path;
    char *text;
} File;

static char *read_text(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    Str s = { 0 };
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) str_printf(&s, "%.*s", (int)n, buf);
    fclose(f);
    if (!s.s) str_printf(&s, "%s", "");
    return s.s;
}

typedef enum { C_OK, C_REJECTED, C_BROKEN } CompileStatus;

typedef struct Compiled {
    Arena arena;
    Program prog;
    Fn *fn;
    Jit *jit;
    void *entry;
    char *diag;                 /* everything the Diag printed */
    size_t diaglen;
    CompileStatus status;
    const char *why;            /* C_BROKEN: what was wrong */
} Compiled;

/* f's callees (transitively) then f, in program order */
static int closure(Program *p, Fn *f, Fn **out)
{
    bool need[256] = { 0 };
    int idx = -1;
    for (int i = 0; i < p->nfns && i < 256; i++)
        if (p->fns[i] == f) idx = i;
    if (idx < 0) return 0;
    need[idx] = true;
    for (int i = idx; i >= 0; i--) {
        if (!need[i]) continue;
        Fn *g = p->fns[i];
        for (int k = 0; k < g->nstmts; k++)
            if (g->stmts[k]->kind == ST_CALL && g->stmts[k]->fn)
                for (int j = 0; j < i; j++)
                    if (p->fns[j] == g->stmts[k]->fn) need[j] = true;
    }
    int n = 0;
    for (int i = 0; i < p->nfns && i < 256; i++)
        if (need[i]) out[n++] = p->fns[i];
    return n;
}

/* Every error must be located (file:line:col: error:) and none internal. */
static const char *judge_diag(const char *text)
{
    if (strstr(text, "internal error")) return "internal error";
    for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
        if (!strncmp(l, "error: ", 7)) return "an error without a source location";
    return NULL;
}

static void compile(const File *file, const char *fn, const char *sched, int level, Compiled *c)
{
    memset(c, 0, sizeof *c);
    arena_init(&c->arena);
    FILE *out = open_memstream(&c->diag, &c->diaglen);
    Diag d;
    diag_init(&d, out);
    Source *src = ARENA_NEW(&c->arena, Source);
    src->path = file->path;
    src->text = file->text;
    parse_source(&c->arena, src, &c->prog, &d);
    c->prog.nscheds = 0;                   /* the reference has no schedule; a drawn one replaces the file's */
    if (sched) {
        Source *ss = ARENA_NEW(&c->arena, Source);
        ss->path = "<schedule>";
        ss->text = sched;
        parse_source(&c->arena, ss, &c->prog, &d);
    }
    LFunc **lfs = NULL;
    int n = -1;
    Fn *sub[256];
    if (!d.nerrors && !sema_check(&c->arena, &c->prog, &d)) {
        c->fn = program_find_fn(&c->prog, fn);
        int ns = c->fn ? closure(&c->prog, c->fn, sub) : 0;
        Program p = { .fns = sub, .nfns = ns, .scheds = c->prog.scheds, .nscheds = c->prog.nscheds };
        if (!c->fn) diag_plain(&d, "sched_fuzz: no fn '%s'", fn);
        else n = lower_program(&c->arena, &p, &lfs, &d);
    }
    if (n >= 0 && !d.nerrors) {
        c->jit = jit_create(&d);
        if (c->jit && !jit_add(c->jit, lfs, n, level, &d)) c->entry = jit_lookup(c->jit, fn);
    }
    fclose(out);
    const char *bad = judge_diag(c->diag);
    if (c->entry && !d.nerrors) c->status = C_OK;
    else if (bad) c->status = C_BROKEN, c->why = bad;
    else if (!d.nerrors) c->status = C_BROKEN, c->why = "failed without an error message";
    else c->status = C_REJECTED;
    if (c->status == C_OK && bad) c->status = C_BROKEN, c->why = bad;
}

static void release(Compiled *c)
{
    jit_destroy(c->jit);
    arena_free(&c->arena);
    free(c->diag);
    memset(c, 0, sizeof *c);
}

/* ---- one case ---- */

static void indent(Str *s, const char *text, const char *pre)
{
    for (const char *l = text; l && *l;) {
        const char *e = strchr(l, '\n');
        int n = e ? (int)(e - l) : (int)strlen(l);
        str_printf(s, "%s%.*s\n", pre, n, l);
        l = e ? e + 1 : NULL;
    }
}

static void replay_cmd(Str *s, const File *file, const char *fn, uint64_t seed)
{
    str_printf(s, "  replay: %s --seed 0x%016llx --fn %s", opt.argv0, (unsigned long long)seed, fn);
    if (opt.opt != 3 || opt.ref_opt != 3) str_printf(s, " -O %d --ref-O %d", opt.opt, opt.ref_opt);
    if (opt.without) str_printf(s, " --without %s", opt.without);
    if (opt.draws != 2) str_printf(s, " --draws %d", opt.draws);
    if (opt.nan_bits) str_printf(s, " --nan-bits");
    str_printf(s, " %s\n", file->path);
}

static void case_body(const File *file, Compiled *ref, uint64_t seed)
{
    const Fn *f = ref->fn;
    Rng r = { seed };
    bool illegal = rng_pct(&r, 25);
    SchedDraw sd;
    sched_draw(&ref->prog, f, &r, illegal, &sd);
    const char *text = text_override ? text_override : sd.text.s;
    bool reassoc = strstr(text, "rfactor(") != NULL;   /* floats get a tolerance */
    cnt.cases++;
    if (illegal) cnt.illegal_drawn++;
    else cnt.legal_drawn++;

    Str info = { 0 };
    str_printf(&info, "  file %s, fn %s, seed 0x%016llx, %s schedule%s%s:\n", file->path, f->name,
               (unsigned long long)seed, illegal ? "illegal" : "legal", sd.kind ? ": " : "", sd.kind ? sd.kind : "");
    indent(&info, text, "    | ");
    replay_cmd(&info, file, f->name, seed);
    snprintf(crash_info, sizeof crash_info, "%s", info.s);
    fz_phase = "compiling the scheduled fn";
    alarm((unsigned)opt.timeout);

    Compiled c;
    compile(file, f->name, text, opt.opt, &c);
    Str why = { 0 };
    const char *outcome = NULL;
    bool failed = false;
    if (c.status == C_BROKEN) {
        str_printf(&why, "  compiling: %s\n", c.why);
        indent(&why, c.diag, "    > ");
        failed = true;
        cnt.fail_kind = 1;
    } else if (c.status == C_REJECTED) {
        cnt.rejected++;
        if (illegal) cnt.illegal_rejected++;
        else cnt.legal_rejected++;
        outcome = "rejected";
    } else {
        cnt.accepted++;
        if (illegal) cnt.illegal_accepted++;
        bool ok = true;
        for (int k = 0; k < opt.draws && ok; k++) {
            int64_t sz[64] = { 0 };
            if (!fz_draw_sizes(f, &r, opt.sizes, sz)) {
                cnt.draws_skipped++;
                continue;
            }
            char st[512];
            fz_sizes_text(f, sz, st, sizeof st);
            snprintf(crash_info, sizeof crash_info, "%s  sizes %s\n", info.s, st);
            Str w = { 0 };
            bool skipped = false;
            ok = fz_run_draw(f, ref->entry, c.entry, sz, &r, reassoc, opt.nan_bits, &w, &skipped);
            cnt.draws_run++;
            cnt.draws_skipped += skipped;
            if (!ok) str_printf(&why, "  sizes %s (draw %d):\n%s", st, k + 1, w.s ? w.s : "");
            str_free(&w);
        }
        if (!ok) failed = true, cnt.fail_kind = 2;
        else if (illegal && opt.strict) {
            str_printf(&why, "  the compiler accepted a schedule that breaks a rule (%s)\n", sd.kind);
            failed = true;
            cnt.fail_kind = 4;
        } else {
            cnt.matched++;
            outcome = illegal ? "accepted (illegal!)" : "matched";
        }
    }
    alarm(0);
    fz_phase = "";
    if (failed) {
        cnt.failed++;
        printf("FAIL schedfuzz %s %s\n%s%s", file->path, f->name, why.s ? why.s : "", info.s);
    } else if (opt.verbose || (illegal && c.status == C_OK && !opt.quiet)) {
        printf("%s: %s %s\n%s", outcome, file->path, f->name, info.s);
        if (c.status == C_REJECTED) {
            Str d = { 0 };
            indent(&d, c.diag, "    > ");
            fputs(d.s ? d.s : "", stdout);
            str_free(&d);
        }
    }
    fflush(stdout);
    release(&c);
    str_free(&why);
    str_free(&info);
    str_free(&sd.text);
}

/* Runs one case in a child process (unless --no-fork), so that a crash is one
 * failed case and the run goes on; the child hands its counts back by a pipe. */
static void run_case(const File *file, Compiled *ref, uint64_t seed)
{
    if (!opt.fork) {
        case_body(file, ref, seed);
        return;
    }
    fflush(stdout);
    fflush(stderr);
    int fd[2];
    pid_t pid = pipe(fd) ? -1 : fork();
    if (pid == 0) {
        close(fd[0]);
        if (silent) {
            (void)!freopen("/dev/null", "w", stdout);
            (void)!freopen("/dev/null", "w", stderr);
        }
        case_body(file, ref, seed);
        fflush(stdout);
        ssize_t w = write(fd[1], &cnt, sizeof cnt);
        _exit(w == (ssize_t)sizeof cnt ? 0 : 1);
    }
    if (pid < 0) {
        case_body(file, ref, seed);
        return;
    }
    close(fd[1]);
    Counts got;
    ssize_t r = read(fd[0], &got, sizeof got);
    close(fd[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    if (r == (ssize_t)sizeof got) {
        cnt = got;
        return;
    }
    cnt.cases++;
    cnt.failed++;
    cnt.fail_kind = 3;
    if (silent) return;
    char how[64];
    if (WIFSIGNALED(status))
        snprintf(how, sizeof how, "died of signal %d (%s)", WTERMSIG(status), strsignal(WTERMSIG(status)));
    else snprintf(how, sizeof how, "exited with status %d", WEXITSTATUS(status));
    printf("FAIL schedfuzz %s %s: the case %s (its schedule is printed above)\n", file->path, ref->fn->name, how);
    Str rp = { 0 };
    replay_cmd(&rp, file, ref->fn->name, seed);
    fputs(rp.s, stdout);
    str_free(&rp);
    fflush(stdout);
}

/* ---- minimizing a failing schedule ---- */

typedef struct SPrim {
    int block;
    char stage[64];
    char text[256];
} SPrim;
typedef struct SText {
    char fns[8][64];
    int nblocks;
    SPrim p[128];
    int n;
} SText;

static const char *skip_ws(const char *t)
{
    for (;;) {
        while (*t == ' ' || *t == '\t' || *t == '\n' || *t == '\r') t++;
        if (*t != '#') return t;
        while (*t && *t != '\n') t++;
    }
}

static const char *ident(const char *t, char *out, size_t cap)
{
    size_t n = 0;
    while ((*t >= 'a' && *t <= 'z') || (*t >= 'A' && *t <= 'Z') || (*t >= '0' && *t <= '9') || *t == '_') {
        if (n + 1 < cap) out[n++] = *t;
        t++;
    }
    out[n] = 0;
    return n ? t : NULL;
}

/* schedule text -> blocks of primitives; false if it is not in the plain form */
static bool stext_parse(const char *t, SText *st)
{
    memset(st, 0, sizeof *st);
    char word[64];
    for (t = skip_ws(t); *t; t = skip_ws(t)) {
        if (!(t = ident(t, word, sizeof word)) || strcmp(word, "schedule") || st->nblocks >= 8) return false;
        if (!(t = ident(skip_ws(t), st->fns[st->nblocks], 64))) return false;
        t = skip_ws(t);
        if (*t++ != '{') return false;
        for (t = skip_ws(t); *t != '}'; t = skip_ws(t)) {
            char stage[64];
            if (!(t = ident(t, stage, sizeof stage))) return false;
            while (*(t = skip_ws(t)) == '.') {
                const char *b = t = skip_ws(t + 1);
                while (*t && *t != ')') t++;
                if (!*t || st->n >= 128) return false;
                t++;
                SPrim *p = &st->p[st->n++];
                p->block = st->nblocks;
                snprintf(p->stage, sizeof p->stage, "%s", stage);
                snprintf(p->text, sizeof p->text, "%.*s", (int)(t - b), b);
            }
        }
        t++;
        st->nblocks++;
    }
    return true;
}

static char *stext_print(const SText *st, int skip)
{
    Str s = { 0 };
    for (int b = 0; b < st->nblocks; b++) {
        str_printf(&s, "schedule %s {", st->fns[b]);
        const char *prev = NULL;
        for (int i = 0; i < st->n; i++) {
            if (i == skip || st->p[i].block != b) continue;
            if (prev && !strcmp(prev, st->p[i].stage)) str_printf(&s, "\n        .%s", st->p[i].text);
            else str_printf(&s, "\n    %s.%s", st->p[i].stage, st->p[i].text);
            prev = st->p[i].stage;
        }
        str_printf(&s, "\n}\n");
    }
    return s.s;
}

/* Drops primitives one at a time while the case still fails the same way. */
static void minimize(const File *file, Compiled *ref, uint64_t seed)
{
    Rng r = { seed };
    bool illegal = rng_pct(&r, 25);
    SchedDraw sd;
    sched_draw(&ref->prog, ref->fn, &r, illegal, &sd);
    char *text = strdup(text_override ? text_override : sd.text.s);
    str_free(&sd.text);
    Counts saved = cnt;
    silent = true;
    run_case(file, ref, seed);
    int kind = cnt.failed > saved.failed ? cnt.fail_kind : 0;
    SText st;
    if (!kind) printf("minimize: the case does not fail\n");
    else if (!stext_parse(text, &st)) printf("minimize: cannot take the schedule apart\n");
    else {
        for (bool changed = true; changed;) {
            changed = false;
            for (int i = 0; i < st.n; i++) {
                char *t = stext_print(&st, i);
                Counts before = cnt;
                text_override = t;
                run_case(file, ref, seed);
                bool same = cnt.failed > before.failed && cnt.fail_kind == kind;
                if (same) {
                    memmove(&st.p[i], &st.p[i + 1], sizeof st.p[0] * (size_t)(st.n - i - 1));
                    st.n--;
                    i--;
                    changed = true;
                    free(text);
                    text = t;
                } else {
                    free(t);
                }
            }
        }
        printf("minimized to %d primitives:\n", st.n);
    }
    silent = false;
    cnt = saved;
    text_override = text;
    run_case(file, ref, seed);
    free(text);
    text_override = NULL;
}

/* ---- main ---- */

typedef struct Target {
    int file;
    const char *fn;
} Target;

static uint64_t mix(uint64_t a, uint64_t b)
{
    Rng r = { a ^ (b * 0x9e3779b97f4a7c15ull) };
    rng_next(&r);
    return rng_next(&r);
}

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static const char usage[] =
    "usage: sched_fuzz [-n N] [--seed S] [--fn NAME] [--part K/M] [--draws K] [--strict] [-v|-q] FILE.tdsl...\n"
    "  Draws N random schedules (default 500) over every fn of the files and checks that each\n"
    "  gives the unscheduled results (or is rejected with a located error).\n"
    "  Replay one case: sched_fuzz --seed S --fn NAME FILE (S as printed by a failure);\n"
    "  with --schedule F that case uses the schedule in F, with --sizes n=3,k=7 those sizes;\n"
    "  with --minimize it drops primitives while the case still fails the same way.\n"
    "  --without split,fuse,...: legal draws leave those primitives out (also tailfuse: fuse of\n"
    "  a split inner loop that may have a tail). Illegal draws are not affected.\n"
    "  --part K/M runs the K-th of M disjoint sets of fns. An illegal schedule the compiler\n"
    "  accepts is printed (not with -q) and is a failure with --strict. -O N: JIT opt level (3);\n"
    "  --nan-bits: NaNs must match bit for bit (sign and payload) too.\n"
    "  --ref-O N: another one for the reference (after -O). --no-fork: run cases in this process\n"
    "  (each runs in a child by default, so a crash fails one case and the run goes on).\n";

int main(int argc, char **argv)
{
    opt = (Options){
        .n = 500, .seed = 1, .draws = 2, .opt = 3, .ref_opt = 3, .fork = true, .timeout = 60, .argv0 = argv[0]
    };
    const char *paths[256];
    int nfiles = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "-n") && v) opt.n = atol(argv[++i]), opt.n_given = true;
        else if (!strcmp(a, "--seed") && v) opt.seed = strtoull(argv[++i], NULL, 0), opt.seed_given = true;
        else if (!strcmp(a, "--fn") && v) opt.fn = argv[++i];
        else if (!strcmp(a, "--draws") && v) opt.draws = atoi(argv[++i]);
        else if (!strcmp(a, "--schedule") && v) opt.sched_file = argv[++i];
        else if (!strcmp(a, "--sizes") && v) opt.sizes = argv[++i];
        else if (!strcmp(a, "--timeout") && v) opt.timeout = atoi(argv[++i]);
        else if (!strcmp(a, "-O") && v) opt.opt = opt.ref_opt = atoi(argv[++i]);
        else if (!strcmp(a, "--ref-O") && v) opt.ref_opt = atoi(argv[++i]);
        else if (!strcmp(a, "--part") && v) {
            if (sscanf(argv[++i], "%d/%d", &opt.part, &opt.parts) != 2 || opt.part < 1 || opt.part > opt.parts) {
                fprintf(stderr, "sched_fuzz: --part wants K/M with 1 <= K <= M\n");
                return 2;
            }
        } else if (!strcmp(a, "--strict")) opt.strict = true;
        else if (!strcmp(a, "-q")) opt.quiet = true;
        else if (!strcmp(a, "--no-fork")) opt.fork = false;
        else if (!strcmp(a, "--minimize")) opt.minimize = true;
        else if (!strcmp(a, "--nan-bits")) opt.nan_bits = true;
        else if (!strcmp(a, "--without") && v) {
            opt.without = argv[++i];
            char *list = strdup(opt.without), *save = NULL;
            for (char *w = strtok_r(list, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
                unsigned bit = sched_without_bit(w);
                if (!bit) {
                    fprintf(stderr, "sched_fuzz: --without: unknown primitive '%s'\n", w);
                    return 2;
                }
                sched_without |= bit;
            }
            free(list);
        } else if (!strcmp(a, "-v")) opt.verbose = true;
        else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(usage, stdout);
            return 0;
        } else if (a[0] == '-') {
            fprintf(stderr, "sched_fuzz: unknown option '%s'\n%s", a, usage);
            return 2;
        } else if (nfiles < 256) paths[nfiles++] = a;
    }
    if (!nfiles) {
        fputs(usage, stderr);
        return 2;
    }
    bool replay = opt.fn && opt.seed_given && !opt.n_given;
    install_handlers();
    char *sched_text = opt.sched_file ? read_text(opt.sched_file) : NULL;
    if (opt.sched_file && !sched_text) {
        fprintf(stderr, "sched_fuzz: cannot read %s\n", opt.sched_file);
        return 2;
    }
    text_override = sched_text;

    /* the targets: every checked fn of every file */
    File files[256];
    Target *targets = NULL;
    int ntargets = 0, cap = 0, nall = 0;
    for (int i = 0; i < nfiles; i++) {
        files[i] = (File){ paths[i], read_text(paths[i]) };
        if (!files[i].text) {
            printf("FAIL schedfuzz: cannot read %s\n", paths[i]);
            cnt.failed++;
            continue;
        }
        Compiled c;
        memset(&c, 0, sizeof c);
        arena_init(&c.arena);
        Diag d;
        diag_init(&d, stdout);
        Source *src = ARENA_NEW(&c.arena, Source);
        *src = (Source){ files[i].path, files[i].text };
        if (parse_source(&c.arena, src, &c.prog, &d) || sema_check(&c.arena, &c.prog, &d)) {
            printf("FAIL schedfuzz: %s does not compile\n", paths[i]);
            cnt.failed++;
        }
        for (int k = 0; k < c.prog.nfns; k++) {
            if (!c.prog.fns[k]->checked || (opt.fn && strcmp(opt.fn, c.prog.fns[k]->name))) continue;
            if (opt.parts > 0 && nall++ % opt.parts != opt.part - 1) continue;
            if (ntargets == cap) targets = realloc(targets, sizeof *targets * (size_t)(cap = cap ? cap * 2 : 64));
            targets[ntargets++] = (Target){ i, strdup(c.prog.fns[k]->name) };
        }
        arena_free(&c.arena);
    }
    if (!ntargets) {
        printf("FAIL schedfuzz: no fns%s%s\n", opt.fn ? " named " : "", opt.fn ? opt.fn : "");
        return 1;
    }

    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    long n = replay ? 1 : opt.n;
    int start = (int)(opt.seed % (uint64_t)ntargets);
    for (int ti = 0; ti < ntargets; ti++) {
        int t = (ti + start) % ntargets;
        long k = n / ntargets + (ti < n % ntargets);
        if (replay && ti > 0) break;
        if (!k) continue;
        const File *file = &files[targets[t].file];
        snprintf(crash_info, sizeof crash_info, "  file %s, fn %s (the reference, no schedule)\n", file->path,
                 targets[t].fn);
        fz_phase = "compiling the reference";
        alarm((unsigned)opt.timeout);
        Compiled ref;
        compile(file, targets[t].fn, NULL, opt.ref_opt, &ref);
        alarm(0);
        if (ref.status != C_OK) {
            printf("FAIL schedfuzz %s %s: the unscheduled fn does not compile (%s)\n", file->path, targets[t].fn,
                   ref.why ? ref.why : "rejected");
            Str d = { 0 };
            indent(&d, ref.diag, "    > ");
            fputs(d.s ? d.s : "", stdout);
            str_free(&d);
            cnt.failed++;
            release(&ref);
            continue;
        }
        uint64_t base = mix(opt.seed, hash_str(file->path) ^ hash_str(targets[t].fn));
        if (replay && opt.minimize) minimize(file, &ref, opt.seed);
        else
            for (long q = 0; q < k; q++) run_case(file, &ref, replay ? opt.seed : mix(base, (uint64_t)q));
        release(&ref);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9;
    printf("legal draws %ld: %ld rejected; illegal draws %ld: %ld rejected, %ld accepted; "
           "%ld size draws run (%ld skipped); %d fns, seed %llu, %.1f s\n",
           cnt.legal_drawn, cnt.legal_rejected, cnt.illegal_drawn, cnt.illegal_rejected, cnt.illegal_accepted,
           cnt.draws_run, cnt.draws_skipped, ntargets, (unsigned long long)opt.seed, secs);
    printf("%ld cases: %ld legal (%ld matched), %ld rejected, %ld failed\n", cnt.cases, cnt.accepted, cnt.matched,
           cnt.rejected, cnt.failed);
    for (int i = 0; i < ntargets; i++) free((char *)targets[i].fn);
    free(targets);
    for (int i = 0; i < nfiles; i++) free(files[i].text);
    free(sched_text);
    LLVMShutdown();
    return cnt.failed ? 1 : 0;
}
