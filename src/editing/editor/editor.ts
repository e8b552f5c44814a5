// Sequential batch editing (ARCHITECTURE.md §4; the Python toolkits' `apply_<method>_to_model` in a
// loop): an Editor holds the model and everything that spans batches — the statistics, the sampled
// context templates, AlphaEdit's projectors and accumulated K Kᵀ (cache_c), the original weights —
// edits batch after batch on the same model, and restores the original weights bit for bit.
//   const editor = await Editor.fromPretrained(dir, { method: "memit", blue: true, stats: { dir: "stats" } });
//   const log = await editor.edit([{ prompt: "{} was born in", subject: "Ada", targetNew: " Paris" }]);
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { CausalLM } from "../../models/causal-lm.js";
import { loadModel } from "../../models/load.js";
import { saveModel, type SaveOptions } from "../../models/save.js";
import { loadTokenizer } from "../../tokenizers/load-tokenizer.js";
import type { Tokenizer } from "../../tokenizers/tokenizer.js";
import { applyDeltas, WeightSnapshot } from "../apply-deltas.js";
import { computeKeys } from "../compute-ks.js";
import { resolveHparams } from "../hparams/resolve.js";
import type { KeyStats, KeyStatsSource } from "../hparams/derive.js";
import type { EditHparams, EditMethod, ResolvedHparams } from "../hparams/types.js";
import { METHODS } from "../methods/index.js";
import { AlphaEditState } from "../methods/alphaedit/state.js";
import { boundaryLayers } from "../methods/blue/boundary-update.js";
import { sampleContextTemplates } from "../prepare/context-templates.js";
import { checkPrepared, type PreparedRequest } from "../prepare/prepared-request.js";
import { prepareRequests } from "../prepare/prepare-requests.js";
import { checkBatch, parseRequests } from "../requests/index.js";
import type { EditRequest } from "../requests/types.js";
import {
  deltaRecords,
  frobenius,
  readEarlierEdits,
  requestRecords,
  type EditLog,
  type EditLogFile,
} from "./edit-log.js";
import { CARRIED_FOLDERS, checkSaveTarget, EDIT_LOG_FILE } from "./save-target.js";
import { EditNotTakenError, isZeroUpdate, judgeOutcomes, notTakenSummary, scoreRequests } from "./outcome.js";
import { LayerStatistics, type StatisticsSource } from "./statistics.js";

/** A request as EditRequest (camelCase), the flat snake_case form, or a CounterFact record. */
export type EditRequestInput = EditRequest | Record<string, unknown>;

export const LOCEDIT_VERSION = "0.1.0";

export interface EditProgress {
  stage: "load" | "statistics" | "templates" | "z" | "layer" | "apply" | "score";
  layer?: number;
  step?: number;
  total?: number;
  detail?: string;
}

export interface EditorOptions {
  method: EditMethod;
  /** BLUE (MEMIT, PMET, AlphaEdit); default: the hyperparameter file's value, or off */
  blue?: boolean;
  /** a hyperparameter file, or fields overriding the resolved ones */
  hparams?: string | Partial<EditHparams>;
  /** where C0 comes from (see LayerStatistics); or give `covariance` directly */
  stats?: StatisticsSource;
  /** C0 of a layer (float64 d_ff²), e.g. for a model built in memory */
  covariance?: (layer: number) => Float64Array;
  /** seed of the context-template sampling (default 0) */
  seed?: number;
  /** context templates to use instead of sampling them (first group ["{}"]) */
  contextTemplates?: string[][];
  onProgress?: (event: EditProgress) => void;
  /** hears what the Editor decided or cleaned up on its own (samples used, stale files removed) */
  onNotice?: (message: string) => void;
  /**
   * A request that did not take (outcome.ts) makes `edit` undo its batch and throw an
   * EditNotTakenError; by default the verdicts are only recorded (log.requests[i].outcome).
   */
  strict?: boolean;
}

export interface EditorSaveOptions extends Pick<SaveOptions, "dtype" | "maxShardBytes" | "onNotice"> {
  /**
   * Replace `outDir` if it exists — only a folder an earlier save wrote, holding nothing else; never
   * the folder the model was loaded from. Default false: an existing `outDir` is an error.
   */
  overwrite?: boolean;
}

export class Editor {
  readonly snapshot: WeightSnapshot;
  readonly history: EditLog[] = [];
  private readonly statistics: LayerStatistics | null;
  private templates: string[][] | null;
  /** AlphaEdit's projectors and cache_c, carried across batches (null for the other methods) */
  private readonly alphaEdit: AlphaEditState | null;
  /**
   * The hyperparameters: resolved once, by one resolveHparams call — when the Editor is built if
   * they come from a file, at the first batch if they are derived (λ is scaled to that batch's keys).
   */
  private resolution: ResolvedHparams | null;
  /** the edit history of the folder the model came from (an edited model's edit-log.json) */
  private readonly earlierEdits: EditLogFile[];

  private constructor(
    readonly model: CausalLM,
    readonly tokenizer: Tokenizer,
    readonly modelDir: string,
    /** before a derived resolution: everything but the key-scaled values */
    private readonly preview: ResolvedHparams,
    private readonly options: EditorOptions,
  ) {
    this.resolution = needsFirstBatch(preview) ? null : preview;
    this.snapshot = new WeightSnapshot(model);
    this.earlierEdits = readEarlierEdits(modelDir);
    this.templates = options.contextTemplates ?? null;
    this.statistics = options.stats
      ? new LayerStatistics(model, tokenizer, modelDir, options.stats, options.onNotice)
      : null;
    this.alphaEdit =
      preview.method === "alphaedit"
        ? new AlphaEditState((layer) => this.covariance(layer), preview.hparams.nullspace_threshold)
        : null;
    if (!this.statistics && !options.covariance)
      throw new Error(
        "Editor: give `stats` (a statistics folder, and a corpus to compute missing ones) or `covariance`",
      );
  }

  /** Loads a Hugging Face folder and resolves the method's hyperparameters for it. */
  static async fromPretrained(dir: string, options: EditorOptions): Promise<Editor> {
    const model = loadModel(dir, {
      onProgress: (p) => options.onProgress?.({ stage: "load", step: p.loaded, total: p.total }),
    });
    const tokenizer = await loadTokenizer(dir);
    return Editor.fromModel(model, tokenizer, dir, options);
  }

  /** An Editor over a model already in memory (`modelDir` keys its statistics and hparams lookup). */
  static fromModel(model: CausalLM, tokenizer: Tokenizer, modelDir: string, options: EditorOptions): Editor {
    if (!(options.method in METHODS))
      throw new Error(
        `unknown editing method '${options.method}': expected one of ${Object.keys(METHODS).join(", ")}`,
      );
    return new Editor(model, tokenizer, modelDir, resolveFor(model, modelDir, options), options);
  }

  /**
   * The resolved hyperparameters and where each value came from. Derived ones are final after the
   * first batch; before it, their key-scaled values (λ, a small model's AlphaEdit L2) are the
   * published defaults.
   */
  get resolved(): ResolvedHparams {
    return this.resolution ?? this.preview;
  }

  get method(): EditMethod {
    return this.resolved.method;
  }

  get hparams(): EditHparams {
    return this.resolved.hparams;
  }

  /** The layers whose weights this method changes: all critical layers, or BLUE's two boundary layers. */
  get updatedLayers(): number[] {
    return updatedLayersOf(this.method, this.hparams);
  }

  /** Edits one batch on the current model (earlier batches stay applied) and returns its log. */
  async edit(input: readonly EditRequestInput[]): Promise<EditLog> {
    const started = performance.now();
    const source = `batch ${this.history.length + 1}`;
    const requests = parseRequests(input, source);
    checkBatch(requests, source);
    const layers = this.updatedLayers;
    const progress = this.options.onProgress;
    if (this.statistics)
      await this.statistics.ensure(layers, (p) =>
        progress?.({ stage: "statistics", step: p.done, total: p.total, layer: p.layer }),
      );
    const statsSeconds = (performance.now() - started) / 1000;
    const templates = this.contextTemplates();
    const prepared = prepareRequests(this.tokenizer, requests, templates, this.hparams.fact_token);
    prepared.forEach((p, i) => checkPrepared(p, i, this.model.config.vocabSize));
    this.resolution ??= resolveFor(
      this.model,
      this.modelDir,
      this.options,
      this.firstBatchKeyStats(prepared),
    );
    const scoreStart = performance.now();
    progress?.({ stage: "score" });
    const scoresBefore = scoreRequests(this.model, this.tokenizer, requests);
    let scoreSeconds = (performance.now() - scoreStart) / 1000;
    const result = METHODS[this.method](
      {
        model: this.model,
        hparams: this.hparams,
        covariance: (layer) => this.covariance(layer),
        ...(this.alphaEdit
          ? {
              projector: (layer: number) => this.alphaEdit!.projector(layer),
              cachedKeyGram: (layer: number) => this.alphaEdit!.cachedKeyGram(layer),
            }
          : {}),
        onProgress: (e) => progress?.({ ...e, stage: e.stage === "z" ? "z" : "layer" }),
      },
      prepared,
    );
    const applyStart = performance.now();
    const norms = new Map(result.updates.map((u) => [u.weight, frobenius(this.model.param(u.weight))]));
    progress?.({ stage: "apply" });
    const thisBatch = new WeightSnapshot(this.model); // to undo only this batch (strict)
    for (const u of result.updates) thisBatch.keep(u.weight);
    applyDeltas(this.model, result.updates, this.snapshot);
    const applySeconds = (performance.now() - applyStart) / 1000;
    const deltas = deltaRecords(result, norms);
    const afterStart = performance.now();
    progress?.({ stage: "score" });
    const outcomes = judgeOutcomes(
      scoresBefore,
      scoreRequests(this.model, this.tokenizer, requests),
      isZeroUpdate(deltas),
    );
    scoreSeconds += (performance.now() - afterStart) / 1000;
    const batch = this.history.length + 1;
    if (this.options.strict && outcomes.some((o) => !o.took)) {
      thisBatch.restore();
      throw new EditNotTakenError(
        `${notTakenSummary(batch, requests, outcomes)}; the batch was undone (strict)`,
        outcomes,
      );
    }
    this.alphaEdit?.absorb(result);
    const log: EditLog = {
      locedit_version: LOCEDIT_VERSION,
      method: this.method,
      blue: result.blue,
      batch,
      hparams: this.hparams,
      hparams_source: this.resolved.source,
      ...(this.resolved.derivation ? { hparams_derivation: this.resolved.derivation } : {}),
      context_templates: templates,
      layers: [...new Set(result.updates.map((u) => u.layer))],
      deltas,
      requests: requestRecords(requests, result, outcomes),
      not_taken: requests.flatMap((r, i) => (outcomes[i].took ? [] : [r.id ?? i])),
      timings_s: {
        statistics: statsSeconds,
        ...result.timings,
        apply: applySeconds,
        score: scoreSeconds,
        total: (performance.now() - started) / 1000,
      },
    };
    this.history.push(log);
    return log;
  }

  /** Puts back the original weights bit for bit and forgets the batches (AlphaEdit's cache_c too). */
  restore(): void {
    this.snapshot.restore();
    this.alphaEdit?.reset();
    this.history.length = 0;
  }

  /**
   * Writes the edited model as a new Hugging Face folder (atomically) with edit-log.json and the
   * model's own hparams/ beside it. Refuses the folder the model came from and, without
   * `overwrite`, any existing folder (save-target.ts).
   */
  save(outDir: string, options: EditorSaveOptions = {}): void {
    checkSaveTarget(outDir, this.modelDir, options.overwrite === true);
    const hfConfig = JSON.parse(readFileSync(join(this.modelDir, "config.json"), "utf8")) as Record<
      string,
      unknown
    >;
    saveModel(this.model, outDir, {
      ...options,
      copyFilesFrom: this.modelDir,
      copyFolders: CARRIED_FOLDERS,
      hfConfig,
      extraFiles: { [EDIT_LOG_FILE]: JSON.stringify(this.editLog(), null, 2) + "\n" },
    });
  }

  /** Everything edited since the last restore: what `save` writes as edit-log.json. */
  editLog(): EditLogFile {
    return {
      locedit_version: LOCEDIT_VERSION,
      model: this.modelDir,
      method: this.method,
      blue: this.hparams.blue && this.method !== "rome",
      hparams: this.hparams,
      hparams_source: this.resolved.source,
      ...(this.resolved.derivation ? { hparams_derivation: this.resolved.derivation } : {}),
      ...(this.resolved.warnings ? { hparams_warnings: this.resolved.warnings } : {}),
      requests: this.history.reduce((n, b) => n + b.requests.length, 0),
      batches: this.history,
      ...(this.statistics ? { statistics: this.statistics.used().map(statisticsRecord) } : {}),
      ...(this.earlierEdits.length > 0 ? { earlier_edits: this.earlierEdits } : {}),
    };
  }

  /** Context templates: given, or sampled once from the unedited model (MEMIT or ROME style). */
  contextTemplates(): string[][] {
    this.templates ??= sampleContextTemplates(this.model, this.tokenizer, {
      lengthParams: this.hparams.context_template_length_params,
      style: this.method === "rome" ? "rome" : "memit",
      seed: this.options.seed ?? 0,
    });
    return this.templates;
  }

  private covariance(layer: number): Float64Array {
    return this.options.covariance ? this.options.covariance(layer) : this.statistics!.covariance(layer);
  }

  /**
   * Key statistics of the first batch for derived λ (deriveHparams' rule): mean‖k‖² of its keys
   * against tr C0, at each layer the hyperparameters update.
   */
  private firstBatchKeyStats(prepared: readonly PreparedRequest[]): (h: EditHparams) => KeyStatsSource {
    return (h) => {
      const stats = new Map<number, KeyStats>();
      for (const layer of updatedLayersOf(this.method, h)) {
        const keys = computeKeys(this.model, prepared, layer);
        let sq = 0;
        for (let i = 0; i < keys.length; i++) sq += keys[i] * keys[i];
        const c = this.covariance(layer);
        const F = Math.round(Math.sqrt(c.length));
        let trace = 0;
        for (let i = 0; i < F; i++) trace += c[i * F + i];
        stats.set(layer, { meanKeyNormSq: sq / prepared.length, traceC: trace });
      }
      return stats;
    };
  }
}

function statisticsRecord(key: ReturnType<LayerStatistics["used"]>[number]) {
  const { layer, model, corpus, samples, maxLen, dtype } = key;
  return { layer, model, corpus, samples, max_len: maxLen, dtype };
}

/** The layers whose weights `method` changes: all critical layers, or BLUE's two boundary layers. */
function updatedLayersOf(method: EditMethod, h: EditHparams): number[] {
  return h.blue && method !== "rome" ? [...boundaryLayers(h.layers)] : [...h.layers];
}

/** Whether derived hyperparameters wait for the first batch's keys (λ, a small model's L2). */
function needsFirstBatch(resolved: ResolvedHparams): boolean {
  return resolved.source === "derived" && resolved.method !== "rome";
}

/** The Editor's one call of resolveHparams (file or derived, BLUE, options.hparams overrides). */
function resolveFor(
  model: CausalLM,
  modelDir: string,
  options: EditorOptions,
  keyStatsFor?: (h: EditHparams) => KeyStatsSource,
): ResolvedHparams {
  const resolved = resolveHparams({
    method: options.method,
    blue: options.blue,
    hparamsFile: typeof options.hparams === "string" ? options.hparams : undefined,
    overrides: typeof options.hparams === "object" ? options.hparams : undefined,
    overridesSource: "Editor options.hparams",
    modelDir,
    config: model.config,
    keyStatsFor,
  });
  const last = model.numLayers - 1;
  if (resolved.hparams.v_loss_layer !== last)
    throw new Error(
      `${resolved.source}: field "v_loss_layer" = ${resolved.hparams.v_loss_layer}: locedit's compute_z reads the ` +
        `prediction at the model's last layer (${last}), as every reference file does`,
    );
  return resolved;
}
