#!/usr/bin/env bash
# How much corpus MEMIT's C0 = E[k kᵀ] needs (issue 11, "know when enough is enough"): statistics
# over the first N samples of the fact model's statistics corpus (≈ 1k, 10k, 100k tokens) against
# the whole corpus as the reference; the same 50 CounterFact edits with the same hyperparameters
# (λ fixed, so only C0 differs) on each; per run the token count, ‖ΔW_N − ΔW_ref‖ / ‖ΔW_ref‖ over the
# edited layers, the same on the reference's corpus keys (√(tr(Dᵀ C0 D)) ratio: how much the
# difference moves the layer's outputs on keys like the corpus's), efficacy / generalisation /
# specificity (`locedit eval`). Then where `--until-stable 0.01` stops.
# usage: scripts/stats-curve.sh [WORKDIR]   (after `npm run build`; ≈ 10 min on 2 cores at load ≈ 20)
set -euo pipefail
cd "$(dirname "$0")/.."
WORK=${1:-$(mktemp -d)}
MODEL=models/facts-8l
CORPUS=$MODEL/eval/corpus.txt
CLI="node dist/src/cli/main.js"
LAYERS=0,1,2
mkdir -p "$WORK"
node -e 'const fs=require("fs"); fs.writeFileSync(process.argv[2], JSON.stringify(JSON.parse(fs.readFileSync(process.argv[1],"utf8")).slice(0,50)))' \
  "$MODEL/eval/counterfact.json" "$WORK/requests.json"
# the derived defaults for this model, with λ (mom2_update_weight) fixed for every run
cat > "$WORK/hparams.json" <<'JSON'
{"fact_token":"subject_last","v_num_grad_steps":20,"v_lr":0.5,"v_weight_decay":0.5,"clamp_norm_factor":3,
 "kl_factor":0.0625,"mom2_adjustment":true,"mom2_update_weight":55.86,"mom2_n_samples":100000,"mom2_dtype":"float32",
 "context_template_length_params":[[10,5]],"layers":[0,1,2],"v_loss_layer":7}
JSON
ALL=$(node --input-type=module -e "import {countSamples} from './dist/src/stats/index.js'; console.log(countSamples(['$CORPUS']).reduce((a, b) => a + b, 0))")
for N in 48 480 4800 "$ALL"; do # each step skipped when its output exists (resumable)
  [ -f "$WORK/stats-$N.json" ] ||
    $CLI stats --model $MODEL --layers $LAYERS --corpus $CORPUS --samples "$N" --out "$WORK/stats" --json > "$WORK/stats-$N.json"
  [ -d "$WORK/edit-$N" ] ||
    $CLI edit --model $MODEL --method memit --hparams "$WORK/hparams.json" --requests "$WORK/requests.json" \
      --stats "$WORK/stats" --corpus $CORPUS --samples "$N" --out "$WORK/edit-$N" > /dev/null
  [ -f "$WORK/eval-$N.json" ] ||
    $CLI eval --model "$WORK/edit-$N" --records "$WORK/requests.json" --json > "$WORK/eval-$N.json"
done
[ -f "$WORK/stable.json" ] ||
  $CLI stats --model $MODEL --layers $LAYERS --corpus $CORPUS --samples "$ALL" --until-stable 0.01 \
    --out "$WORK/stable" --json > "$WORK/stable.json"
node --input-type=module - "$WORK" "$ALL" 48 480 4800 "$ALL" <<'JS'
import { readFileSync } from "node:fs";
import { loadModel } from "./dist/src/index.js";
import { readStatsFile, secondMoment } from "./dist/src/stats/index.js";
const [work, all, ...sizes] = process.argv.slice(2);
const json = (path) => JSON.parse(readFileSync(path, "utf8"));
const weights = (dir) => loadModel(dir).params;
const base = weights("models/facts-8l");
const layers = [0, 1, 2];
const names = layers.map((l) => `h.${l}.mlp.c_proj.weight`); // (F, C): y = k W
const delta = (dir) => { const p = weights(dir); return names.map((n) => Float64Array.from(p.get(n), (x, i) => x - base.get(n)[i])); };
// the reference C0 of each layer: E‖k D‖² = tr(Dᵀ C0 D) is how much D moves the outputs on corpus keys
const c0 = json(`${work}/stats-${all}.json`).layers.map((l) => secondMoment(readStatsFile(l.path)));
const C = base.get(names[0]).length / 1024;
function onKeys(D, Cov) {
  const F = Cov.length ** 0.5;
  let s = 0;
  for (let f = 0; f < F; f++)
    for (let g = 0; g < F; g++) {
      let dot = 0;
      for (let c = 0; c < C; c++) dot += D[f * C + c] * D[g * C + c];
      s += Cov[f * F + g] * dot;
    }
  return s;
}
const ref = delta(`${work}/edit-${all}`);
const sq = (a) => a.reduce((s, x) => s + x * x, 0);
console.log("| samples | tokens | ‖ΔW‖ per layer | ‖ΔW−ΔW_ref‖/‖ΔW_ref‖ | on corpus keys | efficacy | generalization | specificity |");
console.log("|---|---|---|---|---|---|---|---|");
for (const n of sizes) {
  const d = delta(`${work}/edit-${n}`);
  let num = 0, den = 0, wnum = 0, wden = 0;
  d.forEach((layer, l) => {
    const diff = layer.map((x, i) => x - ref[l][i]);
    num += sq(diff); den += sq(ref[l]);
    wnum += onKeys(diff, c0[l]); wden += onKeys(ref[l], c0[l]);
  });
  const tokens = json(`${work}/stats-${n}.json`).layers[0].count;
  const e = json(`${work}/eval-${n}.json`);
  const norms = d.map((x) => Math.sqrt(sq(x)).toPrecision(3)).join(" / ");
  const f = (x) => x.toFixed(1);
  console.log(`| ${n} | ${tokens} | ${norms} | ${Math.sqrt(num / den).toExponential(2)} | ${Math.sqrt(wnum / wden).toExponential(2)} | ${f(e.efficacy)} | ${f(e.generalization)} | ${f(e.specificity)} |`);
}
const stable = json(`${work}/stable.json`);
console.log(`--until-stable 0.01: ${stable.samples} samples, ${stable.layers[0].count} tokens`);
JS
