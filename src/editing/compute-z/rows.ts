// The batch compute_z optimises over (kmeng01/memit compute_z.py): for each request its rewriting
// prompts followed by target[:-1] (teacher forcing) and its KL prompt, all requests in one batch.
// Each row knows its request, its lookup token and where the loss reads which target token. The KL
// term reads only the lookup token, so a KL row ends there (causal attention: what follows it does
// not change its logits).
import type { PreparedRequest } from "../prepare/prepared-request.js";

/** A position whose logits the loss reads: row, position and the target id there (−1 for KL rows). */
export interface LossPosition {
  row: number;
  position: number;
  target: number;
}

export interface ZRows {
  sequences: number[][];
  lookups: number[];
  /** request index of each row */
  owner: number[];
  /** index of each row's prompt among its request's rewrite prompts; −1 for a KL row */
  prompt: number[];
  /** per request: its rewrite rows and its KL row */
  requestRows: { rewrite: number[]; kl: number }[];
}

export function buildZRows(requests: readonly PreparedRequest[]): ZRows {
  const rows: ZRows = { sequences: [], lookups: [], owner: [], prompt: [], requestRows: [] };
  const add = (ids: number[], lookup: number, owner: number, prompt: number): number => {
    rows.sequences.push(ids);
    rows.lookups.push(lookup);
    rows.owner.push(owner);
    rows.prompt.push(prompt);
    return rows.sequences.length - 1;
  };
  requests.forEach((r, i) => {
    const context = r.targetIds.slice(0, -1);
    const rewrite = r.rewrite.map((p, k) => add([...p.ids, ...context], p.lookup, i, k));
    const kl = add(r.kl.ids.slice(0, r.kl.lookup + 1), r.kl.lookup, i, -1);
    rows.requestRows.push({ rewrite, kl });
  });
  return rows;
}

/** Positions predicting the target of each rewrite row: prompt length − 1 + j for target token j. */
export function targetPositions(request: PreparedRequest, promptIndex: number, row: number): LossPosition[] {
  const promptLength = request.rewrite[promptIndex].ids.length;
  return request.targetIds.map((target, j) => ({ row, position: promptLength - 1 + j, target }));
}
