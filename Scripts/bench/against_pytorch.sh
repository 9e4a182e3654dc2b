# Issue #15's comparison in one run: `instructedit bench --json` and Scripts/bench/pytorch_forward.py
# alternated ROUNDS times (default 3) on the same machine and thread count (THREADS, default 2, for
# both), then the median of each figure and the ratios (ours / PyTorch for forward times and for decode
# tokens/s). A development tool: it needs a Python with torch, transformers, gguf and accelerate (PYTHON).
#   PYTHON=/tmp/torchenv/bin/python bash Scripts/bench/against_pytorch.sh [ROUNDS] > /tmp/against.json
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-3}
bin="$(swift build -c release --show-bin-path)/instructedit"
python=${PYTHON:-python3}
threads=${THREADS:-2}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for r in $(seq "$rounds"); do
  OPENBLAS_NUM_THREADS="$threads" "$bin" bench --json > "$out/ours-$r.json"
  "$python" Scripts/bench/pytorch_forward.py "${MODEL:-$HOME/.instructedit/models/SmolLM2-135M-Instruct.Q4_1.gguf}" "$threads" \
    > "$out/torch-$r.json"
  echo "round $r done" >&2
done
"$python" - "$out" "$rounds" <<'EOF'
import json, statistics, sys
out, rounds = sys.argv[1], int(sys.argv[2])
ours = [json.load(open(f"{out}/ours-{r}.json")) for r in range(1, rounds + 1)]
torch = [json.load(open(f"{out}/torch-{r}.json")) for r in range(1, rounds + 1)]
med = lambda runs, k: statistics.median(x[k] for x in runs)
result = {"cpu_model": ours[0]["cpu_model"], "cpu_flags": ours[0]["cpu_flags"], "vector_path": ours[0]["vector_path"],
          "torch": torch[0]["torch"], "torch_cpu_capability": torch[0]["cpu_capability"], "rounds": rounds,
          "sgemm_gflops": med(ours, "sgemm_gflops")}
for T in (32, 128, 512):
    k = f"forward_1x{T}_ms"
    result[f"ours_{k}"], result[f"torch_{k}"] = med(ours, k), med(torch, k)
    result[f"forward_1x{T}_ratio"] = result[f"ours_{k}"] / result[f"torch_{k}"]
    result[f"ours_forward_1x{T}_floor_ratio"] = med(ours, f"forward_1x{T}_floor_ratio")
result["ours_decode_tok_s"], result["torch_decode_tok_s"] = med(ours, "decode_tok_s"), med(torch, "decode_tok_s")
result["decode_ratio"] = result["ours_decode_tok_s"] / result["torch_decode_tok_s"]
result["runs"] = {"ours": ours, "torch": torch}
print(json.dumps(result, indent=1))
EOF
