"""Training and rollout speed of the Gato policy (`lcdt.control.policy.GatoPolicy`) on the six-task mixture's shape
(`MULTITASK_ALL`: FiLM, 2 layers, 96 wide, one prompt slot and one timestep), packed against dense, same run.

A mixture's batch is mostly padding: a BabyAI timestep is 64 tokens, a gold timestep 5 and a room timestep 16, padded to
64, and three sequences in four have no prompt (an empty slot of 64). With `packed=True` (in `GatoConfig`, or
`hidden(..., packed=True)`) the trunk runs on the valid tokens alone: rows grouped by their pattern of valid tokens,
plain causal attention; its last block computes only the positions that are read (those that predict an action token in
training, the decoded one in a rollout: `Trunk`'s `query`), and FiLM's scale and shift are broadcast over each timestep
instead of gathered per position. Dense runs every position under a (b, L, L) mask. `GatoConfig.packed` is off by
default, so that stored runs rerun to the bit; `MULTITASK_ALL` turns it on, with `GatoTrainConfig.fused`. Both give the
same hidden states at valid positions (tested in nbs/api/62_control_policy.ipynb). The batch here is drawn as
`MixedEpisodes.sample` draws one: the task by `MULTITASK_ALL`'s weights, its tokenizer's width, a prompt with
probability 0.25; token ids are random (speed does not depend on them). Two figures:

- a training step (forward, backward, AdamW) of 32 sequences: dense (lcdt before), packed, and packed with fused
  AdamW (one kernel for every parameter), which is how `train_policy` runs `MULTITASK_ALL`;
- one decoding call of a rollout: 200 rows, no prompt, up to the first action token (a room robot's, as
  `rollout_room` decodes; and a BabyAI agent's, as `rollout_policy` does).

Each variant runs 3 rounds, interleaved so that load from other processes hits all alike; each figure is its fastest
round. The ratio is dense time over packed time (above 1: packed is faster).

Usage: .venv/bin/python bench/gato.py [--steps N] [--threads T]
"""

import argparse, os, sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from train import _time  # noqa: E402  (bench/train.py's timer: seconds per call, wall clock and CPU)

from lcdt.control.multitask import MULTITASK_ALL, ROOM, GOLD, gold_tokenizer, room_tokenizer  # noqa: E402
from lcdt.control.policy import GatoPolicy, GatoTrainConfig, babyai_tokenizer, policy_config, window_start  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--steps', type=int, default=10)
    ap.add_argument('--threads', type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    print(f"machine: nproc={os.cpu_count()} torch_threads={torch.get_num_threads()} torch {torch.__version__}")
    print(f"load average at start: {os.getloadavg()}")
    bt = babyai_tokenizer(['go to the red ball', 'pick up the blue key', 'put the box next to the ball'])
    widths = {k: bt.n_tokens for k in MULTITASK_ALL['levels']}
    rt = room_tokenizer(bt.obs.text_tokenizer)
    widths[GOLD], widths[ROOM] = gold_tokenizer(bt.obs.text_tokenizer).n_tokens, rt.n_tokens
    names = list(widths)
    w = np.array([MULTITASK_ALL['weights'][k] for k in names])
    w = w / w.sum()
    T = max(widths.values())
    cfg = policy_config(bt, T, **MULTITASK_ALL['model_kw'])
    tc = GatoTrainConfig(**MULTITASK_ALL['train_kw'])
    print(f"tasks and widths: {widths}; weights {dict(zip(names, w.round(3)))}; {cfg.n_slots} slots of {T} tokens")
    r = np.random.default_rng(0)
    B, L = tc.batch_size, cfg.block_size
    k = r.choice(len(names), B, p=w)
    width = np.array([widths[names[i]] for i in k])
    tok = np.arange(T)[None] < width[:, None]
    prompt = r.random(B) < tc.prompt_prob
    valid = torch.from_numpy(np.concatenate([tok & prompt[:, None], tok], 1))
    ids = torch.from_numpy(r.integers(0, cfg.vocab_size, (B, L)))
    lm = torch.zeros(B, L, dtype=torch.bool)
    lm[np.arange(B), window_start(cfg) + width - 1] = True  # the last action token of each row
    print(f"batch: {B} rows, {valid.float().mean():.0%} of positions valid; {int(prompt.sum())} with a prompt")

    def trainer(packed, fused=False):
        torch.manual_seed(0)
        m = GatoPolicy(replace(cfg, packed=packed))
        opt = torch.optim.AdamW(m.parameters(), lr=1e-3, fused=fused)

        def step():
            if packed:  # as train_policy calls it: forward reads the packed groups at the masked tokens
                _, loss = m(ids, valid, None, lm)
            else:  # lcdt before: every position under the dense mask, then the masked positions
                h = m.hidden(ids, valid, packed=False)[:, :-1][lm[:, 1:]]
                loss = torch.nn.functional.cross_entropy(m.head(h), ids[:, 1:][lm[:, 1:]])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()

        return step

    def decoder(packed, tt):
        m = GatoPolicy(cfg).eval()
        n = 200
        at = L - T + tt.n_obs  # the separator of the current timestep: the first action token is read here
        v = np.tile(np.arange(T) < tt.n_tokens, (n, 1))
        v = torch.from_numpy(np.concatenate([np.zeros((n, T), bool), v], 1))
        x = torch.from_numpy(r.integers(0, cfg.vocab_size, (n, L)))

        def call():
            with torch.no_grad():
                m.hidden(x[:, : at + 1], v[:, : at + 1], packed=packed, at=at)  # as the rollouts read it

        return call

    fns = {}
    for packed in (False, True):
        tag = 'packed' if packed else 'dense'
        fns[f'training step, {tag}'] = trainer(packed)
        fns[f'room decode (200 rows), {tag}'] = decoder(packed, rt)
        fns[f'BabyAI decode (200 rows), {tag}'] = decoder(packed, bt)
    fns['training step, packed + fused AdamW'] = trainer(True, fused=True)
    best = {k: float('inf') for k in fns}
    for _ in range(3):
        for k_, fn in fns.items():
            best[k_] = min(best[k_], _time(fn, a.steps)[0])
    for k_, s in best.items():
        print(f"{k_:40s} {1000 * s:8.1f} ms")
    for what in ('training step', 'room decode (200 rows)', 'BabyAI decode (200 rows)'):
        print(f"{what}: dense / packed = {best[f'{what}, dense'] / best[f'{what}, packed']:.2f}x")
    shipped = best['training step, packed + fused AdamW']
    print(
        f"training step as MULTITASK_ALL trains (packed, fused AdamW): "
        f"dense / that = {best['training step, dense'] / shipped:.2f}x"
    )
    print(f"load average at end: {os.getloadavg()}")


if __name__ == '__main__':
    main()
