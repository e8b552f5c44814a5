// `locedit inspect`: what a model folder holds, read from config.json and the safetensors
// headers only (no weights are loaded).
import { openCheckpoint } from "../../io/checkpoint.js";
import { readModelConfig } from "../../models/hf-config.js";
import { architectureFor } from "../../models/architecture.js";
import { familyOf, headDimOf, kvHeadsOf } from "../../models/config.js";
import { sizeOf } from "../../models/param-spec.js";
import { parseOptions, requireString } from "../args.js";

const USAGE = `usage: locedit inspect --model DIR [--json]`;

export async function inspectCommand(argv: string[]): Promise<void> {
  const values = parseOptions(argv, { model: { type: "string" }, json: { type: "boolean" } }, USAGE);
  if (values.help) return void console.log(USAGE);
  const dir = requireString(values, "model", USAGE);
  const config = readModelConfig(dir);
  const checkpoint = openCheckpoint(dir);
  const dtypes = new Map<string, number>();
  let stored = 0;
  try {
    for (const name of checkpoint.names()) {
      const info = checkpoint.info(name);
      dtypes.set(info.dtype, (dtypes.get(info.dtype) ?? 0) + 1);
      stored += info.byteLength;
    }
  } finally {
    checkpoint.close();
  }
  const specs = architectureFor(config).specs.filter((s) => !s.tiedTo);
  const parameters = specs.reduce((n, s) => n + sizeOf(s.shape), 0);
  const report = {
    architecture: config.arch,
    family: familyOf(config),
    layers: config.numLayers,
    hidden_size: config.hiddenSize,
    intermediate_size: config.intermediateSize,
    heads: config.numHeads,
    kv_heads: kvHeadsOf(config),
    head_dim: headDimOf(config),
    vocab_size: config.vocabSize,
    max_positions: config.maxPositions,
    sliding_window: config.arch === "llama" ? config.slidingWindow : null,
    tied_embeddings: config.tieWordEmbeddings,
    parameters,
    dtypes: Object.fromEntries(dtypes),
    checkpoint_bytes: stored,
    float32_bytes: parameters * 4,
    files: checkpoint.files.length,
  };
  if (values.json) return void console.log(JSON.stringify(report));
  const rows: [string, string][] = [
    ["architecture", report.family === config.arch ? config.arch : `${config.arch} block (${report.family})`],
    ["layers", String(report.layers)],
    ["hidden size", String(report.hidden_size)],
    ["MLP size", String(report.intermediate_size)],
    ["heads (kv)", `${report.heads} (${report.kv_heads}), head dim ${report.head_dim}`],
    ["vocabulary", String(report.vocab_size)],
    [
      "max positions",
      String(report.max_positions) +
        (report.sliding_window === null
          ? ""
          : `; sliding window ${report.sliding_window} (longer input refused)`),
    ],
    ["tied embeddings", String(report.tied_embeddings)],
    ["parameters", `${parameters.toLocaleString("en-US")} (${(parameters / 1e6).toFixed(2)} M)`],
    ["stored dtype", [...dtypes].map(([d, n]) => `${d} ×${n}`).join(", ")],
    [
      "checkpoint",
      `${(stored / 1e6).toFixed(1)} MB in ${report.files} file(s); ${((parameters * 4) / 1e6).toFixed(1)} MB as float32`,
    ],
  ];
  for (const [k, v] of rows) console.log(`${k.padEnd(16)} ${v}`);
}
