"""The PyTorch side of `rewardranker bench engine`: the same GPT (nanoGPT layout, tanh GELU, tied head, (in, out)
weights), driven over stdin so the engine's and PyTorch's rounds interleave. Commands, one per line:
  train B T ROUNDS  -> JSON list of milliseconds per AdamW step
  decode B PROMPT STEPS ROUNDS -> JSON list of generated tokens per second (greedy, KV cache)
Run with 2 threads (torch.set_num_threads(2)), as the engine uses 2 intra-op threads."""
import json
import math
import sys
import time

import torch
import torch.nn.functional as F

torch.set_num_threads(2)
torch.manual_seed(0)
V, BLOCK, L, H, C = (int(a) for a in sys.argv[1:6])
D = C // H


def param(*shape, std=0.02):
    return torch.nn.Parameter(torch.randn(*shape) * std)


class GPT(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.wte, self.wpe = param(V, C), param(BLOCK, C)
        proj = 0.02 / math.sqrt(2 * L)
        self.layers = torch.nn.ModuleList()
        for _ in range(L):
            m = torch.nn.Module()
            m.ln1, m.ln2 = torch.nn.LayerNorm(C), torch.nn.LayerNorm(C)
            m.attn_w, m.attn_b = param(C, 3 * C), torch.nn.Parameter(torch.zeros(3 * C))
            m.proj_w, m.proj_b = param(C, C, std=proj), torch.nn.Parameter(torch.zeros(C))
            m.fc_w, m.fc_b = param(C, 4 * C), torch.nn.Parameter(torch.zeros(4 * C))
            m.fc2_w, m.fc2_b = param(4 * C, C, std=proj), torch.nn.Parameter(torch.zeros(C))
            self.layers.append(m)
        self.lnf = torch.nn.LayerNorm(C)

    def forward(self, idx, pos, cache=None):
        B, T = idx.shape
        x = self.wte[idx] + self.wpe[pos]  # (B, T, C)
        new_cache = []
        for i, m in enumerate(self.layers):
            q, k, v = (m.ln1(x) @ m.attn_w + m.attn_b).split(C, dim=2)
            q, k, v = (t.view(B, T, H, D).transpose(1, 2) for t in (q, k, v))  # (B, H, T, D)
            if cache is not None:
                k, v = torch.cat([cache[i][0], k], 2), torch.cat([cache[i][1], v], 2)
            new_cache.append((k, v))
            y = F.scaled_dot_product_attention(q, k, v, is_causal=cache is None) if hasattr(F, "scaled_dot_product_attention") else attend(q, k, v, cache is None)
            x = x + y.transpose(1, 2).reshape(B, T, C) @ m.proj_w + m.proj_b
            x = x + F.gelu(m.ln2(x) @ m.fc_w + m.fc_b, approximate="tanh") @ m.fc2_w + m.fc2_b
        return self.lnf(x) @ self.wte.t(), new_cache


def attend(q, k, v, causal):
    att = (q @ k.transpose(-2, -1)) / math.sqrt(D)
    if causal:
        T = q.shape[2]
        att = att.masked_fill(torch.ones(T, T, dtype=torch.bool).tril().logical_not(), float("-inf"))
    return att.softmax(-1) @ v


model = GPT()
decay = [p for n, p in model.named_parameters() if p.dim() >= 2]
no_decay = [p for n, p in model.named_parameters() if p.dim() < 2]
opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": no_decay, "weight_decay": 0.0}], lr=3e-4, betas=(0.9, 0.95))


def train(B, T, rounds):
    times = []
    for _ in range(rounds):
        idx = torch.randint(0, V, (B, T))
        pos = torch.arange(T).expand(B, T)
        t0 = time.perf_counter()
        logits, _ = model(idx, pos)
        loss = F.cross_entropy(logits.reshape(-1, V), torch.roll(idx, -1, 1).reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        times.append((time.perf_counter() - t0) * 1000)
    return times


@torch.no_grad()
def decode(B, prompt, steps, rounds):
    rates = []
    for _ in range(rounds):
        idx = torch.randint(0, V, (B, prompt))
        t0 = time.perf_counter()
        logits, cache = model(idx, torch.arange(prompt).expand(B, prompt))
        tok = logits[:, -1].argmax(-1, keepdim=True)
        for s in range(steps - 1):
            logits, cache = model(tok, torch.full((B, 1), prompt + s), cache)
            tok = logits[:, -1].argmax(-1, keepdim=True)
        rates.append(B * steps / (time.perf_counter() - t0))
    return rates


print(json.dumps({"ready": torch.__version__}), flush=True)
for line in sys.stdin:
    cmd, *args = line.split()
    nums = [int(a) for a in args]
    result = train(*nums) if cmd == "train" else decode(*nums)
    print(json.dumps(result), flush=True)
