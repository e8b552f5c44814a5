#!/usr/bin/env bash
# The experiment of issue 13 §2 on models/facts-8l: `locedit experiment` for each row (MEMIT, PMET,
# AlphaEdit and MEMIT --variant seq, each without and with --blue) under one protocol, one row at a
# time, each resumable (--resume continues a killed run exactly). A finished row's metrics.json,
# batches.jsonl, probes.jsonl and config.json are copied to results/facts-8l/PROTOCOL/ROW/.
#
# usage: scripts/facts-8l/run-experiments.sh PROTOCOL WORK_DIR [ROW ...]
#   PROTOCOL  proportional (256 edits in batches of 13: 20 batches, probes every 5)
#             paper (2,000 edits in batches of 100: 20 batches, probes every 5)
#   WORK_DIR  run folders (with state/ for --resume) and the shared statistics WORK_DIR/stats
#   ROW       memit memit-blue alphaedit alphaedit-blue pmet pmet-blue memit-seq memit-seq-blue
#             (default: all eight, in this order)
# FORMAT=zsre in the environment edits the ZsRE form of the same facts (eval/zsre.json, record i is
# counterfact.json's record i as a question) with --format zsre; its rows are named ROW-zsre.
# Run from the repository root after `npm run build`. Hyperparameters: models/facts-8l/hparams/.
set -euo pipefail
protocol=${1:?usage: run-experiments.sh PROTOCOL WORK_DIR [ROW ...]}
work=${2:?usage: run-experiments.sh PROTOCOL WORK_DIR [ROW ...]}
shift 2
rows=("$@")
[ ${#rows[@]} -gt 0 ] || rows=(memit memit-blue alphaedit alphaedit-blue pmet pmet-blue memit-seq memit-seq-blue)
case "$protocol" in
  proportional) sizing=(--edits 256 --batch-size 13 --eval-every 5) ;;
  paper) sizing=(--edits 2000 --batch-size 100 --eval-every 5) ;;
  *) echo "PROTOCOL must be proportional or paper, got '$protocol'" >&2; exit 2 ;;
esac
M=models/facts-8l
E=$M/eval
format=${FORMAT:-counterfact}
case "$format" in
  counterfact) records=(--records $E/counterfact.json)
    metrics=(--snippets $E/attribute_snippets.json --tfidf-corpus $E/corpus.txt) suffix= ;;
  zsre) records=(--records $E/zsre.json --format zsre) metrics=() suffix=-zsre ;;
  *) echo "FORMAT must be counterfact or zsre, got '$format'" >&2; exit 2 ;;
esac
failed=0
for row in "${rows[@]}"; do
  method=${row%%-*}
  flags=()
  [[ $row == *-blue ]] && flags+=(--blue)
  [[ $row == *-seq* ]] && flags+=(--variant seq)
  hp=$M/hparams/$method.json
  [[ $row == *-blue ]] && hp=$M/hparams/$method-blue.json
  out=$work/$protocol/$row$suffix
  resume=()
  [ -f "$out/config.json" ] && resume=(--resume)
  if [ ! -f "$out/metrics.json" ]; then
    echo "[$(date -u +%H:%M:%S)] $protocol $row$suffix" >&2
    if ! node dist/src/cli/main.js experiment --model $M --method "$method" "${flags[@]}" --hparams "$hp" \
      "${records[@]}" "${sizing[@]}" \
      --probe retention=$E/counterfact-retention.json \
      --probe perplexity=results/facts-8l/probes/perplexity-60.txt --probe-limit 100 \
      --stats "$work/stats" --corpus $E/corpus.txt --samples 7917 \
      "${metrics[@]}" --out "$out" "${resume[@]}"; then
      # e.g. a model broken by earlier batches (a non-finite compute_z loss): keep what the run
      # wrote (its batches and probes up to the failure) and go on with the next row
      echo "[$(date -u +%H:%M:%S)] $protocol $row$suffix failed; its folder keeps the finished batches" >&2
      failed=1
    fi
  fi
  dest=results/facts-8l/$protocol/$row$suffix
  mkdir -p "$dest"
  for f in metrics.json batches.jsonl probes.jsonl config.json; do
    if [ -f "$out/$f" ]; then cp "$out/$f" "$dest/$f"; fi
  done
  echo "[$(date -u +%H:%M:%S)] $protocol $row$suffix copied to $dest" >&2
done
exit $failed
