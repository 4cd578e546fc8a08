#!/usr/bin/env python3
# tests/math/fit_coeffs.py - the polynomial coefficients of lower/codegen_math.c.
# Each is a weighted least-squares fit on Chebyshev nodes (close to minimax),
# its coefficients rounded to f32 (or f64) one at a time from the constant term
# up, the higher ones refitted after each rounding. Needs mpmath; prints every
# fit's largest weighted error after rounding, then its coefficients.
import struct
import mpmath as mp

mp.mp.dps = 40


def f32(x):
    return struct.unpack("f", struct.pack("f", float(x)))[0]


def lsfit(name, f, a, b, deg, w=lambda x: 1, rnd=f32, n=300):
    xs = [(a + b) / 2 + (b - a) / 2 * mp.cos(mp.pi * (k + 0.5) / n) for k in range(n)]
    fx = [f(x) for x in xs]
    wx = [w(x) for x in xs]
    cs = []
    for k in range(deg + 1):
        m = deg + 1 - k
        A = mp.matrix(n, m)
        rhs = mp.matrix(n, 1)
        for i, x in enumerate(xs):
            for j in range(m):
                A[i, j] = wx[i] * x ** (k + j)
            rhs[i] = wx[i] * (fx[i] - sum(c * x**j for j, c in enumerate(cs)))
        sol, _ = mp.qr_solve(A, rhs)
        cs.append(mp.mpf(rnd(sol[0])))
    err = max(abs(w(x) * (f(x) - sum(c * x**j for j, c in enumerate(cs))))
              for x in [a + (b - a) * k / 3000 for k in range(3001)])
    print("%s: degree %d, error %.3e (2^%.1f)" % (name, deg, err, float(mp.log(err, 2))))
    fmt = "%.9ef" if rnd is f32 else "%.17g"
    print("    " + ", ".join(fmt % float(c) for c in cs))


def near0(fn, series):
    return lambda t: series(t) if abs(t) < mp.mpf(10) ** -12 else fn(t)


sq = mp.sqrt
# exp(r) = (1 + r) + r^2 q(r), |r| <= ln2/2 (1% margin: n comes from a rounded product)
L = mp.log(2) / 2 * mp.mpf(1.01)
lsfit("exp q", near0(lambda r: (mp.exp(r) - 1 - r) / r**2, lambda r: 0.5 + r / 6), -L, L, 5, w=lambda r: r * r)
# log(m) = 2s + s z p(z), s = (m - 1) / (m + 1), z = s^2, m in [sqrt(2)/2, sqrt(2))
smax = (sq(2) - 1) / (sq(2) + 1)
lsfit("log p", near0(lambda z: (2 * mp.atanh(sq(z)) - 2 * sq(z)) / sq(z) / z, lambda z: mp.mpf(2) / 3 + 2 * z / 5),
      0, smax**2, 3)
# tanh(x) = x + x^3 p(x^2), |x| < 0.625 (relative error: weight x^2)
lsfit("tanh p", near0(lambda z: (mp.tanh(sq(z)) - sq(z)) / sq(z) ** 3, lambda z: -mp.mpf(1) / 3 + 2 * z / 15),
      0, mp.mpf(0.625) ** 2, 5, w=lambda z: z)
# erf(x) = x (2/sqrt(pi) + z q(z)), z = x^2, |x| < 0.875
c0 = 2 / sq(mp.pi)
print("erf c0 = %.9ef + %.9ef" % (f32(c0), f32(c0 - mp.mpf(f32(c0)))))
lsfit("erf q", near0(lambda z: (mp.erf(sq(z)) / sq(z) - c0) / z, lambda z: -c0 / 3 + c0 * z / 10),
      0, mp.mpf(0.875) ** 2, 4, w=lambda z: z)
# erf(x) = 1 - 2^l(x), 0.875 <= x < 3.9375, weighted by erfc (the absolute error)
lsfit("erf l", lambda x: mp.log(mp.erfc(x), 2), mp.mpf(0.875), mp.mpf(3.9375), 6, w=lambda x: mp.erfc(x))
# 2^r, |r| <= 1/2 (relative error), for erf's 2^l
lsfit("exp2 p", lambda r: mp.power(2, r), mp.mpf(-0.5), mp.mpf(0.5), 6, w=lambda r: mp.power(2, -r))
# sin(r) = r + r z s(z), cos(r) = 1 - z/2 + z^2 c(z), z = r^2, |r| <= pi/4 (2% margin), in f64
P = mp.pi / 4 * mp.mpf(1.02)
lsfit("sin s", near0(lambda z: (mp.sin(sq(z)) / sq(z) - 1) / z, lambda z: -mp.mpf(1) / 6 + z / 120), 0, P**2, 3,
      rnd=float)
lsfit("cos c", near0(lambda z: (mp.cos(sq(z)) - 1 + z / 2) / z**2, lambda z: mp.mpf(1) / 24 - z / 720), 0, P**2, 3,
      rnd=float)
