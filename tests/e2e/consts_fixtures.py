#!/usr/bin/env python3
# consts_fixtures.py - writes the weight files tests/e2e/consts.tdsl reads, with
# the standard library only (no NumPy): consts_w1.npy (f32, little-endian),
# consts_idx.npy (i32, big-endian: swapped on load) and consts.npz (b1 stored,
# w2 deflated), as np.save / np.savez write them. The values are the formulas
# tests/e2e/consts.c recomputes. Run from anywhere; the files are committed.
import os, struct, zipfile

HERE = os.path.dirname(os.path.abspath(__file__))

def npy(descr, shape, data):
    dims = "%d," % shape[0] if len(shape) == 1 else ", ".join("%d" % s for s in shape)
    d = "{'descr': '%s', 'fortran_order': False, 'shape': (%s), }" % (descr, dims)
    h = d + " " * (64 - (10 + len(d) + 1) % 64) + "\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(h)) + h.encode() + data

def f32(fmt, vals):
    return struct.pack(fmt + "%df" % len(vals), *vals)

w1 = [((i * 7) % 13 - 6) / 8.0 for i in range(16 * 24)]
b1 = [((j % 5) - 2) / 4.0 for j in range(16)]
w2 = [((i * 5) % 11 - 5) / 16.0 for i in range(4 * 16)]
idx = [3, 0, 15, 7, 7, 1]

with open(os.path.join(HERE, "consts_w1.npy"), "wb") as f:
    f.write(npy("<f4", (16, 24), f32("<", w1)))
with open(os.path.join(HERE, "consts_idx.npy"), "wb") as f:
    f.write(npy(">i4", (6,), struct.pack(">6i", *idx)))
with zipfile.ZipFile(os.path.join(HERE, "consts.npz"), "w") as z:
    z.writestr(zipfile.ZipInfo("b1.npy", (1980, 1, 1, 0, 0, 0)), npy("<f4", (16,), f32("<", b1)),
               compress_type=zipfile.ZIP_STORED)
    z.writestr(zipfile.ZipInfo("w2.npy", (1980, 1, 1, 0, 0, 0)), npy("<f4", (4, 16), f32("<", w2)),
               compress_type=zipfile.ZIP_DEFLATED)
