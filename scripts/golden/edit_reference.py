"""Independent PyTorch implementation of the locate-then-edit algorithms, for the editing goldens.

Written from the reference repositories' equations at the token-id level (no tokenizer), never
copied from them:

- kmeng01/memit: `layer_stats`, `compute_z`, `compute_ks`, `execute_memit` (Eq. 14 solve);
- kmeng01/rome: `compute_u` (u = C0⁻¹k̄ / ‖C0⁻¹k̄‖), `compute_v` (δ at the MLP output), the
  rank-one ΔW = (v* − W k)uᵀ / (k·u), one request at a time on the model edited so far;
- xpq-tech/PMET: `compute_zs` (δ at the attention AND MLP outputs, optimised jointly, with the
  reference's max-probability rule: when the target is the argmax at every target position the
  NLL weight drops to 0.1·nll_loss_factor, and the loop stops if the KL term is ≤ 0.01),
  `execute_pmet` (residual at the MLP output, divided by √(L − i), MEMIT's solve);
- jianghoucheng/AlphaEdit: ΔWᵀ = (P(KKᵀ + cache_c) + L2·I)⁻¹ P K Rᵀ with P the null-space
  projector of C0 (eigenvalues below nullspace_threshold), cache_c += KKᵀ of each batch on the
  edited model;
- xpq-tech/BLUE (Li et al., arXiv 2502.03748): only the boundary layers, z recomputed AT each of
  them on the model edited so far, residual not divided (for MEMIT, PMET and AlphaEdit).

The model math is scripts/golden/make_model_goldens.py's forward. See test/fixtures/editing/README.md.
"""

import math
import os
import json

import torch

import make_model_goldens as mg  # sets 1 thread + deterministic algorithms

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
PAD_ID = 0
EARLY_STOP = 5e-2  # the reference's hard-coded threshold in compute_z
PMET_KL_STOP = 1e-2  # xpq-tech/PMET compute_zs: stop when the target is top-1 and kl_loss <= 0.01
# which record of make_model_goldens.forward holds each δ site's output
SITE_RECORD = {"block": "hidden", "mlp": "mlp_out", "attn": "attn_out"}


def fail(msg):
    raise SystemExit(f"SELF-CHECK FAILED: {msg}")


class Model:
    """A fixture model's weights (float32 or upcast exactly to float64) and its edit surface."""

    def __init__(self, name, dtype):
        d = os.path.join(ROOT, "test", "fixtures", "models", name)
        with open(os.path.join(d, "config.json")) as f:
            self.cfg = json.load(f)
        self.arch = self.cfg["model_type"]
        stored = mg.read_safetensors(os.path.join(d, "model.safetensors"))
        # drop non-parameters (gpt2's causal-mask buffers); upcast exactly for float64
        self.W = {k: v.to(dtype) for k, v in stored.items() if not k.endswith(".attn.bias") or self.arch != "gpt2"}
        self.dtype = dtype
        self.name = name
        self.n_layer = self.cfg.get("n_layer") or self.cfg["num_hidden_layers"]
        self.C = mg.hidden_size(self.cfg)

    def wout_name(self, l):
        return {
            "gpt2": f"h.{l}.mlp.c_proj.weight",  # Conv1D [in, out]
            "gptj": f"transformer.h.{l}.mlp.fc_out.weight",  # Linear [out, in]
            "llama": f"model.layers.{l}.mlp.down_proj.weight",
        }[self.arch]

    def add_wout(self, l, delta_out_in):
        """W_out[l] += Δ, Δ given [out, in], added in the model dtype."""
        name = self.wout_name(l)
        d = delta_out_in.to(self.dtype)
        self.W[name] = self.W[name] + (d.T if self.arch == "gpt2" else d)

    def run(self, rows, delta=None):
        """Right-padded batch of id lists, positions 0..T-1, attention mask; make_model_goldens.forward.
        `delta`: None, one make_model_goldens delta dict, or a list of them (one per site)."""
        T = max(len(r) for r in rows)
        ids = torch.full((len(rows), T), PAD_ID, dtype=torch.long)
        mask = torch.zeros(len(rows), T, dtype=torch.long)
        for b, r in enumerate(rows):
            ids[b, : len(r)] = torch.tensor(r)
            mask[b, : len(r)] = 1
        pos = torch.arange(T)[None].expand(len(rows), T)
        return mg.forward(self.arch, self.cfg, self.W, ids, mask, pos, delta)


# --------------------------------------------------------------------------------------------
# statistics, keys, hidden states
# --------------------------------------------------------------------------------------------


def layer_stats(model, corpus, layers):
    """C0[l] = Σ k kᵀ / count over every token; each sequence alone; float64 accumulation."""
    out = {}
    with torch.no_grad():
        sums = {l: torch.zeros(0) for l in layers}
        count = 0
        for seq in corpus:
            rec = model.run([seq])
            for l in layers:
                k = rec["key"][l][0].to(torch.float64)  # (T, d_ff)
                s = k.T @ k
                sums[l] = s if sums[l].numel() == 0 else sums[l] + s
            count += len(seq)
        for l in layers:
            out[l] = sums[l] / count
    return out, count


def compute_ks(model, reqs, l):
    """(n, d_ff): key at each rewrite prompt's lookup (prompt ids only), mean within each group,
    then the mean of the group means."""
    out = []
    with torch.no_grad():
        for req in reqs:
            rows = [p["ids"] for p in req["rewrite"]]
            rec = model.run(rows)
            ks = torch.stack([rec["key"][l][i, p["lookup"]] for i, p in enumerate(req["rewrite"])])
            means, start = [], 0
            for g in req["groups"]:
                means.append(ks[start : start + g].mean(0))
                start += g
            assert start == len(rows)
            out.append(torch.stack(means).mean(0))
    return torch.stack(out)


def at_plain(model, reqs, L, record):
    """(n, ·): `record` ("hidden", "mlp_out", "key") of layer L at each plain prompt's lookup."""
    with torch.no_grad():
        rows = [r["rewrite"][0]["ids"] for r in reqs]
        rec = model.run(rows)
        return torch.stack([rec[record][L][i, r["rewrite"][0]["lookup"]] for i, r in enumerate(reqs)])


def target_nll(model, reqs):
    """Per request: mean NLL of the target tokens on the plain prompt (teacher forced)."""
    out = []
    with torch.no_grad():
        for r in reqs:
            p = r["rewrite"][0]["ids"]
            t = r["target"]
            lp = torch.log_softmax(model.run([p + t[:-1]])["logits"][0].to(torch.float64), -1)
            out.append(-sum(lp[len(p) - 1 + j, t[j]].item() for j in range(len(t))) / len(t))
    return out


# --------------------------------------------------------------------------------------------
# compute_z (MEMIT / AlphaEdit: δ at the block output; ROME: at the MLP output; PMET: attn + MLP)
# --------------------------------------------------------------------------------------------


def z_inputs(req):
    tgt = req["target"]
    rows = [p["ids"] + tgt[:-1] for p in req["rewrite"]] + [req["kl"]["ids"]]
    lookups = [p["lookup"] for p in req["rewrite"]] + [req["kl"]["lookup"]]
    return rows, lookups


def z_forward(model, req, L, hp, deltas, kl_init):
    """One forward with δ[site] added to layer L's `site` output at every row's lookup.
    Returns (nll_each, kl, kl_logp, {site: value at row 0's lookup}, top_margin) where top_margin
    is min over target positions of (log p(target) − max other log p): > 0 iff the target is the
    argmax at every target position of every rewrite prompt (PMET's max_prob == prob)."""
    rows, lookups = z_inputs(req)
    tgt = req["target"]
    m = len(tgt)
    n_rw = len(req["rewrite"])
    d = [dict(site=s, layer=L, positions=lookups, vec=v[None, :].expand(len(rows), v.shape[0])) for s, v in deltas.items()]
    rec = model.run(rows, d[0] if len(d) == 1 else d)
    assert hp["v_loss_layer"] == model.n_layer - 1  # logits = ln_f(h^{loss layer}) @ head
    logits = rec["logits"]
    lp = torch.log_softmax(logits[:n_rw], dim=-1)
    nll_each = []
    top_margin = math.inf
    for i, p in enumerate(req["rewrite"]):
        P = len(p["ids"])
        tot = lp[i, P - 1, tgt[0]]
        for j in range(1, m):
            tot = tot + lp[i, P - 1 + j, tgt[j]]
        nll_each.append(-tot / m)
        for j in range(m):
            row = lp[i, P - 1 + j].detach()
            others = torch.cat([row[: tgt[j]], row[tgt[j] + 1 :]])
            top_margin = min(top_margin, (row[tgt[j]] - others.max()).item())
    kl_logp = torch.log_softmax(logits[n_rw, lookups[-1]], dim=-1)
    ref = kl_logp.detach() if kl_init is None else kl_init
    kl = hp["kl_factor"] * (torch.exp(kl_logp) * (kl_logp - ref)).sum()
    at0 = {s: rec[SITE_RECORD[s]][L][0, lookups[0]] for s in deltas}
    return nll_each, kl, kl_logp, at0, top_margin


def compute_z(model, req, L, hp, sites=("block",), pmet_rule=False):
    """Adam on δ per site at layer L; returns z and h_init per site, per-iteration losses, Adam steps
    taken, and the decision margins (clamp ratios, loss / 5e-2, PMET's top-1 margin and KL)."""
    rows, lookups = z_inputs(req)
    with torch.no_grad():
        rec = model.run(rows)
        h_init = {s: rec[SITE_RECORD[s]][L][0, lookups[0]].clone() for s in sites}
    deltas = {s: torch.zeros(model.C, dtype=model.dtype, requires_grad=True) for s in sites}
    opt = torch.optim.Adam(list(deltas.values()), lr=hp["v_lr"])
    nll_factor = hp.get("nll_loss_factor", 1)
    kl_init = None
    losses, clamp_ratios, clamped, rule = [], [], [], []
    steps = 0
    h_norm = {s: h_init[s].norm() for s in sites}
    for it in range(hp["v_num_grad_steps"]):
        opt.zero_grad()
        nll_each, kl, kl_logp, h0, top_margin = z_forward(model, req, L, hp, deltas, kl_init)
        if kl_init is None:
            kl_init = kl_logp.detach().clone()
            for s in sites:
                assert torch.equal(h0[s].detach(), h_init[s])
        nll = nll_factor * torch.stack(nll_each).mean() if pmet_rule else torch.stack(nll_each).mean()
        terms = [torch.norm(deltas[s]) / h_norm[s] ** 2 for s in sites]
        wd = hp["v_weight_decay"] * (terms[0] if len(terms) == 1 else terms[0] + terms[1])
        loss = nll + kl + wd
        losses.append(loss.item())
        if loss < EARLY_STOP:
            break
        if pmet_rule:
            top = top_margin > 0
            rule.append(dict(top_margin=top_margin, kl=kl.item(), fired=top))
            nll_factor = (0.1 if top else 1) * hp.get("nll_loss_factor", 1)
            if top and kl <= PMET_KL_STOP:
                rule[-1]["stopped"] = True
                break
        if it == hp["v_num_grad_steps"] - 1:
            break
        loss.backward()
        opt.step()
        steps += 1
        ratios, flags = {}, {}
        for s in sites:
            max_norm = hp["clamp_norm_factor"] * h_norm[s]
            ratios[s] = (deltas[s].norm() / max_norm).item()
            flags[s] = bool(deltas[s].norm() > max_norm)
            if flags[s]:
                with torch.no_grad():
                    deltas[s][...] = deltas[s] * max_norm / deltas[s].norm()
        clamp_ratios.append(ratios)
        clamped.append(flags)
    z = {s: (h_init[s] + deltas[s]).detach() for s in sites}
    return dict(z=z, h_init=h_init, losses=losses, steps=steps, clamp_ratios=clamp_ratios,
                clamped=clamped, delta={s: deltas[s].detach() for s in sites}, rule=rule, sites=sites)


def check_delta_grad(name, req, L, hp, sites=("block",)):
    """d loss / d δ (every site) by autograd vs central differences, float64 model, at a nonzero δ."""
    model = Model(name, torch.float64)
    zero = {s: torch.zeros(model.C, dtype=torch.float64) for s in sites}
    with torch.no_grad():
        _, _, kl_init, h_init, _ = z_forward(model, req, L, hp, zero, None)
    g = torch.Generator().manual_seed(77)
    d0 = {s: 0.3 * h_init[s].norm() / math.sqrt(model.C) * torch.randn(model.C, generator=g, dtype=torch.float64)
          for s in sites}

    def loss_at(d):
        nll_each, kl, _, _, _ = z_forward(model, req, L, hp, d, kl_init)
        terms = [torch.norm(d[s]) / h_init[s].norm() ** 2 for s in sites]
        return torch.stack(nll_each).mean() + kl + hp["v_weight_decay"] * sum(terms)

    d = {s: v.clone().requires_grad_(True) for s, v in d0.items()}
    grads = torch.autograd.grad(loss_at(d), [d[s] for s in sites])
    # the reference's F.kl_div(kl_init, logp, log_target=True, reduction="batchmean") on batch 1
    _, kl, logp, _, _ = z_forward(model, req, L, hp, d0, kl_init)
    ref_kl = hp["kl_factor"] * torch.nn.functional.kl_div(kl_init[None], logp[None], log_target=True, reduction="batchmean")
    if not abs(ref_kl.item() - kl.item()) <= 1e-12 * max(1.0, abs(kl.item())):
        fail(f"KL term {kl.item()} vs F.kl_div {ref_kl.item()}")
    eps = 1e-5
    worst = 0.0
    for s, grad in zip(sites, grads):
        for c in range(0, model.C, 5):
            vals = []
            for sign in (1, -1):
                dd = {k: v.clone() for k, v in d0.items()}
                dd[s][c] += sign * eps
                with torch.no_grad():
                    vals.append(loss_at(dd).item())
            fd = (vals[0] - vals[1]) / (2 * eps)
            err = abs(fd - grad[c].item()) / max(abs(fd), 1e-3 * grad.abs().max().item())
            worst = max(worst, err)
            if not err <= 1e-6:
                fail(f"{name} δ[{s}] grad [{c}] fd {fd} vs autograd {grad[c].item()} (rel {err:.2e})")
    return worst


# --------------------------------------------------------------------------------------------
# solves (float64; Δ returned [out, in] = C × d_ff)
# --------------------------------------------------------------------------------------------


def memit_solve(C0, lam, K, R_eff):
    """Δ = R_eff Aᵀ with A = (λC0 + KKᵀ)⁻¹K (MEMIT Eq. 14; PMET Eq. 9), K (F, n), R_eff (C, n)."""
    K, R_eff = K.to(torch.float64), R_eff.to(torch.float64)
    M = lam * C0.to(torch.float64) + K @ K.T
    A = torch.linalg.solve(M, K)
    D = R_eff @ A.T
    lhs, rhs = D @ M, R_eff @ K.T
    rel = ((lhs - rhs).norm() / rhs.norm()).item()
    if not rel <= 1e-10:
        fail(f"normal equations rel {rel:.3e}")
    return D, rel


def null_space_projector(C0, threshold):
    """P = U₀U₀ᵀ over the eigenvectors of C0 with eigenvalue < threshold (AlphaEdit); also the
    smallest relative distance of any eigenvalue to the threshold (a discrete decision)."""
    values, vectors = torch.linalg.eigh(C0.to(torch.float64))
    keep = values < threshold
    U0 = vectors[:, keep]
    margin = (values / threshold - 1).abs().min().item()
    return U0 @ U0.T, int(keep.sum().item()), margin


def alphaedit_solve(P, cache_c, l2, K, R):
    """ΔWᵀ = (P(KKᵀ + cache_c) + L2·I)⁻¹ P K Rᵀ (AlphaEdit Eq. 14; LU solve, not an inverse)."""
    K, R = K.to(torch.float64), R.to(torch.float64)
    F = K.shape[0]
    M = P @ (K @ K.T + cache_c) + l2 * torch.eye(F, dtype=torch.float64)
    rhs = P @ K @ R.T
    X = torch.linalg.solve(M, rhs)  # (F, C)
    rel = ((M @ X - rhs).norm() / rhs.norm()).item()
    if not rel <= 1e-10:
        fail(f"AlphaEdit system rel {rel:.3e}")
    return X.T, rel


# --------------------------------------------------------------------------------------------
# the methods. Each returns a record of what the TypeScript implementation should reproduce.
# --------------------------------------------------------------------------------------------


def moves_toward(before, after, z, what):
    """Each request whose output was not already at z moves toward it (PMET's rule can stop
    compute_z at iteration 0 with z = h: that request's residual is 0 and the others' updates
    may move it a little)."""
    for i in range(z.shape[0]):
        db = (z[i] - before[i]).norm().item()
        da = (z[i] - after[i]).norm().item()
        if db > 1e-6 * z[i].norm().item() and not da < db:
            fail(f"{what}: request {i} did not move toward z ({db:.4e} -> {da:.4e})")


class Family:
    """What MEMIT, PMET and AlphaEdit do differently: δ sites, the residual's module, its share,
    the solve."""

    def __init__(self, name, sites, residual_site, share, solve, pmet_rule=False):
        self.name, self.sites, self.residual_site = name, sites, residual_site
        self.share, self.solve, self.pmet_rule = share, solve, pmet_rule

    def h(self, model, reqs, L):
        return at_plain(model, reqs, L, "hidden" if self.residual_site == "block" else "mlp_out")


def memit_family(C0, lam):
    return Family("memit", ("block",), "block", lambda remaining: remaining,
                  lambda l, K, R: memit_solve(C0[l], lam, K, R))


def pmet_family(C0, lam):
    # xpq-tech/PMET execute_pmet: targets / np.sqrt(len(layers) - i)
    return Family("pmet", ("mlp", "attn"), "mlp", lambda remaining: math.sqrt(remaining),
                  lambda l, K, R: memit_solve(C0[l], lam, K, R), pmet_rule=True)


def alphaedit_family(P, cache, l2):
    return Family("alphaedit", ("block",), "block", lambda remaining: remaining,
                  lambda l, K, R: alphaedit_solve(P[l], cache[l], l2, K, R))


def run_distributed(model, reqs, hp, family):
    """The methods as published: z at layers[-1], residual spread over the critical layers."""
    layers = hp["layers"]
    Lz = layers[-1]
    out = {"nll_before": target_nll(model, reqs)}
    zr = [compute_z(model, r, Lz, hp, family.sites, family.pmet_rule) for r in reqs]
    zs = torch.stack([z["z"][family.residual_site] for z in zr])  # (n, C)
    out["z_runs"] = {Lz: zr}
    out["deltas"], out["ks"], out["residuals"], out["neq"] = {}, {}, {}, {}
    for i, l in enumerate(layers):
        K = compute_ks(model, reqs, l)  # (n, d_ff)
        H = family.h(model, reqs, Lz)
        R = zs - H  # model dtype, as the reference (then .double())
        D, rel = family.solve(l, K.T, R.T.to(torch.float64) / family.share(len(layers) - i))
        model.add_wout(l, D)
        out["deltas"][l], out["ks"][l], out["residuals"][l], out["neq"][l] = D, K, R, rel
        if family.name == "memit":
            moves_toward(H, family.h(model, reqs, Lz), zs, f"memit layer {l}")
    out["nll_after"] = target_nll(model, reqs)
    return out


def run_boundary(model, reqs, hp, family):
    """BLUE: only blue_layers (the first and last critical layers); z AT each, residual undivided."""
    layers = hp["blue_layers"]
    out = {"nll_before": target_nll(model, reqs), "z_runs": {}, "deltas": {}, "ks": {},
           "residuals": {}, "neq": {}}
    for l in layers:
        zr = [compute_z(model, r, l, hp, family.sites, family.pmet_rule) for r in reqs]
        zs = torch.stack([z["z"][family.residual_site] for z in zr])
        K = compute_ks(model, reqs, l)
        H = family.h(model, reqs, l)
        R = zs - H
        D, rel = family.solve(l, K.T, R.T.to(torch.float64))
        model.add_wout(l, D)
        out["z_runs"][l] = zr
        out["deltas"][l], out["ks"][l], out["residuals"][l], out["neq"][l] = D, K, R, rel
        moves_toward(H, family.h(model, reqs, l), zs, f"{family.name}+blue layer {l}")
    out["nll_after"] = target_nll(model, reqs)
    return out


def run_alphaedit(model, batches, hp, C0, blue):
    """AlphaEdit over sequential batches on one model: P from C0 (fixed), cache_c per layer starts
    at 0 and gains KKᵀ of each batch's keys read on the model after that batch."""
    layers = hp["blue_layers"] if blue else hp["layers"]
    F = C0[layers[0]].shape[0]
    P, rank, margin = {}, {}, {}
    for l in layers:
        P[l], rank[l], margin[l] = null_space_projector(C0[l], hp["nullspace_threshold"])
    cache = {l: torch.zeros(F, F, dtype=torch.float64) for l in layers}
    family = alphaedit_family(P, cache, hp["L2"])
    out = {"P_rank": rank, "P_margin": margin, "batches": []}
    for reqs in batches:
        res = (run_boundary if blue else run_distributed)(model, reqs, hp, family)
        res["cache_keys"] = {}
        for l in layers:
            K = compute_ks(model, reqs, l).to(torch.float64)
            res["cache_keys"][l] = K
            cache[l] += K.T @ K
        res["cache_trace"] = {l: cache[l].trace().item() for l in layers}
        out["batches"].append(res)
    return out


def run_rome(model, reqs, hp, C0):
    """ROME, one request at a time on the model carrying the earlier ones (rome_main.apply_rome_to_model)."""
    (l,) = hp["layers"]
    out = {"nll_before": target_nll(model, reqs), "z_runs": {l: []}, "u": [], "right": [], "deltas": []}
    total = None
    for req in reqs:
        zr = compute_z(model, req, l, hp, ("mlp",))
        kbar = compute_ks(model, [req], l)[0].to(torch.float64)  # over every template (ROME: one group each)
        k = at_plain(model, [req], l, "key")[0].to(torch.float64)
        w_k = at_plain(model, [req], l, "mlp_out")[0]
        u = torch.linalg.solve(C0[l].to(torch.float64), kbar)  # compute_u: C0⁻¹ k̄ (solve, not inverse)
        u = u / u.norm()
        right = (zr["z"]["mlp"] - w_k).to(torch.float64) / (k @ u)  # compute_v
        D = torch.outer(right, u)  # (C, F)
        model.add_wout(l, D)
        after = at_plain(model, [req], l, "mlp_out")[0]
        # the rank-one update writes v* exactly at k (up to float32 rounding of W)
        gap = ((after - zr["z"]["mlp"]).norm() / zr["z"]["mlp"].norm()).item()
        if not gap <= (1e-4 if model.dtype == torch.float32 else 1e-10):
            fail(f"ROME: W' k = v* off by {gap:.2e}")
        D32 = D.to(torch.float32)
        total = D32 if total is None else total + D32
        out["z_runs"][l].append(zr)
        out["u"].append(u)
        out["right"].append(right)
        out["deltas"].append(D)
    out["delta_total"] = total
    out["nll_after"] = target_nll(model, reqs)
    return out
