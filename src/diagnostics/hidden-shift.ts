// (e) Hidden-state shift (BLUE, Li et al., arXiv 2502.03748, §3.3, Fig. 6): how much editing moves
// the last critical layer's hidden state h^L at the subject's last token for prompts of records that
// were NOT edited — the collateral damage of the updates — before vs after the sequential edit, for
// the distributed method and for the same edit with BLUE. The edited records' own prompts are
// measured too, as the contrast (there the shift is the edit).
import type { CounterFactRecord } from "../data/counterfact/record.js";
import { readAtLookups } from "../editing/prepare/representations.js";
import { locateSubjectInTemplate } from "../tokenizers/subject-location.js";
import type { DiagnosticsContext } from "./context.js";
import { differenceNorm, frobenius, scalarStats } from "./summary.js";
import type { HiddenShift } from "./types.js";

export interface HiddenStates {
  heldOut: Float32Array;
  edited: Float32Array;
}

function statesOf(d: DiagnosticsContext, records: readonly CounterFactRecord[]): Float32Array {
  const prompts = records.map((r) => {
    const at = locateSubjectInTemplate(d.tokenizer, r.requested_rewrite.prompt, r.requested_rewrite.subject);
    return { ids: at.ids, lookup: at.lastIndex };
  });
  return readAtLookups(d.model, prompts, [d.last]).outs.get(d.last)!;
}

/** h^L at the subject's last token of the held-out and the edited records, on the model as it is. */
export function hiddenStates(d: DiagnosticsContext): HiddenStates {
  return { heldOut: statesOf(d, d.heldOut), edited: statesOf(d, d.records) };
}

function shift(before: Float32Array, after: Float32Array, C: number): HiddenShift {
  const n = before.length / C;
  const rows = (x: Float32Array, i: number) => x.subarray(i * C, (i + 1) * C);
  const shifts = Array.from({ length: n }, (_, i) => differenceNorm(rows(before, i), rows(after, i)));
  return {
    shift: scalarStats(shifts),
    relative_shift: scalarStats(shifts.map((s, i) => s / Math.max(frobenius(rows(before, i)), 1e-30))),
  };
}

export function hiddenShift(d: DiagnosticsContext, before: HiddenStates, after: HiddenStates) {
  const C = d.model.config.hiddenSize;
  return {
    unedited_records: shift(before.heldOut, after.heldOut, C),
    edited_records: shift(before.edited, after.edited, C),
  };
}
