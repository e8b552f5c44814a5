"""PyTorch baseline for the GPT-2 rows of `npm run bench`: a plain torch.nn GPT-2 (nanoGPT
style), random weights N(0, 0.02²), float32, torch.set_num_threads(threads).

Model: learned token + position embeddings; pre-LayerNorm blocks with a fused qkv Linear, causal
softmax attention by explicit matmuls (F.scaled_dot_product_attention needs torch ≥ 2.0), GELU
(tanh) MLP; final LayerNorm; LM head tied to the token embedding.

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

import math
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
    import torch.nn as nn
    import torch.nn.functional as F
except ImportError as error:
    fail(f"PyTorch is not installed ({error})")


class Block(nn.Module):
    def __init__(self, C, NH, FF, eps, max_positions):
        super().__init__()
        self.NH = NH
        self.ln_1 = nn.LayerNorm(C, eps=eps)
        self.c_attn = nn.Linear(C, 3 * C)
        self.attn_proj = nn.Linear(C, C)
        self.ln_2 = nn.LayerNorm(C, eps=eps)
        self.c_fc = nn.Linear(C, FF)
        self.mlp_proj = nn.Linear(FF, C)
        causal = torch.tril(torch.ones(max_positions, max_positions, dtype=torch.bool))
        self.register_buffer("causal", causal.view(1, 1, max_positions, max_positions))

    def attn(self, x, past=None):
        """Attention output and this block's keys/values so far (past ones first)."""
        B, T, C = x.shape
        HS = C // self.NH
        q, k, v = self.c_attn(x).split(C, dim=2)
        q = q.view(B, T, self.NH, HS).transpose(1, 2)  # (B, NH, T, HS)
        k = k.view(B, T, self.NH, HS).transpose(1, 2)
        v = v.view(B, T, self.NH, HS).transpose(1, 2)
        if past is not None:
            k = torch.cat([past[0], k], dim=2)  # (B, NH, P + T, HS)
            v = torch.cat([past[1], v], dim=2)
        P = k.shape[2] - T
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(HS))  # (B, NH, T, P + T)
        att = att.masked_fill(~self.causal[:, :, P : P + T, : P + T], float("-inf"))
        att = F.softmax(att, dim=-1)
        y = (att @ v).transpose(1, 2).contiguous().view(B, T, C)
        return self.attn_proj(y), (k, v)

    def step(self, x, past=None):
        """The block on new tokens x after cached ones: output and keys/values so far."""
        a, present = self.attn(self.ln_1(x), past)
        x = x + a
        return x + self.mlp_proj(F.gelu(self.c_fc(self.ln_2(x)), approximate="tanh")), present

    def forward(self, x):
        return self.step(x)[0]


class GPT2(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        C = cfg["hiddenSize"]
        self.wte = nn.Embedding(cfg["vocabSize"], C)
        self.wpe = nn.Embedding(cfg["maxPositions"], C)
        eps = cfg["layerNormEpsilon"]
        self.h = nn.ModuleList(
            Block(C, cfg["numHeads"], cfg["intermediateSize"], eps, cfg["maxPositions"])
            for _ in range(cfg["numLayers"])
        )
        self.ln_f = nn.LayerNorm(C, eps=eps)
        for p in self.parameters():
            nn.init.normal_(p, std=0.02)

    def forward(self, idx, delta=None, select=None):
        B, T = idx.shape
        x = self.wte(idx) + self.wpe(torch.arange(T))
        for layer, block in enumerate(self.h):
            x = block(x)
            if delta is not None and layer == delta["layer"]:
                where = (torch.tensor([delta["row"]]), torch.tensor([delta["position"]]))
                x = x.index_put(where, delta["vector"].unsqueeze(0), accumulate=True)
        if select is not None:
            x = x[select[0], select[1]]  # (M, C): only the rows the loss reads
        return self.ln_f(x) @ self.wte.weight.T  # tied head: (B, T, V) or (M, V)

    def generate(self, idx, new_tokens):
        """Greedy ids (B, new_tokens) after idx (B, T): prefill, then one token per pass."""
        past = [None] * len(self.h)
        out = []
        start = 0
        for _ in range(new_tokens):
            T = idx.shape[1]
            x = self.wte(idx) + self.wpe(torch.arange(start, start + T))
            for i, block in enumerate(self.h):
                x, past[i] = block.step(x, past[i])
            idx = (self.ln_f(x[:, -1]) @ self.wte.weight.T).argmax(-1, keepdim=True)  # (B, 1)
            out.append(idx)
            start += T
        return torch.cat(out, dim=1)


def main():
    spec = args()
    torch.set_num_threads(spec["threads"])
    torch.manual_seed(0)
    cfg = spec["config"]
    model = GPT2(cfg).eval()
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
