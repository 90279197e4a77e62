"""Writes mx/testdata/indexing_adv.json: NumPy's advanced indexing.

Run from the repository root: python3 scripts/golden/indexing_adv.py

Each case holds a kind, a shape and an index, applied to
a = np.arange(prod(shape)).reshape(shape):
  "get":   a[index]
  "set":   a[index] = v, v = 100 + arange of a[index]'s shape
  "add":   np.add.at(a, index, v), the same v
  "nonzero": np.nonzero(a % 3 == 0) (no index)
with the result's shape and values in row-major order ("want" holds one
list per array for nonzero). An index entry is encoded as
  {"i": n}                                an integer
  {"s": [start, stop, step]}              a slice, null for an omitted part
  {"a": [shape, values]}                  an integer array
  {"b": [shape, values]}                  a boolean array
  "newaxis" / "ellipsis"
"""
import json

import numpy as np


def enc(e):
    if e is None:
        return "newaxis"
    if e is Ellipsis:
        return "ellipsis"
    if isinstance(e, slice):
        return {"s": [e.start, e.stop, e.step]}
    if isinstance(e, np.ndarray):
        key = "b" if e.dtype == bool else "a"
        return {key: [list(e.shape), [int(v) for v in e.ravel()]]}
    return {"i": e}


def arr(v, dtype=np.int64):
    return np.array(v, dtype=dtype)


cases = []


def add(kind, shape, index):
    a = np.arange(int(np.prod(shape)), dtype=np.int64).reshape(shape)
    if kind == "get":
        r = a[index]
    else:
        v = 100 + np.arange(a[index].size, dtype=np.int64).reshape(a[index].shape)
        r = a.copy()
        if kind == "set":
            r[index] = v
        else:
            np.add.at(r, index, v)
    cases.append({
        "kind": kind,
        "shape": list(shape),
        "index": [enc(e) for e in index],
        "want_shape": list(r.shape),
        "want": [int(v) for v in np.ravel(r)],
    })


gets = [
    # negative steps beside arrays
    ((4, 5), (arr([0, 2]), slice(None, None, -1))),
    ((4, 5), (slice(None, None, -2), arr([1, -1]))),
    ((6,), (slice(4, 0, -3),)),
    # index arrays that broadcast
    ((4, 5), (arr([[0], [3]]), arr([1, 2, -1]))),
    ((3, 4), (arr([[2, 0], [1, 1]]),)),
    # adjacent advanced indices stay in place
    ((2, 3, 4), (slice(None), arr([0, 2]), arr([1, 3]))),
    ((2, 3, 4), (slice(None), 1, arr([0, 3]))),
    ((2, 3, 4), (Ellipsis, arr([1, 0]))),
    ((2, 3, 4, 5), (slice(None), arr([[0], [2]]), arr([1, 3]), slice(1, 4))),
    # separated advanced indices go to the front
    ((2, 3, 4), (arr([1, 0]), slice(None), arr([3, 2]))),
    ((2, 3, 4), (0, slice(None), arr([1, 2]))),
    ((2, 3, 4, 5), (arr([0, 1]), slice(None), arr([1, 2]), slice(None))),
    ((3, 4), (arr([0, 1]), None, arr([1, 2]))),
    ((3, 4), (None, arr([0, 2]))),
    # boolean masks
    ((3, 4), (np.arange(12).reshape(3, 4) % 3 == 0,)),
    ((3, 4), (arr([True, False, True], bool),)),
    ((3, 4), (slice(None), arr([True, False, False, True], bool))),
    ((2, 3, 4), (arr([False, True], bool), slice(None), arr([0, 3]))),
    # empty
    ((3, 4), (arr([], np.int64),)),
    ((3, 4), (slice(None), arr([False] * 4, bool))),
]
for shape, index in gets:
    add("get", shape, index)

sets = [
    ((4, 5), (arr([0, 2]), slice(None, None, -1))),
    ((2, 3, 4), (arr([1, 0]), slice(None), arr([3, 2]))),
    ((2, 3, 4), (slice(None), arr([[0], [2]]), slice(3, 0, -2))),
    ((3, 4), (np.arange(12).reshape(3, 4) % 5 == 1,)),
    ((6,), (slice(None, None, -2),)),
]
for shape, index in sets:
    add("set", shape, index)

adds = [
    ((5,), (arr([0, 0, 3, 0, -1]),)),
    ((3, 4), (arr([0, 2, 0]), slice(None))),
    ((3, 4), (slice(None), arr([1, 1, -3]))),
    ((2, 3, 4), (arr([1, 1]), slice(None), arr([[0], [0]]))),
]
for shape, index in adds:
    add("add", shape, index)

for shape in [(3, 4), (2, 3, 2), (0, 2)]:
    a = np.arange(int(np.prod(shape)), dtype=np.int64).reshape(shape)
    nz = np.nonzero(a % 3 == 0)
    cases.append({"kind": "nonzero", "shape": list(shape), "index": [],
                  "want_shape": [len(nz[0])], "want": [[int(v) for v in x] for x in nz]})

with open("mx/testdata/indexing_adv.json", "w") as f:
    json.dump(cases, f, separators=(",", ":"))
