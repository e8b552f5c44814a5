// Tests for writeWorld: the four files, their contents, byte-identical output for one seed, and
// no temporary files left behind.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  counterfactRecords,
  generateWorld,
  worldStatisticsCorpus,
  worldTrainingDocuments,
  writeWorld,
} from "../../../src/data/world/index.js";

test("writeWorld writes world.json, counterfact.json, train.txt and corpus.txt, byte-identical per seed", () => {
  const root = mkdtempSync(join(tmpdir(), "locedit-world-"));
  try {
    const write = (dir: string, seed: number) => {
      const world = generateWorld(seed, { subjects: 120 });
      return {
        world,
        files: writeWorld(join(root, dir), world, {
          records: counterfactRecords(world, { count: 20, seed }),
        }),
      };
    };
    const a = write("a", 9);
    const b = write("nested/b", 9);
    const c = write("c", 10);
    assert.deepEqual(readdirSync(join(root, "a")).sort(), [
      "corpus.txt",
      "counterfact.json",
      "train.txt",
      "world.json",
    ]);
    for (const name of ["world", "counterfact", "train", "corpus"] as const) {
      assert.deepEqual(readFileSync(a.files[name]), readFileSync(b.files[name]), name);
      assert.notDeepEqual(readFileSync(a.files[name]), readFileSync(c.files[name]), name);
    }
    assert.deepEqual(JSON.parse(readFileSync(a.files.world, "utf8")), a.world);
    const records = JSON.parse(readFileSync(a.files.counterfact, "utf8"));
    assert.deepEqual(records, counterfactRecords(a.world, { count: 20, seed: 9 }));
    assert.equal(readFileSync(a.files.train, "utf8"), worldTrainingDocuments(a.world).join("\n") + "\n");
    assert.equal(readFileSync(a.files.corpus, "utf8"), worldStatisticsCorpus(a.world));
    // Rewriting over existing files replaces them and leaves no temporary sibling.
    writeWorld(join(root, "a"), a.world, { records: [] });
    assert.equal(readFileSync(a.files.counterfact, "utf8"), "[]\n");
    assert.equal(readdirSync(join(root, "a")).length, 4);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
