// evaluateCounterfact on the unedited tiny-facts model (all 200 bundled records): the new targets
// are counterfactual, so efficacy and generalisation are near 0 and specificity near 100 (measured:
// ES 0.00, PS 0.25, NS 100.00, Score 0.00); per-prompt details equal scoreContinuation; progress
// is reported.
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it } from "node:test";
import { evaluateCounterfact } from "../../../src/eval/counterfact/evaluate.js";
import { readCounterfactFile } from "../../../src/data/counterfact/parse.js";
import { loadModel } from "../../../src/models/load.js";
import { scoreContinuation } from "../../../src/runtime/score.js";
import { loadTokenizer } from "../../../src/tokenizers/load-tokenizer.js";
import { repoRoot } from "../../models/golden-helpers.js";

const DIR = join(repoRoot, "models", "tiny-facts");

describe("evaluateCounterfact on the unedited tiny-facts model", async () => {
  const model = loadModel(DIR);
  const tokenizer = await loadTokenizer(DIR);
  const records = readCounterfactFile(join(DIR, "eval", "counterfact.json"));

  it("all 200 records: low efficacy and generalisation, high specificity", () => {
    const progress: [number, number][] = [];
    const { summary, records: scored } = evaluateCounterfact(model, tokenizer, records, {
      onProgress: (done, total) => progress.push([done, total]),
    });
    assert.equal(summary.n, 200);
    assert.equal(scored.length, 200);
    assert.ok(summary.efficacy <= 2, `efficacy ${summary.efficacy}`);
    assert.ok((summary.generalization as number) <= 3, `generalization ${summary.generalization}`);
    assert.ok((summary.specificity as number) >= 97, `specificity ${summary.specificity}`);
    assert.ok((summary.score as number) <= 5, `score ${summary.score}`);
    assert.ok(summary.efficacyMagnitude < -90, `efficacy magnitude ${summary.efficacyMagnitude}`);
    assert.ok((summary.specificityMagnitude as number) > 90);
    assert.ok(summary.efficacyAccuracy <= 2);
    assert.ok((summary.specificityAccuracy as number) >= 95);
    assert.equal(summary.fluency, null);
    const [done, total] = progress[progress.length - 1];
    assert.equal(done, total);
    assert.ok(progress.length >= 2 && total > 64, "several chunks of ≤ 64 rows");
    assert.deepEqual(
      scored.map((r) => r.caseId),
      records.map((r) => r.case_id),
    );
    assert.ok(
      scored.every(
        (r) => r.rewrite.length === 1 && r.paraphrase.length === 2 && r.neighborhood.length === 10,
      ),
    );
  });

  it("per-prompt NLLs equal scoreContinuation, and the batch size does not matter", () => {
    const some = records.slice(10, 14);
    const a = evaluateCounterfact(model, tokenizer, some, { batchRows: 3 });
    const b = evaluateCounterfact(model, tokenizer, some, { batchRows: 64 });
    a.records.forEach((r, i) => {
      const rewrite = some[i].requested_rewrite;
      for (const group of ["rewrite", "paraphrase", "neighborhood"] as const)
        r[group].forEach((p, j) => {
          for (const [key, target] of [
            ["newNll", rewrite.target_new.str],
            ["trueNll", rewrite.target_true.str],
          ] as const) {
            const one = scoreContinuation(model, tokenizer, p.prompt, ` ${target}`);
            const nll = -one.logprob / one.targetIds.length;
            assert.ok(
              Math.abs(p[key] - nll) <= 1e-5 * Math.max(1, nll),
              `record ${i} ${group} ${j} ${key}: ${p[key]} vs ${nll}`,
            );
            assert.ok(Math.abs(b.records[i][group][j][key] - p[key]) <= 1e-5 * Math.max(1, nll));
          }
        });
      assert.equal(r.rewrite[0].prompt, rewrite.prompt.replace("{}", rewrite.subject));
    });
    // Summary values are percentages of means of p = e^−NLL (or of success shares). Each NLL agrees to
    // 1e-5·max(1, NLL) above (float32 logits in other GEMM shapes), which moves p by ≤ 1e-5
    // (p·max(1, NLL) ≤ 1), so a mean of ±100·p by ≤ 2e-3 points; a share moves only by a flipped
    // comparison (≥ 100/n points), so this tolerance still demands equal shares.
    for (const [key, value] of Object.entries(a.summary)) {
      const other = (b.summary as unknown as Record<string, number | null>)[key];
      if (value === null || other === null) assert.equal(value, other, key);
      else assert.ok(Math.abs(value - other) <= 2e-3, `${key}: ${value} vs ${other}`);
    }
  });

  it("optional fluency: generations per record and their entropy", () => {
    const { records: scored, summary } = evaluateCounterfact(model, tokenizer, records.slice(0, 2), {
      include: { fluency: true, paraphrase: false, neighborhood: false },
      fluency: { maxLength: 24, seed: 3 },
    });
    for (const [i, r] of scored.entries()) {
      assert.equal(r.generations?.length, records[i].generation_prompts.length);
      r.generations?.forEach((text, j) => assert.ok(text.startsWith(records[i].generation_prompts[j])));
      assert.ok((r.metrics.fluency as number) > 0);
    }
    assert.ok((summary.fluency as number) > 100, `fluency ${summary.fluency}`);
    assert.equal(summary.score, null);
  });

  it("refuses an empty record list", () => {
    assert.throws(() => evaluateCounterfact(model, tokenizer, []), /no records/);
  });
});
