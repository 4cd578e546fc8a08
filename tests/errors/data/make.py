#!/usr/bin/env python3
# make.py - writes the bad weight files the tests/errors/const_*.tdsl cases read
# (standard library only; the files are committed).
import os, struct, zipfile

HERE = os.path.dirname(os.path.abspath(__file__))

def npy(dict_text, data):
    h = dict_text + " " * (64 - (10 + len(dict_text) + 1) % 64) + "\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(h)) + h.encode() + data

def write(name, data):
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(data)

ok = npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", struct.pack("<6f", *range(6)))
write("truncated.npy", ok[:-5])
write("not_npy.npy", b"just some text\n")
write("fortran.npy", npy("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", struct.pack("<6f", *range(6))))
write("f16.npy", npy("{'descr': '<f2', 'fortran_order': False, 'shape': (2, 3), }", b"\0" * 12))
with zipfile.ZipFile(os.path.join(HERE, "weights.npz"), "w") as z:
    z.writestr(zipfile.ZipInfo("fc1.weight.npy", (1980, 1, 1, 0, 0, 0)), ok)
    z.writestr(zipfile.ZipInfo("fc1.bias.npy", (1980, 1, 1, 0, 0, 0)), ok[:-5], compress_type=zipfile.ZIP_DEFLATED)
with open(os.path.join(HERE, "weights.npz"), "rb") as f:
    write("truncated.npz", f.read()[:100])
