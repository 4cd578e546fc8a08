#!/bin/sh
# tests/repl/long_session.sh N - prints a REPL script of N rounds (the repl/long
# test): each round defines a fn, redefines and reschedules another, calls them
# and a scheduled model, writes and reads a .npy file, and has exactly 3 bad
# lines; every 10 rounds it resets and reloads. The last line prints N.
n=${1:-50}
k=1
while [ "$k" -le "$n" ]; do
    cat <<ROUND
fn f$k(A: f32[n], s: f32) -> B: f32[n] {
    B[i] = A[i] * s + $k.0
}
X = rand(f32[37])
Y = f$k(X, 2.0)
Y[3]
fn g(A: f32[n]) -> B: f32[n] { B[i] = A[i] + $k.0 }
Z = g(Y)
Y = f$k(X)
nosuch(X)
fn broken$k(A: f32[n]) -> B: f32[n] { B[i] = A[i + 1] }
W1 = rand(f32[128, 784])
B1 = rand(f32[128])
W2 = rand(f32[10, 128])
B2 = rand(f32[10])
M = mlp(rand(f32[3, 784]), W1, B1, W2, B2)
M[2, 9]
save(Z, "z.npy")
Z2 = load("z.npy")
count = $k
ROUND
    if [ $((k % 2)) = 0 ]; then
        echo "schedule g { B.split(i, io, ii, 8).parallel(io).vectorize(ii, 4) }"
    else
        echo "schedule f$k { B.vectorize(i, 8) }"
        echo "Y = f$k(X, 0.5)"
    fi
    echo "Z = g(Z2)"
    if [ $((k % 10)) = 0 ] && [ "$k" -lt "$n" ]; then
        echo ":reset"
        echo ":load examples/mlp.tdsl"
    fi
    k=$((k + 1))
done
echo ":vars"
echo "count"
