#!/usr/bin/env bash
# The paper's analyses E4-E6 and the examples, on the default model. Trains the extra editors E4 and
# E5 need (single-task editors and the counterfact+recent editor) with stage 1 of the recipe in
# Scripts/recipe.sh, then renders every example notebook into Examples/reports/. E4 and E5 compare
# them with the E1 editors' stage 1 (the same recipe and length: e1-*-stage1 of Scripts/reproduce.sh
# in the same run folder); the other notebooks use the E1 editors. Resumable, like reproduce.sh.
#   RUNS  run folder (default runs/)   N  records per task (default 20)   STEPS  training steps (default 1250)
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${RUNS:-runs}"; n="${N:-20}"
bin="$(swift build -c release --show-bin-path)/instructedit"
[ -x "$bin" ] || swift build -c release --product instructedit
source Scripts/jobs.sh
source Scripts/recipe.sh
# E4 and E5 read <folder>/<name>/last.ckpt; this folder holds the extra editors and, under the
# names the notebooks use, links to the E1 editors' stage 1.
stage1="$runs/stage1"
mkdir -p "$stage1"
for run in e1-instruct e1-no-instruct; do ln -sfn "../$run-stage1" "$stage1/$run"; done
train() { # name tasks (a finished run resumes at its last step and stops at once)
  OPENBLAS_NUM_THREADS=1 "$bin" train --out "$stage1/$1" --instruct --tasks "$2" "${recipe[@]}"
}
train e4-counterfact counterfact & a=$!; train e4-recent recent & b=$!; wait_all "$a" "$b"
train e4-convsent convsent & a=$!; train e5-cf-recent counterfact,recent & b=$!; wait_all "$a" "$b"
mkdir -p Examples/reports
for example in quickstart instructions evaluate probe_edit e4_single_task e5_task_scaling e6_directions; do
  case "$example" in e4_*|e5_*) folder="$stage1" ;; *) folder="$runs" ;; esac
  INSTRUCTEDIT_RUNS="$folder" INSTRUCTEDIT_N="$n" INSTRUCTEDIT_EDITOR="$runs/e1-instruct/last.ckpt" \
    "$bin" notebook "Examples/$example.lua" -o "Examples/reports/$example.md"
done
