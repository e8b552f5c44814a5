// Published default hyperparameters of each method, used for fields a file leaves out and for
// derived defaults. Each method's values are its reference's GPT2-XL file (PMET: the only model
// its own repository ships, GPT-J), under the reference field names:
//   rome      kmeng01/rome hparams/ROME/gpt2-xl.json; context templates from ROME's rome_main
//   memit     kmeng01/memit hparams/MEMIT/gpt2-xl.json (as copied into jianghoucheng/AlphaEdit)
//   pmet      xpq-tech/PMET edit/hparams/PMET/EleutherAI_gpt-j-6B.json
//   alphaedit jianghoucheng/AlphaEdit hparams/AlphaEdit/gpt2-xl.json
// Fields a method does not read keep the value of the method that does, so every record is complete.
import type { EditHparams, EditMethod } from "./types.js";

/** Every field except the model-specific ones (`layers`, `v_loss_layer`). */
export type MethodDefaults = Omit<EditHparams, "layers" | "v_loss_layer">;

/** MEMIT's compute_z context templates: 5 prefixes of 10 tokens (`[(10, 5)]` in memit_main). */
const MEMIT_CONTEXT_TEMPLATES: [number, number][] = [[10, 5]];
/** ROME's: 10 prefixes of 5 tokens and 10 of 10 tokens (`[[5, 10], [10, 10]]`). */
const ROME_CONTEXT_TEMPLATES: [number, number][] = [
  [5, 10],
  [10, 10],
];

const MEMIT_GPT2_XL: MethodDefaults = {
  blue: false,
  fact_token: "subject_last",
  v_num_grad_steps: 20,
  v_lr: 0.5,
  v_weight_decay: 0.5,
  clamp_norm_factor: 0.75,
  kl_factor: 0.0625,
  mom2_adjustment: true,
  mom2_update_weight: 20000,
  mom2_n_samples: 100000,
  mom2_dtype: "float32",
  context_template_length_params: MEMIT_CONTEXT_TEMPLATES,
  nullspace_threshold: 2e-2,
  L2: 10,
  nll_loss_factor: 1,
};

const DEFAULTS: Record<EditMethod, MethodDefaults> = {
  rome: {
    ...MEMIT_GPT2_XL,
    clamp_norm_factor: 4,
    context_template_length_params: ROME_CONTEXT_TEMPLATES,
  },
  memit: MEMIT_GPT2_XL,
  pmet: {
    ...MEMIT_GPT2_XL,
    v_num_grad_steps: 30,
    v_lr: 0.2,
    kl_factor: 1,
    mom2_update_weight: 6000,
    nll_loss_factor: 1,
  },
  alphaedit: MEMIT_GPT2_XL,
};

/** A fresh copy of the method's published defaults (arrays are not shared between calls). */
export function methodDefaults(method: EditMethod): MethodDefaults {
  const defaults = DEFAULTS[method];
  return {
    ...defaults,
    context_template_length_params: defaults.context_template_length_params.map(
      ([tokens, count]) => [tokens, count] as [number, number],
    ),
  };
}

/** Where each method's defaults come from (for messages and the derivation record). */
export const DEFAULTS_SOURCE: Record<EditMethod, string> = {
  rome: "ROME's published GPT2-XL value (kmeng01/rome hparams/ROME/gpt2-xl.json)",
  memit: "MEMIT's published GPT2-XL value (kmeng01/memit hparams/MEMIT/gpt2-xl.json)",
  pmet: "PMET's published GPT-J value (xpq-tech/PMET edit/hparams/PMET/EleutherAI_gpt-j-6B.json)",
  alphaedit: "AlphaEdit's published GPT2-XL value (jianghoucheng/AlphaEdit hparams/AlphaEdit/gpt2-xl.json)",
};

/**
 * Fields of the reference files that locedit accepts and ignores: module path templates (locedit's
 * models expose a typed edit surface instead), names and locations the reference used for
 * bookkeeping, and the statistics corpus name (locedit's corpus is chosen by the caller).
 * `layer_selection` and `edit_layer` are accepted only with the value that changes nothing.
 */
export const INFORMATIONAL_FIELDS: readonly string[] = [
  "model_name",
  "alg_name",
  "layer_selection",
  "rewrite_module_tmp",
  "rewrite_module_tmps",
  "layer_module_tmp",
  "mlp_module_tmp",
  "attn_module_tmp",
  "ln_f_module",
  "lm_head_module",
  "mom2_dataset",
  "stats_dir",
  "device",
  "model_parallel",
  "P_loc",
  "edit_layer",
  "_comment",
];

/** Which methods read a field that not every method reads. */
const READ_BY: Partial<Record<keyof MethodDefaults, EditMethod[]>> = {
  mom2_update_weight: ["memit", "pmet"],
  nullspace_threshold: ["alphaedit"],
  L2: ["alphaedit"],
  nll_loss_factor: ["pmet"],
};

/** Why a field left out of a file (or derived) has its default value, for logs. */
export function defaultReason(method: EditMethod, field: string): string {
  const readers = READ_BY[field as keyof MethodDefaults];
  if (readers !== undefined && !readers.includes(method))
    return `not used by ${method} (default kept from ${readers.join("/")})`;
  if (field === "context_template_length_params")
    return method === "rome"
      ? "ROME's context templates [[5, 10], [10, 10]] (kmeng01/rome rome_main.py)"
      : "MEMIT's context templates [(10, 5)] (kmeng01/memit memit_main.py get_context_templates)";
  return DEFAULTS_SOURCE[method];
}
