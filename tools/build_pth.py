"""setuptools build step (pyproject.toml: [tool.setuptools.cmdclass]): ship `lcdt-gymnasium.pth` at the root of
site-packages, so `gymnasium.make('lcdt/Nav-v0')` works in a fresh process.

Gymnasium >= 1.0 has no plugin entry points. Python's `site` runs a .pth line that starts with `import` at
interpreter start; `import lcdt` costs about 2 ms (no torch, no gymnasium) and registers lcdt's ids only when
gymnasium itself is imported (see lcdt/__init__.py)."""

from pathlib import Path

from setuptools.command.build_py import build_py as _build_py

PTH, LINE = 'lcdt-gymnasium.pth', 'import lcdt\n'
SELF = 'tools/build_pth.py'  # this file, as pyproject.toml names it (the sdist must hold it to build a wheel)


class build_py(_build_py):
    "`build_py` that also writes lcdt-gymnasium.pth at the wheel's root (a regular wheel and an editable one)."

    def run(self):
        super().run()
        # an editable wheel (PEP 660, `pip install -e .`) drops build_lib; its root is the install command's install_lib
        root = self.get_finalized_command('install').install_lib if self.editable_mode else self.build_lib
        Path(root).mkdir(parents=True, exist_ok=True)
        Path(root, PTH).write_text(LINE, encoding='utf-8')

    def get_source_files(self):
        return super().get_source_files() + [SELF]

    def get_outputs(self, include_bytecode=True):
        return super().get_outputs(include_bytecode) + [str(Path(self.build_lib, PTH))]
