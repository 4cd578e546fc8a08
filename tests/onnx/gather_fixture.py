#!/usr/bin/python3
# gather_fixture.py - writes tests/onnx/torch/gather_const.{onnx,in.npy,out.npy}
# (run by the onnx/torch-* tests like the PyTorch exports): Gather of constant
# int64 indices, negative ones included, along axis 1, then a Gather of a
# constant scalar index along axis 0 of the result; the expected output is
# NumPy's (take). Run: /usr/bin/python3 tests/onnx/gather_fixture.py
import os
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "torch")
idx = np.array([[2, -1, 0], [4, -5, 3]], dtype=np.int64)
nodes = [helper.make_node("Gather", ["x", "idx"], ["g"], axis=1),
         helper.make_node("Gather", ["g", "one"], ["y"], axis=0)]
graph = helper.make_graph(nodes, "gather_const", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [3, 5])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 3])],
                          [numpy_helper.from_array(idx, "idx"), numpy_helper.from_array(np.array(1, np.int64), "one")])
onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), os.path.join(here, "gather_const.onnx"))
x = np.random.default_rng(5).standard_normal((3, 5)).astype(np.float32)
np.save(os.path.join(here, "gather_const.in.npy"), x)
np.save(os.path.join(here, "gather_const.out.npy"), np.take(x, idx, axis=1)[1])
