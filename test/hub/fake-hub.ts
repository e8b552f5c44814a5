// A Hugging Face–compatible hub on 127.0.0.1 for the download tests: the model API (revision
// with siblings, tree), `/{repo}/resolve/{rev}/{path}` with LFS files redirected to a blob URL
// that honours Range, and injected faults (a connection dropped mid-file, a wrong listed
// checksum, a private repo answering 401, a server that ignores Range). Nothing leaves the host.
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeRepo {
  repo: string;
  /** 40 hex digits; the revision "main" resolves to it */
  commit: string;
  files: Record<string, Uint8Array | string>;
  /** requests must carry `Authorization: Bearer <token>` */
  token?: string;
  /** files listed with a SHA-256 that does not match their content */
  wrongSha256?: string[];
  /** file → bytes sent before the connection drops, for the next `times` GETs of it */
  drops?: Record<string, { after: number; times: number }>;
  /** the revision API lists siblings without sizes (the client must use the tree API) */
  noBlobs?: boolean;
  /** file answered with 200 and the whole body even when a Range is asked */
  ignoreRange?: string[];
  /** file listed in the repo whose resolve URL answers 404 */
  missing?: string[];
}

export interface RecordedRequest {
  path: string;
  range: string | null;
  authorization: string | null;
  /** body bytes sent (for file requests) */
  sent: number;
}

const isLfs = (path: string) => path.endsWith(".safetensors") || path.endsWith(".bin");
const bytesOf = (content: Uint8Array | string) =>
  typeof content === "string" ? new TextEncoder().encode(content) : content;
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
const gitOid = (bytes: Uint8Array) =>
  createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");

export class FakeHub {
  readonly requests: RecordedRequest[] = [];
  private server: Server | null = null;
  private readonly repos = new Map<string, FakeRepo>();

  constructor(repos: FakeRepo[]) {
    for (const r of repos) this.repos.set(r.repo, r);
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Requests for file `name` (resolve or blob URLs). */
  fileRequests(name: string): RecordedRequest[] {
    return this.requests.filter((r) => r.path.endsWith(`/${name}`) || r.path.endsWith(`?file=${name}`));
  }

  /** The SHA-256 of a file's content, and the one the listing gives (differs for wrongSha256 files). */
  trueSha256(repo: string, path: string): string {
    return sha256(bytesOf(this.repos.get(repo)!.files[path]));
  }

  listedSha256(repo: string, path: string): string {
    const r = this.repos.get(repo)!;
    return r.wrongSha256?.includes(path)
      ? sha256(new TextEncoder().encode("other"))
      : this.trueSha256(repo, path);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? "/", "http://x");
    const record: RecordedRequest = {
      path: url.pathname + url.search,
      range: req.headers.range ?? null,
      authorization: req.headers.authorization ?? null,
      sent: 0,
    };
    this.requests.push(record);
    const api = /^\/api\/models\/([^/]+\/[^/]+)\/(revision|tree)\/([^/]+)$/.exec(url.pathname);
    const resolve = /^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(url.pathname);
    const blob = /^\/blobs\/([^/]+\/[^/]+)\/([0-9a-f]{64})$/.exec(url.pathname);
    const repoName = decodeURIComponent((api ?? resolve ?? blob)?.[1] ?? "");
    const repo = this.repos.get(repoName);
    if (!repo) return fail(res, 404, "RepoNotFound");
    if (repo.token && req.headers.authorization !== `Bearer ${repo.token}`) return fail(res, 401, null);
    if (blob) {
      const name = url.searchParams.get("file") ?? "";
      return this.sendFile(repo, name, req, res, record);
    }
    const revision = decodeURIComponent((api ?? resolve)?.[api ? 3 : 2] ?? "");
    if (revision !== "main" && revision !== repo.commit) return fail(res, 404, "RevisionNotFound");
    if (api) return this.sendListing(repo, api[2] as "revision" | "tree", res);
    if (!resolve) return fail(res, 404, null);
    const path = decodeURIComponent(resolve[3]);
    if (!(path in repo.files) || repo.missing?.includes(path)) return fail(res, 404, "EntryNotFound");
    if (isLfs(path)) {
      res.writeHead(302, {
        location: `/blobs/${repo.repo}/${sha256(bytesOf(repo.files[path]))}?file=${path}`,
      });
      return void res.end();
    }
    this.sendFile(repo, path, req, res, record);
  }

  private sendListing(repo: FakeRepo, kind: "revision" | "tree", res: ServerResponse): void {
    const entries = Object.entries(repo.files).map(([path, content]) => {
      const bytes = bytesOf(content);
      const listed = this.listedSha256(repo.repo, path);
      return {
        path,
        size: bytes.length,
        lfs: isLfs(path) ? { sha: listed, size: bytes.length } : null,
        oid: gitOid(bytes),
      };
    });
    const body =
      kind === "tree"
        ? entries.map((e) => ({
            type: "file",
            path: e.path,
            size: e.size,
            oid: e.oid,
            ...(e.lfs ? { lfs: { oid: e.lfs.sha, size: e.lfs.size, pointerSize: 134 } } : {}),
          }))
        : {
            id: repo.repo,
            sha: repo.commit,
            siblings: entries.map((e) =>
              repo.noBlobs
                ? { rfilename: e.path }
                : {
                    rfilename: e.path,
                    size: e.size,
                    blobId: e.oid,
                    ...(e.lfs ? { lfs: { sha256: e.lfs.sha, size: e.lfs.size, pointerSize: 134 } } : {}),
                  },
            ),
          };
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  }

  private sendFile(
    repo: FakeRepo,
    path: string,
    req: IncomingMessage,
    res: ServerResponse,
    record: RecordedRequest,
  ) {
    const bytes = bytesOf(repo.files[path]);
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? "");
    let start = 0;
    if (range && !repo.ignoreRange?.includes(path)) {
      start = Number(range[1]);
      if (start >= bytes.length) return fail(res, 416, null);
      res.writeHead(206, {
        "content-length": bytes.length - start,
        "content-range": `bytes ${start}-${bytes.length - 1}/${bytes.length}`,
      });
    } else res.writeHead(200, { "content-length": bytes.length });
    const body = bytes.subarray(start);
    const drop = repo.drops?.[path];
    if (drop && drop.times > 0) {
      drop.times--;
      const part = body.subarray(0, drop.after);
      record.sent = part.length;
      res.write(part, () => res.socket?.destroy());
      return;
    }
    record.sent = body.length;
    res.end(body);
  }
}

function fail(res: ServerResponse, status: number, code: string | null): void {
  res.writeHead(status, { "content-type": "application/json", ...(code ? { "x-error-code": code } : {}) });
  res.end(JSON.stringify({ error: code ?? `HTTP ${status}` }));
}

/** `length` pseudo-random bytes (seeded), standing in for a safetensors shard. */
export function pseudoRandomBytes(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}
