// Opens an HTML file in a headless Chromium, when one is installed, and returns the DOM the
// browser built from it (--dump-dom): the check that a written page opens in a browser and that
// every inline SVG chart survives the browser's HTML parser. Tests skip when no browser is found.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { pathToFileURL } from "node:url";

const NAMES = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"];

/** Path of a Chromium-family browser on PATH, or undefined. */
export function findBrowser(): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(delimiter))
    for (const name of NAMES) {
      const path = join(dir, name);
      if (dir !== "" && existsSync(path)) return path;
    }
  return undefined;
}

/** The DOM the headless browser built from `file`; throws when the browser fails. */
export function dumpDom(browser: string, file: string): string {
  const profile = mkdtempSync(join(tmpdir(), "locedit-browser-"));
  try {
    const result = spawnSync(
      browser,
      [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        `--user-data-dir=${profile}`,
        "--dump-dom",
        pathToFileURL(file).href,
      ],
      { encoding: "utf8", timeout: 120_000, maxBuffer: 64 * 1024 * 1024 },
    );
    if (result.status !== 0 || result.stdout.length === 0)
      throw new Error(
        `${browser} could not open ${file}: status ${result.status}, ${result.stderr.slice(-500)}`,
      );
    return result.stdout;
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

/** Occurrences of `pattern` in `text`. */
export function count(text: string, pattern: RegExp): number {
  return (text.match(new RegExp(pattern.source, "g")) ?? []).length;
}
