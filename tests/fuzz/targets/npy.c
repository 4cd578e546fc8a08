/* npy.c - libFuzzer target `npy`: the .npy reader (lang/npy.c) on the bytes,
 * or, for bytes that start like a zip ("PK"), the .npz reader (lang/npz.c) on
 * them written to a scratch file. An array read must survive a round trip:
 * the header np.save would write for it, then its data, read back to the same
 * dtype, shape and bytes. */
#include "tests/fuzz/targets/fz.h"
#include "lang/npy.h"
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char scratch[64];

static void remove_scratch(void) { unlink(scratch); }

static void round_trip(const NpyArray *a)
{
    size_t hlen = 0;
    char *img = npy_header(a->type, a->ndim, a->shape, &hlen);
    if (!img) abort();
    img = realloc(img, hlen + a->nbytes + 1);
    if (!img) abort();
    memcpy(img + hlen, a->data, a->nbytes);
    NpyArray b;
    char err[512];
    if (npy_read_mem(img, hlen + a->nbytes, "<round trip>", &b, err, sizeof err)) {
        fprintf(stderr, "npy fuzz: the header written for an array read does not read back: %s\n", err);
        abort();
    }
    bool same = b.type == a->type && b.ndim == a->ndim && b.nbytes == a->nbytes &&
                !memcmp(b.shape, a->shape, sizeof(int64_t) * (size_t)a->ndim) && !memcmp(b.data, a->data, a->nbytes);
    if (!same || npy_shape_numel(a->type, a->ndim, a->shape) < 0) {
        fprintf(stderr, "npy fuzz: an array read does not round-trip\n");
        abort();
    }
    npy_free(&b);
    free(img);
}

/* An input of at most 1 MiB never needs more than 2 GiB (deflate expands
 * at most 1032 to 1): "WHAT: out of memory" (err starting so, not a header
 * quoted) is an allocation of what a header claims (the fuzz group replays
 * under a 2 GiB limit, libFuzzer's is 2 GiB). */
static void no_memory(const char *err, const char *what)
{
    char oom[256];
    snprintf(oom, sizeof oom, "%s: out of memory", what);
    if (strncmp(err, oom, strlen(oom))) return;
    fprintf(stderr, "npy fuzz: %s\n", err);
    abort();
}

static void read_npz(const uint8_t *data, size_t size)
{
    if (!scratch[0]) {
        snprintf(scratch, sizeof scratch, "/tmp/tdsl_fuzz_npz.%ld", (long)getpid());
        atexit(remove_scratch);
    }
    FILE *f = fopen(scratch, "wb");
    if (!f) abort();
    fwrite(data, 1, size, f);
    fclose(f);
    static const char *const members[] = { "a", "arr_0.npy", "fc1.weight", "" };
    for (int i = 0; i < 4; i++) {
        NpyArray a;
        char err[1024];
        if (npz_read(scratch, members[i], &a, err, sizeof err)) {
            char what[128];
            snprintf(what, sizeof what, "%s:%s", scratch, members[i]);
            no_memory(err, what);
            continue;
        }
        round_trip(&a);
        npy_free(&a);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > (1 << 20)) return -1;
    if (size >= 2 && data[0] == 'P' && data[1] == 'K') {
        read_npz(data, size);
        return 0;
    }
    NpyArray a;
    char err[512];
    if (npy_read_mem(data, size, "<fuzz>", &a, err, sizeof err)) {
        no_memory(err, "<fuzz>");
        return 0;
    }
    round_trip(&a);
    npy_free(&a);
    return 0;
}
