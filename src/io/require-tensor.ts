// Checkpoint ↔ config consistency for model loaders: a tensor the config implies must exist
// with exactly the shape the config implies, else the error says which and why.

import type { TensorInfo, TensorSource } from "./safetensors-read.js";

/**
 * Returns the info of tensor `name`, checking it exists and has `expectedShape`.
 * `neededBy` names what implies the tensor (e.g. "llama") in the message.
 */
export function requireTensor(
  checkpoint: Pick<TensorSource, "has" | "info">,
  name: string,
  expectedShape: readonly number[],
  dirForMessages: string,
  neededBy = "model",
): TensorInfo {
  if (!checkpoint.has(name)) {
    throw new Error(`${dirForMessages}: tensor '${name}' needed by the ${neededBy} config is missing`);
  }
  const info = checkpoint.info(name);
  const matches =
    info.shape.length === expectedShape.length && info.shape.every((dim, i) => dim === expectedShape[i]);
  if (!matches) {
    throw new Error(
      `${dirForMessages}: tensor '${name}' has shape [${info.shape.join(",")}], ` +
        `expected [${expectedShape.join(",")}] for the ${neededBy} config`,
    );
  }
  return info;
}
