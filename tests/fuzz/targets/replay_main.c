/* replay_main.c - runs a fuzz target's LLVMFuzzerTestOneInput once per file
 * named, without libFuzzer (and LLVMFuzzerInitialize first when the target
 * has one, after every file is read: the repl target changes directory): the
 * fuzz group of make test replays every input that found a bug with it.
 * Exit 0 when every input ran; a bug aborts or is a sanitizer's report. */
#include "tests/fuzz/targets/fz.h"
#include <stdlib.h>

int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

static uint8_t *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 1 << 16, n = 0, k;
    uint8_t *buf = malloc(cap);
    while (buf && (k = fread(buf + n, 1, cap - n, f)) > 0)
        if ((n += k) == cap) buf = realloc(buf, cap *= 2);
    fclose(f);
    *len = n;
    return buf;
}

int main(int argc, char **argv)
{
    uint8_t **in = calloc((size_t)argc, sizeof *in);
    size_t *len = calloc((size_t)argc, sizeof *len);
    if (!in || !len) return 2;
    for (int i = 1; i < argc; i++)
        if (!(in[i] = read_file(argv[i], &len[i]))) {
            fprintf(stderr, "replay: cannot read '%s'\n", argv[i]);
            return 2;
        }
    if (LLVMFuzzerInitialize) LLVMFuzzerInitialize(&argc, &argv);
    for (int i = 1; i < argc; i++) {
        LLVMFuzzerTestOneInput(in[i], len[i]);
        free(in[i]);
    }
    free(in);
    free(len);
    return 0;
}
