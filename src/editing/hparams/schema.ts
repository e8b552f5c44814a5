// Schema of the hyperparameter files (reference field names of kmeng01/rome, kmeng01/memit,
// xpq-tech/PMET, jianghoucheng/AlphaEdit and xpq-tech/BLUE): every field's type, range and
// integer-ness, the per-method rules (ROME edits one layer; BLUE — Li et al., arXiv 2502.03748 —
// updates the first and last of ≥ 2 layers and applies to MEMIT, PMET and AlphaEdit), typo
// protection for unknown fields, and the methods' published defaults for fields left out.
import { jsonPreview } from "../../io/json-values.js";
import { defaultReason, INFORMATIONAL_FIELDS, methodDefaults } from "./defaults.js";
import { EDIT_METHODS, type EditHparams, type EditMethod } from "./types.js";

interface FieldRule {
  /** what a valid value is, as the error says it: `must be ${expect}` */
  expect: string;
  ok: (value: unknown) => boolean;
}

const isNumber = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
const isInteger = (v: unknown): v is number => isNumber(v) && Number.isInteger(v);

const positive: FieldRule = { expect: "a positive number", ok: (v) => isNumber(v) && v > 0 };
const nonNegative: FieldRule = { expect: "a number ≥ 0", ok: (v) => isNumber(v) && v >= 0 };
const positiveInteger: FieldRule = { expect: "a positive integer", ok: (v) => isInteger(v) && v > 0 };
const boolean: FieldRule = { expect: "true or false", ok: (v) => typeof v === "boolean" };
const oneOf = (...values: string[]): FieldRule => ({
  expect: `one of ${values.map((v) => JSON.stringify(v)).join(", ")}`,
  ok: (v) => typeof v === "string" && values.includes(v),
});

const RULES: Record<keyof EditHparams, FieldRule> = {
  layers: {
    expect: "a non-empty array of layer indices (integers ≥ 0) in strictly ascending order",
    ok: (v) =>
      Array.isArray(v) &&
      v.length > 0 &&
      v.every((layer, i) => isInteger(layer) && layer >= 0 && (i === 0 || layer > v[i - 1])),
  },
  blue: boolean,
  fact_token: oneOf("subject_last", "subject_first", "last"),
  v_num_grad_steps: positiveInteger,
  v_lr: positive,
  v_loss_layer: { expect: "a layer index (integer ≥ 0)", ok: (v) => isInteger(v) && v >= 0 },
  v_weight_decay: nonNegative,
  clamp_norm_factor: positive,
  kl_factor: nonNegative,
  mom2_adjustment: boolean,
  mom2_update_weight: positive,
  mom2_n_samples: positiveInteger,
  mom2_dtype: oneOf("float32", "float64"),
  context_template_length_params: {
    expect:
      "an array of [tokens, count] pairs of positive integers with count a multiple of 5 " +
      '(count // 5 prefixes per start word "The", "Therefore", "Because", "I", "You")',
    ok: (v) =>
      Array.isArray(v) &&
      v.every(
        (pair) =>
          Array.isArray(pair) &&
          pair.length === 2 &&
          pair.every((x) => isInteger(x) && x > 0) &&
          pair[1] % 5 === 0,
      ),
  },
  nullspace_threshold: positive,
  L2: positive,
  nll_loss_factor: positive,
};

/** Fields every file must give, per method (no default can stand in for them). */
const REQUIRED: Record<EditMethod, (keyof EditHparams)[]> = {
  rome: ["layers", "v_loss_layer"],
  memit: ["layers", "v_loss_layer"],
  pmet: ["layers", "v_loss_layer"],
  // A MEMIT file passed to AlphaEdit by mistake lacks these: say so instead of defaulting.
  alphaedit: ["layers", "v_loss_layer", "nullspace_threshold", "L2"],
};

/** Informational fields whose only accepted value is the one that changes nothing. */
const NEUTRAL_VALUES: Record<string, unknown> = { layer_selection: "all", edit_layer: -1 };

/** Edit distance, to suggest the field a typo meant. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++)
      current[j] = Math.min(
        previous[j] + 1,
        current[j - 1] + 1,
        previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    previous = current;
  }
  return previous[b.length];
}

function unknownFieldProblem(key: string): string {
  const known = [...Object.keys(RULES), ...INFORMATIONAL_FIELDS];
  const best = known.reduce((a, b) => (editDistance(key, a) <= editDistance(key, b) ? a : b));
  const hint = editDistance(key, best) <= Math.max(2, key.length / 3) ? ` (did you mean "${best}"?)` : "";
  return `unknown field "${key}"${hint}; known fields: ${Object.keys(RULES).join(", ")}`;
}

/** Problems with the combination of fields (after each field passed its own rule). */
function methodProblems(method: EditMethod, h: EditHparams): string[] {
  const problems: string[] = [];
  if (method === "rome" && h.layers.length !== 1)
    problems.push(
      `field "layers" must list exactly one layer for rome (a rank-one edit), got ${jsonPreview(h.layers)}`,
    );
  if (h.blue && method === "rome")
    problems.push('field "blue" must be false for rome: BLUE applies to memit, pmet and alphaedit');
  if (h.blue && method !== "rome" && h.layers.length < 2)
    problems.push(
      `field "layers" must list at least 2 layers when "blue" is true (BLUE updates the first and the last), got ${jsonPreview(h.layers)}`,
    );
  if (method !== "rome" && !h.mom2_adjustment)
    problems.push(
      `field "mom2_adjustment" must be true for ${method}: its update always uses the key covariance C0`,
    );
  return problems;
}

/** Throws one error listing every problem, each line `<source>: <problem>`. */
function fail(source: string, problems: string[]): never {
  throw new Error(problems.map((problem) => `${source}: ${problem}`).join("\n"));
}

/**
 * Validates a parsed hyperparameter file for `method` and fills the fields it leaves out with the
 * method's published defaults (see ./defaults.ts). `source` (the file path) prefixes every error.
 */
export function parseHparams(method: EditMethod, json: unknown, source: string): EditHparams {
  if (!EDIT_METHODS.includes(method))
    fail(source, [
      `unknown editing method ${jsonPreview(method)}; expected one of ${EDIT_METHODS.join(", ")}`,
    ]);
  if (typeof json !== "object" || json === null || Array.isArray(json))
    fail(source, [`hyperparameters must be a JSON object, got ${jsonPreview(json)}`]);
  const record = json as Record<string, unknown>;
  const problems: string[] = [];
  for (const [key, value] of Object.entries(record)) {
    if (key in RULES) {
      const rule = RULES[key as keyof EditHparams];
      if (!rule.ok(value)) problems.push(`field "${key}" must be ${rule.expect}, got ${jsonPreview(value)}`);
    } else if (key in NEUTRAL_VALUES) {
      if (value !== NEUTRAL_VALUES[key])
        problems.push(
          `field "${key}" is only accepted as ${jsonPreview(NEUTRAL_VALUES[key])} (locedit does not implement other values), got ${jsonPreview(value)}`,
        );
    } else if (!INFORMATIONAL_FIELDS.includes(key)) {
      problems.push(unknownFieldProblem(key));
    }
  }
  for (const key of REQUIRED[method])
    if (record[key] === undefined)
      problems.push(`field "${key}" is required for ${method} (${RULES[key].expect})`);
  if (problems.length > 0) fail(source, problems);

  const hparams = { ...methodDefaults(method) } as EditHparams;
  for (const key of Object.keys(RULES) as (keyof EditHparams)[])
    if (record[key] !== undefined)
      (hparams as unknown as Record<string, unknown>)[key] = structuredClone(record[key]);
  const combined = methodProblems(method, hparams);
  if (combined.length > 0) fail(source, combined);
  return hparams;
}

/** Field → "default (<source>)" for each field the file left out, for logs. */
export function defaultedFields(method: EditMethod, json: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(RULES))
    if (json[key] === undefined) out[key] = `default: ${defaultReason(method, key)}`;
  return out;
}
