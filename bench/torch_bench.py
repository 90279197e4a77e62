"""Times PyTorch on the GPU cases of bench/gpubench.

Reads {"runs": n, "warmup": n, "batch": n, "ops": [{"name", "dtype",
"shapes"}]} on standard input and prints {"torch": version, "times": {name:
median seconds}}. A run makes `batch` calls back to back and then
torch.cuda.synchronize(), as mlxgo's runs evaluate `batch` results with one
mx.Eval; a time is a run's divided by `batch`. Adding a case is one entry in
OPS and one in bench/gpubench/main.go.
"""

import json
import math
import sys
import time

import torch


def small_op(a, b):
    for i in range(1000):
        a = a + b
        if i % 100 == 99:
            torch.cuda.synchronize()
    return a


def gelu(x):
    return x * 0.5 * (1 + torch.erf(x / math.sqrt(2)))


compiled_gelu = None


def gelu_compiled(x):
    global compiled_gelu
    if compiled_gelu is None:
        compiled_gelu = torch.compile(gelu)
    return compiled_gelu(x)


def conv_fwd(x, w):
    return torch.nn.functional.conv2d(x, w, padding=1)


def conv_bwd(x, w, cot):
    x.requires_grad_(True)
    w.requires_grad_(True)
    y = torch.nn.functional.conv2d(x, w, padding=1)
    gx, gw = torch.autograd.grad(y, (x, w), cot)
    return gx


# Inputs in PyTorch's layout for the cases that differ from mlxgo's
# (channels first), made from the same shapes.
LAYOUT = {
    "conv_fwd": lambda x, w: (x.permute(0, 3, 1, 2).contiguous(), w.permute(0, 3, 1, 2).contiguous()),
    "conv_bwd": lambda x, w, c: (x.permute(0, 3, 1, 2).contiguous(), w.permute(0, 3, 1, 2).contiguous(),
                                 c.permute(0, 3, 1, 2).contiguous()),
    "gather_rows": lambda t, x: (t, (torch.floor(torch.abs(x) * 1e6) % 50000).to(torch.int32)),
}

OPS = {
    "copy": lambda x: x.clone(),
    "add": lambda a, b: a + b,
    "sum": lambda x: x.sum(),
    "softmax": lambda x: torch.softmax(x, dim=-1),
    "matmul_bf16": lambda a, b: a @ b,
    "matmul_f32": lambda a, b: a @ b,
    "gelu": gelu,
    "gelu_compiled": gelu_compiled,
    "sort": lambda x: torch.sort(x),
    "gather_rows": lambda t, i: t[i],
    "conv_fwd": conv_fwd,
    "conv_bwd": conv_bwd,
    "small_op": small_op,
}

DTYPES = {"float32": torch.float32, "bfloat16": torch.bfloat16, "float16": torch.float16}


def main():
    req = json.load(sys.stdin)
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    batch = req.get("batch", 1)
    gen = torch.Generator(device="cuda").manual_seed(0)
    times = {}
    for op in req["ops"]:
        fn = OPS.get(op["name"])
        if fn is None:
            continue
        dt = DTYPES[op["dtype"]]
        xs = [torch.randn(s, device="cuda", generator=gen, dtype=torch.float32).to(dt) for s in op["shapes"]]
        if op["name"] in LAYOUT:
            xs = list(LAYOUT[op["name"]](*xs))
        ts = []
        for r in range(req["warmup"] + req["runs"]):
            torch.cuda.synchronize()
            start = time.perf_counter()
            n = 1 if op["name"] == "small_op" else batch
            for _ in range(n):
                fn(*xs)
            torch.cuda.synchronize()
            t = (time.perf_counter() - start) / n
            if r >= req["warmup"]:
                ts.append(t)
        ts.sort()
        t = ts[len(ts) // 2]
        if op["name"] == "small_op":
            t /= 1000
        times[op["name"]] = t
        del xs
        torch.cuda.empty_cache()
    print(json.dumps({"torch": torch.__version__, "times": times}))


if __name__ == "__main__":
    main()
