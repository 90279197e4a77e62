// Reads the GGUF file that mlxgo's TestIOInteropWrite writes with Hugging
// Face's GGUF parser (@huggingface/gguf, which follows llama.cpp's layout),
// and checks its metadata, tensor descriptions and tensor bytes against the
// golden samples of mx/io_golden_test.go. From the repository root:
//
//   (cd scripts/gguf-interop && npm install)
//   mkdir -p /tmp/a && (cd mx && MLXGO_IO_INTEROP_OUT=/tmp/a go test -run TestIOInteropWrite)
//   node scripts/gguf-interop/check.mjs /tmp/a/mlxgo.gguf
//
// It exits non-zero on any mismatch.
import { readFileSync } from "node:fs";
import { gguf } from "@huggingface/gguf";

const SIGNED = [0, 1, -2, 3, 100, -7];
const FLOATS = [0.0, 1.5, -2.25, Infinity, NaN, 1000.0];

// GGML type codes of the tensors written, with the element size, a reader
// and the expected values.
const TYPES = {
  float32: [0, 4, (v, o) => v.getFloat32(o, true), FLOATS],
  float16: [1, 2, (v, o) => half(v.getUint16(o, true)), FLOATS],
  bfloat16: [30, 2, (v, o) => bf16(v.getUint16(o, true)), FLOATS],
  float64: [28, 8, (v, o) => v.getFloat64(o, true), FLOATS],
  int8: [24, 1, (v, o) => v.getInt8(o), SIGNED],
  int16: [25, 2, (v, o) => v.getInt16(o, true), SIGNED],
  int32: [26, 4, (v, o) => v.getInt32(o, true), SIGNED],
  int64: [27, 8, (v, o) => Number(v.getBigInt64(o, true)), SIGNED],
};

function half(h) {
  const s = h & 0x8000 ? -1 : 1, e = (h >> 10) & 31, m = h & 1023;
  if (e === 31) return m ? NaN : s * Infinity;
  return e === 0 ? s * m * 2 ** -24 : s * (1 + m / 1024) * 2 ** (e - 15);
}

function bf16(b) {
  const v = new DataView(new ArrayBuffer(4));
  v.setUint32(0, b << 16, true);
  return v.getFloat32(0, true);
}

const same = (a, b) => (Number.isNaN(a) && Number.isNaN(b)) || a === b;
let failures = 0;
function expect(what, got, want) {
  const ok = Array.isArray(want)
    ? Array.isArray(got) && got.length === want.length && got.every((g, i) => same(g, want[i]))
    : same(got, want);
  if (!ok) {
    failures++;
    console.log(`MISMATCH ${what}: ${JSON.stringify(got, (k, v) => (typeof v === "bigint" ? `${v}n` : v))} want ${JSON.stringify(want)}`);
  }
}

const path = process.argv[2];
const { metadata, tensorInfos, tensorDataOffset } = await gguf(path, { allowLocalFile: true });
const wantMeta = {
  "general.architecture": "llama", "general.name": "tïny", "llama.context_length": 4096,
  f32: 1.5, f64: 0.25, i64: -(2n ** 40n), u64: 2n ** 63n, flag: true, u8: 7, i8: -7, u16: 7,
  i16: -7, i32: -7, "tokenizer.ggml.tokens": ["<s>", "▁the"], scores: [0, -1.5],
};
for (const [k, v] of Object.entries(wantMeta)) expect(`metadata ${k}`, metadata[k], v);
expect("tensor count", Number(metadata.tensor_count), Object.keys(TYPES).length);

const file = readFileSync(path);
const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
for (const t of tensorInfos) {
  const spec = TYPES[t.name];
  if (!spec) {
    failures++;
    console.log(`unexpected tensor ${t.name}`);
    continue;
  }
  const [code, size, read, want] = spec;
  expect(`${t.name} type`, t.dtype, code);
  // GGUF lists dimensions fastest first: [3, 2] is a (2, 3) array.
  expect(`${t.name} shape`, t.shape.map(Number), [3, 2]);
  const start = Number(tensorDataOffset + t.offset);
  const got = want.map((_, i) => read(view, start + i * size));
  expect(`${t.name} values`, got, want);
  if (start % 32 !== 0) {
    failures++;
    console.log(`${t.name}: data at ${start}, not aligned to 32 bytes`);
  }
}
if (failures > 0) {
  console.log(`${failures} mismatches`);
  process.exit(1);
}
console.log(`all match: ${tensorInfos.length} tensors and ${Object.keys(wantMeta).length} metadata keys read by @huggingface/gguf`);
