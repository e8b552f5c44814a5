// Integrity of statistics files (issue 14): random byte flips in a cached or a partial (resume)
// file used to change ΔW silently, and huge finite values to zero a layer's edit. Every file now
// carries in its metadata a sha256 checksum over its key metadata and the stored bytes of 'sum'
// and 'count', verified on every read; and the sum must be what Σ k kᵀ can be: finite, symmetric,
// a non-negative diagonal, |s_ij| ≤ √(s_ii·s_jj) (Cauchy–Schwarz, with float32 rounding room), and
// C0's diagonal s_ii / count ≤ 1e16 (keys of RMS above 1e8 come from no working model).
import { createHash } from "node:crypto";

export const CHECKSUM_FIELD = "checksum";
/** Largest plausible diagonal entry of C0 = Σ k kᵀ / count. */
export const MAX_C0_DIAGONAL = 1e16;
/** Room for rounding in the symmetry and Cauchy–Schwarz checks, relative to √(s_ii·s_jj). */
const SYMMETRY_TOLERANCE = 1e-6;
const CAUCHY_SCHWARZ_TOLERANCE = 1e-3;

/** Bytes given piece by piece (a float32 sum narrowed chunk by chunk, never whole in memory). */
export interface ByteChunks {
  length: number;
  chunks: Iterable<Uint8Array>;
}

/** Hex sha256 over the metadata (without the checksum, keys sorted) and the stored tensor bytes. */
export function statsChecksum(
  metadata: Readonly<Record<string, string>>,
  sumBytes: Uint8Array | ByteChunks,
  countBytes: Uint8Array,
): string {
  const fields = Object.keys(metadata)
    .filter((k) => k !== CHECKSUM_FIELD)
    .sort()
    .map((k) => [k, metadata[k]]);
  const sum = sumBytes instanceof Uint8Array ? { length: sumBytes.length, chunks: [sumBytes] } : sumBytes;
  const hash = createHash("sha256")
    .update("locedit-stats-checksum-v1\n")
    .update(JSON.stringify(fields))
    .update(`\nsum ${sum.length}\n`);
  for (const chunk of sum.chunks) hash.update(chunk);
  return hash.update(`\ncount ${countBytes.length}\n`).update(countBytes).digest("hex");
}

/** Throws `<path>: checksum mismatch …` unless the stored checksum matches the file's contents. */
export function requireChecksum(
  metadata: Readonly<Record<string, string>>,
  sumBytes: Uint8Array,
  countBytes: Uint8Array,
  path: string,
): void {
  const stored = metadata[CHECKSUM_FIELD];
  if (stored === undefined) throw new Error(`${path}: statistics metadata lacks '${CHECKSUM_FIELD}'`);
  if (stored !== statsChecksum(metadata, sumBytes, countBytes))
    throw new Error(
      `${path}: checksum mismatch: the statistics file is damaged (its data or key no longer match the ` +
        `checksum written with it); delete it and the statistics are computed again`,
    );
}

const show = (x: number) => (Number.isInteger(x) ? String(x) : x.toPrecision(4));

/** Throws naming the file and the first entry that no Σ k kᵀ over `count` tokens can hold. */
export function requirePlausibleSum(sum: Float64Array, dim: number, count: number, path: string): void {
  const bad = (message: string): never => {
    throw new Error(`${path}: ${message}; the statistics file is damaged, delete it to compute it again`);
  };
  for (let i = 0; i < dim; i++) {
    const d = sum[i * dim + i];
    if (!Number.isFinite(d)) bad(`entry (${i}, ${i}) of the sum is ${d}`);
    if (d < 0) bad(`diagonal entry ${i} is ${show(d)}, a sum of squares cannot be negative`);
    if (count > 0 && d / count > MAX_C0_DIAGONAL)
      bad(`diagonal entry ${i} gives C0 = ${show(d / count)}, implausibly large (above ${MAX_C0_DIAGONAL})`);
  }
  for (let i = 0; i < dim; i++)
    for (let j = i + 1; j < dim; j++) {
      const a = sum[i * dim + j];
      const b = sum[j * dim + i];
      if (!Number.isFinite(a)) bad(`entry (${i}, ${j}) of the sum is ${a}`);
      if (!Number.isFinite(b)) bad(`entry (${j}, ${i}) of the sum is ${b}`);
      const bound = Math.sqrt(sum[i * dim + i] * sum[j * dim + j]);
      if (Math.abs(a - b) > SYMMETRY_TOLERANCE * bound)
        bad(
          `entries (${i}, ${j}) and (${j}, ${i}) differ (${show(a)} and ${show(b)}), but Σ k kᵀ is symmetric`,
        );
      if (Math.abs(a) > (1 + CAUCHY_SCHWARZ_TOLERANCE) * bound)
        bad(`entry (${i}, ${j}) = ${show(a)} exceeds √(s_ii·s_jj) = ${show(bound)}, impossible for Σ k kᵀ`);
    }
}
