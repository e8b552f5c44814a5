// Loading a Hugging Face model folder (config.json + safetensors, single or sharded) into a
// CausalLM: each tensor the config implies is read at its offset, widened to float32, checked to
// be finite and, for GPT-2's Conv1D, transposed to [out, in]; a tensor the config does not use is
// an error (load-checks.ts). Memory ≈ the float32 size of the parameters.
import { openCheckpoint } from "../io/checkpoint.js";
import { readModelConfig } from "./hf-config.js";
import { requireTensor } from "../io/require-tensor.js";
import { architectureFor } from "./architecture.js";
import { CausalLM } from "./causal-lm.js";
import { requireFinite, requireNoUnusedTensors } from "./load-checks.js";
import { fromStoredLayout, sizeOf, storedShape, transpose2d } from "./param-spec.js";

export interface LoadProgress {
  loaded: number;
  total: number;
  name: string;
}

export interface LoadOptions {
  onProgress?: (progress: LoadProgress) => void;
}

export function loadModel(dir: string, options: LoadOptions = {}): CausalLM {
  const config = readModelConfig(dir);
  const arch = architectureFor(config);
  const checkpoint = openCheckpoint(dir);
  try {
    // canonical name → name in the file (GPT-2 files come with and without "transformer.")
    const fileNames = new Map<string, string>();
    for (const name of checkpoint.names()) {
      const canonical = arch.canonicalName(name);
      if (canonical !== null) fileNames.set(canonical, name);
    }
    requireNoUnusedTensors(checkpoint, arch, config, dir);
    const toLoad = arch.specs.filter((spec) => !spec.tiedTo);
    // Transposed tensors are read into one reused buffer, so the peak stays ≈ the float32 size.
    const scratch = new Float32Array(Math.max(0, ...toLoad.filter((s) => s.conv1d).map((s) => sizeOf(s.shape))));
    const params = new Map<string, Float32Array>();
    toLoad.forEach((spec, index) => {
      const fileName = fileNames.get(spec.name) ?? spec.name;
      const stored = storedShape(spec);
      requireTensor(checkpoint, fileName, stored, dir, config.arch);
      const values = checkpoint.readFloat32(fileName, spec.conv1d ? scratch : undefined);
      requireFinite(values, fileName, checkpoint.fileOf(fileName), stored);
      params.set(spec.name, spec.conv1d ? transpose2d(values, stored[0], stored[1]) : fromStoredLayout(spec, values));
      options.onProgress?.({ loaded: index + 1, total: toLoad.length, name: spec.name });
    });
    return new CausalLM(config, params);
  } finally {
    checkpoint.close();
  }
}
