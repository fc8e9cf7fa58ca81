"""Build the docs site offline: nbdev's notebook processing (without its Quarto install step), then
smalldocs. Output in _docs/. Where Quarto is installed, `nbdev-docs` builds the same site."""
import shutil, subprocess, sys, time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

def main():
    import nbdev.quarto as q
    q._ensure_quarto = lambda: None  # Quarto cannot be installed here; smalldocs renders instead
    t0 = time.time()
    subprocess.run([sys.executable, str(ROOT/'tools'/'generate.py')], check=True)
    cache, cfg, _ = q._pre_docs(n_workers=2)
    out = cache/cfg.doc_path.name
    shutil.rmtree(out, ignore_errors=True)
    subprocess.run([str(Path(sys.executable).parent/'smalldocs'), 'render', '--quiet', str(cache)], check=True)
    dest = ROOT/cfg.doc_path.name
    shutil.rmtree(dest, ignore_errors=True)
    shutil.move(str(out), str(dest))
    pages = sorted(p.relative_to(dest) for p in dest.rglob('*.html'))
    print(f"docs: {len(pages)} pages in {dest} ({time.time()-t0:.1f} s)")

if __name__ == '__main__': main()
