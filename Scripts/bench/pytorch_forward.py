# The PyTorch side of issue #15's comparison (a development tool, never run by the product or CI):
# SmolLM2-135M-Instruct from the same GGUF file, dequantised to Float32 by transformers, timed as
# `instructedit bench --json` times ours: forward of 32, 128 and 512 tokens (all positions' logits,
# median of 5, 5 and 3 runs) and greedy decoding of 64 tokens after a 16-token prompt with a KV cache
# (the best of 3 runs' tokens/s over the 63 single-token steps, after a warm-up). Prints one JSON object.
#   python -m venv /tmp/torchenv && /tmp/torchenv/bin/pip install torch transformers gguf accelerate
#   /tmp/torchenv/bin/python Scripts/bench/pytorch_forward.py [path/to/model.gguf] [threads=2]
# Before timing, it checks the model against ../shared/reference (the logits at every position of
# "The capital of France is"), so a wrong load cannot pass for a fast one.
import json, os, statistics, sys, time, warnings

import numpy as np
import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

path = sys.argv[1] if len(sys.argv) > 1 else os.path.expanduser("~/.instructedit/models/SmolLM2-135M-Instruct.Q4_1.gguf")
threads = int(sys.argv[2]) if len(sys.argv) > 2 else 2
torch.set_num_threads(threads)
warnings.filterwarnings("ignore", category=FutureWarning)  # transformers renames past_key_values
folder, name = os.path.split(path)
t0 = time.perf_counter()
tok = AutoTokenizer.from_pretrained(folder, gguf_file=name)
model = AutoModelForCausalLM.from_pretrained(folder, gguf_file=name, dtype=torch.float32).eval()
load_s = time.perf_counter() - t0

here = os.path.dirname(os.path.abspath(__file__))
reference = np.load(os.path.join(here, "..", "..", "..", "shared", "reference", "smollm2_prompt0_logits.npy"))
with torch.inference_mode():
    ids = torch.tensor([tok.encode("The capital of France is", add_special_tokens=False)])
    got = model(ids).logits[0].numpy()
error = float(np.abs(got - reference).max() / np.abs(reference).max())
if got.shape != reference.shape or error > 1e-3:
    sys.exit(f"pytorch_forward: the model does not match the reference logits (max relative error {error:.2e})")

text = tok.encode("The capital of France is Paris. " * 100, add_special_tokens=False)


def median_seconds(repeats, f):
    f()  # warm-up
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


result = {"load_s": load_s, "torch": torch.__version__, "threads": threads,
          "cpu_capability": torch.backends.cpu.get_cpu_capability(), "reference_max_rel_error": error}
with torch.inference_mode():
    for T in (32, 128, 512):
        x = torch.tensor([text[:T]])
        result[f"forward_1x{T}_ms"] = 1000 * median_seconds(3 if T > 128 else 5, lambda: model(x))

    prompt = torch.tensor([text[:16]])

    def decode():
        out = model(prompt, use_cache=True)
        cache, nxt = out.past_key_values, out.logits[:, -1:].argmax(-1)
        t = time.perf_counter()
        for _ in range(63):
            out = model(nxt, past_key_values=cache, use_cache=True)
            cache, nxt = out.past_key_values, out.logits[:, -1:].argmax(-1)
        return 63 / (time.perf_counter() - t)

    decode()
    result["decode_tok_s"] = max(decode() for _ in range(3))
print(json.dumps(result))
