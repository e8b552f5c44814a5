// Downloading one repository file into a staging folder: bytes go to `<file>.part`, a dropped
// connection is retried (with backoff) and resumed from the bytes already on disk with an HTTP
// Range request (RFC 9110 §14), a later run resumes the same way, and the file is renamed into
// place only after its size and hash match the hub's metadata: SHA-256 for LFS files, the Git
// blob id (SHA-1 of "blob <size>\0" + content) for plain Git files.
import { createHash, type Hash } from "node:crypto";
import { closeSync, createReadStream, existsSync, openSync, renameSync, rmSync, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import type { IncomingMessage } from "node:http";
import { join } from "node:path";
import { writeAll } from "../io/atomic.js";
import { HubError, type HubClient, type HubResponse } from "./client.js";
import type { RemoteFile } from "./repo-files.js";

export interface FetchFileOptions {
  hub: HubClient;
  repo: string;
  /** the commit every file is fetched at */
  commit: string;
  file: RemoteFile;
  /** the staging folder */
  dir: string;
  /** retries after a dropped connection or a 5xx/429 answer (default 5) */
  retries?: number;
  /** first retry delay in ms, doubled each time (default 1000) */
  retryDelayMs?: number;
  /** bytes of this file on disk so far (resumed bytes included), after every chunk */
  onBytes?: (bytes: number) => void;
  /** a line for the user (retries, restarts) */
  onNote?: (message: string) => void;
}

/** A failure worth retrying: the connection dropped, or the server said "try again". */
class Transient extends Error {}

export async function fetchFile(options: FetchFileOptions): Promise<void> {
  const { file, dir } = options;
  const final = join(dir, file.path);
  const part = `${final}.part`;
  // A file renamed into place was checked before the rename (an earlier, interrupted run).
  if (existsSync(final) && (file.size === null || statSync(final).size === file.size)) {
    options.onBytes?.(statSync(final).size);
    return;
  }
  const retries = options.retries ?? 5;
  const delay = options.retryDelayMs ?? 1000;
  const hashing: HashState = { hash: null, bytes: -1 };
  for (let attempt = 0; ; attempt++) {
    try {
      await transfer(options, part, hashing);
      await verify(file, part, hashing);
      renameSync(part, final);
      return;
    } catch (error) {
      const have = existsSync(part) ? statSync(part).size : 0;
      if (!(error instanceof Transient)) throw error;
      if (attempt >= retries) {
        const kept = `${have}${file.size === null ? "" : ` of ${file.size}`} bytes are kept in ${part}`;
        throw new Error(
          `${file.path}: download failed ${attempt + 1} times (last: ${error.message}); ${kept}: run the same command again to resume`,
          { cause: error },
        );
      }
      const wait = delay * 2 ** attempt;
      options.onNote?.(
        `${file.path}: ${error.message}; retry ${attempt + 1}/${retries} in ${(wait / 1000).toFixed(1)} s, resuming at byte ${have}`,
      );
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}

/** SHA-256 of the bytes of `.part` hashed so far (kept across retries, rebuilt when it falls behind). */
interface HashState {
  hash: Hash | null;
  bytes: number;
}

async function transfer(options: FetchFileOptions, part: string, hashing: HashState): Promise<void> {
  const { hub, repo, commit, file } = options;
  let have = existsSync(part) ? statSync(part).size : 0;
  if (file.size !== null && have > file.size) {
    options.onNote?.(
      `${file.path}: ${part} is longer than the file (${have} > ${file.size} bytes); starting over`,
    );
    rmSync(part);
    have = 0;
  }
  if (file.size !== null && have === file.size) return; // complete, only unverified
  const url = hub.fileUrl(repo, commit, file.path);
  let response: HubResponse;
  try {
    const range: Record<string, string> = have > 0 ? { range: `bytes=${have}-` } : {};
    response = await hub.get(url, { repo, revision: commit, file: file.path }, range);
  } catch (error) {
    if (error instanceof HubError && error.status === 416) {
      rmSync(part, { force: true }); // the server has fewer bytes than the part: start over
      throw new Transient(`the server refused to resume at byte ${have} (HTTP 416)`);
    }
    if (error instanceof HubError) {
      if (error.retryable) throw new Transient(error.message);
      throw error;
    }
    throw new Transient(`connection failed (${describeCause(error)})`);
  }
  if (have > 0 && response.status !== 206) {
    options.onNote?.(`${file.path}: the server ignored the Range request; starting over`);
    rmSync(part);
    have = 0;
  } else if (have > 0) {
    const range = String(response.headers["content-range"] ?? "");
    if (Number(/^bytes (\d+)-/.exec(range)?.[1] ?? -1) !== have) {
      response.body.destroy();
      throw new Transient(`the server resumed at the wrong byte (Content-Range ${JSON.stringify(range)})`);
    }
  }
  if (file.sha256 && hashing.bytes !== have) await rehash(part, have, hashing);
  const fd = openSync(part, "a");
  try {
    have = await receive(response.body, (chunk) => {
      writeAll(fd, chunk);
      hashing.hash?.update(chunk);
      hashing.bytes += chunk.length;
      have += chunk.length;
      options.onBytes?.(have);
    }).then(
      () => have,
      (error) => {
        throw new Transient(`connection dropped after ${have} bytes (${describeCause(error)})`);
      },
    );
  } finally {
    closeSync(fd);
  }
  if (file.size !== null && have < file.size)
    throw new Transient(`connection closed after ${have} of ${file.size} bytes`);
}

/**
 * Feeds every chunk of `body` to `onChunk` as it arrives ('data' events, written synchronously,
 * so the bytes before a drop are all on disk); resolves at the end, rejects when it breaks off.
 */
function receive(body: IncomingMessage, onChunk: (chunk: Buffer) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    body.on("data", (chunk: Buffer) => {
      try {
        onChunk(chunk);
      } catch (error) {
        body.destroy(error as Error);
      }
    });
    body.on("error", reject);
    body.on("aborted", () => reject(new Error("connection closed by the server")));
    body.on("end", () => (body.complete ? resolve() : reject(new Error("connection closed early"))));
  });
}

/** Hashes the first `bytes` bytes already in `part` (resume after a restart). */
async function rehash(part: string, bytes: number, hashing: HashState): Promise<void> {
  hashing.hash = createHash("sha256");
  hashing.bytes = bytes;
  if (bytes === 0) return;
  for await (const chunk of createReadStream(part, { end: bytes - 1 })) hashing.hash.update(chunk as Buffer);
}

async function verify(file: RemoteFile, part: string, hashing: HashState): Promise<void> {
  const size = statSync(part).size;
  if (file.size !== null && size !== file.size) {
    rmSync(part);
    throw new Error(
      `${file.path}: size mismatch: the hub lists ${file.size} bytes, ${size} arrived; the partial file was removed, run again to re-download`,
    );
  }
  if (file.sha256) {
    if (hashing.bytes !== size) await rehash(part, size, hashing);
    const actual = (hashing.hash as Hash).digest("hex");
    hashing.hash = null;
    hashing.bytes = -1;
    if (actual !== file.sha256) {
      rmSync(part);
      throw new Error(
        `${file.path}: SHA-256 mismatch: the hub lists ${file.sha256}, the ${size} downloaded bytes hash to ${actual}; the file was removed, run again to re-download`,
      );
    }
  } else if (file.gitOid) {
    const content = await readFile(part);
    const actual = createHash("sha1").update(`blob ${content.length}\0`).update(content).digest("hex");
    if (actual !== file.gitOid) {
      rmSync(part);
      throw new Error(
        `${file.path}: Git blob id mismatch: the hub lists ${file.gitOid}, the download has ${actual}; run again to re-download`,
      );
    }
  }
}

function describeCause(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const text = (error as Error).message ?? String(error);
  return cause?.code ? `${text}: ${cause.code}` : cause?.message ? `${text}: ${cause.message}` : text;
}
