// Paths the tokenizer tests share: the repository root, the committed tokenizer fixtures and the
// optional shared data folder (`<repoRoot>/../shared`, absent in some CI checkouts).
import { existsSync } from "node:fs";
import { join } from "node:path";
import { findRepoRoot } from "../../scripts/fixtures/repo-root.js";

export const repoRoot = findRepoRoot(import.meta.url);
export const gpt2FixtureDir = join(repoRoot, "test", "fixtures", "tokenizers", "gpt2");
export const llama3FixtureDir = join(repoRoot, "test", "fixtures", "tokenizers", "llama3-tiny");
export const aidreamsDir = join(repoRoot, "..", "shared", "data", "aidreams260K");

/** Reason to skip tests that need the shared aidreams260K tokenizer, or false when it is present. */
export const skipWithoutAidreams: string | false = existsSync(join(aidreamsDir, "tokenizer.json"))
  ? false
  : `shared data not found at ${aidreamsDir}`;
