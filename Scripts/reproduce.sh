#!/usr/bin/env bash
# The main job: reproduces E1-E3 of docs/INSTRUCTEDIT.md on the default model. Meta-trains the
# multi-task editor with instructions (InstructEdit) and without (MEND multi-task) on counterfact +
# recent + convsent with the recipe of Scripts/recipe.sh, then evaluates the unedited model, FT-L and
# both editors (seen and unseen instructions) on the three training tasks and the held-out ZsRE.
# Resumable: re-running continues interrupted trainings. Settings are the ones behind RESULTS.md.
#   RUNS  run folder (default runs/)   N  records per test set (default 100)
#   STEPS, ANNEAL_STEPS  steps of the two training stages (default 1250 and 3200)
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${RUNS:-runs}"; n="${N:-100}"
bin="$(swift build -c release --show-bin-path)/instructedit"
source Scripts/jobs.sh
source Scripts/recipe.sh
[ -x "$bin" ] || swift build -c release --product instructedit
# Two single-threaded trainings side by side use two cores better than one two-threaded one.
# Stage 1 into e1-*-stage1, its last checkpoint in half precision (as shipped), stage 2 from that
# into e1-instruct and e1-no-instruct, whose last.ckpt are the E1 editors.
stage() { # instruct-flag run
  local s1="$runs/$2-stage1"
  OPENBLAS_NUM_THREADS=1 "$bin" train --out "$s1" "$1" --tasks "$training_tasks" "${recipe[@]}"
  "$bin" -e "editor.load('$s1/last.ckpt'):save('$s1/last-half.ckpt', {half=true})"
  OPENBLAS_NUM_THREADS=1 "$bin" train --out "$runs/$2" "$1" --tasks "$training_tasks" --init "$s1/last-half.ckpt" "${anneal[@]}"
}
stage --instruct e1-instruct & a=$!
stage --no-instruct e1-no-instruct & b=$!
wait_all "$a" "$b"
methods=(--method "Unedited:none" --method "FT-L:ft"
         --method "MEND multi-task:mend:$runs/e1-no-instruct/last.ckpt"
         --method "InstructEdit:mend:$runs/e1-instruct/last.ckpt:instruct"
         --method "InstructEdit (unseen instructions):mend:$runs/e1-instruct/last.ckpt:instruct:unseen")
# Two single-threaded processes side by side: ConvSent (its metric scores every utterance pair, so
# it takes about as long as the three factual tasks together) and the rest. Each task's records are
# a seeded shuffle of its test split, so the split into processes does not change the numbers.
pids=()
for tasks in convsent counterfact,recent,zsre; do
  OPENBLAS_NUM_THREADS=1 "$bin" eval --n "$n" --seed 0 --tasks "$tasks" "${methods[@]}" \
    --out "$runs/e1-e3-${tasks//,/-}.md" --json "$runs/e1-e3-${tasks//,/-}.json" & pids+=($!)
done
wait_all "${pids[@]}"
cat "$runs/e1-e3-counterfact-recent-zsre.md" "$runs/e1-e3-convsent.md" > "$runs/e1-e3.md"
echo "E1-E3 tables: $runs/e1-e3.md"
