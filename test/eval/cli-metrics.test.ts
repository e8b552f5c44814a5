// `locedit eval`'s new flags end to end on models/tiny-facts: --format zsre, --wild, --consistency
// (fitted on a corpus, or the published vocabulary/idf files), --probe TASK=FILE (the JSON equals
// runProbe's, over-long rows counted), and bad flags or files exiting 2 or 1 with one line naming
// the flag, file, record or row and field.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { readCounterfactFile } from "../../src/data/counterfact/parse.js";
import { readZsreFile } from "../../src/data/zsre/records.js";
import { runProbe } from "../../src/eval/probes/run-probe.js";
import { evaluateZsre } from "../../src/eval/zsre/evaluate.js";
import { loadModel } from "../../src/models/load.js";
import { loadTokenizer } from "../../src/tokenizers/load-tokenizer.js";
import { repoRoot } from "../models/golden-helpers.js";
import { EVAL_FIXTURES, TINY_FACTS, TINY_RECORDS } from "./golden-helpers.js";

const CLI = join(repoRoot, "dist", "src", "cli", "main.js");
const ZSRE = join(EVAL_FIXTURES, "zsre.json");
const GLUE = join(EVAL_FIXTURES, "glue");

function run(...args: string[]) {
  const result = spawnSync(process.execPath, [CLI, "eval", "--model", TINY_FACTS, ...args], {
    encoding: "utf8",
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("locedit eval: zsRE, WILD, consistency and probes", async () => {
  const dir = mkdtempSync(join(tmpdir(), "locedit-eval-metrics-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const model = loadModel(TINY_FACTS);
  const tokenizer = await loadTokenizer(TINY_FACTS);

  it("--format zsre --wild --json: the library's figures, the format and the WILD block", () => {
    const r = run("--records", ZSRE, "--format", "zsre", "--wild", "--json");
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(
      {
        efficacy: out.efficacy,
        generalization: out.generalization,
        specificity: out.specificity,
        n: out.n,
        skipped: out.skipped,
      },
      evaluateZsre(model, tokenizer, readZsreFile(ZSRE)).summary,
    );
    assert.equal(out.format, "zsre");
    assert.deepEqual(Object.keys(out.wild), [
      "efficacy",
      "generalization",
      "specificity",
      "exact",
      "n",
      "skipped",
    ]);
    assert.ok(out.seconds > 0);
    const table = run("--records", ZSRE, "--format", "zsre");
    assert.match(table.stdout, /efficacy \(token acc\.\)/);
  });

  it("--consistency with a fitted vocabulary or the published files; records without snippets counted", () => {
    const records = readCounterfactFile(TINY_RECORDS).slice(0, 4);
    const snippets = join(dir, "snippets.json");
    writeFileSync(
      snippets,
      JSON.stringify(
        records.slice(0, 3).map((r) => ({
          relation_id: r.requested_rewrite.relation_id,
          target_id: r.requested_rewrite.target_new.id,
          samples: r.attribute_prompts.map((p) => ({
            name: p,
            text: `${p} ${r.requested_rewrite.target_new.str}.`,
          })),
        })),
      ),
    );
    const covered = new Set(
      records
        .slice(0, 3)
        .map((r) => `${r.requested_rewrite.relation_id}/${r.requested_rewrite.target_new.id}`),
    );
    const missing = records.filter(
      (r) => !covered.has(`${r.requested_rewrite.relation_id}/${r.requested_rewrite.target_new.id}`),
    ).length;
    const corpus = join(TINY_FACTS, "eval", "corpus.txt");
    const fitted = run(
      "--records",
      TINY_RECORDS,
      "--limit",
      "4",
      "--consistency",
      "--snippets",
      snippets,
      "--tfidf-corpus",
      corpus,
      "--json",
    );
    assert.equal(fitted.code, 0, fitted.stderr);
    const out = JSON.parse(fitted.stdout);
    assert.ok(out.consistency > 0 && out.consistency <= 100, `consistency ${out.consistency}`);
    assert.equal(out.consistencyMissing, missing);
    assert.ok(out.fluency > 0);
    for (const key of ["efficacy", "generalization", "specificity", "score", "n", "seconds"])
      assert.ok(key in out, key);
    const published = run(
      "--records",
      TINY_RECORDS,
      "--limit",
      "2",
      "--consistency",
      "--snippets",
      snippets,
      "--tfidf-vocab",
      join(EVAL_FIXTURES, "tfidf_vocab.json"),
      "--idf",
      join(EVAL_FIXTURES, "idf.npy"),
    );
    assert.equal(published.code, 0, published.stderr);
    assert.match(published.stdout, /consistency \(TF-IDF\)/);
  });

  it("--probe TASK=FILE: JSON equal to runProbe's, over-long rows counted, a table otherwise", () => {
    const args = [
      "--probe",
      `sst2=${join(GLUE, "sst2.jsonl")}`,
      "--probe",
      `mrpc=${join(GLUE, "mrpc.json")}`,
      "--probe",
      `retention=${TINY_RECORDS}`,
      "--probe-limit",
      "10",
    ];
    const r = run(...args, "--json");
    assert.equal(r.code, 0, r.stderr);
    const { general, seconds } = JSON.parse(r.stdout);
    assert.ok(seconds > 0);
    assert.deepEqual(Object.keys(general), ["sst2", "mrpc", "retention"]);
    assert.deepEqual(
      general.sst2,
      runProbe({ task: "sst2", file: join(GLUE, "sst2.jsonl") }, model, tokenizer),
    );
    assert.deepEqual([general.mrpc.n, general.mrpc.skipped, general.mrpc.accuracy], [0, 2, null]);
    assert.equal(general.retention.n, 10);
    const table = run(...args);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /probe mrpc \(.*mrpc\.json\): 0 scored, 2 skipped/);
    assert.match(table.stdout, /probe sst2 .*\n\s+accuracy\s+\d/);
  });

  it("usage errors exit 2 naming the flag", () => {
    const cases: [string[], RegExp][] = [
      [["--records", TINY_RECORDS, "--consistency"], /--consistency needs --snippets FILE/],
      [
        ["--records", TINY_RECORDS, "--consistency", "--snippets", ZSRE],
        /--consistency needs a TF-IDF vectorizer/,
      ],
      [["--records", TINY_RECORDS, "--format", "mend"], /--format must be counterfact or zsre/],
      [["--probe", "glue=x.json"], /unknown task "glue"/],
      [
        ["--probe", `sst2=${join(GLUE, "sst2.json")}`, "--probe", `sst2=${join(GLUE, "sst2.jsonl")}`],
        /--probe sst2 is given twice/,
      ],
      [[], /--records is required \(or give at least one --probe\)/],
    ];
    for (const [args, pattern] of cases) {
      const r = run(...args);
      assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
      assert.match(r.stderr, pattern);
    }
  });

  it("bad files exit 1 with one line naming the file, the record or row, and the field", () => {
    const zsre = JSON.parse(readFileSync(ZSRE, "utf8"));
    delete zsre[2].loc_ans;
    const badZsre = join(dir, "zsre-bad.json");
    writeFileSync(badZsre, JSON.stringify(zsre));
    const badRows = join(dir, "cola-bad.json");
    writeFileSync(
      badRows,
      JSON.stringify([
        { sentence: "ok", label: 1, idx: 4 },
        { sentence: "no label", idx: 5 },
      ]),
    );
    const cases: [string[], RegExp][] = [
      [
        ["--records", badZsre, "--format", "zsre"],
        /zsre-bad\.json: record 2: field "loc_ans" must be a non-empty string, got nothing/,
      ],
      [
        ["--probe", `cola=${badRows}`],
        /cola-bad\.json: row 1 \(idx 5\): field "label" must be 0 or 1, got nothing/,
      ],
      [
        [
          "--records",
          TINY_RECORDS,
          "--consistency",
          "--snippets",
          join(dir, "none.json"),
          "--tfidf-corpus",
          ZSRE,
        ],
        /cannot read the attribute snippets .*none\.json/,
      ],
    ];
    for (const [args, pattern] of cases) {
      const r = run(...args);
      assert.equal(r.code, 1, `${args.join(" ")}: ${r.stderr}`);
      assert.match(r.stderr, pattern);
      assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
    }
  });
});
