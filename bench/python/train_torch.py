"""PyTorch baseline for the training row of `npm run bench`: one optimisation step of a small
GPT-2 (nanoGPT style, gpt2_model.py; weight matrices and embeddings N(0, 0.02²), biases and
LayerNorms at torch's defaults; float32, torch.set_num_threads(threads)) on a fixed batch of
random token ids, the same work as locedit's `trainStep`:
forward over (B, T) ids, logits at every position (tied LM head), mean next-token cross-entropy
over the B·T targets, loss.backward(), torch.nn.utils.clip_grad_norm_(1.0), AdamW (betas
0.9/0.95, weight decay 0.1 on matrices that are not embeddings, none on norms and biases).

Arguments (one JSON string): {"config": {vocabSize, hiddenSize, numLayers, numHeads,
intermediateSize, maxPositions, layerNormEpsilon}, "B", "T", "threads", "warmup", "reps", "lr"}.
Answer: {"step": median seconds per optimisation step, "loss": the last loss}.
"""

import os
import sys

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
    model = GPT2(cfg, init="matrices").train()
    B, T = spec["B"], spec["T"]
    ids = torch.randint(0, cfg["vocabSize"], (B, T + 1))
    inputs, targets = ids[:, :-1], ids[:, 1:]
    embeddings = {"wte.weight", "wpe.weight"}
    decay = [p for n, p in model.named_parameters() if p.dim() == 2 and n not in embeddings]
    no_decay = [p for n, p in model.named_parameters() if p.dim() != 2 or n in embeddings]
    optimizer = torch.optim.AdamW(
        [{"params": decay, "weight_decay": 0.1}, {"params": no_decay, "weight_decay": 0.0}],
        lr=spec["lr"],
        betas=(0.9, 0.95),
        eps=1e-8,
    )
    last = {}

    def step():
        optimizer.zero_grad(set_to_none=True)
        logits = model(inputs)
        loss = F.cross_entropy(logits.reshape(B * T, -1), targets.reshape(B * T))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        last["loss"] = float(loss)

    seconds = median_seconds(step, spec["warmup"], spec["reps"])
    answer(
        {"step": seconds, "loss": last["loss"]},
        environment(torch=torch.__version__, torchThreads=torch.get_num_threads()),
    )


main()
