"""Times NumPy on the ops that bench/main.go times in mlxgo.

Reads a JSON request on standard input:
    {"runs": 10, "warmup": 2, "ops": [{"name": "add", "shapes": [[16777216], [16777216]]}]}
and prints {"numpy": version, "times": {name: median seconds}, "missing": [names]},
with "torch" and "torch_times" added for the ops of TORCH_OPS when torch
(CPU) imports.
Inputs are float32 standard normal arrays of the given shapes. Run by
`go run ./bench`; adding an op is one line in OPS below and one in main.go.
"""

import json
import sys
import time

import numpy as np


def softmax(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


OPS = {
    "add": lambda a, b: a + b,
    "add_scalar": lambda a: a + np.float32(1),
    "add_broadcast": lambda a, b: a + b,
    "exp": lambda a: np.exp(a),
    "sum": lambda a: a.sum(),
    "softmax": softmax,
    "matmul": lambda a, b: a @ b,
    "gather_rows": lambda table, idx: table[idx],
    "sort": lambda a: np.sort(a),
    "argsort": lambda a: np.argsort(a, kind="stable"),
    "sort_rows": lambda a: np.sort(a, axis=-1),
    "cumsum": lambda a: np.cumsum(a),
}

# Turns the random inputs into an op's inputs, untimed (main.go's prep).
PREP = {
    "gather_rows": lambda t, x: (t, (np.floor(np.abs(x) * 1e6) % 50000).astype(np.int32)),
}

# PyTorch (CPU) forms of some ops, timed when torch imports.
TORCH_OPS = {
    "sort": lambda a: torch.sort(a),
    "argsort": lambda a: torch.sort(a, stable=True)[1],
    "sort_rows": lambda a: torch.sort(a, dim=-1),
    "cumsum": lambda a: torch.cumsum(a, 0),
}

try:
    import torch
except ImportError:
    torch = None


def median_time(fn, inputs, runs, warmup):
    times = []
    for r in range(warmup + runs):
        start = time.perf_counter()
        fn(*inputs)
        elapsed = time.perf_counter() - start
        if r >= warmup:
            times.append(elapsed)
    times.sort()
    return times[len(times) // 2]


def main():
    req = json.load(sys.stdin)
    rng = np.random.default_rng(0)
    times, missing, torch_times = {}, [], {}
    for op in req["ops"]:
        fn = OPS.get(op["name"])
        if fn is None:
            missing.append(op["name"])
            continue
        inputs = [rng.standard_normal(tuple(s), dtype=np.float32) for s in op["shapes"]]
        if op["name"] in PREP:
            inputs = list(PREP[op["name"]](*inputs))
        times[op["name"]] = median_time(fn, inputs, req["runs"], req["warmup"])
        tfn = TORCH_OPS.get(op["name"])
        if torch is not None and tfn is not None:
            tin = [torch.from_numpy(x) for x in inputs]
            torch_times[op["name"]] = median_time(tfn, tin, req["runs"], req["warmup"])
            del tin
        del inputs
    reply = {"numpy": np.__version__, "times": times, "missing": missing}
    if torch is not None:
        reply["torch"] = torch.__version__
        reply["torch_times"] = torch_times
    json.dump(reply, sys.stdout)


if __name__ == "__main__":
    main()
