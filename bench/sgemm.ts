// sgemm rows: GFLOP/s of C = A·B (float32, row-major) through our addon's native.sgemm versus
// numpy's `np.matmul(a, b, out=c)` in a subprocess (bench/python/sgemm_numpy.py), same threads.
// Names read m×k×n: A is m×k, B is k×n. 64×768×3072 is GPT-2's c_fc on 64 tokens; its transB
// variant stores B as n×k = [out, in], the layout of every locedit linear layer (x·Wᵀ).
import { native } from "../src/native/binding.js";
import { createRng } from "../src/util/random.js";
import { runPythonBaseline } from "./baselines.js";
import type { BenchContext } from "./options.js";
import { makeRow, type Row } from "./report.js";
import { median, secondsPerCallSamples } from "./timing.js";

interface SgemmCase {
  name: string;
  m: number;
  n: number;
  k: number;
  transB: boolean;
}

const CASES: SgemmCase[] = [
  { name: "sgemm 1024x1024x1024", m: 1024, k: 1024, n: 1024, transB: false },
  { name: "sgemm 64x768x3072", m: 64, k: 768, n: 3072, transB: false },
  { name: "sgemm 64x768x3072 transB", m: 64, k: 768, n: 3072, transB: true },
];

export const SGEMM_ROW_NAMES = CASES.map((c) => c.name);

/** Operands for one case, allocated once and reused across rounds. */
function ourKernel(c: SgemmCase): () => void {
  const rng = createRng(7);
  const a = rng.fillNormal(new Float32Array(c.m * c.k)); // (m, k)
  const b = rng.fillNormal(new Float32Array(c.k * c.n)); // (k, n), or (n, k) when transB
  const out = new Float32Array(c.m * c.n); // (m, n)
  const ldb = c.transB ? c.k : c.n;
  return () => native.sgemm(false, c.transB, c.m, c.n, c.k, 1, a, 0, c.k, b, 0, ldb, 0, out, 0, c.n);
}

/**
 * Ours and numpy take turns over a few rounds (one with --quick), so that a change in the load
 * of a shared machine hits both sides alike; each side's figure is the median of all its samples.
 */
export function sgemmRows(ctx: BenchContext): Row[] {
  const cases = CASES.filter((c) => ctx.selected(c.name));
  if (cases.length === 0) return [];
  const rounds = ctx.quick ? 1 : 3;
  const reps = { warmup: ctx.kernelReps.warmup, reps: Math.ceil(ctx.kernelReps.reps / rounds) };
  const kernels = new Map(cases.map((c) => [c.name, ourKernel(c)]));
  const ours = new Map<string, number[]>(cases.map((c) => [c.name, []]));
  const theirs = new Map<string, number[]>(cases.map((c) => [c.name, []]));
  let missing: string | undefined;
  for (let round = 1; round <= rounds; round++) {
    ctx.log(`  sgemm round ${round}/${rounds}: locedit`);
    for (const c of cases)
      ours.get(c.name)?.push(...secondsPerCallSamples(kernels.get(c.name) as () => void, reps));
    if (missing) continue;
    ctx.log(`  sgemm round ${round}/${rounds}: numpy baseline`);
    const baseline = runPythonBaseline<Record<string, number[]>>(
      "sgemm_numpy.py",
      { cases, ...reps },
      ctx.threads,
      120,
    );
    if (!baseline.ok) {
      missing = `no numpy baseline: ${baseline.reason}`;
      continue;
    }
    if (round === 1) ctx.environments.push(`numpy: ${JSON.stringify(baseline.environment)}`);
    for (const c of cases) theirs.get(c.name)?.push(...(baseline.results[c.name] ?? []));
  }
  return cases.map((c) => {
    const gflop = (2 * c.m * c.n * c.k) / 1e9;
    const baselineSamples = theirs.get(c.name) as number[];
    return makeRow(
      c.name,
      gflop / median(ours.get(c.name) as number[]),
      missing || baselineSamples.length === 0 ? null : gflop / median(baselineSamples),
      "GFLOP/s",
      "higher",
      missing,
    );
  });
}
