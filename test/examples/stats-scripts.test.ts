// The shipped cluster examples for sharded statistics: examples/stats-slurm.sh passes `bash -n`
// and, run with a stand-in `sbatch` on PATH, submits an array of SHARDS tasks and a merge that
// depends on it; its tasks and merge, run as Slurm would run them (SLURM_ARRAY_TASK_ID set, then
// --merge) with the real CLI on the tiny fact model, produce the unsharded statistics file.
// examples/stats-k8s-job.yaml parses as YAML into an Indexed Job whose completions, --shard and
// merged shard list agree.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { parseAllDocuments } from "yaml";
import { repoRoot } from "../models/golden-helpers.js";
import { corpusText, FACTS_DIR, tempDir, writeCorpus } from "../stats/helpers.js";

const SLURM = join(repoRoot, "examples", "stats-slurm.sh");
const K8S = join(repoRoot, "examples", "stats-k8s-job.yaml");
const temp = tempDir("examples");
after(() => temp.remove());

function bash(args: string[], env: Record<string, string>) {
  const r = spawnSync("bash", args, { encoding: "utf8", env: { ...process.env, ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("examples/stats-slurm.sh", () => {
  it("is valid bash", () => {
    const r = bash(["-n", SLURM], {});
    assert.equal(r.code, 0, r.stderr);
  });

  it("submits an array of SHARDS tasks and a merge after it; tasks and merge give the unsharded file", () => {
    const bin = join(temp.dir, "bin");
    const log = join(temp.dir, "sbatch.log");
    spawnSync("mkdir", ["-p", bin]);
    // stand-ins: sbatch records its arguments and answers a job id; locedit is the built CLI
    writeFileSync(join(bin, "sbatch"), `#!/bin/sh\necho "$@" >> "${log}"\necho 4242\n`);
    writeFileSync(
      join(bin, "locedit"),
      `#!/bin/sh\nexec "${process.execPath}" "${join(repoRoot, "dist", "src", "cli", "main.js")}" "$@"\n`,
    );
    for (const f of ["sbatch", "locedit"]) chmodSync(join(bin, f), 0o755);
    const corpus = writeCorpus(temp.dir, "wiki.txt", corpusText(30, 4));
    const out = join(temp.dir, "stats");
    const env = {
      PATH: `${bin}:${process.env.PATH}`,
      MODEL: FACTS_DIR,
      CORPUS: corpus,
      SAMPLES: "24",
      LAYERS: "1",
      MAX_LEN: "32",
      SHARDS: "3",
      OUT: out,
      STATS_FLAGS: "--window-samples 4 --dtype float64",
    };
    const submit = bash([SLURM], env);
    assert.equal(submit.code, 0, submit.stderr);
    const calls = readFileSync(log, "utf8").trim().split("\n");
    assert.equal(calls.length, 2);
    assert.match(calls[0], /--array=0-2 .*stats-slurm\.sh$/);
    assert.match(calls[1], /--dependency=afterok:4242 .*stats-slurm\.sh --merge$/);
    for (const task of ["0", "1", "2"]) {
      const r = bash([SLURM], { ...env, SLURM_ARRAY_TASK_ID: task });
      assert.equal(r.code, 0, r.stderr);
    }
    const merge = bash([SLURM, "--merge"], env);
    assert.equal(merge.code, 0, merge.stderr);
    const whole = spawnSync(
      join(bin, "locedit"),
      [
        "stats",
        "--model",
        FACTS_DIR,
        "--layers",
        "1",
        "--corpus",
        corpus,
        "--samples",
        "24",
        "--max-len",
        "32",
        "--window-samples",
        "4",
        "--dtype",
        "float64",
        "--out",
        join(temp.dir, "whole"),
      ],
      { encoding: "utf8" },
    );
    assert.equal(whole.status, 0, whole.stderr);
    const names = (dir: string) =>
      readdirSync(dir, { recursive: true })
        .map(String)
        .filter((f) => f.endsWith(".safetensors"));
    assert.deepEqual(names(join(out, "merged")), names(join(temp.dir, "whole")));
    assert.ok(existsSync(join(out, "shard-2")));
  });
});

describe("examples/stats-k8s-job.yaml", () => {
  it("parses into an Indexed Job of N shards and a merge of the same N", () => {
    const docs = parseAllDocuments(readFileSync(K8S, "utf8"));
    for (const doc of docs) assert.deepEqual(doc.errors, [], `YAML errors: ${doc.errors.join("; ")}`);
    interface Container {
      args: string[];
      command: string[];
    }
    interface K8sObject {
      kind: string;
      metadata: { name: string };
      spec: {
        completionMode?: string;
        completions: number;
        template: { spec: { containers: Container[]; initContainers: Container[] } };
      };
    }
    const objects = docs.map((d) => d.toJS()) as K8sObject[];
    assert.deepEqual(
      objects.map((o) => o.kind),
      ["Job", "Job", "ServiceAccount", "Role", "RoleBinding"],
    );
    const [shards, merge] = objects;
    assert.equal(shards.spec.completionMode, "Indexed");
    const n = shards.spec.completions;
    const shardArgs: string = shards.spec.template.spec.containers[0].args.join(" ");
    assert.match(shardArgs, new RegExp(`--shard "\\$JOB_COMPLETION_INDEX/${n}"`));
    const mergeArgs: string = merge.spec.template.spec.containers[0].args.join(" ");
    const listed = mergeArgs.match(/\/data\/stats\/shard-\d+/g) ?? [];
    assert.deepEqual(
      listed,
      Array.from({ length: n }, (_, i) => `/data/stats/shard-${i}`),
    );
    assert.match(
      merge.spec.template.spec.initContainers[0].command.join(" "),
      new RegExp(`job/${shards.metadata.name}`),
    );
  });
});
