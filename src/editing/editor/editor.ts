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
import { savedDtype, saveModel, type SaveOptions, type SaveReport } from "../../models/save.js";
import { loadTokenizer } from "../../tokenizers/load-tokenizer.js";
import type { Tokenizer } from "../../tokenizers/tokenizer.js";
import { WeightSnapshot, type WeightUpdate } from "../apply-deltas.js";
import { computeKeysAt } from "../compute-ks.js";
import { resolveHparams } from "../hparams/resolve.js";
import type { KeyStats, KeyStatsSource } from "../hparams/derive.js";
import type { EditHparams, EditMethod, ResolvedHparams } from "../hparams/types.js";
import { METHODS } from "../methods/index.js";
import { AlphaEditState } from "../methods/alphaedit/state.js";
import {
  checkVariant,
  KeyHistory,
  largestSingularValue,
  rectifyDelta,
  restrainSingularValues,
  variantDeltas,
  type EditVariant,
} from "../methods/variants/index.js";
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
  type CriticalLayersChoice,
  type EditLog,
  type EditLogFile,
} from "./edit-log.js";
import { EditedWeights, type AccumulatedDelta } from "./edited-weights.js";
import { CARRIED_FOLDERS, checkSaveTarget, EDIT_LOG_FILE } from "./save-target.js";
import { EditNotTakenError, isZeroUpdate, judgeOutcomes, notTakenSummary, scoreRequests } from "./outcome.js";
import { LayerStatistics, type StatisticsSource } from "./statistics.js";
import { measureRoundingLoss, type RoundingLoss } from "./rounding.js";
import { describeMemoryEstimate, estimateEditMemory } from "./memory-estimate.js";
import { oversizedUpdateWarnings } from "./update-size.js";
import { describeStatsPlan, type StatsMemoryPlan } from "../../stats/memory-plan.js";

/** A request as EditRequest (camelCase), the flat snake_case form, or a CounterFact record. */
export type EditRequestInput = EditRequest | Record<string, unknown>;

export const LOCEDIT_VERSION = "0.1.0";

export interface EditProgress {
  /** "memory": before the first batch computes anything, `detail` says what the edit will need */
  stage: "load" | "statistics" | "templates" | "z" | "layer" | "apply" | "score" | "memory";
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
  /** critical layers replacing the hyperparameters' (BLUE then updates their first and last); recorded in the log */
  layers?: CriticalLayersChoice;
  /** where C0 comes from (see LayerStatistics); or give `covariance` directly */
  stats?: StatisticsSource;
  /** C0 of a layer (float64 d_ff²), e.g. for a model built in memory */
  covariance?: (layer: number) => Float64Array;
  /** a sequential variant of MEMIT or PMET: seq (key history in the solve), rect, prune */
  variant?: EditVariant;
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

export interface EditorSaveOptions extends Pick<
  SaveOptions,
  "dtype" | "maxShardBytes" | "unchangedFiles" | "onNotice"
> {
  /**
   * Replace `outDir` if it exists — only a folder an earlier save wrote, holding nothing else; never
   * the folder the model was loaded from. Default false: an existing `outDir` is an error.
   */
  overwrite?: boolean;
}

/** What `Editor.save` did: how the files were written, and what rounding to a 16-bit dtype kept of the edit. */
export interface EditorSaveResult {
  files: SaveReport;
  /** null when every edited weight was written in float32 */
  rounding: RoundingLoss | null;
}

/**
 * Everything an Editor carries from batch to batch, to continue a sequence in another process
 * (`exportState` / `importState`): with the same model folder and options, the next batch gives
 * the same weights as if the sequence had never stopped.
 */
export interface EditorState {
  resolved: ResolvedHparams;
  contextTemplates: string[][];
  history: EditLog[];
  /** ΣΔW per edited weight (the model carries W₀ + f(ΣΔW)) */
  deltas: Map<string, AccumulatedDelta>;
  /** Σ K Kᵀ of the earlier batches per layer: AlphaEdit's cache_c or the seq variant's key history */
  keyGrams: Map<number, Float64Array>;
  /** AlphaEdit's null-space projectors computed so far (recomputed from C0 when absent) */
  projectors: Map<number, Float64Array>;
}

export class Editor {
  readonly snapshot: WeightSnapshot;
  /** ΣΔW of every batch since loading (or restore); the model carries W₀ + f(ΣΔW) */
  private readonly weights: EditedWeights;
  /** the seq variant's Σ K_p K_pᵀ (null otherwise) */
  private readonly keyHistory: KeyHistory | null;
  /** PRUNE: the largest singular value of each original weight */
  private readonly sigmaMax = new Map<string, number>();
  readonly history: EditLog[] = [];
  /** every request applied since the model was loaded or restored */
  private readonly applied: EditRequest[] = [];
  /** how the last save stored the edited weights (edit-log.json's `saved`) */
  private saved: EditLogFile["saved"];
  /** whether the memory estimate was reported (once, before the first batch) */
  private memoryEstimated = false;
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
    const variant = checkVariant(preview.method, options.variant);
    this.weights = new EditedWeights(
      model,
      this.snapshot,
      variant === "prune"
        ? (name, w0, sum) => restrainSingularValues(sum, this.largestOf(name, w0))
        : undefined,
    );
    this.keyHistory = variant === "seq" ? new KeyHistory() : null;
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

  get variant(): EditVariant | undefined {
    return this.options.variant;
  }

  /** The critical layers given in the options (`--layers`), with how they were chosen; undefined otherwise. */
  get criticalLayers(): CriticalLayersChoice | undefined {
    return this.options.layers;
  }

  /** The layers whose weights this method changes: all critical layers, or BLUE's two boundary layers. */
  get updatedLayers(): number[] {
    return updatedLayersOf(this.method, this.hparams);
  }

  /**
   * Loads (or computes) the statistics of the updated layers and samples the context templates from
   * the model as it is, before any edit (the first `edit` does it otherwise).
   */
  async prepare(): Promise<void> {
    await this.ensureStatistics(this.updatedLayers);
    this.contextTemplates();
  }

  /** Loads or computes the layers' statistics; the first time, reports the memory the edit will take. */
  private async ensureStatistics(layers: readonly number[]): Promise<void> {
    const progress = this.options.onProgress;
    const estimate = (plan: StatsMemoryPlan | null) => {
      if (this.memoryEstimated) return;
      this.memoryEstimated = true;
      const detail = [
        plan ? describeStatsPlan(plan) : null,
        describeMemoryEstimate(this.model, estimateEditMemory(this.model, layers, plan)),
      ];
      progress?.({ stage: "memory", detail: detail.filter((d) => d !== null).join("\n") });
    };
    if (this.statistics)
      await this.statistics.ensure(
        layers,
        (p) => progress?.({ stage: "statistics", step: p.done, total: p.total, layer: p.layer }),
        estimate,
      );
    estimate(null);
  }

  /** Edits one batch on the current model (earlier batches stay applied) and returns its log. */
  async edit(input: readonly EditRequestInput[]): Promise<EditLog> {
    const started = performance.now();
    const source = `batch ${this.history.length + 1}`;
    const requests = parseRequests(input, source);
    checkBatch(requests, source);
    const layers = this.updatedLayers;
    const progress = this.options.onProgress;
    await this.ensureStatistics(layers);
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
    const keyGrams = this.keyGramSource();
    // the d_ff² matrix of the last layer's solve, handed to the next one (same d_ff) instead of
    // leaving it for the collector: at Llama3-8B size each is 1.6 GB
    let solveBuffer: Float64Array | undefined;
    const result = variantDeltas(this.method, this.variant)(
      {
        model: this.model,
        hparams: this.hparams,
        covariance: (layer) => this.covariance(layer),
        ...(this.options.covariance
          ? {}
          : {
              covarianceToOverwrite: (layer: number, into?: Float64Array) => {
                const d = this.statistics!.of(layer).dim;
                const reuse = into ?? (solveBuffer?.length === d * d ? solveBuffer : undefined);
                return (solveBuffer = this.statistics!.covarianceToOverwrite(layer, reuse));
              },
            }),
        ...(this.alphaEdit ? { projector: (layer: number) => this.alphaEdit!.projector(layer) } : {}),
        ...(keyGrams ? { cachedKeyGram: keyGrams } : {}),
        onProgress: (e) => progress?.({ ...e, stage: e.stage === "z" ? "z" : "layer" }),
      },
      prepared,
    );
    const applyStart = performance.now();
    const norms = new Map(result.updates.map((u) => [u.weight, frobenius(this.model.weight(u.weight))]));
    progress?.({ stage: "apply" });
    const updates = this.variant === "rect" ? result.updates.map((u) => this.rectified(u)) : result.updates;
    // to undo only this batch (strict): the sums it changes, as they were
    const beforeBatch = this.options.strict ? this.weights.mark(updates.map((u) => u.weight)) : null;
    this.weights.add(updates);
    const applySeconds = (performance.now() - applyStart) / 1000;
    const deltas = deltaRecords({ ...result, updates }, norms).map((d) => ({
      ...d,
      shift_norm: this.weights.shiftNorm(d.weight),
    }));
    const afterStart = performance.now();
    progress?.({ stage: "score" });
    const outcomes = judgeOutcomes(
      scoresBefore,
      scoreRequests(this.model, this.tokenizer, requests),
      isZeroUpdate(deltas),
    );
    scoreSeconds += (performance.now() - afterStart) / 1000;
    const batch = this.history.length + 1;
    if (beforeBatch && outcomes.some((o) => !o.took)) {
      this.weights.revert(beforeBatch);
      throw new EditNotTakenError(
        `${notTakenSummary(batch, requests, outcomes)}; the batch was undone (strict)`,
        outcomes,
      );
    }
    this.alphaEdit?.absorb(result);
    this.keyHistory?.add(result.keyGramUpdates);
    const warnings = oversizedUpdateWarnings(this.method, deltas);
    const log: EditLog = {
      locedit_version: LOCEDIT_VERSION,
      method: this.method,
      blue: result.blue,
      ...(this.variant ? { variant: this.variant } : {}),
      batch,
      hparams: this.hparams,
      hparams_source: this.resolved.source,
      ...(this.resolved.derivation ? { hparams_derivation: this.resolved.derivation } : {}),
      context_templates: templates,
      layers: [...new Set(result.updates.map((u) => u.layer))],
      deltas,
      requests: requestRecords(requests, result, outcomes),
      not_taken: requests.flatMap((r, i) => (outcomes[i].took ? [] : [r.id ?? i])),
      ...(warnings.length > 0 ? { warnings } : {}),
      timings_s: {
        statistics: statsSeconds,
        ...result.timings,
        apply: applySeconds,
        score: scoreSeconds,
        total: (performance.now() - started) / 1000,
      },
    };
    this.history.push(log);
    this.applied.push(...requests);
    return log;
  }

  /** Puts back the original weights bit for bit and forgets the batches (AlphaEdit's cache_c too). */
  restore(): void {
    this.snapshot.restore();
    this.weights.clear();
    this.keyHistory?.clear();
    this.alphaEdit?.reset();
    this.history.length = 0;
    this.applied.length = 0;
    this.saved = undefined;
  }

  /**
   * Writes the edited model as a new Hugging Face folder (atomically) with edit-log.json and the
   * model's own hparams/ beside it, in `dtype` (default: the checkpoint's own). Refuses the folder
   * the model came from and, without `overwrite`, any existing folder (save-target.ts). When an
   * edited weight is written in F16/BF16, first measures what rounding keeps of the edit
   * (rounding.ts) and records it in the log's `saved`.
   */
  save(outDir: string, options: EditorSaveOptions = {}): EditorSaveResult {
    checkSaveTarget(outDir, this.modelDir, options.overwrite === true);
    const hfConfig = JSON.parse(readFileSync(join(this.modelDir, "config.json"), "utf8")) as Record<
      string,
      unknown
    >;
    const dtypeOf = (name: string) => savedDtype(this.model, name, options.dtype);
    const rounding = measureRoundingLoss(this.model, this.tokenizer, this.applied, this.snapshot, dtypeOf);
    this.saved = { dtype: options.dtype ?? "checkpoint", rounding };
    const log = this.editLog();
    const files = saveModel(this.model, outDir, {
      ...options,
      copyFilesFrom: this.modelDir,
      copyFolders: CARRIED_FOLDERS,
      hfConfig,
      extraFiles: { [EDIT_LOG_FILE]: JSON.stringify(log, null, 2) + "\n" },
    });
    return { files, rounding };
  }

  /** Everything edited since the last restore: what `save` writes as edit-log.json. */
  editLog(): EditLogFile {
    return {
      locedit_version: LOCEDIT_VERSION,
      model: this.modelDir,
      method: this.method,
      blue: this.hparams.blue && this.method !== "rome",
      ...(this.variant ? { variant: this.variant } : {}),
      hparams: this.hparams,
      hparams_source: this.resolved.source,
      ...(this.resolved.derivation ? { hparams_derivation: this.resolved.derivation } : {}),
      ...(this.resolved.warnings ? { hparams_warnings: this.resolved.warnings } : {}),
      ...(this.options.layers ? { critical_layers: this.options.layers } : {}),
      requests: this.history.reduce((n, b) => n + b.requests.length, 0),
      batches: this.history,
      ...(this.statistics ? { statistics: this.statistics.used().map(statisticsRecord) } : {}),
      ...(this.earlierEdits.length > 0 ? { earlier_edits: this.earlierEdits } : {}),
      ...(this.saved ? { saved: this.saved } : {}),
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

  /** The state to continue this sequence elsewhere (arrays are the Editor's own: copy before changing). */
  exportState(): EditorState {
    return {
      resolved: this.resolved,
      contextTemplates: this.contextTemplates(),
      history: [...this.history],
      deltas: new Map(this.weights.entries()),
      keyGrams: new Map(this.alphaEdit?.keyGramEntries() ?? this.keyHistory?.entries() ?? []),
      projectors: new Map(this.alphaEdit?.projectorEntries() ?? []),
    };
  }

  /**
   * Continues a sequence saved by `exportState` on a freshly loaded model (same folder, method,
   * variant and options): the hyperparameters, templates, edit history, ΣΔW (so W = W₀ + f(ΣΔW)),
   * the key Grams and AlphaEdit's projectors are restored.
   */
  importState(state: EditorState): void {
    if (this.history.length > 0 || this.weights.entries().length > 0)
      throw new Error("Editor.importState: this Editor has edited already; import into a fresh one");
    if (state.resolved.method !== this.method)
      throw new Error(
        `Editor.importState: the state is of ${state.resolved.method}, this Editor edits with ${this.method}`,
      );
    this.resolution = state.resolved;
    this.templates = state.contextTemplates;
    this.history.push(...state.history);
    this.weights.load(state.deltas);
    for (const [layer, gram] of state.keyGrams) {
      if (this.alphaEdit) this.alphaEdit.restoreKeyGram(layer, gram);
      else if (this.keyHistory) this.keyHistory.set(layer, gram);
      else throw new Error(`Editor.importState: key Grams given, but ${this.method} keeps none`);
    }
    for (const [layer, p] of state.projectors) this.alphaEdit?.restoreProjector(layer, p);
  }

  /** Where this batch's solve reads Σ K_p K_pᵀ: AlphaEdit's cache_c or the seq key history. */
  private keyGramSource(): ((layer: number) => Float64Array) | null {
    if (this.alphaEdit) return (layer) => this.alphaEdit!.cachedKeyGram(layer);
    if (this.keyHistory)
      return (layer) => this.keyHistory!.gram(layer, Math.round(Math.sqrt(this.covariance(layer).length)));
    return null;
  }

  /** RECT: the update with all but its top 40 % entries (by |ΔW| / |W + ε|) zeroed, W as it is now. */
  private rectified(u: WeightUpdate): WeightUpdate {
    const w = { data: this.model.param(u.weight), shape: [u.rows, u.cols] };
    return { ...u, delta: rectifyDelta({ data: u.delta, shape: [u.rows, u.cols] }, w).data };
  }

  /** PRUNE's σ_max: the largest singular value of the original weight, computed once. */
  private largestOf(name: string, original: { data: Float32Array; shape: number[] }): number {
    let sigma = this.sigmaMax.get(name);
    if (sigma === undefined) {
      sigma = largestSingularValue(original);
      this.sigmaMax.set(name, sigma);
    }
    return sigma;
  }

  private covariance(layer: number): Float64Array {
    return this.options.covariance ? this.options.covariance(layer) : this.statistics!.covariance(layer);
  }

  /**
   * Key statistics of the first batch for derived λ (deriveHparams' rule): mean‖k‖² of its keys
   * against tr C0, at each layer the hyperparameters update (keys of all layers in one pass).
   */
  private firstBatchKeyStats(prepared: readonly PreparedRequest[]): (h: EditHparams) => KeyStatsSource {
    return (h) => {
      const stats = new Map<number, KeyStats>();
      for (const [layer, keys] of computeKeysAt(this.model, prepared, updatedLayersOf(this.method, h))) {
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
  const callerFields = typeof options.hparams === "object" ? options.hparams : {};
  const overrides = options.layers ? { ...callerFields, layers: options.layers.layers } : callerFields;
  const resolved = resolveHparams({
    method: options.method,
    blue: options.blue,
    hparamsFile: typeof options.hparams === "string" ? options.hparams : undefined,
    overrides: Object.keys(overrides).length > 0 ? overrides : undefined,
    overridesSource: options.layers
      ? `Editor options.hparams with the critical layers from ${options.layers.source}`
      : "Editor options.hparams",
    modelDir,
    config: model.config,
    keyStatsFor,
  });
  // the critical layers (options.layers) are recorded with where they came from
  if (options.layers) resolved.derivation = { ...resolved.derivation, layers: options.layers.source };
  const last = model.numLayers - 1;
  if (resolved.hparams.v_loss_layer !== last)
    throw new Error(
      `${resolved.source}: field "v_loss_layer" = ${resolved.hparams.v_loss_layer}: locedit's compute_z reads the ` +
        `prediction at the model's last layer (${last}), as every reference file does`,
    );
  return resolved;
}
