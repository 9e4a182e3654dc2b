# Sourced by the run scripts: the meta-training recipe of the shipped editors and of RESULTS.md, in
# one place so reproduce.sh, analyses.sh and ship_editors.sh cannot drift. Why each value: RESULTS.md,
# "Locality: what moved the curve".
training_tasks=counterfact,recent,convsent
recipe=(--steps "${STEPS:-1250}" --accumulation 2 --rank 128
        --lr 1e-4 --alpha-lr 1e-5 --c-edit 1 --c-loc 5 --locality own,neighbour,unrelated
        --validate-every 50 --validation-size 10 --patience 100 --save-every 25 --seed 0)
