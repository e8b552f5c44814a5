// The files of a model repository at one revision, with what the hub says about each: size,
// and for Git-LFS files (the weights) their SHA-256. Read from the model API
// (`/api/models/{repo}/revision/{rev}?blobs=true`: `sha` (the commit) and `siblings`
// [{rfilename, size, blobId, lfs: {sha256, size}}]); when siblings come without sizes (older
// hubs, mirrors), from the tree API (`/api/models/{repo}/tree/{commit}`: [{type, path, size,
// oid, lfs: {oid, size}}]). Every error names the repo, the revision and the field.
import type { HubClient } from "./client.js";

export interface RemoteFile {
  /** path inside the repository (top level for everything locedit reads) */
  path: string;
  /** size in bytes, or null when the hub did not say */
  size: number | null;
  /** SHA-256 (hex) of an LFS file's content, or null for a plain Git file */
  sha256: string | null;
  /** Git blob id (SHA-1 of "blob <size>\0" + content) of a plain Git file, when given */
  gitOid: string | null;
}

export interface RepoRevision {
  repo: string;
  /** the revision asked for (branch, tag or commit) */
  revision: string;
  /** the commit it resolved to; every file is fetched at this commit */
  commit: string;
  files: Map<string, RemoteFile>;
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);

export async function listRepoFiles(hub: HubClient, repo: string, revision: string): Promise<RepoRevision> {
  const target = { repo, revision };
  const url = `${hub.apiUrl(repo, revision, "revision")}?blobs=true`;
  const { json: info } = await hub.getJson(url, target);
  const where = url;
  if (!isObject(info)) throw new Error(`${where}: expected a JSON object with "sha" and "siblings"`);
  const commit = typeof info.sha === "string" && /^[0-9a-f]{40}$/.test(info.sha) ? info.sha : null;
  if (!Array.isArray(info.siblings)) throw new Error(`${where}: field "siblings" must be a list of files`);
  const files = new Map<string, RemoteFile>();
  info.siblings.forEach((entry, i) => {
    if (!isObject(entry) || typeof entry.rfilename !== "string")
      throw new Error(`${where}: siblings[${i}] must be an object with a string "rfilename"`);
    const lfs = isObject(entry.lfs) ? entry.lfs : null;
    files.set(entry.rfilename, {
      path: entry.rfilename,
      size: sizeField(lfs?.size ?? entry.size, `${where}: siblings[${i}] (${entry.rfilename}) size`),
      sha256: lfs
        ? sha256Field(lfs.sha256 ?? lfs.oid, `${where}: siblings[${i}] (${entry.rfilename}) lfs.sha256`)
        : null,
      gitOid: !lfs && typeof entry.blobId === "string" ? entry.blobId : null,
    });
  });
  const resolved = commit ?? revision;
  if ([...files.values()].some((f) => f.size === null)) await addTreeMetadata(hub, repo, resolved, files);
  return { repo, revision, commit: resolved, files };
}

/** Fills sizes and hashes from the tree API (top-level entries, pages followed via Link). */
async function addTreeMetadata(hub: HubClient, repo: string, commit: string, files: Map<string, RemoteFile>) {
  let url: string | null = hub.apiUrl(repo, commit, "tree");
  while (url) {
    const { json: entries, headers } = await hub.getJson(url, { repo, revision: commit });
    const next = /<([^>]+)>;\s*rel="next"/.exec(String(headers.link ?? ""));
    if (!Array.isArray(entries)) throw new Error(`${url}: expected a JSON list of tree entries`);
    entries.forEach((entry, i) => {
      if (!isObject(entry) || entry.type !== "file" || typeof entry.path !== "string") return;
      const lfs = isObject(entry.lfs) ? entry.lfs : null;
      files.set(entry.path, {
        path: entry.path,
        size: sizeField(lfs?.size ?? entry.size, `${url}: entry ${i} (${entry.path}) size`),
        sha256: lfs ? sha256Field(lfs.oid ?? lfs.sha256, `${url}: entry ${i} (${entry.path}) lfs.oid`) : null,
        gitOid: !lfs && typeof entry.oid === "string" ? entry.oid : null,
      });
    });
    url = next ? new URL(next[1], url).toString() : null;
  }
}

function sizeField(value: unknown, what: string): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0)
    throw new Error(`${what} must be a non-negative integer, got ${JSON.stringify(value)}`);
  return value;
}

function sha256Field(value: unknown, what: string): string {
  const hex = typeof value === "string" ? value.replace(/^sha256:/, "").toLowerCase() : "";
  if (!/^[0-9a-f]{64}$/.test(hex))
    throw new Error(`${what} must be a SHA-256 in hex, got ${JSON.stringify(value)}`);
  return hex;
}
