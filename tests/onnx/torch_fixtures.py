# tests/onnx/torch_fixtures.py - the onnx/torch-* test fixtures: tiny versions of
# the models of bench/models.py (the same classes, smaller widths), exported by
# PyTorch with fixed seeds into tests/onnx/torch/: NAME.onnx, NAME.in.npy (the
# input) and NAME.out.npy (PyTorch's output). The outputs are committed, so make
# test needs no torch; rerun this only to change a fixture:
#   /usr/bin/python3 tests/onnx/torch_fixtures.py
import os
import sys

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "bench"))
import models  # noqa: E402  (bench/models.py)

# name, constructor, input shape, export options
FIXTURES = [
    ("mlp", lambda: models.MLP(16, 8, 4), (2, 16), {}),
    ("cnn", lambda: models.CNN(3, 4, 8, 5), (1, 3, 8, 8), models.PRESERVE),
    ("block", lambda: models.Block(16, 32), (4, 16), {}),
]


def main():
    outdir = os.path.join(ROOT, "tests", "onnx", "torch")
    os.makedirs(outdir, exist_ok=True)
    for seed, (name, ctor, shape, options) in enumerate(FIXTURES, start=100):
        model, x = models.build(ctor, shape, seed)
        models.export(model, x, os.path.join(outdir, name), options)
        print(f"wrote {outdir}/{name}.onnx ({os.path.getsize(os.path.join(outdir, name + '.onnx'))} bytes)")


if __name__ == "__main__":
    main()
