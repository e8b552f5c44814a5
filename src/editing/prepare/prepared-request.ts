// A request in token form, as compute_ks and compute_z read it (kmeng01/memit compute_z.py,
// compute_ks.py): the rewriting prompts (each context template filled with the request's prompt and
// subject), the target's tokens, the KL prompt "{subject} is a", and the token ("lookup") where the
// key is read and δ is added. Methods and the golden tests work at this level, below tokenization.
import type { EditRequest } from "../requests/types.js";

/** A token sequence and the index of its fact token (the subject's last token by default). */
export interface PromptAt {
  ids: number[];
  lookup: number;
}

export interface PreparedRequest {
  request: EditRequest;
  /** target_new's tokens as they follow the prompt */
  targetIds: number[];
  /** one per context template (target not included); rewrite[0] is the plain prompt ("{}") */
  rewrite: PromptAt[];
  /** sizes of the context-template groups, in order (Σ = rewrite.length): keys are averaged per group, then across groups */
  groups: number[];
  /** "{subject} is a": the KL term keeps the subject's other predictions */
  kl: PromptAt;
}

/** Checks a prepared request's internal consistency; throws naming the request and field. */
export function checkPrepared(p: PreparedRequest, index: number, vocabSize: number): void {
  const where = `request ${index}${p.request.id === undefined ? "" : ` (${p.request.id})`}`;
  const sum = p.groups.reduce((a, b) => a + b, 0);
  if (p.rewrite.length === 0 || sum !== p.rewrite.length || p.groups.some((g) => !(g >= 1)))
    throw new Error(
      `${where}: template groups ${JSON.stringify(p.groups)} do not cover its ${p.rewrite.length} prompts`,
    );
  if (p.targetIds.length === 0) throw new Error(`${where}: the target encodes to no tokens`);
  for (const [name, prompt] of [
    ...p.rewrite.map((r, i) => [`rewrite[${i}]`, r] as const),
    ["kl", p.kl] as const,
  ]) {
    if (!(prompt.lookup >= 0 && prompt.lookup < prompt.ids.length))
      throw new Error(`${where}: ${name} lookup ${prompt.lookup} is outside its ${prompt.ids.length} tokens`);
    for (const id of prompt.ids)
      if (!(Number.isInteger(id) && id >= 0 && id < vocabSize))
        throw new Error(`${where}: ${name} has token id ${id} outside the vocabulary (${vocabSize})`);
  }
}
