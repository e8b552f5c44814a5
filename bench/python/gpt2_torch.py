"""PyTorch baseline for the GPT-2 rows of `npm run bench`: a plain torch.nn GPT-2 (nanoGPT
style, gpt2_model.py), random weights N(0, 0.02²) for every parameter, float32,
torch.set_num_threads(threads).

Model (gpt2_model.py): learned token + position embeddings; pre-LayerNorm blocks with a fused qkv
Linear, causal softmax attention by explicit matmuls (F.scaled_dot_product_attention needs
torch ≥ 2.0), GELU (tanh) MLP; final LayerNorm; LM head tied to the token embedding.

Arguments (one JSON string): {"config": {vocabSize, hiddenSize, numLayers, numHeads,
intermediateSize, maxPositions, layerNormEpsilon}, "B", "T", "threads", "warmup", "reps",
"modes": ["forward", "backward", "generate"], "delta": {"layer", "row", "position"},
"loss": [[row, position, target], ...], "generate": {"promptLength", "newTokens"}}.

forward: torch.no_grad(), logits at every position (B, T, V); seconds per forward.
backward: parameters frozen; a delta vector (requires_grad) added to block `layer`'s output at
(row, position); hidden states gathered at the loss positions, then ln_f, LM head and summed
cross-entropy; loss.backward() reaches the delta through the blocks above it. Reports the
median seconds of loss.backward() alone and of forward + backward.
generate: torch.no_grad(), greedy, batch 1: the prompt in one pass, then one token per pass with
past keys/values per block (concatenated with torch.cat, as Hugging Face's DynamicCache);
logits only at the last position; seconds per whole generation.
"""

import os
import statistics
import sys
import time

# the helpers next to this script, whatever the interpreter's sys.path; no __pycache__ in bench/
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_common import answer, args, environment, fail, median_seconds  # noqa: E402

try:
    import torch
    import torch.nn.functional as F
except ImportError as error:
    fail(f"PyTorch is not installed ({error})")
from gpt2_model import GPT2  # noqa: E402


def main():
    spec = args()
    torch.set_num_threads(spec["threads"])
    torch.manual_seed(0)
    cfg = spec["config"]
    model = GPT2(cfg, init="all").eval()
    B, T = spec["B"], spec["T"]
    idx = torch.randint(0, cfg["vocabSize"], (B, T))
    warmup, reps = spec["warmup"], spec["reps"]
    results = {}
    if "forward" in spec["modes"]:

        def forward():
            with torch.no_grad():
                model(idx)

        results["forward"] = median_seconds(forward, warmup, reps)
    if "backward" in spec["modes"]:
        for p in model.parameters():
            p.requires_grad_(False)
        d = spec["delta"]
        vector = (0.01 * torch.randn(cfg["hiddenSize"])).requires_grad_(True)
        delta = {"layer": d["layer"], "row": d["row"], "position": d["position"], "vector": vector}
        rows = torch.tensor([r for r, _, _ in spec["loss"]])
        positions = torch.tensor([p for _, p, _ in spec["loss"]])
        targets = torch.tensor([t for _, _, t in spec["loss"]])
        backward_times, total_times = [], []
        for rep in range(warmup + reps):
            vector.grad = None
            start = time.perf_counter()
            logits = model(idx, delta, (rows, positions))
            loss = F.cross_entropy(logits, targets, reduction="sum")
            middle = time.perf_counter()
            loss.backward()
            end = time.perf_counter()
            if rep >= warmup:
                backward_times.append(end - middle)
                total_times.append(end - start)
        results["backward"] = statistics.median(backward_times)
        results["forwardBackward"] = statistics.median(total_times)
        results["deltaGradNorm"] = float(vector.grad.norm())
    if "generate" in spec["modes"]:
        g = spec["generate"]
        prompt = torch.randint(0, cfg["vocabSize"], (1, g["promptLength"]))

        def generate():
            with torch.no_grad():
                model.generate(prompt, g["newTokens"])

        results["generate"] = median_seconds(generate, warmup, reps)
    answer(results, environment(torch=torch.__version__, torchThreads=torch.get_num_threads()))


main()
