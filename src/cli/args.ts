// Command-line argument helpers: typed option parsing with errors that name the flag.
import { parseArgs, type ParseArgsConfig } from "node:util";

export class UsageError extends Error {}

export type Options = ParseArgsConfig["options"];

export function parseOptions(argv: string[], options: NonNullable<Options>, usage: string) {
  try {
    return parseArgs({
      args: argv,
      options: { ...options, help: { type: "boolean", short: "h" } },
      strict: true,
      allowPositionals: false,
    }).values as Record<string, string | boolean | string[] | undefined>;
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n\n${usage}`);
  }
}

export function requireString(values: Record<string, unknown>, name: string, usage: string): string {
  const value = values[name];
  if (typeof value !== "string" || (value.length === 0 && name !== "prompt"))
    throw new UsageError(`--${name} is required\n\n${usage}`);
  return value;
}

export function optionalInt(
  values: Record<string, unknown>,
  name: string,
  fallback: number,
  min = 0,
): number {
  const value = values[name];
  if (value === undefined) return fallback;
  const n = Number(value);
  if (typeof value !== "string" || !Number.isInteger(n) || n < min)
    throw new UsageError(`--${name} must be an integer ≥ ${min}, got ${JSON.stringify(value)}`);
  return n;
}

/** A positive size in gigabytes (10⁹ bytes, fractions allowed) for flag `name`, in bytes. */
export function parseGigabytes(value: string, name = "stats-memory"): number {
  const gb = Number(value);
  if (!(gb > 0) || !Number.isFinite(gb))
    throw new UsageError(`--${name} must be a positive number of gigabytes, got ${JSON.stringify(value)}`);
  return gb * 1e9;
}
