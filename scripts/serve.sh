#!/usr/bin/env bash
# Set up (first run) and serve the example site at http://127.0.0.1:8000 with live reload.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
.venv/bin/cjm validate maps/
exec .venv/bin/mkdocs serve "$@"
