// What differs between architectures, in one record: parameter layout, blocks, embedding, final
// norm and LM head. Everything else (batching, hooks, backward) is shared by CausalLM.
import type { ModelConfig } from "./config.js";
import { Gpt2Block } from "./gpt2/block.js";
import { gpt2CanonicalName, gpt2ParamSpecs } from "./gpt2/weights.js";
import { GptjBlock } from "./gptj/block.js";
import { gptjCanonicalName, gptjParamSpecs } from "./gptj/weights.js";
import { RopeTable } from "./layers/rope.js";
import { LlamaBlock } from "./llama/block.js";
import { llamaCanonicalName, llamaParamSpecs } from "./llama/weights.js";
import type { ParamSpec } from "./param-spec.js";
import type { Block, ParamLookup } from "./types.js";

export interface Architecture {
  specs: ParamSpec[];
  /** checkpoint tensor name → canonical name, or null for non-parameter buffers */
  canonicalName(fileName: string): string | null;
  buildBlocks(params: ParamLookup): Block[];
  embedding: { tokens: string; positions: string | null };
  finalNorm: { kind: "layernorm" | "rmsnorm"; weight: string; bias: string | null; eps: number };
  lmHead: { weight: string; bias: string | null };
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

export function architectureFor(config: ModelConfig): Architecture {
  switch (config.arch) {
    case "gpt2":
      return {
        specs: gpt2ParamSpecs(config),
        canonicalName: gpt2CanonicalName,
        buildBlocks: (p) => range(config.numLayers).map((i) => new Gpt2Block(i, config, p)),
        embedding: { tokens: "wte.weight", positions: "wpe.weight" },
        finalNorm: {
          kind: "layernorm",
          weight: "ln_f.weight",
          bias: "ln_f.bias",
          eps: config.layerNormEpsilon,
        },
        lmHead: { weight: "lm_head.weight", bias: null },
      };
    case "gptj": {
      // HF GPT-J hard-codes the rotary base 10000.
      const rope = new RopeTable(config.rotaryDim, "interleaved", 10000);
      return {
        specs: gptjParamSpecs(config),
        canonicalName: gptjCanonicalName,
        buildBlocks: (p) => range(config.numLayers).map((i) => new GptjBlock(i, config, p, rope)),
        embedding: { tokens: "transformer.wte.weight", positions: null },
        finalNorm: {
          kind: "layernorm",
          weight: "transformer.ln_f.weight",
          bias: "transformer.ln_f.bias",
          eps: config.layerNormEpsilon,
        },
        lmHead: { weight: "lm_head.weight", bias: "lm_head.bias" },
      };
    }
    case "llama": {
      const rope = new RopeTable(config.headDim, "half", config.ropeTheta, config.ropeScaling);
      return {
        specs: llamaParamSpecs(config),
        canonicalName: llamaCanonicalName,
        buildBlocks: (p) => range(config.numLayers).map((i) => new LlamaBlock(i, config, p, rope)),
        embedding: { tokens: "model.embed_tokens.weight", positions: null },
        finalNorm: { kind: "rmsnorm", weight: "model.norm.weight", bias: null, eps: config.rmsNormEps },
        lmHead: { weight: "lm_head.weight", bias: null },
      };
    }
  }
}
