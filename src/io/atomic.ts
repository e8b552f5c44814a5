// Atomic publication of files and directories: content is written under a temporary name in
// the same directory (so rename(2) stays on one filesystem and is atomic), flushed, then renamed
// over the target. Readers see the old content or the new, never a half-written file or folder.
// On any error the temporary file or folder is removed and the target is left as it was.

import { randomBytes } from "node:crypto";
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
import { basename, dirname, join, resolve } from "node:path";

/** A sibling path `<path>.<tag>-<random>` that no other writer will pick. */
export function temporarySibling(path: string, tag: string): string {
  const absolute = resolve(path);
  return join(
    dirname(absolute),
    `${basename(absolute)}.${tag}-${process.pid}-${randomBytes(4).toString("hex")}`,
  );
}

/** Writes every byte of `data` at the current position of `fd`, looping over short writes. */
export function writeAll(fd: number, data: Uint8Array): void {
  let done = 0;
  while (done < data.length) done += writeSync(fd, data, done, data.length - done);
}

/**
 * Opens a temporary file beside `path`, lets `write` fill it through its descriptor, flushes it
 * and renames it to `path`. If `write` throws, the temporary file is removed and `path` is untouched.
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
    throw error;
  }
}

/** Atomically replaces `path` with `data` (a string is written as UTF-8). */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  withAtomicFile(path, (fd) => writeAll(fd, bytes));
}

/**
 * Builds a directory under a temporary sibling name with `fill`, then swaps it in for `targetDir`
 * (an existing target is renamed aside first and removed after the swap). If `fill` throws, the
 * staging folder is removed and `targetDir` is untouched.
 */
export async function publishDirectoryAtomic(
  targetDir: string,
  fill: (stagingDir: string) => void | Promise<void>,
): Promise<void> {
  const stagingDir = createStagingDir(targetDir);
  try {
    await fill(stagingDir);
  } catch (error) {
    rmSync(stagingDir, { recursive: true, force: true });
    throw error;
  }
  swapInDirectory(stagingDir, targetDir);
}

/** Synchronous twin of `publishDirectoryAtomic`. */
export function publishDirectoryAtomicSync(targetDir: string, fill: (stagingDir: string) => void): void {
  const stagingDir = createStagingDir(targetDir);
  try {
    fill(stagingDir);
  } catch (error) {
    rmSync(stagingDir, { recursive: true, force: true });
    throw error;
  }
  swapInDirectory(stagingDir, targetDir);
}

function createStagingDir(targetDir: string): string {
  mkdirSync(dirname(resolve(targetDir)), { recursive: true });
  const stagingDir = temporarySibling(targetDir, "tmp");
  mkdirSync(stagingDir);
  return stagingDir;
}

function swapInDirectory(stagingDir: string, targetDir: string): void {
  let asideDir: string | null = null;
  try {
    if (existsSync(targetDir)) {
      asideDir = temporarySibling(targetDir, "old");
      renameSync(targetDir, asideDir);
    }
    renameSync(stagingDir, targetDir);
  } catch (error) {
    // Put the previous folder back so a failed publish changes nothing.
    if (asideDir !== null && !existsSync(targetDir)) renameSync(asideDir, targetDir);
    rmSync(stagingDir, { recursive: true, force: true });
    throw new Error(`${targetDir}: could not publish directory: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (asideDir !== null) rmSync(asideDir, { recursive: true, force: true });
}
