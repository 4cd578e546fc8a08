#!/usr/bin/python3
"""lecture3_mlp.py - lecture 3 end to end: train a 64-32-10 MLP on scikit-learn's
digits with NumPy, write its weights (.npz) and the test set (.npy), compile
lecture3_mlp.tdsl (the weights become consts inside the object), link it into
lecture3_main.c, and check the C program's test accuracy against NumPy's.
Run from anywhere: /usr/bin/python3 examples/course/lecture3_mlp.py
(needs python3-sklearn and `make`; writes only under build/course/lecture3/)."""
import os
import shutil
import sys

import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

sys.dont_write_bytecode = True     # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from course_run import CC, TDSLC, need_tdslc, out_dir, run  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def train(x, y, epochs=60, batch=32, lr=0.05, seed=0):
    """Mini-batch gradient descent with momentum on softmax cross-entropy:
    relu(x W1^T + b1) W2^T + b2, He-initialized, in float64."""
    rng = np.random.default_rng(seed)
    w1 = rng.normal(0, np.sqrt(2 / 64), (32, 64))
    w2 = rng.normal(0, np.sqrt(2 / 32), (10, 32))
    b1, b2 = np.zeros(32), np.zeros(10)
    params = [w1, b1, w2, b2]
    vel = [np.zeros_like(p) for p in params]
    for _ in range(epochs):
        order = rng.permutation(len(x))
        for s in range(0, len(x), batch):
            xb, yb = x[order[s:s + batch]], y[order[s:s + batch]]
            h = np.maximum(xb @ w1.T + b1, 0)
            z = h @ w2.T + b2
            p = np.exp(z - z.max(1, keepdims=True))
            p /= p.sum(1, keepdims=True)
            p[np.arange(len(yb)), yb] -= 1           # d loss / d z, times the batch size
            dz = p / len(yb)
            dh = (dz @ w2) * (h > 0)
            grads = [dh.T @ xb, dh.sum(0), dz.T @ h, dz.sum(0)]
            for prm, v, g in zip(params, vel, grads):
                v *= 0.9
                v -= lr * g
                prm += v
    return [p.astype(np.float32) for p in params]


def numpy_forward(x, w1, b1, w2, b2):
    """The model in float32 NumPy: the reference the compiled object must match."""
    return np.maximum(x @ w1.T + b1, np.float32(0)) @ w2.T + b2


def main():
    need_tdslc()
    out = out_dir("lecture3")
    digits = load_digits()
    x = (digits.data / 16.0).astype(np.float32)     # pixels 0..16 -> 0..1
    y = digits.target.astype(np.int32)
    x_tr, x_te, y_tr, y_te = train_test_split(x, y, test_size=0.2, random_state=0, stratify=y)
    w1, b1, w2, b2 = train(x_tr.astype(np.float64), y_tr)
    print(f"trained 64-32-10 on {len(x_tr)} digits; test set {len(x_te)} digits")

    np.savez(os.path.join(out, "mlp_digits.npz"), W1=w1, B1=b1, W2=w2, B2=b2)
    np.save(os.path.join(out, "test_x.npy"), x_te)
    np.save(os.path.join(out, "test_y.npy"), y_te)
    # the consts' paths are relative to the .tdsl file: it goes beside the weights
    tdsl = os.path.join(out, "mlp_digits.tdsl")
    shutil.copyfile(os.path.join(HERE, "lecture3_mlp.tdsl"), tdsl)
    obj, exe = os.path.join(out, "mlp_digits.o"), os.path.join(out, "lecture3_main")
    run(TDSLC, tdsl, "-o", obj)
    run(CC, "-O2", "-I.", "-I" + out, "-o", exe, os.path.join(HERE, "lecture3_main.c"),
        os.path.join(HERE, "npy_io.c"), obj, "-lm", "-lpthread")
    logits_path, pred_path = os.path.join(out, "logits.npy"), os.path.join(out, "pred.npy")
    run(exe, *[os.path.join(out, f) for f in ("test_x.npy", "test_y.npy")], logits_path, pred_path)

    ref = numpy_forward(x_te, w1, b1, w2, b2)
    ref_pred = ref.argmax(1)
    right = int((ref_pred == y_te).sum())
    print(f"NumPy accuracy: {right} / {len(y_te)} = {right / len(y_te):.4f}")
    logits, pred = np.load(logits_path), np.load(pred_path)
    err = float(np.abs(logits - ref).max())
    differ = int((pred != ref_pred).sum())
    print(f"logits: max |TDSL - NumPy| = {err:.3g}; predictions that differ: {differ}")
    if differ or err > 1e-4 or int((pred == y_te).sum()) != right:
        sys.exit("lecture 3: TDSL and NumPy disagree")
    print("lecture 3: ok, the compiled MLP matches NumPy")


if __name__ == "__main__":
    main()
