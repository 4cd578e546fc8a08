#!/usr/bin/env python3
"""numpy_check.py DIR VALUES_TEST - REPL tensor values against real NumPy.

  load   arrays np.save writes (every dtype; shapes (), (0,), 3-D ...; versions
         1.0/2.0/3.0, big-endian) read back through `VALUES_TEST --dump` with the
         same dtype, shape and bits; a Fortran-order one is refused
  save   the files `VALUES_TEST --save-all` writes load in np.load with the same
         dtype, shape and values, byte for byte what np.save writes
  print  rt_print equals np.array2string(a, separator=', ', precision=4,
         floatmode='maxprec_equal') under a dtype[shape] header, for random arrays
         (NumPy's "1." is our "1.0": arrays whose output has such a number are
         checked only when there is nothing non-finite to pad around them)

Prints PASS/FAIL lines for tests/run.sh; SEED=N changes the random arrays."""
import io
import os
import re
import subprocess
import sys

import numpy as np

DTYPES = {"bool": np.bool_, "i8": np.int8, "i16": np.int16, "i32": np.int32, "i64": np.int64,
          "u8": np.uint8, "u16": np.uint16, "u32": np.uint32, "u64": np.uint64,
          "f32": np.float32, "f64": np.float64}
NAME_OF = {np.dtype(v): k for k, v in DTYPES.items()}
SEED = int(os.environ.get("SEED", "1"))
rng = np.random.default_rng(SEED)
DIR, BIN = sys.argv[1], sys.argv[2]


def run(args):
    return subprocess.run([BIN] + args, capture_output=True, text=True, timeout=300)


def random_values(dt, shape, extremes=True):
    """values of dtype dt covering its range, extremes and (floats) specials"""
    n = int(np.prod(shape, dtype=np.int64))
    dt = np.dtype(dt)
    if dt == np.bool_:
        a = rng.integers(0, 2, n).astype(np.bool_)
    elif dt.kind in "iu":
        info = np.iinfo(dt)
        a = rng.integers(int(info.min), int(info.max), n, dtype=dt, endpoint=True)
        if extremes and n >= 2:
            a[0], a[1] = info.min, info.max
    else:
        a = (rng.standard_normal(n) * 10.0 ** rng.integers(-3, 4, n)).astype(dt)
        if extremes and n >= 7:
            fi = np.finfo(dt)
            a[:7] = [np.nan, np.inf, -np.inf, -0.0, fi.max, fi.smallest_subnormal, -fi.tiny]
    return a.reshape(shape)


def parse_dump(text):
    lines = text.split("\n")
    head = lines[0].split()
    shape = tuple(int(x) for x in head[1:])
    n = int(np.prod(shape, dtype=np.int64))
    dt = np.dtype(DTYPES[head[0]])
    vals = lines[1:1 + n]
    if dt.kind == "f":
        a = np.array([float.fromhex(v) for v in vals], dtype=np.float64).astype(dt)
    else:
        a = np.array([int(v) for v in vals], dtype=dt)
    return head[0], shape, a.reshape(shape)


def same(a, b):
    """same dtype, shape and bits (any NaN equals any NaN)"""
    if a.dtype != b.dtype or a.shape != b.shape:
        return False
    if a.dtype.kind == "f":
        na, nb = np.isnan(a), np.isnan(b)
        return bool(np.array_equal(na, nb) and np.array_equal(np.signbit(a[~na]), np.signbit(b[~nb]))
                    and np.array_equal(a[~na], b[~nb]))
    return bool(np.array_equal(a, b))


def report(part, problems, what):
    if problems:
        print(f"FAIL repl_values/numpy-{part} (SEED={SEED})")
        for p in problems[:20]:
            print("  " + p.replace("\n", "\n  | "))
        if len(problems) > 20:
            print(f"  ... {len(problems) - 20} more")
    else:
        print(f"PASS repl_values/numpy-{part} ({what})")


# ---- load: NumPy writes, we read ----

def check_load():
    d = os.path.join(DIR, "from_numpy")
    os.makedirs(d, exist_ok=True)
    cases = []          # (file, expected array)
    shapes = [(), (0,), (7,), (3, 4), (2, 3, 4), (0, 3), (2, 1, 3, 1)]
    for name, dt in DTYPES.items():
        for k, shape in enumerate(shapes):
            a = random_values(dt, shape)
            f = os.path.join(d, f"{name}_{k}.npy")
            np.save(f, a)
            cases.append((f, a))
        a = random_values(dt, (3, 5))
        for version in [(2, 0), (3, 0)]:
            f = os.path.join(d, f"{name}_v{version[0]}.npy")
            with open(f, "wb") as fh:
                np.lib.format.write_array(fh, a, version=version)
            cases.append((f, a))
        if np.dtype(dt).itemsize > 1:
            f = os.path.join(d, f"{name}_be.npy")
            np.save(f, a.astype(a.dtype.newbyteorder(">")))
            cases.append((f, a))
        f = os.path.join(d, f"{name}_strided.npy")
        np.save(f, a[:, ::2].T)         # np.save writes it C-contiguous
        cases.append((f, np.ascontiguousarray(a[:, ::2].T)))
    problems = []
    for f, a in cases:
        r = run(["--dump", f])
        if r.returncode != 0:
            problems.append(f"{BIN} --dump {f}: exit {r.returncode}: {r.stderr.strip()}")
            continue
        name, shape, b = parse_dump(r.stdout)
        if name != NAME_OF[a.dtype.newbyteorder("=")] or shape != a.shape or not same(a, b):
            problems.append(f"{BIN} --dump {f}: got {name}{list(shape)} {b!r}\nwant {a.dtype}{list(a.shape)} {a!r}")
    f = os.path.join(d, "fortran.npy")
    np.save(f, np.asfortranarray(np.ones((3, 4), np.float32)))
    r = run(["--dump", f])
    want = f"{f}: Fortran-order arrays are not supported; save with np.ascontiguousarray"
    if r.returncode == 0 or r.stderr.strip() != want:
        problems.append(f"{BIN} --dump {f}: want the error {want!r}, got exit {r.returncode}: {r.stderr.strip()!r}")
    f = os.path.join(d, "f16.npy")
    np.save(f, np.ones(3, np.float16))
    r = run(["--dump", f])
    if r.returncode == 0 or "unsupported dtype '<f2' (float16)" not in r.stderr:
        problems.append(f"{BIN} --dump {f}: want an unsupported dtype error, got: {r.stderr.strip()!r}")
    report("load", problems, f"{len(cases)} files from np.save")


# ---- save: we write, NumPy reads ----

def check_save():
    d = os.path.join(DIR, "from_tdsl")
    os.makedirs(d, exist_ok=True)
    r = run(["--save-all", d])
    if r.returncode != 0:
        report("save", [f"{BIN} --save-all {d}: exit {r.returncode}: {r.stderr.strip()}"], "")
        return
    problems, n = [], 0
    exact_bytes = hasattr(np.lib.format, "GROWTH_AXIS_MAX_DIGITS")    # np.save's header padding since 1.24
    for f in sorted(os.listdir(d)):
        if not f.endswith(".npy"):
            continue
        n += 1
        path = os.path.join(d, f)
        with open(path[:-4] + ".txt") as fh:
            name, shape, want = parse_dump(fh.read())
        try:
            a = np.load(path)
        except Exception as e:      # noqa: BLE001 - any failure is the finding
            problems.append(f"np.load({path!r}): {type(e).__name__}: {e}")
            continue
        if a.dtype != np.dtype(DTYPES[name]) or a.shape != shape or not same(a, want):
            problems.append(f"np.load({path!r}) = {a.dtype}{list(a.shape)} {a!r}\nwant {name}{list(shape)} {want!r}")
            continue
        with open(path, "rb") as fh:
            raw = fh.read()
        if np.lib.format.read_magic(io.BytesIO(raw)) != (1, 0):
            problems.append(f"{path}: not version 1.0")
        buf = io.BytesIO()
        np.save(buf, a)
        if exact_bytes and buf.getvalue() != raw:
            problems.append(f"{path}: differs from np.save's bytes:\n{raw[:128]!r}\n{buf.getvalue()[:128]!r}")
    if n == 0:
        problems.append(f"{BIN} --save-all {d} wrote no .npy files")
    report("save", problems, f"{n} files" + (", byte-identical to np.save" if exact_bytes else ""))


# ---- print ----

def numpy_text(a):
    if a.size == 0:
        body = "[]"
    else:
        body = np.array2string(a, separator=", ", precision=4, floatmode="maxprec_equal", threshold=1000,
                               edgeitems=3, max_line_width=75, suppress_small=False, sign="-")
    name = NAME_OF[a.dtype]
    if a.dtype == np.bool_:
        body = body.replace("True", "true").replace("False", "false")
    if a.dtype.kind == "f" and re.search(r"\d\.(?!\d)", body):
        # NumPy's "1." (no decimals) is our "1.0": one column wider, which moves
        # NaN/inf padding and line breaks, so only short unpadded cases convert
        if not np.isfinite(a).all() or "\n" in body:
            return None
        body = re.sub(r"(\d)\.(?!\d)", r"\1.0", body)
    if a.ndim == 0:
        return f"{name} {body}\n"
    return f"{name}[{', '.join(str(x) for x in a.shape)}]\n{body}\n"


def random_float_array(dt, shape):
    n = int(np.prod(shape, dtype=np.int64))
    regime = rng.integers(0, 9)
    if regime == 0:
        a = rng.random(n)
    elif regime == 1:
        a = rng.standard_normal(n) * 10.0 ** rng.integers(-6, 10)
    elif regime == 2:
        a = rng.integers(-50, 50, n) / 32.0            # exact ties at the 5th decimal
    elif regime == 3:
        a = rng.standard_normal(n) * 10.0 ** rng.integers(-3, 4, n)
    elif regime == 4:
        a = np.round(rng.standard_normal(n) * 100, rng.integers(1, 6))
    elif regime == 5:                                   # near the scientific-notation edges
        a = rng.choice([1e-4, 9.9999e-5, 1e8, 99999999.0, 1000.0, 1.0, 0.1, 0.0, -0.0, 123.45678], n)
    elif regime == 6:
        a = rng.integers(-1000, 1000, n).astype(np.float64)
    elif regime == 7:
        a = rng.random(n) * 10.0 ** rng.integers(0, 3)
    else:
        a = rng.standard_normal(n) * 1e3
    a = a.astype(dt)
    if n and rng.random() < 0.25:
        k = rng.integers(1, min(n, 3) + 1)
        a[rng.choice(n, k, replace=False)] = rng.choice([np.nan, np.inf, -np.inf], k)
    return a.reshape(shape)


def random_shape():
    r = rng.random()
    if r < 0.1:
        return ()
    if r < 0.2:
        return [(1200,), (40, 30), (3, 20, 20), (2, 7, 8, 10), (1001,), (7, 150)][rng.integers(0, 6)]
    return tuple(int(x) for x in rng.integers(0, 8, rng.integers(1, 5)))


def check_print():
    d = os.path.join(DIR, "print")
    os.makedirs(d, exist_ok=True)
    arrays = []
    for k in range(400):
        dt = np.dtype(list(DTYPES.values())[k % len(DTYPES)])
        shape = random_shape()
        if dt.kind == "f":
            a = random_float_array(dt, shape)
        elif dt.kind in "iu" and rng.random() < 0.5:
            info = np.iinfo(dt)
            hi = min(int(info.max), 10 ** int(rng.integers(1, 20)))
            a = rng.integers(max(int(info.min), -hi), hi, shape, dtype=dt)
        else:
            a = random_values(dt, shape, extremes=False)
        arrays.append(np.asarray(a))
    files, skipped = [], 0
    for k, a in enumerate(arrays):
        f = os.path.join(d, f"p{k}.npy")
        np.save(f, a)
        files.append(f)
    r = run(["--print"] + files)
    outs = r.stdout.split("----\n")
    problems = []
    if r.returncode != 0 or len(outs) != len(files) + 1:
        problems.append(f"{BIN} --print: exit {r.returncode}, {len(outs) - 1} outputs for {len(files)} files\n"
                        + r.stderr[-2000:])
    else:
        for f, a, got in zip(files, arrays, outs):
            want = numpy_text(a)
            if want is None:
                skipped += 1
            elif got != want:
                problems.append(f"{BIN} --print {f}\n--- NumPy\n{want}--- ours\n{got}---")
    report("print", problems, f"{len(files) - skipped} arrays as NumPy prints them, {skipped} with NumPy's '1.' not compared")


if __name__ == "__main__":
    check_load()
    check_save()
    check_print()
