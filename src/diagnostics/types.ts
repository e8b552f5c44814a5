// diagnose.json, the contract of `locedit diagnose` (keys documented in the README): one key per
// analysis of the BLUE paper (Li et al., arXiv 2502.03748, §3), each with per-layer arrays aligned
// with its `layers` (the critical layers l₁ … L). Means and standard deviations are over records.
import type { EditHparams } from "../editing/hparams/types.js";
import type { DiagnosedMethod } from "./context.js";

/** Mean and (population) standard deviation over records, one entry per layer. */
export interface LayerStats {
  mean: number[];
  std: number[];
}

export interface ScalarStats {
  mean: number;
  std: number;
}

/** (a) mean p(target_new) over the context templates with δ added at block l's output. */
export interface ContributionReport {
  layers: number[];
  /** the factor on δ^L at each layer: 1/(L−i) (MEMIT, AlphaEdit) or 1/√(L−i) (PMET), L−i layers to go */
  share: number[];
  /** no δ (the unedited model) */
  none: ScalarStats;
  /** δ^L·share added at layer l */
  distributed: LayerStats;
  /** δ^l, from compute_z at layer l, added at layer l */
  computed: LayerStats;
  /** the same minus `none`: the contribution score of the paper's figure */
  distributed_gain: LayerStats;
  computed_gain: LayerStats;
}

/** (b) how the δ each layer asks for compares with the last layer's. */
export interface DeltaAlignmentReport {
  layers: number[];
  /** cos(δ^L·share, δ^l) */
  cos: LayerStats;
  /** ‖δ^l − δ^L‖ */
  distance: LayerStats;
  /** ‖δ^l − δ^L·share‖: what distributing leaves out */
  distributed_distance: LayerStats;
  /** ‖δ^l‖ */
  norm: LayerStats;
}

export interface SingleLayerScores {
  /** CounterFact efficacy and generalisation (percent) after updating only that layer */
  efficacy: number[];
  generalization: (number | null)[];
  /** ‖ΔW‖_F of the update */
  update_norm: number[];
}

/** (c) only layer l updated, with the residual computed at l or the distributed one. */
export interface SingleLayerReport {
  layers: number[];
  unedited: { efficacy: number; generalization: number | null };
  computed: SingleLayerScores;
  distributed: SingleLayerScores;
}

/**
 * The weight shift error E^l = ΔW̃^l − ΔW*^l of one batch per layer — ΔW̃ from the distributed
 * residual R^L·share, ΔW* from the layer's own R^l = Z^l − H^l, both through the layer's solve
 * ΔW = R·Q — beside the terms of the bound ‖E^l‖_F ≤ (‖R^l − R^L‖_F + (L − l)‖R^L‖_F)·‖Q‖₂.
 */
export interface ShiftTerms {
  batch_size: number;
  /** ‖E^l‖_F */
  error_norm: number[];
  /** ‖E^l‖_F / ‖ΔW*^l‖_F (null when ΔW* = 0 ≠ E) */
  relative_error: (number | null)[];
  /** ‖ΔW̃^l‖_F, ‖ΔW*^l‖_F */
  distributed_norm: number[];
  own_norm: number[];
  /** ‖R^l − R^L‖_F */
  residual_gap: number[];
  /** (L − l)·‖R^L‖_F */
  distance_term: number[];
  /** ‖Q‖₂, the spectral norm of the solve's map from residuals to ΔW */
  q_norm: number[];
  /** (‖R^l − R^L‖_F + (L − l)‖R^L‖_F)·‖Q‖₂ */
  bound: number[];
  /** ‖R^L·share − R^l‖_F·‖Q‖₂, the tighter bound before the triangle inequality */
  tight_bound: number[];
}

/** (d) the weight shift error against distance, batch size and sequence length. */
export interface WeightShiftReport {
  layers: number[];
  /** L − l of each layer */
  distance: number[];
  /** every edited record in one batch */
  by_distance: ShiftTerms;
  /** the first b records as one batch, for each b */
  by_batch_size: { batch_sizes: number[]; terms: ShiftTerms[] };
  /**
   * Sequential editing with the distributed method in consecutive batches of `batch_size`: E^l of
   * each batch on the model edited by the batches before it; the cumulative error is ‖Σ_{s≤t} E^l_s‖_F.
   */
  by_sequence: {
    batch_size: number;
    batches: number;
    /** [t][layer] */
    step_error_norm: number[][];
    cumulative_error_norm: number[][];
    /** [t][layer]: the bound's terms at each step */
    residual_gap: number[][];
    distance_term: number[][];
    q_norm: number[][];
  };
}

export interface HiddenShift {
  /** ‖h_after − h_before‖ at the last critical layer, subject's last token */
  shift: ScalarStats;
  /** the same over ‖h_before‖ */
  relative_shift: ScalarStats;
}

/** (e) the hidden state at the last critical layer before vs after the sequential edit. */
export interface HiddenShiftReport {
  layer: number;
  /** records never edited (the analysis); edited ones for contrast */
  held_out: number;
  method: { unedited_records: HiddenShift; edited_records: HiddenShift };
  /** the same edit with BLUE; null for a one-layer window */
  blue: { unedited_records: HiddenShift; edited_records: HiddenShift } | null;
}

export interface DiagnoseReport {
  locedit_version: string;
  model: string;
  method: DiagnosedMethod;
  hparams: EditHparams;
  hparams_source: string;
  blue_hparams_source: string | null;
  /** critical layers l₁ … L */
  layers: number[];
  /** where δ and the residual live: the block output (MEMIT, AlphaEdit) or the MLP output (PMET) */
  residual_site: "block" | "mlp";
  records: number;
  case_ids: number[];
  held_out_case_ids: number[];
  contribution: ContributionReport;
  delta_alignment: DeltaAlignmentReport;
  single_layer: SingleLayerReport;
  weight_shift: WeightShiftReport;
  hidden_shift: HiddenShiftReport;
  /** wall seconds per analysis (setup, compute_z, contribution, delta_alignment, single_layer, weight_shift, weight_shift_sequence, hidden_shift, total) */
  timings_s: Record<string, number>;
  /** process CPU seconds (all threads) per analysis, the same keys */
  cpu_s: Record<string, number>;
}
