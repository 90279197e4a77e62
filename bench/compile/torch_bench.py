"""Times in PyTorch what bench/compile/main.go times in mlxgo.

    python3 torch_bench.py --device cpu --runs 5 --warmup 2

prints {"torch": version, "fused": how, "threads": n, "times": {case: median seconds}}.
Cases: gelu on 64M float32 (eager, and fused) and an SGD step of a
784-512-512-10 MLP, batch 256 (eager, and fused). Fused is torch.compile
where it exists, else torch.jit.script (PyTorch 1.x, whose CPU fuser also
merges elementwise chains); run by `go run ./bench/compile`.
"""

import argparse
import json
import math
import time

import torch


def gelu(x):
    return x * 0.5 * (1 + torch.erf(x / math.sqrt(2)))


def loss_fn(w1, b1, w2, b2, w3, b3, x, y):
    h = torch.relu(x @ w1 + b1)
    h = torch.relu(h @ w2 + b2)
    logits = h @ w3 + b3
    return (torch.logsumexp(logits, -1) - (logits * y).sum(-1)).mean()


def make_step(loss):
    def step(params, x, y):
        ps = [p.detach().requires_grad_() for p in params]
        l = loss(*ps, x, y)
        gs = torch.autograd.grad(l, ps)
        return l.detach(), [p.detach() - 0.01 * g for p, g in zip(ps, gs)]
    return step


def median(fn, sync, runs, warmup):
    times = []
    for r in range(warmup + runs):
        sync()
        t = time.perf_counter()
        fn()
        sync()
        if r >= warmup:
            times.append(time.perf_counter() - t)
    times.sort()
    return times[len(times) // 2]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=2)
    a = ap.parse_args()
    dev = torch.device(a.device)
    sync = torch.cuda.synchronize if dev.type == "cuda" else (lambda: None)
    if hasattr(torch, "compile"):
        fuse, how = torch.compile, "torch.compile"
    else:
        fuse, how = torch.jit.script, "torch.jit.script"
    g = torch.Generator().manual_seed(0)
    times = {}
    x = torch.randn(64 << 20, generator=g).to(dev)
    fgelu = fuse(gelu)
    times["gelu_eager"] = median(lambda: gelu(x), sync, a.runs, a.warmup)
    times["gelu_fused"] = median(lambda: fgelu(x), sync, a.runs, a.warmup + 2)
    del x
    params = [torch.randn(784, 512, generator=g) / 28, torch.zeros(512),
              torch.randn(512, 512, generator=g) / 22.6, torch.zeros(512),
              torch.randn(512, 10, generator=g) / 22.6, torch.zeros(10)]
    params = [p.to(dev) for p in params]
    bx = torch.randn(256, 784, generator=g).to(dev)
    by = torch.nn.functional.one_hot(torch.arange(256) % 10, 10).float().to(dev)
    eager, fused = make_step(loss_fn), make_step(fuse(loss_fn))
    times["mlp_eager"] = median(lambda: eager(params, bx, by), sync, a.runs, a.warmup)
    times["mlp_fused"] = median(lambda: fused(params, bx, by), sync, a.runs, a.warmup + 2)
    print(json.dumps({"torch": torch.__version__, "fused": how, "threads": torch.get_num_threads(), "times": times}))


if __name__ == "__main__":
    main()
