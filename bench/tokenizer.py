"""Benchmark: training lcdt's tokenizers on 10,000 template descriptions (target: under 2 s each).

Baseline, measured in the same run: a pure-Python word-level vocabulary (regex split + Counter + sort),
the least work any word-level tokenizer must do. Prints the machine, the figures and the ratios.
Run: .venv/bin/python bench/tokenizer.py [--n 10000] [--repeats 3]"""

import argparse, collections, os, platform, re, statistics, sys, time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # measure this checkout's lcdt


def machine():
    cpu = (
        next(
            (l.split(':', 1)[1].strip() for l in open('/proc/cpuinfo') if l.startswith('model name')),
            platform.processor(),
        )
        if os.path.exists('/proc/cpuinfo')
        else platform.processor()
    )
    import numpy, torch, tokenizers

    load = os.getloadavg() if hasattr(os, 'getloadavg') else ('?',)
    return (
        f"machine: {os.cpu_count()} cores, {cpu}; load average {load[0]:.2f}\n"
        f"python {platform.python_version()}, numpy {numpy.__version__}, torch {torch.__version__}, "
        f"tokenizers {tokenizers.__version__}"
    )


def timed(fn, repeats):
    ts = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        ts.append(time.perf_counter() - t0)
    return min(ts), statistics.median(ts), out


def python_vocab(texts, size=900):
    c = collections.Counter(w for t in texts for w in re.findall(r"\w+|[^\w\s]+", t.lower()))
    return [w for w, _ in c.most_common(size)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--n', type=int, default=10_000, help='descriptions to train on')
    ap.add_argument('--repeats', type=int, default=3)
    a = ap.parse_args()
    from lcdt.text.describe import TemplateDescriber, synthetic_events
    from lcdt.text.tokenizer import train_tokenizer

    print(machine())
    t0 = time.perf_counter()
    texts, i = [], 0
    desc = TemplateDescriber(n_paraphrases=3, seed=0)
    while len(texts) < a.n:
        batch = desc.describe_batch([synthetic_events(i + k) for k in range(500)], keys=range(i, i + 500))
        texts += [t for o in batch for t in o['descriptions'] + o['instructions']]
        i += 500
    texts = texts[: a.n]
    print(
        f"corpus: {len(texts)} template descriptions/instructions, {sum(len(t.split()) for t in texts)} words "
        f"(generated in {time.perf_counter() - t0:.2f} s)"
    )
    base, base_med, _ = timed(lambda: python_vocab(texts), a.repeats)
    print(f"baseline  pure-Python word counting: best {base:.3f} s, median {base_med:.3f} s")
    ok = True
    for kind in ('word', 'bpe'):
        best, med, tk = timed(lambda: train_tokenizer(texts, kind=kind, vocab_size=900), a.repeats)
        enc, _, _ = timed(lambda: tk.encode(texts), 1)
        ok &= best < 2.0
        print(
            f"{kind:5s} train: best {best:.3f} s, median {med:.3f} s (target < 2 s: {'yes' if best < 2 else 'NO'}); "
            f"vocab {tk.vocab_size}; {best / base:.1f}x the baseline; encode all {enc:.3f} s"
        )
    print("note: wall-clock times on a shared machine; other jobs may be running (see the load average).")
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
