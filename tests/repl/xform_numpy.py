"""xform_numpy.py TDSL - tensor statements in the REPL (B[i, j] = ..., C = A + B)
over random tensors, saved with save() and checked against NumPy computing the
same from the saved inputs. Run in a scratch directory (tests/repl/group.sh).
Prints "N results match NumPy"; exit 1 on a mismatch or a REPL error."""
import subprocess
import sys

import numpy as np

SCRIPT = """
seed(7)
A = rand(f32[5, 7])
C = rand(f32[7])
W = rand(f32[7, 3])
I = arange(i32[11])
B[i, j] = A[i, j] * 2 + C[j]
M[i, k] = sum(A[i, j] * W[j, k] over j)
E = A * A - A / 2.0
X[i, j] = exp(A[i, j] - C[j])
G = A > 0.5
T[j, i] = A[i, j]
S[i] = max(A[i, j] over j)
Q = I * 3 % 4 - 1
P[i, j] = select(A[i, j] > C[j], A[i, j], C[j])
"""

CHECKS = {
    "B": lambda v: v["A"] * 2 + v["C"],
    "M": lambda v: v["A"] @ v["W"],
    "E": lambda v: v["A"] * v["A"] - v["A"] / 2,
    "X": lambda v: np.exp(v["A"] - v["C"]),
    "G": lambda v: v["A"] > 0.5,
    "T": lambda v: v["A"].T,
    "S": lambda v: v["A"].max(axis=1),
    "Q": lambda v: v["I"] * 3 % 4 - 1,
    "P": lambda v: np.where(v["A"] > v["C"], v["A"], v["C"]),
}


def main():
    names = ["A", "C", "W", "I"] + list(CHECKS)
    text = SCRIPT + "".join('save(%s, "%s.npy")\n' % (n, n) for n in names)
    run = subprocess.run([sys.argv[1]], input=text, capture_output=True, text=True)
    if run.returncode != 0:
        print("the REPL failed (exit %d):\n%s%s" % (run.returncode, run.stdout, run.stderr))
        return 1
    v = {n: np.load(n + ".npy") for n in names}
    bad = 0
    for n, ref in CHECKS.items():
        want = ref({k: x.astype(np.float64) if x.dtype == np.float32 else x for k, x in v.items()})
        got = v[n]
        if got.shape != want.shape or (got.dtype == np.bool_) != (want.dtype == np.bool_):
            print("%s: %s %s, NumPy gives %s %s" % (n, got.dtype, got.shape, want.dtype, want.shape))
            bad += 1
        elif not np.allclose(got.astype(np.float64), want.astype(np.float64), rtol=1e-6, atol=1e-6):
            print("%s differs from NumPy by up to %g" % (n, np.abs(got - want).max()))
            bad += 1
    if bad:
        return 1
    print("%d results match NumPy" % len(CHECKS))
    return 0


if __name__ == "__main__":
    sys.exit(main())
