// The locedit package root (the folder holding its package.json, hparams/, models/ and the native
// build/), found once by walking up from this module, so code runs the same from src/ (tsx,
// tests) and from dist/src/ (compiled), and from an installed node_modules/locedit.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The nearest folder above `moduleUrl` whose package.json is locedit's; throws naming where it looked. */
export function findPackageRoot(moduleUrl: string): string {
  const start = dirname(fileURLToPath(moduleUrl));
  for (let dir = start; ; dir = dirname(dir)) {
    const file = join(dir, "package.json");
    if (existsSync(file) && isLocedit(file)) return dir;
    if (dirname(dir) === dir) throw new Error(`locedit: no locedit package.json found above ${start}`);
  }
}

function isLocedit(packageJson: string): boolean {
  try {
    return (JSON.parse(readFileSync(packageJson, "utf8")) as { name?: unknown }).name === "locedit";
  } catch {
    return false;
  }
}

let root: string | null = null;

/** The package root of this locedit installation (memoised). */
export function packageRoot(): string {
  root ??= findPackageRoot(import.meta.url);
  return root;
}

let version: string | null = null;

/** locedit's package.json version ("unknown" when it has none). */
export function packageVersion(): string {
  if (version === null) {
    const parsed = JSON.parse(readFileSync(join(packageRoot(), "package.json"), "utf8")) as {
      version?: unknown;
    };
    version = typeof parsed.version === "string" ? parsed.version : "unknown";
  }
  return version;
}
