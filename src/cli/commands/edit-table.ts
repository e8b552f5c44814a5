// The per-fact table `locedit edit` prints after each batch (issue 14): each request's probability
// of the new target on its prompt before → after the batch, of the old target when known, and
// whether the edit took (editing/editor/outcome.ts).
import type { EditLog } from "../../editing/editor/edit-log.js";
import type { EditRequest } from "../../editing/requests/types.js";

/** A probability from a log-probability: 0.123, or 4.5e-7 when small. */
function probability(logprob: number): string {
  const p = Math.exp(logprob);
  return p >= 1e-3 ? p.toFixed(3) : p.toExponential(1);
}

function cell(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width);
}

export function factTable(requests: readonly EditRequest[], log: EditLog): string {
  const rows = [
    `  ${cell("request", 34)} ${cell("target_new", 14)} ${cell("p(new) before → after", 23)} ${cell("p(old) before → after", 23)} took`,
  ];
  log.requests.forEach((record, i) => {
    const r = requests[i];
    const { outcome } = record;
    const id = r.id === undefined || r.id === i ? `${i}` : `${i} (${r.id})`;
    const prompt = `${id} ${r.prompt.split("{}").join(r.subject)}`;
    const newer = `${probability(outcome.new_logprob.before)} → ${probability(outcome.new_logprob.after)}`;
    const older = outcome.true_logprob
      ? `${probability(outcome.true_logprob.before)} → ${probability(outcome.true_logprob.after)}`
      : "-";
    rows.push(
      `  ${cell(prompt, 34)} ${cell(JSON.stringify(r.targetNew), 14)} ${cell(newer, 23)} ${cell(older, 23)} ${outcome.took ? "yes" : "NO"}`,
    );
  });
  return rows.join("\n");
}
