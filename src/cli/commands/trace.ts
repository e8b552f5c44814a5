// `locedit trace`: causal tracing (Meng et al. 2022). One prompt: layers × positions heatmaps per
// kind (trace.json, trace.html, trace-<kind>.svg). Records: the average indirect effect per layer
// at the subject's last token and at the last token, and the suggested critical layers.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { readRequestsFile } from "../../editing/requests/index.js";
import { writeFileAtomic } from "../../io/atomic.js";
import {
  factTraceJson,
  pickCriticalWindow,
  recordsTraceJson,
  renderFactTrace,
  renderRecordsTrace,
  suggestionFromTrace,
  traceFact,
  traceRecords,
  TRACE_KINDS,
  type FactTrace,
  type LayerSuggestion,
  type RecordsTrace,
  type TraceKind,
  type TraceOptions,
} from "../../trace/index.js";
import { criticalWindow } from "../../editing/hparams/derive.js";
import { optionalInt, parseOptions, requireString, UsageError } from "../args.js";
import { loadModelAndTokenizer } from "../load.js";
import { progressBar } from "../progress.js";

const USAGE = `usage: locedit trace --model DIR --prompt TEXT --subject TEXT [--target TEXT] [--out DIR] [options] [--json]
       locedit trace --model DIR --records FILE [--count N] [--critical N] --out DIR [options] [--json]

  --noise S        noise std on the subject's embeddings: a number, or a multiple of their std σ as "3x"
                   (default 3x, as the reference)
  --samples N      corrupted runs per restoration (default 10)
  --window W       MLP / attention layers restored together around each layer (default: about a fifth
                   of the depth, at most 10; block restores one layer)
  --kind K         block, mlp or attn (repeatable; default all three)
  --seed S         seed of the noise (default 1)
  --records FILE   CounterFact records or edit requests: the average indirect effect over them
  --count N        trace the first N records (default 100)
  --critical N     length of the suggested critical window (default: the derived default, e.g. 5)
  --out DIR        write trace.json, trace.html (and trace-<kind>.svg for one prompt)
  --json           print trace.json`;

/** --noise: an absolute std, or "<factor>x" for a multiple of the subjects' embedding std. */
function parseNoise(value: unknown): Pick<TraceOptions, "noise" | "noiseFactor"> {
  if (value === undefined) return {};
  const text = String(value).trim();
  const factor = /^(.+)x$/i.exec(text);
  const n = Number(factor ? factor[1] : text);
  if (text.length === 0 || !Number.isFinite(n) || n < 0)
    throw new UsageError(
      `--noise must be a number ≥ 0 or a multiple of σ like "3x", got ${JSON.stringify(value)}`,
    );
  return factor ? { noiseFactor: n } : { noise: n };
}

function parseKinds(value: unknown): TraceKind[] | undefined {
  if (value === undefined) return undefined;
  const kinds = (value as string[]).flatMap((v) => v.split(","));
  for (const k of kinds)
    if (!TRACE_KINDS.includes(k as TraceKind))
      throw new UsageError(`--kind must be one of ${TRACE_KINDS.join(", ")}, got '${k}'`);
  return [...new Set(kinds)] as TraceKind[];
}

function fmt(p: number): string {
  return p.toFixed(3).padStart(7);
}

function printFact(trace: FactTrace): void {
  console.log(
    `answer ${JSON.stringify(trace.answer.text)}: p = ${trace.cleanProbability.toFixed(4)} clean, ` +
      `${trace.corruptedProbability.toFixed(4)} corrupted (noise std ${trace.noise.std.toPrecision(3)}, ${trace.samples} samples)`,
  );
  for (const k of trace.kinds) {
    console.log(`\n${k.kind} (window ${k.window}): p(answer) with layer l restored at each token`);
    console.log(`${"".padEnd(18)}${k.scores[0].map((_, l) => String(l).padStart(7)).join("")}`);
    k.scores.forEach((row, t) => {
      const star = t >= trace.subjectRange[0] && t < trace.subjectRange[1] ? "*" : " ";
      console.log(
        `${(JSON.stringify(trace.tokens[t]) + star).padEnd(18).slice(0, 18)}${row.map(fmt).join("")}`,
      );
    });
  }
}

function printRecords(trace: RecordsTrace, suggestion: LayerSuggestion | undefined): void {
  console.log(
    `${trace.records.length} records: mean p(answer) ${trace.cleanProbability.mean.toFixed(4)} clean, ` +
      `${trace.corruptedProbability.mean.toFixed(4)} corrupted (noise std ${trace.noise.std.toPrecision(3)})`,
  );
  console.log(`\naverage indirect effect per layer${"".padEnd(4)}`);
  const L = trace.kinds[0].subjectLast.mean.length;
  console.log(`${"".padEnd(26)}${Array.from({ length: L }, (_, l) => String(l).padStart(7)).join("")}`);
  for (const k of trace.kinds) {
    console.log(`${`${k.kind} @ subject's last`.padEnd(26)}${k.subjectLast.mean.map(fmt).join("")}`);
    console.log(`${`${k.kind} @ last token`.padEnd(26)}${k.lastToken.mean.map(fmt).join("")}`);
  }
  if (suggestion)
    console.log(
      `\nsuggested critical layers: [${suggestion.layers.join(", ")}] (highest mean MLP effect at the subject's ` +
        `last token, ${suggestion.meanEffect.toFixed(4)}); BLUE's boundary layers: ${suggestion.boundary.join(" and ")}`,
    );
}

function writeOut(out: string, files: Record<string, string>): void {
  mkdirSync(out, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileAtomic(join(out, name), text);
}

export async function traceCommand(argv: string[]): Promise<void> {
  const values = parseOptions(
    argv,
    {
      model: { type: "string" },
      prompt: { type: "string" },
      subject: { type: "string" },
      target: { type: "string" },
      records: { type: "string" },
      count: { type: "string" },
      critical: { type: "string" },
      noise: { type: "string" },
      samples: { type: "string" },
      window: { type: "string" },
      kind: { type: "string", multiple: true },
      seed: { type: "string" },
      out: { type: "string" },
      json: { type: "boolean" },
    },
    USAGE,
  );
  if (values.help) return void console.log(USAGE);
  const modelDir = requireString(values, "model", USAGE);
  const recordsFile = values.records as string | undefined;
  if (recordsFile === undefined && values.prompt === undefined)
    throw new UsageError(`give --prompt and --subject, or --records\n\n${USAGE}`);
  if (recordsFile !== undefined && (values.prompt !== undefined || values.subject !== undefined))
    throw new UsageError("--records traces the records' own prompts: leave out --prompt and --subject");
  const options: TraceOptions = {
    ...parseNoise(values.noise),
    samples: optionalInt(values, "samples", 10, 1),
    ...(values.window === undefined ? {} : { window: optionalInt(values, "window", 1, 1) }),
    ...(values.kind === undefined ? {} : { kinds: parseKinds(values.kind) }),
    seed: optionalInt(values, "seed", 1),
  };
  const out = values.out as string | undefined;
  if (recordsFile !== undefined && out === undefined)
    throw new UsageError(`--records needs --out DIR\n\n${USAGE}`);
  const requests = recordsFile === undefined ? [] : readRequestsFile(recordsFile);
  const { model, tokenizer } = await loadModelAndTokenizer(modelDir);
  if (options.window !== undefined && options.window > model.numLayers)
    throw new UsageError(
      `--window ${options.window} is larger than the model, which has ${model.numLayers} layers`,
    );
  const bar = progressBar("tracing", { plainEveryMs: 30_000 });
  options.onProgress = (p) => bar.update(p.done, p.total, p.stage);
  if (recordsFile === undefined) {
    const prompt = requireString(values, "prompt", USAGE);
    const subject = requireString(values, "subject", USAGE);
    const trace = traceFact(
      model,
      tokenizer,
      { prompt, subject },
      {
        ...options,
        ...(values.target === undefined ? {} : { target: values.target as string }),
      },
    );
    bar.finish();
    const json = factTraceJson(trace, modelDir);
    if (out !== undefined) {
      const { html, svgs } = await renderFactTrace(trace);
      writeOut(out, {
        "trace.json": JSON.stringify(json, null, 2) + "\n",
        "trace.html": html,
        ...Object.fromEntries([...svgs].map(([kind, svg]) => [`trace-${kind}.svg`, svg])),
      });
    }
    if (values.json) console.log(JSON.stringify(json, null, 2));
    else printFact(trace);
    return;
  }
  const count = Math.min(requests.length, optionalInt(values, "count", 100, 1));
  const facts = requests.slice(0, count).map((r) => ({ prompt: r.prompt, subject: r.subject }));
  const critical = optionalInt(values, "critical", criticalWindow(model.numLayers).length, 1);
  if (values.critical !== undefined) pickCriticalWindow(new Array<number>(model.numLayers).fill(0), critical);
  const trace = traceRecords(model, tokenizer, facts, options);
  bar.finish();
  const suggestion = suggestionFromTrace(trace, critical);
  const json = recordsTraceJson(trace, modelDir, suggestion);
  writeOut(out!, {
    "trace.json": JSON.stringify(json, null, 2) + "\n",
    "trace.html": await renderRecordsTrace(trace, suggestion),
  });
  if (values.json) console.log(JSON.stringify(json, null, 2));
  else {
    printRecords(trace, suggestion);
    console.log(`wrote ${join(out!, "trace.json")} and trace.html`);
  }
}
