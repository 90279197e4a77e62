"""Checks mlxgo's file formats against Python's own tools, both ways.

    python3 scripts/io-interop-gpu.py check DIR   # files mlxgo wrote (TestIOInteropWrite)
    python3 scripts/io-interop-gpu.py write DIR   # files for TestIOInteropRead

It uses NumPy, PyTorch, and the safetensors and gguf packages where they are
installed (the GPU machine has NumPy 2.x, PyTorch and safetensors); without
safetensors or gguf it reads those formats with the small readers below. The
values are the golden samples of mx/io_golden_test.go. Exits non-zero on
any mismatch. The whole round trip, from the repository root:

    CGO_ENABLED=0 go test -c -o .gpu/mx.test ./mx
    mkdir -p /tmp/a /tmp/b
    (cd mx && MLXGO_IO_INTEROP_OUT=/tmp/a ../.gpu/mx.test -test.run TestIOInteropWrite)
    python3 scripts/io-interop-gpu.py check /tmp/a
    python3 scripts/io-interop-gpu.py write /tmp/b
    (cd mx && MLXGO_IO_INTEROP_IN=/tmp/b ../.gpu/mx.test -test.run TestIOInteropRead -test.v)
"""
import json
import os
import struct
import sys

import numpy as np
import torch

try:
    import safetensors
    import safetensors.numpy
    import safetensors.torch
except ImportError:
    safetensors = None
try:
    import gguf
except ImportError:
    gguf = None

SIGNED = [0, 1, -2, 3, 100, -7]
UNSIGNED = [0, 1, 2, 3, 100, 255]
FLOATS = [0.0, 1.5, -2.25, float("inf"), float("nan"), 1000.0]
COMPLEX = [0, 1 + 2j, -3.5j, 4, 1000 - 1j, -0.5]
BOOLS = [True, False, True, True, False, False]

NUMPY = {"bool": "?", "uint8": "u1", "uint16": "<u2", "uint32": "<u4", "uint64": "<u8", "int8": "i1",
         "int16": "<i2", "int32": "<i4", "int64": "<i8", "float16": "<f2", "float32": "<f4",
         "float64": "<f8", "complex64": "<c8"}
TORCH = {"bool": torch.bool, "uint8": torch.uint8, "int8": torch.int8, "int16": torch.int16,
         "int32": torch.int32, "int64": torch.int64, "float16": torch.float16,
         "bfloat16": torch.bfloat16, "float32": torch.float32, "float64": torch.float64}

failures = []


def sample(name):
    """The (2, 3) golden sample of an mlxgo dtype, as NumPy (bfloat16: float32 values)."""
    if name == "bfloat16":
        return np.array(FLOATS, dtype=np.float32).reshape(2, 3)
    code = NUMPY[name]
    kind = np.dtype(code).kind
    vals = {"b": BOOLS, "u": UNSIGNED, "i": SIGNED, "f": FLOATS, "c": COMPLEX}[kind]
    return np.array(vals, dtype=code).reshape(2, 3)


def bf16_bits(x):
    return torch.tensor(np.asarray(x, dtype=np.float32)).to(torch.bfloat16).view(torch.int16).numpy().view(np.uint16)


def bf16_values(bits):
    """bfloat16 bits as float32 values (NaN payloads differ between writers)."""
    return (np.asarray(bits).astype(np.uint32) << 16).view(np.float32)


def expect_bf16(what, bits, name):
    expect(what, bf16_values(np.asarray(bits).view(np.uint16)), bf16_values(bf16_bits(sample(name))))


def expect(what, got, want):
    got, want = np.asarray(got), np.asarray(want)
    ok = got.shape == want.shape and (got.dtype == want.dtype or want.dtype.kind == "V")
    if ok:
        if got.dtype.kind in "fc":
            ok = np.array_equal(got, want, equal_nan=True)
        else:
            ok = np.array_equal(got, want)
    if not ok:
        failures.append(what)
        print(f"MISMATCH {what}: got {got.dtype} {got.shape} {got.tolist()}, want {want.dtype} {want.shape} {want.tolist()}")
    else:
        print(f"ok {what}")


def read_safetensors(path):
    """A minimal reader: name -> (dtype tag, shape, raw bytes), and the metadata."""
    with open(path, "rb") as f:
        b = f.read()
    n = struct.unpack("<Q", b[:8])[0]
    h = json.loads(b[8:8 + n])
    meta = h.pop("__metadata__", {})
    out = {}
    for k, v in h.items():
        s, e = v["data_offsets"]
        out[k] = (v["dtype"], v["shape"], b[8 + n + s:8 + n + e])
    return out, meta


TAGS = {"BOOL": "?", "U8": "u1", "U16": "<u2", "U32": "<u4", "U64": "<u8", "I8": "i1", "I16": "<i2",
        "I32": "<i4", "I64": "<i8", "F16": "<f2", "F32": "<f4", "F64": "<f8", "C64": "<c8"}


def check(d):
    # .npy and .npz through NumPy.
    expect("mlxgo_float32.npy", np.load(os.path.join(d, "mlxgo_float32.npy")), sample("float32"))
    bf = np.load(os.path.join(d, "mlxgo_bfloat16.npy"))
    expect_bf16("mlxgo_bfloat16.npy (V2 bits)", bf, "bfloat16")
    for f in ["mlxgo.npz", "mlxgo_compressed.npz"]:
        z = np.load(os.path.join(d, f))
        for name in NUMPY:
            expect(f"{f} {name}", z[name], sample(name))
        expect_bf16(f"{f} bfloat16 (V2 bits)", z["bfloat16"], "bfloat16")
        expect(f"{f} fortran_source", z["fortran_source"], np.arange(12, dtype=np.int32).reshape(3, 4).T)
        expect(f"{f} scalar", z["scalar"], np.array(2.5, dtype=np.float32))
        expect(f"{f} empty", z["empty"], np.zeros((0, 3), dtype=np.int16))
    # safetensors: the package when installed, else the reader above.
    p = os.path.join(d, "mlxgo.safetensors")
    raw, meta = read_safetensors(p)
    if meta != {"format": "mlx", "note": "ünïcode"}:
        failures.append("safetensors metadata")
        print("MISMATCH metadata", meta)
    if safetensors is not None:
        with safetensors.safe_open(p, framework="pt") as f:
            if f.metadata() != {"format": "mlx", "note": "ünïcode"}:
                failures.append("safetensors package metadata")
            for name, dt in TORCH.items():
                t = f.get_tensor(name)
                if name == "bfloat16":
                    expect_bf16(f"safetensors pt {name}", t.view(torch.int16).numpy(), name)
                else:
                    expect(f"safetensors pt {name}", t.numpy(), sample(name))
        with safetensors.safe_open(p, framework="np") as f:
            for name in NUMPY:
                try:
                    expect(f"safetensors np {name}", f.get_tensor(name), sample(name))
                except Exception as e:  # an older package without a dtype
                    print(f"skip safetensors np {name}: {e}")
    for name, code in NUMPY.items():
        tag, shape, b = raw[name]
        expect(f"safetensors raw {name}", np.frombuffer(b, dtype=code).reshape(shape), sample(name))
    tag, shape, b = raw["bfloat16"]
    expect_bf16("safetensors raw bfloat16", np.frombuffer(b, dtype="<u2").reshape(shape), "bfloat16")
    # GGUF: the gguf package when installed.
    p = os.path.join(d, "mlxgo.gguf")
    if gguf is None:
        print("skip mlxgo.gguf: the gguf package is not installed (mx/io_golden_test.go covers the layout)")
        return
    r = gguf.GGUFReader(p)
    fields = {k: v for k, v in r.fields.items()}
    want_meta = {"general.architecture": "llama", "general.name": "tïny", "llama.context_length": 4096,
                 "f32": 1.5, "f64": 0.25, "i64": -(1 << 40), "u64": 1 << 63, "flag": True, "u8": 7,
                 "i8": -7, "u16": 7, "i16": -7, "i32": -7}
    for k, v in want_meta.items():
        fld = fields[k]
        got = fld.contents() if hasattr(fld, "contents") else fld.parts[fld.data[0]].tolist()[0]
        if isinstance(got, (bytes, bytearray)):
            got = got.decode()
        if got != v:
            failures.append(f"gguf metadata {k}")
            print(f"MISMATCH gguf metadata {k}: {got!r} want {v!r}")
    for t in r.tensors:
        name = t.name
        data = np.asarray(t.data)
        if name == "bfloat16":
            expect_bf16(f"gguf {name}", data.view(np.uint16).reshape(2, 3), name)
        else:
            expect(f"gguf {name}", data.reshape(2, 3), sample(name))


def write(d):
    os.makedirs(d, exist_ok=True)
    arrays = {name: sample(name) for name in NUMPY}
    arrays["fortran"] = np.asfortranarray(np.arange(24, dtype=np.float64).reshape(2, 3, 4))
    arrays["be_float64"] = sample("float64").astype(">f8")
    arrays["complex128"] = sample("complex64").astype(np.complex128)
    np.savez(os.path.join(d, "py_numpy.npz"), **arrays)
    np.savez_compressed(os.path.join(d, "py_numpy_compressed.npz"), **arrays)
    np.save(os.path.join(d, "py_float32.npy"), sample("float32"))
    tensors = {name: torch.tensor(sample(name)).to(dt) for name, dt in TORCH.items()}
    if hasattr(torch, "float8_e4m3fn"):
        tensors["float8_e4m3fn"] = torch.tensor([0.5, -1, 2, 448]).to(torch.float8_e4m3fn)
    nps = {name: sample(name) for name in NUMPY}
    if safetensors is not None:
        safetensors.torch.save_file(tensors, os.path.join(d, "py_torch.safetensors"), metadata={"format": "pt"})
        try:
            safetensors.numpy.save_file(nps, os.path.join(d, "py_numpy.safetensors"))
        except Exception as e:
            print(f"safetensors.numpy cannot write every dtype ({e}); writing without complex64")
            del nps["complex64"]
            safetensors.numpy.save_file(nps, os.path.join(d, "py_numpy.safetensors"))
    else:
        print("no safetensors package: py_*.safetensors not written")
    if gguf is not None:
        write_gguf(d)
    print("wrote", sorted(os.listdir(d)))


def write_gguf(d):
    """A GGUF file by the gguf package, with quantized tensors made of
    random blocks, and what the package's own dequantizer makes of them."""
    q = gguf.GGMLQuantizationType
    rng = np.random.default_rng(3)
    w = gguf.GGUFWriter(os.path.join(d, "py_gguf.gguf"), "llama")
    w.add_name("tiny")
    w.add_context_length(128)
    w.add_array("tokenizer.ggml.tokens", ["<s>", "▁a"])
    expected = {}
    w.add_tensor("f32", np.arange(12, dtype=np.float32).reshape(3, 4))
    expected["f32"] = np.arange(12, dtype=np.float32).reshape(3, 4)
    w.add_tensor("f16", np.arange(12, dtype=np.float16).reshape(3, 4))
    expected["f16"] = np.arange(12, dtype=np.float16).reshape(3, 4)
    halves = {"Q4_0": [0], "Q4_1": [0, 2], "Q5_0": [0], "Q5_1": [0, 2], "Q8_0": [0], "Q2_K": [80, 82],
              "Q3_K": [108], "Q4_K": [0, 2], "Q5_K": [0, 2], "Q6_K": [208]}
    for name, offs in halves.items():
        qt = q[name]
        block, size = gguf.GGML_QUANT_SIZES[qt]
        rows, nb = 2, 2
        b = rng.integers(0, 256, size=(rows * nb, size), dtype=np.uint8)
        for off in offs:
            b[:, off:off + 2] = rng.uniform(-0.05, 0.05, rows * nb).astype(np.float16).view(np.uint8).reshape(-1, 2)
        raw = b.reshape(rows, nb * size)
        try:
            deq = gguf.quants.dequantize(raw, qt)
        except Exception as e:
            print(f"gguf cannot dequantize {name}: {e}")
            continue
        w.add_tensor("q." + name, raw, raw_dtype=qt)
        with np.errstate(all="ignore"):
            expected["q." + name] = np.asarray(deq, dtype=np.float32).reshape(rows, nb * block).astype(np.float16)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    np.savez(os.path.join(d, "py_gguf_expected.npz"), **expected)


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("check", "write"):
        sys.exit(__doc__)
    print("numpy", np.__version__, "torch", torch.__version__,
          "safetensors", getattr(safetensors, "__version__", None), "gguf", gguf is not None)
    {"check": check, "write": write}[sys.argv[1]](sys.argv[2])
    if failures:
        sys.exit(f"{len(failures)} mismatches: {failures}")
    print("all match")
