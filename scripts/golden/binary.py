#!/usr/bin/env python3
"""Writes mx/testdata/binary.json: NumPy's results for mlxgo's binary ops.

Each case applies one NumPy ufunc to every pair of a small set of values of
one dtype (both operands of that dtype, so that NumPy's and MLX's promotion
rules do not differ). The operands are written once per input set under
"inputs" (keyed by dtype, or dtype + "/shift" for shift counts); each case
names its set. NaN and infinities are written as the strings "nan", "inf"
and "-inf". Run from the repository root:

    python3 scripts/golden/binary.py
"""
import json
import os

import numpy as np

SIGNED = ["int8", "int16", "int32", "int64"]
UNSIGNED = ["uint8", "uint16", "uint32", "uint64"]
INTS = SIGNED + UNSIGNED
FLOATS = ["float16", "float32", "float64"]

# Values per dtype kind: the a and b of each case are every pair of them.
VALUES = {
    "signed": lambda dt: [np.iinfo(dt).min, -7, -2, -1, 0, 1, 3, 7, np.iinfo(dt).max],
    "unsigned": lambda dt: [0, 1, 2, 3, 7, np.iinfo(dt).max],
    "float": lambda dt: [-np.inf, -7.5, -2.0, -0.0, 0.0, 0.1, 3.0, 7.5, np.inf, np.nan],
    "bool": lambda dt: [False, True],
}

# Shift counts: negative ones and ones at or past the width included.
def shift_counts(dt):
    w = np.dtype(dt).itemsize * 8
    c = [0, 1, 3, w - 1, w, w + 1]
    if dt in SIGNED:
        c = [-1] + c
    return c

def kind(dt):
    if dt in SIGNED:
        return "signed"
    if dt in UNSIGNED:
        return "unsigned"
    if dt == "bool":
        return "bool"
    return "float"

# op name -> (ufunc, dtypes)
OPS = {
    "add": (np.add, INTS + FLOATS),
    "subtract": (np.subtract, INTS + FLOATS),
    "multiply": (np.multiply, INTS + FLOATS),
    "divide": (np.divide, FLOATS),
    "floor_divide": (np.floor_divide, INTS + FLOATS),
    "remainder": (np.remainder, INTS + FLOATS),
    "power": (np.power, FLOATS),
    "maximum": (np.maximum, INTS + FLOATS),
    "minimum": (np.minimum, INTS + FLOATS),
    "arctan2": (np.arctan2, FLOATS),
    "logaddexp": (np.logaddexp, FLOATS),
    "equal": (np.equal, INTS + FLOATS + ["bool"]),
    "not_equal": (np.not_equal, INTS + FLOATS + ["bool"]),
    "less": (np.less, INTS + FLOATS),
    "less_equal": (np.less_equal, INTS + FLOATS),
    "greater": (np.greater, INTS + FLOATS),
    "greater_equal": (np.greater_equal, INTS + FLOATS),
    "logical_and": (np.logical_and, ["int8", "uint8", "float32", "bool"]),
    "logical_or": (np.logical_or, ["int8", "uint8", "float32", "bool"]),
    "logical_xor": (np.logical_xor, ["int8", "uint8", "float32", "bool"]),
    "bitwise_and": (np.bitwise_and, INTS + ["bool"]),
    "bitwise_or": (np.bitwise_or, INTS + ["bool"]),
    "bitwise_xor": (np.bitwise_xor, INTS + ["bool"]),
    "left_shift": (np.left_shift, INTS),
    "right_shift": (np.right_shift, INTS),
}

def enc(v):
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (np.floating, float)):
        f = float(v)
        if np.isnan(f):
            return "nan"
        if np.isinf(f):
            return "inf" if f > 0 else "-inf"
        return f
    return int(v)

def main():
    cases = []
    inputs = {}
    for op, (fn, dtypes) in OPS.items():
        for dt in dtypes:
            vals = VALUES[kind(dt)](dt)
            bvals = shift_counts(dt) if op.endswith("_shift") else vals
            a = np.array([x for x in vals for _ in bvals], dtype=dt)
            b = np.array([y for _ in vals for y in bvals], dtype=dt)
            with np.errstate(all="ignore"):
                out = fn(a, b)
            key = dt + "/shift" if op.endswith("_shift") else dt
            inputs[key] = {"a": [enc(x) for x in a], "b": [enc(x) for x in b]}
            cases.append({
                "op": op, "dtype": dt, "inputs": key, "out_dtype": str(out.dtype),
                "out": [enc(x) for x in out],
            })
    path = os.path.join("mx", "testdata", "binary.json")
    with open(path, "w") as f:
        json.dump({"numpy": np.__version__, "inputs": inputs, "cases": cases}, f, separators=(",", ":"))
        f.write("\n")

if __name__ == "__main__":
    main()
