"""Give every notebook a kernelspec, so JupyterLab opens it on the `python3` kernel with no "Select Kernel" dialog.

nbdev-clean keeps a notebook's `kernelspec` (a key nbdev allows by default) but sets its `display_name` to its `name`,
so the spec written here has `display_name: python3`: it is what nbdev-clean leaves unchanged, and the sync check stays
clean. (JupyterLab picks the kernel by `name`, and shows the installed kernel's own display name, "Python 3
(ipykernel)".) Running it twice changes nothing. `--check` changes nothing: it lists the notebooks without the spec
and exits with 1, for tools/check_sync.sh.

    python tools/add_kernelspec.py            # every notebook under nbs/
    python tools/add_kernelspec.py --check    # fail if one lacks it
    python tools/add_kernelspec.py nbs/api/00_core.ipynb ...
"""

import argparse, json, os, sys, tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KERNELSPEC = {'display_name': 'python3', 'language': 'python', 'name': 'python3'}  # as nbdev-clean writes it


def notebooks(paths=None):
    "The notebooks to treat: `paths` (files or folders), or every notebook under nbs/ (checkpoints left out)."
    found = []
    for p in map(Path, paths or [ROOT / 'nbs']):
        if p.is_dir():
            found += [f for f in sorted(p.rglob('*.ipynb')) if '.ipynb_checkpoints' not in f.parts]
        elif p.suffix == '.ipynb' and p.is_file():
            found.append(p)
        else:
            raise ValueError(f"add_kernelspec: {p} is not a notebook or a folder")
    return found


def nb_text(nb):
    "A notebook as nbdev writes it (nbdev-clean leaves the file as it is)."
    return json.dumps(nb, sort_keys=True, indent=1, ensure_ascii=False) + '\n'


def has_kernelspec(nb):
    "Whether `nb` (a notebook dict) opens on the python3 kernel."
    return nb.get('metadata', {}).get('kernelspec') == KERNELSPEC


def add_kernelspec(path):
    "Write the python3 kernelspec into the notebook at `path` (atomically); True if the file changed."
    path = Path(path)
    nb = json.loads(path.read_text(encoding='utf-8'))
    if has_kernelspec(nb):
        return False
    nb.setdefault('metadata', {})['kernelspec'] = dict(KERNELSPEC)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f'.{path.name}.', suffix='.tmp')
    try:
        with os.fdopen(fd, 'w', encoding='utf-8') as f:
            f.write(nb_text(nb))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('paths', nargs='*', help='notebooks or folders (default: nbs/)')
    ap.add_argument('--check', action='store_true', help='change nothing; exit 1 if a notebook lacks the kernelspec')
    args = ap.parse_args(argv)
    nbs = notebooks(args.paths)
    if args.check:
        missing = [p for p in nbs if not has_kernelspec(json.loads(p.read_text(encoding='utf-8')))]
        for p in missing:
            print(f"add_kernelspec: no python3 kernelspec: {os.path.relpath(p)}", file=sys.stderr)
        if missing:
            print(
                f"add_kernelspec: run `python tools/add_kernelspec.py` ({len(missing)} of {len(nbs)})", file=sys.stderr
            )
        return 1 if missing else 0
    changed = [p for p in nbs if add_kernelspec(p)]
    print(f"add_kernelspec: {len(changed)} of {len(nbs)} notebooks given the python3 kernelspec")
    return 0


if __name__ == '__main__':
    sys.exit(main())
