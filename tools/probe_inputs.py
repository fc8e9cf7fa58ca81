"""Bad-input probes: a fixed list of wrong command lines, config values, corrupt files, env inputs and control-tokenizer
inputs, each run and classified, then the table "probes / clear / raw / silent" per group.

* clear:  the input is refused with a clear error. A command line: exit code 2 and exactly one line on stderr,
          `lcdt-X: error: ...`. A Python call: `ValueError`/`TypeError`/`FileNotFoundError` whose message names what
          was wrong (the argument, field or file the probe expects).
* raw:    refused, but not clearly: a traceback, another exit code, another exception type, or a message that does
          not name what was wrong.
* silent: the bad input was accepted (exit code 0, a timeout because it started working, or no exception).

Usage: `.venv/bin/python tools/probe_inputs.py [--jobs 4] [--groups cli,config,files,env,tokenizer] [--verbose]`.
The command-line probes run the installed `lcdt-*` scripts (next to this Python) as subprocesses on small run
directories made in a temporary folder; the rest run in this process.
"""

import argparse
import contextlib
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

BIN = Path(sys.executable).parent  # the venv's bin: the lcdt-* scripts live beside its python
ENV = {
    **os.environ,
    'OMP_NUM_THREADS': '1',
    'MKL_NUM_THREADS': '1',
    'HF_HUB_OFFLINE': '1',
    'HF_DATASETS_OFFLINE': '1',
    'TOKENIZERS_PARALLELISM': 'false',
    'MPLBACKEND': 'Agg',
}
ENV.pop('LCDT_DEBUG', None)
CLEAR_TYPES = (ValueError, TypeError, FileNotFoundError, NotADirectoryError, IsADirectoryError)


# ---------------------------------------------------------------- fixtures: small run directories, some corrupt
def make_fixtures(root: Path) -> dict:
    "Run directories and files the probes point at; returns name -> path (as str)."
    import datasets
    from lcdt.dt.data import toy_run

    datasets.disable_progress_bars()
    d = {}

    def put(name, files: dict, base=None):
        p = root / name
        if base is not None:
            shutil.copytree(base, p)
        p.mkdir(parents=True, exist_ok=True)
        for f, data in files.items():
            (p / f).parent.mkdir(parents=True, exist_ok=True)
            (p / f).write_bytes(data if isinstance(data, bytes) else data.encode())
        d[name] = str(p)

    toy_run(root / 'toy', n=12)
    d['toy'] = str(root / 'toy')
    put('empty', {})
    put('badnpz', {'archive.npz': b'this is not a zip file'})
    put('emptynpz', {'archive.npz': b''})
    put('keylessnpz', {})
    np.savez(root / 'keylessnpz' / 'archive.npz', x=np.zeros(3))  # a readable .npz without the archive's arrays
    put('badevents', {'events.jsonl': '{"id": 0, "events": [\n'})
    put('events', {'events.jsonl': json.dumps({'id': 0, 'events': [[0, 'on', 'fan', 'red']]}) + '\n'})
    put('baddesc', {'descriptions.jsonl': '{"id": 0, "descriptions": ["go to the fan"\n'})
    put('emptydesc', {'descriptions.jsonl': ''})
    put(
        'desc',
        {
            'descriptions.jsonl': json.dumps(
                {'id': 0, 'descriptions': ['go to the fan', 'pass the sofa'], 'instructions': ['go north of the bed']}
            )
            + '\n'
        },
    )
    put('toy_badtok', {'tokenizer.json': '{"version": "1.0", "model": '}, base=root / 'toy')
    put('toy_emptytok', {'tokenizer.json': ''}, base=root / 'toy')
    put('toy_baddata', {}, base=root / 'toy')
    for f in (root / 'toy_baddata' / 'dataset').iterdir():
        if f.is_file():
            f.write_bytes(b'\x00garbage')
    put('toy_badmodel', {'model/config.json': '{"n_layer": ', 'model/model.safetensors': b'junk'}, base=root / 'toy')
    put('toy_badweights', {'model/model.safetensors': b'\x10\x00\x00\x00\x00\x00\x00\x00{"a": 1}'}, base=root / 'toy')
    (root / 'afile.txt').write_text('not a directory\n')
    d['afile'] = str(root / 'afile.txt')
    d['nowhere'] = str(root / 'no' / 'such' / 'run')
    return d


# ---------------------------------------------------------------- command-line probes
def cli_probes(fx: dict) -> list:
    "(command, argv) pairs: wrong flags, values, ranges and run directories for every lcdt-* command."
    t, e = fx['toy'], fx['empty']
    return [
        ('lcdt-pipeline', ['--preset', 'huge']),
        ('lcdt-pipeline', ['--only', 'train,fly']),
        ('lcdt-pipeline', ['--preset']),
        ('lcdt-pipeline', ['--bogus']),
        ('lcdt-pipeline', ['--out', fx['afile'], '--only', 'verify']),
        ('lcdt-pipeline', ['--force=maybe']),
        ('lcdt-pipeline', ['--set', 'dtt.n_layer=4', '--out', e]),
        ('lcdt-pipeline', ['--set', 'dt.n_layrs=4', '--out', e]),
        ('lcdt-pipeline', ['--set', 'nav.laser_angles=[]', '--out', e]),
        ('lcdt-pipeline', ['--set', 'nav.laser_angles=[a,b]', '--out', e]),
        ('lcdt-pipeline', ['--set', 'preset=small', '--out', e]),
        ('lcdt-pipeline', ['--set', 'seed=-1', '--out', e]),
        ('lcdt-pipeline', ['--set', 'dt=3', '--out', e]),
        ('lcdt-pipeline', ['--set']),
        ('lcdt-archive', ['--set', 'archive.generations=0', '--out', e]),
        ('lcdt-archive', ['--set', 'archive.sigma=nan', '--out', e]),
        ('lcdt-archive', ['--set', 'archive.nope=3', '--out', e]),
        ('lcdt-archive', ['--set', 'archive.pop=abc', '--out', e]),
        ('lcdt-archive', ['--preset', 'huge', '--out', e]),
        ('lcdt-archive', ['--set', 'archive.seed=-1', '--out', e]),
        ('lcdt-archive', ['--set', 'archive.generations', '--out', e]),
        ('lcdt-archive', ['--set', 'archive.pop=1e400', '--out', e]),
        ('lcdt-archive', ['--set', 'generations=2', '--out', e]),
        ('lcdt-archive', ['--set', 'nav.radius=-1', '--out', e]),
        ('lcdt-archive', ['--out', fx['afile'], '--set', 'archive.generations=1 archive.pop=4']),
        ('lcdt-verify', ['--out', fx['nowhere']]),
        ('lcdt-verify', ['--out', e]),
        ('lcdt-verify', ['--out', fx['badnpz']]),
        ('lcdt-verify', ['--out', fx['emptynpz']]),
        ('lcdt-verify', ['--out', fx['afile']]),
        ('lcdt-verify', ['--out', fx['badnpz'], '--preset', 'huge']),
        ('lcdt-verify', ['--run', fx['badnpz']]),
        ('lcdt-dataset', ['--out', fx['nowhere']]),
        ('lcdt-dataset', ['--out', e]),
        ('lcdt-dataset', ['--out', fx['badnpz']]),
        ('lcdt-dataset', ['--out', fx['badnpz'], '--set', 'data.seed=-1']),
        ('lcdt-dataset', ['--out', fx['badnpz'], '--set', 'data.seed=abc']),
        ('lcdt-describe', ['--out', fx['nowhere']]),
        ('lcdt-describe', ['--out', e]),
        ('lcdt-describe', ['--out', fx['badevents']]),
        ('lcdt-describe', ['--out', fx['events'], '--set', 'describe.n_paraphrases=0']),
        ('lcdt-describe', ['--out', fx['events'], '--set', 'describe.describer=gpt']),
        ('lcdt-describe', ['--out', fx['events'], '--set', 'describe.temperature=nan']),
        ('lcdt-describe', ['--out', fx['events'], '--set', 'describe.concurrency=0']),
        ('lcdt-describe', ['--out', fx['events'], '--set', 'describe.seed=-5']),
        ('lcdt-tokenizer', ['--out', fx['nowhere']]),
        ('lcdt-tokenizer', ['--out', e]),
        ('lcdt-tokenizer', ['--out', fx['baddesc']]),
        ('lcdt-tokenizer', ['--out', fx['emptydesc']]),
        ('lcdt-tokenizer', ['--out', fx['desc'], '--set', 'tokenizer.vocab_size=0']),
        ('lcdt-tokenizer', ['--out', fx['desc'], '--set', 'tokenizer.vocab_size=3']),
        ('lcdt-tokenizer', ['--out', fx['desc'], '--set', 'tokenizer.kind=char']),
        ('lcdt-tokenizer', ['--out', fx['desc'], '--set', 'tokenizer.max_len=-1']),
        ('lcdt-tokenizer', ['--out', fx['desc'], '--set', 'tokenizer.min_frequency=-1']),
        ('lcdt-train', ['--out', fx['nowhere']]),
        ('lcdt-train', ['--out', e]),
        ('lcdt-train', ['--out', fx['afile']]),
        ('lcdt-train', ['--out', t, '--set', 'train.steps=-3']),
        ('lcdt-train', ['--out', t, '--set', 'train.lr=nan']),
        ('lcdt-train', ['--out', t, '--set', 'dt.n_layer=0']),
        ('lcdt-train', ['--out', t, '--set', 'dt.head=gmm']),
        ('lcdt-train', ['--out', t, '--set', 'train.bogus=1']),
        ('lcdt-train', ['--out', t, '--set', 'dt.n_head=3']),
        ('lcdt-train', ['--out', t, '--preset', 'huge']),
        ('lcdt-train', ['--out', t, '--set', 'train.text_dropout=1.5']),
        ('lcdt-train', ['--out', t, '--set', 'train.seed=-1']),
        ('lcdt-train', ['--out', t, '--set', 'train.steps=1e400']),
        ('lcdt-train', ['--out', t, '--set', 'train.batch_size=2.5']),
        ('lcdt-train', ['--out', t, '--model-cfg', 'n_layer=4']),
        ('lcdt-train', ['--out', fx['toy_badtok'], '--set', 'train.steps=2']),
        ('lcdt-train', ['--out', fx['toy_emptytok'], '--set', 'train.steps=2']),
        ('lcdt-train', ['--out', fx['toy_baddata'], '--set', 'train.steps=2']),
        ('lcdt-eval', ['--out', fx['nowhere']]),
        ('lcdt-eval', ['--out', t]),
        ('lcdt-eval', ['--out', t, '--set', 'eval.n_prompts=-1']),
        ('lcdt-eval', ['--out', t, '--set', 'eval.seed=-1']),
        ('lcdt-eval', ['--out', t, '--set', 'eval.temperature=nan']),
        ('lcdt-eval', ['--out', t, '--set', 'eval.temperature=-0.5']),
        ('lcdt-eval', ['--out', t, '--preset', 'huge']),
        ('lcdt-eval', ['--out', fx['toy_badmodel']]),
        ('lcdt-eval', ['--out', fx['toy_badweights']]),
        ('lcdt-babyai-data', ['--episodes', '0']),
        ('lcdt-babyai-data', ['--seed', '-1']),
        ('lcdt-babyai-data', ['--episodes', 'many']),
        ('lcdt-babyai-data', ['--levels', 'BabyAI-Nope-v0', '--episodes', '1', '--out', str(Path(e) / 'babyai')]),
        ('lcdt-babyai-data', ['--levels', ',', '--episodes', '1', '--out', str(Path(e) / 'babyai')]),
        ('lcdt-babyai-data', ['--set', 'episode=1', '--out', str(Path(e) / 'babyai')]),
        ('lcdt-babyai-data', ['--set', 'episodes=0', '--out', str(Path(e) / 'babyai')]),
        ('lcdt-babyai-data', ['--set', 'levels=BabyAI-Nope-v0', '--out', str(Path(e) / 'babyai')]),
        ('lcdt-babyai-data', ['--preset', 'huge']),
        ('lcdt-babyai-data', ['--root', str(Path(e) / 'babyai')]),
        ('lcdt-gold-data', ['--episodes', '0', '--out', str(Path(e) / 'gold')]),
        ('lcdt-gold-data', ['--seed', '-1', '--out', str(Path(e) / 'gold')]),
        ('lcdt-gold-data', ['--set', 'frame=sky', '--out', str(Path(e) / 'gold')]),
        ('lcdt-gold-data', ['--set', 'episode=1', '--out', str(Path(e) / 'gold')]),
        ('lcdt-gold-data', ['--set', 'frames=maybe', '--out', str(Path(e) / 'gold')]),
        ('lcdt-gold-data', ['--preset', 'huge']),
        ('lcdt-verify', ['--out', fx['keylessnpz']]),
        ('lcdt-dataset', ['--out', fx['keylessnpz']]),
        ('lcdt-wm', ['--preset', 'paper', '--out', str(Path(e) / 'wm')]),
        ('lcdt-wm', ['--bogus']),
        ('lcdt-wm', ['--out', fx['afile']]),
        ('lcdt-wm', ['--fresh=yes']),
        ('lcdt-wm', ['--set', 'wm.layers=2', '--out', str(Path(e) / 'wm')]),
        ('lcdt-wm', ['--set', 'tok_steps=many', '--out', str(Path(e) / 'wm')]),
        ('lcdt-wm', ['--set', 'wm=3', '--out', str(Path(e) / 'wm')]),
        ('lcdt-gc', []),
        ('lcdt-gc', ['--out', fx['nowhere']]),
        ('lcdt-gc', ['--out', e]),
        ('lcdt-gc', ['--out', fx['badnpz']]),
        ('lcdt-gc', ['--out', fx['keylessnpz']]),
        ('lcdt-gc', ['--out', fx['keylessnpz'], '--what', 'fly']),
        ('lcdt-gc', ['--out', fx['keylessnpz'], '--seed', '-1']),
        ('lcdt-gc', ['--out', fx['keylessnpz'], '--preset', 'huge']),
        ('lcdt-gc', ['--out', fx['keylessnpz'], '--set', 'steps=3']),
        ('lcdt-gc', ['--out', fx['nowhere'], '--set', 'policy_steps=abc']),
        ('lcdt-gc', ['--run', fx['keylessnpz']]),
        ('lcdt-rcdt', ['--preset', 'huge']),
        ('lcdt-rcdt', ['--what', 'fly', '--out', str(Path(e) / 'hop')]),
        ('lcdt-rcdt', ['--seed', '-1', '--out', str(Path(e) / 'hop')]),
        ('lcdt-rcdt', ['--out', fx['afile']]),
        ('lcdt-rcdt', ['--set', 'bogus=1', '--out', str(Path(e) / 'hop')]),
        ('lcdt-rcdt', ['--set', 'steps=0', '--out', str(Path(e) / 'hop')]),
        ('lcdt-rcdt', ['--set', 'batch=-4', '--out', str(Path(e) / 'hop')]),
        ('lcdt-rcdt', ['--set', 'levels=nope', '--out', str(Path(e) / 'hop')]),
        ('lcdt-rcdt', ['--set', 'targets=abc', '--out', str(Path(e) / 'hop')]),
        ('lcdt-rcdt', ['--set', 'n_head=3', '--out', str(Path(e) / 'hop')]),
        ('lcdt-rcdt', ['--set', 'data=huge', '--out', str(Path(e) / 'hop')]),
        ('lcdt-carracing-dt', ['--preset', 'huge']),
        ('lcdt-carracing-dt', ['--what', 'fly', '--out', str(Path(e) / 'car')]),
        ('lcdt-carracing-dt', ['--seed', '-1', '--out', str(Path(e) / 'car')]),
        ('lcdt-carracing-dt', ['--set', 'bogus=1', '--out', str(Path(e) / 'car')]),
        ('lcdt-carracing-dt', ['--set', 'tracks=0', '--out', str(Path(e) / 'car')]),
        ('lcdt-carracing-dt', ['--set', 'noise=-1', '--out', str(Path(e) / 'car')]),
        ('lcdt-carracing-dt', ['--set', 'n_head=3', '--out', str(Path(e) / 'car')]),
        ('lcdt-carracing-dt', ['--set', 'targets=abc', '--out', str(Path(e) / 'car')]),
        ('lcdt-carracing-dt', ['--out', fx['afile']]),
    ]


def run_cli_probe(cmd: str, argv: list, timeout: float = 90.0) -> tuple:
    "(class, what happened) of one command line run as a subprocess."
    try:
        r = subprocess.run(
            [str(BIN / cmd), *argv], capture_output=True, text=True, timeout=timeout, env=ENV, stdin=subprocess.DEVNULL
        )
    except subprocess.TimeoutExpired:
        return 'silent', f'still running after {timeout:.0f} s'
    err = r.stderr.strip().splitlines()
    if r.returncode == 0:
        return 'silent', 'exit 0'
    if 'Traceback' in r.stderr:
        return 'raw', f'exit {r.returncode}, traceback: {err[-1] if err else ""}'
    if r.returncode == 2 and len(err) == 1 and err[0].startswith(f'{cmd}: error: '):
        return 'clear', err[0]
    return 'raw', f'exit {r.returncode}: ' + ' | '.join(err[-3:])


# ---------------------------------------------------------------- in-process probes
def api_probes(fx: dict, root: Path) -> list:
    "(group, name, thunk, the word a clear message must contain)."
    from lcdt.core import (
        cfg_override,
        cfg_from_dict,
        load_cfg,
        read_json,
        load_tensors,
        save_tensors,
        atomic_write_json,
    )
    from lcdt.dt.model import DTConfig
    from lcdt.dt.train import TrainConfig
    from lcdt.nav.archive import load_archive
    from lcdt.config import config_from_dict, load_run_config, run_config
    from lcdt.brain.vit import vit_config
    from lcdt.brain.model import brain_config
    from lcdt.control.tokenize import (
        ControlTokenizerConfig,
        SpaceTokenizer,
        TimestepTokenizer,
        bin_continuous,
        unbin_continuous,
    )
    from lcdt.nav.env import BatchNav, NavEnv, NavConfig
    from lcdt.gold.env import GoldEnv
    from lcdt.text.tokenizer import TextTokenizer, load_tokenizer, tokenizer_from_file
    from lcdt.data import read_jsonl
    from lcdt.text.describe import read_events
    from gymnasium import spaces
    import torch

    P = []

    def add(group, name, fn, want):
        P.append((group, name, fn, want))

    # configs: the factories, overrides and JSON loads all go through lcdt.validate
    for name, fn, want in [
        ('run_config dt.n_layer=0', lambda: run_config('tiny', ['dt.n_layer=0']), 'n_layer'),
        ('run_config dt.dropout=1.5', lambda: run_config('tiny', ['dt.dropout=1.5']), 'dropout'),
        ('run_config dt.n_embd=2.5', lambda: run_config('tiny', ['dt.n_embd=2.5']), 'n_embd'),
        ('run_config dt.bias=yes-ish', lambda: run_config('tiny', ['dt.bias=maybe']), 'bias'),
        ('run_config typo', lambda: run_config('tiny', ['dt.n_layers=3']), 'n_layers'),
        ('run_config unknown section', lambda: run_config('tiny', ['model.n_layer=3']), 'model'),
        ('run_config dt.bd_scale=inf', lambda: run_config('tiny', ['dt.bd_scale=inf']), 'bd_scale'),
        ('run_config train.lr=-1', lambda: run_config('tiny', ['train.lr=-1']), 'lr'),
        ('run_config train.steps=0', lambda: run_config('tiny', ['train.steps=0']), 'steps'),
        ('run_config train.seed=-1', lambda: run_config('tiny', ['train.seed=-1']), 'seed'),
        ('run_config train.lr=nan', lambda: run_config('tiny', ['train.lr=nan']), 'lr'),
        ('run_config train.batch_size=2.5', lambda: run_config('tiny', ['train.batch_size=2.5']), 'batch_size'),
        ('run_config train.beta2=1', lambda: run_config('tiny', ['train.beta2=1']), 'beta2'),
        ('run_config train.bd_dropout=-0.1', lambda: run_config('tiny', ['train.bd_dropout=-0.1']), 'bd_dropout'),
        ('run_config archive.pop=0', lambda: run_config('tiny', ['archive.pop=0']), 'pop'),
        ('run_config archive.sigma=-1', lambda: run_config('tiny', ['archive.sigma=-1']), 'sigma'),
        ('run_config archive.k=abc', lambda: run_config('tiny', ['archive.k=abc']), 'archive.k'),
        ('run_config eval.temperature=-1', lambda: run_config('tiny', ['eval.temperature=-1']), 'temperature'),
        ('run_config describe.describer=gpt', lambda: run_config('tiny', ['describe.describer=gpt']), 'describer'),
        ('run_config nav.laser_angles=[]', lambda: run_config('tiny', ['nav.laser_angles=[]']), 'laser_angles'),
        ('run_config preset', lambda: run_config('huge'), 'huge'),
        ('load_run_config corrupt', lambda: load_run_config(bad_json), 'bad.json'),
        ('load_run_config section', lambda: config_from_dict({'dt': {'n_layer': -1}}), 'n_layer'),
        ('vit_config patch=0', lambda: vit_config('tiny', patch=0), 'patch'),
        ('vit_config dropout=2', lambda: vit_config('tiny', dropout=2.0), 'dropout'),
        ('brain_config dim=-8', lambda: brain_config('small', dim=-8), 'dim'),
        ('cfg_override lr=inf', lambda: cfg_override(TrainConfig(), ['lr=inf']), 'lr'),
        ('cfg_override steps=1e400', lambda: cfg_override(TrainConfig(), ['steps=1e400']), 'steps'),
        ('cfg_override no =', lambda: cfg_override(TrainConfig(), ['steps']), 'steps'),
        ('cfg_from_dict list', lambda: cfg_from_dict(DTConfig, [1, 2]), 'DTConfig'),
        ('cfg_from_dict context=-1', lambda: cfg_from_dict(DTConfig, {'context': -1}), 'context'),
        (
            'ControlTokenizerConfig n_bins=0',
            lambda: SpaceTokenizer(spaces.Discrete(3), ControlTokenizerConfig(n_bins=0)),
            'n_bins',
        ),
        ('NavConfig radius=-1', lambda: BatchNav(1, NavConfig(radius=-1.0)), 'radius'),
    ]:
        add('config', name, fn, want)

    # files: empty, corrupt, missing, a directory: the error names the file
    bad_json, empty_json = root / 'bad.json', root / 'empty.json'
    bad_json.write_text('{"a": ')
    empty_json.write_text('')
    bad_st, empty_st = root / 'bad.safetensors', root / 'empty.safetensors'
    bad_st.write_bytes(b'\xff' * 64)
    empty_st.write_bytes(b'')
    trunc_st = root / 'trunc.safetensors'
    save_tensors(trunc_st, {'w': torch.zeros(64)})
    trunc_st.write_bytes(trunc_st.read_bytes()[:-100])
    cfg_json = root / 'cfg.json'
    atomic_write_json(cfg_json, {'steps': -5})
    bad_tok, empty_tok = root / 'bad_tokenizer.json', root / 'empty_tokenizer.json'
    bad_tok.write_text('{"model": ')
    empty_tok.write_text('')
    wrong_tok = root / 'wrong_tokenizer.json'
    wrong_tok.write_text('{"a": 1}')
    bad_jsonl = root / 'bad.jsonl'
    bad_jsonl.write_text('{"id": 0}\n{"id": \n')
    for name, fn, want in [
        ('read_json corrupt', lambda: read_json(bad_json), 'bad.json'),
        ('read_json empty', lambda: read_json(empty_json), 'empty.json'),
        ('read_json missing', lambda: read_json(root / 'nope.json'), 'nope.json'),
        ('read_json directory', lambda: read_json(root), root.name),
        ('load_cfg bad value', lambda: load_cfg(TrainConfig, cfg_json), 'cfg.json'),
        ('load_tensors garbage', lambda: load_tensors(bad_st), 'bad.safetensors'),
        ('load_tensors empty', lambda: load_tensors(empty_st), 'empty.safetensors'),
        ('load_tensors truncated', lambda: load_tensors(trunc_st), 'trunc.safetensors'),
        ('load_tensors missing', lambda: load_tensors(root / 'nope.safetensors'), 'nope.safetensors'),
        ('load_archive garbage npz', lambda: load_archive(Path(fx['badnpz']) / 'archive.npz'), 'archive.npz'),
        ('load_archive empty npz', lambda: load_archive(Path(fx['emptynpz']) / 'archive.npz'), 'archive.npz'),
        ('np.load corrupt (load_archive of a json)', lambda: load_archive(bad_json), 'bad.json'),
        ('TextTokenizer.load corrupt', lambda: TextTokenizer.load(bad_tok), 'bad_tokenizer.json'),
        ('TextTokenizer.load empty', lambda: TextTokenizer.load(empty_tok), 'empty_tokenizer.json'),
        ('TextTokenizer.load not a tokenizer', lambda: TextTokenizer.load(wrong_tok), 'wrong_tokenizer.json'),
        ('load_tokenizer (text) corrupt', lambda: load_tokenizer(bad_tok), 'bad_tokenizer.json'),
        ('tokenizer_from_file corrupt', lambda: tokenizer_from_file(bad_tok), 'bad_tokenizer.json'),
        ('tokenizer_from_file empty', lambda: tokenizer_from_file(empty_tok), 'empty_tokenizer.json'),
        ('read_jsonl corrupt', lambda: read_jsonl(bad_jsonl), 'bad.jsonl'),
        ('read_events corrupt', lambda: read_events(Path(fx['badevents']) / 'events.jsonl'), 'events.jsonl'),
    ]:
        add('files', name, fn, want)

    # environments: poses outside the room, NaN / wrong-shape actions, bad constructor arguments
    sim = BatchNav(2)
    nav = NavEnv()
    nav.reset(seed=0)
    gold = GoldEnv(obs_mode='state')
    gold.reset(seed=0)
    for name, fn, want in [
        ('BatchNav n=0', lambda: BatchNav(0), 'n'),
        ('BatchNav n=2.5', lambda: BatchNav(2.5), 'n'),
        ('BatchNav seed=-1', lambda: BatchNav(2, seed=-1), 'seed'),
        ('BatchNav random_start="no"', lambda: BatchNav(2, random_start='no'), 'random_start'),
        ('BatchNav cfg=dict', lambda: BatchNav(2, cfg={'size': 600}), 'cfg'),
        ('BatchNav pose outside (x<0)', lambda: sim.reset(pose=(-50.0, 300.0, 0.0)), 'pose'),
        ('BatchNav pose outside (x>600)', lambda: sim.reset(pose=(900.0, 300.0, 0.0)), 'pose'),
        ('BatchNav pose in a wall', lambda: sim.reset(pose=(300.0, 100.0, 0.0)), 'pose'),
        ('BatchNav pose NaN', lambda: sim.reset(pose=(300.0, np.nan, 0.0)), 'pose'),
        ('BatchNav pose shape', lambda: sim.reset(pose=(300.0, 300.0)), 'pose'),
        ('BatchNav action NaN', lambda: sim.step(np.full((2, 2), np.nan)), 'action'),
        ('BatchNav action inf', lambda: sim.step(np.array([[np.inf, 0.0], [0.0, 0.0]])), 'action'),
        ('BatchNav action shape', lambda: sim.step(np.zeros((2, 3))), 'action'),
        ('BatchNav action strings', lambda: sim.step(np.full((2, 2), 'a')), 'action'),
        ('BatchNav rollout n_steps=0', lambda: sim.rollout(lambda o: np.zeros((2, 2)), 0), 'n_steps'),
        ('BatchNav rollout n_steps=2.5', lambda: sim.rollout(lambda o: np.zeros((2, 2)), 2.5), 'n_steps'),
        ('BatchNav policy returns NaN', lambda: sim.rollout(lambda o: np.full((2, 2), np.nan), 2), 'action'),
        ('NavConfig walls odd', lambda: BatchNav(1, NavConfig(walls=(1.0, 2.0, 3.0))), 'walls'),
        ('NavConfig start short', lambda: BatchNav(1, NavConfig(start=(60.0, 450.0))), 'start'),
        ('NavConfig start outside', lambda: BatchNav(1, NavConfig(start=(-60.0, 450.0, 0.0))), 'pose'),
        ('NavConfig max_speed=nan', lambda: BatchNav(1, NavConfig(max_speed=float('nan'))), 'max_speed'),
        ('NavEnv render_mode', lambda: NavEnv(render_mode='screen'), 'render_mode'),
        ('NavEnv render_size=0', lambda: NavEnv(render_size=0), 'render_size'),
        ('NavEnv step NaN', lambda: nav.step(np.array([np.nan, 0.0], np.float32)), 'action'),
        ('NavEnv step shape', lambda: nav.step(np.zeros(3)), 'action'),
        ('NavEnv reset pose outside', lambda: nav.reset(options={'pose': (700.0, 300.0, 0.0)}), 'pose'),
        ('NavEnv reset unknown option', lambda: nav.reset(options={'start': 1}), 'option'),
        ('GoldEnv obs_mode', lambda: GoldEnv(obs_mode='pixels'), 'obs_mode'),
        ('GoldEnv size=0', lambda: GoldEnv(size=0), 'size'),
        ('GoldEnv game', lambda: GoldEnv(game='maze'), 'game'),
        ('GoldEnv agent outside', lambda: gold.reset(options={'settings': {'agent': (2.0, 0.5, 0.0)}}), 'agent'),
        ('GoldEnv agent NaN', lambda: gold.reset(options={'settings': {'agent': (0.5, np.nan, 0.0)}}), 'agent'),
        ('GoldEnv settings typo', lambda: gold.reset(options={'settings': {'agnt': (0.5, 0.5, 0.0)}}), 'agnt'),
        ('GoldEnv settings bad JSON', lambda: gold.reset(options={'settings': '{"agent": '}), 'settings'),
        ('GoldEnv unknown option', lambda: gold.reset(options={'seting': 1}), 'seting'),
        ('GoldEnv action 7', lambda: gold.step(7), 'action'),
        ('GoldEnv action 1.5', lambda: gold.step(1.5), 'action'),
        ('GoldEnv action NaN', lambda: gold.step(np.nan), 'action'),
        ('GoldEnv action "a"', lambda: gold.step('a'), 'action'),
    ]:
        add('env', name, fn, want)

    # control tokenizer: NaN, out-of-range discrete values, ids out of range
    disc = SpaceTokenizer(spaces.Discrete(4))
    md = SpaceTokenizer(spaces.MultiDiscrete([3, 5]))
    ib = SpaceTokenizer(spaces.Box(0, 9, (2,), np.int64))
    mb = SpaceTokenizer(spaces.MultiBinary(3))
    cont = SpaceTokenizer(spaces.Box(-1, 1, (2,), np.float32))
    img = SpaceTokenizer(spaces.Box(0, 255, (8, 8, 3), np.uint8))
    ts = TimestepTokenizer(spaces.Box(-1, 1, (2,), np.float32), spaces.Discrete(3))
    good = ts.encode(np.zeros((2, 2), np.float32), np.array([0, 1]))['ids']

    def with_id(ids, j, v):
        ids = ids.copy()
        ids[0, j] = v
        return ids

    for name, fn, want in [
        ('bin_continuous NaN', lambda: bin_continuous([0.1, np.nan]), 'NaN'),
        ('unbin_continuous bin 1024', lambda: unbin_continuous([1024]), 'bin'),
        ('unbin_continuous bin -1', lambda: unbin_continuous([-1]), 'bin'),
        ('unbin_continuous bin 2.5', lambda: unbin_continuous([2.5]), 'bin'),
        (
            'config image="voxels"',
            lambda: SpaceTokenizer(spaces.Discrete(3), ControlTokenizerConfig(image='voxels')),
            'image',
        ),
        ('config mu=-1', lambda: SpaceTokenizer(spaces.Discrete(3), ControlTokenizerConfig(mu=-1.0)), 'mu'),
        ('Discrete value 4 of 4', lambda: disc.encode(np.array([1, 4])), 'value'),
        ('Discrete value -1', lambda: disc.encode(np.array([-1])), 'value'),
        ('Discrete value 1.5', lambda: disc.encode(np.array([1.5])), 'integers'),
        ('Discrete value NaN', lambda: disc.encode(np.array([np.nan])), 'NaN'),
        ('Discrete scalar', lambda: disc.encode(2), 'batch'),
        ('MultiDiscrete over nvec', lambda: md.encode(np.array([[2, 5]])), 'value'),
        ('int Box above high', lambda: ib.encode(np.array([[3, 10]])), 'value'),
        ('MultiBinary value 2', lambda: mb.encode(np.array([[0, 1, 2]])), 'value'),
        ('continuous NaN', lambda: cont.encode(np.array([[0.1, np.nan]], np.float32)), 'NaN'),
        ('image pixel 300', lambda: img.encode(np.full((1, 8, 8, 3), 300)), 'pixel'),
        ('decode id beyond vocab', lambda: ts.decode(with_id(good, 0, ts.vocab_size + 3)), 'id'),
        ('decode negative id', lambda: ts.decode(with_id(good, 1, -1)), 'id'),
        ('decode separator in a value slot', lambda: ts.decode(with_id(good, 0, ts.layout.separator)), 'id'),
        (
            'decode action id out of Discrete(3)',
            lambda: ts.decode(with_id(good, ts.n_tokens - 1, ts.layout.discrete + 3)),
            'id',
        ),
        ('decode no separator', lambda: ts.decode(with_id(good, ts.n_obs, 0)), 'separator'),
        ('decode fractional ids', lambda: disc.decode(np.array([[0.5]])), 'integers'),
        ('decode wrong shape', lambda: disc.decode(np.zeros((2, 3), np.int64)), 'ids'),
        (
            'encode missing Dict key',
            lambda: SpaceTokenizer(spaces.Dict(a=spaces.Discrete(2))).encode({'b': np.zeros(1)}),
            'a',
        ),
        ('Text without tokenizer', lambda: SpaceTokenizer(spaces.Text(5)), 'text_tokenizer'),
    ]:
        add('tokenizer', name, fn, want)
    return P


def run_api_probe(fn, want: str) -> tuple:
    "(class, what happened) of one in-process call."
    try:
        quiet = io.StringIO()
        with warnings.catch_warnings(), contextlib.redirect_stdout(quiet), contextlib.redirect_stderr(quiet):
            warnings.simplefilter('ignore')
            fn()
    except CLEAR_TYPES as e:
        msg = ' '.join(str(e).split())
        if want.lower() in msg.lower():
            return 'clear', f'{type(e).__name__}: {msg[:150]}'
        return 'raw', f'{type(e).__name__} not naming {want!r}: {msg[:150]}'
    except Exception as e:
        return 'raw', f'{type(e).__name__}: {" ".join(str(e).split())[:150]}'
    return 'silent', 'accepted'


# ---------------------------------------------------------------- main
def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--jobs', type=int, default=4, help='command-line probes run at once')
    ap.add_argument('--groups', default='cli,config,files,env,tokenizer', help='comma-separated groups to run')
    ap.add_argument('--verbose', action='store_true', help='print every probe, not only the ones that are not clear')
    a = ap.parse_args()
    groups = a.groups.split(',')
    t0, rows = time.time(), []
    with tempfile.TemporaryDirectory(prefix='lcdt-probe-') as tmp:
        root = Path(tmp)
        with contextlib.redirect_stdout(io.StringIO()):
            fx = make_fixtures(root / 'runs')
        if 'cli' in groups:
            probes = cli_probes(fx)
            with ThreadPoolExecutor(max(1, a.jobs)) as ex:
                outs = list(ex.map(lambda p: run_cli_probe(*p), probes))
            rows += [('cli', f"{c} {' '.join(v)}".replace(tmp, '$TMP'), *o) for (c, v), o in zip(probes, outs)]
        api = [p for p in api_probes(fx, root) if p[0] in groups]
        rows += [(g, n, *run_api_probe(fn, w)) for g, n, fn, w in api]
    print(f"{'group':<10} {'probes':>6} {'clear':>6} {'raw':>6} {'silent':>6}")
    for g in [g for g in ('cli', 'config', 'files', 'env', 'tokenizer') if g in groups] + ['all']:
        rs = [r for r in rows if g in ('all', r[0])]
        n = {k: sum(r[2] == k for r in rs) for k in ('clear', 'raw', 'silent')}
        print(f"{g:<10} {len(rs):>6} {n['clear']:>6} {n['raw']:>6} {n['silent']:>6}")
    print(f"({time.time() - t0:.0f} s, python {sys.version.split()[0]}, {os.cpu_count()} CPUs)")
    for g, name, cls, what in rows:
        if a.verbose or cls != 'clear':
            print(f"  [{cls}] {g}: {name}\n      -> {what}")
    return 0 if all(r[2] == 'clear' for r in rows) else 1


if __name__ == '__main__':
    sys.exit(main())
