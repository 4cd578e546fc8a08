/* cache.c - the tuning cache: one line per tuned (fn, sizes, threads, CPU)
 * in ~/.cache/tdsl/tune.tsv ($XDG_CACHE_HOME/tdsl/, or --tune-cache FILE):
 * "KEY<TAB>fn<TAB>ms<TAB>unscheduled ms<TAB>schedule block with \n as \\n". The key hashes the
 * fn's text and its callees', the sizes, TDSL_NUM_THREADS and the CPU's name
 * and features, so a change to any of them misses. The last line of a key wins. */
#include "tune/tune_int.h"
#include <errno.h>
#include <llvm-c/Core.h>
#include <llvm-c/TargetMachine.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static uint64_t fnv(uint64_t h, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 0x100000001b3ull;
    return h;
}

/* the source lines of f (its span) */
static uint64_t hash_fn(uint64_t h, const Fn *f)
{
    const char *t = f->span.src ? f->span.src->text : NULL;
    if (!t) return fnv(h, f->name, strlen(f->name));
    for (int line = 1; *t && line < f->span.line; t++) line += *t == '\n';
    const char *e = t;
    for (int line = f->span.line; *e && line <= f->span.end_line; e++) line += *e == '\n';
    return fnv(h, t, (size_t)(e - t));
}

uint64_t tune_cache_key(const Program *prog, const Fn *fn, const TuneOptions *o)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (int i = 0; i < prog->nfns; i++) {      /* fn and the fns before it: its callees among them */
        h = hash_fn(h, prog->fns[i]);
        if (prog->fns[i] == fn) break;
    }
    h = fnv(h, fn->name, strlen(fn->name));
    h = fnv(h, o->keep_own ? "as written" : "unscheduled", o->keep_own ? 10 : 11);
    char buf[96];
    for (int i = 0; i < o->nsizes; i++) {
        int n = snprintf(buf, sizeof buf, "%s=%lld;", o->size_names[i], (long long)o->size_values[i]);
        h = fnv(h, buf, (size_t)n);
    }
    const char *th = getenv("TDSL_NUM_THREADS"), *tg = o->target ? o->target : "x86-64-v3";
    h = fnv(h, tg, strlen(tg));
    h = fnv(h, th ? th : "-", strlen(th ? th : "-"));
    char *cpu = LLVMGetHostCPUName(), *feat = LLVMGetHostCPUFeatures();
    h = fnv(fnv(h, cpu, strlen(cpu)), feat, strlen(feat));
    LLVMDisposeMessage(cpu);
    LLVMDisposeMessage(feat);
    return h;
}

/* the cache file's path (its directory made); NULL if there is no home */
static char *cache_path(const TuneOptions *o)
{
    if (o->cache) return strdup(o->cache);
    const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
    if (!(xdg && *xdg) && !home) return NULL;
    char dir[4096];
    snprintf(dir, sizeof dir, "%s%s", xdg && *xdg ? xdg : home, xdg && *xdg ? "" : "/.cache");
    mkdir(dir, 0755);
    size_t n = strlen(dir);
    snprintf(dir + n, sizeof dir - n, "/tdsl");
    if (mkdir(dir, 0755) && errno != EEXIST) return NULL;
    char *p = malloc(n + 32);
    snprintf(p, n + 32, "%s/tune.tsv", dir);
    return p;
}

char *tune_cache_get(Arena *a, const TuneOptions *o, uint64_t key, double *t, double *base)
{
    char *path = cache_path(o), *line = NULL, *found = NULL;
    size_t cap = 0;
    FILE *f = path ? fopen(path, "r") : NULL;
    char want[32];
    snprintf(want, sizeof want, "%016llx\t", (unsigned long long)key);
    while (f && getline(&line, &cap, f) > 0) {
        char *f2 = strchr(line + 17, '\t');
        if (strncmp(line, want, 17) || !f2 || sscanf(f2 + 1, "%lf\t%lf", t, base) != 2) continue;
        *t *= 1e-3, *base *= 1e-3;
        char *block = strrchr(line, '\t') + 1, *w = block;
        for (char *r = block; *r && *r != '\n'; r++) *w++ = r[0] == '\\' && r[1] == 'n' ? (r++, '\n') : *r;
        *w = 0;
        found = arena_strdup(a, block);
    }
    if (f) fclose(f);
    free(line);
    free(path);
    return found;
}

void tune_cache_put(const TuneOptions *o, uint64_t key, double seconds, double base, const char *block)
{
    char *path = cache_path(o);
    FILE *f = path ? fopen(path, "a") : NULL;
    if (f) {
        fprintf(f, "%016llx\t%s\t%.6g\t%.6g\t", (unsigned long long)key, o->fn, seconds * 1e3, base * 1e3);
        for (const char *p = block; *p; p++) {
            if (*p == '\n') fputs("\\n", f);
            else if (*p != '\t') fputc(*p, f);
        }
        fputc('\n', f);
        fclose(f);
    }
    free(path);
}
