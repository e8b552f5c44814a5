#!/usr/bin/python3
"""Golden reference data for locedit's forward and backward passes: GPT-2, GPT-J, Llama, Qwen2,
Qwen3, Mistral and GPT-NeoX (Pythia).

An independent PyTorch re-implementation of Hugging Face's modeling_gpt2.py, modeling_gptj.py,
modeling_llama.py, modeling_qwen2.py, modeling_qwen3.py, modeling_mistral.py and
modeling_gpt_neox.py (eager attention, inference mode: no dropout, no KV cache), written from their
semantics, not copied. Run from the repository root:

    /usr/bin/python3 scripts/golden/make_model_goldens.py

It writes test/fixtures/models/<name>/{config.json, model.safetensors, golden.json,
golden.safetensors} for gpt2-tiny, gptj-tiny, llama-tiny, llama-tiny-tied-rope3, llama-tiny-f16,
qwen2-tiny, qwen3-tiny, mistral-tiny, gpt-neox-tiny and gpt-neox-tiny-sequential, and runs
self-checks (padding invariance, GQA vs expanded heads, rotary vs complex rotation, the sliding
window, batch independence, finite differences, safetensors round trip) that abort on failure. Output is
deterministic: running twice gives byte-identical files. See test/fixtures/models/README.md.

Weights are random (seeded) and stored as float32 (F16 for llama-tiny-f16). Every golden value is
computed in float64 from those stored weights (upcast exactly) and cast to float32 on write.
"""

import json
import math
import os
import shutil
import struct
import sys

import numpy as np
import torch

torch.set_num_threads(1)
torch.use_deterministic_algorithms(True)

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT_DIR = os.path.join(ROOT, "test", "fixtures", "models")
DT = torch.float64  # compute dtype of every golden value
# Additive-mask value HF uses (finfo(float32).min); we masked_fill with it (see attention()).
MASK_VALUE = float(torch.finfo(torch.float32).min)

B, T = 3, 7
PAD_ID = 0
DELTA_LAYER = 1
DELTA_POSITIONS = [2, 1, 4]
TARGET_POSITIONS = [[2, 5], [3, 4], [5, 6]]
SITES = ("block", "mlp", "attn")

# --------------------------------------------------------------------------------------------
# safetensors
# --------------------------------------------------------------------------------------------

_ST_DTYPES = {torch.float32: ("F32", np.float32), torch.float16: ("F16", np.float16)}


def write_safetensors(path, tensors, metadata=None):
    """tensors: dict name -> torch tensor (float32 or float16). Names sorted; data packed in order."""
    header = {}
    blobs = []
    offset = 0
    for name in sorted(tensors):
        t = tensors[name].detach().contiguous()
        code, npdt = _ST_DTYPES[t.dtype]
        raw = np.ascontiguousarray(t.numpy(), dtype=np.dtype(npdt).newbyteorder("<")).tobytes()
        header[name] = {"dtype": code, "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    if metadata is not None:
        header["__metadata__"] = metadata
    hjson = json.dumps(header, separators=(",", ":"), sort_keys=False).encode("utf-8")
    hjson += b" " * ((8 - len(hjson) % 8) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(hjson)))
        f.write(hjson)
        for raw in blobs:
            f.write(raw)
    os.replace(tmp, path)


def read_safetensors(path):
    with open(path, "rb") as f:
        buf = f.read()
    (n,) = struct.unpack("<Q", buf[:8])
    header = json.loads(buf[8 : 8 + n].decode("utf-8"))
    data = buf[8 + n :]
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        npdt = {"F32": "<f4", "F16": "<f2"}[info["dtype"]]
        a, b = info["data_offsets"]
        arr = np.frombuffer(data[a:b], dtype=npdt).reshape(info["shape"])
        out[name] = torch.from_numpy(arr.copy())
    return out


# --------------------------------------------------------------------------------------------
# configs (HF field names, as save_pretrained would write them)
# --------------------------------------------------------------------------------------------


def gpt2_config():
    return {
        "activation_function": "gelu_new",
        "architectures": ["GPT2LMHeadModel"],
        "attn_pdrop": 0.1,
        "bos_token_id": 100,
        "embd_pdrop": 0.1,
        "eos_token_id": 100,
        "initializer_range": 0.02,
        "layer_norm_epsilon": 1e-05,
        "model_type": "gpt2",
        "n_ctx": 32,
        "n_embd": 32,
        "n_head": 4,
        "n_inner": None,
        "n_layer": 3,
        "n_positions": 32,
        "reorder_and_upcast_attn": False,
        "resid_pdrop": 0.1,
        "scale_attn_by_inverse_layer_idx": False,
        "scale_attn_weights": True,
        "summary_activation": None,
        "summary_first_dropout": 0.1,
        "summary_proj_to_labels": True,
        "summary_type": "cls_index",
        "summary_use_proj": True,
        "tie_word_embeddings": True,
        "torch_dtype": "float32",
        "transformers_version": "4.44.2",
        "use_cache": True,
        "vocab_size": 101,
    }


def gptj_config():
    return {
        "activation_function": "gelu_new",
        "architectures": ["GPTJForCausalLM"],
        "attn_pdrop": 0.0,
        "bos_token_id": 100,
        "embd_pdrop": 0.0,
        "eos_token_id": 100,
        "initializer_range": 0.02,
        "layer_norm_epsilon": 1e-05,
        "model_type": "gptj",
        "n_embd": 32,
        "n_head": 4,
        "n_inner": 64,
        "n_layer": 3,
        "n_positions": 32,
        "resid_pdrop": 0.0,
        "rotary": True,
        "rotary_dim": 4,
        "tie_word_embeddings": False,
        "torch_dtype": "float32",
        "transformers_version": "4.44.2",
        "use_cache": True,
        "vocab_size": 101,
    }


def llama_config(tied=False, rope3=False, dtype="float32"):
    cfg = {
        "architectures": ["LlamaForCausalLM"],
        "attention_bias": False,
        "attention_dropout": 0.0,
        "bos_token_id": 1,
        "eos_token_id": 2,
        "head_dim": 8,
        "hidden_act": "silu",
        "hidden_size": 32,
        "initializer_range": 0.02,
        "intermediate_size": 48,
        "max_position_embeddings": 32,
        "mlp_bias": False,
        "model_type": "llama",
        "num_attention_heads": 4,
        "num_hidden_layers": 3,
        "num_key_value_heads": 2,
        "pretraining_tp": 1,
        "rms_norm_eps": 1e-06,
        "rope_scaling": None,
        "rope_theta": 10000.0,
        "tie_word_embeddings": tied,
        "torch_dtype": dtype,
        "transformers_version": "4.44.2",
        "use_cache": True,
        "vocab_size": 101,
    }
    if rope3:
        # original_max_position_embeddings 256 (not 16) so that the three llama3 frequency regimes
        # are all exercised with head_dim 8 and theta 5e5: wavelengths 6.28 (< 256/4: kept), 167
        # (between 64 and 256: smoothed), 4455 and 1.2e5 (> 256: divided by factor).
        # max_position_embeddings 512 keeps HF's validation (original < max) quiet; it has no
        # other effect for Llama (no learned position table).
        cfg["rope_scaling"] = {
            "factor": 8.0,
            "high_freq_factor": 4.0,
            "low_freq_factor": 1.0,
            "original_max_position_embeddings": 256,
            "rope_type": "llama3",
        }
        cfg["rope_theta"] = 500000.0
        cfg["max_position_embeddings"] = 512
    return cfg


# Llama-layout families: their configs differ from Llama's in the fields each modeling file reads.
LLAMA_LIKE = ("llama", "qwen2", "qwen3", "mistral")

# The newer fixtures double as runnable checkpoints for the CLI tests: their vocabulary and
# bos/eos ids are those of the small test tokenizer, whose files are copied into each folder.
TOKENIZER_DIR = os.path.join(ROOT, "test", "fixtures", "tokenizers", "llama3-tiny")
TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json")


def tokenizer_ids():
    with open(os.path.join(TOKENIZER_DIR, "tokenizer.json"), encoding="utf-8") as f:
        tok = json.load(f)
    ids = list(tok["model"]["vocab"].values()) + [t["id"] for t in tok["added_tokens"]]
    special = {t["content"]: t["id"] for t in tok["added_tokens"]}
    return {
        "vocab_size": max(ids) + 1,
        "bos_token_id": special["<|begin_of_text|>"],
        "eos_token_id": special["<|end_of_text|>"],
    }


def with_tokenizer(cfg):
    """cfg with the test tokenizer's vocabulary size and bos/eos ids."""
    return dict(cfg, **tokenizer_ids())


def qwen2_config():
    """Qwen2/Qwen2.5: q/k/v biases (no o_proj bias), tied embeddings as on the 0.5B-3B sizes."""
    return {
        "architectures": ["Qwen2ForCausalLM"],
        "attention_dropout": 0.0,
        "bos_token_id": 1,
        "eos_token_id": 2,
        "hidden_act": "silu",
        "hidden_size": 32,
        "initializer_range": 0.02,
        "intermediate_size": 48,
        "max_position_embeddings": 128,
        "max_window_layers": 3,
        "model_type": "qwen2",
        "num_attention_heads": 4,
        "num_hidden_layers": 3,
        "num_key_value_heads": 2,
        "rms_norm_eps": 1e-06,
        "rope_scaling": None,
        "rope_theta": 1000000.0,
        "sliding_window": 128,
        "tie_word_embeddings": True,
        "torch_dtype": "float32",
        "transformers_version": "4.44.2",
        "use_cache": True,
        "use_sliding_window": False,
        "vocab_size": 101,
    }


def qwen3_config():
    """Qwen3: per-head RMSNorm on q and k before RoPE, head_dim 16 != hidden_size / heads = 8."""
    return {
        "architectures": ["Qwen3ForCausalLM"],
        "attention_bias": False,
        "attention_dropout": 0.0,
        "bos_token_id": 1,
        "eos_token_id": 2,
        "head_dim": 16,
        "hidden_act": "silu",
        "hidden_size": 32,
        "initializer_range": 0.02,
        "intermediate_size": 48,
        "max_position_embeddings": 128,
        "max_window_layers": 3,
        "model_type": "qwen3",
        "num_attention_heads": 4,
        "num_hidden_layers": 3,
        "num_key_value_heads": 2,
        "rms_norm_eps": 1e-06,
        "rope_scaling": None,
        "rope_theta": 1000000.0,
        "sliding_window": None,
        "tie_word_embeddings": True,
        "torch_dtype": "float32",
        "transformers_version": "4.51.0",
        "use_cache": True,
        "use_sliding_window": False,
        "vocab_size": 101,
    }


def mistral_config():
    """Mistral: Llama layout with a sliding attention window (64 tokens here; locedit refuses longer
    sequences, and the golden batch's 7 tokens stay inside it)."""
    return {
        "architectures": ["MistralForCausalLM"],
        "attention_dropout": 0.0,
        "bos_token_id": 1,
        "eos_token_id": 2,
        "hidden_act": "silu",
        "hidden_size": 32,
        "initializer_range": 0.02,
        "intermediate_size": 48,
        "max_position_embeddings": 128,
        "model_type": "mistral",
        "num_attention_heads": 4,
        "num_hidden_layers": 3,
        "num_key_value_heads": 2,
        "rms_norm_eps": 1e-05,
        "rope_theta": 10000.0,
        "sliding_window": 64,
        "tie_word_embeddings": False,
        "torch_dtype": "float32",
        "transformers_version": "4.44.2",
        "use_cache": True,
        "vocab_size": 101,
    }


def gpt_neox_config(parallel=True):
    """GPT-NeoX / Pythia: fused head-interleaved qkv, rotary on 25 % of each head, exact GELU."""
    return {
        "architectures": ["GPTNeoXForCausalLM"],
        "attention_bias": True,
        "attention_dropout": 0.0,
        "bos_token_id": 100,
        "classifier_dropout": 0.1,
        "eos_token_id": 100,
        "hidden_act": "gelu",
        "hidden_dropout": 0.0,
        "hidden_size": 32,
        "initializer_range": 0.02,
        "intermediate_size": 64,
        "layer_norm_eps": 1e-05,
        "max_position_embeddings": 128,
        "model_type": "gpt_neox",
        "num_attention_heads": 2,
        "num_hidden_layers": 3,
        "rope_scaling": None,
        "rotary_emb_base": 10000,
        "rotary_pct": 0.25,
        "tie_word_embeddings": False,
        "torch_dtype": "float32",
        "transformers_version": "4.44.2",
        "use_cache": True,
        "use_parallel_residual": parallel,
        "vocab_size": 101,
    }


def head_dim(cfg):
    return cfg.get("head_dim") or cfg["hidden_size"] // cfg["num_attention_heads"]


# --------------------------------------------------------------------------------------------
# random weights in HF names and layouts
# --------------------------------------------------------------------------------------------


def param_specs(arch, cfg):
    """Ordered list of (name, shape, kind); kind in {mat, norm, bias}."""
    s = []
    if arch == "gpt2":
        C, V, P, L = cfg["n_embd"], cfg["vocab_size"], cfg["n_positions"], cfg["n_layer"]
        F = cfg["n_inner"] or 4 * C
        s += [("wte.weight", (V, C), "mat"), ("wpe.weight", (P, C), "mat")]
        for i in range(L):
            p = f"h.{i}."
            s += [
                (p + "ln_1.weight", (C,), "norm"),
                (p + "ln_1.bias", (C,), "bias"),
                (p + "attn.c_attn.weight", (C, 3 * C), "mat"),  # Conv1D: [in, out]
                (p + "attn.c_attn.bias", (3 * C,), "bias"),
                (p + "attn.c_proj.weight", (C, C), "mat"),
                (p + "attn.c_proj.bias", (C,), "bias"),
                (p + "ln_2.weight", (C,), "norm"),
                (p + "ln_2.bias", (C,), "bias"),
                (p + "mlp.c_fc.weight", (C, F), "mat"),
                (p + "mlp.c_fc.bias", (F,), "bias"),
                (p + "mlp.c_proj.weight", (F, C), "mat"),
                (p + "mlp.c_proj.bias", (C,), "bias"),
            ]
        s += [("ln_f.weight", (C,), "norm"), ("ln_f.bias", (C,), "bias")]
    elif arch == "gptj":
        C, V, L = cfg["n_embd"], cfg["vocab_size"], cfg["n_layer"]
        F = cfg["n_inner"] or 4 * C
        s += [("transformer.wte.weight", (V, C), "mat")]
        for i in range(L):
            p = f"transformer.h.{i}."
            s += [
                (p + "ln_1.weight", (C,), "norm"),
                (p + "ln_1.bias", (C,), "bias"),
                (p + "attn.q_proj.weight", (C, C), "mat"),  # nn.Linear: [out, in]
                (p + "attn.k_proj.weight", (C, C), "mat"),
                (p + "attn.v_proj.weight", (C, C), "mat"),
                (p + "attn.out_proj.weight", (C, C), "mat"),
                (p + "mlp.fc_in.weight", (F, C), "mat"),
                (p + "mlp.fc_in.bias", (F,), "bias"),
                (p + "mlp.fc_out.weight", (C, F), "mat"),
                (p + "mlp.fc_out.bias", (C,), "bias"),
            ]
        s += [
            ("transformer.ln_f.weight", (C,), "norm"),
            ("transformer.ln_f.bias", (C,), "bias"),
            ("lm_head.weight", (V, C), "mat"),
            ("lm_head.bias", (V,), "bias"),
        ]
    elif arch == "gpt_neox":
        C, V, L, F = cfg["hidden_size"], cfg["vocab_size"], cfg["num_hidden_layers"], cfg["intermediate_size"]
        s += [("gpt_neox.embed_in.weight", (V, C), "mat")]
        for i in range(L):
            p = f"gpt_neox.layers.{i}."
            s += [
                (p + "input_layernorm.weight", (C,), "norm"),
                (p + "input_layernorm.bias", (C,), "bias"),
                (p + "post_attention_layernorm.weight", (C,), "norm"),
                (p + "post_attention_layernorm.bias", (C,), "bias"),
                (p + "attention.query_key_value.weight", (3 * C, C), "mat"),  # rows (head, q|k|v, d)
                (p + "attention.query_key_value.bias", (3 * C,), "bias"),
                (p + "attention.dense.weight", (C, C), "mat"),
                (p + "attention.dense.bias", (C,), "bias"),
                (p + "mlp.dense_h_to_4h.weight", (F, C), "mat"),
                (p + "mlp.dense_h_to_4h.bias", (F,), "bias"),
                (p + "mlp.dense_4h_to_h.weight", (C, F), "mat"),
                (p + "mlp.dense_4h_to_h.bias", (C,), "bias"),
            ]
        s += [
            ("gpt_neox.final_layer_norm.weight", (C,), "norm"),
            ("gpt_neox.final_layer_norm.bias", (C,), "bias"),
            ("embed_out.weight", (V, C), "mat"),
        ]
    else:
        C, V, L = cfg["hidden_size"], cfg["vocab_size"], cfg["num_hidden_layers"]
        H, KV, D, F = cfg["num_attention_heads"], cfg["num_key_value_heads"], head_dim(cfg), cfg["intermediate_size"]
        qkv_bias = arch == "qwen2"
        s += [("model.embed_tokens.weight", (V, C), "mat")]
        for i in range(L):
            p = f"model.layers.{i}."
            s += [(p + "input_layernorm.weight", (C,), "norm")]
            for name, rows in (("q_proj", H * D), ("k_proj", KV * D), ("v_proj", KV * D)):
                s += [(p + f"self_attn.{name}.weight", (rows, C), "mat")]
                if qkv_bias:
                    s += [(p + f"self_attn.{name}.bias", (rows,), "bias")]
            if arch == "qwen3":
                s += [(p + "self_attn.q_norm.weight", (D,), "norm"), (p + "self_attn.k_norm.weight", (D,), "norm")]
            s += [
                (p + "self_attn.o_proj.weight", (C, H * D), "mat"),
                (p + "post_attention_layernorm.weight", (C,), "norm"),
                (p + "mlp.gate_proj.weight", (F, C), "mat"),
                (p + "mlp.up_proj.weight", (F, C), "mat"),
                (p + "mlp.down_proj.weight", (C, F), "mat"),
            ]
        s += [("model.norm.weight", (C,), "norm")]
        if not cfg["tie_word_embeddings"]:
            s += [("lm_head.weight", (V, C), "mat")]
    return s


def make_weights(arch, cfg, seed):
    g = torch.Generator().manual_seed(seed)
    w = {}
    for name, shape, kind in param_specs(arch, cfg):
        z = torch.randn(shape, generator=g, dtype=torch.float64)
        if kind == "mat":
            v = 0.2 * z
        elif kind == "norm":
            v = 1.0 + 0.1 * z
        else:
            v = 0.1 * z
        w[name] = v.to(torch.float32)
    return w


def file_tensors(arch, cfg, weights):
    """What goes into model.safetensors: the parameters plus, for gpt2, the old causal-mask buffer."""
    out = dict(weights)
    if arch == "gpt2":
        P = cfg["n_positions"]
        mask = torch.tril(torch.ones(P, P, dtype=torch.float32)).view(1, 1, P, P)
        for i in range(cfg["n_layer"]):
            out[f"h.{i}.attn.bias"] = mask.clone()
    if arch == "gpt_neox":  # buffers older Pythia checkpoints carry: not parameters
        inv = neox_inv_freq(cfg).to(torch.float32)
        for i in range(cfg["num_hidden_layers"]):
            out[f"gpt_neox.layers.{i}.attention.rotary_emb.inv_freq"] = inv.clone()
            out[f"gpt_neox.layers.{i}.attention.masked_bias"] = torch.tensor(-1e9, dtype=torch.float32)
    return out


# --------------------------------------------------------------------------------------------
# building blocks (float64)
# --------------------------------------------------------------------------------------------


def gelu_new(x):
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))


def layer_norm(x, w, b, eps):
    mu = x.mean(-1, keepdim=True)
    var = ((x - mu) ** 2).mean(-1, keepdim=True)  # biased variance
    return (x - mu) / torch.sqrt(var + eps) * w + b


def rms_norm(x, w, eps):
    return w * (x * torch.rsqrt((x * x).mean(-1, keepdim=True) + eps))


def allowed_mask(mask):
    """[B,T,T] bool: query i may attend key j iff j <= i and key j is not padding."""
    Tn = mask.shape[1]
    causal = torch.tril(torch.ones(Tn, Tn, dtype=torch.bool))
    return causal[None, :, :] & (mask[:, None, :] == 1)


def attention(q, k, v, allowed):
    """q,k,v [B,H,T,D]. Disallowed scores are replaced by finfo(float32).min (HF's min_dtype
    masked_fill convention); a query row with no allowed key (a left-padding position) therefore
    ends up uniform over all T keys. Such rows are padding and never read."""
    D = q.shape[-1]
    s = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(D)
    s = s.masked_fill(~allowed[:, None, :, :], MASK_VALUE)
    p = torch.softmax(s, dim=-1)
    return torch.matmul(p, v)


def rotate_every_two(x):
    x1 = x[..., ::2]
    x2 = x[..., 1::2]
    return torch.stack((-x2, x1), dim=-1).flatten(-2)


def gptj_rotary(x, position_ids, rotary_dim):
    """x [B,T,H,D]; rotary on the first rotary_dim dims of each head, GPT-J interleaved pairs."""
    inv_freq = 1.0 / (10000.0 ** (torch.arange(0, rotary_dim, 2, dtype=DT) / rotary_dim))
    ang = position_ids.to(DT)[:, :, None] * inv_freq  # [B,T,rd/2]
    sin = torch.repeat_interleave(torch.sin(ang)[:, :, None, :], 2, dim=3).to(x.dtype)  # [B,T,1,rd]
    cos = torch.repeat_interleave(torch.cos(ang)[:, :, None, :], 2, dim=3).to(x.dtype)
    xr, xp = x[..., :rotary_dim], x[..., rotary_dim:]
    xr = xr * cos + rotate_every_two(xr) * sin
    return torch.cat([xr, xp], dim=-1)


def rotate_half(x):
    h = x.shape[-1] // 2
    return torch.cat((-x[..., h:], x[..., :h]), dim=-1)


def llama_inv_freq(cfg):
    D = head_dim(cfg)
    base = cfg["rope_theta"]
    inv = 1.0 / (base ** (torch.arange(0, D, 2, dtype=DT) / D))
    rs = cfg.get("rope_scaling")
    if rs is None:
        return inv
    rtype = rs.get("rope_type", rs.get("type"))
    if rtype == "linear":
        return inv / rs["factor"]
    assert rtype == "llama3", rtype
    factor, lo, hi = rs["factor"], rs["low_freq_factor"], rs["high_freq_factor"]
    old = rs["original_max_position_embeddings"]
    low_wl, high_wl = old / lo, old / hi
    wl = 2 * math.pi / inv
    out = torch.where(wl > low_wl, inv / factor, inv)
    smooth = (old / wl - lo) / (hi - lo)
    smoothed = (1 - smooth) * out / factor + smooth * out
    medium = ~(wl < high_wl) & ~(wl > low_wl)
    return torch.where(medium, smoothed, out)


def llama_rope(x, position_ids, inv_freq):
    """x [B,H,T,D]; rotate-half RoPE with emb = cat(freqs, freqs)."""
    freqs = position_ids.to(DT)[:, :, None] * inv_freq  # [B,T,D/2]
    emb = torch.cat((freqs, freqs), dim=-1)
    cos, sin = torch.cos(emb)[:, None].to(x.dtype), torch.sin(emb)[:, None].to(x.dtype)
    return x * cos + rotate_half(x) * sin


def gelu_exact(x):
    """GELU with the Gaussian CDF (GPT-NeoX's "gelu"): 0.5·x·(1 + erf(x/√2))."""
    return 0.5 * x * (1.0 + torch.erf(x / math.sqrt(2.0)))


def neox_rotary_dims(cfg):
    pct = cfg.get("partial_rotary_factor", cfg.get("rotary_pct", 1.0))
    return int((cfg["hidden_size"] // cfg["num_attention_heads"]) * pct)


def neox_inv_freq(cfg):
    rot = neox_rotary_dims(cfg)
    base = cfg.get("rope_theta", cfg.get("rotary_emb_base", 10000))
    return 1.0 / (base ** (torch.arange(0, rot, 2, dtype=DT) / rot))


def sliding_window_of(arch, cfg):
    """Mistral always windows (when sliding_window is set); Qwen2/3 only with use_sliding_window."""
    if arch == "mistral" or (arch in ("qwen2", "qwen3") and cfg.get("use_sliding_window")):
        return cfg.get("sliding_window")
    return None


def windowed(allowed, window):
    """Sliding window on sequence indices: query i also needs i - j < window (HF's convention)."""
    if window is None:
        return allowed
    Tn = allowed.shape[-1]
    i = torch.arange(Tn)[:, None]
    j = torch.arange(Tn)[None, :]
    return allowed & ((i - j) < window)[None]


# --------------------------------------------------------------------------------------------
# forward passes (float64). `delta` = None, dict(site, layer, positions[B], vec [B,C]) or a list of them.
# --------------------------------------------------------------------------------------------


def _add_delta(x, site, layer, delta):
    if isinstance(delta, (list, tuple)):  # several sites at once (PMET's attention + MLP outputs)
        for d in delta:
            x = _add_delta(x, site, layer, d)
        return x
    if delta is None or delta["site"] != site or delta["layer"] != layer:
        return x
    Bn, Tn, _ = x.shape
    onehot = torch.zeros(Bn, Tn, 1, dtype=x.dtype)
    for b, p in enumerate(delta["positions"]):
        onehot[b, p, 0] = 1.0
    return x + onehot * delta["vec"][:, None, :]


def forward(arch, cfg, W, input_ids, mask, position_ids, delta=None):
    """W: dict name -> float64 tensor (HF layout). Returns dict of activations."""
    allowed = allowed_mask(mask)
    Bn, Tn = input_ids.shape
    rec = {"hidden": [], "key": [], "attn_out": [], "mlp_out": []}
    if arch == "gpt2":
        C, H, L, eps = cfg["n_embd"], cfg["n_head"], cfg["n_layer"], cfg["layer_norm_epsilon"]
        D = C // H
        h = W["wte.weight"][input_ids] + W["wpe.weight"][position_ids]
        rec["embed"] = h
        for i in range(L):
            p = f"h.{i}."
            a = layer_norm(h, W[p + "ln_1.weight"], W[p + "ln_1.bias"], eps)
            qkv = a @ W[p + "attn.c_attn.weight"] + W[p + "attn.c_attn.bias"]
            q, k, v = qkv.split(C, dim=-1)
            q, k, v = (t.reshape(Bn, Tn, H, D).transpose(1, 2) for t in (q, k, v))
            o = attention(q, k, v, allowed).transpose(1, 2).reshape(Bn, Tn, C)
            att = o @ W[p + "attn.c_proj.weight"] + W[p + "attn.c_proj.bias"]
            att = _add_delta(att, "attn", i, delta)
            h = h + att
            m = layer_norm(h, W[p + "ln_2.weight"], W[p + "ln_2.bias"], eps)
            key = gelu_new(m @ W[p + "mlp.c_fc.weight"] + W[p + "mlp.c_fc.bias"])
            mlp = key @ W[p + "mlp.c_proj.weight"] + W[p + "mlp.c_proj.bias"]
            mlp = _add_delta(mlp, "mlp", i, delta)
            h = h + mlp
            h = _add_delta(h, "block", i, delta)
            rec["attn_out"].append(att)
            rec["mlp_out"].append(mlp)
            rec["key"].append(key)
            rec["hidden"].append(h)
        f = layer_norm(h, W["ln_f.weight"], W["ln_f.bias"], eps)
        logits = f @ W["wte.weight"].T
    elif arch == "gptj":
        C, H, L, eps = cfg["n_embd"], cfg["n_head"], cfg["n_layer"], cfg["layer_norm_epsilon"]
        D, rd = C // H, cfg["rotary_dim"] or C // H
        h = W["transformer.wte.weight"][input_ids]
        rec["embed"] = h
        for i in range(L):
            p = f"transformer.h.{i}."
            x = layer_norm(h, W[p + "ln_1.weight"], W[p + "ln_1.bias"], eps)
            q = (x @ W[p + "attn.q_proj.weight"].T).reshape(Bn, Tn, H, D)
            k = (x @ W[p + "attn.k_proj.weight"].T).reshape(Bn, Tn, H, D)
            v = (x @ W[p + "attn.v_proj.weight"].T).reshape(Bn, Tn, H, D)
            q = gptj_rotary(q, position_ids, rd)
            k = gptj_rotary(k, position_ids, rd)
            q, k, v = (t.transpose(1, 2) for t in (q, k, v))
            o = attention(q, k, v, allowed).transpose(1, 2).reshape(Bn, Tn, C)
            att = o @ W[p + "attn.out_proj.weight"].T
            att = _add_delta(att, "attn", i, delta)
            key = gelu_new(x @ W[p + "mlp.fc_in.weight"].T + W[p + "mlp.fc_in.bias"])
            mlp = key @ W[p + "mlp.fc_out.weight"].T + W[p + "mlp.fc_out.bias"]
            mlp = _add_delta(mlp, "mlp", i, delta)
            h = att + mlp + h  # parallel residual
            h = _add_delta(h, "block", i, delta)
            rec["attn_out"].append(att)
            rec["mlp_out"].append(mlp)
            rec["key"].append(key)
            rec["hidden"].append(h)
        f = layer_norm(h, W["transformer.ln_f.weight"], W["transformer.ln_f.bias"], eps)
        logits = f @ W["lm_head.weight"].T + W["lm_head.bias"]
    elif arch == "gpt_neox":
        C, H, L, eps = cfg["hidden_size"], cfg["num_attention_heads"], cfg["num_hidden_layers"], cfg["layer_norm_eps"]
        D, rot = C // H, neox_rotary_dims(cfg)
        inv_freq = neox_inv_freq(cfg)
        parallel = cfg.get("use_parallel_residual", True)
        h = W["gpt_neox.embed_in.weight"][input_ids]
        rec["embed"] = h
        for i in range(L):
            p = f"gpt_neox.layers.{i}."
            a = layer_norm(h, W[p + "input_layernorm.weight"], W[p + "input_layernorm.bias"], eps)
            qkv = a @ W[p + "attention.query_key_value.weight"].T + W[p + "attention.query_key_value.bias"]
            qkv = qkv.reshape(Bn, Tn, H, 3 * D).transpose(1, 2)  # each head: [q | k | v]
            q, k, v = qkv[..., :D], qkv[..., D : 2 * D], qkv[..., 2 * D :]
            # rotate-half RoPE on the first `rot` dims of each head; the rest pass through
            q = torch.cat([llama_rope(q[..., :rot], position_ids, inv_freq), q[..., rot:]], dim=-1)
            k = torch.cat([llama_rope(k[..., :rot], position_ids, inv_freq), k[..., rot:]], dim=-1)
            o = attention(q, k, v, allowed).transpose(1, 2).reshape(Bn, Tn, C)
            att = o @ W[p + "attention.dense.weight"].T + W[p + "attention.dense.bias"]
            att = _add_delta(att, "attn", i, delta)
            r = h if parallel else h + att  # parallel: both branches read the block input
            m = layer_norm(r, W[p + "post_attention_layernorm.weight"], W[p + "post_attention_layernorm.bias"], eps)
            key = gelu_exact(m @ W[p + "mlp.dense_h_to_4h.weight"].T + W[p + "mlp.dense_h_to_4h.bias"])
            mlp = key @ W[p + "mlp.dense_4h_to_h.weight"].T + W[p + "mlp.dense_4h_to_h.bias"]
            mlp = _add_delta(mlp, "mlp", i, delta)
            h = (mlp + att + h) if parallel else (r + mlp)
            h = _add_delta(h, "block", i, delta)
            rec["attn_out"].append(att)
            rec["mlp_out"].append(mlp)
            rec["key"].append(key)
            rec["hidden"].append(h)
        f = layer_norm(h, W["gpt_neox.final_layer_norm.weight"], W["gpt_neox.final_layer_norm.bias"], eps)
        logits = f @ W["embed_out.weight"].T
    else:
        C, L, eps = cfg["hidden_size"], cfg["num_hidden_layers"], cfg["rms_norm_eps"]
        H, KV, D = cfg["num_attention_heads"], cfg["num_key_value_heads"], head_dim(cfg)
        rep = H // KV
        inv_freq = llama_inv_freq(cfg)
        allowed = windowed(allowed, sliding_window_of(arch, cfg))
        h = W["model.embed_tokens.weight"][input_ids]
        rec["embed"] = h

        def project(x, p, name, heads):
            y = x @ W[p + f"self_attn.{name}_proj.weight"].T
            if p + f"self_attn.{name}_proj.bias" in W:  # Qwen2's q/k/v biases
                y = y + W[p + f"self_attn.{name}_proj.bias"]
            y = y.reshape(Bn, Tn, heads, D)
            if name in ("q", "k") and p + f"self_attn.{name}_norm.weight" in W:  # Qwen3: per-head RMSNorm
                y = rms_norm(y, W[p + f"self_attn.{name}_norm.weight"], eps)
            return y.transpose(1, 2)

        for i in range(L):
            p = f"model.layers.{i}."
            x = rms_norm(h, W[p + "input_layernorm.weight"], eps)
            q, k, v = project(x, p, "q", H), project(x, p, "k", KV), project(x, p, "v", KV)
            q = llama_rope(q, position_ids, inv_freq)
            k = llama_rope(k, position_ids, inv_freq)
            # repeat_kv: query head j uses kv head j // rep
            k = k[:, :, None].expand(Bn, KV, rep, Tn, D).reshape(Bn, H, Tn, D)
            v = v[:, :, None].expand(Bn, KV, rep, Tn, D).reshape(Bn, H, Tn, D)
            o = attention(q, k, v, allowed).transpose(1, 2).reshape(Bn, Tn, H * D)
            att = o @ W[p + "self_attn.o_proj.weight"].T
            att = _add_delta(att, "attn", i, delta)
            h = h + att
            m = rms_norm(h, W[p + "post_attention_layernorm.weight"], eps)
            gate = m @ W[p + "mlp.gate_proj.weight"].T
            key = torch.nn.functional.silu(gate) * (m @ W[p + "mlp.up_proj.weight"].T)
            mlp = key @ W[p + "mlp.down_proj.weight"].T
            mlp = _add_delta(mlp, "mlp", i, delta)
            h = h + mlp
            h = _add_delta(h, "block", i, delta)
            rec["attn_out"].append(att)
            rec["mlp_out"].append(mlp)
            rec["key"].append(key)
            rec["hidden"].append(h)
        f = rms_norm(h, W["model.norm.weight"], eps)
        head = W["model.embed_tokens.weight"] if cfg["tie_word_embeddings"] else W["lm_head.weight"]
        logits = f @ head.T
    rec["final_hidden"] = f
    rec["logits"] = logits
    return rec


# --------------------------------------------------------------------------------------------
# losses
# --------------------------------------------------------------------------------------------


def delta_loss_fn(logits, target_positions, target_ids):
    lp = torch.log_softmax(logits, dim=-1)
    tot = logits.new_zeros(())
    for b in range(len(target_positions)):
        for pos, tid in zip(target_positions[b], target_ids[b]):
            tot = tot - lp[b, pos, tid]
    return tot


def train_loss_fn(logits, input_ids, mask):
    lp = torch.log_softmax(logits, dim=-1)
    terms = []
    Bn, Tn = input_ids.shape
    for b in range(Bn):
        for t in range(Tn - 1):
            if mask[b, t] == 1 and mask[b, t + 1] == 1:
                terms.append(-lp[b, t, input_ids[b, t + 1]])
    return torch.stack(terms).mean()


# --------------------------------------------------------------------------------------------
# inputs
# --------------------------------------------------------------------------------------------


def make_inputs(V):
    g = torch.Generator().manual_seed(1234)
    ids = torch.randint(1, V, (B, T), generator=g)
    mask = torch.ones(B, T, dtype=torch.long)
    mask[1, T - 2 :] = 0  # right padding
    mask[2, :3] = 0  # left padding
    ids = torch.where(mask == 1, ids, torch.full_like(ids, PAD_ID))
    pos = torch.clamp(torch.cumsum(mask, dim=1) - 1, min=0)
    target_ids = torch.randint(1, V, (B, 2), generator=g)
    for b in range(B):
        assert DELTA_POSITIONS[b] <= min(TARGET_POSITIONS[b])
        for tp in TARGET_POSITIONS[b] + [DELTA_POSITIONS[b]]:
            assert mask[b, tp] == 1
    return ids, mask, pos, target_ids


def delta_vectors(C, seed):
    g = torch.Generator().manual_seed(seed)
    return {s: (0.5 * torch.randn(B, C, generator=g, dtype=torch.float64)).to(torch.float32) for s in SITES}


def hidden_size(cfg):
    return cfg.get("n_embd") or cfg["hidden_size"]


def to64(weights):
    return {k: v.to(DT) for k, v in weights.items()}


# --------------------------------------------------------------------------------------------
# self-checks
# --------------------------------------------------------------------------------------------


def close(a, b, tol, what):
    err = (a - b).abs().max().item()
    if not err <= tol:
        sys.exit(f"SELF-CHECK FAILED: {what}: max abs err {err:.3e} > {tol:.1e}")
    return err


def check_padding_and_batching(arch, cfg, W, ids, mask, pos, ref):
    for b in range(B):
        real = (mask[b] == 1).nonzero().flatten()
        sub_ids = ids[b : b + 1, real]
        n = sub_ids.shape[1]
        sub = forward(arch, cfg, W, sub_ids, torch.ones(1, n, dtype=torch.long), torch.arange(n)[None])
        close(sub["logits"][0], ref["logits"][b, real], 1e-10, f"{arch} row {b} unpadded vs padded")
        one = forward(arch, cfg, W, ids[b : b + 1], mask[b : b + 1], pos[b : b + 1])
        close(one["logits"][0], ref["logits"][b], 1e-12, f"{arch} row {b} alone vs batched")


def check_gqa_expanded(arch, cfg, W, ids, mask, pos, ref):
    H, KV, D = cfg["num_attention_heads"], cfg["num_key_value_heads"], head_dim(cfg)
    rep = H // KV
    cfg2 = dict(cfg, num_key_value_heads=H)
    W2 = dict(W)
    for i in range(cfg["num_hidden_layers"]):
        for n in ("k_proj", "v_proj"):
            name = f"model.layers.{i}.self_attn.{n}.weight"
            w = W[name].reshape(KV, D, -1)
            W2[name] = w.repeat_interleave(rep, dim=0).reshape(H * D, -1)
            bias = f"model.layers.{i}.self_attn.{n}.bias"
            if bias in W:
                W2[bias] = W[bias].reshape(KV, D).repeat_interleave(rep, dim=0).reshape(H * D)
    out = forward(arch, cfg2, W2, ids, mask, pos)
    close(out["logits"], ref["logits"], 1e-12, f"{arch} GQA vs expanded heads")


def check_sliding_window(arch, cfg, W, ids, mask, pos, ref):
    """A window wider than the batch changes nothing; a narrow one changes the logits."""
    wide = forward(arch, dict(cfg, sliding_window=None), W, ids, mask, pos)
    close(wide["logits"], ref["logits"], 1e-12, f"{arch} window {cfg['sliding_window']} >= T vs no window")
    narrow = forward(arch, dict(cfg, sliding_window=2), W, ids, mask, pos)
    row0 = (narrow["logits"][0, 2:] - ref["logits"][0, 2:]).abs().max().item()
    if not row0 > 1e-3:
        sys.exit(f"SELF-CHECK FAILED: {arch} a window of 2 should change row 0's logits (max change {row0:.1e})")
    close(narrow["logits"][0, :2], ref["logits"][0, :2], 1e-12, f"{arch} window 2 leaves the first 2 tokens")


def check_neox_qkv_layout(cfg, W, ids, mask, pos, ref):
    """GPT-NeoX's head-interleaved fused qkv rows, regrouped into [q; k; v] blocks, give the same
    model when the forward splits the product as [q | k | v] instead (a relayout check)."""
    H, C = cfg["num_attention_heads"], cfg["hidden_size"]
    D = C // H
    for i in range(cfg["num_hidden_layers"]):
        name = f"gpt_neox.layers.{i}.attention.query_key_value"
        rows = W[name + ".weight"].reshape(H, 3, D, C)
        bias = W[name + ".bias"].reshape(H, 3, D)
        blocked = rows.transpose(0, 1).reshape(3 * C, C)  # [q heads; k heads; v heads]
        back = blocked.reshape(3, H, D, C).transpose(0, 1).reshape(3 * C, C)
        close(back, W[name + ".weight"], 0.0, "neox qkv relayout round trip")
        close(bias.transpose(0, 1).reshape(3, H, D).transpose(0, 1).reshape(3 * C), W[name + ".bias"], 0.0, "bias")


def check_primitives():
    """Our hand-written primitives against torch's built-ins."""
    g = torch.Generator().manual_seed(8)
    x = 3 * torch.randn(4, 5, 32, generator=g, dtype=DT)
    w, b = torch.randn(32, generator=g, dtype=DT), torch.randn(32, generator=g, dtype=DT)
    F = torch.nn.functional
    close(layer_norm(x, w, b, 1e-5), F.layer_norm(x, (32,), w, b, 1e-5), 1e-12, "layer_norm")
    close(gelu_new(x), F.gelu(x, approximate="tanh"), 1e-12, "gelu_new")
    close(gelu_exact(x), F.gelu(x), 1e-12, "gelu (erf)")
    close(rms_norm(x, w, 1e-6), w * x / torch.sqrt((x**2).mean(-1, keepdim=True) + 1e-6), 1e-12, "rms_norm")
    m = torch.tensor([[1, 1, 1, 0], [0, 1, 1, 1]])
    q, k, v = (torch.randn(2, 3, 4, 8, generator=g, dtype=DT) for _ in range(3))
    allowed = allowed_mask(m)
    got = attention(q, k, v, allowed)
    for bb in range(2):
        for i in range(4):
            keys = [j for j in range(i + 1) if m[bb, j] == 1]
            if not keys:
                continue
            sc = q[bb][:, i : i + 1] @ k[bb][:, keys].transpose(-1, -2) / math.sqrt(8)
            want = (torch.softmax(sc, -1) @ v[bb][:, keys])[:, 0]
            close(got[bb, :, i], want, 1e-12, "attention")


def check_rotary():
    g = torch.Generator().manual_seed(7)
    Bn, Tn, H, D = 2, 5, 3, 8
    pos = torch.tensor([[0, 1, 2, 3, 4], [0, 0, 1, 5, 9]])
    x = torch.randn(Bn, Tn, H, D, generator=g, dtype=DT)
    # GPT-J: complex rotation of pairs (2i, 2i+1) of the first rd dims, theta_i = 10000^(-2i/rd)
    rd = 4
    got = gptj_rotary(x, pos, rd)
    z = torch.complex(x[..., 0:rd:2], x[..., 1:rd:2])
    th = pos.to(DT)[:, :, None, None] * 10000.0 ** (-torch.arange(0, rd, 2, dtype=DT) / rd)
    zr = z * torch.exp(1j * th)
    want = x.clone()
    want[..., 0:rd:2] = zr.real
    want[..., 1:rd:2] = zr.imag
    close(got, want, 1e-12, "gptj rotary vs complex")
    # Llama: complex rotation of pairs (i, i + D/2)
    cfgs = [llama_config(), llama_config(rope3=True)]
    xl = x.transpose(1, 2)
    for c in cfgs:
        inv = llama_inv_freq(c)
        got = llama_rope(xl, pos, inv)
        z = torch.complex(xl[..., : D // 2], xl[..., D // 2 :])
        zr = z * torch.exp(1j * pos.to(DT)[:, None, :, None] * inv)
        want = torch.cat([zr.real, zr.imag], dim=-1)
        close(got, want, 1e-12, "llama rope vs complex")
    # GPT-NeoX: complex rotation of pairs (i, i + rot/2) of the first rot dims, the rest untouched
    c = gpt_neox_config()
    rot = neox_rotary_dims(c)
    assert rot == 4, rot
    inv = neox_inv_freq(c)
    got = torch.cat([llama_rope(xl[..., :rot], pos, inv), xl[..., rot:]], dim=-1)
    z = torch.complex(xl[..., : rot // 2], xl[..., rot // 2 : rot])
    zr = z * torch.exp(1j * pos.to(DT)[:, None, :, None] * inv)
    want = torch.cat([zr.real, zr.imag, xl[..., rot:]], dim=-1)
    close(got, want, 1e-12, "gpt-neox partial rope vs complex")
    # llama3 scaling regimes for the rope3 config, computed by hand
    c = cfgs[1]
    inv0 = 500000.0 ** (-torch.arange(0, 8, 2, dtype=DT) / 8)
    wl = 2 * math.pi / inv0
    assert wl[0] < 64 and 64 < wl[1] < 256 and wl[2] > 256 and wl[3] > 256
    s = (256 / wl[1] - 1.0) / 3.0
    want = torch.stack([inv0[0], (1 - s) * inv0[1] / 8 + s * inv0[1], inv0[2] / 8, inv0[3] / 8])
    close(llama_inv_freq(c), want, 1e-18, "llama3 inv_freq")


def finite_diff_delta(arch, cfg, W, ids, mask, pos, tpos, tids, site, vec, grad):
    g = torch.Generator().manual_seed(99)
    eps = 1e-6
    worst = 0.0
    for _ in range(6):
        b = int(torch.randint(0, B, (1,), generator=g))
        c = int(torch.randint(0, vec.shape[1], (1,), generator=g))
        vals = []
        for sgn in (1, -1):
            v = vec.clone()
            v[b, c] += sgn * eps
            d = dict(site=site, layer=DELTA_LAYER, positions=DELTA_POSITIONS, vec=v)
            vals.append(delta_loss_fn(forward(arch, cfg, W, ids, mask, pos, d)["logits"], tpos, tids).item())
        fd = (vals[0] - vals[1]) / (2 * eps)
        err = abs(fd - grad[b, c].item())
        if not err <= 1e-7 * max(1.0, abs(fd)):
            sys.exit(f"SELF-CHECK FAILED: {arch} {site} delta grad fd {fd} vs autograd {grad[b, c].item()}")
        worst = max(worst, err)
    return worst


def finite_diff_params(arch, cfg, W, ids, mask, pos, grads):
    g = torch.Generator().manual_seed(98)
    eps = 1e-6
    names = sorted(grads)
    worst = 0.0
    for name in names[:: max(1, len(names) // 8)] + [names[-1]]:
        flat = W[name].reshape(-1)
        j = int(torch.randint(0, flat.numel(), (1,), generator=g))
        vals = []
        for sgn in (1, -1):
            W2 = dict(W)
            w = W[name].clone().reshape(-1)
            w[j] += sgn * eps
            W2[name] = w.reshape(W[name].shape)
            vals.append(train_loss_fn(forward(arch, cfg, W2, ids, mask, pos)["logits"], ids, mask).item())
        fd = (vals[0] - vals[1]) / (2 * eps)
        an = grads[name].reshape(-1)[j].item()
        err = abs(fd - an)
        if not err <= 1e-7 * max(1.0, abs(fd)):
            sys.exit(f"SELF-CHECK FAILED: {arch} grad {name}[{j}] fd {fd} vs autograd {an}")
        worst = max(worst, err)
    return worst


# --------------------------------------------------------------------------------------------
# driver
# --------------------------------------------------------------------------------------------


def arch_of(cfg):
    return cfg["model_type"]


def write_json(path, obj, compact_values=False):
    with open(path, "w") as f:
        if compact_values:  # one top-level key per line, each value on one line
            items = [f"  {json.dumps(k)}: {json.dumps(v, separators=(', ', ': '))}" for k, v in obj.items()]
            f.write("{\n" + ",\n".join(items) + "\n}\n")
        else:
            json.dump(obj, f, indent=2)
            f.write("\n")


def build(name, cfg, seed, weights=None, full=True, file_dtype=torch.float32, runnable=False):
    """runnable: also copy the test tokenizer into the folder, and leave out delta_logits.* (which
    no test reads) to keep the larger-vocabulary goldens small."""
    arch = arch_of(cfg)
    d = os.path.join(OUT_DIR, name)
    os.makedirs(d, exist_ok=True)
    if weights is None:
        weights = make_weights(arch, cfg, seed)
    # the values the file holds, as float32 (f16 rounding applied when the file is F16)
    stored = {k: v.to(file_dtype) for k, v in file_tensors(arch, cfg, weights).items()}
    params32 = {k: stored[k].to(torch.float32) for k in weights}
    write_json(os.path.join(d, "config.json"), cfg)
    if runnable:
        for f in TOKENIZER_FILES:
            shutil.copyfile(os.path.join(TOKENIZER_DIR, f), os.path.join(d, f))
    write_safetensors(os.path.join(d, "model.safetensors"), stored, {"format": "pt"})
    back = read_safetensors(os.path.join(d, "model.safetensors"))
    assert set(back) == set(stored)
    for k in stored:
        assert back[k].dtype == stored[k].dtype and torch.equal(back[k], stored[k]), k

    V, C = cfg["vocab_size"], hidden_size(cfg)
    ids, mask, pos, tids = make_inputs(V)
    W = to64(params32)
    ref = forward(arch, cfg, W, ids, mask, pos)
    out = {"logits": ref["logits"], "final_hidden": ref["final_hidden"], "embed": ref["embed"]}
    for l in range(len(ref["hidden"])):
        out[f"hidden.{l}"] = ref["hidden"][l]
        out[f"key.{l}"] = ref["key"][l]
        out[f"attn_out.{l}"] = ref["attn_out"][l]
        out[f"mlp_out.{l}"] = ref["mlp_out"][l]

    # self-checks on the reference itself
    check_padding_and_batching(arch, cfg, W, ids, mask, pos, ref)
    if arch in LLAMA_LIKE and cfg["num_key_value_heads"] < cfg["num_attention_heads"]:
        check_gqa_expanded(arch, cfg, W, ids, mask, pos, ref)
    if sliding_window_of(arch, cfg) is not None:
        check_sliding_window(arch, cfg, W, ids, mask, pos, ref)
    if arch == "gpt_neox":
        check_neox_qkv_layout(cfg, W, ids, mask, pos, ref)
    with torch.no_grad():
        r32 = forward(arch, cfg, {k: v.to(torch.float32) for k, v in W.items()}, ids, mask, pos)
    err32 = (r32["logits"].to(DT) - ref["logits"]).abs().max().item()

    # delta gradients
    tpos = TARGET_POSITIONS
    tid_list = tids.tolist()
    deltas = delta_vectors(C, seed + 1)
    delta_loss = {}
    dgrads = {}
    for s in SITES:
        vec = deltas[s].to(DT).requires_grad_(True)
        dd = dict(site=s, layer=DELTA_LAYER, positions=DELTA_POSITIONS, vec=vec)
        r = forward(arch, cfg, W, ids, mask, pos, dd)
        loss = delta_loss_fn(r["logits"], tpos, tid_list)
        (gv,) = torch.autograd.grad(loss, vec)
        delta_loss[s] = loss.item()
        dgrads[s] = gv
        out[f"delta.{s}"] = deltas[s].to(DT)
        out[f"delta_grad.{s}"] = gv
        if full and not runnable:
            out[f"delta_logits.{s}"] = r["logits"].detach()
    fd_err = finite_diff_delta(arch, cfg, W, ids, mask, pos, tpos, tid_list, "attn", deltas["attn"].to(DT), dgrads["attn"])
    fd_err = max(fd_err, finite_diff_delta(arch, cfg, W, ids, mask, pos, tpos, tid_list, "block", deltas["block"].to(DT), dgrads["block"]))
    # structural identities: sequential blocks make mlp-delta == block-delta; GPT-J's parallel
    # block makes all three identical (given the same vector)
    same = dict(site="block", layer=DELTA_LAYER, positions=DELTA_POSITIONS, vec=deltas["mlp"].to(DT))
    lb = delta_loss_fn(forward(arch, cfg, W, ids, mask, pos, same)["logits"], tpos, tid_list).item()
    assert abs(lb - delta_loss["mlp"]) < 1e-10, (arch, lb, delta_loss["mlp"])
    if arch == "gptj" or (arch == "gpt_neox" and cfg["use_parallel_residual"]):
        same = dict(site="attn", layer=DELTA_LAYER, positions=DELTA_POSITIONS, vec=deltas["mlp"].to(DT))
        la = delta_loss_fn(forward(arch, cfg, W, ids, mask, pos, same)["logits"], tpos, tid_list).item()
        assert abs(la - delta_loss["mlp"]) < 1e-10, (arch, la, delta_loss["mlp"])

    # full backward
    Wg = {k: v.clone().requires_grad_(True) for k, v in W.items()}
    tl = train_loss_fn(forward(arch, cfg, Wg, ids, mask, pos)["logits"], ids, mask)
    names = sorted(Wg)
    gl = torch.autograd.grad(tl, [Wg[n] for n in names])
    grads = {n: gg for n, gg in zip(names, gl)}
    fdp = finite_diff_params(arch, cfg, W, ids, mask, pos, grads)
    if full:
        for n in names:
            assert grads[n].shape == weights[n].shape
            out[f"grad.{n}"] = grads[n]

    write_safetensors(
        os.path.join(d, "golden.safetensors"),
        {k: v.detach().to(torch.float32) for k, v in out.items()},
        {"generator": "scripts/golden/make_model_goldens.py", "compute_dtype": "float64"},
    )
    golden = {
        "input_ids": ids.tolist(),
        "attention_mask": mask.tolist(),
        "position_ids": pos.tolist(),
        "pad_token_id": PAD_ID,
        "delta_layer": DELTA_LAYER,
        "delta_positions": DELTA_POSITIONS,
        "target_positions": tpos,
        "target_ids": tid_list,
        "delta_loss": delta_loss,
        "train_loss": tl.item(),
        "float_dtype": "float64",
    }
    write_json(os.path.join(d, "golden.json"), golden, compact_values=True)
    print(
        f"{name:24s} logits f32-vs-f64 {err32:.1e}  fd(delta) {fd_err:.1e}  fd(params) {fdp:.1e}  "
        f"train_loss {tl.item():.6f}  delta_loss {', '.join(f'{k}={v:.5f}' for k, v in delta_loss.items())}"
    )
    return weights


def main():
    check_primitives()
    check_rotary()
    build("gpt2-tiny", gpt2_config(), seed=1000)
    build("gptj-tiny", gptj_config(), seed=2000)
    llama_w = build("llama-tiny", llama_config(), seed=3000)
    build("llama-tiny-tied-rope3", llama_config(tied=True, rope3=True), seed=4000)
    build("llama-tiny-f16", llama_config(dtype="float16"), seed=3000, weights=llama_w, full=False, file_dtype=torch.float16)
    build("qwen2-tiny", with_tokenizer(qwen2_config()), seed=5000, runnable=True)
    build("qwen3-tiny", with_tokenizer(qwen3_config()), seed=6000, runnable=True)
    build("mistral-tiny", with_tokenizer(mistral_config()), seed=7000, runnable=True)
    build("gpt-neox-tiny", with_tokenizer(gpt_neox_config()), seed=8000, runnable=True)
    build("gpt-neox-tiny-sequential", with_tokenizer(gpt_neox_config(parallel=False)), seed=9000, runnable=True)
    total = 0
    for dp, _, fs in os.walk(OUT_DIR):
        total += sum(os.path.getsize(os.path.join(dp, f)) for f in fs)
    print(f"fixtures total {total / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
