"""`cjm validate` remembers valid maps by content (.cache/plugin/cjm/validate), so a run after
one edit parses only that map again; the cache must never hide an error.

Real runs of the command (in-process, `cli.main`); a spy on the loader counts which maps were
parsed, which is what the cache is for. No timings here: bench/run.py measures them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cjm_plugin import catalog, cli

ANN = """\
persona:
  name: Ann
  id: ann
stages:
  - name: Awareness
    id: awareness
    pain_points:
      - id: slow
        text: The page is slow.
"""

BOB = """\
persona:
  name: Bob
  id: bob
stages:
  - name: Awareness
    id: awareness
    opportunities:
      - text: A faster page.
        addresses: [ann/slow]
"""


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A project folder (mkdocs.yml marks it) with two maps; the current folder is elsewhere."""
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "mkdocs.yml").write_text("site_name: t\n", encoding="utf-8")
    maps = tmp_path / "site" / "maps"
    maps.mkdir()
    (maps / "ann.yml").write_text(ANN, encoding="utf-8")
    (maps / "bob.yml").write_text(BOB, encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    return tmp_path / "site"


@pytest.fixture
def parsed(monkeypatch):
    """The file names `load_map` parsed during a run (the cache skips the others)."""
    names: list[str] = []
    original = catalog.load_map

    def spy(source, *args, **kwargs):
        names.append(source.path.name)
        return original(source, *args, **kwargs)

    monkeypatch.setattr(catalog, "load_map", spy)
    return names


def run(capsys, *args: str) -> tuple[int, str]:
    code = cli.main(["validate", *args])
    out = capsys.readouterr()
    return code, out.out + out.err


def cache_file(project: Path) -> Path:
    return project / ".cache" / "plugin" / "cjm" / "validate" / "outlines.json"


def test_second_run_parses_only_the_changed_map(project, parsed, capsys):
    maps = str(project / "maps")
    assert run(capsys, maps) == (0, "2 map(s) valid\n")
    assert sorted(parsed) == ["ann.yml", "bob.yml"]
    assert cache_file(project).is_file()  # in the project folder, not the current one
    assert not (Path.cwd() / ".cache").exists()

    parsed.clear()
    assert run(capsys, maps) == (0, "2 map(s) valid\n")
    assert parsed == []  # nothing changed: nothing parsed

    (project / "maps" / "bob.yml").write_text(BOB.replace("A faster page.", "A much faster page."),
                                              encoding="utf-8")
    parsed.clear()
    assert run(capsys, maps) == (0, "2 map(s) valid\n")
    assert parsed == ["bob.yml"]


def test_an_edit_that_breaks_a_remembered_map_is_reported(project, parsed, capsys):
    maps = str(project / "maps")
    assert run(capsys, maps)[0] == 0
    (project / "maps" / "ann.yml").write_text(ANN.replace("name: Awareness", "name: [Awareness"),
                                              encoding="utf-8")
    code, output = run(capsys, maps)
    assert code == 1
    assert "maps/ann.yml:6:7: YAML syntax error" in output, output
    # Fixed again: valid, and the error is not remembered either.
    (project / "maps" / "ann.yml").write_text(ANN, encoding="utf-8")
    assert run(capsys, maps) == (0, "2 map(s) valid\n")


def test_cross_map_errors_are_found_with_every_map_remembered(project, parsed, capsys):
    """Bob is unchanged and remembered; Ann's edit breaks Bob's reference to her pain point."""
    maps = str(project / "maps")
    assert run(capsys, maps)[0] == 0
    (project / "maps" / "ann.yml").write_text(ANN.replace("id: slow", "id: sluggish"), encoding="utf-8")
    parsed.clear()
    code, output = run(capsys, maps)
    assert code == 1
    # Bob's model came from the cache; his file is read again only to place the message.
    assert "maps/bob.yml:9:21: pain point `slow` is not a pain point id of ann" in output, output
    assert parsed == ["ann.yml"]
    code, again = run(capsys, maps)  # and again: still reported
    assert code == 1 and again == output


def test_a_map_with_a_warning_is_reported_on_every_run(project, capsys):
    maps = project / "maps"
    (maps / "carl.yml").write_text("persona:\n  name: Carl\nstages:\n  - name: Awareness\n"
                                   "    emotion: 1\n    unknown_key: 1\n", encoding="utf-8")
    first = run(capsys, str(maps))
    assert "carl.yml" in first[1]
    assert run(capsys, str(maps)) == first


def test_a_new_cjm_or_schema_does_not_reuse_the_cache(project, parsed, capsys, monkeypatch):
    maps = str(project / "maps")
    assert run(capsys, maps)[0] == 0
    assert json.loads(cache_file(project).read_text())["code"] == catalog.code_version()
    monkeypatch.setattr(catalog, "_CODE", "another version of cjm")
    parsed.clear()
    assert run(capsys, maps) == (0, "2 map(s) valid\n")
    assert sorted(parsed) == ["ann.yml", "bob.yml"]
    assert json.loads(cache_file(project).read_text())["code"] == "another version of cjm"


def test_the_vocabulary_is_part_of_what_is_remembered(project, parsed, capsys):
    maps = project / "maps"
    assert run(capsys, str(maps))[0] == 0
    (maps / "_vocabulary.yml").write_text("stages:\n  - id: decision\n    name: Decision\n",
                                          encoding="utf-8")
    parsed.clear()
    code, output = run(capsys, str(maps))
    assert sorted(parsed) == ["ann.yml", "bob.yml"]
    assert "awareness" in output  # not a stage of the new vocabulary: reported again


def test_no_cache_reads_every_map_and_writes_nothing(project, parsed, capsys):
    assert run(capsys, str(project / "maps"), "--no-cache") == (0, "2 map(s) valid\n")
    assert not (project / ".cache").exists()


def test_single_files_keep_the_rest_of_the_cache(project, parsed, capsys):
    """pre-commit passes the changed files: the other remembered maps stay remembered."""
    maps = project / "maps"
    assert run(capsys, str(maps))[0] == 0
    assert run(capsys, str(maps / "bob.yml"))[0] == 0
    parsed.clear()
    assert run(capsys, str(maps)) == (0, "2 map(s) valid\n")
    assert parsed == []


def test_a_damaged_cache_is_ignored(project, parsed, capsys):
    maps = str(project / "maps")
    assert run(capsys, maps)[0] == 0
    cache_file(project).write_text("{not json", encoding="utf-8")
    parsed.clear()
    assert run(capsys, maps) == (0, "2 map(s) valid\n")
    assert sorted(parsed) == ["ann.yml", "bob.yml"]
