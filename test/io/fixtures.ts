// Test helpers for src/io: temporary folders and a raw safetensors byte builder that does not
// go through src/io/safetensors-write.ts, so reader tests can craft valid and broken files.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Creates a fresh folder under the OS temp dir; call the returned function to remove it. */
export function makeTempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "locedit-io-test-"));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Assembles `u64 length | header | data`. `header` may be an object (serialised with
 * JSON.stringify) or raw text; `headerLength` overrides the length field.
 */
export function buildSafetensorsBytes(
  header: object | string,
  data: Uint8Array,
  headerLength?: bigint,
): Uint8Array {
  const json = new TextEncoder().encode(typeof header === "string" ? header : JSON.stringify(header));
  const bytes = new Uint8Array(8 + json.length + data.length);
  new DataView(bytes.buffer).setBigUint64(0, headerLength ?? BigInt(json.length), true);
  bytes.set(json, 8);
  bytes.set(data, 8 + json.length);
  return bytes;
}

/** Little-endian bytes of a float32 array. */
export function float32Bytes(values: number[]): Uint8Array {
  return new Uint8Array(new Float32Array(values).buffer);
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Runs `fn` and returns the message of the Error it throws; fails if it does not throw one. */
export function errorMessage(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof Error) return error.message;
    throw new Error(`expected an Error, got ${String(error)}`, { cause: error });
  }
  throw new Error("expected an error, but the call succeeded");
}
