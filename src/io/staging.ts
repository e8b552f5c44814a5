// Staging folders of atomic publication (atomic.ts): `<target>.tmp-<pid>-<8 hex>/`, holding the
// marker `.locedit-staging.json` = {"locedit": "staging", "pid", "host", "target", "started"} from
// the moment it exists, so a folder left by a killed process (SIGKILL, power loss) is recognisable
// as locedit's own. removeStaleStaging removes the marked folders whose process is gone (same
// host, no such pid); a folder set aside while replacing a target (`.old-`) is put back when its
// target is missing. removeStaleTemporaryFiles does the same for `<name>.tmp-<pid>-<8 hex>` files
// in a folder locedit owns (the statistics cache). A reused pid only delays the clean-up.
import { randomBytes } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { hostname } from "node:os";
import { basename, dirname, join, resolve } from "node:path";

export const STAGING_MARKER = ".locedit-staging.json";

const TEMPORARY_NAME = /^(.+)\.(tmp|old)-(\d+)-[0-9a-f]{8}$/;

interface Marker {
  locedit: "staging" | "aside";
  pid: number;
  host: string;
  target: string;
  started: string;
}

/** A sibling path `<path>.<tag>-<pid>-<8 hex>` that no other writer will pick. */
export function temporarySibling(path: string, tag: string): string {
  const absolute = resolve(path);
  return join(
    dirname(absolute),
    `${basename(absolute)}.${tag}-${process.pid}-${randomBytes(4).toString("hex")}`,
  );
}

/** Writes the marker that makes `dir` recognisable as this process's staging (or aside) folder. */
export function markStaging(dir: string, target: string, kind: Marker["locedit"] = "staging"): void {
  const marker: Marker = {
    locedit: kind,
    pid: process.pid,
    host: hostname(),
    target: resolve(target),
    started: new Date().toISOString(),
  };
  writeFileSync(join(dir, STAGING_MARKER), JSON.stringify(marker) + "\n");
}

/** Creates `<target>.tmp-<pid>-<hex>/` with its marker. */
export function createStagingDir(target: string): string {
  const dir = temporarySibling(target, "tmp");
  mkdirSync(dir);
  try {
    markStaging(dir, target);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return dir;
}

/** Whether process `pid` exists (EPERM: it exists but belongs to someone else). */
export function isProcessAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function readMarker(dir: string): Marker | null {
  try {
    const marker = JSON.parse(readFileSync(join(dir, STAGING_MARKER), "utf8")) as Marker;
    const valid =
      (marker.locedit === "staging" || marker.locedit === "aside") &&
      Number.isInteger(marker.pid) &&
      typeof marker.host === "string" &&
      typeof marker.target === "string";
    return valid ? marker : null;
  } catch {
    return null;
  }
}

function entries(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/**
 * Removes the staging folders in `parent` left by locedit processes of this host that no longer
 * run; returns one message per folder handled.
 */
export function removeStaleStaging(parent: string): string[] {
  const notices: string[] = [];
  for (const name of entries(parent)) {
    const match = TEMPORARY_NAME.exec(name);
    if (!match) continue;
    const path = join(parent, name);
    const marker = readMarker(path);
    if (
      !marker ||
      marker.host !== hostname() ||
      marker.pid !== Number(match[3]) ||
      isProcessAlive(marker.pid)
    )
      continue;
    const target = join(parent, match[1]);
    if (marker.locedit === "aside" && !existsSync(target)) {
      rmSync(join(path, STAGING_MARKER), { force: true });
      renameSync(path, target);
      notices.push(
        `restored ${target} from ${path}, set aside by process ${marker.pid} which no longer runs`,
      );
      continue;
    }
    rmSync(path, { recursive: true, force: true });
    notices.push(
      `removed ${path}, a staging folder of ${basename(target)} left by locedit process ${marker.pid} (no longer running)`,
    );
  }
  return notices;
}

/** Removes `<name>.tmp-<pid>-<hex>` files of processes that no longer run from `dir` (a folder locedit owns). */
export function removeStaleTemporaryFiles(dir: string): string[] {
  const notices: string[] = [];
  for (const name of entries(dir)) {
    const match = TEMPORARY_NAME.exec(name);
    if (!match || match[2] !== "tmp" || isProcessAlive(Number(match[3]))) continue;
    const path = join(dir, name);
    try {
      if (!statSync(path).isFile()) continue;
      rmSync(path, { force: true });
      notices.push(
        `removed ${path}, a temporary file left by locedit process ${match[3]} (no longer running)`,
      );
    } catch {
      // vanished meanwhile
    }
  }
  return notices;
}
