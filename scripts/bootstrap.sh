#!/usr/bin/env bash
# Set up everything cjm needs on a fresh Debian/Ubuntu machine (or a Mac with Homebrew):
# Graphviz's `dot`, optionally Chromium for the browser tests, and a virtual environment
# in .venv with cjm installed in editable mode. Safe to run again: it skips what is there.
#   bash scripts/bootstrap.sh          # site: graphviz + venv
#   bash scripts/bootstrap.sh --test   # tests: also chromium and the test extras
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=no
[ "${1:-}" = "--test" ] && want_test=yes

packages=()
command -v dot >/dev/null 2>&1 || packages+=(graphviz)
if [ "$want_test" = yes ]; then
  command -v chromium >/dev/null 2>&1 || packages+=(chromium)
  # `cjm render --format svg` converts Chromium's PDF with poppler's pdftocairo.
  command -v pdftocairo >/dev/null 2>&1 || packages+=(poppler-utils)
  # Fonts so screenshots show Chinese and emoji instead of boxes.
  [ -d /usr/share/fonts/opentype/noto ] || packages+=(fonts-noto-cjk)
  command -v git >/dev/null 2>&1 || packages+=(git)
fi
if [ ${#packages[@]} -gt 0 ]; then
  if command -v apt-get >/dev/null 2>&1; then
    sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    echo "bootstrap: installing ${packages[*]} with apt-get"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
  elif command -v brew >/dev/null 2>&1; then
    brew install graphviz
  else
    echo "bootstrap: please install ${packages[*]} (for Graphviz: https://graphviz.org/download/)" >&2
    exit 1
  fi
fi

python=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
if [ "$want_test" = yes ]; then
  .venv/bin/python -m pip install -q -e '.[test]'
else
  .venv/bin/python -m pip install -q -e '.[material]'
fi
