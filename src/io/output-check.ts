// Checks an output folder before a long computation (issue 14, case 10), so that a read-only
// filesystem, a missing permission or a full disk is reported in seconds, not after the whole
// edit: the nearest existing ancestor of the folder must be a folder in which a file can be
// created (probed by creating and removing one: access(2) alone misses read-only mounts for root
// and quotas), and its filesystem must have room for `bytes` (statfs).
import { randomBytes } from "node:crypto";
import { closeSync, existsSync, openSync, rmSync, statfsSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fsCause, isErrnoError } from "./fs-errors.js";

/** The nearest existing ancestor of `path` (itself when it exists). */
export function nearestExisting(path: string): string {
  let dir = resolve(path);
  while (!existsSync(dir) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

/** Free bytes for an unprivileged writer on the filesystem holding `dir`. */
export function freeBytes(dir: string): number {
  const fs = statfsSync(dir);
  return fs.bavail * fs.bsize;
}

export function formatBytes(bytes: number): string {
  const units = ["B", "KB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) [value, unit] = [value / 1000, unit + 1];
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

/**
 * Throws one line naming `outDir` and the cause when a folder could not be written there:
 * `<outDir>: cannot write there: the filesystem is read-only (EROFS)`, or
 * `<outDir>: the filesystem of <dir> has 2.1 MB free, <what> needs about 24.6 MB`.
 */
export function checkOutputFolder(outDir: string, needs: { bytes: number; what: string }): void {
  const existing = nearestExisting(outDir);
  if (!statSync(existing).isDirectory())
    throw new Error(`${outDir}: cannot write there: ${existing} is a file, not a folder`);
  const probe = join(existing, `.locedit-probe-${process.pid}-${randomBytes(4).toString("hex")}`);
  try {
    closeSync(openSync(probe, "wx"));
  } catch (error) {
    if (!isErrnoError(error)) throw error;
    throw new Error(`${outDir}: cannot write there: ${fsCause(error)}, in ${existing}`, { cause: error });
  } finally {
    rmSync(probe, { force: true });
  }
  const free = freeBytes(existing);
  if (free < needs.bytes)
    throw new Error(
      `${outDir}: the filesystem of ${existing} has ${formatBytes(free)} free, ${needs.what} needs about ${formatBytes(needs.bytes)}`,
    );
}
