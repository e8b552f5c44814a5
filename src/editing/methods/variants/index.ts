// The sequential variants of MEMIT and PMET that BLUE composes with (xpq-tech/BLUE): `seq` (the key
// history in the solve, ./seq.ts), `rect` (only the top 40 % of each ΔW by relative change,
// ./rect.ts) and `prune` (the accumulated ΔW's large singular values log-scaled, ./prune.ts).
import type { EditMethod } from "../../hparams/types.js";
import { METHODS } from "../index.js";
import { MEMIT_FAMILY } from "../memit/memit.js";
import { PMET_FAMILY } from "../pmet/pmet.js";
import type { ComputeDeltas } from "../types.js";
import { seqDeltas as seqOf } from "./seq.js";

export type EditVariant = "seq" | "rect" | "prune";
export const EDIT_VARIANTS: readonly EditVariant[] = ["seq", "rect", "prune"];

export { KeyHistory } from "./key-history.js";
export { seqDeltas, seqFamily, seqLayerDelta } from "./seq.js";
export { rectifyDelta, RECT_EPSILON, RECT_KEEP_PERCENT } from "./rect.js";
export { largestSingularValue, restrainedSingularValue, restrainSingularValues } from "./prune.js";

/** Throws unless `variant` applies to `method` (the variants are MEMIT's and PMET's). */
export function checkVariant(method: EditMethod, variant: string | undefined): EditVariant | undefined {
  if (variant === undefined) return undefined;
  if (!EDIT_VARIANTS.includes(variant as EditVariant))
    throw new Error(`unknown variant '${variant}': expected one of ${EDIT_VARIANTS.join(", ")}`);
  if (method !== "memit" && method !== "pmet")
    throw new Error(`the ${variant} variant applies to memit and pmet, not ${method}`);
  return variant as EditVariant;
}

/** The deltas of `method` under `variant`: seq changes the solve; rect and prune act when applying. */
export function variantDeltas(method: EditMethod, variant: EditVariant | undefined): ComputeDeltas {
  if (variant !== "seq") return METHODS[method];
  return seqOf(method === "pmet" ? PMET_FAMILY : MEMIT_FAMILY);
}
