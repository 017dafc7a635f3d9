"""Mermaid `journey` diagrams: `cjm export --format mermaid`, `cjm import` of .mmd and
Markdown, and round trips of every example map.

The reader follows the grammar of Mermaid 11 (journey.jison); tests/tools/mermaid_check.py
compares it with the real Mermaid on the same diagrams (run by hand: it needs npm).
"""

from __future__ import annotations

import re
import shutil
import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cjm_plugin.catalog import load_project
from cjm_plugin.cli import main
from cjm_plugin.interop.mermaid import mermaid_text, parse_journey, to_mermaid
from cjm_plugin.interop.draft import Problems

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = [loaded.id for loaded in load_project([REPO / "maps"]).maps]


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "maps").mkdir()
    # As `cjm init` lays a project out: the `$schema` line of written maps points at this.
    (tmp_path / "schema").mkdir()
    shutil.copy(REPO / "schema" / "map.schema.json", tmp_path / "schema" / "map.schema.json")
    return tmp_path


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def example_project():
    return load_project([REPO / "maps"])


# --- round trips ----------------------------------------------------------------------------


@pytest.mark.parametrize("persona_id", EXAMPLES)
def test_every_example_map_survives_export_and_import(project, capsys, persona_id):
    shutil.copy(REPO / "maps" / "_vocabulary.yml", project / "maps")
    original = example_project().by_id(persona_id)
    (project / "journey.mmd").write_text(to_mermaid(original), encoding="utf-8")
    code, _, err = run(capsys, "import", "journey.mmd")
    assert code == 0, err
    imported = load_project([project / "maps"]).by_id(persona_id)
    assert imported is not None and not load_project([project / "maps"]).errors
    before, after = original.map, imported.map
    assert (after.persona.name, after.state) == (before.persona.name, before.state)
    assert [(s.id, s.name, s.emotion) for s in after.stages] == [
        (s.id, s.name, s.emotion) for s in before.stages]
    assert [[(t.name, t.emotion) for t in s.touchpoints] for s in after.stages] == [
        [(t.name, t.emotion) for t in s.touchpoints] for s in before.stages]
    # Lanes come back from the actors, in the order they first act.
    assert sorted(lane.name for lane in after.lanes) == sorted(lane.name for lane in before.lanes)


@pytest.mark.parametrize("persona_id", EXAMPLES)
def test_without_cjm_comments_stages_touchpoints_and_emotions_come_back(project, capsys, persona_id):
    """A diagram edited by someone who dropped the `%% cjm` lines: stage ids come from the
    names and stage emotions from the mean of their tasks, touchpoints are the same."""
    original = example_project().by_id(persona_id)
    plain = "\n".join(line for line in to_mermaid(original).splitlines() if "%% cjm" not in line)
    (project / "journey.mmd").write_text(plain + "\n", encoding="utf-8")
    code, _, err = run(capsys, "import", "journey.mmd", "--out", "maps/p.yml")
    assert code == 0, err
    after = load_project([project / "maps"]).by_id("p").map
    before = original.map
    assert [s.name for s in after.stages] == [s.name for s in before.stages]
    assert [[(t.name, t.emotion) for t in s.touchpoints] for s in after.stages] == [
        [(t.name, t.emotion) for t in s.touchpoints] for s in before.stages]
    for stage in after.stages:
        scores = [t.emotion for t in stage.touchpoints]
        assert abs(stage.emotion - sum(scores) / len(scores)) <= 0.5


TRICKY_NAMES = [
    "Price: 20% off; today only", "#1 choice", "Title search at the registry",
    "section of the shop", "journey planner", "accTitle: x", "accDescr { y }", "50%% sure",
    "%discount", "<b>bold</b> & <i>more</i>", "a, b and c", "Line one\nline two",
    "客服热线：等了四十分钟；再打一次", "Émilie’s “café”", "😀 delighted", "x #58; y",
    "  spaced   out  ", "}", "{", "--", "1", "NaN",
]


def test_names_with_mermaid_syntax_come_back(project):
    from cjm_plugin.load import LoadedMap, SourceFile
    from cjm_plugin.model import JourneyMap

    journey = JourneyMap.model_validate({
        "persona": {"name": "Ann: the, tester; #1", "id": "ann"},
        "lanes": [{"id": "cx", "name": "CX, back office"}],
        "stages": [{"name": name, "id": f"s{n}", "emotion": -2,
                    "touchpoints": [{"name": name, "emotion": n % 5 - 2}],
                    "lanes": {"cx": ["item"]}} for n, name in enumerate(TRICKY_NAMES)],
    })
    loaded = LoadedMap(SourceFile(Path("ann.yml"), "ann.yml"), journey, None)  # type: ignore[arg-type]
    parsed = parse_journey(to_mermaid(loaded), "ann.mmd")
    assert parsed.title == "Ann: the, tester; #1"
    assert [s.name for s in parsed.sections] == [" ".join(n.split()) for n in TRICKY_NAMES]
    assert [[(t.name, t.score, t.actors) for t in s.tasks] for s in parsed.sections] == [
        [(" ".join(name.split()), n % 5 + 1, ["Ann: the, tester; #1", "CX, back office"])]
        for n, name in enumerate(TRICKY_NAMES)]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(exclude_categories=("Cs", "Cc")), min_size=1, max_size=30))
def test_any_task_name_comes_back(text):
    name = " ".join(text.split()) or "-"
    line = f"journey\n  section {mermaid_text(text)}\n    {mermaid_text(text)}: 4: {mermaid_text(text, actor=True)}\n"
    parsed = parse_journey(line, "x.mmd")
    assert parsed.sections[0].name == name
    task = parsed.sections[0].tasks[0]
    assert (task.name, task.score, task.actors) == (name, 4, [name])


# --- export ---------------------------------------------------------------------------------

SMALL = """\
persona:
  name: Ann
  id: ann
lanes:
  - {id: cx, name: CX}
stages:
  - name: Discover
    emotion: 1
    touchpoints:
      - {name: "Poster: city centre", emotion: 2}
      - {name: Website}
    lanes:
      cx: [Answer questions]
  - name: Think
    actions: [Reads reviews, "Asks a friend; waits"]
  - name: Buy
"""

SMALL_MERMAID = """\
journey
  title Ann
  %% cjm persona=ann state=current
  section Discover
    %% cjm stage=discover emotion=1
    Poster#58; city centre: 5: Ann, CX
    Website: 4: Ann, CX
  section Think
    %% cjm stage=think tasks=actions
    Reads reviews: 3: Ann
    Asks a friend#59; waits: 3: Ann
  section Buy
    %% cjm stage=buy
"""


def test_export_mermaid_for_one_persona(project, capsys):
    (project / "maps" / "ann.yml").write_text(SMALL, encoding="utf-8")
    (project / "maps" / "bob.yml").write_text("persona: {name: Bob}\nstages: [{name: A}]\n")
    assert run(capsys, "export", "--format", "mermaid", "ann") == (0, SMALL_MERMAID, "")
    code, out, _ = run(capsys, "export", "--format", "mermaid", "maps/ann.yml", "--wrap", "markdown")
    assert (code, out) == (0, f"```mermaid\n{SMALL_MERMAID}```\n")


def test_export_mermaid_round_trips_actions(project, capsys):
    (project / "maps" / "ann.yml").write_text(SMALL, encoding="utf-8")
    (project / "ann.mmd").write_text(SMALL_MERMAID, encoding="utf-8")
    assert run(capsys, "import", "ann.mmd", "--out", "maps/ann2.yml")[0] == 0
    before = load_project([project / "maps"]).by_id("ann").map
    after = load_project([project / "maps"]).by_id("ann2").map
    assert after.stages[1].actions == before.stages[1].actions
    assert after.stages[1].touchpoints == []
    assert [t.emotion for t in after.stages[0].touchpoints] == [2, 1]  # no emotion: the stage's


def test_export_mermaid_choices(project, capsys):
    (project / "maps" / "ann.yml").write_text(SMALL, encoding="utf-8")
    (project / "maps" / "bob.yml").write_text("persona: {name: Bob}\nstages: [{name: A}]\n")
    assert run(capsys, "export", "--format", "mermaid") == (2, "", (
        "cjm export: a Mermaid diagram shows one journey; name a persona (ann, bob), or pass"
        " --wrap markdown for one fenced block per persona\n"))
    assert run(capsys, "export", "--format", "mermaid", "carol") == (1, "", (
        "cjm export: no persona `carol` (and no such file); the personas are: ann, bob\n"))
    assert run(capsys, "export", "--format", "mermaid", "--kind", "metrics", "ann")[0] == 2
    code, out, _ = run(capsys, "export", "--format", "mermaid", "--wrap", "markdown")
    assert code == 0
    assert out.startswith("## Ann\n\n```mermaid\njourney\n  title Ann\n")
    assert "\n## Bob\n\n```mermaid\njourney\n  title Bob\n" in out
    assert run(capsys, "export", "--format", "mermaid", "ann", "--out", "ann.mmd")[0] == 0
    assert (project / "ann.mmd").read_text("utf-8") == SMALL_MERMAID


# --- import ---------------------------------------------------------------------------------


def test_import_mermaids_own_example(project, capsys):
    (project / "day.mmd").write_text(textwrap.dedent("""\
        journey
            title My working day
            section Go to work
              Make tea: 5: Me
              Go upstairs: 3: Me
              Do work: 1: Me, Cat
            section Go home
              Go downstairs: 5: Me
              Sit down: 5: Me
        """), encoding="utf-8")
    code, out, err = run(capsys, "import", "day.mmd")
    assert code == 0, err
    assert out.startswith("wrote maps/me.yml: 2 stage(s), 5 touchpoint(s)")
    assert err.splitlines() == [
        "note: persona: `Me`, the actor in most tasks (name another with --persona)",
        "note: the other actors became blueprint lanes: Cat; list what each does per stage"
        " under the stage's `lanes:`",
        "note: emotions on the scale 1..5 are mapped linearly onto -2..2: -2 + (score - 1) × 4"
        " / 4, rounded to the nearest whole number, halves away from zero (1 → -2, 2 → -1,"
        " 3 → 0, 4 → 1, 5 → 2)",
        "note: stage emotions: the mean of each stage's scores on -2..2, rounded (2 of 2"
        " stage(s); set them in the map to override)",
    ]
    assert (project / "maps" / "me.yml").read_text("utf-8") == textwrap.dedent("""\
        # yaml-language-server: $schema=../schema/map.schema.json
        # Imported from day.mmd by `cjm import`; edit freely.
        persona:
          name: Me
          id: me
        scenario: My working day
        lanes:
          - id: cat
            name: Cat
        stages:
          - name: Go to work
            emotion: 0
            touchpoints:
              - name: Make tea
                emotion: 2
              - name: Go upstairs
                emotion: 0
              - name: Do work
                emotion: -2
          - name: Go home
            emotion: 2
            touchpoints:
              - name: Go downstairs
                emotion: 2
              - name: Sit down
                emotion: 2
        """)


def test_import_the_first_journey_in_a_markdown_file(project, capsys):
    (project / "README.md").write_text(textwrap.dedent("""\
        # Our journeys

        ```mermaid
        flowchart LR
          a --> b
        ```

        ```mermaid
        ---
        title: Hotel guest
        ---
        %%{init: {"theme": "forest"}}%%
        journey
          accDescr: Booking a room and staying one night
          section Book
            Search: 3: Guest
            Pay: 2: Guest
          section Stay
            Check in: 4: Guest, Front desk
        ```
        """), encoding="utf-8")
    code, _, err = run(capsys, "import", "README.md", "--persona", "Hotel guest")
    assert code == 0, err
    journey = load_project([project / "maps"]).by_id("hotel-guest").map
    assert journey.scenario == "Booking a room and staying one night"
    assert [s.name for s in journey.stages] == ["Book", "Stay"]
    assert [lane.name for lane in journey.lanes] == ["Front desk"]


BAD_MERMAID = [
    ("graph LR\n  a --> b\n",
     "x.mmd:1:1: a Mermaid journey starts with the word `journey` on its own line"),
    ("journey\n  section A\n    Make tea\n",
     "x.mmd:3:5: task `Make tea` has no `: score`; write `Make tea: 3: Actor` (a score from 1"
     " to 5, then the actors)"),
    ("journey\n  section A\n    Make tea: 7: Me\n",
     "x.mmd:3:15: task `Make tea`: score `7` is not a number from 1 to 5 (1 very negative, 5"
     " very positive)"),
    ("journey\n  section A\n    Make tea: 5: Me; Cat\n",
     "x.mmd:3:20: Mermaid cannot read `;` here (Mermaid reads `;` as the end of a statement:"
     " write `#59;`)"),
    ("journey\n  Make tea: 5: Me\n  section A\n",
     "x.mmd:2:3: task `Make tea` comes before the first `section`; each task needs a stage: add"
     " a `section NAME` line above it"),
    ("journey\n  title Only a title\n",
     "x.mmd:1:1: the journey has no `section`; each section becomes a stage of the map"),
    ("journey\n  section A\n    : 3: Me\n",
     "x.mmd:3:5: a `:` with no task name before it; a task is `Name: score: actors` (write"
     " `#58;` for a colon inside a name)"),
    ("", "x.mmd:1:1: no journey: the text is empty"),
]


@pytest.mark.parametrize("text, message", BAD_MERMAID)
def test_bad_mermaid_gets_line_column_messages(project, capsys, text, message):
    (project / "x.mmd").write_text(text, encoding="utf-8")
    code, out, err = run(capsys, "import", "x.mmd")
    assert (code, out) == (1, "")
    assert err.splitlines()[0] == message
    assert list((project / "maps").iterdir()) == []


def test_a_task_that_mermaid_reads_as_the_title_is_reported(project, capsys):
    (project / "x.mmd").write_text("journey\n  section A\n    Tea: 3: Me\n    Title deeds: 3: Me\n")
    code, _, err = run(capsys, "import", "x.mmd")
    assert code == 0
    assert err.splitlines()[0] == (
        "note: x.mmd:4:5: warning: Mermaid reads this line as the diagram's title, not as a"
        " task (it starts with `title `); write `#84;itle` to make it a task")


def test_errors_in_markdown_point_at_the_markdown_line(project, capsys):
    (project / "notes.md").write_text("# Notes\n\n```mermaid\njourney\n  section A\n    Tea: x: Me\n```\n")
    assert run(capsys, "import", "notes.md")[2].splitlines()[0] == (
        "notes.md:6:10: task `Tea`: score `x` is not a number from 1 to 5 (1 very negative, 5 very"
        " positive)")
    (project / "none.md").write_text("# Nothing here\n")
    assert run(capsys, "import", "none.md")[2].splitlines()[0] == (
        "none.md:1:1: no ```mermaid block with a journey in this file; the block's first line"
        " must be `journey`")


def test_spreadsheet_options_are_refused_for_mermaid(project, capsys):
    (project / "x.mmd").write_text("journey\n  section A\n    Tea: 3: Me\n")
    assert run(capsys, "import", "x.mmd", "--scale", "1..10")[2].splitlines()[0] == (
        "x.mmd:1:1: --scale is for spreadsheets; a Mermaid journey scores 1 to 5")


def test_the_parser_reads_entities_like_mermaid():
    journey = parse_journey("journey\n section A#59; B\n  x #35;1 #amp; #quot;q#quot;: 3: a#44; b, c\n", "x")
    assert journey.sections[0].name == "A; B"
    assert [(t.name, t.actors) for t in journey.sections[0].tasks] == [('x #1 & "q"', ["a, b", "c"])]
    with pytest.raises(Problems):
        parse_journey("journey\n section A\n  # only a comment: 3\n  x; y: 3\n", "x")
    assert re.search(r"#\d+;", mermaid_text("a:b")) is not None


def test_the_docs_show_the_real_export():
    assert f"```mermaid\n{SMALL_MERMAID}```" in (REPO / "docs" / "importing.md").read_text("utf-8")
