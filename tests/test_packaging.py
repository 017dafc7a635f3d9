"""The package as users get it: sdist and wheel built, checked as the package index would,
installed (not editable) into a new virtual environment, and used from there to build the
example site and to set up a new one with `cjm init`.

The build runs without isolation, with the setuptools of the test environment; the new
environment gets the wheel's dependencies at the versions of constraints.txt when the tests
run in the locked environment (the newest ones under `scripts/test.sh --latest`).
"""

from __future__ import annotations

import email
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from pathlib import Path

import pytest

from sitebuild import REPO
from commands import LOCKED

PROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
NAME = PROJECT["name"]
PACKAGE_DATA = ("cjm_plugin/templates/persona.md.j2", "cjm_plugin/templates/init/mkdocs.yml",
                "cjm_plugin/templates/init/journeys.yml", "cjm_plugin/templates/init/index.md",
                "cjm_plugin/schemas/map.schema.json", "cjm_plugin/schemas/vocabulary.schema.json",
                "cjm_plugin/schemas/rules.schema.json", "cjm_plugin/schemas/research.schema.json")
# What the sdist needs to build the wheel: the package and the files pyproject.toml names.
SOURCES = ("pyproject.toml", "README.md", "LICENSE", "plugins/cjm_plugin")
# The example site, and the files its pages include (`--8<-- "path"`: CI files, test data).
SNIPPETS = sorted({m for page in (REPO / "docs").rglob("*.md") for m in re.findall(
    r'^\s*--8<-- "([^":]+)(?::[^"]*)?"', page.read_text(encoding="utf-8"), re.M)})  # `file:section`
EXAMPLE_SITE = ("mkdocs.yml", "docs", "maps", "schema", *(s for s in SNIPPETS if not s.startswith("docs/")))


def sh(*args: str | Path, cwd: Path, env: dict[str, str] | None = None,
       timeout: float = 600) -> subprocess.CompletedProcess:
    result = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True,
                            text=True, timeout=timeout)
    assert result.returncode == 0, (
        f"{' '.join(map(str, args))} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result


def copy_tree(names: tuple[str, ...], target: Path) -> None:
    skip = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    for name in names:
        source, destination = REPO / name, target / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, destination, ignore=skip)
        else:
            shutil.copy2(source, destination)


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    """sdist and wheel, built from a copy of the sources (the wheel from the sdist, as
    `python -m build` does), so nothing is written into the working tree."""
    work = tmp_path_factory.mktemp("package")
    copy_tree(SOURCES, work / "src")
    sh(sys.executable, "-m", "build", "--no-isolation", "--outdir", work / "dist", work / "src",
       cwd=work)
    return work / "dist"


@pytest.fixture(scope="module")
def installed(dist, tmp_path_factory) -> dict[str, str]:
    """A new virtual environment with the wheel installed; the environment to run it in."""
    venv = tmp_path_factory.mktemp("venv") / "venv"
    sh(sys.executable, "-m", "venv", venv, cwd=venv.parent)
    python = venv / "bin" / "python"
    (wheel,) = dist.glob("*.whl")
    pins = ["-c", REPO / "constraints.txt"] if LOCKED else []  # else the newest, as here
    sh(python, "-m", "pip", "install", "-q", "--disable-pip-version-check", *pins,
       f"{wheel}[material]", cwd=venv.parent)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(PATH=os.pathsep.join([str(venv / "bin"), env.get("PATH", os.defpath)]),
               VIRTUAL_ENV=str(venv), NO_MKDOCS_2_WARNING="1")
    return env


def test_sdist_and_wheel_pass_twine_check(dist):
    files = sorted(dist.iterdir())
    assert sorted(p.suffix for p in files) == [".gz", ".whl"], files
    result = sh(sys.executable, "-m", "twine", "check", "--strict", *files, cwd=dist)
    assert result.stdout.count("PASSED") == 2, result.stdout


def test_the_wheel_has_the_package_data_and_metadata(dist):
    (wheel,) = dist.glob("*.whl")
    assert wheel.name.startswith(NAME.replace("-", "_") + "-" + PROJECT["version"])
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        info = next(n.rsplit("/", 1)[0] for n in names if n.endswith(".dist-info/METADATA"))
        metadata = email.message_from_bytes(archive.read(f"{info}/METADATA"))
        entry_points = archive.read(f"{info}/entry_points.txt").decode("utf-8")
    for path in PACKAGE_DATA:
        assert path in names, f"{path} is not in the wheel: add it to package-data"
    assert f"{info}/licenses/LICENSE" in names
    assert not [n for n in names if "__pycache__" in n or n.startswith(("tests/", "maps/"))]
    assert metadata["Name"] == NAME
    assert metadata["License-Expression"] == "MIT"
    assert metadata.get_all("License") is None  # the deprecated field is gone
    assert "[console_scripts]\ncjm = cjm_plugin.cli:main" in entry_points
    assert "[mkdocs.plugins]\ncjm = cjm_plugin.plugin:CjmPlugin" in entry_points


def test_the_sdist_has_what_the_wheel_is_built_from(dist):
    (sdist,) = dist.glob("*.tar.gz")
    with tarfile.open(sdist) as archive:
        names = {n.split("/", 1)[1] for n in archive.getnames() if "/" in n}
    for path in ("pyproject.toml", "README.md", "LICENSE", *(f"plugins/{p}" for p in PACKAGE_DATA)):
        assert path in names, f"{path} is not in the sdist"


def test_the_installed_wheel_builds_the_example_site(installed, tmp_path):
    where = sh("python", "-c", "import cjm_plugin; print(cjm_plugin.__file__)", cwd=tmp_path,
               env=installed).stdout
    assert "site-packages" in where and str(REPO) not in where, where
    copy_tree(EXAMPLE_SITE, tmp_path)
    sh("cjm", "validate", "--strict", cwd=tmp_path, env=installed)
    sh("mkdocs", "build", "--strict", cwd=tmp_path, env=installed)
    site = tmp_path / "site"
    assert (site / "journeys/theatre-goer/index.html").is_file()
    assert "<svg" in (site / "journeys/theatre-goer/index.html").read_text(encoding="utf-8")
    assert (site / "journeys/assets/cjm.css").is_file()


def test_the_installed_wheel_sets_up_a_new_site(installed, tmp_path):
    out = sh("cjm", "init", cwd=tmp_path, env=installed).stdout
    assert "created  schema/map.schema.json" in out and "created  mkdocs.yml" in out
    sh("cjm", "validate", "--strict", cwd=tmp_path, env=installed)
    sh("mkdocs", "build", "--strict", cwd=tmp_path, env=installed)
    assert (tmp_path / "site/journeys/example-customer/index.html").is_file()
