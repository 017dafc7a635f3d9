#!/usr/bin/env bash
# Set up everything cjm needs on a fresh Debian/Ubuntu machine (or a Mac with Homebrew):
# Graphviz's `dot`, optionally Chromium for the browser tests, and a virtual environment
# with cjm installed in editable mode, at the versions pinned in constraints.txt.
# Safe to run again: it skips what is there (delete .venv to start over).
#   bash scripts/bootstrap.sh                   # site: graphviz + .venv
#   bash scripts/bootstrap.sh --test            # tests: also chromium and the test extras
#   bash scripts/bootstrap.sh --test --latest   # the newest release of every dependency,
#                                               # in .venv-latest (see scripts/lock.sh)
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=no
latest=no
for arg in "$@"; do
  case "$arg" in
    --test) want_test=yes ;;
    --latest) latest=yes ;;
    *) echo "bootstrap: unknown option $arg (use --test, --latest)" >&2; exit 2 ;;
  esac
done

python=${PYTHON:-python3}
packages=()
command -v dot >/dev/null 2>&1 || packages+=(graphviz)
# Debian's own Python makes virtual environments only with python3-venv installed.
"$python" -c 'import ensurepip, venv' >/dev/null 2>&1 || packages+=(python3-venv)
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

venv=.venv
[ "$latest" = yes ] && venv=.venv-latest
extras=material
[ "$want_test" = yes ] && extras=test
if [ ! -x "$venv/bin/python" ]; then
  "$python" -m venv "$venv"
fi
pip=("$venv/bin/python" -m pip install -q)

if [ "$latest" = yes ]; then
  # Drift on purpose: whatever the package index has today, within pyproject.toml's ranges.
  "${pip[@]}" --upgrade pip
  "${pip[@]}" --upgrade --upgrade-strategy eager -e ".[$extras]"
  exit 0
fi

# Reinstall only when the pinned versions or the package's metadata changed: the editable
# install follows code changes by itself.
stamp="$venv/.cjm-installed"
want="$(cat pyproject.toml constraints.txt | sha256sum | cut -c1-16) $extras"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi
rm -rf plugins/*.egg-info  # a stale one (the package was once called `cjm`) shadows the install
"$venv/bin/python" -m pip uninstall -q -y cjm >/dev/null 2>&1 || true
"${pip[@]}" -c constraints.txt pip
"${pip[@]}" -c constraints.txt --build-constraint constraints.txt -e ".[$extras]"
echo "$want" > "$stamp"
