"""Fails when a stored output of a fast, seeded API notebook is stale: what the notebook prints today differs.

Each notebook of `NOTEBOOKS` is executed afresh (its cells that `nbdev-test` runs, in a fresh process from the
notebook's folder, read into memory: the source file is never written), and every code cell's stored text outputs
are compared with the fresh ones: stdout and stderr, and the `text/plain` of results and displays. Volatile parts are
normalised first (memory addresses, timings, temporary and installation paths, progress bars, ANSI colours); an image
is compared by its presence only. A mismatch prints the notebook, the cell and both texts, and the exit status is 1;
a notebook with a mismatch is run once more, and a cell whose output differs between the two fresh runs is only
warned about (it varies by thread timing or load, which is a flake to fix, not a stale output).
`--fix` stores the fresh outputs of the stale cells (then runs `nbdev-clean` on that notebook).

The notebooks run as a reader runs them in Jupyter (`IN_TEST` unset, so `in_test()` cells take their full sizes),
one torch thread each, offline. `--measure` runs notebooks twice and prints their times and whether the two runs
agree: how `NOTEBOOKS` was chosen (deterministic, under 20 s each alone; the pipeline's two pages and 85_gc_idm,
about a minute each, are in too, for their figures).

    python tools/check_outputs.py                      # the NOTEBOOKS; exit 1 on a stale output (make test)
    python tools/check_outputs.py nbs/api/01_scene.ipynb --fix
    python tools/check_outputs.py --measure nbs/api/*.ipynb
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# fast (< 20 s alone; 30_pipeline, 31_stages and 85_gc_idm about 60 s), seeded notebooks whose text outputs are the
# same on every run (`--measure`)
NOTEBOOKS = [
    'nbs/api/00_core.ipynb',
    'nbs/api/00a_validate.ipynb',
    'nbs/api/00b_checkpoint.ipynb',
    'nbs/api/00d_config.ipynb',
    'nbs/api/01_scene.ipynb',
    'nbs/api/02_nav_env.ipynb',
    'nbs/api/03_policy.ipynb',
    'nbs/api/05_data.ipynb',
    'nbs/api/06_describe.ipynb',
    'nbs/api/06a_llm.ipynb',
    'nbs/api/07_tokenizer.ipynb',
    'nbs/api/08_embed.ipynb',
    'nbs/api/09_nn.ipynb',
    'nbs/api/10_dt_model.ipynb',
    'nbs/api/11_dt_train.ipynb',
    'nbs/api/13_dt_goal.ipynb',
    'nbs/api/14_dt_route.ipynb',
    'nbs/api/20_gold_engine.ipynb',
    'nbs/api/20a_gold_render.ipynb',
    'nbs/api/21_gold_env.ipynb',
    'nbs/api/30_pipeline.ipynb',
    'nbs/api/31_stages.ipynb',
    'nbs/api/41_docs.ipynb',
    'nbs/api/49_rl_common.ipynb',
    'nbs/api/50_rl_ppo.ipynb',
    'nbs/api/51_rl_grpo.ipynb',
    'nbs/api/60_control_tokenize.ipynb',
    'nbs/api/61_control_babyai.ipynb',
    'nbs/api/62_control_policy.ipynb',
    'nbs/api/63_control_d4rl.ipynb',
    'nbs/api/64_control_rcdt.ipynb',
    'nbs/api/65_control_carracing.ipynb',
    'nbs/api/80_wm_tabular.ipynb',
    'nbs/api/83_wm_search.ipynb',
    'nbs/api/84_wm_run.ipynb',
    'nbs/api/85_gc_idm.ipynb',
    'nbs/api/87_gc_subgoal.ipynb',
    'nbs/api/88_gc_cli.ipynb',
    'nbs/api/90_testing.ipynb',
]
# cells whose output measures the machine (speeds) or races a server: compared by the kinds of output only
VOLATILE = {
    'nbs/api/06_describe.ipynb': ('21018004',),
    'nbs/api/11_dt_train.ipynb': ('a22c38d6',),
    'nbs/api/20a_gold_render.ipynb': ('b096809f',),
    'nbs/api/21_gold_env.ipynb': ('77641859',),
}
ENV = dict(
    OMP_NUM_THREADS='1',
    MKL_NUM_THREADS='1',
    HF_HUB_OFFLINE='1',
    HF_DATASETS_OFFLINE='1',
    TOKENIZERS_PARALLELISM='false',
    MPLBACKEND='Agg',
    PYTHONHASHSEED='0',
)

# ---------------------------------------------------------------- normalising


def _paths():
    "Folders whose names differ between machines, longest first."
    ps = {str(ROOT), sys.prefix, str(Path.home())}
    return sorted((p for p in ps if len(p) > 1), key=len, reverse=True)


def _tmp():
    "A temporary folder (the system's and what is made in it): `/tmp/tmpab12cd34/runs` -> `<tmp>/runs`."
    ds = sorted({tempfile.gettempdir(), os.path.realpath(tempfile.gettempdir()), '/tmp', '/var/folders'}, key=len)
    return re.compile('(?:' + '|'.join(re.escape(d) for d in reversed(ds)) + r')(?:/[^\s/\'",)\]]+)?')


_ANSI = re.compile(r'\x1b\[[0-9;?]*[A-Za-z]')
_TQDM = re.compile(r'\d+%\|.*\|| \d+/\d+ \[\d+:\d+|\[\d+:\d+<|\d(?:it/s|s/it)\]')
_SUBS = [
    (re.compile(r'0x[0-9a-fA-F]{4,}'), '0x…'),  # memory addresses
    (re.compile(r'\b\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:\.\d+)?(?:[+-]\d\d:?\d\d|Z)?'), '<time>'),  # timestamps
    (re.compile(r'\b\d+(?:\.\d+)?\s?(?:ms|µs|us|ns|s|sec|secs|seconds|min)\b'), '<time>'),  # durations
    (
        re.compile(r"(\b\w*(?:seconds|secs|_s|_sec)['\"]?\s*[:=]\s*)-?\d+(?:\.\d+)?(?:e-?\d+)?"),
        r'\1<time>',
    ),  # x_seconds: 3.1
    (
        re.compile(r'\b\d[\d,]*(?:\.\d+)?\s?(?:[kMG]\s)?[A-Za-z]+/s\b|\b\d+(?:\.\d+)?\s?(?:s/it|fps)\b'),
        '<rate>',
    ),  # speeds
    (re.compile(r'\b(127\.0\.0\.1|localhost|0\.0\.0\.0):\d+'), r'\1:<port>'),  # a test server's port
    (re.compile(r'\.py:\d+:'), '.py:<line>:'),  # warnings name the line of a library file
]


def normalise(text: str) -> str:
    "`text` with its volatile parts replaced by placeholders, progress bars dropped and trailing space stripped."
    text = _tmp().sub('<tmp>', _ANSI.sub('', text))
    for p in _paths():
        text = text.replace(p, '<path>')
    lines = []
    for line in text.replace('\r\n', '\n').split('\n'):
        line = line.rsplit('\r', 1)[-1]  # what a terminal shows after carriage returns
        if _TQDM.search(line):
            continue
        for rx, sub in _SUBS:
            line = rx.sub(sub, line)
        lines.append(line.rstrip())
    return '\n'.join(lines).strip('\n')


def _join(v) -> str:
    return ''.join(v) if isinstance(v, list) else str(v)


def comparable(outputs: list, volatile: bool = False) -> list:
    "A cell's outputs as comparable text: its stdout and stderr (each joined), then each result or display."
    streams = {'stdout': '', 'stderr': ''}
    rest = []
    for o in outputs:
        kind = o.get('output_type')
        if 'application/vnd.jupyter.widget-view+json' in o.get('data', {}):
            continue  # a progress widget of Jupyter's
        if kind == 'stream':
            streams[o.get('name', 'stdout')] = streams.get(o.get('name', 'stdout'), '') + _join(o.get('text', ''))
        elif kind in ('execute_result', 'display_data'):
            data = o.get('data', {})
            if any(k.startswith('image/') for k in data):
                rest.append('[image]')  # images: presence only
            elif 'text/plain' in data:
                rest.append(normalise(_join(data['text/plain'])))
            else:
                rest.append(f"[{', '.join(sorted(data))}]")
        elif kind == 'error':
            rest.append(f"[error] {o.get('ename')}: {o.get('evalue')}")
    out = [f'[{k}]\n{normalise(v)}' for k, v in streams.items() if normalise(v)] + [x for x in rest if x]
    if volatile:  # the kinds of output only
        return [x.split('\n')[0] if x.startswith(('[stdout]', '[stderr]', '[image]')) else '[text]' for x in out]
    return out


# ---------------------------------------------------------------- executing


def execute(nb: Path, in_test: bool = False) -> dict:
    "Run the cells of `nb` that nbdev-test runs (in this process); their fresh outputs by cell id, and the seconds."
    from execnb.shell import CaptureShell
    from nbdev.config import get_config
    from nbdev.process import NBProcessor
    from nbdev.test import _skip_cell

    if in_test:
        os.environ['IN_TEST'] = '1'
    else:
        os.environ.pop('IN_TEST', None)
    nb = Path(nb).resolve()
    flags = get_config(nb.parent).tst_flags
    flags = flags.split() if isinstance(flags, str) else list(flags)
    cells = NBProcessor(nb, rm_directives=False, process=True).nb
    skip = _skip_cell(cells, flags)
    shell = CaptureShell(nb)
    t0 = time.time()
    out, err = {}, None
    os.chdir(nb.parent)  # as nbdev-test runs it (this is a process of its own)
    for i, c in enumerate(cells.cells):
        if skip(c):
            continue
        shell.cell(c)
        out[c.get('id') or f'#{i}'] = json.loads(json.dumps(c.outputs, default=dict))
        if shell.exc is not None:
            err = f"cell {c.get('id') or i}: {type(shell.exc).__name__}: {shell.exc}"
            break
    return dict(outputs=out, seconds=round(time.time() - t0, 1), error=err)


def run_fresh(nb: Path, in_test: bool = False, timeout: float = 300) -> dict:
    "`execute(nb)` in a fresh Python process (a kernel of its own, as Jupyter gives each notebook)."
    with tempfile.TemporaryDirectory() as d:
        res = Path(d) / 'res.json'
        cmd = [sys.executable, __file__, '--_execute', str(nb), '--_result', str(res)] + (
            ['--in-test'] if in_test else []
        )
        t0 = time.time()
        try:
            p = subprocess.run(cmd, env={**os.environ, **ENV}, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return dict(outputs={}, seconds=0, wall=timeout, error=f"timed out after {timeout:g} s")
        if p.returncode or not res.exists():
            return dict(outputs={}, seconds=0, wall=round(time.time() - t0, 1), error=(p.stderr or p.stdout)[-3000:])
        r = json.loads(res.read_text())
        r['wall'] = round(time.time() - t0, 1)
        return r


def _cells(nb: Path) -> dict:
    cells = json.loads(Path(nb).read_text())['cells']
    return {c.get('id') or f'#{i}': c for i, c in enumerate(cells) if c['cell_type'] == 'code'}


def stale_cells(nb: Path, fresh: dict) -> list:
    "(cell id, stored, fresh) for every executed code cell whose stored text outputs differ from the fresh ones."
    out = []
    volatile = VOLATILE.get(Path(os.path.relpath(Path(nb).resolve(), ROOT)).as_posix(), ())
    for cid, c in _cells(nb).items():
        if cid not in fresh:
            continue  # not executed (slow, browser, gpu, eval: false, or after an error)
        a, b = comparable(c.get('outputs', []), cid in volatile), comparable(fresh[cid], cid in volatile)
        if a != b:
            out.append((cid, a, b))
    return out


def fix(nb: Path, fresh: dict, ids: list):
    "Store the fresh outputs of cells `ids` in `nb`, then `nbdev-clean` it."
    d = json.loads(Path(nb).read_text())
    for c in d['cells']:
        if c.get('id') in ids:
            c['outputs'] = fresh[c['id']]
    from lcdt.core import atomic_write_text

    atomic_write_text(nb, json.dumps(d, indent=1, ensure_ascii=False) + '\n')
    subprocess.run([str(Path(sys.executable).parent / 'nbdev-clean'), '--fname', str(nb)], check=True)


def _show(lines: list) -> str:
    return '\n'.join('    | ' + x for t in lines for x in t.split('\n')) or '    | (nothing)'


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('notebooks', nargs='*', help='notebooks to check (default: NOTEBOOKS)')
    ap.add_argument('--fix', action='store_true', help='store the fresh outputs of the stale cells')
    ap.add_argument('--measure', action='store_true', help='run each notebook twice: seconds, and whether runs agree')
    ap.add_argument('--in-test', action='store_true', help='run with IN_TEST=1 (as nbdev-test does)')
    ap.add_argument('--n-workers', type=int, default=2, help='notebooks run at once')
    ap.add_argument('--timeout', type=float, default=300, help='seconds before a notebook run is stopped')
    ap.add_argument('--dump', help='write the fresh outputs of every run to this JSON file')
    ap.add_argument('--_execute', help=argparse.SUPPRESS)
    ap.add_argument('--_result', help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a._execute:
        Path(a._result).write_text(json.dumps(execute(Path(a._execute), a.in_test)))
        return
    nbs = [Path(p) for p in a.notebooks] or [ROOT / p for p in NOTEBOOKS]
    t0 = time.time()
    bad = 0
    with ThreadPoolExecutor(max(1, a.n_workers)) as ex:
        runs = list(ex.map(lambda nb: run_fresh(nb, a.in_test, a.timeout), nbs))
        seconds = [r['wall'] for r in runs]
        if a.measure:
            again = list(ex.map(lambda nb: run_fresh(nb, a.in_test, a.timeout), nbs))
    if a.dump:
        Path(a.dump).write_text(
            json.dumps({str(nb): [r] + ([again[i]] if a.measure else []) for i, (nb, r) in enumerate(zip(nbs, runs))})
        )
    for i, (nb, r) in enumerate(zip(nbs, runs)):
        name = os.path.relpath(nb, ROOT)
        if r['error']:
            bad += 1
            print(f"{name}: the notebook failed: {r['error']}")
            continue
        if a.measure:
            r2 = again[i]
            differ = (
                [k for k in r['outputs'] if comparable(r['outputs'][k]) != comparable(r2['outputs'].get(k, []))]
                if not r2['error']
                else ['(the second run failed)']
            )
            print(
                f"{name}: {r['wall']:.1f} s / {r2['wall']:.1f} s (cells {r['seconds']:.1f} s / {r2['seconds']:.1f} s); "
                f"runs differ in cells: {differ or 'none'}"
            )
            for k in differ if not r2['error'] else []:
                one, two = comparable(r['outputs'][k]), comparable(r2['outputs'].get(k, []))
                print(f"  {k}: run 1\n{_show(one)}\n  run 2\n{_show(two)}")
        stale = stale_cells(nb, r['outputs'])
        if stale and not a.fix:  # a second run tells a stale output from one that varies between runs (a flake)
            r2 = run_fresh(nb, a.in_test, a.timeout)
            again_stale = {c for c, _, _ in stale_cells(nb, r2['outputs'])} if not r2['error'] else set()
            varies = [
                (cid, old, new)
                for cid, old, new in stale
                if cid not in again_stale or comparable(r2['outputs'].get(cid, [])) != new
            ]
            for cid, old, new in varies:
                print(
                    f"{name}: cell {cid}: warning: its output varies between runs (not counted as stale; make it "
                    f"deterministic or list it in VOLATILE)\n  stored:\n{_show(old)}\n  fresh:\n{_show(new)}"
                )
            stale = [x for x in stale if x not in varies]
        for cid, old, new in stale:
            print(f"{name}: cell {cid}: stored output is stale\n  stored:\n{_show(old)}\n  fresh:\n{_show(new)}")
        if stale and a.fix:
            fix(nb, r['outputs'], [c for c, _, _ in stale])
            print(f"{name}: stored the fresh outputs of {len(stale)} cell(s)")
        elif stale:
            bad += 1
    print(
        f"check_outputs: {len(nbs)} notebook(s), {time.time() - t0:.0f} s, slowest {max(seconds, default=0):.0f} s; "
        + (f"{bad} with stale outputs or errors" if bad else "stored outputs are current")
    )
    sys.exit(1 if bad else 0)


if __name__ == '__main__':
    main()
