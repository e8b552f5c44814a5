// Hyperparameters of the locate-then-edit methods, under the reference implementations' field
// names (kmeng01/rome, kmeng01/memit, xpq-tech/PMET, jianghoucheng/AlphaEdit) so a shipped file
// diffs cleanly against the published one; `blue` switches on BLUE (Li et al., arXiv 2502.03748):
// update only the first and last listed layers, each with its own undivided residual.

/** The editing methods locedit implements. */
export type EditMethod = "rome" | "memit" | "pmet" | "alphaedit";

export const EDIT_METHODS: readonly EditMethod[] = ["rome", "memit", "pmet", "alphaedit"];

/** Hyperparameters of one method on one model (validated by ./schema.ts). */
export interface EditHparams {
  /** critical layers, ascending; ROME takes exactly one */
  layers: number[];
  /** BLUE: only layers[0] and layers[last] are updated, each with its own z and residual (MEMIT, PMET, AlphaEdit) */
  blue: boolean;
  /** which token of the subject the key and δ are read at; the reference's default is the last */
  fact_token: "subject_last" | "subject_first" | "last";
  /** compute_z: Adam steps (the last iteration only measures, as in the reference) */
  v_num_grad_steps: number;
  /** compute_z: Adam learning rate */
  v_lr: number;
  /** compute_z: layer whose output feeds the loss (the reference uses the last layer) */
  v_loss_layer: number;
  /** compute_z: weight of ‖δ‖ / ‖h‖² in the loss (the reference's norm(δ) / norm(h)², not squared) */
  v_weight_decay: number;
  /** compute_z: after each step ‖δ‖ ≤ clamp_norm_factor · ‖h‖ */
  clamp_norm_factor: number;
  /** compute_z: weight of the KL term on "{subject} is a" */
  kl_factor: number;
  /** use the key covariance C0 (ROME: C⁻¹k; MEMIT/PMET: λ·C0 in the solve) */
  mom2_adjustment: boolean;
  /** λ, the weight of C0 against the new keys (MEMIT, PMET) */
  mom2_update_weight: number;
  /** how many corpus samples the statistics use */
  mom2_n_samples: number;
  /** dtype the statistics are accumulated and cached in */
  mom2_dtype: "float32" | "float64";
  /** context templates sampled from the model: [[tokens, count], ...] */
  context_template_length_params: [number, number][];
  /** AlphaEdit: eigenvalues of C0 below this span the preserved null space */
  nullspace_threshold: number;
  /** AlphaEdit: ridge weight of the solve */
  L2: number;
  /** PMET: weight of the NLL term (the reference's nll_loss_factor) */
  nll_loss_factor: number;
}

/** A method's hyperparameters plus where they came from (for the edit log). */
export interface ResolvedHparams {
  method: EditMethod;
  hparams: EditHparams;
  /** the file they were read from, or "derived" with the rules that chose each value */
  source: string;
  /** field → why this value: every field of derived defaults; for a file, the fields it left out and caller overrides */
  derivation?: Record<string, string>;
  /** valid but unusual choices against the model (e.g. v_loss_layer not the last layer) */
  warnings?: string[];
}
