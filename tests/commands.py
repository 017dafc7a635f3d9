"""Commands the tests run, found in the environment the tests run in.

The project's own tools (`cjm`, `mkdocs`, `pre-commit`, `zensical`, `actionlint`) are
installed beside the Python that runs pytest, as console scripts of its environment; a
fresh clone's shell does not have them on PATH, and a machine that has other copies on
PATH must not hide a missing install step. System tools (`dot`, `git`, `chromium`) come
from PATH.
"""

from __future__ import annotations

import os
import shutil
import sys
import sysconfig
from pathlib import Path

# Where this environment's console scripts are: .venv/bin for a virtual environment.
SCRIPTS = [Path(sysconfig.get_path("scripts")), Path(sys.executable).parent]
# scripts/bootstrap.sh installed this environment from constraints.txt (its stamp is there);
# `scripts/test.sh --latest` runs in one with the newest versions instead.
LOCKED = (Path(sys.prefix) / ".cjm-installed").is_file()


def tool(name: str) -> str | None:
    """The path of command `name`: this environment's own first, then PATH."""
    for folder in SCRIPTS:
        for candidate in (folder / name, folder / f"{name}.exe"):
            if candidate.is_file() and os.access(candidate, os.X_OK):
                return str(candidate)
    return shutil.which(name)


def env_with_tools(base: dict[str, str] | None = None, **extra: str) -> dict[str, str]:
    """An environment for subprocesses whose PATH finds this environment's tools first,
    as an activated virtual environment would (pre-commit's `language: system` hooks run
    `cjm` from PATH)."""
    env = dict(os.environ if base is None else base)
    folders = list(dict.fromkeys(str(folder) for folder in SCRIPTS))
    env["PATH"] = os.pathsep.join([*folders, env.get("PATH", os.defpath)])
    env.update(extra)
    return env
