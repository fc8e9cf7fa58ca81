"""Stage times of the whole navigation pipeline (`lcdt-pipeline`): each stage's wall-clock and CPU seconds and the
load average around it, as the stage markers record them (`run/stages/<stage>.json`), with the training stage's
tokens/s and the LCDT's BD success and judge score from `eval.json`.

By default it runs the `tiny` preset into a temporary directory (a minute or two) and prints its stages; `--preset
small --out DIR` runs the laptop experiment (about 6 minutes on 2 cores), `--set KEY=VALUE` passes overrides as
`lcdt-pipeline` does (e.g. `--set train.fast_dropout=true --set eval.words=true`), and `--read DIR` prints the
stages recorded in an existing run directory without running anything. Threads: as the environment and the preset say
(`OMP_NUM_THREADS=1` on a shared machine).

Usage: .venv/bin/python bench/pipeline.py [--preset tiny|small] [--out DIR] [--set KEY=VALUE ...] [--only STAGE ...]
       .venv/bin/python bench/pipeline.py --read DIR
       .venv/bin/python bench/pipeline.py --compare A B [A B ...]   # A - B paired over the prompts, pooled over pairs
"""

import argparse, json, os, platform, sys, tempfile, time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # measure this checkout's lcdt


def stage_table(run) -> list:
    "One row per stage recorded in `run/stages/`: (stage, seconds, cpu_seconds, load before, load after, note)."
    from lcdt.pipeline import STAGES

    rows = []
    for st in STAGES:
        p = Path(run) / 'stages' / f'{st.name}.json'
        if not p.exists():
            continue
        d = json.loads(p.read_text())
        load = d.get('load') or [None, None]
        note = ''
        if st.name == 'train':
            note = f"{d.get('step')} steps, {d.get('tokens_per_s')} tokens/s"
        rows.append((st.name, d.get('seconds'), d.get('cpu_seconds'), load[0], load[1], note))
    return rows


def show(run):
    rows = stage_table(run)
    if not rows:
        print(f"no stage markers in {run}/stages")
        return
    print(f"\n{'stage':10s} {'wall s':>8s} {'CPU s':>8s}  load before/after  note")
    for name, s, c, l0, l1, note in rows:
        print(f"{name:10s} {s or 0:8.1f} {c or 0:8.1f}  {l0} / {l1}  {note}")
    tot, ctot = sum(r[1] or 0 for r in rows), sum(r[2] or 0 for r in rows)
    print(f"{'total':10s} {tot:8.1f} {ctot:8.1f}  ({tot / 60:.1f} min)")
    ev = Path(run) / 'eval.json'
    if ev.exists():
        t = json.loads(ev.read_text())['table']['lcdt']
        print(f"LCDT: BD success {t['bd_success']:.1%}, judge {t['judge']:.3f} (eval.json)")


def compare(pairs) -> None:
    "Per pair of run folders (A, B) evaluated on the same prompts: BD success and judge, and A - B paired over prompts."
    import numpy as np
    from lcdt.dt.evaluate import paired_gain

    arms = {'A': ([], []), 'B': ([], [])}  # per arm: success and judge arrays, one per pair

    def line(what, s, j):
        gs, gj = paired_gain(*s), paired_gain(*j)
        return (f"{what}: success {100 * gs['gain']:+.1f} ± {100 * gs['se']:.1f} points (z {gs['z']}), "
                f"judge {gj['gain']:+.3f} ± {gj['se']:.3f} (z {gj['z']}); {gs['n']} prompt pairs")  # fmt: skip

    for a, b in pairs:
        ev = [json.loads((Path(r) / 'eval.json').read_text()) for r in (a, b)]
        by_id = [{q['id']: q for q in e['prompts']} for e in ev]
        prompts = [{i: (q['text'], q['bd']) for i, q in d.items()} for d in by_id]
        if prompts[0] != prompts[1]:
            raise SystemExit(f"{a} and {b} were not evaluated on the same prompts")
        ids = sorted(by_id[0])
        for arm, e, d in zip('AB', ev, by_id):
            arms[arm][0].append(np.array([d[i]['lcdt_dist'] <= e['success_px'] for i in ids], float))
            arms[arm][1].append(np.array([d[i]['lcdt_judge'] for i in ids], float))
        for arm, r, e in zip('AB', (a, b), ev):
            t = e['table']['lcdt']
            print(f"  {arm} {r}: BD success {t['bd_success']:.1%}, judge {t['judge']:.3f}")
        print(line('  A - B', (arms['A'][0][-1], arms['B'][0][-1]), (arms['A'][1][-1], arms['B'][1][-1])))
    if len(pairs) > 1:
        cat = {arm: [np.concatenate(x) for x in v] for arm, v in arms.items()}
        print(f"pooled: A {cat['A'][0].mean():.1%} / {np.nanmean(cat['A'][1]):.3f}, "
              f"B {cat['B'][0].mean():.1%} / {np.nanmean(cat['B'][1]):.3f}")  # fmt: skip
        print(line('  A - B, all pairs', (cat['A'][0], cat['B'][0]), (cat['A'][1], cat['B'][1])))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--preset', default='tiny', choices=['tiny', 'small'])
    ap.add_argument('--out', default=None, help='run directory (default: a temporary one)')
    ap.add_argument('--set', dest='sets', action='append', default=[], help='an override KEY=VALUE (repeatable)')
    ap.add_argument('--read', default=None, help='print the stages recorded in this run directory; run nothing')
    ap.add_argument('--only', nargs='+', default=None, help='run only these stages (as lcdt-pipeline --only)')
    ap.add_argument(
        '--compare', nargs='+', default=None, metavar='RUN',
        help='pairs of evaluated run folders A B [A B ...]: A - B paired over the same prompts; run nothing',
    )  # fmt: skip
    a = ap.parse_args()
    if a.compare:
        if len(a.compare) % 2:
            raise SystemExit(f"--compare takes pairs of run folders (A B ...), got {len(a.compare)}")
        return compare(list(zip(a.compare[::2], a.compare[1::2])))
    import torch

    print(f"machine: nproc={os.cpu_count()} torch_threads={torch.get_num_threads()} python {platform.python_version()}")
    print(f"load average at start: {os.getloadavg()}")
    if a.read:
        print(f"stages recorded in {a.read}:")
        show(a.read)
        return
    from lcdt.pipeline import run_pipeline

    with tempfile.TemporaryDirectory() as tmp:
        out = a.out or str(Path(tmp) / a.preset)
        t0 = time.perf_counter()
        run_pipeline(a.preset, out, only=a.only, sets=a.sets, force=a.out is None, log=lambda s: None)
        print(
            f"lcdt-pipeline --preset {a.preset} {' '.join('--set ' + s for s in a.sets)} --out {out}: "
            f"{time.perf_counter() - t0:.1f} s in all"
        )
        show(out)
    print(f"load average at end: {os.getloadavg()}")


if __name__ == '__main__':
    main()
