// The contribution score's measurement (BLUE, Li et al., arXiv 2502.03748, Fig. 2; xpq-tech/BLUE
// memit/compute_z.py get_target_new_avg_prob): for each request, the mean over its context-template
// prompts of exp(−mean NLL of target_new's tokens), teacher forced, with a vector δ added at the
// subject's last token of one layer's output. The residual stream entering each layer of interest is
// computed once and cached (it does not depend on δ), so each measurement runs only the layers from
// there up, and the LM head only at the target's positions.
import type { PreparedRequest } from "../editing/prepare/prepared-request.js";
import type { CausalLM } from "../models/causal-lm.js";
import type { Batch, DeltaHook, DeltaSite } from "../models/types.js";
import { makeBatch } from "../runtime/batch.js";
import { logSoftmax } from "../runtime/loss.js";

/** At most this many tokens per forward. */
const CHUNK_TOKENS = 8192;

interface Row {
  request: number;
  lookup: number;
  /** (position, target id) pairs the NLL reads */
  targets: { position: number; id: number }[];
}

interface Chunk {
  batch: Batch;
  rows: Row[];
  /** layer → residual stream entering it (B·T, C) */
  inputs: Map<number, Float32Array>;
}

export interface Intervention {
  layer: number;
  site: DeltaSite;
  /** per request, the vector added at its lookup token in every one of its prompts */
  vectors: readonly Float32Array[];
}

export class TemplateScorer {
  private readonly chunks: Chunk[] = [];
  private readonly requests: number;

  /** Rows for every (request, context template) and the cached inputs of `layers`. */
  constructor(
    private readonly model: CausalLM,
    requests: readonly PreparedRequest[],
    layers: readonly number[],
  ) {
    this.requests = requests.length;
    const rows: { ids: number[]; row: Row }[] = requests.flatMap((r, request) =>
      r.rewrite.map((p) => ({
        ids: [...p.ids, ...r.targetIds.slice(0, -1)],
        row: {
          request,
          lookup: p.lookup,
          targets: r.targetIds.map((id, j) => ({ position: p.ids.length - 1 + j, id })),
        },
      })),
    );
    const wanted = [...new Set(layers)].sort((a, b) => a - b);
    for (let start = 0; start < rows.length;) {
      let end = start + 1;
      let longest = rows[start].ids.length;
      while (end < rows.length && Math.max(longest, rows[end].ids.length) * (end + 1 - start) <= CHUNK_TOKENS)
        longest = Math.max(longest, rows[end++].ids.length);
      const part = rows.slice(start, end);
      const batch = makeBatch(
        part.map((r) => r.ids),
        { padSide: "right" },
      );
      const endLayer = wanted[wanted.length - 1];
      const trace = model.forward(batch, {
        endLayer,
        logits: "none",
        captureLayers: wanted.filter((l) => l > 0).map((l) => l - 1),
      });
      const inputs = new Map(wanted.map((l) => [l, l === 0 ? trace.input : trace.layers[l - 1]!.out]));
      this.chunks.push({ batch, rows: part.map((r) => r.row), inputs });
      start = end;
    }
  }

  /** Per request, mean over its prompts of exp(−mean target NLL); δ added where `intervention` says. */
  probabilities(intervention: Intervention | null, fromLayer?: number): Float64Array {
    const layer = intervention?.layer ?? fromLayer ?? [...this.chunks[0].inputs.keys()][0];
    const sums = new Float64Array(this.requests);
    const counts = new Float64Array(this.requests);
    const V = this.model.config.vocabSize;
    for (const chunk of this.chunks) {
      const hidden = chunk.inputs.get(layer);
      if (!hidden) throw new Error(`TemplateScorer: layer ${layer} was not cached`);
      const deltas: DeltaHook[] = intervention
        ? chunk.rows.map((r, row) => ({
            layer,
            site: intervention.site,
            row,
            position: r.lookup,
            vector: intervention.vectors[r.request],
          }))
        : [];
      const positions = chunk.rows.flatMap((r, row) => r.targets.map((t) => ({ row, position: t.position })));
      const { logits } = this.model.forward(chunk.batch, {
        start: { layer, hidden },
        deltas,
        logits: positions,
      });
      let m = 0;
      for (const r of chunk.rows) {
        let nll = 0;
        for (const t of r.targets) nll -= logSoftmax(logits, m++ * V, V)[t.id];
        sums[r.request] += Math.exp(-nll / r.targets.length);
        counts[r.request]++;
      }
    }
    return sums.map((s, i) => s / counts[i]);
  }
}
