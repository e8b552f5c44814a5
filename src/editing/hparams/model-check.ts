// Checks a validated hyperparameter record against the model it will edit: critical layers and
// the compute_z loss layer (v_loss_layer, the last layer in every reference file of kmeng01/rome,
// kmeng01/memit, xpq-tech/PMET, jianghoucheng/AlphaEdit) must exist in the model, and no edited
// layer may lie beyond the loss layer. Errors name the field; soft issues come back as warnings.
import type { ModelConfig } from "../../models/config.js";
import type { EditHparams } from "./types.js";

/**
 * Throws (naming `source` and the field) when `h` cannot apply to a model of `config`'s shape;
 * returns warnings for choices that are valid but unlike the references.
 */
export function checkHparamsAgainstModel(h: EditHparams, config: ModelConfig, source = "hparams"): string[] {
  const n = config.numLayers;
  const last = n - 1;
  const problems: string[] = [];
  const warnings: string[] = [];
  const outside = h.layers.filter((layer) => layer > last);
  if (outside.length > 0)
    problems.push(
      `field "layers" = ${JSON.stringify(h.layers)}: layer ${outside.join(", ")} is beyond the model's ` +
        `${n} layers (0–${last})`,
    );
  if (h.v_loss_layer > last)
    problems.push(
      `field "v_loss_layer" = ${h.v_loss_layer} is beyond the model's ${n} layers; the references use ` +
        `the last layer, ${last}`,
    );
  else if (h.v_loss_layer !== last)
    warnings.push(
      `${source}: field "v_loss_layer" = ${h.v_loss_layer}, not the model's last layer ${last}: ` +
        `compute_z will read the prediction from an intermediate layer`,
    );
  const beyondLoss = h.layers.filter((layer) => layer > h.v_loss_layer && layer <= last);
  if (beyondLoss.length > 0)
    problems.push(
      `field "layers": layer ${beyondLoss.join(", ")} lies after "v_loss_layer" = ${h.v_loss_layer}, ` +
        `so a change there cannot reach the loss`,
    );
  // At the last layer, the subject token's residual feeds no later attention, so an edit read at
  // the subject cannot change the prediction at the positions after it.
  if (h.fact_token !== "last" && h.layers.includes(last) && last > 0)
    problems.push(
      `field "layers" includes the model's last layer ${last}: a change to the subject token's ` +
        `residual there cannot reach the later positions where the target is predicted`,
    );
  if (problems.length > 0) throw new Error(problems.map((problem) => `${source}: ${problem}`).join("\n"));
  return warnings;
}
