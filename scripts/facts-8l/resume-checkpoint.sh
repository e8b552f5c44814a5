#!/usr/bin/env bash
# Continues an unfinished facts-8l experiment row from a committed checkpoint
# (results/facts-8l/checkpoints/PROTOCOL/ROW/: config.json, batches.jsonl, probes.jsonl and state/
# as `locedit experiment` left them after its last finished batch) in this checkout: copies it to
# WORK_DIR/PROTOCOL/ROW, moves the absolute paths its config.json settings hold (the checkout and
# the statistics folder of the session that began it) to this checkout and WORK_DIR/stats, and runs
# scripts/facts-8l/run-experiments.sh, which resumes it with --resume (exactly: the same ΣΔW,
# templates and records) and copies the finished run to results/facts-8l/PROTOCOL/ROW/.
#
# usage: scripts/facts-8l/resume-checkpoint.sh results/facts-8l/checkpoints/PROTOCOL/ROW WORK_DIR
set -euo pipefail
ckpt=${1:?usage: resume-checkpoint.sh CHECKPOINT_DIR WORK_DIR}
work=${2:?usage: resume-checkpoint.sh CHECKPOINT_DIR WORK_DIR}
row=$(basename "$ckpt")
protocol=$(basename "$(dirname "$ckpt")")
out=$work/$protocol/$row
[ -e "$out" ] && { echo "$out exists: resume it with scripts/facts-8l/run-experiments.sh $protocol $work $row" >&2; exit 2; }
mkdir -p "$work/$protocol"
cp -r "$ckpt" "$out"
node -e '
const fs = require("fs");
const [file, root, stats] = process.argv.slice(1);
const c = JSON.parse(fs.readFileSync(file, "utf8"));
const s = c.settings;
const old = s.model.slice(0, s.model.length - "models/facts-8l".length);
const move = (p) => (typeof p === "string" && p.startsWith(old) ? root + "/" + p.slice(old.length) : p);
for (const k of ["model", "records", "hparams", "snippets", "tfidfVocab", "idf"]) s[k] = move(s[k]);
for (const k of ["corpus", "tfidfCorpus"]) s[k] = s[k].map(move);
s.probes = s.probes.map((p) => p.replace(/=(.*)$/, (_, f) => "=" + move(f)));
s.stats = stats;
fs.writeFileSync(file + ".tmp", JSON.stringify(c, null, 2) + "\n");
fs.renameSync(file + ".tmp", file);
' "$out/config.json" "$(pwd)" "$(cd "$work" && pwd)/stats"
exec scripts/facts-8l/run-experiments.sh "$protocol" "$work" "$row"
