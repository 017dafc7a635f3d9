"""The `cjm` command: validate (exit codes, text and GitHub output, --strict), new, schema.

Most tests run `cjm_plugin.cli.main([...])` in-process from `tmp_path`; one runs the
installed console script, as CI and pre-commit do.
"""

from __future__ import annotations

import json
import subprocess

import jsonschema
import pytest
import yaml

from cjm_plugin import cli
from cjm_plugin.cli import main
from cjm_plugin.diagnostics import Diagnostic, format_github

from helpers_maps import FULL, MINIMAL, REPO, write
from commands import tool

VOCABULARY = """\
stages:
  - id: discover
    name: Discover
    objective: Be found.
  - id: buy
    name: Buy
channels:
  - id: shop
    name: Shop
  - web
"""


@pytest.fixture
def project(tmp_path, monkeypatch):
    """An empty project folder as the working directory."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# --- cjm validate ----------------------------------------------------------------------


def test_validate_valid_maps_exits_0(project, capsys):
    write(project, "ann.yml", MINIMAL)
    write(project, "renee.yml", FULL)
    assert run(capsys, "validate") == (0, "2 map(s) valid\n", "")


def test_validate_invalid_map_exits_1_with_file_line_col(project, capsys):
    write(project, "bad.yml", "persona:\n  name: Ann\nstages:\n  - name: A\n    touchpoint: []\n")
    code, out, err = run(capsys, "validate")
    assert code == 1
    assert out.splitlines() == [
        "maps/bad.yml:5:5: unknown key `touchpoint` (did you mean `touchpoints`?)",
        "1 map file(s) checked: 1 error(s), 0 warning(s)",
    ]
    assert err == ""


def test_validate_reports_every_file_in_one_run(project, capsys):
    write(project, "a.yml", "persona:\n  name: A\nstages:\n  - name: A\n    emotion: 7\n")
    write(project, "b.yml", "persona:\n  name: 'B\n")
    write(project, "c.yml", MINIMAL)
    code, out, _ = run(capsys, "validate", "maps")
    assert code == 1
    lines = out.splitlines()
    assert [line.split(" ")[0] for line in lines[:-1]] == ["maps/a.yml:5:14:", "maps/b.yml:2:9:"]
    assert lines[-1] == "3 map file(s) checked: 2 error(s), 0 warning(s)"


def test_validate_single_file(project, capsys):
    write(project, "ann.yml", MINIMAL)
    write(project, "bad.yml", "")
    assert run(capsys, "validate", "maps/ann.yml")[0] == 0
    code, out, _ = run(capsys, "validate", "maps/bad.yml", "maps/ann.yml")
    assert code == 1
    assert out.startswith("maps/bad.yml:1:1: the file is empty")


def test_validate_missing_default_folder_exits_2(project, capsys):
    code, out, err = run(capsys, "validate")
    assert code == 2
    assert out == ""
    assert err == "maps: no such file or folder; pass the folder of your maps\n"


def test_validate_missing_path_exits_2_even_next_to_valid_maps(project, capsys):
    write(project, "ann.yml", MINIMAL)
    code, out, err = run(capsys, "validate", "maps", "nowhere.yml")
    assert code == 2
    assert "nowhere.yml: no such file or folder" in err


def test_validate_messages_use_paths_relative_to_the_working_directory(project, capsys, monkeypatch):
    write(project, "bad.yml", "persona: x\nstages: [{name: A}]\n")
    monkeypatch.chdir(project / "maps")
    code, out, _ = run(capsys, "validate", ".")
    assert code == 1
    assert out.startswith("bad.yml:1:10: `persona` must be a mapping")


# --- --strict and warnings -------------------------------------------------------------

OUT_OF_ORDER = "persona:\n  name: Ann\nstages:\n  - name: Buy\n  - name: Discover\n"


def test_warning_passes_without_strict(project, capsys):
    write(project, "_vocabulary.yml", VOCABULARY)
    write(project, "ann.yml", OUT_OF_ORDER)
    code, out, _ = run(capsys, "validate")
    assert code == 0
    assert out.splitlines() == [
        "maps/ann.yml:4:3: warning: stages are not in the order of maps/_vocabulary.yml; cross-persona"
        " pages follow that order, so reorder them here if this journey goes the same way",
        "1 map file(s) checked: 0 error(s), 1 warning(s)",
    ]


def test_strict_fails_on_a_warning(project, capsys):
    write(project, "_vocabulary.yml", VOCABULARY)
    write(project, "ann.yml", OUT_OF_ORDER)
    assert run(capsys, "validate", "--strict")[0] == 1


def test_strict_passes_valid_maps(project, capsys):
    write(project, "_vocabulary.yml", VOCABULARY)
    write(project, "ann.yml", "persona:\n  name: Ann\nstages:\n  - name: Discover\n  - name: Buy\n")
    assert run(capsys, "validate", "--strict") == (0, "1 map(s) valid\n", "")


# --- --format github -------------------------------------------------------------------


def test_github_format(project, capsys):
    write(project, "bad.yml", "persona:\n  name: Ann\nstages:\n  - name: A\n    emotion: 3\n")
    code, out, err = run(capsys, "validate", "--format", "github")
    assert code == 1
    assert out == (
        "::error file=maps/bad.yml,line=5,col=14,title=cjm::`emotion` is 3, out of range;"
        " use a whole number from -2 (very negative) to 2 (very positive)\n"
    )
    # The summary goes to stderr, so stdout holds workflow commands only.
    assert err == "1 map file(s) checked: 1 error(s), 0 warning(s)\n"


def test_github_format_warning(project, capsys):
    write(project, "_vocabulary.yml", VOCABULARY)
    write(project, "ann.yml", OUT_OF_ORDER)
    code, out, _ = run(capsys, "validate", "--format", "github")
    assert code == 0
    assert out.startswith("::warning file=maps/ann.yml,line=4,col=3,title=cjm::stages are not in the order")


def test_github_format_escapes_the_file_name(project, capsys):
    # `%`, `,` and `:` would end or split a property; `%` in the message must not start an escape.
    write(project, "50%,off:now.yml", MINIMAL)
    code, out, _ = run(capsys, "validate", "--format", "github")
    assert code == 1
    assert out == (
        "::error file=maps/50%25%2Coff%3Anow.yml,line=1,col=1,title=cjm::the file name"
        " `50%25,off:now` is not a safe persona id; rename the file to `50-off-now.yml`"
        " or set `persona.id`\n"
    )


def test_format_github_escaping():
    diagnostic = Diagnostic("maps/a,b:c%d.yml", 3, 4, "100% sure\nsecond line\r, with: colons")
    assert format_github(diagnostic) == (
        "::error file=maps/a%2Cb%3Ac%25d.yml,line=3,col=4,title=cjm::"
        "100%25 sure%0Asecond line%0D, with: colons"
    )
    warning = Diagnostic("maps/x.yml", 1, 2, "careful", "warning")
    assert format_github(warning) == "::warning file=maps/x.yml,line=1,col=2,title=cjm::careful"


# --- cjm new ---------------------------------------------------------------------------


def test_new_writes_a_map_that_validates(project, capsys):
    code, out, err = run(capsys, "new", "Hotel guest")
    assert code == 0
    assert out == "wrote maps/hotel-guest.yml; run `cjm validate` after editing it\n"
    # No vocabulary: the map gets the usual stages, and the user learns how to get one.
    assert "maps/_vocabulary.yml not found" in err and "`cjm init` writes one" in err
    text = (project / "maps" / "hotel-guest.yml").read_text(encoding="utf-8")
    # No schema in the project: no `$schema` line pointing at a file that is not there.
    assert "$schema" not in text
    assert run(capsys, "validate", "--strict") == (0, "1 map(s) valid\n", "")


def test_new_with_a_vocabulary_uses_its_stages_and_channels(project, capsys):
    write(project, "_vocabulary.yml", VOCABULARY)
    assert run(capsys, "new", "Zoë Ünal")[0] == 0
    loaded = yaml.safe_load((project / "maps" / "zoe-unal.yml").read_text(encoding="utf-8"))
    assert loaded["persona"]["name"] == "Zoë Ünal"
    assert [s["id"] for s in loaded["stages"]] == ["discover", "buy"]
    assert {t["channel"] for s in loaded["stages"] for t in s["touchpoints"]} == {"shop"}
    assert run(capsys, "validate", "--strict") == (0, "1 map(s) valid\n", "")


@pytest.mark.parametrize("name", ['Tricky: "quotes" # and more', "支付者", "NO", "1:30", "- [x]"])
def test_new_quotes_any_name(project, capsys, name):
    assert run(capsys, "new", name)[0] == 0
    (written,) = (project / "maps").glob("*.yml")
    assert yaml.safe_load(written.read_text(encoding="utf-8"))["persona"]["name"] == name
    assert run(capsys, "validate")[0] == 0


def test_new_refuses_to_overwrite(project, capsys):
    write(project, "hotel-guest.yml", "# my work\n")
    code, out, err = run(capsys, "new", "Hotel guest")
    assert code == 1
    assert out == ""
    assert err == "maps/hotel-guest.yml: already exists; choose another name or edit that file\n"
    assert (project / "maps" / "hotel-guest.yml").read_text() == "# my work\n"


def test_new_into_another_folder(project, capsys):
    assert run(capsys, "new", "Ann", "--dir", "journeys/2024")[0] == 0
    assert (project / "journeys" / "2024" / "ann.yml").is_file()
    assert run(capsys, "validate", "journeys/2024")[0] == 0


# --- cjm schema ------------------------------------------------------------------------


def _schema(capsys, *flags: str) -> dict:
    code, out, _ = run(capsys, "schema", *flags)
    assert code == 0
    return json.loads(out)


def test_map_schema_is_valid_json_schema(capsys):
    schema = _schema(capsys)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_vocabulary_schema_is_valid_json_schema(capsys):
    jsonschema.Draft202012Validator.check_schema(_schema(capsys, "--vocabulary"))


def test_map_schema_accepts_valid_maps(project, capsys):
    validator = jsonschema.Draft202012Validator(_schema(capsys))
    assert run(capsys, "new", "Ann")[0] == 0
    starter = yaml.safe_load((project / "maps" / "ann.yml").read_text(encoding="utf-8"))
    for document in (yaml.safe_load(FULL), yaml.safe_load(MINIMAL), starter):
        assert [e.message for e in validator.iter_errors(document)] == []


@pytest.mark.parametrize(
    "broken",
    [
        MINIMAL + "touchpoint: []\n",  # unknown key
        "persona:\n  name: Ann\n",  # missing stages
        "persona:\n  name: Ann\nstages: []\n",  # empty stages
        "persona:\n  name: Ann\nstages:\n  - name: A\n    emotion: 3\n",  # out of range
        "persona:\n  name: Ann\n  id: ../etc\nstages:\n  - name: A\n",  # unsafe id
        "persona:\n  name: Ann\nstate: past\nstages:\n  - name: A\n",  # not allowed
        "persona:\n  name: Ann\nstages:\n  - name: A\n    pain_points: [{severity: high}]\n",
    ],
)
def test_map_schema_rejects_invalid_maps(capsys, broken):
    validator = jsonschema.Draft202012Validator(_schema(capsys))
    assert list(validator.iter_errors(yaml.safe_load(broken)))


def test_vocabulary_schema_accepts_and_rejects(capsys):
    validator = jsonschema.Draft202012Validator(_schema(capsys, "--vocabulary"))
    assert list(validator.iter_errors(yaml.safe_load(VOCABULARY))) == []
    assert list(validator.iter_errors({"stages": [{"id": "Bad Id", "name": "x"}]}))
    assert list(validator.iter_errors({"chanels": []}))


def test_schema_out_writes_a_file(project, capsys):
    assert run(capsys, "schema", "--out", "map.schema.json") == (0, "", "")
    assert json.loads((project / "map.schema.json").read_text(encoding="utf-8")) == _schema(capsys)


@pytest.mark.parametrize(
    "committed, flags",
    [
        ("schema/map.schema.json", []),
        ("schema/vocabulary.schema.json", ["--vocabulary"]),
        ("schema/research.schema.json", ["--research"]),
        ("schema/rules.schema.json", ["--rules"]),
        # The copies installed with the package, which `cjm init` writes into a new project.
        ("plugins/cjm_plugin/schemas/map.schema.json", []),
        ("plugins/cjm_plugin/schemas/vocabulary.schema.json", ["--vocabulary"]),
        ("plugins/cjm_plugin/schemas/rules.schema.json", ["--rules"]),
        ("plugins/cjm_plugin/schemas/research.schema.json", ["--research"]),
    ],
)
def test_committed_schema_files_are_up_to_date(capsys, committed, flags):
    code, out, _ = run(capsys, "schema", *flags)
    assert code == 0
    path = REPO / committed
    command = " ".join(["cjm schema", *flags, "--out", committed])
    assert path.is_file(), f"{committed} is missing; create it with `{command}`"
    assert path.read_text(encoding="utf-8") == out, (
        f"{committed} is out of date with the models; regenerate it with `{command}`"
    )


# --- the command line itself -----------------------------------------------------------


def test_no_command_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main([])
    assert exit_info.value.code == 2
    assert "usage: cjm" in capsys.readouterr().err


def test_version(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.startswith("cjm ")


def _console_script() -> str:
    found = tool("cjm")
    if not found:
        pytest.skip("the `cjm` console script is not installed (pip install -e .)")
    return found


def test_installed_console_script(tmp_path):
    cjm = _console_script()
    write(tmp_path, "ann.yml", MINIMAL)
    write(tmp_path, "bad.yml", "persona:\n  name: Ann\n  goal: x\nstages:\n  - name: A\n")
    done = subprocess.run(
        [cjm, "validate", "--format", "github"], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 1, done.stderr
    assert done.stdout == (
        "::error file=maps/bad.yml,line=3,col=3,title=cjm::unknown key `goal` (did you mean `goals`?)\n"
    )
    assert "Traceback" not in done.stderr

    missing = subprocess.run([cjm, "validate", "nowhere"], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert (missing.returncode, missing.stdout) == (2, "")
    assert missing.stderr == "nowhere: no such file or folder; pass the folder of your maps\n"


def test_docs_reference_page_is_generated_from_the_models(capsys):
    from cjm_plugin.cli import main

    assert main(["reference"]) == 0
    generated = capsys.readouterr().out
    page = (REPO / "docs" / "reference.md").read_text(encoding="utf-8")
    assert page.endswith(generated), (
        "docs/reference.md is out of date: keep its heading and replace the rest with `cjm reference`"
    )
    for key in ("touchpoints", "pain_points", "severity", "channels", "lanes"):
        assert f"`{key}`" in generated


def test_the_export_kinds_cli_offers_are_exports_kinds():
    """cli.py writes them out so that `cjm validate` does not import the exporter."""
    from cjm_plugin.export import ALL_KINDS

    assert cli.EXPORT_KINDS == ALL_KINDS
