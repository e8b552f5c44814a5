#!/usr/bin/env bash
# C0 statistics for locedit in SHARDS shards on a Slurm cluster: an array job (one task per shard,
# `locedit stats --shard I/SHARDS`) and a merge job that runs once every task has succeeded.
#
#   MODEL=/models/gpt-j-6b CORPUS=/data/wiki.txt SAMPLES=100000 LAYERS=3-8 OUT=/scratch/stats \
#     bash examples/stats-slurm.sh            # submits both jobs and prints their ids
#
# Each task writes $OUT/shard-<i>; the merge writes $OUT/merged, which holds the very file an
# unsharded `locedit stats` run would have written (same name, token count and sums), so that
#   locedit edit ... --stats $OUT/merged --corpus $CORPUS --samples $SAMPLES
# finds it. A task that fails can be resubmitted alone (sbatch --array=<i> ...): an interrupted shard
# resumes from its partial sums. Adjust the #SBATCH lines to your cluster.
#SBATCH --job-name=locedit-stats
#SBATCH --cpus-per-task=8
#SBATCH --mem=32G
#SBATCH --time=24:00:00
#SBATCH --output=locedit-stats-%A_%a.out
set -euo pipefail
# shellcheck disable=SC2086 # STATS_FLAGS is a list of flags, split on purpose

: "${MODEL:?set MODEL to the model folder}"
: "${CORPUS:?set CORPUS to the corpus text file}"
: "${SAMPLES:=100000}"
: "${LAYERS:=3-8}"
: "${MAX_LEN:=1024}"
: "${SHARDS:=8}"
: "${OUT:=stats}"
: "${LOCEDIT:=locedit}"
: "${STATS_FLAGS:=}" # more flags for every shard, e.g. "--dtype float64 --window-samples 256"

if [[ "${1:-}" == "--merge" ]]; then
  shards=()
  for ((i = 0; i < SHARDS; i++)); do shards+=("$OUT/shard-$i"); done
  "$LOCEDIT" stats merge --out "$OUT/merged" "${shards[@]}"
  exit 0
fi

if [[ -z "${SLURM_ARRAY_TASK_ID:-}" ]]; then
  # Not inside Slurm yet: submit this script as the array job, then the merge after all of it.
  array=$(sbatch --parsable --export=ALL --array="0-$((SHARDS - 1))" "$0")
  merge=$(sbatch --parsable --export=ALL --job-name=locedit-stats-merge --cpus-per-task=1 \
    --dependency="afterok:${array%%;*}" "$0" --merge)
  echo "shards: job ${array%%;*} (array 0-$((SHARDS - 1))), merge: job ${merge%%;*}"
  exit 0
fi

OPENBLAS_NUM_THREADS="${SLURM_CPUS_PER_TASK:-1}" "$LOCEDIT" stats \
  --model "$MODEL" --layers "$LAYERS" --corpus "$CORPUS" --samples "$SAMPLES" --max-len "$MAX_LEN" \
  --shard "$SLURM_ARRAY_TASK_ID/$SHARDS" --out "$OUT/shard-$SLURM_ARRAY_TASK_ID" $STATS_FLAGS
