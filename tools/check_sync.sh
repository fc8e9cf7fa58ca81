#!/usr/bin/env bash
# Fails when nbdev-export / nbdev-clean / README generation change any file: the library, the
# notebooks and README.md must be committed in sync with the notebooks.
set -euo pipefail
cd "$(dirname "$0")/.."
snap() { git status --porcelain --untracked-files=all -- lcdt nbs README.md | sort; git diff -- lcdt nbs README.md | md5sum; }
if ! git rev-parse --git-dir >/dev/null 2>&1; then
  echo "check_sync: not a git checkout; exporting without the diff check"
  nbdev-export && nbdev-clean && python tools/generate.py; exit 0
fi
before=$(snap)
nbdev-export
nbdev-clean
python tools/generate.py
python tools/add_kernelspec.py --check
after=$(snap)
if [ "$before" != "$after" ]; then
  echo "check_sync: nbdev-export / nbdev-clean / tools/generate.py changed these files:" >&2
  diff <(echo "$before") <(echo "$after") >&2 || true
  echo "Commit the regenerated files (the notebooks are the source of truth)." >&2
  exit 1
fi
echo "check_sync: lcdt/, nbs/ and README.md are in sync"
