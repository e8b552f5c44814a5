// Statistics are never reused for a changed model (issue 14, case 2). The old fingerprint read
// config.json and 3 × 256 bytes per tensor, so changing 8,000 of the 65,536 values of
// h.0.mlp.c_fc.weight (between the sampled bytes) served the old model's C0 as "cached". The
// statistics of layer l are now keyed by a hash of every weight they depend on — the embeddings,
// layers 0 … l−1 and layer l up to W_out's input — and of the config and the tokenizer.
import assert from "node:assert/strict";
import { cpSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { openSafetensors } from "../../src/io/safetensors-read.js";
import { writeSafetensors } from "../../src/io/safetensors-write.js";
import { loadOrComputeStats } from "../../src/stats/compute.js";
import { layerFingerprints } from "../../src/stats/fingerprint.js";
import { meanSquaredNorm } from "../../src/stats/second-moment.js";
import {
  countForwards,
  corpusText,
  FACTS_DIR,
  LLAMA_DIR,
  loadTiny,
  tempDir,
  writeCorpus,
} from "./helpers.js";

const temp = tempDir("stale");
after(() => temp.remove());

/** Rewrites `dir`'s model.safetensors with `change` applied to tensor `name` (F32). */
function changeTensor(dir: string, name: string, change: (values: Float32Array) => void): void {
  const path = join(dir, "model.safetensors");
  const file = openSafetensors(path);
  const tensors: Record<string, { dtype: "F32"; shape: number[]; data: Float32Array }> = {};
  for (const t of file.names())
    tensors[t] = { dtype: "F32", shape: file.info(t).shape, data: file.readFloat32(t) };
  file.close();
  change(tensors[name].data);
  writeSafetensors(path, tensors, { format: "pt" });
}

describe("statistics of a changed model", () => {
  it("are recomputed after 8,000 values of h.0.mlp.c_fc.weight change", async () => {
    const copy = join(temp.dir, "model");
    cpSync(FACTS_DIR, copy, { recursive: true });
    const corpus = writeCorpus(temp.dir, "corpus.txt", corpusText(40));
    const options = {
      layers: [1],
      corpusFiles: [corpus],
      samples: 30,
      maxLen: 32,
      cacheDir: join(temp.dir, "stats"),
      modelDir: copy,
    };
    const before = await loadTiny(copy);
    const first = (await loadOrComputeStats(before.model, before.tokenizer, options)).get(1)!;

    // 8,000 values from byte 4,000 on: none of the old fingerprint's sampled 256-byte windows.
    changeTensor(copy, "h.0.mlp.c_fc.weight", (w) => {
      for (let i = 1000; i < 9000; i++) w[i] *= 3;
    });
    const after = await loadTiny(copy);
    const spy = countForwards(after.model);
    const second = (await loadOrComputeStats(after.model, after.tokenizer, options)).get(1)!;
    assert.ok(spy.calls() > 0, "the changed model's statistics were served from the cache");
    assert.notEqual(second.key.model, first.key.model);
    assert.notEqual(meanSquaredNorm(second), meanSquaredNorm(first));
  });

  it("layer l's key covers the weights below W_out of layer l, and the config and tokenizer", async () => {
    const { model, tokenizer } = await loadTiny(FACTS_DIR);
    const layers = [0, 1, 2, 3];
    const base = layerFingerprints(model, tokenizer, layers);
    assert.equal(new Set(base.values()).size, 4);
    const changed = (name: string) => {
      const w = model.param(name);
      const old = w[5];
      w[5] += 1;
      const fps = layerFingerprints(model, tokenizer, layers);
      w[5] = old;
      return layers.filter((l) => fps.get(l) !== base.get(l));
    };
    assert.deepEqual(changed("wte.weight"), [0, 1, 2, 3]);
    assert.deepEqual(changed("h.1.mlp.c_fc.weight"), [1, 2, 3]);
    assert.deepEqual(changed("h.1.mlp.c_proj.weight"), [2, 3], "W_out of layer 1 comes after its key");
    assert.deepEqual(changed("h.3.mlp.c_proj.weight"), []);
    assert.deepEqual(changed("ln_f.weight"), []);
    assert.deepEqual(
      [...layerFingerprints(model, tokenizer, layers)],
      [...base],
      "restored weights, same keys",
    );
    const llama = await loadTiny(LLAMA_DIR);
    assert.notEqual(layerFingerprints(model, llama.tokenizer, [0]).get(0), base.get(0), "tokenizer counts");
  });
});
