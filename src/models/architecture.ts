// What differs between architectures, in one record: parameter names and edit surface (each
// architecture's weights.ts), parameter layout, blocks, embedding, final norm and LM head. Everything else (batching, hooks, backward) is shared by CausalLM.
import type { ModelConfig } from "./config.js";
import { Gpt2Block } from "./gpt2/block.js";
import { GPT2_NAMES, gpt2CanonicalName, gpt2ParamSpecs } from "./gpt2/weights.js";
import { GptNeoxBlock } from "./gpt-neox/block.js";
import { GPT_NEOX_NAMES, gptNeoxCanonicalName, gptNeoxParamSpecs } from "./gpt-neox/weights.js";
import { GptjBlock } from "./gptj/block.js";
import { GPTJ_NAMES, gptjCanonicalName, gptjParamSpecs } from "./gptj/weights.js";
import { RopeTable } from "./layers/rope.js";
import { LlamaBlock } from "./llama/block.js";
import { LLAMA_NAMES, llamaCanonicalName, llamaParamSpecs } from "./llama/weights.js";
import type { ArchitectureNames, ParamSpec } from "./param-spec.js";
import type { Block, WeightLookup } from "./types.js";

export interface Architecture {
  /** parameter names and the edit surface (the architecture's weights.ts) */
  names: ArchitectureNames;
  specs: ParamSpec[];
  /** checkpoint tensor name → canonical name, or null for non-parameter buffers */
  canonicalName(fileName: string): string | null;
  buildBlocks(params: WeightLookup): Block[];
  embedding: { tokens: string; positions: string | null };
  finalNorm: { kind: "layernorm" | "rmsnorm"; weight: string; bias: string | null; eps: number };
  lmHead: { weight: string; bias: string | null };
  /**
   * Positions the model can run: a learned position table's size (GPT-2), or an attention window
   * that locedit does not apply and so refuses to reach (Mistral, Qwen with use_sliding_window:
   * below the window, windowed attention equals full causal attention). null: no limit.
   */
  positionLimit: { positions: number; why: string } | null;
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

export function architectureFor(config: ModelConfig): Architecture {
  switch (config.arch) {
    case "gpt2":
      return {
        names: GPT2_NAMES,
        specs: gpt2ParamSpecs(config),
        canonicalName: gpt2CanonicalName,
        buildBlocks: (p) => range(config.numLayers).map((i) => new Gpt2Block(i, config, p)),
        embedding: GPT2_NAMES.embedding,
        finalNorm: { kind: "layernorm", ...GPT2_NAMES.finalNorm, eps: config.layerNormEpsilon },
        lmHead: GPT2_NAMES.lmHead,
        positionLimit: { positions: config.maxPositions, why: "n_positions, its learned position table" },
      };
    case "gptj": {
      // HF GPT-J hard-codes the rotary base 10000.
      const rope = new RopeTable(config.rotaryDim, "interleaved", 10000);
      return {
        names: GPTJ_NAMES,
        specs: gptjParamSpecs(config),
        canonicalName: gptjCanonicalName,
        buildBlocks: (p) => range(config.numLayers).map((i) => new GptjBlock(i, config, p, rope)),
        embedding: GPTJ_NAMES.embedding,
        finalNorm: { kind: "layernorm", ...GPTJ_NAMES.finalNorm, eps: config.layerNormEpsilon },
        lmHead: GPTJ_NAMES.lmHead,
        positionLimit: null,
      };
    }
    case "llama": {
      const rope = new RopeTable(config.headDim, "half", config.ropeTheta, config.ropeScaling);
      return {
        names: LLAMA_NAMES,
        specs: llamaParamSpecs(config),
        canonicalName: llamaCanonicalName,
        buildBlocks: (p) => range(config.numLayers).map((i) => new LlamaBlock(i, config, p, rope)),
        embedding: LLAMA_NAMES.embedding,
        finalNorm: { kind: "rmsnorm", ...LLAMA_NAMES.finalNorm, eps: config.rmsNormEps },
        lmHead: LLAMA_NAMES.lmHead,
        positionLimit:
          config.slidingWindow === null
            ? null
            : {
                positions: config.slidingWindow,
                why: `sliding_window = ${config.slidingWindow}: locedit runs ${config.family} models without the window, exactly, up to that length`,
              },
      };
    }
    case "gpt_neox": {
      const rope = new RopeTable(config.rotaryDim, "half", config.ropeTheta);
      return {
        names: GPT_NEOX_NAMES,
        specs: gptNeoxParamSpecs(config),
        canonicalName: gptNeoxCanonicalName,
        buildBlocks: (p) => range(config.numLayers).map((i) => new GptNeoxBlock(i, config, p, rope)),
        embedding: GPT_NEOX_NAMES.embedding,
        finalNorm: { kind: "layernorm", ...GPT_NEOX_NAMES.finalNorm, eps: config.layerNormEpsilon },
        lmHead: GPT_NEOX_NAMES.lmHead,
        positionLimit: null,
      };
    }
  }
}
