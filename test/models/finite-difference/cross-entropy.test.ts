// Finite-difference check of crossEntropy's dlogits (src/runtime/loss.ts), unweighted and with
// per-row weights (including a zero weight), on logits spread wide enough that some rows are
// confident and others flat.
import { describe, it } from "node:test";
import { crossEntropy } from "../../../src/runtime/loss.js";
import { createRng } from "../../../src/util/random.js";
import { checkGradient, randn } from "../fd-helpers.js";

describe("crossEntropy dlogits", () => {
  const [M, V] = [4, 11];
  for (const weights of [undefined, [1, 0.5, 0, 2.5]]) {
    it(weights ? "with row weights" : "unweighted", () => {
      const rng = createRng(weights ? 1202 : 1201);
      const logits = randn(rng, M * V, 2); // (M, V)
      for (let v = 0; v < V; v++) logits[V + v] *= 0.1; // row 1: nearly uniform
      const targets = Array.from({ length: M }, () => rng.int(V));
      const loss = () => crossEntropy(logits, V, targets, weights).loss;
      const { dlogits } = crossEntropy(logits, V, targets, weights);
      checkGradient(loss, logits, dlogits, { name: "dlogits", rng, coords: 20, eps: 1e-3 });
    });
  }
});
