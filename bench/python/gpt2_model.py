"""The plain torch.nn GPT-2 (nanoGPT style) shared by the PyTorch baselines of `npm run bench`
(gpt2_torch.py: forward, backward to a delta, generation; train_torch.py: a training step).

Model: learned token + position embeddings; pre-LayerNorm blocks with a fused qkv Linear, causal
softmax attention by explicit matmuls (F.scaled_dot_product_attention needs torch ≥ 2.0), GELU
(tanh) MLP; final LayerNorm; LM head tied to the token embedding.

Configuration: {vocabSize, hiddenSize, numLayers, numHeads, intermediateSize, maxPositions,
layerNormEpsilon}. Initialisation, after torch's own: init="all" draws every parameter from
N(0, 0.02²) (LayerNorm weights and biases included); init="matrices" draws only the 2-D ones
(embeddings, Linear weights) and leaves biases and LayerNorms at torch's defaults.

Imported as `from gpt2_model import GPT2` by a script that has put this folder on sys.path (as
for bench_common) and has already reported a missing torch through bench_common.fail.
"""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F


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
    def __init__(self, cfg, *, init):
        super().__init__()
        if init not in ("all", "matrices"):
            raise ValueError(f'GPT2: init must be "all" or "matrices", got {init!r}')
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
            if init == "all" or p.dim() == 2:
                nn.init.normal_(p, std=0.02)

    def forward(self, idx, delta=None, select=None):
        """Logits (B, T, V) for ids idx (B, T). delta: {"layer", "row", "position", "vector"}, a
        vector added to block `layer`'s output at (row, position); select: (rows, positions), only
        those hidden states go through ln_f and the head, giving (M, V)."""
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
