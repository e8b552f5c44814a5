// A Hugging Face–compatible hub, as `huggingface_hub` sees it: an endpoint (HF_ENDPOINT, default
// https://huggingface.co), an optional bearer token (HF_TOKEN), the model API
// (`/api/models/{repo}/revision/{rev}`, `/api/models/{repo}/tree/{rev}`) and file downloads
// (`/{repo}/resolve/{rev}/{path}`). HTTP failures become one-line errors that say what to do.
// Node's built-in http/https: a body's 'data' events hand over every byte that arrived before a
// connection drops (fetch's stream discards its queue on error), so a resume starts exactly
// after what was written. Redirects (the hub sends LFS files to a CDN) are followed, and the
// Authorization header is dropped when a redirect leaves the hub's origin, as fetch does.
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";

export const DEFAULT_ENDPOINT = "https://huggingface.co";
const MAX_REDIRECTS = 10;
/** A connection that sends nothing for this long counts as dropped. */
const IDLE_TIMEOUT_MS = 60_000;

/** A successful answer: its status (200, 206), headers, final URL, and the body to read. */
export interface HubResponse {
  status: number;
  headers: IncomingHttpHeaders;
  url: string;
  body: IncomingMessage;
}

export interface HubOptions {
  /** base URL of the hub (default: $HF_ENDPOINT, else https://huggingface.co) */
  endpoint?: string;
  /** access token for private or gated repos (default: $HF_TOKEN) */
  token?: string | null;
}

/** An HTTP answer the download cannot use; `retryable` marks server-side hiccups (5xx, 429). */
export class HubError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
    readonly retryable = false,
  ) {
    super(message);
  }
}

/** `owner/name` (or a bare `name`), the characters the hub allows. */
const REPO_ID = /^(?:[A-Za-z0-9][\w.-]*\/)?[A-Za-z0-9][\w.-]*$/;

export class HubClient {
  readonly endpoint: string;
  readonly token: string | null;

  constructor(options: HubOptions = {}) {
    const endpoint = options.endpoint ?? process.env.HF_ENDPOINT ?? DEFAULT_ENDPOINT;
    let url: URL;
    try {
      url = new URL(endpoint);
    } catch {
      throw new Error(
        `HF_ENDPOINT ${JSON.stringify(endpoint)} is not a URL (expected e.g. ${DEFAULT_ENDPOINT})`,
      );
    }
    if (url.protocol !== "http:" && url.protocol !== "https:")
      throw new Error(`HF_ENDPOINT ${JSON.stringify(endpoint)} must be an http(s) URL`);
    this.endpoint = endpoint.replace(/\/+$/, "");
    const token = options.token === undefined ? process.env.HF_TOKEN : options.token;
    this.token = token ? token.trim() : null;
  }

  /** Throws naming the repo id when it is not `owner/name`. */
  static checkRepoId(repo: string): void {
    if (!REPO_ID.test(repo) || repo.includes(".."))
      throw new Error(
        `repository id ${JSON.stringify(repo)} is not of the form owner/name (e.g. Qwen/Qwen2.5-7B)`,
      );
  }

  apiUrl(repo: string, revision: string, kind: "revision" | "tree"): string {
    return `${this.endpoint}/api/models/${repo}/${kind}/${encodeURIComponent(revision)}`;
  }

  fileUrl(repo: string, revision: string, path: string): string {
    const quoted = path.split("/").map(encodeURIComponent).join("/");
    return `${this.endpoint}/${repo}/resolve/${encodeURIComponent(revision)}/${quoted}`;
  }

  /** GET `url` with the token; a non-2xx answer throws a HubError describing `what`. */
  async get(url: string, what: HubTarget, headers: Record<string, string> = {}): Promise<HubResponse> {
    let current = new URL(url);
    const origin = current.origin;
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      const all: Record<string, string> = { "user-agent": "locedit", ...headers };
      if (this.token && current.origin === origin) all.authorization = `Bearer ${this.token}`;
      const body = await send(current, all);
      const status = body.statusCode ?? 0;
      const location = body.headers.location;
      if (status >= 300 && status < 400 && location) {
        body.resume();
        current = new URL(location, current);
        continue;
      }
      if (status >= 200 && status < 300)
        return { status, headers: body.headers, url: current.toString(), body };
      body.resume();
      throw this.describeFailure(status, body.headers, current.toString(), what);
    }
    throw new HubError(`${url}: more than ${MAX_REDIRECTS} redirects`, null);
  }

  /** GET and parse a JSON answer (an API call); also returns the headers (pagination links). */
  async getJson(url: string, what: HubTarget): Promise<{ json: unknown; headers: IncomingHttpHeaders }> {
    const response = await this.get(url, what, { accept: "application/json" });
    const chunks: Buffer[] = [];
    for await (const chunk of response.body) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    try {
      return { json: JSON.parse(text), headers: response.headers };
    } catch (error) {
      throw new Error(`${url}: the hub's answer is not JSON (${(error as Error).message})`, { cause: error });
    }
  }

  private describeFailure(
    status: number,
    headers: IncomingHttpHeaders,
    url: string,
    what: HubTarget,
  ): HubError {
    const where = `${what.repo}@${what.revision}`;
    const subject = what.file ? `${where}: ${what.file}` : where;
    if (status === 401 || status === 403) {
      const hint = this.token
        ? `the hub refused HF_TOKEN: check that the token can read ${what.repo} (gated models also need their licence accepted on the hub page)`
        : `the repository is private or gated: set HF_TOKEN to an access token that can read it`;
      return new HubError(
        `${subject}: HTTP ${status} (${status === 401 ? "unauthorized" : "forbidden"}); ${hint}`,
        status,
      );
    }
    if (status === 404) {
      const code = headers["x-error-code"];
      if (what.file && code !== "RepoNotFound" && code !== "RevisionNotFound")
        return new HubError(
          `${subject}: HTTP 404, file ${what.file} not found in ${what.repo} at revision ${what.revision}`,
          status,
        );
      const which =
        code === "RevisionNotFound"
          ? `revision ${JSON.stringify(what.revision)} not found in ${what.repo} (check --revision)`
          : `repository ${what.repo} or revision ${JSON.stringify(what.revision)} not found at ${this.endpoint} (check the repo id and --revision; private repos also answer 404 without HF_TOKEN)`;
      return new HubError(`${subject}: HTTP 404, ${which}`, status);
    }
    const retryable = status === 429 || status >= 500;
    return new HubError(`${subject}: HTTP ${status} from ${url}`, status, retryable);
  }
}

/** What a request was for, named in its error. */
export interface HubTarget {
  repo: string;
  revision: string;
  file?: string;
}

/** One GET; resolves with the response once its headers arrive, or rejects on a network error. */
function send(url: URL, headers: Record<string, string>): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const request = (url.protocol === "https:" ? httpsRequest : httpRequest)(url, { headers }, resolve);
    request.setTimeout(IDLE_TIMEOUT_MS, () =>
      request.destroy(new Error(`no data for ${IDLE_TIMEOUT_MS / 1000} s`)),
    );
    request.on("error", reject);
    request.end();
  });
}
