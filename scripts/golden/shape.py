#!/usr/bin/env python3
"""Writes mx/testdata/shape.json: NumPy's results for the shape ops that
copy, read by TestShapeGolden in mx/ops_shape_test.go.

Run from the repository root with a Python that has NumPy:
    python3 scripts/golden/shape.py
Each case holds the input (float64 values 0, 1, 2, ... in row-major order,
reshaped), the op's arguments, and NumPy's output, flattened.
"""
import json
import numpy as np


def arange(shape):
    return np.arange(int(np.prod(shape)), dtype=np.float64).reshape(shape)


cases = []


def add(op, shape, out, **args):
    cases.append(dict(op=op, shape=list(shape), args=args,
                      out_shape=list(out.shape), out=out.ravel().tolist()))


PAD_SHAPES_WIDTHS = [
    ((5,), [[2, 3]]),
    ((3,), [[7, 8]]),            # wider than the axis: the pattern repeats
    ((2,), [[5, 4]]),
    ((1,), [[2, 3]]),
    ((3, 4), [[1, 2], [0, 1]]),
    ((3, 4), [[0, 0], [5, 6]]),
    ((2, 3, 4), [[1, 1], [2, 0], [3, 5]]),
    ((4, 1, 3), [[2, 2], [3, 1], [0, 4]]),
    ((0, 3), [[0, 0], [2, 1]]),  # an empty axis with no width on it
]

for shape, widths in PAD_SHAPES_WIDTHS:
    x = arange(shape)
    for mode in ["constant", "edge", "reflect", "symmetric"]:
        kw = {}
        if mode == "constant":
            kw = dict(constant_values=-1.5)
        out = np.pad(x, [tuple(w) for w in widths], mode=mode, **kw)
        add("pad", shape, out, mode=mode, widths=widths)

for shape, shift, axis in [
    ((10,), 3, None), ((3, 4), 5, None), ((3, 4), -7, None),
    ((2, 3, 4), [1, -2], [0, 2]), ((2, 3, 4), 4, [1]),
    ((3, 4), [1, 2], [1, 1]), ((3, 4), 2, [0, 1]),
]:
    out = np.roll(arange(shape), shift, axis=None if axis is None else tuple(axis))
    add("roll", shape, out, shift=shift if isinstance(shift, list) else [shift], axes=axis)

for shape, reps in [((3,), [2]), ((2, 3), [2, 1, 3]), ((2, 3), [3]), ((2, 1, 2), [0, 2])]:
    add("tile", shape, np.tile(arange(shape), reps), reps=reps)

for shape, k in [((4,), 0), ((3,), 2), ((3,), -1), ((3, 4), 0), ((3, 4), 1), ((3, 4), -2), ((3, 4), 5)]:
    add("diag", shape, np.diag(arange(shape), k), k=k)

for shape, k in [((3, 4), 0), ((4, 3), -1), ((2, 3, 3), 1), ((3, 5), 7), ((3, 5), -9)]:
    add("tril", shape, np.tril(arange(shape), k), k=k)
    add("triu", shape, np.triu(arange(shape), k), k=k)

for shape, offset, axes in [((3, 4), 0, [0, 1]), ((3, 4), 1, [0, 1]), ((3, 4), -1, [1, 0]),
                            ((2, 3, 4), 0, [1, 2]), ((2, 3, 4), 2, [0, 2]), ((3, 4), 9, [0, 1])]:
    out = np.asarray(np.trace(arange(shape), offset, axes[0], axes[1]))
    add("trace", shape, out, offset=offset, axes=axes)

with open("mx/testdata/shape.json", "w") as f:
    json.dump(cases, f, separators=(",", ":"))
    f.write("\n")
