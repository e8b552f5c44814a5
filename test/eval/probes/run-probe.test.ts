// The single probe interface: TASK=FILE parsing, JSON and JSON Lines rows, start/limit windows,
// plain-JSON results for every task on models/tiny-facts (the over-long MRPC rows all skipped and
// counted), and one-line errors naming the file, row and field.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { loadProbe, parseProbeArgument, PROBE_TASKS, runProbe } from "../../../src/eval/probes/run-probe.js";
import { loadModel } from "../../../src/models/load.js";
import { loadTokenizer } from "../../../src/tokenizers/load-tokenizer.js";
import { EVAL_FIXTURES, TINY_FACTS, TINY_RECORDS } from "../golden-helpers.js";

const GLUE = join(EVAL_FIXTURES, "glue");

describe("runProbe", async () => {
  it("parses TASK=FILE and names the known tasks on error", () => {
    assert.deepEqual(parseProbeArgument("sst2=a=b.json"), { task: "sst2", file: "a=b.json" });
    assert.throws(
      () => parseProbeArgument("glue=x.json"),
      /unknown task "glue"; expected TASK=FILE with TASK one of sst2, mrpc/,
    );
    assert.throws(() => parseProbeArgument("sst2"), /the file is missing/);
    assert.equal(PROBE_TASKS.length, 8);
  });

  it("JSON and JSON Lines give the same items; start and limit select rows", () => {
    const json = loadProbe({ task: "sst2", file: join(GLUE, "sst2.json") });
    const jsonl = loadProbe({ task: "sst2", file: join(GLUE, "sst2.jsonl") });
    assert.deepEqual(jsonl.kind === "glue" && jsonl.items, json.kind === "glue" && json.items);
    const some = loadProbe({ task: "sst2", file: join(GLUE, "sst2.json"), start: 1, limit: 2 });
    assert.deepEqual(some.kind === "glue" && some.items, json.kind === "glue" && json.items.slice(1, 3));
    assert.throws(
      () => loadProbe({ task: "sst2", file: join(GLUE, "sst2.json"), start: 4 }),
      /no sst2 rows left after skipping 4 of 4/,
    );
  });

  const model = loadModel(TINY_FACTS);
  const tokenizer = await loadTokenizer(TINY_FACTS);

  it("every task returns plain JSON with task, file, n and skipped", () => {
    const files: Record<string, string> = {
      perplexity: join(TINY_FACTS, "eval", "corpus.txt"),
      retention: TINY_RECORDS,
    };
    for (const task of PROBE_TASKS) {
      const file = files[task] ?? join(GLUE, `${task}.json`);
      const result = runProbe({ task, file, limit: 12 }, model, tokenizer, { maxTokens: 400 });
      assert.deepEqual(JSON.parse(JSON.stringify(result)), result, task);
      assert.equal(result.task, task);
      assert.equal(result.file, file);
      assert.ok(Number.isInteger(result.n) && Number.isInteger(result.skipped), task);
      if (task === "mrpc") assert.deepEqual([result.n, result.skipped], [0, 2], "MRPC rows exceed 80 tokens");
      if (task === "perplexity" && result.task === "perplexity")
        assert.ok((result.perplexity > 1 && result.n === 400 - 5 - 1) || result.n > 0);
      if (task === "retention") assert.equal(result.n, 12);
    }
  });

  it("bad files: one line naming the file, the row and the field", () => {
    const dir = mkdtempSync(join(tmpdir(), "locedit-probe-"));
    try {
      const write = (name: string, text: string) => {
        const file = join(dir, name);
        writeFileSync(file, text);
        return file;
      };
      const cases: [string, RegExp][] = [
        [
          write("a.json", '[{"sentence": "ok", "label": 1}, {"sentence": 3, "label": 0, "idx": 9}]'),
          /a\.json: row 1 \(idx 9\): field "sentence" must be a string, got number 3 \(sst2 row\)/,
        ],
        [
          write("b.jsonl", '{"sentence": "ok", "label": 1}\n\n{"sentence": "x"}\n'),
          /b\.jsonl: line 3: field "label" must be 0 or 1, got nothing/,
        ],
        [write("c.json", "[1]"), /c\.json: row 0: expected a JSON object, got number 1/],
        [write("d.json", "[{"), /d\.json: invalid JSON at line 1/],
        [write("e.json", ""), /e\.json: the probe file is empty/],
        [join(dir, "missing.json"), /cannot read probe file .*missing\.json/],
      ];
      for (const [file, pattern] of cases) assert.throws(() => loadProbe({ task: "sst2", file }), pattern);
      assert.throws(
        () => loadProbe({ task: "perplexity", file: write("p.txt", " \n") }),
        /p\.txt: the perplexity text is empty/,
      );
      assert.throws(
        () => loadProbe({ task: "retention", file: write("r.json", '[{"case_id": 0}]') }),
        /r\.json: record 0 \(case_id 0\): field "requested_rewrite"/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
