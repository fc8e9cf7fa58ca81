"""Training throughput of the LCDT (a preset as shipped) against an equal-sized plain nanoGPT-style GPT, same run.

Tokens/s counts every position of the sequence (start + text + 3 per step) through forward, backward and the AdamW
step. The baseline is a plain GPT of the same depth, width and heads, over the same batch and sequence length, with a
vocabulary-sized LM head and `is_causal=True` attention (no padding mask). It is timed with the preset's dropout
setting (the fair baseline: dropout on the embeddings and on both residual branches of every block, none on the
attention weights; nanoGPT's places, and the LCDT's), with that dropout drawn by `lcdt.nn.FastDropout`, and with no
dropout. The LCDT is timed as the trainer builds it from the preset (`small`: dropout 0.1 on the embeddings and
residual branches, `attn_dropout=0`, and `TrainConfig.query_obs`: `LCDT.query_obs`, the last block only at the
observation tokens the loss reads), with the other setting of `query_obs`, with `TrainConfig.fast_dropout`
(`lcdt.nn.use_fast_dropout`: the same dropout from a cheaper mask), with `TrainConfig.length_buckets=2`
(`LCDT.length_buckets`: the batch in two groups of windows of similar length, each cut to its longest, so most padding
is not computed; tokens/s still counts every position; it cannot be combined with `query_obs`), with both, and with
dropout 0; `--compile` adds the preset under `torch.compile`; `--bf16` adds the preset and the fair plain GPT
under CPU autocast to bfloat16 (`torch.autocast('cpu', torch.bfloat16)` around the forward and loss; the weights and
AdamW stay float32), which pays only on CPUs with bfloat16 matrix instructions (`avx512_bf16` or AMX in
/proc/cpuinfo, printed below). Every variant runs 3 rounds,
interleaved so that load from other processes hits all alike; each figure is its fastest round (wall clock), with the
process CPU time per step beside it (steadier on a shared machine). The last lines are the target's figures: the
LCDT's ratio to the plain GPT with the same dropout (target >= 1.0). Also the design page's reference point
(nbs/explanations/design.ipynb): nanoGPT at 4 layers, 128 dims, T = 256, batch 16 (about 14,000 tokens/s on these 2
CPU cores).

Usage: .venv/bin/python bench/train.py [--steps N] [--threads T] [--preset small|tiny] [--compile] [--bf16] [--profile]
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
from lcdt.nn import attn_dropout, use_fast_dropout


class _Block(nn.Module):
    def __init__(self, d, h, dropout=0.0):
        super().__init__()
        self.ln1, self.ln2 = nn.LayerNorm(d), nn.LayerNorm(d)
        self.attn, self.proj = nn.Linear(d, 3 * d), nn.Linear(d, d)
        self.fc, self.out = nn.Linear(d, 4 * d), nn.Linear(4 * d, d)
        self.drop1, self.drop2 = nn.Dropout(dropout), nn.Dropout(dropout)  # the two residual branches
        self.h = h

    def forward(self, x):
        B, S, C = x.shape
        q, k, v = self.attn(self.ln1(x)).split(C, 2)
        q, k, v = (z.view(B, S, self.h, C // self.h).transpose(1, 2) for z in (q, k, v))
        y = F.scaled_dot_product_attention(q, k, v, is_causal=True).transpose(1, 2).reshape(B, S, C)
        x = x + self.drop1(self.proj(y))
        return x + self.drop2(self.out(F.gelu(self.fc(self.ln2(x)))))


class PlainGPT(nn.Module):
    "nanoGPT-style GPT: token + position embeddings, blocks, LM head (untied); nanoGPT's dropout, none in attention."

    def __init__(self, vocab, S, d, h, L, dropout=0.0):
        super().__init__()
        self.wte, self.wpe = nn.Embedding(vocab, d), nn.Embedding(S, d)
        self.drop = nn.Dropout(dropout)
        self.blocks = nn.ModuleList(_Block(d, h, dropout) for _ in range(L))
        self.ln, self.head = nn.LayerNorm(d), nn.Linear(d, vocab, bias=False)

    def forward(self, idx, targets):
        x = self.drop(self.wte(idx) + self.wpe(torch.arange(idx.shape[1])))
        for b in self.blocks:
            x = b(x)
        return F.cross_entropy(self.head(self.ln(x)).flatten(0, 1), targets.flatten())


def _time(step, n, warm=3):
    "Seconds per step of `step` over `n` steps after `warm` ones: (wall clock, this process's CPU time)."
    for _ in range(warm):
        step()
    t0, c0 = time.perf_counter(), time.process_time()
    for _ in range(n):
        step()
    return (time.perf_counter() - t0) / n, (time.process_time() - c0) / n


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--steps', type=int, default=20)
    ap.add_argument('--threads', type=int, default=0)
    ap.add_argument('--preset', default='small', choices=['small', 'tiny'])
    ap.add_argument('--compile', action='store_true', help='also time the preset under torch.compile')
    ap.add_argument('--bf16', action='store_true', help='also time the preset and fair plain GPT under bf16 autocast')
    ap.add_argument(
        '--profile', action='store_true', help='print the top ops by self CPU time instead (torch.profiler)'
    )
    a = ap.parse_args()
    if a.threads:
        torch.set_num_threads(a.threads)
    info = open('/proc/cpuinfo').read().splitlines()  # read once: the model name and the instruction flags
    cpu = next((l.split(':', 1)[1].strip() for l in info if l.startswith('model name')), platform.processor())
    print(f"machine: nproc={os.cpu_count()} cpu={cpu!r} torch_threads={torch.get_num_threads()}")
    flags = next((l.split(':', 1)[1].split() for l in info if l.startswith('flags')), [])
    print(f"bfloat16 matrix instructions: {[f for f in flags if f in ('avx512_bf16', 'amx_bf16')] or 'none'}")
    print(f"python {platform.python_version()}, numpy {np.__version__}, torch {torch.__version__}")
    print(f"load average at start: {os.getloadavg()}")

    torch.manual_seed(0)
    preset = run_config(a.preset)
    mc, tc = replace(preset.dt, vocab_size=512), preset.train

    def as_trained(model):  # what `lcdt.dt.train` sets from the preset's TrainConfig
        model.query_obs = tc.query_obs
        return model

    B, S = tc.batch_size, mc.block_size
    m = as_trained(LCDT(mc))
    batch = random_batch(mc, B, seed=0)

    def stepper(model, bf16=False):
        o = model.configure_optimizers(tc.weight_decay, tc.lr)

        def step():
            with torch.autocast('cpu', dtype=torch.bfloat16, enabled=bf16):
                _, loss = model(batch, batch['act'])
            o.zero_grad()
            loss.backward()
            o.step()

        return step

    # the preset as shipped (as the trainer builds it), then with the trainer's other options, then with no dropout;
    # length_buckets cannot be combined with query_obs, so its variants are the preset without query_obs
    shipped = f'LCDT, preset (dropout {mc.dropout}, attn {attn_dropout(mc)}, query_obs {tc.query_obs})'
    fast = 'LCDT, preset + fast_dropout'
    both = 'LCDT, no query_obs + fast_dropout + buckets 2'
    buckets = 'LCDT, no query_obs + length_buckets 2'
    query = 'LCDT, preset without query_obs' if tc.query_obs else 'LCDT, preset + query_obs'
    variants = {shipped: m}
    if mc.dropout > 0:
        variants[fast] = as_trained(LCDT(mc))
        use_fast_dropout(variants[fast])
    variants[buckets] = LCDT(mc)
    variants[buckets].length_buckets = 2
    variants[query] = LCDT(mc)
    variants[query].query_obs = not tc.query_obs
    if mc.dropout > 0:
        variants[both] = LCDT(mc)
        use_fast_dropout(variants[both])
        variants[both].length_buckets = 2
        variants['LCDT, dropout 0'] = LCDT(replace(mc, dropout=0.0, attn_dropout=None))
    steps = {k: stepper(v) for k, v in variants.items()}
    if a.compile:
        t0 = time.perf_counter()
        steps['LCDT, preset, torch.compile'] = stepper(torch.compile(as_trained(LCDT(mc))))
        steps['LCDT, preset, torch.compile']()
        print(f"torch.compile: first step {time.perf_counter() - t0:.1f} s")

    # the plain GPT: with the preset's dropout (the fair baseline), the same drawn by FastDropout, and none
    idx = torch.randint(0, mc.vocab_size, (B, S))
    tgt = torch.randint(0, mc.vocab_size, (B, S))

    def gpt_stepper(dropout, fast=False, bf16=False):
        g = PlainGPT(mc.vocab_size, S, mc.n_embd, mc.n_head, mc.n_layer, dropout)
        if fast:
            use_fast_dropout(g)
        gopt = torch.optim.AdamW(g.parameters(), lr=1e-3)

        def gpt_step():
            with torch.autocast('cpu', dtype=torch.bfloat16, enabled=bf16):
                loss = g(idx, tgt)
            gopt.zero_grad()
            loss.backward()
            gopt.step()

        return gpt_step, sum(p.numel() for p in g.parameters())

    fair = f'plain GPT, dropout {mc.dropout} (as the preset)'
    gpts = {fair: gpt_stepper(mc.dropout)}
    if mc.dropout > 0:
        gpts[f'plain GPT, dropout {mc.dropout}, FastDropout'] = gpt_stepper(mc.dropout, True)
        gpts['plain GPT, dropout 0'] = gpt_stepper(0.0)
    b16, g16 = 'LCDT, preset, bf16 autocast', f'plain GPT, dropout {mc.dropout}, bf16 autocast'
    if a.bf16:  # the same two under CPU autocast: bf16 matmuls where the CPU has them
        gpts[g16] = gpt_stepper(mc.dropout, bf16=True)
        steps[b16] = stepper(as_trained(LCDT(mc)), bf16=True)
    allsteps = {**{k: v[0] for k, v in gpts.items()}, **steps}

    if a.profile:  # where a step's time goes: the preset, with fast_dropout, and the fair plain GPT
        from torch.profiler import ProfilerActivity, profile

        for k in [shipped, *([fast] if mc.dropout > 0 else []), fair]:
            f = allsteps[k]
            for _ in range(3):
                f()
            with profile(activities=[ProfilerActivity.CPU]) as prof:
                for _ in range(a.steps):
                    f()
            print(f"\n{k}: top ops by self CPU time over {a.steps} steps")
            print(prof.key_averages().table(sort_by='self_cpu_time_total', row_limit=12))
        return

    # interleave them so that load from other processes hits all alike
    runs = {k: [] for k in allsteps}
    for _ in range(3):
        for k, f in allsteps.items():
            runs[k].append(_time(f, a.steps))
    wall = {k: min(w for w, _ in v) for k, v in runs.items()}
    cpu = {k: min(c for _, c in v) for k, v in runs.items()}
    print(
        f"\nLCDT {a.preset}: {mc.n_layer} layers, {mc.n_embd} dims, {mc.n_head} heads, head={mc.head}, "
        f"seq {S} (1 + {mc.max_text_len} text + 3 x {mc.context} steps), batch {B}, {m.n_params():,} params; "
        f"plain GPT: the same depth, width, heads, batch and sequence, {gpts[fair][1]:,} params"
    )
    real = float(torch.cat([batch['text_mask'], batch['step_mask'].repeat_interleave(3, 1)], 1).float().sum() + B)
    print(
        f"  the LCDT's windows: {real / (B * S):.0%} of the {B * S:,} positions are real tokens (the small preset's "
        f"training batches: about 63%); tokens/s counts every position, padding too"
    )
    for k in allsteps:
        print(
            f"  {k:40s}: {B * S / wall[k]:8,.0f} tokens/s  ({1000 * wall[k]:6.1f} ms/step, cpu {1000 * cpu[k]:6.1f} ms)"
            f"  ratio to the fair plain GPT {wall[fair] / wall[k]:.2f} (cpu {cpu[fair] / cpu[k]:.2f})"
        )
    print()
    for k in [shipped, query, fast, buckets, both] if mc.dropout > 0 else [shipped, query]:
        r = wall[fair] / wall[k]
        print(
            f"{a.preset}: {k} / {fair}: {r:.2f} (cpu {cpu[fair] / cpu[k]:.2f}; target >= 1.0: "
            f"{'met' if r >= 1.0 else 'missed'})"
        )
    if a.bf16:
        print(f"{a.preset}: bf16 autocast / float32: LCDT {wall[shipped] / wall[b16]:.2f}, plain GPT "
              f"{wall[fair] / wall[g16]:.2f}; {b16} / {fair}: {wall[fair] / wall[b16]:.2f}")  # fmt: skip
    if mc.dropout > 0:
        nod = 'plain GPT, dropout 0'
        for k in (fast, both):
            print(f"{a.preset}: {k} / {nod}: {wall[nod] / wall[k]:.2f} (cpu {cpu[nod] / cpu[k]:.2f})")

    ref = PlainGPT(65, 256, 128, 4, 4)
    ropt = torch.optim.AdamW(ref.parameters(), lr=1e-3)
    ridx = torch.randint(0, 65, (16, 256))

    def ref_step():
        loss = ref(ridx, ridx)
        ropt.zero_grad()
        loss.backward()
        ropt.step()

    tr = min(_time(ref_step, max(5, a.steps // 2))[0] for _ in range(2))
    print(
        f"\nreference nanoGPT-style GPT (4 layers, 128 dims, T=256, batch 16): {16 * 256 / tr:,.0f} tokens/s "
        f"(design page: about 14,000 tokens/s on these 2 cores)"
    )
    print(f"load average at end: {os.getloadavg()}")


if __name__ == '__main__':
    main()
