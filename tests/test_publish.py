"""Publishing: `cjm generate` for other engines, `cjm export`, the pre-commit hook,
`mkdocs gh-deploy`, reproducible builds, and the CI files the docs tell people to copy.

Everything runs for real: the CLI in-process from a temporary project folder, MkDocs builds
of temporary sites, git and pre-commit as subprocesses against temporary repositories.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import os
import re
import shlex
import shutil
import struct
import subprocess
import sys
import tomllib
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml
from bs4 import BeautifulSoup

from cjm_plugin.catalog import load_project
from cjm_plugin.cli import main
from cjm_plugin.export import ALL_KINDS, FORMULA_STARTS, KINDS, columns
from cjm_plugin.generate import MANIFEST_NAME, manifest_bytes, site_files
from cjm_plugin.site import SiteOptions, build_site as build_cjm_site

from helpers_maps import FULL
from sitebuild import MINIMAL_MAP, REPO, build_site, make_site
from commands import env_with_tools, tool

EXAMPLE_MAPS = sorted(p for p in (REPO / "maps").iterdir() if p.suffix == ".yml")
# Enough for every kind of page (shared stages, Chinese text, diagrams) and quick to build.
SOME_MAPS = ("_vocabulary.yml", "_research.yml", "french-learner.yml", "software-customer-zh.yml",
             "theatre-goer.yml")

SECOND_MAP = """\
persona:
  name: Second persona
  id: second
stages:
  - name: Awareness
    touchpoints:
      - {name: Radio spot, channel: radio, emotion: 1}
    pain_points:
      - text: Too loud
        severity: high
  - name: Purchase
    opportunities:
      - {text: One-click checkout, owner: Web team, status: planned}
"""


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def files_of(folder: Path) -> dict[str, str]:
    """sha256 of every file under `folder`, by its path relative to it."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*")) if p.is_file()
    }


def copy_example_maps(root: Path, names: tuple[str, ...] = SOME_MAPS) -> Path:
    """Copy example maps (by file name; `()` for all of them) into `root/maps/`."""
    (root / "maps").mkdir(parents=True, exist_ok=True)
    for path in EXAMPLE_MAPS:
        if not names or path.name in names:
            shutil.copy(path, root / "maps" / path.name)
    return root / "maps"


def git_executable() -> str:
    git = shutil.which("git")
    if git is None:
        pytest.fail("git is missing: install it (apt-get install git); publishing tests need it")
    return git


def sh(*args: str, cwd: Path, env: dict | None = None, check: bool = True,
       timeout: float = 120) -> subprocess.CompletedProcess:
    result = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    if check and result.returncode != 0:
        pytest.fail(f"{shlex.join(args)} failed with {result.returncode} in {cwd}:\n"
                    f"{result.stdout}\n{result.stderr}")
    return result


def git_repo(path: Path) -> Path:
    git = git_executable()
    path.mkdir(parents=True, exist_ok=True)
    sh(git, "-c", "init.defaultBranch=main", "init", "-q", cwd=path)
    sh(git, "config", "user.name", "cjm tests", cwd=path)
    sh(git, "config", "user.email", "tests@example.org", cwd=path)
    sh(git, "config", "commit.gpgsign", "false", cwd=path)
    return path


def commit_all(path: Path, message: str = "commit") -> str:
    git = git_executable()
    sh(git, "add", "-A", cwd=path)
    sh(git, "commit", "-q", "-m", message, cwd=path)
    return sh(git, "rev-parse", "HEAD", cwd=path).stdout.strip()


def subprocess_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT"))}
    return env_with_tools(env, NO_MKDOCS_2_WARNING="1", **extra)


def broken_relative_links(site: Path, under: str = "") -> list[str]:
    """Every relative href/src in the built pages under `site/under` that names no file."""
    broken = []
    for page in sorted((site / under).rglob("*.html")):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        targets = [e.get("href") for e in soup.find_all(["a", "link"], href=True)]
        targets += [e.get("xlink:href") for e in soup.find_all(attrs={"xlink:href": True})]
        targets += [e.get("src") for e in soup.find_all(["script", "img"], src=True)]
        for href in targets:
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not parts.path or href.startswith("#"):
                continue
            target = (page.parent / unquote(parts.path)).resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                broken.append(f"{page.relative_to(site)}: {href}")
    return broken


# --- cjm generate -------------------------------------------------------------------------


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    """A project folder with some of the example maps, as the working directory."""
    copy_example_maps(tmp_path)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_generate_writes_exactly_what_the_plugin_serves(project, capsys):
    code, out, err = run(capsys, "generate", "--out", "docs")
    assert code == 0, err
    expected = site_files(build_cjm_site(load_project([Path("maps")]), SiteOptions()))
    assert any(name.endswith(".dot") for name in expected), "diagram sources are assets too"
    written = {name: path.read_bytes() for name in expected
               for path in [project / "docs" / name]}
    assert written == expected
    on_disk = {p.relative_to(project / "docs").as_posix() for p in (project / "docs").rglob("*")
               if p.is_file()}
    # Besides the plugin's pages: the manifest, and the navigation for literate-nav.
    assert on_disk == set(expected) | {f"journeys/{MANIFEST_NAME}", "journeys/SUMMARY.md"}
    assert "journeys/assets/cjm.css" in out and "extra_css" in out
    assert "journeys/assets/cjm.js" in out and "extra_javascript" in out
    assert f"{len(expected) + 1} file(s) written" in out


def test_generate_manifest_lists_every_file_with_its_checksum(project, capsys):
    assert run(capsys, "generate", "--out", "docs")[0] == 0
    manifest_file = project / "docs/journeys" / MANIFEST_NAME
    text = manifest_file.read_text(encoding="utf-8")
    data = json.loads(text)
    assert text == json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    assert data["generator"] == "cjm"
    assert list(data["files"]) == sorted(data["files"])
    for name, digest in data["files"].items():
        assert hashlib.sha256((project / "docs" / name).read_bytes()).hexdigest() == digest


def test_generate_is_deterministic_and_rewrites_nothing_unchanged(project, capsys, tmp_path_factory,
                                                                  monkeypatch):
    assert run(capsys, "generate", "--out", "docs")[0] == 0
    first = files_of(project / "docs")
    times = {p: p.stat().st_mtime_ns for p in (project / "docs").rglob("*") if p.is_file()}
    code, out, _ = run(capsys, "generate", "--out", "docs")
    assert code == 0 and "0 file(s) written" in out and "0 removed" in out
    assert files_of(project / "docs") == first
    assert {p: p.stat().st_mtime_ns for p in times} == times

    # Another folder, another cache, another working directory: the same bytes.
    other = tmp_path_factory.mktemp("elsewhere") / "deeper"
    copy_example_maps(other)
    monkeypatch.chdir(other)
    assert run(capsys, "generate", "--out", "site-docs")[0] == 0
    assert files_of(other / "site-docs") == first


def test_generated_pages_build_without_the_plugin(tmp_path, monkeypatch, capsys):
    """The engine-free case: MkDocs with no cjm plugin (as ProperDocs or Zensical would),
    strict, and every relative link of the generated pages leads to a file."""
    config = make_site(tmp_path, config={
        "plugins": ["search"],
        "extra_css": ["journeys/assets/cjm.css"],
        "extra_javascript": ["journeys/assets/cjm.js"],
    })
    copy_example_maps(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert run(capsys, "generate", "--out", "docs")[0] == 0
    site = build_site(config, strict=True)
    assert (site / "journeys/index.html").is_file()
    assert (site / "journeys/theatre-goer/awareness/index.html").is_file()
    index = (site / "journeys/index.html").read_text(encoding="utf-8")
    assert "assets/cjm.css" in index and "<svg" in index
    assert not (site / "journeys" / MANIFEST_NAME).exists(), "MkDocs skips dotfiles"
    assert broken_relative_links(site, "journeys") == []


ZENSICAL_CONFIG = """\
[project]
site_name = "Zensical site"
extra_css = ["journeys/assets/cjm.css"]
extra_javascript = ["journeys/assets/cjm.js"]

[project.markdown_extensions]
admonition = {}
attr_list = {}
md_in_html = {}
tables = {}
"""


def test_generated_pages_build_with_zensical(tmp_path, monkeypatch, capsys):
    """The generated pages alone, with the least configuration, on a real Zensical build (the
    documented set-up, this site's zensical.toml, is built by tests/test_engines.py)."""
    zensical = tool("zensical")
    if zensical is None:
        pytest.skip("zensical is not installed (pip install zensical)")
    copy_example_maps(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert run(capsys, "generate", "--out", "docs")[0] == 0
    (tmp_path / "docs/index.md").write_text("# Home\n", encoding="utf-8")
    (tmp_path / "zensical.toml").write_text(ZENSICAL_CONFIG, encoding="utf-8")
    sh(zensical, "build", "--strict", cwd=tmp_path, env=subprocess_env())
    site = tmp_path / "site"
    index = (site / "journeys/index.html").read_text(encoding="utf-8")
    assert "journeys/assets/cjm.css" in index or "assets/cjm.css" in index
    assert "<svg" in index
    assert (site / "journeys/theatre-goer/awareness/index.html").is_file()
    assert broken_relative_links(site, "journeys") == []


def test_generate_no_directory_urls_and_prefix(tmp_path, monkeypatch, capsys):
    config = make_site(tmp_path, maps={"minimal.yml": MINIMAL_MAP, "second.yml": SECOND_MAP}, config={
        "plugins": ["search"],
        "use_directory_urls": False,
        "extra_css": ["guide/journeys/assets/cjm.css"],
    })
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "generate", "--out", "docs", "--prefix", "guide/journeys",
                         "--no-directory-urls")
    assert code == 0
    # mkdocs.yml is read: what it lists is not asked for again, what it lacks is.
    assert "add `guide/journeys/assets/cjm.js` to `extra_javascript`" in err
    assert "guide/journeys/assets/cjm.css" not in err
    assert (tmp_path / "docs/guide/journeys" / MANIFEST_NAME).is_file()
    assert not (tmp_path / "docs/journeys").exists()
    site = build_site(config, strict=True)
    assert (site / "guide/journeys/minimal/awareness.html").is_file()
    assert (site / "guide/journeys/minimal/index.html").is_file()
    raw = (tmp_path / "docs/guide/journeys/minimal/index.md").read_text(encoding="utf-8")
    assert 'href="awareness.html"' in raw, "links inside diagrams use .html URLs"
    assert broken_relative_links(site, "guide") == []


def test_generate_refuses_to_overwrite_a_hand_written_file(project, capsys):
    hand = project / "docs/journeys/index.md"
    hand.parent.mkdir(parents=True)
    hand.write_text("# My own journeys page\n", encoding="utf-8")
    code, out, err = run(capsys, "generate", "--out", "docs")
    assert code == 1
    assert str(Path("docs/journeys/index.md")) in err and "not written by `cjm generate`" in err
    assert hand.read_text(encoding="utf-8") == "# My own journeys page\n"
    assert [p.name for p in (project / "docs/journeys").iterdir()] == ["index.md"], "wrote nothing"


def test_generate_refuses_to_overwrite_a_file_edited_since(project, capsys):
    assert run(capsys, "generate", "--out", "docs")[0] == 0
    edited = project / "docs/journeys/theatre-goer/awareness.md"
    edited.write_text(edited.read_text(encoding="utf-8") + "\nMy note.\n", encoding="utf-8")
    before = files_of(project / "docs")
    # A map change too: nothing of it may be written while the run refuses.
    map_file = project / "maps/software-customer-zh.yml"
    map_file.write_text(map_file.read_text(encoding="utf-8").replace("name: ", "name: X ", 1),
                        encoding="utf-8")
    code, _, err = run(capsys, "generate", "--out", "docs")
    assert code == 1
    assert str(Path("docs/journeys/theatre-goer/awareness.md")) in err
    assert "changed by hand" in err
    assert files_of(project / "docs") == before


def test_generate_removes_what_is_no_longer_generated(project, capsys):
    assert run(capsys, "generate", "--out", "docs")[0] == 0
    mine = project / "docs/journeys/notes.md"
    mine.write_text("# Notes kept by hand\n", encoding="utf-8")
    (project / "maps/french-learner.yml").unlink()
    code, out, _ = run(capsys, "generate", "--out", "docs")
    assert code == 0
    assert not (project / "docs/journeys/french-learner").exists(), "its folder is gone"
    assert re.search(r"[1-9]\d* removed", out)
    assert mine.read_text(encoding="utf-8") == "# Notes kept by hand\n"
    manifest = json.loads((project / "docs/journeys" / MANIFEST_NAME).read_text(encoding="utf-8"))
    assert not [name for name in manifest["files"] if "french-learner" in name]
    assert "journeys/notes.md" not in manifest["files"]


def test_generate_keeps_a_stale_file_edited_by_hand(project, capsys):
    assert run(capsys, "generate", "--out", "docs")[0] == 0
    stale = project / "docs/journeys/french-learner/index.md"
    stale.write_text("edited\n", encoding="utf-8")
    (project / "maps/french-learner.yml").unlink()
    code, _, err = run(capsys, "generate", "--out", "docs")
    assert code == 1 and str(Path("docs/journeys/french-learner/index.md")) in err
    assert stale.read_text(encoding="utf-8") == "edited\n"


def test_generate_never_deletes_outside_its_folder(project, capsys):
    """A manifest edited to name files elsewhere is refused, not obeyed."""
    assert run(capsys, "generate", "--out", "docs")[0] == 0
    victim = project / "important.txt"
    victim.write_text("keep me\n", encoding="utf-8")
    manifest_file = project / "docs/journeys" / MANIFEST_NAME
    data = json.loads(manifest_file.read_text(encoding="utf-8"))
    data["files"]["../important.txt"] = hashlib.sha256(b"keep me\n").hexdigest()
    manifest_file.write_text(json.dumps(data), encoding="utf-8")
    code, _, err = run(capsys, "generate", "--out", "docs")
    assert code == 1 and MANIFEST_NAME in err
    assert victim.read_text(encoding="utf-8") == "keep me\n"


@pytest.mark.skipif(sys.platform == "win32", reason="symbolic links need privileges on Windows")
def test_generate_does_not_write_through_symbolic_links(project, capsys, tmp_path_factory):
    outside = tmp_path_factory.mktemp("outside")
    (project / "docs/journeys").mkdir(parents=True)
    (project / "docs/journeys/index.md").symlink_to(outside / "target.md")
    code, _, err = run(capsys, "generate", "--out", "docs")
    assert code == 1 and "symbolic link" in err
    assert list(outside.iterdir()) == []


def test_generate_recovers_from_an_interrupted_run(project, capsys):
    """The state a run leaves when stopped half-way (its manifest written first, then some
    files) is accepted by the next run, which completes it. (Without the navigation file:
    the plugin's pages are what this test computes.)"""
    assert run(capsys, "generate", "--out", "docs", "--no-nav")[0] == 0
    out = project / "docs"
    map_file = project / "maps/theatre-goer.yml"
    map_file.write_text(map_file.read_text(encoding="utf-8").replace("name: ", "name: Renamed ", 1),
                        encoding="utf-8")
    new = site_files(build_cjm_site(load_project([Path("maps")]), SiteOptions()))
    changed = sorted(name for name in new
                     if (out / name).is_file() and (out / name).read_bytes() != new[name])
    assert len(changed) > 2
    pending = {name: hashlib.sha256((out / name).read_bytes()).hexdigest() for name in changed}
    (out / "journeys" / MANIFEST_NAME).write_bytes(manifest_bytes(new, pending))
    for name in changed[: len(changed) // 2]:  # stopped half-way
        (out / name).write_bytes(new[name])
    code, _, err = run(capsys, "generate", "--out", "docs", "--no-nav")
    assert code == 0, err
    fresh = project / "fresh"
    assert run(capsys, "generate", "--out", "fresh", "--no-nav")[0] == 0
    assert files_of(out) == files_of(fresh)


def test_generate_invalid_map_prints_messages_and_writes_nothing(project, capsys):
    (project / "maps/broken.yml").write_text("persona:\n  name: Broken\nstages: []\n",
                                             encoding="utf-8")
    code, out, err = run(capsys, "generate", "--out", "docs")
    assert code == 1
    assert re.search(r"^maps/broken\.yml:\d+:\d+: ", err, re.M), err
    assert "nothing written" in err
    assert not (project / "docs").exists()


# --- cjm export ---------------------------------------------------------------------------

TRICKY_MAP = r"""persona:
  name: "Zoë, \"the\" tester"
  id: tricky
stages:
  - name: "Stage | one, with = signs"
    id: one
    touchpoints:
      - name: "=HYPERLINK(\"http://example.org\")"
        channel: web
        owner: "Team; A"
        description: |
          Line one, with "quotes", commas
          Line two: 中文 and emoji 🎭
        emotion: -1
        link: "https://example.com/a?b=1&c=2"
      - name: "carriage\rreturn and tab\there"
  - name: Second
    id: second
    pain_points:
      - "Comma, quote \" and a line break\nin one"
      - text: Plain
        severity: low
    opportunities:
      - text: "-starts with a minus"
        status: in progress
        link: /tickets/12
    metrics:
      - {name: Small, value: 0.1, target: 0.000001, unit: s}
      - {name: Big, value: 12345678.9, unit: "€"}
      - {name: Whole, value: 3, target: -4}
"""


def _items(project_maps, kind):
    stage_field, _ = KINDS[kind]
    return [(loaded, stage, item) for loaded in project_maps for stage in loaded.map.stages
            for item in getattr(stage, stage_field)]


def _unguarded(cell: str) -> str:
    """A CSV cell without the `'` that keeps a spreadsheet from running it as a formula."""
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(FORMULA_STARTS) else cell


def _assert_rows_match_models(rows: list[dict], project_maps, kind: str, from_csv: bool,
                              guarded: bool = False) -> None:
    model = KINDS[kind][1]
    if guarded:
        rows = [{name: _unguarded(value) for name, value in row.items()} for row in rows]
    fields = list(model.model_fields)
    expected = _items(project_maps, kind)
    assert len(rows) == len(expected)
    for row, (loaded, stage, item) in zip(rows, expected):
        assert list(row) == columns(kind)
        assert (row["persona_id"], row["persona_name"], row["stage_id"], row["stage_name"]) == \
            (loaded.id, loaded.map.persona.name, stage.id, stage.name)
        data = {name: row[name] for name in fields}
        if from_csv:
            data = {name: value for name, value in data.items() if value != ""}
        # Field by field: the text as written, numbers equal in value.
        for name in fields:
            value = getattr(item, name)
            if from_csv:
                if value is None:
                    assert row[name] == ""
                elif isinstance(value, list):  # ids, joined by "; "
                    data[name] = row[name].split("; ") if row[name] else []
                    assert data[name] == value, name
                elif isinstance(value, bool):
                    assert row[name] == ("true" if value else "false"), name
                elif isinstance(value, (int, float)):
                    assert float(row[name]) == value, (name, row[name], value)
                else:
                    assert row[name] == value, name
            else:
                assert row[name] == value, (name, row[name], value)
        # And back through the model: the same item.
        assert model.model_validate(data) == item


@pytest.fixture(params=["examples", "tricky"])
def export_project(request, tmp_path, monkeypatch):
    if request.param == "examples":
        copy_example_maps(tmp_path, names=())
    else:
        (tmp_path / "maps").mkdir()
        (tmp_path / "maps/renee.yml").write_text(FULL, encoding="utf-8")
        (tmp_path / "maps/tricky.yml").write_text(TRICKY_MAP, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    project = load_project([Path("maps")])
    assert not project.errors, project.errors
    return tmp_path, project


def test_export_json_round_trip(export_project, capsys):
    root, project = export_project
    code, _, err = run(capsys, "export", "--out", "all.json")
    assert code == 0, err
    data = json.loads((root / "all.json").read_text(encoding="utf-8"))
    assert list(data) == list(ALL_KINDS)
    for kind in KINDS:
        assert data[kind], f"the test maps need {kind}"
        _assert_rows_match_models(data[kind], project.maps, kind, from_csv=False)
    single = run(capsys, "export", "--kind", "pain_points")[1]
    assert json.loads(single) == data["pain_points"]


@pytest.mark.parametrize("guarded", [True, False])
def test_export_csv_round_trip(export_project, capsys, guarded):
    root, project = export_project
    keep = [] if guarded else ["--keep-formulas"]
    code, _, err = run(capsys, "export", "--format", "csv", "--kind", "all", "--out", "csv", *keep)
    assert code == 0, err
    assert sorted(p.name for p in (root / "csv").iterdir()) == sorted(f"{k}.csv" for k in ALL_KINDS)
    for kind in KINDS:
        raw = (root / "csv" / f"{kind}.csv").read_bytes()
        text = raw.decode("utf-8")  # UTF-8, no byte order mark
        assert not text.startswith("\ufeff")
        reader = csv.DictReader(io.StringIO(text, newline=""))
        assert reader.fieldnames == columns(kind)
        rows = list(reader)
        cells = [value for row in rows for value in row.values()]
        if guarded:  # no text cell starts a formula; only the `'` tells them apart
            assert not [c for c in cells if c.startswith(FORMULA_STARTS) and not _is_number(c)]
        _assert_rows_match_models(rows, project.maps, kind, from_csv=True, guarded=guarded)
        # The same file on standard output for a single kind.
        assert run(capsys, "export", "--format", "csv", "--kind", kind, *keep)[1] == text


def _is_number(cell: str) -> bool:
    try:
        float(cell)
        return True
    except ValueError:
        return False


def test_export_columns_and_row_order(tmp_path, monkeypatch, capsys):
    (tmp_path / "maps").mkdir()
    (tmp_path / "maps/b.yml").write_text(MINIMAL_MAP, encoding="utf-8")
    (tmp_path / "maps/a.yml").write_text(SECOND_MAP, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, "export", "--format", "csv", "--kind", "touchpoints")
    assert code == 0
    assert out.splitlines() == [
        "persona_id,persona_name,stage_id,stage_name,name,channel,owner,description,emotion,link,id",
        "b,Minimal persona,awareness,Awareness,Poster,print,,,,,",
        "b,Minimal persona,purchase,Purchase,Checkout page,web,,,,,",
        "second,Second persona,awareness,Awareness,Radio spot,radio,,,1,,",
    ]
    assert run(capsys, "export", "--format", "csv", "--kind", "touchpoints")[1] == out


def test_export_csv_all_needs_a_folder(project, capsys):
    code, out, err = run(capsys, "export", "--format", "csv")
    assert code == 2 and out == ""
    assert "--out" in err and "--kind" in err


def test_export_invalid_maps_exit_1_and_write_nothing(project, capsys):
    (project / "maps/broken.yml").write_text("persona: {name: B}\nstages:\n  - nam: X\n",
                                             encoding="utf-8")
    code, out, err = run(capsys, "export", "--out", "out.json")
    assert code == 1 and out == ""
    assert re.search(r"^maps/broken\.yml:3:\d+: ", err, re.M), err
    assert not (project / "out.json").exists()


# --- pre-commit -----------------------------------------------------------------------------

HOOKS_FILE = REPO / ".pre-commit-hooks.yaml"


def test_pre_commit_hooks_file_names_the_installed_command():
    hooks = yaml.safe_load(HOOKS_FILE.read_text(encoding="utf-8"))
    hook = next(h for h in hooks if h["id"] == "cjm-validate")
    assert hook["language"] == "python"
    assert hook["entry"] == "cjm validate"
    assert hook["pass_filenames"] is False, "the whole folder: vocabulary changes break other maps"
    files = re.compile(hook["files"])
    for path in ("maps/a.yml", "maps/a.yaml", "maps/_vocabulary.yml"):
        assert files.search(path), path
    for path in ("docs/a.yml", "mkdocs.yml", "maps/readme.md"):
        assert not files.search(path), path
    scripts = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    command = hook["entry"].split()[0]
    assert command in scripts
    assert tool(command), f"`{command}` is not installed beside {sys.executable}; pip install -e ."
    try:
        from pre_commit.clientlib import load_manifest
    except ImportError:
        return  # pre-commit's own schema check below needs pre-commit installed
    assert [h["id"] for h in load_manifest(str(HOOKS_FILE))] == [h["id"] for h in hooks]


HOOK_REPO_FILES = ("pyproject.toml", "README.md", "LICENSE", ".pre-commit-hooks.yaml")
PRE_COMMIT = tool("pre-commit")


def _hook_repository(cache: Path) -> tuple[Path, str]:
    """A git repository with this project's hook file and package (the working tree, so
    uncommitted changes are tested too), as a user's pre-commit clones it.

    It is named by a hash of its content, so pre-commit's environment for it (in the shared
    PRE_COMMIT_HOME beside it) is installed once per change of the package, not on every run.
    """
    sources = [(name, REPO / name) for name in HOOK_REPO_FILES] + [
        (path.relative_to(REPO).as_posix(), path)
        for path in sorted((REPO / "plugins/cjm_plugin").rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    ]
    digest = hashlib.sha256()
    for name, path in sources:
        digest.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
    final = cache / f"hook-{digest.hexdigest()[:16]}"
    if not (final / ".git").is_dir():
        building = cache / f"building-{os.getpid()}-{digest.hexdigest()[:8]}"
        shutil.rmtree(building, ignore_errors=True)
        git_repo(building)
        for name, path in sources:
            (building / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, building / name)
        commit_all(building, "hook repository")
        try:
            building.rename(final)
        except OSError:  # another run made it first
            shutil.rmtree(building, ignore_errors=True)
    rev = sh(git_executable(), "rev-parse", "HEAD", cwd=final).stdout.strip()
    return final, rev


def _pre_commit_cache(request, tmp_path: Path) -> Path:
    try:
        return request.config.cache.mkdir("cjm-pre-commit")
    except AttributeError:  # pytest -p no:cacheprovider
        return tmp_path / "pre-commit-cache"


@pytest.mark.skipif(PRE_COMMIT is None, reason="pre-commit is not installed (pip install pre-commit)")
def test_pre_commit_hook_runs_in_a_users_repository(tmp_path, request):
    cache = _pre_commit_cache(request, tmp_path)
    cache.mkdir(parents=True, exist_ok=True)
    hook, rev = _hook_repository(cache)
    user = git_repo(tmp_path / "user")
    copy_example_maps(user)
    (user / ".pre-commit-config.yaml").write_text(yaml.safe_dump({"repos": [{
        "repo": str(hook), "rev": rev, "hooks": [{"id": "cjm-validate"}]}]}),
        encoding="utf-8")
    commit_all(user, "maps")
    env = subprocess_env(PRE_COMMIT_HOME=str(cache / "home"))
    result = sh(PRE_COMMIT, "run", "--all-files", cwd=user, env=env, timeout=300)
    assert "cjm validate" in result.stdout and "Passed" in result.stdout

    # Only the vocabulary changes (a stage removed), and it breaks maps that did not change.
    vocabulary = user / "maps/_vocabulary.yml"
    text = vocabulary.read_text(encoding="utf-8")
    start = text.index("  - id: advocacy")
    end = text.index("channels:") if "channels:" in text[start:] else len(text)
    vocabulary.write_text(text[:start] + text[end:], encoding="utf-8")
    sh(git_executable(), "add", "maps/_vocabulary.yml", cwd=user)
    result = sh(PRE_COMMIT, "run", cwd=user, env=env, check=False, timeout=300)
    assert result.returncode == 1, result.stdout
    assert re.search(r"maps/theatre-goer\.yml:\d+:\d+: stage `advocacy`", result.stdout), result.stdout
    # Environments of earlier versions of the package, whose configs are gone, are removed.
    sh(PRE_COMMIT, "gc", cwd=user, env=env)


def _docs_yaml_blocks(markdown: str) -> list[str]:
    return re.findall(r"^```yaml\n(.*?)^```", markdown, re.S | re.M)


@pytest.mark.skipif(PRE_COMMIT is None, reason="pre-commit is not installed (pip install pre-commit)")
def test_documented_local_hook_works(tmp_path):
    docs = (REPO / "docs/publishing.md").read_text(encoding="utf-8")
    local = next(b for b in _docs_yaml_blocks(docs) if "repo: local" in b)
    user = git_repo(tmp_path / "user")
    (user / "maps").mkdir()
    (user / "maps/ann.yml").write_text(MINIMAL_MAP, encoding="utf-8")
    (user / ".pre-commit-config.yaml").write_text(local, encoding="utf-8")
    commit_all(user)
    env = subprocess_env(PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"))
    assert "Passed" in sh(PRE_COMMIT, "run", "--all-files", cwd=user, env=env).stdout
    (user / "maps/ann.yml").write_text("persona: {name: Ann}\nstages: []\n", encoding="utf-8")
    sh(git_executable(), "add", "-A", cwd=user)
    result = sh(PRE_COMMIT, "run", cwd=user, env=env, check=False)
    assert result.returncode == 1 and "maps/ann.yml:2:" in result.stdout, result.stdout


# --- mkdocs gh-deploy -------------------------------------------------------------------------


def test_gh_deploy_pushes_the_journeys(tmp_path):
    git = git_executable()
    bare = tmp_path / "origin.git"
    sh(git, "init", "-q", "--bare", str(bare), cwd=tmp_path)
    work = git_repo(tmp_path / "work")
    make_site(work, maps={"minimal.yml": MINIMAL_MAP, "second.yml": SECOND_MAP})
    (work / ".gitignore").write_text("site/\n.cache/\n", encoding="utf-8")
    head = commit_all(work, "site")
    sh(git, "remote", "add", "origin", str(bare), cwd=work)
    sh(sys.executable, "-m", "mkdocs", "gh-deploy", "--force", "--no-history", cwd=work,
       env=subprocess_env(), timeout=180)
    listing = sh(git, f"--git-dir={bare}", "ls-tree", "-r", "--name-only", "gh-pages",
                 cwd=tmp_path).stdout.splitlines()
    for name in ("index.html", ".nojekyll", "journeys/index.html", "journeys/minimal/index.html",
                 "journeys/second/purchase/index.html", "journeys/assets/cjm.css"):
        assert name in listing, name
    assert not [n for n in listing if n.startswith((".cache", "maps/"))]
    message = sh(git, f"--git-dir={bare}", "log", "-1", "--format=%s", "gh-pages", cwd=tmp_path).stdout
    assert head[:7] in message and "MkDocs" in message
    page = sh(git, f"--git-dir={bare}", "show", "gh-pages:journeys/minimal/index.html",
              cwd=tmp_path).stdout
    assert "Minimal persona" in page


# --- reproducible builds ------------------------------------------------------------------------

SITEMAPS = {"sitemap.xml", "sitemap.xml.gz"}


def _two_builds(tmp_path: Path) -> tuple[dict[str, str], dict[str, str], Path]:
    sites = []
    for folder in ("one", "another/folder"):
        root = tmp_path / folder
        root.mkdir(parents=True)
        config = make_site(root, maps={"minimal.yml": MINIMAL_MAP, "second.yml": SECOND_MAP})
        shutil.copy(REPO / "maps/software-customer-zh.yml", root / "maps")
        sites.append(build_site(config, site_dir=root / "public"))
    return files_of(sites[0]), files_of(sites[1]), sites[1]


def test_builds_in_two_folders_are_identical_but_for_the_sitemap(tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    first, second, _ = _two_builds(tmp_path)
    assert set(first) == set(second)
    assert {"journeys/index.html", "journeys/software-customer/index.html"} <= set(first)
    differ = {name for name in first if first[name] != second[name]}
    assert differ <= SITEMAPS, differ


def test_source_date_epoch_makes_builds_fully_identical(tmp_path, monkeypatch):
    epoch = 1_700_000_000  # 2023-11-14 22:13:20 UTC
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(epoch))
    first, second, site = _two_builds(tmp_path)
    assert first == second
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert "<lastmod>2023-11-14</lastmod>" in sitemap
    # The gzip header: mtime is midnight UTC of that date (MkDocs takes the pages' date),
    # the stored name is the bare file name, so neither depends on when or where it ran.
    raw = (site / "sitemap.xml.gz").read_bytes()
    assert struct.unpack("<I", raw[4:8])[0] == int(
        datetime(2023, 11, 14, tzinfo=timezone.utc).timestamp())
    assert raw[10:22] == b"sitemap.xml\x00"
    assert gzip.decompress(raw).decode("utf-8") == sitemap


# --- CI files -------------------------------------------------------------------------------------

WORKFLOW = REPO / ".github/workflows/journeys.yml"
GITLAB = REPO / "docs/examples/gitlab-ci.yml"


def _run_lines(node) -> list[str]:
    """Every shell line of a CI file (`run:` of GitHub steps, `script:` lists of GitLab)."""
    found: list[str] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "run" and isinstance(value, str):
                found += value.splitlines()
            elif key in ("script", "before_script") and isinstance(value, list):
                found += [str(v) for v in value]
            else:
                found += _run_lines(value)
    elif isinstance(node, list):
        for value in node:
            found += _run_lines(value)
    return found


def _assert_ci_commands(lines: list[str]) -> None:
    joined = "\n".join(lines)
    assert re.search(r"apt-get install\b.*\bgraphviz\b", joined), joined
    assert re.search(r"^\s*cjm validate\b", joined, re.M), joined
    assert re.search(r"^\s*mkdocs build --strict\b", joined, re.M), joined


def test_github_workflow_runs_the_documented_checks():
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads `on` as true
    assert "pull_request" in triggers and "push" in triggers
    lines = _run_lines(workflow["jobs"])
    _assert_ci_commands(lines)
    assert any(line.strip() == "cjm validate --format github" for line in lines)


def test_gitlab_example_parses_and_runs_the_same_checks():
    pipeline = yaml.safe_load(GITLAB.read_text(encoding="utf-8"))
    assert {"pages", "validate"} <= set(pipeline)
    assert pipeline["pages"]["artifacts"]["paths"] == ["public"]
    lines = _run_lines(pipeline)
    _assert_ci_commands(lines)
    assert any("--site-dir public" in line for line in lines)


def test_publishing_page_includes_the_ci_files():
    docs = (REPO / "docs/publishing.md").read_text(encoding="utf-8")
    for path in (".github/workflows/journeys.yml", "docs/examples/gitlab-ci.yml"):
        assert f'--8<-- "{path}"' in docs
        assert (REPO / path).is_file()


def test_ci_files_keep_the_plugin_cache_between_runs():
    """A kept cache makes CI builds warm (no `dot` run when no map changed): the folder the
    CI files keep must be the one the plugin writes."""
    from cjm_plugin.plugin import CjmConfig

    default = CjmConfig().cache_dir
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    steps = workflow["jobs"]["check"]["steps"]
    cached = [s["with"]["path"] for s in steps if str(s.get("uses", "")).startswith("actions/cache@")]
    assert cached == [default]
    pipeline = yaml.safe_load(GITLAB.read_text(encoding="utf-8"))
    assert pipeline["pages"]["cache"]["paths"] == [default]
