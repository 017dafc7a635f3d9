"""The journey canvas as HTML (canvas.py): what it shows, in which row and column.

Geometry, colour and print are measured in a browser (test_canvas_browser.py); here the
markup: every item of every example map in its stage's column, the lane order, the
service-blueprint lines, the metric cells, and every built-in word coming from LABELS.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from canvas_maps import long_map
from cjm_plugin.canvas import LABELS, blueprint_rows, metric_cell, render_canvas
from cjm_plugin.catalog import load_project
from cjm_plugin.model import Lane, Metric, Stage
from cjm_plugin.text import MarkdownRenderer

REPO = Path(__file__).resolve().parent.parent
CUSTOMER_LANES = ["actions", "touchpoints", "thoughts", "emotion", "pain-points", "opportunities", "metrics"]


@pytest.fixture(scope="module")
def examples():
    project = load_project([REPO / "maps"], base=REPO)
    assert project.maps and not project.errors
    return project


def _canvas(project, loaded, **options) -> BeautifulSoup:
    channels = {c.id: c.label for c in project.vocabulary.channels} if project.vocabulary else {}
    html = render_canvas(loaded, MarkdownRenderer(), channels, lambda sid: f"{sid}/", **options)
    return BeautifulSoup(html, "html.parser")


def _text(html: str) -> str:
    return " ".join(BeautifulSoup(html, "html.parser").get_text(" ").split())


def _cells(soup: BeautifulSoup, lane: str) -> list[str]:
    row = soup.select_one(f'[data-cjm-lane="{lane}"]')
    return [" ".join(cell.get_text(" ").split()) for cell in row.select(":scope > [role=cell]")]


def test_every_item_of_every_example_map_is_in_its_stages_column(examples):
    markdown = MarkdownRenderer()
    checked = 0
    for loaded in examples.maps:
        soup = _canvas(examples, loaded)
        root = soup.select_one(f'[data-cjm-canvas="{loaded.id}"]')
        assert root is not None
        stages = loaded.map.stages
        assert [h["data-cjm-stage"] for h in root.select("[data-cjm-stage]")] == [s.id for s in stages]
        columns = {lane: _cells(soup, lane) for lane in
                   ["actions", "touchpoints", "thoughts", "pain-points", "opportunities", "metrics",
                    *[lane.id for lane in loaded.map.lanes]]
                   if soup.select_one(f'[data-cjm-lane="{lane}"]')}
        for number, stage in enumerate(stages):
            expected = {
                "actions": stage.actions, "thoughts": stage.thoughts,
                "pain-points": [p.text for p in stage.pain_points],
                "opportunities": [o.text for o in stage.opportunities],
                "touchpoints": [t.name for t in stage.touchpoints],
                "metrics": [m.name for m in stage.metrics],
                **{lane.id: stage.lanes.get(lane.id, []) for lane in loaded.map.lanes},
            }
            for lane, items in expected.items():
                for item in items:
                    assert _text(markdown.inline(item)) in columns[lane][number], (loaded.id, lane, item)
                    checked += 1
            for opportunity in stage.opportunities:
                for value in (opportunity.owner, opportunity.status):
                    if value:
                        assert value in columns["opportunities"][number]
            for touchpoint in stage.touchpoints:
                if touchpoint.owner:
                    assert touchpoint.owner in columns["touchpoints"][number]
    assert checked > 400


def test_touchpoints_show_the_channel_name_not_its_id(examples):
    soup = _canvas(examples, examples.by_id("brand-manager"))
    touchpoints = " ".join(_cells(soup, "touchpoints"))
    assert "Word of mouth" in touchpoints and "word-of-mouth" not in touchpoints
    assert "Sales team" in touchpoints


def test_lanes_come_in_the_journey_map_order_and_only_with_data(tmp_path):
    (tmp_path / "a.yml").write_text(
        "persona:\n  name: A\nlanes:\n  - {id: empty, name: Empty}\n  - {id: ops, name: Ops}\n"
        "stages:\n  - name: One\n    emotion: 1\n    thoughts: [Hm]\n    actions: [Do]\n"
        "    lanes: {ops: [Work]}\n  - name: Two\n", encoding="utf-8")
    project = load_project([tmp_path])
    soup = _canvas(project, project.maps[0])
    lanes = [row["data-cjm-lane"] for row in soup.select("[data-cjm-lane]")]
    assert lanes == ["actions", "thoughts", "emotion", "ops"]
    lines = [row["data-cjm-line"] for row in soup.select("[data-cjm-line]")]
    assert lines == ["interaction", "visibility", "internal-interaction"]
    rows = [r.get("data-cjm-lane") or r["data-cjm-line"] for r in soup.select("[data-cjm-lane], [data-cjm-line]")]
    assert rows[-4:] == ["interaction", "visibility", "ops", "internal-interaction"]  # no kind: backstage


def test_long_map_has_every_lane_and_the_blueprint_lines_in_convention_order(tmp_path):
    (tmp_path / "ten.yml").write_text(long_map(10), encoding="utf-8")
    project = load_project([tmp_path])
    soup = _canvas(project, project.maps[0])
    rows = [row.get("data-cjm-lane") or f"line:{row['data-cjm-line']}"
            for row in soup.select("[data-cjm-lane], [data-cjm-line]")]
    assert rows == ["evidence", *CUSTOMER_LANES, "line:interaction", "desk", "line:visibility", "ops",
                    "line:internal-interaction", "systems"]
    assert len(soup.select("[data-cjm-point]")) == 10
    assert [label.get_text(" ", strip=True) for label in soup.select(".cjm-line-label")] == [
        "Line of interaction", "Line of visibility", "Line of internal interaction"]


def test_blueprint_lines_follow_the_kinds_present():
    stage = Stage(name="S", lanes={"f": ["x"], "b": ["x"], "s": ["x"], "e": ["x"]})

    def lines(*kinds: str) -> list[str]:
        lanes = [Lane(id=kind[0], name=kind, kind=kind) for kind in kinds]
        evidence, rows = blueprint_rows(lanes, [stage])
        return [r.line or f"lane:{r.lane.kind}" for r in rows]

    # All three lines, each above its zone; an empty zone stays empty between its lines.
    assert lines("frontstage") == ["interaction", "lane:frontstage", "visibility", "internal-interaction"]
    assert lines("support", "frontstage", "backstage") == [
        "interaction", "lane:frontstage", "visibility", "lane:backstage", "internal-interaction",
        "lane:support"]
    assert lines("evidence") == []  # evidence sits above the customer's rows: no blueprint below
    assert lines() == []
    assert blueprint_rows([Lane(id="e", name="E", kind="evidence")], [stage])[0][0].id == "e"


@dataclass(frozen=True)
class _WithDirection:  # the shape of Metric once issue #17 adds `better`
    name: str
    value: float
    target: float | None
    unit: str | None
    better: str | None


def test_metric_cells_show_value_target_gap_and_direction_when_known():
    plain = metric_cell(Metric(name="On time", value=82, target=95, unit="%"))
    assert (plain.value, plain.target, plain.gap, plain.better, plain.status) == ("82%", "95%", "13%", None, "unknown")
    assert plain.verdict == "gap 13%"
    assert metric_cell(Metric(name="N", value=3)).verdict is None
    assert metric_cell(Metric(name="N", value=3, target=3)).verdict == "on target"
    lower = metric_cell(_WithDirection("Quote turnaround", 5, 2, "working days", "lower"))
    assert (lower.status, lower.verdict) == ("missed", "3 working days short of target")
    higher = metric_cell(_WithDirection("Score", 4.6, 4.5, None, "higher"))
    assert (higher.status, higher.verdict) == ("met", "0.1 better than target")


def test_every_built_in_word_comes_from_the_labels(examples, tmp_path):
    """Swap each label for a marker: what is left is map text, numbers and symbols."""
    marked = {key: f"⟦{key}⟧" for key in LABELS}
    (tmp_path / "ten.yml").write_text(long_map(4), encoding="utf-8")
    long = load_project([tmp_path])
    for project, loaded in [(examples, examples.by_id("brand-manager")), (long, long.maps[0])]:
        soup = _canvas(project, loaded, labels=marked)
        text = soup.get_text(" ")
        attributes = " ".join(str(v) for e in soup.find_all(True) for k, v in e.attrs.items()
                              if k in ("title", "aria-label"))
        left = re.sub(r"⟦[^⟧]*⟧", " ", text + " " + attributes)
        words = set(re.findall(r"[A-Za-z]{3,}", left))
        journey = loaded.map
        map_text = " ".join(str(v) for v in _all_strings(journey.model_dump()))
        map_text += " " + " ".join(c.label for c in project.vocabulary.channels) if project.vocabulary else ""
        stray = {w for w in words if w not in map_text}
        assert stray == set(), f"built-in words outside LABELS: {sorted(stray)}"


def _all_strings(value):
    if isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _all_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _all_strings(item)
    elif value is not None:
        yield value


def test_the_canvas_is_one_markdown_safe_block(examples):
    for loaded in examples.maps:
        html = render_canvas(loaded, MarkdownRenderer(), {}, lambda sid: f"{sid}/", page=True)
        assert "\n\n" not in html and html.startswith("<div") and html.endswith("</div>\n")
        assert not any(token in html for token in ("{{", "{%", "{#", "{:"))
        assert not any(line.startswith(("    ", "\t")) for line in html.splitlines())


def test_the_canvas_costs_no_dot_run(tmp_path):
    from sitebuild import make_site, read, build_site

    config = make_site(tmp_path, example_maps=True,
                       config={"plugins": ["search", {"cjm": {"diagrams": False}}]})
    site = build_site(config)
    page = BeautifulSoup(read(site, "journeys/brand-manager/"), "html.parser")
    assert page.select_one('[data-cjm-canvas="brand-manager"] [data-cjm-point]') is not None
    assert page.select_one(".cjm-diagram svg") is None


def test_raw_blocks_are_lifted_out_of_markdown_and_put_back_whole():
    from cjm_plugin.rawblocks import lift, mark, restore

    canvas = '<div class="cjm-canvas-frame">\n<p>*not emphasis*</p>\n</div>'
    page = f"# T\n\n{mark(canvas)}\nText\n\n{mark('<svg></svg>')}"
    lifted = lift(page)
    assert list(lifted.blocks.values()) == [canvas, "<svg></svg>"]
    assert "cjm-canvas-frame" not in lifted.markdown and "<!--" not in lifted.markdown
    import markdown

    converted = markdown.markdown(lifted.markdown, extensions=["md_in_html", "attr_list"])
    assert "*not emphasis*" not in converted  # Markdown never saw the block
    html = restore(converted, lifted.blocks)
    assert canvas in html and "<svg></svg>" in html and "CJMRAW" not in html
    assert restore("<div data-cjm-raw=CJMRAW1X></div>", lifted.blocks) == canvas  # after a minifier
    assert lift("no blocks here").blocks == {}


def test_built_persona_page_has_the_canvas_once_and_no_markers(tmp_path):
    from sitebuild import build_site, make_site, read

    config = make_site(tmp_path, example_maps=True)
    html = read(build_site(config), "journeys/brand-manager/")
    assert html.count("data-cjm-canvas=") == 1
    assert "CJMRAW" not in html and "cjm:raw" not in html
    soup = BeautifulSoup(html, "html.parser")
    assert len(soup.select("[data-cjm-point]")) == 6 and soup.select_one(".cjm-diagram svg")


def test_generated_pages_without_the_plugin_still_show_the_canvas(tmp_path):
    from cjm_plugin.cli import main
    from sitebuild import build_site, make_site, read

    config = make_site(tmp_path, config={"plugins": ["search"]})
    assert main(["generate", "--out", str(tmp_path / "docs"), "--maps", str(REPO / "maps")]) == 0
    soup = BeautifulSoup(read(build_site(config, strict=False), "journeys/theatre-goer/"), "html.parser")
    canvas = soup.select_one('[data-cjm-canvas="theatre-goer"]')
    assert canvas is not None and len(canvas.select("[data-cjm-stage]")) == 6
    assert canvas.select("[data-cjm-point]") and canvas.select('[data-cjm-lane="touchpoints"] li')
