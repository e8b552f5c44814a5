// Seeded fuzz test for src/io/safetensors-read.ts: 1,500 mutations of small valid files (byte
// flips in header and data, truncations, header-length rewrites, targeted JSON edits, appended
// bytes, random garbage). Each must either open and read, or throw an Error naming the file;
// mutations with a known verdict (e.g. overlapping offsets, data-only flips) must get it.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DTYPE_BYTES } from "../../src/io/dtypes.js";
import { openSafetensors, type SafetensorsFile } from "../../src/io/safetensors-read.js";
import { writeSafetensors } from "../../src/io/safetensors-write.js";
import { createRng, type Rng } from "../../src/util/random.js";
import { buildSafetensorsBytes, concatBytes, makeTempDir } from "./fixtures.js";

const temp = makeTempDir();
after(temp.cleanup);
const ITERATIONS = 1500;

type Entry = { dtype: unknown; shape: unknown; data_offsets: [number, number] };
type Header = Record<string, unknown>;
type Values = Map<string, number[]>;
type Verdict = "valid" | "invalid" | "either";

interface Base {
  bytes: Uint8Array;
  headerLength: number;
  header: Header;
  values: Values;
}

function baseFiles(): Base[] {
  const rng = createRng(3);
  const random = (n: number) => rng.fillNormal(new Float32Array(n));
  const first = join(temp.dir, "base-0.safetensors");
  writeSafetensors(
    first,
    {
      "wte.weight": { dtype: "F32", shape: [3, 4], data: random(12) },
      "ln.bias": { dtype: "F16", shape: [5], data: random(5) },
      "h.0.mlp": { dtype: "BF16", shape: [2, 3], data: random(6) },
    },
    { format: "pt" },
  );
  const second = join(temp.dir, "base-1.safetensors");
  const many: Parameters<typeof writeSafetensors>[1] = {};
  for (let i = 0; i < 8; i++) {
    const dtype = (["F32", "F16", "BF16"] as const)[i % 3];
    many[`layers.${i}.weight`] = { dtype, shape: [i + 1, 8], data: random((i + 1) * 8) };
  }
  writeSafetensors(second, many);
  // Hand-built: a hole, trailing bytes, and F64 / I32 / I64 tensors.
  const third = join(temp.dir, "base-2.safetensors");
  const data = concatBytes(
    new Uint8Array(new Float64Array([0.5, -1e-3]).buffer),
    new Uint8Array(8),
    new Uint8Array(new Int32Array([1, -2, 3]).buffer),
    new Uint8Array(new BigInt64Array([10n, -20n]).buffer),
    new Uint8Array(5),
  );
  const header = {
    __metadata__: { source: "hand-built" },
    doubles: { dtype: "F64", shape: [2], data_offsets: [0, 16] },
    ints: { dtype: "I32", shape: [3, 1], data_offsets: [24, 36] },
    longs: { dtype: "I64", shape: [2], data_offsets: [36, 52] },
  };
  writeFileSync(third, buildSafetensorsBytes(header, data));
  return [first, second, third].map((path) => {
    const bytes = new Uint8Array(readFileSync(path));
    const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    const headerJson = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength))) as Header;
    const outcome = readAll(path);
    assert.ok(outcome.ok, `base file ${path} must read`);
    return { bytes, headerLength, header: headerJson, values: outcome.values };
  });
}

type Outcome = { ok: true; values: Values } | { ok: false; message: string };

/** Opens and reads every tensor; any throw must be an Error naming the file. */
function readAll(path: string): Outcome {
  const fileSize = statSync(path).size;
  let file: SafetensorsFile;
  try {
    file = openSafetensors(path);
  } catch (error) {
    assert.ok(error instanceof Error, `non-Error thrown: ${String(error)}`);
    assert.ok(error.message.includes(path), `error does not name the file: ${error.message}`);
    return { ok: false, message: error.message };
  }
  const values: Values = new Map();
  for (const name of file.names()) {
    const info = file.info(name);
    assert.ok(info.byteOffset + info.byteLength <= fileSize, `tensor '${name}' claims bytes past the end`);
    try {
      const isInteger = info.dtype === "I32" || info.dtype === "I64";
      const read = isInteger ? file.readInt32(name) : file.readFloat32(name);
      assert.equal(
        read.length,
        info.shape.reduce((a, b) => a * b, 1),
      );
      values.set(name, Array.from(read));
    } catch (error) {
      assert.ok(error instanceof Error && error.message.includes(path), `read error: ${String(error)}`);
    }
  }
  file.close();
  return { ok: true, values };
}

function rebuild(base: Base, header: Header): Uint8Array {
  return buildSafetensorsBytes(header, base.bytes.subarray(8 + base.headerLength));
}

function tensorNames(header: Header): string[] {
  return Object.keys(header).filter((name) => name !== "__metadata__");
}

/** One targeted edit of the header JSON, with the verdict it must get. */
function editJson(base: Base, rng: Rng): { bytes: Uint8Array; verdict: Verdict } {
  const header = structuredClone(base.header);
  const names = tensorNames(header);
  const name = names[rng.int(names.length)];
  const entry = header[name] as Entry;
  const [begin, end] = entry.data_offsets;
  const dataLength = base.bytes.length - 8 - base.headerLength;
  const edit = rng.int(10);
  let verdict: Verdict = "invalid";
  if (edit === 0) entry.data_offsets = [end, begin];
  else if (edit === 1) {
    const other = header[names[(names.indexOf(name) + 1) % names.length]] as Entry;
    const otherBegin = other.data_offsets[0];
    entry.data_offsets = [otherBegin, otherBegin + (end - begin)];
  } else if (edit === 2) entry.data_offsets = [begin + dataLength, end + dataLength];
  else if (edit === 3) {
    const choices = [...Object.keys(DTYPE_BYTES), "F8", "float32", 5, null];
    const dtype = choices[rng.int(choices.length)];
    const oldSize = DTYPE_BYTES[entry.dtype as keyof typeof DTYPE_BYTES];
    verdict = DTYPE_BYTES[dtype as keyof typeof DTYPE_BYTES] === oldSize ? "valid" : "invalid";
    entry.dtype = dtype;
  } else if (edit === 4) entry.shape = [...(entry.shape as number[]), 2];
  else if (edit === 5) {
    const shape = (entry.shape as number[]).slice();
    shape[rng.int(shape.length)] *= [-1, 1.5, 2][rng.int(3)];
    entry.shape = shape;
  } else if (edit === 6) entry.shape = (entry.shape as number[]).map(String);
  else if (edit === 7)
    delete (entry as Partial<Entry>)[(["dtype", "shape", "data_offsets"] as const)[rng.int(3)]];
  else if (edit === 8) header.__metadata__ = { ...(header.__metadata__ as object), version: rng.int(5) };
  else {
    delete header[name];
    header[`${name}.renamed`] = entry;
    verdict = "valid";
  }
  return { bytes: rebuild(base, header), verdict };
}

function flipBytes(bytes: Uint8Array, from: number, to: number, rng: Rng, count: number): number[] {
  const positions: number[] = [];
  for (let i = 0; i < count && to > from; i++) {
    const position = from + rng.int(to - from);
    bytes[position] ^= 1 + rng.int(255);
    positions.push(position);
  }
  return positions;
}

test("1,500 seeded mutations: every file reads or fails with an Error naming it", { timeout: 60000 }, () => {
  const bases = baseFiles();
  const rng = createRng(20250607);
  const tally = { opened: 0, rejected: 0 };
  for (let iteration = 0; iteration < ITERATIONS; iteration++) {
    const base = bases[iteration % bases.length];
    const dataStart = 8 + base.headerLength;
    let bytes: Uint8Array = base.bytes.slice();
    let verdict: Verdict = "either";
    let untouched: string[] = [];
    const kind = rng.int(7);
    if (kind === 0) {
      flipBytes(bytes, 8, dataStart, rng, 1 + rng.int(3));
    } else if (kind === 1) {
      // Data-only flips: the header is intact, so the file must open and untouched tensors read the same.
      const flipped = flipBytes(bytes, dataStart, bytes.length, rng, 1 + rng.int(3)).map(
        (p) => p - dataStart,
      );
      verdict = "valid";
      untouched = tensorNames(base.header).filter((name) => {
        const [begin, end] = (base.header[name] as Entry).data_offsets;
        return flipped.every((p) => p < begin || p >= end);
      });
    } else if (kind === 2) {
      bytes = bytes.slice(0, rng.int(bytes.length));
      const lastEnd = Math.max(
        ...tensorNames(base.header).map((n) => (base.header[n] as Entry).data_offsets[1]),
      );
      verdict = bytes.length < dataStart + lastEnd ? "invalid" : "valid";
    } else if (kind === 3) {
      const lengths = [
        2n ** 64n - 1n,
        2n ** 63n,
        2n ** 40n,
        100n * 1024n * 1024n + 1n,
        BigInt(bytes.length),
        0n,
        1n,
      ];
      lengths.push(BigInt(base.headerLength + rng.int(17) - 8), BigInt(Math.floor(rng.next() * 2 ** 32)));
      new DataView(bytes.buffer).setBigUint64(0, lengths[rng.int(lengths.length)], true);
    } else if (kind === 4) {
      ({ bytes, verdict } = editJson(base, rng));
    } else if (kind === 5) {
      bytes = concatBytes(
        bytes,
        new Uint8Array(1 + rng.int(64)).map(() => rng.int(256)),
      );
      verdict = "valid";
      untouched = tensorNames(base.header);
    } else {
      bytes = new Uint8Array(rng.int(80)).map(() => rng.int(256));
    }
    // A fresh name each time: rewriting one file in place is slow on ext4 (flush on truncate).
    const path = join(temp.dir, `fuzzed-${iteration}.safetensors`);
    writeFileSync(path, bytes);
    const outcome = readAll(path);
    rmSync(path);
    const context = `iteration ${iteration}, mutation kind ${kind}`;
    if (verdict === "valid")
      assert.ok(outcome.ok, `${context}: expected to open, got ${outcome.ok || outcome.message}`);
    if (verdict === "invalid") assert.ok(!outcome.ok, `${context}: expected a rejection`);
    if (outcome.ok) {
      for (const name of untouched)
        assert.deepEqual(outcome.values.get(name), base.values.get(name), `${context}: ${name}`);
      tally.opened++;
    } else {
      tally.rejected++;
    }
  }
  assert.ok(tally.opened > 200 && tally.rejected > 200, `too one-sided: ${JSON.stringify(tally)}`);
});
