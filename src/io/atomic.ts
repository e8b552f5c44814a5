// Atomic publication of files and directories: content is written under a temporary name in
// the same directory (so rename(2) stays on one filesystem and is atomic), flushed, then renamed
// to the target. Readers see the old content or the new, never a half-written file or folder.
// On any error the temporary file or folder is removed and the target is left as it was.
// A folder is published exclusively by default: if anything holds the target's name when the
// staged folder is ready — also when it appeared while the folder was being filled — the publish
// fails and nothing is replaced (rename.ts). Staging folders carry a marker (staging.ts), so those
// left by a killed process are recognised and removed by the next publish beside them.
// Filesystem errors name the path and the cause (fs-errors.ts).

import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
  writeSync,
} from "node:fs";
import { dirname, resolve } from "node:path";
import { fsError, isErrnoError, withFsContext } from "./fs-errors.js";
import { renameNoReplace, replaceFolder } from "./rename.js";
import { createStagingDir, removeStaleStaging, STAGING_MARKER, temporarySibling } from "./staging.js";

export { temporarySibling } from "./staging.js";

/** Writes every byte of `data` at the current position of `fd`, looping over short writes. */
export function writeAll(fd: number, data: Uint8Array): void {
  let done = 0;
  while (done < data.length) done += writeSync(fd, data, done, data.length - done);
}

/**
 * Opens a temporary file beside `path`, lets `write` fill it through its descriptor, flushes it
 * and renames it to `path`. If `write` throws, the temporary file is removed and `path` is untouched.
 * Filesystem errors are rethrown naming `path` and the cause.
 */
export function withAtomicFile(path: string, write: (fd: number) => void): void {
  const temporary = temporarySibling(path, "tmp");
  let fd: number | null = null;
  try {
    fd = openSync(temporary, "wx");
    write(fd);
    fsyncSync(fd);
    closeSync(fd);
    fd = null;
    renameSync(temporary, path);
  } catch (error) {
    if (fd !== null) closeSync(fd);
    rmSync(temporary, { force: true });
    throw fsError(error, path, "write");
  }
}

/** Atomically replaces `path` with `data` (a string is written as UTF-8). */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  withAtomicFile(path, (fd) => writeAll(fd, bytes));
}

export interface PublishOptions {
  /** replace a folder already at the target (atomically); default false: an existing target is an error */
  overwrite?: boolean;
  /** hears about stale staging folders of dead processes removed beside the target */
  onNotice?: (message: string) => void;
  /** false forces the fallback used on filesystems without renameat2 flags (for tests) */
  useRenameat2?: boolean;
}

/**
 * Builds a directory under a marked temporary sibling name with `fill`, then moves it to
 * `targetDir` in one atomic step. If `fill` throws, the staging folder is removed and `targetDir`
 * is untouched. Without `overwrite`, an existing target — checked before `fill` and again,
 * atomically, at the final rename — is an error naming it.
 */
export async function publishDirectoryAtomic(
  targetDir: string,
  fill: (stagingDir: string) => void | Promise<void>,
  options: PublishOptions = {},
): Promise<void> {
  const stagingDir = beginPublish(targetDir, options);
  try {
    await fill(stagingDir);
  } catch (error) {
    rmSync(stagingDir, { recursive: true, force: true });
    throw error;
  }
  finishPublish(stagingDir, targetDir, options);
}

/** Synchronous twin of `publishDirectoryAtomic`. */
export function publishDirectoryAtomicSync(
  targetDir: string,
  fill: (stagingDir: string) => void,
  options: PublishOptions = {},
): void {
  const stagingDir = beginPublish(targetDir, options);
  try {
    fill(stagingDir);
  } catch (error) {
    rmSync(stagingDir, { recursive: true, force: true });
    throw error;
  }
  finishPublish(stagingDir, targetDir, options);
}

function alreadyExists(targetDir: string, meanwhile: boolean, cause?: unknown): Error {
  const error = new Error(
    meanwhile
      ? `${targetDir}: already exists: it appeared while this folder was being written (another writer?); nothing was replaced`
      : `${targetDir}: already exists; nothing was written (choose a new folder)`,
    { cause },
  );
  return Object.assign(error, { code: "EEXIST" });
}

function beginPublish(targetDir: string, options: PublishOptions): string {
  const target = resolve(targetDir);
  const parent = dirname(target);
  withFsContext(parent, "create the folder", () => mkdirSync(parent, { recursive: true }));
  for (const notice of removeStaleStaging(parent)) options.onNotice?.(notice);
  if (!options.overwrite && existsSync(target)) throw alreadyExists(targetDir, false);
  return withFsContext(parent, "create a staging folder in it", () => createStagingDir(target));
}

function finishPublish(stagingDir: string, targetDir: string, options: PublishOptions): void {
  const target = resolve(targetDir);
  const flags = { useRenameat2: options.useRenameat2 ?? true };
  try {
    rmSync(`${stagingDir}/${STAGING_MARKER}`, { force: true });
    if (options.overwrite && existsSync(target))
      replaceFolder(stagingDir, target, temporarySibling(target, "old"), flags);
    else renameNoReplace(stagingDir, target, flags);
  } catch (error) {
    rmSync(stagingDir, { recursive: true, force: true });
    if (isErrnoError(error) && (error.code === "EEXIST" || error.code === "ENOTEMPTY"))
      throw alreadyExists(targetDir, true, error);
    throw fsError(error, targetDir, "publish the folder");
  }
}
