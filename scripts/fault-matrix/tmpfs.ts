// Small tmpfs mounts for the fault matrix: a disk that fills up and a read-only target. Mounting
// needs root (and a sandbox that allows it); without, those rows are reported as skipped.
import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";

export function mountTmpfs(dir: string, options: string): boolean {
  mkdirSync(dir, { recursive: true });
  return spawnSync("mount", ["-t", "tmpfs", "-o", options, "tmpfs", dir]).status === 0;
}

export function unmount(dir: string): void {
  spawnSync("umount", [dir]);
}

/** Whether tmpfs mounts work here (tries one and takes it down). */
export function canMount(probe: string): boolean {
  if (process.getuid?.() !== 0 || !mountTmpfs(probe, "size=64k")) return false;
  unmount(probe);
  return true;
}
