#!/usr/bin/env bash
# Rewrite constraints.txt with the exact versions installed in a virtual environment:
# by default .venv-latest, which `bash scripts/test.sh --latest` fills with the newest
# release of every dependency and tests. Run that first; lock only what passed.
#   bash scripts/test.sh --latest && bash scripts/lock.sh
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${1:-.venv-latest}
if [ ! -x "$venv/bin/python" ]; then
  echo "lock: $venv has no Python; run \`bash scripts/test.sh --latest\` first" >&2
  exit 1
fi
name=$("$venv/bin/python" -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["name"])')
{
  cat <<'HEADER'
# The exact versions that scripts/bootstrap.sh, scripts/test.sh, .ci/run and CI install
# (`pip install -c constraints.txt ...`), so that a run today and a run next month test the
# same code. Written by `bash scripts/lock.sh` from an environment whose tests passed: every
# package that `pip install -e '.[test]'` installs, and pip and setuptools. Made with the
# oldest Python the project's machines run, Debian 12's python3 (3.11.2): some newest
# releases need 3.11.5 (`env -i HOME=$HOME PATH=/usr/bin:/bin bash scripts/test.sh --latest`).
# To move to newer versions on purpose: `bash scripts/test.sh --latest && bash scripts/lock.sh`.
# A new dependency goes into pyproject.toml (its extras), then into this file the same way.
HEADER
  "$venv/bin/python" -m pip freeze --all --exclude-editable \
    | grep -v -i -E "^${name//-/[-_.]}==" \
    | LC_ALL=C sort -f
} > constraints.txt.new
mv constraints.txt.new constraints.txt
echo "lock: constraints.txt now pins $(grep -c '==' constraints.txt) packages from $venv"
git --no-pager diff --stat -- constraints.txt 2>/dev/null || true
