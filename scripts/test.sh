#!/usr/bin/env bash
# Set up (first run) and run the full test suite, browser tests included, with the versions
# pinned in constraints.txt. Arguments go to pytest.
#   bash scripts/test.sh                    # the whole suite
#   bash scripts/test.sh tests/test_cli.py  # one file
#   bash scripts/test.sh --latest           # against the newest release of every dependency
set -euo pipefail
cd "$(dirname "$0")/.."
venv=.venv
if [ "${1:-}" = "--latest" ]; then
  shift
  venv=.venv-latest
  bash scripts/bootstrap.sh --test --latest
  echo "test.sh: testing the newest versions; differences from constraints.txt:"
  diff <(grep '==' constraints.txt) <("$venv/bin/python" -m pip freeze --all --exclude-editable \
    | grep -v -i '^mkdocs[-_]journey[-_]maps==' | LC_ALL=C sort -f) | grep '^[<>]' || echo "  none"
else
  bash scripts/bootstrap.sh --test
fi
# The tests and the tools they start (pre-commit hooks run `cjm`) find this environment's
# commands first, as in a shell where it is activated.
export PATH="$PWD/$venv/bin:$PATH"
exec "$venv/bin/python" -m pytest "$@"
