"""Gold game speed: the batched renderer (N games per call) against the plain one-image-at-a-time renderer,
at 224 x 224 and 64 x 64, plus the batched step and solver.
Run: `.venv/bin/python bench/gold.py [--n 256] [--reps 7]`."""

import argparse, os, platform, statistics, sys, time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # measure this checkout's lcdt

import numpy as np

from lcdt.gold.engine import states, random_games, step_batch, solver
from lcdt.gold.render import render_batch, render_one

TARGETS = {224: 1_000, 64: 20_000}  # frames/s the batched renderer should reach (issue 7)


def machine():
    model = next(
        (l.split(':', 1)[1].strip() for l in open('/proc/cpuinfo') if l.startswith('model name')), platform.processor()
    )
    import torch

    load = os.getloadavg() if hasattr(os, 'getloadavg') else ('?',) * 3
    return (
        f"nproc {os.cpu_count()}, CPU {model}, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}\n"
        f"python {platform.python_version()}, numpy {np.__version__}, torch {torch.__version__}"
    )


def timed(f, reps):
    "Seconds per call of f: (best, median) over `reps` calls after one warm-up."
    f()
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter()
        f()
        ts.append(time.perf_counter() - t0)
    return min(ts), statistics.median(ts)


def main(n=256, reps=7, n_plain=64):
    print(machine())
    st = states(random_games(n, seed=0))  # games with 2 walls and 1-2 gold
    print(
        f"\nrenderer: N = {n} random games with walls, best / median of {reps} calls "
        f"(plain: {n_plain} images one at a time per call)"
    )
    print(f"{'size':>9} {'batched fr/s':>22} {'plain fr/s':>20} {'ratio (best)':>13} {'target':>8}")
    ok = True
    for size in (224, 64):
        bb, bm = timed(lambda: render_batch(st, size), reps)
        pb, pm = timed(lambda: [render_one(st, size, index=i) for i in range(n_plain)], max(3, reps // 2))
        fb, fm, gb, gm = n / bb, n / bm, n_plain / pb, n_plain / pm
        met = fb >= TARGETS[size]
        ok &= met
        print(
            f"{size:>4}x{size:<4} {fb:>10,.0f} / {fm:>9,.0f} {gb:>9,.0f} / {gm:>8,.0f} {fb / gb:>12.1f}x "
            f"{TARGETS[size]:>7,} {'met' if met else 'MISSED'}"
        )
    acts = np.random.default_rng(0).integers(0, 5, n)
    sb, _ = timed(lambda: step_batch(st, acts), reps)
    pol = solver(st)
    vb, _ = timed(lambda: pol(st), reps)
    print(f"\nstep_batch: {n / sb:,.0f} game-steps/s; solver policy: {n / vb:,.0f} game-steps/s (N = {n})")
    print("note: the machine is shared with other work; figures vary with its load.")
    return ok


if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument('--n', type=int, default=256, help='games per batched call')
    p.add_argument('--reps', type=int, default=7, help='timed calls per figure')
    a = p.parse_args()
    sys.exit(0 if main(a.n, a.reps) else 1)
