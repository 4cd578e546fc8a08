# bench/torch_threads.py - set_threads(n): PyTorch's thread count, and its
# BLAS's. Debian's PyTorch calls the system libblas.so.3 (BLAS_INFO=generic),
# which is OpenBLAS's pthread build: it runs its own threads (one per core)
# whatever torch.set_num_threads says, so a "1 thread" Linear ran on 2 cores
# (a 784x128 layer at batch 64 beat one core's FMA peak). OpenBLAS is told
# through openblas_set_num_threads, found in the library the process mapped.
import ctypes

import torch


def _blas_libraries():
    """the paths of the BLAS libraries this process has mapped"""
    with open("/proc/self/maps") as f:
        paths = {line.split()[-1] for line in f if "blas" in line and "/" in line}
    return sorted(paths)


def set_threads(n):
    torch.set_num_threads(n)
    for path in _blas_libraries():
        setter = getattr(ctypes.CDLL(path), "openblas_set_num_threads", None)
        if setter is not None:
            setter(n)
