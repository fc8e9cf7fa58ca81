"""Several processes against one, same run: DDP (world model, brain behaviour cloning, Hopper decision transformer)
and the Dask archive search.

For each DDP trainer: a tiny run under `torchrun --nproc_per_node 2` (gloo, CPU) and the same run in this process
with the same global batch; the wall times (torchrun's include starting two Python processes) and the largest loss
and weight differences. For the archive: the serial search and the same search on a Dask `LocalCluster` of 2
workers; the wall times (the cluster's start included) and whether the archives are equal.

Usage: OMP_NUM_THREADS=1 .venv/bin/python bench/scale.py  (not named distributed.py: that would shadow Dask)
"""

import os, platform, tempfile, time
from dataclasses import replace
from pathlib import Path

import numpy as np
import torch

from lcdt.brain.act import ActPolicy, act_config, clone, pixel_traces
from lcdt.checkpoint import read_state
from lcdt.control.rcdt import RCDTConfig, RCDTTrainConfig, train_rcdt
from lcdt.core import load_tensors, seed_everything
from lcdt.nav.archive import ArchiveConfig, run_archive
from lcdt.nn import torchrun
from lcdt.wm.model import WMConfig, WMTrainConfig, load_wm, tabular_episodes, train_wm
from lcdt.wm.tabular import TabularWorld

WM = WMConfig(vocab_size=16, n_tokens=1, n_actions=4, context=1, n_layer=1, n_embd=32)
WM_TRAIN = WMTrainConfig(steps=30, batch=64, lr=1e-2, warmup=5, every=30)
WM_SCRIPT = f"""import sys
from lcdt.wm.model import WMConfig, WMTrainConfig, tabular_episodes, train_wm
from lcdt.wm.tabular import TabularWorld
train_wm({WM!r}, tabular_episodes(TabularWorld(16, 4, seed=0), 256, 4, seed=0), {WM_TRAIN!r}, out=sys.argv[1])
"""
BC_SCRIPT = """import sys
from lcdt.core import seed_everything
from lcdt.brain.act import ActPolicy, act_config, pixel_traces, clone
seed_everything(0)
clone(ActPolicy(act_config('tiny')), pixel_traces(30, seed=0), steps=10, batch=16, ckpt=sys.argv[1], ckpt_every=10)
"""
RCDT = RCDTConfig(context=5, n_layer=1, n_embd=32, dropout=0.0)
RCDT_TRAIN = RCDTTrainConfig(steps=30, batch=16, every=30, warmup=5)
RCDT_SCRIPT = f"""import sys
from pathlib import Path
import numpy as np
from lcdt.control.rcdt import RCDTConfig, RCDTTrainConfig, train_rcdt
train_rcdt({RCDT!r}, dict(np.load(Path(sys.argv[1]).parent / 'toy.npz')), {RCDT_TRAIN!r}, out=sys.argv[1])
"""


def _toy(n_ep=6, T=30, seed=0):
    "Hopper-shaped episodes (11-wide observations, 3-wide actions) whose action is a fixed map of the observation."
    g = np.random.default_rng(seed)
    obs = g.standard_normal((n_ep * T, 11)).astype(np.float32)
    t, start = np.tile(np.arange(T), n_ep), np.repeat(np.arange(n_ep) * T, T)
    return dict(obs=obs, act=np.tanh(obs[:, :3] * 0.8).astype(np.float32), rew=np.ones(n_ep * T, np.float32),
                rtg=(T - t).astype(np.float32), timestep=t, start=start, end=start + T)  # fmt: skip


def _torchrun(d, name, script):
    (d / f'{name}.py').write_text(script)
    t = time.time()
    r = torchrun([d / f'{name}.py', d / name], nproc=2)
    if r.returncode:
        raise RuntimeError(r.stderr[-3000:])
    return time.time() - t


def _gap(a, b):
    return max((a[k] - b[k]).abs().max().item() for k in a)


def main():
    torch.set_num_threads(1)
    print(f"machine: nproc={os.cpu_count()}, python {platform.python_version()}, torch {torch.__version__}")
    print(f"load average at start: {os.getloadavg()}")
    d = Path(tempfile.mkdtemp(prefix='lcdt_bench_dist_'))

    t2 = _torchrun(d, 'wm', WM_SCRIPT)
    t = time.time()
    one, l1 = train_wm(WM, tabular_episodes(TabularWorld(16, 4, seed=0), 256, 4, seed=0), WM_TRAIN)
    t1 = time.time() - t
    l2 = read_state(d / 'wm' / 'last')['losses']
    print(
        f"world model, 30 steps, global batch 64: torchrun 2 processes {t2:.1f} s, one process {t1:.1f} s; "
        f"largest loss difference {np.abs(np.subtract(l1, l2)).max():.1e}, "
        f"weight difference {_gap(one.state_dict(), load_wm(d / 'wm').state_dict()):.1e}"
    )

    t2 = _torchrun(d, 'bc', BC_SCRIPT)
    seed_everything(0)
    pol, tr = ActPolicy(act_config('tiny')), pixel_traces(30, seed=0)
    t = time.time()
    c1 = clone(pol, tr, steps=10, batch=16)
    t1 = time.time() - t
    c2 = read_state(d / 'bc' / 'last')['losses']
    print(
        f"brain behaviour cloning, 10 steps, global batch 16: torchrun 2 processes {t2:.1f} s, one process {t1:.1f} s; "
        f"largest loss difference {np.abs(np.subtract(list(c1), c2)).max():.1e}, "
        f"weight difference {_gap(pol.state_dict(), load_tensors(d / 'bc' / 'last' / 'model.safetensors')):.1e}"
    )

    np.savez(d / 'toy.npz', **_toy())
    t2 = _torchrun(d, 'rcdt', RCDT_SCRIPT)
    t = time.time()
    one, r1 = train_rcdt(RCDT, _toy(), RCDT_TRAIN)
    t1 = time.time() - t
    r2 = read_state(d / 'rcdt' / 'last')['losses']
    print(
        f"Hopper decision transformer, 30 steps, global batch 16: torchrun 2 processes {t2:.1f} s, one process "
        f"{t1:.1f} s; largest loss difference {np.abs(np.subtract(r1, r2)).max():.1e}, "
        f"weight difference {_gap(one.state_dict(), load_tensors(d / 'rcdt' / 'last' / 'model.safetensors')):.1e}"
    )

    run_archive(ArchiveConfig(generations=1, pop=8, n_steps=10), d / 'warm', progress=False)  # imports, first calls
    for ac in (ArchiveConfig(), ArchiveConfig(pop=256, generations=3)):
        t = time.time()
        a = run_archive(ac, d / f'serial{ac.pop}', progress=False)
        ts = time.time() - t
        t = time.time()
        b = run_archive(replace(ac, workers=2), d / f'dask{ac.pop}', progress=False)
        tw = time.time() - t
        same = all(np.array_equal(getattr(a, k), getattr(b, k)) for k in a.arrays)
        print(
            f"archive, pop {ac.pop} x {ac.generations} generations ({len(a)} entries): serial {ts:.1f} s, "
            f"Dask LocalCluster of 2 workers {tw:.1f} s (cluster start included); archives equal: {same}"
        )
    print(f"load average at end: {os.getloadavg()}")


if __name__ == '__main__':  # the Dask workers are spawned processes that import this module
    main()
