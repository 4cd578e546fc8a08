#!/usr/bin/python3
"""lecture6_onnx.py - lecture 6 end to end: a small CNN defined and trained in
PyTorch on scikit-learn's digits, exported with torch.onnx.export (opset 17),
compiled by `tdslc digits_cnn.onnx -o digits_cnn.o` (weights inside the
object), linked into lecture6_main.c and run on the test images this script
wrote; its logits are checked against PyTorch's.
Run from anywhere: /usr/bin/python3 examples/course/lecture6_onnx.py
(needs python3-torch, python3-sklearn and `make`; writes only under
build/course/lecture6/). One thread each (TDSL_NUM_THREADS, torch) by default."""
import os
import sys
import time

import numpy as np
import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

sys.dont_write_bytecode = True     # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from course_run import CC, TDSLC, need_tdslc, out_dir, run  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
THREADS = os.environ.get("TDSL_NUM_THREADS", "1")


class DigitsCNN(torch.nn.Module):
    """conv 3x3 (1 -> 16) relu, conv 3x3 (16 -> 32) relu, maxpool 2x2,
    flatten, linear 512 -> 64 relu, linear 64 -> 10: 8 x 8 images in, logits out."""

    def __init__(self):
        super().__init__()
        self.conv1 = torch.nn.Conv2d(1, 16, 3, padding=1)
        self.conv2 = torch.nn.Conv2d(16, 32, 3, padding=1)
        self.pool = torch.nn.MaxPool2d(2)
        self.fc1 = torch.nn.Linear(32 * 4 * 4, 64)
        self.fc2 = torch.nn.Linear(64, 10)

    def forward(self, x):
        x = torch.relu(self.conv1(x))
        x = self.pool(torch.relu(self.conv2(x)))
        x = torch.flatten(x, 1)
        return self.fc2(torch.relu(self.fc1(x)))


def train(model, x, y, epochs=15, batch=32):
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    gen = torch.Generator().manual_seed(0)
    for _ in range(epochs):
        order = torch.randperm(len(x), generator=gen)
        for s in range(0, len(x), batch):
            idx = order[s:s + batch]
            loss = torch.nn.functional.cross_entropy(model(x[idx]), y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
    return model.eval()


def torch_median_ms(model, x, runs=11):
    times = []
    with torch.no_grad():
        model(x)
        for _ in range(runs):
            t0 = time.perf_counter()
            model(x)
            times.append((time.perf_counter() - t0) * 1e3)
    return sorted(times)[runs // 2]


def main():
    need_tdslc()
    out = out_dir("lecture6")
    torch.manual_seed(0)
    torch.set_num_threads(int(THREADS))
    digits = load_digits()
    x = (digits.images / 16.0).astype(np.float32)[:, None]     # [n, 1, 8, 8], pixels 0..1
    y = digits.target.astype(np.int64)
    x_tr, x_te, y_tr, y_te = train_test_split(x, y, test_size=0.2, random_state=0, stratify=y)
    model = train(DigitsCNN(), torch.from_numpy(x_tr), torch.from_numpy(y_tr))
    print(f"trained the CNN on {len(x_tr)} digits; test set {len(x_te)} digits")

    onnx_path = os.path.join(out, "digits_cnn.onnx")
    # the batch is a symbolic dim: the entry point takes any number of images
    torch.onnx.export(model, torch.from_numpy(x_te[:1]), onnx_path, opset_version=17,
                      input_names=["image"], output_names=["logits"],
                      dynamic_axes={"image": {0: "batch"}, "logits": {0: "batch"}})
    images = os.path.join(out, "test_images.npy")
    np.save(images, x_te)

    obj, exe = os.path.join(out, "digits_cnn.o"), os.path.join(out, "lecture6_main")
    # the program the importer writes, to read (the object does not need it)
    run(TDSLC, onnx_path, "--emit", "tdsl", "-o", os.path.join(out, "digits_cnn.tdsl"))
    run(TDSLC, onnx_path, "-o", obj)
    run(CC, "-O2", "-I.", "-I" + out, "-o", exe, os.path.join(HERE, "lecture6_main.c"),
        os.path.join(HERE, "npy_io.c"), obj, "-lm", "-lpthread")
    logits_path = os.path.join(out, "logits.npy")
    run(exe, images, logits_path, env={"TDSL_NUM_THREADS": THREADS})

    with torch.no_grad():
        ref = model(torch.from_numpy(x_te)).numpy()
    print(f"PyTorch:     {len(x_te)} images in {torch_median_ms(model, torch.from_numpy(x_te)):.3f} ms"
          f" (median of 11, {THREADS} thread(s))")
    logits = np.load(logits_path)
    err = float(np.abs(logits - ref).max())
    differ = int((logits.argmax(1) != ref.argmax(1)).sum())
    for who, z in (("TDSL", logits), ("PyTorch", ref)):
        right = int((z.argmax(1) == y_te).sum())
        print(f"{who + ' accuracy:':18s}{right} / {len(y_te)} = {right / len(y_te):.4f}")
    print(f"logits: max |TDSL - PyTorch| = {err:.3g} (largest |logit| {float(np.abs(ref).max()):.3g});"
          f" predictions that differ: {differ}")
    if logits.shape != ref.shape or differ or err > 1e-4 * max(1.0, float(np.abs(ref).max())):
        sys.exit("lecture 6: TDSL and PyTorch disagree")
    print("lecture 6: ok, the compiled ONNX model matches PyTorch")


if __name__ == "__main__":
    main()
