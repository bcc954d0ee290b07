"""A tiny random Llama / Qwen2 checkpoint in Hugging Face's layout, and its logits from an independent PyTorch
implementation of the architecture (written from the papers' equations, not from our TypeScript).

usage: hf_reference.py DIR ARCH SHARDED TOKENS_JSON [DTYPE]  -> writes config.json and
model.safetensors (or 2 shards with model.safetensors.index.json) in DTYPE (F32, BF16 or F16; default F32) into DIR,
prints the logits (1, T, V) of TOKENS as a JSON list, computed in float64 from the weights as stored (rounded to
DTYPE), so a reader that widens them exactly must match to float32 precision.
"""
import json, math, os, struct, sys
import torch

torch.manual_seed(0)
out_dir, arch, sharded, tokens = sys.argv[1], sys.argv[2], sys.argv[3] == "1", json.loads(sys.argv[4])
dtype = sys.argv[5] if len(sys.argv) > 5 else "F32"
torch_dtype = {"F32": torch.float32, "BF16": torch.bfloat16, "F16": torch.float16}[dtype]
V, C, L, H, K, F = 320, 32, 2, 4, 2, 64
D = C // H
cfg = {
    "architectures": ["LlamaForCausalLM" if arch == "llama" else "Qwen2ForCausalLM"],
    "model_type": arch, "vocab_size": V, "hidden_size": C, "num_hidden_layers": L, "num_attention_heads": H,
    "num_key_value_heads": K, "intermediate_size": F, "hidden_act": "silu", "rms_norm_eps": 1e-6,
    "rope_theta": 10000.0, "max_position_embeddings": 512, "tie_word_embeddings": arch == "qwen2",
    "torch_dtype": {"F32": "float32", "BF16": "bfloat16", "F16": "float16"}[dtype],
}
w = {}
def p(name, *shape, scale=0.2):
    w[name] = torch.randn(*shape) * scale
p("model.embed_tokens.weight", V, C, scale=1.0)
for l in range(L):
    h = f"model.layers.{l}"
    p(f"{h}.input_layernorm.weight", C); w[f"{h}.input_layernorm.weight"] += 1
    p(f"{h}.post_attention_layernorm.weight", C); w[f"{h}.post_attention_layernorm.weight"] += 1
    p(f"{h}.self_attn.q_proj.weight", H * D, C); p(f"{h}.self_attn.k_proj.weight", K * D, C)
    p(f"{h}.self_attn.v_proj.weight", K * D, C); p(f"{h}.self_attn.o_proj.weight", C, H * D)
    if arch == "qwen2":
        p(f"{h}.self_attn.q_proj.bias", H * D); p(f"{h}.self_attn.k_proj.bias", K * D); p(f"{h}.self_attn.v_proj.bias", K * D)
    p(f"{h}.mlp.gate_proj.weight", F, C); p(f"{h}.mlp.up_proj.weight", F, C); p(f"{h}.mlp.down_proj.weight", C, F)
p("model.norm.weight", C); w["model.norm.weight"] += 1
if not cfg["tie_word_embeddings"]:
    p("lm_head.weight", V, C)
w = {k: v.to(torch_dtype) for k, v in w.items()}   # what the file holds

def write_safetensors(path, tensors):
    header, blobs, off = {"__metadata__": {"format": "pt"}}, [], 0
    for name in sorted(tensors):
        t = tensors[name].contiguous()
        if t.dtype == torch.float32:
            b = t.numpy().astype("<f4").tobytes()
        else:  # 16-bit floats: their bits, little-endian
            b = t.view(torch.int16).numpy().astype("<i2").tobytes()
        header[name] = {"dtype": dtype, "shape": list(tensors[name].shape), "data_offsets": [off, off + len(b)]}
        blobs.append(b); off += len(b)
    h = json.dumps(header).encode()
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h))); f.write(h); f.write(b"".join(blobs))

with open(os.path.join(out_dir, "config.json"), "w") as f:
    json.dump(cfg, f)
if sharded:
    names = sorted(w); half = len(names) // 2
    shards = {"model-00001-of-00002.safetensors": names[:half], "model-00002-of-00002.safetensors": names[half:]}
    for file, ns in shards.items():
        write_safetensors(os.path.join(out_dir, file), {n: w[n] for n in ns})
    with open(os.path.join(out_dir, "model.safetensors.index.json"), "w") as f:
        json.dump({"metadata": {}, "weight_map": {n: file for file, ns in shards.items() for n in ns}}, f)
else:
    write_safetensors(os.path.join(out_dir, "model.safetensors"), w)

# The reference forward pass, float64.
W = {k: v.double() for k, v in w.items()}
def rms(x, g): return x * torch.rsqrt((x * x).mean(-1, keepdim=True) + 1e-6) * g
def lin(x, name, bias=None): return x @ W[name].T + (W[bias] if bias in W else 0)
T = len(tokens)
pos = torch.arange(T, dtype=torch.float64)
inv = 10000.0 ** (-torch.arange(0, D, 2, dtype=torch.float64) / D)
ang = pos[:, None] * inv[None, :]                     # (T, D/2)
cos, sin = torch.cat([ang.cos()] * 2, -1), torch.cat([ang.sin()] * 2, -1)
def rot(x):                                           # rotate_half
    x1, x2 = x[..., : D // 2], x[..., D // 2 :]
    return torch.cat([-x2, x1], -1)
x = W["model.embed_tokens.weight"][torch.tensor(tokens)]  # (T, C)
causal = torch.tril(torch.ones(T, T, dtype=torch.bool))
for l in range(L):
    h = f"model.layers.{l}"
    a = rms(x, W[f"{h}.input_layernorm.weight"])
    q = lin(a, f"{h}.self_attn.q_proj.weight", f"{h}.self_attn.q_proj.bias").view(T, H, D).transpose(0, 1)
    k = lin(a, f"{h}.self_attn.k_proj.weight", f"{h}.self_attn.k_proj.bias").view(T, K, D).transpose(0, 1)
    v = lin(a, f"{h}.self_attn.v_proj.weight", f"{h}.self_attn.v_proj.bias").view(T, K, D).transpose(0, 1)
    q, k = q * cos + rot(q) * sin, k * cos + rot(k) * sin
    k, v = k.repeat_interleave(H // K, 0), v.repeat_interleave(H // K, 0)   # (H, T, D)
    s = (q @ k.transpose(-1, -2)) / math.sqrt(D)
    s = s.masked_fill(~causal, float("-inf")).softmax(-1)
    y = (s @ v).transpose(0, 1).reshape(T, C)
    x = x + lin(y, f"{h}.self_attn.o_proj.weight")
    m = rms(x, W[f"{h}.post_attention_layernorm.weight"])
    g = lin(m, f"{h}.mlp.gate_proj.weight")
    x = x + lin(torch.nn.functional.silu(g) * lin(m, f"{h}.mlp.up_proj.weight"), f"{h}.mlp.down_proj.weight")
x = rms(x, W["model.norm.weight"])
logits = x @ (W["model.embed_tokens.weight"] if cfg["tie_word_embeddings"] else W["lm_head.weight"]).T
print(json.dumps(logits.tolist()))
