// Typed field access for JSON configuration objects (HF config.json and the like): each getter
// checks presence and type and throws an error naming the source file, the field and the
// expected type. `null` counts as absent, as in transformers' configs.

import { jsonPreview } from "./json-values.js";

export class JsonFields {
  constructor(
    private readonly json: Record<string, unknown>,
    /** File (or other source) named in error messages. */
    readonly source: string,
  ) {}

  has(key: string): boolean {
    return this.json[key] !== undefined && this.json[key] !== null;
  }

  raw(key: string): unknown {
    return this.json[key];
  }

  /** An integer ≥ `min` (default 1); `fallback` is used when the field is absent. */
  integer(key: string, fallback?: number, min = 1): number {
    const value = this.present(key, fallback, `an integer ≥ ${min}`);
    if (typeof value !== "number" || !Number.isSafeInteger(value) || value < min) {
      throw this.wrongType(key, `an integer ≥ ${min}`);
    }
    return value;
  }

  /** A finite number > 0. */
  positiveNumber(key: string, fallback?: number): number {
    const value = this.present(key, fallback, "a positive number");
    if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
      throw this.wrongType(key, "a positive number");
    }
    return value;
  }

  boolean(key: string, fallback?: boolean): boolean {
    const value = this.present(key, fallback, "a boolean");
    if (typeof value !== "boolean") throw this.wrongType(key, "a boolean");
    return value;
  }

  string(key: string, fallback?: string): string {
    const value = this.present(key, fallback, "a string");
    if (typeof value !== "string") throw this.wrongType(key, "a string");
    return value;
  }

  /** A string from `allowed`, with a message listing them. */
  oneOf<T extends string>(key: string, allowed: readonly T[], fallback?: T): T {
    const value = this.present(key, fallback, `one of ${allowed.join(", ")}`);
    if (typeof value !== "string" || !(allowed as readonly string[]).includes(value)) {
      throw this.wrongType(key, `one of ${allowed.map((item) => JSON.stringify(item)).join(", ")}`);
    }
    return value as T;
  }

  /** Builds an error about `key` with this source's prefix. */
  error(key: string, problem: string): Error {
    return new Error(`${this.source}: field "${key}" ${problem}`);
  }

  private present(key: string, fallback: unknown, expected: string): unknown {
    if (this.has(key)) return this.json[key];
    if (fallback !== undefined) return fallback;
    throw new Error(`${this.source}: missing field "${key}" (expected ${expected})`);
  }

  private wrongType(key: string, expected: string): Error {
    return this.error(key, `must be ${expected}, got ${jsonPreview(this.json[key])}`);
  }
}
