"""Writes mx/testdata/index.json: NumPy's basic indexing of arange arrays.

Run from the repository root: python3 scripts/golden/index.py

Each case holds a shape, an index and the result of
np.arange(prod(shape)).reshape(shape)[index]: its shape and its values in
row-major order. An index entry is encoded as
  {"i": n}                           an integer
  {"s": [start, stop, step]}         a slice, null for an omitted part
  "newaxis" / "ellipsis"
"""
import itertools
import json

import numpy as np


def enc(e):
    if e is None:
        return "newaxis"
    if e is Ellipsis:
        return "ellipsis"
    if isinstance(e, slice):
        return {"s": [e.start, e.stop, e.step]}
    return {"i": e}


cases = []


def add(shape, index):
    a = np.arange(int(np.prod(shape)), dtype=np.int64).reshape(shape)
    r = a[index]
    cases.append({
        "shape": list(shape),
        "index": [enc(e) for e in index],
        "want_shape": list(r.shape),
        "want": [int(v) for v in np.ravel(r)],
    })


bounds = [None, -7, -5, -2, 0, 2, 5, 7]
steps = [None, 1, 2, -1, -3]
for start, stop, step in itertools.product(bounds, bounds, steps):
    add((5,), (slice(start, stop, step),))
for start, stop, step in itertools.product([None, -1, 0, 1], [None, -1, 0, 1], [None, 2, -1]):
    add((0,), (slice(start, stop, step),))

add((), ())
add((), (Ellipsis,))
add((), (None,))
add((), (None, Ellipsis, None))
add((5,), (-1,))
add((5,), (0,))
add((5,), (4, None))
add((3, 4), (1,))
add((3, 4), (-1, -1))
add((3, 4), (slice(None), 2))
add((3, 4), (slice(None), None))
add((3, 4), (None, slice(None, None, -1)))
add((3, 4), (Ellipsis, 1))
add((3, 4), (Ellipsis, None))
add((3, 4), (1, Ellipsis, 2))
add((3, 4), (slice(1, None), slice(None, None, 2)))
add((3, 4), (slice(None, None, -2), slice(3, 0, -1)))
add((3, 4), (slice(10, 20),))
add((2, 3, 4), (Ellipsis,))
add((2, 3, 4), (1, Ellipsis))
add((2, 3, 4), (Ellipsis, slice(1, 3)))
add((2, 3, 4), (slice(None), None, 1, slice(None, None, -1)))
add((2, 3, 4), (None, 1, None, Ellipsis, None, 2, None))
add((2, 3, 4), (-1, slice(None, None, -1), slice(-2, None)))
add((2, 3, 4), (slice(None), slice(1, 2), 0))
add((2, 3, 4), (0, 0, 0))
add((2, 0, 4), (1, slice(None), 3))
add((2, 0, 4), (Ellipsis, slice(None, None, -1)))
add((1, 3, 1), (0, slice(None, None, -1), 0))

with open("mx/testdata/index.json", "w") as f:
    json.dump(cases, f, separators=(",", ":"))
    f.write("\n")
print(len(cases), "cases")
