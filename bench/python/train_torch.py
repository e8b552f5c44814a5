"""PyTorch baseline for the training row of `npm run bench`: one optimisation step of a small
GPT-2 (nanoGPT style, float32, torch.set_num_threads(threads)) on a fixed batch of random token
ids, the same work as locedit's `trainStep`:
forward over (B, T) ids, logits at every position (tied LM head), mean next-token cross-entropy
over the B·T targets, loss.backward(), torch.nn.utils.clip_grad_norm_(1.0), AdamW (betas
0.9/0.95, weight decay 0.1 on matrices that are not embeddings, none on norms and biases).

Arguments (one JSON string): {"config": {vocabSize, hiddenSize, numLayers, numHeads,
intermediateSize, maxPositions, layerNormEpsilon}, "B", "T", "threads", "warmup", "reps", "lr"}.
Answer: {"step": median seconds per optimisation step, "loss": the last loss}.
"""

import math
import os
import sys

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

    def forward(self, x):
        B, T, C = x.shape
        HS = C // self.NH
        q, k, v = self.c_attn(self.ln_1(x)).split(C, dim=2)
        q = q.view(B, T, self.NH, HS).transpose(1, 2)  # (B, NH, T, HS)
        k = k.view(B, T, self.NH, HS).transpose(1, 2)
        v = v.view(B, T, self.NH, HS).transpose(1, 2)
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(HS))  # (B, NH, T, T)
        att = F.softmax(att.masked_fill(~self.causal[:, :, :T, :T], float("-inf")), dim=-1)
        x = x + self.attn_proj((att @ v).transpose(1, 2).contiguous().view(B, T, C))
        return x + self.mlp_proj(F.gelu(self.c_fc(self.ln_2(x)), approximate="tanh"))


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
        for name, p in self.named_parameters():
            if p.dim() == 2:
                nn.init.normal_(p, std=0.02)

    def forward(self, idx):
        B, T = idx.shape
        x = self.wte(idx) + self.wpe(torch.arange(T))
        for block in self.h:
            x = block(x)
        return self.ln_f(x) @ self.wte.weight.T  # tied head: (B, T, V)


def main():
    spec = args()
    torch.set_num_threads(spec["threads"])
    torch.manual_seed(0)
    cfg = spec["config"]
    model = GPT2(cfg).train()
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
