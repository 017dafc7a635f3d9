#!/usr/bin/env bash
# Set up (first run) and run the full test suite, browser tests included.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh --test
exec .venv/bin/python -m pytest "$@"
