#!/usr/bin/env python3
"""Writes mx/testdata/sort_scan.json: NumPy's (and PyTorch's, for topk)
results for mlxgo's sorting, selection and scan ops.

Each case names an op, the input's dtype, shape and values (row-major), the
op's arguments, and the expected dtype, shape and values. Values are
strings ("nan", "inf", "-inf" included; complex as "re,im"). The expected
result of a partition is NumPy's, whose order around kth is unspecified:
the test checks the partition property and the kth element. Scans follow
MLX's result types: bool sums to int32, and other integers keep their
type, wrapping on overflow (NumPy's accumulate with dtype= does the same).
Run from the repository root:

    /usr/bin/python3 scripts/golden/sort_scan.py
"""
import json

import numpy as np
import torch

NAN, INF = float("nan"), float("inf")


def enc(v):
    if isinstance(v, (complex, np.complexfloating)):
        return "%s,%s" % (enc(v.real), enc(v.imag))
    if isinstance(v, (bool, np.bool_)):
        return "1" if v else "0"
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    f = float(v)
    if f != f:
        return "nan"
    if f in (INF, -INF):
        return "inf" if f > 0 else "-inf"
    return repr(f)


def case(name, op, x, want, **args):
    return {
        "name": name, "op": op, "dtype": str(x.dtype), "shape": list(x.shape),
        "in": [enc(v) for v in x.reshape(-1)], "args": args,
        "want_dtype": str(want.dtype), "want_shape": list(want.shape),
        "want": [enc(v) for v in np.asarray(want).reshape(-1)],
    }


cases = []
rng = np.random.default_rng(7)

# Sort and argsort: NaN last, -0 equal to +0 (a stable argsort keeps their
# order), infinities, ties.
f = np.array([3, NAN, -1, 0.0, -0.0, INF, 2, -INF, NAN, 2, -1, 0.0], dtype=np.float32)
for dt in ["float16", "float32", "float64"]:
    x = f.astype(dt)
    cases.append(case("sort/nan/" + dt, "sort", x, np.sort(x)))
    cases.append(case("argsort/nan/" + dt, "argsort", x, np.argsort(x, kind="stable").astype(np.uint32)))
for dt in ["int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64"]:
    info = np.iinfo(dt)
    x = np.array([5, info.max, 0, info.min, 1, 5, info.max - 1, 3, 0, 2], dtype=dt)
    cases.append(case("sort/" + dt, "sort", x, np.sort(x)))
    cases.append(case("argsort/ties/" + dt, "argsort", x, np.argsort(x, kind="stable").astype(np.uint32)))
b = np.array([True, False, True, True, False])
cases.append(case("sort/bool", "sort", b, np.sort(b)))
cases.append(case("argsort/bool", "argsort", b, np.argsort(b, kind="stable").astype(np.uint32)))
c = np.array([1 + 2j, complex(NAN, 0), 1 + 1j, -1 + 5j, complex(0, NAN), 1 + 1j, 0j], dtype=np.complex64)
cases.append(case("sort/complex64", "sort", c, np.sort(c)))
cases.append(case("argsort/complex64", "argsort", c, np.argsort(c, kind="stable").astype(np.uint32)))
m = rng.integers(-3, 4, size=(4, 5)).astype(np.float32)
for ax in [0, 1, -1]:
    cases.append(case("sort/2d/axis%d" % ax, "sort", m, np.sort(m, axis=ax), axis=ax))
    cases.append(case("argsort/2d/axis%d" % ax, "argsort", m, np.argsort(m, axis=ax, kind="stable").astype(np.uint32), axis=ax))
long = rng.standard_normal(400).astype(np.float32)
long[::37] = NAN
long[5::31] = 0.5
cases.append(case("argsort/long", "argsort", long, np.argsort(long, kind="stable").astype(np.uint32)))

# Partition: the property is checked, and the kth element.
p = rng.integers(0, 6, size=(3, 9)).astype(np.float32)
p[1, 2] = NAN
for kth in [0, 4, -1]:
    cases.append(case("partition/kth%d" % kth, "partition", p, np.partition(p, kth, axis=-1), kth=kth))
    cases.append(case("argpartition/kth%d" % kth, "argpartition", p, np.argpartition(p, kth, axis=-1).astype(np.uint32), kth=kth))

# Topk: PyTorch's values (largest, sorted descending); ties included. The
# test compares them as sets (sorted).
t = np.array([[1, 5, 5, 2, 5, 0, -1], [3, 3, 3, 3, 3, 3, 3], [9, -2, 7, 7, 1, 0, 8]], dtype=np.float32)
for k in [1, 3, 7]:
    v, _ = torch.topk(torch.from_numpy(t), k, dim=-1)
    cases.append(case("topk/ties/k%d" % k, "topk", t, v.numpy(), k=k))
v, _ = torch.topk(torch.from_numpy(t), 2, dim=0)
cases.append(case("topk/axis0", "topk", t, v.numpy(), k=2, axis=0))

# Searchsorted, both sides, NaN at the end of the sequence.
seq = np.array([-INF, -1, 0, 0, 0, 2.5, 7, INF, NAN], dtype=np.float32)
vals = np.array([[-INF, -2, -1, 0, -0.0], [1, 2.5, 8, INF, NAN]], dtype=np.float32)
for side in ["left", "right"]:
    cases.append(case("searchsorted/" + side, "searchsorted", vals,
                      np.searchsorted(seq, vals, side=side).astype(np.uint32),
                      side=side, seq=[enc(v) for v in seq], seq_dtype="float32"))
iseq = np.array([1, 3, 3, 3, 8], dtype=np.int32)
ivals = np.array([0, 1, 3, 4, 8, 9], dtype=np.int32)
for side in ["left", "right"]:
    cases.append(case("searchsorted/int32/" + side, "searchsorted", ivals,
                      np.searchsorted(iseq, ivals, side=side).astype(np.uint32),
                      side=side, seq=[enc(v) for v in iseq], seq_dtype="int32"))

# Scans with MLX's options: reverse and exclusive.
IDENT = {
    "cumsum": lambda dt: 0, "cumprod": lambda dt: 1,
    "cummax": lambda dt: -INF if np.dtype(dt).kind == "f" else np.iinfo(dt).min,
    "cummin": lambda dt: INF if np.dtype(dt).kind == "f" else np.iinfo(dt).max,
    "logcumsumexp": lambda dt: -INF,
}


def scan(op, x, axis, reverse, inclusive, out_dtype):
    ufunc = {"cumsum": np.add, "cumprod": np.multiply, "cummax": np.maximum,
             "cummin": np.minimum, "logcumsumexp": np.logaddexp}[op]
    y = np.flip(x, axis) if reverse else x
    r = ufunc.accumulate(y, axis=axis, dtype=out_dtype)
    if not inclusive:
        first = np.full_like(np.take(r, [0], axis=axis), IDENT[op](out_dtype))
        r = np.concatenate([first, np.take(r, np.arange(r.shape[axis] - 1), axis=axis)], axis=axis)
    return np.flip(r, axis) if reverse else r


sx = np.array([[0.5, -1, 2, NAN, 3], [1, 2, -3, 0.25, 4], [-INF, 1, 0, 2, -1]], dtype=np.float32)
with np.errstate(all="ignore"):
    for op in ["cumsum", "cumprod", "cummax", "cummin", "logcumsumexp"]:
        for axis in [1, 0]:
            for reverse in [False, True]:
                for inclusive in [True, False]:
                    name = "%s/f32/axis%d%s%s" % (op, axis, "/reverse" if reverse else "", "" if inclusive else "/exclusive")
                    cases.append(case(name, op, sx, scan(op, sx, axis, reverse, inclusive, np.float32),
                                      axis=axis, reverse=reverse, exclusive=not inclusive))
    ix = np.array([[3, -7, 2, 9], [1, 0, -2, 5]], dtype=np.int32)
    for op in ["cumsum", "cumprod", "cummax", "cummin"]:
        for reverse in [False, True]:
            for inclusive in [True, False]:
                name = "%s/int32%s%s" % (op, "/reverse" if reverse else "", "" if inclusive else "/exclusive")
                cases.append(case(name, op, ix, scan(op, ix, 1, reverse, inclusive, np.int32),
                                  axis=1, reverse=reverse, exclusive=not inclusive))
    # Small integers keep their type and wrap; bool sums to int32.
    i8 = np.array([100, 100, 100, -128, -1], dtype=np.int8)
    cases.append(case("cumsum/int8/wrap", "cumsum", i8, scan("cumsum", i8, 0, False, True, np.int8)))
    cases.append(case("cumprod/int8/wrap", "cumprod", i8, scan("cumprod", i8, 0, False, True, np.int8)))
    u8 = np.array([200, 100, 7], dtype=np.uint8)
    cases.append(case("cumsum/uint8/wrap", "cumsum", u8, scan("cumsum", u8, 0, False, True, np.uint8)))
    bb = np.array([[True, False, True], [True, True, False]])
    cases.append(case("cumsum/bool", "cumsum", bb, scan("cumsum", bb, 0, False, True, np.int32), axis=0))
    cases.append(case("cumsum/bool/axis1/exclusive", "cumsum", bb, scan("cumsum", bb, 1, False, False, np.int32),
                      axis=1, exclusive=True))
    # Flattened (no axis).
    cases.append(case("cumsum/flat", "cumsum", ix, np.cumsum(ix).astype(np.int32)))
    cases.append(case("logcumsumexp/flat/reverse", "logcumsumexp", sx,
                      scan("logcumsumexp", sx.reshape(-1), 0, True, True, np.float32), reverse=True))

with open("mx/testdata/sort_scan.json", "w") as fh:
    json.dump({"numpy": np.__version__, "torch": torch.__version__, "cases": cases}, fh, separators=(",", ":"))
    fh.write("\n")
