"""Times PyTorch (CPU) on the convolution that bench/conv/main.go times in mlxgo.

Reads {"runs", "warmup", "batch", "size", "cin", "cout", "k", "threads"} as JSON on
standard input and prints {"torch": version, "threads": n, "times":
{"forward": s, "backward": s}, "cpu": {...}} with median seconds of wall
time and of the process's CPU time (all threads). The input is NCHW,
PyTorch's own layout. Backward is the cotangents of the input and the weight
(torch.autograd.grad on a forward graph built beforehand, untimed).
"""

import json
import os
import sys
import time

import torch
import torch.nn.functional as F


def median(fn, runs, warmup):
    times, cpus = [], []
    for r in range(warmup + runs):
        start, c0 = time.perf_counter(), time.process_time()
        fn()
        elapsed, cpu = time.perf_counter() - start, time.process_time() - c0
        if r >= warmup:
            times.append(elapsed)
            cpus.append(cpu)
    times.sort()
    cpus.sort()
    return times[len(times) // 2], cpus[len(cpus) // 2]


def main():
    req = json.load(sys.stdin)
    torch.set_num_threads(req.get("threads") or os.cpu_count())
    torch.manual_seed(0)
    n, s, ci, co, k = req["batch"], req["size"], req["cin"], req["cout"], req["k"]
    x = torch.randn(n, ci, s, s, requires_grad=True)
    w = torch.randn(co, ci, k, k, requires_grad=True)
    g = torch.randn(n, co, s, s)
    pad = k // 2
    times, cpus = {}, {}
    with torch.no_grad():
        times["forward"], cpus["forward"] = median(lambda: F.conv2d(x, w, padding=pad), req["runs"], req["warmup"])
    y = F.conv2d(x, w, padding=pad)
    times["backward"], cpus["backward"] = median(
        lambda: torch.autograd.grad(y, (x, w), g, retain_graph=True), req["runs"], req["warmup"])
    json.dump({"torch": torch.__version__, "threads": torch.get_num_threads(), "times": times, "cpu": cpus},
              sys.stdout)


if __name__ == "__main__":
    main()
