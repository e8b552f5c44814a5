// Helpers for validating parsed JSON, shared by every reader (config.json, safetensors headers,
// tokenizer files, hyperparameters, edit requests, CounterFact records): the plain-object test
// and the two ways an error message shows the value it got.

/** A JSON object (not null, not an array). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The value's JSON spelling, bounded to 80 characters, so "0.5" (a string) and 0.5 read differently. */
export function jsonPreview(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** What kind of value it is, for "must be X, got Y": "nothing (the field is missing)", "an array of 3", "string \"x\"". */
export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing (the field is missing)";
  if (value === null) return "null";
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === "object") return "an object";
  const text = JSON.stringify(value);
  return `${typeof value} ${text.length > 60 ? `${text.slice(0, 57)}...` : text}`;
}
