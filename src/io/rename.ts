// Atomic renames for publishing folders (atomic.ts). rename(2) is atomic but not exclusive: it
// silently replaces an empty folder at the target, and whether it fails on a non-empty one
// depends on timing. renameat2(2) with RENAME_NOREPLACE (native/fs.c) moves the staged folder
// only if nothing holds the name, in one step; RENAME_EXCHANGE swaps two folders in one step.
// On a filesystem without these flags (EINVAL), the name is claimed with mkdir (exclusive), and
// the staged folder renamed over that empty claim, which fails if another writer filled it.
import { mkdirSync, renameSync, rmdirSync, rmSync } from "node:fs";
import { native } from "../native/binding.js";
import { isErrnoError, type ErrnoLike } from "./fs-errors.js";
import { markStaging } from "./staging.js";

const UNSUPPORTED = new Set(["EINVAL", "ENOSYS"]);

function withPaths(error: unknown, from: string, to: string): unknown {
  if (isErrnoError(error))
    Object.assign(error, { syscall: "rename", path: from, dest: to } satisfies Partial<ErrnoLike>);
  return error;
}

/** Moves folder `from` to `to` only if nothing exists at `to`, atomically; else throws EEXIST/ENOTEMPTY. */
export function renameNoReplace(from: string, to: string, { useRenameat2 = true } = {}): void {
  if (useRenameat2) {
    try {
      return native.renameNoReplace(from, to);
    } catch (error) {
      if (!isErrnoError(error) || !UNSUPPORTED.has(error.code)) throw withPaths(error, from, to);
    }
  }
  try {
    mkdirSync(to); // the claim: EEXIST when any other writer or file holds the name
  } catch (error) {
    throw withPaths(error, from, to);
  }
  try {
    renameSync(from, to); // replaces our own empty claim; ENOTEMPTY if someone filled it meanwhile
  } catch (error) {
    try {
      rmdirSync(to); // only succeeds while the claim is still empty
    } catch {
      // someone else's folder now: leave it
    }
    throw withPaths(error, from, to);
  }
}

/**
 * Puts folder `from` in place of the existing `to` atomically; afterwards `from` holds the old
 * folder, which is removed. Without RENAME_EXCHANGE: `to` is renamed aside, `from` renamed in.
 */
export function replaceFolder(from: string, to: string, aside: string, { useRenameat2 = true } = {}): void {
  if (useRenameat2) {
    try {
      native.renameExchange(from, to);
      rmSync(from, { recursive: true, force: true });
      return;
    } catch (error) {
      if (!isErrnoError(error) || !UNSUPPORTED.has(error.code)) throw withPaths(error, from, to);
    }
  }
  renameSync(to, aside);
  try {
    markStaging(aside, to, "aside"); // so a crash before the next rename can be undone
  } catch {
    // the folder is still restored below on failure; only crash recovery needs the marker
  }
  try {
    renameNoReplace(from, to, { useRenameat2 });
  } catch (error) {
    rmSync(`${aside}/.locedit-staging.json`, { force: true });
    renameSync(aside, to); // put the previous folder back so a failed publish changes nothing
    throw error;
  }
  rmSync(aside, { recursive: true, force: true });
}
