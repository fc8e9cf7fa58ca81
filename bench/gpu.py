"""The GPU section of `make bench`: training tokens/s and model FLOPs utilisation (MFU) of the LCDT and the plain GPT.

Where CUDA exists: one training step (forward and loss under bf16 autocast, backward, fused AdamW) of the LCDT (the
preset as shipped, and with dropout 0) and of `bench/train.py`'s plain nanoGPT-style GPT of the same depth, width,
heads, batch and sequence length, each eager and under `torch.compile`, at the preset's batch and at a GPU-sized
batch; then the same three models at GPT-2-small size (12 layers, 768 wide, 12 heads), where a GPU has work to do.

FLOPs are counted, not estimated: `torch.utils.flop_counter.FlopCounterMode` over one forward and backward, with
attention on PyTorch's math backend so that it is counted as its two batched matmuls. That is the matmuls only (every
`Linear` forward 2·m·n·k, its backward twice that where the input needs a gradient, and attention's QKᵀ and AV over
the whole S × S square: causal masking is not discounted), the PaLM/nanoGPT convention: for the plain GPT it is
exactly 6·N·tokens + 12·L·d·S·tokens, N the parameters of its `Linear` layers (checked by `--check`). Embedding
lookups, norms, softmax, the optimizer and everything elementwise are not counted. MFU is counted FLOPs per second
over the GPU's dense bf16 peak (no sparsity), looked up by device name in `PEAK_BF16_TFLOPS` (`--peak-tflops` for
another GPU). Eager and compiled steps do the same model FLOPs, so the compiled rows use the eager count.

Without CUDA it prints one line saying the section was skipped, and exits 0.

Usage: .venv/bin/python bench/gpu.py [--steps N] [--batches 32,512] [--no-compile] [--no-wide] [--peak-tflops T]
       .venv/bin/python bench/gpu.py --device cpu --dtype fp32 ...   (the same measurements on the CPU)
       .venv/bin/python bench/gpu.py --check   (the FLOP count, the peak table and a tiny CPU run; no GPU needed)
"""

import argparse, os, platform, sys, time
from contextlib import nullcontext
from dataclasses import replace
from pathlib import Path

import torch
import torch.nn.functional as F
from torch.nn.attention import SDPBackend, sdpa_kernel
from torch.utils.flop_counter import FlopCounterMode

sys.path.insert(0, str(Path(__file__).resolve().parent))
from train import PlainGPT  # noqa: E402  (bench/train.py: the same baseline as the CPU section)

from lcdt.config import run_config  # noqa: E402
from lcdt.dt.data import random_batch  # noqa: E402
from lcdt.dt.model import LCDT  # noqa: E402

# Dense bf16 tensor-core peaks (TFLOP/s, no sparsity) from NVIDIA's data sheets; the first name that the device's
# name contains wins, so the specific forms come before the general ones.
PEAK_BF16_TFLOPS = {
    'GB200': 2500.0,
    'B200': 2250.0,
    'H200 NVL': 835.0,
    'H200': 989.4,  # SXM
    'H100 NVL': 835.0,
    'H100 PCIe': 756.0,
    'GH200': 989.4,
    'H100': 989.4,  # SXM ("NVIDIA H100 80GB HBM3")
    'H800': 989.4,
    'A100': 312.0,  # SXM and PCIe
    'A800': 312.0,
    'L40S': 362.0,
    'L40': 181.0,
    'L4': 121.0,
    'A10': 125.0,  # not the A10G, whose peak NVIDIA does not publish
    'RTX 4090': 165.2,  # fp32 accumulate
    'RTX 3090': 71.0,  # fp32 accumulate
}


def peak_tflops(name: str):
    "Dense bf16 peak (TFLOP/s) of the GPU called `name` (as `torch.cuda.get_device_name` says it), or None if unknown."
    if name.endswith('A10G') or 'A10G' in name:
        return None
    return next((v for k, v in PEAK_BF16_TFLOPS.items() if k in name), None)


class GPT(PlainGPT):
    "`bench/train.py`'s plain GPT, with its positions made on the input's device."

    def forward(self, idx, targets):
        x = self.wte(idx) + self.wpe(torch.arange(idx.shape[1], device=idx.device))
        for b in self.blocks:
            x = b(x)
        return F.cross_entropy(self.head(self.ln(x)).flatten(0, 1), targets.flatten())


def gpt_flops(n_layer: int, d: int, seq: int, vocab: int, tokens: int) -> int:
    "Training FLOPs of the plain GPT on `tokens` tokens: 6·N·tokens + 12·L·d·S·tokens (N: its Linear weights)."
    n = n_layer * 12 * d * d + d * vocab  # qkv 3d², proj d², MLP 8d² per block; the LM head
    return 6 * n * tokens + 12 * n_layer * d * seq * tokens


def counted_flops(loss_fn) -> int:
    "FLOPs of one forward and backward of `loss_fn()` (matmuls, attention as two matmuls), by `FlopCounterMode`."
    with sdpa_kernel(SDPBackend.MATH), FlopCounterMode(display=False) as fc:
        loss_fn().backward()
    return fc.get_total_flops()


def cases(preset: str, batch: int, device: str, wide: bool = False) -> dict:
    "name -> (model, loss function, tokens per step): the LCDT as shipped, the LCDT at dropout 0, the plain GPT."
    mc = replace(run_config(preset).dt, vocab_size=512)
    if wide:  # GPT-2 small's depth and width
        mc = replace(mc, n_layer=12, n_head=12, n_embd=768)
    S = mc.block_size
    b = {k: v.to(device) if torch.is_tensor(v) else v for k, v in random_batch(mc, batch, seed=0).items()}
    idx = torch.randint(0, mc.vocab_size, (batch, S), generator=torch.Generator().manual_seed(0)).to(device)
    out = {}
    models = {f'LCDT, preset (dropout {mc.dropout})': mc}
    if mc.dropout:
        models['LCDT, dropout 0'] = replace(mc, dropout=0.0, attn_dropout=None)
    for name, cfg in models.items():
        m = LCDT(cfg).to(device).train()
        out[name] = (m, lambda m=m: m(b, b['act'])[1], batch * S)
    g = GPT(mc.vocab_size, S, mc.n_embd, mc.n_head, mc.n_layer).to(device).train()
    out['plain GPT (no dropout)'] = (g, lambda: g(idx, idx), batch * S)
    return out


def timed(model, loss_fn, steps: int, device: str, dtype, compile_: bool, warm: int = 3) -> float:
    "Seconds per training step (forward and loss under autocast `dtype`, backward, AdamW), after `warm` steps."
    fused = device.startswith('cuda')
    opt = torch.optim.AdamW(model.parameters(), lr=1e-4, fused=fused)
    fn = torch.compile(loss_fn) if compile_ else loss_fn
    amp = torch.autocast(device.split(':')[0], dtype=dtype) if dtype != torch.float32 else nullcontext()
    sync = torch.cuda.synchronize if fused else (lambda: None)

    def step():
        with amp:
            loss = fn()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()

    for _ in range(warm):
        step()
    sync()
    t0 = time.perf_counter()
    for _ in range(steps):
        step()
    sync()
    return (time.perf_counter() - t0) / steps


def row(name: str, tokens: int, flops: int, sec: float, peak) -> str:
    "One result line: tokens/s, ms a step, achieved TFLOP/s and MFU (n/a without a peak)."
    tf = flops / sec / 1e12
    mfu = f"{100 * tf / peak:.2f}%" if peak else 'n/a'
    return (
        f"  {name:38s} {tokens / sec:>11,.0f} tokens/s {1e3 * sec:8.2f} ms/step "
        f"{flops / tokens / 1e6:7.2f} MFLOP/token {tf:8.3f} TFLOP/s  MFU {mfu}"
    )


def run(device: str, dtype, steps: int, batches: list, preset: str, compile_: bool, wide: bool, peak, log=print):
    "Every case at every batch (eager, then compiled), and the wide models; one line each, ratios to the plain GPT."
    shapes = [(preset, b, False) for b in batches] + ([(preset, 64, True)] if wide else [])
    for p, batch, w in shapes:
        cs = cases(p, batch, device, w)
        m0 = next(iter(cs.values()))[0]
        log(
            f"{'GPT-2-small size' if w else p} models ({m0.cfg.n_layer} layers, {m0.cfg.n_embd} wide), batch {batch}, "
            f"sequence {m0.cfg.block_size}:"
        )
        flops = {name: counted_flops(fn) for name, (_, fn, _) in cs.items()}  # the same eager and compiled
        for comp in (False, True) if compile_ else (False,):
            res = {}
            for name, (m, fn, tokens) in cs.items():
                if comp:
                    torch._dynamo.reset()
                sec = timed(m, fn, steps, device, dtype, comp)
                res[name] = tokens / sec
                log(row(f"{name}{', compiled' if comp else ''}", tokens, flops[name], sec, peak))
            base = res['plain GPT (no dropout)']
            log(
                '    ratio to the plain GPT: '
                + ', '.join(f"{k} {v / base:.2f}" for k, v in res.items() if 'GPT' not in k)
            )


def check():
    "The FLOP count against 6·N·tokens + 12·L·d·S·tokens, the peak table, and a tiny run on the CPU."
    torch.manual_seed(0)
    for L, d, h, S, V, B in ((2, 32, 2, 16, 64, 3), (3, 48, 4, 10, 100, 2)):
        g = GPT(V, S, d, h, L)
        idx = torch.randint(0, V, (B, S))
        got, want = counted_flops(lambda: g(idx, idx)), gpt_flops(L, d, S, V, B * S)
        assert got == want, (
            f"FlopCounterMode counted {got} FLOPs for the plain GPT {(L, d, S, V, B)}, 6NT + 12LdST is {want}"
        )
    for name, want in (('NVIDIA H200', 989.4), ('NVIDIA H100 80GB HBM3', 989.4), ('NVIDIA H100 PCIe', 756.0),
                       ('NVIDIA A100-SXM4-80GB', 312.0), ('NVIDIA L40S', 362.0), ('NVIDIA L4', 121.0),
                       ('NVIDIA A10G', None), ('Tesla T4', None)):  # fmt: skip
        assert peak_tflops(name) == want, f"peak of {name!r}: {peak_tflops(name)}, expected {want}"
    lines = []
    run('cpu', torch.bfloat16, 1, [2], 'small', False, False, 100.0, log=lines.append)
    assert len(lines) == 5 and all('tokens/s' in s and 'MFU' in s for s in lines[1:4]), lines
    mfu = [float(s.rsplit('MFU ', 1)[1].rstrip('%')) for s in lines[1:4]]
    assert all(0 < v < 100 for v in mfu), lines
    print('\n'.join(lines))
    print("check passed: FLOP count = 6NT + 12LdST for the plain GPT; peak table; a CPU run under bf16 autocast")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--steps', type=int, default=20)
    ap.add_argument('--batches', default='32,512')
    ap.add_argument('--preset', default='small', choices=['small', 'tiny'])
    ap.add_argument('--device', default='cuda')
    ap.add_argument('--dtype', default='bf16', choices=['bf16', 'fp32'])
    ap.add_argument('--no-compile', action='store_true')
    ap.add_argument('--no-wide', action='store_true')
    ap.add_argument('--peak-tflops', type=float, default=0.0)
    ap.add_argument('--threads', type=int, default=0)
    ap.add_argument('--check', action='store_true')
    a = ap.parse_args()
    if a.threads:
        torch.set_num_threads(a.threads)
    if a.check:
        return check()
    if a.device.startswith('cuda') and not torch.cuda.is_available():
        print(f"GPU section skipped: no CUDA device (torch {torch.__version__}, CUDA build {torch.version.cuda})")
        return
    dtype = dict(bf16=torch.bfloat16, fp32=torch.float32)[a.dtype]
    if a.device.startswith('cuda'):
        name = torch.cuda.get_device_name(a.device)
        if dtype == torch.bfloat16 and not torch.cuda.is_bf16_supported(including_emulation=False):
            print(f"GPU section skipped: {name} has no bf16 tensor cores")
            return
        peak = a.peak_tflops or peak_tflops(name)
        torch.backends.cuda.matmul.allow_tf32 = torch.backends.cudnn.allow_tf32 = True
        print(
            f"device: {name}, CUDA {torch.version.cuda}, torch {torch.__version__}, python {platform.python_version()}"
        )
    else:
        name, peak = platform.processor() or 'cpu', a.peak_tflops or None
        print(
            f"device: CPU ({os.cpu_count()} cores, {torch.get_num_threads()} torch threads), torch {torch.__version__}"
        )
        print(f"load average at start: {os.getloadavg()}")
    print(
        f"peak: {f'{peak:g} TFLOP/s dense {a.dtype}' if peak else 'unknown (pass --peak-tflops)'}; "
        f"autocast {a.dtype}; FLOPs: FlopCounterMode, matmuls and attention (no causal discount), forward + backward"
    )
    batches = [int(b) for b in a.batches.split(',')]
    run(a.device, dtype, a.steps, batches, a.preset, not a.no_compile, not a.no_wide, peak)
    if not a.device.startswith('cuda'):
        print(f"load average at end: {os.getloadavg()}")


if __name__ == '__main__':
    main()
