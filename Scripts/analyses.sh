#!/usr/bin/env bash
# The paper's analyses E4-E6 and the examples, on the default model. Trains the extra editors E4 and
# E5 need (single-task editors and the counterfact+recent editor, same settings as E1 in
# reproduce.sh), then renders every example notebook into Examples/reports/. Needs the E1 editors of
# Scripts/reproduce.sh in the same run folder. Resumable, like reproduce.sh.
#   RUNS  run folder (default runs/)   N  records per task (default 20)   STEPS  training steps (default 200)
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${RUNS:-runs}"; n="${N:-20}"; steps="${STEPS:-200}"
bin="$(swift build -c release --show-bin-path)/instructedit"
[ -x "$bin" ] || swift build -c release --product instructedit
source Scripts/jobs.sh
STEPS="$steps" source Scripts/recipe.sh
train() { # name tasks (a finished run resumes at its last step and stops at once)
  OPENBLAS_NUM_THREADS=1 "$bin" train --out "$runs/$1" --instruct --tasks "$2" "${recipe[@]}"
}
train e4-counterfact counterfact & a=$!; train e4-recent recent & b=$!; wait_all "$a" "$b"
train e4-convsent convsent & a=$!; train e5-cf-recent counterfact,recent & b=$!; wait_all "$a" "$b"
mkdir -p Examples/reports
for example in quickstart instructions evaluate probe_edit e4_single_task e5_task_scaling e6_directions; do
  INSTRUCTEDIT_RUNS="$runs" INSTRUCTEDIT_N="$n" INSTRUCTEDIT_EDITOR="$runs/e1-instruct/last.ckpt" \
    "$bin" notebook "Examples/$example.lua" -o "Examples/reports/$example.md"
done
