"""Times PyTorch (CPU) gathering rows, bench/main.go's gather_rows case,
which that program does not time in PyTorch itself (it does sort and
argsort), to compare with mlxgo's Take on the same machine.

Run from the repository root: python3 bench/torch_cpu.py
and compare with: go run ./bench -only gather_rows

gather_rows is 1M random int32 row indices into a [50000, 1024] float32
table, giving a [1M, 1024] result (4 GiB): table.index_select(0, idx) and
table[idx]. It prints the median of the timed runs.
"""
import os
import time

import torch

ROWS, COLS, N = 50000, 1024, 1 << 20


def median_time(fn, runs=5, warmup=1):
    times = []
    for r in range(warmup + runs):
        start = time.perf_counter()
        out = fn()
        elapsed = time.perf_counter() - start
        del out
        if r >= warmup:
            times.append(elapsed)
    times.sort()
    return times[len(times) // 2]


def main():
    torch.set_num_threads(os.cpu_count() or 1)  # as mlxgo uses every core
    g = torch.Generator().manual_seed(0)
    table = torch.randn(ROWS, COLS, generator=g, dtype=torch.float32)
    idx32 = torch.randint(0, ROWS, (N,), generator=g, dtype=torch.int32)
    idx64 = idx32.long()
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads")
    for name, fn in [
        ("index_select int64", lambda: table.index_select(0, idx64)),
        ("table[idx] int64", lambda: table[idx64]),
        ("index_select int32", lambda: table.index_select(0, idx32)),
    ]:
        try:
            t = median_time(fn)
        except (RuntimeError, IndexError) as e:
            print(f"{name:24s} not supported: {e}")
            continue
        print(f"{name:24s} {t * 1e3:9.1f} ms  {N * COLS * 4 / t / 1e9:6.2f} GB/s")


if __name__ == "__main__":
    main()
