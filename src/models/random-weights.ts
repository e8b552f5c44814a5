// Seeded random parameters for any architecture (GPT-2's initialisation scheme: weights
// N(0, std²), norm weights 1, biases 0), for benchmarks, fixtures and training from scratch.
import { createRng } from "../util/random.js";
import { architectureFor } from "./architecture.js";
import type { ModelConfig } from "./config.js";
import { sizeOf } from "./param-spec.js";

export interface RandomWeightsOptions {
  seed?: number;
  /** standard deviation of matrix entries (default 0.02) */
  std?: number;
}

/** How GPT-2's scheme initialises parameter `name`: norm weights 1, biases 0, matrices random. */
export function initKind(name: string): "ones" | "zeros" | "random" {
  if (/(ln_\d|ln_f|layernorm|norm)\.weight$/.test(name)) return "ones";
  return name.endsWith(".bias") ? "zeros" : "random";
}

export function randomParams(config: ModelConfig, options: RandomWeightsOptions = {}): Map<string, Float32Array> {
  const rng = createRng(options.seed ?? 0);
  const std = options.std ?? 0.02;
  const params = new Map<string, Float32Array>();
  for (const spec of architectureFor(config).specs) {
    if (spec.tiedTo) continue;
    const data = new Float32Array(sizeOf(spec.shape));
    const kind = initKind(spec.name);
    if (kind === "ones") data.fill(1);
    else if (kind === "random") rng.fillNormal(data, 0, std);
    params.set(spec.name, data);
  }
  return params;
}
