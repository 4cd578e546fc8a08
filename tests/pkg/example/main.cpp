// main.cpp - the example project built with CMake (find_package(TDSL)), in C++
#include "check.h"
#include <cstdio>
#include <vector>

int main()
{
    std::vector<float> x(ROWS * 16), w(4 * 16), b(4), y(ROWS * 4), a(N), v(N), out(N);
    tdsl::tensor X(x.data(), ROWS, 16), W(w.data(), 4, 16), B(b.data(), 4), Y(y.data(), ROWS, 4);
    tdsl::tensor A(a.data(), N), V(v.data(), N), O(out.data(), N);
    fill_inputs(x.data(), w.data(), b.data(), a.data(), v.data());
    int rc = head(&X, &W, &B, &Y) | axpy(&A, &V, 1.5f, &O);
    int bad = rc ? 1 : check_head(x.data(), w.data(), b.data(), y.data()) + check_axpy(a.data(), v.data(), 1.5f, out.data());
    std::puts(bad ? "example (cmake): FAILED" : "example (cmake): ok");
    return bad != 0;
}
