// .npy reading: numpy.save's bytes of the golden idf (scripts/golden/make_eval_goldens.py) equal
// the values the script printed; float32 and version-2 headers built by hand; every malformed file
// gets an error naming it.
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it } from "node:test";
import { parseNpy, readNpy } from "../../src/io/npy.js";
import { EVAL_FIXTURES, evalGolden } from "../eval/golden-helpers.js";

/** A .npy file of version `major` with the given header dict and data bytes. */
function npyBytes(major: number, header: string, data: Uint8Array): Uint8Array {
  const lengthBytes = major === 1 ? 2 : 4;
  let text = header;
  while ((10 + lengthBytes - 2 + text.length + 1) % 64 !== 0) text += " ";
  text += "\n";
  const out = new Uint8Array(8 + lengthBytes + text.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0]);
  const view = new DataView(out.buffer);
  if (major === 1) view.setUint16(8, text.length, true);
  else view.setUint32(8, text.length, true);
  out.set(new TextEncoder().encode(text), 8 + lengthBytes);
  out.set(data, 8 + lengthBytes + text.length);
  return out;
}

describe("npy", () => {
  it("reads numpy.save's float64 idf exactly", () => {
    const { descr, shape, data } = readNpy(join(EVAL_FIXTURES, "idf.npy"));
    const idf = evalGolden().tfidf.idf;
    assert.equal(descr, "<f8");
    assert.deepEqual(shape, [idf.length]);
    assert.deepEqual([...data], idf);
  });

  it("reads float32 and version 2 headers, 2-D shapes in C order", () => {
    const values = Float32Array.from([1.5, -2.25, 3, 0.125, 7, 8]);
    const bytes = npyBytes(
      2,
      "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }",
      new Uint8Array(values.buffer),
    );
    const array = parseNpy(bytes, "x.npy");
    assert.deepEqual(array.shape, [2, 3]);
    assert.deepEqual([...array.data], [...values]);
    const scalar = parseNpy(
      npyBytes(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (), }", new Uint8Array(8)),
      "s.npy",
    );
    assert.deepEqual(scalar.shape, []);
    assert.equal(scalar.data.length, 1);
  });

  it("errors name the file and the problem", () => {
    assert.throws(() => parseNpy(new Uint8Array(20), "bad.npy"), /bad\.npy: not a \.npy file/);
    const f2 = npyBytes(1, "{'descr': '>f8', 'fortran_order': False, 'shape': (1,), }", new Uint8Array(8));
    assert.throws(() => parseNpy(f2, "be.npy"), /be\.npy: dtype '>f8' is not supported/);
    const fortran = npyBytes(
      1,
      "{'descr': '<f8', 'fortran_order': True, 'shape': (1,), }",
      new Uint8Array(8),
    );
    assert.throws(() => parseNpy(fortran, "f.npy"), /f\.npy: Fortran-ordered/);
    const short = npyBytes(
      1,
      "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }",
      new Uint8Array(16),
    );
    assert.throws(
      () => parseNpy(short, "short.npy"),
      /short\.npy: a <f8 array of shape \(3\) needs \d+ bytes, the file has \d+/,
    );
    assert.throws(() => readNpy(join(EVAL_FIXTURES, "missing.npy")), /cannot read .*missing\.npy/);
  });
});
