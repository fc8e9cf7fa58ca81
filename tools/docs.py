"""Build the docs site offline into _docs/: nbdev's notebook processing (nbdev-proc-nbs without its Quarto install
step), then smalldocs. Where Quarto is installed, `nbdev-docs` builds a site with the same page names.

How the offline site is made to agree with nbdev, so that every link resolves with no network:
* Page names. nbdev names a page after its notebook without the number (`api/40_widgets.ipynb` -> `api/widgets.html`,
  the `output-file` it writes into the front matter), and every symbol link (`lcdt/_modidx.py`) and every module's
  `Docs:` line uses that name. smalldocs names a page after its file and ignores `output-file`, so the processed
  notebooks are staged under their `output-file` names (the sidebar and `.ipynb` links rewritten to match) before
  smalldocs renders: the offline, the Quarto and the published site share their URLs. nbdev writes symbol links
  absolute (`doc_host`); they are made root-relative, so smalldocs writes them relative and checks them. Each page
  also gets the Markdown copy `page.html.md` that the `Docs:` lines name (smalldocs' `llms-txt` copy).
* Maths. smalldocs loads KaTeX from a CDN. The KaTeX npm package is fetched once (version pinned, sha256 checked,
  cached in .cache/) and served from `site_libs/katex/`; the theme's Google Fonts import is dropped.
* API pages. nbdev 3's `show_doc` prints the docments as comments in the signature; here it prints nbdev's
  parameter table (fastcore's `DocmentTbl`) under a plain signature when a symbol has docments. Previous/next
  links: `page-navigation` in nbs/_quarto.yml.
* What runs. To document symbols nbdev executes export, show_doc and import cells, and a test cell that merely
  contains an import ran whole (failing on names from cells that did not run, or running a long test). Here only
  the top-level imports of such a cell run.
The nbdev patches are made at import time, because nbdev processes notebooks in spawned workers that re-import
this script.
"""

import ast, hashlib, importlib, io, json, os, re, shutil, subprocess, sys, tarfile, time, urllib.request
from pathlib import Path, PurePosixPath

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / '.cache'
KATEX_VERSION = '0.16.11'  # what smalldocs links to; its auto-render call is the same in every 0.16.x
KATEX_SHA256 = '8c5494c5f7d8e8bf73ff3fe64d4bd09a340e4878b7eec9bbd9ef8d8f3e24193f'  # katex-0.16.11.tgz on npm
KATEX_URL = f'https://registry.npmjs.org/katex/-/katex-{KATEX_VERSION}.tgz'
_DOC_DIRECTIVES = {'export', 'exports', 'exporti', 'exec_doc'}


def _doc_source(cell):
    "The code of `cell` that documenting needs: all of an export, show_doc or import cell; only a test cell's imports."
    import nbdev.processors as P

    if cell.cell_type != 'code' or not cell.source or P.cell_lang(cell) != 'python':
        return None
    if 'nbdev_export' + '()' in cell.source or cell.directives_.get('eval', '').lower() == 'false':
        return None
    trees = cell.parsed_()
    if not trees:
        return None
    if cell.directives_.keys() & _DOC_DIRECTIVES or P._show_docs(trees):
        return cell.source
    imports = [t for t in trees if isinstance(t, (ast.Import, ast.ImportFrom))]
    if len(imports) == len(trees):
        return cell.source
    return '\n'.join(ast.unparse(t) for t in imports) or None


def _exec_for_docs(self, cell):
    "nbdev's `exec_show_docs` step, running only `_doc_source(cell)`."
    from fastcore.basics import str2bool

    if not self.nb.has_docs_ or not hasattr(self, 'k'):
        return
    if cell.idx_ == 0:
        _EXP['module'] = None  # a new notebook
    if cell.directives_.get('default_exp'):
        _EXP['module'] = f"{_lib_name()}.{cell.directives_['default_exp'].strip()}"
    if str2bool(getattr(self.nb, 'frontmatter_', {}).get('skip_showdoc', False)):
        return
    src = _doc_source(cell)
    if src is None:
        return
    if src == cell.source:
        self.k.cell(cell)
    else:
        self.k.run(src)
    if self.k.exc:
        e = self.k.exc
        where = f"docs: {getattr(self.nb, 'path_', '?')}, cell {cell.idx_}"
        raise Exception(f"{where}:\n{src}\n{type(e).__name__}: {e}") from e


def _table(sym):
    "nbdev's parameter table of `sym` ('' without docments)."
    from fastcore.docments import DocmentTbl

    try:
        return str(DocmentTbl(sym))
    except Exception:
        return ''


_EXP = {'module': None}  # the module of the notebook being processed (its `default_exp`)


def _library_sym(sym):
    "The library's own `sym`: a class defined by an executed export cell has no source that `inspect` can find."
    try:
        qn = sym.__qualname__
        index = importlib.import_module(f"{_lib_name()}._modidx").d['syms']
        mods = [m for m, syms in index.items() if f'{m}.{qn}' in syms]
        mod = _EXP['module'] if _EXP['module'] in mods else (mods[0] if len(mods) == 1 else None)
        if mod is None:
            return sym
        obj = importlib.import_module(mod)
        for a in qn.split('.'):
            obj = getattr(obj, a)
        return obj
    except Exception:
        return sym


def _lib_name():
    from nbdev.config import get_config

    return get_config().lib_path.name


def _with_table(self):
    "nbdev's show_doc Markdown with the parameter table under a signature without the docments comments."
    md = _orig_markdown(self)
    tbl = _table(self.sym) or _table(_library_sym(self.sym))
    if not tbl:
        return md
    plain = (re.sub(r'(,?) # .*$', r'\1', l) for l in str(self.dm).splitlines())
    return md.replace(str(self.dm), '\n'.join(l for l in plain if l.strip()), 1) + '\n\n' + tbl


def _patch_nbdev():
    "Skip nbdev's Quarto install; run only what documenting needs; print parameter tables."
    global _orig_markdown
    import nbdev.quarto, nbdev.processors, nbdev.showdoc

    nbdev.quarto._ensure_quarto = lambda: None  # Quarto cannot be installed here; smalldocs renders instead
    nbdev.processors.exec_show_docs.__call__ = _exec_for_docs
    R = nbdev.showdoc.BasicMarkdownRenderer
    if R._repr_markdown_ is not _with_table:
        _orig_markdown, R._repr_markdown_ = R._repr_markdown_, _with_table


_patch_nbdev()


def _output_file(nb):
    "The `output-file` of a processed notebook's front matter (a raw cell), or None."
    for c in nb['cells']:
        if c['cell_type'] != 'raw':
            continue
        m = re.search(r'^output-file:\s*(\S+)\s*$', ''.join(c['source']), re.M)
        if m:
            return m.group(1)
    return None


_NB_LINK = re.compile(r'(\]\(\s*<?)([^)\s>#]+\.ipynb)')


def stage(cache, dest, site_url):
    "Copy nbdev's processed notebooks `cache` to `dest` under their `output-file` names, links rewritten to match."
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(cache, dest, ignore=shutil.ignore_patterns('_docs', '.*'))
    nbs = sorted(dest.rglob('*.ipynb'))
    renames = {}  # old -> new path, relative to dest, posix
    for p in nbs:
        out = _output_file(json.loads(p.read_text()))
        if out and out != p.with_suffix('.html').name:
            renames[p.relative_to(dest).as_posix()] = (
                p.relative_to(dest).with_name(Path(out).with_suffix('.ipynb').name).as_posix()
            )
    dup = {v for v in renames.values() if list(renames.values()).count(v) > 1 or (dest / v).exists()}
    if dup:
        raise ValueError(f"docs: two notebooks would write the same page: {sorted(dup)}")
    prefix = site_url.rstrip('/') + '/'
    for p in nbs:
        here = PurePosixPath(p.relative_to(dest).as_posix()).parent

        def _relink(m):
            target = (here / m.group(2)).as_posix()
            target = os.path.normpath(target).replace(os.sep, '/')
            if target not in renames:
                return m.group(0)
            return m.group(1) + os.path.relpath(renames[target], here.as_posix() or '.').replace(os.sep, '/')

        text = p.read_text()
        text = text.replace('](' + prefix, '](/')  # nbdev's symbol links: from the site's root, not the web
        nb = json.loads(_NB_LINK.sub(_relink, text))
        for c in nb['cells']:  # the name is applied here; smalldocs would warn that it does not read the key
            if c['cell_type'] == 'raw':
                c['source'] = re.sub(r'(?m)^output-file:.*\n?', '', ''.join(c['source']))
        p.write_text(json.dumps(nb))
    for old, new in renames.items():
        (dest / old).rename(dest / new)
    for y in dest.glob('*.yml'):
        t = y.read_text()
        for old, new in renames.items():
            t = re.sub(rf'(?<=[\s:]){re.escape(old)}(?=\s|$)', new, t)
        y.write_text(t)
    return renames


def katex_dist():
    "The `dist/` folder of the pinned KaTeX npm package, fetched once into .cache/ (sha256 checked)."
    d = CACHE / f'katex-{KATEX_VERSION}'
    if (d / 'dist' / 'katex.min.js').exists():
        return d / 'dist'
    print(f"docs: fetching KaTeX {KATEX_VERSION} from the npm registry (once; cached in {d.relative_to(ROOT)})")
    data = urllib.request.urlopen(KATEX_URL, timeout=60).read()
    got = hashlib.sha256(data).hexdigest()
    if got != KATEX_SHA256:
        raise ValueError(f"docs: {KATEX_URL} has sha256 {got}, expected {KATEX_SHA256}")
    tmp = CACHE / f'.katex-{os.getpid()}'
    shutil.rmtree(tmp, ignore_errors=True)
    with tarfile.open(fileobj=io.BytesIO(data)) as tf:
        tf.extractall(
            tmp, members=[m for m in tf.getmembers() if m.name.startswith('package/') and m.isfile()], filter='data'
        )
    shutil.rmtree(d, ignore_errors=True)
    (tmp / 'package').rename(d)
    shutil.rmtree(tmp, ignore_errors=True)
    return d / 'dist'


def serve_katex(site):
    "Copy KaTeX into `site/site_libs/katex` and point every page at it instead of the CDN; drop web-font imports."
    from smalldocs.layout import KATEX as cdn

    try:
        dist = katex_dist()
    except Exception as e:
        print(f"docs: WARNING: KaTeX not available offline ({e}); maths loads from {cdn}")
        return 0
    out = site / 'site_libs' / 'katex'
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    for f in ['katex.min.css', 'katex.min.js', 'contrib/auto-render.min.js']:
        (out / f).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(dist / f, out / f)
    shutil.copytree(dist / 'fonts', out / 'fonts', ignore=shutil.ignore_patterns('*.ttf', '*.woff'))  # woff2 suffices
    shutil.copy2(dist.parent / 'LICENSE', out / 'LICENSE')
    n = 0
    for page in site.rglob('*.html'):
        t = page.read_text()
        if cdn not in t:
            continue
        up = os.path.relpath(site, page.parent).replace(os.sep, '/')
        page.write_text(t.replace(cdn, f'{up}/site_libs/katex'))
        n += 1
    for css in (site / 'site_libs').rglob('*.css'):  # the theme imports Google Fonts; the fallback fonts are used
        t = css.read_text()
        t2 = re.sub(r'@import\s+url\(["\']?https?://fonts\.googleapis\.com[^)]*\)\s*;?', '', t)
        if t2 != t:
            css.write_text(t2)
    return n


_HREF = re.compile(r'href="([^"#:]*)#([^"]+)"')


def fix_symbol_anchors(site, anchors):
    "Point nbdev's links to symbols with no entry of their own (methods, private helpers) at their class or page."
    ids = {}

    def _ids(p):
        if p not in ids:
            ids[p] = set(re.findall(r'\sid="([^"]+)"', p.read_text())) if p.is_file() else None
        return ids[p]

    n = 0
    for page in site.rglob('*.html'):
        t = page.read_text()

        def _fix(m):
            nonlocal n
            target = (page.parent / m.group(1)).resolve() if m.group(1) else page.resolve()
            have, frag = _ids(target), m.group(2)
            if not have or frag in have or f"{target.relative_to(site.resolve()).as_posix()}#{frag}" not in anchors:
                return m.group(0)
            while '.' in frag and frag not in have:
                frag = frag.rsplit('.', 1)[0]
            n += 1
            return f'href="{m.group(1)}#{frag}"' if frag in have else f'href="{m.group(1) or page.name}"'

        t2 = _HREF.sub(_fix, t)
        if t2 != t:
            page.write_text(t2)
    return n


def main():
    import nbdev.quarto as q

    t0 = time.time()
    subprocess.run([sys.executable, str(ROOT / 'tools' / 'generate.py')], check=True)
    proc = ROOT / '_proc'
    # the cache is keyed on the notebooks' times; a change to this script changes how every notebook is processed
    # (not `_pre_docs(force=True)`: that also rewrites the hand-kept nbs/sidebar.yml)
    if proc.exists() and proc.stat().st_mtime < Path(__file__).stat().st_mtime:
        shutil.rmtree(proc)
    cache, cfg, _ = q._pre_docs(n_workers=2)
    src = CACHE / 'docs-src'
    renames = stage(cache, src, f"{cfg.doc_host.rstrip('/')}{cfg.doc_baseurl.rstrip('/')}")
    out = src / cfg.doc_path.name
    r = subprocess.run(
        [str(Path(sys.executable).parent / 'smalldocs'), 'render', '--quiet', str(src)], capture_output=True, text=True
    )
    sys.stdout.write(r.stdout)
    known = ('unknown key format-links', 'format commonmark is not built', 'keep-md is ignored')  # Quarto's keys
    sys.stderr.writelines(l for l in r.stderr.splitlines(True) if not any(k in l for k in known))
    if r.returncode:
        raise SystemExit(f"docs: smalldocs failed ({r.returncode})")
    for md in out.rglob('*.llms.md'):
        shutil.copy2(md, md.with_name(md.name.removesuffix('.llms.md') + '.html.md'))
    n_math = serve_katex(out)
    modidx = importlib.import_module(f"{cfg.lib_path.name}._modidx").d['syms']
    n_fixed = fix_symbol_anchors(out, {v[0] for syms in modidx.values() for v in syms.values()})
    dest = ROOT / cfg.doc_path.name
    shutil.rmtree(dest, ignore_errors=True)
    shutil.move(str(out), str(dest))
    pages = sorted(p.relative_to(dest) for p in dest.rglob('*.html'))
    print(
        f"docs: {len(pages)} pages in {dest.name}/ ({len(renames)} named as nbdev links them, "
        f"{n_math} with maths served locally, {n_fixed} symbol links sent to their class or page; "
        f"{time.time() - t0:.1f} s)"
    )


if __name__ == '__main__':
    main()
