"""Training throughput of the LCDT (a preset as shipped) against an equal-sized plain nanoGPT-style GPT, same run.

Tokens/s counts every position of the sequence (start + text + 3 per step) through forward, backward and the AdamW
step. The baseline is a plain GPT of the same depth, width and heads, over the same batch and sequence length, with a
vocabulary-sized LM head and `is_causal=True` attention (no padding mask, no dropout). The LCDT is timed three ways:
the preset as shipped (`small`: dropout 0.1 on the embeddings and residual branches, `attn_dropout=0`, so attention
stays on PyTorch's fused path), dropout 0.1 on the attention weights as well (the small preset before session 11),
and dropout 0. The last line is the target's figure: the preset's ratio to the plain GPT (target >= 1.0). Also the
design page's reference point (nbs/explanations/design.ipynb): nanoGPT at 4 layers, 128 dims, T = 256, batch 16
(about 14,000 tokens/s on these 2 CPU cores).

Usage: .venv/bin/python bench/train.py [--steps N] [--threads T] [--preset small|tiny]
"""

import argparse, os, platform, time
from dataclasses import replace

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from lcdt.dt.data import random_batch
from lcdt.config import run_config
from lcdt.dt.model import LCDT
from lcdt.nn import attn_dropout


class _Block(nn.Module):
    def __init__(self, d, h):
        super().__init__()
        self.ln1, self.ln2 = nn.LayerNorm(d), nn.LayerNorm(d)
        self.attn, self.proj = nn.Linear(d, 3 * d), nn.Linear(d, d)
        self.fc, self.out = nn.Linear(d, 4 * d), nn.Linear(4 * d, d)
        self.h = h

    def forward(self, x):
        B, S, C = x.shape
        q, k, v = self.attn(self.ln1(x)).split(C, 2)
        q, k, v = (z.view(B, S, self.h, C // self.h).transpose(1, 2) for z in (q, k, v))
        y = F.scaled_dot_product_attention(q, k, v, is_causal=True).transpose(1, 2).reshape(B, S, C)
        x = x + self.proj(y)
        return x + self.out(F.gelu(self.fc(self.ln2(x))))


class PlainGPT(nn.Module):
    "nanoGPT-style GPT: token + position embeddings, blocks, LM head (untied)."

    def __init__(self, vocab, S, d, h, L):
        super().__init__()
        self.wte, self.wpe = nn.Embedding(vocab, d), nn.Embedding(S, d)
        self.blocks = nn.ModuleList(_Block(d, h) for _ in range(L))
        self.ln, self.head = nn.LayerNorm(d), nn.Linear(d, vocab, bias=False)

    def forward(self, idx, targets):
        x = self.wte(idx) + self.wpe(torch.arange(idx.shape[1]))
        for b in self.blocks:
            x = b(x)
        return F.cross_entropy(self.head(self.ln(x)).flatten(0, 1), targets.flatten())


def _time(step, n, warm=3):
    for _ in range(warm):
        step()
    t0 = time.perf_counter()
    for _ in range(n):
        step()
    return (time.perf_counter() - t0) / n


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--steps', type=int, default=20)
    ap.add_argument('--threads', type=int, default=0)
    ap.add_argument('--preset', default='small', choices=['small', 'tiny'])
    a = ap.parse_args()
    if a.threads:
        torch.set_num_threads(a.threads)
    cpu = next(
        (l.split(':', 1)[1].strip() for l in open('/proc/cpuinfo') if l.startswith('model name')), platform.processor()
    )
    print(f"machine: nproc={os.cpu_count()} cpu={cpu!r} torch_threads={torch.get_num_threads()}")
    print(f"python {platform.python_version()}, numpy {np.__version__}, torch {torch.__version__}")
    print(f"load average at start: {os.getloadavg()}")

    torch.manual_seed(0)
    preset = run_config(a.preset)
    mc, tc = replace(preset.dt, vocab_size=512), preset.train
    B, S = tc.batch_size, mc.block_size
    m = LCDT(mc)
    batch = random_batch(mc, B, seed=0)

    def stepper(model):
        o = model.configure_optimizers(tc.weight_decay, tc.lr)

        def step():
            _, loss = model(batch, batch['act'])
            o.zero_grad()
            loss.backward()
            o.step()

        return step

    # the preset as shipped, then with dropout on the attention weights too (attn_dropout = dropout: the small preset
    # before session 11; it keeps PyTorch's CPU attention on its unfused math path), then with no dropout at all, as
    # the plain GPT below
    shipped = f'LCDT, preset (dropout {mc.dropout}, attn {attn_dropout(mc)})'
    variants = {shipped: m}
    if mc.dropout > 0:
        variants[f'LCDT, dropout {mc.dropout}, attn {mc.dropout}'] = LCDT(replace(mc, attn_dropout=None))
        variants['LCDT, dropout 0'] = LCDT(replace(mc, dropout=0.0, attn_dropout=None))
    steps = {k: stepper(v) for k, v in variants.items()}

    g = PlainGPT(mc.vocab_size, S, mc.n_embd, mc.n_head, mc.n_layer)
    gopt = torch.optim.AdamW(g.parameters(), lr=1e-3)
    idx = torch.randint(0, mc.vocab_size, (B, S))
    tgt = torch.randint(0, mc.vocab_size, (B, S))

    def gpt_step():
        loss = g(idx, tgt)
        gopt.zero_grad()
        loss.backward()
        gopt.step()

    # interleave them so that load from other processes hits all alike
    times = {k: [] for k in [*steps, 'gpt']}
    for _ in range(3):
        for k, f in [*steps.items(), ('gpt', gpt_step)]:
            times[k].append(_time(f, a.steps))
    times = {k: min(v) for k, v in times.items()}
    tgp = times.pop('gpt')
    print(
        f"\nLCDT {a.preset}: {mc.n_layer} layers, {mc.n_embd} dims, {mc.n_head} heads, head={mc.head}, "
        f"seq {S} (1 + {mc.max_text_len} text + 3 x {mc.context} steps), batch {B}, {m.n_params():,} params"
    )
    print(
        f"  {'plain GPT':40s}: {B * S / tgp:8,.0f} tokens/s  ({1000 * tgp:6.1f} ms/step; same B, S, depth, width, "
        f"no dropout; {sum(p.numel() for p in g.parameters()):,} params)"
    )
    for k, t in times.items():
        print(f"  {k:40s}: {B * S / t:8,.0f} tokens/s  ({1000 * t:6.1f} ms/step)  ratio to plain GPT {tgp / t:.2f}")
    r = tgp / times[shipped]
    print(f"\n{a.preset} preset as shipped / plain GPT: {r:.2f} (target >= 1.0: {'met' if r >= 1.0 else 'missed'})")

    ref = PlainGPT(65, 256, 128, 4, 4)
    ropt = torch.optim.AdamW(ref.parameters(), lr=1e-3)
    ridx = torch.randint(0, 65, (16, 256))

    def ref_step():
        loss = ref(ridx, ridx)
        ropt.zero_grad()
        loss.backward()
        ropt.step()

    tr = min(_time(ref_step, max(5, a.steps // 2)) for _ in range(2))
    print(
        f"\nreference nanoGPT-style GPT (4 layers, 128 dims, T=256, batch 16): {16 * 256 / tr:,.0f} tokens/s "
        f"(design page: about 14,000 tokens/s on these 2 cores)"
    )
    print(f"load average at end: {os.getloadavg()}")


if __name__ == '__main__':
    main()
