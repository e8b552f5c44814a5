// locedit used as a library from outside the repository (issue 14): `npm pack`, then install the
// tarball into an empty folder — its install script builds the native addon from the shipped C
// sources — and `import { Editor } from "locedit"` works there, the bundled model included. Offline:
// the production dependencies (package-lock.json entries not marked dev) are copied from this
// checkout's node_modules into the folder first, as a user's earlier install would have left them,
// so npm resolves them without the registry.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { repoRoot } from "../models/golden-helpers.js";

/** The environment without the npm_* variables of an enclosing `npm test`. */
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));

function npm(cwd: string, ...args: string[]) {
  const r = spawnSync("npm", [...args, "--no-audit", "--no-fund", "--loglevel=error"], {
    cwd,
    env,
    encoding: "utf8",
  });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

const hasNpm = spawnSync("npm", ["--version"], { env }).status === 0;

describe("the packed package", { skip: !hasNpm && "npm is not installed" }, () => {
  const work = mkdtempSync(join(tmpdir(), "locedit-pack-"));
  after(() => rmSync(work, { recursive: true, force: true }));

  it("installs from its tarball into an empty folder and imports as `locedit`", () => {
    const tarballs = join(work, "tarballs");
    mkdirSync(tarballs);
    const packed = npm(repoRoot, "pack", "--pack-destination", tarballs);
    assert.equal(packed.code, 0, packed.out);
    const app = join(work, "app");
    mkdirSync(app);
    writeFileSync(join(app, "package.json"), JSON.stringify({ name: "app", private: true, type: "module" }));
    const lock = JSON.parse(readFileSync(join(repoRoot, "package-lock.json"), "utf8")) as {
      packages: Record<string, { dev?: boolean; devOptional?: boolean }>;
    };
    for (const [path, entry] of Object.entries(lock.packages))
      if (path.startsWith("node_modules/") && !entry.dev && !entry.devOptional)
        cpSync(join(repoRoot, path), join(app, path), { recursive: true });
    const files = readdirSync(tarballs).map((f) => join(tarballs, f));
    const installed = npm(app, "install", "--offline", "--no-package-lock", ...files);
    assert.equal(installed.code, 0, installed.out);
    assert.ok(
      existsSync(join(app, "node_modules", "locedit", "build", "Release", "locedit_native.node")),
      "the install script built the addon",
    );

    writeFileSync(
      join(app, "use.mjs"),
      `import { Editor, loadModel, loadTokenizer, generate } from "locedit";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
const root = dirname(createRequire(import.meta.url).resolve("locedit/package.json"));
const dir = join(root, "models", "tiny-facts");
const model = loadModel(dir);
const tokenizer = await loadTokenizer(dir);
const [ids] = generate(model, [tokenizer.encode("Zira Kudor holds a passport from")], { maxNewTokens: 2 });
console.log(JSON.stringify({ editor: typeof Editor.fromPretrained, text: tokenizer.decode(ids) }));
`,
    );
    const used = spawnSync(process.execPath, ["use.mjs"], { cwd: app, encoding: "utf8" });
    assert.equal(used.status, 0, used.stderr);
    const result = JSON.parse(used.stdout);
    assert.equal(result.editor, "function");
    assert.match(result.text, /^ Nigeria/, "the bundled model answers as in the repository");
    const cli = spawnSync(join(app, "node_modules", ".bin", "locedit"), ["--help"], { encoding: "utf8" });
    assert.equal(cli.status, 0, cli.stderr);
    assert.match(cli.stdout, /usage: locedit <command>/);
  });
});
