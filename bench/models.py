# bench/models.py - the real models of `make bench-models`, exported from PyTorch
# eager (random weights, fixed seeds, opset 17, static shapes) into OUTDIR:
# NAME.onnx, NAME.in.npy (the input), NAME.out.npy (PyTorch's output); models.txt,
# one "NAME|batch|target speedup" line per model ("#" lines: versions, notes);
# torch.txt, one "NAME|threads|ms" line per model and thread count (the eager
# latency under torch.no_grad(), as below). The model classes take their widths
# as arguments: tests/onnx/torch_fixtures.py exports tiny versions of them.
#   /usr/bin/python3 bench/models.py OUTDIR [--no-time] [NAME...]
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch_threads import set_threads  # torch's threads and its BLAS's

# latency: a warm-up, then runs until BUDGET_S have passed (at least MIN_RUNS,
# at most MAX_RUNS), the median of those; tests/onnx/torch_main.c uses the same
# numbers. The figure is the lowest median of ROUNDS (bench/models_bench.py
# takes the same for TDSL): the host is shared, and a thread descheduled by
# another process's work can hold up a parallel region for a whole time slice
WARMUP, MIN_RUNS, MAX_RUNS, BUDGET_S, ROUNDS = 5, 10, 5000, 1.0, 3


class MLP(nn.Module):
    """Linear(d_in, d_hid), ReLU, Linear(d_hid, d_out)"""

    def __init__(self, d_in=784, d_hid=128, d_out=10):
        super().__init__()
        self.fc1, self.fc2 = nn.Linear(d_in, d_hid), nn.Linear(d_hid, d_out)

    def forward(self, x):
        return self.fc2(F.relu(self.fc1(x)))


class CNN(nn.Module):
    """conv3x3(c_in->c1)-BN-ReLU, MaxPool 2x2, conv3x3 stride 2 (c1->c2)-ReLU,
    global average pool, flatten, Linear(c2, classes), Softmax"""

    def __init__(self, c_in=3, c1=16, c2=32, classes=10):
        super().__init__()
        self.c1 = nn.Conv2d(c_in, c1, 3, padding=1)
        self.bn = nn.BatchNorm2d(c1)
        self.c2 = nn.Conv2d(c1, c2, 3, stride=2, padding=1)
        self.fc = nn.Linear(c2, classes)
        # running statistics and affine parameters away from the identity, so
        # that a BatchNormalization imported wrongly shows in the output, and
        # logits spread wider than the default init gives, so that the softmax
        # is not near-uniform (where it would hide errors made before it)
        with torch.no_grad():
            self.fc.weight.mul_(8.0)
            self.bn.weight.uniform_(0.5, 1.5)
            self.bn.bias.uniform_(-0.5, 0.5)
            self.bn.running_mean.uniform_(-0.5, 0.5)
            self.bn.running_var.uniform_(0.5, 1.5)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.bn(self.c1(x))), 2)
        x = F.relu(self.c2(x))
        x = torch.flatten(F.adaptive_avg_pool2d(x, 1), 1)
        return torch.softmax(self.fc(x), 1)


class Block(nn.Module):
    """the MLP block of a transformer: x + Linear(GELU(Linear(LayerNorm(x))))"""

    def __init__(self, d=256, d_ff=1024):
        super().__init__()
        self.ln = nn.LayerNorm(d)
        self.up, self.down = nn.Linear(d, d_ff), nn.Linear(d_ff, d)
        with torch.no_grad():
            self.ln.weight.uniform_(0.5, 1.5)
            self.ln.bias.uniform_(-0.5, 0.5)

    def forward(self, x):
        return x + self.down(F.gelu(self.up(self.ln(x))))


def resnet18():
    import torchvision

    return torchvision.models.resnet18()


# name, batch (for the table), the target speedup over PyTorch, the
# model's constructor, the input shape, the export options. The CNN is exported
# with TrainingMode.PRESERVE (the model is in eval mode, so BatchNormalization
# stays a node with training_mode=0; the default TrainingMode.EVAL folds it into
# the conv)
PRESERVE = dict(training=torch.onnx.TrainingMode.PRESERVE, do_constant_folding=False)
MODELS = [
    ("mlp_b1", 1, 3.0, MLP, (1, 784), {}),
    ("mlp_b64", 64, 1.2, MLP, (64, 784), {}),
    ("cnn", 1, 1.5, CNN, (1, 3, 32, 32), PRESERVE),
    ("block", 16, 1.2, Block, (16, 256), {}),
    ("resnet18", 1, 1.25, resnet18, (1, 3, 224, 224), {}),
]


def export(model, x, path, options):
    """writes path.onnx, path.in.npy and path.out.npy; returns the model"""
    model = model.eval()
    with torch.no_grad():
        y = model(x)
    torch.onnx.export(model, x, path + ".onnx", opset_version=17, input_names=["x"], output_names=["y"], **options)
    np.save(path + ".in.npy", x.numpy().astype(np.float32))
    np.save(path + ".out.npy", y.numpy().astype(np.float32))
    return model


def build(ctor, shape, seed):
    """the model and its input, both from `seed`"""
    torch.manual_seed(seed)
    model = ctor()
    return model, torch.randn(*shape)


def median_ms(fn):
    for _ in range(WARMUP):
        fn()
    ts, start = [], time.perf_counter()
    while len(ts) < MAX_RUNS and (len(ts) < MIN_RUNS or time.perf_counter() - start < BUDGET_S):
        t0 = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t0)
    ts.sort()
    return ts[len(ts) // 2] * 1e3


def eager_lines(name, model, x):
    """the torch.txt lines of one model"""
    lines = []
    with torch.no_grad():
        for threads in (1, 2):
            set_threads(threads)
            ms = min(median_ms(lambda: model(x)) for _ in range(ROUNDS))
            lines.append(f"{name}|{threads}|{ms:.4f}\n")
            print(lines[-1], end="", file=sys.stderr, flush=True)
    return lines


def bn_note(name, path):
    with open(path, "rb") as f:
        kept = b"BatchNormalization" in f.read()
    return f"# {name}: TrainingMode.PRESERVE, BatchNormalization {'kept as a node' if kept else 'folded'}\n"


def main(argv):
    import torchvision

    outdir, timed = argv[0], "--no-time" not in argv
    names = [a for a in argv[1:] if not a.startswith("--")]
    lines, manifest = [], [f"# PyTorch {torch.__version__}, torchvision {torchvision.__version__}\n"]
    for seed, (name, batch, target, ctor, shape, options) in enumerate(MODELS):
        if names and name not in names:
            continue
        manifest.append(f"{name}|{batch}|{target}\n")
        model, x = build(ctor, shape, seed)
        export(model, x, f"{outdir}/{name}", options)
        if options is PRESERVE:
            manifest.append(bn_note(name, f"{outdir}/{name}.onnx"))
        print(f"exported {outdir}/{name}.onnx", file=sys.stderr, flush=True)
        if timed:
            lines += eager_lines(name, model, x)
    with open(f"{outdir}/models.txt", "w") as f:
        f.write("".join(manifest))
    if timed:
        with open(f"{outdir}/torch.txt", "w") as f:
            f.write("".join(lines))


if __name__ == "__main__":
    main(sys.argv[1:])
