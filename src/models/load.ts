// Loading a Hugging Face model folder (config.json + safetensors, single or sharded) into a
// CausalLM: each tensor the config implies is read once, at its offset, straight into the buffer
// the model keeps, and checked to be finite; a tensor the config does not use is an error
// (load-checks.ts). F16/BF16 tensors stay 2 bytes per value (layers/weight.ts widens them where
// computed) unless `dtype: "float32"` asks for every tensor widened; F32 stays F32. GPT-2's
// Conv1D weights go through one reused scratch and are transposed to [out, in]; GPT-NeoX's fused
// qkv rows are regrouped. Memory ≈ the checkpoint's own size, plus the largest such tensor.
import { openCheckpoint, type Checkpoint } from "../io/checkpoint.js";
import type { HalfBits, SafetensorsDtype } from "../io/dtypes.js";
import { readModelConfig } from "./hf-config.js";
import { requireTensor } from "../io/require-tensor.js";
import { architectureFor } from "./architecture.js";
import { CausalLM } from "./causal-lm.js";
import { HalfTensor, type Weight } from "./layers/weight.js";
import { requireFinite, requireNoUnusedTensors } from "./load-checks.js";
import { fromStoredLayout, sizeOf, storedShape, transpose2d, type ParamSpec } from "./param-spec.js";

export interface LoadProgress {
  loaded: number;
  total: number;
  name: string;
}

export interface LoadOptions {
  onProgress?: (progress: LoadProgress) => void;
  /** "stored" (default): F16/BF16 tensors stay 16-bit; "float32": every tensor is widened */
  dtype?: "stored" | "float32";
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
    const scratch = new ConvScratch(toLoad);
    const params = new Map<string, Weight>();
    const dtypes = new Map<string, SafetensorsDtype>();
    toLoad.forEach((spec, index) => {
      const fileName = fileNames.get(spec.name) ?? spec.name;
      const stored = storedShape(spec);
      const info = requireTensor(checkpoint, fileName, stored, dir, config.arch);
      const check = (values: Float32Array | HalfBits) => requireFinite(values, fileName, checkpoint.fileOf(fileName), stored);
      params.set(spec.name, readParam(checkpoint, fileName, spec, scratch, options.dtype ?? "stored", check));
      dtypes.set(spec.name, info.dtype);
      options.onProgress?.({ loaded: index + 1, total: toLoad.length, name: spec.name });
    });
    const model = new CausalLM(config, params);
    model.origin = { dir, files: checkpoint.files, dtypes, fileNames, loaded: new WeakSet(params.values()) };
    return model;
  } finally {
    checkpoint.close();
  }
}

/**
 * One parameter, read once into the buffer the model keeps (the single place every tensor passes
 * through while loading), in locedit's layout.
 */
function readParam(
  checkpoint: Checkpoint,
  fileName: string,
  spec: ParamSpec,
  scratch: ConvScratch,
  dtype: "stored" | "float32",
  check: (values: Float32Array | HalfBits) => void,
): Weight {
  if (dtype === "float32") {
    const values = checkpoint.readFloat32(fileName, spec.conv1d ? scratch.f32() : undefined);
    check(values);
    return spec.conv1d ? transpose2d(values, spec.shape[1], spec.shape[0]) : fromStoredLayout(spec, values);
  }
  const stored = checkpoint.readStored(fileName, spec.conv1d ? scratch.forDtype(checkpoint.info(fileName).dtype) : undefined);
  check(stored);
  const data = spec.conv1d ? transpose2d(dataOf(stored), spec.shape[1], spec.shape[0]) : fromStoredLayout(spec, dataOf(stored));
  return stored instanceof Float32Array ? (data as Float32Array) : new HalfTensor(stored.dtype, data as Uint16Array);
}

function dataOf(stored: Float32Array | HalfBits): Float32Array | Uint16Array {
  return stored instanceof Float32Array ? stored : stored.bits;
}

/** One reused buffer per element kind for the Conv1D tensors, sized for the largest of them. */
class ConvScratch {
  private readonly elements: number;
  private wide: Float32Array | null = null;
  private half: Uint16Array | null = null;

  constructor(specs: readonly ParamSpec[]) {
    this.elements = Math.max(0, ...specs.filter((s) => s.conv1d).map((s) => sizeOf(s.shape)));
  }

  f32(): Float32Array {
    return (this.wide ??= new Float32Array(this.elements));
  }

  forDtype(dtype: SafetensorsDtype): Float32Array | Uint16Array {
    return dtype === "F16" || dtype === "BF16" ? (this.half ??= new Uint16Array(this.elements)) : this.f32();
  }
}
