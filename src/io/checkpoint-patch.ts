// Writing an edited copy of a checkpoint folder without rewriting what did not change: every
// safetensors file of the source (and its `model.safetensors.index.json`) goes into the target;
// a file none of whose tensors changed is hard-linked (or copied: reflinked where the filesystem
// can, a plain copy otherwise), and a file holding a changed tensor is copied and the new bytes are
// written over exactly that tensor's byte range. Tensor names, dtypes, shapes, offsets, metadata
// and the index stay as they were, so the index remains valid. Each patched file is built under a
// temporary name and renamed into place; for an all-or-nothing folder, write into
// publishDirectoryAtomic's staging folder (atomic.ts).

import {
  closeSync,
  constants,
  copyFileSync,
  fsyncSync,
  linkSync,
  openSync,
  renameSync,
  rmSync,
  writeSync,
} from "node:fs";
import { basename, join } from "node:path";
import { temporarySibling } from "./atomic.js";
import { fsError } from "./fs-errors.js";
import { INDEX_FILE_NAME, openCheckpoint, SINGLE_FILE_NAME } from "./checkpoint.js";

export type UnchangedFiles = "hardlink" | "copy";

export interface PatchedFile {
  /** file name in the target folder */
  name: string;
  how: "linked" | "copied" | "patched";
  /** tensors whose bytes were replaced */
  tensors: string[];
}

/**
 * Fills `targetDir` with the checkpoint files of `sourceDir`, replacing the bytes of the tensors in
 * `patches` (tensor name as in the file → its new stored bytes, same length as the old ones).
 */
export function writePatchedCheckpoint(
  sourceDir: string,
  targetDir: string,
  patches: ReadonlyMap<string, Uint8Array>,
  unchanged: UnchangedFiles = "hardlink",
): PatchedFile[] {
  const checkpoint = openCheckpoint(sourceDir);
  try {
    const byFile = new Map<string, { name: string; offset: number; bytes: Uint8Array }[]>();
    for (const [name, bytes] of patches) {
      const info = checkpoint.info(name);
      if (info.byteLength !== bytes.length)
        throw new Error(
          `${checkpoint.fileOf(name)}: tensor '${name}' holds ${info.byteLength} bytes, the patch ${bytes.length}`,
        );
      const file = checkpoint.fileOf(name);
      byFile.set(file, [...(byFile.get(file) ?? []), { name, offset: info.byteOffset, bytes }]);
    }
    const single = checkpoint.index === null;
    const written = checkpoint.files.map((file): PatchedFile => {
      const name = single ? SINGLE_FILE_NAME : basename(file);
      const target = join(targetDir, name);
      const edits = byFile.get(file);
      if (!edits) return { name, how: placeUnchanged(file, target, unchanged), tensors: [] };
      copyAndPatch(file, target, edits);
      return { name, how: "patched", tensors: edits.map((e) => e.name) };
    });
    if (checkpoint.index !== null) copyFileSync(checkpoint.index, join(targetDir, INDEX_FILE_NAME));
    return written;
  } finally {
    checkpoint.close();
  }
}

/** A hard link when asked and possible (same filesystem, links allowed), else a copy. */
function placeUnchanged(source: string, target: string, unchanged: UnchangedFiles): "linked" | "copied" {
  if (unchanged === "hardlink") {
    try {
      linkSync(source, target);
      return "linked";
    } catch {
      // another filesystem (EXDEV) or links not permitted: copy instead
    }
  }
  copyFile(source, target);
  return "copied";
}

/** Copy-on-write clone where the filesystem supports it, an ordinary copy otherwise. */
function copyFile(source: string, target: string): void {
  try {
    copyFileSync(source, target, constants.COPYFILE_FICLONE);
  } catch (error) {
    // `<target>: cannot copy <source> there: no space left on the device (ENOSPC)`
    throw fsError(error, target, `copy ${source} there`);
  }
}

function copyAndPatch(source: string, target: string, edits: { offset: number; bytes: Uint8Array }[]): void {
  const temporary = temporarySibling(target, "tmp");
  let fd: number | null = null;
  try {
    copyFile(source, temporary);
    fd = openSync(temporary, "r+");
    for (const { offset, bytes } of edits) {
      for (let done = 0; done < bytes.length;)
        done += writeSync(fd, bytes, done, Math.min(bytes.length - done, 1 << 30), offset + done);
    }
    fsyncSync(fd);
    closeSync(fd);
    fd = null;
    renameSync(temporary, target);
  } catch (error) {
    if (fd !== null) closeSync(fd);
    rmSync(temporary, { force: true });
    throw error;
  }
}
