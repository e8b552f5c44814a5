// Writes a fact world to a folder: world.json (entities, relations with templates, facts),
// counterfact.json (records), train.txt (training documents, one per line) and corpus.txt (the
// statistics corpus). Each file is replaced atomically; the folder is created if missing.

import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../../io/atomic.js";
import type { CounterFactRecord } from "../counterfact/record.js";
import { worldStatisticsCorpus, worldTrainingDocuments } from "./documents.js";
import type { FactWorld } from "./types.js";

export interface WriteWorldOptions {
  /** CounterFact records to write as counterfact.json (e.g. from counterfactRecords). */
  records: readonly CounterFactRecord[];
}

/** Paths of the files writeWorld writes. */
export interface WorldFiles {
  world: string;
  counterfact: string;
  train: string;
  corpus: string;
}

/** The world as the JSON text of world.json (stable key order, two-space indent, final newline). */
export function worldJson(world: FactWorld): string {
  return JSON.stringify(world, null, 2) + "\n";
}

/** Writes the four files under `dir` and returns their paths. */
export function writeWorld(dir: string, world: FactWorld, options: WriteWorldOptions): WorldFiles {
  mkdirSync(dir, { recursive: true });
  const files: WorldFiles = {
    world: join(dir, "world.json"),
    counterfact: join(dir, "counterfact.json"),
    train: join(dir, "train.txt"),
    corpus: join(dir, "corpus.txt"),
  };
  writeFileAtomic(files.world, worldJson(world));
  writeFileAtomic(files.counterfact, JSON.stringify(options.records, null, 2) + "\n");
  writeFileAtomic(files.train, worldTrainingDocuments(world).join("\n") + "\n");
  writeFileAtomic(files.corpus, worldStatisticsCorpus(world));
  return files;
}
