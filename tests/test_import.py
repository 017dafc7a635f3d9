"""`cjm import`: spreadsheets (CSV, XLSX) and Mermaid journeys into maps that validate.

Each test runs the real command in a project folder (`tmp_path` as the working directory,
the repository's `_vocabulary.yml` in `maps/` where a test says so). The example files are
in tests/data/import/: a CSV laid out like the Chrystals journey map (stages across), an
XLSX workbook with merged cells and an extra column (built by make_workbook.py), a German
CSV (semicolons, `Stimmung (1-5)`) and a Chinese one.
"""

from __future__ import annotations

import os
import shutil
import sys
import textwrap
from pathlib import Path

import pytest

from cjm_plugin.catalog import load_project
from cjm_plugin.cli import main

from sitebuild import build_site, make_site, read

DATA = Path(__file__).parent / "data" / "import"
REPO = Path(__file__).resolve().parents[1]
CHANNELS = ("web, email, social, advertising, press, print, events, word-of-mouth, sales,"
            " phone, chat, app, store, in-person, delivery")


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "maps").mkdir()
    # As `cjm init` lays a project out: the `$schema` line of written maps points at this.
    (tmp_path / "schema").mkdir()
    shutil.copy(REPO / "schema" / "map.schema.json", tmp_path / "schema" / "map.schema.json")
    return tmp_path


@pytest.fixture
def shared(project):
    """A project whose maps/ has the example site's vocabulary (stages and channels)."""
    shutil.copy(REPO / "maps" / "_vocabulary.yml", project / "maps" / "_vocabulary.yml")
    return project


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def write(path: Path, text: str) -> Path:
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def load(path: Path):
    project = load_project([path.parent])
    assert project.errors == [], project.errors
    return next(m for m in project.maps if m.source.path == path.resolve())


# --- the example spreadsheets -------------------------------------------------------------


def test_chrystals_csv_stages_across_with_lanes(shared, capsys):
    code, out, err = run(capsys, "import", str(DATA / "chrystals.csv"), "--persona",
                         "Corporate brand manager", "--map", "CX=lane", "--map", "Production=lane")
    assert code == 0, err
    assert out == ("wrote maps/corporate-brand-manager.yml: 5 stage(s), 19 touchpoint(s);"
                   " run `cjm validate` after editing it\n")
    assert "note: stages run across the sheet (one column per stage)" in err
    journey = load(shared / "maps" / "corporate-brand-manager.yml").map
    assert [s.id for s in journey.stages] == ["awareness", "consideration", "purchase",
                                              "retention", "advocacy"]
    awareness = journey.stages[0]
    assert awareness.touchpoints[0].name == "Networking events, other events & conferences"
    assert [t.name for t in awareness.touchpoints][-2:] == ["Other media: newspapers", "Internet/online"]
    assert [(lane.id, lane.name) for lane in journey.lanes] == [("cx", "CX"), ("production", "Production")]
    assert journey.stages[2].lanes == {
        "cx": ["Quote based on various gauges; hire vs outright purchase"],
        "production": ["Design and artwork",
                       "Translate the consumer brand into usable items (stands etc)",
                       "Delivery of end product, as per scope and quantity"],
    }
    assert journey.stages[3].lanes["cx"] == ["Follow up with a thank you note",
                                             "Follow up on customer satisfaction levels"]
    assert run(capsys, "validate")[0] == 0


def test_unknown_rows_and_columns_are_kept_as_comments(project, capsys):
    code, out, err = run(capsys, "import", str(DATA / "chrystals.csv"))
    assert code == 0, err
    assert ("note: kept as comments (no map field matched): `CX`, `Production`; use --map"
            " COLUMN=FIELD to import them, or --map COLUMN=ignore") in err
    text = (project / "maps" / "chrystals.yml").read_text("utf-8")
    assert "# Kept as comments, from columns cjm import did not know: `CX`, `Production`" in text
    assert ("  # CX: Quote based on various gauges; hire vs outright purchase\n"
            "  # Production: Design and artwork\n") in text
    assert "note: persona: `Chrystals`, from the file name (name it with --persona)" in err


def test_xlsx_with_merged_cells_a_second_sheet_and_an_extra_column(shared, capsys):
    code, out, err = run(capsys, "import", str(DATA / "online-shopper.xlsx"))
    assert code == 0, err
    assert out.startswith("wrote maps/online-shopper.yml: 4 stage(s), 8 touchpoint(s)")
    assert err.splitlines()[:4] == [
        "note: read sheet `Journey` (the workbook has 2: Journey, Notes; choose with --sheet)",
        "note: skipped 1 row(s) above the header row 2",
        "note: the scale 1..5 comes from the header `Mood (1-5)` (pass --scale to use another)",
        "note: emotions on the scale 1..5 are mapped linearly onto -2..2: -2 + (score - 1) × 4"
        " / 4, rounded to the nearest whole number, halves away from zero (1 → -2, 2 → -1,"
        " 3 → 0, 4 → 1, 5 → 2)",
    ]
    path = shared / "maps" / "online-shopper.yml"
    journey = load(path).map
    assert [(s.id, s.emotion) for s in journey.stages] == [
        ("awareness", 1), ("consideration", 1), ("purchase", -1), ("retention", 2)]
    blog = journey.stages[0].touchpoints[1]
    # The team cell is merged over two rows: it belongs to both touchpoints.
    assert (blog.name, blog.channel, blog.owner, blog.emotion) == (
        "Blog guide to espresso machines", "web", "Marketing", 1)
    checkout = journey.stages[2].touchpoints[0]
    assert (checkout.channel, checkout.emotion) == ("web", -2)
    assert [p.text for p in journey.stages[2].pain_points] == ["Forced account creation",
                                                               "Surprise delivery fee"]
    assert journey.stages[2].metrics[0].model_dump(include={"name", "value", "target", "unit"}) == {
        "name": "Drop-off at checkout", "value": 35.0, "target": None, "unit": "%"}
    text = path.read_text("utf-8")
    assert "      # Duration: 1:30\n      - name: Comparison chart\n" in text


def test_xlsx_is_built_by_its_script():
    sys.path.insert(0, str(DATA))
    try:
        import make_workbook
    finally:
        sys.path.remove(str(DATA))
    assert make_workbook.build() == (DATA / "online-shopper.xlsx").read_bytes()


def test_merged_cells_fill_every_cell_they_span():
    from cjm_plugin.interop.tables import read_xlsx

    table = read_xlsx(DATA / "online-shopper.xlsx", "online-shopper.xlsx")
    assert [row[0] for row in table.rows[2:]] == [
        "Awareness", "Awareness", "Awareness", "Consideration", "Consideration", "Purchase",
        "Purchase", "Retention"]
    assert table.rows[3][3] == "Marketing"
    assert table.rows[2][8] == "14%"


def test_german_csv_with_semicolons_and_a_scale_in_the_header(project, capsys):
    code, out, err = run(capsys, "import", str(DATA / "kundenreise.csv"), "--persona", "Jonas")
    assert code == 0, err
    assert "note: columns separated by `;`" in err
    assert "note: the scale 1..5 comes from the header `Stimmung (1-5)`" in err
    journey = load(project / "maps" / "jonas.yml").map
    assert [s.name for s in journey.stages] == ["Aufmerksamkeit", "Überlegung", "Kauf", "Bindung"]
    hotline = journey.stages[3].touchpoints[0]
    assert (hotline.name, hotline.channel, hotline.owner, hotline.emotion) == (
        "Kundendienst-Hotline", "Telefon", "Kundendienst", -2)
    assert journey.stages[3].actions == ["Ruft beim Kundendienst an: „Wo bleibt meine Lieferung?“"]
    assert [p.text for p in journey.stages[3].pain_points] == ["Lange Wartezeit",
                                                               "Wird zweimal weiterverbunden"]
    assert [o.text for o in journey.stages[0].opportunities] == ["Empfehlungsprogramm für Bestandskunden"]


def test_chinese_csv_with_stage_ids_into_a_shared_vocabulary(shared, capsys):
    code, out, err = run(capsys, "import", str(DATA / "software-customer-zh.csv"),
                         "--persona", "中小企业软件客户", "--out", "maps/software-customer-zh.yml")
    assert code == 0, err
    journey = load(shared / "maps" / "software-customer-zh.yml").map
    assert journey.persona.id == "software-customer-zh"
    assert [(s.id, s.name, s.emotion) for s in journey.stages] == [
        ("consideration", "比较几款软件", 1), ("purchase", "购买与安装", 0), ("retention", "售后支持", -2)]
    assert journey.stages[2].pain_points[0].text == "热线一直占线：等了四十分钟。"


def test_headers_in_french_and_english_synonyms(project, capsys):
    source = write(project / "parcours.csv", """\
        Étape,Point de contact,Canal,Équipe,Émotion,Irritant,Idée
        Découverte,Affiche,print,Marketing,1,,
        Achat,Caisse en ligne,web,E-commerce,-2,Frais cachés,Afficher le total tôt
        """)
    assert run(capsys, "import", str(source), "--persona", "Camille")[0] == 0
    stage = load(project / "maps" / "camille.yml").map.stages[1]
    assert (stage.name, stage.touchpoints[0].owner, stage.touchpoints[0].emotion) == ("Achat", "E-commerce", -2)
    assert [p.text for p in stage.pain_points] == ["Frais cachés"]
    source = write(project / "steps.csv", """\
        Phase , TEAM,touch point,Sentiment,Problems,Ideas,Severity,Thoughts
        Buy,Shop,Till,2,Queue,Self-checkout,high,Why so slow?
        """)
    assert run(capsys, "import", str(source), "--out", "maps/steps.yml")[0] == 0
    stage = load(project / "maps" / "steps.yml").map.stages[0]
    assert (stage.touchpoints[0].name, stage.touchpoints[0].owner) == ("Till", "Shop")
    assert stage.pain_points[0].model_dump(include={"text", "severity"}) == {"text": "Queue", "severity": "high"}
    assert stage.thoughts == ["Why so slow?"]


def test_map_and_scale_options(project, capsys):
    source = write(project / "journey.csv", """\
        Moment,Where,Score,Notes
        Discover,Poster,10,seen at the station
        ,Website,1,
        Buy,Checkout,7,
        """)
    code, out, err = run(capsys, "import", str(source), "--persona", "Ann", "--map", "moment=stage",
                         "--map", "Where=touchpoint", "--map", "notes=ignore", "--scale", "1..10")
    assert code == 0, err
    assert ("note: emotions on the scale 1..10 are mapped linearly onto -2..2: -2 + (score - 1)"
            " × 4 / 9, rounded to the nearest whole number, halves away from zero (1 → -2,"
            " 2 → -2, 3 → -1, 4 → -1, 5 → 0, 6 → 0, 7 → 1, 8 → 1, 9 → 2, 10 → 2)") in err
    journey = load(project / "maps" / "ann.yml").map
    assert [[(t.name, t.emotion) for t in s.touchpoints] for s in journey.stages] == [
        [("Poster", 2), ("Website", -2)], [("Checkout", 1)]]
    assert "seen at the station" not in (project / "maps" / "ann.yml").read_text("utf-8")


def test_output_to_standard_output_writes_no_file(project, capsys):
    code, out, err = run(capsys, "import", str(DATA / "kundenreise.csv"), "--out", "-")
    assert code == 0
    assert out.startswith("# yaml-language-server: $schema=../schema/map.schema.json\n"
                          "# Imported from kundenreise.csv by `cjm import`; edit freely.\n")
    assert list((project / "maps").iterdir()) == []


def test_modeline_is_the_one_cjm_new_writes(project, capsys):
    out = run(capsys, "import", str(DATA / "kundenreise.csv"), "--out", "-")[1]
    assert run(capsys, "new", "Ann")[0] == 0
    first = (project / "maps" / "ann.yml").read_text("utf-8").splitlines()[0]
    assert out.splitlines()[0] == first == "# yaml-language-server: $schema=../schema/map.schema.json"


def test_no_modeline_without_a_schema_to_point_at(project, capsys):
    (project / "schema" / "map.schema.json").unlink()
    out = run(capsys, "import", str(DATA / "kundenreise.csv"), "--out", "-")[1]
    assert out.startswith("# Imported from kundenreise.csv by `cjm import`; edit freely.\n")


def test_same_input_same_bytes(project, capsys):
    first = run(capsys, "import", str(DATA / "online-shopper.xlsx"), "--out", "-")[1]
    second = run(capsys, "import", str(DATA / "online-shopper.xlsx"), "--out", "-")[1]
    assert first == second


# --- what is never done -------------------------------------------------------------------


def test_existing_map_is_kept_without_force(project, capsys):
    target = write(project / "maps" / "jonas.yml", "persona: {name: Jonas}\nstages: [{name: A}]\n")
    code, out, err = run(capsys, "import", str(DATA / "kundenreise.csv"), "--persona", "Jonas")
    assert (code, out) == (1, "")
    assert err == ("maps/jonas.yml:1:1: already exists; pass --force to replace it, or --out"
                   " another file\n1 problem(s); nothing written\n")
    assert target.read_text() == "persona: {name: Jonas}\nstages: [{name: A}]\n"
    assert run(capsys, "import", str(DATA / "kundenreise.csv"), "--persona", "Jonas", "--force")[0] == 0
    assert "Aufmerksamkeit" in target.read_text("utf-8")


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links on this system")
def test_never_writes_through_a_symbolic_link(project, capsys):
    elsewhere = project / "elsewhere.yml"
    elsewhere.write_text("keep me\n")
    (project / "maps" / "jonas.yml").symlink_to(elsewhere)
    (project / "maps" / "dangling.yml").symlink_to(project / "nowhere.yml")
    for out in ("maps/jonas.yml", "maps/dangling.yml"):
        code, _, err = run(capsys, "import", str(DATA / "kundenreise.csv"), "--out", out, "--force")
        assert code == 1
        assert err.startswith(f"{out}:1:1: is a symbolic link; cjm import does not write"
                              " through links: pass --out with the real file\n")
    assert elsewhere.read_text() == "keep me\n"
    assert not (project / "nowhere.yml").exists()


def test_persona_id_used_by_another_map(project, capsys):
    write(project / "maps" / "other.yml", "persona: {name: Jonas, id: jonas}\nstages: [{name: A}]\n")
    code, _, err = run(capsys, "import", str(DATA / "kundenreise.csv"), "--persona", "Jonas")
    assert code == 1
    assert err.splitlines()[0] == ("maps/jonas.yml:1:1: persona id `jonas` is already used by"
                                   " maps/other.yml; pass --out with another file name")
    assert not (project / "maps" / "jonas.yml").exists()


# --- bad input: the exact message, and nothing written --------------------------------------

BAD_CSV = [
    # (CSV text, extra arguments, the messages)
    ("Stage,Touchpoint,Channel\nAwareness,Poster,Prnt\n", [],
     [f"bad.csv:2:3: channel `Prnt` is not a channel of maps/_vocabulary.yml (did you mean"
      f" `print`?); use one of {CHANNELS}, or add it there"]),
    ("Stage,Touchpoint,Emotion\nAwareness,Poster,4\nPurchase,Till,happy\n", [],
     ["bad.csv:2:3: emotion `4` is outside cjm's scale -2..2; if the sheet uses another scale,"
      " pass it, for example --scale 1..5",
      "bad.csv:3:3: emotion `happy` is not a number; write a score on the scale -2..2 or one"
      " of: very negative, negative, neutral, positive, very positive"]),
    ("Stage,Touchpoint,Emotion\nAwareness,Poster,6\n", ["--scale", "1..5"],
     ["bad.csv:2:3: emotion `6` is outside the scale 1..5 given with --scale"]),
    ("Stage,Touchpoint\n,Poster\nAwareness,Flyer\n", [],
     ["bad.csv:2:2: no stage for this row: fill in the stage column of the first row (later"
      " rows with a blank stage continue the one above)"]),
    ("Phase,Stage,Touchpoint\nA,Awareness,Poster\n", [],
     ["bad.csv:1:2: columns `Phase` and `Stage` both hold `stage`; say which one with --map,"
      " for example --map \"Stage=ignore\""]),
    ("Stage,Touchpoint\nAwareness,Poster\n", ["--map", "Team=owner"],
     ["bad.csv:1:1: --map: no column `team` in this file; the columns are: Stage, Touchpoint"]),
    ("Stage,Touchpoint\nAwareness,Poster\n", ["--map", "Touchpoint=colour"],
     ["bad.csv:1:1: --map Touchpoint=colour: `colour` is not a field; use one of: stage,"
      " stage id, persona, objective, description, stage description, feeling, emotion, stage"
      " emotion, action, thought, touchpoint, channel, owner, link, pain point, severity,"
      " opportunity, status, metric, value, target, unit, lane, ignore"]),
    ("When,What\nMonday,Poster\n", [],
     ["bad.csv:1:1: no column of stages found: name it `Stage` (or Phase, Step), or say which"
      " column holds them with --map COLUMN=stage (first row: `When`, `What`)"]),
    ("Stage,Channel\nAwareness,web\n", [],
     ["bad.csv:2:2: a channel but no touchpoint in this row; name the touchpoint in the"
      " touchpoint column, or leave the channel out"]),
    ("Stage,Pain point,Severity\nAwareness,Slow,urgent\n", [],
     ["bad.csv:2:3: severity `urgent` is not low, medium or high"]),
    ("Stage,Metric,Value\nAwareness,Recall,a lot\n", [],
     ["bad.csv:2:3: metric value `a lot` is not a number; put the unit in the unit column"]),
    ("Stage,Persona,Touchpoint\nAwareness,Ann,Poster\nPurchase,Bob,Till\n", [],
     ["bad.csv:3:2: a second persona `Bob` (the first, `Ann`, is at row 2); a map holds one"
      " persona: split the file, one per persona"]),
    ("Stage,Touchpoint,Link\nAwareness,Poster,javascript:alert(1)\n", [],
     ["bad.csv:2:3: link scheme `javascript:` is not allowed; use an http(s) address or a"
      " relative link"]),
    ("Stage,Objective\nAwareness,Be known\nAwareness,Be loved\n", [],
     ["bad.csv:3:2: stage `Awareness` already has another objective (row 2); give each stage"
      " one objective"]),
    ("Stage,Touchpoint\nBewusstsein,Plakat\n", [],
     ["bad.csv:2:1: stage `Bewusstsein` is not a shared stage of maps/_vocabulary.yml; name it"
      " like one of Awareness, Consideration, Decision, Purchase, Retention, Advocacy, give it"
      " one of the ids awareness, consideration, decision, purchase, retention, advocacy (a"
      " `Stage id` column, or a line `%% cjm stage=ID` under a Mermaid section), or add it to"
      " maps/_vocabulary.yml"]),
    ("Stage,Stage id,Touchpoint\nAwareness,awarenes,Poster\n", [],
     ["bad.csv:2:2: stage id `awarenes` is not a shared stage of maps/_vocabulary.yml (did you"
      " mean `awareness`?); use one of awareness, consideration, decision, purchase,"
      " retention, advocacy, or add it there"]),
    ("Stage,Touchpoint\n", [],
     ["bad.csv:1:1: no rows with a stage; the file has a header row but no journey under it"]),
]


@pytest.mark.parametrize("text, extra, messages", BAD_CSV)
def test_bad_csv_gets_file_row_column_messages(shared, capsys, text, extra, messages):
    (shared / "bad.csv").write_text(text, encoding="utf-8")
    code, out, err = run(capsys, "import", "bad.csv", *extra)
    assert (code, out) == (1, "")
    assert err.splitlines() == [*messages, f"{len(messages)} problem(s); nothing written"]
    assert sorted(p.name for p in (shared / "maps").iterdir()) == ["_vocabulary.yml"]


def test_bad_files(project, capsys):
    (project / "latin1.csv").write_bytes("Stage,Touchpoint\nÉveil,Affiche\n".encode("latin-1"))
    (project / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    (project / "fake.xlsx").write_text("not a zip")
    (project / "notes.txt.json").write_text("{}")
    cases = {
        "latin1.csv": "latin1.csv:2:1: the file is not utf-8 (byte 0xc9); save it as \"CSV UTF-8\","
                      " or pass its encoding, for example --encoding cp1252",
        "old.xls": "old.xls:1:1: an old Excel .xls workbook; save it as .xlsx (or CSV UTF-8) first",
        "fake.xlsx": "fake.xlsx:1:1: not an .xlsx workbook (an old .xls file? save it as .xlsx or"
                     " CSV UTF-8)",
        "notes.txt.json": "notes.txt.json:1:1: cannot import `.json` files; use .csv, .tsv, .xlsx,"
                          " .mmd (Mermaid) or .md (a Markdown file with a ```mermaid journey block)",
        "missing.csv": "missing.csv:1:1: no such file",
    }
    for name, message in cases.items():
        code, out, err = run(capsys, "import", name)
        assert (code, err.splitlines()[0]) == (1, message)
    assert run(capsys, "import", "latin1.csv", "--encoding", "latin-1", "--persona", "Léa")[0] == 0
    assert load(project / "maps" / "lea.yml").map.stages[0].name == "Éveil"


def test_bad_xlsx_cell_names_the_sheet_and_cell(project, capsys):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Map"
    sheet.append(["Stage", "Touchpoint", "Mood"])
    sheet.append(["Awareness", "Poster", "great"])
    sheet.append(["Purchase", "Till", "=1+1"])
    workbook.create_sheet("Other")
    workbook.save(project / "bad.xlsx")
    code, _, err = run(capsys, "import", "bad.xlsx")
    assert err.splitlines() == [
        "bad.xlsx:3:3: cell C3: a formula with no saved result; open the file in a spreadsheet"
        " program and save it, so the result is stored",
        "1 problem(s); nothing written"]
    sheet["C3"] = 2
    workbook.save(project / "bad.xlsx")
    code, _, err = run(capsys, "import", "bad.xlsx")
    assert err.splitlines()[0] == (
        "bad.xlsx:2:3: cell Map!C2: emotion `great` is not a number; write a score on the scale"
        " -2..2 or one of: very negative, negative, neutral, positive, very positive")
    code, _, err = run(capsys, "import", "bad.xlsx", "--sheet", "Nope")
    assert err.splitlines()[0] == "bad.xlsx:1:1: no sheet `Nope`; the sheets are: Map, Other"


def test_without_openpyxl_a_clear_install_message(project, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "openpyxl", None)  # as if it were not installed
    code, _, err = run(capsys, "import", str(DATA / "online-shopper.xlsx"))
    assert code == 1
    assert "online-shopper.xlsx:1:1: reading .xlsx needs openpyxl: pip install openpyxl" in err


# --- a site builds from imported maps -------------------------------------------------------


def test_a_site_builds_from_imported_maps(tmp_path, monkeypatch, capsys):
    config = make_site(tmp_path)
    monkeypatch.chdir(tmp_path)
    shutil.copy(REPO / "maps" / "_vocabulary.yml", tmp_path / "maps" / "_vocabulary.yml")
    assert run(capsys, "import", str(DATA / "chrystals.csv"), "--persona", "Brand manager",
               "--map", "CX=lane", "--map", "Production=lane")[0] == 0
    assert run(capsys, "import", str(DATA / "online-shopper.xlsx"))[0] == 0
    assert run(capsys, "import", str(DATA / "software-customer-zh.csv"), "--persona", "王丽",
               "--out", "maps/wang-li.yml")[0] == 0
    site = build_site(config)
    brand = read(site, "journeys/brand-manager/")
    assert "Networking events, other events &amp; conferences" in brand
    assert "Translate the consumer brand into usable items" in brand
    assert "Drop-off at checkout" in read(site, "journeys/online-shopper/purchase/")
    assert "热线一直占线" in read(site, "journeys/wang-li/")


# --- golden files (the docs page shows them) --------------------------------------------------

GOLDEN = Path(__file__).parent / "golden" / "import"
UPDATE = os.environ.get("CJM_UPDATE_GOLDEN") == "1"
GOLDEN_CASES = {
    "chrystals.yml": ["chrystals.csv", "--persona", "Corporate brand manager",
                      "--map", "CX=lane", "--map", "Production=lane"],
    "online-shopper.yml": ["online-shopper.xlsx"],
    "kundenreise.yml": ["kundenreise.csv", "--persona", "Jonas"],
    "software-customer-zh.yml": ["software-customer-zh.csv", "--persona", "王丽"],
    "ann.yml": ["ann.mmd"],
}


@pytest.mark.parametrize("name", GOLDEN_CASES)
def test_imports_match_their_golden_files(shared, capsys, name):
    """Regenerate after an intended change with `CJM_UPDATE_GOLDEN=1` and review the diff."""
    source, *extra = GOLDEN_CASES[name]
    if source in ("kundenreise.csv", "ann.mmd"):  # stages of their own: no shared stages
        (shared / "maps" / "_vocabulary.yml").unlink()
    code, out, err = run(capsys, "import", str(DATA / source), *extra, "--out", "-")
    assert code == 0, err
    path = GOLDEN / name
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(out, "utf-8", newline="\n")
        (GOLDEN / f"{name}.notes.txt").write_text(err, "utf-8", newline="\n")
        return
    assert out == path.read_text("utf-8"), f"{name} changed; if intended, run with CJM_UPDATE_GOLDEN=1"
    assert err == (GOLDEN / f"{name}.notes.txt").read_text("utf-8")


def test_each_header_word_names_one_field():
    from cjm_plugin.interop.headers import SYNONYMS, field_for_header, normalize

    owners: dict[str, set[str]] = {}
    for name, words in SYNONYMS.items():
        for word in words:
            owners.setdefault(normalize(word), set()).add(name)
            assert field_for_header(word) == name, word
    assert {word: names for word, names in owners.items() if len(names) > 1} == {}
    assert field_for_header("Pain point(s)") == "pain point"
    assert field_for_header("  EMOTION  (1–5) ") == "emotion"
    assert field_for_header("Notes") is None


def test_lane_headers_and_stage_level_columns(project, capsys):
    source = write(project / "blueprint.csv", """\
        Stage,Stage emotion,Objective,Touchpoint,Emotion,Lane: CX,Production (lane),Status,Opportunity
        Awareness,1,Be known,Poster,2,Log the lead,,planned,Put a QR code on posters
        Awareness,1,Be known,Trade fair,0,"Send a thank-you
        Add to CRM",Build the stand,,
        Purchase,-1,,Quote,-1,,Cost the materials,,
        """)
    code, _, err = run(capsys, "import", str(source), "--persona", "Achieng")
    assert code == 0, err
    journey = load(project / "maps" / "achieng.yml").map
    assert [(lane.id, lane.name) for lane in journey.lanes] == [("cx", "CX"), ("production", "Production")]
    awareness, purchase = journey.stages
    assert (awareness.emotion, awareness.objective, purchase.emotion) == (1, "Be known", -1)
    assert awareness.lanes == {"cx": ["Log the lead", "Send a thank-you", "Add to CRM"],
                               "production": ["Build the stand"]}
    assert awareness.opportunities[0].model_dump(include={"text", "owner", "status", "link"}) == {
        "text": "Put a QR code on posters", "owner": None, "status": "planned", "link": None}
    assert "stage emotions" not in err  # given, not computed
