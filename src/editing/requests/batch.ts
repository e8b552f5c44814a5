// Checks one batch of edit requests before MEMIT/PMET/AlphaEdit (or BLUE over them) solves for it:
// each request is well formed (one "{}" in its template, targets with the leading space that
// parseRequests gives them), and no two requests ask the same prompt about the same subject for
// different new objects — the least-squares solve would average them into neither.
import { promptTemplate } from "./parse.js";
import type { EditRequest } from "./types.js";

function label(request: EditRequest, index: number): string {
  return request.id === undefined || request.id === index
    ? `request ${index}`
    : `request ${index} (id ${JSON.stringify(request.id)})`;
}

function checkShape(request: EditRequest, index: number, source: string): void {
  const where = `${source}: ${label(request, index)}`;
  const problem = (message: string): never => {
    throw new Error(`${where}: ${message}`);
  };
  for (const field of ["prompt", "subject", "targetNew"] as const)
    if (typeof request[field] !== "string" || request[field].trim() === "")
      problem(`field "${field}" must be a non-empty string, got ${JSON.stringify(request[field])}`);
  if (request.subject.trim() !== request.subject)
    problem('field "subject" must not start or end with whitespace');
  if (request.prompt.split("{}").length !== 2)
    problem(
      `field "prompt" must be a template with exactly one "{}" (use parseRequests): ${JSON.stringify(request.prompt)}`,
    );
  try {
    promptTemplate(request.prompt, request.subject);
  } catch (error) {
    problem((error as Error).message);
  }
  for (const field of ["targetNew", "targetTrue"] as const) {
    const target = request[field];
    if (target !== undefined && !/^\s/.test(target))
      problem(
        `field "${field}" must start with a space, as the model reads it (${JSON.stringify(` ${target}`)}); ` +
          `parseRequests adds it`,
      );
  }
  if (request.targetTrue !== undefined && request.targetTrue === request.targetNew)
    problem(`field "targetNew" equals "targetTrue" (${JSON.stringify(request.targetNew)}): nothing to edit`);
}

/**
 * Throws when a request is malformed or two requests rewrite the same filled prompt to different
 * targets; returns warnings for exact repeats (harmless, but they weigh twice in the solve).
 */
export function checkBatch(requests: readonly EditRequest[], source = "requests"): string[] {
  if (requests.length === 0) throw new Error(`${source}: the batch has no requests`);
  const seen = new Map<string, number>();
  const warnings: string[] = [];
  requests.forEach((request, index) => {
    checkShape(request, index, source);
    const filled = request.prompt.replace("{}", request.subject);
    const key = `${request.subject}\u0000${filled}`;
    const first = seen.get(key);
    if (first === undefined) return void seen.set(key, index);
    const earlier = requests[first];
    if (earlier.targetNew !== request.targetNew)
      throw new Error(
        `${source}: ${label(earlier, first)} and ${label(request, index)} both rewrite ${JSON.stringify(filled)} ` +
          `(subject ${JSON.stringify(request.subject)}) but to different targets: ` +
          `${JSON.stringify(earlier.targetNew)} and ${JSON.stringify(request.targetNew)}`,
      );
    warnings.push(`${source}: ${label(request, index)} repeats ${label(earlier, first)}`);
  });
  return warnings;
}
