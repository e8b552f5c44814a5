// Tests for src/io/safetensors-read.ts and safetensors-header.ts on hand-built files: lazy reads
// of every supported dtype, and one test per validation error (each message names the file).
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { openSafetensors } from "../../src/io/safetensors-read.js";
import { buildSafetensorsBytes, concatBytes, errorMessage, float32Bytes, makeTempDir } from "./fixtures.js";

const temp = makeTempDir();
after(temp.cleanup);
let fileCounter = 0;

function writeFile(bytes: Uint8Array): string {
  const path = join(temp.dir, `case-${fileCounter++}.safetensors`);
  writeFileSync(path, bytes);
  return path;
}

/** Writes a file from a header object and data, returning the error message opening it gives. */
function openError(header: object | string, data: Uint8Array, headerLength?: bigint): [string, string] {
  const path = writeFile(buildSafetensorsBytes(header, data, headerLength));
  return [path, errorMessage(() => openSafetensors(path))];
}

const twoFloats = float32Bytes([1.5, -2]);

test("reads F32, F16, BF16, F64, I32 and I64 tensors lazily, with metadata and info", () => {
  const f16 = new Uint8Array(new Uint16Array([0x3c00, 0xc000, 0x0001, 0x7c00]).buffer);
  const bf16 = new Uint8Array(new Uint16Array([0x3f80, 0xc040]).buffer);
  const f64 = new Uint8Array(new Float64Array([0.1, 1e300]).buffer);
  const i32 = new Uint8Array(new Int32Array([7, -8]).buffer);
  const i64 = new Uint8Array(new BigInt64Array([5n, -6n]).buffer);
  const data = concatBytes(twoFloats, f16, bf16, f64, i32, i64);
  const header = {
    __metadata__: { format: "pt" },
    a: { dtype: "F32", shape: [2], data_offsets: [0, 8] },
    b: { dtype: "F16", shape: [2, 2], data_offsets: [8, 16] },
    c: { dtype: "BF16", shape: [2], data_offsets: [16, 20] },
    d: { dtype: "F64", shape: [1, 2], data_offsets: [20, 36] },
    e: { dtype: "I32", shape: [2], data_offsets: [36, 44] },
    f: { dtype: "I64", shape: [2], data_offsets: [44, 60] },
    scalar_empty: { dtype: "F32", shape: [0, 3], data_offsets: [60, 60] },
  };
  const bytes = buildSafetensorsBytes(header, data);
  const file = openSafetensors(writeFile(bytes));
  assert.deepEqual(file.names().sort(), ["a", "b", "c", "d", "e", "f", "scalar_empty"]);
  assert.equal(file.metadata.format, "pt");
  assert.ok(file.has("a") && !file.has("z"));
  const headerBytes = bytes.length - data.length;
  assert.deepEqual(file.info("b"), {
    dtype: "F16",
    shape: [2, 2],
    byteOffset: headerBytes + 8,
    byteLength: 8,
  });
  assert.deepEqual([...file.readFloat32("a")], [1.5, -2]);
  assert.deepEqual([...file.readFloat32("b")], [1, -2, 2 ** -24, Infinity]);
  assert.deepEqual([...file.readFloat32("c")], [1, -3]);
  assert.deepEqual([...file.readFloat32("d")], [Math.fround(0.1), Infinity]);
  assert.deepEqual([...file.readInt32("e")], [7, -8]);
  assert.deepEqual([...file.readInt32("f")], [5, -6]);
  assert.equal(file.readFloat32("scalar_empty").length, 0);
  assert.deepEqual([...file.readBytes("c")], [...bf16]);
  const into = new Uint8Array(bf16.length + 2).fill(9);
  const read = file.readBytes("c", into);
  assert.equal(read.buffer, into.buffer);
  assert.deepEqual([...into], [...bf16, 9, 9], "the bytes land at the start of `into`");
  assert.match(
    errorMessage(() => file.readBytes("c", new Uint8Array(1))),
    /tensor 'c' has 4 bytes, the target buffer only 1/,
  );
  assert.match(
    errorMessage(() => file.readFloat32("e")),
    /tensor 'e' has dtype I32; readFloat32 needs/,
  );
  assert.match(
    errorMessage(() => file.readInt32("a")),
    /tensor 'a' has dtype F32; readInt32 needs/,
  );
  assert.match(
    errorMessage(() => file.info("z")),
    /no tensor named 'z'/,
  );
  file.close();
  assert.match(
    errorMessage(() => file.readFloat32("a")),
    /closed/,
  );
  file.close(); // closing twice is harmless
});

test("I64 values outside int32 are an error naming the tensor and element", () => {
  const data = new Uint8Array(new BigInt64Array([1n, 2n ** 40n]).buffer);
  const path = writeFile(
    buildSafetensorsBytes({ ids: { dtype: "I64", shape: [2], data_offsets: [0, 16] } }, data),
  );
  const file = openSafetensors(path);
  assert.match(
    errorMessage(() => file.readInt32("ids")),
    /tensor 'ids': I64 element 1 = 1099511627776/,
  );
  file.close();
});

test("holes between tensors and trailing bytes are accepted", () => {
  const data = concatBytes(twoFloats, new Uint8Array(4), twoFloats, new Uint8Array(3));
  const header = {
    a: { dtype: "F32", shape: [2], data_offsets: [0, 8] },
    b: { dtype: "F32", shape: [2], data_offsets: [12, 20] },
  };
  const file = openSafetensors(writeFile(buildSafetensorsBytes(header, data)));
  assert.deepEqual([...file.readFloat32("b")], [1.5, -2]);
  file.close();
});

test("a file shorter than 8 bytes, or missing, is rejected", () => {
  const path = writeFile(new Uint8Array([1, 2, 3]));
  assert.match(
    errorMessage(() => openSafetensors(path)),
    new RegExp(`${path}: not a safetensors file: 3 bytes`),
  );
  const missing = join(temp.dir, "nope.safetensors");
  assert.match(
    errorMessage(() => openSafetensors(missing)),
    /nope\.safetensors: cannot open/,
  );
});

test("header length past the end of file, absurdly large, or too small is rejected", () => {
  const header = { a: { dtype: "F32", shape: [2], data_offsets: [0, 8] } };
  let [path, message] = openError(header, twoFloats, 1000n);
  assert.ok(message.startsWith(path) && /header length 1000 runs past the end/.test(message), message);
  [path, message] = openError(header, twoFloats, 2n ** 63n);
  assert.ok(message.startsWith(path) && /exceeds the 104857600-byte limit/.test(message), message);
  [path, message] = openError(header, twoFloats, 0n);
  assert.ok(message.startsWith(path) && /too small/.test(message), message);
});

test("headers that are not UTF-8, not JSON, or not an object are rejected", () => {
  const badUtf8 = buildSafetensorsBytes("{}", new Uint8Array());
  badUtf8[9] = 0xff;
  const path = writeFile(badUtf8);
  assert.match(
    errorMessage(() => openSafetensors(path)),
    /not valid UTF-8/,
  );
  assert.match(
    openError('{"a": ', new Uint8Array())[1],
    /\.safetensors: safetensors header: invalid JSON at line 1, column 7/,
  );
  assert.match(openError("[1, 2]", new Uint8Array())[1], /header must be a JSON object/);
  assert.match(openError("null", new Uint8Array())[1], /header must be a JSON object/);
});

test("entries with missing or wrongly typed fields are rejected, naming the tensor", () => {
  const cases: [object, RegExp][] = [
    [{ w: 5 }, /tensor 'w': entry must be an object, got 5/],
    [{ w: { shape: [2], data_offsets: [0, 8] } }, /tensor 'w': missing 'dtype'/],
    [{ w: { dtype: "F31", shape: [2], data_offsets: [0, 8] } }, /tensor 'w': unknown dtype "F31"/],
    [{ w: { dtype: 4, shape: [2], data_offsets: [0, 8] } }, /tensor 'w': unknown dtype 4/],
    [{ w: { dtype: "F32", data_offsets: [0, 8] } }, /tensor 'w': 'shape' must be an array/],
    [{ w: { dtype: "F32", shape: "2", data_offsets: [0, 8] } }, /tensor 'w': 'shape' must be an array/],
    [{ w: { dtype: "F32", shape: [-2], data_offsets: [0, 8] } }, /tensor 'w': shape \[-2\] has a dimension/],
    [
      { w: { dtype: "F32", shape: [1.5], data_offsets: [0, 8] } },
      /tensor 'w': shape \[1.5\] has a dimension/,
    ],
    [
      { w: { dtype: "F32", shape: ["2"], data_offsets: [0, 8] } },
      /tensor 'w': shape \["2"\] has a dimension/,
    ],
    [{ w: { dtype: "F32", shape: [2 ** 40, 2 ** 40] } }, /tensor 'w': shape .* is absurdly large/],
    [{ w: { dtype: "F32", shape: [2] } }, /tensor 'w': 'data_offsets' must be \[begin, end\]/],
    [{ w: { dtype: "F32", shape: [2], data_offsets: [0] } }, /tensor 'w': 'data_offsets' must be/],
    [{ w: { dtype: "F32", shape: [2], data_offsets: [0, "8"] } }, /must be non-negative integers/],
    [{ w: { dtype: "F32", shape: [2], data_offsets: [-8, 0] } }, /must be non-negative integers/],
    [
      { w: { dtype: "F32", shape: [2], data_offsets: [8, 0] } },
      /tensor 'w': data_offsets \[8, 0\] has begin > end/,
    ],
    [
      { w: { dtype: "F32", shape: [2], data_offsets: [4, 12] } },
      /tensor 'w': .* run past the data buffer \(8/,
    ],
    [
      { w: { dtype: "F32", shape: [3], data_offsets: [0, 8] } },
      /tensor 'w': .* span 8 bytes, but shape \[3\] of F32/,
    ],
    [{ w: { dtype: "F16", shape: [2], data_offsets: [0, 8] } }, /tensor 'w': .* of F16 needs 4/],
  ];
  for (const [header, pattern] of cases) {
    const [path, message] = openError(header, twoFloats);
    assert.ok(message.startsWith(`${path}: `), message);
    assert.match(message, pattern);
  }
});

test("overlapping tensors are rejected, naming both", () => {
  const data = concatBytes(twoFloats, twoFloats);
  const header = {
    a: { dtype: "F32", shape: [2], data_offsets: [0, 8] },
    b: { dtype: "F32", shape: [4], data_offsets: [0, 16] },
  };
  assert.match(openError(header, data)[1], /tensor '(a|b)' .* overlaps tensor '(a|b)'/);
  const nested = {
    big: { dtype: "F32", shape: [4], data_offsets: [0, 16] },
    inner: { dtype: "F32", shape: [1], data_offsets: [4, 8] },
    after: { dtype: "F32", shape: [1], data_offsets: [12, 16] },
  };
  assert.match(openError(nested, data)[1], /overlaps tensor 'big'/);
});

test("metadata must be an object of strings", () => {
  const tensor = { dtype: "F32", shape: [2], data_offsets: [0, 8] };
  assert.match(
    openError({ __metadata__: { step: 3 }, a: tensor }, twoFloats)[1],
    /__metadata__\['step'\] must be a string/,
  );
  assert.match(openError({ __metadata__: "x", a: tensor }, twoFloats)[1], /__metadata__ must be an object/);
});
