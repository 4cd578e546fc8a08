#!/usr/bin/python3
# tests/fuzz/onnx_craft.py - writes the hand-made reproducers of
# tests/fuzz/onnx_crashes/ (bugs found by reading onnx/load.c and shapes.c
# while the fuzzer ran): python3 tests/fuzz/onnx_craft.py DIR. A tiny
# protobuf encoder of the ModelProto fields they need (there is no python3-onnx).
import sys


def varint(n):
    out = b''
    n &= (1 << 64) - 1
    while True:
        b, n = n & 0x7f, n >> 7
        if not n:
            return out + bytes([b])
        out += bytes([b | 0x80])


def ld(f, b):  # a length-delimited field
    return varint((f << 3) | 2) + varint(len(b)) + b


def vi(f, n):  # a varint field
    return varint(f << 3) + varint(n)


def vinfo(name, dims):
    shape = b''.join(ld(1, vi(1, d)) for d in dims)
    return ld(1, name.encode()) + ld(2, ld(1, vi(1, 1) + ld(2, shape)))


def attr_int(name, v):
    return ld(1, name.encode()) + vi(3, v) + vi(20, 2)


def attr_ints(name, vals):
    return ld(1, name.encode()) + b''.join(vi(8, v) for v in vals) + vi(20, 7)


def node(op, ins, outs, attrs=()):
    return (b''.join(ld(1, i.encode()) for i in ins) + b''.join(ld(2, o.encode()) for o in outs) +
            ld(3, b'n') + ld(4, op.encode()) + b''.join(ld(5, a) for a in attrs))


def external(name, dims, location):  # a float initializer whose data is in the file `location`
    return (b''.join(vi(1, d) for d in dims) + vi(2, 1) + ld(8, name.encode()) +
            ld(13, ld(1, b'location') + ld(2, location.encode())) + vi(14, 1))


def model(path, nodes, inputs, outputs, inits=()):
    g = (b''.join(ld(1, n) for n in nodes) + ld(2, b'g') + b''.join(ld(5, t) for t in inits) +
         b''.join(ld(11, vinfo(n, d)) for n, d in inputs) + b''.join(ld(12, vinfo(n, d)) for n, d in outputs))
    with open(path, 'wb') as f:
        f.write(vi(1, 8) + ld(8, ld(1, b'') + vi(2, 13)) + ld(7, g))


d = sys.argv[1]
# Flatten(axis 0) multiplied the dims of a [2^62, 4] input: signed overflow
model(d + '/input_dim_huge.onnx', [node('Flatten', ['x'], ['y'], [attr_int('axis', 0)])], [('x', [1 << 62, 4])],
      [('y', [])])
# Conv checked group with weights dim 1 * group: signed overflow for group 2^62
model(d + '/conv_group_huge.onnx', [node('Conv', ['x', 'w'], ['y'], [attr_int('group', 1 << 62)])],
      [('x', [1, 0, 5, 5]), ('w', [0, 3, 3, 3])], [('y', [])])
# a pool's window extent dilation * (kernel - 1) + 1: signed overflow for dilation 2^62
model(d + '/pool_dilation_huge.onnx',
      [node('MaxPool', ['x'], ['y'], [attr_ints('kernel_shape', [3, 3]), attr_ints('dilations', [1 << 62, 1])])],
      [('x', [1, 1, 5, 5])], [('y', [])])
# external data claiming 2^40 floats (4 TiB) beside a 16-byte file: malloc'd before the file's size was known
model(d + '/external_huge.onnx', [node('Add', ['x', 'w'], ['y'])], [('x', [1])], [('y', [1])],
      [external('w', [1 << 20, 1 << 20], 'external_huge.bin')])
with open(d + '/external_huge.bin', 'wb') as f:
    f.write(b'0123456789abcdef')
