/* kernels_table.c - the parent of the kernels benchmark: runs a child per
 * thread count (1, 2) with TDSL_NUM_THREADS, OMP_NUM_THREADS and
 * OPENBLAS_NUM_THREADS set, collects their "kernel|size|threads|impl|ms|rate|
 * unit|err" lines, and writes OUTDIR/kernels.md (the table) and
 * OUTDIR/kernels.dat (speed relative to the peer on 1 thread, for gnuplot).
 * Usage: kernels [--out OUTDIR] [--torch FILE] */
#include "bench/kernels.h"
#include <unistd.h>

#define MAXREC 256

typedef struct Rec {
    char kernel[32], size[48], impl[32], unit[16];
    int threads;
    double ms, rate, err;
} Rec;

static Rec recs[MAXREC];
static int nrec;
static double triad[3];

static void read_child(const char *self, int threads)
{
    char cmd[4096], line[512];
    snprintf(cmd, sizeof cmd, "'%s' --child %d", self, threads);
    setenv("TDSL_NUM_THREADS", threads == 1 ? "1" : "2", 1);
    setenv("OMP_NUM_THREADS", threads == 1 ? "1" : "2", 1);
    setenv("OPENBLAS_NUM_THREADS", threads == 1 ? "1" : "2", 1);
    FILE *p = popen(cmd, "r");
    if (!p) return;
    while (fgets(line, sizeof line, p)) {
        fputs(line, stderr);
        Rec r = { 0 };
        double gbs;
        if (sscanf(line, "triad|-|%d|%lf", &r.threads, &gbs) == 2) {
            triad[r.threads == 1 ? 1 : 2] = gbs;
            continue;
        }
        if (nrec < MAXREC && sscanf(line, "%31[^|]|%47[^|]|%d|%31[^|]|%lf|%lf|%15[^|]|%lf", r.kernel, r.size,
                                    &r.threads, r.impl, &r.ms, &r.rate, r.unit, &r.err) == 8)
            recs[nrec++] = r;
    }
    if (pclose(p)) fprintf(stderr, "kernels: the %d-thread child failed\n", threads);
}

/* "kernel|size|threads|ms" lines from bench/kernels_torch.py */
static void read_torch(const char *path)
{
    FILE *f = path ? fopen(path, "r") : NULL;
    char line[256];
    if (!f) return;
    while (fgets(line, sizeof line, f)) {
        Rec r = { 0 };
        if (nrec < MAXREC && sscanf(line, "%31[^|]|%47[^|]|%d|%lf", r.kernel, r.size, &r.threads, &r.ms) == 4) {
            strcpy(r.impl, "PyTorch");
            r.err = NAN;
            recs[nrec++] = r;
        }
    }
    fclose(f);
}

static const Rec *find(const Rec *like, const char *impl, int threads)
{
    for (int i = 0; i < nrec; i++)
        if (!strcmp(recs[i].kernel, like->kernel) && !strcmp(recs[i].size, like->size) && !strcmp(recs[i].impl, impl) &&
            recs[i].threads == threads)
            return &recs[i];
    return NULL;
}

static const Rec *peer_of(const Rec *r, int threads)
{
    const Rec *p = find(r, "OpenBLAS", threads);
    return p ? p : find(r, "oneDNN", threads);
}

/* one table row per TDSL record: its peer, ratio, triad share, PyTorch */
static void md_row(FILE *f, const Rec *r)
{
    const Rec *p = peer_of(r, r->threads), *t = find(r, "PyTorch", r->threads);
    char name[64], tri[32] = "", torch[32] = "", peer[160] = "-", ratio[32] = "-";
    snprintf(name, sizeof name, "%.31s%s", r->kernel, strcmp(r->impl, "tdsl-host") ? "" : " (--target host)");
    if (!strcmp(r->unit, "GB/s") && triad[r->threads] > 0)
        snprintf(tri, sizeof tri, "%.0f%%", 100 * r->rate / triad[r->threads]);
    if (t) snprintf(torch, sizeof torch, "%.3f", t->ms);
    if (p) {
        snprintf(peer, sizeof peer, "%s %.3f ms (%.1f %s)", p->impl, p->ms, p->rate, p->unit);
        snprintf(ratio, sizeof ratio, "%.2fx", p->ms / r->ms);
    }
    fprintf(f, "| %s | %s | %d | %.3f | %.1f %s | %s | %s | %s | %s | %.1g / %.1g |\n", name, r->size, r->threads,
            r->ms, r->rate, r->unit, peer, ratio, tri, torch, r->err, p ? p->err : NAN);
}

static void write_md(const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f) return;
    fprintf(f, "# stdlib/nn.tdsl against the libraries (median of %d runs; x86-64-v3 objects unless noted)\n\n",
            bench_runs);
    fprintf(f, "STREAM triad in the same process: %.1f GB/s (1 thread), %.1f GB/s (2 threads).\n\n", triad[1],
            triad[2]);
    fprintf(f, "| kernel | size | threads | TDSL ms | TDSL rate | peer | peer ms / TDSL ms | %% of triad | PyTorch ms |"
               " max err TDSL / peer |\n|---|---|---|---|---|---|---|---|---|---|\n");
    for (int th = 1; th <= 2; th++)
        for (int i = 0; i < nrec; i++)
            if (recs[i].threads == th && !strncmp(recs[i].impl, "tdsl", 4)) md_row(f, &recs[i]);
    fprintf(f, "\nRates: GFLOP/s for matmul, linear, the convolutions; GB/s (one read and one write of X) for "
               "softmax, layernorm, gelu. The convolutions' sizes are channels in -> out, image in -> out; oneDNN's "
               "time includes the NCHW <-> blocked reorders of input and output (and of the residual), with bias, "
               "relu and the residual as post-ops; "
               "linear's OpenBLAS time is cblas_sgemm NT plus a bias pass. Errors: max |y - ref| / max |ref| over "
               "sampled rows, ref in double.\n");
    fclose(f);
}

/* speed relative to the peer on 1 thread: TDSL 1t, peer 1t, TDSL 2t, peer 2t, PyTorch 1t */
static void write_dat(const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f) return;
    fprintf(f, "# kernel tdsl1 peer1 tdsl2 peer2 torch1\n");
    for (int i = 0; i < nrec; i++) {
        const Rec *r = &recs[i];
        if (r->threads != 1 || strcmp(r->impl, "tdsl")) continue;
        const Rec *p1 = peer_of(r, 1), *t2 = find(r, "tdsl", 2), *p2 = peer_of(r, 2), *py = find(r, "PyTorch", 1);
        double base = p1 ? p1->ms : r->ms;
        fprintf(f, "\"%s\\n%s\" %.3f %.3f %.3f %.3f %.3f\n", r->kernel, r->size, base / r->ms, p1 ? 1.0 : NAN,
                t2 ? base / t2->ms : NAN, p2 ? base / p2->ms : NAN, py ? base / py->ms : NAN);
    }
    fclose(f);
}

int bench_parent(int argc, char **argv)
{
    const char *out = "build/bench", *torch = NULL;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--out")) out = argv[i + 1];
        else if (!strcmp(argv[i], "--torch")) torch = argv[i + 1];
        else return fprintf(stderr, "usage: kernels [--out DIR] [--torch FILE]\n"), 2;
    }
    unsetenv("OPENBLAS_CORETYPE");
    unsetenv("OPENBLAS_L2_SIZE");
    read_child(argv[0], 1);
    read_child(argv[0], 2);
    read_torch(torch);
    char md[1024], dat[1024];
    snprintf(md, sizeof md, "%s/kernels.md", out);
    snprintf(dat, sizeof dat, "%s/kernels.dat", out);
    write_md(md);
    write_dat(dat);
    FILE *f = fopen(md, "r");
    int ch;
    while (f && (ch = fgetc(f)) != EOF) putchar(ch);
    if (f) fclose(f);
    return nrec ? 0 : 1;
}
