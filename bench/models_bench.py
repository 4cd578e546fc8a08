# bench/models_bench.py - make bench-models: real PyTorch models through tdslc
# against PyTorch eager. bench/models.py (in its own process, so that no torch
# thread is alive while TDSL is timed) exports each model with its input, output
# and eager latency into B/bench/models/; then each model is compiled with tdslc
# for each of TARGETS (median wall time of 3), linked into tests/onnx/torch_main.c
# and run with TDSL_NUM_THREADS=1 and 2 (3 times each, the lowest median counts):
# x86-64-v3 is tdslc's default, objects that run on any AVX2 machine; host is
# `--target host`, this CPU's features (AVX-512 here), as PyTorch's kernels
# choose at run time. Writes
# B/bench/models.md (the table), models.dat and models.png (bench/models.gp).
# A model that fails anywhere gets a row with the error text; the bench goes on.
#   /usr/bin/python3 bench/models_bench.py B CC
import os
import statistics
import subprocess
import sys
import time

THREADS = (1, 2)
TARGETS = ("x86-64-v3", "host")
COMPILES = 3
ROUNDS = 3  # as bench/models.py: the lowest of 3 medians


def sh(cmd, env=None, timeout=1200):
    """(exit status, stdout, stderr) of cmd; 124 on a timeout"""
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=timeout)
        return p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired:
        return 124, "", f"timed out after {timeout} s"


def first_lines(text, n=3):
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return " / ".join(lines[:n]) + (" ..." if len(lines) > n else "")


def read_table(path):
    """'a|b|c' lines (not '#' comments) as lists"""
    with open(path) as f:
        return [line.rstrip("\n").split("|") for line in f if line.strip() and not line.startswith("#")]


def compile_model(tdslc, base, obj, target):
    """median tdslc wall time in seconds of base.onnx into obj.o and obj.h for
    target, or raises RuntimeError with its error"""
    times = []
    for _ in range(COMPILES):
        t0 = time.perf_counter()
        rc, out, err = sh([tdslc, base + ".onnx", "--target", target, "-o", obj + ".o", "--header", obj + ".h"])
        times.append(time.perf_counter() - t0)
        if rc != 0:
            raise RuntimeError(f"tdslc exited {rc}: {first_lines(err or out)}")
    return statistics.median(times)


def link_harness(cc, obj, name):
    cmd = [cc, "-std=gnu11", "-O2", "-I.", "-include", obj + ".h", "-DENTRY=" + name,
           "tests/onnx/torch_main.c", obj + ".o", "-lm", "-lpthread", "-o", obj + ".run"]
    rc, out, err = sh(cmd)
    if rc != 0:
        raise RuntimeError(f"linking the harness failed: {first_lines(err or out)}")


def run_harness(base, obj, threads):
    """(median ms, relative error), or raises RuntimeError"""
    env = dict(os.environ, TDSL_NUM_THREADS=str(threads))
    rc, out, err = sh([obj + ".run", base + ".in.npy", base + ".out.npy", "--time"], env=env)
    vals = dict(kv.split("=", 1) for kv in out.split() if "=" in kv)
    if rc != 0 or "median_ms" not in vals:
        what = "output differs from PyTorch's" if rc == 1 else f"the harness exited {rc}"
        raise RuntimeError(f"{what} ({threads} thr): {first_lines(err + out)}")
    return float(vals["median_ms"]), float(vals["rel_err"])


def time_tdsl(base, obj, threads):
    """(lowest median ms of ROUNDS runs of the harness, relative error)"""
    runs = [run_harness(base, obj, threads) for _ in range(ROUNDS)]
    return min(ms for ms, _ in runs), max(err for _, err in runs)


def bench_model(tdslc, cc, outdir, name, target):
    """a dict: compile_s, tdsl {threads: ms}, rel_err, or error"""
    base = f"{outdir}/{name}"
    obj = f"{base}.{target}"
    r = {"tdsl": {}}
    try:
        r["compile_s"] = compile_model(tdslc, base, obj, target)
        link_harness(cc, obj, name)
        for t in THREADS:
            r["tdsl"][t], r["rel_err"] = time_tdsl(base, obj, t)
            print(f"  {name} ({target}): TDSL {t} thr {r['tdsl'][t]:.4f} ms", file=sys.stderr, flush=True)
    except RuntimeError as e:
        r["error"] = str(e)
        print(f"  {name}: {e}", file=sys.stderr, flush=True)
    return r


def fmt(v, spec):
    return "?" if v is None else format(v, spec)


def table_row(name, batch, isa, target, torch_ms, r):
    cells = [name, batch, isa]
    speedups = []
    for t in THREADS:
        pt, td = torch_ms.get((name, t)), r["tdsl"].get(t)
        sp = pt / td if pt and td else None
        speedups.append(sp)
        cells += [fmt(pt, ".4f"), fmt(td, ".4f"), fmt(sp, ".2f") + ("x" if sp else "")]
    met = " / ".join("?" if sp is None else "yes" if sp >= float(target) else "no" for sp in speedups)
    cells += [fmt(r.get("compile_s"), ".2f"), fmt(r.get("rel_err"), ".2g"), f">= {target}x", met]
    cells.append(r.get("error", "").replace("|", "\\|"))
    return "| " + " | ".join(cells) + " |", speedups


HEADER = ["model", "batch", "tdslc --target", "PyTorch 1 thr (ms)", "TDSL 1 thr (ms)", "speedup 1 thr", "PyTorch 2 thr (ms)",
          "TDSL 2 thr (ms)", "speedup 2 thr", "tdslc (s)", "max rel err", "target", "met (1 / 2 thr)", "error"]


def write_report(b, manifest, comments, torch_ms, results):
    rows, dat = [], ["# model(target) speedup_1thr speedup_2thr target"]
    for name, batch, target in manifest:
        for isa in TARGETS:
            row, sp = table_row(name, batch, isa, target, torch_ms, results[name, isa])
            rows.append(row)
            dat.append(f"{name}({isa}) {fmt(sp[0], '.4f')} {fmt(sp[1], '.4f')} {target}")
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    with open(f"{b}/bench/models.md", "w") as f:
        f.write("# TDSL vs PyTorch eager on real models (make bench-models)\n\n")
        f.write(f"{time.strftime('%Y-%m-%d %H:%M')}, {cpu}, {os.cpu_count()} CPUs; {'; '.join(comments)}.\n")
        f.write("Latency: the lowest of 3 medians, each after a warm-up over at least 10 runs and up to 1 s\n")
        f.write("(the host is shared: the lowest damps other processes' load); speedup = PyTorch / TDSL;\n")
        f.write("max rel err = max |TDSL - PyTorch| / max |PyTorch| (pass: <= 1e-3); tdslc: median of 3 compiles.\n")
        f.write("PyTorch's N threads: torch.set_num_threads(N) and openblas_set_num_threads(N) (bench/torch_threads.py).\n\n")
        f.write("| " + " | ".join(HEADER) + " |\n|" + "---|" * len(HEADER) + "\n")
        f.write("".join(r + "\n" for r in rows))
    with open(f"{b}/bench/models.dat", "w") as f:
        f.write("\n".join(dat) + "\n")


def main(b, cc):
    outdir = f"{b}/bench/models"
    os.makedirs(outdir, exist_ok=True)
    print("== PyTorch: export and eager latency (bench/models.py)", file=sys.stderr, flush=True)
    if subprocess.run(["/usr/bin/python3", "bench/models.py", outdir]).returncode != 0:
        sys.exit("bench/models.py failed: see above (make bench-models-deps installs python3-torch)")
    manifest = read_table(f"{outdir}/models.txt")
    with open(f"{outdir}/models.txt") as f:
        comments = [line[1:].strip() for line in f if line.startswith("#")]
    torch_ms = {(n, int(t)): float(ms) for n, t, ms in read_table(f"{outdir}/torch.txt")}
    print("== TDSL: tdslc, then the harness (tests/onnx/torch_main.c)", file=sys.stderr, flush=True)
    results = {(name, isa): bench_model(f"{b}/tdslc", cc, outdir, name, isa)
               for name, _, _ in manifest for isa in TARGETS}
    write_report(b, manifest, comments, torch_ms, results)
    rc, out, err = sh(["gnuplot", "-e", f"dat='{b}/bench/models.dat'; png='{b}/bench/models.png'", "bench/models.gp"])
    if rc != 0:
        print(f"gnuplot failed: {first_lines(err)}", file=sys.stderr)
    with open(f"{b}/bench/models.md") as f:
        sys.stdout.write(f.read())
    print(f"wrote {b}/bench/models.md and {b}/bench/models.png", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "cc")
