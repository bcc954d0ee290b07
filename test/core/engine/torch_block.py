"""Reference for the transformer-block parity test: reads the block's parameters (GPT-2 or Llama names, by the
metadata's arch), input and targets from a safetensors file, computes the loss and every gradient in float64 with
PyTorch, writes them back as safetensors (loss and grad.<name>). Usage: torch_block.py IN OUT"""
import json
import struct
import sys

import torch
import torch.nn.functional as F

DTYPES = {"F64": torch.float64, "F32": torch.float32, "I64": torch.int64}
SIZES = {"F64": 8, "F32": 4, "I64": 8}


def read(path):
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + n])
    meta = header.pop("__metadata__", {})
    data = raw[8 + n :]
    out = {}
    for name, e in header.items():
        b, end = e["data_offsets"]
        t = torch.frombuffer(bytearray(data[b:end]), dtype=DTYPES[e["dtype"]]).reshape(e["shape"])
        out[name] = t
    return out, meta


def write(path, tensors):
    header, chunks, offset = {}, [], 0
    for name, t in tensors.items():
        b = t.detach().contiguous().to(torch.float64).numpy().tobytes()
        header[name] = {"dtype": "F64", "shape": list(t.shape), "data_offsets": [offset, offset + len(b)]}
        offset += len(b)
        chunks.append(b)
    h = json.dumps(header).encode()
    h += b" " * ((8 - (8 + len(h)) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(chunks))


def gpt2_block(p, x, meta):
    # nanoGPT's Block with (in, out) weights: x + attn(ln_1(x)), then + mlp(ln_2(x)).
    B, T, C = x.shape
    n_head, eps = int(meta["n_head"]), float(meta["eps"])
    h = F.layer_norm(x, (C,), p["ln_1.weight"], p["ln_1.bias"], eps)
    q, k, v = (h @ p["attn.c_attn.weight"] + p["attn.c_attn.bias"]).split(C, dim=2)
    q, k, v = (t.view(B, T, n_head, C // n_head).transpose(1, 2) for t in (q, k, v))  # (B, nh, T, hs)
    att = (q @ k.transpose(-2, -1)) / (C // n_head) ** 0.5
    att = att.masked_fill(torch.tril(torch.ones(T, T, dtype=torch.bool)).logical_not(), float("-inf"))
    y = (att.softmax(-1) @ v).transpose(1, 2).reshape(B, T, C)
    x = x + y @ p["attn.c_proj.weight"] + p["attn.c_proj.bias"]
    h = F.layer_norm(x, (C,), p["ln_2.weight"], p["ln_2.bias"], eps)
    h = F.gelu(h @ p["mlp.c_fc.weight"] + p["mlp.c_fc.bias"], approximate="tanh")
    return x + h @ p["mlp.c_proj.weight"] + p["mlp.c_proj.bias"]


def llama_block(p, x, meta):
    # Hugging Face's LlamaDecoderLayer with (in, out) weights: RMSNorm, rotary (rotate_half form), grouped-query
    # attention, SwiGLU.
    B, T, C = x.shape
    n_head, n_kv, eps, theta = int(meta["n_head"]), int(meta["n_kv_head"]), float(meta["eps"]), float(meta["rope_theta"])
    D = C // n_head

    def rms(t, w):
        return t * torch.rsqrt(t.pow(2).mean(-1, keepdim=True) + eps) * w

    angle = torch.arange(T, dtype=torch.float64)[:, None] * theta ** (-torch.arange(0, D, 2, dtype=torch.float64) / D)
    cos, sin = angle.cos(), angle.sin()  # (T, D/2)

    def rope(t):
        t1, t2 = t[..., : D // 2], t[..., D // 2 :]
        return torch.cat([t1 * cos - t2 * sin, t1 * sin + t2 * cos], -1)

    h = rms(x, p["input_layernorm.weight"])
    q = (h @ p["self_attn.q_proj.weight"]).view(B, T, n_head, D).transpose(1, 2)  # (B, H, T, D)
    k = (h @ p["self_attn.k_proj.weight"]).view(B, T, n_kv, D).transpose(1, 2)  # (B, K, T, D)
    v = (h @ p["self_attn.v_proj.weight"]).view(B, T, n_kv, D).transpose(1, 2)
    q, k = rope(q), rope(k)
    k, v = (t.repeat_interleave(n_head // n_kv, dim=1) for t in (k, v))  # (B, H, T, D)
    att = (q @ k.transpose(-2, -1)) / D**0.5
    att = att.masked_fill(torch.tril(torch.ones(T, T, dtype=torch.bool)).logical_not(), float("-inf"))
    y = (att.softmax(-1) @ v).transpose(1, 2).reshape(B, T, C)
    x = x + y @ p["self_attn.o_proj.weight"]
    h = rms(x, p["post_attention_layernorm.weight"])
    return x + (F.silu(h @ p["mlp.gate_proj.weight"]) * (h @ p["mlp.up_proj.weight"])) @ p["mlp.down_proj.weight"]


def main():
    tensors, meta = read(sys.argv[1])
    targets = tensors.pop("targets")
    leaves = {k: v.to(torch.float64).requires_grad_() for k, v in tensors.items()}
    y = (gpt2_block if meta["arch"] == "gpt2" else llama_block)(leaves, leaves["x"], meta)
    logits = y @ leaves["head"]
    loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))
    loss.backward()
    out = {"loss": loss.reshape(())}
    out.update({f"grad.{k}": v.grad for k, v in leaves.items()})
    write(sys.argv[2], out)


main()
