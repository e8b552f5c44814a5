"""PyTorch baseline for the editing rows of `npm run bench`: one MEMIT batch (or one MEMIT+BLUE
batch) on a plain torch.nn GPT-2 (gpt2_model.py, init="all": every parameter N(0, 0.02²)),
float32, torch.set_num_threads(threads), run the way the reference toolkit (kmeng01/memit) runs
it, with module hooks in the place of its nethook.TraceDict:

- statistics (layer_stats): for each edited layer separately, the corpus in collated batches
  (groups of 100 sequences sorted by length, cut so that width × rows ≤ stats_batch_tokens,
  default 3 × maxPositions; right-padded with id 0), each forward stopped right after that layer's
  MLP output projection (StopForward); the projection's input at the non-pad tokens, per batch
  `k.T @ k` in float32 added to a float32 running sum; C0 = sum / count. stats_mode "one_pass"
  instead collects every edited layer in one pass stopped after the highest one.
- compute_z, per request: the rewrite prompts (ids + target[:-1]) and the kl prompt in one
  right-padded batch; every Adam step runs the whole model (logits at every position, (B, T, V)),
  the hook adds δ to block L's output at each row's lookup, and the rewrite log-probs are
  recomputed from the loss layer's output through ln_f and the head, as the reference does;
  loss = NLL + KL + weight decay; backward; Adam; clamp. Early stop at loss < 5e-2.
- keys (compute_ks) and H: one full forward over all requests' rewrite prompts (keys at the
  lookups, averaged per group then across groups) and one over the plain prompts (block output at
  the lookup), on the current model, for each edited layer.
- solve: Δ = (R / (len(layers) − i)) · solve(λ·C0 + K Kᵀ, K)ᵀ in float64, added to the float32
  weight. BLUE (blue=true): for the first and the last listed layer in order, z at that layer on the
  current model, keys, H at that layer, Δ = R · Aᵀ (no division), apply.

Arguments (one JSON string): {"config": {vocabSize, hiddenSize, numLayers, numHeads,
intermediateSize, maxPositions, layerNormEpsilon}, "threads", "seed", "corpus": [[ids], ...],
"requests": [{"target": [ids], "rewrite": [{"ids", "lookup"}, ...], "groups": [sizes],
"kl": {"ids", "lookup"}}, ...], "hparams": {"layers", "v_num_grad_steps", "v_lr", "v_loss_layer",
"v_weight_decay", "clamp_norm_factor", "kl_factor", "mom2_update_weight"}, "blue": bool,
optional "stats_mode": "per_layer" (default, the reference) | "one_pass",
optional "stats_batch_tokens"}.

Answer: {"stats_s", "stats_tokens" (the corpus's non-pad tokens), "stats_tokens_per_s"
(stats_tokens / stats_s, whatever the number of passes), "stats_passes", "z_s", "keys_s" (key and H forwards), "solve_s" (solve + weight update), "total_s"
(stats + z + keys + solve), "z_steps" (Adam steps per compute_z call, in call order: one per
request, or for BLUE the first layer's requests then the last layer's), "z_loss" ([initial, final]
per call), "delta_norms" ({layer: ‖Δ‖})}.
"""

import os
import sys
import time

# the helpers next to this script, whatever the interpreter's sys.path; no __pycache__ in bench/
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_common import answer, args, environment, fail  # noqa: E402

try:
    import torch
    import torch.nn.functional as F
except ImportError as error:
    fail(f"PyTorch is not installed ({error})")
from gpt2_model import GPT2  # noqa: E402

EARLY_STOP = 5e-2


class StopForward(Exception):
    pass


class Trace:
    """Forward hooks: the input of block l's mlp_proj (the key), block l's output (optionally
    edited), and an optional stop after a given layer's mlp_proj (nethook's stop=True)."""

    def __init__(self, model, keys=(), outputs=(), edit=None, stop=None):
        self.keys, self.outputs, self.handles = {}, {}, []
        for l in keys:
            self.handles.append(model.h[l].mlp_proj.register_forward_hook(self._key_hook(l, l == stop)))
        for l in outputs:
            self.handles.append(model.h[l].register_forward_hook(self._out_hook(l, edit)))

    def _key_hook(self, l, stop):
        def hook(module, inputs, output):
            self.keys[l] = inputs[0]
            if stop:
                raise StopForward()

        return hook

    def _out_hook(self, l, edit):
        def hook(module, inputs, output):
            if edit is not None and edit[0] == l:
                output = edit[1](output)
            self.outputs[l] = output
            return output

        return hook

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        for h in self.handles:
            h.remove()
        return exc[0] is StopForward  # swallow the stop


def pad_right(rows):
    T = max(len(r) for r in rows)
    ids = torch.zeros(len(rows), T, dtype=torch.long)
    mask = torch.zeros(len(rows), T, dtype=torch.bool)
    for b, r in enumerate(rows):
        ids[b, : len(r)] = torch.tensor(r, dtype=torch.long)
        mask[b, : len(r)] = True
    return ids, mask


def collate(seqs, batch_tokens):
    """The reference's DataLoader(batch_size=100) + length_collation(batch_tokens)."""
    out = []
    for start in range(0, len(seqs), 100):
        items = sorted(seqs[start : start + 100], key=lambda s: -len(s))
        batch, width = [], 0
        for item in items:
            if len(item) == 0:
                break
            if width * (len(batch) + 1) > batch_tokens:
                out.append(batch)
                batch, width = [], 0
            if not batch:
                width = len(item)
            batch.append(item)
        if batch:
            out.append(batch)
    return out


def layer_stats(model, corpus, layers, mode, batch_tokens):
    """{layer: C0 (float32, sum / count)}, the corpus's non-pad token count, passes over it."""
    batches = [pad_right(b) for b in collate(corpus, batch_tokens)]
    passes = [[l] for l in layers] if mode == "per_layer" else [sorted(layers)]
    cov, tokens = {}, 0
    with torch.no_grad():
        for group in passes:
            top = max(group)
            sums = {l: None for l in group}
            count = 0
            for ids, mask in batches:
                with Trace(model, keys=group, stop=top) as tr:
                    model(ids)
                for l in group:
                    feats = tr.keys[l][mask].to(torch.float32)  # flatten_masked_batch
                    s = feats.T @ feats
                    sums[l] = s if sums[l] is None else sums[l] + s
                count += int(mask.sum())
            for l in group:
                cov[l] = sums[l] / count
            tokens = count
    return cov, tokens, len(passes)


def compute_z(model, req, layer, hp):
    """δ at block `layer`'s output; z = h_init + δ, the Adam steps taken, [initial, final] loss."""
    tgt = req["target"]
    n_rw = len(req["rewrite"])
    rows = [p["ids"] + tgt[:-1] for p in req["rewrite"]] + [req["kl"]["ids"]]
    lookups = [p["lookup"] for p in req["rewrite"]] + [req["kl"]["lookup"]]
    ids, mask = pad_right(rows)
    targets = torch.full((n_rw, ids.shape[1]), -100, dtype=torch.long)
    for i in range(n_rw):
        ex_len = int(mask[i].sum())
        targets[i, ex_len - len(tgt) : ex_len] = torch.tensor(tgt)
    loss_layer = max(hp["v_loss_layer"], layer)
    C = model.wte.weight.shape[1]
    delta = torch.zeros(C, requires_grad=True)
    state = {"target_init": None}
    row_idx, pos_idx = torch.arange(len(rows)), torch.tensor(lookups)

    def edit(out):
        if state["target_init"] is None:
            state["target_init"] = out[0, lookups[0]].detach().clone()
        return out.index_put((row_idx, pos_idx), delta.expand(len(rows), C), accumulate=True)

    opt = torch.optim.Adam([delta], lr=hp["v_lr"])
    kl_init = None
    losses, steps = [], 0
    lm_w = model.wte.weight.T
    for it in range(hp["v_num_grad_steps"]):
        opt.zero_grad()
        with Trace(model, outputs=sorted({layer, loss_layer}), edit=(layer, edit)) as tr:
            logits = model(ids)  # (B, T, V)
            kl_logits = logits[n_rw, lookups[-1]][None]
            kl_log_probs = torch.log_softmax(kl_logits, dim=1)
            if kl_init is None:
                kl_init = kl_log_probs.detach().clone()
        full_repr = tr.outputs[loss_layer][:n_rw]
        log_probs = torch.log_softmax(model.ln_f(full_repr) @ lm_w, dim=2)
        gathered = torch.gather(log_probs, 2, torch.where(targets != -100, targets, 0).unsqueeze(2)).squeeze(2)
        m = (targets != -100).float()
        nll = (-(gathered * m).sum(1) / len(tgt)).mean()
        kl = hp["kl_factor"] * F.kl_div(kl_init, kl_log_probs, log_target=True, reduction="batchmean")
        wd = hp["v_weight_decay"] * (torch.norm(delta) / torch.norm(state["target_init"]) ** 2)
        loss = nll + kl + wd
        losses.append(loss.item())
        if loss < EARLY_STOP:
            break
        if it == hp["v_num_grad_steps"] - 1:
            break
        loss.backward()
        opt.step()
        steps += 1
        max_norm = hp["clamp_norm_factor"] * state["target_init"].norm()
        if delta.norm() > max_norm:
            with torch.no_grad():
                delta[...] = delta * max_norm / delta.norm()
    return (state["target_init"] + delta).detach(), steps, [losses[0], losses[-1]]


def keys_and_h(model, reqs, layer, z_layer):
    """K (d_ff, n) at `layer` from every rewrite prompt, averaged per group then across groups;
    H (C, n) = block z_layer's output at each plain prompt's lookup."""
    with torch.no_grad():
        rows, where = [], []
        for req in reqs:
            for p in req["rewrite"]:
                where.append(p["lookup"])
                rows.append(p["ids"])
        ids, _ = pad_right(rows)
        with Trace(model, keys=[layer]) as tr:
            model(ids)
        ks = tr.keys[layer][torch.arange(len(rows)), torch.tensor(where)]
        out, r = [], 0
        for req in reqs:
            means = []
            for g in req["groups"]:
                means.append(ks[r : r + g].mean(0))
                r += g
            out.append(torch.stack(means, 0).mean(0))
        K = torch.stack(out, 1)
        ids, _ = pad_right([req["rewrite"][0]["ids"] for req in reqs])
        with Trace(model, outputs=[z_layer]) as tr:
            model(ids)
        look = torch.tensor([req["rewrite"][0]["lookup"] for req in reqs])
        H = tr.outputs[z_layer][torch.arange(len(reqs)), look].T
    return K, H


def apply_update(model, layer, cov, K, R, lam):
    Kd, Rd = K.double(), R.double()
    adj_k = torch.linalg.solve(lam * cov.double() + Kd @ Kd.T, Kd)
    upd = Rd @ adj_k.T  # (C, d_ff): nn.Linear's [out, in]
    with torch.no_grad():
        w = model.h[layer].mlp_proj.weight
        w[...] = w + upd.float()
    return float(upd.norm())


def main():
    spec = args()
    torch.set_num_threads(spec["threads"])
    torch.manual_seed(spec.get("seed", 0))
    cfg = spec["config"]
    model = GPT2(cfg, init="all").eval()
    for p in model.parameters():
        p.requires_grad_(False)
    hp = spec["hparams"]
    reqs = spec["requests"]
    blue = bool(spec.get("blue", False))
    layers = [hp["layers"][0], hp["layers"][-1]] if blue else list(hp["layers"])
    lam = hp["mom2_update_weight"]
    t = {"stats": 0.0, "z": 0.0, "keys": 0.0, "solve": 0.0}

    start = time.perf_counter()
    cov, stats_tokens, passes = layer_stats(
        model, spec["corpus"], layers, spec.get("stats_mode", "per_layer"),
        spec.get("stats_batch_tokens", 3 * cfg["maxPositions"]),
    )
    t["stats"] = time.perf_counter() - start

    z_steps, z_loss, delta_norms = [], [], {}

    def zs_at(layer):
        start = time.perf_counter()
        zs = []
        for req in reqs:
            z, steps, losses = compute_z(model, req, layer, hp)
            zs.append(z)
            z_steps.append(steps)
            z_loss.append(losses)
        t["z"] += time.perf_counter() - start
        return torch.stack(zs, 1)  # (C, n)

    if not blue:
        z_layer = layers[-1]
        zs = zs_at(z_layer)
        for i, layer in enumerate(layers):
            start = time.perf_counter()
            K, H = keys_and_h(model, reqs, layer, z_layer)
            t["keys"] += time.perf_counter() - start
            start = time.perf_counter()
            delta_norms[str(layer)] = apply_update(model, layer, cov[layer], K, (zs - H) / (len(layers) - i), lam)
            t["solve"] += time.perf_counter() - start
    else:
        for layer in layers:
            zs = zs_at(layer)
            start = time.perf_counter()
            K, H = keys_and_h(model, reqs, layer, layer)
            t["keys"] += time.perf_counter() - start
            start = time.perf_counter()
            delta_norms[str(layer)] = apply_update(model, layer, cov[layer], K, zs - H, lam)
            t["solve"] += time.perf_counter() - start

    total = sum(t.values())
    answer(
        {
            "stats_s": t["stats"],
            "stats_tokens": stats_tokens,
            "stats_tokens_per_s": stats_tokens / t["stats"] if t["stats"] > 0 else None,
            "stats_passes": passes,
            "z_s": t["z"],
            "keys_s": t["keys"],
            "solve_s": t["solve"],
            "total_s": total,
            "z_steps": z_steps,
            "z_loss": z_loss,
            "delta_norms": delta_norms,
        },
        environment(torch=torch.__version__, torchThreads=torch.get_num_threads()),
    )


if __name__ == "__main__":
    main()
