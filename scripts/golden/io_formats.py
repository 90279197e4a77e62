"""Writes the small interop files under mx/testdata/io/ that mx/io_golden_test.go
reads: arrays of every dtype written by NumPy (.npy and .npz, stored and
compressed, both byte orders, Fortran order), a safetensors file written by
hand as the safetensors package writes it (bfloat16 from PyTorch), and a GGUF
file in llama.cpp's layout with typed metadata and every tensor type mlxgo
loads, quantized ones included, beside the values those dequantize to
(computed here in NumPy, in float32 as llama.cpp does, then rounded to
float16). Run from the repository root: /usr/bin/python3 scripts/golden/io_formats.py
"""
import json
import os
import struct

import numpy as np
import torch

OUT = "mx/testdata/io"

SIGNED = [0, 1, -2, 3, 100, -7]
UNSIGNED = [0, 1, 2, 3, 100, 255]
FLOATS = [0.0, 1.5, -2.25, float("inf"), float("nan"), 1000.0]
COMPLEX = [0, 1 + 2j, -3.5j, 4, 1000 - 1j, -0.5]
BOOLS = [True, False, True, True, False, False]

NUMPY_TYPES = ["?", "u1", "u2", "u4", "u8", "i1", "i2", "i4", "i8", "f2", "f4", "f8", "c8", "c16"]


def sample(code):
    """The (2, 3) sample of a NumPy type code; mx/io_golden_test.go builds the same."""
    kind = np.dtype(code).kind
    vals = {"b": BOOLS, "u": UNSIGNED, "i": SIGNED, "f": FLOATS, "c": COMPLEX}[kind]
    return np.array(vals, dtype=code).reshape(2, 3)


def numpy_files():
    arrays = {}
    for code in NUMPY_TYPES:
        a = sample(code)
        arrays["le_" + code.replace("?", "b1")] = a.astype("<" + code if code != "?" else code)
        if np.dtype(code).itemsize > 1:
            arrays["be_" + code] = a.astype(">" + code)
    arrays["fortran"] = np.asfortranarray(np.arange(12, dtype="<i4").reshape(3, 4))
    arrays["fortran_be3"] = np.asfortranarray(np.arange(24, dtype=">f8").reshape(2, 3, 4))
    arrays["scalar"] = np.array(2.5, dtype="<f4")
    arrays["empty"] = np.zeros((0, 3), dtype="<i2")
    np.savez(os.path.join(OUT, "numpy.npz"), **arrays)
    np.savez_compressed(os.path.join(OUT, "numpy_compressed.npz"), **arrays)
    np.save(os.path.join(OUT, "numpy_fortran.npy"), arrays["fortran_be3"])
    np.save(os.path.join(OUT, "numpy_c16be.npy"), sample("c16").astype(">c16"))


def safetensors_file():
    """Writes a safetensors file as the safetensors package lays it out:
    tensors sorted by dtype alignment then name, the header padded with
    spaces to a multiple of 8."""
    tensors = {
        "bool": ("BOOL", np.array(BOOLS).reshape(2, 3).tobytes(), [2, 3]),
        "u8": ("U8", sample("u1").tobytes(), [2, 3]),
        "u16": ("U16", sample("<u2").tobytes(), [2, 3]),
        "u32": ("U32", sample("<u4").tobytes(), [2, 3]),
        "u64": ("U64", sample("<u8").tobytes(), [2, 3]),
        "i8": ("I8", sample("i1").tobytes(), [2, 3]),
        "i16": ("I16", sample("<i2").tobytes(), [2, 3]),
        "i32": ("I32", sample("<i4").tobytes(), [2, 3]),
        "i64": ("I64", sample("<i8").tobytes(), [2, 3]),
        "f16": ("F16", sample("<f2").tobytes(), [2, 3]),
        "f32": ("F32", sample("<f4").tobytes(), [2, 3]),
        "f64": ("F64", sample("<f8").tobytes(), [2, 3]),
        "c64": ("C64", sample("<c8").tobytes(), [2, 3]),
        "bf16": ("BF16", torch.tensor(sample("<f4")).to(torch.bfloat16).view(torch.int16).numpy().tobytes(), [2, 3]),
        "f8_e4m3": ("F8_E4M3", bytes([0, 1, 0x38, 0x7e, 0x80, 0xff]), [6]),
        "f8_e5m2": ("F8_E5M2", bytes([0, 0x3c, 0x7b, 0xfc]), [2, 2]),
        "model.layers.0.mlp.weight": ("F32", np.arange(20, dtype="<f4").tobytes(), [4, 5]),
        "empty": ("F32", b"", [0, 4]),
        "scalar": ("I32", struct.pack("<i", -3), []),
    }
    header = {"__metadata__": {"format": "pt", "note": "ünïcode"}}
    data = b""
    for name in sorted(tensors, key=lambda n: n):
        dtype, raw, shape = tensors[name]
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    h = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode()
    h += b" " * (-len(h) % 8)
    with open(os.path.join(OUT, "torch.safetensors"), "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + data)


# ---- GGUF ---------------------------------------------------------------

T_U8, T_I8, T_U16, T_I16, T_U32, T_I32, T_F32, T_BOOL, T_STR, T_ARR, T_U64, T_I64, T_F64 = range(13)
SCALAR_FMT = {T_U8: "<B", T_I8: "<b", T_U16: "<H", T_I16: "<h", T_U32: "<I", T_I32: "<i",
              T_F32: "<f", T_BOOL: "<?", T_U64: "<Q", T_I64: "<q", T_F64: "<d"}


def gstr(s):
    b = s.encode()
    return struct.pack("<Q", len(b)) + b


def gvalue(t, v):
    if t == T_STR:
        return gstr(v)
    if t == T_ARR:
        et, items = v
        out = struct.pack("<IQ", et, len(items))
        for it in items:
            out += gvalue(et, it)
        return out
    return struct.pack(SCALAR_FMT[t], v)


# GGML types: (id, elements per block, bytes per block)
GGML = {"F32": (0, 1, 4), "F16": (1, 1, 2), "Q4_0": (2, 32, 18), "Q4_1": (3, 32, 20),
        "Q5_0": (6, 32, 22), "Q5_1": (7, 32, 24), "Q8_0": (8, 32, 34), "Q2_K": (10, 256, 84),
        "Q3_K": (11, 256, 110), "Q4_K": (12, 256, 144), "Q5_K": (13, 256, 176), "Q6_K": (14, 256, 210),
        "Q8_K": (15, 256, 292), "I8": (24, 1, 1), "I16": (25, 1, 2), "I32": (26, 1, 4),
        "I64": (27, 1, 8), "F64": (28, 1, 8), "BF16": (30, 1, 2)}

# Where each quantized block keeps its float16 scales (d, and dmin or m).
HALF_FIELDS = {"Q4_0": [0], "Q4_1": [0, 2], "Q5_0": [0], "Q5_1": [0, 2], "Q8_0": [0],
               "Q2_K": [80, 82], "Q3_K": [108], "Q4_K": [0, 2], "Q5_K": [0, 2], "Q6_K": [208]}


def gguf_file(path, kvs, tensors, alignment=32):
    out = b"GGUF" + struct.pack("<IQQ", 3, len(tensors), len(kvs))
    for k, t, v in kvs:
        out += gstr(k) + struct.pack("<I", t) + gvalue(t, v)
    off = 0
    for name, typ, dims, raw in tensors:
        out += gstr(name) + struct.pack("<I", len(dims)) + b"".join(struct.pack("<Q", d) for d in dims)
        out += struct.pack("<IQ", GGML[typ][0], off)
        off += len(raw) + (-len(raw) % alignment)
    out += b"\0" * (-len(out) % alignment)
    for _, _, _, raw in tensors:
        out += raw + b"\0" * (-len(raw) % alignment)
    with open(path, "wb") as f:
        f.write(out)


def f16(x):
    return np.asarray(x, dtype=np.float32).astype(np.float16).view(np.uint16)


def random_blocks(rng, typ, n):
    _, _, size = GGML[typ]
    b = rng.integers(0, 256, size=(n, size), dtype=np.uint8)
    for off in HALF_FIELDS.get(typ, []):
        b[:, off:off + 2] = f16(rng.uniform(-0.05, 0.05, n)).view(np.uint8).reshape(n, 2)
    if typ == "Q8_K":
        b[:, 0:4] = np.asarray(rng.uniform(-0.05, 0.05, n), dtype="<f4").view(np.uint8).reshape(n, 4)
    return b


def h(b, off):
    return b[:, off:off + 2].copy().view("<f2").astype(np.float32)[:, 0]


def dequant(typ, b):
    """Dequantizes blocks b (n, size) to (n, elems) float32, after ggml."""
    f32 = np.float32
    if typ in ("Q4_0", "Q4_1", "Q5_0", "Q5_1"):
        has_m = typ in ("Q4_1", "Q5_1")
        d = h(b, 0)
        qoff = 2 + 2 * has_m
        if typ.startswith("Q5"):
            qh = b[:, qoff:qoff + 4].copy().view("<u4")[:, 0]
            qoff += 4
        qs = b[:, qoff:qoff + 16].astype(np.int32)
        q = np.concatenate([qs & 0xF, qs >> 4], axis=1)  # element j, j+16
        if typ.startswith("Q5"):
            bit = (qh[:, None] >> np.arange(32, dtype=np.uint32)[None, :]) & 1
            q = q | (bit.astype(np.int32) << 4)
        if has_m:
            return (q.astype(f32) * d[:, None]).astype(f32) + h(b, 2)[:, None]
        return (q - (8 if typ == "Q4_0" else 16)).astype(f32) * d[:, None]
    if typ == "Q8_0":
        return b[:, 2:34].view(np.int8).astype(f32) * h(b, 0)[:, None]
    if typ == "Q8_K":
        d = b[:, 0:4].copy().view("<f4")[:, 0]
        return b[:, 4:260].view(np.int8).astype(f32) * d[:, None]
    n = b.shape[0]
    # Element e of a 256 block: half p = e // 128, within it r = e % 128;
    # the 2-bit types take byte (r % 32) of the half's 32 bytes, bits 2*(r // 32).
    e = np.arange(256)
    if typ in ("Q2_K", "Q3_K"):
        p, r = e // 128, e % 128
        byte = 32 * p + r % 32
        shift = 2 * (r // 32)
        qoff = 16 if typ == "Q2_K" else 32
        q = (b[:, qoff + byte].astype(np.int32) >> shift) & 3
        sub = e // 16
        if typ == "Q2_K":
            sc = b[:, sub].astype(np.int32)
            dl = h(b, 80)[:, None] * (sc & 0xF).astype(f32)
            ml = h(b, 82)[:, None] * (sc >> 4).astype(f32)
            return (dl * q.astype(f32)).astype(f32) - ml
        # Q3_K: the high bit of element e is bit (e // 32) of hmask[e % 32].
        hm = (b[:, e % 32].astype(np.int32) >> (e // 32)) & 1
        q = q - 4 * (1 - hm)
        raw = b[:, 96:108].astype(np.int32)
        j = np.arange(16)
        lo = np.where(j < 8, raw[:, j % 8] & 0xF, raw[:, j % 8] >> 4)
        hi = (raw[:, 8 + j % 4] >> (2 * (j // 4))) & 3
        scales = (lo | (hi << 4)) - 32
        dl = h(b, 108)[:, None] * scales[:, sub].astype(f32)
        return dl * q.astype(f32)
    if typ in ("Q4_K", "Q5_K"):
        raw = b[:, 4:16].astype(np.int32)
        j = np.arange(8)
        sc = np.where(j < 4, raw[:, j % 4 + 0] & 63, (raw[:, (j + 4) % 12] & 0xF) | ((raw[:, (j - 4) % 12] >> 6) << 4))
        mn = np.where(j < 4, raw[:, (j + 4) % 12] & 63, (raw[:, (j + 4) % 12] >> 4) | ((raw[:, j % 12] >> 6) << 4))
        sub = e // 32  # sub-block: pairs share 32 bytes, low nibble first
        qoff = 16 if typ == "Q4_K" else 48
        qbyte = b[:, qoff + 32 * (e // 64) + e % 32].astype(np.int32)
        q = np.where((sub % 2 == 0)[None, :], qbyte & 0xF, qbyte >> 4)
        if typ == "Q5_K":
            q = q + 16 * ((b[:, 16 + e % 32].astype(np.int32) >> sub) & 1)
        d1 = h(b, 0)[:, None] * sc[:, sub].astype(f32)
        m1 = h(b, 2)[:, None] * mn[:, sub].astype(f32)
        return (d1 * q.astype(f32)).astype(f32) - m1
    if typ == "Q6_K":
        p, r = e // 128, e % 128
        quarter, l = r // 32, r % 32
        lbyte = b[:, 64 * p + l + 32 * (quarter % 2)].astype(np.int32)
        low = np.where((quarter < 2)[None, :], lbyte & 0xF, lbyte >> 4)
        high = (b[:, 128 + 32 * p + l].astype(np.int32) >> (2 * quarter)) & 3
        q = (low | (high << 4)) - 32
        sc = b[:, 192:208].view(np.int8).astype(f32)
        return (h(b, 208)[:, None] * sc[:, e // 16]) * q.astype(f32)
    raise ValueError(typ)


def gguf_files():
    rng = np.random.default_rng(7)
    kvs = [
        ("general.architecture", T_STR, "llama"),
        ("general.name", T_STR, "tïny"),
        ("llama.context_length", T_U32, 4096),
        ("llama.rope.freq_base", T_F32, 10000.0),
        ("u8", T_U8, 255), ("i8", T_I8, -128), ("u16", T_U16, 65535), ("i16", T_I16, -32768),
        ("i32", T_I32, -5), ("u64", T_U64, 2**64 - 1), ("i64", T_I64, -2**63), ("f64", T_F64, 0.1),
        ("flag", T_BOOL, True),
        ("tokenizer.ggml.tokens", T_ARR, (T_STR, ["<s>", "</s>", "▁the", ""])),
        ("tokenizer.ggml.scores", T_ARR, (T_F32, [0.0, -1.5, 2.25])),
        ("tokenizer.ggml.token_type", T_ARR, (T_I32, [1, 3, 1])),
        ("bools", T_ARR, (T_BOOL, [True, False])),
        ("nested", T_ARR, (T_ARR, [(T_U8, [1, 2]), (T_STR, ["x"])])),
    ]
    tensors = []
    expected = {}
    plain = {"F32": "<f4", "F16": "<f2", "F64": "<f8", "I8": "i1", "I16": "<i2", "I32": "<i4", "I64": "<i8"}
    for typ, code in plain.items():
        a = np.arange(-6, 6).reshape(3, 4).astype(code)
        tensors.append(("plain." + typ, typ, [4, 3], a.tobytes()))
        expected["plain." + typ] = a
    bf = torch.arange(-6, 6, dtype=torch.float32).reshape(3, 4) / 4
    tensors.append(("plain.BF16", "BF16", [4, 3], bf.to(torch.bfloat16).view(torch.int16).numpy().tobytes()))
    expected["plain.BF16"] = bf.numpy()  # exact in bfloat16
    for typ in ["Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q8_0", "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K", "Q8_K"]:
        _, elems, _ = GGML[typ]
        rows, cols = 2, 2 * elems
        blocks = random_blocks(rng, typ, rows * cols // elems)
        tensors.append(("q." + typ, typ, [cols, rows], blocks.tobytes()))
        with np.errstate(all="ignore"):
            expected["q." + typ] = dequant(typ, blocks).reshape(rows, cols).astype(np.float16)
    gguf_file(os.path.join(OUT, "llama.gguf"), kvs, tensors)
    np.savez(os.path.join(OUT, "llama_expected.npz"), **expected)


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    numpy_files()
    safetensors_file()
    gguf_files()
