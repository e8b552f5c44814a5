// The dependency rule of the README's architecture section: only models/layers/, tensor/ and
// linalg/ (and native/ itself) call the native addon for math; the package entry and the CLI may
// import it to set the thread count and the allocator, and io/ for the system calls Node lacks
// (renameat2's RENAME_NOREPLACE / RENAME_EXCHANGE, native/fs.c). Checked over the TypeScript sources.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { packageRoot } from "../src/util/package-root.js";

const MATH_FOLDERS = ["src/models/layers/", "src/tensor/", "src/linalg/", "src/native/"];
/** files allowed to import the binding, and the non-math entry points each may call */
const NON_MATH: [string, RegExp][] = [
  ["src/index.ts", /^(setNumThreads|getNumThreads|keepFreedMemory)$/],
  ["src/cli/", /^(setNumThreads|getNumThreads|keepFreedMemory)$/],
  ["src/io/", /^(renameNoReplace|renameExchange)$/],
];

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith(".ts") ? [path] : [];
  });
}

test("only models/layers, tensor and linalg import the native binding for math", () => {
  const root = packageRoot();
  const offenders: string[] = [];
  for (const path of sources(join(root, "src"))) {
    const file = relative(root, path);
    if (MATH_FOLDERS.some((folder) => file.startsWith(folder))) continue;
    const text = readFileSync(path, "utf8");
    if (!/from "(\.\.\/)+native\/binding\.js"|from "\.\/native\/binding\.js"/.test(text)) continue;
    const allowed = NON_MATH.find(([prefix]) => file.startsWith(prefix));
    if (allowed) {
      const calls = [...text.matchAll(/native\.(\w+)/g)].map((m) => m[1]);
      const math = calls.filter((name) => !allowed[1].test(name));
      if (math.length > 0) offenders.push(`${file} (${[...new Set(math)].join(", ")})`);
    } else offenders.push(file);
  }
  assert.deepEqual(
    offenders,
    [],
    `native math outside models/layers, tensor, linalg: ${offenders.join("; ")}`,
  );
});
