// The methods by name: each a pure computation of weight deltas (see ./types.ts).
import type { EditMethod } from "../hparams/types.js";
import { alphaEditDeltas } from "./alphaedit/alphaedit.js";
import { memitDeltas } from "./memit/memit.js";
import { pmetDeltas } from "./pmet/pmet.js";
import { romeDeltas } from "./rome/rome.js";
import type { ComputeDeltas } from "./types.js";

export const METHODS: Record<EditMethod, ComputeDeltas> = {
  rome: romeDeltas,
  memit: memitDeltas,
  pmet: pmetDeltas,
  alphaedit: alphaEditDeltas,
};

export type { ComputeDeltas, DeltaResult, MethodContext, WeightUpdate, ZLog } from "./types.js";
