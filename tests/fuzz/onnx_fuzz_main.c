/* onnx_fuzz_main.c - runs the libFuzzer target of onnx_fuzz.c once per file
 * named, without libFuzzer: the onnx_fuzz group replays the saved crash
 * reproducers (tests/fuzz/onnx_crashes/) with it, under ASan in make test-asan.
 * Exit 0 when every input ran; a bug aborts or is a sanitizer's report. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        FILE *f = fopen(argv[i], "rb");
        if (!f) {
            fprintf(stderr, "onnx_fuzz_main: cannot open '%s'\n", argv[i]);
            return 2;
        }
        size_t cap = 1 << 16, n = 0, k;
        uint8_t *buf = malloc(cap);
        while (buf && (k = fread(buf + n, 1, cap - n, f)) > 0)
            if ((n += k) == cap) buf = realloc(buf, cap *= 2);
        fclose(f);
        if (!buf) return 2;
        LLVMFuzzerTestOneInput(buf, n);
        free(buf);
    }
    return 0;
}
