"""Fails when a file of the repository names a machine path or a folder outside the repository.

A user's clone has nothing beside it: code, notebooks (sources and stored outputs), tools and docs must not read or
name the development machines' folders. Run by `make test` (through `make check-sync`)."""

import re, subprocess, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# absolute home/work folders of a machine, and any path that climbs out of the repository to a sibling folder
PATTERNS = [
    r'/' + 'work/',
    r'/' + r'home/\w',
    r'/' + 'root/',
    r'/' + r'Users/\w',
    r'[A-Z]:\\\\' + 'Users',
    r'\.\./' + r'(\.\./)*' + 'shared',
    r'\bshared/' + '(data|seeds|hooks)',
]
RX = re.compile('|'.join(PATTERNS))
DIRS = ('lcdt', 'nbs', 'tools', 'bench', '.ci', '.github')
FILES = ('README.md', 'Makefile', 'pyproject.toml')


def tracked():
    "The files git knows (tracked or new, not ignored) under the checked folders."
    try:
        out = subprocess.run(
            ['git', 'ls-files', '-co', '--exclude-standard', *DIRS, *FILES],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split('\n')
        return [ROOT / f for f in out if f]
    except (OSError, subprocess.CalledProcessError):
        return [p for d in DIRS for p in (ROOT / d).rglob('*') if p.is_file()] + [ROOT / f for f in FILES]


def main():
    bad = []
    for p in tracked():
        if p.resolve() == Path(__file__).resolve() or not p.exists() or p.suffix in ('.png', '.jpg', '.gif'):
            continue
        try:
            text = p.read_text(encoding='utf-8')
        except (UnicodeDecodeError, OSError):
            continue
        for i, line in enumerate(text.splitlines(), 1):
            m = RX.search(line)
            if m:
                bad.append(f"{p.relative_to(ROOT)}:{i}: {m.group(0)!r} in {line.strip()[:100]!r}")
    if bad:
        print("check_standalone: these lines name a machine path or a folder outside the repository:", file=sys.stderr)
        print('\n'.join(bad), file=sys.stderr)
        sys.exit(1)
    print("check_standalone: no machine paths or outside folders named")


if __name__ == '__main__':
    main()
