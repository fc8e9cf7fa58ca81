"""Benchmark: robot-steps per second of `BatchNav` (N = 1, 64, 1024, 4096 random MLP controllers) against a
Python loop over `NavEnv` (one robot at a time through `gymnasium.make`, as an archive would), in the same run.

Run: `.venv/bin/python bench/nav.py` (add `--quick` for a short run). Prints the machine, the figures and the ratio."""

import os, sys, time, platform, argparse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # measure this checkout's lcdt

import numpy as np


def machine():
    cpu = next(
        (l.split(':', 1)[1].strip() for l in open('/proc/cpuinfo') if l.startswith('model name')), platform.processor()
    )
    import torch, gymnasium

    return (
        f"nproc {os.cpu_count()} | {cpu} | python {platform.python_version()} | numpy {np.__version__} | "
        f"torch {torch.__version__} | gymnasium {gymnasium.__version__} | load average {os.getloadavg()[0]:.2f}"
    )


def bench_batch(n, steps, repeats):
    "Best robot-steps per wall-clock second and per CPU second over `repeats` rollouts of `n` random controllers."
    from lcdt.nav.env import BatchNav
    from lcdt.nav.policy import init_params, policy_fn_from_params

    sim, pol = BatchNav(n), policy_fn_from_params(init_params(n, 0))
    sim.rollout(pol, 5)  # warm-up
    best = best_cpu = 0.0
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        sim.rollout(pol, steps)
        best, best_cpu = (
            max(best, n * steps / (time.perf_counter() - t0)),
            max(best_cpu, n * steps / (time.process_time() - c0)),
        )
    return best, best_cpu


def bench_loop(n_robots, steps):
    "Robot-steps/s of a Python loop over `gymnasium.make('lcdt/Nav-v0')`, one robot and controller at a time."
    import gymnasium as gym
    from lcdt.nav.policy import init_params, policy_fn_from_params

    P = init_params(n_robots, 0)
    env = gym.make("lcdt/Nav-v0")
    t0, c0 = time.perf_counter(), time.process_time()
    for i in range(n_robots):
        pol = policy_fn_from_params(P[i : i + 1])
        o, _ = env.reset(seed=i)
        for _ in range(steps):
            o, *_ = env.step(pol(o[None])[0])
    return n_robots * steps / (time.perf_counter() - t0), n_robots * steps / (time.process_time() - c0)


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer steps and repeats")
    args = ap.parse_args()
    print(machine())
    print("(the machine may be shared with other work: figures are the best of the repeats)")
    steps, repeats = (100, 2) if args.quick else (400, 3)
    loop, loop_cpu = bench_loop(4 if args.quick else 16, steps)
    print(f"{'':28s}{'robot-steps/s (wall)':>22s}{'per CPU-second':>16s}{'x loop (wall)':>15s}")
    print(f"{'NavEnv loop (gym.make, N=1)':28s}{loop:22,.0f}{loop_cpu:16,.0f}{1.0:15.1f}")
    res = {}
    for n in (1, 64, 1024, 4096):
        res[n], cpu = bench_batch(n, steps, repeats)
        print(f"{f'BatchNav N={n}':28s}{res[n]:22,.0f}{cpu:16,.0f}{res[n] / loop:15.1f}")
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    print(
        f"target N=4096 >= 1,000,000 robot-steps/s (wall): {'met' if res[4096] >= 1e6 else 'NOT met'}; "
        f">= 100 x the loop: {'met' if res[4096] >= 100 * loop else 'NOT met'} ({res[4096] / loop:.0f} x)"
    )
