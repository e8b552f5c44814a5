#!/usr/bin/env node
// The `locedit` command: dispatches to one file per subcommand; errors print one clear line.
import { fsError } from "../io/fs-errors.js";
import { UsageError } from "./args.js";
import { demoCommand } from "./commands/demo.js";
import { diagnoseCommand } from "./commands/diagnose.js";
import { downloadCommand } from "./commands/download.js";
import { editCommand } from "./commands/edit.js";
import { evalCommand } from "./commands/eval.js";
import { experimentCommand } from "./commands/experiment.js";
import { generateCommand } from "./commands/generate.js";
import { inspectCommand } from "./commands/inspect.js";
import { logprobCommand } from "./commands/logprob.js";
import { reportCommand } from "./commands/report.js";
import { statsCommand } from "./commands/stats.js";
import { trainCommand } from "./commands/train.js";
import { traceCommand } from "./commands/trace.js";
import { worldCommand } from "./commands/world.js";

const COMMANDS: Record<string, { run: (argv: string[]) => Promise<void>; about: string }> = {
  demo: { run: demoCommand, about: "MEMIT and MEMIT+BLUE on the bundled model: edits, examples, scores" },
  generate: { run: generateCommand, about: "continue a prompt (greedy or seeded top-k)" },
  logprob: { run: logprobCommand, about: "log-probability of a target continuation" },
  inspect: { run: inspectCommand, about: "architecture, sizes and dtypes of a model folder" },
  download: {
    run: downloadCommand,
    about: "fetch a model (config, tokenizer, safetensors) from the Hugging Face hub",
  },
  edit: {
    run: editCommand,
    about: "edit facts with ROME, MEMIT, PMET or AlphaEdit (+BLUE); writes a new model folder",
  },
  eval: { run: evalCommand, about: "CounterFact metrics: efficacy, generalisation, specificity, score" },
  experiment: {
    run: experimentCommand,
    about: "the paper's protocol: sequential batches, probes, every metric, a resumable RUN/ folder",
  },
  report: { run: reportCommand, about: "experiment runs side by side: one HTML page (and Markdown tables)" },
  train: { run: trainCommand, about: "train a small model from scratch on the fact world or a text file" },
  world: {
    run: worldCommand,
    about: "write a fact model's eval/ folder (world, texts, records) from a spec",
  },
  diagnose: {
    run: diagnoseCommand,
    about:
      "why BLUE works: contribution scores, δ alignment, single-layer edits, weight shift error, hidden shift",
  },
  trace: {
    run: traceCommand,
    about: "causal tracing: where a fact is recalled (heatmaps), average effects, suggested critical layers",
  },
  stats: { run: statsCommand, about: "covariance statistics C0 = E[k kᵀ] of layers over a corpus (cached)" },
};

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(10)} ${c.about}`);
  return `usage: locedit <command> [options]\n\ncommands:\n${lines.join("\n")}\n\nlocedit <command> --help for its options`;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h") {
    console.log(usage());
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(`locedit: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  try {
    await command.run(rest);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`locedit ${name}: ${error.message}`);
      return 2;
    }
    // Raw errno errors ("ENOSPC: no space left on device, write") become path + cause.
    console.error(`locedit ${name}: error: ${fsError(error).message}`);
    if (process.env.LOCEDIT_DEBUG) console.error((error as Error).stack);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
