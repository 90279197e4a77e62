#!/usr/bin/env python3
"""Writes internal/cpu/gen_erf32.go: the table of the float32 erf of
internal/cpu (erfGo and its AVX-512 loop).

Run from the repository root: python3 scripts/erf_coeffs.py [-stride N]

erf on [0, 4) is cut into 16 pieces [k/4, (k+1)/4). On piece k the result
is computed in float32 as

    d = a - ctr[k]                        (exact: a and ctr[k] are close)
    h = c6[k] d^5 + ... + c2[k] d + c1[k] (Horner's rule, with FMA)
    y = h*d + (d*m[k] + c0[k])

Piece 0 has ctr = 0, m = 1 and c0 = 0, so y = a + a*h: the large part, a,
is exact and only the small correction erf(a)/a - 1 = h carries rounding
error, which keeps the relative error near zero small. The other pieces
have m = 0 and c0 = erf(ctr) rounded to float32, with ctr the float32 near
the piece's middle whose erf is nearest to a float32, so c0 adds almost no
error of its own. From 4 on erf rounds to 1 in float32.

The coefficients c1..c6 are fitted to erf(ctr + d) - c0 (piece 0:
erf(a) - a) by weighted least squares with Lawson's iteration, which turns
it into a minimax fit of the error in units of float32's spacing at
erf(x); then they are rounded to float32 one at a time, c1 first, the
remaining ones refitted after each. Finally the script evaluates the
float32 arithmetic on every float32 of pieces 1 to 15 (every stride-th
for piece 0) against math.erf, checks that no result exceeds 1, and prints
the largest error in ulp.
"""

import argparse
import math

import numpy as np

PIECES = 16
DEGREE = 6
F32 = np.float32
ERF = np.frompyfunc(math.erf, 1, 1)


def erf(x):
    return ERF(x).astype(np.float64)


def ulp32(y):
    """The spacing of float32 at |y| (normal range)."""
    y = np.maximum(np.abs(np.asarray(y, dtype=np.float64)), 2.0**-126)
    return np.ldexp(1.0, np.frexp(y)[1] - 24)


def lawson(a, r, w, iters=80):
    """Coefficients c minimizing max |w (a c - r)| (approximately)."""
    u = np.full(len(r), 1.0 / len(r))
    for _ in range(iters):
        s = np.sqrt(u) * w
        c = np.linalg.lstsq(a * s[:, None], r * s, rcond=None)[0]
        e = np.abs(w * (a @ c - r))
        u = u * e
        u /= u.sum()
    return c


def best_center(lo, hi):
    """The float32 c in the middle half of [lo, hi] whose erf is nearest a float32."""
    mid = F32((lo + hi) / 2)
    step = np.spacing(mid)
    n = int((hi - lo) / 4 / step)
    cands = mid + step * np.arange(-n, n + 1, dtype=np.float64)
    v = erf(cands)
    miss = np.abs(v - v.astype(F32)) / ulp32(v)
    i = int(np.argmin(miss))
    return float(F32(cands[i]))


def fit_piece(k):
    lo, hi = k / 4, (k + 1) / 4
    ctr = 0.0 if k == 0 else best_center(lo, hi)
    m = 1.0 if k == 0 else 0.0
    c0 = 0.0 if k == 0 else float(F32(math.erf(ctr)))
    t = np.cos(np.pi * (np.arange(4000) + 0.5) / 4000)
    x = np.concatenate([(lo + hi) / 2 + (hi - lo) / 2 * t, [lo, hi]])
    x = x[x > 0]
    d = x - ctr
    y = erf(x)
    r = y - (d * m + c0)
    w = 1 / ulp32(y)
    basis = np.stack([d**j for j in range(1, DEGREE + 1)], axis=1)
    fixed = []
    for j in range(DEGREE):
        rest = r - basis[:, :j] @ np.array(fixed, dtype=np.float64) if j else r
        c = lawson(basis[:, j:], rest, w)
        fixed.append(float(F32(c[0])))
    return ctr, m, c0, fixed  # fixed = c1..c6


def fma32(a, b, c):
    """float32 fused multiply-add (a*b is exact in float64)."""
    return (a.astype(np.float64) * b.astype(np.float64) + c).astype(F32)


def eval32(a, ctr, m, c0, cs):
    """The float32 evaluation of one piece, as the vector loop does it."""
    d = (a - F32(ctr)).astype(F32)
    h = np.full_like(d, F32(cs[-1]))
    for c in reversed(cs[:-1]):
        h = fma32(h, d, np.float64(F32(c)))
    b = fma32(d, np.full_like(d, F32(m)), np.float64(c0))
    return fma32(h, d, b.astype(np.float64))


def check(k, piece, stride):
    lo, hi = k / 4, (k + 1) / 4
    b0 = int(np.array(F32(lo)).view(np.uint32))
    b1 = int(np.array(F32(hi)).view(np.uint32))
    if k == 0:
        b0 = 1
    step = stride if k == 0 else 1
    worst, at = 0.0, 0.0
    for start in range(b0, b1, step << 22):
        bits = np.arange(start, min(b1, start + (step << 22)), step, dtype=np.uint32)
        a = bits.view(F32)
        want = erf(a.astype(np.float64))
        got = eval32(a, *piece).astype(np.float64)
        assert got.max() <= 1, f"piece {k} exceeds 1"
        e = np.abs(got - want) / np.maximum(ulp32(want), 2.0**-149)
        i = int(np.argmax(e))
        if e[i] > worst:
            worst, at = float(e[i]), float(a[i])
    return worst, at


def go_float(v):
    """v (a float32 value) as an exact Go literal."""
    if v == 0:
        return "0"
    if v == 1:
        return "1"
    mant, exp = float(v).hex().split("p")
    return mant.rstrip("0").rstrip(".") + "p" + exp


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-stride", type=int, default=61, help="check every stride-th float32 of piece 0")
    ap.add_argument("-o", default="internal/cpu/gen_erf32.go")
    args = ap.parse_args()
    pieces = [fit_piece(k) for k in range(PIECES)]
    worst = 0.0
    for k, p in enumerate(pieces):
        e, at = check(k, p, args.stride)
        print(f"piece {k:2d} [{k / 4:.2f}, {(k + 1) / 4:.2f}): ctr {p[0]:.9g}, max error {e:.3f} ulp at {at:.9g}")
        worst = max(worst, e)
    print(f"max error {worst:.3f} ulp")
    rows = [("ctr", [p[0] for p in pieces]), ("m", [p[1] for p in pieces]), ("c0", [p[2] for p in pieces])]
    for j in range(DEGREE, 0, -1):
        rows.append((f"c{j}", [p[3][j - 1] for p in pieces]))
    with open(args.o, "w") as f:
        f.write("// Code generated by scripts/erf_coeffs.py; DO NOT EDIT.\n\n")
        f.write("package cpu\n\n")
        f.write("// erf32Tab is the table of erfGo and of its vector loop, one row per\n")
        f.write("// quantity and one column per piece [k/4, (k+1)/4) of [0, 4): the center,\n")
        f.write("// the weight of d and the value at the center, then the coefficients\n")
        f.write(f"// c{DEGREE}..c1 of the correction, highest degree first. Largest error of\n")
        f.write(f"// the float32 evaluation found by the script: {worst:.3f} ulp.\n")
        f.write(f"var erf32Tab = [erf32Rows][{PIECES}]float32{{\n")
        for name, vals in rows:
            f.write(f"\t{{ // {name}\n")
            for i in range(0, PIECES, 4):
                f.write("\t\t" + " ".join(go_float(v) + "," for v in vals[i : i + 4]) + "\n")
            f.write("\t},\n")
        f.write("}\n\n")
        f.write(f"const erf32Rows = {len(rows)}\n")


if __name__ == "__main__":
    main()
