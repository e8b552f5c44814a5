// Tests for src/io/require-tensor.ts over a real checkpoint folder.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { openCheckpoint } from "../../src/io/checkpoint.js";
import { writeCheckpoint } from "../../src/io/checkpoint-write.js";
import { requireTensor } from "../../src/io/require-tensor.js";
import { errorMessage, makeTempDir } from "./fixtures.js";

const temp = makeTempDir();
after(temp.cleanup);

test("requireTensor returns the info of a present tensor and explains a missing or misshapen one", () => {
  writeCheckpoint(temp.dir, {
    "model.embed_tokens.weight": { dtype: "BF16", shape: [10, 4], data: new Float32Array(40) },
  });
  const checkpoint = openCheckpoint(temp.dir);
  const info = requireTensor(checkpoint, "model.embed_tokens.weight", [10, 4], "tiny-llama", "llama");
  assert.equal(info.dtype, "BF16");
  assert.equal(
    errorMessage(() => requireTensor(checkpoint, "lm_head.weight", [10, 4], "tiny-llama", "llama")),
    "tiny-llama: tensor 'lm_head.weight' needed by the llama config is missing",
  );
  assert.equal(
    errorMessage(() =>
      requireTensor(checkpoint, "model.embed_tokens.weight", [4, 10], "tiny-llama", "llama"),
    ),
    "tiny-llama: tensor 'model.embed_tokens.weight' has shape [10,4], expected [4,10] for the llama config",
  );
  assert.match(
    errorMessage(() => requireTensor(checkpoint, "model.embed_tokens.weight", [10, 4, 1], "d")),
    /has shape \[10,4\], expected \[10,4,1\] for the model config/,
  );
  checkpoint.close();
});
