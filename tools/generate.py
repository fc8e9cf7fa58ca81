"""Write the files derived from the notebooks that nbdev would write with Quarto:
README.md (from nbs/index.ipynb, as `nbdev-readme` does) and nbs/sidebar.yml (Tutorials, Explanations, then API).
Run by `make check-sync`, `make readme` and `make docs`; `nbdev-readme` stays usable where Quarto is installed."""

import re, sys
from pathlib import Path
import nbformat, yaml
from nbconvert import MarkdownExporter

ROOT = Path(__file__).resolve().parent.parent
NBS = ROOT / 'nbs'
_dir_re = re.compile(r'^\s*#\|\s*(.*)$')


def _directives(src):
    return [m.group(1).split() for l in src.splitlines() if (m := _dir_re.match(l))]


def _keep(cell):
    ds = _directives(cell.source)
    return not any(
        d and d[0] in ('hide', 'exporti', 'default_exp') or d[:1] == ['include:'] and d[1:] == ['false'] for d in ds
    )


def readme_text():
    nb = nbformat.read(NBS / 'index.ipynb', as_version=4)
    cells = []
    for c in nb.cells:
        if not _keep(c):
            continue
        c.source = '\n'.join(l for l in c.source.splitlines() if not _dir_re.match(l)).strip()
        if c.source:
            cells.append(c)
    nb.cells = cells
    md, res = MarkdownExporter().from_notebook_node(nb)
    if res.get('outputs'):
        sys.exit("index.ipynb has image outputs: reference a file in nbs/images instead")
    md = re.sub(r'\]\((images/|explanations/|tutorials/|api/)', r'](nbs/\1', md)
    md = re.sub(r'\n{3,}', '\n\n', md).strip() + '\n'
    return "<!-- Generated from nbs/index.ipynb by tools/generate.py: edit the notebook, not this file. -->\n\n" + md


def _title(p):
    nb = nbformat.read(p, as_version=4)
    for c in nb.cells:
        if c.cell_type == 'markdown' and (m := re.search(r'^#\s+(.+)$', c.source, re.M)):
            return m.group(1).strip()
    return p.stem


def sidebar_text():
    def section(name, sub):
        files = sorted(p for p in (NBS / sub).glob('*.ipynb') if not p.name.startswith(('_', '.')))
        return {'section': name, 'contents': [str(p.relative_to(NBS)) for p in files]}

    contents = [
        'index.ipynb',
        section('Tutorials', 'tutorials'),
        section('Explanations', 'explanations'),
        section('API', 'api'),
    ]
    contents = [c for c in contents if isinstance(c, str) or c['contents']]
    return yaml.safe_dump({'website': {'sidebar': {'contents': contents}}}, sort_keys=False)


def write_if_changed(path, text):
    if not path.exists() or path.read_text() != text:
        path.write_text(text)


if __name__ == '__main__':
    write_if_changed(ROOT / 'README.md', readme_text())
    write_if_changed(NBS / 'sidebar.yml', sidebar_text())
