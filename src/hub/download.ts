// `locedit download` as a library call: fetch from a Hugging Face–compatible hub just the files
// locedit reads (select-files.ts), every one at the commit the revision resolves to, into
// `<out>.partial/` (kept on failure, so a second run resumes), then rename that folder to `<out>`
// in one step. An existing `<out>` is never touched.
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { isErrnoError } from "../io/fs-errors.js";
import { renameNoReplace } from "../io/rename.js";
import { join, resolve } from "node:path";
import { writeFileAtomic } from "../io/atomic.js";
import { HubClient, type HubOptions } from "./client.js";
import { fetchFile } from "./fetch-file.js";
import { listRepoFiles, type RemoteFile } from "./repo-files.js";
import { selectFiles, shardsOfIndex } from "./select-files.js";

export interface DownloadProgress {
  file: string;
  fileBytes: number;
  fileSize: number | null;
  /** bytes on disk over every file of the plan */
  doneBytes: number;
  totalBytes: number;
  fileIndex: number;
  fileCount: number;
}

export interface DownloadOptions extends HubOptions {
  /** branch, tag or commit (default "main") */
  revision?: string;
  retries?: number;
  retryDelayMs?: number;
  onProgress?: (progress: DownloadProgress) => void;
  /** lines for the user: retries, restarts, warnings */
  onNote?: (message: string) => void;
}

export interface DownloadResult {
  dir: string;
  repo: string;
  revision: string;
  commit: string;
  files: RemoteFile[];
  bytes: number;
}

const MARKER = ".locedit-download.json";

export async function downloadModel(
  repo: string,
  outDir: string,
  options: DownloadOptions = {},
): Promise<DownloadResult> {
  HubClient.checkRepoId(repo);
  const revision = options.revision ?? "main";
  if (existsSync(outDir))
    throw new Error(
      `${outDir}: already exists; locedit download never overwrites a folder (choose another --out)`,
    );
  const hub = new HubClient(options);
  const listing = await listRepoFiles(hub, repo, revision);
  const where = `${repo}@${revision}`;
  const selection = selectFiles(new Set(listing.files.keys()), where);
  selection.warnings.forEach((w) => options.onNote?.(w));
  const staging = prepareStaging(`${resolve(outDir)}.partial`, repo, listing.commit, options.onNote);
  const remote = (path: string): RemoteFile => {
    const file = listing.files.get(path);
    if (!file) throw new Error(`${where}: file ${path} is not in the repository`);
    return file;
  };
  const fetchOptions = (file: RemoteFile) => ({
    hub,
    repo,
    commit: listing.commit,
    file,
    dir: staging,
    retries: options.retries,
    retryDelayMs: options.retryDelayMs,
    onNote: options.onNote,
  });
  // The index comes first: its weight_map says which shards make up the plan.
  let weights: string[];
  if ("single" in selection.weights) weights = [selection.weights.single];
  else {
    const index = selection.weights.index;
    await fetchFile(fetchOptions(remote(index)));
    const shards = shardsOfIndex(readFileSync(join(staging, index), "utf8"), `${where}: ${index}`);
    weights = [index, ...shards];
  }
  const plan = [...selection.small, ...weights].map(remote);
  const totalBytes = plan.reduce((sum, f) => sum + (f.size ?? 0), 0);
  let doneBefore = 0;
  for (const [fileIndex, file] of plan.entries()) {
    const report = (fileBytes: number) =>
      options.onProgress?.({
        file: file.path,
        fileBytes,
        fileSize: file.size,
        doneBytes: doneBefore + fileBytes,
        totalBytes,
        fileIndex,
        fileCount: plan.length,
      });
    report(0);
    await fetchFile({ ...fetchOptions(file), onBytes: report });
    doneBefore += file.size ?? 0;
  }
  rmSync(join(staging, MARKER));
  try {
    renameNoReplace(staging, outDir); // atomic and exclusive: never replaces a folder that appeared meanwhile
  } catch (error) {
    if (isErrnoError(error) && (error.code === "EEXIST" || error.code === "ENOTEMPTY"))
      throw new Error(`${outDir}: appeared while downloading; the files are in ${staging}`, { cause: error });
    throw error;
  }
  return { dir: outDir, repo, revision, commit: listing.commit, files: plan, bytes: totalBytes };
}

/**
 * The staging folder, with a marker naming the repo and commit. A folder left by an earlier run
 * of the same download is resumed; one for another commit is cleared; one without the marker is
 * not ours and is refused.
 */
function prepareStaging(staging: string, repo: string, commit: string, onNote?: (m: string) => void): string {
  const marker = join(staging, MARKER);
  if (existsSync(staging)) {
    let previous: { repo?: string; commit?: string } | null;
    try {
      previous = JSON.parse(readFileSync(marker, "utf8"));
    } catch {
      throw new Error(
        `${staging}: exists but was not left by locedit download (no readable ${MARKER}); remove it first`,
      );
    }
    if (previous?.repo === repo && previous?.commit === commit) {
      onNote?.(`resuming the download in ${staging}`);
      return staging;
    }
    onNote?.(`${staging} holds ${previous?.repo}@${previous?.commit}, not ${repo}@${commit}: starting over`);
    rmSync(staging, { recursive: true, force: true });
  }
  mkdirSync(staging, { recursive: true });
  writeFileAtomic(marker, JSON.stringify({ repo, commit }) + "\n");
  return staging;
}
