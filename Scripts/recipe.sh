# Sourced by the run scripts: the meta-training recipe of the shipped editors and of RESULTS.md, in
# one place so reproduce.sh, analyses.sh and ship_editors.sh cannot drift. Why each value: RESULTS.md,
# "Locality: what moved the curve".
training_tasks=counterfact,recent,convsent
# Stage 1: a constant learning rate.
recipe=(--steps "${STEPS:-1250}" --accumulation 2 --rank 128
        --lr 1e-4 --alpha-lr 1e-5 --c-edit 1 --c-loc 5 --locality own,neighbour,unrelated
        --validate-every 50 --validation-size 10 --patience 100 --save-every 25 --seed 0)
# Stage 2 (--init: the half-precision copy of stage 1's last checkpoint): both learning rates
# decayed linearly to zero, a higher locality weight (8, chosen on val against 10: RESULTS.md, "Cf"),
# a fresh example order.
anneal=(--steps "${ANNEAL_STEPS:-3200}" --accumulation 2 --rank 128
        --lr 1e-4 --alpha-lr 1e-5 --c-edit 1 --c-loc 8 --locality own,neighbour,unrelated --lr-decay linear
        --validate-every 100 --validation-size 10 --patience 100 --save-every 25 --seed 1)
