"""Writes mx/testdata/unary.json: NumPy's results for the unary ops whose
exact semantics are NumPy's own (round with decimals, in the input's
arithmetic). Run from the repository root: python3 scripts/golden/unary.py
"""
import json

import numpy as np

FLOATS = [0.5, 1.5, 2.5, -0.5, -2.5, 2.675, 1234.5678, -1234.5678, 0.125, 0.375,
          1e-7, 3.14159265, 1e30, -1e30, 16777217.0, float("nan"), float("inf"),
          float("-inf"), -0.0, 0.0, 5e-324, 1e300]
INTS = [0, 5, 15, 25, -15, -25, 1250, 1350, -1250, 1251, 2147483000, -2147483000, 149, 150, 151, 250, 255]
DECIMALS = [0, 1, 2, 3, -1, -2, 5, 40, 400, -40, -400]


def enc(xs):
    return [repr(float(x)) if isinstance(x, (float, np.floating)) else int(x) for x in xs]


def main():
    cases = []
    with np.errstate(all="ignore"):
        for dt in ["float32", "float64"]:
            x = np.array(FLOATS, dtype=dt)
            for d in DECIMALS:
                cases.append({"dtype": dt, "decimals": d, "in": enc(x.tolist()),
                              "want": enc(np.round(x, d).tolist())})
        for dt in ["int32", "int64", "uint8"]:
            vals = [v for v in INTS if np.iinfo(dt).min <= v <= np.iinfo(dt).max]
            x = np.array(vals, dtype=dt)
            for d in [0, 2, -1, -2, -3]:
                cases.append({"dtype": dt, "decimals": d, "in": enc(x.tolist()),
                              "want": enc(np.round(x, d).tolist())})
    with open("mx/testdata/unary.json", "w") as f:
        f.write('{"numpy": %s, "round": [\n' % json.dumps(np.__version__))
        f.write(",\n".join(json.dumps(c) for c in cases))
        f.write("\n]}\n")


main()
