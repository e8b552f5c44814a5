// `locedit download REPO_ID --out DIR [--revision REV]`: fetch the files locedit reads from a
// Hugging Face–compatible hub ($HF_ENDPOINT, token from $HF_TOKEN) into a new folder, with a
// progress bar on a TTY (a plain line at most every 30 s otherwise), resume and hash checks.
import { parseArgs } from "node:util";
import { downloadModel } from "../../hub/download.js";
import { UsageError } from "../args.js";
import { progressBar } from "../progress.js";

const USAGE = `usage: locedit download REPO_ID --out DIR [--revision REV] [--json]

  REPO_ID      owner/name on the hub, e.g. Qwen/Qwen2.5-0.5B
  --out DIR    a folder that does not exist yet (partial data lives in DIR.partial until done)
  --revision   branch, tag or commit (default main)
  environment: HF_ENDPOINT (default https://huggingface.co), HF_TOKEN (private or gated repos)`;

const megabytes = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

export async function downloadCommand(argv: string[]): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        out: { type: "string" },
        revision: { type: "string" },
        json: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: true,
    });
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  if (values.help) return void console.log(USAGE);
  if (positionals.length !== 1)
    throw new UsageError(`expected one REPO_ID, got ${positionals.length}\n\n${USAGE}`);
  if (!values.out) throw new UsageError(`--out is required\n\n${USAGE}`);
  const bar = progressBar("download", {
    plainEveryMs: 30_000,
    format: (done, total) => `${megabytes(done)} / ${megabytes(total)}`,
  });
  const started = Date.now();
  const result = await downloadModel(positionals[0], values.out, {
    revision: values.revision,
    onProgress: (p) => bar.update(p.doneBytes, p.totalBytes, `[${p.fileIndex + 1}/${p.fileCount}] ${p.file}`),
    onNote: (message) => bar.note(message),
  });
  const seconds = (Date.now() - started) / 1000;
  bar.finish();
  if (values.json) {
    console.log(
      JSON.stringify({
        dir: result.dir,
        repo: result.repo,
        revision: result.revision,
        commit: result.commit,
        bytes: result.bytes,
        files: result.files.map((f) => ({ path: f.path, size: f.size, sha256: f.sha256 })),
      }),
    );
    return;
  }
  console.log(
    `${result.repo}@${result.revision} (commit ${result.commit}): ${result.files.length} files, ` +
      `${megabytes(result.bytes)} in ${seconds.toFixed(1)} s → ${result.dir}`,
  );
}
