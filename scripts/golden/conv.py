"""Writes mx/testdata/conv.json: convolutions computed by PyTorch (CPU) and
einsums computed by NumPy, for TestConvGolden and TestEinsumGolden.

Inputs are small integers so that every result is exact in float32. Arrays
are stored in mlxgo's layouts: channels last, weights [C_out, K..., C_in/groups].
Run: /usr/bin/python3 scripts/golden/conv.py
"""
import json
import os

import numpy as np
import torch
import torch.nn.functional as F

rng = np.random.default_rng(7)


def ints(shape):
    return rng.integers(-3, 4, size=shape).astype(np.float64)


def to_torch_in(x):  # [N, ..., C] -> [N, C, ...]
    return torch.from_numpy(np.ascontiguousarray(np.moveaxis(x, -1, 1)))


def to_torch_w(w):  # [O, K..., I] -> [O, I, K...]
    return torch.from_numpy(np.ascontiguousarray(np.moveaxis(w, -1, 1)))


def from_torch(y):  # [N, C, ...] -> [N, ..., C]
    return np.moveaxis(y.numpy(), 1, -1)


CONV = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}
CONVT = {1: F.conv_transpose1d, 2: F.conv_transpose2d, 3: F.conv_transpose3d}


def general(x, w, stride, lo, hi, kdil, idil, groups, flip):
    """conv_general through PyTorch: the input dilated and padded (or cropped)
    by hand, the kernel flipped by hand, then an unpadded convolution."""
    nd = x.ndim - 2
    for j in range(nd):
        ax = j + 1
        if idil[j] > 1:
            n = x.shape[ax]
            shape = list(x.shape)
            shape[ax] = (n - 1) * idil[j] + 1
            d = np.zeros(shape)
            idx = [slice(None)] * x.ndim
            idx[ax] = slice(None, None, idil[j])
            d[tuple(idx)] = x
            x = d
        pads = [(0, 0)] * x.ndim
        pads[ax] = (max(lo[j], 0), max(hi[j], 0))
        x = np.pad(x, pads)
        idx = [slice(None)] * x.ndim
        idx[ax] = slice(max(-lo[j], 0), x.shape[ax] - max(-hi[j], 0))
        x = x[tuple(idx)]
    if flip:
        w = np.flip(w, axis=tuple(range(1, nd + 1)))
    y = CONV[nd](to_torch_in(x), to_torch_w(np.ascontiguousarray(w)), stride=stride,
                 dilation=kdil, groups=groups)
    return from_torch(y)


cases = []


def add_conv(op, xs, ws, **a):
    nd = len(xs) - 2
    x, w = ints(xs), ints(ws)
    stride = a.get("stride", [1] * nd)
    kdil = a.get("dilation", [1] * nd)
    groups = a.get("groups", 1)
    if op == "conv":
        pad = a.get("padding", [0] * nd)
        out = from_torch(CONV[nd](to_torch_in(x), to_torch_w(w), stride=stride, padding=pad,
                                  dilation=kdil, groups=groups))
    elif op == "conv_transpose":
        pad = a.get("padding", [0] * nd)
        outpad = a.get("output_padding", [0] * nd)
        # MLX's weight [O, K..., I/g] is PyTorch's [I, O/g, K...] group by group.
        o, g = ws[0], groups
        wt = np.moveaxis(w, 0, -1)  # [K..., I/g, O]
        wt = wt.reshape(wt.shape[:-1] + (g, o // g))  # [K..., I/g, g, O/g]
        wt = np.moveaxis(wt, -2, 0)  # [g, K..., I/g, O/g]
        wt = np.moveaxis(wt, -2, 1)  # [g, I/g, K..., O/g]
        wt = np.moveaxis(wt, -1, 2)  # [g, I/g, O/g, K...]
        wt = wt.reshape((-1,) + wt.shape[2:])
        out = from_torch(CONVT[nd](to_torch_in(x), torch.from_numpy(np.ascontiguousarray(wt)),
                                   stride=stride, padding=pad, output_padding=outpad,
                                   groups=groups, dilation=kdil))
    else:
        out = general(x, w, stride, a["lo"], a["hi"], kdil, a.get("input_dilation", [1] * nd),
                      groups, a.get("flip", False))
    cases.append({"op": op, "x_shape": list(xs), "w_shape": list(ws), "x": x.ravel().tolist(),
                  "w": w.ravel().tolist(), "args": a, "out_shape": list(out.shape),
                  "out": out.ravel().tolist()})


add_conv("conv", (2, 7, 3), (2, 3, 3))
add_conv("conv", (1, 9, 2), (3, 2, 2), stride=[2], padding=[1], dilation=[3])
add_conv("conv", (1, 6, 4), (4, 3, 2), groups=2, padding=[2])
add_conv("conv", (2, 5, 6, 2), (3, 3, 3, 2), padding=[1, 1])
add_conv("conv", (1, 7, 6, 4), (4, 3, 2, 1), stride=[2, 1], padding=[1, 0], dilation=[1, 2], groups=4)
add_conv("conv", (1, 4, 5, 3, 2), (2, 2, 3, 2, 2), stride=[1, 2, 1], padding=[1, 1, 0], dilation=[2, 1, 1])
add_conv("conv", (1, 3, 4, 4, 4), (2, 2, 2, 2, 2), groups=2, padding=[0, 1, 1])
add_conv("conv_transpose", (1, 4, 3), (2, 3, 3), stride=[2], padding=[1], output_padding=[1])
add_conv("conv_transpose", (2, 3, 4), (6, 2, 2), stride=[3], dilation=[2], groups=2)
add_conv("conv_transpose", (1, 3, 3, 2), (3, 3, 2, 2), stride=[2, 1], padding=[1, 0], output_padding=[1, 0])
add_conv("conv_transpose", (1, 2, 3, 2, 2), (2, 2, 2, 2, 2), stride=[2, 2, 1], padding=[0, 1, 0], output_padding=[1, 1, 0])
add_conv("conv_general", (1, 5, 2), (2, 3, 2), lo=[2], hi=[0], input_dilation=[2], flip=True)
add_conv("conv_general", (1, 4, 5, 2), (2, 2, 3, 1), stride=[2, 1], lo=[1, -1], hi=[0, 2],
         dilation=[1, 2], input_dilation=[2, 1], groups=2)
add_conv("conv_general", (2, 3, 3, 2, 2), (2, 2, 1, 2, 2), lo=[1, 0, 1], hi=[1, 1, 0],
         input_dilation=[1, 2, 1], flip=True)

for spec, shapes in [
    ("ij,jk->ik", [(2, 3), (3, 4)]),
    ("ij,jk", [(2, 3), (3, 2)]),
    ("ii", [(3, 3)]),
    ("ii->i", [(3, 3)]),
    ("ijk->kji", [(2, 3, 2)]),
    ("bij,bjk->bik", [(2, 2, 3), (2, 3, 2)]),
    ("...ij,...jk", [(2, 1, 2, 3), (3, 3, 2)]),
    ("i...->...", [(3, 2, 2)]),
    ("ij,jk,kl->il", [(2, 3), (3, 4), (4, 2)]),
    ("ab,bc,cd,de->ae", [(2, 3), (3, 2), (2, 4), (4, 2)]),
    ("i,i", [(4,), (4,)]),
    ("i,j", [(2,), (3,)]),
    ("ijj,kj->ik", [(2, 3, 3), (2, 3)]),
    ("bhqd,bhkd->bhqk", [(1, 2, 3, 2), (1, 2, 2, 2)]),
    ("Ab,bA->", [(2, 3), (3, 2)]),
]:
    ops = [ints(s) for s in shapes]
    out = np.asarray(np.einsum(spec, *ops), dtype=np.float64)
    path, _ = np.einsum_path(spec, *ops, optimize="optimal")
    cases.append({"op": "einsum", "subscripts": spec, "shapes": [list(s) for s in shapes],
                  "operands": [o.ravel().tolist() for o in ops], "out_shape": list(out.shape),
                  "out": out.ravel().tolist(), "path": [list(p) for p in path[1:]]})

here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "..", "..", "mx", "testdata", "conv.json"), "w") as f:
    json.dump(cases, f, separators=(",", ":"))
