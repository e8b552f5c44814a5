// Did each edit take? (issue 14) A solve can succeed numerically and still change nothing that
// matters: AlphaEdit's null-space projection can remove the whole update (ΔW = 0), and a compute_z
// that barely moved its loss leaves the old answer on top. So after each batch every request is
// scored on its own prompt before and after the batch was applied — log p(target_new | prompt),
// and log p(target_true | prompt) when given (teacher-forced, as `locedit logprob` scores it) —
// and a request took when the batch's update is not zero and, after it, the new target is above
// the old one, or, without an old target, greedy decoding of the prompt gives the new target.
import type { CausalLM } from "../../models/causal-lm.js";
import { encodeContinuation } from "../../runtime/score.js";
import type { Tokenizer } from "../../tokenizers/tokenizer.js";
import { scoreTokenPairs, type PairScore } from "../../eval/counterfact/batch-score.js";
import type { EditRequest } from "../requests/types.js";

/** An update counts as zero below this ‖ΔW‖ / ‖W‖ on every weight it touches. */
export const ZERO_UPDATE_RATIO = 1e-7;

export interface RequestOutcome {
  took: boolean;
  /** why it did not take */
  reason?: string;
  /** log p(target_new | prompt) before and after the batch */
  new_logprob: { before: number; after: number };
  /** log p(target_true | prompt) before and after, when the request names the old target */
  true_logprob?: { before: number; after: number };
  /** greedy decoding of the prompt gives target_new after the batch */
  new_is_greedy: boolean;
}

export interface RequestScores {
  new: PairScore;
  true: PairScore | null;
}

/** Teacher-forced scores of each request's targets on its plain prompt, batched. */
export function scoreRequests(
  model: CausalLM,
  tokenizer: Tokenizer,
  requests: readonly EditRequest[],
): RequestScores[] {
  const pairs = requests.flatMap((r) => {
    const prompt = r.prompt.split("{}").join(r.subject);
    const targets = r.targetTrue === undefined ? [r.targetNew] : [r.targetNew, r.targetTrue];
    return targets.map((target) => encodeContinuation(tokenizer, prompt, target));
  });
  const scores = scoreTokenPairs(model, pairs, { padId: tokenizer.padTokenId });
  let next = 0;
  return requests.map((r) => ({
    new: scores[next++],
    true: r.targetTrue === undefined ? null : scores[next++],
  }));
}

/** ‖ΔW‖ / ‖W‖ of each weight the batch changed. */
export function isZeroUpdate(deltas: readonly { delta_norm: number; weight_norm: number }[]): boolean {
  return deltas.every((d) => !(d.delta_norm > ZERO_UPDATE_RATIO * d.weight_norm));
}

const fmt = (x: number) => x.toFixed(2);

export function judgeOutcomes(
  before: RequestScores[],
  after: RequestScores[],
  zeroUpdate: boolean,
): RequestOutcome[] {
  return before.map((b, i) => {
    const a = after[i];
    const outcome: RequestOutcome = {
      took: false,
      new_logprob: { before: b.new.logprob, after: a.new.logprob },
      ...(b.true && a.true ? { true_logprob: { before: b.true.logprob, after: a.true.logprob } } : {}),
      new_is_greedy: a.new.argmaxCorrect,
    };
    if (zeroUpdate) outcome.reason = `ΔW is zero (‖ΔW‖ ≤ ${ZERO_UPDATE_RATIO}·‖W‖ on every updated weight)`;
    else if (a.true && !(a.new.logprob > a.true.logprob))
      outcome.reason =
        `the new target is still not above the old one: log p(new) = ${fmt(a.new.logprob)} ` +
        `(was ${fmt(b.new.logprob)}), log p(old) = ${fmt(a.true.logprob)} (was ${fmt(b.true!.logprob)})`;
    else if (!a.true && !a.new.argmaxCorrect)
      outcome.reason =
        `greedy decoding of the prompt still does not give the new target: log p(new) = ${fmt(a.new.logprob)} ` +
        `(was ${fmt(b.new.logprob)})`;
    else outcome.took = true;
    return outcome;
  });
}

/** "request 3 (id 17) "Ada was born in" → " Paris"". */
export function describeRequest(request: EditRequest, index: number): string {
  const id = request.id === undefined || request.id === index ? "" : ` (id ${request.id})`;
  return `request ${index}${id} ${JSON.stringify(request.prompt.split("{}").join(request.subject))} → ${JSON.stringify(request.targetNew)}`;
}

/** The requests of a batch that did not take, each with its reason; "" when all took. */
export function notTakenSummary(
  batch: number,
  requests: readonly EditRequest[],
  outcomes: readonly RequestOutcome[],
  separator = "; ",
): string {
  const failed = outcomes.flatMap((o, i) =>
    o.took ? [] : [`${describeRequest(requests[i], i)}: ${o.reason}`],
  );
  if (failed.length === 0) return "";
  return `batch ${batch}: ${failed.length} of ${requests.length} requests did not take: ${failed.join(separator)}`;
}

/** Thrown by a strict Editor when a request of a batch did not take; the batch has been undone. */
export class EditNotTakenError extends Error {
  constructor(
    message: string,
    readonly outcomes: readonly RequestOutcome[],
  ) {
    super(message);
    this.name = "EditNotTakenError";
  }
}
