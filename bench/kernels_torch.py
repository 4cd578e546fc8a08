# bench/kernels_torch.py - PyTorch eager timings at the sizes of bench/kernels.c,
# as "kernel|size|threads|ms" lines (median of 5 runs after a warm-up);
# make bench runs it only where `import torch` works.
import time

import torch
import torch.nn.functional as F
from torch_threads import set_threads  # torch's threads and its BLAS's


def median_ms(fn, runs=5):
    fn()
    ts = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t0)
    ts.sort()
    return ts[len(ts) // 2] * 1e3


def conv(name, c, o, ih, k, stride, pad, relu, res=False):
    """a fused conv of bench/kernels_conv.c as PyTorch eager runs it: conv2d (+ add) (+ relu)"""
    i, w, bias = torch.rand(1, c, ih, ih), torch.rand(o, c, k, k), torch.rand(o)
    oh = (ih + 2 * pad - k) // stride + 1
    r = torch.rand(1, o, oh, oh)

    def run():
        y = F.conv2d(i, w, bias, stride=stride, padding=pad)
        if res:
            y = y + r
        return F.relu(y) if relu else y

    return name, f"{c}->{o} {ih}->{oh}", run


def resnet_convs():
    """ResNet-18's layer shapes (bench/kernels_conv.c's bench_convs)"""
    yield conv("conv7x7s2_act", 3, 64, 224, 7, 2, 3, True)
    for c, hw in ((64, 56), (128, 28), (256, 14), (512, 7)):
        yield conv("conv3x3_act", c, c, hw, 3, 1, 1, True)
    yield conv("conv3x3_res", 64, 64, 56, 3, 1, 1, True, res=True)
    for c, hw in ((64, 56), (128, 28), (256, 14)):
        yield conv("conv3x3s2_act", c, 2 * c, hw, 3, 2, 1, True)
    for c, hw in ((64, 56), (128, 28), (256, 14)):
        yield conv("conv1x1s2_act", c, 2 * c, hw, 1, 2, 0, False)


def cases():
    for n in (1024, 2048):
        a, b = torch.rand(n, n), torch.rand(n, n)
        yield "matmul", str(n), lambda a=a, b=b: torch.matmul(a, b)
    for n, k, m in ((256, 1024, 512), (64, 784, 128)):
        x, w, bias = torch.rand(n, k), torch.rand(m, k), torch.rand(m)
        yield "linear", f"{n}x{k}->{m}", lambda x=x, w=w, bias=bias: F.linear(x, w, bias)
    for c, hw in ((64, 56), (256, 14)):
        i, k, bias = torch.rand(1, c, hw, hw), torch.rand(c, c, 3, 3), torch.rand(c)
        yield "conv3x3", f"{c}ch {hw}x{hw}", lambda i=i, k=k, bias=bias: F.conv2d(i, k, bias, padding=1)
    yield from resnet_convs()
    x, g, bias = torch.rand(4096, 4096), torch.rand(4096), torch.rand(4096)
    yield "softmax", "4096x4096", lambda: torch.softmax(x, 1)
    yield "layernorm", "4096x4096", lambda: F.layer_norm(x, (4096,), g, bias, 1e-5)
    yield "gelu", "4096x4096", lambda: F.gelu(x)


with torch.no_grad():
    for threads in (1, 2):
        set_threads(threads)
        for name, size, fn in cases():
            print(f"{name}|{size}|{threads}|{median_ms(fn):.4f}", flush=True)
