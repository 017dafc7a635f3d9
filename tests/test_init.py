"""`cjm init`: from an empty folder (or an existing MkDocs project) to a site that builds.

The sites are built for real, with the `mkdocs` and `cjm` commands of this environment, as
a new user would run them after `cjm init`.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import subprocess
from pathlib import Path

import jsonschema
import pytest
import yaml

from cjm_plugin.cli import main
from cjm_plugin.scaffold import add_nav_entry, add_plugin

from commands import env_with_tools, tool

MODELINE = re.compile(r"^# yaml-language-server: \$schema=(\S+)$", re.M)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def command(name: str, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    path = tool(name)
    if path is None:
        pytest.skip(f"`{name}` is not installed (pip install -e '.[test]')")
    return subprocess.run([path, *args], cwd=cwd, capture_output=True, text=True, timeout=180,
                          env=env_with_tools(NO_MKDOCS_2_WARNING="1"))


def snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    return {p.relative_to(root).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(root.rglob("*")) if p.is_file()}


def assert_modelines_resolve(root: Path) -> int:
    """Every `$schema` line cjm wrote names a file that exists, and the file it heads is
    valid against that schema. Returns how many there are."""
    count = 0
    for path in sorted(root.rglob("*.yml")):
        text = path.read_text(encoding="utf-8")
        for target in MODELINE.findall(text):
            schema_path = (path.parent / target).resolve()
            assert schema_path.is_file(), f"{path}: `$schema={target}` names no file"
            schema = json.loads(schema_path.read_text(encoding="utf-8"))
            errors = [e.message for e in jsonschema.Draft202012Validator(schema).iter_errors(
                yaml.safe_load(text))]
            assert errors == [], f"{path}: {errors}"
            count += 1
    return count


def assert_only_insertions(before: str, after: str) -> list[str]:
    """`after` is `before` with lines added (or one item added inside a line): the lines
    that were there are all still there, in order. Returns the added lines."""
    diff = list(difflib.ndiff(before.splitlines(), after.splitlines()))
    removed = [line for line in diff if line.startswith("- ")]
    added = [line[2:] for line in diff if line.startswith("+ ")]
    assert not removed or len(removed) == len(added) == 1, "\n".join(diff)
    return added


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


# --- an empty folder ---------------------------------------------------------------------


def test_init_in_an_empty_folder_makes_a_site_that_builds(folder, capsys):
    code, out, err = run(capsys, "init")
    assert code == 0, err
    for path in ("mkdocs.yml", "docs/index.md", "maps/_vocabulary.yml", "maps/example-customer.yml",
                 "maps/_rules.yml", "schema/map.schema.json", "schema/vocabulary.schema.json",
                 "schema/rules.schema.json", "schema/research.schema.json",
                 ".github/workflows/journeys.yml", ".gitignore"):
        assert (folder / path).is_file(), path
        assert f"created  {path}" in out, out
    assert "mkdocs serve" in out

    config = yaml.safe_load((folder / "mkdocs.yml").read_text(encoding="utf-8"))
    assert config["plugins"] == ["search", "cjm"]
    vocabulary = yaml.safe_load((folder / "maps/_vocabulary.yml").read_text(encoding="utf-8"))
    assert [s["id"] for s in vocabulary["stages"]] == [
        "awareness", "consideration", "decision", "purchase", "retention", "advocacy"]
    assert len(vocabulary["channels"]) >= 3
    ignored = (folder / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert "site/" in ignored and ".cache/" in ignored
    assert assert_modelines_resolve(folder) == 3  # the vocabulary, the rules and the starter map

    validated = command("cjm", "validate", "--strict", cwd=folder)
    assert validated.returncode == 0, validated.stdout + validated.stderr
    built = command("mkdocs", "build", "--strict", cwd=folder)
    assert built.returncode == 0, built.stderr
    home = (folder / "site/index.html").read_text(encoding="utf-8")
    assert 'href="journeys/"' in home
    persona = (folder / "site/journeys/example-customer/index.html").read_text(encoding="utf-8")
    assert "Example customer" in persona
    # The starter rules: what the starter map still needs shows as notices, failing nothing.
    assert "7 notice(s)" in validated.stdout
    assert (folder / "site/journeys/health/index.html").is_file()


def test_without_material_the_site_uses_mkdocs_own_theme(folder, capsys, monkeypatch):
    import cjm_plugin.scaffold

    monkeypatch.setattr(cjm_plugin.scaffold, "_has_material", lambda: False)
    code, out, _ = run(capsys, "init")
    assert code == 0
    assert "created  mkdocs.yml (with MkDocs' own theme: Material for MkDocs is not installed)" in out
    config = yaml.safe_load((folder / "mkdocs.yml").read_text(encoding="utf-8"))
    assert config["theme"] == {"name": "mkdocs"}
    built = command("mkdocs", "build", "--strict", cwd=folder)
    assert built.returncode == 0, built.stderr
    assert (folder / "site/journeys/example-customer/index.html").is_file()


def test_init_again_changes_nothing_and_says_so(folder, capsys):
    assert run(capsys, "init")[0] == 0
    before = snapshot(folder)
    code, out, err = run(capsys, "init")
    assert (code, err) == (0, "")
    assert out == "cjm init: nothing to change; the journey site in this folder is set up\n"
    assert snapshot(folder) == before


def test_init_into_a_new_folder_and_a_second_persona(folder, capsys):
    code, out, _ = run(capsys, "init", "journeys-site")
    assert code == 0
    assert "cd journeys-site && mkdocs serve" in out
    site = folder / "journeys-site"
    os.chdir(site)
    code, _, err = run(capsys, "new", "Hotel guest")
    assert (code, err) == (0, "")  # the vocabulary and the schema are there: no notes
    text = (site / "maps/hotel-guest.yml").read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../schema/map.schema.json\n")
    assert assert_modelines_resolve(site) == 4
    assert run(capsys, "validate", "--strict")[0] == 0


def test_new_finds_the_schema_from_a_nested_maps_folder(folder, capsys):
    assert run(capsys, "init")[0] == 0
    assert run(capsys, "new", "Ann", "--dir", "teams/sales")[0] == 0
    text = (folder / "teams/sales/ann.yml").read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../schema/map.schema.json\n")
    assert_modelines_resolve(folder)


def test_the_written_workflow_passes_actionlint(folder, capsys):
    assert run(capsys, "init")[0] == 0
    workflow = folder / ".github/workflows/journeys.yml"
    text = workflow.read_text(encoding="utf-8")
    assert 'pip install "mkdocs-journey-maps[material]==' in text
    assert "cjm validate maps --format github" in text
    assert "mkdocs build --strict" in text
    result = command("actionlint", "-no-color", str(workflow), cwd=folder)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_site_in_a_subfolder_of_a_repository_gets_its_workflow_at_the_top(folder, capsys):
    (folder / ".git").mkdir()  # enough for init: it only looks for the repository's top
    assert run(capsys, "init", "handbook/journeys")[0] == 0
    assert not (folder / "handbook/journeys/.github").exists()
    workflow = folder / ".github/workflows/journeys.yml"
    steps = yaml.safe_load(workflow.read_text(encoding="utf-8"))["jobs"]["check"]
    assert steps["defaults"]["run"]["working-directory"] == "handbook/journeys/"
    text = workflow.read_text(encoding="utf-8")
    assert "path: handbook/journeys/.cache/plugin/cjm" in text
    assert "path: handbook/journeys/site" in text
    result = command("actionlint", "-no-color", str(workflow), cwd=folder)
    assert result.returncode == 0, result.stdout + result.stderr


# --- an existing MkDocs project -------------------------------------------------------------

EXISTING = """\
# Our handbook. Comments, tags and layout must survive `cjm init`.
site_name: Handbook   # shown in the header
theme:
  name: material
  font: false
nav:
  - Home: index.md
  - Guides:
      - guides/setup.md
plugins:
  - search:
      lang: en
  # - social  (later)
markdown_extensions:
  - toc:
      permalink: "#"
  - admonition
extra:
  version: !ENV [HANDBOOK_VERSION, "dev"]
"""


def test_init_into_an_existing_project_adds_the_plugin_and_keeps_the_rest(folder, capsys):
    (folder / "docs/guides").mkdir(parents=True)
    (folder / "docs/index.md").write_text("# Handbook\n\nOurs.\n", encoding="utf-8")
    (folder / "docs/guides/setup.md").write_text("# Set-up\n", encoding="utf-8")
    (folder / "mkdocs.yml").write_text(EXISTING, encoding="utf-8")
    (folder / ".gitignore").write_text("node_modules/\n/site", encoding="utf-8")

    code, out, err = run(capsys, "init")
    assert code == 0, err
    assert "updated  mkdocs.yml (added the cjm plugin, added Journeys to nav)" in out
    assert "kept     docs/index.md" in out
    assert (folder / "docs/index.md").read_text(encoding="utf-8") == "# Handbook\n\nOurs.\n"
    text = (folder / "mkdocs.yml").read_text(encoding="utf-8")
    assert sorted(assert_only_insertions(EXISTING, text)) == [
        "  - Journeys: journeys/index.md", "  - cjm"]
    assert text.index("  - cjm") < text.index("  # - social")
    # `/site` (no trailing slash) already ignores the site; only the cache is added.
    assert (folder / ".gitignore").read_text(encoding="utf-8") == (
        "node_modules/\n/site\n# Built by MkDocs and cjm\n.cache/\n")

    built = command("mkdocs", "build", "--strict", cwd=folder)
    assert built.returncode == 0, built.stderr
    home = (folder / "site/index.html").read_text(encoding="utf-8")
    assert "Ours." in home and 'href="journeys/"' in home  # the section is in the nav
    assert (folder / "site/journeys/example-customer/index.html").is_file()

    before = snapshot(folder / "maps") | {"mkdocs.yml": snapshot(folder)["mkdocs.yml"]}
    assert run(capsys, "init")[1].startswith("cjm init: nothing to change")
    assert before == snapshot(folder / "maps") | {"mkdocs.yml": snapshot(folder)["mkdocs.yml"]}


def test_init_keeps_existing_maps_and_uses_the_configured_folders(folder, capsys):
    (folder / "content").mkdir()
    (folder / "mkdocs.yml").write_text(
        "site_name: X\ndocs_dir: content\nplugins:\n  - search\n  - cjm:\n      maps_dir: journeys\n",
        encoding="utf-8")
    config_before = (folder / "mkdocs.yml").read_bytes()
    (folder / "journeys").mkdir()
    own = "persona: {name: Ann}\nstages:\n  - name: Awareness\n"
    (folder / "journeys/ann.yml").write_text(own, encoding="utf-8")
    code, out, _ = run(capsys, "init")
    assert code == 0
    assert "kept     mkdocs.yml (has the cjm plugin)" in out
    assert (folder / "mkdocs.yml").read_bytes() == config_before
    assert (folder / "content/index.md").is_file() and not (folder / "docs").exists()
    assert (folder / "journeys/_vocabulary.yml").is_file()
    assert sorted(p.name for p in (folder / "journeys").iterdir()) == ["_vocabulary.yml", "ann.yml"]
    assert (folder / "journeys/ann.yml").read_text(encoding="utf-8") == own
    assert "cjm validate journeys --format github" in (
        folder / ".github/workflows/journeys.yml").read_text(encoding="utf-8")
    assert "`journeys/`" in (folder / "content/index.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("config, problem", [
    ("{site_name: X, plugins: [search]}\n", "top level is not a block"),
    ("INHERIT: base.yml\nsite_name: X\n", "inherits settings"),
    ("site_name: [X\n", "not YAML that cjm can read (line 2, column 1"),
    ("site_name: X\nplugins:\n", "neither a list nor a mapping"),
])
def test_a_config_that_cannot_be_edited_safely_is_left_alone(folder, capsys, config, problem):
    (folder / "mkdocs.yml").write_text(config, encoding="utf-8")
    code, out, err = run(capsys, "init")
    assert code == 1
    assert (folder / "mkdocs.yml").read_text(encoding="utf-8") == config
    assert problem in err and "cjm left it as it was" in err
    assert "    plugins:\n      - search\n      - cjm\n" in err  # exactly what to add
    assert "kept     mkdocs.yml (could not add the plugin" in out


def test_gitignore_keeps_its_bytes_and_line_ends(folder, capsys):
    (folder / ".gitignore").write_bytes(b"caf\xe9/\r\n*.log")  # Latin-1, CRLF, no final line end
    assert run(capsys, "init")[0] == 0
    assert (folder / ".gitignore").read_bytes() == (
        b"caf\xe9/\r\n*.log\r\n# Built by MkDocs and cjm\r\nsite/\r\n.cache/\r\n")


def test_a_linked_config_is_not_replaced_by_a_file(folder, capsys):
    (folder / "shared.yml").write_text("site_name: X\n", encoding="utf-8")
    (folder / "mkdocs.yml").symlink_to("shared.yml")
    code, _, err = run(capsys, "init")
    assert code == 1 and "it is a symbolic link" in err
    assert (folder / "mkdocs.yml").is_symlink()
    assert (folder / "shared.yml").read_text(encoding="utf-8") == "site_name: X\n"


def test_a_config_that_is_not_utf8_is_left_alone(folder, capsys):
    (folder / "mkdocs.yml").write_bytes(b"site_name: Caf\xe9\n")
    code, _, err = run(capsys, "init")
    assert code == 1 and "it is not UTF-8" in err
    assert (folder / "mkdocs.yml").read_bytes() == b"site_name: Caf\xe9\n"


def test_a_workflow_that_builds_the_site_already_is_not_doubled(folder, capsys):
    workflows = folder / ".github/workflows"
    workflows.mkdir(parents=True)
    (workflows / "docs.yml").write_text("on: push\njobs:\n  d:\n    runs-on: ubuntu-latest\n"
                                        "    steps:\n      - run: mkdocs gh-deploy --force\n")
    code, out, _ = run(capsys, "init")
    assert code == 0
    assert sorted(p.name for p in workflows.iterdir()) == ["docs.yml"]
    assert "kept     .github/workflows/docs.yml (it builds the site already; add" \
           " `cjm validate maps --format github` before its build step)" in out


def test_schemas_of_cjm_are_brought_up_to_date_and_others_kept(folder, capsys):
    (folder / "schema").mkdir()
    old = {"title": "cjm journey map", "type": "object"}
    (folder / "schema/map.schema.json").write_text(json.dumps(old), encoding="utf-8")
    foreign = '{"title": "Our API", "type": "object"}\n'
    (folder / "schema/vocabulary.schema.json").write_text(foreign, encoding="utf-8")
    code, out, _ = run(capsys, "init")
    assert code == 0
    assert "updated  schema/map.schema.json (to the map format of cjm" in out
    assert "kept     schema/vocabulary.schema.json (not a cjm schema; left alone)" in out
    assert (folder / "schema/vocabulary.schema.json").read_text(encoding="utf-8") == foreign
    assert run(capsys, "schema")[1] == (folder / "schema/map.schema.json").read_text(encoding="utf-8")


# --- adding to mkdocs.yml, case by case ------------------------------------------------------


@pytest.mark.parametrize("before, added", [
    ("site_name: X\nplugins:\n- search\n- tags\n", ["- cjm"]),
    ("site_name: X\nplugins:\n  -   search\n", ["  -   cjm"]),
    ("site_name: X\ntheme: material", ["", "plugins:", "  - search", "  - cjm"]),
    ("site_name: X\nplugins:\n  search: {}\n  tags:\n    enabled: !ENV [TAGS, false]\n",
     ["  cjm: {}"]),
    ("site_name: X\nplugins:\n  - search\n  - macros:\n      text: |\n        a\n\n        b\n\nnav: []\n",
     ["  - cjm"]),
    ("site_name: X\nplugins:\n  - search", ["  - cjm"]),
    ("site_name: X\r\nplugins:\r\n  - search\r\n", ["  - cjm"]),
])
def test_add_plugin_inserts_one_line(before, added):
    after = add_plugin(before).text
    assert after is not None
    assert assert_only_insertions(before, after) == added
    assert "cjm" in str(yaml.safe_load(after.replace("!ENV", "")).get("plugins"))
    if "\r\n" in before:
        assert after.count("\r\n") == after.count("\n")


@pytest.mark.parametrize("before, after", [
    ("plugins: [search, tags]  # ours\n", "plugins: [search, tags, cjm]  # ours\n"),
    ("plugins: []\n", "plugins: [cjm]\n"),
    ("plugins: [\n  search,\n]\n", "plugins: [\n  search, cjm,\n]\n"),
    ("plugins: {search: {}}\n", "plugins: {search: {}, cjm: {}}\n"),
])
def test_add_plugin_to_a_list_in_brackets(before, after):
    assert add_plugin("site_name: X\n" + before).text == "site_name: X\n" + after


@pytest.mark.parametrize("config", [
    "plugins:\n  - search\n  - cjm\n",
    "plugins:\n  - cjm:\n      maps_dir: journeys\n",
    "plugins: {cjm: {}}\n",
])
def test_add_plugin_leaves_a_config_that_has_it(config):
    assert add_plugin("site_name: X\n" + config).text is None


def test_add_nav_entry_only_to_a_hand_written_nav_without_the_journeys():
    assert add_nav_entry("site_name: X\n", "journeys/index.md").text is None
    listed = "site_name: X\nnav:\n  - index.md\n  - More:\n      - journeys/index.md\n"
    assert add_nav_entry(listed, "journeys/index.md").text is None
    edit = add_nav_entry("site_name: X\nnav:\n  - index.md\n", "guide/index.md")
    assert edit.text == "site_name: X\nnav:\n  - index.md\n  - Journeys: guide/index.md\n"


def test_init_leaves_the_rules_of_existing_maps_to_the_team(folder, capsys):
    """Rules could fail a site's maps: `cjm init` writes them only with its own starter map."""
    (folder / "maps").mkdir()
    (folder / "maps/ann.yml").write_text("persona: {name: Ann}\nstages:\n  - name: A\n"
                                         "    touchpoints: [{name: Shop}]\n", encoding="utf-8")
    code, out, _ = run(capsys, "init")
    assert code == 0
    assert not (folder / "maps/_rules.yml").exists()
    assert "created  schema/rules.schema.json" in out  # for when the team writes one
    assert "kept     maps (1 map(s))" in out
