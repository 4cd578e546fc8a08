/* fz.c - the front end of tdslc over text in memory, for the fuzz targets:
 * the same calls cli/tdslc.c's compile() makes, with the stdlib of the source
 * tree as the only module directory. Invariant: everything a call allocates
 * comes from its own arena or is freed before it returns (leaks are bugs). */
#include "tests/fuzz/targets/fz.h"
#include "lang/source.h"
#include "lower/lower.h"
#include "parser/parse.h"
#include "sema/sema.h"
#include <stdlib.h>
#include <string.h>

#ifndef TDSL_SRC_DIR
#define TDSL_SRC_DIR "."
#endif

FILE *fz_sink(void)
{
    static FILE *out;
    if (!out) out = getenv("FUZZ_VERBOSE") ? stderr : fopen("/dev/null", "w");
    return out;
}

static int compile_checked(Arena *a, const char *text, FzStage stage, Diag *d, long *from)
{
    static const char *const inc[] = { TDSL_SRC_DIR "/stdlib" };
    Modules m;
    modules_init(&m, a, d, inc, 1, NULL, NULL);
    ModFile *f = ARENA_NEW(a, ModFile);
    f->name = "fuzz";
    f->real = "<fuzz>";
    f->rank = MOD_NAMED;
    f->src = ARENA_NEW(a, Source);
    f->src->path = "<fuzz>";
    f->src->text = text;
    if (!parse_source(a, f->src, &f->prog, d)) modules_load_uses(&m, &f->prog);
    vec_push(a, &m.files, f);
    Program prog = { 0 };
    if (!d->nerrors) modules_program(&m, &prog);
    if (d->nerrors || sema_check(a, &prog, d)) return d->nerrors ? d->nerrors : 1;
    LFunc **fns = NULL;
    *from = ftell(d->out);
    int n = lower_program(a, &prog, &fns, d);
    if (n < 0 || stage == FZ_LOWER) return n < 0 ? 1 : 0;
    CodegenOptions cg = { NULL, 0 };
    if (aot_emit(fns, n, &cg, EMIT_OBJ, "/dev/null", d)) return 1;
    header_emit(fz_sink(), fns, n, "TDSL_FUZZ_H");
    return 0;
}

/* A line "error: internal error: ..." (diag_plain's) in what lowering and
 * codegen reported, msgs[from..len): these run only on a program that parsed
 * and checked, so no line of it echoed under a located error starts so. */
void fz_check_messages(const char *msgs, size_t len, size_t from)
{
    if (getenv("FUZZ_VERBOSE")) fwrite(msgs, 1, len, stderr);
    static const char mark[] = "error: internal error:";
    for (const char *p = msgs + from; p < msgs + len; p = strchr(p, '\n'), p = p ? p + 1 : msgs + len)
        if (!strncmp(p, mark, sizeof mark - 1)) {
            fprintf(stderr, "fuzz: the compiler reported an internal error:\n%s", msgs);
            abort();
        }
}

int fz_compile(const char *text, size_t len, FzStage stage)
{
    Arena a;
    arena_init(&a);
    char *msgs = NULL;
    size_t mlen = 0;
    Diag d;
    diag_init(&d, open_memstream(&msgs, &mlen));
    if (!d.out) abort();
    long from = -1;
    int r =
        source_check("<fuzz>", text, len, &d) ? 1 : compile_checked(&a, arena_strndup(&a, text, len), stage, &d, &from);
    fclose(d.out);
    fz_check_messages(msgs, mlen, from < 0 ? mlen : (size_t)from);
    free(msgs);
    arena_free(&a);
    return r;
}
