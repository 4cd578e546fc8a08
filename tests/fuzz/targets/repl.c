/* repl.c - libFuzzer target `repl`: the input is REPL statements (fn and
 * schedule blocks, tensors, calls, load()/save(), ':' commands), run by a
 * fresh session as from a pipe, in a scratch directory (the cwd). Output goes
 * to /dev/null (stderr too, unless FUZZ_VERBOSE=1). Inputs that could reach
 * outside the scratch directory (an absolute or ".." path, :lib) or run for
 * long (:time, :tune) are skipped. A crash, leak, hang or sanitizer report
 * is a bug; an error message is not. */
#define _GNU_SOURCE
#include "tests/fuzz/targets/fz.h"
#include "repl/repl.h"
#include <ftw.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef TDSL_SRC_DIR
#define TDSL_SRC_DIR "."
#endif

/* the files the scratch directory starts each input with (the seeds, the
 * transcripts of tests/repl, :load them), relative to the source tree */
static const char *const files[] = {
    "examples/blur3.tdsl",  "examples/conv3x3.tdsl", "examples/linear.tdsl", "examples/linear_relu.tdsl",
    "examples/matmul.tdsl", "examples/mlp.tdsl",     "examples/scale.tdsl",  "examples/softmax.tdsl",
    "e2e/consts.tdsl",      "e2e/consts.npz",        "e2e/consts_w1.npy",    "e2e/consts_idx.npy",
};
enum { NFILES = sizeof files / sizeof files[0] };
static char *body[NFILES];
static size_t body_len[NFILES];

int LLVMFuzzerInitialize(int *argc, char ***argv);
const char *__asan_default_options(void);

/* a call that needs more memory than there is gets TDSL_ERR_NOMEM, as
 * without ASan (tests/repl's calls.in asks for 4 TiB) */
const char *__asan_default_options(void) { return "allocator_may_return_null=1"; }

static char dir[64];

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag;
    if (ftw->level > 0) remove(path);
    return 0;
}

static void empty_dir(void) { nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS); }

static void remove_dir(void)
{
    empty_dir();
    rmdir(dir);
}

/* the scratch directory as each input finds it: files[] and nothing else */
static void fill_dir(void)
{
    empty_dir();
    mkdir("examples", 0755);
    mkdir("e2e", 0755);
    for (int i = 0; i < NFILES; i++) {
        FILE *f = fopen(files[i], "wb");
        if (!f) abort();
        fwrite(body[i], 1, body_len[i], f);
        fclose(f);
    }
}

static void read_files(void)
{
    for (int i = 0; i < NFILES; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/%s%s", TDSL_SRC_DIR, strncmp(files[i], "e2e/", 4) ? "" : "tests/", files[i]);
        FILE *f = fopen(path, "rb");
        if (!f || fseek(f, 0, SEEK_END)) abort();
        body_len[i] = (size_t)ftell(f);
        rewind(f);
        body[i] = malloc(body_len[i] + 1);
        if (!body[i] || fread(body[i], 1, body_len[i], f) != body_len[i]) abort();
        fclose(f);
    }
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    snprintf(dir, sizeof dir, "/tmp/tdsl_fuzz_repl.XXXXXX");
    read_files();
    if (!mkdtemp(dir) || chdir(dir)) abort();
    atexit(remove_dir);
    FILE *null = fopen("/dev/null", "w");
    if (!null) abort();
    stdout = null;
    if (!getenv("FUZZ_VERBOSE")) stderr = null;
    return 0;
}

static bool unsafe(const char *t)
{
    return strstr(t, "..") || strstr(t, "\"/") || strstr(t, "'/") || strstr(t, ":lib") || strstr(t, ":time") ||
           strstr(t, ":tune") || strstr(t, "~");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0 || size > 4096) return -1;
    char *text = strndup((const char *)data, size);
    if (!text) abort();
    if (unsafe(text)) {
        free(text);
        return -1;
    }
    static const char *const inc[] = { TDSL_SRC_DIR "/stdlib" };
    fill_dir();
    Session *s = repl_create(false);
    repl_set_module_path(s, inc, 1, NULL);
    FILE *in = fmemopen(text, strlen(text), "r");
    if (in) {
        repl_run_stream(s, in);
        fclose(in);
    }
    repl_destroy(s);
    free(text);
    return 0;
}
