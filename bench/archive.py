"""Benchmark: the `small` archive preset (novelty search, pyribs) -- entries, coverage, seconds, replay.

Baseline measured in the same run: random search with the same number of evaluations (controllers
uniform in [-1, 1], as in the first generation), whose BDs cover the room far less. Usage:

    .venv/bin/python bench/archive.py [--preset small] [--no-replay]
"""

import argparse, os, platform, shutil, sys, tempfile, time

import numpy as np

sys.path.insert(
    0, os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
)  # this checkout's lcdt, not another install


def machine() -> str:
    import torch

    cpu = next(
        (l.split(':', 1)[1].strip() for l in open('/proc/cpuinfo') if l.startswith('model name')), platform.processor()
    )
    return (
        f"nproc={os.cpu_count()} cpu={cpu!r} python={platform.python_version()} numpy={np.__version__} "
        f"torch={torch.__version__} load1={os.getloadavg()[0]:.2f}"
    )


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--preset', default='small')
    ap.add_argument('--no-replay', action='store_true')
    args = ap.parse_args()
    import ribs
    from lcdt.core import RunDir
    from lcdt.config import run_config
    from lcdt.stages import stage_archive
    from lcdt.nav.archive import (
        load_archive,
        replay,
        reachable_cells,
        coverage,
        evaluate_controllers,
    )
    from lcdt.nav.policy import init_params

    print(machine(), f"pyribs={ribs.__version__}")
    cfg = run_config(args.preset).archive
    print(f"preset {args.preset}: {cfg}")
    tmp = tempfile.mkdtemp(prefix='lcdt_bench_archive_')
    try:
        run = RunDir(tmp)
        t0 = time.time()
        figs = stage_archive(run, args.preset, progress=False)
        secs = time.time() - t0
        print(
            f"novelty search: entries={figs['entries']} coverage={figs['coverage']:.3f} "
            f"(of {figs['reachable_cells']} reachable 30x30 cells) evaluations={figs['evaluations']} "
            f"seconds={secs:.1f} (search {figs['search_seconds']:.1f})"
        )
        reach = reachable_cells()
        n = cfg.pop * cfg.generations
        t0 = time.time()
        bds = np.concatenate(
            [
                evaluate_controllers(init_params(min(1000, n - s), s, scale=cfg.init_scale), cfg.n_steps).pos[:, -1]
                for s in range(0, n, 1000)
            ]
        )
        rsecs = time.time() - t0
        rcov = coverage(bds, reach)
        print(f"baseline random search ({n} controllers): coverage={rcov:.3f} seconds={rsecs:.1f}")
        print(f"coverage ratio novelty/random = {figs['coverage'] / max(rcov, 1e-9):.2f}x")
        fine = reachable_cells(10.0)
        a_bd = load_archive(run / 'archive.npz').bd
        fn, fr = coverage(a_bd, fine, 10.0), coverage(bds, fine, 10.0)
        print(
            f"finer 10x10 px cells ({int(fine.sum())} reachable): novelty {fn:.3f}, random {fr:.3f}, "
            f"ratio {fn / max(fr, 1e-9):.2f}x"
        )
        if not args.no_replay:
            a = load_archive(run / 'archive.npz')
            t0 = time.time()
            rep = replay(a, batch=cfg.replay_batch)
            print(
                f"replay: {rep['bd_reproduced']}/{rep['entries']} BDs and {rep['traj_reproduced']}/{rep['entries']} "
                f"trajectories reproduced bit for bit, max BD error {rep['max_bd_error']}, "
                f"seconds={time.time() - t0:.1f}"
            )
        ok = figs['entries'] >= 2000 and figs['coverage'] >= 0.5 and secs < 180
        print(f"targets (>= 2000 entries, >= 50% coverage, < 180 s): {'met' if ok else 'NOT met'}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == '__main__':
    main()
