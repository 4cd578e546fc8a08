#!/bin/sh
# Lecture 9: the computational graph before and after TDSL's graph passes
# (constant folding, BatchNormalization into the conv, GELU as one node,
# epilogue fusion, kernel choice) and the memory plan that puts the
# intermediates in one arena. Uses the PyTorch exports committed as test
# fixtures (tests/onnx/torch/), so it needs neither torch nor the network.
# Run from the repository root after `make`: sh examples/course/lecture9_graph.sh
set -eu
B=${B:-build}
out=$B/course/lecture9
mkdir -p "$out"
for model in cnn block; do
    onnx=tests/onnx/torch/$model.onnx
    echo "== $model.onnx as PyTorch exported it (tdslc --emit graph -O0): the nodes"
    "$B/tdslc" "$onnx" --emit graph -O0 | grep '^node' | sed 's/^/    /'
    echo "== after the graph passes (tdslc --emit graph): nodes, what each fused, its kernel"
    "$B/tdslc" "$onnx" --emit graph >"$out/$model.graph"
    grep -E '^node|^    fused|^    kernel|^passes' "$out/$model.graph" | sed 's/^/    /'
    echo "== the memory plan"
    sed -n '/^memory plan/,$p' "$out/$model.graph" | sed 's/^/    /'
    echo "== compiled: the model fn's workspace and arena (--emit loops) and the header's workspace entry points"
    "$B/tdslc" "$onnx" --emit loops | sed -n "/^func $model(/,/^func /p" |
        grep -E '^  workspace:|^  alloc arena|^    [A-Za-z_0-9]+: f32.* at |^  call ' |
        sed 's/^/    /'
    "$B/tdslc" "$onnx" -o "$out/$model.o"
    grep -E "^(int|size_t) ${model}(_ws|_workspace_bytes)?\(" "$out/$model.h" | sed 's/^/    /'
    echo
done
echo "lecture 9: ok"
