// Tests for src/io/safetensors-write.ts: write → read round trips for F32/F16/BF16 checked
// against reference conversions written here (DataView + explicit rounding), the byte layout
// (8-aligned space-padded header, sorted tensors, no holes) and validation before any write.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { openSafetensors } from "../../src/io/safetensors-read.js";
import { writeSafetensors } from "../../src/io/safetensors-write.js";
import { createRng } from "../../src/util/random.js";
import { errorMessage, makeTempDir } from "./fixtures.js";

const temp = makeTempDir();
after(temp.cleanup);

/** Reference BF16 rounding via DataView: keep the upper half, round the lower half to nearest even. */
function referenceBfloat16(value: number): number {
  const view = new DataView(new ArrayBuffer(4));
  view.setFloat32(0, value, true);
  const upper = view.getUint16(2, true);
  const lower = view.getUint16(0, true);
  const roundUp = lower > 0x8000 || (lower === 0x8000 && (upper & 1) === 1);
  view.setUint16(2, roundUp ? upper + 1 : upper, true);
  view.setUint16(0, 0, true);
  return view.getFloat32(0, true);
}

/** Reference F16 rounding via float64 arithmetic: scale to an integer grid, round half to even. */
function referenceFloat16(value: number): number {
  const magnitude = Math.abs(value);
  if (magnitude >= 65520) return Math.sign(value) * Infinity;
  // Grid spacing: 2^-24 for subnormals, 2^(e-10) within the binade [2^e, 2^(e+1)).
  let exponent = magnitude < 2 ** -14 ? -14 : Math.floor(Math.log2(magnitude));
  while (exponent > -14 && 2 ** exponent > magnitude) exponent--;
  while (2 ** (exponent + 1) <= magnitude) exponent++;
  const spacing = 2 ** (exponent - 10);
  const scaled = magnitude / spacing;
  let rounded = Math.round(scaled);
  if (rounded - scaled === 0.5 && rounded % 2 === 1) rounded -= 1; // Math.round sends ties up
  return (value < 0 || Object.is(value, -0) ? -1 : 1) * rounded * spacing;
}

function sample(seed: number, count: number): Float32Array {
  const rng = createRng(seed);
  const values = new Float32Array(count);
  for (let i = 0; i < count; i++) values[i] = (rng.next() - 0.5) * 2 ** (rng.int(40) - 24);
  values.set([0, -0, 1, -1, 65504, 65519, 65520, 1e6, 2 ** -25, 3 * 2 ** -26, 1e-30, 3.4e38]);
  return values;
}

test("round trip F32 exactly, F16 and BF16 with round-to-nearest-even, with metadata", () => {
  const values = sample(5, 5000);
  const path = join(temp.dir, "roundtrip.safetensors");
  writeSafetensors(
    path,
    {
      full: { dtype: "F32", shape: [50, 100], data: values },
      half: { dtype: "F16", shape: [5000], data: values },
      brain: { dtype: "BF16", shape: [10, 500], data: values },
      nothing: { dtype: "F16", shape: [0], data: new Float32Array(0) },
    },
    { format: "pt", note: "written by a test" },
  );
  const file = openSafetensors(path);
  assert.deepEqual(file.metadata, { format: "pt", note: "written by a test" });
  assert.deepEqual(file.info("brain").shape, [10, 500]);
  assert.deepEqual(file.readFloat32("full"), values);
  const half = file.readFloat32("half");
  const brain = file.readFloat32("brain");
  for (let i = 0; i < values.length; i++) {
    assert.ok(Object.is(half[i], referenceFloat16(values[i])), `F16 of ${values[i]}: got ${half[i]}`);
    assert.ok(Object.is(brain[i], referenceBfloat16(values[i])), `BF16 of ${values[i]}: got ${brain[i]}`);
  }
  assert.equal(file.readFloat32("nothing").length, 0);
  file.close();
  assert.deepEqual(readdirSync(temp.dir), ["roundtrip.safetensors"]);
});

test("layout: header padded with spaces to a multiple of 8, tensors sorted by name, contiguous", () => {
  const path = join(temp.dir, "layout.safetensors");
  writeSafetensors(path, {
    "10": { dtype: "F32", shape: [1], data: new Float32Array([3]) },
    b: { dtype: "F16", shape: [3], data: new Float32Array([1, 2, 3]) },
    a: { dtype: "BF16", shape: [1], data: new Float32Array([1]) },
    "2": { dtype: "F32", shape: [], data: new Float32Array([7]) },
  });
  const bytes = readFileSync(path);
  const headerLength = Number(bytes.readBigUInt64LE(0));
  assert.equal(headerLength % 8, 0);
  const headerText = bytes.subarray(8, 8 + headerLength).toString("utf8");
  assert.match(headerText, /^\{.*\} *$/);
  const header = JSON.parse(headerText) as Record<string, { data_offsets: number[] }>;
  const order = Object.keys(header).sort((x, y) => header[x].data_offsets[0] - header[y].data_offsets[0]);
  assert.deepEqual(order, ["10", "2", "a", "b"]);
  assert.deepEqual(headerText.indexOf('"10"') < headerText.indexOf('"2"'), true, "keys in sorted order");
  assert.deepEqual(
    order.map((name) => header[name].data_offsets),
    [
      [0, 4],
      [4, 8],
      [8, 10],
      [10, 16],
    ],
  );
  assert.equal(bytes.length, 8 + headerLength + 16);
  const file = openSafetensors(path);
  assert.deepEqual([...file.readFloat32("2")], [7]);
  assert.deepEqual(file.info("2").shape, []);
  file.close();
});

test("invalid tensors are rejected before anything is written", () => {
  const path = join(temp.dir, "invalid.safetensors");
  const data = new Float32Array(6);
  const cases: [Record<string, unknown>, RegExp][] = [
    [
      { w: { dtype: "F32", shape: [2, 2], data } },
      /tensor 'w': shape \[2, 2\] holds 4 elements but data has 6/,
    ],
    [{ w: { dtype: "I32", shape: [6], data } }, /tensor 'w': cannot write dtype I32/],
    [{ w: { dtype: "F32", shape: [-6], data } }, /tensor 'w': shape \[-6\] must be non-negative integers/],
    [
      { w: { dtype: "F32", shape: [6], data: [0, 0, 0, 0, 0, 0] } },
      /tensor 'w': data must be a Float32Array/,
    ],
    [{ __metadata__: { dtype: "F32", shape: [6], data } }, /reserved for metadata/],
  ];
  for (const [tensors, pattern] of cases) {
    const message = errorMessage(() => writeSafetensors(path, tensors as never));
    assert.ok(message.startsWith(path), message);
    assert.match(message, pattern);
  }
  const metadataMessage = errorMessage(() =>
    writeSafetensors(path, {}, { epoch: 3 } as unknown as Record<string, string>),
  );
  assert.match(metadataMessage, /metadata 'epoch' must be a string/);
  assert.ok(!readdirSync(temp.dir).some((name) => name.startsWith("invalid")));
});

test("an existing file is replaced whole; a failing write into a missing folder leaves no temp file", () => {
  const path = join(temp.dir, "replace.safetensors");
  writeSafetensors(path, { a: { dtype: "F32", shape: [1], data: new Float32Array([1]) } });
  writeSafetensors(path, { b: { dtype: "F32", shape: [1], data: new Float32Array([2]) } });
  const file = openSafetensors(path);
  assert.deepEqual(file.names(), ["b"]);
  file.close();
  const missing = join(temp.dir, "no-such-folder", "x.safetensors");
  assert.throws(() => writeSafetensors(missing, {}), /ENOENT/);
  assert.ok(!readdirSync(temp.dir).some((name) => name.includes(".tmp-")));
});

test("tensors spanning several conversion chunks keep every element in place", () => {
  // 2.5M elements: F16/BF16 data is 5 MB, more than the reader's 4 MiB and the writer's 1M-element chunks.
  const count = 2_500_000;
  const values = new Float32Array(count);
  for (let i = 0; i < count; i++) values[i] = (i % 251) - 125; // small integers: exact in F16 and BF16
  const path = join(temp.dir, "chunked.safetensors");
  writeSafetensors(path, {
    half: { dtype: "F16", shape: [count], data: values },
    brain: { dtype: "BF16", shape: [count], data: values },
  });
  const file = openSafetensors(path);
  assert.deepEqual(file.readFloat32("half"), values);
  assert.deepEqual(file.readFloat32("brain"), values);
  file.close();
});

test("readFloat32 into a caller's buffer: every dtype, a view of its start, and a too-short buffer named", () => {
  const values = createRng(9).fillNormal(new Float32Array(37));
  for (const dtype of ["F32", "F16", "BF16"] as const) {
    const path = join(temp.dir, `into-${dtype}.safetensors`);
    writeSafetensors(path, { w: { dtype, shape: [37], data: values } });
    const file = openSafetensors(path);
    const fresh = file.readFloat32("w");
    const buffer = new Float32Array(64).fill(7);
    const view = file.readFloat32("w", buffer.subarray(3));
    assert.equal(view.length, 37);
    assert.equal(view.buffer, buffer.buffer);
    assert.deepEqual(view, fresh);
    assert.equal(buffer[2], 7);
    assert.equal(buffer[40], 7);
    assert.match(
      errorMessage(() => file.readFloat32("w", new Float32Array(36))),
      /'w' has 37 elements.*only 36/,
    );
    file.close();
  }
});
